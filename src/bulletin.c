/*
 * bulletin.c - the rules of the bulletins (bulletin.h) that need no
 * database: which KPIs are compared and how a change is counted, how
 * districts are placed, and what changed between two month-end
 * reports of a district.  store/bulletin.c reads the reports and calls
 * these; the tests call them on reports built by hand.
 *
 * DESIGN
 * A change of a rate is the difference of the two percentages as the
 * workbooks and pages show them (tenths of a per cent, each rounded
 * half away from zero), never of the unrounded fractions: 33.3% then
 * and 50.0% now reads +16.7, which a reader can check on the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/hazards.h"
#include "store/report_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* KPIs                                                                 */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    const char *label;
} kpi_names[SR_BK_COUNT] = {
    [SR_BK_SCHOOLS] = {"schools", "学校数"},
    [SR_BK_ASSESSED] = {"assessed", "已评估学校数"},
    [SR_BK_COVERAGE] = {"coverage", "评估覆盖率"},
    [SR_BK_COMPLIANT] = {"compliant", "达标学校数"},
    [SR_BK_COMPLIANCE] = {"compliance", "达标率"},
    [SR_BK_VETOED] = {"vetoed", "一票否决学校数"},
    [SR_BK_FOUR] = {"four_100_rate", "四个100%达标率"},
    [SR_BK_GUARDS] = {"guards_rate", "专职保安员配备达标率"},
    [SR_BK_CLOSED_CAMPUS] = {"closed_campus_rate", "封闭化管理达标率"},
    [SR_BK_ALARM_VIDEO] = {"alarm_video_rate",
                           "一键式紧急报警和视频监控联网达标率"},
    [SR_BK_PROTECTION] = {"protection_posts_rate", "护学岗设置达标率"},
    [SR_BK_FOUND] = {"hazards_found", "隐患发现数"},
    [SR_BK_CLOSED] = {"hazards_closed", "隐患销号数"},
    [SR_BK_RECTIFICATION] = {"rectification", "整改率"},
    [SR_BK_OPEN] = {"hazards_open", "未整改隐患数"},
    [SR_BK_OVERDUE] = {"hazards_overdue", "逾期隐患数"},
    [SR_BK_OPEN_MAJOR] = {"open_major", "未整改重大隐患数"},
    [SR_BK_OVERDUE_MAJOR] = {"overdue_major", "逾期重大隐患数"},
};

const char *
sr_bulletin_kpi_name(int id)
{
    return id >= 0 && id < SR_BK_COUNT ? kpi_names[id].name : NULL;
}

const char *
sr_bulletin_kpi_label(int id)
{
    return id >= 0 && id < SR_BK_COUNT ? kpi_names[id].label : NULL;
}

static struct sr_rate
count_of(size_t n)
{
    struct sr_rate r = {n, 1};

    return r;
}

/* The KPI @p id of @p k (overdue major given apart: the reports' KPIs
 * do not count it). */
static struct sr_rate
kpi_of(const struct sr_report_kpis *k, size_t overdue_major, int id)
{
    struct sr_rate four = {k->four_met, k->schools - k->four_unassessed};

    switch (id) {
    case SR_BK_SCHOOLS: return count_of(k->schools);
    case SR_BK_ASSESSED: return count_of(k->assessed);
    case SR_BK_COVERAGE: return k->coverage;
    case SR_BK_COMPLIANT: return count_of(k->compliant);
    case SR_BK_COMPLIANCE: return k->compliance;
    case SR_BK_VETOED: return count_of(k->vetoed);
    case SR_BK_FOUR: return four;
    case SR_BK_GUARDS: return k->baseline_rate[SR_BASELINE_GUARDS];
    case SR_BK_CLOSED_CAMPUS:
        return k->baseline_rate[SR_BASELINE_CLOSED_CAMPUS];
    case SR_BK_ALARM_VIDEO: return k->baseline_rate[SR_BASELINE_ALARM_VIDEO];
    case SR_BK_PROTECTION:
        return k->baseline_rate[SR_BASELINE_PROTECTION_POSTS];
    case SR_BK_FOUND: return count_of(k->hazards_found);
    case SR_BK_CLOSED: return count_of(k->hazards_closed);
    case SR_BK_RECTIFICATION: return k->rectification;
    case SR_BK_OPEN: return count_of(k->hazards_open);
    case SR_BK_OVERDUE: return count_of(k->hazards_overdue);
    case SR_BK_OPEN_MAJOR: return count_of(k->open_major);
    case SR_BK_OVERDUE_MAJOR: return count_of(overdue_major);
    default: return count_of(0);
    }
}

static bool
is_rate(int id)
{
    return id == SR_BK_COVERAGE || id == SR_BK_COMPLIANCE ||
           id == SR_BK_FOUR || id == SR_BK_GUARDS ||
           id == SR_BK_CLOSED_CAMPUS || id == SR_BK_ALARM_VIDEO ||
           id == SR_BK_PROTECTION || id == SR_BK_RECTIFICATION;
}

