/*
 * test_audit.c - the audit chain of schema 2: what it covers, what each
 * kind of tampering looks like, a chain cut back at its end, and the
 * upgrade of a schema 1 database.
 *
 * Every database is built through the library (the registry import, an
 * assessment submitted, hazards through every step including the
 * city's sign-off); the tampering is done with the plain sqlite3 API on
 * the file, as someone with the sqlite3 shell would (on PostgreSQL, the
 * same SQL on a connection of its own, as with psql: testdb.h), dropping
 * the schema's triggers where they stand in the way.  Each case asserts the
 * exact message naming the record or row.
 *
 * The records of the fixture built by setup(), in order:
 *    1  checkpoint 1         (every new database starts with one)
 *    2  system 1             mini.xml
 *    3  registry change 1    3 schools added
 *    4  hazard event 1       hazard 1 raised by assessment 1 (D1.1.1)
 *    5  hazard event 2       hazard 2 raised by assessment 1 (D1.2.2)
 *    6  assessment 1
 *    7  hazard event 3       hazard 3 (major, no item) added
 *  8-10 hazard events 4-6    hazard 1 assigned, submitted, verified
 * 11-17 hazard events 7-13   hazard 3 assigned, submitted, reviewed,
 *                            rejected by the city, submitted, reviewed,
 *                            signed off
 *   18  registry change 2    a full import of 历下区 closes 3701020002
 * 19-20 hazard events 14-15  hazard 2 assigned and submitted
 * 20 records: 1 checkpoint, 1 system, 2 registry, 1 assessment, 15
 * hazard events.
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

#include <sqlite3.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)

#define RECORDS 20

#define REGISTRY_HEADER                                                   \
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"  \
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"

static const char registry_csv[] =
    REGISTRY_HEADER
    "3701020001,济南市历下区示例小学,历下区,小学,公办,城区,是,否,是,否,"
    "否,1500,300,0,王老师,0531-0000001\n"
    "3701020002,济南市历下区旧校区小学,历下区,小学,公办,城区,否,否,是,"
    "否,否,800,0,0,,\n"
    "3701120001,济南市历城区示例小学,历城区,小学,公办,乡村,否,否,是,否,"
    "否,200,0,0,,\n";

/* 历下区's whole registry without 3701020002. */
static const char registry_full_csv[] =
    REGISTRY_HEADER
    "3701020001,济南市历下区示例小学,历下区,小学,公办,城区,是,否,是,否,"
    "否,1500,300,0,王老师,0531-0000001\n";

/* D1.1.1: 3 guards of 4 required; D1.2.2 基本符合: two general hazards. */
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
    struct sr_store *st;
    struct sr_store *raw; /* the tampering hand (testdb.h) */
    char head18[65];  /* the head before hazard 2's two steps */
    char head20[65];  /* the head at the end of setup() */
};

