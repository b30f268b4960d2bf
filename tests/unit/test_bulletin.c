/*
 * test_bulletin.c - the bulletins (bulletin.h): the monthly dispatch of
 * a district, the quarterly bulletin's ranking, their JSON and their
 * workbooks.
 *
 * A small city is built through the public library calls on pinned
 * days (mini.xml: valid 12 months), with known events in October and
 * November 2026:
 *
 *   370102 历下区
 *     甲 0001  full 2026-09-01; H1 general on D1.2.4 (护学岗) found
 *              11-05, open: falls off the four-100% baseline (护学岗)
 *     乙 0002  veto failed 10-05: HC major on D1.2.1, deadline 11-10
 *              (not overdue on 10-31, 20 days on 11-30: newly overdue);
 *              H4 general found 09-10, deadline 10-01 (overdue at both
 *              ends); H0 general found 10-10, deadline 10-20 (overdue on
 *              10-31), closed 11-15
 *     丙 0003  full 2025-11-10: valid on 10-31, expired on 11-30 (newly
 *              due; falls off all four)
 *     丁 0004  first inspected 11-20, full (back on); H2 major found
 *              11-21, deadline 11-25 (newly supervised, newly overdue)
 *   370103 市中区: 己 full 08-05, 辛 low 08-10 (not compliant)
 *   370112 历城区: 庚 full 07-20
 *   the other districts: no school
 *
 * November for 历下区: found H1 H2; closed H0; overdue HC H2 H4, newly
 * HC H2; newly supervised H2; one inspection (丁); due 1 now (丙) and 1
 * then (丁), newly due 丙; fell off 甲 (护学岗) and 丙 (all four); back on
 * 丁.  2026Q4: 历城区 1, 市中区 2, 历下区 3, the rest 4; 2026Q3: 历城区
 * 1, 历下区 and 市中区 tied at 2, the rest 4.
 *
 * test_plans adds, on 2026-10-01, two published plans of 2026Q4 with
 * every school: 历下区's (#1) and the city's (#2), and a draft of
 * 市中区 (#3), which no bulletin shows.
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
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/bulletin.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"

#include "testutil.h"

#define READER SR_FIXTURES "/../unit/report_xlsx_read.py"
#define TEMPLATES SR_FIXTURES "/../../templates/reports/"

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,历下区甲小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020002,历下区乙小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020003,历下区丙小学,历下区,小学,民办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020004,历下区丁小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701030001,市中区己小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701030002,市中区辛小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701120001,历城区庚小学,历城区,小学,公办,乡村,否,否,是,否,否,200,0,"
    "0,,\n";

static const char responses_full[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

static const char responses_veto[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,fail,东门无人值守\n"
    "D1.2.2,符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

static const char responses_low[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,fail,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,不符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,fail,\n"
    "D2.1.1,5,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    sqlite3 *raw;
    int64_t h0, h1, h2, h4, hc;
};

#include "report_fixture.h"

static int64_t
add_hazard(struct fx *f, const char *code, int level, const char *item,
           const char *baseline, const char *desc)
{
    struct sr_hazard_new h;
    int64_t id = 0;
    bool linked = true;

    memset(&h, 0, sizeof(h));
    h.school = code;
    h.level = level;
    h.item = item;
    h.baseline = baseline;
    h.description = desc;
    ok(f, sr_hazard_add(f->st, &h, &id, &linked));
    assert_false(linked);
    return id;
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;
    struct sr_diags d;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-bulletin-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    day(f, "2025-05-01");
    as(f, "管理员");
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &d),
                     SR_OK);
    assert_int_equal(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                               sizeof(registry_csv) - 1, 0,
                                               &rep, &d),
                     SR_OK);
    assert_int_equal(rep.added, 7);
    sr_diags_release(&d);

    as(f, "张检查员");
    day(f, "2025-11-10");
    assess(f, "3701020003", responses_full);
    day(f, "2026-07-20");
    assess(f, "3701120001", responses_full);
    day(f, "2026-08-05");
    assess(f, "3701030001", responses_full);
    day(f, "2026-08-10");
    assess(f, "3701030002", responses_low);
    day(f, "2026-09-01");
    assess(f, "3701020001", responses_full);
    day(f, "2026-09-10");
    f->h4 = add_hazard(f, "3701020002", SR_HAZARD_GENERAL, NULL, NULL,
                       "楼道堆放杂物");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->h4, "钱校长", "2026-10-01", NULL));
    as(f, "张检查员");
    day(f, "2026-10-05");
    assess(f, "3701020002", responses_veto);
    f->hc = hazard_on(f, "3701020002", "D1.2.1");
    as(f, "李主任");
    day(f, "2026-10-06");
    ok(f, sr_hazard_assign(f->st, f->hc, "钱校长", "2026-11-10",
                           "门卫室24小时值守"));
    as(f, "张检查员");
    day(f, "2026-10-10");
    f->h0 = add_hazard(f, "3701020002", SR_HAZARD_GENERAL, NULL, NULL,
                       "灭火器过期");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->h0, "钱校长", "2026-10-20", NULL));
    as(f, "张检查员");
    day(f, "2026-11-05");
    f->h1 = add_hazard(f, "3701020001", SR_HAZARD_GENERAL, "D1.2.4",
                       "protection-posts", "放学时段护学岗无人");
    day(f, "2026-11-15");
    as(f, "钱校长");
    ok(f, sr_hazard_submit(f->st, f->h0, "已更换", NULL));
    as(f, "赵科长");
    ok(f, sr_hazard_verify(f->st, f->h0, NULL));
    as(f, "张检查员");
    day(f, "2026-11-20");
    assess(f, "3701020004", responses_full);
    day(f, "2026-11-21");
    f->h2 = add_hazard(f, "3701020004", SR_HAZARD_MAJOR, NULL, NULL,
                       "围墙局部坍塌");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->h2, "孙校长", "2026-11-25", NULL));
    as(f, "张检查员");
    day(f, "2027-01-10");

    open_raw(f);
    *state = f;
    return 0;
}

static void
monthly(struct fx *f, const char *district, const char *month,
        struct sr_bulletin_monthly *b)
{
    struct sr_period p;

    assert_int_equal(sr_period_parse(month, &p), SR_OK);
    ok(f, sr_bulletin_monthly(f->st, district, &p, NULL, b));
}

/* The hazard ids of a list of indices into b->now.hazards. */
static void
expect_ids(const struct sr_bulletin_monthly *b, const size_t *idx, size_t n,
           const int64_t *want, size_t n_want)
{
    size_t i;

    assert_int_equal(n, n_want);
    for (i = 0; i < n; i++)
        assert_int_equal(b->now.hazards[idx[i]].id, want[i]);
}

