/*
 * test_scoring.c - the scoring rules of docs/design.md, one by one,
 * with exact figures.
 *
 * Each test builds a small system from XML text: the items under test in
 * dimension "T", plus a dimension "B" holding the four baseline-tagged
 * items every system must have.  B's items apply only to schools with
 * special_needs >= 9999, so they stay out of the figures unless a test
 * asks for them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/indicators.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

#define BASELINE_DIM                                                      \
    "<dimension id=\"B\" title=\"基线\">"                                 \
    "<when attr=\"special_needs\" ge=\"9999\"/>"                          \
    "<indicator id=\"B.1\" title=\"四个100%%\">"                           \
    "<item id=\"B1\" points=\"1\" method=\"check\" baseline=\"guards\">"  \
    "<title>保安</title></item>"                                          \
    "<item id=\"B2\" points=\"1\" method=\"check\" "                      \
    "baseline=\"closed-campus\"><title>封闭</title></item>"               \
    "<item id=\"B3\" points=\"1\" method=\"check\" "                      \
    "baseline=\"alarm-video\"><title>报警</title></item>"                 \
    "<item id=\"B4\" points=\"1\" method=\"check\" "                      \
    "baseline=\"protection-posts\"><title>护学岗</title></item>"          \
    "</indicator></dimension>"

/* A fixture: the system, a school, answers and the result. */
struct fx {
    struct sr_system *sys;
    struct sr_school school;
    struct sr_responses resp;
    struct sr_result res;
    struct sr_diags diags;
};

/* Build a system from `dims` (the dimension XML) plus B.  The bands are
 * the usual four: low >= 90, general >= 80, elevated >= 60, major. */
static void
fx_load_dims(struct fx *f, const char *dims)
{
    char *xml;
    size_t len = strlen(dims) + 4096;
    sr_error rc;

    xml = malloc(len);
    assert_non_null(xml);
    snprintf(xml, len,
             "<system xmlns=\"urn:schoolrisk:indicators:1\" id=\"t\" "
             "version=\"1\" title=\"测试\">"
             "<stages><stage>primary</stage></stages>"
             "<grading pass=\"80\" valid-months=\"12\">"
             "<band id=\"low\" label=\"低风险\" colour=\"blue\" min=\"90\"/>"
             "<band id=\"general\" label=\"一般风险\" colour=\"yellow\" "
             "min=\"80\"/>"
             "<band id=\"elevated\" label=\"较大风险\" colour=\"orange\" "
             "min=\"60\"/>"
             "<band id=\"major\" label=\"重大风险\" colour=\"red\" min=\"0\"/>"
             "</grading>%s" BASELINE_DIM "</system>",
             dims);
    sr_diags_init(&f->diags);
    rc = sr_system_load_memory("t.xml", xml, strlen(xml), &f->sys, &f->diags);
    free(xml);
    if (rc != SR_OK) {
        char buf[512];
        size_t i;

        for (i = 0; i < f->diags.n; i++) {
            sr_diag_format(&f->diags.v[i], buf, sizeof(buf));
            print_error("%s\n", buf);
        }
    }
    assert_int_equal(rc, SR_OK);
    sr_school_init(&f->school);
    f->school.attr[SR_ATTR_STAGE] = SR_STAGE_PRIMARY;
    f->school.set = 1u << SR_ATTR_STAGE;
    assert_int_equal(sr_responses_init(&f->resp, f->sys), SR_OK);
    assert_int_equal(sr_result_init(&f->res, f->sys), SR_OK);
}

/* Build a system whose dimension T holds `items` (indicator T.1). */
static void
fx_load(struct fx *f, const char *items)
{
    char *dims;
    size_t len = strlen(items) + 256;

    dims = malloc(len);
    assert_non_null(dims);
    snprintf(dims, len,
             "<dimension id=\"T\" title=\"测试\"><indicator id=\"T.1\" "
             "title=\"测试\">%s</indicator></dimension>",
             items);
    fx_load_dims(f, dims);
    free(dims);
}

static void
fx_free(struct fx *f)
{
    sr_result_release(&f->res);
    sr_responses_release(&f->resp);
    sr_system_free(f->sys);
    sr_diags_release(&f->diags);
}

