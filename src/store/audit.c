/*
 * audit.c - the hash chain that shows any row edited outside the
 * program.
 *
 * DESIGN
 * A chain record stands for one immutable thing: a submitted assessment
 * (with its answers, scores and baseline evidence), a hazard event, a
 * registry change (with the version of every school it touched), a
 * stored indicator system, a security event (a login, a password or
 * permission change), an expert event, a published inspection plan
 * (with its schools, factors, drawn experts and pairs), or the
 * checkpoint written by the upgrade to schema 2.  Its content is a canonical text rebuilt from the rows: one
 * "key=value" line per column in a fixed order, values escaped so that a
 * newline in a note cannot forge another field.  The record's hash is
 * SHA-256 over "seq|kind|ref|format|content_sha256|prev_sha256", so
 * reordering, removing or editing a record, or editing the chain table
 * itself, breaks the chain from that record on.
 *
 * Rows that change (a hazard moving through its loop, a school in the
 * registry, a user, a role grant) are covered through snapshots: every
 * event that changes such a row stores the row's state after the
 * change (sr_*_state, rowjson.c), that event is chained, and
 * verification compares each row with the state in its latest event.
 * An UPDATE made with the sqlite3 shell therefore shows as a row that
 * no longer matches its history, and a row inserted by hand as one
 * without a history.
 *
 * Records written before schema 2 (format 1) keep their old content;
 * the upgrade's checkpoint record covers what format 1 left out (the
 * baseline evidence of those assessments and the columns schema 2 gave
 * them, such as their kind; the state of every hazard; the districts).
 * Assessments submitted since schema 4 are chained in format 3, whose
 * scores add met and hazard; those of earlier records were filled in by
 * the upgrade from columns those records chain (earned, max, the
 * answer), and their hazard left NULL.  Since schema 8 they are chained
 * in format 4, which adds the plan an inspection was made for.  Plans
 * published since schema 10 are chained in format 3, which adds each
 * drawn expert's prior (plans.h); those of before stay in format 2.
 *
 * A chain cut back at its end still verifies; `audit head` prints the
 * head so that it can be kept elsewhere (every workbook prints it too)
 * and `audit verify --head HASH` then requires the chain to still hold
 * that record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/audit.h"
#include "store_int.h"
#include "../util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The newest content format; each kind writes its new records in its
 * own newest one (struct kind's current). */
#define FORMAT 4

/* ------------------------------------------------------------------ */
/* Canonical content                                                    */
/* ------------------------------------------------------------------ */

/* Append "key=value\n" with value escaped (\\, \n, \r; NULL is \N). */
static sr_error
field(struct sr_buf *b, const char *key, const char *value)
{
    sr_error rc = sr_buf_addf(b, "%s=", key);
    const char *p;

    if (!value)
        return rc == SR_OK ? sr_buf_add(b, "\\N\n", 3) : rc;
    for (p = value; rc == SR_OK && *p; p++) {
        if (*p == '\\')
            rc = sr_buf_add(b, "\\\\", 2);
        else if (*p == '\n')
            rc = sr_buf_add(b, "\\n", 2);
        else if (*p == '\r')
            rc = sr_buf_add(b, "\\r", 2);
        else
            rc = sr_buf_add(b, p, 1);
    }
    return rc == SR_OK ? sr_buf_add(b, "\n", 1) : rc;
}

/* Every column of the current row as fields, named by the columns. */
static sr_error
row_fields(struct sr_buf *b, struct sr_stmt *s, const char *prefix)
{
    int i, n = sr_col_count(s);
    sr_error rc = SR_OK;

    for (i = 0; i < n && rc == SR_OK; i++) {
        char key[96];

        snprintf(key, sizeof(key), "%s%s", prefix, sr_col_name(s, i));
        rc = field(b, key, sr_col_text(s, i));
    }
    return rc;
}

/* Run sql with ?1 = ref and add each row; *found counts the rows. */
static sr_error
rows(struct sr_store *st, struct sr_buf *b, const char *sql, int64_t ref,
     const char *prefix, int *found)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(st, sql, &s);
    int step;

    if (rc != SR_OK)
        return rc;
    if (sr_bind_count(s) > 0)
        sr_bind_int64(s, 1, ref);
    while ((step = sr_step(s)) == SR_ROW && rc == SR_OK) {
        (*found)++;
        rc = row_fields(b, s, prefix);
    }
    if (rc == SR_OK && step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read an audited record"));
    sr_store_finish(st, s);
    return rc;
}

/* One part of a record's content: the SQL (with ?1 = ref) and the
 * prefix of its keys.  The first part of a kind is its main row. */
struct part {
    const char *sql;
    const char *prefix;
};

/* Format 1: what schema 1 chained. */
static const struct part v1_assessment[] = {
    {"SELECT id, school, system_id, system_version, assessed_on, "
     "inspector, status, created_at, created_by, submitted_at, "
     "submitted_by, total, band, band_label, compliant, vetoed, earned, max "
     "FROM assessments WHERE id = ?1",
     ""},
    {"SELECT item, value, note, at, by FROM answers WHERE assessment = ?1 "
     "ORDER BY item",
     "answer."},
    {"SELECT node, kind, earned, max FROM scores WHERE assessment = ?1 "
     "ORDER BY node",
     "score."},
    {NULL, NULL},
};

