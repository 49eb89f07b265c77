/* fixtures.h - image files built byte by byte, so the tests need nothing from outside:
 * PNGs with stored (uncompressed) deflate blocks, BMPs, and JPEG marker surgery. */
#ifndef STUDIO_FIXTURES_H
#define STUDIO_FIXTURES_H
#include <stddef.h>
#include <stdint.h>

typedef struct { uint8_t *data; size_t len, cap; } buf_t;
void buf_put(buf_t *b, const void *p, size_t n);
void buf_be32(buf_t *b, uint32_t v);

/* PNG of the given IHDR fields; rows = height rows of raw bytes (no filter byte), each
 * row_bytes long; extra chunk (e.g. tRNS/PLTE) inserted before IDAT when given. */
buf_t make_png(uint32_t w, uint32_t h, int bit_depth, int color_type, const uint8_t *rows, size_t row_bytes,
               const char *extra_type, const uint8_t *extra, size_t extra_len);
/* 24-bit (bpp 24) or 32-bit BMP from RGB(A) top-down pixels. */
buf_t make_bmp(int w, int h, int bpp, const uint8_t *px);
/* Insert an APP1 Exif segment with the given orientation right after SOI. */
buf_t jpeg_with_orientation(const uint8_t *jpg, size_t len, int orientation, int big_endian);
/* SOI + a frame header of the given SOF marker and precision + EOI: enough to be refused. */
buf_t jpeg_header_only(int sof, int precision, int w, int h, int comps);

/* Deterministic random numbers for synthetic photos (xorshift64): fx_seed, then uniform in
 * [0, 1) and standard Gaussian (Box-Muller). One stream per test program. */
void fx_seed(unsigned long long seed);
double fx_uni(void);
double fx_gauss(void);
/* A value rounded and clamped to 0..255. */
uint8_t fx_u8(double v);
#endif
