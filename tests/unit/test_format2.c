/*
 * test_format2.c - indicator format 2 (docs/indicator-format.md s.16):
 * the loader's checks of each construct with their exact messages and
 * lines, the same file refused as format 1, and the scores with exact
 * figures (src/indicators.c, src/scoring.c, src/responses.c).
 *
 * Each test builds a system from XML text: the items under test on
 * their own lines in dimension "T" (opened on line 5, indicator T.1 on
 * line 6, so the first item is on line 7), after a dimension "B"
 * holding the four baseline items every system must have.  B applies only to schools
 * with special_needs >= 9999, so it stays out of the figures.
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

/* ------------------------------------------------------------------ */
/* The format version                                                   */
/* ------------------------------------------------------------------ */

static void
test_format_declared(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "<item id=\"a\" points=\"1\" method=\"check\">"
                "<title>a</title></item>");
    assert_int_equal(sr_system_format(f.sys), 2);
    fx_free(&f);
    assert_int_equal(load(&f, HEAD(FORMAT1),
                          "<indicator id=\"T.1\" title=\"测试\"><item id=\"a\" "
                          "points=\"1\" method=\"check\"><title>a</title>"
                          "</item></indicator>"),
                     SR_OK);
    assert_int_equal(sr_system_format(f.sys), 1);
    fx_free(&f);
}

static void
test_format_unknown(void **state)
{
    const char *const want[] = {
        "t.xml:1: does not match the schema: Element 'system', attribute "
        "'format': [facet 'enumeration'] The value '3' is not an element of "
        "the set {'1', '2'}. (in system 't')",
        NULL};

    (void)state;
    expect_bad(HEAD("format=\"3\""),
               "<item id=\"a\" points=\"1\" method=\"check\">"
               "<title>a</title></item>",
               want);
}

/* ------------------------------------------------------------------ */
/* Level points                                                         */
/* ------------------------------------------------------------------ */

#define LEVELS_15(worth15, worth10, worth5, worth0)                       \
    "<item id=\"a\" points=\"15\" method=\"levels\"><title>a</title>\n"   \
    "<levels>\n<level value=\"符合\" " worth15 "/>\n"                     \
    "<level value=\"基本符合\" " worth10 "/>\n"                           \
    "<level value=\"部分符合\" " worth5 "/>\n"                            \
    "<level value=\"不符合\" " worth0 "/>\n</levels></item>"

/* Issue 11 item 1: 15 / 10 / 5 / 0 earn exactly that. */
static void
test_level_points_exact(void **state)
{
    static const char *const ans[] = {"符合", "基本符合", "部分符合",
                                      "不符合"};
    static const int64_t earned[] = {15000000, 10000000, 5000000, 0};
    static const int32_t fraction[] = {10000, 6667, 3333, 0};
    struct fx f;
    int k;

    (void)state;
    fx_load(&f, LEVELS_15("points=\"15\"", "points=\"10\"", "points=\"5\"",
                          "points=\"0\""));
    assert_choices(&f, "a", "符合:15分|基本符合:10分|部分符合:5分|不符合:0分");
    for (k = 0; k < 4; k++) {
        reset(&f);
        answer(&f, "a", ans[k]);
        assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res),
                         SR_OK);
        assert_int_equal(f.res.items[idx(&f, "a")].earned, earned[k]);
        assert_int_equal(f.res.items[idx(&f, "a")].max, 15000000);
        assert_int_equal(f.res.items[idx(&f, "a")].fraction, fraction[k]);
        assert_int_equal(f.res.items[idx(&f, "a")].met, k == 0);
    }
    /* 10 of 15 is 66.666... of 100, rounded once: 66.67. */
    reset(&f);
    answer(&f, "a", "基本符合");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.total, 6667);
    fx_free(&f);

    /* The same table in fractions, as format 1 had to write it: 15 x
     * 0.6667 = 10.0005 and 15 x 0.3333 = 4.9995. */
    fx_load(&f, LEVELS_15("fraction=\"1\"", "fraction=\"0.6667\"",
                          "fraction=\"0.3333\"", "fraction=\"0\""));
    answer(&f, "a", "基本符合");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.items[idx(&f, "a")].earned, 10000500);
    reset(&f);
    answer(&f, "a", "部分符合");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.items[idx(&f, "a")].earned, 4999500);
    fx_free(&f);
}

