/* modelfile.c - see modelfile.h; the layout is in models/README.md. */
#include "modelfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HEADER = 64, ENTRY = 160, ALIGN = 64 };
enum { DT_F32 = 0, DT_F16 = 1, DT_I8 = 2 };

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* IEEE half precision, round to nearest even; subnormals kept, overflow to infinity. */
static uint16_t to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000, e = (x >> 23) & 0xFF, m = x & 0x7FFFFF;
  if (e == 0xFF) return (uint16_t)(sign | 0x7C00 | (m ? 0x200 : 0));
  int ne = (int)e - 127 + 15;
  if (ne >= 31) return (uint16_t)(sign | 0x7C00);
  if (ne <= 0) {
    if (ne < -10) return (uint16_t)sign;
    m |= 0x800000;
    int shift = 14 - ne;
    uint32_t half = m >> shift, rem = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t half = sign | (uint32_t)ne << 10 | m >> 13, rem = m & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;
  return (uint16_t)half;
}

int es_model_is_file(const uint8_t *d, size_t len) { return len >= 8 && memcmp(d, ES_MODEL_MAGIC, 8) == 0; }

/* Big convolution weights are stored at the reduced precision; everything else (biases,
 * BatchNorm, the scale, the ab bin centres) stays f32, it is small and must stay exact. */
static int reduced(const es_caffe_layer *l, int b) {
  return b == 0 && l->blobs[0].ndim == 4 && l->blobs[0].count > 4096 && strcmp(l->name, "class8_ab") != 0;
}

/* The axis that indexes output channels: Caffe stores deconvolution weights (in, out, kh, kw). */
static int channel_axis(const es_caffe_layer *l) { return strcmp(l->type, "Deconvolution") == 0 ? 1 : 0; }

static size_t slice(const es_blob *b, int axis, size_t i, size_t j) { /* index of element j of channel i */
  if (axis == 0) return i * (b->count / (size_t)b->dims[0]) + j;
  size_t inner = (size_t)(b->dims[2] * b->dims[3]), per = (size_t)b->dims[1];
  size_t outer = j / inner, k = j % inner;
  return (outer * per + i) * inner + k;
}

