#!/bin/bash
# bench_writers.sh - submissions per second at 1, 2, 4, 8 and 16
# concurrent writers, on SQLite and on PostgreSQL (issue 13's curve),
# through the service: bench_writers (bench/bench_writers.c) on a small
# demo city's SQLite file, then on its PostgreSQL copy (`db copy`).
#
#   SR_TEST_PG=$(bash scripts/pg-cluster.sh start DIR auto) \
#       bench/bench_writers.sh [BUILD] [DEMO_DIR] [SECONDS] [PGDIR]
#
# BUILD defaults to ./build (build it Release for figures worth
# quoting), DEMO_DIR to /tmp/wdemo (a 200-school demo city is built
# there when it holds no database; each run works on copies, so the
# points start from the same data), SECONDS (a point) to 10.  PGDIR, the
# DIR given to pg-cluster.sh, lets the PostgreSQL server's CPU be
# counted (its postmaster's pid).  Each store ends with `audit verify`
# on the database the writers wrote.  SR_BENCH_PG_DB, when set, is the
# URI of a PostgreSQL database that already holds DEMO_DIR's database
# (`db copy` done, as bench_province.sh leaves it): the writers write
# into it instead of a new copy (a province's copy takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(realpath "${1:-build}")
DIR=${2:-/tmp/wdemo}
SECONDS_A_POINT=${3:-10}
PGDIR=${4:-}
: "${SR_TEST_PG:?set SR_TEST_PG (scripts/pg-cluster.sh start DIR auto)}"
export SCHOOLRISK_INDICATORS=$PWD/indicators
WRITERS=${SR_BENCH_WRITERS:-1,2,4,8,16}

if [ ! -f "$DIR/schoolrisk.db" ]; then
    "$BUILD/schoolrisk" demo --dir "$DIR" --schools 200 --indicators indicators >/dev/null
fi
OUT=$(mktemp -d /tmp/bench_writers.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

cp "$DIR/schoolrisk.db" "$OUT/lite.db"
"$BUILD/bench_writers" --db "$OUT/lite.db" --writers "$WRITERS" \
    --seconds "$SECONDS_A_POINT" 2> >(grep -v '^schoolrisk: ' >&2)
"$BUILD/schoolrisk" audit verify --db "$OUT/lite.db"
echo

if [ -n "${SR_BENCH_PG_DB:-}" ]; then
    PG=$SR_BENCH_PG_DB
else
    PG=$(tests/pg/newdb.sh bench_writers)
    "$BUILD/schoolrisk" db copy "$DIR/schoolrisk.db" "$PG" >/dev/null
fi
pid=0
[ -n "$PGDIR" ] && pid=$(head -1 "$PGDIR/data/postmaster.pid")
"$BUILD/bench_writers" --db "$PG" --writers "$WRITERS" \
    --seconds "$SECONDS_A_POINT" --pg-pid "$pid" 2> >(grep -v '^schoolrisk: ' >&2)
"$BUILD/schoolrisk" audit verify --db "$PG"
