/* pipeline.c - studio_enhance: the schedule around the stages.
 *
 * Whole-image decisions come first, from cheap passes: exposure (4x4 block means), the noise
 * profile (every 8th row), CLAHE's tile mappings (a 4x4-block preview). Then the image is
 * processed in horizontal strips with a halo of rows for the wavelets, so memory is a few
 * strips of float planes, never full-image float copies; strips run on the context's pool
 * in batches, with progress and cancellation between batches. Chroma is denoised at half
 * resolution, where its noise is half as strong and the work a quarter. */
#include "enhance.h"
#include "../api/context.h"
#include "../color/color.h"
#include "../core/parallel.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

studio_status es_enhance_check(studio_ctx *ctx, const studio_enhance_options *o);

enum {
  STRIP = 384,   /* core rows per strip (even): larger wastes less on halos, smaller uses less memory */
  HALO = 64,     /* rows above and below: the 4-level wavelets reach 30 rows, 60 for half-res chroma */
  LUMA_LEVELS = 4, CHROMA_LEVELS = 4,
  CODE_N = 32768 /* linear -> coded table: steps of 3e-5 in linear light, under 0.1 of an 8-bit level in coded */
};

typedef struct {
  const studio_image *in;
  studio_image *out;
  es_tone tone;
  es_noise noise;
  es_clahe clahe;
  es_local local;            /* the regions' gains (local.active 0: none) */
  float *denoise_scale;      /* [gh][gw] auto denoising's strength where a region is lifted, or NULL */
  float lin[256];            /* 8-bit sRGB -> linear */
  float code[CODE_N + 1];    /* linear -> coded, nearest entry */
  float off[3];              /* linear offsets taken off each channel first: black's cast and the black point */
  float vibrance;            /* chroma gain for pale colours: the saturation a lift costs, given back */
  float fine;                /* 0..1: how much of the chroma finer than the half planes is kept (0: none computed) */
  float fast[3][256];        /* per channel, 8-bit sRGB -> brightened coded, for pixels below the knee */
  float ratio[256];          /* brightest channel (8-bit) -> the factor all three channels take */
  int fast_max;              /* the largest 8-bit value whose brightened pixel stays below the knee */
  es_clahe_pos *col;         /* per column: CLAHE tiles (x) */
  es_local_pos *half;        /* per column: half-resolution chroma samples (OpenCV's centres) */
  float k_luma, k_chroma, local_contrast, sharpen;
  int color;                 /* 3+ channels */
  atomic_int failed;
} job_t;

static inline float to_coded(const job_t *j, float v) {
  v = v < 0.f ? 0.f : v > 1.f ? 1.f : v;
  return j->code[(int)(v * CODE_N + 0.5f)];
}

/* One input pixel to coded YCoCg, brightened. Below the knee the tone curve is a plain gain,
 * so a pixel whose every channel is at most fast_max takes three table lookups. */
static inline void pixel_ycc(const job_t *j, const uint8_t *p, float *y, float *co, float *cg) {
  float r, g, b;
  if (!j->color) {
    r = g = b = p[0] <= j->fast_max ? j->fast[0][p[0]] : to_coded(j, (j->lin[p[0]] - j->off[0]) * j->ratio[p[0]]);
  } else {
    uint8_t m = p[0] > p[1] ? (p[0] > p[2] ? p[0] : p[2]) : (p[1] > p[2] ? p[1] : p[2]);
    if (m <= j->fast_max) {
      r = j->fast[0][p[0]]; g = j->fast[1][p[1]]; b = j->fast[2][p[2]];
    } else { /* es_tone_pixel, with the curve looked up by the 8-bit brightest channel */
      float k = j->ratio[m];
      r = to_coded(j, (j->lin[p[0]] - j->off[0]) * k); g = to_coded(j, (j->lin[p[1]] - j->off[1]) * k);
      b = to_coded(j, (j->lin[p[2]] - j->off[2]) * k);
    }
  }
  *y = (r + 2.f * g + b) * 0.25f;
  *co = (r - b) * 0.5f;
  *cg = (2.f * g - r - b) * 0.25f;
}

