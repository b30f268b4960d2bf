/*
 * test_format2_store.c - indicator format 2 through the database
 * (docs/indicator-format.md s.16): the hazards a submission records
 * follow the answer's level, a failed 0-point prerequisite is listed by
 * the district report (失分明细, 否决项), and a database of schema 3 is
 * upgraded with what was met read back from its answers; outcome items
 * (hazard="none" on the item) score and veto but raise no hazard.
 *
 * The system is tests/fixtures/fmt2/table.xml (outcome.xml for the
 * outcome items); the three schools a, b and c of that directory are
 * registered here.  One database per test in
 * a mkdtemp directory, the clock pinned to 2026-09-15 10:00 China time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)

#define A "3701029801" /* town, 1200 pupils: every item applies */
#define B "3701029802" /* urban, 300, day school: P.1.2, S.1.3, S.1.4 not */
#define C "3701029803" /* rural, 300, boarding: every item applies */

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
    A ",格式2示例甲校,历下区,小学,公办,镇区,否,否,是,否,否,1200,0,0\n"
    B ",格式2示例乙校,历下区,小学,公办,城区,否,否,是,否,否,300,0,0\n"
    C ",格式2示例丙校,历下区,小学,公办,乡村,是,否,是,否,否,300,300,0\n";

/* Answers as "item=value" (the value may itself hold '='). */
static const char *const answers_a[] = {
    "P.1.1=pass", "P.1.2=pass", "S.1.1=基本符合", "S.1.2=不符合",
    "S.1.3=pass", "S.1.4=pass",
    "S.1.5=灭火器过期=5;疏散通道堵塞=4;应急照明损坏=4",
    "B.1.1=pass", "B.1.2=pass", "B.1.3=pass", "B.1.4=pass", NULL};

/* b.csv of the fixtures: P.1.1 fails (a prerequisite worth 0 points),
 * S.1.2 基本符合 is a level of no hazard. */
static const char *const answers_b[] = {
    "P.1.1=fail", "S.1.1=部分符合", "S.1.2=基本符合", "S.1.5=疏散通道堵塞=11",
    "B.1.1=pass", "B.1.2=pass", "B.1.3=pass", "B.1.4=pass", NULL};

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    struct sr_diags d;
};

static void
ok(struct fx *f, sr_error rc)
{
    if (rc != SR_OK) {
        show_diags(&f->d);
        fail_msg("%s: %s", sr_strerror(rc), sr_store_errmsg(f->st));
    }
}

static int
setup_system(void **state, const char *system)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-fmt2-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&f->d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    ok(f, sr_store_set_actor(f->st, "张检查员"));
    ok(f, sr_store_load_system_file(f->st, system, &out, &f->d));
    ok(f, sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                    sizeof(registry_csv) - 1, 0, &rep,
                                    &f->d));
    assert_int_equal(rep.added, 3);
    *state = f;
    return 0;
}

static int
setup(void **state)
{
    return setup_system(state, SR_FIXTURES "/fmt2/table.xml");
}

/* tests/fixtures/fmt2/outcome.xml: outcome items (hazard="none"). */
static int
setup_outcome(void **state)
{
    return setup_system(state, SR_FIXTURES "/fmt2/outcome.xml");
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

/* A draft of school @p code answered with @p v, submitted. */
static int64_t
submit(struct fx *f, const char *code, const char *const *v,
       struct sr_submit_report *rep)
{
    int64_t id;
    size_t i;

    ok(f, sr_assess_new(f->st, code, "2026-09-10", NULL, &id));
    for (i = 0; v[i]; i++) {
        char item[16];
        const char *eq = strchr(v[i], '=');

        assert_non_null(eq);
        snprintf(item, sizeof(item), "%.*s", (int)(eq - v[i]), v[i]);
        ok(f, sr_assess_set(f->st, id, item, eq + 1, NULL, &f->d));
    }
    ok(f, sr_assess_submit(f->st, id, &f->d, rep));
    return id;
}

/* The school's hazards as "item level" lines in item order. */
static char *
hazards_of(struct fx *f, const char *code)
{
    static char buf[512];
    struct sr_hazard_filter hf;
    struct sr_hazard_record *v = NULL;
    size_t n = 0, i, len = 0;

    memset(&hf, 0, sizeof(hf));
    hf.school = code;
    hf.status = -1;
    hf.level = -1;
    ok(f, sr_hazard_list(f->st, &hf, NULL, &v, &n));
    buf[0] = '\0';
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s %s",
                                i ? "; " : "", v[i].item,
                                sr_hazard_name(v[i].level));
    sr_hazard_list_free(v, n);
    return buf;
}

