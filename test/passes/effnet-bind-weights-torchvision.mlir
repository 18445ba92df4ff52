// RUN: %python %S/../oracle/safetensors_file.py %t.safetensors features.0.0.weight:F32:4x3x3x3 features.0.1.running_var:F32:4 features.0.1.num_batches_tracked:I64:scalar features.1.0.block.0.0.weight:F32:4x1x3x3 features.1.0.block.1.fc1.bias:F32:2 features.1.0.block.1.fc2.weight:F32:4x2x1x1 features.1.0.block.2.1.running_mean:F32:8 features.2.0.weight:F32:16x8x1x1 classifier.1.bias:F32:10
// RUN: effnet-opt %s -split-input-file -verify-diagnostics --effnet-bind-weights="file=%t.safetensors naming=torchvision" | FileCheck %s

// torchvision names (detected when not given: see
// effnet-bind-weights-naming.mlir): the stem is features.0, stage S is
// features.S+1, the head follows the last stage; a block's parts are numbered
// among the parts it has (here dw, se, project: 0, 1, 2), convolutions and
// batch norms are Sequential items 0 and 1, squeeze-excite is fc1 and fc2.
// The file's values are 0, 1, 2, ... in each tensor.
// CHECK-LABEL: func.func @mbconv
// CHECK-COUNT-8: effnet.weight {{.*}} {value = dense_resource<
// CHECK: stem.bn.running_var: "0x04000000000000000000803F0000004000004040"
// CHECK: blocks.0.0.se.reduce.bias: "0x04000000000000000000803F"
// CHECK: blocks.0.0.project.bn.running_mean: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E040"
// CHECK: head.classifier.bias: "0x04000000000000000000803F0000004000004040000080400000A0400000C0400000E0400000004100001041"
func.func @mbconv() -> (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4x1x3x3xf32>, tensor<2xf32>, tensor<4x2x1x1xf32>, tensor<8xf32>, tensor<16x8x1x1xf32>, tensor<10xf32>) {
  %0 = effnet.weight "stem.conv.weight" : tensor<4x3x3x3xf32>
  %1 = effnet.weight "stem.bn.running_var" : tensor<4xf32>
  %2 = effnet.weight "blocks.0.0.dw.conv.weight" : tensor<4x1x3x3xf32>
  %3 = effnet.weight "blocks.0.0.se.reduce.bias" : tensor<2xf32>
  %4 = effnet.weight "blocks.0.0.se.expand.weight" : tensor<4x2x1x1xf32>
  %5 = effnet.weight "blocks.0.0.project.bn.running_mean" : tensor<8xf32>
  %6 = effnet.weight "head.conv.weight" : tensor<16x8x1x1xf32>
  %7 = effnet.weight "head.classifier.bias" : tensor<10xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4x1x3x3xf32>, tensor<2xf32>, tensor<4x2x1x1xf32>, tensor<8xf32>, tensor<16x8x1x1xf32>, tensor<10xf32>
}

// -----

// A name outside the canonical scheme has no torchvision name.
func.func @not_canonical() -> tensor<4xf32> {
  // expected-error@+1 {{'effnet.weight' op cannot bind 'stem.bn.scale': 'stem.bn.scale' is not a canonical weight name}}
  %0 = effnet.weight "stem.bn.scale" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Part numbers come from the parts a block has: with an expansion, dw is
// item 1 and expand item 0, whose tensor here has another shape.
func.func @expanded() -> (tensor<4x4x1x1xf32>, tensor<4x1x3x3xf32>) {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'blocks.0.0.expand.conv.weight': {{.*}}: tensor 'features.1.0.block.0.0.weight' has shape [4, 1, 3, 3], expected [4, 4, 1, 1]{{$}}}}
  %0 = effnet.weight "blocks.0.0.expand.conv.weight" : tensor<4x4x1x1xf32>
  %1 = effnet.weight "blocks.0.0.dw.conv.weight" : tensor<4x1x3x3xf32>
  return %0, %1 : tensor<4x4x1x1xf32>, tensor<4x1x3x3xf32>
}

// -----

// A tensor the file lacks is named by its torchvision name.
func.func @missing() -> tensor<4x1x3x3xf32> {
  // expected-error-re@+1 {{'effnet.weight' op cannot bind 'blocks.3.0.dw.conv.weight': {{.*}}: no tensor 'features.4.0.block.0.0.weight'{{$}}}}
  %0 = effnet.weight "blocks.3.0.dw.conv.weight" : tensor<4x1x3x3xf32>
  return %0 : tensor<4x1x3x3xf32>
}
