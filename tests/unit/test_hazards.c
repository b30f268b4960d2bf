/*
 * test_hazards.c - the hazard closed loop: every allowed and refused
 * transition with its exact message, four eyes, overdue at its
 * boundaries, recurrence inside and outside the 12-month window,
 * linking in sr_hazard_raise() inside the caller's transaction, the
 * audit chain (one record per event), and failed steps that change
 * nothing.
 *
 * Each test gets a fresh database in a mkdtemp directory with the
 * fixture system mini.xml (stage primary) and four schools imported
 * through the registry (one of them then closed by a full import).
 *
 * Audit records of that setup, before any hazard: the checkpoint every
 * new database starts with, the load of mini.xml, the first registry
 * import and the full import that closed a school: 4 (SETUP_RECORDS).
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

#include "schoolrisk/audit.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
/* sr_store_begin/commit/rollback: to call sr_hazard_raise() inside a
 * transaction the way the assessment submission does. */
#include "../../src/store/store_int.h"
#include "testdb.h"

/* The audit records of setup(): checkpoint, system, two imports. */
#define SETUP_RECORDS 4

#define REGISTRY_HEADER                                                   \
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"  \
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"

static const char registry_csv[] =
    REGISTRY_HEADER
    "3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,800,"
    "0,0,,\n"
    "3701020002,历下区旧校区小学,历下区,小学,公办,城区,否,否,是,否,否,"
    "300,0,0,,\n"
    "3701030001,市中区第一中学,市中区,初中,公办,城区,否,否,是,是,否,1200,"
    "0,0,,\n"
    "3701120001,历城区山区小学,历城区,小学,公办,乡村,是,是,是,否,否,150,"
    "60,0,,\n";

/* A full import of 历下区 without 3701020002: closes it. */
static const char registry_close_csv[] =
    REGISTRY_HEADER
    "3701020001,历下区实验小学,历下区,小学,公办,城区,否,否,是,否,否,800,"
    "0,0,,\n";

struct fx {
    char dir[64];
    char path[96];
    struct sr_store *st;
    struct sr_store *raw; /* a second connection, for setup and
                             inspection (testdb.h) */
};

/* Pin the store's clock to a UTC instant "YYYY-MM-DDTHH:MM:SSZ". */
static void
clock_at(struct sr_store *st, const char *utc)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    assert_non_null(strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm));
    sr_store_set_clock(st, timegm(&tm));
}

/* 10:00 in China on that day. */
static void
day(struct sr_store *st, const char *date)
{
    char utc[32];

    snprintf(utc, sizeof(utc), "%sT02:00:00Z", date);
    clock_at(st, utc);
}

static void
as(struct sr_store *st, const char *who)
{
    assert_int_equal(sr_store_set_actor(st, who), SR_OK);
}

static void
exec(struct fx *f, const char *sql)
{
    test_raw_exec(f->raw, sql);
}

static long long
count(struct fx *f, const char *sql)
{
    return test_raw_int(f->raw, sql);
}

/* Every row of hazards, hazard_events and audit as one string. */
static char *
snapshot(struct fx *f)
{
    static const char *const q[] = {
        "SELECT * FROM hazards ORDER BY id",
        "SELECT * FROM hazard_events ORDER BY id",
        "SELECT * FROM audit ORDER BY seq",
    };
    size_t len = 0, cap = 4096, i;
    char *buf = malloc(cap);

    assert_non_null(buf);
    buf[0] = '\0';
    for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        struct sr_stmt *s = NULL;

        assert_int_equal(sr_store_prepare(f->raw, q[i], &s), SR_OK);
        while (sr_step(s) == SR_ROW) {
            int c;

            for (c = 0; c < sr_col_count(s); c++) {
                const char *t = sr_col_text(s, c);
                size_t need = strlen(t ? t : "NULL") + 2;

                if (len + need + 1 > cap) {
                    cap = (len + need + 1) * 2;
                    buf = realloc(buf, cap);
                    assert_non_null(buf);
                }
                len += (size_t)snprintf(buf + len, cap - len, "%s|",
                                        t ? t : "NULL");
            }
            buf[len++] = '\n';
            buf[len] = '\0';
        }
        sr_store_finish(f->raw, s);
    }
    return buf;
}

static void
import(struct fx *f, const char *csv, int flags)
{
    struct sr_import_report rep;
    struct sr_diags d;

    sr_diags_init(&d);
    if (sr_registry_import_memory(f->st, "reg.csv", csv, strlen(csv), flags,
                                  &rep, &d) != SR_OK)
        fail_msg("import: %s (%zu diagnostics)", sr_store_errmsg(f->st),
                 d.n);
    sr_diags_release(&d);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_diags d;
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-hazards.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->path, sizeof(f->path), f->dir, "t.db");
    assert_int_equal(sr_store_open(f->path, SR_STORE_CREATE, &f->st), SR_OK);
    as(f->st, "loader");
    day(f->st, "2026-03-01");
    sr_diags_init(&d);
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &d),
                     SR_OK);
    sr_diags_release(&d);
    f->raw = test_raw_open(f->path);
    /* The schools come in through the registry, as in real use: a school
     * inserted with SQL has no recorded version and breaks the audit
     * chain.  The second, full import of 历下区 closes 3701020002. */
    import(f, registry_csv, 0);
    import(f, registry_close_csv, SR_IMPORT_FULL);
    as(f->st, "张三");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];

    sr_store_close(f->raw);
    sr_store_close(f->st);
    test_db_drop(f->path);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Add a hazard found outside an assessment; returns its id. */
static int64_t
add(struct fx *f, const char *school, const char *item, int level,
    const char *desc)
{
    struct sr_hazard_new h;
    int64_t id = 0;
    bool linked = true;

    memset(&h, 0, sizeof(h));
    h.school = school;
    h.item = item;
    h.level = level;
    h.description = desc;
    if (sr_hazard_add(f->st, &h, &id, &linked) != SR_OK)
        fail_msg("add: %s", sr_store_errmsg(f->st));
    assert_false(linked);
    return id;
}

static int
status_of(struct fx *f, int64_t id)
{
    struct sr_hazard_record h;
    int s;

    assert_int_equal(sr_hazard_get(f->st, id, NULL, &h), SR_OK);
    s = h.status;
    sr_hazard_release(&h);
    return s;
}

