/*
 * test_demo.c - the demo city (schoolrisk/demo.h): a small city of 100
 * schools is built twice with the same seed and once with another, and
 * checked with independent SQL on the database: identical content for
 * the same seed, the districts and stages, a realistic calendar, every
 * hazard state reached, overdue hazards at the year's end, coverage
 * below 100%, four eyes kept (and the city's sign-off of major hazards
 * by neither the submitter nor the reviewer), the audit chain intact,
 * and the summary agreeing with SQL; supervision on 31 December (the
 * third quarter signed off, the fourth's plans and their inspections)
 * with exact counts for seed 1.
 *
 * 100 schools rather than 60: with 60 the few hazards still open
 * (登记) on 31 December (found in late autumn, assigned after the
 * year's end) are a handful, and a seed may leave none.  The city is
 * built with SR_STORE_BULK, as `schoolrisk demo` builds it.
 */

/* The city's size: every count below is worked out from it. */
#define SCHOOLS 100
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

#include "schoolrisk/audit.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/bulletin.h"
#include "schoolrisk/demo.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_all.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "../../src/store/report_int.h"
#include "testdb.h"

struct city {
    char dir[64];
    char db[96];
    struct sr_demo_stats stats;
    char view[128];  /* PostgreSQL: the SQLite copy q() reads, */
    char head[65];   /* made at this head of the chain */
};

static struct city a, b, c;

/* The cities built and not yet destroyed, for q() to find by db. */
static struct city *built[8];

static void
build(struct city *x, long schools, uint64_t seed)
{
    struct sr_demo_options o;
    struct sr_store *st = NULL;
    struct sr_diags d;
    sr_error rc;

    snprintf(x->dir, sizeof(x->dir), "/tmp/sr-test-demo-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    test_db_new(x->db, sizeof(x->db), x->dir, "schoolrisk.db");
    x->head[0] = '\0';
    for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++)
        if (!built[i]) {
            built[i] = x;
            break;
        }
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(x->db, SR_STORE_CREATE | SR_STORE_BULK,
                                   &st),
                     SR_OK);
    memset(&o, 0, sizeof(o));
    o.indicator_dir = SR_INDICATORS;
    o.work_dir = x->dir;
    o.schools = schools;
    o.seed = seed;
    o.year = 2026;
    rc = sr_demo_build(st, &o, &x->stats, &d);
    if (rc != SR_OK) {
        show_diags(&d);
        print_error("store: %s\n", sr_store_errmsg(st));
    }
    assert_int_equal(rc, SR_OK);
    sr_store_close(st);
    sr_diags_release(&d);
}

static void
destroy(struct city *x)
{
    char p[128];

    for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++)
        if (built[i] == x)
            built[i] = NULL;
    snprintf(p, sizeof(p), "%s-wal", x->db);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", x->db);
    unlink(p);
    test_db_drop(x->db);
    remove_dir(x->dir);
}

static int
setup(void **state)
{
    (void)state;
    build(&a, SCHOOLS, 1);
    build(&b, SCHOOLS, 1);
    build(&c, SCHOOLS, 2);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    destroy(&a);
    destroy(&b);
    destroy(&c);
    return 0;
}

/* The SQLite file the queries below read for the city of db: db itself;
 * on PostgreSQL a copy (testdb.h), made again once the chain's head has
 * moved, so that the queries keep SQLite's dialect.  (A change with no
 * record, test_baseline_set_per_school's, is not in the copy: nothing
 * below reads what it changes.) */
