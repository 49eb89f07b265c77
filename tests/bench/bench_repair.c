/* bench_repair.c - time the dust-and-scratch repairer on one image:
 * `bench_repair FILE [RUNS] [THREADS] [NAME=VALUE,...]`: studio_repair, detection then heal
 * (options as the CLI names them); with mask=MASKFILE among the options, studio_repair_heal of
 * that mask instead (no detection); with only=detect, studio_repair_detect alone. One line, as
 * bench_enhance's, then the median CPU time of a run over all threads (a figure less at the
 * mercy of a shared machine's load than the wall time). tools/studio bench repair
 * runs it natively and as WASM on a 12 MP photo with drawn damage. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "bench_util.h"

static studio_image mask;
static int detect_only, runs;
static double cpu[100];

static double cpu_ms(void) { /* under Node there is no process CPU clock: the wall time */
#ifdef __EMSCRIPTEN__
  return bench_now_ms();
#endif
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

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
  const double t0 = cpu_ms();
  const studio_status s = detect_only ? studio_repair_detect(ctx, in, opt, out)
                          : mask.pixels ? studio_repair_heal(ctx, in, &mask, opt, out)
                                        : studio_repair(ctx, in, opt, NULL, out, NULL);
  if (runs < 100) cpu[runs++] = cpu_ms() - t0;
  return s;
}

int main(int argc, char **argv) {
  studio_repair_options opt;
  studio_repair_defaults(&opt);
  const int rc = bench_job(argc, argv, "repair", &opt, set, run);
  if (!rc && runs) printf("cpu median %.0f ms per run, all threads\n", bench_median(cpu, runs));
  studio_image_free(&mask);
  return rc;
}
