/*
 * test_loader.c - the indicator loader (src/indicators.c).
 *
 * Most bad documents are mini.xml (tests/fixtures/mini.xml) with one
 * or two small substitutions, made in memory and loaded under the name
 * "bad.xml", so that each test names exactly what it breaks and the
 * line numbers in the expected messages are mini.xml's own.  Each
 * substituted text must occur exactly once, or the test fails.
 *
 * Line numbers: libxml2 records an element's line where its start tag
 * ends, so for the start tags of mini.xml that span two lines (the
 * <system> on lines 5-6, item D1.2.1 on lines 36-37) the reported line
 * is the second one.
 *
 * Malicious inputs are the files of tests/fixtures/loader, or are made
 * here when they are binary (NUL, bad UTF-8) or big (deep nesting, a
 * 100 MB sparse file).  Catalog tests use a mkdtemp directory that the
 * teardown removes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/school.h"

#define MINI SR_FIXTURES "/mini.xml"
#define LOADER_FX SR_FIXTURES "/loader"
#define RSS_LIMIT_KB (200L * 1024)

/* ------------------------------------------------------------------ */
/* Fixture                                                              */
/* ------------------------------------------------------------------ */

struct fx {
    char *mini;            /* text of mini.xml */
    size_t mini_len;
    char *doc;             /* the document under test */
    struct sr_system *sys; /* what the loader returned */
    struct sr_catalog *cat;
    struct sr_diags d;
    char dir[64];          /* temporary directory, or "" */
};

static char *
read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    f->mini = read_text(MINI, &f->mini_len);
    if (!f->mini) {
        free(f);
        return -1;
    }
    sr_diags_init(&f->d);
    *state = f;
    return 0;
}


static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_system_free(f->sys);
    sr_catalog_free(f->cat);
    sr_diags_release(&f->d);
    free(f->doc);
    free(f->mini);
    if (f->dir[0])
        remove_dir(f->dir);
    free(f);
    return 0;
}

static void
make_dir(struct fx *f)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-loader-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
}

static void
write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* A new string: s with its only occurrence of from replaced by to. */
static char *
replace_once(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    size_t n, fl = strlen(from), tl = strlen(to);
    char *out;

    if (!p || strstr(p + 1, from)) {
        print_error("'%s' occurs %s in the document\n", from,
                    p ? "more than once" : "nowhere");
        return NULL;
    }
    n = strlen(s) - fl + tl;
    out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, s, (size_t)(p - s));
    memcpy(out + (p - s), to, tl);
    memcpy(out + (p - s) + tl, p + fl, strlen(p + fl) + 1);
    return out;
}

/* mini.xml with the substitutions {from, to, from, to, ..., NULL}. */
static char *
mini_with(struct fx *f, const char *const *subs)
{
    char *doc = malloc(f->mini_len + 1);
    size_t i;

    assert_non_null(doc);
    memcpy(doc, f->mini, f->mini_len + 1);
    for (i = 0; subs[i]; i += 2) {
        char *next = replace_once(doc, subs[i], subs[i + 1]);

        free(doc);
        assert_non_null(next);
        doc = next;
    }
    return doc;
}

static sr_error
load_text(struct fx *f, const char *name, const char *text)
{
    return sr_system_load_memory(name, text, strlen(text), &f->sys, &f->d);
}



/* Load mini.xml with subs applied as "bad.xml": it must fail with the
 * diagnostics want[], and no system must be returned. */
