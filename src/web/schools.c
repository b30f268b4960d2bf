/*
 * schools.c - the registry (学校名册): /api/v1/schools, one school with
 * its latest inspection, four-100% elements and hazards, a registry
 * import, a school's checklist and its baseline.
 *
 * Who may see which school is the route table's and server.c's
 * business; a list restricts itself to web_scope().  An import by a
 * district office is limited to its district by the library
 * (sr_registry_import_scoped()), which reports every row outside it.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/json.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"

/* ?name=1 or true. */
static bool
flag(const struct web_req *r, const char *name)
{
    const char *v = web_query(r, name);

    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

/* A filter naming an unknown district is a bad query, not a missing
 * record. */
static enum MHD_Result
fail_filter(struct web_req *r, sr_error rc, const char *field)
{
    if (rc == SR_ERR_NOT_FOUND || rc == SR_ERR_INPUT)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", field, 0,
                         "%s", sr_store_errmsg(r->st));
    return web_fail(r, rc, NULL);
}

/* ------------------------------------------------------------------ */
/* The list                                                             */
/* ------------------------------------------------------------------ */

struct collect {
    cJSON *arr;
    int ok;
};

static int
add_school(const struct sr_school_record *s, void *p)
{
    struct collect *c = p;

    sr_json_add(c->arr, NULL, sr_json_school(s), &c->ok);
    return !c->ok;
}

WEB_HANDLER(web_schools_list)
{
    struct sr_registry_filter f = {.stage = -1};
    struct collect c = {NULL, 1};
    struct sr_scope scope;
    const char *stage = web_query(r, "stage");
    size_t offset, limit, total = 0;
    cJSON *root;
    sr_error rc;

    if (!web_paging(r, 20, 200, &offset, &limit))
        return web_done(r);
    if (stage) {
        f.stage = sr_registry_stage_lookup(stage);
        if (f.stage < 0)
            return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "stage", 0,
                             _("unknown stage '%s'"), stage);
    }
    if (!web_scope(r, &scope))
        return web_done(r);
    f.district = web_query(r, "district");
    f.search = web_query(r, "q");
    f.include_closed = flag(r, "closed");
    f.scope = &scope;
    f.offset = offset;
    f.limit = limit;
    root = cJSON_CreateObject();
    c.arr = cJSON_CreateArray();
    rc = sr_registry_count(r->st, &f, &total);
    if (rc == SR_OK)
        rc = sr_registry_list(r->st, &f, add_school, &c);
    sr_scope_release(&scope);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        cJSON_Delete(c.arr);
        return fail_filter(r, rc, "district");
    }
    if (!root) {
        cJSON_Delete(c.arr);
        return web_json(r, MHD_HTTP_OK, NULL);
    }
    sr_json_add(root, "total", sr_json_int((int64_t)total), &c.ok);
    sr_json_add(root, "page", sr_json_int((int64_t)(offset / limit + 1)),
                &c.ok);
    sr_json_add(root, "size", sr_json_int((int64_t)limit), &c.ok);
    sr_json_add(root, "items", c.arr, &c.ok);
    if (!c.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

/* ------------------------------------------------------------------ */
/* One school                                                           */
/* ------------------------------------------------------------------ */

static int
take_first(const struct sr_assessment *a, void *p)
{
    cJSON **out = p;

    *out = sr_json_assessment(a);
    return 1;
}

/* The school's hazards counted by status, and the overdue ones. */
static sr_error
hazard_counts(struct web_req *r, const char *code, cJSON *o, int *ok)
{
    struct sr_hazard_filter f = {.school = code, .status = -1, .level = -1};
    size_t n = 0;
    sr_error rc = SR_OK;
    int st;

    for (st = 0; rc == SR_OK && st < SR_HAZARD_STATUS_COUNT; st++) {
        f.status = st;
        rc = sr_hazard_count(r->st, &f, NULL, &n);
        if (rc == SR_OK)
            sr_json_add(o, sr_hazard_status_name(st),
                        sr_json_int((int64_t)n), ok);
    }
    if (rc == SR_OK) {
        f.status = -1;
        f.overdue = true;
        rc = sr_hazard_count(r->st, &f, NULL, &n);
        if (rc == SR_OK)
            sr_json_add(o, "overdue", sr_json_int((int64_t)n), ok);
    }
    return rc;
}

WEB_HANDLER(web_schools_get)
{
    const char *code = web_param(r, 0);
    struct sr_assess_filter af = {.school = code, .status = 1,
                                  .kind = "inspection", .limit = 1};
    struct sr_school_record s;
    struct sr_baseline_school b;
    cJSON *root = NULL, *latest = NULL, *hz;
    int ok;
    sr_error rc;

    memset(&b, 0, sizeof(b));
    rc = sr_registry_get(r->st, code, &s);
    if (rc == SR_OK)
        rc = sr_assess_list(r->st, &af, take_first, &latest);
    if (rc == SR_OK)
        rc = sr_baseline_school(r->st, code, NULL, &b);
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (rc == SR_OK && ok) {
        sr_json_add(root, "school", sr_json_school(&s), &ok);
        sr_json_add(root, "latest_inspection",
                    latest ? latest : cJSON_CreateNull(), &ok);
        latest = NULL;
        sr_json_add(root, "baseline", sr_json_baseline_school(&b), &ok);
        hz = cJSON_CreateObject();
        sr_json_add(root, "hazards", hz, &ok);
        if (ok)
            rc = hazard_counts(r, code, hz, &ok);
    }
    cJSON_Delete(latest);
    sr_baseline_school_release(&b);
    sr_school_record_release(&s);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        return web_fail(r, rc, NULL);
    }
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

/* ------------------------------------------------------------------ */
/* The import                                                           */
/* ------------------------------------------------------------------ */

/* The columns an import's file lacked (report.absent), each with what
 * a new school was given: [{"column": "教职工数", "attr": "staff",
 * "assumed": 0}, ...]. */
static cJSON *
absent_columns(uint32_t absent)
{
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL, a;

    for (a = 0; ok && a < SR_ATTR_COUNT; a++) {
        cJSON *o;

        if (!(absent & (1u << a)))
            continue;
        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "column", sr_json_str(sr_registry_column_zh(a)), &ok);
        sr_json_add(o, "attr", sr_json_str(sr_attr_name(a)), &ok);
        sr_json_add(o, "assumed",
                    sr_attr_kind(a) == SR_KIND_FLAG ? cJSON_CreateFalse()
                                                    : sr_json_int(0),
                    &ok);
    }
    if (!ok) {
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}

WEB_HANDLER(web_schools_import)
{
    const char *name = web_query(r, "name");
    struct sr_import_report rep;
    struct sr_scope scope;
    struct sr_diags d;
    enum MHD_Result ret;
    cJSON *root;
    int ok;
    sr_error rc;

    if (!web_scope(r, &scope))
        return web_done(r);
    sr_diags_init(&d);
    rc = sr_registry_import_scoped(r->st, name ? name : "schools.csv",
                                   r->body ? r->body : "", r->body_len,
                                   flag(r, "full") ? SR_IMPORT_FULL : 0,
                                   &scope, &rep, &d);
    sr_scope_release(&scope);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, &d);
        sr_diags_release(&d);
        return ret;
    }
    sr_diags_release(&d);
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok) {
        sr_json_add(root, "rows", sr_json_int((int64_t)rep.rows), &ok);
        sr_json_add(root, "added", sr_json_int((int64_t)rep.added), &ok);
        sr_json_add(root, "updated", sr_json_int((int64_t)rep.updated),
                    &ok);
        sr_json_add(root, "unchanged", sr_json_int((int64_t)rep.unchanged),
                    &ok);
        sr_json_add(root, "closed", sr_json_int((int64_t)rep.closed), &ok);
        sr_json_add(root, "encoding",
                    sr_json_str(sr_registry_encoding_name(rep.encoding)),
                    &ok);
        sr_json_add(root, "absent_columns", absent_columns(rep.absent), &ok);
        if (rep.absent) {
            char note[512];

            sr_import_absent_describe(rep.absent, note, sizeof(note));
            sr_json_add(root, "note", sr_json_str(note), &ok);
        } else {
            sr_json_add(root, "note", cJSON_CreateNull(), &ok);
        }
    }
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

