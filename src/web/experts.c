/*
 * experts.c - the expert corps (安全专家库): /api/v1/experts, its
 * summary against the target, one profile, adding and changing one.
 *
 * Who sees which profile (data scope, like 本部门数据权限): the city
 * every expert, a district the experts of its district, an inspector
 * only its own profile (an expert is an inspector; its peers' workload
 * is not its business).  The route table admits the roles; the list
 * filters by web_expert_visible(), and a {login} route's target
 * (WEB_T_EXPERT) is checked with the same function in server.c, so a
 * profile out of scope is answered like one that does not exist.
 *
 * The profiles and figures are the library's (experts.h) and their
 * JSON is json.h's, the same as `schoolrisk experts ... --json`.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/date.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/json.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"
#include "period.h"

#define CD (SR_ROLES(SR_ROLE_CITY) | SR_ROLES(SR_ROLE_DISTRICT))

bool
web_expert_visible(const struct web_req *r, const char *district,
                   int64_t user)
{
    if (web_covers(r, r->route->roles & CD, district, NULL))
        return true;
    return (r->route->roles & SR_ROLES(SR_ROLE_INSPECTOR)) &&
           (r->who.roles & SR_ROLES(SR_ROLE_INSPECTOR)) &&
           user == r->who.user.id;
}

/* A query value the library refuses (an unknown district) is a bad
 * query, not a missing record. */
static enum MHD_Result
fail_query(struct web_req *r, sr_error rc, const char *field)
{
    if (rc == SR_ERR_NOT_FOUND || rc == SR_ERR_INPUT) {
        const char *f = sr_store_errfield(r->st);

        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query",
                         f ? f : field, 0, "%s", sr_store_errmsg(r->st));
    }
    return web_fail(r, rc, NULL);
}

/* ------------------------------------------------------------------ */
/* The list                                                             */
/* ------------------------------------------------------------------ */

/* The filter of ?district=, ?speciality=, ?status=, ?due= and ?as_of=;
 * false after answering 400. */
static bool
filter_of(struct web_req *r, struct sr_expert_filter *f, char as_of[16])
{
    const char *spec = web_query(r, "speciality");
    const char *status = web_query(r, "status");
    const char *due = web_query(r, "due");
    const char *day = web_query(r, "as_of");
    char *end;
    long v;

    sr_expert_filter_init(f);
    f->district = web_query(r, "district");
    if (spec && (f->speciality = sr_speciality_lookup(spec)) < 0) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "speciality", 0,
                  _("unknown speciality '%s'"), spec);
        return false;
    }
    if (status && (f->status = sr_expert_status_lookup(status)) < 0) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "status", 0,
                  _("status takes active 在库, suspended 暂停 or retired "
                    "退出, not '%s'"),
                  status);
        return false;
    }
    if (due) {
        v = strtol(due, &end, 10);
        if (end == due || *end || v < 0 || v > 36500) {
            web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "due", 0,
                      _("due expects a number of days from 0 to 36500, "
                        "not '%s'"),
                      due);
            return false;
        }
        f->due_days = (int)v;
    }
    if (!day) {
        sr_store_today(r->st, as_of);
    } else if (sr_date_parse(day, as_of) != SR_OK) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "as_of", 0,
                  _("as_of '%s' is not a date (YYYY-MM-DD)"), day);
        return false;
    }
    f->as_of = as_of;
    return true;
}

struct list_ctx {
    const struct web_req *r;
    cJSON *arr;
    const char *as_of;
    size_t offset, limit, total;
    int ok;
};

static int
list_row(const struct sr_expert *e, const struct sr_expert_work *w,
         void *ctx)
{
    struct list_ctx *lc = ctx;

    if (!web_expert_visible(lc->r, e->district, e->user))
        return 0;
    if (lc->total >= lc->offset && lc->total < lc->offset + lc->limit)
        sr_json_add(lc->arr, NULL, sr_json_expert(e, lc->as_of, w), &lc->ok);
    lc->total++;
    return !lc->ok;
}

