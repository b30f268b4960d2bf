/*
 * test_assess_many.c - what the service needs of assessments beyond the
 * CLI's: many answers at once, all or nothing (sr_assess_answer_many);
 * a paged listing that hides other people's drafts, with its count; the
 * hazards a submission raised or linked (sr_assess_hazards); and the
 * four-100% baseline of one school and of a scope
 * (sr_baseline_school, sr_baseline_compute_scoped).
 *
 * One database per test with mini.xml and three primary schools; the
 * clock is pinned to 2026-09-15 10:00 China time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/evidence.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "testdb.h"

#define CLOCK ((time_t)1789437600)

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
    "3701020001,甲小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020002,乙小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701030001,丙小学,市中区,小学,公办,城区,否,否,是,否,否,500,0,0\n";

/* mini.xml's applicable items for these schools, at full points. */
static const struct {
    const char *item, *value;
} full[] = {
    {"D1.1.1", "2"},    {"D1.1.2", "pass"}, {"D1.2.1", "pass"},
    {"D1.2.2", "符合"}, {"D1.2.3", "30"},   {"D1.2.4", "pass"},
    {"D2.1.1", "0"},    {"D2.1.2", "3"},    {"D3.1.1", "pass"},
    {"D3.1.2", "5/5"},
};
#define N_FULL (sizeof(full) / sizeof(full[0]))

static const char jpeg[] = "\xff\xd8\xff\xe0 a photo of the gate";

