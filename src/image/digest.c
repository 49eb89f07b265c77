/* digest.c - studio_image_digest: FNV-1a 64 over the size and the pixel rows. */
#include "../api/studio.h"

uint64_t studio_image_digest(const studio_image *img) {
  uint64_t h = 1469598103934665603ull;
  const uint32_t dims[3] = {(uint32_t)img->width, (uint32_t)img->height, (uint32_t)img->channels};
  for (int k = 0; k < 3; k++)
    for (int b = 0; b < 4; b++) h = (h ^ ((dims[k] >> (8 * b)) & 0xFF)) * 1099511628211ull; /* little-endian everywhere */
  for (int y = 0; y < img->height; y++) {
    const uint8_t *row = img->pixels + (size_t)y * img->stride;
    for (size_t i = 0; i < (size_t)img->width * img->channels; i++) h = (h ^ row[i]) * 1099511628211ull;
  }
  return h;
}
