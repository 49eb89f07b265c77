/* exports.c - the WASM module's entry points, called by web/core.js (inside a worker).
 *
 * Thin by design: each wraps one public function, taking pointers into the module's
 * memory. JS never touches pixels beyond copying bytes in and out.
 * Build: emcmake cmake -S . -B build/wasm-st -DES_THIRD_PARTY=<prefix> && cmake --build build/wasm-st
 */
#include "../api/studio.h"
#include "../colorize/colorize_internal.h" /* es_model_load_owned */
#include "../image/formats.h" /* es_check_size */

#include <emscripten.h>
#include <stdlib.h>
#include <string.h>

/* Progress goes to Module.onProgress(stage, fraction) when the worker installed one. */
EM_JS(int, es_js_progress, (const char *stage, float fraction), {
  if (Module["onProgress"]) return Module["onProgress"](UTF8ToString(stage), fraction) ? 1 : 0;
  return 0;
});

static int progress(void *user, const char *stage, float fraction) { (void)user; return es_js_progress(stage, fraction); }

EMSCRIPTEN_KEEPALIVE studio_ctx *es_wasm_create(int threads) {
  studio_config cfg = {.threads = threads, .progress = progress};
  return studio_create(&cfg);
}
EMSCRIPTEN_KEEPALIVE void es_wasm_destroy(studio_ctx *ctx) { studio_destroy(ctx); }
EMSCRIPTEN_KEEPALIVE const char *es_wasm_error(studio_ctx *ctx) { return studio_error(ctx); }
EMSCRIPTEN_KEEPALIVE int es_wasm_status(studio_ctx *ctx) { return (int)studio_last_status(ctx); }
EMSCRIPTEN_KEEPALIVE int es_wasm_threads(studio_ctx *ctx) { return studio_threads(ctx); }

/* out[9] = format, width, height, stored width, stored height, channels, bit depth,
 * orientation, progressive; desc receives studio_info_describe's line. */
EMSCRIPTEN_KEEPALIVE int es_wasm_probe(studio_ctx *ctx, const uint8_t *data, size_t len, int32_t *out, char *desc, size_t desc_len) {
  studio_info i;
  studio_status s = studio_probe(ctx, data, len, &i);
  if (s) return (int)s;
  int32_t v[9] = {i.format, i.width, i.height, i.stored_width, i.stored_height, i.channels, i.bit_depth, i.orientation, i.progressive};
  for (int k = 0; k < 9; k++) out[k] = v[k];
  studio_info_describe(&i, desc, desc_len);
  return 0;
}

/* The core's size limits (studio_config) on a width and height that the page read from a
 * header the core does not parse (WebP, GIF, AVIF, HEIC), before the browser decodes a
 * pixel: 0, or the status with the core's own sentence. Doubles: such headers hold up to 32
 * bits per side, which an int would wrap. */
EMSCRIPTEN_KEEPALIVE int es_wasm_check_size(studio_ctx *ctx, double w, double h) { return (int)es_check_size(ctx, (long long)w, (long long)h); }

/* Images cross the boundary as heap-allocated studio_image handles. */
static studio_image *boxed(studio_image img) {
  studio_image *p = malloc(sizeof *p);
  if (!p) { studio_image_free(&img); return NULL; }
  *p = img;
  return p;
}

EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_decode(studio_ctx *ctx, const uint8_t *data, size_t len) {
  studio_image img;
  return studio_decode(ctx, data, len, &img) ? NULL : boxed(img);
}
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_image_new(studio_ctx *ctx, int w, int h, int c) {
  studio_image img;
  return studio_image_alloc(ctx, w, h, c, &img) ? NULL : boxed(img);
}
EMSCRIPTEN_KEEPALIVE void es_wasm_image_free(studio_image *img) {
  if (!img) return;
  studio_image_free(img);
  free(img);
}
EMSCRIPTEN_KEEPALIVE uint8_t *es_wasm_image_pixels(studio_image *img) { return img->pixels; }
EMSCRIPTEN_KEEPALIVE int es_wasm_image_width(studio_image *img) { return img->width; }
EMSCRIPTEN_KEEPALIVE int es_wasm_image_height(studio_image *img) { return img->height; }
EMSCRIPTEN_KEEPALIVE int es_wasm_image_channels(studio_image *img) { return img->channels; }

