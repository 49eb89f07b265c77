/* bench_util.h - what the benchmark programs share: a monotonic clock, medians, and peak
 * memory (process high-water mark natively, reset first because Linux carries a parent's
 * across exec; the WASM heap's size under Node). */
#ifndef STUDIO_BENCH_UTIL_H
#define STUDIO_BENCH_UTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __EMSCRIPTEN__
#include <emscripten/heap.h>
#endif

static inline double bench_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int bench_cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

/* Sorts t[0..n) and returns its median. */
static inline double bench_median(double *t, int n) {
  qsort(t, (size_t)n, sizeof *t, bench_cmp);
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

static inline void bench_reset_peak(void) {
#ifndef __EMSCRIPTEN__
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (f) { fputs("5", f); fclose(f); }
#endif
}

static inline double bench_peak_mb(void) {
#ifdef __EMSCRIPTEN__
  return emscripten_get_heap_size() / 1048576.0;
#else
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  double kb = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %lf", &kb) == 1) break;
  if (f) fclose(f);
  return kb / 1024.0;
#endif
}

#ifdef STUDIO_H
/* The common start of `bench_X FILE [RUNS [THREADS ...]]`: RUNS (1..100, default 5) into
 * *runs, a context of THREADS (default 1) threads, FILE decoded into *img; exits with a
 * message on any failure. (Include api/studio.h and cli/readfile.h first.) */
static inline studio_ctx *bench_open(int argc, char **argv, const char *usage, int *runs, studio_image *img) {
  if (argc < 2) { fprintf(stderr, "usage: %s\n", usage); exit(2); }
  int threads = argc > 3 ? atoi(argv[3]) : 1;
  *runs = argc > 2 ? atoi(argv[2]) : 5;
  if (*runs < 1 || *runs > 100) *runs = 5;
  char why[256];
  size_t len;
  uint8_t *data = es_read_file(argv[1], &len, why, sizeof why);
  if (!data) { fprintf(stderr, "%s: %s\n", argv[1], why); exit(1); }
  studio_ctx *ctx = studio_create(&(studio_config){.threads = threads});
  if (studio_decode(ctx, data, len, img)) { fprintf(stderr, "%s: %s\n", argv[1], studio_error(ctx)); exit(1); }
  free(data);
  return ctx;
}
/* `bench_JOB FILE [RUNS] [THREADS] [NAME=VALUE,...]` for a job with options set by name: the
 * options applied with set(), then run() timed RUNS times on the decoded image; one line:
 * size, threads, median and min ms, MP/s, peak memory (process RSS natively; the WASM heap
 * under Node). Returns main's exit code. */
typedef studio_status (*bench_set_fn)(studio_ctx *ctx, void *opt, const char *name, const char *value);
typedef studio_status (*bench_run_fn)(studio_ctx *ctx, const studio_image *in, const void *opt, studio_image *out);
static inline int bench_job(int argc, char **argv, const char *job, void *opt, bench_set_fn set, bench_run_fn run) {
  bench_reset_peak();
  int runs;
  studio_image img, out;
  char usage[96];
  snprintf(usage, sizeof usage, "bench_%s FILE [RUNS] [THREADS] [NAME=VALUE,...]", job);
  studio_ctx *ctx = bench_open(argc, argv, usage, &runs, &img);
  for (char *item = argc > 4 ? strtok(argv[4], ",") : NULL; item; item = strtok(NULL, ",")) {
    char *eq = strchr(item, '=');
    if (!eq) { fprintf(stderr, "bench_%s: option '%s' is not NAME=VALUE\n", job, item); return 2; }
    *eq = 0;
    if (set(ctx, opt, item, eq + 1)) { fprintf(stderr, "bench_%s: %s\n", job, studio_error(ctx)); return 2; }
  }
  double before = bench_peak_mb(), t[100];
  for (int r = 0; r < runs; r++) {
    double t0 = bench_now_ms();
    if (run(ctx, &img, opt, &out)) { fprintf(stderr, "%s: %s\n", job, studio_error(ctx)); return 1; }
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
#endif
#endif