/* Two items, 15/10/5/0 and 10 in points, answered 10 and 2.5: the total
 * is 100 x 12.5 / 25 = 50.00 exactly. */
static void
test_level_points_total(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, LEVELS_15("points=\"15\"", "points=\"10\"", "points=\"5\"",
                          "points=\"0\"")
                "\n<item id=\"b\" points=\"10\" method=\"levels\">"
                "<title>b</title><levels>"
                "<level value=\"好\" points=\"10\"/>"
                "<level value=\"中\" points=\"2.5\"/></levels></item>");
    answer(&f, "a", "基本符合");
    answer(&f, "b", "中");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.items[idx(&f, "b")].earned, 2500000);
    assert_int_equal(f.res.items[idx(&f, "b")].fraction, 2500);
    assert_int_equal(f.res.earned, 12500000);
    assert_int_equal(f.res.max, 25000000);
    assert_int_equal(f.res.total, 5000);
    assert_int_equal(f.res.lost, 2);
    fx_free(&f);
}

static void
test_level_points_checks(void **state)
{
    const char *const over[] = {
        "t.xml:8: item 'a': no level is worth the item's 15 points, so the "
        "item can never be met",
        "t.xml:9: item 'a': level '符合' must be worth from 0 to the item's "
        "15 points (got '16')",
        NULL};
    const char *const mix[] = {
        "t.xml:8: item 'a': give every level a fraction or every level "
        "points, not a mix",
        NULL};
    const char *const top[] = {
        "t.xml:8: item 'a': no level is worth the item's 15 points, so the "
        "item can never be met",
        NULL};
    const char *const both[] = {
        "t.xml:12: item 'a': level '不符合' needs either fraction or points "
        "(one of them)",
        NULL};
    const char *const neither[] = {
        "t.xml:11: item 'a': level '部分符合' needs either fraction or points "
        "(one of them)",
        NULL};
    const char *const decimals[] = {
        "t.xml:11: item 'a': level points must be a number with at most 2 "
        "decimals (got '5.001')",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               LEVELS_15("points=\"16\"", "points=\"10\"", "points=\"5\"",
                         "points=\"0\""),
               over);
    expect_bad(HEAD(FORMAT2),
               LEVELS_15("points=\"15\"", "fraction=\"0.6\"", "points=\"5\"",
                         "points=\"0\""),
               mix);
    expect_bad(HEAD(FORMAT2),
               LEVELS_15("points=\"14.99\"", "points=\"10\"", "points=\"5\"",
                         "points=\"0\""),
               top);
    expect_bad(HEAD(FORMAT2),
               LEVELS_15("points=\"15\"", "points=\"10\"", "points=\"5\"",
                         "points=\"0\" fraction=\"0\""),
               both);
    expect_bad(HEAD(FORMAT2),
               LEVELS_15("points=\"15\"", "points=\"10\"", "", "points=\"0\""),
               neither);
    expect_bad(HEAD(FORMAT2),
               LEVELS_15("points=\"15\"", "points=\"10\"", "points=\"5.001\"",
                         "points=\"0\""),
               decimals);
}

/* In a format-1 file, once per item, at its first level in points. */
static void
test_level_points_format1(void **state)
{
    const char *const want[] = {
        "t.xml:10: item 'a': level points need format=\"2\" on <system>",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT1),
               LEVELS_15("fraction=\"1\"", "points=\"10\"", "points=\"5\"",
                         "points=\"0\""),
               want);
}

/* ------------------------------------------------------------------ */
/* Prerequisites worth 0 points                                         */
/* ------------------------------------------------------------------ */

