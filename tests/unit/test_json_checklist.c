/*
 * test_json_checklist.c - the JSON of the work on a school: a school's
 * checklist (json_checklist.c), an assessment's answers and progress
 * (json_assess.c) and the four-100% rows (json_baseline.c), checked as
 * exact text for mini.xml and the school of mini-a.school (1500 pupils,
 * a canteen, no boarding, no school bus: 10 of 12 items apply).
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

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/json.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

#include "testutil.h"

struct fx {
    struct sr_system *sys;
    struct sr_school school;
    struct sr_diags d;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    sr_diags_init(&f->d);
    assert_int_equal(sr_system_load_file(SR_FIXTURES "/mini.xml", &f->sys,
                                         &f->d),
                     SR_OK);
    assert_int_equal(sr_school_load_file(SR_FIXTURES "/cli/mini-a.school",
                                         &f->school, &f->d),
                     SR_OK);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_system_free(f->sys);
    sr_diags_release(&f->d);
    free(f);
    return 0;
}

/* The compact text of v (freed), which is then deleted. */
static char *
text(cJSON *v)
{
    char *s;

    assert_non_null(v);
    s = cJSON_PrintUnformatted(v);
    assert_non_null(s);
    cJSON_Delete(v);
    return s;
}

/* The text of a raw member (an exact number). */
static const char *
raw(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);

    assert_non_null(v);
    assert_true(cJSON_IsRaw(v));
    return v->valuestring;
}

/* The item with id in a checklist. */
static const cJSON *
item(const cJSON *cl, const char *id)
{
    const cJSON *d, *in, *it;

    cJSON_ArrayForEach(d, cJSON_GetObjectItem(cl, "dimensions"))
        cJSON_ArrayForEach(in, cJSON_GetObjectItem(d, "indicators"))
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(in, "items"))
                if (!strcmp(cJSON_GetObjectItem(it, "id")->valuestring, id))
                    return it;
    return NULL;
}

