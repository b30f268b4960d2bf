/*
 * store/report.c - the figures of a district's report as of a period's
 * end (report.h), read from the database.
 *
 * DESIGN
 * Every figure is derived from stored rows, never stored itself:
 *  - the schools are the district's open schools, in registry order
 *    (sr_registry_list());
 *  - a school's assessment is its latest submitted one dated on or
 *    before the end; it counts when the end is before its date plus the
 *    system's valid-months (the rule of sr_baseline_compute(), so that
 *    a school is "assessed" here exactly when the baseline sees an
 *    assessment);
 *  - the lost points come from the stored scores (kind 'item', not met:
 *    below max, or a failed prerequisite worth 0.00 of 0.00) with the
 *    answer and note, the hazard level the answer implied (stored with
 *    the score since schema 4; the item's before), titles and veto from
 *    the stored system (sr_store_system());
 *  - hazards are those of the district's open schools found on or
 *    before the end.  The status as of the end is the to-status of the
 *    last event whose China date (UTC time + 8 hours) is on or before
 *    the end; a hazard without such an event (added later with an
 *    earlier found date) is open.  It is closed as of the end when its
 *    closed_on is on or before the end.  Responsible person, deadline
 *    and measures as of the end are the row's current values when no
 *    event came after the end; otherwise they are the state recorded by
 *    its latest event on or before the end (every hazard event keeps
 *    the hazard's row after it, audit.c).
 *  - the four-100% elements are sr_baseline_compute() as of the end.
 * The baseline is computed in its own read transaction just before the
 * rest, which is read in one read transaction (a consistent snapshot).
 * Each kind of row is read for the whole district in one statement (the
 * schools' assessments, their scores, the hazards), not one a school:
 * on PostgreSQL every statement is a round trip to the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/baseline.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/responses.h"
#include "report_int.h"
#include "whatif_int.h"
#include "store_int.h"
#include "../util.h"

/* ------------------------------------------------------------------ */
/* Release                                                              */
/* ------------------------------------------------------------------ */

void
sr_report_school_release(struct sr_report_school *s)
{
    free(s->name);
    free(s->district);
    free(s->district_name);
    free(s->inspector);
    free(s->system);
    free(s->band);
    free(s->band_label);
    free(s->veto_items);
    free(s->dimensions);
    free(s->baseline_why);
}

static void
lost_release(struct sr_report_lost *l)
{
    free(l->school_name);
    free(l->dimension);
    free(l->item);
    free(l->item_title);
    free(l->value);
    free(l->note);
}

void
sr_report_hazard_release(struct sr_report_hazard *h)
{
    free(h->school_name);
    free(h->district);
    free(h->district_name);
    free(h->item);
    free(h->item_title);
    free(h->description);
    free(h->found_by);
    free(h->responsible);
    free(h->measures);
}

void
sr_report_district_release(struct sr_report_district *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->n_schools; i++)
        sr_report_school_release(&r->schools[i]);
    for (i = 0; i < r->n_lost; i++)
        lost_release(&r->lost[i]);
    for (i = 0; i < r->n_hazards; i++)
        sr_report_hazard_release(&r->hazards[i]);
    for (i = 0; i < r->n_systems; i++)
        free(r->systems[i]);
    free(r->schools);
    free(r->lost);
    free(r->hazards);
    free(r->systems);
    free(r->code);
    free(r->name);
    memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ */
/* Work state                                                           */
/* ------------------------------------------------------------------ */

struct score_row;

struct work {
    struct sr_store *st;
    struct sr_report_district *r;
    size_t alloc_schools, alloc_lost, alloc_hazards, alloc_systems;
    struct sr_system **sys;  /* by school: the system of an assessment
                                whose scores are to be read, or NULL */
    struct score_row *rows;  /* those assessments' scores, by assessment */
    size_t n_rows;
    struct sr_stmt *assigns; /* a hazard's state as of the end */
    struct sr_stmt *status;  /* a hazard's status as of the end */
    sr_error rc;           /* from the registry callback */
    bool kpis_only;        /* no dimension scores or lost points */
    bool no_lost;          /* no lost points (the city shows none) */
    const struct sr_overlay *ov; /* what-if: hazards closed at the end */
    const struct sr_baseline_report *bl; /* as of the end */
    struct sr_trend_given *th; /* the trend's hazards, or NULL */
};

static int
collect_school(const struct sr_school_record *rec, void *p)
{
    struct work *w = p;
    struct sr_report_district *r = w->r;
    struct sr_report_school *s;

    w->rc = sr_grow((void **)&r->schools, &w->alloc_schools, r->n_schools,
                    sizeof(*r->schools), 64);
    if (w->rc != SR_OK)
        return 1;
    s = &r->schools[r->n_schools++];
    memset(s, 0, sizeof(*s));
    snprintf(s->code, sizeof(s->code), "%s", rec->code);
    s->school = rec->school;
    s->colour = -1;
    s->name = sr_strdup(rec->name);
    s->district = sr_strdup(rec->district);
    s->district_name = sr_strdup(rec->district_name);
    if (!s->name || !s->district || !s->district_name) {
        w->rc = SR_ERR_NOMEM;
        return 1;
    }
    return 0;
}

static int
cmp_code(const void *key, const void *elem)
{
    return strcmp(key, ((const struct sr_report_school *)elem)->code);
}

