//===- RuntimeTest.cpp - the generated libraries' runtime, natively -------===//
//
// codegen/runtime's C, compiled for this machine into this test, with a
// model whose kernels are C++ functions and Halide's runtime replaced by a
// serial stand-in: the pool's loops, the entry points' checks and error
// codes, and the batch's arenas, without a generated library.
//
//===----------------------------------------------------------------------===//

#include "codegen/runtime/Runtime.h"

#include "HalideRuntime.h"

#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

extern "C" {
// The runtime's weak state and functions (Runtime.c, Pool.c).
extern int effnet_kernel_par_for(void *, halide_task_t, int, int, uint8_t *);
extern struct {
  int generation, active, sleepers, busy, started;
} effnet_pool_state;

// Halide's runtime, as far as the runtime uses it: loops run in order here,
// counted, so a test sees which pool a loop went to.
static std::atomic<int> halideLoops{0};
static halide_do_par_for_t customParFor = nullptr;
static int halideThreads = 2;
// While set, halide_do_par_for runs each task on a thread of its own: a test
// of what runs at once needs the tasks to.
static bool halideOnThreads = false;

int halide_default_do_par_for(void *context, halide_task_t task, int min,
                              int size, uint8_t *closure) {
  ++halideLoops;
  for (int i = min; i < min + size; ++i)
    if (int status = task(context, i, closure))
      return status;
  return 0;
}
int halide_do_par_for(void *context, halide_task_t task, int min, int size,
                      uint8_t *closure) {
  if (!halideOnThreads)
    return halide_default_do_par_for(context, task, min, size, closure);
  std::vector<int> status(size);
  std::vector<std::thread> threads;
  for (int i = 0; i < size; ++i)
    threads.emplace_back(
        [&, i] { status[i] = task(context, min + i, closure); });
  for (std::thread &thread : threads)
    thread.join();
  for (int s : status)
    if (s)
      return s;
  return 0;
}
halide_do_par_for_t halide_set_custom_do_par_for(halide_do_par_for_t handler) {
  halide_do_par_for_t old =
      customParFor ? customParFor : halide_default_do_par_for;
  customParFor = handler;
  return old;
}
// A GPU, as far as the runtime uses one: its memory is the host's, a
// handle the address of the bytes (a crop's, an address inside them, as on
// CUDA). Allocations and copies are counted; a test can take the device
// away (no context) or its memory (every allocation fails).
struct FakeDevice {
  std::map<uint64_t, size_t> allocations; // handle -> bytes
  int toDevice = 0, toHost = 0, onDevice = 0; // copies
  size_t bytesToDevice = 0, bytesToHost = 0;
  int frees = 0;
  bool present = true;
  int room = -1; // allocations that succeed before memory runs out; -1: any
};
static FakeDevice fakeDevice;
static std::mutex fakeDeviceMutex;
static halide_device_interface_t fakeInterface{};

// The bytes a buffer spans from its host pointer (mins are 0 here, or the
// buffer's host points at its min).
static size_t spanBytes(const halide_buffer_t *b) {
  int64_t span = 1;
  for (int d = 0; d < b->dimensions; ++d)
    span += int64_t(b->dim[d].extent - 1) * b->dim[d].stride;
  return size_t(span) * ((b->type.bits + 7) / 8);
}

const halide_device_interface_t *halide_cuda_device_interface() {
  return &fakeInterface;
}
int halide_cuda_acquire_context(void *, void **context, bool) {
  static int dummy;
  *context = fakeDevice.present ? &dummy : nullptr;
  return fakeDevice.present ? 0 : -1;
}
int halide_cuda_release_context(void *) { return 0; }
int halide_device_malloc(void *, struct halide_buffer_t *b,
                         const halide_device_interface_t *interface) {
  std::lock_guard<std::mutex> lock(fakeDeviceMutex);
  if (!fakeDevice.present || fakeDevice.room == 0)
    return halide_error_code_device_malloc_failed;
  if (fakeDevice.room > 0)
    --fakeDevice.room;
  size_t bytes = spanBytes(b);
  auto *memory = static_cast<uint8_t *>(calloc(bytes, 1));
  b->device = reinterpret_cast<uint64_t>(memory);
  b->device_interface = interface;
  fakeDevice.allocations[b->device] = bytes;
  return 0;
}
int halide_copy_to_device(void *, struct halide_buffer_t *b,
                          const halide_device_interface_t *interface) {
  if (!b->device)
    if (int status = halide_device_malloc(nullptr, b, interface))
      return status;
  if (b->flags & halide_buffer_flag_host_dirty) {
    std::lock_guard<std::mutex> lock(fakeDeviceMutex);
    std::memcpy(reinterpret_cast<void *>(b->device), b->host, spanBytes(b));
    ++fakeDevice.toDevice;
    fakeDevice.bytesToDevice += spanBytes(b);
    b->flags &= ~uint64_t(halide_buffer_flag_host_dirty);
  }
  return 0;
}
int halide_copy_to_host(void *, struct halide_buffer_t *b) {
  if (b->flags & halide_buffer_flag_device_dirty) {
    std::lock_guard<std::mutex> lock(fakeDeviceMutex);
    std::memcpy(b->host, reinterpret_cast<void *>(b->device), spanBytes(b));
    ++fakeDevice.toHost;
    fakeDevice.bytesToHost += spanBytes(b);
    b->flags &= ~uint64_t(halide_buffer_flag_device_dirty);
  }
  return 0;
}
int halide_device_crop(void *, const struct halide_buffer_t *src,
                       struct halide_buffer_t *dst) {
  if (dst->device || src->dimensions != dst->dimensions)
    return halide_error_code_device_crop_failed;
  int64_t offset = 0;
  for (int d = 0; d < src->dimensions; ++d)
    offset += int64_t(dst->dim[d].min - src->dim[d].min) * src->dim[d].stride;
  dst->device = src->device + uint64_t(offset) * ((src->type.bits + 7) / 8);
  dst->device_interface = src->device_interface;
  return 0;
}
int halide_device_release_crop(void *, struct halide_buffer_t *b) {
  b->device = 0;
  b->device_interface = nullptr;
  return 0;
}
// Frees an allocation; a crop's handle or a handle freed twice fails.
int halide_device_free(void *, struct halide_buffer_t *b) {
  std::lock_guard<std::mutex> lock(fakeDeviceMutex);
  auto it = fakeDevice.allocations.find(b->device);
  if (it == fakeDevice.allocations.end())
    return halide_error_code_device_free_failed;
  free(reinterpret_cast<void *>(b->device));
  fakeDevice.allocations.erase(it);
  ++fakeDevice.frees;
  b->device = 0;
  b->device_interface = nullptr;
  return 0;
}
// A copy to `dst`'s device allocation from `src`'s host (when that is the
// newer copy) or its device allocation.
int halide_buffer_copy(void *, struct halide_buffer_t *src,
                       const halide_device_interface_t *interface,
                       struct halide_buffer_t *dst) {
  if (!interface || !dst->device || spanBytes(src) != spanBytes(dst))
    return halide_error_code_device_buffer_copy_failed;
  std::lock_guard<std::mutex> lock(fakeDeviceMutex);
  bool fromHost = src->host && (src->flags & halide_buffer_flag_host_dirty);
  std::memcpy(reinterpret_cast<void *>(dst->device),
              fromHost ? static_cast<void *>(src->host)
                       : reinterpret_cast<void *>(src->device),
              spanBytes(src));
  ++(fromHost ? fakeDevice.toDevice : fakeDevice.onDevice);
  dst->flags = halide_buffer_flag_device_dirty;
  return 0;
}
int halide_device_sync(void *, struct halide_buffer_t *) { return 0; }
static std::mutex halideMutex;
void halide_mutex_lock(struct halide_mutex *) { halideMutex.lock(); }
void halide_mutex_unlock(struct halide_mutex *) { halideMutex.unlock(); }
// Halide's error handler: the runtime installs its own unless the app did.
void halide_default_error(void *, const char *) {}
static halide_error_handler_t errorHandler = halide_default_error;
halide_error_handler_t halide_set_error_handler(halide_error_handler_t h) {
  halide_error_handler_t old = errorHandler;
  errorHandler = h;
  return old;
}
int halide_host_cpu_count() { return halideThreads; }
int halide_set_num_threads(int n) {
  int old = halideThreads;
  halideThreads = n;
  return old;
}
}

