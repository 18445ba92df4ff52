//===- Tile.cpp - a #effnet.schedule for every effnet.group ---------------===//
//
// The per-target default schedules live here, and nowhere else: code
// generation applies what this pass (or a schedule file, or a person) wrote.
// The defaults follow what hand-scheduled Halide convolutions do (apps/
// conv_layer, hannk's conv and depthwise generators): channels innermost and
// vectorized, a register tile of output channels by pixels accumulated over
// the whole reduction, rows spread over the threads.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <optional>

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_TILE
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

/// Below this many multiply-adds (or additions, for pooling) a kernel runs
/// on one thread: waking the pool costs more than the work (a few
/// microseconds against about 2 for 256K multiply-adds on one AVX-512 core).
constexpr int64_t kParallelMacs = 256 * 1024;
/// Winograd pays once the transforms are shared by this many input
/// channels (see winogradSchedule).
constexpr int64_t kWinogradMinInChannels = 16;
/// Below this many values a pass computed at root (a scaled input) runs on
/// one thread (measured: see convSchedule).
constexpr int64_t kParallelPassElements = 128 * 1024;

/// The largest power of two that is at most `limit` and at most `cap`.
int64_t powerOfTwoAtMost(int64_t limit, int64_t cap) {
  int64_t p = 1;
  while (p * 2 <= limit && p * 2 <= cap)
    p *= 2;
  return p;
}

/// The pixel tile in [4, largest] that wastes least of a row of `width`
/// (tail = shift recomputes the overlap of the last tile), larger first.
int64_t pixelTileFor(int64_t width, int64_t largest) {
  if (width <= largest)
    return width;
  int64_t best = largest, bestWaste = width;
  for (int64_t tile = largest; tile >= std::min<int64_t>(4, largest); --tile) {
    int64_t waste = (width + tile - 1) / tile * tile - width;
    if (waste < bestWaste) {
      best = tile;
      bestWaste = waste;
    }
  }
  return best;
}

struct Builder {
  MLIRContext *context;
  SmallVector<int64_t, 3> tile{1, 1, 1};
  int64_t vector = 1;
  SmallVector<Loop, 3> order{Loop::y, Loop::x, Loop::c};
  SmallVector<Loop, 3> parallel;
  SmallVector<Loop, 4> unroll;
  SmallVector<Placement, 4> compute;
  int64_t grain = 1;
  Algorithm algorithm = Algorithm::direct;
  SmallVector<int64_t, 3> threads;
  SmallVector<Producer, 1> shared;
  int64_t reduceThreads = 1;

  ScheduleAttr get() const {
    return ScheduleAttr::get(context, tile, vector, order, parallel, grain,
                             unroll, Tail::shift, compute,
                             /*specialize=*/{}, threads, shared, algorithm,
                             Reduction::tile,
                             /*expandTile=*/{}, /*innerTail=*/Tail::guard,
                             reduceThreads, /*winogradRows=*/std::nullopt,
                             Positions::unrolled);
  }
};

/// How many output tiles a loop of `extent` splits into.
int64_t tilesOf(int64_t extent, int64_t tile) {
  return (extent + tile - 1) / tile;
}

/// A convolution's register tile: `vectors` vectors of output channels by
/// `pixels` pixels of a row, their accumulators in registers.
struct RegisterTile {
  int64_t vectors = 1;
  int64_t pixels = 1;
};

