/*
 * audit.c - the hash chain over submitted assessments and hazard events.
 *
 * DESIGN
 * A record's content is a canonical text rebuilt from its rows: one
 * "key=value" line per field in a fixed order, values escaped so that a
 * newline or '=' in a note cannot forge another field.  The record's
 * hash is SHA-256 over "seq|kind|ref|content_sha256|prev_sha256", so
 * reordering, removing or editing a record, or editing the chain table
 * itself, all break the chain from that record on.  Verification
 * reports the first break, and any assessment or event that exists
 * without a chain record (inserted by hand).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/audit.h"
#include "store_int.h"
#include "../util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Append "key=value\n" with value escaped (\\, \n, \r). */
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
row_fields(struct sr_buf *b, sqlite3_stmt *s, const char *prefix)
{
    int i, n = sqlite3_column_count(s);
    sr_error rc = SR_OK;

    for (i = 0; i < n && rc == SR_OK; i++) {
        char key[96];

        snprintf(key, sizeof(key), "%s%s", prefix, sqlite3_column_name(s, i));
        rc = field(b, key, (const char *)sqlite3_column_text(s, i));
    }
    return rc;
}

/* Run sql with ?1 = ref and add each row; *found counts the rows. */
static sr_error
rows(struct sr_store *st, struct sr_buf *b, const char *sql, int64_t ref,
     const char *prefix, int *found)
{
    sqlite3_stmt *s = NULL;
    sr_error rc = sr_store_prepare(st, sql, &s);
    int step;

    if (rc != SR_OK)
        return rc;
    sqlite3_bind_int64(s, 1, ref);
    while ((step = sqlite3_step(s)) == SQLITE_ROW && rc == SR_OK) {
        (*found)++;
        rc = row_fields(b, s, prefix);
    }
    if (rc == SR_OK && step != SQLITE_DONE)
        rc = sr_store_dberr(st, "cannot read an audited record");
    sr_store_finish(st, s);
    return rc;
}

/* The canonical content of (kind, ref); *exists 0 when the main row
 * is gone. */
static sr_error
content(struct sr_store *st, const char *kind, int64_t ref, struct sr_buf *b,
        int *exists)
{
    sr_error rc;
    int n = 0, extra = 0;

    *exists = 0;
    if (!strcmp(kind, "assessment")) {
        rc = rows(st, b,
                  "SELECT id, school, system_id, system_version, assessed_on,"
                  " inspector, status, created_at, created_by, submitted_at,"
                  " submitted_by, total, band, band_label, compliant, "
                  "vetoed, earned, max FROM assessments WHERE id = ?1",
                  ref, "", &n);
        if (rc == SR_OK)
            rc = rows(st, b,
                      "SELECT item, value, note, at, by FROM answers "
                      "WHERE assessment = ?1 ORDER BY item",
                      ref, "answer.", &extra);
        if (rc == SR_OK)
            rc = rows(st, b,
                      "SELECT node, kind, earned, max FROM scores "
                      "WHERE assessment = ?1 ORDER BY node",
                      ref, "score.", &extra);
    } else {
        rc = rows(st, b,
                  "SELECT id, hazard, at, by, from_status, to_status, note, "
                  "evidence FROM hazard_events WHERE id = ?1",
                  ref, "", &n);
        /* The hazard's identity is part of its first event. */
        if (rc == SR_OK)
            rc = rows(st, b,
                      "SELECT h.id, h.school, h.item, h.assessment, h.level,"
                      " h.description, h.found_on, h.found_by, "
                      "h.recurrent_of FROM hazards h JOIN hazard_events e "
                      "ON e.hazard = h.id WHERE e.id = ?1 AND "
                      "e.from_status IS NULL",
                      ref, "hazard.", &extra);
    }
    *exists = n > 0;
    return rc;
}

static void
chain_hash(int64_t seq, const char *kind, int64_t ref, const char *csha,
           const char *prev, char out[65])
{
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "%lld|%s|%lld|%s|%s", (long long)seq,
                     kind, (long long)ref, csha, prev);

    sr_sha256_hex(buf, (size_t)n, out);
}

