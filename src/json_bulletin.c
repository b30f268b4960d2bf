/*
 * json_bulletin.c - the bulletins (bulletin.h) as JSON, for the
 * service's 通报 page and `schoolrisk bulletin ... --json`.
 *
 * Rates are written as json_report.c writes them ({num, den, percent});
 * a KPI's change is a count's difference, or for a rate the difference
 * of the two percentages as shown, in percentage points with one
 * decimal (null when either rate has no denominator).  Hazards and
 * schools carry the fields of the report rows they come from, with the
 * same names as the report layouts (docs/report-layouts.md).
 */
#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/json.h"
#include "schoolrisk/school.h"

static cJSON *
count(size_t n)
{
    return sr_json_int((int64_t)n);
}

static cJSON *
date_or_null(const char *d)
{
    return d && d[0] ? sr_json_str(d) : cJSON_CreateNull();
}

static cJSON *
kpis_json(const struct sr_bulletin_kpi *k)
{
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL, id;
    int64_t change;

    for (id = 0; ok && id < SR_BK_COUNT; id++) {
        cJSON *e = cJSON_CreateObject();
        bool known = sr_bulletin_change(&k[id], &change);

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "key", sr_json_str(sr_bulletin_kpi_name(id)), &ok);
        sr_json_add(e, "label", sr_json_str(sr_bulletin_kpi_label(id)), &ok);
        sr_json_add(e, "rate", cJSON_CreateBool(k[id].is_rate), &ok);
        if (k[id].is_rate) {
            sr_json_add(e, "now", sr_json_rate(&k[id].now), &ok);
            sr_json_add(e, "prev", sr_json_rate(&k[id].prev), &ok);
            sr_json_add(e, "change", known ? sr_json_num(change, 1, 1)
                                           : cJSON_CreateNull(), &ok);
        } else {
            sr_json_add(e, "now", count(k[id].now.num), &ok);
            sr_json_add(e, "prev", count(k[id].prev.num), &ok);
            sr_json_add(e, "change", sr_json_int(change), &ok);
        }
    }
    return sr_json_done(arr, ok);
}

static cJSON *
hazard_json(const struct sr_report_hazard *h)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_int(h->id), &ok);
    sr_json_add(o, "school", sr_json_str(h->code), &ok);
    sr_json_add(o, "school_name", sr_json_str(h->school_name), &ok);
    sr_json_add(o, "district", sr_json_str(h->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(h->district_name), &ok);
    sr_json_add(o, "item", sr_json_str(h->item), &ok);
    sr_json_add(o, "item_title", sr_json_str(h->item_title), &ok);
    sr_json_add(o, "description", sr_json_str(h->description), &ok);
    sr_json_add(o, "level", sr_json_str(sr_hazard_name(h->level)), &ok);
    sr_json_add(o, "level_label", sr_json_str(sr_hazard_label(h->level)),
                &ok);
    sr_json_add(o, "found_on", sr_json_str(h->found_on), &ok);
    sr_json_add(o, "responsible", sr_json_str(h->responsible), &ok);
    sr_json_add(o, "deadline", date_or_null(h->deadline), &ok);
    sr_json_add(o, "status", sr_json_str(sr_hazard_status_name(h->status)),
                &ok);
    sr_json_add(o, "status_label",
                sr_json_str(sr_hazard_status_label(h->status)), &ok);
    sr_json_add(o, "closed_on", date_or_null(h->closed_on), &ok);
    sr_json_add(o, "days_overdue", sr_json_int(h->days_overdue), &ok);
    sr_json_add(o, "supervised", cJSON_CreateBool(h->supervised), &ok);
    return sr_json_done(o, ok);
}

static cJSON *
hazard_list(const struct sr_report_district *r, const size_t *idx, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int ok = arr != NULL;

    for (i = 0; ok && i < n; i++)
        sr_json_add(arr, NULL, hazard_json(&r->hazards[idx[i]]), &ok);
    return sr_json_done(arr, ok);
}

