#!/bin/bash
# End-to-end tests of `schoolrisk whatif` (整改预测): before -> after of a
# school and of its district with 不变 where nothing changes, CSV and
# JSON, --close-all-major, --suggest, the refusals (exact messages, exit
# codes), and the database left byte for byte as it was.
#
# Run by ctest as:  bash test_whatif.sh /path/to/schoolrisk /path/to/source-tree
#
# mini.xml; 历下区 has A (3701020001) assessed with the veto item D1.2.1
# failed and D1.1.1 one guard of two: 55/70 = 78.57, vetoed; B
# (3701020002) at full points.  市中区 has C, never assessed.  The clock
# is 2026-03-10 10:00 in Jinan.
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb w)
export SCHOOLRISK_CLOCK=2026-03-10T02:00:00Z
unset SCHOOLRISK_USER

"$BIN" init --no-indicators >/dev/null &&
    "$BIN" indicators load "$MINI" >/dev/null || { echo "FAIL cannot create the database"; exit 1; }
cat >reg.csv <<EOF2
学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数
3701020001,历下区甲小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,0
3701020002,历下区乙小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,0
3701030001,市中区丙小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,0
EOF2
full='item,value,note
D1.1.1,2,
D1.1.2,pass,
D1.2.1,pass,
D1.2.2,符合,
D1.2.3,30,
D1.2.4,pass,
D2.1.1,0,
D2.1.2,3,
D3.1.1,pass,
D3.1.2,12/12,'
printf '%s\n' "$full" >full.csv
printf '%s\n' "$full" | sed 's/^D1.1.1,2,$/D1.1.1,1,/; s/^D1.2.1,pass,$/D1.2.1,fail,/' >a.csv
assess() { # school csv
    local id
    id=$("$BIN" assess new --by 张检查员 --school "$1" --date 2026-03-01) &&
        "$BIN" assess import "$id" "$2" >/dev/null &&
        "$BIN" assess submit "$id" >/dev/null
}
"$BIN" schools import reg.csv >/dev/null && assess 3701020001 a.csv &&
    assess 3701020002 full.csv || { echo "FAIL cannot build the district"; exit 1; }
HG=$(sql "$SCHOOLRISK_DB" "SELECT id FROM hazards WHERE item = 'D1.1.1'")
HV=$(sql "$SCHOOLRISK_DB" "SELECT id FROM hazards WHERE item = 'D1.2.1'")
"$BIN" hazard add --by 张三 --school 3701030001 --level general --description "围墙裂缝" >/dev/null ||
    { echo "FAIL cannot add a hazard"; exit 1; }
HC=$(sql "$SCHOOLRISK_DB" "SELECT id FROM hazards WHERE school = '3701030001'")
json() { # python expression over the JSON on stdout, bound to j
    "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$T/out" "$1" ||
        fail "JSON check failed: $1"
}

begin "whatif --help: usage on stdout; schoolrisk --help lists whatif"
run whatif --help
rc_is 0; err_empty
[ "$(head -n 1 "$T/out")" = "usage: schoolrisk whatif (--school CODE | --district D | --city)" ] || fail "first line is '$(head -n 1 "$T/out")'"
run --help
grep -q "^  whatif  *what-if (整改预测): the figures if chosen hazards were closed, and the rectification order$" "$T/out" || fail "whatif is not listed"
end

begin "the veto hazard of A closed: A's figures and its district's, before -> after, 不变 where nothing changes"
sha=$(sha256sum "$SCHOOLRISK_DB")
run whatif --school 3701020001 --close "$HV"
rc_is 0; err_empty
cat >"$T/exp" <<EOF2
What-if as of 2026-03-10: closing 1 hazard(s): $HV

school 3701020001 历下区甲小学 (历下区): 1 hazard(s) closed, 1 item(s) at full points
  total                         78.57 → 92.86
  band                          重大风险 → 低风险
  compliant (达标)              否 → 是
  vetoed                        是 → 否
  专职保安员配备                否（不变）
  封闭化管理                    否 → 是
  一键式紧急报警和视频监控联网  是（不变）
  护学岗                        是（不变）
  all four 100%                 否（不变）
  open hazards                  2 → 1
  overdue hazards               0（不变）

