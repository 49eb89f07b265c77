/* test_repair.c - dust and scratches (issue 26): a known mask healed on a synthetic textured
 * photo (small error inside the mask, every pixel outside it unchanged byte for byte); drawn
 * scratches and specks found on a synthetic photo, next to nothing on its clean version nor on
 * a clean photo of thin dark structures of its own (boards and their gaps, grain, mortar); bad
 * masks and options refused with reasons; cancellation; grey and alpha; wide holes healed with
 * the bricks around them (not smeared, nothing from far away), alike on any thread count, and
 * cancelled inside and between them; the detector's trees read only features it computes. */
#include "check.h"
#include "fixtures.h"
#include "api/studio.h"
#include "repair/repair.h"
#include "repair/detect_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { W = 320, H = 224 };
static studio_ctx *ctx;

/* Smooth shading, soft stripes and a little grain: texture the fill must continue. */
static studio_image photo(int channels) {
  studio_image img;
  studio_image_alloc(ctx, W, H, channels, &img);
  fx_seed(26);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const double base = 110 + 50 * sin(x * 0.021) * cos(y * 0.017) + 25 * sin((x + 0.6 * y) * 0.11);
      uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * channels;
      for (int k = 0; k < channels; k++) p[k] = k == 3 || (channels == 2 && k == 1) ? (uint8_t)((x + y) % 251) : fx_u8(base + 12 * k + fx_gauss());
    }
  return img;
}

/* Scratches (dark and bright lines 1-3 px, straight and slanted) and specks into mask, drawn on img. */
static void damage(studio_image *img, studio_image *mask) {
  studio_image_alloc(ctx, W, H, 1, mask);
  const int cc = img->channels >= 3 ? 3 : 1;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const double d1 = fabs(y - (0.35 * x + 30)), d2 = fabs(x - (200 + 0.1 * y)), d3 = fabs(y - 170 - 6 * sin(x * 0.05));
      int v = 0;
      if (d1 < 1.0) v = 1;               /* dark, 2 px */
      else if (d2 < 1.5 && y > 20) v = 2; /* bright, 3 px */
      else if (d3 < 0.6 && x > 40 && x < 280) v = 1; /* dark, wavy, 1 px */
      for (int s = 0; s < 12; s++) {     /* specks */
        const int sx = 23 + s * 25, sy = 60 + (s * 37) % 90;
        if ((x - sx) * (x - sx) + (y - sy) * (y - sy) <= 2) v = s % 2 ? 2 : 1;
      }
      if (!v) continue;
      mask->pixels[(size_t)y * mask->stride + x] = 255;
      uint8_t *p = img->pixels + (size_t)y * img->stride + (size_t)x * img->channels;
      for (int k = 0; k < cc; k++) p[k] = v == 1 ? 12 : 245;
    }
}

/* A clean photo whose own structures are thin and dark (what the detector flagged on Kodak):
 * boards 20-44 px wide with 2 px gaps 70 levels darker and grain along them on the left,
 * brick courses with 2 px mortar lines on the right, reddish, grain noise everywhere. */
static studio_image boards(void) {
  studio_image img;
  studio_image_alloc(ctx, W, H, 3, &img);
  fx_seed(2626);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double v;
      if (x < W / 2) { /* gaps at 0, 20, 52, 76, 120 */
        const int gap = x < 2 || (x >= 20 && x < 22) || (x >= 52 && x < 54) || (x >= 76 && x < 78) || (x >= 120 && x < 122);
        v = (gap ? 75 : 145) + 10 * sin(y * 0.3 + x * 0.07) + 6 * sin(x * 1.3 + y * 0.05);
      }
      else {
        const int course = y / 12, off = course % 2 ? 15 : 0;
        v = (y % 12 < 2 || (x + off) % 30 < 2) ? 95 : 160 + 8 * sin(x * 0.9 + course);
      }
      uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * 3;
      const double g = 3 * fx_gauss();
      p[0] = fx_u8(v * 1.15 + g); p[1] = fx_u8(v * 0.85 + g); p[2] = fx_u8(v * 0.7 + g);
    }
  return img;
}