static const char *
readable(const char *db)
{
    struct sr_store *st = NULL;
    struct city *x = NULL;
    char head[65];
    size_t i;

    if (!test_db_pg())
        return db;
    for (i = 0; i < sizeof(built) / sizeof(built[0]); i++)
        if (built[i] && !strcmp(built[i]->db, db))
            x = built[i];
    assert_non_null(x);
    assert_int_equal(sr_store_open(db, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(sr_audit_head(st, head), SR_OK);
    sr_store_close(st);
    if (strcmp(head, x->head)) {
        snprintf(x->view, sizeof(x->view), "%s/view.db", x->dir);
        unlink(x->view);
        test_db_sqlite_view(x->db, x->dir, "view.db", x->view,
                            sizeof(x->view));
        memcpy(x->head, head, sizeof(head));
    }
    return x->view;
}

/* The one text value of a query (NULL shown as ""), malloc'd. */
static char *
q(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    const unsigned char *t;
    char *out;

    assert_int_equal(sqlite3_open_v2(readable(db), &h, SQLITE_OPEN_READONLY,
                                     NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(h));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    t = sqlite3_column_text(s, 0);
    out = strdup(t ? (const char *)t : "");
    assert_non_null(out);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return out;
}

static long
qn(const char *db, const char *sql)
{
    char *t = q(db, sql);
    long v = strtol(t, NULL, 10);

    free(t);
    return v;
}

static const char *const fingerprints[] = {
    "SELECT group_concat(code||'|'||name||'|'||district||'|'||stage||'|'||"
    "ownership||'|'||locale||'|'||boarding||school_bus||canteen||"
    "laboratory||swimming_pool||'|'||enrollment||'|'||boarders||'|'||"
    "staff||meal_delivery||village_school||'|'||"
    "updated_at, ';') FROM (SELECT * FROM schools ORDER BY code)",
    "SELECT group_concat(id||'|'||school||'|'||assessed_on||'|'||inspector"
    "||'|'||submitted_at||'|'||total||'|'||band||'|'||compliant, ';') "
    "FROM (SELECT * FROM assessments ORDER BY id)",
    "SELECT count(*)||'|'||sum(length(value))||'|'||"
    "group_concat(value, '') FROM (SELECT * FROM answers "
    "ORDER BY assessment, item)",
    "SELECT group_concat(id||'|'||school||'|'||coalesce(item,'')||'|'||"
    "status||'|'||found_on||'|'||coalesce(deadline,'')||'|'||"
    "coalesce(closed_on,'')||'|'||coalesce(responsible,''), ';') "
    "FROM (SELECT * FROM hazards ORDER BY id)",
    "SELECT group_concat(hazard||at||by||coalesce(from_status,'')||"
    "to_status, ';') FROM (SELECT * FROM hazard_events ORDER BY id)",
    /* The chain's records, by their content: not by the head, which
     * also hashes the checkpoint every new database starts with, and
     * that records when the file was created (the demo's clock is
     * pinned only once the database is open). */
    "SELECT count(*)||'|'||max(seq)||'|'||group_concat(kind||ref||format||"
    "content_sha256, ';') FROM (SELECT * FROM audit WHERE kind <> "
    "'checkpoint' ORDER BY seq)",
};

static void
test_deterministic(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(fingerprints) / sizeof(fingerprints[0]); i++) {
        char *x = q(a.db, fingerprints[i]), *y = q(b.db, fingerprints[i]);

        assert_true(strlen(x) > 20);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    assert_int_equal(a.stats.assessments, b.stats.assessments);
    assert_int_equal(a.stats.hazards, b.stats.hazards);
    assert_int_equal(a.stats.steps, b.stats.steps);
    /* Another seed, another city. */
    {
        char *x = q(a.db, fingerprints[0]), *y = q(c.db, fingerprints[0]);

        assert_string_not_equal(x, y);
        free(x);
        free(y);
    }
}

static void
test_registry(void **state)
{
    (void)state;
    assert_int_equal(a.stats.systems, 6);
    assert_int_equal(a.stats.schools, SCHOOLS);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools"), SCHOOLS);
    assert_int_equal(qn(a.db, "SELECT count(DISTINCT district) FROM schools"),
                     16);
    /* One special school per district. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools WHERE "
                              "stage = 'special'"),
                     16);
    assert_int_equal(qn(a.db, "SELECT count(DISTINCT district) FROM schools "
                              "WHERE stage = 'special'"),
                     16);
    /* Kindergartens are the most numerous. */
    {
        char *t = q(a.db, "SELECT stage FROM schools GROUP BY stage "
                          "ORDER BY count(*) DESC LIMIT 1");

        assert_string_equal(t, "kindergarten");
        free(t);
    }
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools WHERE code "
                              "GLOB '2137[0-9][0-9][0-9][0-9][0-9][0-9]' AND "
                              "name LIKE '济南市%' AND contact IS NOT NULL"),
                     SCHOOLS);
    assert_int_equal(qn(a.db, "SELECT count(DISTINCT name) FROM schools"),
                     SCHOOLS);
    /* Every school code carries its district's two digits. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools WHERE "
                              "district LIKE '3701%' AND substr(code, 5, 2) "
                              "<> substr(district, 5, 2)"),
                     0);
    /* Attributes are consistent: boarders only at boarding schools. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools WHERE "
                              "(boarding = 0 AND boarders > 0) OR "
                              "boarders > enrollment"),
                     0);
    /* Staff: at least 3, one per at most 17.5 students (primary, the
     * sparsest: 15 / 0.9, and the count rounded down); a kindergarten one
     * per 5.3 to 7.5 above its floor of 5; village schools only
     * among rural primary schools of at most 450; meals delivered at
     * most schools without a canteen. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools WHERE "
                              "staff < 3 OR 10 * enrollment > 175 * staff OR "
                              "(stage = 'kindergarten' AND (10 * enrollment "
                              "> 75 * staff OR (staff > 5 AND 10 * "
                              "enrollment < 53 * staff)))"),
                     0);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM schools WHERE "
                              "village_school = 1 AND NOT (stage = "
                              "'primary' AND locale = 'rural' AND "
                              "enrollment <= 450)"),
                     0);
    assert_true(qn(a.db, "SELECT 2 * sum(meal_delivery) > count(*) FROM "
                         "schools WHERE canteen = 0"));
}

static void
test_year(void **state)
{
    long assessed, subs;

    (void)state;
    subs = qn(a.db, "SELECT count(*) FROM assessments WHERE "
                    "status = 'submitted'");
    assert_int_equal(subs, (long)a.stats.assessments);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM assessments"), subs);
    /* Coverage below 100%, but most schools assessed. */
    assessed = qn(a.db, "SELECT count(DISTINCT school) FROM assessments");
    assert_true(assessed < SCHOOLS);
    assert_true(assessed >= SCHOOLS * 3 / 4);
    /* Some schools twice (spring and autumn). */
    assert_true(qn(a.db, "SELECT count(*) FROM (SELECT school FROM "
                         "assessments GROUP BY school HAVING count(*) = 2)") >
                0);
    /* Working days of the year, spring or autumn; submitted the same
     * day, in office hours (UTC 01:00-09:00); those made for the plans
     * on 31 December aside (test_supervision). */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM assessments WHERE "
                              "plan IS NULL AND (assessed_on < "
                              "'2026-03-01' OR assessed_on > "
                              "'2026-12-15' OR assessed_on BETWEEN "
                              "'2026-06-01' AND '2026-08-31' OR "
                              "strftime('%w', assessed_on) IN ('0', '6') OR "
                              "substr(submitted_at, 1, 10) <> assessed_on OR "
                              "substr(submitted_at, 12, 2) NOT BETWEEN "
                              "'01' AND '08')"),
                     0);
    /* Findings are the exception: most answered items earn full points. */
    assert_true(qn(a.db, "SELECT 100 * sum(earned = max) / count(*) FROM "
                         "scores WHERE kind = 'item'") >= 95);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM hazards"),
                     (long)a.stats.hazards);
}

