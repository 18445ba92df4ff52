//===- Driver.cpp - the driver and weights, as LLVM 19 IR -----------------===//
//
// Emitted for any triple in-process, so a library for another architecture
// needs no C compiler for it. The functions follow the generated header:
//
//   int NAME_run(const float *input, int batch, float *output);
//   int NAME_run_with_workspace(const float *input, int batch, float *output,
//                               void *workspace, size_t workspace_size);
//   int NAME_run_outputs(const float *input, int batch,
//                        float *const *outputs);
//   int NAME_run_outputs_with_workspace(const float *input, int batch,
//                                       float *const *outputs,
//                                       void *workspace, size_t size);
//   size_t NAME_workspace_size(int batch);
//   int NAME(halide_buffer_t *input, halide_buffer_t *output0, ...);
// (NAME_run fills the first output alone.)
//   metadata getters and NAME_set_num_threads.
//
// Each image runs through an arena of its own in the workspace; a batch runs
// as many images at once as the Halide pool has threads and the workspace
// has arenas (halide_do_par_for, workers taking the next image), one at a
// time in a workspace of NAME_WORKSPACE_BYTES. An image that runs alone
// hands its kernels' parallel loops to the library's own pool (Pool.h). Each
// image's results do not depend on which thread ran it. The globals written
// are the thread count NAME_set_num_threads keeps and the pool's state,
// which one loop owns at a time: concurrent calls are safe.
//
//===----------------------------------------------------------------------===//

#include "codegen/Driver.h"
#include "codegen/Pool.h"

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