static void
answer(struct fx *f, const char *item, const char *value)
{
    sr_error rc = sr_responses_set(&f->resp, &f->school, item, value, NULL,
                                   &f->diags, "r.csv", 0);

    if (rc != SR_OK && f->diags.n) {
        char buf[512];

        sr_diag_format(&f->diags.v[f->diags.n - 1], buf, sizeof(buf));
        print_error("%s\n", buf);
    }
    assert_int_equal(rc, SR_OK);
}

/* Index of an item by id. */
static long
idx(struct fx *f, const char *id)
{
    long i = sr_system_find_item(f->sys, id);

    assert_true(i >= 0);
    return i;
}

static const char *
band_id(struct fx *f)
{
    size_t nb;
    const struct sr_band *b = sr_system_bands(f->sys, &nb);

    return b[f->res.band].id;
}

/* ------------------------------------------------------------------ */

static void
test_check(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f,
            "<item id=\"a\" points=\"3\" method=\"check\"><title>a</title>"
            "</item><item id=\"b\" points=\"1\" method=\"check\">"
            "<title>b</title></item>");
    answer(&f, "a", "pass");
    answer(&f, "b", "不符合");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.items[idx(&f, "a")].earned, 3000000);
    assert_int_equal(f.res.items[idx(&f, "b")].earned, 0);
    assert_int_equal(f.res.earned, 3000000);
    assert_int_equal(f.res.max, 4000000);
    assert_int_equal(f.res.total, 7500); /* 75.00 */
    assert_string_equal(band_id(&f), "elevated");
    assert_false(f.res.compliant);
    assert_int_equal(f.res.lost, 1);
    fx_free(&f);
}

static void
test_levels(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f,
            "<item id=\"a\" points=\"2.5\" method=\"levels\"><title>a</title>"
            "<levels><level value=\"符合\" fraction=\"1\"/>"
            "<level value=\"基本符合\" fraction=\"0.6\"/>"
            "<level value=\"不符合\" fraction=\"0\"/></levels></item>");
    answer(&f, "a", "基本符合");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    /* 2.50 x 0.6 = 1.5 exactly. */
    assert_int_equal(f.res.items[0].earned, 1500000);
    assert_int_equal(f.res.items[0].fraction, 6000);
    assert_int_equal(f.res.total, 6000);
    fx_free(&f);
}

#define THRESH_HIGHER                                                     \
    "<item id=\"v\" points=\"10\" method=\"threshold\"><title>v</title>"  \
    "<thresholds better=\"higher\" unit=\"天\">"                          \
    "<step at=\"15\" fraction=\"0.5\"/><step at=\"30\" fraction=\"1\"/>"  \
    "</thresholds></item>"                                                \
    "<item id=\"x\" points=\"10\" method=\"check\"><title>x</title></item>"

