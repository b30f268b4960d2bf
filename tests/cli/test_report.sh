#!/bin/bash
# End-to-end tests of `schoolrisk report district|city|all`: a real database built
# with the CLI, the workbook read back with openpyxl (Debian's python3),
# every KPI of 概况 and every cell of 区县汇总 compared with independent SQL.
#
# Run by ctest as:  bash test_report.sh /path/to/schoolrisk /path/to/source-tree
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb r)
export SCHOOLRISK_USER=区教体局
EX=$IND/examples
SQL() { sql "$SCHOOLRISK_DB" "$@"; }

# The twelve sample schools as a registry (their codes, districts and
# attributes come from the .school files).
"$PY" "$SRC/scripts/examples-registry.py" "$EX" >reg.csv

begin "a district's year on the database"
SCHOOLRISK_CLOCK=2026-07-10T02:00:00Z "$BIN" init >/dev/null || fail "init"
SCHOOLRISK_CLOCK=2026-07-10T02:00:00Z "$BIN" schools import reg.csv >/dev/null || fail "import"
# Every sample school assessed in August, except junior-1 (not assessed).
for school in "$EX"/*.school; do
    case $school in *junior-1.school) continue ;; esac
    code=$(sed -n 's/^code *= *//p' "$school")
    id=$(SCHOOLRISK_CLOCK=2026-08-20T02:00:00Z "$BIN" assess new --school "$code" --by 张检查员) || fail "new $code"
    SCHOOLRISK_CLOCK=2026-08-20T02:00:00Z "$BIN" assess import "$id" "${school%.school}.csv" >/dev/null || fail "import $code"
    SCHOOLRISK_CLOCK=2026-08-20T03:00:00Z "$BIN" assess submit "$id" >/dev/null || fail "submit $code"
done
# One hazard of 历下区 closed in September, 5 days after its deadline (逾期销号),
# one overdue at the quarter's end.
h1=$(SQL "SELECT min(h.id) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102'")
h2=$(SQL "SELECT max(h.id) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102'")
SCHOOLRISK_CLOCK=2026-08-21T02:00:00Z "$BIN" hazard assign "$h1" --responsible 王老师 --deadline 2026-09-01 >/dev/null || fail "assign"
SCHOOLRISK_CLOCK=2026-09-05T02:00:00Z "$BIN" hazard submit "$h1" --note 已整改 --by 王老师 >/dev/null || fail "submit h1"
SCHOOLRISK_CLOCK=2026-09-06T02:00:00Z "$BIN" hazard verify "$h1" --by 李复查员 >/dev/null || fail "verify"
# a major hazard is under city supervision: the verify was the district's
# review, the city's sign-off the same day closes it
if [ "$(SQL "SELECT level FROM hazards WHERE id = $h1")" = major ]; then
    SCHOOLRISK_CLOCK=2026-09-06T02:00:00Z "$BIN" hazard signoff "$h1" --by 市教育局安全处 >/dev/null || fail "signoff"
fi
[ "$(SQL "SELECT status || ' ' || closed_on FROM hazards WHERE id = $h1")" = "closed 2026-09-06" ] || fail "h1 is not closed in September"
SCHOOLRISK_CLOCK=2026-08-21T02:00:00Z "$BIN" hazard assign "$h2" --responsible 赵老师 --deadline 2026-09-15 >/dev/null || fail "assign h2"
# 历下区's kindergarten re-assessed in September with its fire-safety
# responsibility system missing (a veto item): its latest assessment, the
# one that counts, is not compliant, so 达标率 differs from 评估覆盖率.
code=$(sed -n 's/^code *= *//p' "$EX/kindergarten-1.school")
sed 's/^D05\.01\.01,符合,$/D05.01.01,不符合,未建立消防安全责任制/' "$EX/kindergarten-1.csv" >k1-veto.csv
grep -q '^D05.01.01,不符合,' k1-veto.csv || fail "the veto answer was not set"
id=$(SCHOOLRISK_CLOCK=2026-09-20T02:00:00Z "$BIN" assess new --school "$code" --by 张检查员) || fail "new $code"
SCHOOLRISK_CLOCK=2026-09-20T02:00:00Z "$BIN" assess import "$id" k1-veto.csv >/dev/null || fail "import k1-veto"
SCHOOLRISK_CLOCK=2026-09-20T03:00:00Z "$BIN" assess submit "$id" >/dev/null || fail "submit k1-veto"
[ "$(SQL "SELECT compliant || '' || vetoed FROM assessments WHERE id = $id")" = 01 ] || fail "the re-assessment is not vetoed"
end