namespace {

// --- The pool -------------------------------------------------------------

int atomicLoad(int &field) { return __atomic_load_n(&field, __ATOMIC_SEQ_CST); }

/// Whether `field` holds `value` within `bound`, looked at every millisecond.
bool becomes(int &field, int value, std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    if (atomicLoad(field) == value)
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

/// Whether `field` is 0 within about a second: a worker that saw a loop
/// just as it ended counts itself in and out of `active` after the loop's
/// caller has returned.
bool becomesZero(int &field) {
  return becomes(field, 0, std::chrono::seconds(1));
}

struct Loop {
  std::vector<std::atomic<int>> runs;
  std::atomic<int> failAt{-1};
  explicit Loop(int size) : runs(size) {}
};

int countRun(void *context, int i, uint8_t *closure) {
  auto *loop = reinterpret_cast<Loop *>(closure);
  ++loop->runs[i - 10];
  return i == loop->failAt ? -7 : 0;
}

TEST(Pool, RunsEveryIterationOnce) {
  for (int threads : {2, 3, 8})
    for (int size : {1, 2, 7, 100}) {
      Loop loop(size);
      ASSERT_EQ(effnet_pool_par_for(nullptr, countRun, 10, size,
                                    reinterpret_cast<uint8_t *>(&loop),
                                    threads),
                0);
      for (int i = 0; i < size; ++i)
        EXPECT_EQ(loop.runs[i], 1) << threads << " threads, " << size;
      EXPECT_EQ(atomicLoad(effnet_pool_state.busy), 0);
      EXPECT_TRUE(becomesZero(effnet_pool_state.active));
      EXPECT_EQ(atomicLoad(effnet_pool_state.generation) % 2, 0);
    }
  // Workers are started once, up to the most parts a loop had.
  EXPECT_EQ(atomicLoad(effnet_pool_state.started), 7);
}

/// Work that `threads` threads must all take part in: each thread, the first
/// time it comes, waits until `threads` threads have come or five seconds
/// have passed. Without the wait one thread could do all the work alone, and
/// a thread that never came would go unseen; with it, a thread that does not
/// come leaves `ids` short once the five seconds are up, and the test fails
/// instead of hanging.
struct Meeting {
  const int threads;
  const std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::mutex mutex;
  std::condition_variable came;
  std::set<std::thread::id> ids;
  explicit Meeting(int threads) : threads(threads) {}

  /// Counts this thread in, `lock` holding `mutex`.
  void come(std::unique_lock<std::mutex> &lock) {
    if (!ids.insert(std::this_thread::get_id()).second)
      return;
    came.notify_all();
    came.wait_until(lock, deadline, [&] { return int(ids.size()) >= threads; });
  }
};

/// A pool loop's meeting, its iterations counted.
struct MeetingLoop : Meeting {
  std::vector<int> runs;
  MeetingLoop(int threads, int size) : Meeting(threads), runs(size) {}
};

int meet(void *context, int i, uint8_t *closure) {
  auto *m = reinterpret_cast<MeetingLoop *>(closure);
  std::unique_lock<std::mutex> lock(m->mutex);
  ++m->runs[i];
  m->come(lock);
  return 0;
}

TEST(Pool, WakesSleepingWorkers) {
  // A first loop starts the workers when this test runs alone.
  Loop start(4);
  ASSERT_EQ(effnet_pool_par_for(nullptr, countRun, 10, 4,
                                reinterpret_cast<uint8_t *>(&start), 4),
            0);
  int started = atomicLoad(effnet_pool_state.started);
  ASSERT_GE(started, 3);
  for (int round = 0; round < 5; ++round) {
    // Workers spin for about a millisecond after a loop, then sleep on the
    // futex; only once all of them sleep does the loop need them woken.
    // Five seconds leave room for a loaded machine.
    ASSERT_TRUE(
        becomes(effnet_pool_state.sleepers, started, std::chrono::seconds(5)))
        << "round " << round << ": " << atomicLoad(effnet_pool_state.sleepers)
        << " of " << started << " workers asleep";
    MeetingLoop meeting(4, 50);
    ASSERT_EQ(effnet_pool_par_for(nullptr, meet, 0, 50,
                                  reinterpret_cast<uint8_t *>(&meeting), 4),
              0);
    // Each thread waits in its first iteration, so none takes another's
    // part before all four have come: every woken worker finds work.
    ASSERT_EQ(meeting.ids.size(), 4u)
        << "round " << round << ": the sleeping workers were not woken";
    for (int i = 0; i < 50; ++i)
      EXPECT_EQ(meeting.runs[i], 1) << i;
  }
}

TEST(Pool, ReturnsAFailureAndStaysUsable) {
  Loop loop(40);
  loop.failAt = 10 + 17;
  EXPECT_EQ(effnet_pool_par_for(nullptr, countRun, 10, 40,
                                reinterpret_cast<uint8_t *>(&loop), 2),
            -7);
  // Every iteration still ran once; the pool is free for the next loop.
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(loop.runs[i], 1);
  EXPECT_EQ(atomicLoad(effnet_pool_state.busy), 0);
  Loop next(40);
  EXPECT_EQ(effnet_pool_par_for(nullptr, countRun, 10, 40,
                                reinterpret_cast<uint8_t *>(&next), 2),
            0);
}

int nested(void *context, int i, uint8_t *closure) {
  Loop inner(3);
  return effnet_pool_par_for(nullptr, countRun, 10, 3,
                             reinterpret_cast<uint8_t *>(&inner), 2);
}

TEST(Pool, ALoopThatFindsItBusyGoesToHalide) {
  int before = halideLoops;
  EXPECT_EQ(effnet_pool_par_for(nullptr, nested, 0, 4, nullptr, 2), 0);
  EXPECT_EQ(halideLoops - before, 4);
}

// --- The entry points, on a model of two steps ----------------------------
//
// Step 0 doubles the 2 x 3 x 1 image into the arena (x, y, c planar); step 1
// adds the weights' one value and writes the 6 values as the output.

float weights[16] = {0.5f};

int readBuffer(void **args, int i, float *&host, int &extent) {
  auto *b = static_cast<halide_buffer_t *>(args[i]);
  host = reinterpret_cast<float *>(b->host);
  extent = b->dim[0].extent * b->dim[1].extent * b->dim[2].extent;
  return b->type.code == halide_type_float && b->type.bits == 32 ? 0 : -1;
}

int doubleKernel(void **args) {
  float *in, *out;
  int n, m;
  if (readBuffer(args, 0, in, n) || readBuffer(args, 1, out, m) || n != m)
    return -1;
  for (int i = 0; i < n; ++i)
    out[i] = 2 * in[i];
  return 0;
}

int addKernel(void **args) {
  float *in, *out;
  int n, m;
  auto *w = static_cast<halide_buffer_t *>(args[1]);
  if (readBuffer(args, 0, in, n) || readBuffer(args, 2, out, m) || n != m)
    return -1;
  for (int i = 0; i < n; ++i)
    out[i] = in[i] + reinterpret_cast<float *>(w->host)[0];
  return 0;
}

// 8-bit pixels, c, x, y with a row stride: the first step reads them.
int pixelKernel(void **args) {
  auto *b = static_cast<halide_buffer_t *>(args[0]);
  float *out;
  int m;
  if (b->type.code != halide_type_uint || b->type.bits != 8 ||
      readBuffer(args, 1, out, m))
    return -1;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 2; ++x)
      out[x + 2 * y] = 2 * b->host[x + y * b->dim[2].stride];
  return 0;
}

int failingKernel(void **) { return -3; }

/// The images that run at once, met in their first step, and the arenas
/// (their first byte, where `doubled` lies) each thread ran images in.
struct ImageMeeting : Meeting {
  std::map<std::thread::id, std::set<uint8_t *>> arenas;
  using Meeting::Meeting;
};
ImageMeeting *imageMeeting = nullptr;

/// doubleKernel, once the images that run at once have met.
int meetingDoubleKernel(void **args) {
  {
    std::unique_lock<std::mutex> lock(imageMeeting->mutex);
    imageMeeting->arenas[std::this_thread::get_id()].insert(
        static_cast<halide_buffer_t *>(args[1])->host);
    imageMeeting->come(lock);
  }
  return doubleKernel(args);
}

constexpr effnet_buffer image{16, EFFNET_ARENA, 3, {2, 3, 1}, {1, 2, 6}};
constexpr effnet_buffer doubled{0, EFFNET_ARENA, 3, {2, 3, 1}, {1, 2, 6}};
constexpr effnet_buffer output{32, EFFNET_ARENA, 3, {2, 3, 1}, {1, 2, 6}};
const effnet_buffer buffers[] = {
    image,   doubled,
    doubled, {0, EFFNET_WEIGHTS, 1, {1}, {1}},
    output,  {0, EFFNET_PIXELS, 3, {1, 2, 3}, {1, 1, EFFNET_ROW_STRIDE}},
    doubled,
};
const effnet_step steps[] = {{doubleKernel, 0, 2}, {addKernel, 2, 3}};
const effnet_step meetingSteps[] = {{meetingDoubleKernel, 0, 2},
                                    {addKernel, 2, 3}};
const effnet_step pixelSteps[] = {{pixelKernel, 5, 2}, {addKernel, 2, 3}};
const effnet_output outputs[] = {{"logits", 32, 6, {1, 3, 2}}};
const effnet_buffer layouts[] = {image, {0, EFFNET_ARENA, 1, {6}, {1}}};

effnet_model makeModel() {
  // The thread counts here are the stand-in's.
  unsetenv("HL_NUM_THREADS");
  effnet_model m{};
  m.weights = weights;
  m.steps[0] = steps;
  m.steps[1] = pixelSteps;
  m.buffers = buffers;
  m.outputs = outputs;
  m.layouts = layouts;
  m.arena_bytes = 192; // 48 floats
  m.input_offset = 16;
  m.step_count[0] = m.step_count[1] = 2;
  m.output_count = 1;
  m.channels = 1;
  m.height = 3;
  m.width = 2;
  return m;
}

/// Checks that the images of `meeting` that ran at once, one on each of
/// `threads` Halide threads (the calling thread runs the batch's last images
/// alone), each had an arena of its own.
void expectArenasApart(const ImageMeeting &meeting, std::thread::id caller,
                       int threads) {
  std::set<uint8_t *> arenas;
  for (const auto &[id, ran] : meeting.arenas)
    if (id != caller) {
      // A Halide thread takes images into the one arena it was given.
      EXPECT_EQ(ran.size(), 1u);
      arenas.insert(ran.begin(), ran.end());
    }
  EXPECT_EQ(arenas.size(), size_t(threads > 1 ? threads : 0))
      << threads << " threads: the images that ran at once shared an arena, "
      << "or did not run at once";
  uint8_t *last = nullptr;
  for (uint8_t *arena : arenas) {
    if (last) {
      EXPECT_GE(arena - last, 192) << threads << " threads: arenas overlap";
    }
    last = arena;
  }
}

TEST(Entry, RunsABatchThroughItsArenas) {
  effnet_model m = makeModel();
  // Halide's tasks on threads, and a first step that waits for the images
  // that run at once: with the tasks in order the first task would take every
  // image, and a wrong arena would go unseen.
  m.steps[0] = meetingSteps;
  halideOnThreads = true;
  // Put back for the tests after this one, however it ends.
  struct Restore {
    ~Restore() {
      imageMeeting = nullptr;
      halideOnThreads = false;
      halideThreads = 2;
    }
  } restore;
  std::thread::id caller = std::this_thread::get_id();
  for (int threads : {1, 2, 3}) {
    halideThreads = threads;
    std::vector<float> in(5 * 6), out(5 * 6, -1);
    for (size_t i = 0; i < in.size(); ++i)
      in[i] = float(i);
    size_t size = effnet_rt_workspace_size(&m, 5);
    // An arena per image that runs at once, and 64 bytes of alignment.
    EXPECT_EQ(size, size_t(std::min(threads, 5)) * 192 + 64);
    std::vector<char> workspace(size + 1);
    ImageMeeting meeting(threads);
    imageMeeting = &meeting;
    // Any alignment of the workspace.
    ASSERT_EQ(effnet_rt_run_with_workspace(&m, 0, in.data(), 5, 0, out.data(),
                                           workspace.data() + 1, size),
              0);
    expectArenasApart(meeting, caller, threads);
    for (size_t i = 0; i < in.size(); ++i)
      EXPECT_EQ(out[i], 2 * in[i] + 0.5f) << i;
    // The allocating entry gives the same.
    std::vector<float> again(5 * 6, -1);
    float *outs[] = {again.data()};
    ImageMeeting againMeeting(threads);
    imageMeeting = &againMeeting;
    ASSERT_EQ(effnet_rt_run_outputs(&m, 0, in.data(), 5, 0, outs), 0);
    expectArenasApart(againMeeting, caller, threads);
    EXPECT_EQ(again, out);
  }
}

TEST(Entry, ReadsPixelsWithARowStride) {
  effnet_model m = makeModel();
  // Two images of 3 rows of 2 pixels, rows 5 bytes apart.
  uint8_t pixels[2 * 15] = {};
  for (int n = 0; n < 2; ++n)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 2; ++x)
        pixels[n * 15 + y * 5 + x] = uint8_t(10 * n + 3 * y + x);
  float out[12];
  ASSERT_EQ(effnet_rt_run(&m, 1, pixels, 2, 5, out), 0);
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(out[n * 6 + i], 2 * (10 * n + 3 * (i / 2) + i % 2) + 0.5f);
  // Rows shorter than C x W, or past 32-bit offsets: a bad buffer.
  EXPECT_EQ(effnet_rt_run(&m, 1, pixels, 2, 1, out), EFFNET_BAD_BUFFER);
  EXPECT_EQ(effnet_rt_run(&m, 1, pixels, 2, size_t(1) << 31, out),
            EFFNET_BAD_BUFFER);
}

