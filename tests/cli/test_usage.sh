#!/bin/bash
# End-to-end tests of the command line itself: --help on every command,
# unknown commands and options, --version, and the exit codes
# (0 ok, 1 invalid input, 2 usage, 3 internal).
#
# Run by ctest as:  bash test_usage.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
set -u

BIN=${1:?usage: test_usage.sh /path/to/schoolrisk /path/to/source-tree}
SRC=${2:?usage: test_usage.sh /path/to/schoolrisk /path/to/source-tree}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=$(cd "$SRC" && pwd)
IND=$SRC/indicators
T=$(mktemp -d "${TMPDIR:-/tmp}/sr-cli-usage.XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8
export SCHOOLRISK_INDICATORS=$IND
cd "$T" || exit 1

# ---------------------------------------------------------------- harness
PASS=0 FAIL=0 CASE= WHY=
begin() { CASE=$1; WHY=; }
fail() { WHY="${WHY:+$WHY; }$*"; }
end() {
    if [ -z "$WHY" ]; then
        PASS=$((PASS + 1)); echo "ok   $CASE"
    else
        FAIL=$((FAIL + 1)); echo "FAIL $CASE: $WHY"
    fi
}
run() { "$BIN" "$@" >"$T/out" 2>"$T/err"; RC=$?; }
rc_is() { [ "$RC" -eq "$1" ] || fail "exit status $RC, expected $1"; }
out_empty() { [ ! -s "$T/out" ] || fail "stdout is not empty: $(head -c 200 "$T/out")"; }
err_empty() { [ ! -s "$T/err" ] || fail "stderr is not empty: $(head -c 300 "$T/err")"; }
out_has() { grep -Fxq -- "$1" "$T/out" || fail "stdout lacks the line '$1'"; }
err_has() { grep -Fxq -- "$1" "$T/err" || fail "stderr lacks the line '$1'"; }
out_first() { [ "$(head -n 1 "$T/out")" = "$1" ] || fail "first stdout line is '$(head -n 1 "$T/out")', expected '$1'"; }
err_first() { [ "$(head -n 1 "$T/err")" = "$1" ] || fail "first stderr line is '$(head -n 1 "$T/err")', expected '$1'"; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

TOP='usage: schoolrisk <command> [options]'

# ---------------------------------------------------------------- help
for h in --help -h help; do
    begin "schoolrisk $h: usage on stdout, every command listed, exit 0"
    run $h
    rc_is 0; err_empty
    out_first "$TOP"
    for c in checklist indicators score; do
        grep -q "^  $c  *[a-z]" "$T/out" || fail "command $c is not listed"
    done
    out_has "Exit codes: 0 success, 1 invalid input, 2 usage error,"
    end
done

check_help() { # first-usage-line args...
    local first=$1
    shift
    begin "schoolrisk $*: exit 0, usage line on stdout"
    run "$@"
    rc_is 0; err_empty
    out_first "$first"
    end
}
check_help 'usage: schoolrisk checklist --system ID|FILE (--school FILE | --attr KEY=VALUE...)' checklist --help
check_help 'usage: schoolrisk checklist --system ID|FILE (--school FILE | --attr KEY=VALUE...)' checklist -h
check_help 'usage: schoolrisk score --system ID|FILE (--school FILE | --attr KEY=VALUE...)' score --help
check_help 'usage: schoolrisk score --system ID|FILE (--school FILE | --attr KEY=VALUE...)' score -h
check_help 'usage: schoolrisk indicators <validate|list|show> ...' indicators --help
check_help 'usage: schoolrisk indicators validate FILE|DIR...' indicators validate --help
check_help 'usage: schoolrisk indicators list [DIR] [--format table|csv]' indicators list --help
check_help 'usage: schoolrisk indicators show ID|FILE [--dir DIR] [--format tree|csv]' indicators show --help
# --help wins over other arguments, even invalid ones
check_help 'usage: schoolrisk score --system ID|FILE (--school FILE | --attr KEY=VALUE...)' score --system nosuch --help
check_help 'usage: schoolrisk indicators validate FILE|DIR...' indicators validate no-such.xml --help

begin "score --help documents every option"
run score --help
for o in --system --school --attr --responses --json --explain --partial --dir; do
    grep -q -- "$o" "$T/out" || fail "option $o is not mentioned"
done
end

begin "checklist --help documents every option"
run checklist --help
for o in --system --school --attr --format --dir; do
    grep -q -- "$o" "$T/out" || fail "option $o is not mentioned"
done
end

begin "--version"
run --version
rc_is 0; err_empty
grep -Eqx 'schoolrisk [0-9]+\.[0-9]+\.[0-9]+' "$T/out" || fail "stdout is '$(cat "$T/out")'"
end

# ---------------------------------------------------------------- usage errors
begin "no command: usage on stderr, exit 2"
run
rc_is 2; out_empty
err_first "$TOP"
end

begin "unknown command: exit 2, named in the message"
run frobnicate
rc_is 2; out_empty
err_first "schoolrisk: error: unknown command 'frobnicate'"
err_has "$TOP"
end

begin "unknown indicators command: exit 2"
run indicators frobnicate
rc_is 2; out_empty
err_first "schoolrisk: error: unknown indicators command 'frobnicate'"
err_has "usage: schoolrisk indicators <validate|list|show> ..."
end

begin "indicators without a subcommand: exit 2"
run indicators
rc_is 2; out_empty
err_first "usage: schoolrisk indicators <validate|list|show> ..."
end

for c in "score --frobnicate" "checklist --frobnicate" "indicators list --frobnicate" "indicators show primary --frobnicate"; do
    begin "unknown option ($c): exit 2 with the usage"
    run $c
    rc_is 2; out_empty
    grep -q "^usage: schoolrisk ${c%% --frobnicate}" "$T/err" ||
        grep -q "^usage: schoolrisk ${c%% *}" "$T/err" || fail "no usage line on stderr"
    grep -q -- "--frobnicate" "$T/err" || fail "the unknown option is not named"
    end
done

begin "option missing its argument: exit 2"
run score --system
rc_is 2; out_empty
end

# ---------------------------------------------------------------- exit 3
begin "write error on stdout is an internal error: exit 3"
"$BIN" indicators list >/dev/full 2>"$T/err"
RC=$?
rc_is 3
err_first "schoolrisk: error: cannot write the output: No space left on device"
end

begin "write error on stdout (--help): exit 3"
"$BIN" --help >/dev/full 2>"$T/err"
RC=$?
rc_is 3
end

finish