#define OK(call)                                                          \
    do {                                                                  \
        sr_error rc_ = (call);                                            \
        if (rc_ != SR_OK)                                                 \
            fail_msg("%s: %s", #call, sr_store_errmsg(f->st));           \
    } while (0)

static void
as(struct fx *f, const char *who)
{
    OK(sr_store_set_actor(f->st, who));
}

/* SQLite's json_set(col, args) and its PostgreSQL twin, col's JSON
 * object with the keys of obj replaced (the text then in jsonb's form,
 * which is altered either way). */
#define JSON_SET(col, args, obj)                                          \
    (test_db_pg() ? "(" col "::jsonb || " obj "::jsonb)::text"            \
                  : "json_set(" col ", " args ")")

static void
raw_sql(struct fx *f, const char *sql)
{
    test_raw_exec(f->raw, sql);
}

static long long
raw_count(struct fx *f, const char *sql)
{
    return test_raw_int(f->raw, sql);
}

static void
import(struct fx *f, const char *csv, int flags, size_t changed)
{
    struct sr_import_report rep;
    struct sr_diags d;

    sr_diags_init(&d);
    OK(sr_registry_import_memory(f->st, "reg.csv", csv, strlen(csv), flags,
                                 &rep, &d));
    assert_int_equal(rep.added + rep.updated + rep.closed, changed);
    sr_diags_release(&d);
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_submit_report rep;
    struct sr_hazard_new hn;
    enum sr_load_outcome out;
    struct sr_diags d;
    char csv[128];
    int64_t id, hz;
    bool linked;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-audit-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    as(f, "管理员");
    OK(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml", &out, &d));
    import(f, registry_csv, 0, 3);

    as(f, "张检查员");
    snprintf(csv, sizeof(csv), "%s/r.csv", f->dir);
    write_file(csv, responses_csv);
    OK(sr_assess_new(f->st, "3701020001", NULL, NULL, &id));
    assert_int_equal(sr_assess_import(f->st, id, csv, &d), SR_OK);
    OK(sr_assess_submit(f->st, id, &d, &rep));
    assert_int_equal(rep.hazards_new, 2);
    memset(&hn, 0, sizeof(hn));
    hn.school = "3701120001";
    hn.level = SR_HAZARD_MAJOR;
    hn.description = "锅炉房无人看管";
    OK(sr_hazard_add(f->st, &hn, &hz, &linked));
    assert_int_equal(hz, 3);

    /* hazard 1, general: its verify closes it */
    as(f, "区教体局");
    OK(sr_hazard_assign(f->st, 1, "王老师", "2026-10-15", "增配保安员"));
    as(f, "王老师");
    OK(sr_hazard_submit(f->st, 1, "已增配保安员", NULL));
    as(f, "李复查员");
    OK(sr_hazard_verify(f->st, 1, NULL));
    /* hazard 3, major: reviewed, rejected by the city, reviewed again,
     * signed off */
    as(f, "区教体局");
    OK(sr_hazard_assign(f->st, 3, "赵校长", "2026-10-15", NULL));
    as(f, "赵校长");
    OK(sr_hazard_submit(f->st, 3, "已安排专人看管", NULL));
    as(f, "李复查员");
    OK(sr_hazard_verify(f->st, 3, "复查合格"));
    as(f, "市教育局安全处");
    OK(sr_hazard_reject(f->st, 3, "未见值班记录"));
    as(f, "赵校长");
    OK(sr_hazard_submit(f->st, 3, "补充值班记录", NULL));
    as(f, "孙复查员");
    OK(sr_hazard_verify(f->st, 3, NULL));
    as(f, "市教育局安全处");
    OK(sr_hazard_signoff(f->st, 3, "同意销号"));

    as(f, "管理员");
    import(f, registry_full_csv, SR_IMPORT_FULL, 1);
    OK(sr_audit_head(f->st, f->head18));
    as(f, "区教体局");
    OK(sr_hazard_assign(f->st, 2, "王老师", "2026-10-15", NULL));
    as(f, "王老师");
    OK(sr_hazard_submit(f->st, 2, "联网线路已检修", NULL));
    OK(sr_audit_head(f->st, f->head20));

    sr_diags_release(&d);
    unlink(csv);
    f->raw = test_raw_open(f->db);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->raw);
    sr_store_close(f->st);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* The chain must be broken with exactly this problem. */
static void
broken(struct fx *f, const char *problem)
{
    struct sr_audit_report rep;

    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.ok, 0);
    assert_string_equal(rep.problem, problem);
}

#define ALTERED "(its content no longer matches the hash recorded when it " \
                "was written)"

/* ------------------------------------------------------------------ */
/* An intact chain                                                      */
/* ------------------------------------------------------------------ */

static void
test_intact_workflow(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;
    char head[65];
    int64_t records = -1;

    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.ok, 1);
    assert_string_equal(rep.problem, "");
    assert_int_equal(rep.records, RECORDS);
    assert_string_equal(rep.head, f->head20);
    assert_true(sr_audit_hash_valid(rep.head));
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE kind = "
                                  "'checkpoint'"),
                     1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE kind = "
                                  "'system'"),
                     1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE kind = "
                                  "'registry'"),
                     2);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE kind = "
                                  "'assessment'"),
                     1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE kind = "
                                  "'hazard_event'"),
                     15);
    /* every new record is in its kind's newest format: 4 for an
     * assessment (its scores with met and hazard, schema 4; the plan it
     * was made for, schema 8), 2 for the others; the seq of each kind as
     * above */
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE format "
                                  "<> CASE kind WHEN 'assessment' THEN 4 "
                                  "ELSE 2 END"),
                     0);
    assert_int_equal(raw_count(f, "SELECT seq FROM audit WHERE kind = "
                                  "'assessment'"),
                     6);
    assert_int_equal(raw_count(f, "SELECT max(seq) FROM audit WHERE kind = "
                                  "'registry'"),
                     18);
    OK(sr_audit_head_records(f->st, head, &records));
    assert_string_equal(head, f->head20);
    assert_int_equal(records, RECORDS);

    /* an import that changes nothing adds no record */
    as(f, "管理员");
    import(f, registry_full_csv, SR_IMPORT_FULL, 0);
    OK(sr_audit_verify_head(f->st, f->head20, &rep));
    assert_int_equal(rep.ok, 1);
    assert_int_equal(rep.records, RECORDS);
    /* an earlier head is still held */
    OK(sr_audit_verify_head(f->st, f->head18, &rep));
    assert_int_equal(rep.ok, 1);
}

