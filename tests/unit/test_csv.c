/*
 * test_csv.c - the CSV reader: quoting, line endings, BOM, line numbers
 * and syntax errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "schoolrisk/csv.h"

static struct sr_csv *
open_str(const char *s)
{
    struct sr_csv *c = sr_csv_new(s, strlen(s));

    assert_non_null(c);
    return c;
}

static void
test_rows_and_lines(void **state)
{
    const char *in = "\xEF\xBB\xBFitem,value,note\r\n"
                     "a,1,\"x, y\"\r\n"
                     "\r\n"
                     "b,\"say \"\"hi\"\"\",\"two\nlines\"\n"
                     "c,,\n"
                     "d,4";
    struct sr_csv *c = open_str(in);
    struct sr_csv_row r;
    char err[128];

    (void)state;
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(r.line, 1);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.fields[0], "item");
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(r.line, 2);
    assert_string_equal(r.fields[2], "x, y");
    /* the blank line 3 is skipped */
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(r.line, 4);
    assert_string_equal(r.fields[1], "say \"hi\"");
    assert_string_equal(r.fields[2], "two\nlines");
    /* the quoted newline moved the next row to line 6 */
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(r.line, 6);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.fields[1], "");
    assert_string_equal(r.fields[2], "");
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(r.line, 7);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.fields[1], "4");
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 0);
    sr_csv_free(c);
}

static void
test_unterminated_quote(void **state)
{
    struct sr_csv *c = open_str("a,b\nc,\"open\nstill\n");
    struct sr_csv_row r;
    char err[128];

    (void)state;
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "quoted field starting on line 2 is not closed");
    assert_int_equal(r.line, 2);
    sr_csv_free(c);
}

static void
test_text_after_quote(void **state)
{
    struct sr_csv *c = open_str("a,\"b\"x,c\n");
    struct sr_csv_row r;
    char err[128];

    (void)state;
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "unexpected text after a closing quote");
    assert_int_equal(r.line, 1);
    sr_csv_free(c);
}

static void
test_nul_byte(void **state)
{
    static const char in[] = "a,b\nc,d\0e\n";
    struct sr_csv *c = sr_csv_new(in, sizeof(in) - 1);
    struct sr_csv_row r;
    char err[128];

    (void)state;
    assert_non_null(c);
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "field 2 contains a NUL byte");
    sr_csv_free(c);
}

static void
test_empty_and_cr_only(void **state)
{
    struct sr_csv *c = open_str("");
    struct sr_csv_row r;
    char err[128];

    (void)state;
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 0);
    sr_csv_free(c);
    /* old Mac line ends: lone CR separates rows */
    c = open_str("a,b\rc,d\r");
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_string_equal(r.fields[1], "b");
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 1);
    assert_string_equal(r.fields[0], "c");
    assert_int_equal(sr_csv_next(c, &r, err, sizeof(err)), 0);
    sr_csv_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_and_lines),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_text_after_quote),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_empty_and_cr_only),
    };

    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
