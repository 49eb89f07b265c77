# libdeflate: the deflate behind PNG output (src/image/png_write.c says why it and which
# level). Only the compression side is built (deflate, the zlib wrapper, Adler-32, CRC-32 for
# the PNG chunks, and the CPU-feature probes they dispatch on), with plain compiler calls:
# neither its CMake nor its decompressor is needed, so this takes seconds.
# Patched (tp_libdeflate_chunk) with one function, libdeflate_deflate_compress_chunk, declared
# in its own header: PNG output deflates bands of the image on several threads and joins them
# in one zlib stream, which needs every band but the last to end without BFINAL and on a byte
# boundary; 1.14 has no API for that output (1.25 has none either).
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
    [ "$f" != deflate_compress.c ] || tp_libdeflate_chunk "$src" "$prefix"
    o=$work/${f//\//_}; o=${o%.c}.o
    $cc $flags -I"$src" -c "$src/lib/$f" -o "$o" >>"$log" 2>&1 || die "building libdeflate ($target) failed; see $log"
    objs+=("$o")
  done
  rm -f "$prefix/lib/libdeflate.a"
  $ar rcs "$prefix/lib/libdeflate.a" "${objs[@]}" >>"$log" 2>&1 || die "archiving libdeflate ($target) failed; see $log"
  cp "$src/libdeflate.h" "$prefix/include/"
}

# tp_libdeflate_chunk SRC PREFIX: libdeflate_deflate_compress_chunk(c, in, n, out, avail, final),
# declared in PREFIX/include/libdeflate_chunk.h: final != 0 is libdeflate_deflate_compress;
# final == 0 writes raw DEFLATE blocks none of which has BFINAL set, then an empty stored
# block (3 bits 000, zeros to the byte, 00 00 FF FF: zlib's Z_SYNC_FLUSH), so the next
# chunk's blocks can follow it in the same stream. Each chunk starts without history. A
# non-final chunk must be longer than the compressor's stored-only threshold (at most 55
# bytes; every length at level 0), whose path sets BFINAL itself: else it returns 0, as it
# does when avail is too small (allow libdeflate_deflate_compress_bound + 6 bytes).
tp_libdeflate_chunk() {
  local f=$1/lib/deflate_compress.c
  tp_edit "$f" "chunk flag" 's/^\tsize_t max_passthrough_size;$/&\n\tbool es_nonfinal; \/* set by libdeflate_deflate_compress_chunk *\//' '^.bool es_nonfinal;'
  tp_edit "$f" "chunk flag off" 's/^\tc->compression_level = compression_level;$/&\n\tc->es_nonfinal = false;/' '^.c->es_nonfinal = false;'
  tp_edit "$f" "no BFINAL in a chunk" 's/^\tASSERT(block_length <= MAX_BLOCK_LENGTH);$/&\n\tis_final_block = is_final_block \&\& !c->es_nonfinal;/' '^.is_final_block = is_final_block && !c->es_nonfinal;'
  cat >>"$f" <<'EOF'

/* Added by Enhancement Studio (tools/lib/third_party/libdeflate.sh). */
LIBDEFLATEEXPORT size_t LIBDEFLATEAPI
libdeflate_deflate_compress_chunk(struct libdeflate_compressor *c,
				  const void *in, size_t in_nbytes,
				  void *out, size_t out_nbytes_avail, int final)
{
	struct deflate_output_bitstream os;

	if (final)
		return libdeflate_deflate_compress(c, in, in_nbytes, out,
						   out_nbytes_avail);
	if (in_nbytes <= c->max_passthrough_size ||
	    out_nbytes_avail <= OUTPUT_END_PADDING)
		return 0;
	os.bitbuf = 0;
	os.bitcount = 0;
	os.next = out;
	os.end = os.next + out_nbytes_avail - OUTPUT_END_PADDING;
	c->es_nonfinal = true;
	(*c->impl)(c, in, in_nbytes, &os);
	c->es_nonfinal = false;
	if (os.next >= os.end)
		return 0;
	/* At most 6 bytes, within OUTPUT_END_PADDING: BFINAL 0 and BTYPE 00
	 * after the pending bits, zeros to the byte, LEN 0, NLEN 0xFFFF. */
	*os.next++ = os.bitbuf;
	if (os.bitcount > 5)
		*os.next++ = 0;
	memcpy(os.next, "\0\0\xff\xff", 4);
	os.next += 4;
	return os.next - (u8 *)out;
}
EOF
  cat >"$2/include/libdeflate_chunk.h" <<'EOF'
/* libdeflate_chunk.h - Enhancement Studio's patch to libdeflate 1.14
 * (tools/lib/third_party/libdeflate.sh says what it does). */
#ifndef LIBDEFLATE_CHUNK_H
#define LIBDEFLATE_CHUNK_H
#include <libdeflate.h>
size_t libdeflate_deflate_compress_chunk(struct libdeflate_compressor *c, const void *in, size_t in_nbytes,
                                         void *out, size_t out_nbytes_avail, int final);
#endif
EOF
}