sr_error
sr_audit_head(struct sr_store *st, char head[65])
{
    sqlite3_stmt *s = NULL;
    sr_error rc = sr_store_prepare(
        st, "SELECT sha256 FROM audit ORDER BY seq DESC LIMIT 1", &s);
    int step;

    if (rc != SR_OK)
        return rc;
    head[0] = '\0';
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        snprintf(head, 65, "%s", (const char *)sqlite3_column_text(s, 0));
    else if (step != SQLITE_DONE)
        rc = sr_store_dberr(st, "cannot read the audit chain");
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audit_append(struct sr_store *st, const char *kind, int64_t ref)
{
    struct sr_buf b;
    sqlite3_stmt *s = NULL;
    char csha[65], prev[65], hash[65];
    int64_t seq = 1;
    int exists, step;
    sr_error rc;

    sr_buf_init(&b);
    rc = content(st, kind, ref, &b, &exists);
    if (rc != SR_OK)
        goto cleanup;
    if (!exists) {
        rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                "audit: %s %lld does not exist", kind,
                                (long long)ref);
        goto cleanup;
    }
    sr_sha256_hex(b.p ? b.p : "", b.len, csha);
    rc = sr_store_prepare(st,
                          "SELECT seq, sha256 FROM audit ORDER BY seq DESC "
                          "LIMIT 1",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        seq = sqlite3_column_int64(s, 0) + 1;
        snprintf(prev, sizeof(prev), "%s",
                 (const char *)sqlite3_column_text(s, 1));
    } else if (step == SQLITE_DONE) {
        snprintf(prev, sizeof(prev), "%s", GENESIS);
    } else {
        rc = sr_store_dberr(st, "cannot read the audit chain");
        goto cleanup;
    }
    sr_store_finish(st, s);
    s = NULL;
    chain_hash(seq, kind, ref, csha, prev, hash);
    rc = sr_store_prepare(st,
                          "INSERT INTO audit(seq, kind, ref, content_sha256, "
                          "prev_sha256, sha256) VALUES (?1,?2,?3,?4,?5,?6)",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    sqlite3_bind_int64(s, 1, seq);
    sr_bind_text(s, 2, kind);
    sqlite3_bind_int64(s, 3, ref);
    sr_bind_text(s, 4, csha);
    sr_bind_text(s, 5, prev);
    sr_bind_text(s, 6, hash);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = sr_store_dberr(st, "cannot append to the audit chain");

cleanup:
    sr_store_finish(st, s);
    sr_buf_release(&b);
    return rc;
}

/* Rows of `table` (submitted ones for assessments) with no audit
 * record: added by hand. */
static sr_error
unchained(struct sr_store *st, struct sr_audit_report *rep)
{
    static const struct {
        const char *sql;
        const char *what;
    } q[] = {
        {"SELECT id FROM assessments WHERE status = 'submitted' AND id NOT IN"
         " (SELECT ref FROM audit WHERE kind = 'assessment') ORDER BY id "
         "LIMIT 1",
         "submitted assessment"},
        {"SELECT id FROM hazard_events WHERE id NOT IN (SELECT ref FROM "
         "audit WHERE kind = 'hazard_event') ORDER BY id LIMIT 1",
         "hazard event"},
    };
    size_t i;

    for (i = 0; i < sizeof(q) / sizeof(q[0]) && rep->ok; i++) {
        sqlite3_stmt *s = NULL;
        sr_error rc = sr_store_prepare(st, q[i].sql, &s);
        int step;

        if (rc != SR_OK)
            return rc;
        step = sqlite3_step(s);
        if (step == SQLITE_ROW) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     "%s %lld is not in the audit chain: it was added "
                     "outside schoolrisk",
                     q[i].what, (long long)sqlite3_column_int64(s, 0));
        } else if (step != SQLITE_DONE) {
            sr_store_finish(st, s);
            return sr_store_dberr(st, "cannot read the database");
        }
        sr_store_finish(st, s);
    }
    return SR_OK;
}

sr_error
sr_audit_verify(struct sr_store *st, struct sr_audit_report *rep)
{
    sqlite3_stmt *s = NULL;
    char prev[65] = GENESIS;
    struct sr_buf b;
    int64_t expect_seq = 1;
    sr_error rc;
    int step;

    memset(rep, 0, sizeof(*rep));
    rep->ok = 1;
    sr_buf_init(&b);
    /* One read transaction: a consistent snapshot of the whole chain. */
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return sr_store_dberr(st, "cannot start a read transaction");
    rc = sr_store_prepare(st,
                          "SELECT seq, kind, ref, content_sha256, "
                          "prev_sha256, sha256 FROM audit ORDER BY seq",
                          &s);
    if (rc != SR_OK)
        goto cleanup;
    while (rep->ok && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        const char *kind = (const char *)sqlite3_column_text(s, 1);
        int64_t ref = sqlite3_column_int64(s, 2);
        const char *csha = (const char *)sqlite3_column_text(s, 3);
        const char *psha = (const char *)sqlite3_column_text(s, 4);
        const char *sha = (const char *)sqlite3_column_text(s, 5);
        const char *what = !strcmp(kind, "assessment") ? "assessment" :
                                                         "hazard event";
        char now_csha[65], now_sha[65];
        int exists;

        rep->records++;
        if (seq != expect_seq) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     "audit record %lld is missing (the chain jumps from "
                     "%lld to %lld)",
                     (long long)expect_seq, (long long)(expect_seq - 1),
                     (long long)seq);
            break;
        }
        b.len = 0;
        rc = content(st, kind, ref, &b, &exists);
        if (rc != SR_OK)
            goto cleanup;
        if (!exists) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     "audit record %lld: %s %lld was removed", (long long)seq,
                     what, (long long)ref);
            break;
        }
        sr_sha256_hex(b.p ? b.p : "", b.len, now_csha);
        if (strcmp(now_csha, csha)) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     "audit record %lld: %s %lld was altered (its content "
                     "no longer matches the hash recorded when it was "
                     "written)",
                     (long long)seq, what, (long long)ref);
            break;
        }
        chain_hash(seq, kind, ref, csha, prev, now_sha);
        if (strcmp(psha, prev) || strcmp(now_sha, sha)) {
            rep->ok = 0;
            snprintf(rep->problem, sizeof(rep->problem),
                     "audit record %lld (%s %lld): the chain is broken "
                     "(the audit table was edited)",
                     (long long)seq, what, (long long)ref);
            break;
        }
        snprintf(prev, sizeof(prev), "%s", sha);
        expect_seq++;
    }
    if (rep->ok && step != SQLITE_DONE) {
        rc = sr_store_dberr(st, "cannot read the audit chain");
        goto cleanup;
    }
    if (rep->ok)
        rc = unchained(st, rep);
    if (rep->records)
        snprintf(rep->head, sizeof(rep->head), "%s", prev);

cleanup:
    sr_store_finish(st, s);
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    sr_buf_release(&b);
    return rc;
}
