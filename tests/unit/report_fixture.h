/*
 * report_fixture.h - what the report tests (test_report.c,
 * test_report_city.c) share: the helpers that build a district through
 * the library on pinned days, and the independent SQL that every report
 * figure is checked against.
 *
 * Include after <cmocka.h>, <sqlite3.h> and the schoolrisk headers, and
 * after defining `struct fx` with at least the members
 *     char dir[], db[];      a scratch directory, the database in it
 *     struct sr_store *st;   the library's connection
 *     sqlite3 *raw;          a second connection for the SQL checks
 * Header-only (static inline functions), like testutil.h.
 */
#ifndef SR_REPORT_FIXTURE_H
#define SR_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/audit.h"

#include "testdb.h"

/* ------------------------------------------------------------------ */
/* Building the district                                                */
/* ------------------------------------------------------------------ */

static inline void
ok(struct fx *f, sr_error rc)
{
    if (rc != SR_OK)
        fail_msg("%s", sr_store_errmsg(f->st));
}

static inline void
clock_at(struct sr_store *st, const char *utc)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    assert_non_null(strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm));
    sr_store_set_clock(st, timegm(&tm));
}

/* 10:00 in China on that day. */
static inline void
day(struct fx *f, const char *date)
{
    char utc[32];

    snprintf(utc, sizeof(utc), "%sT02:00:00Z", date);
    clock_at(f->st, utc);
}

static inline void
as(struct fx *f, const char *who)
{
    assert_int_equal(sr_store_set_actor(f->st, who), SR_OK);
}

static inline void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

/* Assess school @p code today with @p responses; returns its id. */
static inline int64_t
assess(struct fx *f, const char *code, const char *responses)
{
    struct sr_submit_report rep;
    struct sr_diags d;
    char csv[128];
    int64_t id = 0;

    sr_diags_init(&d);
    snprintf(csv, sizeof(csv), "%s/r.csv", f->dir);
    write_file(csv, responses);
    ok(f, sr_assess_new(f->st, code, NULL, NULL, &id));
    assert_int_equal(sr_assess_import(f->st, id, csv, &d), SR_OK);
    if (sr_assess_submit(f->st, id, &d, &rep) != SR_OK)
        fail_msg("submit %s: %s", code, sr_store_errmsg(f->st));
    sr_diags_release(&d);
    unlink(csv);
    return id;
}

/* The hazard on @p code and @p item (NULL: the one without an item)
 * with the highest id. */
static inline int64_t
hazard_on(struct fx *f, const char *code, const char *item)
{
    struct sr_hazard_filter hf;
    struct sr_hazard_record *v = NULL;
    size_t n = 0, i;
    int64_t id = 0;

    memset(&hf, 0, sizeof(hf));
    hf.school = code;
    hf.status = -1;
    hf.level = -1;
    assert_int_equal(sr_hazard_list(f->st, &hf, NULL, &v, &n), SR_OK);
    for (i = 0; i < n; i++)
        if ((!item && !v[i].item) ||
            (item && v[i].item && !strcmp(v[i].item, item)))
            id = v[i].id;
    sr_hazard_list_free(v, n);
    assert_true(id > 0);
    return id;
}

/* PostgreSQL: the chain's head when the SQLite copy that the SQL checks
 * read was made (every write the checks could see appends a record). */
static char raw_head[65];

/* The second, read-only connection for the SQL checks: call at the end
 * of setup, once the database is built (on PostgreSQL it reads a SQLite
 * copy, testdb.h, made again by sql_count() after a write, so that the
 * checks keep SQLite's dialect). */
static inline void
open_raw(struct fx *f)
{
    char view[256];

    if (test_db_pg()) {
        snprintf(view, sizeof(view), "%s/view.db", f->dir);
        unlink(view);
        ok(f, sr_audit_head(f->st, raw_head));
    }
    test_db_sqlite_view(f->db, f->dir, "view.db", view, sizeof(view));
    assert_int_equal(sqlite3_open_v2(view, &f->raw, SQLITE_OPEN_READONLY,
                                     NULL),
                     SQLITE_OK);
    sqlite3_busy_timeout(f->raw, 5000);
}

static inline int
teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];

    sqlite3_close(f->raw);
    sr_store_close(f->st);
    test_db_drop(f->db);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Independent SQL (:d NULL: the whole city)                            */
/* ------------------------------------------------------------------ */

#define IN_D "(:d IS NULL OR s.district = :d)"

/* The counted assessments as of :e (mini.xml: 12 valid months): only
 * inspections, never a school's self-inspection. */
#define VALID                                                             \
    "WITH latest AS (SELECT s.code, (SELECT a.id FROM assessments a "     \
    "WHERE a.school = s.code AND a.status = 'submitted' AND "             \
    "a.kind = 'inspection' AND "                                          \
    "a.assessed_on <= :e ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1)" \
    " AS aid FROM schools s WHERE " IN_D " AND s.closed = 0), "           \
    "valid AS (SELECT a.* FROM latest l JOIN assessments a ON a.id = "    \
    "l.aid WHERE date(a.assessed_on, '+12 months') > :e) "

#define HZ                                                                \
    "WITH hz AS (SELECT h.* FROM hazards h JOIN schools s ON s.code = "   \
    "h.school WHERE " IN_D " AND s.closed = 0 AND h.found_on <= :e) "

#define DEADLINE_AT_END                                                   \
    "(SELECT substr(ev.note, instr(ev.note, '；整改期限：') + 6, 10) "  \
    "FROM hazard_events ev WHERE ev.hazard = hz.id AND "                  \
    "date(ev.at, '+8 hours') <= :e AND "                                  \
    "substr(ev.note, 1, 6) = '整改责任人：' "                           \
    "ORDER BY ev.id DESC LIMIT 1)"

