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
// (NAME_run fills the first output alone), the same for 8-bit pixels
// (NAME_run_rgb8...) and for 8-bit images of any size (NAME_run_image...,
// with NAME_preprocess_image), metadata getters and NAME_set_num_threads.
//
// The model is data: NAME_model, an effnet_model (runtime/Runtime.h) that
// lists each kernel call with its buffers, the arena, the outputs and the
// weight blob. Each entry point is one call of its body in the runtime,
// which is C compiled to bitcode at effnetc's build (RuntimeBitcode.h) and
// linked into this module when it is compiled; `effnetc --emit=driver`
// prints the module before that.
//
//===----------------------------------------------------------------------===//

#include "codegen/Driver.h"
#include "codegen/KernelCache.h"
#include "codegen/RuntimeBitcode.h"
#include "codegen/runtime/Runtime.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <fmt/core.h>

#include <cstring>
#include <elf.h>

#include <mutex>

using namespace llvm;
using namespace mlir::effnet::codegen;

namespace {

/// The prefix of the runtime's functions that each library keeps to itself.
constexpr StringLiteral kPrivatePrefix = "effnet_rt_";
/// The runtime's functions the entry points call (Runtime.h).
constexpr StringLiteral kRuntimeEntries[] = {
    "effnet_rt_run_outputs_with_workspace",
    "effnet_rt_run_with_workspace",
    "effnet_rt_run_outputs",
    "effnet_rt_run",
    "effnet_rt_run_image_outputs_with_workspace",
    "effnet_rt_run_image_with_workspace",
    "effnet_rt_run_image_outputs",
    "effnet_rt_run_image",
    "effnet_rt_preprocess_image",
    "effnet_rt_workspace_size",
    "effnet_rt_run_buffers",
    "effnet_rt_set_num_threads",
    "effnet_rt_release_device",
    "effnet_rt_output_name",
    "effnet_rt_output_shape",
    "effnet_rt_select",
    "effnet_rt_any_model",
    "effnet_rt_use_target",
    "effnet_rt_target",
    "effnet_rt_error_message"};

/// The runtime's table of its structs' layout (runtime/Runtime.c).
constexpr StringLiteral kLayoutName = "effnet_rt_layout";

/// Builds the module's globals and entry points; the runtime's functions it
/// calls are declared with their types in `runtime`.
/// The weight blob `name` of `bytes` bytes in `module`: declared, or with
/// `values` defined (a hidden symbol: the library's objects share it, the
/// program it is linked into does not see it).
GlobalVariable *declareWeights(Module &module, const std::string &name,
                               size_t bytes,
                               const std::vector<float> *values = nullptr) {
  LLVMContext &ctx = module.getContext();
  auto *type = ArrayType::get(Type::getInt8Ty(ctx), bytes);
  Constant *data = nullptr;
  if (values)
    data = ConstantDataArray::getRaw(
        StringRef(reinterpret_cast<const char *>(values->data()), bytes),
        bytes, Type::getInt8Ty(ctx));
  auto *weights =
      new GlobalVariable(module, type, /*isConstant=*/true,
                         GlobalValue::ExternalLinkage, data, name);
  weights->setVisibility(GlobalValue::HiddenVisibility);
  weights->setAlignment(Align(EFFNET_ALIGN));
  return weights;
}

/// The weight blobs of `paths`, each its symbol's suffix (`weights`, or
/// `pP_weights` in a library of several paths) and its values: one per
/// path, but paths whose weights are packed alike share the first's.
std::vector<std::pair<std::string, const std::vector<float> *>>
weightBlobs(ArrayRef<DriverPath> paths) {
  std::vector<std::pair<std::string, const std::vector<float> *>> blobs;
  for (size_t p = 0; p < paths.size(); ++p) {
    bool shared = false;
    for (size_t q = 0; q < p && !shared; ++q)
      shared = paths[q].plan->weights == paths[p].plan->weights;
    if (!shared)
      blobs.emplace_back(
          (paths.size() > 1 ? fmt::format("p{}_", p) : "") + "weights",
          &paths[p].plan->weights);
  }
  return blobs;
}

class DriverBuilder {
public:
  DriverBuilder(Module &module, const Module &runtime,
                ArrayRef<DriverPath> paths, const ModelInfo &info)
      : module(module), runtime(runtime), ctx(module.getContext()),
        paths(paths), plan(*paths.front().plan), info(info), builder(ctx) {
    i32 = Type::getInt32Ty(ctx);
    i64 = Type::getInt64Ty(ctx);
    ptr = PointerType::getUnqual(ctx);
    // size_t: 32 bits on 32-bit targets.
    sizeT = module.getDataLayout().getIntPtrType(ctx);
    // The structs of runtime/Runtime.h, field for field (checkLayout
    // compares them with the C compiler's).
    auto *dims = ArrayType::get(i32, EFFNET_MAX_RANK);
    bufferType =
        StructType::create(ctx, {i64, i32, i32, dims, dims}, "effnet_buffer");
    stepType = StructType::create(ctx, {ptr, i32, i32}, "effnet_step");
    outputType = StructType::create(
        ctx, {ptr, i64, i64, ArrayType::get(i32, 3)}, "effnet_output");
    auto *floats3 = ArrayType::get(Type::getFloatTy(ctx), 3);
    modelType = StructType::create(
        ctx,
        {ptr, ArrayType::get(ptr, 2), ptr, ptr, ptr, i64, i64,
         ArrayType::get(i32, 2), i32, i32, i32, i32, i32, i32, floats3,
         floats3, ptr, i32},
        "effnet_model");
    pathType = StructType::create(ctx, {ptr, ptr, i64}, "effnet_path");
    libraryType = StructType::create(ctx, {ptr, ptr, i32}, "effnet_library");
  }

