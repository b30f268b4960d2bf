/*
 * test_registry.c - the school registry: reading and checking the CSV
 * (src/registry.c) and storing it (src/store/schools.c).
 *
 * Every test gets a fresh database in a mkdtemp directory (removed by
 * the teardown), created with sr_store_open(), with the actor "tester"
 * and the clock pinned to 2026-09-01T00:00:00Z; files are imported
 * under the name "r.csv".  What is in the database is checked with SQL
 * on a second, plain sqlite3 connection, so that the counts do not
 * depend on the code under test.
 *
 * CSV text is written inline so that the bytes under test (BOM, CRLF,
 * quotes, GB18030) are visible.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/audit.h"
#include "schoolrisk/error.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/school.h"
#include "schoolrisk/store.h"
#include "testdb.h"

/* 2026-09-01T00:00:00Z and a day later. */
#define T0 ((time_t)1788220800)
#define T1 (T0 + 86400)

/* The header in Chinese, and a good school for it (line 2 when it
 * follows the header). */
#define HDR                                                                 \
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"   \
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
#define ROW1                                                                \
    "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否," \
    "1860,0,6,王建国,0531-86010001\n"
#define ROW2                                                                \
    "2137010002,济南市历城区港沟中学,历城区,初中,公办,镇区,是,是,是,是,否," \
    "900,300,2,李红梅,0531-88010002\n"
#define ROW3                                                                \
    "2137010003,济南市章丘区明水幼儿园,章丘区,幼儿园,民办,城区,否,是,是,否,"\
    "否,240,0,0,,\n"
/* A second school of 历下区, ROW1's district. */
#define ROW4                                                                \
    "2137010004,济南市历下区甸柳小学,历下区,小学,公办,城区,否,否,是,是,否," \
    "1200,0,2,,\n"

/* ------------------------------------------------------------------ */
/* Fixture                                                              */
/* ------------------------------------------------------------------ */

struct fx {
    char dir[64];
    char db[128];
    struct sr_store *st;
    struct sr_store *raw;        /* a second connection, for checks */
    struct sr_districts dist;
    struct sr_registry reg;
    struct sr_diags d;
    struct sr_import_report rep;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    *state = f;
    sr_diags_init(&f->d);
    sr_registry_init(&f->reg);
    sr_districts_init(&f->dist);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-registry.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    if (sr_store_open(f->db, SR_STORE_CREATE, &f->st) != SR_OK ||
        sr_store_set_actor(f->st, "tester") != SR_OK)
        return -1;
    sr_store_set_clock(f->st, T0);
    if (sr_registry_districts(f->st, &f->dist) != SR_OK)
        return -1;
    f->raw = test_raw_open(f->db);
    return 0;
}


static int
teardown(void **state)
{
    struct fx *f = *state;

    if (!f)
        return 0;
    sr_store_close(f->raw);
    sr_store_close(f->st);
    test_db_drop(f->db);
    sr_registry_release(&f->reg);
    sr_districts_release(&f->dist);
    sr_diags_release(&f->d);
    if (f->dir[0] == '/')
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
    return sr_registry_parse(&f->reg, "r.csv", csv, strlen(csv), &f->dist,
                             &f->d);
}

static sr_error
import(struct fx *f, const char *csv, int flags)
{
    sr_diags_release(&f->d);
    return sr_registry_import_memory(f->st, "r.csv", csv, strlen(csv), flags,
                                     &f->rep, &f->d);
}

/* An import that must succeed with these counts. */
static void
import_ok(struct fx *f, const char *csv, int flags, size_t added,
          size_t updated, size_t unchanged, size_t closed)
{
    sr_error rc = import(f, csv, flags);

    if (rc != SR_OK) {
        show_diags(&f->d);
        print_error("  store: %s\n", sr_store_errmsg(f->st));
    }
    assert_int_equal(rc, SR_OK);
    assert_int_equal(f->rep.added, added);
    assert_int_equal(f->rep.updated, updated);
    assert_int_equal(f->rep.unchanged, unchanged);
    assert_int_equal(f->rep.closed, closed);
    assert_int_equal(f->rep.rows, added + updated + unchanged);
}

/* The first column of the first row of sql, as an integer. */
static long long
q(struct fx *f, const char *sql)
{
    return test_raw_int(f->raw, sql);
}

/* The first column of the first row of sql, as text (caller frees). */
static char *
qs(struct fx *f, const char *sql)
{
    char *v = test_raw_text(f->raw, sql);

    if (!v) {
        v = strdup("(null)");
        assert_non_null(v);
    }
    return v;
}

static void
assert_q_text(struct fx *f, const char *sql, const char *want)
{
    char *got = qs(f, sql);

    assert_string_equal(got, want);
    free(got);
}

static void
exec_raw(struct fx *f, const char *sql)
{
    test_raw_exec(f->raw, sql);
}

/* A trigger disk_full that refuses the event on schools WHEN cond, as
 * a full disk would; DROP TRIGGER disk_full removes it.  PostgreSQL's
 * twin of SQLite's RAISE(ABORT) is a PL/pgSQL function with the same
 * message. */
static void
disk_full(struct fx *f, const char *event, const char *cond)
{
    char sql[512];

    if (f->raw->pg)
        snprintf(sql, sizeof(sql),
                 "CREATE OR REPLACE FUNCTION disk_full() RETURNS trigger "
                 "LANGUAGE plpgsql AS $f$BEGIN RAISE EXCEPTION "
                 "'database or disk is full'; END$f$;"
                 "CREATE TRIGGER disk_full BEFORE %s ON schools FOR EACH "
                 "ROW WHEN (%s) EXECUTE FUNCTION disk_full()",
                 event, cond);
    else
        snprintf(sql, sizeof(sql),
                 "CREATE TRIGGER disk_full BEFORE %s ON schools WHEN %s "
                 "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); "
                 "END",
                 event, cond);
    exec_raw(f, sql);
}

/* Everything stored about every school, as one text: equal before and
 * after means nothing changed. */
static char *
snapshot(struct fx *f)
{
    return test_raw_rows(f->raw,
                         "SELECT code, name, district, stage, ownership, "
                         "locale, boarding, school_bus, canteen, laboratory, "
                         "swimming_pool, enrollment, boarders, special_needs, "
                         "contact, phone, closed, updated_at, updated_by "
                         "FROM schools ORDER BY code");
}

/* ------------------------------------------------------------------ */
/* Reading good files                                                   */
/* ------------------------------------------------------------------ */

static void
test_parse_chinese_header(void **state)
{
    struct fx *f = *state;
    const struct sr_school_record *r;

    assert_int_equal(parse(f, HDR ROW1 ROW2 ROW3), SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->reg.n, 3);
    assert_int_equal(f->reg.encoding, SR_ENC_UTF8);

    r = &f->reg.v[0];
    assert_string_equal(r->code, "2137010001");
    assert_string_equal(r->name, "济南市历下区燕翔小学");
    assert_string_equal(r->district, "370102");
    assert_string_equal(r->district_name, "历下区");
    assert_int_equal(r->line, 2);
    assert_int_equal(r->school.set, (1u << SR_ATTR_COUNT) - 1);
    assert_int_equal(r->school.attr[SR_ATTR_STAGE], SR_STAGE_PRIMARY);
    assert_int_equal(r->school.attr[SR_ATTR_OWNERSHIP], 0);
    assert_int_equal(r->school.attr[SR_ATTR_LOCALE], 0);
    assert_int_equal(r->school.attr[SR_ATTR_BOARDING], 0);
    assert_int_equal(r->school.attr[SR_ATTR_SCHOOL_BUS], 0);
    assert_int_equal(r->school.attr[SR_ATTR_CANTEEN], 1);
    assert_int_equal(r->school.attr[SR_ATTR_LABORATORY], 1);
    assert_int_equal(r->school.attr[SR_ATTR_SWIMMING_POOL], 0);
    assert_int_equal(r->school.attr[SR_ATTR_ENROLLMENT], 1860);
    assert_int_equal(r->school.attr[SR_ATTR_BOARDERS], 0);
    assert_int_equal(r->school.attr[SR_ATTR_SPECIAL_NEEDS], 6);
    assert_string_equal(r->contact, "王建国");
    assert_string_equal(r->phone, "0531-86010001");
    assert_false(r->closed);

    r = &f->reg.v[1];
    assert_string_equal(r->district, "370112");
    assert_int_equal(r->school.attr[SR_ATTR_STAGE], SR_STAGE_JUNIOR);
    assert_int_equal(r->school.attr[SR_ATTR_LOCALE], 1);
    assert_int_equal(r->school.attr[SR_ATTR_BOARDING], 1);
    assert_int_equal(r->school.attr[SR_ATTR_BOARDERS], 300);

    r = &f->reg.v[2];
    assert_int_equal(r->school.attr[SR_ATTR_STAGE], SR_STAGE_KINDERGARTEN);
    assert_int_equal(r->school.attr[SR_ATTR_OWNERSHIP], 1);
    assert_null(r->contact);
    assert_null(r->phone);
    assert_int_equal(r->line, 4);
}

