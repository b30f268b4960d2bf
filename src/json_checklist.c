/*
 * json_checklist.c - the checklist of a school as JSON: the items of a
 * system that apply to the school, by dimension and indicator, with
 * everything a form needs to ask for each answer (json.h).
 *
 * DESIGN
 * The page never works anything out about the school: the required
 * amount of a derived ratio item is computed here from the school's
 * registry attributes (sr_item_required), and every choice carries the
 * exact text the responses parser accepts, so that what the page sends
 * back is what `schoolrisk score` reads in a responses CSV.
 */
#include "schoolrisk/json.h"

#include <stdbool.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "schoolrisk/decimal.h"
#include "util.h"

static const char *const method_labels[SR_METHOD_COUNT] = {
    "是否题", "分档", "按测量值分档", "按处扣分", "实有数/应有数"};

/* {"value", "label", "fraction"}: value is what the parser accepts.
 * A format-2 level given in points also has "points", and its label
 * says them ("基本符合（10分）"), as the paper table does; one that
 * declares the hazard it implies has "hazard" (none/general/major). */
static cJSON *
choice(const char *value, int32_t fraction, int64_t points, int hazard)
{
    cJSON *o = cJSON_CreateObject();
    char *label = NULL;
    char p[32];
    int ok = o != NULL;

    if (!ok)
        return NULL;
    if (points >= 0) {
        sr_decimal_format(points, 2, 0, p, sizeof(p));
        label = sr_asprintf("%s（%s分）", value, p);
        ok = label != NULL;
    }
    sr_json_add(o, "value", sr_json_str(value), &ok);
    sr_json_add(o, "label", sr_json_str(label ? label : value), &ok);
    sr_json_add(o, "fraction", sr_json_num(fraction, 4, 0), &ok);
    if (points >= 0)
        sr_json_add(o, "points", sr_json_num(points, 2, 0), &ok);
    if (hazard >= 0)
        sr_json_add(o, "hazard", sr_json_str(sr_hazard_name(hazard)), &ok);
    free(label);
    return sr_json_done(o, ok);
}

/* A format-2 deduction reason: {"value", "per", "unit"}. */
static cJSON *
reason(const struct sr_reason *r)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "value", sr_json_str(r->value), &ok);
    sr_json_add(o, "per", sr_json_num(r->per, 2, 0), &ok);
    sr_json_add(o, "unit", sr_json_str(r->unit), &ok);
    return sr_json_done(o, ok);
}

