/*
 * test_date.c - sr_date_parse() (date.c): every form a person may type
 * a date in, read as "YYYY-MM-DD", and every near miss refused with the
 * output untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "schoolrisk/date.h"

static void
accepted_forms(void **state)
{
    static const struct {
        const char *text, *date;
    } cases[] = {
        {"2026-12-31", "2026-12-31"},     {"2026-1-5", "2026-01-05"},
        {"2026-01-5", "2026-01-05"},      {"2026/12/31", "2026-12-31"},
        {"2026/1/5", "2026-01-05"},       {"2026.12.31", "2026-12-31"},
        {"2026.9.1", "2026-09-01"},       {"2026年12月31日", "2026-12-31"},
        {"2026年1月5日", "2026-01-05"},   {"2026年01月05日", "2026-01-05"},
        {"2026年12月31号", "2026-12-31"}, {"2024-02-29", "2024-02-29"},
        {"2000/2/29", "2000-02-29"},      {"1900-01-01", "1900-01-01"},
        {"2999年12月31日", "2999-12-31"},
    };
    char out[11];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(out, 0, sizeof(out));
        if (sr_date_parse(cases[i].text, out) != SR_OK)
            fail_msg("'%s' was refused", cases[i].text);
        assert_string_equal(out, cases[i].date);
    }
}

static void
refused_forms(void **state)
{
    static const char *const bad[] = {
        "",
        "2026",
        "2026-12",
        "26-12-31",        /* the year has four digits */
        "12/31/2026",      /* American */
        "31.12.2026",      /* German */
        "20261231",        /* no separators */
        "2026-12/31",      /* two different separators */
        "2026/12-31",
        "2026.12/31",
        "2026-12-31 ",     /* anything after it */
        " 2026-12-31",
        "2026-12-31T00:00:00Z",
        "2026-13-01",      /* no such month */
        "2026-00-10",
        "2026-02-29",      /* not a leap year */
        "2100-02-29",
        "2026-04-31",
        "2026-12-00",
        "2026-12-32",
        "2026-012-01",     /* three digits */
        "2026-12-001",
        "1899-12-31",      /* out of range */
        "3000-01-01",
        "2026年12月31",    /* 日 or 号 at the end */
        "2026年12-31日",
        "2026-12月31日",
        "2026年12月31日日",
        "2026年第12月31日",
        "二〇二六年十二月三十一日",
        "２０２６-１２-３１", /* full-width digits */
        "2026--12-31",
        "2026-+1-01",
        "abcd-ef-gh",
        "2026-12-31-",
        "2026-1a-01",
    };
    char out[11];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(out, 'x', sizeof(out));
        if (sr_date_parse(bad[i], out) != SR_ERR_INPUT)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(out[0], 'x'); /* untouched */
    }
    assert_int_equal(sr_date_parse(NULL, out), SR_ERR_INPUT);
}

/* A text far longer than any date is refused without being read on. */
static void
long_text_refused(void **state)
{
    char text[4096], out[11];

    (void)state;
    memset(text, '1', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    assert_int_equal(sr_date_parse(text, out), SR_ERR_INPUT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepted_forms),
        cmocka_unit_test(refused_forms),
        cmocka_unit_test(long_text_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