static int64_t
score_one(const char *items, const char *item, const char *value,
          int64_t *fraction)
{
    struct fx f;
    int64_t e;

    fx_load(&f, items);
    answer(&f, item, value);
    answer(&f, "x", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    e = f.res.items[idx(&f, item)].earned;
    if (fraction)
        *fraction = f.res.items[idx(&f, item)].fraction;
    fx_free(&f);
    return e;
}

static void
test_threshold_higher(void **state)
{
    (void)state;
    assert_int_equal(score_one(THRESH_HIGHER, "v", "14.9999", NULL), 0);
    assert_int_equal(score_one(THRESH_HIGHER, "v", "15", NULL), 5000000);
    assert_int_equal(score_one(THRESH_HIGHER, "v", "29", NULL), 5000000);
    assert_int_equal(score_one(THRESH_HIGHER, "v", "30", NULL), 10000000);
    assert_int_equal(score_one(THRESH_HIGHER, "v", "90", NULL), 10000000);
}

#define THRESH_LOWER                                                      \
    "<item id=\"t\" points=\"5\" method=\"threshold\"><title>t</title>"   \
    "<thresholds better=\"lower\" unit=\"分钟\">"                         \
    "<step at=\"3\" fraction=\"1\"/><step at=\"5\" fraction=\"0.6\"/>"    \
    "</thresholds></item>"                                                \
    "<item id=\"x\" points=\"10\" method=\"check\"><title>x</title></item>"

static void
test_threshold_lower(void **state)
{
    (void)state;
    assert_int_equal(score_one(THRESH_LOWER, "t", "2.5", NULL), 5000000);
    assert_int_equal(score_one(THRESH_LOWER, "t", "3", NULL), 5000000);
    assert_int_equal(score_one(THRESH_LOWER, "t", "3.0001", NULL), 3000000);
    assert_int_equal(score_one(THRESH_LOWER, "t", "5", NULL), 3000000);
    assert_int_equal(score_one(THRESH_LOWER, "t", "5.1", NULL), 0);
}

#define DEDUCT                                                            \
    "<item id=\"d\" points=\"10\" method=\"deduct\"><title>d</title>"     \
    "<deduct per=\"1.5\" unit=\"处\"/></item>"                            \
    "<item id=\"x\" points=\"10\" method=\"check\"><title>x</title></item>"

static void
test_deduct_floor(void **state)
{
    int64_t fr;

    (void)state;
    assert_int_equal(score_one(DEDUCT, "d", "0", &fr), 10000000);
    assert_int_equal(fr, 10000);
    /* 10 - 3 x 1.5 = 5.5 */
    assert_int_equal(score_one(DEDUCT, "d", "3", &fr), 5500000);
    assert_int_equal(fr, 5500);
    /* 10 - 6 x 1.5 = 1; 10 - 7 x 1.5 = -0.5 floors at 0 */
    assert_int_equal(score_one(DEDUCT, "d", "6", NULL), 1000000);
    assert_int_equal(score_one(DEDUCT, "d", "7", &fr), 0);
    assert_int_equal(fr, 0);
    assert_int_equal(score_one(DEDUCT, "d", "1000", NULL), 0);
}

#define RATIO_ENTERED                                                     \
    "<item id=\"r\" points=\"10\" method=\"ratio\"><title>r</title>"      \
    "<ratio unit=\"人\"/></item>"                                         \
    "<item id=\"x\" points=\"10\" method=\"check\"><title>x</title></item>"

static void
test_ratio_entered(void **state)
{
    int64_t fr;

    (void)state;
    /* 2/3 = 0.66666... rounds to 0.6667; earned 10 x 0.6667 = 6.667 */
    assert_int_equal(score_one(RATIO_ENTERED, "r", "2/3", &fr), 6667000);
    assert_int_equal(fr, 6667);
    /* 1/3 = 0.33333... rounds down to 0.3333 */
    assert_int_equal(score_one(RATIO_ENTERED, "r", "1/3", &fr), 3333000);
    /* exactly half a ten-thousandth rounds away from zero */
    assert_int_equal(score_one(RATIO_ENTERED, "r", "1/20000", &fr), 1000);
    assert_int_equal(fr, 1);
    assert_int_equal(score_one(RATIO_ENTERED, "r", "1/8", &fr), 1250000);
    /* more than required is capped at 1 */
    assert_int_equal(score_one(RATIO_ENTERED, "r", "5/4", &fr), 10000000);
    assert_int_equal(fr, 10000);
    assert_int_equal(score_one(RATIO_ENTERED, "r", "0/4", NULL), 0);
    assert_int_equal(score_one(RATIO_ENTERED, "r", "2.5/4", &fr), 6250000);
}

#define RATIO_DERIVED                                                     \
    "<item id=\"g\" points=\"8\" method=\"ratio\"><title>g</title>"       \
    "<ratio unit=\"人\"><required attr=\"enrollment\">"                   \
    "<step from=\"0\" value=\"1\"/><step from=\"100\" value=\"2\"/>"      \
    "<step from=\"1000\" value=\"3\" every=\"500\" add=\"1\"/>"           \
    "</required></ratio></item>"                                          \
    "<item id=\"x\" points=\"10\" method=\"check\"><title>x</title></item>"

static int64_t
score_derived(int64_t enrollment, const char *actual, int64_t *required)
{
    struct fx f;
    int64_t e;

    fx_load(&f, RATIO_DERIVED);
    f.school.attr[SR_ATTR_ENROLLMENT] = enrollment;
    answer(&f, "g", actual);
    answer(&f, "x", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    e = f.res.items[idx(&f, "g")].earned;
    *required = f.res.items[idx(&f, "g")].required;
    fx_free(&f);
    return e;
}

static void
test_ratio_derived(void **state)
{
    int64_t req;

    (void)state;
    assert_int_equal(score_derived(99, "1", &req), 8000000);
    assert_int_equal(req, 10000);
    assert_int_equal(score_derived(100, "1", &req), 4000000);
    assert_int_equal(req, 20000);
    assert_int_equal(score_derived(999, "2", &req), 8000000);
    assert_int_equal(score_derived(1000, "2", &req), 5333600);
    assert_int_equal(req, 30000);
    /* 1500: 3 + floor(500/500) x 1 = 4 required; 3 of 4 = 0.75 */
    assert_int_equal(score_derived(1500, "3", &req), 6000000);
    assert_int_equal(req, 40000);
    assert_int_equal(score_derived(1499, "3", &req), 8000000);
    assert_int_equal(req, 30000);
    /* 2600: 3 + floor(1600/500) x 1 = 6 required; 3 of 6 = 0.5 */
    assert_int_equal(score_derived(2600, "3", &req), 4000000);
    assert_int_equal(req, 60000);
}

/* Rule 1: N/A and not-applicable items leave earned and max at every
 * level: item, indicator and dimension. */
static void
test_na_rescaling(void **state)
{
    struct fx f;
    size_t nd;
    const struct sr_dimension *dims;

    (void)state;
    fx_load_dims(&f,
                 "<dimension id=\"D1\" title=\"一\">"
                 "<indicator id=\"D1.1\" title=\"a\">"
                 "<item id=\"a1\" points=\"10\" method=\"check\">"
                 "<title>a1</title></item>"
                 "<item id=\"a2\" points=\"10\" method=\"check\" "
                 "allow-na=\"true\"><title>a2</title></item></indicator>"
                 "<indicator id=\"D1.2\" title=\"b\">"
                 "<item id=\"b1\" points=\"30\" method=\"check\" "
                 "allow-na=\"true\"><title>b1</title></item></indicator>"
                 "</dimension>"
                 "<dimension id=\"D2\" title=\"二\">"
                 "<when attr=\"boarding\" eq=\"true\"/>"
                 "<indicator id=\"D2.1\" title=\"c\">"
                 "<item id=\"c1\" points=\"50\" method=\"check\">"
                 "<title>c1</title></item></indicator></dimension>"
                 "<dimension id=\"D3\" title=\"三\">"
                 "<indicator id=\"D3.1\" title=\"d\">"
                 "<item id=\"d1\" points=\"10\" method=\"check\">"
                 "<title>d1</title></item></indicator></dimension>");
    answer(&f, "a1", "pass");
    answer(&f, "a2", "na");
    answer(&f, "b1", "na");
    answer(&f, "d1", "fail");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    dims = sr_system_dimensions(f.sys, &nd);
    assert_string_equal(dims[0].id, "D1");
    /* D1: only a1 counts. */
    assert_int_equal(f.res.dims[0].earned, 10000000);
    assert_int_equal(f.res.dims[0].max, 10000000);
    /* indicator D1.2 is all na: 0 of 0 */
    assert_int_equal(f.res.inds[1].max, 0);
    /* D2 does not apply (not boarding): 0 of 0 */
    assert_int_equal(f.res.dims[1].max, 0);
    assert_int_equal(f.res.items[idx(&f, "c1")].status,
                     SR_ITEM_NOT_APPLICABLE);
    assert_int_equal(f.res.items[idx(&f, "a2")].status, SR_ITEM_NA);
    /* total over a1 and d1 only: 10 of 20 */
    assert_int_equal(f.res.max, 20000000);
    assert_int_equal(f.res.total, 5000);
    fx_free(&f);

    /* The same school, boarding: D2 now counts. */
    fx_load_dims(&f,
                 "<dimension id=\"D2\" title=\"二\">"
                 "<when attr=\"boarding\" eq=\"true\"/>"
                 "<indicator id=\"D2.1\" title=\"c\">"
                 "<item id=\"c1\" points=\"50\" method=\"check\">"
                 "<title>c1</title></item></indicator></dimension>"
                 "<dimension id=\"D3\" title=\"三\">"
                 "<indicator id=\"D3.1\" title=\"d\">"
                 "<item id=\"d1\" points=\"10\" method=\"check\">"
                 "<title>d1</title></item></indicator></dimension>");
    f.school.attr[SR_ATTR_BOARDING] = 1;
    answer(&f, "c1", "pass");
    answer(&f, "d1", "fail");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    /* 50 of 60 = 83.333... -> 83.33 */
    assert_int_equal(f.res.total, 8333);
    fx_free(&f);
}

#define PASS_LINE                                                         \
    "<item id=\"a\" points=\"100\" method=\"levels\"><title>a</title>"    \
    "<levels><level value=\"好\" fraction=\"1\"/>"                        \
    "<level value=\"中\" fraction=\"0.5999\"/>"                           \
    "<level value=\"差\" fraction=\"0.5998\"/></levels></item>"           \
    "<item id=\"b\" points=\"100\" method=\"check\"><title>b</title></item>"

/* Rule 3: the total is rounded before the pass line compares it. */
static void
test_rounding_at_pass_line(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, PASS_LINE);
    /* (59.99 + 100) / 200 = 79.995% exactly -> 80.00, compliant */
    answer(&f, "a", "中");
    answer(&f, "b", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.earned, 159990000);
    assert_int_equal(f.res.total, 8000);
    assert_true(f.res.compliant);
    assert_string_equal(band_id(&f), "general");
    fx_free(&f);

    fx_load(&f, PASS_LINE);
    /* (59.98 + 100) / 200 = 79.99% -> not compliant, orange */
    answer(&f, "a", "差");
    answer(&f, "b", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.total, 7999);
    assert_false(f.res.compliant);
    assert_string_equal(band_id(&f), "elevated");
    fx_free(&f);
}

static void
test_band_edges(void **state)
{
    struct fx f;
    static const struct {
        const char *value;
        int64_t total;
        const char *band;
    } cases[] = {
        {"90/100", 9000, "low"},      {"8999/10000", 8999, "general"},
        {"80/100", 8000, "general"},  {"7999/10000", 7999, "elevated"},
        {"60/100", 6000, "elevated"}, {"5999/10000", 5999, "major"},
        {"0/1", 0, "major"},          {"1/1", 10000, "low"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fx_load(&f, "<item id=\"r\" points=\"1\" method=\"ratio\">"
                    "<title>r</title><ratio/></item>");
        answer(&f, "r", cases[i].value);
        assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
        assert_int_equal(f.res.total, cases[i].total);
        assert_string_equal(band_id(&f), cases[i].band);
        fx_free(&f);
    }
}

/* Rule 4: a veto item below full points overrides a high total. */
static void
test_veto_overrides(void **state)
{
    struct fx f;
    long v;

    (void)state;
    fx_load(&f,
            "<item id=\"a\" points=\"99\" method=\"check\"><title>a</title>"
            "</item><item id=\"v\" points=\"1\" method=\"levels\" "
            "veto=\"true\"><title>v</title><levels>"
            "<level value=\"符合\" fraction=\"1\"/>"
            "<level value=\"基本符合\" fraction=\"0.9\"/></levels></item>");
    answer(&f, "a", "pass");
    answer(&f, "v", "基本符合");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.total, 9990); /* 99.90 */
    assert_true(f.res.vetoed);
    assert_false(f.res.compliant);
    assert_string_equal(band_id(&f), "major");
    assert_int_equal(f.res.veto_hits, 1);
    v = idx(&f, "v");
    /* a veto item's hazard is always major */
    assert_int_equal(sr_system_items(f.sys, &(size_t){0})[v].hazard,
                     SR_HAZARD_MAJOR);
    fx_free(&f);

    /* At full points the veto item does nothing. */
    fx_load(&f,
            "<item id=\"a\" points=\"99\" method=\"check\"><title>a</title>"
            "</item><item id=\"v\" points=\"1\" method=\"check\" "
            "veto=\"true\"><title>v</title></item>");
    answer(&f, "a", "pass");
    answer(&f, "v", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_false(f.res.vetoed);
    assert_true(f.res.compliant);
    assert_string_equal(band_id(&f), "low");
    fx_free(&f);
}

/* A veto item that does not apply, or is na, cannot veto. */
static void
test_veto_not_applicable(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f,
            "<item id=\"a\" points=\"10\" method=\"check\"><title>a</title>"
            "</item><item id=\"v\" points=\"5\" method=\"check\" "
            "veto=\"true\"><title>v</title>"
            "<when attr=\"boarding\" eq=\"true\"/></item>");
    answer(&f, "a", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_false(f.res.vetoed);
    assert_int_equal(f.res.total, 10000);
    fx_free(&f);
}

/* Rule 2: exact arithmetic on awkward decimals. */
static void
test_exact_sums(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f,
            "<item id=\"a\" points=\"33.33\" method=\"levels\">"
            "<title>a</title><levels><level value=\"y\" fraction=\"1\"/>"
            "<level value=\"p\" fraction=\"0.3333\"/></levels></item>"
            "<item id=\"b\" points=\"33.33\" method=\"levels\">"
            "<title>b</title><levels><level value=\"y\" fraction=\"1\"/>"
            "<level value=\"p\" fraction=\"0.3333\"/></levels></item>"
            "<item id=\"c\" points=\"33.34\" method=\"levels\">"
            "<title>c</title><levels><level value=\"y\" fraction=\"1\"/>"
            "<level value=\"p\" fraction=\"0.3333\"/></levels></item>");
    answer(&f, "a", "p");
    answer(&f, "b", "p");
    answer(&f, "c", "p");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    /* 33.33 x 0.3333 = 11.108889; 33.34 x 0.3333 = 11.112222 */
    assert_int_equal(f.res.items[0].earned, 11108889);
    assert_int_equal(f.res.items[2].earned, 11112222);
    assert_int_equal(f.res.earned, 33330000);
    assert_int_equal(f.res.max, 100000000);
    assert_int_equal(f.res.total, 3333);
    fx_free(&f);
}

/* Rule 6 support: a draft scores what is answered and counts the rest. */
static void
test_partial_and_empty(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f,
            "<item id=\"a\" points=\"10\" method=\"check\"><title>a</title>"
            "</item><item id=\"b\" points=\"30\" method=\"check\">"
            "<title>b</title></item>");
    /* Nothing answered: nothing to score. */
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res),
                     SR_ERR_INPUT);
    assert_int_equal(f.res.missing, 2);
    answer(&f, "a", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.missing, 1);
    assert_int_equal(f.res.items[idx(&f, "b")].status, SR_ITEM_UNANSWERED);
    assert_int_equal(f.res.total, 10000);
    fx_free(&f);

    /* A system with no item applicable to the school is an error. */
    fx_load(&f, "<item id=\"a\" points=\"10\" method=\"check\">"
                "<title>a</title><when attr=\"boarding\" eq=\"true\"/>"
                "</item>");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res),
                     SR_ERR_INPUT);
    assert_int_equal(f.res.missing, 0);
    fx_free(&f);
}

