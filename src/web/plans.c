/*
 * plans.c - inspection plans (检查计划) in the service: /api/v1/plans,
 * one plan with its schools, pairs and experts, publishing it, its
 * progress, and the progress of a period's plans by district.
 *
 * Who sees which plan (数据权限): a district plan is its district's
 * and the city's; a city-wide plan is the city's to make and publish,
 * and every district reads it for its own schools.  The route table
 * admits the roles and server.c checks a {id} route's plan (WEB_T_PLAN)
 * with web_plan_visible() and web_plan_writable(); what a district
 * reads of a city-wide plan is cut to its schools here (keep_school()),
 * so that no district sees another district's schools.
 *
 * Every rule of a plan is the library's (plans.h); its JSON is json.h's,
 * the same as `schoolrisk plan show --json`.
 */
#include "web.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/json.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"
#include "period.h"

#define CD (SR_ROLES(SR_ROLE_CITY) | SR_ROLES(SR_ROLE_DISTRICT))

bool
web_plan_visible(const struct web_req *r, const char *district)
{
    if (district)
        return web_covers(r, r->route->roles & CD, district, NULL);
    /* A city-wide plan covers every district. */
    return web_covers(r, r->route->roles & SR_ROLES(SR_ROLE_CITY), NULL,
                      NULL) ||
           ((r->route->roles & SR_ROLES(SR_ROLE_DISTRICT)) &&
            (r->who.roles & SR_ROLES(SR_ROLE_DISTRICT)));
}

bool
web_plan_writable(const struct web_req *r, const char *district)
{
    if (district)
        return web_covers(r, r->route->roles & CD, district, NULL);
    return web_covers(r, r->route->roles & SR_ROLES(SR_ROLE_CITY), NULL,
                      NULL);
}

/* Whether the caller sees the plan's rows of a school in district. */
static bool
keep_school(const struct web_req *r, const char *district)
{
    return web_covers(r, r->route->roles & CD, district, NULL);
}

/* The string of key in o, or "". */
static const char *
str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Cut a plan's JSON to the schools the caller sees, and its experts to
 * those paired with one of them; says so in "partial". */
static void
cut_plan(const struct web_req *r, cJSON *plan)
{
    cJSON *schools = cJSON_GetObjectItemCaseSensitive(plan, "schools");
    cJSON *experts = cJSON_GetObjectItemCaseSensitive(plan, "experts");
    cJSON *it, *next;
    bool cut = false;

    for (it = schools ? schools->child : NULL; it; it = next) {
        next = it->next;
        if (!keep_school(r, str_of(it, "district"))) {
            cJSON_Delete(cJSON_DetachItemViaPointer(schools, it));
            cut = true;
        }
    }
    for (it = cut && experts ? experts->child : NULL; it; it = next) {
        const char *login = str_of(it, "login");
        const cJSON *s;
        bool paired = false;

        next = it->next;
        cJSON_ArrayForEach(s, schools)
            if (!strcmp(str_of(s, "expert"), login))
                paired = true;
        if (!paired)
            cJSON_Delete(cJSON_DetachItemViaPointer(experts, it));
    }
    cJSON_AddBoolToObject(plan, "partial", cut);
}

/* The progress counts the caller sees of pr (rows of its districts). */
static void
seen_counts(const struct web_req *r, const struct sr_plan_progress *pr,
            size_t c[SR_PLAN_PROGRESS_COUNT])
{
    size_t i;

    memset(c, 0, SR_PLAN_PROGRESS_COUNT * sizeof(*c));
    for (i = 0; i < pr->n; i++)
        if (keep_school(r, pr->v[i].district))
            c[pr->v[i].status]++;
}

