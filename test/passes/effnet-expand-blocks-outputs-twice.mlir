// RUN: effnet-opt %s --effnet-expand-blocks="outputs=features,logits,features" -verify-diagnostics

// An output asked for twice.
// expected-error @+1 {{effnet-expand-blocks: output 'features' is requested twice}}
func.func @small(%x: tensor<1x3x32x32xf32>) -> tensor<1x10xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x32x32xf32> -> tensor<1x8x16x16xf32>
  %1 = effnet.head %0 {channels = 16 : i64, name = "head", num_classes = 10 : i64} : tensor<1x8x16x16xf32> -> tensor<1x10xf32>
  return %1 : tensor<1x10xf32>
}