#define OK(call)                                                          \
    do {                                                                  \
        sr_error rc_ = (call);                                            \
        if (rc_ != SR_OK)                                                 \
            fail_msg("%s: %s", #call, sr_store_errmsg(f->st));           \
    } while (0)

/* A call that must fail with code and message and change nothing. */
#define REFUSED(call, code, msg)                                          \
    do {                                                                  \
        char *before_ = snapshot(f), *after_;                             \
        assert_int_equal((call), (code));                                 \
        assert_string_equal(sr_store_errmsg(f->st), (msg));               \
        after_ = snapshot(f);                                             \
        assert_string_equal(before_, after_);                             \
        free(before_);                                                    \
        free(after_);                                                     \
    } while (0)

/* Drive hazard id from open to the given state. */
static void
drive(struct fx *f, int64_t id, int to)
{
    if (to >= SR_HAZARD_RECTIFYING) {
        as(f->st, "王科长");
        OK(sr_hazard_assign(f->st, id, "李四", "2026-03-10", "设置围挡"));
    }
    if (to >= SR_HAZARD_SUBMITTED) {
        as(f->st, "李四");
        OK(sr_hazard_submit(f->st, id, "已整改", NULL));
    }
    if (to >= SR_HAZARD_CLOSED) {
        struct sr_hazard_record h;

        as(f->st, "王科长");
        OK(sr_hazard_verify(f->st, id, NULL));
        /* A major hazard is under city supervision: the district's
         * verify was its review, the city's sign-off closes it. */
        OK(sr_hazard_get(f->st, id, NULL, &h));
        if (h.supervised) {
            assert_true(h.awaiting_signoff);
            as(f->st, "市教育局");
            OK(sr_hazard_signoff(f->st, id, NULL));
        }
        sr_hazard_release(&h);
    }
    assert_int_equal(status_of(f, id), to);
}

/* ------------------------------------------------------------------ */

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(sr_hazard_status_name(SR_HAZARD_OPEN), "open");
    assert_string_equal(sr_hazard_status_name(SR_HAZARD_RECTIFYING),
                        "rectifying");
    assert_string_equal(sr_hazard_status_name(SR_HAZARD_SUBMITTED),
                        "submitted");
    assert_string_equal(sr_hazard_status_name(SR_HAZARD_CLOSED), "closed");
    assert_null(sr_hazard_status_name(SR_HAZARD_STATUS_COUNT));
    assert_null(sr_hazard_status_name(-1));
    assert_string_equal(sr_hazard_status_label(SR_HAZARD_OPEN), "登记");
    assert_string_equal(sr_hazard_status_label(SR_HAZARD_RECTIFYING),
                        "整改中");
    assert_string_equal(sr_hazard_status_label(SR_HAZARD_SUBMITTED),
                        "已整改待复查");
    assert_string_equal(sr_hazard_status_label(SR_HAZARD_CLOSED), "已销号");
    assert_int_equal(sr_hazard_status_lookup("submitted"),
                     SR_HAZARD_SUBMITTED);
    assert_int_equal(sr_hazard_status_lookup("Closed"), -1);
    assert_int_equal(sr_hazard_level_lookup("major"), SR_HAZARD_MAJOR);
    assert_int_equal(sr_hazard_level_lookup("general"), SR_HAZARD_GENERAL);
    /* The Chinese labels are accepted too (test_vocab.c has them all). */
    assert_int_equal(sr_hazard_level_lookup("重大"), SR_HAZARD_MAJOR);
    assert_int_equal(sr_hazard_level_lookup("较大"), -1);
}

static void
test_date_diff(void **state)
{
    int64_t d = -1;

    (void)state;
    assert_int_equal(sr_hazard_date_diff("2026-03-10", "2026-03-10", &d),
                     SR_OK);
    assert_int_equal(d, 0);
    assert_int_equal(sr_hazard_date_diff("2024-02-28", "2024-03-01", &d),
                     SR_OK);
    assert_int_equal(d, 2);
    assert_int_equal(sr_hazard_date_diff("2025-02-28", "2025-03-01", &d),
                     SR_OK);
    assert_int_equal(d, 1);
    assert_int_equal(sr_hazard_date_diff("2025-12-31", "2026-01-01", &d),
                     SR_OK);
    assert_int_equal(d, 1);
    assert_int_equal(sr_hazard_date_diff("2026-01-01", "2025-12-31", &d),
                     SR_OK);
    assert_int_equal(d, -1);
    assert_int_equal(sr_hazard_date_diff("1900-01-01", "2999-12-31", &d),
                     SR_OK);
    assert_int_equal(d, 401766);
    assert_int_equal(sr_hazard_date_diff("2026-02-29", "2026-03-01", &d),
                     SR_ERR_INPUT);
    assert_int_equal(sr_hazard_date_diff(NULL, "2026-03-01", &d),
                     SR_ERR_INPUT);
}

static void
test_add(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_hazard_event *ev = NULL;
    struct sr_audit_report rep;
    size_t n = 0;
    int64_t id;

    id = add(f, "3701020001", "D1.1.1", SR_HAZARD_GENERAL, "保安员只有1人");
    assert_int_equal(id, 1);
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_string_equal(h.school, "3701020001");
    assert_string_equal(h.school_name, "历下区实验小学");
    assert_string_equal(h.district, "370102");
    assert_string_equal(h.district_name, "历下区");
    assert_string_equal(h.item, "D1.1.1");
    /* title and baseline element come from the current system */
    assert_string_equal(h.item_title, "专职保安员配备数量达到标准");
    assert_string_equal(h.baseline, "guards");
    assert_int_equal(h.assessment, 0);
    assert_int_equal(h.level, SR_HAZARD_GENERAL);
    assert_int_equal(h.status, SR_HAZARD_OPEN);
    assert_string_equal(h.description, "保安员只有1人");
    assert_string_equal(h.found_on, "2026-03-01");
    assert_string_equal(h.found_by, "张三");
    assert_null(h.responsible);
    assert_null(h.deadline);
    assert_null(h.closed_on);
    assert_int_equal(h.recurrent_of, 0);
    assert_false(h.supervised);
    assert_false(h.overdue);
    sr_hazard_release(&h);

    OK(sr_hazard_events(f->st, id, &ev, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].from, -1);
    assert_int_equal(ev[0].to, SR_HAZARD_OPEN);
    assert_string_equal(ev[0].by, "张三");
    assert_string_equal(ev[0].at, "2026-03-01T02:00:00Z");
    assert_string_equal(ev[0].note, "评估之外发现");
    assert_null(ev[0].evidence);
    sr_hazard_events_free(ev, n);
    assert_int_equal(count(f, "SELECT count(*) FROM hazard_events "
                              "WHERE from_status IS NULL AND "
                              "to_status = 'open'"),
                     1);

    /* no item, major, found on an earlier day: supervised */
    id = add(f, "3701120001", NULL, SR_HAZARD_MAJOR, "东侧围墙倒塌约5米");
    assert_int_equal(id, 2);
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_null(h.item);
    assert_null(h.item_title);
    assert_null(h.baseline);
    assert_true(h.supervised);
    assert_string_equal(h.district_name, "历城区");
    sr_hazard_release(&h);

    OK(sr_audit_verify(f->st, &rep));
    assert_true(rep.ok);
    /* one record per hazard event, after those of the setup */
    assert_int_equal(rep.records, SETUP_RECORDS + 2);
}

static void
test_add_found_on(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_new h;
    struct sr_hazard_record r;
    int64_t id;
    bool linked;

    memset(&h, 0, sizeof(h));
    h.school = "3701020001";
    h.level = SR_HAZARD_GENERAL;
    h.description = "消防通道堆放杂物";
    h.found_on = "2026-02-27";
    OK(sr_hazard_add(f->st, &h, &id, &linked));
    OK(sr_hazard_get(f->st, id, NULL, &r));
    assert_string_equal(r.found_on, "2026-02-27");
    sr_hazard_release(&r);
    /* today in China, not in UTC: 2026-03-01T16:30Z is 3-02 00:30 */
    clock_at(f->st, "2026-03-01T16:30:00Z");
    h.found_on = "2026-03-02";
    OK(sr_hazard_add(f->st, &h, &id, &linked));
    h.found_on = NULL;
    OK(sr_hazard_add(f->st, &h, &id, &linked));
    OK(sr_hazard_get(f->st, id, NULL, &r));
    assert_string_equal(r.found_on, "2026-03-02");
    sr_hazard_release(&r);
}

