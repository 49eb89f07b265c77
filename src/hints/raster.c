/* raster.c - see raster.h. Coverage is decided in the photo's own pixel coordinates (a cell's
 * centre mapped back onto the photo), so a hint covers the same part of the photo whatever
 * the working size. */
#include "raster.h"
#include "../color/color.h"

#include <math.h>
#include <stdlib.h>

void es_hint_ab(const uint8_t rgb[3], float ab[2]) {
  float c[3] = {rgb[0] / 255.f, rgb[1] / 255.f, rgb[2] / 255.f}, lab[3];
  es_rgb_to_lab(c, lab, 1);
  ab[0] = lab[1]; ab[1] = lab[2];
}

/* One hint's colour. Its full chroma is what spreads: clipping it into the gamut at every
 * hinted pixel's lightness first would spread a paler colour further than it belongs (0.1 to
 * 0.2 dB lower on Kodak); the output pass maps what does not fit (es_colorize_render). */
typedef struct { float a, b; } paint_t;

static void paint_init(paint_t *p, const uint8_t rgb[3]) {
  float ab[2];
  es_hint_ab(rgb, ab);
  p->a = ab[0]; p->b = ab[1];
}

static void paint(const paint_t *p, uint8_t *fixed, float *ab) {
  *fixed = 1;
  ab[0] = p->a; ab[1] = p->b;
}

typedef struct {
  int ww, hh;
  float sx, sy;   /* working cells per photo pixel */
  uint8_t *fixed;
  float *ab;
  long painted;
} grid_t;

/* photo coordinate of cell j's centre, and the cell holding photo coordinate v */
static float centre(int j, float s) { return ((float)j + 0.5f) / s - 0.5f; }
static int cell(float v, float s, int n) { int j = (int)floorf((v + 0.5f) * s); return j < 0 ? 0 : j >= n ? n - 1 : j; }

static void mark(grid_t *g, const paint_t *p, int x, int y) {
  size_t i = (size_t)y * g->ww + x;
  paint(p, g->fixed + i, g->ab + 2 * i);
  g->painted++;
}

static void raster_point(grid_t *g, const studio_hint_point *pt) {
  paint_t p;
  paint_init(&p, pt->rgb);
  /* the square covers photo pixels x-r..x+r, i.e. |u - x| <= r + 0.5 for coordinates u */
  float half = (float)pt->r + 0.5f;
  int x0 = cell(pt->x - half, g->sx, g->ww), x1 = cell(pt->x + half, g->sx, g->ww);
  int y0 = cell(pt->y - half, g->sy, g->hh), y1 = cell(pt->y + half, g->sy, g->hh);
  int any = 0;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      if (fabsf(centre(x, g->sx) - pt->x) <= half && fabsf(centre(y, g->sy) - pt->y) <= half) { mark(g, &p, x, y); any = 1; }
  if (!any) mark(g, &p, cell(pt->x, g->sx, g->ww), cell(pt->y, g->sy, g->hh));
}

/* distance^2 from (u, v) to the segment a-b */
static float seg_d2(float u, float v, float ax, float ay, float bx, float by) {
  float dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t = 0.f;
  if (l2 > 0.f) { t = ((u - ax) * dx + (v - ay) * dy) / l2; t = t < 0.f ? 0.f : t > 1.f ? 1.f : t; }
  float ex = ax + t * dx - u, ey = ay + t * dy - v;
  return ex * ex + ey * ey;
}

static void raster_stroke(grid_t *g, const studio_hint_stroke *k) {
  paint_t p;
  paint_init(&p, k->rgb);
  float rad = 0.5f * k->width, r2 = rad * rad;
  for (int j = 0; j < k->n; j++) {
    const float *a = k->path + 2 * j, *b = j + 1 < k->n ? a + 2 : a;
    if (j + 1 < k->n || k->n == 1) {
      int x0 = cell(fminf(a[0], b[0]) - rad, g->sx, g->ww), x1 = cell(fmaxf(a[0], b[0]) + rad, g->sx, g->ww);
      int y0 = cell(fminf(a[1], b[1]) - rad, g->sy, g->hh), y1 = cell(fmaxf(a[1], b[1]) + rad, g->sy, g->hh);
      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          if (seg_d2(centre(x, g->sx), centre(y, g->sy), a[0], a[1], b[0], b[1]) <= r2) mark(g, &p, x, y);
    }
    /* a brush thinner than a cell still leaves an unbroken trace: the cell under every
     * half-cell step along the segment */
    float len = hypotf((b[0] - a[0]) * g->sx, (b[1] - a[1]) * g->sy);
    int steps = (int)ceilf(2.f * len);
    for (int k = 0; k <= steps; k++) {
      float t = steps ? (float)k / steps : 0.f;
      mark(g, &p, cell(a[0] + t * (b[0] - a[0]), g->sx, g->ww), cell(a[1] + t * (b[1] - a[1]), g->sy, g->hh));
    }
  }
}

long es_hints_raster(const studio_hints *h, int ww, int hh, uint8_t *fixed, float *ab) {
  grid_t g = {ww, hh, (float)ww / (float)h->width, (float)hh / (float)h->height, fixed, ab, 0};
  for (int i = 0; i < h->n_strokes; i++) raster_stroke(&g, &h->strokes[i]);
  for (int i = 0; i < h->n_points; i++) raster_point(&g, &h->points[i]);
  return g.painted;
}