static void clean_texture(void) {
  studio_image img = boards(), found = {0};
  CHECKF(studio_repair_detect(ctx, &img, NULL, &found) == STUDIO_OK, "detect: %s", studio_error(ctx));
  size_t flagged = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) flagged += found.pixels[(size_t)y * found.stride + x] != 0;
  printf("  detect: boards and bricks (clean) %.3f%% flagged\n", 100.0 * flagged / (W * H));
  CHECKF(flagged <= W * H / 2000, "detect: %zu pixels flagged on the clean boards and bricks (%.3f%%)", flagged, 100.0 * flagged / (W * H));
  studio_image_free(&found);
  studio_image_free(&img);
}

/* ---- the detector on a photo of edges and fine texture (issue 26, detection) ---- */

/* A clean photo the detector must leave alone: a sharpened step edge (halos on both sides),
 * a bright disc, a dark bar 9 px wide, a coloured panel with a thin darker line of its own
 * colour, fine grain and a fine woven texture (period 3-4 px), noise everywhere. */
static studio_image edges_and_texture(void) {
  studio_image img;
  studio_image_alloc(ctx, W, H, 3, &img);
  fx_seed(2627);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double v = x < 110 ? 70 : 170;                                  /* the step... */
      if (x >= 107 && x < 110) v -= 18;                               /* ...sharpened: halos */
      if (x >= 110 && x < 113) v += 18;
      if ((x - 60) * (x - 60) + (y - 60) * (y - 60) < 15 * 15) v = 200; /* a bright disc */
      if (x >= 150 && x < 159 && y > 20 && y < 200) v = 60;           /* a wide dark bar */
      if (y > 150) v = 120 + 14 * sin(x * 1.9) * sin(y * 1.6);        /* woven texture */
      const double g = 3 * fx_gauss();
      uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * 3;
      if (x >= 200 && y < 140) {                                      /* a red panel with a seam of its own colour */
        const double s = abs(x - 260) < 1 ? 0.6 : 1.0;
        p[0] = fx_u8(200 * s + g); p[1] = fx_u8(70 * s + g); p[2] = fx_u8(60 * s + g);
      } else
        for (int k = 0; k < 3; k++) p[k] = fx_u8(v + g);
    }
  return img;
}

static size_t count_flagged(const studio_image *m) {
  size_t n = 0;
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++) n += m->pixels[(size_t)y * m->stride + x] != 0;
  return n;
}

static void detector_edges_texture(void) {
  studio_image img = edges_and_texture(), found = {0};
  CHECKF(studio_repair_detect(ctx, &img, NULL, &found) == STUDIO_OK, "detect: %s", studio_error(ctx));
  const size_t clean = count_flagged(&found);
  printf("  detect: edges and fine texture (clean) %.3f%% flagged\n", 100.0 * clean / (W * H));
  CHECKF(clean <= W * H / 2000, "detect: %zu pixels flagged on the clean edges and texture (%.3f%%)", clean, 100.0 * clean / (W * H));
  studio_image_free(&found);
  /* a known scratch (dark, 2 px, gently curved, across the step, the bar and the texture) and
   * a bright 1 px hair on the flat left: found, and little else. (The scratch starts past the
   * disc: the 40 px before it, 55 levels under the dark side, are a line with too few seeds,
   * missed, as are short faint fragments on Kodak.) */
  studio_image truth;
  studio_image_alloc(ctx, W, H, 1, &truth);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const int scratch = fabs(y - (40 + 0.45 * x + 8 * sin(x * 0.03))) < 1.0 && x > 80 && x < 300;
      const int hair = fabs(x - (30 + 0.15 * y)) < 0.5 && y > 90 && y < 140;
      if (!scratch && !hair) continue;
      truth.pixels[(size_t)y * truth.stride + x] = 255;
      uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * 3;
      for (int k = 0; k < 3; k++) p[k] = scratch ? 15 : 235;
    }
  CHECK(studio_repair_detect(ctx, &img, NULL, &found) == STUDIO_OK);
  size_t n = 0, hit = 0, flagged = 0, near = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      int t = 0, f = 0; /* within 2 px of the truth, of a flagged pixel (the mask is grown by 1) */
      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++) {
          const int xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= W || yy >= H) continue;
          t |= truth.pixels[(size_t)yy * truth.stride + xx] != 0;
          f |= found.pixels[(size_t)yy * found.stride + xx] != 0;
        }
      if (truth.pixels[(size_t)y * truth.stride + x]) { n++; hit += f; }
      if (found.pixels[(size_t)y * found.stride + x]) { flagged++; near += t; }
    }
  printf("  detect: known scratch and hair recall %.3f, precision %.3f\n", (double)hit / n, flagged ? (double)near / flagged : 0.0);
  CHECKF(hit >= 0.9 * n, "detect: recall %.3f of the known scratch and hair", (double)hit / n);
  CHECKF(near >= 0.95 * flagged, "detect: %zu of %zu flagged pixels away from the known scratch and hair", flagged - near, flagged);
  studio_image_free(&found); studio_image_free(&truth); studio_image_free(&img);
}

