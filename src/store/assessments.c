/*
 * assessments.c - drafts, answers and submission (see assess.h).
 *
 * DESIGN
 * The stored answer is the inspector's text (value and note), not the
 * parsed number: scoring re-parses it with the assessment's own system,
 * so what is shown, what is scored and what is audited are one thing.
 * Every write re-checks the answer against the system and the school
 * through the same parser `schoolrisk score` uses (sr_responses_set).
 *
 * Submission runs in one BEGIN IMMEDIATE transaction: it takes the
 * write lock before reading, so two processes submitting at once are
 * serialised by SQLite's busy timeout instead of racing on the draft.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/evidence.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "plans_int.h"
#include "signoff_int.h"
#include "store_int.h"
#include "../util.h"

#define ROW_COLUMNS                                                         \
    "a.id, a.school, s.name, s.district, a.system_id, a.system_version, "  \
    "a.assessed_on, a.inspector, a.status, a.created_at, a.created_by, "   \
    "a.submitted_at, a.submitted_by, a.total, a.band, a.band_label, "      \
    "a.compliant, a.vetoed, a.earned, a.max, a.kind, a.created_by_user, " \
    "a.submitted_by_user, a.plan "                                         \
    "FROM assessments a JOIN schools s ON s.code = a.school "

static const char *const kind_names[SR_ASSESS_KIND_COUNT] = {
    "inspection", "self"};
static const char *const kind_labels[SR_ASSESS_KIND_COUNT] = {
    "督导检查", "学校自查"};

const char *
sr_assess_kind_name(int kind)
{
    return kind >= 0 && kind < SR_ASSESS_KIND_COUNT ? kind_names[kind] : NULL;
}

const char *
sr_assess_kind_label(int kind)
{
    return kind >= 0 && kind < SR_ASSESS_KIND_COUNT ? kind_labels[kind]
                                                    : NULL;
}

int
sr_assess_kind_lookup(const char *name)
{
    int i;

    for (i = 0; name && i < SR_ASSESS_KIND_COUNT; i++)
        if (!strcmp(name, kind_names[i]) || !strcmp(name, kind_labels[i]))
            return i;
    return -1;
}

static const char *const status_names[SR_ASSESS_STATUS_COUNT] = {
    "draft", "submitted"};
static const char *const status_labels[SR_ASSESS_STATUS_COUNT] = {
    "草稿", "已提交"};

const char *
sr_assess_status_name(int status)
{
    return status >= 0 && status < SR_ASSESS_STATUS_COUNT ?
               status_names[status] :
               NULL;
}

const char *
sr_assess_status_label(int status)
{
    return status >= 0 && status < SR_ASSESS_STATUS_COUNT ?
               status_labels[status] :
               NULL;
}

int
sr_assess_status_lookup(const char *name)
{
    int i;

    for (i = 0; name && i < SR_ASSESS_STATUS_COUNT; i++)
        if (!strcmp(name, status_names[i]) ||
            !strcmp(name, status_labels[i]))
            return i;
    return -1;
}

void
sr_assessment_release(struct sr_assessment *a)
{
    if (!a)
        return;
    free(a->school);
    free(a->school_name);
    free(a->district);
    free(a->system_id);
    free(a->system_version);
    free(a->assessed_on);
    free(a->inspector);
    free(a->created_at);
    free(a->created_by);
    free(a->submitted_at);
    free(a->submitted_by);
    free(a->band);
    free(a->band_label);
    memset(a, 0, sizeof(*a));
}

/* Fill *a from a row selected with ROW_COLUMNS. */
static sr_error
row_to_assessment(struct sr_store *st, struct sr_stmt *s,
                  struct sr_assessment *a)
{
    int nomem = 0;

    memset(a, 0, sizeof(*a));
    a->id = sr_col_int64(s, 0);
    a->school = sr_column_dup(s, 1, &nomem);
    a->school_name = sr_column_dup(s, 2, &nomem);
    a->district = sr_column_dup(s, 3, &nomem);
    a->system_id = sr_column_dup(s, 4, &nomem);
    a->system_version = sr_column_dup(s, 5, &nomem);
    a->assessed_on = sr_column_dup(s, 6, &nomem);
    a->inspector = sr_column_dup(s, 7, &nomem);
    a->submitted = !strcmp(sr_col_text(s, 8),
                           "submitted");
    a->created_at = sr_column_dup(s, 9, &nomem);
    a->created_by = sr_column_dup(s, 10, &nomem);
    a->submitted_at = sr_column_dup(s, 11, &nomem);
    a->submitted_by = sr_column_dup(s, 12, &nomem);
    a->total = sr_col_int64(s, 13);
    a->band = sr_column_dup(s, 14, &nomem);
    a->band_label = sr_column_dup(s, 15, &nomem);
    a->compliant = sr_col_int(s, 16) != 0;
    a->vetoed = sr_col_int(s, 17) != 0;
    a->earned = sr_col_int64(s, 18);
    a->max = sr_col_int64(s, 19);
    a->kind = sr_assess_kind_lookup(sr_col_text(s, 20));
    a->created_by_user = sr_col_int64(s, 21);
    a->submitted_by_user = sr_col_int64(s, 22);
    a->plan = sr_col_int64(s, 23);
    if (nomem) {
        sr_assessment_release(a);
        (void)st;
        return SR_ERR_NOMEM;
    }
    return SR_OK;
}

