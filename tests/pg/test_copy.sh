#!/bin/bash
# test_copy.sh - `schoolrisk db copy` (issue 13): a demo city of 60
# schools on SQLite (users, plans, a year of assessments and hazards),
# copied to PostgreSQL and from there to SQLite again, then
#   - `audit verify` intact on all three, the same records and head;
#   - `report all` for 2026Q3 on all three: every workbook, cell for cell;
#   - a target that holds data refused with the exact message, unchanged;
#   - a tampered source refused, naming the record; a NUL byte and
#     invalid UTF-8 refused for PostgreSQL, naming table, row and column,
#     and the SQLite file the copy created removed on failure.
#
# Needs $SR_TEST_PG (scripts/test.sh starts a cluster); skipped (77)
# without it, failed under CI=true.
. "$(dirname "$0")/../cli/lib.sh"

needs_pg_cluster
PG=$("$SRC/tests/pg/newdb.sh" pg_test_copy) || { echo "cannot make a database"; exit 1; }
PG2=$("$SRC/tests/pg/newdb.sh" pg_test_copy_nul) || { echo "cannot make a database"; exit 1; }
READ="$PY $SRC/tests/unit/report_xlsx_read.py"
LITE=$T/city/schoolrisk.db
BACK=$T/back.db
COPIED='^copied 25 tables \([0-9]+ rows\), [0-9]+ audit records, head [0-9a-f]{64}: verified on both, in [0-9.]+ s$'

begin "a demo city on SQLite, copied to PostgreSQL and back"
"$BIN" demo --dir city --schools 60 --indicators "$IND" >/dev/null 2>&1 || fail "demo"
run db copy "$LITE" "$PG"
rc_is 0
grep -Eq "$COPIED" "$T/out" || fail "stdout: $(cat "$T/out")"
err_empty
cp "$T/out" first.out
run db copy "$PG" "$BACK"
rc_is 0
grep -Eq "$COPIED" "$T/out" || fail "stdout: $(cat "$T/out")"
[ "$(sed 's/, in .*//' first.out)" = "$(sed 's/, in .*//' "$T/out")" ] ||
    fail "the copies differ: $(cat first.out) / $(cat "$T/out")"
end

begin "audit verify: intact on all three, the same records and head"
run audit verify --db "$LITE"
rc_is 0
cp "$T/out" lite.verify
case $(cat lite.verify) in "audit chain intact: "*" records, head "*) ;; *) fail "$(cat lite.verify)" ;; esac
for db in "$PG" "$BACK"; do
    run audit verify --db "$db"
    rc_is 0
    diff lite.verify "$T/out" >&2 || fail "$db: $(cat "$T/out")"
done
end

begin "audit verify on PostgreSQL with 64 kB of work_mem: anti-joins, no NOT IN (a scan per row once it cannot hash)"
# The checks for rows missing from the chain were NOT IN (SELECT ref FROM
# audit ...): with too little work_mem to hash the records PostgreSQL
# scans them once per row, and a province's verify never finished.  The
# plans, as auto_explain writes them to the server's log (the cluster's
# directory holds the data directory and server.log, scripts/pg-cluster.sh).
data=$("$PSQL" -X -A -t -d "$SR_TEST_PG" -c "SHOW data_directory") || fail "data_directory"
log=$(dirname "$data")/server.log
[ -f "$log" ] || fail "no server log at $log"
from=$(($(stat -c %s "$log") + 1))
PGOPTIONS="-c work_mem=64kB -c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_nested_statements=on" \
    run audit verify --db "$PG"
rc_is 0
diff lite.verify "$T/out" >&2 || fail "$(cat "$T/out")"
tail -c +"$from" "$log" >plans.log
grep -q 'Query Text: SELECT id FROM hazard_events' plans.log ||
    fail "no plan of the hazard events' check in $log"
