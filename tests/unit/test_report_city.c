/*
 * test_report_city.c - the city report's figures as of a period's end.
 *
 * A small city is built through the public library calls only: the
 * registry from a CSV string, mini.xml stored, assessments submitted on
 * pinned days, hazards added and moved by different people.  Every
 * district line and the city total are then checked against independent
 * SQL queries run with sqlite3 on the database file, and the lists (not
 * compliant, off the baseline, open major hazards, peers, trend) against
 * the story below.
 *
 * The story (2026Q3 unless said):
 *   370102 历下区: 甲 full (07-12), 乙 veto failed (08-01: major HC,
 *          deadline 08-20, never closed: 41 days overdue at the end),
 *          丙 low score (08-03, not vetoed), 丁 junior full (08-04; a
 *          major hazard HM0 found 08-06, reviewed by the district and
 *          signed off by the city 08-20)                  -> 2/4
 *   370103 市中区: 己 full (08-05; major HM2 found 09-10, no deadline),
 *          辛 never assessed                              -> 1/2 (tie)
 *   370112 历城区: 庚 full on 2026-02-10 and again on 07-20; major HM1
 *          found 09-05 with deadline 09-29 (1 day overdue); major HM3
 *          found 10-02 (after the end)                    -> 1/1
 *   370104 槐荫区 and the other districts: no school      -> last
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

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,历下区甲小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020002,历下区乙小学,历下区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020003,历下区丙小学,历下区,小学,民办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701020004,历下区丁中学,历下区,初中,公办,城区,否,否,是,是,否,800,0,"
    "0,,\n"
    "3701030001,市中区己小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701030002,市中区辛小学,市中区,小学,公办,城区,否,否,是,否,否,800,0,"
    "0,,\n"
    "3701120001,历城区庚小学,历城区,小学,公办,乡村,否,否,是,否,否,200,0,"
    "0,,\n";

/* 800 (or 200) pupils, day school: everything at full points. */
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

/* The veto item fails. */
static const char responses_veto[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,pass,\n"
    "D1.2.1,fail,东门无人值守\n"
    "D1.2.2,符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,pass,\n"
    "D2.1.1,0,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

/* Many findings, no veto: below the pass mark. */
static const char responses_low[] =
    "item,value,note\n"
    "D1.1.1,2,\n"
    "D1.1.2,fail,\n"
    "D1.2.1,pass,\n"
    "D1.2.2,不符合,\n"
    "D1.2.3,30,\n"
    "D1.2.4,fail,\n"
    "D2.1.1,5,\n"
    "D2.1.2,3,\n"
    "D3.1.1,pass,\n"
    "D3.1.2,12/12,\n";

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    sqlite3 *raw; /* a second connection for the independent queries */
    int64_t hc, hm0, hm1, hm2, hm3;
};

#include "report_fixture.h"

static int64_t
add_major(struct fx *f, const char *code, const char *desc)
{
    struct sr_hazard_new h;
    int64_t id = 0;
    bool linked = true;

    memset(&h, 0, sizeof(h));
    h.school = code;
    h.level = SR_HAZARD_MAJOR;
    h.description = desc;
    ok(f, sr_hazard_add(f->st, &h, &id, &linked));
    return id;
}

