/* test_model.c - reading the colorizer's weights: the Caffe reader on synthetic models in the
 * genuine format (tools/make-test-model; OpenCV loads the same files), new-style and legacy
 * blobs, packed and unpacked floats, V1 layers, the architecture check and its refusals,
 * the .npy reader, and the built-in ab bin centres against the authors' pts_in_hull.npy. */
#include "check.h"
#include "fixtures.h"
#include "model/ab_bins.h"
#include "model/caffe.h"
#include "model/eccv16.h"
#include "model/modelfile.h"
#include "model/npy.h"
#include "fuzz_regressions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;
static int has(const char *s) { return strstr(studio_error(ctx), s) != NULL; }

static void pb_key(buf_t *b, unsigned field, unsigned wire) { uint8_t k = (uint8_t)(field << 3 | wire); if (field >= 16) { uint8_t kk[2] = {(uint8_t)(0x80 | (field << 3 | wire)), (uint8_t)(field >> 4)}; buf_put(b, kk, 2); } else buf_put(b, &k, 1); }
static void pb_varint(buf_t *b, uint64_t v) { do { uint8_t c = (uint8_t)(v & 0x7F); v >>= 7; if (v) c |= 0x80; buf_put(b, &c, 1); } while (v); }
static void pb_bytes(buf_t *b, unsigned field, const void *p, size_t n) { pb_key(b, field, 2); pb_varint(b, n); buf_put(b, p, n); }

/* A blob with legacy num/channels/height/width and n packed floats 0, 1, 2, ... */
static buf_t small_blob(int n) {
  buf_t blob = {0};
  int dims[4] = {1, 1, 1, n};
  for (int i = 0; i < 4; i++) { pb_key(&blob, (unsigned)i + 1, 0); pb_varint(&blob, (uint64_t)dims[i]); }
  float *v = malloc(sizeof(float) * n);
  for (int i = 0; i < n; i++) v[i] = (float)i;
  pb_bytes(&blob, 5, v, sizeof(float) * n);
  free(v);
  return blob;
}

