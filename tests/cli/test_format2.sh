#!/bin/bash
# End-to-end tests of indicator format 2 (docs/indicator-format.md s.16)
# on tests/fixtures/fmt2/table.xml, a paper table of 100 points:
#
#   P.1.1  0   check, veto: a prerequisite (前置条件), worth nothing
#   P.1.2  0   check, veto, when (boarding or enrollment >= 1000)
#   S.1.1  15  levels in points: 符合 15 / 基本符合 10 / 部分符合 5 / 不符合 0
#   S.1.2  10  levels in fractions (as format 1): 1 / 0.6 / 0; 基本符合
#              implies no hazard, 不符合 a major one (level hazards)
#   S.1.3  10  check, when (enrollment >= 1000 or boarding)
#   S.1.4  5   check, when not (locale = urban)
#   S.1.5  20  deduct by reason: 灭火器过期 1, 疏散通道堵塞 2, 应急照明损坏 0.5
#   B.1.*  4 x 10 check, the four baseline elements
#
# Schools and the figures, worked out by hand (and by score_check.py):
#   a: town, 1200 pupils: every item applies.  S.1.1 基本符合 10,
#      S.1.2 10, S.1.3 10, S.1.4 5, S.1.5 20 - (5x1 + 4x2 + 4x0.5) = 5,
#      B 40: 80 of 100 = 80.00, general, compliant.
#   b: urban, 300 pupils, day school: P.1.2, S.1.3, S.1.4 do not apply
#      (85 points).  P.1.1 fail (vetoes, costs nothing), S.1.1 部分符合 5,
#      S.1.2 基本符合 6, S.1.5 11 x 2 = 22 > 20 -> 0, B 40: 51 of 85 =
#      60.00, vetoed -> major.
#   c: rural, 300 pupils, boarding: every item applies (S.1.3 and P.1.2
#      by boarding).  P.1.2 fail, S.1.4 fail: 95 of 100 = 95.00, vetoed.
. "$(dirname "$0")/lib.sh"

F2=$SRC/tests/fixtures/fmt2
TABLE=$F2/table.xml

begin "validate: the format-2 table"
run indicators validate "$TABLE"
rc_is 0; err_empty
out_is "ok: $TABLE: fmt2 1.0, 3 dimensions, 3 indicators, 11 items, 2 veto items"
end

begin "show --format csv: choices in real points, conditions in words"
run indicators show "$TABLE" --format csv
rc_is 0; err_empty
same "show csv" "$EXP/show-fmt2.csv" "$T/out"
grep -Fxq 'S,S.1,S.1.1,安全管理制度健全并落实,15,levels,符合:15分|基本符合:10分|部分符合:5分|不符合:0分,false,false,general,,' "$T/out" || fail "S.1.1 row"
grep -Fxq 'S,S.1,S.1.4,非城区学校与属地派出所建立联防机制,5,check,pass:1|fail:0,false,false,general,,not (locale=urban)' "$T/out" || fail "S.1.4 row"
end

begin "checklist: a prerequisite worth 0 is listed with its dimension; items that do not apply are not"
run checklist --system "$TABLE" --school "$F2/b.school"
rc_is 0; err_empty
same "checklist" "$EXP/checklist-fmt2-b.tree" "$T/out"
grep -q 'P.1.2\|S.1.3\|S.1.4' "$T/out" && fail "lists an item that does not apply to b"
end

#   school total  band     compliant vetoed earned max
PINNED="
a        80.00  general  true      false  80.00  100.00
b        60.00  major    false     true   51.00  85.00
c        95.00  major    false     true   95.00  100.00"

for s in a b c; do
    set -- $(echo "$PINNED" | grep "^$s ")
    begin "score $s: $2 $3, --json agrees with the independent checker"
    run score --system "$TABLE" --school "$F2/$s.school" --responses "$F2/$s.csv" --json
    rc_is 0; err_empty
    cp "$T/out" "$T/$s.json"
    "$PY" "$CHECK" "$TABLE" "$F2/$s.school" "$F2/$s.csv" --compare "$T/$s.json" >"$T/cmp" 2>&1 ||
        fail "score_check.py: $(head -n 5 "$T/cmp" | paste -sd '|')"
    grep -Eq "^[[:space:]]*\"total\":[[:space:]]*$2,\$" "$T/out" || fail "total is not $2"
    grep -Eq "^[[:space:]]*\"band\":[[:space:]]*\"$3\",\$" "$T/out" || fail "band is not $3"
    grep -Eq "^[[:space:]]*\"compliant\":[[:space:]]*$4,\$" "$T/out" || fail "compliant is not $4"
    grep -Eq "^[[:space:]]*\"vetoed\":[[:space:]]*$5,\$" "$T/out" || fail "vetoed is not $5"
    grep -Eq "^[[:space:]]*\"earned\":[[:space:]]*$6,\$" "$T/out" || fail "earned is not $6"
    grep -Eq "^[[:space:]]*\"max\":[[:space:]]*$7,\$" "$T/out" || fail "max is not $7"
    end

    begin "score $s --explain: the trace of each construct"
    run score --system "$TABLE" --school "$F2/$s.school" --responses "$F2/$s.csv" --explain
    rc_is 0; err_empty
    same "explain" "$EXP/score-fmt2-$s-explain.txt" "$T/out"
    end
