# Sourced by test.sh and demo.sh: installs node_modules when it is missing or does not
# match package-lock.json. The stamp records the lockfile's hash after a successful install;
# without one, `npm ls` (offline) decides whether the installed tree satisfies package.json.
#
# `npm install` rather than `npm ci`: the lockfile cannot list the optional platform builds
# of @swc/core for other systems (darwin, win32, ...) when the registry in use does not serve
# them, and `npm ci` refuses such a lockfile as "out of sync". `npm install` installs exactly
# the locked versions for this platform; the check below makes sure it left the lock as it was.
ensure_deps() {
  local stamp=node_modules/.orb-package-lock.sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [[ -d node_modules && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  if [[ -d node_modules && ! -f "$stamp" ]] && npm ls --all >/dev/null 2>&1; then
    echo "$want" >"$stamp"
    return 0
  fi
  printf '== %s\n' "installing dependencies (npm install, versions from package-lock.json)"
  npm install --no-audit --no-fund
  if [[ "$(sha256sum package-lock.json | cut -d' ' -f1)" != "$want" ]]; then
    echo "npm install changed package-lock.json: commit the new lockfile or restore it (git checkout package-lock.json)" >&2
    return 1
  fi
  echo "$want" >"$stamp"
}
