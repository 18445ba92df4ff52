// RUN: effnet-opt %s -split-input-file -verify-diagnostics --effnet-compound-scale="variant=b9"
// RUN: not effnet-opt %s --effnet-compound-scale="variant=b1 phi=2" 2>&1 | FileCheck %s --check-prefix=CONFLICT
// RUN: not effnet-opt %s --effnet-compound-scale="width=-1" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not effnet-opt %s --effnet-compound-scale="resolution=-3" 2>&1 | FileCheck %s --check-prefix=RES
// RUN: not effnet-opt %s --effnet-compound-scale="phi=40" 2>&1 | FileCheck %s --check-prefix=PHI
// RUN: not effnet-opt %s --effnet-compound-scale="phi=abc" 2>&1 | FileCheck %s --check-prefix=PARSE

// Unknown variants are named, with the ones that exist.
// expected-error@+1 {{effnet-compound-scale: unknown variant 'b9' (expected one of b0, b1, b2, b3, b4, b5, b6, b7, v2_s, v2_m, v2_l)}}
module {
  func.func @table(%x: tensor<1x3x64x64xf32>) -> tensor<1x32x32x32xf32> {
    %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
    return %0 : tensor<1x32x32x32xf32>
  }
}

// CONFLICT: error: effnet-compound-scale: give one of 'variant', 'phi' or 'width'/'depth', not several
// WIDTH: error: effnet-compound-scale: expects width in (0, 64], got -1
// RES: error: effnet-compound-scale: expects resolution in [1, 16384], got -3
// PHI: error: effnet-compound-scale: expects phi in [-8, 16], got 40
// PARSE: for the --phi option: 'abc' value invalid for floating point argument!
