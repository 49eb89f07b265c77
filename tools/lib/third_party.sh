# The third-party recipe: fetch each library as Debian's upstream tarball, verify it, unpack,
# patch, build it for one target and cache the result outside the repo. Sourced by
# tools/studio; `third_party_prefix TARGET` prints the prefix (include/ + lib/) holding every
# component, building what the cache lacks first.
#
# Targets: native | wasm-st (WASM SIMD, one thread) | wasm-mt (WASM SIMD + pthreads).
# Components, one file each in tools/lib/third_party/: xnnpack (with pthreadpool, cpuinfo,
# fxdiv), cjson (the colour hints file), libdeflate (PNG output). Each is cached on its own,
# keyed by its pins, the target's flags and its own recipe, so changing one component never
# rebuilds another; the prefix a build uses is the components' outputs copied side by side.
# No third-party source is ever written into the repo: everything lives under $ES_CACHE.
#
# A component file adds:
#   TP_PINS+=("name version sha256-of-NAME_VERSION.orig.tar.EXT EXT [SUITE]")   one per tarball;
#                                     SUITE: the Debian suite to fetch it from (default sid)
#   TP_COMPONENTS+=(name)             TP_SOURCES_name="tarballs it unpacks" (default: name)
#   tp_build_name TARGET SRC WORK PREFIX FLAGS   build from SRC/<tarball name>/, install into
#                                                PREFIX/{lib,include}; any tp_name_* helper
#                                                functions and the files TP_FILES_name lists
#                                                (in tools/lib/third_party/) are part of its key.

