/* readout.c - see readout.h. */
#include "readout.h"

#include <math.h>

void es_ab_readout(const float *logits, size_t n, float inv_t, const float *bins, float saturation, float *ab, float *entropy) {
  const float log_bins = logf((float)ES_AB_BINS);
  for (size_t p = 0; p < n; p++) {
    const float *z = logits + p * ES_AB_BINS;
    float mx = z[0];
    for (int i = 1; i < ES_AB_BINS; i++) mx = z[i] > mx ? z[i] : mx;
    float sum = 0.f, a = 0.f, b = 0.f, ez = 0.f;
    for (int i = 0; i < ES_AB_BINS; i++) {
      float s = (z[i] - mx) * inv_t, e = expf(s); /* shifted by the max: no overflow */
      sum += e; a += e * bins[2 * i]; b += e * bins[2 * i + 1]; ez += e * s;
    }
    ab[2 * p] = saturation * a / sum;
    ab[2 * p + 1] = saturation * b / sum;
    /* H = log(sum) - E[s] for p = e^s / sum */
    if (entropy) entropy[p] = (logf(sum) - ez / sum) / log_bins;
  }
}