# NOT IN's filter, hashed while the refs fit in work_mem, else a scan
# per row: the form that must not come back.
! grep -Eq 'NOT \((hashed )?SubPlan' plans.log ||
    fail "a NOT IN: $(grep -E -B3 'NOT \((hashed )?SubPlan' plans.log | head -20)"
grep -q 'Anti Join' plans.log || fail "no anti-join in the plans"
end

begin "every row the same on SQLite after the round trip"
for t in districts systems schools users plans assessments answers scores \
         baseline_items hazards hazard_events grants sessions security_events \
         registry_changes school_versions evidence checkpoints experts \
         expert_events audit plan_schools plan_experts plan_pairs signoff_events; do
    a=$(sqlite3 "$LITE" "SELECT * FROM $t ORDER BY 1, 2" | md5sum)
    b=$(sqlite3 "$BACK" "SELECT * FROM $t ORDER BY 1, 2" | md5sum)
    [ "$a" = "$b" ] || fail "table $t differs"
done
[ "$(sqlite3 "$BACK" "SELECT count(*) FROM plans WHERE state = 'published'")" -gt 0 ] ||
    fail "no published plan was copied"
[ "$("$PSQL" -X -q -At -d "$PG" -c "SELECT count(*) FROM schoolrisk.assessments WHERE status = 'submitted'")" = \
  "$(sqlite3 "$LITE" "SELECT count(*) FROM assessments WHERE status = 'submitted'")" ] ||
    fail "submitted assessments differ on PostgreSQL"
# The store writes large values compressed by lz4 (store.c, open_pg):
# every sign-off snapshot copied is, none left to pglz.
snaps=$("$PSQL" -X -q -At -F ' ' -d "$PG" -c "SELECT count(*) FILTER (WHERE pg_column_compression(snapshot) = 'lz4'), count(*) FILTER (WHERE pg_column_compression(snapshot) IS DISTINCT FROM 'lz4') FROM schoolrisk.signoff_events WHERE length(snapshot) > 4000")
case $snaps in
    "0 "*) fail "no snapshot compressed by lz4: $snaps" ;;
    *" 0") ;;
    *) fail "snapshots not compressed by lz4 (lz4, other): $snaps" ;;
esac
# The copy ends with VACUUM (ANALYZE) (copy.c): every table vacuumed and
# analyzed (pages all-visible for index-only scans; this cluster, with
# synchronous_commit off, cannot show that).  The statistics reach
# pg_stat_user_tables when the copy's backend has gone: wait for them.
for _ in $(seq 1 50); do
    left=$("$PSQL" -X -q -At -d "$PG" -c "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_stat_user_tables WHERE schemaname = 'schoolrisk' AND (last_vacuum IS NULL OR last_analyze IS NULL)")
    [ -z "$left" ] && break
    sleep 0.1
done
[ -z "$left" ] || fail "tables not vacuumed and analyzed after the copy: $left"
end

