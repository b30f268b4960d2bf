/*
 * test_rowjson.c - the chained row states made in C (src/store/rowjson.c)
 * are byte for byte what SQLite's json_object() makes: the chains
 * written before schema 10 hold json_object()'s text, hashed.
 *
 * A property test serializes thousands of random rows both ways (every
 * control byte, quotes, backslashes, CJK, 4-byte UTF-8, invalid UTF-8,
 * embedded NUL, empty text, NULL, INT64_MIN/MAX); then every row of the
 * old fixtures, upgraded, is compared with json_object() over the
 * columns the removed SR_*_STATE macros listed (copied below as they
 * were), so that a key or a column out of place shows here.  Those
 * comparisons are with SQLite itself and skip on PostgreSQL
 * (SR_TEST_STORE=pg, testdb.h); the rest runs on both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/store/store_int.h"
#include "../../src/util.h"
#include "testutil.h"
#include "testdb.h"

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
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-rowjson-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Random rows                                                          */
/* ------------------------------------------------------------------ */

/* xorshift64*: the same rows on every run, so a failure repeats. */
static uint64_t
rnd(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}

/* Pieces a random text is made of: each byte that json_quote() treats
 * alike in its own piece, so that every one comes up often. */
static const char *const pieces[] = {
    "\"", "\\", "/", "a", "Z", " ", "'", "{", "}", ":", ",", "0", "\x7f",
    "\xc3\xa9",          /* é */
    "\xe9\x9a\x90\xe6\x82\xa3", /* 隐患 */
    "\xf0\x9f\x98\x80",  /* U+1F600, 4 bytes */
    "\xf0\xa0\x80\x80",  /* U+20000, CJK extension B */
    "\xef\xbb\xbf",      /* BOM */
    "\x80", "\xff", "\xc3", "\xed\xa0\x80", /* invalid UTF-8 */
};

/* A random text of up to 40 pieces into buf; its length. */
static size_t
random_text(uint64_t *x, char *buf)
{
    size_t n = rnd(x) % 41, len = 0, i;

    for (i = 0; i < n; i++) {
        uint64_t r = rnd(x) % 3;

        if (r == 0) {
            /* Any byte below 0x20, NUL included. */
            buf[len++] = (char)(rnd(x) % 0x20);
        } else {
            const char *p = pieces[rnd(x) % (sizeof(pieces) /
                                             sizeof(pieces[0]))];
            size_t pl = strlen(p);

            memcpy(buf + len, p, pl);
            len += pl;
        }
    }
    return len;
}

static int64_t
random_int(uint64_t *x)
{
    static const int64_t edges[] = {0, 1, -1, INT64_MIN, INT64_MAX,
                                    INT64_MIN + 1, INT64_MAX - 1,
                                    2147483648LL, -2147483649LL};

    switch (rnd(x) % 3) {
    case 0:
        return edges[rnd(x) % (sizeof(edges) / sizeof(edges[0]))];
    case 1:
        return (int64_t)(rnd(x) % 2001) - 1000;
    default:
        return (int64_t)rnd(x);
    }
}

#define NCOLS 6
#define NROWS 5000

/* Keys with bytes to escape too: a state's keys are plain, but the
 * serializer quotes them as it quotes values. */
static const char *const keys[NCOLS] = {
    "id", "k\"ey", "back\\slash", "隐患", "ctl\x01\n", ""};