/* English names, any order, optional columns left out, district by
 * code, canonical stage names, Excel's TRUE/FALSE, 有/无, blanks
 * around values. */
static void
test_parse_english_any_order(void **state)
{
    struct fx *f = *state;
    const struct sr_school_record *r;

    assert_int_equal(
        parse(f, "Special_Needs,enrollment,boarders,swimming_pool,"
                 "laboratory,canteen,school_bus,boarding,locale,ownership,"
                 "stage,district,name,code\n"
                 "3, 1200 ,40,FALSE,无,有,True,TRUE,rural,private,"
                 "nine-year,370124,平阴县实验学校,2137240001\n"
                 "0,10000000,0,是,0,1,no,yes,town,public,twelve-year,"
                 "JN-SS,　济南市市属学校　,2137990001\n"),
        SR_OK);
    assert_int_equal(f->reg.n, 2);
    r = &f->reg.v[0];
    assert_string_equal(r->code, "2137240001");
    assert_string_equal(r->district_name, "平阴县");
    assert_int_equal(r->school.attr[SR_ATTR_STAGE], SR_STAGE_NINE_YEAR);
    assert_int_equal(r->school.attr[SR_ATTR_OWNERSHIP], 1);
    assert_int_equal(r->school.attr[SR_ATTR_LOCALE], 2);
    assert_int_equal(r->school.attr[SR_ATTR_BOARDING], 1);
    assert_int_equal(r->school.attr[SR_ATTR_SCHOOL_BUS], 1);
    assert_int_equal(r->school.attr[SR_ATTR_CANTEEN], 1);
    assert_int_equal(r->school.attr[SR_ATTR_LABORATORY], 0);
    assert_int_equal(r->school.attr[SR_ATTR_SWIMMING_POOL], 0);
    assert_int_equal(r->school.attr[SR_ATTR_ENROLLMENT], 1200);
    assert_int_equal(r->school.attr[SR_ATTR_BOARDERS], 40);
    assert_int_equal(r->school.attr[SR_ATTR_SPECIAL_NEEDS], 3);
    r = &f->reg.v[1];
    /* The ideographic spaces around the name are trimmed. */
    assert_string_equal(r->name, "济南市市属学校");
    assert_string_equal(r->district, "JN-SS");
    assert_int_equal(r->school.attr[SR_ATTR_STAGE], SR_STAGE_TWELVE_YEAR);
    assert_int_equal(r->school.attr[SR_ATTR_ENROLLMENT], 10000000);
    assert_int_equal(r->school.attr[SR_ATTR_SWIMMING_POOL], 1);
}

/* CRLF line ends, a BOM, quoted fields with commas, quotes and a line
 * break; rows of empty fields (Excel) and blank lines are skipped, and
 * line numbers still count them. */
static void
test_parse_bom_crlf_quotes(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:7: column '学段': unknown stage '大学' (expected 幼儿园, 小学, "
        "初中, 普通高中, 九年一贯制, 完全中学, 十二年一贯制, 中等职业学校 or "
        "特殊教育学校)",
        NULL};

    assert_int_equal(
        parse(f, "\xEF\xBB\xBF"
                 "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,"
                 "实验室,游泳池,在校生数,住宿生数,特殊需要学生数\r\n"
                 "2137010001,\"济南市\"\"燕翔\"\"小学, 东校区\",历下区,小学,"
                 "公办,城区,否,否,是,是,否,1860,0,6\r\n"
                 ",,,,,,,,,,,,,\r\n"
                 "\r\n"
                 "2137010002,\"两行\r\n名称\",历下区,小学,公办,城区,否,否,是,"
                 "是,否,100,0,0\r\n"
                 "2137010003,甲,历下区,大学,公办,城区,否,否,是,是,否,1,0,"
                 "0\r\n"),
        SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->reg.encoding, SR_ENC_UTF8_BOM);
    assert_int_equal(f->reg.n, 2);
    assert_int_equal(f->reg.bad_rows, 1);
    assert_string_equal(f->reg.v[0].name, "济南市\"燕翔\"小学, 东校区");
    assert_string_equal(f->reg.v[1].name, "两行\r\n名称");
    assert_int_equal(f->reg.v[1].line, 5);
}

/* The same file as Excel on a Chinese Windows saves it: GB18030 (the
 * bytes of each Chinese text are given, with the text in a comment),
 * CRLF. */
static const char gb_file[] =
    "\xD1\xA7\xD0\xA3\xB1\xEA\xCA\xB6\xC2\xEB" /* 学校标识码 */
    ","
    "\xD1\xA7\xD0\xA3\xC3\xFB\xB3\xC6" /* 学校名称 */
    ","
    "\xC7\xF8\xCF\xD8" /* 区县 */
    ","
    "\xD1\xA7\xB6\xCE" /* 学段 */
    ","
    "\xB0\xEC\xD1\xA7\xD0\xD4\xD6\xCA" /* 办学性质 */
    ","
    "\xB3\xC7\xCF\xE7" /* 城乡 */
    ","
    "\xBC\xC4\xCB\xDE" /* 寄宿 */
    ","
    "\xD0\xA3\xB3\xB5" /* 校车 */
    ","
    "\xCA\xB3\xCC\xC3" /* 食堂 */
    ","
    "\xCA\xB5\xD1\xE9\xCA\xD2" /* 实验室 */
    ","
    "\xD3\xCE\xD3\xBE\xB3\xD8" /* 游泳池 */
    ","
    "\xD4\xDA\xD0\xA3\xC9\xFA\xCA\xFD" /* 在校生数 */
    ","
    "\xD7\xA1\xCB\xDE\xC9\xFA\xCA\xFD" /* 住宿生数 */
    ","
    /* 特殊需要学生数 */
    "\xCC\xD8\xCA\xE2\xD0\xE8\xD2\xAA\xD1\xA7\xC9\xFA\xCA\xFD"
    "\r\n"
    "2137010001,"
    "\xBC\xC3\xC4\xCF\xCA\xD0\xC0\xFA\xCF\xC2\xC7\xF8\xD1\xE0\xCF\xE8\xD0\xA1"
    "\xD1\xA7" /* 济南市历下区燕翔小学 */
    ","
    "\xC0\xFA\xCF\xC2\xC7\xF8" /* 历下区 */
    ","
    "\xD0\xA1\xD1\xA7" /* 小学 */
    ","
    "\xB9\xAB\xB0\xEC" /* 公办 */
    ","
    "\xB3\xC7\xC7\xF8" /* 城区 */
    ","
    "\xB7\xF1" /* 否 */
    ","
    "\xB7\xF1" /* 否 */
    ","
    "\xCA\xC7" /* 是 */
    ","
    "\xCA\xC7" /* 是 */
    ","
    "\xB7\xF1" /* 否 */
    ",1860,0,6\r\n";

static void
test_parse_gb18030(void **state)
{
    struct fx *f = *state;
    const struct sr_school_record *r;

    assert_int_equal(parse(f, gb_file), SR_OK);
    assert_int_equal(f->reg.encoding, SR_ENC_GB18030);
    assert_int_equal(f->reg.n, 1);
    r = &f->reg.v[0];
    assert_string_equal(r->name, "济南市历下区燕翔小学");
    assert_string_equal(r->district, "370102");
    assert_int_equal(r->school.attr[SR_ATTR_STAGE], SR_STAGE_PRIMARY);
    assert_int_equal(r->school.attr[SR_ATTR_CANTEEN], 1);
    assert_int_equal(r->school.attr[SR_ATTR_ENROLLMENT], 1860);
    assert_int_equal(r->line, 2);
}

/* A bad row of a GB18030 file is reported on its line, with the header
 * text converted to UTF-8. */
