/*
 * test_report.c - reporting periods and a district's report figures as
 * of a period's end.
 *
 * The district is built through the public library calls only: the
 * registry from a CSV string, mini.xml stored, assessments drafted,
 * imported and submitted on pinned days, hazards moved through their
 * loop by different people on different days.  Every KPI is then
 * checked twice: against the figure expected by hand, and against an
 * independent SQL query run with sqlite3 on the database file (the
 * issue's rule: every figure is reproducible by one SQL query).
 *
 * The story (district 370102 历下区 unless said):
 *   2025-06-01  D assessed (one deduct finding: hazard HD, never closed)
 *   2026-07-10  A assessed (boarding, 1500 pupils): HA1 on D1.1.1, HA2
 *               on D1.2.2
 *   2026-07-12  B assessed, full points
 *   2026-07-15  HA1 and HA2 assigned by 李主任 (HA2 deadline 2026-09-01)
 *   2026-08-01  C assessed, the veto item D1.2.1 failed: HC (major)
 *   2026-08-02  HC assigned, deadline 2026-09-30 (the end of Q3)
 *   2026-08-05  F assessed (370103 市中区)
 *   2026-08-10  HA1 submitted by 王老师; 2026-08-12 verified by 赵科长
 *   2026-09-20  HB1 added on B (no item)
 *   2026-09-28  HC submitted by 王老师
 *   2026-10-01  01:00 China (2026-09-30T17:00Z) HC verified (the
 *               district's review of a supervised hazard) and signed off
 *               by the city at the same moment: closed after Q3
 *   2026-10-03  HB2 added on B
 *   2026-10-05  HA2 re-assigned to 孙主任, deadline 2026-11-30
 * E (junior) and G (370112) are never assessed; 370104 has no school.
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

/* ------------------------------------------------------------------ */
/* Periods                                                              */
/* ------------------------------------------------------------------ */

static void
check_period(const char *text, int kind, const char *label,
             const char *name, const char *start, const char *end)
{
    struct sr_period p;

    assert_int_equal(sr_period_parse(text, &p), SR_OK);
    assert_int_equal(p.kind, kind);
    assert_string_equal(p.label, label);
    assert_string_equal(p.name, name);
    assert_string_equal(p.start, start);
    assert_string_equal(p.end, end);
}

static void
test_period_parse(void **state)
{
    (void)state;
    check_period("2026Q3", SR_PERIOD_QUARTER, "2026Q3", "2026年第三季度",
                 "2026-07-01", "2026-09-30");
    check_period("2026q1", SR_PERIOD_QUARTER, "2026Q1", "2026年第一季度",
                 "2026-01-01", "2026-03-31");
    check_period("2026Q2", SR_PERIOD_QUARTER, "2026Q2", "2026年第二季度",
                 "2026-04-01", "2026-06-30");
    check_period("2026Q4", SR_PERIOD_QUARTER, "2026Q4", "2026年第四季度",
                 "2026-10-01", "2026-12-31");
    check_period("2026-09", SR_PERIOD_MONTH, "2026-09", "2026年9月",
                 "2026-09-01", "2026-09-30");
    check_period("2026-12", SR_PERIOD_MONTH, "2026-12", "2026年12月",
                 "2026-12-01", "2026-12-31");
    check_period("2026-02", SR_PERIOD_MONTH, "2026-02", "2026年2月",
                 "2026-02-01", "2026-02-28");
    check_period("2024-02", SR_PERIOD_MONTH, "2024-02", "2024年2月",
                 "2024-02-01", "2024-02-29");
    check_period("2000-02", SR_PERIOD_MONTH, "2000-02", "2000年2月",
                 "2000-02-01", "2000-02-29");
    check_period("2100-02", SR_PERIOD_MONTH, "2100-02", "2100年2月",
                 "2100-02-01", "2100-02-28");
    check_period("2026", SR_PERIOD_YEAR, "2026", "2026年", "2026-01-01",
                 "2026-12-31");
    check_period("1900", SR_PERIOD_YEAR, "1900", "1900年", "1900-01-01",
                 "1900-12-31");
    check_period("2999Q4", SR_PERIOD_QUARTER, "2999Q4", "2999年第四季度",
                 "2999-10-01", "2999-12-31");
}

/* The forms people type, the bureau's Chinese ones included: each is
 * read as the canonical period. */
