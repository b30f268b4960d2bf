/*
 * test_responses.c - parsing responses CSV (src/responses.c) and
 * school files (src/school.c).
 *
 * Every test starts from mini.xml and this school, built with
 * sr_school_set(): a primary day school with a canteen and school
 * buses, 1600 students.  So D2.2.1 (boarding=true) does not apply,
 * D2.2.2 (school_bus=true) and D3.x (canteen=true) do, and D1.1.1
 * requires 3 + (1600 - 1000) / 500 * 1 = 4 guards.
 *
 * CSV text is written inline so that the bytes under test (BOM, CRLF,
 * quotes) are visible; responses are parsed under the name "r.csv".
 * School files are written to a mkdtemp directory that the teardown
 * removes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/school.h"

#define MINI SR_FIXTURES "/mini.xml"
#define SCHOOL_FX SR_FIXTURES "/responses/mini-primary.school"

/* ------------------------------------------------------------------ */
/* Fixture                                                              */
/* ------------------------------------------------------------------ */

struct fx {
    struct sr_system *sys;
    struct sr_school school;
    struct sr_responses r;
    bool r_init;
    struct sr_diags d;
    char *text;     /* a document made by the test */
    char dir[64];   /* temporary directory, or "" */
};

static int
setup(void **state)
{
    static const char *const kv[][2] = {
        {"stage", "primary"},   {"boarding", "false"},
        {"school_bus", "true"}, {"canteen", "true"},
        {"enrollment", "1600"},
    };
    struct fx *f = calloc(1, sizeof(*f));
    size_t i;

    if (!f)
        return -1;
    *state = f;
    sr_diags_init(&f->d);
    if (sr_system_load_file(MINI, &f->sys, &f->d) != SR_OK)
        return -1;
    sr_school_init(&f->school);
    for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
        if (sr_school_set(&f->school, kv[i][0], kv[i][1], &f->d, NULL, 0) !=
            SR_OK)
            return -1;
    if (sr_responses_init(&f->r, f->sys) != SR_OK)
        return -1;
    f->r_init = true;
    return 0;
}


