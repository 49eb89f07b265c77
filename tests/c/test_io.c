/* test_io.c - decode/encode/probe on fixtures the test builds itself: every colour layout
 * round trip, alpha kept, EXIF orientations, size limits and bad inputs with their sentences. */
#include "check.h"
#include "fixtures.h"
#include "api/studio.h"

#include <stdlib.h>
#include <string.h>
#include <stb_image.h> /* stbi_zlib_decode_malloc: to read back which filters a PNG uses */

static studio_ctx *ctx;

static int has(const char *needle) { return strstr(studio_error(ctx), needle) != NULL; }

/* A w x h pattern: four coloured quadrants plus a gradient, so every orientation differs. */
static uint8_t *pattern(int w, int h, int c) {
  uint8_t *p = malloc((size_t)w * h * c);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t *q = p + ((size_t)y * w + x) * c;
      int qx = x * 2 / w, qy = y * 2 / h;
      uint8_t rgb[3] = {(uint8_t)(qx ? 230 : 20), (uint8_t)(qy ? 220 : 30), (uint8_t)((qx ^ qy) ? 200 : 40)};
      for (int k = 0; k < c; k++) q[k] = (c == 2 || c == 4) && k == c - 1 ? (uint8_t)(x * 255 / (w - 1)) : (c <= 2 ? rgb[1] : rgb[k]);
    }
  return p;
}

static void png_roundtrip(void) {
  for (int c = 1; c <= 4; c++) {
    studio_image img = {37, 23, c, (size_t)37 * c, pattern(37, 23, c)}, back;
    uint8_t *png; size_t len;
    CHECK(studio_encode(ctx, &img, STUDIO_FORMAT_PNG, 0, &png, &len) == STUDIO_OK);
    CHECKF(studio_decode(ctx, png, len, &back) == STUDIO_OK, "decode %d channels: %s", c, studio_error(ctx));
    CHECKF(back.width == 37 && back.height == 23 && back.channels == c, "%d channels came back as %d", c, back.channels);
    CHECKF(memcmp(back.pixels, img.pixels, (size_t)37 * 23 * c) == 0, "PNG round trip with %d channels changed pixels", c);
    studio_image_free(&back); studio_free(png); free(img.pixels);
  }
}

/* PNG output (png_write.c) on a made photo-like texture whose row bands each favour one PNG
 * filter (None, Sub, Up, Average, Paeth), 1..4 channels, padded rows; 1x1, one pixel wide, a
 * wide strip: the pixels come back exactly, and the big one uses every filter type (read
 * from the IDAT through stb_image's inflate, which the core compiles anyway). */