#define PREREQ                                                            \
    "<item id=\"p\" points=\"0\" method=\"check\" veto=\"true\">"         \
    "<title>前置条件</title></item>\n"                                    \
    "<item id=\"a\" points=\"80\" method=\"check\"><title>a</title>"      \
    "</item>\n"                                                           \
    "<item id=\"b\" points=\"20\" method=\"check\"><title>b</title>"      \
    "</item>"

/* Issue 11 item 2: a paper table of 100 points where the school earns
 * 80 gives 80.00, with the prerequisite met or not. */
static void
test_prerequisite_total(void **state)
{
    struct fx f;
    long p;

    (void)state;
    fx_load(&f, PREREQ);
    p = idx(&f, "p");
    answer(&f, "p", "pass");
    answer(&f, "a", "pass");
    answer(&f, "b", "fail");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.earned, 80000000);
    assert_int_equal(f.res.max, 100000000);
    assert_int_equal(f.res.total, 8000);
    assert_string_equal(band_id(&f), "general");
    assert_true(f.res.compliant);
    assert_false(f.res.vetoed);
    assert_true(f.res.items[p].met);
    assert_int_equal(f.res.items[p].max, 0);
    assert_int_equal(f.res.items[p].fraction, 10000);
    assert_int_equal(f.res.lost, 1);

    reset(&f);
    answer(&f, "p", "不符合");
    answer(&f, "a", "pass");
    answer(&f, "b", "fail");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.earned, 80000000);
    assert_int_equal(f.res.max, 100000000);
    assert_int_equal(f.res.total, 8000);
    assert_true(f.res.vetoed);
    assert_false(f.res.compliant);
    assert_string_equal(band_id(&f), "major");
    assert_false(f.res.items[p].met);
    assert_int_equal(f.res.items[p].earned, 0);
    assert_int_equal(f.res.items[p].max, 0);
    assert_int_equal(f.res.veto_hits, 1);
    assert_int_equal(f.res.lost, 2);
    fx_free(&f);
}

/* Only prerequisites apply: nothing to score, as with no item. */
static void
test_prerequisite_alone(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "<item id=\"p\" points=\"0\" method=\"check\" veto=\"true\">"
                "<title>p</title></item>");
    answer(&f, "p", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res),
                     SR_ERR_INPUT);
    fx_free(&f);
}

static void
test_prerequisite_checks(void **state)
{
    const char *const not_veto[] = {
        "t.xml:7: item 'p': points must be greater than 0 (got '0'); only a "
        "veto item (前置条件) may be worth 0",
        NULL};
    const char *const levels[] = {
        "t.xml:7: item 'p': a veto item worth 0 points must use "
        "method=\"check\" (got 'levels')",
        NULL};
    const char *const v1[] = {
        "t.xml:7: item 'p': veto items worth 0 points need format=\"2\" on "
        "<system>",
        NULL};
    const char *const v1_plain[] = {
        "t.xml:7: item 'p': points must be greater than 0 (got '0')", NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               "<item id=\"p\" points=\"0\" method=\"check\">"
               "<title>p</title></item>",
               not_veto);
    expect_bad(HEAD(FORMAT2),
               "<item id=\"p\" points=\"0\" method=\"levels\" veto=\"true\">"
               "<title>p</title><levels><level value=\"有\" fraction=\"1\"/>"
               "<level value=\"无\" fraction=\"0\"/></levels></item>",
               levels);
    expect_bad(HEAD(FORMAT1),
               "<item id=\"p\" points=\"0\" method=\"check\" veto=\"true\">"
               "<title>p</title></item>",
               v1);
    /* Format 1 says what it always said of a 0-point item. */
    expect_bad(HEAD(FORMAT1),
               "<item id=\"p\" points=\"0\" method=\"check\">"
               "<title>p</title></item>",
               v1_plain);
}

/* ------------------------------------------------------------------ */
/* Conditions joined by or, and, not                                    */
/* ------------------------------------------------------------------ */

