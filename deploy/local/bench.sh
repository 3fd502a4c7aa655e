#!/usr/bin/env bash
# Benchmarks over real sockets against throwaway servers. The last line printed is one JSON object.
# Usage: ./deploy/local/bench.sh unary    [--concurrency N] [--seconds N] [--warmup N]
#        ./deploy/local/bench.sh exchange [--seconds N] [--warmup N] [--rate N]
#        ./deploy/local/bench.sh evidence [--megabytes N]   (1024 by default: 1 GiB up and down)
#        ./deploy/local/bench.sh intercepts [--messages N]  (2,000,000 by default; on PostgreSQL)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/deploy/local/lib/postgres.sh"
source "$root/deploy/local/lib/rabbitmq.sh"
argus_require_dotnet
case ${1:-} in
  unary | exchange | evidence | intercepts) ;;
  *) argus_log "usage: bench.sh unary|exchange|evidence|intercepts [--concurrency N] [--seconds N] [--warmup N] [--megabytes N] [--messages N]"; exit 64 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/argus-bench.XXXXXX")
cleanup() {
  argus_rabbit_stop "$work"
  argus_pg_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

argus_pg_start "$work"
[[ $1 == exchange || $1 == intercepts ]] && argus_rabbit_start "$work"
dotnet build "$root/tests/Argus.Benchmarks" -c Release -nologo -clp:ErrorsOnly -v quiet
# As the services run (services/Argus.Agency/README.md): `unary` hosts them in this process.
DOTNET_TC_CallCountingDelayMs=0 dotnet "$root/tests/Argus.Benchmarks/bin/Release/net10.0/Argus.Benchmarks.dll" "$@"
