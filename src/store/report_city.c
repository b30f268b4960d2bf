/*
 * store/report_city.c - the figures of the city report as of a period's
 * end (report.h), built from the districts' reports.
 *
 * DESIGN
 * The city report adds nothing to the rules of a district report: it
 * computes sr_report_district() for every district of the districts
 * table (bureau order) and combines them:
 *  - a district's line is its KPIs; the city total is the sum of the
 *    districts' counts, its rates recomputed from the summed numerators
 *    and denominators; the city reaches four 100% when it has schools and
 *    every district with schools reaches it;
 *  - ranks compare compliance rates exactly (num/den cross-multiplied),
 *    equal rates share a rank, districts without schools come last;
 *  - the school lists (not compliant, off the baseline) are deep copies
 *    of the district rows, in bureau order then registry (code) order;
 *  - the open major hazards are moved out of the district reports (each
 *    hazard belongs to one district) and sorted longest overdue first,
 *    then oldest found, then by id;
 *  - peers are the assessed schools grouped by stage, ranked with no
 *    veto first, then by total, fewer overdue hazards, fewer open
 *    hazards (ties on all four share a rank and are listed by code);
 *  - the trend has the city total (KPIs only) of the periods of the
 *    year so far (sr_report_trend_periods()), those with at least one
 *    assessed school; report_all.c computes them, skipping outright a
 *    period that ends before the first submitted assessment.
 * The computation itself, district by district on one or more
 * threads, is report_all.c's (sr_report_city_jobs()); this file builds
 * the city from the districts it is given.
 * Each district report is released as soon as it has been merged.
 */
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_all.h"
#include "report_int.h"
#include "store_int.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* Release                                                              */
/* ------------------------------------------------------------------ */

void
sr_report_city_release(struct sr_report_city *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->n_districts; i++) {
        free(r->districts[i].code);
        free(r->districts[i].name);
    }
    for (i = 0; i < r->n_noncompliant; i++)
        sr_report_school_release(&r->noncompliant[i]);
    for (i = 0; i < r->n_off_baseline; i++)
        sr_report_school_release(&r->off_baseline[i]);
    for (i = 0; i < r->n_major; i++)
        sr_report_hazard_release(&r->major[i]);
    for (i = 0; i < r->n_peers; i++) {
        free(r->peers[i].name);
        free(r->peers[i].district_name);
        free(r->peers[i].band_label);
    }
    for (i = 0; i < r->n_systems; i++)
        free(r->systems[i]);
    free(r->districts);
    free(r->noncompliant);
    free(r->off_baseline);
    free(r->major);
    free(r->peers);
    free(r->systems);
    memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* A copy of @p s (NULL stays NULL); sets *nomem on failure. */
static char *
dup_opt(const char *s, int *nomem)
{
    char *d;

    if (!s)
        return NULL;
    d = sr_strdup(s);
    if (!d)
        *nomem = 1;
    return d;
}

/* Deep copy of school row @p s into @p d. */
static sr_error
school_copy(struct sr_report_school *d, const struct sr_report_school *s)
{
    int nomem = 0;

    *d = *s;
    d->name = dup_opt(s->name, &nomem);
    d->district = dup_opt(s->district, &nomem);
    d->district_name = dup_opt(s->district_name, &nomem);
    d->inspector = dup_opt(s->inspector, &nomem);
    d->system = dup_opt(s->system, &nomem);
    d->band = dup_opt(s->band, &nomem);
    d->band_label = dup_opt(s->band_label, &nomem);
    d->veto_items = dup_opt(s->veto_items, &nomem);
    d->dimensions = dup_opt(s->dimensions, &nomem);
    d->baseline_why = dup_opt(s->baseline_why, &nomem);
    return nomem ? SR_ERR_NOMEM : SR_OK;
}

/* Whether school @p s fails some element (四个100%未达标): not met and
 * not unassessed (未评估 is no failure the table shows). */
static bool
fails_baseline(const struct sr_report_school *s)
{
    int e;

    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (!s->baseline[e] && !s->baseline_unassessed[e])
            return true;
    return false;
}