TEST(Entry, RefusesBadCalls) {
  effnet_model m = makeModel();
  float in[6] = {}, out[6];
  float *outs[] = {out}, *noOuts[] = {nullptr};
  char workspace[512];
  EXPECT_EQ(effnet_rt_run(&m, 0, nullptr, 1, 0, out), EFFNET_NULL_POINTER);
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 1, 0, nullptr), EFFNET_NULL_POINTER);
  EXPECT_EQ(effnet_rt_run_outputs(&m, 0, in, 1, 0, nullptr),
            EFFNET_NULL_POINTER);
  EXPECT_EQ(effnet_rt_run_outputs(&m, 0, in, 1, 0, noOuts),
            EFFNET_NULL_POINTER);
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 0, 0, out), EFFNET_BAD_BATCH);
  EXPECT_EQ(effnet_rt_run_outputs(&m, 0, in, -3, 0, outs), EFFNET_BAD_BATCH);
  EXPECT_EQ(effnet_rt_workspace_size(&m, 0), 0u);
  // One arena and its alignment at least.
  EXPECT_EQ(
      effnet_rt_run_with_workspace(&m, 0, in, 1, 0, out, workspace, 192 + 63),
      EFFNET_WORKSPACE);
  EXPECT_EQ(effnet_rt_run_with_workspace(&m, 0, in, 1, 0, out, nullptr, 512),
            EFFNET_WORKSPACE);
  EXPECT_EQ(
      effnet_rt_run_with_workspace(&m, 0, in, 1, 0, out, workspace, 192 + 64),
      0);
  EXPECT_EQ(effnet_rt_set_num_threads(-1), -1);
  EXPECT_EQ(effnet_rt_output_name(&m, 0), std::string("logits"));
  EXPECT_EQ(effnet_rt_output_name(&m, 1), nullptr);
  EXPECT_EQ(effnet_rt_output_name(&m, -1), nullptr);
  int32_t shape[3];
  EXPECT_EQ(effnet_rt_output_shape(&m, 0, shape), 0);
  EXPECT_EQ(shape[0], 1);
  EXPECT_EQ(shape[1], 3);
  EXPECT_EQ(shape[2], 2);
  EXPECT_EQ(effnet_rt_output_shape(&m, 1, shape), EFFNET_BAD_BUFFER);
  EXPECT_EQ(effnet_rt_output_shape(&m, 0, nullptr), EFFNET_NULL_POINTER);
}

