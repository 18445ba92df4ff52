//===- Pool.cpp - the generated library's pool for kernels' loops ---------===//
//
// See Pool.h for what the pool does and why. The state is one global,
// effnet_pool_state:
//
//   generation  odd while a loop is published, even between loops
//   active      workers inside a loop (the caller waits for none before it
//               returns, so no worker touches a loop's fields afterwards)
//   sleepers    workers asleep on the generation's futex
//   busy        1 while a caller owns the pool
//   started     workers started (slots 1..started)
//   the loop    task, user_context, closure, min, extent, parts
//   remaining   iterations not yet finished; err: the first failure
//   counters    per part, on its own cache line: iterations taken
//
//===----------------------------------------------------------------------===//

#include "codegen/Pool.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/IntrinsicsAArch64.h"
#include "llvm/IR/IntrinsicsX86.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

#include <limits>
#include <optional>

using namespace llvm;
using mlir::effnet::codegen::emitTakeNext;

namespace {

/// Parts a loop is cut into at most, and so threads that run one loop.
constexpr unsigned kMaxParts = 64;
/// Waiting rounds (each a pause or yield hint) before an idle worker
/// sleeps: about a millisecond on x86, whose pause takes tens to a hundred
/// cycles; ARM's yield hint takes a few.
constexpr int64_t kSpinsX86 = 1 << 14, kSpinsOther = 1 << 18;
/// Linux's futex operations on a process-private word.
constexpr int64_t kFutexWaitPrivate = 128, kFutexWakePrivate = 129;

/// Linux's futex system call number for `triple`, if the pool runs there.
std::optional<int64_t> futexSyscall(const Triple &triple) {
  if (!triple.isOSLinux())
    return std::nullopt;
  switch (triple.getArch()) {
  case Triple::x86_64:
    return 202;
  case Triple::aarch64:
  case Triple::riscv64:
    return 98;
  case Triple::x86:
  case Triple::arm:
    return 240;
  default:
    return std::nullopt;
  }
}

class PoolBuilder {
public:
  PoolBuilder(Module &module, Function *halidePool, int64_t futex)
      : module(module), ctx(module.getContext()), builder(ctx),
        halidePool(halidePool), futex(futex) {
    i32 = Type::getInt32Ty(ctx);
    i64 = Type::getInt64Ty(ctx);
    ptr = PointerType::getUnqual(ctx);
    intPtr = module.getDataLayout().getIntPtrType(ctx);
    Triple triple(module.getTargetTriple());
    pauseIntrinsic = Intrinsic::not_intrinsic;
    if (triple.isX86())
      pauseIntrinsic = Intrinsic::x86_sse2_pause;
    else if (triple.isAArch64())
      pauseIntrinsic = Intrinsic::aarch64_hint;
    spins = triple.isX86() ? kSpinsX86 : kSpinsOther;
  }

  Function *build() {
    // Sixteen i32 per counter: a cache line each.
    auto *counters = ArrayType::get(ArrayType::get(i32, 16), kMaxParts);
    state = StructType::create(ctx,
                               {i32, i32, i32, i32, i32, ptr, ptr, ptr, i32,
                                i32, i32, i32, i32, counters},
                               "effnet_pool_state_t");
    global = new GlobalVariable(
        module, state, /*isConstant=*/false, GlobalValue::LinkOnceODRLinkage,
        ConstantAggregateZero::get(state), "effnet_pool_state");
    global->setAlignment(Align(64));
    Function *work = emitWork();
    Function *worker = emitWorker(work);
    return emitParFor(work, worker);
  }

private:
  enum Field : unsigned {
    kGeneration,
    kActive,
    kSleepers,
    kBusy,
    kStarted,
    kTask,
    kContext,
    kClosure,
    kMin,
    kExtent,
    kParts,
    kRemaining,
    kError,
    kCounters
  };

