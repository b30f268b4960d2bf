/*
 * json_baseline.c - the four-100% baseline as JSON: a school's four
 * elements with the reason for each one not met, and a district's
 * rates (json.h).
 */
#include "schoolrisk/json.h"

#include <cjson/cJSON.h>

#include "schoolrisk/baseline.h"

/* An element's or all four's state: met, not_met, or unassessed (未评估:
 * not met, and not shown to fail). */
static const char *
status(int met, int failed)
{
    return met ? "met" : failed ? "not_met" : "unassessed";
}

cJSON *
sr_json_baseline_school(const struct sr_baseline_school *b)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL, e, four = 1, failed = 0;

    if (!ok)
        return NULL;
    sr_json_add(o, "code", sr_json_str(b->code), &ok);
    sr_json_add(o, "name", sr_json_str(b->name), &ok);
    sr_json_add(o, "district", sr_json_str(b->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(b->district_name), &ok);
    sr_json_add(o, "stage", sr_json_str(sr_stage_name(b->stage)), &ok);
    sr_json_add(o, "stage_label", sr_json_str(sr_stage_label(b->stage)), &ok);
    sr_json_add(o, "assessment",
                b->assessment ? sr_json_int(b->assessment)
                              : cJSON_CreateNull(),
                &ok);
    sr_json_add(o, "assessed_on",
                sr_json_str(b->assessed_on[0] ? b->assessed_on : NULL), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "elements", arr, &ok);
    for (e = 0; ok && e < SR_BASELINE_COUNT; e++) {
        cJSON *x = cJSON_CreateObject();

        sr_json_add(arr, NULL, x, &ok);
        if (!ok)
            break;
        four &= b->met[e];
        failed |= !b->met[e] && !b->unassessed[e];
        sr_json_add(x, "element", sr_json_str(sr_baseline_name(e)), &ok);
        sr_json_add(x, "label", sr_json_str(sr_baseline_label(e)), &ok);
        sr_json_add(x, "met", cJSON_CreateBool(b->met[e]), &ok);
        sr_json_add(x, "status",
                    sr_json_str(status(b->met[e], !b->unassessed[e])), &ok);
        sr_json_add(x, "reason", sr_json_str(b->met[e] ? NULL : b->why[e]),
                    &ok);
    }
    sr_json_add(o, "all_four", cJSON_CreateBool(four), &ok);
    sr_json_add(o, "all_four_status", sr_json_str(status(four, failed)),
                &ok);
    return sr_json_done(o, ok);
}

/* num / den in per cent with one decimal, rounded half up in integers
 * (as the CLI's table shows it); null when den is 0. */
static cJSON *
rate(size_t num, size_t den)
{
    if (!den)
        return cJSON_CreateNull();
    return sr_json_num((int64_t)((num * 2000 + den) / (2 * den)), 1, 1);
}

cJSON *
sr_json_baseline_district(const struct sr_baseline_district *d)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL, e;

    if (!ok)
        return NULL;
    sr_json_add(o, "code", sr_json_str(d->code), &ok);
    sr_json_add(o, "name", sr_json_str(d->name), &ok);
    sr_json_add(o, "schools", sr_json_int((int64_t)d->schools), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "elements", arr, &ok);
    for (e = 0; ok && e < SR_BASELINE_COUNT; e++) {
        cJSON *x = cJSON_CreateObject();

        sr_json_add(arr, NULL, x, &ok);
        if (!ok)
            break;
        sr_json_add(x, "element", sr_json_str(sr_baseline_name(e)), &ok);
        sr_json_add(x, "label", sr_json_str(sr_baseline_label(e)), &ok);
        sr_json_add(x, "met", sr_json_int((int64_t)d->met[e]), &ok);
        sr_json_add(x, "unassessed", sr_json_int((int64_t)d->unassessed[e]),
                    &ok);
        sr_json_add(x, "rate", rate(d->met[e], d->schools - d->unassessed[e]),
                    &ok);
    }
    sr_json_add(o, "all_four", sr_json_int((int64_t)d->all_four), &ok);
    sr_json_add(o, "all_four_unassessed",
                sr_json_int((int64_t)d->four_unassessed), &ok);
    sr_json_add(o, "all_four_not_met",
                sr_json_int((int64_t)(d->schools - d->all_four -
                                      d->four_unassessed)),
                &ok);
    sr_json_add(o, "all_four_rate",
                rate(d->all_four, d->schools - d->four_unassessed), &ok);
    sr_json_add(o, "reaches", cJSON_CreateBool(d->reaches), &ok);
    return sr_json_done(o, ok);
}
