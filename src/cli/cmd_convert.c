/* cmd_convert.c - `studio convert IN.caffemodel OUT [--precision f32|f16|int8] [--pts NPY]`:
 * check the network and write our model file (models/README.md). The ab bin centres are built
 * in (src/model/ab_bins.c); --pts replaces them with a .npy of 313 (a, b) points. */
#include "commands.h"
#include "output.h"
#include "readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int es_cmd_convert(int argc, char **argv) {
  const char *in = NULL, *out = NULL, *pts_path = NULL, *precision = "f32";
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--pts") == 0 && i + 1 < argc) pts_path = argv[++i];
    else if (strcmp(argv[i], "--precision") == 0 && i + 1 < argc) precision = argv[++i];
    else if (argv[i][0] == '-') { fprintf(stderr, "studio: unknown convert option %s\n", argv[i]); return 2; }
    else if (!in) in = argv[i];
    else if (!out) out = argv[i];
    else { es_usage(stderr); return 2; }
  }
  if (!in || !out) { es_usage(stderr); return 2; }
  if (es_same_file(in, out)) { fprintf(stderr, "studio: refusing to overwrite the input %s\n", in); return 1; }
  char why[512];
  size_t len, plen = 0, olen;
  uint8_t *data = es_read_file(in, &len, why, sizeof why), *pts = NULL, *enc = NULL;
  if (!data) { fprintf(stderr, "%s: error: %s\n", in, why); return 1; }
  if (pts_path && !(pts = es_read_file(pts_path, &plen, why, sizeof why))) { fprintf(stderr, "%s: error: %s\n", pts_path, why); free(data); return 1; }
  studio_ctx *ctx = studio_create(&(studio_config){.threads = 1});
  int rc = 1;
  if (studio_model_convert(ctx, data, len, pts, plen, precision, &enc, &olen)) fprintf(stderr, "%s: error: %s\n", in, studio_error(ctx));
  else if (es_write_file_atomic(out, enc, olen, why, sizeof why)) fprintf(stderr, "%s: error: %s\n", out, why);
  else { printf("%s: ECCV16, %s, %zu bytes\n", out, precision, olen); rc = 0; }
  studio_free(enc); free(data); free(pts); studio_destroy(ctx);
  return rc;
}
