/*===- Image.c - torchvision's resize + centre crop of an 8-bit image -----===
 *
 * See Image.h. Reproduces, operation for operation, the arithmetic of the
 * CPU kernels of torch 1.13 (Debian 12's build, AVX2 dispatch) behind
 * torchvision 0.14's resize(..., BILINEAR, antialias) of a uint8 CHW tensor
 * made from an HWC array, followed by center_crop. What was found to match
 * torch bit for bit (and what does not):
 *
 * Without antialias the input is channels-last, so torch runs
 * cpu_upsample_linear_channels_last: scale = (float)in / (float)out; source
 * position src = (double)scale * (o + 0.5) - 0.5 in double (clamped at 0);
 * i0 = trunc(src); lambda1 = (float)(src - i0), lambda0 = 1.0f - lambda1;
 * weights w00 = h0 * w0 ... as float products; the value is the sum
 * p00 * w00 + p01 * w01 + p10 * w10 + p11 * w11 in double (left to right),
 * rounded to float (rounding the source position to float first, or summing
 * in float, fused or not, does not match).
 *
 * With antialias torch runs the separable kernel: a horizontal pass, then a
 * vertical one, each skipped where that side keeps its size. Per output
 * index: center = (float)(scale * (o + 0.5)) (in double), support = scale
 * (or 1 upscaling), window from trunc(center -/+ support + 0.5) clipped to
 * the input, triangle weights 1 - |x| with x = (float)(((float)(xmin + j) -
 * center + 0.5) * invscale) (the + 0.5 and the product in double),
 * normalised by their float sum. Each pass's weighted sum starts from the
 * first term's product; GCC 12 vectorised the rest of its loop 4 terms at a
 * time (products rounded, then added in order) and fused the multiply-adds
 * of the 0..3 terms left over (-mfma in the AVX2 copy of the kernel): so
 * terms 1..4*floor((n-1)/4) are acc + x * w, the last ones fma(x, w, acc).
 * Neither all-plain nor all-fused arithmetic matches. (torch's DEFAULT,
 * non-AVX2 kernel, on a CPU without AVX2, would differ in those fused terms.)
 *
 * The values are then rounded half to even and cast to uint8.
 *
 * Everything is float or double arithmetic that is exact IEEE on targets
 * with SSE2, NEON, VFP or soft float; on x87 (i386 without SSE math) each
 * float result is stored through a volatile to drop the excess precision,
 * and the fused multiply-add is done in integers. The few double
 * computations are not rounded that way on x87 (they are exact for images
 * below about 2^24 pixels a side, except the 4-term sum without antialias,
 * whose extra precision can move a float's last bit only with a
 * probability of about 2^-29 per value).
 *
 *===----------------------------------------------------------------------===*/

#include "Image.h"

/* Weights a stack buffer holds (antialias without scratch). */
#define IMG_STACK_TAPS 256

#if (defined(__i386__) || defined(_M_IX86) || defined(__x86_64__)) &&          \
    !defined(__SSE2_MATH__)
#define IMG_X87 1
/* A float rounded to float: x87 keeps more precision in its registers. */
static float img_rf(float v) {
  volatile float t = v;
  return t;
}
#define RF(v) img_rf(v)
#else
#define IMG_X87 0
#define RF(v) (v)
#endif

/* One axis of the resize: `in` pixels become `out`. */
typedef struct {
  int64_t in, out;
  float scale;    /* (float)in / (float)out */
  float support;  /* antialias: the filter's half width, scale or 1 */
  float invscale; /* antialias: 1 / scale, or 1 when upscaling */
  int64_t taps;   /* antialias: 2 * ceil(support) + 1, the most weights */
} img_axis;

static void axis_init(img_axis *a, int64_t in, int64_t out) {
  int64_t c;
  a->in = in;
  a->out = out;
  a->scale = RF((float)in / (float)out);
  if (a->scale >= 1.0f) {
    a->support = a->scale;
    a->invscale = RF((float)(1.0 / (double)a->scale));
  } else {
    a->support = 1.0f;
    a->invscale = 1.0f;
  }
  c = (int64_t)a->support;
  if ((float)c < a->support)
    c++;
  a->taps = 2 * c + 1;
}

