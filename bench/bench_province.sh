#!/bin/bash
# bench_province.sh - a province on both stores: `schoolrisk demo
# --schools N` (default 40,000) builds the SQLite database (the registry
# and a year of assessments and hazards through the library), `db copy`
# moves it into PostgreSQL (the chain verified on both sides), and
# bench_stores.sh times `report all` and `report city` on each store
# (on that copy: SR_BENCH_PG_DB).
# Each step's wall time is printed, with the database's size and rows.
#
#   SR_TEST_PG=$(bash scripts/pg-cluster.sh start DIR auto) bench/bench_province.sh [BUILD] [DIR] [SCHOOLS] [RUNS]
#
# BUILD defaults to ./build (Release for figures worth quoting), DIR to
# /tmp/province (kept: a second run reuses its database), SCHOOLS to
# 40000, RUNS to 1.  Needs about 5 GB of disk for 40,000 schools.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(realpath "${1:-build}")
BIN=$BUILD/schoolrisk
DIR=${2:-/tmp/province}
SCHOOLS=${3:-40000}
RUNS=${4:-1}
: "${SR_TEST_PG:?set SR_TEST_PG (scripts/pg-cluster.sh start DIR auto)}"

secs_since() { echo "$(date +%s.%N) - $1" | bc; }

if [ ! -f "$DIR/schoolrisk.db" ]; then
    start=$(date +%s.%N)
    "$BIN" demo --dir "$DIR" --schools "$SCHOOLS" --indicators indicators >/dev/null
    printf '%-34s %8.1f s\n' "demo, $SCHOOLS schools (SQLite)" "$(secs_since "$start")"
fi
LITE=$DIR/schoolrisk.db
printf 'SQLite database: %s bytes\n' "$(stat -c %s "$LITE")"
for t in schools assessments answers hazards audit; do
    printf '  %-14s %10s rows\n' "$t" "$(sqlite3 "$LITE" "SELECT count(*) FROM $t")"
done

PG=$(tests/pg/newdb.sh bench_province)
start=$(date +%s.%N)
"$BIN" db copy "$LITE" "$PG" >/dev/null
printf '%-34s %8.1f s\n' "db copy SQLite -> PostgreSQL" "$(secs_since "$start")"
start=$(date +%s.%N)
"$BIN" audit verify --db "$PG" >/dev/null
printf '%-34s %8.1f s\n' "audit verify (PostgreSQL)" "$(secs_since "$start")"
start=$(date +%s.%N)
"$BIN" audit verify --db "$LITE" >/dev/null
printf '%-34s %8.1f s\n' "audit verify (SQLite)" "$(secs_since "$start")"

# The reports on the database just copied: no second copy.
SR_BENCH_PG_DB=$PG bench/bench_stores.sh "$BUILD" "$DIR" "$RUNS"
