#!/bin/bash
# A new version of a shipped system never rescores the assessments made
# under the old one (issue 11: kindergarten, special and vocational went
# from 2026.1, format 1, to 2026.2, format 2).  A database initialised
# with the 2026.1 kindergarten system (kept in tests/fixtures/fmt1/systems/)
# holds a submitted assessment and a draft of the sample kindergarten 2;
# loading the shipped 2026.2 makes it the current system for new
# assessments, and the old submitted one keeps its figures and the draft
# keeps scoring against 2026.1 to its submission.
#
# Run by ctest as:  bash test_system_versions.sh /path/to/schoolrisk /path/to/source-tree
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb v)
export SCHOOLRISK_CLOCK=2026-09-15T02:00:00Z
export SCHOOLRISK_USER=管理员
OLD=$SRC/tests/fixtures/fmt1
SQL() { sql "$SCHOOLRISK_DB" "$@"; }

# The systems of before issue 11: the shipped ones, kindergarten 2026.1.
mkdir old
cp "$IND"/*.xml old/
cp "$OLD/systems/kindergarten.xml" old/
export SCHOOLRISK_INDICATORS=$T/old

# The sample kindergarten 2 (private, town, boarding, school bus, canteen;
# 420 children) in the registry.
"$PY" - reg.csv <<'PYEOF'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
            "游泳池,在校生数,住宿生数,特殊需要学生数\n")
    f.write("3701260001,济南市商河县示例镇民办幼儿园,商河县,幼儿园,民办,镇区,是,是,是,"
            "否,否,420,24,2\n")
PYEOF

begin "under 2026.1: an assessment submitted with the figures of that version"
run init
rc_is 0
run schools import reg.csv
rc_is 0
run assess new --school 3701260001 --date 2026-09-01 --by 张检查员
rc_is 0; out_is 1
run assess import 1 "$OLD/examples/kindergarten-2.csv"
rc_is 0
run assess submit 1 --by 区教体局
rc_is 0
# 91.32 is the total of the 2026.1 sample (format-1 fixture score-kindergarten-2.json)
out_is "submitted assessment 1: 91.32 重大风险, 达标 否, 一票否决; hazards: 13 new, 0 linked to open ones"
run assess show 1
rc_is 0
cp "$T/out" show1-before.txt
out_has "total      91.32  重大风险 (红色)"
run assess new --school 3701260001 --date 2026-09-08 --by 张检查员
rc_is 0; out_is 2
run assess import 2 "$OLD/examples/kindergarten-2.csv"
rc_is 0
run assess show 2 --json
rc_is 0
cp "$T/out" show2-before.json
[ "$(SQL 'SELECT group_concat(system_version) FROM (SELECT system_version FROM assessments ORDER BY id) AS a')" = "2026.1,2026.1" ] ||
    fail "versions: $(SQL 'SELECT id, system_version FROM assessments')"
end

begin "loading 2026.2 makes it current for new assessments only"
run indicators load "$IND/kindergarten.xml"
rc_is 0
run assess new --school 3701260001 --by 张检查员
rc_is 0; out_is 3
[ "$(SQL "SELECT system_id || ' ' || system_version FROM assessments WHERE id = 3")" = "kindergarten 2026.2" ] ||
    fail "assessment 3 is on $(SQL 'SELECT system_version FROM assessments WHERE id = 3')"
# D01.02.01 (the 2026.1 safety-rule item) is retired in 2026.2 (a group
# took its place): unknown to the new assessment.
run assess set 3 D01.02.01 符合
rc_is 1
err_line 1 "answer: unknown item 'D01.02.01' (not in system 'kindergarten' version 2026.2)"
err_line 2 "schoolrisk: error: the answer is not valid"
end

begin "the assessment submitted under 2026.1 keeps its figures"
run assess show 1
rc_is 0
same "assess show 1" show1-before.txt "$T/out"
[ "$(SQL 'SELECT total, vetoed FROM assessments WHERE id = 1')" = "9132|1" ] ||
    fail "stored row: $(SQL 'SELECT total, vetoed FROM assessments WHERE id = 1')"
end

begin "the draft begun under 2026.1 still scores and submits against 2026.1"
run assess show 2 --json
rc_is 0
same "assess show 2 --json" show2-before.json "$T/out"
# D01.02.01 exists in 2026.1 only: the draft still takes it
run assess set 2 D01.02.01 基本符合 --by 张检查员
rc_is 0
run assess set 2 D01.02.01 符合 --by 张检查员
rc_is 0
run assess submit 2 --by 区教体局
rc_is 0
out_is "submitted assessment 2: 91.32 重大风险, 达标 否, 一票否决; hazards: 0 new, 13 linked to open ones"
[ "$(SQL 'SELECT system_version, total FROM assessments WHERE id = 2')" = "2026.1|9132" ] ||
    fail "stored row: $(SQL 'SELECT system_version, total FROM assessments WHERE id = 2')"
end

finish