  /// Checks the structs' layout for this triple against the runtime's own
  /// (effnet_rt_layout in runtime/Runtime.c, which the C compiler laid out
  /// from runtime/Runtime.h): a field added, removed or changed on one side
  /// alone fails every library's build here.
  Error checkLayout() const {
    const GlobalVariable *layout = runtime.getGlobalVariable(kLayoutName);
    auto *values =
        layout && layout->hasInitializer()
            ? dyn_cast<ConstantDataArray>(layout->getInitializer())
            : nullptr;
    std::vector<uint64_t> ours;
    const DataLayout &dataLayout = module.getDataLayout();
    for (StructType *type : {bufferType, stepType, outputType, modelType,
                             pathType, libraryType}) {
      const StructLayout *fields = dataLayout.getStructLayout(type);
      ours.push_back(fields->getSizeInBytes());
      for (unsigned i = 0; i < type->getNumElements(); ++i)
        ours.push_back(fields->getElementOffset(i));
    }
    bool same = values && values->getNumElements() == ours.size();
    for (size_t i = 0; same && i < ours.size(); ++i)
      same = values->getElementAsInteger(i) == ours[i];
    if (!same)
      return createStringError(fmt::format(
          "internal error: the driver's structs do not match "
          "runtime/Runtime.h's for '{}' (Driver.cpp builds them field for "
          "field)",
          module.getTargetTriple()));
    return Error::success();
  }

  /// Builds every global and function.
  Error build() {
    // The runtime is built with this file: a missing function is a bug.
    for (StringRef name : kRuntimeEntries)
      if (!runtime.getFunction(name))
        return createStringError(
            fmt::format("internal error: the runtime has no {}", name.str()));
    if (Error err = checkLayout())
      return err;
    // A path per target, each with its tables (NAME_model, ...; in a
    // portable library NAME_p0_model, ...); paths whose weights are packed
    // alike share one blob.
    SmallVector<Constant *> pathValues;
    SmallVector<GlobalVariable *> blobs;
    stride = arenaStride(paths);
    for (size_t p = 0; p < paths.size(); ++p) {
      prefix = paths.size() > 1 ? fmt::format("p{}_", p) : "";
      GlobalVariable *weights = nullptr;
      for (size_t q = 0; q < p && !weights; ++q)
        if (paths[q].plan->weights == paths[p].plan->weights)
          weights = blobs[q];
      blobs.push_back(weights ? weights : emitWeights(*paths[p].plan));
      Expected<GlobalVariable *> model =
          emitModel(paths[p], blobs.back());
      if (!model)
        return model.takeError();
      pathValues.push_back(ConstantStruct::get(
          pathType,
          {*model, string(prefix + "target_str", paths[p].target),
           int64(paths[p].cpuFeatures)}));
    }
    prefix = "";
    library = global("library",
                     ConstantStruct::get(
                         libraryType,
                         {table("paths", pathType, pathValues),
                          string("targets_str", info.target),
                          int32(paths.size())}));
    for (bool pixels : {false, true}) {
      if (pixels && plan.pixelKernels.empty())
        continue;
      // (input, batch, [row_stride,] output(s), [workspace, size]).
      emitRunEntry(pixels, "_outputs_with_workspace",
                   "effnet_rt_run_outputs_with_workspace");
      emitRunEntry(pixels, "_with_workspace", "effnet_rt_run_with_workspace");
      emitRunEntry(pixels, "_outputs", "effnet_rt_run_outputs");
      emitRunEntry(pixels, "", "effnet_rt_run");
    }
    if (plan.image.resize) {
      // (pixels, batch, width, height, row_stride, output(s), [workspace,
      // size]).
      emitImageEntry("run_image_outputs_with_workspace",
                     "effnet_rt_run_image_outputs_with_workspace");
      emitImageEntry("run_image_with_workspace",
                     "effnet_rt_run_image_with_workspace");
      emitImageEntry("run_image_outputs", "effnet_rt_run_image_outputs");
      emitImageEntry("run_image", "effnet_rt_run_image");
      emitForward("preprocess_image", "effnet_rt_preprocess_image",
                  Pass::AnyModel);
    }
    emitForward("workspace_size", "effnet_rt_workspace_size", Pass::AnyModel);
    emitForward("set_num_threads", "effnet_rt_set_num_threads", Pass::Nothing);
    emitForward("release_device", "effnet_rt_release_device", Pass::AnyModel);
    emitForward("output_name", "effnet_rt_output_name", Pass::AnyModel);
    emitForward("output_shape", "effnet_rt_output_shape", Pass::AnyModel);
    emitForward("target", "effnet_rt_target", Pass::Library);
    emitForward("use_target", "effnet_rt_use_target", Pass::Library);
    emitForward("error_message", "effnet_rt_error_message", Pass::Library);
    emitHalideEntry();
    emitMetadata();
    return Error::success();
  }

private:
  std::string symbol(StringRef suffix) {
    return suffix.empty() ? info.name : info.name + "_" + suffix.str();
  }

