/* decode.c - studio_decode: probe (structure, limits, orientation), stb_image for the
 * pixels, then the EXIF orientation applied. */
#include "formats.h"
#include "orient.h"

#include <stdlib.h>
#include <string.h>
#include <stb_image.h>

/* stb's reasons are terse ("bad huffman code"); say which file kind broke and keep its words. */
static studio_status stb_failure(studio_ctx *ctx, studio_format f) {
  const char *why = stbi_failure_reason();
  if (why && (strcmp(why, "outofmem") == 0 || strcmp(why, "Out of memory") == 0))
    return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while decoding the %s image", studio_format_name(f));
  return es_fail(ctx, STUDIO_E_CORRUPT, "corrupt %s data (%s)", studio_format_name(f), why ? why : "decoder failed");
}

studio_status studio_decode(studio_ctx *ctx, const uint8_t *data, size_t len, studio_image *out) {
  if (!ctx || !out) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_decode: NULL argument") : STUDIO_E_ARGUMENT;
  memset(out, 0, sizeof *out);
  studio_info info;
  studio_status s = studio_probe(ctx, data, len, &info);
  if (s) return s;
  if (len > 0x7FFFFFFF) return es_fail(ctx, STUDIO_E_TOO_LARGE, "the file is over 2 GB");
  if (es_progress(ctx, "decode", 0.f)) return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled");
  int w = 0, h = 0, file_channels = 0;
  uint8_t *px = stbi_load_from_memory(data, (int)len, &w, &h, &file_channels, info.channels);
  if (!px) return stb_failure(ctx, info.format);
  if (w != info.stored_width || h != info.stored_height) {
    free(px);
    return es_fail(ctx, STUDIO_E_INTERNAL, "decoder disagreed with the header about the size");
  }
  if (info.orientation != 1) {
    uint8_t *turned = es_orient(px, w, h, info.channels, info.orientation, &w, &h);
    free(px);
    if (!turned) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory while orienting a %dx%d image", w, h);
    px = turned;
  }
  out->width = w; out->height = h; out->channels = info.channels;
  out->stride = (size_t)w * info.channels;
  out->pixels = px;
  if (es_progress(ctx, "decode", 1.f)) { studio_image_free(out); return es_fail(ctx, STUDIO_E_CANCELLED, "cancelled"); }
  return es_ok(ctx);
}