TEST(Entry, StopsAtAFailingKernel) {
  effnet_model m = makeModel();
  const effnet_step failing[] = {{doubleKernel, 0, 2}, {failingKernel, 2, 3}};
  m.steps[0] = failing;
  float in[4 * 6] = {}, out[4 * 6];
  // A kernel's failure (Halide's codes are negative) is EFFNET_RUNTIME.
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 4, 0, out), EFFNET_RUNTIME);
}

/// A kernel that fails as Halide's runtime does: its error handler told,
/// then a negative code; or, as Halide 14's CUDA runtime without libcuda
/// does, success.
int reportingKernel(void **) {
  errorHandler(nullptr, "CUDA API not found: cuInit\n");
  return -1;
}
int quietlyFailingKernel(void **) {
  errorHandler(nullptr, "Could not find cuda system libraries\n");
  return 0;
}

TEST(Entry, KeepsHalidesMessageInsteadOfAborting) {
  effnet_model m = makeModel();
  const effnet_step failing[] = {{reportingKernel, 0, 2}};
  m.steps[0] = failing;
  m.step_count[0] = 1;
  float in[6] = {}, out[6];
  errorHandler = halide_default_error;
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), EFFNET_RUNTIME);
  EXPECT_STREQ(effnet_rt_last_halide_error(), "CUDA API not found: cuInit");
  // An error reported by a kernel that then returns success fails the call.
  const effnet_step quiet[] = {{quietlyFailingKernel, 0, 2}};
  m.steps[0] = quiet;
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), EFFNET_RUNTIME);
  EXPECT_STREQ(effnet_rt_last_halide_error(),
               "Could not find cuda system libraries");
  m.steps[0] = failing;
  // An app's own handler stays, and is the one told.
  static int told = 0;
  errorHandler = [](void *, const char *) { ++told; };
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), EFFNET_RUNTIME);
  EXPECT_EQ(told, 1);
  errorHandler = halide_default_error;
}

