/*
 * hazards.c - the hazard ledger (隐患台账): /api/v1/hazards and each
 * step of the closed loop.
 *
 * Who may take which step is the route table's business (routes.c):
 * assign, verify by the district; submit by the school or the
 * district; reject by the district or the city; sign-off by the city.
 * The rules of the loop (which state allows what, four eyes, the city's
 * sign-off of supervised hazards) are the library's (hazards.h), which
 * compares the authenticated users' ids.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/evidence.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/json.h"

/* ?name=1 or true. */
static bool
flag(const struct web_req *r, const char *name)
{
    const char *v = web_query(r, name);

    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

/* A query value that names one of a list (status, level) by its name or
 * its Chinese label; -1 when not given; false after answering 400 for an
 * unknown one, naming what is accepted. */
static bool
pick(struct web_req *r, const char *key, int (*lookup)(const char *),
     int *out)
{
    const char *v = web_query(r, key);

    *out = -1;
    if (!v)
        return true;
    *out = lookup(v);
    if (*out >= 0)
        return true;
    if (lookup == sr_hazard_level_lookup)
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", key, 0,
                  _("unknown level '%s' (general 一般 or major 重大)"), v);
    else
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", key, 0,
                  _("unknown status '%s' (open 登记, rectifying 整改中, "
                    "submitted 已整改待复查 or closed 已销号)"),
                  v);
    return false;
}

WEB_HANDLER(web_hazards_list)
{
    struct sr_hazard_filter f;
    struct sr_hazard_record *v = NULL;
    struct sr_scope scope;
    size_t n = 0, total = 0, count, i, offset, limit;
    cJSON *root = NULL, *arr, *counts;
    char from[11], to[11];
    int ok, st;
    sr_error rc;

    memset(&f, 0, sizeof(f));
    if (!web_paging(r, 20, 200, &offset, &limit) ||
        !pick(r, "status", sr_hazard_status_lookup, &f.status) ||
        !pick(r, "level", sr_hazard_level_lookup, &f.level))
        return web_done(r);
    if (!web_scope(r, &scope))
        return web_done(r);
    f.district = web_query(r, "district");
    f.school = web_query(r, "school");
    f.overdue = flag(r, "overdue");
    f.supervised = flag(r, "supervised");
    f.awaiting_signoff = flag(r, "awaiting_signoff");
    f.found_from = web_date(web_query(r, "found_from"), from);
    f.found_to = web_date(web_query(r, "found_to"), to);
    f.search = web_query(r, "q");
    f.scope = &scope;
    f.newest_first = true;
    f.offset = offset;
    f.limit = limit;
    rc = sr_hazard_count(r->st, &f, NULL, &total);
    if (rc == SR_OK)
        rc = sr_hazard_list(r->st, &f, NULL, &v, &n);
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (rc != SR_OK)
        goto fail;
    sr_json_add(root, "total", sr_json_int((int64_t)total), &ok);
    sr_json_add(root, "page", sr_json_int((int64_t)(offset / limit + 1)),
                &ok);
    sr_json_add(root, "size", sr_json_int((int64_t)limit), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(root, "items", arr, &ok);
    for (i = 0; ok && i < n; i++)
        sr_json_add(arr, NULL, sr_json_hazard(&v[i]), &ok);
    /* The same filter counted by status and overdue, for the tabs. */
    counts = cJSON_CreateObject();
    sr_json_add(root, "counts", counts, &ok);
    f.overdue = false;
    for (st = 0; ok && rc == SR_OK && st < SR_HAZARD_STATUS_COUNT; st++) {
        f.status = st;
        rc = sr_hazard_count(r->st, &f, NULL, &count);
        sr_json_add(counts, sr_hazard_status_name(st),
                    sr_json_int((int64_t)count), &ok);
    }
    if (rc == SR_OK && ok) {
        f.status = -1;
        f.overdue = true;
        rc = sr_hazard_count(r->st, &f, NULL, &count);
        sr_json_add(counts, "overdue", sr_json_int((int64_t)count), &ok);
    }
    if (rc != SR_OK)
        goto fail;
    sr_hazard_list_free(v, n);
    sr_scope_release(&scope);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);

fail:
    cJSON_Delete(root);
    sr_hazard_list_free(v, n);
    sr_scope_release(&scope);
    return web_fail(r, rc, NULL);
}

