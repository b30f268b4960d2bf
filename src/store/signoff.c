/*
 * signoff.c - the SQL of period sign-off (schoolrisk/signoff.h): the
 * signoff_events table of schema 9.  The rules are in src/signoff.c;
 * see signoff_int.h for the contract of each function.
 *
 * The state of a (district, period) is never stored apart from its
 * history: it is the state of the latest event that has one (STATE_OF
 * below), so that there is no second copy to drift from the chained
 * rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/report_snapshot.h"
#include "signoff_int.h"
#include "store_int.h"
#include "../util.h"

/* The state of (district ?1, period ?2), NULL when it has no event. */
#define STATE_OF                                                            \
    "(SELECT e.state FROM signoff_events e WHERE e.district = ?1 AND "      \
    "e.period = ?2 AND e.state IS NOT NULL ORDER BY e.id DESC LIMIT 1)"

/* The latest version's event of (?1, ?2). */
#define LATEST_VERSION                                                      \
    "(SELECT e.id FROM signoff_events e WHERE e.district = ?1 AND "         \
    "e.period = ?2 AND e.action IN ('signoff','correct') ORDER BY e.id "   \
    "DESC LIMIT 1)"

#define SELECT_EVENT                                                        \
    "SELECT e.id, e.district, d.name, e.period, e.action, e.state, "        \
    "e.version, e.school, e.assessment, e.reason, e.diff, e.schools, "      \
    "e.confirmed, e.unconfirmed, e.snapshot_sha256, e.at, e.by FROM "       \
    "signoff_events e JOIN districts d ON d.code = e.district "

static const char *const actions[SR_SIGNOFF_ACTION_COUNT] = {
    "confirm", "signoff", "accept", "return", "correct", "amend",
};

static int
action_of(const char *name)
{
    int i;

    for (i = 0; name && i < SR_SIGNOFF_ACTION_COUNT; i++)
        if (!strcmp(name, actions[i]))
            return i;
    return -1;
}

static int
state_of(const char *name)
{
    int i;

    for (i = 0; name && i < SR_SIGNOFF_STATE_COUNT; i++)
        if (!strcmp(name, sr_signoff_state_name(i)))
            return i;
    return -1;
}

static void
copy_text(char *out, size_t size, struct sr_stmt *s, int i)
{
    const char *t = sr_col_text(s, i);

    snprintf(out, size, "%s", t ? t : "");
}

sr_error
sr_sodb_insert(struct sr_store *st, const struct sr_sodb_row *r)
{
    struct sr_stmt *s = NULL;
    char now[32];
    sr_error rc = sr_store_prepare(
        st,
        "INSERT INTO signoff_events(district, period, period_start, "
        "period_end, action, state, version, school, assessment, reason, "
        "schools, confirmed, unconfirmed, snapshot, snapshot_sha256, diff, "
        "at, by, by_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        &s);

    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_text(s, 1, r->district);
    sr_bind_text(s, 2, r->period->label);
    sr_bind_text(s, 3, r->period->start);
    sr_bind_text(s, 4, r->period->end);
    sr_bind_text(s, 5, actions[r->action]);
    sr_bind_text(s, 6, r->state >= 0 ? sr_signoff_state_name(r->state)
                                     : NULL);
    sr_bind_int(s, 7, r->version);
    sr_bind_text(s, 8, r->school);
    if (r->assessment)
        sr_bind_int64(s, 9, r->assessment);
    sr_bind_text(s, 10, r->reason);
    if (r->counts) {
        sr_bind_int64(s, 11, (int64_t)r->schools);
        sr_bind_int64(s, 12, (int64_t)r->confirmed);
    }
    sr_bind_text(s, 13, r->unconfirmed);
    sr_bind_text(s, 14, r->snapshot);
    sr_bind_text(s, 15, r->sha256);
    sr_bind_text(s, 16, r->diff);
    /* sr_bind_text() copies: now is on this stack frame. */
    sr_bind_text(s, 17, now);
    sr_bind_text(s, 18, sr_store_actor(st));
    sr_bind_user(st, s, 19);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot record the sign-off event"));
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_audit_append(st, "signoff", sr_db_last_id(st));
    return rc;
}

sr_error
sr_sodb_lock(struct sr_store *st, const char *district)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE districts SET sort = sort WHERE code = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot lock the district"));
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_db_lock_district(st, district, false);
    return rc;
}

