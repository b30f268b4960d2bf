#!/bin/bash
# Format 1 stays as it was: every shipped system and the example system
# load, and what `score --json`, `score --explain` and `indicators show`
# print for them is byte for byte what the program printed before
# indicator format 2 existed (tests/fixtures/fmt1/, recorded with the
# build of commit 26ed18d, the last one without format 2).
#
# Run by ctest as:  bash test_format1_compat.sh /path/to/schoolrisk /path/to/source-tree
# A difference here means a format-1 file no longer scores or reads as it
# did: fix the program, never the fixture (unless format 1 itself is meant
# to change, which issue 11 rules out).
#
# A shipped system rewritten in format 2 (its version raised) keeps its
# last format-1 version here, in tests/fixtures/fmt1/systems/, with the
# examples of that version in tests/fixtures/fmt1/examples/: those are
# the ones compared, so every format-1 system the program ever shipped
# still loads and scores as it did.
. "$(dirname "$0")/lib.sh"
no_store # opens no database: the same on both stores

OLD=$SRC/tests/fixtures/fmt1

# The format-1 file of system n: the shipped one, or its last format-1
# version when the shipped one is format 2.
fmt1_system() { # n
    if [ -f "$OLD/systems/$1.xml" ]; then echo "$OLD/systems/$1.xml"; else echo "$IND/$1.xml"; fi
}

for x in "$IND"/*.xml "$MINI"; do
    n=$(basename "$x" .xml)
    [ "$x" = "$MINI" ] || x=$(fmt1_system "$n")
    begin "format 1: $n.xml loads and shows as before"
    run indicators validate "$x"
    rc_is 0; err_empty
    run indicators show "$x" --format csv
    rc_is 0; err_empty
    same "show --format csv" "$OLD/show-$n.csv" "$T/out"
    end
done

for sch in "$IND"/examples/*.school; do
    n=$(basename "$sch" .school)
    sys=${n%-*}
    x=$(fmt1_system "$sys")
    [ -f "$OLD/examples/$n.school" ] && sch=$OLD/examples/$n.school
    begin "format 1: examples/$n scores byte for byte as before (--json, --explain)"
    run score --system "$x" --school "$sch" --responses "${sch%.school}.csv" --json
    rc_is 0; err_empty
    same "score --json" "$OLD/score-$n.json" "$T/out"
    run score --system "$x" --school "$sch" --responses "${sch%.school}.csv" --explain
    rc_is 0; err_empty
    same "score --explain" "$OLD/explain-$n.txt" "$T/out"
    end
done

begin "format 1: one fixture per shipped example (none forgotten)"
nex=$(ls "$IND"/examples/*.school | wc -l)
nfx=$(ls "$OLD"/score-*.json | wc -l)
[ "$nex" -eq "$nfx" ] || fail "$nex examples but $nfx recorded outputs"
end

finish
