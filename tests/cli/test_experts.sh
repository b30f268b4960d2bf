#!/bin/bash
# End-to-end tests of `schoolrisk experts ...` (安全专家库): add and
# update with their refusals (exact messages, exit codes, nothing
# written), list with its filters as a table and as CSV, the summary
# against the target of 200 on the days around a certificate's expiry,
# and `audit verify` over the profiles (a row edited with sqlite3 is
# named).
#
# Run by ctest as:  bash test_experts.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
#
# Users: zhang (inspector, 历下区), wang (inspector, 历城区), li (no grant).
# The workload is checked on a small demo city against SQL.
# The clock is 2026-09-15 10:00 in Jinan.
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb e)
export SCHOOLRISK_CLOCK=2026-09-15T02:00:00Z
export SCHOOLRISK_USER=root

"$BIN" init --no-indicators >/dev/null || { echo "FAIL cannot create the database"; exit 1; }
for u in zhang li wang; do
    "$BIN" users add $u --name 张伟 >/dev/null || { echo "FAIL cannot add user $u"; exit 1; }
done
"$BIN" users grant zhang --role inspector --district 历下区 >/dev/null &&
    "$BIN" users grant wang --role inspector --district 历城区 >/dev/null ||
    { echo "FAIL cannot grant"; exit 1; }

q() { sql "$SCHOOLRISK_DB" "$1"; }
dump() { q "SELECT * FROM experts; SELECT * FROM expert_events; SELECT * FROM audit;"; }
unchanged() { # run a refused command, then check nothing moved
    dump >"$T/before"
    run "$@"
    dump >"$T/after"
    cmp -s "$T/before" "$T/after" || fail "the database changed"
}
ADD_ZHANG="--unit 历下区消防救援大队 --district 历下区 --speciality fire,食品 --trained 2026/3/1 --certified 2026-04-01 --expires 2026-12-31"

# ------------------------------------------------------------ help
begin "experts --help: usage on stdout, exit 0"
run experts --help
rc_is 0; err_empty
[ "$(head -n 1 "$T/out")" = "usage: schoolrisk experts <command> [options] [--db PATH]" ] || fail "first line is '$(head -n 1 "$T/out")'"
for c in add update list summary workload; do
    grep -q "^  $c " "$T/out" || fail "command $c is not listed"
done
end

begin "schoolrisk --help lists experts"
run --help
rc_is 0
grep -q "^  experts  *the safety-expert corps (安全专家库): add, update, list, summary, workload$" "$T/out" || fail "experts is not listed"
end

# ------------------------------------------------------------ add
begin "add: a user without an inspector grant is refused, exit 1, nothing written"
unchanged experts add li $ADD_ZHANG
rc_is 1; out_empty
err_is "schoolrisk: error: user 'li' holds no inspector grant: an expert is an inspector (grant the role first)"
end

begin "add: an unknown user is refused, exit 1"
unchanged experts add nobody $ADD_ZHANG
rc_is 1; out_empty
err_is "schoolrisk: error: no user with login 'nobody'"
end

begin "add: a missing option is a usage error, exit 2"
unchanged experts add zhang --unit x
rc_is 2; out_empty
err_line 1 "schoolrisk: error: --district is required"
end

begin "add: an unknown speciality is a usage error"
unchanged experts add zhang --unit x --district 历下区 --speciality fire,chem --trained 2026-03-01 --certified 2026-04-01 --expires 2026-12-31
rc_is 2; out_empty
err_is "schoolrisk: error: --speciality: unknown speciality 'chem' (see 'schoolrisk experts --help')"
end

begin "add: a date that does not exist is a usage error"
unchanged experts add zhang --unit x --district 历下区 --speciality fire --trained 2026-03-01 --certified 2026-04-01 --expires 2026-02-31
rc_is 2; out_empty
err_is "schoolrisk: error: --expires expects a date (2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日), not '2026-02-31'"
end

begin "add: a certification in the future is refused, naming the field"
unchanged experts add zhang --unit x --district 历下区 --speciality fire --trained 2026-03-01 --certified 2026-09-16 --expires 2026-12-31
rc_is 1; out_empty
err_is "schoolrisk: error: certified_on 2026-09-16 is in the future (today is 2026-09-15)"
end

begin "add: an expiry not after the certification is refused"
unchanged experts add zhang --unit x --district 历下区 --speciality fire --trained 2026-03-01 --certified 2026-04-01 --expires 2026-04-01
rc_is 1; out_empty
err_is "schoolrisk: error: expires_on 2026-04-01 must be after certified_on 2026-04-01"
end

