/*
 * test_whatif.c - what-if (整改预测, whatif.h) on a hand-built district
 * whose figures are worked out by hand, then checked against the real
 * process: the hazards actually closed and the items re-answered at
 * full points in a new assessment, the real figures recomputed.
 *
 * mini.xml, every school a day primary school with a canteen and 800
 * pupils: the items that apply are worth 70 points (D1.1.1 10, D1.1.2 5,
 * D1.2.1 10 veto, D1.2.2 10, D1.2.3 5, D1.2.4 5, D2.1.1 10, D2.1.2 5,
 * D3.1.1 5, D3.1.2 5); pass line 80, bands 90/80/60/0.
 *
 *   A 3701020001 (历下区), 2026-07-10: D1.1.1 1 of 2 guards (5 of 10),
 *     D1.2.1 fail (veto, 0 of 10), D1.2.2 基本符合 (6 of 10), D2.1.1 two
 *     findings (8 of 10): 49/70 = 70.00, vetoed, 重大风险, not 达标;
 *     guards, closed-campus and alarm-video not met.  Hazards HA_G
 *     (D1.1.1), HA_V (D1.2.1, major), HA_A (D1.2.2), HA_D (D2.1.1).
 *   B 3701020002 (历下区), 2026-07-12: everything full, 100.00; on
 *     2026-07-20 HB_P added on D1.2.4 (护学岗: posts not met while it is
 *     open) and HB_X without an item.
 *   C 3701030001 (市中区), 2026-07-12: full; HC_X without an item.
 * HA_D is assigned with a deadline of 2026-07-25: overdue on the day
 * asked, 2026-08-01.
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

#include <sqlite3.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"
#include "schoolrisk/whatif.h"

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    sqlite3 *raw;
    int64_t ha_g, ha_v, ha_a, ha_d, hb_p, hb_x, hc_x;
};

#include "report_fixture.h"

#define DAY "2026-08-01"

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,历下区甲小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020002,历下区乙小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701030001,市中区己小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n";

static const char responses_a[] =
    "item,value,note\n"
    "D1.1.1,1,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,fail,\n"
    "D1.2.2,基本符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,2,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

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

static int64_t
add(struct fx *f, const char *code, const char *item, const char *desc)
{
    struct sr_hazard_new h;
    int64_t id = 0;
    bool linked = true;

    memset(&h, 0, sizeof(h));
    h.school = code;
    h.item = item;
    h.level = SR_HAZARD_GENERAL;
    h.description = desc;
    if (sr_hazard_add(f->st, &h, &id, &linked) != SR_OK)
        fail_msg("add: %s", sr_store_errmsg(f->st));
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
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-whatif-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    day(f, "2026-05-01");
    as(f, "管理员");
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &d),
                     SR_OK);
    assert_int_equal(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                               sizeof(registry_csv) - 1, 0,
                                               &rep, &d),
                     SR_OK);
    sr_diags_release(&d);
    as(f, "张检查员");
    day(f, "2026-07-10");
    assess(f, "3701020001", responses_a);
    f->ha_g = hazard_on(f, "3701020001", "D1.1.1");
    f->ha_v = hazard_on(f, "3701020001", "D1.2.1");
    f->ha_a = hazard_on(f, "3701020001", "D1.2.2");
    f->ha_d = hazard_on(f, "3701020001", "D2.1.1");
    day(f, "2026-07-12");
    assess(f, "3701020002", responses_full);
    assess(f, "3701030001", responses_full);
    day(f, "2026-07-15");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->ha_d, "李主任", "2026-07-25", "更换"));
    day(f, "2026-07-20");
    f->hb_p = add(f, "3701020002", "D1.2.4", "护学岗未设");
    f->hb_x = add(f, "3701020002", NULL, "围墙裂缝");
    f->hc_x = add(f, "3701030001", NULL, "围墙裂缝");
    day(f, DAY);
    *state = f;
    return 0;
}

static const struct sr_whatif_school *
school_of(const struct sr_whatif *w, const char *code)
{
    size_t i;

    for (i = 0; i < w->n_schools; i++)
        if (!strcmp(w->schools[i].code, code))
            return &w->schools[i];
    fail_msg("school %s not in the what-if", code);
    return NULL;
}

static void
run(struct fx *f, int scope, const char *code, const int64_t *ids, size_t n,
    struct sr_whatif *w)
{
    struct sr_whatif_query q = {.scope = scope, .code = code, .close = ids,
                                .n_close = n};

    if (sr_whatif_run(f->st, &q, w) != SR_OK)
        fail_msg("what-if: %s", sr_store_errmsg(f->st));
}

/* ------------------------------------------------------------------ */

