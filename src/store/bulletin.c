/*
 * store/bulletin.c - the bulletins' figures read from the database
 * (bulletin.h): the two reports each bulletin compares, the month's
 * inspections, the inspection plans' progress at the period's end, and
 * the corrections of locked periods (a callback of the options).
 *
 * DESIGN
 * A bulletin is the difference of two compliance reports (report.h) of
 * the same district, as of the end of a period and of the period
 * before: the same rules, the same rows.  Each district's report is its
 * own read (report.c), so two reports are two snapshots; a change
 * committed between them shows in the second only, as it would in two
 * workbooks written one after the other.  What needs no database is in
 * ../bulletin.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/signoff.h"
#include "report_int.h"
#include "store_int.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* Release                                                              */
/* ------------------------------------------------------------------ */

static void
inspections_free(struct sr_bulletin_inspection *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].school_name);
        free(v[i].inspector);
        free(v[i].band_label);
    }
    free(v);
}

static void
corrections_free(struct sr_bulletin_correction *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].period);
        free(v[i].district);
        free(v[i].what);
        free(v[i].by);
        free(v[i].at);
        free(v[i].why);
    }
    free(v);
}

static void
plans_free(struct sr_bulletin_plan *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

void
sr_bulletin_monthly_release(struct sr_bulletin_monthly *b)
{
    if (!b)
        return;
    sr_report_district_release(&b->now);
    sr_report_district_release(&b->prev);
    free(b->found);
    free(b->closed);
    free(b->overdue);
    free(b->newly_overdue);
    free(b->supervised);
    inspections_free(b->inspections, b->n_inspections);
    free(b->newly_due);
    free(b->fell_off);
    free(b->back_on);
    plans_free(b->plans, b->n_plans);
    corrections_free(b->corrections, b->n_corrections);
    memset(b, 0, sizeof(*b));
}

void
sr_bulletin_quarterly_release(struct sr_bulletin_quarterly *b)
{
    size_t i;

    if (!b)
        return;
    for (i = 0; i < b->n_reports; i++)
        sr_report_district_release(&b->reports[i]);
    free(b->reports);
    free(b->districts);
    free(b->schools);
    free(b->overdue_major);
    corrections_free(b->corrections, b->n_corrections);
    memset(b, 0, sizeof(*b));
}

const struct sr_report_school *
sr_bulletin_school_at(const struct sr_bulletin_quarterly *b,
                      const struct sr_bulletin_ref *ref)
{
    return &b->reports[ref->district].schools[ref->row];
}

const struct sr_report_hazard *
sr_bulletin_hazard_at(const struct sr_bulletin_quarterly *b,
                      const struct sr_bulletin_ref *ref)
{
    return &b->reports[ref->district].hazards[ref->row];
}

/* ------------------------------------------------------------------ */
/* The month                                                            */
/* ------------------------------------------------------------------ */

#define INSPECTIONS_SQL                                                   \
    "SELECT a.id, a.school, s.name, a.assessed_on, a.inspector, a.total, "\
    "a.band_label, a.compliant, a.vetoed FROM assessments a "             \
    "JOIN schools s ON s.code = a.school "                                \
    "WHERE s.district = ?1 AND s.closed = 0 AND a.status = 'submitted' "  \
    "AND a.kind = 'inspection' AND a.assessed_on >= ?2 AND "              \
    "a.assessed_on <= ?3 ORDER BY a.assessed_on, a.id"

/* The inspections of the district's open schools dated in the month
 * (a school's self-inspection is not one). */
static sr_error
read_inspections(struct sr_store *st, struct sr_bulletin_monthly *b)
{
    struct sr_bulletin_inspection *in;
    struct sr_stmt *q = NULL;
    size_t alloc = 0;
    sr_error rc;
    int step, nomem = 0;

    rc = sr_store_prepare(st, INSPECTIONS_SQL, &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, b->now.code);
    sr_bind_text(q, 2, b->now.period.start);
    sr_bind_text(q, 3, b->now.period.end);
    while ((step = sr_step(q)) == SR_ROW) {
        rc = sr_grow((void **)&b->inspections, &alloc, b->n_inspections,
                     sizeof(*b->inspections), 16);
        if (rc != SR_OK)
            break;
        in = &b->inspections[b->n_inspections++];
        memset(in, 0, sizeof(*in));
        in->id = sr_col_int64(q, 0);
        snprintf(in->code, sizeof(in->code), "%s",
                 sr_col_text(q, 1));
        in->school_name = sr_column_dup(q, 2, &nomem);
        snprintf(in->assessed_on, sizeof(in->assessed_on), "%s",
                 sr_col_text(q, 3));
        in->inspector = sr_column_dup(q, 4, &nomem);
        in->total = sr_col_int64(q, 5);
        in->band_label = sr_column_dup(q, 6, &nomem);
        in->compliant = sr_col_int(q, 7) != 0;
        in->vetoed = sr_col_int(q, 8) != 0;
        if (nomem) {
            rc = SR_ERR_NOMEM;
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read assessments"));
    sr_store_finish(st, q);
    return rc;
}

/* ---- Plan progress (检查计划进度) ----------------------------------
 * The published plans of a district, and the city's plans listing
 * schools of it, whose period overlaps the bulletin's, with their
 * progress on the period's last day (sr_plan_progress_as_of(): the
 * plans module's rule) counted over the district's schools. */

#define PLANS_SQL                                                         \
    "SELECT p.id, p.period, d.name FROM plans p LEFT JOIN districts d "   \
    "ON d.code = p.district WHERE p.state = 'published' AND "             \
    "p.period_start <= ?3 AND p.period_end >= ?2 AND (p.district = ?1 "   \
    "OR (p.district IS NULL AND EXISTS (SELECT 1 FROM plan_schools x "    \
    "JOIN schools s ON s.code = x.school WHERE x.plan = p.id AND "        \
    "s.district = ?1))) ORDER BY p.period_start, p.id"

/* One plan's row: its name, and its progress over district's schools. */
static sr_error
plan_row(struct sr_store *st, struct sr_stmt *q, const char *district,
         const char *as_of, struct sr_bulletin_plan *row)
{
    struct sr_plan_progress pr;
    const char *scope = sr_col_text(q, 2);
    sr_error rc;
    size_t i;

    memset(row, 0, sizeof(*row));
    row->id = sr_col_int64(q, 0);
    row->name = sr_asprintf("%s%s检查计划（#%lld）", scope ? scope : "全市",
                            sr_col_text(q, 1),
                            (long long)row->id);
    if (!row->name)
        return SR_ERR_NOMEM;
    rc = sr_plan_progress_as_of(st, row->id, NULL, as_of, &pr);
    for (i = 0; rc == SR_OK && i < pr.n; i++) {
        if (strcmp(pr.v[i].district, district))
            continue;
        row->schools++;
        if (pr.v[i].status == SR_PLAN_DONE)
            row->done++;
        else if (pr.v[i].status == SR_PLAN_DUE)
            row->due++;
        else
            row->overdue++;
    }
    sr_plan_progress_release(&pr);
    return rc;
}

static sr_error
read_plans(struct sr_store *st, const char *district,
           const struct sr_period *period, struct sr_bulletin_plan **v,
           size_t *n)
{
    struct sr_stmt *q = NULL;
    size_t alloc = 0;
    sr_error rc;
    int step;

    *v = NULL;
    *n = 0;
    rc = sr_store_prepare(st, PLANS_SQL, &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, district);
    sr_bind_text(q, 2, period->start);
    sr_bind_text(q, 3, period->end);
    while ((step = sr_step(q)) == SR_ROW) {
        rc = sr_grow((void **)v, &alloc, *n, sizeof(**v), 4);
        if (rc != SR_OK)
            break;
        rc = plan_row(st, q, district, period->end, &(*v)[*n]);
        (*n)++;
        if (rc != SR_OK)
            break;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the plans"));
    sr_store_finish(st, q);
    return rc;
}
/* A district's figures of @p p for a bulletin: the sign-off snapshot
 * when (district, p) is locked, so that a bulletin never shows other
 * figures than the ones signed off (later changes reach it as
 * corrections), else the live ones: the KPIs alone when @p kpis_only,
 * else what the city report computes. */
static sr_error
district_figures(struct sr_store *st, const char *district,
                 const struct sr_period *p, bool kpis_only,
                 struct sr_report_district *out)
{
    bool locked = false;
    sr_error rc;

    rc = sr_signoff_locked_report(st, district, p, out, &locked, NULL, 0);
    if (rc != SR_OK || locked)
        return rc;
    return kpis_only ? sr_report_district_kpis(st, district, p, out)
                     : sr_report_district_for_city(st, district, p, out);
}

/* ---- end of plan progress ----------------------------------------- */

sr_error
sr_bulletin_monthly(struct sr_store *st, const char *district,
                    const struct sr_period *month,
                    const struct sr_bulletin_options *opt,
                    struct sr_bulletin_monthly *out)
{
    struct sr_period prev;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    if (month->kind != SR_PERIOD_MONTH)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("a monthly bulletin is for a month "
                                    "(2026-11), not '%s'"),
                                  month->label);
    sr_period_prev(month, &prev);
    rc = district_figures(st, district, month, false, &out->now);
    if (rc == SR_OK)
        rc = district_figures(st, out->now.code, &prev, true, &out->prev);
    if (rc == SR_OK)
        rc = read_inspections(st, out);
    if (rc == SR_OK)
        rc = read_plans(st, out->now.code, month, &out->plans,
                        &out->n_plans);
    if (rc == SR_OK)
        rc = sr_bulletin_monthly_derive(out);
    /* 更正说明: the district's corrections recorded in the month. */
    if (rc == SR_OK && opt && opt->corrections)
        rc = opt->corrections(opt->ctx, st, out->now.code, month,
                              &out->corrections, &out->n_corrections);
    if (rc != SR_OK) {
        sr_bulletin_monthly_release(out);
        if (rc == SR_ERR_NOMEM)
            sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* The quarter                                                          */
/* ------------------------------------------------------------------ */

static size_t
overdue_major_of(const struct sr_report_district *r)
{
    size_t i, n = 0;

    for (i = 0; i < r->n_hazards; i++)
        if (r->hazards[i].level == SR_HAZARD_MAJOR &&
            r->hazards[i].days_overdue > 0)
            n++;
    return n;
}

static void
key_of(struct sr_bulletin_key *k, const char *code,
       const struct sr_report_kpis *kp, size_t overdue_major)
{
    k->code = code;
    k->schools = kp->schools;
    k->compliance = kp->compliance;
    k->four.num = kp->four_met;
    k->four.den = kp->schools - kp->four_unassessed;
    k->rectification = kp->rectification;
    k->overdue_major = overdue_major;
}

/* What the quarter needs from every district, read one by one. */
struct qwork {
    struct sr_districts d;
    struct sr_report_kpis *prev;   /* each district's, previous quarter */
    size_t *prev_major;            /* overdue major then */
    struct sr_bulletin_key *keys;  /* this quarter */
    struct sr_bulletin_key *pkeys; /* the previous one */
    size_t *place, *pplace, *order;
};

static void
qwork_release(struct qwork *w)
{
    sr_districts_release(&w->d);
    free(w->prev);
    free(w->prev_major);
    free(w->keys);
    free(w->pkeys);
    free(w->place);
    free(w->pplace);
    free(w->order);
}

static sr_error
qwork_alloc(struct qwork *w, size_t n)
{
    size_t m = n ? n : 1;

    w->prev = calloc(m, sizeof(*w->prev));
    w->prev_major = calloc(m, sizeof(*w->prev_major));
    w->keys = calloc(m, sizeof(*w->keys));
    w->pkeys = calloc(m, sizeof(*w->pkeys));
    w->place = calloc(m, sizeof(*w->place));
    w->pplace = calloc(m, sizeof(*w->pplace));
    w->order = calloc(m, sizeof(*w->order));
    return w->prev && w->prev_major && w->keys && w->pkeys && w->place &&
                   w->pplace && w->order
               ? SR_OK
               : SR_ERR_NOMEM;
}

/* Each district's report this quarter and its KPIs the quarter before
 * (the previous report is dropped once counted). */
static sr_error
read_districts(struct sr_store *st, struct qwork *w,
               struct sr_bulletin_quarterly *b)
{
    struct sr_report_district prev;
    sr_error rc = SR_OK;
    size_t i;

    b->reports = calloc(w->d.n ? w->d.n : 1, sizeof(*b->reports));
    if (!b->reports)
        return SR_ERR_NOMEM;
    for (i = 0; rc == SR_OK && i < w->d.n; i++) {
        rc = district_figures(st, w->d.v[i].code, &b->period, false,
                              &b->reports[i]);
        if (rc != SR_OK)
            break;
        b->n_reports++;
        rc = district_figures(st, w->d.v[i].code, &b->prev, true, &prev);
        if (rc != SR_OK)
            break;
        w->prev[i] = prev.kpis;
        w->prev_major[i] = overdue_major_of(&prev);
        sr_report_district_release(&prev);
        key_of(&w->keys[i], b->reports[i].code, &b->reports[i].kpis,
               overdue_major_of(&b->reports[i]));
        key_of(&w->pkeys[i], b->reports[i].code, &w->prev[i],
               w->prev_major[i]);
    }
    return rc;
}

static sr_error
rank(struct qwork *w, struct sr_bulletin_quarterly *b)
{
    sr_error rc;
    size_t i, k;

    rc = sr_bulletin_place(w->keys, b->n_reports, w->place, w->order);
    if (rc == SR_OK)
        rc = sr_bulletin_place(w->pkeys, b->n_reports, w->pplace, NULL);
    if (rc != SR_OK)
        return rc;
    b->districts = calloc(b->n_reports ? b->n_reports : 1,
                          sizeof(*b->districts));
    if (!b->districts)
        return SR_ERR_NOMEM;
    for (k = 0; k < b->n_reports; k++) {
        struct sr_bulletin_district *d = &b->districts[k];
        const struct sr_report_district *r;

        i = w->order[k];
        r = &b->reports[i];
        d->report = i;
        d->place = w->place[i];
        d->prev_place = w->pplace[i];
        sr_bulletin_kpis_fill(d->kpis, &r->kpis, w->keys[i].overdue_major,
                              &w->prev[i], w->prev_major[i]);
        d->unassessed = r->kpis.schools - r->kpis.assessed;
        d->noncompliant = r->kpis.assessed - r->kpis.compliant;
    }
    b->n_districts = b->n_reports;
    return SR_OK;
}

/* Each district's plans at the quarter's end, summed. */
static sr_error
district_plans(struct sr_store *st, struct sr_bulletin_quarterly *b)
{
    struct sr_bulletin_plan *v;
    sr_error rc = SR_OK;
    size_t k, i, n;

    for (k = 0; rc == SR_OK && k < b->n_districts; k++) {
        struct sr_bulletin_district *d = &b->districts[k];

        rc = read_plans(st, b->reports[d->report].code, &b->period, &v, &n);
        for (i = 0; rc == SR_OK && i < n; i++) {
            d->plan_schools += v[i].schools;
            d->plan_done += v[i].done;
            d->plan_due += v[i].due;
            d->plan_overdue += v[i].overdue;
        }
        d->plans = rc == SR_OK ? n : 0;
        plans_free(v, n);
    }
    return rc;
}

static sr_error
push_ref(struct sr_bulletin_ref **v, size_t *n, size_t *alloc, size_t d,
         size_t row)
{
    sr_error rc = sr_grow((void **)v, alloc, *n, sizeof(**v), 32);

    if (rc == SR_OK) {
        (*v)[*n].district = d;
        (*v)[*n].row = row;
        (*n)++;
    }
    return rc;
}

static int
cmp_overdue(const void *pa, const void *pb, void *ctx)
{
    const struct sr_bulletin_quarterly *b = ctx;
    const struct sr_report_hazard *x = sr_bulletin_hazard_at(b, pa);
    const struct sr_report_hazard *y = sr_bulletin_hazard_at(b, pb);

    if (x->days_overdue != y->days_overdue)
        return x->days_overdue > y->days_overdue ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The schools named (not compliant, not assessed), districts by place;
 * the overdue major hazards, most overdue first. */
static sr_error
name_rows(struct sr_bulletin_quarterly *b)
{
    size_t alloc_s = 0, alloc_h = 0, k, i;
    sr_error rc = SR_OK;

    for (k = 0; rc == SR_OK && k < b->n_districts; k++) {
        size_t d = b->districts[k].report;
        const struct sr_report_district *r = &b->reports[d];

        for (i = 0; rc == SR_OK && i < r->n_schools; i++)
            if (!r->schools[i].compliant)
                rc = push_ref(&b->schools, &b->n_schools, &alloc_s, d, i);
        for (i = 0; rc == SR_OK && i < r->n_hazards; i++)
            if (r->hazards[i].level == SR_HAZARD_MAJOR &&
                r->hazards[i].days_overdue > 0)
                rc = push_ref(&b->overdue_major, &b->n_overdue_major,
                              &alloc_h, d, i);
    }
    if (rc == SR_OK && b->n_overdue_major > 1)
        qsort_r(b->overdue_major, b->n_overdue_major,
                sizeof(*b->overdue_major), cmp_overdue, b);
    return rc;
}

static void
city_kpis(struct qwork *w, struct sr_bulletin_quarterly *b)
{
    struct sr_report_kpis now, prev;
    size_t i, major_now = 0, major_prev = 0;

    sr_report_kpis_start(&now);
    sr_report_kpis_start(&prev);
    for (i = 0; i < b->n_reports; i++) {
        sr_report_kpis_add(&now, &b->reports[i].kpis);
        sr_report_kpis_add(&prev, &w->prev[i]);
        major_now += w->keys[i].overdue_major;
        major_prev += w->prev_major[i];
    }
    sr_report_kpis_finish(&now);
    sr_report_kpis_finish(&prev);
    sr_bulletin_kpis_fill(b->city, &now, major_now, &prev, major_prev);
}

sr_error
sr_bulletin_quarterly(struct sr_store *st, const struct sr_period *quarter,
                      const struct sr_bulletin_options *opt,
                      struct sr_bulletin_quarterly *out)
{
    struct qwork w;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&w, 0, sizeof(w));
    if (quarter->kind != SR_PERIOD_QUARTER)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("a quarterly bulletin is for a quarter "
                                    "(2026Q4), not '%s'"),
                                  quarter->label);
    out->period = *quarter;
    sr_period_prev(quarter, &out->prev);
    rc = sr_registry_districts(st, &w.d);
    if (rc == SR_OK)
        rc = qwork_alloc(&w, w.d.n);
    if (rc == SR_OK)
        rc = read_districts(st, &w, out);
    if (rc == SR_OK)
        rc = rank(&w, out);
    if (rc == SR_OK)
        rc = name_rows(out);
    if (rc == SR_OK)
        rc = district_plans(st, out);
    if (rc == SR_OK)
        city_kpis(&w, out);
    /* 更正说明: the sign-off module's corrections, when it gives any. */
    if (rc == SR_OK && opt && opt->corrections)
        rc = opt->corrections(opt->ctx, st, NULL, quarter,
                              &out->corrections, &out->n_corrections);
    qwork_release(&w);
    if (rc != SR_OK) {
        sr_bulletin_quarterly_release(out);
        if (rc == SR_ERR_NOMEM)
            sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    return rc;
}
