/* main.c - the native command line: `studio-cli COMMAND ...` (tools/studio wraps it).
 *
 *   studio-cli info [--digest] FILE...          describe each file (and a checksum of its pixels)
 *   studio-cli enhance IN OUT [options]          brighten a dark photo
 *   studio-cli enhance IN... -o DIR [options]    ... a batch, as DIR/NAME-enhanced.EXT
 *   studio-cli restore IN OUT [options]          bring a faded colour print's colours back (or IN... -o DIR)
 *   studio-cli repair IN OUT [--mask M]          heal dust and scratches, found or given (or IN... -o DIR)
 *   studio-cli colorize IN OUT --model FILE      colour a black-and-white photo (or IN... -o DIR)
 *   studio-cli colorize IN OUT --hints H.json    ... from colour hints (with or without a model)
 *   studio-cli convert IN.caffemodel OUT         the colorization model in our own file format
 *
 * Build: cmake -S . -B build/native && cmake --build build/native (tools/studio does it).
 * Exit codes: 0 all files fine, 1 at least one file failed, 2 usage. */
#include "commands.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) { es_usage(argc < 2 ? stderr : stdout); return argc < 2 ? 2 : 0; }
  const char *cmd = argv[1];
  if (strcmp(cmd, "info") == 0) return es_cmd_info(argc - 2, argv + 2);
  if (strcmp(cmd, "enhance") == 0) return es_cmd_enhance(argc - 2, argv + 2);
  if (strcmp(cmd, "restore") == 0) return es_cmd_restore(argc - 2, argv + 2);
  if (strcmp(cmd, "repair") == 0) return es_cmd_repair(argc - 2, argv + 2);
  if (strcmp(cmd, "colorize") == 0) return es_cmd_colorize(argc - 2, argv + 2);
  if (strcmp(cmd, "convert") == 0) return es_cmd_convert(argc - 2, argv + 2);
  fprintf(stderr, "studio: unknown command '%s'\n", cmd);
  es_usage(stderr);
  return 2;
}
