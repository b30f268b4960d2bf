#!/bin/bash
# End-to-end tests of `schoolrisk plan ...` (检查计划, 双随机): create with
# its refusals (exact messages, exit codes, nothing written), show as
# text, CSV and JSON, the same seed giving the same plan, an independent
# re-draw in Python (plan_redraw.py: SplitMix64, Fisher-Yates, the risk
# order and the assignment from the registry, the experts, the
# assessments and the hazards), avoidance and the cap, publish, an
# inspection made for a plan, progress, later plans of the period
# balancing on the published plans' pairs (prior, the cap on the
# period's load; re-drawn too), and `audit verify` naming a plan edited
# (its pairs or its experts' prior) or published by hand.
#
# Run by ctest as:  bash test_plan.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
#
# The city (mini.xml: primary schools, valid 12 months), on 2026-09-15:
#   3701020001 实验小学   inspected 2026-03-01, valid to 2027-03-01: pool
#   3701020002 第二小学   inspected 2025-11-01, expires 2026-11-01: mandatory;
#                         an open major hazard overdue since 2026-09-01
#   3701020003 科技小学   never: mandatory; laboratory and pool
#   3701020004 第一幼儿园 never: mandatory; kindergarten
#   3701020005 寄宿小学   inspected 2026-02-01, vetoed (a major hazard): pool
#   3701020006..8         inspected 2026-04..06: pool
#   3701020009 特殊教育学校 never: mandatory; special education
#   3701020010 第十小学   never: mandatory; school bus
#   3701120001 历城区山区小学 never (another district)
# Experts: zhang (unit 3701020003: lab, pool), wang (历城区: food, fire), li
# (general), zhao (unit 历下区实验小学: special education, food, bus), sun
# (fire), qian (expired 2026-09-30: not certified on 2026-10-01).
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb p)
export SCHOOLRISK_USER=root
export SCHOOLRISK_CLOCK=2026-08-01T02:00:00Z
RD=$SRC/tests/cli/plan_redraw.py
q() { sql "$SCHOOLRISK_DB" "$1"; }
die() { echo "FAIL setup: $*"; exit 1; }

"$BIN" init --no-indicators >/dev/null && "$BIN" indicators load "$MINI" >/dev/null ||
    die "cannot create the database"
H=学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点
cat >reg.csv <<EOF
$H
3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,1500,0,0,80,否,否
3701020002,历下区第二小学,历下区,小学,公办,城区,否,否,是,否,否,1500,0,3,80,否,否
3701020003,历下区科技小学,历下区,小学,公办,城区,否,否,否,是,是,500,0,0,40,否,否
3701020004,历下区第一幼儿园,历下区,幼儿园,公办,城区,否,否,是,否,否,200,0,0,30,否,否
3701020005,历下区寄宿小学,历下区,小学,公办,城区,是,否,是,否,否,800,300,0,60,否,否
3701020006,历下区第六小学,历下区,小学,公办,城区,否,否,是,是,否,1500,0,0,80,否,否
3701020007,历下区第七小学,历下区,小学,公办,城区,否,否,是,否,否,1500,0,0,80,否,否
3701020008,历下区第八小学,历下区,小学,公办,城区,否,否,是,是,否,1500,0,0,80,否,否
3701020009,历下区特殊教育学校,历下区,特殊教育学校,公办,城区,是,否,是,否,否,120,60,120,50,否,否
3701020010,历下区第十小学,历下区,小学,公办,乡村,否,是,是,否,否,900,0,0,60,否,否
3701120001,历城区山区小学,历城区,小学,公办,乡村,否,否,是,否,否,150,0,0,20,否,否
EOF
"$BIN" schools import reg.csv >/dev/null || die "cannot import the schools"
inspect() { # school date responses
    local id
    id=$("$BIN" assess new --school "$1" --date "$2") &&
        "$BIN" assess import "$id" "$FX/$3" >/dev/null &&
        "$BIN" assess submit "$id" >/dev/null || die "cannot inspect $1"
}
inspect 3701020001 2026-03-01 mini-a-79995.csv
inspect 3701020002 2025-11-01 mini-a-79995.csv
inspect 3701020005 2026-02-01 mini-b-veto.csv
inspect 3701020006 2026-04-01 mini-a-79995.csv
inspect 3701020007 2026-05-01 mini-a-79995.csv
inspect 3701020008 2026-06-01 mini-a-79995.csv
hz=$("$BIN" hazard add --school 3701020002 --level major --description 教学楼外墙脱落 |
    sed -n 's/^hazard \([0-9]*\) .*/\1/p')