#define JOINED                                                            \
    "<item id=\"big\" points=\"1\" method=\"check\"><title>千人以上或寄宿"\
    "</title>\n<any><when attr=\"enrollment\" ge=\"1000\"/>"              \
    "<when attr=\"boarding\" eq=\"true\"/></any></item>\n"                \
    "<item id=\"town\" points=\"1\" method=\"check\"><title>非城区"       \
    "</title>\n<not><when attr=\"locale\" eq=\"urban\"/></not></item>\n"  \
    "<item id=\"mix\" points=\"1\" method=\"check\"><title>混合</title>\n"\
    "<when attr=\"ownership\" eq=\"public\"/>"                            \
    "<any><all><when attr=\"boarding\" eq=\"true\"/>"                     \
    "<when attr=\"enrollment\" ge=\"500\"/></all>"                        \
    "<not><any><when attr=\"canteen\" eq=\"true\"/>"                      \
    "<when attr=\"school_bus\" eq=\"true\"/></any></not></any></item>"

static void
school(struct fx *f, int64_t enrollment, bool boarding, int locale,
       bool canteen)
{
    f->school.attr[SR_ATTR_ENROLLMENT] = enrollment;
    f->school.attr[SR_ATTR_BOARDING] = boarding;
    f->school.attr[SR_ATTR_LOCALE] = locale;
    f->school.attr[SR_ATTR_CANTEEN] = canteen;
}

static bool
applies(struct fx *f, const char *id)
{
    return sr_item_applies(f->sys, item(f, id), &f->school);
}

/* The first failing term, as explain and the responses parser name it. */
static void
assert_failing(struct fx *f, const char *id, const char *want)
{
    const struct sr_item *it = item(f, id);
    long c = sr_item_failing_cond(f->sys, it, &f->school);
    char *got;

    if (!want) {
        assert_int_equal(c, -1);
        return;
    }
    assert_true(c >= 0);
    got = sr_conds_format(f->sys, (uint32_t)c, 1);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void
assert_conds(struct fx *f, const char *id, const char *want)
{
    const struct sr_item *it = item(f, id);
    char *got = sr_conds_format(f->sys, it->cond_off, it->cond_n);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Issue 11 item 7: 千人以上或寄宿制学校, 非城区, and a nested mix. */
static void
test_conditions_joined(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, JOINED);
    assert_conds(&f, "big", "(enrollment>=1000 or boarding=true)");
    assert_conds(&f, "town", "not (locale=urban)");
    assert_conds(&f, "mix",
                 "ownership=public;((boarding=true and enrollment>=500) or "
                 "not (canteen=true or school_bus=true))");

    school(&f, 999, false, 0, true);
    assert_false(applies(&f, "big"));
    assert_false(applies(&f, "town"));
    assert_false(applies(&f, "mix")); /* a canteen, not boarding */
    assert_failing(&f, "big", "(enrollment>=1000 or boarding=true)");
    assert_failing(&f, "town", "not (locale=urban)");
    assert_failing(&f, "mix",
                   "((boarding=true and enrollment>=500) or not "
                   "(canteen=true or school_bus=true))");

    school(&f, 1000, false, 1, true);
    assert_true(applies(&f, "big"));
    assert_true(applies(&f, "town"));
    assert_false(applies(&f, "mix"));

    school(&f, 500, true, 2, true);
    assert_true(applies(&f, "big"));  /* boarding */
    assert_true(applies(&f, "mix"));  /* boarding and 500 */
    assert_failing(&f, "mix", NULL);

    school(&f, 499, true, 2, false);
    assert_true(applies(&f, "mix"));  /* no canteen, no bus */
    f.school.attr[SR_ATTR_SCHOOL_BUS] = true;
    assert_false(applies(&f, "mix"));
    f.school.attr[SR_ATTR_OWNERSHIP] = 1;
    assert_failing(&f, "mix", "ownership=public");
    fx_free(&f);
}

/* A joined condition on an indicator is inherited whole by its items,
 * after the dimension's own. */
static void
test_conditions_inherited(void **state)
{
    struct fx f;

    (void)state;
    assert_int_equal(
        load(&f, HEAD(FORMAT2),
             "<when attr=\"locale\" ne=\"rural\"/>\n"
             "<indicator id=\"T.1\" title=\"测试\">\n"
             "<any><when attr=\"boarding\" eq=\"true\"/>"
             "<when attr=\"enrollment\" gt=\"2000\"/></any>\n"
             "<item id=\"a\" points=\"1\" method=\"check\"><title>a</title>"
             "<not><when attr=\"canteen\" eq=\"true\"/></not></item>\n"
             "</indicator>"),
        SR_OK);
    assert_conds(&f, "a",
                 "locale!=rural;(boarding=true or enrollment>2000);"
                 "not (canteen=true)");
    school(&f, 2001, false, 0, false);
    assert_true(applies(&f, "a"));
    school(&f, 2000, false, 0, false);
    assert_failing(&f, "a", "(boarding=true or enrollment>2000)");
    school(&f, 2001, false, 0, true);
    assert_failing(&f, "a", "not (canteen=true)");
    fx_free(&f);
}

static void
test_conditions_format1(void **state)
{
    const char *const want[] = {
        "t.xml:8: item 'big': conditions in <any> need format=\"2\" on "
        "<system>",
        "t.xml:10: item 'town': conditions in <not> need format=\"2\" on "
        "<system>",
        "t.xml:12: item 'mix': conditions in <any> need format=\"2\" on "
        "<system>",
        "t.xml:12: item 'mix': conditions in <all> need format=\"2\" on "
        "<system>",
        "t.xml:12: item 'mix': conditions in <not> need format=\"2\" on "
        "<system>",
        "t.xml:12: item 'mix': conditions in <any> need format=\"2\" on "
        "<system>",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT1), JOINED, want);
}