static cJSON *
counts_json(const size_t c[SR_PLAN_PROGRESS_COUNT])
{
    cJSON *o = cJSON_CreateObject();
    size_t total = 0;
    int ok = o != NULL, k;

    for (k = 0; ok && k < SR_PLAN_PROGRESS_COUNT; k++) {
        sr_json_add(o, sr_plan_progress_name(k), sr_json_int((int64_t)c[k]),
                    &ok);
        total += c[k];
    }
    sr_json_add(o, "total", sr_json_int((int64_t)total), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------ */
/* The list                                                             */
/* ------------------------------------------------------------------ */

struct list_ctx {
    const struct web_req *r;
    const struct sr_period *period; /* NULL: every period */
    int state;                      /* -1: both */
    cJSON *arr;
    int ok;
};

static int
list_row(const struct sr_plan *p, void *ctx)
{
    struct list_ctx *lc = ctx;

    if (!web_plan_visible(lc->r, p->district) ||
        (lc->state >= 0 && p->state != lc->state) ||
        (lc->period && (strcmp(p->end, lc->period->start) < 0 ||
                        strcmp(p->start, lc->period->end) > 0)))
        return 0;
    sr_json_add(lc->arr, NULL, sr_json_plan(p, false), &lc->ok);
    return !lc->ok;
}

/* Each published plan of arr with its progress as the caller sees it
 * ("progress": {done, due, overdue, total}; null for a draft). */
static sr_error
add_progress(struct web_req *r, cJSON *arr, int *ok)
{
    cJSON *it;
    sr_error rc = SR_OK;

    cJSON_ArrayForEach(it, arr) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        struct sr_plan_progress pr;
        size_t c[SR_PLAN_PROGRESS_COUNT];

        if (strcmp(str_of(it, "state"), "published")) {
            sr_json_add(it, "progress", cJSON_CreateNull(), ok);
            continue;
        }
        /* sr_json_int() writes a raw number: its text is the id. */
        rc = sr_plan_progress(r->st,
                              cJSON_IsRaw(id) ? strtoll(id->valuestring,
                                                        NULL, 10)
                                              : (int64_t)id->valuedouble,
                              NULL, &pr);
        if (rc == SR_OK) {
            seen_counts(r, &pr, c);
            sr_json_add(it, "progress", counts_json(c), ok);
        }
        sr_plan_progress_release(&pr);
        if (rc != SR_OK || !*ok)
            break;
    }
    return rc;
}

/* ?state= as enum sr_plan_state (-1: absent); false after answering. */
static bool
state_of(struct web_req *r, int *state)
{
    const char *s = web_query(r, "state");
    int k;

    *state = -1;
    if (!s)
        return true;
    for (k = 0; k < SR_PLAN_STATE_COUNT; k++)
        if (!strcmp(s, sr_plan_state_name(k)) ||
            !strcmp(s, sr_plan_state_label(k))) {
            *state = k;
            return true;
        }
    web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "state", 0,
              _("state takes draft 草稿 or published 已发布, not '%s'"), s);
    return false;
}

