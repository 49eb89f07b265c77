/* parallel.h - the schedule, kept apart from the algorithms: every row loop of ours runs
 * through here on the context's one pthreadpool (which XNNPACK shares). (Not public.) */
#ifndef STUDIO_PARALLEL_H
#define STUDIO_PARALLEL_H

#include <stddef.h>
#include <pthreadpool.h>

/* fn(arg, start, count) for consecutive tiles covering [0, n); tiles run concurrently. */
typedef void (*es_tile_fn)(void *arg, size_t start, size_t count);

static inline void es_parallel_tiles(pthreadpool_t pool, size_t n, size_t tile, es_tile_fn fn, void *arg) {
  if (n == 0) return;
  pthreadpool_parallelize_1d_tile_1d(pool, (pthreadpool_task_1d_tile_1d_t)fn, arg, n, tile ? tile : 1, 0);
}

#endif
