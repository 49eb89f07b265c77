/* test_local.c - local exposure (src/enhance/local.c) through studio_enhance: a backlit step
 * (a bright sky half beside a dark building half) gets its dark half lifted with no halo band
 * at the edge and no inverted order; a night sky stays black; a well-exposed photo is
 * untouched; the options' ranges and refusals; the fast log2/exp2 against libm. */
#include "check.h"
#include "fixtures.h"
#include "api/studio.h"
#include "color/color.h"
#include "enhance/enhance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;


enum { W = 480, H = 320, EDGE = 240 };

/* Left of EDGE a bright sky, right a dark wall; texture runs along y only (stripes), so a
 * column's mean is flat on each side and any band near the edge is the enhancer's doing. */
static studio_image backlit_step(void) {
  studio_image img;
  studio_image_alloc(ctx, W, H, 3, &img);
  for (int y = 0; y < H; y++) {
    double stripe = sin(y * 0.21);
    for (int x = 0; x < W; x++) {
      uint8_t *p = img.pixels + ((size_t)y * W + x) * 3;
      if (x < EDGE) { p[0] = fx_u8(190 + 8 * stripe + 2 * fx_gauss()); p[1] = fx_u8(205 + 8 * stripe + 2 * fx_gauss()); p[2] = fx_u8(230 + 6 * stripe + 2 * fx_gauss()); }
      else { p[0] = fx_u8(16 + 4 * stripe + 2 * fx_gauss()); p[1] = fx_u8(13 + 4 * stripe + 2 * fx_gauss()); p[2] = fx_u8(11 + 3 * stripe + 2 * fx_gauss()); }
    }
  }
  return img;
}

static studio_image run(const studio_image *in, const char *shadows, const char *highlights) {
  studio_enhance_options o;
  studio_enhance_defaults(&o);
  if (shadows) CHECK(studio_enhance_set(ctx, &o, "shadows", shadows) == STUDIO_OK);
  if (highlights) CHECK(studio_enhance_set(ctx, &o, "highlights", highlights) == STUDIO_OK);
  studio_image out = {0};
  CHECKF(studio_enhance(ctx, in, &o, &out) == STUDIO_OK, "enhance: %s", studio_error(ctx));
  return out;
}

/* the green channel's mean over each column */
static void column_means(const studio_image *img, double *col) {
  for (int x = 0; x < img->width; x++) {
    double s = 0;
    for (int y = 0; y < img->height; y++) s += img->pixels[((size_t)y * img->width + x) * img->channels + 1];
    col[x] = s / img->height;
  }
}
static double span_mean(const double *col, int x0, int x1) {
  double s = 0;
  for (int x = x0; x < x1; x++) s += col[x];
  return s / (x1 - x0);
}