/* mini.xml as a junior-school system "minij 1.0". */
static void
load_junior(struct fx *f)
{
    enum sr_load_outcome out;
    struct sr_diags d;
    char *xml, *q, *text;
    long len;
    FILE *fp = fopen(SR_FIXTURES "/mini.xml", "rb");

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    xml = calloc(1, (size_t)len + 16);
    text = calloc(1, (size_t)len + 16);
    assert_non_null(xml);
    assert_non_null(text);
    assert_int_equal(fread(xml, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    q = strstr(xml, "id=\"mini\"");
    assert_non_null(q);
    /* text = the part before, the new id, the rest (calloc'd: the
     * terminator is already there). */
    memcpy(text, xml, (size_t)(q - xml));
    memcpy(text + (q - xml), "id=\"minij\"", 10);
    memcpy(text + (q - xml) + 10, q + 9, strlen(q + 9));
    q = strstr(text, "<stage>primary</stage>");
    assert_non_null(q);
    memcpy(q, "<stage>junior</stage> ", 22);
    sr_diags_init(&d);
    ok(f, sr_store_load_system(f->st, "minij.xml", text, strlen(text), &out,
                               &d));
    sr_diags_release(&d);
    free(xml);
    free(text);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;
    struct sr_diags d;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-city-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    day(f, "2025-05-01");
    as(f, "管理员");
    assert_int_equal(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml",
                                               &out, &d),
                     SR_OK);
    assert_int_equal(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                               sizeof(registry_csv) - 1, 0,
                                               &rep, &d),
                     SR_OK);
    assert_int_equal(rep.added, 7);
    sr_diags_release(&d);
    load_junior(f);

    as(f, "张检查员");
    day(f, "2026-02-10");
    assess(f, "3701120001", responses_full);
    day(f, "2026-07-12");
    assess(f, "3701020001", responses_full);
    day(f, "2026-07-20");
    assess(f, "3701120001", responses_full);
    day(f, "2026-08-01");
    assess(f, "3701020002", responses_veto);
    f->hc = hazard_on(f, "3701020002", "D1.2.1");
    day(f, "2026-08-03");
    assess(f, "3701020003", responses_low);
    day(f, "2026-08-04");
    assess(f, "3701020004", responses_full);
    day(f, "2026-08-05");
    assess(f, "3701030001", responses_full);
    day(f, "2026-08-06");
    f->hm0 = add_major(f, "3701020004", "实验室危化品未双人双锁");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->hc, "钱校长", "2026-08-20",
                           "门卫室24小时值守"));
    ok(f, sr_hazard_assign(f->st, f->hm0, "周老师", "2026-08-30", NULL));
    day(f, "2026-08-15");
    as(f, "周老师");
    ok(f, sr_hazard_submit(f->st, f->hm0, "已加锁", NULL));
    day(f, "2026-08-20");
    as(f, "赵科长");
    ok(f, sr_hazard_verify(f->st, f->hm0, NULL));
    /* HM0 is major: the district's review leaves it waiting for the
     * city, whose sign-off the same day closes it on 08-20. */
    as(f, "市教育局安全处");
    ok(f, sr_hazard_signoff(f->st, f->hm0, NULL));
    as(f, "张检查员");
    day(f, "2026-09-05");
    f->hm1 = add_major(f, "3701120001", "围墙局部坍塌");
    as(f, "李主任");
    ok(f, sr_hazard_assign(f->st, f->hm1, "吴校长", "2026-09-29", NULL));
    as(f, "张检查员");
    day(f, "2026-09-10");
    f->hm2 = add_major(f, "3701030001", "配电室无防护");
    day(f, "2026-10-02");
    f->hm3 = add_major(f, "3701120001", "锅炉房无人看管");
    day(f, "2027-01-10");

    open_raw(f);
    *state = f;
    return 0;
}

static void
city(struct fx *f, const char *period, struct sr_report_city *r)
{
    struct sr_period p;

    assert_int_equal(sr_period_parse(period, &p), SR_OK);
    ok(f, sr_report_city(f->st, &p, r));
}

static const struct sr_report_city_district *
line(const struct sr_report_city *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->n_districts; i++)
        if (!strcmp(r->districts[i].code, code))
            return &r->districts[i];
    fail_msg("no district %s", code);
    return NULL;
}

/* ------------------------------------------------------------------ */

