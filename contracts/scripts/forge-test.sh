#!/usr/bin/env bash
# Runs the forge suite in contracts/test offline, compiling with the pinned solc-js through scripts/solc-wrapper,
# and prints forge's output with its summary line. Extra arguments go to `forge test` (for example --gas-report,
# --match-contract GasTest, -vvv). Exits non-zero when any test fails or forge cannot run.
# Run from anywhere after `npm ci`.
#
# The npm launcher node_modules/.bin/forge does not pass forge's exit status on (it exits 0 even when tests
# fail), so this runs the platform binary it would have started, and also checks forge's summary line.
set -euo pipefail

contracts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
modules="$contracts_dir/../node_modules/@foundry-rs"

forge=""
for candidate in "$modules"/forge-*/bin/forge; do
  if [[ -x "$candidate" ]] && "$candidate" --version >/dev/null 2>&1; then
    forge="$candidate"
    break
  fi
done
if [[ -z "$forge" ]]; then
  echo "forge-test: no runnable forge binary under $modules/forge-*/bin; run npm ci in the repository root" >&2
  exit 1
fi

output="$(mktemp)"
trap 'rm -f "$output"' EXIT

cd "$contracts_dir"
set +e
"$forge" test --offline --use "$contracts_dir/scripts/solc-wrapper" "$@" 2>&1 | tee "$output"
status=${PIPESTATUS[0]}
set -e

if [[ $status -ne 0 ]]; then
  echo "forge-test: forge exited with status $status" >&2
  exit "$status"
fi
summary="$(grep -E '^Ran [0-9]+ test suites? in .*tests? passed, [0-9]+ failed' "$output" | tail -n 1 || true)"
if [[ -z "$summary" ]]; then
  echo "forge-test: forge printed no test summary" >&2
  exit 1
fi
if ! grep -qE ', 0 failed,' <<<"$summary"; then
  echo "forge-test: failing tests: $summary" >&2
  exit 1
fi
