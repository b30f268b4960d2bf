#!/bin/bash
# The PostgreSQL schema (src/store/schema_pg.sql, issue 13) against
# SQLite's at the same version: loaded into a fresh database of the
# cluster SR_TEST_PG names, it has every table of a fresh SQLite
# database with the same columns in the same order, types and NOT NULL,
# the same primary keys, unique constraints, foreign keys, indexes and
# triggers; the same statements run on both engines are refused with the
# same messages (a published plan, the audit chain, hazard events, a
# submitted assessment and its answers...) and allowed alike (a draft's
# answers, a draft plan); logins are unique and found ignoring case on
# both; and the functions given to PostgreSQL answer as SQLite's own
# (sr_sha256 as sha256sum, json_each, json_extract, instr, date).
#
# SR_TEST_PG is a URI of a throwaway cluster whose user may create
# databases (postgresql://postgres@127.0.0.1:PORT/postgres); without it
# the test is skipped (77), except under CI=true, where the cluster must
# be there.  The test makes its database, pg_test_schema, afresh (a
# crashed run's is dropped first) and drops it at the end.
#
# Run by ctest as:  bash test_schema.sh /path/to/schoolrisk /path/to/source-tree
. "$(dirname "$0")/../cli/lib.sh"
needs_pg_cluster