static const struct sr_report_school *
school_of(const struct sr_bulletin_monthly *b, size_t i)
{
    return &b->now.schools[i];
}

/* ------------------------------------------------------------------ */

static void
test_monthly_changes(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_monthly b;
    int64_t ch;
    int e;

    monthly(f, "历下区", "2026-11", &b);
    assert_string_equal(b.now.code, "370102");
    assert_string_equal(b.now.period.label, "2026-11");
    assert_string_equal(b.prev.period.label, "2026-10");

    expect_ids(&b, b.found, b.n_found, (int64_t[]){f->h1, f->h2}, 2);
    expect_ids(&b, b.closed, b.n_closed, (int64_t[]){f->h0}, 1);
    expect_ids(&b, b.overdue, b.n_overdue,
               (int64_t[]){f->h4, f->hc, f->h2}, 3);
    expect_ids(&b, b.newly_overdue, b.n_newly_overdue,
               (int64_t[]){f->hc, f->h2}, 2);
    expect_ids(&b, b.supervised, b.n_supervised, (int64_t[]){f->h2}, 1);
    assert_int_equal(b.now.hazards[b.newly_overdue[0]].days_overdue, 20);
    assert_int_equal(b.now.hazards[b.newly_overdue[1]].days_overdue, 5);

    assert_int_equal(b.n_inspections, 1);
    assert_string_equal(b.inspections[0].code, "3701020004");
    assert_string_equal(b.inspections[0].assessed_on, "2026-11-20");
    assert_string_equal(b.inspections[0].inspector, "张检查员");
    assert_true(b.inspections[0].compliant);

    assert_int_equal(b.due_now, 1);
    assert_int_equal(b.due_prev, 1);
    assert_int_equal(b.n_newly_due, 1);
    assert_string_equal(school_of(&b, b.newly_due[0])->code, "3701020003");

    /* Fell off: 甲 on 护学岗 only (its open hazard), 丙 on all four. */
    assert_int_equal(b.n_fell_off, 2);
    assert_string_equal(school_of(&b, b.fell_off[0].school)->code,
                        "3701020001");
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_int_equal(b.fell_off[0].lost[e],
                         e == SR_BASELINE_PROTECTION_POSTS);
    assert_non_null(strstr(school_of(&b, b.fell_off[0].school)->baseline_why,
                           "护学岗"));
    assert_string_equal(school_of(&b, b.fell_off[1].school)->code,
                        "3701020003");
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_true(b.fell_off[1].lost[e]);
    assert_int_equal(b.n_back_on, 1);
    assert_string_equal(school_of(&b, b.back_on[0].school)->code,
                        "3701020004");
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_true(b.back_on[0].lost[e]);
    assert_int_equal(b.n_plans, 0);

    /* KPIs against October. */
    assert_int_equal(b.kpis[SR_BK_SCHOOLS].now.num, 4);
    assert_int_equal(b.kpis[SR_BK_ASSESSED].now.num, 3);
    assert_int_equal(b.kpis[SR_BK_ASSESSED].prev.num, 3);
    assert_int_equal(b.kpis[SR_BK_COMPLIANCE].now.num, 2);
    assert_int_equal(b.kpis[SR_BK_COMPLIANCE].prev.num, 2);
    assert_true(sr_bulletin_change(&b.kpis[SR_BK_COMPLIANCE], &ch));
    assert_int_equal(ch, 0);
    assert_int_equal(b.kpis[SR_BK_FOUR].now.num, 1);
    assert_int_equal(b.kpis[SR_BK_FOUR].now.den, 4);
    assert_int_equal(b.kpis[SR_BK_FOUR].prev.num, 2);
    assert_true(sr_bulletin_change(&b.kpis[SR_BK_FOUR], &ch));
    assert_int_equal(ch, -250); /* 25.0% against 50.0% */
    assert_int_equal(b.kpis[SR_BK_FOUND].now.num, 2);
    assert_int_equal(b.kpis[SR_BK_FOUND].prev.num, 2); /* HC, H0 */
    assert_int_equal(b.kpis[SR_BK_CLOSED].now.num, 1);
    assert_int_equal(b.kpis[SR_BK_OPEN].now.num, 4);  /* H4 HC H1 H2 */
    assert_int_equal(b.kpis[SR_BK_OPEN].prev.num, 3); /* H4 HC H0 */
    assert_int_equal(b.kpis[SR_BK_OVERDUE].now.num, 3);
    assert_int_equal(b.kpis[SR_BK_OVERDUE].prev.num, 2); /* H4 H0 */
    assert_int_equal(b.kpis[SR_BK_OVERDUE_MAJOR].now.num, 2);
    assert_int_equal(b.kpis[SR_BK_OVERDUE_MAJOR].prev.num, 0);
    assert_true(sr_bulletin_change(&b.kpis[SR_BK_OVERDUE_MAJOR], &ch));
    assert_int_equal(ch, 2);
    sr_bulletin_monthly_release(&b);

    /* October against September: H0 overdue since 10-21 is new then. */
    monthly(f, "370102", "2026-10", &b);
    expect_ids(&b, b.found, b.n_found, (int64_t[]){f->hc, f->h0}, 2);
    expect_ids(&b, b.newly_overdue, b.n_newly_overdue,
               (int64_t[]){f->h4, f->h0}, 2);
    assert_int_equal(b.n_closed, 0);
    assert_int_equal(b.n_fell_off, 0);
    assert_int_equal(b.n_inspections, 1); /* 乙 on 10-05 */
    sr_bulletin_monthly_release(&b);
}

