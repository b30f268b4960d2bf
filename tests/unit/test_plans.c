/*
 * test_plans.c - inspection plans (schoolrisk/plans.h): the generator
 * against SplitMix64's published values, the Fisher-Yates shuffle and
 * the share's rounding, the needs of a school, the risk order on
 * hand-built schools (exact order), a hand-built plan with every rule
 * of the assignment, the other plans of the period (prior) in the
 * balance and the cap, a property test over many random cities
 * (avoidance, specialities, the cap and the balance on the period's
 * load never violated, the same seed giving the same plan), and the
 * stored plan: refusals, the scope, publishing, the audit chain, an
 * inspection made for a plan, the prior read from the published plans
 * of the period, and the upgrade of a plan published at schema 9.
 *
 * The database tests use mini.xml (primary schools, valid 12 months);
 * the clock is pinned to 2026-09-15 10:00 China time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)

/* ------------------------------------------------------------------ */
/* The generator, the shuffle, the share, the needs                     */
/* ------------------------------------------------------------------ */

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(sr_plan_reason_name(SR_PLAN_MANDATORY), "mandatory");
    assert_string_equal(sr_plan_reason_label(SR_PLAN_DRAWN), "抽查");
    assert_null(sr_plan_reason_name(SR_PLAN_REASON_COUNT));
    assert_string_equal(sr_plan_state_name(SR_PLAN_PUBLISHED), "published");
    assert_string_equal(sr_plan_state_label(SR_PLAN_DRAFT), "草稿");
    assert_null(sr_plan_state_label(-1));
    assert_string_equal(sr_plan_progress_name(SR_PLAN_OVERDUE), "overdue");
    assert_string_equal(sr_plan_progress_label(SR_PLAN_DONE), "已完成");
    assert_null(sr_plan_progress_name(SR_PLAN_PROGRESS_COUNT));
}

/* SplitMix64 from state 0: the reference values of Vigna's
 * splitmix64.c, which any reader's implementation gives too. */
static void
test_splitmix64(void **state)
{
    uint64_t s = 0;

    (void)state;
    assert_true(sr_splitmix64(&s) == UINT64_C(0xE220A8397B1DCDAF));
    assert_true(sr_splitmix64(&s) == UINT64_C(0x6E789E6AA1B965F4));
    assert_true(sr_splitmix64(&s) == UINT64_C(0x06C45D188009454F));
}

static void
test_shuffle(void **state)
{
    static const size_t want[10] = {0, 9, 5, 8, 6, 4, 7, 2, 1, 3};
    size_t v[10], w[10], i;
    uint64_t s = 42, t = 42;

    (void)state;
    for (i = 0; i < 10; i++)
        v[i] = w[i] = i;
    /* Computed by hand from the generator (tests/cli/plan_redraw.py
     * gives the same): for i from 9 down to 1, j = next() % (i+1). */
    sr_plan_shuffle(v, 10, &s);
    for (i = 0; i < 10; i++)
        assert_int_equal(v[i], want[i]);
    /* Nine numbers drawn for ten entries, then the stream goes on. */
    for (i = 0; i < 9; i++)
        sr_splitmix64(&t);
    assert_true(s == t);
    /* Another seed, another order. */
    s = 43;
    sr_plan_shuffle(w, 10, &s);
    assert_memory_not_equal(v, w, sizeof(v));
    /* Nothing to shuffle draws nothing. */
    s = 42;
    sr_plan_shuffle(w, 1, &s);
    sr_plan_shuffle(NULL, 0, &s);
    assert_true(s == 42);
}

static void
test_share(void **state)
{
    (void)state;
    assert_int_equal(sr_plan_share(100, 5), 1);  /* 0.5: half up */
    assert_int_equal(sr_plan_share(100, 4), 0);  /* 0.4 */
    assert_int_equal(sr_plan_share(500, 5), 3);  /* 2.5 */
    assert_int_equal(sr_plan_share(125, 4), 1);  /* 12.5% of 4 = 0.5 */
    assert_int_equal(sr_plan_share(333, 3), 1);  /* 0.999 */
    assert_int_equal(sr_plan_share(1000, 7), 7);
    assert_int_equal(sr_plan_share(0, 7), 0);
    assert_int_equal(sr_plan_share(1, 499), 0);  /* 0.499 */
    assert_int_equal(sr_plan_share(1, 500), 1);  /* 0.5 */
}

static void
test_needs(void **state)
{
    struct sr_school s;

    (void)state;
    sr_school_init(&s);
    s.attr[SR_ATTR_STAGE] = SR_STAGE_PRIMARY;
    assert_int_equal(sr_plan_needs(&s), 0);
    s.attr[SR_ATTR_LABORATORY] = 1;
    assert_int_equal(sr_plan_needs(&s), SR_SPECS(SR_SPEC_LAB_CHEMICALS));
    s.attr[SR_ATTR_LABORATORY] = 0;
    s.attr[SR_ATTR_SWIMMING_POOL] = 1;
    assert_int_equal(sr_plan_needs(&s), SR_SPECS(SR_SPEC_SWIMMING));
    s.attr[SR_ATTR_SWIMMING_POOL] = 0;
    s.attr[SR_ATTR_MEAL_DELIVERY] = 1;
    assert_int_equal(sr_plan_needs(&s), SR_SPECS(SR_SPEC_FOOD));
    s.attr[SR_ATTR_MEAL_DELIVERY] = 0;
    s.attr[SR_ATTR_CANTEEN] = 1;
    assert_int_equal(sr_plan_needs(&s), SR_SPECS(SR_SPEC_FOOD));
    s.attr[SR_ATTR_CANTEEN] = 0;
    s.attr[SR_ATTR_SCHOOL_BUS] = 1;
    assert_int_equal(sr_plan_needs(&s), SR_SPECS(SR_SPEC_SCHOOL_BUS));
    s.attr[SR_ATTR_SCHOOL_BUS] = 0;
    s.attr[SR_ATTR_STAGE] = SR_STAGE_SPECIAL;
    assert_int_equal(sr_plan_needs(&s), SR_SPECS(SR_SPEC_SPECIAL_EDUCATION));
    /* Boarding, enrollment and the rest need nobody in particular. */
    s.attr[SR_ATTR_STAGE] = SR_STAGE_KINDERGARTEN;
    s.attr[SR_ATTR_BOARDING] = 1;
    s.attr[SR_ATTR_ENROLLMENT] = 3000;
    assert_int_equal(sr_plan_needs(&s), 0);
}

