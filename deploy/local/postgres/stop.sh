#!/usr/bin/env bash
# Stops the local PostgreSQL cluster "main" started by start.sh. Prints nothing on stdout;
# exits 0 when it is already stopped or PostgreSQL is not installed.
# Env: PG_VERSION (highest installed major).
set -euo pipefail
shopt -s nullglob

CLUSTER=main
log() { echo "[postgres] $*" >&2; }

bins=(/usr/lib/postgresql/*/bin/postgres)
if ! command -v pg_ctlcluster >/dev/null || ((${#bins[@]} == 0)); then
  log "PostgreSQL is not installed"
  exit 0
fi
PG_VERSION="${PG_VERSION:-$(printf '%s\n' "${bins[@]}" | cut -d/ -f5 | sort -n | tail -n 1)}"

if pg_ctlcluster "$PG_VERSION" "$CLUSTER" status >/dev/null 2>&1; then
  log "stopping cluster $PG_VERSION/$CLUSTER"
  pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop >&2
else
  log "cluster $PG_VERSION/$CLUSTER is not running"
fi
