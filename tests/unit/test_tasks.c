/*
 * test_tasks.c - an inspector's work list (tasks.h): how a school's
 * latest inspection classifies it (src/tasks.c, pure), the order of
 * urgency, and the list read from a database (src/store/tasks.c).
 *
 * The database test uses mini.xml (primary schools, valid 12 months)
 * and a registry of six schools; the clock is pinned to 2026-09-15
 * 10:00 China time.
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
#include "schoolrisk/auth.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
#include "schoolrisk/tasks.h"

#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)

/* ------------------------------------------------------------------ */
/* Pure                                                                 */
/* ------------------------------------------------------------------ */

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(sr_task_status_name(SR_TASK_NONE), "none");
    assert_string_equal(sr_task_status_name(SR_TASK_EXPIRING), "expiring");
    assert_string_equal(sr_task_status_name(SR_TASK_VALID), "valid");
    assert_null(sr_task_status_name(SR_TASK_STATUS_COUNT));
    assert_null(sr_task_status_name(-1));
    assert_string_equal(sr_task_status_label(SR_TASK_NONE), "待检查");
    assert_string_equal(sr_task_status_label(SR_TASK_EXPIRING), "即将到期");
    assert_string_equal(sr_task_status_label(SR_TASK_VALID), "有效");
    assert_int_equal(sr_task_status_lookup("expiring"), SR_TASK_EXPIRING);
    assert_int_equal(sr_task_status_lookup("due"), -1);
    assert_int_equal(sr_task_status_lookup(NULL), -1);
}

static void
test_classify(void **state)
{
    char on[11];

    (void)state;
    /* Never inspected. */
    assert_int_equal(sr_task_classify(NULL, 12, "2026-09-15", on),
                     SR_TASK_NONE);
    assert_string_equal(on, "");
    assert_int_equal(sr_task_classify("", 12, "2026-09-15", on),
                     SR_TASK_NONE);
    assert_int_equal(sr_task_classify("2026-02-30", 12, "2026-09-15", on),
                     SR_TASK_NONE);
    assert_string_equal(on, "");
    /* Valid up to the day before assessed_on + 12 months. */
    assert_int_equal(sr_task_classify("2025-09-15", 12, "2026-09-15", on),
                     SR_TASK_NONE);
    assert_string_equal(on, "2026-09-15");
    assert_int_equal(sr_task_classify("2025-09-16", 12, "2026-09-15", on),
                     SR_TASK_EXPIRING);
    assert_string_equal(on, "2026-09-16");
    /* Expiring: within 30 days, both ends. */
    assert_int_equal(sr_task_classify("2025-10-15", 12, "2026-09-15", on),
                     SR_TASK_EXPIRING);
    assert_string_equal(on, "2026-10-15");
    assert_int_equal(sr_task_classify("2025-10-16", 12, "2026-09-15", on),
                     SR_TASK_VALID);
    /* Across a year end and a leap day (the day clamped). */
    assert_int_equal(sr_task_classify("2025-12-20", 1, "2026-01-01", on),
                     SR_TASK_EXPIRING);
    assert_string_equal(on, "2026-01-20");
    assert_int_equal(sr_task_classify("2024-02-29", 24, "2026-01-29", on),
                     SR_TASK_EXPIRING);
    assert_string_equal(on, "2026-02-28");
    assert_int_equal(sr_task_classify("2024-02-29", 24, "2026-01-28", on),
                     SR_TASK_VALID);
    /* Inspected today. */
    assert_int_equal(sr_task_classify("2026-09-15", 12, "2026-09-15", on),
                     SR_TASK_VALID);
    assert_string_equal(on, "2027-09-15");
}

static void
test_sort(void **state)
{
    struct sr_task v[6];
    static const struct {
        int status;
        const char *expires;
    } in[6] = {
        {SR_TASK_VALID, "2027-03-01"},    {SR_TASK_NONE, "2026-01-01"},
        {SR_TASK_EXPIRING, "2026-10-01"}, {SR_TASK_NONE, ""},
        {SR_TASK_EXPIRING, "2026-09-20"}, {SR_TASK_VALID, "2027-03-01"},
    };
    static const size_t want[6] = {3, 1, 4, 2, 0, 5};
    size_t i;

    (void)state;
    memset(v, 0, sizeof(v));
    for (i = 0; i < 6; i++) {
        v[i].status = in[i].status;
        snprintf(v[i].expires_on, sizeof(v[i].expires_on), "%s",
                 in[i].expires);
        v[i].order = i;
    }
    sr_tasks_sort(v, 6);
    for (i = 0; i < 6; i++)
        assert_int_equal(v[i].order, want[i]);
    sr_tasks_sort(v, 0);
    sr_tasks_sort(NULL, 0);
}

/* ------------------------------------------------------------------ */
/* The list from a database                                             */
/* ------------------------------------------------------------------ */

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
    "3701020001,甲小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020002,乙小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020003,丙小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701020004,丁小学,历下区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701030001,戊小学,市中区,小学,公办,城区,否,否,是,否,否,500,0,0\n"
    "3701030002,己小学,市中区,小学,公办,城区,否,否,是,否,否,500,0,0\n";

/* Every applicable item of mini.xml at full points (500 pupils: 2
 * guards required). */
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
    int64_t user;
};

static void
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    struct sr_auth_policy p;
    struct sr_user_new u = {.login = "zhang", .name = "张检查员",
                            .password = "Anquan#2026Jinan"};
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-tasks-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(f->csv, sizeof(f->csv), "%s/r.csv", f->dir);
    write_text(f->csv, full_csv);
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
    assert_int_equal(sr_user_add(f->st, &p, &u, &f->user), SR_OK);
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

