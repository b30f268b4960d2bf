/*
 * json_assess.c - an assessment in progress as JSON: its stored answers
 * with their evidence files, and how far it has got (json.h).
 */
#include "schoolrisk/json.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/evidence.h"

/* The SHA-256 of the files an evidence text refers to. */
static cJSON *
files_json(const char *evidence)
{
    char (*hashes)[65] = NULL;
    cJSON *arr = cJSON_CreateArray();
    size_t n, i;
    int ok = arr != NULL;

    if (!ok || !evidence)
        return arr;
    hashes = malloc(SR_EVIDENCE_MAX_FILES * sizeof(*hashes));
    if (!hashes) {
        cJSON_Delete(arr);
        return NULL;
    }
    n = sr_evidence_parse_refs(evidence, hashes, SR_EVIDENCE_MAX_FILES);
    for (i = 0; ok && i < n; i++)
        sr_json_add(arr, NULL, sr_json_str(hashes[i]), &ok);
    free(hashes);
    return sr_json_done(arr, ok);
}

cJSON *
sr_json_answer(const struct sr_assess_ctx *ctx, size_t i)
{
    const struct sr_item *items;
    size_t n;
    cJSON *o;
    int ok;

    items = sr_system_items(ctx->sys, &n);
    if (i >= n || !ctx->resp.value[i])
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    ok = o != NULL;
    if (!ok)
        return NULL;
    sr_json_add(o, "item", sr_json_str(items[i].id), &ok);
    sr_json_add(o, "title", sr_json_str(items[i].title), &ok);
    sr_json_add(o, "value", sr_json_str(ctx->resp.value[i]), &ok);
    sr_json_add(o, "na",
                cJSON_CreateBool(ctx->resp.a[i].state == SR_ANS_NA), &ok);
    sr_json_add(o, "note", sr_json_str(ctx->resp.note[i]), &ok);
    sr_json_add(o, "files",
                files_json(ctx->evidence ? ctx->evidence[i] : NULL), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_answers(const struct sr_assess_ctx *ctx)
{
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL;
    size_t i;

    for (i = 0; ok && i < ctx->resp.n; i++)
        if (ctx->resp.value[i])
            sr_json_add(arr, NULL, sr_json_answer(ctx, i), &ok);
    return sr_json_done(arr, ok);
}

cJSON *
sr_json_progress(const struct sr_assess_ctx *ctx)
{
    const struct sr_item *items;
    const struct sr_band *bands;
    size_t n, nb, i, answered = 0, applicable = 0;
    cJSON *o = cJSON_CreateObject(), *missing;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    items = sr_system_items(ctx->sys, &n);
    bands = sr_system_bands(ctx->sys, &nb);
    missing = cJSON_CreateArray();
    for (i = 0; missing && i < n; i++) {
        /* A group is answered through its sub-items: in neither count,
         * as in sr_result_progress(). */
        if (items[i].method == SR_METHOD_GROUP)
            continue;
        switch (ctx->res.items[i].status) {
        case SR_ITEM_SCORED:
        case SR_ITEM_NA:
            answered++;
            applicable++;
            break;
        case SR_ITEM_UNANSWERED:
            applicable++;
            sr_json_add(missing, NULL, sr_json_str(items[i].id), &ok);
            break;
        default:
            break;
        }
    }
    sr_json_add(o, "answered", sr_json_int((int64_t)answered), &ok);
    sr_json_add(o, "applicable", sr_json_int((int64_t)applicable), &ok);
    sr_json_add(o, "complete", cJSON_CreateBool(answered == applicable),
                &ok);
    if (ctx->scored) {
        sr_json_add(o, "total", sr_json_num(ctx->res.total, 2, 2), &ok);
        sr_json_add(o, "band", sr_json_str(bands[ctx->res.band].id), &ok);
        sr_json_add(o, "band_label", sr_json_str(bands[ctx->res.band].label),
                    &ok);
        sr_json_add(o, "earned", sr_json_num(ctx->res.earned, 6, 2), &ok);
        sr_json_add(o, "max", sr_json_num(ctx->res.max, 6, 2), &ok);
        sr_json_add(o, "vetoed", cJSON_CreateBool(ctx->res.vetoed), &ok);
    } else {
        sr_json_add(o, "total", cJSON_CreateNull(), &ok);
        sr_json_add(o, "band", cJSON_CreateNull(), &ok);
        sr_json_add(o, "band_label", cJSON_CreateNull(), &ok);
        sr_json_add(o, "earned", sr_json_num(0, 6, 2), &ok);
        sr_json_add(o, "max", sr_json_num(0, 6, 2), &ok);
        sr_json_add(o, "vetoed", cJSON_CreateBool(false), &ok);
    }
    sr_json_add(o, "missing", missing, &ok);
    return sr_json_done(o, ok);
}
