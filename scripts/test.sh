#!/usr/bin/env bash
# Runs every test project of the solution and prints one summary line at the end:
# "Tests: N passed, N failed, N skipped". Exits non-zero when any test failed or a project did not run.
set -uo pipefail
configuration="${1:-Release}"
cd "$(dirname "$0")/.."
log="$(mktemp)"
# One PostgreSQL server for the whole run (the PostgreSQL store suites and the cluster tests make their
# own databases in it), torn down at the end whatever happens.
pg_folder="$(mktemp -d /tmp/ledger-test-pg.XXXXXX)"
trap 'rm -f "$log"; scripts/postgres.sh stop "$pg_folder"' EXIT
if [ -z "${LEDGER_TEST_PG:-}" ]; then
    LEDGER_TEST_PG="$(scripts/postgres.sh start "$pg_folder")" || { echo "could not start PostgreSQL for the tests" >&2; exit 1; }
    export LEDGER_TEST_PG
    echo "PostgreSQL for the tests: $LEDGER_TEST_PG"
fi

status=0
# docker-compose.yml is checked wherever a compose tool exists (no Docker engine is needed for this).
if docker compose version >/dev/null 2>&1; then compose=(docker compose); elif command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose); else compose=(); fi
if [ "${#compose[@]}" -gt 0 ]; then
    if LEDGER_OPERATOR_KEY=lk_compose_config_check "${compose[@]}" -f docker-compose.yml config --quiet; then
        echo "docker-compose.yml: valid (${compose[*]} config)"
    else
        echo "docker-compose.yml: INVALID"; status=1
    fi
else
    echo "docker-compose.yml: not checked (no docker compose here)"
fi

for project in tests/*/*.csproj; do
    echo "== $project"
    if ! dotnet test "$project" -c "$configuration" --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee -a "$log"; then
        status=1
    fi
done

# Each project ends with "Total tests: N" then "Passed: N", "Failed: N", "Skipped: N" lines (the ones
# that are zero are left out by the runner).
read -r passed failed skipped < <(awk '
    /^Total tests:/ { in_summary = 1; next }
    in_summary && /^ *Passed: *[0-9]+/ { sub(/.*Passed: */, ""); p += $1; next }
    in_summary && /^ *Failed: *[0-9]+/ { sub(/.*Failed: */, ""); f += $1; next }
    in_summary && /^ *Skipped: *[0-9]+/ { sub(/.*Skipped: */, ""); s += $1; next }
    in_summary && /Total time:/ { in_summary = 0 }
    END { printf "%d %d %d\n", p, f, s }' "$log")
echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    status=1
fi
exit "$status"
