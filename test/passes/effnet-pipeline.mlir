// RUN: effnetc --variant b0 --emit=stages > %t.b0.mlir
// RUN: effnet-opt %t.b0.mlir --effnet-pipeline="variant=b3" --effnet-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=B3
// RUN: effnet-opt %t.b0.mlir --effnet-pipeline="variant=b1 level=blocks" | FileCheck %s --check-prefix=BLOCKS
// RUN: effnet-opt %t.b0.mlir --effnet-pipeline="variant=b2 level=stages" | FileCheck %s --check-prefix=STAGES
// RUN: effnet-opt %s --effnet-pipeline | FileCheck %s
// RUN: effnet-opt %s --effnet-pipeline="level=groups random-seed=3" | FileCheck %s --check-prefix=GROUPS

// effnet-opt runs the pipeline effnetc runs: B0's table from effnetc, scaled
// to b3 by effnet-opt, has torchvision's b3 parameter count.
// B3: params: 12233232

// level=blocks stops after stage expansion: b1 (depth 1.1) has 23 blocks,
// named after their stage, and no stage row remains.
// BLOCKS-COUNT-23: effnet.mbconv
// BLOCKS-NOT: effnet.stage
// BLOCKS: effnet.head

// level=stages only scales: b2 at 260x260 with width 1.1.
// STAGES: func.func @efficientnet(%{{.*}}: tensor<1x3x260x260xf32>)
// STAGES-SAME: effnet.variant = "b2"
// STAGES: effnet.stage mbconv {{.*}}out_channels = 352 : i64

// Without options the pipeline lowers to primitives and canonicalizes.
// CHECK-LABEL: func @small
// CHECK-NOT: effnet.stage
// CHECK-NOT: effnet.fused_mbconv
// CHECK: effnet.weight "blocks.0.0.project.conv.weight" : tensor<16x16x3x3xf32>
// CHECK: effnet.weight "blocks.0.1.project.conv.weight" : tensor<16x16x3x3xf32>
// CHECK: effnet.dense
// level=groups binds weights (random here), folds batch norms and fuses:
// only groups remain at the top level, with folded weights inside.
// GROUPS-LABEL: func @small
// GROUPS: effnet.group "stem"
// GROUPS: effnet.weight "stem.folded.weight" {value = dense_resource<stem.folded.weight>
// GROUPS-NOT: effnet.batch_norm
// GROUPS: effnet.group "blocks.0.0.project"
// GROUPS: effnet.add
// GROUPS: effnet.group "head.classifier"
// GROUPS: return
func.func @small(%x: tensor<1x3x32x32xf32>) -> tensor<1x5xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 16 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x32x32xf32> -> tensor<1x16x16x16xf32>
  %1 = effnet.stage fused_mbconv %0 {repeats = 2 : i64, kernel = 3 : i64, stride = 1 : i64, expand_ratio = 1.0 : f64, out_channels = 16 : i64} : tensor<1x16x16x16xf32> -> tensor<1x16x16x16xf32>
  %2 = effnet.head %1 {name = "head", channels = 32 : i64, num_classes = 5 : i64} : tensor<1x16x16x16xf32> -> tensor<1x5xf32>
  return %2 : tensor<1x5xf32>
}
