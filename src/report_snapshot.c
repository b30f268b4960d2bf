/*
 * report_snapshot.c - a district report as canonical JSON and back
 * (schoolrisk/report_snapshot.h).
 *
 * DESIGN
 * One writer and one reader per struct of report.h, field by field in
 * the order of the struct, so that a field added to report.h has an
 * obvious place here (and test_signoff's deep comparison fails until it
 * has one).  cJSON keeps keys in insertion order and prints numbers
 * that are whole as integers, which makes the text canonical.  The
 * reader never trusts the text: a missing field or a wrong type fails
 * the whole read with SR_ERR_INPUT, because a snapshot is stored data
 * a hand may have edited (audit verify names that; this only refuses
 * to lay it out).
 */
#include "schoolrisk/report_snapshot.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

/* Every add below goes through these; a failed allocation is
 * remembered in *bad and checked once at the end. */
struct wr {
    bool bad;
};

static cJSON *
keep(struct wr *w, cJSON *parent, const char *key, cJSON *v)
{
    if (!v) {
        w->bad = true;
        return NULL;
    }
    if (!parent) {
        cJSON_Delete(v);
        return NULL;
    }
    if (key ? !cJSON_AddItemToObject(parent, key, v)
            : !cJSON_AddItemToArray(parent, v)) {
        cJSON_Delete(v);
        w->bad = true;
        return NULL;
    }
    return v;
}

static void
put_num(struct wr *w, cJSON *o, const char *key, int64_t v)
{
    /* Every figure is far below 2^53: a double holds it exactly. */
    keep(w, o, key, cJSON_CreateNumber((double)v));
}

