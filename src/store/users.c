/*
 * store/users.c - the SQL of users, role grants, sessions and the
 * security log.
 *
 * DESIGN
 * The rules (src/auth.c) decide; this file reads and writes rows, every
 * statement prepared with bound parameters, and begins no transaction
 * of its own.  Secrets stay in their columns: the password's Argon2
 * hash and the TOTP secret are read only by sr_audb_auth_get(), and a
 * session is found by the SHA-256 of its token, never by the token.
 *
 * A security event that changes a user or a grant stores the row's
 * chained state after the change (sr_user_state, sr_grant_state),
 * read from the row as the same transaction left it, and is then
 * chained (sr_audit_append "security"), so that `audit verify` finds
 * a users or grants row edited outside the program (audit.c).
 */
#include "store_int.h"
#include "users_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../util.h"

/* The columns struct sr_user is read from (13, from u). */
#define USER_COLS                                                         \
    "u.id, u.login, u.name, u.unit, u.phone, u.disabled, u.must_change, " \
    "u.totp_secret IS NOT NULL, u.locked_until, u.failed_logins, "        \
    "u.password_set_at, u.created_at, u.created_by"
#define USER_NCOLS 13

static const char *const role_names[SR_ROLE_COUNT] = {
    "admin", "city", "district", "school", "inspector"};

static const char *const stage_names[] = {"full", "totp", "enroll",
                                          "password"};

static int
role_of(const char *text)
{
    int r;

    for (r = 0; text && r < SR_ROLE_COUNT; r++)
        if (!strcmp(text, role_names[r]))
            return r;
    return -1;
}

static int
stage_of(const char *text)
{
    int i;

    for (i = 0; text && i < (int)(sizeof(stage_names) /
                                  sizeof(stage_names[0]));
         i++)
        if (!strcmp(text, stage_names[i]))
            return i;
    return -1;
}

/* Step a statement that returns no row. */
static sr_error
step_done(struct sr_store *st, struct sr_stmt *s, const char *what)
{
    if (sr_step(s) != SR_DONE)
        return sr_store_dberr(st, what);
    return SR_OK;
}

static void
bind_id(struct sr_stmt *s, int i, int64_t id)
{
    if (id)
        sr_bind_int64(s, i, id);
    else
        sr_bind_null(s, i);
}

/* ------------------------------------------------------------------ */
/* Reading users                                                        */
/* ------------------------------------------------------------------ */

/* Free a secret, wiping it first. */
static void
free_secret(char *p)
{
    if (p)
        sodium_memzero(p, strlen(p));
    free(p);
}

void
sr_audb_auth_release(struct sr_audb_auth *a)
{
    free(a->login);
    free_secret(a->hash);
    free(a->password_set_at);
    free_secret(a->totp_secret);
    free_secret(a->totp_pending);
    memset(a, 0, sizeof(*a));
}

/* The roles of user's active grants. */
static sr_error
roles_of(struct sr_store *st, int64_t user, unsigned *roles)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *roles = 0;
    rc = sr_store_prepare(st,
                          "SELECT DISTINCT role FROM grants WHERE \"user\" = ?1 "
                          "AND revoked_at IS NULL",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, user);
    while ((step = sr_step(s)) == SR_ROW) {
        int r = role_of(sr_col_text(s, 0));

        if (r >= 0)
            *roles |= SR_ROLES(r);
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the role grants"));
    sr_store_finish(st, s);
    return rc;
}

static sr_error
not_found(struct sr_store *st, int64_t id, const char *login)
{
    if (login)
        return sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                  _("no user with login '%s'"), login);
    return sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no user %lld"),
                              (long long)id);
}