static cJSON *
school_json(const struct sr_report_school *s)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;
    int stage = sr_school_has_stage(&s->school)
                    ? (int)s->school.attr[SR_ATTR_STAGE] : -1;

    if (!ok)
        return NULL;
    sr_json_add(o, "code", sr_json_str(s->code), &ok);
    sr_json_add(o, "name", sr_json_str(s->name), &ok);
    sr_json_add(o, "district", sr_json_str(s->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(s->district_name), &ok);
    sr_json_add(o, "stage", sr_json_str(sr_stage_name(stage)), &ok);
    sr_json_add(o, "stage_label", sr_json_str(sr_stage_label(stage)), &ok);
    sr_json_add(o, "status", sr_json_str(sr_bulletin_school_status(s)), &ok);
    sr_json_add(o, "assessed", cJSON_CreateBool(s->assessed), &ok);
    sr_json_add(o, "assessed_on", date_or_null(s->assessed_on), &ok);
    sr_json_add(o, "total", s->assessed ? sr_json_num(s->total, 2, 2)
                                        : cJSON_CreateNull(), &ok);
    sr_json_add(o, "band_label", sr_json_str(s->band_label), &ok);
    sr_json_add(o, "compliant", cJSON_CreateBool(s->compliant), &ok);
    sr_json_add(o, "vetoed", cJSON_CreateBool(s->vetoed), &ok);
    sr_json_add(o, "veto_items", sr_json_str(s->veto_items), &ok);
    return sr_json_done(o, ok);
}

static cJSON *
fell_json(const struct sr_report_district *r,
          const struct sr_bulletin_fell *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int ok = arr != NULL, e;

    for (i = 0; ok && i < n; i++) {
        const struct sr_report_school *s = &r->schools[v[i].school];
        cJSON *o = school_json(s), *els = cJSON_CreateArray();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok) {
            cJSON_Delete(els);
            break;
        }
        sr_json_add(o, "elements", els, &ok);
        for (e = 0; ok && e < SR_BASELINE_COUNT; e++) {
            cJSON *x;

            if (!v[i].lost[e])
                continue;
            x = cJSON_CreateObject();
            sr_json_add(els, NULL, x, &ok);
            sr_json_add(x, "element", sr_json_str(sr_baseline_name(e)), &ok);
            sr_json_add(x, "label", sr_json_str(sr_baseline_label(e)), &ok);
        }
        sr_json_add(o, "why", sr_json_str(s->baseline_why), &ok);
    }
    return sr_json_done(arr, ok);
}

static cJSON *
inspections_json(const struct sr_bulletin_monthly *b)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int ok = arr != NULL;

    for (i = 0; ok && i < b->n_inspections; i++) {
        const struct sr_bulletin_inspection *in = &b->inspections[i];
        cJSON *o = cJSON_CreateObject();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "id", sr_json_int(in->id), &ok);
        sr_json_add(o, "school", sr_json_str(in->code), &ok);
        sr_json_add(o, "school_name", sr_json_str(in->school_name), &ok);
        sr_json_add(o, "assessed_on", sr_json_str(in->assessed_on), &ok);
        sr_json_add(o, "inspector", sr_json_str(in->inspector), &ok);
        sr_json_add(o, "total", sr_json_num(in->total, 2, 2), &ok);
        sr_json_add(o, "band_label", sr_json_str(in->band_label), &ok);
        sr_json_add(o, "compliant", cJSON_CreateBool(in->compliant), &ok);
        sr_json_add(o, "vetoed", cJSON_CreateBool(in->vetoed), &ok);
    }
    return sr_json_done(arr, ok);
}

static cJSON *
corrections_json(const struct sr_bulletin_correction *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int ok = arr != NULL;

    for (i = 0; ok && i < n; i++) {
        const struct sr_bulletin_correction *c = &v[i];
        cJSON *o = cJSON_CreateObject();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "period", sr_json_str(c->period), &ok);
        sr_json_add(o, "district_name", sr_json_str(c->district), &ok);
        sr_json_add(o, "what", sr_json_str(c->what), &ok);
        sr_json_add(o, "by", sr_json_str(c->by), &ok);
        sr_json_add(o, "at", sr_json_str(c->at), &ok);
        sr_json_add(o, "why", sr_json_str(c->why), &ok);
    }
    return sr_json_done(arr, ok);
}

static cJSON *
plans_json(const struct sr_bulletin_monthly *b)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    int ok = arr != NULL;

    for (i = 0; ok && i < b->n_plans; i++) {
        const struct sr_bulletin_plan *p = &b->plans[i];
        cJSON *o = cJSON_CreateObject();

        sr_json_add(arr, NULL, o, &ok);
        if (!ok)
            break;
        sr_json_add(o, "id", sr_json_int(p->id), &ok);
        sr_json_add(o, "name", sr_json_str(p->name), &ok);
        sr_json_add(o, "schools", count(p->schools), &ok);
        sr_json_add(o, "done", count(p->done), &ok);
        sr_json_add(o, "due", count(p->due), &ok);
        sr_json_add(o, "overdue", count(p->overdue), &ok);
    }
    return sr_json_done(arr, ok);
}

