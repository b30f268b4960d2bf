/*
 * store/report_trend.c - a district's KPIs as of several periods' ends
 * from one read (report_int.h): the city's trend (趋势).
 *
 * DESIGN
 * sr_report_district_kpis() reads a district as of one end: its schools,
 * each school's latest assessment, its hazards with their status then.
 * The trend wants the same figures as of up to twelve ends, and reading
 * the district anew for each one cost a quarter of `report all`.  Here
 * the rows are read once, for the latest end, and each end is then
 * judged in memory by the rules report.c counts with
 * (sr_report_hazard_judge(), sr_report_count_hazard(),
 * sr_report_school_kpis()), so the figures are the same by
 * construction; a unit test compares the two for every district and
 * period of the demo city.
 *  - A school's assessment as of an end: its latest submitted inspection
 *    dated on or before it (by date, then id), counted while the end is
 *    before its date plus the system's valid-months.
 *  - A hazard found on or before an end is closed then when closed_on is
 *    on or before it.  Its deadline then is the row's when its last
 *    event (by id) is dated on or before the end (China date of the
 *    event's time); otherwise the one its latest event on or before the
 *    end recorded (as report.c does): the events of those hazards are
 *    read in one statement (but most of those after the latest end,
 *    SR_SQL_DATED_BY()), and each end looks its event up in memory.
 *  - The four-100% elements as of each end are sr_baseline_compute_days()
 *    (the same reading once, judging each day in memory).
 * Everything but the baselines is read in one read transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/baseline.h"
#include "schoolrisk/date.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "report_int.h"
#include "store_int.h"
#include "../util.h"

/* A submitted inspection: what the KPIs need of it. */
struct ta {
    char school[11];
    char on[11];
    char until[11];  /* on + the system's valid-months */
    int colour;
    bool compliant, vetoed;
};


/* An event of a hazard whose deadline as of some end is not the row's:
 * its China date and the deadline its state recorded. */
struct tev {
    int64_t hazard;
    char day[11];       /* or "" when its time is not a date */
    char deadline[11];  /* or "" */
};

/* A system met, with its valid-months. */
struct tsys {
    char *id, *version;
    struct sr_system *sys;
};

struct trend {
    struct sr_store *st;
    struct sr_report_district base;   /* the schools, code order */
    size_t alloc_schools;
    struct ta *a;                     /* by school, then date, id */
    size_t na, alloc_a;
    const struct sr_trend_given *hz; /* given, or NULL: read them */
    struct sr_trend_hazard *h;        /* by id */
    size_t nh, alloc_h;
    struct tsys *sys;
    size_t nsys;
    struct tev *ev;                   /* by hazard, then id */
    size_t nev, alloc_ev;
    sr_error rc;
};

static void
copy10(char dst[11], const char *src)
{
    snprintf(dst, 11, "%s", src ? src : "");
}

/* The schools: what the KPIs need of them (stage, code). */
static int
collect_school(const struct sr_school_record *rec, void *p)
{
    struct trend *t = p;
    struct sr_report_district *r = &t->base;
    struct sr_report_school *s;

    t->rc = sr_grow((void **)&r->schools, &t->alloc_schools, r->n_schools,
                    sizeof(*r->schools), 64);
    if (t->rc != SR_OK)
        return 1;
    s = &r->schools[r->n_schools++];
    memset(s, 0, sizeof(*s));
    snprintf(s->code, sizeof(s->code), "%s", rec->code);
    s->school = rec->school;
    s->colour = -1;
    return 0;
}

/* System (@p id, @p version), loaded once. */
static sr_error
system_of(struct trend *t, const char *id, const char *version,
          const struct sr_system **out)
{
    struct tsys *v;
    struct sr_system *sys = NULL;
    size_t i;
    sr_error rc;

    for (i = 0; i < t->nsys; i++)
        if (!strcmp(t->sys[i].id, id) && !strcmp(t->sys[i].version, version)) {
            *out = t->sys[i].sys;
            return SR_OK;
        }
    rc = sr_store_system(t->st, id, version, &sys);
    if (rc != SR_OK)
        return rc;
    v = realloc(t->sys, (t->nsys + 1) * sizeof(*v));
    if (!v) {
        sr_system_free(sys);
        return SR_ERR_NOMEM;
    }
    t->sys = v;
    v[t->nsys].id = sr_strdup(id);
    v[t->nsys].version = sr_strdup(version);
    v[t->nsys].sys = sys;
    t->nsys++;
    if (!v[t->nsys - 1].id || !v[t->nsys - 1].version)
        return SR_ERR_NOMEM;
    *out = sys;
    return SR_OK;
}

