#!/usr/bin/env bash
# `npm run demo`: a whole PDB relocation on the lab, from nothing. Installs and builds if
# needed, starts a throwaway Temporal dev server + lab + worker (`orb dev`) in a temporary
# state directory, runs `orb demo`, stops everything and exits with the demo's status.
# ORB_DEMO_KEEP=1 keeps the server running after the demo (to look around in the Web UI)
# until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { printf '== %s\n' "$*"; }

# shellcheck source=scripts/ensure-deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/ensure-deps.sh"

ensure_deps
ORB_TEMPORAL_CLI=$(bash scripts/temporal-cli.sh)
export ORB_TEMPORAL_CLI
say "building"
npm run --silent build

state=$(mktemp -d "${TMPDIR:-/tmp}/orb-demo.XXXXXX")
cli="$root/dist/client/cli.js"

# The demo runs against its own local server and the lab's estate: ignore the caller's
# Temporal settings (profiles, cloud API keys, TLS) and estate file.
for v in $(compgen -e | grep '^TEMPORAL_' || true); do unset "$v"; done
unset ORB_ESTATE ORB_TASK_QUEUE
export TEMPORAL_CONFIG_FILE="$state/no-temporal-config.toml"

# The usual ports when free, else any free port (an `orb dev` may be running already).
read -r tport uport lport < <(node -e '
const net = require("node:net");
const free = (p) => new Promise((res) => { const s = net.createServer(); s.once("error", () => res(null));
  s.listen(p, "127.0.0.1", () => { const got = s.address().port; s.close(() => res(got)); }); });
(async () => { const out = [];
  for (const p of [7233, 8233, 7480]) { let got = await free(p); while (got === null || out.includes(got)) got = await free(0); out.push(got); }
  console.log(out.join(" ")); })();')

dev_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$dev_pid" ]] && kill -0 "$dev_pid" 2>/dev/null; then
    kill -INT "$dev_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$dev_pid" 2>/dev/null || true
  fi
  if ((rc == 0)); then rm -rf "$state"; else echo "orb demo: logs kept in $state (dev.log, temporal.log)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting a throwaway Temporal dev server, the lab and a worker (state in $state)"
(cd "$state" && exec node "$cli" dev --port "$tport" --ui-port "$uport" --lab-port "$lport" \
  --state-dir "$state" --ready-file "$state/ready.json") >"$state/dev.log" 2>&1 &
dev_pid=$!

for _ in $(seq 1 240); do
  [[ -f "$state/ready.json" ]] && break
  if ! kill -0 "$dev_pid" 2>/dev/null; then
    echo "orb demo: orb dev exited before it was ready:" >&2
    tail -n 30 "$state/dev.log" >&2
    exit 3
  fi
  sleep 0.5
done
if [[ ! -f "$state/ready.json" ]]; then
  echo "orb demo: orb dev was not ready after 120s:" >&2
  tail -n 30 "$state/dev.log" >&2
  exit 3
fi

export TEMPORAL_ADDRESS="127.0.0.1:$tport" ORB_UI_URL="http://127.0.0.1:$uport" ORB_LAB_URL="http://127.0.0.1:$lport"
say "Temporal Web UI: $ORB_UI_URL   lab: $ORB_LAB_URL"
echo
set +e
(cd "$state" && node "$cli" demo)
rc=$?
set -e

if [[ "${ORB_DEMO_KEEP:-}" == "1" ]]; then
  echo
  say "ORB_DEMO_KEEP=1: still running — Web UI $ORB_UI_URL; Ctrl-C stops everything"
  trap 'exit "$rc"' INT TERM
  wait "$dev_pid" || true
fi
exit "$rc"
