#!/bin/bash
# test_indexes.sh - the requests of a working day read the tables that
# grow with the city through indexes (issue 13's province): the service
# on PostgreSQL with sequential scans off and every plan logged
# (tests/pg/indexes.py says what is checked).  A scan of 200,000
# hazards per request is invisible on the suite's small databases and
# costs a province 70 ms a submission.
#
# Needs $SR_TEST_PG (scripts/test.sh starts a cluster); skipped (77)
# without it, failed under CI=true.
. "$(dirname "$0")/../cli/lib.sh"

needs_pg_cluster
PG=$("$SRC/tests/pg/newdb.sh" pg_test_indexes) || { echo "cannot make a database"; exit 1; }
data=$("$PSQL" -X -A -t -d "$SR_TEST_PG" -c "SHOW data_directory") || { echo "data_directory"; exit 1; }
LOG=$(dirname "$data")/server.log
[ -f "$LOG" ] || { echo "no server log at $LOG"; exit 1; }

begin "an inspection and the hazard ledger through the service: no growing table read whole"
"$PY" "$SRC/tests/pg/indexes.py" "$BIN" "$SRC" "$PG" "$LOG" >web.out 2>&1 ||
    fail "$(cat web.out)"
end

finish
