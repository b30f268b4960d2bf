/*
 * test_expert_workload.c - an expert's workload and findings rate
 * (sr_expert_workload(), sr_expert_rate()): exact figures for periods
 * around real inspections made with mini.xml, what does not count (a
 * self-inspection, a draft, an inspection by a user without a profile,
 * a finding linked to a hazard already open), and the rule of
 * "certified" and "due" one expert at a time against the summary; the
 * schools published plans assign to each expert, and those the expert
 * inspected for the plan.
 *
 * The clock is pinned to 2026-09-15 10:00 China time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)
#define PW "Anquan#2026Jinan"

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
    "3701020001,甲小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020002,乙小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020003,丙小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701030001,戊小学,市中区,小学,公办,城区,否,否,是,否,否,500,0,0\n";

/* mini.xml at full points, and with findings: D1.2.1 failed (a major
 * hazard) and two extinguishers missing under D2.1.1 (a general one). */
static const char full_csv[] =
    "item,value,note\n"
    "D1.1.1,2,\nD1.1.2,pass,\nD1.2.1,pass,\nD1.2.2,符合,\nD1.2.3,30,\n"
    "D1.2.4,pass,\nD2.1.1,0,\nD2.1.2,3,\nD3.1.1,pass,\nD3.1.2,5/5,\n";
static const char both_csv[] =
    "item,value,note\n"
    "D1.1.1,2,\nD1.1.2,pass,\nD1.2.1,fail,\nD1.2.2,符合,\nD1.2.3,30,\n"
    "D1.2.4,pass,\nD2.1.1,2,\nD2.1.2,3,\nD3.1.1,pass,\nD3.1.2,5/5,\n";
static const char general_csv[] =
    "item,value,note\n"
    "D1.1.1,2,\nD1.1.2,pass,\nD1.2.1,pass,\nD1.2.2,符合,\nD1.2.3,30,\n"
    "D1.2.4,pass,\nD2.1.1,1,\nD2.1.2,3,\nD3.1.1,pass,\nD3.1.2,5/5,\n";

struct fx {
    char dir[64];
    char db[96];
    char path[128];
    struct sr_store *st;
    struct sr_diags d;
    struct sr_auth_policy p;
    int64_t zhang, li, wang;
};

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* A user with an inspector grant of district. */
static int64_t
inspector(struct fx *f, const char *login, const char *name,
          const char *district)
{
    struct sr_user_new u = {.login = login, .name = name, .password = PW};
    int64_t id = 0, g = 0;

    assert_int_equal(sr_user_add(f->st, &f->p, &u, &id), SR_OK);
    assert_int_equal(sr_grant_add(f->st, id, SR_ROLE_INSPECTOR, district,
                                  NULL, &g),
                     SR_OK);
    return id;
}

static void
expert(struct fx *f, const char *login, const char *district)
{
    struct sr_expert_in in = {"历下区消防救援大队", district,
                              SR_SPECS(SR_SPEC_FIRE), "2026-03-01",
                              "2026-04-01", "2029-03-31", SR_EXPERT_ACTIVE};

    if (sr_expert_add(f->st, login, &in) != SR_OK)
        fail_msg("expert %s: %s", login, sr_store_errmsg(f->st));
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-xwork-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(f->path, sizeof(f->path), "%s/r.csv", f->dir);
    sr_diags_init(&f->d);
    sr_auth_policy_init(&f->p);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    assert_int_equal(sr_store_set_actor(f->st, "tester"), SR_OK);
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &f->d),
                     SR_OK);
    assert_int_equal(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                               sizeof(registry_csv) - 1, 0,
                                               &rep, &f->d),
                     SR_OK);
    f->zhang = inspector(f, "zhang", "张专家", "历下区");
    f->li = inspector(f, "li", "李专家", "市中区");
    f->wang = inspector(f, "wang", "王检查员", "历下区");
    expert(f, "zhang", "历下区");
    expert(f, "li", "市中区");
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