static const struct part v1_event[] = {
    {"SELECT id, hazard, at, by, from_status, to_status, note, evidence "
     "FROM hazard_events WHERE id = ?1",
     ""},
    /* The hazard's identity is part of its first event. */
    {"SELECT h.id, h.school, h.item, h.assessment, h.level, "
     "h.description, h.found_on, h.found_by, h.recurrent_of FROM hazards h "
     "JOIN hazard_events e ON e.hazard = h.id WHERE e.id = ?1 AND "
     "e.from_status IS NULL",
     "hazard."},
    {NULL, NULL},
};

/* Format 2. */
static const struct part v2_assessment[] = {
    {"SELECT id, school, kind, system_id, system_version, assessed_on, "
     "inspector, status, created_at, created_by, created_by_user, "
     "submitted_at, submitted_by, submitted_by_user, total, band, "
     "band_label, compliant, vetoed, earned, max FROM assessments "
     "WHERE id = ?1",
     ""},
    {"SELECT item, value, note, at, by, by_user, evidence FROM answers "
     "WHERE assessment = ?1 ORDER BY item",
     "answer."},
    {"SELECT node, kind, earned, max FROM scores WHERE assessment = ?1 "
     "ORDER BY node",
     "score."},
    {"SELECT element, item, \"full\" FROM baseline_items WHERE assessment = ?1 "
     "ORDER BY element, item",
     "baseline."},
    {NULL, NULL},
};

/* Format 3 (schema 4): an assessment's scores with what was met and the
 * hazard each answer implied, which the reports read. */
static const struct part v3_assessment[] = {
    {"SELECT id, school, kind, system_id, system_version, assessed_on, "
     "inspector, status, created_at, created_by, created_by_user, "
     "submitted_at, submitted_by, submitted_by_user, total, band, "
     "band_label, compliant, vetoed, earned, max FROM assessments "
     "WHERE id = ?1",
     ""},
    {"SELECT item, value, note, at, by, by_user, evidence FROM answers "
     "WHERE assessment = ?1 ORDER BY item",
     "answer."},
    {"SELECT node, kind, earned, max, met, hazard FROM scores WHERE "
     "assessment = ?1 ORDER BY node",
     "score."},
    {"SELECT element, item, \"full\" FROM baseline_items WHERE assessment = ?1 "
     "ORDER BY element, item",
     "baseline."},
    {NULL, NULL},
};

/* Format 4 (schema 8): an inspection names the plan it was made for,
 * which the plan's progress reads. */
static const struct part v4_assessment[] = {
    {"SELECT id, school, kind, system_id, system_version, assessed_on, "
     "inspector, status, created_at, created_by, created_by_user, "
     "submitted_at, submitted_by, submitted_by_user, total, band, "
     "band_label, compliant, vetoed, earned, max, plan FROM assessments "
     "WHERE id = ?1",
     ""},
    {"SELECT item, value, note, at, by, by_user, evidence FROM answers "
     "WHERE assessment = ?1 ORDER BY item",
     "answer."},
    {"SELECT node, kind, earned, max, met, hazard FROM scores WHERE "
     "assessment = ?1 ORDER BY node",
     "score."},
    {"SELECT element, item, \"full\" FROM baseline_items WHERE assessment = ?1 "
     "ORDER BY element, item",
     "baseline."},
    {NULL, NULL},
};

static const struct part v2_event[] = {
    /* state: the hazard's whole row after the event. */
    {"SELECT id, hazard, assessment, at, by, by_user, from_status, "
     "to_status, note, evidence, state FROM hazard_events WHERE id = ?1",
     ""},
    {NULL, NULL},
};

static const struct part v2_registry[] = {
    {"SELECT id, at, by, by_user, source, added, updated, closed FROM "
     "registry_changes WHERE id = ?1",
     ""},
    {"SELECT id, code, state FROM school_versions WHERE change = ?1 "
     "ORDER BY id",
     "school."},
    {NULL, NULL},
};

static const struct part v2_system[] = {
    {"SELECT id, version, title, stages, sha256, sr_sha256(xml) AS "
     "xml_sha256, loaded_at, loaded_by, seq FROM systems WHERE seq = ?1",
     ""},
    {NULL, NULL},
};

static const struct part v2_security[] = {
    {"SELECT id, at, actor, actor_name, action, target, grant_id, login, "
     "source, detail, state FROM security_events WHERE id = ?1",
     ""},
    {NULL, NULL},
};

/* Schema 6: a change to an expert profile, with the profile's state
 * after it. */
static const struct part v2_expert[] = {
    {"SELECT id, \"user\", at, by, by_user, action, state FROM expert_events "
     "WHERE id = ?1",
     ""},
    {NULL, NULL},
};