static void
put_str(struct wr *w, cJSON *o, const char *key, const char *s)
{
    keep(w, o, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void
put_bool(struct wr *w, cJSON *o, const char *key, bool b)
{
    keep(w, o, key, cJSON_CreateBool(b));
}

static void
put_rate(struct wr *w, cJSON *o, const char *key, struct sr_rate r)
{
    cJSON *a = keep(w, o, key, cJSON_CreateArray());

    put_num(w, a, NULL, (int64_t)r.num);
    put_num(w, a, NULL, (int64_t)r.den);
}

static void
put_sizes(struct wr *w, cJSON *o, const char *key, const size_t *v,
          size_t n)
{
    cJSON *a = keep(w, o, key, cJSON_CreateArray());
    size_t i;

    for (i = 0; i < n; i++)
        put_num(w, a, NULL, (int64_t)v[i]);
}

static void
put_bools(struct wr *w, cJSON *o, const char *key, const bool *v, size_t n)
{
    cJSON *a = keep(w, o, key, cJSON_CreateArray());
    size_t i;

    for (i = 0; i < n; i++)
        put_bool(w, a, NULL, v[i]);
}

static void
put_period(struct wr *w, cJSON *o, const struct sr_period *p)
{
    cJSON *j = keep(w, o, "period", cJSON_CreateObject());

    put_num(w, j, "kind", p->kind);
    put_str(w, j, "label", p->label);
    put_str(w, j, "name", p->name);
    put_str(w, j, "start", p->start);
    put_str(w, j, "end", p->end);
}

static void
put_kpis(struct wr *w, cJSON *o, const struct sr_report_kpis *k)
{
    cJSON *j = keep(w, o, "kpis", cJSON_CreateObject());
    cJSON *a, *st;
    size_t i;

    put_num(w, j, "schools", (int64_t)k->schools);
    put_num(w, j, "assessed", (int64_t)k->assessed);
    put_rate(w, j, "coverage", k->coverage);
    put_num(w, j, "compliant", (int64_t)k->compliant);
    put_rate(w, j, "compliance", k->compliance);
    put_sizes(w, j, "bands", k->bands, 4);
    put_num(w, j, "vetoed", (int64_t)k->vetoed);
    put_sizes(w, j, "baseline_met", k->baseline_met, SR_BASELINE_COUNT);
    put_sizes(w, j, "baseline_unassessed", k->baseline_unassessed,
              SR_BASELINE_COUNT);
    a = keep(w, j, "baseline_rate", cJSON_CreateArray());
    for (i = 0; i < SR_BASELINE_COUNT; i++)
        put_rate(w, a, NULL, k->baseline_rate[i]);
    put_num(w, j, "four_met", (int64_t)k->four_met);
    put_num(w, j, "four_unassessed", (int64_t)k->four_unassessed);
    put_bool(w, j, "four_100", k->four_100);
    put_num(w, j, "hazards_found", (int64_t)k->hazards_found);
    put_num(w, j, "hazards_closed", (int64_t)k->hazards_closed);
    put_num(w, j, "hazards_open", (int64_t)k->hazards_open);
    put_num(w, j, "hazards_overdue", (int64_t)k->hazards_overdue);
    put_num(w, j, "hazards_closed_late", (int64_t)k->hazards_closed_late);
    put_rate(w, j, "rectification", k->rectification);
    put_num(w, j, "open_major", (int64_t)k->open_major);
    a = keep(w, j, "stages", cJSON_CreateArray());
    for (i = 0; i < SR_STAGE_COUNT; i++) {
        st = keep(w, a, NULL, cJSON_CreateObject());
        put_num(w, st, "stage", k->stages[i].stage);
        put_num(w, st, "schools", (int64_t)k->stages[i].schools);
        put_num(w, st, "assessed", (int64_t)k->stages[i].assessed);
        put_num(w, st, "compliant", (int64_t)k->stages[i].compliant);
    }
}

static void
put_school(struct wr *w, cJSON *a, const struct sr_report_school *s)
{
    cJSON *j = keep(w, a, NULL, cJSON_CreateObject());
    cJSON *at, *v;
    size_t i;

    put_str(w, j, "code", s->code);
    put_str(w, j, "name", s->name);
    put_str(w, j, "district", s->district);
    put_str(w, j, "district_name", s->district_name);
    at = keep(w, j, "school", cJSON_CreateObject());
    v = keep(w, at, "attr", cJSON_CreateArray());
    for (i = 0; i < SR_ATTR_COUNT; i++)
        put_num(w, v, NULL, s->school.attr[i]);
    put_num(w, at, "set", s->school.set);
    put_bool(w, j, "assessed", s->assessed);
    put_num(w, j, "assessment", s->assessment);
    put_str(w, j, "assessed_on", s->assessed_on);
    put_str(w, j, "inspector", s->inspector);
    put_str(w, j, "system", s->system);
    put_num(w, j, "total", s->total);
    put_str(w, j, "band", s->band);
    put_str(w, j, "band_label", s->band_label);
    put_num(w, j, "colour", s->colour);
    put_bool(w, j, "compliant", s->compliant);
    put_bool(w, j, "vetoed", s->vetoed);
    put_str(w, j, "veto_items", s->veto_items);
    put_str(w, j, "dimensions", s->dimensions);
    put_num(w, j, "open_hazards", (int64_t)s->open_hazards);
    put_num(w, j, "overdue_hazards", (int64_t)s->overdue_hazards);
    put_bools(w, j, "baseline", s->baseline, SR_BASELINE_COUNT);
    put_bools(w, j, "baseline_unassessed", s->baseline_unassessed,
              SR_BASELINE_COUNT);
    put_str(w, j, "baseline_why", s->baseline_why);
}

static void
put_lost(struct wr *w, cJSON *a, const struct sr_report_lost *l)
{
    cJSON *j = keep(w, a, NULL, cJSON_CreateObject());

    put_str(w, j, "code", l->code);
    put_str(w, j, "school_name", l->school_name);
    put_str(w, j, "dimension", l->dimension);
    put_str(w, j, "item", l->item);
    put_str(w, j, "item_title", l->item_title);
    put_num(w, j, "earned", l->earned);
    put_num(w, j, "max", l->max);
    put_str(w, j, "value", l->value);
    put_str(w, j, "note", l->note);
    put_num(w, j, "hazard", l->hazard);
    put_bool(w, j, "veto", l->veto);
}

static void
put_hazard(struct wr *w, cJSON *a, const struct sr_report_hazard *h)
{
    cJSON *j = keep(w, a, NULL, cJSON_CreateObject());

    put_num(w, j, "id", h->id);
    put_str(w, j, "code", h->code);
    put_str(w, j, "school_name", h->school_name);
    put_str(w, j, "district", h->district);
    put_str(w, j, "district_name", h->district_name);
    put_str(w, j, "item", h->item);
    put_str(w, j, "item_title", h->item_title);
    put_str(w, j, "description", h->description);
    put_num(w, j, "level", h->level);
    put_str(w, j, "found_on", h->found_on);
    put_str(w, j, "found_by", h->found_by);
    put_str(w, j, "responsible", h->responsible);
    put_str(w, j, "measures", h->measures);
    put_str(w, j, "deadline", h->deadline);
    put_num(w, j, "status", h->status);
    put_str(w, j, "closed_on", h->closed_on);
    put_num(w, j, "days_overdue", h->days_overdue);
    put_num(w, j, "days_late", h->days_late);
    put_bool(w, j, "supervised", h->supervised);
    put_num(w, j, "recurrent_of", h->recurrent_of);
}

sr_error
sr_report_to_snapshot(const struct sr_report_district *r, char **out)
{
    struct wr w = {false};
    cJSON *root = cJSON_CreateObject(), *a;
    size_t i;

    *out = NULL;
    if (!root)
        return SR_ERR_NOMEM;
    put_num(&w, root, "format", SR_SNAPSHOT_FORMAT);
    put_str(&w, root, "code", r->code);
    put_str(&w, root, "name", r->name);
    put_period(&w, root, &r->period);
    put_kpis(&w, root, &r->kpis);
    a = keep(&w, root, "schools", cJSON_CreateArray());
    for (i = 0; i < r->n_schools; i++)
        put_school(&w, a, &r->schools[i]);
    a = keep(&w, root, "lost", cJSON_CreateArray());
    for (i = 0; i < r->n_lost; i++)
        put_lost(&w, a, &r->lost[i]);
    a = keep(&w, root, "hazards", cJSON_CreateArray());
    for (i = 0; i < r->n_hazards; i++)
        put_hazard(&w, a, &r->hazards[i]);
    a = keep(&w, root, "systems", cJSON_CreateArray());
    for (i = 0; i < r->n_systems; i++)
        put_str(&w, a, NULL, r->systems[i]);
    if (!w.bad)
        *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return *out ? SR_OK : SR_ERR_NOMEM;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

/* The first failure of a read: SR_ERR_INPUT for a bad field,
 * SR_ERR_NOMEM; every get below does nothing once it is set. */
struct rd {
    sr_error rc;
};

static const cJSON *
field(struct rd *r, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!v && r->rc == SR_OK)
        r->rc = SR_ERR_INPUT;
    return v;
}

static int64_t
num_of(struct rd *r, const cJSON *v)
{
    if (!cJSON_IsNumber(v)) {
        if (r->rc == SR_OK)
            r->rc = SR_ERR_INPUT;
        return 0;
    }
    return (int64_t)v->valuedouble;
}

static int64_t
get_num(struct rd *r, const cJSON *o, const char *key)
{
    return num_of(r, field(r, o, key));
}

static size_t
get_size(struct rd *r, const cJSON *o, const char *key)
{
    int64_t v = get_num(r, o, key);

    if (v < 0 && r->rc == SR_OK)
        r->rc = SR_ERR_INPUT;
    return v < 0 ? 0 : (size_t)v;
}

static bool
get_bool(struct rd *r, const cJSON *v)
{
    if (!cJSON_IsBool(v)) {
        if (r->rc == SR_OK)
            r->rc = SR_ERR_INPUT;
        return false;
    }
    return cJSON_IsTrue(v);
}

/* A string or null, as a new string or NULL. */
static char *
get_str(struct rd *r, const cJSON *o, const char *key)
{
    const cJSON *v = field(r, o, key);
    char *s;

    if (r->rc != SR_OK || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v)) {
        r->rc = SR_ERR_INPUT;
        return NULL;
    }
    s = sr_strdup(v->valuestring);
    if (!s)
        r->rc = SR_ERR_NOMEM;
    return s;
}

/* A string into a fixed buffer; too long for it is a bad snapshot. */
static void
get_buf(struct rd *r, const cJSON *o, const char *key, char *buf,
        size_t size)
{
    const cJSON *v = field(r, o, key);

    buf[0] = '\0';
    if (r->rc != SR_OK)
        return;
    if (!cJSON_IsString(v) || strlen(v->valuestring) >= size) {
        r->rc = SR_ERR_INPUT;
        return;
    }
    memcpy(buf, v->valuestring, strlen(v->valuestring) + 1);
}

/* Array @p key of exactly @p n items (n 0: any length, *len set). */
static const cJSON *
get_array(struct rd *r, const cJSON *o, const char *key, size_t n,
          size_t *len)
{
    const cJSON *a = field(r, o, key);
    size_t have;

    if (r->rc != SR_OK)
        return NULL;
    if (!cJSON_IsArray(a)) {
        r->rc = SR_ERR_INPUT;
        return NULL;
    }
    have = (size_t)cJSON_GetArraySize(a);
    if (n && have != n) {
        r->rc = SR_ERR_INPUT;
        return NULL;
    }
    if (len)
        *len = have;
    return a;
}

static struct sr_rate
rate_of(struct rd *r, const cJSON *v)
{
    struct sr_rate t = {0, 0};
    int64_t a, b;

    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2) {
        if (r->rc == SR_OK)
            r->rc = SR_ERR_INPUT;
        return t;
    }
    a = num_of(r, cJSON_GetArrayItem(v, 0));
    b = num_of(r, cJSON_GetArrayItem(v, 1));
    if ((a < 0 || b < 0) && r->rc == SR_OK)
        r->rc = SR_ERR_INPUT;
    t.num = a < 0 ? 0 : (size_t)a;
    t.den = b < 0 ? 0 : (size_t)b;
    return t;
}

