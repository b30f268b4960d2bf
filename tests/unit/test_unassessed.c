/*
 * test_unassessed.c - four-100% elements a system does not evidence
 * (issue 11 item 11; docs/indicator-format.md s.16.14): the loader's
 * rules for baseline-unassessed, and through the database the third
 * state 未评估 of the baseline (school, district, several days), of the
 * district's figures and of its workbook.
 *
 * The system is tests/fixtures/unassessed/table.xml (no item for 护学岗,
 * declared unassessed); its three schools are registered in 历下区:
 *   A answers everything at full points: 未评估 on 护学岗 and met on the
 *     others, so 未评估 on all four;
 *   B fails B.1.1 (专职保安员): not met on guards, 未评估 on 护学岗;
 *   C has no assessment: not met on all four, as before.
 * One database per test in a mkdtemp directory, the clock pinned to
 * 2026-09-15 10:00 China time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/store.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)
#define SYSTEM SR_FIXTURES "/unassessed/table.xml"
#define REGISTRY SR_FIXTURES "/unassessed/registry.csv"
#define LAYOUT SR_FIXTURES "/../../templates/reports/district.csv"
#define CITY_LAYOUT SR_FIXTURES "/../../templates/reports/city.csv"
#define READER SR_FIXTURES "/../unit/report_xlsx_read.py"

#define A "3701029901"
#define B "3701029902"
#define C "3701029903"

#define POSTS SR_BASELINE_PROTECTION_POSTS
#define GUARDS SR_BASELINE_GUARDS

static const char reason_zh[] =
    "指标体系无护学岗项的小学安全评估表（1.0）未设置该要素的检查项";
static const char reason_c[] =
    "the indicator system 无护学岗项的小学安全评估表 (1.0) has no item for "
    "this element";

/* ------------------------------------------------------------------ */
/* The loader                                                           */
/* ------------------------------------------------------------------ */

/* A system with @p attrs on <system> and items tagged for the elements
 * of @p tagged (four characters: 'x' tags the element: guards,
 * closed-campus, alarm-video, protection-posts). */
static sr_error
load_with(const char *attrs, const char *tagged, struct sr_diags *d,
          struct sr_system **sys)
{
    static const char *const names[SR_BASELINE_COUNT] = {
        "guards", "closed-campus", "alarm-video", "protection-posts"};
    char xml[4096], items[2048];
    size_t len = 0;
    int e;

    items[0] = '\0';
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (tagged[e] == 'x')
            len += (size_t)snprintf(
                items + len, sizeof(items) - len,
                "<item id=\"B%d\" points=\"10\" method=\"check\" "
                "baseline=\"%s\"><title>要素</title></item>\n",
                e + 1, names[e]);
    snprintf(xml, sizeof(xml),
             "<system xmlns=\"urn:schoolrisk:indicators:1\" id=\"u\" "
             "version=\"1\" title=\"测试\" %s>\n"
             "<stages><stage>primary</stage></stages>\n"
             "<grading pass=\"80\" valid-months=\"12\">"
             "<band id=\"low\" label=\"低\" colour=\"blue\" min=\"60\"/>"
             "<band id=\"high\" label=\"高\" colour=\"red\" min=\"0\"/>"
             "</grading>\n"
             "<dimension id=\"D\" title=\"维度\">\n"
             "<indicator id=\"D.1\" title=\"指标\">\n"
             "<item id=\"D1\" points=\"60\" method=\"check\">"
             "<title>其他</title></item>\n"
             "%s</indicator></dimension></system>\n",
             attrs, items);
    sr_diags_init(d);
    *sys = NULL;
    return sr_system_load_memory("u.xml", xml, strlen(xml), sys, d);
}

static void
expect_refused(const char *attrs, const char *tagged,
               const char *const *want)
{
    struct sr_system *sys;
    struct sr_diags d;

    assert_int_equal(load_with(attrs, tagged, &d, &sys), SR_ERR_INPUT);
    assert_null(sys);
    assert_diags(&d, want);
    sr_diags_release(&d);
}

