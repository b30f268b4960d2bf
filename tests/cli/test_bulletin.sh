#!/bin/bash
# End-to-end tests of `schoolrisk bulletin monthly|quarterly` on a real
# database file: the text, the JSON and the workbooks of a district's
# monthly dispatch (月调度) and the city's quarterly bulletin (季通报),
# every district at once, the default period, and every refusal with its
# message and exit code.
#
# Run by ctest as:  bash test_bulletin.sh /path/to/schoolrisk /path/to/source-tree
#
# The story (mini.xml, no assessment):
#   hazard 1  major at 3701020001 (历下区), found 2026-10-10, deadline
#             2026-11-05: overdue since November, 25 days on 11-30
#   hazard 2  general at 3701020002 (历下区), found 2026-11-03
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb b)
export SCHOOLRISK_CLOCK=2026-09-01T02:00:00Z
unset SCHOOLRISK_USER SCHOOLRISK_TEMPLATES

"$BIN" init --no-indicators >/dev/null &&
    "$BIN" indicators load "$MINI" >/dev/null || { echo "FAIL cannot create the database"; exit 1; }
cat >reg.csv <<EOF
学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数
3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,0
3701020002,历下区第二小学,历下区,小学,公办,城区,否,否,是,否,否,300,0,0
3701120001,历城区山区小学,历城区,小学,公办,乡村,是,是,是,否,否,150,60,0
EOF
{ "$BIN" schools import reg.csv &&
  SCHOOLRISK_CLOCK=2026-10-10T02:00:00Z "$BIN" hazard add --by 张三 --school 3701020001 --level major --description "东侧围墙倒塌约5米" &&
  SCHOOLRISK_CLOCK=2026-10-11T02:00:00Z "$BIN" hazard assign 1 --by 李主任 --responsible 王校长 --deadline 2026-11-05 &&
  SCHOOLRISK_CLOCK=2026-11-03T02:00:00Z "$BIN" hazard add --by 张三 --school 3701020002 --level general --description "灭火器过期"
} >/dev/null 2>&1 || { echo "FAIL cannot build the story"; exit 1; }
export SCHOOLRISK_CLOCK=2026-12-06T02:00:00Z

# xlsx FILE SHEET CELL: a cell's value.
xlsx() {
    "$PY" -c 'import openpyxl,sys
print(openpyxl.load_workbook(sys.argv[1])[sys.argv[2]][sys.argv[3]].value)' "$@"
}

# ------------------------------------------------------------ monthly
begin "monthly: November against October, without --month the last month ended"
run bulletin monthly --district 历下区
rc_is 0
err_empty
[ "$(sed -n 1p "$T/out")" = "历下区 2026年11月 monthly dispatch (月调度), against 2026年10月" ] ||
    fail "first line: $(sed -n 1p "$T/out")"
out_has "hazards found in the month: 1"
out_has "  #2 历下区第二小学 一般隐患 灭火器过期 (found 2026-11-03, 登记)"
out_has "hazards closed in the month: 0"
out_has "hazards overdue at the month's end: 1"
out_has "newly overdue: 1"
out_has "  #1 历下区实验小学 重大隐患 东侧围墙倒塌约5米 (found 2026-10-10, deadline 2026-11-05, 25 days overdue, 整改中)"
out_has "newly supervised (挂牌督办): 0"
out_has "schools due (no valid inspection): 2 at the month's end, 2 a month before"
out_has "逾期重大隐患数                               1         0        +1"
end

begin "monthly for October: the major hazard found and newly supervised"
run bulletin monthly --district 370102 --month 2026年10月
rc_is 0
out_has "newly supervised (挂牌督办): 1"
out_has "newly overdue: 0"
out_has "hazards found in the month: 1"
end

begin "monthly --json: the figures the API gives"
run bulletin monthly --district 历下区 --month 2026-11 --json
rc_is 0
"$PY" - "$T/out" >"$T/got" <<'EOF' || fail "not the JSON expected"
import json, sys
b = json.load(open(sys.argv[1]))
h = b["hazards"]
print(b["district"], b["period"]["label"], b["previous"]["label"],
      [x["id"] for x in h["found"]], [x["id"] for x in h["newly_overdue"]],
      h["newly_overdue"][0]["days_overdue"], b["due"], b["plans"])