  Function *define(StringRef name, Type *result, ArrayRef<Type *> params) {
    auto *fn = Function::Create(FunctionType::get(result, params, false),
                                GlobalValue::LinkOnceODRLinkage, name, module);
    fn->addFnAttr(Attribute::NoUnwind);
    return fn;
  }
  BasicBlock *block(StringRef name) {
    return BasicBlock::Create(ctx, name, builder.GetInsertBlock()->getParent());
  }

  Value *field(Field index) {
    return builder.CreateStructGEP(state, global, index);
  }
  Value *load(Type *type, Field index) {
    return builder.CreateLoad(type, field(index));
  }
  /// A sequentially consistent load or add of an i32 field: the pool's
  /// handshakes (a worker joining as the caller ends a loop, a worker going
  /// to sleep as the caller publishes one) need each side to see the
  /// other's write or its own to be seen.
  Value *atomicLoad(Field index) {
    LoadInst *load = builder.CreateLoad(i32, field(index));
    load->setAtomic(AtomicOrdering::SequentiallyConsistent);
    load->setAlignment(Align(4));
    return load;
  }
  Value *atomicAdd(Value *address, int32_t value) {
    return builder.CreateAtomicRMW(AtomicRMWInst::Add, address,
                                   builder.getInt32(value), MaybeAlign(4),
                                   AtomicOrdering::SequentiallyConsistent);
  }
  void pause() {
    if (pauseIntrinsic == Intrinsic::x86_sse2_pause)
      builder.CreateIntrinsic(pauseIntrinsic, {}, {});
    else if (pauseIntrinsic == Intrinsic::aarch64_hint)
      builder.CreateIntrinsic(pauseIntrinsic, {}, {builder.getInt32(1)});
  }
  /// syscall(SYS_futex, &generation, op, value, NULL).
  void callFutex(int64_t op, Value *value) {
    FunctionCallee syscall = module.getOrInsertFunction(
        "syscall", FunctionType::get(intPtr, {intPtr}, /*isVarArg=*/true));
    builder.CreateCall(syscall,
                       {ConstantInt::get(intPtr, futex), field(kGeneration),
                        ConstantInt::get(intPtr, op),
                        builder.CreateSExt(value, intPtr),
                        ConstantPointerNull::get(ptr)});
  }
  /// Spins, with the pause hint, until the field `index` is 0.
  void waitForZero(Field index, StringRef name) {
    BasicBlock *loop = block(name), *spin = block(name.str() + "_spin"),
               *done = block(name.str() + "_done");
    builder.CreateBr(loop);
    builder.SetInsertPoint(loop);
    builder.CreateCondBr(
        builder.CreateICmpEQ(atomicLoad(index), builder.getInt32(0)), done,
        spin);
    builder.SetInsertPoint(spin);
    pause();
    builder.CreateBr(loop);
    builder.SetInsertPoint(done);
  }