sr_error
sr_sodb_status(struct sr_store *st, struct sr_signoff_status *out)
{
    struct sr_stmt *s = NULL;
    int nomem = 0, step;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT " STATE_OF ", v.version, v.by, v.at, v.snapshot_sha256, "
        "c.by, c.at, CASE c.action WHEN 'return' THEN c.reason END, "
        "(SELECT count(*) FROM signoff_events e WHERE e.district = ?1 AND "
        "e.period = ?2 AND e.action = 'amend' AND e.id > coalesce(v.id, "
        "0)), (SELECT count(*) FROM schools s WHERE s.district = ?1 AND "
        "s.closed = 0), (SELECT count(*) FROM schools s WHERE s.district = "
        "?1 AND s.closed = 0 AND EXISTS (SELECT 1 FROM signoff_events e "
        "WHERE e.district = ?1 AND e.period = ?2 AND e.action = 'confirm' "
        "AND e.school = s.code)), (SELECT name FROM districts WHERE code = "
        "?1) FROM (SELECT 1) one LEFT JOIN signoff_events v "
        "ON v.id = " LATEST_VERSION " LEFT JOIN signoff_events c ON c.id = "
        "(SELECT e.id FROM signoff_events e WHERE e.district = ?1 AND "
        "e.period = ?2 AND e.action IN ('accept','return') ORDER BY e.id "
        "DESC LIMIT 1)",
        &s);

    if (rc != SR_OK)
        return rc;
    free(out->district_name);
    out->district_name = NULL;
    sr_bind_text(s, 1, out->district);
    sr_bind_text(s, 2, out->period.label);
    step = sr_step(s);
    if (step == SR_ROW) {
        const char *state = sr_col_text(s, 0);

        out->state = state ? state_of(state) : SR_SIGNOFF_OPEN;
        out->version = sr_col_int(s, 1);
        out->signed_by = sr_column_dup(s, 2, &nomem);
        copy_text(out->signed_at, sizeof(out->signed_at), s, 3);
        copy_text(out->sha256, sizeof(out->sha256), s, 4);
        out->decided_by = sr_column_dup(s, 5, &nomem);
        copy_text(out->decided_at, sizeof(out->decided_at), s, 6);
        out->reason = sr_column_dup(s, 7, &nomem);
        out->pending = (size_t)sr_col_int64(s, 8);
        out->schools = (size_t)sr_col_int64(s, 9);
        out->confirmed = (size_t)sr_col_int64(s, 10);
        out->district_name = sr_column_dup(s, 11, &nomem);
        if (nomem)
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        else if (out->state < 0)
            rc = sr_store_fail(st, _("the sign-off history of %s %s is "
                                     "damaged"),
                               out->district, out->period.label);
    } else {
        rc = sr_store_dberr(st, _("cannot read the sign-off history"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_sodb_unconfirmed(struct sr_store *st, const char *district,
                    const char *period, char ***codes, size_t *n)
{
    struct sr_stmt *s = NULL;
    size_t alloc = 0;
    int step;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT s.code FROM schools s WHERE s.district = ?1 AND s.closed = "
        "0 AND NOT EXISTS (SELECT 1 FROM signoff_events e WHERE "
        "e.district = ?1 AND e.period = ?2 AND e.action = 'confirm' AND "
        "e.school = s.code) ORDER BY s.code",
        &s);

    *codes = NULL;
    *n = 0;
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, period);
    while ((step = sr_step(s)) == SR_ROW) {
        int nomem = 0;

        rc = sr_grow((void **)codes, &alloc, *n, sizeof(**codes), 16);
        if (rc == SR_OK) {
            (*codes)[*n] = sr_column_dup(s, 0, &nomem);
            if (nomem)
                rc = SR_ERR_NOMEM;
            else
                (*n)++;
        }
        if (rc != SR_OK) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the schools"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_sodb_unconfirmed_each(struct sr_store *st, const char *district,
                         const char *period, const char *end,
                         sr_signoff_unconfirmed_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    int step;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT s.code, s.name, a.id, a.assessed_on FROM schools s LEFT "
        "JOIN assessments a ON a.id = (SELECT b.id FROM assessments b "
        "WHERE b.school = s.code AND b.kind = 'self' AND b.status = "
        "'submitted' AND b.assessed_on <= ?3 ORDER BY b.assessed_on DESC, "
        "b.id DESC LIMIT 1) WHERE s.district = ?1 AND s.closed = 0 AND NOT "
        "EXISTS (SELECT 1 FROM signoff_events e WHERE e.district = ?1 AND "
        "e.period = ?2 AND e.action = 'confirm' AND e.school = s.code) "
        "ORDER BY s.code",
        &s);

    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, period);
    sr_bind_text(s, 3, end);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_signoff_unconfirmed u;

        u.code = sr_col_text(s, 0);
        u.name = sr_col_text(s, 1);
        u.self = sr_col_int64(s, 2);
        u.self_on = sr_col_text(s, 3);
        if (fn(&u, ctx))
            break;
    }
    if (step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the schools"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_sodb_school(struct sr_store *st, const char *code, const char *end,
               bool *exists, bool *closed, char district[32], int64_t *self)
{
    struct sr_stmt *s = NULL;
    int step;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT s.closed, s.district, (SELECT a.id FROM assessments a WHERE "
        "a.school = s.code AND a.kind = 'self' AND a.status = 'submitted' "
        "AND a.assessed_on <= ?2 ORDER BY a.assessed_on DESC, a.id DESC "
        "LIMIT 1) FROM schools s WHERE s.code = ?1",
        &s);

    *exists = *closed = false;
    district[0] = '\0';
    *self = 0;
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code);
    sr_bind_text(s, 2, end);
    step = sr_step(s);
    if (step == SR_ROW) {
        *exists = true;
        *closed = sr_col_int(s, 0) != 0;
        copy_text(district, 32, s, 1);
        *self = sr_col_int64(s, 2);
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the schools"));
    }
    sr_store_finish(st, s);
    return rc;
}