TP_PINS=() TP_COMPONENTS=()
TP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/third_party" && pwd)
for _tp in "$TP_DIR"/*.sh; do source "$_tp"; done; unset _tp
TP_SID_LIST=/etc/apt/sources.list.d/enhancement-studio-sid-src.sources

tp_field() { local n=$1 f=$2 row; for row in "${TP_PINS[@]}"; do set -- $row; [ "$1" = "$n" ] && { case $f in v) echo "$2";; s) echo "$3";; e) echo "$4";; u) echo "${5:-sid}";; esac; return; }; done; }
tp_tarball() { echo "$ES_CACHE/tarballs/${1}_$(tp_field "$1" v).orig.tar.$(tp_field "$1" e)"; }
tp_sources() { local v="TP_SOURCES_$1"; echo "${!v:-$1}"; }

# Source indexes (deb-src only) for the suites the pins name: sid carries most of these
# versions; libdeflate's sid tarball is listed but not served, so it comes from bookworm.
# The .orig.tar.* downloads, the .dsc/.debian.tar may not, so apt-get source exits non-zero
# even when the one file we need arrived.
TP_SUITES="sid bookworm"
tp_enable_sources() {
  grep -qs "^Suites: $TP_SUITES\$" "$TP_SID_LIST" && return 0
  say "adding Debian source indexes (deb-src only: $TP_SUITES) for the third-party tarballs"
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$TP_SUITES" \
    | as_root tee "$TP_SID_LIST" >/dev/null
  apt_get update -q || die "apt-get update (with the source indexes) failed"
}

# The sha256 Debian's source index publishes for the tarball, or nothing when it is not listed.
tp_published_sha() {
  local n=$1 file; file=$(basename "$(tp_tarball "$n")")
  apt-cache showsrc "$n" 2>/dev/null | sed -n '/^Checksums-Sha256:/,/^[A-Z]/p' | awk -v f="$file" '$3 == f {print $1; exit}'
}

tp_fetch() {
  local n=$1 tb want got pub; tb=$(tp_tarball "$n"); want=$(tp_field "$n" s)
  if [ -f "$tb" ] && [ "$(sha256sum "$tb" | cut -d' ' -f1)" = "$want" ]; then return 0; fi
  tp_enable_sources
  pub=$(tp_published_sha "$n")
  [ -n "$pub" ] || die "Debian's source index no longer lists $(basename "$tb"); update the pin in $TP_DIR"
  [ "$pub" = "$want" ] || die "sha256 mismatch for $(basename "$tb"): pinned $want, Debian publishes $pub; refusing to build"
  mkdir -p "$ES_CACHE/tarballs"
  local tmp; tmp=$(mktemp -d)
  say "fetching $(basename "$tb") from Debian's archive"
  # (apt-get source --download-only takes none of apt's locks: no waiting needed)
  (cd "$tmp" && timeout 600 apt-get source --download-only "$n/$(tp_field "$n" u)" >/dev/null 2>&1) || true
  [ -f "$tmp/$(basename "$tb")" ] || { rm -rf "$tmp"; die "apt-get source $n/$(tp_field "$n" u) did not deliver $(basename "$tb")"; }
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

# tp_edit FILE DESCRIPTION SED-EXPR CHECK-REGEX: a sed edit that must visibly take.
tp_edit() {
  local f=$1 what=$2 expr=$3 check=$4
  sed -i -e "$expr" "$f"
  grep -q -e "$check" "$f" || die "patch did not apply ($what) in $f"
}

tp_flags() {
  case $1 in
    native)  echo "-O2 -fPIC" ;;
    wasm-st) echo "-O2 -msimd128" ;;
    wasm-mt) echo "-O2 -msimd128 -pthread" ;;
    *) die "unknown third-party target '$1'" ;;
  esac
}
tp_cc() { if [ "$1" = native ]; then echo cc; else echo emcc; fi; }
tp_ar() { if [ "$1" = native ]; then echo ar; else echo emar; fi; }

# A component's cache key: its tarballs' pins, the target's flags, its recipe (the build
# function, its own helpers, its files) and tp_variant_NAME's answer when it has one.
tp_key() {
  local target=$1 n=$2 s f files="TP_FILES_$2"
  {
    for s in $(tp_sources "$n"); do tp_field "$s" v; tp_field "$s" s; done
    tp_flags "$target"
    declare -f "tp_build_$n" $(compgen -A function "tp_${n}_" || true)
    for f in ${!files:-}; do cat "$TP_DIR/$f"; done
    ! declare -F "tp_variant_$n" >/dev/null || "tp_variant_$n"
  } | sha256sum | cut -c1-12
}

# tp_part TARGET NAME: the cached build of one component, built first when missing.
tp_part() {
  local target=$1 n=$2 part work flags s t0=$SECONDS
  part="$ES_CACHE/third_party/parts/$target-$n-$(tp_key "$target" "$n")"
  if [ ! -f "$part/BUILDINFO" ]; then
    tp_lock  # another tools/studio (a test calling the CLI, say) may be building it now
  fi
  if [ ! -f "$part/BUILDINFO" ]; then
    flags=$(tp_flags "$target")
    for s in $(tp_sources "$n"); do tp_fetch "$s"; done
    [ "$target" = native ] || ensure_emscripten
    work="$ES_CACHE/work/$target-$n"; rm -rf "$work" "$part.tmp"; mkdir -p "$work/src" "$part.tmp/lib" "$part.tmp/include"
    for s in $(tp_sources "$n"); do tp_unpack "$s" "$work/src"; done
    say "building $n for $target (flags: $flags)"
    "tp_build_$n" "$target" "$work/src" "$work" "$part.tmp" "$flags" >&2
    { printf 'component=%s\ntarget=%s\nflags=%s\nbuild_seconds=%s\n' "$n" "$target" "$flags" "$((SECONDS - t0))"
      for s in $(tp_sources "$n"); do echo "$s $(tp_field "$s" v) $(tp_field "$s" s)"; done; } >"$part.tmp/BUILDINFO"
    rm -rf "$part"; mv "$part.tmp" "$part"; rm -rf "$work"
    say "$n for $target built in $((SECONDS - t0)) s, cached at $part"
  fi
  echo "$part"
}

# The prefix a tree builds against: every component's include/ and lib/ side by side.
third_party_prefix() {
  local target=$1 n parts=() key prefix
  for n in "${TP_COMPONENTS[@]}"; do n=$(tp_part "$target" "$n") || exit 1; parts+=("$n"); done
  key=$(printf '%s\n' "${parts[@]}" | sha256sum | cut -c1-12)
  prefix="$ES_CACHE/third_party/$target-$key"
  [ -f "$prefix/BUILDINFO" ] || tp_lock
  if [ ! -f "$prefix/BUILDINFO" ]; then
    rm -rf "$prefix.tmp"; mkdir -p "$prefix.tmp"
    for n in "${parts[@]}"; do cp -r "$n"/. "$prefix.tmp/"; done
    { printf 'target=%s\n' "$target"; for n in "${parts[@]}"; do echo "part ${n##*/}"; done; } >"$prefix.tmp/BUILDINFO"
    rm -rf "$prefix"; mv "$prefix.tmp" "$prefix"
  fi
  echo "$prefix"
}

# One builder at a time in the cache; held until the (sub)shell that took it exits.
tp_lock() {
  mkdir -p "$ES_CACHE/third_party"
  exec 9>"$ES_CACHE/third_party/.lock"
  flock 9 || die "could not lock $ES_CACHE/third_party"
}

ensure_emscripten() {
  command -v emcc >/dev/null || ensure_apt emscripten
}
