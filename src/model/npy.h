/* npy.h - read a small NumPy .npy array (the ab bin centres, pts_in_hull.npy) as floats.
 * Little-endian f4, f8, i4 and i8, C order, up to 4 dimensions. (Not public.) */
#ifndef STUDIO_NPY_H
#define STUDIO_NPY_H
#include "../api/context.h"
typedef struct { int ndim; int64_t dims[4]; size_t count; float *data; /* owned */ } es_npy;
studio_status es_npy_read(studio_ctx *ctx, const uint8_t *d, size_t len, es_npy *out);
void es_npy_free(es_npy *a);
#endif