/// The register tile that costs least per pixel and input channel. In the
/// inner loop a tile loads its `vectors` weight vectors and broadcasts an
/// input value per pixel, then does vectors x pixels FMAs; with tail = shift
/// the channel tiles cover the channels with some overlap. The cost counts
/// FMA vectors (overlap included) and half a unit per load: a load is cheap
/// beside an FMA until loads outnumber FMAs. Measured on the 2-core EPYC, 1
/// thread: B3's 1392 channels run 15% faster in 44 two-vector tiles than in
/// 87 one-vector ones (28.0 against 32.8 ms for the model); V2-S's 48
/// channels 29% faster in one three-vector tile by 8 pixels than in three
/// one-vector tiles by 12 (its 1x1 projections at 96 x 96: 4.3 -> 3.1 ms);
/// V2-S's 64 channels no faster in four-vector tiles by 6 pixels than in two
/// two-vector tiles by 12, so tiles stop at three vectors. A depthwise
/// convolution has no channel reduction to share loads over: one vector.
RegisterTile registerTile(const GroupStructure &g, const ScheduleTarget &t,
                          int64_t lanes) {
  RegisterTile best;
  double bestCost = 0;
  int64_t most = g.depthwise ? 1 : 3;
  for (int64_t vectors = 1; vectors <= most; ++vectors) {
    // A tile that does not fit the channels cannot shift inwards.
    if (vectors > 1 && vectors * lanes > g.channels)
      break;
    // The accumulators, plus one register per weight vector, one for the
    // broadcast and one spare. Up to 12 pixels: 24 of AVX-512's and NEON's
    // 32 registers for two vectors, 27 for three by 9; (16 - 4) / 2 = 6
    // pixels of AVX2's 16 for two vectors, the tile oneDNN's AVX2 kernels
    // use. Each weight vector loaded feeds an FMA per pixel: B3's 10 x 10
    // and 19 x 19 stages ran their 1x1 convolutions at about half the FMA
    // peak in tiles of 5 pixels, which 12 allows to be 10. A tile narrower
    // than 4 pixels reloads its weights too often.
    int64_t room = (t.vectorRegisters - vectors - 2) / vectors;
    if (vectors > 1 && room < 4)
      break;
    int64_t pixels = pixelTileFor(g.width, std::clamp<int64_t>(room, 1, 12));
    int64_t tiles = tilesOf(g.channels, vectors * lanes);
    double fmas = static_cast<double>(tiles * vectors);
    double loads = static_cast<double>(tiles) * (vectors + pixels) / pixels;
    double cost = fmas + loads / 2;
    if (vectors == 1 || cost < bestCost) {
      best = {vectors, pixels};
      bestCost = cost;
    }
  }
  return best;
}

/// Instructions an inner loop spends on itself: the input and weight
/// pointers advanced, the count, the branch (the AArch64 1x1 convolution
/// of test/codegen/arm-inner-loop.test: 40 instructions, 35 of them FMAs
/// and loads).
constexpr int64_t kLoopOverhead = 5;