static void
test_loader_accepts_a_declared_element(void **state)
{
    struct sr_system *sys;
    struct sr_diags d;
    int e;

    (void)state;
    assert_int_equal(load_with("format=\"2\" baseline-unassessed=\""
                               " protection-posts\tguards \"",
                               "-xx-", &d, &sys),
                     SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_int_equal(sr_system_baseline_unassessed(sys, e),
                         e == GUARDS || e == POSTS);
    assert_false(sr_system_baseline_unassessed(sys, -1));
    assert_false(sr_system_baseline_unassessed(sys, SR_BASELINE_COUNT));
    sr_system_free(sys);
    sr_diags_release(&d);
}

/* All four may be declared: a table with no security rows still
 * scores; its schools are 未评估 on every element. */
static void
test_loader_accepts_all_four(void **state)
{
    struct sr_system *sys;
    struct sr_diags d;

    (void)state;
    assert_int_equal(load_with("format=\"2\" baseline-unassessed=\"guards "
                               "closed-campus alarm-video "
                               "protection-posts\"",
                               "----", &d, &sys),
                     SR_OK);
    assert_int_equal(d.n, 0);
    assert_true(sr_system_baseline_unassessed(sys, SR_BASELINE_ALARM_VIDEO));
    sr_system_free(sys);
    sr_diags_release(&d);
}

/* A system without the attribute declares nothing (every file so far). */
static void
test_loader_nothing_declared(void **state)
{
    struct sr_system *sys;
    struct sr_diags d;
    int e;

    (void)state;
    assert_int_equal(load_with("format=\"2\"", "xxxx", &d, &sys), SR_OK);
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_false(sr_system_baseline_unassessed(sys, e));
    sr_system_free(sys);
    sr_diags_release(&d);
}

static void
test_loader_format1_refused(void **state)
{
    static const char *const want[] = {
        "u.xml:1: system 'u': unassessed baseline elements need "
        "format=\"2\" on <system>",
        "u.xml:1: system 'u': no item is tagged baseline=\"protection-posts\""
        " (护学岗); every system must evidence all four baseline elements",
        NULL};

    (void)state;
    expect_refused("baseline-unassessed=\"protection-posts\"", "xxx-", want);
}

static void
test_loader_unknown_element(void **state)
{
    static const char *const want[] = {
        "u.xml:1: system 'u': baseline-unassessed: unknown element 'posts' "
        "(expected guards, closed-campus, alarm-video or protection-posts)",
        "u.xml:1: system 'u': no item is tagged baseline=\"protection-posts\""
        " (护学岗); every system must evidence all four baseline elements",
        NULL};

    (void)state;
    expect_refused("format=\"2\" baseline-unassessed=\"posts\"", "xxx-",
                   want);
}

static void
test_loader_duplicate_element(void **state)
{
    static const char *const want[] = {
        "u.xml:1: system 'u': baseline-unassessed names 'protection-posts' "
        "twice",
        NULL};

    (void)state;
    expect_refused("format=\"2\" baseline-unassessed=\"protection-posts "
                   "protection-posts\"",
                   "xxx-", want);
}

static void
test_loader_empty_list(void **state)
{
    static const char *const want[] = {
        "u.xml:1: system 'u': baseline-unassessed names no element",
        NULL};

    (void)state;
    expect_refused("format=\"2\" baseline-unassessed=\" \"", "xxxx", want);
}

/* An item tagged with a declared element contradicts the declaration:
 * refused at the item's line. */
static void
test_loader_contradiction(void **state)
{
    static const char *const want[] = {
        "u.xml:7: item 'B1': tagged baseline=\"guards\", an element the "
        "system declares unassessed (baseline-unassessed)",
        NULL};

    (void)state;
    expect_refused("format=\"2\" baseline-unassessed=\"guards\"", "xxxx",
                   want);
}

/* The coverage check skips the declared elements, and only those. */
static void
test_loader_coverage_skips_declared(void **state)
{
    static const char *const want[] = {
        "u.xml:1: system 'u': no item is tagged baseline=\"alarm-video\" "
        "(一键式紧急报警和视频监控联网); every system must evidence all "
        "four baseline elements",
        NULL};

    (void)state;
    expect_refused("format=\"2\" baseline-unassessed=\"protection-posts\"",
                   "xx--", want);
}

/* ------------------------------------------------------------------ */
/* Through the database                                                 */
/* ------------------------------------------------------------------ */

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    struct sr_diags d;
};

static void
ok(struct fx *f, sr_error rc)
{
    if (rc != SR_OK) {
        show_diags(&f->d);
        fail_msg("%s: %s", sr_strerror(rc), sr_store_errmsg(f->st));
    }
}