sr_error
sr_assess_get(struct sr_store *st, int64_t id, struct sr_assessment *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    memset(out, 0, sizeof(*out));
    rc = sr_store_prepare(st, "SELECT " ROW_COLUMNS "WHERE a.id = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW)
        rc = row_to_assessment(st, s, out);
    else if (step == SR_DONE)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("no assessment with id %lld"), (long long)id);
    else
        rc = sr_store_dberr(st, _("cannot read the assessment"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_assess_new(struct sr_store *st, const char *code, const char *assessed_on,
              const char *inspector, int64_t *id)
{
    struct sr_assess_new n = {code, SR_ASSESS_INSPECTION, assessed_on,
                              inspector, 0};

    return sr_assess_create(st, &n, id);
}

sr_error
sr_assess_create(struct sr_store *st, const struct sr_assess_new *n,
                 int64_t *id)
{
    const char *code = n->school, *assessed_on = n->assessed_on;
    const char *inspector = n->inspector;
    struct sr_school_record school;
    struct sr_system *sys = NULL;
    struct sr_stmt *s = NULL;
    char today[16], now[32];
    sr_error rc;

    sr_school_record_init(&school);
    sr_store_today(st, today);
    if (!sr_assess_kind_name(n->kind)) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("unknown assessment kind %d"), n->kind);
        goto cleanup;
    }
    if (!code || !*code) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT, _("the school is required"));
        goto cleanup;
    }
    if (!assessed_on)
        assessed_on = today;
    if (!sr_date_valid(assessed_on)) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("bad assessment date '%s' (expected "
                                  "YYYY-MM-DD)"),
                                assessed_on);
        goto cleanup;
    }
    if (strcmp(assessed_on, today) > 0) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("assessment date %s is in the future "
                                  "(today is %s)"),
                                assessed_on, today);
        goto cleanup;
    }
    /* The inspector is --by, or the signed-in user, when not given. */
    if (!inspector)
        inspector = sr_store_actor(st);
    if (inspector && sr_utf8_chars(inspector) > SR_NAME_MAX) {
        rc = sr_store_fail_field(st, SR_ERR_INPUT, "inspector",
                                 _("%s is longer than %u characters"),
                                 _("the inspector"), SR_NAME_MAX);
        goto cleanup;
    }
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_registry_get(st, code, &school);
    if (rc != SR_OK)
        goto rollback;
    if (school.closed) {
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("school %s (%s) is closed in the registry"),
                                school.code, school.name);
        goto rollback;
    }
    if (n->plan) {
        rc = sr_plan_lists(st, n->plan, n->kind, school.code);
        if (rc != SR_OK)
            goto rollback;
    }
    rc = sr_store_current_system(st, (int)school.school.attr[SR_ATTR_STAGE],
                                 &sys);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_prepare(st,
                          "INSERT INTO assessments(school, system_id, "
                          "system_version, assessed_on, inspector, status, "
                          "created_at, created_by, created_by_user, kind, "
                          "plan) VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, "
                          "?7, ?8, ?9, ?10)",
                          &s);
    if (rc != SR_OK)
        goto rollback;
    sr_store_now(st, now);
    sr_bind_text(s, 1, school.code);
    sr_bind_text(s, 2, sr_system_id(sys));
    sr_bind_text(s, 3, sr_system_version(sys));
    sr_bind_text(s, 4, assessed_on);
    sr_bind_text(s, 5, inspector);
    sr_bind_text(s, 6, now);
    sr_bind_text(s, 7, sr_store_actor(st));
    sr_bind_user(st, s, 8);
    sr_bind_text(s, 9, sr_assess_kind_name(n->kind));
    if (n->plan)
        sr_bind_int64(s, 10, n->plan);
    if (sr_step(s) != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot create the assessment"));
        goto rollback;
    }
    *id = sr_db_last_id(st);
    sr_store_finish(st, s);
    s = NULL;
    rc = sr_store_commit(st);
    goto cleanup;

rollback:
    sr_store_rollback(st);
cleanup:
    sr_store_finish(st, s);
    sr_system_free(sys);
    sr_school_record_release(&school);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Loading                                                              */
/* ------------------------------------------------------------------ */

void
sr_assess_ctx_release(struct sr_assess_ctx *ctx)
{
    size_t i;

    for (i = 0; ctx->evidence && i < ctx->resp.n; i++)
        free(ctx->evidence[i]);
    free(ctx->evidence);
    if (ctx->scored || ctx->res.items)
        sr_result_release(&ctx->res);
    if (ctx->resp.a)
        sr_responses_release(&ctx->resp);
    sr_school_record_release(&ctx->school);
    sr_system_free(ctx->sys);
    sr_assessment_release(&ctx->a);
    memset(ctx, 0, sizeof(*ctx));
}

/* Load the stored answers of ctx->a into ctx->resp.  A stored answer
 * that no longer fits is reported with the label "stored answer". */
