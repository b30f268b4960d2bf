/*
 * test_whatif_demo.c - the what-if (整改预测) against the real process
 * on a demo city (the shipped indicator systems: format 2, groups, every
 * method): every open hazard of several schools is predicted closed,
 * then closed for real (assign, submit, verify, the city's sign-off for
 * a major one), and each school is assessed again with its answers, the
 * items of those hazards answered at full points (sr_whatif_full_answer()
 * as an inspector types it).  The real figures recomputed (the district
 * workbook's KPIs, each school's row and four elements) must equal the
 * prediction, field by field.
 *
 * The schools taken are those whose every item below full points has an
 * open hazard: a new assessment then raises nothing new, as the
 * prediction assumes (an item lost whose hazard was closed earlier would
 * raise a new one).
 *
 * SR_SEED=N runs it on another demo city (default 3).
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

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/demo.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"
#include "schoolrisk/whatif.h"
#include "testdb.h"

#define DAY "2027-01-05"
#define MAX_SCHOOLS 10

struct fx {
    char dir[64], db[96];
    struct sr_store *st;
};

static void
ok(struct fx *f, sr_error rc)
{
    if (rc != SR_OK)
        fail_msg("%s", sr_store_errmsg(f->st));
}

static void
as(struct fx *f, const char *who)
{
    assert_int_equal(sr_store_set_actor(f->st, who), SR_OK);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_demo_options o;
    struct sr_diags d;
    struct tm tm;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-whatif-demo-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "schoolrisk.db");
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE | SR_STORE_BULK,
                                   &f->st),
                     SR_OK);
    memset(&o, 0, sizeof(o));
    o.indicator_dir = SR_INDICATORS;
    o.work_dir = f->dir;
    o.schools = 80;
    o.seed = getenv("SR_SEED") ? strtoull(getenv("SR_SEED"), NULL, 10) : 3;
    o.year = 2026;
    ok(f, sr_demo_build(f->st, &o, NULL, &d));
    sr_diags_release(&d);
    memset(&tm, 0, sizeof(tm));
    assert_non_null(strptime(DAY "T02:00:00Z", "%Y-%m-%dT%H:%M:%SZ", &tm));
    sr_store_set_clock(f->st, timegm(&tm));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];

    sr_store_close(f->st);
    test_db_drop(f->db);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* The open hazards of school @p code (status not closed), into @p v. */
static size_t
open_hazards(struct fx *f, const char *code, struct sr_hazard_record **v)
{
    struct sr_hazard_filter hf;
    size_t n = 0, i, k = 0;

    memset(&hf, 0, sizeof(hf));
    hf.school = code;
    hf.status = -1;
    hf.level = -1;
    ok(f, sr_hazard_list(f->st, &hf, NULL, v, &n));
    for (i = 0; i < n; i++) {
        if ((*v)[i].status == SR_HAZARD_CLOSED) {
            sr_hazard_release(&(*v)[i]);
            continue;
        }
        (*v)[k++] = (*v)[i];
    }
    return k;
}

/* Whether every item assessment @p id lost has an open hazard (in
 * @p h), and one of them is an item at all (something to score again). */
static bool
clean(struct fx *f, int64_t id, const struct sr_hazard_record *h, size_t nh)
{
    struct sr_assess_ctx c;
    struct sr_diags d;
    const struct sr_item *items;
    size_t n, i, k;
    bool all = true, any = false;

    sr_diags_init(&d);
    if (sr_assess_open(f->st, id, &c, &d) != SR_OK || !c.scored) {
        sr_assess_ctx_release(&c);
        sr_diags_release(&d);
        return false;
    }
    items = sr_system_items(c.sys, &n);
    for (i = 0; i < n && all; i++) {
        const struct sr_item_result *r = &c.res.items[i];
        bool found = false;

        if (r->status != SR_ITEM_SCORED || r->met ||
            r->hazard == SR_HAZARD_NONE)
            continue;
        for (k = 0; k < nh; k++)
            found |= h[k].item && !strcmp(h[k].item, items[i].id);
        all = found;
        any = true;
    }
    sr_assess_ctx_release(&c);
    sr_diags_release(&d);
    return all && any;
}