begin "report district 历下区 --period 2026Q3: every KPI matches SQL"
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report district 历下区 --period 2026Q3 -o lixia.xlsx
rc_is 0
n_sch=$(SQL "SELECT count(*) FROM schools WHERE district = '370102' AND closed = 0")
n_haz=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.found_on <= '2026-09-30'")
n_ass=$(SQL "SELECT count(DISTINCT a.school) FROM assessments a JOIN schools s ON s.code = a.school WHERE s.district = '370102' AND a.status = 'submitted' AND a.assessed_on <= '2026-09-30'")
out_is "wrote lixia.xlsx: 历下区 2026Q3, $n_sch schools, $n_ass assessed, $n_haz hazards"
# Independent figures, one SQL query each.  A school counts by its latest
# submitted assessment dated by the end (all here are within 12 months).
LATEST="SELECT (SELECT a2.id FROM assessments a2 WHERE a2.school = s.code AND a2.status = 'submitted' AND a2.kind = 'inspection' AND a2.assessed_on <= '2026-09-30' ORDER BY a2.assessed_on DESC, a2.id DESC LIMIT 1) FROM schools s WHERE s.district = '370102' AND s.closed = 0"
if on_pg; then # no julianday(): the difference of two dates is days
    LATE=$(SQL "SELECT CAST(closed_on AS date) - CAST(deadline AS date) FROM hazards WHERE id = $h1")
else
    LATE=$(SQL "SELECT CAST(julianday(closed_on) - julianday(deadline) AS INTEGER) FROM hazards WHERE id = $h1")
fi
cat >want.txt <<EOF
学校数=$n_sch
已评估=$n_ass
达标数=$(SQL "SELECT count(*) FROM assessments a WHERE a.id IN ($LATEST) AND a.compliant = 1")
一票否决=$(SQL "SELECT count(*) FROM assessments a WHERE a.id IN ($LATEST) AND a.vetoed = 1")
隐患发现数=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.found_on BETWEEN '2026-07-01' AND '2026-09-30'")
隐患销号数=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.closed_on BETWEEN '2026-07-01' AND '2026-09-30'")
未整改隐患=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.found_on <= '2026-09-30' AND (h.closed_on IS NULL OR h.closed_on > '2026-09-30')")
逾期隐患=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.status <> 'closed' AND h.deadline < '2026-09-30'")
逾期销号数=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.closed_on BETWEEN '2026-07-01' AND '2026-09-30' AND h.deadline < h.closed_on")
超期销号天数#$h1=$LATE
超期销号天数#$h2=0
未整改重大隐患=$(SQL "SELECT count(*) FROM hazards h JOIN schools s ON s.code = h.school WHERE s.district = '370102' AND h.level = 'major' AND h.found_on <= '2026-09-30' AND (h.closed_on IS NULL OR h.closed_on > '2026-09-30')")
EOF
"$PY" - lixia.xlsx want.txt >got.txt 2>"$T/pyerr" <<'PYEOF' || fail "openpyxl: $(cat "$T/pyerr")"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["概况", "学校评估", "失分明细", "隐患台账", "四个100%", "说明"], wb.sheetnames
kpi = {}
for row in wb["概况"].iter_rows(values_only=True):
    if row and isinstance(row[0], str) and row[1] is not None:
        kpi.setdefault(row[0], row[1])
ledger = wb["隐患台账"]
head = [c.value for c in ledger[1]]
late = {r[head.index("隐患编号")]: r[head.index("超期销号天数")]
        for r in ledger.iter_rows(min_row=2, values_only=True)}
for line in open(sys.argv[2], encoding="utf-8"):
    key, want = line.rstrip("\n").split("=")
    if "#" in key:  # 超期销号天数#ID: the ledger's cell for hazard ID
        print("%s=%s" % (key, late.get(int(key.split("#")[1]))))
    else:
        print("%s=%s" % (key, kpi.get(key)))
ws = wb["学校评估"]
assert ws.freeze_panes is not None and ws.auto_filter.ref, "no frozen header or filter"
assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
PYEOF
same "the KPIs" want.txt got.txt
end

begin "the 学校评估 sheet has one row per registry school, 未评估 marked"
"$PY" - lixia.xlsx "$n_sch" <<'PYEOF' || fail "学校评估 rows are wrong"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["学校评估"]
rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] and str(r[0]).isdigit()]
assert len(rows) == int(sys.argv[2]), (len(rows), sys.argv[2])
text = [" ".join(str(v) for v in r if v is not None) for r in rows]
assert sum("未评估" in t for t in text) == 1, text
PYEOF
end