struct fx {
    char dir[64];
    char db[96];
    char ev[96];
    struct sr_store *st;
    struct sr_diags d;
    int64_t u1, u2;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    struct sr_auth_policy p;
    struct sr_user_new a = {.login = "zhang", .name = "张检查员",
                            .password = "Anquan#2026Jinan"};
    struct sr_user_new b = {.login = "li", .name = "李检查员",
                            .password = "Anquan#2026Jinan"};
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-many-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(f->ev, sizeof(f->ev), "%s/ev", f->dir);
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
    sr_auth_policy_init(&p);
    assert_int_equal(sr_user_add(f->st, &p, &a, &f->u1), SR_OK);
    assert_int_equal(sr_user_add(f->st, &p, &b, &f->u2), SR_OK);
    assert_int_equal(sr_store_set_user(f->st, f->u1, "张检查员"), SR_OK);
    *state = f;
    return 0;
}

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove the evidence tree (dir/ab/HEX). */
static void
remove_tree(const char *dir)
{
    nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    sr_diags_release(&f->d);
    remove_tree(f->ev);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static void
ok(struct fx *f, sr_error rc)
{
    if (rc != SR_OK) {
        show_diags(&f->d);
        fail_msg("%d: %s", rc, sr_store_errmsg(f->st));
    }
}

static int64_t
draft(struct fx *f, const char *code)
{
    int64_t id = 0;

    ok(f, sr_assess_new(f->st, code, NULL, NULL, &id));
    return id;
}

/* The full answers, with the values of items[k] replaced by vals[k]. */
static void
answers(struct sr_answer_in *v, const char *const *items,
        const char *const *vals, size_t k)
{
    size_t i, j;

    memset(v, 0, N_FULL * sizeof(*v));
    for (i = 0; i < N_FULL; i++) {
        v[i].item = full[i].item;
        v[i].value = full[i].value;
        for (j = 0; j < k; j++)
            if (!strcmp(items[j], full[i].item))
                v[i].value = vals[j];
    }
}

/* Stored answers of id: how many, and the value of item (or NULL). */
static size_t
stored(struct fx *f, int64_t id, const char *item, const char **value,
       char **evidence)
{
    struct sr_assess_ctx ctx;
    static char buf[128], ev[256];
    size_t i, n = 0;
    long at;

    ok(f, sr_assess_open(f->st, id, &ctx, &f->d));
    for (i = 0; i < ctx.resp.n; i++)
        n += ctx.resp.value[i] != NULL;
    at = item ? sr_system_find_item(ctx.sys, item) : -1;
    if (value)
        *value = NULL;
    if (evidence)
        *evidence = NULL;
    if (at >= 0 && ctx.resp.value[at]) {
        snprintf(buf, sizeof(buf), "%s", ctx.resp.value[at]);
        if (value)
            *value = buf;
        if (evidence && ctx.evidence[at]) {
            snprintf(ev, sizeof(ev), "%s", ctx.evidence[at]);
            *evidence = ev;
        }
    }
    sr_assess_ctx_release(&ctx);
    return n;
}

/* ------------------------------------------------------------------ */
/* Many answers                                                         */
/* ------------------------------------------------------------------ */

static void
test_many(void **state)
{
    struct fx *f = *state;
    struct sr_answer_in v[N_FULL + 1];
    struct sr_evidence e;
    const char *value, *files[1];
    char *evidence, want[128];
    int64_t id = draft(f, "3701020001");
    struct sr_submit_report rep;

    /* Three bad answers of ten: nothing is stored, all three said. */
    answers(v, (const char *const[]){"D1.2.2", "D2.1.1", "D3.1.2"},
            (const char *const[]){"很好", "-1", "5"}, 3);
    v[8].item = "D9.9.9";
    assert_int_equal(sr_assess_answer_many(f->st, id, v, N_FULL, &f->d),
                     SR_ERR_INPUT);
    assert_diags(&f->d, (const char *const[]){
        "D1.2.2:4: item 'D1.2.2': '很好' is not one of the declared levels "
        "(符合:1|基本符合:0.6|不符合:0)",
        "D2.1.1:7: item 'D2.1.1': expected a whole number of findings (0 or "
        "more), got '-1'",
        "D9.9.9:9: unknown item 'D9.9.9' (not in system 'mini' version 1.0)",
        "D3.1.2:10: item 'D3.1.2': expected actual/required, for example "
        "'3/4', got '5'",
        NULL});
    assert_string_equal(sr_store_errmsg(f->st),
                        "4 of 10 answers are not valid; nothing was saved");
    assert_int_equal(stored(f, id, NULL, NULL, NULL), 0);
    sr_diags_release(&f->d);

    /* The same item twice, a missing value, a file not uploaded. */
    answers(v, NULL, NULL, 0);
    v[1].item = "D1.1.1";
    v[2].value = NULL;
    files[0] = "00000000000000000000000000000000"
               "00000000000000000000000000000000";
    v[3].files = files;
    v[3].n_files = 1;
    assert_int_equal(sr_assess_answer_many(f->st, id, v, N_FULL, &f->d),
                     SR_ERR_INPUT);
    assert_diags(&f->d, (const char *const[]){
        "D1.1.1:2: item 'D1.1.1' is answered twice (first on line 1)",
        "D1.2.1:3: item 'D1.2.1': the value is required",
        "D1.2.2:4: item 'D1.2.2': evidence file 0000000000000000000000000000"
        "000000000000000000000000000000000000 was not uploaded for school "
        "3701020001",
        NULL});
    assert_string_equal(sr_store_errmsg(f->st),
                        "3 of 10 answers are not valid; nothing was saved");
    assert_int_equal(stored(f, id, NULL, NULL, NULL), 0);
    sr_diags_release(&f->d);

    /* All good, with a photo: every answer stored in one go. */
    ok(f, sr_evidence_put(f->st, f->ev, "3701020001", "gate.jpg", jpeg,
                          sizeof(jpeg) - 1, &e));
    files[0] = e.sha256;
    answers(v, (const char *const[]){"D1.2.2"},
            (const char *const[]){"基本符合"}, 1);
    v[3].note = "监控时断时续";
    v[3].files = files;
    v[3].n_files = 1;
    ok(f, sr_assess_answer_many(f->st, id, v, N_FULL, &f->d));
    assert_int_equal(f->d.n, 0);
    assert_int_equal(stored(f, id, "D1.2.2", &value, &evidence), N_FULL);
    assert_string_equal(value, "基本符合");
    snprintf(want, sizeof(want), "sha256:%s", e.sha256);
    assert_string_equal(evidence, want);
    sr_evidence_release(&e);
    /* Again: replaces, still one answer per item. */
    answers(v, NULL, NULL, 0);
    ok(f, sr_assess_answer_many(f->st, id, v, 2, &f->d));
    assert_int_equal(stored(f, id, "D1.2.2", &value, NULL), N_FULL);
    assert_string_equal(value, "基本符合");
    ok(f, sr_assess_answer_many(f->st, id, v, 0, &f->d));

    /* Submitted: no more answers. */
    ok(f, sr_assess_submit(f->st, id, &f->d, &rep));
    assert_int_equal(sr_assess_answer_many(f->st, id, v, 1, &f->d),
                     SR_ERR_STATE);
    assert_int_equal(sr_assess_answer_many(f->st, 999, v, 1, &f->d),
                     SR_ERR_NOT_FOUND);
}

/* ------------------------------------------------------------------ */
/* Listing                                                              */
/* ------------------------------------------------------------------ */

struct ids {
    int64_t v[16];
    size_t n;
};

static int
take(const struct sr_assessment *a, void *p)
{
    struct ids *c = p;

    if (c->n < 16)
        c->v[c->n++] = a->id;
    return 0;
}

static void
list(struct fx *f, const struct sr_assess_filter *flt, struct ids *c,
     size_t total)
{
    size_t n = 99;

    memset(c, 0, sizeof(*c));
    ok(f, sr_assess_list(f->st, flt, take, c));
    ok(f, sr_assess_count(f->st, flt, &n));
    assert_int_equal(n, total);
}

static void
test_list(void **state)
{
    struct fx *f = *state;
    struct sr_answer_in v[N_FULL];
    struct sr_submit_report rep;
    const char *lixia[] = {"370102"};
    struct sr_scope scope = {.districts = lixia, .n_districts = 1};
    struct sr_assess_filter flt = {.status = -1};
    int64_t a, b, c, d;
    struct ids got;

    a = draft(f, "3701020001");             /* u1's draft */
    answers(v, NULL, NULL, 0);
    ok(f, sr_assess_answer_many(f->st, a, v, N_FULL, &f->d));
    ok(f, sr_assess_submit(f->st, a, &f->d, &rep)); /* now submitted */
    b = draft(f, "3701020002");             /* u1's draft */
    ok(f, sr_store_set_user(f->st, f->u2, "李检查员"));
    c = draft(f, "3701020001");             /* u2's draft */
    d = draft(f, "3701030001");             /* u2's, 市中区 */

    list(f, &flt, &got, 4);
    assert_int_equal(got.v[0], d);         /* newest first */
    flt.drafts_of = f->u1;                  /* as u1 sees them */
    list(f, &flt, &got, 2);
    assert_int_equal(got.v[0], b);
    assert_int_equal(got.v[1], a);
    flt.drafts_of = f->u2;
    flt.scope = &scope;
    list(f, &flt, &got, 2);
    assert_int_equal(got.v[0], c);
    assert_int_equal(got.v[1], a);
    flt.limit = 1;
    flt.offset = 1;
    list(f, &flt, &got, 2);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.v[0], a);
    flt.limit = 0;
    flt.offset = 0;
    flt.created_by_user = f->u1;
    flt.scope = NULL;
    list(f, &flt, &got, 1);                 /* u1's own, as u2 sees them */
    assert_int_equal(got.v[0], a);
    flt.created_by_user = 0;
    flt.drafts_of = 0;
    flt.status = 0;
    list(f, &flt, &got, 3);
}