/* trunc(v) for 0 <= v < 2^31. */
static int32_t trunc_pos(double v) { return (int32_t)v; }

/* Rounds v (0 <= v < 2^31) half to even, as torch.round, and casts to uint8
 * (as a float). */
static float round_u8(float v) {
  int32_t i;
  float f;
  if (!(v > 0.0f))
    return 0.0f;
  if (v >= 255.0f)
    return 255.0f;
  i = (int32_t)v;
  f = RF(v - (float)i);
  if (f > 0.5f || (f == 0.5f && (i & 1)))
    i++;
  return (float)i;
}

/* --- Without antialias --------------------------------------------------- */

/* Source pixels and weights of output index o (align_corners=False). */
static void lin_index(const img_axis *a, int64_t o, int32_t *i0, int32_t *i1,
                      float *l0, float *l1) {
  double src;
  float lam;
  int32_t last = (int32_t)(a->in - 1), i;
  if (a->out == a->in) {
    *i0 = *i1 = (int32_t)o;
    *l0 = 1.0f;
    *l1 = 0.0f;
    return;
  }
  src = (double)a->scale * ((double)o + 0.5) - 0.5;
  if (src < 0.0)
    src = 0.0;
  /* torch's i0 = trunc(src) cannot pass last but for absurd sizes. */
  i = src >= (double)last ? last : trunc_pos(src);
  lam = RF((float)(src - (double)i));
  if (lam > 1.0f)
    lam = 1.0f;
  *i0 = i;
  *i1 = i < last ? i + 1 : i;
  *l1 = lam;
  *l0 = RF(1.0f - lam);
}

static void resize_linear(const uint8_t *px, size_t stride,
                          const img_axis *ax, const img_axis *ay, int64_t left,
                          int64_t top, int32_t crop, float *out) {
  size_t plane = (size_t)crop * (size_t)crop;
  int32_t y, x, c;
  for (y = 0; y < crop; y++) {
    int32_t h0, h1;
    float hl0, hl1;
    const uint8_t *r0, *r1;
    float *o = out + (size_t)y * (size_t)crop;
    lin_index(ay, top + y, &h0, &h1, &hl0, &hl1);
    r0 = px + (size_t)h0 * stride;
    r1 = px + (size_t)h1 * stride;
    for (x = 0; x < crop; x++) {
      int32_t w0, w1;
      float wl0, wl1;
      double w00, w01, w10, w11;
      const uint8_t *q00, *q01, *q10, *q11;
      lin_index(ax, left + x, &w0, &w1, &wl0, &wl1);
      w00 = (double)RF(hl0 * wl0);
      w01 = (double)RF(hl0 * wl1);
      w10 = (double)RF(hl1 * wl0);
      w11 = (double)RF(hl1 * wl1);
      q00 = r0 + 3 * (size_t)w0;
      q01 = r0 + 3 * (size_t)w1;
      q10 = r1 + 3 * (size_t)w0;
      q11 = r1 + 3 * (size_t)w1;
      for (c = 0; c < 3; c++) {
        double v = (double)q00[c] * w00 + (double)q01[c] * w01 +
                   (double)q10[c] * w10 + (double)q11[c] * w11;
        o[(size_t)c * plane + (size_t)x] = round_u8(RF((float)v));
      }
    }
  }
}

/* --- With antialias ------------------------------------------------------ */

/* The window of output index o: its first source pixel (*first) and the
 * count of them (returned, 0 when empty), and the filter's centre. */
static int64_t aa_window(const img_axis *a, int64_t o, float *center,
                         int32_t *first) {
  float c = RF((float)((double)a->scale * ((double)o + 0.5)));
  double lo = (double)RF(c - a->support) + 0.5;
  double hi = (double)RF(c + a->support) + 0.5;
  int64_t mn = 0, mx = a->in, n;
  *center = c;
  if (lo >= (double)a->in) { /* empty (not reached: support >= 1) */
    *first = (int32_t)(a->in - 1);
    return 0;
  }
  if (lo > 0.0)
    mn = trunc_pos(lo);
  if (hi < (double)a->in)
    mx = trunc_pos(hi);
  n = mx - mn;
  if (n < 0)
    n = 0;
  if (n > a->taps) /* the weights' room: only huge sizes' rounding asks more */
    n = a->taps;
  *first = (int32_t)mn;
  return n;
}

