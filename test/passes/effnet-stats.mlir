// RUN: effnet-opt %s --effnet-stats -o /dev/null 2>&1 | FileCheck %s
// RUN: effnet-opt %s --effnet-stats="per-op=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PEROP
// RUN: effnet-opt %s --effnet-expand-stages --effnet-stats -o /dev/null 2>&1 | FileCheck %s
// RUN: effnet-opt %s --effnet-expand-stages --effnet-expand-blocks --effnet-stats -o /dev/null 2>&1 | FileCheck %s
// RUN: effnet-opt %s --effnet-stats | FileCheck %s --check-prefix=IR

// The same totals at the stage, block and primitive levels, worked by hand
// (batch 2; params count weights, biases, BN scale and shift):
//   stem 3x3, 3->16 at 32x32:   params 432 + 32     macs 2*16*1024*27  = 884736
//   block 0.0, 16->96->24, stride 2, squeeze 16/4 = 4:
//     expand 1x1 at 32x32:     1536 + 192          2*96*1024*16      = 3145728
//     dw 3x3 at 16x16:          864 + 192          2*96*256*9        = 442368
//     se 96->4->96, biased:     388 + 480          2*384 + 2*384     = 1536
//     project 1x1 at 16x16:    2304 + 48           2*24*256*96       = 1179648
//   head 24->32 at 16x16:       768 + 64           2*32*256*24       = 393216
//     dense 32->10, biased:     330                2*320             = 640
//   total params 7630, macs 6047872
// CHECK: effnet-stats @stats
// CHECK-NEXT: params: 7630
// CHECK-NEXT: macs: 6047872

// PEROP: effnet-stats @stats
// PEROP-NEXT: layer op result params macs
// PEROP-NEXT: stem effnet.stem tensor<2x16x32x32xf32> 464 884736
// PEROP-NEXT: stage0 effnet.stage tensor<2x24x16x16xf32> 6004 4769280
// PEROP-NEXT: head effnet.head tensor<2x10xf32> 1162 393856
// PEROP-NEXT: params: 7630
// PEROP-NEXT: macs: 6047872

// The analysis leaves the IR as it is.
// IR: effnet.stage mbconv
func.func @stats(%x: tensor<2x3x64x64xf32>) -> tensor<2x10xf32> {
  %0 = effnet.stem %x {name = "stem", out_channels = 16 : i64, kernel = 3 : i64, stride = 2 : i64} : tensor<2x3x64x64xf32> -> tensor<2x16x32x32xf32> loc("stem")
  %1 = effnet.stage mbconv %0 {repeats = 1 : i64, kernel = 3 : i64, stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 24 : i64, se_ratio = 0.25 : f64} : tensor<2x16x32x32xf32> -> tensor<2x24x16x16xf32> loc("stage0")
  %2 = effnet.head %1 {name = "head", channels = 32 : i64, num_classes = 10 : i64} : tensor<2x24x16x16xf32> -> tensor<2x10xf32> loc("head")
  return %2 : tensor<2x10xf32>
}