static void
test_hash_valid(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;
    char upper[65];
    size_t i;

    assert_true(sr_audit_hash_valid(f->head20));
    for (i = 0; i < 65; i++)
        upper[i] = (char)(f->head20[i] >= 'a' && f->head20[i] <= 'f'
                              ? f->head20[i] - 'a' + 'A'
                              : f->head20[i]);
    assert_false(sr_audit_hash_valid(upper));
    assert_false(sr_audit_hash_valid(""));
    assert_false(sr_audit_hash_valid("5eaf66"));
    assert_false(sr_audit_hash_valid(
        "5eaf6660737028323335a8a4c20420eb692bc6c7ad3e276057eeb2e740b2aef"));
    assert_false(sr_audit_hash_valid(
        "5eaf6660737028323335a8a4c20420eb692bc6c7ad3e276057eeb2e740b2aef8"
        "0"));
    assert_false(sr_audit_hash_valid(
        "5eaf6660737028323335a8a4c20420eb692bc6c7ad3e276057eeb2e740b2aeg8"));
    assert_true(sr_audit_hash_valid(
        "5eaf6660737028323335a8a4c20420eb692bc6c7ad3e276057eeb2e740b2aef8"));
    /* a head that is not one is an input error, not a broken chain */
    assert_int_equal(sr_audit_verify_head(f->st, "5eaf66", &rep),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "'5eaf66' is not a chain head (64 hex digits as "
                        "`audit head` prints it)");
    /* a well-formed hash the chain never held */
    OK(sr_audit_verify_head(
        f->st,
        "5eaf6660737028323335a8a4c20420eb692bc6c7ad3e276057eeb2e740b2aef8",
        &rep));
    assert_int_equal(rep.ok, 0);
    assert_int_equal(rep.records, RECORDS);
}

/* ------------------------------------------------------------------ */
/* Tampering                                                            */
/* ------------------------------------------------------------------ */

/* (1) A hazard closed with an UPDATE. */
static void
test_hazard_row_updated(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "UPDATE hazards SET status = 'closed', closed_on = "
               "'2026-09-15' WHERE id = 2");
    broken(f, "hazard 2 was altered outside schoolrisk: its row no longer "
              "matches the state recorded by its latest event");
}

/* The latest event's snapshot edited to agree with the row: the event's
 * own record shows it. */
static void
test_hazard_row_and_snapshot_updated(void **state)
{
    struct fx *f = *state;

    char sql[512];

    snprintf(sql, sizeof(sql),
             "DROP TRIGGER hazard_events_append_only;"
             "UPDATE hazards SET status = 'closed', closed_on = "
             "'2026-09-15' WHERE id = 2;"
             "UPDATE hazard_events SET state = %s WHERE id = 15",
             JSON_SET("state", "'$.status', 'closed', '$.closed_on', "
                               "'2026-09-15'",
                      "'{\"status\": \"closed\", \"closed_on\": "
                      "\"2026-09-15\"}'"));
    raw_sql(f, sql);
    broken(f, "audit record 20: hazard event 15 was altered " ALTERED);
}

/* (2) The baseline evidence of a submitted assessment. */
static void
test_baseline_item_updated(void **state)
{
    struct fx *f = *state;

    assert_int_equal(raw_count(f, "SELECT \"full\" FROM baseline_items WHERE "
                                  "assessment = 1 AND item = 'D1.1.1'"),
                     0);
    raw_sql(f, "UPDATE baseline_items SET \"full\" = 1 WHERE assessment = 1 "
               "AND item = 'D1.1.1'");
    broken(f, "audit record 6: assessment 1 was altered " ALTERED);
}

/* (3) A hazard inserted with no event. */
static void
test_hazard_inserted(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "INSERT INTO hazards(school, level, description, status, "
               "found_on, found_by) VALUES ('3701020001', 'general', "
               "'伪造的隐患', 'open', '2026-09-15', '某人')");
    broken(f, "hazard 4 has no recorded history: it was added outside "
              "schoolrisk");
}

