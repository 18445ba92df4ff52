// RUN: effnet-opt %s -split-input-file --effnet-tile=target=x86-64-linux-avx512 | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: effnet-opt %s -split-input-file --effnet-tile=target=x86-64-linux-avx2-fma | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: effnet-opt %s -split-input-file --effnet-tile=target=arm-64-linux | FileCheck %s --check-prefixes=CHECK,NEON
// RUN: effnet-opt %s -split-input-file --effnet-tile=target=x86-64-linux-sse41 | FileCheck %s --check-prefixes=CHECK,SSE

// Default schedules per target. Vectors are 16 floats on AVX-512, 8 on AVX2,
// 4 on NEON and SSE; the register tile is bounded by the vector registers
// (32 on AVX-512 and AArch64 NEON, 16 on AVX2 and SSE).

// AVX512: module attributes {effnet.schedule_target = "x86-64-avx512"}
// AVX2: module attributes {effnet.schedule_target = "x86-64-avx2"}
// NEON: module attributes {effnet.schedule_target = "arm-64-neon"}
// SSE: module attributes {effnet.schedule_target = "x86-64-sse41"}

// A 1x1 convolution, 16 -> 96 channels at 56x56, accumulated at the
// innermost tile loop, rows in parallel. The register tile: 96 channels are
// 6 vector FMAs per pixel and input channel in tiles of one, two or three
// AVX-512 vectors; three load the fewest weights per FMA, and leave room for
// 9 pixels of 32 registers (8 waste nothing of a row of 56). AVX2's 16
// registers hold two vectors by 6 pixels at most (4 waste nothing), not
// three by 4. AArch64 NEON's tile comes from the cycles of its inner loop
// on a Cortex-A76 class core (two FMA pipes, two load pipes, 4 decoded a
// cycle, FMA latency 4): 3 vectors by 8 pixels (30 registers with the 3
// weights, 2 inputs and a spare) cover 96 x 56 exactly at 12 cycles a step,
// bound by the FMA pipes, with 11 loads; 8 vectors by 2 pixels tie on cycles
// but load 10 per 16 FMAs, and 6 by 4 need 33 registers.
// CHECK-LABEL: func @expand
// AVX512: #effnet.schedule<tile = [48, 8, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c}>
// AVX2: #effnet.schedule<tile = [16, 4, 1], vector = 8, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c}>
// NEON: #effnet.schedule<tile = [12, 8, 1], vector = 4, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c}>
// SSE: #effnet.schedule<tile = [8, 4, 1], vector = 4, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c}>
func.func @expand(%x: tensor<1x16x56x56xf32>) -> tensor<1x96x56x56xf32> {
  %0 = effnet.group "expand"(%x) : (tensor<1x16x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x16x56x56xf32>):
    %w = effnet.weight "expand.weight" : tensor<96x16x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x16x56x56xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x56x56xf32>
    %a = effnet.activation silu %c : tensor<1x96x56x56xf32>
    effnet.yield %a : tensor<1x96x56x56xf32>
  }
  return %0 : tensor<1x96x56x56xf32>
}

// -----

// A 1x1 projection, 144 -> 40 channels at 28x28, on AArch64: 5 vectors (20
// channels, 2 tiles) by 4 pixels (7 tiles) cover the output exactly in 20
// FMAs a step, 10 cycles, bound by the FMA pipes, with 9 loads (28 + 5 + 3
// registers would not fit 7 pixels). The x86 rule stops at three vectors:
// 2 by 7 ties on cycles but loads 9 per 14 FMAs; 10 vectors by 1 pixel are
// bound by decode (26 instructions, 6.5 cycles for 10 FMAs).
// CHECK-LABEL: func @project
// NEON: #effnet.schedule<tile = [20, 4, 1], vector = 4, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c}>
func.func @project(%x: tensor<1x144x28x28xf32>) -> tensor<1x40x28x28xf32> {
  %0 = effnet.group "project"(%x) : (tensor<1x144x28x28xf32>) -> tensor<1x40x28x28xf32> {
  ^bb0(%in: tensor<1x144x28x28xf32>):
    %w = effnet.weight "project.weight" : tensor<40x144x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x144x28x28xf32>, tensor<40x144x1x1xf32>) -> tensor<1x40x28x28xf32>
    effnet.yield %c : tensor<1x40x28x28xf32>
  }
  return %0 : tensor<1x40x28x28xf32>
}