static sr_error
load_answers(struct sr_store *st, struct sr_assess_ctx *ctx,
             struct sr_diags *diags)
{
    struct sr_stmt *s = NULL;
    sr_error rc, worst = SR_OK;
    char label[48];
    int step;

    rc = sr_store_prepare(st,
                          "SELECT item, value, note, evidence FROM answers "
                          "WHERE assessment = ?1 ORDER BY item",
                          &s);
    if (rc != SR_OK)
        return rc;
    if (!ctx->evidence) {
        ctx->evidence = calloc(ctx->resp.n ? ctx->resp.n : 1,
                               sizeof(*ctx->evidence));
        if (!ctx->evidence) {
            sr_store_finish(st, s);
            return SR_ERR_NOMEM;
        }
    }
    snprintf(label, sizeof(label), "assessment %lld", (long long)ctx->a.id);
    sr_bind_int64(s, 1, ctx->a.id);
    while ((step = sr_step(s)) == SR_ROW) {
        const char *item = sr_col_text(s, 0);
        const char *ev = sr_col_text(s, 3);
        long at;

        rc = sr_responses_set(&ctx->resp, &ctx->school.school, item,
                              sr_col_text(s, 1),
                              sr_col_text(s, 2), diags,
                              label, 0);
        if (rc == SR_OK && ev &&
            (at = sr_system_find_item(ctx->sys, item)) >= 0) {
            ctx->evidence[at] = sr_strdup(ev);
            if (!ctx->evidence[at])
                rc = SR_ERR_NOMEM;
        }
        if (rc == SR_ERR_NOMEM) {
            sr_store_finish(st, s);
            return rc;
        }
        if (rc != SR_OK)
            worst = SR_ERR_INPUT;
    }
    if (step != SR_DONE)
        worst = sr_store_dberr(st, _("cannot read the answers"));
    sr_store_finish(st, s);
    if (worst == SR_ERR_INPUT)
        sr_store_fail_code(st, SR_ERR_INPUT,
                           _("stored answers of assessment %lld no longer fit "
                             "the school (its registry attributes changed)"),
                           (long long)ctx->a.id);
    return worst;
}

sr_error
sr_assess_open(struct sr_store *st, int64_t id, struct sr_assess_ctx *ctx,
               struct sr_diags *diags)
{
    sr_error rc;

    memset(ctx, 0, sizeof(*ctx));
    sr_school_record_init(&ctx->school);
    rc = sr_assess_get(st, id, &ctx->a);
    if (rc != SR_OK)
        return rc;
    rc = sr_registry_get(st, ctx->a.school, &ctx->school);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_system(st, ctx->a.system_id, ctx->a.system_version,
                         &ctx->sys);
    if (rc != SR_OK)
        return rc;
    if (sr_responses_init(&ctx->resp, ctx->sys) != SR_OK ||
        sr_result_init(&ctx->res, ctx->sys) != SR_OK)
        return SR_ERR_NOMEM;
    rc = load_answers(st, ctx, diags);
    if (rc != SR_OK)
        return rc;
    ctx->scored = sr_score(ctx->sys, &ctx->school.school, &ctx->resp,
                           &ctx->res) == SR_OK;
    return SR_OK;
}

/* ------------------------------------------------------------------ */
/* Answers                                                              */
/* ------------------------------------------------------------------ */

/* A note typed with an answer is at most SR_TEXT_MAX characters
 * (error.h).  Only where answers come in: stored ones are read as they
 * are, whatever their length. */
static bool
note_too_long(const char *note)
{
    return note && sr_utf8_chars(note) > SR_TEXT_MAX;
}

/* Write one answer (insert or replace) inside the caller's
 * transaction; keep_evidence keeps the files an earlier answer to the
 * item had (evidence is then ignored). */
static sr_error
put_answer(struct sr_store *st, int64_t id, const char *item,
           const char *value, const char *note, const char *evidence,
           bool keep_evidence, const char *now)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "INSERT INTO answers(assessment, item, value, note, "
                          "at, by, by_user, evidence) VALUES (?1, ?2, ?3, "
                          "?4, ?5, ?6, ?7, ?8) "
                          "ON CONFLICT (assessment, item) DO UPDATE SET "
                          "value = excluded.value, note = excluded.note, "
                          "at = excluded.at, by = excluded.by, "
                          "by_user = excluded.by_user, "
                          "evidence = CASE WHEN ?9 THEN answers.evidence "
                          "ELSE excluded.evidence END",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, item);
    sr_bind_text(s, 3, value);
    sr_bind_text(s, 4, note && *note ? note : NULL);
    sr_bind_text(s, 5, now);
    sr_bind_text(s, 6, sr_store_actor(st));
    sr_bind_user(st, s, 7);
    sr_bind_text(s, 8, evidence);
    sr_bind_int(s, 9, keep_evidence);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot store the answer"));
    sr_store_finish(st, s);
    return rc;
}

/* Lock the draft's row until the transaction ends, before it is read:
 * on PostgreSQL (READ COMMITTED) an answer written while another
 * connection submits would otherwise go in after the submission read
 * the answers (a score that misses it), or two submissions both find a
 * draft.  The second now waits for the first's COMMIT and reads what it
 * wrote, as under SQLite's BEGIN IMMEDIATE.  SQLite has no SELECT ...
 * FOR UPDATE: a no-op UPDATE is the one text both engines read, and a
 * submitted row matches nothing (its trigger refuses any UPDATE). */