/* The triangle filter's (unnormalised) weight of source pixel pos. */
static float aa_tap(const img_axis *a, float center, int32_t pos) {
  float d = RF((float)pos - center);
  float x = RF((float)(((double)d + 0.5) * (double)a->invscale));
  if (x < 0.0f)
    x = -x;
  return x < 1.0f ? RF(1.0f - x) : 0.0f;
}

static float aa_total(const img_axis *a, float center, int32_t first,
                      int64_t n) {
  float total = 0.0f;
  int64_t j;
  for (j = 0; j < n; j++)
    total = RF(total + aa_tap(a, center, first + (int32_t)j));
  return total;
}

/* Normalised weight j of a window whose weights sum to total. */
static float aa_weight(const img_axis *a, float center, int32_t first,
                       float total, int64_t j) {
  float w = aa_tap(a, center, first + (int32_t)j);
  return total != 0.0f ? RF(w / total) : w;
}

/* The normalised weights of output index o into w (a->taps floats). */
static int64_t aa_weights(const img_axis *a, int64_t o, int32_t *first,
                          float *w) {
  float c, total = 0.0f;
  int64_t n = aa_window(a, o, &c, first), j;
  for (j = 0; j < n; j++) {
    w[j] = aa_tap(a, c, *first + (int32_t)j);
    total = RF(total + w[j]);
  }
  if (total != 0.0f)
    for (j = 0; j < n; j++)
      w[j] = RF(w[j] / total);
  return n;
}

#if IMG_X87
static uint32_t img_f2u(float f) {
  union {
    float f;
    uint32_t u;
  } v;
  v.f = f;
  return v.u;
}

static int img_bitlen(uint64_t v) {
  int n = 0, s;
  for (s = 32; s; s >>= 1)
    if (v >> s) {
      v >>= s;
      n += s;
    }
  return n + (v != 0);
}

/* x * y + z rounded once to float, for finite x, y, z >= 0, in integers
 * (x87's extended registers would round twice). */
static float fma_f32(float x, float y, float z) {
  uint32_t bx = img_f2u(x), by = img_f2u(y), bz = img_f2u(z);
  uint64_t mx = bx & 0x7fffff, my = by & 0x7fffff, mz = bz & 0x7fffff;
  uint64_t h, l, m, mant;
  int ex = (int)(bx >> 23 & 0xff), ey = (int)(by >> 23 & 0xff);
  int ez = (int)(bz >> 23 & 0xff), eh, el, s, r = 0, sticky = 0, e;
  union {
    float f;
    uint32_t u;
  } v;
  if (!(bx & 0x7fffffff) || !(by & 0x7fffffff))
    return z;
  mx |= ex ? 0x800000u : 0;
  my |= ey ? 0x800000u : 0;
  mz |= ez ? 0x800000u : 0;
  ex = (ex ? ex : 1) - 150;
  ey = (ey ? ey : 1) - 150;
  ez = (ez ? ez : 1) - 150;
  /* The exact sum is (h << (eh - el)) + l units of 2^el. */
  h = mx * my;
  eh = ex + ey;
  l = mz;
  el = ez;
  if (!mz) {
    el = eh;
  } else if (ez > eh) {
    l = h;
    h = mz;
    el = eh;
    eh = ez;
  }
  s = 62 - img_bitlen(h);
  if (s > eh - el)
    s = eh - el;
  h <<= s;
  eh -= s;
  s = eh - el;
  if (s >= 64) {
    sticky = l != 0;
    l = 0;
  } else if (s > 0) {
    sticky = (l & (((uint64_t)1 << s) - 1)) != 0;
    l >>= s;
  }
  m = h + l; /* times 2^eh, plus sticky below */
  mant = m;
  if (img_bitlen(m) > 24) {
    uint64_t rem, half;
    r = img_bitlen(m) - 24;
    mant = m >> r;
    rem = m & (((uint64_t)1 << r) - 1);
    half = (uint64_t)1 << (r - 1);
    if (rem > half || (rem == half && (sticky || (mant & 1)))) {
      mant++;
      if (mant >> 24) {
        mant >>= 1;
        r++;
      }
    }
  }
  if (!mant)
    return 0.0f;
  s = 24 - img_bitlen(mant);
  mant <<= s;
  e = eh + r - s + 150;
  if (e <= 0 || e >= 255) /* not reached: the values are moderate */
    return RF(x * y + z);
  v.u = (uint32_t)e << 23 | (uint32_t)(mant & 0x7fffff);
  return v.f;
}
#else
/* x * y + z rounded once to float (a fused multiply-add), without libm or
 * an FMA instruction: x * y is exact in double; the double sum rounds to
 * float correctly unless it fell exactly halfway between two floats while
 * inexact, and then it is moved one double ulp towards the exact sum (its
 * error, from TwoSum) first. */
