// RUN: effnet-opt %s -split-input-file -verify-diagnostics

// Every rule of #effnet.schedule, and of a schedule on its group.
// The tile gives c, x and y.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects tile = [c, x, y], got 2 sizes}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8], vector = 16, order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A tile holds at least one element along each loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects tile sizes in [1, 1048576], got 0}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 0, 1], vector = 16, order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Vectors have a power-of-two width.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects a vector width that is a power of two up to 256, got 12}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [24, 8, 1], vector = 12, order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The channel tile is whole vectors.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the channel tile (24) to be a multiple of the vector width (16)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [24, 8, 1], vector = 16, order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The order names every tile loop once.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects order to list c, x and y once each}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, y, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Window loops are not tile loops.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects order to list c, x and y once each}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, kx]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Parallel loops are the outermost ones.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the parallel loops to be the outermost loops of order}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], parallel = [x]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A task holds at least one iteration.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects grain in [1, 1048576], got 0}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 0>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A loop is unrolled once.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects each unrolled loop once, got 'x' twice}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], unroll = [x, x]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Unrolling copies the body: the copies of a tile are bounded.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects at most 256 unrolled copies of a tile's body, got 1024}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 512, 1], vector = 16, order = [y, x, c], tail = guard, unroll = [c, x]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A producer has one place.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'acc' to be placed once}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {acc = c, acc = x}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// An accumulation needs storage of its own.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'acc' to be computed at a loop or at root: an accumulation cannot be inlined}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {acc = inline}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Fused parallel loops exist only as the innermost of them.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'acc' at a loop that exists: 'y' is fused into the parallel loop 'c'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, c, x], parallel = [y, c], compute = {acc = y}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Inline means computed and stored inline.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'input' to be stored inline exactly when it is computed inline}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {input = inline store root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Storage lives at least as long as the computation.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'acc' to be stored at or outside the loop where it is computed}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {acc = y store c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A producer inside a tile loop already runs on the tile's thread: only a
// pass at root can be parallel.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'input' to be parallel only as a pass of its own, computed at root}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {input = y parallel}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The accumulation and a broadcast value are not passes code generation
// splits over threads.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects only 'input', 'weights' and 'expand' passes to be parallel, got 'acc'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {acc = root parallel}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The accumulator reads the convolution's operands: they are computed at or
// outside its loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'weights' to be computed at or outside the loop where 'acc', which reads it, is computed}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {acc = root, weights = c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A fused expansion is a convolution of its own: never inlined.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'expand' to be computed at a loop or at root: an accumulation cannot be inlined}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {expand = inline}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Only a group with an expansion in front of its convolution places one.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule to place only producers the group has: there is no 'expand'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {expand = root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// GPU threads come as c, x and y.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects threads = [c, x, y], got 2 counts}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], threads = [32, 8]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A GPU thread count is positive.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects GPU thread counts in [1, 1024], got 0}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], threads = [0, 8, 1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A GPU block holds at most 1024 threads.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects at most 1024 GPU threads per block, got 2048}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], threads = [64, 32, 1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Each GPU thread computes the same share of its block's tile.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects each tile size to be a multiple of the GPU threads along it, got tile 8 over 3 threads}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], threads = [32, 3, 1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// On a GPU the blocks run in parallel: no parallel loops of the CPU's.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects no parallel loops with GPU threads (the blocks run in parallel)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], parallel = [y], threads = [32, 8, 1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A GPU thread computes single values.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects vector = 1 with GPU threads (a thread computes single values), got 4}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 4, order = [y, x, c], threads = [32, 8, 1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Shared memory stages a producer computed per tile.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'input' in shared memory to be computed at a tile loop}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], threads = [32, 8, 1], shared = [input]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Unknown fields are named.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown schedule field 'tiles' (expected tile, vector, order, parallel, grain, unroll, tail, compute, specialize, algorithm, reduce, expand_tile, inner_tail, winograd_rows, winograd_positions, threads, shared or reduce_threads)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], tiles = [1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A field is given once.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{'vector' is given twice}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, vector = 8, order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// tile, vector and order are required.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the schedule to give 'vector'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Loops are c, x, y, kx and ky.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown loop 'z'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, z]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A compute level is inline, root or a tile loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown level 'kx'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {acc = kx}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Producers are acc, input, weights, excite and expand.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown producer 'bias'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {bias = root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The tail strategies are shift and guard.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown tail strategy 'round'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], tail = round>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// With tail = shift a tile fits its loop: the last tile moves inwards.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule's tile (32) to fit the output's 24 channels with tail = shift}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c]>} : (tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<24x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>) -> tensor<1x24x8x8xf32>
    effnet.yield %c : tensor<1x24x8x8xf32>
  }
  return %0 : tensor<1x24x8x8xf32>
}