static void convert_row(const job_t *j, int y, float *ry, float *rco, float *rcg) {
  const studio_image *in = j->in;
  const uint8_t *p = in->pixels + (size_t)y * in->stride;
  for (int x = 0; x < in->width; x++, p += in->channels) pixel_ycc(j, p, ry + x, rco + x, rcg + x);
}

/* ---- whole-image passes ---- */

/* 0..1: how far a photo that needs `stops` of brightening is a very dark one (local contrast
 * on, black point off) rather than a photo a little dark (the other way round). */
static float contrast_need(float stops) { return es_smoothstep(ES_CONTRAST_STOPS0, ES_CONTRAST_STOPS1, stops); }

/* What is taken off each channel before the gain (linear): black's colour cast, whole, and on
 * a mildly dark photo a share of its level (the black point), both in proportion to how much
 * of a low-light photo this is and to `share` (0..1: how far the darkest part is black, not a
 * backlit subject). Black's colour counts as a cast only at the bottom of the codes, where a
 * camera's dark level sits: a photo whose darkest part is a coloured surface keeps it.
 * Returns whether anything is taken off. */
static int plan_black(job_t *j, const float black[3], float share) {
  const float Yb = j->color ? 0.2126f * black[0] + 0.7152f * black[1] + 0.0722f * black[2] : black[0];
  const float lo = es_srgb_to_linear(ES_CAST_DARK0), hi = es_srgb_to_linear(ES_CAST_DARK1), most = es_srgb_to_linear(ES_CAST_MAX);
  float cast = (Yb - hi) / (lo - hi);
  cast = (cast < 0.f ? 0.f : cast > 1.f ? 1.f : cast) * j->tone.effect * share;
  const float bp = share * ES_BLACK_POINT * j->tone.effect * (1.f - contrast_need(j->tone.stops));
  for (int k = 0; k < 3; k++) {
    /* a camera's dark level is off by a code or two; more colour than that is a dark
     * object's own (a red door in shadow), kept */
    float c = j->color ? black[k] - Yb : 0.f;
    c = c > most ? most : c < -most ? -most : c;
    j->off[k] = cast * c + bp * Yb;
  }
  return bp > 0.f || cast > 0.f;
}

static void build_tables(job_t *j) {
  j->fast_max = -1;
  const float least = fminf(j->off[0], fminf(j->off[1], j->off[2]));
  for (int i = 0; i < 256; i++) {
    /* a pixel's channels scale alike by curve(m)/m with m its brightest channel; below the
     * knee and without a lift that ratio is the gain itself */
    for (int k = 0; k < 3; k++) j->fast[k][i] = to_coded(j, (j->lin[i] - j->off[k]) * j->tone.gain);
    float v = (j->lin[i] - least) * j->tone.gain;
    if (v <= j->tone.knee && v <= 1.f && j->tone.lift == 0.f) j->fast_max = i;
    j->ratio[i] = i == 0 ? j->tone.gain : es_tone_curve(&j->tone, j->lin[i] * j->tone.gain) / j->lin[i];
  }
}

static void estimate_noise(job_t *j) {
  const int w = j->in->width, h = j->in->height;
  es_noise_acc *acc = es_noise_acc_new();
  float *buf = malloc(sizeof(float) * 9 * (size_t)w);
  if (acc && buf && w >= 3 && h >= 3) {
    /* about 128 sampled rows (at most every 2nd row): enough for the 16 levels' quantiles */
    const int step = h / 128 > 2 ? h / 128 : 2;
    for (int y = 1; y + 1 < h; y += step) {
      const float *ry[3], *rco[3], *rcg[3];
      for (int k = 0; k < 3; k++) {
        float *b = buf + (size_t)3 * k * w;
        convert_row(j, y - 1 + k, b, b + w, b + 2 * w);
        ry[k] = b; rco[k] = b + w; rcg[k] = b + 2 * w;
      }
      es_noise_acc_row(acc, ry, j->color ? rco : NULL, j->color ? rcg : NULL, w);
    }
  }
  free(buf);
  es_noise_finish(w >= 3 && h >= 3 ? acc : (free(acc), NULL), &j->noise);
}

/* The analysis's 4x4 block means as the strips will see them: black taken off, brightened,
 * coded luma. */