static void
test_period_typed_forms(void **state)
{
    static const struct {
        const char *text, *label;
    } cases[] = {
        /* quarters */
        {"2026-Q4", "2026Q4"},       {"2026-q2", "2026Q2"},
        {"2026年Q4", "2026Q4"},      {"2026年q1", "2026Q1"},
        {"2026年第四季度", "2026Q4"}, {"2026年第一季度", "2026Q1"},
        {"2026年第二季度", "2026Q2"}, {"2026年第三季度", "2026Q3"},
        {"2026年四季度", "2026Q4"},   {"2026年一季度", "2026Q1"},
        {"2026年第4季度", "2026Q4"},  {"2026年3季度", "2026Q3"},
        /* months */
        {"2026-9", "2026-09"},       {"2026/09", "2026-09"},
        {"2026/9", "2026-09"},       {"2026.12", "2026-12"},
        {"2026.1", "2026-01"},       {"2026年9月", "2026-09"},
        {"2026年09月", "2026-09"},    {"2026年12月", "2026-12"},
        /* years */
        {"2026年", "2026"},          {"2026年度", "2026"},
    };
    struct sr_period p;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (sr_period_parse(cases[i].text, &p) != SR_OK)
            fail_msg("'%s' was refused", cases[i].text);
        if (strcmp(p.label, cases[i].label) != 0)
            fail_msg("'%s' read as %s, not %s", cases[i].text, p.label,
                     cases[i].label);
    }
    check_period("2026年第四季度", SR_PERIOD_QUARTER, "2026Q4",
                 "2026年第四季度", "2026-10-01", "2026-12-31");
    check_period("2024年2月", SR_PERIOD_MONTH, "2024-02", "2024年2月",
                 "2024-02-01", "2024-02-29");
    check_period("2026年", SR_PERIOD_YEAR, "2026", "2026年", "2026-01-01",
                 "2026-12-31");
}

static void
test_period_refused(void **state)
{
    static const char *const bad[] = {
        "", "202", "20266", "2026Q0", "2026Q5", "2026Q", "2026Q33",
        "2026-00", "2026-13", "2026-091", "1899", "3000", "3000Q1",
        "1899-12", "abcd", "2026 ", " 2026", "2026-0a", "2026X3",
        "２０２６", "2026-", "2026/", "2026-9-1", "2026/Q4", "2026.Q4",
        "2026-QQ4", "2026Q4季度", "2026年第五季度", "2026年第0季度",
        "2026年5季度", "2026年第四季", "2026年第四季度末", "2026年四",
        "2026年13月", "2026年0月", "2026年9", "2026年9月份", "2026年-9月",
        "2026年年", "2026年度度", "2026年Q5", "2026年Q", "2026年度Q4",
        "1899年", "3000年第一季度", "26年", "2026年 9月", "2026年第 4季度",
    };
    struct sr_period p;
    size_t i;

    (void)state;
    memset(&p, 0x5a, sizeof(p));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (sr_period_parse(bad[i], &p) != SR_ERR_INPUT)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(((unsigned char *)&p)[0], 0x5a); /* untouched */
    }
    assert_int_equal(sr_period_parse(NULL, &p), SR_ERR_INPUT);
}

static void
check_prev(const char *text, const char *label, const char *start,
           const char *end)
{
    struct sr_period p, q;

    assert_int_equal(sr_period_parse(text, &p), SR_OK);
    sr_period_prev(&p, &q);
    assert_int_equal(q.kind, p.kind);
    assert_string_equal(q.label, label);
    assert_string_equal(q.start, start);
    assert_string_equal(q.end, end);
    sr_period_prev(&p, &p); /* in place */
    assert_string_equal(p.label, label);
}

static void
test_period_prev(void **state)
{
    struct sr_period p, q;

    (void)state;
    check_prev("2026Q1", "2025Q4", "2025-10-01", "2025-12-31");
    check_prev("2026Q3", "2026Q2", "2026-04-01", "2026-06-30");
    check_prev("2026Q4", "2026Q3", "2026-07-01", "2026-09-30");
    check_prev("2026Q2", "2026Q1", "2026-01-01", "2026-03-31");
    check_prev("2026-01", "2025-12", "2025-12-01", "2025-12-31");
    check_prev("2024-03", "2024-02", "2024-02-01", "2024-02-29");
    check_prev("2023-03", "2023-02", "2023-02-01", "2023-02-28");
    check_prev("2026", "2025", "2025-01-01", "2025-12-31");
    /* Four quarters back from 2026Q3, as the city trend sheet walks. */
    assert_int_equal(sr_period_parse("2026Q3", &p), SR_OK);
    sr_period_prev(&p, &q);
    sr_period_prev(&q, &q);
    sr_period_prev(&q, &q);
    assert_string_equal(q.label, "2025Q4");
    assert_string_equal(q.name, "2025年第四季度");
}