  /// An internal constant string NAME_`name` (one global per name).
  Constant *string(const std::string &name, StringRef value) {
    if (GlobalVariable *known = module.getNamedGlobal(symbol(name)))
      return known;
    return builder.CreateGlobalStringPtr(value, symbol(name), 0, &module);
  }

  Function *define(StringRef name, FunctionType *type) {
    auto *fn =
        Function::Create(type, GlobalValue::ExternalLinkage, name, module);
    fn->addFnAttr(Attribute::NoUnwind);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    return fn;
  }

  /// The runtime's function `name` (build checked it is there), declared
  /// here with its type.
  FunctionCallee runtimeFunction(StringRef name) {
    return module.getOrInsertFunction(
        name, runtime.getFunction(name)->getFunctionType());
  }

  /// An internal constant NAME_`name` (NAME_pK_`name` while path K of a
  /// portable library is built).
  GlobalVariable *global(StringRef name, Constant *value) {
    return new GlobalVariable(module, value->getType(), /*isConstant=*/true,
                              GlobalValue::InternalLinkage, value,
                              symbol(prefix + name.str()));
  }

  Constant *int32(int64_t value) { return builder.getInt32(value); }
  Constant *int64(int64_t value) { return builder.getInt64(value); }

  /// The weight blob of `plan`, declared: emitWeightsObject defines it in
  /// an object of its own, so that the driver's code is the same whatever
  /// the weights' values (and the kernel cache keeps it).
  GlobalVariable *emitWeights(const ModelPlan &plan) {
    return declareWeights(module, symbol(prefix + "weights"),
                          plan.weights.size() * sizeof(float));
  }

  /// An effnet_buffer of `base` at `offset` floats, laid out as `dims`
  /// (getBufferDims: the one definition of a buffer, which the kernels are
  /// compiled for).
  Constant *buffer(enum effnet_base base, int64_t offset,
                   const std::vector<BufferDim> &dims) {
    SmallVector<Constant *> extents, strides;
    for (unsigned d = 0; d < EFFNET_MAX_RANK; ++d) {
      BufferDim dim = d < dims.size() ? dims[d] : BufferDim();
      extents.push_back(int32(dim.extent));
      strides.push_back(int32(dim.stride));
    }
    auto *dimsType = ArrayType::get(i32, EFFNET_MAX_RANK);
    return ConstantStruct::get(bufferType,
                               {int64(offset), int32(base), int32(dims.size()),
                                ConstantArray::get(dimsType, extents),
                                ConstantArray::get(dimsType, strides)});
  }

  /// An internal constant array of `type`.
  GlobalVariable *table(StringRef name, StructType *type,
                        ArrayRef<Constant *> elements) {
    return global(name, ConstantArray::get(
                            ArrayType::get(type, elements.size()), elements));
  }