#include <limits>
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
  /// halide_type_float, 32 bits: every buffer here but 8-bit pixels.
  static constexpr uint8_t kFloatCode = 2;
  static constexpr uint8_t kFloatBits = 32;
  /// halide_type_uint, 8 bits: NAME_run_rgb8's pixels.
  static constexpr uint8_t kUIntCode = 1;
  static constexpr uint8_t kByteBits = 8;
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

  /// Which family of entry points a function belongs to: float images
  /// (NAME_run...) or 8-bit pixels (NAME_run_rgb8..., which take the rows'
  /// stride after the batch).
  struct Entry {
    bool pixels = false;

    /// `run_SUFFIX` or `run_rgb8_SUFFIX`.
    std::string name(StringRef suffix) const {
      return (pixels ? "run_rgb8_" : "run_") + suffix.str();
    }
    /// (input, batch, [row_stride,] output(s), workspace, size).
    SmallVector<Type *> params(const DriverBuilder &b) const {
      if (pixels)
        return {b.ptr, b.i32, b.sizeT, b.ptr, b.ptr, b.sizeT};
      return {b.ptr, b.i32, b.ptr, b.ptr, b.sizeT};
    }
    unsigned firstOutputArg() const { return pixels ? 3 : 2; }
  };

  /// Builds every function; `elideWeights` gives the weight blob zeros
  /// instead of its values (for printing).
  void build(bool elideWeights) {
    emitWeights(elideWeights);
    emitFillBuffer();
    emitWorkers();
    emitWorkspaceSize();
    emitParForHandler();
    // The float entries, then (when the plan has its kernels) the same for
    // 8-bit pixels.
    Function *runOutputs = nullptr;
    for (bool pixels : {false, true}) {
      if (pixels && plan.pixelKernels.empty())
        continue;
      Entry entry{pixels};
      Function *task = emitTask(entry, emitRunImage(entry));
      Function *core = emitRunInto(entry, task, emitTaskAtOnce(entry, task));
      Function *outputs = emitAllocating(
          entry, "_outputs", emitRunOutputsWithWorkspace(entry, core));
      emitAllocating(entry, "", emitRunWithWorkspace(entry, core));
      if (!pixels)
        runOutputs = outputs;
    }
    emitHalideEntry(runOutputs);
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

  /// fill(buffer, dims, host, code, bits, rank, extent0, stride0, ...
  /// extent3, stride3): a buffer of one lane of type (code, bits).
  void emitFillBuffer() {
    using T = HalideTypes;
    SmallVector<Type *> params{ptr, ptr, ptr, i8, i8, i32};
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
    builder.CreateStore(fill->getArg(3),
                        builder.CreateStructGEP(halide.type, type, T::kCode));
    builder.CreateStore(fill->getArg(4),
                        builder.CreateStructGEP(halide.type, type, T::kBits));
    builder.CreateStore(builder.getInt16(1),
                        builder.CreateStructGEP(halide.type, type, T::kLanes));
    builder.CreateStore(
        fill->getArg(5),
        builder.CreateStructGEP(halide.buffer, buffer, T::kDimensions));
    builder.CreateStore(dims,
                        builder.CreateStructGEP(halide.buffer, buffer, T::kDim));
    for (unsigned d = 0; d < T::kMaxRank; ++d) {
      Value *dim = builder.CreateConstInBoundsGEP1_32(halide.dim, dims, d);
      builder.CreateStore(builder.getInt32(0),
                          builder.CreateStructGEP(halide.dim, dim, T::kMin));
      builder.CreateStore(fill->getArg(6 + 2 * d),
                          builder.CreateStructGEP(halide.dim, dim, T::kExtent));
      builder.CreateStore(fill->getArg(7 + 2 * d),
                          builder.CreateStructGEP(halide.dim, dim, T::kStride));
      builder.CreateStore(builder.getInt32(0),
                          builder.CreateStructGEP(halide.dim, dim, T::kFlags));
    }
    builder.CreateRetVoid();
  }

  /// Calls fill_buffer for a float32 buffer of `bufferDims` (getBufferDims),
  /// or for 8-bit pixels whose rows are `rowStride` (an i32) apart.
  void callFill(Value *buffer, Value *dims, Value *host,
                const std::vector<BufferDim> &bufferDims,
                Value *rowStride = nullptr) {
    using T = HalideTypes;
    SmallVector<Value *> args{
        buffer,
        dims,
        host,
        builder.getInt8(rowStride ? T::kUIntCode : T::kFloatCode),
        builder.getInt8(rowStride ? T::kByteBits : T::kFloatBits),
        builder.getInt32(bufferDims.size())};
    for (unsigned d = 0; d < T::kMaxRank; ++d) {
      BufferDim dim = d < bufferDims.size() ? bufferDims[d] : BufferDim();
      args.push_back(builder.getInt32(dim.extent));
      args.push_back(dim.stride == kRuntimeStride
                         ? rowStride
                         : builder.getInt32(dim.stride));
    }
    builder.CreateCall(fill, args);
  }

  Value *floatAt(Value *base, int64_t floats) {
    return builder.CreateConstInBoundsGEP1_64(i8, base, floats * 4);
  }

  /// Returns `code` from the current function when `failed` holds.
  void returnIf(Value *failed, Value *code) {
    Function *fn = builder.GetInsertBlock()->getParent();
    auto *bail = BasicBlock::Create(ctx, "bail", fn);
    auto *cont = BasicBlock::Create(ctx, "cont", fn);
    builder.CreateCondBr(failed, bail, cont);
    builder.SetInsertPoint(bail);
    builder.CreateRet(code);
    builder.SetInsertPoint(cont);
  }
  void returnIf(Value *failed, int code) {
    returnIf(failed, builder.getInt32(code));
  }
  /// Returns `status` (a kernel's or a call's) when it is not 0.
  void returnIfFailed(Value *status) {
    returnIf(builder.CreateICmpNE(status, builder.getInt32(0)), status);
  }

  /// The closure of a call's image tasks: {input, row stride (i32), outputs,
  /// first arena, batch, next image}; the arenas are arenaStride apart.
  StructType *closureType() {
    if (!closure)
      closure = StructType::create(ctx, {ptr, i32, ptr, ptr, i32, i32},
                                   symbol("closure"));
    return closure;
  }
  static constexpr unsigned kInput = 0, kRowStride = 1, kOutputs = 2,
                            kArena = 3, kBatch = 4, kNext = 5;

  /// run_image(input, n, row_stride, outputs, arena), or run_rgb8_image:
  /// runs image `n` through `arena` and copies each output into its entry
  /// of `outputs`, skipping null entries. Arguments are checked by run_into.
  Function *emitRunImage(const Entry &kind) {
    Function *fn = define(symbol(kind.name("image")), i32,
                          {ptr, i32, i32, ptr, ptr}, /*external=*/false);
    Value *input = fn->getArg(0), *n = fn->getArg(1),
          *rowStride = kind.pixels ? fn->getArg(2) : nullptr,
          *outputs = fn->getArg(3), *arena = fn->getArg(4);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));

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

    const ArenaTensor &in = plan.tensors[plan.inputTensor];
    int64_t inFloats = in.shape.elements();
    Value *n64 = builder.CreateZExt(n, i64);
    // The image: copied into the arena, or pixels read where they are.
    Value *pixels = nullptr;
    if (kind.pixels) {
      Value *imageBytes =
          builder.CreateMul(builder.CreateZExt(rowStride, i64),
                            builder.getInt64(in.shape.height));
      pixels = builder.CreateInBoundsGEP(i8, input,
                                         builder.CreateMul(n64, imageBytes));
    } else {
      Value *inImage = builder.CreateInBoundsGEP(
          i8, input, builder.CreateMul(n64, builder.getInt64(inFloats * 4)));
      builder.CreateMemCpy(floatAt(arena, in.offset), MaybeAlign(kAlignBytes),
                           inImage, MaybeAlign(4), inFloats * 4);
    }

    for (const Step &step : plan.steps) {
      int kernelIndex = step.kernel;
      if (kind.pixels && plan.pixelKernels[step.kernel] >= 0)
        kernelIndex = plan.pixelKernels[step.kernel];
      const KernelSpec &kernel = plan.kernels[kernelIndex];
      SmallVector<Value *> args;
      size_t slot = 0;
      auto addBuffer = [&](Value *host, const std::vector<BufferDim> &dimsOf,
                           Value *stride = nullptr) {
        callFill(buffers[slot], dims[slot], host, dimsOf, stride);
        args.push_back(buffers[slot++]);
      };
      for (size_t i = 0; i < step.inputs.size(); ++i) {
        const ArenaTensor &t = plan.tensors[step.inputs[i]];
        if (kernel.inputs[i].rgb8)
          addBuffer(pixels, getBufferDims(kernel.inputs[i]), rowStride);
        else
          addBuffer(floatAt(arena, t.offset), getBufferDims(kernel.inputs[i]));
      }
      for (size_t i = 0; i < step.weights.size(); ++i)
        addBuffer(floatAt(weights, step.weights[i]),
                  getBufferDims(kernel.weights[i]));
      const ArenaTensor &o = plan.tensors[step.output];
      addBuffer(floatAt(arena, o.offset), getBufferDims(kernel.output));
      SmallVector<Type *> params(args.size(), ptr);
      Function *callee = declare(kernelNames[kernelIndex], i32, params);
      returnIfFailed(builder.CreateCall(callee, args));
    }

    for (auto [index, output] : llvm::enumerate(plan.outputs)) {
      const ArenaTensor &out = plan.tensors[output.tensor];
      int64_t outFloats = out.shape.elements();
      Value *to = builder.CreateLoad(
          ptr, builder.CreateConstInBoundsGEP1_32(ptr, outputs, index));
      auto *copy = BasicBlock::Create(ctx, "copy_out", fn);
      auto *copied = BasicBlock::Create(ctx, "copied", fn);
      builder.CreateCondBr(builder.CreateIsNull(to), copied, copy);
      builder.SetInsertPoint(copy);
      Value *outImage = builder.CreateInBoundsGEP(
          i8, to, builder.CreateMul(n64, builder.getInt64(outFloats * 4)));
      builder.CreateMemCpy(outImage, MaybeAlign(4), floatAt(arena, out.offset),
                           MaybeAlign(kAlignBytes), outFloats * 4);
      builder.CreateBr(copied);
      builder.SetInsertPoint(copied);
    }
    builder.CreateRet(builder.getInt32(0));
    return fn;
  }

  /// task(user_context, k, closure): a halide_task_t. Worker k takes the
  /// next image until none is left and runs it in arena k; a failure stops
  /// every worker from taking more and is returned.
  Function *emitTask(const Entry &kind, Function *runImage) {
    Function *fn = define(symbol(kind.name("task")), i32, {ptr, i32, ptr},
                          /*external=*/false);
    Value *k = fn->getArg(1), *closure = fn->getArg(2);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    StructType *type = closureType();
    auto field = [&](Type *fieldType, unsigned index) {
      return builder.CreateLoad(fieldType,
                                builder.CreateStructGEP(type, closure, index));
    };
    Value *input = field(ptr, kInput), *rowStride = field(i32, kRowStride),
          *outputs = field(ptr, kOutputs), *batch = field(i32, kBatch);
    // Separate statements: the order of the instructions must not depend on
    // the order in which a compiler evaluates arguments.
    Value *arenas = field(ptr, kArena);
    Value *skip = builder.CreateMul(builder.CreateZExt(k, i64),
                                    builder.getInt64(arenaStride(plan)));
    Value *arena = builder.CreateInBoundsGEP(i8, arenas, skip);
    Value *next = builder.CreateStructGEP(type, closure, kNext);
    auto *loop = BasicBlock::Create(ctx, "take", fn);
    auto *run = BasicBlock::Create(ctx, "run", fn);
    auto *done = BasicBlock::Create(ctx, "done", fn);
    auto *fail = BasicBlock::Create(ctx, "failed", fn);
    builder.CreateBr(loop);
    builder.SetInsertPoint(loop);
    Value *n = emitTakeNext(builder, next);
    builder.CreateCondBr(builder.CreateICmpSLT(n, batch), run, done);
    builder.SetInsertPoint(run);
    Value *status =
        builder.CreateCall(runImage, {input, n, rowStride, outputs, arena});
    builder.CreateCondBr(builder.CreateICmpEQ(status, builder.getInt32(0)),
                         loop, fail);
    builder.SetInsertPoint(fail);
    builder.CreateStore(batch, next)->setAtomic(AtomicOrdering::Monotonic);
    builder.CreateRet(status);
    builder.SetInsertPoint(done);
    builder.CreateRet(builder.getInt32(0));
    return fn;
  }

  /// task_at_once(user_context, k, closure): task with this thread's
  /// kernels run in order in it (see emitParForHandler).
  Function *emitTaskAtOnce(const Entry &kind, Function *task) {
    Function *fn = define(symbol(kind.name("task_at_once")), i32,
                          {ptr, i32, ptr}, /*external=*/false);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    SmallVector<Value *> args(llvm::make_pointer_range(fn->args()));
    builder.CreateRet(withKernelThreads(
        builder.getInt32(1), [&] { return builder.CreateCall(task, args); }));
    return fn;
  }

  /// effnet_kernel_par_for, installed with halide_set_custom_do_par_for
  /// while an image runs, hands a kernel's parallel loop to where the
  /// thread-local effnet_kernel_threads says: 1 (a thread that runs an image
  /// at once with others), in order in this thread; N > 1 (an image on
  /// every thread), effnet_pool_par_for on N threads, or Halide's pool where
  /// the target has no pool of ours; 0 (threads outside a call), Halide's
  /// pool. All are linkonce: every effnet library in an app shares one of
  /// each, so libraries never chain to each other's handler.
  void emitParForHandler() {
    kernelThreads = new GlobalVariable(
        module, i32, /*isConstant=*/false, GlobalValue::LinkOnceODRLinkage,
        builder.getInt32(0), "effnet_kernel_threads", nullptr,
        GlobalValue::GeneralDynamicTLSModel);
    SmallVector<Type *> params{ptr, ptr, i32, i32, ptr};
    defaultParFor = declare("halide_default_do_par_for", i32, params);
    Function *pool = emitPool(module, defaultParFor);
    doParFor = Function::Create(FunctionType::get(i32, params, false),
                                GlobalValue::LinkOnceODRLinkage,
                                "effnet_kernel_par_for", module);
    doParFor->addFnAttr(Attribute::NoUnwind);
    Value *context = doParFor->getArg(0), *body = doParFor->getArg(1),
          *min = doParFor->getArg(2), *size = doParFor->getArg(3),
          *closureArg = doParFor->getArg(4);
    auto *entry = BasicBlock::Create(ctx, "entry", doParFor);
    auto *pass = BasicBlock::Create(ctx, "pass_on", doParFor);
    auto *ours = BasicBlock::Create(ctx, "ours", doParFor);
    auto *loop = BasicBlock::Create(ctx, "in_order", doParFor);
    auto *done = BasicBlock::Create(ctx, "done", doParFor);
    builder.SetInsertPoint(entry);
    Value *threadCount = builder.CreateLoad(
        i32, builder.CreateThreadLocalAddress(kernelThreads));
    Value *end = builder.CreateAdd(min, size);
    builder.CreateCondBr(builder.CreateICmpEQ(threadCount, builder.getInt32(0)),
                         pass, ours);
    builder.SetInsertPoint(pass);
    SmallVector<Value *> args(llvm::make_pointer_range(doParFor->args()));
    builder.CreateRet(builder.CreateCall(defaultParFor, args));
    // One thread, or one iteration: in order, here.
    builder.SetInsertPoint(ours);
    Value *oneThread = builder.CreateICmpEQ(threadCount, builder.getInt32(1));
    Value *oneIteration = builder.CreateICmpSLE(size, builder.getInt32(1));
    Value *serial = builder.CreateOr(oneThread, oneIteration);
    if (pool) {
      auto *shared = BasicBlock::Create(ctx, "pool", doParFor);
      builder.CreateCondBr(serial, loop, shared);
      builder.SetInsertPoint(shared);
      args.push_back(threadCount);
      builder.CreateRet(builder.CreateCall(pool, args));
    } else {
      builder.CreateCondBr(serial, loop, pass);
    }
    builder.SetInsertPoint(loop);
    PHINode *i = builder.CreatePHI(i32, 2, "i");
    i->addIncoming(min, ours);
    auto *step = BasicBlock::Create(ctx, "step", doParFor);
    builder.CreateCondBr(builder.CreateICmpSLT(i, end), step, done);
    builder.SetInsertPoint(step);
    Value *status = builder.CreateCall(
        FunctionType::get(i32, {ptr, i32, ptr}, false), body,
        {context, i, closureArg});
    returnIfFailed(status);
    i->addIncoming(builder.CreateAdd(i, builder.getInt32(1)),
                   builder.GetInsertBlock());
    builder.CreateBr(loop);
    builder.SetInsertPoint(done);
    builder.CreateRet(builder.getInt32(0));
  }

  /// Runs `call` (emitted by the callback) with this thread's
  /// effnet_kernel_threads set to `count`, and puts the old value back.
  Value *withKernelThreads(Value *count, function_ref<Value *()> call) {
    Value *flag = builder.CreateThreadLocalAddress(kernelThreads);
    Value *was = builder.CreateLoad(i32, flag);
    builder.CreateStore(count, flag);
    Value *status = call();
    builder.CreateStore(was, flag);
    return status;
  }

  /// run_into(input, batch, outputs, workspace, size), or for pixels
  /// run_rgb8_into(pixels, batch, row_stride, outputs, workspace, size):
  /// checks what every entry point shares, then runs the images, as many at
  /// once as the pool has threads and the workspace has arenas.
  Function *emitRunInto(const Entry &kind, Function *task,
                        Function *taskAtOnce) {
    Function *fn = define(symbol(kind.name("into")), i32, kind.params(*this),
                          /*external=*/false);
    Value *input = fn->getArg(0), *batch = fn->getArg(1);
    unsigned next = kind.firstOutputArg();
    Value *outputs = fn->getArg(next), *workspace = fn->getArg(next + 1),
          *size = fn->getArg(next + 2);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    StructType *type = closureType();
    Value *closure = builder.CreateAlloca(type);

    returnIf(builder.CreateIsNull(input), kNullPointer);
    returnIf(builder.CreateICmpSLT(batch, builder.getInt32(1)), kBadBatch);
    returnIf(
        builder.CreateOr(builder.CreateIsNull(workspace),
                         builder.CreateICmpULT(
                             size, sizeConstant(workspaceBytes(plan)))),
        kWorkspace);

    // The arenas start at the first 64-byte boundary of the workspace.
    Value *address = builder.CreatePtrToInt(workspace, i64);
    Value *skew =
        builder.CreateAnd(builder.CreateSub(builder.getInt64(0), address),
                          builder.getInt64(kAlignBytes - 1));
    Value *arena = builder.CreateInBoundsGEP(i8, workspace, skew, "arena");

    // Pixels: rows of at least C x W bytes, and every offset in an image
    // within Halide's 32-bit indexing.
    const TensorShape &in = plan.tensors[plan.inputTensor].shape;
    Value *rowStride = builder.getInt32(0);
    if (kind.pixels) {
      Value *stride = fn->getArg(2);
      returnIf(
          builder.CreateOr(
              builder.CreateICmpULT(stride,
                                    sizeConstant(in.channels * in.width)),
              builder.CreateICmpUGT(
                  stride, sizeConstant(std::numeric_limits<int32_t>::max() /
                                       in.height))),
          kBadBuffer);
      rowStride = builder.CreateTrunc(stride, i32);
    }

    auto store = [&](unsigned index, Value *value) {
      builder.CreateStore(value, builder.CreateStructGEP(type, closure, index));
    };
    store(kInput, input);
    store(kRowStride, rowStride);
    store(kOutputs, outputs);
    store(kArena, arena);
    store(kBatch, batch);
    store(kNext, builder.getInt32(0));

    // Workers: min(batch, the pool's threads, the workspace's arenas).
    Value *fit = builder.CreateUDiv(
        builder.CreateSub(builder.CreateZExtOrTrunc(size, i64),
                          builder.getInt64(kAlignBytes)),
        builder.getInt64(arenaStride(plan)));
    Value *limit = builder.CreateTrunc(
        builder.CreateBinaryIntrinsic(Intrinsic::umin, fit,
                                      builder.CreateZExt(batch, i64)),
        i32);
    Value *threadCount = builder.CreateCall(
        workersFn, {builder.getInt32(std::numeric_limits<int32_t>::max())});
    Value *workers =
        builder.CreateBinaryIntrinsic(Intrinsic::umin, threadCount, limit);

    // With more than one thread, kernels' loops go through
    // effnet_kernel_par_for. The app's own handler, if it set one, is put
    // back: its kernels then hand tasks to it as before.
    auto *install = BasicBlock::Create(ctx, "install", fn);
    auto *restore = BasicBlock::Create(ctx, "restore", fn);
    auto *installed = BasicBlock::Create(ctx, "installed", fn);
    builder.CreateCondBr(
        builder.CreateICmpSGT(threadCount, builder.getInt32(1)), install,
        installed);
    builder.SetInsertPoint(install);
    Function *setHandler = declare("halide_set_custom_do_par_for", ptr, {ptr});
    Value *old = builder.CreateCall(setHandler, {doParFor});
    builder.CreateCondBr(
        builder.CreateOr(builder.CreateICmpEQ(old, doParFor),
                         builder.CreateICmpEQ(old, defaultParFor)),
        installed, restore);
    builder.SetInsertPoint(restore);
    builder.CreateCall(setHandler, {old});
    builder.CreateBr(installed);

    builder.SetInsertPoint(installed);
    auto *atOnce = BasicBlock::Create(ctx, "at_once", fn);
    auto *rest = BasicBlock::Create(ctx, "one_at_a_time", fn);
    builder.CreateCondBr(builder.CreateICmpSLE(workers, builder.getInt32(1)),
                         rest, atOnce);

    // Whole rounds of `workers` images at once, each worker's kernels run
    // in its own thread: a worker whose kernels handed tasks to the pool
    // would take the other images' tasks and their data into its cache
    // (2 threads at once ran B0 1.2x faster than one, two processes 2x).
    builder.SetInsertPoint(atOnce);
    Value *rounds = builder.CreateSub(batch, builder.CreateURem(batch, workers));
    store(kBatch, rounds);
    Function *parFor =
        declare("halide_do_par_for", i32, {ptr, ptr, i32, i32, ptr});
    returnIfFailed(builder.CreateCall(
        parFor, {ConstantPointerNull::get(ptr), taskAtOnce,
                 builder.getInt32(0), workers, closure}));
    store(kNext, rounds);
    store(kBatch, batch);
    builder.CreateBr(rest);

    // The images left (all of them with one worker), one at a time, each
    // kernel's loop on every thread.
    builder.SetInsertPoint(rest);
    builder.CreateRet(withKernelThreads(threadCount, [&] {
      return builder.CreateCall(
          task, {ConstantPointerNull::get(ptr), builder.getInt32(0), closure});
    }));
    return fn;
  }

  /// run_outputs_with_workspace(input, batch, outputs, workspace, size)
  /// (run_rgb8_outputs_with_workspace: pixels, batch, row_stride, ...):
  /// every entry of `outputs` must be a buffer.
  Function *emitRunOutputsWithWorkspace(const Entry &kind, Function *core) {
    Function *fn = define(symbol(kind.name("outputs_with_workspace")), i32,
                          kind.params(*this));
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *outputs = fn->getArg(kind.firstOutputArg());
    returnIf(builder.CreateIsNull(outputs), kNullPointer);
    for (size_t i = 0; i < plan.outputs.size(); ++i)
      returnIf(builder.CreateIsNull(builder.CreateLoad(
                   ptr, builder.CreateConstInBoundsGEP1_32(ptr, outputs, i))),
               kNullPointer);
    SmallVector<Value *> args(llvm::make_pointer_range(fn->args()));
    builder.CreateRet(builder.CreateCall(core, args));
    return fn;
  }

  /// run_with_workspace(input, batch, output, workspace, size) (and
  /// run_rgb8_with_workspace): the first output alone.
  Function *emitRunWithWorkspace(const Entry &kind, Function *core) {
    Function *fn =
        define(symbol(kind.name("with_workspace")), i32, kind.params(*this));
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    auto *outputsType = ArrayType::get(ptr, plan.outputs.size());
    Value *outputs = builder.CreateAlloca(outputsType);
    unsigned outputArg = kind.firstOutputArg();
    Value *output = fn->getArg(outputArg);
    returnIf(builder.CreateIsNull(output), kNullPointer);
    builder.CreateStore(ConstantAggregateZero::get(outputsType), outputs);
    builder.CreateStore(output, outputs);
    SmallVector<Value *> args(llvm::make_pointer_range(fn->args()));
    args[outputArg] = outputs;
    builder.CreateRet(builder.CreateCall(core, args));
    return fn;
  }

  /// NAME_run`suffix`(input, batch, output(s)) (NAME_run_rgb8`suffix`(pixels,
  /// batch, row_stride, output(s))): `withWorkspace` in a workspace it
  /// allocates.
  Function *emitAllocating(const Entry &kind, StringRef suffix,
                           Function *withWorkspace) {
    SmallVector<Type *> params = kind.params(*this);
    params.resize(kind.firstOutputArg() + 1);
    Function *fn = define(
        symbol(kind.pixels ? "run_rgb8" : "run") + suffix.str(), i32, params);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *input = fn->getArg(0), *batch = fn->getArg(1),
          *output = fn->getArg(kind.firstOutputArg());
    returnIf(builder.CreateOr(builder.CreateIsNull(input),
                              builder.CreateIsNull(output)),
             kNullPointer);
    returnIf(builder.CreateICmpSLT(batch, builder.getInt32(1)), kBadBatch);
    Function *mallocFn = declare("malloc", ptr, {sizeT});
    Function *freeFn = declare("free", Type::getVoidTy(ctx), {ptr});
    // An arena per image that runs at once; when that much memory is not
    // there, one arena (the images then run one at a time).
    Value *wanted = builder.CreateCall(workspaceSizeFn, {batch});
    Value *first = builder.CreateCall(mallocFn, {wanted});
    BasicBlock *tried = builder.GetInsertBlock();
    auto *fallback = BasicBlock::Create(ctx, "one_arena", fn);
    auto *got = BasicBlock::Create(ctx, "allocated", fn);
    builder.CreateCondBr(builder.CreateIsNull(first), fallback, got);
    builder.SetInsertPoint(fallback);
    Value *least = sizeConstant(workspaceBytes(plan));
    Value *second = builder.CreateCall(mallocFn, {least});
    builder.CreateBr(got);
    builder.SetInsertPoint(got);
    PHINode *workspace = builder.CreatePHI(ptr, 2, "workspace");
    workspace->addIncoming(first, tried);
    workspace->addIncoming(second, fallback);
    PHINode *bytes = builder.CreatePHI(sizeT, 2, "bytes");
    bytes->addIncoming(wanted, tried);
    bytes->addIncoming(least, fallback);
    returnIf(builder.CreateIsNull(workspace), kWorkspace);
    SmallVector<Value *> args(llvm::make_pointer_range(fn->args()));
    args.push_back(workspace);
    args.push_back(bytes);
    Value *status = builder.CreateCall(withWorkspace, args);
    builder.CreateCall(freeFn, {workspace});
    builder.CreateRet(status);
    return fn;
  }

  /// NAME_workspace_size(batch): 0 for batch < 1; else the alignment slack
  /// and an arena per image that runs at once.
  void emitWorkspaceSize() {
    Function *fn = define(symbol("workspace_size"), sizeT, {i32});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *batch = fn->getArg(0);
    returnIf(builder.CreateICmpSLT(batch, builder.getInt32(1)),
             sizeConstant(0));
    Value *workers =
        builder.CreateZExt(builder.CreateCall(workersFn, {batch}), i64);
    Value *bytes = builder.CreateAdd(
        builder.CreateMul(workers, builder.getInt64(arenaStride(plan))),
        builder.getInt64(kAlignBytes));
    builder.CreateRet(builder.CreateZExtOrTrunc(bytes, sizeT));
    workspaceSizeFn = fn;
  }

  /// The pool's threads as the runtime decides them: NAME_set_num_threads'
  /// last count, else HL_NUM_THREADS, else the CPUs; kept in one global that
  /// set_num_threads alone writes.
  void emitWorkers() {
    threads = new GlobalVariable(module, i32, /*isConstant=*/false,
                                 GlobalValue::InternalLinkage,
                                 builder.getInt32(0), symbol("threads"));
    // workers(limit): min(limit, the pool's threads), at least 1.
    workersFn = define(symbol("workers"), i32, {i32}, /*external=*/false);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", workersFn));
    Value *limit = workersFn->getArg(0);
    auto atMost = [&](Value *count) {
      return builder.CreateBinaryIntrinsic(
          Intrinsic::smax, builder.getInt32(1),
          builder.CreateBinaryIntrinsic(Intrinsic::smin, count, limit));
    };
    LoadInst *set = builder.CreateLoad(i32, threads);
    set->setAtomic(AtomicOrdering::Monotonic);
    set->setAlignment(Align(4));
    returnIf(builder.CreateICmpSGT(set, builder.getInt32(0)), atMost(set));
    Function *getenvFn = declare("getenv", ptr, {ptr});
    Function *atoiFn = declare("atoi", i32, {ptr});
    Value *text = builder.CreateCall(
        getenvFn, {builder.CreateGlobalStringPtr("HL_NUM_THREADS",
                                                 symbol("threads_env"))});
    auto *parse = BasicBlock::Create(ctx, "parse", workersFn);
    auto *cpus = BasicBlock::Create(ctx, "cpus", workersFn);
    builder.CreateCondBr(builder.CreateIsNull(text), cpus, parse);
    builder.SetInsertPoint(parse);
    Value *fromEnv = builder.CreateCall(atoiFn, {text});
    returnIf(builder.CreateICmpSGT(fromEnv, builder.getInt32(0)),
             atMost(fromEnv));
    builder.CreateBr(cpus);
    builder.SetInsertPoint(cpus);
    Function *cpuCount = declare("halide_host_cpu_count", i32, {});
    builder.CreateRet(atMost(builder.CreateCall(cpuCount, {})));
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

  /// NAME(input, output0, output1, ...): Halide-style buffers, one per
  /// output, each of the image's layout and then a batch dimension.
  void emitHalideEntry(Function *runOutputs) {
    SmallVector<Type *> params(1 + plan.outputs.size(), ptr);
    Function *fn = define(symbol(""), i32, params);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    auto *outputsType = ArrayType::get(ptr, plan.outputs.size());
    Value *outputs = builder.CreateAlloca(outputsType);
    Value *nullArg = builder.getFalse();
    for (Argument &arg : fn->args())
      nullArg = builder.CreateOr(nullArg, builder.CreateIsNull(&arg));
    returnIf(nullArg, kNullPointer);
    const TensorShape &in = plan.tensors[plan.inputTensor].shape;
    auto [inHost, batch] = checkBuffer(fn->getArg(0), getBufferDims(in));
    for (auto [index, output] : llvm::enumerate(plan.outputs)) {
      const TensorShape &shape = plan.tensors[output.tensor].shape;
      // Logits: [classes, N]; others: [W, H, C, N].
      std::vector<BufferDim> dims =
          output.flat ? std::vector<BufferDim>{{shape.channels, 1}}
                      : getBufferDims(shape);
      auto [host, outBatch] = checkBuffer(fn->getArg(1 + index), dims);
      returnIf(builder.CreateICmpNE(batch, outBatch), kBadBuffer);
      builder.CreateStore(host, builder.CreateConstInBoundsGEP2_32(
                                    outputsType, outputs, 0, index));
    }
    builder.CreateRet(builder.CreateCall(runOutputs, {inHost, batch, outputs}));
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

    emitOutputTables();

    // set_num_threads(n): -1 for n < 0 (the runtime would abort); else
    // the pool's old count, and n (0: the default) kept for workers().
    Function *fn = define(symbol("set_num_threads"), i32, {i32});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *count = fn->getArg(0);
    returnIf(builder.CreateICmpSLT(count, builder.getInt32(0)), -1);
    Function *halideSet = declare("halide_set_num_threads", i32, {i32});
    Value *old = builder.CreateCall(halideSet, {count});
    StoreInst *keep = builder.CreateStore(count, threads);
    keep->setAtomic(AtomicOrdering::Monotonic);
    keep->setAlignment(Align(4));
    builder.CreateRet(old);
  }

  /// NAME_output_name(i): the name of output i, or NULL; and
  /// NAME_output_shape(i, shape): C, H, W of output i per image (K, 1, 1 for
  /// logits), 0, or kBadBuffer for no such output, kNullPointer for no shape.
  void emitOutputTables() {
    size_t count = plan.outputs.size();
    SmallVector<Constant *> names;
    SmallVector<Constant *> shapes;
    for (const ModelOutput &output : plan.outputs) {
      names.push_back(builder.CreateGlobalStringPtr(
          output.name, symbol("output_" + output.name + "_str"), 0, &module));
      const TensorShape &shape = plan.tensors[output.tensor].shape;
      for (int64_t extent : {shape.channels, shape.height, shape.width})
        shapes.push_back(builder.getInt32(extent));
    }
    auto table = [&](StringRef name, Type *element, ArrayRef<Constant *> all) {
      auto *type = ArrayType::get(element, all.size());
      auto *global = new GlobalVariable(
          module, type, /*isConstant=*/true, GlobalValue::InternalLinkage,
          ConstantArray::get(type, all), symbol(name));
      return std::make_pair(type, global);
    };
    auto [namesType, namesTable] = table("output_names", ptr, names);
    auto [shapesType, shapesTable] = table("output_shapes", i32, shapes);
    auto inRange = [&](Value *index) {
      return builder.CreateICmpULT(index, builder.getInt32(count));
    };

    Function *nameFn = define(symbol("output_name"), ptr, {i32});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", nameFn));
    Value *index = nameFn->getArg(0);
    auto *found = BasicBlock::Create(ctx, "found", nameFn);
    auto *none = BasicBlock::Create(ctx, "none", nameFn);
    builder.CreateCondBr(inRange(index), found, none);
    builder.SetInsertPoint(none);
    builder.CreateRet(ConstantPointerNull::get(ptr));
    builder.SetInsertPoint(found);
    builder.CreateRet(builder.CreateLoad(
        ptr, builder.CreateInBoundsGEP(namesType, namesTable,
                                       {builder.getInt32(0), index})));

    Function *shapeFn = define(symbol("output_shape"), i32, {i32, ptr});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", shapeFn));
    index = shapeFn->getArg(0);
    Value *shape = shapeFn->getArg(1);
    returnIf(builder.CreateNot(inRange(index)), kBadBuffer);
    returnIf(builder.CreateIsNull(shape), kNullPointer);
    for (unsigned d = 0; d < 3; ++d) {
      Value *at = builder.CreateAdd(
          builder.CreateMul(index, builder.getInt32(3)), builder.getInt32(d));
      Value *extent = builder.CreateLoad(
          i32, builder.CreateInBoundsGEP(shapesType, shapesTable,
                                         {builder.getInt32(0), at}));
      builder.CreateStore(extent,
                          builder.CreateConstInBoundsGEP1_32(i32, shape, d));
    }
    builder.CreateRet(builder.getInt32(0));
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
  GlobalVariable *weights = nullptr, *threads = nullptr,
                 *kernelThreads = nullptr;
  Function *fill = nullptr, *workersFn = nullptr, *workspaceSizeFn = nullptr,
           *doParFor = nullptr, *defaultParFor = nullptr;
  StructType *closure = nullptr;
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

int64_t mlir::effnet::codegen::arenaStride(const ModelPlan &plan) {
  return (plan.arenaFloats * 4 + kAlignBytes - 1) / kAlignBytes * kAlignBytes;
}

int64_t mlir::effnet::codegen::workspaceBytes(const ModelPlan &plan) {
  return arenaStride(plan) + kAlignBytes;
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
