/* studio.h - the one public header of the Enhancement Studio core.
 *
 * One entry point per job, every failure a status code plus a sentence the caller can
 * show (studio_error), no globals: all state lives in a studio_ctx. The same functions
 * serve the native CLI, the Node tests and the browser (WASM in a worker).
 *
 *   studio_ctx *ctx = studio_create(NULL);                // defaults: see studio_config
 *   studio_image img;
 *   if (studio_decode(ctx, bytes, len, &img) != STUDIO_OK)
 *       fprintf(stderr, "%s\n", studio_error(ctx));
 *   ...
 *   studio_image_free(&img);
 *   studio_destroy(ctx);
 *
 * Images are 8 bits per channel, interleaved, top row first: 1 = grey, 2 = grey+alpha,
 * 3 = RGB, 4 = RGBA. Alpha is carried through every operation untouched.
 */
#ifndef STUDIO_H
#define STUDIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  STUDIO_OK = 0,
  STUDIO_E_ARGUMENT,     /* the caller passed something invalid (NULL, bad option value) */
  STUDIO_E_NOMEM,        /* an allocation failed */
  STUDIO_E_FORMAT,       /* not an image format we read (wrong magic, empty input) */
  STUDIO_E_UNSUPPORTED,  /* a format variant we recognise and refuse by name (12-bit JPEG...) */
  STUDIO_E_CORRUPT,      /* damaged or truncated data */
  STUDIO_E_TOO_LARGE,    /* over the size limits in studio_config */
  STUDIO_E_CANCELLED,    /* the progress callback asked to stop */
  STUDIO_E_INTERNAL      /* a bug or an unexpected library failure */
} studio_status;

typedef enum { STUDIO_FORMAT_UNKNOWN = 0, STUDIO_FORMAT_JPEG, STUDIO_FORMAT_PNG, STUDIO_FORMAT_BMP } studio_format;

/* Size limits, checked from the file header before any pixel memory is allocated. */
#define STUDIO_DEFAULT_MAX_SIDE 32768      /* pixels, either side; range 1..65535 */
#define STUDIO_DEFAULT_MAX_MEGAPIXELS 64.0 /* width*height/1e6; range 0.000001..268; 64 admits 50-61 MP cameras */

/* Progress: stage is a short English name ("decode", "encode", ...), fraction in 0..1.
 * Return non-zero to cancel; the running call then returns STUDIO_E_CANCELLED. */
typedef int (*studio_progress_fn)(void *user, const char *stage, float fraction);

typedef struct {
  int threads;              /* worker threads for the shared pool; 0 = all cores (default), 1 = none */
  int max_side;             /* 0 = STUDIO_DEFAULT_MAX_SIDE */
  double max_megapixels;    /* 0 = STUDIO_DEFAULT_MAX_MEGAPIXELS */
  studio_progress_fn progress; /* may be NULL */
  void *progress_user;
} studio_config;

typedef struct studio_ctx studio_ctx;

typedef struct {
  int width, height;  /* pixels */
  int channels;       /* 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
  size_t stride;      /* bytes from one row to the next (>= width*channels) */
  uint8_t *pixels;    /* owned; release with studio_image_free */
} studio_image;

typedef struct {
  studio_format format;
  int width, height;              /* as displayed, i.e. after the EXIF orientation */
  int stored_width, stored_height;/* as stored in the file */
  int channels;                   /* what studio_decode will return (1..4) */
  int bit_depth;                  /* per channel in the file: 1,2,4,8,16 (PNG), 8 (JPEG), 1..32 (BMP) */
  int orientation;                /* EXIF orientation 1..8 (1 when absent or undefined) */
  int progressive;                /* JPEG progressive, PNG interlaced */
  const char *color_model;        /* "grey", "RGB", "YCbCr", "CMYK", "YCCK", "palette", ... */
} studio_info;

/* Lifetime. cfg may be NULL for defaults. Returns NULL only when memory is exhausted. */
studio_ctx *studio_create(const studio_config *cfg);
void studio_destroy(studio_ctx *ctx);

/* The sentence describing the last failure on this context ("" after success). */
const char *studio_error(const studio_ctx *ctx);
studio_status studio_last_status(const studio_ctx *ctx);
const char *studio_status_name(studio_status s);
const char *studio_format_name(studio_format f);
int studio_threads(const studio_ctx *ctx); /* threads actually in the pool (>= 1) */

/* Read only the header: format, sizes, orientation. Checks the limits; allocates nothing
 * proportional to the image. */
studio_status studio_probe(studio_ctx *ctx, const uint8_t *data, size_t len, studio_info *info);

/* One line describing a probed file, the same from the CLI, the WASM module and the page:
 * "PNG 768x512, 3 channels, 8-bit RGB" (+ ", orientation 6 (stored 512x768)" etc.).
 * Returns the length written (truncated to fit buf). */
int studio_info_describe(const studio_info *info, char *buf, size_t len);

/* Decode JPEG (baseline, progressive; greyscale, YCbCr, RGB, CMYK and YCCK), PNG (all
 * standard bit depths and colour types, 16-bit reduced to its high byte) or BMP, with the
 * EXIF orientation applied. The file's CRCs and end markers are checked. */
studio_status studio_decode(studio_ctx *ctx, const uint8_t *data, size_t len, studio_image *out);

/* Encode to PNG (alpha kept) or JPEG (quality 1..100; alpha composited over white since
 * JPEG has none; no metadata written). *out is malloc'd; free it with studio_free. */
