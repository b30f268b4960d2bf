/*
 * users_int.h - between the rules of users, role grants, sign-in and
 * sessions (src/auth.c) and their SQL (src/store/users.c).  Not part of
 * the public API.  No sqlite3 type appears here: the rules decide, the
 * store reads and writes.
 *
 * Nothing in users.c begins or commits a transaction: auth.c holds one
 * around every write (the row, its security event and the event's audit
 * record), except sr_audb_session_touch(), a single statement.
 */
#ifndef SR_USERS_INT_H
#define SR_USERS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/auth.h"

/* store_int.h's transactions and messages, repeated here so that
 * src/auth.c needs no sqlite3.h.  src/store/users.c includes both
 * headers, so the compiler checks that the declarations agree. */
sr_error sr_store_begin(struct sr_store *st);
sr_error sr_store_commit(struct sr_store *st);
void sr_store_rollback(struct sr_store *st);
sr_error sr_store_fail_code(struct sr_store *st, sr_error code,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
sr_error sr_store_fail_field(struct sr_store *st, sr_error code,
                             const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------------ */
/* Users                                                                */
/* ------------------------------------------------------------------ */

/* What sign-in and the password and TOTP rules read of a user, secrets
 * included (never leaves the library).  Strings are owned. */
struct sr_audb_auth {
    int64_t id;
    char *login;            /* as stored */
    char *hash;             /* password_hash (Argon2id string) */
    char *password_set_at;  /* "YYYY-MM-DDTHH:MM:SSZ" */
    char *totp_secret;      /* base32; NULL when none is enrolled */
    char *totp_pending;     /* base32; NULL when none is pending */
    int64_t totp_last;      /* last accepted time step */
    bool must_change;
    bool disabled;
    int failed_logins;
    int64_t locked_until;
    unsigned roles;         /* SR_ROLES() of the active grants */
};

void sr_audb_auth_release(struct sr_audb_auth *a);

/* The user with id (login NULL) or with login in any case.
 * SR_ERR_NOT_FOUND: "no user N" / "no user with login 'X'". */
sr_error sr_audb_auth_get(struct sr_store *st, int64_t id, const char *login,
                          struct sr_audb_auth *out);

/* The user as auth.h shows it, with the active grants; locked is
 * computed at the store's clock.  Same lookup and errors as above. */
sr_error sr_audb_user_get(struct sr_store *st, int64_t id, const char *login,
                          struct sr_user *out);

sr_error sr_audb_user_list(struct sr_store *st, sr_user_fn fn, void *ctx);

/* The id of the user with login in any case; 0 when none. */
sr_error sr_audb_login_id(struct sr_store *st, const char *login,
                          int64_t *id);

/* Insert a user (fields checked) with the password hash, now and the
 * store's actor. */
sr_error sr_audb_user_insert(struct sr_store *st, const struct sr_user_new *u,
                             const char *hash, int64_t *id);

/* name, unit, phone: NULL keeps; "" clears unit or phone. */
sr_error sr_audb_user_update(struct sr_store *st, int64_t id,
                             const char *name, const char *unit,
                             const char *phone);

/* Replace the password hash, only while the stored one is still
 * `expected` (*changed false otherwise); password_set_at is now.
 * clear_failures also clears the failure count and any lock. */
sr_error sr_audb_set_password(struct sr_store *st, int64_t id,
                              const char *expected, const char *hash,
                              bool must_change, bool clear_failures,
                              bool *changed);

sr_error sr_audb_set_disabled(struct sr_store *st, int64_t id,
                              bool disabled);

/* The failure count and lock as stored now, the row locked first
 * (inside the caller's write transaction, so that concurrent failures
 * are all counted, on PostgreSQL too). */
sr_error sr_audb_failures(struct sr_store *st, int64_t id, int *failed,
                          int64_t *locked_until);
sr_error sr_audb_set_failures(struct sr_store *st, int64_t id, int failed,
                              int64_t locked_until);

/* A successful sign-in: clear the failures (and store a new hash when
 * rehash is not NULL), only while the password is still `expected`, the
 * user enabled and not locked at now; *ok false otherwise. */
sr_error sr_audb_login_ok(struct sr_store *st, int64_t id,
                          const char *expected, const char *rehash,
                          int64_t now, bool *ok);

/* TOTP columns.  pending: set totp_pending.  set: totp_secret = secret
 * (NULL: none), totp_pending NULL, totp_last = last (kept when < 0).
 * used: a code of time step `step` was accepted: totp_last = step and
 * the failures cleared, only when step > totp_last (*ok). */
sr_error sr_audb_totp_pending(struct sr_store *st, int64_t id,
                              const char *pending);
sr_error sr_audb_totp_set(struct sr_store *st, int64_t id,
                          const char *secret, int64_t last);
sr_error sr_audb_totp_used(struct sr_store *st, int64_t id, int64_t step,
                           bool *ok);

/* How many enabled users hold an active admin grant, not counting user
 * skip_user nor grant skip_grant (0: none). */
sr_error sr_audb_admins(struct sr_store *st, int64_t skip_user,
                        int64_t skip_grant, int64_t *n);

/* ------------------------------------------------------------------ */
/* Districts, schools, grants                                           */
/* ------------------------------------------------------------------ */

/* The code of the district whose code or name is code_or_name; code[0]
 * is '\0' when there is none. */
sr_error sr_audb_district(struct sr_store *st, const char *code_or_name,
                          char code[32]);

sr_error sr_audb_school(struct sr_store *st, const char *code, bool *exists,
                        bool *closed);

/* The active grant identical to (user, role, district, school); *id 0
 * when none. */
sr_error sr_audb_grant_same(struct sr_store *st, int64_t user, int role,
                            const char *district, const char *school,
                            int64_t *id);

sr_error sr_audb_grant_insert(struct sr_store *st, int64_t user, int role,
                              const char *district, const char *school,
                              int64_t *id);

/* SR_ERR_NOT_FOUND: "no role grant N". */
sr_error sr_audb_grant_get(struct sr_store *st, int64_t id, int64_t *user,
                           int *role, bool *revoked);

/* Mark it revoked now by the store's actor. */
sr_error sr_audb_grant_revoke(struct sr_store *st, int64_t id);

/* ------------------------------------------------------------------ */
/* The security log                                                     */
/* ------------------------------------------------------------------ */

/* Which chained state an event carries (audit.c compares users and
 * grants rows with the state of their latest event). */
enum sr_audb_state {
    SR_AUDB_NO_STATE,
    SR_AUDB_USER_STATE,  /* of the user `target`, after the change */
    SR_AUDB_GRANT_STATE  /* of the grant `grant`, after the change */
};

struct sr_audb_event {
    const char *action;
    const char *actor_name; /* NULL: the store's user and actor */
    int64_t actor;          /* with actor_name: a user id, or 0 */
    int64_t target;         /* a user id, or 0 */
    int64_t grant;          /* a grant id, or 0 */
    const char *login;      /* a failed sign-in's login as typed */
    const char *source;
    const char *detail;
    int state;              /* enum sr_audb_state */
};

/* Append the event, now, and chain it (audit record "security"). */
sr_error sr_audb_event(struct sr_store *st, const struct sr_audb_event *e);

/* The entries matching f (since and until as UTC bounds, at >= since
 * and at < until, NULL: open), newest first. */
sr_error sr_audb_security_list(struct sr_store *st,
                               const struct sr_security_filter *f,
                               const char *since, const char *until,
                               sr_security_fn fn, void *ctx, size_t *total);

/* ------------------------------------------------------------------ */
/* Sessions                                                             */
/* ------------------------------------------------------------------ */

/* A session row (its token is known only as its SHA-256). */
struct sr_audb_session {
    int64_t user;
    int stage;          /* enum sr_session_stage */
    char csrf[48];
    int64_t created_at;
    int64_t seen_at;
    int64_t expires_at;
};

sr_error sr_audb_session_insert(struct sr_store *st, const char *sha,
                                const struct sr_audb_session *s,
                                const char *source, const char *agent);

/* The session whose token has SHA-256 sha and, when u is not NULL, its
 * user with the active grants (one query for both, then the grants).
 * *found false when there is none. */
sr_error sr_audb_session_get(struct sr_store *st, const char *sha,
                             struct sr_audb_session *s, struct sr_user *u,
                             bool *found);

/* seen_at = now (a statement of its own). */
sr_error sr_audb_session_touch(struct sr_store *st, const char *sha,
                               int64_t now);
sr_error sr_audb_session_stage(struct sr_store *st, const char *sha,
                               int stage);
sr_error sr_audb_session_end(struct sr_store *st, const char *sha);

/* End every session of user; *n (when not NULL) receives how many. */
sr_error sr_audb_sessions_end(struct sr_store *st, int64_t user, size_t *n);

/* Delete the sessions past expires_at or created_at + max, or idle
 * longer than idle seconds, at now. */
sr_error sr_audb_sessions_sweep(struct sr_store *st, int64_t now,
                                int64_t idle, int64_t max, size_t *n);

#endif /* SR_USERS_INT_H */
