/* enhance.h - the low-light enhancer's stages (not public). Each stage is a small pure
 * function over plain arrays; pipeline.c alone decides strips, threads and memory.
 *
 * Domains: "linear" is linear-light RGB in 0..1 (after the sRGB curve is undone);
 * "coded" is sRGB-encoded 0..1, where photon noise has roughly the same size at every level,
 * so the denoiser can work there with one noise profile; luma/chroma there are YCoCg:
 *   Y = (R + 2G + B) / 4,  Co = (R - B) / 2,  Cg = (2G - R - B) / 4 (exactly invertible). */
#ifndef STUDIO_ENHANCE_H
#define STUDIO_ENHANCE_H

#include <stddef.h>
#include <stdint.h>

#include "../api/studio.h"
#include "../core/smooth.h"


/* ---- exposure analysis (analysis.c) ---- */
typedef struct {
  float log_average;   /* exp(mean(log(Y + 1e-4))) of linear luminance */
  float p50, p99, p999;/* percentiles of linear luminance */
  float bright99;      /* 99th percentile of the brightest channel: the bright areas' level */
  float bright;        /* 99.9th percentile of the brightest channel: the highlights' level */
  float peak;          /* 99.99th percentile of the brightest channel: what must not clip */
} es_exposure;

/* Luminance statistics from 4x4 block means (noise averaged down), any channel count.
 * lin: the 8-bit -> linear table. blocks (may be NULL): receives the linear RGB block means,
 * ceil(w/4) x ceil(h/4) x 3 floats, for later whole-image passes. */
#define ES_BLOCK 4
void es_exposure_analyse(const uint8_t *px, int w, int h, size_t stride, int channels, const float lin[256], es_exposure *out,
                         float *blocks);
/* The colour of black: the mean linear RGB of the darkest share q of n blocks (by luminance). */
void es_black_level(const float *blocks, size_t n, float q, float out[3]);

/* ---- the pipeline's own decisions (pipeline.c): black, contrast, colour ----
 * Chosen on the real pairs of tools/studio eval lowlight (LOL dev, FiveK dev) with a dark
 * colour chart (tests/c/test_dark_colour.c) and the synthetic protocols held. */
#define ES_BLACK_SHARE 0.01f   /* black's colour: the mean of this share of the darkest 4x4 blocks */
#define ES_CAST_DARK0 (6.f / 255.f)  /* black's colour is the camera's (a cast, removed) while black is under this code ... */
#define ES_CAST_DARK1 (20.f / 255.f) /* ... and scene colour, kept, from this code up */
#define ES_CAST_MAX (1.f / 255.f)    /* the most a cast takes off a channel (a code at black, LOL's size): more colour than that is a dark object's own */
#define ES_BLACK_POINT 0.75f   /* 0..1: share of black's level taken off a mildly dark photo (no lifted blacks, no haze) */
#define ES_CONTRAST_STOPS0 1.5f /* local contrast (CLAHE) comes in with the stops a photo needs, from here ... */
#define ES_CONTRAST_STOPS1 2.5f /* ... fully from here, as the black point goes: a retoucher's levels for a photo a */
                                /* little dark, detail pulled out of deep shadow for a very dark one */
#define ES_VIBRANCE 0.5f       /* 0..1: chroma gain at full effect for pale colours ... */
#define ES_VIBRANT 0.15f       /* ... halved at this chroma/luma (coded), none for strong colours */
#define ES_FINE_EFFECT0 0.3f   /* colour finer than 2x2 kept in full up to this low-light effect ... */
#define ES_FINE_EFFECT1 0.9f   /* ... none from here */
#define ES_EDGE_SIGMAS 3.f     /* a luma detail is an edge from about this many sigmas of its noise ... */
#define ES_EDGE_KEEP 0.8f      /* ... and there the chroma denoiser's threshold drops by this share */