/* ------------------------------------------------------------------ */
/* The risk order                                                       */
/* ------------------------------------------------------------------ */

/* A school with low risk on every factor: inspected 10 days ago, band
 * blue, nothing open, nobody exposed. */
static struct sr_plan_school
calm(const char *code)
{
    struct sr_plan_school s;

    memset(&s, 0, sizeof(s));
    snprintf(s.code, sizeof(s.code), "%.*s", (int)sizeof(s.code) - 1, code);
    s.f.days_since = 10;
    return s;
}

static int
qcmp(const void *a, const void *b)
{
    return sr_plan_risk_cmp(a, b);
}

static void
test_risk_order(void **state)
{
    struct sr_plan_school v[14];
    /* Each school wins on one factor over every one after it, all else
     * calm; expected order = the order of the factors in the key. */
    static const char *const want[14] = {
        "0000000001", /* vetoed (and band red) */
        "0000000002", /* never inspected: band 4, days infinite */
        "0000000003", /* band red */
        "0000000004", /* band orange, 2 overdue major */
        "0000000005", /* band orange, 1 overdue, 3 open major */
        "0000000006", /* band orange, 1 overdue, 1 open major */
        "0000000007", /* band orange, 300 boarders */
        "0000000008", /* band orange, 5 special needs */
        "0000000009", /* band orange, kindergarten */
        "0000000010", /* band orange, enrollment 2000 */
        "0000000011", /* band orange, enrollment 1000, 400 days */
        "0000000012", /* band orange, enrollment 1000, 20 days */
        "0000000013", /* band orange, enrollment 1000, 20 days: by code */
        "0000000014", /* band yellow: less than any orange */
    };
    size_t i;

    (void)state;
    for (i = 0; i < 14; i++)
        v[i] = calm(want[i]);
    v[0].f.vetoed = true;
    v[0].f.band = 3;
    v[1].f.band = SR_PLAN_BAND_NEVER;
    v[1].f.days_since = -1;
    v[2].f.band = 3;
    for (i = 3; i < 13; i++)
        v[i].f.band = 2;
    v[13].f.band = 1;
    v[3].f.overdue_major = 2;
    v[3].f.open_major = 2;
    v[4].f.overdue_major = 1;
    v[4].f.open_major = 3;
    v[5].f.overdue_major = 1;
    v[5].f.open_major = 1;
    v[6].f.boarders = 300;
    v[7].f.special_needs = 5;
    v[8].f.kindergarten = true;
    v[9].f.enrollment = 2000;
    v[10].f.enrollment = v[11].f.enrollment = v[12].f.enrollment = 1000;
    v[10].f.days_since = 400;
    v[11].f.days_since = v[12].f.days_since = 20;
    /* Reverse, then sort: the order comes from the key alone. */
    for (i = 0; i < 7; i++) {
        struct sr_plan_school t = v[i];

        v[i] = v[13 - i];
        v[13 - i] = t;
    }
    qsort(v, 14, sizeof(v[0]), qcmp);
    for (i = 0; i < 14; i++)
        assert_string_equal(v[i].code, want[i]);
    /* An earlier factor outweighs every later one: boarders beat a
     * larger enrollment, open hazards beat boarders. */
    v[0] = calm("A000000001");
    v[1] = calm("A000000002");
    v[0].f.boarders = 1;
    v[1].f.enrollment = 5000;
    v[1].f.special_needs = 900;
    assert_true(sr_plan_risk_cmp(&v[0], &v[1]) < 0);
    v[1].f.open_major = 1;
    assert_true(sr_plan_risk_cmp(&v[0], &v[1]) > 0);
    /* Never inspected is longer ago than 100 years. */
    v[0] = calm("B000000002");
    v[1] = calm("B000000001");
    v[0].f.days_since = -1;
    v[1].f.days_since = 36500;
    assert_true(sr_plan_risk_cmp(&v[0], &v[1]) < 0);
    assert_int_equal(sr_plan_risk_cmp(&v[0], &v[0]), 0);
}

/* ------------------------------------------------------------------ */
/* A hand-built plan                                                    */
/* ------------------------------------------------------------------ */

static struct sr_plan_school
cand(const char *code, const char *name, const char *district, int reason,
     unsigned needs, int band)
{
    struct sr_plan_school s = calm(code);

    s.name = strdup(name);
    s.district = strdup(district);
    s.reason = reason;
    s.needs = needs;
    s.f.band = band;
    return s;
}

static struct sr_plan_expert
expert(int64_t user, const char *login, const char *unit,
       const char *district, unsigned specs)
{
    struct sr_plan_expert e;

    memset(&e, 0, sizeof(e));
    e.user = user;
    e.login = strdup(login);
    e.unit = strdup(unit);
    e.district = strdup(district);
    e.specialities = specs;
    return e;
}

#define LAB SR_SPECS(SR_SPEC_LAB_CHEMICALS)
#define FOOD SR_SPECS(SR_SPEC_FOOD)
#define POOL SR_SPECS(SR_SPEC_SWIMMING)
#define FIRE SR_SPECS(SR_SPEC_FIRE)