/* The school with @p code (schools are in code order: one district). */
struct sr_report_school *
sr_report_find_school(struct sr_report_district *r, const char *code)
{
    if (!r->n_schools)
        return NULL;
    return bsearch(code, r->schools, r->n_schools, sizeof(*r->schools),
                   cmp_code);
}

/* ------------------------------------------------------------------ */
/* Assessments                                                          */
/* ------------------------------------------------------------------ */

/* Remember the system (id, version) once, with its stored hash. */
static sr_error
note_system(struct work *w, const char *id, const char *version)
{
    struct sr_report_district *r = w->r;
    char hash[65], *line;
    size_t i, len;
    sr_error rc;

    line = sr_asprintf("%s %s ", id, version);
    if (!line)
        return SR_ERR_NOMEM;
    len = strlen(line);
    for (i = 0; i < r->n_systems; i++)
        if (!strncmp(r->systems[i], line, len)) {
            free(line);
            return SR_OK;
        }
    free(line);
    rc = sr_store_system_hash(w->st, id, version, hash);
    if (rc != SR_OK)
        return rc;
    rc = sr_grow((void **)&r->systems, &w->alloc_systems, r->n_systems,
                 sizeof(*r->systems), 64);
    if (rc != SR_OK)
        return rc;
    r->systems[r->n_systems] = sr_asprintf("%s %s sha256 %s", id, version,
                                           hash);
    if (!r->systems[r->n_systems])
        return SR_ERR_NOMEM;
    r->n_systems++;
    return SR_OK;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Points in millionths as "8.4" (rounded to hundredths). */
static void
points(int64_t millionths, char buf[32])
{
    sr_decimal_format(sr_div_round(millionths, 10000), 2, 0, buf, 32);
}

/* One lost-points row of school @p s. */
static sr_error
add_lost(struct work *w, const struct sr_report_school *s,
         const struct sr_system *sys, const struct sr_item *it,
         int64_t earned, int64_t max, int hazard, const char *value,
         const char *note)
{
    const struct sr_dimension *dims;
    struct sr_report_district *r = w->r;
    struct sr_report_lost *l;
    size_t nd;
    sr_error rc;

    rc = sr_grow((void **)&r->lost, &w->alloc_lost, r->n_lost,
                 sizeof(*r->lost), 64);
    if (rc != SR_OK)
        return rc;
    dims = sr_system_dimensions(sys, &nd);
    l = &r->lost[r->n_lost++];
    memset(l, 0, sizeof(*l));
    memcpy(l->code, s->code, sizeof(l->code));
    l->earned = earned;
    l->max = max;
    l->hazard = hazard;
    l->veto = it->veto;
    l->school_name = sr_strdup(s->name);
    l->dimension = sr_asprintf("%s %s", dims[it->dim].id, dims[it->dim].title);
    l->item = sr_strdup(it->id);
    l->item_title = sr_strdup(it->title);
    l->value = sr_answer_text(sys, it, &s->school, value);
    if (note && *note)
        l->note = sr_strdup(note);
    if (!l->school_name || !l->dimension || !l->item || !l->item_title ||
        !l->value || (note && *note && !l->note))
        return SR_ERR_NOMEM;
    return SR_OK;
}

/* A scored row of an assessment. */
struct score_row {
    int64_t assessment;
    char *node;
    int kind; /* 0 dimension, 1 indicator, 2 item */
    int64_t earned, max;
    int hazard; /* item: enum sr_hazard its answer implied, -1 unknown */
    char *value, *note;
    long index; /* item index in the system, or -1 */
};

static void
rows_free(struct score_row *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].node);
        free(v[i].value);
        free(v[i].note);
    }
    free(v);
}

/* scores.hazard (enum sr_hazard by its name), or -1 when NULL: a row
 * stored before schema 4, when the item's own level was recorded. */
static int
stored_hazard(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "none"))
        return SR_HAZARD_NONE;
    return sr_hazard_level_lookup(name);
}

static int
cmp_row(const void *a, const void *b)
{
    const struct score_row *x = a, *y = b;

    return (x->index > y->index) - (x->index < y->index);
}

/* The scores of read_scores(): the latest submitted inspection on or
 * before ?2 of each open school of district ?1, its dimensions and its
 * items not met, by assessment. */
#define SCORES_FROM                                                      \
    "FROM schools s JOIN scores sc ON sc.assessment = "                  \
    "(SELECT x.id FROM assessments x WHERE x.school = "                  \
    "s.code AND x.status = 'submitted' AND x.kind = "                    \
    "'inspection' AND x.assessed_on <= ?2 ORDER BY "                     \
    "x.assessed_on DESC, x.id DESC LIMIT 1) "
#define SCORES_WHERE                                                     \
    "WHERE s.district = ?1 AND s.closed = 0 AND (sc.kind = "             \
    "'dimension' OR (sc.kind = 'item' AND sc.met = 0)) "                 \
    "ORDER BY sc.assessment"
/* With the items' answers (the lost points): only an item has one, so
 * the dimensions' rows do not look (PostgreSQL probed answers_pkey for
 * every row, three in four of them dimensions). */
#define SCORES_ANSWERS_SQL                                               \
    "SELECT sc.assessment, sc.node, sc.kind, sc.earned, sc.max, "        \
    "an.value, an.note, sc.hazard " SCORES_FROM                          \
    "LEFT JOIN answers an ON sc.kind = 'item' AND an.assessment = "      \
    "sc.assessment AND an.item = sc.node " SCORES_WHERE
