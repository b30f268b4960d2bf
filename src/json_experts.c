/*
 * json_experts.c - the expert corps as JSON (json.h): a profile with
 * its workload, and the summary against the target.  The CLI's
 * `experts ... --json` and the API's /api/v1/experts share these.
 */
#include "schoolrisk/json.h"

#include <cjson/cJSON.h>

#include "schoolrisk/experts.h"

/* The specialities of mask as an array of names or of labels. */
static cJSON *
specialities(unsigned mask, bool labels)
{
    cJSON *a = cJSON_CreateArray();
    int ok = a != NULL, i;

    for (i = 0; ok && i < SR_SPEC_COUNT; i++)
        if (mask & SR_SPECS(i))
            sr_json_add(a, NULL,
                        sr_json_str(labels ? sr_speciality_label(i)
                                           : sr_speciality_name(i)),
                        &ok);
    return sr_json_done(a, ok);
}

static cJSON *
workload(const struct sr_expert_work *w)
{
    cJSON *o = cJSON_CreateObject();
    char rate[SR_EXPERT_RATE_MAX];
    int64_t num;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_expert_rate(w, rate, &num);
    sr_json_add(o, "inspections", sr_json_int((int64_t)w->inspections), &ok);
    sr_json_add(o, "schools", sr_json_int((int64_t)w->schools), &ok);
    sr_json_add(o, "hazards_general", sr_json_int((int64_t)w->general), &ok);
    sr_json_add(o, "hazards_major", sr_json_int((int64_t)w->major), &ok);
    sr_json_add(o, "findings_rate",
                num < 0 ? cJSON_CreateNull() : sr_json_num(num, 2, 2), &ok);
    sr_json_add(o, "findings_rate_text", sr_json_str(rate), &ok);
    sr_json_add(o, "last_inspection",
                sr_json_str(w->last_on[0] ? w->last_on : NULL), &ok);
    sr_json_add(o, "plan_assigned", sr_json_int((int64_t)w->assigned), &ok);
    sr_json_add(o, "plan_done", sr_json_int((int64_t)w->assigned_done),
                &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_expert(const struct sr_expert *e, const char *as_of,
               const struct sr_expert_work *w)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "login", sr_json_str(e->login), &ok);
    sr_json_add(o, "name", sr_json_str(e->name), &ok);
    sr_json_add(o, "unit", sr_json_str(e->unit), &ok);
    sr_json_add(o, "district", sr_json_str(e->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(e->district_name), &ok);
    sr_json_add(o, "specialities", specialities(e->specialities, false),
                &ok);
    sr_json_add(o, "speciality_labels", specialities(e->specialities, true),
                &ok);
    sr_json_add(o, "trained_on", sr_json_str(e->trained_on), &ok);
    sr_json_add(o, "certified_on", sr_json_str(e->certified_on), &ok);
    sr_json_add(o, "expires_on", sr_json_str(e->expires_on), &ok);
    sr_json_add(o, "status", sr_json_str(sr_expert_status_name(e->status)),
                &ok);
    sr_json_add(o, "status_label",
                sr_json_str(sr_expert_status_label(e->status)), &ok);
    if (as_of) {
        sr_json_add(o, "certified",
                    cJSON_CreateBool(sr_expert_certified(e, as_of)), &ok);
        sr_json_add(o, "due",
                    cJSON_CreateBool(
                        sr_expert_due(e, as_of, SR_EXPERT_DUE_DAYS)),
                    &ok);
    }
    sr_json_add(o, "updated_at", sr_json_str(e->updated_at), &ok);
    sr_json_add(o, "updated_by", sr_json_str(e->updated_by), &ok);
    if (w)
        sr_json_add(o, "workload", workload(w), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_expert_summary(const struct sr_expert_summary *s)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL, k;
    size_t i;
    int64_t tenths = s->target ? (int64_t)((s->certified * 2000 + s->target) /
                                           (2 * s->target))
                               : 0;

    if (!ok)
        return NULL;
    sr_json_add(o, "as_of", sr_json_str(s->as_of), &ok);
    sr_json_add(o, "target", sr_json_int((int64_t)s->target), &ok);
    sr_json_add(o, "experts", sr_json_int((int64_t)s->experts), &ok);
    sr_json_add(o, "active", sr_json_int((int64_t)s->active), &ok);
    sr_json_add(o, "certified", sr_json_int((int64_t)s->certified), &ok);
    sr_json_add(o, "completion", sr_json_num(tenths, 1, 1), &ok);
    sr_json_add(o, "due", sr_json_int((int64_t)s->due), &ok);
    sr_json_add(o, "due_days", sr_json_int(SR_EXPERT_DUE_DAYS), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "districts", arr, &ok);
    for (i = 0; ok && i < s->n_districts; i++) {
        const struct sr_expert_district *d = &s->districts[i];
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "code", sr_json_str(d->code), &ok);
        sr_json_add(e, "name", sr_json_str(d->name), &ok);
        sr_json_add(e, "experts", sr_json_int((int64_t)d->experts), &ok);
        sr_json_add(e, "certified", sr_json_int((int64_t)d->certified), &ok);
    }
    arr = cJSON_CreateArray();
    sr_json_add(o, "specialities", arr, &ok);
    for (k = 0; ok && k < SR_SPEC_COUNT; k++) {
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "speciality", sr_json_str(sr_speciality_name(k)), &ok);
        sr_json_add(e, "label", sr_json_str(sr_speciality_label(k)), &ok);
        sr_json_add(e, "certified", sr_json_int((int64_t)s->by_speciality[k]),
                    &ok);
    }
    return sr_json_done(o, ok);
}