static void
random_rows_serialize_as_json_object(void **state)
{
    struct fx *f = *state;
    struct sr_stmt *s = NULL;
    struct sr_buf b;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    char *buf = NULL;
    int row, c, kinds[3] = {0, 0, 0};

    test_sqlite_only("compared with SQLite's json_object()");
    buf = malloc(40 * 8);
    assert_non_null(buf);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    assert_int_equal(sr_db_exec(f->st, "CREATE TEMP TABLE r(c0, c1, c2, "
                                       "c3, c4, c5)"),
                     SR_DB_OK);
    assert_int_equal(sr_store_prepare(f->st, "INSERT INTO r VALUES (?1, ?2, "
                                             "?3, ?4, ?5, ?6)",
                                      &s),
                     SR_OK);
    for (row = 0; row < NROWS; row++) {
        for (c = 1; c <= NCOLS; c++) {
            int kind = (int)(rnd(&x) % 3);

            kinds[kind]++;
            if (kind == 0) {
                sr_bind_null(s, c);
            } else if (kind == 1) {
                sr_bind_int64(s, c, random_int(&x));
            } else {
                size_t len = random_text(&x, buf);

                sr_bind_textn(s, c, buf, len);
            }
        }
        assert_int_equal(sr_step(s), SR_DONE);
        sr_reset(s);
    }
    sr_store_finish(f->st, s);
    free(buf);
    assert_true(kinds[0] > 1000 && kinds[1] > 1000 && kinds[2] > 1000);

    /* Column 5 is also hashed the way the users' secrets are: as the
     * json_object() of sr_sha256(). */
    assert_int_equal(
        sr_store_prepare(f->st,
                         "SELECT c0, c1, c2, c3, c4, c5, json_object('id', "
                         "c0, 'k\"ey', c1, 'back\\slash', c2, '隐患', c3, "
                         "'ctl' || char(1) || char(10), c4, '', c5), "
                         "json_object('id', c0, 'k\"ey', c1, 'back\\slash', "
                         "c2, '隐患', c3, 'ctl' || char(1) || char(10), c4, "
                         "'', sr_sha256(c5)) FROM r ORDER BY rowid",
                         &s),
        SR_OK);
    sr_buf_init(&b);
    for (row = 0; sr_step(s) == SR_ROW; row++) {
        int h;

        for (h = 0; h < 2; h++) {
            const char *want;
            size_t want_len;

            b.len = 0;
            assert_int_equal(sr_rowjson_append(f->st, &b, s, 0, keys, NCOLS,
                                               h ? 1u << 5 : 0),
                             SR_OK);
            want = sr_col_text(s, NCOLS + h);
            want_len = sr_col_bytes(s, NCOLS + h);
            if (b.len != want_len || memcmp(b.p, want, want_len) != 0)
                fail_msg("row %d (hashed %d): C %.*s\nSQLite %.*s", row, h,
                         (int)b.len, b.p, (int)want_len, want);
        }
    }
    sr_buf_release(&b);
    sr_store_finish(f->st, s);
    assert_int_equal(row, NROWS);
}

/* Every byte value alone, once, so that none is left to chance. */
static void
every_byte_alone(void **state)
{
    struct fx *f = *state;
    struct sr_stmt *s = NULL;
    struct sr_buf b;
    static const char *const k[] = {"v"};
    int c;

    test_sqlite_only("compared with SQLite's json_object()");
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    assert_int_equal(sr_store_prepare(f->st,
                                      "SELECT ?1, json_object('v', ?1)", &s),
                     SR_OK);
    sr_buf_init(&b);
    for (c = 0; c < 256; c++) {
        char ch = (char)c;

        sr_bind_textn(s, 1, &ch, 1);
        assert_int_equal(sr_step(s), SR_ROW);
        b.len = 0;
        assert_int_equal(sr_rowjson_append(f->st, &b, s, 0, k, 1, 0), SR_OK);
        assert_int_equal(b.len, sr_col_bytes(s, 1));
        assert_memory_equal(b.p, sr_col_text(s, 1), b.len);
        sr_reset(s);
    }
    sr_store_finish(f->st, s);
    /* The escapes themselves, pinned (SQLite 3.40's json_quote()). */
    b.len = 0;
    assert_int_equal(sr_store_prepare(f->st, "SELECT ?1", &s), SR_OK);
    sr_bind_textn(s, 1, "\"\\\b\t\n\f\r\x01\x1f\x7f/", 11);
    assert_int_equal(sr_step(s), SR_ROW);
    assert_int_equal(sr_rowjson_append(f->st, &b, s, 0, k, 1, 0), SR_OK);
    assert_string_equal(b.p, "{\"v\":\"\\\"\\\\\\b\\t\\n\\f\\r\\u0001\\u001f"
                             "\x7f/\"}");
    sr_store_finish(f->st, s);
    sr_buf_release(&b);
}

/* A REAL has no exact C form of SQLite's "%!.15g": refused, named. */
static void
real_is_refused(void **state)
{
    struct fx *f = *state;
    struct sr_stmt *s = NULL;
    struct sr_buf b;
    static const char *const k[] = {"id", "ratio"};

    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    assert_int_equal(sr_store_prepare(f->st, "SELECT 1, 0.5", &s), SR_OK);
    assert_int_equal(sr_step(s), SR_ROW);
    sr_buf_init(&b);
    assert_int_equal(sr_rowjson_append(f->st, &b, s, 0, k, 2, 0),
                     SR_ERR_INTERNAL);
    assert_string_equal(sr_store_errmsg(f->st),
                        "cannot record 'ratio' in a chained state: not an "
                        "integer or a text");
    sr_buf_release(&b);
    sr_store_finish(f->st, s);
}

/* ------------------------------------------------------------------ */
/* The states, against the macros they replace                          */
/* ------------------------------------------------------------------ */

/* The SR_*_STATE macros of store_int.h before schema 10, as they were:
 * what every chain up to then hashed. */
