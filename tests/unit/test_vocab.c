/*
 * test_vocab.c - the coded values a person types, looked up by their
 * English names and by their Chinese labels, each in the module that
 * owns it: hazard levels and statuses (hazards.c), assessment kinds and
 * statuses (store/assessments.c), roles (auth.c), task statuses
 * (tasks.c) and the enumerated school attributes (school.c).  Each name
 * and label maps back to its value; near misses are refused.  The
 * colours of the risk bands are only printed, by their labels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/school.h"
#include "schoolrisk/tasks.h"

/* The texts nothing accepts. */
static const char *const misses[] = {
    "", " ", "x", "Open", "MAJOR", "重大 ", " 重大", "一般隐患隐患", "隐患",
    "整改", "已销", "草", "督导", "admin ", "区", "None",
};

static void
refuses_misses(int (*lookup)(const char *))
{
    size_t i;

    for (i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
        if (lookup(misses[i]) != -1)
            fail_msg("'%s' was accepted", misses[i]);
    assert_int_equal(lookup(NULL), -1);
}

static void
hazard_levels(void **state)
{
    (void)state;
    assert_int_equal(sr_hazard_level_lookup("general"), SR_HAZARD_GENERAL);
    assert_int_equal(sr_hazard_level_lookup("一般"), SR_HAZARD_GENERAL);
    assert_int_equal(sr_hazard_level_lookup("一般隐患"), SR_HAZARD_GENERAL);
    assert_int_equal(sr_hazard_level_lookup("major"), SR_HAZARD_MAJOR);
    assert_int_equal(sr_hazard_level_lookup("重大"), SR_HAZARD_MAJOR);
    assert_int_equal(sr_hazard_level_lookup("重大隐患"), SR_HAZARD_MAJOR);
    /* What the tables print is read back. */
    assert_int_equal(sr_hazard_level_lookup(sr_hazard_label(SR_HAZARD_MAJOR)),
                     SR_HAZARD_MAJOR);
    assert_int_equal(sr_hazard_level_lookup("none"), -1);
    assert_int_equal(sr_hazard_level_lookup("high"), -1);
    assert_int_equal(sr_hazard_level_lookup("较大"), -1);
    refuses_misses(sr_hazard_level_lookup);
}

static void
hazard_statuses(void **state)
{
    int s;

    (void)state;
    for (s = 0; s < SR_HAZARD_STATUS_COUNT; s++) {
        assert_int_equal(sr_hazard_status_lookup(sr_hazard_status_name(s)), s);
        assert_int_equal(sr_hazard_status_lookup(sr_hazard_status_label(s)),
                         s);
    }
    assert_int_equal(sr_hazard_status_lookup("open"), SR_HAZARD_OPEN);
    assert_int_equal(sr_hazard_status_lookup("登记"), SR_HAZARD_OPEN);
    assert_int_equal(sr_hazard_status_lookup("整改中"), SR_HAZARD_RECTIFYING);
    assert_int_equal(sr_hazard_status_lookup("已整改待复查"),
                     SR_HAZARD_SUBMITTED);
    assert_int_equal(sr_hazard_status_lookup("已销号"), SR_HAZARD_CLOSED);
    assert_int_equal(sr_hazard_status_lookup("done"), -1);
    refuses_misses(sr_hazard_status_lookup);
}

static void
assessment_kinds_and_statuses(void **state)
{
    int k;

    (void)state;
    for (k = 0; k < SR_ASSESS_KIND_COUNT; k++) {
        assert_int_equal(sr_assess_kind_lookup(sr_assess_kind_name(k)), k);
        assert_int_equal(sr_assess_kind_lookup(sr_assess_kind_label(k)), k);
    }
    assert_int_equal(sr_assess_kind_lookup("学校自查"), SR_ASSESS_SELF);
    assert_int_equal(sr_assess_kind_lookup("督导检查"), SR_ASSESS_INSPECTION);
    refuses_misses(sr_assess_kind_lookup);
    for (k = 0; k < SR_ASSESS_STATUS_COUNT; k++) {
        assert_int_equal(sr_assess_status_lookup(sr_assess_status_name(k)),
                         k);
        assert_int_equal(sr_assess_status_lookup(sr_assess_status_label(k)),
                         k);
    }
    assert_string_equal(sr_assess_status_name(SR_ASSESS_DRAFT), "draft");
    assert_string_equal(sr_assess_status_label(SR_ASSESS_SUBMITTED),
                        "已提交");
    assert_null(sr_assess_status_name(2));
    assert_null(sr_assess_status_label(-1));
    assert_int_equal(sr_assess_status_lookup("草稿"), SR_ASSESS_DRAFT);
    assert_int_equal(sr_assess_status_lookup("已提交"), SR_ASSESS_SUBMITTED);
    refuses_misses(sr_assess_status_lookup);
}

static void
roles(void **state)
{
    int r;

    (void)state;
    for (r = 0; r < SR_ROLE_COUNT; r++) {
        assert_int_equal(sr_role_lookup(sr_role_name(r)), r);
        assert_int_equal(sr_role_lookup(sr_role_label(r)), r);
    }
    assert_int_equal(sr_role_lookup("区县"), SR_ROLE_DISTRICT);
    assert_int_equal(sr_role_lookup("检查员"), SR_ROLE_INSPECTOR);
    assert_int_equal(sr_role_lookup("root"), -1);
    refuses_misses(sr_role_lookup);
}

static void
task_statuses(void **state)
{
    int s;

    (void)state;
    for (s = 0; s < SR_TASK_STATUS_COUNT; s++) {
        assert_int_equal(sr_task_status_lookup(sr_task_status_name(s)), s);
        assert_int_equal(sr_task_status_lookup(sr_task_status_label(s)), s);
    }
    assert_int_equal(sr_task_status_lookup("late"), -1);
    refuses_misses(sr_task_status_lookup);
}

static void
check_attr(int attr, const char *text, int64_t want)
{
    int64_t v = -7;

    if (sr_attr_parse(attr, text, &v) != SR_OK)
        fail_msg("'%s' was refused for %s", text, sr_attr_name(attr));
    assert_int_equal(v, want);
}

static void
school_attributes(void **state)
{
    static const char *const bad[] = {"", "Public", "公立", "city", "高中",
                                      "小学 ", "maybe", "对"};
    int64_t v = -7;
    int s;
    size_t i;

    (void)state;
    for (s = 0; s < SR_STAGE_COUNT; s++) {
        check_attr(SR_ATTR_STAGE, sr_stage_name(s), s);
        check_attr(SR_ATTR_STAGE, sr_stage_label(s), s);
    }
    check_attr(SR_ATTR_OWNERSHIP, "public", 0);
    check_attr(SR_ATTR_OWNERSHIP, "公办", 0);
    check_attr(SR_ATTR_OWNERSHIP, "private", 1);
    check_attr(SR_ATTR_OWNERSHIP, "民办", 1);
    check_attr(SR_ATTR_LOCALE, "urban", 0);
    check_attr(SR_ATTR_LOCALE, "城区", 0);
    check_attr(SR_ATTR_LOCALE, "town", 1);
    check_attr(SR_ATTR_LOCALE, "镇区", 1);
    check_attr(SR_ATTR_LOCALE, "rural", 2);
    check_attr(SR_ATTR_LOCALE, "乡村", 2);
    check_attr(SR_ATTR_BOARDING, "是", 1);
    check_attr(SR_ATTR_BOARDING, "否", 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (sr_attr_parse(SR_ATTR_STAGE, bad[i], &v) != SR_ERR_INPUT ||
            sr_attr_parse(SR_ATTR_OWNERSHIP, bad[i], &v) != SR_ERR_INPUT ||
            sr_attr_parse(SR_ATTR_LOCALE, bad[i], &v) != SR_ERR_INPUT ||
            sr_attr_parse(SR_ATTR_CANTEEN, bad[i], &v) != SR_ERR_INPUT)
            fail_msg("'%s' was accepted", bad[i]);
    }
    assert_int_equal(v, -7); /* untouched */
    /* The message lists both ways of writing a value. */
    assert_string_equal(sr_attr_expect(SR_ATTR_OWNERSHIP),
                        "public|private or 公办|民办");
    assert_string_equal(sr_attr_expect(SR_ATTR_LOCALE),
                        "urban|town|rural or 城区|镇区|乡村");
    assert_string_equal(sr_attr_expect(SR_ATTR_CANTEEN), "true|false or 是|否");
    assert_string_equal(sr_attr_expect(SR_ATTR_STAGE),
                        "kindergarten|primary|junior|senior|nine-year|"
                        "complete-secondary|twelve-year|vocational|special "
                        "or 幼儿园|小学|初中|普通高中|九年一贯制|完全中学|"
                        "十二年一贯制|中等职业学校|特殊教育学校");
}

/* The attributes of issue 11 item 8: their names are what indicator
 * files condition on, so they are fixed here; population is derived
 * (enrollment + staff) and never given. */
static void
school_attributes_added(void **state)
{
    struct sr_school s;
    struct sr_diags d;
    char known[512] = "";
    size_t len;
    int a;

    (void)state;
    assert_int_equal(sr_attr_lookup("staff"), SR_ATTR_STAFF);
    assert_int_equal(sr_attr_lookup("population"), SR_ATTR_POPULATION);
    assert_int_equal(sr_attr_lookup("meal_delivery"), SR_ATTR_MEAL_DELIVERY);
    assert_int_equal(sr_attr_lookup("village_school"),
                     SR_ATTR_VILLAGE_SCHOOL);
    /* Appended: the values before them keep their numbers (ABI). */
    assert_int_equal(SR_ATTR_STAFF, 11);
    assert_int_equal(SR_ATTR_VILLAGE_SCHOOL, 14);
    assert_int_equal(sr_attr_kind(SR_ATTR_STAFF), SR_KIND_COUNT);
    assert_int_equal(sr_attr_kind(SR_ATTR_POPULATION), SR_KIND_COUNT);
    assert_int_equal(sr_attr_kind(SR_ATTR_MEAL_DELIVERY), SR_KIND_FLAG);
    assert_int_equal(sr_attr_kind(SR_ATTR_VILLAGE_SCHOOL), SR_KIND_FLAG);
    for (a = 0; a < SR_ATTR_COUNT; a++)
        assert_int_equal(sr_attr_derived(a), a == SR_ATTR_POPULATION);
    check_attr(SR_ATTR_MEAL_DELIVERY, "是", 1);
    check_attr(SR_ATTR_VILLAGE_SCHOOL, "false", 0);
    check_attr(SR_ATTR_STAFF, "64", 64);
    /* The list the messages give is the table, in order. */
    for (a = 0, len = 0; a < SR_ATTR_COUNT; a++)
        len += (size_t)snprintf(known + len, sizeof(known) - len, "%s%s",
                                a ? ", " : "", sr_attr_name(a));
    assert_string_equal(sr_attr_known(), known);

    /* population = enrollment + staff, whichever comes first, and
     * again after a change. */
    sr_diags_init(&d);
    sr_school_init(&s);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 0);
    assert_int_equal(sr_school_set(&s, "staff", "61", &d, NULL, 0), SR_OK);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 61);
    assert_int_equal(sr_school_set(&s, "enrollment", "940", &d, NULL, 0),
                     SR_OK);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 1001);
    assert_int_equal(sr_school_set(&s, "enrollment", "939", &d, NULL, 0),
                     SR_OK);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 1000);
    /* Given at its maximum, each part still adds up exactly. */
    assert_int_equal(sr_school_set(&s, "staff", "10000000", &d, NULL, 0),
                     SR_OK);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 10000939);
    assert_int_equal(d.n, 0);

    /* Never given: the message says what it is derived from. */
    assert_int_equal(sr_school_set(&s, "population", "1000", &d, "s.school",
                                   4),
                     SR_ERR_INPUT);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 10000939);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.v[0].line, 4);
    assert_string_equal(d.v[0].message,
                        "school attribute 'population' cannot be given: it "
                        "is derived as 在校生数 + 教职工数 (enrollment + "
                        "staff); give those instead");
    /* A bad staff count names the key. */
    assert_int_equal(sr_school_set(&s, "staff", "-3", &d, "s.school", 5),
                     SR_ERR_INPUT);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.v[1].message,
                        "bad value '-3' for school attribute 'staff' "
                        "(expected a whole number 0..10000000)");
    assert_int_equal(s.attr[SR_ATTR_STAFF], 10000000);
    sr_diags_release(&d);
}

/* Printed only (a system's colour is written in its XML by name). */
static void
colour_labels(void **state)
{
    (void)state;
    assert_string_equal(sr_colour_label(SR_BLUE), "蓝色");
    assert_string_equal(sr_colour_label(SR_YELLOW), "黄色");
    assert_string_equal(sr_colour_label(SR_ORANGE), "橙色");
    assert_string_equal(sr_colour_label(SR_RED), "红色");
    assert_null(sr_colour_label(SR_RED + 1));
    assert_null(sr_colour_label(-1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hazard_levels),
        cmocka_unit_test(hazard_statuses),
        cmocka_unit_test(assessment_kinds_and_statuses),
        cmocka_unit_test(roles),
        cmocka_unit_test(task_statuses),
        cmocka_unit_test(school_attributes),
        cmocka_unit_test(school_attributes_added),
        cmocka_unit_test(colour_labels),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
