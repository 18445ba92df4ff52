//===- Driver.cpp - the driver and weights, as LLVM 19 IR -----------------===//
//
// Emitted for any triple in-process, so a library for another architecture
// needs no C compiler for it. The functions follow the generated header:
//
//   int NAME_run(const float *input, int batch, float *output);
//   int NAME_run_with_workspace(const float *input, int batch, float *output,
//                               void *workspace, size_t workspace_size);
//   size_t NAME_workspace_size(int batch);
//   int NAME(halide_buffer_t *input, halide_buffer_t *output);
//   metadata getters and NAME_set_num_threads.
//
// Images run one at a time through the arena, so its size does not depend on
// the batch, and no global is ever written: concurrent calls are safe.
//
//===----------------------------------------------------------------------===//

#include "codegen/Driver.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <mutex>

using namespace llvm;
using namespace mlir::effnet::codegen;

namespace {

constexpr int64_t kAlignBytes = 64;

/// halide_buffer_t and halide_dimension_t, as HalideRuntime.h lays them out.
struct HalideTypes {
  explicit HalideTypes(LLVMContext &ctx) {
    Type *i8 = Type::getInt8Ty(ctx), *i16 = Type::getInt16Ty(ctx),
         *i32 = Type::getInt32Ty(ctx), *i64 = Type::getInt64Ty(ctx);
    PointerType *ptr = PointerType::getUnqual(ctx);
    dim = StructType::create(ctx, {i32, i32, i32, i32}, "halide_dimension_t");
    type = StructType::create(ctx, {i8, i8, i16}, "halide_type_t");
    buffer = StructType::create(ctx, {i64, ptr, ptr, i64, type, i32, ptr, ptr},
                                "halide_buffer_t");
  }
  StructType *dim, *type, *buffer;
  // Field indices of halide_buffer_t, halide_type_t and halide_dimension_t
  // (HalideRuntime.h).
  static constexpr unsigned kHost = 2, kType = 4, kDimensions = 5, kDim = 6;
  static constexpr unsigned kCode = 0, kBits = 1, kLanes = 2;
  static constexpr unsigned kMin = 0, kExtent = 1, kStride = 2, kFlags = 3;
  /// halide_type_float: the one type code every buffer here has.
  static constexpr uint8_t kFloatCode = 2;
  static constexpr uint8_t kFloatBits = 32;
  /// The most dimensions a buffer here has (activations: 3, weights: 4).
  static constexpr unsigned kMaxRank = 4;
};

/// Builds the module's functions.
class DriverBuilder {
public:
  DriverBuilder(Module &module, const ModelPlan &plan, const ModelInfo &info,
                const std::vector<std::string> &kernelNames)
      : module(module), ctx(module.getContext()), plan(plan), info(info),
        kernelNames(kernelNames), halide(ctx), builder(ctx) {
    i8 = Type::getInt8Ty(ctx);
    i16 = Type::getInt16Ty(ctx);
    i32 = Type::getInt32Ty(ctx);
    i64 = Type::getInt64Ty(ctx);
    ptr = PointerType::getUnqual(ctx);
    // size_t: 32 bits on 32-bit targets.
    sizeT = module.getDataLayout().getIntPtrType(ctx);
  }

  /// Builds every function; `elideWeights` gives the weight blob zeros
  /// instead of its values (for printing).
  void build(bool elideWeights) {
    emitWeights(elideWeights);
    emitFillBuffer();
    Function *withWorkspace = emitRunWithWorkspace();
    Function *run = emitRun(withWorkspace);
    emitWorkspaceSize();
    emitHalideEntry(run);
    emitMetadata();
  }

private:
  std::string symbol(StringRef suffix) {
    return suffix.empty() ? info.name : info.name + "_" + suffix.str();
  }

  Function *define(StringRef name, Type *result, ArrayRef<Type *> params,
                   bool external = true) {
    auto *fn = Function::Create(FunctionType::get(result, params, false),
                                external ? GlobalValue::ExternalLinkage
                                         : GlobalValue::InternalLinkage,
                                name, module);
    fn->addFnAttr(Attribute::NoUnwind);
    return fn;
  }

