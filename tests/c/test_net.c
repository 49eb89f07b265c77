/* test_net.c - the network as XNNPACK operators against OpenCV DNN on the same synthetic
 * caffemodel (tests/ref/net_refs.py): conv8_313's logits, and ab after the annealed-mean
 * readout, within 0.05 (Lab units) as the colorization issue asks; in every build. */
#include "check.h"
#include "colorize/readout.h"
#include "model/caffe.h"
#include "net/eccv16_net.h"
#include "model/modelfile.h"
#include "model/eccv16.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  studio_ctx *ctx = studio_create(NULL);
  char path[1024];
  snprintf(path, sizeof path, "%s/synthetic-1.caffemodel", ES_TEST_MODELS);
  size_t len;
  uint8_t *data = check_read(path, &len);
  if (!data) { printf("SKIP: %s missing (tools/studio test makes it when ../shared is present)\n", path); studio_destroy(ctx); return check_summary("test_net"); }
  es_caffe_net caffe;
  es_eccv16_net *net = NULL;
  CHECKF(es_caffe_read(ctx, data, len, &caffe) == STUDIO_OK, "%s", studio_error(ctx));
  free(data);
  CHECKF(es_eccv16_net_create(ctx, &caffe, 224, 0, &net) == STUDIO_OK, "%s", studio_error(ctx));
  const es_caffe_layer *ab_layer = es_caffe_find(&caffe, "class8_ab");
  float bins[2 * ES_AB_BINS];
  for (int i = 0; i < ES_AB_BINS; i++) { bins[2 * i] = ab_layer->blobs[0].data[i]; bins[2 * i + 1] = ab_layer->blobs[0].data[ES_AB_BINS + i]; }
  const char *inputs[] = {"kodim23", "random"};
  float *logits = malloc(sizeof(float) * 56 * 56 * ES_AB_BINS), *ab = malloc(sizeof(float) * 56 * 56 * 2), *x = malloc(sizeof(float) * 224 * 224);
  for (int t = 0; net && t < 2; t++) {
    check_ref_t l, want_logits, want_ab;
    char full[1200];
    snprintf(full, sizeof full, "%s/opencv/%s.l.ref", ES_TEST_MODELS, inputs[t]);
    if (!CHECK(check_ref_file(full, &l))) continue;
    snprintf(full, sizeof full, "%s/opencv/%s.logits.ref", ES_TEST_MODELS, inputs[t]);
    if (!CHECK(check_ref_file(full, &want_logits))) { free(l.data); continue; }
    snprintf(full, sizeof full, "%s/opencv/%s.ab.ref", ES_TEST_MODELS, inputs[t]);
    if (!CHECK(check_ref_file(full, &want_ab))) { free(l.data); free(want_logits.data); continue; }
    for (int i = 0; i < 224 * 224; i++) x[i] = ((float *)l.data)[i] - 50.f;
    CHECKF(es_eccv16_net_run(ctx, net, x, logits) == STUDIO_OK, "%s", studio_error(ctx));
    float dl = 0.f, scale = 0.f;
    for (size_t i = 0; i < 56 * 56 * ES_AB_BINS; i++) {
      dl = fmaxf(dl, fabsf(logits[i] - ((float *)want_logits.data)[i]));
      scale = fmaxf(scale, fabsf(((float *)want_logits.data)[i]));
    }
    es_ab_readout(logits, 56 * 56, 2.606f, bins, 1.f, ab, NULL);
    float dab = 0.f;
    for (size_t i = 0; i < 56 * 56 * 2; i++) dab = fmaxf(dab, fabsf(ab[i] - ((float *)want_ab.data)[i]));
    CHECKF(dab < 0.05f, "%s: ab differs from OpenCV DNN by %g", inputs[t], dab);
    CHECKF(dl < 1e-3f * scale + 1e-3f, "%s: logits differ from OpenCV DNN by %g (range %g)", inputs[t], dl, scale);
    printf("%s: max |logits - OpenCV| %.2g (of %.3g), max |ab - OpenCV| %.3g\n", inputs[t], dl, scale, dab);
    free(l.data); free(want_logits.data); free(want_ab.data);
  }
  free(logits); free(ab); free(x);

  /* the whole pipeline against OpenCV's sample pipeline, on a grey photo at full size */
  char full[1200];
  snprintf(full, sizeof full, "%s/opencv/kodim23-grey.png", ES_TEST_MODELS);
  uint8_t *png = check_read(full, &len);
  snprintf(full, sizeof full, "%s/opencv/kodim23-pipeline.ref", ES_TEST_MODELS);
  check_ref_t want;
  studio_model *model = NULL;
  snprintf(path, sizeof path, "%s/synthetic-1.caffemodel", ES_TEST_MODELS);
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
      if (!CHECKF(studio_model_convert(ctx, mdata, mlen, NULL, 0, precisions[p], &file, &flen) == STUDIO_OK, "%s", studio_error(ctx))) continue;
      CHECK(es_model_read(ctx, file, flen, &back, &got) == STUDIO_OK && (int)got == p);
      CHECKF(es_eccv16_net_create(ctx, &back, 224, p == 2, &qn) == STUDIO_OK, "%s", studio_error(ctx));
      if (qn && es_eccv16_net_run(ctx, qn, l50, lg) == STUDIO_OK) {
        es_ab_readout(lg, 56 * 56, 2.606f, bins, 1.f, abq, NULL);
        if (p == 0) { ref_ab = malloc(sizeof(float) * 56 * 56 * 2); memcpy(ref_ab, abq, sizeof(float) * 56 * 56 * 2); }
        double sum = 0; float mx = 0.f;
        for (int i = 0; ref_ab && i < 56 * 56 * 2; i++) { float d = fabsf(abq[i] - ref_ab[i]); sum += d; mx = fmaxf(mx, d); }
        CHECKF(mx <= max_bound[p], "%s model: max |delta ab| %g over the bound %g", precisions[p], mx, max_bound[p]);
        printf("%s model file: %zu bytes, |delta ab| vs f32 mean %.4f max %.4f\n", precisions[p], flen, sum / (56 * 56 * 2), mx);
      }
      es_eccv16_net_destroy(qn);
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
    CHECK(studio_model_convert(ctx, mdata, mlen, NULL, 0, "int4", &png, &len) == STUDIO_E_ARGUMENT);
    free(ref_ab); free(l50); free(lg); free(abq);
  }
  free(mdata);
  es_eccv16_net_destroy(net);
  es_caffe_free(&caffe);
  studio_destroy(ctx);
  return check_summary("test_net");
}