static void
test_monthly_refusals(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_monthly b;
    struct sr_period p;

    assert_int_equal(sr_period_parse("2026Q4", &p), SR_OK);
    assert_int_equal(sr_bulletin_monthly(f->st, "历下区", &p, NULL, &b),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "a monthly bulletin is for a month (2026-11), not "
                        "'2026Q4'");
    assert_null(b.found);
    assert_int_equal(sr_period_parse("2026-11", &p), SR_OK);
    assert_int_equal(sr_bulletin_monthly(f->st, "无此区", &p, NULL, &b),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st), "no district '无此区'");
    sr_bulletin_monthly_release(&b);
}

/* ------------------------------------------------------------------ */
/* Places                                                               */
/* ------------------------------------------------------------------ */

static struct sr_bulletin_key
key(const char *code, size_t schools, size_t cn, size_t cd, size_t fn,
    size_t fd, size_t rn, size_t rd, size_t major)
{
    struct sr_bulletin_key k = {code, schools, {cn, cd}, {fn, fd},
                                {rn, rd}, major};

    return k;
}

static void
test_place_ties(void **state)
{
    /* Given out of order: every key decides once, ties share. */
    const struct sr_bulletin_key k[] = {
        key("370105", 10, 9, 10, 5, 10, 1, 2, 0), /* 90%, 50%, 50%, 0 */
        key("370102", 10, 9, 10, 5, 10, 1, 2, 1), /* ... 1 overdue major */
        key("370199", 0, 0, 0, 0, 0, 0, 0, 0),    /* no school: last */
        key("370104", 20, 18, 20, 10, 20, 2, 4, 0), /* = 370105 */
        key("370103", 10, 9, 10, 5, 10, 0, 0, 0),  /* none found: 100% */
        key("370112", 3, 3, 3, 0, 3, 0, 1, 5),     /* 100% first */
        key("370113", 10, 9, 10, 6, 10, 0, 1, 0), /* 4-100 60% */
        key("370198", 0, 0, 0, 0, 0, 0, 0, 0),    /* no school: last */
    };
    const size_t want_place[] = {4, 6, 7, 4, 3, 1, 2, 7};
    const size_t want_order[] = {5, 6, 4, 3, 0, 1, 7, 2};
    size_t place[8], order[8], i;

    (void)state;
    assert_int_equal(sr_bulletin_place(k, 8, place, order), SR_OK);
    for (i = 0; i < 8; i++) {
        assert_int_equal(place[i], want_place[i]);
        assert_int_equal(order[i], want_order[i]);
    }
    /* Without the order. */
    memset(place, 0, sizeof(place));
    assert_int_equal(sr_bulletin_place(k, 8, place, NULL), SR_OK);
    assert_int_equal(place[2], 7);
    assert_int_equal(sr_bulletin_place(k, 0, place, NULL), SR_OK);
}

