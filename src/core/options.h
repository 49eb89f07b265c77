/* options.h - a job's options set by name from text, as the CLI and the JS API give them,
 * range-checked with a message naming the option: one setter for every job (enhance,
 * restore, ...), each job supplying its table of fields and its check. (Not public.) */
#ifndef STUDIO_OPTIONS_H
#define STUDIO_OPTIONS_H

#include <stddef.h>
#include "../api/studio.h"

typedef struct {
  const char *name;  /* the field's name with '_' ("local_contrast"; '-' is accepted for it) */
  size_t offset;     /* offsetof(options, field) */
  int is_int;        /* an int field (else float) */
  int has_auto;      /* takes "auto", stored as -1 */
} es_option_field;

typedef struct {
  const char *job;               /* "enhance": in messages */
  const es_option_field *fields;
  size_t n_fields, size;         /* fields; sizeof the options struct (at most 256 bytes) */
  const char *names;             /* the list shown for an unknown name: "strength, denoise, ..." */
  studio_status (*check)(studio_ctx *ctx, const void *opt); /* every range, naming the first bad one */
} es_option_table;

studio_status es_options_set(studio_ctx *ctx, const es_option_table *t, void *opt, const char *name, const char *value);

/* In a job's check: fail unless lo <= o->field <= hi, naming the job and the option. */
#define ES_RANGE(ctx, job, o, field, lo, hi)                                                                     \
  if (!((o)->field >= (lo) && (o)->field <= (hi)))                                                               \
    return es_fail(ctx, STUDIO_E_ARGUMENT, job " option %s must be in %g..%g, not %g", #field, (double)(lo),   \
                   (double)(hi), (double)(o)->field);

#endif