#define OLD_HAZARD_STATE(h)                                                 \
    "json_object('id'," h ".id,'school'," h ".school,'item'," h ".item,"    \
    "'item_title'," h ".item_title,'assessment'," h ".assessment,"          \
    "'level'," h ".level,'description'," h ".description,"                  \
    "'status'," h ".status,'found_on'," h ".found_on,"                      \
    "'found_by'," h ".found_by,'found_by_user'," h ".found_by_user,"        \
    "'responsible'," h ".responsible,'measures'," h ".measures,"            \
    "'deadline'," h ".deadline,'submitted_by'," h ".submitted_by,"          \
    "'submitted_by_user'," h ".submitted_by_user,"                          \
    "'reviewed_by'," h ".reviewed_by,'reviewed_by_user'," h                 \
    ".reviewed_by_user,'reviewed_on'," h ".reviewed_on,"                    \
    "'closed_on'," h ".closed_on,'recurrent_of'," h ".recurrent_of,"        \
    "'baseline'," h ".baseline)"
#define OLD_SCHOOL_STATE_HEAD(s)                                            \
    "json_object('code'," s ".code,'name'," s ".name,'district'," s          \
    ".district,'stage'," s ".stage,'ownership'," s ".ownership,"            \
    "'locale'," s ".locale,'boarding'," s ".boarding,'school_bus'," s       \
    ".school_bus,'canteen'," s ".canteen,'laboratory'," s ".laboratory,"    \
    "'swimming_pool'," s ".swimming_pool,'enrollment'," s ".enrollment,"    \
    "'boarders'," s ".boarders,'special_needs'," s ".special_needs,"
#define OLD_SCHOOL_STATE_TAIL(s)                                            \
    "'contact'," s ".contact,'phone'," s ".phone,'closed'," s ".closed,"    \
    "'updated_at'," s ".updated_at,'updated_by'," s ".updated_by)"
#define OLD_SCHOOL_STATE_2(s) OLD_SCHOOL_STATE_HEAD(s) OLD_SCHOOL_STATE_TAIL(s)
#define OLD_SCHOOL_STATE(s)                                                 \
    OLD_SCHOOL_STATE_HEAD(s)                                                \
    "'staff'," s ".staff,'meal_delivery'," s ".meal_delivery,"              \
    "'village_school'," s ".village_school," OLD_SCHOOL_STATE_TAIL(s)
#define OLD_GRANT_STATE(g)                                                  \
    "json_object('id'," g ".id,'user'," g ".user,'role'," g ".role,"        \
    "'district'," g ".district,'school'," g ".school,'granted_at'," g       \
    ".granted_at,'granted_by'," g ".granted_by,'revoked_at'," g             \
    ".revoked_at,'revoked_by'," g ".revoked_by)"
#define OLD_USER_STATE(u)                                                   \
    "json_object('id'," u ".id,'login'," u ".login,'name'," u ".name,"      \
    "'unit'," u ".unit,'phone'," u ".phone,'password',sr_sha256(" u         \
    ".password_hash),'password_set_at'," u ".password_set_at,"              \
    "'must_change'," u ".must_change,'totp',sr_sha256(" u ".totp_secret),"  \
    "'disabled'," u ".disabled,'created_at'," u ".created_at,"              \
    "'created_by'," u ".created_by)"
#define OLD_EXPERT_STATE(x)                                                 \
    "json_object('user'," x ".user,'unit'," x ".unit,'district'," x         \
    ".district,'specialities'," x ".specialities,'trained_on'," x           \
    ".trained_on,'certified_on'," x ".certified_on,'expires_on'," x         \
    ".expires_on,'status'," x ".status,'updated_at'," x ".updated_at,"      \
    "'updated_by'," x ".updated_by)"

/* Every row of a table: the state made in C from sql's columns 1 .. n
 * (column 0 is the old macro's text) is that text; the rows seen. */
static int
states_match(struct sr_store *st, const struct sr_state *state,
             const char *sql)
{
    struct sr_stmt *s = NULL;
    struct sr_buf b;
    int rows = 0;

    assert_int_equal(sr_store_prepare(st, sql, &s), SR_OK);
    sr_buf_init(&b);
    while (sr_step(s) == SR_ROW) {
        b.len = 0;
        assert_int_equal(sr_state_append(st, state, &b, s, 1), SR_OK);
        assert_int_equal(b.len, sr_col_bytes(s, 0));
        assert_memory_equal(b.p, sr_col_text(s, 0), b.len);
        rows++;
    }
    sr_buf_release(&b);
    sr_store_finish(st, s);
    return rows;
}

/* The fixture upgraded to this build's schema (then edit run, unless
 * NULL): each state of each row as the old macro made it; counts the
 * rows of each table. */
