/*
 * test_store_systems.c - listing the stored indicator systems
 * (store/systems.c): load order, SHA-256, who and when, and which
 * system is current for each stage as later versions are loaded; and
 * the meta a workbook records (report_out.c: now, who, the audit
 * chain's head).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/audit.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/school.h"
#include "schoolrisk/store.h"
#include "testutil.h"
#include "testdb.h"

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-systems-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    if (sr_store_open(f->db, SR_STORE_CREATE, &f->st) != SR_OK)
        return -1;
    /* 2026-10-08 09:30:00 China time */
    sr_store_set_clock(f->st, 1791423000);
    sr_store_set_actor(f->st, "市教育局");
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

/* s with its first "from" replaced by "to" (s is freed). */
static char *
replace(char *s, const char *from, const char *to)
{
    char *at = strstr(s, from), *out;
    size_t head, size;

    assert_non_null(at);
    head = (size_t)(at - s);
    size = strlen(s) - strlen(from) + strlen(to) + 1;
    out = malloc(size);
    assert_non_null(out);
    snprintf(out, size, "%.*s%s%s", (int)head, s, to, at + strlen(from));
    free(s);
    return out;
}

/* The text of indicators/NAME.xml. */
static char *
file_text(const char *name)
{
    char path[512], *buf;
    FILE *fp;
    long n;

    snprintf(path, sizeof(path), "%s/%s.xml", SR_INDICATORS, name);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n > 0);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    return buf;
}

/* Store xml (freed) as a new system. */
static void
load(struct fx *f, const char *name, char *xml)
{
    enum sr_load_outcome o;
    struct sr_diags d;

    sr_diags_init(&d);
    assert_int_equal(sr_store_load_system(f->st, name, xml, strlen(xml), &o,
                                          &d),
                     SR_OK);
    assert_int_equal(o, SR_LOAD_ADDED);
    sr_diags_release(&d);
    free(xml);
}

static void
none_stored(void **state)
{
    struct fx *f = *state;
    struct sr_stored_system *v = (void *)1;
    size_t n = 7;

    assert_int_equal(sr_store_systems(f->st, &v, &n), SR_OK);
    assert_null(v);
    assert_int_equal(n, 0);
    sr_stored_systems_free(NULL, 0);
}

static void
listed_in_load_order_with_the_current_one_per_stage(void **state)
{
    struct fx *f = *state;
    struct sr_stored_system *v = NULL;
    char hash[65];
    size_t n = 0;
    uint32_t primary = 1u << SR_STAGE_PRIMARY;
    uint32_t junior = (1u << SR_STAGE_JUNIOR) | (1u << SR_STAGE_NINE_YEAR);
    char *xml;

    load(f, "primary", file_text("primary"));
    load(f, "junior", file_text("junior"));
    assert_int_equal(sr_store_systems(f->st, &v, &n), SR_OK);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, "primary");
    assert_string_equal(v[0].version, "2026.2");
    assert_string_equal(v[0].title, "济南市小学安全风险评估指标体系");
    assert_int_equal(v[0].stages, primary);
    assert_int_equal(v[0].current, primary);
    assert_int_equal(v[0].seq, 1);
    assert_string_equal(v[0].loaded_at, "2026-10-08T01:30:00Z");
    assert_string_equal(v[0].loaded_by, "市教育局");
    xml = file_text("primary");
    sr_sha256_hex(xml, strlen(xml), hash);
    free(xml);
    assert_string_equal(v[0].sha256, hash);
    assert_string_equal(v[1].id, "junior");
    assert_int_equal(v[1].stages, junior);
    assert_int_equal(v[1].current, junior);
    assert_int_equal(v[1].seq, 2);
    sr_stored_systems_free(v, n);

    /* A later version takes its stage over; the earlier stays listed. */
    load(f, "primary-2", replace(file_text("primary"), "version=\"2026.2\"",
                                 "version=\"2026.3\""));
    assert_int_equal(sr_store_systems(f->st, &v, &n), SR_OK);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].version, "2026.2");
    assert_int_equal(v[0].current, 0);
    assert_int_equal(v[1].current, junior);
    assert_string_equal(v[2].id, "primary");
    assert_string_equal(v[2].version, "2026.3");
    assert_int_equal(v[2].current, primary);
    assert_int_equal(v[2].seq, 3);
    sr_stored_systems_free(v, n);

    /* A system covering primary too takes every stage of it over. */
    xml = replace(file_text("junior"), "version=\"2026.2\"",
                  "version=\"2026.3\"");
    load(f, "junior-2", replace(xml, "<stage>junior</stage>",
                                "<stage>junior</stage><stage>primary"
                                "</stage>"));
    assert_int_equal(sr_store_systems(f->st, &v, &n), SR_OK);
    assert_int_equal(n, 4);
    assert_int_equal(v[0].current, 0);
    assert_int_equal(v[1].current, 0);
    assert_int_equal(v[2].current, 0);
    assert_string_equal(v[3].id, "junior");
    assert_int_equal(v[3].stages, junior | primary);
    assert_int_equal(v[3].current, junior | primary);
    sr_stored_systems_free(v, n);
}

static void
a_workbooks_meta(void **state)
{
    struct fx *f = *state;
    struct sr_report_meta meta;
    struct sr_diags d;
    char head[65], now[32], before[65], want[65];

    sr_diags_init(&d);
    memset(&meta, 0, sizeof(meta));
    assert_int_equal(sr_audit_head(f->st, before), SR_OK);
    assert_int_equal(sr_report_meta_fill(f->st, &meta, head, now, &d),
                     SR_OK);
    if (before[0])
        assert_string_equal(meta.audit_head, before);
    else
        assert_null(meta.audit_head);
    assert_string_equal(meta.generated_at, "2026-10-08T01:30:00Z");
    assert_string_equal(meta.generated_by, "市教育局");
    assert_ptr_equal(meta.diags, &d);
    /* a new record moves the head */
    load(f, "primary", file_text("primary"));
    assert_int_equal(sr_report_meta_fill(f->st, &meta, head, now, &d),
                     SR_OK);
    assert_int_equal(sr_audit_head(f->st, want), SR_OK);
    assert_true(want[0] && strcmp(want, before) != 0);
    assert_ptr_equal(meta.audit_head, head);
    assert_string_equal(meta.audit_head, want);
    sr_diags_release(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(none_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(
            listed_in_load_order_with_the_current_one_per_stage, setup,
            teardown),
        cmocka_unit_test_setup_teardown(a_workbooks_meta, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
