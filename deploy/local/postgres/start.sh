#!/usr/bin/env bash
# Starts the local PostgreSQL cluster "main" (installing PostgreSQL with apt if missing) and
# creates the app role and database. Idempotent.
# Progress goes to stderr; stdout is only the line `export DATABASE_URL=postgresql://...`, so:
#   eval "$(bash deploy/local/postgres/start.sh)"
# Env: PGPORT (5432), INGEST_DB_USER (shelly), INGEST_DB_PASSWORD (ingest-local-password),
#      INGEST_DB_NAME (shelly_ingest), PG_VERSION (highest installed major).
set -euo pipefail
shopt -s nullglob

PGPORT="${PGPORT:-5432}"
DB_USER="${INGEST_DB_USER:-shelly}"
DB_PASSWORD="${INGEST_DB_PASSWORD:-ingest-local-password}"
DB_NAME="${INGEST_DB_NAME:-shelly_ingest}"
CLUSTER=main

log() { echo "[postgres] $*" >&2; }

installed_version() {
  local bins=(/usr/lib/postgresql/*/bin/postgres)
  ((${#bins[@]})) || return 0
  printf '%s\n' "${bins[@]}" | cut -d/ -f5 | sort -n | tail -n 1
}

urlencode() {
  local LC_ALL=C s="$1" c i out=""
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9._~-]) out+="$c" ;;
      *) printf -v c '%%%02X' "'$c"; out+="$c" ;;
    esac
  done
  printf '%s' "$out"
}

if [[ -z "$(installed_version)" ]] || ! command -v pg_ctlcluster >/dev/null; then
  log "PostgreSQL server not found, installing it with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
fi
PG_VERSION="${PG_VERSION:-$(installed_version)}"

if [[ ! -f "/etc/postgresql/$PG_VERSION/$CLUSTER/postgresql.conf" ]]; then
  log "creating cluster $PG_VERSION/$CLUSTER"
  pg_createcluster "$PG_VERSION" "$CLUSTER" --port "$PGPORT" >&2
fi

running() { pg_ctlcluster "$PG_VERSION" "$CLUSTER" status >/dev/null 2>&1; }

port="$(pg_conftool -s "$PG_VERSION" "$CLUSTER" show port)"
if [[ "$port" != "$PGPORT" ]]; then
  if running; then
    log "cluster $PG_VERSION/$CLUSTER is running on port $port, not PGPORT=$PGPORT; run stop.sh first to switch"
    exit 1
  fi
  pg_conftool "$PG_VERSION" "$CLUSTER" set port "$PGPORT"
fi

if running; then
  log "cluster $PG_VERSION/$CLUSTER already running on port $PGPORT"
else
  log "starting cluster $PG_VERSION/$CLUSTER on port $PGPORT"
  pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2
fi
for _ in $(seq 60); do
  pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break
  sleep 0.5
done

# As the postgres superuser over the Unix socket (peer auth); cd / avoids "could not change directory".
(cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres \
  -v user="$DB_USER" -v password="$DB_PASSWORD" -v db="$DB_NAME") >&2 <<'SQL'
SELECT format('CREATE ROLE %I', :'user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL

url="postgresql://$(urlencode "$DB_USER"):$(urlencode "$DB_PASSWORD")@127.0.0.1:$PGPORT/$(urlencode "$DB_NAME")"
# The app connects with a password over TCP, so check exactly that (pg_hba must allow it).
if ! psql -X -q -At "$url" -c 'select 1' >/dev/null; then
  log "password login as $DB_USER over TCP to 127.0.0.1:$PGPORT failed; check /etc/postgresql/$PG_VERSION/$CLUSTER/pg_hba.conf"
  exit 1
fi
log "ready: database $DB_NAME, role $DB_USER"
printf 'export DATABASE_URL=%q\n' "$url"
