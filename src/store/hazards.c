/*
 * store/hazards.c - the SQL of the hazard closed loop.
 *
 * DESIGN
 * The rules (src/hazards.c) decide what may happen; this file only
 * reads and writes rows, every statement prepared with bound
 * parameters.  Nothing here begins or commits a transaction: the caller
 * holds one (sr_hazard_raise() runs inside the assessment submission's).
 * A hazard's identity columns (school, item, assessment, level,
 * description, found_on, found_by, recurrent_of) are written once, at
 * insert, because the audit chain hashes them with the first event; a
 * transition only changes status, responsible, measures, deadline,
 * submitted_by and closed_on, and every transition's values are also
 * kept in its event.
 */
#include "store_int.h"
#include "hazards_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

/* The columns sr_hazard is read from, and the joins they need. */
#define HAZARD_SELECT                                                     \
    "SELECT h.id, h.school, s.name, s.district, d.name, h.item, "         \
    "h.item_title, h.assessment, h.level, h.description, h.status, "      \
    "h.found_on, h.found_by, h.responsible, h.measures, h.deadline, "     \
    "h.submitted_by, h.closed_on, h.recurrent_of, r.closed_on, "          \
    "h.baseline, h.reviewed_by, h.reviewed_on "                           \
    "FROM hazards h JOIN schools s ON s.code = h.school "                 \
    "JOIN districts d ON d.code = s.district "                            \
    "LEFT JOIN hazards r ON r.id = h.recurrent_of "

/* ------------------------------------------------------------------ */
/* Schools and districts                                                */
/* ------------------------------------------------------------------ */

sr_error
sr_hzdb_school(struct sr_store *st, const char *code,
               struct sr_hzdb_school *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    memset(out, 0, sizeof(*out));
    out->stage = -1;
    rc = sr_store_prepare(st,
                          "SELECT closed, stage FROM schools WHERE code = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code);
    step = sr_step(s);
    if (step == SR_ROW) {
        out->exists = true;
        out->closed = sr_col_int(s, 0) != 0;
        out->stage = sr_stage_lookup(sr_col_text(s, 1));
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the school registry"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_hzdb_district_known(struct sr_store *st, const char *code_or_name,
                       bool *known)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *known = false;
    rc = sr_store_prepare(st,
                          "SELECT 1 FROM districts WHERE code = ?1 OR "
                          "name = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code_or_name);
    step = sr_step(s);
    if (step == SR_ROW)
        *known = true;
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the districts"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Linking and recurrence                                               */
/* ------------------------------------------------------------------ */

/* One statement that changes nothing and locks what it matches. */
static sr_error
lock_rows(struct sr_store *st, const char *sql, const char *text,
          int64_t id)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st, sql, &s);
    if (rc != SR_OK)
        return rc;
    if (text)
        sr_bind_text(s, 1, text);
    else
        sr_bind_int64(s, 1, id);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot lock the hazard"));
    sr_store_finish(st, s);
    return rc;
}

/* The locks set a column no index covers (measures): SQLite then
 * rewrites no index entry for a row that does not change (status, in
 * two indexes, cost the demo city's build a tenth more CPU). */
sr_error
sr_hzdb_lock(struct sr_store *st, int64_t id)
{
    return lock_rows(st,
                     "UPDATE hazards SET measures = measures WHERE id = ?1",
                     NULL, id);
}

sr_error
sr_hzdb_lock_school(struct sr_store *st, const char *school)
{
    sr_error rc;

    /* A column no key covers: PostgreSQL then takes the weaker row lock
     * that the hazards' foreign key checks do not wait for. */
    rc = lock_rows(st, "UPDATE schools SET closed = closed WHERE code = ?1",
                   school, 0);
    if (rc == SR_OK)
        rc = lock_rows(st,
                       "UPDATE hazards SET measures = measures WHERE "
                       "school = ?1 AND status <> 'closed'",
                       school, 0);
    return rc;
}

static sr_error
status_of(struct sr_store *st, int64_t id, const char *text, int *status)
{
    *status = text ? sr_hazard_status_lookup(text) : -1;
    if (*status < 0)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("hazard %lld has an unknown status '%s'"),
                                  (long long)id, text ? text : "");
    return SR_OK;
}