static int
teardown(void **state)
{
    struct fx *f = *state;

    if (!f)
        return 0;
    if (f->r_init)
        sr_responses_release(&f->r);
    sr_system_free(f->sys);
    sr_diags_release(&f->d);
    free(f->text);
    if (f->dir[0])
        remove_dir(f->dir);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */



static sr_error
parse(struct fx *f, const char *csv)
{
    return sr_responses_parse(&f->r, &f->school, "r.csv", csv, strlen(csv),
                              &f->d);
}

/* Parse csv: it must fail with exactly the diagnostic want. */
static void
expect_bad(void **state, const char *csv, const char *want)
{
    struct fx *f = *state;
    const char *const w[] = {want, NULL};

    assert_int_equal(parse(f, csv), SR_ERR_INPUT);
    assert_diags(&f->d, w);
}

static long
idx(const struct fx *f, const char *id)
{
    long i = sr_system_find_item(f->sys, id);

    assert_true(i >= 0);
    return i;
}

static void
assert_answer(const struct fx *f, const char *id, int state, int64_t v,
              int64_t v2)
{
    long i = idx(f, id);

    assert_int_equal(f->r.a[i].state, state);
    assert_int_equal(f->r.a[i].v, v);
    assert_int_equal(f->r.a[i].v2, v2);
}

static void
assert_unanswered(const struct fx *f, const char *id)
{
    long i = idx(f, id);

    assert_int_equal(f->r.a[i].state, SR_ANS_NONE);
    assert_null(f->r.value[i]);
    assert_null(f->r.note[i]);
    assert_int_equal(f->r.line[i], 0);
}

static void
make_dir(struct fx *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-responses-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
}

/* Write text to dir/name; the path goes to path[size]. */
static void
write_file(struct fx *f, const char *name, const char *text, char *path,
           size_t size)
{
    FILE *fp;

    if (!f->dir[0])
        make_dir(f);
    snprintf(path, size, "%s/%s", f->dir, name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* ------------------------------------------------------------------ */
/* Good files                                                           */
/* ------------------------------------------------------------------ */

/* Excel's "CSV UTF-8": a byte order mark and CRLF line ends.  Quoted
 * fields hold commas, "" escapes and, on lines 4-6, a three-line
 * note; the rows after it must keep their own line numbers. */
static const char good_csv[] =
    "\xEF\xBB\xBFitem,value,note\r\n"
    "D1.1.1,4,\"保安4人, 其中1人\"\"临时\"\"顶岗\"\r\n"
    "D1.1.2,pass,\r\n"
    "D1.2.1,符合,\"多行备注\r\n"
    "第二行\r\n"
    "第三行\"\r\n"
    "D1.2.2,基本符合\r\n"
    "D1.2.3,20.5,天\r\n"
    "\r\n"
    "D1.2.4,否,\r\n"
    "D2.1.1,2,\"灭火器过期,共2处\"\r\n"
    " D2.1.2 , 4.25 ,\r\n"
    "D2.2.2,na,无随车照管需求\r\n"
    "D3.1.1,是,\r\n"
    "\"D3.1.2\",\"9/10\",\"1人健康证过期\"\r\n";

static void
check_good_answers(const struct fx *f)
{
    long i;

    assert_int_equal(f->d.n, 0);
    assert_answer(f, "D1.1.1", SR_ANS_VALUE, 40000, 0);
    assert_answer(f, "D1.1.2", SR_ANS_VALUE, 1, 0);
    assert_answer(f, "D1.2.1", SR_ANS_VALUE, 1, 0);
    assert_answer(f, "D1.2.2", SR_ANS_VALUE, 1, 0); /* level index */
    assert_answer(f, "D1.2.3", SR_ANS_VALUE, 205000, 0);
    assert_answer(f, "D1.2.4", SR_ANS_VALUE, 0, 0);
    assert_answer(f, "D2.1.1", SR_ANS_VALUE, 2, 0);
    assert_answer(f, "D2.1.2", SR_ANS_VALUE, 42500, 0);
    assert_unanswered(f, "D2.2.1");
    assert_answer(f, "D2.2.2", SR_ANS_NA, 0, 0);
    assert_answer(f, "D3.1.1", SR_ANS_VALUE, 1, 0);
    assert_answer(f, "D3.1.2", SR_ANS_VALUE, 90000, 100000);

    i = idx(f, "D1.1.1");
    assert_string_equal(f->r.value[i], "4");
    assert_string_equal(f->r.note[i], "保安4人, 其中1人\"临时\"顶岗");
    assert_int_equal(f->r.line[i], 2);
    i = idx(f, "D1.1.2");
    assert_null(f->r.note[i]);
    assert_int_equal(f->r.line[i], 3);
    i = idx(f, "D1.2.1");
    assert_string_equal(f->r.note[i], "多行备注\r\n第二行\r\n第三行");
    assert_int_equal(f->r.line[i], 4);
    i = idx(f, "D1.2.2");
    assert_string_equal(f->r.value[i], "基本符合");
    assert_null(f->r.note[i]);
    assert_int_equal(f->r.line[i], 7);
    assert_int_equal(f->r.line[idx(f, "D1.2.3")], 8);
    assert_int_equal(f->r.line[idx(f, "D1.2.4")], 10);
    i = idx(f, "D2.1.1");
    assert_string_equal(f->r.note[i], "灭火器过期,共2处");
    assert_int_equal(f->r.line[i], 11);
    i = idx(f, "D2.1.2");
    assert_string_equal(f->r.value[i], "4.25");
    assert_int_equal(f->r.line[i], 12);
    i = idx(f, "D2.2.2");
    assert_string_equal(f->r.value[i], "na");
    assert_string_equal(f->r.note[i], "无随车照管需求");
    assert_int_equal(f->r.line[i], 13);
    assert_int_equal(f->r.line[idx(f, "D3.1.1")], 14);
    i = idx(f, "D3.1.2");
    assert_string_equal(f->r.value[i], "9/10");
    assert_string_equal(f->r.note[i], "1人健康证过期");
    assert_int_equal(f->r.line[i], 15);
}

static void
test_init_empty(void **state)
{
    struct fx *f = *state;
    size_t i;

    assert_ptr_equal(f->r.sys, f->sys);
    assert_int_equal(f->r.n, 12);
    for (i = 0; i < f->r.n; i++) {
        assert_int_equal(f->r.a[i].state, SR_ANS_NONE);
        assert_null(f->r.value[i]);
        assert_null(f->r.note[i]);
        assert_int_equal(f->r.line[i], 0);
    }
}

static void
test_good_bom_crlf_quotes(void **state)
{
    struct fx *f = *state;

    assert_int_equal(sr_responses_parse(&f->r, &f->school, "r.csv", good_csv,
                                        sizeof(good_csv) - 1, &f->d),
                     SR_OK);
    check_good_answers(f);
}

static void
test_good_load_file(void **state)
{
    struct fx *f = *state;
    char path[128];

    write_file(f, "good.csv", good_csv, path, sizeof(path));
    assert_int_equal(sr_responses_load_file(&f->r, &f->school, path, &f->d),
                     SR_OK);
    check_good_answers(f);
}

static void
test_good_lf_no_note_column(void **state)
{
    struct fx *f = *state;

    assert_int_equal(parse(f, "item,value\n"
                              "D1.1.2,fail\n"
                              "D2.1.1,0\n"),
                     SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_answer(f, "D1.1.2", SR_ANS_VALUE, 0, 0);
    assert_answer(f, "D2.1.1", SR_ANS_VALUE, 0, 0);
    assert_int_equal(f->r.line[idx(f, "D2.1.1")], 3);
}

static void
test_header_only(void **state)
{
    struct fx *f = *state;
    size_t i;

    assert_int_equal(parse(f, "item,value,note\r\n"), SR_OK);
    assert_int_equal(f->d.n, 0);
    for (i = 0; i < f->r.n; i++)
        assert_int_equal(f->r.a[i].state, SR_ANS_NONE);
}

static void
test_check_chinese_answers(void **state)
{
    struct fx *f = *state;

    assert_int_equal(parse(f, "item,value,note\n"
                              "D1.1.2,符合,\n"
                              "D1.2.1,不符合,\n"
                              "D1.2.4,是,\n"
                              "D3.1.1,否,\n"
                              "D2.2.1,pass,\n"),
                     SR_ERR_INPUT); /* D2.2.1 does not apply */
    assert_int_equal(f->d.n, 1);
    assert_answer(f, "D1.1.2", SR_ANS_VALUE, 1, 0);
    assert_answer(f, "D1.2.1", SR_ANS_VALUE, 0, 0);
    assert_answer(f, "D1.2.4", SR_ANS_VALUE, 1, 0);
    assert_answer(f, "D3.1.1", SR_ANS_VALUE, 0, 0);
}

static void
test_na_allowed(void **state)
{
    struct fx *f = *state;

    assert_int_equal(parse(f, "item,value,note\nD2.2.2,na,\n"), SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_answer(f, "D2.2.2", SR_ANS_NA, 0, 0);
}

static void
test_levels_and_thresholds(void **state)
{
    struct fx *f = *state;

    assert_int_equal(parse(f, "item,value,note\n"
                              "D1.2.2,不符合,\n"
                              "D1.2.3,0,\n"
                              "D2.1.2,1.5,\n"
                              "D1.1.1,0.5,\n"),
                     SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_answer(f, "D1.2.2", SR_ANS_VALUE, 2, 0);
    assert_answer(f, "D1.2.3", SR_ANS_VALUE, 0, 0);
    assert_answer(f, "D2.1.2", SR_ANS_VALUE, 15000, 0);
    assert_answer(f, "D1.1.1", SR_ANS_VALUE, 5000, 0);
}

/* ------------------------------------------------------------------ */
/* One error per test                                                   */
/* ------------------------------------------------------------------ */

static void
test_wrong_header(void **state)
{
    expect_bad(state, "item,answer,note\nD1.1.2,pass,\n",
               "r.csv:1: expected the header 'item,value,note'");
    assert_unanswered(*state, "D1.1.2");
}

static void
test_header_extra_column(void **state)
{
    expect_bad(state, "\xEF\xBB\xBFitem,value,note,extra\r\n",
               "r.csv:1: expected the header 'item,value,note'");
}

static void
test_empty_file(void **state)
{
    expect_bad(state, "",
               "r.csv: the file is empty; expected the header "
               "'item,value,note'");
}

static void
test_unknown_item(void **state)
{
    expect_bad(state, "item,value,note\nD9.9.9,pass,\n",
               "r.csv:2: unknown item 'D9.9.9' (not in system 'mini' "
               "version 1.0)");
}

static void
test_indicator_id_is_not_item(void **state)
{
    expect_bad(state, "item,value,note\nD1.1,pass,\n",
               "r.csv:2: unknown item 'D1.1' (not in system 'mini' "
               "version 1.0)");
}

static void
test_not_applicable_item(void **state)
{
    expect_bad(state, "item,value,note\nD2.2.1,pass,\n",
               "r.csv:2: item 'D2.2.1' does not apply to this school "
               "(condition boarding=true does not hold)");
    assert_unanswered(*state, "D2.2.1");
}

static void
test_not_applicable_inherited(void **state)
{
    struct fx *f = *state;

    assert_int_equal(sr_school_set(&f->school, "canteen", "false", &f->d,
                                   NULL, 0),
                     SR_OK);
    expect_bad(state, "item,value,note\nD3.1.1,pass,\n",
               "r.csv:2: item 'D3.1.1' does not apply to this school "
               "(condition canteen=true does not hold)");
}

static void
test_answered_twice(void **state)
{
    struct fx *f = *state;

    expect_bad(state, "item,value,note\n"
                      "D1.1.2,pass,first\n"
                      "D1.2.4,pass,\n"
                      "D1.1.2,fail,second\n",
               "r.csv:4: item 'D1.1.2' is answered twice (first on line 2)");
    /* The first answer stands. */
    assert_answer(f, "D1.1.2", SR_ANS_VALUE, 1, 0);
    assert_string_equal(f->r.note[idx(f, "D1.1.2")], "first");
    assert_int_equal(f->r.line[idx(f, "D1.1.2")], 2);
}

static void
test_na_answered_twice(void **state)
{
    expect_bad(state, "item,value,note\n"
                      "D2.2.2,na,\n"
                      "D2.2.2,pass,\n",
               "r.csv:3: item 'D2.2.2' is answered twice (first on line 2)");
    assert_answer(*state, "D2.2.2", SR_ANS_NA, 0, 0);
}

static void
test_bad_check_value(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2,yes,\n",
               "r.csv:2: item 'D1.1.2': expected pass or fail (also "
               "符合/不符合, 是/否), got 'yes'");
}

static void
test_bad_level(void **state)
{
    expect_bad(state, "item,value,note\nD1.2.2,部分符合,\n",
               "r.csv:2: item 'D1.2.2': '部分符合' is not one of the "
               "declared levels (符合:1|基本符合:0.6|不符合:0)");
}

static void
test_bad_threshold_decimals(void **state)
{
    expect_bad(state, "item,value,note\nD1.2.3,15.12345,\n",
               "r.csv:2: item 'D1.2.3': expected a number (0 or more, at "
               "most 4 decimals), got '15.12345'");
}

static void
test_bad_threshold_text(void **state)
{
    expect_bad(state, "item,value,note\nD1.2.3,30天,\n",
               "r.csv:2: item 'D1.2.3': expected a number (0 or more, at "
               "most 4 decimals), got '30天'");
}

/* Measured quantities are never negative: a minus sign is a typo. */
static void
test_bad_threshold_negative(void **state)
{
    expect_bad(state, "item,value,note\nD2.1.2,-1.5,\n",
               "r.csv:2: item 'D2.1.2': expected a number (0 or more, at "
               "most 4 decimals), got '-1.5'");
}

static void
test_negative_deduct(void **state)
{
    expect_bad(state, "item,value,note\nD2.1.1,-1,\n",
               "r.csv:2: item 'D2.1.1': expected a whole number of findings "
               "(0 or more), got '-1'");
}

static void
test_fractional_deduct(void **state)
{
    expect_bad(state, "item,value,note\nD2.1.1,1.5,\n",
               "r.csv:2: item 'D2.1.1': expected a whole number of findings "
               "(0 or more), got '1.5'");
}

static void
test_ratio_without_slash(void **state)
{
    expect_bad(state, "item,value,note\nD3.1.2,5,\n",
               "r.csv:2: item 'D3.1.2': expected actual/required, for "
               "example '3/4', got '5'");
}

static void
test_ratio_required_zero(void **state)
{
    expect_bad(state, "item,value,note\nD3.1.2,5/0,\n",
               "r.csv:2: item 'D3.1.2': the required number must be greater "
               "than 0, got '5/0'");
}

static void
test_ratio_negative(void **state)
{
    expect_bad(state, "item,value,note\nD3.1.2,-1/4,\n",
               "r.csv:2: item 'D3.1.2': expected actual/required, for "
               "example '3/4', got '-1/4'");
}

static void
test_ratio_derived_given_pair(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.1,3/4,\n",
               "r.csv:2: item 'D1.1.1': the requirement is derived from "
               "enrollment (4 for this school); give only the actual "
               "number, got '3/4'");
}

static void
test_ratio_derived_negative(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.1,-3,\n",
               "r.csv:2: item 'D1.1.1': expected the actual number (0 or "
               "more, at most 4 decimals), got '-3'");
}

/* A derived requirement need not be whole: with value="1.5" the
 * message must say 1.5, not the truncated 1. */
static void
test_ratio_derived_fractional_requirement(void **state)
{
    struct fx *f = *state;
    struct sr_system *sys = NULL;
    FILE *fp = fopen(MINI, "rb");
    char buf[8192];
    size_t n;
    char *p;
    const char *const want[] = {
        "r.csv:2: item 'D1.1.1': the requirement is derived from "
        "enrollment (1.5 for this school); give only the actual number, "
        "got '1/2'",
        NULL};
    static const char from[] = "<step from=\"0\" value=\"1\"/>";
    static const char to[] = "<step from=\"0\" value=\"1.5\"/>";

    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    p = strstr(buf, from);
    assert_non_null(p);
    f->text = malloc(n + 3);
    assert_non_null(f->text);
    snprintf(f->text, n + 3, "%.*s%s%s", (int)(p - buf), buf, to,
             p + strlen(from));
    assert_int_equal(sr_system_load_memory("half.xml", f->text,
                                           strlen(f->text), &sys, &f->d),
                     SR_OK);
    sr_responses_release(&f->r);
    f->r_init = false;
    sr_system_free(f->sys);
    f->sys = sys;
    assert_int_equal(sr_responses_init(&f->r, f->sys), SR_OK);
    f->r_init = true;
    assert_int_equal(sr_school_set(&f->school, "enrollment", "50", &f->d,
                                   NULL, 0),
                     SR_OK);
    assert_int_equal(sr_item_required(f->sys, &sr_system_items(f->sys, &n)[0],
                                      &f->school),
                     15000);
    assert_int_equal(parse(f, "item,value,note\nD1.1.1,1/2,\n"),
                     SR_ERR_INPUT);
    assert_diags(&f->d, want);
}

static void
test_na_not_allowed(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2,na,\n",
               "r.csv:2: item 'D1.1.2' may not be marked not applicable "
               "(na)");
}

static void
test_empty_value(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2,,note\n",
               "r.csv:2: item 'D1.1.2': the value is empty");
}

static void
test_blank_value(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2,\"  \",\n",
               "r.csv:2: item 'D1.1.2': the value is empty");
}