static sr_error
lock_draft(struct sr_store *st, int64_t id)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE assessments SET status = status "
                          "WHERE id = ?1 AND status = 'draft'",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot lock the assessment"));
    sr_store_finish(st, s);
    return rc;
}

/* The draft's system and school, checked to be a draft (and locked:
 * the caller holds a write transaction). */
static sr_error
open_draft(struct sr_store *st, int64_t id, struct sr_assess_ctx *ctx)
{
    sr_error rc;

    memset(ctx, 0, sizeof(*ctx));
    sr_school_record_init(&ctx->school);
    rc = lock_draft(st, id);
    if (rc != SR_OK)
        return rc;
    rc = sr_assess_get(st, id, &ctx->a);
    if (rc != SR_OK)
        return rc;
    if (ctx->a.submitted)
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  _("assessment %lld was submitted on %s by "
                                    "%s and can no longer change; a "
                                    "correction is a new assessment"),
                                  (long long)id, ctx->a.submitted_at,
                                  ctx->a.submitted_by);
    rc = sr_registry_get(st, ctx->a.school, &ctx->school);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_system(st, ctx->a.system_id, ctx->a.system_version,
                         &ctx->sys);
    if (rc != SR_OK)
        return rc;
    if (sr_responses_init(&ctx->resp, ctx->sys) != SR_OK)
        return SR_ERR_NOMEM;
    return SR_OK;
}

sr_error
sr_assess_set(struct sr_store *st, int64_t id, const char *item,
              const char *value, const char *note, struct sr_diags *diags)
{
    return sr_assess_answer(st, id, item, value, note, NULL, 0, diags);
}

sr_error
sr_assess_answer(struct sr_store *st, int64_t id, const char *item,
                 const char *value, const char *note,
                 const char *const *files, size_t n_files,
                 struct sr_diags *diags)
{
    struct sr_assess_ctx ctx;
    char now[32], *evidence = NULL;
    sr_error rc;

    if (note_too_long(note))
        return sr_store_fail_field(st, SR_ERR_INPUT, "note",
                                   _("item '%s': the note is longer than %u "
                                     "characters"),
                                   item, SR_TEXT_MAX);
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = open_draft(st, id, &ctx);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_responses_set(&ctx.resp, &ctx.school.school, item, value, note,
                          diags, "answer", 0);
    if (rc != SR_OK) {
        if (rc == SR_ERR_INPUT)
            sr_store_fail_code(st, rc, _("the answer is not valid"));
        goto rollback;
    }
    if (n_files) {
        rc = sr_evidence_refs(st, ctx.a.school, files, n_files, &evidence);
        if (rc != SR_OK)
            goto rollback;
    }
    sr_store_now(st, now);
    rc = put_answer(st, id, item, value, note, evidence, files == NULL, now);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_commit(st);
    free(evidence);
    sr_assess_ctx_release(&ctx);
    return rc;

rollback:
    sr_store_rollback(st);
    free(evidence);
    sr_assess_ctx_release(&ctx);
    return rc;
}

sr_error
sr_assess_answer_many(struct sr_store *st, int64_t id,
                      const struct sr_answer_in *v, size_t n,
                      struct sr_diags *diags)
{
    struct sr_assess_ctx ctx;
    char now[32], **evidence = NULL;
    size_t i, bad = 0;
    sr_error rc;

    memset(&ctx, 0, sizeof(ctx));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = open_draft(st, id, &ctx);
    if (rc != SR_OK)
        goto rollback;
    evidence = calloc(n ? n : 1, sizeof(*evidence));
    if (!evidence) {
        rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        goto rollback;
    }
    /* Check every answer first: the list shows them all. */
    for (i = 0; i < n; i++) {
        const char *item = v[i].item ? v[i].item : "";
        long line = (long)i + 1;
        sr_error r1;

        if (!v[i].value)
            r1 = sr_diags_add(diags, item, line,
                              _("item '%s': the value is required"),
                              item) ? SR_ERR_NOMEM : SR_ERR_INPUT;
        else if (note_too_long(v[i].note))
            r1 = sr_diags_add(diags, item, line,
                              _("item '%s': the note is longer than %u "
                                "characters"),
                              item, SR_TEXT_MAX) ? SR_ERR_NOMEM
                                                 : SR_ERR_INPUT;
        else
            r1 = sr_responses_set(&ctx.resp, &ctx.school.school, item,
                                  v[i].value, v[i].note, diags, item, line);
        if (r1 == SR_OK && v[i].n_files) {
            r1 = sr_evidence_refs(st, ctx.a.school, v[i].files, v[i].n_files,
                                  &evidence[i]);
            if (r1 == SR_ERR_INPUT || r1 == SR_ERR_NOT_FOUND)
                r1 = sr_diags_add(diags, item, line, _("item '%s': %s"), item,
                                  sr_store_errmsg(st)) ? SR_ERR_NOMEM
                                                       : SR_ERR_INPUT;
        }
        if (r1 == SR_ERR_INPUT) {
            bad++;
            continue;
        }
        if (r1 != SR_OK) {
            rc = r1 == SR_ERR_NOMEM
                     ? sr_store_fail_code(st, r1, _("out of memory")) : r1;
            goto rollback;
        }
    }
    if (bad) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                bad == 1 ?
                                    _("%zu of %zu answers is not valid; "
                                      "nothing was saved") :
                                    _("%zu of %zu answers are not valid; "
                                      "nothing was saved"),
                                bad, n);
        goto rollback;
    }
    sr_store_now(st, now);
    for (i = 0; i < n; i++) {
        rc = put_answer(st, id, v[i].item, v[i].value, v[i].note,
                        evidence[i], v[i].files == NULL, now);
        if (rc != SR_OK)
            goto rollback;
    }
    rc = sr_store_commit(st);
    goto cleanup;