static void
test_city_q3(void **state)
{
    struct fx *f = *state;
    struct sr_report_city r;
    const struct sr_report_kpis *t = &r.total;
    char sql[1024];
    size_t i;

    city(f, "2026Q3", &r);
    assert_string_equal(r.period.label, "2026Q3");

    /* Every district of the districts table, bureau order. */
    assert_int_equal(r.n_districts,
                     sql_count(f, "SELECT count(*) FROM districts", NULL,
                               &r.period));
    for (i = 0; i < r.n_districts; i++) {
        const struct sr_report_city_district *dl = &r.districts[i];

        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM districts WHERE sort < (SELECT sort "
                 "FROM districts WHERE code = '%s')", dl->code);
        assert_int_equal(sql_count(f, sql, NULL, &r.period), i);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM districts WHERE code = '%s' AND "
                 "name = '%s'", dl->code, dl->name);
        assert_int_equal(sql_count(f, sql, NULL, &r.period), 1);
        check_kpis(f, &dl->kpis, dl->code, &r.period);
        if (!dl->kpis.schools)
            assert_int_equal(dl->rank, 4); /* last: after the three */
    }
    check_kpis(f, t, NULL, &r.period);

    /* By hand. */
    assert_string_equal(line(&r, "370102")->name, "历下区");
    assert_int_equal(line(&r, "370102")->kpis.schools, 4);
    assert_int_equal(line(&r, "370102")->kpis.compliant, 2);
    assert_int_equal(line(&r, "370103")->kpis.compliant, 1);
    assert_int_equal(line(&r, "370112")->rank, 1);  /* 1/1 */
    assert_int_equal(line(&r, "370102")->rank, 2);  /* 2/4 */
    assert_int_equal(line(&r, "370103")->rank, 2);  /* 1/2: the tie */
    assert_int_equal(line(&r, "370104")->rank, 4);
    assert_int_equal(line(&r, "370104")->kpis.schools, 0);
    assert_true(line(&r, "370112")->kpis.four_100);
    assert_false(line(&r, "370102")->kpis.four_100);
    assert_int_equal(t->schools, 7);
    assert_int_equal(t->assessed, 6);
    assert_int_equal(t->compliant, 4);
    assert_int_equal(t->compliance.num, 4);
    assert_int_equal(t->compliance.den, 7);
    assert_int_equal(t->vetoed, 1);
    assert_int_equal(t->open_major, 3);    /* HC HM1 HM2 */
    assert_int_equal(t->hazards_overdue, 2); /* HC HM1 */
    assert_false(t->four_100);

    /* Not compliant: assessed only, vetoed included, district then code. */
    assert_int_equal(r.n_noncompliant, 2);
    assert_string_equal(r.noncompliant[0].code, "3701020002");
    assert_true(r.noncompliant[0].vetoed);
    assert_string_equal(r.noncompliant[0].district_name, "历下区");
    assert_string_equal(r.noncompliant[0].veto_items,
                        "D1.2.1 校园实行封闭化管理，门卫室24小时值守，"
                        "外来人员登记");
    assert_string_equal(r.noncompliant[1].code, "3701020003");
    assert_false(r.noncompliant[1].vetoed);
    assert_false(r.noncompliant[1].compliant);
    assert_true(r.noncompliant[1].total < 8000);
    assert_int_equal(r.n_noncompliant,
                     sql_count(f, VALID "SELECT count(*) FROM valid WHERE "
                                  "compliant = 0", NULL, &r.period));

    /* Off the baseline: 乙 (closed campus), 丙, 辛 (never assessed). */
    assert_int_equal(r.n_off_baseline, 3);
    assert_string_equal(r.off_baseline[0].code, "3701020002");
    assert_string_equal(r.off_baseline[1].code, "3701020003");
    assert_string_equal(r.off_baseline[2].code, "3701030002");
    assert_false(r.off_baseline[2].assessed);
    assert_string_equal(r.off_baseline[2].district_name, "市中区");
    assert_non_null(r.off_baseline[2].baseline_why);
    assert_false(r.off_baseline[0].baseline[SR_BASELINE_CLOSED_CAMPUS]);

    /* Open major hazards: longest overdue, then oldest found. */
    assert_int_equal(r.n_major, 3);
    assert_int_equal(r.major[0].id, f->hc);
    assert_int_equal(r.major[0].days_overdue, 41);
    assert_string_equal(r.major[0].district_name, "历下区");
    assert_string_equal(r.major[0].responsible, "钱校长");
    assert_true(r.major[0].supervised);
    assert_int_equal(r.major[1].id, f->hm1);
    assert_int_equal(r.major[1].days_overdue, 1);
    assert_string_equal(r.major[1].school_name, "历城区庚小学");
    assert_int_equal(r.major[2].id, f->hm2);
    assert_int_equal(r.major[2].days_overdue, 0);
    assert_string_equal(r.major[2].found_on, "2026-09-10");
    assert_string_equal(r.major[2].description, "配电室无防护");
    for (i = 0; i < r.n_major; i++)
        assert_true(r.major[i].id != f->hm0 && r.major[i].id != f->hm3);

    /* Peers: primary 甲 己 庚 at full points, told apart by their
     * hazards at the end (甲 none, 己 one open, 庚 one overdue), then
     * 丙, then 乙 (vetoed, whatever its total); junior 丁 alone.  Each rank against
     * the keys (report.h). */
    assert_int_equal(r.n_peers, 6);
    for (i = 0; i < r.n_peers; i++) {
        const struct sr_report_peer *p = &r.peers[i];
        size_t better = 0, j;

        for (j = 0; j < r.n_peers; j++) {
            const struct sr_report_peer *q = &r.peers[j];

            if (q->stage != p->stage)
                continue;
            if (q->vetoed != p->vetoed) {
                better += !q->vetoed;
                continue;
            }
            if (q->total != p->total) {
                better += q->total > p->total;
                continue;
            }
            if (q->overdue_hazards != p->overdue_hazards) {
                better += q->overdue_hazards < p->overdue_hazards;
                continue;
            }
            better += q->open_hazards < p->open_hazards;
        }
        assert_int_equal(p->rank, 1 + better);
        snprintf(sql, sizeof(sql),
                 VALID "SELECT count(*) FROM valid v JOIN schools s ON "
                 "s.code = v.school WHERE s.stage = '%s'",
                 sr_stage_name(p->stage));
        assert_int_equal(p->of, sql_count(f, sql, NULL, &r.period));
        snprintf(sql, sizeof(sql),
                 VALID "SELECT total FROM valid WHERE school = '%s'",
                 p->code);
        assert_int_equal(p->total, sql_count(f, sql, NULL, &r.period));
        if (i > 0)
            assert_true(p->stage > r.peers[i - 1].stage ||
                        (p->stage == r.peers[i - 1].stage &&
                         p->rank >= r.peers[i - 1].rank));
    }
    assert_int_equal(r.peers[0].stage, SR_STAGE_PRIMARY);
    assert_string_equal(r.peers[0].code, "3701020001");
    assert_string_equal(r.peers[1].code, "3701030001");
    assert_string_equal(r.peers[2].code, "3701120001");
    for (i = 0; i < 3; i++) {
        assert_int_equal(r.peers[i].rank, i + 1);
        assert_int_equal(r.peers[i].of, 5);
        assert_int_equal(r.peers[i].total, 10000);
        assert_true(r.peers[i].compliant);
    }
    assert_int_equal(r.peers[0].open_hazards, 0);
    assert_int_equal(r.peers[1].overdue_hazards, 0);
    assert_int_equal(r.peers[1].open_hazards, 1);
    assert_int_equal(r.peers[2].overdue_hazards, 1);
    /* 乙's veto ranks it last although its total is above 丙's: the
     * bottom of a stage shows the vetoed school. */
    assert_string_equal(r.peers[3].code, "3701020003");
    assert_false(r.peers[3].vetoed);
    assert_string_equal(r.peers[4].code, "3701020002");
    assert_true(r.peers[4].vetoed);
    assert_true(r.peers[4].total > r.peers[3].total);
    assert_int_equal(r.peers[3].rank, 4);
    assert_int_equal(r.peers[4].rank, 5);
    assert_string_equal(r.peers[5].code, "3701020004");
    assert_int_equal(r.peers[5].stage, SR_STAGE_JUNIOR);
    assert_int_equal(r.peers[5].rank, 1);
    assert_int_equal(r.peers[5].of, 1);
    assert_string_equal(r.peers[5].name, "历下区丁中学");
    assert_string_equal(r.peers[5].district_name, "历下区");
    assert_string_equal(r.peers[5].band_label, "低风险");

    /* Trend: 2025Q4 has no data. */
    assert_int_equal(r.n_trend, 3);
    assert_string_equal(r.trend[0].period.label, "2026Q1");
    assert_string_equal(r.trend[1].period.label, "2026Q2");
    assert_string_equal(r.trend[2].period.label, "2026Q3");
    assert_int_equal(r.trend[0].kpis.assessed, 1);
    assert_int_equal(r.trend[1].kpis.assessed, 1);
    assert_int_equal(r.trend[2].kpis.assessed, 6);
    assert_int_equal(r.trend[2].kpis.compliant, t->compliant);
    for (i = 0; i < r.n_trend; i++)
        check_kpis(f, &r.trend[i].kpis, NULL, &r.trend[i].period);

    /* Systems: the union of the districts', sorted, each once. */
    assert_int_equal(r.n_systems, 2);
    assert_memory_equal(r.systems[0], "mini 1.0 sha256 ", 16);
    assert_int_equal(strlen(r.systems[0]), 16 + 64);
    assert_memory_equal(r.systems[1], "minij 1.0 sha256 ", 17);
    assert_int_equal(strlen(r.systems[1]), 17 + 64);

    sr_report_city_release(&r);
    sr_report_city_release(&r); /* zeroed: fine */
}