studio_status studio_encode(studio_ctx *ctx, const studio_image *img, studio_format format, int quality,
                            uint8_t **out, size_t *out_len);

typedef enum { STUDIO_RESIZE_BILINEAR = 0, STUDIO_RESIZE_AREA } studio_resize_filter;
/* Resample to width x height (OpenCV pixel-centre conventions: INTER_LINEAR / INTER_AREA). */
studio_status studio_resize(studio_ctx *ctx, const studio_image *in, int width, int height,
                            studio_resize_filter filter, studio_image *out);

/* FNV-1a 64 of the size and pixels: equal digests mean equal images. Lets the CLI, the
 * WASM module and the tests compare decodes across builds without moving pixels. */
uint64_t studio_image_digest(const studio_image *img);

/* Low-light enhancement. Every field has its range and default beside it; out-of-range
 * values are refused with a message naming the option. studio_enhance_defaults() fills
 * the defaults; a zeroed struct is NOT the defaults. */
typedef struct {
  float strength;       /* 0..1, default 1: overall amount; 0 returns the image unchanged */
  float denoise;        /* -1 = auto (default): from the estimated noise; or 0..1 (0 off, 0.5 = auto's strength, 1 strongest) */
  float local_contrast; /* 0..1, default 0.25: how much CLAHE's result is blended in */
  float clip_limit;     /* 1..8, default 2: CLAHE clip limit, in multiples of a tile's mean bin count */
  int tiles;            /* 2..32, default 8: CLAHE grid, tiles x tiles over the image */
  float sharpen;        /* 0..2, default 0.4: unsharp-mask amount on luminance (noise-level detail is never boosted) */
  float exposure;       /* 0.05..0.5, default 0.18: target log-average luminance (linear light) of a dark scene */
} studio_enhance_options;

void studio_enhance_defaults(studio_enhance_options *opt);

/* Set one option from text, as the CLI and the JS API receive them: name is the field name
 * with '-' or '_' ("local-contrast"), value a number ("auto" for denoise). Range-checked;
 * the error names the option and its range. */
studio_status studio_enhance_set(studio_ctx *ctx, studio_enhance_options *opt, const char *name, const char *value);

/* Brighten a dark photo: exposure and noise analysis, a gain and highlight roll-off in
 * linear light with colour kept, denoising stronger on chroma than luma, CLAHE on
 * luminance, mild sharpening. 1-4 channels; alpha is copied untouched. opt may be NULL. */
studio_status studio_enhance(studio_ctx *ctx, const studio_image *in, const studio_enhance_options *opt, studio_image *out);

/* Colorization (Zhang et al., ECCV 2016). A model is the released weights, read from the
 * Caffe file (`.caffemodel`) or from our converted file (`studio convert`), and checked layer by
 * layer against the network; the 313 ab bin centres come from the file's class8_ab layer or,
 * when that is empty, from pts_in_hull.npy. */
typedef struct studio_model studio_model;
studio_status studio_model_load(studio_ctx *ctx, const uint8_t *model, size_t model_len, const uint8_t *pts_npy, size_t pts_len,
                                studio_model **out);
void studio_model_free(studio_model *m);

typedef struct {
  float vibrance;   /* 0.1..1, default 0.3837 (= 1/2.606, the model's own): the softmax temperature T; lower is bolder */
  float saturation; /* 0..2, default 1: scales ab */
  int size;         /* 8..512, a multiple of 8, default 224: the network's input size */
  int edge_aware;   /* 0 or 1, default 0: enlarge the colour guided by the photo's lightness
                       (joint bilateral) so it stops at edges instead of bleeding across them;
                       0 is plain bilinear, as OpenCV's reference does it */
} studio_colorize_options;
void studio_colorize_defaults(studio_colorize_options *opt);

/* Colour a photo from its lightness: sRGB -> Lab, the image resized to size x size (bilinear)
 * for the network, ab read out at a quarter of that, enlarged (bilinear with OpenCV's pixel
 * centres, or edge-aware) and joined with the full-resolution L, Lab -> sRGB. Grey in, RGB out (alpha kept);
 * a colour image is recoloured from its L. The network's output for the last image is kept
 * with the model, so a second call on the same image with other vibrance or saturation does
 * not run the network again. */
studio_status studio_colorize(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *opt,
                              studio_image *out);

/* How sure the network was of each colour of the last studio_colorize call with this model,
 * at that call's vibrance: *w x *h values (the network's output grid, a quarter of its input
 * size) in 0..1, 1 - the entropy of the 313-way distribution over log(313): 1 = one colour
 * certain, 0 = no idea. Owned by the model, valid until its next call; NULL before any. */
const float *studio_colorize_confidence(const studio_model *m, int *w, int *h);

/* Convert a .caffemodel (with pts_in_hull.npy when its class8_ab is empty) to our model file at
 * precision "f32", "f16" or "int8"; *out is malloc'd (studio_free). */
studio_status studio_model_convert(studio_ctx *ctx, const uint8_t *caffemodel, size_t len, const uint8_t *pts, size_t pts_len,
                                   const char *precision, uint8_t **out, size_t *out_len);

/* Allocate an image (pixels zeroed); checks the context's limits. */
studio_status studio_image_alloc(studio_ctx *ctx, int width, int height, int channels, studio_image *out);
void studio_image_free(studio_image *img);
void studio_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
