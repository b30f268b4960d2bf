#!/bin/bash
# End-to-end tests of `schoolrisk indicators validate|list|show`.
#
# Run by ctest as:  bash test_indicators.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.  Expected figures (counts of dimensions, items, veto
# items, stages) are computed from the XML with grep, independently of the
# binary.
. "$(dirname "$0")/lib.sh"
no_store # opens no database: the same on both stores

# Independent facts about an indicator XML file, from grep.
x_sys() { sed -n '/<system /,/>/p' "$1" | grep -o " $2=\"[^\"]*\"" | head -n 1 | sed 's/^[^"]*"\(.*\)"$/\1/'; }
x_id() { x_sys "$1" id; }
x_version() { x_sys "$1" version; }
x_title() { x_sys "$1" title; }
x_dims() { grep -c '<dimension ' "$1"; }
x_inds() { grep -c '<indicator ' "$1"; }
# Items as the program counts them: a format-2 <group> is an item, and so
# is each of its sub-items.
x_items() { grep -c '<item \|<group ' "$1"; }
x_veto() { grep -c 'veto="true"' "$1"; }
x_stages() { grep -o '<stage>[^<]*</stage>' "$1" | sed 's/<[^>]*>//g' | paste -sd "$2"; }
x_item_ids() { grep -o '<\(item\|group\) id="[^"]*"' "$1" | sed 's/<[a-z]* id="\(.*\)"/\1/'; }
# The points of every item and group in XML order; a group's sub-item has
# no points of its own (0).
x_points() { grep -o '<\(item\|group\) [^>]*>' "$1" | sed -e 's/.*points="\([^"]*\)".*/\1/' -e 's/^<.*/0/'; }

SHIPPED=$(cd "$IND" && ls *.xml)
NSYS=$(echo "$SHIPPED" | wc -l)

# ------------------------------------------------------------ validate
begin "validate: the shipped directory is valid"
run indicators validate "$IND"
rc_is 0; err_empty
out_is "ok: $IND: $NSYS systems, every stage covered by exactly one"
end

for f in $SHIPPED; do
    x=$IND/$f
    begin "validate: shipped file $f"
    run indicators validate "$x"
    rc_is 0; err_empty
    out_is "ok: $x: $(x_id "$x") $(x_version "$x"), $(x_dims "$x") dimensions, $(x_inds "$x") indicators, $(x_items "$x") items, $(x_veto "$x") veto items"
    end
done

begin "validate: tests/fixtures/mini.xml"
run indicators validate "$MINI"
rc_is 0; err_empty
out_is "ok: $MINI: mini 1.0, 3 dimensions, 5 indicators, 12 items, 2 veto items"
end

begin "validate: several files at once, all valid"
run indicators validate "$IND/primary.xml" "$IND/junior.xml" "$MINI"
rc_is 0; err_empty; out_lines 3
out_has "ok: $MINI: mini 1.0, 3 dimensions, 5 indicators, 12 items, 2 veto items"
end

cp "$FX"/broken-*.xml "$T/"
begin "validate: broken copy, every semantic problem as FILE:LINE"
run indicators validate broken-semantic.xml
rc_is 1; out_empty
err_is "broken-semantic.xml:31: duplicate id 'D1.1.1' (first used on line 19)
broken-semantic.xml:37: item 'D1.2.1': a veto item must have hazard=\"major\" (got \"general\")
broken-semantic.xml:42: item 'D1.2.2': no level is worth full points (fraction 1), so the item can never be met
broken-semantic.xml:52: item 'D1.2.3': threshold steps must be in strictly ascending order of 'at' (step 2 has at=10 after at=15)
schoolrisk: error: broken-semantic.xml: not valid (4 problems)"
end

begin "validate: a system missing a four-100% baseline tag"
run indicators validate broken-baseline.xml
rc_is 1; out_empty
err_is "broken-baseline.xml:6: system 'mini-nopost': no item is tagged baseline=\"protection-posts\" (护学岗); every system must evidence all four baseline elements
schoolrisk: error: broken-baseline.xml: not valid (1 problem)"
end

