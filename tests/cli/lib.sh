# Shared harness of the end-to-end tests tests/cli/test_*.sh.
#
# Every script starts with
#     . "$(dirname "$0")/lib.sh"
# and is run by ctest as
#     bash SCRIPT /path/to/schoolrisk /path/to/source-tree
# (this file is not a test itself: tests/CMakeLists.txt runs tests/cli/test_*.sh,
# so its name must never match that pattern).
#
# Sourcing it sets BIN and SRC (absolute), PY, FX, MINI, EXP, IND, CHECK and HDR,
# exports LC_ALL and SCHOOLRISK_INDICATORS, makes a scratch directory $T that is
# removed on exit, and changes into it.
#
# The store: SR_TEST_STORE=pg (with SR_TEST_PG, the test cluster's URI)
# runs the same script on PostgreSQL; unset or "sqlite", on SQLite files.
# A script makes every database with  newdb NAME  (or  copydb DB NAME),
# reads and tampers with  sql DB STATEMENT...  and  drop_trigger, and
# marks a case about SQLite itself with  sqlite_case "title"  (see below).
#
# A case is  begin "title"; run ARGS...; assertions...; end  and prints one
# line, "ok   title" or "FAIL title: reasons" (with any diff on stderr); the
# script ends with  finish,  which prints "N passed, M failed" and returns
# non-zero when anything failed.
set -u

BIN=${1:?usage: $(basename "$0") /path/to/schoolrisk /path/to/source-tree}
SRC=${2:?usage: $(basename "$0") /path/to/schoolrisk /path/to/source-tree}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=$(cd "$SRC" && pwd)
PY=/usr/bin/python3
FX=$SRC/tests/fixtures/cli
MINI=$SRC/tests/fixtures/mini.xml
EXP=$SRC/tests/cli/expected
IND=$SRC/indicators
CHECK=$SRC/tests/cli/score_check.py
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-cli-$(basename "$0" .sh).XXXXXX") || exit 1
trap 'dropdbs; rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8
export SCHOOLRISK_INDICATORS=$IND
cd "$T" || exit 1

# The header of the CSV of `indicators show` and `checklist`.
HDR='dimension_id,indicator_id,item_id,title,points,method,choices,allow_na,veto,hazard,baseline,applies_when'

# ---------------------------------------------------------------- cases
PASS=0 FAIL=0 CASE= WHY=
begin() { CASE=$1; WHY=; }
fail() { WHY="${WHY:+$WHY; }$*"; }
end() {
    if [ -z "$WHY" ]; then
        PASS=$((PASS + 1)); echo "ok   $CASE"
    else
        FAIL=$((FAIL + 1)); echo "FAIL $CASE: $WHY"
        [ -s "$T/diff" ] && sed 's/^/    /' "$T/diff" >&2
    fi
    : >"$T/diff"
}
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

# run ARGS...: the program's stdout in $T/out, stderr in $T/err, status in RC.
run() { "$BIN" "$@" >"$T/out" 2>"$T/err"; RC=$?; }

# ---------------------------------------------------------------- assertions
rc_is() { [ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"; }
same() { # what expected-file actual-file
    diff -u "$2" "$3" >>"$T/diff" || fail "$1 differs from the expected text (diff on stderr)"
}
out_is() { printf '%s\n' "$1" >"$T/exp"; same stdout "$T/exp" "$T/out"; }
err_is() { printf '%s\n' "$1" >"$T/exp"; same stderr "$T/exp" "$T/err"; }
out_empty() { [ ! -s "$T/out" ] || fail "stdout is not empty: $(head -c 200 "$T/out")"; }
err_empty() { [ ! -s "$T/err" ] || fail "stderr is not empty: $(head -c 300 "$T/err")"; }
out_has() { grep -Fxq -- "$1" "$T/out" || fail "stdout lacks the line '$1'"; }
err_has() { grep -Fxq -- "$1" "$T/err" || fail "stderr lacks the line '$1'"; }
err_line() { # N exact-line
    [ "$(sed -n "${1}p" "$T/err")" = "$2" ] || fail "stderr line $1 is '$(sed -n "${1}p" "$T/err")', expected '$2'"
}
out_lines() { local n; n=$(wc -l <"$T/out"); [ "$n" -eq "$1" ] || fail "stdout has $n lines, expected $1"; }

# csv_col FILE COLUMN: the values of one column of a CSV (show/checklist
# output), parsed with Python's csv module, one a line.
csv_col() {
    "$PY" -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    print(r[sys.argv[2]])' "$1" "$2"
}

# ---------------------------------------------------------------- the store
# SR_TEST_STORE=pg: each newdb is a fresh database on the cluster of
# $SR_TEST_PG (tests/pg/newdb.sh), named after the script, the process and
# NAME, and dropped on exit.  Without SR_TEST_PG the script is skipped (77),
# or fails under CI=true.
STORE=${SR_TEST_STORE:-sqlite}
PSQL=${SR_PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql

# The tests of tests/pg run on the cluster of $SR_TEST_PG: without it
# they are skipped (77), or fail under CI=true, where scripts/test.sh
# starts one (by hand: export SR_TEST_PG=$(scripts/pg-cluster.sh start
# $(mktemp -d) auto)).
needs_pg_cluster() {
    if [ -z "${SR_TEST_PG:-}" ]; then
        echo "SKIP: SR_TEST_PG is not set: no PostgreSQL test cluster (scripts/test.sh starts one;" \
            "by hand: export SR_TEST_PG=\$(scripts/pg-cluster.sh start \$(mktemp -d) auto))"
        [ "${CI:-}" = true ] && exit 1
        exit 77
    fi
}
case $STORE in
sqlite) ;;
pg)
    if [ -z "${SR_TEST_PG:-}" ]; then
        echo "SKIP: SR_TEST_STORE=pg but SR_TEST_PG is not set: no PostgreSQL test cluster"
        [ "${CI:-}" = true ] && exit 1
        exit 77
    fi ;;
*) echo "SR_TEST_STORE is '$STORE': sqlite or pg"; exit 1 ;;
esac
PGPFX=c_$(basename "$0" .sh | sed 's/^test_//')_$$
on_pg() { [ "$STORE" = pg ]; }