/* Sensitivity over the default: a short bright crack (a 1 px line 38 px long, fewer seeds
 * than the default asks of a line, as the real scan b's corner cracks at 256 px) is at most
 * in part found at 0.5 (the trees keep a piece of it) and found at 1, and the clean edges and
 * texture still flag next to nothing at 1. */
static void sensitivity_finds_more(void) {
  studio_image img = edges_and_texture(), found = {0};
  studio_repair_options o;
  studio_repair_defaults(&o);
  o.sensitivity = 1.f;
  CHECK(studio_repair_detect(ctx, &img, &o, &found) == STUDIO_OK);
  const size_t clean = count_flagged(&found);
  CHECKF(clean <= W * H / 1000, "detect at sensitivity 1: %zu pixels flagged on the clean edges and texture (%.3f%%)", clean, 100.0 * clean / (W * H));
  studio_image_free(&found);
  size_t n = 0;
  for (int y = 30; y < 60; y++)
    for (int x = 20; x < 100; x++)
      if (fabs(y - (32 + 0.5 * (x - 20) * 0.9)) < 0.8 && x < 55) {
        uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * 3;
        for (int k = 0; k < 3; k++) p[k] = 235;
        n++;
      }
  size_t hit[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    o.sensitivity = i ? 1.f : 0.5f;
    CHECK(studio_repair_detect(ctx, &img, &o, &found) == STUDIO_OK);
    for (int y = 30; y < 60; y++)
      for (int x = 20; x < 60; x++)
        hit[i] += fabs(y - (32 + 0.5 * (x - 20) * 0.9)) < 0.8 && x < 55 && found.pixels[(size_t)y * found.stride + x];
    studio_image_free(&found);
  }
  printf("  detect: short crack (%zu px) found %zu at sensitivity 0.5, %zu at 1; clean %.3f%% flagged at 1\n", n, hit[0], hit[1], 100.0 * clean / (W * H));
  CHECKF(hit[0] < 0.5 * n && hit[1] >= 0.8 * n, "detect: short crack found %zu of %zu px at 0.5, %zu at 1", hit[0], n, hit[1]);
  studio_image_free(&img);
}