/* ------------------------------------------------------------------ */
/* The district                                                         */
/* ------------------------------------------------------------------ */

#include "report_story.h"

/* Every KPI of @p r (check_kpis), then its rows, against SQL. */
static void
check_kpis_sql(struct fx *f, const struct sr_report_district *r)
{
    const char *d = r->code;
    const struct sr_period *p = &r->period;
    char sql[2048];
    size_t i;

    check_kpis(f, &r->kpis, d, p);
    /* Rows. */
    assert_int_equal(r->n_schools, r->kpis.schools);
    assert_int_equal(r->n_lost,
                     sql_count(f, VALID "SELECT count(*) FROM valid v JOIN "
                                  "scores sc ON sc.assessment = v.id WHERE "
                                  "sc.kind = 'item' AND sc.earned < sc.max",
                               d, p));
    assert_int_equal(r->n_hazards,
                     sql_count(f, HZ "SELECT count(*) FROM hz", d, p));
    assert_int_equal(r->n_systems,
                     sql_count(f, VALID "SELECT count(DISTINCT system_id || "
                                  "' ' || system_version) FROM valid", d, p));
    for (i = 0; i < r->n_schools; i++) {
        const struct sr_report_school *s = &r->schools[i];

        snprintf(sql, sizeof(sql),
                 HZ "SELECT count(*) FROM hz WHERE school = '%s' AND "
                 OPEN_AT_END, s->code);
        assert_int_equal(s->open_hazards, sql_count(f, sql, d, p));
        snprintf(sql, sizeof(sql),
                 HZ "SELECT count(*) FROM hz WHERE school = '%s' AND "
                 OPEN_AT_END " AND " DEADLINE_AT_END " < :e", s->code);
        assert_int_equal(s->overdue_hazards, sql_count(f, sql, d, p));
        snprintf(sql, sizeof(sql),
                 VALID "SELECT count(*) FROM valid WHERE school = '%s'",
                 s->code);
        assert_int_equal(s->assessed, sql_count(f, sql, d, p) == 1);
        if (s->assessed) {
            snprintf(sql, sizeof(sql),
                     VALID "SELECT total FROM valid WHERE school = '%s'",
                     s->code);
            assert_int_equal(s->total, sql_count(f, sql, d, p));
            snprintf(sql, sizeof(sql),
                     VALID "SELECT id FROM valid WHERE school = '%s'",
                     s->code);
            assert_int_equal(s->assessment, sql_count(f, sql, d, p));
        }
    }
}

/* The report and the baseline agree on the four-100% figures. */
static void
check_baseline(struct fx *f, const struct sr_report_district *r)
{
    struct sr_baseline_report bl;
    size_t i, j;
    int e;

    ok(f, sr_baseline_compute(f->st, r->code, r->period.end, &bl));
    assert_int_equal(bl.nd, 1);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        assert_int_equal(r->kpis.baseline_met[e], bl.d[0].met[e]);
        assert_int_equal(r->kpis.baseline_rate[e].num, bl.d[0].met[e]);
        assert_int_equal(r->kpis.baseline_rate[e].den, bl.d[0].schools);
    }
    assert_int_equal(r->kpis.four_100, bl.d[0].reaches);
    assert_int_equal(bl.n, r->n_schools);
    for (i = 0; i < bl.n; i++) {
        for (j = 0; j < r->n_schools; j++)
            if (!strcmp(r->schools[j].code, bl.s[i].code))
                break;
        assert_true(j < r->n_schools);
        for (e = 0; e < SR_BASELINE_COUNT; e++)
            assert_int_equal(r->schools[j].baseline[e], bl.s[i].met[e]);
        /* Assessed here exactly when the baseline sees an assessment. */
        assert_int_equal(r->schools[j].assessment, bl.s[i].assessment);
    }
    sr_baseline_report_release(&bl);
}

static void
report(struct fx *f, const char *district, const char *period,
       struct sr_report_district *r)
{
    struct sr_period p;

    assert_int_equal(sr_period_parse(period, &p), SR_OK);
    ok(f, sr_report_district(f->st, district, &p, r));
    check_kpis_sql(f, r);
    check_baseline(f, r);
}

static const struct sr_report_school *
school(const struct sr_report_district *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->n_schools; i++)
        if (!strcmp(r->schools[i].code, code))
            return &r->schools[i];
    fail_msg("no school %s in the report", code);
    return NULL;
}

