#!/usr/bin/env bash
# tests/pg/newdb.sh NAME: a fresh, empty database NAME on the test
# cluster of $SR_TEST_PG (scripts/pg-cluster.sh; scripts/test.sh starts
# one and exports its URI), dropped first if a previous run left it;
# prints its URI, $SR_TEST_PG with the database part replaced.  Each
# PostgreSQL test takes its own NAME (its own name, e.g. pg_cluster), so
# that tests running side by side (ctest -j) never share a database.
#
# NAME: lower-case letters, digits and _, starting with a letter (it is
# put into the SQL as an identifier, so nothing else is accepted).
# Exit status: 0 done, 1 the server refused, 2 usage or no $SR_TEST_PG.
set -euo pipefail

name=${1:-}
if [ $# -ne 1 ] || ! [[ $name =~ ^[a-z][a-z0-9_]{0,62}$ ]]; then
    echo "usage: tests/pg/newdb.sh NAME (a-z, 0-9 and _, starting with a letter)" >&2
    exit 2
fi
case $name in
postgres | template0 | template1)
    echo "newdb.sh: '$name' is the cluster's own database" >&2
    exit 2 ;;
esac
if [ -z "${SR_TEST_PG:-}" ]; then
    echo "newdb.sh: SR_TEST_PG is not set (the URI scripts/pg-cluster.sh start prints)" >&2
    exit 2
fi
psql=${SR_PG_BINDIR:-/usr/lib/postgresql/15/bin}/psql

# DROP and CREATE DATABASE cannot run in a transaction: two -c, each
# its own.  FORCE: a crashed test's connections do not keep it alive.
# No NOTICE when there is nothing to drop.
if ! "$psql" -X -q -v ON_ERROR_STOP=1 -d "$SR_TEST_PG" \
        -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
        -c "CREATE DATABASE $name" >/dev/null; then
    echo "newdb.sh: could not make the database $name on $SR_TEST_PG" >&2
    exit 1
fi

# scheme://authority[/database][?parameters] -> the same with NAME.
uri=$SR_TEST_PG params=
case $uri in *\?*) params="?${uri#*\?}"; uri=${uri%%\?*} ;; esac
scheme=${uri%%://*}
rest=${uri#*://}
authority=${rest%%/*}
echo "$scheme://$authority/$name$params"
