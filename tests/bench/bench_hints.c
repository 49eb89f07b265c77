/* bench_hints.c - colour hints on a 12 MP grey photo with 50 hints, as the page uses them:
 *   bench_hints THREADS WORK_MP RUNS [IMAGE]
 * The photo is IMAGE turned grey and enlarged to 12 MP (tools/eval/bench_hints.py passes
 * Kodak's kodim05 when the datasets are there) or one made here (4242x2828, seeded: lit
 * background, shaded shapes with hard edges, 1/f-like texture, grain), so the benchmark
 * needs no dataset. Real photos take the solver more iterations than the made one (kodim05:
 * about 2x), so prefer one when there is one. The hints: 45 points (r 2..6) and 5 strokes
 * (8..32 px wide), random colours, seeded.
 * Measures, with WORK_MP the solve's working size (studio_hint_options.work_megapixels):
 *   first preview   begin + update(50 hints) + preview (median of RUNS fresh sessions)
 *   added hint      update + preview with one more point each time (median of 20, warm),
 *                   and the solver's median iterations for them
 *   render          studio_hints_render at full resolution (median of RUNS)
 *   one-shot        studio_colorize_hints end to end (median of RUNS)
 *   peak memory     beyond the photo: natively the RSS high-water mark over the RSS once the
 *                   photo exists; in WASM the heap's growth since then (what the browser
 *                   reserves; it grows in steps) and malloc's own high-water mark.
 * The last line is every figure as key=value, for tools/eval/bench_hints.py. */
#include "api/studio.h"
#include "cli/readfile.h"
#include "bench_util.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __EMSCRIPTEN__
#include <malloc.h>
#endif

#define PHOTO_W 4242
#define PHOTO_H 2828
#define N_POINTS 45
#define N_STROKES 5
#define ADDED 20
#define MAX_RUNS 15

/* ---- seeded randomness ---- */

static uint64_t rng_state;
static uint32_t rnd(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (uint32_t)((z ^ (z >> 31)) >> 32);
}
static float uni(float a, float b) { return a + (b - a) * (float)(rnd() / 4294967296.0); }
static int rint_in(int a, int b) { return a + (int)(rnd() % (uint32_t)(b - a + 1)); }

/* A lattice value in -1..1 from its coordinates alone: the texture needs no stored lattice,
 * so making the photo allocates nothing beyond it (the WASM heap never shrinks, and a
 * freed scratch buffer would hide part of the hints' own memory). */
static float lattice(int x, int y, uint32_t seed) {
  uint32_t h = (uint32_t)x * 0x8da6b343u ^ (uint32_t)y * 0xd8163841u ^ seed * 0xcb1ab31fu;
  h ^= h >> 16; h *= 0x7feb352du; h ^= h >> 15; h *= 0x846ca68bu; h ^= h >> 16;
  return (float)(h >> 8) / 8388608.f - 1.f;
}

/* ---- the photo ---- */

#define SHAPE_MAX_N 48
typedef struct {
  int n;
  float px[SHAPE_MAX_N], py[SHAPE_MAX_N]; /* convex polygon (an ellipse is a 48-gon) */
  float y0, y1;
  float base, gx, gy;                     /* its shading: base + gx*x + gy*y */
  float rough;                            /* its texture's strength (smooth paint .. foliage) */
} shape_t;

