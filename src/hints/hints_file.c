/* hints_file.c - the colour hints file (JSON, read and written with Debian's cJSON) and
 * the checks every hint passes, whether it came from a file, the page or C code. The CLI,
 * the JS API and the page share this one reader, so a bad file gets the same sentence
 * everywhere. */
#include "../api/context.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_R 256
#define MAX_WIDTH 1024.f
#define MAX_PATH 100000
#define MAX_HINTS 100000

void studio_hint_defaults(studio_hint_options *o) {
  o->trust = 0.5f;
  o->work_megapixels = 0.15f;
  o->tolerance = 0.002f;
  o->preview_tolerance = 0.05f;
}

void studio_hints_free(studio_hints *h) {
  if (!h) return;
  for (int i = 0; h->strokes && i < h->n_strokes; i++) free(h->strokes[i].path);
  free(h->points); free(h->strokes);
  memset(h, 0, sizeof *h);
}

static studio_status inside(studio_ctx *ctx, const char *what, int i, float x, float y, int w, int h) {
  if (!isfinite(x) || !isfinite(y)) return es_fail(ctx, STUDIO_E_ARGUMENT, "%s[%d]: the position is not a number", what, i);
  if (x < 0.f || x >= (float)w) return es_fail(ctx, STUDIO_E_ARGUMENT, "%s[%d]: x %g is outside the %dx%d photo", what, i, (double)x, w, h);
  if (y < 0.f || y >= (float)h) return es_fail(ctx, STUDIO_E_ARGUMENT, "%s[%d]: y %g is outside the %dx%d photo", what, i, (double)y, w, h);
  return STUDIO_OK;
}

studio_status studio_hints_check(studio_ctx *ctx, const studio_hints *h, int width, int height) {
  if (!ctx || !h) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_check: NULL argument") : STUDIO_E_ARGUMENT;
  if (h->width != width || h->height != height)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "the hints were made for a %dx%d photo, but this photo is %dx%d", h->width, h->height, width, height);
  if (h->n_points < 0 || h->n_strokes < 0 || (h->n_points && !h->points) || (h->n_strokes && !h->strokes) || h->n_points + h->n_strokes > MAX_HINTS)
    return es_fail(ctx, STUDIO_E_ARGUMENT, "hints: at most %d hints, with their arrays", MAX_HINTS);
  studio_status s;
  for (int i = 0; i < h->n_points; i++) {
    const studio_hint_point *p = &h->points[i];
    if ((s = inside(ctx, "points", i, p->x, p->y, width, height))) return s;
    if (p->r < 0 || p->r > MAX_R) return es_fail(ctx, STUDIO_E_ARGUMENT, "points[%d]: r must be in 0..%d, not %d", i, MAX_R, p->r);
  }
  for (int i = 0; i < h->n_strokes; i++) {
    const studio_hint_stroke *k = &h->strokes[i];
    if (!(k->width >= 1.f && k->width <= MAX_WIDTH))
      return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: width must be in 1..%g pixels, not %g", i, (double)MAX_WIDTH, (double)k->width);
    if (k->n < 1 || k->n > MAX_PATH || !k->path) return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: the path needs 1..%d points, not %d", i, MAX_PATH, k->n);
    for (int j = 0; j < k->n; j++)
      if (inside(ctx, "strokes", i, k->path[2 * j], k->path[2 * j + 1], width, height))
        return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: path point %d (%g, %g) is outside the %dx%d photo", i, j, (double)k->path[2 * j],
                       (double)k->path[2 * j + 1], width, height);
  }
  return es_ok(ctx);
}

/* ---- reading ---- */

static int number(const cJSON *o, const char *key, double *v) {
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);
  if (!cJSON_IsNumber(n)) return -1;
  *v = n->valuedouble;
  return 0;
}

static studio_status colour(studio_ctx *ctx, const cJSON *o, const char *what, int i, uint8_t rgb[3]) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "rgb");
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 3) return es_fail(ctx, STUDIO_E_ARGUMENT, "%s[%d]: \"rgb\" must be [R, G, B]", what, i);
  for (int k = 0; k < 3; k++) {
    const cJSON *c = cJSON_GetArrayItem(a, k);
    double v = cJSON_IsNumber(c) ? c->valuedouble : -1;
    if (!cJSON_IsNumber(c) || v != floor(v) || v < 0 || v > 255)
      return es_fail(ctx, STUDIO_E_ARGUMENT, "%s[%d]: colour component %d must be a whole number in 0..255", what, i, k);
    rgb[k] = (uint8_t)v;
  }
  return STUDIO_OK;
}

/* "line L, column C" of the byte where cJSON stopped. */
static void where(const char *json, const char *at, int *line, int *col) {
  *line = 1; *col = 1;
  for (const char *p = json; p < at; p++) { if (*p == '\n') { (*line)++; *col = 1; } else (*col)++; }
}

