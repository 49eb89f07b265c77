/* raster.h - colour hints painted onto the solver's working grid (not public). */
#ifndef STUDIO_HINTS_RASTER_H
#define STUDIO_HINTS_RASTER_H
#include "../api/studio.h"

/* Paint h (placed on a photo of h->width x h->height) onto a ww x hh grid: for every covered
 * cell, fixed[i] = 1 and ab[2i..2i+1] = the hint's a*b* (its full chroma: the output pass
 * fits what the lightness there cannot hold into the gamut). Cells no hint covers are left
 * as they are. A hint smaller than a cell still marks the cell under its centre; a stroke
 * thinner than a cell still leaves an unbroken trail. Strokes first, points over them,
 * later over earlier. Returns the number of cells painted. */
long es_hints_raster(const studio_hints *h, int ww, int hh, uint8_t *fixed, float *ab);

/* The a*b* of an 8-bit sRGB colour. */
void es_hint_ab(const uint8_t rgb[3], float ab[2]);
#endif