/* Close hazard @p h for real from whatever state it is in. */
static void
close_for_real(struct fx *f, const struct sr_hazard_record *h)
{
    if (h->status == SR_HAZARD_OPEN) {
        as(f, "区县整改甲");
        ok(f, sr_hazard_assign(f->st, h->id, "责任人乙", DAY, "整改"));
    }
    if (h->status == SR_HAZARD_OPEN || h->status == SR_HAZARD_RECTIFYING) {
        as(f, "学校整改丙");
        ok(f, sr_hazard_submit(f->st, h->id, "已整改", NULL));
    }
    if (!h->reviewed_by) {
        as(f, "区县复查丁");
        ok(f, sr_hazard_verify(f->st, h->id, NULL));
    }
    if (h->level == SR_HAZARD_MAJOR) {
        as(f, "市局销号戊");
        ok(f, sr_hazard_signoff(f->st, h->id, NULL));
    }
}

/* Assess school @p code again on the day: the answers of assessment
 * @p old, the items of @p closed (its hazards) at full points. */
static void
assess_again(struct fx *f, const char *code, int64_t old,
             const struct sr_hazard_record *closed, size_t nc)
{
    struct sr_submit_report rep;
    struct sr_assess_ctx c;
    struct sr_diags d;
    const struct sr_item *items;
    int64_t id = 0;
    size_t n, i, k;

    sr_diags_init(&d);
    ok(f, sr_assess_open(f->st, old, &c, &d));
    as(f, "检查员己");
    ok(f, sr_assess_new(f->st, code, DAY, NULL, &id));
    items = sr_system_items(c.sys, &n);
    for (i = 0; i < n; i++) {
        const struct sr_answer *a = &c.resp.a[i];
        char *text = NULL;
        bool fix = false;

        if (items[i].method == SR_METHOD_GROUP || a->state == SR_ANS_NONE)
            continue;
        for (k = 0; k < nc; k++)
            fix |= closed[k].item && !strcmp(closed[k].item, items[i].id);
        fix = fix && c.res.items[i].status == SR_ITEM_SCORED &&
              !c.res.items[i].met;
        if (fix)
            assert_int_equal(sr_whatif_full_answer(c.sys, &c.school.school,
                                                   i, a->v2, &(struct
                                                   sr_answer){0}, &text),
                             SR_OK);
        if (sr_assess_set(f->st, id, items[i].id,
                          fix ? text
                              : a->state == SR_ANS_NA ? "na" : c.resp.value[i],
                          NULL, &d) != SR_OK)
            fail_msg("%s %s: %s", code, items[i].id,
                     d.n ? d.v[0].message : sr_store_errmsg(f->st));
        free(text);
    }
    if (sr_assess_submit(f->st, id, &d, &rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    assert_int_equal(rep.hazards_new, 0);
    sr_assess_ctx_release(&c);
    sr_diags_release(&d);
}

static const struct sr_report_school *
find_school(const struct sr_report_district *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->n_schools; i++)
        if (!strcmp(r->schools[i].code, code))
            return &r->schools[i];
    return NULL;
}

static void
same_kpis(const struct sr_report_kpis *p, const struct sr_report_kpis *r)
{
    int e;

    assert_int_equal(p->schools, r->schools);
    assert_int_equal(p->assessed, r->assessed);
    assert_int_equal(p->compliant, r->compliant);
    assert_int_equal(p->vetoed, r->vetoed);
    for (e = 0; e < 4; e++)
        assert_int_equal(p->bands[e], r->bands[e]);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        assert_int_equal(p->baseline_rate[e].num, r->baseline_rate[e].num);
        assert_int_equal(p->baseline_rate[e].den, r->baseline_rate[e].den);
    }
    assert_int_equal(p->four_met, r->four_met);
    assert_int_equal(p->four_100, r->four_100);
    assert_int_equal(p->hazards_open, r->hazards_open);
    assert_int_equal(p->hazards_overdue, r->hazards_overdue);
    assert_int_equal(p->open_major, r->open_major);
}

