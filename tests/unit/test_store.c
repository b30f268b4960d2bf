/*
 * test_store.c - the connection's prepared-statement cache
 * (src/store/store_int.h): a finished statement is reused for the same
 * SQL, never handed out twice while in use, reset so that it holds no
 * read transaction, and everything is finalized at close (ASan checks
 * the last part); sr_store_china_day() agrees with SQLite's date(), and
 * SR_SQL_DATED_BY() keeps every time dated by its day.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/store/store_int.h"
#include "schoolrisk/date.h"
#include "testutil.h"

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
    if (sr_store_open(f->db, SR_STORE_CREATE, &f->st) != SR_OK)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static void
finished_statement_is_reused(void **state)
{
    struct fx *f = *state;
    struct sr_stmt *a = NULL, *b = NULL;

    assert_int_equal(sr_store_prepare(f->st, "SELECT ?1 + 1", &a), SR_OK);
    sr_bind_int(a, 1, 41);
    assert_int_equal(sr_step(a), SR_ROW);
    assert_int_equal(sr_col_int(a, 0), 42);
    sr_store_finish(f->st, a);

    /* The same text (a different buffer) finds the same statement,
     * reset and with its bindings cleared. */
    char sql[] = "SELECT ?1 + 1";
    assert_int_equal(sr_store_prepare(f->st, sql, &b), SR_OK);
    assert_ptr_equal(a, b);
    assert_int_equal(sqlite3_stmt_busy(b->lite), 0);
    assert_int_equal(sr_step(b), SR_ROW);
    assert_int_equal(sr_col_type(b, 0), SR_COL_NULL);
    sr_store_finish(f->st, b);
}

static void
statement_in_use_is_not_shared(void **state)
{
    struct fx *f = *state;
    struct sr_stmt *outer = NULL, *inner = NULL, *again = NULL;
    int rows = 0;

    /* An iteration that runs the same query for each of its rows. */
    assert_int_equal(sr_store_prepare(f->st,
                                      "SELECT code FROM districts ORDER BY "
                                      "code LIMIT ?1",
                                      &outer),
                     SR_OK);
    sr_bind_int(outer, 1, 3);
    while (sr_step(outer) == SR_ROW) {
        assert_int_equal(sr_store_prepare(f->st,
                                          "SELECT code FROM districts ORDER "
                                          "BY code LIMIT ?1",
                                          &inner),
                         SR_OK);
        assert_ptr_not_equal(inner, outer);
        sr_bind_int(inner, 1, 1);
        assert_int_equal(sr_step(inner), SR_ROW);
        sr_store_finish(f->st, inner);
        rows++;
    }
    assert_int_equal(rows, 3);
    sr_store_finish(f->st, outer);
    assert_int_equal(sr_store_prepare(f->st,
                                      "SELECT code FROM districts ORDER BY "
                                      "code LIMIT ?1",
                                      &again),
                     SR_OK);
    assert_ptr_equal(again, outer);
    sr_store_finish(f->st, again);
}

