/*
 * assessments.c - inspections and self-inspections from draft to
 * submission: /api/v1/assessments, a school's self-inspection, answers
 * one at a time (idempotent PUT, what a page retries when the network
 * comes back) or many at once, and the submission.
 *
 * A draft belongs to its maker: server.c admits only its maker to the
 * routes that change it (WEB_T_DRAFT) and hides it from everyone else
 * (WEB_T_ASSESSMENT); the list hides other people's drafts the same
 * way (sr_assess_filter.drafts_of).  Every rule about answers and
 * submissions is the library's (assess.h).
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/evidence.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/json.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/store.h"

/* The most answers one bulk request may carry (a system has at most
 * 5000 items). */
#define MAX_BULK 5000

/* ?name=1 or true. */
static bool
flag(const struct web_req *r, const char *name)
{
    const char *v = web_query(r, name);

    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static cJSON *
finish(cJSON *o, int ok)
{
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The hazards a submitted assessment raised or linked. */
static cJSON *
hazards_json(struct web_req *r, int64_t id, sr_error *rc)
{
    struct sr_assess_hazard *v = NULL;
    size_t n = 0, i;
    cJSON *arr;
    int ok;

    *rc = sr_assess_hazards(r->st, id, &v, &n);
    arr = cJSON_CreateArray();
    ok = arr != NULL;
    for (i = 0; ok && *rc == SR_OK && i < n; i++) {
        cJSON *o = cJSON_CreateObject();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "id", sr_json_int(v[i].id), &ok);
        sr_json_add(o, "item", sr_json_str(v[i].item), &ok);
        sr_json_add(o, "linked", cJSON_CreateBool(v[i].linked), &ok);
    }
    sr_assess_hazards_free(v, n);
    return finish(arr, ok);
}

/* The plan an inspection was made for, for its label ("检查计划：2026Q4
 * 历下区 #3"): id, period, district, district_name; null when none. */
static cJSON *
plan_json(struct web_req *r, int64_t id)
{
    struct sr_plan p;
    cJSON *o;
    int ok;

    if (!id)
        return cJSON_CreateNull();
    if (sr_plan_head(r->st, id, NULL, &p) != SR_OK)
        return cJSON_CreateNull(); /* the link outlives nothing: shown bare */
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "id", sr_json_int(p.id), &ok);
    sr_json_add(o, "period", sr_json_str(p.period), &ok);
    sr_json_add(o, "district", sr_json_str(p.district), &ok);
    sr_json_add(o, "district_name", sr_json_str(p.district_name), &ok);
    sr_plan_release(&p);
    return finish(o, ok);
}

/* The assessment with its answers, the score so far and, once
 * submitted, its result and hazards; at status. */
static enum MHD_Result
assessment_answer(struct web_req *r, int64_t id, unsigned status)
{
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    cJSON *root = NULL, *arr;
    size_t i;
    int ok;
    sr_error rc;

    sr_diags_init(&d);
    rc = sr_assess_open(r->st, id, &ctx, &d);
    if (rc != SR_OK && rc != SR_ERR_INPUT) {
        enum MHD_Result ret = web_fail(r, rc, NULL);

        sr_assess_ctx_release(&ctx);
        sr_diags_release(&d);
        return ret;
    }
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok) {
        bool fits = rc == SR_OK;

        sr_json_add(root, "assessment", sr_json_assessment(&ctx.a), &ok);
        sr_json_add(root, "plan", plan_json(r, ctx.a.plan), &ok);
        sr_json_add(root, "answers", sr_json_answers(&ctx), &ok);
        /* Answers that no longer fit the school (its registry record
         * changed) leave the score unknown until they are answered
         * again; the problems say which. */
        sr_json_add(root, "progress",
                    fits ? sr_json_progress(&ctx) : cJSON_CreateNull(), &ok);
        sr_json_add(root, "result",
                    fits && ctx.scored
                        ? sr_json_result(ctx.sys, &ctx.school.school,
                                         &ctx.resp, &ctx.res)
                        : cJSON_CreateNull(),
                    &ok);
        arr = cJSON_CreateArray();
        sr_json_add(root, "problems", arr, &ok);
        for (i = 0; ok && i < d.n; i++)
            sr_json_add(arr, NULL, sr_json_str(d.v[i].message), &ok);
        rc = SR_OK;
        if (ok)
            sr_json_add(root, "hazards",
                        ctx.a.submitted ? hazards_json(r, id, &rc)
                                        : cJSON_CreateArray(),
                        &ok);
    }
    sr_assess_ctx_release(&ctx);
    sr_diags_release(&d);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        return web_fail(r, rc, NULL);
    }
    return web_json(r, status, finish(root, ok));
}

