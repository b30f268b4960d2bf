/*
 * test_workflow.c - a school's year through the library: store,
 * registry, assessment draft and submission, hazards raised and closed,
 * the dynamic baseline, the audit chain and tampering with it.
 *
 * One database per test in a mkdtemp directory; the clock is pinned to
 * 2026-09-15 10:00 China time so that every date is reproducible.
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
#include "schoolrisk/baseline.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
/* The audit records setup() leaves: the checkpoint a new database
 * starts with, the load of mini.xml and the registry import. */
#define SETUP_RECORDS 3

#define CLOCK ((time_t)1789437600)

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,济南市历下区示例小学,历下区,小学,公办,城区,是,否,是,否,"
    "否,1500,300,0,王老师,0531-0000001\n";

/* Every applicable item of mini.xml for that school (11: the school bus
 * item D2.2.2 does not apply).  D1.1.1: 3 guards of 4 required (1500
 * pupils: 3 + 1 per 500 above 1000); D1.2.2 基本符合. */
static const char responses_csv[] =
    "item,value,note\n"
    "D1.1.1,3,保安员缺1名\n"
    "D1.1.2,pass,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,基本符合,监控室与派出所联网时断时续\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D2.2.1,pass,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

struct fx {
    char dir[64];
    char db[96];
    char csv[96];
    struct sr_store *st;
    struct sr_diags d;
};

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-workflow-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(f->csv, sizeof(f->csv), "%s/r.csv", f->dir);
    write_file(f->csv, responses_csv);
    sr_diags_init(&f->d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    assert_int_equal(sr_store_set_actor(f->st, "张检查员"), SR_OK);
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &f->d),
                     SR_OK);
    assert_int_equal(out, SR_LOAD_ADDED);
    assert_int_equal(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                               sizeof(registry_csv) - 1, 0,
                                               &rep, &f->d),
                     SR_OK);
    assert_int_equal(rep.added, 1);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    char path[128];

    sr_store_close(f->st);
    test_db_drop(f->db);
    sr_diags_release(&f->d);
    snprintf(path, sizeof(path), "%s/t.db-wal", f->dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/t.db-shm", f->dir);
    unlink(path);
    unlink(f->db);
    unlink(f->csv);
    rmdir(f->dir);
    free(f);
    return 0;
}

static char *
diag(struct fx *f, size_t i)
{
    static char buf[512];

    assert_true(i < f->d.n);
    sr_diag_format(&f->d.v[i], buf, sizeof(buf));
    return buf;
}

/* A fresh draft answered from responses_csv, submitted. */
static int64_t
submitted(struct fx *f, struct sr_submit_report *rep)
{
    int64_t id;

    assert_int_equal(sr_assess_new(f->st, "3701020001", NULL, NULL, &id),
                     SR_OK);
    assert_int_equal(sr_assess_import(f->st, id, f->csv, &f->d), SR_OK);
    assert_int_equal(sr_assess_submit(f->st, id, &f->d, rep), SR_OK);
    return id;
}

/* Run one SQL statement on the file behind the library's back. */
static void
raw_sql(struct fx *f, const char *sql)
{
    test_db_exec(f->db, sql);
}

static int64_t
hazard_on(struct fx *f, const char *item)
{
    struct sr_hazard_filter hf;
    struct sr_hazard_record *v = NULL;
    size_t n = 0, i;
    int64_t id = 0;

    memset(&hf, 0, sizeof(hf));
    hf.school = "3701020001";
    hf.status = -1;
    hf.level = -1;
    assert_int_equal(sr_hazard_list(f->st, &hf, NULL, &v, &n), SR_OK);
    for (i = 0; i < n; i++)
        if (v[i].item && !strcmp(v[i].item, item) &&
            v[i].status != SR_HAZARD_CLOSED)
            id = v[i].id;
    sr_hazard_list_free(v, n);
    assert_true(id > 0);
    return id;
}

/* ------------------------------------------------------------------ */

