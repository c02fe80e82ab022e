#!/usr/bin/env bash
# Throughput and latency of the whole platform on this machine: FILES uploads (default 100) at once through the real
# MinIO webhook, executed by EXECUTOR (container or process) with SLOTS concurrent executions (default 2).
# Prints executions/s, upload-to-output latency percentiles, start-up time and RSS of the services; the report is
# also written to bench/results/throughput-<executor>.txt to compare run to run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./wharf install
./mvnw -B -q install -DskipTests
./mvnw -B -q -pl e2e test -Dtest=ThroughputBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.files="${FILES:-100}" -Dbench.executor="${EXECUTOR:-container}" -Dbench.concurrency="${SLOTS:-2}"
cat "bench/results/throughput-${EXECUTOR:-container}.txt"
