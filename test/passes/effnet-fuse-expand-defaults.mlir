// RUN: effnet-opt %s -split-input-file --effnet-fuse | FileCheck %s
// RUN: effnet-opt %s -split-input-file --effnet-fuse=expand-into-depthwise=false | FileCheck %s --check-prefix=OFF
// RUN: effnet-opt %s -split-input-file --effnet-fuse="expand-min-bytes=0 expand-max-in-channels=1000000 expand-strided-only=false" | FileCheck %s --check-prefix=ALL --implicit-check-not='effnet.group "d"'
// RUN: not effnet-opt %s --effnet-fuse="expand-min-bytes=-1" 2>&1 | FileCheck %s --check-prefix=BYTES
// RUN: not effnet-opt %s --effnet-fuse="expand-max-in-channels=-64" 2>&1 | FileCheck %s --check-prefix=CHANNELS
// BYTES: error: effnet-fuse: expects expand-min-bytes >= 0, got -1
// CHANNELS: error: effnet-fuse: expects expand-max-in-channels >= 0, got -64

// Which expansions join their depthwise convolution by default (measured,
// see Passes.td): a strided depthwise convolution, an expansion from at
// most 64 channels, an expanded tensor of at least 1 MiB per image. Each
// function below misses one condition, except the first.
// ALL-COUNT-4: effnet.group "e"

// 16 -> 96 channels at 64x64 (1.5 MiB), stride 2: one group, named after
// the expansion, holding both convolutions.
// CHECK-LABEL: func @fused
// CHECK: effnet.group "e"(%{{.*}}) : (tensor<?x16x64x64xf32>) -> tensor<?x96x32x32xf32> {
// CHECK: effnet.conv2d {{.*}} -> tensor<?x96x64x64xf32>
// CHECK-NEXT: effnet.conv2d {{.*}}groups = 96
// CHECK-NEXT: effnet.yield
// CHECK-NOT: effnet.group "d"
// OFF-LABEL: func @fused
// OFF: effnet.group "e"
// OFF: effnet.group "d"
func.func @fused(%x: tensor<?x16x64x64xf32>) -> tensor<?x96x32x32xf32> {
  %we = effnet.weight "e.weight" : tensor<96x16x1x1xf32>
  %e = effnet.conv2d %x, %we : (tensor<?x16x64x64xf32>, tensor<96x16x1x1xf32>) -> tensor<?x96x64x64xf32>
  %wd = effnet.weight "d.weight" : tensor<96x1x3x3xf32>
  %d = effnet.conv2d %e, %wd {groups = 96 : i64, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 1, 1>} : (tensor<?x96x64x64xf32>, tensor<96x1x3x3xf32>) -> tensor<?x96x32x32xf32>
  return %d : tensor<?x96x32x32xf32>
}

// -----

// Stride 1: two groups.
// CHECK-LABEL: func @stride_one
// CHECK: effnet.group "e"
// CHECK: effnet.group "d"
func.func @stride_one(%x: tensor<1x16x64x64xf32>) -> tensor<1x96x64x64xf32> {
  %we = effnet.weight "e.weight" : tensor<96x16x1x1xf32>
  %e = effnet.conv2d %x, %we : (tensor<1x16x64x64xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x64x64xf32>
  %wd = effnet.weight "d.weight" : tensor<96x1x3x3xf32>
  %d = effnet.conv2d %e, %wd {groups = 96 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x96x64x64xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x64x64xf32>
  return %d : tensor<1x96x64x64xf32>
}

// -----

// An expansion from 128 channels: two groups.
// CHECK-LABEL: func @many_channels
// CHECK: effnet.group "e"
// CHECK: effnet.group "d"
func.func @many_channels(%x: tensor<1x128x64x64xf32>) -> tensor<1x96x32x32xf32> {
  %we = effnet.weight "e.weight" : tensor<96x128x1x1xf32>
  %e = effnet.conv2d %x, %we : (tensor<1x128x64x64xf32>, tensor<96x128x1x1xf32>) -> tensor<1x96x64x64xf32>
  %wd = effnet.weight "d.weight" : tensor<96x1x3x3xf32>
  %d = effnet.conv2d %e, %wd {groups = 96 : i64, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 1, 1>} : (tensor<1x96x64x64xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x32x32xf32>
  return %d : tensor<1x96x32x32xf32>
}

// -----

// 96 x 32 x 32 floats (384 KiB): two groups.
// CHECK-LABEL: func @small
// CHECK: effnet.group "e"
// CHECK: effnet.group "d"
func.func @small(%x: tensor<1x16x32x32xf32>) -> tensor<1x96x16x16xf32> {
  %we = effnet.weight "e.weight" : tensor<96x16x1x1xf32>
  %e = effnet.conv2d %x, %we : (tensor<1x16x32x32xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x32x32xf32>
  %wd = effnet.weight "d.weight" : tensor<96x1x3x3xf32>
  %d = effnet.conv2d %e, %wd {groups = 96 : i64, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 1, 1>} : (tensor<1x96x32x32xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x16x16xf32>
  return %d : tensor<1x96x16x16xf32>
}
