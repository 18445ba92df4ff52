// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks | FileCheck %s

// The stem: 3x3 stride-2 convolution padded by 1, batch norm, SiLU; weights
// named after the block.
// CHECK-LABEL: func @stem
// CHECK: %[[W:.*]] = effnet.weight "stem.conv.weight" : tensor<32x3x3x3xf32>
// CHECK: %[[C:.*]] = effnet.conv2d %{{.*}}, %[[W]] {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x64x64xf32>, tensor<32x3x3x3xf32>) -> tensor<1x32x32x32xf32>
// CHECK: %[[G:.*]] = effnet.weight "stem.bn.weight" : tensor<32xf32>
// CHECK: %[[B:.*]] = effnet.weight "stem.bn.bias" : tensor<32xf32>
// CHECK: %[[M:.*]] = effnet.weight "stem.bn.running_mean" : tensor<32xf32>
// CHECK: %[[V:.*]] = effnet.weight "stem.bn.running_var" : tensor<32xf32>
// CHECK: %[[N:.*]] = effnet.batch_norm %[[C]], %[[G]], %[[B]], %[[M]], %[[V]] {epsilon = 1.000000e-03 : f64}
// CHECK: %[[A:.*]] = effnet.activation silu %[[N]]
// CHECK: return %[[A]]
func.func @stem(%x: tensor<1x3x64x64xf32>) -> tensor<1x32x32x32xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64, bn_eps = 1.0e-3 : f64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
  return %0 : tensor<1x32x32x32xf32>
}

// -----

// MBConv with expansion, squeeze-excite and a residual: 1x1 expand + BN +
// SiLU, depthwise 5x5 (groups = channels, padding 2) + BN + SiLU, pool,
// biased 1x1 reduce + SiLU, biased 1x1 expand + sigmoid, channel scale,
// 1x1 projection + BN without activation, then the residual add.
// CHECK-LABEL: func @mbconv_residual
// CHECK-SAME: (%[[X:.*]]: tensor<1x24x16x16xf32>)
// CHECK: effnet.weight "blocks.1.1.expand.conv.weight" : tensor<144x24x1x1xf32>
// CHECK: effnet.conv2d %[[X]], %{{.*}} : (tensor<1x24x16x16xf32>, tensor<144x24x1x1xf32>) -> tensor<1x144x16x16xf32>
// CHECK: effnet.weight "blocks.1.1.expand.bn.running_var"
// CHECK: effnet.batch_norm
// CHECK: %[[E:.*]] = effnet.activation silu
// CHECK: effnet.weight "blocks.1.1.dw.conv.weight" : tensor<144x1x5x5xf32>
// CHECK: effnet.conv2d %[[E]], %{{.*}} {groups = 144 : i64, padding = array<i64: 2, 2, 2, 2>}
// CHECK: effnet.batch_norm
// CHECK: %[[D:.*]] = effnet.activation silu
// CHECK: %[[P:.*]] = effnet.global_avg_pool %[[D]] : tensor<1x144x16x16xf32> -> tensor<1x144x1x1xf32>
// CHECK: %[[RW:.*]] = effnet.weight "blocks.1.1.se.reduce.weight" : tensor<6x144x1x1xf32>
// CHECK: %[[RB:.*]] = effnet.weight "blocks.1.1.se.reduce.bias" : tensor<6xf32>
// CHECK: %[[R:.*]] = effnet.conv2d %[[P]], %[[RW]], %[[RB]]
// CHECK: %[[RA:.*]] = effnet.activation silu %[[R]]
// CHECK: effnet.weight "blocks.1.1.se.expand.weight" : tensor<144x6x1x1xf32>
// CHECK: effnet.weight "blocks.1.1.se.expand.bias" : tensor<144xf32>
// CHECK: %[[S:.*]] = effnet.conv2d %[[RA]]
// CHECK: %[[SA:.*]] = effnet.activation sigmoid %[[S]]
// CHECK: %[[SC:.*]] = effnet.channel_mul %[[D]], %[[SA]]
// CHECK: effnet.weight "blocks.1.1.project.conv.weight" : tensor<24x144x1x1xf32>
// CHECK: effnet.conv2d %[[SC]]
// CHECK: %[[PR:.*]] = effnet.batch_norm
// CHECK-NOT: effnet.activation
// CHECK: %[[O:.*]] = effnet.add %[[PR]], %[[X]] {stochastic_depth = 2.500000e-02 : f64}
// CHECK: return %[[O]]
func.func @mbconv_residual(%x: tensor<1x24x16x16xf32>) -> tensor<1x24x16x16xf32> {
  %0 = effnet.mbconv %x {name = "blocks.1.1", kernel = 5 : i64, stride = 1 : i64, expand_channels = 144 : i64, out_channels = 24 : i64, se_channels = 6 : i64, stochastic_depth = 0.025 : f64} : tensor<1x24x16x16xf32> -> tensor<1x24x16x16xf32>
  return %0 : tensor<1x24x16x16xf32>
}

