#!/bin/bash
# End-to-end tests of `schoolrisk checklist`.
#
# Run by ctest as:  bash test_checklist.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
#
# Which items of tests/fixtures/mini.xml apply, worked out by hand:
#   D1.* (6 items, 45 points) and D2.1.* (2 items, 15 points) always apply;
#   D2.2.1 (10) only when boarding=true, D2.2.2 (5) only when school_bus=true,
#   D3.* (2 items, 10 points, condition on the dimension) only when canteen=true.
#   mini-a.school (day school, canteen)          -> 10 items, 70 points
#   mini-b.school (boarding, canteen, no bus)    -> 11 items, 80 points
#   mini-c.school (school bus, no canteen)       ->  9 items, 65 points
#   --attr stage=primary only                    ->  8 items, 60 points
#   --attr stage=primary boarding school_bus     -> 10 items, 75 points
. "$(dirname "$0")/lib.sh"

ids_are() { # expected ids, space separated
    printf '%s\n' $1 >"$T/ids.exp"
    csv_col "$T/out" item_id >"$T/ids.got"
    same "item ids" "$T/ids.exp" "$T/ids.got"
}

# ------------------------------------------------------------ the list
begin "--school, table: the items of mini.xml for a day school with a canteen"
run checklist --system "$MINI" --school "$FX/mini-a.school"
rc_is 0; err_empty
[ "$(sed -n 1p "$T/out")" = "mini 1.0  示例小学安全风险评估指标体系" ] || fail "first line is '$(sed -n 1p "$T/out")'"
sed -n '/^D1 /,$p' "$T/out" >"$T/got"
same "checklist tree" "$EXP/checklist-mini-a-body.tree" "$T/got"
end

begin "--school, table: the heading counts only the items that apply (70 points in 10 items)"
out_has "70 points in 10 items that apply to this school"
end

begin "--school, csv: 10 applicable items for mini-a (no boarding, no bus)"
run checklist --system "$MINI" --school "$FX/mini-a.school" --format csv
rc_is 0; err_empty; out_lines 11
[ "$(head -n 1 "$T/out")" = "$HDR" ] || fail "header is '$(head -n 1 "$T/out")'"
ids_are "D1.1.1 D1.1.2 D1.2.1 D1.2.2 D1.2.3 D1.2.4 D2.1.1 D2.1.2 D3.1.1 D3.1.2"
grep -Fxq "$(grep '^D3,D3.1,D3.1.2,' "$EXP/show-mini.csv")" "$T/out" || fail "the D3.1.2 row differs from 'indicators show'"
end

begin "--school, csv: 11 items for mini-b (boarding written 是, canteen written yes)"
run checklist --system "$MINI" --school "$FX/mini-b.school" --format csv
rc_is 0; err_empty; out_lines 12
ids_are "D1.1.1 D1.1.2 D1.2.1 D1.2.2 D1.2.3 D1.2.4 D2.1.1 D2.1.2 D2.2.1 D3.1.1 D3.1.2"
end

begin "--school, csv: 9 items for mini-c (school bus, no canteen: D3 left out by its dimension condition)"
run checklist --system "$MINI" --school "$FX/mini-c.school" --format csv
rc_is 0; err_empty; out_lines 10
ids_are "D1.1.1 D1.1.2 D1.2.1 D1.2.2 D1.2.3 D1.2.4 D2.1.1 D2.1.2 D2.2.2"
out_has 'D2,D2.2,D2.2.2,校车配备随车照管人员,5,check,pass:1|fail:0|na,true,false,general,,school_bus=true'
end

begin "--attr stage=primary: 8 items (flags default to false)"
run checklist --system "$MINI" --attr stage=primary --format csv
rc_is 0; err_empty; out_lines 9
ids_are "D1.1.1 D1.1.2 D1.2.1 D1.2.2 D1.2.3 D1.2.4 D2.1.1 D2.1.2"
end

begin "--attr with boarding and school_bus: 10 items"
run checklist --system "$MINI" --attr stage=primary --attr boarding=true --attr school_bus=true --format csv
rc_is 0; err_empty; out_lines 11
ids_are "D1.1.1 D1.1.2 D1.2.1 D1.2.2 D1.2.3 D1.2.4 D2.1.1 D2.1.2 D2.2.1 D2.2.2"
end

