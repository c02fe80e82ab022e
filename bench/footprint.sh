#!/usr/bin/env bash
# Start-up time and idle RSS of the event-gateway and the job-dispatcher (issue 13's targets: <= 1.0 s, <= 150 MiB),
# with the JVM options that ship (etc/jvm.options, and the AppCDS archive ./wharf up makes) beside the plain JVM
# (java -jar, no options) and beside the shipped options without the archive (what the tests and k8s/ run).
# On a real platform: NATS and MinIO from ./wharf up (process executor); each service is started RUNS times per
# variant, interleaved, and the median is printed. Start = the "started in" Quarkus logs; RSS = ps after IDLE seconds.
#
#   bench/footprint.sh                 RUNS=3 IDLE=10; about 3 minutes once the jars are built
#
# Writes bench/results/footprint.txt, and bench/results/footprint.rows for bench/run-all.
# docs/adr/0013-native-image-and-jvm-tuning.md explains the options.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
RUNS="${RUNS:-3}"
IDLE="${IDLE:-10}"
STATE="$ROOT/.wharf"
results="$ROOT/bench/results"
mkdir -p "$results"

was_up=0
[ -f "$STATE/run/gateway.pid" ] && kill -0 "$(cat "$STATE/run/gateway.pid")" 2>/dev/null && was_up=1
export WHARF_EXECUTOR="${WHARF_EXECUTOR:-process}"
./wharf up >/dev/null || { echo "footprint: ./wharf up failed" >&2; exit 1; }

jar_of() { case "$1" in gateway) echo "$ROOT/event-gateway/target/quarkus-app/quarkus-run.jar" ;;
  dispatcher) echo "$ROOT/job-dispatcher/target/quarkus-app/quarkus-run.jar" ;; esac; }
archive_of() { echo "$STATE/cds/$1-$(java -version 2>&1 | cksum | cut -d' ' -f1).jsa"; }

stop_wharfs() { # the instance ./wharf up started, so that the port is free
  local pid
  pid="$(cat "$STATE/run/$1.pid" 2>/dev/null)" || return 0
  kill "$pid" 2>/dev/null
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$STATE/run/$1.pid"
}

# one start: prints "<seconds> <MiB>"
measure() { # service, then java options
  local svc="$1" log pid i started rss
  shift
  log="$(mktemp)"
  java "$@" -Dquarkus.config.locations="file:$STATE/$svc.properties" -jar "$(jar_of "$svc")" >"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 1200); do
    grep -q 'started in' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  started="$(grep -o 'started in [0-9.]*s' "$log" | grep -o '[0-9.]*' | head -1)"
  sleep "$IDLE"
  rss="$(ps -o rss= -p "$pid" 2>/dev/null)"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$log"
  echo "${started:-nan} $(( ${rss:-0} / 1024 ))"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'; }

variants=(plain shipped-no-cds shipped)
options() { # variant, service
  case "$1" in
    plain) ;;
    shipped-no-cds) echo "@$ROOT/etc/jvm.options" ;;
    shipped) echo "@$ROOT/etc/jvm.options -Xlog:cds=off -XX:SharedArchiveFile=$(archive_of "$2")" ;;
  esac
}

declare -A start rss
for svc in gateway dispatcher; do
  stop_wharfs "$svc"
  archive="$(archive_of "$svc")"
  if ! { [ -s "$archive" ] && [ "$archive" -nt "$(jar_of "$svc")" ]; }; then
    # the archive ./wharf up makes on a first run: the classes of a start and a few idle seconds
    mkdir -p "$STATE/cds"
    rm -f "$STATE/cds/$svc-"*.jsa
    measure "$svc" "@$ROOT/etc/jvm.options" -Xlog:cds=off "-XX:ArchiveClassesAtExit=$archive" >/dev/null
  fi
  for r in $(seq 1 "$RUNS"); do
    for v in "${variants[@]}"; do
      # shellcheck disable=SC2046
      read -r s m < <(measure "$svc" $(options "$v" "$svc"))
      printf '  %-10s %-15s run %d: started in %ss, idle RSS %s MiB (load %s)\n' "$svc" "$v" "$r" "$s" "$m" \
        "$(cut -d' ' -f1 /proc/loadavg)" >&2
      start[$svc.$v]+="$s"$'\n'
      rss[$svc.$v]+="$m"$'\n'
    done
  done
done

./wharf up >/dev/null
[ "$was_up" = 1 ] || ./wharf down >/dev/null

{
  printf 'Footprint of the services, %s, commit %s, %s core(s), median of %s starts, RSS after %ss idle\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD)" "$(nproc)" "$RUNS" "$IDLE"
  printf '  %-10s %-45s %10s %12s\n' service "JVM options" start "idle RSS"
  for svc in gateway dispatcher; do
    for v in "${variants[@]}"; do
      case "$v" in
        plain) label="plain JVM (java -jar)" ;;
        shipped-no-cds) label="etc/jvm.options (tests, k8s/)" ;;
        shipped) label="etc/jvm.options + AppCDS (./wharf up)" ;;
      esac
      printf '  %-10s %-45s %9ss %8s MiB\n' "$svc" "$label" "$(printf '%s' "${start[$svc.$v]}" | median)" \
        "$(printf '%s' "${rss[$svc.$v]}" | median)"
    done
  done
  printf '  targets: start <= 1.0 s, idle RSS <= 150 MiB; a trivial Quarkus JVM REST app: 0.94 s, 73 MB\n'
} | tee "$results/footprint.txt"

# rows for bench/run-all: figure|Wharf|floor|Wharf/floor, the floor being the plain JVM of the same run
: >"$results/footprint.rows"
for svc in gateway dispatcher; do
  s1="$(printf '%s' "${start[$svc.shipped]}" | median)" s0="$(printf '%s' "${start[$svc.plain]}" | median)"
  m1="$(printf '%s' "${rss[$svc.shipped]}" | median)" m0="$(printf '%s' "${rss[$svc.plain]}" | median)"
  awk -v svc="$svc" -v s1="$s1" -v s0="$s0" -v m1="$m1" -v m0="$m0" 'BEGIN {
    printf "%s start, shipped options + AppCDS (target 1.0 s)|%s s|%s s plain JVM|%.2f\n", svc, s1, s0,
      (s0 > 0 ? s1 / s0 : 0)
    printf "%s idle RSS, shipped options + AppCDS (target 150 MiB)|%s MiB|%s MiB plain JVM|%.2f\n", svc, m1, m0,
      (m0 > 0 ? m1 / m0 : 0)
  }' >>"$results/footprint.rows"
done
