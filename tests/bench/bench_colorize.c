/* bench_colorize.c - time the colorization network, and the whole pipeline on a large image:
 *   bench_colorize [--layers] MODEL SIZE RUNS THREADS [f32|int8] [auto|direct|winograd|f2|f4] [stored|fly] [IMAGE]
 * stored: the Winograd layers keep their transformed weights (4x the memory; the native
 * default); fly: they transform them at each run (the WASM default).
 * Prints the network's median and min over RUNS at SIZE x SIZE, effective GFLOP/s (the
 * network is 31.98 GMAC = 63.96 GFLOP at 224, scaling with the pixel count), and with IMAGE
 * the end-to-end studio_colorize time (first call: network included) and peak memory.
 * --layers first adds where the network's time goes, layer by layer (medians). */
#include "api/studio.h"
#include "cli/readfile.h"
#include "colorize/colorize_internal.h"
#include "model/caffe.h"
#include "model/eccv16.h"
#include "model/modelfile.h"
#include "net/eccv16_net.h"
#include "net/winograd.h"
#include "bench_util.h"

#include <string.h>

/* The network reports progress as each layer starts: time between reports = that layer. */
typedef struct { double last, t[ES_ECCV16_LAYERS + 1][50]; int run, layer; } layer_clock;
static int on_layer(void *user, const char *stage, float fraction) {
  layer_clock *c = user;
  double now = bench_now_ms();
  int i = (int)(fraction * ES_ECCV16_LAYERS + 0.5f);
  (void)stage;
  if (i > 0 && c->run >= 0 && c->run < 50) c->t[i - 1][c->run] = now - c->last;
  c->last = now;
  return 0;
}

int main(int argc, char **argv) {
  int per_layer = argc > 1 && strcmp(argv[1], "--layers") == 0;
  if (per_layer) { argv++; argc--; }
  if (argc < 5) { fprintf(stderr, "usage: bench_colorize [--layers] MODEL SIZE RUNS THREADS [f32|int8] [auto|direct|winograd|f2|f4] [stored|fly] [IMAGE]\n"); return 2; }
  bench_reset_peak();
  int size = atoi(argv[2]), runs = atoi(argv[3]), threads = atoi(argv[4]), int8 = 0;
  static const char *convs[] = {"auto", "direct", "winograd", "f2", "f4"};
  es_conv conv = ES_CONV_AUTO;
  const char *image = NULL;
  for (int a = 5; a < argc; a++) {
    int known = 0;
    for (int c = 0; c < 5; c++) if (strcmp(argv[a], convs[c]) == 0) { conv = (es_conv)c; known = 1; }
    if (strcmp(argv[a], "int8") == 0 || strcmp(argv[a], "f32") == 0) { int8 = argv[a][0] == 'i'; known = 1; }
    if (strcmp(argv[a], "stored") == 0 || strcmp(argv[a], "fly") == 0) { es_winograd_keep_transforms = argv[a][0] == 's'; known = 1; }
    if (!known) image = argv[a];
  }
  if (runs < 1 || runs > 50) runs = 5;
  char why[256];
  size_t len;
  uint8_t *data = es_read_file(argv[1], &len, why, sizeof why);
  if (!data) { fprintf(stderr, "%s: %s\n", argv[1], why); return 1; }
  static layer_clock clock = {.run = -1};
  studio_ctx *ctx = studio_create(&(studio_config){.threads = threads, .progress = per_layer ? on_layer : NULL, .progress_user = &clock});
  es_caffe_net caffe;
  es_eccv16_net *net;
  es_precision prec = ES_PRECISION_F32;
  studio_status s = es_model_is_file(data, len) ? es_model_read(ctx, data, len, &caffe, &prec) : es_caffe_read(ctx, data, len, &caffe);
  int8 |= prec == ES_PRECISION_INT8; /* an int8 file always runs quantized */
  const double tc = bench_now_ms();
  if (s || es_eccv16_net_create(ctx, &caffe, size, int8, conv, &net)) { fprintf(stderr, "%s\n", studio_error(ctx)); return 1; }
  const double built = bench_now_ms() - tc;
  int q = size / 4;
  float *in = calloc((size_t)size * size, sizeof(float)), *logits = malloc(sizeof(float) * (size_t)q * q * 313);
  for (int i = 0; i < size * size; i++) in[i] = (float)((i * 7919) % 100) - 50.f;
  double ts[50];
  es_eccv16_net_run(ctx, net, in, logits); /* warm-up: first-touch of buffers */
  for (int r = 0; r < runs; r++) { clock.run = r; double t0 = bench_now_ms(); es_eccv16_net_run(ctx, net, in, logits); ts[r] = bench_now_ms() - t0; }
  clock.run = -1;
  double med = bench_median(ts, runs);
  double gflop = 63.96 * (size / 224.0) * (size / 224.0);
  printf("network %s %s%s %dx%d threads %d: median %.0f ms, min %.0f ms over %d runs, %.1f GFLOP/s, %.0f MB of weights and buffers, built in %.0f ms\n", int8 ? "int8" : "f32",
         convs[conv], es_winograd_keep_transforms ? " stored" : " fly", size, size, studio_threads(ctx), med, ts[0], runs, gflop / (med / 1000.0), es_eccv16_net_bytes(net) / 1048576.0, built);
  if (per_layer)
    for (int i = 0; i < ES_ECCV16_LAYERS; i++) printf("  %-14s %7.1f ms\n", es_eccv16[i].name, bench_median(clock.t[i], runs));
  es_eccv16_net_destroy(net);
  es_caffe_free(&caffe);
  if (image) {
    size_t ilen;
    uint8_t *img_data = es_read_file(image, &ilen, why, sizeof why);
    studio_model *m;
    studio_image img, out;
    /* as the page does: the model takes the file's buffer over (no second copy) */
    if (!img_data || studio_decode(ctx, img_data, ilen, &img) || es_model_load_owned(ctx, data, len, NULL, 0, &m)) { fprintf(stderr, "%s\n", studio_error(ctx)); return 1; }
    free(img_data);
    data = NULL;
    studio_colorize_options o;
    studio_colorize_defaults(&o);
    o.conv = conv < ES_CONV_F2 ? (int)conv : STUDIO_CONV_WINOGRAD;
    double t0 = bench_now_ms();
    if (studio_colorize(ctx, m, &img, &o, &out)) { fprintf(stderr, "%s\n", studio_error(ctx)); return 1; }
    double t1 = bench_now_ms();
    studio_image_free(&out);
    o.vibrance = 0.25f;
    double t2 = bench_now_ms();
    studio_colorize(ctx, m, &img, &o, &out);
    double t3 = bench_now_ms();
    studio_image_free(&out);
    o.edge_aware = 1;
    studio_colorize(ctx, m, &img, &o, &out);
    double t4 = bench_now_ms();
    printf("pipeline %dx%d (%.1f MP) threads %d: %.0f ms end to end, %.0f ms re-read at another vibrance, %.0f ms edge-aware re-read, peak memory %.0f MB\n",
           img.width, img.height, img.width * (double)img.height / 1e6, studio_threads(ctx), t1 - t0, t3 - t2, t4 - t3, bench_peak_mb());
    studio_image_free(&out); studio_image_free(&img); studio_model_free(m);
  }
  free(data); free(in); free(logits);
  studio_destroy(ctx);
  return 0;
}