static void png_writer_exact(void) {
  /* The last size is deflated in bands, one a thread, each over 1 MB of filtered rows: with 2
   * and 3 threads, 2 channels (2.4 MB) make 2 bands, 3 and 4 channels 2 and 3 (1 channel: 1). */
  static const int sizes[][2] = {{1, 1}, {1, 57}, {301, 203}, {4099, 3}, {1500, 800}};
  studio_ctx *pools[3] = {studio_create(&(studio_config){.threads = 1}), studio_create(&(studio_config){.threads = 2}),
                          studio_create(&(studio_config){.threads = 3})};
  uint32_t rng = 12345;
#define NEXT() (rng = rng * 1664525u + 1013904223u, rng >> 24)
  for (int s = 0; s < 5; s++)
    for (int c = 1; c <= 4; c++) {
      int w = sizes[s][0], h = sizes[s][1];
      size_t stride = (size_t)w * c + 5;
      uint8_t *px = malloc(stride * h), *tex = malloc((size_t)w * c);
      for (int i = 0; i < w * c; i++) tex[i] = (uint8_t)NEXT();
      for (int y = 0; y < h; y++) {
        int slope = 1 + (int)(NEXT() % 3);
        for (int x = 0; x < w; x++)
          for (int k = 0; k < c; k++) {
            uint8_t *q = px + y * stride + (size_t)x * c + k, n = (uint8_t)(NEXT() % 13);
            switch ((y / 6) % 5) {
            case 0: *q = (uint8_t)(n % 3 == 2 ? 255 : n % 3); break;          /* near 0: None */
            case 1: *q = (uint8_t)(x * slope + k * 50 + n % 2); break;        /* ramps per row: Sub */
            case 2: *q = (uint8_t)(tex[x * c + k] + (y & 1)); break;          /* repeats the row above: Up */
            case 3: *q = (uint8_t)(120 + k * 9 + n); break;                   /* flat + noise: Average */
            default: *q = (uint8_t)(x * 5 + y * 7 + k * 30); break;           /* a plane: Paeth */
            }
          }
        memset(px + y * stride + (size_t)w * c, 0xEE, 5); /* padding must not leak into the file */
      }
      studio_image img = {w, h, c, stride, px}, back;
      uint8_t *png, *one = NULL; size_t len, one_len = 0;
      for (int t = s == 4 ? 0 : 2; t < 3; t++) { /* the last size: 1, 2 and 3 threads; else ctx */
        studio_ctx *e = s == 4 ? pools[t] : ctx;
        if (!e) continue; /* single-threaded WASM makes no pool of 2 or 3 */
        CHECKF(studio_encode(e, &img, STUDIO_FORMAT_PNG, 0, &png, &len) == STUDIO_OK, "encode %dx%dx%d: %s", w, h, c, studio_error(e));
        CHECKF(studio_decode(ctx, png, len, &back) == STUDIO_OK, "decode %dx%dx%d: %s", w, h, c, studio_error(ctx));
        int same = back.width == w && back.height == h && back.channels == c;
        for (int y = 0; same && y < h; y++) same = memcmp(back.pixels + y * back.stride, px + y * stride, (size_t)w * c) == 0;
        CHECKF(same, "PNG round trip of %dx%d with %d channels (%d threads) changed pixels", w, h, c, studio_threads(e));
        if (s == 4 && c > 1 && studio_threads(e) > 1) /* in bands: not one thread's stream */
          CHECKF(len != one_len || memcmp(png, one, len) != 0, "%d channels, %d threads: the deflate did not split", c, studio_threads(e));
        if (s == 2 || s == 4) {
          uint32_t idat = (uint32_t)png[33] << 24 | png[34] << 16 | png[35] << 8 | png[36];
          int raw_len = 0, used[5] = {0};
          char *raw = memcmp(png + 37, "IDAT", 4) == 0 ? stbi_zlib_decode_malloc((const char *)png + 41, (int)idat, &raw_len) : NULL;
          CHECKF(raw && raw_len == (w * c + 1) * h, "%d channels: IDAT does not inflate to the rows", c);
          for (int y = 0; raw && raw_len == (w * c + 1) * h && y < h; y++) used[raw[(size_t)y * (w * c + 1)] % 5]++;
          CHECKF(used[0] && used[1] && used[2] && used[3] && used[4], "%d channels: filters used %d %d %d %d %d", c, used[0], used[1], used[2], used[3], used[4]);
          free(raw);
        }
        studio_image_free(&back);
        if (s == 4 && t == 0) one = png, one_len = len;
        else studio_free(png);
      }
      studio_free(one); free(px); free(tex);
    }
#undef NEXT
  for (int t = 0; t < 3; t++) studio_destroy(pools[t]);
}

static void jpeg_roundtrip(void) {
  studio_image img = {64, 48, 4, 64 * 4, pattern(64, 48, 4)}, back;
  uint8_t *jpg; size_t len;
  CHECK(studio_encode(ctx, &img, STUDIO_FORMAT_JPEG, 95, &jpg, &len) == STUDIO_OK);
  CHECK(studio_decode(ctx, jpg, len, &back) == STUDIO_OK);
  CHECK(back.channels == 3 && back.width == 64 && back.height == 48);
  /* Alpha 0 at x=0 flattens to white; alpha 255 at the right edge keeps the colour. */
  CHECKF(back.pixels[16 * 64 * 3 + 0] > 240, "transparent pixel not flattened over white");
  CHECKF(abs(back.pixels[(16 * 64 + 63) * 3 + 1] - 30) < 12, "opaque pixel changed: %d", back.pixels[(16 * 64 + 63) * 3 + 1]);
  studio_image_free(&back); studio_free(jpg);
  CHECK(studio_encode(ctx, &img, STUDIO_FORMAT_JPEG, 0, &jpg, &len) == STUDIO_E_ARGUMENT && has("quality"));
  CHECK(studio_encode(ctx, &img, STUDIO_FORMAT_JPEG, 101, &jpg, &len) == STUDIO_E_ARGUMENT);
  free(img.pixels);
}

