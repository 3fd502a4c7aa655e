#!/usr/bin/env bash
# The test command: lints the contracts and runs every test of the solution against real,
# throwaway servers (PostgreSQL and RabbitMQ), started on free ports in a temp folder and always
# torn down.
# Usage: ./deploy/local/test.sh [extra dotnet test arguments, e.g. --filter Database=Sqlite]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$root/deploy/local/lib/postgres.sh"
source "$root/deploy/local/lib/rabbitmq.sh"
argus_require_dotnet

work=$(mktemp -d "${TMPDIR:-/tmp}/argus-test.XXXXXX")
cleanup() {
  argus_rabbit_stop "$work"
  argus_pg_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

argus_log "linting the contracts (buf lint, STANDARD rules)"
(cd "$root/protos" && argus_buf lint)

argus_log "starting throwaway PostgreSQL and RabbitMQ"
argus_pg_start "$work"
argus_rabbit_start "$work"

argus_log "building"
dotnet build "$root/Argus.Micro.sln" -c Release -nologo -clp:ErrorsOnly

argus_log "testing"
set +e
# Normal verbosity so the fault tests' reports (their counts) are in the log; the terminal gets
# everything but the line per passed test.
dotnet test "$root/Argus.Micro.sln" -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 \
  | tee "$work/test.log" | grep -Ev '^ +Passed [A-Z]|^ *Standard Output Messages:$|^\[xUnit\.net [0-9:.]+\] +(Discover|Start|Finish)'
status=${PIPESTATUS[0]}
set -e

echo "Fault tests (what each did, counted):"
grep -o 'fault test: .*' "$work/test.log" | sed 's/^/  /' || echo "  (none ran)"

# The failed tests' names and first message lines, last, so that a log's tail names what failed.
if grep -qE '^ +Failed [A-Z]' "$work/test.log"; then
  echo "Failed tests:"
  grep -E -A2 '^ +Failed [A-Z]' "$work/test.log" | grep -Ev '^ *(Error Message:)?$|^--$' | cut -c1-300 | sed 's/^ */  /'
fi

# One closing line for the whole suite, summed over the test assemblies (the console logger at
# normal verbosity ends each assembly with "Total tests: N", "Passed: N", "Failed: N").
awk '/^ +Passed: +[0-9]+ *$/ { p += $2 } /^ +Failed: +[0-9]+ *$/ { f += $2 }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$work/test.log"
exit "$status"
