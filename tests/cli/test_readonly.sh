# test_readonly.sh - every command that only reads works on a copy of
# the database where nothing can be written (a read-only medium, a full
# disk, a directory the user may not write), with the same output as on
# the writable original; a command that writes says what it needs; a
# copy whose write-ahead log holds changes is read with them when its
# "-shm" is there and refused when it is not (src/store/store.c,
# "Read-only opens").
#
# As root the copy is on a tmpfs remounted read-only (root writes any
# directory whatever its mode); as another user it is a 0444 file in a
# 0555 directory.  Where neither can be had (root without the right to
# mount) the test is skipped (exit 77), except under CI=true.
. "$(dirname "$0")/lib.sh"
# Read-only SQLite files, a full disk under SQLite, a WAL copy without its
# -shm: all about SQLite itself.
sqlite_only "test_readonly.sh: read-only SQLite files and their WAL"

RO=$T/ro
mkdir "$RO"
if [ "$(id -u)" -eq 0 ]; then
    if ! mount -t tmpfs -o size=64m sr-test-ro "$RO" 2>"$T/mount.err"; then
        echo "cannot mount a tmpfs: $(cat "$T/mount.err")"
        [ "${CI:-}" = true ] && exit 1
        exit 77
    fi
    trap 'umount "$RO" 2>/dev/null; rm -rf "$T"' EXIT
    KIND=mount
else
    trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
    KIND=chmod
fi

