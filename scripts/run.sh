#!/usr/bin/env bash
# The main job, from a fresh clone: install the Debian packages, build,
# then validate the shipped indicator systems and score every sample
# assessment under indicators/examples/ (school file + responses CSV),
# take them through a database, build the demo city with its workbooks
# and one account per role, and serve it (Ctrl-C stops).
#
# --no-serve: stop after the demo city instead of serving it (the fresh
# Debian test, tests/fresh/, runs the script this way).
set -euo pipefail
cd "$(dirname "$0")/.."

serve=1
for arg in "$@"; do
    case $arg in
    --no-serve) serve=0 ;;
    *) echo "usage: scripts/run.sh [--no-serve]" >&2; exit 2 ;;
    esac
done

./scripts/install-deps.sh
# The tests are built by scripts/test.sh (they need its packages).
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSR_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# The browser pages, served by `schoolrisk serve` from web/dist.
./web/build.sh
sr=build/schoolrisk
echo

echo "== schoolrisk indicators validate indicators/"
$sr indicators validate indicators/
echo
echo "== schoolrisk indicators list"
$sr indicators list
echo
echo "== sample assessments (schoolrisk score --system ID --school F --responses F)"
echo 'example          system           total  band                达标 school'
for school in indicators/examples/*.school; do
    ex=${school%.school}
    name=$(basename "$ex")
    system=${name%%-*}
    title=$(sed -n 's/^name *= *//p' "$school")
    $sr score --system "$system" --school "$school" --responses "$ex.csv" \
        --json | /usr/bin/python3 -c '
import json, sys, unicodedata
def pad(s, w):  # pad to w terminal columns; CJK characters take two
    n = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    return s + " " * max(0, w - n)
r = json.load(sys.stdin)
band = r["band_label"] + ("(一票否决)" if r["vetoed"] else "")
print("%-16s %-14s %7s  %s%s%s" % (sys.argv[1], r["system"], r["total"],
      pad(band, 20), pad("是" if r["compliant"] else "否", 5), sys.argv[2]))
' "$name" "$title"
done
echo
echo "Details of one assessment: $sr score --system primary \\"
echo "    --school indicators/examples/primary-2.school \\"
echo "    --responses indicators/examples/primary-2.csv --explain"

echo
echo "== the same twelve schools through the database (build/demo.db)"
db=build/demo.db
rm -f "$db" "$db-wal" "$db-shm"
export SCHOOLRISK_DB=$db SCHOOLRISK_USER=市教育局
$sr init >/dev/null
# The example school files as one registry CSV.
/usr/bin/python3 - indicators/examples > build/demo-registry.csv <<'PYEOF'
import glob, os, sys
labels = {"kindergarten": "幼儿园", "primary": "小学", "junior": "初中",
          "senior": "普通高中", "nine-year": "九年一贯制",
          "complete-secondary": "完全中学", "twelve-year": "十二年一贯制",
          "vocational": "中等职业学校", "special": "特殊教育学校"}
print("学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,游泳池,"
      "在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点")
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.school"))):
    kv = {}
    for line in open(path, encoding="utf-8-sig"):
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            kv[k.strip()] = v.strip()
    print(",".join([kv["code"], kv["name"], kv["district"], labels[kv["stage"]],
                    kv.get("ownership", "public"), kv.get("locale", "urban")] +
                   [kv.get(f, "false") for f in ("boarding", "school_bus",
                    "canteen", "laboratory", "swimming_pool")] +
                   [kv.get(f, "0") for f in ("enrollment", "boarders",
                    "special_needs", "staff")] +
                   [kv.get(f, "false") for f in ("meal_delivery",
                    "village_school")]))
PYEOF
$sr schools import build/demo-registry.csv
for school in indicators/examples/*.school; do
    code=$(sed -n 's/^code *= *//p' "$school")
    id=$($sr assess new --school "$code" --by 张检查员)
    $sr assess import "$id" "${school%.school}.csv" >/dev/null
    $sr assess submit "$id" --by 张检查员
done
$sr hazards list | tail -n 1
$sr baseline | sed -n '/^DISTRICT/,$p' | awk 'NR == 1 || $3 > 0'
$sr audit verify

echo
echo "== the demo city: 3,000 schools, a year of assessments and hazards, every report"
unset SCHOOLRISK_DB SCHOOLRISK_USER
$sr demo --dir build/demo-city --force

[ "$serve" = 1 ] || exit 0
echo
echo "== serving the demo city: sign in with an account above"
exec $sr serve --db build/demo-city/schoolrisk.db
