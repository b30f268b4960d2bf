/*
 * testdb.h - a fresh database for each unit test, on either store, and a
 * second hand on it for the tests' own checks and tampering.
 *
 * SR_TEST_STORE=pg (with SR_TEST_PG, the URI scripts/pg-cluster.sh
 * start prints) makes test_db_new() create a fresh PostgreSQL database
 * where the test used a SQLite file in its temporary directory; unset
 * or "sqlite" keeps the file.  Under SR_TEST_STORE=pg without
 * SR_TEST_PG the test exits 77 (skipped), or fails when CI=true.  The
 * tests' own SQL goes through a second connection of the store
 * (test_raw_open(), the seam of src/store/db.h), so that the same text
 * runs on both engines; a case about SQLite itself calls
 * test_sqlite_only(), which skips it on PostgreSQL with a message.
 *
 * Include it after <cmocka.h> and testutil.h.  Header-only, like
 * testutil.h.
 */
#ifndef SR_TESTDB_H
#define SR_TESTDB_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "schoolrisk/dbcopy.h"
#include "schoolrisk/store.h"

#include "../../src/store/store_int.h"

/* Whether this run puts its databases on PostgreSQL. */
static inline bool
test_db_pg(void)
{
    const char *s = getenv("SR_TEST_STORE");

    return s && !strcmp(s, "pg");
}

/* Skip the current case on PostgreSQL: it is about SQLite itself. */
#define test_sqlite_only(why)                                            \
    do {                                                                 \
        if (test_db_pg()) {                                              \
            print_message("[   SKIP   ] SQLite only: %s\n", why);       \
            skip();                                                      \
        }                                                                \
    } while (0)

/* Run sql as the cluster's administrator (SR_TEST_PG); fails the test
 * when the server refuses it. */
static inline void
test_pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static inline void
test_pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(getenv("SR_TEST_PG"));
    PGresult *r = NULL;

    PQsetNoticeProcessor(c, test_pg_quiet, NULL); /* "does not exist" */
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("cannot connect to $SR_TEST_PG: %s", PQerrorMessage(c));
        PQfinish(c);
        fail();
    }
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        print_error("%s: %s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        fail();
    }
    PQclear(r);
    PQfinish(c);
}

/* The database name of a URI made by test_db_new(), or NULL. */
static inline const char *
test_db_name(const char *uri, char *out, size_t size)
{
    const char *p = strrchr(uri, '/');
    size_t n;

    if (!p || strncmp(uri, "postgresql://", 13))
        return NULL;
    p++;
    n = strcspn(p, "?");
    if (n == 0 || n >= size)
        return NULL;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

/*
 * A fresh, empty database for one test: on SQLite the path dir/file
 * (dir is the test's mkdtemp directory, removed by its teardown); on
 * PostgreSQL a new database u_<program>_<pid>_<n> on the cluster of
 * SR_TEST_PG, its URI written to out.  Give it back with test_db_drop()
 * after closing every connection to it.
 */
static inline void
test_db_new(char *out, size_t size, const char *dir, const char *file)
{
    static unsigned n;
    const char *base, *ci, *q;
    char name[64], sql[160];
    size_t k, len;

    if (!test_db_pg()) {
        assert_true((size_t)snprintf(out, size, "%s/%s", dir, file) < size);
        return;
    }
    base = getenv("SR_TEST_PG");
    if (!base || !*base) {
        ci = getenv("CI");
        fprintf(stderr, "SR_TEST_STORE=pg but SR_TEST_PG is not set "
                        "(the URI scripts/pg-cluster.sh start prints)\n");
        exit(ci && !strcmp(ci, "true") ? 1 : 77);
    }
    /* u_ + the program's name (lower-case letters, digits, _), pid, n */
    snprintf(name, sizeof(name), "u_%.30s_%ld_%u",
             program_invocation_short_name, (long)getpid(), n++);
    for (k = 0; name[k]; k++) {
        char c = name[k];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            name[k] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : '_';
    }
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
             name);
    test_pg_admin(sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    test_pg_admin(sql);

    /* scheme://authority[/database][?params]: the same with name,
     * as tests/pg/newdb.sh makes it */
    q = strchr(base, '?');
    len = q ? (size_t)(q - base) : strlen(base);
    {
        const char *auth = strstr(base, "://");
        const char *slash;

        assert_non_null(auth);
        auth += 3;
        slash = memchr(auth, '/', len - (size_t)(auth - base));
        if (slash)
            len = (size_t)(slash - base);
    }
    assert_true((size_t)snprintf(out, size, "%.*s/%s%s", (int)len, base,
                                 name, q ? q : "") < size);
}

/* Drop the database of test_db_new() (PostgreSQL; SQLite's file goes
 * with the test's directory). */
static inline void
test_db_drop(const char *db)
{
    char name[64], sql[160];

    if (!test_db_pg() || !test_db_name(db, name, sizeof(name)))
        return;
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
             name);
    test_pg_admin(sql);
}

