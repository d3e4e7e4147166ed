#!/usr/bin/env bash
# `npm test`: installs dependencies if needed, makes sure a Temporal CLI is available
# (tests run their own dev servers), builds (tsc + workflow bundle), then runs every
# test with node's own runner.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n== %s\n' "$*"; }

# shellcheck source=scripts/ensure-deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"

ensure_deps

say "Temporal CLI"
ORB_TEMPORAL_CLI=$(bash scripts/temporal-cli.sh)
export ORB_TEMPORAL_CLI
"$ORB_TEMPORAL_CLI" --version

say "build"
rm -rf dist # no stale compiled tests from deleted sources
npm run --silent build

say "tests"
shopt -s nullglob
tests=(dist/test/*.test.js)
if ((${#tests[@]} == 0)); then
  echo "no tests found in dist/test" >&2
  exit 1
fi
exec node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout "${tests[@]}"