begin "report city: 区县汇总 has every district, the city total, and 历下区's figures match SQL"
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report city --period 2026Q3 -o city.xlsx
rc_is 0
n_all=$(SQL "SELECT count(*) FROM schools WHERE closed = 0")
n_dist=$(SQL "SELECT count(*) FROM districts")
out_is "wrote city.xlsx: 全市 2026Q3, $n_dist districts, $n_all schools, $(SQL "SELECT count(DISTINCT school) FROM assessments WHERE status = 'submitted' AND assessed_on <= '2026-09-30'") assessed"
"$PY" - city.xlsx "$n_dist" "$n_sch" "$n_ass" "$n_all" <<'PYEOF' || fail "区县汇总 is wrong"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames[0] == "区县汇总" and wb.sheetnames[-1] == "说明", wb.sheetnames
ws = wb["区县汇总"]
rows = list(ws.iter_rows(values_only=True))
# The layout's title and 填报单位 stand above the table.
assert rows[0][0] == "济南市2026年第三季度中小学幼儿园校园安全风险评估汇总表", rows[0]
assert rows[1][0].startswith("填报单位：济南市教育局"), rows[1]
hdr = next(i for i, r in enumerate(rows) if "区县" in r)
head = list(rows[hdr])
col = {h: i for i, h in enumerate(head)}
data = [r for r in rows[hdr + 1:] if r and r[col["区县"]]]
names = [r[col["区县"]] for r in data]
assert len(names) >= int(sys.argv[2]) + 1, names
lixia = data[names.index("历下区")]
assert lixia[col["学校数"]] == int(sys.argv[3]), lixia
assert lixia[col["已评估"]] == int(sys.argv[4]), lixia
total = data[names.index("全市合计")]
assert total[col["学校数"]] == int(sys.argv[5]), total
PYEOF
end

begin "report city: every cell of every 区县汇总 row (in rank order), and the total, equals independent SQL"
# Counts per district by one SQL query (as of the quarter's end :e, found
# and closed within it from :s): schools; assessed, compliant, vetoed and
# the four bands of the latest submitted inspection valid at the end (12
# months in every shipped system); hazards found in the quarter, closed in
# it, open and overdue at the end (the deadline of the last assignment
# made by then), open major ones, those found in the quarter and closed
# by its end (整改率's numerator), and those closed in it after their
# deadline (逾期销号).  The four-100% counts come from
# `schoolrisk baseline --json --today END`.  The rank, the rates and the
# total row are derived from these counts in Python, not read from the
# program.
E=2026-09-30 S=2026-07-01
SQL "WITH latest AS (
   SELECT s.code, s.district, (SELECT a.id FROM assessments a WHERE a.school = s.code
     AND a.status = 'submitted' AND a.kind = 'inspection' AND a.assessed_on <= '$E'
     ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) AS aid
   FROM schools s WHERE s.closed = 0),
 valid AS (SELECT l.district, a.* FROM latest l JOIN assessments a ON a.id = l.aid
   WHERE date(a.assessed_on, '+12 months') > '$E'),
 hz AS (SELECT s.district, h.*, (SELECT substr(ev.note, CAST(instr(ev.note, '；整改期限：') + 6 AS INTEGER), 10)
     FROM hazard_events ev WHERE ev.hazard = h.id AND date(ev.at, '+8 hours') <= '$E'
     AND substr(ev.note, 1, 6) = '整改责任人：' ORDER BY ev.id DESC LIMIT 1) AS dl
   FROM hazards h JOIN schools s ON s.code = h.school
   WHERE s.closed = 0 AND h.found_on <= '$E'),
 hzo AS (SELECT * FROM hz WHERE closed_on IS NULL OR closed_on > '$E')
 SELECT d.name,
  (SELECT count(*) FROM schools s WHERE s.district = d.code AND s.closed = 0),
  (SELECT count(*) FROM valid v WHERE v.district = d.code),
  (SELECT count(*) FROM valid v WHERE v.district = d.code AND v.compliant = 1),
  (SELECT count(*) FROM valid v WHERE v.district = d.code AND v.band_label = '低风险'),
  (SELECT count(*) FROM valid v WHERE v.district = d.code AND v.band_label = '一般风险'),
  (SELECT count(*) FROM valid v WHERE v.district = d.code AND v.band_label = '较大风险'),
  (SELECT count(*) FROM valid v WHERE v.district = d.code AND v.band_label = '重大风险'),
  (SELECT count(*) FROM valid v WHERE v.district = d.code AND v.vetoed = 1),
  (SELECT count(*) FROM hz WHERE hz.district = d.code AND hz.found_on >= '$S'),
  (SELECT count(*) FROM hz WHERE hz.district = d.code AND hz.closed_on BETWEEN '$S' AND '$E'),
  (SELECT count(*) FROM hzo WHERE hzo.district = d.code),
  (SELECT count(*) FROM hzo WHERE hzo.district = d.code AND hzo.dl < '$E'),
  (SELECT count(*) FROM hz WHERE hz.district = d.code AND hz.found_on >= '$S' AND hz.closed_on <= '$E'),
  (SELECT count(*) FROM hzo WHERE hzo.district = d.code AND hzo.level = 'major'),
  (SELECT count(*) FROM hz WHERE hz.district = d.code AND hz.closed_on BETWEEN '$S' AND '$E'
     AND hz.dl < hz.closed_on)
 FROM districts d ORDER BY d.sort" >counts.txt
"$BIN" baseline --today $E --json >baseline.json || fail "baseline --json"
"$PY" - city.xlsx counts.txt baseline.json >district-rows.txt 2>"$T/pyerr" <<'PYEOF' || fail "openpyxl: $(cat "$T/pyerr")"
import json, sys, openpyxl
from functools import cmp_to_key
ELEMENTS = ("guards", "closed-campus", "alarm-video", "protection-posts")
COUNTS = ("schools", "assessed", "compliant", "blue", "yellow", "orange",
          "red", "vetoed", "found", "closed", "open", "overdue", "rectified",
          "major", "closed_late")
