# Building the project itself: the native tree (CLI + C tests) and the two WASM variants,
# whose outputs are copied into web/gen/ where the page and studio.js load them.
# Sourced by tools/studio after common.sh and third_party.sh.

# The Debian packages a build needs: the toolchain (nodejs only when no node is on the PATH)
# and, for the page, emscripten (when no emcc is on the PATH: ensure_emscripten's) and
# librsvg2-bin (write_icons'). A command asks for everything it will need in one
# ensure_toolchain EXTRA-PACKAGES..., so a fresh machine runs one apt-get install; the later
# ensure_apt calls of the steps themselves then find everything present and run no apt.
es_toolchain_packages() {
  echo build-essential cmake libstb-dev xz-utils
  command -v node >/dev/null || echo nodejs
}
es_wasm_packages() { command -v emcc >/dev/null || echo emscripten; echo "${ES_PAGE_PACKAGES[@]}"; }
ES_PAGE_PACKAGES=(librsvg2-bin)

ensure_toolchain() {
  ensure_apt $(es_toolchain_packages) "$@"
}

# What a build tree is made from: when none of it is newer than the tree's stamp (written
# after its last good build) the tree is current, and the CLI runs it without asking cmake,
# make or apt anything (find -newer also sees files added or removed: their folder changes).
ES_INPUTS=(src tests/c tests/bench tests/fuzz CMakeLists.txt tools/stb_patch.cmake tools/lib)
tree_current() { # TREE (native | wasm-st | wasm-mt)
  local stamp="$ES_BUILD/$1/.es-built" newer
  [ -f "$stamp" ] || return 1
  newer=$(cd "$ES_ROOT" && find "${ES_INPUTS[@]}" -newer "$stamp" -print -quit 2>/dev/null) || return 1
  [ -z "$newer" ] && [ -d "$(cat "$stamp")" ] || return 1
  # built on the XNNPACK variant asked for (ES_XNNPACK_FULL: untrimmed, for tools/xnnpack-kept)
  local full=; [ -e "$(cat "$stamp")/UNTRIMMED" ] && full=1
  [ "$full" = "${ES_XNNPACK_FULL:+1}" ]
}

# cmake_tree DIR PREFIX [configure-prefix-command...] -- [cmake args...]: configure when the
# tree is new or its third-party prefix changed, then build and stamp it. Settings only the
# tests read (ES_SHARED, ES_REF) are read when the tests run, so they never reconfigure.
cmake_tree() {
  local dir=$1 prefix=$2; shift 2
  local wrap=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do wrap+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  args=("$@")
  mkdir -p "$ES_BUILD"; exec 8>"$ES_BUILD/.lock-$(basename "$dir")"; flock 8  # one build of a tree at a time
  grep -qs "ES_THIRD_PARTY:PATH=$prefix\$" "$dir/CMakeCache.txt" || rm -rf "$dir"
  if [ ! -f "$dir/Makefile" ]; then  # new, or a configure that did not finish
    "${wrap[@]}" cmake -S "$ES_ROOT" -B "$dir" -DES_THIRD_PARTY="$prefix" "${args[@]}" >"$ES_BUILD/configure-$(basename "$dir").log" 2>&1 \
      || die "configuring $(basename "$dir") failed; see $ES_BUILD/configure-$(basename "$dir").log"
  fi
  rm -f "$dir/.es-built"; echo "$prefix" >"$dir/.es-building"  # its time: when the build began
  # ES_TREE_TARGETS: build only these (the page's module for serve); such a tree is not stamped.
  cmake --build "$dir" -j "$ES_JOBS" ${ES_TREE_TARGETS:+--target $ES_TREE_TARGETS} >"$ES_BUILD/build-$(basename "$dir").log" 2>&1 || {
    grep -E 'error|Error' "$ES_BUILD/build-$(basename "$dir").log" | head -20 >&2 || true
    die "building $(basename "$dir") failed; see $ES_BUILD/build-$(basename "$dir").log"
  }
  if [ -z "${ES_TREE_TARGETS:-}" ]; then mv "$dir/.es-building" "$dir/.es-built"; else rm "$dir/.es-building"; fi
  exec 8>&-
}

build_native() {
  tree_current native && return 0
  mkdir -p "$ES_BUILD"
  cmake_tree "$ES_BUILD/native" "$(third_party_prefix native)"
}

build_wasm() { # st | mt
  local v=$1 flags=() prefix
  if ! tree_current "wasm-$v"; then
    ensure_emscripten
    prefix=$(third_party_prefix "wasm-$v")
    [ "$v" = mt ] && flags=(-DES_WASM_THREADS=ON)
    mkdir -p "$ES_BUILD"
    cmake_tree "$ES_BUILD/wasm-$v" "$prefix" emcmake -- "${flags[@]}"
  fi
  mkdir -p "$ES_ROOT/web/gen"
  cp -p "$ES_BUILD/wasm-$v"/studio-"$v".{mjs,wasm} "$ES_ROOT/web/gen/"
  [ "$v" = mt ] && cp -p "$ES_BUILD/wasm-mt/studio-mt.worker.js" "$ES_ROOT/web/gen/"
  # The pthread worker glue is CommonJS; web/package.json makes .js files ES modules.
  printf '{ "type": "commonjs" }\n' >"$ES_ROOT/web/gen/package.json"
}