// -----

// A depthwise convolution has no channel reduction to reuse an input read
// over: one vector of channels, its window's columns unrolled. On AArch64
// each pixel's accumulator chains the window row's 3 FMAs a step (12 cycles
// of latency), so 8 pixels or more keep both FMA pipes busy; a tile of P
// pixels holds P accumulators, the P + 2 inputs its row reads, 3 weights
// and a spare, so at most 13 pixels fit 32 registers: 8, which divides 56.
// CHECK-LABEL: func @depthwise
// AVX512: #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, kx], tail = shift, compute = {acc = c}>
// AVX2: #effnet.schedule<tile = [8, 8, 1], vector = 8, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, kx], tail = shift, compute = {acc = c}>
// NEON: #effnet.schedule<tile = [4, 8, 1], vector = 4, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, kx], tail = shift, compute = {acc = c}>
func.func @depthwise(%x: tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  %0 = effnet.group "dw"(%x) : (tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x96x56x56xf32>):
    %w = effnet.weight "dw.weight" : tensor<96x1x3x3xf32>
    %c = effnet.conv2d %in, %w {groups = 96 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x96x56x56xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x56x56xf32>
    effnet.yield %c : tensor<1x96x56x56xf32>
  }
  return %0 : tensor<1x96x56x56xf32>
}

// -----

// 24 output channels: a tile of two AVX-512 vectors would not fit, and on
// AVX2 tiles of 16 would cost 4 vector FMAs per pixel where tiles of 8 cost
// 3. With NEON vectors of 4, 24 is 2 tiles of 12.
// CHECK-LABEL: func @narrow
// AVX512: #effnet.schedule<tile = [16, 8, 1], vector = 16,
// AVX2: #effnet.schedule<tile = [8, 8, 1], vector = 8,
// NEON: #effnet.schedule<tile = [12, 8, 1], vector = 4,
func.func @narrow(%x: tensor<1x96x16x16xf32>) -> tensor<1x24x16x16xf32> {
  %0 = effnet.group "project"(%x) : (tensor<1x96x16x16xf32>) -> tensor<1x24x16x16xf32> {
  ^bb0(%in: tensor<1x96x16x16xf32>):
    %w = effnet.weight "project.weight" : tensor<24x96x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x96x16x16xf32>, tensor<24x96x1x1xf32>) -> tensor<1x24x16x16xf32>
    effnet.yield %c : tensor<1x24x16x16xf32>
  }
  return %0 : tensor<1x24x16x16xf32>
}

// -----

// Seven rows would leave a thread idle at the end of a loop over rows:
// rows x channel tiles are fused into the parallel loop (named c), and the
// accumulator moves to the pixel tiles inside it. A task takes enough
// iterations for about 32K multiply-adds: one row of 48 x 7 x 192 on
// AVX-512 (192 channels: 4 tiles of three vectors), two of 16 x 7 x 192 on
// AVX2.
// CHECK-LABEL: func @few_rows
// AVX512: #effnet.schedule<tile = [48, 7, 1], vector = 16, order = [y, c, x], parallel = [y, c], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x}>
// AVX2: #effnet.schedule<tile = [16, 4, 1], vector = 8, order = [y, c, x], parallel = [y, c], grain = 2, unroll = [c, x], tail = shift, compute = {acc = x}>
func.func @few_rows(%x: tensor<1x192x7x7xf32>) -> tensor<1x192x7x7xf32> {
  %0 = effnet.group "late"(%x) : (tensor<1x192x7x7xf32>) -> tensor<1x192x7x7xf32> {
  ^bb0(%in: tensor<1x192x7x7xf32>):
    %w = effnet.weight "late.weight" : tensor<192x192x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x192x7x7xf32>, tensor<192x192x1x1xf32>) -> tensor<1x192x7x7xf32>
    effnet.yield %c : tensor<1x192x7x7xf32>
  }
  return %0 : tensor<1x192x7x7xf32>
}

// -----

