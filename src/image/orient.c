/* orient.c - apply an EXIF orientation (1..8) so the image is stored as it is displayed. */
#include "orient.h"

#include <stdlib.h>
#include <string.h>

uint8_t *es_orient(const uint8_t *src, int w, int h, int c, int orientation, int *out_w, int *out_h) {
  int swap = orientation >= 5 && orientation <= 8;
  int ow = swap ? h : w, oh = swap ? w : h;
  uint8_t *dst = malloc((size_t)w * h * c);
  if (!dst) return NULL;
  for (int oy = 0; oy < oh; oy++) {
    uint8_t *row = dst + (size_t)oy * ow * c;
    for (int ox = 0; ox < ow; ox++) {
      int sx, sy;
      switch (orientation) {
        case 2: sx = w - 1 - ox; sy = oy; break;               /* mirrored */
        case 3: sx = w - 1 - ox; sy = h - 1 - oy; break;       /* rotated 180 */
        case 4: sx = ox; sy = h - 1 - oy; break;               /* flipped */
        case 5: sx = oy; sy = ox; break;                       /* transposed */
        case 6: sx = oy; sy = h - 1 - ox; break;               /* needs 90 clockwise */
        case 7: sx = w - 1 - oy; sy = h - 1 - ox; break;       /* transversed */
        case 8: sx = w - 1 - oy; sy = ox; break;               /* needs 90 counter-clockwise */
        default: sx = ox; sy = oy; break;
      }
      memcpy(row + (size_t)ox * c, src + ((size_t)sy * w + sx) * c, (size_t)c);
    }
  }
  *out_w = ow; *out_h = oh;
  return dst;
}
