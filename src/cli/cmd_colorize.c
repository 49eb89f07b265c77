/* cmd_colorize.c - `studio colorize IN OUT --model FILE [--pts FILE] [options]` or
 * `IN... -o DIR`, and `--hints H.json` with or without a model: the model and the hints
 * file are read and checked once, before the first image; each image is checked against
 * the hints' photo size. */
#include "batch.h"
#include "readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *model_path, *pts_path, *hints_path;
  studio_colorize_options opt;
  studio_hint_options hopt;
  studio_model *model;
  studio_hints hints;
} state_t;

static int option(void *p, studio_ctx *ctx, const char *name, const char *value) {
  state_t *s = p;
  (void)ctx;
  char *end = NULL;
  if (strcmp(name, "model") == 0) { s->model_path = value; return 0; }
  if (strcmp(name, "pts") == 0) { s->pts_path = value; return 0; }
  if (strcmp(name, "hints") == 0) { s->hints_path = value; return 0; }
  if (strcmp(name, "upsample") == 0) {
    if (strcmp(value, "bilinear") && strcmp(value, "edge-aware")) { fprintf(stderr, "studio: --upsample is bilinear or edge-aware, not '%s'\n", value); return 1; }
    s->opt.edge_aware = strcmp(value, "edge-aware") == 0;
    return 0;
  }
  if (strcmp(name, "conv") == 0) {
    static const char *names[] = {"auto", "direct", "winograd"};
    for (int i = 0; i < 3; i++) if (strcmp(value, names[i]) == 0) { s->opt.conv = i; return 0; }
    fprintf(stderr, "studio: --conv is auto, direct or winograd, not '%s'\n", value);
    return 1;
  }
  double v = strtod(value, &end);
  if (end == value || *end) { fprintf(stderr, "studio: --%s needs a number, not '%s'\n", name, value); return 1; }
  if (strcmp(name, "vibrance") == 0) s->opt.vibrance = (float)v;
  else if (strcmp(name, "saturation") == 0) s->opt.saturation = (float)v;
  else if (strcmp(name, "size") == 0) s->opt.size = (int)v;
  else if (strcmp(name, "trust") == 0) s->hopt.trust = (float)v;
  else if (strcmp(name, "work-size") == 0) s->hopt.work_megapixels = (float)v;
  else if (strcmp(name, "tolerance") == 0) s->hopt.tolerance = (float)v;
  else {
    fprintf(stderr, "studio: unknown colorize option --%s (model, pts, hints, vibrance, saturation, size, upsample, conv, trust, work-size, tolerance)\n", name);
    return 1;
  }
  return 0;
}

static int prepare(void *p, studio_ctx *ctx) {
  state_t *s = p;
  char why[512];
  if (!s->model_path && !s->hints_path) {
    fprintf(stderr, "studio: colorize needs --model FILE (a .caffemodel; see models/README.md), --hints H.json (colour hints), or both\n");
    return 1;
  }
  if (s->hints_path) {
    size_t hlen;
    char *json = (char *)es_read_file(s->hints_path, &hlen, why, sizeof why);
    if (!json) { fprintf(stderr, "%s: error: %s\n", s->hints_path, why); return 1; }
    studio_status st = studio_hints_parse(ctx, json, hlen, &s->hints);
    free(json);
    if (st) { fprintf(stderr, "%s: error: %s\n", s->hints_path, studio_error(ctx)); return 1; }
  }
  if (!s->model_path) return 0;
  size_t len, plen = 0;
  uint8_t *data = es_read_file(s->model_path, &len, why, sizeof why), *pts = NULL;
  if (!data) { fprintf(stderr, "%s: error: %s\n", s->model_path, why); return 1; }
  if (s->pts_path && !(pts = es_read_file(s->pts_path, &plen, why, sizeof why))) { fprintf(stderr, "%s: error: %s\n", s->pts_path, why); free(data); return 1; }
  studio_status st = studio_model_load(ctx, data, len, pts, plen, &s->model);
  free(data); free(pts);
  if (st) { fprintf(stderr, "%s: error: %s\n", s->model_path, studio_error(ctx)); return 1; }
  return 0;
}

static studio_status run(void *p, studio_ctx *ctx, const studio_image *in, studio_image *out) {
  state_t *s = p;
  if (s->hints_path) return studio_colorize_hints(ctx, s->model, in, &s->opt, &s->hints, &s->hopt, out);
  return studio_colorize(ctx, s->model, in, &s->opt, out);
}

int es_cmd_colorize(int argc, char **argv) {
  state_t s = {0};
  studio_colorize_defaults(&s.opt);
  studio_hint_defaults(&s.hopt);
  es_batch_command cmd = {"colorized", option, prepare, run, &s, NULL, NULL, NULL};
  int rc = es_run_batch(&cmd, argc, argv);
  studio_model_free(s.model);
  studio_hints_free(&s.hints);
  return rc;
}
