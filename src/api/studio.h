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
  float local_contrast; /* 0..1, default 0.25: how much CLAHE's result is blended in on a very dark photo (it eases
                           in between 1.5 and 2.5 stops of brightening: a photo a little dark gets a black point instead) */
  float clip_limit;     /* 1..8, default 2: CLAHE clip limit, in multiples of a tile's mean bin count */
  int tiles;            /* 2..32, default 8: CLAHE grid, tiles x tiles over the image */
  float sharpen;        /* 0..2, default 0.4: unsharp-mask amount on luminance (noise-level detail is never boosted) */
  float exposure;       /* 0.05..0.5, default 0.18: target log-average luminance (linear light) of a dark scene */
  float shadows;        /* -1 = auto (default), or 0..1: local exposure, how far dark regions of a backlit or
                           unevenly lit photo are lifted toward a normal level (0 = one gain for the whole
                           photo, as before; 1 = the most); regions at the noise floor (a night sky) stay.
                           Auto: a photo that is dark overall, or backlit (its dark regions far under the
                           bright ones), takes the most; a well-exposed or evenly lit one none */
  float highlights;     /* 0..1, default 0: how much bright regions (sky, lamps) are held back, in stops, a
                           share of how far they stand above a bright level */
} studio_enhance_options;

void studio_enhance_defaults(studio_enhance_options *opt);

/* Set one option from text, as the CLI and the JS API receive them: name is the field name
 * with '-' or '_' ("local-contrast"), value a number ("auto" for denoise). Range-checked;
 * the error names the option and its range. */
studio_status studio_enhance_set(studio_ctx *ctx, studio_enhance_options *opt, const char *name, const char *value);

/* Brighten a dark photo: exposure and noise analysis; the camera's colour cast at black taken
 * off (and, on a photo a little dark, a black point set); a gain and highlight roll-off in
 * linear light with colour kept; denoising stronger on chroma than luma, colour edges that
 * luma shares kept; local exposure for backlit photos; CLAHE on very dark ones; vibrance for
 * the chroma a dark capture loses; mild sharpening. 1-4 channels; alpha is copied untouched.
 * opt may be NULL. */
studio_status studio_enhance(studio_ctx *ctx, const studio_image *in, const studio_enhance_options *opt, studio_image *out);

/* Faded colour prints restored. A print's three dyes fade at their own rates (cyan first in
 * most prints before the mid-1980s), its base yellows and its blacks lift. In optical
 * density (D = -log10 of linear light) each dye's density is scaled by its own retention
 * and the stain adds a density: the fade is estimated from the photo itself and inverted
 * there (src/restore/README.md). Auto strength is 0 for a photo with no sign of a fade and
 * for a monochrome print (grey, sepia or another toning: nothing to restore; colorize it). */
typedef struct {
  float strength;   /* -1 = auto (default): from how sure the estimate is that the photo is a faded
                       colour print (0 for an unfaded photo or a toned monochrome print); or 0..1,
                       0 returns the image unchanged, 1 the whole estimated fade inverted */
  float contrast;   /* 0..1, default 1: how much of the lost density range is given back (0 keeps
                       the print's black and white levels, only its colour balance is restored) */
} studio_restore_options;
void studio_restore_defaults(studio_restore_options *opt);
/* Set one option from text ("strength", "auto" or a number; "contrast"), range-checked; the
 * error names the option and its range. */
studio_status studio_restore_set(studio_ctx *ctx, studio_restore_options *opt, const char *name, const char *value);

/* What the analysis of a photo found. Densities are relative to the green (magenta dye) layer. */
typedef struct {
  float retention[3]; /* each channel's density range against green's: < 1 that dye faded more (red:
                         the cyan dye, typically 0.5-0.9 on a faded print), 1 for green */
  float stain[3];     /* density added to each channel's whites against green's (a yellow stain: blue > 0) */
  float veil;         /* linear light lifting every channel's blacks, 0..1 */
  float gain;         /* the density range restored, as a factor (>= 1) */
  float evidence;     /* how far the photo lies from unfaded photos (0 typical of one; > 2.8 a fade) */
  float colour;       /* 0..1: 0 a monochrome print (grey or toned), 1 a colour photo */
  float strength;     /* what auto applies, 0..1 */
} studio_fade_report;