static void
test_one_field(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2\n",
               "r.csv:2: expected 3 fields (item,value,note), found 1");
}

static void
test_four_fields(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2,pass,灭火器,过期\n",
               "r.csv:2: expected 3 fields (item,value,note), found 4");
    assert_unanswered(*state, "D1.1.2");
}

static void
test_unterminated_quote(void **state)
{
    expect_bad(state, "item,value,note\n"
                      "D1.1.2,pass,\n"
                      "D1.2.4,pass,\"没有结束的引号\n"
                      "D3.1.1,pass,\n",
               "r.csv:3: quoted field starting on line 3 is not closed");
    /* Rows before the broken one are kept. */
    assert_answer(*state, "D1.1.2", SR_ANS_VALUE, 1, 0);
    assert_unanswered(*state, "D3.1.1");
}

static void
test_text_after_quote(void **state)
{
    expect_bad(state, "item,value,note\nD1.1.2,\"pass\"x,\n",
               "r.csv:2: unexpected text after a closing quote");
}

static void
test_invalid_utf8(void **state)
{
    /* "符合" in GBK, as a Chinese-locale Excel saves plain "CSV". */
    expect_bad(state, "item,value,note\n"
                      "D1.1.2,pass,\n"
                      "D1.2.4,\xB7\xFB\xBA\xCF,\n",
               "r.csv:3: invalid UTF-8 at byte 37; save the file as UTF-8");
    assert_unanswered(*state, "D1.1.2");
}

