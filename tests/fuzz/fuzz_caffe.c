/* fuzz_caffe.c - libFuzzer target: any bytes through the Caffe reader and the ECCV16 check
 * must end in a network or a clean error, never a crash, leak or out-of-bounds access.
 * tools/studio fuzz [SECONDS] runs it on small valid nets written by make_seeds.py. */
#include "api/studio.h"
#include "fuzz_net.h"
#include "model/eccv16.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  static studio_ctx *ctx;
  if (!ctx) ctx = studio_create(&(studio_config){.threads = 1});
  es_caffe_net net;
  if (es_caffe_read(ctx, data, len, &net) != STUDIO_OK) return 0;
  volatile float sink = fuzz_touch_net(&net);
  (void)sink;
  es_eccv16_check(ctx, &net); /* a fuzzed net never passes; the point is the checking itself */
  es_caffe_free(&net);
  return 0;
}
