//===- EffNetDialect.td - the effnet dialect, its enums and interfaces ----===//
//
// The dialect describes the EfficientNet family at three levels: stages (the
// paper's table rows), blocks (stem, MBConv, Fused-MBConv, head) and primitives
// (convolution, batch norm, activations, pooling, dense, elementwise ops).
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_DIALECT_EFFNETDIALECT_TD
#define EFFNET_DIALECT_EFFNETDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinTypes.td"

def EffNet_Dialect : Dialect {
  let name = "effnet";
  let cppNamespace = "::mlir::effnet";
  let summary = "The EfficientNet family as IR, from stage tables to primitives";
  let description = [{
    Tensors are builtin ranked f32 tensors in NCHW order. The batch dimension may
    be dynamic; channel and spatial dimensions are static. Three levels of ops:
    `effnet.stage` (one row of a stage table), the blocks `effnet.stem`,
    `effnet.mbconv`, `effnet.fused_mbconv` and `effnet.head`, and primitives
    (`effnet.conv2d`, `effnet.batch_norm`, ...) whose weights are named by
    `effnet.weight`.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Adds the attributes (defined with their storage in EffNetSchedule.cpp).
    void registerAttributes();
  }];
}

//===----------------------------------------------------------------------===//
// Enums
//
// Block and activation kinds are spelled as a bare keyword before the operand
// (`effnet.activation silu %x`); the padding mode is a dialect attribute in the
// attribute dictionary (`padding_mode = #effnet.padding_mode<same>`).
//===----------------------------------------------------------------------===//

def EffNet_BlockKind : I32EnumAttr<"BlockKind", "kind of block a stage repeats", [
    I32EnumAttrCase<"mbconv", 0>,
    I32EnumAttrCase<"fused_mbconv", 1>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

def EffNet_ActivationKind : I32EnumAttr<"ActivationKind", "activation function", [
    I32EnumAttrCase<"silu", 0>,
    I32EnumAttrCase<"swish", 1>,
    I32EnumAttrCase<"sigmoid", 2>,
    I32EnumAttrCase<"relu", 3>,
    I32EnumAttrCase<"identity", 4>
  ]> {
  let cppNamespace = "::mlir::effnet";
}

def EffNet_PaddingMode : I32EnumAttr<"PaddingMode", "how a convolution pads", [
    I32EnumAttrCase<"explicit_", 0, "explicit">,
    I32EnumAttrCase<"same", 1>
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::effnet";
}
def EffNet_PaddingModeAttr
    : EnumAttr<EffNet_Dialect, EffNet_PaddingMode, "padding_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

include "dialect/EffNetSchedule.td"

//===----------------------------------------------------------------------===//
// Interfaces
//===----------------------------------------------------------------------===//

def EffNet_ShapeInferenceOpInterface : OpInterface<"ShapeInferenceOpInterface"> {
  let cppNamespace = "::mlir::effnet";
  let description = [{
    An op whose single result type follows from its operand types and
    attributes. `inferResultType` checks every shape and attribute rule of the
    op, reporting a broken rule through `emitError`; the verifier, the builders
    and the passes that rewrite shapes (compound scaling) all use it.
  }];
  let methods = [
    InterfaceMethod<"Infers the result type, or reports why it cannot.",
      "::mlir::FailureOr<::mlir::RankedTensorType>", "inferResultType",
      (ins "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError)>
  ];
  let verify = [{ return ::mlir::effnet::verifyInferredResultType($_op); }];
}

def EffNet_CostOpInterface : OpInterface<"CostOpInterface"> {
  let cppNamespace = "::mlir::effnet";
  let description = [{
    The size and work of an op, as `effnet-stats` reports them: parameters
    (convolution and dense weights and biases, batch-norm scale and shift; not
    the running statistics) and multiply-adds of convolutions and dense layers,
    for the batch of the op's input (one image when the batch is dynamic).
  }];
  let methods = [
    InterfaceMethod<"Number of trainable parameters this op holds.",
      "uint64_t", "getParameterCount">,
    InterfaceMethod<"Multiply-adds of the convolutions and dense layers.",
      "uint64_t", "getMacCount">
  ];
}

//===----------------------------------------------------------------------===//
// Base op and type constraints
//===----------------------------------------------------------------------===//

class EffNet_Op<string mnemonic, list<Trait> traits = []>
    : Op<EffNet_Dialect, mnemonic, traits>;

def EffNet_Tensor : RankedTensorOf<[F32]>;
def EffNet_Activations : 4DTensorOf<[F32]>;

#endif // EFFNET_DIALECT_EFFNETDIALECT_TD
