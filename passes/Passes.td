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
    any of these (0 keeps it). Channel counts round as torchvision's
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
           "input resolution (0 keeps the variant's or the table's)">
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
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
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
  }];
  let dependentDialects = ["mlir::effnet::EffNetDialect"];
  let statistics = [
    Statistic<"numGroups", "groups-created", "Number of groups created">
  ];
}

def BindWeights : Pass<"effnet-bind-weights", "mlir::ModuleOp"> {
  let summary = "attach values to effnet.weight ops, from a file or at random";
  let description = [{
    Gives every `effnet.weight` without a `value` one: a `dense_resource`
    blob named after the weight. With `file`, the values come from a
    safetensors file, validated whole before anything is read; `naming`
    says how its tensors are named: `torchvision` (the default) for a
    torchvision 0.14 EfficientNet state_dict, `canonical` for tensors named
    exactly as the weights. With `random=SEED`, the values are drawn by
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
    Option<"naming", "naming", "std::string", /*default=*/"\"torchvision\"",
           "tensor names in the file: torchvision or canonical">,
    Option<"random", "random", "int64_t", /*default=*/"-1",
           "seed of random values (-1: not random)">,
    Option<"allowUnused", "allow-unused", "bool", /*default=*/"false",
           "accept a file holding tensors no weight reads">
  ];
  let statistics = [
    Statistic<"numWeightsBound", "weights-bound", "Number of weights bound">
  ];
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