SCHEMA=$SRC/src/store/schema_pg.sql
DBNAME=pg_test_schema
# The cluster's URI with our database instead of its own.
PGDB=$("$PY" -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$SR_TEST_PG" "$DBNAME")
cleanup() {
    psql -X -q "$SR_TEST_PG" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

# PG/LITE SQL: one statement on each engine; its rows, '|'-separated, on
# stdout, and the engine's own error message (no prefix, no code) on
# stderr.
PG() {
    psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=terse "$PGDB" \
        -c "SET search_path = schoolrisk, pg_catalog" -c "$1" 2>"$T/raw"
    local rc=$?
    sed -E 's/^ERROR:  //' "$T/raw" >&2
    return $rc
}
LITE() {
    sqlite3 -bail -cmd "PRAGMA foreign_keys = ON" "$T/lite.db" "$1" 2>"$T/raw"
    local rc=$?
    sed -E 's/^(Error: (stepping, )?|Runtime error near line [0-9]+: )//; s/ \([0-9]+\)$//' "$T/raw" >&2
    return $rc
}

psql -X -q "$SR_TEST_PG" -c "SET client_min_messages = warning" \
    -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" \
    -c "CREATE DATABASE $DBNAME ENCODING 'UTF8' TEMPLATE template0" >/dev/null ||
    { echo "FAIL cannot create the database $DBNAME"; exit 1; }
SCHOOLRISK_DB=$T/lite.db "$BIN" init --no-indicators >/dev/null ||
    { echo "FAIL cannot create the SQLite database"; exit 1; }

# ------------------------------------------------------------- loading
begin "the script loads in one transaction with ON_ERROR_STOP"
psql -X -q -v ON_ERROR_STOP=1 -1 "$PGDB" -f "$SCHEMA" >load.out 2>&1
RC=$?
rc_is 0
[ -s load.out ] && fail "psql said: $(head -c 300 load.out)"
end

begin "it records the version SQLite's migrations reach"
PG "SELECT version FROM schema_version" >pg.txt 2>&1
LITE "PRAGMA user_version" >lite.txt 2>&1
same "version" lite.txt pg.txt
[ "$(cat pg.txt)" = 13 ] || fail "schema_version is '$(cat pg.txt)'"
end

# --------------------------------------------------------- the structure
# SQLite's column types, as PostgreSQL names them here.
TYPES="replace(replace(p.type, 'INTEGER', 'bigint'), 'TEXT', 'text')"

begin "every table, with its columns in order, types, NOT NULL and generated"
# An INTEGER PRIMARY KEY is never NULL in SQLite either (the rowid).  A
# generated column (hidden 2, VIRTUAL, or 3, STORED) is listed by
# table_xinfo alone; SQLite's is VIRTUAL and PostgreSQL's STORED.
LITE "SELECT m.name, p.cid + 1, p.name, $TYPES, p.\"notnull\" OR p.pk > 0,
             p.hidden IN (2, 3)
      FROM sqlite_master m, pragma_table_xinfo(m.name) p
      WHERE m.type = 'table' ORDER BY m.name, p.cid" >lite.txt 2>&1
PG "SELECT table_name, ordinal_position, column_name, data_type,
           CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END,
           CASE is_generated WHEN 'ALWAYS' THEN 1 ELSE 0 END
    FROM information_schema.columns
    WHERE table_schema = 'schoolrisk' AND table_name <> 'schema_version'
    ORDER BY table_name, ordinal_position" >pg.txt 2>&1
same "columns" lite.txt pg.txt
grep -qx 'hazard_events|12|deadline|text|0|1' pg.txt ||
    fail "hazard_events.deadline is not a generated column"
[ "$(wc -l <lite.txt)" -gt 250 ] || fail "only $(wc -l <lite.txt) columns read from SQLite"
end

begin "the same primary keys and unique constraints"
# SQLite: the rowid's column, and the indexes made by PRIMARY KEY and
# UNIQUE (origin pk, u), with their columns in order.
LITE "SELECT m.name, 'p', p.name FROM sqlite_master m, pragma_table_info(m.name) p
      WHERE m.type = 'table' AND p.pk = 1 AND p.type = 'INTEGER'
        AND (SELECT count(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0) = 1
      UNION ALL
      SELECT m.name, CASE l.origin WHEN 'pk' THEN 'p' ELSE 'u' END,
             (SELECT group_concat(name, ',') FROM
               (SELECT i.name FROM pragma_index_info(l.name) i ORDER BY i.seqno))
      FROM sqlite_master m, pragma_index_list(m.name) l
      WHERE m.type = 'table' AND l.origin IN ('pk', 'u')" | sort >lite.txt 2>&1
PG "SELECT c.conrelid::regclass::text, c.contype,
           (SELECT string_agg(a.attname, ',' ORDER BY k.n)
            FROM unnest(c.conkey) WITH ORDINALITY k(att, n)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att)
    FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace
    WHERE s.nspname = 'schoolrisk' AND c.contype IN ('p', 'u')" | sort >pg.txt 2>&1
same "keys" lite.txt pg.txt
grep -qx 'users|u|login' pg.txt || fail "users.login is not unique"
end

begin "the same foreign keys"
LITE "SELECT m.name, f.\"from\", f.\"table\", f.\"to\"
      FROM sqlite_master m, pragma_foreign_key_list(m.name) f
      WHERE m.type = 'table'" | sort >lite.txt 2>&1
PG "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, b.attname
    FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace,
         unnest(c.conkey, c.confkey) k(att, ref)
    JOIN pg_attribute a ON a.attnum = k.att
    JOIN pg_attribute b ON b.attnum = k.ref
    WHERE s.nspname = 'schoolrisk' AND c.contype = 'f'
      AND a.attrelid = c.conrelid AND b.attrelid = c.confrelid" | sort >pg.txt 2>&1
same "foreign keys" lite.txt pg.txt
[ "$(wc -l <pg.txt)" -ge 50 ] || fail "only $(wc -l <pg.txt) foreign keys"
end

begin "the same indexes, on the same columns and rows"
LITE "SELECT m.tbl_name, m.name,
             (SELECT group_concat(name, ',') FROM
               (SELECT i.name FROM pragma_index_info(m.name) i ORDER BY i.seqno)),
             m.sql LIKE '% WHERE %'
      FROM sqlite_master m WHERE m.type = 'index' AND m.sql IS NOT NULL" | sort >lite.txt 2>&1
PG "SELECT t.relname, c.relname,
           (SELECT string_agg(a.attname, ',' ORDER BY k.n)
            FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(att, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att),
           CASE WHEN i.indpred IS NULL THEN 0 ELSE 1 END
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'schoolrisk' AND t.relname <> 'schema_version'
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)" \
    | sort >pg.txt 2>&1
same "indexes" lite.txt pg.txt
end

begin "every trigger of SQLite, by its name"
LITE "SELECT lower(name) FROM sqlite_master WHERE type = 'trigger'" | sort >lite.txt 2>&1
PG "SELECT DISTINCT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'schoolrisk' AND NOT t.tgisinternal
      AND t.tgname NOT LIKE '%\_truncate'" | sort >pg.txt 2>&1
same "triggers" lite.txt pg.txt
[ "$(wc -l <pg.txt)" -eq 40 ] || fail "$(wc -l <pg.txt) triggers, expected 40"
end

# ------------------------------------------------------------ behaviour
# The same rows on both engines: a user, a system, a school, a submitted
# assessment (1) and a draft (2) with an answer each, a published plan
# (1) with a school and a draft plan (2), a hazard with an event, and
# an audit record.  Statements in the SQL both engines read.
FIXTURE=(
"INSERT INTO users(id, login, name, password_hash, password_set_at, created_at, created_by)
 VALUES (1, 'Alice', '爱丽丝', 'h', 't', 't', 't')"
"INSERT INTO systems(id, version, title, stages, xml, sha256, loaded_at, loaded_by, seq)
 VALUES ('sys', '1', 'S', 'primary', '<x/>', '0', 't', 't', 1)"
"INSERT INTO schools(code, name, district, stage, ownership, locale, boarding,
   school_bus, canteen, laboratory, swimming_pool, enrollment, boarders,
   special_needs, updated_at, updated_by)
 VALUES ('3701020001', '历下一小', '370102', 'primary', 'public', 'urban', 0, 0,
   0, 0, 0, 100, 0, 0, 't', 't')"
"INSERT INTO assessments(id, school, system_id, system_version, assessed_on,
   inspector, status, created_at, created_by)
 VALUES (1, '3701020001', 'sys', '1', '2026-01-05', 'i', 'draft', 't', 't'),
        (2, '3701020001', 'sys', '1', '2026-01-06', 'i', 'draft', 't', 't')"
"INSERT INTO answers(assessment, item, value, at, by)
 VALUES (1, 'a', 'pass', 't', 't'), (2, 'a', 'pass', 't', 't')"
"UPDATE assessments SET status = 'submitted' WHERE id = 1"
"INSERT INTO plans(id, district, period, period_start, period_end, as_of, seed,
   school_share, expert_share, avoid_district, cap, pool_schools,
   pool_experts, state, created_at, created_by)
 VALUES (1, '370102', '2026Q1', '2026-01-01', '2026-03-31', '2026-01-01', '42',
   100, 100, 0, 0, 1, 1, 'draft', 't', 't'),
        (2, '370102', '2026Q2', '2026-04-01', '2026-06-30', '2026-04-01', '7',
   100, 100, 0, 0, 1, 1, 'draft', 't', 't')"
"INSERT INTO plan_schools(plan, school, rank, reason, needs, vetoed, band,
   overdue_major, open_major, boarders, special_needs, kindergarten, enrollment)
 VALUES (1, '3701020001', 1, 'mandatory', '', 0, 0, 0, 0, 0, 0, 0, 100),
        (2, '3701020001', 1, 'mandatory', '', 0, 0, 0, 0, 0, 0, 0, 100)"