  /// The buffers of step `step`'s call of kernel `kernelIndex`, appended
  /// to `buffers`; returns its effnet_step. Kernels are called through
  /// their Halide `_argv` entries.
  Expected<Constant *> emitStep(const DriverPath &path, const Step &step,
                                int kernelIndex,
                                SmallVectorImpl<Constant *> &buffers) {
    const ModelPlan &plan = *path.plan;
    const KernelSpec &kernel = plan.kernels[kernelIndex];
    size_t first = buffers.size();
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      std::vector<BufferDim> dims = getBufferDims(kernel.inputs[i]);
      buffers.push_back(kernel.inputs[i].rgb8
                            ? buffer(EFFNET_PIXELS, 0, dims)
                            : buffer(EFFNET_ARENA,
                                     plan.tensors[step.inputs[i]].offset,
                                     dims));
    }
    for (size_t i = 0; i < step.weights.size(); ++i)
      buffers.push_back(buffer(kernel.weights[i].half ? EFFNET_WEIGHTS_F16
                                                      : EFFNET_WEIGHTS,
                               step.weights[i],
                               getBufferDims(kernel.weights[i])));
    buffers.push_back(buffer(EFFNET_ARENA, plan.tensors[step.output].offset,
                             getBufferDims(kernel.output)));
    size_t count = buffers.size() - first;
    if (count > EFFNET_MAX_ARGS)
      return createStringError(fmt::format("group '{}' has {} buffers; the "
                                           "runtime passes at most {}",
                                           step.name, count, EFFNET_MAX_ARGS));
    FunctionCallee callee =
        module.getOrInsertFunction(path.kernelNames[kernelIndex] + "_argv",
                                   FunctionType::get(i32, {ptr}, false));
    return ConstantStruct::get(stepType, {cast<Constant>(callee.getCallee()),
                                          int32(first), int32(count)});
  }

  /// NAME_model, and the tables it points to: NAME_steps (and
  /// NAME_rgb8_steps, whose steps differ where a kernel reads the pixels),
  /// NAME_buffers for both, NAME_outputs and NAME_layouts.
  Expected<GlobalVariable *> emitModel(const DriverPath &path,
                                       GlobalVariable *weights) {
    const ModelPlan &plan = *path.plan;
    // Kernels on a GPU keep their weights and activations on the device: a
    // slot, null until the first call, where the runtime keeps its state
    // (effnet_model's `resident`), and which device API.
    SmallVector<StringRef> features;
    StringRef(path.target).split(features, '-');
    int device = llvm::is_contained(features, "cuda")     ? EFFNET_DEVICE_CUDA
                 : llvm::is_contained(features, "opencl") ? EFFNET_DEVICE_OPENCL
                                                          : EFFNET_DEVICE_NONE;
    bool onDevice = device != EFFNET_DEVICE_NONE;
    auto residentSlot = [&]() -> Constant * {
      return new GlobalVariable(module, ptr, /*isConstant=*/false,
                                GlobalValue::InternalLinkage,
                                ConstantPointerNull::get(ptr),
                                symbol(prefix + "resident"));
    };
    SmallVector<Constant *> steps[2], buffers;
    for (const Step &step : plan.steps) {
      Expected<Constant *> call = emitStep(path, step, step.kernel, buffers);
      if (!call)
        return call.takeError();
      steps[0].push_back(*call);
      if (plan.pixelKernels.empty())
        continue;
      int pixelKernel = plan.pixelKernels[step.kernel];
      if (pixelKernel < 0) {
        steps[1].push_back(*call);
        continue;
      }
      call = emitStep(path, step, pixelKernel, buffers);
      if (!call)
        return call.takeError();
      steps[1].push_back(*call);
    }
    Constant *null = ConstantPointerNull::get(ptr);
    Constant *stepTables[2] = {table("steps", stepType, steps[0]), null};
    if (!steps[1].empty())
      stepTables[1] = table("rgb8_steps", stepType, steps[1]);

    // The outputs, and the Halide-style entry's layouts: the input image,
    // then each output (logits: [classes]; others: [W, H, C]).
    const ArenaTensor &in = plan.tensors[plan.inputTensor];
    SmallVector<Constant *> outputs,
        layouts{buffer(EFFNET_ARENA, 0, getBufferDims(in.shape))};
    for (const ModelOutput &output : plan.outputs) {
      const ArenaTensor &t = plan.tensors[output.tensor];
      Constant *name = string("output_" + output.name + "_str", output.name);
      outputs.push_back(ConstantStruct::get(
          outputType,
          {name, int64(t.offset), int64(t.shape.elements()),
           ConstantArray::get(ArrayType::get(i32, 3),
                              {int32(t.shape.channels), int32(t.shape.height),
                               int32(t.shape.width)})}));
      layouts.push_back(
          buffer(EFFNET_ARENA, 0,
                 output.flat ? std::vector<BufferDim>{{t.shape.channels, 1}}
                             : getBufferDims(t.shape)));
    }

    Constant *fields[] = {
        weights,
        ConstantArray::get(ArrayType::get(ptr, 2), stepTables),
        table("buffers", bufferType, buffers),
        table("outputs", outputType, outputs),
        table("layouts", bufferType, layouts),
        int64(stride),
        int64(in.offset),
        ConstantArray::get(ArrayType::get(i32, 2),
                           {int32(steps[0].size()), int32(steps[1].size())}),
        int32(plan.outputs.size()),
        int32(in.shape.channels),
        int32(in.shape.height),
        int32(in.shape.width),
        int32(plan.image.resize),
        int32(plan.image.antialias),
        perChannel(plan.normalization.mean, 0.0f),
        perChannel(plan.normalization.std, 1.0f),
        onDevice ? residentSlot() : ConstantPointerNull::get(ptr),
        int32(device)};
    return global("model", ConstantStruct::get(modelType, fields));
  }