/* The analysis alone: cheap (a 384-pixel copy of the photo), for a queue to suggest the mode. */
studio_status studio_restore_analyze(studio_ctx *ctx, const studio_image *in, studio_fade_report *out);
/* Restore a faded colour print: per-channel curves in density (veil off, each dye's loss and the
 * stain inverted, the density range given back), the original's size and alpha. opt may be
 * NULL (defaults); report may be NULL, else receives the analysis used. Grey in, grey out
 * unchanged (a monochrome image has no dye balance to restore). */
studio_status studio_restore(studio_ctx *ctx, const studio_image *in, const studio_restore_options *opt, studio_image *out,
                             studio_fade_report *report);

/* Dust, scratches and cracks repaired (src/repair/README.md). A mask is an image the photo's
 * size, 1 channel (grey), or RGB / RGBA (a pixel counts as damaged when any colour channel is
 * non-zero; alpha is ignored): non-zero = damaged. Grey+alpha masks and masks of another
 * size are refused with a message naming both sizes. */
typedef struct {
  float sensitivity; /* 0..1, default 0.5: how much detection flags. Its threshold, 9 robust sigmas of
                        the local texture at 0, 3 at 0.5, 1 at 1, never under 40 levels of contrast
                        (20 at 1), and the probability of being damage a defect needs (0.97 at 0, 0.6
                        at 0.5, 0.35 at 1): higher finds fainter and shorter defects, and more false
                        alarms (src/repair/README.md) */
  int radius;        /* 2..12, default 5: the fill's reach in pixels (Telea's epsilon) */
  int grow;          /* 0..3, default 1: pixels added around each detected defect before healing
                        (a scan's defect has soft edges); a given mask is healed as it is */
} studio_repair_options;
void studio_repair_defaults(studio_repair_options *opt);
/* Set one option from text ("sensitivity", "radius", "grow"), range-checked; the error names
 * the option and its range. */
studio_status studio_repair_set(studio_ctx *ctx, studio_repair_options *opt, const char *name, const char *value);

/* Heal the pixels the mask marks: fast marching with coherence transport (each pixel a mean of
 * the known ones within `radius`, weighted along the isophotes around it), only in tiles that
 * hold mask pixels. Pixels outside the mask are returned byte for byte; alpha is copied; grey
 * works. opt may be NULL. */
studio_status studio_repair_heal(studio_ctx *ctx, const studio_image *in, const studio_image *mask, const studio_repair_options *opt,
                                 studio_image *out);
/* Whether mask can be healed on a photo of width x height: STUDIO_OK, or the refusal the heal
 * would give (its size, its channels), with the same sentence. */
studio_status studio_repair_check_mask(studio_ctx *ctx, int width, int height, const studio_image *mask);
/* The heal works in tiles of *tile px; a tile's healed pixels depend only on the photo and the
 * mask within *margin px of it, so a region can be healed again alone (the page's brush), as
 * long as the mask has no wide hole: a *wide x *wide square of mask anywhere makes it a
 * patch-based fill whose sources reach in proportion to the hole's size (then heal the whole
 * photo). Any pointer may be NULL. */
void studio_repair_reach(int *tile, int *margin, int *wide);
/* Find likely defects (thin dark or bright lines, specks, hairs, cracks that stand out from
 * their surroundings beyond the photo's own texture): mask_out is 1 channel the photo's size,
 * 255 = defect (grown by opt->grow), 0 elsewhere. opt may be NULL. */
studio_status studio_repair_detect(studio_ctx *ctx, const studio_image *in, const studio_repair_options *opt, studio_image *mask_out);
/* Detect (unless mask is given: then exactly that mask is healed) and heal. mask_used may be
 * NULL, else receives the mask that was healed (1 channel, 255 = healed). */
studio_status studio_repair(studio_ctx *ctx, const studio_image *in, const studio_repair_options *opt, const studio_image *mask,
                            studio_image *out, studio_image *mask_used);

