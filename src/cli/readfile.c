/* readfile.c - read a whole file, with a reason a user can act on when it fails. */
#include "readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

uint8_t *es_read_file(const char *path, size_t *len, char *why, size_t why_len) {
  struct stat st;
  if (stat(path, &st) != 0) { snprintf(why, why_len, "cannot open: %s", strerror(errno)); return NULL; }
  if (S_ISDIR(st.st_mode)) { snprintf(why, why_len, "is a directory, not an image file"); return NULL; }
  FILE *f = fopen(path, "rb");
  if (!f) { snprintf(why, why_len, "cannot open: %s", strerror(errno)); return NULL; }
  size_t cap = st.st_size > 0 ? (size_t)st.st_size : 0, n = 0;
  uint8_t *buf = malloc(cap + 1);
  if (!buf) { fclose(f); snprintf(why, why_len, "out of memory reading %zu bytes", cap); return NULL; }
  for (;;) {
    n += fread(buf + n, 1, cap + 1 - n, f);
    if (n <= cap) break;          /* EOF where stat said, or earlier */
    uint8_t *more = realloc(buf, cap * 2 + 4096);  /* the file grew, or stat could not tell */
    if (!more) { free(buf); fclose(f); snprintf(why, why_len, "out of memory"); return NULL; }
    buf = more; cap = cap * 2 + 4095;
  }
  if (ferror(f)) { free(buf); fclose(f); snprintf(why, why_len, "read error: %s", strerror(errno)); return NULL; }
  fclose(f);
  *len = n;
  return buf;
}
