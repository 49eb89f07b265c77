# Building the project itself: the native tree (CLI + C tests) and the two WASM variants,
# whose outputs are copied into web/gen/ where the page and studio.js load them.
# Sourced by tools/studio after common.sh and third_party.sh.

ensure_toolchain() {
  ensure_apt build-essential cmake libstb-dev xz-utils
  command -v node >/dev/null || ensure_apt nodejs
}

# cmake_tree DIR PREFIX [configure-prefix-command...] -- [cmake args...]: configure when the
# tree is new or its third-party prefix changed, then build.
cmake_tree() {
  local dir=$1 prefix=$2; shift 2
  local wrap=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do wrap+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  # the C tests find the datasets where the test runner does ($ES_SHARED), not only at ../shared
  args=("$@" -DES_TEST_SHARED="$ES_SHARED")
  grep -qs "ES_THIRD_PARTY:PATH=$prefix\$" "$dir/CMakeCache.txt" || rm -rf "$dir"
  if ! grep -qs "ES_TEST_SHARED:PATH=$ES_SHARED\$" "$dir/CMakeCache.txt"; then
    "${wrap[@]}" cmake -S "$ES_ROOT" -B "$dir" -DES_THIRD_PARTY="$prefix" "${args[@]}" >"$ES_BUILD/configure-$(basename "$dir").log" 2>&1 \
      || die "configuring $(basename "$dir") failed; see $ES_BUILD/configure-$(basename "$dir").log"
  fi
  cmake --build "$dir" -j "$ES_JOBS" >"$ES_BUILD/build-$(basename "$dir").log" 2>&1 || {
    grep -E 'error|Error' "$ES_BUILD/build-$(basename "$dir").log" | head -20 >&2
    die "building $(basename "$dir") failed; see $ES_BUILD/build-$(basename "$dir").log"
  }
}

build_native() {
  mkdir -p "$ES_BUILD"
  cmake_tree "$ES_BUILD/native" "$(third_party_prefix native)"
}

build_wasm() { # st | mt
  local v=$1 flags=() prefix
  ensure_emscripten
  prefix=$(third_party_prefix "wasm-$v")
  [ "$v" = mt ] && flags=(-DES_WASM_THREADS=ON)
  mkdir -p "$ES_BUILD"
  cmake_tree "$ES_BUILD/wasm-$v" "$prefix" emcmake -- "${flags[@]}"
  mkdir -p "$ES_ROOT/web/gen"
  cp "$ES_BUILD/wasm-$v"/studio-"$v".{mjs,wasm} "$ES_ROOT/web/gen/"
  [ "$v" = mt ] && cp "$ES_BUILD/wasm-mt/studio-mt.worker.js" "$ES_ROOT/web/gen/"
  # The pthread worker glue is CommonJS; web/package.json makes .js files ES modules.
  printf '{ "type": "commonjs" }\n' >"$ES_ROOT/web/gen/package.json"
}

# The service worker's precache list and version (web/gen/assets.js): every file the page
# needs offline, and a hash of their contents, so any change to them is a new version the
# page offers to update to. Models are not in it: they are cached when loaded.
write_pwa_assets() {
  local web="$ES_ROOT/web" files version
  files=$(cd "$web" && find index.html manifest.webmanifest ./*.svg ./*.js ./*.css ui gen -type f \
            \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.svg' -o -name '*.wasm' -o -name '*.webmanifest' \) \
            ! -name sw.js ! -name assets.js | sed 's|^\./||' | LC_ALL=C sort)
  version=$(cd "$web" && cat $files | sha256sum | cut -c1-12)
  {
    echo "// Written by tools/studio build: what the service worker precaches, and their version."
    echo "self.ES_VERSION = '$version';"
    echo "self.ES_ASSETS = ["
    for f in ./ $files; do echo "  '$f',"; done
    echo "];"
  } >"$web/gen/assets.js.tmp"
  cmp -s "$web/gen/assets.js.tmp" "$web/gen/assets.js" && rm "$web/gen/assets.js.tmp" || mv "$web/gen/assets.js.tmp" "$web/gen/assets.js"
}

build_all() {
  local t0=$SECONDS
  ensure_toolchain
  build_native
  build_wasm st
  build_wasm mt
  write_pwa_assets
  say "built native + wasm-st + wasm-mt in $((SECONDS - t0)) s"
}

# `tools/studio fuzz [SECONDS]`: the C tests under ASan + UBSan, then every fuzz_* target
# under libFuzzer for SECONDS each, each on its own corpus (build/fuzz/corpus/NAME): the
# decoder's seeded with ../shared's conformance files, the model and hints readers' with the
# small valid files tests/fuzz/make_seeds.py writes; a crash is written to build/fuzz/ as
# NAME-crash-* with the input that did it.
run_fuzz() {
  local seconds=${1:-120} dir="$ES_BUILD/fuzz"
  ensure_toolchain; ensure_apt clang libclang-rt-14-dev
  CC=clang cmake_tree "$dir" "$(third_party_prefix native)" -- -DES_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
  mkdir -p "$dir/corpus/decode"
  local src t failed=0
  for src in "$ES_SHARED/datasets/conformance/pngsuite" "$ES_SHARED/datasets/conformance/jpeg" \
             "$ES_SHARED/datasets/conformance/exif-orientation"; do
    [ -d "$src" ] && find "$src" -maxdepth 1 -type f -size -200k \( -name '*.png' -o -name '*.jpg' -o -name '*.bmp' \) -exec cp -n {} "$dir/corpus/decode/" \;
  done
  "$ES_PY" "$ES_ROOT/tests/fuzz/make_seeds.py" "$dir/corpus" "$ES_SHARED" "$ES_BUILD/test-models" || die "could not write the fuzz seeds"
  say "C tests under ASan + UBSan"
  (cd "$dir" && ES_REF="$ES_BUILD/ref" ctest --output-on-failure -j "$ES_JOBS") || die "C tests failed under the sanitizers"
  for t in "$dir"/fuzz_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    t=${t##*/fuzz_}
    say "fuzzing $t for $seconds s (corpus: $dir/corpus/$t)"
    mkdir -p "$dir/corpus/$t"
    (cd "$dir" && "./fuzz_$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$dir/$t-" "corpus/$t") || { failed=1; say "fuzz_$t found a crash: see $dir/$t-*"; }
  done
  [ "$failed" = 0 ] || die "fuzzing found crashes (inputs in $dir)"
}
