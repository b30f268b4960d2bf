#!/bin/bash
# test_schema13.sh - the upgrade to schema 13 (issue 13), on either store:
# `init` brings a database at 12 to 13, and each hazard event then has
# its deadline, a column the engine reads off the event's state (VIRTUAL
# on SQLite, STORED on PostgreSQL), for the events already there and
# for new ones; the column cannot be written; a second `init` changes
# nothing.
#
# Run by ctest as:  bash test_schema13.sh /path/to/schoolrisk /path/to/source-tree
. "$(dirname "$0")/lib.sh"

DB=$(newdb up13) || { echo "cannot make a database"; exit 1; }

begin "a new database is at 13"
run init --db "$DB" --no-indicators --by 市教育局
rc_is 0
out_has "database ready (schema version 13)"
end

# Back to 12, as a database written before this version: no column.
if on_pg; then
    sql "$DB" "ALTER TABLE hazard_events DROP COLUMN deadline" \
        "UPDATE schema_version SET version = 12"
else
    sql "$DB" "ALTER TABLE hazard_events DROP COLUMN deadline" \
        "PRAGMA user_version = 12"
fi
sql "$DB" "INSERT INTO schools(code, name, district, stage, ownership, locale,
             boarding, school_bus, canteen, laboratory, swimming_pool,
             enrollment, boarders, special_needs, updated_at, updated_by)
           VALUES ('3701020001', '历下一小', '370102', 'primary', 'public',
             'urban', 0, 0, 0, 0, 0, 100, 0, 0, 't', 't')" \
    "INSERT INTO hazards(id, school, level, description, status, found_on, found_by)
     VALUES (1, '3701020001', 'general', 'd', 'rectifying', '2026-01-05', 'i')" \
    "INSERT INTO hazard_events(id, hazard, at, by, to_status, state)
     VALUES (1, 1, '2026-01-05T01:00:00Z', 'i', 'open', NULL),
            (2, 1, '2026-01-06T01:00:00Z', 'i', 'rectifying',
             '{\"responsible\":\"张\",\"deadline\":\"2026-05-01\",\"measures\":\"m\"}'),
            (3, 1, '2026-01-07T01:00:00Z', 'i', 'rectifying',
             '{\"responsible\":\"张\",\"deadline\":null,\"measures\":\"deadline\"}')" ||
    fail "cannot write the rows of schema 12"

begin "init upgrades 12 to 13, with the deadlines of the events there"
run init --db "$DB" --no-indicators --by 市教育局
rc_is 0
out_has "database ready (schema version 13)"
sql "$DB" "SELECT id, coalesce(deadline, '-') FROM hazard_events ORDER BY id" >"$T/got"
printf '1|-\n2|2026-05-01\n3|-\n' >"$T/want"
same "deadlines" "$T/want" "$T/got"
end

begin "a new event's deadline is its state's, and the column is never written"
sql "$DB" "INSERT INTO hazard_events(id, hazard, at, by, to_status, state)
           VALUES (4, 1, '2026-01-08T01:00:00Z', 'i', 'rectifying',
                   '{\"deadline\":\"2026-06-30\"}')" || fail "cannot add an event"
[ "$(sql "$DB" "SELECT deadline FROM hazard_events WHERE id = 4")" = 2026-06-30 ] ||
    fail "event 4's deadline is not 2026-06-30"
sql "$DB" "INSERT INTO hazard_events(id, hazard, at, by, to_status, state, deadline)
           VALUES (5, 1, 't', 'i', 'open', '{}', '2026-01-01')" 2>"$T/err" &&
    fail "a deadline was written"
grep -q 'column "deadline"' "$T/err" || fail "the refusal said: $(cat "$T/err")"
end

begin "a second init leaves it at 13"
run init --db "$DB" --no-indicators --by 市教育局
rc_is 0
out_has "database ready (schema version 13)"
if on_pg; then
    v=$(sql "$DB" "SELECT version FROM schema_version")
else
    v=$(sql "$DB" "PRAGMA user_version")
fi
[ "$v" = 13 ] || fail "the version is $v"
[ "$(sql "$DB" "SELECT count(*) FROM hazard_events")" = 4 ] || fail "the events changed"
end

finish
