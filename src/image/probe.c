/* probe.c - studio_probe: what a file is, as the user will see it, without decoding pixels. */
#include "formats.h"

#include <string.h>

static const char *png_model(int ct) {
  switch (ct) {
    case 0: return "grey";
    case 2: return "RGB";
    case 3: return "palette";
    case 4: return "grey+alpha";
    default: return "RGBA";
  }
}

static studio_status probe_png(studio_ctx *ctx, const uint8_t *d, size_t n, studio_info *info) {
  es_png_header h;
  studio_status s = es_png_scan(ctx, d, n, &h);
  if (s) return s;
  static const int base_channels[7] = {1, 0, 3, 3, 2, 0, 4};
  info->stored_width = h.width; info->stored_height = h.height;
  info->bit_depth = h.bit_depth;
  info->progressive = h.interlaced;
  info->color_model = png_model(h.color_type);
  /* tRNS gives a colour-keyed or palette alpha: decode returns it as a real channel. */
  info->channels = base_channels[h.color_type] + ((h.has_trns && (h.color_type == 0 || h.color_type == 2 || h.color_type == 3)) ? 1 : 0);
  return STUDIO_OK;
}

static studio_status probe_jpeg(studio_ctx *ctx, const uint8_t *d, size_t n, studio_info *info) {
  es_jpeg_header h;
  studio_status s = es_jpeg_scan(ctx, d, n, &h);
  if (s) return s;
  info->stored_width = h.width; info->stored_height = h.height;
  info->bit_depth = h.precision;
  info->orientation = h.orientation;
  info->progressive = h.sof == 0xC2;
  info->channels = h.components == 1 ? 1 : 3;
  if (h.components == 1) info->color_model = "grey";
  else if (h.components == 4) info->color_model = h.adobe_transform == 2 ? "YCCK" : "CMYK";
  else info->color_model = (h.rgb_ids || (h.adobe_transform == 0 && !h.jfif)) ? "RGB" : "YCbCr"; /* as stb_image decides */
  return STUDIO_OK;
}

static studio_status probe_bmp(studio_ctx *ctx, const uint8_t *d, size_t n, studio_info *info) {
  es_bmp_header h;
  studio_status s = es_bmp_scan(ctx, d, n, &h);
  if (s) return s;
  info->stored_width = h.width; info->stored_height = h.height;
  info->bit_depth = h.bits_per_pixel;
  info->channels = h.has_alpha ? 4 : 3;
  info->color_model = h.bits_per_pixel <= 8 ? "palette" : h.has_alpha ? "RGBA" : "RGB";
  return STUDIO_OK;
}

/* Formats people try that the core does not read (with their article), named so that
 * "photo.webp" is not answered with a bare "unknown format"; status FORMAT all the same, so
 * the page knows to try the browser's decoder. AVIF and HEIC name themselves by ftyp brand. */
static const char *other_format(const uint8_t *d, size_t n) {
  if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return "a GIF";
  if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return "a WebP";
  if (n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0)) return "a TIFF";
  if (n >= 2 && d[0] == 0xFF && d[1] == 0x0A) return "a JPEG XL";
  if (n >= 12 && memcmp(d, "\0\0\0\x0CJXL \r\n\x87\n", 12) == 0) return "a JPEG XL";
  if (n >= 12 && memcmp(d, "\0\0\0\x0CjP  \r\n\x87\n", 12) == 0) return "a JPEG 2000";
  if (n >= 4 && memcmp(d, "8BPS", 4) == 0) return "a Photoshop (PSD)";
  if (n >= 12 && memcmp(d + 4, "ftyp", 4) == 0) {
    size_t box = (size_t)d[0] << 24 | (size_t)d[1] << 16 | (size_t)d[2] << 8 | d[3];
    const char *heif = NULL;
    /* the major brand, then the compatible ones (an AVIF may say mif1 first) */
    for (size_t i = 8; i + 4 <= n && i + 4 <= box; i += i == 8 ? 8 : 4) {
      if (memcmp(d + i, "avif", 4) == 0 || memcmp(d + i, "avis", 4) == 0) return "an AVIF";
      if (memcmp(d + i, "heic", 4) == 0 || memcmp(d + i, "heix", 4) == 0 || memcmp(d + i, "heim", 4) == 0 ||
          memcmp(d + i, "heis", 4) == 0 || memcmp(d + i, "hevc", 4) == 0 || memcmp(d + i, "hevx", 4) == 0) heif = "a HEIC";
      else if (!heif && (memcmp(d + i, "mif1", 4) == 0 || memcmp(d + i, "msf1", 4) == 0)) heif = "a HEIF";
    }
    return heif;
  }
  return NULL;
}

studio_status studio_probe(studio_ctx *ctx, const uint8_t *data, size_t len, studio_info *info) {
  if (!ctx || !info || (!data && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_probe: NULL argument") : STUDIO_E_ARGUMENT;
  memset(info, 0, sizeof *info);
  info->orientation = 1;
  if (len == 0) return es_fail(ctx, STUDIO_E_FORMAT, "the file is empty");
  info->format = es_sniff(data, len);
  studio_status s;
  switch (info->format) {
    case STUDIO_FORMAT_PNG: s = probe_png(ctx, data, len, info); break;
    case STUDIO_FORMAT_JPEG: s = probe_jpeg(ctx, data, len, info); break;
    case STUDIO_FORMAT_BMP: s = probe_bmp(ctx, data, len, info); break;
    default:
      if (other_format(data, len))
        return es_fail(ctx, STUDIO_E_FORMAT, "not a JPEG, PNG or BMP file (the only formats read here) but %s image", other_format(data, len));
      s = es_png_scan(ctx, data, len, &(es_png_header){0}); /* names a damaged PNG signature */
      break;
  }
  if (s) return s;
  int swap = info->orientation >= 5;
  info->width = swap ? info->stored_height : info->stored_width;
  info->height = swap ? info->stored_width : info->stored_height;
  return es_ok(ctx);
}