void
sr_bulletin_kpis_fill(struct sr_bulletin_kpi out[SR_BK_COUNT],
                      const struct sr_report_kpis *now,
                      size_t overdue_major_now,
                      const struct sr_report_kpis *prev,
                      size_t overdue_major_prev)
{
    int id;

    for (id = 0; id < SR_BK_COUNT; id++) {
        out[id].is_rate = is_rate(id);
        out[id].now = kpi_of(now, overdue_major_now, id);
        out[id].prev = kpi_of(prev, overdue_major_prev, id);
    }
}

/* Tenths of a per cent, as a workbook's "0.0%" cell shows it. */
static int64_t
permille(struct sr_rate r)
{
    return sr_div_round((int64_t)r.num * 1000, (int64_t)r.den);
}

bool
sr_bulletin_change(const struct sr_bulletin_kpi *k, int64_t *out)
{
    *out = 0;
    if (!k->is_rate) {
        *out = (int64_t)k->now.num - (int64_t)k->prev.num;
        return true;
    }
    if (!k->now.den || !k->prev.den)
        return false;
    *out = permille(k->now) - permille(k->prev);
    return true;
}

/* ------------------------------------------------------------------ */
/* Places                                                               */
/* ------------------------------------------------------------------ */

/* a/b against c/d, exactly: <0, 0, >0.  No denominator counts as
 * @p empty_full ? 1 : 0. */
static int
rate_cmp(struct sr_rate a, struct sr_rate b, bool empty_full)
{
    unsigned long long l, r;

    if (!a.den)
        a = (struct sr_rate){empty_full ? 1 : 0, 1};
    if (!b.den)
        b = (struct sr_rate){empty_full ? 1 : 0, 1};
    l = (unsigned long long)a.num * b.den;
    r = (unsigned long long)b.num * a.den;
    return l < r ? -1 : l > r;
}

/* Better first: <0 when @p a places before @p b, 0 when they share a
 * place. */
static int
key_cmp(const struct sr_bulletin_key *a, const struct sr_bulletin_key *b)
{
    int c;

    if (!a->schools != !b->schools)
        return a->schools ? -1 : 1;
    if ((c = rate_cmp(b->compliance, a->compliance, false)))
        return c;
    if ((c = rate_cmp(b->four, a->four, false)))
        return c;
    if ((c = rate_cmp(b->rectification, a->rectification, true)))
        return c;
    if (a->overdue_major != b->overdue_major)
        return a->overdue_major < b->overdue_major ? -1 : 1;
    return 0;
}

static int
order_cmp(const void *pa, const void *pb, void *ctx)
{
    const struct sr_bulletin_key *keys = ctx;
    const struct sr_bulletin_key *a = &keys[*(const size_t *)pa];
    const struct sr_bulletin_key *b = &keys[*(const size_t *)pb];
    int c = key_cmp(a, b);

    return c ? c : strcmp(a->code ? a->code : "", b->code ? b->code : "");
}

sr_error
sr_bulletin_place(const struct sr_bulletin_key *keys, size_t n, size_t *place,
                  size_t *order)
{
    size_t *ord = order ? order : malloc((n ? n : 1) * sizeof(*ord));
    size_t i;

    if (!ord)
        return SR_ERR_NOMEM;
    for (i = 0; i < n; i++)
        ord[i] = i;
    /* qsort_r: the keys are the comparison's context. */
    qsort_r(ord, n, sizeof(*ord), order_cmp, (void *)keys);
    for (i = 0; i < n; i++)
        place[ord[i]] = i && !key_cmp(&keys[ord[i]], &keys[ord[i - 1]])
                            ? place[ord[i - 1]] : i + 1;
    if (!order)
        free(ord);
    return SR_OK;
}

const char *
sr_bulletin_school_status(const struct sr_report_school *s)
{
    if (!s->assessed)
        return "未评估";
    if (s->vetoed)
        return "一票否决";
    return s->compliant ? "达标" : "未达标";
}

/* ------------------------------------------------------------------ */
/* What changed in a month                                              */
/* ------------------------------------------------------------------ */

static int
cmp_hazard_id(const void *key, const void *elem)
{
    int64_t id = *(const int64_t *)key;
    const struct sr_report_hazard *h = elem;

    return id < h->id ? -1 : id > h->id;
}

/* Hazard @p id in @p r (hazards by id), or NULL.  A report without
 * hazards has a NULL array, which bsearch() must not be given. */
static const struct sr_report_hazard *
hazard_in(const struct sr_report_district *r, int64_t id)
{
    if (r->n_hazards == 0)
        return NULL;
    return bsearch(&id, r->hazards, r->n_hazards, sizeof(*r->hazards),
                   cmp_hazard_id);
}

static sr_error
push_index(size_t **v, size_t *n, size_t i)
{
    size_t *nv = realloc(*v, (*n + 1) * sizeof(**v));

    if (!nv)
        return SR_ERR_NOMEM;
    nv[(*n)++] = i;
    *v = nv;
    return SR_OK;
}

