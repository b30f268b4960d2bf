/*
 * store/plans.c - the SQL of inspection plans (schoolrisk/plans.h):
 * reading what a plan is made from, storing it, publishing it into the
 * audit chain, and its progress.  The decisions are sr_plan_build()'s
 * (src/plans.c); this file only reads and writes.
 *
 * Making a plan holds one write transaction from the first read of the
 * registry to the last row written, so that the plan is made from one
 * state of the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/report.h"
#include "experts_int.h"
#include "plans_int.h"
#include "store_int.h"
#include "users_int.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static void
copy_text(char *out, size_t size, struct sr_stmt *s, int i)
{
    const char *t = sr_col_text(s, i);

    snprintf(out, size, "%s", t ? t : "");
}

/* A stored speciality list ("" for none) as a mask. */
static unsigned
specs_of(struct sr_stmt *s, int i)
{
    const char *t = sr_col_text(s, i);
    unsigned m = 0;
    char bad[8];

    if (!t || !*t || sr_speciality_parse(t, &m, bad, sizeof(bad)) != SR_OK)
        return 0;
    return m;
}

/* May scope see a plan of district (NULL: the city's)? */
static bool
in_scope(const struct sr_scope *scope, const char *district)
{
    size_t i;

    if (!scope || scope->all)
        return true;
    for (i = 0; district && i < scope->n_districts; i++)
        if (!strcmp(scope->districts[i], district))
            return true;
    return false;
}

static sr_error
no_plan(struct sr_store *st, int64_t id)
{
    return sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                              _("no inspection plan %lld"), (long long)id);
}

static sr_error
grow(struct sr_store *st, void **v, size_t *alloc, size_t n, size_t sz)
{
    if (sr_grow(v, alloc, n, sz, 64) != SR_OK)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    return SR_OK;
}

/* ------------------------------------------------------------------ */
/* What a plan is made from                                             */
/* ------------------------------------------------------------------ */

/* The band's colour (0 blue .. 3 red) and the system's valid-months for
 * an inspection of system (id, version) in band. */
static sr_error
band_and_months(struct sr_store *st, const char *id, const char *version,
                const char *band, int *colour, int *months)
{
    struct sr_system *sys = NULL;
    const struct sr_band *bands;
    size_t n, i;
    sr_error rc;

    rc = sr_store_system(st, id, version, &sys);
    if (rc != SR_OK)
        return rc;
    *months = sr_system_valid_months(sys);
    *colour = SR_PLAN_BAND_NEVER;
    bands = sr_system_bands(sys, &n);
    for (i = 0; band && i < n; i++)
        if (!strcmp(bands[i].id, band))
            *colour = bands[i].colour;
    sr_system_free(sys);
    if (*colour == SR_PLAN_BAND_NEVER)
        return sr_store_fail_code(st, SR_ERR_DB,
                                  _("an inspection of system %s %s has an "
                                    "unknown band '%s'"),
                                  id, version, band ? band : "");
    return SR_OK;
}

#define CANDIDATES                                                          \
    "SELECT s.code, s.name, s.district, d.name, s.stage, s.laboratory, "    \
    "s.swimming_pool, s.canteen, s.meal_delivery, s.school_bus, "           \
    "s.boarders, s.special_needs, s.enrollment, a.id, a.assessed_on, "      \
    "a.system_id, a.system_version, a.band, a.band_label, a.vetoed, "       \
    "(SELECT count(*) FROM hazards h WHERE h.school = s.code AND "          \
    "h.level = 'major' AND h.status <> 'closed'), "                         \
    "(SELECT count(*) FROM hazards h WHERE h.school = s.code AND "          \
    "h.level = 'major' AND h.status <> 'closed' AND h.deadline IS NOT "     \
    "NULL AND h.deadline < ?2) "                                            \
    "FROM schools s JOIN districts d ON d.code = s.district "               \
    "LEFT JOIN assessments a ON a.id = (SELECT y.id FROM assessments y "    \
    "WHERE y.school = s.code AND y.status = 'submitted' AND "               \
    "y.kind = 'inspection' ORDER BY y.assessed_on DESC, y.id DESC "         \
    "LIMIT 1) "                                                             \
    "WHERE s.closed = 0 AND (?1 IS NULL OR s.district = ?1) "               \
    "ORDER BY s.code"

/* One row of CANDIDATES into c: needs, factors, mandatory or not. */
static sr_error
read_candidate(struct sr_store *st, struct sr_stmt *s, const struct sr_plan *p,
               struct sr_plan_school *c)
{
    struct sr_school sch;
    int nomem = 0, months = 0;
    sr_error rc;