static void
test_demo_prediction_is_what_happens(void **state)
{
    struct fx *f = *state;
    struct sr_whatif_query q = {.scope = SR_WHATIF_CITY};
    struct sr_hazard_record *hz[MAX_SCHOOLS] = {NULL};
    size_t nhz[MAX_SCHOOLS] = {0};
    char codes[MAX_SCHOOLS][11];
    int64_t olds[MAX_SCHOOLS], ids[512];
    struct sr_districts ds;
    struct sr_period p;
    struct sr_whatif w;
    size_t picked = 0, nids = 0, i, k, changed = 0;
    int e;

    assert_int_equal(sr_period_of(SR_PERIOD_MONTH, DAY, &p), SR_OK);
    memcpy(p.end, DAY, sizeof(DAY)); /* as of the day, like the what-if */
    ok(f, sr_registry_districts(f->st, &ds));
    /* The schools to close everything of. */
    for (i = 0; i < ds.n && picked < MAX_SCHOOLS; i++) {
        struct sr_report_district r;

        ok(f, sr_report_district(f->st, ds.v[i].code, &p, &r));
        for (k = 0; k < r.n_schools && picked < MAX_SCHOOLS; k++) {
            struct sr_report_school *s = &r.schools[k];
            struct sr_hazard_record *v = NULL;
            size_t n, j;

            if (!s->assessed || !s->open_hazards)
                continue;
            n = open_hazards(f, s->code, &v);
            if (!clean(f, s->assessment, v, n) ||
                nids + n > sizeof(ids) / sizeof(ids[0])) {
                sr_hazard_list_free(v, n);
                continue;
            }
            memcpy(codes[picked], s->code, 11);
            olds[picked] = s->assessment;
            hz[picked] = v;
            nhz[picked++] = n;
            for (j = 0; j < n; j++)
                ids[nids++] = v[j].id;
        }
        sr_report_district_release(&r);
    }
    assert_true(picked >= 3);

    q.close = ids;
    q.n_close = nids;
    ok(f, sr_whatif_run(f->st, &q, &w));
    assert_int_equal(w.n_schools, picked);

    for (i = 0; i < picked; i++)
        for (k = 0; k < nhz[i]; k++)
            close_for_real(f, &hz[i][k]);
    for (i = 0; i < picked; i++)
        assess_again(f, codes[i], olds[i], hz[i], nhz[i]);

    for (i = 0; i < w.n_districts; i++) {
        struct sr_report_district r;

        ok(f, sr_report_district(f->st, w.districts[i].code, &p, &r));
        same_kpis(&w.districts[i].after, &r.kpis);
        for (k = 0; k < w.n_schools; k++) {
            const struct sr_whatif_school *s = &w.schools[k];
            const struct sr_report_school *rs;
            struct sr_baseline_school b;

            if (strcmp(s->district, r.code))
                continue;
            rs = find_school(&r, s->code);
            assert_non_null(rs);
            assert_int_equal(s->after.total, rs->total);
            assert_string_equal(s->after.band_label, rs->band_label);
            assert_int_equal(s->after.compliant, rs->compliant);
            assert_int_equal(s->after.vetoed, rs->vetoed);
            assert_int_equal(s->after.open_hazards, rs->open_hazards);
            assert_int_equal(s->after.overdue_hazards, rs->overdue_hazards);
            ok(f, sr_baseline_school(f->st, s->code, DAY, &b));
            for (e = 0; e < SR_BASELINE_COUNT; e++)
                assert_int_equal(s->after.met[e], b.met[e]);
            sr_baseline_school_release(&b);
            changed += s->after.total != s->before.total;
        }
        sr_report_district_release(&r);
    }
    /* Not a vacuous comparison: scores did move. */
    print_message("%zu schools, %zu hazards closed, %zu totals moved\n",
                  picked, nids, changed);
    assert_true(changed >= 1);
    sr_whatif_release(&w);
    for (i = 0; i < picked; i++)
        sr_hazard_list_free(hz[i], nhz[i]);
    sr_districts_release(&ds);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_demo_prediction_is_what_happens,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