static void
test_city_other_periods(void **state)
{
    struct fx *f = *state;
    struct sr_report_city r;
    size_t i;

    /* Before any data: no trend, every line zero but the schools. */
    city(f, "2025Q1", &r);
    assert_int_equal(r.total.schools, 7);
    assert_int_equal(r.total.assessed, 0);
    assert_int_equal(r.n_trend, 0);
    assert_int_equal(r.n_noncompliant, 0);
    assert_int_equal(r.n_major, 0);
    assert_int_equal(r.n_peers, 0);
    assert_int_equal(r.n_systems, 0);
    assert_int_equal(r.n_off_baseline, 7);
    assert_false(r.total.four_100);
    /* All at 0/n: the three districts with schools share rank 1. */
    assert_int_equal(line(&r, "370102")->rank, 1);
    assert_int_equal(line(&r, "370103")->rank, 1);
    assert_int_equal(line(&r, "370112")->rank, 1);
    assert_int_equal(line(&r, "370104")->rank, 4);
    for (i = 0; i < r.n_districts; i++)
        check_kpis(f, &r.districts[i].kpis, r.districts[i].code, &r.period);
    sr_report_city_release(&r);

    /* A month: September; the trend shows the year's months so far
     * that have data (02 to 09; January has none). */
    city(f, "2026-09", &r);
    check_kpis(f, &r.total, NULL, &r.period);
    assert_int_equal(r.n_trend, 8);
    assert_string_equal(r.trend[0].period.label, "2026-02");
    assert_string_equal(r.trend[7].period.label, "2026-09");
    assert_int_equal(r.trend[0].kpis.assessed, 1);
    for (i = 0; i < r.n_trend; i++)
        check_kpis(f, &r.trend[i].kpis, NULL, &r.trend[i].period);
    sr_report_city_release(&r);

    /* Q4: HM3 found in the period is open and major; HC still open. */
    city(f, "2026Q4", &r);
    check_kpis(f, &r.total, NULL, &r.period);
    assert_int_equal(r.n_major, 4);
    assert_int_equal(r.major[0].id, f->hc);
    assert_int_equal(r.major[1].id, f->hm1);
    assert_int_equal(r.major[2].id, f->hm2);
    assert_int_equal(r.major[3].id, f->hm3);
    assert_int_equal(r.n_trend, 4);
    assert_string_equal(r.trend[0].period.label, "2026Q1");
    sr_report_city_release(&r);

    /* A year: its four quarters, each as its own period. */
    city(f, "2026", &r);
    assert_int_equal(r.n_trend, 4);
    assert_string_equal(r.trend[0].period.label, "2026Q1");
    assert_string_equal(r.trend[3].period.label, "2026Q4");
    for (i = 0; i < r.n_trend; i++)
        check_kpis(f, &r.trend[i].kpis, NULL, &r.trend[i].period);
    sr_report_city_release(&r);
}

static void
test_city_refused(void **state)
{
    struct fx *f = *state;
    struct sr_report_city r;
    struct sr_period p;

    memset(&p, 0, sizeof(p));
    snprintf(p.label, sizeof(p.label), "bad");
    snprintf(p.start, sizeof(p.start), "2026-13-01");
    snprintf(p.end, sizeof(p.end), "2026-13-31");
    memset(&r, 0x5a, sizeof(r));
    assert_int_equal(sr_report_city(f->st, &p, &r), SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st), "bad period 'bad'");
    assert_int_equal(r.n_districts, 0);
    assert_null(r.districts);
    sr_report_city_release(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_city_q3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_city_other_periods, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_city_refused, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
