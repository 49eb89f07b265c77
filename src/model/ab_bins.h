/* ab_bins.h - the 313 ab bin centres the ECCV16 network's output classes stand for, built in so
 * that the released caffemodel is the only file a user needs. (Not public.) */
#ifndef STUDIO_AB_BINS_H
#define STUDIO_AB_BINS_H
#include <stdint.h>

/* (a, b) in CIE Lab units, in the order of the network's 313 classes (conv8_313's channels),
 * which is pts_in_hull.npy's row order. */
extern const int16_t es_ab_bins[313][2];

#endif