"$BIN" hazard assign "$hz" --responsible 王校长 --deadline 2026-09-01 >/dev/null ||
    die "cannot assign the hazard"
for u in zhang wang li zhao qian sun; do
    "$BIN" users add $u --name 专家$u >/dev/null 2>&1 &&
        "$BIN" users grant $u --role inspector --district 历下区 >/dev/null || die "cannot add $u"
done
expert() { # login unit district specialities certified expires
    "$BIN" experts add "$1" --unit "$2" --district "$3" --speciality "$4" \
        --trained 2024-01-01 --certified "$5" --expires "$6" >/dev/null || die "cannot add expert $1"
}
expert zhang 3701020003 历下区 lab_chemicals,swimming 2026-02-01 2028-01-31
expert wang 历城区教育局 历城区 food,fire 2026-02-01 2028-01-31
expert li 历下区消防救援大队 历下区 general 2026-02-01 2028-01-31
expert zhao 历下区实验小学 历下区 special_education,food,school_bus 2026-02-01 2028-01-31
expert qian 济南市应急局 历下区 fire 2024-02-01 2026-09-30
expert sun 济南市应急局 历下区 fire 2026-07-10 2029-09-30
export SCHOOLRISK_CLOCK=2026-09-15T02:00:00Z

dump() { q "SELECT * FROM plans; SELECT * FROM plan_schools; SELECT * FROM plan_experts; SELECT * FROM plan_pairs; SELECT * FROM audit;"; }
unchanged() { # run a refused command, then check nothing moved
    dump >"$T/before"
    run "$@"
    dump >"$T/after"
    cmp -s "$T/before" "$T/after" || fail "the database changed"
}
# redraw ID: re-draw plan ID in Python from what `schoolrisk` lists
redraw() {
    "$BIN" plan show "$1" --json >plan.json &&
        "$BIN" schools list --json >schools.json &&
        "$BIN" experts list --format csv >experts.csv &&
        "$BIN" assess list --json >assess.json &&
        "$BIN" hazards list --level major --json >hazards.json ||
        { fail "cannot list what the re-draw reads"; return; }
    "$PY" "$RD" plan.json schools.json experts.csv assess.json hazards.json 12 >redraw.out 2>&1 ||
        fail "the re-draw differs: $(cat redraw.out)"
}
json() { # python expression over the JSON on stdout, bound to j
    "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" ||
        fail "JSON check failed: $1"
}

# ------------------------------------------------------------ help
begin "plan --help: usage on stdout, exit 0, every command"
run plan --help
rc_is 0; err_empty
[ "$(head -n 1 "$T/out")" = "usage: schoolrisk plan <command> [options] [--db PATH]" ] || fail "first line is '$(head -n 1 "$T/out")'"
for c in create show list publish progress; do
    grep -q "^  $c " "$T/out" || fail "command $c is not listed"
done
end

begin "schoolrisk --help lists plan"
run --help
rc_is 0
grep -q "^  plan  *inspection plans (检查计划) with 双随机 spot checks: create, show, list, publish, progress$" "$T/out" || fail "plan is not listed"
end

# ------------------------------------------------------------ refusals
begin "create: neither --district nor --city is a usage error, exit 2"
unchanged plan create --period 2026Q4
rc_is 2; out_empty
err_line 1 "schoolrisk: error: give either --district D or --city"
end

begin "create: both --district and --city is a usage error"
unchanged plan create --city --district 历下区 --period 2026Q4
rc_is 2
err_line 1 "schoolrisk: error: give either --district D or --city"
end

begin "create: --period is required"
unchanged plan create --city
rc_is 2
err_line 1 "schoolrisk: error: --period is required"
end

begin "create: a share above 100% is a usage error"
unchanged plan create --city --period 2026Q4 --schools-share 150%
rc_is 2
err_is "schoolrisk: error: --schools-share expects a percentage from 0% to 100% with at most one decimal (10%, 12.5%), not '150%'"
end