/// A buffer of `extents` (dense, innermost first) over `host`.
struct Buffer {
  halide_buffer_t b{};
  halide_dimension_t dims[4]{};
  Buffer(float *host, std::vector<int> extents) {
    b.host = reinterpret_cast<uint8_t *>(host);
    b.type = {halide_type_float, 32, 1};
    b.dimensions = int(extents.size());
    b.dim = dims;
    int stride = 1;
    for (size_t d = 0; d < extents.size(); ++d) {
      dims[d] = {0, extents[d], stride, 0};
      stride *= extents[d];
    }
  }
};

/// Kernel as a GPU kernel of `count` buffers runs it: a buffer without a
/// device copy, or whose host is newer (host_dirty), is copied to the device
/// (as Halide's code does for what a kernel reads); the kernel computes on
/// the device's memory and leaves its output (the last buffer) there,
/// device_dirty. A buffer the runtime says is on the device but never got
/// there gives wrong values.
template <int (*Kernel)(void **), int count> int onDevice(void **args) {
  halide_buffer_t views[count];
  void *viewArgs[count];
  for (int i = 0; i < count; ++i) {
    auto *b = static_cast<halide_buffer_t *>(args[i]);
    if (i + 1 < count || !b->device)
      if (int status = halide_copy_to_device(nullptr, b, &fakeInterface))
        return status;
    if (b->flags & halide_buffer_flag_host_dirty)
      return -5; // both dirty: Halide's runtime refuses
    views[i] = *b;
    views[i].host = reinterpret_cast<uint8_t *>(b->device);
    viewArgs[i] = &views[i];
  }
  if (int status = Kernel(viewArgs))
    return status;
  auto *out = static_cast<halide_buffer_t *>(args[count - 1]);
  out->flags = halide_buffer_flag_device_dirty;
  return 0;
}

/// The model of two steps, on the fake GPU.
effnet_model makeGpuModel(void **slot) {
  static const effnet_step gpuSteps[] = {{onDevice<doubleKernel, 2>, 0, 2},
                                         {onDevice<addKernel, 3>, 2, 3}};
  static const effnet_step gpuPixelSteps[] = {
      {onDevice<pixelKernel, 2>, 5, 2}, {onDevice<addKernel, 3>, 2, 3}};
  effnet_model m = makeModel();
  m.steps[0] = gpuSteps;
  m.steps[1] = gpuPixelSteps;
  m.resident = slot;
  m.device = EFFNET_DEVICE_CUDA;
  return m;
}

