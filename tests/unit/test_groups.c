/*
 * test_groups.c - indicator format 2, part 2 (docs/indicator-format.md
 * s.16.9-16.12): groups of sub-items scored by the number failed or
 * per one failed, a sub-item that zeroes its group, deduction per one
 * short of a derived requirement, a declared table total, bonus points
 * under a cap and items scored by the evaluator: the loader's checks
 * with their exact messages and lines, and the scores with exact
 * figures (src/indicators.c, src/scoring.c, src/responses.c).
 *
 * As in test_format2.c: the items under test start on line 7 of a
 * system whose baseline dimension "B" never applies (special_needs >=
 * 9999), so it stays out of the figures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/indicators.h"
#include "schoolrisk/json.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

#include "fmt2_fixture.h"

/* Score the answers so far; SR_OK expected. */
static void
score(struct fx *f)
{
    assert_int_equal(sr_score(f->sys, &f->school, &f->resp, &f->res), SR_OK);
}

static const struct sr_item_result *
res_of(struct fx *f, const char *id)
{
    return &f->res.items[idx(f, id)];
}

/* ------------------------------------------------------------------ */
/* Groups by the number failed (issue 11 item 3)                        */
/* ------------------------------------------------------------------ */

#define SYSTEMS_15                                                        \
    "<group id=\"g\" points=\"15\" rule=\"failed\"><title>安全制度</title>\n" \
    "<failed count=\"1\" points=\"10\"/>\n"                               \
    "<failed count=\"2\" points=\"5\"/>\n"                                \
    "<failed count=\"3\" points=\"0\"/>\n"                                \
    "<item id=\"m1\" zeroes=\"true\"><title>门卫制度</title></item>\n"     \
    "<item id=\"m2\"><title>值班</title></item>\n"                        \
    "<item id=\"m3\"><title>检查</title></item>\n"                        \
    "<item id=\"m4\"><title>预案</title></item>\n"                        \
    "<item id=\"m5\" allow-na=\"true\"><title>教育</title></item>\n"       \
    "</group>\n"                                                          \
    "<item id=\"x\" points=\"5\" method=\"check\"><title>x</title></item>"

/* Answer m1..m5: fails[k] true fails m(k+1). */
static void
answer_members(struct fx *f, const char *fails)
{
    static const char *const ids[] = {"m1", "m2", "m3", "m4", "m5"};
    int k;

    reset(f);
    for (k = 0; k < 5; k++)
        answer(f, ids[k], fails[k] == 'F' ? "fail" : "pass");
    answer(f, "x", "pass");
    score(f);
}

/* All present 15, one missing 10, two 5, three or more 0; 门卫制度
 * missing zeroes the group, and the school is not vetoed. */
static void
test_group_failed(void **state)
{
    static const struct {
        const char *fails;
        int64_t earned;
        int32_t fraction;
    } cases[] = {
        {"PPPPP", 15000000, 10000}, {"PFPPP", 10000000, 6667},
        {"PFFPP", 5000000, 3333},   {"PFFFP", 0, 0},
        {"PFFFF", 0, 0},            {"FPPPP", 0, 0},
    };
    struct fx f;
    size_t k;

    (void)state;
    fx_load(&f, SYSTEMS_15);
    assert_int_equal(item(&f, "g")->method, SR_METHOD_GROUP);
    assert_int_equal(item(&f, "g")->members, 5);
    assert_int_equal(item(&f, "m1")->group, idx(&f, "g"));
    assert_true(item(&f, "m1")->zeroes);
    assert_int_equal(item(&f, "m1")->points, 0);
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        answer_members(&f, cases[k].fails);
        assert_int_equal(res_of(&f, "g")->status, SR_ITEM_SCORED);
        assert_int_equal(res_of(&f, "g")->earned, cases[k].earned);
        assert_int_equal(res_of(&f, "g")->max, 15000000);
        assert_int_equal(res_of(&f, "g")->fraction, cases[k].fraction);
        assert_int_equal(res_of(&f, "g")->met, k == 0);
        /* The group raises no hazard; its failed sub-items do. */
        assert_int_equal(res_of(&f, "g")->hazard, SR_HAZARD_NONE);
        assert_int_equal(res_of(&f, "m2")->hazard,
                         cases[k].fails[1] == 'F' ? SR_HAZARD_GENERAL
                                                  : SR_HAZARD_NONE);
        assert_int_equal(f.res.earned, cases[k].earned + 5000000);
        assert_int_equal(f.res.max, 20000000);
        assert_false(f.res.vetoed);
    }
    /* 门卫制度 alone missing: 0 of 15 + 5 of 5 = 25.00, not vetoed. */
    assert_int_equal(f.res.total, 2500);
    assert_string_equal(band_id(&f), "major");
    assert_choices(&f, "g", "failed 0:15分|1:10分|2:5分|3+:0分; zeroed by m1");
    /* 失分明细's 检查结果 of a group (it has no answer of its own). */
    {
        char *t = sr_answer_text(f.sys, item(&f, "g"), &f.school, NULL);

        assert_string_equal(t, "检查组，按子项计分");
        free(t);
    }
    assert_choices(&f, "m1", "pass:1|fail:0 (fail: g earns 0)");
    fx_free(&f);
}

