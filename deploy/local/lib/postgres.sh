# shellcheck shell=bash
# Throwaway PostgreSQL cluster for local runs and tests.
# Source this file; it only defines functions (no side effects, set -euo pipefail safe).
#   argus_pg_start DIR  -> cluster in DIR/pg; exports ARGUS_POSTGRES, ARGUS_PG_DIR; writes DIR/pg.env
#   argus_pg_stop DIR   -> immediate shutdown; idempotent, never fails
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

# Print the server bin dir: 15 if present, else the newest installed major.
_argus_pg_bindir() {
  local d
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] && { echo /usr/lib/postgresql/15/bin; return 0; }
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)
  [[ -x $d ]] && { dirname "$d"; return 0; }
  return 1
}

# Run a command as the cluster owner. Postgres refuses to run as root, so root delegates
# to the `postgres` user (cd / avoids "could not change directory to /root" noise).
# The `--` matters: without it su parses our args (-D, -w, ...) as its own options.
_argus_pg_run() {
  if [[ $(id -u) -eq 0 ]]; then
    su -s /bin/sh -c 'cd / && exec "$0" "$@"' postgres -- "$@"
  else
    "$@"
  fi
}

argus_pg_start() {
  local dir=${1:?usage: argus_pg_start DIR} bin pg port pw sock t0=$(argus_now_ms)
  argus_require_package postgresql '/usr/lib/postgresql/*/bin/initdb' && bin=$(_argus_pg_bindir) || return 1
  mkdir -p "$dir" && dir=$(cd "$dir" && pwd) || return 1
  # Paths end up single-quoted in generated config/env files.
  [[ $dir != *\'* ]] || { argus_log "DIR must not contain a single quote: $dir"; return 1; }
  pg=$dir/pg
  # Always a fresh cluster: stop and wipe whatever a previous run left in DIR/pg.
  argus_pg_stop "$dir"
  rm -rf "$pg" && mkdir -m 700 "$pg" || return 1
  if [[ $(id -u) -eq 0 ]]; then
    # DIR is often a root-owned `mktemp -d` (mode 0700): the postgres user must traverse it.
    chmod a+x "$dir" && chown postgres:postgres "$pg" || return 1
    _argus_pg_run test -w "$pg" ||
      { argus_log "user postgres cannot write $pg (make its parent dirs world-searchable: chmod a+x)"; return 1; }
  fi
  pw=$(argus_random_hex 16) && port=$(argus_free_port) || return 1

  # initdb reads the superuser password from a file (kept off the command line / ps).
  (umask 077 && printf '%s\n' "$pw" >"$pg/pwfile") || return 1
  [[ $(id -u) -ne 0 ]] || chown postgres:postgres "$pg/pwfile"
  # --no-sync: throwaway data, no need to fsync the fresh cluster (saves ~1 s).
  # Local socket: trust (only reachable through DIR); TCP: scram password.
  if ! _argus_pg_run "$bin/initdb" -D "$pg/data" -U argus --pwfile="$pg/pwfile" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$pg/initdb.log" 2>&1; then
    argus_log "initdb failed:"; cat "$pg/initdb.log" >&2; rm -f "$pg/pwfile"; return 1
  fi
  rm -f "$pg/pwfile"

  # Unix socket paths are limited to 107 bytes; with a very deep DIR go TCP-only.
  sock=$pg
  ((${#sock} + 20 < 107)) || { argus_log "DIR too long for a unix socket, TCP only"; sock=; }
  sock=${sock//\'/\'\'} # quote for postgresql.conf
  cat >>"$pg/data/postgresql.conf" <<CONF || return 1

# --- argus throwaway settings: durability traded for speed ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  if ! _argus_pg_run "$bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 30 -s start >&2; then
    argus_log "postgres failed to start:"; tail -n 20 "$pg/postgres.log" >&2; return 1
  fi

  export ARGUS_POSTGRES="Host=127.0.0.1;Port=$port;Username=argus;Password=$pw;Database=postgres"
  export ARGUS_PG_DIR=$pg
  (umask 077 && printf "export ARGUS_POSTGRES='%s'\nexport ARGUS_PG_DIR='%s'\n" \
    "$ARGUS_POSTGRES" "$ARGUS_PG_DIR" >"$dir/pg.env") || return 1
  argus_log "postgres up on 127.0.0.1:$port (data $pg/data) in $(($(argus_now_ms) - t0)) ms"
}

argus_pg_stop() {
  local pg=${1:-}/pg bin pid
  [[ -n ${1:-} && -f $pg/data/postmaster.pid ]] || return 0
  # Use the binaries of the major version that created the cluster.
  bin=/usr/lib/postgresql/$(cat "$pg/data/PG_VERSION" 2>/dev/null)/bin
  _argus_pg_run "$bin/pg_ctl" -D "$pg/data" -m immediate -w -t 10 -s stop >/dev/null 2>&1 && return 0
  # Fallback: SIGQUIT (= immediate shutdown) to the postmaster, but only if that pid
  # really is this cluster's postmaster (a stale pid file may point at a reused pid).
  pid=$(head -n1 "$pg/data/postmaster.pid" 2>/dev/null) || true
  if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pg/data"; then
    kill -QUIT "$pid" 2>/dev/null || true
  fi
  return 0
}