static void
test_submit_requires_every_item(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_assessment a;
    int64_t id;

    assert_int_equal(sr_assess_new(f->st, "3701020001", "2026-09-10", NULL,
                                   &id),
                     SR_OK);
    assert_int_equal(id, 1);
    assert_int_equal(sr_assess_set(f->st, id, "D1.2.1", "pass", NULL, &f->d),
                     SR_OK);
    assert_int_equal(sr_assess_submit(f->st, id, &f->d, &rep), SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "assessment 1 cannot be submitted: 10 applicable "
                        "items are not answered");
    assert_int_equal(f->d.n, 10);
    assert_string_equal(diag(f, 0), "assessment 1: item 'D1.1.1' is not "
                                     "answered: 专职保安员配备数量达到标准");
    /* Nothing was written: still a draft, no hazard, no audit record. */
    assert_int_equal(sr_assess_get(f->st, id, &a), SR_OK);
    assert_false(a.submitted);
    assert_string_equal(a.system_id, "mini");
    assert_string_equal(a.inspector, "张检查员");
    sr_assessment_release(&a);
}

static void
test_answer_checks(void **state)
{
    struct fx *f = *state;
    int64_t id;

    assert_int_equal(sr_assess_new(f->st, "3701020001", NULL, NULL, &id),
                     SR_OK);
    assert_int_equal(sr_assess_set(f->st, id, "D2.2.2", "pass", NULL, &f->d),
                     SR_ERR_INPUT);
    assert_string_equal(diag(f, 0),
                        "answer: item 'D2.2.2' does not apply to this school "
                        "(condition school_bus=true does not hold)");
    assert_int_equal(sr_assess_set(f->st, id, "D1.1.1", "3/4", NULL, &f->d),
                     SR_ERR_INPUT);
    assert_string_equal(diag(f, 1),
                        "answer: item 'D1.1.1': the requirement is derived "
                        "from enrollment (4 for this school); give only the "
                        "actual number, got '3/4'");
    /* A date in the future, an unknown school. */
    assert_int_equal(sr_assess_new(f->st, "3701020001", "2026-09-16", NULL,
                                   &id),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "assessment date 2026-09-16 is in the future (today "
                        "is 2026-09-15)");
    assert_int_equal(sr_assess_new(f->st, "3701029999", NULL, NULL, &id),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st),
                        "no school with code '3701029999'");
}

static void
test_submit_scores_and_raises(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_assessment a;
    struct sr_audit_report ar;
    int64_t id = submitted(f, &rep);

    /* 73.5 of 80 points = 91.875 -> 91.88 */
    assert_int_equal(rep.total, 9188);
    assert_string_equal(rep.band_label, "低风险");
    assert_true(rep.compliant);
    assert_false(rep.vetoed);
    assert_int_equal(rep.hazards_new, 2);
    assert_int_equal(rep.hazards_linked, 0);
    assert_int_equal(sr_assess_get(f->st, id, &a), SR_OK);
    assert_true(a.submitted);
    assert_int_equal(a.earned, 73500000);
    assert_int_equal(a.max, 80000000);
    assert_string_equal(a.submitted_at, "2026-09-15T02:00:00Z");
    sr_assessment_release(&a);
    /* Immutable from now on. */
    assert_int_equal(sr_assess_set(f->st, id, "D1.1.1", "4", NULL, &f->d),
                     SR_ERR_STATE);
    assert_string_equal(sr_store_errmsg(f->st),
                        "assessment 1 was submitted on 2026-09-15T02:00:00Z "
                        "by 张检查员 and can no longer change; a correction is "
                        "a new assessment");
    assert_int_equal(sr_assess_submit(f->st, id, &f->d, &rep), SR_ERR_STATE);
    /* One audit record for the assessment, one per hazard created, after
     * the setup's three (SETUP_RECORDS). */
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    assert_true(ar.ok);
    assert_int_equal(ar.records, SETUP_RECORDS + 3);
}