begin "add: an unknown district is refused"
unchanged experts add zhang --unit x --district 东城区 --speciality fire --trained 2026-03-01 --certified 2026-04-01 --expires 2026-12-31
rc_is 1; out_empty
err_is "schoolrisk: error: no district '东城区' (give its code, such as 370102, or its name, such as 历下区)"
end

begin "add: two experts; the profile is stored as given, the event chained"
run experts add zhang $ADD_ZHANG
rc_is 0; err_empty
out_is "added the expert profile of 'zhang'"
run experts add wang --unit 山东大学 --district 370112 --speciality lab_chemicals --trained 2026-09-01 --certified 2026-09-10 --expires 2026-10-01
rc_is 0; err_empty
out_is "added the expert profile of 'wang'"
[ "$(q "SELECT unit, district, specialities, trained_on, certified_on, expires_on, status, updated_by FROM experts WHERE \"user\" = (SELECT id FROM users WHERE login = 'zhang')")" = "历下区消防救援大队|370102|fire,food|2026-03-01|2026-04-01|2026-12-31|active|root" ] || fail "zhang's row: $(q 'SELECT * FROM experts')"
[ "$(q "SELECT count(*) FROM audit WHERE kind = 'expert'")" = 2 ] || fail "expert records in the chain: $(q "SELECT count(*) FROM audit WHERE kind = 'expert'")"
end

begin "add: a second profile for the same user is refused"
unchanged experts add zhang $ADD_ZHANG
rc_is 1; out_empty
err_is "schoolrisk: error: user 'zhang' already has an expert profile"
end

# ------------------------------------------------------------ list
begin "list: every expert by district order, Chinese labels"
run experts list
rc_is 0; err_empty
out_is "LOGIN  NAME  UNIT                DISTRICT  SPECIALITIES  TRAINED     CERTIFIED   EXPIRES     STATUS
zhang  张伟  历下区消防救援大队  历下区    消防、食品    2026-03-01  2026-04-01  2026-12-31  在库
wang   张伟  山东大学            历城区    实验室危化品  2026-09-01  2026-09-10  2026-10-01  在库
2 experts"
end

begin "list --district 历城区 --format csv: English names, district code and name"
run experts list --district 历城区 --format csv
rc_is 0; err_empty
out_is "login,name,unit,district,district_name,specialities,trained_on,certified_on,expires_on,status
wang,张伟,山东大学,370112,历城区,lab_chemicals,2026-09-01,2026-09-10,2026-10-01,active"
end

begin "list --speciality 食品 and --speciality fire find zhang"
run experts list --speciality 食品 --format csv
rc_is 0
[ "$(csv_col "$T/out" login | tr '\n' ' ')" = "zhang " ] || fail "食品: $(cat "$T/out")"
run experts list --speciality fire --format csv
[ "$(csv_col "$T/out" login | tr '\n' ' ')" = "zhang " ] || fail "fire: $(cat "$T/out")"
end

begin "list --due: the certificate expiring within DAYS of today or --as-of"
run experts list --due 15 --format csv
rc_is 0
out_lines 1
run experts list --due 16 --format csv
[ "$(csv_col "$T/out" login | tr '\n' ' ')" = "wang " ] || fail "--due 16: $(cat "$T/out")"
run experts list --due 0 --as-of 2027-01-01 --format csv
[ "$(csv_col "$T/out" login | tr '\n' ' ')" = "zhang wang " ] || fail "--as-of 2027-01-01: $(cat "$T/out")"
end

begin "list: bad filters are usage errors"
run experts list --due x
rc_is 2; out_empty
err_is "schoolrisk: error: --due expects a number of days from 0 to 36500, not 'x'"
run experts list --status gone
rc_is 2
err_is "schoolrisk: error: --status takes active 在库, suspended 暂停 or retired 退出, not 'gone'"
run experts list --format json
rc_is 2
err_is "schoolrisk: error: --format takes csv, not 'json'"
end

# ------------------------------------------------------------ summary
begin "summary today: 2 certified of 200, by district and speciality"
run experts summary
rc_is 0; err_empty
out_has "certified experts as of 2026-09-15: 2 of the target 200"
out_has "experts: 2, active: 2, certified: 2, due for re-training within 90 days: 1"
grep -Eq '^历下区 +1 +1$' "$T/out" || fail "历下区 line"
grep -Eq '^历城区 +1 +1$' "$T/out" || fail "历城区 line"
grep -Eq '^市中区 +0 +0$' "$T/out" || fail "市中区 line"
grep -Eq '^实验室危化品 +1$' "$T/out" || fail "实验室危化品 line"
grep -Eq '^消防 +1$' "$T/out" || fail "消防 line"
grep -Eq '^综合 +0$' "$T/out" || fail "综合 line"
end