// 640 x 640 weights (1.6 MB) outgrow L2: channel tiles outermost and in
// parallel, so each tile's weights stay in cache while every row reads them.
// CHECK-LABEL: func @big_weights
// AVX512: #effnet.schedule<tile = [32, 10, 1], vector = 16, order = [c, y, x], parallel = [c], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x}>
func.func @big_weights(%x: tensor<1x640x20x20xf32>) -> tensor<1x640x20x20xf32> {
  %0 = effnet.group "wide"(%x) : (tensor<1x640x20x20xf32>) -> tensor<1x640x20x20xf32> {
  ^bb0(%in: tensor<1x640x20x20xf32>):
    %w = effnet.weight "wide.weight" : tensor<640x640x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x640x20x20xf32>, tensor<640x640x1x1xf32>) -> tensor<1x640x20x20xf32>
    effnet.yield %c : tensor<1x640x20x20xf32>
  }
  return %0 : tensor<1x640x20x20xf32>
}

// -----

// Weights that outgrow L2 in only 4 channel tiles (112 channels in tiles of
// 32: 8 vector FMAs per pixel against 7 in tiles of 16, for half the loads):
// tiles x rows as tasks, so that no thread waits out the last tile.
// CHECK-LABEL: func @big_weights_few_tiles
// AVX512: #effnet.schedule<tile = [32, 10, 1], vector = 16, order = [c, y, x], parallel = [c, y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x}>
func.func @big_weights_few_tiles(%x: tensor<1x640x20x20xf32>) -> tensor<1x112x20x20xf32> {
  %0 = effnet.group "project"(%x) : (tensor<1x640x20x20xf32>) -> tensor<1x112x20x20xf32> {
  ^bb0(%in: tensor<1x640x20x20xf32>):
    %w = effnet.weight "project.weight" : tensor<112x640x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x640x20x20xf32>, tensor<112x640x1x1xf32>) -> tensor<1x112x20x20xf32>
    effnet.yield %c : tensor<1x112x20x20xf32>
  }
  return %0 : tensor<1x112x20x20xf32>
}

// -----

// Pooling: one channel vector's sum over every pixel at a time, channel
// vectors in parallel when there are enough of them.
// CHECK-LABEL: func @pool
// AVX512: #effnet.schedule<tile = [16, 1, 1], vector = 16, order = [c, y, x], parallel = [c], grain = 1, unroll = [], tail = shift, compute = {acc = c}>
// AVX2: #effnet.schedule<tile = [8, 1, 1], vector = 8, order = [c, y, x], parallel = [c], grain = 1, unroll = [], tail = shift, compute = {acc = c}>
func.func @pool(%x: tensor<1x96x56x56xf32>) -> tensor<1x96x1x1xf32> {
  %0 = effnet.group "pool"(%x) : (tensor<1x96x56x56xf32>) -> tensor<1x96x1x1xf32> {
  ^bb0(%in: tensor<1x96x56x56xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x96x56x56xf32> -> tensor<1x96x1x1xf32>
    effnet.yield %p : tensor<1x96x1x1xf32>
  }
  return %0 : tensor<1x96x1x1xf32>
}

// -----

// A dense layer is a 1x1 image: channel tiles are all there is to share out.
// 1000 outputs cost 63 vector FMAs per input in tiles of 16, 64 in tiles of
// 32 and 63 in tiles of 48, which load the fewest weights per FMA.
// CHECK-LABEL: func @dense
// AVX512: #effnet.schedule<tile = [48, 1, 1], vector = 16, order = [c, y, x], parallel = [c], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x}>
func.func @dense(%x: tensor<1x1280xf32>) -> tensor<1x1000xf32> {
  %0 = effnet.group "classifier"(%x) : (tensor<1x1280xf32>) -> tensor<1x1000xf32> {
  ^bb0(%in: tensor<1x1280xf32>):
    %w = effnet.weight "classifier.weight" : tensor<1000x1280xf32>
    %d = effnet.dense %in, %w : (tensor<1x1280xf32>, tensor<1000x1280xf32>) -> tensor<1x1000xf32>
    effnet.yield %d : tensor<1x1000xf32>
  }
  return %0 : tensor<1x1000xf32>
}

// -----

// Squeeze-excite's convolutions and pooling of a 7x7 map are too little
// work (55K multiply-adds, 56K additions) to wake a second thread for.
// CHECK-LABEL: func @small_work
// AVX512: effnet.group "se.expand"{{.*}}#effnet.schedule<tile = [48, 1, 1], vector = 16, order = [c, y, x], parallel = [], grain = 1,
// AVX512: effnet.group "se.pool"{{.*}}#effnet.schedule<tile = [16, 1, 1], vector = 16, order = [c, y, x], parallel = [], grain = 1,
func.func @small_work(%r: tensor<1x48x1x1xf32>, %x: tensor<1x1152x7x7xf32>) -> (tensor<1x1152x1x1xf32>, tensor<1x1152x1x1xf32>) {
  %0 = effnet.group "se.expand"(%r) : (tensor<1x48x1x1xf32>) -> tensor<1x1152x1x1xf32> {
  ^bb0(%in: tensor<1x48x1x1xf32>):
    %w = effnet.weight "se.expand.weight" : tensor<1152x48x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x48x1x1xf32>, tensor<1152x48x1x1xf32>) -> tensor<1x1152x1x1xf32>
    effnet.yield %c : tensor<1x1152x1x1xf32>
  }
  %1 = effnet.group "se.pool"(%x) : (tensor<1x1152x7x7xf32>) -> tensor<1x1152x1x1xf32> {
  ^bb0(%in: tensor<1x1152x7x7xf32>):
    %p = effnet.global_avg_pool %in : tensor<1x1152x7x7xf32> -> tensor<1x1152x1x1xf32>
    effnet.yield %p : tensor<1x1152x1x1xf32>
  }
  return %0, %1 : tensor<1x1152x1x1xf32>, tensor<1x1152x1x1xf32>
}