static void
test_parse_gb18030_bad_row(void **state)
{
    struct fx *f = *state;
    char text[sizeof(gb_file) + 64];
    const char *const w[] = {
        "r.csv:3: column '学校标识码': '123' is not a school code (10 digits)",
        NULL};

    snprintf(text, sizeof(text), "%s%s", gb_file,
             "123,x,370102,primary,public,urban,0,0,0,0,0,1,0,0\r\n");
    assert_int_equal(parse(f, text), SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->reg.encoding, SR_ENC_GB18030);
}

/* Neither UTF-8 nor GB18030: the line of the first byte that cannot be
 * read.  0x81 0x30 starts a four-byte GB18030 character that the file
 * cuts short; 0x80 is not a GB18030 lead byte. */
static void
test_parse_bad_encoding(void **state)
{
    struct fx *f = *state;
    const char *const w1[] = {
        "r.csv:3: the file is neither UTF-8 nor GB18030 (byte 32, 0x81, "
        "cannot be read); save it as \"CSV UTF-8\"",
        NULL};
    const char *const w2[] = {
        "r.csv:2: the file is neither UTF-8 nor GB18030 (byte 6, 0x80, "
        "cannot be read); save it as \"CSV UTF-8\"",
        NULL};

    assert_int_equal(parse(f, "code,name\r\n"
                              "\xD0\xA1\xD1\xA7,\xB7\xF1,\xCA\xC7,x,y,z\r\n"
                              "12\x81\x30"),
                     SR_ERR_INPUT);
    assert_diags(&f->d, w1);
    sr_diags_release(&f->d);
    assert_int_equal(parse(f, "code\n\x80\n"), SR_ERR_INPUT);
    assert_diags(&f->d, w2);
}

/* A UTF-8 file with one stray byte is reported as broken UTF-8, not
 * converted from GB18030 (which would garble all of it). */
static void
test_parse_broken_utf8(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:3: invalid UTF-8 (byte 328, 0xFF) in a file that is otherwise "
        "UTF-8; correct that character or save the file again as \"CSV "
        "UTF-8\"",
        NULL};

    assert_int_equal(
        parse(f, HDR ROW1
              "2137010002,济南市\xFF燕翔小学,历下区,小学,公办,城区,否,否,是,"
              "是,否,1,0,0,,\n"),
        SR_ERR_INPUT);
    assert_diags(&f->d, w);
}

static void
test_parse_not_csv(void **state)
{
    struct fx *f = *state;
    const char *const w1[] = {
        "r.csv: the file is UTF-16 (Excel's \"Unicode text\"); save it as "
        "\"CSV UTF-8\" or \"CSV\"",
        NULL};
    const char *const w2[] = {
        "r.csv: the file is an Excel workbook, not CSV; save it as \"CSV "
        "UTF-8\" or \"CSV\"",
        NULL};
    const char *const w3[] = {
        "r.csv: the file is empty: the first row must name the columns "
        "(学校标识码,学校名称,区县,...)",
        NULL};

    assert_int_equal(sr_registry_parse(&f->reg, "r.csv", "\xFF\xFE" "c\0o\0",
                                       6, &f->dist, &f->d),
                     SR_ERR_INPUT);
    assert_diags(&f->d, w1);
    sr_diags_release(&f->d);
    assert_int_equal(parse(f, "PK\x03\x04\x14"), SR_ERR_INPUT);
    assert_diags(&f->d, w2);
    sr_diags_release(&f->d);
    assert_int_equal(parse(f, "\r\n\r\n"), SR_ERR_INPUT);
    assert_diags(&f->d, w3);
}

/* ------------------------------------------------------------------ */
/* The header                                                           */
/* ------------------------------------------------------------------ */

static void
test_header_errors(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:1: column '学校编号': unknown column (known: 学校标识码, "
        "学校名称, 区县, 学段, 办学性质, 城乡, 寄宿, 校车, 食堂, 实验室, "
        "游泳池, 在校生数, 住宿生数, 特殊需要学生数, 教职工数, 校外供餐, "
        "村小教学点, 安全负责人, 联系电话, or their English names)",
        "r.csv:1: column 'Name': repeats column '学校名称'",
        "r.csv:1: column '联系电话': repeats column 'phone'",
        "r.csv:1: required column '学校标识码' (code) is missing",
        "r.csv:1: required column '住宿生数' (boarders) is missing",
        NULL};

    /* Rows are not checked when the header is wrong. */
    assert_int_equal(
        parse(f, "学校编号,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,"
                 "实验室,游泳池,在校生数,Name,特殊需要学生数,phone,联系电话\n"
                 "x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x\n"),
        SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->reg.n, 0);
}

/* A GB18030-read file whose header matches nothing gets a hint about
 * the encoding. */
static void
test_header_encoding_hint(void **state)
{
    struct fx *f = *state;

    assert_int_equal(parse(f, "\xB1\xE0\xBA\xC5\n1\n"), SR_ERR_INPUT);
    assert_true(f->d.n > 2);
    assert_string_equal(f->d.v[0].message,
                        "column '编号': unknown column (known: 学校标识码, "
                        "学校名称, 区县, 学段, 办学性质, 城乡, 寄宿, 校车, "
                        "食堂, 实验室, 游泳池, 在校生数, 住宿生数, "
                        "特殊需要学生数, 教职工数, 校外供餐, 村小教学点, "
                        "安全负责人, 联系电话, or their English names)");
    assert_string_equal(f->d.v[f->d.n - 1].message,
                        "the file was read as GB18030 because it is not "
                        "UTF-8; if it is in another encoding, save it again "
                        "as \"CSV UTF-8\"");
}

/* Columns with an empty header (Excel keeps a column whose cells were
 * once touched) are ignored while their cells are empty. */
static void
test_header_empty_column(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:3: column 17: a value ('备注') under an empty header", NULL};

    assert_int_equal(parse(f, "学校标识码,学校名称,区县,学段,办学性质,城乡,"
                              "寄宿,校车,食堂,实验室,游泳池,在校生数,住宿生数,"
                              "特殊需要学生数,安全负责人,联系电话,,\n"
                              "2137010001,甲,历下区,小学,公办,城区,否,否,是,是,"
                              "否,1,0,0,,,,\n"
                              "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,"
                              "否,1,0,0,,,备注,\n"),
                     SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->reg.n, 1);
}

/* ------------------------------------------------------------------ */
/* Each rejection reason, with its exact message and line               */
/* ------------------------------------------------------------------ */

/* Import HDR ROW1 + row (line 3): it must be refused with exactly the
 * diagnostic want, and nothing written. */
static void
refused(struct fx *f, const char *row, const char *want)
{
    char text[2048];
    const char *const w[] = {want, NULL};

    snprintf(text, sizeof(text), "%s%s%s", HDR, ROW1, row);
    assert_int_equal(import(f, text, 0), SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->rep.bad_rows, 1);
    assert_int_equal(q(f, "SELECT count(*) FROM schools"), 0);
}

static void
test_reject_code(void **state)
{
    struct fx *f = *state;

    refused(f,
            "213701000,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校标识码': '213701000' is not a school code "
            "(10 digits)");
    refused(f,
            "213701000X,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校标识码': '213701000X' is not a school code "
            "(10 digits)");
    refused(f,
            "21370100011,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校标识码': '21370100011' is not a school code "
            "(10 digits)");
    refused(f,
            "2.13701E+09,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校标识码': '2.13701E+09' is not a school code "
            "(10 digits): Excel turned it into a number; format the column "
            "as text and save again");
}

static void
test_reject_duplicate_code(void **state)
{
    struct fx *f = *state;

    refused(f,
            " 2137010001 ,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校标识码': school code '2137010001' is "
            "already on line 2");
}

static void
test_reject_empty(void **state)
{
    struct fx *f = *state;

    refused(f, "2137010002,,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校名称': the value is empty");
    refused(f, "2137010002,乙,历下区,小学,公办,城区,否, ,是,是,否,1,0,0,,\n",
            "r.csv:3: column '校车': the value is empty");
    refused(f, ",乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学校标识码': the value is empty");
}

static void
test_reject_district(void **state)
{
    struct fx *f = *state;

    refused(f,
            "2137010002,乙,历山区,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '区县': unknown district '历山区'");
    refused(f,
            "2137010002,乙,370199,小学,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '区县': unknown district '370199'");
}