static void
test_change_rounding(void **state)
{
    /* 1/3 shows 33.3%, 1/2 50.0%: the change a reader sees, +16.7. */
    struct sr_bulletin_kpi k = {true, {1, 2}, {1, 3}};
    int64_t ch;

    (void)state;
    assert_true(sr_bulletin_change(&k, &ch));
    assert_int_equal(ch, 167);
    k.prev.den = 0;
    assert_false(sr_bulletin_change(&k, &ch));
    assert_int_equal(ch, 0);
    k = (struct sr_bulletin_kpi){false, {3, 1}, {7, 1}};
    assert_true(sr_bulletin_change(&k, &ch));
    assert_int_equal(ch, -4);
}

/* ------------------------------------------------------------------ */
/* The quarter                                                          */
/* ------------------------------------------------------------------ */

static const struct sr_bulletin_district *
line(const struct sr_bulletin_quarterly *b, const char *code)
{
    size_t i;

    for (i = 0; i < b->n_districts; i++)
        if (!strcmp(b->reports[b->districts[i].report].code, code))
            return &b->districts[i];
    fail_msg("no district %s", code);
    return NULL;
}

/* A correction as sign-off will give it. */
static sr_error
one_correction(void *ctx, struct sr_store *st, const char *district,
               const struct sr_period *q, struct sr_bulletin_correction **v,
               size_t *n)
{
    (void)st;
    assert_null(district); /* the city's bulletin */
    assert_string_equal(q->label, "2026Q4");
    *v = calloc(1, sizeof(**v));
    assert_non_null(*v);
    (*v)->period = strdup("2026Q3");
    (*v)->district = strdup("历下区");
    (*v)->what = strdup("达标学校数由2所更正为1所");
    (*v)->by = strdup("赵科长");
    (*v)->at = strdup("2026-11-02");
    (*v)->why = strdup(ctx);
    *n = 1;
    return SR_OK;
}

static void
test_quarterly(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_quarterly b;
    struct sr_bulletin_options opt = {one_correction, "复查发现评估有误"};
    struct sr_period p;
    const struct sr_report_school *s;
    const struct sr_report_hazard *h;
    size_t i;

    assert_int_equal(sr_period_parse("2026Q4", &p), SR_OK);
    ok(f, sr_bulletin_quarterly(f->st, &p, &opt, &b));
    assert_string_equal(b.prev.label, "2026Q3");
    assert_int_equal(b.n_districts, sql_count(f, "SELECT count(*) FROM "
                                                 "districts", NULL, &p));
    /* This quarter: no tie among the three with schools. */
    assert_string_equal(b.reports[b.districts[0].report].code, "370112");
    assert_string_equal(b.reports[b.districts[1].report].code, "370103");
    assert_string_equal(b.reports[b.districts[2].report].code, "370102");
    assert_int_equal(line(&b, "370112")->place, 1);
    assert_int_equal(line(&b, "370103")->place, 2);
    assert_int_equal(line(&b, "370102")->place, 3);
    /* Last quarter 历下区 and 市中区 tied at 2 (50%, 50%, 0%, 0). */
    assert_int_equal(line(&b, "370112")->prev_place, 1);
    assert_int_equal(line(&b, "370102")->prev_place, 2);
    assert_int_equal(line(&b, "370103")->prev_place, 2);
    for (i = 3; i < b.n_districts; i++) {
        assert_int_equal(b.districts[i].place, 4);
        assert_int_equal(b.districts[i].prev_place, 4);
        assert_int_equal(b.reports[b.districts[i].report].kpis.schools, 0);
        if (i > 3)
            assert_true(strcmp(b.reports[b.districts[i - 1].report].code,
                               b.reports[b.districts[i].report].code) < 0);
    }
    assert_int_equal(line(&b, "370102")->noncompliant, 1);
    assert_int_equal(line(&b, "370102")->unassessed, 1);
    assert_int_equal(line(&b, "370102")->kpis[SR_BK_RECTIFICATION].now.num,
                     1);
    assert_int_equal(line(&b, "370102")->kpis[SR_BK_RECTIFICATION].now.den,
                     4);

    /* Named: by place of the district, then code. */
    assert_int_equal(b.n_schools, 3);
    s = sr_bulletin_school_at(&b, &b.schools[0]);
    assert_string_equal(s->code, "3701030002");
    assert_string_equal(sr_bulletin_school_status(s), "未达标");
    s = sr_bulletin_school_at(&b, &b.schools[1]);
    assert_string_equal(s->code, "3701020002");
    assert_string_equal(sr_bulletin_school_status(s), "一票否决");
    s = sr_bulletin_school_at(&b, &b.schools[2]);
    assert_string_equal(s->code, "3701020003");
    assert_string_equal(sr_bulletin_school_status(s), "未评估");

    assert_int_equal(b.n_overdue_major, 2);
    h = sr_bulletin_hazard_at(&b, &b.overdue_major[0]);
    assert_int_equal(h->id, f->hc);
    assert_int_equal(h->days_overdue, 51);
    assert_true(h->supervised);
    h = sr_bulletin_hazard_at(&b, &b.overdue_major[1]);
    assert_int_equal(h->id, f->h2);
    assert_int_equal(h->days_overdue, 36);

    /* The city against Q3. */
    assert_int_equal(b.city[SR_BK_SCHOOLS].now.num, 7);
    assert_int_equal(b.city[SR_BK_ASSESSED].now.num, 6);
    assert_int_equal(b.city[SR_BK_ASSESSED].prev.num, 5);
    assert_int_equal(b.city[SR_BK_OVERDUE_MAJOR].now.num, 2);

    assert_int_equal(b.n_corrections, 1);
    assert_string_equal(b.corrections[0].why, "复查发现评估有误");
    sr_bulletin_quarterly_release(&b);

    /* A month is not a quarter. */
    assert_int_equal(sr_period_parse("2026-11", &p), SR_OK);
    assert_int_equal(sr_bulletin_quarterly(f->st, &p, NULL, &b),
                     SR_ERR_INPUT);
}