// -----

// A squeeze-excite scale in front of a projection is applied once per image
// to the smaller of the weights and the input: early, the weights (24 x 96
// beside 96 x 56 x 56), at root; late, the input (1152 x 7 x 7 beside
// 320 x 1152 weights), at root (320 channels are 7 tiles of 48, fused with
// the rows into the parallel loop). Weights are scaled inside each channel
// tile when channel tiles are outermost and a loop of their own (480 x 1152
// weights outgrow L2, in 10 tiles), whichever is smaller: the tasks scale
// their own slices in parallel.
// CHECK-LABEL: func @se_early
// AVX512: compute = {acc = c, weights = root}>
func.func @se_early(%x: tensor<1x96x56x56xf32>, %s: tensor<1x96x1x1xf32>) -> tensor<1x24x56x56xf32> {
  %0 = effnet.group "project"(%x, %s) : (tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>) -> tensor<1x24x56x56xf32> {
  ^bb0(%in: tensor<1x96x56x56xf32>, %scale: tensor<1x96x1x1xf32>):
    %w = effnet.weight "project.weight" : tensor<24x96x1x1xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x96x56x56xf32>, tensor<24x96x1x1xf32>) -> tensor<1x24x56x56xf32>
    effnet.yield %c : tensor<1x24x56x56xf32>
  }
  return %0 : tensor<1x24x56x56xf32>
}
// CHECK-LABEL: func @se_late
// AVX512: order = [c, y, x], parallel = [c, y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x, input = root}>
func.func @se_late(%x: tensor<1x1152x7x7xf32>, %s: tensor<1x1152x1x1xf32>) -> tensor<1x320x7x7xf32> {
  %0 = effnet.group "project"(%x, %s) : (tensor<1x1152x7x7xf32>, tensor<1x1152x1x1xf32>) -> tensor<1x320x7x7xf32> {
  ^bb0(%in: tensor<1x1152x7x7xf32>, %scale: tensor<1x1152x1x1xf32>):
    %w = effnet.weight "project.weight" : tensor<320x1152x1x1xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x1152x7x7xf32>, tensor<1x1152x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x1152x7x7xf32>, tensor<320x1152x1x1xf32>) -> tensor<1x320x7x7xf32>
    effnet.yield %c : tensor<1x320x7x7xf32>
  }
  return %0 : tensor<1x320x7x7xf32>
}
// A scaled input of 128K values or more (V2-S's 1536 x 12 x 12) is scaled
// in a pass whose rows run in parallel; below that (1152 x 7 x 7 above) the
// pass stays on one thread.
// CHECK-LABEL: func @se_late_large
// AVX512: compute = {acc = x, weights = c}>
func.func @se_late_large(%x: tensor<1x1536x12x12xf32>, %s: tensor<1x1536x1x1xf32>) -> tensor<1x256x12x12xf32> {
  %0 = effnet.group "project"(%x, %s) : (tensor<1x1536x12x12xf32>, tensor<1x1536x1x1xf32>) -> tensor<1x256x12x12xf32> {
  ^bb0(%in: tensor<1x1536x12x12xf32>, %scale: tensor<1x1536x1x1xf32>):
    %w = effnet.weight "project.weight" : tensor<256x1536x1x1xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x1536x12x12xf32>, tensor<1x1536x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x1536x12x12xf32>, tensor<256x1536x1x1xf32>) -> tensor<1x256x12x12xf32>
    effnet.yield %c : tensor<1x256x12x12xf32>
  }
  return %0 : tensor<1x256x12x12xf32>
}
// Few channel tiles share the parallel loop with rows: the smaller operand,
// here the input, is scaled at root, in a pass whose rows run in parallel
// when it has 128K values or more (1152 x 7 x 7 in @se_late stays on one
// thread).
// CHECK-LABEL: func @se_late_few_tiles
// AVX512: order = [c, y, x], parallel = [c, y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x, input = root parallel}>
func.func @se_late_few_tiles(%x: tensor<1x1536x12x12xf32>, %s: tensor<1x1536x1x1xf32>) -> tensor<1x160x12x12xf32> {
  %0 = effnet.group "project"(%x, %s) : (tensor<1x1536x12x12xf32>, tensor<1x1536x1x1xf32>) -> tensor<1x160x12x12xf32> {
  ^bb0(%in: tensor<1x1536x12x12xf32>, %scale: tensor<1x1536x1x1xf32>):
    %w = effnet.weight "project.weight" : tensor<160x1536x1x1xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x1536x12x12xf32>, tensor<1x1536x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x1536x12x12xf32>, tensor<160x1536x1x1xf32>) -> tensor<1x160x12x12xf32>
    effnet.yield %c : tensor<1x160x12x12xf32>
  }
  return %0 : tensor<1x160x12x12xf32>
}

