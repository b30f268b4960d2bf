/*
 * fmt2_fixture.h - what the format-2 unit tests (test_format2.c,
 * test_groups.c) share: a system written in the test around a fixed
 * head (grading and the four-100% items, out of every school's way),
 * loaded, answered and scored, and the helpers that look into it.
 * Included once by each test file, after testutil.h and the library's
 * headers.
 */
#ifndef SR_FMT2_FIXTURE_H
#define SR_FMT2_FIXTURE_H

#define HEAD(fmt)                                                         \
    "<system xmlns=\"urn:schoolrisk:indicators:1\" " fmt " id=\"t\" "     \
    "version=\"1\" title=\"测试\">\n"                                     \
    "<stages><stage>primary</stage></stages>\n"                           \
    "<grading pass=\"80\" valid-months=\"12\">"                           \
    "<band id=\"low\" label=\"低风险\" colour=\"blue\" min=\"90\"/>"      \
    "<band id=\"general\" label=\"一般风险\" colour=\"yellow\" "          \
    "min=\"80\"/>"                                                        \
    "<band id=\"elevated\" label=\"较大风险\" colour=\"orange\" "         \
    "min=\"60\"/>"                                                        \
    "<band id=\"major\" label=\"重大风险\" colour=\"red\" min=\"0\"/>"    \
    "</grading>\n"                                                        \
    "<dimension id=\"B\" title=\"基线\">"                                 \
    "<when attr=\"special_needs\" ge=\"9999\"/>"                          \
    "<indicator id=\"B.1\" title=\"四个100%\">"                           \
    "<item id=\"B1\" points=\"1\" method=\"check\" baseline=\"guards\">"  \
    "<title>保安</title></item>"                                          \
    "<item id=\"B2\" points=\"1\" method=\"check\" "                      \
    "baseline=\"closed-campus\"><title>封闭</title></item>"               \
    "<item id=\"B3\" points=\"1\" method=\"check\" "                      \
    "baseline=\"alarm-video\"><title>报警</title></item>"                 \
    "<item id=\"B4\" points=\"1\" method=\"check\" "                      \
    "baseline=\"protection-posts\"><title>护学岗</title></item>"          \
    "</indicator></dimension>\n"                                          \
    "<dimension id=\"T\" title=\"测试\">\n"

#define FORMAT2 "format=\"2\""
#define FORMAT1 ""

/* A fixture: the system, a school, answers and the result. */
struct fx {
    struct sr_system *sys;
    struct sr_school school;
    struct sr_responses resp;
    struct sr_result res;
    struct sr_diags diags;
};

/* Load head + body (the rest of dimension T) + the closing tags. */
static sr_error
load(struct fx *f, const char *head, const char *body)
{
    char *xml;
    size_t len = strlen(head) + strlen(body) + 64;
    sr_error rc;

    memset(f, 0, sizeof(*f));
    sr_diags_init(&f->diags);
    xml = malloc(len);
    assert_non_null(xml);
    snprintf(xml, len, "%s%s\n</dimension></system>\n", head, body);
    rc = sr_system_load_memory("t.xml", xml, strlen(xml), &f->sys,
                               &f->diags);
    free(xml);
    sr_school_init(&f->school);
    f->school.attr[SR_ATTR_STAGE] = SR_STAGE_PRIMARY;
    f->school.set = 1u << SR_ATTR_STAGE;
    return rc;
}

/* A format-2 system whose indicator T.1 holds items (from line 6). */
static void
fx_load(struct fx *f, const char *items)
{
    char body[8192];

    snprintf(body, sizeof(body),
             "<indicator id=\"T.1\" title=\"测试\">\n%s\n</indicator>",
             items);
    if (load(f, HEAD(FORMAT2), body) != SR_OK)
        show_diags(&f->diags);
    assert_non_null(f->sys);
    assert_int_equal(sr_responses_init(&f->resp, f->sys), SR_OK);
    assert_int_equal(sr_result_init(&f->res, f->sys), SR_OK);
}

/* The items must be refused with exactly want[] (format 2 or 1). */
static void
expect_bad(const char *head, const char *items, const char *const *want)
{
    struct fx f;
    char body[8192];

    snprintf(body, sizeof(body),
             "<indicator id=\"T.1\" title=\"测试\">\n%s\n</indicator>",
             items);
    assert_int_equal(load(&f, head, body), SR_ERR_INPUT);
    assert_null(f.sys);
    assert_diags(&f.diags, want);
    sr_diags_release(&f.diags);
}

static void
fx_free(struct fx *f)
{
    sr_result_release(&f->res);
    sr_responses_release(&f->resp);
    sr_system_free(f->sys);
    sr_diags_release(&f->diags);
}

/* Answer item with value; it must be accepted. */
static void
answer(struct fx *f, const char *item, const char *value)
{
    sr_error rc = sr_responses_set(&f->resp, &f->school, item, value, NULL,
                                   &f->diags, "r.csv", 2);

    if (rc != SR_OK)
        show_diags(&f->diags);
    assert_int_equal(rc, SR_OK);
}

/* Answer item with value; it must be refused with exactly want. */
static void
answer_bad(struct fx *f, const char *item, const char *value,
           const char *want)
{
    const char *const w[] = {want, NULL};

    sr_diags_release(&f->diags);
    sr_diags_init(&f->diags);
    assert_int_equal(sr_responses_set(&f->resp, &f->school, item, value,
                                      NULL, &f->diags, "r.csv", 2),
                     SR_ERR_INPUT);
    assert_diags(&f->diags, w);
}

/* Forget every answer (a fresh set for the next case). */
static void
reset(struct fx *f)
{
    sr_responses_release(&f->resp);
    assert_int_equal(sr_responses_init(&f->resp, f->sys), SR_OK);
}

static long
idx(struct fx *f, const char *id)
{
    long i = sr_system_find_item(f->sys, id);

    assert_true(i >= 0);
    return i;
}

static const struct sr_item *
item(struct fx *f, const char *id)
{
    size_t n;

    return &sr_system_items(f->sys, &n)[idx(f, id)];
}

static const char *
band_id(struct fx *f)
{
    size_t nb;

    return sr_system_bands(f->sys, &nb)[f->res.band].id;
}

static void
assert_choices(struct fx *f, const char *id, const char *want)
{
    char *got = sr_item_choices(f->sys, item(f, id));

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

#endif /* SR_FMT2_FIXTURE_H */
