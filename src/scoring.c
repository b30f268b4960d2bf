/*
 * scoring.c - the scoring engine (see scoring.h for the rules).
 *
 * Units: points are hundredths, fractions ten-thousandths, so
 * points x fraction is exactly millionths of a point.  The loader caps
 * an item at 10000 points and a system at 5000 items, so every sum
 * stays below 5e13 and 10000 x sum below 5e17 < INT64_MAX.
 */
#include "schoolrisk/scoring.h"

#include <stdlib.h>
#include <string.h>

#include "schoolrisk/decimal.h"

sr_error
sr_result_init(struct sr_result *res, const struct sr_system *sys)
{
    size_t nd, ni, nt;

    sr_system_dimensions(sys, &nd);
    sr_system_indicators(sys, &ni);
    sr_system_items(sys, &nt);
    memset(res, 0, sizeof(*res));
    res->sys = sys;
    res->dims = calloc(nd ? nd : 1, sizeof(*res->dims));
    res->inds = calloc(ni ? ni : 1, sizeof(*res->inds));
    res->items = calloc(nt ? nt : 1, sizeof(*res->items));
    if (!res->dims || !res->inds || !res->items) {
        sr_result_release(res);
        return SR_ERR_NOMEM;
    }
    return SR_OK;
}

void
sr_result_release(struct sr_result *res)
{
    free(res->dims);
    free(res->inds);
    free(res->items);
    memset(res, 0, sizeof(*res));
}

void
sr_result_progress(const struct sr_result *res, size_t *answered,
                   size_t *applicable)
{
    const struct sr_item *items;
    size_t n, i;

    items = sr_system_items(res->sys, &n);
    /* A group is in neither count, scored or not: the inspector answers
     * its sub-items, not the group, and a total that grew as groups got
     * scored ("9/107" then "11/108") would read as items appearing. */
    *applicable = *answered = 0;
    for (i = 0; i < n; i++) {
        int st = res->items[i].status;

        if (items[i].method == SR_METHOD_GROUP)
            continue;

        *applicable += st == SR_ITEM_SCORED || st == SR_ITEM_NA ||
                       st == SR_ITEM_UNANSWERED;
        *answered += st == SR_ITEM_SCORED || st == SR_ITEM_NA;
    }
}

size_t
sr_result_unanswered(const struct sr_result *res, size_t *idx, size_t max)
{
    size_t n, i, found = 0;

    sr_system_items(res->sys, &n);
    for (i = 0; i < n; i++) {
        if (res->items[i].status != SR_ITEM_UNANSWERED)
            continue;
        if (found < max)
            idx[found] = i;
        found++;
    }
    return found;
}

bool
sr_system_covers(const struct sr_system *sys, const struct sr_school *school)
{
    int64_t st = school->attr[SR_ATTR_STAGE];

    return st >= 0 && st < SR_STAGE_COUNT &&
           (sr_system_stages(sys) & (1u << st));
}

/* The fraction a threshold item earns for value v. */
static int32_t
threshold_fraction(const struct sr_step *st, uint32_t n, bool lower_better,
                   int64_t v)
{
    uint32_t i;

    if (lower_better) {
        /* The first (strictest) step that v satisfies. */
        for (i = 0; i < n; i++)
            if (v <= st[i].at)
                return st[i].fraction;
        return 0;
    }
    /* The highest step that v reaches. */
    for (i = n; i-- > 0;)
        if (v >= st[i].at)
            return st[i].fraction;
    return 0;
}

/* Whole ones short of a requirement (ten-thousandths, whole for a
 * shortfall: the loader sees to it) with `actual` answered. */
static int64_t
shortfall(int64_t required, int64_t actual)
{
    int64_t need = required / 10000;

    return need > actual ? need - actual : 0;
}

/* The points (hundredths) group g earns with `failed` of its sub-items
 * failed, none of them one that zeroes it. */
static int64_t
group_points(const struct sr_system *sys, const struct sr_item *g,
             int64_t failed)
{
    const struct sr_group_step *st;
    int64_t p = g->points;
    uint32_t i;

    if (!failed)
        return g->points;
    if (g->rule == SR_GROUP_DEDUCT) {
        p = g->points - failed * g->per;
        return p > 0 ? p : 0;
    }
    /* Only now: a system whose groups all deduct has no steps at all
     * (NULL, and NULL + 0 is undefined). */
    st = sr_system_group_steps(sys) + g->opt_off;
    /* The last step reached: "3 or more" is the last step's count. */
    for (i = 0; i < g->opt_n && st[i].failed <= failed; i++)
        p = st[i].points;
    return p;
}

