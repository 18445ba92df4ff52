//===- Passes.td - every effnet pass ---------------------------------------===//

#ifndef EFFNET_PASSES_PASSES_TD
#define EFFNET_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def CompoundScale : Pass<"effnet-compound-scale", "mlir::ModuleOp"> {
  let summary = "scale a stage table's width, depth and resolution";
  let description = [{
    The paper's compound scaling as a transformation of stage-level IR. With
    `variant=b3` it applies that variant's width, depth and resolution
    multipliers, dropout and batch-norm epsilon; with `phi=F` it applies width
    1.1^F, depth 1.2^F and resolution round(224 * 1.15^F); with `width` and
    `depth` it applies them as given. `resolution` overrides the resolution of
    any of these. Only options given count: a given value out of range (a NaN
    phi, a zero resolution, an empty variant) is an error, never taken as
    "not given". `bn-eps` overrides the batch-norm epsilon the same way
    (checkpoints ported from TensorFlow use 1e-3). Channel counts round as torchvision's
    `_make_divisible`, repeats as `ceil`; a head whose width is a multiple of
    the last stage's output keeps that multiple. Result types are inferred
    anew, and the function is marked with `effnet.variant`.
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let options = [
    Option<"variant", "variant", "std::string", /*default=*/"\"\"",
           "named variant to scale to (b0-b7, v2_s, v2_m, v2_l)">,
    Option<"phi", "phi", "double",
           /*default=*/"std::numeric_limits<double>::quiet_NaN()",
           "compound coefficient">,
    Option<"width", "width", "double",
           /*default=*/"std::numeric_limits<double>::quiet_NaN()",
           "width multiplier">,
    Option<"depth", "depth", "double",
           /*default=*/"std::numeric_limits<double>::quiet_NaN()",
           "depth multiplier">,
    Option<"resolution", "resolution", "int64_t", /*default=*/"0",
           "input resolution in [1, 16384] (default: the variant's or the "
           "table's)">,
    Option<"bnEps", "bn-eps", "double",
           /*default=*/"std::numeric_limits<double>::quiet_NaN()",
           "batch-norm epsilon, > 0 (default: the variant's or the "
           "table's)">
  ];
  let statistics = [
    Statistic<"numStagesScaled", "stages-scaled", "Number of stages rescaled">
  ];
}

def ExpandStages : Pass<"effnet-expand-stages", "mlir::func::FuncOp"> {
  let summary = "expand each effnet.stage into its blocks";
  let description = [{
    Replaces every `effnet.stage` by `repeats` `effnet.mbconv` or
    `effnet.fused_mbconv` ops named `blocks.S.B` (stage S of the function,
    block B of the stage). The first block takes the stage's stride and input
    channels; block i of the n blocks of the function gets the stochastic
    depth rate `stochastic_depth * i / n`, as torchvision assigns it.
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let statistics = [
    Statistic<"numBlocksCreated", "blocks-created", "Number of blocks created">
  ];
}

def ExpandBlocks : Pass<"effnet-expand-blocks", "mlir::func::FuncOp"> {
  let summary = "expand blocks into primitive ops with named weights";
  let description = [{
    Replaces `effnet.stem`, `effnet.mbconv`, `effnet.fused_mbconv` and
    `effnet.head` by convolutions, batch norms, activations, squeeze-excite
    (pool, two biased 1x1 convolutions, SiLU, sigmoid, channel scale),
    residual adds, pooling and the dense classifier. Every weight is an
    `effnet.weight` named `BLOCK.PART.PARAM`, for example
    `blocks.1.0.expand.conv.weight` or `blocks.1.0.se.reduce.bias`; batch
    norms take `weight`, `bias`, `running_mean` and `running_var`.

    `padding` says how convolutions pad: `torchvision` (the default) pads
    `(kernel - 1) / 2` on every side; `tf-same` gives every convolution
    TensorFlow's "same" padding (`padding_mode = same`: computed from the
    input size, the odd row or column after), as checkpoints ported from
    TensorFlow expect. Output sizes are the same either way (kernels are
    odd); only where the padding goes differs.

    `outputs` makes the function return other tensors than the logits, in
    the order given (names separated by commas), and records their names in
    the function's `effnet.outputs` attribute: `logits`; `features`, the
    head's activation before pooling (EfficientNet-PyTorch's
    `extract_features`); `reduction_1`, `reduction_2`, ...
    (EfficientNet-PyTorch's `extract_endpoints`: walking the blocks from the
    stem's output, the input of every block that lowers the resolution, the
    last block's output unless it lowers the resolution itself, and the
    head's activation last, so B0 at 224 has six, from 112 x 112 to 7 x 7).
    What no requested output needs (a backbone's classifier, the blocks
    after its last endpoint) is erased. An unknown or repeated name, or a
    reduction the model does not have at its resolution, is an error.
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let options = [
    Option<"padding", "padding", "std::string", /*default=*/"\"torchvision\"",
           "how convolutions pad: torchvision or tf-same">,
    Option<"outputs", "outputs", "std::string", /*default=*/"\"logits\"",
           "what the function returns: logits, features, reduction_K, "
           "separated by commas">
  ];
  let statistics = [
    Statistic<"numBlocksExpanded", "blocks-expanded", "Number of blocks expanded">
  ];
}

def FoldBatchNorm : Pass<"effnet-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "fold inference batch norms into the convolutions before them";
  let description = [{
    A batch norm whose input is a convolution used by nothing else, with every
    weight bound, becomes part of that convolution: with
    s = scale / sqrt(variance + epsilon), the weights of output channel o are
    multiplied by s[o] and the bias becomes (bias - mean) * s + shift (bias 0
    when the convolution had none). The arithmetic is done in double precision
    and rounded once. The folded weights are new `effnet.weight` ops named
    after the convolution's (`blocks.1.0.dw.folded.weight`, `...folded.bias`).
    Batch norms that cannot fold (unbound weights, a shared convolution) stay.
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let statistics = [
    Statistic<"numFolded", "batch-norms-folded", "Number of batch norms folded">
  ];
}

def Fuse : Pass<"effnet-fuse", "mlir::func::FuncOp"> {
  let summary = "wrap what is computed together in effnet.group regions";
  let description = [{
    Every primitive op ends up in exactly one `effnet.group`. A group starts at
    an op not yet grouped (a convolution, a dense layer, a pooling, or an
    elementwise op whose producer has other users) and takes in, one after
    the other, the op that is the only user of its last result when that op
    is a batch norm, an activation, a channel scale, a residual add or a
    flatten: a convolution with its (folded) batch norm, its activation and
    the squeeze-excite scale or residual add that consume only it. Weights
    move into the groups that read them; other operands become group inputs.
    Groups are named after their first op's location.

    With `se-into-projection` (the default), squeeze-excite's channel scale
    is not fused after the excitation: when its only user is a convolution
    with one group that reads it as input, the scale starts that
    convolution's group instead (the group is named after the convolution),
    so code generation scales the convolution's input or weights as they are
    read and no kernel writes the scaled tensor.

    With `expand-into-depthwise` (the default), a 1x1 convolution of one
    group and stride 1 (MBConv's expansion, with its batch norm and
    activation) whose result only a depthwise convolution reads joins that
    convolution's group where that paid when measured: the depthwise
    convolution is strided (`expand-strided-only`), the expansion reads at
    most `expand-max-in-channels` channels (64) and its result takes at
    least `expand-min-bytes` per image (1 MiB). On B0, B3 and V2-S (Halide's
    profiler, AMD EPYC, 2026-11-30) such fused kernels took 0.6x to 0.97x
    the two separate ones (B0's blocks.1.0: 0.81x and 0.89x on 1 thread);
    stride 1, expansions from 128 channels and more, and tensors that stay
    in cache took 1.07x to 1.5x. The schedule's `expand` placement then
    says whether the expanded tensor is computed whole (`root`) or a few
    rows at a time inside the depthwise convolution's tiles, never stored
    whole.

    Squeeze-excite's global average pool is not fused into the group that
    produces its input (the depthwise convolution's result has a second
    user, the projection): summed in the same kernel it cost 1.1x to 1.2x
    the separate pass on B0's shapes (codegen/bench/se_pool_fusion.cpp and
    docs/ARCHITECTURE.md).
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let options = [
    Option<"seIntoProjection", "se-into-projection", "bool", /*default=*/"true",
           "fuse squeeze-excite's channel scale into the convolution it feeds">,
    Option<"expandIntoDepthwise", "expand-into-depthwise", "bool",
           /*default=*/"true",
           "put MBConv's 1x1 expansion in its depthwise convolution's group">,
    Option<"expandMinBytes", "expand-min-bytes", "int64_t",
           /*default=*/"1048576",
           "only expansions whose result takes at least this many bytes per "
           "image (0: every one)">,
    Option<"expandMaxInChannels", "expand-max-in-channels", "int64_t",
           /*default=*/"64",
           "only expansions from at most this many channels">,
    Option<"expandStridedOnly", "expand-strided-only", "bool",
           /*default=*/"true",
           "only expansions whose depthwise convolution is strided">
  ];
  let statistics = [
    Statistic<"numGroups", "groups-created", "Number of groups created">,
    Statistic<"numScalesIntoConv", "scales-into-conv",
              "Channel scales fused in front of a convolution">,
    Statistic<"numExpandsIntoDepthwise", "expands-into-depthwise",
              "1x1 expansions fused in front of a depthwise convolution">
  ];
}

def Tile : Pass<"effnet-tile", "mlir::ModuleOp"> {
  let summary = "give every effnet.group a #effnet.schedule";
  let description = [{
    Writes the `schedule` of every `effnet.group` that has none (or of every
    group, with `overwrite`). A schedule comes from the schedule file when it
    holds an entry for the group's kernel key and the target, else from the
    defaults for the target, which branch on what it has: its vector width
    (AVX-512: 16 floats, AVX2: 8, SSE and NEON: 4), its vector registers
    (AVX-512 and NEON: 32, AVX2 and SSE: 16), which bound the accumulators of
    a register tile, and its L2 cache, which decides whether a convolution's
    weights are kept in cache across rows. Dense 3x3, stride 1 convolutions
    whose output 2x2 tiles divide (EfficientNetV2's Fused-MBConv) take
    `algorithm = winograd` on every target. `target` is `host` or a Halide
    target string; its schedule class (`x86-64-avx512`, `x86-64-avx2`,
    `x86-64-sse41`, `arm-64-neon`, ...) is what schedule files are keyed by,
    and it is recorded on the module as `effnet.schedule_target`. Schedules
    that groups carry were made for the class the module records: for a
    target of another class they are an error naming both, unless
    `overwrite` chooses them again.

    A schedule file is text, one kernel per line:
    `CLASS KERNEL-KEY #effnet.schedule<...>`; `#` starts a comment. Groups
    the file has no entry for, and entries for other classes, fall back to
    the defaults with one warning, as do entries for groups that keep the
    schedule they carry; a malformed line is an error naming the file and
    line. `dump` writes the schedule of every distinct kernel in
    that format (a file to edit or tune, then read back with `schedules`).
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "host or a Halide target string">,
    Option<"schedules", "schedules", "std::string", /*default=*/"\"\"",
           "schedule file to read entries from">,
    Option<"dump", "dump", "std::string", /*default=*/"\"\"",
           "file to write every kernel's schedule to">,
    Option<"overwrite", "overwrite", "bool", /*default=*/"false",
           "replace schedules that groups already have">
  ];
  let statistics = [
    Statistic<"numDefault", "default-schedules", "Groups given a default schedule">,
    Statistic<"numFromFile", "file-schedules", "Groups given a schedule from the file">
  ];
}

def BindWeights : Pass<"effnet-bind-weights", "mlir::ModuleOp"> {
  let summary = "attach values to effnet.weight ops, from a file or at random";
  let description = [{
    Gives every `effnet.weight` without a `value` one: a `dense_resource`
    blob named after the weight. With `file`, the values come from a
    safetensors file, validated whole before anything is read; `naming`
    says how its tensors are named: `torchvision` for a torchvision 0.14
    EfficientNet state_dict, `efficientnet-pytorch` for lukemelas's
    EfficientNet-PyTorch (B variants only), `timm` for pytorch-image-models'
    EfficientNet and EfficientNetV2, `canonical` for tensors named exactly as
    the weights (models/WeightNames.h). Without `naming`, the scheme is
    detected from the tensor names and reported in a remark; a tensor that
    fits no scheme is an error. With `random=SEED`, the values are drawn by
    `randomWeight` (deterministic on every platform), in ranges that keep the
    activations of the deepest variant finite. Give one of `file` and
    `random`. A weight missing from the file, of another shape or of a dtype
    other than F32 is an error on that weight; a malformed file is an error
    on the module, and so is a file holding F32 tensors that no weight reads
    (another variant's weights, say), unless `allow-unused` is set. Weights that already have a value are left as they are.
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "safetensors file to read the values from">,
    Option<"naming", "naming", "std::string", /*default=*/"\"\"",
           "tensor names in the file: torchvision, efficientnet-pytorch, "
           "timm or canonical (default: detected from the names)">,
    Option<"random", "random", "int64_t", /*default=*/"0",
           "seed of random values (a number >= 0)">,
    Option<"allowUnused", "allow-unused", "bool", /*default=*/"false",
           "accept a file holding tensors no weight reads">
  ];
  let statistics = [
    Statistic<"numWeightsBound", "weights-bound", "Number of weights bound">
  ];
}

def MemoryLimit : Pass<"effnet-memory-limit", "mlir::ModuleOp"> {
  let summary = "refuse models whose weights or activations would not fit";
  let description = [{
    An analysis, run by the pipeline right after compound scaling, that
    estimates from the IR alone (at any level) what lowering and compiling
    the model would take, before anything large is built: the weights
    (parameters as `effnet-stats` counts them, 4 bytes each) held in the
    copies that binding, folding and the weight blob make; and the largest
    working set of activations one call of the generated library holds at
    once (an op's inputs and outputs, and for blocks and stages their
    expanded tensors), for the IR's batch (one image when it is dynamic).
    When either exceeds `max-memory` (bytes, or with a K, M, G, T, P or E
    suffix, powers of 1024, up to 4 EiB)
    the pass fails with one line naming the estimate and the limit, so a
    request such as `--width 64` is refused in milliseconds instead of
    running out of memory. Sizes saturate rather than wrap, whatever the IR's
    shapes.
  }];
  let options = [
    Option<"maxMemory", "max-memory", "std::string", /*default=*/"\"8G\"",
           "the most memory compiling or running the model may take">
  ];
}

def DescribeGroups : Pass<"effnet-describe-groups", "mlir::ModuleOp"> {
  let summary = "print what each effnet.group computes, as schedules see it";
  let description = [{
    An analysis that leaves the IR as it is. For every `effnet.group` it
    prints a line to standard output: the group's name and its structure as
    `analyzeGroup` (dialect/GroupStructure.cpp) finds it, the one analysis
    that the schedule verifier, `effnet-tile`'s defaults, code generation's
    plan and the schedule fuzzer read: the anchor, the output and the
    anchor's input per image, its window and channel groups, what is fused
    in front (`expansion=IN->OUT`, `input-scale`), a `broadcast` after it,
    and the properties `depthwise`, `padded` (a window reads outside the
    input), `winograd` (F(2x2, 3x3) can compute it), with the anchor's
    weights and multiply-adds per image.
  }];
}

def Stats : Pass<"effnet-stats", "mlir::ModuleOp"> {
  let summary = "print parameters and multiply-adds, per op and in total";
  let description = [{
    An analysis that leaves the IR as it is. For every function holding effnet
    ops it prints to stderr the parameters (convolution and dense weights and
    biases, batch-norm scale and shift) and the multiply-adds of convolutions
    and dense layers, in total and, with `per-op`, for every op. It works at
    any level: stages, blocks or primitives give the same totals.
  }];
  let options = [
    Option<"perOp", "per-op", "bool", /*default=*/"false",
           "print a row for every op">
  ];
}

#endif // EFFNET_PASSES_PASSES_TD
