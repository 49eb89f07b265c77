# The third-party recipe: fetch XNNPACK and its dependencies as Debian's upstream tarballs,
# verify, unpack, patch, configure and build them for one target, and cache the result
# outside the repo. Sourced by tools/studio; `third_party_prefix TARGET` prints the prefix
# (include/ + lib/) of a ready build, building it first when the cache has none.
#
# Targets: native | wasm-st (WASM SIMD, one thread) | wasm-mt (WASM SIMD + pthreads).
# No third-party source is ever written into the repo: everything lives under $ES_CACHE.
# cJSON (the colour hints file's parser) comes the same way and lands in the same prefix.

# name  version (Debian's upstream version)  sha256 of NAME_VERSION.orig.tar.EXT  EXT
TP_PINS=(
  "xnnpack     0.0~git20241108.4ea82e5 90bde2caef0f880f627bab0dc805a86c4b8070cd98e3243db3046ab3f3be1a99 xz"
  "pthreadpool 0.0~git20251020.0e6ca13 7a385b6585abe8f8658952c50b44a1dabe200de2c88eabe65d15168b8a82295c xz"
  "cpuinfo     0.0~git20250905.877328f 557ca404a3836b9f335a3a06b65ff9fe9dbaaefab7fb5c0185f53d9f33615a10 xz"
  "fxdiv       0.0~git20200417.b408327 7953482badaf4cb34026c3487c257b8e4ab2df061c019bd6fabbbc12ad52c44b xz"
  "cjson       1.7.19                  7fa616e3046edfa7a28a32d5f9eacfd23f92900fe1f8ccd988c1662f30454562 gz"
)
TP_NAMES=(xnnpack pthreadpool cpuinfo fxdiv cjson)
TP_SID_LIST=/etc/apt/sources.list.d/enhancement-studio-sid-src.sources

tp_field() { local n=$1 f=$2 row; for row in "${TP_PINS[@]}"; do set -- $row; [ "$1" = "$n" ] && { case $f in v) echo "$2";; s) echo "$3";; e) echo "$4";; esac; return; }; done; }
tp_tarball() { echo "$ES_CACHE/tarballs/${1}_$(tp_field "$1" v).orig.tar.$(tp_field "$1" e)"; }

# Only sid carries these packages (cJSON: the version pinned here); the .orig.tar.* downloads, the .dsc/.debian.tar do not,
# so apt-get source exits non-zero even when the one file we need arrived.
tp_enable_sid_sources() {
  [ -f "$TP_SID_LIST" ] && return 0
  say "adding Debian sid source index (deb-src only) for the XNNPACK tarballs"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    | as_root tee "$TP_SID_LIST" >/dev/null
  as_root apt-get update -q >/dev/null || die "apt-get update (with sid sources) failed"
}

# The sha256 Debian's source index publishes for the tarball, or nothing when it is not listed.
tp_published_sha() {
  local n=$1 file; file=$(basename "$(tp_tarball "$n")")
  apt-cache showsrc "$n" 2>/dev/null | sed -n '/^Checksums-Sha256:/,/^[A-Z]/p' | awk -v f="$file" '$3 == f {print $1; exit}'
}

tp_fetch() {
  local n=$1 tb want got pub; tb=$(tp_tarball "$n"); want=$(tp_field "$n" s)
  if [ -f "$tb" ] && [ "$(sha256sum "$tb" | cut -d' ' -f1)" = "$want" ]; then return 0; fi
  tp_enable_sid_sources
  pub=$(tp_published_sha "$n")
  [ -n "$pub" ] || die "Debian's source index no longer lists $(basename "$tb"); update the pin in tools/lib/third_party.sh"
  [ "$pub" = "$want" ] || die "sha256 mismatch for $(basename "$tb"): pinned $want, Debian publishes $pub; refusing to build"
  mkdir -p "$ES_CACHE/tarballs"
  local tmp; tmp=$(mktemp -d)
  say "fetching $(basename "$tb") from Debian's archive"
  (cd "$tmp" && timeout 600 apt-get source --download-only "$n/sid" >/dev/null 2>&1) || true
  [ -f "$tmp/$(basename "$tb")" ] || { rm -rf "$tmp"; die "apt-get source $n/sid did not deliver $(basename "$tb")"; }
  got=$(sha256sum "$tmp/$(basename "$tb")" | cut -d' ' -f1)
  [ "$got" = "$want" ] || { rm -rf "$tmp"; die "sha256 mismatch for $(basename "$tb"): got $got, want $want; refusing to build"; }
  mv "$tmp/$(basename "$tb")" "$tb"; rm -rf "$tmp"
}

