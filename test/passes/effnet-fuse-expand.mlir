// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks --effnet-fuse="expand-min-bytes=0 expand-max-in-channels=1000000 expand-strided-only=false" | FileCheck %s

// Every expansion the options allow (here: any size, any channel count,
// any stride; the defaults are tested in effnet-fuse-expand-defaults.mlir):
// MBConv's 1x1 expansion (with its batch norm and SiLU) joins the
// depthwise convolution's group, which is named after the expansion;
// squeeze-excite and the projection group as before.
// CHECK-LABEL: func @mbconv
// CHECK: %[[D:.*]] = effnet.group "blocks.0.0.expand"(%{{.*}}) : (tensor<1x16x8x8xf32>) -> tensor<1x96x8x8xf32> {
// CHECK: %[[E:.*]] = effnet.conv2d %{{.*}} : (tensor<1x16x8x8xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x8x8xf32>
// CHECK-NEXT: effnet.batch_norm %[[E]]
// CHECK-NEXT: %[[A:.*]] = effnet.activation silu
// CHECK-NEXT: effnet.conv2d %[[A]], {{.*}} {groups = 96 : i64
// CHECK-NEXT: effnet.batch_norm
// CHECK-NEXT: %[[O:.*]] = effnet.activation silu
// CHECK-NEXT: effnet.yield %[[O]]
// CHECK: effnet.group "blocks.0.0.se.pool"(%[[D]])
// CHECK: effnet.group "blocks.0.0.project"(%[[D]],
func.func @mbconv(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.mbconv %x {name = "blocks.0.0", kernel = 3 : i64, stride = 1 : i64, expand_channels = 96 : i64, out_channels = 16 : i64, se_channels = 4 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// An expansion read by something besides the depthwise convolution is
// written whole: no fusion.
// CHECK-LABEL: func @expansion_read_twice
// CHECK: %[[E:.*]] = effnet.group "e"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: effnet.weight
// CHECK-NEXT: effnet.conv2d
// CHECK-NEXT: effnet.yield
// CHECK: effnet.group "d"(%[[E]])
func.func @expansion_read_twice(%x: tensor<1x4x6x6xf32>) -> (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) {
  %we = effnet.weight "e.weight" : tensor<8x4x1x1xf32>
  %e = effnet.conv2d %x, %we : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %wd = effnet.weight "d.weight" : tensor<8x1x3x3xf32>
  %d = effnet.conv2d %e, %wd {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %d, %e : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>
}

// -----

// Only a depthwise convolution takes an expansion in: a dense 3x3 after a
// 1x1 starts its own group, and so does a depthwise convolution after a
// strided or 3x3 convolution.
// CHECK-LABEL: func @not_depthwise
// CHECK: effnet.group "e"
// CHECK: effnet.group "d"
// CHECK-LABEL: func @strided
// CHECK: effnet.group "e"
// CHECK: effnet.group "d"
func.func @not_depthwise(%x: tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32> {
  %we = effnet.weight "e.weight" : tensor<8x4x1x1xf32>
  %e = effnet.conv2d %x, %we : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x6x6xf32>
  %wd = effnet.weight "d.weight" : tensor<8x8x3x3xf32>
  %d = effnet.conv2d %e, %wd {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %d : tensor<1x8x6x6xf32>
}
func.func @strided(%x: tensor<1x4x6x6xf32>) -> tensor<1x8x3x3xf32> {
  %we = effnet.weight "e.weight" : tensor<8x4x1x1xf32>
  %e = effnet.conv2d %x, %we {strides = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x3x3xf32>
  %wd = effnet.weight "d.weight" : tensor<8x1x3x3xf32>
  %d = effnet.conv2d %e, %wd {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x3x3xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x3x3xf32>
  return %d : tensor<1x8x3x3xf32>
}
