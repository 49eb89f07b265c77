/* test_dark_colour.c - colour in dark photos (issue 23): the colour of black, which a camera
 * adds to every pixel, is taken off as an offset (a dark grey ramp with a green dark level
 * comes out neutral); the colours of a dark colour chart come back at the chart's chroma
 * once brightness is matched; a photo that is only a little dark keeps its blacks; a clean
 * colour edge stays sharp (chroma is denoised at half resolution, its fine detail kept where
 * it stands clear of the noise). */
#include "check.h"
#include "fixtures.h"
#include "api/studio.h"
#include "color/color.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;

static studio_image enhanced(const studio_image *in) {
  studio_image out = {0};
  CHECKF(studio_enhance(ctx, in, NULL, &out) == STUDIO_OK, "enhance: %s", studio_error(ctx));
  return out;
}

static float lin8(uint8_t v) { return es_srgb_to_linear(v / 255.f); }
static uint8_t code8(double lin) { return fx_u8(255.0 * es_linear_to_srgb((float)(lin < 0 ? 0 : lin > 1 ? 1 : lin))); }

/* Mean linear RGB over a rectangle. */
static void mean_rgb(const studio_image *img, int x0, int y0, int x1, int y1, double m[3]) {
  m[0] = m[1] = m[2] = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      for (int k = 0; k < 3; k++) m[k] += lin8(img->pixels[((size_t)y * img->width + x) * 3 + k]);
  for (int k = 0; k < 3; k++) m[k] /= (double)(x1 - x0) * (y1 - y0);
}

static void lab_of(const double rgb[3], float lab[3]) {
  float c[3] = {(float)es_linear_to_srgb((float)fmin(1, rgb[0])), (float)es_linear_to_srgb((float)fmin(1, rgb[1])),
                (float)es_linear_to_srgb((float)fmin(1, rgb[2]))};
  es_rgb_to_lab(c, lab, 1);
}

/* A dark photo (LOL's are as dark): a ramp of greys from linear 0.0004 (a code above black) to 0.0064 with a camera's
 * green dark level (a code at black, as LOL's) added to every pixel, and read noise. Lifted 5 stops,
 * the old fade left it grey-green; now it must be neutral. */
static void green_black_level_removed(void) {
  enum { W = 320, H = 160 };
  studio_image in;
  studio_image_alloc(ctx, W, H, 3, &in);
  const double green = 0.0003;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double v = 0.0004 + 0.006 * x / (W - 1);
      uint8_t *p = in.pixels + ((size_t)y * W + x) * 3;
      for (int k = 0; k < 3; k++) p[k] = code8(v + (k == 1 ? green : 0) + 0.0002 * fx_gauss());
    }
  studio_image out = enhanced(&in);
  double worst = 0, in_green = 0;
  for (int band = 0; band < 8; band++) {
    double m[3], mi[3];
    mean_rgb(&out, band * W / 8 + 4, 0, (band + 1) * W / 8 - 4, H, m);
    mean_rgb(&in, band * W / 8 + 4, 0, (band + 1) * W / 8 - 4, H, mi);
    float lab[3];
    lab_of(m, lab);
    double c = hypot(lab[1], lab[2]);
    if (c > worst) worst = c;
    CHECKF(m[1] > 4 * mi[1], "band %d was not lifted: G %.4f -> %.4f", band, mi[1], m[1]);
    if (band == 0) in_green = mi[1] / (0.5 * (mi[0] + mi[2]));
  }
  CHECKF(in_green > 1.25, "the fixture's darkest band should be green: G/RB %.2f", in_green);
  CHECKF(worst < 2.5, "a dark grey ramp with a green black level came out coloured: C*ab up to %.2f", worst);
  studio_image_free(&in); studio_image_free(&out);
}

/* The 24 patches of a ColorChecker (sRGB, BabelColor's averages), 6 x 4. */
static const uint8_t chart[24][3] = {
    {115, 82, 68},  {194, 150, 130}, {98, 122, 157}, {87, 108, 67},   {133, 128, 177}, {103, 189, 170},
    {214, 126, 44}, {80, 91, 166},   {193, 90, 99},  {94, 60, 108},   {157, 188, 64},  {224, 163, 46},
    {56, 61, 150},  {70, 148, 73},   {175, 54, 60},  {231, 199, 31},  {187, 86, 149},  {8, 133, 161},
    {243, 243, 242}, {200, 200, 200}, {160, 160, 160}, {122, 122, 121}, {85, 85, 85},   {52, 52, 52}};

/* The chart shot 4.5 stops under, with photon and read noise: the enhanced chart, brought to
 * the chart's own brightness, must show its chroma within 15% and its hues. */