  /// effnet_pool_work(first): runs iterations of the published loop, its
  /// part `first` (mod parts) first, then what is left of the parts after
  /// it. Each iteration taken is counted down in `remaining`.
  Function *emitWork() {
    Function *fn = define("effnet_pool_work", Type::getVoidTy(ctx), {i32});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *parts = load(i32, kParts), *extent = load(i32, kExtent);
    Value *min = load(i32, kMin), *task = load(ptr, kTask);
    Value *context = load(ptr, kContext), *closure = load(ptr, kClosure);
    Value *parts64 = builder.CreateZExt(parts, i64);
    Value *extent64 = builder.CreateZExt(extent, i64);
    BasicBlock *entry = builder.GetInsertBlock();
    BasicBlock *partLoop = block("part"), *claim = block("claim"),
               *run = block("run"), *failed = block("failed"),
               *ran = block("ran"), *nextPart = block("next_part"),
               *done = block("done");
    builder.CreateBr(partLoop);

    builder.SetInsertPoint(partLoop);
    PHINode *k = builder.CreatePHI(i32, 2, "k");
    k->addIncoming(builder.getInt32(0), entry);
    BasicBlock *body = block("part_body");
    builder.CreateCondBr(builder.CreateICmpULT(k, parts), body, done);
    builder.SetInsertPoint(body);
    Value *part =
        builder.CreateURem(builder.CreateAdd(fn->getArg(0), k), parts, "part");
    // Part p holds iterations [extent * p / parts, extent * (p+1) / parts).
    Value *part64 = builder.CreateZExt(part, i64);
    Value *begin = builder.CreateTrunc(
        builder.CreateUDiv(builder.CreateMul(extent64, part64), parts64), i32);
    Value *end = builder.CreateTrunc(
        builder.CreateUDiv(
            builder.CreateMul(extent64,
                              builder.CreateAdd(part64, builder.getInt64(1))),
            parts64),
        i32);
    Value *size = builder.CreateSub(end, begin);
    Value *counter = builder.CreateInBoundsGEP(state, global,
                                               {builder.getInt32(0),
                                                builder.getInt32(kCounters),
                                                part, builder.getInt32(0)});
    builder.CreateBr(claim);

    builder.SetInsertPoint(claim);
    Value *taken = emitTakeNext(builder, counter);
    builder.CreateCondBr(builder.CreateICmpULT(taken, size), run, nextPart);

    builder.SetInsertPoint(run);
    Value *index = builder.CreateAdd(min, builder.CreateAdd(begin, taken));
    Value *status =
        builder.CreateCall(FunctionType::get(i32, {ptr, i32, ptr}, false), task,
                           {context, index, closure});
    builder.CreateCondBr(builder.CreateICmpEQ(status, builder.getInt32(0)), ran,
                         failed);
    builder.SetInsertPoint(failed);
    builder.CreateAtomicCmpXchg(field(kError), builder.getInt32(0), status,
                                MaybeAlign(4), AtomicOrdering::Monotonic,
                                AtomicOrdering::Monotonic);
    builder.CreateBr(ran);
    builder.SetInsertPoint(ran);
    // Release: the caller, seeing no iteration remain, sees their results.
    atomicAdd(field(kRemaining), -1);
    builder.CreateBr(claim);

    builder.SetInsertPoint(nextPart);
    k->addIncoming(builder.CreateAdd(k, builder.getInt32(1)), nextPart);
    builder.CreateBr(partLoop);

    builder.SetInsertPoint(done);
    builder.CreateRetVoid();
    return fn;
  }

