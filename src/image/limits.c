/* limits.c - the size check every decode path runs on header numbers, before allocating. */
#include "formats.h"

studio_status es_check_size(studio_ctx *ctx, long long w, long long h) {
  if (w <= 0 || h <= 0) return es_fail(ctx, STUDIO_E_CORRUPT, "image header gives an empty size (%lldx%lld)", w, h);
  double mp = (double)w * (double)h / 1e6;
  if (mp > ctx->cfg.max_megapixels)
    return es_fail(ctx, STUDIO_E_TOO_LARGE, "image is %lldx%lld = %.0f MP; the limit is %.0f MP", w, h, mp, ctx->cfg.max_megapixels);
  if (w > ctx->cfg.max_side || h > ctx->cfg.max_side)
    return es_fail(ctx, STUDIO_E_TOO_LARGE, "image is %lldx%lld; the limit is %d pixels on either side", w, h, ctx->cfg.max_side);
  return STUDIO_OK;
}