static void
test_baseline_restored_when_hazard_closes(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_baseline_report b;
    struct sr_audit_report ar;
    int64_t hid;

    submitted(f, &rep);
    assert_int_equal(sr_baseline_compute(f->st, NULL, NULL, &b), SR_OK);
    assert_int_equal(b.n, 1);
    assert_false(b.s[0].met[SR_BASELINE_GUARDS]);
    assert_true(b.s[0].met[SR_BASELINE_CLOSED_CAMPUS]);
    assert_false(b.s[0].met[SR_BASELINE_ALARM_VIDEO]);
    assert_true(b.s[0].met[SR_BASELINE_PROTECTION_POSTS]);
    assert_string_equal(b.s[0].why[SR_BASELINE_GUARDS],
                        "item 'D1.1.1 专职保安员配备数量达到标准' below full "
                        "points in the assessment of 2026-09-15 and not "
                        "rectified since");
    /* 历下区 has one school, which is off the baseline. */
    assert_string_equal(b.d[0].name, "历下区");
    assert_int_equal(b.d[0].schools, 1);
    assert_int_equal(b.d[0].met[SR_BASELINE_CLOSED_CAMPUS], 1);
    assert_false(b.d[0].reaches);
    sr_baseline_report_release(&b);

    /* The closed loop: assign, rectify, verify by someone else. */
    hid = hazard_on(f, "D1.1.1");
    assert_int_equal(sr_store_set_actor(f->st, "区教体局安全科"), SR_OK);
    assert_int_equal(sr_hazard_assign(f->st, hid, "王老师", "2026-10-15",
                                      "增配保安员1名"),
                     SR_OK);
    assert_int_equal(sr_store_set_actor(f->st, "王老师"), SR_OK);
    assert_int_equal(sr_hazard_submit(f->st, hid, "已招聘保安员1名并持证上岗",
                                      NULL),
                     SR_OK);
    assert_int_equal(sr_store_set_actor(f->st, "李复查员"), SR_OK);
    assert_int_equal(sr_hazard_verify(f->st, hid, NULL), SR_OK);

    assert_int_equal(sr_baseline_compute(f->st, "历下区", NULL, &b), SR_OK);
    assert_true(b.s[0].met[SR_BASELINE_GUARDS]);
    assert_false(b.s[0].met[SR_BASELINE_ALARM_VIDEO]);
    sr_baseline_report_release(&b);
    /* The setup's 3 + 1 assessment + 2 hazards created + 3 transitions
     * (D1.1.1 is a general hazard: its verify closes it). */
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    assert_true(ar.ok);
    assert_int_equal(ar.records, SETUP_RECORDS + 6);

    /* A new hazard on a guards item turns the element off until it is
     * closed, and the reason names it with the item's title. */
    {
        struct sr_hazard_new h = {.school = "3701020001", .item = "D1.1.1",
                                  .level = SR_HAZARD_GENERAL,
                                  .description = "夜间保安员脱岗"};
        bool linked;
        int64_t nid;
        char want[200], *text;

        assert_int_equal(sr_hazard_add(f->st, &h, &nid, &linked), SR_OK);
        assert_int_equal(sr_baseline_compute(f->st, "历下区", NULL, &b),
                         SR_OK);
        assert_false(b.s[0].met[SR_BASELINE_GUARDS]);
        assert_int_equal(b.s[0].reason[SR_BASELINE_GUARDS].cause,
                         SR_CAUSE_HAZARD_OPEN);
        assert_int_equal(b.s[0].reason[SR_BASELINE_GUARDS].hazard, nid);
        snprintf(want, sizeof(want),
                 "hazard %lld (item 'D1.1.1 专职保安员配备数量达到标准') is "
                 "not closed", (long long)nid);
        assert_string_equal(b.s[0].why[SR_BASELINE_GUARDS], want);
        text = sr_baseline_reason_text(&b.s[0].reason[SR_BASELINE_GUARDS]);
        snprintf(want, sizeof(want),
                 "隐患（编号%lld，检查项“D1.1.1 专职保安员配备数量达到标准”）"
                 "尚未销号", (long long)nid);
        assert_string_equal(text, want);
        free(text);
        sr_baseline_report_release(&b);
    }
}

static void
test_baseline_expires(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_baseline_report b;

    submitted(f, &rep);
    /* Valid 12 months: on 2027-09-14 still valid, on 2027-09-15 not. */
    assert_int_equal(sr_baseline_compute(f->st, NULL, "2027-09-14", &b),
                     SR_OK);
    assert_int_equal(b.s[0].assessment, 1);
    assert_true(b.s[0].met[SR_BASELINE_CLOSED_CAMPUS]);
    sr_baseline_report_release(&b);
    assert_int_equal(sr_baseline_compute(f->st, NULL, "2027-09-15", &b),
                     SR_OK);
    assert_int_equal(b.s[0].assessment, 0);
    assert_false(b.s[0].met[SR_BASELINE_CLOSED_CAMPUS]);
    assert_string_equal(b.s[0].why[SR_BASELINE_CLOSED_CAMPUS],
                        "the latest assessment (2026-09-15) expired on 2027-09-15");
    sr_baseline_report_release(&b);
    /* Before any assessment: unknown counts as not met. */
    assert_int_equal(sr_baseline_compute(f->st, NULL, "2026-09-01", &b),
                     SR_OK);
    assert_false(b.s[0].met[SR_BASELINE_GUARDS]);
    assert_string_equal(b.s[0].why[SR_BASELINE_GUARDS],
                        "no submitted assessment");
    sr_baseline_report_release(&b);
}

