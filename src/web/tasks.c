/*
 * tasks.c - an inspector's work list: /api/v1/tasks.
 *
 * The schools the inspector's grants cover (single schools and whole
 * districts), each with its latest valid inspection, when that
 * expires, and the inspector's own open draft for it; due ones first
 * (the order and the classification are the library's, tasks.h).  Beside
 * them, "plan_tasks": the schools published inspection plans assign to
 * the inspector as an expert, with why and whether done (plans.h).
 */
#include "web.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/json.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/school.h"
#include "schoolrisk/store.h"
#include "schoolrisk/tasks.h"

static cJSON *
task_json(const struct sr_task *t)
{
    cJSON *o = cJSON_CreateObject(), *in;
    bool valid = t->status != SR_TASK_NONE;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "school", sr_json_str(t->school), &ok);
    sr_json_add(o, "school_name", sr_json_str(t->school_name), &ok);
    sr_json_add(o, "district", sr_json_str(t->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(t->district_name), &ok);
    sr_json_add(o, "stage", sr_json_str(sr_stage_name(t->stage)), &ok);
    sr_json_add(o, "stage_label", sr_json_str(sr_stage_label(t->stage)), &ok);
    sr_json_add(o, "status", sr_json_str(sr_task_status_name(t->status)),
                &ok);
    sr_json_add(o, "status_label",
                sr_json_str(sr_task_status_label(t->status)), &ok);
    if (valid) {
        in = cJSON_CreateObject();
        sr_json_add(o, "inspection", in, &ok);
        if (ok) {
            sr_json_add(in, "id", sr_json_int(t->assessment), &ok);
            sr_json_add(in, "assessed_on", sr_json_str(t->assessed_on), &ok);
            sr_json_add(in, "total", sr_json_num(t->total, 2, 2), &ok);
            sr_json_add(in, "band", sr_json_str(t->band), &ok);
            sr_json_add(in, "band_label", sr_json_str(t->band_label), &ok);
            sr_json_add(in, "compliant", cJSON_CreateBool(t->compliant),
                        &ok);
            sr_json_add(in, "vetoed", cJSON_CreateBool(t->vetoed), &ok);
        }
    } else {
        sr_json_add(o, "inspection", cJSON_CreateNull(), &ok);
    }
    sr_json_add(o, "expires_on",
                sr_json_str(valid ? t->expires_on : NULL), &ok);
    /* Due now: since when, when an earlier inspection expired. */
    sr_json_add(o, "expired_on",
                sr_json_str(!valid && t->expires_on[0] ? t->expires_on
                                                       : NULL),
                &ok);
    sr_json_add(o, "draft", t->draft ? sr_json_int(t->draft)
                                     : cJSON_CreateNull(),
                &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

struct plan_ctx {
    cJSON *arr;
    int ok;
};

static int
plan_task(const struct sr_plan_assignment *a, void *ctx)
{
    struct plan_ctx *pc = ctx;

    sr_json_add(pc->arr, NULL, sr_json_plan_assignment(a), &pc->ok);
    return !pc->ok;
}

/* The schools published plans assign to the caller ("plan_tasks", not
 * paged: a plan gives an expert a handful), added to root. */
static sr_error
plan_tasks(struct web_req *r, cJSON *root, int *ok)
{
    struct plan_ctx pc = {cJSON_CreateArray(), 1};
    sr_error rc;

    pc.ok = pc.arr != NULL;
    rc = pc.ok ? sr_plan_assignments(r->st, r->who.user.id, plan_task, &pc)
               : SR_OK;
    if (rc != SR_OK || !pc.ok) {
        cJSON_Delete(pc.arr);
        *ok = 0;
        return rc;
    }
    sr_json_add(root, "plan_tasks", pc.arr, ok);
    return SR_OK;
}

WEB_HANDLER(web_tasks)
{
    struct sr_task_filter f = {.status = -1};
    struct sr_task_list l;
    struct sr_scope scope;
    const char *status = web_query(r, "status");
    char date[11];
    size_t offset, limit, i;
    cJSON *root, *arr, *counts;
    int ok, s;
    sr_error rc;

    if (!web_paging(r, 20, 200, &offset, &limit))
        return web_done(r);
    if (status) {
        f.status = sr_task_status_lookup(status);
        if (f.status < 0)
            return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "status",
                             0, _("unknown status '%s' (none 待检查, "
                                  "expiring 即将到期 or valid 有效)"),
                             status);
    }
    if (!web_scope(r, &scope))
        return web_done(r);
    f.scope = &scope;
    f.user = r->who.user.id;
    f.as_of = web_date(web_query(r, "date"), date);
    f.offset = offset;
    f.limit = limit;
    rc = sr_tasks_list(r->st, &f, &l);
    sr_scope_release(&scope);
    if (rc != SR_OK) {
        sr_task_list_release(&l);
        if (rc == SR_ERR_INPUT)
            return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "date", 0,
                             "%s", sr_store_errmsg(r->st));
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok) {
        sr_json_add(root, "as_of", sr_json_str(l.today), &ok);
        sr_json_add(root, "total", sr_json_int((int64_t)l.total), &ok);
        sr_json_add(root, "page", sr_json_int((int64_t)(offset / limit + 1)),
                    &ok);
        sr_json_add(root, "size", sr_json_int((int64_t)limit), &ok);
        counts = cJSON_CreateObject();
        sr_json_add(root, "counts", counts, &ok);
        for (s = 0; ok && s < SR_TASK_STATUS_COUNT; s++)
            sr_json_add(counts, sr_task_status_name(s),
                        sr_json_int((int64_t)l.counts[s]), &ok);
        arr = cJSON_CreateArray();
        sr_json_add(root, "items", arr, &ok);
        for (i = 0; ok && i < l.n; i++)
            sr_json_add(arr, NULL, task_json(&l.v[i]), &ok);
    }
    sr_task_list_release(&l);
    rc = ok ? plan_tasks(r, root, &ok) : SR_OK;
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