begin "--attr, table: 75 points in 10 items, D3 not shown"
run checklist --system "$MINI" --attr stage=primary --attr boarding=true --attr school_bus=true
rc_is 0; err_empty
n=$(grep -c '^    D[0-9]\.[0-9]\.[0-9] ' "$T/out")
[ "$n" -eq 10 ] || fail "$n item lines, expected 10"
grep -q '^D3 ' "$T/out" && fail "dimension D3 is shown although canteen=false"
out_has "D2 消防与应急  [30]"
grep -q '^75 points in ' "$T/out" || fail "no line '75 points in ...'"
end

begin "--attr, table: the heading counts the 10 items that apply, not the 12 of the system"
out_has "75 points in 10 items that apply to this school"
end

for sch in mini-b:80:11 mini-c:65:9; do
    set -- ${sch//:/ }
    begin "--school $1.school, table: heading '$2 points in $3 items that apply to this school'"
    run checklist --system "$MINI" --school "$FX/$1.school"
    rc_is 0; err_empty
    out_has "$2 points in $3 items that apply to this school"
    end
done

# A copy of mini.xml in which D1 and D2.1 apply only with a canteen: a
# boarding school without one gets the single item D2.2.1 (10 points).
sed -e 's|<dimension id="D1" title="人防物防技防">|&\n    <when attr="canteen" eq="true"/>|' \
    -e 's|<indicator id="D2.1" title="消防设施">|&\n      <when attr="canteen" eq="true"/>|' "$MINI" >one-item.xml
begin "table: a heading with one applicable item says '1 item'"
run checklist --system one-item.xml --attr stage=primary --attr boarding=true
rc_is 0; err_empty
out_has "10 points in 1 item that applies to this school"
n=$(grep -c '^    D[0-9]\.[0-9]\.[0-9] ' "$T/out")
[ "$n" -eq 1 ] || fail "$n item lines, expected 1"
end

begin "--system by id with --dir"
SCHOOLRISK_INDICATORS=$T/nowhere run checklist --system primary --dir "$IND" --school "$IND/examples/primary-1.school" --format csv
rc_is 0; err_empty
"$PY" "$CHECK" "$IND/primary.xml" "$IND/examples/primary-1.school" --applicable >"$T/ids.exp"
csv_col "$T/out" item_id >"$T/ids.got"
same "item ids" "$T/ids.exp" "$T/ids.got"
end

# Every shipped example school: the csv rows are exactly the items whose
# conditions hold, as worked out by the independent checker.
for sch in "$IND"/examples/*.school; do
    name=$(basename "$sch" .school)
    sys=${name%-*}
    begin "--school examples/$name.school: rows = applicable items of $sys (independent check)"
    run checklist --system "$sys" --school "$sch" --format csv
    rc_is 0; err_empty
    "$PY" "$CHECK" "$IND/$sys.xml" "$sch" --applicable >"$T/ids.exp"
    csv_col "$T/out" item_id >"$T/ids.got"
    same "item ids" "$T/ids.exp" "$T/ids.got"
    out_lines $(($(wc -l <"$T/ids.exp") + 1))
    end
done

# ------------------------------------------------------------ errors
begin "stage not covered by the system (--attr): exit 1, one-line message"
run checklist --system "$MINI" --attr stage=junior
rc_is 1; out_empty
err_is "schoolrisk: error: indicator system 'mini' is not written for stage 'junior' (it covers: primary)"
end

begin "stage not covered by the system (--school, system with two stages)"
run checklist --system junior --school "$IND/examples/senior-1.school"
rc_is 1; out_empty
err_is "schoolrisk: error: indicator system 'junior' is not written for stage 'senior' (it covers: junior, nine-year)"
end

begin "unknown school attribute in --attr"
run checklist --system "$MINI" --attr stage=primary --attr colour=red
rc_is 1; out_empty
err_is "--attr: unknown school attribute 'colour' (known: stage, ownership, locale, boarding, school_bus, canteen, laboratory, swimming_pool, enrollment, boarders, special_needs, staff, population, meal_delivery, village_school)"
end

begin "bad flag value in --attr"
run checklist --system "$MINI" --attr stage=primary --attr boarding=maybe
rc_is 1; out_empty
err_is "--attr: bad value 'maybe' for school attribute 'boarding' (expected true|false or 是|否)"
end

begin "bad count value in --attr"
run checklist --system "$MINI" --attr stage=primary --attr enrollment=-3
rc_is 1; out_empty
err_is "--attr: bad value '-3' for school attribute 'enrollment' (expected a whole number 0..10000000)"
end

begin "bad stage value in --attr"
run checklist --system "$MINI" --attr stage=college
rc_is 1; out_empty
err_is "--attr: bad value 'college' for school attribute 'stage' (expected kindergarten|primary|junior|senior|nine-year|complete-secondary|twelve-year|vocational|special or 幼儿园|小学|初中|普通高中|九年一贯制|完全中学|十二年一贯制|中等职业学校|特殊教育学校)"
end

begin "--attr takes the values as the registry writes them (小学, 公办, 乡村, 是)"
run checklist --system "$MINI" --attr stage=primary --attr ownership=public --attr locale=rural --attr boarding=true --format csv
cp "$T/out" en.csv
run checklist --system "$MINI" --attr stage=小学 --attr ownership=公办 --attr locale=乡村 --attr boarding=是 --format csv
rc_is 0; err_empty
same stdout en.csv "$T/out"
end

begin "--attr without a stage"
run checklist --system "$MINI" --attr boarding=true
rc_is 1; out_empty
err_is "schoolrisk: error: the school's stage is not given (add --attr stage=primary, for example)"
end

begin "the same attribute twice in --attr is refused, as in a school file"
run checklist --system "$MINI" --attr stage=primary --attr boarding=true --attr boarding=false --format csv
rc_is 1; out_empty
err_is "schoolrisk: error: --attr boarding is given twice"
end

begin "the same attribute twice in --attr is refused even with the same value"
run checklist --system "$MINI" --attr stage=primary --attr stage=primary
rc_is 1; out_empty
err_is "schoolrisk: error: --attr stage is given twice"
end

begin "--attr without '=' is a usage error"
run checklist --system "$MINI" --attr boarding
rc_is 2; out_empty
err_is "schoolrisk: error: --attr expects KEY=VALUE, got 'boarding'"
end

begin "school file errors: every bad line as FILE:LINE"
cp "$FX/bad.school" "$T/"
run checklist --system "$MINI" --school bad.school
rc_is 1; out_empty
err_is "bad.school:3: unknown school attribute 'colour' (known: stage, ownership, locale, boarding, school_bus, canteen, laboratory, swimming_pool, enrollment, boarders, special_needs, staff, population, meal_delivery, village_school)
bad.school:4: bad value 'maybe' for school attribute 'boarding' (expected true|false or 是|否)
bad.school:5: bad value '1,200' for school attribute 'enrollment' (expected a whole number 0..10000000)
bad.school:6: bad value '城市' for school attribute 'locale' (expected urban|town|rural or 城区|镇区|乡村)
bad.school:7: expected 'key = value', got 'swimming_pool'"
end

begin "school file without a stage"
cp "$FX/nostage.school" "$T/"
run checklist --system "$MINI" --school nostage.school
rc_is 1; out_empty
err_is "nostage.school: school file does not give the stage (add a line 'stage = primary', for example)"
end

begin "school file given twice the same key"
printf 'stage = primary\nenrollment = 100\nenrollment = 200\n' >twice.school
run checklist --system "$MINI" --school twice.school
rc_is 1; out_empty
err_is "twice.school:3: school attribute 'enrollment' is given twice"
end

begin "missing school file"
run checklist --system "$MINI" --school no-such.school
rc_is 1; out_empty
err_is "schoolrisk: error: cannot read school file 'no-such.school': No such file or directory"
end

begin "both --school and --attr is a usage error"
run checklist --system "$MINI" --school "$FX/mini-a.school" --attr stage=primary
rc_is 2; out_empty
err_is "schoolrisk: error: give the school either with --school FILE or with --attr KEY=VALUE, not both"
end

begin "neither --school nor --attr is a usage error"
run checklist --system "$MINI"
rc_is 2; out_empty
err_is "schoolrisk: error: no school given: use --school-code CODE with --db, --school FILE or --attr KEY=VALUE (at least --attr stage=...)"
end

begin "no --system is a usage error"
run checklist --attr stage=primary
rc_is 2; out_empty
err_line 1 "schoolrisk: error: --system is required"
err_line 2 "usage: schoolrisk checklist --school-code CODE --db PATH"
end

begin "--format bogus is a usage error"
run checklist --system "$MINI" --attr stage=primary --format bogus
rc_is 2; out_empty
err_is "schoolrisk: error: --format takes table or csv, not 'bogus'"
end

begin "an unknown system id"
run checklist --system nosuch --attr stage=primary
rc_is 1; out_empty
err_line 1 "schoolrisk: error: no indicator system with id 'nosuch' in '$IND'"
end

begin "a stray argument is a usage error"
run checklist --system "$MINI" --attr stage=primary extra
rc_is 2; out_empty
err_line 1 "usage: schoolrisk checklist --school-code CODE --db PATH"
end

# ------------------------------------------------------------ --school-code
# A registry of two schools: 3701029901 as mini-a.school (day school with
# a canteen), 3701029902 boarding, with a school bus and no canteen.
R=$(newdb r)
"$BIN" init --db "$R" --no-indicators >/dev/null
printf '%s\n' '学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,特殊需要学生数' \
    '3701029901,测试用走读小学,历下区,小学,公办,城区,否,否,是,否,否,1500,0,0' \
    '3701029902,测试用寄宿小学,历下区,小学,公办,乡村,是,是,否,否,否,300,200,0' >reg.csv
"$BIN" schools import reg.csv --db "$R" >/dev/null

begin "--school-code with --db: the registry school's items, as from its school file"
run checklist --system "$MINI" --school-code 3701029901 --db "$R" --format csv
rc_is 0; err_empty
"$BIN" checklist --system "$MINI" --school "$FX/mini-a.school" --format csv >"$T/file.csv"
same "checklist of the registry school" "$T/file.csv" "$T/out"
end

begin "--school-code: the stage and attributes come from the registry (boarding, bus, no canteen)"
run checklist --system "$MINI" --school-code 3701029902 --db "$R" --format csv
rc_is 0; err_empty
ids_are "D1.1.1 D1.1.2 D1.2.1 D1.2.2 D1.2.3 D1.2.4 D2.1.1 D2.1.2 D2.2.1 D2.2.2"
end

begin "--school-code: the database may come from \$SCHOOLRISK_DB"
SCHOOLRISK_DB=$R "$BIN" checklist --system "$MINI" --school-code 3701029902 --format csv >"$T/out" 2>"$T/err"
RC=$?
rc_is 0; err_empty; out_lines 11
end

begin "--school-code: an unknown code is invalid input naming the code (exit 1)"
run checklist --system "$MINI" --school-code 3701029999 --db "$R"
rc_is 1; out_empty
err_is "schoolrisk: error: no school with code '3701029999' in the registry of '$R' ('schoolrisk schools list' lists them)"
end

begin "--school-code without --db (or \$SCHOOLRISK_DB) is a usage error"
SCHOOLRISK_DB= "$BIN" checklist --system "$MINI" --school-code 3701029901 >"$T/out" 2>"$T/err"
RC=$?
rc_is 2; out_empty
err_is "schoolrisk: error: --school-code needs --db PATH (or \$SCHOOLRISK_DB): the registry is in the database"
end

begin "--school-code with hand-typed attributes is refused (exit 2)"
run checklist --system "$MINI" --school-code 3701029901 --db "$R" --attr canteen=false
rc_is 2; out_empty
err_is "schoolrisk: error: give the school either with --school-code CODE (from the registry) or with --school FILE / --attr KEY=VALUE, not both"
run checklist --system "$MINI" --school-code 3701029901 --db "$R" --school "$FX/mini-a.school"
rc_is 2
end

begin "--db without --school-code is a usage error"
run checklist --system "$MINI" --attr stage=primary --db "$R"
rc_is 2; out_empty
err_is "schoolrisk: error: --db is only used with --school-code CODE"
end

begin "--school-code on a missing database is a database error (exit 4)"
run checklist --system "$MINI" --school-code 3701029901 --db none.db
rc_is 4; out_empty
err_is "schoolrisk: error: cannot open database 'none.db': unable to open database file (run 'schoolrisk init' to create it)"
end

begin "--school-code without --system: the current system of the school's stage in the database"
SD=$(newdb s)
"$BIN" init --db "$SD" >/dev/null
"$BIN" schools import reg.csv --db "$SD" >/dev/null
run checklist --school-code 3701029902 --db "$SD" --format csv
rc_is 0; err_empty
"$BIN" checklist --system primary --school-code 3701029902 --db "$SD" --format csv >"$T/primary.csv"
same "checklist on the stage's current system" "$T/primary.csv" "$T/out"
end

begin "--school-code without --system, no system in the database for its stage (exit 1)"
run checklist --school-code 3701029901 --db "$R"
rc_is 1; out_empty
err_is "schoolrisk: error: no indicator system in '$R' covers 小学, the stage of school 3701029901; give one with --system"
run checklist --school-code 3701029999 --db "$SD"
rc_is 1; out_empty
err_is "schoolrisk: error: no school with code '3701029999' in the registry of '$SD' ('schoolrisk schools list' lists them)"
end

begin "--school-code: a system not written for the registry school's stage"
run checklist --system junior --school-code 3701029901 --db "$R"
rc_is 1; out_empty
err_is "schoolrisk: error: indicator system 'junior' is not written for stage 'primary' (it covers: junior, nine-year)"
end

finish