static void preview(const job_t *j, const float *blocks, float *pre, size_t n) {
  for (size_t i = 0; i < n; i++) {
    float t[3], b[3];
    for (int k = 0; k < 3; k++) b[k] = fmaxf(blocks[3 * i + k] - j->off[k], 0.f);
    es_tone_pixel(&j->tone, b, t);
    pre[i] = (to_coded(j, t[0]) + 2.f * to_coded(j, t[1]) + to_coded(j, t[2])) * 0.25f;
  }
}

/* The regions' gains and CLAHE's mappings, both from a preview made of the analysis's 4x4
 * block means (linear light, then brightened and coded): they need levels, not noise, and
 * the preview has a sixteenth of the pixels. CLAHE sees the preview with the regions' gains
 * applied, as its pixels will be.
 * Black's colour and level wait for the regions' plan: in a backlit photo the darkest part is
 * the subject in shadow, which the regions lift with its own colour, not black to neutralise
 * and set. So the plan is made without them, and they are taken off as far as the photo is not
 * backlit; CLAHE sees them (planning the regions again with them changed no score on the real
 * photos and cost a tenth of the time). */
static int build_maps(job_t *j, const float *blocks, const float black[3], const es_local_params *lp, float strength, int auto_denoise,
                      int tiles, float clip) {
  const int pw = (j->in->width + ES_BLOCK - 1) / ES_BLOCK, ph = (j->in->height + ES_BLOCK - 1) / ES_BLOCK;
  const size_t n = (size_t)pw * ph;
  float *pre = malloc(sizeof(float) * n);
  if (!pre) return -1;
  preview(j, blocks, pre, n);
  int rc = es_local_plan(&j->local, lp, pre, pw, ph);
  if (!rc && plan_black(j, black, 1.f - j->local.backlit)) {
    build_tables(j);
    preview(j, blocks, pre, n);
  }
  if (!rc && j->local.active) {
    for (size_t i = 0; i < n; i++) {
      float L = es_local_log2(pre[i]);
      pre[i] = es_local_coded(L + es_local_gain(&j->local.p, j->local.a[i] * L + j->local.b[i], j->local.fade[i]));
    }
    /* a lifted region's noise is lifted with it: auto denoising acts as it would on a photo
     * that needed the scene's and the region's stops together */
    if (auto_denoise && !(j->denoise_scale = malloc(sizeof(float) * n))) rc = -1;
    for (size_t i = 0; !rc && auto_denoise && i < n; i++)
      j->denoise_scale[i] = es_tone_effect(j->tone.stops + fmaxf(0.f, j->local.gain[i]), strength);
  }
  if (!rc) rc = es_clahe_build(&j->clahe, pre, pw, ph, (size_t)pw, tiles, tiles, clip);
  free(pre);
  return rc;
}

/* ---- one strip ---- */

static inline uint8_t quantize(float v) { return (uint8_t)(v <= 0.f ? 0 : v >= 1.f ? 255 : (int)(v * 255.f + 0.5f)); }

/* Floats one strip needs at most: luma + 4 wavelet scratch planes (full), 4 half planes
 * (chroma, its guide, the denoiser's scale), 6 rows, the CLAHE mappings blended for one row,
 * 4 rows of the local exposure grid; and with the fine chroma, the chroma planes before
 * denoising and the core rows' chroma at full resolution in 16 bits (two planes of shorts:
 * one of floats). */
static size_t strip_floats(int w, int h, int tiles_x, int gw, int fine) {
  size_t bh = (size_t)(STRIP + 2 * HALO + 2 < h ? STRIP + 2 * HALO + 2 : h), hw = (size_t)(w + 1) / 2;
  return (size_t)w * bh * 5 + hw * ((bh + 1) / 2) * (fine ? 6 : 4) + 6 * (size_t)w + 256 * (size_t)tiles_x + 4 * (size_t)gw +
         (fine ? (size_t)w * STRIP : 0);
}

/* Full-resolution chroma kept between the strip's two passes: coded chroma is within +-0.5,
 * so 16 bits hold it to 1/65000, a few thousandths of an 8-bit level. */
#define FINE_SCALE 65000.f
static inline int16_t fine_store(float v) { v *= FINE_SCALE; return (int16_t)(v > 32767.f ? 32767.f : v < -32767.f ? -32767.f : v); }