/// The register tile of a target whose core is modelled (fmaPipes != 0:
/// AArch64), chosen by the cycles its inner loop takes rather than by the
/// x86 measurements above. One step of the loop (an input channel of a
/// dense convolution; a row of the window of a depthwise one, whose columns
/// are unrolled) does `fmas` FMAs and `loads` loads; it takes the most of
/// fmas / FMA pipes, loads / load pipes, instructions / decode width, and
/// the latency of the FMAs that each accumulator chains in a step (one for
/// a dense convolution, the window's width for a depthwise one). A dense
/// tile of V vectors by P pixels keeps V x P accumulators, V weight vectors
/// and two input values (one loading while one feeds FMAs); NEON's FMA by
/// element takes an input value from any lane, so an input needs no
/// broadcast. A depthwise tile of P pixels keeps P accumulators, the
/// window's row of weights and the row of inputs its pixels read ((P - 1) x
/// stride + the window's width, each read by up to that many pixels: the
/// compiler keeps them all; B0's 3x3 at 32 pixels in tiles of 16 spilled 7
/// registers a step, 125 instructions for 48 FMAs). One register stays
/// spare, as in the x86 rule, for the compiler's temporaries. Of the tiles
/// that fit the registers, the one whose row of pixels and channels costs
/// the fewest cycles wins (the channel tiles shifted inwards and the pixel
/// tiles' overlap count as work), then the one that loads least, then the
/// smaller. On a Cortex-A76 every tile of 16 or more accumulators that
/// covers the channels and the row exactly is bound by the FMA pipes, so
/// the choice turns on what a tile wastes and loads: 40 channels at 28
/// pixels take 5 vectors by 4 pixels (20 accumulators, 9 loads per 20
/// FMAs) where the x86 rule, at most 3 vectors, gives 2 by 7 (9 loads per
/// 14 FMAs).
RegisterTile modelledRegisterTile(const GroupStructure &g,
                                  const ScheduleTarget &t, int64_t lanes) {
  RegisterTile best;
  double bestCycles = 0, bestLoads = 0;
  bool found = false;
  int64_t stride = std::max<int64_t>(1, g.inWidth / std::max<int64_t>(1, g.width));
  int64_t mostVectors = g.depthwise ? 1 : t.vectorRegisters;
  for (int64_t vectors = 1; vectors <= mostVectors; ++vectors) {
    // A tile that does not fit the channels cannot shift inwards.
    if (vectors > 1 && vectors * lanes > g.channels)
      break;
    int64_t channelTiles = tilesOf(g.channels, vectors * lanes);
    for (int64_t pixels = 1; pixels <= g.width; ++pixels) {
      int64_t registers, fmas, loads, chain;
      if (g.depthwise) {
        registers = pixels + (pixels - 1) * stride + 2 * g.kernelW + 1;
        fmas = pixels * g.kernelW;
        loads = (pixels - 1) * stride + 2 * g.kernelW;
        chain = g.kernelW;
      } else {
        registers = vectors * pixels + vectors + 3;
        fmas = vectors * pixels;
        loads = vectors + pixels;
        chain = 1;
      }
      if (registers > t.vectorRegisters)
        break;
      double cycles = std::max(
          {static_cast<double>(fmas) / t.fmaPipes,
           static_cast<double>(loads) / t.loadPipes,
           static_cast<double>(fmas + loads + kLoopOverhead) / t.decodeWidth,
           static_cast<double>(chain * t.fmaLatency)});
      double steps =
          static_cast<double>(channelTiles * tilesOf(g.width, pixels));
      double rowCycles = steps * cycles, rowLoads = steps * loads;
      constexpr double kSame = 1e-9;
      bool better = !found || rowCycles < bestCycles - kSame ||
                    (rowCycles <= bestCycles + kSame &&
                     rowLoads < bestLoads - kSame);
      if (better) {
        best = {vectors, pixels};
        bestCycles = rowCycles;
        bestLoads = rowLoads;
        found = true;
      }
    }
  }
  return best;
}

/// Winograd's F(2x2, 3x3) for a dense 3x3, stride 1 convolution
/// (EfficientNetV2's Fused-MBConv), when a tile of 4 to 12 pixels (2 to 6
/// output tiles) divides the rows and the rows come in pairs; else nothing.
/// It takes 16 multiply-adds per input channel and 2x2 outputs where the
/// window takes 36, for additions that transform the input once per tile
/// (shared by every output channel) and the result once per output: V2-S's
/// 48 -> 192 channels at 96 x 96 ran in 0.65x the time of the direct
/// convolution, 64 -> 256 at 48 x 48 in 0.60x (2-core EPYC, 1 thread, both
/// in Halide). The register tile is two vectors of channels by 6 output
/// tiles (12 pixels) and the tile row's pair of rows: 12 accumulators, which
/// AVX2's 16 registers hold too; wider (12 tiles: 0.80x) or with three
/// vectors (4 tiles: 0.70x) ran slower. The transformed input of a tile of
/// pixels (16 x input channels x 6 tiles: 18 KB for 48 channels) is computed
/// once inside the pixel tile loop for every channel tile; the products
/// accumulate inside the channel tile loop; pairs of rows run in parallel.
std::optional<ScheduleAttr> winogradSchedule(GroupOp group, const GroupStructure &g,
                                             const ScheduleTarget &t) {
  if (!g.fitsWinograd || g.inChannels < kWinogradMinInChannels ||
      g.height % 2 != 0)
    return std::nullopt;
  int64_t pixels = 0;
  for (int64_t tile = 12; tile >= 4 && pixels == 0; tile -= 2)
    if (g.width % tile == 0)
      pixels = tile;
  if (pixels == 0)
    return std::nullopt;
  Builder b{group.getContext()};
  b.vector = powerOfTwoAtMost(g.channels, t.vectorLanes);
  int64_t vectors = g.channels >= 2 * b.vector ? 2 : 1;
  b.tile = {vectors * b.vector, pixels, 2};
  b.order = {Loop::y, Loop::x, Loop::c};
  b.parallel = {Loop::y};
  b.unroll = {Loop::c, Loop::x, Loop::y};
  b.compute = {{Producer::acc, LoopLevel::c, LoopLevel::c},
               {Producer::input, LoopLevel::x, LoopLevel::x}};
  b.algorithm = Algorithm::winograd;
  return b.get();
}

