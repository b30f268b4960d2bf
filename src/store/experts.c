/*
 * experts.c - the SQL of the expert corps (schoolrisk/experts.h): the
 * experts and expert_events tables of schema 6.  The rules are in
 * src/experts.c; see experts_int.h for the contract of each function.
 *
 * Whether an expert is certified on a date is one SQL expression
 * (CERTIFIED below), used by the summary and nowhere else, so that the
 * rule of experts.h is written once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experts_int.h"
#include "store_int.h"
#include "../util.h"

/* Active, certified on or before ?1, the certificate valid through its
 * expiry date (?1 a "YYYY-MM-DD"; text dates compare in date order). */
#define CERTIFIED                                                           \
    "(x.status = 'active' AND x.certified_on <= ?1 AND "                    \
    "x.expires_on >= ?1)"

#define SELECT_EXPERT                                                       \
    "SELECT x.user, u.login, u.name, x.unit, x.district, d.name, "          \
    "x.specialities, x.trained_on, x.certified_on, x.expires_on, "          \
    "x.status, x.updated_at, x.updated_by FROM experts x JOIN users u ON "  \
    "u.id = x.user JOIN districts d ON d.code = x.district "

static sr_error
step_done(struct sr_store *st, struct sr_stmt *s, const char *what)
{
    if (sr_step(s) != SR_DONE)
        return sr_store_dberr(st, what);
    return SR_OK;
}

static void
copy_date(char out[11], struct sr_stmt *s, int i)
{
    const char *t = sr_col_text(s, i);

    snprintf(out, 11, "%s", t ? t : "");
}