TEST(Entry, AGpuModelCopiesTheInputInAndTheOutputsOutAndNothingElse) {
  void *slot = nullptr;
  effnet_model m = makeGpuModel(&slot);
  fakeDevice = {};
  for (int call = 0; call < 3; ++call) {
    int toDevice = fakeDevice.toDevice, toHost = fakeDevice.toHost;
    size_t bytesIn = fakeDevice.bytesToDevice,
           bytesOut = fakeDevice.bytesToHost;
    float in[3 * 6], out[3 * 6];
    for (int i = 0; i < 3 * 6; ++i)
      in[i] = float(i + call);
    ASSERT_EQ(effnet_rt_run(&m, 0, in, 3, 0, out), 0);
    for (int i = 0; i < 3 * 6; ++i)
      EXPECT_EQ(out[i], 2 * in[i] + 0.5f);
    // The first call copies the weights, once; each image's 6 floats go in
    // and its 6 outputs come out. The doubled image stays on the device.
    int weights = call == 0 ? 1 : 0;
    EXPECT_EQ(fakeDevice.toDevice - toDevice, 3 + weights) << call;
    EXPECT_EQ(fakeDevice.bytesToDevice - bytesIn, 3 * 24 + weights * 4u);
    EXPECT_EQ(fakeDevice.toHost - toHost, 3) << call;
    EXPECT_EQ(fakeDevice.bytesToHost - bytesOut, 3 * 24u);
  }
  // The weights and the arena: two allocations, kept across calls.
  EXPECT_EQ(fakeDevice.allocations.size(), 2u);
  EXPECT_EQ(fakeDevice.frees, 0);
  EXPECT_NE(slot, nullptr);

  // The 8-bit entry: the pixels go in (their device copy freed after the
  // step that read them), the outputs come out.
  uint8_t pixels[2 * 3 * 4];
  for (int i = 0; i < 2 * 3 * 4; ++i)
    pixels[i] = uint8_t(i);
  float out[2 * 6];
  int toDevice = fakeDevice.toDevice, toHost = fakeDevice.toHost;
  ASSERT_EQ(effnet_rt_run(&m, 1, pixels, 2, 4, out), 0);
  for (int n = 0; n < 2; ++n)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 2; ++x)
        EXPECT_EQ(out[n * 6 + x + 2 * y], 2 * pixels[n * 12 + y * 4 + x] + 0.5f);
  EXPECT_EQ(fakeDevice.toDevice - toDevice, 2);
  EXPECT_EQ(fakeDevice.toHost - toHost, 2);
  EXPECT_EQ(fakeDevice.frees, 2);
  EXPECT_EQ(fakeDevice.allocations.size(), 2u);

  // Released: nothing left on the device; the next call copies the weights
  // there again.
  EXPECT_EQ(effnet_rt_release_device(&m), 0);
  EXPECT_EQ(slot, nullptr);
  EXPECT_TRUE(fakeDevice.allocations.empty());
  float in[6] = {1, 2, 3, 4, 5, 6};
  toDevice = fakeDevice.toDevice;
  ASSERT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), 0);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], 2 * in[i] + 0.5f);
  EXPECT_EQ(fakeDevice.toDevice - toDevice, 2);
  EXPECT_EQ(effnet_rt_release_device(&m), 0);
  EXPECT_TRUE(fakeDevice.allocations.empty());
  // A CPU model has nothing to release.
  effnet_model cpu = makeModel();
  EXPECT_EQ(effnet_rt_release_device(&cpu), 0);
}

TEST(Entry, AGpuModelWithoutADeviceSaysSoAndTriesAgainLater) {
  void *slot = nullptr;
  effnet_model m = makeGpuModel(&slot);
  fakeDevice = {};
  fakeDevice.present = false;
  float in[6] = {1, 2, 3, 4, 5, 6}, out[6];
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), EFFNET_NO_DEVICE);
  EXPECT_EQ(slot, nullptr);
  // A device with no room: for the arena, or for the weights after it (the
  // arena then freed).
  fakeDevice.present = true;
  for (int room : {0, 1}) {
    fakeDevice.room = room;
    EXPECT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), EFFNET_DEVICE_MEMORY);
    EXPECT_EQ(slot, nullptr);
    EXPECT_TRUE(fakeDevice.allocations.empty());
  }
  fakeDevice.room = -1;
  ASSERT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), 0);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], 2 * in[i] + 0.5f);
  EXPECT_EQ(effnet_rt_release_device(&m), 0);
  EXPECT_TRUE(fakeDevice.allocations.empty());
}

/// addKernel with its one weight an IEEE half: 0x3800, 0.5.
int halfAddKernel(void **args) {
  auto *w = static_cast<halide_buffer_t *>(args[1]);
  uint16_t half;
  std::memcpy(&half, w->host, sizeof half);
  if (w->type.code != halide_type_float || w->type.bits != 16 ||
      half != 0x3800)
    return -2;
  float *in, *out;
  int n, k;
  if (readBuffer(args, 0, in, n) || readBuffer(args, 2, out, k) || n != k)
    return -1;
  for (int i = 0; i < n; ++i)
    out[i] = in[i] + 0.5f;
  return 0;
}

TEST(Entry, PassesHalfWeightsAsHalves) {
  effnet_model m = makeModel();
  // A blob whose first float slot holds the half 0.5 (0x3800) and 0 above.
  static float blob[16];
  uint16_t half = 0x3800;
  std::memcpy(blob, &half, sizeof half);
  static const effnet_buffer table[] = {
      image, doubled, doubled, {0, EFFNET_WEIGHTS_F16, 1, {1}, {1}}, output,
  };
  const effnet_step halfSteps[] = {{doubleKernel, 0, 2},
                                   {halfAddKernel, 2, 3}};
  m.buffers = table;
  m.steps[0] = halfSteps;
  m.weights = blob;
  float in[6] = {1, 2, 3, 4, 5, 6}, out[6];
  ASSERT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), 0);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], 2 * in[i] + 0.5f);
}

TEST(Entry, ChecksHalideBuffers) {
  effnet_model m = makeModel();
  float in[2 * 6], out[2 * 6];
  for (int i = 0; i < 12; ++i)
    in[i] = float(i);
  Buffer input(in, {2, 3, 1, 2}), logits(out, {6, 2});
  void *args[] = {&input.b, &logits.b};
  ASSERT_EQ(effnet_rt_run_buffers(&m, args), 0);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(out[i], 2 * in[i] + 0.5f);

  // Another batch in the output, a wrong extent, a wrong type, a missing
  // batch dimension, a null buffer.
  Buffer three(out, {6, 3});
  void *batchMismatch[] = {&input.b, &three.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, batchMismatch), EFFNET_BAD_BUFFER);
  Buffer wide(in, {3, 3, 1, 2});
  void *wrongExtent[] = {&wide.b, &logits.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, wrongExtent), EFFNET_BAD_BUFFER);
  Buffer bytes(in, {2, 3, 1, 2});
  bytes.b.type = {halide_type_uint, 8, 1};
  void *wrongType[] = {&bytes.b, &logits.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, wrongType), EFFNET_BAD_BUFFER);
  Buffer flat(in, {2, 3, 1});
  void *noBatch[] = {&flat.b, &logits.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, noBatch), EFFNET_BAD_BUFFER);
  void *nullOutput[] = {&input.b, nullptr};
  EXPECT_EQ(effnet_rt_run_buffers(&m, nullOutput), EFFNET_NULL_POINTER);
  // An input that says its device copy is newer, with no device copy.
  Buffer dirty(in, {2, 3, 1, 2});
  dirty.b.flags = halide_buffer_flag_device_dirty;
  void *noDevice[] = {&dirty.b, &logits.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, noDevice), EFFNET_BAD_BUFFER);
}

