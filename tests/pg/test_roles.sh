#!/bin/bash
# test_roles.sh - the two roles of a PostgreSQL deployment: the
# database's owner makes the schema (init) and gives the service's role
# its privileges (`db grant ROLE`); the service's role does the work
# (the CLI and `serve`, a URI naming it) and cannot UPDATE, DELETE or
# TRUNCATE what must never change: PostgreSQL refuses it with
# "permission denied for table X" before any trigger runs, where the
# owner still meets the trigger's message.
#
#   - before the grant: the service's role cannot make the schema in an
#     empty database, nor use one the owner made (clear errors, exit 4);
#   - db grant: refused on SQLite, for a role that does not exist, for
#     a superuser, run by the service's role; granted by the owner,
#     with exactly the privileges listed (information_schema);
#   - a real workflow as the service's role: users, the registry, an
#     inspection, a hazard through its loop, a report, audit verify
#     through the CLI, then the same through `serve` (serve_pg.py);
#   - as the service's role, UPDATE and DELETE on every append-only
#     table and TRUNCATE on every table: "permission denied for table X";
#   - as the owner, the triggers' messages.
#
# Roles are the cluster's, not a database's: this test's role is named
# after its process and dropped at the end.
#
# Needs $SR_TEST_PG; skipped (77) without it, failed under CI=true.
. "$(dirname "$0")/../cli/lib.sh"

needs_pg_cluster
EX=$IND/examples
unset SCHOOLRISK_DB
ROLE=sr_svc_$$
OWN=$("$SRC/tests/pg/newdb.sh" pg_roles_$$) || { echo "cannot make a database"; exit 1; }
EMPTY=$("$SRC/tests/pg/newdb.sh" pg_roles_empty_$$) || { echo "cannot make a database"; exit 1; }
# The same databases as the service's role: the URI's user replaced.
as_role() { printf '%s\n' "$1" | sed "s|://[^@/]*@|://$2@|"; }
SVC=$(as_role "$OWN" "$ROLE")
SVC_EMPTY=$(as_role "$EMPTY" "$ROLE")
cleanup() {
    "$PSQL" -X -q -d "$SR_TEST_PG" -c "SET client_min_messages = warning" \
        -c "DROP DATABASE IF EXISTS pg_roles_$$ WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS pg_roles_empty_$$ WITH (FORCE)" \
        -c "DROP ROLE IF EXISTS $ROLE" -c "DROP ROLE IF EXISTS ${ROLE}_m" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$SR_TEST_PG" -c "CREATE ROLE $ROLE LOGIN" || { echo "cannot create the role"; exit 1; }
[ "$SVC" = "${OWN/\/\/postgres@/\/\/$ROLE@}" ] || { echo "the service's URI: $SVC"; exit 1; }

# The append-only tables: no UPDATE, no DELETE for the service.  The
# others (dbrole.h's lists) have UPDATE, and answers and sessions
# DELETE.
APPEND_ONLY="audit baseline_items checkpoints districts evidence expert_events hazard_events plan_experts plan_pairs plan_schools registry_changes schema_version school_versions scores security_events signoff_events systems"
UPDATABLE="answers assessments experts grants hazards plans schools sessions users"

begin "the service's role cannot make the schema: init is the owner's"
run init --db "$SVC_EMPTY"
rc_is 4
out_empty
err_is "schoolrisk: error: role '$ROLE' cannot create the schoolrisk schema in '$SVC_EMPTY': run 'schoolrisk init' as the database's owner"
[ "$("$PSQL" -X -At -d "$EMPTY" -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'schoolrisk'")" = 0 ] || fail "a schema was made"
run schools list --db "$SVC_EMPTY"
rc_is 1
err_is "schoolrisk: error: database '$SVC_EMPTY' has no schoolrisk schema; run 'schoolrisk init' to create it"
end

begin "the owner makes it; before the grant the service's role cannot use it"
SCHOOLRISK_CLOCK=2026-07-01T02:00:00Z "$BIN" init --db "$OWN" >/dev/null || fail "init as the owner"
run schools list --db "$SVC"
rc_is 4
out_empty
err_is "schoolrisk: error: role '$ROLE' may not use the schoolrisk schema of '$SVC': the database's owner gives it the service's privileges with 'schoolrisk db grant $ROLE'"
end

begin "db grant refuses SQLite, a missing role, a superuser, a member of the owner, and a caller not the owner"
"$BIN" init --db lite.db >/dev/null || fail "init lite.db"
run db grant "$ROLE" --db lite.db
rc_is 1
out_empty
err_is "schoolrisk: error: db grant is for PostgreSQL: a SQLite database has no roles (its file's permissions say who may write)"
run db grant no_such_role_$$ --db "$OWN"
rc_is 1
err_is "schoolrisk: error: role 'no_such_role_$$' does not exist (create it first: CREATE ROLE ... LOGIN)"
run db grant postgres --db "$OWN"
rc_is 1
err_is "schoolrisk: error: role 'postgres' is a superuser: no privilege binds it; the service needs a role of its own"
# A member of the owner's role acts as the owner: no privilege binds it.
"$PSQL" -X -q -d "$SR_TEST_PG" -c "CREATE ROLE ${ROLE}_m LOGIN IN ROLE postgres" || fail "create a member"
run db grant "${ROLE}_m" --db "$OWN"
rc_is 1
err_is "schoolrisk: error: role '${ROLE}_m' owns the schema (or is a member of its owner): the service needs a role of its own"
run db grant "$ROLE" --db "$SVC"
rc_is 4
err_is "schoolrisk: error: role '$ROLE' may not use the schoolrisk schema of '$SVC': the database's owner gives it the service's privileges with 'schoolrisk db grant $ROLE'"
run db grant
rc_is 2
end

begin "db grant as the owner: exactly the service's privileges"
run db grant "$ROLE" --db "$OWN"
rc_is 0
out_is "granted $ROLE: SELECT and INSERT on 26 tables, UPDATE on 9 of them, DELETE on 2, USAGE on 12 sequences; nothing more"
err_empty
q="SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants WHERE grantee = '$ROLE' AND table_schema = 'schoolrisk' GROUP BY table_name ORDER BY table_name"
"$PSQL" -X -At -F ' ' -d "$OWN" -c "$q" >got
for t in $APPEND_ONLY $UPDATABLE; do
    case " $UPDATABLE " in
    *" $t "*) case $t in answers | sessions) p=DELETE,INSERT,SELECT,UPDATE ;; *) p=INSERT,SELECT,UPDATE ;; esac ;;
    *) p=INSERT,SELECT ;;
    esac
    echo "$t $p"