static void
test_nul_byte(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "item,value,note\nD1.1.2,pa\0ss,\n";
    const char *const want[] = {"r.csv:2: field 2 contains a NUL byte",
                                NULL};

    assert_int_equal(sr_responses_parse(&f->r, &f->school, "r.csv", csv,
                                        sizeof(csv) - 1, &f->d),
                     SR_ERR_INPUT);
    assert_diags(&f->d, want);
}

static void
test_too_large(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "r.csv: responses file is larger than the limit of 4 MiB", NULL};

    f->text = malloc(SR_RESPONSES_MAX_BYTES + 1u);
    assert_non_null(f->text);
    memset(f->text, 'x', SR_RESPONSES_MAX_BYTES + 1u);
    assert_int_equal(sr_responses_parse(&f->r, &f->school, "r.csv", f->text,
                                        SR_RESPONSES_MAX_BYTES + 1u, &f->d),
                     SR_ERR_TOO_LARGE);
    assert_diags(&f->d, want);
}

static void
test_missing_file(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "/nonexistent/r.csv: cannot read file: No such file or directory",
        NULL};

    assert_int_equal(sr_responses_load_file(&f->r, &f->school,
                                            "/nonexistent/r.csv", &f->d),
                     SR_ERR_IO);
    assert_diags(&f->d, want);
}

