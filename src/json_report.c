/*
 * json_report.c - the figures of the reports (report.h) as JSON: the
 * KPIs of a district or of the city, a district's summary and the
 * city's district lines, total and trend.  The service's dashboard and
 * district pages show them, and `schoolrisk report ... --json` can.
 *
 * DESIGN
 * A rate is its numerator and denominator with the percentage in
 * integers: tenths of a per cent are num * 1000 / den rounded half away
 * from zero (sr_div_round()), written as an exact decimal, so that a
 * page shows what the workbook's "0.0%" cell shows and never a binary
 * double's 12.499999.  A rate without a denominator has a null
 * percentage, as the workbook shows "-".  KPI keys are the field names
 * of the report layouts (docs/report-layouts.md), so that a column of
 * a workbook and a key of the API mean one thing.
 */
#include "schoolrisk/json.h"

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/decimal.h"
#include "schoolrisk/report.h"
#include "schoolrisk/school.h"

static cJSON *
count(size_t n)
{
    return sr_json_int((int64_t)n);
}

cJSON *
sr_json_rate(const struct sr_rate *r)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "num", count(r->num), &ok);
    sr_json_add(o, "den", count(r->den), &ok);
    if (r->den)
        sr_json_add(o, "percent",
                    sr_json_num(sr_div_round((int64_t)r->num * 1000,
                                             (int64_t)r->den),
                                1, 1),
                    &ok);
    else
        sr_json_add(o, "percent", cJSON_CreateNull(), &ok);
    return sr_json_done(o, ok);
}

static const char *
kind_name(int kind)
{
    switch (kind) {
    case SR_PERIOD_MONTH:
        return "month";
    case SR_PERIOD_QUARTER:
        return "quarter";
    case SR_PERIOD_YEAR:
        return "year";
    default:
        return NULL;
    }
}

cJSON *
sr_json_period(const struct sr_period *p)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "label", sr_json_str(p->label), &ok);
    sr_json_add(o, "kind", sr_json_str(kind_name(p->kind)), &ok);
    sr_json_add(o, "name", sr_json_str(p->name), &ok);
    sr_json_add(o, "start", sr_json_str(p->start), &ok);
    sr_json_add(o, "end", sr_json_str(p->end), &ok);
    return sr_json_done(o, ok);
}