/* ------------------------------------------------------------------ */
/* Drafts                                                               */
/* ------------------------------------------------------------------ */

static enum MHD_Result
create(struct web_req *r, const char *school, int kind)
{
    struct sr_assess_new n = {.school = school, .kind = kind};
    const char *on;
    char date[11];
    int64_t id = 0;
    sr_error rc;

    if (!web_str(r, "assessed_on", false, &on) ||
        (kind == SR_ASSESS_INSPECTION && !web_int(r, "plan", false, &n.plan)))
        return web_done(r);
    n.assessed_on = on && *on ? web_date(on, date) : NULL;
    rc = sr_assess_create(r->st, &n, &id);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return assessment_answer(r, id, MHD_HTTP_CREATED);
}

WEB_HANDLER(web_assessments_create)
{
    const char *school;

    if (!web_str(r, "school", true, &school))
        return web_done(r);
    return create(r, school, SR_ASSESS_INSPECTION);
}

WEB_HANDLER(web_assessments_self)
{
    return create(r, web_param(r, 0), SR_ASSESS_SELF);
}

/* ------------------------------------------------------------------ */
/* The list                                                             */
/* ------------------------------------------------------------------ */

struct collect {
    cJSON *arr;
    int ok;
};

static int
add_one(const struct sr_assessment *a, void *p)
{
    struct collect *c = p;

    sr_json_add(c->arr, NULL, sr_json_assessment(a), &c->ok);
    return !c->ok;
}

WEB_HANDLER(web_assessments_list)
{
    struct sr_assess_filter f = {.status = -1};
    const char *status = web_query(r, "status");
    const char *kind = web_query(r, "kind");
    struct collect c = {NULL, 1};
    struct sr_scope scope;
    size_t offset, limit, total = 0;
    cJSON *root;
    sr_error rc;

    if (!web_paging(r, 20, 200, &offset, &limit))
        return web_done(r);
    if (status) {
        f.status = sr_assess_status_lookup(status);
        if (f.status < 0)
            return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "status",
                             0, _("unknown status '%s' (draft 草稿 or "
                                  "submitted 已提交)"),
                             status);
    }
    if (kind && sr_assess_kind_lookup(kind) < 0)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "kind", 0,
                         _("unknown kind '%s' (inspection 督导检查 or self "
                           "学校自查)"),
                         kind);
    if (!web_scope(r, &scope))
        return web_done(r);
    f.school = web_query(r, "school");
    f.district = web_query(r, "district");
    f.kind = kind ? sr_assess_kind_name(sr_assess_kind_lookup(kind)) : NULL;
    f.scope = &scope;
    f.created_by_user = flag(r, "mine") ? r->who.user.id : 0;
    f.drafts_of = r->who.user.id;
    f.offset = offset;
    f.limit = limit;
    c.arr = cJSON_CreateArray();
    rc = sr_assess_count(r->st, &f, &total);
    if (rc == SR_OK)
        rc = sr_assess_list(r->st, &f, add_one, &c);
    sr_scope_release(&scope);
    if (rc != SR_OK) {
        cJSON_Delete(c.arr);
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    if (!root)
        c.ok = 0;
    if (c.ok) {
        sr_json_add(root, "total", sr_json_int((int64_t)total), &c.ok);
        sr_json_add(root, "page",
                    sr_json_int((int64_t)(offset / limit + 1)), &c.ok);
        sr_json_add(root, "size", sr_json_int((int64_t)limit), &c.ok);
    }
    if (root)
        sr_json_add(root, "items", c.arr, &c.ok);
    else
        cJSON_Delete(c.arr);
    return web_json(r, MHD_HTTP_OK, finish(root, c.ok));
}

WEB_HANDLER(web_assessments_get)
{
    int64_t id;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    return assessment_answer(r, id, MHD_HTTP_OK);
}