/* ---- brightening (tone.c) ---- */
typedef struct {
  float gain;   /* linear-light gain, >= 1 */
  float lift;   /* shadow lift a >= 0: m -> m (1 + a) / (1 + a m) after the gain (0 = none) */
  float knee;   /* luminance above which highlights roll off */
  float white;  /* gained luminance that maps to 1 (roll-off end); <= knee means no roll-off */
  float effect; /* 0..1: how much of a low-light image this is (scales the other stages) */
  float stops;  /* how many stops of brightening the scene needs (effect eases in from it) */
  float key_deficit; /* stops the log-average still lacks of the target after the gain (before the lift) */
} es_tone;

es_tone es_tone_plan(const es_exposure *e, float strength, float target);
/* How much of a low-light treatment (0..strength) a need of `stops` of brightening calls for. */
float es_tone_effect(float stops, float strength);
/* The curve on the gained brightest channel: the shadow lift, then identity below the knee
 * and a smooth shoulder to 1 above. Monotonic; the identity when gain is 1 and lift 0. */
float es_tone_curve(const es_tone *t, float y);
/* One pixel: linear RGB in -> brightened linear RGB out. The curve runs on the brightest
 * channel and all three scale alike, so hue and saturation are kept and nothing leaves the
 * gamut: a bright orange lamp rolls off as orange, not toward white. */
void es_tone_pixel(const es_tone *t, const float in[3], float out[3]);

/* ---- local exposure (local.c) ---- */
#define ES_LOCAL_LO (-16.f)       /* log2 of the darkest linear level the stage tells apart */
#define ES_LOCAL_FLOOR_FADE 0.4f  /* stops above the noise floor over which the lift fades in */
typedef struct {
  float shadows;    /* 0..ES_LOCAL_SHARE: share of a dark region's deficit (stops below target) that is lifted */
  float backlit;    /* auto only (else 0): the share a backlit photo takes, decided on the grid (es_local_plan) */
  float highlights; /* 0..1: share of a bright region's excess (stops above bright) held back */
  float target;     /* log2 linear luminance dark regions are lifted toward (at most) */
  float range;      /* stops under the bright regions' level that dark regions are lifted toward */
  float bright;     /* log2 linear luminance above which regions are held back */
  float floor;      /* log2: regions at or below it are noise or black, not scene, and stay as they are */
  float black;      /* log2: black, what ES_LOCAL_BLACK_LEVEL became after the scene's tone */
  float max_stops;  /* the most a region is lifted */
  float radius;     /* the guided filter's box radius, a share of the grid's long side */
  float eps;        /* its regularisation, stops^2: steps larger than about sqrt(eps) stop the smoothing */
} es_local_params;

typedef struct {
  es_local_params p;
  int gw, gh;                         /* the grid: 4x4 blocks of the image */
  int active;                         /* 0: no region takes a gain, the stage is skipped */
  float backlit;                      /* 0..1: how far the photo is backlit (its dark regions far under the target) */
  float *a, *b;                       /* [gh][gw] the guided filter's mean coefficients */
  float *gain;                        /* [gh][gw] log2 gain of each block's region (the denoiser follows it) */
  float *fade;                        /* [gh][gw] 0..1: how far the region stands above the noise floor (its lift's share) */
} es_local;

/* Inner settings, chosen on the uneven-light protocol (tools/studio eval lowlight, Kodak)
 * with the uniform one and well-exposed photos held, and checked on DICM and LIME. */
