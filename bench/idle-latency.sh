#!/usr/bin/env bash
# Idle latency with the container executor, one request at a time: upload -> output stored and POST /job ->
# succeeded, p50 and p99 of ROUNDS (default 12), beside a bare `podman run` of the same image with the same flags
# measured in the same run. The report is also written to bench/results/idle-latency.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./wharf install
./mvnw -B -q install -DskipTests
CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/etc/containers.conf}" ./mvnw -B -q -pl e2e test -Dtest=IdleLatencyBench \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.rounds="${ROUNDS:-12}"
cat bench/results/idle-latency.txt