/* A list of the file: absent (nothing to read) or an array of at most MAX_HINTS items, for
 * which zeroed room of `size` bytes each is made in *items. */
static studio_status list(studio_ctx *ctx, const cJSON *arr, const char *name, size_t size, void **items) {
  if (!arr) return STUDIO_OK;
  if (!cJSON_IsArray(arr)) return es_fail(ctx, STUDIO_E_ARGUMENT, "hints: \"%s\" must be a list", name);
  int n = cJSON_GetArraySize(arr);
  if (n > MAX_HINTS) return es_fail(ctx, STUDIO_E_ARGUMENT, "hints: at most %d %s, not %d", MAX_HINTS, name, n);
  if (n && !(*items = calloc((size_t)n, size))) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory reading the hints");
  return STUDIO_OK;
}

static studio_status read_points(studio_ctx *ctx, const cJSON *arr, studio_hints *h) {
  studio_status st = list(ctx, arr, "points", sizeof *h->points, (void **)&h->points);
  if (st || !arr) return st;
  int i = 0;
  for (const cJSON *o = arr->child; o; o = o->next, i++) {
    studio_hint_point *p = &h->points[i];
    double x, y, r;
    if (!cJSON_IsObject(o)) return es_fail(ctx, STUDIO_E_ARGUMENT, "points[%d]: must be an object {\"x\", \"y\", \"r\", \"rgb\"}", i);
    if (number(o, "x", &x) || number(o, "y", &y)) return es_fail(ctx, STUDIO_E_ARGUMENT, "points[%d]: needs numbers \"x\" and \"y\"", i);
    if (number(o, "r", &r)) r = 0; /* a single pixel unless said otherwise */
    if (r != floor(r) || r < 0 || r > MAX_R) return es_fail(ctx, STUDIO_E_ARGUMENT, "points[%d]: r must be a whole number in 0..%d, not %g", i, MAX_R, r);
    p->x = (float)x; p->y = (float)y; p->r = (int)r;
    h->n_points = i + 1;
    studio_status s = colour(ctx, o, "points", i, p->rgb);
    if (s) return s;
  }
  return STUDIO_OK;
}

static studio_status read_strokes(studio_ctx *ctx, const cJSON *arr, studio_hints *h) {
  studio_status st = list(ctx, arr, "strokes", sizeof *h->strokes, (void **)&h->strokes);
  if (st || !arr) return st;
  int i = 0;
  for (const cJSON *o = arr->child; o; o = o->next, i++) {
    studio_hint_stroke *k = &h->strokes[i];
    h->n_strokes = i + 1;
    double width;
    if (!cJSON_IsObject(o)) return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: must be an object {\"rgb\", \"width\", \"path\"}", i);
    studio_status s = colour(ctx, o, "strokes", i, k->rgb);
    if (s) return s;
    if (number(o, "width", &width)) return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: needs a number \"width\" (pixels)", i);
    k->width = (float)width;
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(o, "path");
    int m = cJSON_IsArray(path) ? cJSON_GetArraySize(path) : 0;
    if (m < 1 || m > MAX_PATH) return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: \"path\" must be a list of 1..%d [x, y] points", i, MAX_PATH);
    if (!(k->path = malloc(sizeof(float) * 2 * (size_t)m))) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory reading the hints");
    int j = 0;
    for (const cJSON *q = path->child; q; q = q->next, j++) {
      const cJSON *x = cJSON_GetArrayItem(q, 0), *y = cJSON_GetArrayItem(q, 1);
      if (!cJSON_IsArray(q) || cJSON_GetArraySize(q) != 2 || !cJSON_IsNumber(x) || !cJSON_IsNumber(y))
        return es_fail(ctx, STUDIO_E_ARGUMENT, "strokes[%d]: path point %d must be [x, y]", i, j);
      k->path[2 * j] = (float)x->valuedouble;
      k->path[2 * j + 1] = (float)y->valuedouble;
    }
    k->n = m;
  }
  return STUDIO_OK;
}

