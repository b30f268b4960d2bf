/*
 * baseline.c - the dynamic four-100% baseline (see baseline.h).
 *
 * Nothing of the baseline is stored: it is derived on demand from the
 * submitted assessments' evidence (baseline_items) and the hazards, so
 * it can never disagree with them.  Validity needs each system's
 * valid-months, which lives in its XML, and a reason names its item by
 * the title there; a small cache loads each stored (id, version) once
 * per computation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/registry.h"
#include "store_int.h"
#include "whatif_int.h"
#include "../arena.h"
#include "../util.h"

static int
digits(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

void
sr_date_add_months(const char *date, int months, char out[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int y = digits(date, 4), m = digits(date + 5, 2), d = digits(date + 8, 2);
    int t = y * 12 + (m - 1) + months, dim;
    char tmp[40];

    y = t / 12;
    m = t % 12 + 1;
    dim = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        dim = 29;
    if (d > dim)
        d = dim;
    /* Through a roomy buffer: gcc cannot see that y has 4 digits. */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void
sr_baseline_school_release(struct sr_baseline_school *b)
{
    int e;

    if (!b)
        return;
    free(b->name);
    free(b->district);
    free(b->district_name);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        free(b->why[e]);
        free(b->reason[e].item);
        free(b->reason[e].item_title);
        free(b->reason[e].system_title);
        free(b->reason[e].system_version);
    }
    memset(b, 0, sizeof(*b));
}

void
sr_baseline_report_release(struct sr_baseline_report *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        sr_baseline_school_release(&r->s[i]);
    for (i = 0; i < r->nd; i++) {
        free(r->d[i].code);
        free(r->d[i].name);
    }
    free(r->s);
    free(r->d);
    memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ */

/* The stored systems an assessment refers to, each loaded once per
 * computation: their valid-months and their items' titles.  A system
 * stays loaded until the end of the computation (a school's reasons
 * name its items' titles after other schools have been read). */
struct systems_cache {
    struct cached_system {
        char *key; /* "id\tversion" */
        struct sr_system *sys;
    } *v;
    size_t n, alloc;
};

static sr_error
system_of(struct sr_store *st, struct systems_cache *c, const char *id,
          const char *version, const struct sr_system **out)
{
    struct sr_system *sys = NULL;
    char key[160];
    size_t i;
    sr_error rc;

    snprintf(key, sizeof(key), "%s\t%s", id, version);
    for (i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].key, key)) {
            *out = c->v[i].sys;
            return SR_OK;
        }
    if (c->n == c->alloc) {
        size_t na = c->alloc ? 2 * c->alloc : 8;
        struct cached_system *nv = realloc(c->v, na * sizeof(*nv));

        if (!nv)
            return SR_ERR_NOMEM;
        c->v = nv;
        c->alloc = na;
    }
    rc = sr_store_system(st, id, version, &sys);
    if (rc != SR_OK)
        return rc;
    c->v[c->n].key = sr_strdup(key);
    if (!c->v[c->n].key) {
        sr_system_free(sys);
        return SR_ERR_NOMEM;
    }
    c->v[c->n++].sys = sys;
    *out = sys;
    return SR_OK;
}

static void
cache_release(struct systems_cache *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        free(c->v[i].key);
        sr_system_free(c->v[i].sys);
    }
    free(c->v);
    memset(c, 0, sizeof(*c));
}

/* The statements used per school, prepared once. */
struct stmts {
    struct sr_stmt *latest;   /* latest submitted assessment <= day */
    struct sr_stmt *evidence; /* its baseline items */
    struct sr_stmt *closed;   /* a hazard on the item closed since */
    struct sr_stmt *open;     /* an open hazard on the element */
};

static void
stmts_release(struct sr_store *st, struct stmts *s)
{
    sr_store_finish(st, s->latest);
    sr_store_finish(st, s->evidence);
    sr_store_finish(st, s->closed);
    sr_store_finish(st, s->open);
}

static sr_error
stmts_prepare(struct sr_store *st, struct stmts *s)
{
    sr_error rc;

    memset(s, 0, sizeof(*s));
    rc = sr_store_prepare(st,
                          "SELECT id, assessed_on, system_id, system_version "
                          "FROM assessments WHERE school = ?1 AND status = "
                          "'submitted' AND kind = 'inspection' AND "
                          "assessed_on <= ?2 "
                          "ORDER BY assessed_on DESC, id DESC LIMIT 1",
                          &s->latest);
    if (rc == SR_OK)
        rc = sr_store_prepare(st,
                              "SELECT element, item, \"full\" FROM baseline_items"
                              " WHERE assessment = ?1 ORDER BY element, item",
                              &s->evidence);
    if (rc == SR_OK)
        rc = sr_store_prepare(st,
                              "SELECT id FROM hazards WHERE school = ?1 AND "
                              "item = ?2 AND status = 'closed' AND closed_on "
                              ">= ?3 AND closed_on <= ?4 LIMIT 1",
                              &s->closed);
    if (rc == SR_OK)
        rc = sr_store_prepare(st,
                              "SELECT id, item FROM hazards WHERE school = ?1"
                              " AND baseline = ?2 AND found_on <= ?3 AND "
                              "(status <> 'closed' OR closed_on > ?3) "
                              "ORDER BY id LIMIT 1",
                              &s->open);
    return rc;
}

/* The title of item @p id in @p sys, or NULL. */
static const char *
item_title(const struct sr_system *sys, const char *id)
{
    size_t n;
    long i;

    if (!sys || !id || (i = sr_system_find_item(sys, id)) < 0)
        return NULL;
    return sr_system_items(sys, &n)[i].title;
}

