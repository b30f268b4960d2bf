#!/bin/bash
# End-to-end tests of the command line itself: --help on every command,
# unknown commands and options, --version, and the exit codes
# (0 ok, 1 invalid input, 2 usage, 3 internal).
#
# Run by ctest as:  bash test_usage.sh /path/to/schoolrisk /path/to/source-tree
# Prints one line per case and ends with "N passed, M failed"; exits 1 when
# anything failed.
. "$(dirname "$0")/lib.sh"
no_store # opens no database: the same on both stores

out_first() { [ "$(head -n 1 "$T/out")" = "$1" ] || fail "first stdout line is '$(head -n 1 "$T/out")', expected '$1'"; }
err_first() { [ "$(head -n 1 "$T/err")" = "$1" ] || fail "first stderr line is '$(head -n 1 "$T/err")', expected '$1'"; }

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
check_help 'usage: schoolrisk checklist --school-code CODE --db PATH' checklist --help
check_help 'usage: schoolrisk checklist --school-code CODE --db PATH' checklist -h
check_help 'usage: schoolrisk score --school-code CODE --db PATH [--system ID|FILE]' score --help
check_help 'usage: schoolrisk score --school-code CODE --db PATH [--system ID|FILE]' score -h
check_help 'usage: schoolrisk indicators <validate|load|list|show> ...' indicators --help
check_help 'usage: schoolrisk indicators validate FILE|DIR...' indicators validate --help
check_help 'usage: schoolrisk indicators list [DIR | --dir DIR] [--format table|csv]' indicators list --help
check_help 'usage: schoolrisk indicators show ID|FILE [--dir DIR] [--format tree|csv]' indicators show --help
# --help wins over other arguments, even invalid ones
check_help 'usage: schoolrisk score --school-code CODE --db PATH [--system ID|FILE]' score --system nosuch --help
check_help 'usage: schoolrisk indicators validate FILE|DIR...' indicators validate no-such.xml --help

begin "score --help documents every option"
run score --help
for o in --system --school-code --db --school --attr --responses --json --explain --partial --dir; do
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
err_has "usage: schoolrisk indicators <validate|load|list|show> ..."
end

begin "indicators without a subcommand: exit 2"
run indicators
rc_is 2; out_empty
err_first "usage: schoolrisk indicators <validate|load|list|show> ..."
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

# opt_error 'COMMAND' 'message' ARGS...: `schoolrisk COMMAND ARGS...` exits 2,
# prints nothing on stdout, and on stderr the message, then the command's
# usage exactly as `schoolrisk COMMAND --help` prints it on stdout.
opt_error() {
    local cmd=$1 msg=$2
    shift 2
    begin "$cmd $*: exit 2, \"$msg\", then the usage of $cmd"
    run $cmd --help
    cp "$T/out" "$T/usage"
    run $cmd "$@"
    rc_is 2; out_empty
    err_line 1 "$msg"
    tail -n +2 "$T/err" >"$T/err.usage"
    same "stderr after the message" "$T/usage" "$T/err.usage"
    end
}
UNKNOWN="schoolrisk: error: unknown option '--bogus'"
opt_error score "$UNKNOWN" --bogus
opt_error score "$UNKNOWN" --system primary --attr stage=primary --bogus --responses x.csv
opt_error checklist "$UNKNOWN" --bogus
opt_error checklist "$UNKNOWN" --system primary --attr stage=primary --bogus
opt_error "indicators list" "$UNKNOWN" --bogus
opt_error "indicators list" "$UNKNOWN" --format csv --bogus
opt_error "indicators show" "$UNKNOWN" primary --bogus
opt_error "indicators show" "$UNKNOWN" --bogus primary
opt_error score "schoolrisk: error: option '--system' needs a value" --system
opt_error score "schoolrisk: error: option '--responses' needs a value" --system primary --attr stage=primary --responses
opt_error checklist "schoolrisk: error: option '--system' needs a value" --system
opt_error checklist "schoolrisk: error: option '--attr' needs a value" --system primary --attr
opt_error "indicators list" "schoolrisk: error: option '--dir' needs a value" --dir
opt_error "indicators list" "schoolrisk: error: option '--format' needs a value" --format
opt_error "indicators show" "schoolrisk: error: option '--dir' needs a value" primary --dir
opt_error "indicators show" "schoolrisk: error: option '--format' needs a value" primary --format

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