# Unpack into DIR/NAME whatever the tarball's top level is (XNNPACK's has none).
tp_unpack() {
  local n=$1 dir=$2 tb; tb=$(tp_tarball "$n")
  [ "$(sha256sum "$tb" | cut -d' ' -f1)" = "$(tp_field "$n" s)" ] || die "cached $(basename "$tb") changed on disk; delete it and retry"
  mkdir -p "$dir/$n.tmp"; tar -xf "$tb" -C "$dir/$n.tmp"
  local entries=("$dir/$n.tmp"/*)
  if [ ${#entries[@]} = 1 ] && [ -d "${entries[0]}" ]; then mv "${entries[0]}" "$dir/$n"; rmdir "$dir/$n.tmp"; else mv "$dir/$n.tmp" "$dir/$n"; fi
}

# apply_edit FILE DESCRIPTION SED-EXPR CHECK-REGEX: a sed edit that must visibly take.
tp_edit() {
  local f=$1 what=$2 expr=$3 check=$4
  sed -i -e "$expr" "$f"
  grep -q -e "$check" "$f" || die "patch did not apply ($what) in $f"
}

# Patches for the WASM builds only; the native build uses the tarballs as they are.
tp_patch_wasm() {
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

tp_flags() {
  case $1 in
    native)  echo "-O2 -fPIC" ;;
    wasm-st) echo "-O2 -msimd128" ;;
    wasm-mt) echo "-O2 -msimd128 -pthread" ;;
    *) die "unknown third-party target '$1'" ;;
  esac
}

# The cache key covers the pinned versions, the flags and this recipe itself, so any change
# to how we build gives a fresh prefix and a second run with nothing changed reuses it.
tp_key() {
  { printf '%s\n' "${TP_PINS[@]}"; tp_flags "$1"; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-12
}

tp_build() {
  local target=$1 prefix=$2 flags work t0=$SECONDS
  flags=$(tp_flags "$target")
  local n; for n in "${TP_NAMES[@]}"; do tp_fetch "$n"; done
  command -v cmake >/dev/null || ensure_apt cmake
  work="$ES_CACHE/work/$target"; rm -rf "$work"; mkdir -p "$work/src"
  for n in "${TP_NAMES[@]}"; do tp_unpack "$n" "$work/src"; done
  local cmake=(cmake) common=(
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags"
    -DXNNPACK_USE_SYSTEM_LIBS=OFF -DXNNPACK_LIBRARY_TYPE=static -DXNNPACK_BUILD_TESTS=OFF
    -DXNNPACK_BUILD_BENCHMARKS=OFF -DXNNPACK_BUILD_ALL_MICROKERNELS=OFF -DXNNPACK_ENABLE_ASSEMBLY=OFF
    -DPTHREADPOOL_SOURCE_DIR="$work/src/pthreadpool" -DCPUINFO_SOURCE_DIR="$work/src/cpuinfo"
    -DFXDIV_SOURCE_DIR="$work/src/fxdiv" -DPTHREADPOOL_LIBRARY_TYPE=static -DCPUINFO_LIBRARY_TYPE=static
    -DCPUINFO_BUILD_TOOLS=OFF -DCPUINFO_BUILD_UNIT_TESTS=OFF -DCPUINFO_BUILD_MOCK_TESTS=OFF -DCPUINFO_BUILD_BENCHMARKS=OFF)
  local targets=(XNNPACK microkernels-prod pthreadpool)
  if [ "$target" = native ]; then
    targets+=(cpuinfo)
  else
    ensure_emscripten; tp_patch_wasm "$work/src"; cmake=(emcmake cmake)
  fi
  say "building XNNPACK for $target (flags: $flags); a clean build takes a few minutes"
  "${cmake[@]}" -S "$work/src/xnnpack" -B "$work/build" "${common[@]}" >"$work/configure.log" 2>&1 \
    || die "configuring XNNPACK ($target) failed; see $work/configure.log"
  cmake --build "$work/build" -j "$ES_JOBS" --target "${targets[@]}" >"$work/build.log" 2>&1 \
    || die "building XNNPACK ($target) failed; see $work/build.log"
  rm -rf "$prefix.tmp"; mkdir -p "$prefix.tmp/lib" "$prefix.tmp/include"
  find "$work/build" -name '*.a' \( -name 'libXNNPACK.a' -o -name 'libmicrokernels-prod.a' -o -name 'libpthreadpool.a' -o -name 'libcpuinfo.a' \) \
    -exec cp {} "$prefix.tmp/lib/" \;
  cp "$work/src/xnnpack/include/xnnpack.h" "$work/src/xnnpack/include/experiments-config.h" "$prefix.tmp/include/" 2>/dev/null || cp "$work/src/xnnpack/include/xnnpack.h" "$prefix.tmp/include/"
  cp "$work/src/pthreadpool/include/pthreadpool.h" "$prefix.tmp/include/"
  tp_build_cjson "$target" "$work" "$prefix.tmp" "$flags"
  printf 'target=%s\nflags=%s\nbuild_seconds=%s\n' "$target" "$flags" "$((SECONDS - t0))" >"$prefix.tmp/BUILDINFO"
  printf '%s\n' "${TP_PINS[@]}" >>"$prefix.tmp/BUILDINFO"
  rm -rf "$prefix"; mv "$prefix.tmp" "$prefix"; rm -rf "$work"
  say "XNNPACK for $target built in $((SECONDS - t0)) s, cached at $prefix"
}

# cJSON is one C file: compiled as it is (C89, the project's flags) into libcjson.a.
tp_build_cjson() {
  local target=$1 work=$2 prefix=$3 flags=$4 cc=cc ar=ar
  [ "$target" = native ] || { cc=emcc; ar=emar; }
  mkdir -p "$work/cjson-build"
  $cc $flags -std=c89 -c "$work/src/cjson/cJSON.c" -o "$work/cjson-build/cJSON.o" >"$work/cjson.log" 2>&1 \
    || die "building cJSON ($target) failed; see $work/cjson.log"
  $ar rcs "$prefix/lib/libcjson.a" "$work/cjson-build/cJSON.o" || die "archiving cJSON ($target) failed"
  cp "$work/src/cjson/cJSON.h" "$prefix/include/"
}

third_party_prefix() {
  local target=$1 prefix; prefix="$ES_CACHE/third_party/$target-$(tp_key "$target")"
  [ -f "$prefix/BUILDINFO" ] || tp_build "$target" "$prefix" >&2
  echo "$prefix"
}

ensure_emscripten() {
  command -v emcc >/dev/null || ensure_apt emscripten
}
