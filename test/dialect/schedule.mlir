// RUN: effnet-opt %s -split-input-file | FileCheck %s
// RUN: effnet-opt %s -split-input-file | effnet-opt -split-input-file | FileCheck %s
// RUN: effnet-opt %s -split-input-file --mlir-print-op-generic | effnet-opt -split-input-file | FileCheck %s

// A complete schedule prints every CPU field, in a fixed order, whatever
// order it was written in; a store level equal to the compute level is not
// repeated; a pass at root may run in parallel.
// CHECK-LABEL: func @full
// CHECK: schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, c, x], parallel = [y, c], grain = 4, unroll = [c, x, kx], tail = guard, compute = {acc = x, input = root parallel, weights = root}>
func.func @full(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<vector = 16, tile = [32, 8, 2], order = [y, c, x], parallel = [y, c], grain = 4, unroll = [c, x, kx], tail = guard, compute = {acc = x, input = root store root parallel, weights = root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Only tile, vector and order are required: the rest takes its defaults
// (nothing parallel, grain 1, nothing unrolled, tail shift, producers at
// their default places). A store level outside the compute level prints.
// CHECK-LABEL: func @minimal
// CHECK: schedule = #effnet.schedule<tile = [8, 1, 1], vector = 8, order = [c, y, x], parallel = [], grain = 1, unroll = [], tail = shift, compute = {acc = c store root}>
func.func @minimal(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> {
  %0 = effnet.group "pool"(%x) {schedule = #effnet.schedule<tile = [8, 1, 1], vector = 8, order = [c, y, x], compute = {acc = c store root}>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> {
  ^bb0(%in: tensor<1x8x4x4xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>
    effnet.yield %p : tensor<1x8x1x1xf32>
  }
  return %0 : tensor<1x8x1x1xf32>
}

// -----

// GPU fields print after the CPU ones, only when given.
// CHECK-LABEL: func @gpu
// CHECK: #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], parallel = [], grain = 1, unroll = [], tail = shift, compute = {input = c}, threads = [32, 8, 1], shared = [input]>
func.func @gpu(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], compute = {input = c}, threads = [32, 8, 1], shared = [input]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A global pooling's reduce_threads prints last, when not 1; reduce_threads
// = 1 is the default and does not print.
// CHECK-LABEL: func @shared_reduction
// CHECK: #effnet.schedule<tile = [8, 1, 1], vector = 1, order = [y, x, c], parallel = [], grain = 1, unroll = [], tail = shift, compute = {acc = c}, threads = [8, 1, 1], reduce_threads = 4>
// CHECK-LABEL: func @one_reduction_thread
// CHECK: threads = [8, 1, 1]>
func.func @shared_reduction(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> {
  %0 = effnet.group "pool"(%x) {schedule = #effnet.schedule<tile = [8, 1, 1], vector = 1, order = [y, x, c], compute = {acc = c}, threads = [8, 1, 1], reduce_threads = 4>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> {
  ^bb0(%in: tensor<1x8x4x4xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>
    effnet.yield %p : tensor<1x8x1x1xf32>
  }
  return %0 : tensor<1x8x1x1xf32>
}
func.func @one_reduction_thread(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> {
  %0 = effnet.group "pool"(%x) {schedule = #effnet.schedule<tile = [8, 1, 1], vector = 1, order = [y, x, c], compute = {acc = c}, threads = [8, 1, 1], reduce_threads = 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32> {
  ^bb0(%in: tensor<1x8x4x4xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>
    effnet.yield %p : tensor<1x8x1x1xf32>
  }
  return %0 : tensor<1x8x1x1xf32>
}

// -----

// A specialization prints after the placements; a group reading the model
// input may take dense_rows.
// CHECK-LABEL: func @specialized
// CHECK: #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c, input = y}, specialize = [dense_rows]>
func.func @specialized(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.group "stem"(%x) {schedule = #effnet.schedule<specialize = [dense_rows], tile = [16, 8, 1], vector = 16, order = [y, x, c], parallel = [y], unroll = [c, x], compute = {acc = c, input = y}>} : (tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    %w = effnet.weight "w" : tensor<16x3x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// algorithm = winograd prints after the placements and specializations; a
// 3x3, stride 1 convolution of one group whose output the x and y tiles
// divide may take it.
// CHECK-LABEL: func @winograd
// CHECK: #effnet.schedule<tile = [32, 12, 2], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd>
func.func @winograd(%x: tensor<1x24x24x24xf32>) -> tensor<1x48x24x24xf32> {
  %0 = effnet.group "expand"(%x) {schedule = #effnet.schedule<algorithm = winograd, tile = [32, 12, 2], vector = 16, order = [y, x, c], parallel = [y], unroll = [c, x, y], compute = {acc = c, input = x}>} : (tensor<1x24x24x24xf32>) -> tensor<1x48x24x24xf32> {
  ^bb0(%in: tensor<1x24x24x24xf32>):
    %w = effnet.weight "w" : tensor<48x24x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x24x24xf32>, tensor<48x24x3x3xf32>) -> tensor<1x48x24x24xf32>
    effnet.yield %c : tensor<1x48x24x24xf32>
  }
  return %0 : tensor<1x48x24x24xf32>
}
// Winograd's row transform placed on its own (here at the rows' tile
// loop, outside the input transform's pixel loop) and its positions looped
// over print after inner_tail; parsed in any order.
// CHECK-LABEL: func @winograd_transforms
// CHECK: #effnet.schedule<tile = [32, 12, 2], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd, winograd_rows = y, winograd_positions = loop>
// CHECK: #effnet.schedule<{{.*}}algorithm = winograd, winograd_rows = inline>
func.func @winograd_transforms(%x: tensor<1x24x24x24xf32>) -> tensor<1x48x24x24xf32> {
  %0 = effnet.group "expand"(%x) {schedule = #effnet.schedule<winograd_positions = loop, winograd_rows = y, algorithm = winograd, tile = [32, 12, 2], vector = 16, order = [y, x, c], parallel = [y], unroll = [c, x, y], compute = {acc = c, input = x}>} : (tensor<1x24x24x24xf32>) -> tensor<1x48x24x24xf32> {
  ^bb0(%in: tensor<1x24x24x24xf32>):
    %w = effnet.weight "w" : tensor<48x24x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x24x24xf32>, tensor<48x24x3x3xf32>) -> tensor<1x48x24x24xf32>
    effnet.yield %c : tensor<1x48x24x24xf32>
  }
  %1 = effnet.group "expand"(%0) {schedule = #effnet.schedule<algorithm = winograd, tile = [32, 12, 2], vector = 16, order = [y, x, c], compute = {acc = c, input = x}, winograd_rows = inline, winograd_positions = unrolled>} : (tensor<1x48x24x24xf32>) -> tensor<1x48x24x24xf32> {
  ^bb0(%in: tensor<1x48x24x24xf32>):
    %w = effnet.weight "w2" : tensor<48x48x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x24x24xf32>, tensor<48x48x3x3xf32>) -> tensor<1x48x24x24xf32>
    effnet.yield %c : tensor<1x48x24x24xf32>
  }
  return %1 : tensor<1x48x24x24xf32>
}
// The default algorithm is not printed.
// CHECK-LABEL: func @direct
// CHECK: compute = {acc = c}>
func.func @direct(%x: tensor<1x24x24x24xf32>) -> tensor<1x48x24x24xf32> {
  %0 = effnet.group "expand"(%x) {schedule = #effnet.schedule<algorithm = direct, tile = [32, 12, 1], vector = 16, order = [y, x, c], compute = {acc = c}>} : (tensor<1x24x24x24xf32>) -> tensor<1x48x24x24xf32> {
  ^bb0(%in: tensor<1x24x24x24xf32>):
    %w = effnet.weight "w" : tensor<48x24x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x24x24xf32>, tensor<48x24x3x3xf32>) -> tensor<1x48x24x24xf32>
    effnet.yield %c : tensor<1x48x24x24xf32>
  }
  return %0 : tensor<1x48x24x24xf32>
}

// -----

// The fields a tuner searches beyond placements print after the algorithm,
// only when they differ from code generation's defaults: where the
// reduction sits (`reduce`), the expansion's own tile (`expand_tile`) and
// the loop a pass at root runs in parallel, printed only when it is not
// the producer's default (y for input and expand, x for weights).
// CHECK-LABEL: func @tuned
// CHECK: #effnet.schedule<tile = [8, 4, 1], vector = 8, order = [y, x, c], parallel = [y], grain = 1, unroll = [c], tail = shift, compute = {expand = root parallel x, input = root parallel}, reduce = pixel, expand_tile = [16, 2], inner_tail = shift>
func.func @tuned(%x: tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<inner_tail = shift, expand_tile = [16, 2], reduce = pixel, tile = [8, 4, 1], vector = 8, order = [y, x, c], parallel = [y], unroll = [c], compute = {expand = root parallel x, input = root parallel y}>} : (tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<40x16x1x1xf32>
    %e = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<40x16x1x1xf32>) -> tensor<1x40x8x8xf32>
    %dw = effnet.weight "dw" : tensor<40x1x3x3xf32>
    %c = effnet.conv2d %e, %dw {groups = 40 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x40x8x8xf32>, tensor<40x1x3x3xf32>) -> tensor<1x40x8x8xf32>
    effnet.yield %c : tensor<1x40x8x8xf32>
  }
  return %0 : tensor<1x40x8x8xf32>
}

// -----

// The defaults are one attribute whether written or not (inner_tail =
// guard, a pass's default loop).
// CHECK-LABEL: func @defaults
// CHECK: #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], parallel = [], grain = 1, unroll = [], tail = shift, compute = {weights = root parallel, input = root parallel}, reduce = row>
func.func @defaults(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {weights = root parallel x, input = root parallel y}, reduce = row, inner_tail = guard>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}
