/* main.c - the native command line: `studio-cli COMMAND ...` (tools/studio wraps it).
 *
 *   studio-cli info [--digest] FILE...    describe each file (and a checksum of its pixels)
 *   studio-cli enhance | colorize ...     arrive with their issues; exit 2 until then
 *
 * Build: cmake -S . -B build/native && cmake --build build/native (tools/studio does it).
 * Exit codes: 0 all files fine, 1 at least one file failed, 2 usage. One bad file never
 * stops the others. */
#include "../api/studio.h"
#include "readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
  fprintf(f,
          "usage: studio-cli info [--digest] FILE...\n"
          "       studio-cli enhance IN OUT [options]     (not implemented yet)\n"
          "       studio-cli colorize IN OUT --model FILE  (not implemented yet)\n");
}

static int cmd_info(int argc, char **argv) {
  int digest = 0, files = 0, failed = 0;
  studio_ctx *ctx = studio_create(&(studio_config){.threads = 1});
  if (!ctx) { fprintf(stderr, "studio: out of memory\n"); return 1; }
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--digest") == 0) { digest = 1; continue; }
    files++;
    size_t len; uint8_t *data; char why[256];
    if (!(data = es_read_file(argv[i], &len, why, sizeof why))) { fprintf(stderr, "%s: error: %s\n", argv[i], why); failed++; continue; }
    studio_info info;
    if (studio_probe(ctx, data, len, &info) != STUDIO_OK) {
      fprintf(stderr, "%s: error: %s\n", argv[i], studio_error(ctx));
      failed++; free(data); continue;
    }
    char line[256];
    studio_info_describe(&info, line, sizeof line);
    if (digest) {
      studio_image img;
      if (studio_decode(ctx, data, len, &img) != STUDIO_OK) {
        fprintf(stderr, "%s: error: %s\n", argv[i], studio_error(ctx));
        failed++; free(data); continue;
      }
      printf("%s: %s, pixels %016llx\n", argv[i], line, (unsigned long long)studio_image_digest(&img));
      studio_image_free(&img);
    } else {
      printf("%s: %s\n", argv[i], line);
    }
    free(data);
  }
  studio_destroy(ctx);
  if (!files) { usage(stderr); return 2; }
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) { usage(argc < 2 ? stderr : stdout); return argc < 2 ? 2 : 0; }
  const char *cmd = argv[1];
  if (strcmp(cmd, "info") == 0) return cmd_info(argc - 2, argv + 2);
  if (strcmp(cmd, "enhance") == 0 || strcmp(cmd, "colorize") == 0) {
    fprintf(stderr, "studio: '%s' is not implemented yet\n", cmd);
    return 2;
  }
  fprintf(stderr, "studio: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