rollback:
    sr_store_rollback(st);
cleanup:
    for (i = 0; evidence && i < n; i++)
        free(evidence[i]);
    free(evidence);
    sr_assess_ctx_release(&ctx);
    return rc;
}

sr_error
sr_assess_clear(struct sr_store *st, int64_t id, const char *item)
{
    struct sr_assess_ctx ctx;
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = open_draft(st, id, &ctx);
    if (rc == SR_OK && sr_system_find_item(ctx.sys, item) < 0)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("system '%s' has no item '%s'"),
                                ctx.a.system_id, item);
    if (rc == SR_OK)
        rc = sr_store_prepare(st,
                              "DELETE FROM answers WHERE assessment = ?1 AND "
                              "item = ?2",
                              &s);
    if (rc == SR_OK) {
        sr_bind_int64(s, 1, id);
        sr_bind_text(s, 2, item);
        if (sr_step(s) != SR_DONE)
            rc = sr_store_dberr(st, _("cannot remove the answer"));
    }
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_store_commit(st);
    else
        sr_store_rollback(st);
    sr_assess_ctx_release(&ctx);
    return rc;
}

sr_error
sr_assess_import(struct sr_store *st, int64_t id, const char *path,
                 struct sr_diags *diags)
{
    struct sr_assess_ctx ctx;
    char now[32];
    size_t i, n;
    const struct sr_item *items;
    sr_error rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = open_draft(st, id, &ctx);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_responses_load_file(&ctx.resp, &ctx.school.school, path, diags);
    items = sr_system_items(ctx.sys, &n);
    for (i = 0; rc == SR_OK && i < n; i++)
        if (note_too_long(ctx.resp.note[i]) &&
            sr_diags_add(diags, path, ctx.resp.line[i],
                         _("item '%s': the note is longer than %u "
                           "characters"),
                         items[i].id, SR_TEXT_MAX))
            rc = SR_ERR_NOMEM;
    for (i = 0; rc == SR_OK && i < n; i++)
        if (note_too_long(ctx.resp.note[i]))
            rc = SR_ERR_INPUT;
    if (rc != SR_OK) {
        if (rc != SR_ERR_NOMEM)
            sr_store_fail_code(st, rc,
                               _("the responses in '%s' are not valid; nothing "
                                 "was imported"),
                               path);
        goto rollback;
    }
    sr_store_now(st, now);
    for (i = 0; i < n; i++) {
        if (!ctx.resp.value[i])
            continue;
        rc = put_answer(st, id, items[i].id, ctx.resp.value[i],
                        ctx.resp.note[i], NULL, true, now);
        if (rc != SR_OK)
            goto rollback;
    }
    rc = sr_store_commit(st);
    sr_assess_ctx_release(&ctx);
    return rc;

rollback:
    sr_store_rollback(st);
    sr_assess_ctx_release(&ctx);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Submission                                                           */
/* ------------------------------------------------------------------ */

/* One row of scores.  An item's row says whether it was met and the
 * hazard its answer implies (enum sr_hazard, or -1 for none when met):
 * a report lists the items not met, which earned < max alone misses for
 * a failed prerequisite worth 0.00 of 0.00.  Dimensions and indicators
 * have met -1 and store NULL for both. */
struct score_row {
    const char *node, *kind;
    int64_t earned, max;
    int met, hazard;
};

/* The rows of an assessment's scores or baseline evidence (sr_rows). */
struct score_rows {
    int64_t id;
    const struct score_row *v;
};

static void
bind_score(struct sr_stmt *s, int base, size_t row, const void *ctx)
{
    const struct score_rows *r = ctx;
    const struct score_row *x = &r->v[row];

    sr_bind_int64(s, base + 1, r->id);
    sr_bind_text(s, base + 2, x->node);
    sr_bind_text(s, base + 3, x->kind);
    sr_bind_int64(s, base + 4, x->earned);
    sr_bind_int64(s, base + 5, x->max);
    if (x->met < 0)
        sr_bind_null(s, base + 6);
    else
        sr_bind_int(s, base + 6, x->met);
    sr_bind_text(s, base + 7, x->met ? NULL : sr_hazard_name(x->hazard));
}

/* Baseline evidence: node the element, kind the item, met. */
static void
bind_baseline(struct sr_stmt *s, int base, size_t row, const void *ctx)
{
    const struct score_rows *r = ctx;

    sr_bind_int64(s, base + 1, r->id);
    sr_bind_text(s, base + 2, r->v[row].node);
    sr_bind_text(s, base + 3, r->v[row].kind);
    sr_bind_int(s, base + 4, r->v[row].met);
}

/* The scores of every dimension, indicator and item with points, and
 * the baseline evidence (every scored baseline-tagged item), each by
 * statements of many rows. */
static sr_error
store_scores(struct sr_store *st, const struct sr_assess_ctx *ctx)
{
    const struct sr_dimension *dims;
    const struct sr_indicator *inds;
    const struct sr_item *items;
    struct score_row *v;
    struct score_rows rows;
    struct sr_rows r = {
        "INSERT INTO scores(assessment, node, kind, earned, max, met, "
        "hazard) VALUES ",
        7, 0, bind_score, &rows, _("cannot store the scores"), NULL};
    size_t nd, ni, n, i;
    sr_error rc;

    dims = sr_system_dimensions(ctx->sys, &nd);
    inds = sr_system_indicators(ctx->sys, &ni);
    items = sr_system_items(ctx->sys, &n);
    v = malloc((nd + ni + n + 1) * sizeof(*v));
    if (!v)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    rows.id = ctx->a.id;
    rows.v = v;
    for (i = 0; i < nd; i++)
        if (ctx->res.dims[i].max)
            v[r.n++] = (struct score_row){dims[i].id, "dimension",
                                          ctx->res.dims[i].earned,
                                          ctx->res.dims[i].max, -1, -1};
    for (i = 0; i < ni; i++)
        if (ctx->res.inds[i].max)
            v[r.n++] = (struct score_row){inds[i].id, "indicator",
                                          ctx->res.inds[i].earned,
                                          ctx->res.inds[i].max, -1, -1};
    for (i = 0; i < n; i++) {
        const struct sr_item_result *ir = &ctx->res.items[i];

        if (ir->status == SR_ITEM_SCORED)
            v[r.n++] = (struct score_row){items[i].id, "item", ir->earned,
                                          ir->max, ir->met, ir->hazard};
    }
    rc = sr_store_insert_rows(st, &r);
    if (rc == SR_OK) {
        r = (struct sr_rows){
            "INSERT INTO baseline_items(assessment, element, item, "
            "\"full\") VALUES ",
            4, 0, bind_baseline, &rows,
            _("cannot store the baseline evidence"), NULL};
        for (i = 0; i < n; i++)
            if (items[i].baseline >= 0 &&
                ctx->res.items[i].status == SR_ITEM_SCORED)
                v[r.n++] = (struct score_row){
                    sr_baseline_name(items[i].baseline), items[i].id, 0, 0,
                    ctx->res.items[i].met, -1};
        rc = sr_store_insert_rows(st, &r);
    }
    free(v);
    return rc;
}

static sr_error
mark_submitted(struct sr_store *st, const struct sr_assess_ctx *ctx)
{
    const struct sr_band *bands;
    struct sr_stmt *s = NULL;
    char now[32];
    size_t nb;
    sr_error rc;

    bands = sr_system_bands(ctx->sys, &nb);
    rc = sr_store_prepare(st,
                          "UPDATE assessments SET status = 'submitted', "
                          "submitted_at = ?2, submitted_by = ?3, total = ?4, "
                          "band = ?5, band_label = ?6, compliant = ?7, "
                          "vetoed = ?8, earned = ?9, max = ?10, "
                          "submitted_by_user = ?11 "
                          "WHERE id = ?1 AND status = 'draft'",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_int64(s, 1, ctx->a.id);
    sr_bind_text(s, 2, now);
    sr_bind_text(s, 3, sr_store_actor(st));
    sr_bind_int64(s, 4, ctx->res.total);
    sr_bind_text(s, 5, bands[ctx->res.band].id);
    sr_bind_text(s, 6, bands[ctx->res.band].label);
    sr_bind_int(s, 7, ctx->res.compliant);
    sr_bind_int(s, 8, ctx->res.vetoed);
    sr_bind_int64(s, 9, ctx->res.earned);
    sr_bind_int64(s, 10, ctx->res.max);
    sr_bind_user(st, s, 11);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot submit the assessment"));
    else if (sr_db_changes(st) != 1)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("assessment %lld is no longer a draft"),
                                (long long)ctx->a.id);
    sr_store_finish(st, s);
    return rc;
}

/* Rule 7: a hazard per item not met, or a link to the one already open
 * for the school and item.  Its level is the one the answer implies
 * (format 2: the answered level's); an answer that implies none, such
 * as partial credit "with stabilising measures", loses its points but
 * is nothing to rectify, so it raises nothing. */
static sr_error
raise_hazards(struct sr_store *st, const struct sr_assess_ctx *ctx,
              struct sr_submit_report *rep)
{
    const struct sr_item *items;
    size_t n, i;