// -----

// ... and so do pixel tiles.
func.func @f(%x: tensor<1x16x8x6xf32>) -> tensor<1x16x8x6xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule's tile (8) to fit the output's 6 pixels per row with tail = shift}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c]>} : (tensor<1x16x8x6xf32>) -> tensor<1x16x8x6xf32> {
  ^bb0(%in: tensor<1x16x8x6xf32>):
    %a = effnet.activation relu %in : tensor<1x16x8x6xf32>
    effnet.yield %a : tensor<1x16x8x6xf32>
  }
  return %0 : tensor<1x16x8x6xf32>
}

// -----

// A schedule places only producers its group has: an activation alone has no
// accumulator.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule to place only producers the group has: there is no 'acc'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], compute = {acc = c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %a = effnet.activation relu %in : tensor<1x16x8x8xf32>
    effnet.yield %a : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// ... and no channel scale to broadcast.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule to place only producers the group has: there is no 'excite'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], compute = {excite = root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %a = effnet.activation relu %in : tensor<1x16x8x8xf32>
    effnet.yield %a : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// A pooling has an accumulator but no convolution operands.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule to place only producers the group has: there is no 'weights'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 1, 1], vector = 16, order = [y, x, c], compute = {weights = root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    effnet.yield %p : tensor<1x16x1x1xf32>
  }
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// Each specialization is listed once.
func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{expects each specialization once, got 'dense_rows' twice}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], specialize = [dense_rows, dense_rows]>} : (tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    %w = effnet.weight "w" : tensor<16x3x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x3x8x8xf32>, tensor<16x3x1x1xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Specializations are named.
func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{unknown specialization 'dense'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], specialize = [dense]>} : (tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    effnet.yield %in : tensor<1x3x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Only the model input can be 8-bit pixels: dense_rows on a group that reads
// another group's result has nothing to specialize on.
func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %0 = effnet.group "a"(%x) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    %r = effnet.activation relu %in : tensor<1x3x8x8xf32>
    effnet.yield %r : tensor<1x3x8x8xf32>
  }
  // expected-error@+1 {{'effnet.group' op expects 'dense_rows' only on a group that reads the model input}}
  %1 = effnet.group "b"(%0) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], specialize = [dense_rows]>} : (tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    %w = effnet.weight "w" : tensor<16x3x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x3x8x8xf32>, tensor<16x3x1x1xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %1 : tensor<1x16x8x8xf32>
}

// -----

// Algorithms are named.
func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{unknown algorithm 'fft'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 2], vector = 16, order = [y, x, c], algorithm = fft>} : (tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    effnet.yield %in : tensor<1x3x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Winograd computes 2x2 output tiles: x and y tiles are even.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{expects even x and y tiles with algorithm = winograd (2x2 output tiles), got 8 x 1}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], algorithm = winograd>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    effnet.yield %in : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Winograd's F(2x2, 3x3) is for a 3x3 window at stride 1: not stride 2.
func.func @f(%x: tensor<1x16x16x16xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects algorithm = winograd only on a group whose anchor is a 3x3, stride 1, undilated convolution of one group, with no scale or expansion in front}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd>} : (tensor<1x16x16x16xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x16x16xf32>):
    %w = effnet.weight "w" : tensor<16x16x3x3xf32>
    %c = effnet.conv2d %in, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x16x16xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Nor a depthwise convolution.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects algorithm = winograd only on a group whose anchor is a 3x3}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<16x1x3x3xf32>
    %c = effnet.conv2d %in, %w {groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// Nor a pooling.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error@+1 {{'effnet.group' op expects algorithm = winograd only on a group whose anchor is a 3x3}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 2, 2], vector = 16, order = [y, x, c], tail = guard, algorithm = winograd>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    effnet.yield %p : tensor<1x16x1x1xf32>
  }
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// Winograd tiles start on 2x2 output tiles: they divide the output (10
// pixels are not tiles of 4).
func.func @f(%x: tensor<1x16x10x10xf32>) -> tensor<1x16x10x10xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule's tile (4) to divide the output's 10 pixels per row with algorithm = winograd}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 4, 2], vector = 16, order = [y, x, c], algorithm = winograd>} : (tensor<1x16x10x10xf32>) -> tensor<1x16x10x10xf32> {
  ^bb0(%in: tensor<1x16x10x10xf32>):
    %w = effnet.weight "w" : tensor<16x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x10x10xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x10x10xf32>
    effnet.yield %c : tensor<1x16x10x10xf32>
  }
  return %0 : tensor<1x16x10x10xf32>
}

