#!/usr/bin/env bash
# `npm test`: installs dependencies if needed, makes sure a Temporal CLI is available
# (tests run their own dev servers), builds (tsc + workflow bundle), then runs every
# test with node's own runner.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '\n== %s\n' "$*"; }

# npm ci when node_modules is missing or does not match package-lock.json. The stamp
# records the lockfile's hash after a successful install; without one, `npm ls` (offline)
# decides whether the installed tree satisfies package.json.
ensure_deps() {
  local stamp=node_modules/.orb-package-lock.sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ -d node_modules && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  if [[ -d node_modules && ! -f "$stamp" ]] && npm ls --all >/dev/null 2>&1; then
    echo "$want" >"$stamp"
    return 0
  fi
  say "installing dependencies (npm ci)"
  npm ci
  echo "$want" >"$stamp"
}

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
