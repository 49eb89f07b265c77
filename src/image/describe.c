/* describe.c - the one-line description of a probed file that every front end prints. */
#include "../api/studio.h"

#include <stdio.h>

int studio_info_describe(const studio_info *i, char *buf, size_t len) {
  int n = snprintf(buf, len, "%s %dx%d, %d channel%s, %d-bit %s%s", studio_format_name(i->format), i->width, i->height,
                   i->channels, i->channels == 1 ? "" : "s", i->bit_depth, i->color_model ? i->color_model : "?",
                   i->progressive ? (i->format == STUDIO_FORMAT_PNG ? ", interlaced" : ", progressive") : "");
  if (i->orientation != 1 && n >= 0 && (size_t)n < len)
    n += snprintf(buf + n, len - (size_t)n, ", orientation %d (stored %dx%d)", i->orientation, i->stored_width, i->stored_height);
  return n;
}
