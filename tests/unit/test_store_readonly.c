/*
 * test_store_readonly.c - sr_store_open() with SR_STORE_READONLY
 * (src/store/store.c "Read-only opens"): reads work, writes are
 * refused, nothing is created or upgraded; where the WAL index cannot
 * be set up the file is read immutable, unless a "-wal" holds changes,
 * which is refused with a message saying how to read it.
 *
 * A read-only medium is simulated so that the test also runs as root
 * (who writes any directory whatever its mode): a "-shm" that is a
 * dangling symbolic link cannot be created or opened, which is what a
 * read-only medium does to SQLite.  tests/cli/test_readonly.sh uses a
 * real read-only mount.  Those cases are SQLite's; on PostgreSQL
 * (SR_TEST_STORE=pg, testdb.h) the reads, the refused write and the
 * newer schema run, the rest is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/store/store_int.h"
#include "testutil.h"
#include "testdb.h"

struct fx {
    char dir[64];
    char db[96];   /* the original, written through a store */
    char copy[96]; /* dir/ro/t.db: where the read-only opens look */
    char msg[512];
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_store *st = NULL;
    char ro[80];
    int ok;

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-store-ro-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(ro, sizeof(ro), "%s/ro", f->dir);
    snprintf(f->copy, sizeof(f->copy), "%s/t.db", ro);
    if (mkdir(ro, 0755) != 0)
        return -1;
    /* A schoolrisk database with one table of our own to read. */
    ok = sr_store_open(f->db, SR_STORE_CREATE, &st) == SR_OK &&
         sr_db_exec(st, "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES "
                        "(1)") == SR_DB_OK;
    sr_store_close(st);
    if (!ok)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* Copy the file from + suffix to to + suffix. */
static void
copy_file(const char *from, const char *to, const char *suffix)
{
    char a[160], b[160], buf[8192];
    FILE *in, *out;
    size_t n;

    snprintf(a, sizeof(a), "%s%s", from, suffix);
    snprintf(b, sizeof(b), "%s%s", to, suffix);
    in = fopen(a, "rb");
    assert_non_null(in);
    out = fopen(b, "wb");
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    assert_int_equal(fclose(out), 0);
    fclose(in);
}

/* Make path's "-shm" impossible to create or open, as on a read-only
 * medium. */
static void
no_wal_index(const char *path)
{
    char shm[160];

    snprintf(shm, sizeof(shm), "%s-shm", path);
    assert_int_equal(symlink("/nonexistent/sr-test-shm", shm), 0);
}

/* SELECT count(*) FROM t through the store's connection, -1 on error. */
static int
rows(struct sr_store *st)
{
    struct sr_stmt *s = NULL;
    int n = -1;

    if (sr_store_prepare(st, "SELECT count(*) FROM t", &s) != SR_OK)
        return -1;
    if (sr_step(s) == SR_ROW)
        n = sr_col_int(s, 0);
    sr_store_finish(st, s);
    return n;
}

static bool
exists(const char *path)
{
    struct stat sb;

    return lstat(path, &sb) == 0;
}