/* ------------------------------------------------------------------ */
/* Answers                                                              */
/* ------------------------------------------------------------------ */

/* After a change to item (NULL: many): the item's answer, when given,
 * and the progress, so that the page updates without another request. */
static enum MHD_Result
progress_answer(struct web_req *r, int64_t id, const char *item,
                size_t saved)
{
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    cJSON *root;
    long at;
    int ok;
    sr_error rc;

    sr_diags_init(&d);
    rc = sr_assess_open(r->st, id, &ctx, &d);
    sr_diags_release(&d);
    if (rc != SR_OK && rc != SR_ERR_INPUT) {
        sr_assess_ctx_release(&ctx);
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok && item) {
        at = sr_system_find_item(ctx.sys, item);
        sr_json_add(root, "item", sr_json_str(item), &ok);
        sr_json_add(root, "answer",
                    at >= 0 ? sr_json_answer(&ctx, (size_t)at)
                            : cJSON_CreateNull(),
                    &ok);
    } else if (ok) {
        sr_json_add(root, "saved", sr_json_int((int64_t)saved), &ok);
    }
    /* Stored answers that no longer fit the school leave the score
     * unknown (GET lists them). */
    if (ok)
        sr_json_add(root, "progress",
                    rc == SR_OK ? sr_json_progress(&ctx) : cJSON_CreateNull(),
                    &ok);
    sr_assess_ctx_release(&ctx);
    return web_json(r, MHD_HTTP_OK, finish(root, ok));
}

WEB_HANDLER(web_assessments_answer)
{
    const char *item = web_param(r, 1), *value, *note;
    const char *files[SR_EVIDENCE_MAX_FILES];
    struct sr_diags d;
    enum MHD_Result ret;
    size_t n;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_str(r, "value", true, &value) ||
        !web_str(r, "note", false, &note) ||
        !web_strs(r, "files", files, SR_EVIDENCE_MAX_FILES, &n))
        return web_done(r);
    sr_diags_init(&d);
    /* Without "files" the answer keeps its photos; "files": [] removes
     * them. */
    rc = sr_assess_answer(r->st, id, item, value, note,
                          cJSON_GetObjectItemCaseSensitive(r->json, "files")
                              ? files : NULL,
                          n, &d);
    if (rc == SR_ERR_NOT_FOUND && n) {
        /* The draft exists (server.c found it): what is missing is an
         * evidence file the answer refers to. */
        sr_diags_release(&d);
        return web_error(r, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid",
                         "files", 0, "%s", sr_store_errmsg(r->st));
    }
    if (rc != SR_OK) {
        ret = web_fail(r, rc, &d);
        sr_diags_release(&d);
        return ret;
    }
    sr_diags_release(&d);
    return progress_answer(r, id, item, 0);
}

WEB_HANDLER(web_assessments_unanswer)
{
    const char *item = web_param(r, 1);
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    rc = sr_assess_clear(r->st, id, item);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return progress_answer(r, id, item, 0);
}

/* "answers": [{item, value, note, files}] into v (files into the
 * room of n * SR_EVIDENCE_MAX_FILES pointers); false after answering
 * 400 for a list of the wrong shape. */
static bool
read_answers(struct web_req *r, const cJSON *list, struct sr_answer_in *v,
             const char **files)
{
    const cJSON *e;
    size_t i = 0;

    cJSON_ArrayForEach(e, list) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(e, "item");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(e, "value");
        const cJSON *note = cJSON_GetObjectItemCaseSensitive(e, "note");
        const cJSON *fl = cJSON_GetObjectItemCaseSensitive(e, "files");
        const cJSON *f;
        const char **mine = files + i * SR_EVIDENCE_MAX_FILES;

        if (!cJSON_IsObject(e) || !cJSON_IsString(item) ||
            (value && !cJSON_IsNull(value) && !cJSON_IsString(value)) ||
            (note && !cJSON_IsNull(note) && !cJSON_IsString(note)) ||
            (fl && !cJSON_IsNull(fl) && !cJSON_IsArray(fl)))
            goto bad;
        v[i].item = item->valuestring;
        v[i].value = cJSON_IsString(value) ? value->valuestring : NULL;
        v[i].note = cJSON_IsString(note) ? note->valuestring : NULL;
        /* Without "files" the answer keeps its photos. */
        v[i].files = cJSON_IsArray(fl) ? mine : NULL;
        v[i].n_files = 0;
        cJSON_ArrayForEach(f, fl) {
            if (!cJSON_IsString(f) || v[i].n_files == SR_EVIDENCE_MAX_FILES)
                goto bad;
            mine[v[i].n_files++] = f->valuestring;
        }
        i++;
    }
    return true;