WEB_HANDLER(web_plans_list)
{
    struct list_ctx lc;
    struct sr_period p;
    cJSON *root;
    sr_error rc;

    memset(&lc, 0, sizeof(lc));
    if (!state_of(r, &lc.state))
        return web_done(r);
    if (web_query(r, "period")) {
        if (!web_period(r, &p))
            return web_done(r);
        lc.period = &p;
    }
    lc.r = r;
    lc.arr = cJSON_CreateArray();
    lc.ok = lc.arr != NULL;
    rc = lc.ok ? sr_plan_list(r->st, NULL, list_row, &lc) : SR_OK;
    if (rc == SR_OK && lc.ok)
        rc = add_progress(r, lc.arr, &lc.ok);
    if (rc != SR_OK) {
        cJSON_Delete(lc.arr);
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    sr_json_add(root, "items", lc.arr, &lc.ok);
    if (root && lc.ok)
        sr_json_add(root, "total",
                    sr_json_int((int64_t)cJSON_GetArraySize(lc.arr)), &lc.ok);
    if (!root || !lc.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

/* ------------------------------------------------------------------ */
/* One plan                                                             */
/* ------------------------------------------------------------------ */

/* Plan id with its rows, cut to the caller's schools, at status. */
static enum MHD_Result
plan_answer(struct web_req *r, int64_t id, unsigned status)
{
    struct sr_plan p;
    cJSON *o;
    sr_error rc;

    rc = sr_plan_get(r->st, id, NULL, &p);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    o = sr_json_plan(&p, true);
    sr_plan_release(&p);
    if (o)
        cut_plan(r, o);
    return web_json(r, status, o);
}

WEB_HANDLER(web_plans_get)
{
    int64_t id;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    return plan_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_plans_publish)
{
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    rc = sr_plan_publish(r->st, id, NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return plan_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_plans_progress)
{
    struct sr_plan_progress pr;
    cJSON *o, *rows, *it, *next;
    size_t c[SR_PLAN_PROGRESS_COUNT];
    int64_t id;
    int ok;
    sr_error rc;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    rc = sr_plan_progress(r->st, id, NULL, &pr);
    if (rc != SR_OK) {
        sr_plan_progress_release(&pr);
        return web_fail(r, rc, NULL);
    }
    seen_counts(r, &pr, c);
    o = sr_json_plan_progress(&pr);
    sr_plan_progress_release(&pr);
    ok = o != NULL;
    rows = o ? cJSON_GetObjectItemCaseSensitive(o, "schools") : NULL;
    for (it = rows ? rows->child : NULL; it; it = next) {
        next = it->next;
        if (!keep_school(r, str_of(it, "district")))
            cJSON_Delete(cJSON_DetachItemViaPointer(rows, it));
    }
    if (ok) {
        cJSON_DeleteItemFromObjectCaseSensitive(o, "counts");
        sr_json_add(o, "counts", counts_json(c), &ok);
    }
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return web_json(r, MHD_HTTP_OK, o);
}

/* ------------------------------------------------------------------ */
/* Making a plan                                                        */
/* ------------------------------------------------------------------ */

/* A permille field from 0 to 1000 (def when absent); false after
 * answering 400. */
static bool
share_of(struct web_req *r, const char *key, int def, int *out)
{
    int64_t v = def;

    if (!web_int(r, key, false, &v))
        return false;
    if (v < 0 || v > 1000) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", key, 0,
                  _("%s is in permille, from 0 to 1000 (100 is 10%%), not "
                    "%lld"),
                  key, (long long)v);
        return false;
    }
    *out = (int)v;
    return true;
}

/* "seed": a string of digits (a JSON number cannot hold every 64-bit
 * seed) or a small whole number; absent or null: drawn at random. */
static bool
seed_of(struct web_req *r, struct sr_plan_in *in)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, "seed");
    const char *t;
    char *end;
    unsigned long long n;

    if (!v || cJSON_IsNull(v))
        return true;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
        v->valuedouble <= 9007199254740991.0 &&
        v->valuedouble == (double)(int64_t)v->valuedouble) {
        in->seed = (uint64_t)v->valuedouble;
        in->has_seed = true;
        return true;
    }
    t = cJSON_IsString(v) ? v->valuestring : "";
    errno = 0;
    n = strtoull(t, &end, 10);
    if (!cJSON_IsString(v) || errno || end == t || *end || *t < '0' ||
        *t > '9') {
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "seed", 0, "%s",
                  _("seed is a whole number from 0 to 18446744073709551615, "
                    "given as a string of digits"));
        return false;
    }
    in->seed = (uint64_t)n;
    in->has_seed = true;
    return true;
}

/* The plan of the body; false after answering 400. */
static bool
plan_of(struct web_req *r, struct sr_plan_in *in)
{
    bool city = false;
    int64_t cap = 0;

    memset(in, 0, sizeof(*in));
    if (!web_str(r, "district", false, &in->district) ||
        !web_bool(r, "city", &city) ||
        !web_str(r, "period", true, &in->period) ||
        !share_of(r, "school_share", 100, &in->school_share) ||
        !share_of(r, "expert_share", 500, &in->expert_share) ||
        !seed_of(r, in) || !web_bool(r, "avoid_district",
                                     &in->avoid_district) ||
        !web_int(r, "cap", false, &cap))
        return false;
    if (!city == !in->district) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "missing_field", "district", 0,
                  "%s", _("give either district or \"city\": true"));
        return false;
    }
    if (cap < 0 || cap > 10000) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid", "cap", 0,
                  _("cap is a number of schools from 0 (no cap) to 10000, "
                    "not %lld"),
                  (long long)cap);
        return false;
    }
    in->cap = (int)cap;
    return true;
}

WEB_HANDLER(web_plans_create)
{
    struct sr_plan_in in;
    struct sr_scope scope;
    int64_t id = 0;
    sr_error rc;

    if (!plan_of(r, &in) || !web_scope(r, &scope))
        return web_done(r);
    rc = sr_plan_create(r->st, &in, &scope, &id);
    sr_scope_release(&scope);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return plan_answer(r, id, MHD_HTTP_CREATED);
}

/* ------------------------------------------------------------------ */
/* A period's progress by district                                      */
/* ------------------------------------------------------------------ */

struct row {
    char code[16];
    char *name;
    cJSON *plans;
    size_t c[SR_PLAN_PROGRESS_COUNT];
};

struct sum_ctx {
    const struct web_req *r;
    const struct sr_period *period;
    int64_t *ids;
    size_t n, alloc;
    bool nomem;
};