/*
 * A SQLite file with the content of the test's database db, for the
 * tests' independent SQL checks written in SQLite's dialect (date(x,
 * '+12 months'), named parameters): db itself on SQLite; on PostgreSQL
 * a copy made now by sr_db_copy() (which verifies the chain on both
 * sides) into dir/file.  Its path goes to out.  Call it once the
 * database is built: later writes to db are not in the copy.
 */
static inline void
test_db_sqlite_view(const char *db, const char *dir, const char *file,
                    char *out, size_t size)
{
    struct sr_db_copy_report rep;
    char err[512];

    if (!test_db_pg()) {
        assert_true((size_t)snprintf(out, size, "%s", db) < size);
        return;
    }
    assert_true((size_t)snprintf(out, size, "%s/%s", dir, file) < size);
    if (sr_db_copy(db, out, &rep, err, sizeof(err)) != SR_OK)
        fail_msg("copy %s to %s: %s", db, out, err);
}

/* A second connection to the test's database db: the tests' own hand
 * for checks and tampering, used through the store's seam (db.h) so
 * that one SQL text serves both engines.  On SQLite it is a plain
 * connection to the file, as the sqlite3 shell's (no schema version
 * check, no foreign keys, no function of the library's); on PostgreSQL
 * one of the store's.  Close it with sr_store_close(). */
static inline struct sr_store *
test_raw_open(const char *db)
{
    struct sr_store *st = NULL;

    if (!test_db_pg()) {
        st = calloc(1, sizeof(*st));
        assert_non_null(st);
        if (sqlite3_open(db, &st->db) != SQLITE_OK)
            fail_msg("open %s: %s", db, sqlite3_errmsg(st->db));
        sqlite3_busy_timeout(st->db, 5000);
        return st;
    }
    if (sr_store_open(db, 0, &st) != SR_OK) {
        print_error("open %s: %s\n", db, sr_store_errmsg(st));
        sr_store_close(st);
        fail();
    }
    return st;
}

/*
 * Run sql (one or more statements) on the raw connection; SR_DB_OK or
 * the engine's error, whose message sr_store_errmsg() then gives.  On
 * PostgreSQL, "DROP TRIGGER name;" (SQLite's form, without the table)
 * drops the trigger of that name, whatever its table, as on SQLite.
 */
static inline int
test_raw_try(struct sr_store *raw, const char *sql)
{
    static const char drop[] = "DROP TRIGGER ";
    char *buf = NULL;
    const char *p;
    size_t cap, len = 0;
    int rc;

    if (!raw->pg || !strstr(sql, drop)) {
        rc = sr_db_exec(raw, sql);
        if (rc != SR_DB_OK)
            sr_store_dberr(raw, "test SQL");
        return rc;
    }
    cap = strlen(sql) * 8 + 256;
    buf = malloc(cap);
    assert_non_null(buf);
    for (p = sql; *p;) {
        const char *d = strstr(p, drop), *name, *end;

        if (!d) {
            len += (size_t)snprintf(buf + len, cap - len, "%s", p);
            break;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%.*s",
                                (int)(d - p), p);
        name = d + sizeof(drop) - 1;
        end = name + strcspn(name, "; \n");
        len += (size_t)snprintf(
            buf + len, cap - len,
            "DO $sr$DECLARE t regclass; BEGIN SELECT tgrelid::regclass "
            "INTO STRICT t FROM pg_trigger WHERE tgname = lower('%.*s'); "
            "EXECUTE format('DROP TRIGGER %%I ON %%s', lower('%.*s'), t); "
            "END$sr$",
            (int)(end - name), name, (int)(end - name), name);
        p = end;
    }
    rc = sr_db_exec(raw, buf);
    if (rc != SR_DB_OK)
        sr_store_dberr(raw, "test SQL");
    free(buf);
    return rc;
}