/* The locale's sentence for a reason (po/zh_CN.po gives the sentences
 * of sr_baseline_reason_text()). */
static char *
why_text(const struct sr_baseline_reason *r)
{
    char *item = NULL, *text = NULL;

    if (r->item)
        item = r->item_title ? sr_asprintf("%s %s", r->item, r->item_title)
                             : sr_strdup(r->item);
    if (r->item && !item)
        return NULL;
    switch (r->cause) {
    case SR_CAUSE_NO_ASSESSMENT:
        text = sr_strdup(_("no submitted assessment"));
        break;
    case SR_CAUSE_EXPIRED:
        text = sr_asprintf(_("the latest assessment (%s) expired on %s"),
                           r->assessed_on, r->until);
        break;
    case SR_CAUSE_NO_EVIDENCE:
        text = sr_asprintf(_("the assessment of %s has no item of this "
                             "element"),
                           r->assessed_on);
        break;
    case SR_CAUSE_ITEM_LOST:
        text = sr_asprintf(_("item '%s' below full points in the "
                             "assessment of %s and not rectified since"),
                           item, r->assessed_on);
        break;
    case SR_CAUSE_HAZARD_OPEN:
        text = item ? sr_asprintf(_("hazard %lld (item '%s') is not "
                                    "closed"),
                                  (long long)r->hazard, item)
                    : sr_asprintf(_("hazard %lld is not closed"),
                                  (long long)r->hazard);
        break;
    case SR_CAUSE_UNASSESSED:
        text = sr_asprintf(_("the indicator system %s (%s) has no item for "
                             "this element"),
                           r->system_title ? r->system_title : "",
                           r->system_version ? r->system_version : "");
        break;
    }
    free(item);
    return text;
}

/* Element e is not met (or, SR_CAUSE_UNASSESSED, unassessed) because
 * of @p r (its strings are copied); the first cause found is the one
 * kept. */
static sr_error
not_met(struct sr_baseline_school *b, int e, const struct sr_baseline_reason *r)
{
    struct sr_baseline_reason *to = &b->reason[e];

    b->met[e] = false;
    if (to->cause != SR_CAUSE_NONE)
        return SR_OK;
    b->unassessed[e] = r->cause == SR_CAUSE_UNASSESSED;
    *to = *r;
    to->item = r->item ? sr_strdup(r->item) : NULL;
    to->item_title = r->item_title ? sr_strdup(r->item_title) : NULL;
    to->system_title = r->system_title ? sr_strdup(r->system_title) : NULL;
    to->system_version =
        r->system_version ? sr_strdup(r->system_version) : NULL;
    b->why[e] = why_text(to);
    if ((r->item && !to->item) || (r->item_title && !to->item_title) ||
        (r->system_title && !to->system_title) ||
        (r->system_version && !to->system_version) || !b->why[e])
        return SR_ERR_NOMEM;
    return SR_OK;
}

/* The rules of baseline.h, in the order the reasons are kept (the
 * first cause found for an element is its reason): the latest
 * assessment, then its evidence item by item (element, item order),
 * then each element's evidence and open hazards.  The per-school path
 * (sr_baseline_school()) and the set-based one (a district or the city)
 * read the rows differently and apply them through these alone. */

/* The latest assessment as of @p day: @p found false when there is none.
 * Sets *valid when it is valid on @p day (b->assessment set, every
 * element met until shown otherwise); otherwise every element is not
 * met with its cause. */
static sr_error
apply_latest(struct sr_baseline_school *b, const char *day, bool found,
             int64_t id, const char *assessed_on,
             const struct sr_system *sys, bool *valid)
{
    struct sr_baseline_reason r;
    sr_error rc = SR_OK;
    int e;

    *valid = false;
    memset(&r, 0, sizeof(r));
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        b->met[e] = b->unassessed[e] = false;
    if (!found) {
        r.cause = SR_CAUSE_NO_ASSESSMENT;
        for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++)
            rc = not_met(b, e, &r);
        return rc;
    }
    r.assessment = id;
    snprintf(r.assessed_on, sizeof(r.assessed_on), "%s", assessed_on);
    sr_date_add_months(r.assessed_on, sr_system_valid_months(sys), r.until);
    if (strcmp(day, r.until) >= 0) {
        r.cause = SR_CAUSE_EXPIRED;
        for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++)
            rc = not_met(b, e, &r);
        return rc;
    }
    b->assessment = id;
    memcpy(b->assessed_on, r.assessed_on, sizeof(b->assessed_on));
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        b->met[e] = true;
    *valid = true;
    return SR_OK;
}

/* One evidence row of the valid assessment: item @p item of element
 * @p el, at full points or not, and whether a hazard on it was closed
 * since the assessment (on or before the day). */
static sr_error
apply_evidence(struct sr_baseline_school *b, const struct sr_system *sys,
               const char *el, const char *item, bool full,
               bool closed_since, int seen[SR_BASELINE_COUNT])
{
    struct sr_baseline_reason r;
    int e = sr_baseline_lookup(el);

    if (e < 0)
        return SR_OK;
    seen[e] = 1;
    if (full || closed_since)
        return SR_OK; /* at full points, or rectified and verified since */
    memset(&r, 0, sizeof(r));
    r.cause = SR_CAUSE_ITEM_LOST;
    r.assessment = b->assessment;
    memcpy(r.assessed_on, b->assessed_on, sizeof(r.assessed_on));
    r.item = (char *)item;
    r.item_title = (char *)item_title(sys, item);
    return not_met(b, e, &r);
}