static const struct sr_report_hazard *
ledger(const struct sr_report_district *r, int64_t id)
{
    size_t i;

    for (i = 0; i < r->n_hazards; i++)
        if (r->hazards[i].id == id)
            return &r->hazards[i];
    fail_msg("no hazard %lld in the ledger", (long long)id);
    return NULL;
}

/* ------------------------------------------------------------------ */

static void
test_district_q3(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    const struct sr_report_kpis *k = &r.kpis;
    const struct sr_report_school *s;
    const struct sr_report_hazard *h;
    char want[128];
    size_t i;

    report(f, "370102", "2026Q3", &r);
    assert_string_equal(r.code, "370102");
    assert_string_equal(r.name, "历下区");
    assert_string_equal(r.period.label, "2026Q3");
    /* By hand. */
    assert_int_equal(k->schools, 5);
    assert_int_equal(k->assessed, 3); /* D expired on 2026-06-01 */
    assert_int_equal(k->compliant, 2);
    assert_int_equal(k->vetoed, 1);
    assert_int_equal(k->bands[SR_BLUE], 2);
    assert_int_equal(k->bands[SR_YELLOW], 0);
    assert_int_equal(k->bands[SR_ORANGE], 0);
    assert_int_equal(k->bands[SR_RED], 1);
    assert_int_equal(k->hazards_found, 4);   /* HA1 HA2 HC HB1 */
    assert_int_equal(k->hazards_closed, 1);  /* HA1; HC after the end */
    assert_int_equal(k->hazards_open, 4);    /* HA2 HC HB1 HD */
    assert_int_equal(k->hazards_overdue, 1); /* HA2; HC's is the end */
    assert_int_equal(k->rectification.num, 1);
    assert_int_equal(k->rectification.den, 4);
    assert_int_equal(k->open_major, 1);
    assert_int_equal(k->stages[SR_STAGE_PRIMARY].schools, 4);
    assert_int_equal(k->stages[SR_STAGE_PRIMARY].assessed, 3);
    assert_int_equal(k->stages[SR_STAGE_PRIMARY].compliant, 2);
    assert_int_equal(k->stages[SR_STAGE_JUNIOR].schools, 1);
    assert_int_equal(k->stages[SR_STAGE_JUNIOR].assessed, 0);
    /* Four 100%: A misses alarm-video (HA2 open), C closed-campus (HC
     * not closed by the end), D and E everything. */
    assert_int_equal(k->baseline_met[SR_BASELINE_GUARDS], 3);
    assert_int_equal(k->baseline_met[SR_BASELINE_CLOSED_CAMPUS], 2);
    assert_int_equal(k->baseline_met[SR_BASELINE_ALARM_VIDEO], 2);
    assert_int_equal(k->baseline_met[SR_BASELINE_PROTECTION_POSTS], 3);
    assert_int_equal(k->baseline_rate[SR_BASELINE_GUARDS].den, 5);
    assert_false(k->four_100);

    /* Schools, registry order. */
    assert_int_equal(r.n_schools, 5);
    for (i = 0; i < 5; i++) {
        snprintf(want, sizeof(want), "370102000%zu", i + 1);
        assert_string_equal(r.schools[i].code, want);
    }
    s = school(&r, "3701020001");
    assert_true(s->assessed);
    assert_string_equal(s->name, "历下区甲小学");
    assert_string_equal(s->district_name, "历下区");
    assert_string_equal(s->assessed_on, "2026-07-10");
    assert_string_equal(s->inspector, "张检查员");
    assert_string_equal(s->system, "mini 1.0");
    assert_int_equal(s->total, 9188);
    assert_string_equal(s->band, "low");
    assert_string_equal(s->band_label, "低风险");
    assert_int_equal(s->colour, SR_BLUE);
    assert_true(s->compliant);
    assert_false(s->vetoed);
    assert_null(s->veto_items);
    assert_int_equal(s->school.attr[SR_ATTR_BOARDING], 1);
    assert_int_equal(s->school.attr[SR_ATTR_ENROLLMENT], 1500);
    assert_string_equal(s->dimensions,
                        "D1 人防物防技防 38.5/45; D2 消防与应急 25/25; "
                        "D3 食品安全 10/10");
    assert_int_equal(s->open_hazards, 1);
    assert_int_equal(s->overdue_hazards, 1);
    assert_true(s->baseline[SR_BASELINE_GUARDS]);
    assert_false(s->baseline[SR_BASELINE_ALARM_VIDEO]);
    /* In Chinese whatever the locale, naming the item's title. */
    assert_string_equal(s->baseline_why,
                        "一键式紧急报警和视频监控联网：检查项“D1.2.2 "
                        "一键式紧急报警与视频监控系统与公安机关联网”在"
                        "2026年7月10日的评估中未得满分，且此后未整改销号");

    s = school(&r, "3701020003");
    assert_true(s->vetoed);
    assert_false(s->compliant);
    assert_int_equal(s->colour, SR_RED);
    assert_string_equal(s->veto_items,
                        "D1.2.1 校园实行封闭化管理，门卫室24小时值守，"
                        "外来人员登记");
    assert_int_equal(s->open_hazards, 1);
    assert_int_equal(s->overdue_hazards, 0);

    s = school(&r, "3701020004"); /* expired */
    assert_false(s->assessed);
    assert_int_equal(s->assessment, 0);
    assert_string_equal(s->assessed_on, "");
    assert_null(s->inspector);
    assert_null(s->system);
    assert_null(s->band);
    assert_int_equal(s->colour, -1);
    assert_null(s->dimensions);
    assert_int_equal(s->open_hazards, 1); /* HD, still open */
    assert_string_equal(s->baseline_why, "四项均未达到：最近一次评估（2025年6月1日）"
                        "已于2026年6月1日过期");

    s = school(&r, "3701020005"); /* junior, never assessed */
    assert_false(s->assessed);
    assert_int_equal(s->school.attr[SR_ATTR_STAGE], SR_STAGE_JUNIOR);
    assert_string_equal(s->baseline_why,
                        "四项均未达到：尚无已提交的安全风险评估");

    /* Lost points: A's two items in document order, then C's veto. */
    assert_int_equal(r.n_lost, 3);
    assert_string_equal(r.lost[0].code, "3701020001");
    assert_string_equal(r.lost[0].school_name, "历下区甲小学");
    assert_string_equal(r.lost[0].dimension, "D1 人防物防技防");
    assert_string_equal(r.lost[0].item, "D1.1.1");
    assert_string_equal(r.lost[0].item_title, "专职保安员配备数量达到标准");
    assert_int_equal(r.lost[0].earned, 7500000);
    assert_int_equal(r.lost[0].max, 10000000);
    assert_string_equal(r.lost[0].value, "3人/应配4人");
    assert_string_equal(r.lost[0].note, "保安员缺1名");
    assert_int_equal(r.lost[0].hazard, SR_HAZARD_GENERAL);
    assert_false(r.lost[0].veto);
    assert_string_equal(r.lost[1].item, "D1.2.2");
    assert_int_equal(r.lost[1].earned, 6000000);
    assert_string_equal(r.lost[1].value, "基本符合");
    assert_string_equal(r.lost[1].note, "监控室与派出所联网时断时续");
    assert_string_equal(r.lost[2].code, "3701020003");
    assert_string_equal(r.lost[2].item, "D1.2.1");
    assert_int_equal(r.lost[2].earned, 0);
    assert_string_equal(r.lost[2].value, "不符合");
    assert_int_equal(r.lost[2].hazard, SR_HAZARD_MAJOR);
    assert_true(r.lost[2].veto);

    /* The ledger, by id, as of 30 September. */
    assert_int_equal(r.n_hazards, 5);
    for (i = 1; i < r.n_hazards; i++)
        assert_true(r.hazards[i - 1].id < r.hazards[i].id);
    h = ledger(&r, f->ha1);
    assert_int_equal(h->status, SR_HAZARD_CLOSED);
    assert_string_equal(h->closed_on, "2026-08-12");
    assert_int_equal(h->days_overdue, 0);
    h = ledger(&r, f->ha2); /* re-assigned after the end */
    assert_int_equal(h->status, SR_HAZARD_RECTIFYING);
    assert_string_equal(h->responsible, "李主任");
    assert_string_equal(h->deadline, "2026-09-01");
    assert_string_equal(h->measures, "联系公安检修联网线路");
    assert_int_equal(h->days_overdue, 29);
    assert_string_equal(h->item, "D1.2.2");
    assert_string_equal(h->found_on, "2026-07-10");
    assert_string_equal(h->found_by, "张检查员");
    assert_string_equal(h->district_name, "历下区");
    h = ledger(&r, f->hc); /* closed at 01:00 on 1 October */
    assert_int_equal(h->status, SR_HAZARD_SUBMITTED);
    assert_string_equal(h->closed_on, "");
    assert_int_equal(h->level, SR_HAZARD_MAJOR);
    assert_true(h->supervised);
    assert_string_equal(h->responsible, "钱校长");
    assert_string_equal(h->deadline, "2026-09-30");
    assert_int_equal(h->days_overdue, 0);
    h = ledger(&r, f->hd);
    assert_int_equal(h->status, SR_HAZARD_OPEN);
    assert_null(h->responsible);
    assert_string_equal(h->deadline, "");
    h = ledger(&r, f->hb1);
    assert_null(h->item);
    assert_string_equal(h->description, "操场护栏松动");
    assert_false(h->supervised);

    assert_int_equal(r.n_systems, 1);
    snprintf(want, sizeof(want), "mini 1.0 sha256 %s", f->sha);
    assert_string_equal(r.systems[0], want);
    sr_report_district_release(&r);
    sr_report_district_release(&r); /* zeroed: fine */
}

