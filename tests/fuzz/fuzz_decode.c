/* fuzz_decode.c - libFuzzer target: any bytes through probe, decode, resize and encode must
 * end in a result or a clean error, never a crash, leak or out-of-bounds access.
 * tools/studio fuzz [SECONDS] builds it with clang (-fsanitize=fuzzer,address,undefined)
 * and runs it on a corpus seeded from ../shared's conformance files. */
#include "api/studio.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  /* Small limits keep each run fast; the size checks themselves are what is exercised. */
  static studio_ctx *ctx;
  if (!ctx) ctx = studio_create(&(studio_config){.threads = 1, .max_megapixels = 4});
  studio_info info;
  if (studio_probe(ctx, data, len, &info) != STUDIO_OK) return 0;
  studio_image img, small;
  if (studio_decode(ctx, data, len, &img) != STUDIO_OK) return 0;
  if (studio_resize(ctx, &img, img.width / 3 + 1, img.height / 2 + 1, STUDIO_RESIZE_AREA, &small) == STUDIO_OK) {
    uint8_t *out;
    size_t n;
    if (studio_encode(ctx, &small, STUDIO_FORMAT_JPEG, 75, &out, &n) == STUDIO_OK) studio_free(out);
    studio_image_free(&small);
  }
  studio_image_free(&img);
  return 0;
}