static void
expect_control(const cJSON *cl, const char *id, const char *want)
{
    const cJSON *it = item(cl, id);
    char *s;

    assert_non_null(it);
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(it, "control"));
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void
test_checklist(void **state)
{
    struct fx *f = *state;
    cJSON *cl = sr_json_checklist(f->sys, &f->school);
    const cJSON *d, *it;
    char *s;
    size_t n = 0;

    assert_non_null(cl);
    s = cJSON_PrintUnformatted(cJSON_GetObjectItem(cl, "bands"));
    assert_string_equal(s, "[{\"id\":\"low\",\"label\":\"低风险\",\"colour\":"
                           "\"blue\",\"min\":90},{\"id\":\"general\",\"label\""
                           ":\"一般风险\",\"colour\":\"yellow\",\"min\":80},{"
                           "\"id\":\"elevated\",\"label\":\"较大风险\",\"colo"
                           "ur\":\"orange\",\"min\":60},{\"id\":\"major\",\"la"
                           "bel\":\"重大风险\",\"colour\":\"red\",\"min\":0}]");
    free(s);
    assert_string_equal(cJSON_GetObjectItem(cl, "system")->valuestring,
                        "mini");
    assert_string_equal(raw(cl, "item_count"), "10");
    assert_string_equal(raw(cl, "points"), "70");
    assert_string_equal(raw(cl, "valid_months"), "12");
    assert_string_equal(cJSON_GetObjectItem(cl, "na_value")->valuestring,
                        "不适用");
    /* D2.2 (boarding, school bus) applies to nothing: left out; D2 is
     * worth its other items. */
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(cl, "dimensions")) {
        const cJSON *in;

        cJSON_ArrayForEach(in, cJSON_GetObjectItem(d, "indicators")) {
            assert_string_not_equal(
                cJSON_GetObjectItem(in, "id")->valuestring, "D2.2");
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(in, "items"))
                n++;
        }
        if (!strcmp(cJSON_GetObjectItem(d, "id")->valuestring, "D2"))
            assert_string_equal(raw(d, "points"), "15");
    }
    assert_int_equal(n, 10);
    assert_null(item(cl, "D2.2.1"));

    /* Each control as the page needs it. */
    expect_control(cl, "D1.1.1",
                   "{\"type\":\"ratio\",\"unit\":\"人\",\"entered\":false,"
                   "\"required\":4,\"required_from\":\"enrollment\","
                   "\"value_format\":\"actual\"}");
    expect_control(cl, "D3.1.2",
                   "{\"type\":\"ratio\",\"unit\":\"人\",\"entered\":true,"
                   "\"required\":null,\"required_from\":null,"
                   "\"value_format\":\"actual/required\"}");
    expect_control(cl, "D1.2.1",
                   "{\"type\":\"check\",\"choices\":[{\"value\":\"符合\","
                   "\"label\":\"符合\",\"fraction\":1},{\"value\":\"不符合\","
                   "\"label\":\"不符合\",\"fraction\":0}]}");
    expect_control(cl, "D1.2.2",
                   "{\"type\":\"levels\",\"choices\":[{\"value\":\"符合\","
                   "\"label\":\"符合\",\"fraction\":1},{\"value\":\"基本符合\","
                   "\"label\":\"基本符合\",\"fraction\":0.6},{\"value\":"
                   "\"不符合\",\"label\":\"不符合\",\"fraction\":0}]}");
    expect_control(cl, "D1.2.3",
                   "{\"type\":\"threshold\",\"unit\":\"天\",\"direction\":"
                   "\"higher\",\"direction_label\":\"越高越好\",\"steps\":[{"
                   "\"at\":15,\"fraction\":0.5},{\"at\":30,\"fraction\":1}],"
                   "\"else_fraction\":0}");
    expect_control(cl, "D2.1.2",
                   "{\"type\":\"threshold\",\"unit\":\"分钟\",\"direction\":"
                   "\"lower\",\"direction_label\":\"越低越好\",\"steps\":[{"
                   "\"at\":3,\"fraction\":1},{\"at\":5,\"fraction\":0.6}],"
                   "\"else_fraction\":0}");
    expect_control(cl, "D2.1.1",
                   "{\"type\":\"deduct\",\"unit\":\"处\",\"per\":1}");

    /* The item's own fields. */
    it = item(cl, "D1.2.1");
    s = cJSON_PrintUnformatted(it);
    assert_non_null(strstr(s, "\"id\":\"D1.2.1\",\"title\":\"校园实行"
                              "封闭化管理，门卫室24小时值守，外来人员登记\","
                              "\"guidance\":null,\"basis\":null,"
                              "\"points\":10,\"method\":\"check\","
                              "\"method_label\":\"是否题\","
                              "\"allow_na\":false,\"veto\":true,\"hazard\":"
                              "\"major\",\"hazard_label\":\"重大隐患\","
                              "\"baseline\":\"closed-campus\","
                              "\"baseline_label\":\"封闭化管理\",\"unit\":"
                              "null,"));
    free(s);
    cJSON_Delete(cl);

    /* With a school bus, D2.2.2 applies and allows na. */
    f->school.attr[SR_ATTR_SCHOOL_BUS] = 1;
    cl = sr_json_checklist(f->sys, &f->school);
    assert_string_equal(raw(cl, "item_count"), "11");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(item(cl, "D2.2.2"),
                                                 "allow_na")));
    cJSON_Delete(cl);
    /* A small school needs fewer guards. */
    f->school.attr[SR_ATTR_ENROLLMENT] = 90;
    cl = sr_json_checklist(f->sys, &f->school);
    expect_control(cl, "D1.1.1",
                   "{\"type\":\"ratio\",\"unit\":\"人\",\"entered\":false,"
                   "\"required\":1,\"required_from\":\"enrollment\","
                   "\"value_format\":\"actual\"}");
    cJSON_Delete(cl);
}

