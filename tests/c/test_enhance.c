/* test_enhance.c - the low-light enhancer, stage by stage and whole: CLAHE against a naive
 * implementation, the noise estimate on noise of known sigma, the tone curve's shape, and
 * studio_enhance on odd sizes, flat images, alpha, options and cancellation. */
#include "check.h"
#include "fixtures.h"
#include "api/studio.h"
#include "enhance/enhance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;


/* The same algorithm written the slow, obvious way: for each pixel, the four tiles' clipped
 * histograms rebuilt from scratch and their mappings interpolated. */
static float naive_clahe(const float *p, int w, int h, int tx, int ty, float clip, int x, int y) {
  float v = p[y * w + x], vals[2][2];
  es_clahe_pos px = es_clahe_position(tx, x, w), py = es_clahe_position(ty, y, h);
  int ti[2] = {px.i0, px.i1}, tj[2] = {py.i0, py.i1};
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++) {
      double hist[256] = {0};
      long count = 0;
      for (int yy = 0; yy < h; yy++)
        for (int xx = 0; xx < w; xx++)
          if ((long long)yy * ty / h == tj[a] && (long long)xx * tx / w == ti[b]) {
            int bin = (int)(p[yy * w + xx] * 255.f + 0.5f);
            hist[bin < 0 ? 0 : bin > 255 ? 255 : bin]++;
            count++;
          }
      double limit = floor(fmax(1.0, clip * count / 256.0)), excess = 0;
      for (int i = 0; i < 256; i++) if (hist[i] > limit) { excess += hist[i] - limit; hist[i] = limit; }
      long each = (long)excess / 256, rest = (long)excess % 256;
      double lut[256], acc = 0;
      for (int i = 0; i < 256; i++) { acc += hist[i] + each + (i < rest ? 1 : 0); lut[i] = acc / count; }
      float f = v * 255.f;
      int i = f >= 254.999f ? 254 : (int)f;
      float t = f - i;
      vals[a][b] = (float)(lut[i] + t * (lut[i + 1] - lut[i]));
    }
  float top = vals[0][0] + px.a * (vals[0][1] - vals[0][0]), bot = vals[1][0] + px.a * (vals[1][1] - vals[1][0]);
  return top + py.a * (bot - top);
}

static void clahe_matches_naive(void) {
  const int w = 37, h = 29;
  float p[37 * 29];
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) p[y * w + x] = (float)fmin(1.0, fmax(0.0, 0.3 + 0.4 * x / w + 0.1 * sin(y * 0.7) + 0.05 * fx_gauss()));
  int grids[][2] = {{4, 3}, {8, 8}, {2, 5}};
  for (int g = 0; g < 3; g++) {
    es_clahe c;
    CHECK(es_clahe_build(&c, p, w, h, (size_t)w, grids[g][0], grids[g][1], 2.f) == 0);
    float worst = 0.f;
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        float a = es_clahe_map(&c, p[y * w + x], es_clahe_position(c.tx, x, w), es_clahe_position(c.ty, y, h));
        float b = naive_clahe(p, w, h, c.tx, c.ty, 2.f, x, y);
        worst = fmaxf(worst, fabsf(a - b));
      }
    CHECKF(worst < 1e-5f, "CLAHE %dx%d differs from the naive version by %g", grids[g][0], grids[g][1], worst);
    es_clahe_free(&c);
  }
}

static void noise_estimate(void) {
  const float sigmas[] = {0.01f, 0.03f, 0.06f};
  const int w = 1024;
  float *buf = malloc(sizeof(float) * 9 * w);
  for (int s = 0; s < 3; s++) {
    es_noise_acc *acc = es_noise_acc_new();
    for (int row = 0; row < 200; row++) {
      const float *y[3], *co[3], *cg[3];
      for (int k = 0; k < 3; k++) {
        float *b = buf + 3 * k * w;
        for (int x = 0; x < w; x++) { b[x] = 0.5f + sigmas[s] * (float)fx_gauss(); b[w + x] = sigmas[s] * (float)fx_gauss(); b[2 * w + x] = sigmas[s] * (float)fx_gauss(); }
        y[k] = b; co[k] = b + w; cg[k] = b + 2 * w;
      }
      es_noise_acc_row(acc, y, co, cg, w);
    }
    es_noise n;
    es_noise_finish(acc, &n);
    float got = es_noise_at(n.luma, 0.5f), gotc = es_noise_at(n.chroma, 0.5f);
    CHECKF(fabsf(got - sigmas[s]) <= 0.2f * sigmas[s], "luma noise %g estimated as %g", sigmas[s], got);
    CHECKF(fabsf(gotc - sigmas[s]) <= 0.2f * sigmas[s], "chroma noise %g estimated as %g", sigmas[s], gotc);
  }
  free(buf);
}

