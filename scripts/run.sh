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
/usr/bin/python3 scripts/examples-registry.py indicators/examples > build/demo-registry.csv
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