  /// The model of the path this CPU runs (effnet_rt_select): returns
  /// EFFNET_CPU from the function being built when there is none, else
  /// continues in a new block with the model.
  Value *selectModel(Function *fn) {
    Value *model = builder.CreateCall(runtimeFunction("effnet_rt_select"),
                                      {library}, "model");
    BasicBlock *none = BasicBlock::Create(ctx, "no_path", fn);
    BasicBlock *run = BasicBlock::Create(ctx, "run", fn);
    builder.CreateCondBr(builder.CreateIsNull(model), none, run);
    builder.SetInsertPoint(none);
    builder.CreateRet(builder.getInt32(EFFNET_CPU));
    builder.SetInsertPoint(run);
    return model;
  }

  /// NAME_run`suffix`(input, batch, [row_stride,] ...) (run_rgb8 for
  /// pixels): runtimeName(model, pixels, input, batch, row_stride (0 for
  /// floats), ...) with the model of the path this CPU runs.
  void emitRunEntry(bool pixels, StringRef suffix, StringRef runtimeName) {
    FunctionCallee callee = runtimeFunction(runtimeName);
    // The runtime's parameters after (model, pixels); row_stride is dropped
    // for floats.
    ArrayRef<Type *> all = callee.getFunctionType()->params().drop_front(2);
    SmallVector<Type *> params(all.begin(), all.end());
    if (!pixels)
      params.erase(params.begin() + 2);
    Function *fn = define(symbol((pixels ? "run_rgb8" : "run") + suffix.str()),
                          FunctionType::get(i32, params, false));
    SmallVector<Value *> args{selectModel(fn), builder.getInt32(pixels)};
    for (Argument &arg : fn->args()) {
      args.push_back(&arg);
      if (!pixels && arg.getArgNo() == 1)
        args.push_back(ConstantInt::get(sizeT, 0));
    }
    builder.CreateRet(builder.CreateCall(callee, args));
  }

  /// NAME_`name`(args...): runtimeName(model, args...) with the model of
  /// the path this CPU runs.
  void emitImageEntry(StringRef name, StringRef runtimeName) {
    FunctionCallee callee = runtimeFunction(runtimeName);
    ArrayRef<Type *> params = callee.getFunctionType()->params().drop_front();
    Function *fn = define(symbol(name), FunctionType::get(i32, params, false));
    SmallVector<Value *> args{selectModel(fn)};
    for (Argument &arg : fn->args())
      args.push_back(&arg);
    builder.CreateRet(builder.CreateCall(callee, args));
  }

  /// A [3 x float] of `values` (a model of 3 channels), else of `fill`.
  Constant *perChannel(const std::vector<float> &values, float fill) {
    Type *f32 = Type::getFloatTy(ctx);
    SmallVector<Constant *> elements;
    for (size_t c = 0; c < 3; ++c)
      elements.push_back(ConstantFP::get(
          f32, values.size() == 3 ? values[c] : fill));
    return ConstantArray::get(ArrayType::get(f32, 3), elements);
  }

  /// What a forwarding entry passes before its own arguments.
  enum class Pass { Nothing, Library, AnyModel };

  /// NAME_`name`(args...): runtimeName([library or model,] args...), the
  /// model effnet_rt_any_model's (what every path agrees on).
  void emitForward(StringRef name, StringRef runtimeName, Pass pass) {
    FunctionCallee callee = runtimeFunction(runtimeName);
    FunctionType *type = callee.getFunctionType();
    ArrayRef<Type *> params =
        type->params().drop_front(pass == Pass::Nothing ? 0 : 1);
    Function *fn = define(
        symbol(name), FunctionType::get(type->getReturnType(), params, false));
    SmallVector<Value *> args;
    if (pass == Pass::Library)
      args.push_back(library);
    if (pass == Pass::AnyModel)
      args.push_back(builder.CreateCall(
          runtimeFunction("effnet_rt_any_model"), {library}, "model"));
    for (Argument &arg : fn->args())
      args.push_back(&arg);
    builder.CreateRet(builder.CreateCall(callee, args));
  }

  /// NAME(input, output0, output1, ...): Halide-style buffers, one per
  /// output, each of the image's layout and then a batch dimension; passed
  /// to the runtime as an array.
  void emitHalideEntry() {
    FunctionCallee callee = runtimeFunction("effnet_rt_run_buffers");
    SmallVector<Type *> params(1 + plan.outputs.size(), ptr);
    Function *fn = define(symbol(""), FunctionType::get(i32, params, false));
    auto *arrayType = ArrayType::get(ptr, params.size());
    Value *array = builder.CreateAlloca(arrayType);
    Value *model = selectModel(fn);
    for (Argument &arg : fn->args())
      builder.CreateStore(&arg, builder.CreateConstInBoundsGEP2_32(
                                    arrayType, array, 0, arg.getArgNo()));
    builder.CreateRet(builder.CreateCall(callee, {model, array}));
  }