static void
test_hazards(void **state)
{
    static const char *const st[] = {"open", "rectifying", "submitted",
                                     "closed"};
    char sql[256];
    size_t i;

    (void)state;
    for (i = 0; i < 4; i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM hazards WHERE status = '%s'", st[i]);
        if (qn(a.db, sql) == 0)
            fail_msg("no hazard is %s at the year's end", st[i]);
    }
    /* Most are closed. */
    assert_true(2 * qn(a.db, "SELECT count(*) FROM hazards WHERE "
                             "status = 'closed'") >
                qn(a.db, "SELECT count(*) FROM hazards"));
    /* Some were rejected once at review. */
    assert_true(qn(a.db, "SELECT count(*) FROM hazard_events WHERE "
                         "from_status = 'submitted' AND to_status = "
                         "'rectifying'") > 0);
    /* Some are past their deadline on 31 December. */
    assert_true(qn(a.db, "SELECT count(*) FROM hazards WHERE status <> "
                         "'closed' AND deadline < '2026-12-31'") > 0);
    /* Four eyes: who closed is never who submitted last. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM hazard_events e WHERE "
                              "to_status = 'closed' AND by = (SELECT by "
                              "FROM hazard_events f WHERE f.hazard = "
                              "e.hazard AND f.to_status = 'submitted' AND "
                              "f.from_status <> 'submitted' AND "
                              "f.id < e.id ORDER BY f.id DESC LIMIT 1)"),
                     0);
    /* City supervision: every closed major hazard was reviewed by the
     * district (submitted -> submitted) and then signed off by the
     * city, never by its reviewer; a general hazard's verify closes it
     * with no review step. */
    assert_true(qn(a.db, "SELECT count(*) FROM hazards WHERE level = "
                         "'major' AND status = 'closed'") > 0);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM hazards h JOIN "
                              "hazard_events e ON e.hazard = h.id WHERE "
                              "e.to_status = 'closed' AND h.level = 'major' "
                              "AND (e.by <> '市教育局安全处' OR e.by = "
                              "h.reviewed_by OR h.reviewed_by IS NULL OR "
                              "e.from_status <> 'submitted')"),
                     0);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM hazards WHERE level = "
                              "'general' AND reviewed_by IS NOT NULL"),
                     0);
    /* some major hazards wait for the city at the year's end */
    assert_true(qn(a.db, "SELECT count(*) FROM hazards WHERE level = "
                         "'major' AND status = 'submitted' AND reviewed_by "
                         "IS NOT NULL") > 0);
    /* Every step dated in the year. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM hazard_events WHERE "
                              "at NOT LIKE '2026-%'"),
                     0);
    /* Every step taken is an event: a change of state, a new deadline
     * from the district office (rectifying -> rectifying) or the
     * district's review of a major hazard (submitted -> submitted by an
     * inspector; "再次发现" (found again) events of later assessments are the
     * inspectors' too, and say so in their note). */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM hazard_events WHERE "
                              "from_status IS NOT NULL AND (from_status <> "
                              "to_status OR by LIKE '%教育局安全科' OR "
                              "(from_status = 'submitted' AND note NOT LIKE "
                              "'% 再次发现%'))"),
                     (long)a.stats.steps);
}

