/*
 * test_store_pg.c - the PostgreSQL engine behind the store's seam
 * (src/store/db.h, db_pg.c), against a real server: the statement cache
 * as test_store.c checks it on SQLite, binding and reading each type as
 * SQLite would give it, the server's messages (a trigger's RAISE word
 * for word), changes, ids and transactions.
 *
 * Needs SR_TEST_PG, a URI of a server where it may create a database
 * (scripts/test.sh starts a throwaway cluster and sets it); without it
 * the test is skipped (exit 77), except under CI=true.  Each run works in a database of its
 * own, dropped at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <pthread.h>

#include "schoolrisk/audit.h"

#include "../../src/store/store_int.h"

static char admin_uri[512];
static char test_uri[512];
static char test_db[64];

/* Run sql on the server as the administrator; 0 when it worked. */
static int
admin(const char *sql)
{
    PGconn *c = PQconnectdb(admin_uri);
    PGresult *r;
    int ok;

    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect to %s: %s", admin_uri,
                PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    r = PQexec(c, sql);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* The URI of database name on the server of admin_uri. */
static int
uri_of(const char *name, char *out, size_t size)
{
    PQconninfoOption *o = PQconninfoParse(admin_uri, NULL), *p;
    const char *host = "127.0.0.1", *port = "5432", *user = "postgres";

    if (!o)
        return -1;
    for (p = o; p->keyword; p++) {
        if (!p->val)
            continue;
        if (!strcmp(p->keyword, "host"))
            host = p->val;
        else if (!strcmp(p->keyword, "port"))
            port = p->val;
        else if (!strcmp(p->keyword, "user"))
            user = p->val;
    }
    snprintf(out, size, "postgresql://%s@%s:%s/%s", user, host, port, name);
    PQconninfoFree(o);
    return 0;
}

static int
setup(void **state)
{
    struct sr_store *st = NULL;

    if (sr_store_open(test_uri, SR_STORE_CREATE, &st) != SR_OK) {
        fprintf(stderr, "open: %s\n", sr_store_errmsg(st));
        sr_store_close(st);
        return -1;
    }
    *state = st;
    return 0;
}

static int
teardown(void **state)
{
    sr_store_close(*state);
    return 0;
}

static void
ok(struct sr_store *st, int rc)
{
    if (rc != SR_DB_OK)
        fail_msg("%s", sr_pg_errmsg(st));
}

static void
finished_statement_is_reused(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *a = NULL, *b = NULL;

    assert_int_equal(sr_store_prepare(st, "SELECT CAST(?1 AS bigint) + 1",
                                      &a),
                     SR_OK);
    assert_non_null(a->pg);
    assert_null(a->lite);
    sr_bind_int(a, 1, 41);
    assert_int_equal(sr_step(a), SR_ROW);
    assert_int_equal(sr_col_int(a, 0), 42);
    assert_int_equal(sr_col_type(a, 0), SR_COL_INTEGER);
    assert_int_equal(sr_step(a), SR_DONE);
    sr_store_finish(st, a);

    /* The same text finds the same statement, its bindings cleared. */
    char sql[] = "SELECT CAST(?1 AS bigint) + 1";
    assert_int_equal(sr_store_prepare(st, sql, &b), SR_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(sr_step(b), SR_ROW);
    assert_int_equal(sr_col_type(b, 0), SR_COL_NULL);
    assert_null(sr_col_text(b, 0));
    assert_int_equal(sr_col_int64(b, 0), 0);
    sr_store_finish(st, b);
}

static void
statement_in_use_is_not_shared(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *outer = NULL, *inner = NULL, *again = NULL;
    const char *sql = "SELECT g FROM generate_series(1, 10) g ORDER BY g "
                      "LIMIT ?1";
    int rows = 0;

    assert_int_equal(sr_store_prepare(st, sql, &outer), SR_OK);
    sr_bind_int(outer, 1, 3);
    while (sr_step(outer) == SR_ROW) {
        assert_int_equal(sr_col_int(outer, 0), rows + 1);
        assert_int_equal(sr_store_prepare(st, sql, &inner), SR_OK);
        assert_ptr_not_equal(inner, outer);
        sr_bind_int(inner, 1, 1);
        assert_int_equal(sr_step(inner), SR_ROW);
        assert_int_equal(sr_col_int(inner, 0), 1);
        sr_store_finish(st, inner);
        rows++;
    }
    assert_int_equal(rows, 3);
    sr_store_finish(st, outer);
    assert_int_equal(sr_store_prepare(st, sql, &again), SR_OK);
    assert_ptr_equal(again, outer);
    sr_store_finish(st, again);
}

/* Past the cache, a statement is dropped on the server when finished:
 * the session does not pile up prepared statements. */
static void
more_statements_than_the_cache_holds(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *s = NULL;
    char sql[64];
    int i;

    for (i = 0; i < SR_STMT_CACHE + 20; i++) {
        snprintf(sql, sizeof(sql), "SELECT %d", i);
        assert_int_equal(sr_store_prepare(st, sql, &s), SR_OK);
        assert_int_equal(sr_step(s), SR_ROW);
        assert_int_equal(sr_col_int(s, 0), i);
        sr_store_finish(st, s);
    }
    assert_int_equal(st->n_stmts, SR_STMT_CACHE);
    assert_int_equal(sr_store_prepare(st,
                                      "SELECT count(*) FROM "
                                      "pg_prepared_statements",
                                      &s),
                     SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    /* The cache's, and this one (which the cache has no room for). */
    assert_int_equal(sr_col_int(s, 0), SR_STMT_CACHE + 1);
    sr_store_finish(st, s);
}

/* What the store sets on each of its sessions (store.c, open_pg()):
 * the plan's price of a random read, no JIT compilation, and lz4 for the
 * large values it writes. */
static void
session_settings(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *s = NULL;

    assert_int_equal(sr_store_prepare(st,
                                      "SELECT current_setting("
                                      "'random_page_cost'), "
                                      "current_setting('jit'), "
                                      "current_setting("
                                      "'default_toast_compression')",
                                      &s),
                     SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    assert_string_equal(sr_col_text(s, 0), "1.1");
    assert_string_equal(sr_col_text(s, 1), "off");
    assert_string_equal(sr_col_text(s, 2), "lz4");
    sr_store_finish(st, s);
}

static void
bad_sql_names_the_failure(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *s = (struct sr_stmt *)st;

    assert_int_equal(sr_store_prepare(st, "SELEC 1", &s), SR_ERR_DB);
    assert_null(s);
    assert_string_equal(sr_store_errmsg(st),
                        "cannot prepare a statement: syntax error at or "
                        "near \"SELEC\"");
}

/* Each type reads as SQLite would give it. */
static void
types_read_as_sqlite_gives_them(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *s = NULL;

    assert_int_equal(
        sr_store_prepare(st,
                         "SELECT CAST(?1 AS bigint), CAST(?2 AS text), "
                         "CAST(?3 AS text), 1.5::float8, "
                         "sum(x), true, count(*), CAST(?4 AS text) "
                         "FROM (VALUES (CAST(9007199254740993 AS bigint)), "
                         "(CAST(1 AS bigint))) v(x)",
                         &s),
        SR_OK);
    sr_bind_int64(s, 1, INT64_MIN);
    sr_bind_text(s, 2, "学校 \"x\" 'y' ?1");
    sr_bind_null(s, 3);
    sr_bind_textn(s, 4, "abcdef", 3);
    assert_int_equal(sr_step(s), SR_ROW);
    assert_int_equal(sr_col_int64(s, 0), INT64_MIN);
    assert_int_equal(sr_col_type(s, 0), SR_COL_INTEGER);
    assert_string_equal(sr_col_text(s, 1), "学校 \"x\" 'y' ?1");
    assert_int_equal(sr_col_bytes(s, 1), strlen("学校 \"x\" 'y' ?1"));
    assert_int_equal(sr_col_type(s, 1), SR_COL_TEXT);
    assert_int_equal(sr_col_type(s, 2), SR_COL_NULL);
    assert_int_equal(sr_col_type(s, 3), SR_COL_FLOAT);
    assert_string_equal(sr_col_text(s, 4), "9007199254740994");
    assert_int_equal(sr_col_type(s, 4), SR_COL_INTEGER);
    assert_int_equal(sr_col_int64(s, 4), 9007199254740994LL);
    assert_string_equal(sr_col_text(s, 5), "1");
    assert_int_equal(sr_col_int(s, 5), 1);
    assert_int_equal(sr_col_int(s, 6), 2);
    assert_string_equal(sr_col_text(s, 7), "abc");
    assert_int_equal(sr_col_count(s), 8);
    assert_string_equal(sr_col_name(s, 6), "count");
    assert_int_equal(sr_bind_count(s), 4);
    assert_int_equal(sr_step(s), SR_DONE);
    /* Reset keeps the bindings and runs it again. */
    sr_reset(s);
    assert_int_equal(sr_step(s), SR_ROW);
    assert_int_equal(sr_col_int64(s, 0), INT64_MIN);
    sr_store_finish(st, s);
}

/* Parameters PostgreSQL cannot type by themselves: one the SQL skips
 * (?1 and ?3 without ?2) and one first used as "?1 IS NULL" are text. */
static void
parameters_without_a_type(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *s = NULL;

    assert_int_equal(sr_store_prepare(st,
                                      "SELECT name FROM districts WHERE "
                                      "(?1 IS NULL OR code = ?1) AND (?3 "
                                      "IS NULL OR name = ?3) ORDER BY sort",
                                      &s),
                     SR_OK);
    sr_bind_text(s, 1, "370102");
    sr_bind_text(s, 2, "unused");
    assert_int_equal(sr_step(s), SR_ROW);
    assert_string_equal(sr_col_text(s, 0), "历下区");
    assert_int_equal(sr_step(s), SR_DONE);
    sr_store_finish(st, s);
}

/* A trigger's RAISE reaches the store word for word, as SQLite's
 * RAISE(ABORT, …) does; a failed transaction rolls back; changes and
 * ids are the statement's. */
static void
messages_changes_and_transactions(void **state)
{
    struct sr_store *st = *state;
    struct sr_stmt *s = NULL;
    int64_t id;

    ok(st, sr_db_exec(st,
                      "CREATE TEMP TABLE t (id bigint GENERATED BY DEFAULT "
                      "AS IDENTITY PRIMARY KEY, v text NOT NULL);"
                      "CREATE FUNCTION pg_temp.keep() RETURNS trigger "
                      "LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION "
                      "'a kept row never changes'; END$$;"
                      "CREATE TRIGGER t_kept BEFORE DELETE ON t FOR EACH "
                      "ROW EXECUTE FUNCTION pg_temp.keep()"));
    assert_false(sr_db_in_transaction(st));
    assert_int_equal(sr_store_begin(st), SR_OK);
    assert_true(sr_db_in_transaction(st));
    assert_int_equal(sr_store_prepare(st, "INSERT INTO t(v) VALUES (?1)",
                                      &s),
                     SR_OK);
    sr_bind_text(s, 1, "a");
    assert_int_equal(sr_step(s), SR_DONE);
    id = sr_db_last_id(st);
    assert_true(id > 0);
    sr_reset(s);
    sr_bind_text(s, 1, "b");
    assert_int_equal(sr_step(s), SR_DONE);
    assert_int_equal(sr_db_last_id(st), id + 1);
    assert_int_equal(sr_db_changes(st), 1);
    sr_store_finish(st, s);
    assert_int_equal(sr_store_commit(st), SR_OK);
    assert_false(sr_db_in_transaction(st));

    ok(st, sr_db_exec(st, "UPDATE t SET v = v || '!'"));
    assert_int_equal(sr_db_changes(st), 2);

    assert_int_equal(sr_store_begin(st), SR_OK);
    assert_int_equal(sr_store_prepare(st, "DELETE FROM t WHERE id = ?1", &s),
                     SR_OK);
    sr_bind_int64(s, 1, id);
    assert_int_not_equal(sr_step(s), SR_DONE);
    assert_int_equal(sr_store_dberr(st, "cannot delete"), SR_ERR_DB);
    assert_string_equal(sr_store_errmsg(st),
                        "cannot delete: a kept row never changes");
    sr_store_finish(st, s);
    sr_store_rollback(st);
    assert_false(sr_db_in_transaction(st));
}

/* A read transaction sees one snapshot on PostgreSQL too (REPEATABLE
 * READ): a row committed by another connection meanwhile is not seen
 * until it ends. */
static void
read_transaction_is_one_snapshot(void **state)
{
    struct sr_store *st = *state, *other = NULL;
    struct sr_stmt *s = NULL;
    const char *count = "SELECT count(*) FROM districts";
    bool own;
    int before;

    assert_int_equal(sr_store_open(test_uri, 0, &other), SR_OK);
    assert_int_equal(sr_store_read_begin(st, &own), SR_OK);
    assert_true(own);
    assert_int_equal(sr_store_prepare(st, count, &s), SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    before = sr_col_int(s, 0);
    sr_store_finish(st, s);
    ok(other, sr_db_exec(other, "INSERT INTO districts(code, name, sort) "
                                "VALUES ('X1', '测试区', 99)"));
    assert_int_equal(sr_store_prepare(st, count, &s), SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    assert_int_equal(sr_col_int(s, 0), before);
    sr_store_finish(st, s);
    sr_store_read_end(st, own);
    assert_int_equal(sr_store_prepare(st, count, &s), SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    assert_int_equal(sr_col_int(s, 0), before + 1);
    sr_store_finish(st, s);
    ok(other, sr_db_exec(other, "DELETE FROM districts WHERE code = 'X1'"));
    sr_store_close(other);
}

/* A second writer appending to the audit chain (a checkpoint record)
 * while the first holds it, on another connection of its own. */
struct writer {
    int rc;            /* what its append returned */
    int committed;
};

static void *
second_writer(void *arg)
{
    struct writer *w = arg;
    struct sr_store *st = NULL;

    w->rc = -1;
    if (sr_store_open(test_uri, 0, &st) != SR_OK) {
        sr_store_close(st);
        return NULL;
    }
    if (sr_store_begin(st) == SR_OK) {
        w->rc = sr_audit_first_checkpoint(st);
        w->committed = w->rc == SR_OK && sr_store_commit(st) == SR_OK;
        if (!w->committed)
            sr_store_rollback(st);
    }
    sr_store_close(st);
    return NULL;
}

/* Two writers appending to the chain at once: the second waits for the
 * first's COMMIT (the chain's lock), then appends after it; the chain
 * stays one order and verifies.  Without the lock both read the same
 * head, and the second fails on the primary key. */
static void
concurrent_appends_keep_one_order(void **state)
{
    struct sr_store *st = *state;
    struct sr_audit_report rep;
    struct writer w = {0, 0};
    char head[65];
    int64_t before, after;
    pthread_t t;

    assert_int_equal(sr_audit_head_records(st, head, &before), SR_OK);
    assert_int_equal(sr_store_begin(st), SR_OK);
    if (sr_audit_first_checkpoint(st) != SR_OK)
        fail_msg("%s", sr_store_errmsg(st));
    assert_int_equal(pthread_create(&t, NULL, second_writer, &w), 0);
    /* Long enough for the second to reach the lock and wait there. */
    usleep(300 * 1000);
    assert_int_equal(w.committed, 0);
    assert_int_equal(sr_store_commit(st), SR_OK);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(w.rc, SR_OK);
    assert_int_equal(w.committed, 1);
    assert_int_equal(sr_audit_head_records(st, head, &after), SR_OK);
    assert_int_equal(after, before + 2);
    assert_int_equal(sr_audit_verify(st, &rep), SR_OK);
    assert_true(rep.ok);
    assert_int_equal(rep.records, after);
}

/* A store opened on a database without the schema, without asking to
 * create it, says so; a database that does not exist is named. */
static void
opening_without_a_schema(void **state)
{
    struct sr_store *st = NULL;
    char uri[600], sql[160], want[800], name[80];

    (void)state;
    snprintf(name, sizeof(name), "%s_empty", test_db);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    assert_int_equal(admin(sql), 0);
    uri_of(name, uri, sizeof(uri));
    assert_int_equal(sr_store_open(uri, 0, &st), SR_ERR_VERSION);
    snprintf(want, sizeof(want), "database '%s' has no schoolrisk schema; "
                                 "run 'schoolrisk init' to create it",
             uri);
    assert_string_equal(sr_store_errmsg(st), want);
    sr_store_close(st);
    snprintf(sql, sizeof(sql), "DROP DATABASE %s", name);
    assert_int_equal(admin(sql), 0);
    uri_of("sr_no_such_database", uri, sizeof(uri));
    assert_int_equal(sr_store_open(uri, 0, &st), SR_ERR_DB);
    assert_non_null(strstr(sr_store_errmsg(st),
                           "database \"sr_no_such_database\" does not "
                           "exist"));
    sr_store_close(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(finished_statement_is_reused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(statement_in_use_is_not_shared,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(more_statements_than_the_cache_holds,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(session_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_sql_names_the_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(types_read_as_sqlite_gives_them,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_without_a_type, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(messages_changes_and_transactions,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(read_transaction_is_one_snapshot,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_appends_keep_one_order,
                                        setup, teardown),
        cmocka_unit_test(opening_without_a_schema),
    };
    const char *env = getenv("SR_TEST_PG");
    char sql[128];
    int failed;

    if (!env || !*env) {
        const char *ci = getenv("CI");

        fprintf(stderr, "test_store_pg: SR_TEST_PG is not set (a PostgreSQL "
                        "URI; scripts/test.sh starts a cluster): skipped\n");
        /* Under CI the cluster must be there. */
        return ci && !strcmp(ci, "true") ? 1 : 77;
    }
    snprintf(admin_uri, sizeof(admin_uri), "%s", env);
    snprintf(test_db, sizeof(test_db), "sr_unit_store_%ld", (long)getpid());
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", test_db);
    if (admin(sql) || uri_of(test_db, test_uri, sizeof(test_uri)))
        return 1;
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", test_db);
    admin(sql);
    return failed;
}
