/* bench_png.c - time PNG encoding of one image:
 * `bench_png FILE [RUNS [THREADS [default|stb|LEVEL...]]]`.
 *
 * `default` (also with no third argument): our writer as studio_encode runs it
 * (ES_PNG_LEVEL); median and min over RUNS, the size, and whether studio_decode gives the
 * pixels back exactly. `stb`: stb_image_write's own PNG writer (the encoder before issue 10;
 * a private copy compiled into this program only, so both run in the same build and run).
 * A LEVEL: our writer at that libdeflate level (0..12). THREADS (default 1): the context's
 * pool, which our writer filters and deflates on (stb's always runs on one). One line per
 * measurement:
 *   png LABEL: WxH (MP) threads T: median M ms, min N ms over R runs, cpu C ms, B bytes, round trip exact
 * (cpu: the median CPU time of the process, all threads, natively; -1 in WASM).
 * tools/studio bench png runs it natively and as WASM next to OpenCV's imencode. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "image/png_write.h"
#include "bench_util.h"

#include <string.h>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic ignored "-Wunused-function" /* the copy's other writers */
#include <stb_image_write.h>

static studio_ctx *ctx;
static studio_image img;

/* One encoding with `how` (-1 stb, else a libdeflate level); returns the bytes. */
static uint8_t *encode(int how, size_t *len) {
  if (how < 0) {
    int n = 0;
    uint8_t *p = stbi_write_png_to_mem(img.pixels, (int)img.stride, img.width, img.height, img.channels, &n);
    *len = (size_t)n;
    return p;
  }
  uint8_t *p = NULL;
  if (es_png_write(ctx, &img, how, &p, len)) { fprintf(stderr, "encode: %s\n", studio_error(ctx)); exit(1); }
  return p;
}

/* CPU time of this process natively (steadier than wall time on a shared machine; with
 * several threads it sums them, so it measures work, not latency); Emscripten has no such
 * clock, so -1 there. */
static double cpu_ms(void) {
#ifdef __EMSCRIPTEN__
  return -1;
#else
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
#endif
}

static void measure(int how, int runs) {
  double t[100], cpu[100];
  size_t len = 0;
  uint8_t *png = NULL;
  for (int r = 0; r < runs; r++) {
    free(png);
    double t0 = bench_now_ms(), c0 = cpu_ms();
    png = encode(how, &len);
    t[r] = bench_now_ms() - t0;
    cpu[r] = c0 < 0 ? -1 : cpu_ms() - c0;
  }
  studio_image back;
  int exact = studio_decode(ctx, png, len, &back) == STUDIO_OK && back.width == img.width && back.height == img.height &&
              back.channels == img.channels;
  for (int y = 0; exact && y < img.height; y++)
    exact = memcmp(back.pixels + y * back.stride, img.pixels + y * img.stride, (size_t)img.width * img.channels) == 0;
  if (exact) studio_image_free(&back);
  free(png);
  char label[32];
  if (how < 0) snprintf(label, sizeof label, "stb");
  else snprintf(label, sizeof label, "level %d%s", how, how == ES_PNG_LEVEL ? " (default)" : "");
  double med = bench_median(t, runs), cpu_med = bench_median(cpu, runs);
  printf("png %s: %dx%d (%.1f MP) threads %d: median %.0f ms, min %.0f ms over %d runs, cpu %.0f ms, %zu bytes, round trip %s\n", label,
         img.width, img.height, img.width * (double)img.height / 1e6, how < 0 ? 1 : studio_threads(ctx), med, t[0], runs, cpu_med, len, exact ? "exact" : "CHANGED PIXELS");
  fflush(stdout);
  if (!exact) exit(1);
}

int main(int argc, char **argv) {
  int runs;
  ctx = bench_open(argc, argv, "bench_png FILE [RUNS [THREADS [default|stb|LEVEL...]]]", &runs, &img);
  if (argc <= 4) measure(ES_PNG_LEVEL, runs);
  for (int i = 4; i < argc; i++)
    measure(strcmp(argv[i], "stb") == 0 ? -1 : strcmp(argv[i], "default") == 0 ? ES_PNG_LEVEL : atoi(argv[i]), runs);
  studio_image_free(&img);
  studio_destroy(ctx);
  return 0;
}
