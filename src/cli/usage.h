/* usage.h - the native CLI's usage text, printed by main.c and by every command (batch.c
 * among them) on a wrong command line. Its own unit, so the commands and the batch runner
 * depend on it and not on main.c (which depends on them). */
#ifndef STUDIO_USAGE_H
#define STUDIO_USAGE_H
#include <stdio.h>
void es_usage(FILE *f);
#endif