ScheduleAttr convSchedule(const GroupStructure &g, const ScheduleTarget &t,
                          MLIRContext *context) {
  Builder b{context};
  int64_t lanes = t.vectorLanes;
  b.vector = powerOfTwoAtMost(g.channels, lanes);
  RegisterTile tile = t.fmaPipes ? modelledRegisterTile(g, t, b.vector)
                                 : registerTile(g, t, b.vector);
  b.tile[0] = b.vector * tile.vectors;
  b.tile[1] = tile.pixels;
  b.unroll = {Loop::c, Loop::x};
  // A depthwise window is short and fixed: unrolling its columns lets the
  // shifted input reads of neighbouring pixels share registers.
  if (g.depthwise)
    b.unroll.push_back(Loop::kx);

  // Weights that do not fit in L2 are streamed from memory once per row
  // when rows are outermost; with channel tiles outermost, each tile's
  // weights stay in cache while every row reads them (3/4 of L2: the rest
  // holds the rows read).
  int64_t weightBytes = g.weightElements * 4;
  bool channelsOutermost =
      !g.depthwise && weightBytes > t.l2Bytes * 3 / 4 && g.height > 1;
  int64_t channelTiles = tilesOf(g.channels, b.tile[0]);
  // A fused expansion whose result would not stay in cache is computed a
  // row at a time inside each channel tile and kept only for the rows the
  // window still needs (store at c, compute at y: a sliding window), so the
  // expanded tensor is never written whole; the channel tiles are the
  // parallel loop, rows run in order inside them. A smaller expanded tensor
  // is computed whole (at root), its rows in parallel, and read from cache.
  bool slide = g.expansion &&
               g.inChannels * g.inWidth * g.inHeight * 4 > t.l2Bytes / 2 &&
               channelTiles >= 2;
  if (slide) {
    b.order = {Loop::c, Loop::y, Loop::x};
    b.parallel = {Loop::c};
    b.compute.push_back({Producer::expand, LoopLevel::y, LoopLevel::c});
  } else if (channelsOutermost) {
    b.order = {Loop::c, Loop::y, Loop::x};
    b.parallel = {Loop::c};
    // Few channel tiles (112 channels in 7 tiles of 16) leave a thread idle
    // at the end: channel tiles x rows as tasks, a tile's rows one after
    // the other so its weights stay in cache.
    if (channelTiles < 8)
      b.parallel = {Loop::c, Loop::y};
  } else if (g.height == 1) {
    // A 1x1 image (dense layers, squeeze-excite): only channel tiles to
    // share out, and only when there is work enough to pay for waking the
    // threads: squeeze-excite's 48 x 1152 (55K multiply-adds) ran at 0.74
    // threads, 0.12 ms, in parallel; a classifier's 1280 x 1000 pays.
    b.order = {Loop::c, Loop::y, Loop::x};
    if (channelTiles >= 4 && g.macs >= kParallelMacs)
      b.parallel = {Loop::c};
  } else if (g.height < 16 && channelTiles >= 2) {
    // Few rows (7 and 14 in B0's late stages) leave a thread idle at the
    // end of a parallel loop over rows: rows x channel tiles as tasks.
    b.order = {Loop::y, Loop::c, Loop::x};
    b.parallel = {Loop::y, Loop::c};
  } else {
    // Rows in parallel; inside a row, pixel tiles then channel tiles, so
    // the input pixels of a tile stay in L1 across the channel tiles.
    b.order = {Loop::y, Loop::x, Loop::c};
    b.parallel = {Loop::y};
  }
  // The accumulators of one tile live in registers: computed at the
  // innermost tile loop.
  b.compute.push_back({Producer::acc, loopLevelOf(b.order.back()),
                       loopLevelOf(b.order.back())});
  if (g.padded && !g.depthwise) {
    // Zero padding read in the reduction's inner loop costs a bounds check
    // and a masked move per input value (3 instructions where a broadcast
    // from memory takes 1). Staging the padded rows a row of output needs,
    // inside the loop over rows (the fused parallel loop when rows are fused
    // into it), costs a copy of those rows instead: cheap beside a dense
    // convolution's many multiply-adds per input value (V2-S's 3x3 stride-2
    // convolutions, 1 thread: 6.6 -> 4.2 ms), as dear as the convolution
    // itself for a depthwise one (B0's: 1.7 -> 4.2 ms), which reads each
    // input value for only k x k multiply-adds.
    LoopLevel at =
        llvm::is_contained(b.parallel, Loop::y) && b.parallel.size() > 1
            ? loopLevelOf(b.parallel.back())
            : LoopLevel::y;
    b.compute.push_back({Producer::input, at, at});
  }
  if (g.inputScale) {
    // The squeeze-excite scale is applied once per image, not as each input
    // value is read (that repeats a multiply per value for every channel
    // tile: measured on B0, 1 thread, 13.4 ms against 11.3 ms), to the
    // smaller of the weights and the input: early in the network the
    // weights (96 x 24 at 56x56), late the input (1152 x 7 x 7 beside
    // 1152 x 320 weights). When the channel tiles are a loop of their own,
    // each tile scales its own slice of the weights, whatever their size:
    // the slice is written and read by one thread, in its cache, where a
    // scaled input is written by every thread and read whole by each tile.
    // V2-S's 1536 x 12 x 12 projections (256 x 1536 weights against
    // 1536 x 144 inputs), 2 threads: 8.9 -> 7.0 ms for the 15 of them
    // (Halide's profiler), V2-S 58.7 -> 57.2 ms (medians of 6 alternate
    // rounds).
    bool inputStaged = g.padded && !g.depthwise;
    // Inside the channel tile loop only when it is a loop of its own (fused
    // with rows, each task would scale its slice again).
    bool perTile = b.order.front() == Loop::c && b.parallel.size() <= 1;
    if (inputStaged || perTile ||
        g.weightElements <= g.inChannels * g.inWidth * g.inHeight) {
      LoopLevel at = perTile ? LoopLevel::c : LoopLevel::root;
      b.compute.push_back({Producer::weights, at, at});
    } else {
      // A pass of its own, its rows in parallel when it is large enough to
      // pay for handing them out: V2-S's 1536 x 12 x 12 inputs went from
      // 1.61 to 1.72 and 1.75 threads busy (Halide's profiler, 2 threads)
      // and V2-S from 56.9 to 54.8 ms on 2 threads (medians of 8 alternate
      // rounds), while B0's 1152 x 7 x 7 took 6% longer. Scaled weights
      // stay serial: in parallel, B0's projections from 240 to 672 channels
      // (75K to 153K weights, a few microseconds of multiplies) took 1.3x
      // to 4x as long.
      bool parallelPass =
          !b.parallel.empty() &&
          g.inChannels * g.inWidth * g.inHeight >= kParallelPassElements;
      b.compute.push_back(
          {Producer::input, LoopLevel::root, LoopLevel::root, parallelPass});
    }
  }
  // A fused expansion computed whole is a pass of its own, its rows in
  // parallel when the group runs anything in parallel.
  if (g.expansion && !slide)
    b.compute.push_back({Producer::expand, LoopLevel::root, LoopLevel::root,
                         !b.parallel.empty()});
  // Tasks of the parallel loop big enough to pay for handing them out
  // (about 32K multiply-adds each), while leaving at least 8 tasks to
  // balance.
  if (b.parallel.size() > 1) {
    int64_t perIteration =
        b.tile[0] * g.width * (g.inChannels / g.groups) * g.kernelW * g.kernelH;
    int64_t iterations = g.height * channelTiles;
    b.grain = std::clamp<int64_t>((32 * 1024 + perIteration - 1) / perIteration,
                                  1, std::max<int64_t>(1, iterations / 8));
  }
  return b.get();
}