static void
expect_bad(void **state, const char *const *subs, const char *const *want)
{
    struct fx *f = *state;

    f->doc = mini_with(f, subs);
    assert_int_equal(load_text(f, "bad.xml", f->doc), SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

/* As expect_bad() for a single substitution and a single message. */
static void
expect_bad1(void **state, const char *from, const char *to,
            const char *want)
{
    const char *const subs[] = {from, to, NULL};
    const char *const w[] = {want, NULL};

    expect_bad(state, subs, w);
}

/* Load mini.xml with subs applied: it must load without diagnostics. */
static void
expect_good(void **state, const char *const *subs)
{
    struct fx *f = *state;

    f->doc = mini_with(f, subs);
    if (load_text(f, "good.xml", f->doc) != SR_OK)
        show_diags(&f->d);
    assert_non_null(f->sys);
    assert_int_equal(f->d.n, 0);
}

static const struct sr_item *
item(const struct sr_system *sys, const char *id)
{
    size_t n;
    const struct sr_item *items = sr_system_items(sys, &n);
    long i = sr_system_find_item(sys, id);

    assert_true(i >= 0 && (size_t)i < n);
    return &items[i];
}

static void
assert_rss_bounded(void)
{
    struct rusage ru;

    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    assert_true(ru.ru_maxrss < RSS_LIMIT_KB);
}

/* ------------------------------------------------------------------ */
/* Semantic checks, one per test                                        */
/* ------------------------------------------------------------------ */

static void
test_duplicate_id(void **state)
{
    expect_bad1(state, "<item id=\"D1.1.2\"", "<item id=\"D1.1.1\"",
                "bad.xml:31: duplicate id 'D1.1.1' (first used on line 19)");
}

static void
test_duplicate_id_across_levels(void **state)
{
    /* Dimensions, indicators and items share one id namespace. */
    expect_bad1(state, "<indicator id=\"D2.1\"", "<indicator id=\"D1\"",
                "bad.xml:61: duplicate id 'D1' (first used on line 17)");
}

static void
test_points_zero(void **state)
{
    expect_bad1(state, "id=\"D1.1.2\" points=\"5\"",
                "id=\"D1.1.2\" points=\"0\"",
                "bad.xml:31: item 'D1.1.2': points must be greater than 0 "
                "(got '0')");
}

static void
test_points_negative(void **state)
{
    expect_bad1(state, "id=\"D1.1.2\" points=\"5\"",
                "id=\"D1.1.2\" points=\"-5\"",
                "bad.xml:31: item 'D1.1.2': points must be greater than 0 "
                "(got '-5')");
}

static void
test_points_three_decimals(void **state)
{
    expect_bad1(state, "id=\"D1.1.2\" points=\"5\"",
                "id=\"D1.1.2\" points=\"5.125\"",
                "bad.xml:31: item 'D1.1.2': points must be a number with at "
                "most 2 decimals (got '5.125')");
}

static void
test_points_too_large(void **state)
{
    expect_bad1(state, "id=\"D1.1.2\" points=\"5\"",
                "id=\"D1.1.2\" points=\"10000.01\"",
                "bad.xml:31: item 'D1.1.2': points must be at most 10000 "
                "(got '10000.01')");
}

static void
test_points_limit_accepted(void **state)
{
    const char *const subs[] = {"id=\"D1.1.2\" points=\"5\"",
                                "id=\"D1.1.2\" points=\"10000\"", NULL};

    expect_good(state, subs);
    assert_int_equal(item(((struct fx *)*state)->sys, "D1.1.2")->points,
                     1000000);
}

static void
test_level_fraction_above_one(void **state)
{
    expect_bad1(state, "value=\"基本符合\" fraction=\"0.6\"",
                "value=\"基本符合\" fraction=\"1.5\"",
                "bad.xml:44: item 'D1.2.2': level fraction '1.5' is not a "
                "fraction from 0 to 1 with at most 4 decimals");
}

static void
test_level_fraction_negative(void **state)
{
    expect_bad1(state, "value=\"基本符合\" fraction=\"0.6\"",
                "value=\"基本符合\" fraction=\"-0.1\"",
                "bad.xml:44: item 'D1.2.2': level fraction '-0.1' is not a "
                "fraction from 0 to 1 with at most 4 decimals");
}

static void
test_level_duplicate_value(void **state)
{
    expect_bad1(state, "<level value=\"不符合\"", "<level value=\"基本符合\"",
                "bad.xml:45: item 'D1.2.2': duplicate level value "
                "'基本符合'");
}

static void
test_level_value_na(void **state)
{
    expect_bad1(state, "<level value=\"不符合\"", "<level value=\"na\"",
                "bad.xml:45: item 'D1.2.2': 'na' is reserved for not "
                "applicable; use allow-na");
}

/* The responses parser also reads "NA" and "不适用" as not applicable
 * (src/responses.c), so a level with either value could never be
 * chosen.  The loader must reserve them as it reserves "na". */
static void
test_level_value_other_na_spellings(void **state)
{
    static const char *const spellings[] = {"NA", "不适用"};
    struct fx *f = *state;
    char to[64];
    size_t i;

    for (i = 0; i < 2; i++) {
        const char *const subs[] = {"<level value=\"不符合\"", to, NULL};

        snprintf(to, sizeof(to), "<level value=\"%s\"", spellings[i]);
        free(f->doc);
        f->doc = mini_with(f, subs);
        assert_int_equal(load_text(f, "bad.xml", f->doc), SR_ERR_INPUT);
        assert_null(f->sys);
        assert_int_equal(f->d.n, 1);
        assert_int_equal(f->d.v[0].line, 45);
        assert_non_null(strstr(f->d.v[0].message, "item 'D1.2.2'"));
        assert_non_null(strstr(f->d.v[0].message, spellings[i]));
        assert_non_null(strstr(f->d.v[0].message, "reserved"));
        sr_diags_release(&f->d);
    }
}

static void
test_level_none_full(void **state)
{
    expect_bad1(state, "value=\"符合\" fraction=\"1\"",
                "value=\"符合\" fraction=\"0.9\"",
                "bad.xml:42: item 'D1.2.2': no level is worth full points "
                "(fraction 1), so the item can never be met");
}

static void
test_threshold_not_ascending(void **state)
{
    expect_bad1(state, "<step at=\"30\" fraction=\"1\"/>",
                "<step at=\"15\" fraction=\"1\"/>",
                "bad.xml:52: item 'D1.2.3': threshold steps must be in "
                "strictly ascending order of 'at' (step 2 has at=15 after "
                "at=15)");
}

static void
test_threshold_higher_decreasing(void **state)
{
    expect_bad1(state, "<step at=\"30\" fraction=\"1\"/>",
                "<step at=\"30\" fraction=\"0.4\"/>",
                "bad.xml:52: item 'D1.2.3': with better=\"higher\" the "
                "fractions must not decrease as 'at' rises (step 2)");
}

static void
test_threshold_higher_last_not_one(void **state)
{
    expect_bad1(state, "<step at=\"30\" fraction=\"1\"/>",
                "<step at=\"30\" fraction=\"0.8\"/>",
                "bad.xml:50: item 'D1.2.3': with better=\"higher\" the last "
                "step must be worth 1");
}

static void
test_threshold_lower_increasing(void **state)
{
    expect_bad1(state, "<step at=\"3\" fraction=\"1\"/>",
                "<step at=\"3\" fraction=\"0.5\"/>",
                "bad.xml:71: item 'D2.1.2': with better=\"lower\" the "
                "fractions must not increase as 'at' rises (step 2)");
}

static void
test_threshold_lower_first_not_one(void **state)
{
    expect_bad1(state, "<step at=\"3\" fraction=\"1\"/>",
                "<step at=\"3\" fraction=\"0.8\"/>",
                "bad.xml:69: item 'D2.1.2': with better=\"lower\" the first "
                "step must be worth 1");
}

static void
test_deduct_per_zero(void **state)
{
    expect_bad1(state, "per=\"1\"", "per=\"0\"",
                "bad.xml:65: item 'D2.1.1': deduct per must be greater than "
                "0 and at most 10000 (got '0')");
}

static void
test_ratio_required_not_count(void **state)
{
    expect_bad1(state, "attr=\"enrollment\"", "attr=\"boarding\"",
                "bad.xml:24: item 'D1.1.1': a requirement must be derived "
                "from a count attribute (enrollment, boarders, "
                "special_needs, staff, population), not 'boarding'");
}

static void
test_ratio_first_step_not_zero(void **state)
{
    expect_bad1(state, "<step from=\"0\" value=\"1\"/>",
                "<step from=\"10\" value=\"1\"/>",
                "bad.xml:25: item 'D1.1.1': the first requirement step must "
                "start at from=\"0\"");
}

static void
test_ratio_steps_not_ascending(void **state)
{
    expect_bad1(state, "<step from=\"100\" value=\"2\"/>",
                "<step from=\"0\" value=\"2\"/>",
                "bad.xml:26: item 'D1.1.1': requirement steps must be in "
                "strictly ascending order of 'from' (step 2)");
}

static void
test_ratio_required_value_zero(void **state)
{
    expect_bad1(state, "<step from=\"100\" value=\"2\"/>",
                "<step from=\"100\" value=\"0\"/>",
                "bad.xml:26: item 'D1.1.1': a required value must be greater "
                "than 0 (step 2)");
}

static void
test_ratio_every_without_add(void **state)
{
    expect_bad1(state, " every=\"500\" add=\"1\"", " every=\"500\"",
                "bad.xml:27: item 'D1.1.1': 'every' and 'add' go together "
                "(step 3)");
}

static void
test_ratio_every_not_last(void **state)
{
    expect_bad1(state, "<step from=\"100\" value=\"2\"/>",
                "<step from=\"100\" value=\"2\" every=\"10\" add=\"1\"/>",
                "bad.xml:27: item 'D1.1.1': only the last requirement step "
                "may have 'every' and 'add' (step 3 follows one)");
}

static void
test_veto_hazard_general(void **state)
{
    expect_bad1(state, "id=\"D2.2.1\" points=\"10\" method=\"check\" "
                "veto=\"true\" hazard=\"major\"",
                "id=\"D2.2.1\" points=\"10\" method=\"check\" "
                "veto=\"true\" hazard=\"general\"",
                "bad.xml:76: item 'D2.2.1': a veto item must have "
                "hazard=\"major\" (got \"general\")");
}

static void
test_when_unknown_attr(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"boardng\" eq=\"true\"/>",
                "bad.xml:78: item 'D2.2.1': unknown school attribute "
                "'boardng' in condition (known: stage, ownership, locale, "
                "boarding, school_bus, canteen, laboratory, swimming_pool, "
                "enrollment, boarders, special_needs, staff, population, "
                "meal_delivery, village_school)");
}

static void
test_when_two_operators(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"boarding\" eq=\"true\" ne=\"false\"/>",
                "bad.xml:78: item 'D2.2.1': condition on 'boarding' needs "
                "exactly one of eq, ne, in, ge, gt, le, lt (found 2)");
}

static void
test_when_no_operator(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"boarding\"/>",
                "bad.xml:78: item 'D2.2.1': condition on 'boarding' needs "
                "exactly one of eq, ne, in, ge, gt, le, lt (found 0)");
}

static void
test_when_bad_flag_value(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"boarding\" eq=\"maybe\"/>",
                "bad.xml:78: item 'D2.2.1': bad value 'maybe' for 'boarding' "
                "in condition (expected true|false or 是|否)");
}

static void
test_when_ge_on_flag(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"boarding\" ge=\"1\"/>",
                "bad.xml:78: item 'D2.2.1': operator 'ge' compares numbers, "
                "but 'boarding' is not a count attribute");
}

