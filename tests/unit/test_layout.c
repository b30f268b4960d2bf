/*
 * test_layout.c - report layout files: the shipped district layout
 * loads, and every kind of bad row is refused with FILE:LINE and the
 * exact message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "schoolrisk/layout.h"
#include "testutil.h"

#define HDR "sheet,field,heading,width,format\n"

static sr_error
parse(const char *text, struct sr_layout *l, struct sr_diags *d)
{
    return sr_layout_parse(text, strlen(text), "t.csv", l, d);
}

static void
test_shipped_district(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const struct sr_layout_columns *c;

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load(SR_FIXTURES
                                    "/../../templates/reports/district.csv",
                                    &l, &d),
                     SR_OK);
    show_diags(&d);
    assert_int_equal(d.n, 0);
    c = &l.sheets[SR_SHEET_SCHOOLS];
    assert_int_equal(c->n, 19);
    assert_int_equal(c->v[0].field, SR_FS_CODE);
    assert_string_equal(c->v[0].heading, "学校代码");
    assert_true(c->v[0].width == 12);
    assert_int_equal(c->v[9].field, SR_FS_TOTAL);
    assert_string_equal(c->v[9].format, "0.00");
    assert_string_equal(sr_layout_column_format(SR_SHEET_SCHOOLS,
                                                &c->v[1]), "@");
    assert_int_equal(l.sheets[SR_SHEET_LOST].n, 12);
    assert_int_equal(l.sheets[SR_SHEET_HAZARDS].n, 15);
    assert_int_equal(l.sheets[SR_SHEET_HAZARDS].v[0].field, SR_FH_ID);
    assert_int_equal(l.sheets[SR_SHEET_BASELINE].n, 9);
    assert_int_equal(l.sheets[SR_SHEET_BASELINE].v[3].field, SR_FS_GUARDS);
    /* The shipped words: each district's own bureau, the schools the
     * city runs filed by the city's. */
    assert_string_equal(sr_layout_unit_for(&l, "370102", "历下区"),
                        "济南市{区县}教育和体育局");
    assert_string_equal(sr_layout_unit_for(&l, NULL, "市属学校"),
                        "济南市教育局");
    assert_int_equal(l.text.n_signatures, 5);
    sr_layout_release(&l);
    sr_diags_release(&d);
}

static void
test_registry(void **state)
{
    (void)state;
    assert_string_equal(sr_layout_sheet_name(SR_SHEET_BASELINE), "四个100%");
    assert_null(sr_layout_sheet_name(SR_SHEET_COUNT));
    assert_int_equal(sr_layout_sheet_lookup("隐患台账"), SR_SHEET_HAZARDS);
    assert_int_equal(sr_layout_sheet_lookup("汇总"), -1);
    assert_int_equal(sr_layout_field_lookup(SR_SHEET_LOST, "note"),
                     SR_FL_NOTE);
    assert_string_equal(sr_layout_field_name(SR_SHEET_HAZARDS,
                                             SR_FH_DAYS_OVERDUE),
                        "days_overdue");
    assert_int_equal(sr_layout_field_kind(SR_SHEET_SCHOOLS, SR_FS_TOTAL),
                     SR_FIELD_SCORE);
    assert_int_equal(sr_layout_field_kind(SR_SHEET_SCHOOLS, SR_FS_COUNT),
                     -1);
    assert_int_equal(sr_layout_field_count(SR_SHEET_HAZARDS), SR_FH_COUNT);
}

static void
test_every_error_reported(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *in = HDR
                     "# a comment\n"
                     "学校评估,code,学校代码,12,\n"
                     "学校汇总,code,学校代码,12,\n"
                     "学校评估,nmae,学校名称,20,\n"
                     "学校评估,total,总分,wide,0.00\n"
                     "学校评估,total,总分,0,0.00\n"
                     "学校评估,total,总分,256,0.00\n"
                     "学校评估,code,代码,12,\n"
                     "学校评估,name,,20,\n"
                     "学校评估,name,学校名称,20,0.00\n"
                     "隐患台账,id,编号\n"
                     "失分明细,lost,失分,8.5,0.0\n";
    const char *const want[] = {
        "t.csv:4: unknown sheet '学校汇总' (known: 学校评估, 失分明细, "
        "隐患台账, 四个100%)",
        "t.csv:5: unknown field 'nmae' on sheet '学校评估'",
        "t.csv:6: bad width 'wide' for field 'total': want a number 1..255",
        "t.csv:7: bad width '0' for field 'total': want a number 1..255",
        "t.csv:8: bad width '256' for field 'total': want a number 1..255",
        "t.csv:9: duplicate field 'code' on sheet '学校评估' (first on "
        "line 3)",
        "t.csv:10: heading of field 'name' must be 1..200 bytes",
        "t.csv:11: format '0.00' on text field 'name': leave it empty or "
        "write '@'",
        "t.csv:12: expected 5 fields (sheet,field,heading,width,format), "
        "got 3",
        NULL};

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(parse(in, &l, &d), SR_ERR_INPUT);
    assert_diags(&d, want);
    /* Refused layouts are released: nothing is left to free. */
    assert_null(l.sheets[SR_SHEET_SCHOOLS].v);
    assert_null(l.file);
    sr_diags_release(&d);
}