/* The page of the list as {total, page, size, period, items}. */
static enum MHD_Result
list_answer(struct web_req *r, struct list_ctx *lc, const struct sr_period *p)
{
    cJSON *root = cJSON_CreateObject();
    int ok = root != NULL && lc->ok;

    if (!ok) {
        cJSON_Delete(root);
        cJSON_Delete(lc->arr);
        return web_json(r, MHD_HTTP_OK, NULL);
    }
    sr_json_add(root, "total", sr_json_int((int64_t)lc->total), &ok);
    sr_json_add(root, "page",
                sr_json_int((int64_t)(lc->offset / lc->limit + 1)), &ok);
    sr_json_add(root, "size", sr_json_int((int64_t)lc->limit), &ok);
    sr_json_add(root, "as_of", sr_json_str(lc->as_of), &ok);
    sr_json_add(root, "period", sr_json_period(p), &ok);
    sr_json_add(root, "items", lc->arr, &ok);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

WEB_HANDLER(web_experts_list)
{
    struct sr_expert_filter f;
    struct sr_period p;
    struct list_ctx lc;
    char as_of[16];
    sr_error rc;

    memset(&lc, 0, sizeof(lc));
    if (!web_paging(r, 20, 500, &lc.offset, &lc.limit) ||
        !filter_of(r, &f, as_of) || !web_period(r, &p))
        return web_done(r);
    lc.r = r;
    lc.as_of = as_of;
    lc.arr = cJSON_CreateArray();
    lc.ok = lc.arr != NULL;
    rc = lc.ok ? sr_expert_workload(r->st, &f, p.start, p.end, list_row, &lc)
               : SR_OK;
    if (rc != SR_OK) {
        cJSON_Delete(lc.arr);
        return fail_query(r, rc, "district");
    }
    return list_answer(r, &lc, &p);
}

/* ------------------------------------------------------------------ */
/* The summary                                                          */
/* ------------------------------------------------------------------ */

struct due_ctx {
    const struct web_req *r;
    cJSON *arr;
    const char *as_of;
    int ok;
};

/* Keep the experts the summary counts as due that the caller may see. */
static int
due_row(const struct sr_expert *e, void *ctx)
{
    struct due_ctx *dc = ctx;

    if (sr_expert_due(e, dc->as_of, SR_EXPERT_DUE_DAYS) &&
        web_expert_visible(dc->r, e->district, e->user))
        sr_json_add(dc->arr, NULL, sr_json_expert(e, dc->as_of, NULL),
                    &dc->ok);
    return !dc->ok;
}

/* The counts are the whole corps' (figures, not people); the experts
 * due for re-training are listed as far as the caller may see them. */
WEB_HANDLER(web_experts_summary)
{
    struct sr_expert_summary s;
    struct sr_expert_filter f;
    struct due_ctx dc;
    const char *day = web_query(r, "as_of");
    char as_of[11];
    cJSON *root;
    sr_error rc;

    if (day && sr_date_parse(day, as_of) != SR_OK)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "as_of", 0,
                         _("as_of '%s' is not a date (YYYY-MM-DD)"), day);
    rc = sr_expert_summary(r->st, day ? as_of : NULL, &s);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = sr_json_expert_summary(&s);
    dc.r = r;
    dc.as_of = s.as_of;
    dc.arr = cJSON_CreateArray();
    dc.ok = root && dc.arr;
    sr_expert_filter_init(&f);
    f.as_of = s.as_of;
    f.status = SR_EXPERT_ACTIVE;
    f.due_days = SR_EXPERT_DUE_DAYS;
    rc = dc.ok ? sr_expert_list(r->st, &f, due_row, &dc) : SR_OK;
    sr_expert_summary_release(&s);
    if (rc == SR_OK && dc.ok) {
        sr_json_add(root, "due_experts", dc.arr, &dc.ok);
        dc.arr = NULL;
    }
    cJSON_Delete(dc.arr);
    if (rc != SR_OK || !dc.ok) {
        cJSON_Delete(root);
        return rc != SR_OK ? web_fail(r, rc, NULL)
                           : web_json(r, MHD_HTTP_OK, NULL);
    }
    return web_json(r, MHD_HTTP_OK, root);
}

/* ------------------------------------------------------------------ */
/* One profile                                                          */
/* ------------------------------------------------------------------ */

/* The row of login in the workload of its district. */
struct one_ctx {
    const char *login;
    const char *as_of;
    cJSON *v;
    bool found;
};

static int
one_row(const struct sr_expert *e, const struct sr_expert_work *w, void *ctx)
{
    struct one_ctx *oc = ctx;

    if (strcmp(e->login, oc->login) != 0)
        return 0;
    oc->found = true;
    oc->v = sr_json_expert(e, oc->as_of, w);
    return 1;
}

/* The profile of login with its workload in ?period=, answered with
 * status. */