static void handmade(void) {
  es_caffe_net net;
  /* legacy V1 layer: name 4, type 5 (enum, 4 = CONVOLUTION), blobs 6 */
  buf_t blob = small_blob(7), layer = {0}, file = {0};
  pb_bytes(&layer, 4, "bw_conv1_1", 10);
  pb_key(&layer, 5, 0); pb_varint(&layer, 4);
  pb_bytes(&layer, 6, blob.data, blob.len);
  pb_bytes(&file, 2, layer.data, layer.len);
  CHECKF(es_caffe_read(ctx, file.data, file.len, &net) == STUDIO_OK, "%s", studio_error(ctx));
  CHECK(net.nlayers == 1 && strcmp(net.layers[0].name, "bw_conv1_1") == 0 && strcmp(net.layers[0].type, "Convolution") == 0);
  CHECK(net.layers[0].nblobs == 1 && net.layers[0].blobs[0].count == 7 && net.layers[0].blobs[0].data[6] == 6.f);
  CHECK(es_eccv16_check(ctx, &net) == STUDIO_E_UNSUPPORTED && has("layer 'bw_conv1_1' weights should be 64x1x3x3"));
  es_caffe_free(&net);
  /* a different network: a layer with weights that ECCV16 does not have */
  buf_t l2 = {0}, f2 = {0};
  pb_bytes(&l2, 1, "fc1", 3); pb_bytes(&l2, 2, "InnerProduct", 12); pb_bytes(&l2, 7, blob.data, blob.len);
  pb_bytes(&f2, 100, l2.data, l2.len);
  CHECK(es_caffe_read(ctx, f2.data, f2.len, &net) == STUDIO_OK);
  CHECK(es_eccv16_check(ctx, &net) == STUDIO_E_UNSUPPORTED && has("unexpected layer 'fc1'"));
  es_caffe_free(&net);
  /* a blob whose data disagrees with its shape; truncations at every length */
  buf_t bad = small_blob(7);
  bad.data[7] = 9; /* width says 9, data has 7 */
  buf_t l3 = {0}, f3 = {0};
  pb_bytes(&l3, 1, "x", 1); pb_bytes(&l3, 7, bad.data, bad.len); pb_bytes(&f3, 100, l3.data, l3.len);
  CHECK(es_caffe_read(ctx, f3.data, f3.len, &net) == STUDIO_E_CORRUPT && has("holds 7 values but its shape says 9"));
  int refused = 1;
  for (size_t n = 1; n < f2.len; n++) refused &= es_caffe_read(ctx, f2.data, n, &net) != STUDIO_OK;
  CHECK(refused);
  CHECK(es_caffe_read(ctx, (const uint8_t *)"", 0, &net) == STUDIO_E_FORMAT && has("empty"));
  CHECK(es_caffe_read(ctx, (const uint8_t *)"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, &net) == STUDIO_E_FORMAT && has("this is a PNG image, not a model"));
  CHECK(es_caffe_read(ctx, (const uint8_t *)"\xff\xd8\xff\xe0", 4, &net) == STUDIO_E_FORMAT && has("this is a JPEG image, not a model"));
  free(blob.data); free(layer.data); free(file.data); free(l2.data); free(f2.data); free(bad.data); free(l3.data); free(f3.data);
}

/* A .npy of little-endian f4 values, version 1 header (shape as Python writes it: "(3, 2)") */
static buf_t npy_f4(const char *shape, const float *v, size_t n) {
  char hdr[128];
  int hl = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape);
  buf_t b = {0};
  buf_put(&b, "\x93NUMPY\x01\x00", 8);
  uint8_t hl2[2] = {(uint8_t)hl, 0};
  buf_put(&b, hl2, 2); buf_put(&b, hdr, (size_t)hl);
  buf_put(&b, v, sizeof(float) * n);
  return b;
}

static void npy(void) {
  float v[6] = {1, -2, 3.5f, 4, 5, -6};
  buf_t b = npy_f4("(3, 2)", v, 6);
  es_npy a;
  CHECK(es_npy_read(ctx, b.data, b.len, &a) == STUDIO_OK && a.ndim == 2 && a.dims[0] == 3 && a.dims[1] == 2 && a.data[2] == 3.5f && a.data[5] == -6.f);
  es_npy_free(&a);
  CHECK(es_npy_read(ctx, b.data, b.len - 4, &a) == STUDIO_E_CORRUPT && has("truncated"));
  CHECK(es_npy_read(ctx, (const uint8_t *)"hello world", 11, &a) == STUDIO_E_FORMAT);
  free(b.data);
}

/* class8_ab's 2 x 313 weights are these (313, 2) points */
static int ab_is(const es_caffe_net *net, const float *pts) {
  const es_caffe_layer *ab = es_caffe_find(net, "class8_ab");
  if (!ab || ab->nblobs < 1 || ab->blobs[0].count != 626 || !ab->blobs[0].data) return 0;
  for (int i = 0; i < 313; i++)
    if (ab->blobs[0].data[i] != pts[2 * i] || ab->blobs[0].data[313 + i] != pts[2 * i + 1]) return 0;
  return 1;
}

/* The built-in ab bin centres: equal to the authors' pts_in_hull.npy, used when no .npy is
 * given (whatever class8_ab held), and overridden by a .npy given explicitly. */
static void bins(void) {
  float table[626], other[626];
  int grid = 1;
  for (int i = 0; i < 313; i++) {
    table[2 * i] = es_ab_bins[i][0]; table[2 * i + 1] = es_ab_bins[i][1];
    grid &= es_ab_bins[i][0] % 10 == 0 && es_ab_bins[i][1] % 10 == 0;
    other[2 * i] = (float)i; other[2 * i + 1] = -(float)i;
  }
  CHECK(grid);
  char path[1024];
  size_t len;
  uint8_t *d = check_shared("reference/pts_in_hull.npy", path, sizeof path) ? check_read(path, &len) : NULL;
  es_npy ref;
  if (d && CHECKF(es_npy_read(ctx, d, len, &ref) == STUDIO_OK, "%s", studio_error(ctx))) {
    CHECKF(ref.ndim == 2 && ref.dims[0] == 313 && ref.dims[1] == 2, "pts_in_hull.npy is not 313 x 2");
    CHECKF(ref.count == 626 && memcmp(ref.data, table, sizeof table) == 0, "the built-in ab bin centres differ from %s", path);
    es_npy_free(&ref);
  }
  free(d);
  /* no class8_ab at all, no .npy: the table */
  es_caffe_net net = {0};
  CHECKF(es_eccv16_complete(ctx, &net, NULL, 0) == STUDIO_OK, "%s", studio_error(ctx));
  CHECK(ab_is(&net, table));
  /* an explicit .npy replaces it; one of the wrong size is refused and changes nothing */
  buf_t o = npy_f4("(313, 2)", other, 626), short_ = npy_f4("(312, 2)", other, 624);
  CHECKF(es_eccv16_complete(ctx, &net, short_.data, short_.len) == STUDIO_E_FORMAT && has("313 x 2 values, not 624"), "%s", studio_error(ctx));
  CHECK(ab_is(&net, table));
  CHECKF(es_eccv16_complete(ctx, &net, o.data, o.len) == STUDIO_OK, "%s", studio_error(ctx));
  CHECK(ab_is(&net, other));
  /* a file's own class8_ab (here the .npy's points) is replaced by the table when no .npy is given */
  CHECKF(es_eccv16_complete(ctx, &net, NULL, 0) == STUDIO_OK, "%s", studio_error(ctx));
  CHECK(ab_is(&net, table));
  es_caffe_free(&net);
  /* a synthetic model written without bin centres loads with no .npy (the table) */
  char mpath[1024];
  uint8_t *m = check_read(check_models("synthetic-2-no-bins.caffemodel", mpath, sizeof mpath), &len);
  if (!m) printf("SKIP: synthetic models missing (tools/studio test makes them)\n");
  else {
    es_caffe_net nm;
    CHECKF(es_caffe_read(ctx, m, len, &nm) == STUDIO_OK && es_eccv16_check(ctx, &nm) == STUDIO_OK, "%s", studio_error(ctx));
    const es_caffe_layer *ab = es_caffe_find(&nm, "class8_ab");
    CHECK(!ab || ab->nblobs == 0); /* the file really has none */
    CHECKF(es_eccv16_complete(ctx, &nm, NULL, 0) == STUDIO_OK, "%s", studio_error(ctx));
    CHECK(ab_is(&nm, table));
    es_caffe_free(&nm);
    studio_model *model = NULL;
    CHECKF(studio_model_load(ctx, m, len, NULL, 0, &model) == STUDIO_OK && model, "%s", studio_error(ctx));
    studio_model_free(model);
    CHECKF(studio_model_load(ctx, m, len, o.data, o.len, &model) == STUDIO_OK && model, "%s", studio_error(ctx));
    studio_model_free(model);
  }
  free(m); free(o.data); free(short_.data);
}

static uint8_t *load(const char *name, size_t *len) {
  char path[1024];
  return check_read(check_models(name, path, sizeof path), len);
}

static void synthetic_models(void) {
  size_t la, lb, lc;
  uint8_t *a = load("synthetic-1.caffemodel", &la);
  if (!a) { printf("SKIP: synthetic models missing (tools/studio test makes them)\n"); return; }
  uint8_t *b = load("synthetic-1-legacy-unpacked.caffemodel", &lb), *c = load("synthetic-3-broken-conv5_2.caffemodel", &lc);
  es_caffe_net na, nb;
  CHECKF(es_caffe_read(ctx, a, la, &na) == STUDIO_OK, "%s", studio_error(ctx));
  CHECKF(es_eccv16_check(ctx, &na) == STUDIO_OK, "%s", studio_error(ctx));
  CHECKF(b && es_caffe_read(ctx, b, lb, &nb) == STUDIO_OK, "%s", studio_error(ctx));
  CHECKF(es_eccv16_check(ctx, &nb) == STUDIO_OK, "%s", studio_error(ctx));
  /* the same seed written packed/new-style and unpacked/legacy: the same numbers */
  int same = na.nlayers == nb.nlayers, compared = 0;
  for (int i = 0; same && i < na.nlayers; i++) {
    const es_caffe_layer *x = &na.layers[i], *y = es_caffe_find(&nb, x->name);
    same = y && x->nblobs == y->nblobs;
    for (int k = 0; same && k < x->nblobs; k++, compared++)
      same = x->blobs[k].count == y->blobs[k].count && memcmp(x->blobs[k].data, y->blobs[k].data, sizeof(float) * x->blobs[k].count) == 0;
  }
  CHECKF(same && compared >= 60, "packed/new-style and unpacked/legacy files differ (%d blobs compared)", compared);
  const es_caffe_layer *bn = es_caffe_find(&na, "conv4_3norm");
  CHECK(bn && bn->blobs[2].data[0] > 100.f); /* Caffe's factor, not 1 */
  /* class8_ab carries the bin centres it was written with (`studio-cli convert --print-bins`,
   * equal to pts_in_hull.npy: bins() above), transposed */
  float table[626];
  for (int i = 0; i < 313; i++) { table[2 * i] = es_ab_bins[i][0]; table[2 * i + 1] = es_ab_bins[i][1]; }
  CHECK(ab_is(&na, table));
  es_caffe_net nc;
  CHECK(c && es_caffe_read(ctx, c, lc, &nc) == STUDIO_OK);
  CHECKF(es_eccv16_check(ctx, &nc) == STUDIO_E_UNSUPPORTED && has("layer 'conv5_2' weights should be 512x512x3x3"), "%s", studio_error(ctx));
  es_caffe_free(&nc);
  es_caffe_net nt;
  CHECKF(es_caffe_read(ctx, a, la / 2, &nt) == STUDIO_E_CORRUPT && has("truncated or corrupt Caffe model"), "%s", studio_error(ctx));
  es_caffe_free(&na); es_caffe_free(&nb);
  free(a); free(b); free(c);
}

/* What fuzzing found: refused, with a reason, and no read past the input (ASan checks that in
 * tools/studio fuzz). The readers get copies of exactly the bytes, so an over-read is caught. */
static void fuzz_regressions(void) {
  struct { const unsigned char *d; unsigned n; int npy; const char *why; } cases[] = {
      {npy_header_overrun_npy, npy_header_overrun_npy_len, 1, "corrupt .npy shape"},
      {npy_count_overflow_npy, npy_count_overflow_npy_len, 1, "truncated .npy data"},
      {esm_count_overflow_f16_esm, esm_count_overflow_f16_esm_len, 0, "has the wrong size"},
      {esm_count_overflow_f32_esm, esm_count_overflow_f32_esm_len, 0, "has the wrong size"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *copy = malloc(cases[i].n);
    if (!CHECK(copy != NULL)) return;
    memcpy(copy, cases[i].d, cases[i].n);
    studio_status s;
    if (cases[i].npy) {
      es_npy a;
      s = es_npy_read(ctx, copy, cases[i].n, &a);
      if (!s) es_npy_free(&a);
    } else {
      es_caffe_net net;
      es_precision p;
      s = es_model_read(ctx, copy, cases[i].n, &net, &p);
      if (!s) es_caffe_free(&net);
    }
    CHECKF(s == STUDIO_E_CORRUPT && strstr(studio_error(ctx), cases[i].why), "fuzz case %zu: status %d, '%s'", i, (int)s, studio_error(ctx));
    free(copy);
  }
}

/* es_half_to_float against the definition (sign, 5-bit exponent, 10-bit fraction) on all
 * 65536 halves: the network widens f16 weights with it as it reads them. */
static void halves(void) {
  int bad = 0;
  for (uint32_t h = 0; h < 65536; h++) {
    const int e = (h >> 10) & 31, m = h & 1023;
    const float want = e == 31 ? (m ? NAN : INFINITY) : e ? ldexpf(1.f + m / 1024.f, e - 15) : ldexpf((float)m, -24);
    float got = es_half_to_float((uint16_t)h);
    uint32_t gb;
    memcpy(&gb, &got, 4);
    if (e == 31 && m) bad += !(isnan(got) && (gb & 0x7FFFFF) == (uint32_t)m << 13 && (gb >> 31) == h >> 15);
    else bad += got != ((h & 0x8000) ? -want : want) || (gb >> 31) != h >> 15;
  }
  CHECKF(bad == 0, "es_half_to_float: %d of 65536 halves wrong", bad);
}

int main(void) {
  ctx = studio_create(&(studio_config){.threads = 1});
  halves();
  handmade();
  npy();
  bins();
  fuzz_regressions();
  synthetic_models();
  studio_destroy(ctx);
  return check_summary("test_model");
}
