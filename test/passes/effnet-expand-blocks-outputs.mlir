// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks="outputs=reduction_2,features,reduction_1" | FileCheck %s
// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks="outputs=reduction_2" | FileCheck %s --check-prefix=PRUNE
// RUN: effnet-opt %s -split-input-file --effnet-expand-blocks="outputs=logits" | FileCheck %s --check-prefix=LOGITS

// The endpoints of a small backbone, walking from the stem's output (16 x
// 16): blocks.0.0 keeps 16 x 16; blocks.1.0 lowers it to 8 x 8, so its input,
// blocks.0.0's output, is reduction_1; blocks.1.1, the last block, keeps 8 x
// 8, so its output is reduction_2; the head's activation is reduction_3.
// The function returns them in the order asked for and names them.

// CHECK-LABEL: func @backbone
// CHECK-SAME: -> (tensor<2x16x8x8xf32>, tensor<2x64x8x8xf32>, tensor<2x8x16x16xf32>)
// CHECK-SAME: effnet.outputs = ["reduction_2", "features", "reduction_1"]
// The classifier is erased, and its weights recorded as pruned.
// CHECK-SAME: effnet.pruned_weights = ["head.classifier.weight", "head.classifier.bias"]
// blocks.0.0's residual add is its output.
// CHECK: %[[R1:.*]] = effnet.add %{{.*}}, %{{.*}} : tensor<2x8x16x16xf32>
// CHECK: %[[R2:.*]] = effnet.add %{{.*}}, %{{.*}} : tensor<2x16x8x8xf32>
// CHECK: effnet.weight "head.conv.weight"
// CHECK: %[[F:.*]] = effnet.activation silu %{{.*}} : tensor<2x64x8x8xf32>
// CHECK-NOT: effnet.global_avg_pool
// CHECK-NOT: effnet.dense
// CHECK: return %[[R2]], %[[F]], %[[R1]]

// A backbone up to reduction_2 computes no head at all.
// PRUNE-LABEL: func @backbone
// PRUNE-SAME: -> tensor<2x16x8x8xf32>
// PRUNE-SAME: effnet.outputs = ["reduction_2"]
// PRUNE-SAME: effnet.pruned_weights = ["head.conv.weight", "head.bn.weight", "head.bn.bias", "head.bn.running_mean", "head.bn.running_var", "head.classifier.weight", "head.classifier.bias"]
// PRUNE-NOT: head
// PRUNE: return

// The logits alone are the model as it was: no attribute.
// LOGITS-LABEL: func @backbone
// LOGITS-SAME: -> tensor<2x10xf32>
// LOGITS-NOT: effnet.outputs
// LOGITS: effnet.dense

func.func @backbone(%x: tensor<2x3x32x32xf32>) -> tensor<2x10xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 8 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<2x3x32x32xf32> -> tensor<2x8x16x16xf32>
  %1 = effnet.mbconv %0 {expand_channels = 8 : i64, kernel = 3 : i64, name = "blocks.0.0", out_channels = 8 : i64, se_channels = 2 : i64, stride = 1 : i64} : tensor<2x8x16x16xf32> -> tensor<2x8x16x16xf32>
  %2 = effnet.mbconv %1 {expand_channels = 48 : i64, kernel = 3 : i64, name = "blocks.1.0", out_channels = 16 : i64, se_channels = 2 : i64, stride = 2 : i64} : tensor<2x8x16x16xf32> -> tensor<2x16x8x8xf32>
  %3 = effnet.mbconv %2 {expand_channels = 96 : i64, kernel = 3 : i64, name = "blocks.1.1", out_channels = 16 : i64, se_channels = 4 : i64, stride = 1 : i64} : tensor<2x16x8x8xf32> -> tensor<2x16x8x8xf32>
  %4 = effnet.head %3 {channels = 64 : i64, name = "head", num_classes = 10 : i64} : tensor<2x16x8x8xf32> -> tensor<2x10xf32>
  return %4 : tensor<2x10xf32>
}

