/*
 * plans.c - inspection plans (检查计划): the needs of a school, the
 * 双随机 draw, the risk order and the assignment of experts
 * (schoolrisk/plans.h).  Pure functions; the SQL is in store/plans.c.
 *
 * DESIGN
 * sr_plan_build() is the whole decision: given the scope's schools with
 * their factors and the certified experts, both in a fixed order, and a
 * seed, it makes the same plan on every machine.  Nothing here reads a
 * clock, a random device or a database, which is what lets a reader
 * re-draw a published plan (tests/cli/plan_redraw.py does, in Python).
 * The why of a pair is stored text, written in Chinese like the
 * workbooks' cells whatever the locale.
 */
#include "schoolrisk/plans.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/experts.h"
#include "util.h"

static const char *const reason_names[SR_PLAN_REASON_COUNT] = {"mandatory",
                                                               "drawn"};
static const char *const reason_labels[SR_PLAN_REASON_COUNT] = {"必查",
                                                                "抽查"};
static const char *const state_names[SR_PLAN_STATE_COUNT] = {"draft",
                                                             "published"};
static const char *const state_labels[SR_PLAN_STATE_COUNT] = {"草稿",
                                                              "已发布"};
static const char *const progress_names[SR_PLAN_PROGRESS_COUNT] = {
    "done", "due", "overdue"};
static const char *const progress_labels[SR_PLAN_PROGRESS_COUNT] = {
    "已完成", "待检查", "逾期"};

#define PICK(v, n, i) ((i) >= 0 && (i) < (n) ? (v)[i] : NULL)

const char *
sr_plan_reason_name(int reason)
{
    return PICK(reason_names, SR_PLAN_REASON_COUNT, reason);
}

const char *
sr_plan_reason_label(int reason)
{
    return PICK(reason_labels, SR_PLAN_REASON_COUNT, reason);
}

const char *
sr_plan_state_name(int state)
{
    return PICK(state_names, SR_PLAN_STATE_COUNT, state);
}

const char *
sr_plan_state_label(int state)
{
    return PICK(state_labels, SR_PLAN_STATE_COUNT, state);
}

const char *
sr_plan_progress_name(int status)
{
    return PICK(progress_names, SR_PLAN_PROGRESS_COUNT, status);
}

const char *
sr_plan_progress_label(int status)
{
    return PICK(progress_labels, SR_PLAN_PROGRESS_COUNT, status);
}

/* ------------------------------------------------------------------ */
/* Needs, the generator, the order                                      */
/* ------------------------------------------------------------------ */

unsigned
sr_plan_needs(const struct sr_school *s)
{
    unsigned m = 0;

    if (s->attr[SR_ATTR_LABORATORY])
        m |= SR_SPECS(SR_SPEC_LAB_CHEMICALS);
    if (s->attr[SR_ATTR_SWIMMING_POOL])
        m |= SR_SPECS(SR_SPEC_SWIMMING);
    if (s->attr[SR_ATTR_CANTEEN] || s->attr[SR_ATTR_MEAL_DELIVERY])
        m |= SR_SPECS(SR_SPEC_FOOD);
    if (s->attr[SR_ATTR_SCHOOL_BUS])
        m |= SR_SPECS(SR_SPEC_SCHOOL_BUS);
    if (s->attr[SR_ATTR_STAGE] == SR_STAGE_SPECIAL)
        m |= SR_SPECS(SR_SPEC_SPECIAL_EDUCATION);
    return m;
}