static void
reads_and_refuses_writes(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;

    assert_int_equal(sr_store_open(f->db, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(sr_store_schema_version(st), SR_SCHEMA_VERSION);
    assert_int_equal(rows(st), 1);
    if (st->pg) {
        /* PostgreSQL: the session's transactions are read-only */
        assert_int_not_equal(sr_db_exec(st, "INSERT INTO t VALUES (2)"),
                             SR_DB_OK);
        assert_string_equal(sr_pg_errmsg(st), "cannot execute INSERT in a "
                                              "read-only transaction");
    } else {
        assert_int_equal(sr_db_exec(st, "INSERT INTO t VALUES (2)"),
                         SQLITE_READONLY);
    }
    assert_int_equal(rows(st), 1);
    sr_store_close(st);
}

static void
missing_file_is_not_created(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;

    test_sqlite_only("a database file not created");
    snprintf(f->msg, sizeof(f->msg),
             "cannot open database '%s': unable to open database file (run "
             "'schoolrisk init' to create it)",
             f->copy);
    assert_int_equal(sr_store_open(f->copy, SR_STORE_READONLY, &st),
                     SR_ERR_DB);
    assert_string_equal(sr_store_errmsg(st), f->msg);
    sr_store_close(st);
    assert_false(exists(f->copy));
}

static void
older_schema_is_not_upgraded(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;
    sqlite3 *db = NULL;

    test_sqlite_only("SQLite's older schema, not upgraded");
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    /* Even when asked to create: read-only wins. */
    assert_int_equal(sr_store_open(f->db,
                                   SR_STORE_READONLY | SR_STORE_CREATE, &st),
                     SR_ERR_VERSION);
    snprintf(f->msg, sizeof(f->msg),
             "database '%s' has schema version 1, this schoolrisk needs %d, "
             "and a command that only reads does not upgrade it; run "
             "'schoolrisk init' where it can be written",
             f->db, SR_SCHEMA_VERSION);
    assert_string_equal(sr_store_errmsg(st), f->msg);
    sr_store_close(st);
    /* Still at version 1. */
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    {
        sqlite3_stmt *s = NULL;

        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
                                            &s, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(s, 0), 1);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
}

static void
newer_schema_is_refused(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;
    /* PostgreSQL keeps the version in a one-row table */
    test_db_exec(f->db, test_db_pg() ? "UPDATE schema_version SET version "
                                       "= 99"
                                     : "PRAGMA user_version = 99");
    assert_int_equal(sr_store_open(f->db, SR_STORE_READONLY, &st),
                     SR_ERR_VERSION);
    snprintf(f->msg, sizeof(f->msg),
             "database '%s' has schema version 99, written by a newer "
             "schoolrisk; this one understands up to version %d",
             f->db, SR_SCHEMA_VERSION);
    assert_string_equal(sr_store_errmsg(st), f->msg);
    sr_store_close(st);
}

/* No WAL index can be made and there is no log: read immutable. */
static void
without_wal_index_reads_the_file(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;

    test_sqlite_only("SQLite's WAL index");
    copy_file(f->db, f->copy, "");
    no_wal_index(f->copy);
    assert_int_equal(sr_store_open(f->copy, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(rows(st), 1);
    assert_int_equal(sqlite3_exec(st->db, "INSERT INTO t VALUES (2)", NULL,
                                  NULL, NULL),
                     SQLITE_READONLY);
    sr_store_close(st);

    /* A command that writes is told what it needs. */
    snprintf(f->msg, sizeof(f->msg),
             "cannot open database '%s' for writing: unable to open "
             "database file (a command that changes it must be able to "
             "write the file and its directory)",
             f->copy);
    assert_int_equal(sr_store_open(f->copy, 0, &st), SR_ERR_DB);
    assert_string_equal(sr_store_errmsg(st), f->msg);
    sr_store_close(st);
}

/* A path with the characters a URI gives a meaning to. */
static void
immutable_open_escapes_the_path(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;
    char odd[128];

    test_sqlite_only("SQLite's immutable URI");
    snprintf(odd, sizeof(odd), "%s/ro/a%%20b?c#d.db", f->dir);
    copy_file(f->db, odd, "");
    no_wal_index(odd);
    assert_int_equal(sr_store_open(odd, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(rows(st), 1);
    sr_store_close(st);
}

/* A log with changes and no index: reading the file alone would miss
 * them, so the open is refused. */
static void
log_without_index_is_refused(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL, *w = NULL;

    test_sqlite_only("SQLite's WAL index");
    /* A writer keeps the database open, so that its log stays. */
    assert_int_equal(sr_store_open(f->db, 0, &w), SR_OK);
    assert_int_equal(sqlite3_exec(w->db, "INSERT INTO t VALUES (2)", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    copy_file(f->db, f->copy, "");
    copy_file(f->db, f->copy, "-wal");
    no_wal_index(f->copy);
    assert_int_equal(sr_store_open(f->copy, SR_STORE_READONLY, &st),
                     SR_ERR_DB);
    snprintf(f->msg, sizeof(f->msg),
             "cannot read database '%s': its write-ahead log '%s-wal' "
             "holds changes that cannot be read without its '-shm' file "
             "where nothing can be written (unable to open database file); "
             "copy the database with its '-wal' file to a writable place "
             "and read it there",
             f->copy, f->copy);
    assert_string_equal(sr_store_errmsg(st), f->msg);
    sr_store_close(st);
    sr_store_close(w);
}

/* A log with its index (a copy of a running service's files): SQLite
 * reads both, the log's changes included. */
static void
log_with_index_is_read(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL, *w = NULL;

    test_sqlite_only("SQLite's WAL index");
    assert_int_equal(sr_store_open(f->db, 0, &w), SR_OK);
    assert_int_equal(sqlite3_exec(w->db, "INSERT INTO t VALUES (2)", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    copy_file(f->db, f->copy, "");
    copy_file(f->db, f->copy, "-wal");
    copy_file(f->db, f->copy, "-shm");
    sr_store_close(w);
    assert_int_equal(sr_store_open(f->copy, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(rows(st), 2);
    sr_store_close(st);
}

/* An empty log holds nothing: the file is all there is. */
static void
empty_log_reads_the_file(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;
    char wal[160];
    FILE *e;

    test_sqlite_only("SQLite's WAL");
    copy_file(f->db, f->copy, "");
    snprintf(wal, sizeof(wal), "%s-wal", f->copy);
    e = fopen(wal, "wb");
    assert_non_null(e);
    fclose(e);
    no_wal_index(f->copy);
    assert_int_equal(sr_store_open(f->copy, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(rows(st), 1);
    sr_store_close(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reads_and_refuses_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(missing_file_is_not_created, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(older_schema_is_not_upgraded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(newer_schema_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(without_wal_index_reads_the_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(immutable_open_escapes_the_path,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(log_without_index_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(log_with_index_is_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(empty_log_reads_the_file, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
