/* fixtures.c - see fixtures.h. */
#include "fixtures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void buf_put(buf_t *b, const void *p, size_t n) {
  if (b->len + n > b->cap) { b->cap = (b->len + n) * 2 + 64; b->data = realloc(b->data, b->cap); }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}
void buf_be32(buf_t *b, uint32_t v) { uint8_t q[4] = {v >> 24, v >> 16, v >> 8, v}; buf_put(b, q, 4); }
static void buf_le(buf_t *b, uint32_t v, int n) { for (int i = 0; i < n; i++) { uint8_t c = (uint8_t)(v >> (8 * i)); buf_put(b, &c, 1); } }

static uint32_t crc(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) { c ^= p[i]; for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1)); }
  return ~c;
}
static void chunk(buf_t *b, const char *type, const uint8_t *p, size_t n) {
  buf_t body = {0};
  buf_put(&body, type, 4);
  if (n) buf_put(&body, p, n);
  buf_be32(b, (uint32_t)n);
  buf_put(b, body.data, body.len);
  buf_be32(b, crc(body.data, body.len));
  free(body.data);
}

buf_t make_png(uint32_t w, uint32_t h, int bd, int ct, const uint8_t *rows, size_t rb, const char *xt, const uint8_t *x, size_t xl) {
  buf_t b = {0}, ihdr = {0}, z = {0}, raw = {0};
  buf_put(&b, "\x89PNG\r\n\x1a\n", 8);
  buf_be32(&ihdr, w); buf_be32(&ihdr, h);
  uint8_t f[5] = {(uint8_t)bd, (uint8_t)ct, 0, 0, 0};
  buf_put(&ihdr, f, 5);
  chunk(&b, "IHDR", ihdr.data, ihdr.len);
  if (xt) chunk(&b, xt, x, xl);
  if (rows) {
    for (uint32_t y = 0; y < h; y++) { uint8_t zero = 0; buf_put(&raw, &zero, 1); buf_put(&raw, rows + y * rb, rb); }
    uint8_t zh[2] = {0x78, 0x01};
    buf_put(&z, zh, 2);
    for (size_t off = 0; off < raw.len || off == 0;) {
      size_t n = raw.len - off > 65535 ? 65535 : raw.len - off;
      uint8_t hdr[5] = {(uint8_t)(off + n == raw.len), (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)~n, (uint8_t)(~n >> 8)};
      buf_put(&z, hdr, 5); buf_put(&z, raw.data + off, n);
      off += n;
      if (off == raw.len) break;
    }
    uint32_t a = 1, s = 0;
    for (size_t i = 0; i < raw.len; i++) { a = (a + raw.data[i]) % 65521; s = (s + a) % 65521; }
    buf_be32(&z, s << 16 | a);
  } else {
    uint8_t tiny[] = {0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1}; /* empty stream: enough to be refused */
    buf_put(&z, tiny, sizeof tiny);
  }
  chunk(&b, "IDAT", z.data, z.len);
  chunk(&b, "IEND", NULL, 0);
  free(ihdr.data); free(z.data); free(raw.data);
  return b;
}

buf_t make_bmp(int w, int h, int bpp, const uint8_t *px) {
  buf_t b = {0};
  int c = bpp / 8, row = (w * c + 3) & ~3;
  buf_put(&b, "BM", 2);
  buf_le(&b, 54 + row * h, 4); buf_le(&b, 0, 4); buf_le(&b, 54, 4);
  buf_le(&b, 40, 4); buf_le(&b, w, 4); buf_le(&b, h, 4); buf_le(&b, 1, 2); buf_le(&b, bpp, 2);
  buf_le(&b, 0, 4); buf_le(&b, row * h, 4); buf_le(&b, 2835, 4); buf_le(&b, 2835, 4); buf_le(&b, 0, 4); buf_le(&b, 0, 4);
  for (int y = h - 1; y >= 0; y--) { /* bottom-up, BGR(A) */
    for (int x = 0; x < w; x++) {
      const uint8_t *p = px + ((size_t)y * w + x) * c;
      uint8_t q[4] = {p[2], p[1], p[0], c == 4 ? p[3] : 0};
      buf_put(&b, q, (size_t)c);
    }
    for (int k = w * c; k < row; k++) { uint8_t z = 0; buf_put(&b, &z, 1); }
  }
  return b;
}

buf_t jpeg_with_orientation(const uint8_t *jpg, size_t len, int o, int be) {
  buf_t b = {0}, t = {0};
  buf_put(&t, "Exif\0\0", 6);
  if (be) { buf_put(&t, "MM\0\x2a\0\0\0\x08", 8); uint8_t e[] = {0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (uint8_t)o, 0, 0, 0, 0, 0, 0}; buf_put(&t, e, sizeof e); }
  else { buf_put(&t, "II\x2a\0\x08\0\0\0", 8); uint8_t e[] = {1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (uint8_t)o, 0, 0, 0, 0, 0, 0, 0}; buf_put(&t, e, sizeof e); }
  buf_put(&b, jpg, 2);
  uint8_t m[4] = {0xFF, 0xE1, (uint8_t)((t.len + 2) >> 8), (uint8_t)(t.len + 2)};
  buf_put(&b, m, 4); buf_put(&b, t.data, t.len);
  buf_put(&b, jpg + 2, len - 2);
  free(t.data);
  return b;
}

buf_t jpeg_header_only(int sof, int precision, int w, int h, int comps) {
  buf_t b = {0};
  uint8_t soi[2] = {0xFF, 0xD8};
  buf_put(&b, soi, 2);
  uint8_t f[10] = {0xFF, (uint8_t)sof, 0, (uint8_t)(8 + 3 * comps), (uint8_t)precision, (uint8_t)(h >> 8), (uint8_t)h, (uint8_t)(w >> 8), (uint8_t)w, (uint8_t)comps};
  buf_put(&b, f, 10);
  for (int i = 0; i < comps; i++) { uint8_t c[3] = {(uint8_t)(i + 1), 0x11, 0}; buf_put(&b, c, 3); }
  uint8_t eoi[2] = {0xFF, 0xD9};
  buf_put(&b, eoi, 2);
  return b;
}

static unsigned long long fx_rng = 88172645463325252ull;
void fx_seed(unsigned long long seed) { fx_rng = seed ? seed : 88172645463325252ull; }
double fx_uni(void) {
  fx_rng ^= fx_rng << 13; fx_rng ^= fx_rng >> 7; fx_rng ^= fx_rng << 17;
  return (fx_rng >> 11) * (1.0 / 9007199254740992.0);
}
double fx_gauss(void) { double u = fx_uni() + 1e-12, v = fx_uni(); return sqrt(-2 * log(u)) * cos(6.283185307179586 * v); }
uint8_t fx_u8(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5); }
