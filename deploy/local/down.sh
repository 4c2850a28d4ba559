#!/usr/bin/env bash
# Stops Kafka and Postgres started by up.sh; exits 0 when they are not running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/kafka/stop.sh"
"$here/postgres/stop.sh"