begin "validate: schema error names file, line and item"
run indicators validate broken-schema.xml
rc_is 1; out_empty
grep -q "^broken-schema.xml:49: does not match the schema: .*'titel'.* (in item 'D1.2.3')\$" "$T/err" ||
    fail "no 'broken-schema.xml:49: does not match the schema: ... (in item 'D1.2.3')' line: $(head -c 300 "$T/err")"
err_has "schoolrisk: error: broken-schema.xml: not valid (1 problem)"
end

begin "validate: not well-formed XML names file and line"
run indicators validate broken-notwf.xml
rc_is 1; out_empty
grep -q '^broken-notwf.xml:7: not well-formed XML: ' "$T/err" ||
    fail "no 'broken-notwf.xml:7: not well-formed XML:' line: $(head -c 300 "$T/err")"
[ "$(tail -n 1 "$T/err")" = "schoolrisk: error: broken-notwf.xml: not valid (1 problem)" ] ||
    fail "last stderr line is '$(tail -n 1 "$T/err")'"
end

begin "validate: a valid and a broken file: ok line for the first, exit 1"
run indicators validate "$MINI" broken-baseline.xml
rc_is 1
out_is "ok: $MINI: mini 1.0, 3 dimensions, 5 indicators, 12 items, 2 veto items"
err_line 2 "schoolrisk: error: broken-baseline.xml: not valid (1 problem)"
end

