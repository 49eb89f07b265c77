/* batch.h - what every image command shares: IN OUT or IN... -o DIR, --quality, --format,
 * --threads, a progress line per file, going on past a failed file, atomic writes, never
 * overwriting an input. A command supplies its options and its operation. */
#ifndef STUDIO_BATCH_H
#define STUDIO_BATCH_H
#include "../api/studio.h"

typedef struct {
  const char *suffix;  /* batch names: NAME-suffix.EXT */
  /* --name value the runner does not know; 0, or non-zero after printing why. A flag (named
   * in `flags`) comes with value NULL */
  int (*option)(void *state, studio_ctx *ctx, const char *name, const char *value);
  /* called once before the first file; 0, or non-zero after printing why */
  int (*prepare)(void *state, studio_ctx *ctx);
  /* the operation: in -> out; a studio status (the message is in ctx) */
  studio_status (*run)(void *state, studio_ctx *ctx, const studio_image *in, studio_image *out);
  void *state;
  const char *const *flags;  /* NULL-terminated: the command's options that take no value (may be NULL) */
  /* Per file, both may be NULL: begin_file before its run, with the input's path and the -o
   * directory (NULL for IN OUT), end_file after its output was written. 0, or non-zero after
   * printing why: that file fails and the batch goes on. (Repair finds and saves masks here.) */
  int (*begin_file)(void *state, studio_ctx *ctx, const char *in, const char *dir);
  int (*end_file)(void *state, studio_ctx *ctx, const char *in);
} es_batch_command;

int es_run_batch(const es_batch_command *cmd, int argc, char **argv);
#endif