lines = {}
order = []
for line in open(sys.argv[2], encoding="utf-8"):
    f = line.rstrip("\n").split("|")
    lines[f[0]] = dict(zip(COUNTS, map(int, f[1:])))
    order.append(f[0])
bl = {d["name"]: d for d in json.load(open(sys.argv[3]))["districts"]}
for name, c in lines.items():
    d = bl.get(name, {"met": {e: 0 for e in ELEMENTS},
                      "unassessed": {e: 0 for e in ELEMENTS}, "all_four": 0,
                      "all_four_unassessed": 0})
    for e in ELEMENTS:
        c[e] = d["met"][e]
        c["u-" + e] = d["unassessed"][e]
    c["all_four"] = d["all_four"]
    c["four_unassessed"] = d["all_four_unassessed"]
total = {k: sum(c[k] for c in lines.values()) for k in lines[order[0]]}

def rate(num, den):
    return "-" if den == 0 else num / den

def expect(name, c, rank):
    four = "是" if c["schools"] and c["all_four"] == c["schools"] else "否"
    return [rank, name, c["schools"], c["assessed"],
            rate(c["assessed"], c["schools"]), c["compliant"],
            rate(c["compliant"], c["schools"]), c["blue"], c["yellow"],
            c["orange"], c["red"], c["vetoed"]] + \
        [rate(c[e], c["schools"] - c["u-" + e]) for e in ELEMENTS] + \
        [four, c["four_unassessed"], c["found"], c["closed"], c["closed_late"], c["open"], c["overdue"],
         rate(c["rectified"], c["found"]), c["major"]]

# Rank on 达标率, ties share (1, 2, 2, 4), districts without schools last.
def better(a, b):
    ca, cb = lines[a], lines[b]
    if not ca["schools"] or not cb["schools"]:
        return (not ca["schools"]) - (not cb["schools"])
    return cb["compliant"] * ca["schools"] - ca["compliant"] * cb["schools"]
ranked = sorted(order, key=cmp_to_key(better))
rank = {}
for i, n in enumerate(ranked):
    rank[n] = rank[ranked[i - 1]] if i and better(ranked[i - 1], n) == 0 else i + 1

def show(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # a whole number reads back as an int
    return v if isinstance(v, str) else repr(v)

ws = openpyxl.load_workbook(sys.argv[1])["区县汇总"]
rows = list(ws.iter_rows(values_only=True))
hdr = next(i for i, r in enumerate(rows) if "区县" in r)
assert len(rows[hdr]) == 25, rows[hdr]
got = [r for r in rows[hdr + 1:hdr + len(order) + 2]]
# In rank order; equal ranks in the registry's order (sorted is stable).
want = [expect(n, lines[n], rank[n]) for n in sorted(order, key=lambda n: rank[n])]
want.append(expect("全市合计", total, None))
for w, g in zip(want, got):
    print("want " + "|".join(map(show, w)))
    print("got  " + "|".join(map(show, g)))
PYEOF
grep '^want ' district-rows.txt | cut -c6- >want-rows.txt
grep '^got  ' district-rows.txt | cut -c6- >got-rows.txt
[ "$(wc -l <want-rows.txt)" = "$((n_dist + 1))" ] || fail "$(wc -l <want-rows.txt) rows compared"
same "the 区县汇总 rows" want-rows.txt got-rows.txt
# Not vacuous: the city total has compliant, red, vetoed, found, closed,
# closed late, open, overdue and open major hazards above zero, and a
# rate below 1.
tail -n 1 want-rows.txt | awk -F'|' '$6 > 0 && $11 > 0 && $12 > 0 && $19 > 0 &&
    $20 > 0 && $21 > 0 && $22 > 0 && $23 > 0 && $25 > 0 && $7 < 1 { ok = 1 } END { exit !ok }' ||
    fail "thin data: $(tail -n 1 want-rows.txt)"
end

begin "概况: the rates, bands, four-100% and the by-stage table equal the same independent figures"
# The 历下区 line of counts.txt (the SQL above), baseline.json, and the
# stage table by one more query; 概况 of lixia.xlsx (same quarter).
SQL "WITH latest AS (
   SELECT s.code, s.stage, (SELECT a.id FROM assessments a WHERE a.school = s.code
     AND a.status = 'submitted' AND a.assessed_on <= '$E'
     ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) AS aid
   FROM schools s WHERE s.closed = 0 AND s.district = '370102')
 SELECT l.stage, count(*), count(a.id), sum(coalesce(a.compliant, 0))
 FROM latest l LEFT JOIN assessments a ON a.id = l.aid
   AND date(a.assessed_on, '+12 months') > '$E'
 GROUP BY l.stage" >stages.txt