/* The latest snapshot of (district, period, version): what is SELECTed
 * of it, the whole text or its head. */
#define SNAPSHOT_OF(what)                                                 \
    "SELECT " what ", at FROM signoff_events WHERE district = ?1 AND "    \
    "period = ?2 AND version = ?3 AND action IN ('signoff','correct') "   \
    "ORDER BY id DESC LIMIT 1"
#define STR(x) #x
#define XSTR(x) STR(x)

sr_error
sr_sodb_snapshot(struct sr_store *st, const char *district,
                 const char *period, int version, bool head, char **text,
                 char at[32])
{
    struct sr_stmt *s = NULL;
    int step, nomem = 0;
    /* PostgreSQL sends only the head's characters and decompresses
     * only them (with lz4 it still fetches the whole compressed value);
     * SQLite reads the whole value either way. */
    sr_error rc = sr_store_prepare(
        st,
        head ? SNAPSHOT_OF("substr(snapshot, 1, " XSTR(SR_SNAPSHOT_HEAD) ")")
             : SNAPSHOT_OF("snapshot"),
        &s);

    *text = NULL;
    at[0] = '\0';
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, period);
    sr_bind_int(s, 3, version);
    step = sr_step(s);
    if (step == SR_ROW) {
        *text = sr_column_dup(s, 0, &nomem);
        copy_text(at, 32, s, 1);
        if (nomem)
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the sign-off history"));
    }
    sr_store_finish(st, s);
    return rc;
}

