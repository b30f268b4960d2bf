# Shared harness of the end-to-end tests tests/cli/test_*.sh.
#
# Every script starts with
#     . "$(dirname "$0")/lib.sh"
# and is run by ctest as
#     bash SCRIPT /path/to/schoolrisk /path/to/source-tree
# (this file is not a test itself: tests/CMakeLists.txt runs tests/cli/test_*.sh,
# so its name must never match that pattern).
#
# Sourcing it sets BIN and SRC (absolute), PY, FX, MINI, EXP, IND, CHECK and HDR,
# exports LC_ALL and SCHOOLRISK_INDICATORS, makes a scratch directory $T that is
# removed on exit, and changes into it.
#
# A case is  begin "title"; run ARGS...; assertions...; end  and prints one
# line, "ok   title" or "FAIL title: reasons" (with any diff on stderr); the
# script ends with  finish,  which prints "N passed, M failed" and returns
# non-zero when anything failed.
set -u

BIN=${1:?usage: $(basename "$0") /path/to/schoolrisk /path/to/source-tree}
SRC=${2:?usage: $(basename "$0") /path/to/schoolrisk /path/to/source-tree}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=$(cd "$SRC" && pwd)
PY=/usr/bin/python3
FX=$SRC/tests/fixtures/cli
MINI=$SRC/tests/fixtures/mini.xml
EXP=$SRC/tests/cli/expected
IND=$SRC/indicators
CHECK=$SRC/tests/cli/score_check.py
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-cli-$(basename "$0" .sh).XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8
export SCHOOLRISK_INDICATORS=$IND
cd "$T" || exit 1

# The header of the CSV of `indicators show` and `checklist`.
HDR='dimension_id,indicator_id,item_id,title,points,method,choices,allow_na,veto,hazard,baseline,applies_when'

# ---------------------------------------------------------------- cases
PASS=0 FAIL=0 CASE= WHY=
begin() { CASE=$1; WHY=; }
fail() { WHY="${WHY:+$WHY; }$*"; }
end() {
    if [ -z "$WHY" ]; then
        PASS=$((PASS + 1)); echo "ok   $CASE"
    else
        FAIL=$((FAIL + 1)); echo "FAIL $CASE: $WHY"
        [ -s "$T/diff" ] && sed 's/^/    /' "$T/diff" >&2
    fi
    : >"$T/diff"
}
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

# run ARGS...: the program's stdout in $T/out, stderr in $T/err, status in RC.
run() { "$BIN" "$@" >"$T/out" 2>"$T/err"; RC=$?; }

# ---------------------------------------------------------------- assertions
rc_is() { [ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"; }
same() { # what expected-file actual-file
    diff -u "$2" "$3" >>"$T/diff" || fail "$1 differs from the expected text (diff on stderr)"
}
out_is() { printf '%s\n' "$1" >"$T/exp"; same stdout "$T/exp" "$T/out"; }
err_is() { printf '%s\n' "$1" >"$T/exp"; same stderr "$T/exp" "$T/err"; }
out_empty() { [ ! -s "$T/out" ] || fail "stdout is not empty: $(head -c 200 "$T/out")"; }
err_empty() { [ ! -s "$T/err" ] || fail "stderr is not empty: $(head -c 300 "$T/err")"; }
out_has() { grep -Fxq -- "$1" "$T/out" || fail "stdout lacks the line '$1'"; }
err_has() { grep -Fxq -- "$1" "$T/err" || fail "stderr lacks the line '$1'"; }
err_line() { # N exact-line
    [ "$(sed -n "${1}p" "$T/err")" = "$2" ] || fail "stderr line $1 is '$(sed -n "${1}p" "$T/err")', expected '$2'"
}
out_lines() { local n; n=$(wc -l <"$T/out"); [ "$n" -eq "$1" ] || fail "stdout has $n lines, expected $1"; }

# csv_col FILE COLUMN: the values of one column of a CSV (show/checklist
# output), parsed with Python's csv module, one a line.
csv_col() {
    "$PY" -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    print(r[sys.argv[2]])' "$1" "$2"
}