static void heal_known_mask(void) {
  studio_image clean = photo(3), bad = photo(3), mask, out = {0};
  damage(&bad, &mask);
  CHECKF(studio_repair_heal(ctx, &bad, &mask, NULL, &out) == STUDIO_OK, "heal: %s", studio_error(ctx));
  double err = 0, before = 0;
  size_t n = 0, changed_outside = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int k = 0; k < 3; k++) {
        const size_t i = (size_t)y * out.stride + (size_t)x * 3 + k;
        if (mask.pixels[(size_t)y * mask.stride + x]) { err += fabs((double)out.pixels[i] - clean.pixels[i]); before += fabs((double)bad.pixels[i] - clean.pixels[i]); n++; }
        else changed_outside += out.pixels[i] != bad.pixels[i];
      }
  CHECKF(changed_outside == 0, "%zu samples outside the mask changed", changed_outside);
  CHECKF(err / n < 6.0, "heal: mean error inside the mask %.2f levels (damaged %.1f)", err / n, before / n);
  printf("  heal: mean error inside the mask %.2f levels (damaged %.1f), %zu samples\n", err / n, before / n, n);
  studio_image_free(&out);
  /* detection on the same photo: the damage found, the clean photo left */
  studio_image found = {0};
  CHECKF(studio_repair_detect(ctx, &bad, NULL, &found) == STUDIO_OK, "detect: %s", studio_error(ctx));
  size_t truth = 0, hit = 0, flagged_clean = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (mask.pixels[(size_t)y * mask.stride + x]) { truth++; hit += found.pixels[(size_t)y * found.stride + x] != 0; }
  studio_image_free(&found);
  CHECK(studio_repair_detect(ctx, &clean, NULL, &found) == STUDIO_OK);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) flagged_clean += found.pixels[(size_t)y * found.stride + x] != 0;
  CHECKF(hit >= 0.9 * truth, "detect: recall %.3f", (double)hit / truth);
  CHECKF(flagged_clean <= W * H / 2000, "detect: %zu pixels flagged on the clean photo", flagged_clean);
  printf("  detect: recall %.3f, clean photo %.3f%% flagged\n", (double)hit / truth, 100.0 * flagged_clean / (W * H));
  studio_image_free(&found);
  /* detect + heal in one call: the mask used comes back */
  studio_image used = {0};
  CHECK(studio_repair(ctx, &bad, NULL, NULL, &out, &used) == STUDIO_OK && used.channels == 1 && used.width == W);
  studio_image_free(&out); studio_image_free(&used);
  studio_image_free(&clean); studio_image_free(&bad); studio_image_free(&mask);
}

static void bad_masks_and_options(void) {
  studio_image img = photo(3), small, two, out = {0};
  studio_image_alloc(ctx, W / 2, H, 1, &small);
  studio_image_alloc(ctx, W, H, 2, &two);
  CHECK(studio_repair_heal(ctx, &img, &small, NULL, &out) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "the mask is 160x224, the photo 320x224") && !out.pixels);
  CHECK(studio_repair(ctx, &img, NULL, &two, &out, NULL) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "the mask has 2 channels"));
  studio_repair_options o;
  studio_repair_defaults(&o);
  CHECK(o.sensitivity == 0.5f && o.radius == 5 && o.grow == 1);
  CHECK(studio_repair_set(ctx, &o, "sensitivity", "1.5") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "repair option sensitivity must be in 0..1, not 1.5"));
  CHECK(studio_repair_set(ctx, &o, "radius", "2.5") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "radius needs a whole number"));
  CHECK(studio_repair_set(ctx, &o, "radius", "20") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "radius must be in 2..12"));
  CHECK(studio_repair_set(ctx, &o, "grow", "auto") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "grow needs a number, not 'auto'"));
  CHECK(studio_repair_set(ctx, &o, "strength", "1") == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "unknown repair option 'strength' (sensitivity, radius, grow)"));
  CHECK(o.sensitivity == 0.5f && o.radius == 5 && o.grow == 1);
  CHECK(studio_repair_set(ctx, &o, "sensitivity", "0.8") == STUDIO_OK && o.sensitivity == 0.8f);
  o.radius = 1;
  CHECK(studio_repair_detect(ctx, &img, &o, &out) == STUDIO_E_ARGUMENT && strstr(studio_error(ctx), "radius must be in 2..12") && !out.pixels);
  studio_image_free(&img); studio_image_free(&small); studio_image_free(&two);
}

static int cancel(void *user, const char *stage, float f) { (void)stage; (void)f; return ++*(int *)user >= 2; }