    memset(c, 0, sizeof(*c));
    sr_school_init(&sch);
    copy_text(c->code, sizeof(c->code), s, 0);
    c->name = sr_column_dup(s, 1, &nomem);
    c->district = sr_column_dup(s, 2, &nomem);
    c->district_name = sr_column_dup(s, 3, &nomem);
    c->stage = sr_stage_lookup(sr_col_text(s, 4));
    sch.attr[SR_ATTR_STAGE] = c->stage;
    sch.attr[SR_ATTR_LABORATORY] = sr_col_int(s, 5);
    sch.attr[SR_ATTR_SWIMMING_POOL] = sr_col_int(s, 6);
    sch.attr[SR_ATTR_CANTEEN] = sr_col_int(s, 7);
    sch.attr[SR_ATTR_MEAL_DELIVERY] = sr_col_int(s, 8);
    sch.attr[SR_ATTR_SCHOOL_BUS] = sr_col_int(s, 9);
    c->needs = sr_plan_needs(&sch);
    c->f.boarders = sr_col_int64(s, 10);
    c->f.special_needs = sr_col_int64(s, 11);
    c->f.enrollment = sr_col_int64(s, 12);
    c->f.kindergarten = c->stage == SR_STAGE_KINDERGARTEN;
    c->f.open_major = sr_col_int64(s, 20);
    c->f.overdue_major = sr_col_int64(s, 21);
    c->f.band = SR_PLAN_BAND_NEVER;
    c->f.days_since = -1;
    c->reason = SR_PLAN_MANDATORY;
    if (nomem)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (sr_col_type(s, 13) == SR_COL_NULL)
        return SR_OK;
    c->last = sr_col_int64(s, 13);
    copy_text(c->last_on, sizeof(c->last_on), s, 14);
    c->band_label = sr_column_dup(s, 18, &nomem);
    c->f.vetoed = sr_col_int(s, 19) != 0;
    if (nomem)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    rc = band_and_months(st, sr_col_text(s, 15),
                         sr_col_text(s, 16),
                         sr_col_text(s, 17),
                         &c->f.band, &months);
    if (rc != SR_OK)
        return rc;
    if (sr_hazard_date_diff(c->last_on, p->as_of, &c->f.days_since) !=
        SR_OK)
        return sr_store_fail_code(st, SR_ERR_DB,
                                  _("inspection %lld has a bad date '%s'"),
                                  (long long)c->last, c->last_on);
    sr_date_add_months(c->last_on, months, c->expires_on);
    /* Still valid on the period's last day: a candidate for the draw. */
    if (strcmp(c->expires_on, p->end) > 0)
        c->reason = SR_PLAN_DRAWN;
    return SR_OK;
}

static sr_error
read_candidates(struct sr_store *st, const struct sr_plan *p,
                struct sr_plan_school **out, size_t *n)
{
    struct sr_plan_school *v = NULL;
    struct sr_stmt *s = NULL;
    size_t alloc = 0;
    sr_error rc;
    int step;

    *out = NULL;
    *n = 0;
    rc = sr_store_prepare(st, CANDIDATES, &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, p->district);
    sr_bind_text(s, 2, p->as_of);
    while ((step = sr_step(s)) == SR_ROW) {
        rc = grow(st, (void **)&v, &alloc, *n, sizeof(*v));
        if (rc != SR_OK)
            break;
        rc = read_candidate(st, s, p, &v[*n]);
        (*n)++;
        if (rc != SR_OK)
            break;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the schools"));
    sr_store_finish(st, s);
    *out = v;
    return rc;
}

/* The experts certified on the period's first day, by login (bytes),
 * each with its prior: the pairs published plans of an overlapping
 * period (any scope) give it.  Drafts do not count: they may still be
 * dropped or re-made (plans.h, step 4). */
static sr_error
read_experts(struct sr_store *st, const struct sr_plan *p,
             struct sr_plan_expert **out, size_t *n)
{
    struct sr_plan_expert *v = NULL, *e;
    struct sr_stmt *s = NULL;
    size_t alloc = 0;
    sr_error rc;
    int step, nomem = 0;

