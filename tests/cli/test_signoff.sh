#!/bin/bash
# End-to-end tests of `schoolrisk signoff ...` (期末签批): a school's
# confirmation, the district's sign-off and its refusals (exact messages,
# exit codes), the locked workbook regenerated after later changes (every
# cell the same, read back with openpyxl), diff, the city's acceptance
# and return, a correction, and `audit verify` naming a snapshot edited
# with sqlite3.
#
# Run by ctest as:  bash test_signoff.sh /path/to/schoolrisk /path/to/source-tree
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb s)
export SCHOOLRISK_USER=区教体局
EX=$IND/examples
SQL() { sql "$SCHOOLRISK_DB" "$@"; }
READ="$PY $SRC/tests/unit/report_xlsx_read.py"
# The cells of a workbook but those that say when it was written and the
# audit head at that moment (they change with every run by design).
cells() { $READ "$1" | grep -v -e '^概况!B4=' -e '^说明!B1[0-9]=' ; }

"$PY" "$SRC/scripts/examples-registry.py" "$EX" >reg.csv

# 历下区: kindergarten-1 (3701020001), primary-1 (3701020101), junior-1
# (3701020201, not assessed in Q3), senior-1 (3701020301).
assess() { # school-file date [--self]
    local code id
    code=$(sed -n 's/^code *= *//p' "$EX/$1.school")
    id=$(SCHOOLRISK_CLOCK=$2T02:00:00Z "$BIN" assess new --school "$code" --date "$2" ${3:-} --by 张检查员) || return 1
    SCHOOLRISK_CLOCK=$2T02:00:00Z "$BIN" assess import "$id" "$EX/$1.csv" >/dev/null || return 1
    SCHOOLRISK_CLOCK=$2T03:00:00Z "$BIN" assess submit "$id" >/dev/null
}
begin "a quarter of 历下区 on the database"
SCHOOLRISK_CLOCK=2026-07-10T02:00:00Z "$BIN" init >/dev/null || fail "init"
SCHOOLRISK_CLOCK=2026-07-10T02:00:00Z "$BIN" schools import reg.csv >/dev/null 2>&1 || fail "import"
for s in kindergarten-1 primary-1 senior-1; do assess $s 2026-08-20 || fail "assess $s"; done
assess primary-1 2026-08-25 --self || fail "self-inspection"
end

export SCHOOLRISK_CLOCK=2026-09-29T02:00:00Z
begin "signoff --help lists the commands; schoolrisk --help lists signoff"
run signoff --help
rc_is 0; err_empty
for c in confirm district accept return correct diff status show; do
    grep -q "^  $c " "$T/out" || fail "command $c is not listed"
done
run --help
grep -q "^  signoff  *period sign-off (逐级审核、锁定): confirm, district, accept, return, correct, diff, status, show$" "$T/out" || fail "signoff is not listed"
end

begin "confirm: a school without a self-inspection is refused, exit 1"
run signoff confirm --school 3701020001 --period 2026Q3
rc_is 1; out_empty
err_is "schoolrisk: error: school 3701020001 has no submitted self-inspection dated on or before 2026-09-30: submit one, then confirm"
end

begin "status --district: the schools not confirmed, by name, with the self-inspection to confirm"
run signoff status --district 历下区 --period 2026Q3
rc_is 0; err_empty
self=$(SQL "SELECT id FROM assessments WHERE kind = 'self'")
out_is "CODE     DISTRICT  STATE   VER  SIGNED BY     SIGNED AT            CONFIRMED
370102   历下区    未签批    0  -             -                    0/4
not confirmed (4):
  3701020001 济南市历下区示例幼儿园       no self-inspection by 2026-09-30
  3701020101 济南市历下区示例实验小学     self-inspection #$self of 2026-08-25 to confirm
  3701020201 济南市历下区示例初级中学     no self-inspection by 2026-09-30
  3701020301 济南市历下区示例高级中学     no self-inspection by 2026-09-30"
end

begin "confirm: primary-1 links its self-inspection"
run signoff confirm --school 3701020101 --period 2026Q3 --by 王校长
rc_is 0; err_empty
self=$(SQL "SELECT id FROM assessments WHERE kind = 'self'")
out_is "school 3701020101 confirmed its self-inspection for 2026Q3 (assessment $self)"
end

