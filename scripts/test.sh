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

# The contracts: a fresh compile must equal the committed artifacts, then forge's suites. forge ends with
# "Ran N test suites in ...: X tests passed, Y failed, Z skipped (T total tests)"; its counts join the total.
echo "== contracts: committed artifacts against a fresh compile"
if ! bash contracts/scripts/check-artifacts.sh; then
    echo "contracts/artifacts differ from a fresh compile: run node contracts/scripts/compile.mjs and commit"
    status=1
fi
echo "== contracts: forge"
forge_log="$(mktemp)"
if ! bash contracts/scripts/forge-test.sh 2>&1 | tee "$forge_log"; then
    status=1
fi
read -r forge_passed forge_failed forge_skipped < <(sed -E 's/\x1b\[[0-9;]*m//g' "$forge_log" | awk '
    /^Ran [0-9]+ test suites?/ {
        if (match($0, /[0-9]+ tests? passed/)) p = substr($0, RSTART, RLENGTH) + 0
        if (match($0, /[0-9]+ failed/)) f = substr($0, RSTART, RLENGTH) + 0
        if (match($0, /[0-9]+ skipped/)) s = substr($0, RSTART, RLENGTH) + 0
    }
    END { printf "%d %d %d\n", p, f, s }')
rm -f "$forge_log"
if [ "$forge_passed" -eq 0 ]; then
    echo "forge ran no tests"; status=1
fi

# Each project ends with "Total tests: N" then "Passed: N", "Failed: N", "Skipped: N" lines (the ones
# that are zero are left out by the runner).
read -r passed failed skipped < <(awk '
    /^Total tests:/ { in_summary = 1; next }
    in_summary && /^ *Passed: *[0-9]+/ { sub(/.*Passed: */, ""); p += $1; next }
    in_summary && /^ *Failed: *[0-9]+/ { sub(/.*Failed: */, ""); f += $1; next }
    in_summary && /^ *Skipped: *[0-9]+/ { sub(/.*Skipped: */, ""); s += $1; next }
    in_summary && /Total time:/ { in_summary = 0 }
    END { printf "%d %d %d\n", p, f, s }' "$log")
passed=$((passed + forge_passed)); failed=$((failed + forge_failed)); skipped=$((skipped + forge_skipped))
echo
# The names of the tests that failed, just above the summary: CI shows only the tail of the output.
if grep -qE '^\s+Failed [A-Za-z_]' "$log"; then
    echo "Failed tests:"
    grep -E '^\s+Failed [A-Za-z_]' "$log" | sed -E 's/^\s+/  /' | sort -u
fi
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped (forge: ${forge_passed} passed, ${forge_failed} failed)"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    status=1
fi
exit "$status"