ScheduleAttr otherSchedule(const GroupStructure &g, const ScheduleTarget &t,
                           MLIRContext *context) {
  Builder b{context};
  b.vector = powerOfTwoAtMost(g.channels, t.vectorLanes);
  b.tile[0] = b.vector;
  if (g.broadcast) {
    // The per-channel value (a 1x1 convolution of a 1x1 image) once per
    // call, then the multiply streams over the large input, rows in
    // parallel.
    if (g.accumulates())
      b.compute.push_back({Producer::acc, LoopLevel::root, LoopLevel::root});
    b.compute.push_back({Producer::excite, LoopLevel::root, LoopLevel::root});
    if (g.height > 1)
      b.parallel = {Loop::y};
  } else if (isa_and_nonnull<GlobalAvgPoolOp>(g.anchor)) {
    // One channel vector's sum over every pixel at a time, the channel
    // vectors shared out when there are several per thread.
    b.order = {Loop::c, Loop::y, Loop::x};
    if (tilesOf(g.inChannels, b.vector) >= 4 &&
        g.inChannels * g.inWidth * g.inHeight >= kParallelMacs)
      b.parallel = {Loop::c};
    b.compute.push_back({Producer::acc, LoopLevel::c, LoopLevel::c});
  } else if (g.height > 1) {
    b.parallel = {Loop::y};
  }
  return b.get();
}