  Function *declare(StringRef name, Type *result, ArrayRef<Type *> params) {
    return cast<Function>(
        module
            .getOrInsertFunction(name, FunctionType::get(result, params, false))
            .getCallee());
  }

  void emitWeights(bool elide) {
    size_t bytes = plan.weights.size() * sizeof(float);
    Constant *data;
    if (elide) {
      data = ConstantAggregateZero::get(ArrayType::get(i8, bytes));
    } else {
      StringRef raw(reinterpret_cast<const char *>(plan.weights.data()),
                    bytes);
      data = ConstantDataArray::getRaw(raw, bytes, i8);
    }
    weights = new GlobalVariable(module, data->getType(), /*isConstant=*/true,
                                 GlobalValue::InternalLinkage, data,
                                 symbol("weights"));
    weights->setAlignment(Align(kAlignBytes));
  }

  /// fill(buffer, dims, host, rank, extent0, stride0, ... extent3, stride3):
  /// a dense float32 buffer.
  void emitFillBuffer() {
    using T = HalideTypes;
    SmallVector<Type *> params{ptr, ptr, ptr, i32};
    for (unsigned i = 0; i < 2 * T::kMaxRank; ++i)
      params.push_back(i32);
    fill = define(symbol("fill_buffer"), Type::getVoidTy(ctx), params,
                  /*external=*/false);
    auto *entry = BasicBlock::Create(ctx, "entry", fill);
    builder.SetInsertPoint(entry);
    Value *buffer = fill->getArg(0), *dims = fill->getArg(1);
    builder.CreateMemSet(buffer, builder.getInt8(0),
                         module.getDataLayout().getTypeAllocSize(halide.buffer),
                         MaybeAlign(8));
    builder.CreateStore(fill->getArg(2),
                        builder.CreateStructGEP(halide.buffer, buffer, T::kHost));
    Value *type = builder.CreateStructGEP(halide.buffer, buffer, T::kType);
    builder.CreateStore(builder.getInt8(T::kFloatCode),
                        builder.CreateStructGEP(halide.type, type, T::kCode));
    builder.CreateStore(builder.getInt8(T::kFloatBits),
                        builder.CreateStructGEP(halide.type, type, T::kBits));
    builder.CreateStore(builder.getInt16(1),
                        builder.CreateStructGEP(halide.type, type, T::kLanes));
    builder.CreateStore(
        fill->getArg(3),
        builder.CreateStructGEP(halide.buffer, buffer, T::kDimensions));
    builder.CreateStore(dims,
                        builder.CreateStructGEP(halide.buffer, buffer, T::kDim));
    for (unsigned d = 0; d < T::kMaxRank; ++d) {
      Value *dim = builder.CreateConstInBoundsGEP1_32(halide.dim, dims, d);
      builder.CreateStore(builder.getInt32(0),
                          builder.CreateStructGEP(halide.dim, dim, T::kMin));
      builder.CreateStore(fill->getArg(4 + 2 * d),
                          builder.CreateStructGEP(halide.dim, dim, T::kExtent));
      builder.CreateStore(fill->getArg(5 + 2 * d),
                          builder.CreateStructGEP(halide.dim, dim, T::kStride));
      builder.CreateStore(builder.getInt32(0),
                          builder.CreateStructGEP(halide.dim, dim, T::kFlags));
    }
    builder.CreateRetVoid();
  }

  /// Calls fill_buffer for a buffer of `bufferDims` (getBufferDims).
  void callFill(Value *buffer, Value *dims, Value *host,
                const std::vector<BufferDim> &bufferDims) {
    SmallVector<Value *> args{buffer, dims, host,
                              builder.getInt32(bufferDims.size())};
    for (unsigned d = 0; d < HalideTypes::kMaxRank; ++d) {
      BufferDim dim = d < bufferDims.size() ? bufferDims[d] : BufferDim();
      args.push_back(builder.getInt32(dim.extent));
      args.push_back(builder.getInt32(dim.stride));
    }
    builder.CreateCall(fill, args);
  }