uint64_t
sr_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void
sr_plan_shuffle(size_t *v, size_t n, uint64_t *state)
{
    size_t i, j, t;

    /* The classic form, from the end.  The modulo's bias is below
     * n / 2^64: nothing a city's registry could show. */
    for (i = n; i-- > 1;) {
        j = (size_t)(sr_splitmix64(state) % (uint64_t)(i + 1));
        t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

size_t
sr_plan_share(int permille, size_t n)
{
    if (permille <= 0)
        return 0;
    return ((size_t)permille * n + 500) / 1000;
}

/* Larger first: negative when a's value is the larger. */
#define LARGER_FIRST(x, y)                                                  \
    do {                                                                    \
        if ((x) != (y))                                                     \
            return (x) > (y) ? -1 : 1;                                      \
    } while (0)

int
sr_plan_risk_cmp(const struct sr_plan_school *a,
                 const struct sr_plan_school *b)
{
    /* Never inspected is longer ago than any day. */
    int64_t da = a->f.days_since < 0 ? INT64_MAX : a->f.days_since;
    int64_t db = b->f.days_since < 0 ? INT64_MAX : b->f.days_since;

    LARGER_FIRST(a->f.vetoed, b->f.vetoed);
    LARGER_FIRST(a->f.band, b->f.band);
    LARGER_FIRST(a->f.overdue_major, b->f.overdue_major);
    LARGER_FIRST(a->f.open_major, b->f.open_major);
    LARGER_FIRST(a->f.boarders, b->f.boarders);
    LARGER_FIRST(a->f.special_needs, b->f.special_needs);
    LARGER_FIRST(a->f.kindergarten, b->f.kindergarten);
    LARGER_FIRST(a->f.enrollment, b->f.enrollment);
    LARGER_FIRST(da, db);
    return strcmp(a->code, b->code);
}

static int
risk_qsort(const void *a, const void *b)
{
    return sr_plan_risk_cmp(a, b);
}

/* ------------------------------------------------------------------ */
/* Releasing                                                            */
/* ------------------------------------------------------------------ */

static void
school_release(struct sr_plan_school *s)
{
    free(s->name);
    free(s->district);
    free(s->district_name);
    free(s->band_label);
    free(s->expert_login);
    free(s->why);
    memset(s, 0, sizeof(*s));
}

static void
expert_release(struct sr_plan_expert *e)
{
    free(e->login);
    free(e->name);
    free(e->unit);
    free(e->district);
    memset(e, 0, sizeof(*e));
}

void
sr_plan_release(struct sr_plan *p)
{
    size_t i;

    if (!p)
        return;
    for (i = 0; p->schools && i < p->n_schools; i++)
        school_release(&p->schools[i]);
    for (i = 0; p->experts && i < p->n_experts; i++)
        expert_release(&p->experts[i]);
    free(p->schools);
    free(p->experts);
    free(p->district);
    free(p->district_name);
    free(p->author);
    free(p->created_at);
    free(p->published_at);
    memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------ */
/* The assignment                                                       */
/* ------------------------------------------------------------------ */

/* The labels of mask joined by 、 into buf. */
static const char *
spec_labels(unsigned mask, char *buf, size_t size)
{
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < SR_SPEC_COUNT && len < size; i++)
        if (mask & SR_SPECS(i))
            len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                    len ? "、" : "", sr_speciality_label(i));
    return buf;
}

static int
popcount(unsigned m)
{
    int n = 0;

    for (; m; m &= m - 1)
        n++;
    return n;
}

/* An expert's schools in the period: other plans' and this one's so
 * far (plans.h, step 4); what the balance and the cap look at. */
static int
period_load(const struct sr_plan_expert *e)
{
    return e->prior + e->load;
}

/* Why an expert may not take a school: 0 when it may, else 1 own unit,
 * 2 own district, 3 at the cap (the first that applies). */
static int
excluded(const struct sr_plan *p, const struct sr_plan_school *s,
         const struct sr_plan_expert *e)
{
    if (e->unit && (!strcmp(e->unit, s->code) ||
                    (s->name && !strcmp(e->unit, s->name))))
        return 1;
    if (p->avoid_district && e->district && s->district &&
        !strcmp(e->district, s->district))
        return 2;
    if (p->cap > 0 && period_load(e) >= p->cap)
        return 3;
    return 0;
}

/* Why school s went to an expert with prior schools of other plans. */
static sr_error
pair_why(const struct sr_plan *p, struct sr_plan_school *s, int prior)
{
    char need[160], got[160], miss[160], rule[64], load[96];

    snprintf(rule, sizeof(rule), "%s", p->avoid_district
                                           ? "回避：非本单位、非本区"
                                           : "回避：非本单位");
    /* The load is the period's: say how much of it other plans gave. */
    if (prior > 0)
        snprintf(load, sizeof(load), "负荷 %d→%d（含其他计划 %d 所）",
                 s->load_before, s->load_before + 1, prior);
    else
        snprintf(load, sizeof(load), "负荷 %d→%d", s->load_before,
                 s->load_before + 1);
    if (!s->needs)
        s->why = sr_asprintf("无专项需求；%s；%s", rule, load);
    else if (!s->missing)
        s->why = sr_asprintf("覆盖所需专项 %s；%s；%s",
                             spec_labels(s->needs, need, sizeof(need)), rule,
                             load);
    else
        s->why = sr_asprintf("覆盖 %s，未覆盖 %s（可选专家中无人覆盖）；"
                             "%s；%s",
                             s->covered ? spec_labels(s->covered, got,
                                                      sizeof(got))
                                        : "无",
                             spec_labels(s->missing, miss, sizeof(miss)),
                             rule, load);
    return s->why ? SR_OK : SR_ERR_NOMEM;
}

static sr_error
unassigned_why(const struct sr_plan *p, struct sr_plan_school *s)
{
    size_t by[4] = {0, 0, 0, 0}, i;

    if (!p->n_experts) {
        s->why = sr_asprintf("未分配：没有抽取到专家（持证专家 %zu 名）",
                             p->pool_experts);
        return s->why ? SR_OK : SR_ERR_NOMEM;
    }
    for (i = 0; i < p->n_experts; i++)
        by[excluded(p, s, &p->experts[i])]++;
    s->why = sr_asprintf("未分配：抽取的 %zu 名专家均不可选（本单位回避 %zu "
                         "名，本区回避 %zu 名，已达上限 %d 所 %zu 名）",
                         p->n_experts, by[1], by[2], p->cap, by[3]);
    return s->why ? SR_OK : SR_ERR_NOMEM;
}

/* Give school s the best expert it may have (plans.h, step 4). */
static sr_error
assign_one(struct sr_plan *p, struct sr_plan_school *s)
{
    struct sr_plan_expert *best = NULL;
    int best_cover = -1, cover;
    size_t i;

    for (i = 0; i < p->n_experts; i++) {
        struct sr_plan_expert *e = &p->experts[i];

        if (excluded(p, s, e))
            continue;
        cover = popcount(e->specialities & s->needs);
        if (!best || cover > best_cover ||
            (cover == best_cover &&
             (period_load(e) < period_load(best) ||
              (period_load(e) == period_load(best) &&
               strcmp(e->login, best->login) < 0)))) {
            best = e;
            best_cover = cover;
        }
    }
    if (!best) {
        p->n_unassigned++;
        return unassigned_why(p, s);
    }
    s->expert = best->user;
    s->expert_login = sr_strdup(best->login);
    if (!s->expert_login)
        return SR_ERR_NOMEM;
    s->covered = best->specialities & s->needs;
    s->missing = s->needs & ~best->specialities;
    s->load_before = period_load(best);
    best->load++;
    return pair_why(p, s, best->prior);
}

/* ------------------------------------------------------------------ */
/* Building a plan                                                      */
/* ------------------------------------------------------------------ */

/* The number of experts to draw from order (m of them, indices into
 * ex), for schools needing the specialities in needs (plans.h, 2). */
static size_t
experts_to_draw(const struct sr_plan *p, const struct sr_plan_expert *ex,
                const size_t *order, size_t m, unsigned needs,
                size_t n_schools)
{
    size_t e = sr_plan_share(p->expert_share, m), i;
    int k;

    if (!n_schools || !m)
        return 0;
    if (e < 1)
        e = 1;
    for (k = 0; k < SR_SPEC_COUNT; k++) {
        if (!(needs & SR_SPECS(k)))
            continue;
        for (i = 0; i < m; i++)
            if (ex[order[i]].specialities & SR_SPECS(k))
                break;
        if (i < m && i + 1 > e)
            e = i + 1;
    }
    return e > m ? m : e;
}

/* Shuffle 0..n-1 from state into a new array (*out, NULL when n 0). */
static sr_error
shuffled(size_t n, uint64_t *state, size_t **out)
{
    size_t i;

    *out = NULL;
    if (!n)
        return SR_OK;
    *out = malloc(n * sizeof(**out));
    if (!*out)
        return SR_ERR_NOMEM;
    for (i = 0; i < n; i++)
        (*out)[i] = i;
    sr_plan_shuffle(*out, n, state);
    return SR_OK;
}

/* Move the chosen schools into p->schools: the mandatory ones and the
 * first k of the shuffled pool; release the others. */
static sr_error
take_schools(struct sr_plan *p, struct sr_plan_school *cand, size_t n_cand,
             uint64_t *state)
{
    size_t *pool = NULL, *order = NULL, n_pool = 0, k, i;
    unsigned char *chosen = NULL;
    sr_error rc = SR_ERR_NOMEM;

    pool = malloc((n_cand ? n_cand : 1) * sizeof(*pool));
    chosen = calloc(n_cand ? n_cand : 1, 1);
    p->schools = calloc(n_cand ? n_cand : 1, sizeof(*p->schools));
    if (!pool || !chosen || !p->schools)
        goto cleanup;
    for (i = 0; i < n_cand; i++) {
        if (cand[i].reason == SR_PLAN_MANDATORY)
            chosen[i] = 1;
        else
            pool[n_pool++] = i;
    }
    p->pool_schools = n_pool;
    if (shuffled(n_pool, state, &order) != SR_OK)
        goto cleanup;
    k = sr_plan_share(p->school_share, n_pool);
    for (i = 0; i < k; i++)
        chosen[pool[order[i]]] = 1;
    for (i = 0; i < n_cand; i++) {
        if (!chosen[i]) {
            school_release(&cand[i]);
            continue;
        }
        if (cand[i].reason == SR_PLAN_MANDATORY)
            p->n_mandatory++;
        else
            p->n_drawn++;
        p->schools[p->n_schools++] = cand[i];
        memset(&cand[i], 0, sizeof(cand[i]));
    }
    rc = SR_OK;

cleanup:
    for (i = 0; rc != SR_OK && i < n_cand; i++)
        school_release(&cand[i]);
    free(pool);
    free(order);
    free(chosen);
    return rc;
}

/* Move the first drawn experts of the shuffled corps into p->experts. */
static sr_error
take_experts(struct sr_plan *p, struct sr_plan_expert *ex, size_t m,
             uint64_t *state)
{
    size_t *order = NULL, e, i;
    unsigned needs = 0;
    sr_error rc;

    p->pool_experts = m;
    rc = shuffled(m, state, &order);
    if (rc != SR_OK)
        goto cleanup;
    for (i = 0; i < p->n_schools; i++)
        needs |= p->schools[i].needs;
    e = experts_to_draw(p, ex, order, m, needs, p->n_schools);
    p->experts = calloc(e ? e : 1, sizeof(*p->experts));
    if (!p->experts) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < e; i++) {
        p->experts[i] = ex[order[i]];
        memset(&ex[order[i]], 0, sizeof(ex[order[i]]));
        p->experts[i].position = i + 1;
        p->experts[i].load = 0;
    }
    p->n_experts = e;

cleanup:
    for (i = 0; i < m; i++)
        expert_release(&ex[i]);
    free(order);
    return rc;
}

sr_error
sr_plan_build(struct sr_plan *p, struct sr_plan_school *cand, size_t n_cand,
              struct sr_plan_expert *experts, size_t n_experts)
{
    uint64_t state = p->seed;
    sr_error rc;
    size_t i;

    p->n_mandatory = p->n_drawn = p->n_unassigned = 0;
    rc = take_schools(p, cand, n_cand, &state);
    if (rc == SR_OK)
        rc = take_experts(p, experts, n_experts, &state);
    else
        for (i = 0; i < n_experts; i++)
            expert_release(&experts[i]);
    if (rc != SR_OK)
        return rc;
    if (p->n_schools > 1)
        qsort(p->schools, p->n_schools, sizeof(*p->schools), risk_qsort);
    for (i = 0; i < p->n_schools && rc == SR_OK; i++) {
        p->schools[i].rank = i + 1;
        rc = assign_one(p, &p->schools[i]);
    }
    return rc;
}
