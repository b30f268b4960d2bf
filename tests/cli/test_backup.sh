#!/bin/bash
# End-to-end tests of `schoolrisk backup`: the copy of a database with a
# registry lists the same schools and keeps the audit chain; an existing
# DEST is refused (exit 1) unless --force; a missing database exits 4; a
# DEST in a missing directory exits 1, like any output that cannot be
# written (`report -o` does the same); and a copy taken while another
# process writes in a loop is one consistent snapshot that passes
# PRAGMA integrity_check, with the writer never held up.  No case leaves
# a temporary file (DEST.tmp-XXXXXX) behind.
#
# Run by ctest as:  bash test_backup.sh /path/to/schoolrisk /path/to/source-tree
. "$(dirname "$0")/lib.sh"

export SCHOOLRISK_DB=$(newdb s)
export SCHOOLRISK_CLOCK=2026-09-01T08:00:00Z
export SCHOOLRISK_USER=王老师
TPL=$SRC/templates/schools-import.csv
# The sqlite3 shell, waiting for locks as schoolrisk does (a connection
# that closes last briefly locks the file to remove the -wal).
SQL() { sqlite3 -cmd ".timeout 10000" "$@"; }
no_temp() { ! ls -a | grep -q '\.tmp-' || fail "a temporary file was left: $(ls -a | grep '\.tmp-')"; }
# "backed up 'SRC' to 'DEST': N pages (X.Y MB) in S.SS s, integrity ok"
summary_ok() { # SRC DEST
    grep -Eqx "backed up '$1' to '$2': [0-9]+ pages \([0-9]+\.[0-9] (kB|MB|GB)\) in [0-9]+\.[0-9]{2} s, integrity ok" "$T/out" ||
        fail "unexpected summary: $(cat "$T/out")"
}

"$BIN" init --no-indicators >/dev/null &&
    "$BIN" schools import "$TPL" >/dev/null ||
    { echo "FAIL cannot create the database"; exit 1; }

# `backup` is SQLite's online backup (pages copied to a file): on
# PostgreSQL it is refused, and the rest of this script is SQLite only.
if on_pg; then
    begin "backup of a PostgreSQL database is refused: db copy is named, nothing written"
    run backup copy.db
    rc_is 1; out_empty
    err_is "schoolrisk: error: cannot back up a PostgreSQL database: copy it with 'schoolrisk db copy'"
    [ ! -e copy.db ] || fail "copy.db was written"
    no_temp
    end
    sqlite_only "the online backup, its file and its integrity check"
fi

# ------------------------------------------------------------ the copy
begin "a copy lists the same schools"
run backup copy.db
rc_is 0; err_empty
summary_ok "$SCHOOLRISK_DB" copy.db
"$BIN" schools list >want.txt
run schools list --db copy.db
rc_is 0
same "schools list" want.txt "$T/out"
[ "$(SQL copy.db 'PRAGMA integrity_check')" = ok ] || fail "the copy fails its integrity check"
[ "$(SQL copy.db 'PRAGMA journal_mode')" = delete ] || fail "the copy is not in rollback-journal mode"
[ ! -e copy.db-wal ] || fail "the copy has a -wal file"
no_temp
end

begin "--db names the database; the copy keeps the audit chain"
run backup --db s.db copy2.db
rc_is 0
summary_ok s.db copy2.db
"$BIN" audit verify >want.txt
run audit verify --db copy2.db
rc_is 0
same "audit verify" want.txt "$T/out"
end

# ------------------------------------------------------------ errors
begin "an existing DEST is refused and left as it is"
echo "an older backup" >old.db
run backup old.db
rc_is 1; out_empty
err_is "schoolrisk: error: cannot write backup 'old.db': the file exists (--force replaces it)"
[ "$(cat old.db)" = "an older backup" ] || fail "old.db changed"
no_temp
end

begin "--force replaces an existing DEST"
run backup --force old.db
rc_is 0; err_empty
summary_ok "$SCHOOLRISK_DB" old.db
[ "$(SQL old.db 'SELECT count(*) FROM schools')" = 2 ] || fail "old.db is not the copy"
no_temp
end

begin "a missing database exits 4"
run backup --db missing.db x.db
rc_is 4; out_empty
err_is "schoolrisk: error: cannot open database 'missing.db': unable to open database file (run 'schoolrisk init' to create it)"
[ ! -e x.db ] || fail "x.db was written"
[ ! -e missing.db ] || fail "missing.db was created"
end

begin "a DEST in a missing directory exits 1"
run backup no-such-dir/x.db
rc_is 1; out_empty
err_is "schoolrisk: error: cannot write backup 'no-such-dir/x.db': No such file or directory"
[ ! -e no-such-dir ] || fail "the directory was created"
no_temp
end

begin "usage: DEST is required, one only; --help"
run backup
rc_is 2
grep -q '^usage: schoolrisk backup ' "$T/err" || fail "no usage on stderr"
run backup a.db b.db
rc_is 2
run backup --help
rc_is 0
grep -q '^usage: schoolrisk backup ' "$T/out" || fail "no usage on stdout"
end

# ------------------------------------------------------------ online
# About 32 MB in a table of random rows, so that the copy takes long
# enough for the writer below to commit many times during it.
SQL "$SCHOOLRISK_DB" "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 8000)
INSERT INTO t(b) SELECT randomblob(4000) FROM c;"

writer() { # insert one row per transaction until the file 'stop' exists
    while [ ! -e stop ]; do
        SQL "$SCHOOLRISK_DB" \
            "INSERT INTO t(b) VALUES (randomblob(4000))" >/dev/null 2>>"$T/werr" ||
            echo "insert failed" >>"$T/werr"
    done
}

begin "a backup taken while another process writes in a loop"
: >"$T/werr"
writer &
wpid=$!
# Let the writer get going before the copy starts.
for _ in $(seq 100); do
    [ "$(SQL "$SCHOOLRISK_DB" 'SELECT count(*) FROM t')" -gt 8002 ] && break
    sleep 0.05
done
before=$(SQL "$SCHOOLRISK_DB" 'SELECT count(*) FROM t')
run backup online.db
during=$(SQL "$SCHOOLRISK_DB" 'SELECT count(*) FROM t')
touch stop
wait "$wpid"
after=$(SQL "$SCHOOLRISK_DB" 'SELECT count(*) FROM t')
rc_is 0; err_empty
summary_ok "$SCHOOLRISK_DB" online.db
[ ! -s "$T/werr" ] || fail "the writer failed: $(head -3 "$T/werr")"
[ "$during" -gt "$before" ] || fail "the writer committed nothing during the backup ($before rows before, $during after)"
[ "$(SQL online.db 'PRAGMA integrity_check')" = ok ] || fail "the copy fails its integrity check"
# One snapshot: every row committed before some moment, no gaps.
set -- $(SQL -separator ' ' online.db 'SELECT count(*), max(id) FROM t')
[ "$1" = "$2" ] || fail "the copy has $1 rows but ids up to $2"
[ "$1" -ge "$before" ] && [ "$1" -le "$after" ] ||
    fail "the copy has $1 rows, not between $before and $after"
[ "$(SQL online.db 'SELECT count(*) FROM schools')" = 2 ] || fail "the copy lacks the schools"
no_temp
end

finish