/* ------------------------------------------------------------------ */
/* JSON and workbooks                                                   */
/* ------------------------------------------------------------------ */

static void
test_monthly_json(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_monthly b;
    cJSON *j, *k;
    char *text, *change;

    monthly(f, "历下区", "2026-11", &b);
    j = sr_json_bulletin_monthly(&b);
    assert_non_null(j);
    text = cJSON_PrintUnformatted(j);
    assert_non_null(strstr(text, "\"district\":\"370102\""));
    k = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "kpis"), SR_BK_FOUR);
    assert_string_equal(cJSON_GetObjectItem(k, "key")->valuestring,
                        "four_100_rate");
    change = cJSON_PrintUnformatted(cJSON_GetObjectItem(k, "change"));
    assert_string_equal(change, "-25.0");
    free(change);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(j, "hazards"), "newly_overdue")),
                     2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(j, "baseline"), "fell_off")),
                     2);
    assert_non_null(strstr(text, "\"elements\":[{\"element\":"
                                 "\"protection-posts\""));
    assert_non_null(strstr(text, "\"plans\":[]"));
    free(text);
    cJSON_Delete(j);
    sr_bulletin_monthly_release(&b);
}

static char *
dump(const char *path)
{
    return read_back(READER, path);
}

static void
test_monthly_workbook(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_monthly b;
    struct sr_bulletin_issue issue = {"2026-12-03", NULL};
    struct sr_report_meta meta = {"2026-12-03T01:30:00Z", "张三", "ab12",
                                  NULL};
    struct sr_layout lay;
    struct sr_diags d;
    char path[128], csv[128], line1[128], line2[128];
    char *out;
    FILE *fp;
    const char *const want[] = {
        "sheets=月调度,隐患变化,本月检查,新增应检,四个100%变化,说明",
        "月调度!A1=历下区教育局",
        "月调度!A2=济教安〔2026〕  号",
        "月调度!A3=历下区2026年11月校园安全风险防控工作月调度",
        "月调度!A5=印发单位：历下区教育局　　印发日期：2026年12月3日",
        "月调度!A7=一、主要指标变化（月末对比上月末）",
        "月调度!C8=本月末", "月调度!D8=上月末", "月调度!E8=变化",
        "月调度!A15=四个100%达标率", "月调度!C15=0.25 [0.0%]",
        "月调度!D15=0.5 [0.0%]", "月调度!E15=-25 [+0.0;-0.0;0.0]",
        "月调度!A26=逾期重大隐患数", "月调度!C26=2 [0]", "月调度!D26=0 [0]",
        "月调度!E26=2 [+0;-0;0]",
        "月调度:print=portrait paper=9 fitw=1 fith=0 fit=True",
        "月调度:titles=None",
        "月调度:footer=历下区教育局　　第 &P 页，共 &N 页",
        "隐患变化!A2=本月发现", "隐患变化!A4=本月销号",
        "隐患变化!A5=新增逾期", "隐患变化!A6=新增逾期",
        "隐患变化!A7=新增督办", "隐患变化!L6=5 [0]",
        "隐患变化!E7=围墙局部坍塌", "隐患变化!M7=是",
        "隐患变化:titles=$1:$1", "隐患变化:filter=A1:M7",
        "隐患变化:print=landscape paper=9 fitw=1 fith=0 fit=True",
        "本月检查!B2=3701020004", "本月检查!F2=100 [0.00]",
        "新增应检!B2=历下区丙小学", "新增应检!D2=2025-11-10",
        "新增应检!F2=评估已过有效期，月末无有效评估",
        "四个100%变化!A2=跌出四个100%", "四个100%变化!C2=历下区甲小学",
        "四个100%变化!E2=护学岗",
        "四个100%变化!E3=专职保安员配备、封闭化管理、一键式紧急报警和视频"
        "监控联网、护学岗",
        "四个100%变化!A4=恢复四项达标", "四个100%变化!C4=历下区丁小学",
        "说明!B4=2026年11月（2026-11-01 至 2026-11-30），对比2026年10月"
        "（截至 2026-10-31）",
        "props:title=历下区校园安全月调度（2026年11月）",
        NULL};
    const char *const city_unit[] = {
        "月调度!A1=济南市教育局",
        "月调度!A5=印发单位：济南市教育局　　印发日期：2026年12月3日",
        "月调度:footer=济南市教育局　　第 &P 页，共 &N 页",
        NULL};

    monthly(f, "历下区", "2026-11", &b);
    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(TEMPLATES "bulletin-monthly.csv", &lay,
                                    &d),
                     SR_OK);
    snprintf(path, sizeof(path), "%s/m.xlsx", f->dir);
    assert_int_equal(sr_bulletin_write_monthly(&b, &lay, &issue, path,
                                               &meta),
                     SR_OK);
    out = dump(path);
    expect_lines(out, want);
    /* The hazard ids are the fixture's. */
    snprintf(line1, sizeof(line1), "\n隐患变化!B2=%lld [0]\n",
             (long long)f->h1);
    snprintf(line2, sizeof(line2), "\n隐患变化!B4=%lld [0]\n",
             (long long)f->h0);
    assert_non_null(strstr(out, line1));
    assert_non_null(strstr(out, line2));
    /* No plans: no section 三. */
    assert_null(strstr(out, "三、检查计划进度"));
    free(out);

    /* A number given: in 文号. */
    issue.number = "17";
    assert_int_equal(sr_bulletin_write_monthly(&b, &lay, &issue, path,
                                               &meta),
                     SR_OK);
    out = dump(path);
    assert_non_null(strstr(out, "\n月调度!A2=济教安〔2026〕17号\n"));
    free(out);
    sr_layout_release(&lay);

    /* A layout whose unit names no district keeps it for every
     * district: the bureau's own 月调度. */
    snprintf(csv, sizeof(csv), "%s/city-unit.csv", f->dir);
    fp = fopen(csv, "w");
    assert_non_null(fp);
    fputs("sheet,field,heading,width,format\n"
          "文字,unit,济南市教育局,,\n"
          "文字,footer,{单位}　　第 {页码} 页，共 {总页数} 页,,\n", fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(sr_layout_load(csv, &lay, &d), SR_OK);
    assert_int_equal(sr_bulletin_write_monthly(&b, &lay, &issue, path,
                                               &meta),
                     SR_OK);
    out = dump(path);
    expect_lines(out, city_unit);
    free(out);
    sr_layout_release(&lay);
    sr_diags_release(&d);
    sr_bulletin_monthly_release(&b);
}

