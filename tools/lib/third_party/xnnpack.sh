# XNNPACK (the network's convolutions) and what it needs: pthreadpool, cpuinfo, fxdiv.
# Built with XNNPACK's CMake, trimmed to the sources we link (xnnpack-trim.cmake); set
# ES_XNNPACK_FULL=1 for the whole library (tools/xnnpack-kept needs that to remake the list).
TP_PINS+=(
  "xnnpack     0.0~git20241108.4ea82e5 90bde2caef0f880f627bab0dc805a86c4b8070cd98e3243db3046ab3f3be1a99 xz"
  "pthreadpool 0.0~git20251020.0e6ca13 7a385b6585abe8f8658952c50b44a1dabe200de2c88eabe65d15168b8a82295c xz"
  "cpuinfo     0.0~git20250905.877328f 557ca404a3836b9f335a3a06b65ff9fe9dbaaefab7fb5c0185f53d9f33615a10 xz"
  "fxdiv       0.0~git20200417.b408327 7953482badaf4cb34026c3487c257b8e4ab2df061c019bd6fabbbc12ad52c44b xz"
)
TP_COMPONENTS+=(xnnpack)
TP_SOURCES_xnnpack="xnnpack pthreadpool cpuinfo fxdiv"
TP_FILES_xnnpack="xnnpack-trim.cmake xnnpack-kept.txt"
tp_variant_xnnpack() { [ -z "${ES_XNNPACK_FULL:-}" ] || echo full; }

tp_build_xnnpack() {
  local target=$1 src=$2 work=$3 prefix=$4 flags=$5
  local cmake=(cmake) targets=(XNNPACK microkernels-prod pthreadpool) options=(
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags"
    -DXNNPACK_USE_SYSTEM_LIBS=OFF -DXNNPACK_LIBRARY_TYPE=static -DXNNPACK_BUILD_TESTS=OFF
    -DXNNPACK_BUILD_BENCHMARKS=OFF -DXNNPACK_BUILD_ALL_MICROKERNELS=OFF -DXNNPACK_ENABLE_ASSEMBLY=OFF
    -DXNNPACK_ENABLE_SPARSE=OFF -DXNNPACK_ENABLE_KLEIDIAI=OFF
    -DPTHREADPOOL_SOURCE_DIR="$src/pthreadpool" -DCPUINFO_SOURCE_DIR="$src/cpuinfo"
    -DFXDIV_SOURCE_DIR="$src/fxdiv" -DPTHREADPOOL_LIBRARY_TYPE=static -DCPUINFO_LIBRARY_TYPE=static
    -DCPUINFO_BUILD_TOOLS=OFF -DCPUINFO_BUILD_UNIT_TESTS=OFF -DCPUINFO_BUILD_MOCK_TESTS=OFF -DCPUINFO_BUILD_BENCHMARKS=OFF)
  if [ "$target" = native ]; then targets+=(cpuinfo); else tp_xnnpack_patch_wasm "$src"; cmake=(emcmake cmake); fi
  if [ -z "${ES_XNNPACK_FULL:-}" ]; then
    cp "$TP_DIR/xnnpack-trim.cmake" "$TP_DIR/xnnpack-kept.txt" "$src/xnnpack/cmake/"
    tp_edit "$src/xnnpack/CMakeLists.txt" "trim to the sources we link" \
      's|^ADD_LIBRARY(xnnpack-base INTERFACE)$|INCLUDE(cmake/xnnpack-trim.cmake)\n&|' 'INCLUDE(cmake/xnnpack-trim.cmake)'
  else
    touch "$prefix/UNTRIMMED"
  fi
  "${cmake[@]}" -S "$src/xnnpack" -B "$work/build" "${options[@]}" >"$work/configure.log" 2>&1 \
    || die "configuring XNNPACK ($target) failed; see $work/configure.log"
  cmake --build "$work/build" -j "$ES_JOBS" --target "${targets[@]}" >"$work/build.log" 2>&1 \
    || die "building XNNPACK ($target) failed; see $work/build.log"
  find "$work/build" -name '*.a' \( -name 'libXNNPACK.a' -o -name 'libmicrokernels-prod.a' -o -name 'libpthreadpool.a' -o -name 'libcpuinfo.a' \) \
    -exec cp {} "$prefix/lib/" \;
  cp "$src/xnnpack/include/xnnpack.h" "$src/xnnpack/include/experiments-config.h" "$src/pthreadpool/include/pthreadpool.h" "$prefix/include/"
}

# Patches for the WASM builds only; the native build uses the tarballs as they are.
tp_xnnpack_patch_wasm() {
  local src=$1 f
  # 1. Emscripten is a system XNNPACK does not know; its toolchain reports an x86 processor,
  #    so name the processor wasm ourselves and add the production wasm + wasmsimd kernels.
  tp_edit "$src/xnnpack/CMakeLists.txt" "accept Emscripten" \
    's/\^(Android|Darwin|iOS|Linux|Windows|CYGWIN|MSYS|QURT)\$/^(Android|Darwin|iOS|Linux|Windows|CYGWIN|MSYS|QURT|Emscripten)$/' 'QURT|Emscripten'
  tp_edit "$src/xnnpack/CMakeLists.txt" "processor wasm" \
    's/^IF(CMAKE_OSX_ARCHITECTURES)$/IF(CMAKE_SYSTEM_NAME STREQUAL "Emscripten")\n  SET(XNNPACK_TARGET_PROCESSOR "wasm")\nELSEIF(CMAKE_OSX_ARCHITECTURES)/' 'SET(XNNPACK_TARGET_PROCESSOR "wasm")'
  tp_edit "$src/xnnpack/CMakeLists.txt" "wasm kernel lists" \
    's/^IF(XNNPACK_TARGET_PROCESSOR MATCHES "Hexagon")$/IF(XNNPACK_TARGET_PROCESSOR STREQUAL "wasm")\n  LIST(APPEND PROD_MICROKERNEL_SRCS ${PROD_WASM_MICROKERNEL_SRCS} ${PROD_WASMSIMD_MICROKERNEL_SRCS})\nENDIF()\n&/' 'PROD_WASMSIMD_MICROKERNEL_SRCS}'
  # 2. Generated wasmsimd float->int8 converters include <arm_neon.h>, which Debian's
  #    Emscripten cannot compile; they only use wasm intrinsics.
  for f in $(grep -rl '#include <arm_neon.h>' "$src"/xnnpack/src/f32-q[su]8-vcvt/ | grep wasmsimd); do
    sed -i 's/#include <arm_neon.h>/#include <wasm_simd128.h>/' "$f"
  done
  ! grep -rl '#include <arm_neon.h>' "$src"/xnnpack/src/f32-q[su]8-vcvt/ | grep -q wasmsimd || die "arm_neon.h patch did not apply"
  # 3. pthreadpool always builds its single-thread shim under Emscripten; with -pthread the
  #    real pool must be built instead.
  tp_edit "$src/pthreadpool/CMakeLists.txt" "threaded pool under Emscripten" \
    's/^IF(EMSCRIPTEN)$/IF(EMSCRIPTEN AND NOT CMAKE_C_FLAGS MATCHES "-pthread")/' 'EMSCRIPTEN AND NOT CMAKE_C_FLAGS'
}
