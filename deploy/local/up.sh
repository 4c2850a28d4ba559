#!/usr/bin/env bash
# Starts Postgres and Kafka (see postgres/start.sh, kafka/start.sh). Progress goes to stderr;
# stdout is only `export DATABASE_URL=...` and `export KAFKA_BROKERS=...`, so:
#   eval "$(bash deploy/local/up.sh)"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/postgres/start.sh"
"$here/kafka/start.sh"