/* The hazard with its timeline, at status. */
static enum MHD_Result
hazard_answer(struct web_req *r, int64_t id, unsigned status)
{
    struct sr_hazard_record h;
    struct sr_hazard_event *ev = NULL;
    size_t n = 0;
    cJSON *root;
    int ok;
    sr_error rc;

    rc = sr_hazard_get(r->st, id, NULL, &h);
    if (rc == SR_OK)
        rc = sr_hazard_events(r->st, id, &ev, &n);
    if (rc != SR_OK) {
        sr_hazard_release(&h);
        return web_fail(r, rc, NULL);
    }
    root = cJSON_CreateObject();
    ok = root != NULL;
    sr_json_add(root, "hazard", sr_json_hazard(&h), &ok);
    sr_json_add(root, "events", sr_json_hazard_events(ev, n), &ok);
    sr_hazard_release(&h);
    sr_hazard_events_free(ev, n);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, status, root);
}

WEB_HANDLER(web_hazards_get)
{
    int64_t id;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    return hazard_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_hazards_add)
{
    const char *school, *item, *level, *description, *found_on;
    char on[11];
    struct sr_hazard_new h;
    int64_t id = 0;
    bool linked = false;
    sr_error rc;

    if (!web_str(r, "school", true, &school) ||
        !web_str(r, "item", false, &item) ||
        !web_str(r, "level", true, &level) ||
        !web_str(r, "description", true, &description) ||
        !web_str(r, "found_on", false, &found_on))
        return web_done(r);
    memset(&h, 0, sizeof(h));
    h.school = school;
    h.item = item && *item ? item : NULL;
    h.level = sr_hazard_level_lookup(level);
    if (h.level < 0)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "level", 0,
                         _("unknown hazard level '%s' (general 一般 or "
                           "major 重大)"),
                         level);
    h.description = description;
    h.found_on = found_on && *found_on ? web_date(found_on, on) : NULL;
    rc = sr_hazard_add(r->st, &h, &id, &linked);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return hazard_answer(r, id, linked ? MHD_HTTP_OK : MHD_HTTP_CREATED);
}

WEB_HANDLER(web_hazards_assign)
{
    const char *responsible, *deadline, *measures;
    char date[11];
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) ||
        !web_str(r, "responsible", true, &responsible) ||
        !web_str(r, "deadline", true, &deadline) ||
        !web_str(r, "measures", false, &measures))
        return web_done(r);
    rc = sr_hazard_assign(r->st, id, responsible, web_date(deadline, date),
                          measures && *measures ? measures : NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return hazard_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_hazards_submit)
{
    const char *note, *files[SR_EVIDENCE_MAX_FILES];
    size_t n;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_str(r, "note", true, &note) ||
        !web_strs(r, "files", files, SR_EVIDENCE_MAX_FILES, &n))
        return web_done(r);
    rc = sr_hazard_submit_files(r->st, id, note, files, n);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return hazard_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_hazards_verify)
{
    const char *note;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_str(r, "note", false, &note))
        return web_done(r);
    rc = sr_hazard_verify(r->st, id, note && *note ? note : NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return hazard_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_hazards_reject)
{
    const char *reason;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_str(r, "reason", true, &reason))
        return web_done(r);
    rc = sr_hazard_reject(r->st, id, reason);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return hazard_answer(r, id, MHD_HTTP_OK);
}

WEB_HANDLER(web_hazards_signoff)
{
    const char *note;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_str(r, "note", false, &note))
        return web_done(r);
    rc = sr_hazard_signoff(r->st, id, note && *note ? note : NULL);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return hazard_answer(r, id, MHD_HTTP_OK);
}