static void
test_quarterly_workbook(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_quarterly b;
    struct sr_bulletin_options opt = {one_correction, "复查发现评估有误"};
    struct sr_bulletin_issue issue = {"2027-01-08", NULL};
    struct sr_report_meta meta = {"2027-01-08T01:30:00Z", "张三", "ab12",
                                  NULL};
    struct sr_period p;
    struct sr_layout lay;
    struct sr_diags d;
    char path[128];
    char *out;
    const char *const want[] = {
        "sheets=季通报,未达标学校,逾期重大隐患,说明",
        "季通报!A1=济南市教育局",
        "季通报!A2=济教安〔2027〕  号",
        "季通报!A3=关于2026年第四季度全市中小学幼儿园校园安全风险防控工作"
        "情况的通报",
        "季通报!A7=一、区县排名",
        "季通报!A8=名次", "季通报!D8=名次变化",
        "季通报!A9=1 [0]", "季通报!B9=历城区", "季通报!D9=持平",
        "季通报!A10=2 [0]", "季通报!B10=市中区", "季通报!D10=持平",
        "季通报!A11=3 [0]", "季通报!B11=历下区", "季通报!C11=2 [0]",
        "季通报!D11=下降1位", "季通报!F11=0.5 [0.0%]",
        "季通报!H11=0.25 [0.0%]", "季通报!I11=-25 [+0.0;-0.0;0.0]",
        "季通报!L11=2 [0]", "季通报!M11=1 [0]", "季通报!N11=1 [0]",
        "季通报!A12=4 [0]", "季通报:titles=None",
        "季通报:print=landscape paper=9 fitw=1 fith=0 fit=True",
        "未达标学校!D2=市中区辛小学", "未达标学校!F2=未达标",
        "未达标学校!B2=2 [0]",
        "未达标学校!D3=历下区乙小学", "未达标学校!F3=一票否决",
        "未达标学校!D4=历下区丙小学", "未达标学校!F4=未评估",
        "未达标学校:titles=$1:$1",
        "逾期重大隐患!C2=历下区乙小学", "逾期重大隐患!L2=51 [0]",
        "逾期重大隐患!C3=历下区丁小学", "逾期重大隐患!L3=36 [0]",
        "逾期重大隐患!M3=是",
        NULL};

    assert_int_equal(sr_period_parse("2026Q4", &p), SR_OK);
    ok(f, sr_bulletin_quarterly(f->st, &p, &opt, &b));
    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(TEMPLATES "bulletin-quarterly.csv",
                                    &lay, &d),
                     SR_OK);
    snprintf(path, sizeof(path), "%s/q.xlsx", f->dir);
    assert_int_equal(sr_bulletin_write_quarterly(&b, &lay, &issue, path,
                                                 &meta),
                     SR_OK);
    out = dump(path);
    expect_lines(out, want);
    assert_non_null(strstr(out, "三、更正说明"));
    assert_non_null(strstr(out, "1. 2026Q3 历下区：达标学校数由2所更正为1所"
                                "（2026-11-02 由 赵科长 更正，原因：复查发现"
                                "评估有误）"));
    free(out);
    sr_bulletin_quarterly_release(&b);

    /* Without corrections the section is left out. */
    ok(f, sr_bulletin_quarterly(f->st, &p, NULL, &b));
    assert_int_equal(sr_bulletin_write_quarterly(&b, &lay, &issue, path,
                                                 &meta),
                     SR_OK);
    out = dump(path);
    assert_null(strstr(out, "更正说明"));
    free(out);
    sr_bulletin_quarterly_release(&b);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

