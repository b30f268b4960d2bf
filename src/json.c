/*
 * json.c - the library's records as JSON (cJSON), one shape shared by
 * the CLI's --json output and the service's API, so that a hazard, an
 * assessment or a score reads the same wherever it is shown.
 *
 * DESIGN
 * Exact decimals are written as raw JSON numbers from the scaled
 * integers (sr_json_num), never through a double, so 72.50 stays 72.50.
 * Every builder returns NULL when an allocation failed and frees what
 * it had built; sr_json_add() turns a NULL member into a flag the
 * caller checks once at the end.
 */
#include "schoolrisk/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/decimal.h"

void
sr_json_add(cJSON *obj, const char *key, cJSON *val, int *ok)
{
    if (!val) {
        *ok = 0;
        return;
    }
    if (cJSON_IsArray(obj))
        cJSON_AddItemToArray(obj, val);
    else
        cJSON_AddItemToObject(obj, key, val);
}

cJSON *
sr_json_str(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *
sr_json_num(int64_t v, int scale, int min_decimals)
{
    char buf[40];

    sr_decimal_format(v, scale, min_decimals, buf, sizeof(buf));
    return cJSON_CreateRaw(buf);
}

cJSON *
sr_json_int(int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return cJSON_CreateRaw(buf);
}

/* ------------------------------------------------------------------ */
/* A score                                                              */
/* ------------------------------------------------------------------ */

const char *
sr_result_reason(const struct sr_system *sys, const struct sr_item *it,
              const struct sr_item_result *ir, const struct sr_school *school,
              char **owned)
{
    long fc;

    *owned = NULL;
    switch (ir->status) {
    case SR_ITEM_NOT_APPLICABLE:
        fc = sr_item_failing_cond(sys, it, school);
        if (fc >= 0)
            *owned = sr_conds_format(sys, (uint32_t)fc, 1);
        return *owned ? *owned : "condition";
    case SR_ITEM_NA:
        return "na";
    case SR_ITEM_UNANSWERED:
        return "unanswered";
    default:
        return NULL;
    }
}

cJSON *
sr_json_result(const struct sr_system *sys, const struct sr_school *school,
                const struct sr_responses *resp, const struct sr_result *res)
{
    const struct sr_item *items;
    const struct sr_dimension *dims;
    const struct sr_indicator *inds;
    const struct sr_band *bands;
    size_t n, nd, ni, nb, i;
    cJSON *root = cJSON_CreateObject();
    cJSON *arr, *o, *bl;
    int ok = root != NULL;
    int e;

    items = sr_system_items(sys, &n);
    dims = sr_system_dimensions(sys, &nd);
    inds = sr_system_indicators(sys, &ni);
    bands = sr_system_bands(sys, &nb);
    if (!ok)
        goto nomem;
    sr_json_add(root, "system", sr_json_str(sr_system_id(sys)), &ok);
    sr_json_add(root, "version", sr_json_str(sr_system_version(sys)), &ok);
    sr_json_add(root, "title", sr_json_str(sr_system_title(sys)), &ok);
    sr_json_add(root, "complete", cJSON_CreateBool(res->missing == 0), &ok);
    sr_json_add(root, "total", sr_json_num(res->total, 2, 2), &ok);
    sr_json_add(root, "band", sr_json_str(bands[res->band].id), &ok);
    sr_json_add(root, "band_label", sr_json_str(bands[res->band].label), &ok);
    sr_json_add(root, "band_colour", sr_json_str(sr_colour_name(bands[res->band].colour)),
        &ok);
    sr_json_add(root, "pass_line", sr_json_num(sr_system_pass_line(sys), 2, 0), &ok);
    sr_json_add(root, "compliant", cJSON_CreateBool(res->compliant), &ok);
    sr_json_add(root, "vetoed", cJSON_CreateBool(res->vetoed), &ok);
    sr_json_add(root, "earned", sr_json_num(res->earned, 6, 2), &ok);
    sr_json_add(root, "max", sr_json_num(res->max, 6, 2), &ok);

    arr = cJSON_CreateArray();
    sr_json_add(root, "veto_items", arr, &ok);
    for (i = 0; ok && i < n; i++)
        if (res->items[i].status == SR_ITEM_SCORED && items[i].veto &&
            res->items[i].earned < res->items[i].max)
            sr_json_add(arr, NULL, sr_json_str(items[i].id), &ok);

    arr = cJSON_CreateArray();
    sr_json_add(root, "missing", arr, &ok);
    for (i = 0; ok && i < n; i++)
        if (res->items[i].status == SR_ITEM_UNANSWERED)
            sr_json_add(arr, NULL, sr_json_str(items[i].id), &ok);

    arr = cJSON_CreateArray();
    sr_json_add(root, "dimensions", arr, &ok);
    for (i = 0; ok && i < nd; i++) {
        if (!res->dims[i].max)
            continue;
        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "id", sr_json_str(dims[i].id), &ok);
        sr_json_add(o, "title", sr_json_str(dims[i].title), &ok);
        sr_json_add(o, "earned", sr_json_num(res->dims[i].earned, 6, 2), &ok);
        sr_json_add(o, "max", sr_json_num(res->dims[i].max, 6, 2), &ok);
    }

    arr = cJSON_CreateArray();
    sr_json_add(root, "indicators", arr, &ok);
    for (i = 0; ok && i < ni; i++) {
        if (!res->inds[i].max)
            continue;
        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "id", sr_json_str(inds[i].id), &ok);
        sr_json_add(o, "earned", sr_json_num(res->inds[i].earned, 6, 2), &ok);
        sr_json_add(o, "max", sr_json_num(res->inds[i].max, 6, 2), &ok);
    }

    arr = cJSON_CreateArray();
    sr_json_add(root, "lost", arr, &ok);
    for (i = 0; ok && i < n; i++) {
        const struct sr_item_result *ir = &res->items[i];

        if (ir->status != SR_ITEM_SCORED || ir->earned >= ir->max)
            continue;
        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "item", sr_json_str(items[i].id), &ok);
        sr_json_add(o, "title", sr_json_str(items[i].title), &ok);
        sr_json_add(o, "value", sr_json_str(resp->value[i]), &ok);
        sr_json_add(o, "earned", sr_json_num(ir->earned, 6, 2), &ok);
        sr_json_add(o, "max", sr_json_num(ir->max, 6, 2), &ok);
        sr_json_add(o, "note", sr_json_str(resp->note[i]), &ok);
    }

    arr = cJSON_CreateArray();
    sr_json_add(root, "hazards", arr, &ok);
    for (i = 0; ok && i < n; i++) {
        const struct sr_item_result *ir = &res->items[i];

        if (ir->status != SR_ITEM_SCORED || ir->earned >= ir->max)
            continue;
        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "item", sr_json_str(items[i].id), &ok);
        sr_json_add(o, "level", sr_json_str(sr_hazard_name(items[i].hazard)), &ok);
        sr_json_add(o, "veto", cJSON_CreateBool(items[i].veto), &ok);
    }

    bl = cJSON_CreateObject();
    sr_json_add(root, "baseline", bl, &ok);
    for (e = 0; ok && e < SR_BASELINE_COUNT; e++)
        sr_json_add(bl, sr_baseline_name(e), cJSON_CreateBool(res->baseline[e]), &ok);

    arr = cJSON_CreateArray();
    sr_json_add(root, "items", arr, &ok);
    for (i = 0; ok && i < n; i++) {
        const struct sr_item_result *ir = &res->items[i];
        char *owned;
        const char *why = sr_result_reason(sys, &items[i], ir, school, &owned);

        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (ok) {
            bool applicable = ir->status == SR_ITEM_SCORED ||
                              ir->status == SR_ITEM_UNANSWERED;

            sr_json_add(o, "item", sr_json_str(items[i].id), &ok);
            sr_json_add(o, "applicable", cJSON_CreateBool(applicable), &ok);
            sr_json_add(o, "reason", sr_json_str(why), &ok);
            sr_json_add(o, "value", sr_json_str(resp->value[i]), &ok);
            sr_json_add(o, "note", sr_json_str(resp->note[i]), &ok);
            if (ir->status == SR_ITEM_SCORED) {
                sr_json_add(o, "fraction", sr_json_num(ir->fraction, 4, 0), &ok);
                sr_json_add(o, "earned", sr_json_num(ir->earned, 6, 2), &ok);
                sr_json_add(o, "max", sr_json_num(ir->max, 6, 2), &ok);
            } else {
                sr_json_add(o, "fraction", cJSON_CreateNull(), &ok);
                sr_json_add(o, "earned", sr_json_num(0, 6, 2), &ok);
                sr_json_add(o, "max", sr_json_num(0, 6, 2), &ok);
            }
            if (ir->required)
                sr_json_add(o, "required", sr_json_num(ir->required, 4, 0), &ok);
            sr_json_add(o, "veto", cJSON_CreateBool(items[i].veto), &ok);
        }
        free(owned);
    }
    if (!ok)
        goto nomem;
    return root;

nomem:
    cJSON_Delete(root);
    return NULL;
}