static void
test_district_q4_and_name(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    const struct sr_report_hazard *h;

    report(f, "历下区", "2026Q4", &r);
    assert_string_equal(r.code, "370102");
    assert_int_equal(r.kpis.hazards_found, 1);  /* HB2 */
    assert_int_equal(r.kpis.hazards_closed, 1); /* HC on 1 October */
    assert_int_equal(r.kpis.hazards_open, 4);   /* HA2 HB1 HB2 HD */
    assert_int_equal(r.kpis.hazards_overdue, 1);
    assert_int_equal(r.kpis.rectification.num, 0);
    assert_int_equal(r.kpis.rectification.den, 1);
    assert_int_equal(r.kpis.open_major, 0);
    assert_int_equal(r.n_hazards, 6);
    h = ledger(&r, f->ha2); /* now the row's own values */
    assert_string_equal(h->responsible, "孙主任");
    assert_string_equal(h->deadline, "2026-11-30");
    assert_string_equal(h->measures, "联系公安检修联网线路");
    assert_int_equal(h->days_overdue, 31);
    h = ledger(&r, f->hc);
    assert_int_equal(h->status, SR_HAZARD_CLOSED);
    assert_string_equal(h->closed_on, "2026-10-01");
    /* C's closed-campus element is back once HC is closed. */
    assert_true(school(&r, "3701020003")->baseline[
        SR_BASELINE_CLOSED_CAMPUS]);
    sr_report_district_release(&r);

    /* The year and a month give the same end-of-period picture. */
    report(f, "370102", "2026", &r);
    assert_int_equal(r.kpis.hazards_found, 5);
    assert_int_equal(r.kpis.hazards_closed, 2);
    assert_int_equal(r.kpis.rectification.num, 2);
    sr_report_district_release(&r);
    report(f, "370102", "2026-09", &r);
    assert_int_equal(r.kpis.hazards_found, 1); /* HB1 */
    assert_int_equal(r.kpis.hazards_open, 4);
    sr_report_district_release(&r);
}

