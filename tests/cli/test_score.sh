#!/bin/bash
# End-to-end tests of `schoolrisk score`.
#
# Run by ctest as:  bash test_score.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
#
# Two kinds of figures are checked:
#  - the shipped examples (indicators/examples/<system>-<n>.school + .csv):
#    every figure of --json is recomputed by tests/cli/score_check.py, an
#    independent implementation of docs/design.md's scoring rules (xml.etree + integer
#    arithmetic), and the totals are also pinned below;
#  - hand-computed cases on tests/fixtures/mini.xml with the response files
#    of tests/fixtures/cli/ (the arithmetic is written out next to each case).
. "$(dirname "$0")/lib.sh"

# The raw JSON text has "key":<tab>value; check a number's exact spelling.
json_raw() { # key exact-value-text
    grep -Eq "^[[:space:]]*\"$1\":[[:space:]]*$2,?\$" "$T/out" ||
        fail "JSON does not have \"$1\": $2 (has: $(grep -E -m1 "^[[:space:]]*\"$1\":" "$T/out" | tr -d '\t'))"
}

# json 'python statements': d is the parsed --json output (numbers as
# Decimal); eq(what, got, expected) records a mismatch; item(id) finds an
# entry of d["items"].
json() {
    local msg
    msg=$("$PY" - "$T/out" "$1" 2>&1 <<'EOF'
import json, sys
from decimal import Decimal as D
d = json.load(open(sys.argv[1], encoding="utf-8"), parse_float=D, parse_int=D)
errs = []
def eq(what, got, exp):
    if got != exp or isinstance(got, bool) != isinstance(exp, bool):
        errs.append("%s is %r, expected %r" % (what, got, exp))
def item(i):
    for x in d["items"]:
        if x["item"] == i:
            return x
    raise KeyError("no item " + i)
exec(sys.argv[2])
print("; ".join(errs))
EOF
    ) || msg="python: $(echo "$msg" | tail -n 1)"
    [ -z "$msg" ] || fail "$msg"
}

# refused FILE 'expected stderr' [options...]: scoring the responses FILE for
# mini-a.school exits 1 with exactly that on stderr and nothing on stdout.
refused() {
    run score --system "$MINI" --school "$FX/mini-a.school" --responses "$1" "${@:3}"
    rc_is 1; out_empty
    err_is "$2"
}

# Structure of a --json result: keys and their types, one entry per item.
json_shape() { # number-of-items-in-the-system [system-file]
    json '
n = '"$1"'
# Format 2: a group loses points but raises no hazard (its failed
# sub-items do, at 0.00 / 0.00), and so does an outcome item
# (hazard="none"); every other lost item raises one.
import xml.etree.ElementTree as ET
NS = "{urn:schoolrisk:indicators:1}"
nohaz, sub = set(), set()
if "'"${2:-}"'":
    for g in ET.parse("'"${2:-}"'").iter(NS + "group"):
        nohaz.add(g.get("id"))
        sub.update(i.get("id") for i in g.iter(NS + "item"))
    for i in ET.parse("'"${2:-}"'").iter(NS + "item"):
        if i.get("hazard") == "none":
            nohaz.add(i.get("id"))
for k in ("system", "version", "title", "complete", "total", "band", "band_label",
          "band_colour", "pass_line", "compliant", "vetoed", "earned", "max",
          "veto_items", "missing", "dimensions", "indicators", "lost", "hazards",
          "baseline", "items"):
    if k not in d:
        errs.append("no key " + k)
for k in ("compliant", "vetoed", "complete"):
    if not isinstance(d.get(k), bool):
        errs.append(k + " is not a boolean")
for k in ("total", "earned", "max"):
    if not isinstance(d.get(k), D):
        errs.append(k + " is not a number")
for x in d["dimensions"]:
    if set(("id", "earned", "max")) - set(x):
        errs.append("dimension entry without id/earned/max: %r" % x)
for x in d["lost"]:
    if set(("item", "earned", "max")) - set(x) or not (x["earned"] < x["max"] or x["item"] in sub):
        errs.append("bad lost entry %r" % x)
for x in d["hazards"]:
    if set(("item", "level")) - set(x) or x["level"] not in ("general", "major"):
        errs.append("bad hazard entry %r" % x)
eq("baseline keys", sorted(d["baseline"]), sorted(["guards", "closed-campus", "alarm-video", "protection-posts"]))
for k, v in d["baseline"].items():
    if not isinstance(v, bool):
        errs.append("baseline %s is not a boolean" % k)
eq("number of items", len(d["items"]), n)
for x in d["items"]:
    miss = set(("item", "applicable", "reason", "value", "fraction", "earned", "max", "veto")) - set(x)
    if miss:
        errs.append("item %s lacks %s" % (x.get("item"), sorted(miss)))
eq("sum of dimension earned", sum(x["earned"] for x in d["dimensions"]), d["earned"])
eq("sum of dimension max", sum(x["max"] for x in d["dimensions"]), d["max"])
eq("sum of item max", sum(x["max"] for x in d["items"]), d["max"])
eq("lost items = hazards", [x["item"] for x in d["lost"] if x["item"] not in nohaz], [x["item"] for x in d["hazards"]])
'
}