static void
test_build_by_hand(void **state)
{
    struct sr_plan_school c[4];
    struct sr_plan_expert e[3];
    struct sr_plan p;

    (void)state;
    /* Four mandatory schools (no draw), three experts, all drawn. */
    c[0] = cand("3701020001", "甲小学", "370102", SR_PLAN_MANDATORY,
                LAB | FOOD, 4);
    c[1] = cand("3701020002", "乙小学", "370102", SR_PLAN_MANDATORY, POOL,
                3);
    c[2] = cand("3701020003", "丙小学", "370102", SR_PLAN_MANDATORY, 0, 2);
    c[3] = cand("3701120001", "丁小学", "370112", SR_PLAN_MANDATORY, FOOD,
                1);
    /* a: lab+food, unit 甲小学 (its own school by name); b: lab, of
     * 370112; c: fire, unit 3701020003 (by code). */
    e[0] = expert(1, "a", "甲小学", "370102", LAB | FOOD);
    e[1] = expert(2, "b", "某局", "370112", LAB);
    e[2] = expert(3, "c", "3701020003", "370102", FIRE);
    memset(&p, 0, sizeof(p));
    p.seed = 1;
    p.school_share = 0;
    p.expert_share = 1000;
    assert_int_equal(sr_plan_build(&p, c, 4, e, 3), SR_OK);
    assert_int_equal(p.n_schools, 4);
    assert_int_equal(p.n_mandatory, 4);
    assert_int_equal(p.n_drawn, 0);
    assert_int_equal(p.pool_schools, 0);
    assert_int_equal(p.n_experts, 3);
    assert_int_equal(p.pool_experts, 3);
    /* Rank by band: 0001 (never), 0002, 0003, 120001. */
    assert_string_equal(p.schools[0].code, "3701020001");
    assert_int_equal(p.schools[0].rank, 1);
    /* 0001 needs lab and food: a covers both but is of its own unit;
     * b covers lab (1 of 2), c nothing. */
    assert_string_equal(p.schools[0].expert_login, "b");
    assert_int_equal(p.schools[0].covered, LAB);
    assert_int_equal(p.schools[0].missing, FOOD);
    assert_string_equal(p.schools[0].why,
                        "覆盖 实验室危化品，未覆盖 食品（可选专家中无人覆盖）；"
                        "回避：非本单位；负荷 0→1");
    /* 0002 needs a pool nobody covers: the least loaded, a (0) before
     * c (0) by login. */
    assert_string_equal(p.schools[1].code, "3701020002");
    assert_string_equal(p.schools[1].expert_login, "a");
    assert_int_equal(p.schools[1].missing, POOL);
    /* 0003 needs nothing; c is of its unit; a and b have 1 each: a. */
    assert_string_equal(p.schools[2].expert_login, "a");
    assert_string_equal(p.schools[2].why,
                        "无专项需求；回避：非本单位；负荷 1→2");
    /* 120001 needs food: a covers it (load 2 against c's 0: coverage
     * comes first). */
    assert_string_equal(p.schools[3].expert_login, "a");
    assert_int_equal(p.schools[3].load_before, 2);
    assert_string_equal(p.schools[3].why,
                        "覆盖所需专项 食品；回避：非本单位；负荷 2→3");
    assert_int_equal(p.n_unassigned, 0);
    sr_plan_release(&p);

    /* The same with avoid_district and a cap of 1: only b (of 370112)
     * may serve 0001, and is then full; a and c are of 370102, so 0002
     * and 0003 are left unassigned; a serves 120001. */
    c[0] = cand("3701020001", "甲小学", "370102", SR_PLAN_MANDATORY,
                LAB | FOOD, 4);
    c[1] = cand("3701020002", "乙小学", "370102", SR_PLAN_MANDATORY, POOL,
                3);
    c[2] = cand("3701020003", "丙小学", "370102", SR_PLAN_MANDATORY, 0, 2);
    c[3] = cand("3701120001", "丁小学", "370112", SR_PLAN_MANDATORY, FOOD,
                1);
    e[0] = expert(1, "a", "甲小学", "370102", LAB | FOOD);
    e[1] = expert(2, "b", "某局", "370112", LAB);
    e[2] = expert(3, "c", "3701020003", "370102", FIRE);
    memset(&p, 0, sizeof(p));
    p.seed = 1;
    p.expert_share = 1000;
    p.avoid_district = true;
    p.cap = 1;
    assert_int_equal(sr_plan_build(&p, c, 4, e, 3), SR_OK);
    /* 0001: a own unit, b fine (other district) -> b covers lab. */
    assert_string_equal(p.schools[0].expert_login, "b");
    assert_string_equal(p.schools[0].why,
                        "覆盖 实验室危化品，未覆盖 食品（可选专家中无人覆盖）；"
                        "回避：非本单位、非本区；负荷 0→1");
    /* 0002, 0003: a and c are of 370102; b is full. */
    assert_int_equal(p.schools[1].expert, 0);
    assert_string_equal(p.schools[1].why,
                        "未分配：抽取的 3 名专家均不可选（本单位回避 0 名，"
                        "本区回避 2 名，已达上限 1 所 1 名）");
    assert_string_equal(p.schools[2].why,
                        "未分配：抽取的 3 名专家均不可选（本单位回避 1 名，"
                        "本区回避 1 名，已达上限 1 所 1 名）");
    /* 120001: a serves it (food), b is full and of its district. */
    assert_string_equal(p.schools[3].expert_login, "a");
    assert_int_equal(p.n_unassigned, 2);
    sr_plan_release(&p);
}

/* The drawn expert login of p (the draw order is the shuffle's). */
static const struct sr_plan_expert *
drawn(const struct sr_plan *p, const char *login)
{
    size_t i;

    for (i = 0; i < p->n_experts; i++)
        if (!strcmp(p->experts[i].login, login))
            return &p->experts[i];
    fail_msg("expert %s was not drawn", login);
    return NULL;
}

/* Schools from other plans of the period (prior) count in the balance
 * and the cap: four schools needing nothing, experts a (2 schools in
 * the period already), b (0) and c (1).  Without the prior the pairs
 * would be a, b, c, a. */
static void
test_build_prior(void **state)
{
    struct sr_plan_school c[4];
    struct sr_plan_expert e[3];
    struct sr_plan p;
    int cap;

    (void)state;
    for (cap = 0; cap <= 2; cap += 2) {
        c[0] = cand("3701020001", "甲小学", "370102", SR_PLAN_MANDATORY, 0,
                    4);
        c[1] = cand("3701020002", "乙小学", "370102", SR_PLAN_MANDATORY, 0,
                    3);
        c[2] = cand("3701020003", "丙小学", "370102", SR_PLAN_MANDATORY, 0,
                    2);
        c[3] = cand("3701020004", "丁小学", "370102", SR_PLAN_MANDATORY, 0,
                    1);
        e[0] = expert(1, "a", "某局", "370102", FIRE);
        e[1] = expert(2, "b", "某局", "370102", FIRE);
        e[2] = expert(3, "c", "某局", "370102", FIRE);
        e[0].prior = 2;
        e[2].prior = 1;
        e[1].load = 7; /* ignored: the plan's own load starts at 0 */
        memset(&p, 0, sizeof(p));
        p.seed = 1;
        p.expert_share = 1000;
        p.cap = cap;
        assert_int_equal(sr_plan_build(&p, c, 4, e, 3), SR_OK);
        /* 0001: b (0 against a's 2 and c's 1). */
        assert_string_equal(p.schools[0].expert_login, "b");
        assert_int_equal(p.schools[0].load_before, 0);
        assert_string_equal(p.schools[0].why,
                            "无专项需求；回避：非本单位；负荷 0→1");
        /* 0002: b (1) and c (1 + 0) tie, b by login. */
        assert_string_equal(p.schools[1].expert_login, "b");
        assert_int_equal(p.schools[1].load_before, 1);
        /* 0003: c, 1 + 0 against a's 2 + 0 and b's 2. */
        assert_string_equal(p.schools[2].expert_login, "c");
        assert_int_equal(p.schools[2].load_before, 1);
        assert_string_equal(p.schools[2].why,
                            "无专项需求；回避：非本单位；"
                            "负荷 1→2（含其他计划 1 所）");
        if (!cap) {
            /* 0004: all at 2, a by login; the load it had in the
             * period is said. */
            assert_string_equal(p.schools[3].expert_login, "a");
            assert_int_equal(p.schools[3].load_before, 2);
            assert_string_equal(p.schools[3].why,
                                "无专项需求；回避：非本单位；"
                                "负荷 2→3（含其他计划 2 所）");
            assert_int_equal(p.n_unassigned, 0);
        } else {
            /* A cap of 2 in the period: a was full before the plan. */
            assert_int_equal(p.schools[3].expert, 0);
            assert_string_equal(p.schools[3].why,
                                "未分配：抽取的 3 名专家均不可选（本单位回避 "
                                "0 名，本区回避 0 名，已达上限 2 所 3 名）");
            assert_int_equal(p.n_unassigned, 1);
        }
        /* Each expert keeps its prior; load is this plan's. */
        assert_int_equal(drawn(&p, "a")->prior, 2);
        assert_int_equal(drawn(&p, "a")->load, cap ? 0 : 1);
        assert_int_equal(drawn(&p, "b")->prior, 0);
        assert_int_equal(drawn(&p, "b")->load, 2);
        assert_int_equal(drawn(&p, "c")->prior, 1);
        assert_int_equal(drawn(&p, "c")->load, 1);
        sr_plan_release(&p);
    }
}