static void
test_add_refused(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_new h;
    int64_t id = -7;
    bool linked = false;

    memset(&h, 0, sizeof(h));
    h.school = "9999999999";
    h.level = SR_HAZARD_GENERAL;
    h.description = "x";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_NOT_FOUND,
            "no school with code '9999999999' in the registry");
    h.school = "3701020002";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_STATE,
            "school '3701020002' is closed in the registry: no new hazards "
            "can be recorded for it");
    h.school = "3701020001";
    h.item = "D9.9.9";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_NOT_FOUND,
            "item 'D9.9.9' is not in indicator system 'mini' version 1.0, "
            "the current system for school '3701020001' (stage primary)");
    h.school = "3701030001";
    h.item = "D1.1.1";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_NOT_FOUND,
            "no stored indicator system covers stage 'junior' (run "
            "'schoolrisk indicators load')");
    h.item = NULL;
    h.school = "3701020001";
    h.description = NULL;
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "the description is required");
    h.description = " \t";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "the description is empty");
    h.description = "围墙\xff";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "the description is not valid UTF-8 (byte 7)");
    h.description = "x";
    h.found_on = "2026-02-30";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "found on '2026-02-30' is not a valid date (YYYY-MM-DD)");
    h.found_on = "2026-03-02";
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "found on 2026-03-02 is in the future (today is 2026-03-01)");
    h.found_on = NULL;
    h.level = 7;
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "unknown hazard level 7 (general or major)");
    h.level = SR_HAZARD_GENERAL;
    h.school = NULL;
    REFUSED(sr_hazard_add(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "the hazard's school is required");
    /* outputs untouched, nothing written */
    assert_int_equal(id, -7);
    assert_false(linked);
    assert_int_equal(count(f, "SELECT count(*) FROM hazards"), 0);
    /* the setup's records only (checkpoint, system, two imports) */
    assert_int_equal(count(f, "SELECT count(*) FROM audit"), SETUP_RECORDS);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE kind = "
                              "'hazard_event'"),
                     0);
}

static void
test_assign(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_hazard_event *ev = NULL;
    size_t n = 0;
    int64_t id = add(f, "3701020001", NULL, SR_HAZARD_MAJOR, "围墙倒塌");

    as(f->st, "王科长");
    REFUSED(sr_hazard_assign(f->st, id, NULL, "2026-03-10", NULL),
            SR_ERR_INPUT, "the responsible person is required");
    REFUSED(sr_hazard_assign(f->st, id, "李四", NULL, NULL), SR_ERR_INPUT,
            "the deadline is required");
    REFUSED(sr_hazard_assign(f->st, id, "李四", "2026-3-10", NULL),
            SR_ERR_INPUT,
            "deadline '2026-3-10' is not a valid date (YYYY-MM-DD)");
    REFUSED(sr_hazard_assign(f->st, id, "李四", "2026-02-28", NULL),
            SR_ERR_INPUT, "deadline 2026-02-28 is before today (2026-03-01)");
    REFUSED(sr_hazard_assign(f->st, id, "李四", "2026-03-10", ""),
            SR_ERR_INPUT, "the measures is empty");
    REFUSED(sr_hazard_assign(f->st, 99, "李四", "2026-03-10", NULL),
            SR_ERR_NOT_FOUND, "no hazard 99");

    /* open -> rectifying; a deadline of today is allowed */
    OK(sr_hazard_assign(f->st, id, "李四", "2026-03-01", "设置围挡"));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_RECTIFYING);
    assert_string_equal(h.responsible, "李四");
    assert_string_equal(h.deadline, "2026-03-01");
    assert_string_equal(h.measures, "设置围挡");
    sr_hazard_release(&h);

    /* rectifying -> rectifying: re-assign keeps the measures */
    day(f->st, "2026-03-02");
    OK(sr_hazard_assign(f->st, id, "王五", "2026-03-20", NULL));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_RECTIFYING);
    assert_string_equal(h.responsible, "王五");
    assert_string_equal(h.deadline, "2026-03-20");
    assert_string_equal(h.measures, "设置围挡");
    sr_hazard_release(&h);

    OK(sr_hazard_events(f->st, id, &ev, &n));
    assert_int_equal(n, 3);
    assert_int_equal(ev[1].from, SR_HAZARD_OPEN);
    assert_int_equal(ev[1].to, SR_HAZARD_RECTIFYING);
    assert_string_equal(ev[1].by, "王科长");
    assert_string_equal(ev[1].note,
                        "整改责任人：李四；整改期限：2026-03-01；整改措施："
                        "设置围挡");
    assert_int_equal(ev[2].from, SR_HAZARD_RECTIFYING);
    assert_int_equal(ev[2].to, SR_HAZARD_RECTIFYING);
    assert_string_equal(ev[2].at, "2026-03-02T02:00:00Z");
    assert_string_equal(ev[2].note, "整改责任人：王五；整改期限：2026-03-20");
    sr_hazard_events_free(ev, n);
}

static void
test_loop_with_reject(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_hazard_event *ev = NULL;
    size_t n = 0;
    int64_t id = add(f, "3701020001", "D1.2.1", SR_HAZARD_MAJOR, "大门未封闭");

    drive(f, id, SR_HAZARD_RECTIFYING);
    as(f->st, "李四");
    REFUSED(sr_hazard_submit(f->st, id, NULL, NULL), SR_ERR_INPUT,
            "the rectification note is required");
    REFUSED(sr_hazard_submit(f->st, id, "已整改", ""), SR_ERR_INPUT,
            "the evidence is empty");
    OK(sr_hazard_submit(f->st, id, "已加装电动门", "照片3张，存校安全办"));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_SUBMITTED);
    assert_string_equal(h.submitted_by, "李四");
    sr_hazard_release(&h);

    as(f->st, "王科长");
    REFUSED(sr_hazard_reject(f->st, id, NULL), SR_ERR_INPUT,
            "the reason is required");
    OK(sr_hazard_reject(f->st, id, "门禁未接入报警"));
    assert_int_equal(status_of(f, id), SR_HAZARD_RECTIFYING);

    as(f->st, "李四");
    OK(sr_hazard_submit(f->st, id, "已接入报警", NULL));
    as(f->st, "王科长");
    day(f->st, "2026-03-05");
    OK(sr_hazard_verify(f->st, id, "现场复查合格"));
    /* a major hazard: the district's verify is its review (复查), and
     * it waits for the city's sign-off, given the same day */
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_SUBMITTED);
    assert_true(h.awaiting_signoff);
    assert_string_equal(h.reviewed_by, "王科长");
    assert_string_equal(h.reviewed_on, "2026-03-05");
    assert_null(h.closed_on);
    sr_hazard_release(&h);
    as(f->st, "市教育局");
    OK(sr_hazard_signoff(f->st, id, "同意销号"));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_CLOSED);
    assert_string_equal(h.closed_on, "2026-03-05");
    assert_false(h.awaiting_signoff);
    assert_false(h.overdue);
    sr_hazard_release(&h);

    OK(sr_hazard_events(f->st, id, &ev, &n));
    assert_int_equal(n, 7);
    {
        static const int from[] = {-1, 0, 1, 2, 1, 2, 2};
        static const int to[] = {0, 1, 2, 1, 2, 2, 3};
        static const char *const by[] = {"张三", "王科长", "李四", "王科长",
                                         "李四", "王科长", "市教育局"};
        size_t i;

        for (i = 0; i < n; i++) {
            assert_int_equal(ev[i].from, from[i]);
            assert_int_equal(ev[i].to, to[i]);
            assert_string_equal(ev[i].by, by[i]);
        }
    }
    assert_string_equal(ev[2].note, "已加装电动门");
    assert_string_equal(ev[2].evidence, "照片3张，存校安全办");
    assert_string_equal(ev[3].note, "门禁未接入报警");
    assert_null(ev[4].evidence);
    assert_string_equal(ev[5].note, "现场复查合格");
    assert_string_equal(ev[5].at, "2026-03-05T02:00:00Z");
    assert_string_equal(ev[6].note, "同意销号");
    assert_string_equal(ev[6].at, "2026-03-05T02:00:00Z");
    sr_hazard_events_free(ev, n);
}

