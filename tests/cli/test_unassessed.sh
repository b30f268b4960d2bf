#!/bin/bash
# End-to-end tests of the four-100% elements a system does not evidence
# (baseline-unassessed, docs/indicator-format.md s.16.14) on
# tests/fixtures/unassessed/table.xml, a primary table with no item for
# 护学岗.  Its three schools in 历下区, worked out by hand:
#   3701029901 甲: every item passed: 是 是 是 未评估 -> 四个100% 未评估
#   3701029902 乙: B.1.1 (专职保安员) failed: 否 是 是 未评估 -> 未达到
#   3701029903 丙: no assessment: 否 否 否 否 (a real failure, as before)
# 历下区: guards 1/3, closed-campus 2/3, alarm-video 2/3, 护学岗 0/1 with
# 2 unassessed; all four: 0 met, 2 not met, 1 unassessed; not reached.
. "$(dirname "$0")/lib.sh"

UF=$SRC/tests/fixtures/unassessed
TABLE=$UF/table.xml

begin "validate: a system declaring 护学岗 unassessed has no item for it and is valid"
run indicators validate "$TABLE"
rc_is 0; err_empty
out_is "ok: $TABLE: noposts 1.0, 2 dimensions, 2 indicators, 4 items, 0 veto items"
end

begin "validate: baseline-unassessed in a format-1 file is refused with its line"
sed 's/ format="2"//' "$TABLE" >f1.xml
run indicators validate f1.xml
rc_is 1; out_empty
err_is "f1.xml:9: system 'noposts': unassessed baseline elements need format=\"2\" on <system>
f1.xml:9: system 'noposts': no item is tagged baseline=\"protection-posts\" (护学岗); every system must evidence all four baseline elements
schoolrisk: error: f1.xml: not valid (2 problems)"
end

begin "validate: an item tagged with a declared element contradicts the declaration"
sed 's/baseline-unassessed="protection-posts"/baseline-unassessed="protection-posts guards"/' "$TABLE" >c.xml
run indicators validate c.xml
rc_is 1; out_empty
err_is "c.xml:28: item 'B.1.1': tagged baseline=\"guards\", an element the system declares unassessed (baseline-unassessed)
schoolrisk: error: c.xml: not valid (1 problem)"
end

begin "validate: unknown and repeated names, in Chinese"
sed 's/baseline-unassessed="protection-posts"/baseline-unassessed="posts protection-posts protection-posts"/' "$TABLE" >u.xml
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= run indicators validate u.xml
rc_is 1; out_empty
err_is "u.xml:9: 指标体系“noposts”：baseline-unassessed 中的要素“posts”不存在（应为 guards、closed-campus、alarm-video 或 protection-posts）
u.xml:9: 指标体系“noposts”：baseline-unassessed 中“protection-posts”出现了两次
schoolrisk: 错误：u.xml：无效（2 个问题）"
end

begin "score: the element the system has no item for reads unassessed, and --json lists it"
printf 'code=3701029901\nname=甲\nstage=primary\n' >a.school
printf 'item,value,note\nS.1.1,pass,\nB.1.1,pass,\nB.1.2,pass,\nB.1.3,pass,\n' >a0.csv
run score --system "$TABLE" --school a.school --responses a0.csv
rc_is 0; err_empty
tail -n 5 "$T/out" >"$T/got"
printf '%s\n' 'baseline (四个100%)' \
    '  guards            met         专职保安员配备' \
    '  closed-campus     met         封闭化管理' \
    '  alarm-video       met         一键式紧急报警和视频监控联网' \
    '  protection-posts  unassessed  护学岗' >"$T/exp"
same "the baseline lines" "$T/exp" "$T/got"
run score --system "$TABLE" --school a.school --responses a0.csv --json
rc_is 0
"$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["baseline"]["protection-posts"], r["baseline_unassessed"])' "$T/out" >"$T/got"
printf '%s\n' "False ['protection-posts']" >"$T/exp"
same "--json" "$T/exp" "$T/got"
end