    items = sr_system_items(ctx->sys, &n);
    for (i = 0; i < n; i++) {
        const struct sr_item_result *ir = &ctx->res.items[i];
        struct sr_hazard_new h;
        char *desc;
        int64_t hid;
        bool linked;
        sr_error rc;

        if (ir->status != SR_ITEM_SCORED || ir->met ||
            ir->hazard == SR_HAZARD_NONE)
            continue;
        /* The inspector's note says what was found; without one, the
         * item and the answer do. */
        if (ctx->resp.note[i])
            desc = sr_asprintf("%s", ctx->resp.note[i]);
        else
            desc = sr_asprintf("评估未达满分：%s（评估结果：%s）",
                               items[i].title, ctx->resp.value[i]);
        if (!desc)
            return SR_ERR_NOMEM;
        memset(&h, 0, sizeof(h));
        h.school = ctx->a.school;
        h.item = items[i].id;
        h.item_title = items[i].title;
        h.assessment = ctx->a.id;
        h.level = ir->hazard;
        h.baseline = items[i].baseline >= 0 ?
                         sr_baseline_name(items[i].baseline) : NULL;
        h.description = desc;
        h.found_on = ctx->a.assessed_on;
        h.found_by = ctx->a.inspector;
        rc = sr_hazard_raise(st, &h, &hid, &linked);
        free(desc);
        if (rc != SR_OK)
            return rc;
        if (linked)
            rep->hazards_linked++;
        else
            rep->hazards_new++;
    }
    return SR_OK;
}

sr_error
sr_assess_submit(struct sr_store *st, int64_t id, struct sr_diags *diags,
                 struct sr_submit_report *rep)
{
    struct sr_assess_ctx ctx;
    const struct sr_band *bands;
    const struct sr_item *items;
    char locked[16];
    size_t n, nb, i;
    sr_error rc;

