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

#include "schoolrisk/assess.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/evidence.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"

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
sr_json_done(cJSON *o, int ok)
{
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
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
    case SR_ITEM_PENDING:
        return "pending";
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
    sr_json_add(root, "band_colour",
                sr_json_str(sr_colour_name(bands[res->band].colour)), &ok);
    sr_json_add(root, "pass_line",
                sr_json_num(sr_system_pass_line(sys), 2, 0), &ok);
    sr_json_add(root, "compliant", cJSON_CreateBool(res->compliant), &ok);
    sr_json_add(root, "vetoed", cJSON_CreateBool(res->vetoed), &ok);
    sr_json_add(root, "earned", sr_json_num(res->earned, 6, 2), &ok);
    sr_json_add(root, "max", sr_json_num(res->max, 6, 2), &ok);
    /* Format 2 only, so that a format-1 result reads as it always has:
     * the paper table's total and the bonus points counted. */
    if (sr_system_total(sys))
        sr_json_add(root, "table_total",
                    sr_json_num(sr_system_total(sys), 2, 0), &ok);
    if (sr_system_bonus_cap(sys)) {
        sr_json_add(root, "bonus", sr_json_num(res->bonus, 6, 2), &ok);
        sr_json_add(root, "bonus_cap",
                    sr_json_num(sr_system_bonus_cap(sys), 2, 0), &ok);
    }

    arr = cJSON_CreateArray();
    sr_json_add(root, "veto_items", arr, &ok);
    for (i = 0; ok && i < n; i++)
        if (res->items[i].status == SR_ITEM_SCORED && items[i].veto &&
            !res->items[i].met)
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

        if (ir->status != SR_ITEM_SCORED || ir->met)
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

        /* The level the answer implies; a format-2 level of no hazard
         * loses points (in "lost") but raises none. */
        if (ir->status != SR_ITEM_SCORED || ir->met ||
            ir->hazard == SR_HAZARD_NONE)
            continue;
        o = cJSON_CreateObject();
        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "item", sr_json_str(items[i].id), &ok);
        sr_json_add(o, "level", sr_json_str(sr_hazard_name(ir->hazard)),
                    &ok);
        sr_json_add(o, "veto", cJSON_CreateBool(items[i].veto), &ok);
    }

    bl = cJSON_CreateObject();
    sr_json_add(root, "baseline", bl, &ok);
    for (e = 0; ok && e < SR_BASELINE_COUNT; e++)
        sr_json_add(bl, sr_baseline_name(e),
                    cJSON_CreateBool(res->baseline[e]), &ok);
    /* The elements the system has no item for (未评估, not failed), in
     * a system that declares some (baseline-unassessed) alone. */
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (sr_system_baseline_unassessed(sys, e))
            break;
    if (e < SR_BASELINE_COUNT) {
        bl = cJSON_CreateArray();
        sr_json_add(root, "baseline_unassessed", bl, &ok);
        for (e = 0; ok && e < SR_BASELINE_COUNT; e++)
            if (sr_system_baseline_unassessed(sys, e))
                sr_json_add(bl, NULL, sr_json_str(sr_baseline_name(e)), &ok);
    }

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
                              ir->status == SR_ITEM_UNANSWERED ||
                              ir->status == SR_ITEM_PENDING;

            sr_json_add(o, "item", sr_json_str(items[i].id), &ok);
            sr_json_add(o, "applicable", cJSON_CreateBool(applicable), &ok);
            sr_json_add(o, "reason", sr_json_str(why), &ok);
            sr_json_add(o, "value", sr_json_str(resp->value[i]), &ok);
            sr_json_add(o, "note", sr_json_str(resp->note[i]), &ok);
            if (ir->status == SR_ITEM_SCORED) {
                sr_json_add(o, "fraction", sr_json_num(ir->fraction, 4, 0),
                            &ok);
                sr_json_add(o, "earned", sr_json_num(ir->earned, 6, 2), &ok);
                sr_json_add(o, "max", sr_json_num(ir->max, 6, 2), &ok);
            } else {
                sr_json_add(o, "fraction", cJSON_CreateNull(), &ok);
                sr_json_add(o, "earned", sr_json_num(0, 6, 2), &ok);
                sr_json_add(o, "max", sr_json_num(0, 6, 2), &ok);
            }
            if (ir->required)
                sr_json_add(o, "required", sr_json_num(ir->required, 4, 0),
                            &ok);
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