district 370102 历下区
  coverage                      2/2 (100.0%)（不变）
  compliance rate (达标率)      1/2 (50.0%) → 2/2 (100.0%)
  专职保安员配备                1/2 (50.0%)（不变）
  封闭化管理                    1/2 (50.0%) → 2/2 (100.0%)
  一键式紧急报警和视频监控联网  2/2 (100.0%)（不变）
  护学岗                        2/2 (100.0%)（不变）
  schools meeting all four      1（不变）
  four 100%                     未达到（不变）
  open hazards                  2 → 1
  overdue hazards               0（不变）
  open major hazards (挂牌督办) 1 → 0
EOF2
same stdout "$T/exp" "$T/out"
[ "$(sha256sum "$SCHOOLRISK_DB")" = "$sha" ] || fail "the database changed"
end

begin "both of A's hazards in CSV: the district reaches four 100%"
run whatif --district 历下区 --close "$HG,$HV" --format csv
rc_is 0; err_empty
out_has "scope,code,name,figure,before,after,change"
out_has "school,3701020001,历下区甲小学,total,78.57,100.00,变化"
out_has "district,370102,历下区,four 100%,未达到,达到,变化"
out_has "district,370102,历下区,schools meeting all four,1,2,变化"
out_has "district,370102,历下区,coverage,2/2 (100.0%),2/2 (100.0%),不变"
end

begin "--city --close-all-major --json: the city's totals"
run whatif --city --close-all-major --json
rc_is 0; err_empty
json "j['closed'] == [$HV] and j['city']['name'] == '全市'"
json "j['city']['before']['compliance'] == {'num': 1, 'den': 3} and j['city']['after']['compliance'] == {'num': 2, 'den': 3}"
json "[d['code'] for d in j['districts']][:2] == ['370102', '370103'] and j['schools'][0]['after']['total'] == 92.86"
json "j['schools'][0]['before']['baseline']['closed-campus'] == 'not_met' and j['schools'][0]['after']['baseline']['closed-campus'] == 'met'"
end

begin "--suggest: A's plan first (达标 and four 100%), hazards ranked"
run whatif --district 历下区 --suggest
rc_is 0; err_empty
cat >"$T/exp" <<EOF2
Rectification order (推荐整改顺序) for 历下区 as of 2026-03-10: 2 schools, 1 达标, 1 meeting all four

plans, ranked by targets reached, hazards needed (fewer first), points gained:
  1. 3701020001 历下区甲小学  close $HG,$HV  total 78.57 -> 100.00  达标 否 -> 是  四个100% 否 -> 是  then 2/2 达标, 2/2 all four

open hazards, ranked by what closing each alone gains:
  1. $HV 3701020001 重大 D1.2.1 校园实行封闭化管理，门卫室24小时值守，外来人员登记  +14.29 points, becomes 达标
  2. $HG 3701020001 一般 D1.1.1 专职保安员配备数量达到标准  +7.14 points
EOF2
same stdout "$T/exp" "$T/out"
run whatif --district 历下区 --suggest --json
json "j['plans'][0]['to_comply'] == [$HV] and j['plans'][0]['to_four'] == sorted([$HG, $HV]) and j['plans'][0]['four_then'] == 2"
end

begin "refusals: another district's hazard, a closed scope, bad ids, no action"
run whatif --district 历下区 --close "$HC"
rc_is 1; out_empty
err_is "schoolrisk: error: no hazard $HC in the scope asked"
run whatif --school 3701020002 --close "$HV"
rc_is 1; err_is "schoolrisk: error: no hazard $HV in the scope asked"
run whatif --district 历下区 --close 12,x
rc_is 2; err_is "schoolrisk: error: bad hazard id list '12,x' (expected 12,15,20)"
run whatif --district 历下区
rc_is 2
run whatif --school 3701020001 --suggest
rc_is 2
run whatif --district 没有 --close 1
rc_is 1; err_is "schoolrisk: error: no district '没有'"
end

begin "an as-of day before the hazards were found: nothing of them to close"
run whatif --district 历下区 --close "$HV" --as-of 2026-02-01
rc_is 1; err_is "schoolrisk: error: no hazard $HV in the scope asked"
end

finish