/* A sub-item unanswered: the group waits (pending), the sub-item is
 * missing; all na: the group is left out. */
static void
test_group_pending_na(void **state)
{
    struct fx f;
    size_t answered, applicable;

    (void)state;
    fx_load(&f,
            "<group id=\"g\" points=\"10\" rule=\"deduct\" per=\"2\">"
            "<title>g</title>\n"
            "<item id=\"m1\" allow-na=\"true\"><title>a</title></item>\n"
            "<item id=\"m2\" allow-na=\"true\"><title>b</title></item>\n"
            "</group>\n"
            "<item id=\"x\" points=\"5\" method=\"check\"><title>x</title>"
            "</item>");
    answer(&f, "m1", "fail");
    answer(&f, "x", "pass");
    score(&f);
    assert_int_equal(res_of(&f, "g")->status, SR_ITEM_PENDING);
    assert_int_equal(res_of(&f, "m2")->status, SR_ITEM_UNANSWERED);
    assert_int_equal(f.res.missing, 1);
    assert_int_equal(f.res.max, 5000000);
    sr_result_progress(&f.res, &answered, &applicable);
    assert_int_equal(answered, 2);
    assert_int_equal(applicable, 3);
    reset(&f);
    answer(&f, "m1", "na");
    answer(&f, "m2", "na");
    answer(&f, "x", "fail");
    score(&f);
    assert_int_equal(res_of(&f, "g")->status, SR_ITEM_NA);
    assert_int_equal(f.res.max, 5000000);
    /* The group is in neither count once its sub-items are answered
     * either: the total stays 3 (it read 4 when a scored group joined). */
    sr_result_progress(&f.res, &answered, &applicable);
    assert_int_equal(answered, 3);
    assert_int_equal(applicable, 3);
    reset(&f);
    answer(&f, "m1", "na");
    answer(&f, "m2", "fail");
    answer(&f, "x", "pass");
    score(&f);
    /* Only m2 counts: one failed, 10 - 2 = 8. */
    assert_int_equal(res_of(&f, "g")->earned, 8000000);
    assert_int_equal(f.res.total, 8667);
    answer_bad(&f, "g", "pass",
               "r.csv:2: item 'g' is a group, scored from its sub-items; "
               "answer them instead");
    fx_free(&f);
}

/* "每处扣 2 分", floored at 0. */
static void
test_group_deduct(void **state)
{
    static const char *const ids[] = {"m1", "m2", "m3", "m4", "m5", "m6"};
    struct fx f;
    int failed, k;

    (void)state;
    fx_load(&f,
            "<group id=\"g\" points=\"10\" rule=\"deduct\" per=\"2.5\">"
            "<title>消防器材</title>\n"
            "<item id=\"m1\"><title>a</title></item>\n"
            "<item id=\"m2\"><title>b</title></item>\n"
            "<item id=\"m3\"><title>c</title></item>\n"
            "<item id=\"m4\"><title>d</title></item>\n"
            "<item id=\"m5\"><title>e</title></item>\n"
            "<item id=\"m6\"><title>f</title></item>\n"
            "</group>");
    for (failed = 0; failed <= 6; failed++) {
        int64_t want = 1000 - failed * 250;

        reset(&f);
        for (k = 0; k < 6; k++)
            answer(&f, ids[k], k < failed ? "fail" : "pass");
        score(&f);
        assert_int_equal(res_of(&f, "g")->earned,
                         (want > 0 ? want : 0) * 10000);
    }
    assert_choices(&f, "g", "failed 0:10分|each:-2.5分");
    assert_choices(&f, "m1", "pass:1|fail:0 (fail counts in g)");
    fx_free(&f);
}