begin "report all 2026Q3: every workbook the same, cell for cell"
export SCHOOLRISK_CLOCK=2026-10-08T02:00:00Z
n=0
for db in "$LITE" "$PG" "$BACK"; do
    n=$((n + 1))
    run report all --period 2026Q3 --out-dir "r$n" --db "$db"
    rc_is 0
    for f in r$n/*.xlsx; do $READ "$f" >"$f.cells"; done
done
[ "$(ls r1/*.xlsx | wc -l)" -ge 2 ] || fail "only $(ls r1/*.xlsx | wc -l) workbooks"
for f in r1/*.xlsx; do
    b=$(basename "$f")
    [ "$(wc -l <"$f.cells")" -gt 100 ] || fail "$b: $(wc -l <"$f.cells") cells"
    diff "$f.cells" "r2/$b.cells" >&2 || fail "$b differs on PostgreSQL"
    diff "$f.cells" "r3/$b.cells" >&2 || fail "$b differs after the round trip"
done
unset SCHOOLRISK_CLOCK
end

begin "a PostgreSQL copy takes new ids past the copied ones"
run users add newuser --name 新用户 --db "$PG"
rc_is 0
[ "$("$PSQL" -X -q -At -d "$PG" -c "SELECT id > (SELECT max(id) FROM schoolrisk.users WHERE login <> 'newuser') FROM schoolrisk.users WHERE login = 'newuser'")" = t ] ||
    fail "the new user's id is not past the copied ones"
end

begin "a target that holds data: refused, exactly, and unchanged"
before=$("$PSQL" -X -q -At -d "$PG" -c "SELECT count(*) FROM schoolrisk.audit")
run db copy "$LITE" "$PG"
rc_is 1
out_empty
err_is "schoolrisk: error: database '$PG' is not empty (table systems has 6 rows): db copy writes only into a new database"
[ "$("$PSQL" -X -q -At -d "$PG" -c "SELECT count(*) FROM schoolrisk.audit")" = "$before" ] ||
    fail "the target changed"
sum=$(md5sum <"$BACK")
run db copy "$LITE" "$BACK"
rc_is 1
err_is "schoolrisk: error: database '$BACK' is not empty (table systems has 6 rows): db copy writes only into a new database"
[ "$(md5sum <"$BACK")" = "$sum" ] || fail "the SQLite target changed"
end

begin "a tampered source: refused, naming the record; nothing left behind"
cp "$LITE" tampered.db
code=$(sqlite3 tampered.db "SELECT min(code) FROM schools")
sqlite3 tampered.db "UPDATE schools SET name = '篡改' WHERE code = '$code'"
run db copy tampered.db t1.db
rc_is 1
err_is "schoolrisk: error: tampered.db: the audit chain is broken: school $code was altered outside schoolrisk: its registry row no longer matches its latest recorded version"
[ ! -e t1.db ] || fail "t1.db was left behind"
end

begin "a NUL byte or invalid UTF-8 cannot go to PostgreSQL: table, row, column"
cp "$LITE" nul.db
tok=$(sqlite3 nul.db "SELECT min(token_sha256) FROM sessions")
if [ -z "$tok" ]; then
    uid=$(sqlite3 nul.db "SELECT min(id) FROM users")
    tok=0000000000000000000000000000000000000000000000000000000000000000
    sqlite3 nul.db "INSERT INTO sessions VALUES ('$tok', $uid, 'c', 'full', 1, 1, 1, NULL, NULL)"
fi
sqlite3 nul.db "UPDATE sessions SET agent = 'a' || char(0) || 'b' WHERE token_sha256 = '$tok'"
run audit verify --db nul.db
rc_is 0
run db copy nul.db "$PG2"
rc_is 1
err_is "schoolrisk: error: table sessions, row token_sha256=$tok, column agent: a NUL byte cannot be stored in PostgreSQL"
[ "$("$PSQL" -X -q -At -d "$PG2" -c "SELECT count(*) FROM schoolrisk.audit")" = 1 ] ||
    fail "rows were committed on the target"
sqlite3 nul.db "UPDATE sessions SET agent = CAST(x'61ff62' AS TEXT) WHERE token_sha256 = '$tok'"
run db copy nul.db "$PG2"
rc_is 1
err_is "schoolrisk: error: table sessions, row token_sha256=$tok, column agent: invalid UTF-8 cannot be stored in PostgreSQL"
run db copy nul.db nul-copy.db
rc_is 0
end

begin "usage"
run db copy only-one
rc_is 2
run db
rc_is 2
end

"$PSQL" -X -q -d "${SR_TEST_PG}" -c "DROP DATABASE IF EXISTS pg_test_copy WITH (FORCE)" >/dev/null 2>&1
"$PSQL" -X -q -d "${SR_TEST_PG}" -c "DROP DATABASE IF EXISTS pg_test_copy_nul WITH (FORCE)" >/dev/null 2>&1
finish