studio_status es_model_write(studio_ctx *ctx, const es_caffe_net *net, es_precision prec, uint8_t **out, size_t *out_len) {
  size_t n = 0, payload = 0;
  for (int i = 0; i < net->nlayers; i++)
    for (int b = 0; b < net->layers[i].nblobs; b++) {
      const es_caffe_layer *l = &net->layers[i];
      size_t bytes = l->blobs[b].count * 4;
      if (reduced(l, b) && prec == ES_PRECISION_F16) bytes = l->blobs[b].count * 2;
      if (reduced(l, b) && prec == ES_PRECISION_INT8) bytes = l->blobs[b].count + 4 * (size_t)l->blobs[b].dims[channel_axis(l)];
      payload += (bytes + ALIGN - 1) / ALIGN * ALIGN;
      n++;
    }
  size_t table_end = HEADER + n * ENTRY, start = (table_end + ALIGN - 1) / ALIGN * ALIGN, total = start + payload;
  uint8_t *f = calloc(1, total);
  if (!f) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory writing the model");
  memcpy(f, ES_MODEL_MAGIC, 8);
  put32(f + 8, ES_MODEL_VERSION); put32(f + 12, (uint32_t)prec); put32(f + 16, ES_MODEL_ARCH_ECCV16); put32(f + 20, (uint32_t)n);
  put64(f + 24, HEADER); put64(f + 32, start); put64(f + 40, total);
  size_t t = 0, at = start;
  for (int i = 0; i < net->nlayers; i++)
    for (int b = 0; b < net->layers[i].nblobs; b++, t++) {
      const es_caffe_layer *l = &net->layers[i];
      const es_blob *bl = &l->blobs[b];
      uint8_t *e = f + HEADER + t * ENTRY;
      strncpy((char *)e, l->name, 63); strncpy((char *)e + 64, l->type, 31);
      int dt = reduced(l, b) ? (prec == ES_PRECISION_F16 ? DT_F16 : prec == ES_PRECISION_INT8 ? DT_I8 : DT_F32) : DT_F32;
      put32(e + 96, (uint32_t)b); put32(e + 100, (uint32_t)dt); put32(e + 104, (uint32_t)bl->ndim);
      for (int d = 0; d < bl->ndim; d++) put32(e + 108 + 4 * d, (uint32_t)bl->dims[d]);
      uint8_t *p = f + at;
      size_t bytes;
      if (dt == DT_F32) {
        for (size_t k = 0; k < bl->count; k++) { uint32_t u; memcpy(&u, &bl->data[k], 4); put32(p + 4 * k, u); }
        bytes = bl->count * 4;
      } else if (dt == DT_F16) {
        for (size_t k = 0; k < bl->count; k++) { uint16_t h = to_half(bl->data[k]); p[2 * k] = (uint8_t)h; p[2 * k + 1] = (uint8_t)(h >> 8); }
        bytes = bl->count * 2;
      } else { /* symmetric int8, one scale per output channel: the scales first, then the values */
        int axis = channel_axis(l);
        size_t ch = (size_t)bl->dims[axis], per = bl->count / ch;
        int8_t *q = (int8_t *)(p + 4 * ch);
        for (size_t c = 0; c < ch; c++) {
          float mx = 0.f;
          for (size_t j = 0; j < per; j++) mx = fmaxf(mx, fabsf(bl->data[slice(bl, axis, c, j)]));
          float scale = mx > 0.f ? mx / 127.f : 1.f;
          uint32_t u; memcpy(&u, &scale, 4); put32(p + 4 * c, u);
          for (size_t j = 0; j < per; j++) {
            size_t k = slice(bl, axis, c, j);
            q[k] = (int8_t)lrintf(fmaxf(-127.f, fminf(127.f, bl->data[k] / scale)));
          }
        }
        bytes = 4 * ch + bl->count;
      }
      put64(e + 128, at); put64(e + 136, bytes);
      at += (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }
  put64(f + 48, fnv1a(f + HEADER, total - HEADER));
  *out = f; *out_len = total;
  return es_ok(ctx);
}

studio_status es_model_read(studio_ctx *ctx, const uint8_t *d, size_t len, es_caffe_net *net, es_precision *prec) {
  memset(net, 0, sizeof *net);
  if (!es_model_is_file(d, len) || len < HEADER) return es_fail(ctx, STUDIO_E_FORMAT, "not an Enhancement Studio model file");
  if (get32(d + 8) != ES_MODEL_VERSION) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "model file version %u is not supported (expected %d)", get32(d + 8), ES_MODEL_VERSION);
  if (get32(d + 16) != ES_MODEL_ARCH_ECCV16) return es_fail(ctx, STUDIO_E_UNSUPPORTED, "model file holds another network (architecture %u)", get32(d + 16));
  uint32_t p = get32(d + 12), n = get32(d + 20);
  uint64_t table = get64(d + 24), start = get64(d + 32), total = get64(d + 40);
  if (total != len) return es_fail(ctx, STUDIO_E_CORRUPT, "model file is %zu bytes but says %llu: truncated or padded", len, (unsigned long long)total);
  if (p > 2 || table != HEADER || n == 0 || n > 4096 || HEADER + (uint64_t)n * ENTRY > start || start > len)
    return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt model file header");
  if (fnv1a(d + HEADER, len - HEADER) != get64(d + 48)) return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt model file: checksum mismatch");
  *prec = (es_precision)p;
  net->layers = calloc(n, sizeof *net->layers);
  if (!net->layers) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory");
  for (uint32_t t = 0; t < n; t++) {
    const uint8_t *e = d + HEADER + (size_t)t * ENTRY;
    char name[64], type[32];
    memcpy(name, e, 63); name[63] = 0; memcpy(type, e + 64, 31); type[31] = 0;
    es_caffe_layer *l = net->nlayers ? &net->layers[net->nlayers - 1] : NULL;
    if (!l || strcmp(l->name, name) != 0) { l = &net->layers[net->nlayers++]; memcpy(l->name, name, 64); memcpy(l->type, type, 32); }
    uint32_t b = get32(e + 96), dt = get32(e + 100), nd = get32(e + 104);
    uint64_t off = get64(e + 128), bytes = get64(e + 136);
    if (b != (uint32_t)l->nblobs || b >= ES_CAFFE_MAX_BLOBS || nd > 4 || dt > 2 || off < start || off > len || bytes > len - off) {
      es_caffe_free(net);
      return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt model file: bad table entry for %s", name);
    }
    es_blob *bl = &l->blobs[l->nblobs++];
    bl->ndim = (int)nd;
    bl->count = 1;
    for (uint32_t k = 0; k < nd; k++) {
      bl->dims[k] = get32(e + 108 + 4 * k);
      /* no more values than the file has bytes: the product (and the sizes below) cannot wrap */
      if (bl->dims[k] && bl->count > len / (size_t)bl->dims[k]) { es_caffe_free(net); return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt model file: %s has the wrong size", name); }
      bl->count *= (size_t)bl->dims[k];
    }
    size_t ch = nd ? (size_t)bl->dims[channel_axis(l)] : 1;
    size_t want = dt == DT_F32 ? bl->count * 4 : dt == DT_F16 ? bl->count * 2 : 4 * ch + bl->count;
    if (want != bytes || (dt == DT_I8 && nd != 4)) { es_caffe_free(net); return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt model file: %s has the wrong size", name); }
    const uint8_t *src = d + off;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (dt == DT_F32 && ((uintptr_t)src & 3) == 0) { bl->data = (float *)(uintptr_t)src; bl->borrowed = 1; continue; } /* carved, no copy */
    if (dt == DT_F16 && reduced(l, (int)b) && ((uintptr_t)src & 1) == 0) { /* carved: widened as the network reads it */
      bl->h = (const uint16_t *)(const void *)src;
      bl->borrowed = 1;
      continue;
    }
    if (dt == DT_I8 && ((uintptr_t)src & 3) == 0) { /* carved: the network takes int8 as it is */
      bl->scales = (const float *)(const void *)src;
      bl->q = (const int8_t *)(src + 4 * ch);
      bl->borrowed = 1;
      continue;
    }
#endif
    bl->data = malloc(sizeof(float) * (bl->count ? bl->count : 1));
    if (!bl->data) { es_caffe_free(net); return es_fail(ctx, STUDIO_E_NOMEM, "out of memory"); }
    if (dt == DT_F32) for (size_t k = 0; k < bl->count; k++) { uint32_t u = get32(src + 4 * k); memcpy(&bl->data[k], &u, 4); }
    else if (dt == DT_F16) for (size_t k = 0; k < bl->count; k++) bl->data[k] = es_half_to_float((uint16_t)(src[2 * k] | src[2 * k + 1] << 8));
    else {
      const int8_t *q = (const int8_t *)(src + 4 * ch);
      int axis = channel_axis(l);
      for (size_t c = 0; c < ch; c++) {
        uint32_t u = get32(src + 4 * c);
        float scale;
        memcpy(&scale, &u, 4);
        for (size_t j = 0; j < bl->count / ch; j++) { size_t k = slice(bl, axis, c, j); bl->data[k] = q[k] * scale; }
      }
    }
  }
  return es_ok(ctx);
}
