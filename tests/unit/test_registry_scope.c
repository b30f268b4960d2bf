/*
 * test_registry_scope.c - the registry as the service uses it: a paged,
 * searchable listing limited to a viewer's scope with its count
 * (sr_registry_list/sr_registry_count), and an import limited to the
 * importer's scope (sr_registry_import_scoped), which refuses the whole
 * file for any row outside it.
 *
 * One database per test in a mkdtemp directory, the clock pinned to
 * 2026-09-01; what is stored is checked through the public API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

#include "testutil.h"
#include "testdb.h"

#define T0 ((time_t)1788220800)

#define HDR                                                                 \
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"   \
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
#define LIXIA1 "3701020001,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否," \
               "是,是,否,1860,0,6\n"
#define LIXIA2 "3701020002,济南市历下区甸柳小学,历下区,小学,公办,城区,否,否," \
               "是,否,否,980,0,2\n"
#define LIXIA3 "3701020003,济南市历下区燕山中学,历下区,初中,公办,城区,否,否," \
               "是,是,否,1100,0,1\n"
#define SHIZHONG1 "3701030001,济南市市中区舜耕中学,市中区,初中,公办,城区,否," \
                  "否,是,是,否,1320,0,4\n"

static const char *lixia[] = {"370102"};
static const struct sr_scope scope_lixia = {.districts = lixia,
                                            .n_districts = 1};

struct fx {
    char dir[64];
    char db[96];
    struct sr_store *st;
    struct sr_diags d;
    struct sr_import_report rep;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sr-test-regscope-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    test_db_new(f->db, sizeof(f->db), f->dir, "t.db");
    sr_diags_init(&f->d);
    assert_int_equal(sr_store_open(f->db, SR_STORE_CREATE, &f->st), SR_OK);
    sr_store_set_clock(f->st, T0);
    assert_int_equal(sr_store_set_actor(f->st, "tester"), SR_OK);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    sr_store_close(f->st);
    sr_diags_release(&f->d);
    test_db_drop(f->db);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static void
import(struct fx *f, const char *csv, int flags,
       const struct sr_scope *scope, sr_error want)
{
    sr_error rc = sr_registry_import_scoped(f->st, "r.csv", csv, strlen(csv),
                                            flags, scope, &f->rep, &f->d);

    if (rc != want) {
        show_diags(&f->d);
        fail_msg("import: %d (%s), expected %d", rc, sr_store_errmsg(f->st),
                 want);
    }
}

struct codes {
    char v[8][11];
    size_t n;
};

static int
take(const struct sr_school_record *r, void *p)
{
    struct codes *c = p;

    if (c->n < 8)
        snprintf(c->v[c->n++], 11, "%s", r->code);
    return 0;
}

static size_t
count(struct fx *f, const struct sr_registry_filter *flt)
{
    size_t n = 99;

    assert_int_equal(sr_registry_count(f->st, flt, &n), SR_OK);
    return n;
}

/* ------------------------------------------------------------------ */

static void
test_list(void **state)
{
    struct fx *f = *state;
    const char *one[] = {"3701030001"};
    struct sr_scope mixed = {.districts = lixia, .n_districts = 1,
                             .schools = one, .n_schools = 1};
    struct sr_scope none = {.all = false};
    struct sr_scope all = {.all = true};
    struct sr_registry_filter flt = {.stage = -1};
    struct codes c;

    import(f, HDR LIXIA1 LIXIA2 LIXIA3 SHIZHONG1, 0, NULL, SR_OK);
    assert_int_equal(count(f, NULL), 4);
    assert_int_equal(count(f, &flt), 4);

    /* Text in the name or in the code. */
    flt.search = "燕";
    assert_int_equal(count(f, &flt), 2);
    flt.search = "30001";
    assert_int_equal(count(f, &flt), 1);
    flt.search = "%";
    assert_int_equal(count(f, &flt), 0);
    flt.search = "";
    assert_int_equal(count(f, &flt), 4);
    flt.search = NULL;

    /* Scope. */
    flt.scope = &scope_lixia;
    assert_int_equal(count(f, &flt), 3);
    flt.scope = &mixed;
    assert_int_equal(count(f, &flt), 4);
    flt.scope = &none;
    assert_int_equal(count(f, &flt), 0);
    flt.scope = &all;
    assert_int_equal(count(f, &flt), 4);

    /* With the other filters, and a page. */
    flt.scope = &mixed;
    flt.stage = SR_STAGE_JUNIOR;
    assert_int_equal(count(f, &flt), 2);
    flt.stage = -1;
    flt.offset = 1;
    flt.limit = 2;
    memset(&c, 0, sizeof(c));
    assert_int_equal(sr_registry_list(f->st, &flt, take, &c), SR_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.v[0], "3701020002");
    assert_string_equal(c.v[1], "3701020003");
    assert_int_equal(count(f, &flt), 4); /* paging ignored */
    flt.offset = 3;
    flt.limit = 10;
    memset(&c, 0, sizeof(c));
    assert_int_equal(sr_registry_list(f->st, &flt, take, &c), SR_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.v[0], "3701030001");

    flt.district = "历山区";
    assert_int_equal(sr_registry_count(f->st, &flt, &c.n), SR_ERR_NOT_FOUND);
    assert_string_equal(sr_store_errmsg(f->st), "no district '历山区'");
}