/* Vibrance, on the denoised half-resolution chroma: a dark capture's colours come out paler
 * than the scene's (the camera's gain and the denoiser cost chroma); pale colours gain up to
 * `amount` back, strong ones keep theirs (halved at chroma/luma ES_VIBRANT), so nothing turns
 * garish. Branch-free: it vectorises. */
static void vibrance(float *restrict co, float *restrict cg, const float *restrict y, size_t n, float amount) {
  const float inv = 1.f / (ES_VIBRANT * ES_VIBRANT);
  for (size_t i = 0; i < n; i++) {
    float sat2 = (co[i] * co[i] + cg[i] * cg[i]) / (y[i] * y[i] + 1e-3f), v = 1.f + amount / (1.f + sat2 * inv);
    co[i] *= v; cg[i] *= v;
  }
}

/* Chroma finer than the half-resolution planes hold (an edge between two colours, a thin
 * coloured line): the full-resolution chroma less the half-resolution one it was averaged
 * into, shrunk by the garrote against the noise expected there, so a clean photo keeps every
 * colour edge and a noisy one loses the fine colour speckle. */
static inline float fine_chroma(float d, float t) {
  float d2 = d * d, t2 = t * t, g = d - t2 * d / (d2 + 1e-30f);
  return d2 > t2 ? g : 0.f;
}

/* The denoiser's threshold scale for rows a..b-1 (a even) at half resolution, enlarged from
 * the grid: the chroma planes' size, and one value per 2x2 pixels of luma (it changes over
 * tens of pixels). */
static void denoise_scales(const job_t *j, int a, int b, float *half, float *grow) {
  const int w = j->in->width, hw = (w + 1) / 2, gh = j->local.gh, gw = j->local.gw;
  for (int y = a / 2; y < (b + 1) / 2; y++) {
    es_local_row(&j->local, j->denoise_scale, es_local_position(y, ES_BLOCK / 2, gh), grow);
    es_local_upsample_row(grow, gw, half + (size_t)(y - a / 2) * hw, hw, ES_BLOCK / 2);
  }
}