static void
finished_select_ends_its_read(void **state)
{
    struct fx *f = *state;
    struct sr_store *other = NULL;
    struct sr_stmt *s = NULL;

    /* A SELECT stopped after its first row, then finished: another
     * connection can still checkpoint the whole WAL (an open read would
     * pin it). */
    assert_int_equal(sr_store_prepare(f->st, "SELECT code FROM districts",
                                      &s),
                     SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    sr_store_finish(f->st, s);
    assert_int_equal(sqlite3_get_autocommit(f->st->db), 1);
    assert_int_equal(sr_store_open(f->db, 0, &other), SR_OK);
    assert_int_equal(sqlite3_exec(other->db,
                                  "INSERT INTO districts(code, name, sort) "
                                  "VALUES ('999999', '测试区', 99)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    int log = -1, done = -1;
    assert_int_equal(sqlite3_wal_checkpoint_v2(other->db, NULL,
                                               SQLITE_CHECKPOINT_TRUNCATE,
                                               &log, &done),
                     SQLITE_OK);
    assert_int_equal(log, 0);
    sr_store_close(other);
}

static void
more_statements_than_the_cache_holds(void **state)
{
    struct fx *f = *state;
    char sql[64];
    int i;

    /* Past SR_STMT_CACHE distinct texts, statements are finalized when
     * finished instead of kept; the leak checker sees the rest freed at
     * close. */
    for (i = 0; i < SR_STMT_CACHE + 20; i++) {
        struct sr_stmt *s = NULL;

        snprintf(sql, sizeof(sql), "SELECT %d", i);
        assert_int_equal(sr_store_prepare(f->st, sql, &s), SR_OK);
        assert_int_equal(sr_step(s), SR_ROW);
        assert_int_equal(sr_col_int(s, 0), i);
        sr_store_finish(f->st, s);
    }
    assert_int_equal(f->st->n_stmts, SR_STMT_CACHE);
    sr_store_finish(f->st, NULL);
}

static void
bad_sql_names_the_failure(void **state)
{
    struct fx *f = *state;
    struct sr_stmt *s = (struct sr_stmt *)f;

    assert_int_equal(sr_store_prepare(f->st, "SELEC 1", &s), SR_ERR_DB);
    assert_null(s);
    assert_string_equal(sr_store_errmsg(f->st),
                        "cannot prepare a statement: near \"SELEC\": syntax "
                        "error");
}

/* PostgreSQL reads $N: SQLite's ?N and ? are rewritten outside quotes
 * and comments (db_pg.c). */
static void
parameters_rewritten_for_postgresql(void **state)
{
    char *t;
    int n;

    (void)state;
    t = sr_pg_rewrite("SELECT ?1, '?2', \"a?\" -- ?\n, ?12, ?, x FROM t "
                      "WHERE y = ?1",
                      &n);
    assert_non_null(t);
    assert_string_equal(t, "SELECT $1, '?2', \"a?\" -- ?\n, $12, $13, x "
                           "FROM t WHERE y = $1");
    assert_int_equal(n, 13);
    free(t);
    t = sr_pg_rewrite("SELECT 1", &n);
    assert_string_equal(t, "SELECT 1");
    assert_int_equal(n, 0);
    free(t);
    t = sr_pg_rewrite("VALUES (?, ?, ?)", &n);
    assert_string_equal(t, "VALUES ($1, $2, $3)");
    assert_int_equal(n, 3);
    free(t);
    /* An unterminated quote keeps the rest as it is. */
    t = sr_pg_rewrite("SELECT 'it''s ?1", &n);
    assert_string_equal(t, "SELECT 'it''s ?1");
    assert_int_equal(n, 0);
    free(t);
}

/* sr_store_china_day() gives SQLite's date(at, '+8 hours'): every day
 * of a few stretches around the months' and years' ends (leap years,
 * 1900 and 2000 among them) at 00, 15, 16 and 23 hours, and forms the
 * store never writes (a day past the month's end, hour 24, a bad
 * minute, other layouts), which it leaves to SQLite. */
static void
china_day_is_sqlite_date(void **state)
{
    static const char *const odd[] = {
        "2026-02-30T10:00:00Z", "2026-02-29T16:00:00Z",
        "2026-04-31T16:00:00Z", "2026-01-01T24:00:00Z",
        "2026-12-06T16:60:00Z", "2026-12-06T16:00:60Z",
        "9999-12-31T16:00:00Z", "0999-12-31T16:00:00Z",
        "2026-13-01T16:00:00Z", "2026-00-10T16:00:00Z",
        "2026-12-00T16:00:00Z", "2026-12-06 17:43:41Z",
        "2026-12-06T17:43Z", "2026-12-06", "2026-12-06T17:43:41.5Z",
        "x", "",
    };
    static const struct {
        int y, m, d, days;
    } from[] = {
        {1899, 12, 20, 80}, {1999, 12, 20, 80}, {2023, 12, 20, 1130},
        {2100, 2, 20, 15},
    };
    static const int hours[] = {0, 15, 16, 23};
    struct fx *f = *state;
    struct sr_stmt *s = NULL;
    char got[11], at[32];
    size_t i, k;
    int n = 0, j;

    assert_int_equal(sr_store_prepare(f->st,
                                      "SELECT coalesce(date(?1, '+8 hours'),"
                                      " '')",
                                      &s),
                     SR_OK);
    for (i = 0; i < sizeof(from) / sizeof(from[0]); i++)
        for (j = 0; j < from[i].days; j++)
            for (k = 0; k < sizeof(hours) / sizeof(hours[0]); k++) {
                struct tm tm = {0};
                time_t t;

                tm.tm_year = from[i].y - 1900;
                tm.tm_mon = from[i].m - 1;
                tm.tm_mday = from[i].d + j;
                tm.tm_hour = hours[k];
                tm.tm_min = 30;
                tm.tm_sec = 59;
                t = timegm(&tm);
                gmtime_r(&t, &tm);
                strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
                assert_int_equal(sr_store_china_day(f->st, at, got), SR_OK);
                sr_reset(s);
                sr_bind_text(s, 1, at);
                assert_int_equal(sr_step(s), SR_ROW);
                if (strcmp(got, sr_col_text(s, 0)))
                    fail_msg("%s: '%s', SQLite '%s'", at, got,
                             sr_col_text(s, 0));
                n++;
            }
    for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        assert_int_equal(sr_store_china_day(f->st, odd[i], got), SR_OK);
        sr_reset(s);
        sr_bind_text(s, 1, odd[i]);
        assert_int_equal(sr_step(s), SR_ROW);
        if (strcmp(got, sr_col_text(s, 0)))
            fail_msg("%s: '%s', SQLite '%s'", odd[i], got, sr_col_text(s, 0));
    }
    sr_store_finish(f->st, s);
    assert_int_equal(sr_store_china_day(f->st, NULL, got), SR_OK);
    assert_string_equal(got, "");
    assert_true(n > 5000);
}

/* SR_SQL_DATED_BY(at, next) keeps every time whose China date is on or
 * before the day before next: each hour of the days around a year's
 * end, written as the store writes times, with offsets up to SQLite's
 * largest either way, with a space, and in forms not written date
 * first; and it leaves out a time two days later. */
static void
dated_by_keeps_every_earlier_day(void **state)
{
    static const char *const tails[] = {
        "Z", "+14:59", "-14:59", "+08:00", "+00:30", "-03:30", "",
    };
    static const char *const other[] = {
        "2461040.5", "2461041", " 2026-12-31T20:00:00Z", "now", "12:00",
        "x", "",
    };
    static const char *const ends[] = {
        "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01",
        "2027-01-02",
    };
    struct fx *f = *state;
    struct sr_stmt *s = NULL;
    char day[11], next[11], at[48];
    size_t i, k, e;
    int n = 0, h;

    assert_int_equal(sr_store_prepare(f->st,
                                      "SELECT " SR_SQL_DATED_BY("?1", "?2"),
                                      &s),
                     SR_OK);
    for (e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
        sr_date_add_days(ends[e], 1, next);
        for (i = 0; i < 5; i++)
            for (h = 0; h < 24; h++)
                for (k = 0; k < sizeof(tails) / sizeof(tails[0]); k++) {
                    char d[11];

                    sr_date_add_days("2026-12-29", (int)i, d);
                    snprintf(at, sizeof(at), "%s%c%02d:45:00%s", d,
                             k % 2 ? ' ' : 'T', h, tails[k]);
                    assert_int_equal(sr_store_china_day(f->st, at, day),
                                     SR_OK);
                    assert_true(day[0]);
                    sr_reset(s);
                    sr_bind_text(s, 1, at);
                    sr_bind_text(s, 2, next);
                    assert_int_equal(sr_step(s), SR_ROW);
                    if (strcmp(day, ends[e]) <= 0 && !sr_col_int(s, 0))
                        fail_msg("%s (China %s) left out by %s", at, day,
                                 ends[e]);
                    n++;
                }
        for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
            sr_reset(s);
            sr_bind_text(s, 1, other[i]);
            sr_bind_text(s, 2, next);
            assert_int_equal(sr_step(s), SR_ROW);
            if (!sr_col_int(s, 0))
                fail_msg("'%s' left out by %s", other[i], ends[e]);
        }
    }
    /* Two days after the end: left on the server. */
    sr_reset(s);
    sr_bind_text(s, 1, "2027-01-02T00:00:00Z");
    sr_bind_text(s, 2, "2026-12-31");
    assert_int_equal(sr_step(s), SR_ROW);
    assert_int_equal(sr_col_int(s, 0), 0);
    sr_store_finish(f->st, s);
    assert_int_equal(n, 5 * 5 * 24 * 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parameters_rewritten_for_postgresql),
        cmocka_unit_test_setup_teardown(finished_statement_is_reused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(statement_in_use_is_not_shared,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(finished_select_ends_its_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(more_statements_than_the_cache_holds,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(bad_sql_names_the_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(china_day_is_sqlite_date, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dated_by_keeps_every_earlier_day,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
