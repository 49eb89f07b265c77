/* check.h - a minimal test harness: CHECK records a failure with its line and goes on;
 * main() returns check_summary(). Fixtures are made by the tests themselves. */
#ifndef STUDIO_CHECK_H
#define STUDIO_CHECK_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

extern int check_failures, check_count;
#define CHECK(cond) check_at((cond), #cond, __FILE__, __LINE__)
#define CHECKF(cond, ...) check_fmt((cond), __FILE__, __LINE__, __VA_ARGS__)
int check_at(int ok, const char *what, const char *file, int line);
int check_fmt(int ok, const char *file, int line, const char *fmt, ...);
int check_summary(const char *suite);

/* ../shared/<sub> if present, else NULL after printing why the caller skips. */
const char *check_shared(const char *sub, char *buf, size_t len);
/* <models>/<name>: the synthetic models and OpenCV's outputs on them (tools/studio test writes
 * them, with or without ../shared), from $ES_TEST_MODELS or the build's default. */
const char *check_models(const char *name, char *buf, size_t len);
/* Whole file (malloc'd) or NULL. */
uint8_t *check_read(const char *path, size_t *len);

/* A reference written by tests/ref/make_refs.py ("W H C u8|f32\n" + samples), from
 * $ES_REF/<name>; NULL (after printing why) when missing. Data is malloc'd. */
typedef struct { int w, h, c, is_f32; void *data; } check_ref_t;
int check_ref(const char *name, check_ref_t *ref);
int check_ref_file(const char *path, check_ref_t *ref); /* the same, from a full path */
#endif
