#!/usr/bin/env bash
# Runs every test project of the solution and prints one summary line at the end:
# "Tests: N passed, N failed, N skipped". Exits non-zero when any test failed or a project did not run.
set -uo pipefail
configuration="${1:-Release}"
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
for project in tests/*/*.csproj; do
    echo "== $project"
    if ! dotnet test "$project" -c "$configuration" --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee -a "$log"; then
        status=1
    fi
done

# Each project ends with a line like "Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42".
read -r passed failed skipped < <(grep -E 'Failed: *[0-9]+, Passed: *[0-9]+, Skipped: *[0-9]+' "$log" |
    sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3} END {printf "%d %d %d\n", p, f, s}')
echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    status=1
fi
exit "$status"