  Value *floatAt(Value *base, int64_t floats) {
    return builder.CreateConstInBoundsGEP1_64(i8, base, floats * 4);
  }

  /// Returns `code` from the current function when `failed` holds.
  void returnIf(Value *failed, int code) {
    Function *fn = builder.GetInsertBlock()->getParent();
    auto *bail = BasicBlock::Create(ctx, "bail", fn);
    auto *cont = BasicBlock::Create(ctx, "cont", fn);
    builder.CreateCondBr(failed, bail, cont);
    builder.SetInsertPoint(bail);
    builder.CreateRet(builder.getInt32(code));
    builder.SetInsertPoint(cont);
  }

  Function *emitRunWithWorkspace() {
    Function *fn =
        define(symbol("run_with_workspace"), i32, {ptr, i32, ptr, ptr, sizeT});
    Value *input = fn->getArg(0), *batch = fn->getArg(1),
          *output = fn->getArg(2), *workspace = fn->getArg(3),
          *size = fn->getArg(4);
    auto *entry = BasicBlock::Create(ctx, "entry", fn);
    builder.SetInsertPoint(entry);

    // One buffer struct and four dims per argument of the widest kernel.
    size_t slots = 1;
    for (const KernelSpec &k : plan.kernels)
      slots = std::max(slots, k.inputs.size() + k.weights.size() + 1);
    std::vector<Value *> buffers, dims;
    for (size_t i = 0; i < slots; ++i) {
      buffers.push_back(builder.CreateAlloca(halide.buffer));
      dims.push_back(builder.CreateAlloca(
          halide.dim, builder.getInt32(HalideTypes::kMaxRank)));
    }

    returnIf(builder.CreateOr(builder.CreateIsNull(input),
                              builder.CreateIsNull(output)),
             kNullPointer);
    returnIf(builder.CreateICmpSLT(batch, builder.getInt32(1)), kBadBatch);
    returnIf(
        builder.CreateOr(builder.CreateIsNull(workspace),
                         builder.CreateICmpULT(
                             size, sizeConstant(workspaceBytes(plan)))),
        kWorkspace);

    // The arena starts at the first 64-byte boundary of the workspace.
    Value *address = builder.CreatePtrToInt(workspace, i64);
    Value *skew =
        builder.CreateAnd(builder.CreateSub(builder.getInt64(0), address),
                          builder.getInt64(kAlignBytes - 1));
    Value *arena = builder.CreateInBoundsGEP(i8, workspace, skew, "arena");

    const ArenaTensor &in = plan.tensors[plan.inputTensor];
    const ArenaTensor &out = plan.tensors[plan.outputTensor];
    int64_t inFloats = in.shape.elements(), outFloats = out.shape.elements();

    auto *loop = BasicBlock::Create(ctx, "image", fn);
    auto *done = BasicBlock::Create(ctx, "done", fn);
    BasicBlock *preheader = builder.GetInsertBlock();
    builder.CreateBr(loop);
    builder.SetInsertPoint(loop);
    PHINode *n = builder.CreatePHI(i32, 2, "n");
    n->addIncoming(builder.getInt32(0), preheader);
    Value *n64 = builder.CreateZExt(n, i64);
    Value *inImage = builder.CreateInBoundsGEP(
        i8, input, builder.CreateMul(n64, builder.getInt64(inFloats * 4)));
    builder.CreateMemCpy(floatAt(arena, in.offset), MaybeAlign(kAlignBytes),
                         inImage, MaybeAlign(4), inFloats * 4);

    for (const Step &step : plan.steps) {
      const KernelSpec &kernel = plan.kernels[step.kernel];
      SmallVector<Value *> args;
      size_t slot = 0;
      auto addBuffer = [&](Value *host, const std::vector<BufferDim> &dimsOf) {
        callFill(buffers[slot], dims[slot], host, dimsOf);
        args.push_back(buffers[slot++]);
      };
      for (size_t i = 0; i < step.inputs.size(); ++i) {
        const ArenaTensor &t = plan.tensors[step.inputs[i]];
        addBuffer(floatAt(arena, t.offset), getBufferDims(kernel.inputs[i]));
      }
      for (size_t i = 0; i < step.weights.size(); ++i)
        addBuffer(floatAt(weights, step.weights[i]),
                  getBufferDims(kernel.weights[i]));
      const ArenaTensor &o = plan.tensors[step.output];
      addBuffer(floatAt(arena, o.offset), getBufferDims(kernel.output));
      SmallVector<Type *> params(args.size(), ptr);
      Function *callee = declare(kernelNames[step.kernel], i32, params);
      Value *status = builder.CreateCall(callee, args);
      auto *fail = BasicBlock::Create(ctx, "kernel_failed", fn);
      auto *next = BasicBlock::Create(ctx, "next", fn);
      builder.CreateCondBr(builder.CreateICmpNE(status, builder.getInt32(0)),
                           fail, next);
      builder.SetInsertPoint(fail);
      builder.CreateRet(status);
      builder.SetInsertPoint(next);
    }

    Value *outImage = builder.CreateInBoundsGEP(
        i8, output, builder.CreateMul(n64, builder.getInt64(outFloats * 4)));
    builder.CreateMemCpy(outImage, MaybeAlign(4), floatAt(arena, out.offset),
                         MaybeAlign(kAlignBytes), outFloats * 4);
    Value *nextN = builder.CreateAdd(n, builder.getInt32(1));
    n->addIncoming(nextN, builder.GetInsertBlock());
    builder.CreateCondBr(builder.CreateICmpSLT(nextN, batch), loop, done);
    builder.SetInsertPoint(done);
    builder.CreateRet(builder.getInt32(0));
    return fn;
  }