static void make_shape(shape_t *s, int w, int h) {
  float cx = uni(0.f, (float)w), cy = uni(0.3f * h, (float)h), size = 20.f * expf(uni(0.f, 4.f)); /* 20..1100, log-uniform */
  float rx = size * uni(0.4f, 1.f), ry = size * uni(0.4f, 1.f), rot = uni(0.f, 6.2831853f);
  int kind = rint_in(0, 2);
  s->n = kind == 0 ? SHAPE_MAX_N : kind == 1 ? 4 : 3;
  float phase = kind == 1 ? 0.7853982f : uni(0.f, 6.2831853f);
  s->y0 = 1e30f; s->y1 = -1e30f;
  for (int i = 0; i < s->n; i++) {
    float t = phase + 6.2831853f * i / s->n, ex = rx * cosf(t), ey = ry * sinf(t);
    s->px[i] = cx + ex * cosf(rot) - ey * sinf(rot);
    s->py[i] = cy + ex * sinf(rot) + ey * cosf(rot);
    s->y0 = fminf(s->y0, s->py[i]); s->y1 = fmaxf(s->y1, s->py[i]);
  }
  s->base = uni(20.f, 235.f);
  float slope = uni(0.f, 60.f) / size, dir = uni(0.f, 6.2831853f); /* up to 60 levels across it */
  s->gx = slope * cosf(dir); s->gy = slope * sinf(dir);
  s->base -= s->gx * cx + s->gy * cy;
  s->rough = uni(0.2f, 3.f);
}

/* The columns [*a, *b) of row centre v inside the convex polygon; 0 if none. */
static int shape_span(const shape_t *s, float v, int w, int *a, int *b) {
  if (v < s->y0 || v >= s->y1) return 0;
  float lo = 1e30f, hi = -1e30f;
  for (int i = 0; i < s->n; i++) {
    int j = (i + 1) % s->n;
    float ya = s->py[i], yb = s->py[j];
    if ((ya <= v) == (yb <= v)) continue;
    float x = s->px[i] + (v - ya) / (yb - ya) * (s->px[j] - s->px[i]);
    lo = fminf(lo, x); hi = fmaxf(hi, x);
  }
  if (lo > hi) return 0;
  *a = (int)ceilf(lo - 0.5f); *b = (int)ceilf(hi - 0.5f);
  *a = *a < 0 ? 0 : *a; *b = *b > w ? w : *b;
  return *a < *b;
}

/* Octave noise: cell sizes 1024 down to 4 pixels, amplitude ~ size^0.5 (natural photos fall
 * off about as 1/f; flatter keeps fine texture above the 8-bit step), smoothstep
 * interpolation, evaluated a row at a time. */
#define OCTAVES 9
static void texture_row(float *row, int w, int y, float *col) {
  for (int o = 0; o < OCTAVES; o++) {
    int cs = 1024 >> o;
    float amp = 20.f * powf((float)cs / 1024.f, 0.3f);
    float fy = (y + 0.5f) / cs, ty;
    int ly = (int)floorf(fy);
    ty = fy - ly; ty = ty * ty * (3.f - 2.f * ty);
    int ncol = w / cs + 2;
    for (int k = 0; k < ncol; k++) { float a = lattice(k, ly, (uint32_t)o), b = lattice(k, ly + 1, (uint32_t)o); col[k] = a + (b - a) * ty; }
    for (int x = 0; x < w; x++) {
      float fx = (x + 0.5f) / cs;
      int k = (int)fx;
      float t = fx - k;
      t = t * t * (3.f - 2.f * t);
      row[x] += amp * (col[k] + (col[k + 1] - col[k]) * t);
    }
  }
}

/* IMAGE as a 12 MP grey photo: turned grey at its own size, then enlarged (bilinear), so the
 * only large allocation is the photo itself (the WASM heap keeps whatever it grew to). */