/* A joined term's comparisons are checked as a <when> is. */
static void
test_conditions_checked(void **state)
{
    const char *const want[] = {
        "t.xml:8: item 'a': operator 'ge' compares numbers, but 'boarding' "
        "is not a count attribute",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               "<item id=\"a\" points=\"1\" method=\"check\"><title>a</title>"
               "\n<any><when attr=\"boarding\" ge=\"1\"/>"
               "<when attr=\"canteen\" eq=\"true\"/></any></item>",
               want);
}

/* ------------------------------------------------------------------ */
/* Several deduction reasons                                            */
/* ------------------------------------------------------------------ */

#define REASONS                                                           \
    "<item id=\"d\" points=\"20\" method=\"deduct\"><title>消防</title>\n" \
    "<deduct unit=\"处\">\n"                                              \
    "<reason value=\"灭火器过期\" per=\"1\" unit=\"具\"/>\n"              \
    "<reason value=\"疏散通道堵塞\" per=\"2\"/>\n"                        \
    "<reason value=\"应急照明损坏\" per=\"0.5\" unit=\"盏\"/>\n"          \
    "</deduct></item>"

static int64_t
deduct_earned(struct fx *f, const char *value)
{
    reset(f);
    answer(f, "d", value);
    assert_int_equal(sr_score(f->sys, &f->school, &f->resp, &f->res), SR_OK);
    return f->res.items[idx(f, "d")].earned;
}