static void
test_reject_stage(void **state)
{
    struct fx *f = *state;

    refused(f,
            "2137010002,乙,历下区,高中,公办,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '学段': unknown stage '高中' (expected 幼儿园, "
            "小学, 初中, 普通高中, 九年一贯制, 完全中学, 十二年一贯制, "
            "中等职业学校 or 特殊教育学校)");
}

static void
test_reject_ownership_locale(void **state)
{
    struct fx *f = *state;

    refused(f,
            "2137010002,乙,历下区,小学,公立,城区,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '办学性质': '公立' is not 公办 or 民办 (public or "
            "private)");
    refused(f,
            "2137010002,乙,历下区,小学,公办,城市,否,否,是,是,否,1,0,0,,\n",
            "r.csv:3: column '城乡': '城市' is not 城区, 镇区 or 乡村 (urban, "
            "town or rural)");
}

static void
test_reject_flag(void **state)
{
    struct fx *f = *state;

    refused(f, "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,不,1,0,0,,\n",
            "r.csv:3: column '游泳池': '不' is not 是 or 否 (true or false)");
    refused(f, "2137010002,乙,历下区,小学,公办,城区,否,否,Y,是,否,1,0,0,,\n",
            "r.csv:3: column '食堂': 'Y' is not 是 or 否 (true or false)");
}

static void
test_reject_count(void **state)
{
    struct fx *f = *state;

    refused(f,
            "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,否,\"1,200\",0,"
            "0,,\n",
            "r.csv:3: column '在校生数': '1,200' is not a whole number from 0 "
            "to 10000000");
    refused(f, "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,-1,,\n",
            "r.csv:3: column '特殊需要学生数': '-1' is not a whole number "
            "from 0 to 10000000");
    refused(f,
            "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,否,10000001,0,"
            "0,,\n",
            "r.csv:3: column '在校生数': '10000001' is not a whole number "
            "from 0 to 10000000");
    refused(f,
            "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,否,12.0,0,0,,\n",
            "r.csv:3: column '在校生数': '12.0' is not a whole number from 0 "
            "to 10000000");
}

static void
test_reject_boarders(void **state)
{
    struct fx *f = *state;

    refused(f,
            "2137010002,乙,历下区,初中,公办,乡村,是,否,是,是,否,100,101,0,,\n",
            "r.csv:3: column '住宿生数': 101 boarders is more than the 100 "
            "students enrolled (column '在校生数')");
    refused(f, "2137010002,乙,历下区,初中,公办,乡村,否,否,是,是,否,100,5,0,,\n",
            "r.csv:3: column '住宿生数': 5 boarders, but column '寄宿' says "
            "the school does not board");
}

static void
test_reject_field_count(void **state)
{
    struct fx *f = *state;

    refused(f, "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,\n",
            "r.csv:3: the row has 15 fields, the header has 16");
    refused(f,
            "2137010002,乙,历下区,小学,公办,城区,否,否,是,是,否,1,0,0,,,x\n",
            "r.csv:3: the row has 17 fields, the header has 16");
}

static void
test_reject_csv_syntax(void **state)
{
    struct fx *f = *state;

    refused(f, "2137010002,\"乙,历下区\n",
            "r.csv:3: quoted field starting on line 3 is not closed");
}

/* Every bad row is reported, every bad cell of it, in file order, with
 * the header text as written (here English). */
static void
test_reject_every_row(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:3: column 'CODE': '1' is not a school code (10 digits)",
        "r.csv:3: column 'stage': unknown stage 'x' (expected 幼儿园, 小学, "
        "初中, 普通高中, 九年一贯制, 完全中学, 十二年一贯制, 中等职业学校 or "
        "特殊教育学校)",
        "r.csv:3: column 'boarders': 'many' is not a whole number from 0 to "
        "10000000",
        "r.csv:5: column 'district': unknown district 'x'",
        "r.csv:6: column 'CODE': school code '2137010001' is already on "
        "line 2",
        "r.csv:6: column 'boarders': 9 boarders is more than the 8 students "
        "enrolled (column 'enrollment')",
        "r.csv:6: column 'boarders': 9 boarders, but column 'boarding' says "
        "the school does not board",
        NULL};
    const char *hdr = "CODE,name,district,stage,ownership,locale,boarding,"
                      "school_bus,canteen,laboratory,swimming_pool,"
                      "enrollment,boarders,special_needs\n";
    char text[2048];

    snprintf(text, sizeof(text), "%s%s", hdr,
             "2137010001,a,历下区,小学,公办,城区,否,否,是,是,否,1,0,0\n"
             "1,b,历下区,x,公办,城区,否,否,是,是,否,1,many,0\n"
             "2137010003,c,历下区,小学,公办,城区,否,否,是,是,否,1,0,0\n"
             "2137010004,d,x,小学,公办,城区,否,否,是,是,否,1,0,0\n"
             "2137010001,e,历下区,小学,公办,城区,否,否,是,是,否,8,9,0\n");
    assert_int_equal(import(f, text, 0), SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->rep.bad_rows, 3);
    assert_int_equal(q(f, "SELECT count(*) FROM schools"), 0);
}

/* ------------------------------------------------------------------ */
/* Import: counts, re-import, full import, all or nothing               */
/* ------------------------------------------------------------------ */

static void
test_import_counts(void **state)
{
    struct fx *f = *state;

    import_ok(f, HDR ROW1 ROW2, 0, 2, 0, 0, 0);
    assert_int_equal(f->rep.encoding, SR_ENC_UTF8);
    assert_int_equal(q(f, "SELECT count(*) FROM schools"), 2);
    assert_q_text(f,
                  "SELECT name || '|' || district || '|' || stage || '|' || "
                  "ownership || '|' || locale || '|' || boarding || "
                  "school_bus || canteen || laboratory || swimming_pool || "
                  "'|' || enrollment || '|' || boarders || '|' || "
                  "special_needs || '|' || contact || '|' || phone || '|' || "
                  "closed || '|' || updated_at || '|' || updated_by "
                  "FROM schools WHERE code = '2137010002'",
                  "济南市历城区港沟中学|370112|junior|public|town|11110|900|"
                  "300|2|李红梅|0531-88010002|0|2026-09-01T00:00:00Z|tester");

    /* The same file again: nothing changes, not even updated_at. */
    sr_store_set_clock(f->st, T1);
    sr_store_set_actor(f->st, "other");
    import_ok(f, HDR ROW1 ROW2, 0, 0, 0, 2, 0);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE updated_at = "
                          "'2026-09-01T00:00:00Z' AND updated_by = 'tester'"),
                     2);

    /* One changed (enrollment), one new, one left out (not full). */
    import_ok(f,
              HDR
              "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,"
              "是,否,1870,0,6,王建国,0531-86010001\n" ROW3,
              0, 1, 1, 0, 0);
    assert_int_equal(q(f, "SELECT enrollment FROM schools WHERE code = "
                          "'2137010001'"),
                     1870);
    assert_q_text(f,
                  "SELECT updated_at || ' ' || updated_by FROM schools "
                  "WHERE code = '2137010001'",
                  "2026-09-02T00:00:00Z other");
    assert_q_text(f,
                  "SELECT updated_at || ' ' || updated_by FROM schools "
                  "WHERE code = '2137010002'",
                  "2026-09-01T00:00:00Z tester");
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 0"), 3);
}

/* Every field counts as a change, including clearing the contact. */
static void
test_import_each_field_is_a_change(void **state)
{
    struct fx *f = *state;
    static const char *const variants[] = {
        "2137010001,改名小学,历下区,小学,公办,城区,否,否,是,是,否,1860,0,6,"
        "王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,市中区,小学,公办,城区,否,否,是,是,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,九年一贯制,公办,城区,否,否,"
        "是,是,否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,民办,城区,否,否,是,是,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,乡村,否,否,是,是,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,是,否,是,是,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,是,是,是,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,否,是,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,否,"
        "否,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
        "是,1860,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
        "否,1861,0,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,是,否,是,是,"
        "否,1860,1,6,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
        "否,1860,0,7,王建国,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
        "否,1860,0,6,,0531-86010001\n",
        "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
        "否,1860,0,6,王建国,0531-86010002\n",
    };
    char text[1024];
    size_t i;

    for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        import_ok(f, HDR ROW1, 0, i == 0, i > 0, 0, 0);
        snprintf(text, sizeof(text), "%s%s", HDR, variants[i]);
        import_ok(f, text, 0, 0, 1, 0, 0);
    }
    import_ok(f, HDR ROW1, 0, 0, 1, 0, 0);
    import_ok(f, HDR ROW1, 0, 0, 0, 1, 0);
}

