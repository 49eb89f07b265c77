/* resample.h - separable resampling on interleaved images (not public).
 *
 * A filter is two weight tables, one per axis: for each output coordinate, the first
 * source index and the weights of the consecutive source samples it reads. Bilinear and
 * area differ only in how the tables are built; one engine applies either. */
#ifndef STUDIO_RESAMPLE_H
#define STUDIO_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <pthreadpool.h>

typedef struct {
  int out_size;
  int taps;        /* weights per output sample (constant along the axis) */
  int *first;      /* [out_size] first source index */
  float *weights;  /* [out_size * taps] */
} es_axis;

/* Build a table for one axis (src_size -> dst_size); 0 on success, -1 when out of memory. */
int es_axis_bilinear(es_axis *ax, int src_size, int dst_size);
int es_axis_area(es_axis *ax, int src_size, int dst_size);  /* enlarging falls back to bilinear */
void es_axis_free(es_axis *ax);

typedef enum { ES_U8, ES_F32 } es_sample_type;

typedef struct {
  const void *src; es_sample_type src_type; size_t src_stride; /* bytes */ int src_w, src_h;
  void *dst; es_sample_type dst_type; size_t dst_stride; /* bytes */
  int channels;
} es_resample_job;

/* Apply the two tables; rows run on the pool. 0 on success, -1 when out of memory.
 * 8-bit output is rounded to nearest and clamped. */
int es_resample(pthreadpool_t pool, const es_resample_job *job, const es_axis *ax_x, const es_axis *ax_y);

#endif
