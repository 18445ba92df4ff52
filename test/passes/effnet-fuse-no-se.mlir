// RUN: effnet-opt %s --effnet-expand-blocks --effnet-fuse=se-into-projection=false | FileCheck %s

// With se-into-projection=false the channel scale stays in the excitation's
// group (which then writes the scaled tensor) and the projection reads it.
// CHECK-LABEL: func @mbconv
// CHECK: %[[D:.*]] = effnet.group "blocks.0.0.dw"
// CHECK: %[[S:.*]] = effnet.group "blocks.0.0.se.expand"(%{{.*}}, %[[D]]) : (tensor<1x4x1x1xf32>, tensor<1x96x8x8xf32>) -> tensor<1x96x8x8xf32> {
// CHECK: effnet.activation sigmoid
// CHECK-NEXT: %[[M:.*]] = effnet.channel_mul
// CHECK-NEXT: effnet.yield %[[M]]
// CHECK: effnet.group "blocks.0.0.project"(%[[S]], %{{.*}})
// CHECK-NOT: effnet.channel_mul
// CHECK: return
func.func @mbconv(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.mbconv %x {name = "blocks.0.0", kernel = 3 : i64, stride = 1 : i64, expand_channels = 96 : i64, out_channels = 16 : i64, se_channels = 4 : i64} : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  return %0 : tensor<1x16x8x8xf32>
}
