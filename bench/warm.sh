#!/usr/bin/env bash
# Warm workers against a bare `podman run`, in one run: POST /job -> succeeded one at a time (warm and cold function),
# and JOBS (default 200) jobs at once on a warm function against bare runs two at a time. The report is also written
# to bench/results/warm.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./wharf install
./mvnw -B -q package -DskipTests
CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/etc/containers.conf}" ./mvnw -B -q -pl e2e -am test -Dtest=WarmBench \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.warm.jobs="${JOBS:-200}" -Dbench.rounds="${ROUNDS:-12}"
cat bench/results/warm.txt
