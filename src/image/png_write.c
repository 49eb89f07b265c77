/* png_write.c - PNG output: each row filtered as libpng does it, the rows deflated by
 * libdeflate (tools/lib/third_party/libdeflate.sh) into one zlib stream in one IDAT chunk.
 *
 * Why not stb_image_write (still used for JPEG) with a real deflate through its
 * STBIW_ZLIB_COMPRESS hook: its filter pass alone (all five filters on every row, scalar)
 * took 0.47 s of the 0.7 s that a 4x speed-up over it allows natively (it took 2.4-2.9 s and
 * wrote 18.9 MB for the 12 MP photo of `tools/studio bench png`), and more in WASM. The
 * choice here is stb's and libpng's (the least sum of |byte| read as signed, ties to the
 * lower type: the filtered rows are byte for byte libpng's), 16 bytes at a time; the whole
 * pass with no compression takes 0.09 s natively, 0.13 s in WASM.
 *
 * Why libdeflate, and level 4 (ES_PNG_LEVEL): on the same filtered rows of that photo (CPU
 * time, native), libdeflate level 4 writes 13.64 MB in 0.41 s; zlib first comes within 3% of
 * libpng level 6 (13.36 MB) at its level 5 (13.71 MB, 1.88 s), and its level 6 takes 3.96 s.
 * libdeflate level 3 (0.37 s) is 4.2% over libpng level 6 on the benchmark's smooth photo;
 * level 5 (0.52 s) is 1.7% smaller than level 4. Level 4 is the cheapest within 3% of libpng
 * level 6 on both photos (+2.1%, +1.7%). libdeflate has no streaming API, so the deflate
 * stays on one thread. */
#include "png_write.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

/* The Paeth filter and the cost run 16 bytes at a time through GCC/Clang vector extensions:
 * one source for SSE2 natively and for WASM SIMD, where LLVM's own vectorisation of the
 * plain loops was slow (12 MP in WASM: Paeth 44 ms -> 12 ms, the five costs 5 x 24 ms ->
 * 5 x 1.6 ms; natively no slower than GCC's own). */
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));

static u8x16 load16(const uint8_t *p) { u8x16 v; memcpy(&v, p, 16); return v; }
static u8x16 pick(u8x16 mask, u8x16 x, u8x16 y) { return (x & mask) | (y & ~mask); }
static u8x16 absdiff(u8x16 x, u8x16 y) { return pick((u8x16)(x > y), x - y, y - x); }

