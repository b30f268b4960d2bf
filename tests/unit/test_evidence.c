/*
 * test_evidence.c - evidence files (schoolrisk/evidence.h): the type
 * decided by the content, never the name; the size cap; content-
 * addressed storage (one file however often it is uploaded, one row per
 * school); opening a stored file; references from an answer and from a
 * hazard's rectification, checked against the school, and pinned by the
 * audit chain.
 *
 * A fresh database per test in a mkdtemp directory (mini.xml, two
 * schools imported through the registry); the files go to DIR/evidence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/evidence.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "testdb.h"

/* 2026-09-15T02:00:00Z = 2026-09-15 10:00 in Jinan. */
#define CLOCK ((time_t)1789437600)

static const char registry_csv[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数,安全负责人,联系电话\n"
    "3701020001,济南市历下区示例小学,历下区,小学,公办,城区,否,否,是,否,"
    "否,800,0,0,,\n"
    "3701120001,济南市历城区示例小学,历城区,小学,公办,乡村,否,否,是,否,"
    "否,200,0,0,,\n";

/* The first bytes of each kind of file, and a little more. */
static const unsigned char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
                                    "photo of the repaired wall";
static const unsigned char png[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
                                   "the gate";
static const unsigned char webp[] = "RIFF\x24\x00\x00\x00WEBPVP8 alarm";
static const unsigned char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00";
static const unsigned char html[] = "<!DOCTYPE html><html><script>";
static const unsigned char elf[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00";
static const unsigned char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";

#define LEN(a) (sizeof(a) - 1)

struct fx {
    char dir[64];
    char db[96];
    char ev[96];   /* the evidence directory */
    struct sr_store *st;
};

#define OK(call)                                                          \
    do {                                                                  \
        sr_error rc_ = (call);                                            \
        if (rc_ != SR_OK)                                                 \
            fail_msg("%s: %s", #call, sr_store_errmsg(f->st));           \
    } while (0)

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct sr_import_report rep;
    enum sr_load_outcome out;
    struct sr_diags d;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-evidence-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    snprintf(f->ev, sizeof(f->ev), "%s/evidence", f->dir);
    sr_diags_init(&d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, CLOCK);
    OK(sr_store_set_actor(f->st, "王老师"));
    OK(sr_store_load_system_file(f->st, SR_FIXTURES "/mini.xml", &out, &d));
    OK(sr_registry_import_memory(f->st, "reg.csv", registry_csv,
                                 sizeof(registry_csv) - 1, 0, &rep, &d));
    sr_diags_release(&d);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static long long
count(struct fx *f, const char *sql)
{
    return test_db_int(f->db, sql);
}

static void
raw_sql(struct fx *f, const char *sql)
{
    test_db_exec(f->db, sql);
}

/* The number of regular files under the evidence directory. */
static int
files_stored(struct fx *f)
{
    char cmd[256];
    FILE *p;
    int n = -1;

    snprintf(cmd, sizeof(cmd),
             "find '%s' -type f 2>/dev/null | wc -l", f->ev);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

/* Store data for school code; returns its SHA-256 in hex. */
static void
put(struct fx *f, const char *code, const char *name, const void *data,
    size_t len, char hex[65])
{
    struct sr_evidence e;

    OK(sr_evidence_put(f->st, f->ev, code, name, data, len, &e));
    snprintf(hex, 65, "%s", e.sha256);
    sr_evidence_release(&e);
}

/* ------------------------------------------------------------------ */

static void
test_sniff(void **state)
{
    (void)state;
    assert_string_equal(sr_evidence_sniff(jpeg, LEN(jpeg)), "image/jpeg");
    assert_string_equal(sr_evidence_sniff(png, LEN(png)), "image/png");
    assert_string_equal(sr_evidence_sniff(webp, LEN(webp)), "image/webp");
    assert_string_equal(sr_evidence_sniff(pdf, LEN(pdf)), "application/pdf");
    assert_null(sr_evidence_sniff(gif, LEN(gif)));
    assert_null(sr_evidence_sniff(html, LEN(html)));
    assert_null(sr_evidence_sniff(elf, LEN(elf)));
    assert_null(sr_evidence_sniff(zip, LEN(zip)));
    /* too short to tell */
    assert_null(sr_evidence_sniff(jpeg, 2));
    assert_null(sr_evidence_sniff(png, 7));
    assert_null(sr_evidence_sniff("RIFF\x24\x00\x00\x00WAVE", 12));
    assert_null(sr_evidence_sniff("", 0));
}

static void
test_put_each_type(void **state)
{
    struct fx *f = *state;
    static const struct {
        const unsigned char *data;
        size_t len;
        const char *type;
    } ok[] = {
        {jpeg, LEN(jpeg), "image/jpeg"},
        {png, LEN(png), "image/png"},
        {webp, LEN(webp), "image/webp"},
        {pdf, LEN(pdf), "application/pdf"},
    };
    struct sr_evidence e;
    char path[256], want[65], *back;
    size_t i;
    int fd;
    int64_t size;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        OK(sr_evidence_put(f->st, f->ev, "3701020001", "整改照片.bin",
                           ok[i].data, ok[i].len, &e));
        assert_string_equal(e.type, ok[i].type);
        assert_int_equal(e.size, (int64_t)ok[i].len);
        assert_string_equal(e.school, "3701020001");
        assert_string_equal(e.district, "370102");
        assert_string_equal(e.name, "整改照片.bin");
        assert_string_equal(e.uploaded_by, "王老师");
        assert_string_equal(e.uploaded_at, "2026-09-15T02:00:00Z");
        /* named by the SHA-256 of the content, under its first two
         * hex digits */
        sr_sha256_hex(ok[i].data, ok[i].len, want);
        assert_string_equal(e.sha256, want);
        snprintf(path, sizeof(path), "%s/%.2s/%s", f->ev, want, want);
        assert_int_equal(access(path, R_OK), 0);
        OK(sr_evidence_open(f->ev, want, &fd, &size));
        assert_int_equal(size, (int64_t)ok[i].len);
        back = malloc(ok[i].len);
        assert_non_null(back);
        assert_int_equal(read(fd, back, ok[i].len), (ssize_t)ok[i].len);
        assert_memory_equal(back, ok[i].data, ok[i].len);
        free(back);
        close(fd);
        sr_evidence_release(&e);
    }
    assert_int_equal(files_stored(f), 4);
    assert_int_equal(count(f, "SELECT count(*) FROM evidence"), 4);
}

static void
test_put_refused(void **state)
{
    struct fx *f = *state;
    static const struct {
        const unsigned char *data;
        size_t len;
        const char *looks;
    } bad[] = {
        {gif, LEN(gif), "a GIF image"},
        {html, LEN(html), "text (HTML, XML or JSON)"},
        {elf, LEN(elf), "a program"},
        {zip, LEN(zip), "a ZIP or Office file"},
    };
    struct sr_evidence e;
    char want[256], name[256];
    unsigned char *big;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* the name says photo; the content decides */
        assert_int_equal(sr_evidence_put(f->st, f->ev, "3701020001",
                                         "围墙整改.jpg", bad[i].data,
                                         bad[i].len, &e),
                         SR_ERR_INPUT);
        snprintf(want, sizeof(want),
                 "the file is not a JPEG, PNG or WebP photo nor a PDF (its "
                 "content looks like %s)",
                 bad[i].looks);
        assert_string_equal(sr_store_errmsg(f->st), want);
    }
    assert_int_equal(sr_evidence_put(f->st, f->ev, "3701020001", "a.jpg",
                                     jpeg, 0, &e),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st), "the file is empty");

    /* one byte over the cap, a valid JPEG header all the same */
    big = calloc(1, SR_EVIDENCE_MAX_BYTES + 1);
    assert_non_null(big);
    memcpy(big, jpeg, LEN(jpeg));
    assert_int_equal(sr_evidence_put(f->st, f->ev, "3701020001", "big.jpg",
                                     big, SR_EVIDENCE_MAX_BYTES + 1, &e),
                     SR_ERR_TOO_LARGE);
    assert_string_equal(sr_store_errmsg(f->st),
                        "the file is larger than the limit of 20 MiB");
    /* exactly at the cap: accepted */
    OK(sr_evidence_put(f->st, f->ev, "3701020001", "big.jpg", big,
                       SR_EVIDENCE_MAX_BYTES, &e));
    assert_int_equal(e.size, SR_EVIDENCE_MAX_BYTES);
    sr_evidence_release(&e);
    free(big);

    /* a name that is not UTF-8, or too long */
    assert_int_equal(sr_evidence_put(f->st, f->ev, "3701020001", "\xff.jpg",
                                     jpeg, LEN(jpeg), &e),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "the file name is not UTF-8 text of at most 200 "
                        "bytes");
    memset(name, 'a', 201);
    name[201] = '\0';
    assert_int_equal(sr_evidence_put(f->st, f->ev, "3701020001", name, jpeg,
                                     LEN(jpeg), &e),
                     SR_ERR_INPUT);

    /* a school not in the registry: refused, and no file is written */
    assert_int_equal(sr_evidence_put(f->st, f->ev, "3701029999", "a.jpg",
                                     png, LEN(png), &e),
                     SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st),
                        "no school with code '3701029999' in the registry");
    assert_int_equal(sr_evidence_put(f->st, f->ev, "12345", "a.jpg", png,
                                     LEN(png), &e),
                     SR_ERR_NOT_FOUND);

    /* only the file at the cap was stored */
    assert_int_equal(files_stored(f), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM evidence"), 1);
}

static void
test_stored_once(void **state)
{
    struct fx *f = *state;
    struct sr_evidence *v = NULL;
    struct sr_evidence e;
    char a[65], b[65], c[65];
    size_t n = 0;

    put(f, "3701020001", "第一次.jpg", jpeg, LEN(jpeg), a);
    /* the same content again, for the same school: one file, one row,
     * the first upload's record kept */
    OK(sr_store_set_actor(f->st, "李老师"));
    OK(sr_evidence_put(f->st, f->ev, "3701020001", "第二次.jpg", jpeg,
                       LEN(jpeg), &e));
    assert_string_equal(e.sha256, a);
    assert_string_equal(e.name, "第一次.jpg");
    assert_string_equal(e.uploaded_by, "王老师");
    sr_evidence_release(&e);
    assert_int_equal(files_stored(f), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM evidence"), 1);

    /* for a second school: its own row, still one file */
    put(f, "3701120001", NULL, jpeg, LEN(jpeg), b);
    assert_string_equal(a, b);
    assert_int_equal(files_stored(f), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM evidence"), 2);
    OK(sr_evidence_lookup(f->st, a, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].school, "3701020001");
    assert_string_equal(v[0].district, "370102");
    assert_string_equal(v[1].school, "3701120001");
    assert_string_equal(v[1].district, "370112");
    assert_string_equal(v[1].uploaded_by, "李老师");
    assert_null(v[1].name);
    sr_evidence_list_free(v, n);

    /* unknown: none; not a hash: refused */
    put(f, "3701020001", NULL, png, LEN(png), c);
    c[0] = c[0] == '0' ? '1' : '0';
    OK(sr_evidence_lookup(f->st, c, &v, &n));
    assert_int_equal(n, 0);
    assert_null(v);
    assert_int_equal(sr_evidence_lookup(f->st, "../x", &v, &n),
                     SR_ERR_INPUT);
}

static void
test_open(void **state)
{
    struct fx *f = *state;
    char hex[65], missing[65];
    int fd = 7;
    int64_t size = 7;

    put(f, "3701020001", NULL, pdf, LEN(pdf), hex);
    snprintf(missing, sizeof(missing), "%s", hex);
    missing[63] = missing[63] == 'a' ? 'b' : 'a';
    assert_int_equal(sr_evidence_open(f->ev, missing, &fd, &size),
                     SR_ERR_NOT_FOUND);
    assert_int_equal(fd, -1);
    assert_int_equal(size, 0);
    /* a path, not a hash, is never opened */
    assert_int_equal(sr_evidence_open(f->ev, "../../etc/passwd", &fd, &size),
                     SR_ERR_INPUT);
    assert_int_equal(fd, -1);
    assert_int_equal(sr_evidence_open(f->ev, NULL, &fd, &size),
                     SR_ERR_INPUT);
    assert_int_equal(sr_evidence_open(f->ev, "", &fd, &size), SR_ERR_INPUT);
    /* upper case hex is not how files are named */
    {
        char upper[65];
        size_t i;

        for (i = 0; i < 65; i++)
            upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f'
                                  ? hex[i] - 'a' + 'A'
                                  : hex[i]);
        assert_int_equal(sr_evidence_open(f->ev, upper, &fd, &size),
                         SR_ERR_INPUT);
    }
    OK(sr_evidence_open(f->ev, hex, &fd, &size));
    assert_true(fd >= 0);
    assert_int_equal(size, (int64_t)LEN(pdf));
    close(fd);
}

static void
test_refs(void **state)
{
    struct fx *f = *state;
    char a[65], b[65], want[256], parsed[4][65];
    const char *files[SR_EVIDENCE_MAX_FILES + 1];
    char *text = NULL;
    size_t i;

    put(f, "3701020001", NULL, jpeg, LEN(jpeg), a);
    put(f, "3701120001", NULL, png, LEN(png), b);
    files[0] = a;
    OK(sr_evidence_refs(f->st, "3701020001", files, 1, &text));
    snprintf(want, sizeof(want), "sha256:%s", a);
    assert_string_equal(text, want);
    free(text);
    text = NULL;

    /* b was uploaded for the other school */
    files[1] = b;
    assert_int_equal(sr_evidence_refs(f->st, "3701020001", files, 2, &text),
                     SR_ERR_NOT_FOUND);
    snprintf(want, sizeof(want),
             "evidence file %s was not uploaded for school 3701020001", b);
    assert_string_equal(sr_store_errmsg(f->st), want);
    assert_null(text);
    files[1] = a;
    assert_int_equal(sr_evidence_refs(f->st, "3701020001", files, 2, &text),
                     SR_ERR_INPUT);
    snprintf(want, sizeof(want), "evidence file %s is listed twice", a);
    assert_string_equal(sr_store_errmsg(f->st), want);
    files[1] = "photo.jpg";
    assert_int_equal(sr_evidence_refs(f->st, "3701020001", files, 2, &text),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "evidence file 'photo.jpg' is not a SHA-256 (64 "
                        "lowercase hex digits)");
    for (i = 0; i <= SR_EVIDENCE_MAX_FILES; i++)
        files[i] = a;
    assert_int_equal(sr_evidence_refs(f->st, "3701020001", files,
                                      SR_EVIDENCE_MAX_FILES + 1, &text),
                     SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "at most 20 evidence files, not 21");
    assert_null(text);

    /* and back */
    snprintf(want, sizeof(want), "照片 sha256:%s, sha256:%s; sha256:abc", a,
             b);
    assert_int_equal(sr_evidence_parse_refs(want, parsed, 4), 2);
    assert_string_equal(parsed[0], a);
    assert_string_equal(parsed[1], b);
    assert_int_equal(sr_evidence_parse_refs(want, parsed, 1), 1);
    assert_int_equal(sr_evidence_parse_refs(NULL, parsed, 4), 0);
}

/* An answer and a hazard's rectification refer to files by hash; the
 * chain hashes those references. */
static void
test_answer_and_hazard_files(void **state)
{
    struct fx *f = *state;
    static const char *const items[][2] = {
        {"D1.1.1", "2"},   {"D1.1.2", "pass"}, {"D1.2.1", "pass"},
        {"D1.2.2", "基本符合"}, {"D1.2.3", "30"}, {"D1.2.4", "pass"},
        {"D2.1.1", "0"},   {"D2.1.2", "3"},    {"D3.1.1", "pass"},
        {"D3.1.2", "12/12"},
    };
    struct sr_submit_report rep;
    struct sr_assess_ctx ctx;
    struct sr_audit_report ar;
    struct sr_hazard_event *ev = NULL;
    struct sr_diags d;
    char a[65], b[65], other[65], want[256], sql[512];
    const char *files[2];
    size_t i, n = 0;
    long at;
    int64_t id, hz;

    sr_diags_init(&d);
    put(f, "3701020001", "监控室.jpg", jpeg, LEN(jpeg), a);
    put(f, "3701020001", "整改报告.pdf", pdf, LEN(pdf), b);
    put(f, "3701120001", NULL, png, LEN(png), other);

    OK(sr_store_set_actor(f->st, "张检查员"));
    OK(sr_assess_new(f->st, "3701020001", NULL, NULL, &id));
    for (i = 0; i < sizeof(items) / sizeof(items[0]); i++)
        OK(sr_assess_set(f->st, id, items[i][0], items[i][1], NULL, &d));
    /* another school's file: refused, the answer unchanged */
    files[0] = other;
    assert_int_equal(sr_assess_answer(f->st, id, "D1.2.2", "基本符合",
                                      "联网时断时续", files, 1, &d),
                     SR_ERR_NOT_FOUND);
    snprintf(want, sizeof(want),
             "evidence file %s was not uploaded for school 3701020001",
             other);
    assert_string_equal(sr_store_errmsg(f->st), want);
    assert_int_equal(count(f, "SELECT count(*) FROM answers WHERE evidence "
                              "IS NOT NULL"),
                     0);
    files[0] = a;
    OK(sr_assess_answer(f->st, id, "D1.2.2", "基本符合", "联网时断时续",
                        files, 1, &d));
    snprintf(want, sizeof(want), "sha256:%s", a);
    OK(sr_assess_open(f->st, id, &ctx, &d));
    at = sr_system_find_item(ctx.sys, "D1.2.2");
    assert_true(at >= 0);
    assert_string_equal(ctx.evidence[at], want);
    sr_assess_ctx_release(&ctx);
    OK(sr_assess_submit(f->st, id, &d, &rep));
    assert_int_equal(rep.hazards_new, 1);

    /* the hazard raised on D1.2.2, rectified with two files */
    hz = 1;
    OK(sr_store_set_actor(f->st, "区教体局"));
    OK(sr_hazard_assign(f->st, hz, "王老师", "2026-10-15", NULL));
    OK(sr_store_set_actor(f->st, "王老师"));
    files[0] = a;
    files[1] = other;
    assert_int_equal(sr_hazard_submit_files(f->st, hz, "已检修", files, 2),
                     SR_ERR_NOT_FOUND);
    files[1] = b;
    OK(sr_hazard_submit_files(f->st, hz, "已检修联网线路", files, 2));
    OK(sr_hazard_events(f->st, hz, &ev, &n));
    assert_int_equal(n, 3);
    snprintf(want, sizeof(want), "sha256:%s sha256:%s", a, b);
    assert_string_equal(ev[2].evidence, want);
    assert_string_equal(ev[2].note, "已检修联网线路");
    sr_hazard_events_free(ev, n);

    /* the chain: checkpoint, system, registry, event 1, assessment 1,
     * events 2 and 3 */
    OK(sr_audit_verify(f->st, &ar));
    assert_int_equal(ar.ok, 1);
    assert_int_equal(ar.records, 7);
    /* a reference swapped by hand, with the sqlite3 shell or psql
     * (another stored photo of the school), is found, in the answer and
     * in the event */
    snprintf(sql, sizeof(sql),
             "DROP TRIGGER answers_frozen_upd;"
             "UPDATE answers SET evidence = 'sha256:%s' WHERE item = "
             "'D1.2.2'",
             b);
    raw_sql(f, sql);
    OK(sr_audit_verify(f->st, &ar));
    assert_int_equal(ar.ok, 0);
    assert_string_equal(ar.problem,
                        "audit record 5: assessment 1 was altered (its "
                        "content no longer matches the hash recorded when it "
                        "was written)");
    snprintf(sql, sizeof(sql),
             "UPDATE answers SET evidence = 'sha256:%s' WHERE item = "
             "'D1.2.2'",
             a);
    raw_sql(f, sql);
    OK(sr_audit_verify(f->st, &ar));
    assert_int_equal(ar.ok, 1);
    snprintf(sql, sizeof(sql),
             "DROP TRIGGER hazard_events_append_only;"
             "UPDATE hazard_events SET evidence = 'sha256:%s' WHERE id = 3",
             a);
    raw_sql(f, sql);
    OK(sr_audit_verify(f->st, &ar));
    assert_int_equal(ar.ok, 0);
    assert_string_equal(ar.problem,
                        "audit record 7: hazard event 3 was altered (its "
                        "content no longer matches the hash recorded when it "
                        "was written)");
    sr_diags_release(&d);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        T(test_put_each_type),
        T(test_put_refused),
        T(test_stored_once),
        T(test_open),
        T(test_refs),
        T(test_answer_and_hazard_files),
    };

    return cmocka_run_group_tests_name("evidence", tests, NULL, NULL);
}
