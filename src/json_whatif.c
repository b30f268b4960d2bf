/*
 * json_whatif.c - what-if (整改预测) as JSON: the shape of `schoolrisk
 * whatif --json` and of /api/v1/whatif (docs/api.md).  Totals and
 * points are exact decimals (json.h).
 */
#include <cjson/cJSON.h>

#include "schoolrisk/hazards.h"
#include "schoolrisk/json.h"
#include "schoolrisk/whatif.h"

static cJSON *
json_figures(const struct sr_whatif_figures *f)
{
    cJSON *o = cJSON_CreateObject(), *m;
    int e;

    if (!o)
        return NULL;
    cJSON_AddBoolToObject(o, "assessed", f->assessed);
    if (f->assessed)
        cJSON_AddItemToObject(o, "total", sr_json_num(f->total, 2, 2));
    else
        cJSON_AddNullToObject(o, "total");
    if (f->band_label)
        cJSON_AddStringToObject(o, "band", f->band_label);
    else
        cJSON_AddNullToObject(o, "band");
    cJSON_AddBoolToObject(o, "compliant", f->compliant);
    cJSON_AddBoolToObject(o, "vetoed", f->vetoed);
    m = cJSON_AddObjectToObject(o, "baseline");
    for (e = 0; m && e < SR_BASELINE_COUNT; e++)
        cJSON_AddStringToObject(m, sr_baseline_name(e),
                                f->met[e] ? "met" : f->unassessed[e]
                                                        ? "unassessed"
                                                        : "not_met");
    cJSON_AddBoolToObject(o, "four", f->four);
    cJSON_AddNumberToObject(o, "open_hazards", (double)f->open_hazards);
    cJSON_AddNumberToObject(o, "overdue_hazards", (double)f->overdue_hazards);
    return o;
}

static void
json_rate(cJSON *o, const char *key, struct sr_rate r)
{
    cJSON *x = cJSON_AddObjectToObject(o, key);

    if (!x)
        return;
    cJSON_AddNumberToObject(x, "num", (double)r.num);
    cJSON_AddNumberToObject(x, "den", (double)r.den);
}

static cJSON *
json_kpis(const struct sr_report_kpis *k)
{
    cJSON *o = cJSON_CreateObject(), *m;
    int e;

    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "schools", (double)k->schools);
    json_rate(o, "coverage", k->coverage);
    json_rate(o, "compliance", k->compliance);
    cJSON_AddNumberToObject(o, "compliant", (double)k->compliant);
    m = cJSON_AddObjectToObject(o, "baseline_rate");
    for (e = 0; m && e < SR_BASELINE_COUNT; e++)
        json_rate(m, sr_baseline_name(e), k->baseline_rate[e]);
    cJSON_AddNumberToObject(o, "four_met", (double)k->four_met);
    cJSON_AddBoolToObject(o, "four_100", k->four_100);
    cJSON_AddNumberToObject(o, "hazards_open", (double)k->hazards_open);
    cJSON_AddNumberToObject(o, "hazards_overdue", (double)k->hazards_overdue);
    cJSON_AddNumberToObject(o, "open_major", (double)k->open_major);
    return o;
}

static cJSON *
json_area(const struct sr_whatif_area *a)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    if (a->code)
        cJSON_AddStringToObject(o, "code", a->code);
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddItemToObject(o, "before", json_kpis(&a->before));
    cJSON_AddItemToObject(o, "after", json_kpis(&a->after));
    return o;
}

