/*
 * test_json_report.c - the reports' JSON (json_report.c), a system's
 * tree (json_system.c), the period holding a date (period.c) and the
 * names shared by the workbooks' writers (report_out.c): exact texts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/indicators.h"
#include "schoolrisk/json.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "testutil.h"

/* The unformatted text of v, which is freed. */
static char *
text(cJSON *v)
{
    char *s;

    assert_non_null(v);
    s = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    assert_non_null(s);
    return s;
}

static void
expect_rate(size_t num, size_t den, const char *want)
{
    struct sr_rate r = {num, den};
    char *s = text(sr_json_rate(&r));

    assert_string_equal(s, want);
    free(s);
}

static void
rates_round_half_away_in_integers(void **state)
{
    (void)state;
    expect_rate(1, 8, "{\"num\":1,\"den\":8,\"percent\":12.5}");
    /* 6.25 exactly: half away from zero, as Excel shows 0.0% */
    expect_rate(1, 16, "{\"num\":1,\"den\":16,\"percent\":6.3}");
    expect_rate(2, 3, "{\"num\":2,\"den\":3,\"percent\":66.7}");
    expect_rate(1, 3, "{\"num\":1,\"den\":3,\"percent\":33.3}");
    expect_rate(1, 2000, "{\"num\":1,\"den\":2000,\"percent\":0.1}");
    expect_rate(1, 2001, "{\"num\":1,\"den\":2001,\"percent\":0.0}");
    expect_rate(5, 5, "{\"num\":5,\"den\":5,\"percent\":100.0}");
    expect_rate(0, 7, "{\"num\":0,\"den\":7,\"percent\":0.0}");
    /* no denominator: no percentage, as the workbook shows "-" */
    expect_rate(0, 0, "{\"num\":0,\"den\":0,\"percent\":null}");
    /* 2708 / 2761 = 98.0804...: 98.1% (compliant of the demo city's
     * assessed schools) */
    expect_rate(2708, 2761, "{\"num\":2708,\"den\":2761,\"percent\":98.1}");
}

static void
period_of_a_date(void **state)
{
    struct sr_period p;
    char *s;

    (void)state;
    assert_int_equal(sr_period_of(SR_PERIOD_QUARTER, "2026-12-05", &p),
                     SR_OK);
    s = text(sr_json_period(&p));
    assert_string_equal(s, "{\"label\":\"2026Q4\",\"kind\":\"quarter\","
                           "\"name\":\"2026年第四季度\",\"start\":"
                           "\"2026-10-01\",\"end\":\"2026-12-31\"}");
    free(s);
    assert_int_equal(sr_period_of(SR_PERIOD_QUARTER, "2026-04-01", &p),
                     SR_OK);
    assert_string_equal(p.label, "2026Q2");
    assert_int_equal(sr_period_of(SR_PERIOD_MONTH, "2028-02-29", &p),
                     SR_OK);
    assert_string_equal(p.label, "2028-02");
    assert_string_equal(p.end, "2028-02-29");
    assert_int_equal(sr_period_of(SR_PERIOD_YEAR, "2026-07-15", &p), SR_OK);
    assert_string_equal(p.label, "2026");
    assert_string_equal(p.start, "2026-01-01");
    /* refused: out untouched */
    memset(&p, 0x5a, sizeof(p));
    assert_int_equal(sr_period_of(SR_PERIOD_MONTH, "2026-02-30", &p),
                     SR_ERR_INPUT);
    assert_int_equal(sr_period_of(SR_PERIOD_MONTH, "20260201", &p),
                     SR_ERR_INPUT);
    assert_int_equal(sr_period_of(SR_PERIOD_MONTH, NULL, &p), SR_ERR_INPUT);
    assert_int_equal(sr_period_of(7, "2026-02-01", &p), SR_ERR_INPUT);
    assert_int_equal((unsigned char)p.label[0], 0x5a);
}

