// RUN: effnet-opt %s -split-input-file | effnet-opt -split-input-file | FileCheck %s
// RUN: effnet-opt %s -split-input-file --mlir-print-op-generic | effnet-opt -split-input-file | FileCheck %s

// A stage row prints and parses with its kind as a keyword and its
// defaulted attributes elided.
// CHECK-LABEL: func @stage
// CHECK: effnet.stage mbconv %{{.*}} {expand_ratio = 6.000000e+00 : f64, kernel = 3 : i64, out_channels = 24 : i64, repeats = 2 : i64, se_ratio = 2.500000e-01 : f64, stride = 2 : i64} : tensor<1x16x112x112xf32> -> tensor<1x24x56x56xf32>
// CHECK: effnet.stage fused_mbconv %{{.*}} {bn_eps = 1.000000e-03 : f64
// CHECK-SAME: tensor<?x24x56x56xf32> -> tensor<?x48x28x28xf32>
func.func @stage(%x: tensor<1x16x112x112xf32>, %y: tensor<?x24x56x56xf32>) -> (tensor<1x24x56x56xf32>, tensor<?x48x28x28xf32>) {
  %0 = effnet.stage mbconv %x {repeats = 2 : i64, kernel = 3 : i64, stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 24 : i64, se_ratio = 0.25 : f64} : tensor<1x16x112x112xf32> -> tensor<1x24x56x56xf32>
  %1 = effnet.stage fused_mbconv %y {repeats = 4 : i64, kernel = 3 : i64, stride = 2 : i64, expand_ratio = 4.0 : f64, out_channels = 48 : i64, bn_eps = 1.0e-3 : f64} : tensor<?x24x56x56xf32> -> tensor<?x48x28x28xf32>
  return %0, %1 : tensor<1x24x56x56xf32>, tensor<?x48x28x28xf32>
}

// -----

// The four block ops keep their canonical names and every attribute.
// CHECK-LABEL: func @blocks
// CHECK: %[[S:.*]] = effnet.stem %{{.*}} {kernel = 3 : i64, name = "stem", out_channels = 32 : i64, stride = 2 : i64}
// CHECK: %[[M:.*]] = effnet.mbconv %[[S]] {expand_channels = 32 : i64, kernel = 3 : i64, name = "blocks.0.0", out_channels = 16 : i64, se_channels = 8 : i64, stochastic_depth = 1.000000e-01 : f64, stride = 1 : i64}
// CHECK: %[[F:.*]] = effnet.fused_mbconv %[[M]] {expand_channels = 64 : i64, kernel = 3 : i64, name = "blocks.1.0", out_channels = 24 : i64, stride = 2 : i64}
// CHECK: effnet.head %[[F]] {channels = 1280 : i64, dropout = 2.000000e-01 : f64, name = "head", num_classes = 10 : i64} : tensor<1x24x56x56xf32> -> tensor<1x10xf32>
func.func @blocks(%x: tensor<1x3x224x224xf32>) -> tensor<1x10xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x224x224xf32> -> tensor<1x32x112x112xf32>
  %1 = effnet.mbconv %0 {name = "blocks.0.0", kernel = 3 : i64, stride = 1 : i64, expand_channels = 32 : i64, out_channels = 16 : i64, se_channels = 8 : i64, stochastic_depth = 0.1 : f64} : tensor<1x32x112x112xf32> -> tensor<1x16x112x112xf32>
  %2 = effnet.fused_mbconv %1 {name = "blocks.1.0", kernel = 3 : i64, stride = 2 : i64, expand_channels = 64 : i64, out_channels = 24 : i64} : tensor<1x16x112x112xf32> -> tensor<1x24x56x56xf32>
  %3 = effnet.head %2 {name = "head", channels = 1280 : i64, num_classes = 10 : i64, dropout = 0.2 : f64} : tensor<1x24x56x56xf32> -> tensor<1x10xf32>
  return %3 : tensor<1x10xf32>
}

// -----