# The tests' own queries read SQLite's group_concat(X [, SEP]) on both
# stores: on PostgreSQL it is an aggregate of the schema public, which
# sql() reads and schoolrisk never does (its search_path is schoolrisk,
# pg_catalog).
GROUP_CONCAT="
CREATE FUNCTION public.sr_gc(acc text, v anyelement, sep text) RETURNS text
    LANGUAGE sql IMMUTABLE AS
    \$\$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text
                  ELSE acc || sep || v::text END \$\$;
CREATE FUNCTION public.sr_gc(acc text, v anyelement) RETURNS text
    LANGUAGE sql IMMUTABLE AS \$\$ SELECT public.sr_gc(acc, v, ',') \$\$;
CREATE AGGREGATE public.group_concat(anyelement, text) (sfunc = public.sr_gc, stype = text);
CREATE AGGREGATE public.group_concat(anyelement) (sfunc = public.sr_gc, stype = text);"

# newdb NAME: prints where a new, empty database NAME is (a file of $T
# that does not exist yet, or a PostgreSQL URI).  NAME: a-z, 0-9, _.
newdb() {
    if on_pg; then
        local uri
        uri=$("$SRC/tests/pg/newdb.sh" "${PGPFX}_$1") || return 1
        echo "${PGPFX}_$1" >>"$T/.pgdbs"
        "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$uri" -c "$GROUP_CONCAT" >/dev/null || return 1
        echo "$uri"
    else
        echo "$T/$1.db"
    fi
}

# copydb DB NAME: a copy of DB (closed: no command running on it) as a new
# database NAME; prints where it is.
copydb() {
    if on_pg; then
        local uri from=${1%%\?*}
        uri=$(newdb "$2") || return 1
        "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$SR_TEST_PG" \
            -c "DROP DATABASE ${PGPFX}_$2" \
            -c "CREATE DATABASE ${PGPFX}_$2 TEMPLATE ${from##*/}" >/dev/null || return 1
        echo "$uri"
    else
        cp "$1" "$T/$2.db" && echo "$T/$2.db"
    fi
}

# sql [-csv] [-separator SEP] DB STATEMENT...: the sqlite3 shell, or psql in the same plain
# form (columns joined by |, no header, NULL empty; -csv: CSV without a
# header), the tables of the schema schoolrisk first on the search path.
# A statement both engines read is written once; one that differs is
# written twice under  if on_pg.
sql() {
    local csv= sep='|'
    while :; do
        case $1 in
        -csv) csv=1; shift ;;
        -separator) sep=$2; shift 2 ;;
        *) break ;;
        esac
    done
    if on_pg; then
        local db=$1 a args=()
        shift
        for a in "$@"; do args+=(-c "$a"); done
        PGOPTIONS="-c search_path=schoolrisk,pg_catalog,public -c client_min_messages=warning" \
            "$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 ${csv:+--csv} -F "$sep" -d "$db" "${args[@]}"
    else
        sqlite3 ${csv:+-csv} -separator "$sep" "$@"
    fi
}

# drop_trigger DB TABLE TRIGGER: a guard lifted as a tamperer would (the
# sqlite3 shell drops it; PostgreSQL's owner disables it).
drop_trigger() {
    if on_pg; then
        sql "$1" "ALTER TABLE $2 DISABLE TRIGGER $3"
    else
        sqlite3 "$1" "DROP TRIGGER $3"
    fi
}

# sqlite_case "title": begins a case about SQLite itself and returns 0; on
# PostgreSQL prints "skip (SQLite only) title" and returns 1:
#     if sqlite_case "title"; then ...; end; fi
sqlite_case() {
    if on_pg; then
        echo "skip (SQLite only) $1"
        return 1
    fi
    begin "$1"
}

# sqlite_only "what": on PostgreSQL the rest of the script is about
# SQLite itself: prints "skip (SQLite only) what" and ends the script,
# with finish's status when cases ran before it, else 77 (skipped).
sqlite_only() {
    on_pg || return 0
    echo "skip (SQLite only) $1"
    [ $((PASS + FAIL)) -eq 0 ] && exit 77
    finish
    exit
}

# ... | joined SEP: the lines joined by SEP into one (SQLite's group_concat,
# which PostgreSQL calls string_agg).
joined() { awk -v s="$1" 'NR > 1 { printf "%s", s } { printf "%s", $0 } END { if (NR) print "" }'; }

# no_store: the script opens no database, so it is the same on both
# stores: on PostgreSQL prints "skip (no database) SCRIPT" and exits 77.
no_store() {
    on_pg || return 0
    echo "skip (no database) $(basename "$0")"
    exit 77
}

dropdbs() {
    local n
    [ -s "$T/.pgdbs" ] || return 0
    for n in $(sort -u "$T/.pgdbs"); do
        "$PSQL" -X -q -d "$SR_TEST_PG" -c "DROP DATABASE IF EXISTS $n WITH (FORCE)" >/dev/null 2>&1
    done
}
