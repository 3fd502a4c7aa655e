#!/usr/bin/env bash
# The run command: builds the suite, creates the local development PKI once, starts the identity
# server and the Dutch and Belgian agency services on TLS, registers their clients, prints the
# endpoints and plays the Argus scenario through the public gRPC API with certificate-bound tokens.
# Usage: ./deploy/local/run.sh [--once] [--fresh]
#   --once   exit after the scenario: 0 only if every step was verified by reading the data back
#   --fresh  forget the data of earlier runs (deploy/local/.state) first
# Ports: ARGUS_IDENTITY_PORT (5100), ARGUS_NL_PORT (5101), ARGUS_BE_PORT (5102).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/deploy/local/lib/rabbitmq.sh"
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
identity_port=${ARGUS_IDENTITY_PORT:-5100}
nl_port=${ARGUS_NL_PORT:-5101}
be_port=${ARGUS_BE_PORT:-5102}
for port in "$identity_port" "$nl_port" "$be_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    argus_log "port $port is in use; stop what listens there or set ARGUS_IDENTITY_PORT / ARGUS_NL_PORT / ARGUS_BE_PORT"
    exit 1
  fi
done

argus_log "building (Release)"
dotnet build "$root/Argus.Micro.sln" -c Release -nologo -clp:ErrorsOnly -v quiet
bin() { echo "$root/services/$1/bin/Release/net10.0/$2.dll"; }
argus() { dotnet "$(bin Argus.Cli argus)" "$@"; }

# The local development CA and certificates, created once (git-ignored).
pki=$state/pki
argus dev-pki init --dir "$pki" >/dev/null

pids=()
rabbit=$(mktemp -d "${TMPDIR:-/tmp}/argus-run-rabbit.XXXXXX")
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  argus_rabbit_stop "$rabbit"
  rm -rf "$rabbit"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# A throwaway RabbitMQ node for the events (installed from Debian's package when missing).
argus_rabbit_start "$rabbit"

issuer="https://localhost:$identity_port/"
mkdir -p "$state/identity"
dotnet "$(bin Argus.Identity Argus.Identity)" \
  --Kestrel:Endpoints:Https:Url="https://localhost:$identity_port" \
  --Kestrel:Endpoints:Https:Certificate:Path="$pki/identity.crt" \
  --Kestrel:Endpoints:Https:Certificate:KeyPath="$pki/identity.key" \
  --Identity:Issuer="$issuer" \
  --Identity:ClientCaCertificatePath="$pki/ca.crt" \
  --Argus:DataDirectory="$state/identity" >"$state/logs/identity.log" 2>&1 &
pids+=($!)

export ARGUS_ADMIN_CREDENTIALS=$state/identity/bootstrap-admin.json ARGUS_CA=$pki/ca.crt
for _ in $(seq 1 120); do
  [[ -f $ARGUS_ADMIN_CREDENTIALS ]] && argus clients list >/dev/null 2>&1 && break
  sleep 0.5
done
argus clients list >/dev/null || { argus_log "the identity server did not come up; see $state/logs/identity.log"; exit 1; }

