/* png_write.h - the PNG writer behind studio_encode (not public). */
#ifndef STUDIO_PNG_WRITE_H
#define STUDIO_PNG_WRITE_H

#include "../api/context.h"

/* libdeflate's level for PNG output; png_write.c gives the measurements behind it. */
#define ES_PNG_LEVEL 4

/* img as an 8-bit PNG (1..4 channels: grey, grey+alpha, RGB, RGBA) at deflate level 0..12;
 * *out is malloc'd. The caller has checked img. */
studio_status es_png_write(studio_ctx *ctx, const studio_image *img, int level, uint8_t **out, size_t *out_len);

#endif