/* Issue 11 item 5: each reason its own amount, floored at 0. */
static void
test_reasons_scoring(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, REASONS);
    assert_choices(&f, "d",
                   "灭火器过期=count:-1 each|疏散通道堵塞=count:-2 each|"
                   "应急照明损坏=count:-0.5 each");
    /* 20 - (5x1 + 4x2 + 4x0.5) = 5 */
    assert_int_equal(
        deduct_earned(&f, "灭火器过期=5;疏散通道堵塞=4;应急照明损坏=4"),
        5000000);
    assert_int_equal(f.res.items[idx(&f, "d")].fraction, 2500);
    /* 20 - 0.5 = 19.5; the order of the reasons does not matter. */
    assert_int_equal(deduct_earned(&f, "应急照明损坏=1"), 19500000);
    assert_int_equal(deduct_earned(&f, "应急照明损坏=3;灭火器过期=2"),
                     16500000);
    /* 11 x 2 = 22 > 20: floored at 0, never negative. */
    assert_int_equal(deduct_earned(&f, "疏散通道堵塞=11"), 0);
    assert_int_equal(deduct_earned(&f, "0"), 20000000);
    assert_true(f.res.items[idx(&f, "d")].met);
    assert_int_equal(deduct_earned(&f, "灭火器过期=0;"), 20000000);
    fx_free(&f);
}

static void
test_reasons_answers(void **state)
{
    struct fx f;
    char *s;

    (void)state;
    fx_load(&f, REASONS);
    answer_bad(&f, "d", "3",
               "r.csv:2: item 'd': '3' is not findings by reason, written "
               "reason=count;… (灭火器过期=count:-1 each|疏散通道堵塞=count:-2 "
               "each|应急照明损坏=count:-0.5 each)");
    answer_bad(&f, "d", "灭火器过期=1.5",
               "r.csv:2: item 'd': '灭火器过期=1.5' is not findings by "
               "reason, written reason=count;… (灭火器过期=count:-1 each|"
               "疏散通道堵塞=count:-2 each|应急照明损坏=count:-0.5 each)");
    answer_bad(&f, "d", "灭火器=1",
               "r.csv:2: item 'd': unknown reason '灭火器' (灭火器过期=count:-1 "
               "each|疏散通道堵塞=count:-2 each|应急照明损坏=count:-0.5 "
               "each)");
    answer_bad(&f, "d", "灭火器过期=1;灭火器过期=2",
               "r.csv:2: item 'd': reason '灭火器过期' is given twice");

    s = sr_answer_text(f.sys, item(&f, "d"), &f.school,
                       "灭火器过期=5;疏散通道堵塞=4;应急照明损坏=0");
    assert_string_equal(s, "灭火器过期5具、疏散通道堵塞4处");
    free(s);
    s = sr_answer_text(f.sys, item(&f, "d"), &f.school, "0");
    assert_string_equal(s, "无");
    free(s);
    s = sr_answer_deductions(f.sys, item(&f, "d"),
                             "应急照明损坏=4;灭火器过期=5");
    assert_string_equal(s, "灭火器过期 5x1 + 应急照明损坏 4x0.5");
    free(s);
    fx_free(&f);
}

static void
test_reasons_checks(void **state)
{
    const char *const both[] = {
        "t.xml:8: item 'd': <deduct> takes per or <reason> elements, not "
        "both",
        NULL};
    const char *const neither[] = {
        "t.xml:8: item 'd': <deduct> needs per (points per finding) or "
        "<reason> elements",
        NULL};
    const char *const bad[] = {
        "t.xml:9: item 'd': reason 'a=b' may not contain '=' or ';'",
        "t.xml:10: item 'd': reason 'c': per must be greater than 0 and at "
        "most 10000 (got '0')",
        "t.xml:11: item 'd': duplicate reason 'c'",
        NULL};
    const char *const v1[] = {
        "t.xml:9: item 'd': deduction reasons need format=\"2\" on <system>",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               "<item id=\"d\" points=\"20\" method=\"deduct\"><title>d"
               "</title>\n<deduct per=\"1\">\n<reason value=\"a\" per=\"1\"/>"
               "</deduct></item>",
               both);
    expect_bad(HEAD(FORMAT2),
               "<item id=\"d\" points=\"20\" method=\"deduct\"><title>d"
               "</title>\n<deduct unit=\"处\"/></item>",
               neither);
    expect_bad(HEAD(FORMAT2),
               "<item id=\"d\" points=\"20\" method=\"deduct\"><title>d"
               "</title>\n<deduct>\n<reason value=\"a=b\" per=\"1\"/>\n"
               "<reason value=\"c\" per=\"0\"/>\n"
               "<reason value=\"c\" per=\"1\"/>\n</deduct></item>",
               bad);
    expect_bad(HEAD(FORMAT1), REASONS, v1);
}