/* A draft's progress counts applicable items only (na counts as
 * answered), and the unanswered ones come back in the system's order,
 * as many as asked for, with the full count. */
static void
test_progress_and_unanswered(void **state)
{
    struct fx f;
    size_t answered = 99, applicable = 99, first[2] = {99, 99};

    (void)state;
    fx_load(&f, "<item id=\"a\" points=\"10\" method=\"check\">"
                "<title>a</title></item>"
                "<item id=\"b\" points=\"10\" method=\"check\" "
                "allow-na=\"true\"><title>b</title></item>"
                "<item id=\"c\" points=\"10\" method=\"check\">"
                "<title>c</title></item>"
                "<item id=\"d\" points=\"10\" method=\"check\">"
                "<title>d</title></item>"
                "<item id=\"e\" points=\"10\" method=\"check\">"
                "<title>e</title><when attr=\"boarding\" eq=\"true\"/>"
                "</item>");
    /* Nothing answered: the statuses are still filled. */
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res),
                     SR_ERR_INPUT);
    sr_result_progress(&f.res, &answered, &applicable);
    assert_int_equal(answered, 0);
    assert_int_equal(applicable, 4); /* e and B's four do not apply */
    assert_int_equal(sr_result_unanswered(&f.res, first, 2), 4);
    assert_int_equal(first[0], idx(&f, "a"));
    assert_int_equal(first[1], idx(&f, "b"));

    answer(&f, "a", "pass");
    answer(&f, "b", "na");
    answer(&f, "d", "fail");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    sr_result_progress(&f.res, &answered, &applicable);
    assert_int_equal(answered, 3);
    assert_int_equal(applicable, 4);
    first[0] = first[1] = 99;
    assert_int_equal(sr_result_unanswered(&f.res, first, 2), 1);
    assert_int_equal(first[0], idx(&f, "c"));
    assert_int_equal(first[1], 99); /* only as many as there are */
    assert_int_equal(sr_result_unanswered(&f.res, NULL, 0), 1);
    fx_free(&f);
}

