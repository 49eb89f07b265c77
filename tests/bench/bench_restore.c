/* bench_restore.c - time studio_restore on one image:
 * `bench_restore FILE [RUNS] [THREADS] [NAME=VALUE,...]` (options as the CLI names them:
 * strength=1 to time the whole correction whatever auto decides). One line, as bench_enhance's.
 * tools/studio bench restore runs it natively and as WASM on a 12 MP faded print. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "bench_util.h"

static studio_status set(studio_ctx *ctx, void *opt, const char *name, const char *value) { return studio_restore_set(ctx, opt, name, value); }
static studio_status run(studio_ctx *ctx, const studio_image *in, const void *opt, studio_image *out) { return studio_restore(ctx, in, opt, out, NULL); }

int main(int argc, char **argv) {
  studio_restore_options opt;
  studio_restore_defaults(&opt);
  return bench_job(argc, argv, "restore", &opt, set, run);
}