begin "create: a negative seed is a usage error"
unchanged plan create --city --period 2026Q4 --seed -1
rc_is 2
err_is "schoolrisk: error: --seed expects a whole number from 0 to 18446744073709551615, not '-1'"
end

begin "create: an experts' share of 0% is refused, exit 1"
unchanged plan create --city --period 2026Q4 --experts-share 0
rc_is 1
err_is "schoolrisk: error: the experts' share must be more than 0% and at most 100%"
end

begin "create: a period that is over is refused, exit 1"
unchanged plan create --district 历下区 --period 2026Q2
rc_is 1
err_is "schoolrisk: error: period 2026Q2 ended on 2026-06-30: plan a period that is not over"
end

begin "create: an unknown district is refused, exit 1"
unchanged plan create --district 火星区 --period 2026Q4
rc_is 1
err_is "schoolrisk: error: no district '火星区' (give its code, such as 370102, or its name, such as 历下区)"
end

begin "create: a period that is not one is refused"
unchanged plan create --city --period 2026Q5
rc_is 1
err_is "schoolrisk: error: '2026Q5' is not a period (2026Q4, 2026-10 or 2026)"
end

# ------------------------------------------------------------ create, show
begin "create: 历下区 2026Q4, seed 42, half the pool: counts on stdout"
run plan create --district 历下区 --period 2026Q4 --seed 42 --schools-share 50%
rc_is 0; err_empty
out_is "created plan 1 (draft): 历下区 2026Q4 (2026-10-01 to 2026-12-31)
seed: 42 (given)
schools: 5 mandatory, 3 drawn (50% of 5), 0 unassigned
experts: 3 drawn (50% of 5 certified)
publish it with: schoolrisk plan publish 1"
end

begin "show --format csv: the schools in risk order with every factor"
run plan show 1 --format csv
rc_is 0
csv_col "$T/out" school >order
printf '%s\n' 3701020005 3701020009 3701020004 3701020010 3701020003 3701020002 3701020001 3701020006 >want
same "risk order" want order
csv_col "$T/out" reason | paste -sd, - >reasons
[ "$(cat reasons)" = drawn,mandatory,mandatory,mandatory,mandatory,mandatory,drawn,drawn ] || fail "reasons are $(cat reasons)"
out_has "1,3701020005,历下区寄宿小学,370102,drawn,food,1,3,重大风险,0,1,300,0,0,800,226,3,2026-02-01,2027-02-01,zhao,food,,0,0,覆盖所需专项 食品；回避：非本单位；负荷 0→1"
out_has "6,3701020002,历下区第二小学,370102,mandatory,food,0,1,一般风险,1,1,0,3,0,1500,318,2,2025-11-01,2026-11-01,zhao,food,,4,0,覆盖所需专项 食品；回避：非本单位；负荷 4→5"
out_has "5,3701020003,历下区科技小学,370102,mandatory,\"lab_chemicals,swimming\",0,4,,0,0,0,0,0,500,,,,,sun,,\"lab_chemicals,swimming\",0,0,覆盖 无，未覆盖 实验室危化品、游泳（可选专家中无人覆盖）；回避：非本单位；负荷 0→1"
end

begin "show: the own-unit expert is avoided (zhang's unit is 3701020003, zhao's 历下区实验小学)"
run plan show 1 --json
rc_is 0
json 'all(s["expert"] != "zhang" for s in j["schools"] if s["school"] == "3701020003")'
json 'all(s["expert"] != "zhao" for s in j["schools"] if s["school"] == "3701020001")'
json '[e["login"] for e in j["experts"]] == ["zhang", "zhao", "sun"] and [e["load"] for e in j["experts"]] == [2, 5, 1]'
json 'j["seed"] == "42" and j["state"] == "draft" and j["pool_schools"] == 5 and j["pool_experts"] == 5'
end

begin "show: the text names every factor and the why"
run plan show 1
rc_is 0
out_has "plan 1 (草稿): 历下区 2026Q4 (2026-10-01 to 2026-12-31)"
out_has "1. 3701020005 历下区寄宿小学 [抽查]"
out_has "   veto yes, band 重大风险, overdue major hazards 0, open major hazards 1, boarders 300, special needs 0, kindergarten no, enrollment 800, days since the last inspection 226"
out_has "   expert: zhao (覆盖所需专项 食品；回避：非本单位；负荷 0→1)"
out_has "   needs: 实验室危化品、游泳"
out_has "2. zhao 专家zhao, 历下区实验小学, 食品、特教、校车: load 5, other plans 0"
end