/* ------------------------------------------------------------------ */
/* Plans' progress on the bulletins                                     */
/* ------------------------------------------------------------------ */

static void
make_plans(struct fx *f)
{
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 1000, .expert_share = 1000,
                            .has_seed = true, .seed = 7};
    int64_t id;

    day(f, "2026-10-01");
    as(f, "李主任");
    ok(f, sr_plan_create(f->st, &in, NULL, &id));
    assert_int_equal(id, 1);
    ok(f, sr_plan_publish(f->st, id, NULL));
    in.district = NULL;
    ok(f, sr_plan_create(f->st, &in, NULL, &id));
    ok(f, sr_plan_publish(f->st, id, NULL));
    in.district = "市中区";
    ok(f, sr_plan_create(f->st, &in, NULL, &id));
    assert_int_equal(id, 3);
    day(f, "2027-01-10");
}

static void
expect_plan(const struct sr_bulletin_plan *p, int64_t id, const char *name,
            size_t schools, size_t done, size_t due, size_t overdue)
{
    assert_int_equal(p->id, id);
    assert_string_equal(p->name, name);
    assert_int_equal(p->schools, schools);
    assert_int_equal(p->done, done);
    assert_int_equal(p->due, due);
    assert_int_equal(p->overdue, overdue);
}

/* The quarterly workbook's section 三 (plans) before 四 (corrections). */
static void
plans_workbook(struct fx *f, const struct sr_bulletin_quarterly *q)
{
    struct sr_bulletin_issue issue = {"2027-01-08", NULL};
    struct sr_report_meta meta = {"2027-01-08T01:30:00Z", "张三", "ab12",
                                  NULL};
    struct sr_layout lay;
    struct sr_diags d;
    char path[128];
    char *out;
    /* By place: 历城区, 市中区, 历下区; districts without a plan left
     * out. */
    const char *const want[] = {
        "季通报!A49=三、检查计划进度（季末）", "季通报!A50=区县",
        "季通报!B50=计划数", "季通报!C50=计划学校数", "季通报!D50=已完成",
        "季通报!E50=未到期", "季通报!F50=已逾期",
        "季通报!A51=历城区", "季通报!B51=1 [0]", "季通报!C51=1 [0]",
        "季通报!D51=0 [0]", "季通报!E51=0 [0]", "季通报!F51=1 [0]",
        "季通报!A52=市中区", "季通报!C52=2 [0]", "季通报!F52=2 [0]",
        "季通报!A53=历下区", "季通报!B53=2 [0]", "季通报!C53=8 [0]",
        "季通报!D53=4 [0]", "季通报!E53=0 [0]", "季通报!F53=4 [0]",
        NULL};

    sr_diags_init(&d);
    meta.diags = &d;
    assert_int_equal(sr_layout_load(TEMPLATES "bulletin-quarterly.csv",
                                    &lay, &d),
                     SR_OK);
    snprintf(path, sizeof(path), "%s/q.xlsx", f->dir);
    assert_int_equal(sr_bulletin_write_quarterly(q, &lay, &issue, path,
                                                 &meta),
                     SR_OK);
    out = dump(path);
    expect_lines(out, want);
    assert_null(strstr(out, "更正说明"));
    free(out);
    sr_layout_release(&lay);
    sr_diags_release(&d);
}