/* ------------------------------------------------------------------ */
/* The hazards of a submission                                          */
/* ------------------------------------------------------------------ */

static void
test_hazards(void **state)
{
    struct fx *f = *state;
    struct sr_answer_in v[N_FULL];
    struct sr_submit_report rep;
    struct sr_assess_hazard *h = NULL;
    int64_t first, second, self;
    size_t n = 0;

    /* Two findings: guards short (D1.1.1) and a broken extinguisher. */
    first = draft(f, "3701020001");
    answers(v, (const char *const[]){"D1.1.1", "D2.1.1"},
            (const char *const[]){"1", "1"}, 2);
    ok(f, sr_assess_answer_many(f->st, first, v, N_FULL, &f->d));
    ok(f, sr_assess_submit(f->st, first, &f->d, &rep));
    assert_int_equal(rep.hazards_new, 2);
    ok(f, sr_assess_hazards(f->st, first, &h, &n));
    assert_int_equal(n, 2);
    assert_string_equal(h[0].item, "D1.1.1");
    assert_false(h[0].linked);
    assert_string_equal(h[1].item, "D2.1.1");
    assert_false(h[1].linked);
    sr_assess_hazards_free(h, n);

    /* A later inspection finds the extinguisher again (linked) and the
     * video storage short (new). */
    second = draft(f, "3701020001");
    answers(v, (const char *const[]){"D2.1.1", "D1.2.3"},
            (const char *const[]){"2", "20"}, 2);
    ok(f, sr_assess_answer_many(f->st, second, v, N_FULL, &f->d));
    ok(f, sr_assess_submit(f->st, second, &f->d, &rep));
    assert_int_equal(rep.hazards_new, 1);
    assert_int_equal(rep.hazards_linked, 1);
    ok(f, sr_assess_hazards(f->st, second, &h, &n));
    assert_int_equal(n, 2);
    assert_string_equal(h[0].item, "D2.1.1");
    assert_true(h[0].linked);
    assert_string_equal(h[1].item, "D1.2.3");
    assert_false(h[1].linked);
    assert_true(h[0].id < h[1].id);
    sr_assess_hazards_free(h, n);
    /* The first's list is as it was. */
    ok(f, sr_assess_hazards(f->st, first, &h, &n));
    assert_int_equal(n, 2);
    sr_assess_hazards_free(h, n);

    /* A draft, a clean submission: none. */
    self = draft(f, "3701020002");
    ok(f, sr_assess_hazards(f->st, self, &h, &n));
    assert_int_equal(n, 0);
    assert_null(h);
    answers(v, NULL, NULL, 0);
    ok(f, sr_assess_answer_many(f->st, self, v, N_FULL, &f->d));
    ok(f, sr_assess_submit(f->st, self, &f->d, &rep));
    ok(f, sr_assess_hazards(f->st, self, &h, &n));
    assert_int_equal(n, 0);
    sr_assess_hazards_free(h, n);
}