/* The baseline elements: met only when every tagged applicable item is
 * scored at full points. */
static void
test_baseline(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, "<item id=\"a\" points=\"10\" method=\"check\">"
                "<title>a</title></item>"
                "<item id=\"g2\" points=\"2\" method=\"levels\" "
                "baseline=\"guards\"><title>g2</title><levels>"
                "<level value=\"符合\" fraction=\"1\"/>"
                "<level value=\"基本符合\" fraction=\"0.6\"/></levels>"
                "</item>");
    f.school.attr[SR_ATTR_SPECIAL_NEEDS] = 9999; /* B applies */
    answer(&f, "a", "pass");
    answer(&f, "B1", "pass");
    answer(&f, "g2", "基本符合"); /* guards: second item below full */
    answer(&f, "B2", "pass");
    answer(&f, "B3", "fail");
    /* B4 (protection-posts) unanswered */
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_false(f.res.baseline[SR_BASELINE_GUARDS]);
    assert_true(f.res.baseline[SR_BASELINE_CLOSED_CAMPUS]);
    assert_false(f.res.baseline[SR_BASELINE_ALARM_VIDEO]);
    assert_false(f.res.baseline[SR_BASELINE_PROTECTION_POSTS]);
    fx_free(&f);

    /* No tagged item applies: unknown counts as not met. */
    fx_load(&f, "<item id=\"a\" points=\"10\" method=\"check\">"
                "<title>a</title></item>");
    answer(&f, "a", "pass");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_false(f.res.baseline[SR_BASELINE_GUARDS]);
    assert_false(f.res.baseline[SR_BASELINE_CLOSED_CAMPUS]);
    fx_free(&f);
}