/* A submitted assessment of code dated on, at full points. */
static int64_t
inspect(struct fx *f, const char *code, const char *on, int kind)
{
    struct sr_assess_new n = {.school = code, .kind = kind,
                              .assessed_on = on};
    struct sr_submit_report rep;
    int64_t id = 0;

    assert_int_equal(sr_assess_create(f->st, &n, &id), SR_OK);
    assert_int_equal(sr_assess_import(f->st, id, f->csv, &f->d), SR_OK);
    if (sr_assess_submit(f->st, id, &f->d, &rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    return id;
}

static void
test_list(void **state)
{
    struct fx *f = *state;
    const char *districts[] = {"370102"}, *schools[] = {"3701030001"};
    struct sr_scope scope = {.districts = districts, .n_districts = 1,
                             .schools = schools, .n_schools = 1};
    struct sr_task_filter flt = {.scope = &scope, .status = -1};
    struct sr_task_list l;
    int64_t valid, expiring, draft;

    /* 0001: never; 0002: expired on 2026-09-01; 0003: expires on
     * 2026-10-01, and a later self-inspection that does not count;
     * 0004: inspected today; 3701030001 (a granted school of 市中区):
     * expires on 2026-09-20.  3701030002 is outside the scope. */
    inspect(f, "3701020002", "2025-09-01", SR_ASSESS_INSPECTION);
    expiring = inspect(f, "3701020003", "2025-10-01", SR_ASSESS_INSPECTION);
    inspect(f, "3701020003", "2026-09-10", SR_ASSESS_SELF);
    valid = inspect(f, "3701020004", "2026-09-15", SR_ASSESS_INSPECTION);
    inspect(f, "3701030001", "2025-09-20", SR_ASSESS_INSPECTION);
    inspect(f, "3701030002", "2020-01-01", SR_ASSESS_INSPECTION);
    /* The user's draft of 0001; someone else's draft of 0002. */
    assert_int_equal(sr_assess_new(f->st, "3701020002", NULL, NULL, &draft),
                     SR_OK);
    assert_int_equal(sr_store_set_user(f->st, f->user, "张检查员"), SR_OK);
    assert_int_equal(sr_assess_new(f->st, "3701020001", NULL, NULL, &draft),
                     SR_OK);
    flt.user = f->user;

    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_OK);
    assert_string_equal(l.today, "2026-09-15");
    assert_int_equal(l.n, 5);
    assert_int_equal(l.total, 5);
    assert_int_equal(l.counts[SR_TASK_NONE], 2);
    assert_int_equal(l.counts[SR_TASK_EXPIRING], 2);
    assert_int_equal(l.counts[SR_TASK_VALID], 1);
    assert_string_equal(l.v[0].school, "3701020001");
    assert_int_equal(l.v[0].status, SR_TASK_NONE);
    assert_int_equal(l.v[0].assessment, 0);
    assert_string_equal(l.v[0].expires_on, "");
    assert_int_equal(l.v[0].draft, draft);
    assert_string_equal(l.v[0].school_name, "甲小学");
    assert_string_equal(l.v[0].district_name, "历下区");
    assert_string_equal(l.v[1].school, "3701020002");
    assert_int_equal(l.v[1].status, SR_TASK_NONE);
    assert_string_equal(l.v[1].expires_on, "2026-09-01");
    assert_int_equal(l.v[1].draft, 0);
    assert_string_equal(l.v[2].school, "3701030001");
    assert_int_equal(l.v[2].status, SR_TASK_EXPIRING);
    assert_string_equal(l.v[3].school, "3701020003");
    assert_int_equal(l.v[3].status, SR_TASK_EXPIRING);
    assert_int_equal(l.v[3].assessment, expiring);
    assert_string_equal(l.v[3].assessed_on, "2025-10-01");
    assert_string_equal(l.v[3].expires_on, "2026-10-01");
    assert_int_equal(l.v[3].total, 10000);
    assert_string_equal(l.v[3].band_label, "低风险");
    assert_true(l.v[3].compliant);
    assert_false(l.v[3].vetoed);
    assert_string_equal(l.v[4].school, "3701020004");
    assert_int_equal(l.v[4].status, SR_TASK_VALID);
    assert_int_equal(l.v[4].assessment, valid);
    assert_string_equal(l.v[4].expires_on, "2027-09-15");
    sr_task_list_release(&l);

    /* A page, and one status. */
    flt.offset = 1;
    flt.limit = 2;
    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.total, 5);
    assert_string_equal(l.v[0].school, "3701020002");
    assert_string_equal(l.v[1].school, "3701030001");
    sr_task_list_release(&l);
    flt.offset = 9;
    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.total, 5);
    sr_task_list_release(&l);
    flt.offset = 0;
    flt.limit = 0;
    flt.status = SR_TASK_EXPIRING;
    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.total, 2);
    assert_int_equal(l.counts[SR_TASK_NONE], 2);
    assert_string_equal(l.v[0].school, "3701030001");
    sr_task_list_release(&l);

    /* Another day: by 2026-10-02 0003 has expired too. */
    flt.status = -1;
    flt.as_of = "2026-10-02";
    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_OK);
    assert_int_equal(l.counts[SR_TASK_NONE], 4);
    assert_int_equal(l.counts[SR_TASK_VALID], 1);
    sr_task_list_release(&l);
    flt.as_of = "2026-13-01";
    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "bad date '2026-13-01' (expected YYYY-MM-DD)");
    assert_null(l.v);
    sr_task_list_release(&l);

    /* No scope: every open school. */
    flt.as_of = NULL;
    flt.scope = NULL;
    assert_int_equal(sr_tasks_list(f->st, &flt, &l), SR_OK);
    assert_int_equal(l.n, 6);
    sr_task_list_release(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_sort),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