static void
get_sizes(struct rd *r, const cJSON *o, const char *key, size_t *v,
          size_t n)
{
    const cJSON *a = get_array(r, o, key, n, NULL);
    size_t i;
    int64_t x;

    for (i = 0; a && i < n; i++) {
        x = num_of(r, cJSON_GetArrayItem(a, (int)i));
        v[i] = x < 0 ? 0 : (size_t)x;
    }
}

static void
get_bools(struct rd *r, const cJSON *o, const char *key, bool *v, size_t n)
{
    const cJSON *a = get_array(r, o, key, n, NULL);
    size_t i;

    for (i = 0; a && i < n; i++)
        v[i] = get_bool(r, cJSON_GetArrayItem(a, (int)i));
}

static void
get_period(struct rd *r, const cJSON *o, struct sr_period *p)
{
    const cJSON *j = field(r, o, "period");

    p->kind = (int)get_num(r, j, "kind");
    get_buf(r, j, "label", p->label, sizeof(p->label));
    get_buf(r, j, "name", p->name, sizeof(p->name));
    get_buf(r, j, "start", p->start, sizeof(p->start));
    get_buf(r, j, "end", p->end, sizeof(p->end));
}

/* The KPIs object @p j. */
static void
kpis_of(struct rd *r, const cJSON *j, struct sr_report_kpis *k)
{
    const cJSON *a, *st;
    size_t i;

    k->schools = get_size(r, j, "schools");
    k->assessed = get_size(r, j, "assessed");
    k->coverage = rate_of(r, field(r, j, "coverage"));
    k->compliant = get_size(r, j, "compliant");
    k->compliance = rate_of(r, field(r, j, "compliance"));
    get_sizes(r, j, "bands", k->bands, 4);
    k->vetoed = get_size(r, j, "vetoed");
    get_sizes(r, j, "baseline_met", k->baseline_met, SR_BASELINE_COUNT);
    get_sizes(r, j, "baseline_unassessed", k->baseline_unassessed,
              SR_BASELINE_COUNT);
    a = get_array(r, j, "baseline_rate", SR_BASELINE_COUNT, NULL);
    for (i = 0; a && i < SR_BASELINE_COUNT; i++)
        k->baseline_rate[i] = rate_of(r, cJSON_GetArrayItem(a, (int)i));
    k->four_met = get_size(r, j, "four_met");
    k->four_unassessed = get_size(r, j, "four_unassessed");
    k->four_100 = get_bool(r, field(r, j, "four_100"));
    k->hazards_found = get_size(r, j, "hazards_found");
    k->hazards_closed = get_size(r, j, "hazards_closed");
    k->hazards_open = get_size(r, j, "hazards_open");
    k->hazards_overdue = get_size(r, j, "hazards_overdue");
    k->hazards_closed_late = get_size(r, j, "hazards_closed_late");
    k->rectification = rate_of(r, field(r, j, "rectification"));
    k->open_major = get_size(r, j, "open_major");
    a = get_array(r, j, "stages", SR_STAGE_COUNT, NULL);
    for (i = 0; a && i < SR_STAGE_COUNT; i++) {
        st = cJSON_GetArrayItem(a, (int)i);
        k->stages[i].stage = (int)get_num(r, st, "stage");
        k->stages[i].schools = get_size(r, st, "schools");
        k->stages[i].assessed = get_size(r, st, "assessed");
        k->stages[i].compliant = get_size(r, st, "compliant");
    }
}