/* No experts certified: every school unassigned, saying so. */
static void
test_build_no_experts(void **state)
{
    struct sr_plan_school c[1];
    struct sr_plan p;

    (void)state;
    c[0] = cand("3701020001", "甲小学", "370102", SR_PLAN_MANDATORY, 0, 4);
    memset(&p, 0, sizeof(p));
    p.expert_share = 500;
    assert_int_equal(sr_plan_build(&p, c, 1, NULL, 0), SR_OK);
    assert_int_equal(p.n_unassigned, 1);
    assert_string_equal(p.schools[0].why,
                        "未分配：没有抽取到专家（持证专家 0 名）");
    sr_plan_release(&p);
    /* No school: no expert drawn either. */
    memset(&p, 0, sizeof(p));
    p.expert_share = 1000;
    assert_int_equal(sr_plan_build(&p, NULL, 0, NULL, 0), SR_OK);
    assert_int_equal(p.n_schools, 0);
    assert_int_equal(p.n_experts, 0);
    sr_plan_release(&p);
}

/* The draw: a speciality a school needs pulls the draw on to the first
 * expert covering it. */
static void
test_build_extends_the_draw(void **state)
{
    struct sr_plan_school c[1];
    struct sr_plan_expert e[6];
    struct sr_plan p;
    size_t order[6] = {0, 1, 2, 3, 4, 5}, i, pool = 0;
    uint64_t s = 9;

    (void)state;
    c[0] = cand("3701020001", "甲小学", "370102", SR_PLAN_MANDATORY, POOL, 4);
    for (i = 0; i < 6; i++) {
        char login[8];

        snprintf(login, sizeof(login), "e%zu", i);
        e[i] = expert((int64_t)i + 1, login, "某局", "370112",
                      i == 5 ? POOL : FIRE);
    }
    /* Where the pool expert (index 5) lands in the shuffled order:
     * nothing is drawn for the schools first (no pool of them). */
    sr_plan_shuffle(order, 6, &s);
    for (i = 0; i < 6; i++)
        if (order[i] == 5)
            pool = i + 1;
    memset(&p, 0, sizeof(p));
    p.seed = 9;
    p.expert_share = 1; /* round(0.006) = 0, at least 1 */
    assert_int_equal(sr_plan_build(&p, c, 1, e, 6), SR_OK);
    assert_int_equal(p.n_experts, pool);
    assert_string_equal(p.experts[p.n_experts - 1].login, "e5");
    assert_string_equal(p.schools[0].expert_login, "e5");
    assert_int_equal(p.schools[0].missing, 0);
    sr_plan_release(&p);
}

/* ------------------------------------------------------------------ */
/* The property test: many random cities                                */
/* ------------------------------------------------------------------ */

static unsigned
rnd(uint64_t *s, unsigned n)
{
    return (unsigned)(sr_splitmix64(s) % n);
}

static const char *const districts[3] = {"370102", "370103", "370112"};

/* A random city: n schools (codes in order), m experts (logins in
 * order); some experts cover everything and belong nowhere, so that the
 * balance can be checked among them. */
static void
random_city(uint64_t *s, struct sr_plan_school *c, size_t n,
            struct sr_plan_expert *e, size_t m)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char code[32], name[32];

        snprintf(code, sizeof(code), "37%08u", (unsigned)(i + 1) % 100000000);
        snprintf(name, sizeof(name), "学校%zu", i + 1);
        c[i] = cand(code, name, districts[rnd(s, 3)],
                    rnd(s, 3) ? SR_PLAN_DRAWN : SR_PLAN_MANDATORY,
                    rnd(s, 2) ? (unsigned)rnd(s, 1u << SR_SPEC_COUNT) &
                                    (LAB | FOOD | POOL |
                                     SR_SPECS(SR_SPEC_SCHOOL_BUS) |
                                     SR_SPECS(SR_SPEC_SPECIAL_EDUCATION))
                              : 0,
                    (int)rnd(s, 5));
        c[i].f.vetoed = rnd(s, 8) == 0;
        c[i].f.open_major = rnd(s, 3);
        c[i].f.enrollment = rnd(s, 3000);
        c[i].f.days_since = rnd(s, 6) ? (int64_t)rnd(s, 800) : -1;
    }
    for (i = 0; i < m; i++) {
        char login[32], unit[32];
        bool universal = rnd(s, 3) == 0;

        snprintf(login, sizeof(login), "x%03zu", i);
        /* A unit that is a school's code, a school's name, or neither. */
        switch (rnd(s, 4)) {
        case 0:
            snprintf(unit, sizeof(unit), "37%08u", rnd(s, (unsigned)n + 1) + 1);
            break;
        case 1:
            snprintf(unit, sizeof(unit), "学校%u", rnd(s, (unsigned)n + 1) + 1);
            break;
        default:
            snprintf(unit, sizeof(unit), "单位%zu", i);
        }
        e[i] = expert((int64_t)i + 1, login, universal ? "外单位" : unit,
                      universal ? "370199" : districts[rnd(s, 3)],
                      universal ? (1u << SR_SPEC_COUNT) - 1
                                : (unsigned)rnd(s, 1u << SR_SPEC_COUNT) | 1u);
        /* Schools from other plans of the period, some beyond a cap. */
        e[i].prior = rnd(s, 3) ? 0 : (int)rnd(s, 8);
    }
}

