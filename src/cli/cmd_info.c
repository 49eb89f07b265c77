/* cmd_info.c - `studio info [--digest] FILE...`: one line per file, errors on stderr. */
#include "commands.h"
#include "readfile.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int es_cmd_info(int argc, char **argv) {
  int digest = 0, files = 0, failed = 0;
  studio_ctx *ctx = studio_create(&(studio_config){.threads = 1});
  if (!ctx) { fprintf(stderr, "studio: out of memory\n"); return 1; }
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--digest") == 0) { digest = 1; continue; }
    files++;
    size_t len; uint8_t *data; char why[256];
    if (!(data = es_read_file(argv[i], &len, why, sizeof why))) { fprintf(stderr, "%s: error: %s\n", argv[i], why); failed++; continue; }
    studio_info info;
    studio_image img = {0};
    char line[256];
    if (studio_probe(ctx, data, len, &info) != STUDIO_OK || (digest && studio_decode(ctx, data, len, &img) != STUDIO_OK)) {
      fprintf(stderr, "%s: error: %s\n", argv[i], studio_error(ctx));
      failed++;
    } else {
      studio_info_describe(&info, line, sizeof line);
      if (digest) printf("%s: %s, pixels %016llx\n", argv[i], line, (unsigned long long)studio_image_digest(&img));
      else printf("%s: %s\n", argv[i], line);
    }
    studio_image_free(&img);
    free(data);
  }
  studio_destroy(ctx);
  if (!files) { es_usage(stderr); return 2; }
  return failed ? 1 : 0;
}
