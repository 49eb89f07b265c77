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

# apt_get ARGS...: apt-get ARGS as root (its output dropped, its errors shown), waiting up to
# ES_APT_WAIT seconds (600) while another program (unattended upgrades, a second apt) holds
# the package manager's locks, with one line saying so. apt's own DPkg::Lock::Timeout covers
# the dpkg locks (install, remove, check); apt-get update ignores it and stops at once on
# /var/lib/apt/lists/lock, so a run that failed on a lock is retried every 3 s until then.
apt_get() {
  local deadline=$((SECONDS + ${ES_APT_WAIT:-600})) log rc n
  log=$(mktemp) || die "mktemp failed"
  while :; do
    n=$(wc -l <"$log")
    # apt's stdout (where it says it waits) and its stderr (marked 2|) through apt_lock_lines
    { { as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$((deadline > SECONDS ? deadline - SECONDS : 0)) "$@" \
          2>&1 1>&3 3>&-; echo $? >"$log.rc"; } | sed -u 's/^/2|/'; } 3>&1 | apt_lock_lines "$log"
    rc=$(cat "$log.rc")
    # retried only when this run stopped on a lock
    [ "$rc" != 0 ] && [ $SECONDS -lt $deadline ] \
      && awk -v n="$n" 'NR > n && /^E: (Could not get lock|Unable to lock|Unable to acquire)/ {f = 1} END {exit !f}' "$log" || break
    sleep 3
  done
  [ "$rc" = 0 ] || grep '^E: ' "$log" | tail -2 >&2 || true
  rm -f "$log" "$log.rc"; return "$rc"
}
# apt's output on its way through: lock messages (apt's "Waiting for cache lock" on its
# stdout, its errors on stderr) go to FILE, and the first one, when FILE was still empty,
# says once who holds what; the rest of its stderr (lines marked 2|) goes on to stderr, the
# rest of its stdout nowhere.
apt_lock_lines() { # FILE
  local line err re='Could not get lock ([^ ]+)\. It is held by process ([0-9]+) \(([^)]*)\)'
  while IFS= read -r line || [ -n "$line" ]; do
    err=; [[ $line == '2|'* ]] && { err=1; line=${line#2|}; }
    case $line in
      *"Could not get lock"*|*"Unable to lock"*|*"Unable to acquire"*|*"Waiting for cache lock"*)
        if [ ! -s "$1" ]; then
          if [[ $line =~ $re ]]; then
            say "waiting for the package manager (another program holds ${BASH_REMATCH[1]}: ${BASH_REMATCH[3]}, process ${BASH_REMATCH[2]}) ..."
          elif [[ $line =~ (/[^ ,\)]+) ]]; then say "waiting for the package manager (another program holds ${BASH_REMATCH[1]}) ..."
          else say "waiting for the package manager (another program holds its lock) ..."; fi
        fi
        printf '%s\n' "$line" >>"$1" ;;
      *) [ -z "$err" ] || printf '%s\n' "$line" >&2 ;;
    esac
  done
}

# ensure_apt PKG...: install the Debian packages that are not installed yet (idempotent: with
# all of them present it runs no apt at all), in one transaction.
ES_APT_UPDATED=
ensure_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$ES_APT_UPDATED" ]; then apt_get update -q || die "apt-get update failed"; ES_APT_UPDATED=1; fi
  apt_get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
}
