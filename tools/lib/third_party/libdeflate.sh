# libdeflate: the deflate behind PNG output (src/image/png_write.c says why it and which
# level). Only the compression side is built (deflate, the zlib wrapper, Adler-32, CRC-32 for
# the PNG chunks, and the CPU-feature probes they dispatch on), with plain compiler calls:
# neither its CMake nor its decompressor is needed, so this takes seconds.
# The pin is bookworm's 1.14, not sid's 1.25: apt-cache showsrc lists sid's
# libdeflate_1.25.orig.tar.xz (sha256 aff01dcf...fc33), but the archive answers 404 for it,
# while bookworm's tarball arrives. The 5th field names the suite to fetch it from
# (`apt-get source --download-only libdeflate/bookworm` with a deb-src entry for bookworm).

# name  version  sha256 of NAME_VERSION.orig.tar.EXT  EXT  suite
TP_PINS+=("libdeflate  1.14  89e7df898c37c3427b0f39aadcf733731321a278771d20fc553f92da8d4808ac gz bookworm")
TP_COMPONENTS+=(libdeflate)

# tp_build_libdeflate TARGET SRC WORK PREFIX FLAGS: SRC/libdeflate is the unpacked tarball;
# installs PREFIX/lib/libdeflate.a and PREFIX/include/libdeflate.h.
tp_build_libdeflate() {
  local target=$1 src=$2/libdeflate work=$3/libdeflate-build prefix=$4 flags=$5 cc ar f o objs=()
  cc=$(tp_cc "$target") && ar=$(tp_ar "$target") || die "no compiler for target '$target'"
  rm -rf "$work"; mkdir -p "$work" "$prefix/lib" "$prefix/include"
  local log=$work/build.log
  # lib/*/cpu_features.c: each compiles to nothing off its own architecture (wasm: both).
  for f in deflate_compress.c zlib_compress.c adler32.c crc32.c utils.c x86/cpu_features.c arm/cpu_features.c; do
    [ -f "$src/lib/$f" ] || die "libdeflate: lib/$f is missing from the tarball"
    o=$work/${f//\//_}; o=${o%.c}.o
    $cc $flags -I"$src" -c "$src/lib/$f" -o "$o" >>"$log" 2>&1 || die "building libdeflate ($target) failed; see $log"
    objs+=("$o")
  done
  rm -f "$prefix/lib/libdeflate.a"
  $ar rcs "$prefix/lib/libdeflate.a" "${objs[@]}" >>"$log" 2>&1 || die "archiving libdeflate ($target) failed; see $log"
  cp "$src/libdeflate.h" "$prefix/include/"
}