/* An assessment of code dated on, made by user (name) with the answers
 * csv; submitted unless draft.  Returns the hazards it raised. */
static size_t
inspect(struct fx *f, int64_t user, const char *name, const char *code,
        const char *on, int kind, const char *csv, bool draft)
{
    struct sr_assess_new n = {.school = code, .kind = kind,
                              .assessed_on = on};
    struct sr_submit_report rep;
    int64_t id = 0;

    assert_int_equal(sr_store_set_user(f->st, user, name), SR_OK);
    write_text(f->path, csv);
    assert_int_equal(sr_assess_create(f->st, &n, &id), SR_OK);
    assert_int_equal(sr_assess_import(f->st, id, f->path, &f->d), SR_OK);
    memset(&rep, 0, sizeof(rep));
    if (!draft && sr_assess_submit(f->st, id, &f->d, &rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    assert_int_equal(sr_store_set_user(f->st, 0, "tester"), SR_OK);
    return rep.hazards_new;
}

/* The rows of a workload call, by login. */
struct rows {
    char login[8][16];
    struct sr_expert_work w[8];
    size_t n;
};

static int
collect(const struct sr_expert *e, const struct sr_expert_work *w, void *ctx)
{
    struct rows *r = ctx;

    assert_true(r->n < 8);
    snprintf(r->login[r->n], sizeof(r->login[0]), "%s", e->login);
    r->w[r->n++] = *w;
    return 0;
}

static void
expect_work(const struct sr_expert_work *w, size_t inspections,
            size_t schools, size_t general, size_t major, const char *rate,
            const char *last)
{
    char text[SR_EXPERT_RATE_MAX];

    assert_int_equal(w->inspections, inspections);
    assert_int_equal(w->schools, schools);
    assert_int_equal(w->general, general);
    assert_int_equal(w->major, major);
    sr_expert_rate(w, text, NULL);
    assert_string_equal(text, rate);
    assert_string_equal(w->last_on, last);
}

/* Run the workload of from..to over every expert into r (zhang is
 * first: 历下区 comes before 市中区). */
static void
workload(struct fx *f, const char *from, const char *to, struct rows *r)
{
    struct sr_expert_filter flt;

    sr_expert_filter_init(&flt);
    memset(r, 0, sizeof(*r));
    if (sr_expert_workload(f->st, &flt, from, to, collect, r) != SR_OK)
        fail_msg("workload: %s", sr_store_errmsg(f->st));
    assert_int_equal(r->n, 2);
    assert_string_equal(r->login[0], "zhang");
    assert_string_equal(r->login[1], "li");
}

static void
test_figures(void **state)
{
    struct fx *f = *state;
    struct rows r;

    /* zhang: 0003 in June with a general finding; in the third quarter
     * 0001 with both findings, 0002 at full points, and 0001 again
     * where D2.1.1 is found short again: that finding is linked to the
     * general hazard still open, not a new one. */
    assert_int_equal(inspect(f, f->zhang, "张专家", "3701020003",
                             "2026-06-20", SR_ASSESS_INSPECTION, general_csv,
                             false),
                     1);
    assert_int_equal(inspect(f, f->zhang, "张专家", "3701020001",
                             "2026-07-10", SR_ASSESS_INSPECTION, both_csv,
                             false),
                     2);
    assert_int_equal(inspect(f, f->zhang, "张专家", "3701020002",
                             "2026-08-01", SR_ASSESS_INSPECTION, full_csv,
                             false),
                     0);
    assert_int_equal(inspect(f, f->zhang, "张专家", "3701020001",
                             "2026-09-01", SR_ASSESS_INSPECTION, general_csv,
                             false),
                     0);
    /* What does not count: zhang's self-inspection (a kind a school
     * makes) and draft, and wang's inspection (no profile). */
    inspect(f, f->zhang, "张专家", "3701020002", "2026-09-10",
            SR_ASSESS_SELF, general_csv, false);
    inspect(f, f->zhang, "张专家", "3701020003", "2026-09-11",
            SR_ASSESS_INSPECTION, both_csv, true);
    inspect(f, f->wang, "王检查员", "3701020002", "2026-09-12",
            SR_ASSESS_INSPECTION, both_csv, false);

    workload(f, "2026-07-01", "2026-09-30", &r);
    expect_work(&r.w[0], 3, 2, 1, 1, "0.67", "2026-09-01");
    expect_work(&r.w[1], 0, 0, 0, 0, "-", "");
    /* The second quarter: June's one inspection and its finding. */
    workload(f, "2026-04-01", "2026-06-30", &r);
    expect_work(&r.w[0], 1, 1, 1, 0, "1.00", "2026-06-20");
    /* July alone: both findings of one inspection. */
    workload(f, "2026-07-01", "2026-07-31", &r);
    expect_work(&r.w[0], 1, 1, 1, 1, "2.00", "2026-07-10");
    /* August: the latest inspection up to the period's end is August's
     * own; the first quarter has none, and nothing before it. */
    workload(f, "2026-08-01", "2026-08-31", &r);
    expect_work(&r.w[0], 1, 1, 0, 0, "0.00", "2026-08-01");
    workload(f, "2026-01-01", "2026-03-31", &r);
    expect_work(&r.w[0], 0, 0, 0, 0, "-", "");
    /* A year: every inspection of zhang. */
    workload(f, "2026-01-01", "2026-12-31", &r);
    expect_work(&r.w[0], 4, 3, 2, 1, "0.75", "2026-09-01");
    /* October, later than every inspection: none in it, the latest
     * before it all the same. */
    workload(f, "2026-10-01", "2026-10-31", &r);
    expect_work(&r.w[0], 0, 0, 0, 0, "-", "2026-09-01");
}

static void
test_filter_and_refusals(void **state)
{
    struct fx *f = *state;
    struct sr_expert_filter flt;
    struct rows r;

    inspect(f, f->li, "李专家", "3701030001", "2026-07-02",
            SR_ASSESS_INSPECTION, both_csv, false);
    sr_expert_filter_init(&flt);
    flt.district = "市中区";
    memset(&r, 0, sizeof(r));
    assert_int_equal(sr_expert_workload(f->st, &flt, "2026-07-01",
                                        "2026-09-30", collect, &r),
                     SR_OK);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.login[0], "li");
    expect_work(&r.w[0], 1, 1, 1, 1, "2.00", "2026-07-02");
    assert_int_equal(sr_expert_workload(f->st, &flt, "2026-7-1",
                                        "2026-09-30", collect, &r),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errfield(f->st), "from");
    assert_string_equal(sr_store_errmsg(f->st),
                        "from '2026-7-1' is not a date (YYYY-MM-DD)");
    assert_int_equal(sr_expert_workload(f->st, &flt, "2026-07-01", NULL,
                                        collect, &r),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errfield(f->st), "to");
    assert_int_equal(sr_expert_workload(f->st, &flt, "2026-10-01",
                                        "2026-09-30", collect, &r),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "the period ends (2026-09-30) before it starts "
                        "(2026-10-01)");
}

static void
test_rate(void **state)
{
    static const struct {
        size_t n, general, major;
        const char *text;
        int64_t num;
    } v[] = {
        {0, 0, 0, "-", -1},     {0, 3, 1, "-", -1},
        {3, 1, 0, "0.33", 33},  {3, 2, 0, "0.67", 67},
        {8, 1, 0, "0.13", 13},  {8, 0, 3, "0.38", 38},
        {1, 4, 1, "5.00", 500}, {200, 1, 0, "0.01", 1},
        {201, 1, 0, "0.00", 0}, {7, 10, 0, "1.43", 143},
    };
    struct sr_expert_work w;
    char text[SR_EXPERT_RATE_MAX];
    int64_t num;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        memset(&w, 0, sizeof(w));
        w.inspections = v[i].n;
        w.general = v[i].general;
        w.major = v[i].major;
        sr_expert_rate(&w, text, &num);
        assert_string_equal(text, v[i].text);
        assert_int_equal(num, v[i].num);
    }
}