/* Every step that is not allowed, from every state. */
static void
test_refused_transitions(void **state)
{
    struct fx *f = *state;
    int64_t open = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "a");
    int64_t rect = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "b");
    int64_t subm = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "c");
    int64_t clsd = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "d");

    drive(f, rect, SR_HAZARD_RECTIFYING);
    drive(f, subm, SR_HAZARD_SUBMITTED);
    drive(f, clsd, SR_HAZARD_CLOSED);
    as(f->st, "赵主任");

    REFUSED(sr_hazard_submit(f->st, open, "x", NULL), SR_ERR_STATE,
            "hazard 1 is open (登记): it can be assigned ('hazard assign'), "
            "not submitted");
    REFUSED(sr_hazard_verify(f->st, open, NULL), SR_ERR_STATE,
            "hazard 1 is open (登记): it can be assigned ('hazard assign'), "
            "not verified");
    REFUSED(sr_hazard_reject(f->st, open, "x"), SR_ERR_STATE,
            "hazard 1 is open (登记): it can be assigned ('hazard assign'), "
            "not rejected");

    REFUSED(sr_hazard_verify(f->st, rect, NULL), SR_ERR_STATE,
            "hazard 2 is rectifying (整改中): it can be submitted ('hazard "
            "submit') or re-assigned ('hazard assign'), not verified");
    REFUSED(sr_hazard_reject(f->st, rect, "x"), SR_ERR_STATE,
            "hazard 2 is rectifying (整改中): it can be submitted ('hazard "
            "submit') or re-assigned ('hazard assign'), not rejected");

    REFUSED(sr_hazard_assign(f->st, subm, "李四", "2026-03-10", NULL),
            SR_ERR_STATE,
            "hazard 3 is submitted (已整改待复查): it can be verified "
            "('hazard verify') or rejected ('hazard reject'), not assigned");
    REFUSED(sr_hazard_submit(f->st, subm, "x", NULL), SR_ERR_STATE,
            "hazard 3 is submitted (已整改待复查): it can be verified "
            "('hazard verify') or rejected ('hazard reject'), not "
            "submitted");

    REFUSED(sr_hazard_assign(f->st, clsd, "李四", "2026-03-10", NULL),
            SR_ERR_STATE,
            "hazard 4 is closed (已销号): no further steps are allowed");
    REFUSED(sr_hazard_submit(f->st, clsd, "x", NULL), SR_ERR_STATE,
            "hazard 4 is closed (已销号): no further steps are allowed");
    REFUSED(sr_hazard_verify(f->st, clsd, NULL), SR_ERR_STATE,
            "hazard 4 is closed (已销号): no further steps are allowed");
    REFUSED(sr_hazard_reject(f->st, clsd, "x"), SR_ERR_STATE,
            "hazard 4 is closed (已销号): no further steps are allowed");

    /* the state is checked before the step's input */
    REFUSED(sr_hazard_assign(f->st, clsd, NULL, NULL, NULL), SR_ERR_STATE,
            "hazard 4 is closed (已销号): no further steps are allowed");
    REFUSED(sr_hazard_verify(f->st, 0, NULL), SR_ERR_NOT_FOUND,
            "no hazard 0");
    REFUSED(sr_hazard_reject(f->st, 5, "x"), SR_ERR_NOT_FOUND,
            "no hazard 5");

    assert_int_equal(status_of(f, open), SR_HAZARD_OPEN);
    assert_int_equal(status_of(f, rect), SR_HAZARD_RECTIFYING);
    assert_int_equal(status_of(f, subm), SR_HAZARD_SUBMITTED);
    assert_int_equal(status_of(f, clsd), SR_HAZARD_CLOSED);
}

static void
test_four_eyes(void **state)
{
    struct fx *f = *state;
    int64_t id = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "a");

    drive(f, id, SR_HAZARD_SUBMITTED);  /* submitted by 李四 */
    as(f->st, "李四");
    REFUSED(sr_hazard_verify(f->st, id, "自查合格"), SR_ERR_STATE,
            "hazard 1: the rectification was submitted by '李四', so '李四' "
            "cannot verify it; the review (复查销号) must be done by someone "
            "else (four eyes)");
    assert_int_equal(status_of(f, id), SR_HAZARD_SUBMITTED);
    /* rejecting one's own submission is a withdrawal: allowed */
    OK(sr_hazard_reject(f->st, id, "撤回补充材料"));
    /* resubmitted by another person: the first may now verify */
    as(f->st, "赵六");
    OK(sr_hazard_submit(f->st, id, "补充照片", NULL));
    as(f->st, "赵六");
    REFUSED(sr_hazard_verify(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1: the rectification was submitted by '赵六', so '赵六' "
            "cannot verify it; the review (复查销号) must be done by someone "
            "else (four eyes)");
    as(f->st, "李四");
    OK(sr_hazard_verify(f->st, id, NULL));
    assert_int_equal(status_of(f, id), SR_HAZARD_CLOSED);
}

static void
test_audit_chain(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;
    int64_t id;
    long long events;

    id = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "a");
    /* one record per event, after the setup's SETUP_RECORDS */
    OK(sr_audit_verify(f->st, &rep));
    assert_true(rep.ok);
    assert_int_equal(rep.records, SETUP_RECORDS + 1);
    drive(f, id, SR_HAZARD_RECTIFYING);
    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.records, SETUP_RECORDS + 2);
    drive(f, id, SR_HAZARD_SUBMITTED);  /* assign again + submit */
    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.records, SETUP_RECORDS + 4);
    /* refused steps add nothing */
    as(f->st, "李四");
    assert_int_equal(sr_hazard_verify(f->st, id, NULL), SR_ERR_STATE);
    assert_int_equal(sr_hazard_submit(f->st, id, "x", NULL), SR_ERR_STATE);
    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.records, SETUP_RECORDS + 4);
    as(f->st, "王科长");
    OK(sr_hazard_reject(f->st, id, "r"));
    as(f->st, "李四");
    OK(sr_hazard_submit(f->st, id, "s", "e"));
    as(f->st, "王科长");
    OK(sr_hazard_verify(f->st, id, NULL));
    OK(sr_audit_verify(f->st, &rep));
    assert_true(rep.ok);
    assert_int_equal(rep.records, SETUP_RECORDS + 7);
    events = count(f, "SELECT count(*) FROM hazard_events");
    assert_int_equal(events, 7);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE kind = "
                              "'hazard_event'"),
                     7);

    /* the schema's triggers: no delete, no rewrite of events */
    assert_int_not_equal(test_raw_try(f->raw, "DELETE FROM hazards"),
                         SR_DB_OK);
    assert_int_not_equal(test_raw_try(f->raw,
                                      "UPDATE hazard_events SET note = 'x'"),
                         SR_DB_OK);
    /* an event rewritten behind the triggers' back is found */
    exec(f, "DROP TRIGGER hazard_events_append_only");
    exec(f, "UPDATE hazard_events SET note = '合格' WHERE id = 7");
    OK(sr_audit_verify(f->st, &rep));
    assert_false(rep.ok);
    assert_string_equal(rep.problem,
                        "audit record 11: hazard event 7 was altered (its "
                        "content no longer matches the hash recorded when "
                        "it was written)");
}