/* A row of SELECT_EVENT into e (its strings freed by the caller). */
static int
read_event(struct sr_stmt *s, struct sr_signoff_event *e)
{
    const char *state = sr_col_text(s, 5);
    int nomem = 0;

    memset(e, 0, sizeof(*e));
    e->id = sr_col_int64(s, 0);
    copy_text(e->district, sizeof(e->district), s, 1);
    e->district_name = sr_column_dup(s, 2, &nomem);
    copy_text(e->period, sizeof(e->period), s, 3);
    e->action = action_of(sr_col_text(s, 4));
    e->state = state ? state_of(state) : -1;
    e->version = sr_col_int(s, 6);
    copy_text(e->school, sizeof(e->school), s, 7);
    e->assessment = sr_col_int64(s, 8);
    e->reason = sr_column_dup(s, 9, &nomem);
    e->diff = sr_column_dup(s, 10, &nomem);
    e->schools = (size_t)sr_col_int64(s, 11);
    e->confirmed = (size_t)sr_col_int64(s, 12);
    e->unconfirmed = sr_column_dup(s, 13, &nomem);
    copy_text(e->sha256, sizeof(e->sha256), s, 14);
    copy_text(e->at, sizeof(e->at), s, 15);
    e->by = sr_column_dup(s, 16, &nomem);
    return nomem;
}

static void
event_release(struct sr_signoff_event *e)
{
    free(e->district_name);
    free(e->reason);
    free(e->diff);
    free(e->unconfirmed);
    free(e->by);
    memset(e, 0, sizeof(*e));
}

static sr_error
each_event(struct sr_store *st, struct sr_stmt *s, sr_signoff_event_fn fn,
           void *ctx)
{
    struct sr_signoff_event e;
    sr_error rc = SR_OK;
    int step, stop;

    while ((step = sr_step(s)) == SR_ROW) {
        if (read_event(s, &e)) {
            event_release(&e);
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            break;
        }
        stop = fn(&e, ctx);
        event_release(&e);
        if (stop)
            break;
    }
    if (rc == SR_OK && step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the sign-off history"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_sodb_history(struct sr_store *st, const char *district,
                const char *period, sr_signoff_event_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st, SELECT_EVENT "WHERE e.district = ?1 AND e.period = ?2 ORDER BY "
        "e.id", &s);

    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, period);
    return each_event(st, s, fn, ctx);
}

sr_error
sr_sodb_corrections(struct sr_store *st, const char *district,
                    const char *from, const char *to,
                    sr_signoff_event_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    /* at is UTC; the bulletin's days are China days. */
    sr_error rc = sr_store_prepare(
        st,
        SELECT_EVENT "WHERE e.action IN ('correct','amend') AND (?1 IS NULL "
        "OR e.district = ?1) AND date(e.at, '+8 hours') BETWEEN ?2 AND ?3 "
        "ORDER BY e.id",
        &s);

    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 2, from);
    sr_bind_text(s, 3, to);
    return each_event(st, s, fn, ctx);
}

sr_error
sr_sodb_locked_on(struct sr_store *st, const char *district,
                  const char *date, char label[16])
{
    struct sr_stmt *s = NULL;
    int step;
    sr_error rc = sr_store_prepare(
        st,
        "SELECT p.period FROM (SELECT DISTINCT period FROM signoff_events "
        "WHERE district = ?1 AND ?3 BETWEEN period_start AND period_end) p "
        "WHERE (SELECT e.state FROM signoff_events e WHERE e.district = ?1 "
        "AND e.period = p.period AND e.state IS NOT NULL ORDER BY e.id DESC "
        "LIMIT 1) IN ('signed_off','accepted') ORDER BY p.period LIMIT 1",
        &s);

    label[0] = '\0';
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, district);
    sr_bind_text(s, 3, date);
    step = sr_step(s);
    if (step == SR_ROW)
        copy_text(label, 16, s, 0);
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the sign-off history"));
    sr_store_finish(st, s);
    return rc;
}