/* The answers that count each kind of item at full points. */
static void
test_full_answer(void **state)
{
    static const struct {
        const char *item, *text;
        int64_t given, v;
    } cases[] = {
        {"D1.1.1", "2", 0, 20000},      /* ratio, 800 pupils: 2 required */
        {"D1.1.2", "pass", 0, 1},       /* check */
        {"D1.2.2", "符合", 0, 0},       /* levels: the first, fraction 1 */
        {"D1.2.3", "30", 0, 300000},    /* threshold, higher better */
        {"D2.1.1", "0", 0, 0},          /* deduct */
        {"D2.1.2", "3", 0, 30000},      /* threshold, lower better */
        {"D3.1.2", "12/12", 120000, 120000}, /* ratio entered */
    };
    struct fx *f = *state;
    struct sr_school_record s;
    struct sr_system *sys = NULL;
    size_t i;

    sr_school_record_init(&s);
    ok(f, sr_registry_get(f->st, "3701020001", &s));
    ok(f, sr_store_system(f->st, "mini", "1.0", &sys));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long k = sr_system_find_item(sys, cases[i].item);
        struct sr_answer a;
        char *text = NULL;

        assert_true(k >= 0);
        assert_int_equal(sr_whatif_full_answer(sys, &s.school, (size_t)k,
                                               cases[i].given, &a, &text),
                         SR_OK);
        assert_string_equal(text, cases[i].text);
        assert_int_equal(a.state, SR_ANS_VALUE);
        assert_int_equal(a.v, cases[i].v);
        free(text);
    }
    sr_system_free(sys);
    sr_school_record_release(&s);
}

/* Closing the veto hazard alone: 59/70 = 84.29, veto lifted, 一般风险,
 * 达标; closed-campus met; the other two elements still off. */
static void
test_veto_lifted(void **state)
{
    struct fx *f = *state;
    struct sr_whatif w;
    const struct sr_whatif_school *a;

    run(f, SR_WHATIF_SCHOOL, "3701020001", &f->ha_v, 1, &w);
    assert_string_equal(w.as_of, DAY);
    assert_int_equal(w.n_closed, 1);
    assert_int_equal(w.n_schools, 1);
    a = school_of(&w, "3701020001");
    assert_int_equal(a->closing, 1);
    assert_int_equal(a->rescored, 1);
    assert_int_equal(a->before.total, 7000);
    assert_int_equal(a->after.total, 8429);
    assert_true(a->before.vetoed);
    assert_false(a->after.vetoed);
    assert_string_equal(a->before.band_label, "重大风险");
    assert_string_equal(a->after.band_label, "一般风险");
    assert_false(a->before.compliant);
    assert_true(a->after.compliant);
    assert_false(a->before.met[SR_BASELINE_CLOSED_CAMPUS]);
    assert_true(a->after.met[SR_BASELINE_CLOSED_CAMPUS]);
    assert_false(a->after.met[SR_BASELINE_GUARDS]);
    assert_false(a->after.met[SR_BASELINE_ALARM_VIDEO]);
    assert_true(a->after.met[SR_BASELINE_PROTECTION_POSTS]);
    assert_false(a->after.four);
    assert_int_equal(a->before.open_hazards, 4);
    assert_int_equal(a->after.open_hazards, 3);
    assert_int_equal(a->before.overdue_hazards, 1);
    assert_int_equal(a->after.overdue_hazards, 1);
    /* Its district: 1 of 2 达标 (B), then both. */
    assert_int_equal(w.n_districts, 1);
    assert_string_equal(w.districts[0].name, "历下区");
    assert_int_equal(w.districts[0].before.compliance.num, 1);
    assert_int_equal(w.districts[0].after.compliance.num, 2);
    assert_int_equal(w.districts[0].after.compliance.den, 2);
    assert_int_equal(w.districts[0].before.open_major, 1);
    assert_int_equal(w.districts[0].after.open_major, 0);
    assert_false(w.has_city);
    sr_whatif_release(&w);
}

/* A hazard added after the assessment on an item it passed, and one
 * without an item: no score changes; the element of the first flips. */
