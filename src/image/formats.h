/* formats.h - header scanners for each container, used by probe and decode (not public).
 *
 * stb_image decodes pixels; these scanners check what stb does not (PNG CRCs and IEND,
 * JPEG process type, precision, Adobe colour transform, EXIF orientation, truncation)
 * and give each failure a sentence a user can act on. */
#ifndef STUDIO_FORMATS_H
#define STUDIO_FORMATS_H

#include "../api/context.h"

typedef struct {
  int width, height, bit_depth, color_type, interlaced;
  int has_trns;   /* a tRNS chunk: transparency without an alpha channel */
} es_png_header;

typedef struct {
  int width, height;  /* from SOF */
  int components;     /* 1, 3 or 4 */
  int precision;      /* bits per sample */
  int sof;            /* the SOF marker: 0xC0 baseline, 0xC1 extended, 0xC2 progressive */
  int adobe_transform;/* APP14 transform flag 0/1/2, -1 without an Adobe segment */
  int rgb_ids;        /* component ids are 'R','G','B' */
  int jfif;           /* a JFIF APP0 segment: 3 components are YCbCr whatever APP14 says */
  int orientation;    /* EXIF orientation 1..8; 1 when absent or out of range */
} es_jpeg_header;

typedef struct {
  int width, height, bits_per_pixel, has_alpha;
} es_bmp_header;

studio_format es_sniff(const uint8_t *data, size_t len);
studio_status es_png_scan(studio_ctx *ctx, const uint8_t *data, size_t len, es_png_header *h);
studio_status es_jpeg_scan(studio_ctx *ctx, const uint8_t *data, size_t len, es_jpeg_header *h);
studio_status es_bmp_scan(studio_ctx *ctx, const uint8_t *data, size_t len, es_bmp_header *h);
/* EXIF orientation from a TIFF block (the payload of an APP1 "Exif\0\0" segment after the
 * six-byte tag); 1 when absent, undefined (0) or malformed. */
int es_exif_orientation(const uint8_t *tiff, size_t len);
/* Refuse sizes over the context's limits, with the numbers in the sentence. */
studio_status es_check_size(studio_ctx *ctx, long long width, long long height);

#endif