static float fma_f32(float x, float y, float z) {
  double p = (double)x * (double)y, zd = (double)z, s = p + zd;
  union {
    double d;
    uint64_t u;
  } v;
  v.d = s;
  if ((v.u & 0x1fffffffu) == 0x10000000u) {
    double bb = s - p;
    double err = (p - (s - bb)) + (zd - bb);
    if (err != 0.0) {
      if ((err > 0.0) == (s > 0.0))
        v.u++;
      else
        v.u--;
    }
  }
  return (float)v.d;
}
#endif

/* torch's weighted sum of n terms starts from term 0's product; terms
 * 1..aa_plain(n) are then added as rounded products, the rest fused. */
static inline int64_t aa_plain(int64_t n) {
  return n > 0 ? (n - 1) & ~(int64_t)3 : 0;
}

static inline float aa_term(float acc, float x, float w, int64_t j,
                            int64_t plain) {
  return j <= plain ? RF(acc + RF(x * w)) : fma_f32(x, w, acc);
}

typedef struct {
  const uint8_t *px;
  size_t stride;
  img_axis ax, ay;
  int hpass, vpass; /* whether that side changes size */
  int64_t left, top;
  int32_t crop;
  float *colw;  /* crop * ax.taps weights of the crop's columns, or NULL */
  float *slots; /* row cache: nslots rows of 3 * crop floats, or NULL */
  int64_t nslots, lo, hi; /* rows lo..hi-1 cached, row r in slot r % nslots */
  float wbuf[IMG_STACK_TAPS];
} aa_ctx;

/* The horizontal weights of one column of the crop: w, or computed from
 * the centre and total each time when w is NULL. */
typedef struct {
  const float *w;
  float center, total;
  int32_t first;
  int64_t n;
} aa_col;

static void aa_col_get(aa_ctx *k, int32_t x, float *wbuf, aa_col *col) {
  const img_axis *a = &k->ax;
  col->w = 0;
  col->center = col->total = 0.0f;
  if (k->colw) {
    col->n = aa_window(a, k->left + x, &col->center, &col->first);
    col->w = k->colw + (size_t)x * (size_t)a->taps;
  } else if (a->taps <= IMG_STACK_TAPS) {
    col->n = aa_weights(a, k->left + x, &col->first, wbuf);
    col->w = wbuf;
  } else {
    col->n = aa_window(a, k->left + x, &col->center, &col->first);
    col->total = aa_total(a, col->center, col->first, col->n);
  }
}

/* Horizontally resized pixel of input row `row` at the crop's column x
 * (col: its weights, from aa_col_get unless !hpass). */