static void
test_group_checks(void **state)
{
    const char *const want[] = {
        "t.xml:7: group 'g': per belongs to rule=\"deduct\", not "
        "rule=\"failed\"",
        "t.xml:8: group 'g': the first <failed> step must have count=\"1\" "
        "(got '2')",
        "t.xml:9: group 'g': <failed> steps must be in strictly ascending "
        "order of count (step 2)",
        "t.xml:9: group 'g': more failed sub-items may not earn more points "
        "(step 2)",
        "t.xml:10: group 'g': <failed count=\"3\"> can never happen: the "
        "group has 2 sub-items",
        "t.xml:10: group 'g': <failed count=\"3\"> must be worth from 0 to "
        "the group's 15 points (got '16')",
        "t.xml:13: group 'h': rule=\"failed\" needs <failed count=… "
        "points=…> steps",
        "t.xml:16: group 'k': rule=\"deduct\" needs per (points off per "
        "failed sub-item)",
        "t.xml:17: group 'k': <failed> steps belong to rule=\"failed\", not "
        "rule=\"deduct\"",
        "t.xml:20: group 'p': points must be greater than 0 and at most "
        "10000 (got '0')",
        "t.xml:21: group 'p': failed points must be a number with at most "
        "2 decimals (got '0.001')",
        "t.xml:24: group 'q': per must be greater than 0 and at most 10000 "
        "(got '0')",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               "<group id=\"g\" points=\"15\" rule=\"failed\" per=\"2\">"
               "<title>g</title>\n"
               "<failed count=\"2\" points=\"5\"/>\n"
               "<failed count=\"1\" points=\"10\"/>\n"
               "<failed count=\"3\" points=\"16\"/>\n"
               "<item id=\"g1\"><title>a</title></item>\n"
               "<item id=\"g2\"><title>b</title></item></group>\n"
               "<group id=\"h\" points=\"15\" rule=\"failed\"><title>h</title>\n"
               "<item id=\"h1\"><title>a</title></item>\n"
               "<item id=\"h2\"><title>b</title></item></group>\n"
               "<group id=\"k\" points=\"15\" rule=\"deduct\"><title>k</title>\n"
               "<failed count=\"1\" points=\"5\"/>\n"
               "<item id=\"k1\"><title>a</title></item>\n"
               "<item id=\"k2\"><title>b</title></item></group>\n"
               "<group id=\"p\" points=\"0\" rule=\"failed\">"
               "<title>p</title>\n"
               "<failed count=\"1\" points=\"0.001\"/>\n"
               "<item id=\"p1\"><title>a</title></item>\n"
               "<item id=\"p2\"><title>b</title></item></group>\n"
               "<group id=\"q\" points=\"5\" rule=\"deduct\" per=\"0\">"
               "<title>q</title>\n"
               "<item id=\"q1\"><title>a</title></item>\n"
               "<item id=\"q2\"><title>b</title></item></group>",
               want);
}

static void
test_group_format1(void **state)
{
    const char *const want[] = {
        "t.xml:7: group 'g': item groups need format=\"2\" on <system>",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT1),
               "<group id=\"g\" points=\"10\" rule=\"deduct\" per=\"2\">"
               "<title>g</title>\n"
               "<item id=\"g1\"><title>a</title></item>\n"
               "<item id=\"g2\"><title>b</title></item></group>",
               want);
}

/* ------------------------------------------------------------------ */
/* Deduction by shortfall (issue 11 item 4)                             */
/* ------------------------------------------------------------------ */