/* What the control of an item asks for, by its method. */
static cJSON *
control(const struct sr_system *sys, const struct sr_item *it,
        const struct sr_school *school)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL;
    uint32_t i;

    if (!ok)
        return NULL;
    sr_json_add(o, "type", sr_json_str(sr_method_name(it->method)), &ok);
    switch (it->method) {
    case SR_METHOD_CHECK:
        /* 符合/不符合: the parser also takes pass/fail and 是/否. */
        arr = cJSON_CreateArray();
        sr_json_add(o, "choices", arr, &ok);
        if (ok) {
            sr_json_add(arr, NULL, choice("符合", 10000, -1, -1), &ok);
            sr_json_add(arr, NULL, choice("不符合", 0, -1, -1), &ok);
        }
        break;
    case SR_METHOD_LEVELS: {
        const struct sr_level *lv = &sr_system_levels(sys)[it->opt_off];

        arr = cJSON_CreateArray();
        sr_json_add(o, "choices", arr, &ok);
        for (i = 0; ok && i < it->opt_n; i++)
            sr_json_add(arr, NULL,
                        choice(lv[i].value, lv[i].fraction, lv[i].points,
                               lv[i].hazard),
                        &ok);
        break;
    }
    case SR_METHOD_THRESHOLD: {
        const struct sr_step *st = &sr_system_steps(sys)[it->opt_off];

        sr_json_add(o, "unit", sr_json_str(it->unit), &ok);
        sr_json_add(o, "direction",
                    sr_json_str(it->lower_better ? "lower" : "higher"), &ok);
        sr_json_add(o, "direction_label",
                    sr_json_str(it->lower_better ? "越低越好" : "越高越好"),
                    &ok);
        arr = cJSON_CreateArray();
        sr_json_add(o, "steps", arr, &ok);
        for (i = 0; ok && i < it->opt_n; i++) {
            cJSON *s = cJSON_CreateObject();

            sr_json_add(arr, NULL, s, &ok);
            if (!ok)
                break;
            sr_json_add(s, "at", sr_json_num(st[i].at, 4, 0), &ok);
            sr_json_add(s, "fraction", sr_json_num(st[i].fraction, 4, 0),
                        &ok);
        }
        sr_json_add(o, "else_fraction", sr_json_num(0, 4, 0), &ok);
        break;
    }
    case SR_METHOD_DEDUCT:
        sr_json_add(o, "unit", sr_json_str(it->unit), &ok);
        if (sr_item_by_shortfall(it)) {
            /* Format 2: per off each one short of what the school's
             * attributes require; the page asks the actual number. */
            sr_json_add(o, "per", sr_json_num(it->per, 2, 0), &ok);
            sr_json_add(o, "required",
                        sr_json_num(sr_item_required(sys, it, school), 4, 0),
                        &ok);
            sr_json_add(o, "required_from",
                        sr_json_str(sr_attr_name(it->req_attr)), &ok);
            sr_json_add(o, "value_format", sr_json_str("actual"), &ok);
            break;
        }
        if (!it->opt_n) {
            sr_json_add(o, "per", sr_json_num(it->per, 2, 0), &ok);
            break;
        }
        /* Format 2: findings counted per reason, answered
         * "reason=count;reason=count" (or "0"). */
        sr_json_add(o, "per", cJSON_CreateNull(), &ok);
        sr_json_add(o, "value_format", sr_json_str("reason=count;..."), &ok);
        arr = cJSON_CreateArray();
        sr_json_add(o, "reasons", arr, &ok);
        for (i = 0; ok && i < it->opt_n; i++)
            sr_json_add(arr, NULL,
                        reason(&sr_system_reasons(sys)[it->opt_off + i]),
                        &ok);
        break;
    case SR_METHOD_RATIO:
        sr_json_add(o, "unit", sr_json_str(it->unit), &ok);
        if (it->req_attr >= 0) {
            /* Derived from the school: the page asks only the actual
             * number. */
            sr_json_add(o, "entered", cJSON_CreateBool(false), &ok);
            sr_json_add(o, "required",
                        sr_json_num(sr_item_required(sys, it, school), 4, 0),
                        &ok);
            sr_json_add(o, "required_from",
                        sr_json_str(sr_attr_name(it->req_attr)), &ok);
            sr_json_add(o, "value_format", sr_json_str("actual"), &ok);
        } else {
            sr_json_add(o, "entered", cJSON_CreateBool(true), &ok);
            sr_json_add(o, "required", cJSON_CreateNull(), &ok);
            sr_json_add(o, "required_from", cJSON_CreateNull(), &ok);
            sr_json_add(o, "value_format", sr_json_str("actual/required"),
                        &ok);
        }
        break;
    default:
        break;
    }
    return sr_json_done(o, ok);
}

static cJSON *
item_json(const struct sr_system *sys, const struct sr_item *it,
          const struct sr_school *school)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_str(it->id), &ok);
    sr_json_add(o, "title", sr_json_str(it->title), &ok);
    sr_json_add(o, "guidance", sr_json_str(it->guidance), &ok);
    sr_json_add(o, "basis", sr_json_str(it->basis), &ok);
    sr_json_add(o, "points", sr_json_num(it->points, 2, 0), &ok);
    sr_json_add(o, "method", sr_json_str(sr_method_name(it->method)), &ok);
    sr_json_add(o, "method_label",
                sr_json_str(sr_item_by_shortfall(it) ? "按缺额扣分"
                            : it->method >= 0 && it->method < SR_METHOD_COUNT
                                ? method_labels[it->method]
                                : NULL),
                &ok);
    sr_json_add(o, "allow_na", cJSON_CreateBool(it->allow_na), &ok);
    sr_json_add(o, "veto", cJSON_CreateBool(it->veto), &ok);
    sr_json_add(o, "hazard", sr_json_str(sr_hazard_name(it->hazard)), &ok);
    sr_json_add(o, "hazard_label", sr_json_str(sr_hazard_label(it->hazard)),
                &ok);
    sr_json_add(o, "baseline", sr_json_str(sr_baseline_name(it->baseline)),
                &ok);
    sr_json_add(o, "baseline_label",
                sr_json_str(sr_baseline_label(it->baseline)), &ok);
    sr_json_add(o, "unit", sr_json_str(it->unit), &ok);
    sr_json_add(o, "control", control(sys, it, school), &ok);
    /* Format 2 only, so that a format-1 checklist reads as before. */
    if (it->evaluator)
        sr_json_add(o, "scored_by", sr_json_str("evaluator"), &ok);
    if (it->bonus)
        sr_json_add(o, "bonus", cJSON_CreateBool(true), &ok);
    if (it->group >= 0) {
        size_t n;

        sr_json_add(o, "group",
                    sr_json_str(sr_system_items(sys, &n)[it->group].id), &ok);
        sr_json_add(o, "zeroes", cJSON_CreateBool(it->zeroes), &ok);
    }
    return sr_json_done(o, ok);
}