"UPDATE plans SET state = 'published' WHERE id = 1"
"INSERT INTO hazards(id, school, level, description, status, found_on, found_by)
 VALUES (1, '3701020001', 'general', 'd', 'open', '2026-01-05', 'i')"
"INSERT INTO hazard_events(id, hazard, at, by, to_status) VALUES (1, 1, 't', 'i', 'open')"
"INSERT INTO audit(seq, kind, ref, format, content_sha256, prev_sha256, sha256)
 VALUES (100, 'system', 99, 2, 'c', 'p', 's')"
)

begin "the same rows go into both"
for sql in "${FIXTURE[@]}"; do
    LITE "$sql" 2>>lite.err || fail "SQLite refused: $sql"
    PG "$sql" >/dev/null 2>>pg.err || fail "PostgreSQL refused: $sql"
done
[ -s lite.err ] && fail "SQLite: $(head -c 300 lite.err)"
[ -s pg.err ] && fail "PostgreSQL: $(head -c 300 pg.err)"
# Rows inserted with their ids leave an identity behind them (as after
# `db copy`): it is moved past them, as the schema's comment says.
PG "SELECT setval(pg_get_serial_sequence('users', 'id'), max(id)) FROM users" >/dev/null ||
    fail "cannot move the identity of users"
end