  Function *emitRun(Function *withWorkspace) {
    Function *fn = define(symbol("run"), i32, {ptr, i32, ptr});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *input = fn->getArg(0), *batch = fn->getArg(1),
          *output = fn->getArg(2);
    returnIf(builder.CreateOr(builder.CreateIsNull(input),
                              builder.CreateIsNull(output)),
             kNullPointer);
    returnIf(builder.CreateICmpSLT(batch, builder.getInt32(1)), kBadBatch);
    Function *mallocFn = declare("malloc", ptr, {sizeT});
    Function *freeFn = declare("free", Type::getVoidTy(ctx), {ptr});
    Value *bytes = sizeConstant(workspaceBytes(plan));
    Value *workspace = builder.CreateCall(mallocFn, {bytes});
    returnIf(builder.CreateIsNull(workspace), kWorkspace);
    Value *status = builder.CreateCall(
        withWorkspace, {input, batch, output, workspace, bytes});
    builder.CreateCall(freeFn, {workspace});
    builder.CreateRet(status);
    return fn;
  }

  void emitWorkspaceSize() {
    Function *fn = define(symbol("workspace_size"), sizeT, {i32});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *valid = builder.CreateICmpSGE(fn->getArg(0), builder.getInt32(1));
    builder.CreateRet(builder.CreateSelect(
        valid, sizeConstant(workspaceBytes(plan)), sizeConstant(0)));
  }

  /// Loads field `field` of `dims[d]`.
  Value *dimField(Value *dims, unsigned d, unsigned field) {
    Value *dim = builder.CreateConstInBoundsGEP1_32(halide.dim, dims, d);
    return builder.CreateLoad(i32,
                              builder.CreateStructGEP(halide.dim, dim, field));
  }