static void
test_when_in_on_count(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"enrollment\" in=\"100 200\"/>",
                "bad.xml:78: item 'D2.2.1': operator 'in' takes a list of "
                "names, but 'enrollment' is not an enumerated attribute");
}

static void
test_when_bad_value_in_list(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"locale\" in=\"urban villages\"/>",
                "bad.xml:78: item 'D2.2.1': bad value 'villages' for "
                "'locale' in condition (expected urban|town|rural or 城区|镇区|乡村)");
}

static void
test_when_count_not_whole(void **state)
{
    expect_bad1(state, "<when attr=\"boarding\" eq=\"true\"/>",
                "<when attr=\"enrollment\" ge=\"1.5\"/>",
                "bad.xml:78: item 'D2.2.1': bad value '1.5' for 'enrollment' "
                "in condition (expected a whole number 0..10000000)");
}

static void
test_when_on_dimension(void **state)
{
    expect_bad1(state, "<when attr=\"canteen\" eq=\"true\"/>",
                "<when attr=\"canteen\" eq=\"maybe\"/>",
                "bad.xml:87: dimension 'D3': bad value 'maybe' for 'canteen' "
                "in condition (expected true|false or 是|否)");
}

static void
test_check_with_levels(void **state)
{
    expect_bad1(state, "method=\"levels\" baseline=\"alarm-video\"",
                "method=\"check\" baseline=\"alarm-video\"",
                "bad.xml:42: item 'D1.2.2': method 'check' takes no detail "
                "element, not <levels>");
}

static void
test_threshold_with_levels(void **state)
{
    expect_bad1(state, "method=\"levels\" baseline=\"alarm-video\"",
                "method=\"threshold\" baseline=\"alarm-video\"",
                "bad.xml:42: item 'D1.2.2': method 'threshold' takes a "
                "<thresholds>, not <levels>");
}

static void
test_levels_without_levels(void **state)
{
    expect_bad1(state, "id=\"D1.1.2\" points=\"5\" method=\"check\"",
                "id=\"D1.1.2\" points=\"5\" method=\"levels\"",
                "bad.xml:31: item 'D1.1.2': method 'levels' needs a <levels> "
                "element");
}

static void
test_bands_not_descending(void **state)
{
    expect_bad1(state, "colour=\"yellow\" min=\"80\"",
                "colour=\"yellow\" min=\"90\"",
                "bad.xml:13: band 'general': bands must be listed best first "
                "with strictly descending min (90 is not below the previous "
                "band's)");
}

static void
test_band_last_not_zero(void **state)
{
    expect_bad1(state, "colour=\"red\" min=\"0\"", "colour=\"red\" min=\"10\"",
                "bad.xml:11: grading: the last band ('major') must have "
                "min=\"0\" so that the bands cover 0..100");
}

static void
test_band_duplicate_id(void **state)
{
    expect_bad1(state, "<band id=\"general\"", "<band id=\"low\"",
                "bad.xml:13: duplicate band id 'low'");
}

static void
test_pass_line_above_100(void **state)
{
    expect_bad1(state, "pass=\"80\"", "pass=\"100.5\"",
                "bad.xml:11: grading: pass line 100.5 is outside 0..100");
}

/* valid-months is an xs:positiveInteger, so 0 is the schema's to
 * report; the 1..120 range is the loader's. */
static void
test_valid_months_zero(void **state)
{
    expect_bad1(state, "valid-months=\"12\"", "valid-months=\"0\"",
                "bad.xml:11: does not match the schema: Element 'grading', "
                "attribute 'valid-months': '0' is not a valid value of the "
                "atomic type 'xs:positiveInteger'. (in system 'mini')");
}

static void
test_valid_months_200(void **state)
{
    expect_bad1(state, "valid-months=\"12\"", "valid-months=\"200\"",
                "bad.xml:11: grading: valid-months must be a whole number of "
                "months 1..120 (got '200')");
}

static void
test_valid_months_120_accepted(void **state)
{
    const char *const subs[] = {"valid-months=\"12\"",
                                "valid-months=\"120\"", NULL};

    expect_good(state, subs);
    assert_int_equal(sr_system_valid_months(((struct fx *)*state)->sys),
                     120);
}

static void
test_stage_twice(void **state)
{
    expect_bad1(state, "<stage>primary</stage>",
                "<stage>primary</stage><stage>primary</stage>",
                "bad.xml:8: stage 'primary' is listed twice");
}

static void
test_baseline_guards_missing(void **state)
{
    const char *const subs[] = {
        "method=\"ratio\" baseline=\"guards\"", "method=\"ratio\"",
        "method=\"check\" baseline=\"guards\"", "method=\"check\"", NULL};
    const char *const want[] = {
        "bad.xml:6: system 'mini': no item is tagged baseline=\"guards\" "
        "(专职保安员配备); every system must evidence all four baseline "
        "elements",
        NULL};

    expect_bad(state, subs, want);
}

static void
test_baseline_closed_campus_missing(void **state)
{
    expect_bad1(state, "baseline=\"closed-campus\"", "",
                "bad.xml:6: system 'mini': no item is tagged "
                "baseline=\"closed-campus\" (封闭化管理); every system must "
                "evidence all four baseline elements");
}

static void
test_baseline_alarm_video_missing(void **state)
{
    expect_bad1(state, " baseline=\"alarm-video\"", "",
                "bad.xml:6: system 'mini': no item is tagged "
                "baseline=\"alarm-video\" (一键式紧急报警和视频监控联网); "
                "every system must evidence all four baseline elements");
}

static void
test_baseline_protection_posts_missing(void **state)
{
    expect_bad1(state, " baseline=\"protection-posts\"", "",
                "bad.xml:6: system 'mini': no item is tagged "
                "baseline=\"protection-posts\" (护学岗); every system must "
                "evidence all four baseline elements");
}

static void
test_several_errors_in_line_order(void **state)
{
    const char *const subs[] = {
        " baseline=\"alarm-video\"", "",
        "<stage>primary</stage>", "<stage>primry</stage>",
        "<band id=\"general\"", "<band id=\"low\"",
        "id=\"D1.1.2\" points=\"5\"", "id=\"D1.1.2\" points=\"0\"",
        "per=\"1\"", "per=\"0\"",
        "<when attr=\"canteen\" eq=\"true\"/>",
        "<when attr=\"canteen\" eq=\"maybe\"/>",
        "<item id=\"D3.1.2\"", "<item id=\"D1.1.1\"",
        NULL};
    const char *const want[] = {
        "bad.xml:6: system 'mini': no item is tagged "
        "baseline=\"alarm-video\" (一键式紧急报警和视频监控联网); every "
        "system must evidence all four baseline elements",
        "bad.xml:8: does not match the schema: Element 'stage': [facet "
        "'enumeration'] The value 'primry' is not an element of the set "
        "{'kindergarten', 'primary', 'junior', 'senior', 'nine-year', "
        "'complete-secondary', 'twelve-year', 'vocational', 'special'}. "
        "(in system 'mini')",
        "bad.xml:13: duplicate band id 'low'",
        "bad.xml:31: item 'D1.1.2': points must be greater than 0 "
        "(got '0')",
        "bad.xml:65: item 'D2.1.1': deduct per must be greater than 0 and "
        "at most 10000 (got '0')",
        "bad.xml:87: dimension 'D3': bad value 'maybe' for 'canteen' in "
        "condition (expected true|false or 是|否)",
        "bad.xml:92: duplicate id 'D1.1.1' (first used on line 19)",
        NULL};

    expect_bad(state, subs, want);
}

