/* bmp_scan.c - the BMP file and DIB headers: size, bit depth, compression, alpha. */
#include "formats.h"

#include <string.h>

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

studio_status es_bmp_scan(studio_ctx *ctx, const uint8_t *d, size_t n, es_bmp_header *h) {
  memset(h, 0, sizeof *h);
  if (n < 2 || d[0] != 'B' || d[1] != 'M') return es_fail(ctx, STUDIO_E_FORMAT, "not a JPEG, PNG or BMP file");
  if (n < 26) return es_fail(ctx, STUDIO_E_CORRUPT, "truncated BMP data (header cut short)");
  uint32_t offset = le32(d + 10), dib = le32(d + 14);
  long long w, hh;
  int bpp, compression = 0;
  if (dib == 12) {
    w = d[18] | d[19] << 8; hh = d[20] | d[21] << 8; bpp = d[24] | d[25] << 8;
  } else if (dib >= 40 && n >= 14 + 40) {
    w = (int32_t)le32(d + 18); hh = (int32_t)le32(d + 22);
    bpp = d[28] | d[29] << 8; compression = (int)le32(d + 30);
    if (hh < 0) hh = -hh; /* top-down rows */
    h->has_alpha = bpp == 32 || (compression == 3 && dib >= 56 && le32(d + 54) != 0);
  } else {
    return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt BMP: unknown header size %u", dib);
  }
  if (compression == 1 || compression == 2) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "run-length compressed BMP is not supported");
  if (compression != 0 && compression != 3 && compression != 6)
    return es_fail(ctx, STUDIO_E_UNSUPPORTED, "BMP compression type %d is not supported", compression);
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
    return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt BMP: %d bits per pixel", bpp);
  studio_status s = es_check_size(ctx, w, hh);
  if (s) return s;
  /* The pixel rows must be all there: stb_image would otherwise read zeros past the end. */
  unsigned long long row = ((unsigned long long)w * (unsigned)bpp + 31) / 32 * 4;
  if (offset > n || row * (unsigned long long)hh > n - offset) return es_fail(ctx, STUDIO_E_CORRUPT, "truncated BMP data");
  h->width = (int)w; h->height = (int)hh; h->bits_per_pixel = bpp;
  return STUDIO_OK;
}
