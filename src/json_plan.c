/*
 * json_plan.c - inspection plans as JSON (json.h): a plan with its
 * schools in risk order and its drawn experts, its progress, and an
 * expert's assignment.  The CLI's `plan show --json` and the API's
 * /api/v1/plans share these, so a reader re-draws a plan from either
 * (tests/cli/plan_redraw.py).
 */
#include "schoolrisk/json.h"

#include <inttypes.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "schoolrisk/experts.h"
#include "schoolrisk/plans.h"

/* The specialities of mask as one text: names joined by ",", or labels
 * by "、" ("" for none: the CSV and the JSON read alike). */
static cJSON *
specs(unsigned mask, bool labels)
{
    char buf[200];
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < SR_SPEC_COUNT && len < sizeof(buf); i++)
        if (mask & SR_SPECS(i))
            len += (size_t)snprintf(
                buf + len, sizeof(buf) - len, "%s%s",
                len ? (labels ? "、" : ",") : "",
                labels ? sr_speciality_label(i) : sr_speciality_name(i));
    return sr_json_str(buf);
}

static cJSON *
int_or_null(bool present, int64_t v)
{
    return present ? sr_json_int(v) : cJSON_CreateNull();
}

static cJSON *
plan_school(const struct sr_plan_school *c)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "rank", sr_json_int((int64_t)c->rank), &ok);
    sr_json_add(o, "school", sr_json_str(c->code), &ok);
    sr_json_add(o, "name", sr_json_str(c->name), &ok);
    sr_json_add(o, "district", sr_json_str(c->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(c->district_name), &ok);
    sr_json_add(o, "reason", sr_json_str(sr_plan_reason_name(c->reason)),
                &ok);
    sr_json_add(o, "reason_label",
                sr_json_str(sr_plan_reason_label(c->reason)), &ok);
    sr_json_add(o, "needs", specs(c->needs, false), &ok);
    sr_json_add(o, "needs_labels", specs(c->needs, true), &ok);
    sr_json_add(o, "vetoed", cJSON_CreateBool(c->f.vetoed), &ok);
    sr_json_add(o, "band", sr_json_int(c->f.band), &ok);
    sr_json_add(o, "band_label", sr_json_str(c->band_label), &ok);
    sr_json_add(o, "overdue_major", sr_json_int(c->f.overdue_major), &ok);
    sr_json_add(o, "open_major", sr_json_int(c->f.open_major), &ok);
    sr_json_add(o, "boarders", sr_json_int(c->f.boarders), &ok);
    sr_json_add(o, "special_needs", sr_json_int(c->f.special_needs), &ok);
    sr_json_add(o, "kindergarten", cJSON_CreateBool(c->f.kindergarten), &ok);
    sr_json_add(o, "enrollment", sr_json_int(c->f.enrollment), &ok);
    sr_json_add(o, "days_since",
                int_or_null(c->f.days_since >= 0, c->f.days_since), &ok);
    sr_json_add(o, "last_assessment", int_or_null(c->last != 0, c->last),
                &ok);
    sr_json_add(o, "last_on", sr_json_str(c->last_on[0] ? c->last_on : NULL),
                &ok);
    sr_json_add(o, "expires_on",
                sr_json_str(c->expires_on[0] ? c->expires_on : NULL), &ok);
    sr_json_add(o, "expert", sr_json_str(c->expert_login), &ok);
    sr_json_add(o, "covered", specs(c->covered, false), &ok);
    sr_json_add(o, "covered_labels", specs(c->covered, true), &ok);
    sr_json_add(o, "missing", specs(c->missing, false), &ok);
    sr_json_add(o, "missing_labels", specs(c->missing, true), &ok);
    sr_json_add(o, "load_before",
                int_or_null(c->expert != 0, c->load_before), &ok);
    sr_json_add(o, "why", sr_json_str(c->why), &ok);
    return sr_json_done(o, ok);
}

