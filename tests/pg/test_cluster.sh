# test_cluster.sh - the throwaway PostgreSQL cluster the tests of issue
# 13 run on (scripts/pg-cluster.sh, started by scripts/test.sh, its URI in
# $SR_TEST_PG) is what they expect: PostgreSQL 15, UTF-8 with byte-order
# collation, reachable on 127.0.0.1 only and trusting nothing else, and
# tests/pg/newdb.sh gives a test a fresh database of its own.
#
# Without $SR_TEST_PG (ctest run alone, no cluster) the test is skipped
# (exit 77), except under CI=true, where the cluster must be there.
. "$(dirname "$0")/../cli/lib.sh"

needs_pg_cluster
NEWDB=$SRC/tests/pg/newdb.sh
DB=pg_test_cluster

# sql URI SQL...: the rows of each statement, unaligned, in $T/out.
sql() {
    local uri=$1
    shift
    local args=()
    for s in "$@"; do args+=(-c "$s"); done
    "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$uri" "${args[@]}" \
        >"$T/out" 2>"$T/err"
    RC=$?
}

# The port of the URI: scheme://user@host:PORT/db.
PORT=${SR_TEST_PG#*://}
PORT=${PORT%%/*}
PORT=${PORT##*:}

begin "the server is PostgreSQL 15, UTF-8, collation C"
sql "$SR_TEST_PG" "SELECT current_setting('server_version_num')::int / 10000" \
    "SHOW server_encoding" "SHOW lc_collate" "SHOW lc_ctype"
rc_is 0
out_is "15
UTF8
C
C"
end

begin "it listens on 127.0.0.1 only"
sql "$SR_TEST_PG" "SHOW listen_addresses"
rc_is 0
out_is "127.0.0.1"
if command -v ss >/dev/null 2>&1; then
    ss -ltnH "sport = :$PORT" | awk '{ print $4 }' >"$T/listen"
    printf '127.0.0.1:%s\n' "$PORT" >"$T/exp"
    same "the sockets listening on port $PORT (ss -ltn)" "$T/exp" "$T/listen"
fi
# Not on IPv6's loopback, nor on the host's other addresses.
for addr in ::1 $(hostname -I 2>/dev/null); do
    case $addr in 127.*) continue ;; esac
    if "$PSQL" -X -At -d "postgresql://postgres@[${addr}]:$PORT/postgres?connect_timeout=3" \
            -c "SELECT 1" >/dev/null 2>&1; then
        fail "a connection to $addr:$PORT was accepted"
    fi
done
end

begin "it trusts local sockets and 127.0.0.1, no other address"
sql "$SR_TEST_PG" "SELECT DISTINCT type || ' ' || coalesce(address, '-') || ' ' || coalesce(netmask, '-')
                   FROM pg_hba_file_rules ORDER BY 1"
rc_is 0
out_is "host 127.0.0.1 255.255.255.255
local - -"
end

begin "newdb.sh makes a database and prints its URI; it can be dropped"
"$NEWDB" "$DB" >"$T/uri" 2>"$T/err"
RC=$?
rc_is 0
URI=$(cat "$T/uri")
[ "$URI" = "postgresql://postgres@127.0.0.1:$PORT/$DB" ] ||
    fail "newdb.sh printed '$URI'"
sql "$URI" "SELECT current_database()" \
    "CREATE TABLE t (x int)" "INSERT INTO t VALUES (42)" "SELECT x FROM t"
rc_is 0
out_is "$DB
42"
sql "$SR_TEST_PG" "DROP DATABASE $DB" \
    "SELECT count(*) FROM pg_database WHERE datname = '$DB'"
rc_is 0
out_is "0"
end

begin "newdb.sh again gives an empty database, even over a leftover one"
"$NEWDB" "$DB" >/dev/null 2>"$T/err" || fail "first newdb.sh: $(cat "$T/err")"
sql "$URI" "CREATE TABLE leftover (x int)"
"$NEWDB" "$DB" >"$T/uri" 2>"$T/err"
RC=$?
rc_is 0
err_empty
sql "$URI" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
out_is "0"
sql "$SR_TEST_PG" "DROP DATABASE $DB"
rc_is 0
end

begin "newdb.sh refuses a name that is not a plain identifier"
"$NEWDB" 'x"; DROP DATABASE postgres; --' >"$T/out" 2>"$T/err"
RC=$?
rc_is 2
out_empty
err_is "usage: tests/pg/newdb.sh NAME (a-z, 0-9 and _, starting with a letter)"
"$NEWDB" postgres >"$T/out" 2>"$T/err"
RC=$?
rc_is 2
err_is "newdb.sh: 'postgres' is the cluster's own database"
end

finish
