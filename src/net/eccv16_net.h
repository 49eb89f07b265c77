/* eccv16_net.h - the ECCV16 colorization network as XNNPACK operators (f32, NHWC), created
 * once per model and input size and run as often as wanted; buffers ping-pong. BatchNorm
 * follows a ReLU, so it cannot fold into the convolution before it; it runs as our own
 * per-channel affine loop on the shared pool. The network's output here is conv8_313's raw
 * logits (56x56x313 at 224): the softmax temperature and the ab readout are the colorizer's,
 * so changing them never reruns the network. (Not public.) */
#ifndef STUDIO_ECCV16_NET_H
#define STUDIO_ECCV16_NET_H

#include "../model/caffe.h"
#include "../model/eccv16.h"

typedef struct es_eccv16_net es_eccv16_net;

/* Build for a size x size input (a multiple of 8, 8..512) from a checked Caffe net, which
 * must outlive the network (its f32 weights are read at every run by the Winograd layers
 * when they transform them as they go instead of keeping 4x their size: winograd.h). int8: the
 * convolutions with many input channels run as XNNPACK's dynamically quantized operators
 * (activations quantized per image on the fly, weights int8 with one scale per output
 * channel); the first convolution (one input channel) stays f32. */
/* How the f32 3x3 stride-1 convolutions run (int8 layers always run XNNPACK's quantized
 * convolution): AUTO, the measured choice per layer (es_eccv16_net_plan); DIRECT, XNNPACK's
 * convolution; WINOGRAD, winograd.h on every such layer with AUTO's tile; F2/F4, Winograd with
 * that tile everywhere (for the benchmark's per-layer measurement). */
typedef enum { ES_CONV_AUTO = 0, ES_CONV_DIRECT, ES_CONV_WINOGRAD, ES_CONV_F2, ES_CONV_F4 } es_conv;

studio_status es_eccv16_net_create(studio_ctx *ctx, const es_caffe_net *caffe, int size, int int8, es_conv conv, es_eccv16_net **out);
/* Layer i's tile under `conv`: 0 = direct, else Winograd's m. */
int es_eccv16_net_plan(const es_eccv16_layer *e, es_conv conv);
/* Bytes of weights (as packed for the operators, transformed for Winograd) and buffers. */
size_t es_eccv16_net_bytes(const es_eccv16_net *net);
void es_eccv16_net_destroy(es_eccv16_net *net);
/* L - 50, size x size floats, in; (size/4)^2 x 313 logits (NHWC) out. */
studio_status es_eccv16_net_run(studio_ctx *ctx, es_eccv16_net *net, const float *l_minus_50, float *logits);
int es_eccv16_net_out_size(const es_eccv16_net *net);

#endif
