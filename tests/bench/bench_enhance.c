/* bench_enhance.c - time studio_enhance on one image:
 * `bench_enhance FILE [RUNS] [THREADS] [NAME=VALUE,...]` (options as the CLI names them).
 * Prints one line: size, threads, median and min milliseconds over RUNS, megapixels per
 * second, and peak memory (process RSS natively; the WASM heap's size under Node).
 * tools/studio bench enhance runs it natively and as WASM next to the OpenCV reference. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "bench_util.h"

#include <string.h>


int main(int argc, char **argv) {
  bench_reset_peak();
  int runs;
  studio_image img, out;
  studio_ctx *ctx = bench_open(argc, argv, "bench_enhance FILE [RUNS] [THREADS] [NAME=VALUE,...]", &runs, &img);
  studio_enhance_options opt;
  studio_enhance_defaults(&opt);
  for (char *item = argc > 4 ? strtok(argv[4], ",") : NULL; item; item = strtok(NULL, ",")) {
    char *eq = strchr(item, '=');
    if (!eq) { fprintf(stderr, "bench_enhance: option '%s' is not NAME=VALUE\n", item); return 2; }
    *eq = 0;
    if (studio_enhance_set(ctx, &opt, item, eq + 1)) { fprintf(stderr, "bench_enhance: %s\n", studio_error(ctx)); return 2; }
  }
  double before = bench_peak_mb(), t[100];
  for (int r = 0; r < runs; r++) {
    double t0 = bench_now_ms();
    if (studio_enhance(ctx, &img, &opt, &out)) { fprintf(stderr, "enhance: %s\n", studio_error(ctx)); return 1; }
    t[r] = bench_now_ms() - t0;
    studio_image_free(&out);
  }
  double med = bench_median(t, runs), mp = img.width * (double)img.height / 1e6;
  printf("%dx%d (%.1f MP) threads %d: median %.0f ms, min %.0f ms over %d runs, %.1f MP/s, peak memory %.0f MB (image in %.0f MB before)\n",
         img.width, img.height, mp, studio_threads(ctx), med, t[0], runs, mp / (med / 1000.0), bench_peak_mb(), before);
  studio_image_free(&img);
  studio_destroy(ctx);
  return 0;
}
