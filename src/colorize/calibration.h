/* calibration.h - the fixed grey images an int8 conversion is proven on, made by code (no data
 * files): natural-image statistics without natural images. Photos have a roughly 1/f
 * amplitude spectrum, occluding objects with sharp edges and sizes spread over every scale,
 * and smooth shading; the set has each of these alone and mixed:
 *   0  1/f noise (octaves of smooth value noise, amplitude halving as frequency doubles)
 *   1  "dead leaves": discs of random grey, radii distributed as 1/r^3 (scale invariant)
 *   2  dead leaves over a gradient, with 1/f texture inside them
 *   3  gradients and hard edges: a ramp crossed by straight boundaries, light 1/f grain
 * Deterministic: the same values on every build (one integer generator, float arithmetic
 * without library calls but sqrt). (Not public.) */
#ifndef STUDIO_CALIBRATION_H
#define STUDIO_CALIBRATION_H

#define ES_CALIBRATION_IMAGES 4

/* size x size lightness values in 0..100, the network's L, into l. */
void es_calibration_image(int index, int size, float *l);

#endif
