// RUN: effnet-opt %s -split-input-file --effnet-fold-batchnorm | FileCheck %s

// Worked by hand: s = scale / sqrt(var + eps) = [2 / 2, 1 / 4] = [1, 0.25];
// weights of channel o scale by s[o]; bias = (0 - mean) * s + shift.
// CHECK-LABEL: func @no_bias
// CHECK: %[[W:.*]] = effnet.weight "blocks.0.0.project.folded.weight" {value = dense<{{\[}}{{\[}}{{\[}}[1.000000e+00]], {{\[}}[2.000000e+00]]], {{\[}}{{\[}}[7.500000e-01]], {{\[}}[1.000000e+00]]]]> : tensor<2x2x1x1xf32>}
// CHECK: %[[B:.*]] = effnet.weight "blocks.0.0.project.folded.bias" {value = dense<[-5.000000e-01, -1.000000e+00]> : tensor<2xf32>}
// CHECK: %[[C:.*]] = effnet.conv2d %{{.*}}, %[[W]], %[[B]] : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK-NOT: effnet.batch_norm
// CHECK-NOT: running_var
// CHECK: return %[[C]]
func.func @no_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = effnet.weight "blocks.0.0.project.conv.weight" {value = dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>} : tensor<2x2x1x1xf32>
  %0 = effnet.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %g = effnet.weight "blocks.0.0.project.bn.weight" {value = dense<[2.0, 1.0]> : tensor<2xf32>} : tensor<2xf32>
  %b = effnet.weight "blocks.0.0.project.bn.bias" {value = dense<[0.5, -1.0]> : tensor<2xf32>} : tensor<2xf32>
  %m = effnet.weight "blocks.0.0.project.bn.running_mean" {value = dense<[1.0, 0.0]> : tensor<2xf32>} : tensor<2xf32>
  %v = effnet.weight "blocks.0.0.project.bn.running_var" {value = dense<[3.0, 15.0]> : tensor<2xf32>} : tensor<2xf32>
  %1 = effnet.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// A convolution bias goes through the same affine map: (1 - 1) * 1 + 0.5 and
// (4 - 0) * 0.25 - 1. Strides, padding and groups are kept; one weight op
// feeding several operands is handled.
// CHECK-LABEL: func @with_bias
// CHECK: %[[W:.*]] = effnet.weight "dw.folded.weight" {value = dense<{{.*}}> : tensor<2x1x3x3xf32>}
// CHECK: %[[B:.*]] = effnet.weight "dw.folded.bias" {value = dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>}
// CHECK: effnet.conv2d %{{.*}}, %[[W]], %[[B]] {groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
func.func @with_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = effnet.weight "dw.conv.weight" {value = dense<1.0> : tensor<2x1x3x3xf32>} : tensor<2x1x3x3xf32>
  %c = effnet.weight "dw.conv.bias" {value = dense<[1.0, 4.0]> : tensor<2xf32>} : tensor<2xf32>
  %0 = effnet.conv2d %x, %w, %c {groups = 2 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %g = effnet.weight "dw.bn.weight" {value = dense<[2.0, 1.0]> : tensor<2xf32>} : tensor<2xf32>
  %b = effnet.weight "dw.bn.bias" {value = dense<[0.5, -1.0]> : tensor<2xf32>} : tensor<2xf32>
  %m = effnet.weight "dw.bn.running_mean" {value = dense<[1.0, 0.0]> : tensor<2xf32>} : tensor<2xf32>
  %v = effnet.weight "dw.bn.running_var" {value = dense<[3.0, 15.0]> : tensor<2xf32>} : tensor<2xf32>
  %1 = effnet.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// Unbound weights, or a convolution whose result is used elsewhere too, keep
// their batch norm.
// CHECK-LABEL: func @cannot_fold
// CHECK: effnet.batch_norm
// CHECK: effnet.batch_norm
func.func @cannot_fold(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = effnet.weight "a.conv.weight" : tensor<2x2x1x1xf32>
  %0 = effnet.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = effnet.weight "a.bn.weight" {value = dense<1.0> : tensor<2xf32>} : tensor<2xf32>
  %1 = effnet.batch_norm %0, %s, %s, %s, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %u = effnet.weight "b.conv.weight" {value = dense<1.0> : tensor<2x2x1x1xf32>} : tensor<2x2x1x1xf32>
  %2 = effnet.conv2d %x, %u : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = effnet.batch_norm %2, %s, %s, %s, %s : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1, %2, %3 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// One weight op feeding every batch-norm operand folds and is removed once.
// CHECK-LABEL: func @shared_weight
// CHECK-NOT: effnet.batch_norm
// CHECK: effnet.weight "c.folded.bias" {value = dense<5.000000e-01> : tensor<2xf32>}
func.func @shared_weight(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = effnet.weight "c.conv.weight" {value = dense<1.0> : tensor<2x2x1x1xf32>} : tensor<2x2x1x1xf32>
  %0 = effnet.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = effnet.weight "c.bn.all" {value = dense<1.0> : tensor<2xf32>} : tensor<2xf32>
  %1 = effnet.batch_norm %0, %s, %s, %s, %s {epsilon = 3.0 : f64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}