sr_error
sr_hzdb_unclosed(struct sr_store *st, const char *school, const char *item,
                 int64_t *id, int *status)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *id = 0;
    *status = -1;
    /* At most one is expected (linking keeps it so); take the oldest. */
    rc = sr_store_prepare(st,
                          "SELECT id, status FROM hazards WHERE school = ?1 "
                          "AND item = ?2 AND status <> 'closed' "
                          "ORDER BY id LIMIT 1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, school);
    sr_bind_text(s, 2, item);
    step = sr_step(s);
    if (step == SR_ROW) {
        *id = sr_col_int64(s, 0);
        rc = status_of(st, *id, sr_col_text(s, 1),
                       status);
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the hazards"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_hzdb_closed_since(struct sr_store *st, const char *school,
                     const char *item, const char *since, int64_t *id)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *id = 0;
    rc = sr_store_prepare(st,
                          "SELECT id FROM hazards WHERE school = ?1 AND "
                          "item = ?2 AND status = 'closed' AND "
                          "closed_on >= ?3 ORDER BY closed_on DESC, id DESC "
                          "LIMIT 1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, school);
    sr_bind_text(s, 2, item);
    sr_bind_text(s, 3, since);
    step = sr_step(s);
    if (step == SR_ROW)
        *id = sr_col_int64(s, 0);
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the hazards"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

sr_error
sr_hzdb_insert(struct sr_store *st, const struct sr_hazard_new *h,
               const char *found_on, const char *found_by,
               int64_t recurrent_of, int64_t *id)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(
        st,
        "INSERT INTO hazards(school, item, item_title, assessment, level, "
        "description, status, found_on, found_by, recurrent_of, baseline, "
        "found_by_user) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?11)",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, h->school);
    sr_bind_text(s, 2, h->item);
    sr_bind_text(s, 3, h->item_title);
    if (h->assessment)
        sr_bind_int64(s, 4, h->assessment);
    sr_bind_text(s, 5, sr_hazard_name(h->level));
    sr_bind_text(s, 6, h->description);
    sr_bind_text(s, 7, found_on);
    sr_bind_text(s, 8, found_by);
    if (recurrent_of)
        sr_bind_int64(s, 9, recurrent_of);
    sr_bind_text(s, 10, h->baseline);
    sr_bind_user(st, s, 11);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot record the hazard"));
    else
        *id = sr_db_last_id(st);
    sr_store_finish(st, s);
    return rc;
}

void
sr_hzdb_state_release(struct sr_hzdb_state *hs)
{
    free(hs->submitted_by);
    free(hs->reviewed_by);
    memset(hs, 0, sizeof(*hs));
}

sr_error
sr_hzdb_state(struct sr_store *st, int64_t id, struct sr_hzdb_state *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step, nomem = 0;

    memset(out, 0, sizeof(*out));
    rc = sr_store_prepare(st,
                          "SELECT status, level, submitted_by, "
                          "submitted_by_user, reviewed_by, reviewed_by_user "
                          "FROM hazards WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW) {
        const char *level = sr_col_text(s, 1);

        rc = status_of(st, id, sr_col_text(s, 0),
                       &out->status);
        out->level = level ? sr_hazard_level_lookup(level) : -1;
        out->submitted_by = sr_column_dup(s, 2, &nomem);
        out->submitted_by_user = sr_col_int64(s, 3);
        out->reviewed_by = sr_column_dup(s, 4, &nomem);
        out->reviewed_by_user = sr_col_int64(s, 5);
        if (rc == SR_OK && nomem)
            rc = SR_ERR_NOMEM;
        if (rc == SR_OK && out->level < 0)
            rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                    _("hazard %lld has an unknown level '%s'"),
                                    (long long)id, level ? level : "");
    } else if (step == SR_DONE) {
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no hazard %lld"),
                                (long long)id);
    } else {
        rc = sr_store_dberr(st, _("cannot read the hazards"));
    }
    sr_store_finish(st, s);
    if (rc != SR_OK)
        sr_hzdb_state_release(out);
    return rc;
}