k = {x["key"]: x for x in b["kpis"]}
print(k["overdue_major"]["now"], k["overdue_major"]["prev"],
      k["overdue_major"]["change"], k["coverage"]["change"])
EOF
printf '%s\n' "370102 2026-11 2026-10 [2] [1] 25 {'now': 2, 'prev': 2, 'newly_due': []} []" \
    "1 0 1 0.0" >"$T/exp"
same "the JSON" "$T/exp" "$T/got"
end

begin "monthly -o: the workbook with the bureau's head, --number in 文号"
run bulletin monthly --district 历下区 --month 2026-11 -o m.xlsx --date 2026-12-03 --number 8
rc_is 0
out_is "wrote m.xlsx: 历下区 2026-11, 1 found, 0 closed, 1 newly overdue, 0 fell off the four-100% baseline"
[ "$(xlsx m.xlsx 月调度 A1)" = 历下区教育局 ] || fail "A1: $(xlsx m.xlsx 月调度 A1)"
[ "$(xlsx m.xlsx 月调度 A2)" = "济教安〔2026〕8号" ] || fail "A2: $(xlsx m.xlsx 月调度 A2)"
[ "$(xlsx m.xlsx 月调度 A5)" = "印发单位：历下区教育局　　印发日期：2026年12月3日" ] ||
    fail "A5: $(xlsx m.xlsx 月调度 A5)"
[ "$(xlsx m.xlsx 隐患变化 A3)" = 新增逾期 ] && [ "$(xlsx m.xlsx 隐患变化 B3)" = 1 ] ||
    fail "隐患变化 row 3: $(xlsx m.xlsx 隐患变化 A3) $(xlsx m.xlsx 隐患变化 B3)"
# No inspection in the month: the list says so under its header.
[ "$(xlsx m.xlsx 本月检查 A2)" = "（无）" ] || fail "本月检查 A2: $(xlsx m.xlsx 本月检查 A2)"
end

begin "monthly --all --out-dir: one workbook per district, named"
run bulletin monthly --all --month 2026-11 --out-dir books
rc_is 0
err_empty
n=$(sql "$SCHOOLRISK_DB" "SELECT count(*) FROM districts")
out_lines "$n"
[ "$(ls books | wc -l)" -eq "$n" ] || fail "$(ls books | wc -l) files, expected $n"
[ -f "books/历下区-2026-11-月调度.xlsx" ] || fail "no books/历下区-2026-11-月调度.xlsx: $(ls books | head -3)"
out_has "wrote books/历城区-2026-11-月调度.xlsx: 历城区 2026-11, 0 found, 0 closed, 0 newly overdue, 0 fell off the four-100% baseline"
end

begin "monthly --all --out-dir on a file: refused before anything is computed"
run bulletin monthly --all --month 2026-11 --out-dir reg.csv
rc_is 1
err_is "schoolrisk: error: cannot create directory 'reg.csv': Not a directory"
out_empty
end

begin "monthly --all: a workbook that cannot be written is named with its own reason, the others written"
mkdir -p "bad/历下区-2026-11-月调度.xlsx" "bad/历城区-2026-11-月调度.xlsx"
run bulletin monthly --all --month 2026-11 --out-dir bad
rc_is 3
err_is "schoolrisk: error: cannot write 'bad/历下区-2026-11-月调度.xlsx': Is a directory
schoolrisk: error: cannot write 'bad/历城区-2026-11-月调度.xlsx': Is a directory"
out_lines $((n - 2))
end

begin "monthly --all: every district's text, in bureau order"
run bulletin monthly --all --month 2026-11
rc_is 0
[ "$(grep -c 'monthly dispatch' "$T/out")" -eq "$n" ] || fail "$(grep -c 'monthly dispatch' "$T/out") dispatches"
end