// -----

// And so do rows (9 rows are not pairs).
func.func @f(%x: tensor<1x16x9x8xf32>) -> tensor<1x16x9x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the schedule's tile (2) to divide the output's 9 rows with algorithm = winograd}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd>} : (tensor<1x16x9x8xf32>) -> tensor<1x16x9x8xf32> {
  ^bb0(%in: tensor<1x16x9x8xf32>):
    %w = effnet.weight "w" : tensor<16x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x9x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x9x8xf32>
    effnet.yield %c : tensor<1x16x9x8xf32>
  }
  return %0 : tensor<1x16x9x8xf32>
}

// -----

// Nor with a squeeze-excite scale in front.
func.func @f(%x: tensor<1x16x8x8xf32>, %s: tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects algorithm = winograd only on a group whose anchor is a 3x3}}
  %0 = effnet.group "g"(%x, %s) {schedule = #effnet.schedule<tile = [16, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd>} : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>, %scale: tensor<1x16x1x1xf32>):
    %w = effnet.weight "w" : tensor<16x16x3x3xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>
    %c = effnet.conv2d %m, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// A producer filled inside the parallel loop is stored inside it too: one
// buffer outside would be written by every thread at once.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'acc' to be stored inside the parallel loop 'y' where it is computed: its threads would share one buffer}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], parallel = [y], compute = {acc = c store root}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The same for loops fused into the parallel loop: stored at 'y', outside
// the fused loop of y and x, computed inside it.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects 'input' to be stored inside the parallel loop 'x' where it is computed: its threads would share one buffer}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], parallel = [y, x], compute = {input = c store root, acc = c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Halide 14 stores a guarded channel tail of vectors whole: with tail =
// guard and vectors, the channel tile divides the channels.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  // expected-error@+1 {{expects the schedule's tile (32) to divide the output's 40 channels with tail = guard and vectors of 8 channels}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 8, order = [y, x, c], tail = guard>} : (tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<40x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<40x16x1x1xf32>) -> tensor<1x40x8x8xf32>
    effnet.yield %c : tensor<1x40x8x8xf32>
  }
  return %0 : tensor<1x40x8x8xf32>
}

// -----

// Halide 14 unrolls a guarded tail wrongly: with tail = guard an unrolled
// channel tile divides the channels (3 do not divide 40)...
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  // expected-error@+1 {{expects the schedule's tile (3) to divide the output's 40 channels with tail = guard and 'c' unrolled}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [3, 8, 1], vector = 1, order = [y, x, c], unroll = [c], tail = guard>} : (tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<40x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<40x16x1x1xf32>) -> tensor<1x40x8x8xf32>
    effnet.yield %c : tensor<1x40x8x8xf32>
  }
  return %0 : tensor<1x40x8x8xf32>
}

// -----

// ... and so does an unrolled pixel tile (3 pixels, rows of 8)...
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the schedule's tile (3) to divide the output's 8 pixels per row with tail = guard and 'x' unrolled}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 3, 1], vector = 16, order = [y, x, c], unroll = [c, x], tail = guard>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// ... and an unrolled row tile larger than the rows (a 1x1 output).
func.func @f(%x: tensor<1x16x1x1xf32>) -> tensor<1x32x1x1xf32> {
  // expected-error@+1 {{expects the schedule's tile (2) to divide the output's 1 rows with tail = guard and 'y' unrolled}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 1, 2], vector = 16, order = [y, x, c], unroll = [y], tail = guard>} : (tensor<1x16x1x1xf32>) -> tensor<1x32x1x1xf32> {
  ^bb0(%in: tensor<1x16x1x1xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x1x1xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x1x1xf32>
    effnet.yield %c : tensor<1x32x1x1xf32>
  }
  return %0 : tensor<1x32x1x1xf32>
}