TEST(Entry, AGpuModelReadsAndWritesBuffersOnItsDevice) {
  void *slot = nullptr;
  effnet_model m = makeGpuModel(&slot);
  fakeDevice = {};
  float in[3 * 6], out[3 * 6];
  for (int i = 0; i < 18; ++i)
    in[i] = float(i);
  Buffer input(in, {2, 3, 1, 3}), logits(out, {6, 3});
  void *args[] = {&input.b, &logits.b};
  // The input on the device, current there; its host then overwritten, so
  // a read of the host would show.
  input.b.flags = halide_buffer_flag_host_dirty;
  ASSERT_EQ(halide_copy_to_device(nullptr, &input.b, &fakeInterface), 0);
  for (float &value : in)
    value = -7;
  ASSERT_EQ(halide_device_malloc(nullptr, &logits.b, &fakeInterface), 0);
  for (int call = 0; call < 2; ++call) {
    std::fill(out, out + 18, -1.0f);
    int toDevice = fakeDevice.toDevice, toHost = fakeDevice.toHost,
        onDevice = fakeDevice.onDevice;
    ASSERT_EQ(effnet_rt_run_buffers(&m, args), 0);
    // Device to device: per image, the input in and the output out; the
    // host's copies untouched (the first call also copies the weights).
    EXPECT_EQ(fakeDevice.toDevice - toDevice, call == 0 ? 1 : 0);
    EXPECT_EQ(fakeDevice.toHost - toHost, 0);
    EXPECT_EQ(fakeDevice.onDevice - onDevice, 2 * 3);
    EXPECT_EQ(logits.b.flags & halide_buffer_flag_device_dirty,
              halide_buffer_flag_device_dirty);
    EXPECT_EQ(out[0], -1.0f);
    ASSERT_EQ(halide_copy_to_host(nullptr, &logits.b), 0);
    for (int i = 0; i < 18; ++i)
      EXPECT_EQ(out[i], 2 * float(i) + 0.5f) << i;
  }
  // A host input newer than its device copy is read from the host; an
  // output with no device allocation is written on the host.
  for (int i = 0; i < 18; ++i)
    in[i] = float(100 + i);
  input.b.flags = halide_buffer_flag_host_dirty;
  float host[3 * 6];
  Buffer hostLogits(host, {6, 3});
  void *mixed[] = {&input.b, &hostLogits.b};
  ASSERT_EQ(effnet_rt_run_buffers(&m, mixed), 0);
  for (int i = 0; i < 18; ++i)
    EXPECT_EQ(host[i], 2 * float(100 + i) + 0.5f) << i;
  // Neither host memory nor a device allocation: refused.
  Buffer nowhere(nullptr, {6, 3});
  void *noMemory[] = {&input.b, &nowhere.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, noMemory), EFFNET_BAD_BUFFER);
  halide_device_free(nullptr, &input.b);
  halide_device_free(nullptr, &logits.b);
  EXPECT_EQ(effnet_rt_release_device(&m), 0);
  EXPECT_TRUE(fakeDevice.allocations.empty());
}

TEST(Entry, RefusesOverlappingBuffers) {
  effnet_model m = makeModel();
  // Two images of 6 floats in, two of 6 out.
  std::vector<float> buffer(64);
  float *in = buffer.data();
  alignas(64) char workspace[512];
  // The output on the input, or on its second image.
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 2, 0, in), EFFNET_OVERLAP);
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 2, 0, in + 11), EFFNET_OVERLAP);
  EXPECT_EQ(effnet_rt_run(&m, 0, in + 11, 2, 0, in), EFFNET_OVERLAP);
  // Right after it is fine.
  EXPECT_EQ(effnet_rt_run(&m, 0, in, 2, 0, in + 12), 0);
  // The workspace on the input or the output.
  float *out = in + 12;
  EXPECT_EQ(effnet_rt_run_with_workspace(&m, 0, in, 2, 0, out,
                                         reinterpret_cast<char *>(in), 256),
            EFFNET_OVERLAP);
  EXPECT_EQ(effnet_rt_run_with_workspace(
                &m, 0, in, 2, 0, out, reinterpret_cast<char *>(out) - 8, 256),
            EFFNET_OVERLAP);
  EXPECT_EQ(effnet_rt_run_with_workspace(&m, 0, in, 2, 0, out, workspace, 512),
            0);
  // run_outputs: an output on the input, and two outputs on each other.
  effnet_output two[] = {outputs[0], outputs[0]};
  m.outputs = two;
  m.output_count = 2;
  float *onInput[] = {out, in + 6};
  EXPECT_EQ(effnet_rt_run_outputs(&m, 0, in, 2, 0, onInput), EFFNET_OVERLAP);
  float *same[] = {out, out + 6};
  EXPECT_EQ(effnet_rt_run_outputs(&m, 0, in, 2, 0, same), EFFNET_OVERLAP);
  float *apart[] = {out, out + 12};
  EXPECT_EQ(effnet_rt_run_outputs_with_workspace(&m, 0, in, 2, 0, apart,
                                                 workspace, 512),
            0);
  m = makeModel();
  // 8-bit pixels: two images of 3 rows 5 bytes apart, the last row read to
  // its 2 bytes: 27 bytes. An output from byte 28 on is apart, from 24 not.
  auto *pixels = reinterpret_cast<uint8_t *>(buffer.data());
  EXPECT_EQ(effnet_rt_run(&m, 1, pixels, 2, 5, buffer.data() + 7), 0);
  EXPECT_EQ(effnet_rt_run(&m, 1, pixels, 2, 5, buffer.data() + 6),
            EFFNET_OVERLAP);
  // The Halide-style entry, its output buffer on its input.
  Buffer input(in, {2, 3, 1, 2}), logits(in + 4, {6, 2});
  void *args[] = {&input.b, &logits.b};
  EXPECT_EQ(effnet_rt_run_buffers(&m, args), EFFNET_OVERLAP);
}

