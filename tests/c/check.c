/* check.c - the harness behind check.h. */
#include "check.h"
#include "../../src/cli/readfile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int check_failures, check_count;

int check_at(int ok, const char *what, const char *file, int line) {
  check_count++;
  if (!ok) { check_failures++; fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what); }
  return ok;
}

int check_fmt(int ok, const char *file, int line, const char *fmt, ...) {
  check_count++;
  if (!ok) {
    va_list ap; va_start(ap, fmt);
    check_failures++; fprintf(stderr, "FAIL %s:%d: ", file, line); vfprintf(stderr, fmt, ap); fputc('\n', stderr);
    va_end(ap);
  }
  return ok;
}

int check_summary(const char *suite) {
  printf("%s: %d checks, %d passed, %d failed\n", suite, check_count, check_count - check_failures, check_failures);
  return check_failures ? 1 : 0;
}

const char *check_shared(const char *sub, char *buf, size_t len) {
  const char *root = getenv("ES_SHARED");
  struct stat st;
  snprintf(buf, len, "%s/%s", root ? root : ES_TEST_SHARED, sub);
  if (stat(buf, &st) != 0) { printf("SKIP: %s not found (../shared is absent)\n", buf); return NULL; }
  return buf;
}

const char *check_models(const char *name, char *buf, size_t len) {
  const char *root = getenv("ES_TEST_MODELS");
  snprintf(buf, len, "%s/%s", root ? root : ES_TEST_MODELS, name);
  return buf;
}

uint8_t *check_read(const char *path, size_t *len) {
  char why[256];
  uint8_t *d = es_read_file(path, len, why, sizeof why);
  if (!d) fprintf(stderr, "cannot read %s: %s\n", path, why);
  return d;
}

int check_ref(const char *name, check_ref_t *ref) {
  const char *root = getenv("ES_REF");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", root ? root : ES_TEST_REF, name);
  return check_ref_file(path, ref);
}

int check_ref_file(const char *path, check_ref_t *ref) {
  size_t len;
  char why[256];
  uint8_t *d = es_read_file(path, &len, why, sizeof why);
  if (!d) { fprintf(stderr, "missing reference %s (%s)\n", path, why); return 0; }
  char kind[8] = {0};
  int skip = 0;
  if (sscanf((const char *)d, "%d %d %d %7s%n", &ref->w, &ref->h, &ref->c, kind, &skip) != 4) { free(d); return 0; }
  ref->is_f32 = kind[0] == 'f';
  size_t n = (size_t)ref->w * ref->h * ref->c * (ref->is_f32 ? 4 : 1);
  if ((size_t)skip + 1 + n != len) { fprintf(stderr, "bad reference %s\n", path); free(d); return 0; }
  ref->data = malloc(n);
  memcpy(ref->data, d + skip + 1, n);
  free(d);
  return 1;
}
