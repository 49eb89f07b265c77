/* exif.c - the one EXIF field we honour: Orientation (tag 0x0112 in IFD0). */
#include "formats.h"

static unsigned rd16(const uint8_t *p, int le) { return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]); }
static unsigned long rd32(const uint8_t *p, int le) {
  return le ? ((unsigned long)p[0] | (unsigned long)p[1] << 8 | (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24)
            : ((unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | (unsigned long)p[3]);
}

int es_exif_orientation(const uint8_t *t, size_t n) {
  if (n < 8) return 1;
  int le;
  if (t[0] == 'I' && t[1] == 'I') le = 1;
  else if (t[0] == 'M' && t[1] == 'M') le = 0;
  else return 1;
  if (rd16(t + 2, le) != 42) return 1;
  unsigned long ifd = rd32(t + 4, le);
  if (ifd > n - 2) return 1;
  unsigned count = rd16(t + ifd, le);
  for (unsigned i = 0; i < count; i++) {
    unsigned long e = ifd + 2 + 12ul * i;
    if (e + 12 > n) return 1;
    if (rd16(t + e, le) != 0x0112) continue;
    /* SHORT, count 1: the value sits in the first two bytes of the value field. */
    unsigned v = rd16(t + e + 2, le) == 3 ? rd16(t + e + 8, le) : 0;
    return v >= 1 && v <= 8 ? (int)v : 1;
  }
  return 1;
}