sr_error
sr_audb_auth_get(struct sr_store *st, int64_t id, const char *login,
                 struct sr_audb_auth *out)
{
    struct sr_stmt *s = NULL;
    int step, nomem = 0;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    rc = sr_store_prepare(st,
                          login ? "SELECT id, login, password_hash, "
                                  "password_set_at, totp_secret, "
                                  "totp_pending, totp_last, must_change, "
                                  "disabled, failed_logins, locked_until "
                                  "FROM users WHERE login = ?2"
                                : "SELECT id, login, password_hash, "
                                  "password_set_at, totp_secret, "
                                  "totp_pending, totp_last, must_change, "
                                  "disabled, failed_logins, locked_until "
                                  "FROM users WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    if (login)
        sr_bind_text(s, 2, login);
    else
        sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW) {
        out->id = sr_col_int64(s, 0);
        out->login = sr_column_dup(s, 1, &nomem);
        out->hash = sr_column_dup(s, 2, &nomem);
        out->password_set_at = sr_column_dup(s, 3, &nomem);
        out->totp_secret = sr_column_dup(s, 4, &nomem);
        out->totp_pending = sr_column_dup(s, 5, &nomem);
        out->totp_last = sr_col_int64(s, 6);
        out->must_change = sr_col_int(s, 7) != 0;
        out->disabled = sr_col_int(s, 8) != 0;
        out->failed_logins = sr_col_int(s, 9);
        out->locked_until = sr_col_int64(s, 10);
        if (nomem)
            rc = SR_ERR_NOMEM;
    } else if (step == SR_DONE) {
        rc = not_found(st, id, login);
    } else {
        rc = sr_store_dberr(st, _("cannot read the users"));
    }
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = roles_of(st, out->id, &out->roles);
    if (rc != SR_OK)
        sr_audb_auth_release(out);
    return rc;
}

/* Fill u (zeroed) from USER_COLS at column 0 of the current row. */
static sr_error
user_from_row(struct sr_store *st, struct sr_stmt *s, struct sr_user *u)
{
    int nomem = 0;

    u->id = sr_col_int64(s, 0);
    u->login = sr_column_dup(s, 1, &nomem);
    u->name = sr_column_dup(s, 2, &nomem);
    u->unit = sr_column_dup(s, 3, &nomem);
    u->phone = sr_column_dup(s, 4, &nomem);
    u->disabled = sr_col_int(s, 5) != 0;
    u->must_change = sr_col_int(s, 6) != 0;
    u->totp = sr_col_int(s, 7) != 0;
    u->locked_until = sr_col_int64(s, 8);
    u->locked = u->locked_until > (int64_t)sr_store_time(st);
    u->failed_logins = sr_col_int(s, 9);
    u->password_set_at = sr_column_dup(s, 10, &nomem);
    u->created_at = sr_column_dup(s, 11, &nomem);
    u->created_by = sr_column_dup(s, 12, &nomem);
    return nomem ? SR_ERR_NOMEM : SR_OK;
}

/* The active grants of u->id into u, by id. */
static sr_error
grants_read(struct sr_store *st, struct sr_user *u)
{
    struct sr_stmt *s = NULL;
    size_t alloc = 0;
    int step, nomem = 0;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "SELECT g.id, g.role, g.district, d.name, "
                          "g.school, s.name, g.granted_at, g.granted_by "
                          "FROM grants g "
                          "LEFT JOIN districts d ON d.code = g.district "
                          "LEFT JOIN schools s ON s.code = g.school "
                          "WHERE g.user = ?1 AND g.revoked_at IS NULL "
                          "ORDER BY g.id",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, u->id);
    while ((step = sr_step(s)) == SR_ROW) {
        struct sr_grant *g;

        if (u->n_grants == alloc) {
            size_t na = alloc ? alloc * 2 : 4;
            struct sr_grant *nv = realloc(u->grants, na * sizeof(*nv));

            if (!nv) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            u->grants = nv;
            alloc = na;
        }
        g = &u->grants[u->n_grants++];
        memset(g, 0, sizeof(*g));
        g->id = sr_col_int64(s, 0);
        g->role = role_of(sr_col_text(s, 1));
        g->district = sr_column_dup(s, 2, &nomem);
        g->district_name = sr_column_dup(s, 3, &nomem);
        g->school = sr_column_dup(s, 4, &nomem);
        g->school_name = sr_column_dup(s, 5, &nomem);
        g->granted_at = sr_column_dup(s, 6, &nomem);
        g->granted_by = sr_column_dup(s, 7, &nomem);
        if (nomem) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        if (g->role < 0) {
            rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                    _("role grant %lld has an unknown role"),
                                    (long long)g->id);
            goto cleanup;
        }
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the role grants"));