static void
test_overdue(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_hazard_record *v = NULL;
    struct sr_hazard_filter flt = {.status = -1, .level = -1,
                                   .overdue = true};
    size_t n = 0;
    int64_t a = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "a");
    int64_t b = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "b");
    int64_t c = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "c");

    drive(f, a, SR_HAZARD_RECTIFYING);  /* deadline 2026-03-10 */
    drive(f, b, SR_HAZARD_CLOSED);      /* deadline 2026-03-10, closed */
    (void)c;                            /* open: no deadline */

    /* deadline = today: not overdue */
    OK(sr_hazard_get(f->st, a, "2026-03-10", &h));
    assert_false(h.overdue);
    assert_int_equal(h.days_overdue, 0);
    sr_hazard_release(&h);
    OK(sr_hazard_get(f->st, a, "2026-03-11", &h));
    assert_true(h.overdue);
    assert_int_equal(h.days_overdue, 1);
    sr_hazard_release(&h);
    OK(sr_hazard_get(f->st, a, "2026-04-01", &h));
    assert_int_equal(h.days_overdue, 22);
    sr_hazard_release(&h);
    OK(sr_hazard_get(f->st, a, "2027-03-10", &h));
    assert_int_equal(h.days_overdue, 365);
    sr_hazard_release(&h);
    /* a closed hazard is never overdue */
    OK(sr_hazard_get(f->st, b, "2026-04-01", &h));
    assert_false(h.overdue);
    sr_hazard_release(&h);

    /* today from the clock, in China time: 15:59:59Z is 23:59:59 CST */
    clock_at(f->st, "2026-03-10T15:59:59Z");
    OK(sr_hazard_get(f->st, a, NULL, &h));
    assert_false(h.overdue);
    sr_hazard_release(&h);
    clock_at(f->st, "2026-03-10T16:00:00Z");
    OK(sr_hazard_get(f->st, a, NULL, &h));
    assert_true(h.overdue);
    assert_int_equal(h.days_overdue, 1);
    sr_hazard_release(&h);

    /* the overdue filter uses the same rule */
    OK(sr_hazard_list(f->st, &flt, "2026-03-10", &v, &n));
    assert_int_equal(n, 0);
    sr_hazard_list_free(v, n);
    OK(sr_hazard_list(f->st, &flt, "2026-03-11", &v, &n));
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, a);
    assert_int_equal(v[0].days_overdue, 1);
    sr_hazard_list_free(v, n);

    v = NULL;
    REFUSED(sr_hazard_get(f->st, a, "2026-13-01", &h), SR_ERR_INPUT,
            "today '2026-13-01' is not a valid date (YYYY-MM-DD)");
    REFUSED(sr_hazard_list(f->st, NULL, "yesterday", &v, &n), SR_ERR_INPUT,
            "today 'yesterday' is not a valid date (YYYY-MM-DD)");
    assert_null(v);
    assert_int_equal(n, 0);
}

/* Close a hazard on (school, item) on the given day. */
static int64_t
closed_on(struct fx *f, const char *school, const char *item,
          const char *date)
{
    int64_t id;

    day(f->st, date);
    as(f->st, "张三");
    id = add(f, school, item, SR_HAZARD_GENERAL, "earlier");
    as(f->st, "王科长");
    OK(sr_hazard_assign(f->st, id, "李四", date, NULL));
    as(f->st, "李四");
    OK(sr_hazard_submit(f->st, id, "done", NULL));
    as(f->st, "王科长");
    OK(sr_hazard_verify(f->st, id, NULL));
    return id;
}

static void
test_recurrence(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_hazard_event *ev = NULL;
    size_t n = 0;
    int64_t e1, e2, e3, e4, id;

    e1 = closed_on(f, "3701020001", "D1.1.1", "2025-03-10");
    e2 = closed_on(f, "3701020001", "D1.1.2", "2025-03-10");
    e3 = closed_on(f, "3701020001", "D1.2.1", "2023-02-28");
    e4 = closed_on(f, "3701020001", "D1.2.2", "2025-03-09");

    /* exactly 12 months after the closure: recurrent */
    day(f->st, "2026-03-10");
    as(f->st, "张三");
    id = add(f, "3701020001", "D1.1.1", SR_HAZARD_GENERAL, "again");
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.recurrent_of, e1);
    assert_string_equal(h.recurrent_closed_on, "2025-03-10");
    sr_hazard_release(&h);
    OK(sr_hazard_events(f->st, id, &ev, &n));
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].note, "评估之外发现；复发：同一检查项的隐患 1 "
                                    "已于 2025-03-10 销号");
    sr_hazard_events_free(ev, n);

    /* 12 months and a day: not recurrent */
    id = add(f, "3701020001", "D1.2.2", SR_HAZARD_GENERAL, "again");
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.recurrent_of, 0);
    assert_null(h.recurrent_closed_on);
    sr_hazard_release(&h);
    (void)e4;
    day(f->st, "2026-03-11");
    id = add(f, "3701020001", "D1.1.2", SR_HAZARD_GENERAL, "again");
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.recurrent_of, 0);
    sr_hazard_release(&h);
    (void)e2;

    /* same item at another school, and no item at all: not recurrent */
    id = add(f, "3701120001", "D1.1.1", SR_HAZARD_GENERAL, "elsewhere");
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.recurrent_of, 0);
    sr_hazard_release(&h);

    /* found 2024-02-29: the window reaches back to 2023-02-28 */
    {
        struct sr_hazard_new hn;
        bool linked;

        memset(&hn, 0, sizeof(hn));
        hn.school = "3701020001";
        hn.item = "D1.2.1";
        hn.level = SR_HAZARD_MAJOR;
        hn.description = "leap";
        hn.found_on = "2024-02-29";
        OK(sr_hazard_add(f->st, &hn, &id, &linked));
        OK(sr_hazard_get(f->st, id, NULL, &h));
        assert_int_equal(h.recurrent_of, e3);
        sr_hazard_release(&h);
    }
}