#define GUARDS                                                            \
    "<item id=\"gd\" points=\"15\" method=\"deduct\"><title>保安</title>\n" \
    "<deduct per=\"5\" unit=\"人\"><required attr=\"enrollment\">\n"       \
    "<step from=\"0\" value=\"2\"/>\n"                                    \
    "<step from=\"1000\" value=\"3\"/>\n"                                 \
    "<step from=\"2000\" value=\"4\"/>\n"                                 \
    "</required></deduct></item>"

/* Guards required 2/3/4 by enrollment, 5 off per one short, floor 0:
 * one item whatever the band. */
static void
test_shortfall(void **state)
{
    static const struct {
        int64_t enrollment;
        const char *actual;
        int64_t required, earned;
        const char *text;
    } cases[] = {
        {999, "2", 20000, 15000000, "2人/应配2人"},
        {999, "1", 20000, 10000000, "1人/应配2人"},
        {1000, "2", 30000, 10000000, "2人/应配3人"},
        {1999, "5", 30000, 15000000, "5人/应配3人"},
        {2000, "1", 40000, 0, "1人/应配4人"},
        {2600, "0", 40000, 0, "0人/应配4人"},
    };
    struct fx f;
    size_t k;

    (void)state;
    fx_load(&f, GUARDS);
    assert_true(sr_item_by_shortfall(item(&f, "gd")));
    assert_false(sr_item_has_reasons(item(&f, "gd")));
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char *t;

        f.school.attr[SR_ATTR_ENROLLMENT] = cases[k].enrollment;
        reset(&f);
        answer(&f, "gd", cases[k].actual);
        score(&f);
        assert_int_equal(sr_item_required(f.sys, item(&f, "gd"), &f.school),
                         cases[k].required);
        assert_int_equal(res_of(&f, "gd")->required, cases[k].required);
        assert_int_equal(res_of(&f, "gd")->earned, cases[k].earned);
        t = sr_answer_text(f.sys, item(&f, "gd"), &f.school,
                           cases[k].actual);
        assert_string_equal(t, cases[k].text);
        free(t);
    }
    assert_choices(&f, "gd",
                   "actual (required by enrollment: >=0:2|>=1000:3|"
                   ">=2000:4):-5 each one short");
    reset(&f);
    answer_bad(&f, "gd", "2.5",
               "r.csv:2: item 'gd': expected the actual number (a whole "
               "number, 0 or more), got '2.5'");
    answer_bad(&f, "gd", "-1",
               "r.csv:2: item 'gd': expected the actual number (a whole "
               "number, 0 or more), got '-1'");
    fx_free(&f);
}

static void
test_shortfall_checks(void **state)
{
    const char *const want[] = {
        "t.xml:9: item 'a': step 'value' must be a whole number (got '2.5')",
        "t.xml:12: item 'b': a deduction by shortfall (<required>) takes "
        "per, not <reason> elements",
        "t.xml:15: item 'c': a requirement must be derived from a count "
        "attribute (enrollment, boarders, special_needs, staff, population), "
        "not 'boarding'",
        NULL};
    const char *const want1[] = {
        "t.xml:8: item 'gd': deductions by shortfall need format=\"2\" on "
        "<system>",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               "<item id=\"a\" points=\"15\" method=\"deduct\"><title>a</title>\n"
               "<deduct per=\"5\"><required attr=\"enrollment\">\n"
               "<step from=\"0\" value=\"2.5\"/></required></deduct></item>\n"
               "<item id=\"b\" points=\"15\" method=\"deduct\"><title>b</title>\n"
               "<deduct><reason value=\"r\" per=\"1\"/>\n"
               "<required attr=\"enrollment\"><step from=\"0\" value=\"2\"/>"
               "</required></deduct></item>\n"
               "<item id=\"c\" points=\"15\" method=\"deduct\"><title>c</title>\n"
               "<deduct per=\"5\">\n"
               "<required attr=\"boarding\"><step from=\"0\" value=\"2\"/>"
               "</required></deduct></item>",
               want);
    expect_bad(HEAD(FORMAT1), GUARDS, want1);
}

/* ------------------------------------------------------------------ */
/* Totals other than 100, bonus points, the evaluator (item 9)          */
/* ------------------------------------------------------------------ */

