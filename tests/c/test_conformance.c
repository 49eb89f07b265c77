/* test_conformance.c - ../shared's conformance files through the native build:
 * every valid PngSuite file equals Pillow's pixels (16-bit: high byte), every corrupt x*
 * file is refused; each JPEG oddity decodes close to Pillow (different IDCTs) or is refused
 * with its reason named; every EXIF example comes out upright at its displayed size. */
#include "check.h"
#include "api/studio.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static studio_ctx *ctx;

/* ours expanded to RGBA, compared with a Pillow RGBA reference: mean and max abs difference */
static int compare_rgba(const studio_image *img, const check_ref_t *ref, double *mean, int *max) {
  if (img->width != ref->w || img->height != ref->h || ref->c != 4) return 0;
  const uint8_t *r = ref->data;
  long long sum = 0; *max = 0;
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++) {
      const uint8_t *p = img->pixels + y * img->stride + (size_t)x * img->channels;
      uint8_t q[4];
      switch (img->channels) {
        case 1: q[0] = q[1] = q[2] = p[0]; q[3] = 255; break;
        case 2: q[0] = q[1] = q[2] = p[0]; q[3] = p[1]; break;
        case 3: q[0] = p[0]; q[1] = p[1]; q[2] = p[2]; q[3] = 255; break;
        default: memcpy(q, p, 4);
      }
      const uint8_t *e = r + ((size_t)y * img->width + x) * 4;
      for (int k = 0; k < 4; k++) { int d = abs(q[k] - e[k]); sum += d; if (d > *max) *max = d; }
    }
  *mean = (double)sum / ((double)img->width * img->height * 4);
  return 1;
}

static void pngsuite(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int valid = 0, corrupt = 0;
  while ((e = readdir(d))) {
    const char *n = e->d_name;
    size_t l = strlen(n);
    if (l < 5 || strcmp(n + l - 4, ".png") || strcmp(n, "PngSuite.png") == 0) continue;
    char path[1400], refname[600];
    snprintf(path, sizeof path, "%s/%s", dir, n);
    size_t len; uint8_t *data = check_read(path, &len);
    studio_image img;
    studio_status s = studio_decode(ctx, data, len, &img);
    if (n[0] == 'x') {
      corrupt++;
      CHECKF(s != STUDIO_OK && studio_error(ctx)[0], "corrupt %s was accepted", n);
    } else {
      valid++;
      snprintf(refname, sizeof refname, "pngsuite/%s.ref", n);
      check_ref_t ref;
      if (CHECKF(s == STUDIO_OK, "%s: %s", n, studio_error(ctx)) && CHECKF(check_ref(refname, &ref), "%s: no reference", n)) {
        double mean = 0; int max = 0;
        CHECKF(compare_rgba(&img, &ref, &mean, &max) && max == 0, "%s differs from Pillow (max %d)", n, max);
        free(ref.data);
      }
      if (s == STUDIO_OK) studio_image_free(&img);
    }
    free(data);
  }
  closedir(d);
  CHECKF(valid == 161 && corrupt == 14, "PngSuite has %d valid and %d corrupt files, expected 161 and 14", valid, corrupt);
}

/* Every JPEG in conformance/jpeg, and what must happen to it. */
static const struct { const char *file, *refused; double max_mean; } jpegs[] = {
    {"testorig.jpg", NULL, 1.0},          {"testimgint.jpg", NULL, 1.0},   {"jpg-progressive.jpg", NULL, 1.5},
    {"progressive3.jpg", NULL, 1.0},      {"restarts.jpg", NULL, 1.5},     {"jpg-gray.jpg", NULL, 1.0},
    {"16bit-qtables.jpg", NULL, 2.0},     {"extraneous-data.jpg", NULL, 1.5}, {"jpg-size-1x1.jpg", NULL, 2.0},
    {"rgb.jpg", NULL, 1.0},               {"jpg-cmyk-1.jpg", NULL, 2.0},   {"jpg-cmyk-2.jpg", NULL, 2.0},
    {"ycck.jpg", NULL, 2.0},              {"pil_sample_cmyk.jpg", NULL, 2.0},
    {"testimgari.jpg", "arithmetic-coded JPEG is not supported", 0},
    {"monkey12.jpg", "12-bit JPEG is not supported", 0}, {"testorig12.jpg", "12-bit JPEG is not supported", 0},
    {"jpeg_lossless_sel1.jpg", "lossless JPEG", 0}, {"truncated_jpeg.jpg", "truncated JPEG data", 0},
};

static void jpeg_oddities(const char *dir) {
  for (size_t i = 0; i < sizeof jpegs / sizeof *jpegs; i++) {
    char path[1400], refname[600];
    snprintf(path, sizeof path, "%s/%s", dir, jpegs[i].file);
    size_t len; uint8_t *data = check_read(path, &len);
    if (!CHECKF(data != NULL, "missing %s", path)) continue;
    studio_image img;
    studio_status s = studio_decode(ctx, data, len, &img);
    if (jpegs[i].refused) {
      CHECKF(s != STUDIO_OK && strstr(studio_error(ctx), jpegs[i].refused), "%s: expected refusal '%s', got '%s'", jpegs[i].file,
             jpegs[i].refused, s ? studio_error(ctx) : "decoded");
    } else if (CHECKF(s == STUDIO_OK, "%s: %s", jpegs[i].file, studio_error(ctx))) {
      check_ref_t ref;
      snprintf(refname, sizeof refname, "jpeg/%s.ref", jpegs[i].file);
      double mean = 0; int max = 0;
      if (CHECKF(check_ref(refname, &ref), "no reference for %s", jpegs[i].file)) {
        CHECKF(compare_rgba(&img, &ref, &mean, &max) && mean <= jpegs[i].max_mean, "%s: mean difference from Pillow %.2f (max %d)",
               jpegs[i].file, mean, max);
        free(ref.data);
      }
      studio_image_free(&img);
    }
    free(data);
  }
}

static void exif_examples(const char *dir) {
  for (int o = 0; o <= 8; o++) {
    char path[1400], refname[600];
    snprintf(path, sizeof path, "%s/Landscape_%d.jpg", dir, o);
    size_t len; uint8_t *data = check_read(path, &len);
    studio_image img;
    if (!CHECKF(data && studio_decode(ctx, data, len, &img) == STUDIO_OK, "Landscape_%d: %s", o, studio_error(ctx))) { free(data); continue; }
    CHECKF(img.width == 1800 && img.height == 1200, "Landscape_%d is %dx%d, not 1800x1200", o, img.width, img.height);
    check_ref_t ref;
    snprintf(refname, sizeof refname, "exif/Landscape_%d.jpg.ref", o);
    double mean = 0; int max = 0;
    if (check_ref(refname, &ref)) {
      CHECKF(compare_rgba(&img, &ref, &mean, &max) && mean < 1.0, "Landscape_%d not upright like Pillow's exif_transpose (mean %.2f)", o, mean);
      free(ref.data);
    }
    studio_image_free(&img); free(data);
  }
}

int main(void) {
  char buf[1024];
  ctx = studio_create(&(studio_config){.threads = 1});
  if (check_shared("datasets/conformance/pngsuite", buf, sizeof buf)) pngsuite(buf);
  if (check_shared("datasets/conformance/jpeg", buf, sizeof buf)) jpeg_oddities(buf);
  if (check_shared("datasets/conformance/exif-orientation", buf, sizeof buf)) exif_examples(buf);
  studio_destroy(ctx);
  return check_summary("test_conformance");
}