static enum MHD_Result
expert_answer(struct web_req *r, const char *login, unsigned status)
{
    struct sr_expert_filter f;
    struct sr_expert e;
    struct sr_period p;
    struct one_ctx oc;
    char as_of[16];
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    memset(&e, 0, sizeof(e));
    rc = sr_expert_get(r->st, login, &e);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    sr_store_today(r->st, as_of);
    memset(&oc, 0, sizeof(oc));
    oc.login = e.login;
    oc.as_of = as_of;
    sr_expert_filter_init(&f);
    f.district = e.district;
    rc = sr_expert_workload(r->st, &f, p.start, p.end, one_row, &oc);
    sr_expert_release(&e);
    if (rc != SR_OK) {
        cJSON_Delete(oc.v);
        return web_fail(r, rc, NULL);
    }
    if (!oc.found)
        return web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                         _("not found"));
    return web_json(r, status, oc.v);
}

WEB_HANDLER(web_experts_get)
{
    return expert_answer(r, web_param(r, 0), MHD_HTTP_OK);
}

/* ------------------------------------------------------------------ */
/* Adding and changing                                                  */
/* ------------------------------------------------------------------ */

/* "specialities": an array of names or labels, or one text "fire,消防";
 * *mask stays 0 when absent.  false after answering 400. */
static bool
specialities_of(struct web_req *r, unsigned *mask)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json,
                                                      "specialities");
    const cJSON *it;
    char bad[64];
    int k;

    *mask = 0;
    if (!v || cJSON_IsNull(v))
        return true;
    if (cJSON_IsString(v)) {
        if (sr_speciality_parse(v->valuestring, mask, bad, sizeof(bad)) ==
            SR_OK)
            return true;
        if (bad[0])
            web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "specialities", 0,
                      _("unknown speciality '%s'"), bad);
        else
            web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "specialities", 0,
                      "%s", _("specialities: at least one is required"));
        return false;
    }
    if (!cJSON_IsArray(v)) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "specialities", 0,
                  "%s", _("specialities must be an array of names"));
        return false;
    }
    cJSON_ArrayForEach(it, v) {
        k = cJSON_IsString(it) ? sr_speciality_lookup(it->valuestring) : -1;
        if (k < 0) {
            web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "specialities", 0,
                      _("unknown speciality '%s'"),
                      cJSON_IsString(it) ? it->valuestring : "?");
            return false;
        }
        *mask |= SR_SPECS(k);
    }
    if (!*mask) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "specialities", 0,
                  "%s", _("specialities: at least one is required"));
        return false;
    }
    return true;
}

/* The profile fields of the body (dates as people type them, in bufs);
 * false after answering 400. */
struct body {
    struct sr_expert_in in;
    char trained[11], certified[11], expires[11];
};

static bool
body_of(struct web_req *r, bool add, struct body *b)
{
    const char *status = NULL, *t = NULL, *c = NULL, *x = NULL;

    memset(b, 0, sizeof(*b));
    b->in.status = -1;
    if (!web_str(r, "unit", add, &b->in.unit) ||
        !web_str(r, "district", add, &b->in.district) ||
        !web_str(r, "trained_on", add, &t) ||
        !web_str(r, "certified_on", add, &c) ||
        !web_str(r, "expires_on", add, &x) ||
        !web_str(r, "status", false, &status) ||
        !specialities_of(r, &b->in.specialities))
        return false;
    if (add && !b->in.specialities) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "missing_field", "specialities",
                  0, "%s", _("specialities: at least one is required"));
        return false;
    }
    if (status && (b->in.status = sr_expert_status_lookup(status)) < 0) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "status", 0,
                  _("status takes active 在库, suspended 暂停 or retired "
                    "退出, not '%s'"),
                  status);
        return false;
    }
    b->in.trained_on = web_date(t, b->trained);
    b->in.certified_on = web_date(c, b->certified);
    b->in.expires_on = web_date(x, b->expires);
    return true;
}

WEB_HANDLER(web_experts_add)
{
    const char *login;
    struct body b;
    sr_error rc;

    if (!web_str(r, "login", true, &login) || !body_of(r, true, &b))
        return web_done(r);
    rc = sr_expert_add(r->st, login, &b.in);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return expert_answer(r, login, MHD_HTTP_CREATED);
}

WEB_HANDLER(web_experts_update)
{
    struct body b;
    sr_error rc;

    if (!body_of(r, false, &b))
        return web_done(r);
    rc = sr_expert_update(r->st, web_param(r, 0), &b.in);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return expert_answer(r, web_param(r, 0), MHD_HTTP_OK);
}
