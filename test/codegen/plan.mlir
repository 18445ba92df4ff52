// RUN: effnet-opt %s --effnet-bind-weights=random=1 --effnet-tile=target=x86-64-linux-avx512 --effnet-print-plan -o /dev/null | FileCheck %s

// A small model planned by hand: a 1x1 convolution 3 -> 8 with bias reading
// the planar 3x4x4 input, a pooling with its flatten, a dense 8 -> 2.
// Tensors (floats per image, rounded up to 16): t0 input 48, t1 128, t2 16,
// t3 16. Largest first at the lowest free offset: t1 at 0; t0 (alive until
// step 0, when t1 is written) at 128; t2 (steps 1..2) at 128, where t0 is
// dead; t3 (step 2 to the end) at 0, where t1 is dead. Arena: 176 floats.
// Weights, each at a multiple of 16: conv 24 at 0, bias 8 at 32, dense 16
// at 48, bias 2 at 64; 66 rounded up to 80.
// CHECK: // plan of @model
// CHECK-NEXT: plan: 3 kernels, 3 steps, arena 176 floats per image, weights 80 floats
// CHECK-NEXT: kernel 0: conv 1x1 s1 3->8 at 4x4
// CHECK-NEXT:   key: conv2d[{{.*}}](in0:3x4x4,w8x3x1x1,w8)->8x4x4
// CHECK-NEXT:   schedule: #effnet.schedule<tile = [8, 4, 1], vector = 8, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c}>
// CHECK-NEXT: kernel 1: pool 8 at 4x4
// CHECK-NEXT:   key: global_avg_pool[](a0:8x4x4)->8x1x1;flatten[](%0:8x1x1)->8
// CHECK-NEXT:   schedule: #effnet.schedule<tile = [8, 1, 1], vector = 8, order = [c, y, x], parallel = [], grain = 1, unroll = [], tail = shift, compute = {acc = c}>
// CHECK-NEXT: kernel 2: conv 1x1 s1 8->2 at 1x1
// CHECK-NEXT:   key: dense[](a0:8,w2x8,w2)->2
// CHECK-NEXT:   schedule: #effnet.schedule<tile = [2, 1, 1], vector = 2,
// CHECK-NEXT: step 0 conv: kernel 0, inputs t0@128, output t1@0, weights 0+24 32+8
// CHECK-NEXT: step 1 pool: kernel 1, inputs t1@0, output t2@128, weights
// CHECK-NEXT: step 2 classifier: kernel 2, inputs t2@128, output t3@0, weights 48+16 64+2
// CHECK-NEXT: tensor t0: 3x4x4 planar, offset 128, live -1..0
// CHECK-NEXT: tensor t1: 8x4x4, offset 0, live 0..1
// CHECK-NEXT: tensor t2: 8x1x1, offset 128, live 1..2
// CHECK-NEXT: tensor t3: 2x1x1, offset 0, live 2..3
// CHECK-NEXT: input t0, output logits t3
func.func @model(%x: tensor<1x3x4x4xf32>) -> tensor<1x2xf32> {
  %0 = effnet.group "conv"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x8x4x4xf32> {
  ^bb0(%in: tensor<1x3x4x4xf32>):
    %w = effnet.weight "conv.weight" : tensor<8x3x1x1xf32>
    %b = effnet.weight "conv.bias" : tensor<8xf32>
    %c = effnet.conv2d %in, %w, %b : (tensor<1x3x4x4xf32>, tensor<8x3x1x1xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    effnet.yield %c : tensor<1x8x4x4xf32>
  }
  %1 = effnet.group "pool"(%0) : (tensor<1x8x4x4xf32>) -> tensor<1x8xf32> {
  ^bb0(%in: tensor<1x8x4x4xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>
    %f = effnet.flatten %p : tensor<1x8x1x1xf32> -> tensor<1x8xf32>
    effnet.yield %f : tensor<1x8xf32>
  }
  %2 = effnet.group "classifier"(%1) : (tensor<1x8xf32>) -> tensor<1x2xf32> {
  ^bb0(%in: tensor<1x8xf32>):
    %w = effnet.weight "classifier.weight" : tensor<2x8xf32>
    %b = effnet.weight "classifier.bias" : tensor<2xf32>
    %d = effnet.dense %in, %w, %b : (tensor<1x8xf32>, tensor<2x8xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    effnet.yield %d : tensor<1x2xf32>
  }
  return %2 : tensor<1x2xf32>
}

// -----

// A 3x3, stride 1 convolution of one group under Winograd's F(2x2, 3x3):
// its weights are stored transformed, 16 values per output and input
// channel (16 x 16 x 16 = 4096 floats) where the window has 9 (2304), the
// bias after them (at 4096).
// CHECK: // plan of @winograd
// CHECK-NEXT: plan: 1 kernels, 1 steps, arena {{[0-9]+}} floats per image, weights 4112 floats
// CHECK-NEXT: kernel 0: conv 3x3 s1 16->16 at 8x8, Winograd F(2x2, 3x3)
// CHECK-NEXT:   key: conv2d[{{.*}}](in0:16x8x8,w16x16x3x3,w16)->16x8x8
// CHECK-NEXT:   schedule: #effnet.schedule<tile = [16, 8, 2], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd>
// CHECK-NEXT: step 0 conv: kernel 0, inputs t0@{{[0-9]+}}, output t1@{{[0-9]+}}, weights 0+4096 4096+16
func.func @winograd(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.group "conv"(%x) : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "conv.weight" : tensor<16x16x3x3xf32>
    %b = effnet.weight "conv.bias" : tensor<16xf32>
    %c = effnet.conv2d %in, %w, %b {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}