/* Schema 8: a published inspection plan (plans.h): its row, every
 * planned school with its factors and rank, the drawn experts and the
 * pairs, enough to re-draw it. */
static const struct part v2_plan[] = {
    {"SELECT id, district, period, period_start, period_end, as_of, seed, "
     "school_share, expert_share, avoid_district, cap, pool_schools, "
     "pool_experts, state, created_at, created_by, created_by_user, "
     "published_at, published_by, published_by_user FROM plans WHERE "
     "id = ?1",
     ""},
    {"SELECT school, rank, reason, needs, vetoed, band, band_label, "
     "overdue_major, open_major, boarders, special_needs, kindergarten, "
     "enrollment, days_since, last_assessment, last_on, expires_on, "
     "unassigned FROM plan_schools WHERE plan = ?1 ORDER BY rank",
     "school."},
    {"SELECT \"user\", position, login, unit, district, specialities FROM "
     "plan_experts WHERE plan = ?1 ORDER BY position",
     "expert."},
    {"SELECT school, expert, covered, missing, load_before, why FROM "
     "plan_pairs WHERE plan = ?1 ORDER BY school",
     "pair."},
    {NULL, NULL},
};

/* Schema 10: a plan's drawn experts also keep their prior, the schools
 * other published plans of the period had given them (plans.h, 4). */
static const struct part v3_plan[] = {
    {"SELECT id, district, period, period_start, period_end, as_of, seed, "
     "school_share, expert_share, avoid_district, cap, pool_schools, "
     "pool_experts, state, created_at, created_by, created_by_user, "
     "published_at, published_by, published_by_user FROM plans WHERE "
     "id = ?1",
     ""},
    {"SELECT school, rank, reason, needs, vetoed, band, band_label, "
     "overdue_major, open_major, boarders, special_needs, kindergarten, "
     "enrollment, days_since, last_assessment, last_on, expires_on, "
     "unassigned FROM plan_schools WHERE plan = ?1 ORDER BY rank",
     "school."},
    {"SELECT \"user\", position, login, unit, district, specialities, prior "
     "FROM plan_experts WHERE plan = ?1 ORDER BY position",
     "expert."},
    {"SELECT school, expert, covered, missing, load_before, why FROM "
     "plan_pairs WHERE plan = ?1 ORDER BY school",
     "pair."},
    {NULL, NULL},
};

/* Schema 9: a sign-off event (signoff.h), with the snapshot of the
 * figures it locks, so that an edited snapshot breaks the chain. */
static const struct part v2_signoff[] = {
    {"SELECT id, district, period, period_start, period_end, action, "
     "state, version, school, assessment, reason, schools, confirmed, "
     "unconfirmed, snapshot, snapshot_sha256, diff, at, by, by_user FROM "
     "signoff_events WHERE id = ?1",
     ""},
    {NULL, NULL},
};

/* The assessments chained before the upgrade: those with a format 1
 * record.  Not "id <= max_assessment": a draft of then is submitted
 * later, and chained by a format 2 record of its own; counting it here
 * would change the checkpoint's content when it is submitted.  (A
 * record's format is hashed with it, so this set cannot be edited.) */
#define V1_ASSESSMENTS                                                      \
    "SELECT ref FROM audit WHERE kind = 'assessment' AND format = 1"

static const struct part v2_checkpoint[] = {
    {"SELECT id, at, max_assessment, max_event, change FROM checkpoints "
     "WHERE id = ?1",
     ""},
    {"SELECT code, name, sort FROM districts ORDER BY code", "district."},
    /* What format 1 left out of those assessments: the baseline
     * evidence, and the columns schema 2 added (an old inspection
     * turned into a self-inspection would drop out of every report). */
    {"SELECT assessment, element, item, \"full\" FROM baseline_items WHERE "
     "assessment IN (" V1_ASSESSMENTS ") ORDER BY assessment, element, "
     "item",
     "baseline."},
    {"SELECT id, kind, created_by_user, submitted_by_user FROM assessments "
     "WHERE id IN (" V1_ASSESSMENTS ") ORDER BY id",
     "assessment."},
    {"SELECT assessment, item, by_user, evidence FROM answers WHERE "
     "assessment IN (" V1_ASSESSMENTS ") ORDER BY assessment, item",
     "answer."},
    {"SELECT id, state FROM hazard_events WHERE state IS NOT NULL AND "
     "id <= (SELECT max_event FROM checkpoints WHERE id = ?1) ORDER BY id",
     "event."},
    {NULL, NULL},
};

