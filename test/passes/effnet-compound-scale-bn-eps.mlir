// A given bn-eps is checked, whatever it is: zero, negative and NaN are
// errors, never "not given".
// RUN: rm -rf %t && split-file %s %t
// RUN: effnet-opt %t/zero.mlir -verify-diagnostics --effnet-compound-scale="bn-eps=0"
// RUN: effnet-opt %t/nan.mlir -verify-diagnostics --effnet-compound-scale="bn-eps=nan"
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=-1e-3" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=inf" 2>&1 | FileCheck %s --check-prefix=INF

// NEGATIVE: error: effnet-compound-scale: expects bn-eps > 0 and finite, got -0.001
// INF: error: effnet-compound-scale: expects bn-eps > 0 and finite, got inf

// The variances bn-eps is added to are float32: it must be a normal float,
// neither denormal (or zero) nor past float's range once stored as one.
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=1e-45" 2>&1 | FileCheck %s --check-prefix=DENORMAL
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=1e-39" 2>&1 | FileCheck %s --check-prefix=DENORMAL39
// RUN: not effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=1e39" 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: effnet-opt %t/zero.mlir --effnet-compound-scale="bn-eps=1.2e-38" | FileCheck %s --check-prefix=NORMAL
// RUN: not effnetc --bn-eps 1e-45 --stats 2>&1 | FileCheck %s --check-prefix=EFFNETC

// DENORMAL: error: effnet-compound-scale: expects bn-eps to be a normal float (1.17549e-38 to 3.40282e+38), got 1e-45
// DENORMAL39: error: effnet-compound-scale: expects bn-eps to be a normal float (1.17549e-38 to 3.40282e+38), got 1e-39
// HUGE: error: effnet-compound-scale: expects bn-eps to be a normal float (1.17549e-38 to 3.40282e+38), got 1e+39
// NORMAL: effnet.stem
// EFFNETC: effnetc: error: effnet-compound-scale: expects bn-eps to be a normal float (1.17549e-38 to 3.40282e+38), got 1e-45

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