/* ------------------------------------------------------------------ */
/* Hazards follow the answer                                            */
/* ------------------------------------------------------------------ */

/* Issue 11 item 6 through the store: S.1.2 基本符合 (hazard="none")
 * loses 4 points and raises nothing; the failed prerequisite raises its
 * major hazard. */
static void
test_level_of_no_hazard(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;

    submit(f, B, answers_b, &rep);
    assert_int_equal(rep.total, 6000);
    assert_true(rep.vetoed);
    assert_int_equal(rep.hazards_new, 3);
    assert_int_equal(rep.hazards_linked, 0);
    assert_string_equal(hazards_of(f, B),
                        "P.1.1 major; S.1.1 general; S.1.5 general");
}

/* S.1.2 不符合 (hazard="major") raises a major hazard although the
 * item's own level is the default, general. */
static void
test_level_of_major_hazard(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;

    submit(f, A, answers_a, &rep);
    assert_int_equal(rep.total, 7000);
    assert_false(rep.vetoed);
    assert_int_equal(rep.hazards_new, 3);
    assert_string_equal(hazards_of(f, A),
                        "S.1.1 general; S.1.2 major; S.1.5 general");
}

/* ------------------------------------------------------------------ */
/* Reports list what was not met                                        */
/* ------------------------------------------------------------------ */

/* Run one SQL statement on the file behind the library's back. */
static void
raw_sql(struct fx *f, const char *sql)
{
    test_db_exec(f->db, sql);
}

/* The first column of the rows of @p sql, joined by "; ". */
static char *
raw_text(struct fx *f, const char *sql)
{
    static char buf[1024];
    struct sr_store *db = test_raw_open(f->db);
    struct sr_stmt *s = NULL;
    size_t len = 0;

    buf[0] = '\0';
    if (sr_store_prepare(db, sql, &s) != SR_OK)
        fail_msg("%s: %s", sql, sr_store_errmsg(db));
    while (sr_step(s) == SR_ROW) {
        const char *t = sr_col_text(s, 0);

        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
                                len ? "; " : "", t ? t : "NULL");
    }
    sr_store_finish(db, s);
    sr_store_close(db);
    return buf;
}

/* School @p code's lost rows of the district report of 2026Q3 as
 * "item earned/max hazard veto" and its veto items. */
static void
lost_rows(struct fx *f, const char *code, char *out, size_t outsz,
          char *veto, size_t vetosz)
{
    struct sr_report_district r;
    struct sr_period p;
    size_t i, len = 0;

    assert_int_equal(sr_period_parse("2026Q3", &p), SR_OK);
    ok(f, sr_report_district(f->st, "历下区", &p, &r));
    out[0] = '\0';
    for (i = 0; i < r.n_lost; i++)
        if (!strcmp(r.lost[i].code, code))
            len += (size_t)snprintf(
                out + len, outsz - len, "%s%s %lld/%lld %s%s",
                len ? "; " : "", r.lost[i].item,
                (long long)(r.lost[i].earned / 1000000),
                (long long)(r.lost[i].max / 1000000),
                sr_hazard_name(r.lost[i].hazard),
                r.lost[i].veto ? " veto" : "");
    snprintf(veto, vetosz, "%s", "");
    for (i = 0; i < r.n_schools; i++)
        if (!strcmp(r.schools[i].code, code) && r.schools[i].veto_items)
            snprintf(veto, vetosz, "%s", r.schools[i].veto_items);
    sr_report_district_release(&r);
}

#define B_LOST                                                             \
    "P.1.1 0/0 major veto; S.1.1 5/15 general; S.1.2 6/10 none; "          \
    "S.1.5 0/20 general"
#define B_VETO "P.1.1 学校依法取得办学许可，校舍经鉴定安全"

/* A failed prerequisite scores 0.00 of 0.00: the report lists it with
 * its veto, and names it among the school's veto items (the city's
 * 否决项 reads the same); S.1.2's row says the answer implied none. */