static void
test_import_full_closes_and_reopens(void **state)
{
    struct fx *f = *state;
    struct sr_school_record r;

    import_ok(f, HDR ROW1 ROW2 ROW3 ROW4, 0, 4, 0, 0, 0);
    sr_store_set_clock(f->st, T1);
    sr_store_set_actor(f->st, "district-office");

    /* A full import covers the districts of its rows (历下区, 章丘区):
     * ROW4 (历下区) is missing, so it is closed, never deleted; ROW2
     * (历城区, not in the file) is left alone. */
    import_ok(f, HDR ROW1 ROW3, SR_IMPORT_FULL, 0, 0, 2, 1);
    assert_int_equal(q(f, "SELECT count(*) FROM schools"), 4);
    assert_q_text(f,
                  "SELECT closed || ' ' || updated_at || ' ' || updated_by "
                  "FROM schools WHERE code = '2137010004'",
                  "1 2026-09-02T00:00:00Z district-office");
    assert_int_equal(q(f, "SELECT closed FROM schools WHERE code = "
                          "'2137010002'"),
                     0);
    assert_int_equal(sr_registry_get(f->st, "2137010004", &r), SR_OK);
    assert_true(r.closed);
    sr_school_record_release(&r);

    /* Again: it is already closed, so nothing is closed twice. */
    import_ok(f, HDR ROW1 ROW3, SR_IMPORT_FULL, 0, 0, 2, 0);

    /* A partial import that lists it reopens it: updated. */
    import_ok(f, HDR ROW4, 0, 0, 1, 0, 0);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 0"), 4);

    /* A district's own full file closes nothing elsewhere. */
    import_ok(f, HDR ROW3, SR_IMPORT_FULL, 0, 0, 1, 0);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 1"), 0);

    /* 历下区's full file with one school closes its other one. */
    import_ok(f, HDR ROW1, SR_IMPORT_FULL, 0, 0, 1, 1);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 1"), 1);

    /* Reopened by a full import too, which also counts it updated. */
    import_ok(f, HDR ROW1 ROW2 ROW3 ROW4, SR_IMPORT_FULL, 0, 1, 3, 0);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 1"), 0);
}

/* A full import of a file without a school would close every school:
 * refused.  A partial one is harmless. */
static void
test_import_full_empty_refused(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {"r.csv: the file lists no school; a full "
                             "import of it would close every school",
                             NULL};

    import_ok(f, HDR ROW1, 0, 1, 0, 0, 0);
    assert_int_equal(import(f, HDR, SR_IMPORT_FULL), SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 0"), 1);
    import_ok(f, HDR, 0, 0, 0, 0, 0);
}

/* One bad row among good ones: nothing is written, the schools already
 * stored are exactly as they were. */
static void
test_import_all_or_nothing(void **state)
{
    struct fx *f = *state;
    char *before, *after;

    import_ok(f, HDR ROW1 ROW2, 0, 2, 0, 0, 0);
    before = snapshot(f);
    sr_store_set_clock(f->st, T1);
    assert_int_equal(
        import(f,
               HDR
               "2137010001,改名小学,历下区,小学,公办,城区,否,否,是,是,否,1860,"
               "0,6,,\n" ROW3
               "2137010004,丁,历下区,小学,公办,城区,否,否,是,是,否,10,2,0,,\n",
               SR_IMPORT_FULL),
        SR_ERR_INPUT);
    assert_int_equal(f->d.n, 1);
    assert_int_equal(f->d.v[0].line, 4);
    assert_string_equal(f->d.v[0].message,
                        "column '住宿生数': 2 boarders, but column '寄宿' says "
                        "the school does not board");
    after = snapshot(f);
    assert_string_equal(after, before);
    assert_int_equal(q(f, "SELECT count(*) FROM schools"), 2);
    assert_int_equal(f->rep.added + f->rep.updated + f->rep.closed, 0);
    free(before);
    free(after);
}

/* A write that fails half-way (a trigger stands in for a full disk at
 * the third school) rolls back the update and the insert before it. */
static void
test_import_write_failure_rolls_back(void **state)
{
    struct fx *f = *state;
    char *before, *after;

    import_ok(f, HDR ROW1, 0, 1, 0, 0, 0);
    before = snapshot(f);
    disk_full(f, "INSERT", "NEW.code = '2137010003'");
    assert_int_equal(import(f,
                            HDR
                            "2137010001,改名小学,历下区,小学,公办,城区,否,否,"
                            "是,是,否,1860,0,6,,\n" ROW2 ROW3,
                            0),
                     SR_ERR_DB);
    assert_string_equal(sr_store_errmsg(f->st),
                        "cannot add schools '2137010002' to '2137010003' "
                        "(2 of them): database or disk is full");
    assert_int_equal(f->d.n, 0);
    assert_int_equal(f->rep.added + f->rep.updated + f->rep.unchanged, 0);
    after = snapshot(f);
    assert_string_equal(after, before);
    free(after);

    /* Failing while closing schools rolls back the adds before it. */
    exec_raw(f, "DROP TRIGGER disk_full");
    disk_full(f, "UPDATE", "NEW.closed = 1");
    /* ROW4 would be added, then ROW1 (历下区, missing) closed. */
    assert_int_equal(import(f, HDR ROW2 ROW3 ROW4, SR_IMPORT_FULL),
                     SR_ERR_DB);
    assert_string_equal(sr_store_errmsg(f->st),
                        "cannot close school '2137010001': database or disk "
                        "is full");
    after = snapshot(f);
    assert_string_equal(after, before);
    free(after);

    /* The store is still usable afterwards. */
    exec_raw(f, "DROP TRIGGER disk_full");
    import_ok(f, HDR ROW2 ROW3 ROW4, SR_IMPORT_FULL, 3, 0, 0, 1);
    free(before);
}

/* A read-only database (opened through a mode=ro URI, which holds for
 * root too): a clear error, nothing changed. */
static void
test_import_readonly(void **state)
{
    struct fx *f = *state;
    struct sr_store *ro = NULL;
    char uri[256], *before, *after;
    sr_error rc;

    test_sqlite_only("a mode=ro URI of the database file");
    import_ok(f, HDR ROW1, 0, 1, 0, 0, 0);
    before = snapshot(f);
    snprintf(uri, sizeof(uri), "file:%s?mode=ro", f->db);
    assert_int_equal(sr_store_open(uri, 0, &ro), SR_OK);
    rc = sr_registry_import_memory(ro, "r.csv", HDR ROW2,
                                   strlen(HDR ROW2), 0, &f->rep, &f->d);
    assert_int_equal(rc, SR_ERR_DB);
    assert_non_null(strstr(sr_store_errmsg(ro),
                           "attempt to write a readonly database"));
    sr_store_close(ro);
    after = snapshot(f);
    assert_string_equal(after, before);
    free(before);
    free(after);
}

static void
test_import_file(void **state)
{
    struct fx *f = *state;
    char path[256], missing[256];
    FILE *fp;
    const char *const w[] = {NULL, NULL};

    snprintf(path, sizeof(path), "%s/gb.csv", f->dir);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(gb_file, 1, sizeof(gb_file) - 1, fp),
                     sizeof(gb_file) - 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(sr_registry_import_file(f->st, path, 0, &f->rep, &f->d),
                     SR_OK);
    assert_int_equal(f->rep.added, 1);
    assert_int_equal(f->rep.encoding, SR_ENC_GB18030);
    assert_diags(&f->d, w);
    assert_q_text(f, "SELECT name FROM schools", "济南市历下区燕翔小学");

    snprintf(missing, sizeof(missing), "%s/none.csv", f->dir);
    assert_int_equal(
        sr_registry_import_file(f->st, missing, 0, &f->rep, &f->d),
        SR_ERR_IO);
    assert_int_equal(f->d.n, 1);
    assert_string_equal(f->d.v[0].message,
                        "cannot read the file: No such file or directory");
}

/* ------------------------------------------------------------------ */
/* Reading back                                                         */
/* ------------------------------------------------------------------ */

static void
test_get(void **state)
{
    struct fx *f = *state;
    struct sr_school_record r;

    import_ok(f, HDR ROW1 ROW2 ROW3, 0, 3, 0, 0, 0);
    assert_int_equal(sr_registry_get(f->st, "2137010002", &r), SR_OK);
    assert_string_equal(r.code, "2137010002");
    assert_string_equal(r.name, "济南市历城区港沟中学");
    assert_string_equal(r.district, "370112");
    assert_string_equal(r.district_name, "历城区");
    assert_int_equal(r.school.set, (1u << SR_ATTR_COUNT) - 1);
    assert_int_equal(r.school.attr[SR_ATTR_STAGE], SR_STAGE_JUNIOR);
    assert_int_equal(r.school.attr[SR_ATTR_LOCALE], 1);
    assert_int_equal(r.school.attr[SR_ATTR_BOARDING], 1);
    assert_int_equal(r.school.attr[SR_ATTR_SCHOOL_BUS], 1);
    assert_int_equal(r.school.attr[SR_ATTR_SWIMMING_POOL], 0);
    assert_int_equal(r.school.attr[SR_ATTR_ENROLLMENT], 900);
    assert_int_equal(r.school.attr[SR_ATTR_BOARDERS], 300);
    assert_int_equal(r.school.attr[SR_ATTR_SPECIAL_NEEDS], 2);
    assert_string_equal(r.contact, "李红梅");
    assert_string_equal(r.phone, "0531-88010002");
    assert_false(r.closed);
    assert_string_equal(r.updated_at, "2026-09-01T00:00:00Z");
    assert_string_equal(r.updated_by, "tester");
    assert_int_equal(r.line, 0);
    sr_school_record_release(&r);
    assert_null(r.name);
    sr_school_record_release(&r);

    assert_int_equal(sr_registry_get(f->st, "2137010003", &r), SR_OK);
    assert_null(r.contact);
    assert_null(r.phone);
    assert_int_equal(r.school.attr[SR_ATTR_OWNERSHIP], 1);
    sr_school_record_release(&r);

    assert_int_equal(sr_registry_get(f->st, "2137019999", &r),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st),
                        "no school with code '2137019999'");
    assert_null(r.name);
    sr_school_record_release(&r);
}