static void
fixture_states_match(struct fx *f, const char *fixture, const char *edit,
                     int counts[6])
{
    char cmd[512];

    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", fixture, f->db);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    assert_int_equal(sr_store_schema_version(f->st), SR_SCHEMA_VERSION);
    if (edit)
        assert_int_equal(sr_db_exec(f->st, edit), SR_DB_OK);
    counts[0] = states_match(f->st, &sr_hazard_state,
                             "SELECT " OLD_HAZARD_STATE("h") ", "
                             SR_HAZARD_COLS("h") " FROM hazards h");
    counts[1] = states_match(f->st, &sr_school_state,
                             "SELECT " OLD_SCHOOL_STATE("s") ", "
                             SR_SCHOOL_COLS("s") " FROM schools s");
    counts[2] = states_match(f->st, &sr_school_state_2,
                             "SELECT " OLD_SCHOOL_STATE_2("s") ", "
                             SR_SCHOOL_COLS_2("s") " FROM schools s");
    counts[3] = states_match(f->st, &sr_user_state,
                             "SELECT " OLD_USER_STATE("u") ", "
                             SR_USER_COLS("u") " FROM users u");
    counts[4] = states_match(f->st, &sr_grant_state,
                             "SELECT " OLD_GRANT_STATE("g") ", "
                             SR_GRANT_COLS("g") " FROM grants g");
    counts[5] = states_match(f->st, &sr_expert_state,
                             "SELECT " OLD_EXPERT_STATE("x") ", "
                             SR_EXPERT_COLS("x") " FROM experts x");
}

/* tests/fixtures/schema1: three hazards and two schools, upgraded
 * through every schema (the schema 2 step writes their first states). */
static void
schema1_states_are_the_old_macros(void **state)
{
    struct fx *f = *state;
    int n[6];

    test_sqlite_only("SQLite's schema 1 fixture and json_object()");
    fixture_states_match(f, SR_FIXTURES "/schema1/schema1.db", NULL, n);
    assert_int_equal(n[0], 3);
    assert_int_equal(n[1], 2);
    assert_int_equal(n[2], 2);
}

/* tests/fixtures/schema9: users, grants and expert profiles; one user
 * given a TOTP secret (both have none), so that it is hashed too. */
static void
schema9_states_are_the_old_macros(void **state)
{
    struct fx *f = *state;
    int n[6];

    test_sqlite_only("SQLite's schema 9 fixture and json_object()");
    fixture_states_match(f, SR_FIXTURES "/schema9/plan9.db",
                         "UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP' "
                         "WHERE id = (SELECT min(id) FROM users)",
                         n);
    assert_int_equal(n[1], 3);
    assert_int_equal(n[3], 2);
    assert_int_equal(n[4], 2);
    assert_int_equal(n[5], 2);
}

/* Each state's SQL selects its keys' columns, in order (a hashed column
 * is named after what it hides: password_hash for "password"). */
static void
state_sql_selects_the_keys(void **state)
{
    static const struct sr_state *const all[] = {
        &sr_hazard_state, &sr_school_state_2, &sr_school_state,
        &sr_user_state, &sr_grant_state, &sr_expert_state};
    struct fx *f = *state;
    size_t i;

    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        struct sr_stmt *s = NULL;
        size_t c;

        assert_int_equal(sr_store_prepare(f->st, all[i]->sql, &s), SR_OK);
        /* PostgreSQL knows the columns once the statement has run (db.h);
         * with its parameters NULL it finds no row */
        assert_int_equal(sr_step(s), SR_DONE);
        assert_int_equal(sr_col_count(s), (int)all[i]->n);
        for (c = 0; c < all[i]->n; c++) {
            const char *name = sr_col_name(s, (int)c);

            if ((all[i]->hashed >> c) & 1u)
                assert_memory_equal(name, all[i]->keys[c],
                                    strlen(all[i]->keys[c]));
            else
                assert_string_equal(name, all[i]->keys[c]);
        }
        sr_store_finish(f->st, s);
    }
}

/* A row that is not there has no state (the event then keeps NULL, as
 * the INSERT's subquery kept before). */
static void
missing_row_has_no_state(void **state)
{
    struct fx *f = *state;
    char *text = (char *)"x";

    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    assert_int_equal(sr_state_by_id(f->st, &sr_hazard_state, 42, &text),
                     SR_OK);
    assert_null(text);
    assert_int_equal(sr_state_by_code(f->st, &sr_school_state, "3701020001",
                                      &text),
                     SR_OK);
    assert_null(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(random_rows_serialize_as_json_object,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(every_byte_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(real_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(schema1_states_are_the_old_macros,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(schema9_states_are_the_old_macros,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(state_sql_selects_the_keys, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(missing_row_has_no_state, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