static int
sum_plan(const struct sr_plan *p, void *ctx)
{
    struct sum_ctx *sc = ctx;

    if (p->state != SR_PLAN_PUBLISHED || !web_plan_visible(sc->r, p->district) ||
        strcmp(p->end, sc->period->start) < 0 ||
        strcmp(p->start, sc->period->end) > 0)
        return 0;
    if (sc->n == sc->alloc) {
        size_t na = sc->alloc ? 2 * sc->alloc : 8;
        int64_t *v = realloc(sc->ids, na * sizeof(*v));

        if (!v) {
            sc->nomem = true;
            return 1;
        }
        sc->ids = v;
        sc->alloc = na;
    }
    sc->ids[sc->n++] = p->id;
    return 0;
}

/* Add plan id's rows to the districts' rows they fall in. */
static sr_error
sum_rows(struct web_req *r, int64_t id, struct row *rows, size_t n)
{
    struct sr_plan_progress pr;
    bool *hit = calloc(n ? n : 1, sizeof(*hit));
    size_t i, k;
    sr_error rc;

    if (!hit)
        return SR_ERR_NOMEM;
    rc = sr_plan_progress(r->st, id, NULL, &pr);
    for (i = 0; rc == SR_OK && i < pr.n; i++)
        for (k = 0; k < n; k++)
            if (!strcmp(rows[k].code, pr.v[i].district)) {
                rows[k].c[pr.v[i].status]++;
                hit[k] = true;
            }
    for (k = 0; rc == SR_OK && k < n; k++)
        if (hit[k] && !cJSON_AddItemToArray(rows[k].plans,
                                            sr_json_int(id)))
            rc = SR_ERR_NOMEM;
    sr_plan_progress_release(&pr);
    free(hit);
    return rc;
}

static cJSON *
sum_answer(const struct sr_period *p, struct row *rows, size_t n)
{
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    size_t tot[SR_PLAN_PROGRESS_COUNT] = {0};
    size_t i;
    int ok = root && arr, k;

    sr_json_add(root, "period", sr_json_period(p), &ok);
    sr_json_add(root, "districts", arr, &ok);
    for (i = 0; ok && i < n; i++) {
        cJSON *o = cJSON_CreateObject();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "code", sr_json_str(rows[i].code), &ok);
        sr_json_add(o, "name", sr_json_str(rows[i].name), &ok);
        sr_json_add(o, "plans", rows[i].plans, &ok);
        rows[i].plans = NULL;
        sr_json_add(o, "counts", counts_json(rows[i].c), &ok);
        for (k = 0; k < SR_PLAN_PROGRESS_COUNT; k++)
            tot[k] += rows[i].c[k];
    }
    sr_json_add(root, "total", counts_json(tot), &ok);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

WEB_HANDLER(web_plans_summary)
{
    struct sr_districts d;
    struct sum_ctx sc;
    struct sr_period p;
    struct row *rows = NULL;
    size_t n = 0, i;
    cJSON *root = NULL;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    memset(&sc, 0, sizeof(sc));
    sc.r = r;
    sc.period = &p;
    rc = sr_registry_districts(r->st, &d);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    rows = calloc(d.n ? d.n : 1, sizeof(*rows));
    if (!rows)
        rc = SR_ERR_NOMEM;
    for (i = 0; rc == SR_OK && i < d.n; i++) {
        if (!keep_school(r, d.v[i].code))
            continue;
        snprintf(rows[n].code, sizeof(rows[n].code), "%s", d.v[i].code);
        rows[n].name = d.v[i].name;
        if (!(rows[n++].plans = cJSON_CreateArray()))
            rc = SR_ERR_NOMEM;
    }
    if (rc == SR_OK)
        rc = sr_plan_list(r->st, NULL, sum_plan, &sc);
    if (rc == SR_OK && sc.nomem)
        rc = SR_ERR_NOMEM;
    for (i = 0; rc == SR_OK && i < sc.n; i++)
        rc = sum_rows(r, sc.ids[i], rows, n);
    if (rc == SR_OK)
        root = sum_answer(&p, rows, n);
    for (i = 0; rows && i < n; i++)
        cJSON_Delete(rows[i].plans);
    free(rows);
    free(sc.ids);
    sr_districts_release(&d);
    if (rc != SR_OK)
        return rc == SR_ERR_NOMEM ? web_json(r, MHD_HTTP_OK, NULL)
                                  : web_fail(r, rc, NULL);
    return web_json(r, MHD_HTTP_OK, root);
}
