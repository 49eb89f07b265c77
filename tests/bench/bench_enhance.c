/* bench_enhance.c - time studio_enhance on one image:
 * `bench_enhance FILE [RUNS] [THREADS] [NAME=VALUE,...]` (options as the CLI names them).
 * Prints one line: size, threads, median and min milliseconds over RUNS, megapixels per
 * second, and peak memory (process RSS natively; the WASM heap's size under Node).
 * tools/studio bench enhance runs it natively and as WASM next to the OpenCV reference. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "bench_util.h"

static studio_status set(studio_ctx *ctx, void *opt, const char *name, const char *value) { return studio_enhance_set(ctx, opt, name, value); }
static studio_status run(studio_ctx *ctx, const studio_image *in, const void *opt, studio_image *out) { return studio_enhance(ctx, in, opt, out); }

int main(int argc, char **argv) {
  studio_enhance_options opt;
  studio_enhance_defaults(&opt);
  return bench_job(argc, argv, "enhance", &opt, set, run);
}