# refused MESSAGE SQL: both engines refuse SQL with MESSAGE.
refused() {
    begin "refused on both: $(echo $2)"
    LITE "$2" >/dev/null 2>lite.err && fail "SQLite did it"
    PG "$2" >/dev/null 2>pg.err && fail "PostgreSQL did it"
    printf '%s\n' "$1" >want.txt
    same "SQLite's message" want.txt lite.err
    same "PostgreSQL's message" want.txt pg.err
    end
}
refused 'a published plan never changes' "UPDATE plans SET period = 'x' WHERE id = 1"
refused 'a published plan is never deleted' "DELETE FROM plans WHERE id = 1"
refused 'a published plan never changes' "UPDATE plan_schools SET needs = 'x' WHERE plan = 1"
refused 'a published plan never changes' "DELETE FROM plan_schools WHERE plan = 1"
refused 'a published plan never changes' \
    "INSERT INTO plan_pairs(plan, school, expert, covered, missing, load_before, why)
     VALUES (1, '3701020001', 1, '', '', 0, '')"
refused 'the audit chain is append-only' "DELETE FROM audit"
refused 'the audit chain is append-only' "UPDATE audit SET format = 3"
refused 'hazard events are append-only' "UPDATE hazard_events SET note = 'x'"
refused 'hazard events are append-only' "DELETE FROM hazard_events"
refused 'hazards are never deleted' "DELETE FROM hazards"
refused 'a submitted assessment never changes' "UPDATE answers SET value = 'fail' WHERE assessment = 1"
refused 'a submitted assessment never changes' \
    "INSERT INTO answers(assessment, item, value, at, by) VALUES (1, 'b', 'pass', 't', 't')"
refused 'a submitted assessment never changes' "DELETE FROM answers WHERE assessment = 1"
refused 'a submitted assessment never changes' "UPDATE assessments SET total = 1 WHERE id = 1"
refused 'a submitted assessment is never deleted' "DELETE FROM assessments WHERE id = 1"
refused 'a stored indicator system never changes' "UPDATE systems SET title = 'x'"
refused 'users are never deleted (disable them)' "DELETE FROM users"
refused 'schools are never deleted (a full import closes them)' "DELETE FROM schools"

begin "TRUNCATE, which SQLite lacks, is refused like DELETE"
PG "TRUNCATE audit" >/dev/null 2>pg.err && fail "PostgreSQL emptied the chain"
printf '%s\n' 'the audit chain is append-only' >want.txt
same "message" want.txt pg.err
PG "TRUNCATE hazard_events, hazards CASCADE" >/dev/null 2>pg.err && fail "PostgreSQL emptied the hazards"
[ "$(PG "SELECT count(*) FROM hazard_events")" = 1 ] || fail "the hazard event is gone"
end

# on_both SQL: a statement both engines must take.
on_both() {
    LITE "$1" 2>lite.err || fail "SQLite refused '$1': $(cat lite.err)"
    PG "$1" >/dev/null 2>pg.err || fail "PostgreSQL refused '$1': $(cat pg.err)"
}
# rows_are WHAT QUERY WANT: QUERY's rows, the same on both engines, are
# WANT (printf %b: \n between rows).
rows_are() {
    LITE "$2" >lite.txt 2>&1
    PG "$2" >pg.txt 2>&1
    same "$1" lite.txt pg.txt
    printf '%b' "$3" >want.txt
    same "$1" want.txt pg.txt
}

begin "an event's deadline is its state's, computed and never written"
for sql in "INSERT INTO hazard_events(id, hazard, at, by, to_status, state)
             VALUES (2, 1, 't', 'i', 'rectifying',
                     '{\"responsible\":\"张\",\"deadline\":\"2026-05-01\",\"measures\":\"m\"}'),
                    (3, 1, 't', 'i', 'rectifying', '{\"deadline\":null}'),
                    (4, 1, 't', 'i', 'rectifying', '{\"measures\":\"deadline\"}')"; do
    on_both "$sql"
done
rows_are "deadlines" "SELECT id, coalesce(deadline, 'NULL') FROM hazard_events ORDER BY id" \
    '1|NULL\n2|2026-05-01\n3|NULL\n4|NULL\n'
