/*
 * test_decimal.c - parsing and formatting of scaled decimals, and
 * rounding half away from zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "schoolrisk/decimal.h"

static void
test_parse_ok(void **state)
{
    static const struct {
        const char *s;
        int scale;
        int64_t v;
    } cases[] = {
        {"0", 2, 0},          {"12", 2, 1200},      {"0.6", 4, 6000},
        {"-3.25", 2, -325},   {"1.2345", 4, 12345}, {"007", 0, 7},
        {"99.9", 1, 999},     {"10000", 2, 1000000},
        {"123456789012", 4, 1234567890120000},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = -1;

        assert_int_equal(sr_decimal_parse(cases[i].s, cases[i].scale, &v),
                         SR_OK);
        assert_int_equal(v, cases[i].v);
    }
}

static void
test_parse_refused(void **state)
{
    static const struct {
        const char *s;
        int scale;
    } cases[] = {
        {"", 2},       {"-", 2},      {".5", 2},     {"1.", 2},
        {"1.234", 2},  {"1e3", 2},    {" 1", 2},     {"1 ", 2},
        {"+1", 2},     {"1,5", 2},    {"0x10", 2},   {"--1", 2},
        {"1.5", 0},    {"99999999999999999999", 0},
        {"1234567890123456", 4},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = 42;

        assert_int_equal(sr_decimal_parse(cases[i].s, cases[i].scale, &v),
                         SR_ERR_INPUT);
        assert_int_equal(v, 42); /* untouched on error */
    }
}

static void
test_format(void **state)
{
    char buf[32];

    (void)state;
    sr_decimal_format(7500000, 6, 2, buf, sizeof(buf));
    assert_string_equal(buf, "7.50");
    sr_decimal_format(6000, 4, 0, buf, sizeof(buf));
    assert_string_equal(buf, "0.6");
    sr_decimal_format(10000, 4, 0, buf, sizeof(buf));
    assert_string_equal(buf, "1");
    sr_decimal_format(8000, 2, 2, buf, sizeof(buf));
    assert_string_equal(buf, "80.00");
    sr_decimal_format(11108889, 6, 2, buf, sizeof(buf));
    assert_string_equal(buf, "11.108889");
    sr_decimal_format(-325, 2, 0, buf, sizeof(buf));
    assert_string_equal(buf, "-3.25");
    sr_decimal_format(-5, 2, 2, buf, sizeof(buf));
    assert_string_equal(buf, "-0.05");
    sr_decimal_format(INT64_MIN, 6, 0, buf, sizeof(buf));
    assert_string_equal(buf, "-9223372036854.775808");
}

static void
test_div_round(void **state)
{
    (void)state;
    assert_int_equal(sr_div_round(5, 2), 3);   /* 2.5 -> 3 */
    assert_int_equal(sr_div_round(-5, 2), -3); /* -2.5 -> -3 */
    assert_int_equal(sr_div_round(7, 3), 2);   /* 2.33 -> 2 */
    assert_int_equal(sr_div_round(8, 3), 3);   /* 2.67 -> 3 */
    assert_int_equal(sr_div_round(1, 3), 0);
    assert_int_equal(sr_div_round(0, 7), 0);
    /* 79.995 x 100 = 7999.5 -> 8000 */
    assert_int_equal(sr_div_round(159990000LL * 10000, 200000000), 8000);
    assert_int_equal(sr_div_round(159980000LL * 10000, 200000000), 7999);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_refused),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_div_round),
    };

    return cmocka_run_group_tests_name("decimal", tests, NULL, NULL);
}
