/* test_net.c - the network as XNNPACK operators against OpenCV DNN on the same synthetic
 * caffemodel (tests/ref/net_refs.py): conv8_313's logits, and ab after the annealed-mean
 * readout, within 0.05 (Lab units) as the colorization issue asks; in every build. The inputs
 * are made by net_refs.py (a textured grey photo, a random field), plus Kodak's kodim23 when
 * ../shared has it. The bin centres are the built-in table (test_model checks it against the
 * authors' pts_in_hull.npy). */
#include "check.h"
#include "colorize/calibration.h"
#include "colorize/guided.h"
#include "colorize/int8_check.h"
#include "colorize/readout.h"
#include "model/caffe.h"
#include "net/eccv16_net.h"
#include "net/winograd.h"
#include "model/modelfile.h"
#include "model/eccv16.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* OpenCV DNN's logits and ab for one (model, input, size) case: ours within 0.05 in ab, with
 * XNNPACK's direct convolutions and with the automatic choice (Winograd), and at 224 also with
 * the other tile everywhere; Winograd's logits also within 1e-3 (relative to their range) of
 * the direct path's. */
static void parity(studio_ctx *ctx, const char *model, const char *input, int size) {
  static const char *conv_names[] = {"auto", "direct", "winograd", "F(2x2,3x3)", "F(4x4,3x3)"};
  static const es_conv convs[] = {ES_CONV_DIRECT, ES_CONV_AUTO, ES_CONV_F2}; /* direct first: the others compare to it */
  char path[1200], name[256];
  size_t len;
  snprintf(name, sizeof name, "%s.caffemodel", model);
  uint8_t *data = check_read(check_models(name, path, sizeof path), &len);
  es_caffe_net caffe;
  const int q = size / 4;
  const size_t nlogits = (size_t)q * q * ES_AB_BINS;
  if (!CHECKF(data && es_caffe_read(ctx, data, len, &caffe) == STUDIO_OK, "%s: %s", model, studio_error(ctx))) { free(data); return; }
  if (!CHECKF(es_eccv16_complete(ctx, &caffe, NULL, 0) == STUDIO_OK, "%s", studio_error(ctx))) { /* no bin centres to read ab with */
    es_caffe_free(&caffe); free(data);
    return;
  }
  float bins[2 * ES_AB_BINS];
  es_eccv16_bins(&caffe, bins);
  check_ref_t l = {0}, want_logits = {0}, want_ab = {0};
  char base[1100];
  snprintf(name, sizeof name, "opencv/%s.%s-%d", model, input, size);
  check_models(name, base, sizeof base);
  snprintf(path, sizeof path, "%s.l.ref", base);
  int refs = CHECK(check_ref_file(path, &l));
  snprintf(path, sizeof path, "%s.logits.ref", base);
  refs = refs && CHECK(check_ref_file(path, &want_logits));
  snprintf(path, sizeof path, "%s.ab.ref", base);
  refs = refs && CHECK(check_ref_file(path, &want_ab));
  float *logits = malloc(sizeof(float) * nlogits), *direct = malloc(sizeof(float) * nlogits), *ab = malloc(sizeof(float) * q * q * 2),
        *x = malloc(sizeof(float) * size * size);
  for (int c = 0; refs && c < (size == 224 ? 3 : 2); c++) {
    es_eccv16_net *net = NULL;
    if (!CHECKF(es_eccv16_net_create(ctx, &caffe, size, 0, convs[c], &net) == STUDIO_OK, "%s", studio_error(ctx))) continue;
    for (int i = 0; i < size * size; i++) x[i] = ((float *)l.data)[i] - 50.f;
    CHECKF(es_eccv16_net_run(ctx, net, x, logits) == STUDIO_OK, "%s", studio_error(ctx));
    es_eccv16_net_destroy(net);
    float dl = 0.f, scale = 0.f, dd = 0.f;
    for (size_t i = 0; i < nlogits; i++) {
      dl = fmaxf(dl, fabsf(logits[i] - ((float *)want_logits.data)[i]));
      scale = fmaxf(scale, fabsf(((float *)want_logits.data)[i]));
      dd = fmaxf(dd, fabsf(logits[i] - direct[i]));
    }
    if (convs[c] == ES_CONV_DIRECT) memcpy(direct, logits, sizeof(float) * nlogits);
    es_ab_readout(logits, (size_t)q * q, 2.606f, bins, 1.f, ab, NULL);
    float dab = 0.f;
    for (size_t i = 0; i < (size_t)q * q * 2; i++) dab = fmaxf(dab, fabsf(ab[i] - ((float *)want_ab.data)[i]));
    const char *how = conv_names[convs[c]];
    CHECKF(dab < 0.05f, "%s %s at %d, %s: ab differs from OpenCV DNN by %g", model, input, size, how, dab);
    CHECKF(dl < 1e-3f * scale + 1e-3f, "%s %s at %d, %s: logits differ from OpenCV DNN by %g (range %g)", model, input, size, how, dl, scale);
    if (convs[c] != ES_CONV_DIRECT) {
      CHECKF(dd <= 1e-3f * scale, "%s %s at %d, %s: logits differ from the direct path's by %g (range %g)", model, input, size, how, dd, scale);
      printf("%s, %s at %d, %s: max |logits - OpenCV| %.2g, max |logits - direct| %.2g (%.1e of the range %.3g), max |ab - OpenCV| %.3g\n", model, input,
             size, how, dl, dd, dd / scale, scale, dab);
    } else
      printf("%s, %s at %d, %s: max |logits - OpenCV| %.2g (of %.3g), max |ab - OpenCV| %.3g\n", model, input, size, how, dl, scale, dab);
  }
  free(l.data); free(want_logits.data); free(want_ab.data);
  free(logits); free(direct); free(ab); free(x); free(data);
  es_caffe_free(&caffe);
}