static void
get_kpis(struct rd *r, const cJSON *o, struct sr_report_kpis *k)
{
    kpis_of(r, field(r, o, "kpis"), k);
}

static void
get_school(struct rd *r, const cJSON *j, struct sr_report_school *s)
{
    const cJSON *at, *v;
    size_t i;

    get_buf(r, j, "code", s->code, sizeof(s->code));
    s->name = get_str(r, j, "name");
    s->district = get_str(r, j, "district");
    s->district_name = get_str(r, j, "district_name");
    at = field(r, j, "school");
    v = get_array(r, at, "attr", SR_ATTR_COUNT, NULL);
    for (i = 0; v && i < SR_ATTR_COUNT; i++)
        s->school.attr[i] = num_of(r, cJSON_GetArrayItem(v, (int)i));
    s->school.set = (uint32_t)get_num(r, at, "set");
    s->assessed = get_bool(r, field(r, j, "assessed"));
    s->assessment = get_num(r, j, "assessment");
    get_buf(r, j, "assessed_on", s->assessed_on, sizeof(s->assessed_on));
    s->inspector = get_str(r, j, "inspector");
    s->system = get_str(r, j, "system");
    s->total = get_num(r, j, "total");
    s->band = get_str(r, j, "band");
    s->band_label = get_str(r, j, "band_label");
    s->colour = (int)get_num(r, j, "colour");
    s->compliant = get_bool(r, field(r, j, "compliant"));
    s->vetoed = get_bool(r, field(r, j, "vetoed"));
    s->veto_items = get_str(r, j, "veto_items");
    s->dimensions = get_str(r, j, "dimensions");
    s->open_hazards = get_size(r, j, "open_hazards");
    s->overdue_hazards = get_size(r, j, "overdue_hazards");
    get_bools(r, j, "baseline", s->baseline, SR_BASELINE_COUNT);
    get_bools(r, j, "baseline_unassessed", s->baseline_unassessed,
              SR_BASELINE_COUNT);
    s->baseline_why = get_str(r, j, "baseline_why");
}