/* Score group gi from its sub-items, scored already: left out when
 * none of them is scored (all na or not applicable), pending while one
 * is unanswered (the sub-item is the one missing). */
static void
score_group(const struct sr_system *sys, const struct sr_item *items,
            const struct sr_school *school, size_t gi, struct sr_result *res)
{
    const struct sr_item *g = &items[gi];
    struct sr_item_result *ir = &res->items[gi];
    int64_t failed = 0, pts;
    size_t scored = 0, open = 0;
    bool zero = false;
    uint32_t k;

    if (!sr_item_applies(sys, g, school)) {
        ir->status = SR_ITEM_NOT_APPLICABLE;
        return;
    }
    for (k = 1; k <= g->members; k++) {
        const struct sr_item_result *m = &res->items[gi + k];

        open += m->status == SR_ITEM_UNANSWERED;
        if (m->status != SR_ITEM_SCORED)
            continue;
        scored++;
        if (!m->met) {
            failed++;
            zero = zero || g[k].zeroes;
        }
    }
    if (open) {
        ir->status = SR_ITEM_PENDING;
        return;
    }
    if (!scored) {
        ir->status = SR_ITEM_NA;
        return;
    }
    pts = zero ? 0 : group_points(sys, g, failed);
    ir->status = SR_ITEM_SCORED;
    ir->earned = pts * 10000;
    ir->max = g->points * 10000;
    ir->fraction = (int32_t)sr_div_round(pts * 10000, g->points);
    ir->met = ir->earned == ir->max;
    ir->hazard = SR_HAZARD_NONE; /* its failed sub-items raise them */
}

/* The hazard an answer implies: none when met; else the answered
 * level's, where a format-2 level declares one; else the item's. */
static int
answer_hazard(const struct sr_system *sys, const struct sr_item *it,
              const struct sr_answer *a, bool met)
{
    const struct sr_level *lv;

    if (met)
        return SR_HAZARD_NONE;
    if (it->method != SR_METHOD_LEVELS)
        return it->hazard;
    lv = &sr_system_levels(sys)[it->opt_off + (uint32_t)a->v];
    return lv->hazard >= 0 ? lv->hazard : it->hazard;
}

/* Add a scored item's outcome to the totals: a bonus item's earned to
 * the bonus only (it is no share of the maximum, of a dimension or an
 * indicator); a veto or baseline item's outcome to those. */
static void
tally(struct sr_result *res, const struct sr_item *it,
      const struct sr_item_result *ir, int *bl_scored, bool *bl_ok)
{
    res->scored++;
    if (it->bonus) {
        res->bonus += ir->earned;
        return;
    }
    res->earned += ir->earned;
    res->max += ir->max;
    res->dims[it->dim].earned += ir->earned;
    res->dims[it->dim].max += ir->max;
    res->inds[it->ind].earned += ir->earned;
    res->inds[it->ind].max += ir->max;
    if (!ir->met)
        res->lost++;
    if (it->veto && !ir->met) {
        res->vetoed = true;
        res->veto_hits++;
    }
    if (it->baseline >= 0) {
        bl_scored[it->baseline]++;
        if (!ir->met)
            bl_ok[it->baseline] = false;
    }
}

