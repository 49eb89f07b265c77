/* readfile.h - whole-file reading for the native front ends. */
#ifndef STUDIO_READFILE_H
#define STUDIO_READFILE_H
#include <stddef.h>
#include <stdint.h>
/* malloc'd contents (len may be 0), or NULL with the reason in why. Never modifies the file. */
uint8_t *es_read_file(const char *path, size_t *len, char *why, size_t why_len);
#endif