/* A draft of school @p code on @p on answered with @p v ("item=value"),
 * submitted. */
static void
submit(struct fx *f, const char *code, const char *on,
       const char *const *v)
{
    struct sr_submit_report rep;
    int64_t id;
    size_t i;

    ok(f, sr_assess_new(f->st, code, on, NULL, &id));
    for (i = 0; v[i]; i++) {
        char item[16];
        const char *eq = strchr(v[i], '=');

        snprintf(item, sizeof(item), "%.*s", (int)(eq - v[i]), v[i]);
        ok(f, sr_assess_set(f->st, id, item, eq + 1, NULL, &f->d));
    }
    ok(f, sr_assess_submit(f->st, id, &f->d, &rep));
}

static int
setup(void **state)
{
    static const char *const all_pass[] = {
        "S.1.1=pass", "B.1.1=pass", "B.1.2=pass", "B.1.3=pass", NULL};
    static const char *const guards_lost[] = {
        "S.1.1=pass", "B.1.1=fail", "B.1.2=pass", "B.1.3=pass", NULL};
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-unassessed-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&f->d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    ok(f, sr_store_set_actor(f->st, "张检查员"));
    ok(f, sr_store_load_system_file(f->st, SYSTEM, &out, &f->d));
    ok(f, sr_registry_import_file(f->st, REGISTRY, 0, &rep, &f->d));
    assert_int_equal(rep.added, 3);
    submit(f, A, "2026-09-10", all_pass);
    submit(f, B, "2026-09-10", guards_lost);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    sr_diags_release(&f->d);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* The school of @p r with @p code. */
static const struct sr_baseline_school *
school_of(const struct sr_baseline_report *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (!strcmp(r->s[i].code, code))
            return &r->s[i];
    fail_msg("no school %s", code);
    return NULL;
}

/* The district of @p r with @p code. */
static const struct sr_baseline_district *
district_of(const struct sr_baseline_report *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->nd; i++)
        if (!strcmp(r->d[i].code, code))
            return &r->d[i];
    fail_msg("no district %s", code);
    return NULL;
}

/* A: met on three, 未评估 on 护学岗 with the system's reason. */
static void
expect_a(const struct sr_baseline_school *a)
{
    char *text;
    int e;

    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        assert_int_equal(a->met[e], e != POSTS);
        assert_int_equal(a->unassessed[e], e == POSTS);
    }
    assert_int_equal(a->reason[POSTS].cause, SR_CAUSE_UNASSESSED);
    assert_string_equal(a->reason[POSTS].system_title,
                        "无护学岗项的小学安全评估表");
    assert_string_equal(a->reason[POSTS].system_version, "1.0");
    assert_string_equal(a->why[POSTS], reason_c);
    text = sr_baseline_reason_text(&a->reason[POSTS]);
    assert_string_equal(text, reason_zh);
    free(text);
}

/* The per-school path and the set-based one agree, and the district
 * counts each element met, unassessed and all four exactly. */
static void
test_school_and_district(void **state)
{
    struct fx *f = *state;
    struct sr_baseline_report r;
    struct sr_baseline_school one;
    const struct sr_baseline_school *b, *c;
    const struct sr_baseline_district *d;
    int e;

    ok(f, sr_baseline_compute(f->st, NULL, NULL, &r));
    expect_a(school_of(&r, A));
    ok(f, sr_baseline_school(f->st, A, NULL, &one));
    expect_a(&one);
    sr_baseline_school_release(&one);
    b = school_of(&r, B);
    assert_false(b->met[GUARDS]);
    assert_false(b->unassessed[GUARDS]);
    assert_int_equal(b->reason[GUARDS].cause, SR_CAUSE_ITEM_LOST);
    assert_true(b->unassessed[POSTS]);
    /* No submitted assessment stays a real failure: 未达到. */
    c = school_of(&r, C);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        assert_false(c->met[e]);
        assert_false(c->unassessed[e]);
        assert_int_equal(c->reason[e].cause, SR_CAUSE_NO_ASSESSMENT);
    }
    d = district_of(&r, "370102");
    assert_int_equal(d->schools, 3);
    assert_int_equal(d->met[GUARDS], 1);
    assert_int_equal(d->met[SR_BASELINE_CLOSED_CAMPUS], 2);
    assert_int_equal(d->met[SR_BASELINE_ALARM_VIDEO], 2);
    assert_int_equal(d->met[POSTS], 0);
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_int_equal(d->unassessed[e], e == POSTS ? 2 : 0);
    assert_int_equal(d->all_four, 0);
    assert_int_equal(d->four_unassessed, 1); /* A */
    assert_false(d->reaches);
    sr_baseline_report_release(&r);
}