/* Scoring twice with one result gives the same figures (no state kept
 * from the previous assessment). */
static void
test_result_reuse(void **state)
{
    struct fx f;

    (void)state;
    fx_load(&f, THRESH_HIGHER);
    answer(&f, "v", "15");
    answer(&f, "x", "fail");
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.total, 2500);
    assert_int_equal(sr_score(f.sys, &f.school, &f.resp, &f.res), SR_OK);
    assert_int_equal(f.res.total, 2500);
    assert_int_equal(f.res.lost, 2);
    assert_int_equal(f.res.dims[0].earned, 5000000);
    fx_free(&f);
}

/* The shipped examples: one total pinned per system, checked by hand
 * against the examples' findings (the CLI tests check every example
 * against an independent implementation). */
static void
test_shipped_example(void **state)
{
    struct sr_system *sys = NULL;
    struct sr_school school;
    struct sr_responses resp;
    struct sr_result res;
    struct sr_diags d;

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(
        sr_system_load_file(SR_INDICATORS "/junior.xml", &sys, &d), SR_OK);
    assert_int_equal(sr_school_load_file(SR_INDICATORS
                                         "/examples/junior-1.school",
                                         &school, &d),
                     SR_OK);
    assert_int_equal(sr_responses_init(&resp, sys), SR_OK);
    assert_int_equal(sr_responses_load_file(&resp, &school,
                                            SR_INDICATORS
                                            "/examples/junior-1.csv",
                                            &d),
                     SR_OK);
    assert_int_equal(sr_result_init(&res, sys), SR_OK);
    assert_int_equal(sr_score(sys, &school, &resp, &res), SR_OK);
    assert_int_equal(res.missing, 0);
    assert_int_equal(res.earned, 119400000);
    assert_int_equal(res.max, 121000000);
    /* 119.4 / 121 = 98.6776... -> 98.68 */
    assert_int_equal(res.total, 9868);
    assert_false(res.vetoed);
    assert_true(res.compliant);
    assert_int_equal(d.n, 0);
    sr_result_release(&res);
    sr_responses_release(&resp);
    sr_system_free(sys);
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_threshold_higher),
        cmocka_unit_test(test_threshold_lower),
        cmocka_unit_test(test_deduct_floor),
        cmocka_unit_test(test_ratio_entered),
        cmocka_unit_test(test_ratio_derived),
        cmocka_unit_test(test_na_rescaling),
        cmocka_unit_test(test_rounding_at_pass_line),
        cmocka_unit_test(test_band_edges),
        cmocka_unit_test(test_veto_overrides),
        cmocka_unit_test(test_veto_not_applicable),
        cmocka_unit_test(test_exact_sums),
        cmocka_unit_test(test_partial_and_empty),
        cmocka_unit_test(test_progress_and_unanswered),
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_result_reuse),
        cmocka_unit_test(test_shipped_example),
    };

    return cmocka_run_group_tests_name("scoring", tests, NULL, NULL);
}
