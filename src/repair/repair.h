/* repair.h - the dust-and-scratch repairer's stages (not public): a window's masked pixels
 * filled by fast marching with coherence transport (fill.c), wide holes filled with texture
 * by multi-scale PatchMatch (patch.c), defects found on the luminance (detect.c); repair.c
 * alone decides tiles, holes, threads and progress.
 *
 * The fill (Bornemann & Maerz 2007, "coherence transport"): pixels are filled in the order
 * of their distance from the hole's edge (fast marching, as Telea 2004), each as a weighted
 * mean of the known or already filled pixels within `radius`; the weight of a neighbour at
 * offset d is 1/|d|^3 (Bornemann & Maerz: 1/|d|) times exp(-mu^2 coh / (2 radius^2) (c_perp . d)^2), c the direction
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
#define ES_REPAIR_MU 18.f       /* 5..50, 18: how sharply the fill follows the isophotes (Bornemann & Maerz's mu; with ES_REPAIR_FALL 3, dev thin PSNR in the true mask: 10 27.36, 14 27.86, 18 27.97, 24 27.89, 30 27.74 dB) */
#define ES_REPAIR_FALL 3.f      /* 1..5, 3: a neighbour's weight falls as 1/|d|^this. Bornemann & Maerz's 1/|d| gives every ring of the disc the same total weight, so a 1-3 px defect took as much from 5 px away as from its edge. Dev (Kodak) thin / crack PSNR in the true mask: 1 27.57 / 29.37, 1.5 27.77 / 29.54, 2 27.91 / 29.65, 3 27.97 / 29.71, 4 27.88 / 29.62, 5 27.76 / 29.49 dB; held-out at 3 25.99 / 28.35 (at 1 25.37 / 27.95; NS 24.63 / 25.57) */
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

/* Detection (tuned on Kodak with tools/eval/repair_protocol.py's damage; figures: dev F1 and false
 * area on the clean originals at the default sensitivity, one run each, each measured at the step
 * it was tuned in (the final figures: src/repair/README.md)) */
#define ES_DETECT_RADIUS 3         /* 2..5, 3: the top-hat's square is 2r+1 = 7 px: defects up to ~5 px wide (a 4 px scratch, anti-aliased) */
#define ES_DETECT_BLOCK 32         /* 16..128, 32: blocks for the local statistics of the top-hat (busy texture raises its own threshold; so does a block a wide scratch or crack covers a tenth of, but 48: F1 0.620, false area 0.236 %; 64: 0.614, 0.318 %; each block's threshold the median of its 3 x 3 blocks: 0.601, 0.444 %, the texture's edges lost) */
#define ES_DETECT_TEXTURE 1.25f    /* 1..3, 1.25: the threshold is at least this times the block's 90th percentile of the top-hat (textures of thin lines). 1.5 before the verdict by trees; with them (fitted on Kodak and the other photos, each refitted, cross-validated recall at a clean area of 0.023 % / held-out F1 and false area at P 0.6): 1.5 0.491 / 0.620, 0.037 %; 1.25 0.512 / 0.634, 0.040 %; 1.0 0.504 (at P 0.7) / 0.623, 0.044 % (at 0.6). With 1.25, a floor of 30: 0.633, 0.044 %; 2.5 robust sigmas at the default: 0.639, 0.032 % but the cross-validated clean area 0.028 % at 0.6; a speck's seed 1.25x: 0.636, 0.036 % (0.027 %); trees of 16 leaves, 300 of them: 0.633, 0.042 % at 0.75, where their clean area is 0.023 % */
#define ES_DETECT_FLOOR 40.f       /* 20..80, 40: no defect stands out by fewer levels than this (20: F1 0.57, false area 0.51 %; 30: 0.58, 0.44 %; 45 before the depth test (the seeds at least half as deep as their room; now one of the verdict's features). With it, 45: 0.621, 0.145 %, held-out 0.500, 0.141 %; 40: 0.625, 0.145 %, held-out 0.514, 0.143 %) */
#define ES_DETECT_K0 9.f           /* threshold in robust sigmas (1.4826 MAD of the block's top-hat) at sensitivity 0 (3 at the default 0.5: 2 gave F1 0.575, 4 0.576)... */
#define ES_DETECT_K1 1.f           /* ...and at 1 (geometric between) */
/* Over the default sensitivity the shape tests ease too, linearly from their defaults at 0.5
 * to these at 1 (detect.c's params_for): more sensitivity finds shorter, fainter and shallower
 * defects, which the user then checks on the mask */