# ------------------------------------------------ the shipped examples
# Totals as printed by schoolrisk, each verified by score_check.py below
# (and so by an independent implementation), not merely recorded.
#   example        total  band   compliant vetoed
PINNED="
junior-1         98.68  low    true  false
junior-2         89.85  major  false true
kindergarten-1   98.87  low    true  false
kindergarten-2   91.44  major  false true
primary-1        98.49  low    true  false
primary-2        92.63  major  false true
senior-1         98.67  low    true  false
senior-2         94.24  major  false true
special-1        98.54  low    true  false
special-2        86.17  major  false true
vocational-1     99.02  low    true  false
vocational-2     92.43  major  false true"

for sch in "$IND"/examples/*.school; do
    name=$(basename "$sch" .school)
    sys=${name%-*}
    csvf=${sch%.school}.csv
    nitems=$(grep -c '<item \|<group ' "$IND/$sys.xml")
    run score --system "$sys" --school "$sch" --responses "$csvf" --json
    cp "$T/out" "$T/$name.json"

    begin "examples/$name: --json figures agree with the independent checker"
    rc_is 0; err_empty
    "$PY" "$CHECK" "$IND/$sys.xml" "$sch" "$csvf" --compare "$T/$name.json" >"$T/cmp" 2>&1 ||
        fail "score_check.py: $(head -n 5 "$T/cmp" | paste -sd '|')"
    end

    begin "examples/$name: pinned total, band, compliant, vetoed"
    line=$(echo "$PINNED" | grep "^$name ")
    if [ -z "$line" ]; then
        fail "no pinned figures for $name: add a line to PINNED after checking it"
    else
        set -- $line
        json_raw total "$2"
        json "eq('system', d['system'], '$sys'); eq('band', d['band'], '$3'); eq('compliant', d['compliant'], ${4^}); eq('vetoed', d['vetoed'], ${5^})"
        case $name in
        *-2)
            json "eq('band_label', d['band_label'], '重大风险'); eq('band_colour', d['band_colour'], 'red')
if not d['veto_items']: errs.append('vetoed but veto_items is empty')
for v in d['veto_items']:
    eq(v + ' veto', item(v)['veto'], True)
    eq(v + ' hazard', [h['level'] for h in d['hazards'] if h['item'] == v], ['major'])"
            ;;
        esac
    fi
    end

    begin "examples/$name: --json has every key, one items entry per item ($nitems)"
    json_shape "$nitems" "$IND/$sys.xml"
    end
done

begin "examples: every items entry of --json carries the CSV note of its item (null when none)"
: >"$T/notes"
for sch in "$IND"/examples/*.school; do
    name=$(basename "$sch" .school)
    "$PY" - "$T/$name.json" "${sch%.school}.csv" >>"$T/notes" 2>&1 <<'EOF'
import csv, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], encoding="utf-8-sig", newline="") as f:
    notes = {r["item"].strip(): (r.get("note") or "").strip() or None for r in csv.DictReader(f)}
for x in d["items"]:
    if "note" not in x:
        print("%s %s: no key note" % (sys.argv[1], x["item"]))
    elif x["note"] != notes.get(x["item"]):
        print("%s %s: note %r, the CSV has %r" % (sys.argv[1], x["item"], x["note"], notes.get(x["item"])))
EOF
done
[ -s "$T/notes" ] && fail "$(head -n 3 "$T/notes" | paste -sd '|')"
end

begin "examples/primary-1: text output heading"
run score --system primary --school "$IND/examples/primary-1.school" --responses "$IND/examples/primary-1.csv"
rc_is 0; err_empty
out_has "system     primary 2026.2  济南市小学安全风险评估指标体系"
out_has "total      98.49  低风险 (蓝色)"
out_has "达标       是 (pass line 80)"
end

begin "examples/primary-2: text output heading of a vetoed assessment"
run score --system primary --school "$IND/examples/primary-2.school" --responses "$IND/examples/primary-2.csv"
rc_is 0; err_empty
out_has "total      92.63  重大风险 (红色)"
out_has "达标       否 (pass line 80)  一票否决"
end

# ------------------------------------------------ hand-computed on mini.xml
# mini-a.school: primary, enrollment 1500, canteen, no boarding, no bus.
# Applicable: D1.1.1 10, D1.1.2 5, D1.2.1 10, D1.2.2 10, D1.2.3 5, D1.2.4 5,
# D2.1.1 10, D2.1.2 5, D3.1.1 5, D3.1.2 5 = 70 points (D2.2.1 boarding and
# D2.2.2 school_bus do not apply).  mini-a-79995.csv answers:
#   D1.1.1 ratio, required by enrollment 1500: last step from 1000 value 3,
#          + floor((1500-1000)/500) x 1 = 4; actual 3 -> 3/4 = 0.75 -> 7.5
#   D1.1.2 pass 5, D1.2.1 符合 10, D1.2.2 基本符合 0.6 -> 6
#   D1.2.3 threshold higher, 30 days -> 1 -> 5;  D1.2.4 是 -> 5
#   D2.1.1 deduct 4 findings x 1 -> 10 - 4 = 6
#   D2.1.2 threshold lower, 4 minutes: first step with 4 <= at is at=5 -> 0.6 -> 3
#   D3.1.1 pass 5
#   D3.1.2 ratio entered 100/143 = 0.699300.. -> rounded to 0.6993 -> 3.4965
#   earned = 7.5+5+10+6+5+5+6+3+5+3.4965 = 55.9965 of 70
#   total  = 100 x 55.9965 / 70 = 79.995 exactly -> 80.00 (half away from
#            zero); binary floating point gives 79.99499.. and would print 79.99.
#   80.00 >= pass line 80 -> compliant, band general (一般风险, min 80).
cp "$FX"/mini-a-79995.csv "$FX"/mini-a-errors.csv "$FX"/mini-a-partial.csv "$T/"

begin "mini: exact total 79.995 prints 80.00 and is compliant"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-79995.csv --json
rc_is 0; err_empty
json_raw total 80.00
json_raw earned 55.9965
json_raw max 70.00
json "eq('compliant', d['compliant'], True); eq('vetoed', d['vetoed'], False)
eq('band', d['band'], 'general'); eq('band_label', d['band_label'], '一般风险')
eq('complete', d['complete'], True)
eq('dimensions', [(x['id'], x['earned'], x['max']) for x in d['dimensions']],
   [('D1', D('38.5'), D('45')), ('D2', D('9'), D('15')), ('D3', D('8.4965'), D('10'))])
eq('lost', [(x['item'], x['earned'], x['max']) for x in d['lost']],
   [('D1.1.1', D('7.5'), D('10')), ('D1.2.2', D('6'), D('10')), ('D2.1.1', D('6'), D('10')),
    ('D2.1.2', D('3'), D('5')), ('D3.1.2', D('3.4965'), D('5'))])
eq('hazards', [(x['item'], x['level']) for x in d['hazards']],
   [('D1.1.1', 'general'), ('D1.2.2', 'general'), ('D2.1.1', 'general'), ('D2.1.2', 'general'), ('D3.1.2', 'general')])
eq('baseline', d['baseline'], {'guards': False, 'closed-campus': True, 'alarm-video': False, 'protection-posts': True})
eq('note with a comma', d['lost'][4]['note'], '143名从业人员中100人持有效健康证, 43人证件过期或未办理')"
json_shape 12
end

begin "mini: 79.995 case agrees with the independent checker"
"$PY" "$CHECK" "$MINI" "$FX/mini-a.school" mini-a-79995.csv --compare "$T/out" >"$T/cmp" 2>&1 ||
    fail "score_check.py: $(head -n 5 "$T/cmp" | paste -sd '|')"
end

begin "mini: ratio with derived requirement (enrollment 1500 -> required 4, actual 3 -> 0.75)"
json "x = item('D1.1.1'); eq('required', x.get('required'), 4); eq('fraction', x['fraction'], D('0.75'))
eq('earned', x['earned'], D('7.5')); eq('max', x['max'], 10); eq('value', x['value'], '3')"
end

begin "mini: lower-better threshold (4 minutes -> 0.6 -> 3 of 5)"
json "x = item('D2.1.2'); eq('fraction', x['fraction'], D('0.6')); eq('earned', x['earned'], 3); eq('max', x['max'], 5)"
end

begin "mini: entered ratio rounded to 4 decimals before multiplying (100/143 -> 0.6993)"
json "x = item('D3.1.2'); eq('fraction', x['fraction'], D('0.6993')); eq('earned', x['earned'], D('3.4965')); eq('required', x.get('required'), 143)"
end

begin "mini: items not applicable by condition are out of max, with the condition as reason"
json "for i, why in (('D2.2.1', 'boarding=true'), ('D2.2.2', 'school_bus=true')):
    x = item(i)
    eq(i + ' applicable', x['applicable'], False); eq(i + ' reason', x['reason'], why)
    eq(i + ' value', x['value'], None); eq(i + ' fraction', x['fraction'], None)
    eq(i + ' earned', x['earned'], 0); eq(i + ' max', x['max'], 0)"
end

begin "mini: items entries carry the inspector's note, or null, also at full points"
json "for x in d['items']:
    if 'note' not in x:
        errs.append(x['item'] + ' has no key note')
eq('D1.1.1 note (lost points)', item('D1.1.1').get('note'), '在岗专职保安员3人，应配4人')
eq('D3.1.2 note (with a comma)', item('D3.1.2').get('note'), '143名从业人员中100人持有效健康证, 43人证件过期或未办理')
eq('D1.1.2 note (full points, none written)', item('D1.1.2').get('note'), None)
eq('D2.2.1 note (not applicable)', item('D2.2.1').get('note'), None)
eq('lost[].note', [x['note'] for x in d['lost']], [item(x['item']).get('note') for x in d['lost']])"
end

begin "mini: a note written on an item at full points is in its items entry (not in lost)"
sed -e 's/^D1\.1\.2,pass,$/D1.1.2,pass,保安员2人均持证/' \
    -e 's/^D1\.2\.3,30,$/D1.2.3,30,"硬盘录像机存储30天, 已抽查"/' "$FX/mini-d.csv" >notes.csv
run score --system "$MINI" --attr stage=primary --responses notes.csv --json
rc_is 0; err_empty
json "x = item('D1.1.2'); eq('D1.1.2 note', x['note'], '保安员2人均持证'); eq('D1.1.2 earned', x['earned'], x['max'])
x = item('D1.2.3'); eq('D1.2.3 note', x['note'], '硬盘录像机存储30天, 已抽查'); eq('D1.2.3 earned', x['earned'], x['max'])
eq('D1.1.1 note (none written)', item('D1.1.1')['note'], None); eq('lost', d['lost'], [])"
end

begin "mini: text output of the 79.995 case"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-79995.csv
rc_is 0; err_empty
same "score text" "$EXP/score-mini-a.txt" "$T/out"
end

begin "mini: --explain names the condition of a not-applicable item"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-79995.csv --explain
rc_is 0; err_empty
out_has "  D2.2.1       not applicable: boarding=true does not hold"
out_has "  D2.2.2       not applicable: school_bus=true does not hold"
out_has "  D1.1.1       ratio     value 3 -> fraction 0.75 (required 4) -> 7.50 / 10.00"
out_has "  D2.1.1       deduct    value 4 -> fraction 0.6 (1 per finding) -> 6.00 / 10.00"
out_has "  D3.1.2       ratio     value 100/143 -> fraction 0.6993 (required 143) -> 3.4965 / 5.00"
out_has "total      80.00  一般风险 (黄色)"
end

begin "mini: --explain output in full"
same "explain" "$EXP/score-mini-a-explain.txt" "$T/out"
end

# mini-b.school: boarding primary school, enrollment 800, canteen, no bus:
# 11 items, 80 points.  mini-b-veto.csv: everything at full points except
# the veto item D2.2.1 (不符合 -> 0 of 10): earned 70 of 80 -> 87.50, which
# alone would be 一般风险 and compliant; the failed veto item makes it
# 重大风险 (band major) and not compliant.  D1.1.1: required for 800 is 2,
# actual 3 -> 3/2 capped at 1.
begin "mini: failed veto item with a high total -> 重大风险, not compliant"
run score --system "$MINI" --school "$FX/mini-b.school" --responses "$FX/mini-b-veto.csv" --json
rc_is 0; err_empty
json_raw total 87.50
json "eq('vetoed', d['vetoed'], True); eq('compliant', d['compliant'], False)
eq('band', d['band'], 'major'); eq('band_label', d['band_label'], '重大风险'); eq('band_colour', d['band_colour'], 'red')
eq('veto_items', d['veto_items'], ['D2.2.1'])
eq('hazards', d['hazards'], [{'item': 'D2.2.1', 'level': 'major', 'veto': True}])
eq('earned', d['earned'], 70); eq('max', d['max'], 80)
x = item('D1.1.1'); eq('D1.1.1 required', x.get('required'), 2); eq('D1.1.1 fraction (capped)', x['fraction'], 1)
eq('baseline', d['baseline'], {'guards': True, 'closed-campus': True, 'alarm-video': True, 'protection-posts': True})"
"$PY" "$CHECK" "$MINI" "$FX/mini-b.school" "$FX/mini-b-veto.csv" --compare "$T/out" >"$T/cmp" 2>&1 ||
    fail "score_check.py: $(head -n 5 "$T/cmp" | paste -sd '|')"
end

begin "mini: failed veto item, text output"
run score --system "$MINI" --school "$FX/mini-b.school" --responses "$FX/mini-b-veto.csv"
rc_is 0; err_empty
out_has "total      87.50  重大风险 (红色)"
out_has "达标       否 (pass line 80)  一票否决"
out_has "  D2.2.1           0.00 / 10.00  [一票否决] 重大隐患 学生宿舍设置火灾自动报警系统或独立式感烟火灾探测报警器"
end

begin "mini: text output with one lost item says 'lost points (1 item)'"
out_has "lost points (1 item)"
out_has "points     70.00 of 80.00; 11 items scored, 1 not applicable, 0 marked na, 0 unanswered"
end

# mini-c.school: rural primary school with a school bus, enrollment 80, no
# canteen, no boarding: 9 items, 65 points.  mini-c-na.csv marks D2.2.2 (5,
# allow-na) na and fails D1.1.2 (5): earned 55 of 60 = 91.666.. -> 91.67 (低风险).
# Were na counted as 0 the total would be 55/65 = 84.62; as full, 60/65.
begin "mini: an na item is left out of max (55 of 60 -> 91.67)"
run score --system "$MINI" --school "$FX/mini-c.school" --responses "$FX/mini-c-na.csv" --json
rc_is 0; err_empty
json_raw total 91.67
json_raw max 60.00
json "eq('earned', d['earned'], 55); eq('band', d['band'], 'low'); eq('compliant', d['compliant'], True)
x = item('D2.2.2'); eq('D2.2.2 applicable', x['applicable'], False); eq('D2.2.2 reason', x['reason'], 'na')
eq('D2.2.2 value', x['value'], 'na'); eq('D2.2.2 max', x['max'], 0); eq('D2.2.2 fraction', x['fraction'], None)
eq('D2 dimension', [(x['earned'], x['max']) for x in d['dimensions'] if x['id'] == 'D2'], [(15, 15)])
eq('dimension ids (no D3: canteen=false)', [x['id'] for x in d['dimensions']], ['D1', 'D2'])
eq('D3.1.1 reason (dimension condition)', item('D3.1.1')['reason'], 'canteen=true')
eq('baseline guards (D1.1.2 failed)', d['baseline']['guards'], False)"
"$PY" "$CHECK" "$MINI" "$FX/mini-c.school" "$FX/mini-c-na.csv" --compare "$T/out" >"$T/cmp" 2>&1 ||
    fail "score_check.py: $(head -n 5 "$T/cmp" | paste -sd '|')"
end

begin "mini: the note of an item answered na is in its items entry"
json "eq('D2.2.2 note', item('D2.2.2')['note'], '校车由县交通运输局统一运营，随车照管人员由运营公司配备')
eq('D1.1.2 note', item('D1.1.2')['note'], '保安员未持证')"
end

begin "mini: --explain shows na and a dimension condition"
run score --system "$MINI" --school "$FX/mini-c.school" --responses "$FX/mini-c-na.csv" --explain
rc_is 0; err_empty
out_has "  D2.2.2       marked na by the inspector: left out"
out_has "  D3.1.1       not applicable: canteen=true does not hold"
out_has "points     55.00 of 60.00; 8 items scored, 3 not applicable, 1 marked na, 0 unanswered"
end

# Method by method, one answer changed in mini-d.csv (a school given by
# --attr stage=primary, enrollment 0: 8 items, 60 points, all full).
# item_case ITEM VALUE [--attr ...] then a python check on item(ITEM).
VBASE=$FX/mini-d.csv
variant() { # item value -> $VBASE with that answer changed, in $T/v.csv
    sed "s|^$1,[^,]*,|$1,$2,|" "$VBASE" >"$T/v.csv"
}
item_case() { # title item value expected-fraction expected-earned [attrs...]
    local title=$1 it=$2 val=$3 fr=$4 earned=$5
    shift 5
    begin "$title"
    variant "$it" "$val"
    run score --system "$MINI" --attr stage=primary "$@" --responses "$T/v.csv" --json
    rc_is 0; err_empty
    json "x = item('$it'); eq('$it=$val fraction', x['fraction'], D('$fr')); eq('$it=$val earned', x['earned'], D('$earned'))"
    end
}
# lower-better D2.1.2 (<=3:1|<=5:0.6|else:0, 5 points): bounds are inclusive.
item_case "threshold lower-better: 0 minutes -> 1"       D2.1.2 0      1   5
item_case "threshold lower-better: 3 (on the step) -> 1" D2.1.2 3      1   5
item_case "threshold lower-better: 3.0001 -> 0.6"        D2.1.2 3.0001 0.6 3
item_case "threshold lower-better: 5 (on the step) -> 0.6" D2.1.2 5    0.6 3
item_case "threshold lower-better: 5.01 -> 0"            D2.1.2 5.01   0   0
# higher-better D1.2.3 (>=30:1|>=15:0.5|else:0, 5 points)
item_case "threshold higher-better: 14.9999 -> 0"        D1.2.3 14.9999 0  0
item_case "threshold higher-better: 15 -> 0.5"           D1.2.3 15     0.5 2.5
item_case "threshold higher-better: 29.5 -> 0.5"         D1.2.3 29.5   0.5 2.5
item_case "threshold higher-better: 365 -> 1"            D1.2.3 365    1   5
# deduct D2.1.1 (1 per finding, 10 points): floor at 0
item_case "deduct: 3 findings -> 7 of 10"                D2.1.1 3      0.7 7
item_case "deduct: 15 findings -> 0, never negative"     D2.1.1 15     0   0
# levels D1.2.2
item_case "levels: 基本符合 -> 0.6"                       D1.2.2 基本符合 0.6 6
item_case "levels: 不符合 -> 0"                           D1.2.2 不符合  0   0
# check synonyms
item_case "check: 否 -> fail"                             D1.1.2 否      0   0
item_case "check: 符合 -> pass"                           D1.1.2 符合    1   5
# ratio with a requirement derived from enrollment (>=0:1|>=100:2|>=1000:3+1/500)
item_case "derived ratio: enrollment 99 -> required 1, 1 guard -> 1"      D1.1.1 1 1      10     --attr enrollment=99
item_case "derived ratio: enrollment 100 -> required 2, 1 guard -> 0.5"   D1.1.1 1 0.5    5      --attr enrollment=100
item_case "derived ratio: enrollment 999 -> required 2"                   D1.1.1 1 0.5    5      --attr enrollment=999
item_case "derived ratio: enrollment 1000 -> required 3, 1/3 -> 0.3333"   D1.1.1 1 0.3333 3.333  --attr enrollment=1000
item_case "derived ratio: enrollment 1499 -> required 3"                  D1.1.1 2 0.6667 6.667  --attr enrollment=1499
item_case "derived ratio: enrollment 1500 -> required 4, 3 guards -> 0.75" D1.1.1 3 0.75  7.5    --attr enrollment=1500
item_case "derived ratio: enrollment 2000 -> required 5, 4 guards -> 0.8" D1.1.1 4 0.8    8      --attr enrollment=2000
item_case "derived ratio: more than required is capped at 1"              D1.1.1 9 1      10     --attr enrollment=2000
# ratio entered as actual/required (D3.1.2, 5 points, canteen=true: the
# school then has 10 items, so D3.1.1 and D3.1.2 are added to the answers)
cat "$FX/mini-d.csv" - >"$T/mini-d-canteen.csv" <<'EOF'
D3.1.1,pass,
D3.1.2,1/1,
EOF
VBASE=$T/mini-d-canteen.csv
item_case "entered ratio: 1/32 = 0.03125 rounds half away from zero to 0.0313" D3.1.2 1/32 0.0313 0.1565 --attr canteen=true
item_case "entered ratio: 2/3 -> 0.6667"                  D3.1.2 2/3  0.6667 3.3335 --attr canteen=true
item_case "entered ratio: 5/4 capped at 1"                D3.1.2 5/4  1      5      --attr canteen=true
item_case "entered ratio: 0/7 -> 0"                       D3.1.2 0/7  0      0      --attr canteen=true

VBASE=$FX/mini-d.csv

begin "derived ratio: JSON 'required' follows the step table"
for pair in 0:1 99:1 100:2 999:2 1000:3 1499:3 1500:4 1999:4 2000:5 2500:6; do
    variant D1.1.1 1
    run score --system "$MINI" --attr stage=primary --attr "enrollment=${pair%:*}" --responses "$T/v.csv" --json
    json "eq('required at enrollment ${pair%:*}', item('D1.1.1').get('required'), ${pair#*:})"
done
end

# ------------------------------------------------ drafts (--partial)
# mini-a-partial.csv answers D1.1.1 (3 of 4 -> 7.5/10), D1.2.1 (10/10) and
# D2.1.1 (0 findings, 10/10): 27.5 of 30 = 91.666.. -> 91.67; 7 items missing.
# 91.67 is above the pass line of 80, but a draft with unanswered items is
# never compliant (达标 否).
begin "--partial: a draft with missing answers is scored on what is answered (exit 0)"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-partial.csv --partial --json
rc_is 0; err_empty
json_raw total 91.67
json "eq('complete', d['complete'], False); eq('earned', d['earned'], D('27.5')); eq('max', d['max'], 30)
eq('missing', d['missing'], ['D1.1.2', 'D1.2.2', 'D1.2.3', 'D1.2.4', 'D2.1.2', 'D3.1.1', 'D3.1.2'])
eq('D1.1.2 applicable', item('D1.1.2')['applicable'], True); eq('D1.1.2 reason', item('D1.1.2')['reason'], 'unanswered')
eq('baseline', d['baseline'], {'guards': False, 'closed-campus': True, 'alarm-video': False, 'protection-posts': False})"
end

begin "--partial: the text output marks the draft"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-partial.csv --partial
rc_is 0; err_empty
out_has "total      91.67  低风险 (蓝色)  [partial: 3/10 answered]"
out_has "points     27.50 of 30.00; 3 items scored, 2 not applicable, 0 marked na, 7 unanswered"
end

begin "--partial: a draft above the pass line is not compliant (text: 达标 否)"
out_has "达标       否 (pass line 80)"
out_has "lost points (1 item)"
end

begin "--partial: a draft above the pass line is not compliant (--json: \"compliant\": false)"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-partial.csv --partial --json
rc_is 0; err_empty
json "eq('total >= pass_line', d['total'] >= d['pass_line'], True); eq('complete', d['complete'], False)
eq('compliant', d['compliant'], False); eq('vetoed', d['vetoed'], False); eq('band', d['band'], 'low')"
"$PY" "$CHECK" "$MINI" "$FX/mini-a.school" mini-a-partial.csv --compare "$T/out" >"$T/cmp" 2>&1 ||
    fail "score_check.py: $(head -n 5 "$T/cmp" | paste -sd '|')"
end

begin "--partial with every item answered: complete and compliant, as without --partial"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-79995.csv --partial --json
rc_is 0; err_empty
json_raw total 80.00
json "eq('complete', d['complete'], True); eq('compliant', d['compliant'], True); eq('missing', d['missing'], [])"
end

begin "--partial: one item scored reads '1 item scored' and 'lost points (1 item)'"
printf 'item,value,note\nD1.1.1,0,\n' >one-answer.csv
run score --system "$MINI" --attr stage=primary --responses one-answer.csv --partial
rc_is 0; err_empty
out_has "points     0.00 of 10.00; 1 item scored, 4 not applicable, 0 marked na, 7 unanswered"
out_has "lost points (1 item)"
end

begin "without --partial: missing answers -> exit 1 listing them"
refused mini-a-partial.csv "schoolrisk: error: mini-a-partial.csv: 7 applicable items are not answered (use --partial to score a draft):
  D1.1.2  保安员持证上岗，配齐护卫器械
  D1.2.2  一键式紧急报警与视频监控系统与公安机关联网
  D1.2.3  视频图像保存天数
  D1.2.4  上下学时段校门口设置护学岗
  D2.1.2  全员应急疏散用时
  D3.1.1  每餐食品留样48小时
  D3.1.2  从业人员健康证持证率"
end

begin "--partial with no applicable item answered -> exit 1"
printf 'item,value,note\n' >header-only.csv
refused header-only.csv "schoolrisk: error: header-only.csv: nothing to score: no applicable item is answered" --partial
end

# ------------------------------------------------ responses errors
begin "responses errors: every bad row as FILE:LINE, exit 1"
refused mini-a-errors.csv "mini-a-errors.csv:2: item 'D1.1.1': the requirement is derived from enrollment (4 for this school); give only the actual number, got '3/4'
mini-a-errors.csv:3: item 'D1.1.2': expected pass or fail (also 符合/不符合, 是/否), got 'maybe'
mini-a-errors.csv:5: item 'D1.2.1' is answered twice (first on line 4)
mini-a-errors.csv:6: unknown item 'D9.9.9' (not in system 'mini' version 1.0)
mini-a-errors.csv:7: item 'D1.2.2': '很好' is not one of the declared levels (符合:1|基本符合:0.6|不符合:0)
mini-a-errors.csv:8: item 'D1.2.3': expected a number (0 or more, at most 4 decimals), got 'abc'
mini-a-errors.csv:10: item 'D2.1.1': expected a whole number of findings (0 or more), got '-1'
mini-a-errors.csv:11: item 'D2.1.2': the value is empty
mini-a-errors.csv:12: item 'D2.2.1' does not apply to this school (condition boarding=true does not hold)
mini-a-errors.csv:13: item 'D3.1.1' may not be marked not applicable (na)
mini-a-errors.csv:14: item 'D3.1.2': expected actual/required, for example '3/4', got '100'
schoolrisk: error: the responses in 'mini-a-errors.csv' are not valid (11 problems)"
end

begin "responses: wrong header"
printf 'itm,value,note\nD1.1.1,3,\n' >badhdr.csv
refused badhdr.csv "badhdr.csv:1: expected the header 'item,value,note'
schoolrisk: error: the responses in 'badhdr.csv' are not valid (1 problem)"
end

begin "responses: empty file"
: >empty.csv
refused empty.csv "empty.csv: the file is empty; expected the header 'item,value,note'
schoolrisk: error: the responses in 'empty.csv' are not valid (1 problem)"
end

begin "responses: too many fields, unclosed quote"
printf 'item,value,note\nD1.1.1,3,x,y\nD1.1.2,"pass,\n' >fields.csv
refused fields.csv "fields.csv:2: expected 3 fields (item,value,note), found 4
fields.csv:3: quoted field starting on line 3 is not closed
schoolrisk: error: the responses in 'fields.csv' are not valid (2 problems)"
end

begin "responses: missing file"
refused no-such.csv "no-such.csv: cannot read file: No such file or directory
schoolrisk: error: the responses in 'no-such.csv' are not valid (1 problem)"
end

# A negative measurement is refused (on a lower-better item -3 would
# otherwise be worth full points).
begin "responses: a negative number for a threshold item (lower-better) is refused"
sed 's/^D2\.1\.2,4,/D2.1.2,-3,/' mini-a-79995.csv >negative.csv
refused negative.csv "negative.csv:9: item 'D2.1.2': expected a number (0 or more, at most 4 decimals), got '-3'
schoolrisk: error: the responses in 'negative.csv' are not valid (1 problem)"
end

begin "responses: a negative number for a threshold item (higher-better) is refused, in a draft too"
sed 's/^D1\.2\.3,30,/D1.2.3,-0.5,/' mini-a-79995.csv >negative.csv
refused negative.csv "negative.csv:6: item 'D1.2.3': expected a number (0 or more, at most 4 decimals), got '-0.5'
schoolrisk: error: the responses in 'negative.csv' are not valid (1 problem)" --partial
end

begin "responses saved by Excel (UTF-8 BOM, CRLF) score the same"
printf '\357\273\277' >excel.csv
sed 's/$/\r/' mini-a-79995.csv >>excel.csv
run score --system "$MINI" --school "$FX/mini-a.school" --responses excel.csv --json
rc_is 0; err_empty
json_raw total 80.00
end

# ------------------------------------------------ usage and school errors
begin "stage not covered by the system: exit 1, one-line message"
run score --system primary --school "$IND/examples/junior-1.school" --responses "$IND/examples/junior-1.csv"
rc_is 1; out_empty
err_is "schoolrisk: error: indicator system 'primary' is not written for stage 'junior' (it covers: primary)"
end

begin "--json and --explain together is a usage error"
run score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-79995.csv --json --explain
rc_is 2; out_empty
err_line 1 "schoolrisk: error: --json and --explain do not go together (the JSON already has the trace in 'items')"
end

begin "no --responses is a usage error"
run score --system "$MINI" --school "$FX/mini-a.school"
rc_is 2; out_empty
err_line 1 "schoolrisk: error: --responses is required"
end

begin "no --system is a usage error"
run score --school "$FX/mini-a.school" --responses mini-a-79995.csv
rc_is 2; out_empty
err_line 1 "schoolrisk: error: --system is required"
end

begin "both --school and --attr is a usage error"
run score --system "$MINI" --school "$FX/mini-a.school" --attr stage=primary --responses mini-a-79995.csv
rc_is 2; out_empty
err_is "schoolrisk: error: give the school either with --school FILE or with --attr KEY=VALUE, not both"
end

begin "neither --school nor --attr is a usage error"
run score --system "$MINI" --responses mini-a-79995.csv
rc_is 2; out_empty
err_is "schoolrisk: error: no school given: use --school-code CODE with --db, --school FILE or --attr KEY=VALUE (at least --attr stage=...)"
end

begin "--attr given twice for the same key is refused"
run score --system "$MINI" --attr stage=primary --attr enrollment=1500 --attr canteen=true --attr enrollment=1000 --responses mini-a-79995.csv
rc_is 1; out_empty
err_is "schoolrisk: error: --attr enrollment is given twice"
end

begin "--attr school gives the same result as the school file"
run score --system "$MINI" --attr stage=primary --attr enrollment=1500 --attr canteen=true --responses mini-a-79995.csv --json
rc_is 0; err_empty
json_raw total 80.00
json_raw earned 55.9965
end

# ------------------------------------------------------------ --school-code
begin "--school-code with --db scores the registry school as its school file"
R=$(newdb r)
"$BIN" init --db "$R" --no-indicators >/dev/null
printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数' \
    '3701029901,测试用走读小学,历下区,小学,公办,城区,否,否,是,否,否,1500,0,0' >reg.csv
"$BIN" schools import reg.csv --db "$R" >/dev/null
run score --system "$MINI" --school-code 3701029901 --db "$R" --responses mini-a-79995.csv --json
rc_is 0; err_empty
"$BIN" score --system "$MINI" --school "$FX/mini-a.school" --responses mini-a-79995.csv --json >"$T/file.json"
same "score --json of the registry school" "$T/file.json" "$T/out"
json_raw total 80.00
end

begin "--school-code: an unknown code is invalid input (exit 1), nothing scored"
run score --system "$MINI" --school-code 3701020000 --db "$R" --responses mini-a-79995.csv
rc_is 1; out_empty
err_is "schoolrisk: error: no school with code '3701020000' in the registry of '$R' ('schoolrisk schools list' lists them)"
end

begin "--school-code without --system scores on the current system of the school's stage"
SD=$(newdb s)
"$BIN" init --db "$SD" --no-indicators >/dev/null
"$BIN" schools import reg.csv --db "$SD" >/dev/null
"$BIN" indicators load "$MINI" --db "$SD" >/dev/null
run score --school-code 3701029901 --db "$SD" --responses mini-a-79995.csv --json
rc_is 0; err_empty
same "score --json on the stage's current system" "$T/file.json" "$T/out"
run score --school-code 3701029901 --db "$R" --responses mini-a-79995.csv
rc_is 1; out_empty
err_is "schoolrisk: error: no indicator system in '$R' covers 小学, the stage of school 3701029901; give one with --system"
end

begin "--school-code with --attr is refused (exit 2)"
run score --system "$MINI" --school-code 3701029901 --db "$R" --attr stage=primary --responses mini-a-79995.csv
rc_is 2; out_empty
err_is "schoolrisk: error: give the school either with --school-code CODE (from the registry) or with --school FILE / --attr KEY=VALUE, not both"
end

finish