static void dark_chart_keeps_colour(void) {
  enum { P = 64, W = 6 * P, H = 4 * P };
  const double exposure = 1.0 / 22;
  studio_image in;
  studio_image_alloc(ctx, W, H, 3, &in);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      const uint8_t *c = chart[(y / P) * 6 + x / P];
      uint8_t *p = in.pixels + ((size_t)y * W + x) * 3;
      for (int k = 0; k < 3; k++) {
        double v = lin8(c[k]) * exposure;
        p[k] = code8(v + sqrt(v * 2e-5) * fx_gauss() + 1e-4 * fx_gauss());
      }
    }
  studio_image out = enhanced(&in);
  /* brightness matched in linear light: the output scaled to the chart's mean luminance */
  double yc = 0, yo = 0, m[24][3];
  for (int i = 0; i < 24; i++) {
    mean_rgb(&out, (i % 6) * P + 12, (i / 6) * P + 12, (i % 6 + 1) * P - 12, (i / 6 + 1) * P - 12, m[i]);
    yc += 0.2126 * lin8(chart[i][0]) + 0.7152 * lin8(chart[i][1]) + 0.0722 * lin8(chart[i][2]);
    yo += 0.2126 * m[i][0] + 0.7152 * m[i][1] + 0.0722 * m[i][2];
  }
  double c_chart = 0, c_out = 0, worst_hue = 0, worst_grey = 0;
  for (int i = 0; i < 24; i++) {
    double ref[3] = {lin8(chart[i][0]), lin8(chart[i][1]), lin8(chart[i][2])}, got[3];
    for (int k = 0; k < 3; k++) got[k] = m[i][k] * yc / yo;
    float a[3], b[3];
    lab_of(ref, a);
    lab_of(got, b);
    double ca = hypot(a[1], a[2]), cb = hypot(b[1], b[2]);
    if (i >= 18) { if (cb > worst_grey) worst_grey = cb; continue; }
    c_chart += ca; c_out += cb;
    double dh = fabs(atan2(a[2], a[1]) - atan2(b[2], b[1])) * 57.29577951308232;
    dh = dh > 180 ? 360 - dh : dh;
    if (ca > 20 && dh > worst_hue) worst_hue = dh;
  }
  const double ratio = c_out / c_chart;
  CHECKF(ratio > 0.85 && ratio < 1.15, "the dark chart's chroma came back at %.2fx the chart's (brightness matched)", ratio);
  CHECKF(worst_hue < 15, "a patch's hue turned by %.1f degrees", worst_hue);
  CHECKF(worst_grey < 4, "a grey patch came out coloured: C*ab %.1f", worst_grey);
  printf("dark chart: chroma %.2fx the chart's, hue within %.1f degrees, greys within C*ab %.1f\n", ratio, worst_hue, worst_grey);
  studio_image_free(&in); studio_image_free(&out);
}

/* A photo only a little dark (mid-tones from 40 to 160 of 255 and a black object, 3 of 255):
 * brightened, its blacks stay where they were (no haze), its middle rises. */
static void mild_photo_keeps_blacks(void) {
  enum { W = 400, H = 240 };
  studio_image in;
  studio_image_alloc(ctx, W, H, 3, &in);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      double v = x < 40 ? 3 : 40 + 120.0 * x / W + 15 * sin(y * 0.2);
      uint8_t *p = in.pixels + ((size_t)y * W + x) * 3;
      for (int k = 0; k < 3; k++) p[k] = fx_u8(v * (k == 0 ? 1.0 : k == 1 ? 0.9 : 0.75) + (x < 40 ? 0.7 : 1.5) * fx_gauss());
    }
  studio_image out = enhanced(&in);
  double bi[3], bo[3], mi[3], mo[3];
  mean_rgb(&in, 4, 0, 36, H, bi);
  mean_rgb(&out, 4, 0, 36, H, bo);
  mean_rgb(&in, 200, 0, 260, H, mi);
  mean_rgb(&out, 200, 0, 260, H, mo);
  CHECKF(mo[1] > 1.3 * mi[1], "the mildly dark photo was not brightened: G %.4f -> %.4f", mi[1], mo[1]);
  CHECKF(bo[1] <= bi[1] * 1.05, "its blacks were lifted: G %.5f -> %.5f", bi[1], bo[1]);
  studio_image_free(&in); studio_image_free(&out);
}

/* A clean photo barely dark, with a sharp red | green edge: the pixels beside the edge keep
 * their colour at full resolution (the half-resolution chroma alone would blend the two). */
static void clean_colour_edge_stays_sharp(void) {
  enum { W = 256, H = 128, EDGE = 129 }; /* odd: the edge falls inside a 2x2 block */
  studio_image in;
  studio_image_alloc(ctx, W, H, 3, &in);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint8_t *p = in.pixels + ((size_t)y * W + x) * 3;
      const int red = x < EDGE;
      /* a ramp down the frame: a photo to brighten, with every level between the two sides'
       * filled (the noise estimate must not see the edge's pixels alone at a level) */
      const double shade = 0.6 + 0.4 * y / H;
      p[0] = fx_u8((red ? 200 : 50) * shade); p[1] = fx_u8((red ? 50 : 200) * shade); p[2] = fx_u8(40 * shade);
    }
  studio_image out = enhanced(&in);
  const uint8_t *row = out.pixels + (size_t)(H / 2) * W * 3;
  /* red minus green beside the edge, against the same well inside each side */
  const double left = row[3 * (EDGE - 1)] - row[3 * (EDGE - 1) + 1], left_in = row[3 * (EDGE - 20)] - row[3 * (EDGE - 20) + 1];
  const double right = row[3 * EDGE + 1] - row[3 * EDGE], right_in = row[3 * (EDGE + 20) + 1] - row[3 * (EDGE + 20)];
  CHECKF(row[3 * (EDGE - 20) + 1] > 1.1 * in.pixels[((size_t)(H / 2) * W + EDGE - 20) * 3 + 1] || row[3 * (EDGE - 20)] > 1.1 * in.pixels[((size_t)(H / 2) * W + EDGE - 20) * 3],
         "the fixture was not brightened: is it dark enough?");
  CHECKF(left > 0.85 * left_in && right > 0.85 * right_in, "the colour edge blurred: red-green %.0f beside it, %.0f inside; green-red %.0f, %.0f", left, left_in,
         right, right_in);
  studio_image_free(&in); studio_image_free(&out);
}

int main(void) {
  fx_seed(0x2545F4914F6CDD1Dull);
  ctx = studio_create(NULL);
  green_black_level_removed();
  dark_chart_keeps_colour();
  mild_photo_keeps_blacks();
  clean_colour_edge_stays_sharp();
  studio_destroy(ctx);
  return check_summary("test_dark_colour");
}