/* KPIs with every figure distinct. */
static void
fill_kpis(struct sr_report_kpis *k)
{
    memset(k, 0, sizeof(*k));
    k->schools = 8;
    k->assessed = 6;
    k->coverage = (struct sr_rate){6, 8};
    k->compliant = 5;
    k->compliance = (struct sr_rate){5, 8};
    k->bands[0] = 3;
    k->bands[1] = 2;
    k->bands[2] = 0;
    k->bands[3] = 1;
    k->vetoed = 1;
    k->baseline_met[0] = 7;
    k->baseline_rate[0] = (struct sr_rate){7, 8};
    k->baseline_met[1] = 8;
    k->baseline_rate[1] = (struct sr_rate){8, 8};
    k->baseline_met[2] = 6;
    k->baseline_rate[2] = (struct sr_rate){6, 8};
    /* two schools 未评估 on 护学岗: out of its rate's denominator */
    k->baseline_met[3] = 4;
    k->baseline_unassessed[3] = 2;
    k->baseline_rate[3] = (struct sr_rate){4, 6};
    k->four_met = 4;
    k->four_unassessed = 1;
    k->four_100 = false;
    k->hazards_found = 12;
    k->hazards_closed = 4;
    k->hazards_open = 9;
    k->hazards_overdue = 2;
    k->rectification = (struct sr_rate){4, 12};
    k->open_major = 1;
    k->stages[SR_STAGE_PRIMARY] =
        (struct sr_report_stage){SR_STAGE_PRIMARY, 5, 4, 3};
    k->stages[SR_STAGE_JUNIOR] =
        (struct sr_report_stage){SR_STAGE_JUNIOR, 3, 2, 2};
}

static const char kpis_text[] =
    "{\"schools\":8,\"assessed\":6,"
    "\"coverage\":{\"num\":6,\"den\":8,\"percent\":75.0},\"compliant\":5,"
    "\"compliance\":{\"num\":5,\"den\":8,\"percent\":62.5},"
    "\"bands\":{\"blue\":3,\"yellow\":2,\"orange\":0,\"red\":1},"
    "\"vetoed\":1,\"baseline\":{"
    "\"guards\":{\"met\":7,\"unassessed\":0,\"rate\":{\"num\":7,"
    "\"den\":8,\"percent\":87.5}},"
    "\"closed-campus\":{\"met\":8,\"unassessed\":0,\"rate\":{\"num\":8,"
    "\"den\":8,\"percent\":100.0}},"
    "\"alarm-video\":{\"met\":6,\"unassessed\":0,\"rate\":{\"num\":6,"
    "\"den\":8,\"percent\":75.0}},"
    "\"protection-posts\":{\"met\":4,\"unassessed\":2,\"rate\":{"
    "\"num\":4,\"den\":6,\"percent\":66.7}}%s},"
    "\"four_100\":false,"
    "\"hazards\":{\"found\":12,\"closed\":4,\"closed_late\":0,\"open\":9,\"overdue\":2},"
    "\"rectification\":{\"num\":4,\"den\":12,\"percent\":33.3},"
    "\"open_major\":1,\"stages\":["
    "{\"stage\":\"primary\",\"label\":\"小学\",\"schools\":5,"
    "\"assessed\":4,\"compliant\":3},"
    "{\"stage\":\"junior\",\"label\":\"初中\",\"schools\":3,"
    "\"assessed\":2,\"compliant\":2}]}";

static void
kpis_under_the_layouts_names(void **state)
{
    struct sr_report_kpis k;
    char want[4096];
    char *s;

    (void)state;
    fill_kpis(&k);
    s = text(sr_json_kpis(&k, NULL));
    snprintf(want, sizeof(want), kpis_text, "");
    assert_string_equal(s, want);
    free(s);
    /* all four: 4 met, 1 unassessed (out of the rate), 3 not met */
    s = text(sr_json_kpis(&k, &k.four_met));
    snprintf(want, sizeof(want), kpis_text,
             ",\"all\":{\"met\":4,\"unassessed\":1,\"rate\":{\"num\":4,"
             "\"den\":7,\"percent\":57.1}}");
    assert_string_equal(s, want);
    free(s);
}