static void
test_raise(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_new h;
    struct sr_hazard_record r;
    struct sr_hazard_event *ev = NULL;
    struct sr_audit_report rep;
    size_t n = 0;
    int64_t id = 0, id2 = 0;
    bool linked = true;
    char want[256];

    exec(f, "INSERT INTO assessments(id, school, system_id, system_version,"
            " assessed_on, inspector, status, created_at, created_by) VALUES"
            " (12, '3701020001', 'mini', '1.0', '2026-02-20', '检查员甲', "
            "'draft', '2026-02-20T01:00:00Z', 't'),"
            " (13, '3701020001', 'mini', '1.0', '2026-02-27', '检查员乙', "
            "'draft', '2026-02-27T01:00:00Z', 't')");
    memset(&h, 0, sizeof(h));
    h.school = "3701020001";
    h.item = "D1.2.1";
    h.item_title = "校门封闭";
    h.assessment = 12;
    h.level = SR_HAZARD_MAJOR;
    h.baseline = "closed-campus";
    h.description = "校门未封闭";
    h.found_on = "2026-02-20";
    h.found_by = "检查员甲";

    /* inside the caller's transaction: a rollback takes it back */
    OK(sr_store_begin(f->st));
    OK(sr_hazard_raise(f->st, &h, &id, &linked));
    assert_false(linked);
    sr_store_rollback(f->st);
    assert_int_equal(count(f, "SELECT count(*) FROM hazards"), 0);
    /* nothing beyond the setup's records */
    assert_int_equal(count(f, "SELECT count(*) FROM audit"), SETUP_RECORDS);

    OK(sr_store_begin(f->st));
    OK(sr_hazard_raise(f->st, &h, &id, &linked));
    OK(sr_store_commit(f->st));
    assert_false(linked);
    OK(sr_hazard_get(f->st, id, NULL, &r));
    assert_int_equal(r.assessment, 12);
    assert_string_equal(r.item_title, "校门封闭");
    assert_string_equal(r.baseline, "closed-campus");
    assert_string_equal(r.found_on, "2026-02-20");
    assert_string_equal(r.found_by, "检查员甲");
    assert_true(r.supervised);
    sr_hazard_release(&r);

    /* found again by another assessment while still open: linked */
    h.assessment = 13;
    h.found_on = "2026-02-27";
    h.found_by = "检查员乙";
    h.description = "校门仍未封闭";
    OK(sr_store_begin(f->st));
    OK(sr_hazard_raise(f->st, &h, &id2, &linked));
    OK(sr_store_commit(f->st));
    assert_true(linked);
    assert_int_equal(id2, id);
    assert_int_equal(count(f, "SELECT count(*) FROM hazards"), 1);
    OK(sr_hazard_events(f->st, id, &ev, &n));
    assert_int_equal(n, 2);
    assert_string_equal(ev[0].note, "评估发现（评估 12）");
    assert_int_equal(ev[1].from, SR_HAZARD_OPEN);
    assert_int_equal(ev[1].to, SR_HAZARD_OPEN);
    assert_string_equal(ev[1].by, "张三");
    assert_string_equal(ev[1].note, "2026-02-27 由 检查员乙 再次发现"
                                    "（评估 13）：校门仍未封闭");
    sr_hazard_events_free(ev, n);
    OK(sr_hazard_get(f->st, id, NULL, &r));
    /* the hazard's own record is not rewritten */
    assert_string_equal(r.description, "校门未封闭");
    assert_int_equal(r.assessment, 12);
    sr_hazard_release(&r);

    /* linked in every state but closed: submitted here */
    drive(f, id, SR_HAZARD_SUBMITTED);
    OK(sr_hazard_raise(f->st, &h, &id2, &linked));
    assert_true(linked);
    assert_int_equal(id2, id);
    assert_int_equal(status_of(f, id), SR_HAZARD_SUBMITTED);
    /* sr_hazard_add() links the same way */
    {
        struct sr_hazard_new a;

        memset(&a, 0, sizeof(a));
        a.school = "3701020001";
        a.item = "D1.2.1";
        a.level = SR_HAZARD_MAJOR;
        a.description = "督查发现";
        as(f->st, "督查组");
        OK(sr_hazard_add(f->st, &a, &id2, &linked));
        assert_true(linked);
        assert_int_equal(id2, id);
        OK(sr_hazard_events(f->st, id, &ev, &n));
        assert_int_equal(n, 6);
        assert_int_equal(ev[5].from, SR_HAZARD_SUBMITTED);
        assert_int_equal(ev[5].to, SR_HAZARD_SUBMITTED);
        assert_string_equal(ev[5].note, "2026-03-01 由 督查组 再次发现："
                                        "督查发现");
        sr_hazard_events_free(ev, n);
    }

    /* reviewed by the district and waiting for the city's sign-off, a
     * major hazard is still not closed: a finding is linked */
    as(f->st, "王科长");
    OK(sr_hazard_verify(f->st, id, NULL));
    OK(sr_hazard_raise(f->st, &h, &id2, &linked));
    assert_true(linked);
    assert_int_equal(id2, id);
    /* once closed (signed off), a new finding is a new hazard, and
     * recurrent */
    as(f->st, "市教育局");
    OK(sr_hazard_signoff(f->st, id, NULL));
    h.found_on = "2026-03-01";
    OK(sr_hazard_raise(f->st, &h, &id2, &linked));
    assert_false(linked);
    assert_int_equal(id2, id + 1);
    OK(sr_hazard_get(f->st, id2, NULL, &r));
    assert_int_equal(r.recurrent_of, id);
    assert_string_equal(r.recurrent_closed_on, "2026-03-01");
    sr_hazard_release(&r);
    OK(sr_hazard_events(f->st, id2, &ev, &n));
    assert_int_equal(n, 1);
    /* the id: a refused insert takes a number of PostgreSQL's sequence
     * for good, where SQLite gives it again */
    snprintf(want, sizeof(want),
             "评估发现（评估 13）；复发：同一检查项的隐患 %lld 已于 "
             "2026-03-01 销号",
             (long long)id);
    assert_string_equal(ev[0].note, want);
    sr_hazard_events_free(ev, n);

    /* without an item: always a new hazard */
    h.item = NULL;
    h.item_title = NULL;
    h.baseline = NULL;
    OK(sr_hazard_raise(f->st, &h, &id, &linked));
    OK(sr_hazard_raise(f->st, &h, &id2, &linked));
    assert_false(linked);
    assert_int_equal(id2, id + 1);

    /* input */
    h.baseline = "moat";
    REFUSED(sr_hazard_raise(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "unknown baseline element 'moat'");
    h.baseline = NULL;
    h.found_on = "20260301";
    REFUSED(sr_hazard_raise(f->st, &h, &id, &linked), SR_ERR_INPUT,
            "found on '20260301' is not a valid date (YYYY-MM-DD)");
    h.found_on = NULL;
    h.school = "1234567890";
    REFUSED(sr_hazard_raise(f->st, &h, &id, &linked), SR_ERR_NOT_FOUND,
            "no school with code '1234567890' in the registry");

    OK(sr_audit_verify(f->st, &rep));
    assert_true(rep.ok);
    /* one record per event, after the setup's */
    assert_int_equal(rep.records, SETUP_RECORDS + count(f, "SELECT count(*) "
                                                           "FROM "
                                                           "hazard_events"));
}

static void
test_list(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record *v = NULL;
    struct sr_hazard_filter flt;
    size_t n = 0;

    add(f, "3701020001", NULL, SR_HAZARD_MAJOR, "a");   /* 1 历下 major */
    add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "b"); /* 2 历下 */
    add(f, "3701120001", NULL, SR_HAZARD_GENERAL, "c"); /* 3 历城 */
    add(f, "3701120001", NULL, SR_HAZARD_MAJOR, "d");   /* 4 历城 major */
    drive(f, 2, SR_HAZARD_RECTIFYING);
    drive(f, 4, SR_HAZARD_CLOSED);

#define LIST(expect)                                                      \
    do {                                                                  \
        OK(sr_hazard_list(f->st, &flt, "2026-03-01", &v, &n));            \
        {                                                                 \
            char got_[64] = "";                                           \
            size_t i_;                                                    \
            for (i_ = 0; i_ < n; i_++)                                    \
                snprintf(got_ + strlen(got_), sizeof(got_) - strlen(got_),\
                         "%s%lld", i_ ? "," : "", (long long)v[i_].id);   \
            assert_string_equal(got_, (expect));                          \
        }                                                                 \
        sr_hazard_list_free(v, n);                                        \
        v = NULL;                                                         \
    } while (0)

    memset(&flt, 0, sizeof(flt));
    flt.status = flt.level = -1;
    LIST("1,2,3,4");
    flt.district = "370112";
    LIST("3,4");
    flt.district = "历下区";
    LIST("1,2");
    flt.district = NULL;
    flt.school = "3701120001";
    LIST("3,4");
    flt.school = NULL;
    flt.level = SR_HAZARD_MAJOR;
    LIST("1,4");
    flt.status = SR_HAZARD_CLOSED;
    LIST("4");
    flt.level = -1;
    flt.status = SR_HAZARD_OPEN;
    LIST("1,3");
    flt.status = SR_HAZARD_RECTIFYING;
    flt.district = "370102";
    LIST("2");
    flt.district = "370103";
    LIST("");

    OK(sr_hazard_list(f->st, NULL, NULL, &v, &n));
    assert_int_equal(n, 4);
    assert_true(v[0].supervised);
    assert_false(v[1].supervised);
    assert_true(v[3].supervised);  /* a closed major hazard keeps its flag */
    assert_string_equal(v[2].school_name, "历城区山区小学");
    sr_hazard_list_free(v, n);
    v = NULL;

    flt.district = "999";
    REFUSED(sr_hazard_list(f->st, &flt, NULL, &v, &n), SR_ERR_NOT_FOUND,
            "no district '999' (give its code, such as 370102, or its name, "
            "such as 历下区)");
    flt.district = NULL;
    flt.school = "1234567890";
    REFUSED(sr_hazard_list(f->st, &flt, NULL, &v, &n), SR_ERR_NOT_FOUND,
            "no school with code '1234567890' in the registry");
    assert_null(v);
}