/* (4) The registry edited, and a school added, with SQL. */
static void
test_school_updated(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "UPDATE schools SET enrollment = 900 WHERE code = "
               "'3701020001'");
    broken(f, "school 3701020001 was altered outside schoolrisk: its "
              "registry row no longer matches its latest recorded version");
}

static void
test_school_inserted(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "INSERT INTO schools(code, name, district, stage, ownership, "
               "locale, boarding, school_bus, canteen, laboratory, "
               "swimming_pool, enrollment, boarders, special_needs, closed, "
               "updated_at, updated_by) VALUES ('3701020009', '不存在的小学', "
               "'370102', 'primary', 'public', 'urban', 0, 0, 1, 0, 0, 800, "
               "0, 0, 0, '2026-09-15T02:00:00Z', '某人')");
    broken(f, "school 3701020009 has no recorded version: it was added to "
              "the registry outside schoolrisk");
}

/* A closed school reopened with an UPDATE. */
static void
test_school_reopened(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "UPDATE schools SET closed = 0 WHERE code = '3701020002'");
    broken(f, "school 3701020002 was altered outside schoolrisk: its "
              "registry row no longer matches its latest recorded version");
}

/* (5) The chain cut back at its end: hazard 2's last two steps removed,
 * their records and events deleted and the hazard put back as it was.
 * The chain alone verifies; the head exported before does not. */
static void
test_tail_truncated(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;
    char want[512];

    raw_sql(f, "DROP TRIGGER audit_kept; DROP TRIGGER hazard_events_kept;"
               "DELETE FROM audit WHERE seq IN (19, 20);"
               "DELETE FROM hazard_events WHERE id IN (14, 15);"
               "UPDATE hazards SET status = 'open', responsible = NULL, "
               "deadline = NULL, measures = NULL, submitted_by = NULL, "
               "submitted_by_user = NULL WHERE id = 2");
    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.ok, 1);
    assert_int_equal(rep.records, RECORDS - 2);
    assert_string_equal(rep.head, f->head18);

    OK(sr_audit_verify_head(f->st, f->head20, &rep));
    assert_int_equal(rep.ok, 0);
    snprintf(want, sizeof(want),
             "the chain no longer holds the record with hash %s (exported "
             "earlier as its head): records were removed from its end",
             f->head20);
    assert_string_equal(rep.problem, want);
    /* the older head is still there */
    OK(sr_audit_verify_head(f->st, f->head18, &rep));
    assert_int_equal(rep.ok, 1);

    /* new records after the cut do not bring the removed head back */
    as(f, "区教体局");
    OK(sr_hazard_assign(f->st, 2, "王老师", "2026-10-15", NULL));
    OK(sr_audit_verify_head(f->st, f->head20, &rep));
    assert_int_equal(rep.ok, 0);
    assert_string_equal(rep.problem, want);
}

/* (6) A stored indicator system's XML edited. */
static void
test_system_xml_updated(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "DROP TRIGGER systems_immutable;"
               "UPDATE systems SET xml = replace(xml, '示例小学', "
               "'样例小学')");
    assert_int_equal(sr_db_changes(f->raw), 1);
    broken(f, "audit record 2: indicator system load 1 was altered " ALTERED);
}

/* (7) A district renamed: the checkpoint holds the districts. */
static void
test_district_renamed(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "UPDATE districts SET name = '泉城区' WHERE code = '370102'");
    broken(f, "audit record 1: checkpoint 1 was altered " ALTERED);
}

/* (8) A submitted assessment's total, and its kind. */
static void
test_assessment_total_updated(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "DROP TRIGGER submitted_immutable;"
               "UPDATE assessments SET total = 10000 WHERE id = 1");
    broken(f, "audit record 6: assessment 1 was altered " ALTERED);
}

static void
test_assessment_kind_updated(void **state)
{
    struct fx *f = *state;

    raw_sql(f, "DROP TRIGGER submitted_immutable;"
               "UPDATE assessments SET kind = 'self' WHERE id = 1");
    broken(f, "audit record 6: assessment 1 was altered " ALTERED);
}

/* A registry change's school version edited to agree with an edited
 * row: the change's record shows it. */
static void
test_school_version_updated(void **state)
{
    struct fx *f = *state;

    char sql[512];

    snprintf(sql, sizeof(sql),
             "DROP TRIGGER school_versions_append_only;"
             "UPDATE schools SET enrollment = 900 WHERE code = "
             "'3701020001';"
             "UPDATE school_versions SET state = %s WHERE code = "
             "'3701020001'",
             JSON_SET("state", "'$.enrollment', 900",
                      "'{\"enrollment\": 900}'"));
    raw_sql(f, sql);
    broken(f, "audit record 3: registry change 1 was altered " ALTERED);
}

