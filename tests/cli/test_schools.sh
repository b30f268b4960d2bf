#!/bin/bash
# End-to-end tests of `schoolrisk schools import|list|show` on a real
# database file: the import template, GB18030 / BOM / CRLF input, every
# bad row reported with its line and nothing written, re-import counts
# (added / updated / unchanged / closed, reopening), --full, the table and
# JSON outputs, and a read-only database or a full disk (exit 4, nothing
# changed).
#
# Run by ctest as:  bash test_schools.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb s)
S=$SCHOOLRISK_DB
export SCHOOLRISK_CLOCK=2026-09-01T08:00:00Z
export SCHOOLRISK_USER=王老师
TPL=$SRC/templates/schools-import.csv
SQL() { sql "$SCHOOLRISK_DB" "$@"; }
# Everything stored about the schools, to compare before and after.
dump() { sql "${1:-$SCHOOLRISK_DB}" "SELECT * FROM schools ORDER BY code"; }
# A read-only file stays writable for root; undo chattr before the scratch
# directory is removed.
trap 'chattr -i "$T"/*.db 2>/dev/null; dropdbs; rm -rf "$T"' EXIT

"$BIN" init --no-indicators >/dev/null || { echo "FAIL cannot create the database"; exit 1; }

HDR=学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点,安全负责人,联系电话
R1=2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否,1860,0,6,118,否,否,王建国,0531-86010001
R2=2137010002,济南市历城区港沟中学,历城区,初中,公办,镇区,是,是,是,是,否,900,300,2,74,否,否,李红梅,0531-88010002
R3=2137010003,济南市章丘区明水幼儿园,章丘区,幼儿园,民办,城区,否,是,是,否,否,240,0,0,41,否,否,,
# The registry format before schema 5: no 教职工数, 校外供餐, 村小教学点.
HDR4=学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话
csv() { # FILE ROW...: a UTF-8 registry file with the Chinese header
    local f=$1; shift
    printf '%s\n' "$HDR" "$@" >"$f"
}

