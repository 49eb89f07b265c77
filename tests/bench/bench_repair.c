/* bench_repair.c - time the dust-and-scratch repairer on one image:
 * `bench_repair FILE [RUNS] [THREADS] [NAME=VALUE,...]`: studio_repair, detection then heal
 * (options as the CLI names them); with mask=MASKFILE among the options, studio_repair_heal of
 * that mask instead (no detection); with only=detect, studio_repair_detect alone. One line, as bench_enhance's. tools/studio bench repair
 * runs it natively and as WASM on a 12 MP photo with drawn damage. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "bench_util.h"

static studio_image mask;
static int detect_only;

static studio_status set(studio_ctx *ctx, void *opt, const char *name, const char *value) {
  if (!strcmp(name, "only") && !strcmp(value, "detect")) { detect_only = 1; return STUDIO_OK; }
  if (strcmp(name, "mask")) return studio_repair_set(ctx, opt, name, value);
  char why[256];
  size_t len;
  uint8_t *data = es_read_file(value, &len, why, sizeof why);
  if (!data) { fprintf(stderr, "%s: %s\n", value, why); exit(1); }
  const studio_status s = studio_decode(ctx, data, len, &mask);
  free(data);
  return s;
}

static studio_status run(studio_ctx *ctx, const studio_image *in, const void *opt, studio_image *out) {
  if (detect_only) return studio_repair_detect(ctx, in, opt, out);
  return mask.pixels ? studio_repair_heal(ctx, in, &mask, opt, out) : studio_repair(ctx, in, opt, NULL, out, NULL);
}

int main(int argc, char **argv) {
  studio_repair_options opt;
  studio_repair_defaults(&opt);
  const int rc = bench_job(argc, argv, "repair", &opt, set, run);
  studio_image_free(&mask);
  return rc;
}