done | sort >want
diff want got >"$T/diff" || fail "the privileges differ (diff on stderr)"
[ "$(wc -l <got)" = 26 ] || fail "$(wc -l <got) tables granted"
[ "$("$PSQL" -X -At -d "$OWN" -c "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = '$ROLE'")" = 0 ] || fail "the role owns something"
[ "$("$PSQL" -X -At -d "$OWN" -c "SELECT has_schema_privilege('$ROLE', 'schoolrisk', 'CREATE')")" = f ] || fail "the role may create in the schema"
# Run again (after an upgrade): the same, and what was given by hand
# besides is taken back.
"$PSQL" -X -q -d "$OWN" -c "GRANT ALL ON schoolrisk.audit TO $ROLE" || fail "grant all"
run db grant "$ROLE" --db "$OWN"
rc_is 0
"$PSQL" -X -At -F ' ' -d "$OWN" -c "$q" >got2
diff want got2 >"$T/diff" || fail "the second grant differs (diff on stderr)"
end

"$PY" "$SRC/scripts/examples-registry.py" "$EX" >reg.csv

begin "the CLI's work as the service's role: users, registry, inspections, a hazard's loop, a report, audit verify"
export SCHOOLRISK_USER=区教体局
S() { # CLOCK ARGS...: one step as the service's role
    local c=$1
    shift
    SCHOOLRISK_CLOCK=$c "$BIN" "$@" --db "$SVC" >out 2>err || fail "$* (exit $?): $(cat err)"
    OUT=$(cat out)
}
c=2026-07-10T02:00:00Z
S $c schools import reg.csv
S $c users add li.si --name 李四 --role district --district 历下区
S $c users add zhao --name 赵六
S $c users grant zhao --role inspector --district 370102
S $c users disable zhao
S $c users enable zhao
for s in kindergarten-1 primary-1 senior-1; do
    code=$(sed -n 's/^code *= *//p' "$EX/$s.school")
    S 2026-08-20T02:00:00Z assess new --school "$code" --date 2026-08-20 --by 张检查员
    id=$OUT
    S 2026-08-20T02:00:00Z assess import "$id" "$EX/$s.csv"
    S 2026-08-20T03:00:00Z assess submit "$id"
