#!/usr/bin/env bash
# Stops the broker started by start.sh (SIGTERM for a controlled shutdown, SIGKILL after 30 s).
# Prints nothing on stdout; exits 0 when no broker is running.
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! pid="$(running_pid)"; then
  log "not running"
  rm -f "$KAFKA_PID_FILE"
  exit 0
fi
log "stopping pid $pid"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 60); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
  log "still running after 30s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
fi
rm -f "$KAFKA_PID_FILE"
log "stopped"
