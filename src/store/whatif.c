/*
 * store/whatif.c - what-if (整改预测, whatif.h): the real judges run in
 * memory with some open hazards taken as closed.
 *
 * DESIGN
 * "Before" is the district workbook's KPIs as of the day
 * (sr_report_district_kpis() over a period ending that day).  "After"
 * is the same computation with an overlay (whatif_int.h) that reads the
 * chosen hazards as closed on the day, in the hazards it counts and in
 * the baseline it judges; then each school with a closed hazard whose
 * item its valid assessment lost is scored again by the engine, those
 * items answered at full points, and the district's school KPIs are
 * counted again from the schools (sr_report_school_kpis()).  The store
 * is only read: a read-only store does.
 *
 * The suggestion judges each school's open hazards with the engine in
 * memory (one load of its assessment, one sr_score() per trial), and
 * the four-100% sets with one overlay baseline of the area.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/scoring.h"
#include "schoolrisk/whatif.h"
#include "report_int.h"
#include "store_int.h"
#include "whatif_int.h"
#include "../util.h"

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Sort and drop repeats; returns the new count. */
static size_t
ids_sort(int64_t *v, size_t n)
{
    size_t i, k = 0;

    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_id);
    for (i = 0; i < n; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

/* The as-of day and the period ending on it (only its end counts). */
static sr_error
day_period(struct sr_store *st, const char *as_of, char day[11],
           struct sr_period *p)
{
    char today[16];

    sr_store_today(st, today);
    if (!as_of)
        as_of = today;
    if (!sr_date_valid(as_of) ||
        sr_period_of(SR_PERIOD_MONTH, as_of, p) != SR_OK)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("bad date '%s' (expected YYYY-MM-DD)"),
                                  as_of);
    memcpy(day, as_of, 10); /* sr_date_valid: exactly 10 */
    day[10] = '\0';
    memcpy(p->end, day, 11);
    return SR_OK;
}

/* The districts of the area: @p only (code or name; NULL: every one). */
static sr_error
area_districts(struct sr_store *st, const char *only, struct sr_districts *d,
               size_t *first, size_t *n)
{
    const struct sr_district *hit;
    sr_error rc = sr_registry_districts(st, d);

    if (rc != SR_OK)
        return rc;
    *first = 0;
    *n = d->n;
    if (!only)
        return SR_OK;
    hit = sr_districts_find(d, only);
    if (!hit)
        return sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no district '%s'"),
                                  only);
    *first = (size_t)(hit - d->v);
    *n = 1;
    return SR_OK;
}

/* ---- Scoring again ------------------------------------------------- */

/* A school's valid assessment, loaded to be scored again. */
struct rescorer {
    struct sr_assess_ctx ctx;
    struct sr_answer *saved; /* the stored answers, to restore */
    struct sr_result res;    /* trials */
    bool ok;                 /* loaded and scorable */
};

static void
rescorer_release(struct rescorer *r)
{
    if (r->ok || r->saved) {
        sr_result_release(&r->res);
        sr_assess_ctx_release(&r->ctx);
    }
    free(r->saved);
    memset(r, 0, sizeof(*r));
}

/* Load assessment @p id; r->ok false when its answers no longer fit the
 * school (its attributes changed since): then nothing is scored again
 * and its stored figures stand. */
static sr_error
rescorer_load(struct sr_store *st, int64_t id, struct rescorer *r)
{
    struct sr_diags diags;
    sr_error rc;

    memset(r, 0, sizeof(*r));
    sr_diags_init(&diags);
    rc = sr_assess_open(st, id, &r->ctx, &diags);
    sr_diags_release(&diags);
    if (rc == SR_ERR_INPUT || (rc == SR_OK && !r->ctx.scored)) {
        sr_assess_ctx_release(&r->ctx);
        return SR_OK;
    }
    if (rc != SR_OK) {
        sr_assess_ctx_release(&r->ctx);
        return rc;
    }
    r->saved = malloc(r->ctx.resp.n * sizeof(*r->saved) + 1);
    if (!r->saved || sr_result_init(&r->res, r->ctx.sys) != SR_OK) {
        sr_assess_ctx_release(&r->ctx);
        free(r->saved);
        r->saved = NULL;
        return SR_ERR_NOMEM;
    }
    memcpy(r->saved, r->ctx.resp.a, r->ctx.resp.n * sizeof(*r->saved));
    r->ok = true;
    return SR_OK;
}

