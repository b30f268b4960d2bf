# test_demo.sh - `schoolrisk demo`: the demo city built in a fresh
# database, its progress lines and summary (checked against SQL on the
# database), refusing to overwrite, --force, and bad options.
. "$(dirname "$0")/lib.sh"
# `demo` builds its city in a SQLite file (DIR/schoolrisk.db).
sqlite_only "test_demo.sh: demo writes a SQLite file"

# sql DB QUERY: the first column of the first row.
sql() {
    "$PY" -c 'import sqlite3,sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print(r[0])' "$1" "$2"
}
FP="SELECT group_concat(code||name||stage||enrollment, ';') FROM (SELECT * FROM schools ORDER BY code)"
# The chain by its records' content, not by its head: the head also
# hashes the checkpoint every new database starts with, which records when
# the file was created, and the security events of the demo's sign-in
# accounts, made at the end with random passwords at the real time.
# The demo inspector's expert profile is made with the accounts, now:
# left out like the accounts' security events.
FP2="SELECT count(*)||'|'||group_concat(kind||ref||format||content_sha256, ';') FROM (SELECT * FROM audit WHERE kind NOT IN ('checkpoint', 'security') AND NOT (kind = 'expert' AND ref IN (SELECT e.id FROM expert_events e JOIN users u ON u.id = e.user WHERE u.login = 'jiancha')) ORDER BY seq)"
# What the chain holds besides submissions and hazard events: the
# checkpoint, the stored systems, the registry import, the accounts'
# security events (the expert corps' users and grants among them) and the
# expert profiles' events.
OTHER="(SELECT count(*) FROM checkpoints) + (SELECT count(*) FROM systems) + (SELECT count(*) FROM registry_changes) + (SELECT count(*) FROM security_events) + (SELECT count(*) FROM expert_events)"

begin "demo builds a small city and prints its progress and summary"
run demo --dir city --schools 40 --seed 3
rc_is 0
err_empty
out_has "demo city: 40 schools, seed 3, year 2026, database city/schoolrisk.db"
out_has "indicator systems: 6 stored"
out_has "registry: 40 schools in 16 districts imported"
[ "$(grep -c '^2026-[01][0-9]: [0-9]* assessments submitted, [0-9]* hazards raised, [0-9]* closed$' "$T/out")" -eq 12 ] ||
    fail "not twelve monthly progress lines"
A=$(sql city/schoolrisk.db "SELECT count(*) FROM assessments WHERE status = 'submitted'")
H=$(sql city/schoolrisk.db "SELECT count(*) FROM hazards")
grep -Eq "^built in [0-9]+\.[0-9] s: 6 indicator systems, 40 schools, $A assessments, $H hazards, [0-9]+ hazard steps$" "$T/out" ||
    fail "no 'built in' line with $A assessments and $H hazards"
out_has "city summary as of 2026-12-31 (达标率 and 覆盖率 of the registry's schools, as in the workbooks; hazards by status; four-100%: share of schools meeting each element, all four, district reaches)"
[ -f city/schoolrisk.db ] || fail "no database"
[ ! -e city/.demo-responses.csv ] || fail "the responses file was left behind"
end

begin "the summary's city row agrees with SQL on the database"
DB=city/schoolrisk.db
S=$(sql $DB "SELECT count(*) FROM schools")
AS=$(sql $DB "SELECT count(DISTINCT school) FROM assessments")
HO=$(sql $DB "SELECT count(*) FROM hazards WHERE status = 'open'")
HR=$(sql $DB "SELECT count(*) FROM hazards WHERE status = 'rectifying'")
HS=$(sql $DB "SELECT count(*) FROM hazards WHERE status = 'submitted'")
HC=$(sql $DB "SELECT count(*) FROM hazards WHERE status = 'closed'")
OD=$(sql $DB "SELECT count(*) FROM hazards WHERE status <> 'closed' AND deadline < '2026-12-31'")
ROW=$(grep '^全市' "$T/out" | tr -s ' ')
set -- $ROW
[ "$2" = "$S" ] || fail "schools $2, SQL says $S"
[ "$3" = "$AS" ] || fail "assessed $3, SQL says $AS"
[ "$7 $8 $9 ${10} ${11}" = "$HO $HR $HS $HC $OD" ] ||
    fail "hazards '$7 $8 $9 ${10} ${11}', SQL says '$HO $HR $HS $HC $OD'"