// CHECK-LABEL: func @se_wide
// AVX512: #effnet.schedule<tile = [48, 8, 1], vector = 16, order = [c, y, x], parallel = [c], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x, weights = c}>
func.func @se_wide(%x: tensor<1x1152x22x22xf32>, %s: tensor<1x1152x1x1xf32>) -> tensor<1x480x22x22xf32> {
  %0 = effnet.group "project"(%x, %s) : (tensor<1x1152x22x22xf32>, tensor<1x1152x1x1xf32>) -> tensor<1x480x22x22xf32> {
  ^bb0(%in: tensor<1x1152x22x22xf32>, %scale: tensor<1x1152x1x1xf32>):
    %w = effnet.weight "project.weight" : tensor<480x1152x1x1xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x1152x22x22xf32>, tensor<1x1152x1x1xf32>
    %c = effnet.conv2d %m, %w : (tensor<1x1152x22x22xf32>, tensor<480x1152x1x1xf32>) -> tensor<1x480x22x22xf32>
    effnet.yield %c : tensor<1x480x22x22xf32>
  }
  return %0 : tensor<1x480x22x22xf32>
}

// -----

// A broadcast (the excitation scaling the features, when not fused into the
// projection): the per-channel value once per call, then the multiply over
// the large input, rows in parallel.
// CHECK-LABEL: func @broadcast
// AVX512: #effnet.schedule<tile = [16, 1, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [], tail = shift, compute = {acc = root, excite = root}>
func.func @broadcast(%r: tensor<1x4x1x1xf32>, %x: tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  %0 = effnet.group "excite"(%r, %x) : (tensor<1x4x1x1xf32>, tensor<1x96x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x4x1x1xf32>, %big: tensor<1x96x56x56xf32>):
    %w = effnet.weight "excite.weight" : tensor<96x4x1x1xf32>
    %c = effnet.conv2d %in, %w : (tensor<1x4x1x1xf32>, tensor<96x4x1x1xf32>) -> tensor<1x96x1x1xf32>
    %s = effnet.activation sigmoid %c : tensor<1x96x1x1xf32>
    %m = effnet.channel_mul %big, %s : tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>
    effnet.yield %m : tensor<1x96x56x56xf32>
  }
  return %0 : tensor<1x96x56x56xf32>
}