/* The cap on libxml2 messages ends the list: it says that what follows
 * in the file was not shown, so it must not be sorted to the top. */
static void
test_too_many_errors_note_last(void **state)
{
    struct fx *f = *state;
    char items[60 * 80];
    size_t off = 0;
    int i;
    const char *const anchor = "<indicator id=\"D3.1\" title=\"食堂管理\">\n";
    char *to;

    for (i = 0; i < 60; i++)
        off += (size_t)snprintf(items + off, sizeof(items) - off,
                                "<item id=\"X%d\" points=\"1\" "
                                "method=\"bogus\"><title>t</title></item>\n",
                                i);
    to = malloc(strlen(anchor) + off + 1);
    assert_non_null(to);
    snprintf(to, strlen(anchor) + off + 1, "%s%s", anchor, items);
    f->doc = replace_once(f->mini, anchor, to);
    free(to);
    assert_non_null(f->doc);
    assert_int_equal(load_text(f, "bad.xml", f->doc), SR_ERR_INPUT);
    assert_int_equal(f->d.n, 51);
    assert_non_null(strstr(f->d.v[0].message, "(in item 'X0')"));
    assert_int_equal(f->d.v[0].line, 89);
    assert_string_equal(f->d.v[50].message,
                        "too many errors, the rest are not shown");
}