done

begin "score b --json: the failed prerequisite is a veto item and a major hazard, worth 0.00 of 0.00; S.1.2 基本符合 loses points, no hazard"
"$PY" - "$T/b.json" >"$T/chk" 2>&1 <<'PYEOF' || fail "$(cat "$T/chk")"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["veto_items"] == ["P.1.1"], d["veto_items"]
assert [(h["item"], h["level"]) for h in d["hazards"]][0] == ("P.1.1", "major"), d["hazards"]
p = [x for x in d["items"] if x["item"] == "P.1.1"][0]
assert (str(p["earned"]), str(p["max"]), str(p["fraction"])) == ("0.0", "0.0", "0.0") or \
       (p["earned"], p["max"], p["fraction"]) == (0, 0, 0), p
assert [x["id"] for x in d["dimensions"]] == ["S", "B"], d["dimensions"]
assert [(h["item"], h["level"]) for h in d["hazards"]] == [("P.1.1", "major"), ("S.1.1", "general"), ("S.1.5", "general")], d["hazards"]
assert [x["item"] for x in d["lost"]] == ["P.1.1", "S.1.1", "S.1.2", "S.1.5"], d["lost"]
PYEOF
end

begin "score a: the level in points earns 10.00, not 15 x 0.6667 = 10.0005"
grep -Fx '  S.1.1        levels    value 基本符合 -> fraction 0.6667 (level worth 10 points) -> 10.00 / 15.00' "$EXP/score-fmt2-a-explain.txt" >/dev/null || fail "explain line"
# The same table with S.1.1's levels in fractions, as format 1 had to
# write them: 15 x 0.6667 = 10.0005.
sed 's/points="15"\/>/fraction="1"\/>/; s/points="10"\/>/fraction="0.6667"\/>/; s/points="5"\/>/fraction="0.3333"\/>/; s/value="不符合" points="0"\/>/value="不符合" fraction="0"\/>/' "$TABLE" >frac.xml
run score --system frac.xml --school "$F2/a.school" --responses "$F2/a.csv" --explain
rc_is 0; err_empty
out_has '  S.1.1        levels    value 基本符合 -> fraction 0.6667 -> 10.0005 / 15.00'
out_has 'points     80.0005 of 100.00; 11 items scored, 0 not applicable, 0 marked na, 0 unanswered'
end

# ---------------------------------------------------- format 1 refuses
sed 's/ format="2"//' "$TABLE" >nofmt.xml
begin "format 1: each format-2 construct is refused with its line"
run indicators validate nofmt.xml
rc_is 1; out_empty
err_is "nofmt.xml:21: item 'P.1.1': veto items worth 0 points need format=\"2\" on <system>
nofmt.xml:24: item 'P.1.2': veto items worth 0 points need format=\"2\" on <system>
nofmt.xml:26: item 'P.1.2': conditions in <any> need format=\"2\" on <system>
nofmt.xml:38: item 'S.1.1': level points need format=\"2\" on <system>
nofmt.xml:48: item 'S.1.2': level hazards need format=\"2\" on <system>
nofmt.xml:54: item 'S.1.3': conditions in <any> need format=\"2\" on <system>
nofmt.xml:61: item 'S.1.4': conditions in <not> need format=\"2\" on <system>
nofmt.xml:69: item 'S.1.5': deduction reasons need format=\"2\" on <system>
schoolrisk: error: nofmt.xml: not valid (8 problems)"
end

sed 's/format="2"/format="3"/' "$TABLE" >fmt3.xml
begin "an unknown format version is refused by the schema"
run indicators validate fmt3.xml
rc_is 1; out_empty
err_is "fmt3.xml:9: does not match the schema: Element 'system', attribute 'format': [facet 'enumeration'] The value '3' is not an element of the set {'1', '2'}. (in system 'fmt2')
schoolrisk: error: fmt3.xml: not valid (1 problem)"
end

