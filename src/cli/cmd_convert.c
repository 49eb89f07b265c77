/* cmd_convert.c - `studio convert IN.caffemodel OUT [--precision f32|f16|int8] [--pts NPY]`:
 * check the network and write our model file (models/README.md). The ab bin centres are built
 * in (src/model/ab_bins.c); --pts replaces them with a .npy of 313 (a, b) points.
 *
 * `studio convert --print-prototxt` prints the network this build reads as a Caffe deploy
 * prototxt, and `--print-bins` the built-in bin centres (a line "a b" per class, in class
 * order): with them tools/make-test-model and OpenCV DNN (tests/ref/net_refs.py) need no
 * copy of the authors' files. */
#include "commands.h"
#include "output.h"
#include "readfile.h"
#include "usage.h"
#include "../model/ab_bins.h"
#include "../model/eccv16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void layer_head(const char *name, const char *type, const char *bottom, const char *top) {
  printf("layer {\n  name: \"%s\"\n  type: \"%s\"\n  bottom: \"%s\"\n  top: \"%s\"\n", name, type, bottom, top);
}

/* Written from the table the reader checks a caffemodel against (es_eccv16), so the two cannot
 * disagree. What the table leaves implicit is the graph around it, as eccv16_net.c runs it:
 * every table layer but the last (conv8_313) is followed by a ReLU in place, and conv8_313 by
 * the fixed tail: the 1/T scale, the softmax, class8_ab's projection onto the 313 bins. Blob
 * and layer names are the layers' own (the authors' file names a few blobs differently, which
 * changes nothing a reader computes). */
static void print_prototxt(void) {
  printf("name: \"LtoAB\"\n# The ECCV16 colorization network as this build reads it (studio convert --print-prototxt).\n");
  printf("layer {\n  name: \"data_l\"\n  type: \"Input\"\n  top: \"data_l\"\n  input_param { shape { dim: 1 dim: 1 dim: 224 dim: 224 } }\n}\n");
  const char *bottom = "data_l";
  for (int i = 0; i < ES_ECCV16_LAYERS; i++) {
    const es_eccv16_layer *e = &es_eccv16[i];
    if (e->kind == ES_BATCHNORM) {
      layer_head(e->name, "BatchNorm", bottom, e->name);
      printf("  batch_norm_param { }\n}\n");
    } else if (e->kind == ES_SCALE) {
      layer_head(e->name, "Scale", bottom, e->name);
      printf("  scale_param { bias_term: false }\n}\n");
    } else {
      layer_head(e->name, e->kind == ES_DECONV ? "Deconvolution" : "Convolution", bottom, e->name);
      printf("  convolution_param {\n    num_output: %d\n    kernel_size: %d\n    stride: %d\n    pad: %d\n    dilation: %d\n  }\n}\n",
             e->out, e->k, e->stride, e->pad, e->dilation);
      if (i < ES_ECCV16_LAYERS - 1) printf("layer {\n  name: \"relu_%s\"\n  type: \"ReLU\"\n  bottom: \"%s\"\n  top: \"%s\"\n}\n", e->name, e->name, e->name);
    }
    bottom = e->name;
  }
  layer_head("conv8_313_rh", "Scale", bottom, "conv8_313_rh");
  printf("  scale_param { bias_term: false }\n}\n");
  layer_head("class8_313_rh", "Softmax", "conv8_313_rh", "class8_313_rh");
  printf("}\n");
  layer_head("class8_ab", "Convolution", "class8_313_rh", "class8_ab");
  printf("  convolution_param {\n    num_output: 2\n    kernel_size: 1\n  }\n}\n");
}

int es_cmd_convert(int argc, char **argv) {
  const char *in = NULL, *out = NULL, *pts_path = NULL, *precision = "f32";
  if (argc == 1 && strcmp(argv[0], "--print-prototxt") == 0) { print_prototxt(); return 0; }
  if (argc == 1 && strcmp(argv[0], "--print-bins") == 0) {
    for (size_t i = 0; i < sizeof es_ab_bins / sizeof *es_ab_bins; i++) printf("%d %d\n", es_ab_bins[i][0], es_ab_bins[i][1]);
    return 0;
  }
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
  /* all cores: an int8 conversion runs the network eight times to check itself */
  studio_ctx *ctx = studio_create(NULL);
  studio_convert_report r;
  int rc = 1;
  if (studio_model_convert(ctx, data, len, pts, plen, precision, &enc, &olen, &r)) fprintf(stderr, "%s: error: %s\n", in, studio_error(ctx));
  else if (es_write_file_atomic(out, enc, olen, why, sizeof why)) fprintf(stderr, "%s: error: %s\n", out, why);
  else {
    if (r.int8_refused)
      printf("%s: ECCV16, f16 instead of int8, %zu bytes: int8 moved colours by %.2f a*b* units at the 99th percentile of the check images"
             " (max %.2f; int8 is kept only within %.1f), so the weights are stored in f16 and run in f32\n", out, olen, (double)r.p99, (double)r.max, (double)r.bound);
    else if (r.int8_checked)
      printf("%s: ECCV16, int8, %zu bytes; checked against f32 on the check images: |delta ab| %.2f at the 99th percentile (bound %.1f), max %.2f\n", out, olen,
             (double)r.p99, (double)r.bound, (double)r.max);
    else printf("%s: ECCV16, %s, %zu bytes\n", out, r.precision, olen);
    rc = 0;
  }
  studio_free(enc); free(data); free(pts); studio_destroy(ctx);
  return rc;
}
