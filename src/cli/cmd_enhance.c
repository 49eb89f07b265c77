/* cmd_enhance.c - `studio enhance IN OUT [options]` or `IN... -o DIR`: options go to the core
 * by name (studio_enhance_set), so every front end takes the same ones with the same messages. */
#include "batch.h"

#include <stdio.h>

static int option(void *state, studio_ctx *ctx, const char *name, const char *value) {
  if (studio_enhance_set(ctx, state, name, value) == STUDIO_OK) return 0;
  fprintf(stderr, "studio: %s\n", studio_error(ctx));
  return 1;
}

static studio_status run(void *state, studio_ctx *ctx, const studio_image *in, studio_image *out) {
  return studio_enhance(ctx, in, state, out);
}

int es_cmd_enhance(int argc, char **argv) {
  studio_enhance_options opt;
  studio_enhance_defaults(&opt);
  es_batch_command cmd = {"enhanced", option, NULL, run, &opt, NULL, NULL, NULL};
  return es_run_batch(&cmd, argc, argv);
}
