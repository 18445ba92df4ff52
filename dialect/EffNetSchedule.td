//===- EffNetSchedule.td - how one effnet.group is computed ---------------===//
//
// The schedule of a group is data on the IR: effnet-tile writes it (from
// per-target defaults or a schedule file), a person may edit it in a .mlir
// file, and code generation applies it as written. It is part of the kernel
// key, so two groups share compiled code only if they share a schedule.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_DIALECT_EFFNETSCHEDULE_TD
#define EFFNET_DIALECT_EFFNETSCHEDULE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

/// A loop of a group's output (c: channels, x: pixels of a row, y: rows) or
/// of a convolution's window (kx, ky).
def EffNet_Loop : I32EnumAttr<"Loop", "loop of a schedule", [
    I32EnumAttrCase<"c", 0>,
    I32EnumAttrCase<"x", 1>,
    I32EnumAttrCase<"y", 2>,
    I32EnumAttrCase<"kx", 3>,
    I32EnumAttrCase<"ky", 4>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// Where a producer is computed or stored: inlined into its consumer, once
/// per call, or inside one of the output's tile loops (c, x or y).
def EffNet_LoopLevel : I32EnumAttr<"LoopLevel", "where a producer is computed", [
    I32EnumAttrCase<"inline_", 0, "inline">,
    I32EnumAttrCase<"root", 1>,
    I32EnumAttrCase<"c", 2>,
    I32EnumAttrCase<"x", 3>,
    I32EnumAttrCase<"y", 4>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// The intermediate values of a group that a schedule can place.
def EffNet_Producer : I32EnumAttr<"Producer", "value a schedule places", [
    // The anchor's accumulation (convolution, dense layer or pooling).
    I32EnumAttrCase<"acc", 0>,
    // The anchor's input as it is read: zero-padded, and scaled per channel
    // when a squeeze-excite scale was fused in front of the convolution.
    I32EnumAttrCase<"input", 1>,
    // The convolution's weights as they are read: scaled per input channel
    // when a squeeze-excite scale was fused in front of the convolution.
    I32EnumAttrCase<"weights", 2>,
    // A per-channel value that scales a larger input (a broadcast).
    I32EnumAttrCase<"excite", 3>,
    // A 1x1 convolution (with its epilogue) fused in front of the anchor
    // convolution: MBConv's expansion feeding its depthwise convolution.
    I32EnumAttrCase<"expand", 4>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// What the last tile of a loop does when the tile does not divide it.
def EffNet_Tail : I32EnumAttr<"Tail", "tail strategy of tiled loops", [
    // The last tile moves inwards and recomputes an overlap (needs the tile
    // to fit the extent).
    I32EnumAttrCase<"shift", 0>,
    // The last tile is cut short by a condition.
    I32EnumAttrCase<"guard", 1>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// A condition known only when a kernel is called, under which it takes a
/// second path compiled for it (Halide's specialize).
def EffNet_Specialization : I32EnumAttr<"Specialization",
    "runtime condition with a path of its own", [
    // The 8-bit pixels NAME_run_rgb8 reads lie in rows exactly width x
    // channels bytes apart (a packed image): that path knows the rows'
    // stride, which is otherwise read from the call.
    I32EnumAttrCase<"dense_rows", 0>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// How a group's anchor convolution is computed.
def EffNet_Algorithm : I32EnumAttr<"Algorithm", "convolution algorithm", [
    // Multiply-adds over the window, as the convolution is written.
    I32EnumAttrCase<"direct", 0>,
    // Winograd's F(2x2, 3x3): a 3x3, stride 1 convolution computed in 2x2
    // output tiles from 4x4 transformed input tiles, 16 multiply-adds per
    // input channel where the window takes 36 (weights transformed when the
    // model is compiled).
    I32EnumAttrCase<"winograd", 1>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// Where the anchor convolution's reduction loops (its input channels and
/// window) sit among the accumulation's loops over a tile.
def EffNet_Reduction : I32EnumAttr<"Reduction", "reduction loop placement", [
    // Around the whole tile: each step of the reduction updates every
    // accumulator of the tile, which stay in registers (Winograd: around
    // the tile's transformed pixels, per position and row).
    I32EnumAttrCase<"tile", 0>,
    // Inside the tile's rows loop: a row's accumulators at a time.
    I32EnumAttrCase<"row", 1>,
    // Inside the tile's pixels loop: one pixel's channel vectors at a time.
    I32EnumAttrCase<"pixel", 2>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

/// How Winograd's transforms go over their positions: the input tile's 16
/// (4 by 4) and the rows' 4.
def EffNet_Positions : I32EnumAttr<"Positions", "Winograd transform positions", [
    // Each position its own code: a fixed sum of input values.
    I32EnumAttrCase<"unrolled", 0>,
    // A loop over the positions, each step choosing its sum.
    I32EnumAttrCase<"loop", 1>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

def EffNet_ScheduleAttr : AttrDef<EffNet_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "how a group's pipeline is tiled, vectorized and run";
  let description = [{
    Everything that decides how the compiled function of one `effnet.group`
    runs. Its output (channels c, pixels x, rows y; channels innermost in
    memory) is split into tiles of `tile = [c, x, y]`; channels are
    vectorized by `vector` lanes. `order` lists the tile loops outermost
    first; `parallel` names the outermost loops of `order` that run on the
    thread pool (fused into one loop named after the innermost of them when
    there are several), `grain` consecutive iterations per task. `unroll`
    lists the loops unrolled inside a tile (`c`: the tile's channel vectors,
    `x`, `y`) and in a convolution's window (`kx`, `ky`); it applies to the
    output and to the accumulator. `tail` says how a tile that does not
    divide its loop ends. `compute` places the group's producers: `acc` (the
    anchor's accumulation), `input` and `weights` (the convolution's
    operands as read: padded or scaled), `excite` (a per-channel value
    broadcast over a larger input) and `expand` (a 1x1 convolution fused in
    front of the anchor, whose accumulator is computed a row of it at a
    time), each `inline`, at `root` (once per call) or inside the tile loop
    `c`, `x` or `y`, optionally stored further out (`acc = x store y`);
    `input`, `weights` and `expand` at root may be `parallel` (`input = root
    parallel`): the pass runs one of its loops on the thread pool, `y` (rows)
    for `input` and `expand` and `x` (input channels) for `weights` unless
    another follows (`input = root parallel x`). Producers not listed are inline, except `acc`, which is
    computed at the innermost tile loop. `specialize` lists conditions known
    only at the call under which the kernel takes a path compiled for them:
    `dense_rows`, 8-bit pixel rows packed width x channels bytes apart (for
    a group that reads the model input; it applies to the kernel
    `NAME_run_rgb8` uses). Empty, it is not printed.

    `algorithm = winograd` computes a 3x3, stride 1 convolution (one group,
    no squeeze-excite scale or expansion fused in front) with Winograd's
    F(2x2, 3x3): `input` is then the input transformed per 2x2 output tile
    (16 values per input channel), `acc` the 16 products accumulated over
    the input channels per tile, transformed back into the output tile. The
    x and y tiles are even and divide the output (no tail). The default,
    `direct`, is not printed. The input's transform runs in two steps, along
    x (each input row of a tile: 4 values) and then along y (16 values):
    `winograd_rows` places the first step's values (`inline`, `root` or a
    tile loop `c`, `x` or `y`, computed and stored there; not given, and not
    printed, they are computed and stored where `input` is, and inline when
    it is inline), and `winograd_positions` says whether both steps are
    `unrolled` over their positions (the default, not printed) or a
    `loop`. The rows are read where `input` is computed
    (where `acc` is when `input` is inline): they are placed at or outside
    that loop.

    `reduce` says where the anchor convolution's reduction loops (input
    channels, window) sit among its accumulation's loops over a tile:
    around the whole `tile` (the default, not printed: every accumulator of
    the tile is updated by each step), inside its rows (`row`) or inside its
    pixels (`pixel`, one pixel's channel vectors at a time). Winograd takes
    `tile` or `pixel`.

    `expand_tile = [c, x]` tiles a fused expansion's rows (the channels and
    pixels of each block of its accumulators); not given, it is the
    output's c and x tiles, and it is not printed.

    `inner_tail` says how the vectorized channel loops of the producers
    end where the vector does not divide the channels they compute (the
    accumulation's starting values, `input`, `weights`, `excite`, the
    expansion's accumulators): `guard` (the default, not printed) or `shift`
    (the last vector moves inwards, for which every producer has at least a
    vector of channels). The reductions' updates always guard: shifted, an
    update would add twice where vectors overlap.

    GPU fields (empty on CPUs): `threads` is the number of GPU threads per
    block along c, x and y, each block computing one tile; `shared` lists
    producers staged in shared memory; `reduce_threads = N` (a global
    pooling group's; 1, the default, is not printed) has N threads share
    each output value's reduction: each sums every N-th row of the input
    into the block's shared memory, and the output's thread adds the N
    partial sums (the block then has N times `threads` threads).

    Example (two AVX-512 vectors of channels by eight pixels, rows in
    parallel, sixteen accumulators kept in registers):

    ```mlir
    #effnet.schedule<tile = [32, 8, 1], vector = 16, order = [y, x, c],
                     parallel = [y], grain = 1, unroll = [c, x], tail = shift,
                     compute = {acc = c}>
    ```
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "tile sizes along c, x and y">:$tile,
    "int64_t":$vector,
    ArrayRefParameter<"::mlir::effnet::Loop", "tile loops, outermost first">:$order,
    ArrayRefParameter<"::mlir::effnet::Loop", "parallel loops">:$parallel,
    "int64_t":$grain,
    ArrayRefParameter<"::mlir::effnet::Loop", "unrolled loops">:$unroll,
    "::mlir::effnet::Tail":$tail,
    ArrayRefParameter<"::mlir::effnet::Placement", "producer placements">:$compute,
    ArrayRefParameter<"::mlir::effnet::Specialization", "specialized paths">:$specialize,
    ArrayRefParameter<"int64_t", "GPU threads per block along c, x, y">:$threads,
    ArrayRefParameter<"::mlir::effnet::Producer", "producers in shared memory">:$shared,
    "::mlir::effnet::Algorithm":$algorithm,
    "::mlir::effnet::Reduction":$reduce,
    ArrayRefParameter<"int64_t", "a fused expansion's c and x tiles">:$expandTile,
    "::mlir::effnet::Tail":$innerTail,
    "int64_t":$reduceThreads,
    OptionalParameter<"std::optional<::mlir::effnet::LoopLevel>",
                      "where Winograd's row transform is placed">:$winogradRows,
    "::mlir::effnet::Positions":$winogradPositions
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Where `producer` is computed and stored (the default when not listed).
    ::mlir::effnet::Placement placementOf(::mlir::effnet::Producer producer) const;
    /// The channels and pixels of a fused expansion's tiles: `expand_tile`,
    /// or the output's c and x tiles.
    std::pair<int64_t, int64_t> expansionTile() const;
    /// Whether `producer` is stored outside the tile loop `loop` and
    /// computed at it or inside it (Halide slides its window along `loop`).
    bool slidesAlong(::mlir::effnet::Producer producer,
                     ::mlir::effnet::Loop loop) const;
  }];
}

#endif // EFFNET_DIALECT_EFFNETSCHEDULE_TD