/* What each kind of record is, in words and in parts. */
static const struct kind {
    const char *name;   /* audit.kind */
    const char *what;   /* in messages: N_(), translated where used */
    int current;        /* the format its new records are written in */
    const struct part *parts[FORMAT + 1];
} kinds[] = {
    {"assessment", N_("assessment"), 4,
     {NULL, v1_assessment, v2_assessment, v3_assessment, v4_assessment}},
    {"hazard_event", N_("hazard event"), 2, {NULL, v1_event, v2_event}},
    {"registry", N_("registry change"), 2, {NULL, NULL, v2_registry}},
    {"system", N_("indicator system load"), 2, {NULL, NULL, v2_system}},
    {"security", N_("security event"), 2, {NULL, NULL, v2_security}},
    {"checkpoint", N_("checkpoint"), 2, {NULL, NULL, v2_checkpoint}},
    {"expert", N_("expert event"), 2, {NULL, NULL, v2_expert}},
    {"plan", N_("inspection plan"), 3, {NULL, NULL, v2_plan, v3_plan}},
    {"signoff", N_("sign-off event"), 2, {NULL, NULL, v2_signoff}},
};

static const struct kind *
kind_of(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

/* The canonical content of (kind, ref) in format; *exists 0 when the
 * main row is gone. */
static sr_error
content(struct sr_store *st, const struct kind *k, int format, int64_t ref,
        struct sr_buf *b, int *exists)
{
    const struct part *p;
    sr_error rc = SR_OK;
    int n = 0, extra = 0;

    *exists = 0;
    if (format < 1 || format > FORMAT || !k->parts[format])
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("audit: no content format %d for %s "
                                    "records"),
                                  format, k->name);
    for (p = k->parts[format]; rc == SR_OK && p->sql; p++)
        rc = rows(st, b, p->sql, ref, p->prefix,
                  p == k->parts[format] ? &n : &extra);
    *exists = n > 0;
    return rc;
}

static void
chain_hash(int64_t seq, const char *kind, int64_t ref, int format,
           const char *csha, const char *prev, char out[65])
{
    char buf[256];
    int n;

    /* Format 1 records were hashed without the format. */
    if (format == 1)
        n = snprintf(buf, sizeof(buf), "%lld|%s|%lld|%s|%s", (long long)seq,
                     kind, (long long)ref, csha, prev);
    else
        n = snprintf(buf, sizeof(buf), "%lld|%s|%lld|%d|%s|%s",
                     (long long)seq, kind, (long long)ref, format, csha,
                     prev);
    sr_sha256_hex(buf, (size_t)n, out);
}

/* ------------------------------------------------------------------ */
/* Appending                                                            */
/* ------------------------------------------------------------------ */

