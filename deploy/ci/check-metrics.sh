#!/usr/bin/env bash
# Checks the service's live metrics: runs the built service against the Shelly cloud simulator on
# the local Postgres and Kafka (a fresh, migrated database; topics under a prefix of their own, both
# removed at the end),
# grants consents through real signed callbacks, lets status frames and a few malformed ones flow,
# then scrapes /metrics and
#   - runs `promtool check metrics` on the scrape (Debian package `prometheus`), failing on any
#     problem it reports;
#   - compares the scrape's shelly_ingest_* metrics and types with the catalog in
#     docs/operations.md;
# and finally sends SIGTERM and expects exit code 0 within SHUTDOWN_GRACE_MS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

GRACE_MS=15000
TAG=ITG_METRICS_CHECK
TOKEN="metrics-check-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d)"
pids=()
database_url=""
topic_prefix=""

step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok   %s\n' "$*"; }
fail() {
  printf 'FAIL %s\n' "$*" >&2
  for log in "$WORK"/*.log; do
    [[ -s "$log" ]] && { printf -- '--- %s (last lines)\n' "$(basename "$log")" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# Runs a small Node script with the project's pg client; admin work on the database server.
pg_admin() { node -e "$1" "${@:2}"; }

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n "$database_url" ]]; then
    pg_admin '
      const { Client } = require("pg");
      const c = new Client({ connectionString: process.argv[1] });
      c.connect().then(() => c.query(`DROP DATABASE IF EXISTS "${process.argv[2]}" WITH (FORCE)`))
        .finally(() => c.end());' "$DATABASE_URL" "$db_name" || true
  fi
  if [[ -n "$topic_prefix" ]]; then
    bash deploy/local/kafka/delete-topics.sh "$topic_prefix" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Waits up to $1 seconds for command "${@:2}" to succeed.
wait_for() {
  local seconds=$1
  shift
  for ((i = 0; i < seconds * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); });'
}

# ---------------------------------------------------------------------------------------- tools
step "tools"
if ! command -v promtool >/dev/null; then
  echo "installing promtool (Debian package prometheus)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
echo "promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}')"
npm run build --silent >"$WORK/build.log" 2>&1 || fail "npm run build"
ok "built dist/"
eval "$(bash deploy/local/up.sh 2>"$WORK/services.log")"
ok "Postgres and Kafka: DATABASE_URL and KAFKA_BROKERS set"

# ------------------------------------------------------------------------------------- database
step "a fresh database"
db_name="metrics_check_$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')"
topic_prefix="metrics-check-$db_name."
pg_admin '
  const { Client } = require("pg");
  const c = new Client({ connectionString: process.argv[1] });
  c.connect().then(() => c.query(`CREATE DATABASE "${process.argv[2]}"`)).finally(() => c.end());' \
  "$DATABASE_URL" "$db_name" || fail "CREATE DATABASE $db_name"
database_url="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2];
  console.log(u.toString())' "$DATABASE_URL" "$db_name")"
DATABASE_URL="$database_url" node dist/cli/main.js migrate >"$WORK/migrate.log" 2>&1 ||
  fail "migrate"
ok "database $db_name migrated"

# ---------------------------------------------------------------------- simulator and service
step "simulator and service"
sim_port="$(free_port)"
service_port="$(free_port)"
management_port="$(free_port)"
sim="http://127.0.0.1:$sim_port"
service="http://127.0.0.1:$service_port"
management="http://127.0.0.1:$management_port"
node dist/cli/main.js simulate --port "$sim_port" --integrator "$TAG=$TOKEN" --seed 7 \
  --callback-url "$service/v1/shelly/consent" --public-key-out "$WORK/scl-trust.pem" \
  --update-interval 250 >"$WORK/simulator.log" 2>&1 &
pids+=($!)
wait_for 20 curl -sf "$sim/simulator/status" || fail "the simulator did not start"
ok "simulator on $sim"

env -i PATH="$PATH" HOME="$HOME" \
  DATABASE_URL="$database_url" KAFKA_BROKERS="$KAFKA_BROKERS" \
  KAFKA_TOPIC_PREFIX="$topic_prefix" KAFKA_TOPIC_PARTITIONS=1 \
  SHELLY_INTEGRATOR_TAG="$TAG" SHELLY_INTEGRATOR_TOKEN="$TOKEN" \
  SHELLY_TOKEN_URL="$sim/integrator/get_access_token" \
  SHELLY_WS_URL_TEMPLATE="ws://127.0.0.1:$sim_port/{host}/shelly/wss/hk_sock?t={token}" \
  SHELLY_ALLOW_INSECURE=true \
  SHELLY_CONSENT_PUBLIC_KEY="$(cat "$WORK/scl-trust.pem")" \
  API_KEY_PEPPER="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" \
  HTTP_HOST=127.0.0.1 HTTP_PORT="$service_port" MANAGEMENT_PORT="$management_port" SHUTDOWN_GRACE_MS="$GRACE_MS" LOG_LEVEL=warn \
  node dist/main.js >"$WORK/service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
wait_for 30 curl -sf "$management/health/live" || fail "the service did not start"
ok "service on $service, management port $management"

grants="$(curl -sf -X POST -H 'content-type: application/json' -d '{"userId":48213}' \
  "$sim/simulator/consents")" || fail "granting consents"
ok "consents granted through signed callbacks: $(printf '%s' "$grants" | head -c 200)"
wait_for 20 curl -sf "$management/health/ready" || fail "not ready: $(curl -s "$management/health/ready")"
ok "ready: $(curl -s "$management/health/ready")"
for host in shelly-103-eu.shelly.cloud shelly-77-eu.shelly.cloud; do
  for kind in not-json missing-event unknown-event; do
    curl -sf -X POST -H 'content-type: application/json' \
      -d "{\"fault\":\"malformed\",\"host\":\"$host\",\"kind\":\"$kind\"}" \
      "$sim/simulator/faults" >/dev/null || fail "malformed frame $kind"
  done
done
published() {
  curl -sf "$management/metrics" |
    awk '/^shelly_ingest_events_published_total\{/ { n += $NF } END { exit !(n >= 100) }'
}
wait_for 30 published || fail "fewer than 100 events published"
ok "frames flow: $(curl -sf "$management/metrics" |
  awk '/^shelly_ingest_events_published_total\{/ { n += $NF } END { print n }') events published"

# ---------------------------------------------------------------------------------------- scrape
step "scrape"
curl -sf "$management/metrics" >"$WORK/metrics.txt" || fail "GET /metrics"
ok "$(grep -c '^[a-z]' "$WORK/metrics.txt") samples of $(grep -c '^# TYPE' "$WORK/metrics.txt") metrics"
if ! promtool check metrics <"$WORK/metrics.txt" >"$WORK/promtool.log" 2>&1 || [[ -s "$WORK/promtool.log" ]]; then
  cat "$WORK/promtool.log" >&2
  fail "promtool check metrics"
fi
ok "promtool check metrics: no problems"

# The catalog rows of docs/operations.md: | `name` | type | labels | meaning |
awk -F'|' '$2 ~ /^ *`shelly_ingest_[a-z0-9_]+` *$/ {
    gsub(/[ `]/, "", $2); gsub(/ /, "", $3); print $2, $3 }' docs/operations.md | sort >"$WORK/catalog.txt"
awk '$1 == "#" && $2 == "TYPE" && $3 ~ /^shelly_ingest_/ { print $3, $4 }' "$WORK/metrics.txt" |
  sort >"$WORK/scraped.txt"
if ! diff -u "$WORK/catalog.txt" "$WORK/scraped.txt" >"$WORK/catalog.diff"; then
  cat "$WORK/catalog.diff" >&2
  fail "metrics catalog of docs/operations.md (-) and the scrape (+) differ"
fi
ok "docs/operations.md catalog lists the $(wc -l <"$WORK/scraped.txt") shelly_ingest_* metrics of the scrape, with their types"

# ------------------------------------------------------------------------------------- shutdown
step "SIGTERM"
started=$(date +%s%N)
kill -TERM "$service_pid"
status=0
wait "$service_pid" || status=$?
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
((status == 0)) || fail "the service exited with $status after SIGTERM"
((elapsed_ms <= GRACE_MS)) || fail "the service took ${elapsed_ms} ms to exit (grace ${GRACE_MS} ms)"
ok "exit 0 after ${elapsed_ms} ms"

printf '\nall metrics checks passed\n'