/* Element @p e after its evidence: not seen, or an open hazard on it
 * (@p hazard its id, 0 for none, @p item its item or NULL).  Not seen
 * in a system that declares it unassessed is unassessed, unless a
 * hazard on it is open (a known failure, from an earlier assessment
 * under another system or added since). */
static sr_error
apply_element(struct sr_baseline_school *b, const struct sr_system *sys,
              int e, bool seen, int64_t hazard, const char *item)
{
    struct sr_baseline_reason r;

    memset(&r, 0, sizeof(r));
    r.assessment = b->assessment;
    memcpy(r.assessed_on, b->assessed_on, sizeof(r.assessed_on));
    if (!seen && !hazard && sr_system_baseline_unassessed(sys, e)) {
        r.cause = SR_CAUSE_UNASSESSED;
        r.system_title = (char *)sr_system_title(sys);
        r.system_version = (char *)sr_system_version(sys);
        return not_met(b, e, &r);
    }
    if (!seen && !sr_system_baseline_unassessed(sys, e)) {
        r.cause = SR_CAUSE_NO_EVIDENCE;
        return not_met(b, e, &r);
    }
    if (!hazard)
        return SR_OK;
    r.cause = SR_CAUSE_HAZARD_OPEN;
    r.hazard = hazard;
    r.item = (char *)item;
    r.item_title = (char *)item_title(sys, item);
    return not_met(b, e, &r);
}

/* ---- One school: a statement per question ------------------------- */

static sr_error
school_baseline(struct sr_store *st, struct stmts *q, struct systems_cache *sc,
                const char *day, struct sr_baseline_school *b)
{
    const struct sr_system *sys = NULL;
    int e, step, seen[SR_BASELINE_COUNT] = {0};
    sr_error rc = SR_OK;
    bool valid;

    sr_reset(q->latest);
    sr_bind_text(q->latest, 1, b->code);
    sr_bind_text(q->latest, 2, day);
    step = sr_step(q->latest);
    if (step != SR_DONE && step != SR_ROW)
        return sr_store_dberr(st, _("cannot read assessments"));
    if (step == SR_ROW)
        rc = system_of(st, sc,
                       sr_col_text(q->latest, 2),
                       sr_col_text(q->latest, 3), &sys);
    if (rc == SR_OK)
        rc = apply_latest(b, day, step == SR_ROW,
                          step == SR_ROW
                              ? sr_col_int64(q->latest, 0) : 0,
                          step == SR_ROW
                              ? sr_col_text(q->latest, 1)
                              : NULL,
                          sys, &valid);
    if (rc != SR_OK || !valid)
        return rc;
    sr_reset(q->evidence);
    sr_bind_int64(q->evidence, 1, b->assessment);
    while (rc == SR_OK && (step = sr_step(q->evidence)) == SR_ROW) {
        const char *el = sr_col_text(q->evidence, 0);
        const char *item = sr_col_text(q->evidence, 1);
        int full = sr_col_int(q->evidence, 2), cstep = SR_DONE;

        if (!full && sr_baseline_lookup(el) >= 0) {
            sr_reset(q->closed);
            sr_bind_text(q->closed, 1, b->code);
            sr_bind_text(q->closed, 2, item);
            sr_bind_text(q->closed, 3, b->assessed_on);
            sr_bind_text(q->closed, 4, day);
            cstep = sr_step(q->closed);
            if (cstep != SR_ROW && cstep != SR_DONE)
                return sr_store_dberr(st, _("cannot read hazards"));
        }
        rc = apply_evidence(b, sys, el, item, full, cstep == SR_ROW,
                            seen);
    }
    if (rc != SR_OK)
        return rc;
    if (step != SR_DONE && step != SR_ROW)
        return sr_store_dberr(st, _("cannot read the baseline evidence"));
    for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++) {
        step = SR_DONE;
        if (seen[e] || sr_system_baseline_unassessed(sys, e)) {
            sr_reset(q->open);
            sr_bind_text(q->open, 1, b->code);
            sr_bind_text(q->open, 2, sr_baseline_name(e));
            sr_bind_text(q->open, 3, day);
            step = sr_step(q->open);
            if (step != SR_ROW && step != SR_DONE)
                return sr_store_dberr(st, _("cannot read hazards"));
        }
        rc = apply_element(
            b, sys, e, seen[e],
            step == SR_ROW ? sr_col_int64(q->open, 0) : 0,
            step == SR_ROW ? sr_col_text(q->open, 1)
                               : NULL);
    }
    return rc;
}

/* ---- Many schools: three statements for any number of days -------- */

/*
 * The set-based computation reads the rows of all the schools listed
 * once, for the latest day asked (three statements: the submitted
 * assessments, the hazards the rules ask about, the baseline evidence),
 * then judges each day in memory through the rules above.  One day is
 * sr_baseline_compute(); several are the trend of a report
 * (sr_baseline_compute_days()), which used to read everything anew for
 * each day.
 */

/* A submitted inspection of a listed school, dated on or before the
 * last day.  A school's rows are together, newest first (date, id). */
struct arow {
    size_t school; /* index in the report */
    int64_t id;
    char on[11];
    const struct sr_system *sys;
};

/* A hazard of a listed school that the rules may ask about, in school
 * then id order. */
struct hrow {
    size_t school;
    int64_t id;
    const char *item;   /* or NULL (in the arena) */
    int element;        /* enum sr_baseline_element, or -1 */
    bool closed;        /* its status is 'closed' */
    bool has_found, has_closed;
    char found[11];
    char closed_on[11];
};