/* An open hazard on the element is a known failure: not met, whatever
 * the system evidences (one added after the assessment, or left from an
 * assessment under another system). */
static void
test_open_hazard_is_not_met(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_new h = {.school = A, .level = SR_HAZARD_GENERAL,
                              .baseline = "protection-posts",
                              .description = "上学时段护学岗无人值守",
                              .found_on = "2026-09-12"};
    struct sr_baseline_report r;
    struct sr_baseline_school one;
    const struct sr_baseline_school *a;
    int64_t id;
    bool linked;

    ok(f, sr_hazard_raise(f->st, &h, &id, &linked));
    ok(f, sr_baseline_compute(f->st, NULL, NULL, &r));
    a = school_of(&r, A);
    assert_false(a->met[POSTS]);
    assert_false(a->unassessed[POSTS]);
    assert_int_equal(a->reason[POSTS].cause, SR_CAUSE_HAZARD_OPEN);
    assert_int_equal(a->reason[POSTS].hazard, id);
    assert_int_equal(district_of(&r, "370102")->unassessed[POSTS], 1);
    assert_int_equal(district_of(&r, "370102")->four_unassessed, 0);
    sr_baseline_report_release(&r);
    /* the same through the per-school path */
    ok(f, sr_baseline_school(f->st, A, NULL, &one));
    assert_false(one.unassessed[POSTS]);
    assert_int_equal(one.reason[POSTS].cause, SR_CAUSE_HAZARD_OPEN);
    sr_baseline_school_release(&one);
}

/* Several days from one read: before the assessments, nothing is
 * unassessed (no assessment is not met); after, as above. */
static void
test_days(void **state)
{
    struct fx *f = *state;
    const char *const days[] = {"2026-09-01", "2026-09-15"};
    struct sr_baseline_report r[2];

    ok(f, sr_baseline_compute_days(f->st, NULL, days, 2, r));
    assert_int_equal(district_of(&r[0], "370102")->unassessed[POSTS], 0);
    assert_int_equal(district_of(&r[0], "370102")->four_unassessed, 0);
    assert_false(school_of(&r[0], A)->unassessed[POSTS]);
    assert_int_equal(district_of(&r[1], "370102")->unassessed[POSTS], 2);
    assert_int_equal(district_of(&r[1], "370102")->four_unassessed, 1);
    expect_a(school_of(&r[1], A));
    sr_baseline_report_release(&r[0]);
    sr_baseline_report_release(&r[1]);
}

/* The district's figures: rates over the schools evaluated, 未评估
 * beside them; 四个100%未达标 leaves out A (未评估 alone). */
static void
test_district_report(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    struct sr_period p;
    const struct sr_report_kpis *k = &r.kpis;
    size_t i;

    assert_int_equal(sr_period_parse("2026Q3", &p), SR_OK);
    ok(f, sr_report_district(f->st, "370102", &p, &r));
    assert_int_equal(k->schools, 3);
    assert_int_equal(k->baseline_met[GUARDS], 1);
    assert_int_equal(k->baseline_rate[GUARDS].num, 1);
    assert_int_equal(k->baseline_rate[GUARDS].den, 3);
    assert_int_equal(k->baseline_unassessed[POSTS], 2);
    assert_int_equal(k->baseline_rate[POSTS].num, 0);
    assert_int_equal(k->baseline_rate[POSTS].den, 1);
    assert_int_equal(k->four_met, 0);
    assert_int_equal(k->four_unassessed, 1);
    assert_false(k->four_100);
    for (i = 0; i < r.n_schools; i++) {
        const struct sr_report_school *s = &r.schools[i];

        if (strcmp(s->code, A))
            continue;
        assert_false(s->baseline[POSTS]);
        assert_true(s->baseline_unassessed[POSTS]);
        assert_string_equal(s->baseline_why,
                            "护学岗（未评估）：指标体系无护学岗项的小学安全"
                            "评估表（1.0）未设置该要素的检查项");
    }
    sr_report_district_release(&r);
}