// -----

// The unroll cap counts the window's unrolled loops: 2 x 4 x 4 tile copies
// by a 3x3 window is 288.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects at most 256 unrolled copies of a tile's body, got 288 (the window's unrolled loops included)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 4, 4], vector = 16, order = [y, x, c], unroll = [c, x, y, kx, ky]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A fused expansion is computed where the padded input that reads it
// exists already: not inside the input's loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error@+1 {{expects 'expand' to be computed at or outside the loop where 'input', which reads it, is computed}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 4, 1], vector = 16, order = [y, c, x], compute = {acc = x, input = y, expand = c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x64x4x4xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<64x16x1x1xf32>
    %e = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<64x16x1x1xf32>) -> tensor<1x64x8x8xf32>
    %dw = effnet.weight "dw" : tensor<64x1x3x3xf32>
    %c = effnet.conv2d %e, %dw {groups = 64 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x64x8x8xf32>, tensor<64x1x3x3xf32>) -> tensor<1x64x4x4xf32>
    effnet.yield %c : tensor<1x64x4x4xf32>
  }
  return %0 : tensor<1x64x4x4xf32>
}

// -----

// In tasks of several iterations (grain > 1) a producer computed at the
// parallel loop covers several tiles at once: its channels cannot be
// unrolled (Halide 14 refuses, or crashes).
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  // expected-error@+1 {{expects 'acc' not to be computed at the parallel loop 'x' with grain > 1 and 'c' unrolled: a task computes it for several tiles at once}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [8, 4, 8], vector = 8, order = [c, y, x], parallel = [c, y, x], grain = 5, unroll = [c, x], compute = {acc = x}>} : (tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<24x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>) -> tensor<1x24x8x8xf32>
    effnet.yield %c : tensor<1x24x8x8xf32>
  }
  return %0 : tensor<1x24x8x8xf32>
}

// -----

// The same for a parallel loop unrolled: with parallel = [y, c] in tasks of
// 11, a task spans a varying number of rows (found by the schedule fuzzer:
// "Can only unroll for loops over a constant extent").
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  // expected-error@+1 {{expects 'acc' not to be computed at the parallel loop 'c' with grain > 1 and 'y' unrolled: a task computes it for several tiles at once}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [8, 4, 1], vector = 8, order = [y, c, x], parallel = [y, c], grain = 11, unroll = [y], compute = {acc = c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<24x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>) -> tensor<1x24x8x8xf32>
    effnet.yield %c : tensor<1x24x8x8xf32>
  }
  return %0 : tensor<1x24x8x8xf32>
}

// -----

// Left to Halide, with a parallel loop unrolled.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  // expected-error@+1 {{expects the schedule to place 'acc' with grain > 1 and 'y' unrolled: left to Halide, it is computed for several tiles at once}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [8, 4, 1], vector = 8, order = [y, c, x], parallel = [y, c], grain = 11, unroll = [y]>} : (tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<24x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>) -> tensor<1x24x8x8xf32>
    effnet.yield %c : tensor<1x24x8x8xf32>
  }
  return %0 : tensor<1x24x8x8xf32>
}

// -----

// The same, with the accumulation left where Halide puts it.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  // expected-error@+1 {{expects the schedule to place 'acc' with grain > 1 and 'c' unrolled: left to Halide, it is computed for several tiles at once}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [8, 4, 8], vector = 8, order = [c, y, x], parallel = [c, y, x], grain = 5, unroll = [c, x]>} : (tensor<1x16x8x8xf32>) -> tensor<1x24x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<24x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<24x16x1x1xf32>) -> tensor<1x24x8x8xf32>
    effnet.yield %c : tensor<1x24x8x8xf32>
  }
  return %0 : tensor<1x24x8x8xf32>
}

// -----