/* ------------------------------------------------------------------ */
/* The upgrade from schema 1                                            */
/* ------------------------------------------------------------------ */

/* tests/fixtures/schema1/schema1.db (see its README): written by the
 * schema 1 build.  8 records: hazard events 1 and 2, assessment 1 (seq
 * 3), hazard events 3-7.  The upgrade adds the registry as it stands
 * (9), the stored system (10) and the checkpoint (11). */
#define V1_RECORDS 8

/* Copy the fixture to name in the scratch directory and open it with
 * the library, which upgrades it. */
static void
upgraded(struct fx *f, const char *name, char path[128])
{
    char cmd[512];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;

    test_sqlite_only("a schema 1 SQLite file, upgraded");
    snprintf(path, 128, "%s/%s", f->dir, name);
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'",
             SR_FIXTURES "/schema1/schema1.db", path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    sqlite3_close(db);

    sr_store_close(f->st);
    sr_store_close(f->raw);
    f->st = NULL;
    f->raw = NULL;
    assert_int_equal(sr_store_open(path, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    f->raw = test_raw_open(path);
}

static void
test_upgrade_schema1(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report rep;
    struct sr_submit_report sub;
    struct sr_hazard_record h;
    struct sr_diags d;
    char path[128];

    upgraded(f, "s1.db", path);
    assert_int_equal(sr_store_schema_version(f->st), SR_SCHEMA_VERSION);
    OK(sr_audit_verify(f->st, &rep));
    if (!rep.ok)
        fail_msg("%s", rep.problem);
    assert_int_equal(rep.records, V1_RECORDS + 4);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit WHERE format "
                                  "= 1"),
                     V1_RECORDS);
    assert_int_equal(raw_count(f, "SELECT seq FROM audit WHERE kind = "
                                  "'assessment' AND ref = 1"),
                     3);
    assert_int_equal(raw_count(f, "SELECT min(seq) FROM audit WHERE kind = "
                                  "'registry'"),
                     9);
    assert_int_equal(raw_count(f, "SELECT seq FROM audit WHERE kind = "
                                  "'system'"),
                     10);
    assert_int_equal(raw_count(f, "SELECT seq FROM audit WHERE kind = "
                                  "'checkpoint'"),
                     11);
    /* the registry as it stood is its first version; each hazard's
     * state is on its latest event */
    /* The upgrade to schema 5 gave every school staff 0, meal_delivery
     * and village_school 否, recorded as a registry change after the
     * checkpoint, with a version of each school in the new form. */
    assert_int_equal(raw_count(f, "SELECT count(*) FROM school_versions"), 4);
    assert_int_equal(raw_count(f, "SELECT seq FROM audit WHERE kind = "
                                  "'registry' AND ref = (SELECT id FROM "
                                  "registry_changes WHERE source = "
                                  "'schema 5 upgrade' AND added = 0 AND "
                                  "updated = 2 AND closed = 0)"),
                     12);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM school_versions v "
                                  "JOIN registry_changes c ON c.id = "
                                  "v.change WHERE c.source = 'schema 5 "
                                  "upgrade' AND json_extract(v.state, "
                                  "'$.staff') = 0 AND json_extract(v.state, "
                                  "'$.meal_delivery') = 0 AND "
                                  "json_extract(v.state, '$.village_school') "
                                  "= 0"),
                     2);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM schools WHERE staff "
                                  "= 0 AND meal_delivery = 0 AND "
                                  "village_school = 0"),
                     2);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM hazard_events WHERE "
                                  "state IS NOT NULL"),
                     3);
    assert_int_equal(raw_count(f, "SELECT max_assessment FROM checkpoints"),
                     2);
    assert_int_equal(raw_count(f, "SELECT max_event FROM checkpoints"), 7);

    /* Opening it again does not upgrade it twice. */
    sr_store_close(f->st);
    assert_int_equal(sr_store_open(path, 0, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.ok, 1);
    assert_int_equal(rep.records, V1_RECORDS + 4);

    /* Work goes on: the draft of schema 1 is submitted (it must not
     * change what the checkpoint covers), the old major hazard is
     * reviewed and signed off. */
    sr_diags_init(&d);
    as(f, "张检查员");
    OK(sr_assess_submit(f->st, 2, &d, &sub));
    assert_int_equal(sub.hazards_new, 0);
    sr_diags_release(&d);
    OK(sr_audit_verify(f->st, &rep));
    if (!rep.ok)
        fail_msg("%s", rep.problem);
    assert_int_equal(rep.records, V1_RECORDS + 5);
    as(f, "区教体局");
    OK(sr_hazard_assign(f->st, 3, "李老师", "2026-10-15", NULL));
    as(f, "李老师");
    OK(sr_hazard_submit(f->st, 3, "已安排专人看管", NULL));
    as(f, "李复查员");
    OK(sr_hazard_verify(f->st, 3, NULL));
    as(f, "市教育局安全处");
    OK(sr_hazard_signoff(f->st, 3, NULL));
    OK(sr_hazard_get(f->st, 3, NULL, &h));
    assert_int_equal(h.status, SR_HAZARD_CLOSED);
    sr_hazard_release(&h);
    OK(sr_audit_verify(f->st, &rep));
    assert_int_equal(rep.ok, 1);
    assert_int_equal(rep.records, V1_RECORDS + 9);
}