/* ------------------------------------------------------------------ */
/* The baseline of a school and of a scope                              */
/* ------------------------------------------------------------------ */

static void
test_baseline(void **state)
{
    struct fx *f = *state;
    struct sr_answer_in v[N_FULL];
    struct sr_submit_report rep;
    struct sr_baseline_school b;
    struct sr_baseline_report r;
    const char *one[] = {"3701020001"}, *lixia[] = {"370102"};
    struct sr_scope school = {.schools = one, .n_schools = 1};
    struct sr_scope district = {.districts = lixia, .n_districts = 1};
    int64_t id;
    int e;

    id = draft(f, "3701020001");
    answers(v, (const char *const[]){"D1.1.1"}, (const char *const[]){"1"},
            1);
    ok(f, sr_assess_answer_many(f->st, id, v, N_FULL, &f->d));
    ok(f, sr_assess_submit(f->st, id, &f->d, &rep));

    ok(f, sr_baseline_school(f->st, "3701020001", NULL, &b));
    assert_string_equal(b.code, "3701020001");
    assert_string_equal(b.name, "甲小学");
    assert_string_equal(b.district_name, "历下区");
    assert_int_equal(b.stage, SR_STAGE_PRIMARY);
    assert_int_equal(b.assessment, id);
    assert_string_equal(b.assessed_on, "2026-09-15");
    assert_false(b.met[SR_BASELINE_GUARDS]);
    assert_string_equal(b.why[SR_BASELINE_GUARDS],
                        "item 'D1.1.1 专职保安员配备数量达到标准' below full "
                        "points in the assessment of 2026-09-15 and not "
                        "rectified since");
    assert_int_equal(b.reason[SR_BASELINE_GUARDS].cause, SR_CAUSE_ITEM_LOST);
    assert_int_equal(b.reason[SR_BASELINE_GUARDS].assessment, id);
    assert_string_equal(b.reason[SR_BASELINE_GUARDS].item, "D1.1.1");
    assert_int_equal(b.reason[SR_BASELINE_CLOSED_CAMPUS].cause,
                     SR_CAUSE_NONE);
    for (e = 1; e < SR_BASELINE_COUNT; e++)
        assert_true(b.met[e]);
    sr_baseline_school_release(&b);
    sr_baseline_school_release(&b);
    sr_baseline_school_release(NULL);

    ok(f, sr_baseline_school(f->st, "3701020001", "2026-01-01", &b));
    assert_int_equal(b.assessment, 0);
    assert_string_equal(b.why[SR_BASELINE_CLOSED_CAMPUS],
                        "no submitted assessment");
    sr_baseline_school_release(&b);
    assert_int_equal(sr_baseline_school(f->st, "3701029999", NULL, &b),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st),
                        "no school with code '3701029999'");
    assert_null(b.name);
    assert_int_equal(sr_baseline_school(f->st, "3701020001", "9/15", &b),
                     SR_ERR_INPUT);

    /* A school's scope: its row, no district's rates. */
    ok(f, sr_baseline_compute_scoped(f->st, NULL, NULL, &school, &r));
    assert_int_equal(r.n, 1);
    assert_string_equal(r.s[0].code, "3701020001");
    assert_int_equal(r.nd, 0);
    sr_baseline_report_release(&r);
    /* A district's: its schools and its rates only. */
    ok(f, sr_baseline_compute_scoped(f->st, NULL, NULL, &district, &r));
    assert_int_equal(r.n, 2);
    assert_int_equal(r.nd, 1);
    assert_string_equal(r.d[0].code, "370102");
    assert_int_equal(r.d[0].schools, 2);
    assert_int_equal(r.d[0].met[SR_BASELINE_CLOSED_CAMPUS], 1);
    assert_int_equal(r.d[0].met[SR_BASELINE_GUARDS], 0);
    sr_baseline_report_release(&r);
    ok(f, sr_baseline_compute_scoped(f->st, "市中区", NULL, &district, &r));
    assert_int_equal(r.n, 0);
    assert_int_equal(r.nd, 0);
    sr_baseline_report_release(&r);
    /* No scope: as sr_baseline_compute(). */
    ok(f, sr_baseline_compute_scoped(f->st, NULL, NULL, NULL, &r));
    assert_int_equal(r.n, 3);
    assert_true(r.nd >= 2);
    sr_baseline_report_release(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hazards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_baseline, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
