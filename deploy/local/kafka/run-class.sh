#!/usr/bin/env bash
# Runs a main class on the local Kafka classpath, like Kafka's kafka-run-class.sh, e.g.
#   deploy/local/kafka/run-class.sh org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#   deploy/local/kafka/run-class.sh org.apache.kafka.tools.ProducerPerformance --help
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $# -ge 1 ]] || { echo "usage: $0 MAIN_CLASS [ARGS...]" >&2; exit 2; }
resolve_jars
# Tools log at WARN to stderr so their normal output stays readable.
read -ra opts <<<"${KAFKA_TOOL_OPTS:--Xmx512m}"
exec java "${opts[@]}" \
  -Dlog4j2.configurationFile="$KAFKA_DIR/tools-log4j2.properties" \
  -cp "$KAFKA_LIBS_DIR/*" "$@"