/* As test_raw_try(), failing the test when the SQL is refused. */
static inline void
test_raw_exec(struct sr_store *raw, const char *sql)
{
    if (test_raw_try(raw, sql) != SR_DB_OK)
        fail_msg("%s: %s", sql, sr_store_errmsg(raw));
}

/* The first column of the one row sql gives, as an integer. */
static inline int64_t
test_raw_int(struct sr_store *raw, const char *sql)
{
    struct sr_stmt *s = NULL;
    int64_t v;

    if (sr_store_prepare(raw, sql, &s) != SR_OK)
        fail_msg("%s: %s", sql, sr_store_errmsg(raw));
    if (sr_step(s) != SR_ROW) {
        sr_store_dberr(raw, "step");
        fail_msg("%s: no row (%s)", sql, sr_store_errmsg(raw));
    }
    v = sr_col_int64(s, 0);
    sr_store_finish(raw, s);
    return v;
}

/* The first column of the one row sql gives, as text (NULL: NULL);
 * free() it. */
static inline char *
test_raw_text(struct sr_store *raw, const char *sql)
{
    struct sr_stmt *s = NULL;
    const char *t;
    char *v = NULL;

    if (sr_store_prepare(raw, sql, &s) != SR_OK)
        fail_msg("%s: %s", sql, sr_store_errmsg(raw));
    if (sr_step(s) != SR_ROW) {
        sr_store_dberr(raw, "step");
        fail_msg("%s: no row (%s)", sql, sr_store_errmsg(raw));
    }
    t = sr_col_text(s, 0);
    if (t) {
        v = strdup(t);
        assert_non_null(v);
    }
    sr_store_finish(raw, s);
    return v;
}

/* test_raw_int() and test_raw_exec() on a connection of their own,
 * opened on db for the one statement (it sees what was committed). */
static inline int64_t
test_db_int(const char *db, const char *sql)
{
    struct sr_store *raw = test_raw_open(db);
    int64_t v = test_raw_int(raw, sql);

    sr_store_close(raw);
    return v;
}

static inline void
test_db_exec(const char *db, const char *sql)
{
    struct sr_store *raw = test_raw_open(db);

    test_raw_exec(raw, sql);
    sr_store_close(raw);
}

/* Every row sql gives, each column's text followed by '|' ("NULL" for
 * NULL), each row ended by '\n': a snapshot to compare before and
 * after, made in C so that it reads alike on both engines; free() it. */
static inline char *
test_raw_rows(struct sr_store *raw, const char *sql)
{
    struct sr_stmt *s = NULL;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    int rc;

    assert_non_null(buf);
    buf[0] = '\0';
    if (sr_store_prepare(raw, sql, &s) != SR_OK)
        fail_msg("%s: %s", sql, sr_store_errmsg(raw));
    while ((rc = sr_step(s)) == SR_ROW) {
        int c;

        for (c = 0; c < sr_col_count(s); c++) {
            const char *t = sr_col_text(s, c);
            size_t need = strlen(t ? t : "NULL") + 3;

            if (len + need > cap) {
                cap = (len + need) * 2;
                buf = realloc(buf, cap);
                assert_non_null(buf);
            }
            len += (size_t)snprintf(buf + len, cap - len, "%s|",
                                    t ? t : "NULL");
        }
        buf[len++] = '\n';
        buf[len] = '\0';
    }
    if (rc != SR_DONE) {
        sr_store_dberr(raw, "step");
        fail_msg("%s: %s", sql, sr_store_errmsg(raw));
    }
    sr_store_finish(raw, s);
    return buf;
}

#endif /* SR_TESTDB_H */