/* Without them (w->no_lost: the city shows no lost points, and the
 * answers were read for nothing: a third of `report city`'s time on
 * PostgreSQL's side). */
#define SCORES_SQL                                                       \
    "SELECT sc.assessment, sc.node, sc.kind, sc.earned, sc.max, "        \
    "NULL, NULL, sc.hazard " SCORES_FROM SCORES_WHERE

/* The scores a report shows of the latest assessment on or before
 * @p end of each of the district's schools (their dimensions, and
 * their items not met with the answers), read in one statement into
 * w->rows, grouped by assessment: one round trip for the district
 * rather than one a school.  Those of assessments w->sys does not
 * hold (expired, or of a school the city does not list) are not
 * looked at.  (A list of the ids bound as JSON made PostgreSQL plan
 * for a thousand and scan every score in parallel.) */
static sr_error
read_scores(struct work *w, const char *end)
{
    struct sr_report_district *r = w->r;
    struct sr_stmt *q = NULL;
    size_t alloc = 0, i;
    sr_error rc;
    int step, nomem = 0;

    for (i = 0; i < r->n_schools && !w->sys[i]; i++)
        ;
    if (i == r->n_schools)
        return SR_OK;
    rc = sr_store_prepare(w->st, w->no_lost ? SCORES_SQL : SCORES_ANSWERS_SQL,
                          &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, r->code);
    sr_bind_text(q, 2, end);
    while ((step = sr_step(q)) == SR_ROW) {
        const char *kind = sr_col_text(q, 2);
        struct score_row *row;

        rc = sr_grow((void **)&w->rows, &alloc, w->n_rows, sizeof(*w->rows),
                     256);
        if (rc != SR_OK)
            break;
        row = &w->rows[w->n_rows++];
        memset(row, 0, sizeof(*row));
        row->assessment = sr_col_int64(q, 0);
        row->node = sr_column_dup(q, 1, &nomem);
        row->kind = !strcmp(kind, "dimension") ? 0 :
                    !strcmp(kind, "indicator") ? 1 : 2;
        row->earned = sr_col_int64(q, 3);
        row->max = sr_col_int64(q, 4);
        row->value = sr_column_dup(q, 5, &nomem);
        row->note = sr_column_dup(q, 6, &nomem);
        row->hazard = stored_hazard(sr_col_text(q, 7));
        row->index = -1;
        if (nomem) {
            rc = SR_ERR_NOMEM;
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(w->st, _("cannot read the scores"));
    sr_store_finish(w->st, q);
    return rc;
}

/* The rows of assessment @p id among w->rows, each item's index in
 * @p sys found, sorted by it (non-items first). */
static sr_error
scores_of(struct work *w, int64_t id, const struct sr_system *sys,
          struct score_row **out, size_t *n)
{
    size_t lo = 0, hi = w->n_rows, i;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (w->rows[mid].assessment < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *out = w->rows + lo;
    for (i = lo; i < w->n_rows && w->rows[i].assessment == id; i++) {
        struct score_row *row = &w->rows[i];

        if (row->kind != 2)
            continue;
        row->index = sr_system_find_item(sys, row->node);
        if (row->index < 0)
            return sr_store_fail_code(w->st, SR_ERR_INTERNAL,
                                      _("assessment %lld scores item '%s' "
                                        "unknown to its system %s %s"),
                                      (long long)id, row->node,
                                      sr_system_id(sys),
                                      sr_system_version(sys));
    }
    *n = i - lo;
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), cmp_row);
    return SR_OK;
}

/* Dimensions, veto items and lost rows of school @p s from its scores. */
static sr_error
describe(struct work *w, struct sr_report_school *s,
         const struct sr_system *sys)
{
    const struct sr_dimension *dims;
    const struct sr_item *items;
    struct score_row *rows = NULL;
    struct sr_buf dim_text, veto_text;
    size_t nd, ni, n = 0, i, d;
    char e[32], m[32];
    sr_error rc;

    sr_buf_init(&dim_text);
    sr_buf_init(&veto_text);
    dims = sr_system_dimensions(sys, &nd);
    items = sr_system_items(sys, &ni);
    rc = scores_of(w, s->assessment, sys, &rows, &n);
    if (rc != SR_OK)
        return rc;
    /* Dimensions in the system's order. */
    for (d = 0; rc == SR_OK && d < nd; d++)
        for (i = 0; rc == SR_OK && i < n; i++) {
            if (rows[i].kind != 0 || strcmp(rows[i].node, dims[d].id))
                continue;
            points(rows[i].earned, e);
            points(rows[i].max, m);
            rc = sr_buf_addf(&dim_text, "%s%s %s %s/%s",
                             dim_text.len ? "; " : "", dims[d].id,
                             dims[d].title, e, m);
        }
    /* Items not met (the only item rows read), in the system's order
     * (rows are sorted by item index, non-items first). */
    for (i = 0; rc == SR_OK && i < n; i++) {
        const struct sr_item *it;

        if (rows[i].kind != 2)
            continue;
        it = &items[rows[i].index];
        if (it->veto && s->vetoed)
            rc = sr_buf_addf(&veto_text, "%s%s %s",
                             veto_text.len ? "; " : "", it->id, it->title);
        if (rc == SR_OK && !w->no_lost)
            rc = add_lost(w, s, sys, it, rows[i].earned, rows[i].max,
                          rows[i].hazard >= 0 ? rows[i].hazard : it->hazard,
                          rows[i].value, rows[i].note);
    }
    if (rc == SR_OK) {
        s->dimensions = sr_buf_detach(&dim_text);
        if (veto_text.len)
            s->veto_items = sr_buf_detach(&veto_text);
    }
    sr_buf_release(&dim_text);
    sr_buf_release(&veto_text);
    return rc;
}

/* The colour of band @p id in @p sys, or -1. */
int
sr_report_band_colour(const struct sr_system *sys, const char *id)
{
    const struct sr_band *b;
    size_t n, i;

    b = sr_system_bands(sys, &n);
    for (i = 0; id && i < n; i++)
        if (!strcmp(b[i].id, id))
            return b[i].colour;
    return -1;
}

/* Whether the city lists school @p s with its dimensions and veto
 * items (未达标学校, 四个100%未达标: not compliant, or an element of
 * the baseline not met); the city shows them of no other school, so
 * they are read for these alone. */
static bool
city_lists(const struct work *w, const struct sr_report_school *s)
{
    const struct sr_baseline_report *bl = w->bl;
    size_t i = (size_t)(s - w->r->schools);
    int e;

    if (!s->compliant)
        return true;
    /* The baseline lists the same schools in the same order. */
    if (i >= bl->n || strcmp(bl->s[i].code, s->code))
        for (i = 0; i < bl->n && strcmp(bl->s[i].code, s->code); i++)
            ;
    if (i >= bl->n)
        return true;
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (!bl->s[i].met[e] && !bl->s[i].unassessed[e])
            return true;
    return false;
}

/* School @p s (the i-th) as of @p end from @p q's row, its latest
 * assessment on or before the end, when that is still valid then; the
 * system of one whose scores the report shows is kept in w->sys[i]. */
static sr_error
school_assessment(struct work *w, size_t i, struct sr_stmt *q,
                  const char *end)
{
    struct sr_report_school *s = &w->r->schools[i];
    struct sr_system *sys = NULL;
    const char *sid, *sver, *on;
    char until[11];
    sr_error rc;
    int nomem = 0;

    on = sr_col_text(q, 2);
    sid = sr_col_text(q, 3);
    sver = sr_col_text(q, 4);
    rc = sr_store_system(w->st, sid, sver, &sys);
    if (rc != SR_OK)
        goto cleanup;
    sr_date_add_months(on, sr_system_valid_months(sys), until);
    if (strcmp(end, until) >= 0)
        goto cleanup; /* expired by the end: not assessed */
    s->assessed = true;
    s->assessment = sr_col_int64(q, 1);
    snprintf(s->assessed_on, sizeof(s->assessed_on), "%s", on);
    s->inspector = sr_column_dup(q, 5, &nomem);
    s->system = sr_asprintf("%s %s", sid, sver);
    s->total = sr_col_int64(q, 6);
    s->band = sr_column_dup(q, 7, &nomem);
    s->band_label = sr_column_dup(q, 8, &nomem);
    s->compliant = sr_col_int(q, 9) != 0;
    s->vetoed = sr_col_int(q, 10) != 0;
    if (nomem || !s->system) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    s->colour = sr_report_band_colour(sys, s->band);
    rc = note_system(w, sid, sver);
    if (rc == SR_OK && !w->kpis_only && (!w->no_lost || city_lists(w, s))) {
        w->sys[i] = sys;
        sys = NULL;
    }

cleanup:
    sr_system_free(sys);
    return rc;
}

/* Every school's assessment as of @p end (school_assessment()), from
 * one statement that reads the district's submitted inspections by
 * school, the latest first; then the scores of those the report
 * describes, from one more. */
static sr_error
read_assessments(struct work *w, const char *end)
{
    struct sr_report_district *r = w->r;
    struct sr_stmt *q = NULL;
    size_t i = 0, done = (size_t)-1;
    sr_error rc;
    int step;

    if (r->n_schools &&
        !(w->sys = calloc(r->n_schools, sizeof(*w->sys))))
        return SR_ERR_NOMEM;
    rc = sr_store_prepare(w->st,
                          "SELECT a.school, a.id, a.assessed_on, "
                          "a.system_id, a.system_version, a.inspector, "
                          "a.total, a.band, a.band_label, a.compliant, "
                          "a.vetoed FROM assessments a JOIN schools s ON "
                          "s.code = a.school WHERE s.district = ?1 AND "
                          "s.closed = 0 AND a.status = 'submitted' AND "
                          "a.kind = 'inspection' AND a.assessed_on <= ?2 "
                          "ORDER BY a.school, a.assessed_on DESC, a.id DESC",
                          &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, r->code);
    sr_bind_text(q, 2, end);
    /* The schools are in code order, as the rows. */
    while ((step = sr_step(q)) == SR_ROW) {
        const char *code = sr_col_text(q, 0);

        while (i < r->n_schools && strcmp(r->schools[i].code, code) < 0)
            i++;
        if (i >= r->n_schools)
            break;
        if (i == done || strcmp(r->schools[i].code, code))
            continue; /* an older one, or a school not listed */
        done = i;
        rc = school_assessment(w, i, q, end);
        if (rc != SR_OK)
            break;
    }
    if (rc == SR_OK && step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(w->st, _("cannot read assessments"));
    sr_store_finish(w->st, q);
    if (rc == SR_OK)
        rc = read_scores(w, end);
    for (i = 0; rc == SR_OK && i < r->n_schools; i++)
        if (w->sys[i])
            rc = describe(w, &r->schools[i], w->sys[i]);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Hazards                                                              */
/* ------------------------------------------------------------------ */

/* Responsible, deadline and measures of @p h as of @p end: the state
 * its latest event on or before the end recorded (every event since
 * schema 2 keeps the hazard's row after it).  An event of an older
 * database without a state leaves them empty. */
static sr_error
rebuild_assignment(struct work *w, struct sr_report_hazard *h,
                   const char *end)
{
    sr_error rc = SR_OK;
    int step, nomem = 0;

    free(h->responsible);
    free(h->measures);
    h->responsible = h->measures = NULL;
    h->deadline[0] = '\0';
    sr_reset(w->assigns);
    sr_bind_int64(w->assigns, 1, h->id);
    sr_bind_text(w->assigns, 2, end);
    step = sr_step(w->assigns);
    if (step == SR_ROW) {
        const char *dl = sr_col_text(w->assigns, 1);

        h->responsible = sr_column_dup(w->assigns, 0, &nomem);
        h->measures = sr_column_dup(w->assigns, 2, &nomem);
        if (dl && sr_date_valid(dl))
            memcpy(h->deadline, dl, 11);
        if (nomem)
            rc = SR_ERR_NOMEM;
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(w->st, _("cannot read hazard events"));
    }
    sr_reset(w->assigns);
    return rc;
}

void
sr_report_count_hazard(struct sr_report_district *r,
                       const struct sr_report_hazard *h, bool closed,
                       bool overdue)
{
    struct sr_report_kpis *k = &r->kpis;
    struct sr_report_school *s = sr_report_find_school(r, h->code);
    bool in_period = strcmp(h->found_on, r->period.start) >= 0;

    if (in_period) {
        k->hazards_found++;
        k->rectification.den++;
        if (closed)
            k->rectification.num++;
    }
    if (closed && strcmp(h->closed_on, r->period.start) >= 0) {
        k->hazards_closed++;
        if (h->days_late > 0)
            k->hazards_closed_late++;
    }
    if (!closed) {
        k->hazards_open++;
        if (h->level == SR_HAZARD_MAJOR)
            k->open_major++;
        if (s)
            s->open_hazards++;
    }
    if (overdue) {
        k->hazards_overdue++;
        if (s)
            s->overdue_hazards++;
    }
}

sr_error
sr_report_hazard_judge(struct sr_store *st, struct sr_report_hazard *h,
                       const char *closed_on, const char *end, bool *closed,
                       bool *overdue)
{
    *closed = closed_on && strcmp(closed_on, end) <= 0;
    if (*closed)
        snprintf(h->closed_on, sizeof(h->closed_on), "%s", closed_on);
    if (*closed && h->deadline[0] && strcmp(h->closed_on, h->deadline) > 0 &&
        sr_hazard_date_diff(h->deadline, h->closed_on, &h->days_late) !=
            SR_OK)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("hazard %lld has a bad deadline '%s'"),
                                  (long long)h->id, h->deadline);
    *overdue = !*closed && h->deadline[0] && strcmp(h->deadline, end) < 0;
    if (*overdue &&
        sr_hazard_date_diff(h->deadline, end, &h->days_overdue) != SR_OK)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("hazard %lld has a bad deadline '%s'"),
                                  (long long)h->id, h->deadline);
    return SR_OK;
}

/* The district's hazards found on or before the end, each with its
 * status and the time of its last event (by id; a subquery over the
 * hazard's events, by the index on hazard_events(hazard, id): a join on
 * the last event's id made PostgreSQL hash every event of the city for
 * each district), the time's China date taken by sr_store_china_day().
 * The row's status is its last event's to-status: every step updates
 * the row and records the event in one transaction, a "found again"
 * event keeps the status, and audit verify holds the row to its latest
 * event's state; reading it from the row spares a second subquery a
 * hazard (on PostgreSQL, about 70 ms of the 320 to 390 ms that the
 * province's largest district's read took).
 * When the last event's date is on or before the end (nearly always for
 * a current period) the row is the hazard as of the end; otherwise
 * read_hazard() asks for the status and assignment as of the end. */
#define HAZARD_SQL                                                        \
    "SELECT h.id, h.school, s.name, s.district, d.name, h.item, "         \
    "h.item_title, h.description, h.level, h.found_on, h.found_by, "      \
    "h.responsible, h.measures, h.deadline, h.closed_on, h.recurrent_of, "\
    "h.status, (SELECT e.at FROM hazard_events e WHERE "                  \
    "e.hazard = h.id ORDER BY e.id DESC LIMIT 1) "                        \
    "FROM hazards h JOIN schools s ON s.code = h.school "                 \
    "JOIN districts d ON d.code = s.district "                            \
    "WHERE s.district = ?1 AND s.closed = 0 AND h.found_on <= ?2 "        \
    "ORDER BY h.id"

/* The status of hazard @p h as of @p end: the to-status of its latest
 * event on or before the end, open when there is none (a hazard added
 * later with an earlier found date). */
static sr_error
status_then(struct work *w, struct sr_report_hazard *h, const char *end)
{
    const char *status;
    sr_error rc = SR_OK;
    int step;

    h->status = SR_HAZARD_OPEN;
    sr_reset(w->status);
    sr_bind_int64(w->status, 1, h->id);
    sr_bind_text(w->status, 2, end);
    step = sr_step(w->status);
    if (step == SR_ROW) {
        status = sr_col_text(w->status, 0);
        h->status = status ? sr_hazard_status_lookup(status) : -1;
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(w->st, _("cannot read hazard events"));
    }
    sr_reset(w->status);
    return rc;
}

/* Hazard @p h's row as the trend counts it, appended to @p th. */
static sr_error
keep_for_trend(struct sr_trend_given *th, const struct sr_report_hazard *h,
               const char *deadline, const char *closed_on,
               const char *last_day)
{
    struct sr_trend_hazard *x;
    sr_error rc;

    rc = sr_grow((void **)&th->v, &th->alloc, th->n, sizeof(*th->v), 64);
    if (rc != SR_OK)
        return rc;
    x = &th->v[th->n++];
    x->id = h->id;
    memcpy(x->school, h->code, sizeof(x->school));
    x->level = h->level;
    memcpy(x->found_on, h->found_on, sizeof(x->found_on));
    snprintf(x->deadline, sizeof(x->deadline), "%s", deadline ? deadline : "");
    snprintf(x->closed_on, sizeof(x->closed_on), "%s",
             closed_on ? closed_on : "");
    memcpy(x->last_day, last_day, sizeof(x->last_day));
    return SR_OK;
}

static sr_error
read_hazard(struct work *w, struct sr_stmt *q, struct sr_report_hazard *h,
            const char *end)
{
    const char *status, *deadline, *closed_on;
    char last_day[11];
    int nomem = 0;
    sr_error rc = SR_OK;
    bool closed, overdue;

    memset(h, 0, sizeof(*h));
    h->id = sr_col_int64(q, 0);
    snprintf(h->code, sizeof(h->code), "%s",
             sr_col_text(q, 1));
    h->school_name = sr_column_dup(q, 2, &nomem);
    h->district = sr_column_dup(q, 3, &nomem);
    h->district_name = sr_column_dup(q, 4, &nomem);
    h->item = sr_column_dup(q, 5, &nomem);
    h->item_title = sr_column_dup(q, 6, &nomem);
    h->description = sr_column_dup(q, 7, &nomem);
    h->level = sr_hazard_level_lookup(sr_col_text(q, 8));
    snprintf(h->found_on, sizeof(h->found_on), "%s",
             sr_col_text(q, 9));
    h->found_by = sr_column_dup(q, 10, &nomem);
    h->responsible = sr_column_dup(q, 11, &nomem);
    h->measures = sr_column_dup(q, 12, &nomem);
    deadline = sr_col_text(q, 13);
    snprintf(h->deadline, sizeof(h->deadline), "%s", deadline ? deadline : "");
    closed_on = sr_col_text(q, 14);
    h->recurrent_of = sr_col_int64(q, 15);
    status = sr_col_text(q, 16);
    h->supervised = h->level == SR_HAZARD_MAJOR;
    if (nomem)
        return SR_ERR_NOMEM;
    rc = sr_store_china_day(w->st, sr_col_text(q, 17), last_day);
    if (rc == SR_OK && w->th)
        rc = keep_for_trend(w->th, h, deadline, closed_on, last_day);
    if (rc != SR_OK)
        return rc;
    if (status && last_day[0] && strcmp(last_day, end) <= 0) {
        h->status = sr_hazard_status_lookup(status);
    } else {
        /* No event, or events after the end: the row's values are not
         * those of the end. */
        rc = status_then(w, h, end);
        if (rc == SR_OK)
            rc = rebuild_assignment(w, h, end);
        if (rc != SR_OK)
            return rc;
    }
    if (h->level < 0 || h->status < 0)
        return sr_store_fail_code(w->st, SR_ERR_INTERNAL,
                                  _("hazard %lld has an unknown level or "
                                    "status"), (long long)h->id);
    /* The what-if closes a hazard open at the end on the end. */
    if (sr_overlay_closes(w->ov, h->id) &&
        !(closed_on && strcmp(closed_on, end) <= 0)) {
        closed_on = end;
        h->status = SR_HAZARD_CLOSED;
    }
    rc = sr_report_hazard_judge(w->st, h, closed_on, end, &closed, &overdue);
    if (rc == SR_OK)
        sr_report_count_hazard(w->r, h, closed, overdue);
    return rc;
}

static sr_error
read_hazards(struct work *w, const char *end)
{
    struct sr_report_district *r = w->r;
    struct sr_stmt *q = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(w->st, HAZARD_SQL, &q);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(q, 1, r->code);
    sr_bind_text(q, 2, end);
    while ((step = sr_step(q)) == SR_ROW) {
        rc = sr_grow((void **)&r->hazards, &w->alloc_hazards, r->n_hazards,
                     sizeof(*r->hazards), 64);
        if (rc != SR_OK)
            break;
        rc = read_hazard(w, q, &r->hazards[r->n_hazards++], end);
        if (rc != SR_OK)
            break;
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(w->st, _("cannot read the hazards"));
    sr_store_finish(w->st, q);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The baseline and the KPIs                                            */
/* ------------------------------------------------------------------ */

/* 未达标原因 of one school: each element not met or unassessed with
 * its reason, in Chinese; one sentence for the four when they share it
 * (no valid assessment; a system with no item for any of them). */
static sr_error
baseline_why(const struct sr_baseline_school *b, char **out)
{
    char *text[SR_BASELINE_COUNT] = {NULL};
    struct sr_buf why;
    int e, same = 1;
    sr_error rc = SR_OK;

    *out = NULL;
    for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++) {
        if (b->met[e] || (text[e] = sr_baseline_reason_text(&b->reason[e])))
            continue;
        rc = SR_ERR_NOMEM;
    }
    for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK; e++)
        same &= text[0] && text[e] && !strcmp(text[e], text[0]);
    sr_buf_init(&why);
    if (rc == SR_OK && same)
        rc = sr_buf_addf(&why, "四项均%s：%s",
                         b->unassessed[0] ? "未评估" : "未达到", text[0]);
    for (e = 0; e < SR_BASELINE_COUNT && rc == SR_OK && !same; e++)
        if (text[e])
            rc = sr_buf_addf(&why, "%s%s%s：%s", why.len ? "；" : "",
                             sr_baseline_label(e),
                             b->unassessed[e] ? "（未评估）" : "", text[e]);
    if (rc == SR_OK && why.len && !(*out = sr_buf_detach(&why)))
        rc = SR_ERR_NOMEM;
    sr_buf_release(&why);
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        free(text[e]);
    return rc;
}

void
sr_report_baseline_kpis(struct sr_report_district *r,
                        const struct sr_baseline_report *bl)
{
    struct sr_report_kpis *k = &r->kpis;
    size_t i;
    int e;

    for (i = 0; i < bl->nd; i++) {
        if (strcmp(bl->d[i].code, r->code))
            continue;
        for (e = 0; e < SR_BASELINE_COUNT; e++) {
            k->baseline_met[e] = bl->d[i].met[e];
            k->baseline_unassessed[e] = bl->d[i].unassessed[e];
            k->baseline_rate[e].num = bl->d[i].met[e];
            k->baseline_rate[e].den =
                bl->d[i].schools - bl->d[i].unassessed[e];
        }
        k->four_met = bl->d[i].all_four;
        k->four_unassessed = bl->d[i].four_unassessed;
        k->four_100 = bl->d[i].reaches;
    }
}

static sr_error
merge_baseline(struct sr_report_district *r,
               const struct sr_baseline_report *bl)
{
    size_t i;
    int e;

    for (i = 0; i < bl->n; i++) {
        struct sr_report_school *s = sr_report_find_school(r, bl->s[i].code);
        sr_error rc;

        if (!s)
            continue;
        for (e = 0; e < SR_BASELINE_COUNT; e++) {
            s->baseline[e] = bl->s[i].met[e];
            s->baseline_unassessed[e] = bl->s[i].unassessed[e];
        }
        rc = baseline_why(&bl->s[i], &s->baseline_why);
        if (rc != SR_OK)
            return rc;
    }
    sr_report_baseline_kpis(r, bl);
    return SR_OK;
}

void
sr_report_school_kpis(struct sr_report_district *r)
{
    struct sr_report_kpis *k = &r->kpis;
    size_t i;
    int g;

    for (g = 0; g < SR_STAGE_COUNT; g++)
        k->stages[g].stage = g;
    k->schools = r->n_schools;
    for (i = 0; i < r->n_schools; i++) {
        const struct sr_report_school *s = &r->schools[i];
        int stage = (int)s->school.attr[SR_ATTR_STAGE];
        struct sr_report_stage *line =
            stage >= 0 && stage < SR_STAGE_COUNT ? &k->stages[stage] : NULL;

        if (line)
            line->schools++;
        if (!s->assessed)
            continue;
        k->assessed++;
        if (line)
            line->assessed++;
        if (s->colour >= 0 && s->colour < 4)
            k->bands[s->colour]++;
        if (s->vetoed)
            k->vetoed++;
        if (s->compliant) {
            k->compliant++;
            if (line)
                line->compliant++;
        }
    }
    k->coverage.num = k->assessed;
    k->coverage.den = k->schools;
    k->compliance.num = k->compliant;
    k->compliance.den = k->schools;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                          */
/* ------------------------------------------------------------------ */

static sr_error
prepare(struct work *w)
{
    sr_error rc;

    rc = sr_store_prepare(w->st,
                          "SELECT json_extract(state, '$.responsible'), "
                          "json_extract(state, '$.deadline'), "
                          "json_extract(state, '$.measures') FROM "
                          "hazard_events WHERE hazard = ?1 AND "
                          "date(at, '+8 hours') <= ?2 AND state IS NOT "
                          "NULL ORDER BY id DESC LIMIT 1",
                          &w->assigns);
    if (rc == SR_OK)
        rc = sr_store_prepare(w->st,
                              "SELECT to_status FROM hazard_events WHERE "
                              "hazard = ?1 AND date(at, '+8 hours') <= ?2 "
                              "ORDER BY id DESC LIMIT 1",
                              &w->status);
    return rc;
}

/* Resolve the district by code or name into r->code and r->name. */
static sr_error
resolve_district(struct sr_store *st, const char *district,
                 struct sr_report_district *r)
{
    struct sr_districts all;
    const struct sr_district *d;
    sr_error rc;

    rc = sr_registry_districts(st, &all);
    if (rc != SR_OK)
        return rc;
    d = sr_districts_find(&all, district);
    if (!d) {
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no district '%s'"),
                                district);
    } else {
        r->code = sr_strdup(d->code);
        r->name = sr_strdup(d->name);
        if (!r->code || !r->name)
            rc = SR_ERR_NOMEM;
    }
    sr_districts_release(&all);
    return rc;
}

static sr_error
district(struct sr_store *st, const char *district,
         const struct sr_period *period, bool kpis_only, bool no_lost,
         const struct sr_baseline_report *given, const struct sr_overlay *ov,
         struct sr_trend_given *th, struct sr_report_district *out)
{
    struct sr_registry_filter f = {.stage = -1};
    struct sr_baseline_report bl;
    struct work w;
    bool in_txn = false;
    sr_error rc;
    size_t i;

    memset(out, 0, sizeof(*out));
    memset(&bl, 0, sizeof(bl));
    memset(&w, 0, sizeof(w));
    w.st = st;
    w.r = out;
    w.kpis_only = kpis_only;
    w.no_lost = no_lost;
    w.ov = ov;
    w.th = th;
    out->period = *period;
    if (!sr_date_valid(period->start) || !sr_date_valid(period->end)) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT, _("bad period '%s'"),
                                period->label);
        goto cleanup;
    }
    rc = resolve_district(st, district, out);
    if (rc != SR_OK)
        goto cleanup;
    /* Its own read transaction: before ours. */
    if (!given) {
        rc = sr_baseline_compute_overlay(st, out->code, period->end, ov,
                                         &bl);
        if (rc != SR_OK)
            goto cleanup;
        given = &bl;
    }
    rc = sr_store_read_begin(st, &in_txn);
    if (rc != SR_OK)
        goto cleanup;
    w.bl = given;
    f.district = out->code;
    rc = sr_registry_list(st, &f, collect_school, &w);
    if (rc == SR_OK)
        rc = w.rc;
    if (rc == SR_OK)
        rc = prepare(&w);
    if (rc == SR_OK)
        rc = read_assessments(&w, period->end);
    if (rc == SR_OK)
        rc = read_hazards(&w, period->end);
    if (rc == SR_OK)
        rc = merge_baseline(out, given);
    if (rc == SR_OK) {
        sr_report_school_kpis(out);
        if (out->n_systems > 1)
            qsort(out->systems, out->n_systems, sizeof(*out->systems),
                  cmp_str);
    }

