#!/bin/bash
# bench_province.sh - a province on both stores: `schoolrisk demo
# --schools N` (default 40,000) builds the SQLite database (the registry
# and a year of assessments and hazards through the library), `db copy`
# moves it into PostgreSQL (the chain verified on both sides),
# bench_stores.sh times `report all` and `report city` on each store
# (on that copy: SR_BENCH_PG_DB), bench_writers.sh the submissions per
# second of 1 to 16 writers on each (on a copy of the SQLite file, and
# into the PostgreSQL copy), and bench_service a working day's load
# (--seconds SECONDS, default 120) on each (a copy of the SQLite file
# again, and the PostgreSQL copy).
# Each step's wall time is printed, with the database's size and rows.
#
#   SR_TEST_PG=$(bash scripts/pg-cluster.sh start PGDIR auto) bench/bench_province.sh [BUILD] [DIR] [SCHOOLS] [RUNS] [PGDIR] [SECONDS]
#
# BUILD defaults to ./build (Release for figures worth quoting), DIR to
# /tmp/province (kept: a second run reuses its database), SCHOOLS to
# 40000, RUNS to 1; PGDIR, the cluster's directory, lets bench_writers
# count the PostgreSQL server's CPU.  Needs about 10 GB of disk for
# 40,000 schools (the database, its PostgreSQL copy, and a copy of the
# file at a time).  A cluster started with PostgreSQL's defaults times
# the throwaway server; for a server as deploy.md §13 tunes one, start
# it with SR_PG_CONF=$'shared_buffers = 6GB\nhuge_pages = on' after
# reserving the huge pages (scripts/pg-cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(realpath "${1:-build}")
BIN=$BUILD/schoolrisk
DIR=${2:-/tmp/province}
SCHOOLS=${3:-40000}
RUNS=${4:-1}
PGDIR=${5:-}
SERVICE_SECONDS=${6:-120}
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

# Then the writes, into the copies: the PostgreSQL database is changed.
echo
SR_BENCH_PG_DB=$PG bench/bench_writers.sh "$BUILD" "$DIR" 10 "$PGDIR"
echo
cp "$LITE" "$DIR/service.db"
trap 'rm -f "$DIR/service.db"' EXIT
echo "bench_service, SQLite:"
"$BUILD/bench_service" --db "$DIR/service.db" --seconds "$SERVICE_SECONDS"
rm -f "$DIR/service.db"
echo "bench_service, PostgreSQL:"
"$BUILD/bench_service" --db "$PG" --seconds "$SERVICE_SECONDS"