static void
test_second_assessment_links_open_hazard(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;

    submitted(f, &rep);
    submitted(f, &rep);
    /* Both findings are still open: linked, not duplicated. */
    assert_int_equal(rep.hazards_new, 0);
    assert_int_equal(rep.hazards_linked, 2);
}

static void
test_tampering_is_detected(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_audit_report ar;

    submitted(f, &rep);
    raw_sql(f, "DROP TRIGGER answers_frozen_upd;"
               "UPDATE answers SET value = '4' WHERE item = 'D1.1.1'");
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    assert_false(ar.ok);
    /* records 4 and 5 are the hazards' first events, 6 the assessment */
    assert_string_equal(ar.problem,
                        "audit record 6: assessment 1 was altered (its "
                        "content no longer matches the hash recorded when it "
                        "was written)");
}

static void
test_removed_event_is_detected(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_audit_report ar;

    submitted(f, &rep);
    raw_sql(f, "DROP TRIGGER hazard_events_kept;"
               "DELETE FROM hazard_events WHERE id = 2");
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    assert_false(ar.ok);
    /* after the setup's 3 records, event 1 is record 4 */
    assert_string_equal(ar.problem,
                        "audit record 5: hazard event 2 was removed");
}

static void
test_stored_system_never_changes(void **state)
{
    struct fx *f = *state;
    enum sr_load_outcome out;
    char *xml;
    FILE *fp;
    long len;
    char *p;

    /* The same file again: unchanged. */
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &f->d),
                     SR_OK);
    assert_int_equal(out, SR_LOAD_UNCHANGED);
    /* Different content under mini 1.0: refused. */
    fp = fopen(SR_FIXTURES "/mini.xml", "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    rewind(fp);
    xml = calloc(1, (size_t)len + 1);
    assert_non_null(xml);
    assert_int_equal(fread(xml, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    p = strstr(xml, "示例小学");
    assert_non_null(p);
    memcpy(p, "样例", strlen("样例"));
    assert_int_equal(sr_store_load_system(f->st, "mini-edited.xml", xml,
                                          (size_t)len, &out, &f->d),
                     SR_ERR_CONFLICT);
    assert_non_null(strstr(sr_store_errmsg(f->st),
                           "indicator system 'mini' version 1.0 is already "
                           "stored with different content"));
    free(xml);
}

static void
test_newer_schema_refused(void **state)
{
    struct fx *f = *state;
    struct sr_store *st = NULL;
    char want[256];

    /* PostgreSQL keeps the version in a one-row table */
    raw_sql(f, test_db_pg() ? "UPDATE schema_version SET version = 99"
                            : "PRAGMA user_version = 99");
    assert_int_equal(sr_store_open(f->db, 0, &st), SR_ERR_VERSION);
    snprintf(want, sizeof(want),
             "database '%s' has schema version 99, written by a newer "
             "schoolrisk; this one understands up to version %d",
             f->db, SR_SCHEMA_VERSION);
    assert_string_equal(sr_store_errmsg(st), want);
    sr_store_close(st);
    /* (PostgreSQL: the store cannot open it again to set it back; the
     * database is dropped) */
    if (!test_db_pg())
        raw_sql(f, "PRAGMA user_version = 3");
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_submit_requires_every_item),
        T(test_answer_checks),
        T(test_submit_scores_and_raises),
        T(test_baseline_restored_when_hazard_closes),
        T(test_baseline_expires),
        T(test_second_assessment_links_open_hazard),
        T(test_tampering_is_detected),
        T(test_removed_event_is_detected),
        T(test_stored_system_never_changes),
        T(test_newer_schema_refused),
    };

    return cmocka_run_group_tests_name("workflow", tests, NULL, NULL);
}