static int load_photo(studio_ctx *ctx, const char *path, studio_image *out) {
  char why[256];
  size_t len;
  uint8_t *data = es_read_file(path, &len, why, sizeof why);
  studio_image img, grey;
  if (!data) { fprintf(stderr, "%s: %s\n", path, why); return -1; }
  int rc = studio_decode(ctx, data, len, &img) != STUDIO_OK;
  free(data);
  if (rc) { fprintf(stderr, "%s: %s\n", path, studio_error(ctx)); return -1; }
  if (studio_image_alloc(ctx, img.width, img.height, 1, &grey)) { studio_image_free(&img); fprintf(stderr, "%s\n", studio_error(ctx)); return -1; }
  for (int y = 0; y < img.height; y++)
    for (int x = 0; x < img.width; x++) {
      const uint8_t *p = img.pixels + (size_t)y * img.stride + (size_t)x * img.channels;
      grey.pixels[(size_t)y * grey.stride + x] = img.channels < 3 ? p[0] : (uint8_t)((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
    }
  studio_image_free(&img);
  double mp = grey.width * (double)grey.height / 1e6;
  if (mp >= 11.9) { *out = grey; return 0; }
  double k = sqrt(PHOTO_W * (double)PHOTO_H / 1e6 / mp);
  rc = studio_resize(ctx, &grey, (int)lround(grey.width * k), (int)lround(grey.height * k), STUDIO_RESIZE_BILINEAR, out) != STUDIO_OK;
  studio_image_free(&grey);
  if (rc) fprintf(stderr, "%s: %s\n", path, studio_error(ctx));
  return rc ? -1 : 0;
}

static int make_photo(studio_ctx *ctx, int w, int h, studio_image *out) {
  if (studio_image_alloc(ctx, w, h, 1, out)) return -1;
  enum { SHAPES = 120 };
  static shape_t shapes[SHAPES];
  for (int i = 0; i < SHAPES; i++) make_shape(&shapes[i], w, h);
  float horizon = 0.35f * h;
  float *row = malloc(sizeof(float) * w), *tex = calloc(w, sizeof(float)), *col = malloc(sizeof(float) * (w + 2)), *rough = malloc(sizeof(float) * w);
  if (!row || !tex || !col || !rough) { free(row); free(tex); free(col); free(rough); studio_image_free(out); return -1; }
  for (int y = 0; y < h; y++) {
    float v = y + 0.5f;
    /* sky brightening toward the horizon, then a darker ground receding */
    float bg = v < horizon ? 150.f + 60.f * v / horizon : 110.f - 50.f * (v - horizon) / (h - horizon);
    for (int x = 0; x < w; x++) { row[x] = bg + 15.f * sinf(x * 0.0011f + y * 0.0004f); rough[x] = 1.f; tex[x] = 0.f; }
    for (int i = 0; i < SHAPES; i++) {
      int a, b;
      if (shape_span(&shapes[i], v, w, &a, &b))
        for (int x = a; x < b; x++) { row[x] = shapes[i].base + shapes[i].gx * (x + 0.5f) + shapes[i].gy * v; rough[x] = shapes[i].rough; }
    }
    texture_row(tex, w, y, col);
    uint8_t *p = out->pixels + (size_t)y * out->stride;
    for (int x = 0; x < w; x++) {
      float g = row[x] + rough[x] * tex[x] + 2.f * lattice(x, y, 99u); /* + sensor grain */
      p[x] = (uint8_t)(g < 0.f ? 0 : g > 255.f ? 255 : (int)(g + 0.5f));
    }
  }
  free(row); free(tex); free(col); free(rough);
  return 0;
}

/* ---- the hints ---- */

static studio_hint_point random_point(int w, int h) {
  studio_hint_point p = {uni(0.f, (float)w - 1.f), uni(0.f, (float)h - 1.f), rint_in(2, 6), {0, 0, 0}};
  for (int c = 0; c < 3; c++) p.rgb[c] = (uint8_t)(rnd() & 255);
  return p;
}

static int make_hints(int w, int h, studio_hints *hs) {
  memset(hs, 0, sizeof *hs);
  hs->width = w; hs->height = h;
  hs->points = calloc(N_POINTS + ADDED, sizeof *hs->points);
  hs->strokes = calloc(N_STROKES, sizeof *hs->strokes);
  if (!hs->points || !hs->strokes) return -1;
  for (int i = 0; i < N_STROKES; i++) {
    studio_hint_stroke *k = &hs->strokes[i];
    for (int c = 0; c < 3; c++) k->rgb[c] = (uint8_t)(rnd() & 255);
    k->width = uni(8.f, 32.f);
    k->n = rint_in(4, 8);
    if (!(k->path = malloc(sizeof(float) * 2 * k->n))) return -1;
    float x = uni(0.f, w - 1.f), y = uni(0.f, h - 1.f), dir = uni(0.f, 6.2831853f);
    for (int j = 0; j < k->n; j++) {
      k->path[2 * j] = x; k->path[2 * j + 1] = y;
      dir += uni(-0.8f, 0.8f);
      float step = uni(40.f, 150.f);
      x = fminf(fmaxf(x + step * cosf(dir), 0.f), w - 1.f);
      y = fminf(fmaxf(y + step * sinf(dir), 0.f), h - 1.f);
    }
  }
  hs->n_strokes = N_STROKES;
  for (int i = 0; i < N_POINTS + ADDED; i++) hs->points[i] = random_point(w, h); /* the added ones come later */
  hs->n_points = N_POINTS;
  return 0;
}

/* ---- memory ---- */

/* malloc's high-water mark (WASM: dlmalloc's maximum footprint); 0 natively, where the RSS
 * high-water mark already says it. */
static double malloc_peak_mb(void) {
#ifdef __EMSCRIPTEN__
  return mallinfo().usmblks / 1048576.0;
#else
  return 0.0;
#endif
}

static int fail(studio_ctx *ctx, const char *what) {
  fprintf(stderr, "bench_hints: %s: %s\n", what, studio_error(ctx));
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: bench_hints THREADS WORK_MP RUNS [IMAGE]\n"); return 2; }
  int threads = atoi(argv[1]), runs = atoi(argv[3]);
  float work = (float)atof(argv[2]);
  if (runs < 1 || runs > MAX_RUNS) runs = 3;
  studio_ctx *ctx = studio_create(&(studio_config){.threads = threads});
  if (!ctx) return 1;
  studio_image photo;
  if (argc > 4) {
    if (load_photo(ctx, argv[4], &photo)) return 1;
  } else if (make_photo(ctx, PHOTO_W, PHOTO_H, &photo)) {
    return fail(ctx, "making the photo");
  }
  rng_state = 2004;
  studio_hints hints;
  if (make_hints(photo.width, photo.height, &hints)) { fprintf(stderr, "bench_hints: out of memory\n"); return 1; }
  studio_hint_options hopt;
  studio_hint_defaults(&hopt);
  hopt.work_megapixels = work;

  /* from here on, everything is the hints' own memory */
  bench_reset_peak();
  double base_mb = bench_peak_mb(), base_malloc = malloc_peak_mb();

  double t_begin[MAX_RUNS], t_update[MAX_RUNS], t_preview[MAX_RUNS], t_first[MAX_RUNS], t_render[MAX_RUNS], t_oneshot[MAX_RUNS];
  double t_added[ADDED], t_added_update[ADDED], iters_added[ADDED];
  int ww = 0, wh = 0, iters_first = 0;
  float err_first = 0.f;
  studio_image out;
  for (int r = 0; r < runs; r++) {
    studio_hint_session *s;
    hints.n_points = N_POINTS;
    double t0 = bench_now_ms();
    if (studio_hints_begin(ctx, NULL, &photo, NULL, &hopt, &s)) return fail(ctx, "begin");
    double t1 = bench_now_ms();
    if (studio_hints_update(ctx, s, &hints)) return fail(ctx, "update");
    double t2 = bench_now_ms();
    if (studio_hints_preview(ctx, s, &out)) return fail(ctx, "preview");
    double t3 = bench_now_ms();
    studio_image_free(&out);
    studio_hints_stats(s, &ww, &wh, &iters_first, &err_first);
    t_begin[r] = t1 - t0; t_update[r] = t2 - t1; t_preview[r] = t3 - t2; t_first[r] = t3 - t0;
    t0 = bench_now_ms();
    if (studio_hints_render(ctx, s, &out)) return fail(ctx, "render");
    t_render[r] = bench_now_ms() - t0;
    studio_image_free(&out);
    if (r == runs - 1) /* the live edits, on the last session: one more point each time */
      for (int i = 0; i < ADDED; i++) {
        int it;
        hints.n_points = N_POINTS + i + 1;
        t0 = bench_now_ms();
        if (studio_hints_update(ctx, s, &hints)) return fail(ctx, "update");
        t1 = bench_now_ms();
        if (studio_hints_preview(ctx, s, &out)) return fail(ctx, "preview");
        t2 = bench_now_ms();
        studio_image_free(&out);
        studio_hints_stats(s, NULL, NULL, &it, NULL);
        t_added[i] = t2 - t0; t_added_update[i] = t1 - t0; iters_added[i] = it;
      }
    studio_hints_end(s);
  }
  hints.n_points = N_POINTS;
  for (int r = 0; r < runs; r++) {
    double t0 = bench_now_ms();
    if (studio_colorize_hints(ctx, NULL, &photo, NULL, &hints, &hopt, &out)) return fail(ctx, "studio_colorize_hints");
    t_oneshot[r] = bench_now_ms() - t0;
    studio_image_free(&out);
  }
  double peak = bench_peak_mb() - base_mb, mpeak = malloc_peak_mb() - base_malloc;
  double photo_mb = (double)photo.stride * photo.height / 1048576.0;

  double first = bench_median(t_first, runs), begin = bench_median(t_begin, runs), update = bench_median(t_update, runs);
  double preview = bench_median(t_preview, runs), render = bench_median(t_render, runs), oneshot = bench_median(t_oneshot, runs);
  double added = bench_median(t_added, ADDED), added_update = bench_median(t_added_update, ADDED), added_iters = bench_median(iters_added, ADDED);
  double added_max = t_added[ADDED - 1];
  printf("photo %dx%d (%.1f MP, %s), %d points + %d strokes, threads %d, work size %.2f MP = %dx%d\n", photo.width, photo.height,
         photo.width * (double)photo.height / 1e6, argc > 4 ? argv[4] : "generated", N_POINTS, N_STROKES, studio_threads(ctx), (double)work, ww, wh);
  printf("  first preview %.0f ms (begin %.0f + update %.0f, %d iterations + preview %.0f), median of %d\n", first, begin, update, iters_first, preview, runs);
  printf("  one added hint %.1f ms (update %.1f), %.0f iterations, medians of %d; slowest %.1f ms\n", added, added_update, added_iters, ADDED, added_max);
  printf("  full resolution: render %.0f ms, studio_colorize_hints %.0f ms end to end, median of %d\n", render, oneshot, runs);
#ifdef __EMSCRIPTEN__
  printf("  peak memory beyond the photo (%.1f MB): heap grew %.0f MB, malloc high-water %.0f MB\n", photo_mb, peak, mpeak);
#else
  printf("  peak memory beyond the photo (%.1f MB): %.0f MB (RSS high-water mark)\n", photo_mb, peak);
#endif
  printf("bench_hints threads=%d work_mp=%.2f work=%dx%d first_ms=%.1f begin_ms=%.1f update_ms=%.1f preview_ms=%.1f first_iters=%d"
         " added_ms=%.2f added_update_ms=%.2f added_iters=%.0f render_ms=%.1f oneshot_ms=%.1f peak_mb=%.1f malloc_peak_mb=%.1f photo_mb=%.1f\n",
         studio_threads(ctx), (double)work, ww, wh, first, begin, update, preview, iters_first, added, added_update, added_iters, render, oneshot,
         peak, mpeak, photo_mb);
  studio_hints_free(&hints);
  studio_image_free(&photo);
  studio_destroy(ctx);
  return 0;
}
