#!/usr/bin/env bash
# Recompiles the contracts into a temporary folder and fails, naming each file, when a fresh compile differs
# from the artifacts committed in contracts/artifacts/ (or when one is missing on either side).
# Run from anywhere; needs `npm ci` to have installed solc and @openzeppelin/contracts.
set -euo pipefail

contracts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
committed="$contracts_dir/artifacts"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT

node "$contracts_dir/scripts/compile.mjs" --out "$fresh" >/dev/null

status=0
for file in "$fresh"/*.json; do
  name="$(basename "$file")"
  if [[ ! -f "$committed/$name" ]]; then
    echo "check-artifacts: contracts/artifacts/$name is missing (a fresh compile produces it)" >&2
    status=1
  elif ! cmp -s "$file" "$committed/$name"; then
    echo "check-artifacts: contracts/artifacts/$name differs from a fresh compile; run node contracts/scripts/compile.mjs and commit it" >&2
    diff <(head -c 2000 "$committed/$name") <(head -c 2000 "$file") | head -n 20 >&2 || true
    status=1
  fi
done
for file in "$committed"/*.json; do
  [[ -e "$file" ]] || continue
  name="$(basename "$file")"
  if [[ ! -f "$fresh/$name" ]]; then
    echo "check-artifacts: contracts/artifacts/$name is committed but a fresh compile does not produce it" >&2
    status=1
  fi
done

if [[ $status -eq 0 ]]; then
  echo "check-artifacts: $(ls "$fresh" | wc -l) artifacts match a fresh compile"
fi
exit $status