begin "summary on wang's expiry day counts him, the day after does not"
run experts summary --as-of 2026-10-01
out_has "certified experts as of 2026-10-01: 2 of the target 200"
run experts summary --as-of 2026/10/2
rc_is 0
out_has "certified experts as of 2026-10-02: 1 of the target 200"
grep -Eq '^历城区 +1 +0$' "$T/out" || fail "历城区 line on 2026-10-02"
grep -Eq '^实验室危化品 +0$' "$T/out" || fail "实验室危化品 on 2026-10-02"
end

# ------------------------------------------------------------ update
begin "update: an expiry before the certification is refused"
unchanged experts update wang --expires 2026-09-01
rc_is 1; out_empty
err_is "schoolrisk: error: expires_on 2026-09-01 must be after certified_on 2026-09-10"
end

begin "update: a renewed certificate; wang is certified after 2026-10-01 again"
run experts update wang --expires 2029-10-01
rc_is 0; err_empty
out_is "updated the expert profile of 'wang'"
run experts summary --as-of 2026-10-02
out_has "certified experts as of 2026-10-02: 2 of the target 200"
end

begin "update --status 暂停: a suspended expert is not certified"
run experts update zhang --status 暂停
rc_is 0
run experts summary
out_has "experts: 2, active: 1, certified: 1, due for re-training within 90 days: 0"
run experts list --status suspended --format csv
[ "$(csv_col "$T/out" login) $(csv_col "$T/out" status)" = "zhang suspended" ] || fail "suspended: $(cat "$T/out")"
end

begin "update: a user without a profile"
unchanged experts update li --unit x
rc_is 1
err_is "schoolrisk: error: user 'li' has no expert profile"
end

# ------------------------------------------------------------ --json
begin "list --json: the profiles with certified and due on --as-of"
run experts list --json --as-of 2026-12-15
rc_is 0; err_empty
python3 - "$T/out" <<'PY' || fail "unexpected JSON"
import json, sys
v = json.load(open(sys.argv[1]))
assert [e["login"] for e in v] == ["zhang", "wang"], v
z = v[0]
assert z["specialities"] == ["fire", "food"] and z["speciality_labels"] == ["消防", "食品"], z
assert z["district"] == "370102" and z["district_name"] == "历下区", z
assert z["status"] == "suspended" and z["status_label"] == "暂停", z
assert z["certified"] is False and z["due"] is False, z
assert "workload" not in z, z
PY
end

begin "summary --json: the counts and the experts due within 90 days"
# wang's certificate runs to 2029-10-01: due within 90 days from 2029-07-03
run experts summary --json --as-of 2029-07-03
rc_is 0; err_empty
python3 - "$T/out" <<'PY' || fail "unexpected JSON"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["as_of"] == "2029-07-03" and v["target"] == 200, v
assert v["experts"] == 2 and v["certified"] == 1 and v["due"] == 1, v
assert [e["login"] for e in v["due_experts"]] == ["wang"], v["due_experts"]
assert v["due_experts"][0]["due"] is True
assert [d["certified"] for d in v["districts"] if d["name"] == "历城区"] == [1]
PY
grep -Eq '"completion":[[:space:]]*0\.5,' "$T/out" || fail "completion is not the exact 0.5"
end

begin "--json with --format csv is a usage error"
run experts list --json --format csv
rc_is 2; out_empty
err_is "schoolrisk: error: --format csv and --json exclude each other"
end

# ------------------------------------------------------------ workload
# The two cases of a demo city are SQLite only: demo writes a SQLite file.
if sqlite_case "workload of a demo city: every figure agrees with SQL; --json with CSV"; then
D=$T/demo
"$BIN" demo --dir "$D" --schools 40 --seed 5 >/dev/null 2>&1 || fail "demo failed"
DB=$D/schoolrisk.db
run experts workload --period 2026Q4 --format csv --db "$DB"
rc_is 0; err_empty
[ "$(head -n 1 "$T/out")" = "login,name,district,inspections,schools,hazards_general,hazards_major,findings_rate,plan_assigned,plan_done,last_inspection" ] || fail "header"
[ "$(($(wc -l <"$T/out") - 1))" = "$(sqlite3 "$DB" "SELECT count(*) FROM experts")" ] || fail "not one row per expert"
sqlite3 -csv "$DB" "
  SELECT u.login, count(DISTINCT a.id), count(DISTINCT a.school),
    (SELECT count(*) FROM hazards h JOIN assessments b ON b.id = h.assessment
     WHERE b.submitted_by_user = u.id AND b.kind = 'inspection' AND b.status = 'submitted'
       AND b.assessed_on BETWEEN '2026-10-01' AND '2026-12-31' AND h.level = 'general'),
    (SELECT count(*) FROM hazards h JOIN assessments b ON b.id = h.assessment
     WHERE b.submitted_by_user = u.id AND b.kind = 'inspection' AND b.status = 'submitted'
       AND b.assessed_on BETWEEN '2026-10-01' AND '2026-12-31' AND h.level = 'major')
  FROM users u JOIN assessments a ON a.submitted_by_user = u.id
  WHERE u.id IN (SELECT user FROM experts) AND a.kind = 'inspection' AND a.status = 'submitted'
    AND a.assessed_on BETWEEN '2026-10-01' AND '2026-12-31'
  GROUP BY u.id ORDER BY u.login" >"$T/want"
