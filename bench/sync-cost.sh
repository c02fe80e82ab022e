#!/usr/bin/env bash
# What sync_interval: always costs (nats-server syncs every acked message to disk, so a kill -9 loses no accepted
# event): raw jnats publishes of envelope-sized messages to a file stream, against nats-server with Wharf's setting
# and with its default (sync every 2 minutes), in the same run. Prints the table and writes
# bench/results/sync-cost.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./wharf install
./mvnw -B -q install -DskipTests -pl contracts,testing,jetstream -am
./mvnw -B -q -pl jetstream test -Dtest=SyncCostBench -Dsurefire.failIfNoSpecifiedTests=false
cat bench/results/sync-cost.txt