static void
test_plans(void **state)
{
    struct fx *f = *state;
    struct sr_bulletin_monthly b;
    struct sr_bulletin_quarterly q;
    struct sr_plan_progress pr;
    struct sr_period p;
    const struct sr_bulletin_district *d;
    cJSON *j;
    char *text;

    make_plans(f);
    /* As of 31 October: 乙 inspected on 10-05; 丁's 11-20 not yet. */
    ok(f, sr_plan_progress_as_of(f->st, 1, NULL, "2026-10-31", &pr));
    assert_string_equal(pr.today, "2026-10-31");
    assert_int_equal(pr.n, 4);
    assert_int_equal(pr.counts[SR_PLAN_DONE], 1);
    assert_int_equal(pr.counts[SR_PLAN_DUE], 3);
    assert_string_equal(pr.v[0].district, "370102");
    sr_plan_progress_release(&pr);
    assert_int_equal(sr_plan_progress_as_of(f->st, 1, NULL, "2026-13-01",
                                            &pr),
                     SR_ERR_INPUT);
    sr_plan_progress_release(&pr);

    monthly(f, "历下区", "2026-10", &b);
    assert_int_equal(b.n_plans, 2);
    expect_plan(&b.plans[0], 1, "历下区2026Q4检查计划（#1）", 4, 1, 3, 0);
    expect_plan(&b.plans[1], 2, "全市2026Q4检查计划（#2）", 4, 1, 3, 0);
    sr_bulletin_monthly_release(&b);
    monthly(f, "历下区", "2026-11", &b);
    expect_plan(&b.plans[0], 1, "历下区2026Q4检查计划（#1）", 4, 2, 2, 0);
    j = sr_json_bulletin_monthly(&b);
    text = cJSON_PrintUnformatted(j);
    assert_non_null(strstr(text, "\"plans\":[{\"id\":1,\"name\":\"历下区2026Q4"
                                 "检查计划（#1）\",\"schools\":4,\"done\":2,"
                                 "\"due\":2,\"overdue\":0},"));
    assert_non_null(strstr(text, "\"corrections\":[]"));
    free(text);
    cJSON_Delete(j);
    sr_bulletin_monthly_release(&b);
    /* The city's plan counted over 市中区's two schools, both overdue
     * once December is over; the draft not shown; September has no
     * plan. */
    monthly(f, "市中区", "2026-12", &b);
    assert_int_equal(b.n_plans, 1);
    expect_plan(&b.plans[0], 2, "全市2026Q4检查计划（#2）", 2, 0, 0, 2);
    sr_bulletin_monthly_release(&b);
    monthly(f, "历下区", "2026-09", &b);
    assert_int_equal(b.n_plans, 0);
    sr_bulletin_monthly_release(&b);

    /* The quarter's end: what is not done is overdue. */
    assert_int_equal(sr_period_parse("2026Q4", &p), SR_OK);
    ok(f, sr_bulletin_quarterly(f->st, &p, NULL, &q));
    d = line(&q, "370102");
    assert_int_equal(d->plans, 2);
    assert_int_equal(d->plan_schools, 8);
    assert_int_equal(d->plan_done, 4);
    assert_int_equal(d->plan_due, 0);
    assert_int_equal(d->plan_overdue, 4);
    d = line(&q, "370103");
    assert_int_equal(d->plans, 1);
    assert_int_equal(d->plan_schools, 2);
    assert_int_equal(d->plan_overdue, 2);
    d = line(&q, "370112");
    assert_int_equal(d->plan_schools, 1);
    d = line(&q, "370104");
    assert_int_equal(d->plans, 0);
    j = sr_json_bulletin_quarterly(&q);
    text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    assert_non_null(strstr(text, "\"name\":\"历下区\",\"noncompliant\""));
    assert_non_null(strstr(text, "\"plans\":{\"plans\":2,\"schools\":8,"
                                 "\"done\":4,\"due\":0,\"overdue\":4}"));
    assert_non_null(strstr(text, "\"plans\":null"));
    free(text);
    plans_workbook(f, &q);
    sr_bulletin_quarterly_release(&q);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_place_ties),
        cmocka_unit_test(test_change_rounding),
        cmocka_unit_test_setup_teardown(test_monthly_changes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_monthly_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_quarterly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monthly_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monthly_workbook, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_quarterly_workbook, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_plans, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