static void
get_lost(struct rd *r, const cJSON *j, struct sr_report_lost *l)
{
    get_buf(r, j, "code", l->code, sizeof(l->code));
    l->school_name = get_str(r, j, "school_name");
    l->dimension = get_str(r, j, "dimension");
    l->item = get_str(r, j, "item");
    l->item_title = get_str(r, j, "item_title");
    l->earned = get_num(r, j, "earned");
    l->max = get_num(r, j, "max");
    l->value = get_str(r, j, "value");
    l->note = get_str(r, j, "note");
    l->hazard = (int)get_num(r, j, "hazard");
    l->veto = get_bool(r, field(r, j, "veto"));
}

static void
get_hazard(struct rd *r, const cJSON *j, struct sr_report_hazard *h)
{
    h->id = get_num(r, j, "id");
    get_buf(r, j, "code", h->code, sizeof(h->code));
    h->school_name = get_str(r, j, "school_name");
    h->district = get_str(r, j, "district");
    h->district_name = get_str(r, j, "district_name");
    h->item = get_str(r, j, "item");
    h->item_title = get_str(r, j, "item_title");
    h->description = get_str(r, j, "description");
    h->level = (int)get_num(r, j, "level");
    get_buf(r, j, "found_on", h->found_on, sizeof(h->found_on));
    h->found_by = get_str(r, j, "found_by");
    h->responsible = get_str(r, j, "responsible");
    h->measures = get_str(r, j, "measures");
    get_buf(r, j, "deadline", h->deadline, sizeof(h->deadline));
    h->status = (int)get_num(r, j, "status");
    get_buf(r, j, "closed_on", h->closed_on, sizeof(h->closed_on));
    h->days_overdue = get_num(r, j, "days_overdue");
    h->days_late = get_num(r, j, "days_late");
    h->supervised = get_bool(r, field(r, j, "supervised"));
    h->recurrent_of = get_num(r, j, "recurrent_of");
}

/* calloc of n items of size sz (n may be 0: NULL, not a failure). */
static void *
items(struct rd *r, size_t n, size_t sz)
{
    void *p;

    if (r->rc != SR_OK || n == 0)
        return NULL;
    p = calloc(n, sz);
    if (!p)
        r->rc = SR_ERR_NOMEM;
    return p;
}

/* The arrays are walked element by element: cJSON_GetArrayItem() walks
 * the list from its head each time, and a province's district (2,500
 * schools, 12,000 hazards) made reading the city's signed-off
 * snapshots three quarters of `report city`'s CPU. */