static void tone_curve_shape(void) {
  es_exposure dark = {0.004f, 0.003f, 0.04f, 0.06f, 0.05f, 0.07f, 0.09f}, night = {0.01f, 0.005f, 0.3f, 0.9f, 0.5f, 0.95f, 1.f};
  es_exposure well = {0.18f, 0.2f, 0.85f, 0.95f, 0.9f, 0.97f, 1.f};
  const es_exposure *cases[] = {&dark, &night, &well};
  for (int c = 0; c < 3; c++)
    for (int st = 0; st <= 2; st++) {
      es_tone t = es_tone_plan(cases[c], st * 0.5f, 0.18f);
      float prev = -1.f;
      int mono = 1;
      for (int i = 0; i <= 4000; i++) {
        float v = es_tone_curve(&t, i / 1000.f);
        if (v < prev - 1e-7f || v > 1.f || v < 0.f || v != v) mono = 0;
        prev = v;
      }
      CHECKF(mono, "tone curve not monotonic within 0..1 (case %d, strength %.1f)", c, st * 0.5f);
      if (st == 0) {
        float worst = 0.f;
        for (int i = 0; i <= 1000; i++) worst = fmaxf(worst, fabsf(es_tone_curve(&t, i / 1000.f) - i / 1000.f));
        CHECKF(worst == 0.f && t.gain == 1.f, "strength 0 is not the identity (case %d, off by %g)", c, worst);
      }
    }
  es_tone t = es_tone_plan(&dark, 1.f, 0.18f);
  CHECKF(t.gain > 8.f, "a frame exposed at 1/12 gets gain %g", t.gain);
  t = es_tone_plan(&well, 1.f, 0.18f);
  CHECKF(t.gain == 1.f && t.lift == 0.f && t.effect == 0.f, "a well-exposed frame gets gain %g lift %g", t.gain, t.lift);
  /* saturated colours keep their hue: channel ratios survive the shoulder */
  t = es_tone_plan(&night, 1.f, 0.18f);
  float in[3] = {0.9f, 0.45f, 0.1f}, out[3];
  es_tone_pixel(&t, in, out);
  CHECKF(out[0] <= 1.f && fabsf(out[1] / out[0] - 0.5f) < 1e-4f && fabsf(out[2] / out[0] - 0.1f / 0.9f) < 1e-4f, "hue changed: %g %g %g", out[0], out[1], out[2]);
}

/* a dark, noisy w x h image with c channels (alpha a ramp) */
static studio_image dark_image(int w, int h, int c, float level) {
  studio_image img;
  studio_image_alloc(ctx, w, h, c, &img);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int k = 0; k < c; k++) {
        double v = level * (0.4 + 0.6 * (x + 1.0) / w) * (k == 1 ? 1.0 : 0.8) + 3.0 * fx_gauss();
        img.pixels[((size_t)y * w + x) * c + k] = (uint8_t)((c == 2 || c == 4) && k == c - 1 ? (x * 7 + y) & 255 : fmin(255, fmax(0, v)));
      }
  return img;
}

static double mean_of(const studio_image *img, int k) {
  double s = 0;
  for (size_t i = 0; i < (size_t)img->width * img->height; i++) s += img->pixels[i * img->channels + k];
  return s / ((double)img->width * img->height);
}

static void whole_enhancer(void) {
  int sizes[][2] = {{1, 1}, {1, 1000}, {1000, 1}, {3, 5}, {33, 17}, {600, 401}, {2, 900}};
  for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int c = 1; c <= 4; c++) {
      studio_image in = dark_image(sizes[s][0], sizes[s][1], c, 30.f), out;
      if (!CHECKF(studio_enhance(ctx, &in, NULL, &out) == STUDIO_OK, "%dx%d c%d: %s", in.width, in.height, c, studio_error(ctx))) { studio_image_free(&in); continue; }
      int alpha_ok = 1;
      if (c == 2 || c == 4)
        for (size_t i = 0; i < (size_t)in.width * in.height; i++) alpha_ok &= out.pixels[i * c + c - 1] == in.pixels[i * c + c - 1];
      CHECKF(alpha_ok, "%dx%d c%d: alpha changed", in.width, in.height, c);
      if (in.width * in.height >= 1000) CHECKF(mean_of(&out, 0) > mean_of(&in, 0) + 20, "%dx%d c%d: not brighter (%.1f -> %.1f)", in.width, in.height, c, mean_of(&in, 0), mean_of(&out, 0));
      studio_image_free(&in); studio_image_free(&out);
    }
  /* flat black and flat white come out sane */
  for (int v = 0; v <= 255; v += 255) {
    studio_image in, out;
    studio_image_alloc(ctx, 64, 48, 3, &in);
    memset(in.pixels, v, 64 * 48 * 3);
    CHECK(studio_enhance(ctx, &in, NULL, &out) == STUDIO_OK);
    CHECKF(v == 0 ? mean_of(&out, 1) < 3 : mean_of(&out, 1) > 250, "flat %d came out as %.1f", v, mean_of(&out, 1));
    studio_image_free(&in); studio_image_free(&out);
  }
}

