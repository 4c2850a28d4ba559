# Sourced by the kafka/*.sh scripts: settings and the cached jar resolution.
# shellcheck shell=bash disable=SC2034

KAFKA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-/tmp/shelly-ingest-kafka}"
# Outside the state dir so that wiping broker data does not re-download the jars.
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shelly-ingest-kafka}"
KAFKA_LIBS_DIR="$KAFKA_CACHE_DIR/libs"
KAFKA_PID_FILE="$KAFKA_STATE_DIR/kafka.pid"
KAFKA_LOG_FILE="$KAFKA_STATE_DIR/server.log"

log() { echo "[kafka] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Pid of the broker started by start.sh, if it is still that process (pids get reused).
running_pid() {
  local pid cmd
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null)" && [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$cmd" == *" kafka.Kafka "* ]] || return 1
  echo "$pid"
}

# Copies the runtime jars into $KAFKA_LIBS_DIR unless the stamp says they match pom.xml.
resolve_jars() {
  local sum tmp
  sum="$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)"
  if [[ "$(cat "$KAFKA_LIBS_DIR/.stamp" 2>/dev/null)" == "$sum" ]]; then
    return 0
  fi
  log "resolving Kafka jars into $KAFKA_LIBS_DIR (first run downloads from Maven Central)"
  tmp="$KAFKA_LIBS_DIR.tmp"
  rm -rf "$tmp"
  mkdir -p "$KAFKA_CACHE_DIR"
  # mvn -q still prints stray ANSI resets, so its output is only shown on failure.
  if ! mvn -q -B -f "$KAFKA_DIR/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_CACHE_DIR/mvn.log" 2>&1; then
    cat "$KAFKA_CACHE_DIR/mvn.log" >&2
    log "jar resolution failed"
    return 1
  fi
  echo "$sum" >"$tmp/.stamp"
  rm -rf "$KAFKA_LIBS_DIR"
  mv "$tmp" "$KAFKA_LIBS_DIR"
}
