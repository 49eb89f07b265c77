/* test_resample.c - bilinear and area resampling: exact cases, alpha carried, and
 * cv2.resize (INTER_LINEAR / INTER_AREA) on a photo made by code and, with ../shared, on
 * Kodak photos. */
#include "check.h"
#include "api/studio.h"
#include "resample/resample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;

static void exact_cases(void) {
  /* a constant image stays constant at any size, alpha included */
  studio_image img, out;
  studio_image_alloc(ctx, 31, 17, 4, &img);
  for (size_t i = 0; i < 31 * 17 * 4; i++) img.pixels[i] = (uint8_t)(i % 4 == 3 ? 77 : 200);
  int sizes[][2] = {{1, 1}, {7, 5}, {31, 17}, {64, 3}, {100, 90}};
  for (int f = 0; f <= 1; f++)
    for (size_t s = 0; s < 5; s++) {
      CHECK(studio_resize(ctx, &img, sizes[s][0], sizes[s][1], (studio_resize_filter)f, &out) == STUDIO_OK);
      int ok = out.channels == 4;
      for (size_t i = 0; ok && i < (size_t)out.width * out.height * 4; i++) ok = out.pixels[i] == (i % 4 == 3 ? 77 : 200);
      CHECKF(ok, "filter %d to %dx%d changed a constant image", f, sizes[s][0], sizes[s][1]);
      studio_image_free(&out);
    }
  /* area halving is the 2x2 mean */
  uint8_t v[16] = {0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60};
  studio_image g = {4, 4, 1, 4, v};
  CHECK(studio_resize(ctx, &g, 2, 2, STUDIO_RESIZE_AREA, &out) == STUDIO_OK);
  CHECK(out.pixels[0] == 10 && out.pixels[1] == 18 && out.pixels[2] == 42 && out.pixels[3] == 50);
  studio_image_free(&out);
  CHECK(studio_resize(ctx, &g, 0, 2, STUDIO_RESIZE_AREA, &out) != STUDIO_OK);
  studio_image_free(&img);
}

/* kodak: the photo comes from ../shared (Kodak parity), so its absence is a skip; the
 * generated photo's references are always written by tools/studio test, so theirs fails. */
static void against_opencv(const char *name, int kodak) {
  char path[256];
  check_ref_t rgb8;
  snprintf(path, sizeof path, "color/%s.rgb.ref", name);
  if (!check_ref(path, &rgb8)) {
    if (kodak) printf("SKIP: Kodak parity: OpenCV references for %s missing (../shared is absent)\n", name);
    else CHECKF(0, "OpenCV references for %s missing (tests/ref/make_refs.py writes them)", name);
    return;
  }
  size_t n = (size_t)rgb8.w * rgb8.h * 3;
  float *f = malloc(n * 4);
  for (size_t i = 0; i < n; i++) f[i] = ((uint8_t *)rgb8.data)[i] / 255.f;
  const char *tags[] = {"lin_224x224", "lin_up", "area_half", "area_odd"};
  for (int t = 0; t < 4; t++) {
    check_ref_t ref;
    snprintf(path, sizeof path, "resize/%s.%s.ref", name, tags[t]);
    if (!CHECK(check_ref(path, &ref))) continue;
    es_axis ax = {0}, ay = {0};
    int area = t >= 2;
    (area ? es_axis_area : es_axis_bilinear)(&ax, rgb8.w, ref.w);
    (area ? es_axis_area : es_axis_bilinear)(&ay, rgb8.h, ref.h);
    float *out = malloc((size_t)ref.w * ref.h * 3 * 4);
    es_resample_job job = {f, ES_F32, (size_t)rgb8.w * 12, rgb8.w, rgb8.h, out, ES_F32, (size_t)ref.w * 12, 3};
    CHECK(es_resample(NULL, &job, &ax, &ay) == 0);
    float d = 0;
    for (size_t i = 0; i < (size_t)ref.w * ref.h * 3; i++) d = fmaxf(d, fabsf(out[i] - ((float *)ref.data)[i]));
    CHECKF(d < 1e-4f, "%s %s (%dx%d): max difference from cv2.resize %g", name, tags[t], ref.w, ref.h, d);
    es_axis_free(&ax); es_axis_free(&ay); free(out); free(ref.data);
  }
  free(f); free(rgb8.data);
}

int main(void) {
  ctx = studio_create(NULL);
  exact_cases();
  against_opencv("scene", 0);
  against_opencv("kodim03", 1);
  against_opencv("kodim23", 1);
  studio_destroy(ctx);
  return check_summary("test_resample");
}
