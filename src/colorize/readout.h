/* readout.h - from the network's 313-way logits to ab: the annealed mean (a softmax at
 * temperature T over the quantised ab bins, then the expected bin centre), and a per-pixel
 * confidence. Reads cached logits, so vibrance and saturation changes never rerun the
 * network. (Not public.) */
#ifndef STUDIO_READOUT_H
#define STUDIO_READOUT_H
#include <stddef.h>

#define ES_AB_BINS 313

/* logits: n pixels x 313 (NHWC). inv_t: 1/T (the model's 2.606 at T = 0.38). bins: 313 x 2
 * centres. ab: n x 2 out, scaled by saturation. entropy (may be NULL): n values in 0..1, the
 * distribution's entropy over log(313): 0 = certain, 1 = no idea. */
void es_ab_readout(const float *logits, size_t n, float inv_t, const float *bins, float saturation, float *ab, float *entropy);
#endif