/* sr_expert_certified()/sr_expert_due() count what the summary counts,
 * on the days around a certificate's dates. */
struct agree {
    const char *as_of;
    size_t certified, due;
};

static int
count_one(const struct sr_expert *e, void *ctx)
{
    struct agree *a = ctx;

    a->certified += sr_expert_certified(e, a->as_of);
    a->due += sr_expert_due(e, a->as_of, SR_EXPERT_DUE_DAYS);
    return 0;
}

static void
test_certified_agrees(void **state)
{
    static const char *days[] = {"2026-03-31", "2026-04-01", "2028-12-31",
                                 "2029-01-01", "2029-01-02", "2029-03-31",
                                 "2029-04-01", "2026-09-15"};
    struct fx *f = *state;
    struct sr_expert_in in = {NULL, NULL, 0, NULL, NULL, "2028-12-15",
                              SR_EXPERT_SUSPENDED};
    struct sr_expert_summary s;
    struct sr_expert_filter flt;
    struct agree a;
    size_t i;

    /* li: expires earlier (2028-12-15) and is suspended, then active. */
    assert_int_equal(sr_expert_update(f->st, "li", &in), SR_OK);
    for (i = 0; i < 2 * sizeof(days) / sizeof(days[0]); i++) {
        const char *day = days[i % (sizeof(days) / sizeof(days[0]))];

        if (i == sizeof(days) / sizeof(days[0])) {
            in.status = SR_EXPERT_ACTIVE;
            in.expires_on = NULL;
            assert_int_equal(sr_expert_update(f->st, "li", &in), SR_OK);
        }
        memset(&a, 0, sizeof(a));
        a.as_of = day;
        sr_expert_filter_init(&flt);
        flt.as_of = day;
        assert_int_equal(sr_expert_list(f->st, &flt, count_one, &a), SR_OK);
        assert_int_equal(sr_expert_summary(f->st, day, &s), SR_OK);
        assert_int_equal(a.certified, s.certified);
        assert_int_equal(a.due, s.due);
        sr_expert_summary_release(&s);
    }
    /* Spot checks: zhang expires 2029-03-31, 90 days ahead of
     * 2028-12-31 is 2029-03-31. */
    memset(&a, 0, sizeof(a));
    a.as_of = "2028-12-31";
    sr_expert_filter_init(&flt);
    flt.as_of = a.as_of;
    flt.district = "历下区";
    assert_int_equal(sr_expert_list(f->st, &flt, count_one, &a), SR_OK);
    assert_int_equal(a.certified, 1);
    assert_int_equal(a.due, 1);
    memset(&a, 0, sizeof(a));
    a.as_of = "2028-12-30";
    flt.as_of = a.as_of;
    assert_int_equal(sr_expert_list(f->st, &flt, count_one, &a), SR_OK);
    assert_int_equal(a.certified, 1);
    assert_int_equal(a.due, 0);
}