// -----

// Elementwise groups stream over rows in parallel.
// CHECK-LABEL: func @elementwise
// AVX512: #effnet.schedule<tile = [16, 1, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [], tail = shift, compute = {}>
func.func @elementwise(%x: tensor<1x40x28x28xf32>) -> tensor<1x40x28x28xf32> {
  %0 = effnet.group "act"(%x) : (tensor<1x40x28x28xf32>) -> tensor<1x40x28x28xf32> {
  ^bb0(%in: tensor<1x40x28x28xf32>):
    %a = effnet.activation relu %in : tensor<1x40x28x28xf32>
    effnet.yield %a : tensor<1x40x28x28xf32>
  }
  return %0 : tensor<1x40x28x28xf32>
}

// -----

// A dense 3x3 convolution with zero padding (Fused-MBConv's, here at stride
// 2: at stride 1 it takes Winograd's, below) reads its padded input from
// rows staged per row of output, so the reduction's inner
// loop has no bounds checks: at the loop over rows, or at the fused
// parallel loop (named c) when rows are fused into it. A depthwise
// convolution (above) reads the input directly. 48 channels: one tile of
// three vectors by 8 pixels.
// CHECK-LABEL: func @fused_conv
// AVX512: #effnet.schedule<tile = [48, 8, 1], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x], tail = shift, compute = {acc = c, input = y}>
// CHECK-LABEL: func @fused_conv_few_rows
// AVX512: #effnet.schedule<tile = [32, 10, 1], vector = 16, order = [y, c, x], parallel = [y, c], grain = 1, unroll = [c, x], tail = shift, compute = {acc = x, input = c}>
func.func @fused_conv(%x: tensor<1x24x96x96xf32>) -> tensor<1x48x48x48xf32> {
  %0 = effnet.group "fused"(%x) : (tensor<1x24x96x96xf32>) -> tensor<1x48x48x48xf32> {
  ^bb0(%in: tensor<1x24x96x96xf32>):
    %w = effnet.weight "fused.weight" : tensor<48x24x3x3xf32>
    %c = effnet.conv2d %in, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x96x96xf32>, tensor<48x24x3x3xf32>) -> tensor<1x48x48x48xf32>
    effnet.yield %c : tensor<1x48x48x48xf32>
  }
  return %0 : tensor<1x48x48x48xf32>
}
func.func @fused_conv_few_rows(%x: tensor<1x64x20x20xf32>) -> tensor<1x64x10x10xf32> {
  %0 = effnet.group "fused"(%x) : (tensor<1x64x20x20xf32>) -> tensor<1x64x10x10xf32> {
  ^bb0(%in: tensor<1x64x20x20xf32>):
    %w = effnet.weight "fused.weight" : tensor<64x64x3x3xf32>
    %c = effnet.conv2d %in, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x64x20x20xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x10x10xf32>
    effnet.yield %c : tensor<1x64x10x10xf32>
  }
  return %0 : tensor<1x64x10x10xf32>
}

// -----

