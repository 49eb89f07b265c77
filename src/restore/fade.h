/* fade.h - the faded-print restorer's stages (not public): the fade estimated on a small copy
 * of the photo (analysis.c), turned into one curve per channel (curves.c); restore.c alone
 * decides strips and threads.
 *
 * The model (src/restore/README.md): a print's linear light per channel is
 *   v' = veil + (1 - veil) 10^-(r_c D_c + s_c)
 * with D_c the density the print had, r_c its dye's retention and s_c the stain. In density
 * after the veil is taken off, the fade is affine per channel: dividing by r_c (relative to
 * green, from the gradients: shading changes every channel's density alike, so unfaded
 * edges carry equal density steps) and moving each channel's white to zero undoes it; the
 * common loss of range is given back by a gain that takes the darkest pixels to a print's
 * black. */
#ifndef STUDIO_FADE_H
#define STUDIO_FADE_H

#include <stdint.h>
#include "../api/studio.h"

/* ---- tunables: range, default, why ---- */
#define ES_FADE_SIDE 384       /* 128..1024, 384: the analysis copy's long side (box means in linear light; grain averaged down) */
#define ES_FADE_VEIL_Q 0.1f    /* 0.01..1 %, 0.1: the veil is the lowest channel's floor at this percentile (a black lifted alike in all) */
#define ES_FADE_EDGE_LO 0.05f  /* 0.01..0.2, 0.05: gradients only where every channel's linear light exceeds this (density noise grows as 1/v) */
#define ES_FADE_EDGE_HI 0.97f  /* gradients only below this (clipped whites have none) */
#define ES_FADE_WHITE_Q 0.005f /* 0..0.1 %, 0.005: each channel's white: the percentile of its density taken to zero */
#define ES_FADE_SPAN_Q 0.05f   /* 0.01..1 %, 0.05: the ends of the density range */
#define ES_FADE_DMAX 3.0f      /* 2..4, 3.0: the density the darkest ES_FADE_SPAN_Q of pixels reaches (linear 0.001: 3 of 255) */
/* 0..0.15, 0.05: ...and the brightest, a print's paper white (reflectance 0.89, 243 of 255), not
 * a clipped 255: a photo's brightest area need not be white (fade dev, auto with
 * ES_FADE_AUTO_MAX 0.85, the Python copy of the analysis that gives the C's figures: 0 -> 6.97,
 * 0.03 6.76, 0.05 6.68, 0.08 6.64) */
#define ES_FADE_DMIN 0.05f
/* The retention's second look: each density step weighted by exp(-(angle / ES_FADE_EDGE_SIGMA)^2),
 * its angle (radians) to the direction the steps gave so far (a shading edge is the same density
 * step in every channel, so a faded one lies along the retentions; an edge between two colours
 * lies anywhere), ES_FADE_EDGE_ITER times; the idea of the iterative weighted grey-edge
 * (Gijsenij, Gevers, van de Weijer 2012), in density. 0.05..0.2, 0.1; fade dev, auto, 3 passes
 * (the Python copy): 0.05 -> 6.67, 0.07 6.65, 0.1 6.61, 0.15 6.66, 0.2 6.69; 0 passes (the L3
 * ratio alone, before) 6.67. 1..4, 3: at 0.1, 2 and 4 passes 6.61 too. */
#define ES_FADE_EDGE_SIGMA 0.1
#define ES_FADE_EDGE_ITER 3
/* The retentions' plausible ratios, from the dyes' ranges in faded chromogenic prints (cyan
 * 0.4-0.8 of its density left, magenta 0.6-0.9, yellow 0.8-1.0; Wilhelm 1993, and the eval's
 * protocol): red/green 0.4/0.9..0.8/0.6, blue/green 0.8/0.9..1.0/0.6. An estimate outside says
 * more about the scene's own colours than about its dyes (a teal sky: blue 2.4x green) and is
 * held to the nearest end; the evidence and the whites then follow the held value. Fade
 * held-out, auto (the Python copy): 7.81 -> 7.52 with the strength above; dev 6.72 -> 6.45;
 * control 0.39 / 0.53 -> 0.08 / 0.35. */
