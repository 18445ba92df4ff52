//===- EffNetOps.td - the ops of the effnet dialect ------------------------===//

#ifndef EFFNET_DIALECT_EFFNETOPS_TD
#define EFFNET_DIALECT_EFFNETOPS_TD

include "dialect/EffNetDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Traits shared by every op whose result type is inferred and whose cost is
// counted.
defvar ShapedAndCounted = [
  Pure,
  DeclareOpInterfaceMethods<EffNet_ShapeInferenceOpInterface>,
  DeclareOpInterfaceMethods<EffNet_CostOpInterface>
];
defvar Shaped = [
  Pure,
  DeclareOpInterfaceMethods<EffNet_ShapeInferenceOpInterface>
];

//===----------------------------------------------------------------------===//
// Stage level
//===----------------------------------------------------------------------===//

def EffNet_StageOp : EffNet_Op<"stage", ShapedAndCounted> {
  let summary = "a row of a stage table: a block repeated";
  let description = [{
    One stage of an EfficientNet, as a row of the paper's Table 1 (or of the
    EfficientNetV2 tables): `repeats` blocks of kind `mbconv` or
    `fused_mbconv`. The first block has stride `stride` and maps the input
    channels to `out_channels`; the others have stride 1 and keep
    `out_channels`. A block with input channels `c` expands to
    `round8(c * expand_ratio)` channels (torchvision's `_make_divisible`) and,
    when `se_ratio` > 0, squeezes to `max(1, floor(c * se_ratio))` channels.
    Convolutions pad by `(kernel - 1) / 2` on every side. `stochastic_depth` is
    the model's largest drop rate; `effnet-expand-stages` gives block `i` of
    `n` the rate `stochastic_depth * i / n`. It is identity at inference.

    Example:

    ```mlir
    %1 = effnet.stage mbconv %0 {repeats = 2 : i64, kernel = 3 : i64,
        stride = 2 : i64, expand_ratio = 6.0 : f64, out_channels = 24 : i64,
        se_ratio = 0.25 : f64, stochastic_depth = 0.2 : f64}
        : tensor<1x16x112x112xf32> -> tensor<1x24x56x56xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    EffNet_BlockKind:$kind,
    I64Attr:$repeats,
    I64Attr:$kernel,
    I64Attr:$stride,
    F64Attr:$expand_ratio,
    I64Attr:$out_channels,
    DefaultValuedAttr<F64Attr, "0.0">:$se_ratio,
    DefaultValuedAttr<F64Attr, "0.0">:$stochastic_depth,
    DefaultValuedAttr<F64Attr, "1.0e-5">:$bn_eps
  );
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($output)
  }];
  let extraClassDeclaration = [{
    /// The configuration of block `index` when the stage input has
    /// `inChannels` channels.
    BlockConfig getBlockConfig(int64_t index, int64_t inChannels);
  }];
}

//===----------------------------------------------------------------------===//
// Block level
//===----------------------------------------------------------------------===//

def EffNet_StemOp : EffNet_Op<"stem", ShapedAndCounted> {
  let summary = "the stem: convolution, batch norm, SiLU";
  let description = [{
    A `kernel` x `kernel` convolution with stride `stride` and padding
    `(kernel - 1) / 2` to `out_channels` channels, then batch norm (epsilon
    `bn_eps`) and SiLU. `name` is the canonical name its weights are bound to.

    Example:

    ```mlir
    %0 = effnet.stem %x {name = "stem", out_channels = 32 : i64,
        kernel = 3 : i64, stride = 2 : i64}
        : tensor<1x3x224x224xf32> -> tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    StrAttr:$name,
    I64Attr:$out_channels,
    I64Attr:$kernel,
    I64Attr:$stride,
    DefaultValuedAttr<F64Attr, "1.0e-5">:$bn_eps
  );
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
}

def EffNet_MBConvOp : EffNet_Op<"mbconv", ShapedAndCounted> {
  let summary = "an inverted residual block with depthwise convolution";
  let description = [{
    MBConv: a 1x1 expansion to `expand_channels` (absent when that equals the
    input channels) with batch norm and SiLU; a depthwise `kernel` x `kernel`
    convolution with stride `stride`, batch norm and SiLU; squeeze-excite to
    `se_channels` (absent when 0): global average pool, 1x1 convolution with
    bias, SiLU, 1x1 convolution with bias, sigmoid, channel scale; a 1x1
    projection to `out_channels` with batch norm; and a residual add when the
    stride is 1 and the channels are kept. `stochastic_depth` is the drop rate
    of the residual branch (identity at inference).

    Example:

    ```mlir
    %1 = effnet.mbconv %0 {name = "blocks.1.0", kernel = 3 : i64,
        stride = 2 : i64, expand_channels = 96 : i64, out_channels = 24 : i64,
        se_channels = 4 : i64, stochastic_depth = 0.0125 : f64}
        : tensor<1x16x112x112xf32> -> tensor<1x24x56x56xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    StrAttr:$name,
    I64Attr:$kernel,
    I64Attr:$stride,
    I64Attr:$expand_channels,
    I64Attr:$out_channels,
    DefaultValuedAttr<I64Attr, "0">:$se_channels,
    DefaultValuedAttr<F64Attr, "0.0">:$stochastic_depth,
    DefaultValuedAttr<F64Attr, "1.0e-5">:$bn_eps
  );
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let extraClassDeclaration = [{
    BlockConfig getBlockConfig();
  }];
}

def EffNet_FusedMBConvOp : EffNet_Op<"fused_mbconv", ShapedAndCounted> {
  let summary = "an inverted residual block with a fused expansion";
  let description = [{
    Fused-MBConv (EfficientNetV2): when `expand_channels` differs from the
    input channels, a `kernel` x `kernel` convolution with stride `stride` to
    `expand_channels` with batch norm and SiLU, then a 1x1 projection to
    `out_channels` with batch norm; otherwise a single `kernel` x `kernel`
    convolution to `out_channels` with batch norm and SiLU. Squeeze-excite to
    `se_channels` (0 in torchvision's models) scales the features before the
    projection. Residual add and `stochastic_depth` as for `effnet.mbconv`.

    Example:

    ```mlir
    %1 = effnet.fused_mbconv %0 {name = "blocks.1.0", kernel = 3 : i64,
        stride = 2 : i64, expand_channels = 96 : i64, out_channels = 48 : i64}
        : tensor<1x24x192x192xf32> -> tensor<1x48x96x96xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    StrAttr:$name,
    I64Attr:$kernel,
    I64Attr:$stride,
    I64Attr:$expand_channels,
    I64Attr:$out_channels,
    DefaultValuedAttr<I64Attr, "0">:$se_channels,
    DefaultValuedAttr<F64Attr, "0.0">:$stochastic_depth,
    DefaultValuedAttr<F64Attr, "1.0e-5">:$bn_eps
  );
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let extraClassDeclaration = [{
    BlockConfig getBlockConfig();
  }];
}

def EffNet_HeadOp : EffNet_Op<"head", ShapedAndCounted> {
  let summary = "the head: 1x1 convolution, pooling, dropout, classifier";
  let description = [{
    A 1x1 convolution to `channels` with batch norm and SiLU, global average
    pooling, dropout with rate `dropout` (identity at inference) and a dense
    classifier with bias to `num_classes` logits.

    Example:

    ```mlir
    %9 = effnet.head %8 {name = "head", channels = 1280 : i64,
        num_classes = 1000 : i64, dropout = 0.2 : f64}
        : tensor<1x320x7x7xf32> -> tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    StrAttr:$name,
    I64Attr:$channels,
    I64Attr:$num_classes,
    DefaultValuedAttr<F64Attr, "0.0">:$dropout,
    DefaultValuedAttr<F64Attr, "1.0e-5">:$bn_eps
  );
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Primitive level
//===----------------------------------------------------------------------===//

def EffNet_WeightOp : EffNet_Op<"weight", [Pure]> {
  let summary = "a named weight tensor, bound to its values or not yet";
  let description = [{
    The weight called `name`. Until `effnet-bind-weights` runs, the name is
    all that is known; binding attaches the values as `value` (a
    `dense_resource` for real models, any elements attribute in small tests),
    which makes the op a constant that later passes (batch-norm folding) and
    code generation read.

    Example:

    ```mlir
    %w = effnet.weight "stem.conv.weight" : tensor<32x3x3x3xf32>
    %b = effnet.weight "head.classifier.bias" {value = dense<0.5> : tensor<10xf32>}
        : tensor<10xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, OptionalAttr<ElementsAttr>:$value);
  let results = (outs EffNet_Tensor:$output);
  let assemblyFormat = "$name attr-dict `:` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The bound values, row-major; fails with a diagnostic when the weight
    /// is unbound or its values cannot be read.
    FailureOr<std::vector<float>> readValues();

    /// A value of `type` holding `values`, for binding: a `dense_resource`
    /// blob, or a plain `dense` attribute for tensors of at most 64 elements
    /// so that small tests stay readable.
    static ElementsAttr createValue(RankedTensorType type,
                                    ArrayRef<float> values, StringRef name);
  }];
}

def EffNet_Conv2DOp : EffNet_Op<"conv2d", ShapedAndCounted> {
  let summary = "2-D convolution, NCHW input and OIHW weight";
  let description = [{
    Convolves `input` (N x C x H x W) with `weight` (F x C/groups x KH x KW)
    and adds `bias` (F) when given. `strides` and `dilations` are
    [height, width]. With `padding_mode` `explicit`, `padding` is
    [top, left, bottom, right]; with `same`, TensorFlow's rule pads so that the
    output is ceil(H / stride) x ceil(W / stride), the odd pixel at the bottom
    and right, and `padding` must be absent.

    Example:

    ```mlir
    %y = effnet.conv2d %x, %w {strides = array<i64: 2, 2>,
        padding = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>)
        -> tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    4DTensorOf<[F32]>:$weight,
    Optional<1DTensorOf<[F32]>>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<EffNet_PaddingModeAttr, "::mlir::effnet::PaddingMode::explicit_">:$padding_mode,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$groups
  );
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// One input channel per group and one output channel per group.
    bool isDepthwise();
    /// Some window reads outside the input (zero padding that is read): a
    /// padding before the first row or column, or a last window that ends
    /// past the input. The one definition of a padded convolution.
    bool isPadded();
    /// A 1x1 window, one group, stride 1, no padding (MBConv's expansion).
    bool isPointwise();
    /// The padding as [top, left, bottom, right], whichever the mode: the
    /// explicit values, or those computeSamePadding gives for 'same'.
    llvm::SmallVector<int64_t, 4> getResolvedPadding();
  }];
}

def EffNet_BatchNormOp : EffNet_Op<"batch_norm", ShapedAndCounted> {
  let summary = "inference batch normalization over channels";
  let description = [{
    `(input - mean) / sqrt(variance + epsilon) * scale + shift`, per channel of
    an N x C x H x W input; every operand but the input has C elements.

    Example:

    ```mlir
    %y = effnet.batch_norm %x, %g, %b, %m, %v {epsilon = 1.0e-3 : f64}
        : (tensor<1x32x112x112xf32>, tensor<32xf32>, tensor<32xf32>,
           tensor<32xf32>, tensor<32xf32>) -> tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Activations:$input,
    1DTensorOf<[F32]>:$scale,
    1DTensorOf<[F32]>:$shift,
    1DTensorOf<[F32]>:$mean,
    1DTensorOf<[F32]>:$variance,
    DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon
  );
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $shift `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The batch norm as `x * scale[c] + shift[c]`, from its bound weights, in
    /// double precision: scale = weight / sqrt(variance + epsilon), shift =
    /// bias - mean * scale. Fails with a diagnostic when a weight is unbound.
    FailureOr<std::pair<std::vector<double>, std::vector<double>>>
    computeAffine();
  }];
}

def EffNet_ActivationOp : EffNet_Op<"activation",
    !listconcat(Shaped, [SameOperandsAndResultType])> {
  let summary = "an elementwise activation function";
  let description = [{
    `silu` and `swish` are both x * sigmoid(x) (canonicalized to `silu`);
    `sigmoid`, `relu` and `identity` are what they say (`identity` folds away).

    Example:

    ```mlir
    %y = effnet.activation silu %x : tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins EffNet_Tensor:$input, EffNet_ActivationKind:$kind);
  let results = (outs EffNet_Tensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def EffNet_GlobalAvgPoolOp : EffNet_Op<"global_avg_pool", Shaped> {
  let summary = "mean over the spatial dimensions";
  let description = [{
    Averages each channel of an N x C x H x W input to N x C x 1 x 1.

    Example:

    ```mlir
    %p = effnet.global_avg_pool %x : tensor<1x96x56x56xf32> -> tensor<1x96x1x1xf32>
    ```
  }];
  let arguments = (ins EffNet_Activations:$input);
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
}

def EffNet_FlattenOp : EffNet_Op<"flatten", Shaped> {
  let summary = "N x C x 1 x 1 to N x C";
  let description = [{
    Drops the unit spatial dimensions of a pooled tensor.

    Example:

    ```mlir
    %f = effnet.flatten %p : tensor<1x1280x1x1xf32> -> tensor<1x1280xf32>
    ```
  }];
  let arguments = (ins EffNet_Activations:$input);
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
}

def EffNet_ChannelMulOp : EffNet_Op<"channel_mul",
    !listconcat(Shaped, [AllTypesMatch<["input", "output"]>])> {
  let summary = "scales each channel by a per-channel factor";
  let description = [{
    Multiplies an N x C x H x W input by an N x C x 1 x 1 scale broadcast over
    height and width (squeeze-excite's excitation).

    Example:

    ```mlir
    %y = effnet.channel_mul %x, %s : tensor<1x96x56x56xf32>, tensor<1x96x1x1xf32>
    ```
  }];
  let arguments = (ins EffNet_Activations:$input, EffNet_Activations:$scale);
  let results = (outs EffNet_Activations:$output);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` type($input) `,` type($scale)
  }];
}

def EffNet_AddOp : EffNet_Op<"add",
    !listconcat(Shaped, [Commutative, SameOperandsAndResultType])> {
  let summary = "elementwise sum (a residual connection)";
  let description = [{
    Adds two tensors of the same type. `stochastic_depth` is the drop rate of
    the residual branch during training, kept for fidelity (identity here).

    Example:

    ```mlir
    %y = effnet.add %a, %b {stochastic_depth = 0.025 : f64} : tensor<1x24x56x56xf32>
    ```
  }];
  let arguments = (ins
    EffNet_Tensor:$lhs,
    EffNet_Tensor:$rhs,
    DefaultValuedAttr<F64Attr, "0.0">:$stochastic_depth
  );
  let results = (outs EffNet_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
}

def EffNet_DenseOp : EffNet_Op<"dense", ShapedAndCounted> {
  let summary = "fully connected layer";
  let description = [{
    `input` (N x K) times the transpose of `weight` (M x K), plus `bias` (M)
    when given. `dropout` is the rate of the dropout on the input during
    training, kept for fidelity (identity here).

    Example:

    ```mlir
    %y = effnet.dense %x, %w, %b {dropout = 0.2 : f64}
        : (tensor<1x1280xf32>, tensor<1000x1280xf32>, tensor<1000xf32>)
        -> tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins
    2DTensorOf<[F32]>:$input,
    2DTensorOf<[F32]>:$weight,
    Optional<1DTensorOf<[F32]>>:$bias,
    DefaultValuedAttr<F64Attr, "0.0">:$dropout
  );
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Groups: what code generation computes together
//===----------------------------------------------------------------------===//

def EffNet_GroupOp : EffNet_Op<"group", [
    IsolatedFromAbove, SingleBlock]> {
  let summary = "ops computed together, as one compiled function";
  let description = [{
    A region of primitive ops that code generation compiles as one function:
    typically a convolution or dense layer with its bias, activation and the
    elementwise ops that consume only it (squeeze-excite's channel scale, a
    residual add). The region is isolated from above: activations come in as
    `inputs` (the entry block's arguments), weights are `effnet.weight` ops
    inside, and `effnet.yield` gives the result. `name` is the layer the group
    is named after; `schedule` (a `#effnet.schedule`, written by `effnet-tile`)
    says how code generation tiles, vectorizes and parallelizes it.

    Example:

    ```mlir
    %y = effnet.group "blocks.1.0.expand" (%x) : (tensor<1x16x56x56xf32>)
        -> tensor<1x96x56x56xf32> {
    ^bb0(%in: tensor<1x16x56x56xf32>):
      %w = effnet.weight "blocks.1.0.expand.folded.weight" : tensor<96x16x1x1xf32>
      %b = effnet.weight "blocks.1.0.expand.folded.bias" : tensor<96xf32>
      %c = effnet.conv2d %in, %w, %b : (tensor<1x16x56x56xf32>,
          tensor<96x16x1x1xf32>, tensor<96xf32>) -> tensor<1x96x56x56xf32>
      %a = effnet.activation silu %c : tensor<1x96x56x56xf32>
      effnet.yield %a : tensor<1x96x56x56xf32>
    }
    ```
  }];
  let arguments = (ins
    Variadic<EffNet_Tensor>:$inputs,
    StrAttr:$name,
    OptionalAttr<EffNet_ScheduleAttr>:$schedule
  );
  let results = (outs EffNet_Tensor:$output);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $name `(` $inputs `)` attr-dict `:` functional-type($inputs, $output)
    $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "Type":$output, "ValueRange":$inputs, "StringRef":$name)>
  ];
  let extraClassDeclaration = [{
    /// Checks `schedule` against the group: tiles that fit its output, and
    /// placements of producers it has.
    ::mlir::LogicalResult verifySchedule(ScheduleAttr schedule);
    /// What the group computes, as one line without spaces: its ops, their
    /// attributes and operand shapes (per image), where each operand comes
    /// from; not the weights' names or values, the batch or the schedule.
    /// Groups with equal keys compute the same function of different
    /// weights; schedule files are keyed by it.
    std::string getKernelKey();
  }];
}

def EffNet_YieldOp : EffNet_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"GroupOp">]> {
  let summary = "the result of an effnet.group";
  let description = [{
    Ends a group's region with the value the group produces.

    Example:

    ```mlir
    effnet.yield %a : tensor<1x96x56x56xf32>
    ```
  }];
  let arguments = (ins EffNet_Tensor:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // EFFNET_DIALECT_EFFNETOPS_TD
