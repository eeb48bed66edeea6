#!/usr/bin/env bash
# Runs the forge suite in contracts/test offline, compiling with the pinned solc-js through scripts/solc-wrapper.
# Extra arguments go to `forge test` (for example --gas-report, --match-contract Gas, -vvv).
# Exits non-zero when any test fails or forge cannot run. Run from anywhere after `npm ci`.
set -euo pipefail

contracts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
forge="$contracts_dir/../node_modules/.bin/forge"
if [[ ! -x "$forge" ]]; then
  echo "forge-test: $forge is missing; run npm ci in the repository root" >&2
  exit 1
fi

cd "$contracts_dir"
exec "$forge" test --offline --use "$contracts_dir/scripts/solc-wrapper" "$@"