/* The index of the item hazard @p item names when the valid assessment
 * scored it below full points, else -1. */
static long
lost_item(const struct rescorer *r, const char *item)
{
    long i;

    if (!r->ok || !item || (i = sr_system_find_item(r->ctx.sys, item)) < 0)
        return -1;
    if (r->ctx.res.items[i].status != SR_ITEM_SCORED ||
        r->ctx.res.items[i].met)
        return -1;
    return i;
}

/* Score with the items of @p items (n of them, NULL entries skipped) at
 * full points into r->res; *fixed counts them. */
static sr_error
rescore(struct rescorer *r, const char *const *items, size_t n,
        size_t *fixed)
{
    struct sr_answer *a = r->ctx.resp.a;
    sr_error rc = SR_OK;
    size_t k;

    if (fixed)
        *fixed = 0;
    memcpy(a, r->saved, r->ctx.resp.n * sizeof(*a));
    for (k = 0; k < n && rc == SR_OK; k++) {
        long i = lost_item(r, items[k]);

        if (i < 0)
            continue;
        rc = sr_whatif_full_answer(r->ctx.sys, &r->ctx.school.school,
                                   (size_t)i, a[i].v2, &a[i], NULL);
        if (rc == SR_ERR_INPUT) {
            a[i] = r->saved[i]; /* no full answer: left as it was */
            rc = SR_OK;
        } else if (fixed) {
            (*fixed)++;
        }
    }
    if (rc == SR_OK)
        rc = sr_score(r->ctx.sys, &r->ctx.school.school, &r->ctx.resp,
                      &r->res);
    memcpy(a, r->saved, r->ctx.resp.n * sizeof(*a));
    return rc == SR_ERR_INPUT ? SR_OK : rc;
}

/* Put the trial's score on report school @p s. */
static sr_error
apply_score(const struct rescorer *r, struct sr_report_school *s)
{
    size_t nb;
    const struct sr_band *b = sr_system_bands(r->ctx.sys, &nb);

    s->total = r->res.total;
    s->compliant = r->res.compliant;
    s->vetoed = r->res.vetoed;
    free(s->band_label);
    free(s->band);
    s->band_label = s->band = NULL;
    s->colour = -1;
    if (r->res.band < nb) {
        s->band = sr_strdup(b[r->res.band].id);
        s->band_label = sr_strdup(b[r->res.band].label);
        s->colour = b[r->res.band].colour;
        if (!s->band || !s->band_label)
            return SR_ERR_NOMEM;
    }
    return SR_OK;
}

/* ---- The what-if ----------------------------------------------------- */

/* The KPIs sr_report_school_kpis() adds up, zeroed to count again. */
static void
school_kpis_again(struct sr_report_district *r)
{
    struct sr_report_kpis *k = &r->kpis;

    k->assessed = k->compliant = k->vetoed = 0;
    memset(k->bands, 0, sizeof(k->bands));
    memset(k->stages, 0, sizeof(k->stages));
    sr_report_school_kpis(r);
}

static sr_error
figures(const struct sr_report_school *s, struct sr_whatif_figures *f)
{
    int e;

    f->assessed = s->assessed;
    f->total = s->total;
    f->colour = s->colour;
    f->compliant = s->compliant;
    f->vetoed = s->vetoed;
    f->four = true;
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        f->met[e] = s->baseline[e];
        f->unassessed[e] = s->baseline_unassessed[e];
        f->four &= s->baseline[e];
    }
    f->open_hazards = s->open_hazards;
    f->overdue_hazards = s->overdue_hazards;
    f->band_label = s->band_label ? sr_strdup(s->band_label) : NULL;
    return s->band_label && !f->band_label ? SR_ERR_NOMEM : SR_OK;
}

/* The hazards of @p r that @p q names or implies (all_major), checked
 * against the scope, into w->closed. */