static void cancellation(void) {
  int calls = 0;
  studio_ctx *c = studio_create(&(studio_config){.progress = cancel, .progress_user = &calls});
  studio_image img = photo(3), mask, out = {0};
  damage(&img, &mask);
  CHECK(studio_repair_heal(c, &img, &mask, NULL, &out) == STUDIO_E_CANCELLED && !out.pixels);
  calls = 0;
  CHECK(studio_repair(c, &img, NULL, NULL, &out, NULL) == STUDIO_E_CANCELLED && !out.pixels);
  studio_image_free(&img); studio_image_free(&mask);
  studio_destroy(c);
}

static void grey_and_alpha(void) {
  const int chans[3] = {1, 2, 4};
  for (int t = 0; t < 3; t++) {
    studio_image img = photo(chans[t]), mask, out = {0};
    damage(&img, &mask);
    CHECKF(studio_repair_heal(ctx, &img, &mask, NULL, &out) == STUDIO_OK && out.channels == chans[t], "%d channels: %s", chans[t], studio_error(ctx));
    size_t alpha_kept = 1, healed = 0;
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        const size_t i = (size_t)y * out.stride + (size_t)x * chans[t];
        if (chans[t] % 2 == 0) alpha_kept &= out.pixels[i + chans[t] - 1] == img.pixels[i + chans[t] - 1];
        if (mask.pixels[(size_t)y * mask.stride + x]) healed += out.pixels[i] > 40 && out.pixels[i] < 230;
      }
    CHECKF(alpha_kept && healed > 0, "%d channels: alpha kept %zu, %zu pixels healed", chans[t], alpha_kept, healed);
    studio_image_free(&out); studio_image_free(&img); studio_image_free(&mask);
  }
}

/* ---- wide holes (patch.c): texture, determinism across threads, cancellation ---- */

/* Bricks 24 x 12 (2 px mortar 80 levels darker, courses offset by 12, each brick its own tone,
 * grain) over x < 260; a blue field beyond: content the fill must never bring into a hole far
 * from it. */
static studio_image bricks(void) {
  studio_image img;
  studio_image_alloc(ctx, W, H, 3, &img);
  fx_seed(4040);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * 3;
      if (x >= 260) { p[0] = fx_u8(40 + 3 * fx_gauss()); p[1] = fx_u8(60 + 3 * fx_gauss()); p[2] = fx_u8(220 + 3 * fx_gauss()); continue; }
      const int course = y / 12, bx = (x + (course % 2) * 12) / 24;
      const int mortar = y % 12 < 2 || (x + (course % 2) * 12) % 24 < 2;
      const double tone = mortar ? 70 : 150 + 12 * sin(bx * 2.1 + course * 1.3), g = 4 * fx_gauss();
      p[0] = fx_u8(tone * 1.2 + g); p[1] = fx_u8(tone * 0.8 + g); p[2] = fx_u8(tone * 0.6 + g);
    }
  return img;
}

/* Square holes (side `side`, top-left corners xs, ys) into a new mask, blacked out in img. */
static studio_image holes(studio_image *img, const int *xs, const int *ys, int n, int side) {
  studio_image mask;
  studio_image_alloc(ctx, W, H, 1, &mask);
  for (int k = 0; k < n; k++)
    for (int y = ys[k]; y < ys[k] + side; y++)
      for (int x = xs[k]; x < xs[k] + side; x++) {
        mask.pixels[(size_t)y * mask.stride + x] = 255;
        memset(img->pixels + (size_t)y * img->stride + (size_t)x * 3, 0, 3);
      }
  return mask;
}

/* The luminance's mean absolute Laplacian over [x0, x1) x [y0, y1), where inside (1: in the
 * square [hx, hx + side) x [hy, hy + side), 0: outside it): the texture's strength. */