static void
test_report_lists_prerequisite(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    char lost[512], veto[256];

    submit(f, B, answers_b, &rep);
    lost_rows(f, B, lost, sizeof(lost), veto, sizeof(veto));
    assert_string_equal(lost, B_LOST);
    assert_string_equal(veto, B_VETO);
    /* What the rows hold: met, and the hazard of an item not met. */
    assert_string_equal(
        raw_text(f, "SELECT node || ' ' || coalesce(CAST(met AS TEXT), "
                    "'NULL') || ' ' || coalesce('''' || hazard || '''', "
                    "'NULL') FROM scores WHERE kind <> 'item' "
                    "OR node IN ('P.1.1', 'S.1.2', 'B.1.1') ORDER BY node"),
        "B NULL NULL; B.1 NULL NULL; B.1.1 1 NULL; P.1.1 0 'major'; "
        "S NULL NULL; S.1 NULL NULL; S.1.2 0 'none'");
}

/* met and hazard are chained with the assessment (audit format 3): a
 * failed prerequisite turned "met" by hand breaks the chain. */
static void
test_met_is_chained(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    struct sr_audit_report ar;

    submit(f, B, answers_b, &rep);
    ok(f, sr_audit_verify(f->st, &ar));
    assert_true(ar.ok);
    raw_sql(f, "UPDATE scores SET met = 1, hazard = NULL WHERE node = "
               "'P.1.1'");
    ok(f, sr_audit_verify(f->st, &ar));
    assert_false(ar.ok);
    assert_non_null(strstr(ar.problem, "assessment 1"));
}

/* Close the store and take its database back to schema 3 as a
 * schoolrisk before format 2's report wiring wrote it: scores without
 * met and hazard, the old partial index (and schools without the
 * columns of schema 5). */
static void
to_schema_3(struct fx *f)
{
    sr_store_close(f->st);
    f->st = NULL;
    raw_sql(f, /* schema 13: the events' deadlines */
               "ALTER TABLE hazard_events DROP COLUMN deadline;"
               /* schema 12: an assessment's hazards */
               "DROP INDEX hazards_assessment;"
               "DROP INDEX scores_shown;"
               "ALTER TABLE scores DROP COLUMN hazard;"
               "ALTER TABLE scores DROP COLUMN met;"
               "CREATE INDEX scores_shown ON scores(assessment, node, kind, "
               "earned, max) WHERE kind = 'dimension' OR (kind = 'item' AND "
               "earned < max);"
               "ALTER TABLE schools DROP COLUMN staff;"
               "ALTER TABLE schools DROP COLUMN meal_delivery;"
               "ALTER TABLE schools DROP COLUMN village_school;"
               /* schema 6: the expert corps */
               "DROP TABLE expert_events; DROP TABLE experts;"
               /* schema 9: period sign-off */
               "DROP TABLE signoff_events;"
               /* schema 8: inspection plans */
               "DROP TABLE plan_pairs; DROP TABLE plan_experts;"
               "DROP TABLE plan_schools; DROP INDEX assessments_plan;"
               "ALTER TABLE assessments DROP COLUMN plan; DROP TABLE plans;"
               "PRAGMA user_version = 3;");
}

/* A database of schema 3 holding the same submission (as a schoolrisk
 * of part 1 wrote it: no met, no hazard, the old partial index) is
 * upgraded: met is read back from earned, max and the answer, the
 * hazard left to the item's own, and the report lists the prerequisite
 * through the new index. */
static void
test_upgrade_from_schema_3(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    char lost[512], veto[256];

    test_sqlite_only("SQLite's schema 3, upgraded");
    submit(f, B, answers_b, &rep);
    to_schema_3(f);
    assert_int_equal(sr_store_open(f->db, 0, &f->st), SR_ERR_VERSION);
    sr_store_close(f->st);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    assert_int_equal(sr_store_schema_version(f->st), SR_SCHEMA_VERSION);
    assert_string_equal(
        raw_text(f, "SELECT node || ' ' || met || ' ' || quote(hazard) "
                    "FROM scores WHERE kind = 'item' ORDER BY node"),
        "B.1.1 1 NULL; B.1.2 1 NULL; B.1.3 1 NULL; B.1.4 1 NULL; "
        "P.1.1 0 NULL; S.1.1 0 NULL; S.1.2 0 NULL; S.1.5 0 NULL");
    /* Before schema 4 every item not met had raised the item's own
     * hazard: S.1.2 reads general, as it was recorded then. */
    lost_rows(f, B, lost, sizeof(lost), veto, sizeof(veto));
    assert_string_equal(lost, "P.1.1 0/0 major veto; S.1.1 5/15 general; "
                              "S.1.2 6/10 general; S.1.5 0/20 general");
    assert_string_equal(veto, B_VETO);
    assert_string_equal(
        raw_text(f, "SELECT sql FROM sqlite_master WHERE name = "
                    "'scores_shown'"),
        "CREATE INDEX scores_shown ON scores(assessment, node, kind, earned, "
        "max, met, hazard) WHERE kind = 'dimension' OR (kind = 'item' AND "
        "met = 0)");
}

