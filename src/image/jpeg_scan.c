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

/* A DHT segment's tables: ids in range, at most 256 symbols, and code lengths that fit the
 * code space (Kraft); stb_image 2.27 overflows its tables on the first two. Marks each
 * table defined in have[class][id]. Returns NULL or the reason. */
static const char *check_dht(const uint8_t *p, size_t n, uint8_t have[2][4]) {
  while (n > 0) {
    if (n < 17) return "corrupt JPEG: Huffman table cut short";
    int tc = p[0] >> 4, th = p[0] & 15;
    if (tc > 1 || th > 3) return "corrupt JPEG: invalid Huffman table id";
    unsigned total = 0, code = 0;
    for (int len = 1; len <= 16; len++) {
      total += p[len];
      code = (code << 1) + p[len];
      if (code > (1u << len)) return "corrupt JPEG: invalid Huffman code lengths";
    }
    if (total > 256) return "corrupt JPEG: Huffman table with more than 256 symbols";
    if (n < 17 + total) return "corrupt JPEG: Huffman table cut short";
    have[tc][th] = 1;
    p += 17 + total; n -= 17 + total;
  }
  return NULL;
}

/* A DQT segment's tables: 8- or 16-bit, ids 0..3; marks each defined. */
static const char *check_dqt(const uint8_t *p, size_t n, uint8_t have[4]) {
  while (n > 0) {
    int pq = p[0] >> 4, tq = p[0] & 15;
    size_t size = 1 + 64u * (pq + 1);
    if (pq > 1 || tq > 3) return "corrupt JPEG: invalid quantization table";
    if (n < size) return "corrupt JPEG: quantization table cut short";
    have[tq] = 1;
    p += size; n -= size;
  }
  return NULL;
}

/* A scan header: components from the frame, and the tables it decodes with defined. */
static const char *check_sos(const uint8_t *p, size_t n, const uint8_t comp_id[4], const uint8_t comp_tq[4], int ncomp,
                             int progressive, uint8_t huff[2][4], const uint8_t quant[4]) {
  if (n < 1) return "corrupt JPEG: empty scan header";
  int ns = p[0];
  if (ns < 1 || ns > 4 || n < 1 + 2u * ns + 3) return "corrupt JPEG: invalid scan header";
  int ss = p[1 + 2 * ns], ah = p[3 + 2 * ns] >> 4;
  for (int i = 0; i < ns; i++) {
    int cs = p[1 + 2 * i], td = p[2 + 2 * i] >> 4, ta = p[2 + 2 * i] & 15, k;
    for (k = 0; k < ncomp && comp_id[k] != cs; k++) {}
    if (k == ncomp) return "corrupt JPEG: a scan names a component the frame does not have";
    if (!quant[comp_tq[k]]) return "corrupt JPEG: a component uses an undefined quantization table";
    int need_dc = !progressive || (ss == 0 && ah == 0), need_ac = !progressive || ss > 0;
    if ((need_dc && (td > 3 || !huff[0][td])) || (need_ac && (ta > 3 || !huff[1][ta])))
      return "corrupt JPEG: a scan uses an undefined Huffman table";
  }
  return NULL;
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
  uint8_t huff[2][4] = {{0}}, quant[4] = {0}, comp_id[4] = {0}, comp_tq[4] = {0};
  const char *bad;
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
    } else if (m == 0xC4) {
      if ((bad = check_dht(p, plen, huff))) return es_fail(ctx, STUDIO_E_CORRUPT, "%s", bad);
    } else if (m == 0xDB) {
      if ((bad = check_dqt(p, plen, quant))) return es_fail(ctx, STUDIO_E_CORRUPT, "%s", bad);
    } else if (m == 0xE0 && plen >= 5 && memcmp(p, "JFIF\0", 5) == 0) {
      h->jfif = 1;
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
      for (int i = 0; i < h->components; i++) {
        comp_id[i] = p[6 + 3 * i];
        comp_tq[i] = p[8 + 3 * i];
        if (comp_tq[i] > 3) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: invalid quantization table id");
      }
      studio_status s = es_check_size(ctx, h->width, h->height);
      if (s) return s;
    } else if (m == 0xDA) {
      if (!h->sof) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt JPEG: image data before the frame header");
      if ((bad = check_sos(p, plen, comp_id, comp_tq, h->components, h->sof == 0xC2, huff, quant)))
        return es_fail(ctx, STUDIO_E_CORRUPT, "%s", bad);
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