static void
test_expired_at_the_end(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    const struct sr_report_school *s;

    /* D was assessed on 2025-06-01; 12 months: valid through 05-31. */
    report(f, "370102", "2026-05", &r);
    s = school(&r, "3701020004");
    assert_true(s->assessed);
    assert_string_equal(s->assessed_on, "2025-06-01");
    assert_int_equal(r.kpis.assessed, 1);
    assert_int_equal(r.n_lost, 1);
    assert_string_equal(r.lost[0].item, "D2.1.1");
    assert_string_equal(r.lost[0].note, "灭火器过期2具");
    assert_int_equal(r.lost[0].earned, 8000000);
    sr_report_district_release(&r);
    report(f, "370102", "2026-06", &r);
    assert_false(school(&r, "3701020004")->assessed);
    assert_int_equal(r.kpis.assessed, 0);
    assert_int_equal(r.n_lost, 0);
    assert_int_equal(r.n_systems, 0);
    assert_int_equal(r.n_hazards, 1); /* HD is still on the ledger */
    assert_int_equal(r.kpis.hazards_open, 1);
    sr_report_district_release(&r);
}

static void
test_before_any_data(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    int e;

    report(f, "370102", "2024Q1", &r);
    assert_int_equal(r.kpis.schools, 5);
    assert_int_equal(r.kpis.assessed, 0);
    assert_int_equal(r.kpis.coverage.num, 0);
    assert_int_equal(r.kpis.coverage.den, 5);
    assert_int_equal(r.kpis.hazards_found, 0);
    assert_int_equal(r.kpis.hazards_open, 0);
    assert_int_equal(r.kpis.rectification.den, 0);
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_int_equal(r.kpis.baseline_met[e], 0);
    assert_false(r.kpis.four_100);
    assert_int_equal(r.n_schools, 5);
    assert_int_equal(r.n_lost, 0);
    assert_int_equal(r.n_hazards, 0);
    assert_int_equal(r.n_systems, 0);
    sr_report_district_release(&r);
}

