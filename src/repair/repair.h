/* repair.h - the dust-and-scratch repairer's stages (not public): a window's masked pixels
 * filled by fast marching with coherence transport (fill.c), wide holes filled with texture
 * by multi-scale PatchMatch (patch.c), defects found on the luminance (detect.c); repair.c
 * alone decides tiles, holes, threads and progress.
 *
 * The fill (Bornemann & Maerz 2007, "coherence transport"): pixels are filled in the order
 * of their distance from the hole's edge (fast marching, as Telea 2004), each as a weighted
 * mean of the known or already filled pixels within `radius`; the weight of a neighbour at
 * offset d is 1/|d| times exp(-mu^2 coh / (2 radius^2) (c_perp . d)^2), c the direction
 * of the isophotes around the pixel (the structure tensor of the known pixels' gradients),
 * coh its coherence: along an edge or a line the fill continues it instead of blurring it,
 * in flat or random texture it is Telea's isotropic mean. */
#ifndef STUDIO_REPAIR_H
#define STUDIO_REPAIR_H

#include <stdint.h>
#include <pthreadpool.h>
#include "../api/studio.h"

/* ---- tunables: range, default, why ---- */
#define ES_REPAIR_TILE 128      /* 32..512, 128: the heal's tile side; only tiles holding mask pixels are worked */
#define ES_REPAIR_MARGIN 24     /* 8..64, 24: context read around a tile (radius + the tensor's reach; cut to the tile's mask box and that reach), and the least read around a wide hole */
#define ES_REPAIR_MU 18.f       /* 5..50, 18: how sharply the fill follows the isophotes (Bornemann & Maerz's mu) */
#define ES_REPAIR_RHO 3         /* 2..8, 3: the structure tensor's Gaussian sigma, pixels */
#define ES_REPAIR_ROUND 8       /* tiles (then wide holes) per parallel round: progress and cancellation between rounds */

/* Wide holes (patch.c): the mask's parts too wide for the smooth fill get texture */
#define ES_REPAIR_WIDE 6        /* 3..12, 6: a hole is wide where a (2 x 6 + 1) px square of mask fits, i.e. over 12 px across (the eval's drawn defects are at most ~6 px wide: thin defects keep the fast-marching fill, better there); its rim, mask within 2 x 6 px of such a square's centre, goes with it */
#define ES_REPAIR_REACH 1.5f    /* 0.5..4, 1.5: the sources' window reaches this many times the hole's width (at least ES_REPAIR_MARGIN) around it: a window ~4x the hole, local texture only (1: bits of shutter in kodim08's wall; 2.5: a brown blob there) */
#define ES_PATCH_RADIUS 3       /* 2..5, 3: patches of 7 x 7 px (4: no visible change, slower) */
#define ES_PATCH_GRAD 2.f       /* 0..4, 2: the luminance gradient's weight beside the colour in a patch's distance (0 and 1: bits of shutter copied into kodim08's wall; 4: colour fringes along its edge) */
#define ES_PATCH_LEVELS 6       /* the pyramid's levels at most */
#define ES_PATCH_COARSE 4       /* 2..8, 4: halve while the hole's half-width stays at least this (px) at the coarser level (2: a whole shutter copied into kodim08's wall; 6: a grey-blue blob in kodim01's bricks) */
#define ES_PATCH_EM_COARSE 8    /* 2..20, 8: votes at the coarsest level, where the structure settles (16: no better)... */
#define ES_PATCH_EM 3           /* 1..8, 3: ...and at each finer level (6: no better) */
#define ES_PATCH_PM 2           /* 1..6, 2: PatchMatch sweeps per vote, twice that for the first (4: no better) */

/* Detection */
#define ES_DETECT_SMALL 5       /* the two closings' square sides: lines up to ~3 px wide... */
#define ES_DETECT_LARGE 11      /* ...and up to ~8 px; a structure wider than this is the photo's own */
#define ES_DETECT_BLOCK 32      /* 16..128, 32: blocks for the local statistics of the top-hat response (busy texture raises its own threshold; 64: F1 0.45, false area 0.79 %; 16: 0.46, 0.56 %, recall 0.41) */
#define ES_DETECT_TEXTURE 1.5f  /* 1..3, 1.5: the threshold is at least this times the block's 90th percentile (textures of thin lines) */
#define ES_DETECT_AROUND 8      /* px: the neighbourhood of a component searched for others */
#define ES_DETECT_CROWD 0.3f     /* a component with more than this times its area of other candidates around it is texture */
#define ES_DETECT_BORDER 3      /* px: a component mostly this close to the photo's edge is its frame */
#define ES_DETECT_FLOOR 80.f    /* 4..120, 80: no defect stands out by fewer levels than this (the damage is 0..40 or 200..255 at opacity >= 0.6; 40: F1 0.42, false area 1.1 %; 110: 0.37, 0.77 %) */
#define ES_DETECT_K0 100.f      /* threshold in robust sigmas at sensitivity 0 (20 at the default 0.5; 12.6 there: F1 0.45, false area 0.80 %)... */
#define ES_DETECT_K1 4.f        /* ...and at 1 (geometric between) */
#define ES_DETECT_MAX_WIDTH 6.f /* a line's mean width (2 area / perimeter), px */
#define ES_DETECT_ELONG 4.f     /* a line's length over its width, at least */
#define ES_DETECT_SPECK 20      /* a speck's area at most, px (a 5 px disc) */
#define ES_DETECT_EDGE 1.5f      /* a component whose surroundings' gradient (closed image) exceeds this many times its contrast per px is an edge's, not a defect */

/* Fill the masked pixels of a window in place: px is w x h x ch floats (ch 1 or 3), mask
 * w x h (non-zero: to fill; every other pixel is known). radius in pixels; mu 0 gives
 * Telea's isotropic weights. Scratch memory is allocated here; returns 0, or -1 out of memory. */
int es_repair_fill(float *px, int w, int h, int ch, const uint8_t *mask, int radius, float mu);

/* Fill the FILL pixels (mask 1) of a window in place with texture from its KNOWN pixels
 * (mask 0) by multi-scale PatchMatch over the pool; mask 2 marks other damaged pixels, kept
 * as they are (already filled) and never a source. px as es_repair_fill's, every masked pixel
 * already filled by it (the start); depth: es_repair_depth of the FILL pixels; seed: the
 * random streams (the same seed, the same output, whatever the threads). tick (or NULL) is
 * called on the calling thread after each vote with the fraction done; non-zero cancels.
 * Returns 0, 1 when the window holds no source patch (px unchanged), 2 cancelled (px partly
 * changed), or -1 out of memory. */
typedef int (*es_patch_tick)(void *arg, float fraction);
int es_repair_patch(pthreadpool_t pool, float *px, int w, int h, int ch, const uint8_t *mask, int depth, uint64_t seed,
                    es_patch_tick tick, void *tick_arg);

/* The largest chessboard distance of a mask pixel (non-zero) from the nearest pixel outside
 * the mask or the window: half the hole's width. -1 out of memory. */
int es_repair_depth(const uint8_t *mask, int w, int h);

/* Detection on a luminance plane (w x h, 0..255): writes mask (w x h, 255 = defect). The
 * image's pool runs the per-row stages. Returns 0, or -1 out of memory. */
int es_repair_detect(pthreadpool_t pool, const float *lum, int w, int h, float sensitivity, int grow, uint8_t *mask);

#endif