/* All four comes from the KPIs (four_met, four_unassessed: the baseline
 * counted them), not from the schools' rows: a school 未评估 on an
 * element is neither met nor off the baseline. */
static void
district_summary_all_four_from_its_kpis(void **state)
{
    struct sr_report_school schools[3];
    struct sr_report_district r;
    cJSON *v, *all;

    (void)state;
    memset(&r, 0, sizeof(r));
    memset(schools, 0, sizeof(schools));
    r.code = (char *)"370102";
    r.name = (char *)"历下区";
    assert_int_equal(sr_period_parse("2026Q3", &r.period), SR_OK);
    fill_kpis(&r.kpis);
    r.kpis.schools = 3;
    r.kpis.four_met = 1;
    r.kpis.four_unassessed = 1;
    r.schools = schools;
    r.n_schools = 3;
    r.n_hazards = 12;
    v = sr_json_report_district(&r);
    assert_non_null(v);
    all = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(v, "kpis"), "baseline"),
        "all");
    {
        char *s = cJSON_PrintUnformatted(all);

        assert_string_equal(s, "{\"met\":1,\"unassessed\":1,\"rate\":{"
                               "\"num\":1,\"den\":2,\"percent\":50.0}}");
        free(s);
        s = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "counts"));
        assert_string_equal(s, "{\"schools\":3,\"lost\":0,\"hazards\":12,"
                               "\"systems\":0}");
        free(s);
    }
    assert_string_equal(
        cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(v, "period"), "label")),
        "2026Q3");
    cJSON_Delete(v);
}

static void
city_lines_total_and_trend(void **state)
{
    struct sr_report_city_district d[2];
    struct sr_report_school off[3];
    struct sr_report_city c;
    cJSON *v, *arr, *line;
    char *s;

    (void)state;
    memset(&c, 0, sizeof(c));
    memset(d, 0, sizeof(d));
    memset(off, 0, sizeof(off));
    assert_int_equal(sr_period_parse("2026", &c.period), SR_OK);
    d[0].code = (char *)"370102";
    d[0].name = (char *)"历下区";
    d[0].rank = 2;
    fill_kpis(&d[0].kpis);
    d[1].code = (char *)"370103";
    d[1].name = (char *)"市中区";
    d[1].rank = 1;
    fill_kpis(&d[1].kpis);
    d[1].kpis.schools = 2;
    d[1].kpis.four_met = 1;
    d[1].kpis.four_unassessed = 0;
    fill_kpis(&c.total);
    c.total.schools = 10;
    c.total.four_met = 5;
    c.total.four_unassessed = 1;
    c.districts = d;
    c.n_districts = 2;
    off[0].district = (char *)"370102";
    off[1].district = (char *)"370103";
    off[2].district = (char *)"370102";
    c.off_baseline = off;
    c.n_off_baseline = 3;
    c.n_major = 1;
    c.n_trend = 1;
    assert_int_equal(sr_period_parse("2025", &c.trend[0].period), SR_OK);
    fill_kpis(&c.trend[0].kpis);
    v = sr_json_report_city(&c);
    assert_non_null(v);
    arr = cJSON_GetObjectItem(v, "districts");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    line = cJSON_GetArrayItem(arr, 0);
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(line, "rank"));
    assert_string_equal(s, "2");
    free(s);
    /* 8 schools: 4 meet all four, 1 unassessed on 护学岗, 3 not */
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(line, "kpis"), "baseline"),
        "all"));
    assert_string_equal(s, "{\"met\":4,\"unassessed\":1,\"rate\":{"
                           "\"num\":4,\"den\":7,\"percent\":57.1}}");
    free(s);
    line = cJSON_GetArrayItem(arr, 1);
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(line, "kpis"), "baseline"),
        "all"));
    assert_string_equal(s, "{\"met\":1,\"unassessed\":0,\"rate\":{"
                           "\"num\":1,\"den\":2,\"percent\":50.0}}");
    free(s);
    /* the city: 10 schools, 5 meet all four, 1 unassessed */
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(v, "total"), "baseline"),
        "all"));
    assert_string_equal(s, "{\"met\":5,\"unassessed\":1,\"rate\":{"
                           "\"num\":5,\"den\":9,\"percent\":55.6}}");
    free(s);
    /* the trend's KPIs do not keep all four */
    arr = cJSON_GetObjectItem(v, "trend");
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    assert_null(cJSON_GetObjectItem(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "kpis"),
            "baseline"),
        "all"));
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "counts"));
    assert_string_equal(s, "{\"noncompliant\":0,\"major\":1,"
                           "\"off_baseline\":3,\"peers\":0}");
    free(s);
    cJSON_Delete(v);
}