/* The bureau's words (sheet 文字): read in order, placeholders filled,
 * a district's own unit, and every bad row named by line. */
static void
test_text_rows(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    struct sr_layout_vars v = {"历下区", "2026年第三季度", NULL};
    char *t;
    const char *in = HDR
                     "文字,title,{区县}{统计期}报告,,\n"
                     "文字,unit,{区县}教育和体育局,,\n"
                     "文字,unit:市属学校,济南市教育局,,\n"
                     "文字,signature,审核人,,\n"
                     "文字,signature,填报人,,\n"
                     "文字,footer,{单位} & 第 {页码}/{总页数} 页,,\n"
                     "学校评估,code,学校代码,12,\n";
    const char *bad = HDR
                      "文字,title,报告,,\n"
                      "文字,title,又一个标题,,\n"
                      "文字,unit,{区}教育局,,\n"
                      "文字,title2,报告,,\n"
                      "文字,footer,第 {页码} 页,8,\n"
                      "文字,signature,,,\n"
                      "文字,unit,第 {页码} 页,,\n";
    const char *const want[] = {
        "t.csv:3: duplicate field 'title' on sheet '文字' (first on line 2)",
        "t.csv:4: unknown placeholder '{区}' in field 'unit' (known: {区县}, "
        "{统计期})",
        "t.csv:5: unknown field 'title2' on sheet '文字' (known: title, "
        "unit, unit:区县, signature, footer, docno)",
        "t.csv:6: width and format of a '文字' row stay empty",
        "t.csv:7: text of field 'signature' must be 1..200 bytes",
        "t.csv:8: unknown placeholder '{页码}' in field 'unit' (known: "
        "{区县}, {统计期})",
        NULL};

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(parse(in, &l, &d), SR_OK);
    show_diags(&d);
    assert_int_equal(l.text.title_line, 2);
    assert_int_equal(l.text.n_signatures, 2);
    assert_string_equal(l.text.signatures[0], "审核人");
    assert_string_equal(l.text.signatures[1], "填报人");
    assert_string_equal(sr_layout_unit_for(&l, "370102", "历下区"),
                        "{区县}教育和体育局");
    assert_string_equal(sr_layout_unit_for(&l, "370199", "市属学校"),
                        "济南市教育局");
    t = sr_layout_expand(l.text.title, &v, 0);
    assert_string_equal(t, "历下区2026年第三季度报告");
    free(t);
    v.unit = "A&B 教育局";
    /* A footer: '&' doubled, page codes; elsewhere {页码} stays. */
    t = sr_layout_expand(l.text.footer, &v, 1);
    assert_string_equal(t, "A&&B 教育局 && 第 &P/&N 页");
    free(t);
    t = sr_layout_expand("{页码}{x}", &v, 0);
    assert_string_equal(t, "{页码}{x}");
    free(t);
    /* A value is never expanded again. */
    v.district = "{统计期}区";
    t = sr_layout_expand(l.text.title, &v, 0);
    assert_string_equal(t, "{统计期}区2026年第三季度报告");
    free(t);
    /* Columns still load beside the words. */
    assert_int_equal(l.sheets[SR_SHEET_SCHOOLS].n, 1);
    sr_layout_release(&l);

    assert_int_equal(parse(bad, &l, &d), SR_ERR_INPUT);
    assert_diags(&d, want);
    assert_null(l.text.title);
    sr_diags_release(&d);
}

static void
test_header_and_encoding(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *const want_hdr[] = {
        "t.csv:1: the first row must be the header "
        "'sheet,field,heading,width,format'",
        NULL};
    const char *const want_utf8[] = {
        "t.csv:2: invalid UTF-8 at byte 51; layout files must be UTF-8",
        NULL};
    const char *const want_empty[] = {"t.csv: empty layout: no header row",
                                      NULL};

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(parse("sheet,field,heading,width\n", &l, &d),
                     SR_ERR_INPUT);
    assert_diags(&d, want_hdr);
    sr_diags_release(&d);

    sr_diags_init(&d);
    assert_int_equal(parse(HDR "学校评估,code,\xff,12,\n", &l, &d),
                     SR_ERR_INPUT);
    assert_diags(&d, want_utf8);
    sr_diags_release(&d);

    sr_diags_init(&d);
    assert_int_equal(parse("# only a comment\n", &l, &d), SR_ERR_INPUT);
    assert_diags(&d, want_empty);
    sr_diags_release(&d);
}