sr_error
sr_hzdb_update(struct sr_store *st, int64_t id, int from, int to,
               const struct sr_hzdb_set *set)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(
        st,
        "UPDATE hazards SET status = ?3, "
        "responsible = coalesce(?4, responsible), "
        "measures = coalesce(?5, measures), "
        "deadline = coalesce(?6, deadline), "
        "submitted_by = coalesce(?7, submitted_by), "
        "submitted_by_user = CASE WHEN ?7 IS NULL THEN submitted_by_user "
        "ELSE ?9 END, "
        "reviewed_by = CASE WHEN ?12 THEN NULL WHEN ?10 IS NULL THEN "
        "reviewed_by ELSE ?11 END, "
        "reviewed_by_user = CASE WHEN ?12 THEN NULL WHEN ?10 IS NULL THEN "
        "reviewed_by_user ELSE ?9 END, "
        "reviewed_on = CASE WHEN ?12 THEN NULL ELSE coalesce(?10, "
        "reviewed_on) END, "
        "closed_on = coalesce(?8, closed_on) "
        "WHERE id = ?1 AND status = ?2",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, sr_hazard_status_name(from));
    sr_bind_text(s, 3, sr_hazard_status_name(to));
    sr_bind_text(s, 4, set->responsible);
    sr_bind_text(s, 5, set->measures);
    sr_bind_text(s, 6, set->deadline);
    sr_bind_text(s, 7, set->submitted_by);
    sr_bind_text(s, 8, set->closed_on);
    sr_bind_user(st, s, 9);
    sr_bind_text(s, 10, set->reviewed_on);
    sr_bind_text(s, 11, sr_store_actor(st));
    sr_bind_int(s, 12, set->clear_review);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot update the hazard"));
    else if (sr_db_changes(st) != 1)
        /* The caller locked the row and read the state in this same
         * write transaction: a refusal of the state, never a 500. */
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("hazard %lld was not in state '%s'"),
                                (long long)id, sr_hazard_status_name(from));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_hzdb_event(struct sr_store *st, int64_t hazard, int64_t assessment,
              int from, int to, const char *note, const char *evidence,
              int64_t *event_id)
{
    struct sr_stmt *s = NULL;
    char now[32];
    char *state = NULL;
    sr_error rc;

    /* The chain's lock first (a no-op on SQLite, whose writers hold the
     * whole database): the state is read, and the event's id drawn,
     * after every other writer's event is committed.  Without it, on
     * PostgreSQL, a "found again" event (which changes no row, so waits
     * for no row lock) read the state from before a step being
     * committed on the same hazard and, drawing the later id, became
     * the hazard's latest event with a state its row no longer had. */
    rc = sr_db_lock_chain(st);
    if (rc != SR_OK)
        return rc;
    /* The hazard's state after the change the caller made. */
    rc = sr_state_by_id(st, &sr_hazard_state, hazard, &state);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_prepare(st,
                          "INSERT INTO hazard_events(hazard, at, by, by_user, "
                          "from_status, to_status, note, evidence, state, "
                          "assessment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                          "?8, ?9, ?10)",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_store_now(st, now);
    sr_bind_int64(s, 1, hazard);
    sr_bind_text(s, 2, now);
    sr_bind_text(s, 3, sr_store_actor(st));
    sr_bind_user(st, s, 4);
    sr_bind_text(s, 5, from < 0 ? NULL : sr_hazard_status_name(from));
    sr_bind_text(s, 6, sr_hazard_status_name(to));
    sr_bind_text(s, 7, note);
    sr_bind_text(s, 8, evidence);
    sr_bind_text(s, 9, state);
    if (assessment)
        sr_bind_int64(s, 10, assessment);
    if (sr_step(s) != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot record the hazard event"));
        goto cleanup;
    }
    *event_id = sr_db_last_id(st);
    rc = sr_audit_append(st, "hazard_event", *event_id);

cleanup:
    sr_store_finish(st, s);
    free(state);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

/* Fill h from a row of HAZARD_SELECT. */
static sr_error
hazard_from_row(struct sr_store *st, struct sr_stmt *s,
                struct sr_hazard_record *h)
{
    const char *level = sr_col_text(s, 8);
    int nomem = 0;
    sr_error rc;

    memset(h, 0, sizeof(*h));
    h->id = sr_col_int64(s, 0);
    h->school = sr_column_dup(s, 1, &nomem);
    h->school_name = sr_column_dup(s, 2, &nomem);
    h->district = sr_column_dup(s, 3, &nomem);
    h->district_name = sr_column_dup(s, 4, &nomem);
    h->item = sr_column_dup(s, 5, &nomem);
    h->item_title = sr_column_dup(s, 6, &nomem);
    h->assessment = sr_col_int64(s, 7);
    h->level = level ? sr_hazard_level_lookup(level) : -1;
    h->description = sr_column_dup(s, 9, &nomem);
    h->found_on = sr_column_dup(s, 11, &nomem);
    h->found_by = sr_column_dup(s, 12, &nomem);
    h->responsible = sr_column_dup(s, 13, &nomem);
    h->measures = sr_column_dup(s, 14, &nomem);
    h->deadline = sr_column_dup(s, 15, &nomem);
    h->submitted_by = sr_column_dup(s, 16, &nomem);
    h->closed_on = sr_column_dup(s, 17, &nomem);
    h->recurrent_of = sr_col_int64(s, 18);
    h->recurrent_closed_on = sr_column_dup(s, 19, &nomem);
    h->baseline = sr_column_dup(s, 20, &nomem);
    h->reviewed_by = sr_column_dup(s, 21, &nomem);
    h->reviewed_on = sr_column_dup(s, 22, &nomem);
    if (nomem) {
        rc = SR_ERR_NOMEM;
        goto fail;
    }
    rc = status_of(st, h->id, sr_col_text(s, 10),
                   &h->status);
    if (rc != SR_OK)
        goto fail;
    if (h->level < 0) {
        rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                _("hazard %lld has an unknown level '%s'"),
                                (long long)h->id, level ? level : "");
        goto fail;
    }
    return SR_OK;

fail:
    sr_hazard_release(h);
    return rc;
}

