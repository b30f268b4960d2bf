/*
 * store/evidence.c - the SQL of evidence files: which school a stored
 * file was uploaded for (the files themselves live outside the
 * database, src/evidence.c).
 */
#include "store_int.h"
#include "evidence_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"

#define EVIDENCE_SELECT                                                     \
    "SELECT e.sha256, e.school, s.district, e.type, e.size, e.name, "       \
    "e.uploaded_at, e.uploaded_by FROM evidence e JOIN schools s ON "       \
    "s.code = e.school "

static sr_error
from_row(struct sr_stmt *s, struct sr_evidence *e)
{
    int nomem = 0;

    memset(e, 0, sizeof(*e));
    snprintf(e->sha256, sizeof(e->sha256), "%s",
             sr_col_text(s, 0));
    snprintf(e->school, sizeof(e->school), "%s",
             sr_col_text(s, 1));
    e->district = sr_column_dup(s, 2, &nomem);
    snprintf(e->type, sizeof(e->type), "%s",
             sr_col_text(s, 3));
    e->size = sr_col_int64(s, 4);
    e->name = sr_column_dup(s, 5, &nomem);
    e->uploaded_at = sr_column_dup(s, 6, &nomem);
    e->uploaded_by = sr_column_dup(s, 7, &nomem);
    if (nomem) {
        sr_evidence_release(e);
        return SR_ERR_NOMEM;
    }
    return SR_OK;
}

sr_error
sr_evdb_school(struct sr_store *st, const char *code)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(st, "SELECT 1 FROM schools WHERE code = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code);
    step = sr_step(s);
    if (step == SR_DONE)
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                _("no school with code '%s' in the registry"),
                                code);
    else if (step != SR_ROW)
        rc = sr_store_dberr(st, _("cannot read the school registry"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_evdb_put(struct sr_store *st, struct sr_evidence *e)
{
    struct sr_stmt *s = NULL;
    char now[32];
    sr_error rc;

    rc = sr_evdb_school(st, e->school);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_prepare(st,
                          "INSERT INTO evidence(sha256, school, type, size, "
                          "name, uploaded_at, uploaded_by, uploaded_by_user)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                          "ON CONFLICT (sha256, school) DO NOTHING",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_text(s, 1, e->sha256);
    sr_bind_text(s, 2, e->school);
    sr_bind_text(s, 3, e->type);
    sr_bind_int64(s, 4, e->size);
    sr_bind_text(s, 5, e->name);
    sr_bind_text(s, 6, now);
    sr_bind_text(s, 7, sr_store_actor(st));
    sr_bind_user(st, s, 8);
    if (sr_step(s) != SR_DONE)
        rc = sr_store_dberr(st, _("cannot record the evidence file"));
    sr_store_finish(st, s);
    s = NULL;
    if (rc != SR_OK)
        return rc;
    /* Read the row back: the first upload's record wins. */
    rc = sr_store_prepare(st,
                          EVIDENCE_SELECT "WHERE e.sha256 = ?1 AND "
                          "e.school = ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, e->sha256);
    sr_bind_text(s, 2, e->school);
    if (sr_step(s) == SR_ROW) {
        sr_evidence_release(e);
        rc = from_row(s, e);
    } else {
        rc = sr_store_dberr(st, _("cannot read the evidence file back"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_evdb_lookup(struct sr_store *st, const char *sha256,
               struct sr_evidence **out, size_t *n)
{
    struct sr_evidence *v = NULL;
    size_t used = 0, alloc = 0;
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *out = NULL;
    *n = 0;
    rc = sr_store_prepare(st, EVIDENCE_SELECT "WHERE e.sha256 = ?1 "
                          "ORDER BY e.school", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sha256);
    while ((step = sr_step(s)) == SR_ROW) {
        if (used == alloc) {
            size_t na = alloc ? alloc * 2 : 4;
            struct sr_evidence *nv = realloc(v, na * sizeof(*nv));

            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            v = nv;
            alloc = na;
        }
        rc = from_row(s, &v[used]);
        if (rc != SR_OK)
            goto cleanup;
        used++;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the evidence files"));
        goto cleanup;
    }
    *out = v;
    *n = used;
    v = NULL;
    used = 0;

cleanup:
    sr_store_finish(st, s);
    sr_evidence_list_free(v, used);
    return rc;
}

sr_error
sr_evdb_has(struct sr_store *st, const char *code, const char *sha256,
            bool *has)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *has = false;
    rc = sr_store_prepare(st,
                          "SELECT 1 FROM evidence WHERE sha256 = ?1 AND "
                          "school = ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sha256);
    sr_bind_text(s, 2, code);
    step = sr_step(s);
    if (step == SR_ROW)
        *has = true;
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the evidence files"));
    sr_store_finish(st, s);
    return rc;
}