cleanup:
    for (i = 0; i < out->n_schools && w.sys; i++)
        sr_system_free(w.sys[i]);
    free(w.sys);
    rows_free(w.rows, w.n_rows);
    sr_store_finish(st, w.assigns);
    sr_store_finish(st, w.status);
    sr_store_read_end(st, in_txn);
    sr_baseline_report_release(&bl);
    if (rc != SR_OK) {
        sr_report_district_release(out);
        if (rc == SR_ERR_NOMEM)
            sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    return rc;
}

sr_error
sr_report_district(struct sr_store *st, const char *code,
                   const struct sr_period *period,
                   struct sr_report_district *out)
{
    return district(st, code, period, false, false, NULL, NULL, NULL, out);
}

sr_error
sr_report_district_for_city(struct sr_store *st, const char *code,
                            const struct sr_period *period,
                            struct sr_report_district *out)
{
    return district(st, code, period, false, true, NULL, NULL, NULL, out);
}

sr_error
sr_report_district_kpis(struct sr_store *st, const char *code,
                        const struct sr_period *period,
                        struct sr_report_district *out)
{
    return district(st, code, period, true, true, NULL, NULL, NULL, out);
}

sr_error
sr_report_district_overlay(struct sr_store *st, const char *code,
                           const struct sr_period *period,
                           const struct sr_overlay *ov,
                           struct sr_report_district *out)
{
    return district(st, code, period, true, true, NULL, ov, NULL, out);
}