    *out = NULL;
    *n = 0;
    rc = sr_store_prepare(
        st,
        "SELECT x.user, u.login, u.name, x.unit, x.district, "
        "x.specialities, (SELECT count(*) FROM plan_pairs r JOIN plans q "
        "ON q.id = r.plan WHERE r.expert = x.user AND q.state = "
        "'published' AND q.period_start <= ?2 AND q.period_end >= ?1) "
        "FROM experts x JOIN users u ON u.id = x.user "
        "WHERE x.status = 'active' AND x.certified_on <= ?1 AND "
        "x.expires_on >= ?1 ORDER BY u.login COLLATE \"binary\"",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, p->start);
    sr_bind_text(s, 2, p->end);
    while ((step = sr_step(s)) == SR_ROW) {
        rc = grow(st, (void **)&v, &alloc, *n, sizeof(*v));
        if (rc != SR_OK)
            break;
        e = &v[(*n)++];
        memset(e, 0, sizeof(*e));
        e->user = sr_col_int64(s, 0);
        e->login = sr_column_dup(s, 1, &nomem);
        e->name = sr_column_dup(s, 2, &nomem);
        e->unit = sr_column_dup(s, 3, &nomem);
        e->district = sr_column_dup(s, 4, &nomem);
        e->specialities = specs_of(s, 5);
        e->prior = sr_col_int(s, 6);
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the expert profiles"));
    sr_store_finish(st, s);
    *out = v;
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing a plan                                                       */
/* ------------------------------------------------------------------ */

static sr_error
insert_plan(struct sr_store *st, struct sr_plan *p)
{
    struct sr_stmt *s = NULL;
    char seed[24], now[32];
    sr_error rc;

    rc = sr_store_prepare(
        st,
        "INSERT INTO plans(district, period, period_start, period_end, "
        "as_of, seed, school_share, expert_share, avoid_district, cap, "
        "pool_schools, pool_experts, state, created_at, created_by, "
        "created_by_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, 'draft', ?13, ?14, ?15)",
        &s);
    if (rc != SR_OK)
        return rc;
    /* Text: an unsigned 64-bit seed does not fit SQLite's integers. */
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)p->seed);
    sr_store_now(st, now);
    sr_bind_text(s, 1, p->district);
    sr_bind_text(s, 2, p->period);
    sr_bind_text(s, 3, p->start);
    sr_bind_text(s, 4, p->end);
    sr_bind_text(s, 5, p->as_of);
    sr_bind_text(s, 6, seed);
    sr_bind_int(s, 7, p->school_share);
    sr_bind_int(s, 8, p->expert_share);
    sr_bind_int(s, 9, p->avoid_district);
    sr_bind_int(s, 10, p->cap);
    sr_bind_int64(s, 11, (int64_t)p->pool_schools);
    sr_bind_int64(s, 12, (int64_t)p->pool_experts);
    sr_bind_text(s, 13, now);
    sr_bind_text(s, 14, sr_store_actor(st));
    sr_bind_user(st, s, 15);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot store the plan"));
    else
        p->id = sr_db_last_id(st);
    sr_store_finish(st, s);
    return rc;
}

static sr_error
insert_school(struct sr_store *st, const struct sr_plan *p,
              const struct sr_plan_school *c)
{
    struct sr_stmt *s = NULL;
    char needs[SR_SPEC_TEXT_MAX];
    sr_error rc;

    rc = sr_store_prepare(
        st,
        "INSERT INTO plan_schools(plan, school, rank, reason, needs, vetoed, "
        "band, band_label, overdue_major, open_major, boarders, "
        "special_needs, kindergarten, enrollment, days_since, "
        "last_assessment, last_on, expires_on, unassigned) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
        "?18, ?19)",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_speciality_join(c->needs, needs);
    sr_bind_int64(s, 1, p->id);
    sr_bind_text(s, 2, c->code);
    sr_bind_int64(s, 3, (int64_t)c->rank);
    sr_bind_text(s, 4, sr_plan_reason_name(c->reason));
    sr_bind_text(s, 5, needs);
    sr_bind_int(s, 6, c->f.vetoed);
    sr_bind_int(s, 7, c->f.band);
    sr_bind_text(s, 8, c->band_label);
    sr_bind_int64(s, 9, c->f.overdue_major);
    sr_bind_int64(s, 10, c->f.open_major);
    sr_bind_int64(s, 11, c->f.boarders);
    sr_bind_int64(s, 12, c->f.special_needs);
    sr_bind_int(s, 13, c->f.kindergarten);
    sr_bind_int64(s, 14, c->f.enrollment);
    if (c->f.days_since >= 0)
        sr_bind_int64(s, 15, c->f.days_since);
    if (c->last)
        sr_bind_int64(s, 16, c->last);
    sr_bind_text(s, 17, c->last_on[0] ? c->last_on : NULL);
    sr_bind_text(s, 18, c->expires_on[0] ? c->expires_on : NULL);
    sr_bind_text(s, 19, c->expert ? NULL : c->why);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot store the plan"));
    sr_store_finish(st, s);
    return rc;
}

static sr_error
insert_pair(struct sr_store *st, const struct sr_plan *p,
            const struct sr_plan_school *c)
{
    struct sr_stmt *s = NULL;
    char covered[SR_SPEC_TEXT_MAX], missing[SR_SPEC_TEXT_MAX];
    sr_error rc;

    rc = sr_store_prepare(
        st,
        "INSERT INTO plan_pairs(plan, school, expert, covered, missing, "
        "load_before, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_speciality_join(c->covered, covered);
    sr_speciality_join(c->missing, missing);
    sr_bind_int64(s, 1, p->id);
    sr_bind_text(s, 2, c->code);
    sr_bind_int64(s, 3, c->expert);
    sr_bind_text(s, 4, covered);
    sr_bind_text(s, 5, missing);
    sr_bind_int(s, 6, c->load_before);
    sr_bind_text(s, 7, c->why);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot store the plan"));
    sr_store_finish(st, s);
    return rc;
}

static sr_error
insert_expert(struct sr_store *st, const struct sr_plan *p,
              const struct sr_plan_expert *e)
{
    struct sr_stmt *s = NULL;
    char specs[SR_SPEC_TEXT_MAX];
    sr_error rc;

    rc = sr_store_prepare(
        st,
        "INSERT INTO plan_experts(plan, \"user\", position, login, unit, "
        "district, specialities, prior) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8)",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_speciality_join(e->specialities, specs);
    sr_bind_int64(s, 1, p->id);
    sr_bind_int64(s, 2, e->user);
    sr_bind_int64(s, 3, (int64_t)e->position);
    sr_bind_text(s, 4, e->login);
    sr_bind_text(s, 5, e->unit);
    sr_bind_text(s, 6, e->district);
    sr_bind_text(s, 7, specs);
    sr_bind_int(s, 8, e->prior);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot store the plan"));
    sr_store_finish(st, s);
    return rc;
}

static sr_error
write_plan(struct sr_store *st, struct sr_plan *p)
{
    sr_error rc = insert_plan(st, p);
    size_t i;

    for (i = 0; rc == SR_OK && i < p->n_experts; i++)
        rc = insert_expert(st, p, &p->experts[i]);
    for (i = 0; rc == SR_OK && i < p->n_schools; i++) {
        rc = insert_school(st, p, &p->schools[i]);
        if (rc == SR_OK && p->schools[i].expert)
            rc = insert_pair(st, p, &p->schools[i]);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Creating                                                             */
/* ------------------------------------------------------------------ */

/* The header of a new plan from in: scope, period, shares, seed. */
static sr_error
plan_header(struct sr_store *st, const struct sr_plan_in *in,
            const struct sr_scope *scope, struct sr_plan *p)
{
    struct sr_period per;
    char code[32] = "", today[16];
    sr_error rc;

    if (!in->period || sr_period_parse(in->period, &per) != SR_OK)
        return sr_store_fail_field(st, SR_ERR_INPUT, "period",
                                   _("'%s' is not a period (2026Q4, "
                                     "2026-10 or 2026)"),
                                   in->period ? in->period : "");
    if (in->school_share < 0 || in->school_share > 1000)
        return sr_store_fail_field(st, SR_ERR_INPUT, "school_share",
                                   _("the schools' share must be from 0%% "
                                     "to 100%%"));
    if (in->expert_share < 1 || in->expert_share > 1000)
        return sr_store_fail_field(st, SR_ERR_INPUT, "expert_share",
                                   _("the experts' share must be more than "
                                     "0%% and at most 100%%"));
    if (in->cap < 0)
        return sr_store_fail_field(st, SR_ERR_INPUT, "cap",
                                   _("the cap must not be negative"));
    sr_store_today(st, today);
    if (strcmp(per.end, today) < 0)
        return sr_store_fail_field(st, SR_ERR_INPUT, "period",
                                   _("period %s ended on %s: plan a period "
                                     "that is not over"),
                                   per.label, per.end);
    if (in->district) {
        rc = sr_audb_district(st, in->district, code);
        if (rc != SR_OK)
            return rc;
    }
    if (in->district && (!code[0] || !in_scope(scope, code)))
        return sr_store_fail_field(st, SR_ERR_NOT_FOUND, "district",
                                   _("no district '%s' (give its code, such "
                                     "as 370102, or its name, such as "
                                     "历下区)"),
                                   in->district);
    if (!in->district && !in_scope(scope, NULL))
        return sr_store_fail_field(st, SR_ERR_NOT_FOUND, "district",
                                   _("only the city plans for the whole "
                                     "city"));
    if (code[0] && !(p->district = sr_strdup(code)))
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    snprintf(p->period, sizeof(p->period), "%s", per.label);
    memcpy(p->start, per.start, sizeof(p->start));
    memcpy(p->end, per.end, sizeof(p->end));
    memcpy(p->as_of, today, sizeof(p->as_of) - 1);
    p->as_of[sizeof(p->as_of) - 1] = '\0';
    p->school_share = in->school_share;
    p->expert_share = in->expert_share;
    p->avoid_district = in->avoid_district;
    p->cap = in->cap;
    if (in->has_seed)
        p->seed = in->seed;
    else
        randombytes_buf(&p->seed, sizeof(p->seed));
    return SR_OK;
}

sr_error
sr_plan_create(struct sr_store *st, const struct sr_plan_in *in,
               const struct sr_scope *scope, int64_t *id)
{
    struct sr_plan p;
    struct sr_plan_school *cand = NULL;
    struct sr_plan_expert *ex = NULL;
    size_t n_cand = 0, n_ex = 0, i;
    sr_error rc;

    memset(&p, 0, sizeof(p));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = plan_header(st, in, scope, &p);
    if (rc == SR_OK)
        rc = read_candidates(st, &p, &cand, &n_cand);
    if (rc == SR_OK)
        rc = read_experts(st, &p, &ex, &n_ex);
    if (rc == SR_OK) {
        rc = sr_plan_build(&p, cand, n_cand, ex, n_ex);
        n_cand = n_ex = 0; /* taken, whatever the result */
        if (rc != SR_OK)
            rc = sr_store_fail_code(st, rc, _("out of memory"));
    }
    if (rc == SR_OK)
        rc = write_plan(st, &p);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    if (rc == SR_OK)
        *id = p.id;
    else
        sr_store_rollback(st);
    for (i = 0; i < n_cand; i++) {
        free(cand[i].name);
        free(cand[i].district);
        free(cand[i].district_name);
        free(cand[i].band_label);
    }
    for (i = 0; i < n_ex; i++) {
        free(ex[i].login);
        free(ex[i].name);
        free(ex[i].unit);
        free(ex[i].district);
    }
    free(cand);
    free(ex);
    sr_plan_release(&p);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

#define PLAN_COLUMNS                                                        \
    "SELECT p.id, p.district, d.name, p.period, p.period_start, "           \
    "p.period_end, p.as_of, p.seed, p.school_share, p.expert_share, "       \
    "p.avoid_district, p.cap, p.pool_schools, p.pool_experts, p.state, "    \
    "p.created_by, p.created_at, p.published_at, "                         \
    "(SELECT count(*) FROM plan_schools x WHERE x.plan = p.id AND "         \
    "x.reason = 'mandatory'), (SELECT count(*) FROM plan_schools x WHERE "  \
    "x.plan = p.id AND x.reason = 'drawn'), (SELECT count(*) FROM "         \
    "plan_schools x WHERE x.plan = p.id AND x.unassigned IS NOT NULL), "    \
    "(SELECT count(*) FROM plan_experts x WHERE x.plan = p.id) "            \
    "FROM plans p LEFT JOIN districts d ON d.code = p.district "

static sr_error
read_header(struct sr_store *st, struct sr_stmt *s, struct sr_plan *p)
{
    const char *seed = sr_col_text(s, 7);
    int nomem = 0;

    memset(p, 0, sizeof(*p));
    p->id = sr_col_int64(s, 0);
    p->district = sr_column_dup(s, 1, &nomem);
    p->district_name = sr_column_dup(s, 2, &nomem);
    copy_text(p->period, sizeof(p->period), s, 3);
    copy_text(p->start, sizeof(p->start), s, 4);
    copy_text(p->end, sizeof(p->end), s, 5);
    copy_text(p->as_of, sizeof(p->as_of), s, 6);
    p->seed = seed ? strtoull(seed, NULL, 10) : 0;
    p->school_share = sr_col_int(s, 8);
    p->expert_share = sr_col_int(s, 9);
    p->avoid_district = sr_col_int(s, 10) != 0;
    p->cap = sr_col_int(s, 11);
    p->pool_schools = (size_t)sr_col_int64(s, 12);
    p->pool_experts = (size_t)sr_col_int64(s, 13);
    p->state = strcmp(sr_col_text(s, 14), "published")
                   ? SR_PLAN_DRAFT
                   : SR_PLAN_PUBLISHED;
    p->author = sr_column_dup(s, 15, &nomem);
    p->created_at = sr_column_dup(s, 16, &nomem);
    p->published_at = sr_column_dup(s, 17, &nomem);
    p->n_mandatory = (size_t)sr_col_int64(s, 18);
    p->n_drawn = (size_t)sr_col_int64(s, 19);
    p->n_unassigned = (size_t)sr_col_int64(s, 20);
    p->n_experts = (size_t)sr_col_int64(s, 21);
    p->n_schools = p->n_mandatory + p->n_drawn;
    if (nomem) {
        sr_plan_release(p);
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    return SR_OK;
}

/* The plan's row; SR_ERR_NOT_FOUND when none or outside scope. */
static sr_error
get_header(struct sr_store *st, int64_t id, const struct sr_scope *scope,
           struct sr_plan *p)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    memset(p, 0, sizeof(*p));
    rc = sr_store_prepare(st, PLAN_COLUMNS "WHERE p.id = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW)
        rc = read_header(st, s, p);
    else if (step == SR_DONE)
        rc = no_plan(st, id);
    else
        rc = sr_store_dberr(st, _("cannot read the plan"));
    sr_store_finish(st, s);
    if (rc == SR_OK && !in_scope(scope, p->district)) {
        sr_plan_release(p);
        rc = no_plan(st, id);
    }
    return rc;
}

static sr_error
get_schools(struct sr_store *st, struct sr_plan *p)
{
    struct sr_stmt *s = NULL;
    size_t alloc = 0, n = 0;
    sr_error rc;
    int step, nomem = 0;

    p->n_schools = 0;
    rc = sr_store_prepare(
        st,
        "SELECT x.school, s.name, s.district, d.name, s.stage, x.rank, "
        "x.reason, x.needs, x.vetoed, x.band, x.band_label, "
        "x.overdue_major, x.open_major, x.boarders, x.special_needs, "
        "x.kindergarten, x.enrollment, x.days_since, x.last_assessment, "
        "x.last_on, x.expires_on, x.unassigned, r.expert, u.login, "
        "r.covered, r.missing, r.load_before, r.why FROM plan_schools x "
        "JOIN schools s ON s.code = x.school JOIN districts d ON "
        "d.code = s.district LEFT JOIN plan_pairs r ON r.plan = x.plan AND "
        "r.school = x.school LEFT JOIN users u ON u.id = r.expert "
        "WHERE x.plan = ?1 ORDER BY x.rank",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, p->id);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_plan_school *c;

        rc = grow(st, (void **)&p->schools, &alloc, n,
                  sizeof(*p->schools));
        if (rc != SR_OK)
            break;
        c = &p->schools[n++];
        p->n_schools = n;
        memset(c, 0, sizeof(*c));
        copy_text(c->code, sizeof(c->code), s, 0);
        c->name = sr_column_dup(s, 1, &nomem);
        c->district = sr_column_dup(s, 2, &nomem);
        c->district_name = sr_column_dup(s, 3, &nomem);
        c->stage = sr_stage_lookup(sr_col_text(s, 4));
        c->rank = (size_t)sr_col_int64(s, 5);
        c->reason = strcmp(sr_col_text(s, 6), "drawn")
                        ? SR_PLAN_MANDATORY
                        : SR_PLAN_DRAWN;
        c->needs = specs_of(s, 7);
        c->f.vetoed = sr_col_int(s, 8) != 0;
        c->f.band = sr_col_int(s, 9);
        c->band_label = sr_column_dup(s, 10, &nomem);
        c->f.overdue_major = sr_col_int64(s, 11);
        c->f.open_major = sr_col_int64(s, 12);
        c->f.boarders = sr_col_int64(s, 13);
        c->f.special_needs = sr_col_int64(s, 14);
        c->f.kindergarten = sr_col_int(s, 15) != 0;
        c->f.enrollment = sr_col_int64(s, 16);
        c->f.days_since = sr_col_type(s, 17) == SR_COL_NULL
                              ? -1
                              : sr_col_int64(s, 17);
        c->last = sr_col_int64(s, 18);
        copy_text(c->last_on, sizeof(c->last_on), s, 19);
        copy_text(c->expires_on, sizeof(c->expires_on), s, 20);
        c->expert = sr_col_int64(s, 22);
        c->expert_login = sr_column_dup(s, 23, &nomem);
        c->covered = specs_of(s, 24);
        c->missing = specs_of(s, 25);
        c->load_before = sr_col_int(s, 26);
        c->why = sr_column_dup(s, c->expert ? 27 : 21, &nomem);
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the plan"));
    sr_store_finish(st, s);
    return rc;
}

static sr_error
get_experts(struct sr_store *st, struct sr_plan *p)
{
    struct sr_stmt *s = NULL;
    size_t alloc = 0, n = 0;
    sr_error rc;
    int step, nomem = 0;

    p->n_experts = 0;
    rc = sr_store_prepare(
        st,
        "SELECT e.user, e.login, u.name, e.unit, e.district, "
        "e.specialities, e.position, (SELECT count(*) FROM plan_pairs r "
        "WHERE r.plan = e.plan AND r.expert = e.user), e.prior FROM "
        "plan_experts e "
        "JOIN users u ON u.id = e.user WHERE e.plan = ?1 ORDER BY "
        "e.position",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, p->id);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_plan_expert *e;

        rc = grow(st, (void **)&p->experts, &alloc, n,
                  sizeof(*p->experts));
        if (rc != SR_OK)
            break;
        e = &p->experts[n++];
        p->n_experts = n;
        memset(e, 0, sizeof(*e));
        e->user = sr_col_int64(s, 0);
        e->login = sr_column_dup(s, 1, &nomem);
        e->name = sr_column_dup(s, 2, &nomem);
        e->unit = sr_column_dup(s, 3, &nomem);
        e->district = sr_column_dup(s, 4, &nomem);
        e->specialities = specs_of(s, 5);
        e->position = (size_t)sr_col_int64(s, 6);
        e->load = sr_col_int(s, 7);
        e->prior = sr_col_int(s, 8);
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the plan"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_plan_get(struct sr_store *st, int64_t id, const struct sr_scope *scope,
            struct sr_plan *out)
{
    sr_error rc;
    bool own;

    /* One read transaction: the plan and its rows from one snapshot.
     * Not a SAVEPOINT: PostgreSQL takes one only inside a transaction. */
    rc = sr_store_read_begin(st, &own);
    if (rc != SR_OK)
        return rc;
    rc = get_header(st, id, scope, out);
    if (rc == SR_OK)
        rc = get_schools(st, out);
    if (rc == SR_OK)
        rc = get_experts(st, out);
    sr_store_read_end(st, own);
    if (rc != SR_OK)
        sr_plan_release(out);
    return rc;
}

sr_error
sr_plan_list(struct sr_store *st, const struct sr_scope *scope,
             sr_plan_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    struct sr_plan p;
    sr_error rc;
    int step = SR_DONE;

    rc = sr_store_prepare(st,
                          PLAN_COLUMNS "WHERE " SR_SCOPE_SQL("p.district",
                                                             "NULL", "1", "2")
                          " ORDER BY p.id DESC",
                          &s);
    if (rc != SR_OK)
        return rc;
    rc = sr_bind_scope(st, s, 1, scope);
    while (rc == SR_OK && (step = sr_step(s)) == SR_ROW) {
        int stop;

        rc = read_header(st, s, &p);
        if (rc != SR_OK)
            break;
        stop = fn(&p, ctx);
        sr_plan_release(&p);
        if (stop)
            break;
    }
    if (rc == SR_OK && step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the plans"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Publishing                                                           */
/* ------------------------------------------------------------------ */

sr_error
sr_plan_publish(struct sr_store *st, int64_t id, const struct sr_scope *scope)
{
    struct sr_stmt *s = NULL;
    struct sr_plan p;
    char now[32];
    sr_error rc;

    memset(&p, 0, sizeof(p));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    /* The draft's row locked before it is read (a no-op UPDATE, the one
     * text both engines read): on PostgreSQL a second publication at
     * once waits, then reads "published" and gets the refusal below,
     * not the trigger's (a database error). */
    rc = sr_store_prepare(st,
                          "UPDATE plans SET state = state WHERE id = ?1 AND "
                          "state <> 'published'",
                          &s);
    if (rc == SR_OK) {
        sr_bind_int64(s, 1, id);
        if (sr_step(s) != SR_DONE)
            rc = sr_store_dberr(st, _("cannot publish the plan"));
        sr_store_finish(st, s);
        s = NULL;
    }
    if (rc == SR_OK)
        rc = get_header(st, id, scope, &p);
    if (rc == SR_OK && p.state == SR_PLAN_PUBLISHED)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("plan %lld is already published (on %s); "
                                  "a published plan never changes"),
                                (long long)id, p.published_at);
    if (rc == SR_OK)
        rc = sr_store_prepare(st,
                              "UPDATE plans SET state = 'published', "
                              "published_at = ?2, published_by = ?3, "
                              "published_by_user = ?4 WHERE id = ?1",
                              &s);
    if (rc == SR_OK) {
        sr_store_now(st, now);
        sr_bind_int64(s, 1, id);
        sr_bind_text(s, 2, now);
        sr_bind_text(s, 3, sr_store_actor(st));
        sr_bind_user(st, s, 4);
        if (sr_step(s) != SR_DONE)
            rc = sr_store_dberr(st, _("cannot publish the plan"));
    }
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_audit_append(st, "plan", id);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    if (rc != SR_OK)
        sr_store_rollback(st);
    sr_plan_release(&p);
    return rc;
}

sr_error
sr_plan_lists(struct sr_store *st, int64_t plan, int kind, const char *school)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    if (kind != SR_ASSESS_INSPECTION)
        return sr_store_fail_field(st, SR_ERR_STATE, "plan",
                                   _("a self-inspection is not made for an "
                                     "inspection plan"));
    rc = sr_store_prepare(st,
                          "SELECT p.state, EXISTS (SELECT 1 FROM "
                          "plan_schools x WHERE x.plan = p.id AND x.school = "
                          "?2) FROM plans p WHERE p.id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, plan);
    sr_bind_text(s, 2, school);
    step = sr_step(s);
    if (step == SR_DONE)
        rc = no_plan(st, plan);
    else if (step != SR_ROW)
        rc = sr_store_dberr(st, _("cannot read the plan"));
    else if (strcmp(sr_col_text(s, 0), "published"))
        rc = sr_store_fail_field(st, SR_ERR_STATE, "plan",
                                 _("plan %lld is a draft: publish it before "
                                   "inspecting for it"),
                                 (long long)plan);
    else if (!sr_col_int(s, 1))
        rc = sr_store_fail_field(st, SR_ERR_STATE, "plan",
                                 _("plan %lld does not list school %s"),
                                 (long long)plan, school);
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Progress                                                             */
/* ------------------------------------------------------------------ */

void
sr_plan_progress_release(struct sr_plan_progress *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; p->v && i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].expert_login);
    }
    free(p->v);
    memset(p, 0, sizeof(*p));
}

static sr_error progress_on(struct sr_store *st, int64_t id,
                            const struct sr_scope *scope, const char *as_of,
                            bool day_over, struct sr_plan_progress *out);

sr_error
sr_plan_progress(struct sr_store *st, int64_t id, const struct sr_scope *scope,
                 struct sr_plan_progress *out)
{
    char today[16];

    sr_store_today(st, today);
    return progress_on(st, id, scope, today, false, out);
}

sr_error
sr_plan_progress_as_of(struct sr_store *st, int64_t id,
                       const struct sr_scope *scope, const char *as_of,
                       struct sr_plan_progress *out)
{
    return progress_on(st, id, scope, as_of, true, out);
}

/* The progress on day as_of: during it (today: the period's last day
 * is not over, a school not done is still due) or once it is over
 * (day_over: a bulletin as of a period's end, when the plan's last day
 * has passed with the day).  Either way only what is dated by as_of is
 * done. */
static sr_error
progress_on(struct sr_store *st, int64_t id, const struct sr_scope *scope,
            const char *as_of, bool day_over, struct sr_plan_progress *out)
{
    struct sr_stmt *s = NULL;
    struct sr_plan p;
    size_t alloc = 0;
    sr_error rc;
    int step, nomem = 0;

    memset(out, 0, sizeof(*out));
    if (!as_of || !sr_date_valid(as_of))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("'%s' is not a date (YYYY-MM-DD)"),
                                  as_of ? as_of : "");
    rc = get_header(st, id, scope, &p);
    if (rc != SR_OK)
        return rc;
    out->plan = id;
    snprintf(out->today, sizeof(out->today), "%s", as_of);
    /* Done: a submitted inspection made for this plan, else one made in
     * the period, dated by as_of; the linked one first, then the
     * earliest. */
    rc = sr_store_prepare(
        st,
        "SELECT x.school, s.name, u.login, a.id, a.assessed_on, "
        "a.plan IS NOT DISTINCT FROM ?1, s.district FROM plan_schools x "
        "JOIN schools s ON s.code = x.school LEFT JOIN plan_pairs r ON "
        "r.plan = x.plan AND r.school = x.school LEFT JOIN users u ON "
        "u.id = r.expert LEFT JOIN assessments a ON a.id = (SELECT y.id "
        "FROM assessments y WHERE y.school = x.school AND y.status = "
        "'submitted' AND y.kind = 'inspection' AND (y.plan IS NOT "
        "DISTINCT FROM ?1 OR y.assessed_on BETWEEN ?2 AND ?3) AND "
        "y.assessed_on <= ?4 ORDER BY y.plan IS NOT DISTINCT FROM ?1 DESC, "
        "y.assessed_on, y.id LIMIT 1) "
        "WHERE x.plan = ?1 ORDER BY x.rank",
        &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, p.start);
    sr_bind_text(s, 3, p.end);
    sr_bind_text(s, 4, out->today);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_plan_progress_row *r;

        rc = grow(st, (void **)&out->v, &alloc, out->n, sizeof(*r));
        if (rc != SR_OK)
            break;
        r = &out->v[out->n++];
        memset(r, 0, sizeof(*r));
        copy_text(r->code, sizeof(r->code), s, 0);
        r->name = sr_column_dup(s, 1, &nomem);
        r->expert_login = sr_column_dup(s, 2, &nomem);
        r->assessment = sr_col_int64(s, 3);
        copy_text(r->assessed_on, sizeof(r->assessed_on), s, 4);
        r->linked = sr_col_int(s, 5) != 0;
        copy_text(r->district, sizeof(r->district), s, 6);
        if (r->assessment)
            r->status = SR_PLAN_DONE;
        else
            r->status = strcmp(out->today, p.end) >= (day_over ? 0 : 1) ? SR_PLAN_OVERDUE
                                                 : SR_PLAN_DUE;
        out->counts[r->status]++;
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the plan"));

cleanup:
    sr_store_finish(st, s);
    sr_plan_release(&p);
    if (rc != SR_OK)
        sr_plan_progress_release(out);
    return rc;
}

sr_error
sr_plan_head(struct sr_store *st, int64_t id, const struct sr_scope *scope,
             struct sr_plan *out)
{
    return get_header(st, id, scope, out);
}

/* ------------------------------------------------------------------ */
/* An expert's assignments                                              */
/* ------------------------------------------------------------------ */

/* The inspection that did a pair: as in sr_plan_progress(), one made
 * for the plan first, else the earliest in the period.  Two lookups, not
 * one ordered by "made for the plan": SQLite does not resolve an outer
 * column in a subquery's ORDER BY. */
#define PAIR_SUBMITTED                                                      \
    "SELECT y.id FROM assessments y WHERE y.school = r.school AND "          \
    "y.status = 'submitted' AND y.kind = 'inspection' AND "
#define PAIR_DONE                                                           \
    "coalesce((" PAIR_SUBMITTED "y.plan = p.id ORDER BY y.assessed_on, "    \
    "y.id LIMIT 1), (" PAIR_SUBMITTED "y.assessed_on BETWEEN "              \
    "p.period_start AND p.period_end ORDER BY y.assessed_on, y.id LIMIT "   \
    "1))"

static const char *
text_or(struct sr_stmt *s, int i, const char *none)
{
    const char *t = sr_col_text(s, i);

    return t ? t : none;
}

sr_error
sr_plan_assignments(struct sr_store *st, int64_t user,
                    sr_plan_assignment_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    char today[16];
    sr_error rc;
    int step = SR_DONE;

    sr_store_today(st, today);
    rc = sr_store_prepare(
        st,
        "SELECT * FROM (SELECT p.id, p.district, pd.name, p.period, "
        "p.period_start, p.period_end, r.school, s.name, s.district, "
        "d.name, x.rank, x.reason, r.why, a.id AS done, a.assessed_on, "
        "a.plan IS NOT DISTINCT FROM p.id AS linked, (SELECT z.id FROM "
        "assessments z WHERE z.school = r.school AND z.plan = p.id AND "
        "z.status = 'draft' AND z.created_by_user = ?1 ORDER BY z.id DESC "
        "LIMIT 1) AS draft "
        "FROM plan_pairs r JOIN plans p ON p.id = r.plan JOIN plan_schools "
        "x ON x.plan = r.plan AND x.school = r.school JOIN schools s ON "
        "s.code = r.school JOIN districts d ON d.code = s.district LEFT "
        "JOIN districts pd ON pd.code = p.district LEFT JOIN assessments a "
        "ON a.id = " PAIR_DONE " WHERE r.expert = ?1 AND p.state = "
        "'published') AS t WHERE done IS NULL OR period_end >= ?2 "
        "ORDER BY done IS NOT NULL, period_end, id, rank",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, user);
    sr_bind_text(s, 2, today);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_plan_assignment a;

        memset(&a, 0, sizeof(a));
        a.plan = sr_col_int64(s, 0);
        a.plan_district = sr_col_text(s, 1);
        a.plan_district_name = sr_col_text(s, 2);
        a.period = text_or(s, 3, "");
        a.start = text_or(s, 4, "");
        a.end = text_or(s, 5, "");
        a.school = text_or(s, 6, "");
        a.school_name = text_or(s, 7, "");
        a.district = text_or(s, 8, "");
        a.district_name = text_or(s, 9, "");
        a.rank = (size_t)sr_col_int64(s, 10);
        a.reason = strcmp(text_or(s, 11, ""), "drawn") ? SR_PLAN_MANDATORY
                                                       : SR_PLAN_DRAWN;
        a.why = text_or(s, 12, "");
        a.assessment = sr_col_int64(s, 13);
        a.assessed_on = text_or(s, 14, "");
        a.linked = sr_col_int(s, 15) != 0;
        a.draft = sr_col_int64(s, 16);
        if (a.assessment)
            a.status = SR_PLAN_DONE;
        else
            a.status = strcmp(today, a.end) > 0 ? SR_PLAN_OVERDUE
                                                : SR_PLAN_DUE;
        if (fn(&a, ctx))
            break;
    }
    if (step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the plans"));
    sr_store_finish(st, s);
    return rc;
}