static void
test_audit_and_summary(void **state)
{
    struct sr_store *st = NULL;
    struct sr_audit_report ar;
    struct sr_demo_summary s;
    char sql[512];
    size_t i, sum = 0;
    static const char *const hs[] = {"open", "rectifying", "submitted",
                                     "closed"};

    (void)state;
    assert_int_equal(sr_store_open(a.db, 0, &st), SR_OK);
    assert_int_equal(sr_audit_verify(st, &ar), SR_OK);
    assert_int_equal(ar.ok, 1);
    /* One record per assessment and per hazard event, per security
     * event and expert event (the corps: each expert's user, grant and
     * profile), per sign-off event and published plan, plus the
     * checkpoint a new database starts with, the 6 systems loaded and
     * the one registry import: 8. */
    assert_int_equal(qn(a.db, "SELECT (SELECT count(*) FROM checkpoints) + "
                              "(SELECT count(*) FROM systems) + (SELECT "
                              "count(*) FROM registry_changes)"),
                     8);
    assert_int_equal(ar.records,
                     qn(a.db, "SELECT (SELECT count(*) FROM assessments) + "
                              "(SELECT count(*) FROM hazard_events) + "
                              "(SELECT count(*) FROM security_events) + "
                              "(SELECT count(*) FROM expert_events) + "
                              "(SELECT count(*) FROM signoff_events) + "
                              "(SELECT count(*) FROM plans) + 8"));
    assert_int_equal(qn(a.db, "SELECT (SELECT count(*) FROM security_events) "
                              "+ (SELECT count(*) FROM expert_events)"),
                     3 * SR_DEMO_EXPERTS);
    assert_int_equal(sr_demo_summarize(st, "2026-12-31", &s), SR_OK);
    assert_string_equal(s.as_of, "2026-12-31");
    assert_int_equal(s.n, 16);
    assert_string_equal(s.d[0].name, "历下区");
    assert_string_equal(s.total.name, "全市");
    assert_int_equal(s.total.schools, SCHOOLS);
    for (i = 0; i < s.n; i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM schools WHERE district = '%s'",
                 s.d[i].code);
        assert_int_equal(s.d[i].schools, qn(a.db, sql));
        /* Valid-months covers the year: assessed = assessed at all. */
        snprintf(sql, sizeof(sql),
                 "SELECT count(DISTINCT a.school) FROM assessments a JOIN "
                 "schools s ON s.code = a.school WHERE s.district = '%s'",
                 s.d[i].code);
        assert_int_equal(s.d[i].assessed, qn(a.db, sql));
        sum += s.d[i].schools;
    }
    assert_int_equal(sum, SCHOOLS);
    assert_int_equal(s.total.compliant,
                     qn(a.db, "SELECT count(*) FROM assessments a WHERE "
                              "compliant = 1 AND id = (SELECT id FROM "
                              "assessments b WHERE b.school = a.school "
                              "ORDER BY assessed_on DESC, id DESC LIMIT 1)"));
    for (i = 0; i < 4; i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM hazards WHERE status = '%s'", hs[i]);
        assert_int_equal(s.total.hazards[i], qn(a.db, sql));
    }
    assert_int_equal(s.total.overdue,
                     qn(a.db, "SELECT count(*) FROM hazards WHERE status <> "
                              "'closed' AND deadline < '2026-12-31'"));
    assert_true(s.total.all_four <= s.total.assessed);
    assert_false(s.total.reaches);
    sr_demo_summary_release(&s);
    sr_store_close(st);
}

static void
test_refusals(void **state)
{
    struct sr_demo_options o;
    struct sr_store *st = NULL;
    struct sr_demo_stats stats;
    struct sr_diags d;
    char dir[] = "/tmp/sr-test-demo2-XXXXXX", db[128];

    (void)state;
    sr_diags_init(&d);
    memset(&o, 0, sizeof(o));
    o.indicator_dir = SR_INDICATORS;
    o.work_dir = a.dir;
    o.schools = SCHOOLS;
    o.seed = 1;
    o.year = 2026;
    /* A database with schools is not a fresh one. */
    assert_int_equal(sr_store_open(a.db, 0, &st), SR_OK);
    assert_int_equal(sr_demo_build(st, &o, &stats, &d), SR_ERR_STATE);
    {
        static const char *const want[] = {
            "the database already has schools: the demo city needs a fresh "
            "database",
            NULL};
        assert_diags(&d, want);
    }
    sr_store_close(st);
    sr_diags_release(&d);

    assert_non_null(mkdtemp(dir));
    test_db_new(db, sizeof(db), dir, "t.db");
    assert_int_equal(sr_store_open(db, SR_STORE_CREATE, &st), SR_OK);
    o.work_dir = dir;
    o.schools = 10;
    assert_int_equal(sr_demo_build(st, &o, &stats, &d), SR_ERR_INPUT);
    {
        static const char *const want[] = {
            "10 schools is out of range (16..50000: one special school per "
            "district at least)",
            NULL};
        assert_diags(&d, want);
    }
    sr_diags_release(&d);
    o.schools = SCHOOLS;
    o.year = 1999;
    assert_int_equal(sr_demo_build(st, &o, &stats, &d), SR_ERR_INPUT);
    {
        static const char *const want[] = {
            "year 1999 is out of range (2000..2999)", NULL};
        assert_diags(&d, want);
    }
    sr_diags_release(&d);
    assert_int_equal(stats.schools, 0);
    sr_store_close(st);
    test_db_drop(db);
    snprintf(db, sizeof(db), "%s/t.db-wal", dir);
    unlink(db);
    snprintf(db, sizeof(db), "%s/t.db-shm", dir);
    unlink(db);
    remove_dir(dir);
}

/* Regression: the demo's accounts need a school of 历下区 for the school
 * account; the smallest city (one special school per district) has no
 * primary school there, and the accounts were refused (SR_ERR_STATE), so
 * `schoolrisk demo --schools 40` failed at its very end. */