// A 1x1 expansion fused in front of a depthwise convolution. When the
// expanded tensor would not stay in cache (96 x 56 x 56 floats), it is
// computed a row at a time inside each channel tile and kept only for the
// rows the 3x3 window still needs (computed at y, stored at c); the channel
// tiles run in parallel. A small one (96 x 8 x 8) is computed whole, at
// root, a pass of its own with its rows in parallel, and the depthwise
// convolution's 8 rows x 6 channel tiles are shared out in tasks of 6.
// CHECK-LABEL: func @expand_dw_large
// AVX512: #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [c, y, x], parallel = [c], grain = 1, unroll = [c, x, kx], tail = shift, compute = {expand = y store c, acc = x}>
// CHECK-LABEL: func @expand_dw_small
// AVX512: #effnet.schedule<tile = [16, 8, 1], vector = 16, order = [y, c, x], parallel = [y, c], grain = 6, unroll = [c, x, kx], tail = shift, compute = {acc = x, expand = root parallel}>
func.func @expand_dw_large(%x: tensor<1x16x56x56xf32>) -> tensor<1x96x56x56xf32> {
  %0 = effnet.group "expand"(%x) : (tensor<1x16x56x56xf32>) -> tensor<1x96x56x56xf32> {
  ^bb0(%in: tensor<1x16x56x56xf32>):
    %we = effnet.weight "expand.weight" : tensor<96x16x1x1xf32>
    %e = effnet.conv2d %in, %we : (tensor<1x16x56x56xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x56x56xf32>
    %a = effnet.activation silu %e : tensor<1x96x56x56xf32>
    %wd = effnet.weight "dw.weight" : tensor<96x1x3x3xf32>
    %d = effnet.conv2d %a, %wd {groups = 96 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x96x56x56xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x56x56xf32>
    effnet.yield %d : tensor<1x96x56x56xf32>
  }
  return %0 : tensor<1x96x56x56xf32>
}
func.func @expand_dw_small(%x: tensor<1x16x8x8xf32>) -> tensor<1x96x8x8xf32> {
  %0 = effnet.group "expand"(%x) : (tensor<1x16x8x8xf32>) -> tensor<1x96x8x8xf32> {
  ^bb0(%in: tensor<1x16x8x8xf32>):
    %we = effnet.weight "expand.weight" : tensor<96x16x1x1xf32>
    %e = effnet.conv2d %in, %we : (tensor<1x16x8x8xf32>, tensor<96x16x1x1xf32>) -> tensor<1x96x8x8xf32>
    %a = effnet.activation silu %e : tensor<1x96x8x8xf32>
    %wd = effnet.weight "dw.weight" : tensor<96x1x3x3xf32>
    %d = effnet.conv2d %a, %wd {groups = 96 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x96x8x8xf32>, tensor<96x1x3x3xf32>) -> tensor<1x96x8x8xf32>
    effnet.yield %d : tensor<1x96x8x8xf32>
  }
  return %0 : tensor<1x96x8x8xf32>
}

// -----

// Winograd's F(2x2, 3x3) for a dense 3x3, stride 1 convolution (V2's
// Fused-MBConv): two vectors of channels by 12 pixels (6 output tiles) by a
// pair of rows, the transformed input computed per pixel tile, the products
// accumulated per channel tile, pairs of rows in parallel.
// CHECK-LABEL: func @winograd
// AVX512: #effnet.schedule<tile = [32, 12, 2], vector = 16, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd>
// AVX2: #effnet.schedule<tile = [16, 12, 2], vector = 8, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd>
// NEON: #effnet.schedule<tile = [8, 12, 2], vector = 4, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd>
// SSE: #effnet.schedule<tile = [8, 12, 2], vector = 4, order = [y, x, c], parallel = [y], grain = 1, unroll = [c, x, y], tail = shift, compute = {acc = c, input = x}, algorithm = winograd>
func.func @winograd(%x: tensor<1x48x24x24xf32>) -> tensor<1x192x24x24xf32> {
  %0 = effnet.group "expand"(%x) : (tensor<1x48x24x24xf32>) -> tensor<1x192x24x24xf32> {
  ^bb0(%in: tensor<1x48x24x24xf32>):
    %w = effnet.weight "w" : tensor<192x48x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x24x24xf32>, tensor<192x48x3x3xf32>) -> tensor<1x192x24x24xf32>
    %a = effnet.activation silu %c : tensor<1x192x24x24xf32>
    effnet.yield %a : tensor<1x192x24x24xf32>
  }
  return %0 : tensor<1x192x24x24xf32>
}

// -----

// The pixel tile is the largest even one up to 12 that divides the rows (10
// of 20); one vector of channels when there are fewer than two.
// CHECK-LABEL: func @winograd_narrow
// AVX512: #effnet.schedule<tile = [16, 10, 2], vector = 16, {{.*}}, algorithm = winograd>
// AVX2: #effnet.schedule<tile = [16, 10, 2], vector = 8, {{.*}}, algorithm = winograd>
func.func @winograd_narrow(%x: tensor<1x24x20x20xf32>) -> tensor<1x24x20x20xf32> {
  %0 = effnet.group "project"(%x) : (tensor<1x24x20x20xf32>) -> tensor<1x24x20x20xf32> {
  ^bb0(%in: tensor<1x24x20x20xf32>):
    %w = effnet.weight "w" : tensor<24x24x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x24x20x20xf32>, tensor<24x24x3x3xf32>) -> tensor<1x24x20x20xf32>
    effnet.yield %c : tensor<1x24x20x20xf32>
  }
  return %0 : tensor<1x24x20x20xf32>
}

