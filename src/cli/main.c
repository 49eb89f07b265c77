/* main.c - the native command line: `studio-cli COMMAND ...` (tools/studio wraps it).
 *
 *   studio-cli info [--digest] FILE...          describe each file (and a checksum of its pixels)
 *   studio-cli enhance IN OUT [options]          brighten a dark photo
 *   studio-cli enhance IN... -o DIR [options]    ... a batch, as DIR/NAME-enhanced.EXT
 *   studio-cli colorize IN OUT --model FILE      colour a black-and-white photo (or IN... -o DIR)
 *   studio-cli colorize IN OUT --hints H.json    ... from colour hints (with or without a model)
 *   studio-cli convert IN.caffemodel OUT         the colorization model in our own file format
 *
 * Build: cmake -S . -B build/native && cmake --build build/native (tools/studio does it).
 * Exit codes: 0 all files fine, 1 at least one file failed, 2 usage. */
#include "commands.h"

#include <string.h>

void es_usage(FILE *f) {
  fprintf(f,
          "usage: studio info [--digest] FILE...\n"
          "       studio enhance IN OUT [options]\n"
          "       studio enhance IN... -o DIR [options]\n"
          "enhance options (range, default):\n"
          "  --strength S        overall amount (0..1, 1)\n"
          "  --denoise D         auto, or 0..1 (auto)\n"
          "  --local-contrast A  CLAHE blend (0..1, 0.25)\n"
          "  --clip-limit C      CLAHE clip limit (1..8, 2)\n"
          "  --tiles N           CLAHE grid N x N (2..32, 8)\n"
          "  --sharpen A         unsharp-mask amount (0..2, 0.4)\n"
          "  --exposure E        target log-average luminance (0.05..0.5, 0.18)\n"
          "  --shadows S         lift dark regions of backlit photos: auto, or 0..1, 0 = one gain (auto)\n"
          "  --highlights H      hold bright regions back (0..1, 0)\n"
          "  --format png|jpeg   output format for -o (default: JPEG stays JPEG, else PNG)\n"
          "  --quality Q         JPEG quality (1..100, 92)\n"
          "  --threads N         worker threads (default: all cores)\n"
          "       studio colorize IN OUT --model FILE [--pts pts_in_hull.npy] [options]\n"
          "       studio colorize IN... -o DIR --model FILE [options]\n"
          "       studio colorize IN OUT --hints H.json [--model FILE] [options]\n"
          "colorize options (range, default):\n"
          "  --vibrance T        softmax temperature, lower is bolder (0.1..1, 0.3837)\n"
          "  --saturation S      scales the colours (0..2, 1)\n"
          "  --size N            network input size, a multiple of 8 (8..512, 224)\n"
          "  --upsample M        bilinear (as OpenCV) or edge-aware (colour stops at edges) (bilinear)\n"
          "  --conv C            the network's 3x3 convolutions: auto, direct or winograd (auto)\n"
          "  --hints H.json      colour hints (points and strokes; see README); no model needed\n"
          "  --trust T           with a model and hints: how firmly confident colours hold (0..1, 0.5)\n"
          "  --work-size MP      the hints' solve resolution in megapixels (0.01..16, 0.15)\n"
          "  --tolerance E       the hints' solve stops at this estimated error, a*b* units (1e-6..1, 0.002)\n"
          "       studio convert IN.caffemodel OUT [--pts pts_in_hull.npy] [--precision f32|f16|int8]\n"
          "       studio convert --print-prototxt | --print-bins   the network this build reads, its 313 ab bins\n");
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) { es_usage(argc < 2 ? stderr : stdout); return argc < 2 ? 2 : 0; }
  const char *cmd = argv[1];
  if (strcmp(cmd, "info") == 0) return es_cmd_info(argc - 2, argv + 2);
  if (strcmp(cmd, "enhance") == 0) return es_cmd_enhance(argc - 2, argv + 2);
  if (strcmp(cmd, "colorize") == 0) return es_cmd_colorize(argc - 2, argv + 2);
  if (strcmp(cmd, "convert") == 0) return es_cmd_convert(argc - 2, argv + 2);
  fprintf(stderr, "studio: unknown command '%s'\n", cmd);
  es_usage(stderr);
  return 2;
}