  void emitMetadata() {
    auto getter = [&](StringRef name, Type *type, Value *value) {
      define(symbol(name), FunctionType::get(type, false));
      builder.CreateRet(value);
    };
    auto text = [&](StringRef name, StringRef value) {
      getter(name, ptr, string(name.str() + "_str", value));
    };
    text("variant", info.variant);
    text("targets", info.target);
    getter("in_channels", i32, int32(info.inChannels));
    getter("resolution", i32, int32(info.resolution));
    getter("num_classes", i32, int32(info.numClasses));
  }

  Module &module;
  const Module &runtime;
  LLVMContext &ctx;
  ArrayRef<DriverPath> paths;
  /// The first path's plan: what every path agrees on (outputs, pixel
  /// entries).
  const ModelPlan &plan;
  const ModelInfo &info;
  IRBuilder<> builder;
  Type *i32, *i64;
  IntegerType *sizeT;
  PointerType *ptr;
  StructType *bufferType, *stepType, *outputType, *modelType, *pathType,
      *libraryType;
  /// NAME_library.
  GlobalVariable *library = nullptr;
  /// The prefix of the path's globals being built ("" or "pK_").
  std::string prefix;
  int64_t stride = 0;
};

void initializeTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    // Cpu.c's CPUID and XGETBV are inline assembly.
    InitializeAllAsmParsers();
  });
}

} // namespace

int64_t mlir::effnet::codegen::arenaStride(ArrayRef<DriverPath> paths) {
  int64_t floats = 0;
  for (const DriverPath &path : paths)
    floats = std::max(floats, path.plan->arenaFloats);
  return (floats * 4 + EFFNET_ALIGN - 1) / EFFNET_ALIGN * EFFNET_ALIGN;
}

int64_t mlir::effnet::codegen::workspaceBytes(ArrayRef<DriverPath> paths) {
  return arenaStride(paths) + EFFNET_ALIGN;
}

/// The target machine for `triple`.
static Expected<std::unique_ptr<TargetMachine>>
createMachine(const std::string &triple) {
  initializeTargets();
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError(
        fmt::format("no LLVM target for '{}': {}", triple, error));
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, "generic", "", TargetOptions(), Reloc::PIC_));
  if (!machine)
    return createStringError(
        fmt::format("cannot create an LLVM target machine for '{}'", triple));
  return std::move(machine);
}

/// The runtime's module for `triple`, in `ctx`.
static Expected<std::unique_ptr<Module>> loadRuntime(const std::string &triple,
                                                     LLVMContext &ctx) {
  StringRef bitcode = getRuntimeBitcode(triple);
  if (bitcode.empty())
    return createStringError(
        fmt::format("internal error: no driver runtime for '{}' (the "
                    "build compiles one for each triple of "
                    "codegen/Triples.def)",
                    triple));
  Expected<std::unique_ptr<Module>> runtime =
      parseBitcodeFile(MemoryBufferRef(bitcode, "runtime"), ctx);
  if (!runtime)
    return createStringError(
        fmt::format("internal error: the runtime for '{}': {}", triple,
                    toString(runtime.takeError())));
  // The runtime is compiled as the rest of the driver is, by the target
  // machine of createMachine: clang's choices of CPU, features and ABI (a
  // RISC-V float ABI, say) would differ from the kernels' and the driver's.
  for (Function &fn : **runtime)
    for (StringRef attribute : {"target-cpu", "target-features", "tune-cpu"})
      fn.removeFnAttr(attribute);
  for (StringRef metadata : {"llvm.module.flags", "llvm.ident"})
    if (NamedMDNode *node = (*runtime)->getNamedMetadata(metadata))
      (*runtime)->eraseNamedMetadata(node);
  return runtime;
}

