/* npy.c - see npy.h. The header is a Python dict literal; we read its three keys. */
#include "npy.h"

#include <stdlib.h>
#include <string.h>

static const char *find(const char *h, size_t n, const char *key) {
  size_t k = strlen(key);
  for (size_t i = 0; i + k <= n; i++) if (memcmp(h + i, key, k) == 0) return h + i + k;
  return NULL;
}

/* The header dictionary (h: hl chars and a terminating 0); data_len: the bytes after it. */
static studio_status header(studio_ctx *ctx, const char *h, size_t hl, size_t data_len, es_npy *out, int *size, int *is_float) {
  const char *descr = find(h, hl, "'descr':"), *fo = find(h, hl, "'fortran_order':"), *shape = find(h, hl, "'shape':");
  if (!descr || !fo || !shape) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt .npy header (missing keys)");
  while (*descr == ' ') descr++;
  if (strncmp(descr, "'<f4'", 5) == 0) { *size = 4; *is_float = 1; }
  else if (strncmp(descr, "'<f8'", 5) == 0) { *size = 8; *is_float = 1; }
  else if (strncmp(descr, "'<i4'", 5) == 0) { *size = 4; *is_float = 0; }
  else if (strncmp(descr, "'<i8'", 5) == 0) { *size = 8; *is_float = 0; }
  else return es_fail(ctx, STUDIO_E_UNSUPPORTED, ".npy element type is not little-endian f4, f8, i4 or i8");
  while (*fo == ' ') fo++;
  if (strncmp(fo, "False", 5) != 0) return es_fail(ctx, STUDIO_E_UNSUPPORTED, ".npy array in Fortran order is not supported");
  while (*shape == ' ') shape++;
  if (*shape++ != '(') return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt .npy shape");
  out->count = 1;
  const char *hend = h + hl;
  while (shape < hend && *shape != ')') {
    while (shape < hend && (*shape == ' ' || *shape == ',')) shape++;
    if (*shape == ')') break;
    char *e;
    long long v = strtoll(shape, &e, 10);
    if (e == shape || v < 0 || v > (1 << 24) || out->ndim == 4) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt .npy shape");
    /* no more values than the data bytes could hold: the product cannot wrap */
    if (v && out->count > data_len / (size_t)v) return es_fail(ctx, STUDIO_E_CORRUPT, "truncated .npy data");
    out->dims[out->ndim++] = v;
    out->count *= (size_t)v;
    shape = e;
  }
  return STUDIO_OK;
}

studio_status es_npy_read(studio_ctx *ctx, const uint8_t *d, size_t len, es_npy *out) {
  memset(out, 0, sizeof *out);
  if (len < 10 || memcmp(d, "\x93NUMPY", 6) != 0) return es_fail(ctx, STUDIO_E_FORMAT, "not a NumPy .npy file");
  size_t hl = d[6] == 1 ? (size_t)(d[8] | d[9] << 8) : len >= 12 ? (size_t)d[8] | (size_t)d[9] << 8 | (size_t)d[10] << 16 | (size_t)d[11] << 24 : 0;
  size_t start = d[6] == 1 ? 10 : 12;
  if (d[6] < 1 || d[6] > 3 || hl == 0 || start + hl > len) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt .npy header");
  /* the header is parsed from a zero-terminated copy: a scan that runs to its end then stops
   * at the terminator instead of reading past the file (fuzzing found that) */
  char *h = malloc(hl + 1);
  if (!h) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  memcpy(h, d + start, hl);
  h[hl] = 0;
  int size = 0, is_float = 0;
  studio_status st = header(ctx, h, hl, len - start - hl, out, &size, &is_float);
  free(h);
  if (st) return st;
  const uint8_t *p = d + start + hl;
  if ((size_t)(d + len - p) < out->count * (size_t)size) return es_fail(ctx, STUDIO_E_CORRUPT, "truncated .npy data");
  out->data = malloc(sizeof(float) * (out->count ? out->count : 1));
  if (!out->data) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  for (size_t i = 0; i < out->count; i++, p += size) {
    uint64_t u = 0;
    for (int b = 0; b < size; b++) u |= (uint64_t)p[b] << (8 * b);
    if (is_float && size == 4) { uint32_t w = (uint32_t)u; float f; memcpy(&f, &w, 4); out->data[i] = f; }
    else if (is_float) { double f; memcpy(&f, &u, 8); out->data[i] = (float)f; }
    else if (size == 4) out->data[i] = (float)(int32_t)(uint32_t)u;
    else out->data[i] = (float)(int64_t)u;
  }
  return es_ok(ctx);
}

void es_npy_free(es_npy *a) { free(a->data); a->data = NULL; }
