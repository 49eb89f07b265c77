# cJSON: the colour hints file's parser and writer. One C file, compiled as it is (C89,
# the target's flags) into libcjson.a.
TP_PINS+=("cjson 1.7.19 7fa616e3046edfa7a28a32d5f9eacfd23f92900fe1f8ccd988c1662f30454562 gz")
TP_COMPONENTS+=(cjson)

tp_build_cjson() {
  local target=$1 src=$2 work=$3 prefix=$4 flags=$5
  $(tp_cc "$target") $flags -std=c89 -c "$src/cjson/cJSON.c" -o "$work/cJSON.o" >"$work/cjson.log" 2>&1 \
    || die "building cJSON ($target) failed; see $work/cjson.log"
  $(tp_ar "$target") rcs "$prefix/lib/libcjson.a" "$work/cJSON.o" || die "archiving cJSON ($target) failed"
  cp "$src/cjson/cJSON.h" "$prefix/include/"
}