static void
test_no_score_change(void **state)
{
    struct fx *f = *state;
    int64_t ids[2];
    struct sr_whatif w;
    const struct sr_whatif_school *b;

    ids[0] = f->hb_p;
    ids[1] = f->hb_x;
    run(f, SR_WHATIF_DISTRICT, "370102", ids, 2, &w);
    b = school_of(&w, "3701020002");
    assert_int_equal(b->closing, 2);
    assert_int_equal(b->rescored, 0);
    assert_int_equal(b->before.total, 10000);
    assert_int_equal(b->after.total, 10000);
    assert_false(b->before.met[SR_BASELINE_PROTECTION_POSTS]);
    assert_true(b->after.met[SR_BASELINE_PROTECTION_POSTS]);
    assert_false(b->before.four);
    assert_true(b->after.four);
    assert_int_equal(b->before.open_hazards, 2);
    assert_int_equal(b->after.open_hazards, 0);
    assert_int_equal(w.districts[0].before.four_met, 0);
    assert_int_equal(w.districts[0].after.four_met, 1);
    assert_int_equal(
        w.districts[0].after.baseline_rate[SR_BASELINE_PROTECTION_POSTS].num,
        2);
    sr_whatif_release(&w);
}

/* A's three element hazards and B's posts hazard: the district reaches
 * four 100% and 100% 达标; A 68/70 = 97.14, 低风险. */
static void
test_district_four_100(void **state)
{
    struct fx *f = *state;
    int64_t ids[4];
    struct sr_whatif w;
    const struct sr_whatif_school *a;
    const struct sr_whatif_area *d;

    ids[0] = f->hb_p;
    ids[1] = f->ha_a;
    ids[2] = f->ha_v;
    ids[3] = f->ha_g;
    run(f, SR_WHATIF_CITY, NULL, ids, 4, &w);
    a = school_of(&w, "3701020001");
    assert_int_equal(a->rescored, 3);
    assert_int_equal(a->after.total, 9714);
    assert_string_equal(a->after.band_label, "低风险");
    assert_true(a->after.four);
    assert_int_equal(w.n_closed, 4);
    assert_true(w.closed[0] < w.closed[1]);
    d = &w.districts[0];
    assert_string_equal(d->code, "370102");
    assert_false(d->before.four_100);
    assert_true(d->after.four_100);
    assert_int_equal(d->after.four_met, 2);
    assert_int_equal(d->after.compliant, 2);
    assert_int_equal(d->before.hazards_open, 6);
    assert_int_equal(d->after.hazards_open, 2);
    assert_int_equal(d->after.hazards_overdue, 1);
    /* The city: 市中区's C unchanged (its hazard stays open). */
    assert_true(w.has_city);
    assert_int_equal(w.city.before.compliant, 2);
    assert_int_equal(w.city.after.compliant, 3);
    assert_int_equal(w.city.after.hazards_open, 3);
    assert_int_equal(w.city.after.four_met, 3);
    sr_whatif_release(&w);
}

static void
test_refused(void **state)
{
    struct fx *f = *state;
    struct sr_whatif_query q = {.scope = SR_WHATIF_DISTRICT,
                                .code = "历下区"};
    struct sr_whatif w;
    int64_t id = f->hc_x;

    q.close = &id;
    q.n_close = 1;
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_ERR_NOT_FOUND);
    assert_non_null(strstr(sr_store_errmsg(f->st), "hazard"));
    /* The school's scope is its own hazards alone. */
    q.scope = SR_WHATIF_SCHOOL;
    q.code = "3701020002";
    id = f->ha_v;
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_ERR_NOT_FOUND);
    q.n_close = 0;
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_ERR_INPUT);
    q.scope = SR_WHATIF_DISTRICT;
    q.code = "没有这个区";
    q.all_major = true;
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_ERR_NOT_FOUND);
    q.code = "历下区";
    q.as_of = "2026-13-01";
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_ERR_INPUT);
    /* A closed hazard: closed for real, then asked. */
    day(f, "2026-07-25");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->hb_x, "李主任", "2026-07-30", "修补"));
    as(f, "王老师");
    ok(f, sr_hazard_submit(f->st, f->hb_x, "已修补", NULL));
    as(f, "赵科长");
    ok(f, sr_hazard_verify(f->st, f->hb_x, NULL));
    day(f, DAY);
    q.as_of = NULL;
    q.all_major = false;
    q.n_close = 1;
    id = f->hb_x;
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_ERR_STATE);
    /* As of a day before its closure it was open. */
    q.as_of = "2026-07-24";
    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_OK);
    sr_whatif_release(&w);
}

