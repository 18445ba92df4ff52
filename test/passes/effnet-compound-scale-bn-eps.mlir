// A given bn-eps is checked, whatever it is: zero, negative and NaN are
// errors, never "not given".
// RUN: rm -rf %t && split-file %s %t
// RUN: effnet-opt %t/zero.mlir -verify-diagnostics --effnet-compound-scale="bn-eps=0"
// RUN: effnet-opt %t/nan.mlir -verify-diagnostics --effnet-compound-scale="bn-eps=nan"
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=-1e-3" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=inf" 2>&1 | FileCheck %s --check-prefix=INF

// NEGATIVE: error: effnet-compound-scale: expects bn-eps > 0 and finite, got -0.001
// INF: error: effnet-compound-scale: expects bn-eps > 0 and finite, got inf

//--- zero.mlir
// expected-error@+1 {{effnet-compound-scale: expects bn-eps > 0 and finite, got 0}}
module {
  func.func @table(%x: tensor<1x3x64x64xf32>) -> tensor<1x32x32x32xf32> {
    %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
    return %0 : tensor<1x32x32x32xf32>
  }
}

//--- nan.mlir
// expected-error@+1 {{effnet-compound-scale: expects bn-eps > 0 and finite, got nan}}
module {
  func.func @table(%x: tensor<1x3x64x64xf32>) -> tensor<1x32x32x32xf32> {
    %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
    return %0 : tensor<1x32x32x32xf32>
  }
}