static void strip(job_t *j, size_t s, float *mem) {
  const studio_image *in = j->in;
  const int w = in->width, h = in->height, c = in->channels;
  {
    const int y0 = (int)s * STRIP, y1 = y0 + STRIP < h ? y0 + STRIP : h;
    const int a = (y0 - HALO > 0 ? y0 - HALO : 0) & ~1, b = y1 + HALO < h ? y1 + HALO : h, bh = b - a;
    const int hw = (w + 1) / 2, hh = (bh + 1) / 2;
    const size_t full = (size_t)w * bh, half = (size_t)hw * hh;
    float *Y = mem, *scratch = mem + full, *Yh = scratch + 4 * full, *Coh = Yh + half, *Cgh = Coh + half, *Sch = Cgh + half;
    float *Coh0 = Sch + half, *Cgh0 = Coh0 + half; /* the chroma planes before denoising (fine chroma only) */
    float *row = j->fine > 0.f ? Cgh0 + half : Coh0;
    float *rowlut = row + 6 * (size_t)w; /* CLAHE: this row's mappings, one per tile column */
    /* this row's local exposure grid: coefficients, fade, and the denoiser's scale */
    float *rowa = rowlut + 256 * (size_t)j->clahe.tx, *rowb = rowa + j->local.gw, *rowf = rowb + j->local.gw, *rows = rowf + j->local.gw;
    /* the core rows' chroma at full resolution, for the detail finer than the half planes */
    int16_t *fine_co = (int16_t *)(rows + j->local.gw), *fine_cg = fine_co + (size_t)w * STRIP;
    /* brighten and convert, two rows at a time; chroma (and a luma guide for it) averaged
     * over 2x2 into half resolution (a lone last row or column stands for two) */
    for (int y = a; y < b; y += 2) {
      float *y0r = Y + (size_t)(y - a) * w, *y1r = y + 1 < b ? y0r + w : y0r;
      float *co0 = row, *cg0 = row + w, *co1 = row + 2 * w, *cg1 = row + 3 * w;
      convert_row(j, y, y0r, co0, cg0);
      if (y + 1 < b) convert_row(j, y + 1, y1r, co1, cg1);
      else { memcpy(co1, co0, sizeof(float) * w); memcpy(cg1, cg0, sizeof(float) * w); }
      for (int k = 0; k < 2 && j->fine > 0.f; k++) {
        if (y + k < y0 || y + k >= y1) continue;
        const float *co = k ? co1 : co0, *cg = k ? cg1 : cg0;
        int16_t *fc = fine_co + (size_t)(y + k - y0) * w, *fg = fine_cg + (size_t)(y + k - y0) * w;
        for (int x = 0; x < w; x++) { fc[x] = fine_store(co[x]); fg[x] = fine_store(cg[x]); }
      }
      float *hy = Yh + (size_t)((y - a) / 2) * hw, *hco = Coh + (size_t)((y - a) / 2) * hw, *hcg = Cgh + (size_t)((y - a) / 2) * hw;
      for (int x = 0; x < w / 2; x++) {
        hy[x] = 0.25f * (y0r[2 * x] + y0r[2 * x + 1] + y1r[2 * x] + y1r[2 * x + 1]);
        hco[x] = 0.25f * (co0[2 * x] + co0[2 * x + 1] + co1[2 * x] + co1[2 * x + 1]);
        hcg[x] = 0.25f * (cg0[2 * x] + cg0[2 * x + 1] + cg1[2 * x] + cg1[2 * x + 1]);
      }
      if (w & 1) {
        hy[hw - 1] = 0.5f * (y0r[w - 1] + y1r[w - 1]);
        hco[hw - 1] = 0.5f * (co0[w - 1] + co1[w - 1]);
        hcg[hw - 1] = 0.5f * (cg0[w - 1] + cg1[w - 1]);
      }
    }
    const int scaled = j->denoise_scale != NULL;
    if (scaled) denoise_scales(j, a, b, Sch, rows);
    es_shrink luma = {LUMA_LEVELS, j->k_luma, j->noise.luma, 1.f, j->sharpen, scaled ? Sch : NULL, 1, NULL, 0.f};
    es_wavelet_denoise(Y, NULL, w, bh, &luma, scratch);
    /* luma's own edges at half resolution (Yh, the noisy luma's 2x2 mean), for the chroma: in
     * the scratch's second half, the chroma denoiser using the first */
    float *edges = scratch + 4 * half;
    if (j->color && j->k_chroma > 0.f) {
      es_shrink guide = {CHROMA_LEVELS, ES_EDGE_SIGMAS, j->noise.luma, 0.5f, 0.f, NULL, 0, NULL, 0.f};
      es_wavelet_edges(Yh, hw, hh, &guide, edges, scratch);
    }
    if (j->color) {
      es_shrink chroma = {CHROMA_LEVELS, j->k_chroma, j->noise.chroma, 0.5f, 0.f, scaled ? Sch : NULL, 0, /* 2x2 means halve the noise */
                          j->k_chroma > 0.f ? edges : NULL, ES_EDGE_KEEP};
      if (j->fine > 0.f) { memcpy(Coh0, Coh, sizeof(float) * half); memcpy(Cgh0, Cgh, sizeof(float) * half); }
      es_wavelet_denoise(Coh, Yh, hw, hh, &chroma, scratch);
      es_wavelet_denoise(Cgh, Yh, hw, hh, &chroma, scratch);
      if (j->vibrance > 0.f) vibrance(Coh, Cgh, Yh, half, j->vibrance);
    }
    /* local contrast, chroma back to full resolution following the luma change, out */
    float *vco = row, *vcg = row + hw; /* this row's chroma, interpolated between half rows */
    float *vco0 = row + w, *vcg0 = vco0 + hw;     /* the same before denoising */
    /* the garrote's threshold for the fine chroma: the level's noise in the detail left by a
     * 2x2 mean (sqrt(3)/2 of it), at the chroma denoiser's strength */
    const float k_fine = j->k_chroma * 0.866f;
    float fine_t[257]; /* its threshold by luma, a table: the profile changes slowly */
    for (int i = 0; i <= 256; i++) fine_t[i] = k_fine * es_noise_at(j->noise.chroma, i / 256.f);
    for (int y = y0; y < y1; y++) {
      const float *ry = Y + (size_t)(y - a) * w;
      if (j->local_contrast > 0.f) {
        /* the vertical half of CLAHE's interpolation is the same along a row: do it once */
        const es_clahe_pos py = es_clahe_position(j->clahe.ty, y, h);
        for (int t = 0; t < j->clahe.tx; t++) {
          const float *l0 = j->clahe.lut + ((size_t)py.i0 * j->clahe.tx + t) * 256, *l1 = j->clahe.lut + ((size_t)py.i1 * j->clahe.tx + t) * 256;
          for (int i = 0; i < 256; i++) rowlut[t * 256 + i] = l0[i] + py.a * (l1[i] - l0[i]);
        }
      }
      if (j->local.active) {
        es_local_pos py = es_local_position(y, ES_BLOCK, j->local.gh);
        es_local_row(&j->local, j->local.a, py, rowa);
        es_local_row(&j->local, j->local.b, py, rowb);
        es_local_row(&j->local, j->local.fade, py, rowf);
      }
      const float *yl_row = ry;
      if (j->local.active) {
        es_local_apply_row(&j->local, rowa, rowb, rowf, ry, row + 2 * (size_t)w, w, row + 3 * (size_t)w);
        yl_row = row + 2 * (size_t)w;
      }
      uint8_t *o = j->out->pixels + (size_t)y * j->out->stride;
      const uint8_t *src = in->pixels + (size_t)y * in->stride;
      if (j->color) {
        es_local_pos hy = es_local_position(y - a, 2, hh);
        const float *c0 = Coh + (size_t)hy.i0 * hw, *c1 = Coh + (size_t)hy.i1 * hw, *g0 = Cgh + (size_t)hy.i0 * hw, *g1 = Cgh + (size_t)hy.i1 * hw;
        for (int x = 0; x < hw; x++) { vco[x] = c0[x] + hy.t * (c1[x] - c0[x]); vcg[x] = g0[x] + hy.t * (g1[x] - g0[x]); }
        c0 = Coh0 + (size_t)hy.i0 * hw; c1 = Coh0 + (size_t)hy.i1 * hw; g0 = Cgh0 + (size_t)hy.i0 * hw; g1 = Cgh0 + (size_t)hy.i1 * hw;
        if (j->fine > 0.f)
          for (int x = 0; x < hw; x++) { vco0[x] = c0[x] + hy.t * (c1[x] - c0[x]); vcg0[x] = g0[x] + hy.t * (g1[x] - g0[x]); }
      }
      const float *srow = scaled ? Sch + (size_t)((y - a) / 2) * hw : NULL;
      const int16_t *fco = fine_co + (size_t)(y - y0) * w, *fcg = fine_cg + (size_t)(y - y0) * w;
      for (int x = 0; x < w; x++, o += c, src += c) {
        float yd = ry[x], yl = yl_row[x], yv = yl;
        if (j->local_contrast > 0.f) {
          float f = yl * 255.f;
          f = f < 0.f ? 0.f : f > 254.999f ? 254.999f : f;
          int i = (int)f;
          float t = f - (float)i;
          const float *l0 = rowlut + j->col[x].i0 * 256 + i, *l1 = rowlut + j->col[x].i1 * 256 + i;
          float v0 = l0[0] + t * (l0[1] - l0[0]), v1 = l1[0] + t * (l1[1] - l1[0]);
          float delta = v0 + j->col[x].a * (v1 - v0) - yl;
          /* equalising a bright tile pushes its top toward white: lifts fade out above 0.7 */
          if (delta > 0.f && yl > 0.7f) { float u = (yl - 0.7f) * (1.f / 0.3f); u = u > 1.f ? 1.f : u; delta *= 1.f - u * u * (3.f - 2.f * u); }
          yv = yl + j->local_contrast * delta;
        }
        if (j->color) {
          es_local_pos hx = j->half[x];
          float co = vco[hx.i0] + hx.t * (vco[hx.i1] - vco[hx.i0]), cg = vcg[hx.i0] + hx.t * (vcg[hx.i1] - vcg[hx.i0]);
          if (j->fine > 0.f) {
            float co0 = vco0[hx.i0] + hx.t * (vco0[hx.i1] - vco0[hx.i0]), cg0 = vcg0[hx.i0] + hx.t * (vcg0[hx.i1] - vcg0[hx.i0]);
            float tf = fine_t[(int)((yd < 0.f ? 0.f : yd > 1.f ? 1.f : yd) * 256.f)] * (srow ? srow[x >> 1] : 1.f);
            co += j->fine * fine_chroma(fco[x] * (1.f / FINE_SCALE) - co0, tf);
            cg += j->fine * fine_chroma(fcg[x] * (1.f / FINE_SCALE) - cg0, tf);
          }
          /* the denoised colour, then scaled by the luma change: chroma follows luminance, and
           * the scale stops where the brightest channel would pass white (hue kept, no clip) */
          float G = yd + cg, t = yd - cg, R = t + co, B = t - co;
          float mx = R > G ? (R > B ? R : B) : (G > B ? G : B);
          /* the region's gain in full (it is a gain in linear light, hue kept), CLAHE's within limits */
          float ratio = yl > 1e-3f ? yv / yl : 1.f;
          ratio = ratio < 0.5f ? 0.5f : ratio > 2.f ? 2.f : ratio;
          /* a pixel at black (its colour is noise) takes the region's lift as grey: scaled, it
           * would stay black among lifted neighbours */
          float add = yd > 1e-3f ? 0.f : (yl - yd) * ratio;
          ratio *= yd > 1e-3f ? yl / yd : 1.f;
          if (ratio > 1.f && mx * ratio > 1.f) ratio = mx > 1.f ? 1.f : 1.f / mx;
          R = R * ratio + add; G = G * ratio + add; B = B * ratio + add;
          o[0] = quantize(R); o[1] = quantize(G); o[2] = quantize(B);
        } else {
          o[0] = quantize(yv);
        }
        if (c == 2 || c == 4) o[c - 1] = src[c - 1]; /* alpha untouched */
      }
    }
  }
}