static void backlit_step_lifted_without_halo(void) {
  studio_image in = backlit_step(), global = run(&in, "0", NULL), local = run(&in, NULL, NULL);
  double g[W], l[W];
  column_means(&global, g);
  column_means(&local, l);
  double wall_g = span_mean(g, EDGE + 60, W - 20), wall_l = span_mean(l, EDGE + 60, W - 20);
  double sky_g = span_mean(g, 20, EDGE - 60), sky_l = span_mean(l, 20, EDGE - 60);
  CHECKF(wall_l > wall_g + 20, "the dark wall was not lifted: %.1f with one gain, %.1f with local exposure", wall_g, wall_l);
  CHECKF(fabs(sky_l - sky_g) < 6, "the sky moved: %.1f -> %.1f", sky_g, sky_l);
  CHECKF(wall_l < sky_l - 60, "lightness order: wall %.1f, sky %.1f", wall_l, sky_l);
  /* a halo is a band near the edge that leaves its side's level: darker sky, brighter wall */
  int dark_band = 0, bright_band = 0;
  for (int x = EDGE - 40; x < EDGE; x++) dark_band += l[x] < sky_l - 4;
  for (int x = EDGE; x < EDGE + 40; x++) bright_band += l[x] > wall_l + 4;
  CHECKF(dark_band <= 3 && bright_band <= 3, "halo at the edge: %d px of darkened sky, %d px of brightened wall (sky %.1f, wall %.1f; at the edge %.1f | %.1f)",
         dark_band, bright_band, sky_l, wall_l, l[EDGE - 1], l[EDGE]);
  /* the most shadows: still no inversion, and more lift than auto's or none */
  studio_image most = run(&in, "1", NULL), half = run(&in, "0.5", NULL);
  double m[W], h[W];
  column_means(&most, m);
  column_means(&half, h);
  double wall_m = span_mean(m, EDGE + 60, W - 20), wall_h = span_mean(h, EDGE + 60, W - 20);
  CHECKF(wall_g < wall_h && wall_h < wall_m, "shadows 0 / 0.5 / 1 must lift more each: %.1f %.1f %.1f", wall_g, wall_h, wall_m);
  CHECKF(wall_m < span_mean(m, 20, EDGE - 60) - 40, "shadows 1 inverted the order: wall %.1f", wall_m);
  /* highlights hold the sky back, and only the sky */
  studio_image held = run(&in, NULL, "1");
  double k[W];
  column_means(&held, k);
  CHECKF(span_mean(k, 20, EDGE - 60) < sky_l - 5, "highlights 1 left the sky at %.1f (was %.1f)", span_mean(k, 20, EDGE - 60), sky_l);
  CHECKF(span_mean(k, 20, EDGE - 60) > wall_l + 40, "highlights 1 pushed the sky under the wall");
  /* colour kept: the lifted wall keeps its hue (red over green over blue) */
  double r = 0, gg = 0, b = 0;
  for (int y = 0; y < H; y++)
    for (int x = EDGE + 60; x < W - 20; x++) {
      const uint8_t *p = local.pixels + ((size_t)y * W + x) * 3;
      r += p[0]; gg += p[1]; b += p[2];
    }
  CHECKF(r > gg && gg > b, "the wall's hue turned: R %.0f G %.0f B %.0f", r, gg, b);
  studio_image *all[] = {&in, &global, &local, &most, &half, &held};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) studio_image_free(all[i]);
}

/* L* of an 8-bit sRGB pixel */
static double lstar(const uint8_t *p) {
  double y = 0.2126 * es_srgb_to_linear(p[0] / 255.f) + 0.7152 * es_srgb_to_linear(p[1] / 255.f) + 0.0722 * es_srgb_to_linear(p[2] / 255.f);
  return y > 216.0 / 24389 ? 116 * cbrt(y) - 16 : y * 24389.0 / 27;
}

static double mean_lstar(const studio_image *img, int y0, int y1) {
  double s = 0;
  for (int y = y0; y < y1; y++)
    for (int x = 0; x < img->width; x++) s += lstar(img->pixels + ((size_t)y * img->width + x) * 3);
  return s / ((double)(y1 - y0) * img->width);
}

static void night_sky_stays_black(void) {
  /* the top half a noisy night sky; below, a lit building and a dark street */
  for (int dim = 1; dim >= 0; dim--) {
    const double sky = dim ? 1.5 : 5;
    studio_image in;
    studio_image_alloc(ctx, W, H, 3, &in);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        uint8_t *p = in.pixels + ((size_t)y * W + x) * 3;
        double v = y < H / 2 ? sky : (x > 120 && x < 360 && y < 3 * H / 4) ? 150 + 30 * sin(x * 0.3) : 14 + 4 * sin(y * 0.5);
        for (int k = 0; k < 3; k++) p[k] = fx_u8(v * (k == 2 ? 0.8 : 1) + (dim ? 1 : 1.5) * fx_gauss());
      }
    studio_image local = run(&in, NULL, NULL), global = run(&in, "0", NULL);
    const double sky_l = mean_lstar(&local, 0, H / 4), sky_g = mean_lstar(&global, 0, H / 4);
    const double street_in = mean_lstar(&in, 3 * H / 4 + 10, H), street_g = mean_lstar(&global, 3 * H / 4 + 10, H), street_l = mean_lstar(&local, 3 * H / 4 + 10, H);
    /* the local stage leaves the sky where one gain put it (black stays black), and lifts the street */
    CHECKF(sky_l <= sky_g + 1, "sky %.1f: L* %.1f with one gain, %.1f with local exposure", sky, sky_g, sky_l);
    if (dim) CHECKF(sky_l <= 6, "the black night sky came out at L* %.1f", sky_l);
    CHECKF(street_l > street_g + 5, "sky %.1f: the street was not lifted: L* %.1f in, %.1f with one gain, %.1f with local exposure", sky, street_in, street_g, street_l);
    studio_image_free(&in); studio_image_free(&local); studio_image_free(&global);
  }
}