    memset(rep, 0, sizeof(*rep));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = open_draft(st, id, &ctx);
    if (rc != SR_OK)
        goto rollback;
    if (sr_result_init(&ctx.res, ctx.sys) != SR_OK) {
        rc = SR_ERR_NOMEM;
        goto rollback;
    }
    rc = load_answers(st, &ctx, diags);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_score(ctx.sys, &ctx.school.school, &ctx.resp, &ctx.res);
    ctx.scored = rc == SR_OK;
    items = sr_system_items(ctx.sys, &n);
    if (ctx.res.missing) {
        char label[48];

        /* TRANSLATORS: where the unanswered items are, before each
           "item 'x' is not answered". */
        snprintf(label, sizeof(label), _("assessment %lld"), (long long)id);
        for (i = 0; i < n; i++)
            if (ctx.res.items[i].status == SR_ITEM_UNANSWERED &&
                sr_diags_add(diags, label, 0,
                             _("item '%s' is not answered: %s"),
                             items[i].id, items[i].title) != SR_OK) {
                rc = SR_ERR_NOMEM;
                goto rollback;
            }
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                ctx.res.missing == 1 ?
                                    _("assessment %lld cannot be submitted: "
                                      "%zu applicable item is not "
                                      "answered") :
                                    _("assessment %lld cannot be submitted: "
                                      "%zu applicable items are not "
                                      "answered"),
                                (long long)id, ctx.res.missing);
        goto rollback;
    }
    if (rc != SR_OK) {
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("assessment %lld has nothing to score: no "
                                  "item of system '%s' applies"),
                                (long long)id, ctx.a.system_id);
        goto rollback;
    }
    /* An inspection dated inside a locked period changes figures a
     * district signed off: refused without a correction reason, else
     * recorded as an amendment (signoff.h).  Self-inspections count in
     * no report. */
    locked[0] = '\0';
    if (ctx.a.kind == SR_ASSESS_INSPECTION)
        rc = sr_signoff_guard_check(st, id, ctx.school.district,
                                    ctx.a.assessed_on, locked);
    if (rc != SR_OK)
        goto rollback;
    rc = mark_submitted(st, &ctx);
    if (rc == SR_OK)
        rc = store_scores(st, &ctx);
    if (rc == SR_OK)
        rc = raise_hazards(st, &ctx, rep);
    if (rc == SR_OK)
        rc = sr_audit_append(st, "assessment", id);
    if (rc == SR_OK)
        rc = sr_signoff_guard_record(st, id, ctx.school.code,
                                     ctx.school.district, locked);
    if (rc != SR_OK)
        goto rollback;
    rc = sr_store_commit(st);
    if (rc == SR_OK) {
        bands = sr_system_bands(ctx.sys, &nb);
        rep->total = ctx.res.total;
        snprintf(rep->band_label, sizeof(rep->band_label), "%s",
                 bands[ctx.res.band].label);
        rep->compliant = ctx.res.compliant;
        rep->vetoed = ctx.res.vetoed;
    } else {
        rep->hazards_new = rep->hazards_linked = 0;
    }
    sr_assess_ctx_release(&ctx);
    return rc;

rollback:
    sr_store_rollback(st);
    sr_assess_ctx_release(&ctx);
    memset(rep, 0, sizeof(*rep));
    return rc;
}

/* ------------------------------------------------------------------ */
/* Listing                                                              */
/* ------------------------------------------------------------------ */

