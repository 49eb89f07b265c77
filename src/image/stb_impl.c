/* stb_impl.c - the one translation unit that compiles stb_image and stb_image_write.
 *
 * STBI_NO_SIMD: stb's SSE2 IDCT and colour conversion round differently from its scalar
 * code, which is what WASM gets; without them the native and WASM builds decode JPEGs to
 * the same bytes, which the tests check. STBI_MAX_DIMENSIONS backs up our own limit checks.
 */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_SIMD
#define STBI_MAX_DIMENSIONS 65535
#include <stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