#define ES_LOCAL_SHARE 0.85f      /* auto's share of a deficit, and shadows = 1's */
#define ES_LOCAL_STOPS0 0.3f      /* auto acts on photos needing this many stops or more ... */
#define ES_LOCAL_STOPS1 0.9f      /* ... fully from here (as the other stages' effect does) */
#define ES_LOCAL_SHORT0 0.5f      /* and whose key is this many stops short after the gain ... */
#define ES_LOCAL_SHORT1 1.5f      /* ... fully from here */
#define ES_LOCAL_BACKLIT0 2.f     /* or, backlit: whose dark regions lie on average this many stops under the target ... */
#define ES_LOCAL_BACKLIT1 3.f     /* ... fully from here (real backlit photos 2.7-3.6, well-exposed Kodak at most 2.0) */
#define ES_LOCAL_BACKLIT_AREA 0.1f /* and cover at least this share of the frame */
#define ES_LOCAL_TARGET 0.12f     /* dark regions are lifted toward this linear level at most ... */
#define ES_LOCAL_RANGE 2.f        /* ... or to this many stops under the bright regions' level, if lower */
#define ES_LOCAL_TOP 0.95f        /* the bright regions' level: this quantile of the regions' levels */
#define ES_LOCAL_BRIGHT 0.35f     /* highlights hold back regions above this linear level */
#define ES_LOCAL_BLACK_LEVEL (6.f / 255.f) /* black: this input level (coded) after the scene's tone */
#define ES_LOCAL_FLOOR_SIGMAS 1.0f /* the noise floor: this many sigmas of the noise at black */
#define ES_LOCAL_MAX_STOPS 4.f    /* the most a region is lifted */
#define ES_LOCAL_RADIUS 0.12f     /* the filter's box radius, a share of the grid's long side */
#define ES_LOCAL_EPS 2.f           /* its eps, stops^2: steps of more than about 1.4 stops are kept */
/* The grid from the coded luma of each block (gw x gh, after the scene's gain): 0, or -1 out
 * of memory. With shadows, backlit and highlights all 0 only the tables are made. */
int es_local_plan(es_local *l, const es_local_params *p, const float *coded_luma, int gw, int gh);
void es_local_free(es_local *l);
/* The stage's settings for these options, this scene's gain and the noise at black (coded). */
es_local_params es_local_params_for(const studio_enhance_options *o, const es_tone *t, float noise_black);
/* Where row (or column) y of an image `factor` times finer than a grid (4: the image over the
 * block grid, 2: over its half resolution) falls between the grid's centres, and one grid row interpolated there (row: gw
 * floats); then such a row enlarged along x (n values). Both bilinear between centres. */
typedef struct { int i0, i1; float t; } es_local_pos;
es_local_pos es_local_position(int y, int factor, int n_grid);
void es_local_row(const es_local *l, const float *grid, es_local_pos py, float *row);
void es_local_upsample_row(const float *grid_row, int gw, float *out, int n, int factor);

/* A region's log2 gain at smoothed log2 level s, its lift scaled by fade (0..1). Branch-free. */
static inline float es_local_gain(const es_local_params *p, float s, float fade) {
  float lift = p->shadows * (p->target - s);
  lift = lift < 0.f ? 0.f : lift > p->max_stops ? p->max_stops : lift;
  float over = s - p->bright;
  return lift * fade - p->highlights * (over > 0.f ? over : 0.f);
}
/* Coded luma -> log2 of its linear level (floored at ES_LOCAL_LO), and back. */
float es_local_log2(float coded);
float es_local_coded(float log2_lin);
/* n pixels of one row: coded luma in -> coded luma with their regions' gains out. rowa, rowb,
 * rowf: the grid's a, b and fade interpolated at this row (es_local_row); tmp: 3n floats. */
void es_local_apply_row(const es_local *l, const float *rowa, const float *rowb, const float *rowf, const float *in, float *out, int n,
                        float *tmp);

/* ---- noise profile (noise.c) ---- */
#define ES_NLF_BINS 16
typedef struct {
  float luma[ES_NLF_BINS];   /* sigma of coded luma noise, by coded-luma level */
  float chroma[ES_NLF_BINS]; /* sigma of coded chroma (Co, Cg pooled) noise, same bins */
} es_noise;

/* Robust noise estimate on rows of coded YCoCg (three planes, w wide, 3 rows centred on the
 * sampled row): accumulates into an estimator; es_noise_finish turns it into a profile. */
typedef struct es_noise_acc es_noise_acc;
es_noise_acc *es_noise_acc_new(void);
void es_noise_acc_row(es_noise_acc *a, const float *y[3], const float *co[3], const float *cg[3], int w);
void es_noise_finish(es_noise_acc *a, es_noise *out); /* frees a */
/* The profile at a level, interpolated between bin centres. Inline: it runs per pixel. */
static inline float es_noise_at(const float *p, float v) {
  float f = v * ES_NLF_BINS - 0.5f;
  if (f <= 0.f) return p[0];
  if (f >= ES_NLF_BINS - 1) return p[ES_NLF_BINS - 1];
  int i = (int)f;
  return p[i] + (f - (float)i) * (p[i + 1] - p[i]);
}