"$PY" - lixia.xlsx counts.txt baseline.json stages.txt >kpi-rows.txt 2>"$T/pyerr" <<'PYEOF' || fail "openpyxl: $(cat "$T/pyerr")"
import json, sys, openpyxl
COUNTS = ("schools", "assessed", "compliant", "blue", "yellow", "orange",
          "red", "vetoed", "found", "closed", "open", "overdue", "rectified",
          "major")
for line in open(sys.argv[2], encoding="utf-8"):
    f = line.rstrip("\n").split("|")
    if f[0] == "历下区":
        c = dict(zip(COUNTS, map(int, f[1:])))
d = [x for x in json.load(open(sys.argv[3]))["districts"] if x["name"] == "历下区"][0]
STAGES = {"kindergarten": "幼儿园", "primary": "小学", "junior": "初中",
          "senior": "普通高中", "nine-year": "九年一贯制",
          "complete-secondary": "完全中学", "twelve-year": "十二年一贯制",
          "vocational": "中等职业学校", "special": "特殊教育学校"}
stages = {}
for line in open(sys.argv[4], encoding="utf-8"):
    g, n, a, k = line.rstrip("\n").split("|")
    stages[STAGES[g]] = (int(n), int(a), int(k))

def rate(num, den):
    return "-" if den == 0 else num / den

def show(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v if isinstance(v, str) else repr(v)

s = c["schools"]
want = {
    "评估覆盖率": rate(c["assessed"], s), "达标率": rate(c["compliant"], s),
    "低风险（蓝色）学校数": c["blue"], "一般风险（黄色）学校数": c["yellow"],
    "较大风险（橙色）学校数": c["orange"], "重大风险（红色）学校数": c["red"],
    "四个100%：专职保安员配备达标率": rate(d["met"]["guards"], s),
    "四个100%：封闭化管理达标率": rate(d["met"]["closed-campus"], s),
    "四个100%：一键式紧急报警和视频监控联网达标率": rate(d["met"]["alarm-video"], s),
    "四个100%：护学岗达标率": rate(d["met"]["protection-posts"], s),
    "是否实现四个100%": "是" if s and d["all_four"] == s else "否",
    "整改率": rate(c["rectified"], c["found"]),
}
ws = openpyxl.load_workbook(sys.argv[1])["概况"]
rows = [r for r in ws.iter_rows(values_only=True)]
kpi = {}
for r in rows:
    if r and isinstance(r[0], str) and r[1] is not None:
        kpi.setdefault(r[0], r[1])
for k, v in want.items():
    print("want %s=%s" % (k, show(v)))
    print("got  %s=%s" % (k, show(kpi.get(k))))
# The by-stage table: every stage with schools, then 合计.
start = [i for i, r in enumerate(rows) if r[0] == "学段"][0]
head = rows[start]
got = {}
for r in rows[start + 1:]:
    if not r[0]:
        break
    got[r[0]] = r
total = (0, 0, 0)
for g, (n, a, k) in sorted(stages.items()):
    total = (total[0] + n, total[1] + a, total[2] + k)
    print("want %s|%d|%d|%s|%d|%s" % (g, n, a, show(rate(a, n)), k, show(rate(k, n))))
    r = got.get(g, (g,) + (None,) * 5)
    print("got  " + "|".join(show(v) for v in r[:6]))
n, a, k = total
print("want 合计|%d|%d|%s|%d|%s" % (n, a, show(rate(a, n)), k, show(rate(k, n))))
print("got  " + "|".join(show(v) for v in got["合计"][:6]))
assert list(head[:6]) == ["学段", "学校数", "已评估", "评估覆盖率", "达标数", "达标率"], head
assert len(got) == len(stages) + 1, (sorted(got), sorted(stages))
PYEOF
grep '^want ' kpi-rows.txt | cut -c6- | sort >want-kpi.txt
grep '^got  ' kpi-rows.txt | cut -c6- | sort >got-kpi.txt
[ "$(wc -l <want-kpi.txt)" -ge 14 ] || fail "only $(wc -l <want-kpi.txt) figures compared"
same "the 概况 figures" want-kpi.txt got-kpi.txt
end

begin "what a reader sees: no wrapped text prints over the row below; 概况 and 说明 read as a reader reads"
# Every cell with wrapped text sits in a row as tall as its lines need
# at its column's width (counted by tests/unit/report_rows_check.py on
# its own terms; LibreOffice does not grow rows).
"$PY" "$SRC/tests/unit/report_rows_check.py" lixia.xlsx city.xlsx >rows.txt 2>"$T/pyerr" || fail "openpyxl: $(cat "$T/pyerr")"
[ "$(grep -c '^overprinted=0$' rows.txt)" = 2 ] || fail "text prints over the rows below: $(grep -v '^cells=' rows.txt | head -20)"
grep -q '^multiline=[1-9]' rows.txt || fail "no wrapped text of several lines was checked: $(cat rows.txt)"
"$PY" - lixia.xlsx city.xlsx "$(SQL "SELECT group_concat(id || ' ' || version, '、') FROM (SELECT id, version FROM systems ORDER BY id, version) AS s")" <<'PYEOF' || fail "概况 or 说明 reads wrong"
import sys, openpyxl
d, c = (openpyxl.load_workbook(p) for p in sys.argv[1:3])
o = d["概况"]
# generated at 2026-10-08T01:30:00Z: China time, to the minute
assert o["A4"].value == "生成日期" and o["B4"].value == "2026年10月8日 09:30", o["B4"].value
assert o["A3"].value == "统计期" and o["B3"].value == "2026年第三季度（2026-07-01 至 2026-09-30）", o["B3"].value
# the systems by id and version only; their hashes are on 说明
assert o["A5"].value == "指标体系版本" and "sha256" not in o["B5"].value, o["B5"].value
for part in o["B5"].value.split("、"):
    assert part in sys.argv[3].split("、"), (part, sys.argv[3])
for wb in (d, c):
    n = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=3) if r[0].value}
    assert n["统计期"] == "2026年第三季度（2026-07-01 至 2026-09-30）", n["统计期"]
    assert n["生成时间"] == "2026年10月8日 09:30（北京时间；2026-10-08T01:30:00Z）", n["生成时间"]
    hashes = [r[1].value for r in wb["说明"].iter_rows(min_row=3) if r[0].value == "指标体系"]
    assert hashes and all(" sha256 " in h for h in hashes), hashes
    # no period named twice ("2026Q3 2026年第三季度") on any sheet
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and "2026Q3 2026" in v), (ws.title, v)
PYEOF
end