mkdir dup && cp "$IND"/*.xml "$MINI" dup/
begin "validate: two systems claim the stage primary"
run indicators validate dup
rc_is 1; out_empty
err_is "dup: stage 'primary' is covered by two systems: 'mini' (dup/mini.xml) and 'primary' (dup/primary.xml)
schoolrisk: error: dup: not valid (1 problem)"
end

begin "validate: directory given with a trailing slash names files without '//'"
run indicators validate dup/
rc_is 1; out_empty
err_is "dup/: stage 'primary' is covered by two systems: 'mini' (dup/mini.xml) and 'primary' (dup/primary.xml)
schoolrisk: error: dup/: not valid (1 problem)"
end

mkdir uncovered && cp "$IND"/*.xml uncovered/ && rm uncovered/primary.xml
begin "validate: a stage covered by no system"
run indicators validate uncovered
rc_is 1; out_empty
err_is "uncovered: stage 'primary' (小学) is not covered by any system
schoolrisk: error: uncovered: not valid (1 problem)"
end

mkdir dupid && cp "$IND"/*.xml dupid/ && rm dupid/primary.xml &&
    sed 's/id="mini"/id="junior"/' "$MINI" >dupid/mini.xml
begin "validate: two files with the same system id"
run indicators validate dupid
rc_is 1; out_empty
err_is "dupid/mini.xml: system id 'junior' is also used by 'dupid/junior.xml'
schoolrisk: error: dupid: not valid (1 problem)"
end

begin "validate: DIR/ (trailing slash): a file of the directory is named DIR/x.xml, not DIR//x.xml"
run indicators validate dupid/
rc_is 1; out_empty
err_is "dupid/mini.xml: system id 'junior' is also used by 'dupid/junior.xml'
schoolrisk: error: dupid/: not valid (1 problem)"
end

mkdir broken && cp broken-baseline.xml broken/
begin "validate: DIR/ (trailing slash): a problem inside a file names DIR/x.xml:LINE"
run indicators validate broken/
rc_is 1; out_empty
err_is "broken/broken-baseline.xml:6: system 'mini-nopost': no item is tagged baseline=\"protection-posts\" (护学岗); every system must evidence all four baseline elements
schoolrisk: error: broken/: not valid (1 problem)"
end

begin "validate: the shipped directory given as DIR/"
run indicators validate "$IND/"
rc_is 0; err_empty
out_is "ok: $IND/: $NSYS systems, every stage covered by exactly one"
end

mkdir empty
begin "validate: a directory without *.xml"
run indicators validate empty
rc_is 1; out_empty
err_is "empty: no indicator files (*.xml) found
schoolrisk: error: empty: not valid (1 problem)"
end

begin "validate: a missing file"
run indicators validate no-such-file.xml
rc_is 1; out_empty
err_is "no-such-file.xml: cannot read file: No such file or directory
schoolrisk: error: no-such-file.xml: not valid (1 problem)"
end

begin "validate: no argument is a usage error"
run indicators validate
rc_is 2; out_empty
err_line 1 "usage: schoolrisk indicators validate FILE|DIR..."
end

# ---------------------------------------------------------------- list
{
    echo "id,version,title,stages,dimensions,items,veto_items"
    for f in $SHIPPED; do
        x=$IND/$f
        echo "$(x_id "$x"),$(x_version "$x"),$(x_title "$x"),$(x_stages "$x" ';'),$(x_dims "$x"),$(x_items "$x"),$(x_veto "$x")"
    done
} >"$T/list.csv"
begin "list --format csv: header and one row per system, counts from the XML"
run indicators list --format csv
rc_is 0; err_empty
same "list csv" "$T/list.csv" "$T/out"
end

begin "list DIR --format csv (directory given explicitly)"
SCHOOLRISK_INDICATORS=$T/empty run indicators list "$IND" --format csv
rc_is 0; err_empty
same "list csv" "$T/list.csv" "$T/out"
end

begin "list --dir DIR --format csv: the same as the positional DIR"
SCHOOLRISK_INDICATORS=$T/empty run indicators list --dir "$IND" --format csv
rc_is 0; err_empty
same "list csv" "$T/list.csv" "$T/out"
end

begin "list --format csv --dir DIR (option after --format)"
SCHOOLRISK_INDICATORS=$T/empty run indicators list --format csv --dir "$IND"
rc_is 0; err_empty
same "list csv" "$T/list.csv" "$T/out"
end

{
    printf '%-12s %-8s %5s %5s %5s  %-40s %s\n' ID VERSION DIMS ITEMS VETO STAGES TITLE
    for f in $SHIPPED; do
        x=$IND/$f
        printf '%-12s %-8s %5s %5s %5s  %-40s %s\n' "$(x_id "$x")" "$(x_version "$x")" \
            "$(x_dims "$x")" "$(x_items "$x")" "$(x_veto "$x")" "$(x_stages "$x" ,)" "$(x_title "$x")"
    done
} >"$T/list.txt"
begin "list (table): header and one row per system"
run indicators list
rc_is 0; err_empty
same "list table" "$T/list.txt" "$T/out"
end

begin "list: the CSV stages column of the multi-stage systems"
run indicators list --format csv
grep -q "^junior,$(x_version "$IND/junior.xml"),[^,]*,junior;nine-year," "$T/out" || fail "junior row lacks stages junior;nine-year"
grep -q "^senior,$(x_version "$IND/senior.xml"),[^,]*,senior;complete-secondary;twelve-year," "$T/out" ||
    fail "senior row lacks stages senior;complete-secondary;twelve-year"
end

begin "list --format bogus is a usage error"
run indicators list --format bogus
rc_is 2; out_empty
err_is "schoolrisk: error: --format takes table or csv, not 'bogus'"
end

begin "list: an invalid directory"
run indicators list dup --format csv
rc_is 1; out_empty
err_is "dup: stage 'primary' is covered by two systems: 'mini' (dup/mini.xml) and 'primary' (dup/primary.xml)
schoolrisk: error: the indicator directory 'dup' is not valid"
end

begin "list --dir: an invalid directory, the same messages as the positional DIR"
run indicators list --dir dup --format csv
rc_is 1; out_empty
err_is "dup: stage 'primary' is covered by two systems: 'mini' (dup/mini.xml) and 'primary' (dup/primary.xml)
schoolrisk: error: the indicator directory 'dup' is not valid"
end

begin "list --dir DIR/ (trailing slash) names files without '//'"
run indicators list --dir dup/ --format csv
rc_is 1; out_empty
err_is "dup/: stage 'primary' is covered by two systems: 'mini' (dup/mini.xml) and 'primary' (dup/primary.xml)
schoolrisk: error: the indicator directory 'dup/' is not valid"
end

for args in "empty --dir empty" "--dir empty empty"; do
    begin "list $args: both the positional DIR and --dir is a usage error"
    run indicators list $args
    rc_is 2; out_empty
    err_line 1 "schoolrisk: error: give the directory either as DIR or with --dir, not both"
    err_has "usage: schoolrisk indicators list [DIR | --dir DIR] [--format table|csv]"
    end
done

begin "list: two directories is a usage error"
run indicators list "$IND" "$IND"
rc_is 2; out_empty
err_line 1 "schoolrisk: error: only one directory may be listed"
err_line 2 "usage: schoolrisk indicators list [DIR | --dir DIR] [--format table|csv]"
end

# ---------------------------------------------------------------- show
for f in $SHIPPED; do
    x=$IND/$f
    id=$(x_id "$x")
    begin "show $id --format csv: header, one row per item in XML order, veto and points"
    run indicators show "$id" --format csv
    rc_is 0; err_empty
    [ "$(head -n 1 "$T/out")" = "$HDR" ] || fail "header is '$(head -n 1 "$T/out")'"
    out_lines $(($(x_items "$x") + 1))
    x_item_ids "$x" >"$T/ids.exp"
    csv_col "$T/out" item_id >"$T/ids.got"
    same "item ids" "$T/ids.exp" "$T/ids.got"
    n=$(csv_col "$T/out" veto | grep -c '^true$')
    [ "$n" -eq "$(x_veto "$x")" ] || fail "$n rows with veto=true, XML has $(x_veto "$x")"
    # a group's sub-item has no points of its own: 0
    x_points "$x" >"$T/pts.exp"
    csv_col "$T/out" points >"$T/pts.got"
    same "points column" "$T/pts.exp" "$T/pts.got"
    # none: a format-2 group or outcome item (hazard="none")
    csv_col "$T/out" hazard | grep -qvx 'general\|major\|none' && fail "a hazard value other than general/major/none"
    [ "$(csv_col "$T/out" hazard | grep -c '^none$')" -eq "$(grep -c '<group \|<item [^>]*hazard="none"' "$x")" ] ||
        fail "hazard none is not exactly the groups and outcome items"
    end
done

begin "show FILE --format csv: exact rows of tests/fixtures/mini.xml"
run indicators show "$MINI" --format csv
rc_is 0; err_empty
same "mini csv" "$EXP/show-mini.csv" "$T/out"
out_has 'D1,D1.1,D1.1.1,专职保安员配备数量达到标准,10,ratio,actual (required by enrollment: >=0:1|>=100:2|>=1000:3+1/500),false,false,general,guards,'
out_has 'D1,D1.2,D1.2.2,一键式紧急报警与视频监控系统与公安机关联网,10,levels,符合:1|基本符合:0.6|不符合:0,false,false,general,alarm-video,'
out_has 'D1,D1.2,D1.2.3,视频图像保存天数,5,threshold,>=30:1|>=15:0.5|else:0,false,false,general,,'
out_has 'D2,D2.1,D2.1.1,灭火器、消火栓完好有效,10,deduct,count:-1 each,false,false,general,,'
out_has 'D2,D2.1,D2.1.2,全员应急疏散用时,5,threshold,<=3:1|<=5:0.6|else:0,false,false,general,,'
out_has 'D2,D2.2,D2.2.1,学生宿舍设置火灾自动报警系统或独立式感烟火灾探测报警器,10,check,pass:1|fail:0,false,true,major,,boarding=true'
out_has 'D2,D2.2,D2.2.2,校车配备随车照管人员,5,check,pass:1|fail:0|na,true,false,general,,school_bus=true'
out_has 'D3,D3.1,D3.1.2,从业人员健康证持证率,5,ratio,actual/required,false,false,general,,canteen=true'
end

begin "show: applies_when notation for 'in' and 'ge' conditions (senior)"
run indicators show senior --format csv
rc_is 0
"$PY" -c 'import csv,sys
rows = {r["item_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))}
want = {"D09.01.02": "stage in complete-secondary|twelve-year",
        "D09.05.04": "locale in town|rural", "D10.01.02": "enrollment>=1000"}
for k, v in want.items():
    if rows[k]["applies_when"] != v:
        print("%s applies_when %r, expected %r" % (k, rows[k]["applies_when"], v))' "$T/out" >"$T/py" 2>&1
[ -s "$T/py" ] && fail "$(cat "$T/py")"
end

begin "show FILE (tree): heading of tests/fixtures/mini.xml"
run indicators show "$MINI"
rc_is 0; err_empty
[ "$(sed -n 1p "$T/out")" = "mini 1.0  示例小学安全风险评估指标体系" ] || fail "first line is '$(sed -n 1p "$T/out")'"
out_has "stages: primary"
out_has "85 points in 12 items"
end

begin "show FILE (tree): the grading line lists the bands separated by ', '"
out_has "pass line 80, valid 12 months; bands: 低风险 >= 90 (蓝色), 一般风险 >= 80 (黄色), 较大风险 >= 60 (橙色), 重大风险 >= 0 (红色)"
end

begin "show FILE (tree): dimensions, indicators and items of tests/fixtures/mini.xml"
sed -n '/^D1 /,$p' "$T/out" >"$T/got"
same "tree body" "$EXP/show-mini-body.tree" "$T/got"
end

begin "show primary (tree): heading, point total and one line per item"
run indicators show primary
rc_is 0; err_empty
sum=$(x_points "$IND/primary.xml" |
      "$PY" -c 'import sys; from decimal import Decimal as D; print(format(sum(D(l) for l in sys.stdin).normalize(), "f"))')
[ "$(sed -n 1p "$T/out")" = "primary $(x_version "$IND/primary.xml")  $(x_title "$IND/primary.xml")" ] ||
    fail "first line is '$(sed -n 1p "$T/out")'"
out_has "stages: primary"
out_has "$sum points in $(x_items "$IND/primary.xml") items"
n=$(grep -c '^ *D[0-9][0-9]\.[0-9][0-9]\.[0-9][0-9][0-9.]* ' "$T/out")
[ "$n" -eq "$(x_items "$IND/primary.xml")" ] || fail "$n item lines, expected $(x_items "$IND/primary.xml")"
n=$(grep -c '\[一票否决\]' "$T/out")
[ "$n" -eq "$(x_veto "$IND/primary.xml")" ] || fail "$n [一票否决] marks, expected $(x_veto "$IND/primary.xml")"
end

begin "show: --dir wins over SCHOOLRISK_INDICATORS"
SCHOOLRISK_INDICATORS=$T/dup run indicators show primary --dir "$IND" --format csv
rc_is 0; err_empty; out_lines $(($(x_items "$IND/primary.xml") + 1))
end

begin "show --dir DIR/ (trailing slash): an invalid directory's files named without '//'"
run indicators show primary --dir dup/
rc_is 1; out_empty
err_is "dup/: stage 'primary' is covered by two systems: 'mini' (dup/mini.xml) and 'primary' (dup/primary.xml)
schoolrisk: error: the indicator directory 'dup/' is not valid; run 'schoolrisk indicators validate dup/'"
end

begin "show: SCHOOLRISK_INDICATORS is used when there is no --dir"
SCHOOLRISK_INDICATORS=$T/dup run indicators show primary --format csv
rc_is 1; out_empty
err_is "$T/dup: stage 'primary' is covered by two systems: 'mini' ($T/dup/mini.xml) and 'primary' ($T/dup/primary.xml)
schoolrisk: error: the indicator directory '$T/dup' is not valid; run 'schoolrisk indicators validate $T/dup'"
end

begin "show: an unknown system id lists the known ones"
run indicators show nosuch
rc_is 1; out_empty
err_is "schoolrisk: error: no indicator system with id 'nosuch' in '$IND'
known systems: $(for f in $SHIPPED; do x_id "$IND/$f"; done | paste -sd ' ')"
end

begin "show --format bogus is a usage error"
run indicators show primary --format bogus
rc_is 2; out_empty
err_is "schoolrisk: error: --format takes tree or csv, not 'bogus'"
end

begin "show: no system is a usage error"
run indicators show
rc_is 2; out_empty
err_line 1 "usage: schoolrisk indicators show ID|FILE [--dir DIR] [--format tree|csv]"
end

finish