studio_status studio_hints_parse(studio_ctx *ctx, const char *json, size_t len, studio_hints *out) {
  if (!ctx || !out || (!json && len)) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_parse: NULL argument") : STUDIO_E_ARGUMENT;
  memset(out, 0, sizeof *out);
  if (!len) return es_fail(ctx, STUDIO_E_FORMAT, "the hints file is empty");
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
  if (!root) {
    int line, col;
    where(json, end && end >= json && end <= json + len ? end : json, &line, &col);
    return es_fail(ctx, STUDIO_E_FORMAT, "the hints file is not valid JSON (line %d, column %d)", line, col);
  }
  studio_status s = STUDIO_OK;
  double w = 0, h = 0;
  while (end && end < json + len && (*end == '\0' || *end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
  if (end && end < json + len) {
    int line, col;
    where(json, end, &line, &col);
    s = es_fail(ctx, STUDIO_E_FORMAT, "the hints file has more after its JSON object (line %d, column %d)", line, col);
  } else if (!cJSON_IsObject(root)) s = es_fail(ctx, STUDIO_E_FORMAT, "the hints file must hold one JSON object {\"width\", \"height\", \"points\", \"strokes\"}");
  else if (number(root, "width", &w) || number(root, "height", &h) || w != floor(w) || h != floor(h) || w < 1 || h < 1 || w > 65535 || h > 65535)
    s = es_fail(ctx, STUDIO_E_ARGUMENT, "hints: \"width\" and \"height\" must be the photo's size in pixels (whole numbers 1..65535)");
  /* an unknown field is a mistake, not an extension: {"hints": [...]} would otherwise read
   * as no hints at all and colour nothing, without a word */
  for (const cJSON *f = s ? NULL : root->child; f && !s; f = f->next)
    if (!f->string || (strcmp(f->string, "width") && strcmp(f->string, "height") && strcmp(f->string, "points") && strcmp(f->string, "strokes")))
      s = es_fail(ctx, STUDIO_E_FORMAT, "hints: unknown field \"%.40s\" (a hints file holds \"width\", \"height\", \"points\" and \"strokes\")",
                  f->string ? f->string : "");
  if (!s) {
    out->width = (int)w; out->height = (int)h;
    if (!(s = read_points(ctx, cJSON_GetObjectItemCaseSensitive(root, "points"), out)))
      if (!(s = read_strokes(ctx, cJSON_GetObjectItemCaseSensitive(root, "strokes"), out)))
        s = studio_hints_check(ctx, out, out->width, out->height);
  }
  cJSON_Delete(root);
  if (s) studio_hints_free(out);
  return s;
}

/* ---- writing ---- */

static cJSON *rgb_array(const uint8_t rgb[3]) {
  int v[3] = {rgb[0], rgb[1], rgb[2]};
  return cJSON_CreateIntArray(v, 3);
}

/* Coordinates to 1/100 pixel: exact enough, and a file a person can read; never rounded up
 * onto the border (limit), where the reader would refuse it. */
static cJSON *coord(float v, double limit) {
  double r = round((double)v * 100.0) / 100.0;
  if (r >= limit) r = floor((double)v * 100.0) / 100.0;
  return cJSON_CreateNumber(r);
}

studio_status studio_hints_write(studio_ctx *ctx, const studio_hints *h, char **json, size_t *len) {
  if (!ctx || !h || !json) return ctx ? es_fail(ctx, STUDIO_E_ARGUMENT, "studio_hints_write: NULL argument") : STUDIO_E_ARGUMENT;
  *json = NULL;
  studio_status s = studio_hints_check(ctx, h, h->width, h->height);
  if (s) return s;
  cJSON *root = cJSON_CreateObject(), *points = NULL, *strokes = NULL;
  int ok = root && cJSON_AddNumberToObject(root, "width", h->width) && cJSON_AddNumberToObject(root, "height", h->height) &&
           (points = cJSON_AddArrayToObject(root, "points")) && (strokes = cJSON_AddArrayToObject(root, "strokes"));
  for (int i = 0; ok && i < h->n_points; i++) {
    const studio_hint_point *p = &h->points[i];
    cJSON *o = cJSON_CreateObject();
    ok = o && cJSON_AddItemToArray(points, o);
    if (!ok) { cJSON_Delete(o); break; }
    {
      cJSON_AddItemToObject(o, "x", coord(p->x, h->width));
      cJSON_AddItemToObject(o, "y", coord(p->y, h->height));
      cJSON_AddItemToObject(o, "r", cJSON_CreateNumber(p->r));
      cJSON_AddItemToObject(o, "rgb", rgb_array(p->rgb));
    }
  }
  for (int i = 0; ok && i < h->n_strokes; i++) {
    const studio_hint_stroke *k = &h->strokes[i];
    cJSON *o = cJSON_CreateObject(), *path = cJSON_CreateArray();
    ok = o && path && cJSON_AddItemToArray(strokes, o);
    if (!ok) { cJSON_Delete(o); cJSON_Delete(path); break; }
    cJSON_AddItemToObject(o, "rgb", rgb_array(k->rgb));
    cJSON_AddItemToObject(o, "width", coord(k->width, 1e9));
    cJSON_AddItemToObject(o, "path", path);
    for (int j = 0; ok && j < k->n; j++) {
      cJSON *pt = cJSON_CreateArray();
      ok = pt && cJSON_AddItemToArray(path, pt);
      if (ok) { cJSON_AddItemToArray(pt, coord(k->path[2 * j], h->width)); cJSON_AddItemToArray(pt, coord(k->path[2 * j + 1], h->height)); }
    }
  }
  char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
  cJSON_Delete(root);
  if (!text) return es_fail(ctx, STUDIO_E_NOMEM, "out of memory writing the hints");
  /* cJSON allocates with malloc (default hooks): studio_free releases it */
  *json = text;
  if (len) *len = strlen(text);
  return es_ok(ctx);
}