begin "report all writes every district's workbook and the city's"
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report all --period 2026Q3 --out-dir wb
rc_is 0
out_is "wrote $((n_dist + 1)) workbooks to wb (every district and the city, 2026Q3)"
[ -f "wb/历下区-2026Q3.xlsx" ] && [ -f "wb/全市-2026Q3.xlsx" ] || fail "missing workbooks: $(ls wb) ($(cat "$T/err"))"
[ "$(ls wb | wc -l)" = $((n_dist + 1)) ] || fail "$(ls wb | wc -l) files"
end

begin "report all on every core writes what one thread writes, cell for cell"
# Each district is computed once and the workbooks are written by one
# thread per CPU (--jobs 2 even on one CPU is bounded to it): the same
# cells as --jobs 1, which works in the calling thread alone.
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report all --period 2026Q3 --out-dir wbj1 --jobs 1
rc_is 0
out_is "wrote $((n_dist + 1)) workbooks to wbj1 (every district and the city, 2026Q3)"
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report all --period 2026Q3 --out-dir wbj2 --jobs 2
rc_is 0
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report city --period 2026Q3 -o cityj1.xlsx --jobs 1
rc_is 0
"$PY" - wbj1 wbj2 wb cityj1.xlsx >"$T/cells" 2>"$T/pyerr" <<'PYEOF' || fail "$(cat "$T/cells" "$T/pyerr")"
import os, sys, openpyxl
def cells(path):
    wb = openpyxl.load_workbook(path)
    return [(s, list(wb[s].iter_rows(values_only=True))) for s in wb.sheetnames]
one = sorted(os.listdir(sys.argv[1]))
assert one == sorted(os.listdir(sys.argv[2])) == sorted(os.listdir(sys.argv[3])), one
n = 0
for f in one:
    a = cells(os.path.join(sys.argv[1], f))
    for other in sys.argv[2:4]:
        assert a == cells(os.path.join(other, f)), (other, f)
    n += sum(len(r) for _, rows in a for r in rows)
assert cells(sys.argv[4]) == cells(os.path.join(sys.argv[1], "全市-2026Q3.xlsx"))
print(len(one), "workbooks", "cells" if n > 1000 else "too few cells")
PYEOF
printf '%s\n' "$((n_dist + 1)) workbooks cells" >"$T/exp"
same "the workbooks compared" "$T/exp" "$T/cells"
run report all --period 2026Q3 --out-dir wbj0 --jobs 0
rc_is 2
err_line 1 "schoolrisk: error: --jobs must be a whole number 1..1024, not '0'"
run report district 历下区 --period 2026Q3 -o x.xlsx --jobs 2
rc_is 2
[ ! -e wbj0 ] && [ ! -e x.xlsx ] || fail "written after a usage error"
end

begin "report all: a district whose figures fail is named, the city with it, the others written"
# A deadline that is no date, put in with SQL: 历下区's figures cannot be
# computed, and without them neither can the city's.  Every other
# district's workbook is still written, on whichever thread.
dl=$(SQL "SELECT deadline FROM hazards WHERE id = $h2")
SQL "UPDATE hazards SET deadline = '2026-00-00' WHERE id = $h2"
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report all --period 2026Q3 --out-dir wbf
SQL "UPDATE hazards SET deadline = '$dl' WHERE id = $h2"
rc_is 3
out_empty
printf '%s\n' "schoolrisk: error: the workbook of 历下区 was not written: hazard $h2 has a bad deadline '2026-00-00'" \
    "schoolrisk: error: the workbook of 全市 was not written: hazard $h2 has a bad deadline '2026-00-00'" \
    "schoolrisk: error: 2 of $((n_dist + 1)) workbooks were not written" >"$T/exp"