/* What format 1 did not hash, the checkpoint does. */
static void
test_upgrade_baseline_item_updated(void **state)
{
    struct fx *f = *state;
    char path[128];

    upgraded(f, "s1.db", path);
    raw_sql(f, "UPDATE baseline_items SET full = 1 WHERE assessment = 1 AND "
               "item = 'D1.1.1'");
    assert_int_equal(raw_count(f, "SELECT changes()"), 1);
    broken(f, "audit record 11: checkpoint 1 was altered " ALTERED);
}

/* Regression: the kind schema 2 gave the assessments of schema 1 was
 * covered by nothing, so an old inspection could be turned into a
 * self-inspection, and out of every report, unseen. */
static void
test_upgrade_kind_updated(void **state)
{
    struct fx *f = *state;
    char path[128];

    upgraded(f, "s1.db", path);
    raw_sql(f, "DROP TRIGGER submitted_immutable;"
               "UPDATE assessments SET kind = 'self' WHERE id = 1");
    broken(f, "audit record 11: checkpoint 1 was altered " ALTERED);
}

static void
test_upgrade_old_rows(void **state)
{
    struct fx *f = *state;
    char path[128];

    /* an answer of the old assessment: its format 1 record */
    upgraded(f, "a.db", path);
    raw_sql(f, "DROP TRIGGER answers_frozen_upd;"
               "UPDATE answers SET value = '4' WHERE assessment = 1 AND "
               "item = 'D1.1.1'");
    broken(f, "audit record 3: assessment 1 was altered " ALTERED);
    /* an old hazard: the state the upgrade recorded */
    upgraded(f, "b.db", path);
    raw_sql(f, "UPDATE hazards SET status = 'closed' WHERE id = 2");
    broken(f, "hazard 2 was altered outside schoolrisk: its row no longer "
              "matches the state recorded by its latest event");
    /* a school of the registry of then */
    upgraded(f, "c.db", path);
    raw_sql(f, "UPDATE schools SET enrollment = 1200 WHERE code = "
               "'3701020001'");
    broken(f, "school 3701020001 was altered outside schoolrisk: its "
              "registry row no longer matches its latest recorded version");
    /* an old event's state, backfilled by the upgrade */
    upgraded(f, "d.db", path);
    raw_sql(f, "DROP TRIGGER hazard_events_append_only;"
               "UPDATE hazards SET status = 'closed' WHERE id = 2;"
               "UPDATE hazard_events SET state = json_set(state, '$.status',"
               " 'closed') WHERE id = (SELECT max(id) FROM hazard_events "
               "WHERE hazard = 2)");
    broken(f, "audit record 11: checkpoint 1 was altered " ALTERED);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_intact_workflow),
        T(test_hash_valid),
        T(test_hazard_row_updated),
        T(test_hazard_row_and_snapshot_updated),
        T(test_baseline_item_updated),
        T(test_hazard_inserted),
        T(test_school_updated),
        T(test_school_inserted),
        T(test_school_reopened),
        T(test_tail_truncated),
        T(test_system_xml_updated),
        T(test_district_renamed),
        T(test_assessment_total_updated),
        T(test_assessment_kind_updated),
        T(test_school_version_updated),
        T(test_upgrade_schema1),
        T(test_upgrade_baseline_item_updated),
        T(test_upgrade_kind_updated),
        T(test_upgrade_old_rows),
    };

    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