/* Paeth's predictor: whichever of left a, above b, upper-left c is nearest to a + b - c. */
static uint8_t paeth(int a, int b, int c) {
  int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
  return (uint8_t)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* The same for 16 bytes, in 8-bit lanes: pa = |b - c|, pb = |a - c|, and pc = |(b - c) + (a - c)|
 * is pa + pb when both differences have one sign (then pc is never below pa or pb, so
 * saturating at 255 changes no comparison), else |pa - pb|. Checked against paeth() on all
 * 2^24 (a, b, c). */
static u8x16 paeth16(u8x16 a, u8x16 b, u8x16 c) {
  u8x16 pa = absdiff(b, c), pb = absdiff(a, c), sum = pa + pb;
  u8x16 same_sign = ~((u8x16)(b >= c) ^ (u8x16)(a >= c));
  u8x16 pc = pick(same_sign, pick((u8x16)(sum < pa), (u8x16){0} - 1, sum), absdiff(pa, pb));
  u8x16 use_a = (u8x16)(pa <= pb) & (u8x16)(pa <= pc), use_b = ~use_a & (u8x16)(pb <= pc);
  return (a & use_a) | (b & use_b) | (c & ~(use_a | use_b));
}

/* Filtered row of PNG filter type t (1 Sub, 2 Up, 3 Average, 4 Paeth) from cur and the row
 * above (zeros for the first row); bytes left of the first pixel count as 0. */
static void filter_row(int t, const uint8_t *cur, const uint8_t *prev, int bpp, size_t n, uint8_t *out) {
  size_t i, k = (size_t)bpp < n ? (size_t)bpp : n;
  switch (t) {
  case 1:
    for (i = 0; i < k; i++) out[i] = cur[i];
    for (i = k; i < n; i++) out[i] = (uint8_t)(cur[i] - cur[i - bpp]);
    break;
  case 2:
    for (i = 0; i < n; i++) out[i] = (uint8_t)(cur[i] - prev[i]);
    break;
  case 3: /* floor((l + u) / 2) without leaving 8 bits, so it vectorises in 8-bit lanes */
    for (i = 0; i < k; i++) out[i] = (uint8_t)(cur[i] - (prev[i] >> 1));
    for (i = k; i < n; i++) {
      uint8_t l = cur[i - bpp], u = prev[i];
      out[i] = (uint8_t)(cur[i] - ((l & u) + ((l ^ u) >> 1)));
    }
    break;
  case 4:
    for (i = 0; i < k; i++) out[i] = (uint8_t)(cur[i] - prev[i]); /* a = c = 0: Paeth picks b */
    for (; i + 16 <= n; i += 16) {
      u8x16 r = load16(cur + i) - paeth16(load16(cur + i - bpp), load16(prev + i), load16(prev + i - bpp));
      memcpy(out + i, &r, 16);
    }
    for (; i < n; i++) out[i] = (uint8_t)(cur[i] - paeth(cur[i - bpp], prev[i], prev[i - bpp]));
    break;
  }
}

/* libpng's estimate of how well a filtered row compresses: the sum of |byte| read as signed,
 * i.e. min(v, 256 - v), summed in 16-bit lanes (128 steps of at most 2 x 128 each). */
static unsigned long row_cost(const uint8_t *row, size_t n) {
  unsigned long sum = 0;
  size_t i = 0;
  while (i + 16 <= n) {
    u16x8 acc = {0};
    for (size_t steps = 0; steps < 128 && i + 16 <= n; steps++, i += 16) {
      u8x16 v = load16(row + i), neg = (u8x16){0} - v;
      u16x8 m = (u16x8)pick((u8x16)(v < neg), v, neg);
      acc += (m & 0xFF) + (m >> 8);
    }
    for (int l = 0; l < 8; l++) sum += acc[l];
  }
  for (; i < n; i++) sum += (unsigned)abs((int8_t)row[i]);
  return sum;
}

static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

/* Chunk at p: length, type and CRC around the len data bytes already at p + 8. */
static uint8_t *close_chunk(uint8_t *p, const char *type, size_t len) {
  put32(p, (uint32_t)len);
  memcpy(p + 4, type, 4);
  put32(p + 8 + len, libdeflate_crc32(0, p + 4, len + 4));
  return p + 12 + len;
}

studio_status es_png_write(studio_ctx *ctx, const studio_image *img, int level, uint8_t **out, size_t *out_len) {
  static const uint8_t colour_type[5] = {0, 0, 4, 2, 6}; /* grey, grey+alpha, RGB, RGBA */
  const int c = img->channels;
  const size_t n = (size_t)img->width * c, rows = (size_t)img->height;
  /* A chunk holds at most 2^31 - 1 bytes, and the compressed rows can be slightly larger
   * than the rows themselves. */
  if (rows > (size_t)(INT_MAX - 65536) / (n + 1))
    return es_fail(ctx, STUDIO_E_TOO_LARGE, "image is too large to write as PNG (%dx%d, %d channels)", img->width, img->height, c);
  const size_t raw_len = (n + 1) * rows, head = 8 + 25 + 8; /* signature, IHDR, IDAT's length and type */
  uint8_t *raw = malloc(raw_len), *scratch = malloc(5 * n), *zero = scratch ? scratch + 4 * n : NULL, *png = NULL;
  struct libdeflate_compressor *z = libdeflate_alloc_compressor(level);
  size_t bound = 0, zlen = 0;
  if (raw && scratch && z) {
    memset(zero, 0, n);
    for (size_t y = 0; y < rows; y++) {
      const uint8_t *cur = img->pixels + y * img->stride, *prev = y ? cur - img->stride : zero;
      uint8_t *dst = raw + y * (n + 1);
      int best = 0;
      unsigned long best_cost = row_cost(cur, n);
      for (int t = 1; t <= 4; t++) {
        filter_row(t, cur, prev, c, n, scratch + (t - 1) * n);
        unsigned long cost = row_cost(scratch + (t - 1) * n, n);
        if (cost < best_cost) best_cost = cost, best = t; /* ties: the lower type, as libpng */
      }
      dst[0] = (uint8_t)best;
      memcpy(dst + 1, best ? scratch + (best - 1) * n : cur, n);
    }
    bound = libdeflate_zlib_compress_bound(z, raw_len);
    png = malloc(head + bound + 4 + 12);
  }
  if (png) zlen = libdeflate_zlib_compress(z, raw, raw_len, png + head, bound); /* 0: did not fit the bound */
  free(raw);
  free(scratch);
  libdeflate_free_compressor(z);
  if (!png) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while encoding");
  if (zlen == 0 || zlen > INT_MAX) { free(png); return es_fail(ctx, STUDIO_E_INTERNAL, "PNG compression failed"); }

  static const uint8_t sig[8] = {137, 80, 78, 71, 13, 10, 26, 10};
  memcpy(png, sig, 8);
  uint8_t *p = png + 8;
  put32(p + 8, (uint32_t)img->width);
  put32(p + 12, (uint32_t)img->height);
  memcpy(p + 16, (const uint8_t[5]){8, colour_type[c], 0, 0, 0}, 5); /* 8 bits, deflate, filter set 0, not interlaced */
  p = close_chunk(p, "IHDR", 13);
  p = close_chunk(p, "IDAT", zlen);
  p = close_chunk(p, "IEND", 0);
  *out_len = (size_t)(p - png);
  uint8_t *fit = realloc(png, *out_len); /* give back the rest of the bound */
  *out = fit ? fit : png;
  return es_ok(ctx);
}