/* ------------------------------------------------------------------ */
/* The hazard an answer implies                                         */
/* ------------------------------------------------------------------ */

#define HAZARD_LEVELS                                                     \
    "<item id=\"h\" points=\"10\" method=\"levels\"><title>治安</title>\n"\
    "<levels>\n<level value=\"无\" points=\"10\"/>\n"                    \
    "<level value=\"有稳控措施\" points=\"5\" hazard=\"none\"/>\n"        \
    "<level value=\"治安案件\" points=\"3\"/>\n"                          \
    "<level value=\"刑事案件\" points=\"0\" hazard=\"major\"/>\n"         \
    "</levels></item>"

/* Issue 11 item 6: partial credit without a hazard; one level major
 * while the item's own level is general. */
static void
test_level_hazards(void **state)
{
    static const char *const ans[] = {"无", "有稳控措施", "治安案件",
                                      "刑事案件"};
    static const int hazard[] = {SR_HAZARD_NONE, SR_HAZARD_NONE,
                                 SR_HAZARD_GENERAL, SR_HAZARD_MAJOR};
    static const bool met[] = {true, false, false, false};
    struct fx f;
    long h;
    int k;

    (void)state;
    fx_load(&f, HAZARD_LEVELS);
    h = idx(&f, "h");
    assert_choices(&f, "h",
                   "无:10分|有稳控措施:5分(无隐患)|治安案件:3分|"
                   "刑事案件:0分(重大隐患)");
    for (k = 0; k < 4; k++) {
        reset(&f);
        answer(&f, "h", ans[k]);
        assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res),
                         SR_OK);
        assert_int_equal(f.res.items[h].hazard, hazard[k]);
        assert_int_equal(f.res.items[h].met, met[k]);
    }
    /* A level of no hazard still loses its points. */
    reset(&f);
    answer(&f, "h", "有稳控措施");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.items[h].earned, 5000000);
    assert_int_equal(f.res.lost, 1);
    assert_string_equal(sr_hazard_name(SR_HAZARD_NONE), "none");
    assert_string_equal(sr_hazard_label(SR_HAZARD_NONE), "无隐患");
    fx_free(&f);
}

static void
test_level_hazards_checks(void **state)
{
    const char *const full[] = {
        "t.xml:9: item 'h': level '无' is worth full points and raises no "
        "hazard; remove hazard",
        NULL};
    const char *const veto[] = {
        "t.xml:10: item 'v': level '无': the levels of a veto item raise "
        "its major hazard; remove hazard",
        NULL};
    const char *const v1[] = {
        "t.xml:9: item 'h': level points need format=\"2\" on <system>",
        "t.xml:10: item 'h': level hazards need format=\"2\" on <system>",
        NULL};
    const char *const schema[] = {
        "t.xml:10: does not match the schema: Element 'level', attribute "
        "'hazard': [facet 'enumeration'] The value 'minor' is not an "
        "element of the set {'none', 'general', 'major'}. (in item 'h')",
        NULL};

    (void)state;
    expect_bad(HEAD(FORMAT2),
               "<item id=\"h\" points=\"10\" method=\"levels\"><title>h"
               "</title>\n<levels>\n"
               "<level value=\"无\" points=\"10\" hazard=\"none\"/>\n"
               "<level value=\"有\" points=\"0\"/>\n</levels></item>",
               full);
    expect_bad(HEAD(FORMAT2),
               "<item id=\"v\" points=\"10\" method=\"levels\" "
               "veto=\"true\"><title>v</title>\n<levels>\n"
               "<level value=\"有\" points=\"10\"/>\n"
               "<level value=\"无\" points=\"0\" hazard=\"general\"/>\n"
               "</levels></item>",
               veto);
    expect_bad(HEAD(FORMAT1), HAZARD_LEVELS, v1);
    expect_bad(HEAD(FORMAT2),
               "<item id=\"h\" points=\"10\" method=\"levels\"><title>h"
               "</title>\n<levels>\n<level value=\"无\" points=\"10\"/>\n"
               "<level value=\"有\" points=\"0\" hazard=\"minor\"/>\n"
               "</levels></item>",
               schema);
}