#define OPEN_AT_END "(hz.closed_on IS NULL OR hz.closed_on > :e)"

static inline long long
sql_count(struct fx *f, const char *sql, const char *district,
          const struct sr_period *p)
{
    sqlite3_stmt *s = NULL;
    long long n;
    int i;
    char head[65];

    if (test_db_pg()) {
        ok(f, sr_audit_head(f->st, head));
        if (strcmp(head, raw_head)) {
            sqlite3_close(f->raw);
            open_raw(f);
        }
    }
    if (sqlite3_prepare_v2(f->raw, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->raw));
    if ((i = sqlite3_bind_parameter_index(s, ":d")))
        sqlite3_bind_text(s, i, district, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(s, ":s")))
        sqlite3_bind_text(s, i, p->start, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(s, ":e")))
        sqlite3_bind_text(s, i, p->end, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* KPIs @p k of district @p d (NULL: the city) against SQL and the
 * baseline. */
static inline void
check_kpis(struct fx *f, const struct sr_report_kpis *k, const char *d,
           const struct sr_period *p)
{
    static const char *const band_of[] = {"low", "general", "elevated",
                                          "major"};
    struct sr_baseline_report bl;
    char sql[2048];
    size_t i, all;
    int c, g, e;

    assert_int_equal(k->schools,
                     sql_count(f, "SELECT count(*) FROM schools s WHERE "
                                  IN_D " AND closed = 0", d, p));
    assert_int_equal(k->assessed,
                     sql_count(f, VALID "SELECT count(*) FROM valid", d, p));
    assert_int_equal(k->coverage.num, k->assessed);
    assert_int_equal(k->coverage.den, k->schools);
    assert_int_equal(k->compliant,
                     sql_count(f, VALID "SELECT count(*) FROM valid WHERE "
                                  "compliant = 1", d, p));
    assert_int_equal(k->compliance.num, k->compliant);
    assert_int_equal(k->compliance.den, k->schools);
    assert_int_equal(k->vetoed,
                     sql_count(f, VALID "SELECT count(*) FROM valid WHERE "
                                  "vetoed = 1", d, p));
    for (c = 0; c < 4; c++) {
        snprintf(sql, sizeof(sql),
                 VALID "SELECT count(*) FROM valid WHERE band = '%s'",
                 band_of[c]);
        assert_int_equal(k->bands[c], sql_count(f, sql, d, p));
    }
    assert_int_equal(k->hazards_found,
                     sql_count(f, HZ "SELECT count(*) FROM hz WHERE "
                                  "found_on >= :s", d, p));
    assert_int_equal(k->hazards_closed,
                     sql_count(f, HZ "SELECT count(*) FROM hz WHERE "
                                  "closed_on BETWEEN :s AND :e", d, p));
    assert_int_equal(k->hazards_open,
                     sql_count(f, HZ "SELECT count(*) FROM hz WHERE "
                                  OPEN_AT_END, d, p));
    assert_int_equal(k->hazards_overdue,
                     sql_count(f, HZ "SELECT count(*) FROM hz WHERE "
                                  OPEN_AT_END " AND " DEADLINE_AT_END
                                  " < :e", d, p));
    assert_int_equal(k->open_major,
                     sql_count(f, HZ "SELECT count(*) FROM hz WHERE "
                                  OPEN_AT_END " AND level = 'major'", d, p));
    assert_int_equal(k->rectification.den, k->hazards_found);
    assert_int_equal(k->rectification.num,
                     sql_count(f, HZ "SELECT count(*) FROM hz WHERE "
                                  "found_on >= :s AND closed_on <= :e", d,
                               p));
    for (g = 0; g < SR_STAGE_COUNT; g++) {
        assert_int_equal(k->stages[g].stage, g);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM schools s WHERE " IN_D " AND "
                 "closed = 0 AND stage = '%s'", sr_stage_name(g));
        assert_int_equal(k->stages[g].schools, sql_count(f, sql, d, p));
        snprintf(sql, sizeof(sql),
                 VALID "SELECT count(*) FROM valid v JOIN schools s ON "
                 "s.code = v.school WHERE s.stage = '%s'", sr_stage_name(g));
        assert_int_equal(k->stages[g].assessed, sql_count(f, sql, d, p));
        snprintf(sql, sizeof(sql),
                 VALID "SELECT count(*) FROM valid v JOIN schools s ON "
                 "s.code = v.school WHERE s.stage = '%s' AND v.compliant = 1",
                 sr_stage_name(g));
        assert_int_equal(k->stages[g].compliant, sql_count(f, sql, d, p));
    }
    /* Four 100%: the baseline's per-school figures, counted here. */
    ok(f, sr_baseline_compute(f->st, d, p->end, &bl));
    assert_int_equal(bl.n, k->schools);
    all = 0;
    for (i = 0; i < bl.n; i++) {
        bool four = true;

        for (e = 0; e < SR_BASELINE_COUNT; e++)
            four = four && bl.s[i].met[e];
        all += four;
    }
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        size_t met = 0;

        for (i = 0; i < bl.n; i++)
            met += bl.s[i].met[e];
        assert_int_equal(k->baseline_met[e], met);
        assert_int_equal(k->baseline_rate[e].num, met);
        assert_int_equal(k->baseline_rate[e].den, k->schools);
    }
    assert_int_equal(k->four_100, k->schools > 0 && all == k->schools);
    sr_baseline_report_release(&bl);
}

#endif /* SR_REPORT_FIXTURE_H */
