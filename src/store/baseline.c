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
 * computation: their valid-months and their items' titles. */
struct systems_cache {
    struct {
        char *key; /* "id\tversion" */
        struct sr_system *sys;
    } v[32];
    size_t n;
    struct sr_system *spare; /* a 33rd system, kept until the next */
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
    rc = sr_store_system(st, id, version, &sys);
    if (rc != SR_OK)
        return rc;
    *out = sys;
    if (c->n < sizeof(c->v) / sizeof(c->v[0])) {
        c->v[c->n].key = sr_strdup(key);
        if (!c->v[c->n].key) {
            sr_system_free(sys);
            return SR_ERR_NOMEM;
        }
        c->v[c->n++].sys = sys;
    } else {
        sr_system_free(c->spare);
        c->spare = sys;
    }
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
    sr_system_free(c->spare);
    memset(c, 0, sizeof(*c));
}

/* The statements used per school, prepared once. */
struct stmts {
    sqlite3_stmt *latest;   /* latest submitted assessment <= day */
    sqlite3_stmt *evidence; /* its baseline items */
    sqlite3_stmt *closed;   /* a hazard on the item closed since */
    sqlite3_stmt *open;     /* an open hazard on the element */
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
                              "SELECT element, item, full FROM baseline_items"
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
    }
    free(item);
    return text;
}

/* Element e is not met because of @p r (its strings are copied); the
 * first cause found is the one kept. */
static sr_error
not_met(struct sr_baseline_school *b, int e, const struct sr_baseline_reason *r)
{
    struct sr_baseline_reason *to = &b->reason[e];

    b->met[e] = false;
    if (to->cause != SR_CAUSE_NONE)
        return SR_OK;
    *to = *r;
    to->item = r->item ? sr_strdup(r->item) : NULL;
    to->item_title = r->item_title ? sr_strdup(r->item_title) : NULL;
    b->why[e] = why_text(to);
    if ((r->item && !to->item) || (r->item_title && !to->item_title) ||
        !b->why[e])
        return SR_ERR_NOMEM;
    return SR_OK;
}

