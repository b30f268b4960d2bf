/*
 * test_layout_city.c - the city sheets of the layout registry: the
 * shipped city layout loads with the expected columns, the shared KPI
 * fields and the rate kind, and bad rows on city sheets are refused with
 * FILE:LINE and the exact message (the list of known sheets follows the
 * workbook the layout describes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "schoolrisk/layout.h"
#include "testutil.h"

#define HDR "sheet,field,heading,width,format\n"

static sr_error
parse(const char *text, struct sr_layout *l, struct sr_diags *d)
{
    return sr_layout_parse(text, strlen(text), "c.csv", l, d);
}

static void
test_shipped_city(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const struct sr_layout_columns *c;
    int s;

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load(SR_FIXTURES
                                    "/../../templates/reports/city.csv",
                                    &l, &d),
                     SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    /* Only city sheets. */
    for (s = 0; s < SR_SHEET_COUNT; s++)
        if (!sr_layout_sheet_is_city(s))
            assert_int_equal(l.sheets[s].n, 0);
    c = &l.sheets[SR_SHEET_CITY_DISTRICTS];
    assert_int_equal(c->n, 25);
    assert_int_equal(c->v[0].field, SR_FD_RANK);
    assert_string_equal(c->v[0].heading, "达标率排名");
    assert_int_equal(c->v[1].field, SR_FD_DISTRICT);
    assert_int_equal(c->v[4].field, SR_FK_COVERAGE);
    assert_string_equal(c->v[4].format, "0.0%");
    assert_int_equal(c->v[6].field, SR_FK_COMPLIANCE);
    assert_int_equal(c->v[12].field, SR_FK_GUARDS_RATE);
    assert_int_equal(c->v[16].field, SR_FK_FOUR_100);
    assert_int_equal(c->v[17].field, SR_FK_FOUR_UNASSESSED);
    assert_string_equal(c->v[17].heading, "四个100%未评估学校数");
    assert_int_equal(c->v[20].field, SR_FK_HAZARDS_CLOSED_LATE);
    assert_int_equal(c->v[24].field, SR_FK_OPEN_MAJOR);
    assert_true(c->v[24].width == 8);
    assert_string_equal(c->v[14].heading, "报警监控联网达标率");
    c = &l.sheets[SR_SHEET_CITY_NONCOMPLIANT];
    assert_int_equal(c->n, 9);
    assert_int_equal(c->v[0].field, SR_FS_DISTRICT_NAME);
    assert_int_equal(c->v[7].field, SR_FS_VETO_ITEMS);
    c = &l.sheets[SR_SHEET_CITY_MAJOR];
    assert_int_equal(c->n, 9);
    assert_int_equal(c->v[7].field, SR_FH_DAYS_OVERDUE);
    c = &l.sheets[SR_SHEET_CITY_BASELINE];
    assert_int_equal(c->n, 9);
    assert_int_equal(c->v[8].field, SR_FS_BASELINE_WHY);
    c = &l.sheets[SR_SHEET_CITY_PEERS];
    assert_int_equal(c->n, 12);
    assert_int_equal(c->v[0].field, SR_FP_STAGE);
    assert_int_equal(c->v[2].field, SR_FP_OF);
    /* The ranking's keys are columns: a reader sees why ranks differ. */
    assert_int_equal(c->v[8].field, SR_FP_VETOED);
    assert_int_equal(c->v[9].field, SR_FP_OVERDUE_HAZARDS);
    assert_int_equal(c->v[10].field, SR_FP_OPEN_HAZARDS);
    assert_int_equal(c->v[11].field, SR_FP_COMPLIANT);
    /* The bureau's words (sheet 文字). */
    assert_string_equal(l.text.title,
                        "济南市{统计期}中小学幼儿园校园安全风险评估汇总表");
    assert_string_equal(l.text.unit, "济南市教育局");
    assert_int_equal(l.text.n_signatures, 5);
    assert_string_equal(l.text.signatures[0], "单位负责人");
    assert_string_equal(l.text.signatures[4], "填报日期");
    assert_string_equal(l.text.footer,
                        "{单位}　　第 {页码} 页，共 {总页数} 页");
    c = &l.sheets[SR_SHEET_CITY_TREND];
    assert_int_equal(c->n, 14);
    assert_int_equal(c->v[0].field, SR_FT_PERIOD);
    assert_int_equal(c->v[12].field, SR_FK_RECTIFICATION);
    sr_layout_release(&l);
    sr_diags_release(&d);
}