/* A row edited into nonsense outside the program is reported, not
 * handed to the scoring engine. */
static void
test_get_bad_row(void **state)
{
    struct fx *f = *state;
    struct sr_school_record r;

    import_ok(f, HDR ROW1, 0, 1, 0, 0, 0);
    exec_raw(f, "UPDATE schools SET stage = 'university'");
    assert_int_equal(sr_registry_get(f->st, "2137010001", &r),
                     SR_ERR_INTERNAL);
    assert_string_equal(sr_store_errmsg(f->st),
                        "school '2137010001' has a bad stage 'university' in "
                        "the database");
    sr_school_record_release(&r);
    exec_raw(f, "UPDATE schools SET stage = 'primary', boarders = -3");
    assert_int_equal(sr_registry_get(f->st, "2137010001", &r),
                     SR_ERR_INTERNAL);
    assert_string_equal(sr_store_errmsg(f->st),
                        "school '2137010001' has a bad boarders -3 in the "
                        "database");
    sr_school_record_release(&r);
}

struct codes {
    char v[8][11];
    size_t n;
    size_t stop_after; /* 0: never */
};

static int
collect(const struct sr_school_record *r, void *ctx)
{
    struct codes *c = ctx;

    if (c->n < 8)
        memcpy(c->v[c->n], r->code, 11);
    c->n++;
    return c->stop_after && c->n == c->stop_after;
}

static void
test_list(void **state)
{
    struct fx *f = *state;
    struct sr_registry_filter flt = {.stage = -1};
    struct codes c;

    /* Stored out of order: listed by district (bureau order), code. */
    import_ok(f,
              HDR ROW3 ROW2
              "2137010009,济南市历下区第二小学,370102,小学,公办,城区,否,否,是,"
              "是,否,800,0,0,,\n" ROW1,
              0, 4, 0, 0, 0);
    import_ok(f, HDR ROW1 ROW2 ROW3, SR_IMPORT_FULL, 0, 0, 3, 1);

    memset(&c, 0, sizeof(c));
    assert_int_equal(sr_registry_list(f->st, NULL, collect, &c), SR_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.v[0], "2137010001");
    assert_string_equal(c.v[1], "2137010002");
    assert_string_equal(c.v[2], "2137010003");

    memset(&c, 0, sizeof(c));
    flt.include_closed = true;
    assert_int_equal(sr_registry_list(f->st, &flt, collect, &c), SR_OK);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.v[1], "2137010009");

    memset(&c, 0, sizeof(c));
    flt.district = "历下区";
    assert_int_equal(sr_registry_list(f->st, &flt, collect, &c), SR_OK);
    assert_int_equal(c.n, 2);

    memset(&c, 0, sizeof(c));
    flt.district = "370112";
    flt.include_closed = false;
    assert_int_equal(sr_registry_list(f->st, &flt, collect, &c), SR_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.v[0], "2137010002");

    memset(&c, 0, sizeof(c));
    flt.district = NULL;
    flt.stage = SR_STAGE_KINDERGARTEN;
    assert_int_equal(sr_registry_list(f->st, &flt, collect, &c), SR_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.v[0], "2137010003");

    memset(&c, 0, sizeof(c));
    flt.stage = SR_STAGE_SENIOR;
    assert_int_equal(sr_registry_list(f->st, &flt, collect, &c), SR_OK);
    assert_int_equal(c.n, 0);

    /* The callback stops the listing. */
    memset(&c, 0, sizeof(c));
    c.stop_after = 2;
    assert_int_equal(sr_registry_list(f->st, NULL, collect, &c), SR_OK);
    assert_int_equal(c.n, 2);

    memset(&c, 0, sizeof(c));
    flt.stage = -1;
    flt.district = "历山区";
    assert_int_equal(sr_registry_list(f->st, &flt, collect, &c),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st), "no district '历山区'");
    assert_int_equal(c.n, 0);
}

static void
test_lookups(void **state)
{
    struct fx *f = *state;

    assert_int_equal(f->dist.n, 16);
    assert_string_equal(f->dist.v[0].name, "历下区");
    assert_string_equal(f->dist.v[15].code, "JN-SS");
    assert_string_equal(sr_districts_find(&f->dist, "南部山区")->code,
                        "JN-NBSQ");
    assert_string_equal(sr_districts_find(&f->dist, "370126")->name,
                        "商河县");
    assert_null(sr_districts_find(&f->dist, "济南市"));
    assert_int_equal(sr_registry_stage_lookup("十二年一贯制"),
                     SR_STAGE_TWELVE_YEAR);
    assert_int_equal(sr_registry_stage_lookup("special"), SR_STAGE_SPECIAL);
    assert_int_equal(sr_registry_stage_lookup("特殊教育学校"),
                     SR_STAGE_SPECIAL);
    assert_int_equal(sr_registry_stage_lookup("Primary"), SR_STAGE_PRIMARY);
    assert_int_equal(sr_registry_stage_lookup("小学校"), -1);
    assert_string_equal(sr_registry_encoding_name(SR_ENC_GB18030), "GB18030");
}

/* ------------------------------------------------------------------ */
/* The columns of schema 5: 教职工数, 校外供餐, 村小教学点              */
/* ------------------------------------------------------------------ */

/* The header with the columns of schema 5, and ROW1 for it. */
#define HDR5                                                                \
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"   \
    "游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,校外供餐,村小教学点,"\
    "安全负责人,联系电话\n"
#define ROW1_5                                                              \
    "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,否," \
    "1860,0,6,118,是,否,王建国,0531-86010001\n"

#define ABSENT_ALL                                                          \
    ((1u << SR_ATTR_STAFF) | (1u << SR_ATTR_MEAL_DELIVERY) |                \
     (1u << SR_ATTR_VILLAGE_SCHOOL))

static void
test_parse_added_columns(void **state)
{
    struct fx *f = *state;
    const struct sr_school *s;

    assert_int_equal(parse(f, HDR5 ROW1_5), SR_OK);
    assert_int_equal(f->reg.n, 1);
    assert_int_equal(f->reg.absent, 0);
    s = &f->reg.v[0].school;
    assert_int_equal(s->attr[SR_ATTR_STAFF], 118);
    assert_int_equal(s->attr[SR_ATTR_MEAL_DELIVERY], 1);
    assert_int_equal(s->attr[SR_ATTR_VILLAGE_SCHOOL], 0);
    /* 师生员工数 = 在校生数 + 教职工数, exactly. */
    assert_int_equal(s->attr[SR_ATTR_POPULATION], 1978);
}