# Put the files FILE... into $RO and make it read-only.
seal() {
    cp "$@" "$RO/" || exit 1
    if [ $KIND = mount ]; then
        mount -o remount,ro "$RO" || exit 1
    else
        chmod 0444 "$RO"/*
        chmod 0555 "$RO"
    fi
}
# Make $RO writable and empty again.
unseal() {
    if [ $KIND = mount ]; then
        mount -o remount,rw "$RO" || exit 1
    else
        chmod 0755 "$RO"
        chmod 0644 "$RO"/*
    fi
    rm -f "$RO"/*
}

# The figures are as of a pinned day.
export SCHOOLRISK_CLOCK=2026-12-31T09:00:00Z
unset SCHOOLRISK_DB

"$BIN" demo --dir city --schools 40 --seed 3 >/dev/null 2>"$T/demo.err" ||
    { cat "$T/demo.err"; exit 1; }
DB=$T/city/schoolrisk.db
SCHOOL=$("$BIN" schools list --db "$DB" --json | "$PY" -c \
    'import json,sys; print(json.load(sys.stdin)[0]["code"])')
ASSESSMENT=$("$BIN" assess list --db "$DB" --json | "$PY" -c \
    'import json,sys; print(json.load(sys.stdin)[0]["id"])')
HAZARD=$("$BIN" hazards list --db "$DB" --json | "$PY" -c \
    'import json,sys; print(json.load(sys.stdin)["hazards"][0]["id"])')
DISTRICT=370102

# Every command that only reads, one a line; DB is replaced by the
# database's path, OUT by a file to write outside it.
cat >commands <<EOF
schools list --db DB
schools list --db DB --json
schools show $SCHOOL --db DB
schools show $SCHOOL --db DB --json
assess list --db DB
assess list --db DB --json
assess show $ASSESSMENT --db DB
assess show $ASSESSMENT --db DB --json
hazards list --db DB
hazards list --db DB --json
hazards list --db DB --status open --level major
hazard show $HAZARD --db DB
hazard show $HAZARD --db DB --json
baseline --db DB
baseline --db DB --json
baseline --db DB --district $DISTRICT
audit verify --db DB
audit head --db DB
users list --db DB
users list --db DB --json
users show admin --db DB
users show admin --db DB --json
report district $DISTRICT --period 2026Q4 -o OUT --db DB
report city --period 2026 -o OUT --db DB
backup --db DB OUT
EOF

# run_all DBPATH TAG: run every command on DBPATH; outputs in out.TAG.N,
# statuses in rc.TAG, stderr in err.TAG.N.
run_all() {
    local n=0 line
    : >"rc.$2"
    while IFS= read -r line; do
        n=$((n + 1))
        rm -f "$T/w.$2.$n"
        line=${line//DB/$1}
        line=${line//OUT/$T/w.$2.$n}
        # shellcheck disable=SC2086 # the words of the command line
        "$BIN" $line >"out.$2.$n" 2>"err.$2.$n"
        echo "$n $?" >>"rc.$2"
        # The lines that name the written file or the database name them
        # where they are; backup says how long it took.
        sed -i "s|$T/w.$2.$n|OUT|g; s|$1|DB|g; s| in [0-9.]* s,| in N s,|" \
            "out.$2.$n"
    done <commands
}

run_all "$DB" rw
seal "$DB"
run_all "$RO/schoolrisk.db" ro

n=0
while IFS= read -r line; do
    n=$((n + 1))
    begin "read-only ($KIND): $line"
    RC=$(sed -n "${n}p" rc.ro | cut -d' ' -f2)
    rc_is 0
    [ "$(sed -n "${n}p" rc.rw)" = "$n 0" ] ||
        fail "on the writable original: $(sed -n "${n}p" rc.rw), $(head -c 300 "err.rw.$n")"
    [ ! -s "err.ro.$n" ] || fail "stderr: $(head -c 300 "err.ro.$n")"
    same stdout "out.rw.$n" "out.ro.$n"
    [ -s "out.ro.$n" ] || fail "no output"
    case $line in
    *OUT*) [ -s "$T/w.ro.$n" ] || fail "nothing written to OUT" ;;
    esac
    end
done <commands

begin "read-only ($KIND): nothing was added beside the database"
[ "$(ls -A "$RO")" = schoolrisk.db ] || fail "files: $(ls -A "$RO" | tr '\n' ' ')"
end

begin "read-only ($KIND): the workbooks hold the same cells"
"$PY" - "$T/w.rw.23" "$T/w.ro.23" "$T/w.rw.24" "$T/w.ro.24" >"$T/cells" 2>&1 <<'PYEOF' ||
import sys, zipfile
# The same workbook but for the moment it was written (docProps/core.xml).
for a, b in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    names = [n for n in za.namelist() if n != "docProps/core.xml"]
    assert names == [n for n in zb.namelist() if n != "docProps/core.xml"], (a, b)
    for n in names:
        assert za.read(n) == zb.read(n), (a, n)
PYEOF
    fail "workbooks differ: $(cat "$T/cells")"
end

begin "read-only ($KIND): a command that writes says what it needs (exit 4)"
run hazard add --db "$RO/schoolrisk.db" --school "$SCHOOL" --level general --description x
rc_is 4
out_empty
# SQLite's reason: it cannot create the "-shm" on a read-only file
# system, and knows the directory is read-only when it is by its mode.
if [ $KIND = mount ]; then
    REASON="unable to open database file"
else
    REASON="attempt to write a readonly database"
fi
err_is "schoolrisk: error: cannot open database '$RO/schoolrisk.db' for writing: $REASON (a command that changes it must be able to write the file and its directory)"
end

begin "read-only ($KIND): a schema to upgrade is not upgraded (exit 1)"
unseal
cp "$DB" old.db
"$PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 1"); c.commit(); c.close()' old.db
seal old.db
run schools list --db "$RO/old.db"
rc_is 1
out_empty
err_is "schoolrisk: error: database '$RO/old.db' has schema version 1, this schoolrisk needs 13, and a command that only reads does not upgrade it; run 'schoolrisk init' where it can be written"
end

# A copy taken while another connection had the database open (the
# service, killed): its log holds the last changes.  hold.py keeps a
# connection open while schoolrisk writes, so that the log is not folded
# into the file at close, and copies the files.
unseal
rm -rf live && mkdir live && cp "$DB" live/
cat >hold.py <<'PYEOF'
import os, shutil, sqlite3, subprocess, sys
binary, db, dest = sys.argv[1:4]
c = sqlite3.connect(db)
c.execute("SELECT count(*) FROM schools").fetchone()
subprocess.run([binary, "hazard", "add", "--db", db, "--school", sys.argv[4],
                "--level", "major", "--description", "日志里的隐患"],
               check=True, stdout=subprocess.DEVNULL)
for suffix in ("", "-wal", "-shm"):
    shutil.copy(db + suffix, os.path.join(dest, "with-shm.db" + suffix))
for suffix in ("", "-wal"):
    shutil.copy(db + suffix, os.path.join(dest, "no-shm.db" + suffix))
os._exit(0)  # no close: the log stays as a killed service leaves it
PYEOF
"$PY" hold.py "$BIN" live/schoolrisk.db . "$SCHOOL" || fail "hold.py failed"
"$BIN" hazards list --db live/schoolrisk.db >live.out 2>&1
seal with-shm.db with-shm.db-wal with-shm.db-shm no-shm.db no-shm.db-wal

begin "read-only ($KIND): a log with its -shm is read with its changes"
[ -s with-shm.db-wal ] || fail "the copy has no log"
run hazards list --db "$RO/with-shm.db"
rc_is 0
err_empty
same stdout live.out "$T/out"
[ "$(tail -n 1 "$T/out" | cut -d' ' -f1)" -eq \
  $(($(tail -n 1 out.rw.9 | cut -d' ' -f1) + 1)) ] ||
    fail "the hazard added in the log is not counted: $(tail -n 1 "$T/out")"
end

begin "read-only ($KIND): a log without its -shm is refused, not ignored (exit 4)"
run hazards list --db "$RO/no-shm.db"
rc_is 4
out_empty
err_is "schoolrisk: error: cannot read database '$RO/no-shm.db': its write-ahead log '$RO/no-shm.db-wal' holds changes that cannot be read without its '-shm' file where nothing can be written (unable to open database file); copy the database with its '-wal' file to a writable place and read it there"
end

finish
