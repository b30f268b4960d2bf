#!/usr/bin/env bash
# The main job, from a fresh clone: install the Debian packages, build,
# then validate the shipped indicator systems and score every sample
# assessment under indicators/examples/ (school file + responses CSV).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
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