/* ------------------------------------------------------------------ */
/* The checklist JSON a form is built from                              */
/* ------------------------------------------------------------------ */

/* The compact JSON of the control of item id in the checklist. */
static char *
control_of(cJSON *root, const char *id)
{
    const cJSON *d, *in, *it;

    cJSON_ArrayForEach(d, cJSON_GetObjectItem(root, "dimensions"))
        cJSON_ArrayForEach(in, cJSON_GetObjectItem(d, "indicators"))
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(in, "items"))
                if (!strcmp(cJSON_GetObjectItem(it, "id")->valuestring, id))
                    return cJSON_PrintUnformatted(
                        cJSON_GetObjectItem(it, "control"));
    return NULL;
}

static void
test_checklist_json(void **state)
{
    struct fx f;
    cJSON *root;
    char *c;

    (void)state;
    fx_load(&f, LEVELS_15("points=\"15\"", "points=\"10\" hazard=\"none\"",
                          "points=\"5\"", "points=\"0\"")
                "\n" REASONS);
    root = sr_json_checklist(f.sys, &f.school);
    assert_non_null(root);
    c = control_of(root, "a");
    assert_non_null(c);
    assert_string_equal(
        c, "{\"type\":\"levels\",\"choices\":["
           "{\"value\":\"符合\",\"label\":\"符合（15分）\",\"fraction\":1,"
           "\"points\":15},"
           "{\"value\":\"基本符合\",\"label\":\"基本符合（10分）\","
           "\"fraction\":0.6667,\"points\":10,\"hazard\":\"none\"},"
           "{\"value\":\"部分符合\",\"label\":\"部分符合（5分）\","
           "\"fraction\":0.3333,\"points\":5},"
           "{\"value\":\"不符合\",\"label\":\"不符合（0分）\",\"fraction\":0,"
           "\"points\":0}]}");
    free(c);
    c = control_of(root, "d");
    assert_non_null(c);
    assert_string_equal(
        c, "{\"type\":\"deduct\",\"unit\":\"处\",\"per\":null,"
           "\"value_format\":\"reason=count;...\",\"reasons\":["
           "{\"value\":\"灭火器过期\",\"per\":1,\"unit\":\"具\"},"
           "{\"value\":\"疏散通道堵塞\",\"per\":2,\"unit\":null},"
           "{\"value\":\"应急照明损坏\",\"per\":0.5,\"unit\":\"盏\"}]}");
    free(c);
    cJSON_Delete(root);
    fx_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_declared),
        cmocka_unit_test(test_format_unknown),
        cmocka_unit_test(test_level_points_exact),
        cmocka_unit_test(test_level_points_total),
        cmocka_unit_test(test_level_points_checks),
        cmocka_unit_test(test_level_points_format1),
        cmocka_unit_test(test_prerequisite_total),
        cmocka_unit_test(test_prerequisite_alone),
        cmocka_unit_test(test_prerequisite_checks),
        cmocka_unit_test(test_conditions_joined),
        cmocka_unit_test(test_conditions_inherited),
        cmocka_unit_test(test_conditions_format1),
        cmocka_unit_test(test_conditions_checked),
        cmocka_unit_test(test_reasons_scoring),
        cmocka_unit_test(test_reasons_answers),
        cmocka_unit_test(test_reasons_checks),
        cmocka_unit_test(test_level_hazards),
        cmocka_unit_test(test_level_hazards_checks),
        cmocka_unit_test(test_checklist_json),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