  /// effnet_pool_worker(slot): a worker's thread. It waits for a loop to be
  /// published, joins it when its slot is below the loop's parts (working
  /// from part `slot`), and between loops spins, then sleeps on the
  /// generation's futex.
  Function *emitWorker(Function *work) {
    Function *fn = define("effnet_pool_worker", ptr, {ptr});
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    BasicBlock *entry = builder.GetInsertBlock();
    Value *slot = builder.CreatePtrToInt(fn->getArg(0), i32);
    BasicBlock *wait = block("wait"), *changed = block("changed"),
               *join = block("join"), *working = block("work"),
               *leave = block("leave"), *idle = block("idle"),
               *spin = block("spin"), *sleep = block("sleep"),
               *futexWait = block("futex_wait"), *woke = block("woke");
    builder.CreateBr(wait);

    builder.SetInsertPoint(wait);
    PHINode *seen = builder.CreatePHI(i32, 4, "seen");
    PHINode *spun = builder.CreatePHI(i32, 4, "spun");
    seen->addIncoming(builder.getInt32(0), entry);
    spun->addIncoming(builder.getInt32(0), entry);
    Value *generation = atomicLoad(kGeneration);
    builder.CreateCondBr(builder.CreateICmpNE(generation, seen), changed, idle);

    // A new generation: a loop when odd, and this slot has a part. `parts`
    // is read atomically: a caller may be publishing the next loop already
    // (the check after joining sends this worker back then).
    builder.SetInsertPoint(changed);
    Value *published = builder.CreateTrunc(generation, builder.getInt1Ty());
    LoadInst *parts = builder.CreateLoad(i32, field(kParts));
    parts->setAtomic(AtomicOrdering::Monotonic);
    parts->setAlignment(Align(4));
    builder.CreateCondBr(
        builder.CreateAnd(published, builder.CreateICmpULT(slot, parts)), join,
        leave);
    builder.SetInsertPoint(join);
    atomicAdd(field(kActive), 1);
    // The loop may have ended before this worker counted itself in.
    builder.CreateCondBr(
        builder.CreateICmpEQ(atomicLoad(kGeneration), generation), working,
        leave);
    builder.SetInsertPoint(working);
    builder.CreateCall(work, {slot});
    atomicAdd(field(kActive), -1);
    seen->addIncoming(generation, working);
    spun->addIncoming(builder.getInt32(0), working);
    builder.CreateBr(wait);
    // Not joined (an even generation, a loop with fewer parts, or a loop
    // already over).
    builder.SetInsertPoint(leave);
    PHINode *joined = builder.CreatePHI(builder.getInt1Ty(), 2);
    joined->addIncoming(builder.getFalse(), changed);
    joined->addIncoming(builder.getTrue(), join);
    BasicBlock *uncount = block("uncount"), *back = block("back");
    builder.CreateCondBr(joined, uncount, back);
    builder.SetInsertPoint(uncount);
    atomicAdd(field(kActive), -1);
    builder.CreateBr(back);
    builder.SetInsertPoint(back);
    seen->addIncoming(generation, back);
    spun->addIncoming(builder.getInt32(0), back);
    builder.CreateBr(wait);

    // No change: spin a while, then sleep until the generation moves.
    builder.SetInsertPoint(idle);
    builder.CreateCondBr(builder.CreateICmpULT(spun, builder.getInt32(spins)),
                         spin, sleep);
    builder.SetInsertPoint(spin);
    pause();
    seen->addIncoming(seen, spin);
    spun->addIncoming(builder.CreateAdd(spun, builder.getInt32(1)), spin);
    builder.CreateBr(wait);
    builder.SetInsertPoint(sleep);
    atomicAdd(field(kSleepers), 1);
    // A caller that published after this load wakes the sleepers, and the
    // futex sleeps only while the generation is still `seen`.
    builder.CreateCondBr(builder.CreateICmpEQ(atomicLoad(kGeneration), seen),
                         futexWait, woke);
    builder.SetInsertPoint(futexWait);
    callFutex(kFutexWaitPrivate, seen);
    builder.CreateBr(woke);
    builder.SetInsertPoint(woke);
    atomicAdd(field(kSleepers), -1);
    seen->addIncoming(seen, woke);
    spun->addIncoming(builder.getInt32(0), woke);
    builder.CreateBr(wait);
    return fn;
  }

