/* context.c - studio_ctx lifetime, errors, progress and the shared thread pool. */
#include "context.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>
#ifdef ES_WASM_POOL
#include <emscripten/em_js.h>
#include <emscripten/threading.h>
/* Workers of the module's pool not running a thread yet: a context can use that many more
 * threads than the caller's own. The web module's pool is as large as its loader asked for
 * (web/core.js), the Node test programs' ES_WASM_POOL. */
EM_JS(int, es_js_free_workers, (void), { return PThread.unusedWorkers.length; });
#endif

studio_ctx *studio_create(const studio_config *cfg) {
  studio_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  if (cfg) ctx->cfg = *cfg;
  if (ctx->cfg.max_side <= 0 || ctx->cfg.max_side > 65535) ctx->cfg.max_side = STUDIO_DEFAULT_MAX_SIDE;
  if (!(ctx->cfg.max_megapixels > 0) || ctx->cfg.max_megapixels > 268.0) ctx->cfg.max_megapixels = STUDIO_DEFAULT_MAX_MEGAPIXELS;
  if (ctx->cfg.threads < 0) ctx->cfg.threads = 0;
#ifdef ES_WASM_POOL
  /* Threaded WASM: workers exist only for the pool started with the module; asking for
   * more would wait forever for a worker that cannot start while we block. */
  {
    int cap = 1 + es_js_free_workers();
    if (cap > ES_WASM_POOL) cap = ES_WASM_POOL;
    if (ctx->cfg.threads == 0) ctx->cfg.threads = (int)emscripten_num_logical_cores();
    if (ctx->cfg.threads < 1) ctx->cfg.threads = 1;
    if (ctx->cfg.threads > cap) ctx->cfg.threads = cap;
  }
#endif
  /* pthreadpool_create(0) sizes the pool to the cores; a pool of one thread runs inline,
   * which is what the single-threaded WASM build gets from its shim either way. */
  ctx->pool = pthreadpool_create((size_t)ctx->cfg.threads);
  if (!ctx->pool) { free(ctx); return NULL; }
  /* XNNPACK keeps one process-wide table of microkernels; initialising it again is a no-op. */
  if (xnn_initialize(NULL) != xnn_status_success) { pthreadpool_destroy(ctx->pool); free(ctx); return NULL; }
  return ctx;
}

void studio_destroy(studio_ctx *ctx) {
  if (!ctx) return;
  pthreadpool_destroy(ctx->pool);
  free(ctx);
}

int studio_threads(const studio_ctx *ctx) {
  size_t n = ctx ? pthreadpool_get_threads_count(ctx->pool) : 1;
  return n < 1 ? 1 : (int)n;
}

studio_status es_fail(studio_ctx *ctx, studio_status s, const char *fmt, ...) {
  va_list ap;
  ctx->status = s;
  va_start(ap, fmt);
  vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
  va_end(ap);
  return s;
}

studio_status es_ok(studio_ctx *ctx) {
  ctx->status = STUDIO_OK;
  ctx->error[0] = 0;
  return STUDIO_OK;
}

const char *studio_error(const studio_ctx *ctx) { return ctx ? ctx->error : "no context (out of memory?)"; }
studio_status studio_last_status(const studio_ctx *ctx) { return ctx ? ctx->status : STUDIO_E_NOMEM; }

int es_progress(studio_ctx *ctx, const char *stage, float fraction) {
  if (!ctx->cfg.progress) return 0;
  return ctx->cfg.progress(ctx->cfg.progress_user, stage, fraction);
}

const char *studio_status_name(studio_status s) {
  switch (s) {
    case STUDIO_OK: return "ok";
    case STUDIO_E_ARGUMENT: return "invalid argument";
    case STUDIO_E_NOMEM: return "out of memory";
    case STUDIO_E_FORMAT: return "unknown format";
    case STUDIO_E_UNSUPPORTED: return "unsupported";
    case STUDIO_E_CORRUPT: return "corrupt data";
    case STUDIO_E_TOO_LARGE: return "too large";
    case STUDIO_E_CANCELLED: return "cancelled";
    case STUDIO_E_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char *studio_format_name(studio_format f) {
  switch (f) {
    case STUDIO_FORMAT_JPEG: return "JPEG";
    case STUDIO_FORMAT_PNG: return "PNG";
    case STUDIO_FORMAT_BMP: return "BMP";
    default: return "unknown";
  }
}