# ------------------------------------------------------------ the template
begin "import: the template (UTF-8 with BOM, CRLF)"
[ "$(head -c 3 "$TPL" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "the template has no BOM"
grep -q $'\r$' "$TPL" || fail "the template does not have CRLF line ends"
run schools import "$TPL"
rc_is 0; err_empty
out_is "imported 2 schools from '$TPL' (UTF-8 with BOM): 2 added, 0 updated, 0 unchanged, 0 closed"
[ "$(SQL "SELECT count(*) FROM schools WHERE updated_at = '2026-09-01T08:00:00Z' AND updated_by = '王老师'")" = 2 ] ||
    fail "updated_at/updated_by not recorded: $(dump)"
end

begin "list: the table"
run schools list
rc_is 0; err_empty
out_is "code        name                                  district  stage         students  attributes
2137010231  济南市历下区燕翔小学                  历下区    小学              1860  公办 城区 食堂 实验室
2137163308  济南市莱芜区茶业口镇中心中学          莱芜区    初中               620  公办 乡村 寄宿 校车 食堂 实验室
2 schools"
end

begin "show: every field"
run schools show 2137163308
rc_is 0; err_empty
out_is "code           2137163308
name           济南市莱芜区茶业口镇中心中学
district       莱芜区 (370116)
stage          初中 (junior)
ownership      公办 (public)
locale         乡村 (rural)
boarding       是 (true)
school_bus     是 (true)
canteen        是 (true)
laboratory     是 (true)
swimming_pool  否 (false)
enrollment     620
boarders       410
special_needs  3
staff          56
population     676 (= 620 + 56)
meal_delivery  否 (false)
village_school 否 (false)
contact        李红梅
phone          0634-6163308
status         在办 (open)
updated        2026-09-01T08:00:00Z by 王老师"
end

begin "show --json: every field, typed"
run schools show 2137010231 --json
rc_is 0; err_empty
"$PY" - "$T/out" <<'EOF' || fail "JSON differs"
import json, sys
got = json.load(open(sys.argv[1], encoding="utf-8"))
want = {"code": "2137010231", "name": "济南市历下区燕翔小学", "district": "370102",
        "district_name": "历下区", "stage": "primary", "stage_label": "小学",
        "ownership": "public", "locale": "urban", "boarding": False,
        "school_bus": False, "canteen": True, "laboratory": True,
        "swimming_pool": False, "enrollment": 1860, "boarders": 0,
        "special_needs": 6, "staff": 118, "population": 1978,
        "meal_delivery": False, "village_school": False,
        "contact": "王建国", "phone": "0531-86010231",
        "closed": False, "updated_at": "2026-09-01T08:00:00Z", "updated_by": "王老师"}
if got != want:
    print(got, file=sys.stderr); sys.exit(1)
EOF
end

begin "show: an unknown code"
run schools show 2137019999
rc_is 1; out_empty
err_is "schoolrisk: error: no school with code '2137019999'"
end

# ------------------------------------------------------------ GB18030
begin "import: GB18030 as Excel saves it, detected; same content is unchanged"
tail -c +4 "$TPL" | iconv -f UTF-8 -t GB18030 >gb.csv
[ "$(head -c 4 gb.csv | od -An -tx1 | tr -d ' ')" = d1a7d0a3 ] || fail "gb.csv does not start with 学校 in GB18030"
run schools import gb.csv
rc_is 0; err_empty
out_is "imported 2 schools from 'gb.csv' (GB18030): 0 added, 0 updated, 2 unchanged, 0 closed"
end

begin "import: GB18030 with a change and a new school"
{ tail -c +4 "$TPL" | sed 's/,1860,/,1900,/'; printf '%s\r\n' "$R3"; } | iconv -f UTF-8 -t GB18030 >gb2.csv
SCHOOLRISK_CLOCK=2026-09-02T08:00:00Z run schools import gb2.csv --by 李主任
rc_is 0; err_empty
out_is "imported 3 schools from 'gb2.csv' (GB18030): 1 added, 1 updated, 1 unchanged, 0 closed"
[ "$(SQL "SELECT name || ' ' || enrollment || ' ' || updated_at || ' ' || updated_by FROM schools WHERE code = '2137010231'")" = \
  "济南市历下区燕翔小学 1900 2026-09-02T08:00:00Z 李主任" ] || fail "the change is not stored: $(dump)"
[ "$(SQL "SELECT updated_by FROM schools WHERE code = '2137163308'")" = 王老师 ] || fail "an unchanged school was rewritten"
[ "$(SQL "SELECT name FROM schools WHERE code = '2137010003'")" = 济南市章丘区明水幼儿园 ] || fail "GB18030 name not converted"
end

begin "import: bytes that cannot be read name their line"
printf '%s\n%s\n12\x81\x30' "$HDR" "$R1" >enc.csv
dump >before
run schools import enc.csv
rc_is 1; out_empty
err_is "enc.csv:3: invalid UTF-8 (byte 364, 0x81) in a file that is otherwise UTF-8; correct that character or save the file again as \"CSV UTF-8\"
schoolrisk: error: 'enc.csv' was not imported; nothing was changed"
printf 'code\r\n\xd1\xa7\xd0\xa3\r\n\x80\r\n' >enc2.csv
run schools import enc2.csv
rc_is 1; out_empty
err_is "enc2.csv:3: the file is neither UTF-8 nor GB18030 (byte 13, 0x80, cannot be read); save it as \"CSV UTF-8\"
schoolrisk: error: 'enc2.csv' was not imported; nothing was changed"
dump >after
same "the schools" before after
end

# ------------------------------------------------------------ bad rows
begin "import: every bad row is reported, nothing is written"
dump >before
cat >bad.csv <<'EOF'
code,name,district,stage,ownership,locale,boarding,school_bus,canteen,laboratory,swimming_pool,enrollment,boarders,special_needs
2137020001,好学校,市中区,小学,公办,城区,否,否,是,是,否,100,0,0
213702000,甲小学,市中区,小学,公办,城区,否,否,是,是,否,100,0,0
2137020002,,历山区,高中,公立,城市,不,否,是,是,否,1.5,x,0
2137020003,丙小学,市中区,小学,公办,城区,否,否,是,是,否,100,5,0
2137020004,丁小学,370103,primary,public,urban,TRUE,false,1,0,no,100,101,0
2137020005,戊小学,市中区,小学,公办,城区,否,否,是,是,否,100,0
2.13702E+09,己小学,市中区,小学,公办,城区,否,否,是,是,否,100,0,0
2137020001,庚小学,市中区,小学,公办,城区,否,否,是,是,否,100,0,0
EOF
run schools import bad.csv
rc_is 1; out_empty
err_is "bad.csv:3: column 'code': '213702000' is not a school code (10 digits)
bad.csv:4: column 'name': the value is empty
bad.csv:4: column 'district': unknown district '历山区'
bad.csv:4: column 'stage': unknown stage '高中' (expected 幼儿园, 小学, 初中, 普通高中, 九年一贯制, 完全中学, 十二年一贯制, 中等职业学校 or 特殊教育学校)
bad.csv:4: column 'ownership': '公立' is not 公办 or 民办 (public or private)
bad.csv:4: column 'locale': '城市' is not 城区, 镇区 or 乡村 (urban, town or rural)
bad.csv:4: column 'boarding': '不' is not 是 or 否 (true or false)
bad.csv:4: column 'enrollment': '1.5' is not a whole number from 0 to 10000000
bad.csv:4: column 'boarders': 'x' is not a whole number from 0 to 10000000
bad.csv:5: column 'boarders': 5 boarders, but column 'boarding' says the school does not board
bad.csv:6: column 'boarders': 101 boarders is more than the 100 students enrolled (column 'enrollment')
bad.csv:7: the row has 13 fields, the header has 14
bad.csv:8: column 'code': '2.13702E+09' is not a school code (10 digits): Excel turned it into a number; format the column as text and save again
bad.csv:9: column 'code': school code '2137020001' is already on line 2
schoolrisk: error: 'bad.csv' was not imported: 7 bad rows; nothing was changed"
dump >after
same "the schools" before after
end

begin "import: an unknown, a repeated and a missing column"
printf '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,备注,name\r\n' >hdr.csv
run schools import hdr.csv
rc_is 1; out_empty
err_is "hdr.csv:1: column '备注': unknown column (known: 学校标识码, 学校名称, 区县, 学段, 办学性质, 城乡, 寄宿, 校车, 食堂, 实验室, 游泳池, 在校生数, 住宿生数, 特殊需要学生数, 教职工数, 校外供餐, 村小教学点, 安全负责人, 联系电话, or their English names)
hdr.csv:1: column 'name': repeats column '学校名称'
hdr.csv:1: required column '特殊需要学生数' (special_needs) is missing
schoolrisk: error: 'hdr.csv' was not imported; nothing was changed"
end

begin "import: a file that cannot be read"
run schools import nosuch.csv
rc_is 1; out_empty
err_is "nosuch.csv: cannot read the file: No such file or directory
schoolrisk: error: 'nosuch.csv' was not imported; nothing was changed"
end

# ------------------------------------------------------------ re-import
begin "re-import: changed, unchanged, added"
csv re1.csv "$R1" "$R2"
run schools import re1.csv
rc_is 0
out_is "imported 2 schools from 're1.csv' (UTF-8): 2 added, 0 updated, 0 unchanged, 0 closed"
csv re2.csv "${R1/,1860,/,1870,}" "$R2" "$R3"
run schools import re2.csv
rc_is 0
out_is "imported 3 schools from 're2.csv' (UTF-8): 0 added, 1 updated, 2 unchanged, 0 closed"
[ "$(SQL 'SELECT count(*) FROM schools')" = 5 ] || fail "expected 5 schools: $(dump)"
end

begin "re-import --full: missing schools of the file's districts are closed, never deleted"
# The file covers 历下区 and 章丘区: 2137010231 (历下区) is missing and
# closed; 历城区's and 莱芜区's schools are outside it and left open.
csv full.csv "$R1" "$R3"
SCHOOLRISK_CLOCK=2026-09-03T08:00:00Z run schools import full.csv --full --by 区教体局
rc_is 0; err_empty
out_is "imported 2 schools from 'full.csv' (UTF-8): 0 added, 1 updated, 1 unchanged, 1 closed"
[ "$(SQL 'SELECT count(*) FROM schools')" = 5 ] || fail "a school was deleted"
[ "$(SQL "SELECT group_concat(code, ' ') FROM (SELECT code FROM schools WHERE closed = 1 ORDER BY code) AS s")" = "2137010231" ] ||
    fail "closed: $(SQL 'SELECT code, closed FROM schools')"
[ "$(SQL "SELECT updated_at || ' ' || updated_by FROM schools WHERE code = '2137010231'")" = "2026-09-03T08:00:00Z 区教体局" ] ||
    fail "closing did not record who and when"
end

begin "list: closed schools only with --all, marked"
run schools list
rc_is 0
out_is "code        name                                  district  stage         students  attributes
2137010001  济南市历下区燕翔小学                  历下区    小学              1860  公办 城区 食堂 实验室
2137010002  济南市历城区港沟中学                  历城区    初中               900  公办 镇区 寄宿 校车 食堂 实验室
2137010003  济南市章丘区明水幼儿园                章丘区    幼儿园             240  民办 城区 校车 食堂
2137163308  济南市莱芜区茶业口镇中心中学          莱芜区    初中               620  公办 乡村 寄宿 校车 食堂 实验室
4 schools"
run schools list --all
rc_is 0
out_is "code        name                                  district  stage         students  attributes
2137010001  济南市历下区燕翔小学                  历下区    小学              1860  公办 城区 食堂 实验室
2137010231  济南市历下区燕翔小学                  历下区    小学              1900  公办 城区 食堂 实验室  [已关闭]
2137010002  济南市历城区港沟中学                  历城区    初中               900  公办 镇区 寄宿 校车 食堂 实验室
2137010003  济南市章丘区明水幼儿园                章丘区    幼儿园             240  民办 城区 校车 食堂
2137163308  济南市莱芜区茶业口镇中心中学          莱芜区    初中               620  公办 乡村 寄宿 校车 食堂 实验室
5 schools, 1 closed"
run schools show 2137010231
rc_is 0
out_has "status         已关闭 (closed)"
end

begin "re-import: a closed school listed again is reopened (updated)"
csv reopen.csv "2137010231,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否,1900,0,6,118,否,否,,"
run schools import reopen.csv
rc_is 0
out_is "imported 1 school from 'reopen.csv' (UTF-8): 0 added, 1 updated, 0 unchanged, 0 closed"
[ "$(SQL "SELECT closed FROM schools WHERE code = '2137010231'")" = 0 ] || fail "not reopened"
end

# ------------------------------------------------------------ schema 5 columns
# On a database of their own, so that the counts of the cases below stay.
export SCHOOLRISK_DB=$(newdb s5)
"$BIN" init --no-indicators >/dev/null || fail "cannot create s5.db"
csv r1.csv "$R1"
"$BIN" schools import r1.csv >/dev/null || fail "cannot import r1.csv"

begin "import: an older file without 教职工数, 校外供餐, 村小教学点 imports and says what it assumed"
# A district office's file in the earlier template: its registered school
# keeps the staff count stored (118), the new school gets 0 / 否.
printf '%s\n' "$HDR4" \
    "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否,1880,0,6,王建国,0531-86010001" \
    "2137010011,济南市历下区新建小学,历下区,小学,公办,城区,否,否,是,是,否,300,0,0,," >old.csv
run schools import old.csv
rc_is 0
out_is "imported 2 schools from 'old.csv' (UTF-8): 1 added, 1 updated, 0 unchanged, 0 closed"
err_is "schoolrisk: warning: columns not in the file: 教职工数 (staff), 校外供餐 (meal_delivery), 村小教学点 (village_school); new schools were given 0 or 否 (false), registered schools kept their stored values"
[ "$(SQL "SELECT code || ' ' || enrollment || ' ' || staff || ' ' || meal_delivery || ' ' || village_school FROM schools WHERE code IN ('2137010001', '2137010011') ORDER BY code")" = \
  "2137010001 1880 118 0 0
2137010011 300 0 0 0" ] || fail "stored: $(dump)"
# The same file again changes nothing: the kept values are the stored ones.
run schools import old.csv
rc_is 0
out_is "imported 2 schools from 'old.csv' (UTF-8): 0 added, 0 updated, 2 unchanged, 0 closed"
err_has "schoolrisk: warning: columns not in the file: 教职工数 (staff), 校外供餐 (meal_delivery), 村小教学点 (village_school); new schools were given 0 or 否 (false), registered schools kept their stored values"
end

begin "import: one assumed column left out is named alone; English headers"
printf '%s\n' "code,name,district,stage,ownership,locale,boarding,school_bus,canteen,laboratory,swimming_pool,enrollment,boarders,special_needs,staff,VILLAGE_SCHOOL" \
    "2137010011,济南市历下区新建小学,历下区,小学,公办,城区,否,否,否,否,否,300,0,0,24,false" >en.csv
run schools import en.csv
rc_is 0
out_is "imported 1 school from 'en.csv' (UTF-8): 0 added, 1 updated, 0 unchanged, 0 closed"
err_is "schoolrisk: warning: columns not in the file: 校外供餐 (meal_delivery); new schools were given 0 or 否 (false), registered schools kept their stored values"
[ "$(SQL "SELECT staff || ' ' || canteen FROM schools WHERE code = '2137010011'")" = "24 0" ] || fail "stored: $(dump)"
end

begin "import: a village school with catered meals; show and list in Chinese"
csv village.csv "2137010012,济南市历下区龙洞村小学,历下区,小学,公办,乡村,否,否,否,否,否,86,0,0,7,是,是,,"
run schools import village.csv
rc_is 0; err_empty
out_is "imported 1 school from 'village.csv' (UTF-8): 1 added, 0 updated, 0 unchanged, 0 closed"
run schools show 2137010012
rc_is 0; err_empty
out_has "staff          7"
out_has "population     93 (= 86 + 7)"
out_has "meal_delivery  是 (true)"
out_has "village_school 是 (true)"
run schools list --district 历下区
rc_is 0
out_has "2137010012  济南市历下区龙洞村小学                历下区    小学                86  公办 乡村 校外供餐 村小/教学点"
end

begin "import: 师生员工数 is derived, never a column; bad staff and flag values name their column"
printf '%s\n' "$HDR,师生员工数" "$R1,1978" >pop.csv
dump >before
run schools import pop.csv
rc_is 1; out_empty
err_is "pop.csv:1: column '师生员工数': 师生员工数 (population) is not imported, it is derived as 在校生数 + 教职工数 (enrollment + staff); remove the column and give 教职工数
schoolrisk: error: 'pop.csv' was not imported; nothing was changed"
csv badnew.csv "2137010013,甲小学,历下区,小学,公办,城区,否,否,是,是,否,100,0,0,十二,否,否,," \
    "2137010014,乙小学,历下区,小学,公办,城区,否,否,是,是,否,100,0,0,,有时,不,,"
run schools import badnew.csv
rc_is 1; out_empty
err_is "badnew.csv:2: column '教职工数': '十二' is not a whole number from 0 to 10000000
badnew.csv:3: column '教职工数': the value is empty
badnew.csv:3: column '校外供餐': '有时' is not 是 or 否 (true or false)
badnew.csv:3: column '村小教学点': '不' is not 是 or 否 (true or false)
schoolrisk: error: 'badnew.csv' was not imported: 2 bad rows; nothing was changed"
dump >after
same "the schools" before after
end
export SCHOOLRISK_DB=$S

begin "import --full of a file without schools is refused"
csv empty.csv
dump >before
run schools import empty.csv --full
rc_is 1; out_empty
err_is "empty.csv: the file lists no school; a full import of it would close every school
schoolrisk: error: 'empty.csv' was not imported; nothing was changed"
dump >after
same "the schools" before after
end

# ------------------------------------------------------------ list filters
begin "list --district by name or code, --stage in Chinese or English"
run schools list --district 历下区 --all
rc_is 0
[ "$(grep -c '^2137' "$T/out")" = 2 ] || fail "历下区 has not 2 schools"
run schools list --district 370112
rc_is 0
[ "$(cut -c1-10 "$T/out" | sed -n 2p)" = 2137010002 ] || fail "370112 does not list 2137010002"
out_has "1 school"
run schools list --stage 幼儿园
rc_is 0
out_lines 3
out_has "1 school"
run schools list --stage kindergarten --district 章丘区
rc_is 0
out_lines 3
run schools list --stage 普通高中
rc_is 0
out_is "no schools"
end

begin "list: an unknown district or stage"
run schools list --district 历山区
rc_is 1; out_empty
err_is "schoolrisk: error: no district '历山区'"
run schools list --stage 高中
rc_is 1; out_empty
err_is "schoolrisk: error: unknown stage '高中' (expected 幼儿园, 小学, 初中, 普通高中, 九年一贯制, 完全中学, 十二年一贯制, 中等职业学校, 特殊教育学校, or kindergarten, primary, junior, senior, nine-year, complete-secondary, twelve-year, vocational, special)"
end

begin "list --json: an array in list order, closed ones with --all"
run schools list --json --all
rc_is 0; err_empty
"$PY" - "$T/out" <<'EOF' || fail "JSON differs"
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
codes = [s["code"] for s in a]
assert codes == ["2137010001", "2137010231", "2137010002", "2137010003", "2137163308"], codes
assert [s["closed"] for s in a] == [False] * 5
k = a[3]
assert k["stage"] == "kindergarten" and k["stage_label"] == "幼儿园", k
assert k["ownership"] == "private" and k["school_bus"] is True and k["enrollment"] == 240, k
assert k["contact"] is None and k["phone"] is None, k
EOF
run schools list --json --district 莱芜区 --stage 小学
rc_is 0
[ "$(tr -d ' \t\n' <"$T/out")" = "[]" ] || fail "expected an empty array: $(cat "$T/out")"
end

# ------------------------------------------------------------ failures
# SQLite only: a read-only SQLite file (made with the sqlite3 shell's .backup).
if sqlite_case "a read-only database file: exit 4, nothing changed"; then
sql "$SCHOOLRISK_DB" ".backup ro.db"
dump ro.db >before
chmod a-w ro.db
# root ignores the mode; the immutable flag holds for root too.
[ -w ro.db ] && chattr +i ro.db 2>/dev/null
if [ -w ro.db ]; then
    ro="file:ro.db?mode=ro" # no chattr here: read-only through SQLite
else
    ro=ro.db
fi
csv ro.csv "$R1" "$R2" "$R3" "2137010009,新学校,平阴县,小学,公办,乡村,否,否,是,否,否,50,0,0,6,否,是,,"
run schools import ro.csv --db "$ro"
rc_is 4; out_empty
grep -q "^schoolrisk: error: .*attempt to write a readonly database" "$T/err" || fail "stderr: $(cat "$T/err")"
chattr -i ro.db 2>/dev/null
dump ro.db >after
same "the schools" before after
# Reading works on a read-only file.
chmod a-w ro.db
run schools list --db ro.db
rc_is 0
out_has "5 schools"
end
fi

# SQLite only: a full disk under SQLite's file.
if sqlite_case "a full disk in the middle of the import: exit 4, nothing changed"; then
"$PY" - big.csv "$HDR" <<'EOF'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(sys.argv[2] + "\n")
    for i in range(1, 5001):
        f.write("37%08d,济南市平阴县第%d小学,平阴县,小学,公办,乡村,否,否,是,是,否,300,0,0,22,否,否,张老师,0531-87000000\n" % (i, i))
EOF
dump >before
(trap '' XFSZ; ulimit -f 400; "$BIN" schools import big.csv >"$T/out" 2>"$T/err"; echo $? >"$T/rc")
RC=$(cat "$T/rc")
rc_is 4; out_empty
grep -q "^schoolrisk: error: .*\(disk I/O error\|database or disk is full\)" "$T/err" || fail "stderr: $(cat "$T/err")"
dump >after
same "the schools" before after
[ "$(SQL 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed"
run schools import big.csv
rc_is 0
out_is "imported 5000 schools from 'big.csv' (UTF-8): 5000 added, 0 updated, 0 unchanged, 0 closed"
end
fi

# ------------------------------------------------------------ usage
begin "usage errors exit 2"
run schools
rc_is 2
run schools import
rc_is 2
err_line 1 "schoolrisk: error: no file to import"
run schools import a.csv b.csv
rc_is 2
err_line 1 "schoolrisk: error: give one file to import"
run schools import a.csv --fulll
rc_is 2
err_line 1 "schoolrisk: error: unknown option '--fulll'"
run schools show
rc_is 2
run schools list extra
rc_is 2
run schools frobnicate
rc_is 2
err_line 1 "schoolrisk: error: unknown schools command 'frobnicate'"
run schools import --help
rc_is 0
grep -q "^usage: schoolrisk schools import FILE.csv \[--full\]" "$T/out" || fail "no usage on stdout"
end

finish