static int
bits(unsigned m)
{
    int n = 0;

    for (; m; m &= m - 1)
        n++;
    return n;
}

/* Avoided (by unit or district) or full at the end. */
static bool
unavailable(const struct sr_plan *p, const struct sr_plan_school *sc,
            const struct sr_plan_expert *x)
{
    if (!strcmp(x->unit, sc->code) || !strcmp(x->unit, sc->name))
        return true;
    if (p->avoid_district && !strcmp(x->district, sc->district))
        return true;
    return p->cap > 0 && x->prior + x->load >= p->cap;
}

static void
check_plan(const struct sr_plan *p, size_t mandatory, size_t pool)
{
    size_t i, k, j;

    assert_int_equal(p->n_mandatory, mandatory);
    assert_int_equal(p->pool_schools, pool);
    assert_int_equal(p->n_drawn, sr_plan_share(p->school_share, pool));
    for (i = 0; i < p->n_schools; i++) {
        const struct sr_plan_school *sc = &p->schools[i];
        const struct sr_plan_expert *x = NULL;

        assert_int_equal(sc->rank, i + 1);
        if (i)
            assert_true(sr_plan_risk_cmp(&p->schools[i - 1], sc) < 0);
        for (k = 0; k < p->n_experts; k++)
            if (p->experts[k].user == sc->expert)
                x = &p->experts[k];
        if (!sc->expert) {
            /* Never silently dropped: nobody was available. */
            assert_non_null(sc->why);
            for (k = 0; k < p->n_experts; k++)
                assert_true(unavailable(p, sc, &p->experts[k]));
            continue;
        }
        assert_non_null(x);
        /* Avoidance never violated. */
        assert_string_not_equal(x->unit, sc->code);
        assert_string_not_equal(x->unit, sc->name);
        if (p->avoid_district)
            assert_string_not_equal(x->district, sc->district);
        /* The load before is the period's, and the why says the
         * other plans' part. */
        assert_true(sc->load_before >= x->prior &&
                    sc->load_before < x->prior + x->load);
        assert_true((strstr(sc->why, "（含其他计划 ") != NULL) ==
                    (x->prior > 0));
        assert_true(sc->covered == (x->specialities & sc->needs));
        assert_true(sc->missing == (sc->needs & ~x->specialities));
        /* Specialities: a need is left uncovered only when every expert
         * covering more was avoided or full. */
        for (k = 0; sc->missing && k < p->n_experts; k++)
            if (bits(p->experts[k].specialities & sc->needs) >
                bits(sc->covered))
                assert_true(unavailable(p, sc, &p->experts[k]));
    }
    for (k = 0; k < p->n_experts; k++) {
        const struct sr_plan_expert *x = &p->experts[k];

        assert_int_equal(x->position, k + 1);
        /* The cap is on the period's load: one over it before the plan
         * gets nothing. */
        if (p->cap)
            assert_true(x->load == 0 || x->prior + x->load <= p->cap);
        /* The balance, among the experts any school may have: one that
         * got a school had, before its last one, no more in the period
         * than any other had at the end (loads only grow; one full then
         * ends at the cap, above it). */
        if (strcmp(x->unit, "外单位") || !x->load)
            continue;
        for (j = 0; j < p->n_experts; j++)
            if (!strcmp(p->experts[j].unit, "外单位"))
                assert_true(x->prior + x->load - 1 <=
                            p->experts[j].prior + p->experts[j].load);
    }
}

static void
test_property_random_cities(void **state)
{
    uint64_t s = 20260915;
    int city;

    (void)state;
    for (city = 0; city < 400; city++) {
        size_t n = rnd(&s, 80), m = rnd(&s, 25), i, mandatory = 0, pool;
        struct sr_plan_school *c = calloc(n + 1, sizeof(*c));
        struct sr_plan_school *c2 = calloc(n + 1, sizeof(*c2));
        struct sr_plan_expert *e = calloc(m + 1, sizeof(*e));
        struct sr_plan_expert *e2 = calloc(m + 1, sizeof(*e2));
        struct sr_plan p, q;
        uint64_t copy;

        assert_true(c && c2 && e && e2);
        memset(&p, 0, sizeof(p));
        p.seed = sr_splitmix64(&s);
        p.school_share = (int)rnd(&s, 1001);
        p.expert_share = (int)rnd(&s, 1000) + 1;
        p.avoid_district = rnd(&s, 2);
        p.cap = rnd(&s, 3) ? 0 : (int)rnd(&s, 4) + 1;
        q = p;
        copy = s;
        random_city(&s, c, n, e, m);
        random_city(&copy, c2, n, e2, m); /* the same city again */
        for (i = 0; i < n; i++)
            mandatory += c[i].reason == SR_PLAN_MANDATORY;
        pool = n - mandatory;
        assert_int_equal(sr_plan_build(&p, c, n, e, m), SR_OK);
        check_plan(&p, mandatory, pool);
        /* The same seed and city: the same plan. */
        assert_int_equal(sr_plan_build(&q, c2, n, e2, m), SR_OK);
        assert_int_equal(q.n_schools, p.n_schools);
        assert_int_equal(q.n_experts, p.n_experts);
        for (i = 0; i < p.n_schools; i++) {
            assert_string_equal(q.schools[i].code, p.schools[i].code);
            assert_true(q.schools[i].expert == p.schools[i].expert);
        }
        sr_plan_release(&p);
        sr_plan_release(&q);
        free(c);
        free(c2);
        free(e);
        free(e2);
    }
}

/* ------------------------------------------------------------------ */
/* Stored plans                                                         */
/* ------------------------------------------------------------------ */

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
    "3701020001,甲小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020002,乙小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020003,丙小学,历下区,小学,公办,城区,否,否,是,是,否,500,0,0\n"
    "3701030001,戊小学,市中区,小学,公办,城区,否,否,是,否,否,500,0,0\n";

/* Every applicable item of mini.xml at full points (500 pupils). */
static const char full_csv[] =
    "item,value,note\n"
    "D1.1.1,2,\nD1.1.2,pass,\nD1.2.1,pass,\nD1.2.2,符合,\nD1.2.3,30,\n"
    "D1.2.4,pass,\nD2.1.1,0,\nD2.1.2,3,\nD3.1.1,pass,\nD3.1.2,5/5,\n";