/* close-all-major: the veto hazard, the only major one of 历下区. */
static void
test_all_major(void **state)
{
    struct fx *f = *state;
    struct sr_whatif_query q = {.scope = SR_WHATIF_DISTRICT,
                                .code = "历下区", .all_major = true};
    struct sr_whatif w;

    assert_int_equal(sr_whatif_run(f->st, &q, &w), SR_OK);
    assert_int_equal(w.n_closed, 1);
    assert_int_equal(w.closed[0], f->ha_v);
    assert_int_equal(w.districts[0].after.open_major, 0);
    sr_whatif_release(&w);
}

static unsigned char *
slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf;
    long len;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    assert_true(len >= 0);
    rewind(fp);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return buf;
}

/* The database and its write-ahead log, as bytes (an empty buffer for
 * a log that is not there). */
static unsigned char *
snapshot(struct fx *f, size_t *n, size_t *n_wal, unsigned char **wal)
{
    char path[128];

    snprintf(path, sizeof(path), "%s-wal", f->db);
    *wal = NULL;
    *n_wal = 0;
    if (access(path, F_OK) == 0)
        *wal = slurp(path, n_wal);
    return slurp(f->db, n);
}

/* Nothing is written: the database file and its log are byte for byte
 * the same after a what-if and a suggestion (a write would change the
 * one or grow the other). */
static void
test_database_unchanged(void **state)
{
    struct fx *f = *state;
    struct sr_whatif_suggest s;
    struct sr_whatif w;
    unsigned char *before, *after, *wb, *wa;
    size_t nb, na, nwb, nwa;
    int64_t ids[3];

    test_sqlite_only("the database file and its log, byte for byte");
    ids[0] = f->ha_v;
    ids[1] = f->hb_p;
    ids[2] = f->ha_d;
    before = snapshot(f, &nb, &nwb, &wb);
    run(f, SR_WHATIF_CITY, NULL, ids, 3, &w);
    sr_whatif_release(&w);
    ok(f, sr_whatif_suggest(f->st, NULL, NULL, &s));
    sr_whatif_suggest_release(&s);
    after = snapshot(f, &na, &nwa, &wa);
    assert_int_equal(na, nb);
    assert_memory_equal(before, after, nb);
    assert_int_equal(nwa, nwb);
    if (nwb)
        assert_memory_equal(wb, wa, nwb);
    free(before);
    free(after);
    free(wb);
    free(wa);
}

/* The ranking: A's plan reaches two targets (达标 and four 100%), B's
 * one; the veto hazard gains 达标 alone, B's posts hazard four alone. */
static void
test_suggest(void **state)
{
    struct fx *f = *state;
    struct sr_whatif_suggest s;
    const struct sr_whatif_plan *p;

    ok(f, sr_whatif_suggest(f->st, "历下区", NULL, &s));
    assert_string_equal(s.code, "370102");
    assert_int_equal(s.schools, 2);
    assert_int_equal(s.compliant, 1);
    assert_int_equal(s.four_met, 0);
    assert_int_equal(s.n_plans, 2);
    p = &s.plans[0];
    assert_string_equal(p->code, "3701020001");
    assert_true(p->can_comply);
    assert_true(p->can_four);
    assert_int_equal(p->n_to_comply, 1);
    assert_int_equal(p->to_comply[0], f->ha_v);
    assert_int_equal(p->n_to_four, 3);
    assert_int_equal(p->n_both, 3);
    assert_int_equal(p->total_before, 7000);
    assert_int_equal(p->total_after, 9714);
    assert_int_equal(p->compliant_then, 2);
    assert_int_equal(p->four_then, 1);
    p = &s.plans[1];
    assert_string_equal(p->code, "3701020002");
    assert_false(p->can_comply); /* already 达标 */
    assert_int_equal(p->n_both, 1);
    assert_int_equal(p->both[0], f->hb_p);
    assert_int_equal(p->four_then, 2);
    /* Hazards: the veto one (达标), B's posts one (four), then by points:
     * D1.1.1 +7.14 (54/70 = 77.14, still vetoed), D1.2.2 +5.71, D2.1.1
     * +2.86, B's without an item +0. */
    assert_int_equal(s.n_gains, 6);
    assert_int_equal(s.gains[0].id, f->ha_v);
    assert_true(s.gains[0].compliant);
    assert_int_equal(s.gains[0].points, 1429);
    assert_int_equal(s.gains[1].id, f->hb_p);
    assert_true(s.gains[1].four);
    assert_int_equal(s.gains[1].points, 0);
    assert_int_equal(s.gains[2].id, f->ha_g);
    assert_int_equal(s.gains[2].points, 714);
    assert_int_equal(s.gains[3].id, f->ha_a);
    assert_int_equal(s.gains[3].points, 571);
    assert_int_equal(s.gains[4].id, f->ha_d);
    assert_int_equal(s.gains[4].points, 286);
    assert_int_equal(s.gains[4].days_overdue, 7);
    assert_int_equal(s.gains[5].id, f->hb_x);
    sr_whatif_suggest_release(&s);
}

