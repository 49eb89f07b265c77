/* jpeg_scan.c - walk a JPEG's markers: which coding process (refusing by name what stb_image
 * cannot decode), precision, size, colour model (Adobe APP14), EXIF orientation, and, in
 * full mode, that the data reaches its EOI marker (stb_image pads a cut-off scan with
 * zeros and would return a grey-smeared picture without complaint). */
#include "formats.h"

#include <string.h>

static const char *process_refusal(int m) {
  switch (m) {
    case 0xC3: return "lossless JPEG (SOF3) is not supported";
    case 0xC5: case 0xC6: case 0xC7: return "hierarchical (differential) JPEG is not supported";
    case 0xC9: case 0xCA: case 0xCB: return "arithmetic-coded JPEG is not supported";
    case 0xCD: case 0xCE: case 0xCF: return "arithmetic-coded hierarchical JPEG is not supported";
    default: return NULL;
  }
}

static int is_sof(int m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

/* Skip entropy-coded data: stuffed 0xFF00 and restart markers belong to it; any other
 * marker ends it. Returns the offset of that marker's 0xFF, or n when the data runs out. */
static size_t skip_entropy(const uint8_t *d, size_t n, size_t pos) {
  while (pos + 1 < n) {
    if (d[pos] != 0xFF) { pos++; continue; }
    uint8_t m = d[pos + 1];
    if (m == 0x00 || (m >= 0xD0 && m <= 0xD7) || m == 0xFF) { pos += (m == 0xFF) ? 1 : 2; continue; }
    return pos;
  }
  return n;
}

studio_status es_jpeg_scan(studio_ctx *ctx, const uint8_t *d, size_t n, es_jpeg_header *h) {
  memset(h, 0, sizeof *h);
  h->adobe_transform = -1;
  h->orientation = 1;
  if (n < 3 || d[0] != 0xFF || d[1] != 0xD8) return es_fail(ctx, STUDIO_E_FORMAT, "not a JPEG, PNG or BMP file");
  size_t pos = 2;
  int seen_sos = 0;
  while (1) {
    /* Markers may be preceded by any number of 0xFF fill bytes; junk between segments is
     * tolerated the way libjpeg does (it warns and resynchronises). */
    while (pos < n && d[pos] != 0xFF) pos++;
    while (pos < n && d[pos] == 0xFF) pos++;
    if (pos >= n) break;
    int m = d[pos++];
    if (m == 0xD9) {
      if (!h->sof) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: no frame header before the end marker");
      if (!seen_sos) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: no image data");
      return STUDIO_OK;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7) || m == 0x00) continue; /* standalone */
    if (pos + 2 > n) break;
    size_t len = (size_t)d[pos] << 8 | d[pos + 1];
    if (len < 2) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: invalid segment length");
    if (len > n - pos) break; /* a segment cut short: truncated */
    const uint8_t *p = d + pos + 2;
    size_t plen = len - 2;
    if (m == 0xE1 && plen >= 6 && memcmp(p, "Exif\0\0", 6) == 0 && h->orientation == 1) {
      h->orientation = es_exif_orientation(p + 6, plen - 6);
    } else if (m == 0xEE && plen >= 12 && memcmp(p, "Adobe", 5) == 0) {
      h->adobe_transform = p[11];
    } else if (is_sof(m)) {
      const char *why = process_refusal(m);
      if (why) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "%s", why);
      if (h->sof) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: more than one frame header");
      if (plen < 6) break;
      h->sof = m;
      h->precision = p[0];
      h->height = p[1] << 8 | p[2];
      h->width = p[3] << 8 | p[4];
      h->components = p[5];
      if (h->precision != 8)
        return es_fail(ctx, STUDIO_E_UNSUPPORTED, "%d-bit JPEG is not supported (only 8-bit samples)", h->precision);
      if (h->height == 0) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "JPEG with the height deferred to a DNL marker is not supported");
      if (h->components != 1 && h->components != 3 && h->components != 4)
        return es_fail(ctx, STUDIO_E_UNSUPPORTED, "JPEG with %d colour components is not supported", h->components);
      if (plen < 6 + 3u * h->components) break;
      h->rgb_ids = h->components == 3 && p[6] == 'R' && p[9] == 'G' && p[12] == 'B';
      studio_status s = es_check_size(ctx, h->width, h->height);
      if (s) return s;
    } else if (m == 0xDA) {
      if (!h->sof) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: image data before the frame header");
      if (!seen_sos && h->components == 4 && h->adobe_transform != 0 && h->adobe_transform != 2)
        return es_fail(ctx, STUDIO_E_UNSUPPORTED, "4-channel JPEG without an Adobe colour marker (ambiguous CMYK) is not supported");
      seen_sos = 1;
      pos = skip_entropy(d, n, pos + len);
      continue;
    }
    pos += len;
  }
  if (!h->sof) return es_fail(ctx, STUDIO_E_CORRUPT, "truncated JPEG data (no frame header)");
  return es_fail(ctx, STUDIO_E_CORRUPT, "truncated JPEG data");
}