/* Colorization (Zhang et al., ECCV 2016). A model is the released weights, read from the
 * Caffe file (`.caffemodel`) or from our converted file (`studio convert`), and checked layer by
 * layer against the network; the 313 ab bin centres come from the file's class8_ab layer or,
 * by default the built-in table of the authors' pts_in_hull.npy (a .npy given explicitly overrides it). */
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
  int conv;         /* how the network's 3x3 convolutions run: STUDIO_CONV_AUTO (default: Winograd
                       where it was measured faster, with the tile measured best), _DIRECT (XNNPACK's
                       convolution), _WINOGRAD (every 3x3 stride-1 layer); same colours within 1e-3
                       of the logits. int8 models run their quantized layers directly whatever this says */
} studio_colorize_options;
enum { STUDIO_CONV_AUTO = 0, STUDIO_CONV_DIRECT = 1, STUDIO_CONV_WINOGRAD = 2 };
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

/* ---- Colour hints: the user's colours, propagated along the photo's own lightness ----
 *
 * A hint is a point (a (2r+1)^2 square) or a stroke (a polyline with a width), each with an
 * sRGB colour. The photo keeps its lightness L; a hint sets the target a*b* of the pixels it
 * covers to its colour's, chroma clipped into the sRGB gamut at each pixel's L. The colours
 * spread from the hints to the rest of the photo by minimising differences between
 * neighbours of similar lightness (Levin, Lischinski and Weiss, SIGGRAPH 2004, with hinted
 * pixels fixed), solved at a working resolution by BiCGSTAB preconditioned with
 * an edge-aware multigrid, then enlarged guided by the full-resolution L. With a model the
 * network's colours are the starting point and the solve propagates the hints' corrections
 * to them, held back where the network is confident, in proportion to `trust`.
 * Strokes are painted first and points over them; later hints over earlier ones. */
typedef struct {
  float x, y;       /* centre, in pixels of the photo as displayed; 0 <= x < width, 0 <= y < height */
  int r;            /* 0..256: the hint covers the (2r+1) x (2r+1) square around the centre */
  uint8_t rgb[3];   /* its colour (sRGB); only the chroma is used */
} studio_hint_point;

typedef struct {
  uint8_t rgb[3];   /* its colour (sRGB); only the chroma is used */
  float width;      /* 1..1024 pixels: the brush's diameter */
  int n;            /* 1..100000 points in path (one point is a round dab) */
  float *path;      /* n x (x, y), each inside the photo like a point's centre */
} studio_hint_stroke;

typedef struct {
  int width, height;             /* the photo the hints were placed on (must match it) */
  int n_points, n_strokes;
  studio_hint_point *points;     /* owned (studio_hints_free) when made by studio_hints_parse */
  studio_hint_stroke *strokes;
} studio_hints;

/* Read the hints file: JSON {"width": W, "height": H, "points": [{"x": X, "y": Y, "r": R,
 * "rgb": [R, G, B]}, ...], "strokes": [{"rgb": [R, G, B], "width": PX, "path": [[X, Y], ...]},
 * ...]} ("strokes" and "points" optional). Every value is checked; the message names the
 * hint by its list and index ("points[3]: x 5000 is outside the 4000x3000 photo"). */
studio_status studio_hints_parse(studio_ctx *ctx, const char *json, size_t len, studio_hints *out);
/* The same checks on hints made in code, against a photo of width x height (a different size
 * is refused with both sizes in the message). */
studio_status studio_hints_check(studio_ctx *ctx, const studio_hints *h, int width, int height);
/* The hints file for h (malloc'd, NUL-terminated; studio_free). */
studio_status studio_hints_write(studio_ctx *ctx, const studio_hints *h, char **json, size_t *len);
void studio_hints_free(studio_hints *h);

typedef struct {
  float trust;          /* 0..1, default 0.5: with a model, how firmly the network's colours hold
                           where it is confident: 0 lets a hint's correction spread as far as the
                           photo's edges allow, 1 confines it to the hinted pixels */
  float work_megapixels;/* 0.01..16, default 0.15: the solve's resolution (the photo is shrunk to at
                           most this; smaller photos are solved at their own size). Colour is
                           smooth between edges and the enlargement follows the photo's own
                           edges, so 474x316 cells serve a 12 MP photo (the network's own grid
                           is 56x56); cost per hint grows with it (0.25 MP: 1.7x) */
  float tolerance;      /* 1e-6..1, default 0.002: the solve for a result stops when its estimated
                           error (the preconditioned residual, RMS, a*b* units) is under this;
                           the estimate reads low for the smoothest errors, hence the margin:
                           at 0.002 results are within about 2 levels of a full solve */
  float preview_tolerance; /* 1e-6..1, default 0.05: the same for studio_hints_update's live
                           preview (on Kodak at 12 MP within 3 levels of the result on average,
                           9 at the 99th percentile); studio_hints_render carries on to
                           `tolerance` from there */
} studio_hint_options;
void studio_hint_defaults(studio_hint_options *o);