static sr_error
choose(struct sr_store *st, const struct sr_whatif_query *q,
       const struct sr_report_district *r, size_t nr, struct sr_whatif *w)
{
    size_t i, k, d, n = 0, cap = q->n_close;

    for (d = 0; d < nr; d++)
        cap += r[d].n_hazards;
    w->closed = malloc((cap ? cap : 1) * sizeof(*w->closed));
    if (!w->closed)
        return SR_ERR_NOMEM;
    for (i = 0; i < q->n_close; i++) {
        const struct sr_report_hazard *h = NULL;

        for (d = 0; d < nr && !h; d++)
            for (k = 0; k < r[d].n_hazards && !h; k++)
                if (r[d].hazards[k].id == q->close[i] &&
                    (q->scope != SR_WHATIF_SCHOOL ||
                     !strcmp(r[d].hazards[k].code, q->code)))
                    h = &r[d].hazards[k];
        if (!h)
            return sr_store_fail_field(st, SR_ERR_NOT_FOUND, "close",
                                       _("no hazard %lld in the scope "
                                         "asked"), (long long)q->close[i]);
        if (h->status == SR_HAZARD_CLOSED)
            return sr_store_fail_field(st, SR_ERR_STATE, "close",
                                       _("hazard %lld is already closed"),
                                       (long long)h->id);
        w->closed[n++] = h->id;
    }
    for (d = 0; q->all_major && d < nr; d++)
        for (k = 0; k < r[d].n_hazards; k++) {
            const struct sr_report_hazard *h = &r[d].hazards[k];

            if (h->level == SR_HAZARD_MAJOR &&
                h->status != SR_HAZARD_CLOSED &&
                (q->scope != SR_WHATIF_SCHOOL || !strcmp(h->code, q->code)))
                w->closed[n++] = h->id;
        }
    w->n_closed = ids_sort(w->closed, n);
    return SR_OK;
}

/* Score again the schools of @p ra with a closed hazard; the hazards'
 * items come from @p rb (the same district before). */
static sr_error
rescore_district(struct sr_store *st, const struct sr_overlay *ov,
                 const struct sr_report_district *rb,
                 struct sr_report_district *ra, struct sr_whatif *w)
{
    const char **items = NULL;
    sr_error rc = SR_OK;
    size_t i, k;

    items = calloc(rb->n_hazards + 1, sizeof(*items));
    if (!items)
        return SR_ERR_NOMEM;
    for (i = 0; i < ra->n_schools && rc == SR_OK; i++) {
        struct sr_report_school *s = &ra->schools[i];
        struct sr_whatif_school *ws;
        struct rescorer r;
        size_t n = 0, fixed = 0;

        for (k = 0; k < rb->n_hazards; k++)
            if (!strcmp(rb->hazards[k].code, s->code) &&
                sr_overlay_closes(ov, rb->hazards[k].id))
                items[n++] = rb->hazards[k].item;
        if (!n)
            continue;
        if (s->assessed) {
            rc = rescorer_load(st, s->assessment, &r);
            if (rc == SR_OK && r.ok)
                rc = rescore(&r, items, n, &fixed);
            if (rc == SR_OK && fixed)
                rc = apply_score(&r, s);
            rescorer_release(&r);
        }
        if (rc != SR_OK)
            break;
        ws = &w->schools[w->n_schools++];
        memcpy(ws->code, s->code, sizeof(ws->code));
        ws->closing = n;
        ws->rescored = fixed;
        ws->name = sr_strdup(s->name);
        ws->district = sr_strdup(s->district);
        ws->district_name = sr_strdup(s->district_name);
        if (!ws->name || !ws->district || !ws->district_name)
            rc = SR_ERR_NOMEM;
        if (rc == SR_OK)
            rc = figures(sr_report_find_school(
                             (struct sr_report_district *)rb, s->code),
                         &ws->before);
        if (rc == SR_OK)
            rc = figures(s, &ws->after);
    }
    free(items);
    if (rc == SR_OK)
        school_kpis_again(ra);
    return rc;
}