sr_error
sr_audit_head_records(struct sr_store *st, char head[65], int64_t *records)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st, "SELECT sha256, seq FROM audit ORDER BY seq DESC LIMIT 1", &s);
    int step;

    if (rc != SR_OK)
        return rc;
    head[0] = '\0';
    *records = 0;
    step = sr_step(s);
    if (step == SR_ROW) {
        snprintf(head, 65, "%s", sr_col_text(s, 0));
        *records = sr_col_int64(s, 1);
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the audit chain"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audit_head(struct sr_store *st, char head[65])
{
    int64_t records;

    return sr_audit_head_records(st, head, &records);
}

sr_error
sr_audit_append(struct sr_store *st, const char *kind_name, int64_t ref)
{
    const struct kind *k = kind_of(kind_name);
    struct sr_buf b;
    struct sr_stmt *s = NULL;
    char csha[65], prev[65], hash[65];
    int64_t seq = 1;
    int exists, step;
    sr_error rc;

    if (!k)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("audit: unknown record kind '%s'"),
                                  kind_name);
    sr_buf_init(&b);
    rc = content(st, k, k->current, ref, &b, &exists);
    if (rc != SR_OK)
        goto cleanup;
    if (!exists) {
        rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                _("audit: %s %lld does not exist"), k->name,
                                (long long)ref);
        goto cleanup;
    }
    sr_sha256_hex(b.p ? b.p : "", b.len, csha);
    /* One writer at a time from the head to COMMIT: the chain has one
     * total order on every engine. */
    rc = sr_db_lock_chain(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_store_prepare(st,
                          "SELECT seq, sha256 FROM audit ORDER BY seq DESC "
                          "LIMIT 1",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    step = sr_step(s);
    if (step == SR_ROW) {
        seq = sr_col_int64(s, 0) + 1;
        snprintf(prev, sizeof(prev), "%s",
                 sr_col_text(s, 1));
    } else if (step == SR_DONE) {
        snprintf(prev, sizeof(prev), "%s", GENESIS);
    } else {
        rc = sr_store_dberr(st, _("cannot read the audit chain"));
        goto cleanup;
    }
    sr_store_finish(st, s);
    s = NULL;
    chain_hash(seq, k->name, ref, k->current, csha, prev, hash);
    rc = sr_store_prepare(st,
                          "INSERT INTO audit(seq, kind, ref, format, "
                          "content_sha256, prev_sha256, sha256) VALUES "
                          "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_bind_int64(s, 1, seq);
    sr_bind_text(s, 2, k->name);
    sr_bind_int64(s, 3, ref);
    sr_bind_int(s, 4, k->current);
    sr_bind_text(s, 5, csha);
    sr_bind_text(s, 6, prev);
    sr_bind_text(s, 7, hash);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot append to the audit chain"));

cleanup:
    sr_store_finish(st, s);
    sr_buf_release(&b);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The upgrade to schema 2                                              */
/* ------------------------------------------------------------------ */

/* Run one statement with no parameters inside the transaction. */
static sr_error
exec(struct sr_store *st, const char *sql, const char *what)
{
    if (sr_db_exec(st, sql) != SR_DB_OK)
        return sr_store_dberr(st, what);
    return SR_OK;
}

/* Step a prepared statement that returns no row. */
static sr_error
step_done(struct sr_store *st, struct sr_stmt *s, const char *what)
{
    if (sr_step(s) != SR_DONE)
        return sr_store_dberr(st, what);
    return SR_OK;
}

/* Chain every stored system, in the order they were loaded. */
static sr_error
chain_systems(struct sr_store *st)
{
    struct sr_stmt *s = NULL;
    int64_t *seqs = NULL;
    size_t n = 0, alloc = 0, i;
    sr_error rc;
    int step;

    rc = sr_store_prepare(st, "SELECT seq FROM systems ORDER BY seq", &s);
    if (rc != SR_OK)
        return rc;
    while ((step = sr_step(s)) == SR_ROW) {
        if (n == alloc) {
            size_t na = alloc ? alloc * 2 : 16;
            int64_t *nv = realloc(seqs, na * sizeof(*nv));

            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            seqs = nv;
            alloc = na;
        }
        seqs[n++] = sr_col_int64(s, 0);
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read stored systems"));
        goto cleanup;
    }
    sr_store_finish(st, s);
    s = NULL;
    for (i = 0; i < n && rc == SR_OK; i++)
        rc = sr_audit_append(st, "system", seqs[i]);

cleanup:
    sr_store_finish(st, s);
    free(seqs);
    return rc;
}

/* Put each hazard's state on its latest event.  One hazard at a time,
 * by key (no statement reads hazard_events while another writes it). */
static sr_error
hazard_states(struct sr_store *st)
{
    struct sr_stmt *s = NULL, *u = NULL;
    char *state = NULL;
    int64_t hazard = 0, event;
    sr_error rc = SR_OK;
    int step;

    for (;;) {
        rc = sr_store_prepare(st,
                              "SELECT hazard, max(id) FROM hazard_events "
                              "WHERE hazard > ?1 GROUP BY hazard ORDER BY "
                              "hazard LIMIT 1",
                              &s);
        if (rc != SR_OK)
            break;
        sr_bind_int64(s, 1, hazard);
        step = sr_step(s);
        if (step != SR_ROW) {
            if (step != SR_DONE)
                rc = sr_store_dberr(st, _("cannot record the state of the "
                                          "hazards"));
            break;
        }
        hazard = sr_col_int64(s, 0);
        event = sr_col_int64(s, 1);
        sr_store_finish(st, s);
        s = NULL;
        rc = sr_state_by_id(st, &sr_hazard_state, hazard, &state);
        if (rc == SR_OK)
            rc = sr_store_prepare(st,
                                  "UPDATE hazard_events SET state = ?1 "
                                  "WHERE id = ?2",
                                  &u);
        if (rc != SR_OK)
            break;
        sr_bind_text(u, 1, state);
        sr_bind_int64(u, 2, event);
        rc = step_done(st, u, _("cannot record the state of the hazards"));
        sr_store_finish(st, u);
        u = NULL;
        free(state);
        state = NULL;
        if (rc != SR_OK)
            break;
    }
    sr_store_finish(st, s);
    free(state);
    return rc;
}

/* The registry as it stands, as the versions of the change: one school
 * at a time, in the order of their codes. */
static sr_error
school_versions_2(struct sr_store *st, int64_t change)
{
    struct sr_stmt *s = NULL;
    char code[16] = "";
    sr_error rc = SR_OK;
    int step;

    for (;;) {
        rc = sr_store_prepare(st,
                              "SELECT code FROM schools WHERE code > ?1 "
                              "ORDER BY code LIMIT 1",
                              &s);
        if (rc != SR_OK)
            return rc;
        sr_bind_text(s, 1, code);
        step = sr_step(s);
        if (step == SR_ROW)
            snprintf(code, sizeof(code), "%s", sr_col_text(s, 0));
        else if (step != SR_DONE)
            rc = sr_store_dberr(st, _("cannot record the registry"));
        sr_store_finish(st, s);
        if (step != SR_ROW || rc != SR_OK)
            return rc;
        rc = sr_store_school_version(st, change, &sr_school_state_2, code);
        if (rc != SR_OK)
            return rc;
    }
}

static sr_error checkpoint_now(struct sr_store *st, int64_t change);

sr_error
sr_store_migrate_2(struct sr_store *st)
{
    struct sr_stmt *s = NULL;
    char now[32];
    int64_t change = 0;
    int has_schools = 0;
    sr_error rc;

    sr_store_now(st, now);

    /* The state of every hazard, on its latest event.  Events are
     * append-only; the trigger steps aside for this one backfill,
     * inside the upgrade's transaction. */
    rc = exec(st, "DROP TRIGGER hazard_events_append_only",
              _("cannot record the state of the hazards"));
    if (rc == SR_OK)
        rc = hazard_states(st);
    if (rc == SR_OK)
        rc = exec(st,
                  "CREATE TRIGGER hazard_events_append_only BEFORE UPDATE ON "
                  "hazard_events BEGIN SELECT RAISE(ABORT, 'hazard events "
                  "are append-only'); END",
                  _("cannot record the state of the hazards"));
    if (rc != SR_OK)
        return rc;

    /* The registry as it stands is its first version. */
    rc = sr_store_prepare(st, "SELECT count(*) FROM schools", &s);
    if (rc != SR_OK)
        return rc;
    if (sr_step(s) == SR_ROW)
        has_schools = sr_col_int64(s, 0) > 0;
    sr_store_finish(st, s);
    s = NULL;
    if (has_schools) {
        rc = sr_store_prepare(st,
                              "INSERT INTO registry_changes(at, by, source, "
                              "added, updated, closed) VALUES (?1, ?2, "
                              "'schema 2 upgrade', (SELECT count(*) FROM "
                              "schools), 0, 0)",
                              &s);
        if (rc != SR_OK)
            return rc;
        sr_bind_text(s, 1, now);
        sr_bind_text(s, 2, sr_store_actor(st));
        rc = step_done(st, s, _("cannot record the registry"));
        sr_store_finish(st, s);
        s = NULL;
        if (rc != SR_OK)
            return rc;
        change = sr_db_last_id(st);
        rc = school_versions_2(st, change);
        if (rc == SR_OK)
            rc = sr_audit_append(st, "registry", change);
        if (rc != SR_OK)
            return rc;
    }
    rc = chain_systems(st);
    if (rc != SR_OK)
        return rc;
    return checkpoint_now(st, change);
}

sr_error
sr_audit_first_checkpoint(struct sr_store *st)
{
    return checkpoint_now(st, 0);
}

/* The checkpoint record (its row and its chain record): the assessments
 * and events so far, and registry change `change` (0: none). */
static sr_error
checkpoint_now(struct sr_store *st, int64_t change)
{
    struct sr_stmt *s = NULL;
    int64_t checkpoint;
    char now[32];
    sr_error rc;

    sr_store_now(st, now);
    rc = sr_store_prepare(st,
                          "INSERT INTO checkpoints(at, max_assessment, "
                          "max_event, change) VALUES (?1, (SELECT "
                          "coalesce(max(id), 0) FROM assessments), (SELECT "
                          "coalesce(max(id), 0) FROM hazard_events), ?2)",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, now);
    if (change)
        sr_bind_int64(s, 2, change);
    rc = step_done(st, s, _("cannot record the checkpoint"));
    sr_store_finish(st, s);
    if (rc != SR_OK)
        return rc;
    checkpoint = sr_db_last_id(st);
    return sr_audit_append(st, "checkpoint", checkpoint);
}

/* ------------------------------------------------------------------ */
/* Verifying                                                            */
/* ------------------------------------------------------------------ */

/* A query that finds the first row breaking a rule (one integer or text
 * column), and the message naming it.  With a state, the query instead
 * reads every row in order: its key, the state's columns, and its
 * latest snapshot; the first row whose state (made in C, rowjson.c) is
 * not the snapshot's text breaks the rule. */
struct check {
    const char *sql;
    const char *what;  /* the message is "WHAT KEY WHY"; both N_(), */
    const char *why;   /* translated where used */
    const struct sr_state *state;
};

/* The row's COL (qualified by its table: audit has a seq of its own)
 * is the ref of no chain record of KIND.  NOT EXISTS, read through
 * audit's UNIQUE (kind, ref) index, not NOT IN: with PostgreSQL's
 * default work_mem (4 MB) a NOT IN over the 880,000 records of a
 * province cannot be hashed and was planned as a scan of the records
 * for each row, so `audit verify` never finished. */
#define UNCHAINED(kind, col)                                              \
    "NOT EXISTS (SELECT 1 FROM audit a WHERE a.kind = '" kind "' AND "    \
    "a.ref = " col ")"

/* Rows with no chain record (inserted by hand), then rows that no
 * longer match the latest snapshot of their history (updated by hand). */
static const struct check checks[] = {
    {"SELECT id FROM assessments WHERE status = 'submitted' AND "
     UNCHAINED("assessment", "assessments.id") " ORDER BY id LIMIT 1",
     N_("submitted assessment"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
    {"SELECT id FROM hazard_events WHERE "
     UNCHAINED("hazard_event", "hazard_events.id")
     " ORDER BY id LIMIT 1",
     N_("hazard event"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
    {"SELECT id FROM registry_changes WHERE "
     UNCHAINED("registry", "registry_changes.id")
     " ORDER BY id LIMIT 1",
     N_("registry change"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
    {"SELECT id || ' ' || version FROM systems WHERE "
     UNCHAINED("system", "systems.seq") " ORDER BY seq LIMIT 1",
     N_("indicator system"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
    {"SELECT id FROM security_events WHERE "
     UNCHAINED("security", "security_events.id")
     " ORDER BY id LIMIT 1",
     N_("security event"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
    {"SELECT h.id FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM "
     "hazard_events e WHERE e.hazard = h.id AND e.from_status IS NULL) "
     "ORDER BY h.id LIMIT 1",
     N_("hazard"),
     N_("has no recorded history: it was added outside schoolrisk"), NULL},
    {"SELECT h.id, " SR_HAZARD_COLS("h") ", (SELECT e.state FROM "
     "hazard_events e WHERE e.hazard = h.id AND e.state IS NOT NULL ORDER "
     "BY e.id DESC LIMIT 1) FROM hazards h ORDER BY h.id",
     N_("hazard"),
     N_("was altered outside schoolrisk: its row no longer matches the state "
        "recorded by its latest event"),
     &sr_hazard_state},
    {"SELECT s.code FROM schools s WHERE NOT EXISTS (SELECT 1 FROM "
     "school_versions v WHERE v.code = s.code) ORDER BY s.code LIMIT 1",
     N_("school"),
     N_("has no recorded version: it was added to the registry outside "
        "schoolrisk"), NULL},
    {"SELECT s.code, " SR_SCHOOL_COLS("s") ", (SELECT v.state FROM "
     "school_versions v WHERE v.code = s.code ORDER BY v.id DESC LIMIT 1) "
     "FROM schools s ORDER BY s.code",
     N_("school"),
     N_("was altered outside schoolrisk: its registry row no longer matches "
        "its latest recorded version"),
     &sr_school_state},
    {"SELECT u.id, " SR_USER_COLS("u") ", (SELECT e.state FROM "
     "security_events e WHERE e.target = u.id AND e.grant_id IS NULL AND "
     "e.state IS NOT NULL ORDER BY e.id DESC LIMIT 1) FROM users u ORDER BY "
     "u.id",
     N_("user"),
     N_("was altered outside schoolrisk: the row no longer matches the "
        "security log"),
     &sr_user_state},
    {"SELECT g.id, " SR_GRANT_COLS("g") ", (SELECT e.state FROM "
     "security_events e WHERE e.grant_id = g.id AND e.state IS NOT NULL "
     "ORDER BY e.id DESC LIMIT 1) FROM grants g ORDER BY g.id",
     N_("role grant"),
     N_("was altered outside schoolrisk: the row no longer matches the "
        "security log"),
     &sr_grant_state},
    {"SELECT id FROM expert_events WHERE "
     UNCHAINED("expert", "expert_events.id")
     " ORDER BY id LIMIT 1",
     N_("expert event"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
    {"SELECT x.user, " SR_EXPERT_COLS("x") ", (SELECT e.state FROM "
     "expert_events e WHERE e.user = x.user ORDER BY e.id DESC LIMIT 1) "
     "FROM experts x ORDER BY x.user",
     N_("expert profile of user"),
     N_("was altered outside schoolrisk: the row no longer matches its "
        "latest expert event"),
     &sr_expert_state},
    {"SELECT id FROM plans WHERE state = 'published' AND "
     UNCHAINED("plan", "plans.id") " ORDER BY id LIMIT 1",
     N_("inspection plan"),
     N_("is not in the audit chain: it was published outside schoolrisk"),
     NULL},
    {"SELECT id FROM signoff_events WHERE "
     UNCHAINED("signoff", "signoff_events.id")
     " ORDER BY id LIMIT 1",
     N_("sign-off event"),
     N_("is not in the audit chain: it was added outside schoolrisk"), NULL},
};

/* Step s to the first row whose state (columns 1 .. n) is not its
 * snapshot (column n + 1): SR_ROW there, SR_DONE when every row
 * matches, or the error. */
static int
next_altered(struct sr_store *st, struct sr_stmt *s,
             const struct sr_state *state, sr_error *rc)
{
    int snap = (int)state->n + 1;
    struct sr_buf b;
    int step;

    sr_buf_init(&b);
    while ((step = sr_step(s)) == SR_ROW) {
        const char *have;

        b.len = 0;
        *rc = sr_state_append(st, state, &b, s, 1);
        if (*rc != SR_OK)
            break;
        have = sr_col_text(s, snap);
        if (!have || sr_col_bytes(s, snap) != b.len ||
            memcmp(have, b.p, b.len) != 0)
            break;
    }
    sr_buf_release(&b);
    return step;
}

static sr_error
run_checks(struct sr_store *st, struct sr_audit_report *rep)
{
    size_t i;

    for (i = 0; i < sizeof(checks) / sizeof(checks[0]) && rep->ok; i++) {
        struct sr_stmt *s = NULL;
        sr_error rc = sr_store_prepare(st, checks[i].sql, &s);
        int step;

        if (rc != SR_OK)
            return rc;
        if (checks[i].state)
            step = next_altered(st, s, checks[i].state, &rc);
        else
            step = sr_step(s);
        if (rc != SR_OK) {
            sr_store_finish(st, s);
            return rc;
        }
        if (step == SR_ROW) {
            rep->ok = 0;
            /* TRANSLATORS: a kind of record (hazard), its key (17),
               what is wrong with it. */
            snprintf(rep->problem, sizeof(rep->problem), _("%s %s %s"),
                     _(checks[i].what),
                     sr_col_text(s, 0),
                     _(checks[i].why));
        } else if (step != SR_DONE) {
            sr_store_finish(st, s);
            return sr_store_dberr(st, _("cannot read the database"));
        }
        sr_store_finish(st, s);
    }
    return SR_OK;
}

/* The chain must still hold the record whose hash is head. */
static sr_error
check_head(struct sr_store *st, const char *head,
           struct sr_audit_report *rep)
{
    struct sr_stmt *s = NULL;
    sr_error rc = sr_store_prepare(st,
                                   "SELECT seq FROM audit WHERE sha256 = ?1",
                                   &s);
    int step;

    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, head);
    step = sr_step(s);
    if (step == SR_DONE) {
        rep->ok = 0;
        snprintf(rep->problem, sizeof(rep->problem),
                 _("the chain no longer holds the record with hash %.64s "
                   "(exported earlier as its head): records were removed "
                   "from its end"),
                 head);
    } else if (step != SR_ROW) {
        rc = sr_store_dberr(st, _("cannot read the audit chain"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audit_verify(struct sr_store *st, struct sr_audit_report *rep)
{
    return sr_audit_verify_head(st, NULL, rep);
}

sr_error
sr_audit_verify_head(struct sr_store *st, const char *head,
                     struct sr_audit_report *rep)
{
    struct sr_stmt *s = NULL;
    char prev[65] = GENESIS;
    struct sr_buf b;
    int64_t expect_seq = 1;
    bool own = false;
    sr_error rc;
    int step = SR_DONE;

    memset(rep, 0, sizeof(*rep));
    rep->ok = 1;
    if (head && !sr_audit_hash_valid(head))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("'%s' is not a chain head (64 hex digits "
                                    "as `audit head` prints it)"),
                                  head);
    sr_buf_init(&b);
    /* One read transaction: a consistent snapshot of the whole chain. */
    rc = sr_store_read_begin(st, &own);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_prepare(st,
                          "SELECT seq, kind, ref, format, content_sha256, "
                          "prev_sha256, sha256 FROM audit ORDER BY seq",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    while (rep->ok && (step = sr_step(s)) == SR_ROW) {
        int64_t seq = sr_col_int64(s, 0);
        const char *kname = sr_col_text(s, 1);
        int64_t ref = sr_col_int64(s, 2);
        int format = sr_col_int(s, 3);
        const char *csha = sr_col_text(s, 4);
        const char *psha = sr_col_text(s, 5);
        const char *sha = sr_col_text(s, 6);
        const struct kind *k = kind_of(kname);
        char now_csha[65], now_sha[65];
        int exists;

        rep->records++;
        if (seq != expect_seq) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     _("audit record %lld is missing (the chain jumps from "
                       "%lld to %lld)"),
                     (long long)expect_seq, (long long)(expect_seq - 1),
                     (long long)seq);
            break;
        }
        if (!k || format < 1 || format > FORMAT || !k->parts[format]) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     _("audit record %lld: unknown kind '%s' or format %d "
                       "(the audit table was edited)"),
                     (long long)seq, kname, format);
            break;
        }
        b.len = 0;
        rc = content(st, k, format, ref, &b, &exists);
        if (rc != SR_OK)
            goto cleanup;
        if (!exists) {
            rep->ok = 0;
            /* TRANSLATORS: the audit record's number, then the kind
               of record it covers (hazard event) and its id. */
            snprintf(rep->problem, sizeof(rep->problem),
                     _("audit record %lld: %s %lld was removed"),
                     (long long)seq, _(k->what), (long long)ref);
            break;
        }
        sr_sha256_hex(b.p ? b.p : "", b.len, now_csha);
        if (strcmp(now_csha, csha)) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     _("audit record %lld: %s %lld was altered (its "
                       "content no longer matches the hash recorded when "
                       "it was written)"),
                     (long long)seq, _(k->what), (long long)ref);
            break;
        }
        chain_hash(seq, k->name, ref, format, csha, prev, now_sha);
        if (strcmp(psha, prev) || strcmp(now_sha, sha)) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     _("audit record %lld (%s %lld): the chain is broken "
                       "(the audit table was edited)"),
                     (long long)seq, _(k->what), (long long)ref);
            break;
        }
        snprintf(prev, sizeof(prev), "%s", sha);
        expect_seq++;
    }
    if (rep->ok && step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the audit chain"));
        goto cleanup;
    }
    if (rep->ok)
        rc = run_checks(st, rep);
    if (rc == SR_OK && rep->ok && head)
        rc = check_head(st, head, rep);
    if (rep->records)
        snprintf(rep->head, sizeof(rep->head), "%s", prev);

cleanup:
    sr_store_finish(st, s);
    sr_store_read_end(st, own);
    sr_buf_release(&b);
    return rc;
}

bool
sr_audit_hash_valid(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[64] == '\0';
}
