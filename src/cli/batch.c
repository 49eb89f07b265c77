/* batch.c - see batch.h. */
#include "batch.h"
#include "output.h"
#include "readfile.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Decode, run, encode, write: 0 or -1 with the reason printed. */
static int one(const es_batch_command *cmd, studio_ctx *ctx, const char *in, const char *out, const char *dir, studio_format fmt, int quality) {
  char why[512];
  if (cmd->begin_file && cmd->begin_file(cmd->state, ctx, in, dir)) return -1;
  size_t len;
  uint8_t *data = es_read_file(in, &len, why, sizeof why), *enc = NULL;
  if (!data) { fprintf(stderr, "%s: error: %s\n", in, why); return -1; }
  studio_image img = {0}, res = {0};
  size_t enc_len = 0;
  int rc = -1;
  if (studio_decode(ctx, data, len, &img) || cmd->run(cmd->state, ctx, &img, &res) || studio_encode(ctx, &res, fmt, quality, &enc, &enc_len))
    fprintf(stderr, "%s: error: %s\n", in, studio_error(ctx));
  else if (es_write_file_atomic(out, enc, enc_len, why, sizeof why))
    fprintf(stderr, "%s: error: %s\n", in, why);
  else
    rc = cmd->end_file && cmd->end_file(cmd->state, ctx, in) ? -1 : 0;
  studio_free(enc); studio_image_free(&res); studio_image_free(&img); free(data);
  return rc;
}

static int is_flag(const es_batch_command *cmd, const char *a) {
  if (strncmp(a, "--", 2) != 0) return 0;
  for (const char *const *f = cmd->flags; f && *f; f++)
    if (strcmp(a + 2, *f) == 0) return 1;
  return 0;
}

int es_run_batch(const es_batch_command *cmd, int argc, char **argv) {
  const char *dir = NULL, **files = calloc((size_t)argc + 1, sizeof *files);
  int nfiles = 0, quality = 92, threads = 0, status = 0;
  studio_format force = STUDIO_FORMAT_UNKNOWN;
  studio_ctx *ctx = studio_create(NULL);
  if (!ctx || !files) { fprintf(stderr, "studio: out of memory\n"); free(files); studio_destroy(ctx); return 1; }
  for (int i = 0; i < argc && !status; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (a[0] != '-' || a[1] == 0) { files[nfiles++] = a; continue; }
    if (is_flag(cmd, a)) { if (cmd->option(cmd->state, ctx, a + 2, NULL)) status = 2; continue; }
    if (!val) { fprintf(stderr, "studio: %s needs a value\n", a); status = 2; break; }
    i++;
    if (strcmp(a, "-o") == 0) dir = val;
    else if (strcmp(a, "--quality") == 0) { quality = atoi(val); if (quality < 1 || quality > 100) { fprintf(stderr, "studio: --quality must be 1..100\n"); status = 2; } }
    else if (strcmp(a, "--threads") == 0) threads = atoi(val);
    else if (strcmp(a, "--format") == 0) {
      force = strcmp(val, "png") == 0 ? STUDIO_FORMAT_PNG : (strcmp(val, "jpeg") == 0 || strcmp(val, "jpg") == 0) ? STUDIO_FORMAT_JPEG : STUDIO_FORMAT_UNKNOWN;
      if (force == STUDIO_FORMAT_UNKNOWN) { fprintf(stderr, "studio: --format is png or jpeg, not '%s'\n", val); status = 2; }
    } else if (strncmp(a, "--", 2) == 0) {
      if (cmd->option(cmd->state, ctx, a + 2, val)) status = 2;
    } else { fprintf(stderr, "studio: unknown option %s\n", a); status = 2; }
  }
  if (threads > 0) { studio_destroy(ctx); ctx = studio_create(&(studio_config){.threads = threads}); }
  if (!status && (nfiles == 0 || (!dir && nfiles != 2))) { es_usage(stderr); status = 2; }
  if (!status && cmd->prepare && cmd->prepare(cmd->state, ctx)) status = 1;
  int failed = 0;
  if (status) {
  } else if (!dir) {
    studio_format f = force != STUDIO_FORMAT_UNKNOWN ? force : es_format_for_path(files[1]);
    if (f == STUDIO_FORMAT_UNKNOWN) { fprintf(stderr, "studio: %s: the output must end in .png, .jpg or .jpeg\n", files[1]); failed = 1; }
    else if (es_same_file(files[0], files[1])) { fprintf(stderr, "studio: refusing to overwrite the input %s\n", files[0]); failed = 1; }
    else failed = one(cmd, ctx, files[0], files[1], NULL, f, quality) != 0;
  } else {
    struct stat st;
    if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0) { fprintf(stderr, "studio: cannot create %s\n", dir); failed = nfiles; }
    for (int i = 0; i < nfiles && failed < nfiles; i++) {
      char out[4096];
      es_batch_name(files[i], dir, cmd->suffix, force, out, sizeof out);
      double t0 = now_ms();
      if (es_same_file(files[i], out)) { fprintf(stderr, "%s: error: refusing to overwrite the input\n", files[i]); failed++; continue; }
      if (one(cmd, ctx, files[i], out, dir, es_format_for_path(out), quality) == 0)
        fprintf(stderr, "[%d/%d] %s -> %s (%.0f ms)\n", i + 1, nfiles, files[i], out, now_ms() - t0);
      else
        failed++;
    }
    if (nfiles > 1) fprintf(stderr, "%d of %d %s%s\n", nfiles - failed, nfiles, cmd->suffix, failed ? "" : ", all fine");
  }
  studio_destroy(ctx);
  free(files);
  return status ? status : failed ? 1 : 0;
}