struct fx {
    char dir[64];
    char db[96];
    char csv[96];
    struct sr_store *st;
    struct sr_diags d;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;
    FILE *fp;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-plans-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(f->csv, sizeof(f->csv), "%s/r.csv", f->dir);
    fp = fopen(f->csv, "w");
    assert_non_null(fp);
    fputs(full_csv, fp);
    fclose(fp);
    sr_diags_init(&f->d);
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

#define CHECK(f, call, want)                                               \
    do {                                                                   \
        sr_error rc_ = (call);                                             \
        if (rc_ != (want))                                                 \
            print_error("unexpected %d: %s\n", (int)rc_,                   \
                        sr_store_errmsg((f)->st));                         \
        assert_int_equal(rc_, (want));                                     \
    } while (0)

static int64_t
inspect(struct fx *f, const char *code, const char *on, int64_t plan)
{
    struct sr_assess_new n = {.school = code, .kind = SR_ASSESS_INSPECTION,
                              .assessed_on = on, .plan = plan};
    struct sr_submit_report rep;
    int64_t id = 0;

    CHECK(f, sr_assess_create(f->st, &n, &id), SR_OK);
    CHECK(f, sr_assess_import(f->st, id, f->csv, &f->d), SR_OK);
    CHECK(f, sr_assess_submit(f->st, id, &f->d, &rep), SR_OK);
    return id;
}

static void
test_create_refusals(void **state)
{
    struct fx *f = *state;
    const char *other[] = {"370103"};
    struct sr_scope scope = {.districts = other, .n_districts = 1};
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 100, .expert_share = 500,
                            .has_seed = true, .seed = 1};
    int64_t id = 0;

    in.period = "2026Q9";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "'2026Q9' is not a period (2026Q4, 2026-10 or 2026)");
    assert_string_equal(sr_store_errfield(f->st), "period");
    in.period = "2026Q2";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "period 2026Q2 ended on 2026-06-30: plan a period "
                        "that is not over");
    in.period = "2026Q3"; /* the current quarter is fine */
    in.school_share = 1001;
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_ERR_INPUT);
    assert_string_equal(sr_store_errfield(f->st), "school_share");
    in.school_share = 100;
    in.expert_share = 0;
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_ERR_INPUT);
    assert_string_equal(sr_store_errfield(f->st), "expert_share");
    in.expert_share = 500;
    in.cap = -1;
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_ERR_INPUT);
    in.cap = 0;
    in.district = "火星区";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_ERR_NOT_FOUND);
    /* A district user of 市中区 plans neither 历下区 nor the city. */
    in.district = "370102";
    CHECK(f, sr_plan_create(f->st, &in, &scope, &id), SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st),
                        "no district '370102' (give its code, such as "
                        "370102, or its name, such as 历下区)");
    in.district = NULL;
    CHECK(f, sr_plan_create(f->st, &in, &scope, &id), SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st),
                        "only the city plans for the whole city");
    assert_int_equal(id, 0);
    in.district = "市中区";
    CHECK(f, sr_plan_create(f->st, &in, &scope, &id), SR_OK);
    assert_int_equal(id, 1);
}

static void
test_create_get_publish(void **state)
{
    struct fx *f = *state;
    const char *other[] = {"370103"};
    struct sr_scope scope = {.districts = other, .n_districts = 1};
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 1000, .expert_share = 500,
                            .has_seed = true, .seed = 5};
    struct sr_audit_report rep;
    struct sr_plan p;
    int64_t id = 0;
    struct sr_store *db;

    /* 0001 valid through 2027-03-01: the pool; 0002 expires on
     * 2026-11-01: mandatory; 0003 never: mandatory. */
    inspect(f, "3701020001", "2026-03-01", 0);
    inspect(f, "3701020002", "2025-11-01", 0);
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_OK);
    CHECK(f, sr_plan_get(f->st, id, NULL, &p), SR_OK);
    assert_string_equal(p.district, "370102");
    assert_string_equal(p.district_name, "历下区");
    assert_string_equal(p.period, "2026Q4");
    assert_string_equal(p.start, "2026-10-01");
    assert_string_equal(p.as_of, "2026-09-15");
    assert_true(p.seed == 5);
    assert_int_equal(p.state, SR_PLAN_DRAFT);
    assert_int_equal(p.n_schools, 3);
    assert_int_equal(p.n_mandatory, 2);
    assert_int_equal(p.n_drawn, 1);
    assert_int_equal(p.n_unassigned, 3);
    /* Never inspected first; then 0002 (318 days) before 0001. */
    assert_string_equal(p.schools[0].code, "3701020003");
    assert_int_equal(p.schools[0].f.band, SR_PLAN_BAND_NEVER);
    assert_int_equal(p.schools[0].f.days_since, -1);
    assert_int_equal(p.schools[0].needs, LAB | FOOD);
    assert_string_equal(p.schools[0].why,
                        "未分配：没有抽取到专家（持证专家 0 名）");
    assert_string_equal(p.schools[1].code, "3701020002");
    assert_int_equal(p.schools[1].reason, SR_PLAN_MANDATORY);
    assert_string_equal(p.schools[1].expires_on, "2026-11-01");
    assert_int_equal(p.schools[1].f.days_since, 318);
    assert_int_equal(p.schools[1].f.band, 0); /* full points: blue */
    assert_string_equal(p.schools[2].code, "3701020001");
    assert_int_equal(p.schools[2].reason, SR_PLAN_DRAWN);
    sr_plan_release(&p);
    /* Outside the scope it does not exist. */
    CHECK(f, sr_plan_get(f->st, id, &scope, &p), SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st), "no inspection plan 1");
    CHECK(f, sr_plan_publish(f->st, id, &scope), SR_ERR_NOT_FOUND);
    /* Published once, chained. */
    CHECK(f, sr_plan_publish(f->st, id, NULL), SR_OK);
    CHECK(f, sr_plan_publish(f->st, id, NULL), SR_ERR_STATE);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_int_equal(rep.ok, 1);
    /* A published plan edited behind the triggers' back is named. */
    db = test_raw_open(f->db);
    assert_int_not_equal(test_raw_try(db, "UPDATE plans SET seed = '6'"),
                         SR_DB_OK);
    assert_string_equal(sr_store_errmsg(db),
                        "test SQL: a published plan never changes");
    test_raw_exec(db, "DROP TRIGGER plans_published; UPDATE plans SET "
                      "seed = '6'");
    sr_store_close(db);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_int_equal(rep.ok, 0);
    assert_non_null(strstr(rep.problem, "inspection plan 1 was altered"));
}