done
S 2026-08-25T02:00:00Z hazard add --by 张三 --school 3701020101 --level general --description 走廊灯损坏
h=${OUT#hazard }
h=${h%% *}
S 2026-08-25T02:00:00Z hazard assign "$h" --by 王科长 --responsible 李四 --deadline 2026-09-10 --measures 立即整改
S 2026-08-28T02:00:00Z hazard submit "$h" --by 李四 --note 已更换
S 2026-08-29T02:00:00Z hazard verify "$h" --by 王科长 --note 复查合格
S 2026-10-08T02:00:00Z report district 历下区 --period 2026Q3 -o lixia.xlsx
[ -s lixia.xlsx ] || fail "no workbook"
run audit verify --db "$SVC"
rc_is 0
case $(cat "$T/out") in "audit chain intact: "*) ;; *) fail "audit verify: $(cat "$T/out")" ;; esac
end

begin "the service's work as the service's role: serve --db naming it"
"$PY" "$SRC/tests/pg/serve_pg.py" "$BIN" "$SRC" roles "$SVC" >serve.out 2>serve.err
RC=$?
rc_is 0
grep -q '^4 passed, 0 failed$' serve.out || fail "serve_pg.py: $(cat serve.out) $(tail -20 serve.err)"
end

begin "as the service's role: UPDATE and DELETE of every append-only table, TRUNCATE of every table: permission denied"
for t in $APPEND_ONLY; do
    for sql in "UPDATE schoolrisk.$t SET $( [ "$t" = schema_version ] && echo version || echo "$("$PSQL" -X -At -d "$OWN" -c "SELECT column_name FROM information_schema.columns WHERE table_schema = 'schoolrisk' AND table_name = '$t' ORDER BY ordinal_position LIMIT 1")" ) = NULL" \
               "DELETE FROM schoolrisk.$t"; do
        got=$("$PSQL" -X -q -At -d "$SVC" -c "$sql" 2>&1)
        [ "$got" = "ERROR:  permission denied for table $t" ] || fail "$sql: $got"
    done
done
for t in $APPEND_ONLY $UPDATABLE; do
    got=$("$PSQL" -X -q -At -d "$SVC" -c "TRUNCATE schoolrisk.$t CASCADE" 2>&1)
    [ "$got" = "ERROR:  permission denied for table $t" ] || fail "TRUNCATE $t: $got"
done
# And no DDL: the role owns nothing and may create nothing.
got=$("$PSQL" -X -q -At -d "$SVC" -c "DROP TRIGGER audit_append_only ON schoolrisk.audit" 2>&1)
[ "$got" = "ERROR:  must be owner of relation audit" ] || fail "DROP TRIGGER: $got"
got=$("$PSQL" -X -q -At -d "$SVC" -c "CREATE TABLE schoolrisk.x (a int)" 2>&1 | head -1)
[ "$got" = "ERROR:  permission denied for schema schoolrisk" ] || fail "CREATE TABLE: $got"
[ "$("$PSQL" -X -At -d "$OWN" -c "SELECT count(*) FROM schoolrisk.audit")" -gt 20 ] || fail "the chain is short"
end

begin "as the owner: the triggers' messages"
for row in "audit|the audit chain is append-only" \
           "hazard_events|hazard events are append-only" \
           "security_events|the security log is append-only" \
           "checkpoints|checkpoints are never deleted"; do
    t=${row%%|*} m=${row#*|}
    got=$("$PSQL" -X -q -At -d "$OWN" -c "DELETE FROM schoolrisk.$t" 2>&1 | head -1)
    [ "$got" = "ERROR:  $m" ] || fail "DELETE $t as the owner: $got"
done
got=$("$PSQL" -X -q -At -d "$OWN" -c "UPDATE schoolrisk.audit SET kind = kind" 2>&1 | head -1)
[ "$got" = "ERROR:  the audit chain is append-only" ] || fail "UPDATE audit as the owner: $got"
run audit verify --db "$SVC"
rc_is 0
end

finish