// A parallel pass runs its rows or pixels in parallel, not its vectors.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the parallel pass of 'input' to run 'x' or 'y' in parallel, got 'c' (the channels are its vectors)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {input = root parallel c}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Nor a window's loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the parallel pass of 'input' to run 'x' or 'y' in parallel, got 'kx' (a window's loop)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {input = root parallel kx}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The expansion's tile is a channel tile and a pixel tile.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects expand_tile = [c, x], got 3 sizes}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], expand_tile = [16, 4, 1]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Its sizes are bounded as the output's are.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects expand_tile sizes in [1, 1048576], got 0}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], expand_tile = [16, 0]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Its channel tile is whole vectors.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects the expansion's channel tile (24) to be a multiple of the vector width (16)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], expand_tile = [24, 4]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Its unrolled accumulators count as the output's do.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects at most 256 unrolled copies of the expansion's tile, got 512}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], unroll = [c, x, kx], expand_tile = [64, 128]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Winograd's reduction is around its tiles or inside a pixel's.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects reduce = tile or pixel with algorithm = winograd (its transformed tiles hold two rows)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd, reduce = row>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A reduction is placed by name.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown reduction 'channel'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], reduce = channel>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A parallel pass names a loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown loop 'rows'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], compute = {input = root parallel rows}>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A pooling's reduction has no loops a schedule places.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error@+1 {{'effnet.group' op expects reduce = tile on a group whose anchor is not a convolution}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 1, 1], vector = 16, order = [y, x, c], reduce = pixel>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    effnet.yield %p : tensor<1x16x1x1xf32>
  }
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// expand_tile tiles a fused expansion, which this group lacks.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects expand_tile only on a group with a fused expansion}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], expand_tile = [16, 4]>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A vectorized expansion tile that leaves a channel tail moves inwards: it fits the expanded channels.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the expansion's channel tile (48) to fit its 40 channels, or to divide them}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [8, 8, 1], vector = 8, order = [y, x, c], compute = {expand = root}, expand_tile = [48, 4]>} : (tensor<1x16x8x8xf32>) -> tensor<1x40x8x8xf32> {
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

// Computed inside the 'c' loop in front of a depthwise convolution, the
// expansion computes a tile of the output's channels at a time (8 here); a
// tile of 24 that moves inwards would start 16 channels before them (the
// schedule fuzzer's seed 1796333190 on V2-S: a segmentation fault).
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects the expansion's channel tile (24) to fit the 8 channels it computes at a time (the output's channel tile, as it is computed inside the 'c' loop), or to divide them and its 64 channels}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [8, 4, 4], vector = 8, order = [c, y, x], compute = {acc = x, expand = x}, expand_tile = [24, 4]>} : (tensor<1x16x8x8xf32>) -> tensor<1x64x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<64x16x1x1xf32>
    %e = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<64x16x1x1xf32>) -> tensor<1x64x8x8xf32>
    %dw = effnet.weight "dw" : tensor<64x1x3x3xf32>
    %c = effnet.conv2d %e, %dw {groups = 64 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x64x8x8xf32>, tensor<64x1x3x3xf32>) -> tensor<1x64x8x8xf32>
    effnet.yield %c : tensor<1x64x8x8xf32>
  }
  return %0 : tensor<1x64x8x8xf32>
}

// -----

// Stored outside the 'c' loop it is computed at, the accumulation's window
// slides along 'c': the last of 6 channels' tiles of 4 moves inwards and
// computes 2 new channels, a loop Halide cannot unroll.
func.func @f(%x: tensor<1x144x1x1xf32>) -> tensor<1x6x1x1xf32> {
  // expected-error@+1 {{'effnet.group' op expects 'acc' stored at or inside the 'c' loop, or 'c' not unrolled: the output's 6 channels in tiles of 4 leave a tile shifted inwards, of which a window slid along the loop computes fewer than a tile}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [4, 1, 1], vector = 4, order = [y, x, c], unroll = [c], tail = shift, compute = {acc = c store y}>} : (tensor<1x144x1x1xf32>) -> tensor<1x6x1x1xf32> {
  ^bb0(%in: tensor<1x144x1x1xf32>):
    %w = effnet.weight "w" : tensor<6x144x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x144x1x1xf32>, tensor<6x144x1x1xf32>) -> tensor<1x6x1x1xf32>
    effnet.yield %c : tensor<1x6x1x1xf32>
  }
  return %0 : tensor<1x6x1x1xf32>
}

