// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks --effnet-fuse | FileCheck %s

// An MBConv with squeeze-excite and a residual becomes six groups: expand conv
// + BN + SiLU; depthwise conv + BN + SiLU; the pooling alone (the depthwise
// result has two users, and summing it inside the depthwise group did not
// pay: codegen/bench/se_pool_fusion.cpp); SE reduce + SiLU; SE expand +
// sigmoid, ending at the per-channel scale; and the projection, which
// starts at the channel scale (applied as the projection reads its input,
// so no group writes the scaled tensor), with its BN and the residual add
// (the block input comes in).
// CHECK-LABEL: func @mbconv
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x8x8xf32>)
// CHECK: %[[E:.*]] = effnet.group "blocks.0.0.expand"(%[[X]]) : (tensor<1x16x8x8xf32>) -> tensor<1x96x8x8xf32> {
// CHECK-NEXT: ^bb0(%[[EA:.*]]: tensor<1x16x8x8xf32>):
// CHECK: effnet.weight "blocks.0.0.expand.conv.weight"
// CHECK: effnet.conv2d %[[EA]]
// CHECK: effnet.batch_norm
// CHECK: %[[EO:.*]] = effnet.activation silu
// CHECK-NEXT: effnet.yield %[[EO]] : tensor<1x96x8x8xf32>
// CHECK: %[[D:.*]] = effnet.group "blocks.0.0.dw"(%[[E]])
// CHECK: effnet.activation silu
// CHECK: %[[P:.*]] = effnet.group "blocks.0.0.se.pool"(%[[D]]) : (tensor<1x96x8x8xf32>) -> tensor<1x96x1x1xf32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: effnet.global_avg_pool
// CHECK-NEXT: effnet.yield
// CHECK: %[[R:.*]] = effnet.group "blocks.0.0.se.reduce"(%[[P]])
// CHECK: %[[S:.*]] = effnet.group "blocks.0.0.se.expand"(%[[R]]) : (tensor<1x4x1x1xf32>) -> tensor<1x96x1x1xf32> {
// CHECK: %[[SG:.*]] = effnet.activation sigmoid
// CHECK-NEXT: effnet.yield %[[SG]]
// CHECK: %[[O:.*]] = effnet.group "blocks.0.0.project"(%[[D]], %[[S]], %[[X]]) : (tensor<1x96x8x8xf32>, tensor<1x96x1x1xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
// CHECK-NEXT: ^bb0(%[[OD:.*]]: tensor<1x96x8x8xf32>, %[[OS:.*]]: tensor<1x96x1x1xf32>, %[[OX:.*]]: tensor<1x16x8x8xf32>):
// CHECK: %[[M:.*]] = effnet.channel_mul %[[OD]], %[[OS]]
// CHECK-NEXT: effnet.conv2d %[[M]]
// CHECK-NEXT: effnet.batch_norm
// CHECK-NEXT: %[[A:.*]] = effnet.add {{.*}}, %[[OX]]
// CHECK-NEXT: effnet.yield %[[A]]
// CHECK: return %[[O]]
func.func @mbconv(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.mbconv %x {name = "blocks.0.0", kernel = 3 : i64, stride = 1 : i64, expand_channels = 96 : i64, out_channels = 16 : i64, se_channels = 4 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// The head: conv + BN + SiLU; pooling with the flatten that only it feeds;
// the dense classifier alone. Groups are named after their first op's layer.
// CHECK-LABEL: func @head
// CHECK: effnet.group "head"
// CHECK: %[[P:.*]] = effnet.group "head.pool"
// CHECK: effnet.global_avg_pool
// CHECK-NEXT: effnet.flatten
// CHECK-NEXT: effnet.yield
// CHECK: effnet.group "head.classifier"(%[[P]]) : (tensor<1x64xf32>) -> tensor<1x10xf32>
func.func @head(%x: tensor<1x16x4x4xf32>) -> tensor<1x10xf32> {
  %0 = effnet.head %x {name = "head", channels = 64 : i64, num_classes = 10 : i64} : tensor<1x16x4x4xf32> -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// -----

// An elementwise op whose producer has other users starts a group of its own
// (and takes in the add that only it feeds, the convolution's result coming
// in); without location names, groups are named after their weights or op
// kind.
// CHECK-LABEL: func @shared
// CHECK: %[[C:.*]] = effnet.group "c"
// CHECK: effnet.group "activation{{[0-9]+}}"(%[[C]])
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<1x4x2x2xf32>):
// CHECK-NEXT: %[[R:.*]] = effnet.activation relu %[[A]]
// CHECK-NEXT: effnet.add %[[A]], %[[R]]
func.func @shared(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %w = effnet.weight "c.weight" : tensor<4x4x1x1xf32>
  %0 = effnet.conv2d %x, %w : (tensor<1x4x2x2xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x2x2xf32>
  %1 = effnet.activation relu %0 : tensor<1x4x2x2xf32>
  %2 = effnet.add %0, %1 : tensor<1x4x2x2xf32>
  return %2 : tensor<1x4x2x2xf32>
}

// -----

// A channel scale that feeds a depthwise convolution stays after the
// excitation (code generation applies a scale as it reads only in front of
// a convolution of one group), so the excitation's group writes the scaled
// tensor.
// CHECK-LABEL: func @scale_into_depthwise
// CHECK: %[[S:.*]] = effnet.group "excite"(%{{.*}}, %{{.*}})
// CHECK: effnet.activation sigmoid
// CHECK-NEXT: %[[M:.*]] = effnet.channel_mul
// CHECK-NEXT: effnet.yield %[[M]]
// CHECK: effnet.group "dw"(%[[S]])
// CHECK-NEXT: ^bb0
// CHECK-NEXT: effnet.weight
// CHECK-NEXT: effnet.conv2d
func.func @scale_into_depthwise(%x: tensor<1x8x4x4xf32>, %p: tensor<1x2x1x1xf32>) -> tensor<1x8x4x4xf32> {
  %we = effnet.weight "excite.weight" : tensor<8x2x1x1xf32>
  %e = effnet.conv2d %p, %we : (tensor<1x2x1x1xf32>, tensor<8x2x1x1xf32>) -> tensor<1x8x1x1xf32>
  %s = effnet.activation sigmoid %e : tensor<1x8x1x1xf32>
  %m = effnet.channel_mul %x, %s : tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>
  %wd = effnet.weight "dw.weight" : tensor<8x1x3x3xf32>
  %d = effnet.conv2d %m, %wd {groups = 8 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x4xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %d : tensor<1x8x4x4xf32>
}

// -----

// A scaled tensor read twice (by the convolution and the result) must be
// written once: the scale stays after the excitation.
// CHECK-LABEL: func @scale_read_twice
// CHECK: %[[S:.*]] = effnet.group "excite"
// CHECK: effnet.channel_mul
// CHECK-NEXT: effnet.yield
// CHECK: effnet.group "project"(%[[S]])
// CHECK-NEXT: ^bb0
// CHECK-NEXT: effnet.weight
// CHECK-NEXT: effnet.conv2d
func.func @scale_read_twice(%x: tensor<1x8x4x4xf32>, %p: tensor<1x2x1x1xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %we = effnet.weight "excite.weight" : tensor<8x2x1x1xf32>
  %e = effnet.conv2d %p, %we : (tensor<1x2x1x1xf32>, tensor<8x2x1x1xf32>) -> tensor<1x8x1x1xf32>
  %s = effnet.activation sigmoid %e : tensor<1x8x1x1xf32>
  %m = effnet.channel_mul %x, %s : tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>
  %wp = effnet.weight "project.weight" : tensor<8x8x1x1xf32>
  %o = effnet.conv2d %m, %wp : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  return %o, %m : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}