static void
test_all_bad_rows_reported(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "r.csv:3: unknown item 'X1' (not in system 'mini' version 1.0)",
        "r.csv:4: item 'D2.2.1' does not apply to this school (condition "
        "boarding=true does not hold)",
        "r.csv:7: item 'D1.2.3': expected a number (0 or more, at most 4 "
        "decimals), got 'abc'",
        "r.csv:9: expected 3 fields (item,value,note), found 1",
        "r.csv:10: item 'D1.1.2' is answered twice (first on line 2)",
        "r.csv:11: item 'D1.1.1': the requirement is derived from "
        "enrollment (4 for this school); give only the actual number, "
        "got '4/4'",
        NULL};

    assert_int_equal(parse(f, "item,value,note\r\n"
                              "D1.1.2,pass,\r\n"
                              "X1,pass,\r\n"
                              "D2.2.1,pass,\r\n"
                              "D1.2.2,符合,\"跨两行的\r\n"
                              "备注\"\r\n"
                              "D1.2.3,abc,\r\n"
                              "D1.2.4,pass,\r\n"
                              "D2.1.1\r\n"
                              "D1.1.2,fail,\r\n"
                              "D1.1.1,4/4,\r\n"),
                     SR_ERR_INPUT);
    /* The note of D1.2.2 spans lines 5-6, so D1.2.3 is on line 7. */
    assert_diags(&f->d, want);
    /* The good rows are kept. */
    assert_answer(f, "D1.1.2", SR_ANS_VALUE, 1, 0);
    assert_answer(f, "D1.2.2", SR_ANS_VALUE, 0, 0);
    assert_answer(f, "D1.2.4", SR_ANS_VALUE, 1, 0);
    assert_unanswered(f, "D1.2.3");
    assert_unanswered(f, "D1.1.1");
}

/* Old Mac line ends (a lone CR) end rows; they must also count as
 * lines, or every error is reported on line 1. */
static void
test_lone_cr_line_numbers(void **state)
{
    expect_bad(state, "item,value,note\r"
                      "D1.1.2,pass,\r"
                      "D1.1.2,fail,\r",
               "r.csv:3: item 'D1.1.2' is answered twice (first on line 2)");
}

/* ------------------------------------------------------------------ */
/* sr_responses_set directly                                            */
/* ------------------------------------------------------------------ */