static void aa_hsample(const aa_ctx *k, const uint8_t *row, int32_t x,
                       const aa_col *col, float res[3]) {
  const uint8_t *p;
  const float *w = col->w;
  float a0, a1, a2, wj;
  int64_t n = col->n, j, plain = aa_plain(n);
  if (!k->hpass) {
    p = row + 3 * (size_t)(k->left + x);
    res[0] = (float)p[0];
    res[1] = (float)p[1];
    res[2] = (float)p[2];
    return;
  }
  if (n <= 0) {
    res[0] = res[1] = res[2] = 0.0f;
    return;
  }
  p = row + 3 * (size_t)col->first;
  wj = w ? w[0] : aa_weight(&k->ax, col->center, col->first, col->total, 0);
  a0 = RF((float)p[0] * wj);
  a1 = RF((float)p[1] * wj);
  a2 = RF((float)p[2] * wj);
  if (w) {
    for (j = 1; j <= plain; j++) {
      p += 3;
      wj = w[j];
      a0 = RF(a0 + RF((float)p[0] * wj));
      a1 = RF(a1 + RF((float)p[1] * wj));
      a2 = RF(a2 + RF((float)p[2] * wj));
    }
    for (; j < n; j++) {
      p += 3;
      wj = w[j];
      a0 = fma_f32((float)p[0], wj, a0);
      a1 = fma_f32((float)p[1], wj, a1);
      a2 = fma_f32((float)p[2], wj, a2);
    }
  } else {
    for (j = 1; j < n; j++) {
      p += 3;
      wj = aa_weight(&k->ax, col->center, col->first, col->total, j);
      a0 = aa_term(a0, (float)p[0], wj, j, plain);
      a1 = aa_term(a1, (float)p[1], wj, j, plain);
      a2 = aa_term(a2, (float)p[2], wj, j, plain);
    }
  }
  res[0] = a0;
  res[1] = a1;
  res[2] = a2;
}

/* aa_hsample for two columns whose windows have the same size n >= 1 and
 * whose weights are in w0 and w1: their sums interleaved, for speed. */
static void aa_hsample2(const uint8_t *p, const uint8_t *q, const float *w0,
                        const float *w1, int64_t n, float *res) {
  float a0, a1, a2, b0, b1, b2, u, v;
  int64_t j, plain = aa_plain(n);
  u = w0[0];
  v = w1[0];
  a0 = RF((float)p[0] * u);
  a1 = RF((float)p[1] * u);
  a2 = RF((float)p[2] * u);
  b0 = RF((float)q[0] * v);
  b1 = RF((float)q[1] * v);
  b2 = RF((float)q[2] * v);
  for (j = 1; j <= plain; j++) {
    p += 3;
    q += 3;
    u = w0[j];
    v = w1[j];
    a0 = RF(a0 + RF((float)p[0] * u));
    a1 = RF(a1 + RF((float)p[1] * u));
    a2 = RF(a2 + RF((float)p[2] * u));
    b0 = RF(b0 + RF((float)q[0] * v));
    b1 = RF(b1 + RF((float)q[1] * v));
    b2 = RF(b2 + RF((float)q[2] * v));
  }
  for (; j < n; j++) {
    p += 3;
    q += 3;
    u = w0[j];
    v = w1[j];
    a0 = fma_f32((float)p[0], u, a0);
    a1 = fma_f32((float)p[1], u, a1);
    a2 = fma_f32((float)p[2], u, a2);
    b0 = fma_f32((float)q[0], v, b0);
    b1 = fma_f32((float)q[1], v, b1);
    b2 = fma_f32((float)q[2], v, b2);
  }
  res[0] = a0;
  res[1] = a1;
  res[2] = a2;
  res[3] = b0;
  res[4] = b1;
  res[5] = b2;
}

/* Input row r resized horizontally over the crop's columns: channel c of
 * column x into dst[c * cstride + x]. */
static void aa_hrow(aa_ctx *k, int64_t r, float *dst, size_t cstride) {
  const uint8_t *row = k->px + (size_t)r * k->stride;
  aa_col col, col2;
  float res[6];
  int32_t x = 0;
  col.w = 0;
  col.n = 0;
  while (x < k->crop) {
    if (k->hpass)
      aa_col_get(k, x, k->wbuf, &col);
    if (k->colw && x + 1 < k->crop && col.n > 0) {
      aa_col_get(k, x + 1, k->wbuf, &col2);
      if (col2.n == col.n) {
        aa_hsample2(row + 3 * (size_t)col.first, row + 3 * (size_t)col2.first,
                    col.w, col2.w, col.n, res);
        dst[x] = res[0];
        dst[cstride + x] = res[1];
        dst[2 * cstride + x] = res[2];
        dst[x + 1] = res[3];
        dst[cstride + x + 1] = res[4];
        dst[2 * cstride + x + 1] = res[5];
        x += 2;
        continue;
      }
    }
    aa_hsample(k, row, x, &col, res);
    dst[x] = res[0];
    dst[cstride + x] = res[1];
    dst[2 * cstride + x] = res[2];
    x++;
  }
}