static void release(job_t *j) {
  es_clahe_free(&j->clahe);
  es_local_free(&j->local);
  free(j->denoise_scale); free(j->col); free(j->half);
  free(j);
}

/* The pool numbers a batch's strips from 0: the number picks the strip's buffer (one per
 * concurrent strip, reused from batch to batch) and, offset by the batch, the strip. */
typedef struct { job_t *j; size_t first; float **buffers; } batch_t;
static void strip_batch(void *arg, size_t i, size_t count) {
  batch_t *b = arg;
  for (size_t k = i; k < i + count; k++) strip(b->j, b->first + k, b->buffers[k]);
}

studio_status studio_enhance(studio_ctx *ctx, const studio_image *in, const studio_enhance_options *opt_in, studio_image *out) {
  if (!ctx || !in || !in->pixels || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_enhance: NULL argument") : STUDIO_E_ARGUMENT;
  out->pixels = NULL;
  if (in->channels < 1 || in->channels > 4 || in->width < 1 || in->height < 1)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "studio_enhance: invalid image (%dx%d, %d channels)", in->width, in->height, in->channels);
  studio_enhance_options opt;
  if (opt_in) opt = *opt_in; else studio_enhance_defaults(&opt);
  studio_status s = es_enhance_check(ctx, &opt);
  if (s) return s;
  if ((s = studio_image_alloc(ctx, in->width, in->height, in->channels, out))) return s;
  if (opt.strength == 0.f) { /* nothing asked: the input, exactly */
    for (int y = 0; y < in->height; y++) memcpy(out->pixels + (size_t)y * out->stride, in->pixels + (size_t)y * in->stride, (size_t)in->width * in->channels);
    return es_ok(ctx);
  }
  if (es_progress(ctx, "analyse", 0.f)) { studio_image_free(out); return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }

  job_t *j = calloc(1, sizeof *j);
  if (!j) { studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  j->in = in; j->out = out;
  j->color = in->channels >= 3;
  for (int i = 0; i < 256; i++) j->lin[i] = es_srgb_to_linear(i / 255.f);
  for (int i = 0; i <= CODE_N; i++) j->code[i] = es_linear_to_srgb((float)i / CODE_N);
  const size_t nblocks = (size_t)((in->width + ES_BLOCK - 1) / ES_BLOCK) * ((in->height + ES_BLOCK - 1) / ES_BLOCK);
  float *blocks = malloc(sizeof(float) * 3 * nblocks);
  j->col = malloc(sizeof(es_clahe_pos) * (size_t)in->width);
  j->half = malloc(sizeof(es_local_pos) * (size_t)in->width);
  if (!blocks || !j->col || !j->half) {
    free(blocks); free(j->col); free(j->half); free(j); studio_image_free(out);
    return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  }
  es_exposure e;
  es_exposure_analyse(in->pixels, in->width, in->height, in->stride, in->channels, j->lin, &e, blocks);
  j->tone = es_tone_plan(&e, opt.strength, opt.exposure);
  float black[3];
  es_black_level(blocks, nblocks, ES_BLACK_SHARE, black);
  plan_black(j, black, 0.f); /* nothing yet: black is known once the regions are (build_maps) */
  j->vibrance = ES_VIBRANCE * j->tone.effect;
  build_tables(j);
  /* A well-exposed photo gets no gain and, with it, none of the rest: the other stages act in
   * proportion to how much of a low-light image this is (manual denoising excepted). */
  float d = opt.denoise < 0.f ? 0.5f * j->tone.effect : opt.strength > 0.f ? opt.denoise : 0.f;
  j->k_luma = 4.f * d;
  j->k_chroma = 8.f * d;
  j->sharpen = opt.sharpen * j->tone.effect;
  estimate_noise(j);
  es_local_params lp = es_local_params_for(&opt, &j->tone, j->noise.luma[0]);
  int rc = build_maps(j, blocks, black, &lp, opt.strength, opt.denoise < 0.f, opt.tiles, opt.clip_limit);
  const float lifted = j->local.active ? fminf(j->local.p.shadows / ES_LOCAL_SHARE, 1.f) : 0.f;
  /* Equalising tiles lifts a photo's darker tiles toward mid-grey: detail found in a deep
   * shadow, haze on a photo that was only a little dark. So it eases in with the stops, and the
   * shadows that local exposure lifts want it however little the whole needs. */
  j->local_contrast = opt.local_contrast * j->tone.effect * fmaxf(contrast_need(j->tone.stops), lifted);
  /* Colour finer than 2x2 pixels matters on a photo left nearly as it was (its colour edges
   * were never blurred, and are not now); on one brightened a stop or more, as a whole or by
   * local exposure, it is mostly noise that the garrote removes (LOL, FiveK: no score moved;
   * 1.2x the time on a clean 12 MP photo), so there it is not computed. */
  if (j->color) j->fine = (1.f - es_smoothstep(ES_FINE_EFFECT0, ES_FINE_EFFECT1, j->tone.effect)) * (1.f - lifted);
  free(blocks);
  if (rc) { release(j); studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
  if (j->denoise_scale) { j->k_luma = 4.f * 0.5f; j->k_chroma = 8.f * 0.5f; } /* the scale carries the effect, pixel by pixel */
  for (int x = 0; x < in->width; x++) {
    j->col[x] = es_clahe_position(j->clahe.tx, x, in->width);
    j->half[x] = es_local_position(x, 2, (in->width + 1) / 2);
  }

  const size_t strips = ((size_t)in->height + STRIP - 1) / STRIP;
  size_t batch = (size_t)studio_threads(ctx);
  if (batch > strips) batch = strips;
  float *buffers[64] = {0};
  if (batch > 64) batch = 64;
  studio_status result = STUDIO_OK;
  for (size_t k = 0; k < batch; k++)
    if (!(buffers[k] = malloc(sizeof(float) * strip_floats(in->width, in->height, j->clahe.tx, j->local.gw, j->fine > 0.f)))) atomic_store(&j->failed, 1);
  for (size_t first = 0; first < strips && !atomic_load(&j->failed); first += batch) {
    if (es_progress(ctx, "enhance", (float)first / strips)) { result = es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); break; }
    batch_t bt = {j, first, buffers};
    es_parallel_tiles(ctx->pool, first + batch <= strips ? batch : strips - first, 1, strip_batch, &bt);
  }
  for (size_t k = 0; k < batch; k++) free(buffers[k]);
  int failed = atomic_load(&j->failed);
  release(j);
  if (result) { studio_image_free(out); return result; }
  if (failed) { studio_image_free(out); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while enhancing a %dx%d image", in->width, in->height); }
  es_progress(ctx, "enhance", 1.f);
  return es_ok(ctx);
}