static void
get_rows(struct rd *r, const cJSON *root, struct sr_report_district *out)
{
    const cJSON *a, *e;
    size_t n = 0;

    a = get_array(r, root, "schools", 0, &n);
    out->schools = items(r, n, sizeof(*out->schools));
    for (e = out->schools ? a->child : NULL;
         e && out->n_schools < n && r->rc == SR_OK; e = e->next)
        get_school(r, e, &out->schools[out->n_schools++]);
    n = 0;
    a = get_array(r, root, "lost", 0, &n);
    out->lost = items(r, n, sizeof(*out->lost));
    for (e = out->lost ? a->child : NULL;
         e && out->n_lost < n && r->rc == SR_OK; e = e->next)
        get_lost(r, e, &out->lost[out->n_lost++]);
    n = 0;
    a = get_array(r, root, "hazards", 0, &n);
    out->hazards = items(r, n, sizeof(*out->hazards));
    for (e = out->hazards ? a->child : NULL;
         e && out->n_hazards < n && r->rc == SR_OK; e = e->next)
        get_hazard(r, e, &out->hazards[out->n_hazards++]);
    n = 0;
    a = get_array(r, root, "systems", 0, &n);
    out->systems = items(r, n, sizeof(*out->systems));
    for (e = out->systems ? a->child : NULL;
         e && out->n_systems < n && r->rc == SR_OK; e = e->next) {
        size_t i = out->n_systems++;

        if (!cJSON_IsString(e)) {
            r->rc = SR_ERR_INPUT;
            break;
        }
        out->systems[i] = sr_strdup(e->valuestring);
        if (!out->systems[i])
            r->rc = SR_ERR_NOMEM;
    }
}

sr_error
sr_report_from_snapshot(const char *text, struct sr_report_district *out)
{
    struct rd r = {SR_OK};
    cJSON *root;

    memset(out, 0, sizeof(*out));
    root = text ? cJSON_Parse(text) : NULL;
    if (!root || !cJSON_IsObject(root))
        r.rc = SR_ERR_INPUT;
    else if (get_num(&r, root, "format") != SR_SNAPSHOT_FORMAT)
        r.rc = SR_ERR_INPUT;
    if (r.rc == SR_OK) {
        out->code = get_str(&r, root, "code");
        out->name = get_str(&r, root, "name");
        get_period(&r, root, &out->period);
        get_kpis(&r, root, &out->kpis);
        get_rows(&r, root, out);
    }
    cJSON_Delete(root);
    if (r.rc != SR_OK)
        sr_report_district_release(out);
    return r.rc;
}

sr_error
sr_report_kpis_from_snapshot_head(const char *head,
                                  struct sr_report_kpis *out)
{
    static const char key[] = "\"kpis\":";
    struct rd r = {SR_OK};
    const char *at = head ? strstr(head, key) : NULL, *end = NULL;
    size_t n;
    char *top;
    cJSON *o = NULL, *k = NULL;
    const cJSON *f;

    memset(out, 0, sizeof(*out));
    if (!at || at == head || at[-1] != ',')
        return SR_ERR_NOT_FOUND;
    /* The match is a member of the top-level object when what comes
     * before it, closed there, is an object itself: a "kpis": inside a
     * string or a nested object would leave it open.  That object must
     * be a snapshot's head (its format first). */
    n = (size_t)(at - head);
    top = malloc(n + 1);
    if (!top)
        return SR_ERR_NOMEM;
    memcpy(top, head, n - 1);
    top[n - 1] = '}';
    top[n] = '\0';
    o = cJSON_ParseWithLength(top, n);
    free(top);
    f = cJSON_IsObject(o) ? o->child : NULL;
    if (!f || strcmp(f->string, "format") || !cJSON_IsNumber(f) ||
        f->valuedouble != SR_SNAPSHOT_FORMAT) {
        cJSON_Delete(o);
        return SR_ERR_NOT_FOUND;
    }
    cJSON_Delete(o);
    /* One value and no more: the rows after it are not there to read.
     * A value cut short does not parse. */
    at += sizeof(key) - 1;
    k = cJSON_ParseWithLengthOpts(at, strlen(at), &end, false);
    if (!k || !end || (*end != ',' && *end != '}' && *end != '\0')) {
        cJSON_Delete(k);
        return SR_ERR_NOT_FOUND;
    }
    if (!cJSON_IsObject(k))
        r.rc = SR_ERR_INPUT;
    else
        kpis_of(&r, k, out);
    cJSON_Delete(k);
    if (r.rc != SR_OK)
        memset(out, 0, sizeof(*out));
    return r.rc;
}