#define FMT_MARK "fmt=\"mark\""

/* HEAD(FORMAT2) with the system attributes extra after format="2"
 * ("total=\"96\""), into head. */
static void
head_with(char *head, size_t size, const char *fmt, const char *extra)
{
    const char *h = HEAD(FMT_MARK);
    const char *at = strstr(h, FMT_MARK);

    snprintf(head, size, "%.*s%s %s%s", (int)(at - h), h, fmt, extra,
             at + strlen(FMT_MARK));
}

/* A format-2 system of one dimension T whose items are given, with the
 * system attributes extra. */
static void
fx_load_sys(struct fx *f, const char *extra, const char *items)
{
    char head[4096], body[8192];

    head_with(head, sizeof(head), FORMAT2, extra);
    snprintf(body, sizeof(body),
             "<indicator id=\"T.1\" title=\"测试\">\n%s\n</indicator>",
             items);
    if (load(f, head, body) != SR_OK)
        show_diags(&f->diags);
    assert_non_null(f->sys);
    assert_int_equal(sr_responses_init(&f->resp, f->sys), SR_OK);
    assert_int_equal(sr_result_init(&f->res, f->sys), SR_OK);
}

/* A 96-point table: 86.40 of 96 is exactly 90.00; a 1000-point table:
 * 912.50 of 1000 is 91.25.  The table's total adds 4 baseline points
 * (B1..B4, 1 point each, never applicable here). */
static void
test_table_totals(void **state)
{
    struct fx f;

    (void)state;
    fx_load_sys(&f, "total=\"100\"",
                "<item id=\"a\" points=\"60\" method=\"levels\"><title>a</title>"
                "<levels><level value=\"好\" points=\"60\"/>"
                "<level value=\"中\" points=\"50.4\"/></levels></item>\n"
                "<item id=\"b\" points=\"36\" method=\"check\"><title>b</title>"
                "</item>");
    assert_int_equal(sr_system_total(f.sys), 10000);
    answer(&f, "a", "中");
    answer(&f, "b", "pass");
    score(&f);
    assert_int_equal(f.res.earned, 86400000);
    assert_int_equal(f.res.max, 96000000);
    assert_int_equal(f.res.total, 9000);
    fx_free(&f);

    fx_load_sys(&f, "total=\"1004\"",
                "<item id=\"a\" points=\"600\" method=\"deduct\"><title>a</title>"
                "<deduct per=\"12.5\"/></item>\n"
                "<item id=\"b\" points=\"400\" method=\"check\"><title>b</title>"
                "</item>");
    answer(&f, "a", "7");
    answer(&f, "b", "pass");
    score(&f);
    assert_int_equal(f.res.earned, 912500000);
    assert_int_equal(f.res.max, 1000000000);
    assert_int_equal(f.res.total, 9125);
    fx_free(&f);
}

#define BONUS                                                             \
    "<item id=\"a\" points=\"90\" method=\"levels\"><title>a</title>"     \
    "<levels><level value=\"好\" points=\"90\"/>"                         \
    "<level value=\"中\" points=\"80\"/></levels></item>\n"               \
    "<item id=\"x\" points=\"3\" method=\"check\" bonus=\"true\">"        \
    "<title>x</title></item>\n"                                          \
    "<item id=\"y\" points=\"4\" method=\"check\" bonus=\"true\">"        \
    "<title>y</title></item>"

/* Bonus points add to earned, not max, up to the cap; the total is at
 * most 100; a bonus never loses points or raises a hazard. */