static void
test_too_many_items(void **state)
{
    struct fx *f = *state;
    const char *const anchor = "<indicator id=\"D3.1\" title=\"食堂管理\">\n";
    size_t cap = 5000 * 72 + 100, off;
    char *to = malloc(cap);
    int i;
    const char *const want[] = {
        "bad.xml:5079: too many items (the limit is 5000)", NULL};

    assert_non_null(to);
    off = (size_t)snprintf(to, cap, "%s", anchor);
    for (i = 0; i < 5000; i++)
        off += (size_t)snprintf(to + off, cap - off,
                                "<item id=\"X%d\" points=\"1\" "
                                "method=\"check\"><title>t</title></item>\n",
                                i);
    f->doc = replace_once(f->mini, anchor, to);
    free(to);
    assert_non_null(f->doc);
    assert_int_equal(load_text(f, "bad.xml", f->doc), SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

/* ------------------------------------------------------------------ */
/* Good files                                                           */
/* ------------------------------------------------------------------ */

static void
test_mini_model(void **state)
{
    struct fx *f = *state;
    const struct sr_dimension *dims;
    const struct sr_indicator *inds;
    const struct sr_item *items;
    const struct sr_band *bands;
    size_t nd, ni, nit, nb;

    assert_int_equal(sr_system_load_file(MINI, &f->sys, &f->d), SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_string_equal(sr_system_id(f->sys), "mini");
    assert_string_equal(sr_system_version(f->sys), "1.0");
    assert_string_equal(sr_system_title(f->sys),
                        "示例小学安全风险评估指标体系");
    assert_string_equal(sr_system_description(f->sys),
                        "文档与测试用的最小完整示例。");
    assert_null(sr_system_basis(f->sys));
    assert_string_equal(sr_system_source(f->sys), MINI);
    assert_int_equal(sr_system_stages(f->sys), 1u << SR_STAGE_PRIMARY);
    assert_int_equal(sr_system_pass_line(f->sys), 8000);
    assert_int_equal(sr_system_valid_months(f->sys), 12);

    bands = sr_system_bands(f->sys, &nb);
    assert_int_equal(nb, 4);
    assert_string_equal(bands[0].id, "low");
    assert_string_equal(bands[0].label, "低风险");
    assert_int_equal(bands[0].colour, SR_BLUE);
    assert_int_equal(bands[0].min, 9000);
    assert_string_equal(bands[1].id, "general");
    assert_int_equal(bands[1].colour, SR_YELLOW);
    assert_int_equal(bands[1].min, 8000);
    assert_string_equal(bands[2].id, "elevated");
    assert_int_equal(bands[2].colour, SR_ORANGE);
    assert_int_equal(bands[2].min, 6000);
    assert_string_equal(bands[3].id, "major");
    assert_string_equal(bands[3].label, "重大风险");
    assert_int_equal(bands[3].colour, SR_RED);
    assert_int_equal(bands[3].min, 0);

    dims = sr_system_dimensions(f->sys, &nd);
    inds = sr_system_indicators(f->sys, &ni);
    items = sr_system_items(f->sys, &nit);
    assert_int_equal(nd, 3);
    assert_int_equal(ni, 5);
    assert_int_equal(nit, 12);
    assert_string_equal(dims[0].id, "D1");
    assert_string_equal(dims[0].title, "人防物防技防");
    assert_int_equal(dims[0].line, 17);
    assert_int_equal(dims[0].ind_first, 0);
    assert_int_equal(dims[0].ind_n, 2);
    assert_int_equal(dims[0].item_first, 0);
    assert_int_equal(dims[0].item_n, 6);
    assert_int_equal(dims[1].ind_first, 2);
    assert_int_equal(dims[1].item_first, 6);
    assert_int_equal(dims[1].item_n, 4);
    assert_string_equal(dims[2].id, "D3");
    assert_int_equal(dims[2].ind_first, 4);
    assert_int_equal(dims[2].ind_n, 1);
    assert_int_equal(dims[2].item_first, 10);
    assert_int_equal(dims[2].item_n, 2);
    assert_string_equal(inds[1].id, "D1.2");
    assert_string_equal(inds[1].title, "封闭化管理与技防");
    assert_int_equal(inds[1].dim, 0);
    assert_int_equal(inds[1].item_first, 2);
    assert_int_equal(inds[1].item_n, 4);
    assert_string_equal(inds[4].id, "D3.1");
    assert_int_equal(inds[4].dim, 2);

    /* Items in document order, with their attributes. */
    assert_string_equal(items[0].id, "D1.1.1");
    assert_string_equal(items[0].title, "专职保安员配备数量达到标准");
    assert_string_equal(items[0].guidance,
                        "核对保安员花名册和排班表，实到人数为分子。");
    assert_non_null(items[0].basis);
    assert_string_equal(items[0].unit, "人");
    assert_int_equal(items[0].line, 19);
    assert_int_equal(items[0].points, 1000);
    assert_int_equal(items[0].method, SR_METHOD_RATIO);
    assert_int_equal(items[0].baseline, SR_BASELINE_GUARDS);
    assert_int_equal(items[0].req_attr, SR_ATTR_ENROLLMENT);
    assert_int_equal(items[0].opt_n, 3);
    assert_false(items[0].veto);
    assert_int_equal(items[0].hazard, SR_HAZARD_GENERAL);
    assert_null(items[1].guidance);
    assert_null(items[1].basis);
    assert_string_equal(items[2].id, "D1.2.1");
    assert_true(items[2].veto);
    assert_int_equal(items[2].hazard, SR_HAZARD_MAJOR);
    assert_int_equal(items[2].baseline, SR_BASELINE_CLOSED_CAMPUS);
    assert_int_equal(items[3].method, SR_METHOD_LEVELS);
    assert_int_equal(items[3].opt_n, 3);
    assert_string_equal(sr_system_levels(f->sys)[items[3].opt_off + 1].value,
                        "基本符合");
    assert_int_equal(sr_system_levels(f->sys)[items[3].opt_off + 1].fraction,
                     6000);
    assert_int_equal(items[4].method, SR_METHOD_THRESHOLD);
    assert_false(items[4].lower_better);
    assert_string_equal(items[4].unit, "天");
    assert_int_equal(sr_system_steps(f->sys)[items[4].opt_off].at, 150000);
    assert_int_equal(sr_system_steps(f->sys)[items[4].opt_off].fraction,
                     5000);
    assert_int_equal(items[5].baseline, SR_BASELINE_PROTECTION_POSTS);
    assert_string_equal(items[6].id, "D2.1.1");
    assert_int_equal(items[6].method, SR_METHOD_DEDUCT);
    assert_int_equal(items[6].per, 100);
    assert_string_equal(items[6].unit, "处");
    assert_int_equal(items[6].baseline, -1);
    assert_true(items[7].lower_better);
    assert_true(items[8].veto);
    assert_int_equal(items[8].line, 76);
    assert_true(items[9].allow_na);
    assert_false(items[8].allow_na);
    assert_int_equal(items[11].method, SR_METHOD_RATIO);
    assert_int_equal(items[11].req_attr, -1);
    assert_int_equal(items[11].dim, 2);
    assert_int_equal(items[11].ind, 4);
}

static void
test_mini_conditions(void **state)
{
    struct fx *f = *state;
    const struct sr_item *it;
    const struct sr_cond *c;
    char *s;

    assert_int_equal(sr_system_load_file(MINI, &f->sys, &f->d), SR_OK);
    c = sr_system_conds(f->sys);

    /* D3.1.1 inherits its dimension's condition. */
    it = item(f->sys, "D3.1.1");
    assert_int_equal(it->cond_n, 1);
    assert_int_equal(c[it->cond_off].attr, SR_ATTR_CANTEEN);
    assert_int_equal(c[it->cond_off].op, SR_OP_EQ);
    assert_int_equal(c[it->cond_off].value, 1);
    s = sr_conds_format(f->sys, it->cond_off, it->cond_n);
    assert_string_equal(s, "canteen=true");
    free(s);
    it = item(f->sys, "D3.1.2");
    assert_int_equal(it->cond_n, 1);
    assert_int_equal(c[it->cond_off].attr, SR_ATTR_CANTEEN);

    it = item(f->sys, "D2.2.1");
    s = sr_conds_format(f->sys, it->cond_off, it->cond_n);
    assert_string_equal(s, "boarding=true");
    free(s);
    it = item(f->sys, "D2.2.2");
    s = sr_conds_format(f->sys, it->cond_off, it->cond_n);
    assert_string_equal(s, "school_bus=true");
    free(s);

    it = item(f->sys, "D1.1.1");
    assert_int_equal(it->cond_n, 0);
    s = sr_conds_format(f->sys, it->cond_off, it->cond_n);
    assert_string_equal(s, "");
    free(s);
}

/* Conditions at three levels, every operator form, in inherited order:
 * dimension first, then indicator, then the item's own. */
static void
test_conditions_inherited_and_formatted(void **state)
{
    const char *const subs[] = {
        "<indicator id=\"D3.1\" title=\"食堂管理\">",
        "<indicator id=\"D3.1\" title=\"食堂管理\"><when attr=\"boarders\" "
        "gt=\"0\"/>",
        "<title>每餐食品留样48小时</title>",
        "<title>每餐食品留样48小时</title><when attr=\"locale\" "
        "in=\"rural town\"/><when attr=\"enrollment\" ge=\"1000\"/><when "
        "attr=\"ownership\" ne=\"private\"/><when attr=\"special_needs\" "
        "lt=\"5\"/><when attr=\"boarders\" le=\"300\"/>",
        NULL};
    struct fx *f;
    const struct sr_item *it;
    struct sr_school sc;
    char *s;

    expect_good(state, subs);
    f = *state;
    it = item(f->sys, "D3.1.1");
    s = sr_conds_format(f->sys, it->cond_off, it->cond_n);
    assert_string_equal(s, "canteen=true;boarders>0;locale in town|rural;"
                           "enrollment>=1000;ownership!=private;"
                           "special_needs<5;boarders<=300");
    free(s);
    it = item(f->sys, "D3.1.2");
    s = sr_conds_format(f->sys, it->cond_off, it->cond_n);
    assert_string_equal(s, "canteen=true;boarders>0");
    free(s);

    /* Evaluation: all must hold; the first failing one is named. */
    it = item(f->sys, "D3.1.1");
    sr_school_init(&sc);
    assert_int_equal(sr_school_set(&sc, "stage", "primary", &f->d, NULL, 0),
                     SR_OK);
    assert_int_equal(sr_school_set(&sc, "canteen", "true", &f->d, NULL, 0),
                     SR_OK);
    assert_int_equal(sr_school_set(&sc, "boarders", "10", &f->d, NULL, 0),
                     SR_OK);
    assert_int_equal(sr_school_set(&sc, "locale", "town", &f->d, NULL, 0),
                     SR_OK);
    assert_int_equal(sr_school_set(&sc, "enrollment", "999", &f->d, NULL, 0),
                     SR_OK);
    assert_false(sr_item_applies(f->sys, it, &sc));
    assert_int_equal(sr_item_failing_cond(f->sys, it, &sc),
                     (long)it->cond_off + 3);
    assert_int_equal(sr_school_set(&sc, "enrollment", "1000", &f->d, NULL, 0),
                     SR_OK);
    assert_true(sr_item_applies(f->sys, it, &sc));
    assert_int_equal(sr_item_failing_cond(f->sys, it, &sc), -1);
    assert_int_equal(sr_school_set(&sc, "locale", "urban", &f->d, NULL, 0),
                     SR_OK);
    assert_int_equal(sr_item_failing_cond(f->sys, it, &sc),
                     (long)it->cond_off + 2);
    assert_int_equal(f->d.n, 0);
}

static void
test_mini_required(void **state)
{
    static const struct {
        const char *enrollment;
        int64_t want;
    } cases[] = {
        {"0", 10000},     {"99", 10000},    {"100", 20000},
        {"999", 20000},   {"1000", 30000},  {"1499", 30000},
        {"1500", 40000},  {"2000", 50000},  {"2499", 50000},
    };
    struct fx *f = *state;
    struct sr_school sc;
    const struct sr_item *it;
    size_t i;

    assert_int_equal(sr_system_load_file(MINI, &f->sys, &f->d), SR_OK);
    it = item(f->sys, "D1.1.1");
    sr_school_init(&sc);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(sr_school_set(&sc, "enrollment",
                                       cases[i].enrollment, &f->d, NULL, 0),
                         SR_OK);
        assert_int_equal(sr_item_required(f->sys, it, &sc), cases[i].want);
    }
    /* Not a derived ratio: 0. */
    assert_int_equal(sr_item_required(f->sys, item(f->sys, "D3.1.2"), &sc),
                     0);
    assert_int_equal(sr_item_required(f->sys, item(f->sys, "D1.1.2"), &sc),
                     0);
}

static void
test_mini_choices(void **state)
{
    static const struct {
        const char *id;
        const char *want;
    } cases[] = {
        {"D1.1.1", "actual (required by enrollment: >=0:1|>=100:2|"
                   ">=1000:3+1/500)"},
        {"D1.1.2", "pass:1|fail:0"},
        {"D1.2.2", "符合:1|基本符合:0.6|不符合:0"},
        {"D1.2.3", ">=30:1|>=15:0.5|else:0"},
        {"D2.1.1", "count:-1 each"},
        {"D2.1.2", "<=3:1|<=5:0.6|else:0"},
        {"D2.2.2", "pass:1|fail:0|na"},
        {"D3.1.2", "actual/required"},
    };
    struct fx *f = *state;
    size_t i;

    assert_int_equal(sr_system_load_file(MINI, &f->sys, &f->d), SR_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = sr_item_choices(f->sys, item(f->sys, cases[i].id));

        assert_non_null(s);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
}

static void
test_mini_find_item(void **state)
{
    static const char *const ids[] = {
        "D1.1.1", "D1.1.2", "D1.2.1", "D1.2.2", "D1.2.3", "D1.2.4",
        "D2.1.1", "D2.1.2", "D2.2.1", "D2.2.2", "D3.1.1", "D3.1.2",
    };
    struct fx *f = *state;
    size_t i;

    assert_int_equal(sr_system_load_file(MINI, &f->sys, &f->d), SR_OK);
    for (i = 0; i < 12; i++)
        assert_int_equal(sr_system_find_item(f->sys, ids[i]), (long)i);
    assert_int_equal(sr_system_find_item(f->sys, "D1"), -1);
    assert_int_equal(sr_system_find_item(f->sys, "D1.1"), -1);
    assert_int_equal(sr_system_find_item(f->sys, "D0"), -1);
    assert_int_equal(sr_system_find_item(f->sys, "D9.9.9"), -1);
    assert_int_equal(sr_system_find_item(f->sys, ""), -1);
    assert_int_equal(sr_system_find_item(f->sys, "d1.1.1"), -1);
}

static void
test_names(void **state)
{
    (void)state;
    assert_string_equal(sr_method_name(SR_METHOD_CHECK), "check");
    assert_string_equal(sr_method_name(SR_METHOD_RATIO), "ratio");
    assert_null(sr_method_name(SR_METHOD_COUNT));
    assert_null(sr_method_name(-1));
    assert_string_equal(sr_hazard_name(SR_HAZARD_MAJOR), "major");
    assert_string_equal(sr_hazard_label(SR_HAZARD_GENERAL), "一般隐患");
    /* Format 2's level hazards add none (无隐患) after the two. */
    assert_string_equal(sr_hazard_name(SR_HAZARD_NONE), "none");
    assert_null(sr_hazard_name(3));
    assert_null(sr_hazard_label(-1));
    assert_string_equal(sr_baseline_name(SR_BASELINE_ALARM_VIDEO),
                        "alarm-video");
    assert_string_equal(sr_baseline_label(SR_BASELINE_PROTECTION_POSTS),
                        "护学岗");
    assert_null(sr_baseline_name(SR_BASELINE_COUNT));
    assert_string_equal(sr_colour_name(SR_ORANGE), "orange");
    assert_null(sr_colour_name(4));
}

/* The loader must read exactly len bytes of a memory buffer: here the
 * bytes after len hold a DOCTYPE that is not part of the document. */
static void
test_memory_reads_only_len(void **state)
{
    struct fx *f = *state;
    static const char tail[] = "<!DOCTYPE x [<!ENTITY e \"e\">]>";

    f->doc = malloc(f->mini_len + sizeof(tail));
    assert_non_null(f->doc);
    memcpy(f->doc, f->mini, f->mini_len);
    memcpy(f->doc + f->mini_len, tail, sizeof(tail));
    assert_int_equal(sr_system_load_memory("m.xml", f->doc, f->mini_len,
                                           &f->sys, &f->d),
                     SR_OK);
    assert_int_equal(f->d.n, 0);
}

static void
test_shipped_files_load(void **state)
{
    struct fx *f = *state;
    DIR *d = opendir(SR_INDICATORS);
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d))) {
        char path[512];
        size_t l = strlen(de->d_name);

        if (l < 5 || strcmp(de->d_name + l - 4, ".xml"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", SR_INDICATORS, de->d_name);
        if (sr_system_load_file(path, &f->sys, &f->d) != SR_OK ||
            f->d.n != 0) {
            print_error("%s:\n", path);
            show_diags(&f->d);
            closedir(d);
            fail();
        }
        sr_system_free(f->sys);
        f->sys = NULL;
        n++;
    }
    closedir(d);
    assert_int_equal(n, 6);
}

static void
test_shipped_catalog(void **state)
{
    static const char *const want[SR_STAGE_COUNT] = {
        [SR_STAGE_KINDERGARTEN] = "kindergarten",
        [SR_STAGE_PRIMARY] = "primary",
        [SR_STAGE_JUNIOR] = "junior",
        [SR_STAGE_SENIOR] = "senior",
        [SR_STAGE_NINE_YEAR] = "junior",
        [SR_STAGE_COMPLETE_SECONDARY] = "senior",
        [SR_STAGE_TWELVE_YEAR] = "senior",
        [SR_STAGE_VOCATIONAL] = "vocational",
        [SR_STAGE_SPECIAL] = "special",
    };
    struct fx *f = *state;
    uint32_t all = 0;
    size_t i;
    int st;

    assert_int_equal(sr_catalog_load_dir(SR_INDICATORS, &f->cat, &f->d),
                     SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(sr_catalog_count(f->cat), 6);
    /* Every stage exactly once across the systems. */
    for (i = 0; i < sr_catalog_count(f->cat); i++) {
        uint32_t s = sr_system_stages(sr_catalog_get(f->cat, i));

        assert_int_equal(all & s, 0);
        all |= s;
    }
    assert_int_equal(all, (1u << SR_STAGE_COUNT) - 1);
    assert_null(sr_catalog_get(f->cat, 6));
    for (st = 0; st < SR_STAGE_COUNT; st++) {
        const struct sr_system *s = sr_catalog_for_stage(f->cat, st);

        assert_non_null(s);
        assert_string_equal(sr_system_id(s), want[st]);
    }
    assert_null(sr_catalog_for_stage(f->cat, SR_STAGE_COUNT));
    assert_null(sr_catalog_for_stage(f->cat, -1));
    assert_string_equal(sr_system_id(sr_catalog_find(f->cat, "senior")),
                        "senior");
    assert_null(sr_catalog_find(f->cat, "mini"));
    /* Name order of the files. */
    assert_string_equal(sr_system_id(sr_catalog_get(f->cat, 0)), "junior");
    assert_string_equal(sr_system_id(sr_catalog_get(f->cat, 5)),
                        "vocational");
}

/* ------------------------------------------------------------------ */
/* Catalogs of a temporary directory                                    */
/* ------------------------------------------------------------------ */

#define ALL_STAGES                                                       \
    "<stage>kindergarten</stage><stage>primary</stage>"                  \
    "<stage>junior</stage><stage>senior</stage><stage>nine-year</stage>" \
    "<stage>complete-secondary</stage><stage>twelve-year</stage>"        \
    "<stage>vocational</stage><stage>special</stage>"

/* Write mini.xml as dir/name with system id and stages replaced. */
static void
write_system(struct fx *f, const char *name, const char *id,
             const char *stages)
{
    char idattr[64];
    const char *const subs[] = {"id=\"mini\"", idattr,
                                "<stage>primary</stage>", stages, NULL};
    char *doc;

    snprintf(idattr, sizeof(idattr), "id=\"%s\"", id);
    doc = mini_with(f, subs);
    write_file(f->dir, name, doc);
    free(doc);
}

static void
test_catalog_ok_ignores_other_files(void **state)
{
    struct fx *f = *state;

    make_dir(f);
    write_system(f, "a.xml", "most", ALL_STAGES);
    /* Only "*.xml" files, and no hidden ones, are systems. */
    write_file(f->dir, "README.txt", "not a system");
    write_file(f->dir, ".hidden.xml", "not a system either");
    write_file(f->dir, "notes.xml~", "a backup");
    assert_int_equal(sr_catalog_load_dir(f->dir, &f->cat, &f->d), SR_OK);
    assert_int_equal(f->d.n, 0);
    assert_int_equal(sr_catalog_count(f->cat), 1);
    assert_string_equal(sr_system_id(sr_catalog_for_stage(f->cat,
                                                          SR_STAGE_SPECIAL)),
                        "most");
}

static void
test_catalog_stage_twice(void **state)
{
    struct fx *f = *state;
    char want[512];

    make_dir(f);
    write_system(f, "a.xml", "all", ALL_STAGES);
    write_system(f, "b.xml", "second", "<stage>primary</stage>");
    assert_int_equal(sr_catalog_load_dir(f->dir, &f->cat, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->cat);
    snprintf(want, sizeof(want),
             "%s: stage 'primary' is covered by two systems: 'all' "
             "(%s/a.xml) and 'second' (%s/b.xml)",
             f->dir, f->dir, f->dir);
    {
        const char *const w[] = {want, NULL};

        assert_diags(&f->d, w);
    }
}

static void
test_catalog_stage_not_covered(void **state)
{
    struct fx *f = *state;
    char want[512];

    make_dir(f);
    write_system(f, "a.xml", "most",
                 "<stage>kindergarten</stage><stage>primary</stage>"
                 "<stage>junior</stage><stage>senior</stage>"
                 "<stage>nine-year</stage><stage>complete-secondary</stage>"
                 "<stage>twelve-year</stage><stage>vocational</stage>");
    assert_int_equal(sr_catalog_load_dir(f->dir, &f->cat, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->cat);
    snprintf(want, sizeof(want),
             "%s: stage 'special' (特殊教育学校) is not covered by any "
             "system",
             f->dir);
    {
        const char *const w[] = {want, NULL};

        assert_diags(&f->d, w);
    }
}

static void
test_catalog_same_system_id(void **state)
{
    struct fx *f = *state;
    char want[512];

    make_dir(f);
    write_system(f, "a.xml", "mini",
                 "<stage>kindergarten</stage><stage>primary</stage>"
                 "<stage>junior</stage><stage>senior</stage>");
    write_system(f, "b.xml", "mini",
                 "<stage>nine-year</stage><stage>complete-secondary</stage>"
                 "<stage>twelve-year</stage><stage>vocational</stage>"
                 "<stage>special</stage>");
    assert_int_equal(sr_catalog_load_dir(f->dir, &f->cat, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->cat);
    snprintf(want, sizeof(want),
             "%s/b.xml: system id 'mini' is also used by '%s/a.xml'", f->dir,
             f->dir);
    {
        const char *const w[] = {want, NULL};

        assert_diags(&f->d, w);
    }
}

static void
test_catalog_empty_dir(void **state)
{
    struct fx *f = *state;
    char want[512];

    make_dir(f);
    assert_int_equal(sr_catalog_load_dir(f->dir, &f->cat, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->cat);
    snprintf(want, sizeof(want), "%s: no indicator files (*.xml) found",
             f->dir);
    {
        const char *const w[] = {want, NULL};

        assert_diags(&f->d, w);
    }
}

static void
test_catalog_invalid_file(void **state)
{
    struct fx *f = *state;
    const char *const subs[] = {"id=\"D1.1.2\" points=\"5\"",
                                "id=\"D1.1.2\" points=\"0\"",
                                "<stage>primary</stage>", ALL_STAGES, NULL};
    char want[512];

    make_dir(f);
    f->doc = mini_with(f, subs);
    write_file(f->dir, "bad.xml", f->doc);
    assert_int_equal(sr_catalog_load_dir(f->dir, &f->cat, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->cat);
    /* The file's own diagnostic only: no coverage messages follow. */
    snprintf(want, sizeof(want),
             "%s/bad.xml:31: item 'D1.1.2': points must be greater than 0 "
             "(got '0')",
             f->dir);
    {
        const char *const w[] = {want, NULL};

        assert_diags(&f->d, w);
    }
}

static void
test_catalog_missing_dir(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "/nonexistent/sr-test: cannot read directory: No such file or "
        "directory",
        NULL};

    assert_int_equal(sr_catalog_load_dir("/nonexistent/sr-test", &f->cat,
                                         &f->d),
                     SR_ERR_IO);
    assert_null(f->cat);
    assert_diags(&f->d, want);
}

/* ------------------------------------------------------------------ */
/* Malicious and broken files                                           */
/* ------------------------------------------------------------------ */

static void
test_xxe_refused(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX "/xxe.xml:2: DOCTYPE and ENTITY declarations are not "
        "allowed in indicator files",
        NULL};
    size_t i;

    assert_int_equal(sr_system_load_file(LOADER_FX "/xxe.xml", &f->sys,
                                         &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
    for (i = 0; i < f->d.n; i++) {
        assert_null(strstr(f->d.v[i].message, "root:"));
        assert_null(strstr(f->d.v[i].message, "/bin/"));
    }
    assert_rss_bounded();
}

static void
test_billion_laughs_refused(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX "/billion-laughs.xml:2: DOCTYPE and ENTITY declarations "
        "are not allowed in indicator files",
        NULL};

    assert_int_equal(sr_system_load_file(LOADER_FX "/billion-laughs.xml",
                                         &f->sys, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
    assert_rss_bounded();
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
test_huge_file_refused_unread(void **state)
{
    struct fx *f = *state;
    char path[128], want[256];
    struct timespec t0, t1;
    struct rusage r0, r1;
    int fd;

    make_dir(f);
    snprintf(path, sizeof(path), "%s/huge.xml", f->dir);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)100 << 20), 0);
    assert_int_equal(close(fd), 0);

    assert_int_equal(getrusage(RUSAGE_SELF, &r0), 0);
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t0), 0);
    assert_int_equal(sr_system_load_file(path, &f->sys, &f->d),
                     SR_ERR_TOO_LARGE);
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t1), 0);
    assert_int_equal(getrusage(RUSAGE_SELF, &r1), 0);
    assert_null(f->sys);
    snprintf(want, sizeof(want),
             "%s: file is larger than the limit of 8 MiB", path);
    {
        const char *const w[] = {want, NULL};

        assert_diags(&f->d, w);
    }
    /* A safety bound, not a benchmark: the file is never read, so
     * neither time nor peak memory grows with its size. */
    assert_true(elapsed(&t0, &t1) < 2.0);
    assert_true(r1.ru_maxrss - r0.ru_maxrss < 50L * 1024);
    assert_rss_bounded();
}

static void
test_huge_memory_refused(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "big.xml: file is larger than the limit of 8 MiB", NULL};

    f->doc = malloc(SR_SYSTEM_MAX_BYTES + 1u);
    assert_non_null(f->doc);
    memset(f->doc, ' ', SR_SYSTEM_MAX_BYTES + 1u);
    assert_int_equal(sr_system_load_memory("big.xml", f->doc,
                                           SR_SYSTEM_MAX_BYTES + 1u,
                                           &f->sys, &f->d),
                     SR_ERR_TOO_LARGE);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_invalid_utf8(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "bad.xml:20: invalid UTF-8 at byte 978; indicator files must be "
        "UTF-8",
        NULL};
    const char *const subs[] = {
        /* a 3-byte sequence cut after its second byte */
        "专职保安员配备数量达到标准", "\xe4\xb8保安员配备数量达到标准", NULL};

    f->doc = mini_with(f, subs);
    assert_int_equal(load_text(f, "bad.xml", f->doc), SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_deep_nesting(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "deep.xml:3: not well-formed XML: Excessive depth in document: 256",
        NULL};
    const char *const head =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<system xmlns=\"urn:schoolrisk:indicators:1\">\n";
    size_t hl = strlen(head), i;
    char *p;

    f->doc = malloc(hl + 10000 * 7 + 32);
    assert_non_null(f->doc);
    memcpy(f->doc, head, hl);
    p = f->doc + hl;
    for (i = 0; i < 10000; i++, p += 3)
        memcpy(p, "<a>", 3);
    for (i = 0; i < 10000; i++, p += 4)
        memcpy(p, "</a>", 4);
    memcpy(p, "\n</system>\n", sizeof("\n</system>\n"));
    assert_int_equal(load_text(f, "deep.xml", f->doc), SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
    assert_rss_bounded();
}

static void
test_nul_byte(void **state)
{
    struct fx *f = *state;
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<system xmlns=\"urn:schoolrisk:indicators:1\">\n"
        "  <stages>\0</stages>\n"
        "</system>\n";
    const char *const want[] = {"nul.xml:3: file contains a NUL byte", NULL};

    assert_int_equal(sr_system_load_memory("nul.xml", doc, sizeof(doc) - 1,
                                           &f->sys, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_not_xml(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX "/not-xml.xml:1: not well-formed XML: Start tag expected, "
        "'<' not found",
        NULL};

    assert_int_equal(sr_system_load_file(LOADER_FX "/not-xml.xml", &f->sys,
                                         &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_empty_file(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX "/empty.xml:1: not well-formed XML: Document is empty",
        NULL};

    assert_int_equal(sr_system_load_file(LOADER_FX "/empty.xml", &f->sys,
                                         &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_truncated_file(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "cut.xml:60: not well-formed XML: Premature end of data in tag "
        "system line 5",
        NULL};

    f->doc = malloc(f->mini_len + 1);
    assert_non_null(f->doc);
    memcpy(f->doc, f->mini, f->mini_len + 1);
    *strstr(f->doc, "<dimension id=\"D2\"") = '\0';
    assert_int_equal(load_text(f, "cut.xml", f->doc), SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_wrong_root(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX "/wrong-root.xml:2: root element must be <system "
        "xmlns=\"urn:schoolrisk:indicators:1\">",
        NULL};

    assert_int_equal(sr_system_load_file(LOADER_FX "/wrong-root.xml",
                                         &f->sys, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_wrong_namespace(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX "/wrong-namespace.xml:2: root element must be <system "
        "xmlns=\"urn:schoolrisk:indicators:1\">",
        NULL};

    assert_int_equal(sr_system_load_file(LOADER_FX "/wrong-namespace.xml",
                                         &f->sys, &f->d),
                     SR_ERR_INPUT);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_no_namespace(void **state)
{
    const char *const subs[] = {" xmlns=\"urn:schoolrisk:indicators:1\"", "",
                                NULL};
    const char *const want[] = {
        "bad.xml:6: root element must be <system "
        "xmlns=\"urn:schoolrisk:indicators:1\">",
        NULL};

    expect_bad(state, subs, want);
}

static void
test_memory_bounded_after_malicious(void **state)
{
    (void)state;
    /* Runs after every malicious case above. */
    assert_rss_bounded();
}

/* ------------------------------------------------------------------ */
/* File errors                                                          */
/* ------------------------------------------------------------------ */

static void
test_missing_file(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        "/nonexistent/x.xml: cannot read file: No such file or directory",
        NULL};

    assert_int_equal(sr_system_load_file("/nonexistent/x.xml", &f->sys,
                                         &f->d),
                     SR_ERR_IO);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

static void
test_directory_as_file(void **state)
{
    struct fx *f = *state;
    const char *const want[] = {
        LOADER_FX ": cannot read file: Is a directory", NULL};

    assert_int_equal(sr_system_load_file(LOADER_FX, &f->sys, &f->d),
                     SR_ERR_IO);
    assert_null(f->sys);
    assert_diags(&f->d, want);
}

/* Diagnostics are appended: earlier entries are kept and not reordered
 * by a later load. */
static void
test_diags_appended(void **state)
{
    struct fx *f = *state;

    assert_int_equal(sr_diags_add(&f->d, "earlier.txt", 99, "kept"), SR_OK);
    f->doc = mini_with(f, (const char *const[]){"per=\"1\"", "per=\"0\"",
                                                NULL});
    assert_int_equal(load_text(f, "bad.xml", f->doc), SR_ERR_INPUT);
    assert_int_equal(f->d.n, 2);
    assert_string_equal(f->d.v[0].message, "kept");
    assert_int_equal(f->d.v[0].line, 99);
    assert_int_equal(f->d.v[1].line, 65);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_duplicate_id),
        T(test_duplicate_id_across_levels),
        T(test_points_zero),
        T(test_points_negative),
        T(test_points_three_decimals),
        T(test_points_too_large),
        T(test_points_limit_accepted),
        T(test_level_fraction_above_one),
        T(test_level_fraction_negative),
        T(test_level_duplicate_value),
        T(test_level_value_na),
        T(test_level_value_other_na_spellings),
        T(test_level_none_full),
        T(test_threshold_not_ascending),
        T(test_threshold_higher_decreasing),
        T(test_threshold_higher_last_not_one),
        T(test_threshold_lower_increasing),
        T(test_threshold_lower_first_not_one),
        T(test_deduct_per_zero),
        T(test_ratio_required_not_count),
        T(test_ratio_first_step_not_zero),
        T(test_ratio_steps_not_ascending),
        T(test_ratio_required_value_zero),
        T(test_ratio_every_without_add),
        T(test_ratio_every_not_last),
        T(test_veto_hazard_general),
        T(test_when_unknown_attr),
        T(test_when_two_operators),
        T(test_when_no_operator),
        T(test_when_bad_flag_value),
        T(test_when_ge_on_flag),
        T(test_when_in_on_count),
        T(test_when_bad_value_in_list),
        T(test_when_count_not_whole),
        T(test_when_on_dimension),
        T(test_check_with_levels),
        T(test_threshold_with_levels),
        T(test_levels_without_levels),
        T(test_bands_not_descending),
        T(test_band_last_not_zero),
        T(test_band_duplicate_id),
        T(test_pass_line_above_100),
        T(test_valid_months_zero),
        T(test_valid_months_200),
        T(test_valid_months_120_accepted),
        T(test_stage_twice),
        T(test_baseline_guards_missing),
        T(test_baseline_closed_campus_missing),
        T(test_baseline_alarm_video_missing),
        T(test_baseline_protection_posts_missing),
        T(test_several_errors_in_line_order),
        T(test_too_many_errors_note_last),
        T(test_too_many_items),
        T(test_mini_model),
        T(test_mini_conditions),
        T(test_conditions_inherited_and_formatted),
        T(test_mini_required),
        T(test_mini_choices),
        T(test_mini_find_item),
        T(test_names),
        T(test_memory_reads_only_len),
        T(test_shipped_files_load),
        T(test_shipped_catalog),
        T(test_catalog_ok_ignores_other_files),
        T(test_catalog_stage_twice),
        T(test_catalog_stage_not_covered),
        T(test_catalog_same_system_id),
        T(test_catalog_empty_dir),
        T(test_catalog_invalid_file),
        T(test_catalog_missing_dir),
        T(test_xxe_refused),
        T(test_billion_laughs_refused),
        T(test_huge_file_refused_unread),
        T(test_huge_memory_refused),
        T(test_invalid_utf8),
        T(test_deep_nesting),
        T(test_nul_byte),
        T(test_not_xml),
        T(test_empty_file),
        T(test_truncated_file),
        T(test_wrong_root),
        T(test_wrong_namespace),
        T(test_no_namespace),
        T(test_memory_bounded_after_malicious),
        T(test_missing_file),
        T(test_directory_as_file),
        T(test_diags_appended),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
