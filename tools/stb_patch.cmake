# stb_patch.cmake - a patched copy of Debian's stb_image.h for our build tree.
#
# Debian 12 ships stb_image 2.27, which lacks bounds checks that fuzzing (tests/fuzz,
# `tools/studio fuzz`) shows it needs; upstream added most of them later. Each fix below
# is a literal edit that must apply exactly once, so a different stb_image.h stops the
# build instead of being silently left unpatched. The original header is never modified.
#   in:  STB_INCLUDE (folder of Debian's stb_image.h)   out: ES_STB_PATCHED (folder)
set(ES_STB_PATCHED "${CMAKE_BINARY_DIR}/stb-patched")
file(READ "${STB_INCLUDE}/stb_image.h" stb)

function(es_stb_fix what from to)
  string(FIND "${stb}" "${from}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "stb_image.h: cannot apply fix '${what}' (is ${STB_INCLUDE}/stb_image.h not Debian's 2.27?)")
  endif()
  string(REPLACE "${from}" "${to}" patched "${stb}")
  set(stb "${patched}" PARENT_SCOPE)
endfunction()

# A Huffman code that maps past the symbol table (crafted DHT): read out of bounds.
es_stb_fix("huffman symbol bounds"
  "c = ((j->code_buffer >> (32 - k)) & stbi__bmask[k]) + h->delta[k];\n"
  "c = ((j->code_buffer >> (32 - k)) & stbi__bmask[k]) + h->delta[k];\n   if (c < 0 || c >= 256) return -1; /* es: symbol id out of bounds */\n")

file(WRITE "${ES_STB_PATCHED}/stb_image.h.tmp" "${stb}")
file(COPY_FILE "${ES_STB_PATCHED}/stb_image.h.tmp" "${ES_STB_PATCHED}/stb_image.h" ONLY_IF_DIFFERENT)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${STB_INCLUDE}/stb_image.h" "${CMAKE_CURRENT_LIST_FILE}")
