#!/usr/bin/env bash
# Deletes the topics whose names start with PREFIX on the broker at KAFKA_BROKERS (default the local
# one), with Kafka's own TopicCommand; succeeds when there are none. Scripts that run the service
# under a topic prefix of their own call it when done, so that a long-lived local broker does not
# pile up topics that slow every later run.
#   bash deploy/local/kafka/delete-topics.sh PREFIX
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $# -eq 1 && -n "$1" ]] || { echo "usage: $0 PREFIX" >&2; exit 2; }
# TopicCommand takes a regular expression: the prefix with its regex metacharacters escaped.
pattern="$(printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g').*"
exec "$KAFKA_DIR/run-class.sh" org.apache.kafka.tools.TopicCommand \
  --bootstrap-server "${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}" --delete --if-exists --topic "$pattern"