static cJSON *
plan_expert(const struct sr_plan_expert *e)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "position", sr_json_int((int64_t)e->position), &ok);
    sr_json_add(o, "login", sr_json_str(e->login), &ok);
    sr_json_add(o, "name", sr_json_str(e->name), &ok);
    sr_json_add(o, "unit", sr_json_str(e->unit), &ok);
    sr_json_add(o, "district", sr_json_str(e->district), &ok);
    sr_json_add(o, "specialities", specs(e->specialities, false), &ok);
    sr_json_add(o, "speciality_labels", specs(e->specialities, true), &ok);
    sr_json_add(o, "prior", sr_json_int(e->prior), &ok);
    sr_json_add(o, "load", sr_json_int(e->load), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_plan(const struct sr_plan *p, bool rows)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    char seed[24];
    size_t i;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    snprintf(seed, sizeof(seed), "%" PRIu64, p->seed);
    sr_json_add(o, "id", sr_json_int(p->id), &ok);
    sr_json_add(o, "state", sr_json_str(sr_plan_state_name(p->state)), &ok);
    sr_json_add(o, "state_label", sr_json_str(sr_plan_state_label(p->state)),
                &ok);
    sr_json_add(o, "district", sr_json_str(p->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(p->district_name), &ok);
    sr_json_add(o, "period", sr_json_str(p->period), &ok);
    sr_json_add(o, "start", sr_json_str(p->start), &ok);
    sr_json_add(o, "end", sr_json_str(p->end), &ok);
    sr_json_add(o, "as_of", sr_json_str(p->as_of), &ok);
    /* A string: a JSON number loses a 64-bit seed in most readers. */
    sr_json_add(o, "seed", sr_json_str(seed), &ok);
    sr_json_add(o, "school_share", sr_json_int(p->school_share), &ok);
    sr_json_add(o, "expert_share", sr_json_int(p->expert_share), &ok);
    sr_json_add(o, "avoid_district", cJSON_CreateBool(p->avoid_district),
                &ok);
    sr_json_add(o, "cap", sr_json_int(p->cap), &ok);
    sr_json_add(o, "pool_schools", sr_json_int((int64_t)p->pool_schools),
                &ok);
    sr_json_add(o, "pool_experts", sr_json_int((int64_t)p->pool_experts),
                &ok);
    sr_json_add(o, "mandatory", sr_json_int((int64_t)p->n_mandatory), &ok);
    sr_json_add(o, "drawn", sr_json_int((int64_t)p->n_drawn), &ok);
    sr_json_add(o, "unassigned", sr_json_int((int64_t)p->n_unassigned),
                &ok);
    sr_json_add(o, "expert_count", sr_json_int((int64_t)p->n_experts), &ok);
    sr_json_add(o, "created_by", sr_json_str(p->author), &ok);
    sr_json_add(o, "created_at", sr_json_str(p->created_at), &ok);
    sr_json_add(o, "published_at", sr_json_str(p->published_at), &ok);
    if (!rows)
        return sr_json_done(o, ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "schools", arr, &ok);
    for (i = 0; ok && i < p->n_schools; i++)
        sr_json_add(arr, NULL, plan_school(&p->schools[i]), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "experts", arr, &ok);
    for (i = 0; ok && i < p->n_experts; i++)
        sr_json_add(arr, NULL, plan_expert(&p->experts[i]), &ok);
    return sr_json_done(o, ok);
}

/* The counts of a progress as {done, due, overdue, total}. */
static cJSON *
counts(const size_t c[SR_PLAN_PROGRESS_COUNT])
{
    cJSON *o = cJSON_CreateObject();
    size_t total = 0;
    int ok = o != NULL, k;

    for (k = 0; ok && k < SR_PLAN_PROGRESS_COUNT; k++) {
        sr_json_add(o, sr_plan_progress_name(k), sr_json_int((int64_t)c[k]),
                    &ok);
        total += c[k];
    }
    sr_json_add(o, "total", sr_json_int((int64_t)total), &ok);
    return sr_json_done(o, ok);
}

cJSON *
sr_json_plan_progress(const struct sr_plan_progress *pr)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    size_t i;
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "plan", sr_json_int(pr->plan), &ok);
    sr_json_add(o, "today", sr_json_str(pr->today), &ok);
    sr_json_add(o, "counts", counts(pr->counts), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "schools", arr, &ok);
    for (i = 0; ok && i < pr->n; i++) {
        const struct sr_plan_progress_row *r = &pr->v[i];
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "school", sr_json_str(r->code), &ok);
        sr_json_add(e, "name", sr_json_str(r->name), &ok);
        sr_json_add(e, "district", sr_json_str(r->district), &ok);
        sr_json_add(e, "expert", sr_json_str(r->expert_login), &ok);
        sr_json_add(e, "status", sr_json_str(sr_plan_progress_name(r->status)),
                    &ok);
        sr_json_add(e, "status_label",
                    sr_json_str(sr_plan_progress_label(r->status)), &ok);
        sr_json_add(e, "assessment",
                    int_or_null(r->assessment != 0, r->assessment), &ok);
        sr_json_add(e, "assessed_on",
                    sr_json_str(r->assessed_on[0] ? r->assessed_on : NULL),
                    &ok);
        sr_json_add(e, "linked", cJSON_CreateBool(r->linked), &ok);
    }
    return sr_json_done(o, ok);
}

cJSON *
sr_json_plan_assignment(const struct sr_plan_assignment *a)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    if (!ok)
        return NULL;
    sr_json_add(o, "plan", sr_json_int(a->plan), &ok);
    sr_json_add(o, "plan_district", sr_json_str(a->plan_district), &ok);
    sr_json_add(o, "plan_district_name", sr_json_str(a->plan_district_name),
                &ok);
    sr_json_add(o, "period", sr_json_str(a->period), &ok);
    sr_json_add(o, "start", sr_json_str(a->start), &ok);
    sr_json_add(o, "end", sr_json_str(a->end), &ok);
    sr_json_add(o, "school", sr_json_str(a->school), &ok);
    sr_json_add(o, "school_name", sr_json_str(a->school_name), &ok);
    sr_json_add(o, "district", sr_json_str(a->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(a->district_name), &ok);
    sr_json_add(o, "rank", sr_json_int((int64_t)a->rank), &ok);
    sr_json_add(o, "reason", sr_json_str(sr_plan_reason_name(a->reason)),
                &ok);
    sr_json_add(o, "reason_label",
                sr_json_str(sr_plan_reason_label(a->reason)), &ok);
    sr_json_add(o, "why", sr_json_str(a->why), &ok);
    sr_json_add(o, "status", sr_json_str(sr_plan_progress_name(a->status)),
                &ok);
    sr_json_add(o, "status_label",
                sr_json_str(sr_plan_progress_label(a->status)), &ok);
    sr_json_add(o, "assessment",
                int_or_null(a->assessment != 0, a->assessment), &ok);
    sr_json_add(o, "assessed_on",
                sr_json_str(a->assessed_on[0] ? a->assessed_on : NULL), &ok);
    sr_json_add(o, "linked", cJSON_CreateBool(a->linked), &ok);
    sr_json_add(o, "draft", int_or_null(a->draft != 0, a->draft), &ok);
    return sr_json_done(o, ok);
}
