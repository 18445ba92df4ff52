// RUN: effnet-opt %s -split-input-file --canonicalize | FileCheck %s

// An identity activation folds to its input.
// CHECK-LABEL: func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x4x4xf32>)
// CHECK-NOT: effnet.activation
// CHECK: return %[[X]]
func.func @identity(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = effnet.activation identity %x : tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// swish is silu under another name; one spelling remains.
// CHECK-LABEL: func @swish
// CHECK: effnet.activation silu
// CHECK-NOT: swish
func.func @swish(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = effnet.activation swish %x : tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Pure effnet ops whose results are unused disappear.
// CHECK-LABEL: func @dead
// CHECK-NOT: effnet.
// CHECK: return
func.func @dead(%x: tensor<1x8x4x4xf32>) {
  %w = effnet.weight "w" : tensor<8x8x1x1xf32>
  %0 = effnet.conv2d %x, %w : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %1 = effnet.activation relu %0 : tensor<1x8x4x4xf32>
  return
}