TEST(Entry, InstallsItsLoopHandlerOnlyWhenNoneIsSet) {
  effnet_model m = makeModel();
  float in[6] = {}, out[6];
  customParFor = nullptr;
  halideThreads = 2;
  ASSERT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), 0);
  EXPECT_EQ(customParFor, effnet_kernel_par_for);
  // An app's own handler is put back.
  auto *own = +[](void *, halide_task_t, int, int, uint8_t *) { return 0; };
  customParFor = own;
  ASSERT_EQ(effnet_rt_run(&m, 0, in, 1, 0, out), 0);
  EXPECT_EQ(customParFor, own);
  customParFor = nullptr;
}

// It puts the default back (0), so that tests after it, in any order
// (--gtest_shuffle), find the runtime as it starts.
TEST(Entry, ReportsTheThreadCountThatWasSet) {
  halideThreads = 2;
  EXPECT_EQ(effnet_rt_set_num_threads(3), 2);
  // Above Halide's 256: refused, and the count stays 3.
  EXPECT_EQ(effnet_rt_set_num_threads(100000), -1);
  EXPECT_EQ(effnet_rt_set_num_threads(EFFNET_MAX_THREADS + 1), -1);
  EXPECT_EQ(effnet_rt_set_num_threads(EFFNET_MAX_THREADS), 3);
  EXPECT_EQ(effnet_rt_set_num_threads(2), EFFNET_MAX_THREADS);
  EXPECT_EQ(effnet_rt_set_num_threads(0), 2);
}

// Cpu.c reads the CPU as the compilers' own checks do (GCC's and clang's
// __builtin_cpu_supports, which also ask the OS whether it saves AVX and
// AVX-512 registers).
TEST(Cpu, FeaturesAsTheCompilerSeesThem) {
#if defined(__x86_64__)
  uint64_t have = effnet_rt_cpu_features();
  auto has = [&](int feature) { return (have >> feature) & 1; };
  EXPECT_EQ(has(EFFNET_CPU_SSSE3), !!__builtin_cpu_supports("ssse3"));
  EXPECT_EQ(has(EFFNET_CPU_SSE41), !!__builtin_cpu_supports("sse4.1"));
  EXPECT_EQ(has(EFFNET_CPU_SSE42), !!__builtin_cpu_supports("sse4.2"));
  EXPECT_EQ(has(EFFNET_CPU_POPCNT), !!__builtin_cpu_supports("popcnt"));
  EXPECT_EQ(has(EFFNET_CPU_AVX), !!__builtin_cpu_supports("avx"));
  EXPECT_EQ(has(EFFNET_CPU_FMA), !!__builtin_cpu_supports("fma"));
  EXPECT_EQ(has(EFFNET_CPU_AVX2), !!__builtin_cpu_supports("avx2"));
  EXPECT_EQ(has(EFFNET_CPU_BMI1), !!__builtin_cpu_supports("bmi"));
  EXPECT_EQ(has(EFFNET_CPU_BMI2), !!__builtin_cpu_supports("bmi2"));
  EXPECT_EQ(has(EFFNET_CPU_AVX512F), !!__builtin_cpu_supports("avx512f"));
  EXPECT_EQ(has(EFFNET_CPU_AVX512BW), !!__builtin_cpu_supports("avx512bw"));
  EXPECT_EQ(has(EFFNET_CPU_AVX512VL), !!__builtin_cpu_supports("avx512vl"));
  // Never an ARM feature on x86.
  EXPECT_FALSE(has(EFFNET_CPU_NEON));
#else
  GTEST_SKIP() << "the comparison is written for x86-64";
#endif
}

// A library of two paths: the first needs every feature there is (no CPU
// has both x86's and ARM's), the second none. Calls run the second; the
// first cannot be forced, and the message names what this CPU lacks of it.
TEST(Cpu, ChoosesThePathTheCpuRuns) {
  effnet_model best{}, least{};
  best.output_count = least.output_count = 1;
  const effnet_path paths[] = {
      {&best, "everything", (uint64_t(1) << EFFNET_CPU_FEATURE_COUNT) - 1},
      {&least, "nothing", 0}};
  const effnet_library lib = {paths, "everything,nothing", 2};
  EXPECT_EQ(effnet_rt_select(&lib), &least);
  EXPECT_STREQ(effnet_rt_target(&lib), "nothing");
  EXPECT_EQ(effnet_rt_any_model(&lib), &least);
  EXPECT_EQ(effnet_rt_use_target(&lib, "everything"), EFFNET_CPU);
  std::string message = effnet_rt_error_message(&lib, EFFNET_CPU);
  EXPECT_NE(message.find("this CPU lacks "), std::string::npos) << message;
  EXPECT_NE(message.find("which the library's path for everything needs"),
            std::string::npos)
      << message;
  EXPECT_EQ(effnet_rt_select(&lib), &least);
  EXPECT_EQ(effnet_rt_use_target(&lib, "other"), EFFNET_UNKNOWN_TARGET);
  EXPECT_EQ(effnet_rt_use_target(&lib, "nothing"), 0);
  EXPECT_EQ(effnet_rt_select(&lib), &least);
  EXPECT_EQ(effnet_rt_use_target(&lib, nullptr), 0);
  // Every code has a message; none is NULL.
  for (int code = -3; code <= EFFNET_UNKNOWN_TARGET + 1; ++code)
    EXPECT_NE(effnet_rt_error_message(&lib, code), nullptr);
  EXPECT_STREQ(effnet_rt_error_message(&lib, 0), "success");
}

} // namespace
