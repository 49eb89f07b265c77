/* curves.c - the fade's inverse as one 8-bit curve per channel (see fade.h). Computed in
 * double from the sRGB formula, so both builds agree to the rounding of the last level. */
#include "fade.h"

#include <math.h>

static double srgb_to_linear(double v) { return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4); }
static double linear_to_srgb(double v) { return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055; }
static double density(double v) { return -log10(v > 1e-4 ? v : 1e-4); }

void es_fade_curves(const es_fade *f, float strength, float contrast, uint8_t lut[3][256]) {
  const double gain = 1.0 + (double)contrast * (f->gain - 1.0);
  for (int x = 0; x < 256; x++) {
    const double v = srgb_to_linear(x / 255.0), before = density(v);
    for (int c = 0; c < 3; c++) {
      const double restored = (density((v - f->veil) / (1.0 - f->veil)) / f->k[c] - f->white[c] - f->lo) * gain + ES_FADE_DMIN;
      const double dout = before + strength * (restored - before);
      double s = 255.0 * linear_to_srgb(pow(10.0, -dout)) + 0.5;
      lut[c][x] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : s);
    }
  }
}