/* An interactive hints session on one photo: the lightness, the edge weights and the
 * multigrid hierarchy are built once; each studio_hints_update re-rasterises the hints and
 * warm-starts the solve from the previous solution, so adding one hint is cheap.
 * m may be NULL (hints alone). The photo must stay valid until studio_hints_end. With a
 * model, the network runs (or its cached output is reused) here, with copt (may be NULL). */
typedef struct studio_hint_session studio_hint_session;
studio_status studio_hints_begin(studio_ctx *ctx, studio_model *m, const studio_image *photo, const studio_colorize_options *copt,
                                 const studio_hint_options *hopt, studio_hint_session **out);
/* Replace the session's hints (checked against the photo) and solve to the preview's
 * tolerance, warm-started from the last answer. Zero hints is allowed: with a model the
 * result is then plain colorize; without one it is grey. */
studio_status studio_hints_update(studio_ctx *ctx, studio_hint_session *s, const studio_hints *h);
/* The current result at the working resolution (RGB, alpha kept): the live preview. */
studio_status studio_hints_preview(studio_ctx *ctx, studio_hint_session *s, studio_image *out);
/* The result at the photo's full resolution (the solve carried on to `tolerance` first). */
studio_status studio_hints_render(studio_ctx *ctx, studio_hint_session *s, studio_image *out);
/* Working size, and the last solve's BiCGSTAB iterations and estimated error. */
void studio_hints_stats(const studio_hint_session *s, int *work_w, int *work_h, int *iterations, float *error);
void studio_hints_end(studio_hint_session *s);

/* One call: begin, update, render, end. m may be NULL; with a model and no hints the result
 * is exactly studio_colorize's. */
studio_status studio_colorize_hints(studio_ctx *ctx, studio_model *m, const studio_image *in, const studio_colorize_options *copt,
                                    const studio_hints *hints, const studio_hint_options *hopt, studio_image *out);

/* The network's most likely colours at (x, y) of the last image colorized with m (pixels of
 * that image): up to `max` sRGB colours at the pixel's lightness, from the 313-way
 * distribution at that cell (at the last call's vibrance), bins closer than 12 a*b* units
 * merged, most likely first. rgb: max x 3; prob: max (may be NULL). Returns how many were
 * written (0 before any colorize). */
int studio_colorize_suggest(const studio_model *m, float x, float y, int max, uint8_t *rgb, float *prob);

/* What a conversion wrote. int8 is only kept where it is proven: the int8 network and the f32
 * one are run on a fixed set of generated grey images (1/f textures, occluding discs,
 * gradients and edges) and their colours compared; when the 99th percentile of |delta ab|
 * exceeds the bound (2.0 a*b* units) the file is written in f16 instead (f32 arithmetic,
 * colours within 0.02 of f32), and the report says so. */
typedef struct {
  char precision[8];  /* written: "f32", "f16" or "int8" */
  int int8_checked;   /* int8 was asked for: the figures below are set */
  int int8_refused;   /* ...and was refused: precision is "f16" */
  float p99, max;     /* |delta ab| of int8 against f32 on the check images: 99th percentile, max */
  float bound;        /* the bound p99 had to keep to */
} studio_convert_report;

/* Convert a .caffemodel (pts: an optional .npy overriding the built-in bin centres) to our model file at
 * precision "f32", "f16" or "int8" (checked, see above); *out is malloc'd (studio_free). report may be NULL. */
studio_status studio_model_convert(studio_ctx *ctx, const uint8_t *caffemodel, size_t len, const uint8_t *pts, size_t pts_len,
                                   const char *precision, uint8_t **out, size_t *out_len, studio_convert_report *report);

/* Allocate an image (pixels zeroed); checks the context's limits. */
studio_status studio_image_alloc(studio_ctx *ctx, int width, int height, int channels, studio_image *out);
void studio_image_free(studio_image *img);
void studio_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
