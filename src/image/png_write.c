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
 * level 6 on both photos (+2.1%, +1.7%).
 *
 * Why bands, on the context's pool: on one thread the native speed-up over stb measured 3.5x
 * to 4.5x on a shared machine, at the 4x line. The filter pass splits into tiles of rows
 * (each row needs only its pixels and the row above); the deflate into one band per thread
 * (each at least ES_PNG_BAND), compressed as raw DEFLATE at once and joined in one zlib
 * stream: every band but the last ends in an empty stored block with no BFINAL (a sync
 * flush; libdeflate 1.14 is patched for it, libdeflate_chunk.h), the Adler-32 covers all
 * rows. A band starts without the previous band's 32 KB of history, which cost 673 bytes
 * (+0.005%) on the enhanced photo and 18 bytes on the smooth one with 2 bands. On one thread
 * the file is byte for byte what libdeflate_zlib_compress wrote. tools/studio bench png, 2
 * threads against 1 (wall time, AMD EPYC, 2 cores, shared), enhanced / smooth photo:
 * natively 0.31 / 0.26 s against 0.48 / 0.49 s (stb 2.18 / 1.79 s: 7.1x / 7.0x), in WASM
 * (wasm-mt) 0.40 / 0.41 s against 0.70 / 0.75 s (stb 4.66 / 3.92 s: 11.5x / 9.7x). */
#include "png_write.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate_chunk.h> /* libdeflate.h + our patch (tools/lib/third_party/libdeflate.sh) */

#include "../core/parallel.h"

/* The deflate's bands: at most one a thread, of at least ES_PNG_BAND bytes of filtered rows
 * (the header comment gives the cost of each boundary), and at most ES_PNG_MAX_BANDS. */
#define ES_PNG_BAND ((size_t)1 << 20)
#define ES_PNG_MAX_BANDS 64

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

/* The filter pass: rows [start, start + count) of one tile, with the tile's own scratch rows
 * (each row needs only its pixels and those above it). */
typedef struct {
  const studio_image *img;
  uint8_t *raw, *scratch; /* scratch: 4 rows per tile */
  uint8_t *zero;          /* the row above the first */
  size_t n, tile;
} filter_job;

static void filter_rows(void *arg, size_t start, size_t count) {
  const filter_job *j = arg;
  const size_t n = j->n, stride = j->img->stride;
  uint8_t *scratch = j->scratch + start / j->tile * 4 * n;
  for (size_t y = start; y < start + count; y++) {
    const uint8_t *cur = j->img->pixels + y * stride, *prev = y ? cur - stride : j->zero;
    uint8_t *dst = j->raw + y * (n + 1);
    int best = 0;
    unsigned long best_cost = row_cost(cur, n);
    for (int t = 1; t <= 4; t++) {
      filter_row(t, cur, prev, j->img->channels, n, scratch + (t - 1) * n);
      unsigned long cost = row_cost(scratch + (t - 1) * n, n);
      if (cost < best_cost) best_cost = cost, best = t; /* ties: the lower type, as libpng */
    }
    dst[0] = (uint8_t)best;
    memcpy(dst + 1, best ? scratch + (best - 1) * n : cur, n);
  }
}

/* The deflate: band k of the filtered rows as raw DEFLATE into its own slot of the output,
 * every band but the last ending in a sync flush (libdeflate_chunk.h), so that the bands
 * joined make one stream. */
typedef struct {
  const uint8_t *raw;
  size_t raw_len, bands, band_len, slot;
  struct libdeflate_compressor **z;
  uint8_t *out;
  size_t *len; /* per band; 0: did not fit its slot */
} deflate_job;

static void deflate_bands(void *arg, size_t start, size_t count) {
  const deflate_job *j = arg;
  for (size_t k = start; k < start + count; k++) {
    size_t b = k * j->band_len, e = k + 1 == j->bands ? j->raw_len : b + j->band_len;
    j->len[k] = libdeflate_deflate_compress_chunk(j->z[k], j->raw + b, e - b, j->out + k * j->slot, j->slot, k + 1 == j->bands);
  }
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
  const size_t threads = (size_t)studio_threads(ctx), tile = (rows + 4 * threads - 1) / (4 * threads); /* 4 tiles a thread */
  /* One band per thread, each of at least ES_PNG_BAND bytes; level 0 stores, in one band. */
  size_t bands = level > 0 ? raw_len / ES_PNG_BAND : 1;
  if (bands > threads) bands = threads;
  if (bands > ES_PNG_MAX_BANDS) bands = ES_PNG_MAX_BANDS;
  if (bands < 1) bands = 1;
  const size_t band_len = raw_len / bands;
  uint8_t *raw = malloc(raw_len), *scratch = malloc(4 * n * ((rows + tile - 1) / tile) + n), *png = NULL;
  struct libdeflate_compressor *z[ES_PNG_MAX_BANDS] = {0};
  size_t len[ES_PNG_MAX_BANDS] = {0}, slot = 0, zlen = 0;
  int ok = raw && scratch;
  for (size_t k = 0; ok && k < bands; k++) ok = (z[k] = libdeflate_alloc_compressor(level)) != NULL;
  if (ok) {
    filter_job fj = {img, raw, scratch, scratch + 4 * n * ((rows + tile - 1) / tile), n, tile};
    memset(fj.zero, 0, n);
    es_parallel_tiles(ctx->pool, rows, tile, filter_rows, &fj);
    /* + 6: the sync flush; the last band is the longest */
    slot = libdeflate_deflate_compress_bound(z[0], raw_len - (bands - 1) * band_len) + 6;
    png = malloc(head + 2 + bands * slot + 4 + 12);
  }
  if (png) {
    uint8_t *zs = png + head;
    deflate_job dj = {raw, raw_len, bands, band_len, slot, z, zs + 2, len};
    es_parallel_tiles(ctx->pool, bands, 1, deflate_bands, &dj);
    /* zlib's header as libdeflate_zlib_compress writes it: 32K window, the level's hint */
    unsigned hdr = 0x7800 | (level < 2 ? 0 : level < 6 ? 1 : level < 8 ? 2 : 3) << 6;
    hdr |= 31 - hdr % 31;
    zs[0] = (uint8_t)(hdr >> 8), zs[1] = (uint8_t)hdr;
    zlen = 2;
    for (size_t k = 0; k < bands; k++) {
      if (len[k] == 0) { zlen = 0; break; } /* did not fit the bound */
      memmove(zs + zlen, zs + 2 + k * slot, len[k]);
      zlen += len[k];
    }
    if (zlen) put32(zs + zlen, libdeflate_adler32(1, raw, raw_len)), zlen += 4;
  }
  free(raw);
  free(scratch);
  for (size_t k = 0; k < bands; k++) libdeflate_free_compressor(z[k]);
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
