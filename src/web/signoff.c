/*
 * signoff.c - period sign-off over HTTP (schoolrisk/signoff.h):
 * /api/v1/signoff and /api/v1/schools/{code}/confirmation.
 *
 * Who may do what is routes.c's: the city sees every district and
 * accepts or returns; a district sees and signs off, corrects its own; a
 * school confirms its own self-inspection.  The period of a GET is
 * ?period= (the current quarter by default); a POST names it in its
 * body ("period").  The answers carry the state in the library's words
 * (open, signed_off, accepted, returned) and in Chinese (state_label).
 */
#include "web.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/json.h"
#include "schoolrisk/signoff.h"
#include "period.h"

static cJSON *
status_json(const struct sr_signoff_status *s)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    sr_json_add(o, "district", sr_json_str(s->district), &ok);
    sr_json_add(o, "district_name", sr_json_str(s->district_name), &ok);
    sr_json_add(o, "period", sr_json_str(s->period.label), &ok);
    sr_json_add(o, "period_name", sr_json_str(s->period.name), &ok);
    sr_json_add(o, "state", sr_json_str(sr_signoff_state_name(s->state)),
                &ok);
    sr_json_add(o, "state_label",
                sr_json_str(sr_signoff_state_label(s->state)), &ok);
    sr_json_add(o, "locked",
                cJSON_CreateBool(sr_signoff_state_locked(s->state)), &ok);
    sr_json_add(o, "version", sr_json_int(s->version), &ok);
    sr_json_add(o, "signed_by", sr_json_str(s->signed_by), &ok);
    sr_json_add(o, "signed_at",
                sr_json_str(s->signed_at[0] ? s->signed_at : NULL), &ok);
    sr_json_add(o, "sha256", sr_json_str(s->sha256[0] ? s->sha256 : NULL),
                &ok);
    sr_json_add(o, "decided_by", sr_json_str(s->decided_by), &ok);
    sr_json_add(o, "decided_at",
                sr_json_str(s->decided_at[0] ? s->decided_at : NULL), &ok);
    sr_json_add(o, "reason", sr_json_str(s->reason), &ok);
    sr_json_add(o, "schools", sr_json_int((int64_t)s->schools), &ok);
    sr_json_add(o, "confirmed", sr_json_int((int64_t)s->confirmed), &ok);
    sr_json_add(o, "pending", sr_json_int((int64_t)s->pending), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The list: every district the caller's scope holds. */
struct list {
    cJSON *items;
    const struct sr_scope *scope;
    int ok;
};

static int
add_status(const struct sr_signoff_status *s, void *ctx)
{
    struct list *l = ctx;
    size_t i;
    bool in = l->scope->all;

    for (i = 0; !in && i < l->scope->n_districts; i++)
        in = !strcmp(l->scope->districts[i], s->district);
    if (in)
        sr_json_add(l->items, NULL, status_json(s), &l->ok);
    return !l->ok;
}

WEB_HANDLER(web_signoff_list)
{
    struct sr_scope scope;
    struct sr_period p;
    struct list l;
    cJSON *root;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    if (!web_scope(r, &scope))
        return web_done(r);
    root = cJSON_CreateObject();
    l.items = cJSON_CreateArray();
    l.scope = &scope;
    l.ok = root != NULL;
    sr_json_add(root, "period", sr_json_period(&p), &l.ok);
    sr_json_add(root, "items", l.items, &l.ok);
    rc = l.ok ? sr_signoff_status_all(r->st, &p, add_status, &l) : SR_OK;
    sr_scope_release(&scope);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        return web_fail(r, rc, NULL);
    }
    if (!l.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

static cJSON *
event_json(const struct sr_signoff_event *e)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    sr_json_add(o, "id", sr_json_int(e->id), &ok);
    sr_json_add(o, "action", sr_json_str(sr_signoff_action_name(e->action)),
                &ok);
    sr_json_add(o, "action_label",
                sr_json_str(sr_signoff_action_label(e->action)), &ok);
    sr_json_add(o, "state", sr_json_str(sr_signoff_state_name(e->state)),
                &ok);
    sr_json_add(o, "version", sr_json_int(e->version), &ok);
    sr_json_add(o, "school", sr_json_str(e->school[0] ? e->school : NULL),
                &ok);
    sr_json_add(o, "assessment",
                e->assessment ? sr_json_int(e->assessment)
                              : cJSON_CreateNull(),
                &ok);
    sr_json_add(o, "reason", sr_json_str(e->reason), &ok);
    sr_json_add(o, "diff", sr_json_str(e->diff), &ok);
    sr_json_add(o, "unconfirmed", sr_json_str(e->unconfirmed), &ok);
    sr_json_add(o, "sha256", sr_json_str(e->sha256[0] ? e->sha256 : NULL),
                &ok);
    sr_json_add(o, "at", sr_json_str(e->at), &ok);
    sr_json_add(o, "by", sr_json_str(e->by), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

struct hist {
    cJSON *items;
    int ok;
};

static int
add_event(const struct sr_signoff_event *e, void *ctx)
{
    struct hist *h = ctx;

    sr_json_add(h->items, NULL, event_json(e), &h->ok);
    return !h->ok;
}

static cJSON *
unconfirmed_json(const struct sr_signoff_unconfirmed *u)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    sr_json_add(o, "code", sr_json_str(u->code), &ok);
    sr_json_add(o, "name", sr_json_str(u->name), &ok);
    sr_json_add(o, "self",
                u->self ? sr_json_int(u->self) : cJSON_CreateNull(), &ok);
    sr_json_add(o, "self_on", sr_json_str(u->self_on), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int
add_unconfirmed(const struct sr_signoff_unconfirmed *u, void *ctx)
{
    struct hist *h = ctx;

    sr_json_add(h->items, NULL, unconfirmed_json(u), &h->ok);
    return !h->ok;
}

/* The status of (district, p) with its history, as the answer. */
static enum MHD_Result
district_answer(struct web_req *r, const char *district,
                const struct sr_period *p, unsigned code)
{
    struct sr_signoff_status s;
    struct hist h;
    cJSON *root;
    sr_error rc;

    rc = sr_signoff_status(r->st, district, p, &s);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = status_json(&s);
    sr_signoff_status_release(&s);
    h.items = cJSON_CreateArray();
    h.ok = root != NULL;
    sr_json_add(root, "history", h.items, &h.ok);
    rc = h.ok ? sr_signoff_history(r->st, district, p, add_event, &h)
              : SR_OK;
    if (rc == SR_OK && h.ok) {
        h.items = cJSON_CreateArray();
        sr_json_add(root, "unconfirmed", h.items, &h.ok);
        rc = h.ok ? sr_signoff_unconfirmed(r->st, district, p,
                                           add_unconfirmed, &h)
                  : SR_OK;
    }
    if (rc != SR_OK) {
        cJSON_Delete(root);
        return web_fail(r, rc, NULL);
    }
    if (!h.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, code, root);
}

WEB_HANDLER(web_signoff_get)
{
    struct sr_period p;

    if (!web_period(r, &p))
        return web_done(r);
    return district_answer(r, web_param(r, 0), &p, MHD_HTTP_OK);
}

/* The body's "period" (required). */
static bool
body_period(struct web_req *r, struct sr_period *out)
{
    const char *text;

    if (!web_str(r, "period", true, &text))
        return false;
    if (sr_period_parse(text, out) == SR_OK)
        return true;
    web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "period", 0,
              _("bad period '%s' (expected a quarter like 2026Q3 or "
                "2026年第三季度, a month like 2026-09 or 2026年9月, or a year "
                "like 2026 or 2026年)"),
              text);
    return false;
}

WEB_HANDLER(web_signoff_district)
{
    struct sr_period p;
    sr_error rc;

    if (!body_period(r, &p))
        return web_done(r);
    rc = sr_signoff_district(r->st, web_param(r, 0), &p, NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return district_answer(r, web_param(r, 0), &p, MHD_HTTP_OK);
}

WEB_HANDLER(web_signoff_accept)
{
    struct sr_period p;
    sr_error rc;

    if (!body_period(r, &p))
        return web_done(r);
    rc = sr_signoff_accept(r->st, web_param(r, 0), &p);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return district_answer(r, web_param(r, 0), &p, MHD_HTTP_OK);
}

WEB_HANDLER(web_signoff_return)
{
    struct sr_period p;
    const char *reason;
    sr_error rc;

    if (!body_period(r, &p) || !web_str(r, "reason", true, &reason))
        return web_done(r);
    rc = sr_signoff_return(r->st, web_param(r, 0), &p, reason);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return district_answer(r, web_param(r, 0), &p, MHD_HTTP_OK);
}

WEB_HANDLER(web_signoff_correct)
{
    struct sr_period p;
    const char *reason;
    sr_error rc;

    if (!body_period(r, &p) || !web_str(r, "reason", true, &reason))
        return web_done(r);
    rc = sr_signoff_correct(r->st, web_param(r, 0), &p, reason, NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return district_answer(r, web_param(r, 0), &p, MHD_HTTP_OK);
}

WEB_HANDLER(web_signoff_diff)
{
    struct sr_signoff_diff d;
    struct sr_period p;
    cJSON *root, *arr;
    sr_error rc;
    size_t i;
    int ok;

    if (!web_period(r, &p))
        return web_done(r);
    rc = sr_signoff_diff(r->st, web_param(r, 0), &p, &d);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = cJSON_CreateObject();
    arr = cJSON_CreateArray();
    ok = root != NULL;
    sr_json_add(root, "version", sr_json_int(d.version), &ok);
    sr_json_add(root, "changes", arr, &ok);
    for (i = 0; ok && i < d.n; i++) {
        cJSON *c = cJSON_CreateObject();

        sr_json_add(arr, NULL, c, &ok);
        sr_json_add(c, "school",
                    sr_json_str(d.v[i].school[0] ? d.v[i].school : NULL),
                    &ok);
        sr_json_add(c, "school_name", sr_json_str(d.v[i].school_name), &ok);
        sr_json_add(c, "what", sr_json_str(d.v[i].what), &ok);
        sr_json_add(c, "before", sr_json_str(d.v[i].before), &ok);
        sr_json_add(c, "after", sr_json_str(d.v[i].after), &ok);
    }
    sr_signoff_diff_release(&d);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

/* A school's confirmation for p, as the answer. */
static enum MHD_Result
school_answer(struct web_req *r, const struct sr_period *p, unsigned code)
{
    struct sr_signoff_confirmation c;
    cJSON *o;
    sr_error rc;
    int ok;

    rc = sr_signoff_school(r->st, web_param(r, 0), p, &c);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "school", sr_json_str(c.school), &ok);
    sr_json_add(o, "district", sr_json_str(c.district), &ok);
    sr_json_add(o, "period", sr_json_str(p->label), &ok);
    sr_json_add(o, "period_name", sr_json_str(p->name), &ok);
    sr_json_add(o, "state", sr_json_str(sr_signoff_state_name(c.state)),
                &ok);
    sr_json_add(o, "state_label",
                sr_json_str(sr_signoff_state_label(c.state)), &ok);
    sr_json_add(o, "confirmed", cJSON_CreateBool(c.confirmed), &ok);
    sr_json_add(o, "assessment",
                c.assessment ? sr_json_int(c.assessment) : cJSON_CreateNull(),
                &ok);
    sr_json_add(o, "at", sr_json_str(c.at[0] ? c.at : NULL), &ok);
    sr_json_add(o, "by", sr_json_str(c.by), &ok);
    sr_json_add(o, "self_inspection",
                c.self ? sr_json_int(c.self) : cJSON_CreateNull(), &ok);
    sr_signoff_confirmation_release(&c);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return web_json(r, code, o);
}

WEB_HANDLER(web_signoff_confirmation)
{
    struct sr_period p;

    if (!web_period(r, &p))
        return web_done(r);
    return school_answer(r, &p, MHD_HTTP_OK);
}

WEB_HANDLER(web_signoff_confirm)
{
    struct sr_period p;
    sr_error rc;

    if (!body_period(r, &p))
        return web_done(r);
    rc = sr_signoff_confirm(r->st, web_param(r, 0), &p, NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return school_answer(r, &p, MHD_HTTP_OK);
}