static void
test_empty_districts(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    struct sr_period p;

    /* No school at all. */
    report(f, "370104", "2026Q3", &r);
    assert_string_equal(r.name, "槐荫区");
    assert_int_equal(r.kpis.schools, 0);
    assert_int_equal(r.kpis.coverage.den, 0);
    assert_int_equal(r.kpis.compliance.den, 0);
    assert_int_equal(r.kpis.baseline_rate[0].den, 0);
    assert_false(r.kpis.four_100);
    assert_int_equal(r.n_schools, 0);
    assert_int_equal(r.n_hazards, 0);
    sr_report_district_release(&r);

    /* A school, never assessed. */
    report(f, "370112", "2026Q3", &r);
    assert_int_equal(r.kpis.schools, 1);
    assert_int_equal(r.kpis.assessed, 0);
    assert_int_equal(r.kpis.coverage.num, 0);
    assert_int_equal(r.kpis.coverage.den, 1);
    assert_int_equal(r.kpis.stages[SR_STAGE_PRIMARY].schools, 1);
    assert_false(r.schools[0].assessed);
    assert_int_equal(r.n_lost, 0);
    sr_report_district_release(&r);

    /* Another district's figures stay out. */
    report(f, "370103", "2026Q3", &r);
    assert_int_equal(r.kpis.schools, 1);
    assert_int_equal(r.kpis.assessed, 1);
    assert_int_equal(r.kpis.compliant, 1);
    assert_int_equal(r.n_hazards, 0);
    assert_true(r.kpis.four_100);
    sr_report_district_release(&r);

    assert_int_equal(sr_period_parse("2026Q3", &p), SR_OK);
    memset(&r, 0x5a, sizeof(r));
    assert_int_equal(sr_report_district(f->st, "历山区", &p, &r),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st), "no district '历山区'");
    assert_null(r.code);
    assert_int_equal(r.n_schools, 0);
}

/* A school's self-inspection raises hazards like any assessment, but
 * only an inspection counts for the school's compliance, the reports
 * and the four-100% baseline. */
static void
test_self_inspection(void **state)
{
    struct fx *f = *state;
    struct sr_report_district r;
    struct sr_report_kpis before;
    struct sr_baseline_report bl;
    struct sr_submit_report rep;
    const struct sr_report_school *s;
    int64_t b_inspection, self_g, self_b;
    int e;

    /* G (370112) was never inspected; B was, on 07-12, at full points. */
    report(f, "370102", "2026Q4", &r);
    s = school(&r, "3701020002");
    assert_true(s->compliant);
    b_inspection = s->assessment;
    assert_true(b_inspection > 0);
    before = r.kpis;
    sr_report_district_release(&r);

    as(f, "庚小学安全办");
    /* G's self-inspection: everything at full points but the fire
     * extinguishers (D2.1.1, a general hazard on no baseline item). */
    self_g = self_inspect(f, "3701120001", "2026-12-01", responses_d, &rep);
    assert_true(rep.compliant);
    assert_int_equal(rep.hazards_new, 1);
    /* B's self-inspection fails the veto item: a major hazard. */
    self_b = self_inspect(f, "3701020002", "2026-12-02", responses_c, &rep);
    assert_false(rep.compliant);
    assert_true(rep.vetoed);
    assert_int_equal(rep.hazards_new, 1);

    /* G still counts as not assessed: no compliance, no baseline; the
     * hazard its self-inspection raised is on the ledger. */
    report(f, "370112", "2026Q4", &r);
    assert_int_equal(r.kpis.schools, 1);
    assert_int_equal(r.kpis.assessed, 0);
    assert_int_equal(r.kpis.compliant, 0);
    assert_int_equal(r.kpis.coverage.num, 0);
    assert_false(r.schools[0].assessed);
    assert_false(r.schools[0].compliant);
    assert_int_equal(r.schools[0].assessment, 0);
    assert_int_equal(r.n_lost, 0);
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        assert_int_equal(r.kpis.baseline_met[e], 0);
    assert_int_equal(r.kpis.hazards_found, 1);
    assert_int_equal(r.kpis.hazards_open, 1);
    assert_int_equal(r.n_hazards, 1);
    assert_int_equal(r.hazards[0].level, SR_HAZARD_GENERAL);
    assert_string_equal(r.hazards[0].item, "D2.1.1");
    sr_report_district_release(&r);
    ok(f, sr_baseline_compute(f->st, "370112", "2026-12-31", &bl));
    assert_int_equal(bl.n, 1);
    assert_int_equal(bl.s[0].assessment, 0);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        assert_false(bl.s[0].met[e]);
        assert_string_equal(bl.s[0].why[e], "no submitted assessment");
    }
    sr_baseline_report_release(&bl);

    /* B keeps its inspection: compliant, not vetoed, full points. */
    report(f, "370102", "2026Q4", &r);
    s = school(&r, "3701020002");
    assert_int_equal(s->assessment, b_inspection);
    assert_string_equal(s->assessed_on, "2026-07-12");
    assert_true(s->compliant);
    assert_false(s->vetoed);
    assert_int_equal(s->total, 10000);
    /* the district's figures but the hazards are those of before */
    assert_int_equal(r.kpis.assessed, before.assessed);
    assert_int_equal(r.kpis.compliant, before.compliant);
    assert_int_equal(r.kpis.vetoed, before.vetoed); /* C's, not B's */
    for (e = 0; e < 4; e++)
        assert_int_equal(r.kpis.bands[e], before.bands[e]);
    assert_int_equal(r.kpis.hazards_found, before.hazards_found + 1);
    assert_int_equal(r.kpis.open_major, before.open_major + 1);
    sr_report_district_release(&r);
    ok(f, sr_baseline_compute(f->st, "370102", "2026-12-31", &bl));
    for (e = 0; e < (int)bl.n; e++)
        if (!strcmp(bl.s[e].code, "3701020002"))
            assert_int_equal(bl.s[e].assessment, b_inspection);
    sr_baseline_report_release(&bl);
    assert_true(self_g > 0 && self_b > self_g);
}