/* ------------------------------------------------------------------ */
/* Records                                                              */
/* ------------------------------------------------------------------ */

/* An id, or null for 0. */
static cJSON *
id_or_null(int64_t id)
{
    return id ? sr_json_int(id) : cJSON_CreateNull();
}

static const char *const ownership_zh[] = {"公办", "民办"};
static const char *const locale_zh[] = {"城区", "镇区", "乡村"};

cJSON *
sr_json_school(const struct sr_school_record *r)
{
    cJSON *o = cJSON_CreateObject();
    char buf[32];
    int ok = o != NULL, a;
    int64_t v;

    if (!ok)
        return NULL;
    sr_json_add(o, "code", sr_json_str(r->code), &ok);
    sr_json_add(o, "name", sr_json_str(r->name), &ok);
    sr_json_add(o, "district", sr_json_str(r->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(r->district_name), &ok);
    for (a = 0; a < SR_ATTR_COUNT; a++) {
        v = r->school.attr[a];
        switch (sr_attr_kind(a)) {
        case SR_KIND_ENUM:
            sr_attr_format(a, v, buf, sizeof(buf));
            sr_json_add(o, sr_attr_name(a), sr_json_str(buf), &ok);
            if (a == SR_ATTR_STAGE)
                sr_json_add(o, "stage_label", sr_json_str(sr_stage_label(
                                                  (int)v)),
                            &ok);
            else if (a == SR_ATTR_OWNERSHIP)
                sr_json_add(o, "ownership_label",
                            sr_json_str(v >= 0 && v < 2 ? ownership_zh[v]
                                                        : NULL),
                            &ok);
            else if (a == SR_ATTR_LOCALE)
                sr_json_add(o, "locale_label",
                            sr_json_str(v >= 0 && v < 3 ? locale_zh[v]
                                                        : NULL),
                            &ok);
            break;
        case SR_KIND_FLAG:
            sr_json_add(o, sr_attr_name(a), cJSON_CreateBool(v != 0), &ok);
            break;
        case SR_KIND_COUNT:
            sr_json_add(o, sr_attr_name(a), sr_json_int(v), &ok);
            break;
        }
    }
    sr_json_add(o, "contact", sr_json_str(r->contact), &ok);
    sr_json_add(o, "phone", sr_json_str(r->phone), &ok);
    sr_json_add(o, "closed", cJSON_CreateBool(r->closed), &ok);
    sr_json_add(o, "updated_at", sr_json_str(r->updated_at), &ok);
    sr_json_add(o, "updated_by", sr_json_str(r->updated_by), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_hazard(const struct sr_hazard_record *h)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_int(h->id), &ok);
    sr_json_add(o, "school", sr_json_str(h->school), &ok);
    sr_json_add(o, "school_name", sr_json_str(h->school_name), &ok);
    sr_json_add(o, "district", sr_json_str(h->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(h->district_name), &ok);
    sr_json_add(o, "item", sr_json_str(h->item), &ok);
    sr_json_add(o, "item_title", sr_json_str(h->item_title), &ok);
    sr_json_add(o, "assessment", id_or_null(h->assessment), &ok);
    sr_json_add(o, "level", sr_json_str(sr_hazard_name(h->level)), &ok);
    sr_json_add(o, "level_label", sr_json_str(sr_hazard_label(h->level)),
                &ok);
    sr_json_add(o, "description", sr_json_str(h->description), &ok);
    sr_json_add(o, "status", sr_json_str(sr_hazard_status_name(h->status)),
                &ok);
    sr_json_add(o, "status_label",
                sr_json_str(sr_hazard_status_label(h->status)), &ok);
    sr_json_add(o, "found_on", sr_json_str(h->found_on), &ok);
    sr_json_add(o, "found_by", sr_json_str(h->found_by), &ok);
    sr_json_add(o, "responsible", sr_json_str(h->responsible), &ok);
    sr_json_add(o, "measures", sr_json_str(h->measures), &ok);
    sr_json_add(o, "deadline", sr_json_str(h->deadline), &ok);
    sr_json_add(o, "overdue", cJSON_CreateBool(h->overdue), &ok);
    sr_json_add(o, "days_overdue", sr_json_int(h->days_overdue), &ok);
    sr_json_add(o, "submitted_by", sr_json_str(h->submitted_by), &ok);
    sr_json_add(o, "reviewed_by", sr_json_str(h->reviewed_by), &ok);
    sr_json_add(o, "reviewed_on", sr_json_str(h->reviewed_on), &ok);
    sr_json_add(o, "closed_on", sr_json_str(h->closed_on), &ok);
    sr_json_add(o, "supervised", cJSON_CreateBool(h->supervised), &ok);
    sr_json_add(o, "awaiting_signoff", cJSON_CreateBool(h->awaiting_signoff),
                &ok);
    sr_json_add(o, "recurrent", cJSON_CreateBool(h->recurrent_of != 0), &ok);
    sr_json_add(o, "recurrent_of", id_or_null(h->recurrent_of), &ok);
    sr_json_add(o, "recurrent_of_closed_on",
                sr_json_str(h->recurrent_closed_on), &ok);
    sr_json_add(o, "baseline", sr_json_str(h->baseline), &ok);
    sr_json_add(o, "baseline_label",
                sr_json_str(h->baseline ? sr_baseline_label(
                                              sr_baseline_lookup(h->baseline))
                                        : NULL),
                &ok);
    return sr_json_done(o, ok);
}

/* The files an evidence text refers to, as an array of SHA-256. */
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
sr_json_hazard_events(const struct sr_hazard_event *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL;
    size_t i;

    for (i = 0; ok && i < n; i++) {
        const struct sr_hazard_event *e = &v[i];
        cJSON *o = cJSON_CreateObject();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "id", sr_json_int(e->id), &ok);
        sr_json_add(o, "at", sr_json_str(e->at), &ok);
        sr_json_add(o, "by", sr_json_str(e->by), &ok);
        sr_json_add(o, "from", sr_json_str(sr_hazard_status_name(e->from)),
                    &ok);
        sr_json_add(o, "to", sr_json_str(sr_hazard_status_name(e->to)), &ok);
        sr_json_add(o, "to_label",
                    sr_json_str(sr_hazard_status_label(e->to)), &ok);
        sr_json_add(o, "note", sr_json_str(e->note), &ok);
        sr_json_add(o, "evidence", sr_json_str(e->evidence), &ok);
        sr_json_add(o, "files", files_json(e->evidence), &ok);
    }
    return sr_json_done(arr, ok);
}

cJSON *
sr_json_assessment(const struct sr_assessment *a)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_int(a->id), &ok);
    sr_json_add(o, "kind", sr_json_str(sr_assess_kind_name(a->kind)), &ok);
    sr_json_add(o, "kind_label", sr_json_str(sr_assess_kind_label(a->kind)),
                &ok);
    sr_json_add(o, "school", sr_json_str(a->school), &ok);
    sr_json_add(o, "school_name", sr_json_str(a->school_name), &ok);
    sr_json_add(o, "district", sr_json_str(a->district), &ok);
    sr_json_add(o, "system", sr_json_str(a->system_id), &ok);
    sr_json_add(o, "version", sr_json_str(a->system_version), &ok);
    sr_json_add(o, "assessed_on", sr_json_str(a->assessed_on), &ok);
    sr_json_add(o, "inspector", sr_json_str(a->inspector), &ok);
    sr_json_add(o, "status", sr_json_str(sr_assess_status_name(a->submitted)),
                &ok);
    sr_json_add(o, "status_label",
                sr_json_str(sr_assess_status_label(a->submitted)), &ok);
    sr_json_add(o, "created_at", sr_json_str(a->created_at), &ok);
    sr_json_add(o, "created_by", sr_json_str(a->created_by), &ok);
    sr_json_add(o, "submitted_at", sr_json_str(a->submitted_at), &ok);
    sr_json_add(o, "submitted_by", sr_json_str(a->submitted_by), &ok);
    sr_json_add(o, "plan", a->plan ? sr_json_int(a->plan) : cJSON_CreateNull(),
                &ok);
    if (a->submitted) {
        sr_json_add(o, "total", sr_json_num(a->total, 2, 2), &ok);
        sr_json_add(o, "band", sr_json_str(a->band), &ok);
        sr_json_add(o, "band_label", sr_json_str(a->band_label), &ok);
        sr_json_add(o, "compliant", cJSON_CreateBool(a->compliant), &ok);
        sr_json_add(o, "vetoed", cJSON_CreateBool(a->vetoed), &ok);
    }
    return sr_json_done(o, ok);
}