cleanup:
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_user_get(struct sr_store *st, int64_t id, const char *login,
                 struct sr_user *out)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    memset(out, 0, sizeof(*out));
    rc = sr_store_prepare(st,
                          login ? "SELECT " USER_COLS " FROM users u "
                                  "WHERE u.login = ?2"
                                : "SELECT " USER_COLS " FROM users u "
                                  "WHERE u.id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    if (login)
        sr_bind_text(s, 2, login);
    else
        sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW)
        rc = user_from_row(st, s, out);
    else if (step == SR_DONE)
        rc = not_found(st, id, login);
    else
        rc = sr_store_dberr(st, _("cannot read the users"));
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = grants_read(st, out);
    return rc;
}

sr_error
sr_audb_user_list(struct sr_store *st, sr_user_fn fn, void *ctx)
{
    struct sr_stmt *s = NULL;
    struct sr_user u;
    sr_error rc;
    int step;

    memset(&u, 0, sizeof(u));
    rc = sr_store_prepare(st,
                          "SELECT " USER_COLS " FROM users u "
                          "ORDER BY lower(u.login) COLLATE \"binary\", u.id",
                          &s);
    if (rc != SR_OK)
        return rc;
    while ((step = sr_step(s)) == SR_ROW) {
        rc = user_from_row(st, s, &u);
        if (rc == SR_OK)
            rc = grants_read(st, &u);
        if (rc != SR_OK)
            goto cleanup;
        if (fn(&u, ctx))
            goto cleanup;
        sr_user_release(&u);
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the users"));

cleanup:
    sr_user_release(&u);
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_login_id(struct sr_store *st, const char *login, int64_t *id)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *id = 0;
    rc = sr_store_prepare(st, "SELECT id FROM users WHERE login = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, login);
    step = sr_step(s);
    if (step == SR_ROW)
        *id = sr_col_int64(s, 0);
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the users"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing users                                                        */
/* ------------------------------------------------------------------ */

sr_error
sr_audb_user_insert(struct sr_store *st, const struct sr_user_new *u,
                    const char *hash, int64_t *id)
{
    struct sr_stmt *s = NULL;
    char now[32];
    sr_error rc;

    rc = sr_store_prepare(st,
                          "INSERT INTO users(login, name, unit, phone, "
                          "password_hash, password_set_at, must_change, "
                          "created_at, created_by) VALUES (?1, ?2, ?3, ?4, "
                          "?5, ?6, ?7, ?6, ?8)",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_text(s, 1, u->login);
    sr_bind_text(s, 2, u->name);
    sr_bind_text(s, 3, u->unit && *u->unit ? u->unit : NULL);
    sr_bind_text(s, 4, u->phone && *u->phone ? u->phone : NULL);
    sr_bind_text(s, 5, hash);
    sr_bind_text(s, 6, now);
    sr_bind_int(s, 7, u->must_change);
    sr_bind_text(s, 8, sr_store_actor(st));
    rc = step_done(st, s, _("cannot add the user"));
    if (rc == SR_OK)
        *id = sr_db_last_id(st);
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_user_update(struct sr_store *st, int64_t id, const char *name,
                    const char *unit, const char *phone)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE users SET name = coalesce(?2, name), "
                          "unit = CASE WHEN ?3 IS NULL THEN unit "
                          "WHEN ?3 = '' THEN NULL ELSE ?3 END, "
                          "phone = CASE WHEN ?4 IS NULL THEN phone "
                          "WHEN ?4 = '' THEN NULL ELSE ?4 END "
                          "WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, name);
    sr_bind_text(s, 3, unit);
    sr_bind_text(s, 4, phone);
    rc = step_done(st, s, _("cannot update the user"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_set_password(struct sr_store *st, int64_t id, const char *expected,
                     const char *hash, bool must_change, bool clear_failures,
                     bool *changed)
{
    struct sr_stmt *s = NULL;
    char now[32];
    sr_error rc;

    *changed = false;
    rc = sr_store_prepare(st,
                          "UPDATE users SET password_hash = ?3, "
                          "password_set_at = ?4, must_change = ?5, "
                          "failed_logins = CASE WHEN ?6 THEN 0 ELSE "
                          "failed_logins END, "
                          "locked_until = CASE WHEN ?6 THEN 0 ELSE "
                          "locked_until END "
                          "WHERE id = ?1 AND password_hash = ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, expected);
    sr_bind_text(s, 3, hash);
    sr_bind_text(s, 4, now);
    sr_bind_int(s, 5, must_change);
    sr_bind_int(s, 6, clear_failures);
    rc = step_done(st, s, _("cannot set the password"));
    if (rc == SR_OK)
        *changed = sr_db_changes(st) == 1;
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_set_disabled(struct sr_store *st, int64_t id, bool disabled)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st, "UPDATE users SET disabled = ?2 WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_int(s, 2, disabled);
    rc = step_done(st, s, _("cannot update the user"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_failures(struct sr_store *st, int64_t id, int *failed,
                 int64_t *locked_until)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    /* The row locked before the count is read (a no-op UPDATE, the
     * one text both engines read): on PostgreSQL two failed sign-ins
     * at once would otherwise both read n and both write n + 1, and an
     * attacker's parallel guesses would be counted once. */
    rc = sr_store_prepare(st,
                          "UPDATE users SET failed_logins = failed_logins "
                          "WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    rc = step_done(st, s, _("cannot record the failed sign-in"));
    sr_store_finish(st, s);
    s = NULL;
    if (rc != SR_OK)
        return rc;
    rc = sr_store_prepare(st,
                          "SELECT failed_logins, locked_until FROM users "
                          "WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW) {
        *failed = sr_col_int(s, 0);
        *locked_until = sr_col_int64(s, 1);
    } else if (step == SR_DONE) {
        rc = not_found(st, id, NULL);
    } else {
        rc = sr_store_dberr(st, _("cannot read the users"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_set_failures(struct sr_store *st, int64_t id, int failed,
                     int64_t locked_until)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE users SET failed_logins = ?2, "
                          "locked_until = ?3 WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_int(s, 2, failed);
    sr_bind_int64(s, 3, locked_until);
    rc = step_done(st, s, _("cannot record the failed sign-in"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_login_ok(struct sr_store *st, int64_t id, const char *expected,
                 const char *rehash, int64_t now, bool *ok)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    *ok = false;
    rc = sr_store_prepare(st,
                          "UPDATE users SET failed_logins = 0, "
                          "locked_until = 0, "
                          "password_hash = coalesce(?3, password_hash) "
                          "WHERE id = ?1 AND password_hash = ?2 AND "
                          "disabled = 0 AND locked_until <= ?4",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, expected);
    sr_bind_text(s, 3, rehash);
    sr_bind_int64(s, 4, now);
    rc = step_done(st, s, _("cannot record the sign-in"));
    if (rc == SR_OK)
        *ok = sr_db_changes(st) == 1;
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_totp_pending(struct sr_store *st, int64_t id, const char *pending)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE users SET totp_pending = ?2 WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, pending);
    rc = step_done(st, s, _("cannot store the second factor"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_totp_set(struct sr_store *st, int64_t id, const char *secret,
                 int64_t last)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE users SET totp_secret = ?2, "
                          "totp_pending = NULL, totp_last = CASE WHEN ?3 < 0 "
                          "THEN totp_last ELSE ?3 END WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, secret);
    sr_bind_int64(s, 3, last);
    rc = step_done(st, s, _("cannot store the second factor"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_totp_used(struct sr_store *st, int64_t id, int64_t step, bool *ok)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    *ok = false;
    rc = sr_store_prepare(st,
                          "UPDATE users SET totp_last = ?2, "
                          "failed_logins = 0, locked_until = 0 "
                          "WHERE id = ?1 AND totp_last < ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    sr_bind_int64(s, 2, step);
    rc = step_done(st, s, _("cannot record the second factor"));
    if (rc == SR_OK)
        *ok = sr_db_changes(st) == 1;
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_admins(struct sr_store *st, int64_t skip_user, int64_t skip_grant,
               int64_t *n)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    *n = 0;
    rc = sr_store_prepare(st,
                          "SELECT count(DISTINCT g.user) FROM grants g "
                          "JOIN users u ON u.id = g.user "
                          "WHERE g.role = 'admin' AND g.revoked_at IS NULL "
                          "AND u.disabled = 0 AND g.user <> ?1 "
                          "AND g.id <> ?2",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, skip_user);
    sr_bind_int64(s, 2, skip_grant);
    if (sr_step(s) == SR_ROW)
        *n = sr_col_int64(s, 0);
    else
        rc = sr_store_dberr(st, _("cannot read the role grants"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Districts, schools, grants                                           */
/* ------------------------------------------------------------------ */

sr_error
sr_audb_district(struct sr_store *st, const char *code_or_name,
                 char code[32])
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    code[0] = '\0';
    rc = sr_store_prepare(st,
                          "SELECT code FROM districts WHERE code = ?1 OR "
                          "name = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code_or_name);
    step = sr_step(s);
    if (step == SR_ROW)
        snprintf(code, 32, "%s", sr_col_text(s, 0));
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the districts"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_school(struct sr_store *st, const char *code, bool *exists,
               bool *closed)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *exists = false;
    *closed = false;
    rc = sr_store_prepare(st, "SELECT closed FROM schools WHERE code = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, code);
    step = sr_step(s);
    if (step == SR_ROW) {
        *exists = true;
        *closed = sr_col_int(s, 0) != 0;
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the school registry"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_grant_same(struct sr_store *st, int64_t user, int role,
                   const char *district, const char *school, int64_t *id)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *id = 0;
    rc = sr_store_prepare(st,
                          "SELECT id FROM grants WHERE \"user\" = ?1 AND "
                          "role = ?2 AND district IS NOT DISTINCT FROM ?3 AND "
                          "school IS NOT DISTINCT FROM ?4 "
                          "AND revoked_at IS NULL ORDER BY id LIMIT 1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, user);
    sr_bind_text(s, 2, role_names[role]);
    sr_bind_text(s, 3, district);
    sr_bind_text(s, 4, school);
    step = sr_step(s);
    if (step == SR_ROW)
        *id = sr_col_int64(s, 0);
    else if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the role grants"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_grant_insert(struct sr_store *st, int64_t user, int role,
                     const char *district, const char *school, int64_t *id)
{
    struct sr_stmt *s = NULL;
    char now[32];
    sr_error rc;

    rc = sr_store_prepare(st,
                          "INSERT INTO grants(\"user\", role, district, school, "
                          "granted_at, granted_by) VALUES (?1, ?2, ?3, ?4, "
                          "?5, ?6)",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_int64(s, 1, user);
    sr_bind_text(s, 2, role_names[role]);
    sr_bind_text(s, 3, district);
    sr_bind_text(s, 4, school);
    sr_bind_text(s, 5, now);
    sr_bind_text(s, 6, sr_store_actor(st));
    rc = step_done(st, s, _("cannot add the role grant"));
    if (rc == SR_OK)
        *id = sr_db_last_id(st);
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_grant_get(struct sr_store *st, int64_t id, int64_t *user, int *role,
                  bool *revoked)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    rc = sr_store_prepare(st,
                          "SELECT \"user\", role, revoked_at IS NOT NULL FROM "
                          "grants WHERE id = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, id);
    step = sr_step(s);
    if (step == SR_ROW) {
        *user = sr_col_int64(s, 0);
        *role = role_of(sr_col_text(s, 1));
        *revoked = sr_col_int(s, 2) != 0;
    } else if (step == SR_DONE) {
        rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND, _("no role grant %lld"),
                                (long long)id);
    } else {
        rc = sr_store_dberr(st, _("cannot read the role grants"));
    }
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_grant_revoke(struct sr_store *st, int64_t id)
{
    struct sr_stmt *s = NULL;
    char now[32];
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE grants SET revoked_at = ?2, "
                          "revoked_by = ?3 WHERE id = ?1 AND "
                          "revoked_at IS NULL",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_store_now(st, now);
    sr_bind_int64(s, 1, id);
    sr_bind_text(s, 2, now);
    sr_bind_text(s, 3, sr_store_actor(st));
    rc = step_done(st, s, _("cannot revoke the role grant"));
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The security log                                                     */
/* ------------------------------------------------------------------ */

sr_error
sr_audb_event(struct sr_store *st, const struct sr_audb_event *e)
{
    struct sr_stmt *s = NULL;
    char now[32];
    char *state = NULL;
    sr_error rc = SR_OK;

    /* The state of the row the event changed, after the change. */
    if (e->state == SR_AUDB_USER_STATE && e->target)
        rc = sr_state_by_id(st, &sr_user_state, e->target, &state);
    else if (e->state == SR_AUDB_GRANT_STATE && e->grant)
        rc = sr_state_by_id(st, &sr_grant_state, e->grant, &state);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_prepare(
        st,
        "INSERT INTO security_events(at, actor, actor_name, action, target, "
        "grant_id, login, source, detail, state) VALUES (?1, ?2, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, ?10)",
        &s);
    if (rc != SR_OK)
        goto cleanup;
    sr_store_now(st, now);
    sr_bind_text(s, 1, now);
    if (e->actor_name) {
        bind_id(s, 2, e->actor);
        sr_bind_text(s, 3, e->actor_name);
    } else {
        sr_bind_user(st, s, 2);
        sr_bind_text(s, 3, sr_store_actor(st));
    }
    sr_bind_text(s, 4, e->action);
    bind_id(s, 5, e->target);
    bind_id(s, 6, e->grant);
    sr_bind_text(s, 7, e->login);
    sr_bind_text(s, 8, e->source);
    sr_bind_text(s, 9, e->detail);
    sr_bind_text(s, 10, state);
    rc = step_done(st, s, _("cannot record the security event"));
    sr_store_finish(st, s);
    if (rc == SR_OK)
        rc = sr_audit_append(st, "security", sr_db_last_id(st));

cleanup:
    free(state);
    return rc;
}

/* The WHERE of a listing: ?1 user, ?2 action, ?3 since, ?4 until. */
#define SECURITY_WHERE                                                    \
    "WHERE (CAST(?1 AS INTEGER) IS NULL OR e.actor = CAST(?1 AS INTEGER) " \
    "OR e.target = CAST(?1 AS INTEGER)) "                                  \
    "AND (?2 IS NULL OR e.action = ?2) "                                  \
    "AND (?3 IS NULL OR e.at >= ?3) AND (?4 IS NULL OR e.at < ?4) "

static void
bind_filter(struct sr_stmt *s, const struct sr_security_filter *f,
            const char *since, const char *until)
{
    bind_id(s, 1, f->user);
    sr_bind_text(s, 2, f->action);
    sr_bind_text(s, 3, since);
    sr_bind_text(s, 4, until);
}

static void
event_release(struct sr_security_event *e)
{
    free(e->at);
    free(e->actor_name);
    free(e->action);
    free(e->target_login);
    free(e->login);
    free(e->source);
    free(e->detail);
    memset(e, 0, sizeof(*e));
}

sr_error
sr_audb_security_list(struct sr_store *st, const struct sr_security_filter *f,
                      const char *since, const char *until,
                      sr_security_fn fn, void *ctx, size_t *total)
{
    struct sr_stmt *s = NULL;
    struct sr_security_event e;
    sr_error rc;
    int step;

    memset(&e, 0, sizeof(e));
    if (total) {
        rc = sr_store_prepare(st,
                              "SELECT count(*) FROM security_events e "
                              SECURITY_WHERE,
                              &s);
        if (rc != SR_OK)
            return rc;
        bind_filter(s, f, since, until);
        if (sr_step(s) != SR_ROW) {
            rc = sr_store_dberr(st, _("cannot read the security log"));
            goto cleanup;
        }
        *total = (size_t)sr_col_int64(s, 0);
        sr_store_finish(st, s);
        s = NULL;
    }
    rc = sr_store_prepare(st,
                          "SELECT e.id, e.at, e.actor, e.actor_name, "
                          "e.action, e.target, t.login, e.grant_id, "
                          "e.login, e.source, e.detail "
                          "FROM security_events e "
                          "LEFT JOIN users t ON t.id = e.target "
                          SECURITY_WHERE
                          "ORDER BY e.id DESC LIMIT ?5 OFFSET ?6",
                          &s);
    if (rc != SR_OK)
        return rc;
    bind_filter(s, f, since, until);
    sr_bind_int64(s, 5, f->limit ? (int64_t)f->limit : INT64_MAX);
    sr_bind_int64(s, 6, (int64_t)f->offset);
    while ((step = sr_step(s)) == SR_ROW) {
        int nomem = 0;

        e.id = sr_col_int64(s, 0);
        e.at = sr_column_dup(s, 1, &nomem);
        e.actor = sr_col_int64(s, 2);
        e.actor_name = sr_column_dup(s, 3, &nomem);
        e.action = sr_column_dup(s, 4, &nomem);
        e.target = sr_col_int64(s, 5);
        e.target_login = sr_column_dup(s, 6, &nomem);
        e.grant = sr_col_int64(s, 7);
        e.login = sr_column_dup(s, 8, &nomem);
        e.source = sr_column_dup(s, 9, &nomem);
        e.detail = sr_column_dup(s, 10, &nomem);
        if (nomem) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        if (fn(&e, ctx))
            goto cleanup;
        event_release(&e);
    }
    if (step != SR_DONE)
        rc = sr_store_dberr(st, _("cannot read the security log"));

cleanup:
    event_release(&e);
    sr_store_finish(st, s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                             */
/* ------------------------------------------------------------------ */

sr_error
sr_audb_session_insert(struct sr_store *st, const char *sha,
                       const struct sr_audb_session *se, const char *source,
                       const char *agent)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "INSERT INTO sessions(token_sha256, \"user\", csrf, "
                          "stage, created_at, seen_at, expires_at, source, "
                          "agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                          "?9)",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sha);
    sr_bind_int64(s, 2, se->user);
    sr_bind_text(s, 3, se->csrf);
    sr_bind_text(s, 4, stage_names[se->stage]);
    sr_bind_int64(s, 5, se->created_at);
    sr_bind_int64(s, 6, se->seen_at);
    sr_bind_int64(s, 7, se->expires_at);
    sr_bind_text(s, 8, source);
    sr_bind_text(s, 9, agent);
    rc = step_done(st, s, _("cannot start the session"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_session_get(struct sr_store *st, const char *sha,
                    struct sr_audb_session *se, struct sr_user *u,
                    bool *found)
{
    struct sr_stmt *s = NULL;
    sr_error rc;
    int step;

    *found = false;
    memset(se, 0, sizeof(*se));
    if (u)
        memset(u, 0, sizeof(*u));
    rc = sr_store_prepare(st,
                          "SELECT " USER_COLS ", s.stage, s.csrf, "
                          "s.created_at, s.seen_at, s.expires_at "
                          "FROM sessions s JOIN users u ON u.id = s.user "
                          "WHERE s.token_sha256 = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sha);
    step = sr_step(s);
    if (step == SR_ROW) {
        const char *csrf =
            sr_col_text(s, USER_NCOLS + 1);

        *found = true;
        se->user = sr_col_int64(s, 0);
        se->stage = stage_of(
            sr_col_text(s, USER_NCOLS));
        snprintf(se->csrf, sizeof(se->csrf), "%s", csrf ? csrf : "");
        se->created_at = sr_col_int64(s, USER_NCOLS + 2);
        se->seen_at = sr_col_int64(s, USER_NCOLS + 3);
        se->expires_at = sr_col_int64(s, USER_NCOLS + 4);
        if (se->stage < 0)
            rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                    _("a session of user %lld has an unknown "
                                      "stage"),
                                    (long long)se->user);
        else if (u)
            rc = user_from_row(st, s, u);
    } else if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the sessions"));
    }
    sr_store_finish(st, s);
    if (rc == SR_OK && *found && u)
        rc = grants_read(st, u);
    return rc;
}

/* Run sql with ?1 = sha (and ?2 = v when has_v). */
static sr_error
session_write(struct sr_store *st, const char *sql, const char *sha,
              int64_t v, bool has_v, const char *what)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st, sql, &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sha);
    if (has_v)
        sr_bind_int64(s, 2, v);
    rc = step_done(st, s, what);
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_session_touch(struct sr_store *st, const char *sha, int64_t now)
{
    return session_write(st,
                         "UPDATE sessions SET seen_at = ?2 WHERE "
                         "token_sha256 = ?1",
                         sha, now, true, _("cannot refresh the session"));
}

sr_error
sr_audb_session_stage(struct sr_store *st, const char *sha, int stage)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "UPDATE sessions SET stage = ?2 WHERE "
                          "token_sha256 = ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_text(s, 1, sha);
    sr_bind_text(s, 2, stage_names[stage]);
    rc = step_done(st, s, _("cannot update the session"));
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_session_end(struct sr_store *st, const char *sha)
{
    return session_write(st,
                         "DELETE FROM sessions WHERE token_sha256 = ?1", sha,
                         0, false, _("cannot end the session"));
}

sr_error
sr_audb_sessions_end(struct sr_store *st, int64_t user, size_t *n)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st, "DELETE FROM sessions WHERE \"user\" = ?1", &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, user);
    rc = step_done(st, s, _("cannot end the sessions"));
    if (rc == SR_OK && n)
        *n = (size_t)sr_db_changes(st);
    sr_store_finish(st, s);
    return rc;
}

sr_error
sr_audb_sessions_sweep(struct sr_store *st, int64_t now, int64_t idle,
                       int64_t max, size_t *n)
{
    struct sr_stmt *s = NULL;
    sr_error rc;

    rc = sr_store_prepare(st,
                          "DELETE FROM sessions WHERE expires_at < ?1 OR "
                          "created_at + ?3 < ?1 OR seen_at + ?2 < ?1",
                          &s);
    if (rc != SR_OK)
        return rc;
    sr_bind_int64(s, 1, now);
    sr_bind_int64(s, 2, idle);
    sr_bind_int64(s, 3, max);
    rc = step_done(st, s, _("cannot delete expired sessions"));
    if (rc == SR_OK && n)
        *n = (size_t)sr_db_changes(st);
    sr_store_finish(st, s);
    return rc;
}