static void well_exposed_untouched(void) {
  /* a well-exposed scene with a dark door: local exposure leaves it exactly as one gain does */
  studio_image in;
  studio_image_alloc(ctx, W, H, 3, &in);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *p = in.pixels + ((size_t)y * W + x) * 3;
      double v = (x > 200 && x < 260 && y > 120) ? 30 : 90 + 120.0 * x / W + 20 * sin(y * 0.1);
      for (int k = 0; k < 3; k++) p[k] = fx_u8(v * (1 - 0.1 * k) + 2 * fx_gauss());
    }
  studio_image a = run(&in, NULL, NULL), b = run(&in, "0", NULL);
  CHECK(memcmp(a.pixels, b.pixels, (size_t)W * H * 3) == 0);
  studio_image_free(&in); studio_image_free(&a); studio_image_free(&b);
}

static void options(void) {
  studio_enhance_options o;
  studio_enhance_defaults(&o);
  CHECK(o.shadows == -1.f && o.highlights == 0.f);
  CHECK(studio_enhance_set(ctx, &o, "shadows", "0.3") == STUDIO_OK && o.shadows == 0.3f);
  CHECK(studio_enhance_set(ctx, &o, "shadows", "auto") == STUDIO_OK && o.shadows == -1.f);
  CHECK(studio_enhance_set(ctx, &o, "highlights", "1") == STUDIO_OK && o.highlights == 1.f);
  CHECK(studio_enhance_set(ctx, &o, "shadows", "1.5") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "shadows must be in 0..1, not 1.5"));
  CHECK(studio_enhance_set(ctx, &o, "shadows", "-0.5") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "shadows must be in 0..1"));
  CHECK(studio_enhance_set(ctx, &o, "highlights", "auto") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "highlights needs a number, not 'auto'"));
  CHECK(studio_enhance_set(ctx, &o, "highlights", "2") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "highlights must be in 0..1, not 2"));
  CHECK(o.shadows == -1.f && o.highlights == 1.f); /* refusals change nothing */
  studio_image in = backlit_step(), out;
  o.shadows = 7.f;
  CHECK(studio_enhance(ctx, &in, &o, &out) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "shadows") && out.pixels == NULL);
  studio_image_free(&in);
}

static void fast_math(void) {
  float worst_log = 0.f, worst_coded = 0.f;
  for (int i = 1; i <= 4096; i++) {
    float c = i / 4096.f, want = log2f(es_srgb_to_linear(c)), got = es_local_log2(c);
    if (want > ES_LOCAL_LO && fabsf(got - want) > worst_log) worst_log = fabsf(got - want);
  }
  for (float x = ES_LOCAL_LO; x <= 0.f; x += 0.01f) {
    float want = es_linear_to_srgb(exp2f(x)), got = es_local_coded(x);
    if (fabsf(got - want) > worst_coded) worst_coded = fabsf(got - want);
  }
  CHECKF(worst_log < 1e-3f, "log2 of coded off by %g stops", worst_log);
  CHECKF(worst_coded < 1e-4f, "coded of log2 off by %g", worst_coded);
}

int main(void) {
  fx_seed(0x9e3779b97f4a7c15ull);
  ctx = studio_create(NULL);
  options();
  fast_math();
  backlit_step_lifted_without_halo();
  night_sky_stays_black();
  well_exposed_untouched();
  studio_destroy(ctx);
  return check_summary("test_local");
}