cJSON *
sr_json_checklist(const struct sr_system *sys, const struct sr_school *school)
{
    const struct sr_item *items;
    const struct sr_dimension *dims;
    const struct sr_indicator *inds;
    const struct sr_band *bands;
    size_t n, nd, ni, nb, i, count = 0;
    int64_t total = 0;
    cJSON *root = cJSON_CreateObject(), *arr, *darr;
    int ok = root != NULL;

    if (!ok)
        return NULL;
    items = sr_system_items(sys, &n);
    dims = sr_system_dimensions(sys, &nd);
    inds = sr_system_indicators(sys, &ni);
    bands = sr_system_bands(sys, &nb);
    sr_json_add(root, "system", sr_json_str(sr_system_id(sys)), &ok);
    sr_json_add(root, "version", sr_json_str(sr_system_version(sys)), &ok);
    sr_json_add(root, "title", sr_json_str(sr_system_title(sys)), &ok);
    sr_json_add(root, "pass_line", sr_json_num(sr_system_pass_line(sys), 2, 0),
                &ok);
    sr_json_add(root, "valid_months",
                sr_json_int(sr_system_valid_months(sys)), &ok);
    sr_json_add(root, "na_value", sr_json_str("不适用"), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(root, "bands", arr, &ok);
    for (i = 0; ok && i < nb; i++) {
        cJSON *b = cJSON_CreateObject();

        sr_json_add(arr, NULL, b, &ok);
        if (!ok)
            break;
        sr_json_add(b, "id", sr_json_str(bands[i].id), &ok);
        sr_json_add(b, "label", sr_json_str(bands[i].label), &ok);
        sr_json_add(b, "colour", sr_json_str(sr_colour_name(bands[i].colour)),
                    &ok);
        sr_json_add(b, "min", sr_json_num(bands[i].min, 2, 0), &ok);
    }
    darr = cJSON_CreateArray();
    sr_json_add(root, "dimensions", darr, &ok);
    for (i = 0; ok && i < nd; i++) {
        cJSON *d = NULL, *iarr = NULL;
        int64_t dpts = 0;
        uint32_t j, k;

        for (j = dims[i].ind_first; ok && j < dims[i].ind_first +
                                                  dims[i].ind_n; j++) {
            cJSON *in = NULL, *tarr = NULL;
            int64_t ipts = 0;

            for (k = inds[j].item_first;
                 ok && k < inds[j].item_first + inds[j].item_n; k++) {
                if (!sr_item_applies(sys, &items[k], school))
                    continue;
                if (!d) {
                    d = cJSON_CreateObject();
                    sr_json_add(darr, NULL, d, &ok);
                    if (!ok)
                        break;
                    sr_json_add(d, "id", sr_json_str(dims[i].id), &ok);
                    sr_json_add(d, "title", sr_json_str(dims[i].title), &ok);
                    iarr = cJSON_CreateArray();
                    sr_json_add(d, "indicators", iarr, &ok);
                }
                if (!in && ok) {
                    in = cJSON_CreateObject();
                    sr_json_add(iarr, NULL, in, &ok);
                    if (!ok)
                        break;
                    sr_json_add(in, "id", sr_json_str(inds[j].id), &ok);
                    sr_json_add(in, "title", sr_json_str(inds[j].title), &ok);
                    tarr = cJSON_CreateArray();
                    sr_json_add(in, "items", tarr, &ok);
                }
                if (!ok)
                    break;
                sr_json_add(tarr, NULL, item_json(sys, &items[k], school),
                            &ok);
                ipts += items[k].points;
                count++;
            }
            if (in && ok)
                sr_json_add(in, "points", sr_json_num(ipts, 2, 0), &ok);
            dpts += ipts;
        }
        if (d && ok)
            sr_json_add(d, "points", sr_json_num(dpts, 2, 0), &ok);
        total += dpts;
    }
    sr_json_add(root, "item_count", sr_json_int((int64_t)count), &ok);
    sr_json_add(root, "points", sr_json_num(total, 2, 0), &ok);
    return sr_json_done(root, ok);
}