begin "re-draw in Python (SplitMix64, Fisher-Yates, risk order, assignment) matches plan 1"
redraw 1
end

begin "the same seed gives the same plan"
run plan create --district 370102 --period 2026Q4 --seed 42 --schools-share 50%
rc_is 0
"$BIN" plan show 1 --format csv >one.csv
"$BIN" plan show 2 --format csv >two.csv
same "plan 2" one.csv two.csv
end

begin "a seed drawn at random is printed, and re-draws"
run plan create --district 历下区 --period 2026Q4
rc_is 0
seed=$(sed -n 's/^seed: \([0-9]*\) (drawn at random; keep it with the plan)$/\1/p' "$T/out")
[ -n "$seed" ] || fail "no drawn seed in: $(cat "$T/out")"
[ "$(q 'SELECT seed FROM plans WHERE id = 3')" = "$seed" ] || fail "the stored seed is not the printed one"
out_has "schools: 5 mandatory, 1 drawn (10% of 5), 0 unassigned"
redraw 3
end

begin "--avoid-district: no expert of the school's district; the city-wide corps serves"
run plan create --city --period 2026Q4 --seed 7 --schools-share 100% --experts-share 100% --avoid-district
rc_is 0
run plan show 4 --json
json 'j["district"] is None and j["avoid_district"] and len(j["schools"]) == 11'
json 'all(s["expert"] in (None, "wang") for s in j["schools"] if s["district"] == "370102")'
json '[s["expert"] for s in j["schools"] if s["district"] == "370112"] != ["wang"]'
redraw 4
end

begin "--cap 1: schools beyond the experts' capacity are unassigned, with the reason"
run plan create --district 历下区 --period 2026Q4 --seed 42 --cap 1
rc_is 0
out_has "schools: 5 mandatory, 1 drawn (10% of 5), 3 unassigned"
run plan show 5 --format csv
csv_col "$T/out" why | tail -n 3 >why
# zhang's own unit is 3701020003: one of the three is avoided, not full
printf '%s\n' "未分配：抽取的 3 名专家均不可选（本单位回避 0 名，本区回避 0 名，已达上限 1 所 3 名）" \
    "未分配：抽取的 3 名专家均不可选（本单位回避 1 名，本区回避 0 名，已达上限 1 所 2 名）" \
    "未分配：抽取的 3 名专家均不可选（本单位回避 0 名，本区回避 0 名，已达上限 1 所 3 名）" >want
same "reasons" want why
csv_col "$T/out" school | tail -n 3 | paste -sd, - >codes
[ "$(cat codes)" = 3701020010,3701020003,3701020002 ] || fail "the unassigned are $(cat codes)"
redraw 5
end

begin "list: the plans, newest first"
run plan list
rc_is 0
[ "$(sed -n 2p "$T/out" | awk '{print $1, $2, $3, $4, $5}')" = "5 草稿 历下区 2026Q4 42" ] || fail "line 2 is '$(sed -n 2p "$T/out")'"
[ "$(sed -n 5p "$T/out" | awk '{print $1, $3}')" = "2 历下区" ] || fail "line 5 is '$(sed -n 5p "$T/out")'"
[ "$(tail -n 1 "$T/out")" = "5 plans" ] || fail "last line is '$(tail -n 1 "$T/out")'"
end

# ------------------------------------------------------------ publish, assess
begin "assess new --plan: a draft plan is refused, exit 1"
run assess new --school 3701020002 --plan 1
rc_is 1; out_empty
err_is "schoolrisk: error: plan 1 is a draft: publish it before inspecting for it"
end

begin "publish: the plan joins the audit chain"
n=$(q "SELECT count(*) FROM audit")
run plan publish 1
rc_is 0
out_is "published plan 1: it no longer changes and is in the audit chain"
[ "$(q "SELECT kind || ' ' || ref FROM audit ORDER BY seq DESC LIMIT 1")" = "plan 1" ] || fail "the last record is not plan 1"
[ "$(q "SELECT count(*) FROM audit")" = $((n + 1)) ] || fail "not one record more"
end