static void
test_progress(void **state)
{
    struct fx *f = *state;
    struct sr_assess_ctx ctx;
    char *s;

    memset(&ctx, 0, sizeof(ctx));
    ctx.sys = f->sys;
    assert_int_equal(sr_responses_init(&ctx.resp, f->sys), SR_OK);
    assert_int_equal(sr_result_init(&ctx.res, f->sys), SR_OK);
    ctx.evidence = calloc(ctx.resp.n, sizeof(*ctx.evidence));
    assert_non_null(ctx.evidence);

    /* Nothing answered yet. */
    ctx.scored = sr_score(f->sys, &f->school, &ctx.resp, &ctx.res) == SR_OK;
    assert_false(ctx.scored);
    s = text(sr_json_progress(&ctx));
    assert_string_equal(s, "{\"answered\":0,\"applicable\":10,\"complete\":"
                           "false,\"total\":null,\"band\":null,\"band_label\""
                           ":null,\"earned\":0.00,\"max\":0.00,\"vetoed\":"
                           "false,\"missing\":[\"D1.1.1\",\"D1.1.2\","
                           "\"D1.2.1\",\"D1.2.2\",\"D1.2.3\",\"D1.2.4\","
                           "\"D2.1.1\",\"D2.1.2\",\"D3.1.1\",\"D3.1.2\"]}");
    free(s);
    s = text(sr_json_answers(&ctx));
    assert_string_equal(s, "[]");
    free(s);

    /* Two answers, one with a photo. */
    assert_int_equal(sr_responses_set(&ctx.resp, &f->school, "D1.1.1", "3",
                                      "少1人", &f->d, "t", 1),
                     SR_OK);
    assert_int_equal(sr_responses_set(&ctx.resp, &f->school, "D1.2.1", "符合",
                                      NULL, &f->d, "t", 2),
                     SR_OK);
    ctx.evidence[2] = strdup("sha256:"
                             "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c"
                             "d15d6c15b0f00a08");
    ctx.scored = sr_score(f->sys, &f->school, &ctx.resp, &ctx.res) == SR_OK;
    assert_true(ctx.scored);
    s = text(sr_json_progress(&ctx));
    /* 7.5 + 10 of 20: 87.50 so far. */
    assert_string_equal(s, "{\"answered\":2,\"applicable\":10,\"complete\":"
                           "false,\"total\":87.50,\"band\":\"general\","
                           "\"band_label\":\"一般风险\",\"earned\":17.50,"
                           "\"max\":20.00,\"vetoed\":false,\"missing\":["
                           "\"D1.1.2\",\"D1.2.2\",\"D1.2.3\",\"D1.2.4\","
                           "\"D2.1.1\",\"D2.1.2\",\"D3.1.1\",\"D3.1.2\"]}");
    free(s);
    s = text(sr_json_answers(&ctx));
    assert_string_equal(s, "[{\"item\":\"D1.1.1\",\"title\":\"专职保安员"
                           "配备数量达到标准\",\"value\":\"3\",\"na\":false,"
                           "\"note\":\"少1人\",\"files\":[]},{\"item\":"
                           "\"D1.2.1\","
                           "\"title\":\"校园实行封闭化管理，门卫室24小时值守，"
                           "外来人员登记\",\"value\":\"符合\",\"na\":false,"
                           "\"note\":null,\"files\":[\"9f86d081884c7d659a2f"
                           "eaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"]}]");
    free(s);
    s = text(sr_json_answer(&ctx, 1));
    assert_string_equal(s, "null");
    free(s);
    s = text(sr_json_answer(&ctx, 999));
    assert_string_equal(s, "null");
    free(s);

    free(ctx.evidence[2]);
    free(ctx.evidence);
    sr_result_release(&ctx.res);
    sr_responses_release(&ctx.resp);
}

