/* cmd_repair.c - `studio repair IN OUT [--detect SENS] [--mask FILE] [--save-mask FILE]` or
 * `IN... -o DIR`: dust, scratches and cracks found and healed. --mask heals exactly that mask
 * (a greyscale PNG the photo's size, non-zero = damaged; no detection); --save-mask writes
 * the mask that was healed. In a batch both take a directory of NAME-mask.png files. A mask
 * that is not an image, or of the wrong size, fails its photo with the reason; the batch goes on. */
#include "batch.h"
#include "output.h"
#include "readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  studio_repair_options opt;
  const char *mask_arg, *save_arg; /* a file, or in a batch a directory */
  int detect;                      /* --detect given */
  studio_image mask, used;         /* this file's mask read, and the mask healed */
  char save_path[4096];
} state_t;

static int option(void *st, studio_ctx *ctx, const char *name, const char *value) {
  state_t *s = st;
  if (strcmp(name, "mask") == 0) { s->mask_arg = value; return 0; }
  if (strcmp(name, "save-mask") == 0) { s->save_arg = value; return 0; }
  if (strcmp(name, "detect") == 0) { s->detect = 1; name = "sensitivity"; }
  if (studio_repair_set(ctx, &s->opt, name, value) == STUDIO_OK) return 0;
  fprintf(stderr, "studio: %s\n", studio_error(ctx));
  return 1;
}

static int prepare(void *st, studio_ctx *ctx) {
  const state_t *s = st;
  if (s->detect && s->mask_arg) { fprintf(stderr, "studio: --mask heals exactly the mask given; --detect is for finding one: not both\n"); return 1; }
  return 0;
}

/* In a batch a mask option names a directory: DIR/NAME-mask.png for input IN. */
static const char *mask_path(const char *arg, const char *in, const char *dir, char *buf, size_t len) {
  if (!dir) return arg;
  es_batch_name(in, arg, "mask", STUDIO_FORMAT_PNG, buf, len);
  return buf;
}

static int begin_file(void *st, studio_ctx *ctx, const char *in, const char *dir) {
  state_t *s = st;
  studio_image_free(&s->mask); studio_image_free(&s->used);
  if (s->save_arg) snprintf(s->save_path, sizeof s->save_path, "%s", s->save_arg);
  if (s->save_arg && dir) es_batch_name(in, s->save_arg, "mask", STUDIO_FORMAT_PNG, s->save_path, sizeof s->save_path);
  if (!s->mask_arg) return 0;
  char buf[4096], why[512];
  const char *path = mask_path(s->mask_arg, in, dir, buf, sizeof buf);
  size_t len;
  uint8_t *data = es_read_file(path, &len, why, sizeof why);
  if (!data) { fprintf(stderr, "%s: error: mask %s: %s\n", in, path, why); return 1; }
  const studio_status status = studio_decode(ctx, data, len, &s->mask);
  free(data);
  if (status) { fprintf(stderr, "%s: error: mask %s is not an image we read: %s\n", in, path, studio_error(ctx)); return 1; }
  return 0;
}

static studio_status run(void *st, studio_ctx *ctx, const studio_image *in, studio_image *out) {
  state_t *s = st;
  return studio_repair(ctx, in, &s->opt, s->mask.pixels ? &s->mask : NULL, out, s->save_arg ? &s->used : NULL);
}

static int end_file(void *st, studio_ctx *ctx, const char *in) {
  state_t *s = st;
  if (!s->save_arg || !s->used.pixels) return 0;
  uint8_t *enc = NULL;
  size_t len = 0;
  char why[512];
  int rc = 0;
  if (studio_encode(ctx, &s->used, STUDIO_FORMAT_PNG, 92, &enc, &len)) { fprintf(stderr, "%s: error: mask: %s\n", in, studio_error(ctx)); rc = 1; }
  else if (es_write_file_atomic(s->save_path, enc, len, why, sizeof why)) { fprintf(stderr, "%s: error: mask %s: %s\n", in, s->save_path, why); rc = 1; }
  studio_free(enc);
  return rc;
}

int es_cmd_repair(int argc, char **argv) {
  state_t s = {.mask_arg = NULL};
  studio_repair_defaults(&s.opt);
  es_batch_command cmd = {"repaired", option, prepare, run, &s, NULL, begin_file, end_file};
  const int rc = es_run_batch(&cmd, argc, argv);
  studio_image_free(&s.mask); studio_image_free(&s.used);
  return rc;
}
