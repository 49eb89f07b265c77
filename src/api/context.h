/* context.h - the inside of studio_ctx, shared by the core's modules (not public). */
#ifndef STUDIO_CONTEXT_H
#define STUDIO_CONTEXT_H

#include "studio.h"
#include <pthreadpool.h>

struct studio_ctx {
  studio_config cfg;        /* with defaults filled in */
  pthreadpool_t pool;       /* the one thread pool: XNNPACK and our own loops share it */
  studio_status status;     /* of the last call */
  char error[320];          /* its sentence, "" after success */
};

/* Record a failure and return its status, printf-style. */
studio_status es_fail(studio_ctx *ctx, studio_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
studio_status es_ok(studio_ctx *ctx);

/* Report progress; returns non-zero when the caller asked to cancel. */
int es_progress(studio_ctx *ctx, const char *stage, float fraction);

#endif