sr_error
sr_hzdb_get(struct sr_store *st, int64_t id, struct sr_hazard_record *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    memset(out, 0, sizeof(*out));
    rc = sr_store_prepare(st, HAZARD_SELECT "WHERE h.id = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW)
        rc = hazard_from_row(st, s, out);
    else if (step == SR_DONE)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no hazard %lld"),
                                (long long)id);
    else
        rc = sr_store_dberr(st, _("cannot read the hazards"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_hzdb_events(struct sr_store *st, int64_t id, struct sr_hazard_event **out,
               size_t *n)
{
    struct sr_stmt *s = NULL;
    struct sr_hazard_event *v = NULL;
    size_t used = 0, alloc = 0;
    sr_error rc;
    int step;

    *out = NULL;
    *n = 0;
    rc = sr_store_prepare(st,
                          "SELECT id, at, by, from_status, to_status, note, "
                          "evidence FROM hazard_events WHERE hazard = ?1 "
                          "ORDER BY id",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_hazard_event *e;
        const char *from = sr_col_text(s, 3);
        int nomem = 0;

        if (used == alloc) {
            size_t na = alloc ? alloc * 2 : 8;
            struct sr_hazard_event *nv = realloc(v, na * sizeof(*v));

            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            v = nv;
            alloc = na;
        }
        e = &v[used];
        memset(e, 0, sizeof(*e));
        used++;
        e->id = sr_col_int64(s, 0);
        e->at = sr_column_dup(s, 1, &nomem);
        e->by = sr_column_dup(s, 2, &nomem);
        e->note = sr_column_dup(s, 5, &nomem);
        e->evidence = sr_column_dup(s, 6, &nomem);
        if (nomem) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        e->from = -1;
        if (from) {
            rc = status_of(st, id, from, &e->from);
            if (rc != SR_OK)
                goto cleanup;
        }
        rc = status_of(st, id, sr_col_text(s, 4),
                       &e->to);
        if (rc != SR_OK)
            goto cleanup;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the hazard events"));
        goto cleanup;
    }
    *out = v;
    *n = used;
    v = NULL;
    used = 0;

cleanup:
    sr_store_finish(st, s);
    sr_hazard_events_free(v, used);
    return rc;
}

/* The WHERE clause of a listing: only the conditions asked for, so that
 * a school's hazards come from the hazards_school index instead of a
 * scan of every hazard ("?2 IS NULL OR h.school = ?2" defeats the
 * index).  Parameters are numbered by kind, and bind_filter() binds the
 * same ones. */
static void
filter_sql(const struct sr_hazard_filter *f, char *buf, size_t size)
{
    snprintf(buf, size,
             "WHERE 1 = 1%s%s%s%s%s%s%s%s%s%s%s",
             f->district ? " AND (s.district = ?1 OR d.name = ?1)" : "",
             f->school ? " AND h.school = ?2" : "",
             f->status >= 0 ? " AND h.status = ?3" : "",
             f->level >= 0 ? " AND h.level = ?4" : "",
             f->overdue ? " AND h.status <> 'closed' AND h.deadline < ?5"
                        : "",
             f->supervised ? " AND h.level = 'major'" : "",
             f->awaiting_signoff ? " AND h.level = 'major' AND h.status = "
                                   "'submitted' AND h.reviewed_by IS NOT "
                                   "NULL"
                                 : "",
             f->found_from ? " AND h.found_on >= ?6" : "",
             f->found_to ? " AND h.found_on <= ?7" : "",
             f->search ? " AND (instr(h.description, ?8) > 0 OR "
                         "instr(h.item_title, ?8) > 0 OR "
                         "instr(s.name, ?8) > 0)"
                       : "",
             f->scope ? " AND " SR_SCOPE_SQL("s.district", "h.school", "9",
                                            "10")
                      : "");
}

static sr_error
bind_filter(struct sr_store *st, struct sr_stmt *s,
            const struct sr_hazard_filter *f, const char *today)
{
    if (f->district)
        sr_bind_text(s, 1, f->district);
    if (f->school)
        sr_bind_text(s, 2, f->school);
    if (f->status >= 0)
        sr_bind_text(s, 3, sr_hazard_status_name(f->status));
    if (f->level >= 0)
        sr_bind_text(s, 4, sr_hazard_name(f->level));
    if (f->overdue)
        sr_bind_text(s, 5, today);
    if (f->found_from)
        sr_bind_text(s, 6, f->found_from);
    if (f->found_to)
        sr_bind_text(s, 7, f->found_to);
    if (f->search)
        sr_bind_text(s, 8, f->search);
    if (f->scope)
        return sr_bind_scope(st, s, 9, f->scope);
    return SR_OK;
}

sr_error
sr_hzdb_count(struct sr_store *st, const struct sr_hazard_filter *f,
              const char *today, size_t *n)
{
    char where[2048], sql[2400];
    struct sr_stmt *s = NULL;
    sr_error rc;

    *n = 0;
    filter_sql(f, where, sizeof(where));
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM hazards h JOIN schools s ON s.code = "
             "h.school JOIN districts d ON d.code = s.district %s",
             where);
    rc = sr_store_prepare(st, sql, &s);
    if (rc != SR_OK)
        return rc;
    rc = bind_filter(st, s, f, today);
    if (rc == SR_OK) {
        if (sr_step(s) == SR_ROW)
            *n = (size_t)sr_col_int64(s, 0);
        else
            rc = sr_store_dberr(st, _("cannot count the hazards"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_hzdb_list(struct sr_store *st, const struct sr_hazard_filter *f,
             const char *today, struct sr_hazard_record **out, size_t *n)
{
    char where[2048], sql[sizeof(HAZARD_SELECT) + 2400];
    struct sr_stmt *s = NULL;
    struct sr_hazard_record *v = NULL;
    size_t used = 0, alloc = 0;
    sr_error rc;
    int step;

    *out = NULL;
    *n = 0;
    filter_sql(f, where, sizeof(where));
    snprintf(sql, sizeof(sql), "%s%s ORDER BY h.id%s LIMIT ?11 OFFSET ?12",
             HAZARD_SELECT, where, f->newest_first ? " DESC" : "");
    rc = sr_store_prepare(st, sql, &s);
    if (rc != SR_OK)
        return rc;
    rc = bind_filter(st, s, f, today);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_int64(s, 11, f->limit ? (int64_t)f->limit : INT64_MAX);
    sr_bind_int64(s, 12, (int64_t)f->offset);
    while ((step = sr_step(s)) == SR_ROW) {
        if (used == alloc) {
            size_t na = alloc ? alloc * 2 : 16;
            struct sr_hazard_record *nv = realloc(v, na * sizeof(*v));

            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            v = nv;
            alloc = na;
        }
        rc = hazard_from_row(st, s, &v[used]);
        if (rc != SR_OK)
            goto cleanup;
        used++;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the hazards"));
        goto cleanup;
    }
    *out = v;
    *n = used;
    v = NULL;
    used = 0;

cleanup:
    sr_store_finish(st, s);
    sr_hazard_list_free(v, used);
    return rc;
}
