/*
 * json_system.c - an indicator system's tree as JSON (json.h): the
 * system, its bands, and dimensions -> indicators -> items with what
 * each item is worth, how it is scored and when it applies.  The
 * service's systems page shows it; the shape follows the XML format
 * (docs/indicator-format.md).
 *
 * Points are exact decimals written from the hundredths (sr_json_num),
 * the sums of a dimension's or an indicator's items included.
 */
#include "schoolrisk/json.h"

#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "schoolrisk/school.h"

/* A string the caller allocated as JSON; frees it. */
static cJSON *
owned_str(char *s)
{
    cJSON *v = s ? cJSON_CreateString(s) : NULL;

    free(s);
    return v;
}

static int64_t
points_of(const struct sr_item *items, uint32_t first, uint32_t n)
{
    int64_t sum = 0;
    uint32_t i;

    for (i = first; i < first + n; i++)
        sum += items[i].points;
    return sum;
}

static cJSON *
item_json(const struct sr_system *sys, const struct sr_item *it)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_str(it->id), &ok);
    sr_json_add(o, "title", sr_json_str(it->title), &ok);
    sr_json_add(o, "points", sr_json_num(it->points, 2, 0), &ok);
    sr_json_add(o, "method", sr_json_str(sr_method_name(it->method)), &ok);
    sr_json_add(o, "choices", owned_str(sr_item_choices(sys, it)), &ok);
    sr_json_add(o, "unit", sr_json_str(it->unit), &ok);
    sr_json_add(o, "guidance", sr_json_str(it->guidance), &ok);
    sr_json_add(o, "basis", sr_json_str(it->basis), &ok);
    sr_json_add(o, "veto", cJSON_CreateBool(it->veto), &ok);
    sr_json_add(o, "hazard", sr_json_str(sr_hazard_name(it->hazard)), &ok);
    sr_json_add(o, "hazard_label", sr_json_str(sr_hazard_label(it->hazard)),
                &ok);
    sr_json_add(o, "baseline", sr_json_str(sr_baseline_name(it->baseline)),
                &ok);
    sr_json_add(o, "baseline_label",
                sr_json_str(sr_baseline_label(it->baseline)), &ok);
    sr_json_add(o, "allow_na", cJSON_CreateBool(it->allow_na), &ok);
    sr_json_add(o, "conditions",
                owned_str(sr_conds_format(sys, it->cond_off, it->cond_n)),
                &ok);
    return sr_json_done(o, ok);
}

static cJSON *
indicator_json(const struct sr_system *sys, const struct sr_indicator *in,
               const struct sr_item *items)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL;
    uint32_t i;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_str(in->id), &ok);
    sr_json_add(o, "title", sr_json_str(in->title), &ok);
    sr_json_add(o, "points",
                sr_json_num(points_of(items, in->item_first, in->item_n), 2,
                            0),
                &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "items", arr, &ok);
    for (i = in->item_first; ok && i < in->item_first + in->item_n; i++)
        sr_json_add(arr, NULL, item_json(sys, &items[i]), &ok);
    return sr_json_done(o, ok);
}

static cJSON *
dimension_json(const struct sr_system *sys, const struct sr_dimension *d,
               const struct sr_indicator *inds, const struct sr_item *items)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL;
    uint32_t i;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_str(d->id), &ok);
    sr_json_add(o, "title", sr_json_str(d->title), &ok);
    sr_json_add(o, "points",
                sr_json_num(points_of(items, d->item_first, d->item_n), 2, 0),
                &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "indicators", arr, &ok);
    for (i = d->ind_first; ok && i < d->ind_first + d->ind_n; i++)
        sr_json_add(arr, NULL, indicator_json(sys, &inds[i], items), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_system(const struct sr_system *sys)
{
    const struct sr_dimension *dims = NULL;
    const struct sr_indicator *inds = NULL;
    const struct sr_item *items = NULL;
    const struct sr_band *bands = NULL;
    size_t nd = 0, ni = 0, nit = 0, nb = 0, i;
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL, s;

    if (!ok)
        return NULL;
    dims = sr_system_dimensions(sys, &nd);
    inds = sr_system_indicators(sys, &ni);
    items = sr_system_items(sys, &nit);
    bands = sr_system_bands(sys, &nb);
    sr_json_add(o, "id", sr_json_str(sr_system_id(sys)), &ok);
    sr_json_add(o, "version", sr_json_str(sr_system_version(sys)), &ok);
    sr_json_add(o, "title", sr_json_str(sr_system_title(sys)), &ok);
    sr_json_add(o, "description", sr_json_str(sr_system_description(sys)),
                &ok);
    sr_json_add(o, "basis", sr_json_str(sr_system_basis(sys)), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "stages", arr, &ok);
    for (s = 0; ok && s < SR_STAGE_COUNT; s++) {
        cJSON *e;

        if (!(sr_system_stages(sys) & (1u << s)))
            continue;
        e = cJSON_CreateObject();
        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "stage", sr_json_str(sr_stage_name(s)), &ok);
        sr_json_add(e, "label", sr_json_str(sr_stage_label(s)), &ok);
    }
    sr_json_add(o, "pass_line", sr_json_num(sr_system_pass_line(sys), 2, 0),
                &ok);
    sr_json_add(o, "valid_months", sr_json_int(sr_system_valid_months(sys)),
                &ok);
    sr_json_add(o, "points", sr_json_num(points_of(items, 0, (uint32_t)nit),
                                         2, 0),
                &ok);
    sr_json_add(o, "item_count", sr_json_int((int64_t)nit), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "bands", arr, &ok);
    for (i = 0; ok && i < nb; i++) {
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "id", sr_json_str(bands[i].id), &ok);
        sr_json_add(e, "label", sr_json_str(bands[i].label), &ok);
        sr_json_add(e, "colour", sr_json_str(sr_colour_name(bands[i].colour)),
                    &ok);
        sr_json_add(e, "min", sr_json_num(bands[i].min, 2, 0), &ok);
    }
    arr = cJSON_CreateArray();
    sr_json_add(o, "dimensions", arr, &ok);
    for (i = 0; ok && i < nd; i++)
        sr_json_add(arr, NULL, dimension_json(sys, &dims[i], inds, items),
                    &ok);
    return sr_json_done(o, ok);
}