static void
test_users_small_city(void **state)
{
    struct sr_demo_user u[SR_DEMO_USERS];
    struct sr_auth_policy p;
    struct sr_store *st = NULL;
    struct city x;
    char *name;
    int i;

    (void)state;
    build(&x, 16, 1);
    assert_int_equal(qn(x.db, "SELECT count(*) FROM schools WHERE district "
                              "= '370102' AND stage = 'primary'"),
                     0);
    assert_int_equal(sr_store_open(x.db, 0, &st), SR_OK);
    sr_auth_policy_init(&p);
    if (sr_demo_users(st, &p, u) != SR_OK)
        fail_msg("sr_demo_users: %s", sr_store_errmsg(st));
    name = q(x.db, "SELECT name || '（' || code || '）' FROM schools WHERE "
                   "district = '370102' ORDER BY code LIMIT 1");
    for (i = 0; i < SR_DEMO_USERS; i++)
        if (u[i].role == SR_ROLE_SCHOOL)
            assert_string_equal(u[i].scope, name);
    free(name);
    assert_int_equal(qn(x.db, "SELECT count(*) FROM users"),
                     SR_DEMO_USERS + SR_DEMO_EXPERTS);
    /* The demo inspector is an expert, certified today. */
    assert_int_equal(qn(x.db, "SELECT count(*) FROM experts x JOIN users u "
                              "ON u.id = x.user WHERE u.login = 'jiancha' "
                              "AND x.district = '370102' AND x.status = "
                              "'active' AND x.expires_on > date('now')"),
                     1);
    sr_store_close(st);
    destroy(&x);
}

/* The expert corps of seed 1, checked with SQL: its size, statuses,
 * certified and due on 31 December as experts.h defines them (and as
 * the summary counts them), grants and units in the expert's own
 * district, three-year certificates, and inspections made by experts
 * in their districts.  The same seed draws the same corps. */
static void
test_experts(void **state)
{
    static const char *const corps =
        "SELECT group_concat(u.login||x.unit||x.district||x.specialities||"
        "x.trained_on||x.certified_on||x.expires_on||x.status, ';') FROM "
        "(SELECT * FROM experts ORDER BY user) x JOIN users u ON u.id = "
        "x.user";
    struct sr_expert_summary sum;
    struct sr_store *st = NULL;
    char *x, *y;

    (void)state;
    assert_int_equal(a.stats.experts, SR_DEMO_EXPERTS);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts"),
                     SR_DEMO_EXPERTS);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE status = "
                              "'active'"),
                     221);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE status = "
                              "'suspended'"),
                     4);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE status = "
                              "'retired'"),
                     3);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE status = "
                              "'active' AND certified_on <= '2026-12-31' "
                              "AND expires_on >= '2026-12-31'"),
                     213);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE status = "
                              "'active' AND certified_on <= '2026-12-31' "
                              "AND expires_on >= '2026-12-31' AND "
                              "expires_on <= '2027-03-31'"),
                     10);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE "
                              "expires_on < '2026-12-31'"),
                     8);
    assert_int_equal(sr_store_open(a.db, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(sr_expert_summary(st, "2026-12-31", &sum), SR_OK);
    assert_int_equal(sum.certified, 213);
    assert_int_equal(sum.due, 10);
    assert_true(sum.certified > SR_EXPERT_TARGET);
    sr_expert_summary_release(&sum);
    sr_store_close(st);
    /* Every expert holds an inspector grant of its district; a unit that
     * is a school code is a school of that district. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts x JOIN grants g "
                              "ON g.user = x.user AND g.role = 'inspector' "
                              "AND g.district = x.district AND "
                              "g.revoked_at IS NULL"),
                     SR_DEMO_EXPERTS);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts x WHERE x.unit "
                              "IN (SELECT code FROM schools s WHERE "
                              "s.district = x.district)"),
                     64);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE unit GLOB "
                              "'[0-9]*' AND unit NOT IN (SELECT code FROM "
                              "schools)"),
                     0);
    /* Certificates run three years (29 February: to the 28th). */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE "
                              "substr(expires_on, 1, 4) + 0 <> "
                              "substr(certified_on, 1, 4) + 3 OR "
                              "(substr(expires_on, 5) <> substr(certified_on, "
                              "5) AND substr(certified_on, 5) <> '-02-29')"),
                     0);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM experts WHERE "
                              "certified_on <= trained_on OR trained_on < "
                              "'2023-07-01' OR certified_on > '2026-12-31'"),
                     0);
    /* Inspections by experts in the year, all in the expert's own
     * district (a plan's on 31 December may send one to another:
     * test_supervision). */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM assessments a JOIN "
                              "experts x ON x.user = a.submitted_by_user "
                              "WHERE a.plan IS NULL"),
                     92);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM assessments a JOIN "
                              "experts x ON x.user = a.submitted_by_user "
                              "JOIN schools s ON s.code = a.school WHERE "
                              "a.inspector <> (SELECT name FROM users WHERE "
                              "id = x.user) OR (a.plan IS NULL AND "
                              "s.district <> x.district)"),
                     0);
    x = q(a.db, corps);
    y = q(b.db, corps);
    assert_string_equal(x, y);
    free(y);
    y = q(c.db, corps);
    assert_string_not_equal(x, y);
    free(x);
    free(y);
}

/* The four-100% baseline of a district or the city is read with three
 * statements for all its schools (store/baseline.c): each school gets
 * what sr_baseline_school(), which asks one school at a time, gives it,
 * element by element, reason by reason, on days that reach every cause
 * (no assessment yet, valid, lost items, open hazards, expired). */