static void
test_good_and_quoted(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *in = "\xEF\xBB\xBF" HDR
                     "隐患台账,description,\"隐患描述, 含部位\",36.5,@\n"
                     "隐患台账,days_overdue,逾期天数,9,\"#,##0\"\n";

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(parse(in, &l, &d), SR_OK);
    assert_int_equal(d.n, 0);
    assert_string_equal(l.file, "t.csv");
    assert_int_equal(l.sheets[SR_SHEET_HAZARDS].n, 2);
    assert_string_equal(l.sheets[SR_SHEET_HAZARDS].v[0].heading,
                        "隐患描述, 含部位");
    assert_true(l.sheets[SR_SHEET_HAZARDS].v[0].width == 36.5);
    assert_int_equal(l.sheets[SR_SHEET_HAZARDS].v[1].line, 3);
    assert_string_equal(sr_layout_column_format(
                            SR_SHEET_HAZARDS, &l.sheets[SR_SHEET_HAZARDS].v[1]),
                        "#,##0");
    assert_int_equal(l.sheets[SR_SHEET_SCHOOLS].n, 0);
    sr_layout_release(&l);
    sr_layout_release(&l); /* released twice is harmless */
    sr_diags_release(&d);
}

static void
test_missing_file(void **state)
{
    struct sr_layout l;
    struct sr_diags d;
    const char *const want[] = {
        "/nonexistent/layout.csv: cannot read layout: No such file or "
        "directory",
        NULL};

    (void)state;
    sr_diags_init(&d);
    assert_int_equal(sr_layout_load("/nonexistent/layout.csv", &l, &d),
                     SR_ERR_IO);
    assert_diags(&d, want);
    sr_diags_release(&d);
}

/* Lines of wrapped text in a column: Chinese counts two units, a cell
 * keeps one unit of padding, words break whole, newlines count. */
static void
test_text_lines(void **state)
{
    (void)state;
    assert_int_equal(sr_layout_text_lines(NULL, 10), 1);
    assert_int_equal(sr_layout_text_lines("", 10), 1);
    /* 8 units of text in 8 (the padding is outside the width). */
    assert_int_equal(sr_layout_text_lines("一般隐患", 8), 1);
    assert_int_equal(sr_layout_text_lines("一般隐患", 7.9), 2);
    assert_int_equal(sr_layout_text_lines("abcdefgh", 8), 1);
    assert_int_equal(sr_layout_text_lines("abcdefgh", 7), 2);
    /* 20 characters, 40 units, in 9 units: 4 a line. */
    assert_int_equal(sr_layout_text_lines("一二三四五六七八九十"
                                          "一二三四五六七八九十", 9), 5);
    /* Full-width punctuation and quotes are two units too. */
    assert_int_equal(sr_layout_text_lines("“甲”，乙", 10), 1);
    assert_int_equal(sr_layout_text_lines("“甲”，乙", 9), 2);
    /* Newlines, also at the start and the end. */
    assert_int_equal(sr_layout_text_lines("甲\n乙\n丙", 40), 3);
    assert_int_equal(sr_layout_text_lines("\n甲\n", 40), 3);
    /* A word that does not fit moves to the next line whole; the space
     * at the break takes no room. */
    assert_int_equal(sr_layout_text_lines("junior 2026.1 sha256 "
                                          "0123456789abcdef", 21), 2);
    assert_int_equal(sr_layout_text_lines("aaaaaaaaa bbbbbbbbb", 9), 2);
    assert_int_equal(sr_layout_text_lines("aaaa bbbb cccc", 9), 2);
    /* A word longer than a line is broken inside. */
    assert_int_equal(sr_layout_text_lines("0123456789012345678901234", 9),
                     3);
    /* Latin runs between Chinese. */
    assert_int_equal(sr_layout_text_lines("D01安全管理", 11), 1);
    assert_int_equal(sr_layout_text_lines("D01安全管理", 10), 2);
    /* A school name that just fits its column stays on one line. */
    assert_int_equal(sr_layout_text_lines("济南市历下区趵突泉中心幼儿园", 28),
                     1);
    /* Narrow columns still take every character. */
    assert_int_equal(sr_layout_text_lines("甲乙", 1), 2);
    assert_int_equal(sr_layout_text_lines("ab", 1), 2);
    /* A stray byte counts one, and never runs past the end. */
    assert_int_equal(sr_layout_text_lines("ab\xE4", 2), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_district),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_text_rows),
        cmocka_unit_test(test_header_and_encoding),
        cmocka_unit_test(test_good_and_quoted),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_text_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