/* Edge-aware enlargement: across a sharp step in L that falls between the low-resolution
 * samples, the colour follows the step; bilinear smears it over several pixels. */
static void guided_edges(void) {
  enum { Q = 8, W = 64 };
  float ab[Q * Q * 2], low_l[Q * Q], lab[3 * W];
  for (int y = 0; y < Q; y++)
    for (int x = 0; x < Q; x++) { /* dark left (a = -40), bright right (a = +40) */
      int right = x >= 4;
      low_l[y * Q + x] = right ? 80.f : 20.f;
      ab[2 * (y * Q + x)] = right ? 40.f : -40.f;
      ab[2 * (y * Q + x) + 1] = 5.f;
    }
  es_guided g;
  if (!CHECK(es_guided_init(&g, Q, Q, W, W, ES_GUIDED_TAPS) == 0)) return;
  for (int x = 0; x < W; x++) lab[3 * x] = x >= 32 ? 80.f : 20.f; /* the photo's own edge at 32 */
  es_guided_row(&g, ab, low_l, 30, 0, W, lab, 0);
  float worst = 0.f;
  for (int x = 0; x < W; x++) worst = fmaxf(worst, fabsf(lab[3 * x + 1] - (x >= 32 ? 40.f : -40.f)));
  CHECKF(worst < 1.f, "guided: colour strays %g from its side of the edge", worst);
  CHECK(fabsf(lab[3 * 10 + 2] - 5.f) < 1e-3f);
  /* flat L: a smooth tent average, monotonic across the colour change */
  for (int x = 0; x < W; x++) lab[3 * x] = 50.f;
  for (int i = 0; i < Q * Q; i++) low_l[i] = 50.f;
  es_guided_row(&g, ab, low_l, 30, 0, W, lab, 0);
  int monotonic = 1;
  for (int x = 1; x < W; x++) monotonic &= lab[3 * x + 1] >= lab[3 * (x - 1) + 1] - 1e-4f;
  CHECK(monotonic && lab[1] < -39.f && lab[3 * (W - 1) + 1] > 39.f && fabsf(lab[3 * 31 + 1]) < 20.f);
  es_guided_free(&g);
}

/* The int8 check images: lightness over most of 0..100, each different, the same every time,
 * and photo-like in having detail at every scale: neighbours correlate strongly, yet pixels
 * far apart do not (a 1/f image, unlike white noise or a flat ramp). */