begin "publish again is refused, exit 1"
unchanged plan publish 1
rc_is 1
err_is "schoolrisk: error: plan 1 is already published (on 2026-09-15T02:00:00Z); a published plan never changes"
end

begin "publish: no such plan, exit 1; a bad id, exit 2"
run plan publish 99
rc_is 1
err_is "schoolrisk: error: no inspection plan 99"
run plan publish x
rc_is 2
err_is "schoolrisk: error: 'x' is not a plan id (a positive number)"
end

begin "a published plan's rows cannot be changed with sqlite3"
q "UPDATE plan_pairs SET expert = 1 WHERE plan = 1" 2>err.txt && fail "the update went through"
grep -q "a published plan never changes" err.txt || fail "no trigger message: $(cat err.txt)"
end

# ------------------------------------------------------------ the period's load
begin "a second plan of the period starts from the published plan's pairs (prior), drafts do not count; re-draws"
run plan create --district 历下区 --period 2026Q4 --seed 42 --schools-share 50%
rc_is 0
run plan show 6 --json
# plan 1 (published) gave zhang 2, zhao 5, sun 1; drafts 2 to 5 count for nothing
json '[(e["login"], e["prior"], e["load"]) for e in j["experts"]] == [("zhang", 2, 1), ("zhao", 5, 5), ("sun", 1, 2)]'
# 3701020001 (zhao's own unit, nobody covers food): plan 1 gave it to
# zhang, then the less loaded; now sun, 1 + 1 in the period against 2 + 0
[ "$(q "SELECT e.login FROM plan_pairs r JOIN users e ON e.id = r.expert WHERE r.plan = 1 AND r.school = '3701020001'")" = zhang ] ||
    fail "plan 1 did not give 3701020001 to zhang"
json '[(s["expert"], s["load_before"], s["why"]) for s in j["schools"] if s["school"] == "3701020001"] == [("sun", 2, "覆盖 无，未覆盖 食品（可选专家中无人覆盖）；回避：非本单位；负荷 2→3（含其他计划 1 所）")]'
json '[(s["load_before"], s["why"]) for s in j["schools"] if s["school"] == "3701020005"] == [(5, "覆盖所需专项 食品；回避：非本单位；负荷 5→6（含其他计划 5 所）")]'
run plan show 6
out_has "2. zhao 专家zhao, 历下区实验小学, 食品、特教、校车: load 5, other plans 5"
run plan show 6 --format csv
out_has "1,3701020005,历下区寄宿小学,370102,drawn,food,1,3,重大风险,0,1,300,0,0,800,226,3,2026-02-01,2027-02-01,zhao,food,,5,5,覆盖所需专项 食品；回避：非本单位；负荷 5→6（含其他计划 5 所）"
redraw 6
end

begin "--cap counts the period's load: zhao (5 from plan 1) takes one school more under --cap 6; re-draws"
run plan create --district 历下区 --period 2026Q4 --seed 42 --schools-share 50% --cap 6
rc_is 0
run plan show 7 --json
json '[(e["login"], e["prior"], e["load"]) for e in j["experts"]] == [("zhang", 2, 3), ("zhao", 5, 1), ("sun", 1, 4)]'
# zhao is full after 3701020005: the special school goes uncovered to sun
json '[(s["school"], s["expert"]) for s in j["schools"][:2]] == [("3701020005", "zhao"), ("3701020009", "sun")] and j["unassigned"] == 0'
redraw 7
end

begin "a plan of a period that does not overlap has no prior"
run plan create --district 历下区 --period 2027Q1 --seed 42 --schools-share 50%
rc_is 0
run plan show 8 --json
json 'all(e["prior"] == 0 for e in j["experts"]) and len(j["experts"]) > 0'
redraw 8
end

begin "publish: a plan is chained with the experts' prior (audit format 3)"
run plan publish 6
rc_is 0
[ "$(q "SELECT format FROM audit WHERE kind = 'plan' AND ref = 6")" = 3 ] || fail "plan 6 is not chained in format 3"
end

