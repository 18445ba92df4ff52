// Does squeeze-excite's global average pool pay for being computed inside
// the depthwise convolution that produces its input?
//
// Two ways to get a depthwise 3x3 convolution + SiLU (tiled as effnet-tile
// tiles it: one 16-lane vector of channels by up to 8 pixels, rows in
// parallel) and the mean of its result per channel:
//   separate: the convolution's kernel writes its result; a second kernel
//             reads the result back and sums it (what effnet does);
//   fused:    one kernel. Each parallel row computes the row into a buffer,
//             copies it to the output and adds it into a per-row sum
//             (compute_with: the row sums share the convolution's row loop);
//             the means are summed from the row sums at the end. Halide
//             cannot add a row into the sums straight from the output it
//             has just written (compute_with refuses a stage that reads
//             another stage of the same fused loop), hence the row buffer.
// Medians of many runs after warm-up, the two alternating; prints the ratio.
//
// Build and run (it includes Halide.h, so it lives in codegen/):
//   ninja -C build se-pool-fusion
//   HL_NUM_THREADS=1 build/bin/se-pool-fusion   (and 2)

#include "Halide.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Halide;

namespace {

Var c("c"), x("x"), y("y"), co("co"), ci("ci"), xo("xo"), xi("xi"), yo("yo"),
    yi("yi");

/// The convolution's accumulation, tiled: one channel vector by `pixels`
/// pixels of a row, in registers.
Func depthwise(const Buffer<float> &in, const Buffer<float> &w,
               const std::string &name) {
  RDom r(0, 3, 0, 3, "r");
  Func acc(name);
  acc(c, x, y) = 0.0f;
  acc(c, x, y) += w(c, r.x, r.y) * in(c, x + r.x, y + r.y);
  return acc;
}

Expr silu(Expr v) { return v / (1.0f + exp(-v)); }

void tileAcc(Func acc) {
  acc.vectorize(c, 16).unroll(x);
  acc.update().reorder(c, x, y).vectorize(c, 16).unroll(x);
}

struct Case {
  int channels, width;
};

double median(std::vector<double> &times) {
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

double timeOnce(const std::function<void()> &run) {
  auto start = std::chrono::steady_clock::now();
  run();
  auto stop = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(stop - start).count();
}

} // namespace

int main() {
  // Depthwise outputs of B0 (96 x 56 x 56 ... 1152 x 7 x 7) and of V2-S's
  // last two stages (960 x 24 x 24, 1536 x 12 x 12).
  std::vector<Case> cases = {{96, 56},  {144, 56}, {240, 28}, {480, 14},
                             {1152, 7}, {960, 24}, {1536, 12}};
  Target target = get_host_target();
  std::printf("%-16s %12s %12s %8s\n", "depthwise", "separate ms", "fused ms",
              "fused/sep");
  for (const Case &k : cases) {
    const int C = k.channels, W = k.width, H = k.width;
    const int pixels = std::min(8, W);
    Buffer<float> in(C, W + 2, H + 2), w(C, 3, 3);
    in.for_each_element([&](int a, int b, int d) {
      in(a, b, d) = std::sin(0.37f * a + 0.11f * b - 0.05f * d);
    });
    w.for_each_element(
        [&](int a, int b, int d) { w(a, b, d) = 0.1f * std::cos(a + b * d); });

    // Separate: the convolution's kernel, then the pool's.
    Func acc = depthwise(in, w, "acc");
    Func out("out");
    out(c, x, y) = silu(acc(c, x, y));
    out.split(c, co, ci, 16)
        .split(x, xo, xi, pixels, TailStrategy::ShiftInwards)
        .reorder(ci, xi, co, xo, y)
        .vectorize(ci)
        .unroll(xi)
        .parallel(y);
    acc.compute_at(out, co);
    tileAcc(acc);
    Buffer<float> result(C, W, H), pooled(C);
    RDom all(0, W, 0, H, "all");
    Func pool("pool");
    pool(c) = 0.0f;
    pool(c) += result(c, all.x, all.y);
    Func mean("mean");
    mean(c) = pool(c) / float(W * H);
    mean.vectorize(c, 16);
    pool.compute_root().vectorize(c, 16);
    // As effnet-tile schedules the pool: a channel vector's sum at a time,
    // the vectors in parallel when there are 4 or more and 256K values.
    pool.update()
        .split(c, co, ci, 16)
        .reorder(ci, all.x, all.y, co)
        .vectorize(ci);
    if (C >= 64 && C * W * H >= 256 * 1024)
      pool.update().parallel(co);
    out.compile_jit(target);
    mean.compile_jit(target);

    // Fused: rows computed into a row buffer, copied out and summed.
    Func acc2 = depthwise(in, w, "acc2");
    Func act("act"), out2("out2"), rows("rows"), mean2("mean2");
    act(c, x, y) = silu(acc2(c, x, y));
    out2(c, x, y) = act(c, x, y);
    RDom rx(0, W, "rx"), ry(0, H, "ry");
    rows(c, y) = 0.0f;
    rows(c, y) += act(c, rx, y);
    mean2(c) = 0.0f;
    mean2(c) += rows(c, ry);
    mean2(c) = mean2(c) / float(W * H);
    out2.split(y, yo, yi, 1)
        .reorder(c, x, yi, yo)
        .vectorize(c, 16)
        .parallel(yo);
    act.compute_at(out2, yo)
        .split(c, co, ci, 16)
        .split(x, xo, xi, pixels, TailStrategy::ShiftInwards)
        .reorder(ci, xi, co, xo, y)
        .vectorize(ci)
        .unroll(xi);
    acc2.compute_at(act, co);
    tileAcc(acc2);
    rows.compute_root().vectorize(c, 16);
    rows.update()
        .reorder(c, rx, y)
        .split(y, yo, yi, 1)
        .vectorize(c, 16)
        .parallel(yo);
    rows.update().compute_with(out2, yo);
    mean2.compute_root().vectorize(c, 16);
    mean2.update(0).vectorize(c, 16);
    mean2.update(1).vectorize(c, 16);
    Pipeline fused({out2, mean2});
    fused.compile_jit(target);

    Buffer<float> result2(C, W, H), pooled2(C);
    auto separate = [&] {
      out.realize(result);
      mean.realize(pooled);
    };
    auto together = [&] { fused.realize({result2, pooled2}); };
    for (int i = 0; i < 20; ++i) {
      separate();
      together();
    }
    // Both must compute the same thing.
    double worst = 0;
    for (int a = 0; a < C; ++a)
      worst = std::max(worst, double(std::fabs(pooled(a) - pooled2(a))));
    result.for_each_element([&](int a, int b, int d) {
      worst = std::max(worst,
                       double(std::fabs(result(a, b, d) - result2(a, b, d))));
    });
    if (worst > 1e-4) {
      std::fprintf(stderr, "se_pool_fusion: results differ by %g\n", worst);
      return 1;
    }
    std::vector<double> a, b;
    for (int round = 0; round < 10; ++round)
      for (int i = 0; i < 30; ++i) {
        a.push_back(timeOnce(separate));
        b.push_back(timeOnce(together));
      }
    double sa = median(a), sb = median(b);
    char name[32];
    std::snprintf(name, sizeof name, "%d x %d x %d", C, W, H);
    std::printf("%-16s %12.4f %12.4f %7.2fx\n", name, sa, sb, sb / sa);
  }
  return 0;
}
