#!/usr/bin/env bash
# Starts a single-node KRaft Kafka broker on 127.0.0.1 in the background (idempotent).
# Progress goes to stderr; stdout is only the line `export KAFKA_BROKERS=127.0.0.1:<port>`, so:
#   eval "$(bash deploy/local/kafka/start.sh)"
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_STATE_DIR (/tmp/shelly-ingest-kafka),
#      KAFKA_CACHE_DIR (~/.cache/shelly-ingest-kafka), KAFKA_HEAP_OPTS, KAFKA_CLUSTER_ID.
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Any 22-char base64url UUID works; a fixed one keeps re-formatting deterministic.
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-c2hlbGx5LWluZ2VzdC0xAA}"
START_TIMEOUT=90

print_env() { echo "export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"; }

if pid="$(running_pid)"; then
  if port_open "$KAFKA_PORT"; then
    log "already running (pid $pid)"
    print_env
    exit 0
  fi
  log "pid $pid from $KAFKA_PID_FILE is alive but port $KAFKA_PORT is closed; stop it with stop.sh first"
  exit 1
fi
rm -f "$KAFKA_PID_FILE"
for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
  if port_open "$port"; then
    log "port $port on 127.0.0.1 is already in use by another process (not started by this script)"
    exit 1
  fi
done

resolve_jars

mkdir -p "$KAFKA_STATE_DIR"
config="$KAFKA_STATE_DIR/server.properties"
sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_STATE_DIR@|$KAFKA_STATE_DIR|g" \
    "$KAFKA_DIR/server.properties" >"$config"

classpath="$KAFKA_LIBS_DIR/*"
java -Dlog4j2.configurationFile="$KAFKA_DIR/tools-log4j2.properties" -cp "$classpath" \
  kafka.tools.StorageTool format \
  --config "$config" --cluster-id "$KAFKA_CLUSTER_ID" --ignore-formatted >&2

[[ -f "$KAFKA_LOG_FILE" ]] && mv "$KAFKA_LOG_FILE" "$KAFKA_LOG_FILE.1"
read -ra heap_opts <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
log "starting broker (log: $KAFKA_LOG_FILE)"
# setsid detaches the broker from the caller's session; the inner shell writes its own pid and
# execs java, so the pid file always names the JVM.
# shellcheck disable=SC2016
setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID_FILE" \
  java "${heap_opts[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -cp "$classpath" kafka.Kafka "$config" \
  </dev/null >"$KAFKA_LOG_FILE" 2>&1 &

fail() {
  log "$1; last lines of $KAFKA_LOG_FILE:"
  tail -n 40 "$KAFKA_LOG_FILE" >&2 || true
  exit 1
}

started=$SECONDS
while true; do
  sleep 0.5
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  if [[ -n "$pid" ]]; then
    kill -0 "$pid" 2>/dev/null || fail "broker exited during startup"
    grep -q 'Kafka Server started' "$KAFKA_LOG_FILE" && port_open "$KAFKA_PORT" && break
  fi
  ((SECONDS - started < START_TIMEOUT)) ||
    fail "broker did not come up within ${START_TIMEOUT}s (pid ${pid:-?} left running; stop.sh stops it)"
done
log "started (pid $pid) in $((SECONDS - started))s"
print_env
