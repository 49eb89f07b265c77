# Included by XNNPACK's own CMakeLists.txt (tools/lib/third_party/xnnpack.sh patches in the
# INCLUDE) after its source lists are set: keeps only the sources named in xnnpack-kept.txt,
# the objects our programs actually link. XNNPACK has ISA switches but no per-operator ones,
# so without this a build compiles ~860 x86 (~530 WASM) microkernels of which we link ~430
# (~140), and every operator, the subgraph runtime and its C++ reference kernels, none of
# which we call. Regenerate the list with tools/xnnpack-kept when the core starts to use
# another XNNPACK operator: a missing entry shows up as an undefined xnn_* symbol at link.
FILE(STRINGS "${CMAKE_CURRENT_LIST_DIR}/xnnpack-kept.txt" ES_XNN_KEPT REGEX "^[^#]")
FUNCTION(ES_XNN_KEEP list)
  SET(kept)
  FOREACH(src ${${list}})
    GET_FILENAME_COMPONENT(name "${src}" NAME)
    IF(name IN_LIST ES_XNN_KEPT)
      LIST(APPEND kept "${src}")
    ENDIF()
  ENDFOREACH()
  # An OBJECT library needs at least one source: keep the list's first when none is used.
  IF(NOT kept)
    LIST(GET ${list} 0 kept)
  ENDIF()
  SET(${list} ${kept} PARENT_SCOPE)
ENDFUNCTION()
FOREACH(list PROD_MICROKERNEL_SRCS TABLE_SRCS OPERATOR_SRCS SUBGRAPH_SRCS REFERENCE_SRCS LOGGING_SRCS XNNPACK_SRCS)
  ES_XNN_KEEP(${list})
ENDFOREACH()