// -----

// MBConv without expansion (expand = input channels) starts at the depthwise
// convolution; with stride 2 there is no residual; without se_channels no
// squeeze-excite.
// CHECK-LABEL: func @mbconv_plain
// CHECK-NOT: expand.conv
// CHECK: effnet.weight "blocks.0.0.dw.conv.weight" : tensor<32x1x3x3xf32>
// CHECK: effnet.conv2d {{.*}} {groups = 32 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK-NOT: effnet.global_avg_pool
// CHECK: effnet.weight "blocks.0.0.project.conv.weight" : tensor<16x32x1x1xf32>
// CHECK-NOT: effnet.add
// CHECK: return
func.func @mbconv_plain(%x: tensor<1x32x16x16xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.mbconv %x {name = "blocks.0.0", kernel = 3 : i64, stride = 2 : i64, expand_channels = 32 : i64, out_channels = 16 : i64} : tensor<1x32x16x16xf32> -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Fused-MBConv with expansion: a full 3x3 convolution expands (with the
// block's stride), a 1x1 projects without activation; residual when shapes
// allow.
// CHECK-LABEL: func @fused_expand
// CHECK-SAME: (%[[X:.*]]: tensor<1x48x16x16xf32>)
// CHECK: effnet.weight "blocks.2.1.expand.conv.weight" : tensor<192x48x3x3xf32>
// CHECK: effnet.conv2d %[[X]], %{{.*}} {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x16x16xf32>, tensor<192x48x3x3xf32>) -> tensor<1x192x16x16xf32>
// CHECK: effnet.activation silu
// CHECK: effnet.weight "blocks.2.1.project.conv.weight" : tensor<48x192x1x1xf32>
// CHECK: %[[P:.*]] = effnet.batch_norm
// CHECK-NEXT: %[[O:.*]] = effnet.add %[[P]], %[[X]]
// CHECK: return %[[O]]
func.func @fused_expand(%x: tensor<1x48x16x16xf32>) -> tensor<1x48x16x16xf32> {
  %0 = effnet.fused_mbconv %x {name = "blocks.2.1", kernel = 3 : i64, stride = 1 : i64, expand_channels = 192 : i64, out_channels = 48 : i64} : tensor<1x48x16x16xf32> -> tensor<1x48x16x16xf32>
  return %0 : tensor<1x48x16x16xf32>
}

// -----

// Fused-MBConv without expansion is one 3x3 convolution with BN and SiLU.
// CHECK-LABEL: func @fused_single
// CHECK: effnet.weight "blocks.0.0.project.conv.weight" : tensor<24x24x3x3xf32>
// CHECK: effnet.conv2d
// CHECK: effnet.batch_norm
// CHECK: %[[A:.*]] = effnet.activation silu
// CHECK: %[[O:.*]] = effnet.add %[[A]], %{{.*}}
// CHECK: return %[[O]]
func.func @fused_single(%x: tensor<1x24x16x16xf32>) -> tensor<1x24x16x16xf32> {
  %0 = effnet.fused_mbconv %x {name = "blocks.0.0", kernel = 3 : i64, stride = 1 : i64, expand_channels = 24 : i64, out_channels = 24 : i64} : tensor<1x24x16x16xf32> -> tensor<1x24x16x16xf32>
  return %0 : tensor<1x24x16x16xf32>
}

// -----

// The head: 1x1 convolution + BN + SiLU, pooling, flattening and the dense
// classifier carrying the dropout rate.
// CHECK-LABEL: func @head
// CHECK: effnet.weight "head.conv.weight" : tensor<64x16x1x1xf32>
// CHECK: effnet.activation silu
// CHECK: %[[P:.*]] = effnet.global_avg_pool {{.*}} -> tensor<2x64x1x1xf32>
// CHECK: %[[F:.*]] = effnet.flatten %[[P]] : tensor<2x64x1x1xf32> -> tensor<2x64xf32>
// CHECK: %[[W:.*]] = effnet.weight "head.classifier.weight" : tensor<10x64xf32>
// CHECK: %[[B:.*]] = effnet.weight "head.classifier.bias" : tensor<10xf32>
// CHECK: %[[O:.*]] = effnet.dense %[[F]], %[[W]], %[[B]] {dropout = 3.000000e-01 : f64} : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
// CHECK: return %[[O]]
func.func @head(%x: tensor<2x16x4x4xf32>) -> tensor<2x10xf32> {
  %0 = effnet.head %x {name = "head", channels = 64 : i64, num_classes = 10 : i64, dropout = 0.3 : f64} : tensor<2x16x4x4xf32> -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}