static bool
in_month(const char *date, const struct sr_period *p)
{
    return date[0] && strcmp(date, p->start) >= 0 &&
           strcmp(date, p->end) <= 0;
}

static sr_error
derive_hazards(struct sr_bulletin_monthly *b)
{
    const struct sr_report_district *r = &b->now;
    sr_error rc = SR_OK;
    size_t i;

    for (i = 0; rc == SR_OK && i < r->n_hazards; i++) {
        const struct sr_report_hazard *h = &r->hazards[i];
        const struct sr_report_hazard *then = hazard_in(&b->prev, h->id);
        bool found = in_month(h->found_on, &r->period);

        if (found)
            rc = push_index(&b->found, &b->n_found, i);
        if (rc == SR_OK && in_month(h->closed_on, &r->period))
            rc = push_index(&b->closed, &b->n_closed, i);
        if (rc == SR_OK && h->days_overdue > 0) {
            rc = push_index(&b->overdue, &b->n_overdue, i);
            if (rc == SR_OK && (!then || then->days_overdue == 0))
                rc = push_index(&b->newly_overdue, &b->n_newly_overdue, i);
        }
        if (rc == SR_OK && found && h->supervised)
            rc = push_index(&b->supervised, &b->n_supervised, i);
    }
    return rc;
}

static bool
all_four(const struct sr_report_school *s)
{
    int e;

    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (!s->baseline[e])
            return false;
    return true;
}

static sr_error
push_fell(struct sr_bulletin_fell **v, size_t *n, size_t school,
          const struct sr_report_school *from,
          const struct sr_report_school *to)
{
    struct sr_bulletin_fell *nv = realloc(*v, (*n + 1) * sizeof(**v));
    int e;

    if (!nv)
        return SR_ERR_NOMEM;
    *v = nv;
    nv[*n].school = school;
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        nv[*n].lost[e] = from->baseline[e] && !to->baseline[e];
    (*n)++;
    return SR_OK;
}

static sr_error
derive_schools(struct sr_bulletin_monthly *b)
{
    sr_error rc = SR_OK;
    size_t i;

    b->due_now = b->now.n_schools - b->now.kpis.assessed;
    b->due_prev = b->prev.n_schools - b->prev.kpis.assessed;
    for (i = 0; rc == SR_OK && i < b->now.n_schools; i++) {
        const struct sr_report_school *s = &b->now.schools[i];
        /* A school new to the registry has no previous row: it is
         * newly due when due, and has fallen off nothing. */
        const struct sr_report_school *then =
            sr_report_find_school(&b->prev, s->code);

        if (!s->assessed && (!then || then->assessed))
            rc = push_index(&b->newly_due, &b->n_newly_due, i);
        if (rc != SR_OK || !then)
            continue;
        if (all_four(then) && !all_four(s))
            rc = push_fell(&b->fell_off, &b->n_fell_off, i, then, s);
        else if (!all_four(then) && all_four(s))
            rc = push_fell(&b->back_on, &b->n_back_on, i, s, then);
    }
    return rc;
}

static size_t
overdue_major(const struct sr_report_district *r)
{
    size_t i, n = 0;

    for (i = 0; i < r->n_hazards; i++)
        if (r->hazards[i].level == SR_HAZARD_MAJOR &&
            r->hazards[i].days_overdue > 0)
            n++;
    return n;
}

sr_error
sr_bulletin_monthly_derive(struct sr_bulletin_monthly *b)
{
    sr_error rc;

    sr_bulletin_kpis_fill(b->kpis, &b->now.kpis, overdue_major(&b->now),
                          &b->prev.kpis, overdue_major(&b->prev));
    rc = derive_hazards(b);
    if (rc == SR_OK)
        rc = derive_schools(b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Issue                                                                */
/* ------------------------------------------------------------------ */

void
sr_bulletin_docno(const struct sr_layout *layout,
                  const struct sr_bulletin_issue *issue, char *buf,
                  size_t size)
{
    const char *prefix = layout && layout->text.docno ? layout->text.docno
                                                      : "济教安";
    const char *num = issue && issue->number && issue->number[0]
                          ? issue->number : "  ";
    char year[5] = "";

    if (issue && issue->date && strlen(issue->date) >= 4)
        memcpy(year, issue->date, 4);
    snprintf(buf, size, "%s〔%s〕%s号", prefix, year, num);
}

sr_error
sr_bulletin_last_period(int kind, const char *today, struct sr_period *out)
{
    struct sr_period now;
    sr_error rc;

    if (kind != SR_PERIOD_MONTH && kind != SR_PERIOD_QUARTER)
        return SR_ERR_INPUT;
    rc = sr_period_of(kind, today, &now);
    if (rc == SR_OK)
        sr_period_prev(&now, out);
    return rc;
}

void
sr_bulletin_file_name(const char *district, const struct sr_period *p,
                      char *buf, size_t size)
{
    snprintf(buf, size, "%s-%s-%s.xlsx", district ? district : "全市",
             p->label, district ? "月调度" : "季通报");
}