/* Returns the encoded bytes (free with free()) and their length in *out_len. */
EMSCRIPTEN_KEEPALIVE uint8_t *es_wasm_encode(studio_ctx *ctx, studio_image *img, int format, int quality, size_t *out_len) {
  uint8_t *out;
  return studio_encode(ctx, img, (studio_format)format, quality, &out, out_len) ? NULL : out;
}

EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_resize(studio_ctx *ctx, studio_image *img, int w, int h, int filter) {
  studio_image out;
  return studio_resize(ctx, img, w, h, (studio_resize_filter)filter, &out) ? NULL : boxed(out);
}

/* The digest as 16 hex digits into hex[17] (JS has no 64-bit integers to take it). */
EMSCRIPTEN_KEEPALIVE void es_wasm_image_digest(studio_image *img, char *hex) {
  static const char digits[] = "0123456789abcdef";
  uint64_t d = studio_image_digest(img);
  for (int i = 15; i >= 0; i--, d >>= 4) hex[i] = digits[d & 15];
  hex[16] = 0;
}

/* A job's options live in the module's heap (es_wasm_JOB_options: the defaults, free with
 * free()), set by name (es_wasm_JOB_set) so JS and the CLI share the core's names, ranges and
 * messages. */
#define ES_WASM_OPTIONS(job)                                                                                                     \
  EMSCRIPTEN_KEEPALIVE studio_##job##_options *es_wasm_##job##_options(void) {                                                   \
    studio_##job##_options *o = malloc(sizeof *o);                                                                               \
    if (o) studio_##job##_defaults(o);                                                                                           \
    return o;                                                                                                                    \
  }                                                                                                                              \
  EMSCRIPTEN_KEEPALIVE int es_wasm_##job##_set(studio_ctx *ctx, studio_##job##_options *o, const char *name, const char *value) { \
    return (int)studio_##job##_set(ctx, o, name, value);                                                                         \
  }

/* Enhancement. */
ES_WASM_OPTIONS(enhance)
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_enhance(studio_ctx *ctx, studio_image *img, studio_enhance_options *o) {
  studio_image out;
  return studio_enhance(ctx, img, o, &out) ? NULL : boxed(out);
}

/* Faded colour. A report crosses as floats, report[11]: retention[3], stain[3], veil, gain,
 * evidence, colour, strength. */
ES_WASM_OPTIONS(restore)
static void fade_floats(const studio_fade_report *r, float *out) {
  const float v[11] = {r->retention[0], r->retention[1], r->retention[2], r->stain[0], r->stain[1], r->stain[2],
                       r->veil, r->gain, r->evidence, r->colour, r->strength};
  memcpy(out, v, sizeof v);
}
EMSCRIPTEN_KEEPALIVE int es_wasm_restore_analyze(studio_ctx *ctx, studio_image *img, float *report) {
  studio_fade_report r;
  studio_status s = studio_restore_analyze(ctx, img, &r);
  if (s == STUDIO_OK) fade_floats(&r, report);
  return (int)s;
}
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_restore(studio_ctx *ctx, studio_image *img, studio_restore_options *o, float *report) {
  studio_image out;
  studio_fade_report r;
  if (studio_restore(ctx, img, o, &out, &r)) return NULL;
  fade_floats(&r, report);
  return boxed(out);
}

/* Dust, scratches and cracks. A mask is a studio_image the photo's size (the core refuses
 * any other, and grey+alpha, with its own sentence). */