# 达标率 as the workbooks define it: of every registry school, not of the
# assessed ones.
[ "$6" = "$(awk -v n="$5" -v d="$2" 'BEGIN { printf "%.1f%%", 100 * n / d }')" ] ||
    fail "达标率 $6 is not 达标 $5 of the registry's $2 schools"
[ "$AS" -lt "$S" ] || fail "coverage is 100%"
[ "$OD" -gt 0 ] || fail "nothing overdue at the year's end"
[ "$(grep -cE '^[^ ]+ +[0-9]+ +[0-9]+ ' "$T/out")" -eq 17 ] ||
    fail "not 16 district rows and the city row"
grep -q '^历下区 ' "$T/out" || fail "no row for 历下区"
end

begin "31 December: sign-off, plans, bulletins and a what-if, exact for seed 3"
DB=city/schoolrisk.db
out_has "sign-off: 16 districts signed off 2026Q3, 15 accepted, 1 returned (长清区: 未评估学校的整改安排未说明，请补充后重新签批)"
# Three plans of one school each: the first of a plan is left due.
out_has "plans: 16 published for 2026Q4 (seeds from 2685821657736338718, one a district in the bureau's order), 3 schools, 3 pairs, 0 inspected for them"
out_has "bulletins: 17 written to city/reports (月调度 2026年12月 of every district, 季通报 2026年第四季度)"
out_has "whatif: 钢城区 has 7 open hazards; closing 2 of them at 1 school(s) ranked first would bring 达标 unchanged (2) and four 100% from 1 to 2 of 2 schools"
[ "$(sql $DB "SELECT group_concat(action || count, ',') FROM (SELECT action, count(*) AS count FROM signoff_events WHERE period = '2026Q3' GROUP BY action ORDER BY action)")" = "accept15,return1,signoff16" ] ||
    fail "sign-off events"
[ "$(sql $DB "SELECT group_concat(seed, ',') FROM (SELECT p.seed FROM plans p WHERE p.state = 'published' AND p.district IN ('370102', '370103') ORDER BY p.district)")" = "2685821657736338718,2685821657736338719" ] ||
    fail "plans' seeds"
[ "$(sql $DB "SELECT count(*) FROM plans WHERE state = 'published'")" = 16 ] || fail "plans"
[ "$(sql $DB "SELECT count(*) FROM plan_pairs")" = 3 ] || fail "pairs"
[ "$(sql $DB "SELECT count(*) FROM assessments WHERE plan IS NOT NULL")" = 0 ] ||
    fail "inspections for the plans"
[ "$(ls city/reports/*-2026-12-月调度.xlsx | wc -l)" = 16 ] || fail "not 16 monthly dispatches"
[ -f "city/reports/全市-2026Q4-季通报.xlsx" ] || fail "no quarterly bulletin"
run bulletin monthly --district 历下区 --month 2026-12 --db $DB
rc_is 0
out_has "inspection plans: 1"
end

begin "an existing database is refused without --force"
FIRST=$(sql city/schoolrisk.db "$FP")
run demo --dir city --schools 40 --seed 3
rc_is 1
out_empty
err_is "schoolrisk: error: 'city/schoolrisk.db' already exists; use --force to replace it"
end

begin "--force replaces it, and the same seed gives the same city"
AUDIT=$(sql city/schoolrisk.db "$FP2")
run demo --dir city --schools 40 --seed 3 --force
rc_is 0
err_empty
[ "$(sql city/schoolrisk.db "$FP")" = "$FIRST" ] || fail "the registry differs"
[ "$(sql city/schoolrisk.db "$FP2")" = "$AUDIT" ] || fail "the audit chain differs"
run audit verify --db city/schoolrisk.db
rc_is 0
end