static sr_error
area(struct sr_whatif_area *a, const char *code, const char *name)
{
    a->code = code ? sr_strdup(code) : NULL;
    a->name = sr_strdup(name);
    return (code && !a->code) || !a->name ? SR_ERR_NOMEM : SR_OK;
}

/* The districts a query covers. */
static sr_error
query_area(struct sr_store *st, const struct sr_whatif_query *q,
           struct sr_districts *d, size_t *first, size_t *n)
{
    struct sr_school_record s;
    sr_error rc;

    if (q->scope == SR_WHATIF_CITY)
        return area_districts(st, NULL, d, first, n);
    if (!q->code)
        return sr_store_fail_code(st, SR_ERR_INPUT, "%s",
                                  _("a school or a district is required"));
    if (q->scope == SR_WHATIF_DISTRICT)
        return area_districts(st, q->code, d, first, n);
    if (q->scope != SR_WHATIF_SCHOOL)
        return sr_store_fail_code(st, SR_ERR_INPUT, "%s", _("bad scope"));
    sr_school_record_init(&s);
    rc = sr_registry_get(st, q->code, &s);
    if (rc == SR_OK)
        rc = area_districts(st, s.district, d, first, n);
    sr_school_record_release(&s);
    return rc;
}

sr_error
sr_whatif_run(struct sr_store *st, const struct sr_whatif_query *q,
              struct sr_whatif *out)
{
    struct sr_report_district *rb = NULL, ra;
    struct sr_districts d;
    struct sr_overlay ov;
    struct sr_period p;
    size_t first = 0, n = 0, i, nsch = 0;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&d, 0, sizeof(d));
    memset(&ra, 0, sizeof(ra));
    rc = day_period(st, q->as_of, out->as_of, &p);
    if (rc == SR_OK && !q->n_close && !q->all_major)
        rc = sr_store_fail_field(st, SR_ERR_INPUT, "close", "%s",
                                 _("no hazard to close given"));
    if (rc == SR_OK)
        rc = query_area(st, q, &d, &first, &n);
    if (rc == SR_OK && !(rb = calloc(n ? n : 1, sizeof(*rb))))
        rc = SR_ERR_NOMEM;
    for (i = 0; rc == SR_OK && i < n; i++) {
        rc = sr_report_district_kpis(st, d.v[first + i].code, &p, &rb[i]);
        nsch += rb[i].n_schools;
    }
    if (rc == SR_OK)
        rc = choose(st, q, rb, n, out);
    ov.closed = out->closed;
    ov.n = out->n_closed;
    if (rc == SR_OK &&
        (!(out->districts = calloc(n ? n : 1, sizeof(*out->districts))) ||
         !(out->schools = calloc(nsch ? nsch : 1, sizeof(*out->schools)))))
        rc = SR_ERR_NOMEM;
    for (i = 0; rc == SR_OK && i < n; i++) {
        struct sr_whatif_area *a = &out->districts[out->n_districts++];
        size_t k;
        bool touched = false;

        for (k = 0; k < rb[i].n_hazards && !touched; k++)
            touched = sr_overlay_closes(&ov, rb[i].hazards[k].id);
        rc = area(a, rb[i].code, rb[i].name);
        a->before = a->after = rb[i].kpis;
        if (rc != SR_OK || !touched)
            continue;
        rc = sr_report_district_overlay(st, rb[i].code, &p, &ov, &ra);
        if (rc == SR_OK)
            rc = rescore_district(st, &ov, &rb[i], &ra, out);
        a->after = ra.kpis;
        sr_report_district_release(&ra);
    }
    if (rc == SR_OK && q->scope == SR_WHATIF_CITY) {
        out->has_city = true;
        rc = area(&out->city, NULL, "全市");
        sr_report_kpis_start(&out->city.before);
        sr_report_kpis_start(&out->city.after);
        for (i = 0; i < out->n_districts; i++) {
            sr_report_kpis_add(&out->city.before, &out->districts[i].before);
            sr_report_kpis_add(&out->city.after, &out->districts[i].after);
        }
        sr_report_kpis_finish(&out->city.before);
        sr_report_kpis_finish(&out->city.after);
    }
    for (i = 0; rb && i < n; i++)
        sr_report_district_release(&rb[i]);
    free(rb);
    sr_districts_release(&d);
    if (rc == SR_ERR_NOMEM)
        sr_store_fail_code(st, rc, _("out of memory"));
    if (rc != SR_OK)
        sr_whatif_release(out);
    return rc;
}

