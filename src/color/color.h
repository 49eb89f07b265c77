/* color.h - colour science in float, following OpenCV's float conventions so the
 * colorizer's pre/post-processing can be checked against cv2.cvtColor:
 *   sRGB components in 0..1 (inputs are clamped), D65 white,
 *   Lab: L 0..100, a and b unbounded (about -128..127 for sRGB colours),
 *   HSV: H in degrees 0..360, S and V in 0..1.
 * Pixels are interleaved triplets; n counts pixels. (Not public.) */
#ifndef STUDIO_COLOR_H
#define STUDIO_COLOR_H

#include <stddef.h>

float es_srgb_to_linear(float v); /* IEC 61966-2-1 transfer function, v in 0..1 */
float es_linear_to_srgb(float v);

void es_rgb_to_lab(const float *rgb, float *lab, size_t n);
void es_lab_to_rgb(const float *lab, float *rgb, size_t n);
void es_rgb_to_hsv(const float *rgb, float *hsv, size_t n);
void es_hsv_to_rgb(const float *hsv, float *rgb, size_t n);

#endif