/* City supervision (挂牌督办): the district's verify of a major hazard
 * is its review (复查); only the city's sign-off, given by neither the
 * one who submitted the rectification nor the one who reviewed it,
 * closes it. */
static void
test_signoff(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_hazard_record *v = NULL;
    struct sr_hazard_filter flt = {.status = -1, .level = -1};
    struct sr_hazard_event *ev = NULL;
    struct sr_audit_report rep;
    size_t n = 0;
    int64_t id = add(f, "3701020001", "D1.2.1", SR_HAZARD_MAJOR, "大门未封闭");
    int64_t gen = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "一般");
    int64_t open = add(f, "3701020001", NULL, SR_HAZARD_MAJOR, "未处理");

    drive(f, id, SR_HAZARD_SUBMITTED);  /* submitted by 李四 */
    drive(f, gen, SR_HAZARD_SUBMITTED);
    as(f->st, "市教育局");
    REFUSED(sr_hazard_signoff(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1 has not passed the district's review (复查) yet: the "
            "district verifies it ('hazard verify') before the city signs "
            "it off");
    REFUSED(sr_hazard_signoff(f->st, gen, NULL), SR_ERR_STATE,
            "hazard 2 is a general hazard: it is not under city supervision "
            "(挂牌督办), and the district's review ('hazard verify') closes "
            "it");
    REFUSED(sr_hazard_signoff(f->st, open, NULL), SR_ERR_STATE,
            "hazard 3 is open (登记): it can be assigned ('hazard assign'), "
            "not signed off");

    /* the district's review: still submitted, awaiting the city */
    day(f->st, "2026-03-04");
    as(f->st, "王科长");
    OK(sr_hazard_verify(f->st, id, "复查合格"));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_SUBMITTED);
    assert_true(h.supervised);
    assert_true(h.awaiting_signoff);
    assert_string_equal(h.submitted_by, "李四");
    assert_string_equal(h.reviewed_by, "王科长");
    assert_string_equal(h.reviewed_on, "2026-03-04");
    assert_null(h.closed_on);
    sr_hazard_release(&h);
    /* a general hazard's verify still closes it, with no review fields */
    OK(sr_hazard_verify(f->st, gen, NULL));
    OK(sr_hazard_get(f->st, gen, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_CLOSED);
    assert_false(h.awaiting_signoff);
    assert_null(h.reviewed_by);
    assert_null(h.reviewed_on);
    assert_string_equal(h.closed_on, "2026-03-04");
    sr_hazard_release(&h);
    /* the ledger's filter finds it */
    flt.awaiting_signoff = true;
    OK(sr_hazard_list(f->st, &flt, NULL, &v, &n));
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, id);
    assert_true(v[0].awaiting_signoff);
    sr_hazard_list_free(v, n);
    v = NULL;

    /* one review is enough; what it allows now says so */
    as(f->st, "赵主任");
    REFUSED(sr_hazard_verify(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1 passed the district's review by '王科长' and waits "
            "for the city's sign-off (市级挂牌督办销号: 'hazard signoff')");
    REFUSED(sr_hazard_assign(f->st, id, "李四", "2026-03-10", NULL),
            SR_ERR_STATE,
            "hazard 1 is submitted (已整改待复查): it passed the district's "
            "review and can be signed off ('hazard signoff') or rejected "
            "('hazard reject'), not assigned");
    /* four eyes: neither the submitter nor the reviewer signs it off */
    as(f->st, "李四");
    REFUSED(sr_hazard_signoff(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1: the rectification was submitted by '李四', so '李四' "
            "cannot sign it off; the city's sign-off (销号) must be given by "
            "someone else (four eyes)");
    as(f->st, "王科长");
    REFUSED(sr_hazard_signoff(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1: '王科长' passed the district's review, so the city's "
            "sign-off must be given by someone else (four eyes)");
    REFUSED(sr_hazard_signoff(f->st, id, "\xff"), SR_ERR_STATE,
            "hazard 1: '王科长' passed the district's review, so the city's "
            "sign-off must be given by someone else (four eyes)");

    /* the city signs it off, two days later */
    day(f->st, "2026-03-06");
    as(f->st, "市教育局");
    REFUSED(sr_hazard_signoff(f->st, id, "\xff"), SR_ERR_INPUT,
            "the review note is not valid UTF-8 (byte 1)");
    OK(sr_hazard_signoff(f->st, id, "挂牌督办隐患整改到位，同意销号"));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_CLOSED);
    assert_string_equal(h.closed_on, "2026-03-06");
    assert_false(h.awaiting_signoff);
    assert_true(h.supervised);
    /* the review stays on record */
    assert_string_equal(h.reviewed_by, "王科长");
    assert_string_equal(h.reviewed_on, "2026-03-04");
    sr_hazard_release(&h);
    OK(sr_hazard_list(f->st, &flt, NULL, &v, &n));
    assert_int_equal(n, 0);
    sr_hazard_list_free(v, n);

    OK(sr_hazard_events(f->st, id, &ev, &n));
    assert_int_equal(n, 5);
    assert_int_equal(ev[3].from, SR_HAZARD_SUBMITTED);
    assert_int_equal(ev[3].to, SR_HAZARD_SUBMITTED);
    assert_string_equal(ev[3].by, "王科长");
    assert_string_equal(ev[3].note, "复查合格");
    assert_int_equal(ev[4].from, SR_HAZARD_SUBMITTED);
    assert_int_equal(ev[4].to, SR_HAZARD_CLOSED);
    assert_string_equal(ev[4].by, "市教育局");
    assert_string_equal(ev[4].at, "2026-03-06T02:00:00Z");
    assert_string_equal(ev[4].note, "挂牌督办隐患整改到位，同意销号");
    sr_hazard_events_free(ev, n);

    as(f->st, "其他人");
    REFUSED(sr_hazard_signoff(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1 is closed (已销号): no further steps are allowed");
    REFUSED(sr_hazard_signoff(f->st, 99, NULL), SR_ERR_NOT_FOUND,
            "no hazard 99");

    /* every step, the review and the sign-off included, is chained:
     * 3 + 2 + 1 + 1 events of hazards 1 (5), 2 (4) and 3 (1) */
    OK(sr_audit_verify(f->st, &rep));
    assert_true(rep.ok);
    assert_int_equal(rep.records, SETUP_RECORDS + 10);
}

/* A rejection, by the city or the district, voids the review: the
 * resubmitted rectification is reviewed again before any sign-off. */
static void
test_signoff_reject_voids_review(void **state)
{
    struct fx *f = *state;
    struct sr_hazard_record h;
    struct sr_audit_report rep;
    int64_t id = add(f, "3701020001", NULL, SR_HAZARD_MAJOR, "围墙倒塌");

    drive(f, id, SR_HAZARD_SUBMITTED);
    as(f->st, "王科长");
    OK(sr_hazard_verify(f->st, id, NULL));
    as(f->st, "市教育局");
    OK(sr_hazard_reject(f->st, id, "现场复核：围墙未按原高度修复"));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_RECTIFYING);
    assert_null(h.reviewed_by);
    assert_null(h.reviewed_on);
    assert_false(h.awaiting_signoff);
    sr_hazard_release(&h);

    as(f->st, "李四");
    OK(sr_hazard_submit(f->st, id, "已加高至2.5米", NULL));
    as(f->st, "市教育局");
    REFUSED(sr_hazard_signoff(f->st, id, NULL), SR_ERR_STATE,
            "hazard 1 has not passed the district's review (复查) yet: the "
            "district verifies it ('hazard verify') before the city signs "
            "it off");
    /* the new review is by 赵主任: 王科长, whose review was voided, may
     * now sign off */
    as(f->st, "赵主任");
    OK(sr_hazard_verify(f->st, id, NULL));
    OK(sr_hazard_get(f->st, id, NULL, &h));
    assert_string_equal(h.reviewed_by, "赵主任");
    sr_hazard_release(&h);
    as(f->st, "王科长");
    OK(sr_hazard_signoff(f->st, id, NULL));
    assert_int_equal(status_of(f, id), SR_HAZARD_CLOSED);
    OK(sr_audit_verify(f->st, &rep));
    assert_true(rep.ok);
}

/* Four eyes compares user ids when both sides are signed-in users, and
 * names otherwise. */
static void
test_four_eyes_users(void **state)
{
    struct fx *f = *state;
    int64_t gen = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "a");
    int64_t gen2 = add(f, "3701020001", NULL, SR_HAZARD_GENERAL, "b");
    int64_t maj = add(f, "3701020001", NULL, SR_HAZARD_MAJOR, "c");

    /* two users who happen to share a name (the users table refers
     * events to them; the audit chain is not this test's subject) */
    exec(f, "INSERT INTO users(id, login, name, password_hash, "
            "password_set_at, created_at, created_by) VALUES "
            "(7, 'zhangwei', '张伟', 'x', '2026-01-01T00:00:00Z', "
            "'2026-01-01T00:00:00Z', 't'), "
            "(8, 'zhangwei2', '张伟', 'x', '2026-01-01T00:00:00Z', "
            "'2026-01-01T00:00:00Z', 't')");
    drive(f, gen, SR_HAZARD_RECTIFYING);
    drive(f, gen2, SR_HAZARD_RECTIFYING);
    drive(f, maj, SR_HAZARD_RECTIFYING);
    OK(sr_store_set_user(f->st, 7, "张伟"));
    OK(sr_hazard_submit(f->st, gen, "已整改", NULL));
    OK(sr_hazard_submit(f->st, gen2, "已整改", NULL));
    OK(sr_hazard_submit(f->st, maj, "已整改", NULL));

    /* the same user under another name is the same person */
    OK(sr_store_set_user(f->st, 7, "张伟（历下区）"));
    REFUSED(sr_hazard_verify(f->st, gen, NULL), SR_ERR_STATE,
            "hazard 1: the rectification was submitted by '张伟', so "
            "'张伟（历下区）' cannot verify it; the review (复查销号) must be "
            "done by someone else (four eyes)");
    /* someone without an account named like the submitter: by name */
    as(f->st, "张伟");
    REFUSED(sr_hazard_verify(f->st, gen, NULL), SR_ERR_STATE,
            "hazard 1: the rectification was submitted by '张伟', so '张伟' "
            "cannot verify it; the review (复查销号) must be done by someone "
            "else (four eyes)");
    /* another user with the same name is another person */
    OK(sr_store_set_user(f->st, 8, "张伟"));
    OK(sr_hazard_verify(f->st, gen, NULL));
    assert_int_equal(status_of(f, gen), SR_HAZARD_CLOSED);

    /* the major hazard: user 8 reviews it; neither user 8 (under any
     * name) nor user 7 signs it off, someone else does */
    OK(sr_hazard_verify(f->st, maj, NULL));
    OK(sr_store_set_user(f->st, 8, "市教育局张伟"));
    REFUSED(sr_hazard_signoff(f->st, maj, NULL), SR_ERR_STATE,
            "hazard 3: '张伟' passed the district's review, so the city's "
            "sign-off must be given by someone else (four eyes)");
    OK(sr_store_set_user(f->st, 7, "市教育局"));
    REFUSED(sr_hazard_signoff(f->st, maj, NULL), SR_ERR_STATE,
            "hazard 3: the rectification was submitted by '张伟', so "
            "'市教育局' cannot sign it off; the city's sign-off (销号) must "
            "be given by someone else (four eyes)");
    as(f->st, "市教育局");
    OK(sr_hazard_signoff(f->st, maj, NULL));
    assert_int_equal(status_of(f, maj), SR_HAZARD_CLOSED);
    assert_int_equal(status_of(f, gen2), SR_HAZARD_SUBMITTED);
}

static void
test_evidence_file(void **state)
{
    struct fx *f = *state;
    char path[128], *s = NULL, expect[256], *abs;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/photo.txt", f->dir);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("abc", fp);
    fclose(fp);
    assert_int_equal(sr_hazard_evidence_file(path, &s), SR_OK);
    abs = realpath(path, NULL);
    assert_non_null(abs);
    snprintf(expect, sizeof(expect),
             "%s (sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb4"
             "10ff61f20015ad, 3 bytes)",
             abs);
    assert_string_equal(s, expect);
    free(s);
    free(abs);
    s = NULL;
    snprintf(path, sizeof(path), "%s/none.jpg", f->dir);
    assert_int_equal(sr_hazard_evidence_file(path, &s), SR_ERR_IO);
    assert_null(s);
    assert_int_equal(sr_hazard_evidence_file(f->dir, &s), SR_ERR_IO);
    assert_null(s);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_date_diff),
        T(test_add),
        T(test_add_found_on),
        T(test_add_refused),
        T(test_assign),
        T(test_loop_with_reject),
        T(test_refused_transitions),
        T(test_four_eyes),
        T(test_signoff),
        T(test_signoff_reject_voids_review),
        T(test_four_eyes_users),
        T(test_audit_chain),
        T(test_overdue),
        T(test_recurrence),
        T(test_raise),
        T(test_list),
        T(test_evidence_file),
    };

    return cmocka_run_group_tests_name("hazards", tests, NULL, NULL);
}