static void calibration_images(void) {
  enum { S = 224 };
  static float a[S * S], b[S * S], first[S * S];
  for (int k = 0; k < ES_CALIBRATION_IMAGES; k++) {
    es_calibration_image(k, S, a);
    es_calibration_image(k, S, b);
    CHECKF(memcmp(a, b, sizeof a) == 0, "check image %d differs between two calls", k);
    if (k == 0) memcpy(first, a, sizeof a);
    else CHECKF(memcmp(a, first, sizeof a) != 0, "check image %d equals image 0", k);
    double mean = 0, var = 0, near = 0, far = 0;
    float lo = 100.f, hi = 0.f;
    for (int i = 0; i < S * S; i++) { mean += a[i]; lo = fminf(lo, a[i]); hi = fmaxf(hi, a[i]); }
    mean /= S * S;
    for (int y = 0; y < S; y++)
      for (int x = 0; x + 64 < S; x++) {
        const double d = a[y * S + x] - mean;
        var += d * d; near += d * (a[y * S + x + 1] - mean); far += d * (a[y * S + x + 64] - mean);
      }
    near /= var; far /= var;
    CHECKF(lo >= 0.f && hi <= 100.f && hi - lo > 60.f && mean > 25 && mean < 75, "check image %d: L %g..%g, mean %g", k, lo, hi, mean);
    CHECKF(near > 0.8 && far < 0.8 * near, "check image %d: correlation %.2f at 1 pixel, %.2f at 64", k, near, far);
  }
}

/* Winograd transforming the weights at each run, a block of output channels at a time,
 * against the former way, the transformed weights stored and packed once: the same U, V the
 * products' left operand both ways and each sum along the input channels in the same order,
 * so the logits are equal bit for bit (seen natively and in both WASM builds; the bound below
 * allows float rounding should XNNPACK ever pick another kernel for one of them). Auto's
 * F(4x4) and F(2x2) everywhere, 224 and 256. */
static void winograd_on_the_fly(studio_ctx *ctx, const char *path) {
  size_t len;
  uint8_t *data = check_read(path, &len);
  es_caffe_net caffe;
  if (!CHECK(data && es_caffe_read(ctx, data, len, &caffe) == STUDIO_OK)) { free(data); return; }
  static const struct { int size; es_conv conv; const char *name; } cases[] = {{224, ES_CONV_AUTO, "auto"}, {224, ES_CONV_F2, "F(2x2,3x3)"}, {256, ES_CONV_AUTO, "auto"}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const int size = cases[c].size, q = size / 4;
    const size_t nl = (size_t)q * q * ES_AB_BINS;
    float *x = malloc(sizeof(float) * size * size), *lg[2] = {malloc(sizeof(float) * nl), malloc(sizeof(float) * nl)};
    size_t bytes[2] = {0, 0};
    for (int i = 0; i < size * size; i++) x[i] = (float)((i * 7919) % 100) - 50.f;
    const int was = es_winograd_keep_transforms;
    for (int keep = 0; keep < 2; keep++) {
      es_eccv16_net *net = NULL;
      es_winograd_keep_transforms = keep;
      if (CHECKF(es_eccv16_net_create(ctx, &caffe, size, 0, cases[c].conv, &net) == STUDIO_OK, "%s", studio_error(ctx)))
        CHECKF(es_eccv16_net_run(ctx, net, x, lg[keep]) == STUDIO_OK, "%s", studio_error(ctx));
      if (net) bytes[keep] = es_eccv16_net_bytes(net);
      es_eccv16_net_destroy(net);
    }
    es_winograd_keep_transforms = was;
    float d = 0.f, scale = 0.f;
    size_t same = 0;
    for (size_t i = 0; i < nl; i++) {
      d = fmaxf(d, fabsf(lg[0][i] - lg[1][i]));
      scale = fmaxf(scale, fabsf(lg[1][i]));
      same += lg[0][i] == lg[1][i];
    }
    CHECKF(d <= 1e-5f * scale, "Winograd %s at %d: weights transformed at each run differ from stored ones by %g (range %g)", cases[c].name, size, d, scale);
    CHECKF(bytes[0] * 3 < bytes[1], "Winograd %s at %d: %zu bytes on the fly, %zu stored", cases[c].name, size, bytes[0], bytes[1]);
    printf("Winograd %s at %d, weights transformed at each run vs stored: max |delta logits| %.2g (range %.3g), %.1f%% bit-equal; network %.0f MB vs %.0f MB\n",
           cases[c].name, size, d, scale, 100.0 * same / nl, bytes[0] / 1048576.0, bytes[1] / 1048576.0);
    free(x); free(lg[0]); free(lg[1]);
  }
  es_caffe_free(&caffe);
  free(data);
}