/* Orientation n applied to a 64x32 pattern: where does the stored top-left quadrant land? */
static void exif_orientations(void) {
  studio_image img = {64, 32, 3, 64 * 3, pattern(64, 32, 3)};
  uint8_t *jpg; size_t len;
  CHECK(studio_encode(ctx, &img, STUDIO_FORMAT_JPEG, 98, &jpg, &len) == STUDIO_OK);
  /* expected display position (col, row in 0/1 of a 2x2 grid) of stored quadrant (0,0) */
  static const int where[9][2] = {{0, 0}, {0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 1}, {0, 1}};
  for (int o = 1; o <= 8; o++)
    for (int be = 0; be <= 1; be++) {
      buf_t f = jpeg_with_orientation(jpg, len, o, be);
      studio_info info;
      studio_image out;
      CHECK(studio_probe(ctx, f.data, f.len, &info) == STUDIO_OK && info.orientation == o);
      CHECK(studio_decode(ctx, f.data, f.len, &out) == STUDIO_OK);
      int sw = o >= 5;
      CHECKF(out.width == (sw ? 32 : 64) && out.height == (sw ? 64 : 32), "orientation %d: %dx%d", o, out.width, out.height);
      CHECK(info.width == out.width && info.height == out.height);
      int cx = where[o][0] ? out.width * 3 / 4 : out.width / 4, cy = where[o][1] ? out.height * 3 / 4 : out.height / 4;
      const uint8_t *p = out.pixels + ((size_t)cy * out.width + cx) * 3;
      CHECKF(abs(p[0] - 20) < 15 && abs(p[1] - 30) < 15 && abs(p[2] - 40) < 15, "orientation %d (%s): top-left quadrant not at (%d,%d): %d %d %d",
             o, be ? "MM" : "II", cx, cy, p[0], p[1], p[2]);
      studio_image_free(&out); free(f.data);
    }
  buf_t zero = jpeg_with_orientation(jpg, len, 0, 0); /* 0 is "undefined": shown as stored */
  studio_info info;
  CHECK(studio_probe(ctx, zero.data, zero.len, &info) == STUDIO_OK && info.orientation == 1 && info.width == 64);
  free(zero.data); studio_free(jpg); free(img.pixels);
}

static void png_variants(void) {
  /* 16-bit grey: reduced to the high byte. */
  uint8_t g16[2 * 3] = {0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF};
  buf_t f = make_png(3, 1, 16, 0, g16, 6, NULL, NULL, 0);
  studio_image out;
  CHECK(studio_decode(ctx, f.data, f.len, &out) == STUDIO_OK && out.channels == 1);
  CHECK(out.pixels && out.pixels[0] == 0x12 && out.pixels[1] == 0xAB && out.pixels[2] == 0xFF);
  studio_image_free(&out); free(f.data);
  /* Palette with tRNS: decoded as RGBA. */
  uint8_t idx[4] = {0, 1, 1, 0}, pal[6] = {255, 0, 0, 0, 0, 255}, trns[1] = {0};
  buf_t p = make_png(4, 1, 8, 3, idx, 4, "PLTE", pal, 6);
  CHECK(studio_decode(ctx, p.data, p.len, &out) == STUDIO_OK && out.channels == 3 && out.pixels[2] == 0 && out.pixels[5] == 255);
  studio_image_free(&out); free(p.data);
  /* make_png takes one extra chunk; splice tRNS after PLTE by hand-building the order. */
  buf_t q = make_png(4, 1, 8, 3, idx, 4, "PLTE", pal, 6);
  buf_t t = make_png(1, 1, 8, 0, NULL, 0, "tRNS", trns, 1); /* borrow its tRNS chunk bytes */
  size_t plte_end = 8 + 25 + 12 + 6, trns_at = 8 + 25;
  buf_t r = {0};
  buf_put(&r, q.data, plte_end); buf_put(&r, t.data + trns_at, 13); buf_put(&r, q.data + plte_end, q.len - plte_end);
  CHECK(studio_decode(ctx, r.data, r.len, &out) == STUDIO_OK && out.channels == 4);
  CHECK(out.pixels && out.pixels[3] == 0 && out.pixels[7] == 255);
  studio_image_free(&out); free(q.data); free(t.data); free(r.data);
}

static void bmp_variants(void) {
  for (int bpp = 24; bpp <= 32; bpp += 8) {
    int c = bpp / 8;
    uint8_t *px = pattern(13, 7, c);
    buf_t b = make_bmp(13, 7, bpp, px);
    studio_image out;
    CHECKF(studio_decode(ctx, b.data, b.len, &out) == STUDIO_OK, "BMP %d: %s", bpp, studio_error(ctx));
    CHECK(out.channels == c && out.width == 13 && out.height == 7 && memcmp(out.pixels, px, 13 * 7 * c) == 0);
    studio_image_free(&out);
    CHECK(studio_decode(ctx, b.data, b.len - 40, &out) == STUDIO_E_CORRUPT && has("truncated BMP"));
    free(b.data); free(px);
  }
}