same stderr "$T/exp" "$T/err"
n_written=$(find wbf -maxdepth 1 -type f -name '*.xlsx' | wc -l)
[ "$n_written" = $((n_dist - 1)) ] || fail "$n_written workbooks written, expected $((n_dist - 1))"
[ -f "wbf/市中区-2026Q3.xlsx" ] && [ ! -e "wbf/历下区-2026Q3.xlsx" ] && [ ! -e "wbf/全市-2026Q3.xlsx" ] || fail "written: $(ls wbf)"
end

begin "errors: unknown district, bad period, unwritable path, bad layout"
run report district 历山区 --period 2026Q3 -o x.xlsx
rc_is 1
err_is "schoolrisk: error: no district '历山区'"
run report district 历下区 --period 2026Q5 -o x.xlsx
rc_is 2
err_line 1 "schoolrisk: error: bad period '2026Q5' (expected a quarter like 2026Q3 or 2026年第三季度, a month like 2026-09 or 2026年9月, or a year like 2026 or 2026年)"
# A workbook that cannot be written is an output failure: exit 3, one line.
run report district 历下区 --period 2026Q3 -o /nonexistent/dir/x.xlsx
rc_is 3
err_is "schoolrisk: error: cannot write '/nonexistent/dir/x.xlsx': No such file or directory"
sed 's/^学校评估,name,/学校评估,nickname,/' "$SRC/templates/reports/district.csv" >bad-layout.csv
line=$(grep -n '^学校评估,nickname,' bad-layout.csv | cut -d: -f1)
run report district 历下区 --period 2026Q3 -o x.xlsx --layout bad-layout.csv
rc_is 1
grep -q "^bad-layout.csv:$line: " "$T/err" || fail "no FILE:LINE for the unknown field: $(cat "$T/err")"
err_has "schoolrisk: error: the report layout 'bad-layout.csv' is not valid"
[ ! -e x.xlsx ] || fail "a workbook was written"
end

# ------------------------------------------ reports that never lose a district
# Issue 10: one over-long text failed `report district` and `report city`,
# and `report all` stopped at the first bad district; a full disk left a
# truncated workbook and exited 1 with libxlsxwriter's own lines.

begin "report all writes every workbook it can and names the one it cannot (exit 3)"
mkdir -p wb2/历下区-2026Q3.xlsx
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report all --period 2026Q3 --out-dir wb2
rc_is 3
out_empty
printf '%s\n' "schoolrisk: error: cannot write 'wb2/历下区-2026Q3.xlsx': Is a directory" \
    "schoolrisk: error: 1 of $((n_dist + 1)) workbooks were not written" >"$T/exp"
same stderr "$T/exp" "$T/err"
n_written=$(find wb2 -maxdepth 1 -type f -name '*.xlsx' | wc -l)
[ "$n_written" = "$n_dist" ] || fail "$n_written workbooks written, expected $n_dist"
[ -f "wb2/市中区-2026Q3.xlsx" ] && [ -f "wb2/全市-2026Q3.xlsx" ] || fail "missing: $(ls wb2)"
[ -z "$(find wb2 -name '.*')" ] || fail "temporary files left: $(find wb2 -name '.*')"
end

begin "an over-long text in the database: every workbook is written, the cell cut with its marker"
# Past the input limits (4,000 and 200 characters), as an old database or
# the sqlite3 shell could have it: 40,000 characters in a hazard's
# description and in the name of its school (on three sheets).
# (SQLite has no repeat(), PostgreSQL no zeroblob())
if on_pg; then
    SQL "UPDATE hazards SET description = repeat('消', 40000) WHERE id = $h2"
    SQL "UPDATE schools SET name = repeat('校', 40000) WHERE code = (SELECT school FROM hazards WHERE id = $h2)"
else
    SQL "UPDATE hazards SET description = replace(hex(zeroblob(40000)), '00', '消') WHERE id = $h2"
    SQL "UPDATE schools SET name = replace(hex(zeroblob(40000)), '00', '校') WHERE code = (SELECT school FROM hazards WHERE id = $h2)"
fi
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report district 历下区 --period 2026Q3 -o long.xlsx
rc_is 0
err_empty
"$PY" - long.xlsx >"$T/cells" 2>"$T/pyerr" <<'PYEOF' || fail "openpyxl: $(cat "$T/pyerr")"
import sys, openpyxl
MARK = "…（已截断，全文见系统）"
wb = openpyxl.load_workbook(sys.argv[1])
for sheet in ("学校评估", "隐患台账", "失分明细"):
    for row in wb[sheet].iter_rows(values_only=True):
        for v in row:
            if isinstance(v, str) and len(v) > 4000:
                ok = len(v) == 32767 and v.endswith(MARK) and \
                    len(set(v[:-len(MARK)])) == 1
                print(sheet, v[0], len(v), "marked" if ok else "BAD")