sql="INSERT INTO hazard_events(id, hazard, at, by, to_status, state, deadline)
     VALUES (5, 1, 't', 'i', 'open', '{}', '2026-01-01')"
LITE "$sql" 2>lite.err && fail "SQLite wrote a deadline"
PG "$sql" >/dev/null 2>pg.err && fail "PostgreSQL wrote a deadline"
grep -q 'generated column "deadline"' lite.err || fail "SQLite said: $(cat lite.err)"
grep -q 'column "deadline"' pg.err || fail "PostgreSQL said: $(cat pg.err)"
end

begin "a draft's answers and a draft plan change on both"
for sql in "UPDATE answers SET value = 'fail' WHERE assessment = 2" \
           "UPDATE plan_schools SET needs = 'lab' WHERE plan = 2" \
           "DELETE FROM plan_schools WHERE plan = 2" \
           "DELETE FROM plans WHERE id = 2"; do
    on_both "$sql"
done
rows_are "rows" "SELECT (SELECT value FROM answers WHERE assessment = 2), (SELECT count(*) FROM plans)" \
    'fail|1\n'
end

begin "the CHECKs refuse a school code with a letter and a seed with one"
sql="UPDATE schools SET code = '370102000A'"
LITE "$sql" 2>/dev/null && fail "SQLite took '$sql'"
PG "$sql" >/dev/null 2>&1 && fail "PostgreSQL took '$sql'"
LITE "INSERT INTO plans SELECT 3, district, period, period_start, period_end, as_of, '4x',
      school_share, expert_share, avoid_district, cap, pool_schools, pool_experts, 'draft',
      created_at, created_by, NULL, NULL, NULL, NULL FROM plans WHERE id = 1" 2>/dev/null &&
    fail "SQLite took the seed 4x"
PG "INSERT INTO plans SELECT 3, district, period, period_start, period_end, as_of, '4x',
    school_share, expert_share, avoid_district, cap, pool_schools, pool_experts, 'draft',
    created_at, created_by, NULL, NULL, NULL, NULL FROM plans WHERE id = 1" >/dev/null 2>&1 &&
    fail "PostgreSQL took the seed 4x"
end

begin "a login is unique and found ignoring case, on both"
dup="INSERT INTO users(login, name, password_hash, password_set_at, created_at, created_by)
     VALUES ('ALICE', 'x', 'h', 't', 't', 't')"
LITE "$dup" 2>lite.err && fail "SQLite took ALICE beside Alice"
PG "$dup" >/dev/null 2>pg.err && fail "PostgreSQL took ALICE beside Alice"
said() { printf '%s\n' "$2" >want.txt; same "$1" want.txt "$1.err"; }
said lite 'UNIQUE constraint failed: users.login'
said pg 'duplicate key value violates unique constraint "users_login_key"'
q="SELECT id, login FROM users WHERE login = 'aLiCe'"
LITE "$q" >lite.txt 2>&1
PG "$q" >pg.txt 2>&1
same "found" lite.txt pg.txt
printf '1|Alice\n' >want.txt
same "found" want.txt pg.txt
end

begin "ORDER BY login COLLATE \"binary\" is byte order on both"
for l in bob Carol _dan; do
    sql="INSERT INTO users(login, name, password_hash, password_set_at, created_at, created_by)
         VALUES ('$l', 'x', 'h', 't', 't', 't')"
    LITE "$sql" || fail "SQLite refused $l"
    PG "$sql" >/dev/null || fail "PostgreSQL refused $l"
done
q="SELECT login FROM users ORDER BY login COLLATE \"binary\""
LITE "$q" >lite.txt 2>&1
PG "$q" >pg.txt 2>&1
same "order" lite.txt pg.txt
printf 'Alice\nCarol\n_dan\nbob\n' >want.txt
same "order" want.txt pg.txt
end

# ------------------------------------------------------------ functions
begin "sr_sha256 is the SHA-256 of the UTF-8 bytes, NULL for NULL"
for s in '中文' '' 'abc'; do
    want=$(printf '%s' "$s" | sha256sum | cut -d' ' -f1)
    got=$(PG "SELECT sr_sha256('$s')" 2>&1)
    [ "$got" = "$want" ] || fail "sr_sha256('$s') is '$got', sha256sum says '$want'"