/// The threads of a GPU block along channels: a warp (32 on NVIDIA's GPUs,
/// and as many lanes as most OpenCL devices run together), so that the
/// threads of a warp read and write 32 neighbouring channels, innermost in
/// memory: whole 128-byte lines.
constexpr int64_t kGpuChannelThreads = 32;
/// Pixels of a row per block: 8 warps, 256 threads, a block size every CUDA
/// capability and OpenCL device that runs these models takes (CUDA allows
/// 1024, POCL 4096), with room for several blocks per multiprocessor. The
/// same for every CUDA capability Halide 14 compiles for (3.0 to 8.6): each
/// has 64K 32-bit registers per multiprocessor, and a thread of these
/// kernels (one accumulator and a few temporaries) stays well below the 64
/// registers that four such blocks a multiprocessor leave it.
constexpr int64_t kGpuPixelThreads = 8;

/// A GPU target's schedule: a block computes 32 channels (fewer where the
/// output has fewer) by 8 pixels of a row (fewer where the row is shorter),
/// one value a thread, its accumulator in the thread's registers, the
/// reduction loops in order around it; the producers fused into the group
/// (a scaled input, a squeeze-excite scale, a fused expansion) computed by
/// each thread for its own value, in its registers. The blocks run in
/// parallel; tiles shift inwards at the edges. A depthwise convolution's
/// padded input is staged in shared memory, with its halo, where that tile
/// takes at most half of what a block may count on (two blocks a
/// multiprocessor at least): each input value is read by up to
/// kernelW x kernelH threads of the block (9 or 25), once from global
/// memory when staged. A global pooling's threads share each channel's
/// rows. Winograd is not used (yet).
ScheduleAttr gpuSchedule(const GroupStructure &g, const ScheduleTarget &target,
                         MLIRContext *context) {
  Builder b{context};
  int64_t channels = powerOfTwoAtMost(g.channels, kGpuChannelThreads);
  int64_t pixels = powerOfTwoAtMost(g.width, kGpuPixelThreads);
  b.tile = {channels, pixels, 1};
  b.threads = {channels, pixels, 1};
  // A global pooling's output is one value per channel: a block of 32
  // channels alone would be 32 threads each summing a whole image, in
  // one block for the model's first pooling. Up to 8 threads per channel
  // share the rows (256 a block, as a convolution's), each summing every
  // 8th row.
  if (isa_and_nonnull<GlobalAvgPoolOp>(g.anchor))
    b.reduceThreads = powerOfTwoAtMost(g.inHeight, kGpuPixelThreads);
  b.vector = 1;
  b.order = {Loop::y, Loop::x, Loop::c};
  if (g.depthwise)
    b.unroll = {Loop::kx};
  if (g.accumulates())
    b.compute.push_back({Producer::acc, LoopLevel::c, LoopLevel::c});
  if (g.padded || g.inputScale)
    b.compute.push_back({Producer::input, LoopLevel::c, LoopLevel::c});
  if (g.depthwise && g.padded && !g.inputScale && !g.expansion) {
    // The tile is one row of outputs: its input is kernelH rows of the
    // pixels' windows.
    int64_t strideX = std::max<int64_t>(1, g.inWidth / g.width);
    int64_t staged =
        channels * ((pixels - 1) * strideX + g.kernelW) * g.kernelH * 4;
    if (2 * staged <= target.gpuSharedBytes)
      b.shared = {Producer::input};
  }
  if (g.broadcast)
    b.compute.push_back({Producer::excite, LoopLevel::c, LoopLevel::c});
  if (g.expansion)
    b.compute.push_back({Producer::expand, LoopLevel::c, LoopLevel::c});
  return b.get();
}