# register ID ARGS...: a client; when it exists already (run.sh ran before on the same data), bring
# its audiences and scopes up to date instead.
register() {
  local id=$1 update=()
  shift
  if ! argus clients show "$id" >/dev/null 2>&1; then
    argus clients create "$id" "$@" >/dev/null
    return
  fi
  while (($#)); do
    case $1 in --audience | --scope) update+=("$1" "$2"); shift ;; esac
    shift
  done
  argus clients update "$id" "${update[@]}" >/dev/null
}
register argus-nl --kind agency-service --agency nl --auth mtls --cert "$pki/argus-nl.crt" --display-name "Netherlands agency service" \
  --audience urn:argus:agency:be --scope argus.exchange \
  --scope argus.operations.read --scope argus.searches.read --scope argus.arrests.read --scope argus.evidence.read --scope argus.intercepts.read
register argus-be --kind agency-service --agency be --auth mtls --cert "$pki/argus-be.crt" --display-name "Belgium agency service" \
  --audience urn:argus:agency:nl --scope argus.exchange \
  --scope argus.operations.read --scope argus.searches.read --scope argus.arrests.read --scope argus.evidence.read --scope argus.intercepts.read
# Investigators' systems: each writes its own agency's records, shares them and reads partners'.
for agency in nl be; do
  register "investigator-$agency" --kind partner-system --agency "$agency" --auth mtls --cert "$pki/investigator-$agency.crt" \
    --display-name "Investigation system ($agency)" --audience "urn:argus:agency:$agency" \
    --scope argus.operations.read --scope argus.operations.write --scope argus.searches.read --scope argus.searches.write \
    --scope argus.arrests.read --scope argus.arrests.write --scope argus.evidence.read --scope argus.evidence.write --scope argus.intercepts.read --scope argus.intercepts.write \
    --scope argus.admin.read --scope argus.exchange
done
# A JIT-wide tool: acts for no agency, so it may only read, at both.
register partner-demo --kind partner-system --auth mtls --cert "$pki/partner-demo.crt" --display-name "JIT-wide dashboard (read-only)" \
  --audience urn:argus:agency:nl --audience urn:argus:agency:be \
  --scope argus.operations.read --scope argus.searches.read --scope argus.arrests.read --scope argus.evidence.read --scope argus.intercepts.read

register argus-auditor --kind partner-system --auth secret --display-name "Data protection auditor" \
  --audience urn:argus:agency:nl --audience urn:argus:agency:be --scope argus.admin.read
# The auditor's secret is shown once, at creation; keep it (owner-only) for `argus audit`.
auditor=$state/identity/auditor.json
if [[ ! -f $auditor ]]; then
  secret=$(argus clients rotate-secret argus-auditor --json | grep -o '"clientSecret": *"[^"]*"' | cut -d'"' -f4)
  (umask 077 && printf '{"clientId":"argus-auditor","clientSecret":"%s","issuer":"%s"}\n' "$secret" "$issuer" >"$auditor")
fi

# start NAME PROJECT PORT PARTNER PARTNER_PORT: one agency service in its own process, with its own data.
start() {
  local name=$1 project=$2 port=$3 partner=$4 partner_port=$5
  mkdir -p "$state/$name"
  # The runtime counts calls to optimise a hot method only after 100 ms without new code being
  # compiled, which a service under load never has: its hot path stayed unoptimised for minutes.
  # A runtime setting read from the environment only (services/Argus.Agency/README.md).
  DOTNET_TC_CallCountingDelayMs=0 dotnet "$(bin "$project" "$project")" \
    --Kestrel:Endpoints:Grpc:Url="https://127.0.0.1:$port" \
    --Kestrel:Endpoints:Grpc:Certificate:Path="$pki/$name-server.crt" \
    --Kestrel:Endpoints:Grpc:Certificate:KeyPath="$pki/$name-server.key" \
    --Argus:Auth:Authority="$issuer" \
    --Argus:Auth:CaCertificatePath="$pki/ca.crt" \
    --Argus:Credentials:ClientId="argus-$name" \
    --Argus:Credentials:CertificatePath="$pki/argus-$name.crt" \
    --Argus:Credentials:KeyPath="$pki/argus-$name.key" \
    --Argus:Partners:"$partner":Address="https://127.0.0.1:$partner_port" \
    --Argus:RabbitMq:Uri="$ARGUS_RABBITMQ" \
    --Argus:DataDirectory="$state/$name" >"$state/logs/$name.log" 2>&1 &
  pids+=($!)
}
start nl Argus.Netherlands "$nl_port" Be "$be_port"
start be Argus.Belgium "$be_port" Nl "$nl_port"

cat <<TXT

Argus.Micro is starting (TLS everywhere; every call needs a token from the identity server):
  Identity server              https://localhost:$identity_port   (discovery: ${issuer}.well-known/openid-configuration)
  Netherlands agency service   https://127.0.0.1:$nl_port   (SQLite: $state/nl)
  Belgium agency service       https://127.0.0.1:$be_port   (SQLite: $state/be)
  RabbitMQ (events)            amqp://…@${ARGUS_RABBITMQ#*@} (node $ARGUS_RABBITMQ_NODE; exchanges argus.*, routing key = agency)
  Logs                         $state/logs/
  Development CA               $pki/ca.crt (client certificates and keys next to it)
  Credentials                  administrator: $ARGUS_ADMIN_CREDENTIALS (owner-only)
                               auditor (argus audit): $auditor (owner-only)
                               argus-nl, argus-be, investigator-nl, investigator-be, partner-demo (JIT-wide, read-only):
                               mutual TLS with $pki/<client>.crt and .key
  Administer:  ARGUS_ADMIN_CREDENTIALS=$ARGUS_ADMIN_CREDENTIALS ARGUS_CA=$ARGUS_CA \\
               dotnet $(bin Argus.Cli argus) clients list
  Explore:     npx -y @bufbuild/buf curl --protocol grpc --cacert $pki/ca.crt --list-methods https://127.0.0.1:$nl_port

TXT

set +e
dotnet "$(bin Argus.Scenario Argus.Scenario)" --nl "https://127.0.0.1:$nl_port" --be "https://127.0.0.1:$be_port" \
  --identity "$issuer" --pki "$pki" --wait-seconds 60 --evidence-item-file "$state/scenario-handset.txt"
status=$?
# The handset the scenario sent to Belgium: its custody as a table, then a court package that
# verifies with nothing but sha256sum. As the Dutch investigator's own client.
investigator=$state/identity/investigator-nl.json
printf '{"clientId":"investigator-nl","certificatePath":"%s","keyPath":"%s","issuer":"%s"}\n' \
  "$pki/investigator-nl.crt" "$pki/investigator-nl.key" "$issuer" >"$investigator"
if [[ -s $state/scenario-handset.txt ]]; then
  handset=$(cat "$state/scenario-handset.txt")
  export_dir=$state/exports/$(date -u +%Y%m%dT%H%M%S)
  argus evidence custody --agency "https://127.0.0.1:$nl_port" --agency-code nl --item "$handset" --credentials "$investigator" || status=1
  if argus evidence export --agency "https://127.0.0.1:$nl_port" --agency-code nl --item "$handset" --out "$export_dir" --credentials "$investigator" \
    && (cd "$export_dir" && sha256sum -c manifest.sha256); then
    argus_log "custody export of $handset verifies with sha256sum -c ($export_dir)"
  else
    argus_log "the custody export of $handset did not verify"
    status=1
  fi
else
  argus_log "the scenario registered no handset; no custody export"
  status=1
fi
# The processing logs (Art. 25) must verify: every step above left hash-chained entries.
# Each also against the heads of it the other agency witnessed (signed by the owner, kept by the partner).
for agency in "nl $nl_port be $be_port" "be $be_port nl $nl_port"; do
  set -- $agency
  argus audit verify --agency "https://127.0.0.1:$2" --agency-code "$1" --witness "https://127.0.0.1:$4" --witness-code "$3" \
    --credentials "$auditor" || status=1
done
set -e

if $once; then
  exit "$status"
fi
if ((status != 0)); then
  argus_log "the scenario did not verify (exit $status); the services keep running for inspection"
fi
argus_log "serving until Ctrl-C"
wait
