#!/bin/bash
# test_serve_replica.sh - `serve --db PRIMARY --read-db STANDBY`: the
# service writes to the primary and reads its workbook downloads from a
# streaming-replication standby (two clusters of their own on loopback
# ports, as tests/pg/test_replica.sh).  Through the service: users, an
# inspection, a hazard's loop on the primary; once the standby has
# replayed them, the district and city workbooks downloaded through the
# API are the same, cell for cell (but the time they were made), as
# `report` writes them from the primary.  Then the standby is stopped: a
# download is 503 naming it, without the URI's password (the thread's
# connection breaking, then failing to connect; the bulletins' workbooks
# too), while the rest of the service, reads and writes,
# works on (serve_pg.py replica).
#
# Needs PostgreSQL 15's binaries and $SR_TEST_PG as the other
# PostgreSQL tests; skipped (77) without it, failed under CI=true.
. "$(dirname "$0")/../cli/lib.sh"

needs_pg_cluster
CLUSTER=$SRC/scripts/pg-cluster.sh
READ="$PY $SRC/tests/unit/report_xlsx_read.py"
P=$(mktemp -d /tmp/sr-prim.XXXXXX) S=$(mktemp -d /tmp/sr-stby.XXXXXX)
trap 'bash "$CLUSTER" stop "$S" >/dev/null 2>&1; bash "$CLUSTER" stop "$P" >/dev/null 2>&1; rm -rf "$T"' EXIT

begin "a primary and a streaming standby on loopback ports"
PRIMARY=$(bash "$CLUSTER" start "$P" auto) || fail "the primary did not start"
STANDBY=$(bash "$CLUSTER" standby "$S" auto "$P") || fail "the standby did not start"
[ "$("$PSQL" -X -At -d "$STANDBY" -c 'SELECT pg_is_in_recovery()')" = t ] || fail "the standby is not in recovery"
end

DB=${PRIMARY%/postgres}/schoolrisk
# With a password (the test cluster trusts loopback and ignores it):
# the 503 must not show it.
READDB=$(printf '%s\n' "${STANDBY%/postgres}/schoolrisk" | sed 's|://postgres@|://postgres:sekrit@|')
"$PSQL" -X -q -d "$PRIMARY" -c "CREATE DATABASE schoolrisk" || { echo "createdb"; exit 1; }
"$BIN" init --db "$DB" >/dev/null || { echo "init"; exit 1; }

begin "serve --read-db: the work, the downloads from the standby, the standby stopped"
mkdir out
"$PY" "$SRC/tests/pg/serve_pg.py" "$BIN" "$SRC" replica "$DB" "$READDB" "$S" out >serve.out 2>serve.err
RC=$?
rc_is 0
grep -q '^4 passed, 0 failed$' serve.out || fail "serve_pg.py: $(cat serve.out) $(tail -20 serve.err)"
grep '^503: ' serve.err | head -2 >&2
end

begin "the downloads from the standby are report's workbooks from the primary, cell for cell"
for w in district city; do
    [ -s out/$w.xlsx ] && [ -s out/cli-$w.xlsx ] || { fail "no $w workbook"; continue; }
    # The time each was made is its own (说明's 生成时间).
    $READ out/$w.xlsx >api.all
    $READ out/cli-$w.xlsx >cli.all
    [ "$(grep -c '^说明!B[0-9]*=.*（北京时间；' api.all)" = 1 ] || fail "no time on the $w workbook's 说明"
    grep -v '^说明!B[0-9]*=.*（北京时间；' api.all >api.cells
    grep -v '^说明!B[0-9]*=.*（北京时间；' cli.all >cli.cells
    diff cli.cells api.cells >>"$T/diff" || fail "the $w workbook differs (diff on stderr)"
    [ "$(grep -c '!' api.cells)" -gt 20 ] || fail "too few cells in the $w workbook"
done
grep -q '^说明!.*=市局安全处$' api.cells || fail "the 说明 sheet does not name the user"
end

finish