// -----

// A shifted inner vector needs a vector of channels in every producer: the
// stem's 3 input channels are fewer than a vector of 8.
func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects inner_tail = shift only where every producer has a vector of channels: 3 channels, vectors of 8}}
  %0 = effnet.group "stem"(%x) {schedule = #effnet.schedule<tile = [16, 8, 1], vector = 8, order = [y, x, c], inner_tail = shift>} : (tensor<1x3x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%in: tensor<1x3x8x8xf32>):
    %w = effnet.weight "w" : tensor<16x3x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x8x8xf32>
    effnet.yield %c : tensor<1x16x8x8xf32>
  }
  return %0 : tensor<1x16x8x8xf32>
}

// -----

// A grouped convolution (not depthwise) reads its input a group at a time.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects inner_tail = guard on a grouped convolution that is not depthwise (its input is read a group of channels at a time)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 8, order = [y, x, c], inner_tail = shift>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x8x1x1xf32>
    %c = effnet.conv2d %in, %w {groups = 2 : i64} : (tensor<1x16x8x8xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A tail strategy is shift or guard.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown tail strategy 'round_up'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], inner_tail = round_up>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// reduce_threads counts threads of a GPU block.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error@+1 {{expects reduce_threads only with GPU threads, got 4}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 1, 1], vector = 1, order = [y, x, c], reduce_threads = 4>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    effnet.yield %p : tensor<1x16x1x1xf32>
  }
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// At least one thread per reduction.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error@+1 {{expects reduce_threads in [1, 1024], got 0}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 1, 1], vector = 1, order = [y, x, c], threads = [16, 1, 1], reduce_threads = 0>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    effnet.yield %p : tensor<1x16x1x1xf32>
  }
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// The block's threads are the output's times the reduction's: at most 1024.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error@+1 {{expects at most 1024 GPU threads per block, got 2048 (threads by reduce_threads)}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [16, 1, 1], vector = 1, order = [y, x, c], threads = [16, 1, 1], reduce_threads = 128>} : (tensor<1x16x8x8xf32>) -> tensor<1x16x1x1xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
    effnet.yield %p : tensor<1x16x1x1xf32>
  }
  return %0 : tensor<1x16x1x1xf32>
}

// -----

// Threads share a global pooling's reduction only.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{'effnet.group' op expects reduce_threads = 1 on a group whose anchor is not a global pooling, got 2}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 1, order = [y, x, c], threads = [32, 8, 1], reduce_threads = 2>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Winograd's transform fields go with Winograd.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects winograd_rows and winograd_positions only with algorithm = winograd}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], winograd_rows = y>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Winograd's transform fields go with Winograd (positions too).
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects winograd_rows and winograd_positions only with algorithm = winograd}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c], winograd_positions = loop>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The rows are placed at or outside the loop where the input transform,
// which reads them, is computed.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects winograd_rows at or outside the loop where 'input', which reads them, is computed, got 'c'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, x, c], compute = {acc = c, input = x}, algorithm = winograd, winograd_rows = c>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// With the input transform inline, the accumulation reads the rows.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects winograd_rows at or outside the loop where 'acc', which reads them, is computed, got 'c'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, x, c], compute = {acc = x}, algorithm = winograd, winograd_rows = c>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// A loop fused into the parallel loop is no place for the rows.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{expects winograd_rows at a loop that exists: 'y' is fused into the parallel loop 'x'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, x, c], parallel = [y, x], compute = {acc = c, input = c}, algorithm = winograd, winograd_rows = y>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// Positions are unrolled or a loop.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown positions 'twice'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd, winograd_positions = twice>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}

// -----

// The rows' placement is a loop level.
func.func @f(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  // expected-error@+1 {{unknown loop level 'z'}}
  %0 = effnet.group "g"(%x) {schedule = #effnet.schedule<tile = [32, 8, 2], vector = 16, order = [y, x, c], algorithm = winograd, winograd_rows = z>} : (tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %w = effnet.weight "w" : tensor<32x16x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x8x8xf32>
    effnet.yield %c : tensor<1x32x8x8xf32>
  }
  return %0 : tensor<1x32x8x8xf32>
}