/* The other Chinese headers a roster may use, and the English ones. */
static void
test_parse_added_column_aliases(void **state)
{
    struct fx *f = *state;
    const struct sr_school *s;

    assert_int_equal(
        parse(f, "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,"
                 "实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工总数,"
                 "午餐配送,村小/教学点\n"
                 "2137010005,济南市长清区马山镇西石村小学,长清区,小学,公办,"
                 "乡村,否,否,无,否,否,64,0,0,6,有,是\n"
                 "2137010006,济南市长清区孝里镇教学点,长清区,小学,公办,乡村,"
                 "否,否,否,否,否,0,0,0,0,否,是\n"),
        SR_OK);
    assert_int_equal(f->reg.absent, 0);
    s = &f->reg.v[0].school;
    assert_int_equal(s->attr[SR_ATTR_STAFF], 6);
    assert_int_equal(s->attr[SR_ATTR_POPULATION], 70);
    assert_int_equal(s->attr[SR_ATTR_MEAL_DELIVERY], 1);
    assert_int_equal(s->attr[SR_ATTR_VILLAGE_SCHOOL], 1);
    s = &f->reg.v[1].school;
    assert_int_equal(s->attr[SR_ATTR_POPULATION], 0);
    sr_registry_release(&f->reg);
    sr_registry_init(&f->reg);
    assert_int_equal(
        parse(f, "code,name,district,stage,ownership,locale,boarding,"
                 "school_bus,canteen,laboratory,swimming_pool,enrollment,"
                 "boarders,special_needs,Staff,MEAL_DELIVERY\n"
                 "2137010001,x,历下区,小学,公办,城区,否,否,是,是,否,10,0,0,"
                 "3,false\n"),
        SR_OK);
    assert_int_equal(f->reg.absent, 1u << SR_ATTR_VILLAGE_SCHOOL);
    assert_int_equal(f->reg.v[0].school.attr[SR_ATTR_POPULATION], 13);
}

/* A file of the earlier format parses; its schools hold the defaults
 * and the registry says which columns were absent. */
static void
test_parse_old_format_absent(void **state)
{
    struct fx *f = *state;
    const struct sr_school *s;
    char note[512];

    assert_int_equal(parse(f, HDR ROW1), SR_OK);
    assert_int_equal(f->reg.absent, ABSENT_ALL);
    s = &f->reg.v[0].school;
    assert_int_equal(s->attr[SR_ATTR_STAFF], 0);
    assert_int_equal(s->attr[SR_ATTR_MEAL_DELIVERY], 0);
    assert_int_equal(s->attr[SR_ATTR_VILLAGE_SCHOOL], 0);
    assert_int_equal(s->attr[SR_ATTR_POPULATION], 1860);
    sr_import_absent_describe(f->reg.absent, note, sizeof(note));
    assert_string_equal(note,
                        "columns not in the file: 教职工数 (staff), 校外供餐 "
                        "(meal_delivery), 村小教学点 (village_school); new "
                        "schools were given 0 or 否 (false), registered "
                        "schools kept their stored values");
    sr_import_absent_describe(1u << SR_ATTR_MEAL_DELIVERY, note,
                              sizeof(note));
    assert_string_equal(note,
                        "columns not in the file: 校外供餐 (meal_delivery); "
                        "new schools were given 0 or 否 (false), registered "
                        "schools kept their stored values");
    sr_import_absent_describe(0, note, sizeof(note));
    assert_string_equal(note, "");
    assert_string_equal(sr_registry_column_zh(SR_ATTR_STAFF), "教职工数");
    assert_string_equal(sr_registry_column_zh(SR_ATTR_VILLAGE_SCHOOL),
                        "村小教学点");
    assert_null(sr_registry_column_zh(SR_ATTR_POPULATION));
}

/* 师生员工数 is derived: a column naming it refuses the file. */
static void
test_header_population_refused(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:1: column 'Population': 师生员工数 (population) is not "
        "imported, it is derived as 在校生数 + 教职工数 (enrollment + "
        "staff); remove the column and give 教职工数",
        NULL};

    assert_int_equal(
        parse(f, "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,"
                 "实验室,游泳池,在校生数,住宿生数,特殊需要学生数,教职工数,"
                 "Population\n"
                 "2137010001,x,历下区,小学,公办,城区,否,否,是,是,否,10,0,0,"
                 "3,13\n"),
        SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->reg.n, 0);
}

/* A column that is there must be filled; bad values name the header as
 * written. */
static void
test_reject_added_columns(void **state)
{
    struct fx *f = *state;
    const char *const w[] = {
        "r.csv:2: column '教职工数': '-4' is not a whole number from 0 to "
        "10000000",
        "r.csv:2: column '校外供餐': '部分' is not 是 or 否 (true or false)",
        "r.csv:3: column '教职工数': the value is empty",
        "r.csv:3: column '村小教学点': the value is empty",
        NULL};

    assert_int_equal(
        parse(f, HDR5
              "2137010001,x,历下区,小学,公办,城区,否,否,是,是,否,10,0,0,-4,"
              "部分,否,,\n"
              "2137010002,y,历下区,小学,公办,城区,否,否,是,是,否,10,0,0,,"
              "否,,,\n"),
        SR_ERR_INPUT);
    assert_diags(&f->d, w);
    assert_int_equal(f->reg.bad_rows, 2);
}

/* Re-importing an older file does not wipe what a newer one stored: a
 * registered school keeps its staff, meal delivery and village flag,
 * a new school gets 0 / 否, and the report says which were absent. */
static void
test_import_old_format_keeps_stored(void **state)
{
    struct fx *f = *state;
    struct sr_school_record r;

    import_ok(f, HDR5 ROW1_5, 0, 1, 0, 0, 0);
    assert_int_equal(f->rep.absent, 0);
    /* The same school, nothing changed but its format: unchanged. */
    import_ok(f, HDR ROW1, 0, 0, 0, 1, 0);
    assert_int_equal(f->rep.absent, ABSENT_ALL);
    /* A change of enrollment and a new school. */
    import_ok(f,
              HDR "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,"
                  "否,是,是,否,1870,0,6,王建国,0531-86010001\n" ROW2,
              0, 1, 1, 0, 0);
    assert_int_equal(q(f, "SELECT staff * 100 + meal_delivery * 10 + "
                          "village_school FROM schools WHERE code = "
                          "'2137010001'"),
                     11810);
    assert_int_equal(q(f, "SELECT enrollment FROM schools WHERE code = "
                          "'2137010001'"),
                     1870);
    assert_int_equal(q(f, "SELECT staff + meal_delivery + village_school "
                          "FROM schools WHERE code = '2137010002'"),
                     0);
    assert_int_equal(sr_registry_get(f->st, "2137010001", &r), SR_OK);
    assert_int_equal(r.school.attr[SR_ATTR_STAFF], 118);
    assert_int_equal(r.school.attr[SR_ATTR_POPULATION], 1988);
    assert_int_equal(r.school.attr[SR_ATTR_MEAL_DELIVERY], 1);
    sr_school_record_release(&r);
    /* A file that gives the columns sets them, 0 included. */
    import_ok(f,
              HDR5 "2137010001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,"
                   "否,是,是,否,1870,0,6,0,否,否,王建国,0531-86010001\n",
              0, 0, 1, 0, 0);
    assert_int_equal(q(f, "SELECT staff + meal_delivery FROM schools WHERE "
                          "code = '2137010001'"),
                     0);
}

/* School k of many_schools()'s file of n: its code. */
static size_t
many_code(size_t k, size_t n)
{
    return (size_t)2137100000 + (k * 7) % n;
}

/* A file of n schools (HDR5, or HDR without the columns of schema 5),
 * school k on line k + 2 with code many_code() (not in code order),
 * enrollment 100 + k, one more where bump(k), in 历下区, 历城区 or
 * 章丘区; the schools where leave_out(k) are left out. */