sr_error
sr_score(const struct sr_system *sys, const struct sr_school *school,
         const struct sr_responses *resp, struct sr_result *res)
{
    const struct sr_item *items;
    const struct sr_level *levels = sr_system_levels(sys);
    const struct sr_step *steps = sr_system_steps(sys);
    const struct sr_band *bands;
    size_t n, nd, ni, nb, i;
    int bl_scored[SR_BASELINE_COUNT] = {0};
    bool bl_ok[SR_BASELINE_COUNT] = {true, true, true, true};

    items = sr_system_items(sys, &n);
    sr_system_dimensions(sys, &nd);
    sr_system_indicators(sys, &ni);
    bands = sr_system_bands(sys, &nb);
    memset(res->dims, 0, nd * sizeof(*res->dims));
    memset(res->inds, 0, ni * sizeof(*res->inds));
    res->earned = res->max = res->total = res->bonus = 0;
    res->band = 0;
    res->vetoed = res->compliant = false;
    res->missing = res->scored = res->lost = res->veto_hits = 0;

    for (i = 0; i < n; i++) {
        const struct sr_item *it = &items[i];
        const struct sr_answer *a = &resp->a[i];
        struct sr_item_result *ir = &res->items[i];
        int64_t max = it->points * 10000;
        int64_t earned = 0;
        int32_t fr = 0;

        ir->required = 0;
        ir->earned = ir->max = 0;
        ir->fraction = 0;
        ir->met = false;
        ir->hazard = SR_HAZARD_NONE;
        if (it->method == SR_METHOD_GROUP)
            continue; /* scored from its sub-items, below */
        if (!sr_item_applies(sys, it, school)) {
            ir->status = SR_ITEM_NOT_APPLICABLE;
            continue;
        }
        if (a->state == SR_ANS_NA) {
            ir->status = SR_ITEM_NA;
            continue;
        }
        if (a->state != SR_ANS_VALUE) {
            ir->status = SR_ITEM_UNANSWERED;
            res->missing++;
            if (it->baseline >= 0)
                bl_ok[it->baseline] = false;
            continue;
        }
        switch (it->method) {
        case SR_METHOD_CHECK:
            fr = a->v ? 10000 : 0;
            earned = it->points * fr;
            break;
        case SR_METHOD_LEVELS: {
            const struct sr_level *lv = &levels[it->opt_off + (uint32_t)a->v];

            /* Points as the paper gives them, not points x a rounded
             * fraction: 10 of 15 is 10, not 15 x 0.6667. */
            fr = lv->fraction;
            earned = lv->points >= 0 ? lv->points * 10000 : it->points * fr;
            break;
        }
        case SR_METHOD_THRESHOLD:
            fr = threshold_fraction(&steps[it->opt_off], it->opt_n,
                                    it->lower_better, a->v);
            earned = it->points * fr;
            break;
        case SR_METHOD_DEDUCT: {
            /* count is at most 1e6 and per at most 1e6 hundredths; with
             * reasons, the parser summed count x per into v (at most 16
             * x 1e12). */
            int64_t left = it->points - (sr_item_has_reasons(it) ?
                                         a->v : a->v * it->per);

            if (sr_item_by_shortfall(it)) {
                ir->required = sr_item_required(sys, it, school);
                left = it->points - shortfall(ir->required, a->v) * it->per;
            }
            if (left < 0)
                left = 0;
            earned = left * 10000;
            fr = (int32_t)sr_div_round(left * 10000, it->points);
            break;
        }
        case SR_METHOD_RATIO: {
            int64_t req = a->v2 ? a->v2 : sr_item_required(sys, it, school);
            int64_t q;

            ir->required = req;
            /* A requirement of 0 cannot be entered; a derived one is
             * always > 0.  Guard anyway: nothing required is met. */
            q = req > 0 ? sr_div_round(a->v * 10000, req) : 10000;
            fr = (int32_t)(q > 10000 ? 10000 : q);
            earned = it->points * fr;
            break;
        }
        default:
            break;
        }
        ir->status = SR_ITEM_SCORED;
        ir->fraction = fr;
        ir->earned = earned;
        ir->max = max;
        /* A 0-point prerequisite has nothing to lose: its answer says.
         * A bonus can only add: it is never short of anything. */
        ir->met = it->bonus ? true : max > 0 ? earned == max : fr == 10000;
        ir->hazard = answer_hazard(sys, it, a, ir->met);
        tally(res, it, ir, bl_scored, bl_ok);
    }
    for (i = 0; i < n; i++) {
        if (items[i].method != SR_METHOD_GROUP)
            continue;
        score_group(sys, items, school, i, res);
        if (res->items[i].status == SR_ITEM_SCORED)
            tally(res, &items[i], &res->items[i], bl_scored, bl_ok);
    }
    for (i = 0; i < SR_BASELINE_COUNT; i++)
        res->baseline[i] = bl_scored[i] > 0 && bl_ok[i];
    if (res->max == 0)
        return SR_ERR_INPUT;
    /* Bonus points count up to the cap, and the total up to 100:
     * rounded once, as ever (without bonus items, earned <= max). */
    if (res->bonus > sr_system_bonus_cap(sys) * 10000)
        res->bonus = sr_system_bonus_cap(sys) * 10000;
    res->total = sr_div_round((res->earned + res->bonus) * 10000, res->max);
    if (res->total > 10000)
        res->total = 10000;
    res->band = nb ? nb - 1 : 0;
    if (!res->vetoed) {
        for (i = 0; i < nb; i++) {
            if (res->total >= bands[i].min) {
                res->band = i;
                break;
            }
        }
    }
    /* A draft is not compliant until every applicable item is answered:
     * a missing answer could be a failed veto item. */
    res->compliant = !res->vetoed && res->missing == 0 &&
                     res->total >= sr_system_pass_line(sys);
    return SR_OK;
}