// Every primitive op, with explicit and 'same' padding, optional biases and
// every activation kind.
// CHECK-LABEL: func @primitives
// CHECK: %[[W:.*]] = effnet.weight "c.weight" : tensor<8x3x3x3xf32>
// CHECK: %[[B:.*]] = effnet.weight "c.bias" {value = dense<5.000000e-01> : tensor<8xf32>} : tensor<8xf32>
// CHECK: effnet.conv2d %{{.*}}, %[[W]], %[[B]] {padding = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x5x4xf32>
// CHECK: effnet.conv2d %{{.*}}, %[[W]] {dilations = array<i64: 2, 2>, padding_mode = #effnet.padding_mode<same>, strides = array<i64: 2, 2>} : (tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x5x5xf32>
// CHECK: effnet.batch_norm %{{.*}} {epsilon = 1.000000e-03 : f64} : (tensor<1x8x5x5xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x5x5xf32>
// CHECK: effnet.activation silu
// CHECK: effnet.activation swish
// CHECK: effnet.activation sigmoid
// CHECK: effnet.activation relu
// CHECK: effnet.activation identity
// CHECK: %[[P:.*]] = effnet.global_avg_pool %{{.*}} : tensor<1x8x5x5xf32> -> tensor<1x8x1x1xf32>
// CHECK: effnet.channel_mul %{{.*}}, %[[P]] : tensor<1x8x5x5xf32>, tensor<1x8x1x1xf32>
// CHECK: effnet.add %{{.*}}, %{{.*}} {stochastic_depth = 5.000000e-02 : f64} : tensor<1x8x5x5xf32>
// CHECK: %[[FL:.*]] = effnet.flatten %[[P]] : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
// CHECK: effnet.dense %[[FL]], %{{.*}}, %{{.*}} {dropout = 2.000000e-01 : f64} : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// CHECK: effnet.dense %[[FL]], %{{.*}} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
func.func @primitives(%x: tensor<1x3x9x9xf32>) -> (tensor<1x8x5x4xf32>, tensor<1x8x5x5xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %w = effnet.weight "c.weight" : tensor<8x3x3x3xf32>
  %b = effnet.weight "c.bias" {value = dense<0.5> : tensor<8xf32>} : tensor<8xf32>
  %0 = effnet.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>} : (tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x5x4xf32>
  %1 = effnet.conv2d %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>, padding_mode = #effnet.padding_mode<same>} : (tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x5x5xf32>
  %g = effnet.weight "bn.weight" : tensor<8xf32>
  %s = effnet.weight "bn.bias" : tensor<8xf32>
  %m = effnet.weight "bn.running_mean" : tensor<8xf32>
  %v = effnet.weight "bn.running_var" : tensor<8xf32>
  %2 = effnet.batch_norm %1, %g, %s, %m, %v {epsilon = 1.0e-3 : f64} : (tensor<1x8x5x5xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x5x5xf32>
  %3 = effnet.activation silu %2 : tensor<1x8x5x5xf32>
  %4 = effnet.activation swish %3 : tensor<1x8x5x5xf32>
  %5 = effnet.activation sigmoid %4 : tensor<1x8x5x5xf32>
  %6 = effnet.activation relu %5 : tensor<1x8x5x5xf32>
  %7 = effnet.activation identity %6 : tensor<1x8x5x5xf32>
  %8 = effnet.global_avg_pool %7 : tensor<1x8x5x5xf32> -> tensor<1x8x1x1xf32>
  %9 = effnet.channel_mul %7, %8 : tensor<1x8x5x5xf32>, tensor<1x8x1x1xf32>
  %10 = effnet.add %9, %2 {stochastic_depth = 0.05 : f64} : tensor<1x8x5x5xf32>
  %11 = effnet.flatten %8 : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
  %dw = effnet.weight "fc.weight" : tensor<4x8xf32>
  %db = effnet.weight "fc.bias" : tensor<4xf32>
  %12 = effnet.dense %11, %dw, %db {dropout = 0.2 : f64} : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %13 = effnet.dense %11, %dw : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return %0, %10, %12, %13 : tensor<1x8x5x4xf32>, tensor<1x8x5x5xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}