static char *
many_schools(size_t n, bool schema5, bool (*bump)(size_t),
             bool (*leave_out)(size_t))
{
    static const char *const dist[] = {"历下区", "历城区", "章丘区"};
    size_t size = 256 + n * 160, len, k;
    char *csv = malloc(size);

    assert_non_null(csv);
    len = (size_t)snprintf(csv, size, "%s", schema5 ? HDR5 : HDR);
    for (k = 0; k < n; k++)
        if (!leave_out || !leave_out(k))
            len += (size_t)snprintf(
                csv + len, size - len,
                "%010zu,学校%zu,%s,小学,公办,城区,否,否,是,是,否,%zu,0,1%s,,"
                "\n",
                many_code(k, n), k, dist[k % 3],
                100 + k + (bump && bump(k) ? 1 : 0),
                schema5 ? ",40,是,否" : "");
    return csv;
}

static bool
every_seventh(size_t k)
{
    return k % 7 == 3;
}

static bool
every_fiftieth(size_t k)
{
    return k % 50 == 49;
}

/* The codes of the latest registry change's versions in their order,
 * "code|" a line, against want (as many lines). */
static void
assert_latest_versions(struct fx *f, const char *want)
{
    char *got = test_raw_rows(f->raw,
                              "SELECT code FROM school_versions WHERE "
                              "change = (SELECT max(id) FROM "
                              "registry_changes) ORDER BY id");

    assert_string_equal(got, want);
    free(got);
}

/* An import of more schools than one statement takes (128: the reads,
 * the adds and the versions go by statements of many): every school
 * stored as the file says, each version recorded in the file's order,
 * and the chunks' edges lose or double nothing. */
static void
test_import_many_schools(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report ar;
    size_t n = 300, k, len = 0;
    char *csv, want[300 * 12 + 1];

    csv = many_schools(n, true, NULL, NULL);
    import_ok(f, csv, 0, n, 0, 0, 0);
    free(csv);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE staff = 40 "
                          "AND meal_delivery = 1 AND village_school = 0 "
                          "AND closed = 0 AND enrollment = 100 + "
                          "CAST(substr(name, 3) AS INTEGER)"),
                     n);
    assert_int_equal(q(f, "SELECT count(*) FROM schools"), n);
    for (k = 0; k < n; k++)
        len += (size_t)snprintf(want + len, sizeof(want) - len, "%010zu|\n",
                                many_code(k, n));
    assert_latest_versions(f, want);

    /* The old format (staff and the flags kept), every seventh school
     * one pupil more, every fiftieth left out of a full import: 42
     * updated (k = 199 is both), 6 closed. */
    sr_store_set_clock(f->st, T1);
    csv = many_schools(n, false, every_seventh, every_fiftieth);
    import_ok(f, csv, SR_IMPORT_FULL, 0, 42, 252, 6);
    free(csv);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE staff = 40 "
                          "AND meal_delivery = 1"),
                     n);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE enrollment = "
                          "101 + CAST(substr(name, 3) AS INTEGER)"),
                     42);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE closed = 1"),
                     6);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE updated_at = "
                          "'2026-09-02T00:00:00Z'"),
                     48);
    /* The updated in the file's order, then the closed. */
    len = 0;
    for (k = 0; k < n; k++)
        if (every_seventh(k) && !every_fiftieth(k))
            len += (size_t)snprintf(want + len, sizeof(want) - len,
                                    "%010zu|\n", many_code(k, n));
    for (k = 0; k < n; k++)
        if (every_fiftieth(k))
            len += (size_t)snprintf(want + len, sizeof(want) - len,
                                    "%010zu|\n", many_code(k, n));
    assert_latest_versions(f, want);
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    if (!ar.ok)
        fail_msg("%s", ar.problem);
}

/* A database of schema 4 (schools without the columns of schema 5) is
 * upgraded when opened for writing: every school gets staff 0,
 * meal_delivery and village_school 否, the upgrade is a registry change
 * with a version of each school, and the audit chain still verifies.
 * Opened read-only it is not upgraded. */
static void
test_upgrade_from_schema_4(void **state)
{
    struct fx *f = *state;
    struct sr_audit_report ar;
    struct sr_school_record r;

    test_sqlite_only("SQLite's schema 4, upgraded (PostgreSQL starts at "
                     "the current schema)");
    import_ok(f, HDR ROW1 ROW2, 0, 2, 0, 0, 0);
    sr_store_close(f->st);
    f->st = NULL;
    exec_raw(f, /* schema 13: the events' deadlines */
                "ALTER TABLE hazard_events DROP COLUMN deadline;"
                /* schema 12: an assessment's hazards */
                "DROP INDEX hazards_assessment;"
                "ALTER TABLE schools DROP COLUMN staff;"
                "ALTER TABLE schools DROP COLUMN meal_delivery;"
                "ALTER TABLE schools DROP COLUMN village_school;"
                /* schema 6: the expert corps */
                "DROP TABLE expert_events; DROP TABLE experts;"
                /* schema 9: period sign-off */
                "DROP TABLE signoff_events;"
                /* schema 8: inspection plans */
                "DROP TABLE plan_pairs; DROP TABLE plan_experts;"
                "DROP TABLE plan_schools; DROP INDEX assessments_plan;"
                "ALTER TABLE assessments DROP COLUMN plan; DROP TABLE plans;"
                "PRAGMA user_version = 4;");
    assert_int_equal(sr_store_open(f->db, SR_STORE_READONLY, &f->st),
                     SR_ERR_VERSION);
    sr_store_close(f->st);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    assert_int_equal(sr_store_set_actor(f->st, "tester"), SR_OK);
    sr_store_set_clock(f->st, T1);
    assert_int_equal(sr_store_schema_version(f->st), SR_SCHEMA_VERSION);
    assert_int_equal(q(f, "PRAGMA user_version"), SR_SCHEMA_VERSION);
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE staff = 0 AND "
                          "meal_delivery = 0 AND village_school = 0"),
                     2);
    assert_q_text(f, "SELECT source || ' ' || added || ' ' || updated || ' ' "
                     "|| closed FROM registry_changes ORDER BY id DESC "
                     "LIMIT 1",
                  "schema 5 upgrade 0 2 0");
    assert_int_equal(q(f, "SELECT count(*) FROM school_versions WHERE "
                          "change = (SELECT max(id) FROM registry_changes) "
                          "AND json_extract(state, '$.staff') = 0"),
                     2);
    /* Not marked changed: updated_at is the import's. */
    assert_int_equal(q(f, "SELECT count(*) FROM schools WHERE updated_at = "
                          "'2026-09-01T00:00:00Z'"),
                     2);
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    if (!ar.ok)
        fail_msg("%s", ar.problem);
    assert_int_equal(sr_registry_get(f->st, "2137010002", &r), SR_OK);
    assert_int_equal(r.school.attr[SR_ATTR_POPULATION], 900);
    sr_school_record_release(&r);
    /* The file of schema 5 fills them in. */
    import_ok(f, HDR5 ROW1_5, 0, 0, 1, 0, 0);
    assert_int_equal(q(f, "SELECT staff FROM schools WHERE code = "
                          "'2137010001'"),
                     118);
    assert_int_equal(sr_audit_verify(f->st, &ar), SR_OK);
    assert_int_equal(ar.ok, 1);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_parse_chinese_header),
        T(test_parse_english_any_order),
        T(test_parse_bom_crlf_quotes),
        T(test_parse_gb18030),
        T(test_parse_gb18030_bad_row),
        T(test_parse_bad_encoding),
        T(test_parse_broken_utf8),
        T(test_parse_not_csv),
        T(test_header_errors),
        T(test_header_encoding_hint),
        T(test_header_empty_column),
        T(test_reject_code),
        T(test_reject_duplicate_code),
        T(test_reject_empty),
        T(test_reject_district),
        T(test_reject_stage),
        T(test_reject_ownership_locale),
        T(test_reject_flag),
        T(test_reject_count),
        T(test_reject_boarders),
        T(test_reject_field_count),
        T(test_reject_csv_syntax),
        T(test_reject_every_row),
        T(test_import_counts),
        T(test_import_each_field_is_a_change),
        T(test_import_full_closes_and_reopens),
        T(test_import_full_empty_refused),
        T(test_import_all_or_nothing),
        T(test_import_write_failure_rolls_back),
        T(test_import_readonly),
        T(test_import_file),
        T(test_get),
        T(test_get_bad_row),
        T(test_list),
        T(test_lookups),
        T(test_parse_added_columns),
        T(test_parse_added_column_aliases),
        T(test_parse_old_format_absent),
        T(test_header_population_refused),
        T(test_reject_added_columns),
        T(test_import_old_format_keeps_stored),
        T(test_import_many_schools),
        T(test_upgrade_from_schema_4),
    };
#undef T

    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