#define ES_DETECT_FLOOR_HI 20.f    /* the floor (ES_DETECT_FLOOR) at sensitivity 1, levels */
#define ES_DETECT_SEEDS_HI 12      /* a line's seeds (ES_DETECT_SEEDS) at 1 */
#define ES_DETECT_LENGTH_HI 30.f   /* a line's extent (ES_DETECT_LENGTH) at 1, px */
#define ES_DETECT_ASYM 0.5f        /* 0..1, 0.5: a profile's contrast is the darker side's (dark defect) less this times the sides' difference: an edge's halo or a line along an edge has unlike sides (0.3: F1 0.587, false area 0.53 %; 0.8: 0.572, 0.32 %) */
#define ES_DETECT_ORIENT 12        /* 4..16, 12: orientations of the profiles and of the line support (8: F1 0.566, recall 0.48 against 0.52; at most 16: the best one's index takes 4 bits of a candidate's byte) */
#define ES_DETECT_SUPPORT_SEED 0.7f /* 0.5..0.9, 0.7: a line's seed has at least this mean min(score, 1) over 7 samples 2 px apart along its best orientation (0.8: F1 0.578)... */
#define ES_DETECT_SUPPORT_GROW 0.5f /* ...and a pixel it grows over at least this (0.4: F1 0.553) */
/* (Hysteresis, not kept: from the kept lines, grown over pixels with score >= 0.25, support >= 0.3
 * and a depth of 0.5 each, where the orientations agree: cracks' faint stretches, crack recall 0.67
 * -> 0.74, F1 0.625 -> 0.647, false area 0.145 -> 0.154 %; with line mean 0.7 and crowding 0.015
 * 0.647, 0.142 %, but held-out false area 0.143 -> 0.152 % (growth at most 5 px: 0.147 %, F1 0.623):
 * the photo's own kept lines grow too.) */
#define ES_DETECT_LINK 2           /* 1..3, 2: a line's pixels join within this many px (fragments of a crack across a low-contrast stretch; 3 with the trees refitted: cross-validated clean area 0.030 % at P 0.6, held-out F1 0.632 at a false area of 0.063 %, against 0.634 and 0.040 %) */
#define ES_DETECT_AGREE 3          /* 0..6, 3: ...and only where their best orientations differ by at most this many of the ES_DETECT_ORIENT steps (3: 45 degrees): a scratch crossing the photo's own thin lines (posts, window frames) is judged apart from them; clutter for the crowding test is still judged on the components joined whatever the orientations, or the crossed lines' pieces would crowd the scratch. 1: F1 0.596, false area 0.230 %; 2: 0.607, 0.223 %; 3: 0.608, 0.220 %; 4: 0.607, 0.226 %; off 0.604, 0.242 % (all with ES_DETECT_LINE_MEAN 0.7) */
#define ES_DETECT_MAX_WIDTH 6.f    /* a line's mean width (2 area / perimeter), px */
#define ES_DETECT_LENGTH 30.f      /* 15..60, 30: a line's extent (its box's diagonal), px, at least */
#define ES_DETECT_SEEDS 50         /* 10..100, 50: a line's seed pixels, at least (30: F1 0.579, false area 0.45 %; 20: 0.574, 0.54 %; 80: 0.557, 0.24 %; 10-20 find more of the real scan b's short cracks. With the depth test: 40 0.624, 0.184 %; 30 0.624, 0.209 %; for bright lines only 30 0.619, 0.188 %. Scaled with the photo's diagonal, 50 at Kodak's 923 px: dev the same, held-out (481 x 321, 31 seeds) F1 0.514 -> 0.543 but false area 0.143 -> 0.219 %; on the real scan b (256 px, 20 seeds) two more of the corners' short cracks, the face untouched) */
#define ES_DETECT_LINE_MEAN 0.65f  /* 0.6..0.8, 0.65: a line's mean line support, at least (before ES_DETECT_AGREE, 0.65: F1 0.595, false area 0.36 %; 0.7: 0.604, 0.242 %; 0.75: 0.545, 0.24 %. With it the components are purer, and 0.65 is better: 0.619, 0.227 % against 0.608, 0.220 % at 0.7; 0.6 the same as 0.65) */
#define ES_DETECT_SPECK 30         /* a speck's area at most, px (a 6 px disc) */
#define ES_DETECT_SPECK_K 1.5f     /* a speck's seed: top-hat at least this times the threshold (2: F1 0.585; 3: 0.570) */
/* (Specks by their worst orientation, not kept: a speck's seed also at least 1.5 times the threshold
 * in every profile orientation and its pixels 0.5, the clutter around it only candidates scoring
 * 0.1 in every orientation, so dust is no longer joined to the texture it lies on: dust recall
 * 0.22 -> 0.32, F1 0.625 -> 0.638, false area 0.145 -> 0.152 %, held-out 0.514 -> 0.526,
 * 0.143 -> 0.156 %; but it flags kodim15's catchlight in the eye (an isolated bright speck once
 * the iris's texture no longer counts). Counting every top-hat candidate as clutter again, the
 * speck's own halo excepted: dust recall 0.20-0.22, no gain.) */