/* Every submitted inspection of the district's open schools dated on or
 * before @p last. */
static sr_error
read_assessments(struct trend *t, const char *last)
{
    struct sr_stmt *q = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(t->st,
                          "SELECT a.school, a.assessed_on, a.system_id, "
                          "a.system_version, a.band, a.compliant, a.vetoed "
                          "FROM schools s JOIN assessments a ON a.school = "
                          "s.code WHERE s.district = ?1 AND s.closed = 0 "
                          "AND a.status = 'submitted' AND a.kind = "
                          "'inspection' AND a.assessed_on <= ?2 "
                          "ORDER BY a.school, a.assessed_on, a.id",
                          &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, t->base.code);
    sr_bind_text(q, 2, last);
    while ((step = sr_step(q)) == SR_ROW) {
        const struct sr_system *sys;
        struct ta *a;

        rc = system_of(t, sr_col_text(q, 2),
                       sr_col_text(q, 3), &sys);
        if (rc == SR_OK)
            rc = sr_grow((void **)&t->a, &t->alloc_a, t->na, sizeof(*t->a),
                         64);
        if (rc != SR_OK)
            break;
        a = &t->a[t->na++];
        copy10(a->school, sr_col_text(q, 0));
        copy10(a->on, sr_col_text(q, 1));
        sr_date_add_months(a->on, sr_system_valid_months(sys), a->until);
        a->colour = sr_report_band_colour(
            sys, sr_col_text(q, 4));
        a->compliant = sr_col_int(q, 5) != 0;
        a->vetoed = sr_col_int(q, 6) != 0;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(t->st, _("cannot read assessments"));
    sr_store_finish(t->st, q);
    return rc;
}

/* Every hazard of the district's open schools found on or before
 * @p last, with the date of its last event. */
static sr_error
read_hazards(struct trend *t, const char *last)
{
    struct sr_stmt *q = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(t->st,
                          "SELECT h.id, h.school, h.level, h.found_on, "
                          "h.deadline, h.closed_on, (SELECT e.at "
                          "FROM hazard_events e WHERE e.hazard "
                          "= h.id ORDER BY e.id DESC LIMIT 1) "
                          "FROM hazards h JOIN schools s ON s.code = "
                          "h.school WHERE s.district = ?1 AND s.closed = 0 "
                          "AND h.found_on <= ?2 ORDER BY h.id",
                          &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, t->base.code);
    sr_bind_text(q, 2, last);
    while ((step = sr_step(q)) == SR_ROW) {
        const char *dl;
        struct sr_trend_hazard *h;

        rc = sr_grow((void **)&t->h, &t->alloc_h, t->nh, sizeof(*t->h), 64);
        if (rc != SR_OK)
            break;
        h = &t->h[t->nh++];
        h->id = sr_col_int64(q, 0);
        copy10(h->school, sr_col_text(q, 1));
        h->level = sr_hazard_level_lookup(
            sr_col_text(q, 2));
        copy10(h->found_on, sr_col_text(q, 3));
        dl = sr_col_text(q, 4);
        copy10(h->deadline, dl);
        copy10(h->closed_on, sr_col_text(q, 5));
        rc = sr_store_china_day(t->st, sr_col_text(q, 6), h->last_day);
        if (rc != SR_OK)
            break;
        if (h->level < 0) {
            rc = sr_store_fail_code(t->st, SR_ERR_INTERNAL,
                                    _("hazard %lld has an unknown level or "
                                      "status"), (long long)h->id);
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(t->st, _("cannot read the hazards"));
    sr_store_finish(t->st, q);
    return rc;
}

/* Whether hazard @p x's deadline as of @p end is not the row's: it was
 * found by then, and its last event is after it (or it has none). */
static bool
needs_events(const struct sr_trend_hazard *x, const char *end)
{
    return strcmp(x->found_on, end) <= 0 &&
           !(x->last_day[0] && strcmp(x->last_day, end) <= 0);
}

/* The events with a state of every hazard whose deadline as of one of
 * the @p n ends @p ps is not the row's, into t->ev: one statement for
 * the district rather than one a hazard and end. */
static sr_error
read_events(struct trend *t, const struct sr_period *ps, size_t n)
{
    struct sr_stmt *q = NULL;
    struct sr_buf ids;
    const char *latest = NULL;
    char next[11] = "";
    sr_error rc = SR_OK;
    size_t i, p;
    int step;

    sr_buf_init(&ids);
    for (i = 0; rc == SR_OK && i < t->nh; i++) {
        for (p = 0; p < n && !needs_events(&t->h[i], ps[p].end); p++)
            ;
        if (p < n)
            rc = sr_buf_addf(&ids, "%s\"%lld\"", ids.len ? "," : "[",
                             (long long)t->h[i].id);
    }
    if (rc == SR_OK && !ids.len)
        goto cleanup;
    if (rc == SR_OK)
        rc = sr_buf_add(&ids, "]", 1);
    /* An event whose China date is after the latest end is never
     * looked up: most are left on the server. */
    for (p = 0; p < n; p++)
        if (!latest || strcmp(ps[p].end, latest) > 0)
            latest = ps[p].end;
    if (latest)
        sr_date_add_days(latest, 1, next);
    if (rc == SR_OK)
        rc = sr_store_prepare(t->st,
                              "SELECT hazard, at, deadline FROM "
                              "hazard_events WHERE hazard IN (SELECT "
                              "CAST(value AS INTEGER) FROM "
                              "json_each(CAST(?1 AS TEXT))) AND state IS NOT "
                              "NULL AND " SR_SQL_DATED_BY("at", "?2")
                              " ORDER BY hazard, id",
                              &q);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_text(q, 1, ids.p);
    sr_bind_text(q, 2, next);
    while ((step = sr_step(q)) == SR_ROW) {
        const char *dl;
        struct tev *e;

        rc = sr_grow((void **)&t->ev, &t->alloc_ev, t->nev, sizeof(*t->ev),
                     256);
        if (rc != SR_OK)
            break;
        e = &t->ev[t->nev++];
        e->hazard = sr_col_int64(q, 0);
        dl = sr_col_text(q, 2);
        /* As report.c's rebuild_assignment() takes it. */
        copy10(e->deadline, dl && sr_date_valid(dl) ? dl : "");
        rc = sr_store_china_day(t->st, sr_col_text(q, 1), e->day);
        if (rc != SR_OK)
            break;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(t->st, _("cannot read hazard events"));

cleanup:
    sr_store_finish(t->st, q);
    sr_buf_release(&ids);
    return rc;
}

/* The deadline of hazard @p id as its latest event on or before @p end
 * recorded it (report.c's rebuild_assignment()), or "". */
static void
deadline_then(const struct trend *t, int64_t id, const char *end,
              char out[11])
{
    size_t lo = 0, hi = t->nev, i;

    out[0] = '\0';
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->ev[mid].hazard < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < t->nev && t->ev[i].hazard == id; i++)
        if (t->ev[i].day[0] && strcmp(t->ev[i].day, end) <= 0)
            memcpy(out, t->ev[i].deadline, 11);
}

/* The district as of period @p p into @p v (schools copied from the
 * base, nothing owned but the array), its KPIs counted. */
static sr_error
as_of(struct trend *t, const struct sr_period *p,
      const struct sr_baseline_report *bl, struct sr_report_district *v)
{
    const char *end = p->end;
    size_t i, a = 0;
    sr_error rc = SR_OK;

    memset(&v->kpis, 0, sizeof(v->kpis));
    v->period = *p;
    if (t->base.n_schools) /* none: both NULL, which memcpy may not take */
        memcpy(v->schools, t->base.schools,
               t->base.n_schools * sizeof(*v->schools));
    /* Assessments: by school code, like the schools. */
    for (i = 0; i < v->n_schools; i++) {
        struct sr_report_school *s = &v->schools[i];
        const struct ta *latest = NULL;

        while (a < t->na && strcmp(t->a[a].school, s->code) < 0)
            a++;
        for (; a < t->na && !strcmp(t->a[a].school, s->code); a++)
            if (strcmp(t->a[a].on, end) <= 0)
                latest = &t->a[a];
        if (!latest || strcmp(end, latest->until) >= 0)
            continue; /* none, or expired by the end */
        s->assessed = true;
        s->colour = latest->colour;
        s->compliant = latest->compliant;
        s->vetoed = latest->vetoed;
    }
    for (i = 0; rc == SR_OK && i < t->nh; i++) {
        const struct sr_trend_hazard *x = &t->h[i];
        struct sr_report_hazard h;
        bool closed, overdue;

        if (strcmp(x->found_on, end) > 0)
            continue;
        memset(&h, 0, sizeof(h));
        h.id = x->id;
        memcpy(h.code, x->school, sizeof(h.code));
        h.level = x->level;
        memcpy(h.found_on, x->found_on, sizeof(h.found_on));
        if (needs_events(x, end))
            deadline_then(t, x->id, end, h.deadline);
        else
            memcpy(h.deadline, x->deadline, sizeof(h.deadline));
        rc = sr_report_hazard_judge(t->st, &h,
                                    x->closed_on[0] ? x->closed_on : NULL,
                                    end, &closed, &overdue);
        if (rc == SR_OK)
            sr_report_count_hazard(v, &h, closed, overdue);
    }
    if (rc == SR_OK) {
        sr_report_baseline_kpis(v, bl);
        sr_report_school_kpis(v);
    }
    return rc;
}

static void
trend_release(struct trend *t)
{
    size_t i;

    for (i = 0; i < t->nsys; i++) {
        free(t->sys[i].id);
        free(t->sys[i].version);
        sr_system_free(t->sys[i].sys);
    }
    free(t->sys);
    free(t->a);
    free(t->h);
    free(t->ev);
    sr_report_district_release(&t->base);
}

/* The district by code or name into t->base's code and name. */
static sr_error
resolve(struct trend *t, const char *district)
{
    struct sr_districts all;
    const struct sr_district *d;
    sr_error rc;

    rc = sr_registry_districts(t->st, &all);
    if (rc != SR_OK)
        return rc;
    d = sr_districts_find(&all, district);
    if (!d) {
        rc = sr_store_fail_code(t->st, SR_ERR_NOT_FOUND,
                                _("no district '%s'"), district);
    } else {
        t->base.code = sr_strdup(d->code);
        t->base.name = sr_strdup(d->name);
        if (!t->base.code || !t->base.name)
            rc = SR_ERR_NOMEM;
    }
    sr_districts_release(&all);
    return rc;
}

/* The schools of t->hz's district report, as collect_school() takes
 * them. */
static sr_error
given_schools(struct trend *t)
{
    const struct sr_report_district *d = t->hz->district;
    struct sr_report_school *s;
    size_t i;

    if (!d->n_schools)
        return SR_OK;
    t->base.schools = calloc(d->n_schools, sizeof(*t->base.schools));
    if (!t->base.schools)
        return SR_ERR_NOMEM;
    t->alloc_schools = d->n_schools;
    for (i = 0; i < d->n_schools; i++) {
        s = &t->base.schools[t->base.n_schools++];
        memcpy(s->code, d->schools[i].code, sizeof(s->code));
        s->school = d->schools[i].school;
        s->colour = -1;
    }
    return SR_OK;
}

/* t->hz's district's code and name into t->base's. */
static sr_error
given_district(struct trend *t)
{
    t->base.code = sr_strdup(t->hz->district->code);
    t->base.name = sr_strdup(t->hz->district->name);
    return t->base.code && t->base.name ? SR_OK : SR_ERR_NOMEM;
}

/* The hazards of t->hz found on or before @p last (no later than the
 * end they were read to): the rows read_hazards() would read. */
static sr_error
given_hazards(struct trend *t, const char *last)
{
    size_t i;
    sr_error rc;

    for (i = 0; i < t->hz->n; i++) {
        if (strcmp(t->hz->v[i].found_on, last) > 0)
            continue;
        rc = sr_grow((void **)&t->h, &t->alloc_h, t->nh, sizeof(*t->h), 64);
        if (rc != SR_OK)
            return rc;
        t->h[t->nh++] = t->hz->v[i];
    }
    return SR_OK;
}

/* Read the district's rows (one read transaction) for the @p n ends
 * @p ps, the latest @p last. */
static sr_error read_rows(struct trend *t, const char *last,
                          const struct sr_period *ps, size_t n);

static sr_error
read_all(struct trend *t, const char *last, const struct sr_period *ps,
         size_t n)
{
    sr_error rc;
    bool own;

    rc = sr_store_read_begin(t->st, &own);
    if (rc != SR_OK)
        return rc;
    rc = read_rows(t, last, ps, n);
    sr_store_read_end(t->st, own);
    return rc;
}

/* read_all() within its transaction. */
static sr_error
read_rows(struct trend *t, const char *last, const struct sr_period *ps,
          size_t n)
{
    struct sr_registry_filter f = {.stage = -1};
    sr_error rc;

    f.district = t->base.code;
    if (t->hz)
        rc = given_schools(t);
    else
        rc = sr_registry_list(t->st, &f, collect_school, t);
    if (rc == SR_OK)
        rc = t->rc;
    if (rc == SR_OK)
        rc = read_assessments(t, last);
    if (rc == SR_OK)
        rc = t->hz ? given_hazards(t, last) : read_hazards(t, last);
    if (rc == SR_OK)
        rc = read_events(t, ps, n);
    return rc;
}

sr_error
sr_report_trend_kpis(struct sr_store *st, const char *code,
                     const struct sr_period *ps, size_t n,
                     const struct sr_baseline_report *bl,
                     const struct sr_trend_given *hz,
                     struct sr_report_kpis *out)
{
    struct sr_report_district v;
    struct trend t;
    const char *last = NULL;
    size_t p;
    sr_error rc = SR_OK;

    memset(&t, 0, sizeof(t));
    memset(&v, 0, sizeof(v));
    memset(out, 0, n * sizeof(*out));
    t.st = st;
    for (p = 0; p < n; p++) {
        if (!sr_date_valid(ps[p].start) || !sr_date_valid(ps[p].end))
            return sr_store_fail_code(st, SR_ERR_INPUT, _("bad period '%s'"),
                                      ps[p].label);
        if (!last || strcmp(ps[p].end, last) > 0)
            last = ps[p].end;
    }
    if (!n)
        return SR_OK;
    if (hz && hz->end && hz->district && strcmp(last, hz->end) <= 0)
        t.hz = hz;
    rc = t.hz ? given_district(&t) : resolve(&t, code);
    if (rc == SR_OK)
        rc = read_all(&t, last, ps, n);
    if (rc == SR_OK && t.base.n_schools &&
        !(v.schools = malloc(t.base.n_schools * sizeof(*v.schools))))
        rc = SR_ERR_NOMEM;
    v.code = t.base.code;
    v.n_schools = t.base.n_schools;
    for (p = 0; rc == SR_OK && p < n; p++) {
        rc = as_of(&t, &ps[p], &bl[p], &v);
        if (rc == SR_OK)
            out[p] = v.kpis;
    }
    free(v.schools);
    trend_release(&t);
    if (rc != SR_OK) {
        memset(out, 0, n * sizeof(*out));
        if (rc == SR_ERR_NOMEM)
            sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    return rc;
}

sr_error
sr_report_district_trend(struct sr_store *st, const char *code,
                         const struct sr_period *ps, size_t n,
                         struct sr_report_kpis *out)
{
    struct sr_baseline_report *bl;
    const char **days;
    sr_error rc;
    size_t p;

    memset(out, 0, n * sizeof(*out));
    for (p = 0; p < n; p++)
        if (!sr_date_valid(ps[p].start) || !sr_date_valid(ps[p].end))
            return sr_store_fail_code(st, SR_ERR_INPUT, _("bad period '%s'"),
                                      ps[p].label);
    if (!n)
        return SR_OK;
    bl = calloc(n, sizeof(*bl));
    days = calloc(n, sizeof(*days));
    if (!bl || !days) {
        free(bl);
        free(days);
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    for (p = 0; p < n; p++)
        days[p] = ps[p].end;
    /* The baselines in their own read transaction: before ours. */
    rc = sr_baseline_compute_days(st, code, days, n, bl);
    if (rc == SR_OK)
        rc = sr_report_trend_kpis(st, code, ps, n, bl, NULL, out);
    for (p = 0; p < n; p++)
        sr_baseline_report_release(&bl[p]);
    free(bl);
    free(days);
    return rc;
}
