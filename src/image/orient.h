/* orient.h - EXIF orientation transform (not public). */
#ifndef STUDIO_ORIENT_H
#define STUDIO_ORIENT_H
#include <stdint.h>
/* A new malloc'd w*h*c buffer holding src as displayed under `orientation`; NULL on OOM. */
uint8_t *es_orient(const uint8_t *src, int w, int h, int c, int orientation, int *out_w, int *out_h);
#endif