/* The workbooks show it: 是/否/未评估 per school, the 未评估 counts on
 * 四个100% and 概况, the rule on 说明; the city's 区县汇总 its column. */
static void
test_workbooks(void **state)
{
    static const char *const want[] = {
        /* 四个100%: rates over the schools evaluated, then the counts */
        "四个100%!A2=达标率", "四个100%!B2=0.3333333333 [0.0%]",
        "四个100%!E2=0 [0.0%]", "四个100%!F2=否",
        "四个100%!A3=未评估学校数", "四个100%!B3=0 [0]",
        "四个100%!E3=2 [0]", "四个100%!F3=1 [0]",
        /* 概况 */
        "概况!A21=四个100%：护学岗达标率", "概况!B21=0 [0.0%]",
        "概况!C21=0/1；未评估2所", "概况!A22=是否实现四个100%",
        "概况!B22=否", "概况!A23=四个100%学校数",
        "概况!B23=达到0所，未达到2所，未评估1所",
        /* each school's elements, the table a row lower */
        "四个100%!A6=3701029901", "四个100%!G6=未评估",
        "四个100%!H6=未评估",
        "四个100%!I6=护学岗（未评估）：指标体系无护学岗项的小学安全评估表"
        "（1.0）未设置该要素的检查项",
        "四个100%!D7=否", "四个100%!G7=未评估", "四个100%!H7=否",
        "四个100%!G8=否", "四个100%!H8=否",
        NULL};
    static const char *const want_city[] = {
        "区县汇总!R3=四个100%未评估学校数", "区县汇总!R4=1 [0]",
        "区县汇总!P4=0 [0.0%]", NULL};
    struct fx *f = *state;
    struct sr_report_district r;
    struct sr_report_city city;
    struct sr_period p;
    struct sr_layout lay;
    struct sr_report_meta meta = {"2026-10-08", "张三", NULL, NULL};
    char path[256], *out;

    assert_int_equal(sr_period_parse("2026Q3", &p), SR_OK);
    ok(f, sr_report_district(f->st, "370102", &p, &r));
    meta.diags = &f->d;
    assert_int_equal(sr_layout_load(LAYOUT, &lay, &f->d), SR_OK);
    snprintf(path, sizeof(path), "%s/district.xlsx", f->dir);
    ok(f, sr_report_write_district(&r, &lay, path, &meta));
    sr_layout_release(&lay);
    sr_report_district_release(&r);
    out = read_back(READER, path);
    expect_lines(out, want);
    assert_non_null(strstr(out, "四个100%中的未评估指学校所用指标体系未设置"
                               "该要素的检查项"));
    free(out);

    ok(f, sr_report_city(f->st, &p, &city));
    assert_int_equal(city.total.four_unassessed, 1);
    assert_int_equal(city.total.baseline_rate[POSTS].den, 1);
    /* 四个100%未达标: B and C, not A */
    assert_int_equal(city.n_off_baseline, 2);
    /* the trend's KPIs count the same way (2026Q3 is its one period) */
    assert_int_equal(city.n_trend, 1);
    assert_int_equal(city.trend[0].kpis.four_unassessed, 1);
    assert_int_equal(city.trend[0].kpis.baseline_unassessed[POSTS], 2);
    assert_int_equal(city.trend[0].kpis.baseline_rate[POSTS].den, 1);
    assert_int_equal(sr_layout_load(CITY_LAYOUT, &lay, &f->d), SR_OK);
    snprintf(path, sizeof(path), "%s/city.xlsx", f->dir);
    ok(f, sr_report_write_city(&city, &lay, path, &meta));
    sr_layout_release(&lay);
    sr_report_city_release(&city);
    out = read_back(READER, path);
    expect_lines(out, want_city);
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_accepts_a_declared_element),
        cmocka_unit_test(test_loader_accepts_all_four),
        cmocka_unit_test(test_loader_nothing_declared),
        cmocka_unit_test(test_loader_format1_refused),
        cmocka_unit_test(test_loader_unknown_element),
        cmocka_unit_test(test_loader_duplicate_element),
        cmocka_unit_test(test_loader_empty_list),
        cmocka_unit_test(test_loader_contradiction),
        cmocka_unit_test(test_loader_coverage_skips_declared),
        cmocka_unit_test_setup_teardown(test_school_and_district, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_hazard_is_not_met, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_district_report, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_workbooks, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