# build_bench TARGET: a benchmark program in the three (current) trees; they are not part of
# a tree's default build.
build_bench() {
  local tree
  for tree in native wasm-st wasm-mt; do
    cmake --build "$ES_BUILD/$tree" -j "$ES_JOBS" --target "$1" >"$ES_BUILD/build-$1-$tree.log" 2>&1 \
      || die "building $1 ($tree) failed; see $ES_BUILD/build-$1-$tree.log"
  done
}

# The page's icons as PNG (web/gen/), from the two SVGs, when an SVG is newer than its PNG:
# the manifest's 192 and 512 (icon.svg, purpose any; icon-maskable.svg, purpose maskable)
# and the 180 px apple-touch-icon, from the maskable one (full bleed: iOS rounds the
# corners itself and would show the other's transparent corners black). Debian's rsvg-convert.
write_icons() {
  local web="$ES_ROOT/web" spec svg size out
  ensure_apt "${ES_PAGE_PACKAGES[@]}"
  mkdir -p "$web/gen"
  for spec in icon:192:icon-192 icon:512:icon-512 icon-maskable:192:icon-maskable-192 \
              icon-maskable:512:icon-maskable-512 icon-maskable:180:icon-180; do
    IFS=: read -r svg size out <<<"$spec"
    [ "$web/gen/$out.png" -nt "$web/$svg.svg" ] && continue
    rsvg-convert -w "$size" -h "$size" -o "$web/gen/$out.png.tmp" "$web/$svg.svg" || die "rsvg-convert failed on web/$svg.svg"
    mv "$web/gen/$out.png.tmp" "$web/gen/$out.png"
  done
}

# write_if_changed FILE: stdin into FILE unless FILE already holds exactly that (its mtime,
# and so its precompressed copies, stay as they are).
write_if_changed() {
  cat >"$1.tmp"
  if cmp -s "$1.tmp" "$1"; then rm "$1.tmp"; else mv "$1.tmp" "$1"; fi
}

# What the build writes for the page besides the WASM modules (web/gen/, git-ignored):
# - gen/build.mjs: each WASM build file's content hash; web/core.js puts it in their URLs
#   (?v=HASH), so the HTTP cache can keep them for good and a new build is a new URL.
# - gen/assets.js: what the service worker keeps for offline use, each with its content hash
#   (the first 12 hex digits of its SHA-256: the worker checks what it takes from the HTTP
#   cache against it), and the version, a hash of the list, so any change to these files is
#   a new version the page offers to update to. The page itself ('./', i.e. index.html), its
#   scripts, styles and icon.svg, the manifest, and both WASM builds (the worker keeps the one
#   the browser runs). Not in it: what only the OS or the install prompt reads (the PNG icons,
#   icon-maskable.svg), and models (kept when loaded).
# - the PNG icons (write_icons), and FILE.br / FILE.gz beside every text and WASM file of web/
#   (tools/compress.mjs), rewritten only when FILE changed.
write_pwa_assets() {
  local web="$ES_ROOT/web" files version f
  write_icons
  {
    echo "// Written by tools/studio build: each WASM build file's content hash (the first 12 hex"
    echo "// digits of its SHA-256), which web/core.js puts in their URLs as ?v=HASH."
    echo "export default {"
    for f in $(cd "$web/gen" && ls studio-st.* studio-mt.* 2>/dev/null | grep -Ev '\.(br|gz|tmp)$' | LC_ALL=C sort); do
      echo "  '$f': '$(sha256sum "$web/gen/$f" | cut -c1-12)',"
    done
    echo "};"
  } | write_if_changed "$web/gen/build.mjs"
  files=$(cd "$web" && find index.html manifest.webmanifest icon.svg ./*.js ./*.css ui gen -type f \
            \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.svg' -o -name '*.wasm' -o -name '*.webmanifest' \) \
            ! -name sw.js ! -name assets.js | sed 's|^\./||' | LC_ALL=C sort)
  local list
  list=$(cd "$web" && for f in $files; do
    printf "  '%s': '%s',\n" "$([ "$f" = index.html ] && echo ./ || echo "$f")" "$(sha256sum "$f" | cut -c1-12)"
  done)
  version=$(printf '%s\n' "$list" | sha256sum | cut -c1-12)
  {
    echo "// Written by tools/studio build: what the service worker keeps for offline use, each with"
    echo "// its content hash (the first 12 hex digits of its SHA-256), and their version."
    echo "self.ES_VERSION = '$version';"
    echo "self.ES_ASSETS = {"
    printf '%s\n' "$list"
    echo "};"
  } | write_if_changed "$web/gen/assets.js"
  node "$ES_ROOT/tools/compress.mjs" "$web" || die "compressing web/ failed"
}

# `tools/studio serve` on a fresh machine: the two WASM modules and nothing else (no native
# build, no tests), unless a full build is already current.
build_page() {
  ensure_toolchain $(es_wasm_packages)
  tree_current wasm-st || ES_TREE_TARGETS=studio_wasm build_wasm st
  tree_current wasm-mt || ES_TREE_TARGETS=studio_wasm build_wasm mt
  write_pwa_assets
}

build_all() {
  local t0=$SECONDS
  ensure_toolchain $(es_wasm_packages)
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
  ensure_toolchain clang libclang-rt-14-dev
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