/* Input row r resized horizontally, from the cache or computed into it. */
static const float *aa_row(aa_ctx *k, int64_t r) {
  size_t len = 3 * (size_t)k->crop;
  float *dst = k->slots + (size_t)((uint64_t)r % (uint64_t)k->nslots) * len;
  if (r >= k->lo && r < k->hi)
    return dst;
  if (r != k->hi)
    k->lo = k->hi = r;
  aa_hrow(k, r, dst, (size_t)k->crop);
  k->hi = r + 1;
  if (k->hi - k->lo > k->nslots)
    k->lo = k->hi - k->nslots;
  return dst;
}

static void resize_aa(aa_ctx *k, float *out, float *scratch,
                      size_t scratch_floats) {
  int32_t crop = k->crop, y, x, c;
  size_t plane = (size_t)crop * (size_t)crop, len = 3 * (size_t)crop;
  size_t colw_len = 0;
  int64_t j;

  /* Scratch: first the weights of the crop's columns, then a cache of
   * horizontally resized rows, at most a window's worth. A cache smaller
   * than a window is used only with the weights (rows are then resized
   * again for each output row that needs them). Without a vertical pass
   * rows are resized straight into out. */
  k->colw = 0;
  k->slots = 0;
  k->nslots = 0;
  k->lo = k->hi = 0;
  if (k->hpass && (uint64_t)k->ax.taps <= (uint64_t)(SIZE_MAX / (size_t)crop))
    colw_len = (size_t)crop * (size_t)k->ax.taps;
  if (colw_len && scratch_floats >= colw_len) {
    k->colw = scratch;
    scratch += colw_len;
    scratch_floats -= colw_len;
  }
  if (k->vpass && scratch_floats >= len) {
    size_t rows = scratch_floats / len;
    if ((uint64_t)rows > (uint64_t)k->ay.taps)
      rows = (size_t)k->ay.taps;
    if (k->colw || !k->hpass || (uint64_t)rows == (uint64_t)k->ay.taps) {
      k->slots = scratch;
      k->nslots = (int64_t)rows;
    }
  }
  if (k->colw)
    for (x = 0; x < crop; x++) {
      int32_t first;
      aa_weights(&k->ax, k->left + x, &first,
                 k->colw + (size_t)x * (size_t)k->ax.taps);
    }

  for (y = 0; y < crop; y++) {
    float *o0 = out + (size_t)y * (size_t)crop;
    if (!k->vpass) {
      aa_hrow(k, k->top + y, o0, plane);
    } else {
      const img_axis *a = &k->ay;
      float cy, total;
      int32_t first;
      int64_t n = aa_window(a, k->top + y, &cy, &first);
      int64_t plain = aa_plain(n);
      total = aa_total(a, cy, first, n);
      if (n <= 0) {
        for (c = 0; c < 3; c++)
          for (x = 0; x < crop; x++)
            o0[(size_t)c * plane + x] = 0.0f;
      } else if (k->slots) {
        for (j = 0; j < n; j++) {
          float v = aa_weight(a, cy, first, total, j);
          const float *h = aa_row(k, first + j);
          for (c = 0; c < 3; c++) {
            float *o = o0 + (size_t)c * plane;
            const float *hc = h + (size_t)c * (size_t)crop;
            if (j == 0)
              for (x = 0; x < crop; x++)
                o[x] = RF(hc[x] * v);
            else if (j <= plain)
              for (x = 0; x < crop; x++)
                o[x] = RF(o[x] + RF(hc[x] * v));
            else
              for (x = 0; x < crop; x++)
                o[x] = fma_f32(hc[x], v, o[x]);
          }
        }
      } else {
        /* No room for a row: each output pixel from its source pixels. */
        float vbuf[IMG_STACK_TAPS];
        int vstack = a->taps <= IMG_STACK_TAPS;
        aa_col col;
        col.w = 0;
        col.n = 0;
        if (vstack)
          for (j = 0; j < n; j++)
            vbuf[j] = aa_weight(a, cy, first, total, j);
        for (x = 0; x < crop; x++) {
          float acc[3] = {0.0f, 0.0f, 0.0f}, h[3];
          if (k->hpass)
            aa_col_get(k, x, k->wbuf, &col);
          for (j = 0; j < n; j++) {
            float v = vstack ? vbuf[j] : aa_weight(a, cy, first, total, j);
            const uint8_t *row = k->px + (size_t)(first + j) * k->stride;
            aa_hsample(k, row, x, &col, h);
            for (c = 0; c < 3; c++)
              acc[c] = j == 0 ? RF(h[c] * v)
                              : aa_term(acc[c], h[c], v, j, plain);
          }
          for (c = 0; c < 3; c++)
            o0[(size_t)c * plane + x] = acc[c];
        }
      }
    }
    for (c = 0; c < 3; c++)
      for (x = 0; x < crop; x++)
        o0[(size_t)c * plane + x] = round_u8(o0[(size_t)c * plane + x]);
  }
}