/* {"met": met, "unassessed": n, "rate": {met / schools evaluated}} */
static cJSON *
met_json(size_t met, size_t unassessed, const struct sr_rate *rate)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "met", count(met), &ok);
    sr_json_add(o, "unassessed", count(unassessed), &ok);
    sr_json_add(o, "rate", sr_json_rate(rate), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_kpis(const struct sr_report_kpis *k, const size_t *all_four)
{
    cJSON *o = cJSON_CreateObject(), *sub;
    int ok = o != NULL, i;

    if (!ok)
        return NULL;
    sr_json_add(o, "schools", count(k->schools), &ok);
    sr_json_add(o, "assessed", count(k->assessed), &ok);
    sr_json_add(o, "coverage", sr_json_rate(&k->coverage), &ok);
    sr_json_add(o, "compliant", count(k->compliant), &ok);
    sr_json_add(o, "compliance", sr_json_rate(&k->compliance), &ok);
    sub = cJSON_CreateObject();
    sr_json_add(o, "bands", sub, &ok);
    for (i = 0; ok && i < 4; i++)
        sr_json_add(sub, sr_colour_name(i), count(k->bands[i]), &ok);
    sr_json_add(o, "vetoed", count(k->vetoed), &ok);
    sub = cJSON_CreateObject();
    sr_json_add(o, "baseline", sub, &ok);
    for (i = 0; ok && i < SR_BASELINE_COUNT; i++)
        sr_json_add(sub, sr_baseline_name(i),
                    met_json(k->baseline_met[i], k->baseline_unassessed[i],
                             &k->baseline_rate[i]),
                    &ok);
    if (ok && all_four) {
        struct sr_rate all = {*all_four, k->schools - k->four_unassessed};

        sr_json_add(sub, "all",
                    met_json(*all_four, k->four_unassessed, &all), &ok);
    }
    sr_json_add(o, "four_100", cJSON_CreateBool(k->four_100), &ok);
    sub = cJSON_CreateObject();
    sr_json_add(o, "hazards", sub, &ok);
    if (ok) {
        sr_json_add(sub, "found", count(k->hazards_found), &ok);
        sr_json_add(sub, "closed", count(k->hazards_closed), &ok);
        sr_json_add(sub, "closed_late", count(k->hazards_closed_late), &ok);
        sr_json_add(sub, "open", count(k->hazards_open), &ok);
        sr_json_add(sub, "overdue", count(k->hazards_overdue), &ok);
    }
    sr_json_add(o, "rectification", sr_json_rate(&k->rectification), &ok);
    sr_json_add(o, "open_major", count(k->open_major), &ok);
    sub = cJSON_CreateArray();
    sr_json_add(o, "stages", sub, &ok);
    for (i = 0; ok && i < SR_STAGE_COUNT; i++) {
        const struct sr_report_stage *s = &k->stages[i];
        cJSON *e;

        if (!s->schools)
            continue;
        e = cJSON_CreateObject();
        sr_json_add(sub, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "stage", sr_json_str(sr_stage_name(s->stage)), &ok);
        sr_json_add(e, "label", sr_json_str(sr_stage_label(s->stage)), &ok);
        sr_json_add(e, "schools", count(s->schools), &ok);
        sr_json_add(e, "assessed", count(s->assessed), &ok);
        sr_json_add(e, "compliant", count(s->compliant), &ok);
    }
    return sr_json_done(o, ok);
}

cJSON *
sr_json_report_district(const struct sr_report_district *r)
{
    cJSON *o = cJSON_CreateObject(), *counts;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "code", sr_json_str(r->code), &ok);
    sr_json_add(o, "name", sr_json_str(r->name), &ok);
    sr_json_add(o, "period", sr_json_period(&r->period), &ok);
    sr_json_add(o, "kpis", sr_json_kpis(&r->kpis, &r->kpis.four_met), &ok);
    counts = cJSON_CreateObject();
    sr_json_add(o, "counts", counts, &ok);
    if (ok) {
        sr_json_add(counts, "schools", count(r->n_schools), &ok);
        sr_json_add(counts, "lost", count(r->n_lost), &ok);
        sr_json_add(counts, "hazards", count(r->n_hazards), &ok);
        sr_json_add(counts, "systems", count(r->n_systems), &ok);
    }
    return sr_json_done(o, ok);
}

cJSON *
sr_json_report_city(const struct sr_report_city *r)
{
    cJSON *o = cJSON_CreateObject(), *arr, *counts;
    size_t i;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "period", sr_json_period(&r->period), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "districts", arr, &ok);
    for (i = 0; ok && i < r->n_districts; i++) {
        const struct sr_report_city_district *d = &r->districts[i];
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "rank", count(d->rank), &ok);
        sr_json_add(e, "code", sr_json_str(d->code), &ok);
        sr_json_add(e, "name", sr_json_str(d->name), &ok);
        sr_json_add(e, "kpis", sr_json_kpis(&d->kpis, &d->kpis.four_met), &ok);
    }
    sr_json_add(o, "total", sr_json_kpis(&r->total, &r->total.four_met),
                &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "trend", arr, &ok);
    for (i = 0; ok && i < r->n_trend; i++) {
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "period", sr_json_period(&r->trend[i].period), &ok);
        sr_json_add(e, "kpis", sr_json_kpis(&r->trend[i].kpis, NULL), &ok);
    }
    counts = cJSON_CreateObject();
    sr_json_add(o, "counts", counts, &ok);
    if (ok) {
        sr_json_add(counts, "noncompliant", count(r->n_noncompliant), &ok);
        sr_json_add(counts, "major", count(r->n_major), &ok);
        sr_json_add(counts, "off_baseline", count(r->n_off_baseline), &ok);
        sr_json_add(counts, "peers", count(r->n_peers), &ok);
    }
    return sr_json_done(o, ok);
}