static void
same_reason(const struct sr_baseline_school *x,
            const struct sr_baseline_school *y, int e)
{
    const struct sr_baseline_reason *p = &x->reason[e], *q = &y->reason[e];

    assert_int_equal(x->met[e], y->met[e]);
    assert_int_equal(p->cause, q->cause);
    assert_int_equal(p->assessment, q->assessment);
    assert_string_equal(p->assessed_on, q->assessed_on);
    assert_string_equal(p->until, q->until);
    if (p->cause == SR_CAUSE_HAZARD_OPEN)
        assert_int_equal(p->hazard, q->hazard);
    assert_string_equal(p->item ? p->item : "-", q->item ? q->item : "-");
    assert_string_equal(p->item_title ? p->item_title : "-",
                        q->item_title ? q->item_title : "-");
    assert_string_equal(x->why[e] ? x->why[e] : "-",
                        y->why[e] ? y->why[e] : "-");
}

static void
test_baseline_set_per_school(void **state)
{
    static const char *const days[] = {"2026-02-01", "2026-06-30",
                                       "2026-12-31", "2027-09-30"};
    struct sr_baseline_report city, dist;
    struct sr_districts all;
    struct sr_store *st = NULL;
    size_t i, j, causes[SR_CAUSE_HAZARD_OPEN + 1] = {0};
    int e;
    unsigned k;

    (void)state;
    /* The demo scores every element: take one element's evidence out of
     * a few schools' latest assessments, for "no item of this element"
     * (the last tests of this file read this city). */
    {
        struct sr_store *h = test_raw_open(a.db);

        test_raw_exec(h, "DELETE FROM baseline_items WHERE element = "
                         "'guards' AND assessment IN (SELECT max(id) FROM "
                         "assessments WHERE status = 'submitted' GROUP BY "
                         "school LIMIT 5)");
        assert_true(sr_db_changes(h) > 0);
        sr_store_close(h);
    }
    assert_int_equal(sr_store_open(a.db, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(sr_registry_districts(st, &all), SR_OK);
    for (k = 0; k < sizeof(days) / sizeof(days[0]); k++) {
        assert_int_equal(sr_baseline_compute(st, NULL, days[k], &city),
                         SR_OK);
        assert_int_equal(city.n, SCHOOLS);
        for (i = 0; i < city.n; i++) {
            struct sr_baseline_school one;

            assert_int_equal(sr_baseline_school(st, city.s[i].code, days[k],
                                                &one),
                             SR_OK);
            assert_int_equal(city.s[i].assessment, one.assessment);
            for (e = 0; e < SR_BASELINE_COUNT; e++) {
                same_reason(&city.s[i], &one, e);
                causes[city.s[i].reason[e].cause]++;
            }
            sr_baseline_school_release(&one);
        }
        /* A district alone: the same rows as in the city. */
        for (j = 0; j < all.n; j++) {
            assert_int_equal(sr_baseline_compute(st, all.v[j].code, days[k],
                                                 &dist),
                             SR_OK);
            for (i = 0; i < dist.n; i++) {
                size_t m;

                for (m = 0; strcmp(city.s[m].code, dist.s[i].code); m++)
                    ;
                for (e = 0; e < SR_BASELINE_COUNT; e++)
                    same_reason(&dist.s[i], &city.s[m], e);
            }
            sr_baseline_report_release(&dist);
        }
        sr_baseline_report_release(&city);
    }
    /* All the days from one read (sr_baseline_compute_days()), for the
     * city and for each district, in another order than the days': the
     * reports of one day each. */
    for (j = 0; j <= all.n; j++) {
        static const char *const shuffled[] = {"2026-12-31", "2026-02-01",
                                               "2027-09-30", "2026-06-30"};
        struct sr_baseline_report many[4];
        const char *d = j < all.n ? all.v[j].code : NULL;

        assert_int_equal(sr_baseline_compute_days(st, d, shuffled, 4, many),
                         SR_OK);
        for (k = 0; k < 4; k++) {
            assert_string_equal(many[k].as_of, shuffled[k]);
            assert_int_equal(sr_baseline_compute(st, d, shuffled[k], &dist),
                             SR_OK);
            assert_int_equal(many[k].n, dist.n);
            assert_int_equal(many[k].nd, dist.nd);
            for (i = 0; i < dist.n; i++) {
                assert_string_equal(many[k].s[i].code, dist.s[i].code);
                assert_int_equal(many[k].s[i].assessment,
                                 dist.s[i].assessment);
                for (e = 0; e < SR_BASELINE_COUNT; e++)
                    same_reason(&many[k].s[i], &dist.s[i], e);
            }
            for (i = 0; i < dist.nd; i++) {
                assert_string_equal(many[k].d[i].code, dist.d[i].code);
                assert_int_equal(many[k].d[i].all_four, dist.d[i].all_four);
                assert_int_equal(many[k].d[i].reaches, dist.d[i].reaches);
                for (e = 0; e < SR_BASELINE_COUNT; e++)
                    assert_int_equal(many[k].d[i].met[e], dist.d[i].met[e]);
            }
            sr_baseline_report_release(&dist);
            sr_baseline_report_release(&many[k]);
        }
    }
    {
        const char *bad[] = {"2026-01-01", "2026-02-30"};
        struct sr_baseline_report two[2];

        assert_int_equal(sr_baseline_compute_days(st, NULL, bad, 2, two),
                         SR_ERR_INPUT);
        assert_string_equal(sr_store_errmsg(st),
                            "bad date '2026-02-30' (expected YYYY-MM-DD)");
        assert_int_equal(two[0].n, 0);
    }
    for (e = SR_CAUSE_NONE; e <= SR_CAUSE_HAZARD_OPEN; e++)
        if (!causes[e])
            fail_msg("no school of the demo city has cause %d", e);
    sr_districts_release(&all);
    sr_store_close(st);
}

/* The city's figures on two threads (each with its own connection) are
 * those of one: the same totals, ranks and lists in the same order. */
static void
test_city_jobs(void **state)
{
    struct sr_report_city one, two;
    struct sr_store *st = NULL;
    struct sr_period p;
    size_t i;

    (void)state;
    assert_int_equal(sr_store_open(a.db, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(sr_period_parse("2026Q4", &p), SR_OK);
    assert_int_equal(sr_report_city(st, &p, &one), SR_OK);
    assert_int_equal(sr_report_city_jobs(st, &p, 2, &two), SR_OK);
    assert_true(one.total.assessed > 0 && one.n_peers > 0);
    assert_memory_equal(&one.total, &two.total, sizeof(one.total));
    assert_int_equal(one.n_districts, two.n_districts);
    for (i = 0; i < one.n_districts; i++) {
        assert_string_equal(one.districts[i].code, two.districts[i].code);
        assert_int_equal(one.districts[i].rank, two.districts[i].rank);
        assert_memory_equal(&one.districts[i].kpis, &two.districts[i].kpis,
                            sizeof(one.districts[i].kpis));
    }
    assert_int_equal(one.n_peers, two.n_peers);
    for (i = 0; i < one.n_peers; i++)
        assert_string_equal(one.peers[i].code, two.peers[i].code);
    assert_int_equal(one.n_major, two.n_major);
    for (i = 0; i < one.n_major; i++)
        assert_int_equal(one.major[i].id, two.major[i].id);
    assert_int_equal(one.n_off_baseline, two.n_off_baseline);
    for (i = 0; i < one.n_off_baseline; i++)
        assert_string_equal(one.off_baseline[i].baseline_why
                                ? one.off_baseline[i].baseline_why : "-",
                            two.off_baseline[i].baseline_why
                                ? two.off_baseline[i].baseline_why : "-");
    assert_int_equal(one.n_trend, two.n_trend);
    assert_true(one.n_trend > 1);
    for (i = 0; i < one.n_trend; i++)
        assert_memory_equal(&one.trend[i], &two.trend[i],
                            sizeof(one.trend[i]));
    sr_report_city_release(&one);
    sr_report_city_release(&two);
    sr_store_close(st);
}

/* Field by field (the structs' padding is not compared). */
static void
same_kpis(const struct sr_report_kpis *x, const struct sr_report_kpis *y,
          const char *where)
{
    int i;

#define SAME(f)                                                           \
    do {                                                                  \
        if (x->f != y->f)                                                 \
            fail_msg("%s: %s %zu != %zu", where, #f, (size_t)x->f,        \
                     (size_t)y->f);                                       \
    } while (0)
    SAME(schools);
    SAME(assessed);
    SAME(coverage.num);
    SAME(coverage.den);
    SAME(compliant);
    SAME(compliance.num);
    SAME(compliance.den);
    SAME(vetoed);
    SAME(four_100);
    SAME(hazards_found);
    SAME(hazards_closed);
    SAME(hazards_open);
    SAME(hazards_overdue);
    SAME(hazards_closed_late);
    SAME(rectification.num);
    SAME(rectification.den);
    SAME(open_major);
    for (i = 0; i < 4; i++)
        SAME(bands[i]);
    for (i = 0; i < SR_BASELINE_COUNT; i++) {
        SAME(baseline_met[i]);
        SAME(baseline_rate[i].num);
        SAME(baseline_rate[i].den);
    }
    for (i = 0; i < SR_STAGE_COUNT; i++) {
        SAME(stages[i].stage);
        SAME(stages[i].schools);
        SAME(stages[i].assessed);
        SAME(stages[i].compliant);
    }
#undef SAME
}

/* The trend's KPIs, read once for all its periods
 * (sr_report_district_trend()), are those of a district report as of
 * each period's end, for every district, month and quarter of the demo
 * year and a day after it (hazards moved after an end, assessments
 * expired, late closures); and so are those of each period alone, whose
 * read leaves the events after its end on the server. */
static void
test_trend_one_read(void **state)
{
    static const char *const labels[] = {
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
        "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12",
        "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2026", "2027-06"};
    enum { N = sizeof(labels) / sizeof(labels[0]) };
    struct sr_period ps[N];
    struct sr_report_kpis k[N], alone;
    struct sr_districts all;
    struct sr_store *st = NULL;
    size_t i, p, late = 0, overdue = 0;
    char where[64];

    (void)state;
    for (p = 0; p < N; p++)
        assert_int_equal(sr_period_parse(labels[p], &ps[p]), SR_OK);
    assert_int_equal(sr_store_open(c.db, SR_STORE_READONLY, &st), SR_OK);
    assert_int_equal(sr_registry_districts(st, &all), SR_OK);
    for (i = 0; i < all.n; i++) {
        if (sr_report_district_trend(st, all.v[i].code, ps, N, k) != SR_OK)
            fail_msg("trend: %s", sr_store_errmsg(st));
        for (p = 0; p < N; p++) {
            struct sr_report_district d;

            assert_int_equal(sr_report_district_kpis(st, all.v[i].code,
                                                     &ps[p], &d),
                             SR_OK);
            snprintf(where, sizeof(where), "%s %s", all.v[i].code,
                     labels[p]);
            same_kpis(&k[p], &d.kpis, where);
            if (sr_report_district_trend(st, all.v[i].code, &ps[p], 1,
                                         &alone) != SR_OK)
                fail_msg("trend: %s", sr_store_errmsg(st));
            same_kpis(&alone, &d.kpis, where);
            late += d.kpis.hazards_closed_late;
            overdue += d.kpis.hazards_overdue;
            sr_report_district_release(&d);
        }
    }
    /* The cases that need the state as of the end were met. */
    assert_true(late > 0 && overdue > 0);
    assert_int_equal(sr_report_district_trend(st, "nowhere", ps, 1, k),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(st), "no district 'nowhere'");
    sr_districts_release(&all);
    sr_store_close(st);
}

/* 31 December of seed 1: every district signs off 2026Q3 and the city
 * accepts 15, returns 长清区 (370113); 16 plans of 2026Q4, seeded
 * from plan_seed one a district, list 17 schools, all assigned, and the second of each plan's pairs is
 * inspected for it (4); the locked quarter's figures are the live ones,
 * the plans' inspections being dated 31 December. */
static void
test_supervision(void **state)
{
    struct sr_store *st = NULL;
    struct sr_bulletin_quarterly qb;
    struct sr_signoff_diff d;
    struct sr_period q3, q4;
    size_t i, planned = 0;

    (void)state;
    assert_int_equal(a.stats.plan_seed, 2685821657736338716ull);
    assert_int_equal(a.stats.plans, 16);
    assert_int_equal(a.stats.plan_schools, 17);
    assert_int_equal(a.stats.plan_pairs, 17);
    assert_int_equal(a.stats.plan_done, 4);
    assert_int_equal(a.stats.signed_off, 16);
    assert_int_equal(a.stats.accepted, 15);
    assert_string_equal(a.stats.returned, "长清区");
    assert_int_equal(qn(a.db, "SELECT count(DISTINCT seed) FROM plans "
                              "WHERE state = 'published' AND period = "
                              "'2026Q4'"),
                     16);
    /* 历下区 first in the bureau's order: the first seed; 长清区 the
     * sixth. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM plans WHERE (district "
                              "= '370102' AND seed = "
                              "'2685821657736338716') OR (district = "
                              "'370113' AND seed = '2685821657736338721')"),
                     2);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM plan_schools"), 17);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM plan_pairs"), 17);
    /* Each made by the pair's expert, for the plan, on 31 December. */
    assert_int_equal(qn(a.db, "SELECT count(*) FROM assessments a JOIN "
                              "plan_pairs r ON r.plan = a.plan AND r.school = "
                              "a.school AND r.expert = a.submitted_by_user "
                              "WHERE a.status = 'submitted' AND "
                              "a.assessed_on = '2026-12-31'"),
                     4);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM assessments WHERE plan "
                              "IS NOT NULL"),
                     4);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM signoff_events WHERE "
                              "period = '2026Q3' AND action = 'signoff'"),
                     16);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM signoff_events WHERE "
                              "period = '2026Q3' AND action = 'accept'"),
                     15);
    assert_int_equal(qn(a.db, "SELECT count(*) FROM signoff_events WHERE "
                              "action = 'return' AND district = '370113' "
                              "AND reason = '" SR_DEMO_RETURN_REASON "'"),
                     1);
    assert_int_equal(sr_store_open(a.db, 0, &st), SR_OK);
    assert_int_equal(sr_period_parse("2026Q3", &q3), SR_OK);
    assert_int_equal(sr_period_parse("2026Q4", &q4), SR_OK);
    /* No figure of the locked quarter moved. */
    {
        static const char *const codes[] = {"370102", "370113", "370124"};

        for (i = 0; i < 3; i++) {
            assert_int_equal(sr_signoff_diff(st, codes[i], &q3, &d), SR_OK);
            assert_int_equal(d.n, 0);
            sr_signoff_diff_release(&d);
        }
    }
    /* The quarterly bulletin counts the plans' schools, district by
     * district. */
    assert_int_equal(sr_bulletin_quarterly(st, &q4, NULL, &qb), SR_OK);
    for (i = 0; i < qb.n_districts; i++)
        planned += qb.districts[i].plan_schools;
    assert_int_equal(planned, 17);
    sr_bulletin_quarterly_release(&qb);
    sr_store_close(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_year),
        cmocka_unit_test(test_hazards),
        cmocka_unit_test(test_audit_and_summary),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_users_small_city),
        cmocka_unit_test(test_experts),
        cmocka_unit_test(test_supervision),
        cmocka_unit_test(test_baseline_set_per_school),
        cmocka_unit_test(test_city_jobs),
        cmocka_unit_test(test_trend_one_read),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
