/* commands.h - the native CLI's commands (one file each), which main.c dispatches to. */
#ifndef STUDIO_COMMANDS_H
#define STUDIO_COMMANDS_H
#include "../api/studio.h"
int es_cmd_info(int argc, char **argv);
int es_cmd_enhance(int argc, char **argv);
int es_cmd_restore(int argc, char **argv);
int es_cmd_repair(int argc, char **argv);
int es_cmd_colorize(int argc, char **argv);
int es_cmd_convert(int argc, char **argv);
#endif
