// RUN: effnet-opt %s -split-input-file --effnet-expand-stages | FileCheck %s

// Two stages, three blocks: the first block of a stage takes its stride and
// input channels, the others stride 1 and the stage's output channels. The
// expansion rounds in * ratio as _make_divisible, squeeze-excite keeps
// max(1, in / 4) channels, and stochastic depth grows as 0.2 * i / 3.
// CHECK-LABEL: func @two_stages
// CHECK: %[[S:.*]] = effnet.stem
// CHECK: %[[B0:.*]] = effnet.mbconv %[[S]] {expand_channels = 96 : i64, kernel = 3 : i64, name = "blocks.0.0", out_channels = 24 : i64, se_channels = 4 : i64, stride = 2 : i64} : tensor<1x16x32x32xf32> -> tensor<1x24x16x16xf32>
// CHECK: %[[B1:.*]] = effnet.mbconv %[[B0]] {expand_channels = 144 : i64, kernel = 3 : i64, name = "blocks.0.1", out_channels = 24 : i64, se_channels = 6 : i64, stochastic_depth = 0.066666666666666666 : f64, stride = 1 : i64} : tensor<1x24x16x16xf32> -> tensor<1x24x16x16xf32>
// CHECK: %[[B2:.*]] = effnet.fused_mbconv %[[B1]] {expand_channels = 96 : i64, kernel = 5 : i64, name = "blocks.1.0", out_channels = 40 : i64, stochastic_depth = 0.13333333333333333 : f64, stride = 2 : i64} : tensor<1x24x16x16xf32> -> tensor<1x40x8x8xf32>
// CHECK: effnet.head %[[B2]]
// CHECK-NOT: effnet.stage
func.func @two_stages(%x: tensor<1x3x64x64xf32>) -> tensor<1x10xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 16 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x16x32x32xf32>
  %1 = effnet.stage mbconv %0 {repeats = 2 : i64, kernel = 3 : i64, stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 24 : i64, se_ratio = 0.25 : f64, stochastic_depth = 0.2 : f64} : tensor<1x16x32x32xf32> -> tensor<1x24x16x16xf32>
  %2 = effnet.stage fused_mbconv %1 {repeats = 1 : i64, kernel = 5 : i64, stride = 2 : i64, expand_ratio = 4.0 : f64, out_channels = 40 : i64, stochastic_depth = 0.2 : f64} : tensor<1x24x16x16xf32> -> tensor<1x40x8x8xf32>
  %3 = effnet.head %2 {name = "head", channels = 64 : i64, num_classes = 10 : i64} : tensor<1x40x8x8xf32> -> tensor<1x10xf32>
  return %3 : tensor<1x10xf32>
}

// -----

// An expansion ratio of 1 keeps the input channels (no expansion convolution
// later); a dynamic batch passes through; batch-norm epsilon is inherited.
// CHECK-LABEL: func @no_expansion
// CHECK: effnet.fused_mbconv %{{.*}} {bn_eps = 1.000000e-03 : f64, expand_channels = 24 : i64, kernel = 3 : i64, name = "blocks.0.0", out_channels = 24 : i64, stride = 1 : i64} : tensor<?x24x8x8xf32> -> tensor<?x24x8x8xf32>
// CHECK: effnet.fused_mbconv %{{.*}} {bn_eps = 1.000000e-03 : f64, expand_channels = 24 : i64, kernel = 3 : i64, name = "blocks.0.1", out_channels = 24 : i64, stride = 1 : i64} : tensor<?x24x8x8xf32> -> tensor<?x24x8x8xf32>
func.func @no_expansion(%x: tensor<?x24x8x8xf32>) -> tensor<?x24x8x8xf32> {
  %0 = effnet.stage fused_mbconv %x {repeats = 2 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 1.0 : f64, out_channels = 24 : i64, bn_eps = 1.0e-3 : f64} : tensor<?x24x8x8xf32> -> tensor<?x24x8x8xf32>
  return %0 : tensor<?x24x8x8xf32>
}