cJSON *
sr_json_whatif(const struct sr_whatif *w)
{
    cJSON *root = cJSON_CreateObject(), *v;
    size_t i;

    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "as_of", w->as_of);
    v = cJSON_AddArrayToObject(root, "closed");
    for (i = 0; v && i < w->n_closed; i++)
        cJSON_AddItemToArray(v, cJSON_CreateNumber((double)w->closed[i]));
    v = cJSON_AddArrayToObject(root, "schools");
    for (i = 0; v && i < w->n_schools; i++) {
        const struct sr_whatif_school *s = &w->schools[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddItemToArray(v, o);
        cJSON_AddStringToObject(o, "code", s->code);
        cJSON_AddStringToObject(o, "name", s->name);
        cJSON_AddStringToObject(o, "district", s->district);
        cJSON_AddNumberToObject(o, "closing", (double)s->closing);
        cJSON_AddNumberToObject(o, "rescored", (double)s->rescored);
        cJSON_AddItemToObject(o, "before", json_figures(&s->before));
        cJSON_AddItemToObject(o, "after", json_figures(&s->after));
    }
    v = cJSON_AddArrayToObject(root, "districts");
    for (i = 0; v && i < w->n_districts; i++)
        cJSON_AddItemToArray(v, json_area(&w->districts[i]));
    if (w->has_city)
        cJSON_AddItemToObject(root, "city", json_area(&w->city));
    return root;
}

static cJSON *
ids_json(const int64_t *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    size_t i;

    for (i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
    return a;
}

cJSON *
sr_json_whatif_suggest(const struct sr_whatif_suggest *s)
{
    cJSON *root = cJSON_CreateObject(), *v;
    size_t i;

    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "as_of", s->as_of);
    if (s->code)
        cJSON_AddStringToObject(root, "district", s->code);
    cJSON_AddStringToObject(root, "name", s->name);
    cJSON_AddNumberToObject(root, "schools", (double)s->schools);
    cJSON_AddNumberToObject(root, "compliant", (double)s->compliant);
    cJSON_AddNumberToObject(root, "four_met", (double)s->four_met);
    v = cJSON_AddArrayToObject(root, "plans");
    for (i = 0; v && i < s->n_plans; i++) {
        const struct sr_whatif_plan *p = &s->plans[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddItemToArray(v, o);
        cJSON_AddNumberToObject(o, "rank", (double)(i + 1));
        cJSON_AddStringToObject(o, "code", p->code);
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "district_name", p->district_name);
        cJSON_AddItemToObject(o, "total_before",
                              sr_json_num(p->total_before, 2, 2));
        cJSON_AddItemToObject(o, "total_after",
                              sr_json_num(p->total_after, 2, 2));
        cJSON_AddBoolToObject(o, "compliant_before", p->compliant_before);
        cJSON_AddBoolToObject(o, "four_before", p->four_before);
        cJSON_AddBoolToObject(o, "can_comply", p->can_comply);
        cJSON_AddBoolToObject(o, "can_four", p->can_four);
        cJSON_AddItemToObject(o, "to_comply",
                              ids_json(p->to_comply, p->n_to_comply));
        cJSON_AddItemToObject(o, "to_four",
                              ids_json(p->to_four, p->n_to_four));
        cJSON_AddItemToObject(o, "close", ids_json(p->both, p->n_both));
        cJSON_AddNumberToObject(o, "compliant_then",
                                (double)p->compliant_then);
        cJSON_AddNumberToObject(o, "four_then", (double)p->four_then);
    }
    v = cJSON_AddArrayToObject(root, "hazards");
    for (i = 0; v && i < s->n_gains; i++) {
        const struct sr_whatif_gain *g = &s->gains[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddItemToArray(v, o);
        cJSON_AddNumberToObject(o, "rank", (double)(i + 1));
        cJSON_AddNumberToObject(o, "id", (double)g->id);
        cJSON_AddStringToObject(o, "school", g->code);
        cJSON_AddStringToObject(o, "school_name", g->school_name);
        if (g->item)
            cJSON_AddStringToObject(o, "item", g->item);
        else
            cJSON_AddNullToObject(o, "item");
        if (g->item_title)
            cJSON_AddStringToObject(o, "item_title", g->item_title);
        else
            cJSON_AddNullToObject(o, "item_title");
        cJSON_AddStringToObject(o, "level",
                                g->level == SR_HAZARD_MAJOR ? "major"
                                                            : "general");
        cJSON_AddNumberToObject(o, "days_overdue", (double)g->days_overdue);
        cJSON_AddItemToObject(o, "points", sr_json_num(g->points, 2, 2));
        cJSON_AddBoolToObject(o, "compliant", g->compliant);
        cJSON_AddBoolToObject(o, "four", g->four);
    }
    return root;
}