/* One evidence row: item of element of an assessment, at full points or
 * not; by assessment, then (element, item) as the rules read them. */
struct erow {
    int64_t assessment;
    size_t seq;         /* read order, for a stable sort */
    int element;
    const char *item;   /* in the arena */
    bool full;
};

/* A school's code and index in the report, for finding it by code. */
struct code_index {
    const char *code;
    size_t i;
};

struct rows {
    struct code_index *by_code; /* the schools sorted by code */
    size_t n;                   /* schools */
    size_t *a_first, *a_count;  /* each school's assessments in a[] */
    struct arow *a;
    size_t na, alloc_a;
    struct hrow *h;
    size_t nh, alloc_h;
    struct erow *e;
    size_t ne, alloc_e;
    struct sr_arena strings;
    struct systems_cache sc;
};

/* What judging one day keeps of a school between the steps. */
struct school_state {
    const struct sr_system *sys; /* of its valid assessment, or NULL */
    int seen[SR_BASELINE_COUNT];
    int64_t open[SR_BASELINE_COUNT];         /* first open hazard, or 0 */
    const char *open_item[SR_BASELINE_COUNT]; /* its item, or NULL */
};

/* A hazard closed on an item: the latest day it was closed on or
 * before the day judged. */
struct closed_item {
    size_t school; /* index in the report */
    const char *item;
    char closed_on[11];
};

static int
cmp_code_index(const void *a, const void *b)
{
    return strcmp(((const struct code_index *)a)->code,
                  ((const struct code_index *)b)->code);
}

/* The index in the report of school @p code, or -1 (not listed: closed,
 * out of scope). */