/* ---- Suggest --------------------------------------------------------- */

/* An open hazard of a school in the suggestion. */
struct cand {
    const struct sr_report_hazard *h;
    bool element; /* on a baseline element: keeps it off while open */
    bool veto;    /* on a veto item the assessment failed */
};

/* One school being planned. */
struct planning {
    const struct sr_report_school *s;
    struct cand *c;
    size_t n;
};

/* Score with the items of the candidates picked in @p on. */
static sr_error
trial(struct rescorer *r, const struct planning *pl, const bool *on,
      const char **items)
{
    size_t k, n = 0;

    for (k = 0; k < pl->n; k++)
        if (on[k])
            items[n++] = pl->c[k].h->item;
    return rescore(r, items, n, NULL);
}

/* The smallest set for 达标 (whatif.h): the veto hazards, then the
 * greatest gain each step.  *can false when even all do not make it. */
static sr_error
comply_set(struct rescorer *r, const struct planning *pl, bool *on,
           const char **items, bool *can)
{
    size_t k;
    sr_error rc;

    for (k = 0; k < pl->n; k++)
        on[k] = true;
    rc = trial(r, pl, on, items);
    *can = rc == SR_OK && r->res.compliant;
    if (rc != SR_OK || !*can)
        return rc;
    for (k = 0; k < pl->n; k++)
        on[k] = pl->c[k].veto;
    for (;;) {
        long best = -1;
        int64_t best_total = -1;
        size_t best_veto = 0;

        rc = trial(r, pl, on, items);
        if (rc != SR_OK || r->res.compliant)
            return rc;
        for (k = 0; k < pl->n && rc == SR_OK; k++) {
            if (on[k])
                continue;
            on[k] = true;
            rc = trial(r, pl, on, items);
            on[k] = false;
            if (rc == SR_OK &&
                (best < 0 || r->res.veto_hits < best_veto ||
                 (r->res.veto_hits == best_veto &&
                  r->res.total > best_total))) {
                best = (long)k;
                best_total = r->res.total;
                best_veto = r->res.veto_hits;
            }
        }
        if (rc != SR_OK || best < 0)
            return rc;
        on[best] = true;
    }
}

/* The ids of the candidates picked in @p on. */
static sr_error
picked(const struct planning *pl, const bool *on, int64_t **out, size_t *n)
{
    size_t k;

    *n = 0;
    *out = malloc((pl->n ? pl->n : 1) * sizeof(**out));
    if (!*out)
        return SR_ERR_NOMEM;
    for (k = 0; k < pl->n; k++)
        if (on[k])
            (*out)[(*n)++] = pl->c[k].h->id;
    return SR_OK;
}