/* The conditions of a filter, ?1..?8 (see bind_filter). */
#define FILTER_WHERE                                                        \
    "JOIN districts d ON d.code = s.district "                              \
    "WHERE (?1 IS NULL OR a.school = ?1) "                                  \
    "AND (?2 IS NULL OR d.code = ?2 OR d.name = ?2) "                       \
    "AND (CAST(?3 AS INTEGER) < 0 OR CASE WHEN a.status = 'submitted' "      \
    "THEN 1 ELSE 0 END = CAST(?3 AS INTEGER)) "                             \
    "AND (?4 IS NULL OR a.kind = ?4) "                                      \
    "AND " SR_SCOPE_SQL("s.district", "a.school", "5", "6") " "             \
    "AND (CAST(?7 AS INTEGER) IS NULL "                                     \
    "OR a.created_by_user = CAST(?7 AS INTEGER)) "                          \
    "AND (CAST(?8 AS INTEGER) IS NULL OR a.status = 'submitted' "           \
    "OR a.created_by_user = CAST(?8 AS INTEGER)) "

static sr_error
bind_filter(struct sr_store *st, struct sr_stmt *s,
            const struct sr_assess_filter *f)
{
    sr_error rc;

    sr_bind_text(s, 1, f ? f->school : NULL);
    sr_bind_text(s, 2, f ? f->district : NULL);
    sr_bind_int(s, 3, f ? f->status : -1);
    sr_bind_text(s, 4, f ? f->kind : NULL);
    rc = sr_bind_scope(st, s, 5, f ? f->scope : NULL);
    if (rc != SR_OK)
        return rc;
    if (f && f->created_by_user)
        sr_bind_int64(s, 7, f->created_by_user);
    if (f && f->drafts_of)
        sr_bind_int64(s, 8, f->drafts_of);
    return SR_OK;
}

sr_error
sr_assess_list(struct sr_store *st, const struct sr_assess_filter *f,
               sr_assess_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step = SR_DONE;

    rc = sr_store_prepare(st,
                          "SELECT " ROW_COLUMNS FILTER_WHERE
                          "ORDER BY a.assessed_on DESC, a.id DESC "
                          "LIMIT ?9 OFFSET ?10",
                          &s);
    if (rc != SR_OK)
        return rc;
    rc = bind_filter(st, s, f);
    if (rc != SR_OK) {
        sr_store_finish(st, s);
        return rc;
    }
    sr_bind_int64(s, 9, f && f->limit ? (int64_t)f->limit : INT64_MAX);
    sr_bind_int64(s, 10, f ? (int64_t)f->offset : 0);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_assessment a;
        int stop;

        rc = row_to_assessment(st, s, &a);
        if (rc != SR_OK)
            break;
        stop = fn(&a, ctx);
        sr_assessment_release(&a);
        if (stop)
            break;
    }
    if (rc == SR_OK && step != SR_ROW && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot list assessments"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_assess_count(struct sr_store *st, const struct sr_assess_filter *f,
                size_t *n)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    *n = 0;
    rc = sr_store_prepare(st,
                          "SELECT count(*) FROM assessments a JOIN schools s "
                          "ON s.code = a.school " FILTER_WHERE,
                          &s);
    if (rc != SR_OK)
        return rc;
    rc = bind_filter(st, s, f);
    if (rc == SR_OK) {
        if (sr_step(s) == SR_ROW)
            *n = (size_t)sr_col_int64(s, 0);
        else
            rc = sr_store_dberr(st, _("cannot count assessments"));
    }
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The hazards of a submission                                          */
/* ------------------------------------------------------------------ */

void
sr_assess_hazards_free(struct sr_assess_hazard *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        free(v[i].item);
    free(v);
}

sr_error
sr_assess_hazards(struct sr_store *st, int64_t id,
                  struct sr_assess_hazard **out, size_t *n)
{
    struct sr_assess_hazard *v = NULL;
    size_t used = 0, alloc = 0;
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step = SR_DONE;

    *out = NULL;
    *n = 0;
    /* A new hazard names its assessment; a finding linked to an open
     * one is that hazard's event naming the assessment. */
    rc = sr_store_prepare(
        st,
        "SELECT id, item, 0 FROM hazards WHERE assessment = ?1 "
        "UNION ALL "
        "SELECT h.id, h.item, 1 FROM hazards h WHERE "
        "(h.assessment IS NULL OR h.assessment <> ?1) "
        "AND h.id IN (SELECT e.hazard FROM hazard_events e WHERE "
        "e.assessment = ?1) "
        "ORDER BY 1",
        &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    while ((step = sr_step(s)) == SR_ROW) {
        int nomem = 0;

        if (used == alloc) {
            size_t na = alloc ? alloc * 2 : 16;
            struct sr_assess_hazard *nv = realloc(v, na * sizeof(*nv));

            if (!nv) {
                rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
                goto cleanup;
            }
            v = nv;
            alloc = na;
        }
        v[used].id = sr_col_int64(s, 0);
        v[used].item = sr_column_dup(s, 1, &nomem);
        v[used].linked = sr_col_int(s, 2) != 0;
        used++;
        if (nomem) {
            rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
            goto cleanup;
        }
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
    sr_assess_hazards_free(v, used);
    return rc;
}