static void
test_registry(void **state)
{
    (void)state;
    assert_string_equal(sr_layout_sheet_name(SR_SHEET_CITY_DISTRICTS),
                        "区县汇总");
    assert_string_equal(sr_layout_sheet_name(SR_SHEET_CITY_BASELINE),
                        "四个100%未达标");
    assert_int_equal(sr_layout_sheet_lookup("趋势"), SR_SHEET_CITY_TREND);
    assert_int_equal(sr_layout_sheet_lookup("同类排名"),
                     SR_SHEET_CITY_PEERS);
    assert_int_equal(sr_layout_sheet_lookup("未达标学校"),
                     SR_SHEET_CITY_NONCOMPLIANT);
    assert_int_equal(sr_layout_sheet_lookup("重大隐患"), SR_SHEET_CITY_MAJOR);
    assert_false(sr_layout_sheet_is_city(SR_SHEET_BASELINE));
    assert_true(sr_layout_sheet_is_city(SR_SHEET_CITY_DISTRICTS));
    assert_false(sr_layout_sheet_is_city(SR_SHEET_COUNT));
    assert_false(sr_layout_sheet_is_city(-1));
    /* The KPI fields are shared by 区县汇总 and 趋势. */
    assert_int_equal(sr_layout_field_count(SR_SHEET_CITY_DISTRICTS),
                     SR_FD_COUNT);
    assert_int_equal(sr_layout_field_count(SR_SHEET_CITY_TREND),
                     SR_FT_COUNT);
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_CITY_TREND,
                                            "compliance"),
                     SR_FK_COMPLIANCE);
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_CITY_DISTRICTS,
                                            "compliance"),
                     SR_FK_COMPLIANCE);
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_CITY_DISTRICTS,
                                            "period"), -1);
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_CITY_TREND, "rank"),
                     -1);
    assert_string_equal(sr_layout_field_name(SR_SHEET_CITY_DISTRICTS,
                                             SR_FK_PROTECTION_POSTS_RATE),
                        "protection_posts_rate");
    assert_string_equal(sr_layout_field_name(SR_SHEET_CITY_TREND,
                                             SR_FT_PERIOD_NAME),
                        "period_name");
    assert_int_equal(sr_layout_field_kind(SR_SHEET_CITY_DISTRICTS,
                                          SR_FK_COVERAGE), SR_FIELD_RATE);
    assert_int_equal(sr_layout_field_kind(SR_SHEET_CITY_DISTRICTS,
                                          SR_FK_FOUR_100), SR_FIELD_BOOL);
    assert_int_equal(sr_layout_field_kind(SR_SHEET_CITY_PEERS,
                                          SR_FP_TOTAL), SR_FIELD_SCORE);
    assert_int_equal(sr_layout_field_kind(SR_SHEET_CITY_PEERS,
                                          SR_FP_COUNT), -1);
    /* 重大隐患 and 未达标学校 know the fields of their structs. */
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_CITY_MAJOR,
                                            "days_overdue"),
                     SR_FH_DAYS_OVERDUE);
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_CITY_NONCOMPLIANT,
                                            "veto_items"),
                     SR_FS_VETO_ITEMS);
}

static void
test_rate_format(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *in = HDR
                     "区县汇总,compliance,达标率,9,\n"
                     "区县汇总,coverage,覆盖率,9,0.00%\n"
                     "区县汇总,rank,排名,6,\n"
                     "趋势,period,统计期,10,@\n";

    const struct sr_layout_column *dc, *tc;

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(parse(in, &l, &d), SR_OK);
    assert_int_equal(d.n, 0);
    dc = l.sheets[SR_SHEET_CITY_DISTRICTS].v;
    tc = l.sheets[SR_SHEET_CITY_TREND].v;
    assert_string_equal(sr_layout_column_format(SR_SHEET_CITY_DISTRICTS,
                                                &dc[0]), "0.0%");
    assert_string_equal(sr_layout_column_format(SR_SHEET_CITY_DISTRICTS,
                                                &dc[1]), "0.00%");
    assert_string_equal(sr_layout_column_format(SR_SHEET_CITY_DISTRICTS,
                                                &dc[2]), "0");
    assert_string_equal(sr_layout_column_format(SR_SHEET_CITY_TREND,
                                                &tc[0]), "@");
    sr_layout_release(&l);
    sr_diags_release(&d);
}

static void
test_city_errors(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *in = HDR
                     "区县汇总,rank,排名,6,\n"
                     "区县总汇,rank,排名,6,\n"
                     "区县汇总,period,统计期,10,\n"
                     "趋势,rank,排名,6,\n"
                     "区县汇总,rank,名次,6,\n"
                     "区县汇总,district,区县,14,0.0%\n"
                     "同类排名,total,总分,300,0.00\n"
                     "重大隐患,nmae,名称,10,\n";
    const char *const want[] = {
        "c.csv:3: unknown sheet '区县总汇' (known: 区县汇总, 未达标学校, "
        "重大隐患, 四个100%未达标, 同类排名, 趋势)",
        "c.csv:4: unknown field 'period' on sheet '区县汇总'",
        "c.csv:5: unknown field 'rank' on sheet '趋势'",
        "c.csv:6: duplicate field 'rank' on sheet '区县汇总' (first on "
        "line 2)",
        "c.csv:7: format '0.0%' on text field 'district': leave it empty "
        "or write '@'",
        "c.csv:8: bad width '300' for field 'total': want a number 1..255",
        "c.csv:9: unknown field 'nmae' on sheet '重大隐患'",
        NULL};

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(parse(in, &l, &d), SR_ERR_INPUT);
    assert_diags(&d, want);
    assert_null(l.sheets[SR_SHEET_CITY_DISTRICTS].v);
    sr_diags_release(&d);
}

static void
test_unknown_sheet_lists(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *const want_all[] = {
        "c.csv:2: unknown sheet 'x' (known: 学校评估, 失分明细, 隐患台账, "
        "四个100%, 区县汇总, 未达标学校, 重大隐患, 四个100%未达标, "
        "同类排名, 趋势)",
        NULL};
    const char *const want_district[] = {
        "c.csv:3: unknown sheet 'x' (known: 学校评估, 失分明细, 隐患台账, "
        "四个100%)",
        NULL};

    (void)state;
    /* Nothing described yet: every sheet. */
    sr_diags_init(&d);
    assert_int_equal(parse(HDR "x,rank,排名,6,\n", &l, &d), SR_ERR_INPUT);
    assert_diags(&d, want_all);
    sr_diags_release(&d);
    /* A district sheet first: the district workbook's sheets. */
    sr_diags_init(&d);
    assert_int_equal(parse(HDR "学校评估,code,代码,12,\nx,rank,排名,6,\n",
                           &l, &d),
                     SR_ERR_INPUT);
    assert_diags(&d, want_district);
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_city),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_rate_format),
        cmocka_unit_test(test_city_errors),
        cmocka_unit_test(test_unknown_sheet_lists),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