#define ES_FADE_K_RED_LO (0.4f / 0.9f)
#define ES_FADE_K_RED_HI (0.8f / 0.6f)
#define ES_FADE_K_BLUE_LO (0.8f / 0.9f)
#define ES_FADE_K_BLUE_HI (1.0f / 0.6f)
/* Unfaded photos' ratio of density-gradient energy to green's (Kodak and CBSD68 originals: blue
 * edges carry more density contrast in natural light, red about the same). */
#define ES_FADE_PRIOR_R 1.0f
#define ES_FADE_PRIOR_B 1.16f
/* Evidence: the RMS of the signs of a fade, each in units of its spread on unfaded photos (about
 * its 90th percentile there): veil, log retention red and blue, blue stain, log gain. */
#define ES_FADE_W_VEIL 0.013f
#define ES_FADE_W_RED 0.16f
#define ES_FADE_W_BLUE 0.19f
#define ES_FADE_W_STAIN 0.17f
#define ES_FADE_W_GAIN 0.29f
#define ES_FADE_AUTO0 1.9f     /* auto strength eases in from this evidence (95% of unfaded photos lie below)... */
#define ES_FADE_AUTO1 2.5f     /* ...to full here (90% of synthetic fades lie above) */
/* Auto's strength at full evidence: ES_FADE_AUTO_TOP - ES_FADE_AUTO_BY_GAIN ln(gain)
 * - ES_FADE_AUTO_BY_COLOUR x (the colour test's RMS), within 0..1. The estimate is noisy (the
 * retentions' log error is 0.06-0.16 RMS; the whites' tint is the photo's as much as the
 * stain's), and a correction shrunk toward the input is closer on average than all of it; the
 * more so when the range is stretched far (the gain multiplies every error) and when the scene
 * is colourful (its own colour edges pull the edge ratio). The three fitted together on Kodak
 * faded with seeds 11-16 (144 fades; the eval's seed is 2025), mean CIEDE2000 with the strength
 * chosen per photo: 6.10 against 6.30 for the fixed 0.85 used before (ES_FADE_AUTO_MAX); fade
 * dev then 6.45 (6.72), held-out 7.52 (7.81). Tried with E, veil, stain and |log k| as well:
 * no better on the 144 (6.08-6.11). A slider at 100 % applies the whole estimate. */
#define ES_FADE_AUTO_TOP 1.0f       /* 0.5..1, 1.0 */
#define ES_FADE_AUTO_BY_GAIN 0.2f   /* 0..0.8, 0.2 */
#define ES_FADE_AUTO_BY_COLOUR 0.75f /* 0..1.5, 0.75 */
/* Colour: the RMS of the restored chromaticity (density differences to green, times the gain)
 * on steady pixels, less each density's median tint (ES_FADE_TONE_BINS bins of equal count):
 * a toned or grey print's tint follows its density. Toned and grey Kodak prints, faded by the
 * protocol or not, measure 0.006-0.043, the real sepia scans 0.016 and 0.032; faded colour
 * photos 0.088-0.43 (dev), 0.039-0.58 (held-out: a snake on sand and a plane in a grey sky
 * lowest). The spread around one median for the whole photo, used before, took toned prints
 * to 0.02-0.074 and left four held-out colour fades at 0.039-0.069, below its 0.07. */
#define ES_FADE_TONE_BINS 16    /* 4..64, 16: enough bins that a tone deepening with density is followed, each still ~6000 pixels on the analysis copy */
#define ES_FADE_MONO0 0.045f
#define ES_FADE_MONO1 0.06f

typedef struct {
  float veil;       /* linear light taken off first */
  float k[3];       /* density divisor per channel (retention relative to green), k[1] = 1 */
  float white[3];   /* density of each channel's white after the divisor: taken to 0 */
  float lo, hi;     /* the range of mean density after that (ES_FADE_SPAN_Q percentiles) */
  float gain;       /* >= 1: (ES_FADE_DMAX - ES_FADE_DMIN) / (hi - lo) */
  float evidence, colour, strength;
} es_fade;

/* The fade of an image of 3 or 4 channels (alpha ignored). */
studio_status es_fade_analyze(studio_ctx *ctx, const studio_image *in, es_fade *out);
void es_fade_report(const es_fade *f, studio_fade_report *out);
/* One 8-bit curve per channel: the fade inverted, its density range given back by `contrast`
 * (0..1) of the gain, blended with the identity in density by `strength` (0: identity). */
void es_fade_curves(const es_fade *f, float strength, float contrast, uint8_t lut[3][256]);

#endif