static void
test_assess_for_a_plan(void **state)
{
    struct fx *f = *state;
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 0, .expert_share = 500,
                            .has_seed = true, .seed = 5};
    struct sr_assess_new n = {.school = "3701020002",
                              .kind = SR_ASSESS_INSPECTION};
    struct sr_plan_progress pr;
    struct sr_assessment a;
    int64_t plan = 0, id = 0;

    inspect(f, "3701020001", "2026-03-01", 0);
    CHECK(f, sr_plan_create(f->st, &in, NULL, &plan), SR_OK);
    n.plan = plan;
    CHECK(f, sr_assess_create(f->st, &n, &id), SR_ERR_STATE);
    assert_string_equal(sr_store_errmsg(f->st),
                        "plan 1 is a draft: publish it before inspecting "
                        "for it");
    CHECK(f, sr_plan_publish(f->st, plan, NULL), SR_OK);
    n.plan = 7;
    CHECK(f, sr_assess_create(f->st, &n, &id), SR_ERR_NOT_FOUND);
    n.plan = plan;
    n.school = "3701020001"; /* valid: neither mandatory nor drawn */
    CHECK(f, sr_assess_create(f->st, &n, &id), SR_ERR_STATE);
    assert_string_equal(sr_store_errmsg(f->st),
                        "plan 1 does not list school 3701020001");
    n.school = "3701020002";
    n.kind = SR_ASSESS_SELF;
    CHECK(f, sr_assess_create(f->st, &n, &id), SR_ERR_STATE);
    assert_int_equal(id, 0);
    CHECK(f, sr_plan_progress(f->st, plan, NULL, &pr), SR_OK);
    assert_int_equal(pr.n, 2);
    assert_int_equal(pr.counts[SR_PLAN_DUE], 2);
    sr_plan_progress_release(&pr);
    /* 0002 and 0003, never inspected, tie on every factor: by code. */
    id = inspect(f, "3701020002", "2026-09-15", plan);
    CHECK(f, sr_assess_get(f->st, id, &a), SR_OK);
    assert_int_equal(a.plan, plan);
    sr_assessment_release(&a);
    CHECK(f, sr_plan_progress(f->st, plan, NULL, &pr), SR_OK);
    assert_string_equal(pr.v[0].code, "3701020002");
    assert_int_equal(pr.v[0].status, SR_PLAN_DONE);
    assert_true(pr.v[0].linked);
    assert_int_equal(pr.v[0].assessment, id);
    assert_int_equal(pr.v[1].status, SR_PLAN_DUE);
    assert_int_equal(pr.counts[SR_PLAN_DONE], 1);
    sr_plan_progress_release(&pr);
    /* After the period, what is not done is overdue. */
    sr_store_set_clock(f->st, CLOCK + 120 * 86400);
    CHECK(f, sr_plan_progress(f->st, plan, NULL, &pr), SR_OK);
    assert_string_equal(pr.today, "2027-01-13");
    assert_int_equal(pr.v[1].status, SR_PLAN_OVERDUE);
    assert_int_equal(pr.counts[SR_PLAN_OVERDUE], 1);
    sr_plan_progress_release(&pr);
}

static int
count_plan(const struct sr_plan *p, void *ctx)
{
    (void)p;
    (*(int *)ctx)++;
    return 0;
}

static void
test_list_scope(void **state)
{
    struct fx *f = *state;
    const char *lixia[] = {"370102"};
    struct sr_scope scope = {.districts = lixia, .n_districts = 1};
    struct sr_scope all = {.all = true};
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 100, .expert_share = 500};
    int64_t id = 0;
    int n = 0;

    CHECK(f, sr_plan_create(f->st, &in, &scope, &id), SR_OK);
    in.district = "市中区";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_OK);
    in.district = NULL;
    CHECK(f, sr_plan_create(f->st, &in, &all, &id), SR_OK);
    CHECK(f, sr_plan_list(f->st, &scope, count_plan, &n), SR_OK);
    assert_int_equal(n, 1);
    n = 0;
    CHECK(f, sr_plan_list(f->st, &all, count_plan, &n), SR_OK);
    assert_int_equal(n, 3);
}

/* ------------------------------------------------------------------ */
/* The period's load across plans                                       */
/* ------------------------------------------------------------------ */

/* An inspector of 历下区 with an active expert profile of specs. */
static void
add_expert(struct fx *f, const char *login, unsigned specs)
{
    struct sr_auth_policy pol;
    struct sr_user_new u = {.login = login, .name = login,
                            .no_password = true};
    struct sr_expert_in in = {"济南市应急局", "历下区", specs, "2026-03-01",
                              "2026-04-01", "2029-03-31", SR_EXPERT_ACTIVE};
    int64_t id = 0, g = 0;

    sr_auth_policy_init(&pol);
    CHECK(f, sr_user_add(f->st, &pol, &u, &id), SR_OK);
    CHECK(f, sr_grant_add(f->st, id, SR_ROLE_INSPECTOR, "370102", NULL, &g),
          SR_OK);
    CHECK(f, sr_expert_add(f->st, login, &in), SR_OK);
}

/* The pairs of published plans a and b (b 0: none) giving expert
 * login, read back from the store. */
static int
pairs_of(struct fx *f, int64_t a, int64_t b, const char *login)
{
    int64_t ids[2] = {a, b};
    int n = 0, i;
    size_t k;

    for (i = 0; i < 2 && ids[i]; i++) {
        struct sr_plan p;

        CHECK(f, sr_plan_get(f->st, ids[i], NULL, &p), SR_OK);
        for (k = 0; k < p.n_schools; k++)
            n += p.schools[k].expert_login &&
                 !strcmp(p.schools[k].expert_login, login);
        sr_plan_release(&p);
    }
    return n;
}

static long long
raw_int(struct fx *f, const char *sql)
{
    return test_db_int(f->db, sql);
}

static void
raw_exec(struct fx *f, const char *sql)
{
    test_db_exec(f->db, sql);
}

/* A drawn expert's prior is what the published plans of an overlapping
 * period (any scope) gave it when the plan was made: a draft of the
 * period and a published plan of another period count for nothing. */