done
[ "$(PG "SELECT sr_sha256(NULL) IS NULL")" = t ] || fail "sr_sha256(NULL) is not NULL"
end

# Each query's rows on both engines (NULL shown as 'NULL').
cat >queries.sql <<'EOF'
SELECT value FROM json_each('["370102","中文","a\"b"]')
SELECT count(*) FROM json_each('[]')
SELECT count(*) FROM schools WHERE code IN (SELECT value FROM json_each(CAST('["3701020001","x"]' AS TEXT)))
SELECT json_extract('{"responsible":"张三","deadline":"2026-03-01","n":5}', '$.responsible')
SELECT json_extract('{"responsible":"张三","deadline":"2026-03-01","n":5}', '$.n')
SELECT coalesce(json_extract('{"deadline":null}', '$.deadline'), 'NULL')
SELECT json_extract('{"a":{"b":"x\"y"}}', '$.a.b')
SELECT coalesce(json_extract('{}', '$.measures'), 'NULL')
SELECT coalesce(json_extract(NULL, '$.deadline'), 'NULL')
SELECT instr(',lab,fire,', ',fire,')
SELECT instr('历下区一小', '一小')
SELECT instr('abc', 'z')
SELECT CASE WHEN instr(NULL, 'a') IS NULL THEN 'NULL' END
SELECT date('2026-12-06T17:43:41Z', '+8 hours')
SELECT date('2026-12-06T15:59:59Z', '+8 hours')
SELECT date('2026-01-27T16:00:00Z', '+8 hours')
SELECT date('2026-01-28T15:59:59Z', '+8 hours')
SELECT date('2026-02-28T16:00:00Z', '+8 hours')
SELECT date('2024-02-28T16:00:00Z', '+8 hours')
SELECT date('2026-12-31T23:59:59Z', '+8 hours')
SELECT date('2026-02-30T10:00:00Z', '+8 hours')
SELECT date('2026-01-01T24:00:00Z', '+8 hours')
SELECT date('2024-02-29T16:00:00Z', '+8 hours')
SELECT date('1900-02-28T16:00:00Z', '+8 hours')
SELECT date('2000-02-28T16:00:00Z', '+8 hours')
SELECT date('2026-04-30T16:00:00Z', '+8 hours')
SELECT date('2026-01-31T15:59:59Z', '+8 hours')
SELECT date('2026-01-31T16:00:00Z', '+8 hours')
SELECT date('2026-04-31T16:00:00Z', '+8 hours')
SELECT coalesce(date('2026-13-01T00:00:00Z', '+8 hours'), 'NULL')
SELECT coalesce(date('2026-01-01T12:00:60Z', '+8 hours'), 'NULL')
SELECT date('2026-01-31', '+30 days')
SELECT date('2026-12-06', '-400 days')
SELECT date('2026-01-31', '+1 month')
SELECT date('2024-02-29', '+1 year')
SELECT date('2026-05-17', 'start of month')
SELECT date('2026-12-06T20:00:00+08:00', '+0 days')
SELECT date('2026-12-06 23:30', '+1 hours')
SELECT coalesce(date('not a date', '+1 days'), 'NULL')
SELECT coalesce(date(NULL, '+1 days'), 'NULL')
EOF

begin "json_each, json_extract, instr and date answer as SQLite's"
[ "$(wc -l <queries.sql)" -eq 40 ] || fail "queries.sql has $(wc -l <queries.sql) lines"
while IFS= read -r q; do
    l=$(LITE "$q" 2>&1)
    p=$(PG "$q" 2>&1)
    [ "$l" = "$p" ] || fail "$q: SQLite '$l', PostgreSQL '$p'"
done <queries.sql
end

begin "sum() counts a comparison, as SQLite's"
q="SELECT coalesce(sum(status = 'submitted'), 0), coalesce(sum(status = 'none'), 0),
          coalesce(sum(kind = 'x'), 0) FROM assessments"
LITE "$q" >lite.txt 2>&1
PG "$q" >pg.txt 2>&1
same "sums" lite.txt pg.txt
printf '1|0|0\n' >want.txt
same "sums" want.txt pg.txt
end

finish