#define ES_DETECT_DEPTH_SOFT 8.f   /* levels added to the room: a dark background's noise does not make a shallow dip deep */
#define ES_DETECT_BORDER 8         /* px: a component mostly this close to the photo's edge is its frame (3: F1 0.588, false area 0.36 %, and the real scan c's frame line flagged) */
#define ES_DETECT_EDGE 1.5f        /* a component whose background's gradient exceeds this times its contrast / 11 px is along an edge, not a defect */
#define ES_DETECT_SAT_FLOOR 40   /* colour is judged by saturation, (max - min) / max of R, G, B, with max taken as at least this (dark pixels' noise) */
#define ES_DETECT_TINT_MIN 12.f    /* 0..40, 12: colour: surroundings with a mean saturation (x 255) under this say nothing (grey, faded; 6: F1 0.605, 0.24 %; 20: 0.609, 0.26 %)... */
#define ES_DETECT_TINT 1.f         /* 0.8..1.5, 1: ...over it, a candidate more saturated than this times its surroundings is the photo's: a defect does not take the photo's colour (dust and hair are grey, a crack shows the paper). 0.8: F1 0.567, 0.19 %; 1.2: 0.604, 0.31 %; off: 0.58, 0.32 % */
/* (The same test per pixel, before the components, against the non-candidates of a 13 px square,
 * was tried and not kept: ratio 1, dev F1 0.606, 0.242 %, held-out 0.497, 0.179 % (about even);
 * 0.6, 0.541, 0.260 % and 0.448, 0.291 %: the eval's semi-transparent dark damage keeps its
 * surroundings' saturation as a photo's darker line of its own colour does. src/repair/README.md.) */

/* The verdict. Each component (every line; specks of at most ES_DETECT_SPECK_MAX px) is
 * described by ES_DETECT_FEATURES numbers (detect.c's features(): its size, seeds, box, the
 * clutter and other-polarity candidates among its probes, the colour test, the seeds' depth,
 * contrast, background gradient, line support, width, extent, frame, the shape tests' verdict)
 * and scored by gradient-boosted trees fitted on synthetic damage (src/repair/detect_model.h,
 * written by tools/eval/fit_detect.py: Kodak, DICM, LOL's normal-light and the retouch set's
 * photos with three damage seeds other than the eval's, and the clean originals; a component
 * with no seed is not scored, and never kept). A component is kept when its probability of being damage is at
 * least ES_DETECT_P, from ES_DETECT_P_LO at sensitivity 0 to ES_DETECT_P_HI at 1 (linear in
 * the log-odds on each side of 0.5). The hand-set thresholds it replaced (clutter 2 %, the
 * speck's 2 % and 5 %, the seeds' depth 0.5, the colour test as a veto) gave dev F1 0.625 at
 * a false area of 0.145 %: src/repair/README.md. */
#define ES_DETECT_FEATURES 20
#define ES_DETECT_SPECK_MAX 60     /* a speck candidate over this many px is texture and not scored (the shape tests' ES_DETECT_SPECK is a feature) */
#define ES_DETECT_P 0.6f           /* 0.5..0.95, 0.6: the probability a kept component has at the default sensitivity: the least whose cross-validated clean area (fit_detect.py's report, before the 1 px grow) stays at 0.023 %, about 0.05 % after it (src/repair/README.md) */
#define ES_DETECT_P_LO 0.97f       /* at sensitivity 0 */
#define ES_DETECT_P_HI 0.35f        /* at sensitivity 1 */

/* A look at every scored component (tools/fit/detect_features.c): its features, its pixels
 * (indices into the w x h plane) and its score (log-odds). Called from the detector's
 * threads (one per polarity); NULL in the product. */
typedef struct {
  void (*component)(void *arg, const float *features, const int *pixels, int count, float score);
  void *arg;
} es_detect_hook;

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

/* Detection on a luminance plane (w x h, 0..255) and, for a colour photo, its chroma (max - min
 * of R, G, B; NULL for grey): writes mask (w x h, 1 = defect). The image's pool runs the
 * per-row stages; hook (or NULL) sees every scored component. Returns 0, or -1 out of memory. */
int es_repair_detect(pthreadpool_t pool, const float *lum, const uint8_t *chroma, int w, int h, float sensitivity, int grow,
                     const es_detect_hook *hook, uint8_t *mask);

/* The planes detection reads from a photo: the luminance (0..255) and, for 3 or 4 channels,
 * the saturation ((max - min) / max of R, G, B, x 255; *chroma NULL for grey), computed
 * over the pool. Both malloc'd; returns 0, or -1 out of memory. */
int es_repair_planes(pthreadpool_t pool, const studio_image *in, float **lum, uint8_t **chroma);

#endif