ScheduleAttr defaultSchedule(GroupOp group, const ScheduleTarget &target) {
  GroupStructure structure = analyzeGroup(group);
  if (target.gpu)
    return gpuSchedule(structure, target, group.getContext());
  if (std::optional<ScheduleAttr> winograd =
          winogradSchedule(group, structure, target))
    return *winograd;
  // A broadcast's output is the large input it scales; its anchor is tiny.
  if (structure.convolves() && !structure.broadcast)
    return convSchedule(structure, target, group.getContext());
  return otherSchedule(structure, target, group.getContext());
}

class TilePass : public effnet::impl::TileBase<TilePass> {
public:
  using TileBase::TileBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(TileBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&target, &schedules, &dump, &overwrite},
                                 errorHandler);
  }

  void runOnOperation() override;
};

} // namespace

void TilePass::runOnOperation() {
  ModuleOp module = getOperation();
  // Errors about the options' files and target are reported at the
  // module's location without the module: Operation::emitError would
  // attach the whole module (about 100 KB for B0) as a note.
  auto fail = [&](const llvm::Twine &message) {
    mlir::emitError(module.getLoc()) << message;
    signalPassFailure();
  };
  llvm::Expected<ScheduleTarget> described = describeScheduleTarget(target);
  if (!described)
    return fail(llvm::toString(described.takeError()));
  std::string targetClass = described->className();

  llvm::StringMap<const ScheduleEntry *> fromFile;
  std::vector<ScheduleEntry> entries;
  size_t foreign = 0;
  if (schedules.hasValue()) {
    auto read = readScheduleFile(schedules, &getContext());
    if (!read)
      return fail(llvm::toString(read.takeError()));
    entries = std::move(*read);
    for (const ScheduleEntry &entry : entries) {
      if (entry.targetClass != targetClass) {
        ++foreign;
        continue;
      }
      // A later line for the same kernel wins, as in a file appended to.
      fromFile[entry.key] = &entry;
    }
  }

  // Schedules that groups carry were made for the class the module
  // records: vectors, register tiles and features of another target. Kept
  // for this one, they would compile silently into the wrong code.
  auto recorded =
      module->getAttrOfType<StringAttr>(kScheduleTargetAttrName);
  bool carried = false;
  module.walk([&](GroupOp group) {
    carried |= static_cast<bool>(group.getScheduleAttr());
  });
  if (carried && !overwrite && recorded &&
      recorded.getValue() != targetClass)
    return fail("the groups' schedules were made for " +
                recorded.getValue().str() + " and the target '" +
                std::string(target) + "' is " + targetClass +
                ": choose them again for it (effnet-tile overwrite=true, "
                "effnetc --retile) or compile for " +
                recorded.getValue().str());

  size_t missing = 0, kept = 0;
  std::map<std::string, ScheduleAttr> chosen;
  WalkResult result = module.walk([&](GroupOp group) -> WalkResult {
    std::string key = group.getKernelKey();
    if (group.getScheduleAttr() && !overwrite) {
      kept += fromFile.count(key);
      chosen.emplace(key, group.getScheduleAttr());
      return WalkResult::advance();
    }
    ScheduleAttr schedule;
    if (const ScheduleEntry *entry = fromFile.lookup(key)) {
      // One message that says where the schedule came from.
      std::string why;
      LogicalResult fits = success();
      {
        ScopedDiagnosticHandler capture(&getContext(), [&](Diagnostic &d) {
          if (why.empty())
            why = d.str();
          return success();
        });
        fits = group.verifySchedule(entry->schedule);
      }
      if (failed(fits)) {
        // At the group, without the group (its weights) as a note.
        mlir::emitError(group.getLoc()) << "the schedule at " << entry->where
                                        << " does not fit this group: " << why;
        return WalkResult::interrupt();
      }
      schedule = entry->schedule;
      group->setAttr(kScheduleOriginAttrName,
                     StringAttr::get(&getContext(), entry->where));
      ++numFromFile;
    } else {
      schedule = defaultSchedule(group, *described);
      group->removeAttr(kScheduleOriginAttrName);
      if (failed(group.verifySchedule(schedule)))
        return WalkResult::interrupt();
      ++numDefault;
      missing += schedules.hasValue();
    }
    group.setScheduleAttr(schedule);
    chosen.emplace(key, schedule);
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return signalPassFailure();
  module->setAttr(kScheduleTargetAttrName,
                  StringAttr::get(&getContext(), targetClass));
  if (kept)
    mlir::emitWarning(module.getLoc())
        << "schedule file '" << schedules << "': " << kept
        << " groups keep the schedule they carry, not the file's entry for "
           "their kernel (overwrite=true, effnetc --retile, applies it)";

  if (missing || foreign) {
    auto diag = mlir::emitWarning(module.getLoc())
                << "schedule file '" << schedules << "': ";
    if (missing)
      diag << missing << " groups have no entry for " << targetClass
           << " and use the default schedule";
    if (missing && foreign)
      diag << "; ";
    if (foreign)
      diag << foreign << " entries for other targets are ignored";
  }

  if (dump.hasValue()) {
    std::error_code error;
    llvm::raw_fd_ostream os(dump, error, llvm::sys::fs::OF_Text);
    if (error)
      return fail("cannot write schedule file '" + dump +
                  "': " + error.message());
    os << "# effnet schedules: CLASS KERNEL-KEY SCHEDULE, one kernel a line\n";
    for (const auto &[key, schedule] : chosen)
      writeScheduleEntry(os, {targetClass, key, schedule, ""});
    // A failed write (/dev/full, a full disk) is a diagnostic; left set,
    // the stream's destructor would end the process with "LLVM ERROR: IO
    // failure on output stream".
    os.close();
    if (os.has_error()) {
      std::string message = os.error().message();
      os.clear_error();
      return fail("cannot write schedule file '" + dump + "': " + message);
    }
  }
}