begin "district: refused before the period's last day, nothing written"
run signoff district --district 历下区 --period 2026Q3
rc_is 1; out_empty
err_is "schoolrisk: error: 历下区 2026Q3 cannot be signed off before its last day 2026-09-30"
[ "$(SQL "SELECT count(*) FROM signoff_events WHERE action = 'signoff'")" = 0 ] || fail "an event was written"
end

begin "report before the sign-off: no 签批锁定 line"
run report district 历下区 --period 2026Q3 -o live.xlsx
rc_is 0
$READ live.xlsx | grep -q 签批锁定 && fail "the live workbook says it is locked"
end

export SCHOOLRISK_CLOCK=2026-10-08T02:00:00Z
begin "district: signs off with unconfirmed schools listed on stderr"
run signoff district --district 历下区 --period 2026Q3 --by 李科长
rc_is 0
sha=$(SQL "SELECT snapshot_sha256 FROM signoff_events WHERE action = 'signoff'")
[ "$sha" = "$(SQL "SELECT snapshot FROM signoff_events WHERE action = 'signoff'" | head -c -1 | sha256sum | cut -d' ' -f1)" ] || fail "the stored sha256 is not the snapshot's"
out_is "历下区 2026Q3 signed off and locked: version 1, sha256 $sha
schools confirmed: 1 of 4"
err_is "schoolrisk: warning: 3 schools have not confirmed their self-inspection:
  3701020001
  3701020201
  3701020301"
end

begin "district: a second sign-off is refused naming the state"
run signoff district --district 历下区 --period 2026Q3
rc_is 1
err_is "schoolrisk: error: 历下区 2026Q3 is signed off and locked: the city accepts or returns it"
end

begin "status: 已签批, version 1, by 李科长, 1/4 confirmed"
run signoff status --period 2026Q3 --district 370102
rc_is 0
out_has "370102   历下区    已签批    1  李科长        2026-10-08T02:00:00Z 1/4"
end

begin "the locked workbook: same figures after later changes"
run report district 历下区 --period 2026Q3 -o locked1.xlsx
rc_is 0
out_has "历下区 2026Q3 is signed off: the workbook shows the figures locked by the sign-off"
$READ locked1.xlsx | grep -Fxq "说明!B5=本期数据已于2026年10月8日 10:00签批锁定（第1版，已签批，签批人：李科长），依据签批快照生成；快照SHA-256：$sha" || fail "说明 lacks the 签批锁定 line"
cells locked1.xlsx >locked1.txt
cells live.xlsx | grep -v '^说明!' >live.txt
grep -v '^说明!' locked1.txt | cmp -s - live.txt || fail "the snapshot's workbook differs from the live one at sign-off: $(grep -v '^说明!' locked1.txt | diff live.txt - | head -5)"
# Later: senior-1 closed in the registry, junior-1 assessed with a date in Q3.
grep -v 3701020301 reg.csv >reg2.csv
SCHOOLRISK_CLOCK=2026-10-09T02:00:00Z "$BIN" schools import reg2.csv --full >/dev/null 2>&1 || fail "close senior-1"
# junior-1's inspection is dated inside the locked quarter: refused
# without a correction reason, then submitted as an amendment.
id=$(SCHOOLRISK_CLOCK=2026-10-09T02:00:00Z "$BIN" assess new --school 3701020201 --date 2026-09-10 --by 张检查员) || fail "new junior-1"
SCHOOLRISK_CLOCK=2026-10-09T02:00:00Z "$BIN" assess import "$id" "$EX/junior-1.csv" >/dev/null || fail "import junior-1"
SCHOOLRISK_CLOCK=2026-10-09T03:00:00Z run assess submit "$id"
rc_is 1; out_empty
err_is "schoolrisk: error: assessment $id is dated 2026-09-10, inside 历下区 2026Q3, which is signed off and locked: give a correction reason to submit it as an amendment"
[ "$(SQL "SELECT status FROM assessments WHERE id = $id")" = draft ] || fail "the refused assessment was submitted"
SCHOOLRISK_CLOCK=2026-10-09T03:00:00Z run assess submit "$id" --correction "9月10日督导评估补录"
rc_is 0
[ "$(SQL "SELECT action || ' ' || school || ' ' || assessment || ' ' || reason FROM signoff_events WHERE action = 'amend'")" = "amend 3701020201 $id 9月10日督导评估补录" ] || fail "no amendment recorded"
run signoff status --period 2026Q3 --district 历下区
out_has "370102   历下区    已签批    1  李科长        2026-10-08T02:00:00Z 1/3  (amendments waiting for a correction: 1)"
SCHOOLRISK_CLOCK=2026-10-10T02:00:00Z run report district 历下区 --period 2026Q3 -o locked2.xlsx
rc_is 0
cells locked2.xlsx | cmp -s - locked1.txt || fail "the locked workbook changed: $(cells locked2.xlsx | diff locked1.txt - | head -5)"
# report all writes the district's workbook from the snapshot too
SCHOOLRISK_CLOCK=2026-10-10T02:00:00Z run report all --period 2026Q3 --out-dir all
rc_is 0
cells "all/历下区-2026Q3.xlsx" | cmp -s - locked1.txt || fail "report all's workbook is not the locked one"
end