/// Builds the driver module for `triple`, links the runtime in, verifies it
/// and hands it, with its target machine, to `use`: what compiling and
/// printing share. The weight blobs are declared, not defined
/// (emitWeightsObject defines them).
static Error withDriver(ArrayRef<DriverPath> paths, const ModelInfo &info,
                        const std::string &triple,
                        function_ref<Error(Module &, TargetMachine &)> use) {
  Expected<std::unique_ptr<TargetMachine>> machine = createMachine(triple);
  if (!machine)
    return machine.takeError();
  LLVMContext ctx;
  Expected<std::unique_ptr<Module>> runtime = loadRuntime(triple, ctx);
  if (!runtime)
    return runtime.takeError();
  Module module(info.name, ctx);
  module.setTargetTriple(triple);
  module.setDataLayout((*machine)->createDataLayout());
  if (Error err = DriverBuilder(module, **runtime, paths, info).build())
    return err;
  // The layout checked, nothing reads it.
  if (GlobalVariable *layout = (*runtime)->getGlobalVariable(kLayoutName))
    layout->eraseFromParent();
  (*runtime)->setDataLayout(module.getDataLayout());
  if (Linker::linkModules(module, std::move(*runtime)))
    return createStringError(fmt::format(
        "internal error: cannot link the runtime for '{}'", triple));
  // Each library keeps the runtime's entry bodies (they read its model) to
  // itself; what is left unused goes.
  for (Function &fn : module.functions())
    if (!fn.isDeclaration() && fn.getName().starts_with(kPrivatePrefix))
      fn.setLinkage(GlobalValue::InternalLinkage);
  for (bool erased = true; erased;) {
    erased = false;
    for (Function &fn : llvm::make_early_inc_range(module.functions()))
      if (fn.hasLocalLinkage() && fn.use_empty()) {
        fn.eraseFromParent();
        erased = true;
      }
  }
  std::string verifyErrors;
  raw_string_ostream verifyStream(verifyErrors);
  if (verifyModule(module, &verifyStream))
    return createStringError(
        fmt::format("internal error: invalid driver IR: {}", verifyErrors));
  return use(module, **machine);
}

/// Opens the scratch file `objectPath` (ScratchFiles made it) for writing,
/// emptied; fails if it is gone, rather than make it again after a signal's
/// handler removed it.
static Expected<int> openScratch(const std::string &objectPath) {
  int fd = -1;
  std::error_code ec =
      sys::fs::openFileForWrite(objectPath, fd, sys::fs::CD_OpenExisting);
  if (!ec)
    ec = sys::fs::resize_file(fd, 0);
  if (ec) {
    if (fd >= 0)
      sys::Process::SafelyCloseFileDescriptor(fd);
    return createStringError(
        ec, fmt::format("cannot write '{}': {}", objectPath, ec.message()));
  }
  return fd;
}

/// Compiles `module` by `machine` to the object file `objectPath`.
static Error emitObject(Module &module, TargetMachine &machine,
                        const std::string &objectPath) {
  Expected<int> fd = openScratch(objectPath);
  if (!fd)
    return fd.takeError();
  raw_fd_ostream os(*fd, /*shouldClose=*/true);
  legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr,
                                  CodeGenFileType::ObjectFile))
    return createStringError(fmt::format(
        "LLVM cannot emit objects for '{}'", module.getTargetTriple()));
  passes.run(module);
  os.flush();
  if (os.has_error())
    return createStringError(os.error(),
                             fmt::format("cannot write '{}'", objectPath));
  return Error::success();
}

Error mlir::effnet::codegen::emitDriverObject(ArrayRef<DriverPath> paths,
                                              const ModelInfo &info,
                                              const std::string &triple,
                                              const std::string &objectPath,
                                              KernelCache *cache) {
  return withDriver(
      paths, info, triple,
      [&](Module &module, TargetMachine &machine) -> Error {
        // The module, weights aside, is all the object depends on (with
        // the LLVM that compiles it, which the cache's identity names).
        std::string key;
        if (cache) {
          std::string bitcode;
          raw_string_ostream bitcodeStream(bitcode);
          WriteBitcodeToFile(module, bitcodeStream);
          key = KernelCache::key({"driver", triple, LLVM_VERSION_STRING,
                                  bitcodeStream.str()});
          if (cache->fetch(key, objectPath, /*existing=*/true))
            return Error::success();
        }
        if (Error err = emitObject(module, machine, objectPath))
          return err;
        if (cache)
          cache->store(key, objectPath);
        return Error::success();
      });
}