/* A row of SELECT_EXPERT into e (released first by the caller). */
static sr_error
read_row(struct sr_store *st, struct sr_stmt *s, struct sr_expert *e)
{
    const char *specs = sr_col_text(s, 6);
    char bad[8];
    int nomem = 0;

    memset(e, 0, sizeof(*e));
    e->user = sr_col_int64(s, 0);
    e->login = sr_column_dup(s, 1, &nomem);
    e->name = sr_column_dup(s, 2, &nomem);
    e->unit = sr_column_dup(s, 3, &nomem);
    e->district = sr_column_dup(s, 4, &nomem);
    e->district_name = sr_column_dup(s, 5, &nomem);
    copy_date(e->trained_on, s, 7);
    copy_date(e->certified_on, s, 8);
    copy_date(e->expires_on, s, 9);
    e->status = sr_expert_status_lookup(sr_col_text(s,
                                                                          10));
    e->updated_at = sr_column_dup(s, 11, &nomem);
    e->updated_by = sr_column_dup(s, 12, &nomem);
    if (nomem) {
        sr_expert_release(e);
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    /* The table's CHECKs hold the status; the specialities are text an
     * sqlite3 shell could have changed, which audit verify names too. */
    if (!specs || sr_speciality_parse(specs, &e->specialities, bad,
                                      sizeof(bad)) != SR_OK ||
        e->status < 0) {
        sr_expert_release(e);
        return sr_store_fail_code(st, SR_ERR_DB,
                                  _("the expert profile of user %lld is "
                                    "damaged"),
                                  (long long)sr_col_int64(s, 0));
    }
    return SR_OK;
}

sr_error
sr_exdb_get(struct sr_store *st, int64_t user, struct sr_expert *out,
            bool *found)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *found = false;
    rc = sr_store_prepare(st, SELECT_EXPERT "WHERE x.user = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, user);
    step = sr_step(s);
    if (step == SR_ROW) {
        rc = read_row(st, s, out);
        *found = rc == SR_OK;
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the expert profiles"));
    }
    sr_store_finish(st, s);
    return rc;
}

/* Bind the profile's columns as ?1..?8, the store's time and actor as
 * ?9 and ?10. */
static void
bind_profile(struct sr_store *st, struct sr_stmt *s, const struct sr_expert *e)
{
    char specs[SR_SPEC_TEXT_MAX], now[32];

    sr_speciality_join(e->specialities, specs);
    sr_store_now(st, now);
    sr_bind_int64(s, 1, e->user);
    sr_bind_text(s, 2, e->unit);
    sr_bind_text(s, 3, e->district);
    /* sr_bind_text() copies: specs and now are on this stack frame. */
    sr_bind_text(s, 4, specs);
    sr_bind_text(s, 5, e->trained_on);
    sr_bind_text(s, 6, e->certified_on);
    sr_bind_text(s, 7, e->expires_on);
    sr_bind_text(s, 8, sr_expert_status_name(e->status));
    sr_bind_text(s, 9, now);
    sr_bind_text(s, 10, sr_store_actor(st));
}

sr_error
sr_exdb_insert(struct sr_store *st, const struct sr_expert *e)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st,
        "INSERT INTO experts(\"user\", unit, district, specialities, "
        "trained_on, certified_on, expires_on, status, updated_at, "
        "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        &s);

    if (rc != SR_OK)
        return rc;
    bind_profile(st, s, e);
    rc = step_done(st, s, _("cannot add the expert profile"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_exdb_update(struct sr_store *st, const struct sr_expert *e)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st,
        "UPDATE experts SET unit = ?2, district = ?3, specialities = ?4, "
        "trained_on = ?5, certified_on = ?6, expires_on = ?7, status = ?8, "
        "updated_at = ?9, updated_by = ?10 WHERE \"user\" = ?1",
        &s);

    if (rc != SR_OK)
        return rc;
    bind_profile(st, s, e);
    rc = step_done(st, s, _("cannot update the expert profile"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_exdb_event(struct sr_store *st, int64_t user, const char *action)
{
    struct sr_stmt *s = NULL;
    char now[32];
    char *state = NULL;
    sr_error rc;

    /* The profile's state after the change the caller made. */
    rc = sr_state_by_id(st, &sr_expert_state, user, &state);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_prepare(
        st,
        "INSERT INTO expert_events(\"user\", at, by, by_user, action, state) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_store_now(st, now);
    sr_bind_int64(s, 1, user);
    sr_bind_text(s, 2, now);
    sr_bind_text(s, 3, sr_store_actor(st));
    sr_bind_user(st, s, 4);
    sr_bind_text(s, 5, action);
    sr_bind_text(s, 6, state);
    rc = step_done(st, s, _("cannot record the expert event"));
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_audit_append(st, "expert", sr_db_last_id(st));

cleanup:
    free(state);
    return rc;
}

sr_error
sr_exdb_list(struct sr_store *st, const struct sr_expert_filter *f,
             const char *district, const char *as_of, sr_expert_fn fn,
             void *ctx)
{
    struct sr_stmt *s = NULL;
    struct sr_expert e;
    char ahead[32];
    sr_error rc;
    int step;

    memset(&e, 0, sizeof(e));
    rc = sr_store_prepare(
        st,
        SELECT_EXPERT
        "WHERE (?1 IS NULL OR x.district = ?1) AND (?2 IS NULL OR "
        "instr(',' || x.specialities || ',', ',' || ?2 || ',') > 0) AND "
        "(?3 IS NULL OR x.status = ?3) AND (?4 IS NULL OR x.expires_on <= "
        "date(?5, ?4)) ORDER BY d.sort, lower(u.login) COLLATE \"binary\"",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, sr_speciality_name(f->speciality));
    sr_bind_text(s, 3, sr_expert_status_name(f->status));
    if (f->due_days >= 0) {
        snprintf(ahead, sizeof(ahead), "+%d days", f->due_days);
        sr_bind_text(s, 4, ahead);
    }
    sr_bind_text(s, 5, as_of);
    while ((step = sr_step(s)) == SR_ROW) {
        int stop;

        rc = read_row(st, s, &e);
        if (rc != SR_OK)
            break;
        stop = fn(&e, ctx);
        sr_expert_release(&e);
        if (stop)
            break;
    }
    if (rc == SR_OK && step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the expert profiles"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The summary                                                          */
/* ------------------------------------------------------------------ */

static sr_error
summary_totals(struct sr_store *st, struct sr_expert_summary *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT count(*), coalesce(sum(x.status = 'active'), 0), "
        "coalesce(sum(" CERTIFIED "), 0), coalesce(sum(" CERTIFIED " AND "
        "x.expires_on <= date(?1, ?2)), 0) FROM experts x",
        &s);
    char ahead[32];

    if (rc != SR_OK)
        return rc;
    snprintf(ahead, sizeof(ahead), "+%d days", SR_EXPERT_DUE_DAYS);
    sr_bind_text(s, 1, out->as_of);
    sr_bind_text(s, 2, ahead);
    if (sr_step(s) == SR_ROW) {
        out->experts = (size_t)sr_col_int64(s, 0);
        out->active = (size_t)sr_col_int64(s, 1);
        out->certified = (size_t)sr_col_int64(s, 2);
        out->due = (size_t)sr_col_int64(s, 3);
    } else {
        rc = sr_store_dberr(st, _("cannot read the expert profiles"));
    }
    sr_store_finish(st, s);
    return rc;
}

static sr_error
summary_districts(struct sr_store *st, struct sr_expert_summary *out)
{
    struct sr_stmt *s = NULL;
    struct sr_expert_district *d;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT d.code, d.name, count(x.user), coalesce(sum(" CERTIFIED
        "), 0) FROM districts d LEFT JOIN experts x ON x.district = d.code "
        "GROUP BY d.code ORDER BY d.sort, d.code",
        &s);
    size_t alloc = 0;
    int step, nomem = 0;

    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, out->as_of);
    while ((step = sr_step(s)) == SR_ROW) {
        if (out->n_districts == alloc) {
            alloc = alloc ? 2 * alloc : 16;
            d = realloc(out->districts, alloc * sizeof(*d));
            if (!d) {
                rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
                break;
            }
            out->districts = d;
        }
        d = &out->districts[out->n_districts++];
        memset(d, 0, sizeof(*d));
        snprintf(d->code, sizeof(d->code), "%s",
                 sr_col_text(s, 0));
        d->name = sr_column_dup(s, 1, &nomem);
        d->experts = (size_t)sr_col_int64(s, 2);
        d->certified = (size_t)sr_col_int64(s, 3);
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the districts"));
    sr_store_finish(st, s);
    return rc;
}

static sr_error
summary_specialities(struct sr_store *st, struct sr_expert_summary *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st, "SELECT x.specialities FROM experts x WHERE " CERTIFIED, &s);
    unsigned mask;
    char bad[8];
    int step, i;

    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, out->as_of);
    while ((step = sr_step(s)) == SR_ROW) {
        const char *t = sr_col_text(s, 0);

        if (!t || sr_speciality_parse(t, &mask, bad, sizeof(bad)) != SR_OK)
            continue; /* damaged by hand: audit verify names it */
        for (i = 0; i < SR_SPEC_COUNT; i++)
            if (mask & SR_SPECS(i))
                out->by_speciality[i]++;
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the expert profiles"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_exdb_summary(struct sr_store *st, struct sr_expert_summary *out)
{
    sr_error rc = summary_totals(st, out);

    if (rc == SR_OK)
        rc = summary_districts(st, out);
    if (rc == SR_OK)
        rc = summary_specialities(st, out);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Workload                                                             */
/* ------------------------------------------------------------------ */

/* One row per expert user with a submitted inspection dated by ?2 or
 * a pair in a published plan overlapping ?1..?2.  The inspections'
 * figures of the period are the rows dated from ?1; a hazard row joins
 * the inspection that raised it (hazards.assessment), so the
 * inspections and schools are counted DISTINCT.  A plan's pair is done
 * when the expert submitted an inspection of the school for that plan
 * (assessments.plan), dated by ?2. */
#define WORK_SQL                                                            \
    "WITH ins AS (SELECT a.submitted_by_user AS \"user\", "                    \
    "count(DISTINCT CASE WHEN a.assessed_on >= ?1 THEN a.id END) AS n, "    \
    "count(DISTINCT CASE WHEN a.assessed_on >= ?1 THEN a.school END) AS s, "\
    "coalesce(sum(a.assessed_on >= ?1 AND h.level = 'general'), 0) AS g, "  \
    "coalesce(sum(a.assessed_on >= ?1 AND h.level = 'major'), 0) AS m, "    \
    "max(a.assessed_on) AS last "                                           \
    "FROM assessments a JOIN experts x ON x.user = a.submitted_by_user "    \
    "LEFT JOIN hazards h ON h.assessment = a.id "                           \
    "WHERE a.kind = 'inspection' AND a.status = 'submitted' AND "           \
    "a.assessed_on <= ?2 GROUP BY a.submitted_by_user), "                   \
    "pl AS (SELECT r.expert AS \"user\", count(*) AS assigned, "                \
    "coalesce(sum(EXISTS (SELECT 1 FROM assessments y WHERE y.plan = "      \
    "r.plan AND y.school = r.school AND y.submitted_by_user = r.expert "    \
    "AND y.kind = 'inspection' AND y.status = 'submitted' AND "             \
    "y.assessed_on <= ?2)), 0) AS done "                                    \
    "FROM plan_pairs r JOIN plans p ON p.id = r.plan JOIN experts x ON "    \
    "x.user = r.expert WHERE p.state = 'published' AND p.period_start <= "  \
    "?2 AND p.period_end >= ?1 GROUP BY r.expert) "                         \
    "SELECT u.user, coalesce(ins.n, 0), coalesce(ins.s, 0), "               \
    "coalesce(ins.g, 0), coalesce(ins.m, 0), ins.last, "                    \
    "coalesce(pl.assigned, 0), coalesce(pl.done, 0) FROM (SELECT \"user\" "     \
    "FROM ins UNION SELECT \"user\" FROM pl) u LEFT JOIN ins ON ins.user = "    \
    "u.user LEFT JOIN pl ON pl.user = u.user ORDER BY u.user"

/* Row i of WORK_SQL into w. */
static void
read_work(struct sr_stmt *s, struct sr_exdb_work *w)
{
    memset(w, 0, sizeof(*w));
    w->user = sr_col_int64(s, 0);
    w->w.inspections = (size_t)sr_col_int64(s, 1);
    w->w.schools = (size_t)sr_col_int64(s, 2);
    w->w.general = (size_t)sr_col_int64(s, 3);
    w->w.major = (size_t)sr_col_int64(s, 4);
    copy_date(w->w.last_on, s, 5);
    w->w.assigned = (size_t)sr_col_int64(s, 6);
    w->w.assigned_done = (size_t)sr_col_int64(s, 7);
}

sr_error
sr_exdb_work(struct sr_store *st, const char *from, const char *to,
             struct sr_exdb_work **out, size_t *n)
{
    struct sr_stmt *s = NULL;
    struct sr_exdb_work *v = NULL, *grown;
    size_t len = 0, alloc = 0;
    sr_error rc;
    int step;

    *out = NULL;
    *n = 0;
    rc = sr_store_prepare(st, WORK_SQL, &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, from);
    sr_bind_text(s, 2, to);
    while ((step = sr_step(s)) == SR_ROW) {
        if (len == alloc) {
            alloc = alloc ? 2 * alloc : 64;
            grown = realloc(v, alloc * sizeof(*v));
            if (!grown) {
                rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
                break;
            }
            v = grown;
        }
        read_work(s, &v[len++]);
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the experts' inspections"));
    sr_store_finish(st, s);
    if (rc != SR_OK) {
        free(v);
        return rc;
    }
    *out = v;
    *n = len;
    return SR_OK;
}