void
sr_report_kpis_add(struct sr_report_kpis *t, const struct sr_report_kpis *k)
{
    int i;

    t->schools += k->schools;
    t->assessed += k->assessed;
    t->compliant += k->compliant;
    for (i = 0; i < 4; i++)
        t->bands[i] += k->bands[i];
    t->vetoed += k->vetoed;
    for (i = 0; i < SR_BASELINE_COUNT; i++) {
        t->baseline_met[i] += k->baseline_met[i];
        t->baseline_unassessed[i] += k->baseline_unassessed[i];
    }
    t->four_met += k->four_met;
    t->four_unassessed += k->four_unassessed;
    t->hazards_found += k->hazards_found;
    t->hazards_closed += k->hazards_closed;
    t->hazards_open += k->hazards_open;
    t->hazards_overdue += k->hazards_overdue;
    t->hazards_closed_late += k->hazards_closed_late;
    t->rectification.num += k->rectification.num;
    t->rectification.den += k->rectification.den;
    t->open_major += k->open_major;
    for (i = 0; i < SR_STAGE_COUNT; i++) {
        t->stages[i].stage = i;
        t->stages[i].schools += k->stages[i].schools;
        t->stages[i].assessed += k->stages[i].assessed;
        t->stages[i].compliant += k->stages[i].compliant;
    }
    /* four_100: false as soon as a district with schools misses it. */
    if (k->schools && !k->four_100)
        t->four_100 = false;
}

void
sr_report_kpis_start(struct sr_report_kpis *t)
{
    int i;

    memset(t, 0, sizeof(*t));
    t->four_100 = true;
    for (i = 0; i < SR_STAGE_COUNT; i++)
        t->stages[i].stage = i;
}

void
sr_report_kpis_finish(struct sr_report_kpis *t)
{
    int i;

    t->coverage.num = t->assessed;
    t->coverage.den = t->schools;
    t->compliance.num = t->compliant;
    t->compliance.den = t->schools;
    for (i = 0; i < SR_BASELINE_COUNT; i++) {
        t->baseline_rate[i].num = t->baseline_met[i];
        /* The same schools are counted both ways; never below 0. */
        t->baseline_rate[i].den =
            t->schools > t->baseline_unassessed[i]
                ? t->schools - t->baseline_unassessed[i] : 0;
    }
    if (!t->schools)
        t->four_100 = false;
}

/* a better than b (rates compared exactly; den > 0 for both). */
static bool
rate_better(const struct sr_rate *a, const struct sr_rate *b)
{
    return (unsigned long long)a->num * b->den >
           (unsigned long long)b->num * a->den;
}

static void
rank_districts(struct sr_report_city *r)
{
    size_t i, j, with = 0;

    for (i = 0; i < r->n_districts; i++)
        if (r->districts[i].kpis.schools)
            with++;
    for (i = 0; i < r->n_districts; i++) {
        struct sr_report_city_district *d = &r->districts[i];

        if (!d->kpis.schools) {
            d->rank = with + 1;
            continue;
        }
        d->rank = 1;
        for (j = 0; j < r->n_districts; j++)
            if (r->districts[j].kpis.schools &&
                rate_better(&r->districts[j].kpis.compliance,
                            &d->kpis.compliance))
                d->rank++;
    }
}

static int
cmp_major(const void *a, const void *b)
{
    const struct sr_report_hazard *x = a, *y = b;
    int c;

    if (x->days_overdue != y->days_overdue)
        return x->days_overdue > y->days_overdue ? -1 : 1;
    c = strcmp(x->found_on, y->found_on);
    if (c)
        return c;
    return (x->id > y->id) - (x->id < y->id);
}

/* A peer and its position of collection (bureau, then code). */
struct peer_key {
    struct sr_report_peer p;
    size_t order; /* position of collection (bureau, then code) */
};

/* The ranking keys (report.h): no veto, total, fewer overdue, fewer
 * open hazards.  A vetoed school is 重大风险 and not compliant whatever
 * its total, so it ranks below every school without a veto: the bottom
 * of a stage, where the bureau looks, must show it.  0 when a and b
 * share a rank. */