static void
test_prior_across_plans(void **state)
{
    struct fx *f = *state;
    static const char *const logins[3] = {"e1", "e2", "e3"};
    struct sr_plan_in in = {.district = "历下区", .period = "2027Q1",
                            .school_share = 1000, .expert_share = 1000,
                            .has_seed = true, .seed = 3};
    struct sr_audit_report rep;
    struct sr_plan p;
    int64_t other = 0, draft = 0, a = 0, b = 0, c = 0;
    size_t k;
    int with_prior = 0;
    char sql[160];

    add_expert(f, "e1", FOOD);
    add_expert(f, "e2", FOOD | LAB);
    add_expert(f, "e3", FIRE);
    CHECK(f, sr_plan_create(f->st, &in, NULL, &other), SR_OK);
    CHECK(f, sr_plan_publish(f->st, other, NULL), SR_OK);
    in.district = NULL; /* the city: every scope counts, drafts not */
    in.period = "2026Q4";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &draft), SR_OK);
    in.district = "历下区";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &a), SR_OK);
    /* Neither counted though both give the experts schools. */
    assert_true(pairs_of(f, other, draft, "e1") +
                    pairs_of(f, other, draft, "e2") +
                    pairs_of(f, other, draft, "e3") >= 7);
    CHECK(f, sr_plan_get(f->st, a, NULL, &p), SR_OK);
    assert_int_equal(p.n_experts, 3);
    for (k = 0; k < p.n_experts; k++)
        assert_int_equal(p.experts[k].prior, 0);
    sr_plan_release(&p);
    CHECK(f, sr_plan_publish(f->st, a, NULL), SR_OK);
    /* b, city-wide: each prior is a's pairs of the expert. */
    in.district = NULL;
    CHECK(f, sr_plan_create(f->st, &in, NULL, &b), SR_OK);
    CHECK(f, sr_plan_get(f->st, b, NULL, &p), SR_OK);
    assert_int_equal(p.n_experts, 3);
    for (k = 0; k < p.n_experts; k++) {
        assert_int_equal(p.experts[k].prior,
                         pairs_of(f, a, 0, p.experts[k].login));
        with_prior += p.experts[k].prior > 0;
    }
    assert_true(with_prior > 0);
    sr_plan_release(&p);
    CHECK(f, sr_plan_publish(f->st, b, NULL), SR_OK);
    /* c, December of 历下区: a and b overlap it. */
    in.district = "历下区";
    in.period = "2026-12";
    CHECK(f, sr_plan_create(f->st, &in, NULL, &c), SR_OK);
    CHECK(f, sr_plan_get(f->st, c, NULL, &p), SR_OK);
    for (k = 0; k < 3; k++) {
        const struct sr_plan_expert *x = drawn(&p, logins[k]);

        assert_int_equal(x->prior, pairs_of(f, a, b, logins[k]));
    }
    sr_plan_release(&p);
    /* The prior is stored and chained: new plan records are format 3. */
    assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE kind = "
                                "'plan' AND format <> 3"),
                     0);
    assert_int_equal(raw_int(f, "SELECT count(*) FROM audit WHERE kind = "
                                "'plan'"),
                     3);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_int_equal(rep.ok, 1);
    snprintf(sql, sizeof(sql),
             "DROP TRIGGER plan_experts_frozen_UPDATE; UPDATE plan_experts "
             "SET prior = prior + 1 WHERE plan = %lld",
             (long long)b);
    raw_exec(f, sql);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    assert_int_equal(rep.ok, 0);
    snprintf(sql, sizeof(sql), "inspection plan %lld was altered",
             (long long)b);
    assert_non_null(strstr(rep.problem, sql));
}

/* tests/fixtures/schema9/plan9.db (see its README): plan 1 published by
 * the schema 9 build (audit format 2, no prior).  Upgraded, it still
 * verifies with prior 0; the next plan of the period starts from its
 * pairs (zhang 1, wang 2) and is chained in format 3. */
static void
test_upgrade_from_schema9(void **state)
{
    struct fx *f = *state;
    struct sr_plan_in in = {.district = "历下区", .period = "2026Q4",
                            .school_share = 1000, .expert_share = 1000,
                            .has_seed = true, .seed = 9};
    struct sr_audit_report rep;
    struct sr_plan p;
    char cmd[256];
    int64_t id = 0;

    test_sqlite_only("a schema 9 SQLite file, upgraded");
    sr_store_close(f->st);
    f->st = NULL;
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'",
             SR_FIXTURES "/schema9/plan9.db", f->db);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(raw_int(f, "PRAGMA user_version"), 9);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    assert_int_equal(sr_store_set_actor(f->st, "tester"), SR_OK);
    assert_int_equal(sr_store_schema_version(f->st), SR_SCHEMA_VERSION);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    if (!rep.ok)
        fail_msg("%s", rep.problem);
    assert_int_equal(raw_int(f, "SELECT format FROM audit WHERE kind = "
                                "'plan' AND ref = 1"),
                     2);
    CHECK(f, sr_plan_get(f->st, 1, NULL, &p), SR_OK);
    assert_int_equal(drawn(&p, "zhang")->prior, 0);
    assert_int_equal(drawn(&p, "zhang")->load, 1);
    assert_int_equal(drawn(&p, "wang")->load, 2);
    sr_plan_release(&p);
    CHECK(f, sr_plan_create(f->st, &in, NULL, &id), SR_OK);
    CHECK(f, sr_plan_get(f->st, id, NULL, &p), SR_OK);
    assert_int_equal(drawn(&p, "zhang")->prior, 1);
    assert_int_equal(drawn(&p, "wang")->prior, 2);
    sr_plan_release(&p);
    CHECK(f, sr_plan_publish(f->st, id, NULL), SR_OK);
    assert_int_equal(raw_int(f, "SELECT format FROM audit WHERE kind = "
                                "'plan' AND ref = 2"),
                     3);
    CHECK(f, sr_audit_verify(f->st, &rep), SR_OK);
    if (!rep.ok)
        fail_msg("%s", rep.problem);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_splitmix64),
        cmocka_unit_test(test_shuffle),
        cmocka_unit_test(test_share),
        cmocka_unit_test(test_needs),
        cmocka_unit_test(test_risk_order),
        cmocka_unit_test(test_build_by_hand),
        cmocka_unit_test(test_build_prior),
        cmocka_unit_test(test_build_no_experts),
        cmocka_unit_test(test_build_extends_the_draw),
        cmocka_unit_test(test_property_random_cities),
        cmocka_unit_test_setup_teardown(test_create_refusals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_create_get_publish, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_assess_for_a_plan, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_list_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prior_across_plans, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_schema9, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
