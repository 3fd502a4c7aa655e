# shellcheck shell=bash
# Shared helpers for throwaway local infrastructure (postgres, rabbitmq).
# Source this file; it only defines functions (no side effects, set -euo pipefail safe).

# argus_log MSG... : prefixed message on stderr (stdout stays clean for values).
argus_log() { printf '[argus-local] %s\n' "$*" >&2; }

# argus_now_ms : milliseconds since the epoch (for timing messages).
argus_now_ms() { date +%s%3N; }

# argus_free_port : print a TCP port that is currently free on 127.0.0.1.
# Inherently racy (someone may grab it before we bind), which is acceptable here.
argus_free_port() {
  local port i
  # Preferred: let the kernel pick by binding port 0.
  if command -v python3 >/dev/null 2>&1 &&
    port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null) &&
    [[ -n $port ]]; then
    echo "$port"; return 0
  fi
  # Fallback without python: probe random ports; a refused connect means nobody listens.
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 30000))
    if ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  argus_log "could not find a free TCP port"; return 1
}

# argus_random_hex NBYTES : print 2*NBYTES random hex chars (safe in URLs and conn strings).
argus_random_hex() { od -An -tx1 -N"${1:-16}" /dev/urandom | tr -d ' \n'; echo; }

# argus_require_package PKG CHECK_PATH [CHECK_PATH...]
# Succeeds if any CHECK_PATH exists (glob patterns allowed, e.g. /usr/lib/postgresql/*/bin/initdb);
# otherwise installs Debian package PKG (root only).
argus_require_package() {
  local pkg=${1:?usage: argus_require_package PKG CHECK_PATH...} p rc=0 policy=/usr/sbin/policy-rc.d marker='# argus-local temporary policy-rc.d'
  shift
  for p in "$@"; do compgen -G "$p" >/dev/null && return 0; done
  if [[ $(id -u) -ne 0 ]]; then
    argus_log "$pkg is not installed; run: sudo apt-get install -y $pkg"
    return 1
  fi
  argus_log "installing $pkg via apt-get (one-off, may take a minute)"
  # Exit code 101 from policy-rc.d tells invoke-rc.d not to start services, so the
  # package's postinst does not start a system postgres cluster / rabbitmq node.
  # Only create it if absent (e.g. Docker images already ship one) and only remove our own.
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n%s\nexit 101\n' "$marker" >"$policy" && chmod 755 "$policy"
  fi
  # dpkg chatter goes to stderr so callers capturing stdout stay clean; the lock timeout
  # waits for a concurrent apt/dpkg instead of failing at once.
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$pkg"; } >&2 ||
    rc=$?
  if [[ -f $policy ]] && grep -qF "$marker" "$policy"; then rm -f "$policy"; fi
  if ((rc != 0)); then argus_log "apt-get install $pkg failed (exit $rc)"; return "$rc"; fi
  for p in "$@"; do compgen -G "$p" >/dev/null && return 0; done
  argus_log "$pkg installed but none of: $* exists"; return 1
}

# argus_buf ARGS... : run buf (protobuf lint/curl) from the npm registry, pinned; installs
# Node.js and npm from Debian when they are missing.
ARGUS_BUF_VERSION=1.75.0
argus_buf() {
  argus_require_package nodejs /usr/bin/node /usr/local/bin/node || return 1
  argus_require_package npm /usr/bin/npm /usr/local/bin/npm || return 1
  npx --yes "@bufbuild/buf@$ARGUS_BUF_VERSION" "$@" 2> >(grep -v '^npm warn' >&2)
}

# argus_require_dotnet : the .NET SDK is the one thing we do not install for you.
argus_require_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  argus_log "the .NET SDK (10.0) is required: https://learn.microsoft.com/dotnet/core/install/linux-debian"
  return 1
}