/* Each cause as a report says it, in Chinese whatever the locale. */
static void
test_baseline_reason_text(void **state)
{
    struct sr_baseline_reason r;
    char *t;

    (void)state;
    memset(&r, 0, sizeof(r));
    assert_null(sr_baseline_reason_text(&r)); /* met: no reason */
    r.cause = SR_CAUSE_NO_ASSESSMENT;
    t = sr_baseline_reason_text(&r);
    assert_string_equal(t, "尚无已提交的安全风险评估");
    free(t);
    r.cause = SR_CAUSE_EXPIRED;
    r.assessment = 7;
    snprintf(r.assessed_on, sizeof(r.assessed_on), "2025-10-12");
    snprintf(r.until, sizeof(r.until), "2026-10-12");
    t = sr_baseline_reason_text(&r);
    assert_string_equal(t, "最近一次评估（2025年10月12日）已于2026年10月12日过期");
    free(t);
    r.cause = SR_CAUSE_NO_EVIDENCE;
    t = sr_baseline_reason_text(&r);
    assert_string_equal(t, "2025年10月12日的评估中没有该要素适用的检查项");
    free(t);
    r.cause = SR_CAUSE_ITEM_LOST;
    r.item = "D02.01.01";
    t = sr_baseline_reason_text(&r); /* an item its system lacks: the id */
    assert_string_equal(t, "检查项“D02.01.01”在2025年10月12日的评估中未得满分，"
                           "且此后未整改销号");
    free(t);
    r.item_title = "专职保安员配备";
    t = sr_baseline_reason_text(&r);
    assert_string_equal(t, "检查项“D02.01.01 专职保安员配备”在2025年10月12日的"
                           "评估中未得满分，且此后未整改销号");
    free(t);
    r.cause = SR_CAUSE_HAZARD_OPEN;
    r.hazard = 1234;
    t = sr_baseline_reason_text(&r);
    assert_string_equal(t, "隐患（编号1234，检查项“D02.01.01 专职保安员配备”）"
                           "尚未销号");
    free(t);
    r.item = r.item_title = NULL;
    t = sr_baseline_reason_text(&r);
    assert_string_equal(t, "隐患（编号1234）尚未销号");
    free(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_reason_text),
        cmocka_unit_test(test_period_parse),
        cmocka_unit_test(test_period_typed_forms),
        cmocka_unit_test(test_period_refused),
        cmocka_unit_test(test_period_prev),
        cmocka_unit_test_setup_teardown(test_district_q3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_district_q4_and_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_expired_at_the_end, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_before_any_data, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_districts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_self_inspection, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
