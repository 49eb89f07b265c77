/* fuzz_hints.c - libFuzzer target: any bytes through the hints file reader must end in hints
 * or a clean error, never a crash, leak or out-of-bounds access; and hints it accepts must
 * survive a round trip: written back, the text parses again to the same photo size, the same
 * number of points and strokes and the same colours (a writer that rounds a coordinate onto
 * the border, where the reader refuses it, fails here).
 * tools/studio fuzz [SECONDS] runs it on a few valid hints files written by make_seeds.py. */
#include "api/studio.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void same(int ok, const char *what, studio_ctx *ctx) {
  if (ok) return;
  fprintf(stderr, "hints round trip: %s (%s)\n", what, studio_error(ctx));
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  static studio_ctx *ctx;
  if (!ctx) ctx = studio_create(&(studio_config){.threads = 1});
  studio_hints a, b;
  if (studio_hints_parse(ctx, (const char *)data, len, &a) != STUDIO_OK) return 0;
  char *json;
  size_t n;
  same(studio_hints_write(ctx, &a, &json, &n) == STUDIO_OK, "the parsed hints do not write", ctx);
  same(studio_hints_parse(ctx, json, n, &b) == STUDIO_OK, "the written hints do not parse", ctx);
  same(a.width == b.width && a.height == b.height, "the photo size changed", ctx);
  same(a.n_points == b.n_points && a.n_strokes == b.n_strokes, "the counts changed", ctx);
  for (int i = 0; i < a.n_points; i++) same(a.points[i].r == b.points[i].r && !memcmp(a.points[i].rgb, b.points[i].rgb, 3), "a point changed", ctx);
  for (int i = 0; i < a.n_strokes; i++) same(a.strokes[i].n == b.strokes[i].n && !memcmp(a.strokes[i].rgb, b.strokes[i].rgb, 3), "a stroke changed", ctx);
  studio_free(json);
  studio_hints_free(&a);
  studio_hints_free(&b);
  return 0;
}