awk -F, 'NR > 1 && $4 > 0 { print $1 "," $4 "," $5 "," $6 "," $7 }' "$T/out" | sort >"$T/got"
[ -s "$T/want" ] || fail "no expert inspected in the fourth quarter"
cmp -s "$T/want" "$T/got" || { diff "$T/want" "$T/got" | head; fail "figures differ from SQL"; }
# The demo's plans of 2026Q4: every pair counted once, done when the
# pair's expert inspected the school for the plan.
[ "$(awk -F, 'NR > 1 { a += $9; d += $10 } END { print a "," d }' "$T/out")" = \
  "$(sqlite3 -csv "$DB" "SELECT count(*), sum(EXISTS (SELECT 1 FROM assessments a WHERE a.plan = r.plan AND a.school = r.school AND a.submitted_by_user = r.expert AND a.status = 'submitted')) FROM plan_pairs r JOIN plans p ON p.id = r.plan WHERE p.state = 'published' AND p.period = '2026Q4'")" ] ||
    fail "plan_assigned and plan_done differ from SQL"
cp "$T/out" "$T/csv"
run experts workload --period 2026Q4 --json --db "$DB"
rc_is 0
python3 - "$T/out" "$T/csv" <<'PY' || fail "the JSON disagrees with the CSV"
import csv, json, sys
from decimal import Decimal, ROUND_HALF_UP
j = {e["login"]: e for e in json.load(open(sys.argv[1]))}
for row in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    w = j[row["login"]]["workload"]
    n, g, m = int(row["inspections"]), int(row["hazards_general"]), int(row["hazards_major"])
    assert (w["inspections"], w["hazards_general"], w["hazards_major"]) == (n, g, m)
    want = "-" if n == 0 else str((Decimal(g + m) / n).quantize(Decimal("0.01"), ROUND_HALF_UP))
    assert want == w["findings_rate_text"], (row, w)
    assert row["findings_rate"] == ("" if n == 0 else want), (row, w)
    assert (w["last_inspection"] or "") == row["last_inspection"], (row, w)
    assert (w["plan_assigned"], w["plan_done"]) == (int(row["plan_assigned"]), int(row["plan_done"])), (row, w)
PY
end
fi

if sqlite_case "workload: the text table; a bad period is a usage error"; then
run experts workload --period 2026Q4 --district 历下区 --db "$T/demo/schoolrisk.db"
rc_is 0; err_empty
[ "$(head -n 1 "$T/out")" = "experts' work in 2026Q4 (2026-10-01 to 2026-12-31)" ] || fail "first line '$(head -n 1 "$T/out")'"
sed -n 2p "$T/out" | grep -q "^LOGIN  *NAME  *DISTRICT  *INSPECTIONS  *SCHOOLS  *GENERAL  *MAJOR  *RATE  *ASSIGNED  *DONE  *LAST$" || fail "headings"
grep -q "^[0-9][0-9]* experts$" "$T/out" || fail "no count line"
run experts workload --period 2026Q9
rc_is 2; out_empty
err_is "schoolrisk: error: bad period '2026Q9' (expected a quarter like 2026Q3 or 2026年第三季度, a month like 2026-09 or 2026年9月, or a year like 2026 or 2026年)"
end
fi

# ------------------------------------------------------------ audit
begin "audit verify: intact, then names a profile edited with sqlite3"
run audit verify
rc_is 0
q "UPDATE experts SET status = 'active' WHERE \"user\" = (SELECT id FROM users WHERE login = 'zhang')"
run audit verify
rc_is 1
err_is "schoolrisk: error: audit chain broken: expert profile of user $(q "SELECT id FROM users WHERE login = 'zhang'") was altered outside schoolrisk: the row no longer matches its latest expert event"
end

finish
