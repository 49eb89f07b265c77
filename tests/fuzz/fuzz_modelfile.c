/* fuzz_modelfile.c - libFuzzer target: any bytes through our model file reader (.esm) must
 * end in a network or a clean error, never a crash, leak or out-of-bounds access.
 * A mutated file nearly always fails the size and checksum checks first, which would leave
 * the table reader unexercised; so when the input has the header, its total size and
 * FNV-1a checksum are set to match before reading (the checks themselves are a few lines,
 * read by eye). Odd lengths are read from a misaligned copy, so the copying paths run as
 * well as the carving ones. tools/studio fuzz [SECONDS] runs it on small valid files
 * written by make_seeds.py (a converted real model is ~130 MB, too big to seed with). */
#include "api/studio.h"
#include "fuzz_net.h"
#include "model/eccv16.h"
#include "model/modelfile.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  static studio_ctx *ctx;
  if (!ctx) ctx = studio_create(&(studio_config){.threads = 1});
  size_t shift = len & 1;
  uint8_t *buf = malloc(len + shift + 1), *d = buf + shift;
  if (!buf) return 0;
  memcpy(d, data, len);
  if (len >= 64 && es_model_is_file(d, len)) {
    uint64_t h = 1469598103934665603ull; /* models/README.md: FNV-1a of bytes 64.. */
    for (size_t i = 64; i < len; i++) h = (h ^ d[i]) * 1099511628211ull;
    put64(d + 40, len);
    put64(d + 48, h);
  }
  es_caffe_net net;
  es_precision p;
  if (es_model_read(ctx, d, len, &net, &p) == STUDIO_OK) {
    volatile float sink = fuzz_touch_net(&net);
    (void)sink;
    es_eccv16_check(ctx, &net);
    es_caffe_free(&net);
  }
  free(buf);
  return 0;
}