static void denoising_works(void) {
  /* a flat dark grey with strong noise: denoised, its noise after the gain is far lower */
  studio_image in, a, b;
  studio_image_alloc(ctx, 256, 256, 3, &in);
  for (size_t i = 0; i < 256 * 256 * 3; i++) in.pixels[i] = (uint8_t)fmin(255, fmax(0, 40 + 6 * fx_gauss()));
  studio_enhance_options o;
  studio_enhance_defaults(&o);
  o.denoise = 0.f; o.sharpen = 0.f;
  CHECK(studio_enhance(ctx, &in, &o, &a) == STUDIO_OK);
  o.denoise = -1.f;
  CHECK(studio_enhance(ctx, &in, &o, &b) == STUDIO_OK);
  double va = 0, vb = 0, ma = mean_of(&a, 1), mb = mean_of(&b, 1);
  for (size_t i = 0; i < 256 * 256; i++) { va += pow(a.pixels[3 * i + 1] - ma, 2); vb += pow(b.pixels[3 * i + 1] - mb, 2); }
  CHECKF(vb < 0.25 * va, "auto denoise left noise variance %.1f of %.1f", vb / 65536, va / 65536);
  CHECKF(fabs(ma - mb) < 3, "denoising shifted the level: %.1f vs %.1f", ma, mb);
  studio_image_free(&in); studio_image_free(&a); studio_image_free(&b);
}

static int cancel_enhance(void *u, const char *stage, float f) { (void)u; (void)f; return strcmp(stage, "enhance") == 0; }

static void options_and_errors(void) {
  studio_enhance_options o;
  studio_enhance_defaults(&o);
  CHECK(studio_enhance_set(ctx, &o, "local-contrast", "0.5") == STUDIO_OK && o.local_contrast == 0.5f);
  CHECK(studio_enhance_set(ctx, &o, "denoise", "auto") == STUDIO_OK && o.denoise == -1.f);
  CHECK(studio_enhance_set(ctx, &o, "tiles", "12") == STUDIO_OK && o.tiles == 12);
  CHECK(studio_enhance_set(ctx, &o, "tiles", "2.5") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "whole number"));
  CHECK(studio_enhance_set(ctx, &o, "strength", "2") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "strength must be in 0..1"));
  CHECK(studio_enhance_set(ctx, &o, "sharpen", "lots") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "needs a number"));
  CHECK(studio_enhance_set(ctx, &o, "glow", "1") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "unknown enhance option 'glow'"));
  CHECK(o.strength == 1.f); /* a refused value leaves the options as they were */
  studio_image in = dark_image(40, 30, 3, 30.f), out;
  o.clip_limit = 0.5f;
  CHECK(studio_enhance(ctx, &in, &o, &out) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "clip_limit") && out.pixels == NULL);
  studio_enhance_defaults(&o);
  o.strength = 0.f;
  CHECK(studio_enhance(ctx, &in, &o, &out) == STUDIO_OK && memcmp(out.pixels, in.pixels, 40 * 30 * 3) == 0);
  studio_image_free(&out);
  studio_ctx *c = studio_create(&(studio_config){.threads = 1, .progress = cancel_enhance});
  CHECK(studio_enhance(c, &in, NULL, &out) == STUDIO_E_CANCELLED && out.pixels == NULL);
  studio_destroy(c);
  studio_image_free(&in);
}

int main(void) {
  fx_seed(88172645463325252ull);
  ctx = studio_create(NULL);
  clahe_matches_naive();
  noise_estimate();
  tone_curve_shape();
  whole_enhancer();
  denoising_works();
  options_and_errors();
  studio_destroy(ctx);
  return check_summary("test_enhance");
}