static sr_error
school_baseline(struct sr_store *st, struct stmts *q, struct systems_cache *sc,
                const char *day, struct sr_baseline_school *b)
{
    struct sr_baseline_reason r;
    const struct sr_system *sys;
    int e, step, seen[SR_BASELINE_COUNT] = {0};
    sr_error rc = SR_OK;

    memset(&r, 0, sizeof(r));
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        b->met[e] = false;
    sqlite3_reset(q->latest);
    sr_bind_text(q->latest, 1, b->code);
    sr_bind_text(q->latest, 2, day);
    step = sqlite3_step(q->latest);
    if (step == SQLITE_DONE) {
        r.cause = SR_CAUSE_NO_ASSESSMENT;
        for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++)
            rc = not_met(b, e, &r);
        return rc;
    }
    if (step != SQLITE_ROW)
        return sr_store_dberr(st, _("cannot read assessments"));
    r.assessment = sqlite3_column_int64(q->latest, 0);
    snprintf(r.assessed_on, sizeof(r.assessed_on), "%s",
             (const char *)sqlite3_column_text(q->latest, 1));
    rc = system_of(st, sc, (const char *)sqlite3_column_text(q->latest, 2),
                   (const char *)sqlite3_column_text(q->latest, 3), &sys);
    if (rc != SR_OK)
        return rc;
    sr_date_add_months(r.assessed_on, sr_system_valid_months(sys), r.until);
    if (strcmp(day, r.until) >= 0) {
        r.cause = SR_CAUSE_EXPIRED;
        for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++)
            rc = not_met(b, e, &r);
        return rc;
    }
    r.until[0] = '\0';
    b->assessment = r.assessment;
    memcpy(b->assessed_on, r.assessed_on, sizeof(b->assessed_on));
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        b->met[e] = true;
    sqlite3_reset(q->evidence);
    sqlite3_bind_int64(q->evidence, 1, b->assessment);
    while (rc == SR_OK && (step = sqlite3_step(q->evidence)) == SQLITE_ROW) {
        const char *el = (const char *)sqlite3_column_text(q->evidence, 0);
        const char *item = (const char *)sqlite3_column_text(q->evidence, 1);
        int full = sqlite3_column_int(q->evidence, 2);

        e = sr_baseline_lookup(el);
        if (e < 0)
            continue;
        seen[e] = 1;
        if (full)
            continue;
        sqlite3_reset(q->closed);
        sr_bind_text(q->closed, 1, b->code);
        sr_bind_text(q->closed, 2, item);
        sr_bind_text(q->closed, 3, b->assessed_on);
        sr_bind_text(q->closed, 4, day);
        step = sqlite3_step(q->closed);
        if (step == SQLITE_ROW)
            continue; /* rectified and verified since */
        if (step != SQLITE_DONE)
            return sr_store_dberr(st, _("cannot read hazards"));
        r.cause = SR_CAUSE_ITEM_LOST;
        r.item = (char *)item;
        r.item_title = (char *)item_title(sys, item);
        rc = not_met(b, e, &r);
    }
    if (rc != SR_OK)
        return rc;
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return sr_store_dberr(st, _("cannot read the baseline evidence"));
    for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++) {
        if (!seen[e]) {
            r.cause = SR_CAUSE_NO_EVIDENCE;
            r.item = r.item_title = NULL;
            rc = not_met(b, e, &r);
            continue;
        }
        sqlite3_reset(q->open);
        sr_bind_text(q->open, 1, b->code);
        sr_bind_text(q->open, 2, sr_baseline_name(e));
        sr_bind_text(q->open, 3, day);
        step = sqlite3_step(q->open);
        if (step == SQLITE_ROW) {
            r.cause = SR_CAUSE_HAZARD_OPEN;
            r.hazard = sqlite3_column_int64(q->open, 0);
            r.item = (char *)sqlite3_column_text(q->open, 1);
            r.item_title = (char *)item_title(sys, r.item);
            rc = not_met(b, e, &r);
        } else if (step != SQLITE_DONE) {
            return sr_store_dberr(st, _("cannot read hazards"));
        }
    }
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
    int e;

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
        for (j = 0; j < r->n; j++) {
            const struct sr_baseline_school *b = &r->s[j];
            int four = 1;

            if (strcmp(b->district, d->code))
                continue;
            d->schools++;
            for (e = 0; e < SR_BASELINE_COUNT; e++) {
                d->met[e] += b->met[e];
                four &= b->met[e];
            }
            d->all_four += (size_t)four;
        }
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

sr_error
sr_baseline_compute_scoped(struct sr_store *st, const char *district,
                           const char *as_of, const struct sr_scope *scope,
                           struct sr_baseline_report *out)
{
    struct sr_registry_filter f = {.district = district, .stage = -1,
                                   .scope = scope};
    struct collect c = {out, 0, SR_OK};
    struct systems_cache mc;
    struct stmts q;
    char today[16];
    size_t i;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    memset(&mc, 0, sizeof(mc));
    memset(&q, 0, sizeof(q));
    sr_store_today(st, today);
    if (!as_of)
        as_of = today;
    if (!sr_date_valid(as_of))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("bad date '%s' (expected YYYY-MM-DD)"),
                                  as_of);
    memcpy(out->as_of, as_of, 10); /* sr_date_valid: exactly 10 */
    out->as_of[10] = '\0';
    /* One read transaction: a consistent snapshot. */
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot start a read transaction"));
    rc = sr_registry_list(st, &f, collect_school, &c);
    if (rc == SR_OK)
        rc = c.rc;
    if (rc == SR_OK)
        rc = stmts_prepare(st, &q);
    for (i = 0; rc == SR_OK && i < out->n; i++)
        rc = school_baseline(st, &q, &mc, as_of, &out->s[i]);
    if (rc == SR_OK)
        rc = districts(st, district, scope, out);
    stmts_release(st, &q);
    cache_release(&mc);
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SR_OK)
        sr_baseline_report_release(out);
    return rc;
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
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return sr_store_dberr(st, _("cannot start a read transaction"));
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
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    sr_school_record_release(&r);
    if (rc != SR_OK)
        sr_baseline_school_release(out);
    return rc;
}
