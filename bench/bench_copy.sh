#!/bin/bash
# bench_copy.sh - `schoolrisk db copy` of the 3,000-school demo city:
# SQLite -> PostgreSQL -> SQLite, with the time of each copy (which
# includes verifying the audit chain on both sides) printed.
#
#   SR_TEST_PG=$(bash scripts/pg-cluster.sh start DIR auto) bench/bench_copy.sh [BUILD] [DEMO_DIR]
#
# BUILD defaults to ./build, DEMO_DIR to /tmp/gdemo (built with
# `schoolrisk demo` when it holds no database yet).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build}/schoolrisk
DIR=${2:-/tmp/gdemo}
: "${SR_TEST_PG:?set SR_TEST_PG (scripts/pg-cluster.sh start DIR auto)}"

if [ ! -f "$DIR/schoolrisk.db" ]; then
    start=$(date +%s.%N)
    "$BIN" demo --dir "$DIR" --indicators indicators >/dev/null
    printf 'demo city built in %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
fi
printf 'source: %s, %s bytes\n' "$DIR/schoolrisk.db" "$(stat -c %s "$DIR/schoolrisk.db")"
for t in schools assessments answers scores hazards hazard_events audit; do
    printf '  %-14s %8s rows\n' "$t" "$(sqlite3 "$DIR/schoolrisk.db" "SELECT count(*) FROM $t")"
done
PG=$(tests/pg/newdb.sh bench_copy)
BACK=$(mktemp -u /tmp/bench_copy.XXXXXX.db)
for step in "$DIR/schoolrisk.db|$PG|SQLite -> PostgreSQL" "$PG|$BACK|PostgreSQL -> SQLite"; do
    IFS='|' read -r from to what <<<"$step"
    start=$(date +%s.%N)
    out=$("$BIN" db copy "$from" "$to")
    printf '%-22s %6.1f s  %s\n' "$what" "$(echo "$(date +%s.%N) - $start" | bc)" "$out"
done
rm -f "$BACK" "$BACK-wal" "$BACK-shm"