// -----

// Direct where Winograd does not apply or pay: stride 2; rows no even tile
// of 4 to 12 divides (14 = 2 x 7); an odd number of rows; fewer than 16
// input channels; a squeeze-excite scale in front.
// CHECK-LABEL: func @direct_cases
// CHECK-NOT: winograd
// CHECK: return
func.func @direct_cases(%x: tensor<1x48x24x24xf32>, %y: tensor<1x48x14x14xf32>, %z: tensor<1x48x12x13xf32>, %v: tensor<1x8x24x24xf32>, %s: tensor<1x48x1x1xf32>) -> (tensor<1x96x12x12xf32>, tensor<1x96x14x14xf32>, tensor<1x96x12x13xf32>, tensor<1x96x24x24xf32>, tensor<1x96x24x24xf32>) {
  %0 = effnet.group "stride2"(%x) : (tensor<1x48x24x24xf32>) -> tensor<1x96x12x12xf32> {
  ^bb0(%in: tensor<1x48x24x24xf32>):
    %w = effnet.weight "w0" : tensor<96x48x3x3xf32>
    %c = effnet.conv2d %in, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x24x24xf32>, tensor<96x48x3x3xf32>) -> tensor<1x96x12x12xf32>
    effnet.yield %c : tensor<1x96x12x12xf32>
  }
  %1 = effnet.group "width14"(%y) : (tensor<1x48x14x14xf32>) -> tensor<1x96x14x14xf32> {
  ^bb0(%in: tensor<1x48x14x14xf32>):
    %w = effnet.weight "w1" : tensor<96x48x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x14x14xf32>, tensor<96x48x3x3xf32>) -> tensor<1x96x14x14xf32>
    effnet.yield %c : tensor<1x96x14x14xf32>
  }
  %2 = effnet.group "oddrows"(%z) : (tensor<1x48x12x13xf32>) -> tensor<1x96x12x13xf32> {
  ^bb0(%in: tensor<1x48x12x13xf32>):
    %w = effnet.weight "w2" : tensor<96x48x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x12x13xf32>, tensor<96x48x3x3xf32>) -> tensor<1x96x12x13xf32>
    effnet.yield %c : tensor<1x96x12x13xf32>
  }
  %3 = effnet.group "few"(%v) : (tensor<1x8x24x24xf32>) -> tensor<1x96x24x24xf32> {
  ^bb0(%in: tensor<1x8x24x24xf32>):
    %w = effnet.weight "w3" : tensor<96x8x3x3xf32>
    %c = effnet.conv2d %in, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x24x24xf32>, tensor<96x8x3x3xf32>) -> tensor<1x96x24x24xf32>
    effnet.yield %c : tensor<1x96x24x24xf32>
  }
  %4 = effnet.group "scaled"(%x, %s) : (tensor<1x48x24x24xf32>, tensor<1x48x1x1xf32>) -> tensor<1x96x24x24xf32> {
  ^bb0(%in: tensor<1x48x24x24xf32>, %scale: tensor<1x48x1x1xf32>):
    %w = effnet.weight "w4" : tensor<96x48x3x3xf32>
    %m = effnet.channel_mul %in, %scale : tensor<1x48x24x24xf32>, tensor<1x48x1x1xf32>
    %c = effnet.conv2d %m, %w {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x48x24x24xf32>, tensor<96x48x3x3xf32>) -> tensor<1x96x24x24xf32>
    effnet.yield %c : tensor<1x96x24x24xf32>
  }
  return %0, %1, %2, %3, %4 : tensor<1x96x12x12xf32>, tensor<1x96x14x14xf32>, tensor<1x96x12x13xf32>, tensor<1x96x24x24xf32>, tensor<1x96x24x24xf32>
}