# ---------------------------------------------------- answers by reason
refused() { # value expected-first-line-of-stderr
    printf 'item,value,note\nS.1.5,%s,\n' "$1" >r.csv
    run score --system "$TABLE" --school "$F2/a.school" --responses r.csv --partial
    rc_is 1; out_empty
    err_line 1 "$2"
}
CH='灭火器过期=count:-1 each|疏散通道堵塞=count:-2 each|应急照明损坏=count:-0.5 each'
begin "deduct by reason: a plain count is refused, naming the reasons"
refused 3 "r.csv:2: item 'S.1.5': '3' is not findings by reason, written reason=count;… ($CH)"
end
begin "deduct by reason: an unknown reason is refused"
refused '灭火器=1' "r.csv:2: item 'S.1.5': unknown reason '灭火器' ($CH)"
end
begin "deduct by reason: a reason given twice is refused"
refused '灭火器过期=1;灭火器过期=2' "r.csv:2: item 'S.1.5': reason '灭火器过期' is given twice"
end
begin "deduct by reason: a negative count is refused"
refused '灭火器过期=-1' "r.csv:2: item 'S.1.5': '灭火器过期=-1' is not findings by reason, written reason=count;… ($CH)"
end

# ---------------------------------------------------- through the database
F2DB=$(newdb f2)
begin "submit b: the failed prerequisite (0.00 of 0.00) raises a major hazard; S.1.2 基本符合 (hazard none) loses points and raises none"
(
    export SCHOOLRISK_DB=$F2DB SCHOOLRISK_CLOCK=2026-03-01T02:00:00Z
    printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点' \
        '3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,300,0,0,22,否,否' >reg.csv
    "$BIN" init --no-indicators >/dev/null &&
        "$BIN" indicators load "$TABLE" >/dev/null &&
        "$BIN" schools import reg.csv >/dev/null &&
        id=$("$BIN" assess new --school 3701020001 --by 张三) &&
        "$BIN" assess import "$id" "$F2/b.csv" --by 张三 >/dev/null &&
        "$BIN" assess submit "$id" --by 张三
) >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty
out_has "submitted assessment 1: 60.00 重大风险, 达标 否, 一票否决; hazards: 3 new, 0 linked to open ones"
[ "$(sql "$F2DB" "SELECT item || ' ' || level || ' ' || status FROM hazards ORDER BY id" | joined '; ')" = "P.1.1 major open; S.1.1 general open; S.1.5 general open" ] ||
    fail "hazards: $(sql "$F2DB" "SELECT item, level FROM hazards")"
end

begin "submit a with S.1.2 不符合: the level's major hazard, although the item's default is general"
(
    export SCHOOLRISK_DB=$F2DB SCHOOLRISK_CLOCK=2026-03-01T02:00:00Z
    printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点' \
        '3701020002,历下区示例镇小学,历下区,小学,公办,镇区,否,否,是,否,否,1200,0,0,86,否,否' >reg2.csv
    sed 's/^S.1.2,符合,$/S.1.2,不符合,/' "$F2/a.csv" >a2.csv
    "$BIN" schools import reg2.csv >/dev/null &&
        id=$("$BIN" assess new --school 3701020002 --by 张三) &&
        "$BIN" assess import "$id" a2.csv --by 张三 >/dev/null &&
        "$BIN" assess submit "$id" --by 张三
) >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty
out_has "submitted assessment 2: 70.00 较大风险, 达标 否; hazards: 3 new, 0 linked to open ones"
[ "$(sql "$F2DB" "SELECT item || ' ' || level FROM hazards WHERE school = '3701020002' ORDER BY id" | joined '; ')" = "S.1.1 general; S.1.2 major; S.1.5 general" ] ||
    fail "hazards of a: $(sql "$F2DB" "SELECT item, level FROM hazards WHERE school = '3701020002'")"
end

