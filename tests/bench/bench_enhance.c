/* bench_enhance.c - time studio_enhance on one image: `bench_enhance FILE [RUNS] [THREADS]`.
 * Prints one line: size, threads, median and min milliseconds over RUNS, megapixels per
 * second, and peak memory (process RSS natively; the WASM heap's size under Node).
 * tools/studio bench enhance runs it natively and as WASM next to the OpenCV reference. */
#include "api/studio.h"
#include "cli/readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#else
#include <sys/resource.h>
#endif

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

/* Peak resident memory. Linux carries a parent's high-water mark across exec (a Python
 * driver's would show), so main() resets it first through /proc/self/clear_refs. */
static double peak_mb(void) {
#ifdef __EMSCRIPTEN__
  return emscripten_get_heap_size() / 1048576.0;
#else
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  double kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %lf", &kb) == 1) break;
  if (f) fclose(f);
  if (kb < 0) { struct rusage u; getrusage(RUSAGE_SELF, &u); kb = (double)u.ru_maxrss; }
  return kb / 1024.0;
#endif
}

static void reset_peak(void) {
#ifndef __EMSCRIPTEN__
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f) { fputs("5", f); fclose(f); }
#endif
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: bench_enhance FILE [RUNS] [THREADS]\n"); return 2; }
  reset_peak();
  int runs = argc > 2 ? atoi(argv[2]) : 5, threads = argc > 3 ? atoi(argv[3]) : 1;
  if (runs < 1 || runs > 100) runs = 5;
  char why[256];
  size_t len;
  uint8_t *data = es_read_file(argv[1], &len, why, sizeof why);
  if (!data) { fprintf(stderr, "%s: %s\n", argv[1], why); return 1; }
  studio_ctx *ctx = studio_create(&(studio_config){.threads = threads});
  studio_image img, out;
  if (studio_decode(ctx, data, len, &img)) { fprintf(stderr, "%s: %s\n", argv[1], studio_error(ctx)); return 1; }
  free(data);
  double before = peak_mb(), t[100];
  for (int r = 0; r < runs; r++) {
    double t0 = now_ms();
    if (studio_enhance(ctx, &img, NULL, &out)) { fprintf(stderr, "enhance: %s\n", studio_error(ctx)); return 1; }
    t[r] = now_ms() - t0;
    studio_image_free(&out);
  }
  qsort(t, (size_t)runs, sizeof *t, cmp);
  double mp = img.width * (double)img.height / 1e6, med = runs % 2 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]);
  printf("%dx%d (%.1f MP) threads %d: median %.0f ms, min %.0f ms over %d runs, %.1f MP/s, peak memory %.0f MB (image in %.0f MB before)\n",
         img.width, img.height, mp, studio_threads(ctx), med, t[0], runs, mp / (med / 1000.0), peak_mb(), before);
  studio_image_free(&img);
  studio_destroy(ctx);
  return 0;
}