begin "diff: the live figures against version 1"
run signoff diff --district 历下区 --period 2026Q3
rc_is 0
out_has "21 changes since version 1:"
out_has "  名录学校数: 4 → 3"
out_has "  达标率: 3/4 → 3/3"
out_has "  3701020201 济南市历下区示例初级中学 评估日期: - → 2026-09-10"
out_has "  3701020301 济南市历下区示例高级中学 名录: 在册 → -"
end

begin "return needs a reason; accept; then return and accept are refused"
run signoff return --district 历下区 --period 2026Q3
rc_is 2
err_has "schoolrisk: error: signoff return needs --reason"
run signoff accept --district 历下区 --period 2026Q3 --by 市教育局
rc_is 0; out_is "历下区 2026Q3 accepted"
run signoff accept --district 历下区 --period 2026Q3
rc_is 1; err_is "schoolrisk: error: 历下区 2026Q3 is accepted: it was accepted already"
run signoff district --district 历下区 --period 2026Q3
rc_is 1; err_is "schoolrisk: error: 历下区 2026Q3 is accepted: record a correction instead (signoff correct)"
end

begin "correct: version 2 with the reason and the changes; the workbook follows it"
run signoff correct --district 历下区 --period 2026Q3 --reason "补录9月10日初中督导评估，高中已撤销" --by 李科长
rc_is 0
out_has "历下区 2026Q3 corrected: version 2, sha256 $(SQL "SELECT snapshot_sha256 FROM signoff_events WHERE action = 'correct'")"
grep -q "^changes: 名录学校数 4 → 3；" "$T/out" || fail "no changes line"
[ "$(SQL "SELECT reason FROM signoff_events WHERE action = 'correct'")" = "补录9月10日初中督导评估，高中已撤销" ] || fail "reason not stored"
run signoff status --period 2026Q3 --district 历下区
out_has "370102   历下区    已签批    2  李科长        2026-10-08T02:00:00Z 1/3"
run report district 历下区 --period 2026Q3 -o v2.xlsx
$READ v2.xlsx | grep -q "^说明!B5=本期数据已于.*（第2版，已签批" || fail "the workbook is not version 2"
run signoff correct --district 历下区 --period 2026Q3 --reason 再次
rc_is 1; err_is "schoolrisk: error: 历下区 2026Q3 is signed off and locked: the live figures are those locked, there is nothing to correct"
end

begin "return: the period is no longer locked; show lists the history"
run signoff return --district 历下区 --period 2026Q3 --reason 数据需复核 --by 市教育局
rc_is 0; out_is "历下区 2026Q3 returned to the district"
run report district 历下区 --period 2026Q3 -o ret.xlsx
$READ ret.xlsx | grep -q 签批锁定 && fail "a returned period is still locked"
run signoff show --district 历下区 --period 2026Q3
rc_is 0; out_lines 6
grep -q "市级退回.*→ 已退回 reason: 数据需复核" "$T/out" || fail "no return in the history: $(cat "$T/out")"
run signoff correct --district 历下区 --period 2026Q3 --reason x
rc_is 1; err_is "schoolrisk: error: 历下区 2026Q3 is returned: sign it off again instead (signoff district)"
end

begin "audit verify: intact, then names a snapshot edited with sqlite3"
run audit verify
rc_is 0
id=$(SQL "SELECT id FROM signoff_events WHERE action = 'signoff'")
drop_trigger "$SCHOOLRISK_DB" signoff_events signoff_events_append_only
SQL "UPDATE signoff_events SET snapshot = replace(snapshot, '\"assessed\":3', '\"assessed\":4') WHERE id = $id"
run audit verify
rc_is 1
grep -q "sign-off event $id" "$T/err" || fail "verify does not name the sign-off event: $(cat "$T/err")"
end

finish