/* ------------------------------------------------------------------ */
/* What to check at a school, and its baseline                          */
/* ------------------------------------------------------------------ */

WEB_HANDLER(web_schools_checklist)
{
    struct sr_school_record s;
    struct sr_system *sys = NULL;
    cJSON *root = NULL;
    int ok = 1;
    sr_error rc;

    rc = sr_registry_get(r->st, web_param(r, 0), &s);
    if (rc == SR_OK)
        rc = sr_store_current_system(
            r->st, (int)s.school.attr[SR_ATTR_STAGE], &sys);
    if (rc == SR_OK) {
        root = sr_json_checklist(sys, &s.school);
        if (root)
            sr_json_add(root, "school", sr_json_school(&s), &ok);
    }
    sr_system_free(sys);
    sr_school_record_release(&s);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

WEB_HANDLER(web_schools_baseline)
{
    char day[11];
    const char *date = web_date(web_query(r, "date"), day);
    struct sr_baseline_school b;
    char today[16];
    cJSON *root;
    int ok;
    sr_error rc;

    rc = sr_baseline_school(r->st, web_param(r, 0), date, &b);
    if (rc != SR_OK) {
        sr_baseline_school_release(&b);
        return rc == SR_ERR_INPUT ? fail_filter(r, rc, "date")
                                  : web_fail(r, rc, NULL);
    }
    sr_store_today(r->st, today);
    root = sr_json_baseline_school(&b);
    sr_baseline_school_release(&b);
    ok = root != NULL;
    if (ok)
        sr_json_add(root, "as_of", sr_json_str(date ? date : today), &ok);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}