static double detail(const studio_image *img, int x0, int y0, int x1, int y1, int hx, int hy, int side, int inside) {
  double s = 0;
  size_t n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      if ((x >= hx && x < hx + side && y >= hy && y < hy + side) != inside) continue;
      double l[5];
      const int ox[5] = {0, -1, 1, 0, 0}, oy[5] = {0, 0, 0, -1, 1};
      for (int k = 0; k < 5; k++) {
        const uint8_t *p = img->pixels + (size_t)(y + oy[k]) * img->stride + (size_t)(x + ox[k]) * 3;
        l[k] = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
      }
      s += fabs(4 * l[0] - l[1] - l[2] - l[3] - l[4]); n++;
    }
  return s / (double)n;
}

static void wide_hole(void) {
  enum { S = 40, HX = 96, HY = 80 };
  studio_image clean = bricks(), bad = bricks(), out = {0};
  const int xs[1] = {HX}, ys[1] = {HY};
  studio_image mask = holes(&bad, xs, ys, 1, S);
  CHECKF(studio_repair_heal(ctx, &bad, &mask, NULL, &out) == STUDIO_OK, "heal: %s", studio_error(ctx));
  size_t changed_outside = 0, foreign = 0;
  double err = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const uint8_t *o = out.pixels + (size_t)y * out.stride + (size_t)x * 3, *b = bad.pixels + (size_t)y * bad.stride + (size_t)x * 3;
      const uint8_t *c = clean.pixels + (size_t)y * clean.stride + (size_t)x * 3;
      if (!mask.pixels[(size_t)y * mask.stride + x]) { changed_outside += memcmp(o, b, 3) != 0; continue; }
      foreign += o[2] > o[0] + 40; /* the blue field's colour */
      for (int k = 0; k < 3; k++) err += fabs((double)o[k] - c[k]);
    }
  err /= 3.0 * S * S;
  /* the hole's texture as strong as its surroundings' (a smooth fill's is a fraction of it) */
  const double in = detail(&out, HX + 1, HY + 1, HX + S - 1, HY + S - 1, HX, HY, S, 1);
  const double around = detail(&out, HX - 20, HY - 20, HX + S + 20, HY + S + 20, HX, HY, S, 0);
  printf("  wide hole: %dx%d in bricks, detail %.1f inside vs %.1f around, mean error %.1f levels, %zu foreign pixels\n", S, S, in, around, err,
         foreign);
  CHECKF(changed_outside == 0, "wide hole: %zu pixels outside the mask changed", changed_outside);
  CHECKF(in > 0.7 * around && in < 1.4 * around, "wide hole: detail %.1f inside, %.1f around (smeared?)", in, around);
  CHECKF(err < 20.0, "wide hole: mean error %.1f levels against the clean bricks", err);
  CHECKF(foreign == 0, "wide hole: %zu pixels of the blue field far away copied in", foreign);
  studio_image_free(&out); studio_image_free(&mask); studio_image_free(&clean); studio_image_free(&bad);
}

/* Holes and thin scratches healed alike on 1, 2 and 3 threads. */
static void wide_threads(void) {
  const int xs[4] = {30, 100, 170, 215}, ys[4] = {20, 120, 40, 150};
  studio_image img = bricks(), first = {0};
  studio_image mask = holes(&img, xs, ys, 4, 30);
  for (int x = 0; x < W; x++)
    for (int y = 100 + x / 8; y < 102 + x / 8; y++) mask.pixels[(size_t)y * mask.stride + x] = 255; /* a scratch */
  for (int t = 1; t <= 3; t++) {
    studio_ctx *c = studio_create(&(studio_config){.threads = t});
    if (!c && t > 1) continue; /* single-threaded WASM makes no pool of 2 or 3 */
    studio_image out = {0};
    CHECKF(studio_repair_heal(c, &img, &mask, NULL, &out) == STUDIO_OK, "%d threads: %s", t, studio_error(c));
    if (t == 1) first = out;
    else {
      size_t diff = 0;
      for (int y = 0; y < H; y++) diff += memcmp(out.pixels + (size_t)y * out.stride, first.pixels + (size_t)y * first.stride, (size_t)W * 3) != 0;
      CHECKF(diff == 0, "%d threads: %zu rows differ from 1 thread's", t, diff);
      studio_image_free(&out);
    }
    studio_destroy(c);
  }
  studio_image_free(&first); studio_image_free(&img); studio_image_free(&mask);
}

