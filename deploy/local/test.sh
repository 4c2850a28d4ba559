#!/usr/bin/env bash
# Runs the whole test suite on this machine, on the Node.js of .node-version (deploy/local/node.sh),
# against a real Postgres and a real Kafka broker, which it installs and starts when needed (see
# deploy/local/up.sh). The services stay up afterwards for faster re-runs; `npm run services:down`
# stops them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/local/node.sh
eval "$(bash deploy/local/up.sh)"
echo "Node.js: $(node --version)" >&2
echo "Postgres: $(psql "$DATABASE_URL" -tAc 'select version()')" >&2
echo "Kafka broker: $(bash deploy/local/kafka/run-class.sh kafka.Kafka --version 2>/dev/null) at $KAFKA_BROKERS" >&2
npm test