cJSON *
sr_json_bulletin_monthly(const struct sr_bulletin_monthly *b)
{
    const struct sr_report_district *r = &b->now;
    cJSON *o = cJSON_CreateObject(), *x, *arr;
    size_t i;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "district", sr_json_str(r->code), &ok);
    sr_json_add(o, "district_name", sr_json_str(r->name), &ok);
    sr_json_add(o, "period", sr_json_period(&r->period), &ok);
    sr_json_add(o, "previous", sr_json_period(&b->prev.period), &ok);
    sr_json_add(o, "kpis", kpis_json(b->kpis), &ok);
    x = cJSON_CreateObject();
    sr_json_add(o, "hazards", x, &ok);
    if (ok) {
        sr_json_add(x, "found", hazard_list(r, b->found, b->n_found), &ok);
        sr_json_add(x, "closed", hazard_list(r, b->closed, b->n_closed),
                    &ok);
        sr_json_add(x, "overdue", hazard_list(r, b->overdue, b->n_overdue),
                    &ok);
        sr_json_add(x, "newly_overdue",
                    hazard_list(r, b->newly_overdue, b->n_newly_overdue),
                    &ok);
        sr_json_add(x, "newly_supervised",
                    hazard_list(r, b->supervised, b->n_supervised), &ok);
    }
    sr_json_add(o, "inspections", inspections_json(b), &ok);
    x = cJSON_CreateObject();
    sr_json_add(o, "due", x, &ok);
    if (ok) {
        sr_json_add(x, "now", count(b->due_now), &ok);
        sr_json_add(x, "prev", count(b->due_prev), &ok);
        arr = cJSON_CreateArray();
        sr_json_add(x, "newly_due", arr, &ok);
        for (i = 0; ok && i < b->n_newly_due; i++)
            sr_json_add(arr, NULL, school_json(&r->schools[b->newly_due[i]]),
                        &ok);
    }
    x = cJSON_CreateObject();
    sr_json_add(o, "baseline", x, &ok);
    if (ok) {
        sr_json_add(x, "fell_off", fell_json(r, b->fell_off, b->n_fell_off),
                    &ok);
        sr_json_add(x, "back_on", fell_json(r, b->back_on, b->n_back_on),
                    &ok);
    }
    sr_json_add(o, "plans", plans_json(b), &ok);
    sr_json_add(o, "corrections",
                corrections_json(b->corrections, b->n_corrections), &ok);
    return sr_json_done(o, ok);
}

/* A district's inspection plans at the quarter's end; null without. */
static cJSON *
district_plans_json(const struct sr_bulletin_district *d)
{
    cJSON *o;
    int ok;

    if (!d->plans)
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "plans", count(d->plans), &ok);
    sr_json_add(o, "schools", count(d->plan_schools), &ok);
    sr_json_add(o, "done", count(d->plan_done), &ok);
    sr_json_add(o, "due", count(d->plan_due), &ok);
    sr_json_add(o, "overdue", count(d->plan_overdue), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_bulletin_quarterly(const struct sr_bulletin_quarterly *b)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    size_t i;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "period", sr_json_period(&b->period), &ok);
    sr_json_add(o, "previous", sr_json_period(&b->prev), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "ranking", arr, &ok);
    for (i = 0; ok && i < b->n_districts; i++) {
        const struct sr_bulletin_district *d = &b->districts[i];
        const struct sr_report_district *r = &b->reports[d->report];
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "place", count(d->place), &ok);
        sr_json_add(e, "prev_place", count(d->prev_place), &ok);
        /* Up is positive: 3rd then, 1st now is +2. */
        sr_json_add(e, "change",
                    sr_json_int((int64_t)d->prev_place -
                                (int64_t)d->place), &ok);
        sr_json_add(e, "code", sr_json_str(r->code), &ok);
        sr_json_add(e, "name", sr_json_str(r->name), &ok);
        sr_json_add(e, "noncompliant", count(d->noncompliant), &ok);
        sr_json_add(e, "unassessed", count(d->unassessed), &ok);
        sr_json_add(e, "kpis", kpis_json(d->kpis), &ok);
        sr_json_add(e, "plans", district_plans_json(d), &ok);
    }
    sr_json_add(o, "city", kpis_json(b->city), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "schools", arr, &ok);
    for (i = 0; ok && i < b->n_schools; i++)
        sr_json_add(arr, NULL,
                    school_json(sr_bulletin_school_at(b, &b->schools[i])),
                    &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "overdue_major", arr, &ok);
    for (i = 0; ok && i < b->n_overdue_major; i++)
        sr_json_add(arr, NULL,
                    hazard_json(sr_bulletin_hazard_at(b,
                                                      &b->overdue_major[i])),
                    &ok);
    sr_json_add(o, "corrections",
                corrections_json(b->corrections, b->n_corrections), &ok);
    return sr_json_done(o, ok);
}
