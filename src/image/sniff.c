/* sniff.c - which container a buffer holds, from its first bytes. */
#include "formats.h"

#include <string.h>

studio_format es_sniff(const uint8_t *d, size_t n) {
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return STUDIO_FORMAT_JPEG;
  if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return STUDIO_FORMAT_PNG;
  if (n >= 2 && d[0] == 'B' && d[1] == 'M') return STUDIO_FORMAT_BMP;
  return STUDIO_FORMAT_UNKNOWN;
}