static int
peer_keys(const struct sr_report_peer *a, const struct sr_report_peer *b)
{
    if (a->vetoed != b->vetoed)
        return a->vetoed ? 1 : -1;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    if (a->overdue_hazards != b->overdue_hazards)
        return a->overdue_hazards < b->overdue_hazards ? -1 : 1;
    if (a->open_hazards != b->open_hazards)
        return a->open_hazards < b->open_hazards ? -1 : 1;
    return 0;
}

static int
cmp_peer(const void *a, const void *b)
{
    const struct peer_key *x = a, *y = b;
    int c;

    if (x->p.stage != y->p.stage)
        return x->p.stage < y->p.stage ? -1 : 1;
    c = peer_keys(&x->p, &y->p);
    if (c)
        return c;
    return strcmp(x->p.code, y->p.code);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------------ */
/* Work state                                                           */
/* ------------------------------------------------------------------ */

struct work {
    struct sr_report_city *r;
    size_t alloc_nc, alloc_off, alloc_major, alloc_sys, alloc_peers;
    struct peer_key *peers;
    size_t n_peers;
};

static sr_error
add_school(struct sr_report_school **v, size_t *n, size_t *alloc,
           const struct sr_report_school *s)
{
    sr_error rc;

    rc = sr_grow((void **)v, alloc, *n, sizeof(**v), 16);
    if (rc != SR_OK)
        return rc;
    /* Counted at once: a partial copy is released with the rest. */
    return school_copy(&(*v)[(*n)++], s);
}

static sr_error
add_peer(struct work *w, const struct sr_report_school *s)
{
    struct peer_key *k;
    int nomem = 0;
    sr_error rc;

    rc = sr_grow((void **)&w->peers, &w->alloc_peers, w->n_peers,
                 sizeof(*w->peers), 16);
    if (rc != SR_OK)
        return rc;
    k = &w->peers[w->n_peers];
    memset(k, 0, sizeof(*k));
    k->order = w->n_peers++;
    k->p.stage = (int)s->school.attr[SR_ATTR_STAGE];
    memcpy(k->p.code, s->code, sizeof(k->p.code));
    k->p.total = s->total;
    k->p.compliant = s->compliant;
    k->p.vetoed = s->vetoed;
    k->p.overdue_hazards = s->overdue_hazards;
    k->p.open_hazards = s->open_hazards;
    k->p.name = dup_opt(s->name, &nomem);
    k->p.district_name = dup_opt(s->district_name, &nomem);
    k->p.band_label = dup_opt(s->band_label, &nomem);
    return nomem ? SR_ERR_NOMEM : SR_OK;
}

/* Move system line @p *line into the city's list unless already there. */
static sr_error
add_system(struct work *w, char **line)
{
    struct sr_report_city *r = w->r;
    size_t i;
    sr_error rc;

    for (i = 0; i < r->n_systems; i++)
        if (!strcmp(r->systems[i], *line))
            return SR_OK;
    rc = sr_grow((void **)&r->systems, &w->alloc_sys, r->n_systems,
                 sizeof(*r->systems), 16);
    if (rc != SR_OK)
        return rc;
    r->systems[r->n_systems++] = *line;
    *line = NULL;
    return SR_OK;
}

/* A deep copy of hazard row @p h into @p d. */
static sr_error
hazard_copy(struct sr_report_hazard *d, const struct sr_report_hazard *h)
{
    int nomem = 0;

    *d = *h;
    d->school_name = dup_opt(h->school_name, &nomem);
    d->district = dup_opt(h->district, &nomem);
    d->district_name = dup_opt(h->district_name, &nomem);
    d->item = dup_opt(h->item, &nomem);
    d->item_title = dup_opt(h->item_title, &nomem);
    d->description = dup_opt(h->description, &nomem);
    d->found_by = dup_opt(h->found_by, &nomem);
    d->responsible = dup_opt(h->responsible, &nomem);
    d->measures = dup_opt(h->measures, &nomem);
    return nomem ? SR_ERR_NOMEM : SR_OK;
}

/* Take string @p *s for the city: moved out of the district, or copied
 * when the district is kept. */
static sr_error
take_str(char **dst, char **s, bool keep)
{
    if (!keep) {
        *dst = *s;
        *s = NULL;
        return SR_OK;
    }
    *dst = sr_strdup(*s);
    return *dst ? SR_OK : SR_ERR_NOMEM;
}

/* Merge district report @p d: with @p keep it is left whole (what the
 * city needs is copied); otherwise rows may be moved out of it. */
static sr_error
merge_district(struct work *w, struct sr_report_district *d, bool keep)
{
    struct sr_report_city *r = w->r;
    struct sr_report_city_district *line;
    sr_error rc;
    size_t i;

    line = &r->districts[r->n_districts++];
    memset(line, 0, sizeof(*line));
    rc = take_str(&line->code, &d->code, keep);
    if (rc == SR_OK)
        rc = take_str(&line->name, &d->name, keep);
    line->kpis = d->kpis;
    sr_report_kpis_add(&r->total, &d->kpis);
    for (i = 0; rc == SR_OK && i < d->n_schools; i++) {
        const struct sr_report_school *s = &d->schools[i];

        if (s->assessed && !s->compliant)
            rc = add_school(&r->noncompliant, &r->n_noncompliant,
                            &w->alloc_nc, s);
        if (rc == SR_OK && fails_baseline(s))
            rc = add_school(&r->off_baseline, &r->n_off_baseline,
                            &w->alloc_off, s);
        if (rc == SR_OK && s->assessed)
            rc = add_peer(w, s);
    }
    for (i = 0; rc == SR_OK && i < d->n_hazards; i++) {
        struct sr_report_hazard *h = &d->hazards[i];

        if (h->level != SR_HAZARD_MAJOR || h->closed_on[0])
            continue;
        rc = sr_grow((void **)&r->major, &w->alloc_major, r->n_major,
                     sizeof(*r->major), 16);
        if (rc != SR_OK)
            break;
        if (keep) {
            /* Counted at once: a partial copy is released with the
             * rest. */
            rc = hazard_copy(&r->major[r->n_major++], h);
        } else {
            r->major[r->n_major++] = *h;
            memset(h, 0, sizeof(*h)); /* moved: the district frees NULLs */
        }
    }
    for (i = 0; rc == SR_OK && i < d->n_systems; i++) {
        char *line_copy = keep ? sr_strdup(d->systems[i]) : NULL;

        if (keep && !line_copy) {
            rc = SR_ERR_NOMEM;
            break;
        }
        rc = add_system(w, keep ? &line_copy : &d->systems[i]);
        free(line_copy); /* NULL when moved in */
    }
    return rc;
}

/* Sort the peers and rank them within their stage. */
static sr_error
finish_peers(struct work *w)
{
    struct sr_report_city *r = w->r;
    size_t i, j, first;

    if (!w->n_peers)
        return SR_OK;
    qsort(w->peers, w->n_peers, sizeof(*w->peers), cmp_peer);
    r->peers = malloc(w->n_peers * sizeof(*r->peers));
    if (!r->peers)
        return SR_ERR_NOMEM;
    for (first = 0; first < w->n_peers; first = j) {
        for (j = first; j < w->n_peers &&
                        w->peers[j].p.stage == w->peers[first].p.stage;
             j++)
            ;
        for (i = first; i < j; i++) {
            struct sr_report_peer *p = &w->peers[i].p;

            p->of = j - first;
            p->rank = i > first && !peer_keys(p, &w->peers[i - 1].p)
                          ? w->peers[i - 1].p.rank
                          : i - first + 1;
        }
    }
    for (i = 0; i < w->n_peers; i++)
        r->peers[i] = w->peers[i].p;
    r->n_peers = w->n_peers;
    free(w->peers);
    w->peers = NULL;
    w->n_peers = 0;
    return SR_OK;
}

size_t
sr_report_trend_periods(const struct sr_period *p, struct sr_period ps[12])
{
    struct sr_period cur, prev;
    char q4[16];
    size_t n = 0, i;

    /* The periods of the year so far, as a bureau's 月调度 and 季通报
     * read them: a month's report shows the year's months up to it, a
     * quarter's its quarters; a year's report its four quarters. */
    cur = *p;
    if (p->kind == SR_PERIOD_YEAR) {
        memcpy(q4, p->start, 4); /* "2026Q4" */
        memcpy(q4 + 4, "Q4", 3);
        if (sr_period_parse(q4, &cur) != SR_OK)
            return 0;
    }
    ps[n++] = cur;
    while (n < 12) {
        sr_period_prev(&cur, &prev);
        if (strncmp(prev.start, p->start, 4))
            break;
        ps[n++] = prev;
        cur = prev;
    }
    for (i = 0; i < n / 2; i++) {
        prev = ps[i];
        ps[i] = ps[n - 1 - i];
        ps[n - 1 - i] = prev;
    }
    return n;
}

/* The trend: for each period of sr_report_trend_periods() its total
 * @p k (the report's own total for the report's period), those with an
 * assessed school. */
static void
trend(struct sr_report_city *r, const struct sr_report_kpis *k, size_t n)
{
    struct sr_period ps[12];
    size_t i, np;

    np = sr_report_trend_periods(&r->period, ps);
    for (i = 0; i < np && i < n; i++) {
        const struct sr_report_kpis *t =
            !strcmp(ps[i].label, r->period.label) ? &r->total : &k[i];

        if (!t->assessed)
            continue;
        r->trend[r->n_trend].period = ps[i];
        r->trend[r->n_trend].kpis = *t;
        r->n_trend++;
    }
}

/* ------------------------------------------------------------------ */
/* Building a city report district by district                          */
/* ------------------------------------------------------------------ */

struct sr_city_build {
    struct work w;
    struct sr_report_city r;
    size_t cap; /* of r.districts */
};

static void
work_release(struct work *w)
{
    size_t i;

    for (i = 0; i < w->n_peers; i++) {
        free(w->peers[i].p.name);
        free(w->peers[i].p.district_name);
        free(w->peers[i].p.band_label);
    }
    free(w->peers);
    w->peers = NULL;
    w->n_peers = 0;
}

sr_error
sr_city_build_new(const struct sr_period *period, size_t n_districts,
                  struct sr_city_build **out)
{
    struct sr_city_build *b;

    *out = NULL;
    b = calloc(1, sizeof(*b));
    if (!b)
        return SR_ERR_NOMEM;
    b->r.period = *period;
    sr_report_kpis_start(&b->r.total);
    if (n_districts) {
        b->r.districts = calloc(n_districts, sizeof(*b->r.districts));
        if (!b->r.districts) {
            free(b);
            return SR_ERR_NOMEM;
        }
    }
    b->cap = n_districts;
    b->w.r = &b->r;
    *out = b;
    return SR_OK;
}

sr_error
sr_city_build_add(struct sr_city_build *b, struct sr_report_district *d,
                  bool keep)
{
    if (b->r.n_districts >= b->cap)
        return SR_ERR_INTERNAL; /* more districts than announced */
    return merge_district(&b->w, d, keep);
}

sr_error
sr_city_build_finish(struct sr_city_build *b,
                     const struct sr_report_kpis *trend_k, size_t n_trend,
                     struct sr_report_city *out)
{
    struct sr_report_city *r = &b->r;
    sr_error rc;

    sr_report_kpis_finish(&r->total);
    rank_districts(r);
    if (r->n_major > 1)
        qsort(r->major, r->n_major, sizeof(*r->major), cmp_major);
    if (r->n_systems > 1)
        qsort(r->systems, r->n_systems, sizeof(*r->systems), cmp_str);
    rc = finish_peers(&b->w);
    if (rc == SR_OK) {
        trend(r, trend_k, n_trend);
        *out = *r;
        memset(r, 0, sizeof(*r));
    }
    sr_city_build_free(b);
    return rc;
}

void
sr_city_build_free(struct sr_city_build *b)
{
    if (!b)
        return;
    work_release(&b->w);
    sr_report_city_release(&b->r);
    free(b);
}

/* ------------------------------------------------------------------ */
/* Entry point                                                          */
/* ------------------------------------------------------------------ */

sr_error
sr_report_city(struct sr_store *st, const struct sr_period *period,
               struct sr_report_city *out)
{
    /* One computation of the city, report_all.c's, on the calling
     * thread and its connection alone. */
    return sr_report_city_jobs(st, period, 1, out);
}
