#!/bin/bash
# test_same.sh - the same work gives the same records on both stores: one
# quarter of 历下区 (the registry imported, three inspections imported and
# submitted, through the CLI with the clock pinned) on SQLite and on
# PostgreSQL, then
#   - `audit verify` intact on both, with as many records;
#   - every chained record's content hash the same, record by record,
#     after the first (the new database's checkpoint, stamped with the
#     real clock at creation);
#   - the district workbook of the quarter the same, cell for cell, but
#     the audit head printed on 说明;
#   - a bad request refused with the same message on both.
#
# Needs $SR_TEST_PG (scripts/test.sh starts a cluster); skipped (77)
# without it, failed under CI=true.
. "$(dirname "$0")/../cli/lib.sh"

needs_pg_cluster
EX=$IND/examples
LITE=$T/s.db
PG=$("$SRC/tests/pg/newdb.sh" pg_test_same) || { echo "cannot make a database"; exit 1; }
export SCHOOLRISK_USER=区教体局
READ="$PY $SRC/tests/unit/report_xlsx_read.py"

"$PY" "$SRC/scripts/examples-registry.py" "$EX" >reg.csv

# work DB: the quarter, through the CLI.
work() {
    local db=$1 s code id
    SCHOOLRISK_CLOCK=2026-07-10T02:00:00Z "$BIN" init --db "$db" >/dev/null || return 1
    SCHOOLRISK_CLOCK=2026-07-10T02:00:00Z "$BIN" schools import reg.csv --db "$db" >/dev/null 2>&1 || return 1
    for s in kindergarten-1 primary-1 senior-1; do
        code=$(sed -n 's/^code *= *//p' "$EX/$s.school")
        id=$(SCHOOLRISK_CLOCK=2026-08-20T02:00:00Z "$BIN" assess new --school "$code" --date 2026-08-20 --by 张检查员 --db "$db") || return 1
        SCHOOLRISK_CLOCK=2026-08-20T02:00:00Z "$BIN" assess import "$id" "$EX/$s.csv" --db "$db" >/dev/null || return 1
        SCHOOLRISK_CLOCK=2026-08-20T03:00:00Z "$BIN" assess submit "$id" --db "$db" >/dev/null || return 1
    done
}

begin "the same quarter on SQLite and on PostgreSQL"
work "$LITE" || fail "the work on SQLite"
work "$PG" || fail "the work on PostgreSQL"
end

begin "audit verify: intact on both, as many records"
run audit verify --db "$LITE"
rc_is 0
lite=$(cat "$T/out")
run audit verify --db "$PG"
rc_is 0
pg=$(cat "$T/out")
[ "${lite% head *}" = "${pg% head *}" ] || fail "SQLite: $lite; PostgreSQL: $pg"
case $lite in "audit chain intact: 21 records,"*) ;; *) fail "unexpected: $lite" ;; esac
end

begin "every chained record's content is the same, record by record"
sqlite3 -separator '|' "$LITE" "SELECT seq, kind, ref, format, content_sha256 FROM audit WHERE seq > 1 ORDER BY seq" >lite.audit
"$PSQL" -X -q -At -d "$PG" -c "SELECT seq, kind, ref, format, content_sha256 FROM schoolrisk.audit WHERE seq > 1 ORDER BY seq" >pg.audit
[ "$(wc -l <lite.audit)" = 20 ] || fail "SQLite has $(wc -l <lite.audit) records after the first"
diff lite.audit pg.audit >&2 || fail "the records differ (diff above)"
end

begin "the district workbook: the same cells, but the audit head"
export SCHOOLRISK_CLOCK=2026-10-08T02:00:00Z
run report district 历下区 --period 2026Q3 -o lite.xlsx --db "$LITE"
rc_is 0
out_is "wrote lite.xlsx: 历下区 2026Q3, 4 schools, 3 assessed, 10 hazards"
run report district 历下区 --period 2026Q3 -o pg.xlsx --db "$PG"
rc_is 0
out_is "wrote pg.xlsx: 历下区 2026Q3, 4 schools, 3 assessed, 10 hazards"
$READ lite.xlsx | grep -v '^说明!B14=' >lite.cells
$READ pg.xlsx | grep -v '^说明!B14=' >pg.cells
[ "$(wc -l <lite.cells)" -gt 600 ] || fail "only $(wc -l <lite.cells) cells"
diff lite.cells pg.cells >&2 || fail "the workbooks differ (diff above)"
end

begin "an unknown school is refused alike, and nothing is written"
before=$("$PSQL" -X -q -At -d "$PG" -c "SELECT count(*) FROM schoolrisk.assessments")
run assess new --school 3709999999 --date 2026-08-20 --db "$LITE"
rc_is 1
cp "$T/err" lite.err
run assess new --school 3709999999 --date 2026-08-20 --db "$PG"
rc_is 1
diff lite.err "$T/err" >&2 || fail "the messages differ"
[ "$("$PSQL" -X -q -At -d "$PG" -c "SELECT count(*) FROM schoolrisk.assessments")" = "$before" ] || fail "an assessment was written"
end

"$PSQL" -X -q -d "${SR_TEST_PG}" -c "DROP DATABASE IF EXISTS pg_test_same WITH (FORCE)" >/dev/null 2>&1
finish
