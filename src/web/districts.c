/*
 * districts.c - the districts and their figures: /api/v1/districts, a
 * district's overview and the city's dashboard.
 *
 * The figures are the workbooks' (report.h), computed as of the end of
 * the period asked for (?period=, the current quarter by default), so
 * that a page and the workbook downloaded beside it never disagree;
 * their JSON is the library's (json.h).  The list of districts is the
 * bureau's reporting units, not school data, so every role sees it.
 */
#include "cache.h"
#include "web.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/hazards.h"
#include "schoolrisk/json.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "period.h"

WEB_HANDLER(web_districts_list)
{
    struct sr_districts d;
    cJSON *root, *arr;
    size_t i;
    int ok;
    sr_error rc;

    rc = sr_registry_districts(r->st, &d);
    if (rc != SR_OK) {
        sr_districts_release(&d);
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    ok = root != NULL;
    sr_json_add(root, "total", sr_json_int((int64_t)d.n), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(root, "items", arr, &ok);
    for (i = 0; ok && i < d.n; i++) {
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "code", sr_json_str(d.v[i].code), &ok);
        sr_json_add(e, "name", sr_json_str(d.v[i].name), &ok);
    }
    sr_districts_release(&d);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

WEB_HANDLER(web_district_overview)
{
    struct sr_report_district rep;
    struct sr_period p;
    sr_error rc;
    cJSON *v;

    if (!web_period(r, &p))
        return web_done(r);
    memset(&rep, 0, sizeof(rep));
    rc = sr_report_district(r->st, web_param(r, 0), &p, &rep);
    if (rc != SR_OK) {
        sr_report_district_release(&rep);
        return web_fail(r, rc, NULL);
    }
    v = sr_json_report_district(&rep);
    sr_report_district_release(&rep);
    return web_json(r, MHD_HTTP_OK, v);
}

/* The supervised (major) hazards in scope now: open ones, and those the
 * districts reviewed that wait for the city's sign-off. */
static sr_error
supervised_json(struct sr_store *st, const struct sr_scope *scope,
                cJSON **out)
{
    struct sr_hazard_filter f;
    size_t all = 0, closed = 0, waiting = 0;
    int ok;
    sr_error rc;

    memset(&f, 0, sizeof(f));
    f.status = -1;
    f.level = -1;
    f.scope = scope;
    f.supervised = true;
    rc = sr_hazard_count(st, &f, NULL, &all);
    f.status = SR_HAZARD_CLOSED;
    if (rc == SR_OK)
        rc = sr_hazard_count(st, &f, NULL, &closed);
    f.status = -1;
    f.supervised = false;
    f.awaiting_signoff = true;
    if (rc == SR_OK)
        rc = sr_hazard_count(st, &f, NULL, &waiting);
    if (rc != SR_OK)
        return rc;
    *out = cJSON_CreateObject();
    ok = *out != NULL;
    sr_json_add(*out, "open", sr_json_int((int64_t)(all - closed)), &ok);
    sr_json_add(*out, "awaiting_signoff", sr_json_int((int64_t)waiting),
                &ok);
    if (!ok) {
        cJSON_Delete(*out);
        *out = NULL;
        return SR_ERR_NOMEM;
    }
    return SR_OK;
}

/* The city's figures for a period, computed (cache.h): the whole city,
 * the same for every city user (the route admits the city only). */
static cJSON *
dashboard_json(struct sr_store *st, const void *ctx, sr_error *rc)
{
    const struct sr_period *p = ctx;
    struct sr_report_city city;
    struct sr_scope all = {true, NULL, 0, NULL, 0};
    cJSON *root = NULL, *sup = NULL;
    char now[32];
    int ok;

    memset(&city, 0, sizeof(city));
    *rc = sr_report_city(st, p, &city);
    if (*rc == SR_OK)
        *rc = supervised_json(st, &all, &sup);
    if (*rc == SR_OK)
        root = sr_json_report_city(&city);
    sr_report_city_release(&city);
    ok = root != NULL;
    if (ok) {
        sr_json_add(root, "supervised", sup, &ok);
        sr_store_now(st, now);
        sr_json_add(root, "computed_at", sr_json_str(now), &ok);
    } else {
        cJSON_Delete(sup);
    }
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
        if (*rc == SR_OK)
            *rc = SR_ERR_NOMEM;
    }
    return root;
}

/* The whole city's figures are the same for every city user: they are
 * computed once per period and day and served again until something is
 * written; after that, for a minute (--cache-seconds), then recomputed
 * in the background
 * while the old figures are still served (cache.c).  "computed_at"
 * says when; ?fresh=1 (the page's 刷新) waits for figures that take
 * every write into account.  Without it, each dashboard request would
 * recompute the city (about a second of CPU for 3,000 schools). */
_Static_assert(sizeof(struct sr_period) <= WEB_CACHE_CTX,
               "a period fits a cache entry's context");

WEB_HANDLER(web_dashboard)
{
    struct sr_period p;
    char key[96], today[16], *text;
    const char *fresh = web_query(r, "fresh");
    sr_error rc = SR_OK;

    if (!web_period(r, &p))
        return web_done(r);
    sr_store_today(r->st, today);
    snprintf(key, sizeof(key), "dashboard %s %s", p.name, today);
    text = web_cache_get(r->st, key,
                         fresh && !strcmp(fresh, "1") ? 0
                                                      : r->cfg->cache_seconds,
                         dashboard_json, &p, sizeof(p), &rc);
    if (!text)
        return web_fail(r, rc, NULL);
    return web_json_text(r, MHD_HTTP_OK, text);
}