  /// effnet_pool_par_for(user_context, task, min, extent, closure,
  /// threads): see Pool.h.
  Function *emitParFor(Function *work, Function *worker) {
    Function *fn =
        define("effnet_pool_par_for", i32, {ptr, ptr, i32, i32, ptr, i32});
    Value *context = fn->getArg(0), *task = fn->getArg(1), *min = fn->getArg(2),
          *extent = fn->getArg(3), *closure = fn->getArg(4),
          *threads = fn->getArg(5);
    builder.SetInsertPoint(BasicBlock::Create(ctx, "entry", fn));
    Value *thread = builder.CreateAlloca(intPtr);
    BasicBlock *busy = block("busy"), *own = block("own"),
               *start = block("start"), *create = block("create"),
               *created = block("created"), *publish = block("publish");
    Value *taken = builder.CreateExtractValue(
        builder.CreateAtomicCmpXchg(
            field(kBusy), builder.getInt32(0), builder.getInt32(1),
            MaybeAlign(4), AtomicOrdering::Acquire, AtomicOrdering::Monotonic),
        1);
    builder.CreateCondBr(taken, own, busy);

    builder.SetInsertPoint(busy);
    builder.CreateRet(
        builder.CreateCall(halidePool, {context, task, min, extent, closure}));

    // Parts: min(threads, extent, kMaxParts); workers for slots 1..parts-1
    // are started once and kept.
    builder.SetInsertPoint(own);
    Value *parts = builder.CreateBinaryIntrinsic(
        Intrinsic::umin,
        builder.CreateBinaryIntrinsic(Intrinsic::umin, threads, extent),
        builder.getInt32(kMaxParts));
    builder.CreateBr(start);
    builder.SetInsertPoint(start);
    Value *started = load(i32, kStarted);
    builder.CreateCondBr(
        builder.CreateICmpULT(builder.CreateAdd(started, builder.getInt32(1)),
                              parts),
        create, publish);
    builder.SetInsertPoint(create);
    FunctionCallee pthreadCreate = module.getOrInsertFunction(
        "pthread_create", FunctionType::get(i32, {ptr, ptr, ptr, ptr}, false));
    Value *slot = builder.CreateAdd(started, builder.getInt32(1));
    Value *failed = builder.CreateCall(
        pthreadCreate, {thread, ConstantPointerNull::get(ptr), worker,
                        builder.CreateIntToPtr(slot, ptr)});
    // Without a new thread the caller takes its part.
    builder.CreateCondBr(builder.CreateICmpEQ(failed, builder.getInt32(0)),
                         created, publish);
    builder.SetInsertPoint(created);
    builder.CreateStore(slot, field(kStarted));
    builder.CreateBr(start);

    builder.SetInsertPoint(publish);
    builder.CreateStore(task, field(kTask));
    builder.CreateStore(context, field(kContext));
    builder.CreateStore(closure, field(kClosure));
    builder.CreateStore(min, field(kMin));
    builder.CreateStore(extent, field(kExtent));
    builder.CreateStore(parts, field(kParts))
        ->setAtomic(AtomicOrdering::Monotonic);
    builder.CreateStore(extent, field(kRemaining));
    builder.CreateStore(builder.getInt32(0), field(kError));
    builder.CreateMemSet(
        field(kCounters), builder.getInt8(0),
        builder.CreateMul(builder.CreateZExt(parts, i64), builder.getInt64(64)),
        MaybeAlign(64));
    atomicAdd(field(kGeneration), 1);
    BasicBlock *wake = block("wake"), *mine = block("mine");
    builder.CreateCondBr(
        builder.CreateICmpNE(atomicLoad(kSleepers), builder.getInt32(0)), wake,
        mine);
    builder.SetInsertPoint(wake);
    callFutex(kFutexWakePrivate,
              builder.getInt32(std::numeric_limits<int32_t>::max()));
    builder.CreateBr(mine);

    builder.SetInsertPoint(mine);
    builder.CreateCall(work, {builder.getInt32(0)});
    waitForZero(kRemaining, "finish");
    // The loop is over: workers that have not joined will not, and those
    // inside leave once they find nothing left to take.
    atomicAdd(field(kGeneration), 1);
    waitForZero(kActive, "drain");
    Value *status = load(i32, kError);
    builder.CreateStore(builder.getInt32(0), field(kBusy))
        ->setAtomic(AtomicOrdering::Release);
    builder.CreateRet(status);
    return fn;
  }

  Module &module;
  LLVMContext &ctx;
  IRBuilder<> builder;
  Function *halidePool;
  int64_t futex;
  Type *i32, *i64;
  PointerType *ptr;
  IntegerType *intPtr;
  Intrinsic::ID pauseIntrinsic;
  int64_t spins;
  StructType *state = nullptr;
  GlobalVariable *global = nullptr;
};

} // namespace

Function *mlir::effnet::codegen::emitPool(Module &module,
                                          Function *halidePool) {
  std::optional<int64_t> futex = futexSyscall(Triple(module.getTargetTriple()));
  if (!futex)
    return nullptr;
  return PoolBuilder(module, halidePool, *futex).build();
}

Value *mlir::effnet::codegen::emitTakeNext(IRBuilder<> &builder,
                                           Value *counter) {
  return builder.CreateAtomicRMW(AtomicRMWInst::Add, counter,
                                 builder.getInt32(1), MaybeAlign(4),
                                 AtomicOrdering::Monotonic);
}