static long
school_index(const struct rows *x, const char *code)
{
    size_t lo = 0, hi = x->n;

    while (code && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code, x->by_code[mid].code);

        if (!c)
            return (long)x->by_code[mid].i;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* A copy of column @p c in the arena, NULL for NULL; sets *nomem. */
static const char *
col_str(struct rows *x, struct sr_stmt *q, int c, int *nomem)
{
    const char *t = sr_col_text(q, c);
    const char *d;

    if (!t)
        return NULL;
    d = sr_arena_strdup(&x->strings, t);
    if (!d)
        *nomem = 1;
    return d;
}

/* A statement over the schools of the district (?1, a code) or of the
 * city (no ?1), as of the last day ?2 (and the first ?3). */
#define SET_SQL(select, from, school, cond, order)                       \
    {select " FROM " from " JOIN schools s ON s.code = " school          \
            " WHERE (" cond ") ORDER BY " order,                         \
     select " FROM " from " JOIN schools s ON s.code = " school          \
            " WHERE (" cond ") AND s.district = ?1 ORDER BY " order}

/* Every school's submitted assessments, newest first. */
static const char *const latest_sql[2] = SET_SQL(
    "SELECT a.school, a.id, a.assessed_on, a.system_id, a.system_version",
    "assessments a", "a.school",
    "a.status = 'submitted' AND a.kind = 'inspection' AND "
    "a.assessed_on <= ?2",
    "a.school, a.assessed_on DESC, a.id DESC");

/* The hazards of the schools that the rules ask about on some day from
 * ?3 to ?2: those closed on an item (on or before the day), and those
 * open on an element (found on or before the day, not closed by it),
 * told apart for each day in C. */
static const char *const hazards_sql[2] = SET_SQL(
    "SELECT h.school, h.id, h.item, h.baseline, h.status, h.found_on, "
    "h.closed_on",
    "hazards h", "h.school",
    "(h.status = 'closed' AND h.closed_on <= ?2 AND h.item IS NOT NULL) OR "
    "(h.baseline IS NOT NULL AND h.found_on <= ?2 AND "
    "(h.status <> 'closed' OR h.closed_on > ?3))",
    "h.school, h.id");

/* The evidence of each school's latest assessment as of ?2 (one day),
 * or of all its assessments up to ?2 (several days).  The rows of one
 * assessment come together in the order of the primary key (element,
 * item), the order the rules read them in: with no ORDER BY for one
 * day, because the join walks baseline_items by that key for each
 * school in turn. */
#define EVIDENCE_SQL(district)                                            \
    "SELECT s.code, b.assessment, b.element, b.item, b.full FROM "        \
    "schools s JOIN baseline_items b ON b.assessment = (SELECT a.id FROM "\
    "assessments a WHERE a.school = s.code AND a.status = 'submitted' AND "\
    "a.kind = 'inspection' AND a.assessed_on <= ?2 ORDER BY "             \
    "a.assessed_on DESC, a.id DESC LIMIT 1)" district
#define EVIDENCE_ALL_SQL(district)                                        \
    "SELECT s.code, b.assessment, b.element, b.item, b.full FROM "        \
    "schools s JOIN assessments a ON a.school = s.code JOIN "             \
    "baseline_items b ON b.assessment = a.id WHERE a.status = "           \
    "'submitted' AND a.kind = 'inspection' AND a.assessed_on <= ?2"       \
    district " ORDER BY b.assessment, b.element, b.item"
static const char *const evidence_sql[2] = {
    EVIDENCE_SQL(""), EVIDENCE_SQL(" WHERE s.district = ?1")};
static const char *const evidence_all_sql[2] = {
    EVIDENCE_ALL_SQL(""), EVIDENCE_ALL_SQL(" AND s.district = ?1")};

static sr_error
set_prepare(struct sr_store *st, const char *const sql[2],
            const char *district, const char *first, const char *last,
            struct sr_stmt **q)
{
    sr_error rc = sr_store_prepare(st, sql[district != NULL], q);

    if (rc != SR_OK)
        return rc;
    if (district)
        sr_bind_text(*q, 1, district);
    sr_bind_text(*q, 2, last);
    /* ?3 is in the hazards' statement alone. */
    if (sr_bind_count(*q) >= 3)
        sr_bind_text(*q, 3, first);
    return SR_OK;
}

static sr_error
read_latest(struct sr_store *st, struct rows *x, const char *district,
            const char *last)
{
    struct sr_stmt *q = NULL;
    sr_error rc;
    int step;

    rc = set_prepare(st, latest_sql, district, last, last, &q);
    while (rc == SR_OK && (step = sr_step(q)) == SR_ROW) {
        long k = school_index(x, sr_col_text(q, 0));
        struct arow *a;

        if (k < 0)
            continue; /* not listed */
        rc = sr_grow((void **)&x->a, &x->alloc_a, x->na, sizeof(*x->a), 256);
        if (rc != SR_OK)
            break;
        a = &x->a[x->na];
        a->school = (size_t)k;
        a->id = sr_col_int64(q, 1);
        snprintf(a->on, sizeof(a->on), "%s",
                 sr_col_text(q, 2));
        rc = system_of(st, &x->sc, sr_col_text(q, 3),
                       sr_col_text(q, 4), &a->sys);
        if (rc != SR_OK)
            break;
        if (!x->a_count[k])
            x->a_first[k] = x->na;
        x->a_count[k]++;
        x->na++;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read assessments"));
    sr_store_finish(st, q);
    return rc;
}

static sr_error
read_hazards(struct sr_store *st, struct rows *x, const char *district,
             const char *first, const char *last)
{
    struct sr_stmt *q = NULL;
    sr_error rc;
    int step, nomem = 0;

    rc = set_prepare(st, hazards_sql, district, first, last, &q);
    while (rc == SR_OK && (step = sr_step(q)) == SR_ROW) {
        long i = school_index(x, sr_col_text(q, 0));
        const char *status = sr_col_text(q, 4);
        const char *found = sr_col_text(q, 5);
        const char *closed = sr_col_text(q, 6);
        struct hrow *h;

        if (i < 0)
            continue;
        rc = sr_grow((void **)&x->h, &x->alloc_h, x->nh, sizeof(*x->h), 256);
        if (rc != SR_OK)
            break;
        h = &x->h[x->nh++];
        memset(h, 0, sizeof(*h));
        h->school = (size_t)i;
        h->id = sr_col_int64(q, 1);
        h->item = col_str(x, q, 2, &nomem);
        h->element = sr_baseline_lookup(
            sr_col_text(q, 3));
        h->closed = status && !strcmp(status, "closed");
        h->has_found = found != NULL;
        h->has_closed = closed != NULL;
        snprintf(h->found, sizeof(h->found), "%s", found ? found : "");
        snprintf(h->closed_on, sizeof(h->closed_on), "%s",
                 closed ? closed : "");
        if (nomem)
            rc = SR_ERR_NOMEM;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read hazards"));
    sr_store_finish(st, q);
    return rc;
}

static int
cmp_erow(const void *a, const void *b)
{
    const struct erow *x = a, *y = b;

    if (x->assessment != y->assessment)
        return x->assessment < y->assessment ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static sr_error
read_evidence(struct sr_store *st, struct rows *x, const char *district,
              const char *last, bool all)
{
    struct sr_stmt *q = NULL;
    sr_error rc;
    int step, nomem = 0;

    rc = set_prepare(st, all ? evidence_all_sql : evidence_sql, district,
                     last, last, &q);
    while (rc == SR_OK && (step = sr_step(q)) == SR_ROW) {
        int e = sr_baseline_lookup(sr_col_text(q, 2));
        struct erow *r;

        /* Rows of a school not listed, or of no element, change
         * nothing. */
        if (e < 0 ||
            school_index(x, sr_col_text(q, 0)) < 0)
            continue;
        rc = sr_grow((void **)&x->e, &x->alloc_e, x->ne, sizeof(*x->e), 256);
        if (rc != SR_OK)
            break;
        r = &x->e[x->ne];
        r->assessment = sr_col_int64(q, 1);
        r->seq = x->ne++;
        r->element = e;
        r->item = col_str(x, q, 3, &nomem);
        r->full = sr_col_int(q, 4) != 0;
        if (nomem || !r->item)
            rc = SR_ERR_NOMEM;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the baseline evidence"));
    sr_store_finish(st, q);
    if (rc == SR_OK && x->ne > 1)
        qsort(x->e, x->ne, sizeof(*x->e), cmp_erow);
    return rc;
}

static void
rows_release(struct rows *x)
{
    free(x->by_code);
    free(x->a_first);
    free(x->a_count);
    free(x->a);
    free(x->h);
    free(x->e);
    sr_arena_release(&x->strings);
    cache_release(&x->sc);
}

/* Read the rows of the schools of @p r for the days @p first to @p last
 * (of @p district, a code, or of the whole city when NULL). */
static sr_error
rows_read(struct sr_store *st, struct rows *x,
          const struct sr_baseline_report *r, const char *district,
          const char *first, const char *last, bool several)
{
    sr_error rc = SR_OK;
    size_t i;

    x->n = r->n;
    x->by_code = malloc(r->n * sizeof(*x->by_code));
    x->a_first = calloc(r->n, sizeof(*x->a_first));
    x->a_count = calloc(r->n, sizeof(*x->a_count));
    if (!x->by_code || !x->a_first || !x->a_count)
        return SR_ERR_NOMEM;
    for (i = 0; i < r->n; i++) {
        x->by_code[i].code = r->s[i].code;
        x->by_code[i].i = i;
    }
    qsort(x->by_code, r->n, sizeof(*x->by_code), cmp_code_index);
    rc = read_latest(st, x, district, last);
    if (rc == SR_OK)
        rc = read_hazards(st, x, district, first, last);
    if (rc == SR_OK)
        rc = read_evidence(st, x, district, last, several);
    return rc;
}

/* ---- Judging one day ---------------------------------------------- */

static int
cmp_closed(const void *a, const void *b)
{
    const struct closed_item *x = a, *y = b;

    if (x->school != y->school)
        return x->school < y->school ? -1 : 1;
    return strcmp(x->item, y->item);
}

struct day {
    const char *day;
    struct school_state *ss;    /* parallel to the report's schools */
    struct closed_item *closed; /* sorted, one per (school, item) */
    size_t n_closed, alloc_closed;
};

/* Whether a hazard on @p item of school @p i was closed on or after
 * @p since (and on or before the day: all of d->closed are). */
static bool
closed_since(const struct day *d, size_t i, const char *item,
             const char *since)
{
    struct closed_item key = {i, item, ""};
    const struct closed_item *c;

    if (!d->n_closed)
        return false;
    c = bsearch(&key, d->closed, d->n_closed, sizeof(*d->closed),
                cmp_closed);
    return c && strcmp(c->closed_on, since) >= 0;
}

/* Each school's latest assessment as of the day. */
static sr_error
day_latest(const struct rows *x, struct sr_baseline_report *r,
           struct day *d)
{
    sr_error rc = SR_OK;
    size_t i, k;

    for (i = 0; i < r->n && rc == SR_OK; i++) {
        const struct arow *a = NULL;
        bool valid;

        for (k = 0; k < x->a_count[i] && !a; k++)
            if (strcmp(x->a[x->a_first[i] + k].on, d->day) <= 0)
                a = &x->a[x->a_first[i] + k];
        rc = apply_latest(&r->s[i], d->day, a != NULL, a ? a->id : 0,
                          a ? a->on : NULL, a ? a->sys : NULL, &valid);
        if (rc == SR_OK && valid)
            d->ss[i].sys = a->sys;
    }
    return rc;
}

/* The hazards as of the day: closings on items (the latest kept per
 * item), and each element's first open hazard by id. */
static sr_error
day_hazards(const struct rows *x, struct day *d)
{
    size_t i, n = 0;

    for (i = 0; i < x->nh; i++) {
        const struct hrow *h = &x->h[i];
        struct school_state *ss = &d->ss[h->school];
        int e = h->element;

        if (h->closed && h->has_closed && h->item &&
            strcmp(h->closed_on, d->day) <= 0) {
            struct closed_item *c;

            if (sr_grow((void **)&d->closed, &d->alloc_closed, d->n_closed,
                        sizeof(*d->closed), 256) != SR_OK)
                return SR_ERR_NOMEM;
            c = &d->closed[d->n_closed++];
            c->school = h->school;
            c->item = h->item;
            memcpy(c->closed_on, h->closed_on, sizeof(c->closed_on));
        }
        if (e < 0 || ss->open[e] || !h->has_found ||
            strcmp(h->found, d->day) > 0 ||
            (h->closed &&
             !(h->has_closed && strcmp(h->closed_on, d->day) > 0)))
            continue;
        ss->open[e] = h->id;
        ss->open_item[e] = h->item;
    }
    if (d->n_closed > 1)
        qsort(d->closed, d->n_closed, sizeof(*d->closed), cmp_closed);
    for (i = 0; i < d->n_closed; i++) {
        if (n && !cmp_closed(&d->closed[n - 1], &d->closed[i])) {
            if (strcmp(d->closed[i].closed_on, d->closed[n - 1].closed_on) >
                0)
                memcpy(d->closed[n - 1].closed_on, d->closed[i].closed_on,
                       sizeof(d->closed[i].closed_on));
            continue;
        }
        d->closed[n++] = d->closed[i];
    }
    d->n_closed = n;
    return SR_OK;
}

/* The first evidence row of assessment @p id, or x->ne. */
static size_t
evidence_of(const struct rows *x, int64_t id)
{
    size_t lo = 0, hi = x->ne;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (x->e[mid].assessment < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The evidence of each valid assessment, then each element. */
static sr_error
day_evidence(const struct rows *x, struct sr_baseline_report *r,
             struct day *d)
{
    sr_error rc = SR_OK;
    size_t i, k;
    int e;

    for (i = 0; i < r->n && rc == SR_OK; i++) {
        struct sr_baseline_school *b = &r->s[i];
        struct school_state *ss = &d->ss[i];

        if (!ss->sys)
            continue; /* no valid assessment */
        for (k = evidence_of(x, b->assessment);
             rc == SR_OK && k < x->ne && x->e[k].assessment == b->assessment;
             k++) {
            const struct erow *v = &x->e[k];

            rc = apply_evidence(b, ss->sys, sr_baseline_name(v->element),
                                v->item, v->full,
                                !v->full && closed_since(d, i, v->item,
                                                         b->assessed_on),
                                ss->seen);
        }
        for (e = 0; rc == SR_OK && e < SR_BASELINE_COUNT; e++)
            rc = apply_element(b, ss->sys, e, ss->seen[e], ss->open[e],
                               ss->open_item[e]);
    }
    return rc;
}

/* The baseline of every school of @p r as of @p day from the rows. */
static sr_error
judge_day(const struct rows *x, struct sr_baseline_report *r,
          const char *day)
{
    struct day d;
    sr_error rc;

    memset(&d, 0, sizeof(d));
    d.day = day;
    if (!r->n)
        return SR_OK;
    d.ss = calloc(r->n, sizeof(*d.ss));
    if (!d.ss)
        return SR_ERR_NOMEM;
    rc = day_latest(x, r, &d);
    if (rc == SR_OK)
        rc = day_hazards(x, &d);
    if (rc == SR_OK)
        rc = day_evidence(x, r, &d);
    free(d.closed);
    free(d.ss);
    return rc;
}

/* ------------------------------------------------------------------ */

struct collect {
    struct sr_baseline_report *r;
    size_t alloc;
    sr_error rc;
};

static int
collect_school(const struct sr_school_record *s, void *p)
{
    struct collect *c = p;
    struct sr_baseline_school *b;

    if (c->r->n == c->alloc) {
        size_t na = c->alloc ? c->alloc * 2 : 256;
        struct sr_baseline_school *nv =
            realloc(c->r->s, na * sizeof(*nv));

        if (!nv) {
            c->rc = SR_ERR_NOMEM;
            return 1;
        }
        c->r->s = nv;
        c->alloc = na;
    }
    b = &c->r->s[c->r->n];
    memset(b, 0, sizeof(*b));
    snprintf(b->code, sizeof(b->code), "%s", s->code);
    b->stage = (int)s->school.attr[SR_ATTR_STAGE];
    b->name = sr_strdup(s->name);
    b->district = sr_strdup(s->district);
    b->district_name = sr_strdup(s->district_name);
    c->r->n++;
    if (!b->name || !b->district || !b->district_name) {
        c->rc = SR_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* School @p b in its district's counts: each element met or
 * unassessed, and all four met, unassessed (some element unassessed,
 * none not met) or not met (the rest). */
static void
count_school(struct sr_baseline_district *d,
             const struct sr_baseline_school *b)
{
    int e, four = 1, failed = 0;

    d->schools++;
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        d->met[e] += b->met[e];
        d->unassessed[e] += b->unassessed[e];
        four &= b->met[e];
        failed |= !b->met[e] && !b->unassessed[e];
    }
    d->all_four += (size_t)four;
    d->four_unassessed += (size_t)(!four && !failed);
}

/* Whether scope covers district d whole. */
static bool
covers_district(const struct sr_scope *scope, const char *d)
{
    size_t i;

    if (!scope || scope->all)
        return true;
    for (i = 0; i < scope->n_districts; i++)
        if (!strcmp(scope->districts[i], d))
            return true;
    return false;
}

static sr_error
districts(struct sr_store *st, const char *only, const struct sr_scope *scope,
          struct sr_baseline_report *r)
{
    struct sr_districts all;
    sr_error rc;
    size_t i, j;

    rc = sr_registry_districts(st, &all);
    if (rc != SR_OK)
        return rc;
    r->d = calloc(all.n ? all.n : 1, sizeof(*r->d));
    if (!r->d) {
        sr_districts_release(&all);
        return SR_ERR_NOMEM;
    }
    for (i = 0; i < all.n; i++) {
        struct sr_baseline_district *d;

        if ((only && strcmp(only, all.v[i].code) &&
             strcmp(only, all.v[i].name)) ||
            !covers_district(scope, all.v[i].code))
            continue;
        d = &r->d[r->nd++];
        d->code = sr_strdup(all.v[i].code);
        d->name = sr_strdup(all.v[i].name);
        if (!d->code || !d->name) {
            sr_districts_release(&all);
            return SR_ERR_NOMEM;
        }
        for (j = 0; j < r->n; j++)
            if (!strcmp(r->s[j].district, d->code))
                count_school(d, &r->s[j]);
        d->reaches = d->schools > 0 && d->all_four == d->schools;
    }
    sr_districts_release(&all);
    return SR_OK;
}

sr_error
sr_baseline_compute(struct sr_store *st, const char *district,
                    const char *as_of, struct sr_baseline_report *out)
{
    return sr_baseline_compute_scoped(st, district, as_of, NULL, out);
}

/* The schools of @p from (who they are, nothing judged) into @p to. */
static sr_error
schools_copy(struct sr_baseline_report *to,
             const struct sr_baseline_report *from)
{
    size_t i;

    if (!from->n)
        return SR_OK;
    to->s = calloc(from->n, sizeof(*to->s));
    if (!to->s)
        return SR_ERR_NOMEM;
    for (i = 0; i < from->n; i++) {
        const struct sr_baseline_school *f = &from->s[i];
        struct sr_baseline_school *b = &to->s[i];

        memcpy(b->code, f->code, sizeof(b->code));
        b->stage = f->stage;
        b->name = sr_strdup(f->name);
        b->district = sr_strdup(f->district);
        b->district_name = sr_strdup(f->district_name);
        to->n++;
        if (!b->name || !b->district || !b->district_name)
            return SR_ERR_NOMEM;
    }
    return SR_OK;
}

bool
sr_overlay_closes(const struct sr_overlay *ov, int64_t id)
{
    size_t lo = 0, hi = ov ? ov->n : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ov->closed[mid] == id)
            return true;
        if (ov->closed[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* The what-if (whatif_int.h): the hazards of @p ov read as closed on
 * @p day, so that the rules below judge them so.  An open hazard the
 * rules do not ask about (no element) was not read and changes
 * nothing. */
static void
overlay_hazards(struct rows *x, const struct sr_overlay *ov, const char *day)
{
    size_t i;

    for (i = 0; i < x->nh; i++) {
        struct hrow *h = &x->h[i];

        if (!sr_overlay_closes(ov, h->id) ||
            (h->closed && h->has_closed && strcmp(h->closed_on, day) <= 0))
            continue;
        h->closed = h->has_closed = true;
        memcpy(h->closed_on, day, sizeof(h->closed_on));
    }
}

/* The baseline as of each of @p days (NULL: today) into @p out, from
 * one read of the rows in one read transaction. */
static sr_error
compute(struct sr_store *st, const char *district, const char *const *days,
        size_t n, const struct sr_scope *scope, const struct sr_overlay *ov,
        struct sr_baseline_report *out)
{
    struct sr_registry_filter f = {.district = district, .stage = -1,
                                   .scope = scope};
    struct collect c = {out, 0, SR_OK};
    const char *first = NULL, *last = NULL;
    struct rows x;
    char today[16];
    sr_error rc = SR_OK;
    bool own;
    size_t k;

    memset(out, 0, n * sizeof(*out));
    memset(&x, 0, sizeof(x));
    sr_arena_init(&x.strings);
    sr_store_today(st, today);
    for (k = 0; k < n; k++) {
        const char *day = days[k] ? days[k] : today;

        if (!sr_date_valid(day))
            return sr_store_fail_code(
                st, SR_ERR_INPUT, _("bad date '%s' (expected YYYY-MM-DD)"),
                day);
        memcpy(out[k].as_of, day, 10); /* sr_date_valid: exactly 10 */
        out[k].as_of[10] = '\0';
        if (!first || strcmp(day, first) < 0)
            first = out[k].as_of;
        if (!last || strcmp(day, last) > 0)
            last = out[k].as_of;
    }
    if (!n)
        return SR_OK;
    /* One read transaction: a consistent snapshot (or the caller's). */
    rc = sr_store_read_begin(st, &own);
    if (rc != SR_OK)
        return rc;
    rc = sr_registry_list(st, &f, collect_school, &c);
    if (rc == SR_OK)
        rc = c.rc;
    for (k = 1; rc == SR_OK && k < n; k++)
        rc = schools_copy(&out[k], &out[0]);
    /* The schools listed are all of one district when one is asked
     * for: the statements then read that district's rows alone. */
    if (rc == SR_OK && out->n)
        rc = rows_read(st, &x, out,
                       district ? out->s[0].district : NULL, first, last,
                       n > 1);
    if (rc == SR_OK && ov)
        overlay_hazards(&x, ov, last);
    for (k = 0; rc == SR_OK && k < n; k++) {
        rc = judge_day(&x, &out[k], out[k].as_of);
        if (rc == SR_OK)
            rc = districts(st, district, scope, &out[k]);
    }
    sr_store_read_end(st, own);
    rows_release(&x);
    if (rc != SR_OK)
        for (k = 0; k < n; k++)
            sr_baseline_report_release(&out[k]);
    if (rc == SR_ERR_NOMEM)
        sr_store_fail_code(st, rc, _("out of memory"));
    return rc;
}

sr_error
sr_baseline_compute_scoped(struct sr_store *st, const char *district,
                           const char *as_of, const struct sr_scope *scope,
                           struct sr_baseline_report *out)
{
    return compute(st, district, &as_of, 1, scope, NULL, out);
}

sr_error
sr_baseline_compute_overlay(struct sr_store *st, const char *district,
                            const char *as_of, const struct sr_overlay *ov,
                            struct sr_baseline_report *out)
{
    return compute(st, district, &as_of, 1, NULL, ov, out);
}

sr_error
sr_baseline_compute_days(struct sr_store *st, const char *district,
                         const char *const *days, size_t n,
                         struct sr_baseline_report *out)
{
    return compute(st, district, days, n, NULL, NULL, out);
}

sr_error
sr_baseline_school(struct sr_store *st, const char *code, const char *as_of,
                   struct sr_baseline_school *out)
{
    struct sr_school_record r;
    struct systems_cache mc;
    struct stmts q;
    char today[16];
    sr_error rc;
    bool own;

    memset(out, 0, sizeof(*out));
    memset(&mc, 0, sizeof(mc));
    memset(&q, 0, sizeof(q));
    sr_school_record_init(&r);
    sr_store_today(st, today);
    if (!as_of)
        as_of = today;
    if (!sr_date_valid(as_of))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("bad date '%s' (expected YYYY-MM-DD)"),
                                  as_of);
    rc = sr_store_read_begin(st, &own);
    if (rc != SR_OK)
        return rc;
    rc = sr_registry_get(st, code, &r);
    if (rc == SR_OK) {
        snprintf(out->code, sizeof(out->code), "%s", r.code);
        out->stage = (int)r.school.attr[SR_ATTR_STAGE];
        out->name = sr_strdup(r.name);
        out->district = sr_strdup(r.district);
        out->district_name = sr_strdup(r.district_name);
        if (!out->name || !out->district || !out->district_name)
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    if (rc == SR_OK)
        rc = stmts_prepare(st, &q);
    if (rc == SR_OK)
        rc = school_baseline(st, &q, &mc, as_of, out);
    if (rc == SR_ERR_NOMEM)
        sr_store_fail_code(st, rc, _("out of memory"));
    stmts_release(st, &q);
    cache_release(&mc);
    sr_store_read_end(st, own);
    sr_school_record_release(&r);
    if (rc != SR_OK)
        sr_baseline_school_release(out);
    return rc;
}