# ---------------------------------------------------- through the database
export SCHOOLRISK_DB=$(newdb u) SCHOOLRISK_CLOCK=2026-09-15T02:00:00Z
printf 'item,value,note\nS.1.1,pass,\nB.1.1,pass,\nB.1.2,pass,\nB.1.3,pass,\n' >a.csv
printf 'item,value,note\nS.1.1,pass,\nB.1.1,fail,只有1名保安\nB.1.2,pass,\nB.1.3,pass,\n' >b.csv
submit() { # school answers
    local id
    id=$("$BIN" assess new --school "$1" --date 2026-09-10 --by 张三) &&
        "$BIN" assess import "$id" "$2" --by 张三 >/dev/null &&
        "$BIN" assess submit "$id" --by 张三 >/dev/null
}
{ "$BIN" init --no-indicators && "$BIN" indicators load "$TABLE" &&
    "$BIN" schools import "$UF/registry.csv" && submit 3701029901 a.csv &&
    submit 3701029902 b.csv; } >setup.log 2>&1 || { cat setup.log >&2; exit 1; }

begin "baseline: 未评估 for 护学岗, the rates over the schools evaluated, the counts under the district"
run baseline --district 历下区
rc_is 0; err_empty
cat >"$T/exp" <<'EOF'
四个100% baseline as of 2026-09-15

SCHOOL      GUARDS CLOSED ALARM  POSTS   NAME / WHY NOT
3701029901  是     是     是     未评估  未评估示例甲校
                                          护学岗: the indicator system 无护学岗项的小学安全评估表 (1.0) has no item for this element
3701029902  否     是     是     未评估  未评估示例乙校
                                          专职保安员配备: item 'B.1.1 专职保安员配备到位' below full points in the assessment of 2026-09-10 and not rectified since
                                          护学岗: the indicator system 无护学岗项的小学安全评估表 (1.0) has no item for this element
3701029903  否     否     否     否      未评估示例丙校
                                          专职保安员配备: no submitted assessment
                                          封闭化管理: no submitted assessment
                                          一键式紧急报警和视频监控联网: no submitted assessment
                                          护学岗: no submitted assessment

DISTRICT             SCHOOLS   GUARDS   CLOSED    ALARM    POSTS  FOUR 100%
370102    历下区           3    33.3%    66.7%    66.7%     0.0%  未达到
          unassessed (no item in the system): 护学岗 2; four 100%: 0 met, 2 not met, 1 unassessed
EOF
same stdout "$T/exp" "$T/out"
end

begin "baseline in Chinese: the reason as a report says it"
LC_ALL= LANG=zh_CN.UTF-8 LANGUAGE= run baseline --district 历下区
rc_is 0; err_empty
out_has "                                          护学岗: 指标体系无护学岗项的小学安全评估表（1.0）未设置该要素的检查项"
out_has "          未评估（指标体系未设置检查项）：护学岗 2；四个100%：达到 0 所，未达到 2 所，未评估 1 所"
end

begin "baseline --json: unassessed per school and per district"
run baseline --district 历下区 --json
rc_is 0; err_empty
"$PY" - "$T/out" >"$T/got" <<'PYEOF' || fail "json: $(cat "$T/got")"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
d = r["districts"][0]
s = {x["code"]: x for x in r["schools"]}
print(d["met"], d["unassessed"], d["all_four"], d["all_four_unassessed"],
      d["reaches_four_100"])
for c in ("3701029901", "3701029902", "3701029903"):
    print(c, s[c]["met"]["protection-posts"],
          s[c]["unassessed"]["protection-posts"],
          s[c]["unassessed"]["guards"])
PYEOF
cat >"$T/exp" <<'EOF'
{'guards': 1, 'closed-campus': 2, 'alarm-video': 2, 'protection-posts': 0} {'guards': 0, 'closed-campus': 0, 'alarm-video': 0, 'protection-posts': 2} 0 1 False
3701029901 False True False
3701029902 False True False
3701029903 False False False
EOF
same json "$T/exp" "$T/got"
end

finish