/* ---- local contrast (clahe.c) ---- */
typedef struct {
  int tx, ty;        /* grid */
  float *lut;        /* [ty][tx][256] mapping of coded luma 0..1 */
} es_clahe;

/* Build the tile mappings from a plane (any resolution; its tiles cover the same image). */
int es_clahe_build(es_clahe *c, const float *plane, int w, int h, size_t stride, int tiles_x, int tiles_y, float clip_limit);
/* Where pixel coordinate x (of an image n wide) falls between tile centres: the two tiles
 * and the weight of the second. The same for rows. Computed once per column or row. */
typedef struct { int i0, i1; float a; } es_clahe_pos;
es_clahe_pos es_clahe_position(int tiles, int x, int n);
/* Map value v at a pixel: bilinear between the four tile mappings around it. Inline: it
 * runs per pixel. */
static inline float es_clahe_map(const es_clahe *c, float v, es_clahe_pos px, es_clahe_pos py) {
  float f = v * 255.f;
  f = f < 0.f ? 0.f : f > 254.999f ? 254.999f : f;
  int i = (int)f;
  float t = f - (float)i;
  const float *l00 = c->lut + ((size_t)py.i0 * c->tx + px.i0) * 256 + i, *l01 = c->lut + ((size_t)py.i0 * c->tx + px.i1) * 256 + i;
  const float *l10 = c->lut + ((size_t)py.i1 * c->tx + px.i0) * 256 + i, *l11 = c->lut + ((size_t)py.i1 * c->tx + px.i1) * 256 + i;
  float v00 = l00[0] + t * (l00[1] - l00[0]), v01 = l01[0] + t * (l01[1] - l01[0]);
  float v10 = l10[0] + t * (l10[1] - l10[0]), v11 = l11[0] + t * (l11[1] - l11[0]);
  float top = v00 + px.a * (v01 - v00), bot = v10 + px.a * (v11 - v10);
  return top + py.a * (bot - top);
}
void es_clahe_free(es_clahe *c);

/* ---- denoising and sharpening (wavelet.c) ---- */
typedef struct {
  int levels;           /* 1..5 */
  float k;              /* threshold in multiples of the level's noise sigma (0 = no denoising) */
  const float *profile; /* ES_NLF_BINS sigmas by coded-luma level, or NULL with sigma */
  float sigma_scale;    /* multiplies the profile (e.g. 0.5 for a half-resolution plane) */
  float sharpen;        /* extra gain on levels 0-1 details that stand clear of the noise */
  const float *scale;   /* per pixel, or NULL: multiplies the threshold where a region is lifted
                           locally, since its noise is lifted with it */
  int scale_half;       /* 0: scale is the plane's size; 1: half of it each way (one value per 2x2) */
  const float *edges;   /* levels planes of the plane's size, or NULL: where a guide (luma) has an edge of
                           its own at that level, 0..1 (es_wavelet_edges) */
  float edge_keep;      /* 0..1: how much of the threshold an edge of the guide takes off there */
} es_shrink;

/* In-place à trous (B3-spline) wavelet shrinkage of a w x h plane. guide (same size, or NULL
 * for the plane itself) gives the level at which noise is looked up. scratch: 4*w*h floats. */
void es_wavelet_denoise(float *plane, const float *guide, int w, int h, const es_shrink *s, float *scratch);
/* Chroma denoised alone loses the colour of every object smaller than the coarsest level;
 * where luma has an edge of its own at that place and level, a chroma edge is most likely
 * real. This gives, per level, d^2 / (d^2 + (k sigma)^2) of the guide's detail d against its
 * noise (s: the guide's levels, k, profile and sigma_scale). edges: levels planes of w x h;
 * scratch: 3*w*h floats. */
void es_wavelet_edges(const float *guide, int w, int h, const es_shrink *s, float *edges, float *scratch);

#endif