begin "assess new --plan: a school the plan does not list, a self-inspection, refused"
run assess new --school 3701020007 --plan 1
rc_is 1
err_is "schoolrisk: error: plan 1 does not list school 3701020007"
run assess new --school 3701020002 --plan 1 --self
rc_is 1
err_is "schoolrisk: error: a self-inspection is not made for an inspection plan"
[ "$(q 'SELECT count(*) FROM assessments WHERE plan IS NOT NULL')" = 0 ] || fail "an assessment was linked"
end

begin "progress: nothing done yet, everything due"
run plan progress 1
rc_is 0
[ "$(tail -n 1 "$T/out")" = "plan 1 on 2026-09-15: 0 done, 8 due, 0 overdue" ] || fail "last line is '$(tail -n 1 "$T/out")'"
out_has "3701020005  待检查  zhao      历下区寄宿小学"
end

begin "an inspection made for the plan is linked, and counts as done"
id=$("$BIN" assess new --school 3701020002 --plan 1) || fail "assess new failed"
"$BIN" assess import "$id" "$FX/mini-a-79995.csv" >/dev/null && "$BIN" assess submit "$id" >/dev/null || fail "cannot submit"
[ "$(q "SELECT plan FROM assessments WHERE id = $id")" = 1 ] || fail "not linked"
run plan progress 1
out_has "3701020002  已完成  zhao      历下区第二小学  (inspection $id of 2026-09-15, made for the plan)"
[ "$(tail -n 1 "$T/out")" = "plan 1 on 2026-09-15: 1 done, 7 due, 0 overdue" ] || fail "last line is '$(tail -n 1 "$T/out")'"
end

begin "progress after the period's end: the rest is overdue"
SCHOOLRISK_CLOCK=2027-01-05T02:00:00Z run plan progress 1
[ "$(tail -n 1 "$T/out")" = "plan 1 on 2027-01-05: 1 done, 0 due, 7 overdue" ] || fail "last line is '$(tail -n 1 "$T/out")'"
out_has "3701020009  逾期    zhao      历下区特殊教育学校"
end

# ------------------------------------------------------------ audit
begin "audit verify: intact with plans and a linked inspection"
run audit verify
rc_is 0
end

begin "audit verify names a published plan edited with sqlite3"
E=$(copydb "$SCHOOLRISK_DB" edited)
drop_trigger "$E" plan_schools plan_schools_frozen_UPDATE
sql "$E" "UPDATE plan_schools SET enrollment = 9999 WHERE plan = 1 AND school = '3701020001'"
run audit verify --db "$E"
rc_is 1
seq=$(sql "$E" "SELECT seq FROM audit WHERE kind = 'plan' AND ref = 1")
err_is "schoolrisk: error: audit chain broken: audit record $seq: inspection plan 1 was altered (its content no longer matches the hash recorded when it was written)"
end

begin "audit verify names a published plan whose expert's prior was edited with sqlite3"
E=$(copydb "$SCHOOLRISK_DB" prior)
drop_trigger "$E" plan_experts plan_experts_frozen_UPDATE
sql "$E" "UPDATE plan_experts SET prior = 0 WHERE plan = 6 AND login = 'zhao'"
run audit verify --db "$E"
rc_is 1
seq=$(sql "$E" "SELECT seq FROM audit WHERE kind = 'plan' AND ref = 6")
err_is "schoolrisk: error: audit chain broken: audit record $seq: inspection plan 6 was altered (its content no longer matches the hash recorded when it was written)"
end

begin "audit verify names a plan published by hand"
E=$(copydb "$SCHOOLRISK_DB" forged)
sql "$E" "UPDATE plans SET state = 'published', published_at = '2026-09-15T02:00:00Z', published_by = 'x' WHERE id = 2"
run audit verify --db "$E"
rc_is 1
err_is "schoolrisk: error: audit chain broken: inspection plan 2 is not in the audit chain: it was published outside schoolrisk"
end

begin "audit verify names the plan of a linked inspection changed by hand"
E=$(copydb "$SCHOOLRISK_DB" relinked)
drop_trigger "$E" assessments submitted_immutable
sql "$E" "UPDATE assessments SET plan = NULL WHERE id = $id"
run audit verify --db "$E"
rc_is 1
grep -q "^schoolrisk: error: audit chain broken: audit record [0-9]*: assessment $id was altered" "$T/err" || fail "stderr: $(cat "$T/err")"
end

finish
