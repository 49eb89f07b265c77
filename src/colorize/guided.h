/* guided.h - enlarge the network's quarter-size ab to the photo's size guided by the photo's
 * own lightness (joint bilateral upsampling, Kopf et al., SIGGRAPH 2007): each output pixel
 * averages the 4x4 nearest low-resolution ab samples, weighted by distance (a tent two
 * samples wide) and by how close the sample's L is to the pixel's L. Colour then stops at
 * edges in the photo instead of bleeding a few pixels across them, as plain bilinear
 * enlargement does. (Not public.) */
#ifndef STUDIO_GUIDED_H
#define STUDIO_GUIDED_H
#include <stddef.h>

#define ES_GUIDED_TAPS 4
/* Range kernel exp(-dL^2 / (2 sigma^2)): sigma in L units (0..100). 10 separates a dark
 * coat from a bright wall but not the shading within either; smaller starts to follow
 * noise and JPEG blocks. */
#define ES_GUIDED_SIGMA_L 10.f
#define ES_GUIDED_LUT 1024      /* |dL| 0..128 in steps of 1/8 */

typedef struct {
  int q, w, h;            /* ab is q x q; the output w x h */
  int *tx, *ty;           /* [w * 4], [h * 4] low-resolution sample index per tap (clamped) */
  float *sx, *sy;         /* [w * 4], [h * 4] spatial weight per tap */
  float range[ES_GUIDED_LUT];
} es_guided;

/* 0, or -1 out of memory. */
int es_guided_init(es_guided *g, int q, int w, int h);
void es_guided_free(es_guided *g);

/* Pixels x0..x0+n-1 of output row y. ab: q x q x 2; low_l: q x q, the L each ab sample
 * was predicted from; lab: n triples whose L (lab[3i]) is set, ab written to lab[3i+1..2]. */
void es_guided_row(const es_guided *g, const float *ab, const float *low_l, int y, int x0, int n, float *lab);
#endif