static void bad_inputs(void) {
  studio_image out;
  studio_info info;
  CHECK(studio_decode(ctx, (const uint8_t *)"", 0, &out) == STUDIO_E_FORMAT && has("empty"));
  CHECK(studio_decode(ctx, (const uint8_t *)"GIF89a....", 10, &out) == STUDIO_E_FORMAT && has("not a JPEG, PNG or BMP file"));
  CHECK(studio_decode(ctx, NULL, 0, NULL) == STUDIO_E_ARGUMENT);
  /* header bomb: 100000 x 100000, refused from the header */
  buf_t bomb = make_png(100000, 100000, 8, 2, NULL, 0, NULL, NULL, 0);
  CHECK(studio_probe(ctx, bomb.data, bomb.len, &info) == STUDIO_E_TOO_LARGE);
  CHECKF(has("image is 100000x100000 = 10000 MP; the limit is 64 MP"), "message: %s", studio_error(ctx));
  CHECK(studio_decode(ctx, bomb.data, bomb.len, &out) == STUDIO_E_TOO_LARGE && out.pixels == NULL);
  free(bomb.data);
  /* a PNG cut short, and one with a flipped byte (CRC) */
  studio_image img = {40, 30, 3, 120, pattern(40, 30, 3)};
  uint8_t *png; size_t len;
  studio_encode(ctx, &img, STUDIO_FORMAT_PNG, 0, &png, &len);
  CHECK(studio_decode(ctx, png, len / 2, &out) == STUDIO_E_CORRUPT && has("truncated PNG"));
  png[len / 2] ^= 0x40;
  CHECK(studio_decode(ctx, png, len, &out) == STUDIO_E_CORRUPT && has("checksum"));
  studio_free(png);
  /* a JPEG cut short */
  uint8_t *jpg;
  studio_encode(ctx, &img, STUDIO_FORMAT_JPEG, 90, &jpg, &len);
  CHECK(studio_decode(ctx, jpg, len - 30, &out) == STUDIO_E_CORRUPT && has("truncated JPEG data"));
  CHECK(studio_decode(ctx, jpg, 40, &out) == STUDIO_E_CORRUPT && has("truncated JPEG data"));
  studio_free(jpg); free(img.pixels);
  /* JPEG processes refused by name */
  struct { int sof, prec; const char *why; } refuse[] = {
      {0xC9, 8, "arithmetic-coded JPEG is not supported"}, {0xC1, 12, "12-bit JPEG is not supported"},
      {0xC3, 16, "lossless JPEG (SOF3) is not supported"}, {0xC5, 8, "hierarchical"}};
  for (size_t i = 0; i < sizeof refuse / sizeof *refuse; i++) {
    buf_t j = jpeg_header_only(refuse[i].sof, refuse[i].prec, 100, 100, 3);
    CHECKF(studio_probe(ctx, j.data, j.len, &info) == STUDIO_E_UNSUPPORTED && has(refuse[i].why), "SOF %x: %s", refuse[i].sof, studio_error(ctx));
    free(j.data);
  }
  buf_t huge = jpeg_header_only(0xC0, 8, 60000, 60000, 3);
  CHECK(studio_probe(ctx, huge.data, huge.len, &info) == STUDIO_E_TOO_LARGE && has("60000x60000 = 3600 MP"));
  free(huge.data);
}

/* Hostile Huffman tables, the kind fuzzing found crashing stb_image 2.27: refused first. */
static buf_t jpeg_with_dht(const uint8_t counts[16], int symbols) {
  buf_t b = {0};
  uint8_t head[] = {0xFF, 0xD8, 0xFF, 0xC4, (uint8_t)((19 + symbols) >> 8), (uint8_t)(19 + symbols), 0x10};
  buf_put(&b, head, sizeof head);
  buf_put(&b, counts, 16);
  for (int i = 0; i < symbols; i++) { uint8_t v = (uint8_t)i; buf_put(&b, &v, 1); }
  uint8_t eoi[] = {0xFF, 0xD9};
  buf_put(&b, eoi, 2);
  return b;
}

