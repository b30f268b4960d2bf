/*
 * whatif.c - the what-if's rules that need no database (whatif.h): the
 * answer that counts an item at full points, and freeing the answers.
 * The computation itself (store/whatif.c) runs the real judges over
 * the rows with some hazards taken as closed.
 */
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/decimal.h"
#include "schoolrisk/whatif.h"
#include "util.h"

/* The fraction a threshold answer v earns: the rule of scoring.c. */
static int32_t
step_fraction(const struct sr_step *st, uint32_t n, bool lower_better,
              int64_t v)
{
    uint32_t i;

    if (lower_better) {
        for (i = 0; i < n; i++)
            if (v <= st[i].at)
                return st[i].fraction;
        return 0;
    }
    for (i = n; i-- > 0;)
        if (v >= st[i].at)
            return st[i].fraction;
    return 0;
}

/* A threshold value earning everything: one of the steps' own values
 * (the first that does, in the steps' order). */
static sr_error
full_threshold(const struct sr_system *sys, const struct sr_item *it,
               struct sr_answer *a)
{
    const struct sr_step *st = sr_system_steps(sys) + it->opt_off;
    uint32_t i;

    for (i = 0; i < it->opt_n; i++) {
        if (step_fraction(st, it->opt_n, it->lower_better, st[i].at) ==
            10000) {
            a->v = st[i].at;
            return SR_OK;
        }
    }
    return SR_ERR_INPUT;
}

/* The level earning the item's points. */
static sr_error
full_level(const struct sr_system *sys, const struct sr_item *it,
           struct sr_answer *a, const char **value)
{
    const struct sr_level *lv = sr_system_levels(sys) + it->opt_off;
    uint32_t i;

    for (i = 0; i < it->opt_n; i++) {
        if (lv[i].points >= 0 ? lv[i].points == it->points
                              : lv[i].fraction == 10000) {
            a->v = i;
            *value = lv[i].value;
            return SR_OK;
        }
    }
    return SR_ERR_INPUT;
}

sr_error
sr_whatif_full_answer(const struct sr_system *sys,
                      const struct sr_school *school, size_t i,
                      int64_t given_required, struct sr_answer *a,
                      char **text)
{
    size_t n;
    const struct sr_item *it = &sr_system_items(sys, &n)[i];
    const char *level = NULL;
    char num[32], req[32];
    sr_error rc = SR_OK;
    char *t = NULL;

    memset(a, 0, sizeof(*a));
    a->state = SR_ANS_VALUE;
    switch (it->method) {
    case SR_METHOD_CHECK:
        a->v = 1;
        t = sr_strdup("pass");
        break;
    case SR_METHOD_LEVELS:
        rc = full_level(sys, it, a, &level);
        if (rc == SR_OK)
            t = sr_strdup(level);
        break;
    case SR_METHOD_THRESHOLD:
        rc = full_threshold(sys, it, a);
        sr_decimal_format(a->v, 4, 0, num, sizeof(num));
        if (rc == SR_OK)
            t = sr_strdup(num);
        break;
    case SR_METHOD_DEDUCT:
        /* No findings; by shortfall, as many as required (whole). */
        if (sr_item_by_shortfall(it))
            a->v = sr_item_required(sys, it, school) / 10000;
        t = sr_asprintf("%lld", (long long)a->v);
        break;
    case SR_METHOD_RATIO:
        a->v = given_required ? given_required
                              : sr_item_required(sys, it, school);
        a->v2 = given_required;
        sr_decimal_format(a->v, 4, 0, num, sizeof(num));
        if (given_required) {
            memcpy(req, num, sizeof(req));
            t = sr_asprintf("%s/%s", num, req);
        } else {
            t = sr_strdup(num);
        }
        break;
    default:
        rc = SR_ERR_INPUT; /* a group: its sub-items are answered */
        break;
    }
    if (rc == SR_OK && !t)
        rc = SR_ERR_NOMEM;
    if (rc == SR_OK && text)
        *text = t;
    else
        free(t);
    return rc;
}

static void
figures_release(struct sr_whatif_figures *f)
{
    free(f->band_label);
    f->band_label = NULL;
}

void
sr_whatif_release(struct sr_whatif *w)
{
    size_t i;

    if (!w)
        return;
    for (i = 0; i < w->n_schools; i++) {
        free(w->schools[i].name);
        free(w->schools[i].district);
        free(w->schools[i].district_name);
        figures_release(&w->schools[i].before);
        figures_release(&w->schools[i].after);
    }
    for (i = 0; i < w->n_districts; i++) {
        free(w->districts[i].code);
        free(w->districts[i].name);
    }
    free(w->city.code);
    free(w->city.name);
    free(w->schools);
    free(w->districts);
    free(w->closed);
    memset(w, 0, sizeof(*w));
}

void
sr_whatif_suggest_release(struct sr_whatif_suggest *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n_gains; i++) {
        free(s->gains[i].school_name);
        free(s->gains[i].item);
        free(s->gains[i].item_title);
    }
    for (i = 0; i < s->n_plans; i++) {
        free(s->plans[i].name);
        free(s->plans[i].district_name);
        free(s->plans[i].to_comply);
        free(s->plans[i].to_four);
        free(s->plans[i].both);
    }
    free(s->gains);
    free(s->plans);
    free(s->code);
    free(s->name);
    memset(s, 0, sizeof(*s));
}