int main(void) {
  studio_ctx *ctx = studio_create(NULL);
  calibration_images();
  char path[1024];
  size_t len;
  check_models("synthetic-1.caffemodel", path, sizeof path);
  guided_edges();
  FILE *probe = fopen(path, "rb");
  if (probe) fclose(probe);
  if (!probe) { printf("SKIP: %s missing (tools/studio test makes it)\n", path); studio_destroy(ctx); return check_summary("test_net"); }
  /* several seeds, inputs and network sizes (tests/ref/net_refs.py) */
  parity(ctx, "synthetic-1", "random", 224);
  winograd_on_the_fly(ctx, path);
  parity(ctx, "synthetic-1", "scene", 256);
  parity(ctx, "synthetic-1", "scene", 512);
  parity(ctx, "synthetic-2-no-bins", "scene", 224);
  parity(ctx, "synthetic-2-no-bins", "random", 320);
  char kodak[1024];
  if (check_shared("datasets/kodak/kodim23.png", kodak, sizeof kodak)) parity(ctx, "synthetic-1", "kodim23", 224);
  float bins[2 * ES_AB_BINS];
  {
    uint8_t *data = check_read(path, &len);
    es_caffe_net caffe;
    if (CHECK(data && es_caffe_read(ctx, data, len, &caffe) == STUDIO_OK)) {
      es_eccv16_bins(&caffe, bins);
      es_caffe_free(&caffe);
    }
    free(data);
  }

  /* the whole pipeline against OpenCV's sample pipeline, on a grey photo at full size */
  char full[1200];
  uint8_t *png = check_read(check_models("opencv/scene-grey.png", full, sizeof full), &len);
  check_models("opencv/scene-pipeline.ref", full, sizeof full);
  check_ref_t want;
  studio_model *model = NULL;
  size_t mlen;
  uint8_t *mdata = check_read(path, &mlen);
  studio_image grey, col;
  if (png && mdata && CHECK(check_ref_file(full, &want)) && CHECK(studio_decode(ctx, png, len, &grey) == STUDIO_OK) &&
      CHECKF(studio_model_load(ctx, mdata, mlen, NULL, 0, &model) == STUDIO_OK, "%s", studio_error(ctx)) &&
      CHECKF(studio_colorize(ctx, model, &grey, NULL, &col) == STUDIO_OK, "%s", studio_error(ctx))) {
    size_t n = (size_t)col.width * col.height * 3, hist[256] = {0};
    double sum = 0;
    for (size_t i = 0; i < n; i++) { int d = abs(col.pixels[i] - ((uint8_t *)want.data)[i]); sum += d; hist[d]++; }
    size_t acc = 0;
    int p999 = 0;
    for (; p999 < 256; p999++) { acc += hist[p999]; if (acc >= 0.999 * n) break; }
    CHECKF(col.channels == 3 && col.width == want.w && sum / n <= 0.5 && p999 <= 2, "pipeline vs OpenCV: mean %.3f, 99.9th percentile %d levels", sum / n, p999);
    printf("pipeline vs OpenCV's: mean |diff| %.3f levels, 99.9th percentile %d\n", sum / n, p999);
    /* a second call with other vibrance reads the cached distribution: same size, other colours */
    studio_colorize_options o;
    studio_colorize_defaults(&o);
    o.vibrance = 0.2f; o.saturation = 1.5f;
    studio_image bold;
    CHECK(studio_colorize(ctx, model, &grey, &o, &bold) == STUDIO_OK && memcmp(bold.pixels, col.pixels, n) != 0);
    studio_image_free(&bold);
    /* the confidence of that call: the network's grid, in 0..1, not constant */
    int cw = 0, chh = 0;
    const float *conf = studio_colorize_confidence(model, &cw, &chh);
    float cmin = 1.f, cmax = 0.f;
    for (int i = 0; conf && i < cw * chh; i++) { cmin = fminf(cmin, conf[i]); cmax = fmaxf(cmax, conf[i]); }
    CHECKF(conf && cw == 56 && chh == 56 && cmin >= 0.f && cmax <= 1.f && cmax > cmin, "confidence %dx%d in %g..%g", cw, chh, cmin, cmax);
    /* edge-aware: the same colours in flat areas (close to bilinear on average), other pixels at edges */
    studio_colorize_defaults(&o);
    o.edge_aware = 1;
    if (CHECKF(studio_colorize(ctx, model, &grey, &o, &bold) == STUDIO_OK, "%s", studio_error(ctx))) {
      double diff = 0;
      size_t changed = 0;
      for (size_t i = 0; i < n; i++) { int d = abs(bold.pixels[i] - col.pixels[i]); diff += d; changed += d > 0; }
      CHECKF(diff / n < 2.0 && changed > n / 100, "edge-aware vs bilinear: mean %.3f levels, %zu of %zu values differ", diff / n, changed, n);
      printf("edge-aware vs bilinear: mean |diff| %.3f levels, %.1f%% of values differ\n", diff / n, 100.0 * changed / n);
    }
    studio_image_free(&bold);
    o.edge_aware = 2;
    CHECK(studio_colorize(ctx, model, &grey, &o, &bold) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "edge_aware"));
    studio_colorize_defaults(&o);
    o.vibrance = 5.f;
    CHECK(studio_colorize(ctx, model, &grey, &o, &bold) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "vibrance"));
    studio_image_free(&bold); studio_image_free(&col); studio_image_free(&grey); free(want.data);
  }
  studio_model_free(model);
  free(png);

  /* our model file: f32 reads back to the same numbers; f16 and int8 stay close in ab */
  if (mdata) {
    float *ref_ab = NULL;
    float *l50 = malloc(sizeof(float) * 224 * 224), *lg = malloc(sizeof(float) * 56 * 56 * ES_AB_BINS), *abq = malloc(sizeof(float) * 56 * 56 * 2);
    for (int i = 0; i < 224 * 224; i++) l50[i] = (float)((i * 37) % 100) - 50.f + 10.f * sinf(i * 0.001f);
    const char *precisions[] = {"f32", "f16", "int8"};
    const float max_bound[] = {0.f, 0.1f, 4.f}; /* int8 runs quantized: weights and activations */
    for (int p = 0; p < 3; p++) {
      uint8_t *file = NULL;
      size_t flen = 0;
      es_caffe_net back;
      es_precision got;
      es_eccv16_net *qn = NULL;
      studio_convert_report r;
      if (!CHECKF(studio_model_convert(ctx, mdata, mlen, NULL, 0, precisions[p], &file, &flen, &r) == STUDIO_OK, "%s", studio_error(ctx))) continue;
      CHECKF(strcmp(r.precision, precisions[p]) == 0 && r.int8_checked == (p == 2) && !r.int8_refused, "%s: report says %s", precisions[p], r.precision);
      if (p == 2) {
        CHECKF(r.p99 > 0.f && r.p99 <= r.max && r.p99 <= ES_INT8_P99_BOUND, "int8 check: p99 %g max %g", r.p99, r.max);
        printf("int8 checked against f32 on the %d check images: |delta ab| 99th percentile %.3f, max %.3f (bound %.1f)\n", ES_CALIBRATION_IMAGES, r.p99, r.max, r.bound);
      }
      CHECK(es_model_read(ctx, file, flen, &back, &got) == STUDIO_OK && (int)got == p);
      if (p == 1) /* f16 convolution weights stay half (widened as the network reads them), biases f32 */
        CHECKF(back.layers && es_caffe_find(&back, "conv5_1")->blobs[0].h && !es_caffe_find(&back, "conv5_1")->blobs[0].data && es_caffe_find(&back, "conv5_1")->blobs[1].data,
               "f16 weights are not carved");
      CHECKF(es_eccv16_net_create(ctx, &back, 224, p == 2, ES_CONV_AUTO, &qn) == STUDIO_OK, "%s", studio_error(ctx));
      if (qn && es_eccv16_net_run(ctx, qn, l50, lg) == STUDIO_OK) {
        es_ab_readout(lg, 56 * 56, 2.606f, bins, 1.f, abq, NULL);
        if (p == 0) { ref_ab = malloc(sizeof(float) * 56 * 56 * 2); memcpy(ref_ab, abq, sizeof(float) * 56 * 56 * 2); }
        double sum = 0; float mx = 0.f;
        for (int i = 0; ref_ab && i < 56 * 56 * 2; i++) { float d = fabsf(abq[i] - ref_ab[i]); sum += d; mx = fmaxf(mx, d); }
        CHECKF(mx <= max_bound[p], "%s model: max |delta ab| %g over the bound %g", precisions[p], mx, max_bound[p]);
        printf("%s model file: %zu bytes, |delta ab| vs f32 mean %.4f max %.4f\n", precisions[p], flen, sum / (56 * 56 * 2), mx);
      }
      es_eccv16_net_destroy(qn);
      if (p == 2) { /* the carved int8 weights widened for f32 operators: the same network, close to f32 */
        es_eccv16_net *wide = NULL;
        CHECKF(back.layers && es_caffe_find(&back, "conv5_1")->blobs[0].q && !es_caffe_find(&back, "conv5_1")->blobs[0].data, "int8 weights are not carved");
        if (CHECKF(es_eccv16_net_create(ctx, &back, 224, 0, ES_CONV_AUTO, &wide) == STUDIO_OK, "%s", studio_error(ctx)) && es_eccv16_net_run(ctx, wide, l50, lg) == STUDIO_OK) {
          es_ab_readout(lg, 56 * 56, 2.606f, bins, 1.f, abq, NULL);
          float mx = 0.f;
          for (int i = 0; ref_ab && i < 56 * 56 * 2; i++) mx = fmaxf(mx, fabsf(abq[i] - ref_ab[i]));
          CHECKF(mx <= max_bound[2], "int8 weights on f32 operators: max |delta ab| %g", mx);
          printf("int8 weights on f32 operators: max |delta ab| vs f32 %.4f\n", mx);
        }
        es_eccv16_net_destroy(wide);
      }
      es_caffe_free(&back);
      if (p == 0) {
        /* refusals: one flipped byte, a cut, another version */
        es_caffe_net bad;
        file[flen / 2] ^= 1;
        CHECK(es_model_read(ctx, file, flen, &bad, &got) == STUDIO_E_CORRUPT && strstr(studio_error(ctx), "checksum mismatch"));
        file[flen / 2] ^= 1;
        CHECK(es_model_read(ctx, file, flen - 100, &bad, &got) == STUDIO_E_CORRUPT && strstr(studio_error(ctx), "truncated"));
        file[8] = 9;
        CHECK(es_model_read(ctx, file, flen, &bad, &got) == STUDIO_E_UNSUPPORTED && strstr(studio_error(ctx), "version 9"));
        file[8] = 1;
        studio_model *fm = NULL;
        CHECKF(studio_model_load(ctx, file, flen, NULL, 0, &fm) == STUDIO_OK, "%s", studio_error(ctx));
        studio_model_free(fm);
      }
      studio_free(file);
    }
    CHECK(studio_model_convert(ctx, mdata, mlen, NULL, 0, "int4", &png, &len, NULL) == STUDIO_E_ARGUMENT);
    /* int8 that fails its check (a bound nothing meets) is written as f16, and says so */
    uint8_t *file = NULL;
    size_t flen = 0;
    studio_convert_report r;
    if (CHECKF(es_model_convert(ctx, mdata, mlen, NULL, 0, "int8", 0.f, &file, &flen, &r) == STUDIO_OK, "%s", studio_error(ctx))) {
      es_caffe_net back;
      es_precision got = ES_PRECISION_INT8;
      CHECK(r.int8_checked && r.int8_refused && strcmp(r.precision, "f16") == 0 && r.p99 > 0.f);
      CHECK(es_model_read(ctx, file, flen, &back, &got) == STUDIO_OK && got == ES_PRECISION_F16);
      es_caffe_free(&back);
      studio_free(file);
    }
    free(ref_ab); free(l50); free(lg); free(abq);
  }
  free(mdata);
  studio_destroy(ctx);
  return check_summary("test_net");
}