static void hostile_jpeg_tables(void) {
  studio_info info;
  uint8_t too_many[16] = {0}, oversubscribed[16] = {3};
  too_many[8] = 200; too_many[9] = 100;
  buf_t a = jpeg_with_dht(too_many, 300), b = jpeg_with_dht(oversubscribed, 3);
  CHECK(studio_probe(ctx, a.data, a.len, &info) == STUDIO_E_CORRUPT && has("more than 256 symbols"));
  CHECK(studio_probe(ctx, b.data, b.len, &info) == STUDIO_E_CORRUPT && has("invalid Huffman code lengths"));
  free(a.data); free(b.data);
  /* our own JPEG with its Huffman tables cut out: the scan would decode with garbage tables */
  studio_image img = {16, 16, 3, 48, pattern(16, 16, 3)};
  uint8_t *jpg; size_t len;
  studio_encode(ctx, &img, STUDIO_FORMAT_JPEG, 90, &jpg, &len);
  buf_t c = {0};
  buf_put(&c, jpg, 2);
  for (size_t pos = 2; pos + 4 <= len;) {
    size_t seg = 2 + ((size_t)jpg[pos + 2] << 8 | jpg[pos + 3]);
    if (jpg[pos + 1] == 0xDA) { buf_put(&c, jpg + pos, len - pos); break; }
    if (jpg[pos + 1] != 0xC4) buf_put(&c, jpg + pos, seg);
    pos += seg;
  }
  studio_image out;
  CHECKF(studio_decode(ctx, c.data, c.len, &out) == STUDIO_E_CORRUPT && has("undefined Huffman table"), "%s", studio_error(ctx));
  free(c.data); studio_free(jpg); free(img.pixels);
}

static void limits_are_configurable(void) {
  studio_ctx *small = studio_create(&(studio_config){.threads = 1, .max_megapixels = 0.01});
  studio_image img;
  CHECK(studio_image_alloc(small, 200, 100, 3, &img) == STUDIO_E_TOO_LARGE && strstr(studio_error(small), "the limit is"));
  CHECK(studio_image_alloc(small, 100, 100, 3, &img) == STUDIO_OK);
  studio_image_free(&img);
  studio_destroy(small);
}

static int cancel_at_decode(void *user, const char *stage, float f) { (void)f; ++*(int *)user; return strcmp(stage, "decode") == 0; }

static void progress_and_cancel(void) {
  int calls = 0;
  studio_ctx *c = studio_create(&(studio_config){.threads = 1, .progress = cancel_at_decode, .progress_user = &calls});
  studio_image img = {8, 8, 3, 24, pattern(8, 8, 3)}, out;
  uint8_t *png; size_t len;
  CHECK(studio_encode(c, &img, STUDIO_FORMAT_PNG, 0, &png, &len) == STUDIO_OK);
  CHECK(studio_decode(c, png, len, &out) == STUDIO_E_CANCELLED && out.pixels == NULL && calls >= 2);
  studio_free(png); free(img.pixels); studio_destroy(c);
}

/* Formats the core does not read are named, with the formats it does; status FORMAT, so the
 * page knows to try the browser's decoder. Unknown bytes keep the plain sentence. */
static void other_formats_named(void) {
  static const struct { const char *bytes; size_t len; const char *name; } cases[] = {
    {"GIF87a\x01\0\x01\0\0\0\0", 13, "GIF image"},
    {"RIFF\x1a\0\0\0WEBPVP8L", 16, "WebP image"},
    {"\0\0\0\x1c" "ftypavif\0\0\0\0avifmif1miaf", 28, "AVIF image"},
    {"\0\0\0\x18" "ftypmif1\0\0\0\0mif1avif", 24, "AVIF image"},
    {"\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24, "HEIC image"},
    {"II*\0\x08\0\0\0", 8, "TIFF image"},
    {"MM\0*\0\0\0\x08", 8, "TIFF image"},
    {"\xff\x0a\xfa\x7f", 4, "JPEG XL image"},
  };
  studio_info info;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    studio_status s = studio_probe(ctx, (const uint8_t *)cases[i].bytes, cases[i].len, &info);
    CHECKF(s == STUDIO_E_FORMAT && has(cases[i].name) && has("not a JPEG, PNG or BMP file"), "%s: %s", cases[i].name, studio_error(ctx));
  }
  CHECK(studio_probe(ctx, (const uint8_t *)"\0\0\0\x18" "ftypisom\0\0\0\0isommp41", 24, &info) == STUDIO_E_FORMAT &&
        strcmp(studio_error(ctx), "not a JPEG, PNG or BMP file") == 0); /* an MP4 video: nothing to name */
}

int main(void) {
  ctx = studio_create(NULL);
  png_roundtrip();
  png_writer_exact();
  jpeg_roundtrip();
  exif_orientations();
  png_variants();
  bmp_variants();
  bad_inputs();
  hostile_jpeg_tables();
  limits_are_configurable();
  progress_and_cancel();
  other_formats_named();
  studio_destroy(ctx);
  return check_summary("test_io");
}
