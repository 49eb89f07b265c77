/* output.h - where results go: names for batch output, refusing to overwrite an input, and
 * writes that land whole or not at all. (Native front end.) */
#ifndef STUDIO_OUTPUT_H
#define STUDIO_OUTPUT_H
#include "../api/studio.h"
#include <stddef.h>

/* The format an output path asks for by its extension (.png, .jpg, .jpeg), or UNKNOWN. */
studio_format es_format_for_path(const char *path);
/* DIR/NAME-SUFFIX.EXT for input IN: EXT follows the input (JPEG stays JPEG, the rest PNG)
 * unless force is PNG or JPEG. */
void es_batch_name(const char *in, const char *dir, const char *suffix, studio_format force, char *out, size_t len);
/* 1 when a and b are the same existing file. */
int es_same_file(const char *a, const char *b);
/* Write via a temporary file in the same folder and rename; 0 or -1 with why. */
int es_write_file_atomic(const char *path, const uint8_t *data, size_t len, char *why, size_t why_len);
#endif
