/* guided.h - enlarge a low-resolution ab field (the network's quarter-size output, or the
 * colour hints' working grid) to the photo's size guided by the photo's own lightness
 * (joint bilateral upsampling, Kopf et al., SIGGRAPH 2007): each output pixel averages the
 * taps x taps nearest low-resolution ab samples, weighted by distance (a tent taps/2
 * samples wide) and by how close the sample's L is to the pixel's L. Colour then stops at
 * edges in the photo instead of bleeding a few pixels across them, as plain bilinear
 * enlargement does. 4 taps suit the network's 75x enlargement of a 12 MP photo; 2 (the
 * bilinear footprint) suit the hints' few-fold one, at a quarter of the cost. (Not public.) */
#ifndef STUDIO_GUIDED_H
#define STUDIO_GUIDED_H
#include <stddef.h>

#define ES_GUIDED_TAPS 4 /* the most taps per axis */
/* Range kernel exp(-dL^2 / (2 sigma^2)): sigma in L units (0..100). 10 separates a dark
 * coat from a bright wall but not the shading within either; smaller starts to follow
 * noise and JPEG blocks. */
#define ES_GUIDED_SIGMA_L 10.f
#define ES_GUIDED_LUT 1024      /* |dL| 0..128 in steps of 1/8 */

typedef struct {
  int qw, qh, w, h;       /* ab is qw x qh; the output w x h */
  int taps;               /* 2 or 4 per axis */
  int *tx, *ty;           /* [w * taps], [h * taps] low-resolution sample index per tap (clamped) */
  float *sx, *sy;         /* [w * taps], [h * taps] spatial weight per tap */
  float range[ES_GUIDED_LUT];
} es_guided;

/* 0, or -1 out of memory. */
int es_guided_init(es_guided *g, int qw, int qh, int w, int h, int taps);
void es_guided_free(es_guided *g);

/* Pixels x0..x0+n-1 of output row y. ab: qw x qh x 2; low_l: qw x qh, the L each ab sample
 * stands for; lab: n triples whose L (lab[3i]) is set; the enlarged ab is written to
 * lab[3i+1..2], or added to it when add is 1. */
void es_guided_row(const es_guided *g, const float *ab, const float *low_l, int y, int x0, int n, float *lab, int add);
#endif
