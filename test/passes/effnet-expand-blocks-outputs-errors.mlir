// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks="outputs=reduction_2" -verify-diagnostics

// Diagnostics of effnet-expand-blocks' `outputs` that depend on the model
// (the names themselves: effnet-expand-blocks-outputs-{unknown,twice}.mlir).

// A stem and a head: the head's activation is the one reduction.
// expected-error @+1 {{effnet-expand-blocks: output 'reduction_2' does not exist: this model has 1 reduction at its resolution (reduction_1 .. reduction_1)}}
func.func @small(%x: tensor<1x3x32x32xf32>) -> tensor<1x10xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x32x32xf32> -> tensor<1x8x16x16xf32>
  %1 = effnet.head %0 {channels = 16 : i64, name = "head", num_classes = 10 : i64} : tensor<1x8x16x16xf32> -> tensor<1x10xf32>
  return %1 : tensor<1x10xf32>
}

// -----

// Outputs need a model that ends in its head; the stem alone has none.
// expected-error @+1 {{effnet-expand-blocks: outputs other than the logits need a model of stem, blocks and head that returns the head's logits}}
func.func @no_head(%x: tensor<1x3x32x32xf32>) -> tensor<1x8x16x16xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x32x32xf32> -> tensor<1x8x16x16xf32>
  return %0 : tensor<1x8x16x16xf32>
}