/* --- Sizes ---------------------------------------------------------------- */

/* int(s * lng / shrt) as Python computes it: the true quotient rounded to
 * the nearest double (ties to even), truncated. 1 <= shrt <= lng < 2^31,
 * 1 <= s < 2^31. */
static int64_t resized_long(int64_t s, int64_t lng, int64_t shrt) {
  uint64_t num = (uint64_t)s * (uint64_t)lng, d = (uint64_t)shrt;
  uint64_t q = num / d, r = num % d;
  int e = -1;
  uint64_t t = q;
  while (t) {
    e++;
    t >>= 1;
  }
  /* Doubles in [2^e, 2^(e+1)) are 2^(e-52) apart. */
  if (e >= 53) {
    int k = e - 52;
    uint64_t low = q & (((uint64_t)1 << k) - 1), base = q - low;
    uint64_t lhs = low * d + r, half = ((uint64_t)1 << (k - 1)) * d;
    if (lhs > half || (lhs == half && ((base >> k) & 1)))
      base += (uint64_t)1 << k;
    return (int64_t)base;
  }
  if (r == 0 || 53 - e >= 32)
    return (int64_t)q;
  {
    /* Rounds up to q + 1 when q + 1 - x <= half a spacing. */
    uint64_t lhs = (d - r) << (53 - e);
    if (lhs < d)
      return (int64_t)q + 1;
    if (lhs == d && (e < 52 || (q & 1)))
      return (int64_t)q + 1;
    return (int64_t)q;
  }
}

/* round((n - crop) / 2.0) with Python's round (half to even). */
static int64_t crop_offset(int64_t n, int64_t crop) {
  int64_t d = n - crop, m = d / 2;
  if (d % 2 == 0)
    return m;
  return m + (m & 1);
}

void effnet_rt_resize_crop_rgb8(const uint8_t *pixels, int32_t width,
                             int32_t height, size_t row_stride, int32_t resize,
                             int32_t crop, int32_t antialias, float *out,
                             float *scratch, size_t scratch_floats) {
  int64_t new_w, new_h, left, top;
  img_axis ax, ay;
  if (!pixels || !out || width < 1 || height < 1 || crop < 1 ||
      resize < crop)
    return;
  if (!scratch)
    scratch_floats = 0;
  if (width <= height) {
    new_w = resize;
    new_h = resized_long(resize, height, width);
  } else {
    new_h = resize;
    new_w = resized_long(resize, width, height);
  }
  left = crop_offset(new_w, crop);
  top = crop_offset(new_h, crop);
  axis_init(&ax, width, new_w);
  axis_init(&ay, height, new_h);
  if (!antialias) {
    resize_linear(pixels, row_stride, &ax, &ay, left, top, crop, out);
  } else {
    aa_ctx k;
    k.px = pixels;
    k.stride = row_stride;
    k.ax = ax;
    k.ay = ay;
    k.hpass = new_w != width;
    k.vpass = new_h != height;
    k.left = left;
    k.top = top;
    k.crop = crop;
    resize_aa(&k, out, scratch, scratch_floats);
  }
}