/* An inspection of code for plan (0: none) dated on, by user; its id. */
static int64_t
inspect_for(struct fx *f, int64_t user, const char *name, const char *code,
            const char *on, int64_t plan)
{
    struct sr_assess_new n = {.school = code, .kind = SR_ASSESS_INSPECTION,
                              .assessed_on = on, .plan = plan};
    struct sr_submit_report rep;
    int64_t id = 0;

    assert_int_equal(sr_store_set_user(f->st, user, name), SR_OK);
    write_text(f->path, full_csv);
    if (sr_assess_create(f->st, &n, &id) != SR_OK)
        fail_msg("create %s: %s", code, sr_store_errmsg(f->st));
    assert_int_equal(sr_assess_import(f->st, id, f->path, &f->d), SR_OK);
    if (sr_assess_submit(f->st, id, &f->d, &rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    assert_int_equal(sr_store_set_user(f->st, 0, "tester"), SR_OK);
    return id;
}

/* The school of plan's pair with the expert login, the first in rank
 * order (NULL: none). */
static const char *
school_of(const struct sr_plan *p, const char *login, size_t nth)
{
    size_t i;

    for (i = 0; i < p->n_schools; i++)
        if (p->schools[i].expert_login &&
            !strcmp(p->schools[i].expert_login, login) && nth-- == 0)
            return p->schools[i].code;
    return NULL;
}

static void
test_plan_assignments(void **state)
{
    struct fx *f = *state;
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 1000, .expert_share = 1000,
                            .has_seed = true, .seed = 12};
    struct sr_plan p;
    struct rows r;
    char l0[11], l1[11], z0[11];
    int64_t id, draft;

    /* 历下区's three schools, all drawn, both experts drawn and equal:
     * li (first by login) gets two, zhang one.  A draft of 市中区
     * assigns 戊 but counts for nobody. */
    assert_int_equal(sr_plan_create(f->st, &in, NULL, &id), SR_OK);
    assert_int_equal(sr_plan_publish(f->st, id, NULL), SR_OK);
    in.district = "市中区";
    assert_int_equal(sr_plan_create(f->st, &in, NULL, &draft), SR_OK);
    assert_int_equal(sr_plan_get(f->st, id, NULL, &p), SR_OK);
    assert_int_equal(p.n_schools, 3);
    assert_non_null(school_of(&p, "li", 1));
    assert_non_null(school_of(&p, "zhang", 0));
    assert_null(school_of(&p, "zhang", 1));
    snprintf(l0, sizeof(l0), "%s", school_of(&p, "li", 0));
    snprintf(l1, sizeof(l1), "%s", school_of(&p, "li", 1));
    snprintf(z0, sizeof(z0), "%s", school_of(&p, "zhang", 0));
    sr_plan_release(&p);

    /* r.w[0] is zhang's, r.w[1] li's. */
    workload(f, "2026-10-01", "2026-12-31", &r);
    assert_int_equal(r.w[0].assigned, 1);
    assert_int_equal(r.w[0].assigned_done, 0);
    assert_int_equal(r.w[1].assigned, 2);
    assert_int_equal(r.w[1].assigned_done, 0);
    /* The third quarter does not overlap the plan. */
    workload(f, "2026-07-01", "2026-09-30", &r);
    assert_int_equal(r.w[1].assigned, 0);

    /* In October: li inspects l0 for the plan (done), l1 without
     * naming it (not done); zhang inspects li's l1 for the plan (done
     * for nobody: not zhang's pair) but not his own z0. */
    sr_store_set_clock(f->st, CLOCK + 30 * 86400);
    inspect_for(f, f->li, "李专家", l0, "2026-10-10", id);
    inspect_for(f, f->li, "李专家", l1, "2026-10-11", 0);
    inspect_for(f, f->zhang, "张专家", l1, "2026-10-12", id);
    workload(f, "2026-10-01", "2026-12-31", &r);
    assert_int_equal(r.w[1].assigned, 2);
    assert_int_equal(r.w[1].assigned_done, 1);
    assert_int_equal(r.w[1].inspections, 2);
    assert_int_equal(r.w[0].assigned, 1);
    assert_int_equal(r.w[0].assigned_done, 0);
    assert_int_equal(r.w[0].inspections, 1);
    /* A part of the quarter overlaps the plan too; done is counted up
     * to the period's end: none by 9 October. */
    workload(f, "2026-10-01", "2026-10-09", &r);
    assert_int_equal(r.w[1].assigned, 2);
    assert_int_equal(r.w[1].assigned_done, 0);
    inspect_for(f, f->zhang, "张专家", z0, "2026-10-13", id);
    workload(f, "2026-11-01", "2026-11-30", &r);
    assert_int_equal(r.w[0].assigned_done, 1);
    assert_int_equal(r.w[0].inspections, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_assignments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_filter_and_refusals, setup,
                                        teardown),
        cmocka_unit_test(test_rate),
        cmocka_unit_test_setup_teardown(test_certified_agrees, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