static void
test_bonus(void **state)
{
    static const struct {
        const char *a, *x, *y;
        int64_t bonus, total;
    } cases[] = {
        {"中", "fail", "fail", 0, 8889},     /* 80 / 90 */
        {"中", "pass", "fail", 3000000, 9222}, /* 83 / 90 = 92.22 */
        {"中", "pass", "pass", 5000000, 9444}, /* 7 capped at 5: 85 / 90 */
        {"好", "pass", "pass", 5000000, 10000}, /* 95 / 90, at most 100 */
    };
    struct fx f;
    size_t k;

    (void)state;
    fx_load_sys(&f, "bonus-cap=\"5\"", BONUS);
    assert_int_equal(sr_system_bonus_cap(f.sys), 500);
    assert_true(item(&f, "x")->bonus);
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        reset(&f);
        answer(&f, "a", cases[k].a);
        answer(&f, "x", cases[k].x);
        answer(&f, "y", cases[k].y);
        score(&f);
        assert_int_equal(f.res.bonus, cases[k].bonus);
        assert_int_equal(f.res.total, cases[k].total);
        assert_int_equal(f.res.max, 90000000);
        assert_true(res_of(&f, "y")->met);
        assert_int_equal(res_of(&f, "y")->hazard, SR_HAZARD_NONE);
        /* Only a lost its points (中): never a bonus item. */
        assert_int_equal(f.res.lost, k < 3 ? 1 : 0);
    }
    fx_free(&f);
}

static void
test_totals_checks(void **state)
{
    const char *const bad_total[] = {
        "t.xml:1: system 't': the items that are not bonus add up to 98 "
        "points, not total=\"96\"",
        NULL};
    const char *const no_cap[] = {
        "t.xml:1: system 't': bonus items (附加分) need bonus-cap, the most "
        "bonus points counted",
        "t.xml:7: item 'v': a bonus item may not be a veto item",
        "t.xml:8: item 'w': a bonus item may not evidence a baseline element",
        NULL};
    const char *const no_bonus[] = {
        "t.xml:1: system 't': bonus-cap is given but no item is a bonus item",
        NULL};
    const char *const format1[] = {
        "t.xml:1: system 't': declared totals need format=\"2\" on <system>",
        "t.xml:7: item 'x': bonus points need format=\"2\" on <system>",
        "t.xml:8: item 'e': items scored by the evaluator need format=\"2\" "
        "on <system>",
        NULL};
    char head[4096];

    (void)state;
    head_with(head, sizeof(head), FORMAT2, "total=\"96\"");
    expect_bad(head,
               "<item id=\"a\" points=\"94\" method=\"check\"><title>a</title>"
               "</item>",
               bad_total);
    expect_bad(HEAD(FORMAT2),
               "<item id=\"v\" points=\"1\" method=\"check\" veto=\"true\" "
               "bonus=\"true\"><title>v</title></item>\n"
               "<item id=\"w\" points=\"1\" method=\"check\" bonus=\"true\" "
               "baseline=\"guards\"><title>w</title></item>",
               no_cap);
    head_with(head, sizeof(head), FORMAT2, "bonus-cap=\"5\"");
    expect_bad(head,
               "<item id=\"a\" points=\"1\" method=\"check\"><title>a</title>"
               "</item>",
               no_bonus);
    head_with(head, sizeof(head), FORMAT1, "total=\"6\"");
    expect_bad(head,
               "<item id=\"x\" points=\"1\" method=\"check\" bonus=\"true\">"
               "<title>x</title></item>\n"
               "<item id=\"e\" points=\"1\" method=\"check\" "
               "scored-by=\"evaluator\"><title>e</title></item>",
               format1);
}

/* Scored by the evaluator: marked, scored like any item. */
static void
test_evaluator(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "<item id=\"e\" points=\"6\" method=\"check\" "
                "scored-by=\"evaluator\"><title>档案</title></item>\n"
                "<item id=\"s\" points=\"4\" method=\"check\" "
                "scored-by=\"site\"><title>现场</title></item>");
    assert_true(item(&f, "e")->evaluator);
    assert_false(item(&f, "s")->evaluator);
    answer(&f, "e", "fail");
    answer(&f, "s", "pass");
    score(&f);
    assert_int_equal(f.res.total, 4000);
    fx_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_failed),
        cmocka_unit_test(test_group_pending_na),
        cmocka_unit_test(test_group_deduct),
        cmocka_unit_test(test_group_checks),
        cmocka_unit_test(test_group_format1),
        cmocka_unit_test(test_shortfall),
        cmocka_unit_test(test_shortfall_checks),
        cmocka_unit_test(test_table_totals),
        cmocka_unit_test(test_bonus),
        cmocka_unit_test(test_totals_checks),
        cmocka_unit_test(test_evaluator),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
