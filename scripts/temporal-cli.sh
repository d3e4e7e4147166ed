#!/usr/bin/env bash
# Prints (one line on stdout) the path of a `temporal` CLI that orb can use to run a
# local development server. Everything else goes to stderr.
#
#   1. $ORB_TEMPORAL_CLI, if set (must be executable);
#   2. `temporal` on PATH, if its version is 1.x or newer;
#   3. the version-keyed cache ${XDG_CACHE_HOME:-$HOME/.cache}/orb/temporal-cli/v1.5.1/temporal;
#   4. otherwise builds it into that cache with `go install` (a few minutes, once).
#
# v1.5.1 is pinned because later tags carry a `replace` directive in go.mod, which
# `go install pkg@version` refuses.
set -euo pipefail

TEMPORAL_CLI_VERSION=v1.5.1
MODULE=github.com/temporalio/cli/cmd/temporal

say() { printf 'orb: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

if [[ -n "${ORB_TEMPORAL_CLI:-}" ]]; then
  [[ -x "$ORB_TEMPORAL_CLI" ]] || die "ORB_TEMPORAL_CLI=$ORB_TEMPORAL_CLI is not an executable file"
  printf '%s\n' "$ORB_TEMPORAL_CLI"
  exit 0
fi

# `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)` -> usable when major >= 1.
if on_path=$(command -v temporal 2>/dev/null); then
  version_line=$("$on_path" --version 2>/dev/null || true)
  if [[ "$version_line" =~ version[[:space:]]+v?([0-9]+)\.([0-9]+)\.([0-9]+) ]] && (( BASH_REMATCH[1] >= 1 )); then
    printf '%s\n' "$on_path"
    exit 0
  fi
  say "ignoring $on_path (${version_line:-no version}): need temporal CLI 1.x or newer"
fi

cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/orb/temporal-cli/$TEMPORAL_CLI_VERSION"
cached="$cache_dir/temporal"
if [[ -x "$cached" ]]; then
  printf '%s\n' "$cached"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "no temporal CLI found, and Go is not installed to build one.
  Install either the Temporal CLI (https://docs.temporal.io/cli, put 'temporal' on PATH, or set ORB_TEMPORAL_CLI=/path/to/temporal)
  or Go 1.23+ (https://go.dev/dl) and run this again."

mkdir -p "$cache_dir"
# Build into a temporary directory next to the cache, then rename: an interrupted or
# failed build never leaves a half-written binary where the next run would use it.
tmp_dir=$(mktemp -d "$cache_dir/.build.XXXXXX")
trap 'rm -rf "$tmp_dir"' EXIT

say "building the Temporal CLI $TEMPORAL_CLI_VERSION with $(go version | awk '{print $3}') (one time only; this takes a few minutes)"
say "  GOBIN=$tmp_dir go install $MODULE@$TEMPORAL_CLI_VERSION"
if ! GOBIN="$tmp_dir" go install "$MODULE@$TEMPORAL_CLI_VERSION" >&2; then
  die "building the Temporal CLI failed (see the go output above). You can instead install it yourself and set ORB_TEMPORAL_CLI=/path/to/temporal"
fi
[[ -x "$tmp_dir/temporal" ]] || die "go install finished but produced no temporal binary in $tmp_dir"
mv -f "$tmp_dir/temporal" "$cached"
say "Temporal CLI ready: $cached"
printf '%s\n' "$cached"