begin "report district: 失分明细 lists b's failed prerequisite (0.00 of 0.00) with its veto, S.1.2 as 无隐患; 学校评估 and the city's 否决项 name it"
(
    export SCHOOLRISK_DB=$F2DB SCHOOLRISK_CLOCK=2026-04-02T02:00:00Z
    "$BIN" report district 历下区 --period 2026Q1 -o d.xlsx >/dev/null &&
        "$BIN" report city --period 2026Q1 -o c.xlsx >/dev/null
) >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty
"$PY" - d.xlsx c.xlsx >"$T/chk" 2>&1 <<'PYEOF' || fail "$(cat "$T/chk")"
import sys, openpyxl
def rows(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    it = ws.iter_rows(values_only=True)
    for head in it:
        if head and "学校代码" in head:
            break
    return [dict(zip(head, r)) for r in it if r and r[head.index("学校代码")]]
lost = [(r["指标编号"], "%.2f/%.2f" % (r["得分"], r["标准分"]), r["隐患等级"], r["否决项"])
        for r in rows(sys.argv[1], "失分明细") if r["学校代码"] == "3701020001"]
want = [("P.1.1", "0.00/0.00", "重大隐患", "是"), ("S.1.1", "5.00/15.00", "一般隐患", "否"),
        ("S.1.2", "6.00/10.00", "无隐患", "否"), ("S.1.5", "0.00/20.00", "一般隐患", "否")]
assert lost == want, lost
veto = "P.1.1 学校依法取得办学许可，校舍经鉴定安全"
s = [r for r in rows(sys.argv[1], "学校评估") if r["学校代码"] == "3701020001"]
assert [r["否决项"] for r in s] == [veto], s
c = [r for r in rows(sys.argv[2], "未达标学校") if r["学校代码"] == "3701020001"]
assert [r["否决项"] for r in c] == [veto], c
PYEOF
end

# ---------------------------------------------------- outcome rows
# tests/fixtures/fmt2/outcome.xml: R.1.1 (0 points, veto), R.1.2 (deduct
# 2 per case) and R.1.3 (levels 20/10/0, 发生未处置 declares general) are
# outcome items, hazard="none" on the item; B.1.* 20+10+20+20.
OUT=$F2/outcome.xml
printf '%s\n' item,value,note 'R.1.1,fail,发生1起刑事案件' R.1.2,2, R.1.3,发生已妥善处置, \
    B.1.1,pass, B.1.2,pass, B.1.3,pass, B.1.4,pass, >o1.csv
sed 's/^R.1.3,.*/R.1.3,发生未处置,/' o1.csv >o2.csv

begin "outcome items: validate, and show's hazard column reads none"
run indicators validate "$OUT"
rc_is 0; err_empty
out_is "ok: $OUT: fmt2-outcome 1.0, 2 dimensions, 2 indicators, 7 items, 1 veto items"
run indicators show "$OUT" --format csv
rc_is 0; err_empty
grep -Fxq 'R,R.1,R.1.1,全年未发生刑事案件或重大安全责任事故,0,check,pass:1|fail:0,false,true,none,,' "$T/out" || fail "R.1.1 row"
grep -Fxq 'R,R.1,R.1.3,全年未发生校园欺凌事件,20,levels,未发生:20分|发生已妥善处置:10分|发生未处置:0分(一般隐患),false,false,none,,' "$T/out" || fail "R.1.3 row"
end

begin "outcome items: a failed outcome vetoes and loses points, and raises no hazard; a level declaring one does"
run score --system "$OUT" --school "$F2/b.school" --responses o1.csv --json
rc_is 0; err_empty
cp "$T/out" o1.json
run score --system "$OUT" --school "$F2/b.school" --responses o2.csv --json
rc_is 0; err_empty
cp "$T/out" o2.json
"$PY" - o1.json o2.json >"$T/chk" 2>&1 <<'PYEOF' || fail "$(cat "$T/chk")"
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
assert (a["total"], a["vetoed"], a["band"]) == (86, True, "major"), (a["total"], a["vetoed"], a["band"])
assert a["veto_items"] == ["R.1.1"], a["veto_items"]
assert [x["item"] for x in a["lost"]] == ["R.1.1", "R.1.2", "R.1.3"], a["lost"]
assert a["hazards"] == [], a["hazards"]
b = json.load(open(sys.argv[2], encoding="utf-8"))
assert b["total"] == 76, b["total"]
assert [(h["item"], h["level"]) for h in b["hazards"]] == [("R.1.3", "general")], b["hazards"]
PYEOF
for r in o1 o2; do
    "$PY" "$CHECK" "$OUT" "$F2/b.school" $r.csv --compare $r.json >"$T/cmp" 2>&1 ||
        fail "score_check.py ($r): $(head -n 5 "$T/cmp" | paste -sd '|')"
done
end

begin "outcome items: refused in format 1, and on a four-100% item"
sed 's/ format="2"//' "$OUT" >o-f1.xml
run indicators validate o-f1.xml
rc_is 1; out_empty
err_is "o-f1.xml:22: item 'R.1.1': veto items worth 0 points need format=\"2\" on <system>
o-f1.xml:22: item 'R.1.1': outcome items (hazard=\"none\") need format=\"2\" on <system>
o-f1.xml:25: item 'R.1.2': outcome items (hazard=\"none\") need format=\"2\" on <system>
o-f1.xml:30: item 'R.1.3': outcome items (hazard=\"none\") need format=\"2\" on <system>
o-f1.xml:33: item 'R.1.3': level points need format=\"2\" on <system>
o-f1.xml:35: item 'R.1.3': level hazards need format=\"2\" on <system>
schoolrisk: error: o-f1.xml: not valid (6 problems)"
sed 's/baseline="guards">/baseline="guards" hazard="none">/' "$OUT" >o-bl.xml
run indicators validate o-bl.xml
rc_is 1; out_empty
err_is "o-bl.xml:42: item 'B.1.1': a four-100% item (baseline=\"guards\") must raise a hazard when not met; remove hazard=\"none\"
schoolrisk: error: o-bl.xml: not valid (1 problem)"
end

begin "a four-100% item may not have a level of no hazard either (its element comes back when its hazard closes)"
perl -0pe 's{<item id="B.1.1" points="20" method="check" baseline="guards">\s*<title>(.*?)</title>\s*</item>}{<item id="B.1.1" points="20" method="levels" baseline="guards"><title>$1</title>\n<levels><level value="到位" points="20"/>\n<level value="基本到位" points="10" hazard="none"/>\n<level value="未到位" points="0"/></levels></item>}s' "$OUT" >o-lv.xml
run indicators validate o-lv.xml
rc_is 1; out_empty
err_is "o-lv.xml:44: item 'B.1.1': level '基本到位': a four-100% item (baseline=\"guards\") must raise a hazard when not met; remove hazard=\"none\"
schoolrisk: error: o-lv.xml: not valid (1 problem)"
end

ODB=$(newdb o)
begin "outcome items through the database: submitted vetoed with no hazard; 失分明细 lists them as 无隐患, R.1.1 with its veto"
(
    export SCHOOLRISK_DB=$ODB SCHOOLRISK_CLOCK=2026-03-01T02:00:00Z
    printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点' \
        '3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,300,0,0,22,否,否' >reg.csv
    "$BIN" init --no-indicators >/dev/null &&
        "$BIN" indicators load "$OUT" >/dev/null &&
        "$BIN" schools import reg.csv >/dev/null &&
        id=$("$BIN" assess new --school 3701020001 --by 张三) &&
        "$BIN" assess import "$id" o1.csv --by 张三 >/dev/null &&
        "$BIN" assess submit "$id" --by 张三 &&
        SCHOOLRISK_CLOCK=2026-04-02T02:00:00Z "$BIN" report district 历下区 --period 2026Q1 -o o.xlsx >/dev/null
) >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty
out_has "submitted assessment 1: 86.00 重大风险, 达标 否, 一票否决; hazards: 0 new, 0 linked to open ones"
[ "$(sql "$ODB" "SELECT count(*) FROM hazards")" = 0 ] || fail "a hazard was raised"
"$PY" - o.xlsx >"$T/chk" 2>&1 <<'PYEOF' || fail "$(cat "$T/chk")"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["失分明细"]
it = ws.iter_rows(values_only=True)
for head in it:
    if head and "学校代码" in head:
        break
got = [(r[head.index("指标编号")], r[head.index("隐患等级")], r[head.index("否决项")]) for r in it if r and r[0]]
assert got == [("R.1.1", "无隐患", "是"), ("R.1.2", "无隐患", "否"), ("R.1.3", "无隐患", "否")], got
PYEOF
end

# ---------------------------------------------------- random systems
# tests/cli/fmt2_random.py: 400 random format-2 systems, schools and
# answers (two seeds), every figure of --json recomputed by score_check.py.
for seed in 11 12; do
    begin "random format-2 systems (seed $seed): schoolrisk and the independent checker agree"
    "$PY" "$SRC/tests/cli/fmt2_random.py" "$BIN" "$T/rand$seed" 200 "$seed" >"$T/rand" 2>&1 ||
        fail "$(head -n 8 "$T/rand" | paste -sd '|')"
    grep -qx '200 cases agree (0 with nothing to score, refused by both)' "$T/rand" ||
        fail "$(cat "$T/rand")"
    end
done

finish