sr_error
sr_report_district_and_trend(struct sr_store *st, const char *code,
                             const struct sr_period *period, bool for_city,
                             const struct sr_period *ps, size_t n,
                             struct sr_report_district *out,
                             struct sr_report_kpis *kpis)
{
    struct sr_trend_given th;
    struct sr_baseline_report *bl;
    const char **days;
    sr_error rc;
    size_t p;

    memset(&th, 0, sizeof(th));

    memset(out, 0, sizeof(*out));
    bl = calloc(n + 1, sizeof(*bl));
    days = calloc(n + 1, sizeof(*days));
    if (!bl || !days) {
        free(bl);
        free(days);
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    for (p = 0; p < n; p++)
        days[p] = ps[p].end;
    days[n] = period->end;
    /* Every day's baseline from one read, in its own read transaction. */
    rc = sr_baseline_compute_days(st, code, days, n + 1, bl);
    if (rc == SR_OK)
        rc = district(st, code, period, false, for_city, &bl[n], NULL,
                      n ? &th : NULL, out);
    if (rc == SR_OK && n) {
        /* The hazards as the district's read found them (read once). */
        th.end = period->end;
        th.district = out;
        rc = sr_report_trend_kpis(st, code, ps, n, bl, &th, kpis);
        if (rc != SR_OK)
            sr_report_district_release(out);
    }
    for (p = 0; p <= n; p++)
        sr_baseline_report_release(&bl[p]);
    free(bl);
    free(days);
    free(th.v);
    return rc;
}

sr_error
sr_report_any_assessment(struct sr_store *st, const char *end, bool *any)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *any = false;
    rc = sr_store_prepare(st,
                          "SELECT 1 FROM assessments WHERE status = "
                          "'submitted' AND kind = 'inspection' AND "
                          "assessed_on <= ?1 LIMIT 1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, end);
    step = sr_step(s);
    if (step == SR_ROW)
        *any = true;
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read assessments"));
    sr_store_finish(st, s);
    return rc;
}