static void
test_baseline(void **state)
{
    struct sr_baseline_school b;
    struct sr_baseline_district d;
    char *s;

    (void)state;
    memset(&b, 0, sizeof(b));
    snprintf(b.code, sizeof(b.code), "3701020001");
    b.name = "甲小学";
    b.district = "370102";
    b.district_name = "历下区";
    b.stage = SR_STAGE_PRIMARY;
    b.assessment = 7;
    snprintf(b.assessed_on, sizeof(b.assessed_on), "2026-09-15");
    b.met[SR_BASELINE_GUARDS] = false;
    b.why[SR_BASELINE_GUARDS] = "item D1.1.1 below full points in "
                                "assessment 7";
    b.met[1] = b.met[2] = b.met[3] = true;
    /* 护学岗 unassessed (未评估): not met, not failed */
    b.met[3] = false;
    b.unassessed[3] = true;
    b.why[3] = "the indicator system T (1) has no item for this element";
    s = text(sr_json_baseline_school(&b));
    assert_string_equal(s, "{\"code\":\"3701020001\",\"name\":\"甲小学\","
                           "\"district\":\"370102\",\"district_name\":"
                           "\"历下区\",\"stage\":\"primary\",\"stage_label\":"
                           "\"小学\",\"assessment\":7,\"assessed_on\":"
                           "\"2026-09-15\",\"elements\":[{\"element\":"
                           "\"guards\",\"label\":\"专职保安员配备\",\"met\":"
                           "false,\"status\":\"not_met\",\"reason\":\"item "
                           "D1.1.1 below full points in assessment 7\"},"
                           "{\"element\":\"closed-campus\",\"label\":"
                           "\"封闭化管理\",\"met\":true,\"status\":\"met\","
                           "\"reason\":null},{\"element\":\"alarm-video\","
                           "\"label\":\"一键式紧急报警和视频监控联网\",\"met\":"
                           "true,\"status\":\"met\",\"reason\":null},"
                           "{\"element\":\"protection-posts\",\"label\":"
                           "\"护学岗\",\"met\":false,\"status\":"
                           "\"unassessed\",\"reason\":\"the indicator system "
                           "T (1) has no item for this element\"}],"
                           "\"all_four\":false,\"all_four_status\":"
                           "\"not_met\"}");
    free(s);
    /* guards met too: all four unassessed */
    b.met[SR_BASELINE_GUARDS] = true;
    s = text(sr_json_baseline_school(&b));
    assert_non_null(strstr(s, "\"all_four\":false,\"all_four_status\":"
                              "\"unassessed\"}"));
    free(s);
    b.met[3] = true;
    b.unassessed[3] = false;
    s = text(sr_json_baseline_school(&b));
    assert_non_null(strstr(s, "\"all_four\":true,\"all_four_status\":"
                              "\"met\"}"));
    free(s);

    memset(&d, 0, sizeof(d));
    d.code = "370102";
    d.name = "历下区";
    d.schools = 3;
    d.met[0] = 1;
    d.met[1] = 2;
    d.met[2] = 3;
    d.met[3] = 0;
    d.unassessed[3] = 2; /* 0 of the 1 school evaluated */
    d.all_four = 0;
    d.four_unassessed = 1;
    s = text(sr_json_baseline_district(&d));
    assert_string_equal(s, "{\"code\":\"370102\",\"name\":\"历下区\","
                           "\"schools\":3,\"elements\":[{\"element\":"
                           "\"guards\",\"label\":\"专职保安员配备\",\"met\":1,"
                           "\"unassessed\":0,\"rate\":33.3},{\"element\":"
                           "\"closed-campus\",\"label\":\"封闭化管理\","
                           "\"met\":2,\"unassessed\":0,\"rate\":66.7},"
                           "{\"element\":\"alarm-video\",\"label\":"
                           "\"一键式紧急报警和视频监控联网\",\"met\":3,"
                           "\"unassessed\":0,\"rate\":100.0},{\"element\":"
                           "\"protection-posts\",\"label\":\"护学岗\","
                           "\"met\":0,\"unassessed\":2,\"rate\":0.0}],"
                           "\"all_four\":0,\"all_four_unassessed\":1,"
                           "\"all_four_not_met\":2,\"all_four_rate\":0.0,"
                           "\"reaches\":false}");
    free(s);
    d.unassessed[3] = 0;
    d.four_unassessed = 0;
    d.schools = 0;
    d.met[0] = d.met[1] = d.met[2] = 0;
    s = text(sr_json_baseline_district(&d));
    assert_non_null(strstr(s, "\"rate\":null"));
    assert_non_null(strstr(s, "\"all_four_rate\":null"));
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checklist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
        cmocka_unit_test(test_baseline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
