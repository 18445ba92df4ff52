// RUN: effnet-opt %s -split-input-file -verify-diagnostics --effnet-compound-scale="variant=v2_s"

// A V2 variant is its own stage table, not a scaling of B0's.
// expected-error@+1 {{'func.func' op holds stage table 'b0', but variant 'v2_s' is built from stage table 'v2_s'}}
func.func @b0_table(%x: tensor<1x3x64x64xf32>) -> tensor<1x32x32x32xf32> attributes {effnet.table = "b0"} {
  %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
  return %0 : tensor<1x32x32x32xf32>
}

// -----

// Resolution has nothing to change without a stem.
// expected-error@+1 {{'func.func' op has no effnet.stem whose input resolution could change}}
func.func @no_stem(%x: tensor<1x24x8x8xf32>) -> tensor<1x24x8x8xf32> {
  %0 = effnet.stage fused_mbconv %x {repeats = 1 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 1.0 : f64, out_channels = 24 : i64} : tensor<1x24x8x8xf32> -> tensor<1x24x8x8xf32>
  return %0 : tensor<1x24x8x8xf32>
}

// -----

// The stem's input must be the function's, so that its type can change.
func.func @stem_not_argument(%x: tensor<1x3x64x64xf32>) -> tensor<1x32x16x16xf32> {
  %0 = effnet.stem %x {name = "a", out_channels = 3 : i64, kernel = 3 : i64, stride = 1 : i64} : tensor<1x3x64x64xf32> -> tensor<1x3x64x64xf32>
  // expected-error@+1 {{'effnet.stem' op expects its input to be an argument of the function, so that the resolution can change}}
  %1 = effnet.stem %0 {name = "b", out_channels = 32 : i64, kernel = 3 : i64, stride = 4 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x16x16xf32>
  return %1 : tensor<1x32x16x16xf32>
}