static void
a_systems_tree(void **state)
{
    struct sr_system *sys = NULL;
    struct sr_diags d;
    const cJSON *dim, *ind, *it;
    cJSON *v;
    int items = 0;
    char *s;

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(sr_system_load_file(SR_INDICATORS "/primary.xml", &sys,
                                         &d),
                     SR_OK);
    v = sr_json_system(sys);
    assert_non_null(v);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(v, "id")),
                        "primary");
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "stages"));
    assert_string_equal(s, "[{\"stage\":\"primary\",\"label\":\"小学\"}]");
    free(s);
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "pass_line"));
    assert_string_equal(s, "80");
    free(s);
    cJSON_ArrayForEach(dim, cJSON_GetObjectItem(v, "dimensions"))
        cJSON_ArrayForEach(ind, cJSON_GetObjectItem(dim, "indicators"))
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(ind, "items"))
                items++;
    assert_int_equal(items, 126);
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "item_count"));
    assert_string_equal(s, "126");
    free(s);
    /* the first item, whole */
    it = cJSON_GetArrayItem(
        cJSON_GetObjectItem(
            cJSON_GetArrayItem(
                cJSON_GetObjectItem(
                    cJSON_GetArrayItem(cJSON_GetObjectItem(v, "dimensions"),
                                       0),
                    "indicators"),
                0),
            "items"),
        0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(it, "id")),
                        "D01.01.01");
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(it, "points"));
    assert_string_equal(s, "0.5");
    free(s);
    assert_string_equal(
        cJSON_GetStringValue(cJSON_GetObjectItem(it, "choices")),
        "pass:1|fail:0");
    assert_string_equal(
        cJSON_GetStringValue(cJSON_GetObjectItem(it, "conditions")), "");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(it, "baseline")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(it, "veto")));
    cJSON_Delete(v);
    sr_system_free(sys);
    sr_diags_release(&d);
}

static void
workbook_names(void **state)
{
    struct sr_period p;
    char buf[160];

    (void)state;
    assert_int_equal(sr_period_parse("2026Q3", &p), SR_OK);
    sr_report_file_name("历下区", &p, buf, sizeof(buf));
    assert_string_equal(buf, "历下区-2026Q3.xlsx");
    sr_report_file_name(NULL, &p, buf, sizeof(buf));
    assert_string_equal(buf, "全市-2026Q3.xlsx");
    sr_report_layout_path("/usr/share/schoolrisk/templates", "city", buf,
                          sizeof(buf));
    assert_string_equal(buf,
                        "/usr/share/schoolrisk/templates/reports/city.csv");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rates_round_half_away_in_integers),
        cmocka_unit_test(period_of_a_date),
        cmocka_unit_test(kpis_under_the_layouts_names),
        cmocka_unit_test(district_summary_all_four_from_its_kpis),
        cmocka_unit_test(city_lines_total_and_trend),
        cmocka_unit_test(a_systems_tree),
        cmocka_unit_test(workbook_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