static void
test_import_in_scope(void **state)
{
    struct fx *f = *state;
    struct sr_registry_filter flt = {.stage = -1};

    import(f, HDR SHIZHONG1, 0, NULL, SR_OK);
    import(f, HDR LIXIA1 LIXIA2, 0, &scope_lixia, SR_OK);
    assert_int_equal(f->rep.added, 2);
    assert_int_equal(f->rep.rows, 2);
    assert_int_equal(f->d.n, 0);
    /* A full import of its own district closes only there. */
    import(f, HDR LIXIA1, SR_IMPORT_FULL, &scope_lixia, SR_OK);
    assert_int_equal(f->rep.unchanged, 1);
    assert_int_equal(f->rep.closed, 1);
    assert_int_equal(count(f, &flt), 2);
}

static void
test_import_outside(void **state)
{
    struct fx *f = *state;
    const char *one[] = {"3701020001"};
    struct sr_scope school_only = {.schools = one, .n_schools = 1};
    /* 市中区's school listed under 历下区: a move into the district. */
    static const char moved[] =
        HDR "3701030001,济南市市中区舜耕中学,历下区,初中,公办,城区,否,否,"
        "是,是,否,1320,0,4\n";

    import(f, HDR SHIZHONG1, 0, NULL, SR_OK);
    import(f, HDR LIXIA1 SHIZHONG1 LIXIA2 "3701030009,甲,370103,小学,公办,"
              "城区,否,否,否,否,否,10,0,0\n",
           0, &scope_lixia, SR_ERR_INPUT);
    assert_diags(&f->d, (const char *const[]){
        "r.csv:3: column '区县': district '市中区' is outside your scope",
        "r.csv:3: column '学校标识码': school '3701030001' is registered in "
        "市中区, outside your scope",
        "r.csv:5: column '区县': district '370103' is outside your scope",
        NULL});
    assert_string_equal(sr_store_errmsg(f->st),
                        "nothing was imported from 'r.csv': 3 problems");
    assert_int_equal(f->rep.bad_rows, 2);
    assert_int_equal(f->rep.added, 0);
    assert_int_equal(count(f, NULL), 1);

    sr_diags_release(&f->d);
    import(f, HDR LIXIA1 "3701020002,x,历下区,小学,公办,城区,否,否,否,否,"
              "否,-1,0,0\n",
           0, &scope_lixia, SR_ERR_INPUT);
    assert_int_equal(f->d.n, 1);
    assert_string_equal(sr_store_errmsg(f->st),
                        "nothing was imported from 'r.csv': 1 problem");
    sr_diags_release(&f->d);

    import(f, HDR LIXIA1, 0, &scope_lixia, SR_OK);
    import(f, HDR LIXIA1, 0, &scope_lixia, SR_OK);
    assert_int_equal(f->rep.unchanged, 1);
    import(f, moved, 0, &scope_lixia, SR_ERR_INPUT);
    assert_diags(&f->d, (const char *const[]){
        "r.csv:2: column '学校标识码': school '3701030001' is registered in "
        "市中区, outside your scope",
        NULL});
    sr_diags_release(&f->d);

    /* A grant of one school: that school may be updated, but a full
     * import (which closes the district's other schools) needs the
     * whole district. */
    import(f, HDR LIXIA1, 0, &school_only, SR_OK);
    import(f, HDR LIXIA1, SR_IMPORT_FULL, &school_only, SR_ERR_INPUT);
    assert_diags(&f->d, (const char *const[]){
        "r.csv:2: column '区县': district '历下区' is outside your scope",
        NULL});
    sr_diags_release(&f->d);

    /* An empty full import is refused with the store's message too. */
    import(f, HDR, SR_IMPORT_FULL, &scope_lixia, SR_ERR_INPUT);
    assert_string_equal(sr_store_errmsg(f->st),
                        "nothing was imported from 'r.csv': 1 problem");
    assert_int_equal(count(f, NULL), 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_in_scope, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_outside, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
