/* output.c - see output.h. */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ext_of(const char *path) {
  const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
  return dot && (!slash || dot > slash) ? dot : "";
}

studio_format es_format_for_path(const char *path) {
  const char *e = ext_of(path);
  if (strcasecmp(e, ".png") == 0) return STUDIO_FORMAT_PNG;
  if (strcasecmp(e, ".jpg") == 0 || strcasecmp(e, ".jpeg") == 0) return STUDIO_FORMAT_JPEG;
  return STUDIO_FORMAT_UNKNOWN;
}

void es_batch_name(const char *in, const char *dir, const char *suffix, studio_format force, char *out, size_t len) {
  const char *base = strrchr(in, '/');
  base = base ? base + 1 : in;
  size_t stem = strlen(base) - strlen(ext_of(base));
  studio_format f = force != STUDIO_FORMAT_UNKNOWN ? force : es_format_for_path(in) == STUDIO_FORMAT_JPEG ? STUDIO_FORMAT_JPEG : STUDIO_FORMAT_PNG;
  snprintf(out, len, "%s/%.*s-%s.%s", dir, (int)stem, base, suffix, f == STUDIO_FORMAT_JPEG ? "jpg" : "png");
}

int es_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int es_write_file_atomic(const char *path, const uint8_t *data, size_t len, char *why, size_t why_len) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) { snprintf(why, why_len, "cannot write %s: %s", path, strerror(errno)); return -1; }
  int ok = fwrite(data, 1, len, f) == len;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    snprintf(why, why_len, "cannot write %s: %s", path, strerror(errno));
    remove(tmp);
    return -1;
  }
  return 0;
}