typedef struct { int calls, cancel_at; } counter;
static int count_heal(void *user, const char *stage, float f) {
  counter *c = user;
  (void)f;
  return strcmp(stage, "heal") == 0 && ++c->calls == c->cancel_at;
}

/* Cancelled inside the wide holes' work (progress comes after each vote), between holes and at
 * the last report: the cancelled status, no output. */
static void wide_cancel(void) {
  int xs[12], ys[12];
  for (int k = 0; k < 12; k++) { xs[k] = 10 + (k % 6) * 40; ys[k] = 20 + (k / 6) * 100; }
  studio_image img = bricks(), out = {0};
  studio_image mask = holes(&img, xs, ys, 12, 24);
  counter n = {0, 0};
  studio_ctx *c = studio_create(&(studio_config){.threads = 2, .progress = count_heal, .progress_user = &n});
  if (!c) c = studio_create(&(studio_config){.threads = 1, .progress = count_heal, .progress_user = &n}); /* single-threaded WASM */
  CHECKF(studio_repair_heal(c, &img, &mask, NULL, &out) == STUDIO_OK, "heal: %s", studio_error(c));
  studio_image_free(&out);
  const int calls = n.calls; /* the tiles' rounds, before each hole and after each of its votes, the end */
  CHECKF(calls >= 12 * 8, "heal: %d progress reports", calls);
  const int ats[4] = {calls / 2, calls / 2 + 1, calls - 1, calls};
  for (int a = 0; a < 4; a++) {
    const int at = ats[a];
    n = (counter){0, at};
    CHECKF(studio_repair_heal(c, &img, &mask, NULL, &out) == STUDIO_E_CANCELLED && !out.pixels, "cancelled at report %d of %d", at, calls);
    n = (counter){0, at};
    studio_image used = {0};
    CHECKF(studio_repair(c, &img, NULL, &mask, &out, &used) == STUDIO_E_CANCELLED && !out.pixels && !used.pixels, "studio_repair cancelled at report %d of %d", at, calls);
  }
  studio_destroy(c);
  studio_image_free(&img); studio_image_free(&mask);
}

/* detect_model.h is written by a fit (tools/eval/fit_detect.py) on detect.c's features: a change
 * to their number without a refit, or a header cut short, would read past them or past a tree. */
static void detector_model_shape(void) {
  const int nodes = (int)(sizeof ES_DM_NODE / sizeof ES_DM_NODE[0]);
  int bad = 0, leaves = 0;
  for (int i = 0; i < nodes; i++) {
    const int f = ES_DM_NODE[i].f;
    if (f < 0) { leaves++; continue; }
    bad += f >= ES_DETECT_FEATURES || ES_DM_NODE[i].l <= i || ES_DM_NODE[i].r <= i || ES_DM_NODE[i].l >= nodes || ES_DM_NODE[i].r >= nodes;
  }
  for (int t = 0; t < ES_DM_TREES; t++) bad += ES_DM_ROOT[t] < 0 || ES_DM_ROOT[t] >= nodes;
  printf("  detector model: %d trees, %d nodes, %d leaves\n", ES_DM_TREES, nodes, leaves);
  CHECKF(!bad, "detector model: %d nodes or roots out of range (features < %d, children after their parent)", bad, ES_DETECT_FEATURES);
  CHECK(leaves > ES_DM_TREES);
}

int main(void) {
  ctx = studio_create(NULL);
  detector_model_shape();
  heal_known_mask();
  clean_texture();
  detector_edges_texture();
  sensitivity_finds_more();
  bad_masks_and_options();
  cancellation();
  grey_and_alpha();
  wide_hole();
  wide_threads();
  wide_cancel();
  studio_destroy(ctx);
  return check_summary("repair");
}
