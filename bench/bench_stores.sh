#!/bin/bash
# bench_stores.sh - the compliance reports on both stores: the 3,000-school
# demo city on SQLite, copied to PostgreSQL (`db copy`), then
# `report all --jobs 1` (every district's workbook and the city's, one
# thread) and `report city --jobs 1` RUNS times on each store, in turn,
# with the median wall and CPU seconds of each printed and the ratio
# PostgreSQL / SQLite (issue 13's target: within 1.5 on wall time).
#
#   SR_TEST_PG=$(bash scripts/pg-cluster.sh start DIR auto) bench/bench_stores.sh [BUILD] [DEMO_DIR] [RUNS]
#
# BUILD defaults to ./build (build it Release for figures worth
# quoting), DEMO_DIR to /tmp/gdemo (built with `schoolrisk demo` when it
# holds no database), RUNS to 3.  The CPU seconds are the client's
# (schoolrisk's); the server's work shows in the wall time, and depends
# on how the server is set up: the test cluster's defaults, or
# deploy.md §13's memory (SR_PG_CONF, scripts/pg-cluster.sh).
# SR_BENCH_PG_DB, when set, is the URI of a PostgreSQL database that
# already holds DEMO_DIR's database (`db copy` done): it is used as it
# is, not copied again (bench_province.sh does so, the copy of a
# province taking minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build}")/schoolrisk
DIR=${2:-/tmp/gdemo}
RUNS=${3:-3}
: "${SR_TEST_PG:?set SR_TEST_PG (scripts/pg-cluster.sh start DIR auto)}"

if [ ! -f "$DIR/schoolrisk.db" ]; then
    "$BIN" demo --dir "$DIR" --indicators indicators >/dev/null
fi
LITE=$DIR/schoolrisk.db
if [ -n "${SR_BENCH_PG_DB:-}" ]; then
    PG=$SR_BENCH_PG_DB
else
    PG=$(tests/pg/newdb.sh bench_stores)
    "$BIN" db copy "$LITE" "$PG" >/dev/null
    # The copy ends with VACUUM (ANALYZE), but the test cluster commits
    # with synchronous_commit off, and rows whose commit is not yet
    # flushed are not marked all-visible: vacuum again, as autovacuum
    # would, so that both stores are timed in their steady state.
    "${SR_PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql" -X -q -d "$PG" \
        -c "VACUUM (ANALYZE)"
fi
OUT=$(mktemp -d /tmp/bench_stores.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# median of the numbers on stdin
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# time_it NAME DB ARGS...: RUNS runs, "wall cpu" medians on stdout.
time_it() {
    local db=$1 i
    shift
    : >"$OUT/times"
    for i in $(seq 1 "$RUNS"); do
        /usr/bin/time -f '%e %U %S' -o "$OUT/t" "$BIN" "$@" --db "$db" >/dev/null
        awk '{print $1, $2 + $3}' "$OUT/t" >>"$OUT/times"
    done
    echo "$(cut -d' ' -f1 "$OUT/times" | median) $(cut -d' ' -f2 "$OUT/times" | median)"
}

printf '%-14s %-10s %8s %8s\n' "report" "store" "wall s" "cpu s"
for what in all city; do
    if [ "$what" = all ]; then
        args=(report all --period 2026 --out-dir "$OUT" --jobs 1)
    else
        args=(report city --period 2026 -o "$OUT/city.xlsx" --jobs 1)
    fi
    read -r lw lc <<<"$(time_it "$LITE" "${args[@]}")"
    read -r pw pc <<<"$(time_it "$PG" "${args[@]}")"
    printf '%-14s %-10s %8s %8s\n' "$what" SQLite "$lw" "$lc"
    printf '%-14s %-10s %8s %8s   wall ratio %.2f\n' "$what" PostgreSQL "$pw" "$pc" \
        "$(echo "$pw / $lw" | bc -l)"
done
