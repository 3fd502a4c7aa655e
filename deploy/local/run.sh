#!/usr/bin/env bash
# The run command: builds the suite, starts the Dutch and Belgian agency services, prints their
# endpoints and plays the Argus scenario through the public gRPC API.
# Usage: ./deploy/local/run.sh [--once] [--fresh]
#   --once   exit after the scenario: 0 only if every step was verified by reading the data back
#   --fresh  forget the data of earlier runs (deploy/local/.state) first
# Ports: ARGUS_NL_PORT (5101), ARGUS_BE_PORT (5102).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/deploy/local/lib/common.sh"
argus_require_dotnet

once=false
fresh=false
for arg in "$@"; do
  case $arg in
    --once) once=true ;;
    --fresh) fresh=true ;;
    *) argus_log "unknown option $arg (use --once, --fresh)"; exit 64 ;;
  esac
done

state=$root/deploy/local/.state
$fresh && rm -rf "$state"
mkdir -p "$state/logs"
nl_port=${ARGUS_NL_PORT:-5101}
be_port=${ARGUS_BE_PORT:-5102}
for port in "$nl_port" "$be_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    argus_log "port $port is in use; stop what listens there or set ARGUS_NL_PORT / ARGUS_BE_PORT"
    exit 1
  fi
done

argus_log "building (Release)"
dotnet build "$root/Argus.Micro.sln" -c Release -nologo -clp:ErrorsOnly -v quiet

pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# start NAME PROJECT PORT: one agency service in its own process, with its own data folder.
start() {
  local name=$1 project=$2 port=$3
  mkdir -p "$state/$name"
  dotnet "$root/services/$project/bin/Release/net10.0/$project.dll" \
    --Kestrel:Endpoints:Grpc:Url="http://127.0.0.1:$port" \
    --Argus:DataDirectory="$state/$name" >"$state/logs/$name.log" 2>&1 &
  pids+=($!)
}
start nl Argus.Netherlands "$nl_port"
start be Argus.Belgium "$be_port"

cat <<TXT

Argus.Micro is starting:
  Netherlands agency service  grpc h2c  http://127.0.0.1:$nl_port   (SQLite: $state/nl, log: $state/logs/nl.log)
  Belgium agency service      grpc h2c  http://127.0.0.1:$be_port   (SQLite: $state/be, log: $state/logs/be.log)
  Explore:  npx @bufbuild/buf curl --protocol grpc --http2-prior-knowledge --list-methods http://127.0.0.1:$nl_port

TXT

set +e
dotnet "$root/services/Argus.Scenario/bin/Release/net10.0/Argus.Scenario.dll" \
  --nl "http://127.0.0.1:$nl_port" --be "http://127.0.0.1:$be_port" --wait-seconds 60
status=$?
set -e

if $once; then
  exit "$status"
fi
if ((status != 0)); then
  argus_log "the scenario did not verify (exit $status); the services keep running for inspection"
fi
argus_log "serving until Ctrl-C"
wait