static void
test_set_direct(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "item 'D1.1.2' is already answered",
        "form:7: item 'D1.2.2': '?' is not one of the declared levels "
        "(符合:1|基本符合:0.6|不符合:0)",
        NULL};

    assert_int_equal(sr_responses_set(&f->r, &f->school, "D1.1.2", "pass",
                                      NULL, &f->d, NULL, 0),
                     SR_OK);
    assert_int_equal(sr_responses_set(&f->r, &f->school, "D1.1.2", "fail",
                                      NULL, &f->d, NULL, 0),
                     SR_ERR_INPUT);
    assert_int_equal(sr_responses_set(&f->r, &f->school, "D1.2.2", "?", "n",
                                      &f->d, "form", 7),
                     SR_ERR_INPUT);
    assert_diags(&f->d, want);
    assert_answer(f, "D1.1.2", SR_ANS_VALUE, 1, 0);
    assert_unanswered(f, "D1.2.2");
}

/* ------------------------------------------------------------------ */
/* School files                                                         */
/* ------------------------------------------------------------------ */

static void
test_school_fixture(void **state)
{
    struct fx *f = *state;
    struct sr_school s;

    assert_int_equal(sr_school_load_file(SCHOOL_FX, &s, &f->d), SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_true(sr_school_has_stage(&s));
    assert_int_equal(s.attr[SR_ATTR_STAGE], SR_STAGE_PRIMARY);
    assert_int_equal(s.attr[SR_ATTR_BOARDING], 0);
    assert_int_equal(s.attr[SR_ATTR_SCHOOL_BUS], 1);
    assert_int_equal(s.attr[SR_ATTR_CANTEEN], 1);
    assert_int_equal(s.attr[SR_ATTR_ENROLLMENT], 1600);
    assert_int_equal(s.attr[SR_ATTR_SPECIAL_NEEDS], 0);
    /* Defaults for what the file leaves out. */
    assert_int_equal(s.attr[SR_ATTR_OWNERSHIP], 0);
    assert_int_equal(s.attr[SR_ATTR_LOCALE], 0);
    assert_int_equal(s.attr[SR_ATTR_LABORATORY], 0);
    assert_int_equal(s.set, (1u << SR_ATTR_STAGE) | (1u << SR_ATTR_BOARDING) |
                                (1u << SR_ATTR_SCHOOL_BUS) |
                                (1u << SR_ATTR_CANTEEN) |
                                (1u << SR_ATTR_ENROLLMENT) |
                                (1u << SR_ATTR_SPECIAL_NEEDS));
    /* The same school as the one built with sr_school_set(). */
    assert_memory_equal(s.attr, f->school.attr, sizeof(s.attr));
}

static void
test_school_crlf(void **state)
{
    struct fx *f = *state;
    struct sr_school s;
    char path[128];

    write_file(f, "crlf.school",
               "# Windows line ends\r\nstage = junior\r\nlocale = rural\r\n"
               "boarding = yes\r\nboarders = 120\r\n",
               path, sizeof(path));
    assert_int_equal(sr_school_load_file(path, &s, &f->d), SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(s.attr[SR_ATTR_STAGE], SR_STAGE_JUNIOR);
    assert_int_equal(s.attr[SR_ATTR_LOCALE], 2);
    assert_int_equal(s.attr[SR_ATTR_BOARDING], 1);
    assert_int_equal(s.attr[SR_ATTR_BOARDERS], 120);
}

/* Write text as a school file and load it: SR_ERR_INPUT with exactly
 * the diagnostic want (the path is put in front of the line). */
static void
expect_school_bad(void **state, const char *text, long line,
                  const char *want)
{
    struct fx *f = *state;
    struct sr_school s;
    char path[128], full[1024];
    const char *const w[] = {full, NULL};

    write_file(f, "bad.school", text, path, sizeof(path));
    assert_int_equal(sr_school_load_file(path, &s, &f->d), SR_ERR_INPUT);
    if (line > 0)
        snprintf(full, sizeof(full), "%s:%ld: %s", path, line, want);
    else
        snprintf(full, sizeof(full), "%s: %s", path, want);
    assert_diags(&f->d, w);
}

static void
test_school_unknown_key(void **state)
{
    expect_school_bad(state, "stage = primary\n# 颜色\ncolour = red\n", 3,
                      "unknown school attribute 'colour' (known: stage, "
                      "ownership, locale, boarding, school_bus, canteen, "
                      "laboratory, swimming_pool, enrollment, boarders, "
                      "special_needs, staff, population, meal_delivery, "
                      "village_school)");
}

/* population (师生员工数) is derived from enrollment + staff: a school
 * file that gives it is refused, saying so, and the other lines still
 * set what they give. */
static void
test_school_population_given(void **state)
{
    expect_school_bad(state,
                      "stage = primary\nenrollment = 900\nstaff = 70\n"
                      "population = 1000\n",
                      4,
                      "school attribute 'population' cannot be given: it is "
                      "derived as 在校生数 + 教职工数 (enrollment + staff); "
                      "give those instead");
}

/* A school file with staff: population is their sum, exactly. */
static void
test_school_population_derived(void **state)
{
    struct fx *f = *state;
    struct sr_school s;
    char path[128];

    write_file(f, "pop.school",
               "stage = junior\nstaff = 84\nenrollment = 1016\n"
               "meal_delivery = 是\nvillage_school = false\n",
               path, sizeof(path));
    assert_int_equal(sr_school_load_file(path, &s, &f->d), SR_OK);
    assert_int_equal(s.attr[SR_ATTR_ENROLLMENT], 1016);
    assert_int_equal(s.attr[SR_ATTR_STAFF], 84);
    assert_int_equal(s.attr[SR_ATTR_POPULATION], 1100);
    assert_int_equal(s.attr[SR_ATTR_MEAL_DELIVERY], 1);
    assert_int_equal(s.attr[SR_ATTR_VILLAGE_SCHOOL], 0);
    assert_int_equal(f->d.n, 0);
}

static void
test_school_bad_flag(void **state)
{
    expect_school_bad(state, "stage = primary\nboarding = maybe\n", 2,
                      "bad value 'maybe' for school attribute 'boarding' "
                      "(expected true|false or 是|否)");
}

static void
test_school_count_out_of_range(void **state)
{
    expect_school_bad(state, "stage = primary\nenrollment = 10000001\n", 2,
                      "bad value '10000001' for school attribute "
                      "'enrollment' (expected a whole number 0..10000000)");
}

static void
test_school_negative_count(void **state)
{
    expect_school_bad(state, "stage = primary\nboarders = -1\n", 2,
                      "bad value '-1' for school attribute 'boarders' "
                      "(expected a whole number 0..10000000)");
}

static void
test_school_bad_stage(void **state)
{
    expect_school_bad(state, "stage = middle\n", 1,
                      "bad value 'middle' for school attribute 'stage' "
                      "(expected kindergarten|primary|junior|senior|"
                      "nine-year|complete-secondary|twelve-year|vocational|"
                      "special or 幼儿园|小学|初中|普通高中|九年一贯制|"
                      "完全中学|十二年一贯制|中等职业学校|特殊教育学校)");
}

static void
test_school_duplicate_key(void **state)
{
    expect_school_bad(state, "stage = primary\ncanteen = true\n\n"
                             "canteen = false\n",
                      4, "school attribute 'canteen' is given twice");
}

static void
test_school_no_equals(void **state)
{
    expect_school_bad(state, "stage = primary\ncanteen true\n", 2,
                      "expected 'key = value', got 'canteen true'");
}

static void
test_school_missing_stage(void **state)
{
    expect_school_bad(state, "\xEF\xBB\xBF# 没有学段\ncanteen = true\n", 0,
                      "school file does not give the stage (add a line "
                      "'stage = primary', for example)");
}

/* Every problem at once: a missing stage is reported even when a line
 * is also bad. */
static void
test_school_missing_stage_with_bad_line(void **state)
{
    struct fx *f = *state;
    struct sr_school s;
    char path[128], want0[512], want1[512];
    const char *const w[] = {want0, want1, NULL};

    write_file(f, "bad.school", "canteen = maybe\n", path, sizeof(path));
    assert_int_equal(sr_school_load_file(path, &s, &f->d), SR_ERR_INPUT);
    snprintf(want0, sizeof(want0),
             "%s:1: bad value 'maybe' for school attribute 'canteen' "
             "(expected true|false or 是|否)",
             path);
    snprintf(want1, sizeof(want1),
             "%s: school file does not give the stage (add a line "
             "'stage = primary', for example)",
             path);
    assert_diags(&f->d, w);
}

/* School files are UTF-8 like every other input: a GBK name must be
 * refused with its line, not accepted as garbage bytes. */
static void
test_school_invalid_utf8(void **state)
{
    struct fx *f = *state;
    struct sr_school s;
    char path[128];

    write_file(f, "gbk.school",
               "stage = primary\nname = \xB2\xE2\xCA\xD4\xD0\xA1\xD1\xA7\n",
               path, sizeof(path));
    assert_int_equal(sr_school_load_file(path, &s, &f->d), SR_ERR_INPUT);
    if (f->d.n != 1)
        show_diags(&f->d);
    assert_int_equal(f->d.n, 1);
    assert_int_equal(f->d.v[0].line, 2);
    assert_non_null(strstr(f->d.v[0].message, "UTF-8"));
}

static void
test_school_several_errors(void **state)
{
    struct fx *f = *state;
    struct sr_school s;
    char path[128], w[3][512];
    const char *const want[] = {w[0], w[1], w[2], NULL};

    write_file(f, "bad.school",
               "stage = primary\n"
               "boarding = 有\n"
               "# ok\n"
               "colour = red\n"
               "stage = junior\n",
               path, sizeof(path));
    assert_int_equal(sr_school_load_file(path, &s, &f->d), SR_ERR_INPUT);
    snprintf(w[0], sizeof(w[0]),
             "%s:2: bad value '有' for school attribute 'boarding' "
             "(expected true|false or 是|否)",
             path);
    snprintf(w[1], sizeof(w[1]),
             "%s:4: unknown school attribute 'colour' (known: stage, "
             "ownership, locale, boarding, school_bus, canteen, laboratory, "
             "swimming_pool, enrollment, boarders, special_needs, staff, "
             "population, meal_delivery, village_school)",
             path);
    snprintf(w[2], sizeof(w[2]),
             "%s:5: school attribute 'stage' is given twice", path);
    assert_diags(&f->d, want);
}

static void
test_school_missing_file(void **state)
{
    struct fx *f = *state;
    struct sr_school s;

    errno = 0;
    assert_int_equal(sr_school_load_file("/nonexistent/x.school", &s, &f->d),
                     SR_ERR_IO);
    assert_int_equal(errno, ENOENT);
}

static void
test_school_set_messages(void **state)
{
    struct fx *f = *state;
    struct sr_school s = f->school;
    const char *const want[] = {
        "form:3: bad value 'many' for school attribute 'enrollment' "
        "(expected a whole number 0..10000000)",
        "unknown school attribute 'pool' (known: stage, ownership, locale, "
        "boarding, school_bus, canteen, laboratory, swimming_pool, "
        "enrollment, boarders, special_needs, staff, population, "
        "meal_delivery, village_school)",
        NULL};

    assert_int_equal(sr_school_set(&s, "enrollment", "many", &f->d, "form",
                                   3),
                     SR_ERR_INPUT);
    assert_int_equal(sr_school_set(&s, "pool", "true", &f->d, NULL, 0),
                     SR_ERR_INPUT);
    /* Descriptive keys are accepted and ignored. */
    assert_int_equal(sr_school_set(&s, "name", "某某学校", &f->d, NULL, 0),
                     SR_OK);
    assert_diags(&f->d, want);
    /* Unchanged on error. */
    assert_memory_equal(&s, &f->school, sizeof(s));
}

/* An answer as a report shows it: Chinese, with units and requirements. */
static void
test_answer_text(void **state)
{
    static const char *const cases[][3] = {
        {"D1.1.2", "fail", "不符合"},
        {"D1.1.2", "是", "符合"},
        {"D1.2.2", "基本符合", "基本符合"},
        {"D1.2.3", "15", "15天"},
        {"D2.1.2", "12.5", "12.5分钟"},
        {"D2.1.1", "3", "3处"},
        /* derived from 1,600 students: 3 + one per further 500 */
        {"D1.1.1", "3", "3人/应配4人"},
        {"D3.1.2", "14/16", "14人/应配16人"},
        {"D2.2.2", "na", "不适用"},
        /* what the item cannot read is shown as it was stored */
        {"D1.1.2", "maybe", "maybe"},
        {"D2.1.1", "", ""},
    };
    struct fx *f = *state;
    const struct sr_item *items;
    size_t i, n;

    items = sr_system_items(f->sys, &n);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long k = sr_system_find_item(f->sys, cases[i][0]);
        char *t;

        assert_true(k >= 0 && (size_t)k < n);
        t = sr_answer_text(f->sys, &items[k], &f->school, cases[i][1]);
        assert_non_null(t);
        if (strcmp(t, cases[i][2]) != 0)
            fail_msg("%s '%s': '%s', expected '%s'", cases[i][0],
                     cases[i][1], t, cases[i][2]);
        free(t);
    }
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_empty),
        T(test_answer_text),
        T(test_good_bom_crlf_quotes),
        T(test_good_load_file),
        T(test_good_lf_no_note_column),
        T(test_header_only),
        T(test_check_chinese_answers),
        T(test_na_allowed),
        T(test_levels_and_thresholds),
        T(test_wrong_header),
        T(test_header_extra_column),
        T(test_empty_file),
        T(test_unknown_item),
        T(test_indicator_id_is_not_item),
        T(test_not_applicable_item),
        T(test_not_applicable_inherited),
        T(test_answered_twice),
        T(test_na_answered_twice),
        T(test_bad_check_value),
        T(test_bad_level),
        T(test_bad_threshold_decimals),
        T(test_bad_threshold_text),
        T(test_bad_threshold_negative),
        T(test_negative_deduct),
        T(test_fractional_deduct),
        T(test_ratio_without_slash),
        T(test_ratio_required_zero),
        T(test_ratio_negative),
        T(test_ratio_derived_given_pair),
        T(test_ratio_derived_negative),
        T(test_ratio_derived_fractional_requirement),
        T(test_na_not_allowed),
        T(test_empty_value),
        T(test_blank_value),
        T(test_one_field),
        T(test_four_fields),
        T(test_unterminated_quote),
        T(test_text_after_quote),
        T(test_invalid_utf8),
        T(test_nul_byte),
        T(test_too_large),
        T(test_missing_file),
        T(test_all_bad_rows_reported),
        T(test_lone_cr_line_numbers),
        T(test_set_direct),
        T(test_school_fixture),
        T(test_school_crlf),
        T(test_school_unknown_key),
        T(test_school_population_given),
        T(test_school_population_derived),
        T(test_school_bad_flag),
        T(test_school_count_out_of_range),
        T(test_school_negative_count),
        T(test_school_bad_stage),
        T(test_school_duplicate_key),
        T(test_school_no_equals),
        T(test_school_missing_stage),
        T(test_school_missing_stage_with_bad_line),
        T(test_school_invalid_utf8),
        T(test_school_several_errors),
        T(test_school_missing_file),
        T(test_school_set_messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