  /// Checks that `buffer` is a float32 buffer of the layout the driver
  /// builds: `inner` (getBufferDims), then a dense outermost dimension of any
  /// extent. Returns kBadBuffer from the current function when it is not;
  /// else gives (host, outermost extent).
  std::pair<Value *, Value *> checkBuffer(Value *buffer,
                                          const std::vector<BufferDim> &inner) {
    using T = HalideTypes;
    Value *type = builder.CreateStructGEP(halide.buffer, buffer, T::kType);
    auto typeField = [&](Type *fieldType, unsigned field) {
      return builder.CreateLoad(
          fieldType, builder.CreateStructGEP(halide.type, type, field));
    };
    Value *ok = builder.CreateAnd(
        builder.CreateICmpEQ(typeField(i8, T::kCode),
                             builder.getInt8(T::kFloatCode)),
        builder.CreateICmpEQ(typeField(i8, T::kBits),
                             builder.getInt8(T::kFloatBits)));
    ok = builder.CreateAnd(ok, builder.CreateICmpEQ(typeField(i16, T::kLanes),
                                                    builder.getInt16(1)));
    unsigned rank = inner.size() + 1;
    ok = builder.CreateAnd(
        ok, builder.CreateICmpEQ(
                builder.CreateLoad(i32, builder.CreateStructGEP(
                                            halide.buffer, buffer,
                                            T::kDimensions)),
                builder.getInt32(rank)));
    Value *host = builder.CreateLoad(
        ptr, builder.CreateStructGEP(halide.buffer, buffer, T::kHost));
    ok = builder.CreateAnd(ok, builder.CreateIsNotNull(host));
    Value *dims = builder.CreateLoad(
        ptr, builder.CreateStructGEP(halide.buffer, buffer, T::kDim));
    ok = builder.CreateAnd(ok, builder.CreateIsNotNull(dims));
    // The dims are read only once the rank is right and they exist.
    returnIf(builder.CreateNot(ok), kBadBuffer);
    Value *dimsOk = builder.getTrue();
    auto expect = [&](unsigned d, unsigned field, int64_t value) {
      dimsOk = builder.CreateAnd(
          dimsOk, builder.CreateICmpEQ(dimField(dims, d, field),
                                       builder.getInt32(value)));
    };
    for (unsigned d = 0; d < inner.size(); ++d) {
      expect(d, T::kExtent, inner[d].extent);
      expect(d, T::kStride, inner[d].stride);
    }
    const BufferDim &last = inner.back();
    expect(rank - 1, T::kStride, last.extent * last.stride);
    returnIf(builder.CreateNot(dimsOk), kBadBuffer);
    return {host, dimField(dims, rank - 1, T::kExtent)};
  }

  void emitHalideEntry(Function *run) {
    Function *fn = define(symbol(""), i32, {ptr, ptr});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *input = fn->getArg(0), *output = fn->getArg(1);
    returnIf(builder.CreateOr(builder.CreateIsNull(input),
                              builder.CreateIsNull(output)),
             kNullPointer);
    const TensorShape &in = plan.tensors[plan.inputTensor].shape;
    const TensorShape &out = plan.tensors[plan.outputTensor].shape;
    auto [inHost, batch] = checkBuffer(input, getBufferDims(in));
    // The logits: [classes, N].
    auto [outHost, outBatch] = checkBuffer(output, {{out.channels, 1}});
    returnIf(builder.CreateICmpNE(batch, outBatch), kBadBuffer);
    builder.CreateRet(builder.CreateCall(run, {inHost, batch, outHost}));
  }

  void emitMetadata() {
    auto stringGetter = [&](StringRef name, StringRef value) {
      Function *fn = define(symbol(name), ptr, {});
      builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
      builder.CreateRet(
          builder.CreateGlobalStringPtr(value, symbol(name) + "_str"));
    };
    auto intGetter = [&](StringRef name, int64_t value) {
      Function *fn = define(symbol(name), i32, {});
      builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
      builder.CreateRet(builder.getInt32(value));
    };
    stringGetter("variant", info.variant);
    stringGetter("target", info.target);
    intGetter("in_channels", info.inChannels);
    intGetter("resolution", info.resolution);
    intGetter("num_classes", info.numClasses);

    Function *fn = define(symbol("set_num_threads"), i32, {i32});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Function *halideSet = declare("halide_set_num_threads", i32, {i32});
    builder.CreateRet(builder.CreateCall(halideSet, {fn->getArg(0)}));
  }