ES_WASM_OPTIONS(repair)
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_repair_detect(studio_ctx *ctx, studio_image *img, studio_repair_options *o) {
  studio_image mask;
  return studio_repair_detect(ctx, img, o, &mask) ? NULL : boxed(mask);
}
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_repair_heal(studio_ctx *ctx, studio_image *img, studio_image *mask, studio_repair_options *o) {
  studio_image out;
  return studio_repair_heal(ctx, img, mask, o, &out) ? NULL : boxed(out);
}
/* Detect (mask NULL) or heal exactly mask; *used receives the mask healed (a handle). */
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_repair(studio_ctx *ctx, studio_image *img, studio_repair_options *o, studio_image *mask, studio_image **used) {
  studio_image out, m;
  if (studio_repair(ctx, img, o, mask, &out, &m)) return NULL;
  studio_image *pm = boxed(m), *po = pm ? boxed(out) : (studio_image_free(&out), NULL);
  if (!po) {
    es_wasm_image_free(pm);
    return NULL;
  }
  *used = pm;
  return po;
}
/* A mask's refusal, if any, without healing anything: 0 or the status with the core's sentence. */
EMSCRIPTEN_KEEPALIVE int es_wasm_repair_check(studio_ctx *ctx, int width, int height, studio_image *mask) {
  return (int)studio_repair_check_mask(ctx, width, height, mask);
}
/* The heal's tile, margin and wide hole's side (studio_repair_reach; which 0, 1, 2), for the
 * page's re-heal of a stroke's tiles. */
EMSCRIPTEN_KEEPALIVE int es_wasm_repair_reach(int which) {
  int r[3];
  studio_repair_reach(&r[0], &r[1], &r[2]);
  return r[which < 0 || which > 2 ? 0 : which];
}

/* Colorization: one model per module instance, loaded from the bytes of a caffemodel or a
 * converted file in a malloc'd buffer the model takes over (a converted file's weights are
 * used where they lie, so loading never holds two copies; a caffemodel's is freed once read). */
EMSCRIPTEN_KEEPALIVE studio_model *es_wasm_model_load(studio_ctx *ctx, uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len) {
  studio_model *m;
  return es_model_load_owned(ctx, data, len, pts, pts_len, &m) ? NULL : m;
}
EMSCRIPTEN_KEEPALIVE void es_wasm_model_free(studio_model *m) { studio_model_free(m); }
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_colorize(studio_ctx *ctx, studio_model *m, studio_image *img, float vibrance, float saturation, int size,
                                                    int edge_aware, int conv) {
  studio_colorize_options o = {vibrance, saturation, size, edge_aware, conv};
  studio_image out;
  return studio_colorize(ctx, m, img, &o, &out) ? NULL : boxed(out);
}

/* The last colorize call's confidence map: its size through *side (square). */
EMSCRIPTEN_KEEPALIVE const float *es_wasm_colorize_confidence(studio_model *m, int *side) { return studio_colorize_confidence(m, side, NULL); }

/* Convert a caffemodel to our model file in the module ("f32", "f16" or "int8"); what was
 * written into report: [precision written: 0 f32, 1 f16, 2 int8; int8 checked; int8 refused;
 * p99; max; bound] as floats. */
EMSCRIPTEN_KEEPALIVE uint8_t *es_wasm_model_convert(studio_ctx *ctx, const uint8_t *data, size_t len, const uint8_t *pts, size_t pts_len,
                                                    const char *precision, size_t *out_len, float *report) {
  uint8_t *out;
  studio_convert_report r;
  if (studio_model_convert(ctx, data, len, pts, pts_len, precision, &out, out_len, &r)) return NULL;
  const float v[6] = {strcmp(r.precision, "f32") == 0 ? 0.f : strcmp(r.precision, "f16") == 0 ? 1.f : 2.f, (float)r.int8_checked, (float)r.int8_refused, r.p99, r.max, r.bound};
  memcpy(report, v, sizeof v);
  return out;
}

/* Colour hints: the hints travel as the hints file's JSON, so the page, the JS API and the
 * CLI share one reader and its messages. */