/// Writes the weights object for a 64-bit little-endian ELF target (x86-64,
/// AArch64) directly: a .rodata section of the blobs, each 64-byte aligned,
/// and a hidden global symbol per blob. LLVM's code generator takes 0.17 s
/// over B0's 20 MiB (copying it through a constant, its streamer's
/// fragments and the file): this writes it once, from the plan.
static Error writeElf64Weights(
    const std::vector<std::pair<std::string, const std::vector<float> *>>
        &blobs,
    const std::string &prefix, uint16_t machine,
    const std::string &objectPath) {
  auto alignTo = [](uint64_t n, uint64_t a) { return (n + a - 1) / a * a; };
  const char shstrtab[] =
      "\0.rodata\0.symtab\0.strtab\0.shstrtab\0.note.GNU-stack";
  enum : uint32_t { kRodataName = 1, kSymtabName = 9, kStrtabName = 17,
                    kShstrtabName = 25, kNoteName = 35 };
  std::string strtab(1, '\0');
  std::vector<Elf64_Sym> symbols(1);
  uint64_t rodataSize = 0;
  for (const auto &[suffix, values] : blobs) {
    Elf64_Sym sym{};
    sym.st_name = strtab.size();
    strtab += prefix + "_" + suffix;
    strtab += '\0';
    sym.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
    sym.st_other = STV_HIDDEN;
    sym.st_shndx = 1;
    sym.st_value = alignTo(rodataSize, EFFNET_ALIGN);
    sym.st_size = values->size() * sizeof(float);
    rodataSize = sym.st_value + sym.st_size;
    symbols.push_back(sym);
  }
  uint64_t rodataOffset = alignTo(sizeof(Elf64_Ehdr), EFFNET_ALIGN);
  uint64_t symtabOffset = alignTo(rodataOffset + rodataSize, 8);
  uint64_t symtabSize = symbols.size() * sizeof(Elf64_Sym);
  uint64_t strtabOffset = symtabOffset + symtabSize;
  uint64_t shstrtabOffset = strtabOffset + strtab.size();
  uint64_t sectionsOffset = alignTo(shstrtabOffset + sizeof(shstrtab), 8);

  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_REL;
  header.e_machine = machine;
  header.e_version = EV_CURRENT;
  header.e_shoff = sectionsOffset;
  header.e_ehsize = sizeof(Elf64_Ehdr);
  header.e_shentsize = sizeof(Elf64_Shdr);
  header.e_shnum = 6;
  header.e_shstrndx = 4;
  Elf64_Shdr sections[6] = {};
  sections[1] = {kRodataName, SHT_PROGBITS, SHF_ALLOC, 0, rodataOffset,
                 rodataSize, 0, 0, EFFNET_ALIGN, 0};
  sections[2] = {kSymtabName, SHT_SYMTAB, 0, 0, symtabOffset, symtabSize,
                 3, 1, 8, sizeof(Elf64_Sym)};
  sections[3] = {kStrtabName, SHT_STRTAB, 0, 0, strtabOffset, strtab.size(),
                 0, 0, 1, 0};
  sections[4] = {kShstrtabName, SHT_STRTAB, 0, 0, shstrtabOffset,
                 sizeof(shstrtab), 0, 0, 1, 0};
  sections[5] = {kNoteName, SHT_PROGBITS, 0, 0, sectionsOffset, 0, 0, 0, 1, 0};

  Expected<int> fd = openScratch(objectPath);
  if (!fd)
    return fd.takeError();
  raw_fd_ostream os(*fd, /*shouldClose=*/true);
  auto bytes = [&](const void *data, size_t size) {
    os.write(static_cast<const char *>(data), size);
  };
  auto padTo = [&](uint64_t offset) { os.write_zeros(offset - os.tell()); };
  bytes(&header, sizeof(header));
  for (size_t i = 0; i < blobs.size(); ++i) {
    padTo(rodataOffset + symbols[i + 1].st_value);
    bytes(blobs[i].second->data(), symbols[i + 1].st_size);
  }
  padTo(symtabOffset);
  bytes(symbols.data(), symtabSize);
  bytes(strtab.data(), strtab.size());
  bytes(shstrtab, sizeof(shstrtab));
  padTo(sectionsOffset);
  bytes(sections, sizeof(sections));
  os.close();
  if (os.has_error()) {
    std::error_code error = os.error();
    os.clear_error();
    return createStringError(error,
                             fmt::format("cannot write '{}'", objectPath));
  }
  return Error::success();
}

Error mlir::effnet::codegen::emitWeightsObject(ArrayRef<DriverPath> paths,
                                               const ModelInfo &info,
                                               const std::string &triple,
                                               const std::string &objectPath) {
  Triple parsed(triple);
  if (parsed.isOSBinFormatELF() && parsed.isLittleEndian() &&
      (parsed.getArch() == Triple::x86_64 ||
       parsed.getArch() == Triple::aarch64))
    return writeElf64Weights(weightBlobs(paths), info.name,
                             parsed.getArch() == Triple::x86_64 ? EM_X86_64
                                                                : EM_AARCH64,
                             objectPath);
  Expected<std::unique_ptr<TargetMachine>> machine = createMachine(triple);
  if (!machine)
    return machine.takeError();
  LLVMContext ctx;
  Module module(info.name + "_weights", ctx);
  module.setTargetTriple(triple);
  module.setDataLayout((*machine)->createDataLayout());
  for (const auto &[suffix, values] : weightBlobs(paths))
    declareWeights(module, info.name + "_" + suffix,
                   values->size() * sizeof(float), values);
  return emitObject(module, **machine, objectPath);
}

Error mlir::effnet::codegen::printDriver(ArrayRef<DriverPath> paths,
                                         const ModelInfo &info,
                                         const std::string &triple,
                                         raw_ostream &os) {
  return withDriver(paths, info, triple,
                    [&](Module &module, TargetMachine &) {
                      module.print(os, nullptr);
                      return Error::success();
                    });
}