static int
cmp_gain(const void *a, const void *b)
{
    const struct sr_whatif_gain *x = a, *y = b;

    if (x->compliant != y->compliant)
        return x->compliant ? -1 : 1;
    if (x->four != y->four)
        return x->four ? -1 : 1;
    if (x->points != y->points)
        return x->points > y->points ? -1 : 1;
    if (x->level != y->level)
        return x->level == SR_HAZARD_MAJOR ? -1 : 1;
    if (x->days_overdue != y->days_overdue)
        return x->days_overdue > y->days_overdue ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Targets a plan reaches: 达标 and all four, when not had yet. */
static int
targets(const struct sr_whatif_plan *p)
{
    return (!p->compliant_before && p->can_comply) +
           (!p->four_before && p->can_four);
}

static int
cmp_plan(const void *a, const void *b)
{
    const struct sr_whatif_plan *x = a, *y = b;
    int64_t gx = x->total_after - x->total_before;
    int64_t gy = y->total_after - y->total_before;

    if (targets(x) != targets(y))
        return targets(x) > targets(y) ? -1 : 1;
    if (x->n_both != y->n_both)
        return x->n_both < y->n_both ? -1 : 1;
    if (gx != gy)
        return gx > gy ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* The school's open hazards, with what the rules say of each. */
static sr_error
candidates(const struct sr_report_district *rb,
           const struct sr_hazard_record *hl, size_t nhl,
           const struct rescorer *r, struct planning *pl)
{
    size_t k, j;

    pl->n = 0;
    for (k = 0; k < rb->n_hazards; k++) {
        const struct sr_report_hazard *h = &rb->hazards[k];
        struct cand *c;
        long i;

        if (h->status == SR_HAZARD_CLOSED || strcmp(h->code, pl->s->code))
            continue;
        c = &pl->c[pl->n++];
        memset(c, 0, sizeof(*c));
        c->h = h;
        for (j = 0; j < nhl; j++)
            if (hl[j].id == h->id)
                c->element = hl[j].baseline != NULL;
        i = lost_item(r, h->item);
        if (i >= 0) {
            size_t ni;

            c->veto = sr_system_items(r->ctx.sys, &ni)[i].veto;
        }
    }
    return SR_OK;
}

struct suggest_work {
    struct sr_store *st;
    struct sr_whatif_suggest *out;
    size_t alloc_gains, alloc_plans;
    int64_t *four_ids; /* every to_four set of the district */
    size_t n_four;
};

/* What closing each of the school's hazards gains, and its plan. */
static sr_error
plan_school(struct suggest_work *sw, struct planning *pl, struct rescorer *r,
            const char *district_name)
{
    struct sr_whatif_suggest *out = sw->out;
    struct sr_whatif_plan *p;
    const char **items = NULL;
    bool *on = NULL;
    int64_t total0 = pl->s->total;
    sr_error rc = SR_OK;
    size_t k;

    items = calloc(pl->n + 1, sizeof(*items));
    on = calloc(pl->n + 1, sizeof(*on));
    if (!items || !on)
        rc = SR_ERR_NOMEM;
    if (rc == SR_OK && r->ok && (rc = trial(r, pl, on, items)) == SR_OK)
        total0 = r->res.total;
    for (k = 0; k < pl->n && rc == SR_OK; k++) {
        struct sr_whatif_gain *g;

        rc = sr_grow((void **)&out->gains, &sw->alloc_gains, out->n_gains,
                     sizeof(*out->gains), 64);
        if (rc != SR_OK)
            break;
        g = &out->gains[out->n_gains++];
        memset(g, 0, sizeof(*g));
        g->id = pl->c[k].h->id;
        memcpy(g->code, pl->s->code, sizeof(g->code));
        g->level = pl->c[k].h->level;
        g->days_overdue = pl->c[k].h->days_overdue;
        g->school_name = sr_strdup(pl->s->name);
        g->item = pl->c[k].h->item ? sr_strdup(pl->c[k].h->item) : NULL;
        g->item_title = pl->c[k].h->item_title
                            ? sr_strdup(pl->c[k].h->item_title) : NULL;
        if (!g->school_name || (pl->c[k].h->item && !g->item) ||
            (pl->c[k].h->item_title && !g->item_title))
            rc = SR_ERR_NOMEM;
        if (rc == SR_OK && r->ok) {
            on[k] = true;
            rc = trial(r, pl, on, items);
            on[k] = false;
            g->points = r->res.total - total0;
            g->compliant = !pl->s->compliant && r->res.compliant;
        }
    }
    if (rc == SR_OK)
        rc = sr_grow((void **)&out->plans, &sw->alloc_plans, out->n_plans,
                     sizeof(*out->plans), 32);
    if (rc != SR_OK)
        goto cleanup;
    p = &out->plans[out->n_plans++];
    memset(p, 0, sizeof(*p));
    memcpy(p->code, pl->s->code, sizeof(p->code));
    p->name = sr_strdup(pl->s->name);
    p->district_name = sr_strdup(district_name);
    p->total_before = p->total_after = total0;
    p->compliant_before = pl->s->compliant;
    p->four_before = true;
    for (k = 0; k < SR_BASELINE_COUNT; k++)
        p->four_before &= pl->s->baseline[k];
    if (!p->name || !p->district_name) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (r->ok && !p->compliant_before)
        rc = comply_set(r, pl, on, items, &p->can_comply);
    if (rc == SR_OK && p->can_comply)
        rc = picked(pl, on, &p->to_comply, &p->n_to_comply);
    for (k = 0; k < pl->n; k++)
        on[k] = pl->c[k].element;
    if (rc == SR_OK && !p->four_before)
        rc = picked(pl, on, &p->to_four, &p->n_to_four);
    for (k = 0; rc == SR_OK && k < p->n_to_four; k++)
        sw->four_ids[sw->n_four++] = p->to_four[k];

cleanup:
    free(items);
    free(on);
    return rc;
}

/* A plan's union of its two sets (those it pursues), and its total. */
static sr_error
plan_finish(struct sr_whatif_plan *p, struct rescorer *r,
            const struct planning *pl)
{
    int64_t *v;
    const char **items;
    size_t n = 0, k, j;
    sr_error rc = SR_OK;

    v = malloc((p->n_to_comply + p->n_to_four + 1) * sizeof(*v));
    items = calloc(pl->n + 1, sizeof(*items));
    if (!v || !items) {
        free(v);
        free(items);
        return SR_ERR_NOMEM;
    }
    if (!p->compliant_before && p->can_comply)
        for (k = 0; k < p->n_to_comply; k++)
            v[n++] = p->to_comply[k];
    if (!p->four_before && p->can_four)
        for (k = 0; k < p->n_to_four; k++)
            v[n++] = p->to_four[k];
    p->n_both = ids_sort(v, n);
    p->both = v;
    if (r->ok) {
        for (k = 0, n = 0; k < pl->n; k++)
            for (j = 0; j < p->n_both; j++)
                if (pl->c[k].h->id == p->both[j])
                    items[n++] = pl->c[k].h->item;
        rc = rescore(r, items, n, NULL);
        if (rc == SR_OK)
            p->total_after = r->res.total;
    }
    free(items);
    return rc;
}

/* The plans of one district (rb), then which reach all four. */
static sr_error
suggest_district(struct suggest_work *sw, const struct sr_report_district *rb,
                 const struct sr_period *per)
{
    struct sr_hazard_filter f = {.district = rb->code, .status = -1,
                                 .level = -1};
    struct sr_hazard_record *hl = NULL;
    struct sr_baseline_report bl;
    struct planning pl;
    struct rescorer *rs = NULL;
    size_t nhl = 0, i, k, first_plan = sw->out->n_plans;
    sr_error rc;

    memset(&bl, 0, sizeof(bl));
    memset(&pl, 0, sizeof(pl));
    sw->n_four = 0;
    rc = sr_hazard_list(sw->st, &f, per->end, &hl, &nhl);
    if (rc == SR_OK) {
        free(sw->four_ids);
        sw->four_ids = malloc((rb->n_hazards + 1) * sizeof(*sw->four_ids));
        pl.c = calloc(rb->n_hazards + 1, sizeof(*pl.c));
        rs = calloc(rb->n_schools + 1, sizeof(*rs));
        if (!sw->four_ids || !pl.c || !rs)
            rc = SR_ERR_NOMEM;
    }
    for (i = 0; rc == SR_OK && i < rb->n_schools; i++) {
        pl.s = &rb->schools[i];
        if (!pl.s->open_hazards)
            continue;
        if (pl.s->assessed)
            rc = rescorer_load(sw->st, pl.s->assessment, &rs[i]);
        if (rc == SR_OK)
            rc = candidates(rb, hl, nhl, &rs[i], &pl);
        if (rc == SR_OK && pl.n)
            rc = plan_school(sw, &pl, &rs[i], rb->name);
    }
    if (rc == SR_OK) {
        struct sr_overlay ov = {sw->four_ids, ids_sort(sw->four_ids,
                                                       sw->n_four)};

        rc = sr_baseline_compute_overlay(sw->st, rb->code, per->end, &ov,
                                         &bl);
    }
    for (k = first_plan; rc == SR_OK && k < sw->out->n_plans; k++) {
        struct sr_whatif_plan *p = &sw->out->plans[k];

        for (i = 0; i < bl.n; i++)
            if (!strcmp(bl.s[i].code, p->code)) {
                int e;

                p->can_four = !p->four_before;
                for (e = 0; e < SR_BASELINE_COUNT; e++)
                    p->can_four &= bl.s[i].met[e];
            }
        for (i = 0; i < rb->n_schools && strcmp(rb->schools[i].code, p->code);
             i++)
            ;
        pl.s = &rb->schools[i];
        rc = candidates(rb, hl, nhl, &rs[i], &pl);
        if (rc == SR_OK)
            rc = plan_finish(p, &rs[i], &pl);
    }
    /* A hazard alone reaches four when it is the school's whole set. */
    for (k = 0; rc == SR_OK && k < sw->out->n_gains; k++) {
        struct sr_whatif_gain *g = &sw->out->gains[k];
        size_t j;

        for (j = first_plan; j < sw->out->n_plans; j++)
            if (!strcmp(sw->out->plans[j].code, g->code))
                g->four = sw->out->plans[j].can_four &&
                          sw->out->plans[j].n_to_four == 1 &&
                          sw->out->plans[j].to_four[0] == g->id;
    }
    for (i = 0; rs && i < rb->n_schools; i++)
        rescorer_release(&rs[i]);
    free(rs);
    free(pl.c);
    sr_baseline_report_release(&bl);
    sr_hazard_list_free(hl, nhl);
    return rc;
}

/* Drop the plans that reach nothing, rank the rest, count as they go. */
static void
rank_plans(struct sr_whatif_suggest *s)
{
    size_t i, k = 0, comply = s->compliant, four = s->four_met;

    for (i = 0; i < s->n_plans; i++) {
        if (targets(&s->plans[i])) {
            s->plans[k++] = s->plans[i];
            continue;
        }
        free(s->plans[i].name);
        free(s->plans[i].district_name);
        free(s->plans[i].to_comply);
        free(s->plans[i].to_four);
        free(s->plans[i].both);
    }
    s->n_plans = k;
    if (k > 1)
        qsort(s->plans, k, sizeof(*s->plans), cmp_plan);
    for (i = 0; i < k; i++) {
        struct sr_whatif_plan *p = &s->plans[i];

        comply += !p->compliant_before && p->can_comply;
        four += !p->four_before && p->can_four;
        p->compliant_then = comply;
        p->four_then = four;
    }
    if (s->n_gains > 1)
        qsort(s->gains, s->n_gains, sizeof(*s->gains), cmp_gain);
}

sr_error
sr_whatif_suggest(struct sr_store *st, const char *district,
                  const char *as_of, struct sr_whatif_suggest *out)
{
    struct suggest_work sw;
    struct sr_districts d;
    struct sr_period p;
    size_t first = 0, n = 0, i;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&sw, 0, sizeof(sw));
    memset(&d, 0, sizeof(d));
    sw.st = st;
    sw.out = out;
    rc = day_period(st, as_of, out->as_of, &p);
    if (rc == SR_OK)
        rc = area_districts(st, district, &d, &first, &n);
    if (rc == SR_OK) {
        out->code = district ? sr_strdup(d.v[first].code) : NULL;
        out->name = sr_strdup(district ? d.v[first].name : "全市");
        if ((district && !out->code) || !out->name)
            rc = SR_ERR_NOMEM;
    }
    for (i = 0; rc == SR_OK && i < n; i++) {
        struct sr_report_district rb;

        rc = sr_report_district_kpis(st, d.v[first + i].code, &p, &rb);
        if (rc != SR_OK)
            break;
        out->schools += rb.kpis.schools;
        out->compliant += rb.kpis.compliant;
        out->four_met += rb.kpis.four_met;
        rc = suggest_district(&sw, &rb, &p);
        sr_report_district_release(&rb);
    }
    if (rc == SR_OK)
        rank_plans(out);
    free(sw.four_ids);
    sr_districts_release(&d);
    if (rc == SR_ERR_NOMEM)
        sr_store_fail_code(st, rc, _("out of memory"));
    if (rc != SR_OK)
        sr_whatif_suggest_release(out);
    return rc;
}