/* width, height > 0: the hints must also be for a photo of that size. */
EMSCRIPTEN_KEEPALIVE studio_hints *es_wasm_hints_parse(studio_ctx *ctx, const char *json, size_t len, int width, int height) {
  studio_hints *h = malloc(sizeof *h);
  if (!h) return NULL;
  if (studio_hints_parse(ctx, json, len, h)) { free(h); return NULL; }
  if (width > 0 && studio_hints_check(ctx, h, width, height)) { studio_hints_free(h); free(h); return NULL; }
  return h;
}
EMSCRIPTEN_KEEPALIVE void es_wasm_hints_free(studio_hints *h) {
  studio_hints_free(h);
  free(h);
}
EMSCRIPTEN_KEEPALIVE char *es_wasm_hints_write(studio_ctx *ctx, studio_hints *h, size_t *len) {
  char *json;
  return studio_hints_write(ctx, h, &json, len) ? NULL : json;
}

/* The hint options from JS: a negative value (or 0 for the sizes) keeps the core's default. */
static void options(studio_colorize_options *c, studio_hint_options *o, float vibrance, float saturation, int size, int edge_aware, int conv,
                    float trust, float work_mp, float tolerance) {
  *c = (studio_colorize_options){vibrance, saturation, size, edge_aware, conv};
  studio_hint_defaults(o);
  if (trust >= 0.f) o->trust = trust;
  if (work_mp > 0.f) o->work_megapixels = work_mp;
  if (tolerance > 0.f) o->tolerance = tolerance;
}

EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_colorize_hints(studio_ctx *ctx, studio_model *m, studio_image *img, float vibrance, float saturation,
                                                          int size, int edge_aware, int conv, studio_hints *h, float trust, float work_mp,
                                                          float tolerance) {
  studio_colorize_options c;
  studio_hint_options o;
  options(&c, &o, vibrance, saturation, size, edge_aware, conv, trust, work_mp, tolerance);
  studio_image out;
  return studio_colorize_hints(ctx, m, img, &c, h, &o, &out) ? NULL : boxed(out);
}

EMSCRIPTEN_KEEPALIVE studio_hint_session *es_wasm_hints_begin(studio_ctx *ctx, studio_model *m, studio_image *img, float vibrance, float saturation,
                                                              int size, int edge_aware, int conv, float trust, float work_mp, float tolerance) {
  studio_colorize_options c;
  studio_hint_options o;
  options(&c, &o, vibrance, saturation, size, edge_aware, conv, trust, work_mp, tolerance);
  studio_hint_session *s;
  return studio_hints_begin(ctx, m, img, &c, &o, &s) ? NULL : s;
}
EMSCRIPTEN_KEEPALIVE int es_wasm_hints_update(studio_ctx *ctx, studio_hint_session *s, studio_hints *h) { return (int)studio_hints_update(ctx, s, h); }
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_hints_preview(studio_ctx *ctx, studio_hint_session *s) {
  studio_image out;
  return studio_hints_preview(ctx, s, &out) ? NULL : boxed(out);
}
EMSCRIPTEN_KEEPALIVE studio_image *es_wasm_hints_render(studio_ctx *ctx, studio_hint_session *s) {
  studio_image out;
  return studio_hints_render(ctx, s, &out) ? NULL : boxed(out);
}
/* out[4] = working width, height, iterations, estimated error */
EMSCRIPTEN_KEEPALIVE void es_wasm_hints_stats(studio_hint_session *s, float *out) {
  int w, h, it;
  float e;
  studio_hints_stats(s, &w, &h, &it, &e);
  out[0] = (float)w; out[1] = (float)h; out[2] = (float)it; out[3] = e;
}
EMSCRIPTEN_KEEPALIVE void es_wasm_hints_end(studio_hint_session *s) { studio_hints_end(s); }

/* Up to max suggested colours at (x, y): rgb[max*3], prob[max]; returns how many. */
EMSCRIPTEN_KEEPALIVE int es_wasm_colorize_suggest(studio_model *m, float x, float y, int max, uint8_t *rgb, float *prob) {
  return studio_colorize_suggest(m, x, y, max, rgb, prob);
}
