/* fuzz_npy.c - libFuzzer target: any bytes through the .npy reader must end in an array or a
 * clean error, never a crash, leak or out-of-bounds access (the input is not NUL-terminated,
 * so a header scan that runs off its end is caught).
 * tools/studio fuzz [SECONDS] runs it on pts_in_hull.npy and small arrays of each type. */
#include "api/studio.h"
#include "model/npy.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  static studio_ctx *ctx;
  if (!ctx) ctx = studio_create(&(studio_config){.threads = 1});
  es_npy a;
  if (es_npy_read(ctx, data, len, &a) != STUDIO_OK) return 0;
  float sum = 0.f; /* every value read: a count larger than the allocation shows */
  for (size_t i = 0; i < a.count; i++) sum += a.data[i];
  volatile float sink = sum;
  (void)sink;
  es_npy_free(&a);
  return 0;
}