begin "another seed gives another city"
run demo --dir other --schools 40 --seed 4
rc_is 0
[ "$(sql other/schoolrisk.db "$FP")" != "$FIRST" ] || fail "seed 4 built the same registry"
end

begin "SIGKILL while the demo submits and moves hazards: every transaction all or nothing"
# The demo spends nearly all its time inside write transactions
# (submissions with their scores, hazards and audit records; hazard
# steps), so a kill at any moment almost always lands inside one.  After
# each kill the database must be intact, the audit chain whole (every
# submitted assessment and hazard event has its record, and no record
# lacks its row), and no half-written submission or hazard be left.
# (The demo commits with synchronous=NORMAL, which is as safe as FULL
# against a killed process; only a power cut tells them apart.)
# Each kill is timed by the demo's own progress: at once when the line of
# a month is printed, so the rest of the year is still to run however
# fast the machine (a fixed delay lands after the end on a fast build).
killed=0
for month in 03 04 09 10; do
    rm -rf killed
    "$BIN" demo --dir killed --schools 300 --seed 5 >"$T/killed.out" 2>&1 &
    pid=$!
    for _ in $(seq 3000); do
        grep -q "^2026-$month: " "$T/killed.out" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    if kill -9 "$pid" 2>/dev/null; then
        killed=$((killed + 1))
    fi
    wait "$pid" 2>/dev/null
    delay="the line of 2026-$month"
    DB=killed/schoolrisk.db
    [ -f $DB ] || continue
    [ "$(sql $DB 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed after a kill at $delay"
    [ "$(sql $DB 'SELECT count(*) FROM pragma_foreign_key_check')" = 0 ] || fail "foreign keys broken after a kill at $delay"
    half=$(sql $DB "SELECT (SELECT count(*) FROM assessments a WHERE status = 'submitted' AND NOT EXISTS (SELECT 1 FROM scores WHERE assessment = a.id))
        + (SELECT count(*) FROM assessments a WHERE status = 'draft' AND EXISTS (SELECT 1 FROM scores WHERE assessment = a.id))
        + (SELECT count(*) FROM assessments a WHERE status = 'draft' AND EXISTS (SELECT 1 FROM hazards WHERE assessment = a.id))
        + (SELECT count(*) FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM hazard_events WHERE hazard = h.id))")
    [ "$half" = 0 ] || fail "$half half-written rows after a kill at $delay"
    run audit verify --db $DB
    rc_is 0
    grep -q "^audit chain intact: $(sql $DB 'SELECT count(*) FROM audit') records, head [0-9a-f]\{64\}$" "$T/out" ||
        fail "after a kill at $delay: $(cat "$T/out")"
    [ "$(sql $DB 'SELECT count(*) FROM audit')" = "$(sql $DB "SELECT (SELECT count(*) FROM assessments WHERE status = 'submitted') + (SELECT count(*) FROM hazard_events) + $OTHER")" ] ||
        fail "the audit chain does not hold every record after a kill at $delay"
    grep -q '^built in ' "$T/killed.out" && fail "the demo had finished at $delay"
done
[ "$killed" -ge 3 ] || fail "only $killed demo runs were still going when killed"
end

begin "bad options are usage errors"
run demo --dir city2 --schools 5
rc_is 2
err_is "schoolrisk: error: --schools must be a whole number 16..50000, not '5'"
run demo --dir city2 --year 1999
rc_is 2
err_is "schoolrisk: error: --year must be a year 2000..2999, not '1999'"
run demo --dir city2 --seed x
rc_is 2
err_is "schoolrisk: error: --seed must be a whole number, not 'x'"
run demo --dir city2 extra
rc_is 2
[ ! -e city2 ] || fail "a directory was created on a usage error"
end

finish
