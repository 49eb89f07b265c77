# Shared helpers for tools/studio and its recipes. Sourced, never run.
# Paths: the repo root, the build tree (inside the repo, git-ignored) and the cache of
# third-party builds (outside the repo, so a fresh clone reuses it).
ES_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ES_BUILD=${ES_BUILD:-$ES_ROOT/build}
ES_CACHE=${ES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/enhancement-studio}
ES_JOBS=${ES_JOBS:-$(nproc 2>/dev/null || echo 2)}
# Debian's python3 carries python3-opencv / python3-pil; a pyenv shim on PATH would not.
ES_PY=${ES_PY:-/usr/bin/python3}
# emcc's JS optimizer resolves its npm modules from Debian's node path.
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}

say()  { printf '\033[1m[studio]\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[31m[studio] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Root runs apt directly; anyone else goes through sudo when it exists.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

# ensure_apt PKG...: install the Debian packages that are not installed yet (idempotent).
ES_APT_UPDATED=
ensure_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$ES_APT_UPDATED" ]; then as_root apt-get update -q >/dev/null || die "apt-get update failed"; ES_APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}