  Module &module;
  LLVMContext &ctx;
  const ModelPlan &plan;
  const ModelInfo &info;
  const std::vector<std::string> &kernelNames;
  HalideTypes halide;
  IRBuilder<> builder;
  Type *i8, *i16, *i32, *i64;
  IntegerType *sizeT;
  PointerType *ptr;

  Value *sizeConstant(int64_t value) { return ConstantInt::get(sizeT, value); }
  GlobalVariable *weights = nullptr;
  Function *fill = nullptr;
};

void initializeTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
  });
}

} // namespace

int64_t mlir::effnet::codegen::workspaceBytes(const ModelPlan &plan) {
  return plan.arenaFloats * 4 + kAlignBytes;
}

/// The target machine for `triple`.
static Expected<std::unique_ptr<TargetMachine>>
createMachine(const std::string &triple) {
  initializeTargets();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError(inconvertibleErrorCode(),
                             "no LLVM target for '%s': %s", triple.c_str(),
                             error.c_str());
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, "generic", "", TargetOptions(), Reloc::PIC_));
  if (!machine)
    return createStringError(inconvertibleErrorCode(),
                             "cannot create an LLVM target machine for '%s'",
                             triple.c_str());
  return std::move(machine);
}

/// Builds the driver module for `triple`, verifies it and hands it, with its
/// target machine, to `use`: what compiling and printing share.
static Error
withDriver(const ModelPlan &plan, const ModelInfo &info,
           const std::vector<std::string> &kernelNames,
           const std::string &triple, bool elideWeights,
           function_ref<Error(Module &, TargetMachine &)> use) {
  Expected<std::unique_ptr<TargetMachine>> machine = createMachine(triple);
  if (!machine)
    return machine.takeError();
  LLVMContext ctx;
  Module module(info.name, ctx);
  module.setTargetTriple(triple);
  module.setDataLayout((*machine)->createDataLayout());
  DriverBuilder(module, plan, info, kernelNames).build(elideWeights);
  std::string verifyErrors;
  raw_string_ostream verifyStream(verifyErrors);
  if (verifyModule(module, &verifyStream))
    return createStringError(inconvertibleErrorCode(),
                             "internal error: invalid driver IR: %s",
                             verifyErrors.c_str());
  return use(module, **machine);
}

Error mlir::effnet::codegen::emitDriverObject(
    const ModelPlan &plan, const ModelInfo &info,
    const std::vector<std::string> &kernelNames, const std::string &triple,
    const std::string &objectPath) {
  return withDriver(
      plan, info, kernelNames, triple, /*elideWeights=*/false,
      [&](Module &module, TargetMachine &machine) -> Error {
        std::error_code ec;
        raw_fd_ostream os(objectPath, ec, sys::fs::OF_None);
        if (ec)
          return createStringError(ec, "cannot write '%s': %s",
                                   objectPath.c_str(), ec.message().c_str());
        legacy::PassManager passes;
        if (machine.addPassesToEmitFile(passes, os, nullptr,
                                        CodeGenFileType::ObjectFile))
          return createStringError(inconvertibleErrorCode(),
                                   "LLVM cannot emit objects for '%s'",
                                   triple.c_str());
        passes.run(module);
        os.flush();
        if (os.has_error())
          return createStringError(os.error(), "cannot write '%s'",
                                   objectPath.c_str());
        return Error::success();
      });
}

Error mlir::effnet::codegen::printDriver(
    const ModelPlan &plan, const ModelInfo &info,
    const std::vector<std::string> &kernelNames, const std::string &triple,
    raw_ostream &os) {
  return withDriver(plan, info, kernelNames, triple, /*elideWeights=*/true,
                    [&](Module &module, TargetMachine &) {
                      module.print(os, nullptr);
                      return Error::success();
                    });
}