/* A prerequisite answered 是 (a word for pass) in a schema-3 database
 * is met after the upgrade, and so listed nowhere. */
static void
test_upgrade_reads_pass_words(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    char lost[512], veto[256];

    const char *v[sizeof(answers_a) / sizeof(answers_a[0])];

    test_sqlite_only("SQLite's schema 3, upgraded");
    memcpy(v, answers_a, sizeof(v));
    v[0] = "P.1.1=是";
    v[1] = "P.1.2=符合";
    submit(f, A, v, &rep);
    to_schema_3(f);
    assert_string_equal(
        raw_text(f, "SELECT value FROM answers WHERE item LIKE 'P.%' "
                    "ORDER BY item"),
        "是; 符合");
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    assert_string_equal(
        raw_text(f, "SELECT node || ' ' || met FROM scores WHERE node "
                    "LIKE 'P.%' ORDER BY node"),
        "P.1.1 1; P.1.2 1");
    lost_rows(f, A, lost, sizeof(lost), veto, sizeof(veto));
    assert_string_equal(lost, "S.1.1 10/15 general; S.1.2 0/10 general; "
                              "S.1.5 5/20 general");
    assert_string_equal(veto, "");
}

/* ------------------------------------------------------------------ */
/* Outcome items                                                        */
/* ------------------------------------------------------------------ */

static const char *const answers_outcome[] = {
    "R.1.1=fail", "R.1.2=2", "R.1.3=发生已妥善处置", "B.1.1=pass",
    "B.1.2=pass", "B.1.3=pass", "B.1.4=pass", NULL};

/* Issue 11 item 10: a criminal case in the year vetoes, two public-order
 * cases cost 4 points, a bullying case handled costs 10; none of them
 * is a hazard to rectify.  The report lists all three as 无隐患, the
 * first with its veto. */
static void
test_outcome_raises_nothing(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    char lost[512], veto[256];

    submit(f, B, answers_outcome, &rep);
    assert_int_equal(rep.total, 8600);
    assert_true(rep.vetoed);
    assert_false(rep.compliant);
    assert_int_equal(rep.hazards_new, 0);
    assert_int_equal(rep.hazards_linked, 0);
    assert_string_equal(hazards_of(f, B), "");
    lost_rows(f, B, lost, sizeof(lost), veto, sizeof(veto));
    assert_string_equal(lost, "R.1.1 0/0 none veto; R.1.2 6/10 none; "
                              "R.1.3 10/20 none");
    assert_string_equal(veto, "R.1.1 全年未发生刑事案件或重大安全责任事故");
}

/* A level of an outcome item that declares a hazard raises it: the
 * bullying case not yet handled is work to do. */
static void
test_outcome_level_declares_hazard(void **state)
{
    struct fx *f = *state;
    struct sr_submit_report rep;
    const char *v[sizeof(answers_outcome) / sizeof(answers_outcome[0])];

    memcpy(v, answers_outcome, sizeof(v));
    v[0] = "R.1.1=pass";
    v[2] = "R.1.3=发生未处置";
    submit(f, C, v, &rep);
    assert_int_equal(rep.total, 7600);
    assert_false(rep.vetoed);
    assert_int_equal(rep.hazards_new, 1);
    assert_string_equal(hazards_of(f, C), "R.1.3 general");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_level_of_no_hazard, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_level_of_major_hazard, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_report_lists_prerequisite,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_met_is_chained, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_from_schema_3, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_reads_pass_words,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_outcome_raises_nothing,
                                        setup_outcome, teardown),
        cmocka_unit_test_setup_teardown(test_outcome_level_declares_hazard,
                                        setup_outcome, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
