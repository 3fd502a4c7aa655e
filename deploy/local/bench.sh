#!/usr/bin/env bash
# Benchmarks over real sockets against throwaway servers. The last line printed is one JSON object.
# Usage: ./deploy/local/bench.sh unary [--concurrency N] [--seconds N] [--warmup N]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/deploy/local/lib/postgres.sh"
argus_require_dotnet
[[ ${1:-} == unary ]] || { argus_log "usage: bench.sh unary [--concurrency N] [--seconds N] [--warmup N]"; exit 64; }

work=$(mktemp -d "${TMPDIR:-/tmp}/argus-bench.XXXXXX")
cleanup() {
  argus_pg_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

argus_pg_start "$work"
dotnet build "$root/tests/Argus.Benchmarks" -c Release -nologo -clp:ErrorsOnly -v quiet
dotnet "$root/tests/Argus.Benchmarks/bin/Release/net10.0/Argus.Benchmarks.dll" "$@"