PYEOF
printf '%s\n' "失分明细 校 32767 marked" "学校评估 校 32767 marked" \
    "隐患台账 校 32767 marked" "隐患台账 消 32767 marked" >"$T/exp"
sort -u "$T/cells" >"$T/got"
same "the cut cells" "$T/exp" "$T/got"
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report city --period 2026Q3 -o long-city.xlsx
rc_is 0
SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z run report all --period 2026Q3 --out-dir wb3
rc_is 0
[ "$(ls wb3 | wc -l)" = $((n_dist + 1)) ] || fail "$(ls wb3 | wc -l) files"
end

begin "input limits: a text past 4,000 characters, a name past 200, refused naming the field"
# What the workbooks show is held to limits where it is typed (error.h).
t4000=$("$PY" -c 'print("消" * 4000)')
t4001=$("$PY" -c 'print("消" * 4001)')
n201=$("$PY" -c 'print("张" * 201)')
run hazard add --school "$code" --level general --description "$t4001"
rc_is 1
err_is "schoolrisk: error: the description is longer than 4000 characters"
run hazard add --school "$code" --level general --description "$t4000"
rc_is 0
hid=$(SQL "SELECT max(id) FROM hazards")
run hazard assign "$hid" --responsible "$n201" --deadline 2099-01-01
rc_is 1
err_is "schoolrisk: error: the responsible person is longer than 200 characters"
run hazard assign "$hid" --responsible 王老师 --deadline 2099-01-01 --measures "$t4001"
rc_is 1
err_is "schoolrisk: error: the measures is longer than 4000 characters"
run hazard add --school "$code" --level general --description 护栏松动 --by "$n201"
rc_is 1
err_is "schoolrisk: error: found by is longer than 200 characters"
run assess new --school "$code" --by "$n201"
rc_is 1
err_is "schoolrisk: error: the inspector is longer than 200 characters"
aid=$("$BIN" assess new --school "$code" --by 张检查员) || fail "assess new"
run assess set "$aid" D01.01.01 符合 --note "$t4001"
rc_is 1
err_is "schoolrisk: error: item 'D01.01.01': the note is longer than 4000 characters"
printf 'item,value,note\nD01.01.01,符合,%s\n' "$t4001" >long-note.csv
run assess import "$aid" long-note.csv
rc_is 1
printf '%s\n' "long-note.csv:2: item 'D01.01.01': the note is longer than 4000 characters" \
    "schoolrisk: error: the responses in 'long-note.csv' are not valid; nothing was imported" >"$T/exp"
same stderr "$T/exp" "$T/err"
{ head -n 1 reg.csv; sed -n 2p reg.csv | awk -F, -v n="$n201" 'BEGIN { OFS = "," } { $2 = n; print }'; } >long-name.csv
run schools import long-name.csv
rc_is 1
err_line 1 "long-name.csv:2: column '学校名称': the value is longer than 200 characters"
end

begin "a full disk: exit 3, one message, the target as it was, no temporary file"
# On a 64 KiB tmpfs, mounted in a mount namespace of its own so that
# nothing outlives the test (root only).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    mkdir full
    printf 'an old workbook' >old.xlsx
    SCHOOLRISK_CLOCK=2026-10-08T01:30:00Z unshare -m bash -c '
        mount -t tmpfs -o size=64k sr-test-full full || exit 9
        head -c 56000 /dev/zero >full/fill
        cp old.xlsx full/old.xlsx
        "$1" report city --period 2026Q3 -o full/city.xlsx >new.out 2>new.err
        echo $? >new.rc
        "$1" report district 历下区 --period 2026Q3 -o full/old.xlsx >old.out 2>old.err
        echo $? >old.rc
        cp full/old.xlsx old-after.xlsx
        ls -A full >full.ls' _ "$BIN"
    [ "$(cat new.rc)" = 3 ] || fail "exit status $(cat new.rc) for a new file, expected 3"
    [ "$(cat old.rc)" = 3 ] || fail "exit status $(cat old.rc) over an old file, expected 3"
    [ ! -s new.out ] && [ ! -s old.out ] || fail "stdout: $(cat new.out old.out)"
    printf '%s\n' "schoolrisk: error: cannot write 'full/city.xlsx': No space left on device" >"$T/exp"
    same "stderr (a new file)" "$T/exp" new.err
    printf '%s\n' "schoolrisk: error: cannot write 'full/old.xlsx': No space left on device" >"$T/exp"
    same "stderr (over an old file)" "$T/exp" old.err
    cmp -s old.xlsx old-after.xlsx || fail "the old file was changed"
    printf '%s\n' fill old.xlsx >"$T/exp"
    same "the files on the full disk" "$T/exp" full.ls
elif [ "${CI:-}" = true ]; then
    fail "cannot mount a tmpfs in a mount namespace (needs root)"
else
    echo "skip (needs root and mount namespaces): $CASE"
fi
end

finish