# ------------------------------------------------------------ quarterly
begin "quarterly: without --quarter the last quarter ended (2026Q3)"
run bulletin quarterly
rc_is 0
[ "$(sed -n 1p "$T/out")" = "city quarterly bulletin (季通报) 2026年第三季度, against 2026年第二季度" ] ||
    fail "first line: $(sed -n 1p "$T/out")"
end

begin "quarterly 2026Q4: 历下区 after 历城区 (rectification 0% against none found), the overdue major hazard named"
run bulletin quarterly --quarter 2026Q4 --json
rc_is 0
"$PY" - "$T/out" >"$T/got" <<'EOF' || fail "not the JSON expected"
import json, sys
b = json.load(open(sys.argv[1]))
print([(d["place"], d["name"], d["prev_place"], d["change"])
       for d in b["ranking"][:2]])
print(len(b["schools"]), [s["status"] for s in b["schools"]][:1])
print([(h["id"], h["days_overdue"], h["supervised"]) for h in b["overdue_major"]])
EOF
printf '%s\n' "[(1, '历城区', 1, 0), (2, '历下区', 1, -1)]" "3 ['未评估']" "[(1, 56, True)]" >"$T/exp"
same "the JSON" "$T/exp" "$T/got"
end

begin "quarterly -o: the workbook"
run bulletin quarterly --quarter 2026Q4 -o q.xlsx --date 2027-01-05
rc_is 0
out_is "wrote q.xlsx: 全市 2026Q4, $n districts, 3 schools not compliant or not assessed, 1 overdue major hazards"
[ "$(xlsx q.xlsx 季通报 A2)" = "济教安〔2027〕  号" ] || fail "A2: $(xlsx q.xlsx 季通报 A2)"
[ "$(xlsx q.xlsx 季通报 B10)" = 历下区 ] && [ "$(xlsx q.xlsx 季通报 D10)" = 下降1位 ] ||
    fail "row 10: $(xlsx q.xlsx 季通报 B10) $(xlsx q.xlsx 季通报 D10)"
[ "$(xlsx q.xlsx 逾期重大隐患 L2)" = 56 ] || fail "L2: $(xlsx q.xlsx 逾期重大隐患 L2)"
end

# ------------------------------------------------------------ refusals
begin "refused: no district, a quarter for a month, a bad month, a bad date"
run bulletin monthly
rc_is 2
err_line 1 "schoolrisk: error: bulletin monthly needs --district D or --all"
run bulletin monthly --all --quarter 2026Q4
rc_is 2
err_line 1 "schoolrisk: error: bulletin monthly takes --month, not --quarter"
run bulletin monthly --district 历下区 --month 2026Q4
rc_is 2
err_is "schoolrisk: error: bad month '2026Q4' (expected 2026-11 or 2026年11月)"
run bulletin quarterly --quarter 2026-11
rc_is 2
err_is "schoolrisk: error: bad quarter '2026-11' (expected 2026Q4 or 2026年第四季度)"
run bulletin quarterly --date 2026-13-01
rc_is 2
err_is "schoolrisk: error: --date expects a date (2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日), not '2026-13-01'"
out_empty
end

begin "refused: conflicting outputs, an unknown district"
run bulletin quarterly -o x.xlsx --json
rc_is 2
err_line 1 "schoolrisk: error: conflicting options: -o writes one workbook, --out-dir one per district (with --all), --json prints the figures"
run bulletin monthly --district 历下区 --out-dir books
rc_is 2
[ ! -e x.xlsx ] || fail "x.xlsx was written"
run bulletin monthly --district 火星区
rc_is 1
err_is "schoolrisk: error: no district '火星区'"
out_empty
end

begin "refused: a layout that is not valid names the file"
printf 'sheet,field,heading,width,format\n文字,docnumber,济教安,,\n' >bad.csv
run bulletin quarterly --quarter 2026Q4 -o y.xlsx --layout bad.csv
rc_is 1
err_has "bad.csv:2: unknown field 'docnumber' on sheet '文字' (known: title, unit, unit:区县, signature, footer, docno)"
err_has "schoolrisk: error: the bulletin layout 'bad.csv' is not valid"
[ ! -e y.xlsx ] || fail "y.xlsx was written"
end

finish