/* Close one hazard for real: assign, submit, verify (and the city's
 * sign-off for a major one), each by another person. */
static void
close_for_real(struct fx *f, int64_t id, bool major, bool assigned)
{
    if (!assigned) {
        as(f, "李主任");
        ok(f, sr_hazard_assign(f->st, id, "李主任", DAY, "整改"));
    }
    as(f, "王老师");
    ok(f, sr_hazard_submit(f->st, id, "已整改", NULL));
    as(f, "赵科长");
    ok(f, sr_hazard_verify(f->st, id, NULL));
    if (major) {
        as(f, "市局");
        ok(f, sr_hazard_signoff(f->st, id, NULL));
    }
}

static void
same_kpis(const struct sr_report_kpis *p, const struct sr_report_kpis *r)
{
    int e;

    assert_int_equal(p->schools, r->schools);
    assert_int_equal(p->assessed, r->assessed);
    assert_int_equal(p->compliant, r->compliant);
    assert_int_equal(p->compliance.num, r->compliance.num);
    assert_int_equal(p->compliance.den, r->compliance.den);
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

/* The independent check: predict, then do it for real (the hazards
 * closed, A assessed again with their items at full points) and
 * compare the real figures with the prediction. */
static void
test_prediction_is_what_happens(void **state)
{
    struct fx *f = *state;
    struct sr_report_district real;
    struct sr_baseline_school bs;
    struct sr_whatif w;
    struct sr_period p;
    int64_t ids[5];
    size_t i;
    int e;

    ids[0] = f->ha_g;
    ids[1] = f->ha_v;
    ids[2] = f->ha_a;
    ids[3] = f->ha_d;
    ids[4] = f->hb_p;
    run(f, SR_WHATIF_DISTRICT, "历下区", ids, 5, &w);

    close_for_real(f, f->ha_g, false, false);
    close_for_real(f, f->ha_v, true, false);
    close_for_real(f, f->ha_a, false, false);
    close_for_real(f, f->ha_d, false, true);
    close_for_real(f, f->hb_p, false, false);
    as(f, "张检查员");
    /* A again, the items of the four closed hazards of it (all it had
     * lost) re-answered at full points: everything full. */
    assess(f, "3701020001", responses_full);

    assert_int_equal(sr_period_of(SR_PERIOD_MONTH, DAY, &p), SR_OK);
    memcpy(p.end, DAY, 11);
    ok(f, sr_report_district(f->st, "历下区", &p, &real));
    same_kpis(&w.districts[0].after, &real.kpis);
    for (i = 0; i < w.n_schools; i++) {
        const struct sr_whatif_school *s = &w.schools[i];
        const struct sr_report_school *r = NULL;
        size_t k;

        for (k = 0; k < real.n_schools; k++)
            if (!strcmp(real.schools[k].code, s->code))
                r = &real.schools[k];
        assert_non_null(r);
        assert_int_equal(s->after.total, r->total);
        assert_string_equal(s->after.band_label, r->band_label);
        assert_int_equal(s->after.compliant, r->compliant);
        assert_int_equal(s->after.vetoed, r->vetoed);
        assert_int_equal(s->after.open_hazards, r->open_hazards);
        assert_int_equal(s->after.overdue_hazards, r->overdue_hazards);
        ok(f, sr_baseline_school(f->st, s->code, DAY, &bs));
        for (e = 0; e < SR_BASELINE_COUNT; e++)
            assert_int_equal(s->after.met[e], bs.met[e]);
        sr_baseline_school_release(&bs);
    }
    assert_int_equal(w.schools[0].after.total, 10000);
    assert_true(real.kpis.four_100);
    sr_report_district_release(&real);
    sr_whatif_release(&w);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_veto_lifted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_score_change, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_district_four_100, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_major, setup, teardown),
        cmocka_unit_test_setup_teardown(test_database_unchanged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_suggest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prediction_is_what_happens,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
