// RUN: effnet-opt %s -split-input-file -verify-diagnostics --effnet-compound-scale="width=1.2"
// RUN: effnet-opt %s -split-input-file --effnet-compound-scale="resolution=32" | FileCheck %s

// Width and depth scale stage rows; blocks have no row to scale.
func.func @blocks(%x: tensor<1x3x64x64xf32>) -> tensor<1x16x32x32xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<1x3x64x64xf32> -> tensor<1x32x32x32xf32>
  // expected-error@+1 {{'effnet.mbconv' op expects stage-level IR: width and depth scale effnet.stage ops, before effnet-expand-stages}}
  %1 = effnet.mbconv %0 {name = "blocks.0.0", kernel = 3 : i64, stride = 1 : i64, expand_channels = 32 : i64, out_channels = 16 : i64, se_channels = 8 : i64} : tensor<1x32x32x32xf32> -> tensor<1x16x32x32xf32>
  return %1 : tensor<1x16x32x32xf32>
}

// A resolution alone changes block-level IR too: every type is inferred anew.
// CHECK-LABEL: func @blocks
// CHECK-SAME: (%{{.*}}: tensor<1x3x32x32xf32>) -> tensor<1x16x16x16xf32>
// CHECK: effnet.stem {{.*}} -> tensor<1x32x16x16xf32>
// CHECK: effnet.mbconv {{.*}} : tensor<1x32x16x16xf32> -> tensor<1x16x16x16xf32>