bad:
    web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "answers", (long)0,
              _("answer %zu must be an object with the strings 'item' and "
                "'value', optionally 'note' and 'files' (at most %d "
                "SHA-256)"),
              i + 1, SR_EVIDENCE_MAX_FILES);
    return false;
}

WEB_HANDLER(web_assessments_answers)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r->json, "answers");
    struct sr_answer_in *v = NULL;
    const char **files = NULL;
    struct sr_diags d;
    enum MHD_Result ret;
    size_t n;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    if (!cJSON_IsArray(list))
        return web_error(r, MHD_HTTP_BAD_REQUEST,
                         list ? "bad_field" : "missing_field", "answers", 0,
                         "%s", _("the field 'answers' must be a list of "
                                 "answers"));
    n = (size_t)cJSON_GetArraySize(list);
    if (n > MAX_BULK)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "answers", 0,
                         _("the field '%s' lists more than %zu entries"),
                         "answers", (size_t)MAX_BULK);
    v = calloc(n ? n : 1, sizeof(*v));
    files = calloc((n ? n : 1) * SR_EVIDENCE_MAX_FILES, sizeof(*files));
    if (!v || !files) {
        free(v);
        free(files);
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, "%s", _("out of memory"));
    }
    if (!read_answers(r, list, v, files)) {
        free(v);
        free(files);
        return web_done(r);
    }
    sr_diags_init(&d);
    rc = sr_assess_answer_many(r->st, id, v, n, &d);
    free(v);
    free(files);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, &d);
        sr_diags_release(&d);
        return ret;
    }
    sr_diags_release(&d);
    return progress_answer(r, id, NULL, n);
}

/* ------------------------------------------------------------------ */
/* Submission                                                           */
/* ------------------------------------------------------------------ */

/* The optional body {"correction": "..."}: the reason for submitting an
 * inspection dated inside a locked (signed-off) period, recorded as an
 * amendment (signoff.h).  False after answering 400 or 422. */
static bool
correction_reason(struct web_req *r)
{
    const char *why = NULL;

    if (!web_str(r, "correction", false, &why))
        return false;
    if (!why)
        return true;
    if (sr_store_set_correction_reason(r->st, why) != SR_OK) {
        web_error(r, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid", "correction",
                  0, "%s", sr_store_errmsg(r->st));
        return false;
    }
    return true;
}

WEB_HANDLER(web_assessments_submit)
{
    struct sr_submit_report rep;
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    enum MHD_Result ret;
    cJSON *root;
    int64_t id;
    int ok;
    sr_error rc;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    if (!correction_reason(r))
        return web_done(r);
    sr_diags_init(&d);
    rc = sr_assess_submit(r->st, id, &d, &rep);
    /* The reason is for this submission only: the store serves the
     * next request too. */
    sr_store_set_correction_reason(r->st, NULL);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, &d);
        sr_diags_release(&d);
        return ret;
    }
    /* The result as stored, with its derivation. */
    rc = sr_assess_open(r->st, id, &ctx, &d);
    sr_diags_release(&d);
    if (rc != SR_OK) {
        sr_assess_ctx_release(&ctx);
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok) {
        sr_json_add(root, "assessment", sr_json_assessment(&ctx.a), &ok);
        sr_json_add(root, "result",
                    sr_json_result(ctx.sys, &ctx.school.school, &ctx.resp,
                                   &ctx.res),
                    &ok);
        sr_json_add(root, "hazards_new",
                    sr_json_int((int64_t)rep.hazards_new), &ok);
        sr_json_add(root, "hazards_linked",
                    sr_json_int((int64_t)rep.hazards_linked), &ok);
        if (ok)
            sr_json_add(root, "hazards", hazards_json(r, id, &rc), &ok);
    }
    sr_assess_ctx_release(&ctx);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        return web_fail(r, rc, NULL);
    }
    return web_json(r, MHD_HTTP_OK, finish(root, ok));
}
