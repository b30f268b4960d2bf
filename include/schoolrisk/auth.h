/*
 * schoolrisk/auth.h - users, role grants, sign-in, sessions and the
 * security log (用户、角色授权、登录、会话、安全审计).
 *
 * Who may do what is decided by role grants.  A user holds any number
 * of grants, each a role with a scope:
 *
 *   admin      系统管理员  users and grants only; sees no school data
 *   city       市局        every district
 *   district   区县        one district (grant.district)
 *   school     学校        one school (grant.school)
 *   inspector  检查员      one school or one whole district, in any
 *                          district (grant.school or grant.district)
 *
 * Passwords are stored as Argon2id hashes (libsodium crypto_pwhash_str,
 * interactive limits) and never logged, returned or chained; a password
 * must meet the policy (sr_password_check()).  There is no default
 * password anywhere: the first administrator is created at the server
 * (`schoolrisk users add --role admin`) with a random one-time password.
 *
 * Sign-in gives a session: a random 256-bit token that the caller hands
 * to the browser (a cookie) and of which only the SHA-256 is stored,
 * and a per-session CSRF token.  A session ends when it is idle longer
 * than policy.session_idle or older than policy.session_max, on logout,
 * and for every session of a user when the user's password changes or
 * the user is disabled.  A session can be limited to one next step
 * (its stage): entering the TOTP code (a second factor, RFC 6238), first
 * enrolling one (required for the roles in policy.totp_roles, optional
 * for others), or changing a password that expired or was reset.
 *
 * Repeated failures lock an account for policy.lock_minutes after
 * policy.lock_after consecutive ones; an administrator can unlock it
 * earlier.  Every failure gives the same SR_ERR_AUTH and the same
 * message, whatever the reason (unknown login, wrong password, locked,
 * disabled), and takes the same time (an unknown login is checked
 * against a dummy hash).
 *
 * The security log (等保 2.0 安全审计) records logins, failed logins,
 * logouts, lockouts, password changes and every change to a user or a
 * grant, with who, when and the source address.  Each entry is a record
 * of the audit hash chain (audit.h); an entry that changes a user or a
 * grant carries its state, so that `audit verify` finds a users or
 * grants row edited outside the program.
 *
 * Who acts: the store's actor (sr_store_set_user() for an authenticated
 * user; the CLI's OS user otherwise).  Errors leave a message in the
 * store (sr_store_errmsg()), naming the field at fault.
 */
#ifndef SR_AUTH_H
#define SR_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------------
 * Roles
 * ------------------------------------------------------------------ */

/** The roles.  Order is part of the ABI: append only. */
enum sr_role {
    SR_ROLE_ADMIN,     /**< 系统管理员 */
    SR_ROLE_CITY,      /**< 市局 */
    SR_ROLE_DISTRICT,  /**< 区县 */
    SR_ROLE_SCHOOL,    /**< 学校 */
    SR_ROLE_INSPECTOR, /**< 检查员 */
    SR_ROLE_COUNT
};

/** A set of roles as a bit mask: SR_ROLES(SR_ROLE_CITY) | ... */
#define SR_ROLES(r) (1u << (r))
/** Every role that works with school data (all but admin). */
#define SR_ROLES_BUSINESS                                                   \
    (SR_ROLES(SR_ROLE_CITY) | SR_ROLES(SR_ROLE_DISTRICT) |                  \
     SR_ROLES(SR_ROLE_SCHOOL) | SR_ROLES(SR_ROLE_INSPECTOR))

/** @brief "admin", "city", "district", "school", "inspector"; NULL. */
const char *sr_role_name(int role);

/** @brief "系统管理员", "市局", "区县", "学校", "检查员"; NULL. */
const char *sr_role_label(int role);

/** @brief The role named @p name, by its English name or its Chinese
 *         label ("district" or "区县"); -1 when unknown or NULL. */
int sr_role_lookup(const char *name);

/* --------------------------------------------------------------------
 * Policy
 * ------------------------------------------------------------------ */

/** What a deployment decides (serve's options); sr_auth_policy_init()
 *  gives the defaults in brackets. */
struct sr_auth_policy {
    unsigned min_length;    /**< password length in characters [10] */
    unsigned max_age_days;  /**< a password older than this must be
                                 changed at the next sign-in; 0: never
                                 [90] */
    unsigned lock_after;    /**< consecutive failures that lock [5] */
    unsigned lock_minutes;  /**< how long a lock lasts [30] */
    unsigned session_idle;  /**< seconds without a request [1800] */
    unsigned session_max;   /**< seconds since sign-in [43200] */
    unsigned totp_roles;    /**< SR_ROLES() that must use a second
                                 factor [admin | city] */
};

/** @brief Fill @p p with the defaults. */
void sr_auth_policy_init(struct sr_auth_policy *p);

/**
 * @brief Check a new password against the policy: at least min_length
 *        characters (UTF-8 counts characters), at most 128 bytes, three
 *        of the four kinds (lower case, upper case, digits, others), not
 *        containing the login (any case), no control characters.
 * @param why receives the reason in words when it fails
 * @return SR_OK or SR_ERR_INPUT.
 */
sr_error sr_password_check(const struct sr_auth_policy *p,
                           const char *login, const char *password,
                           char *why, size_t why_size);

/**
 * @brief A random password that meets any policy with min_length <= 16:
 *        16 characters from letters and digits that cannot be misread
 *        (no 0/O, 1/l/I), with each of lower, upper and digit present.
 * @param out at least 17 bytes
 */
void sr_password_generate(char out[17]);

/**
 * @brief A one-time password for @p login that meets policy @p p:
 *        sr_password_generate() until sr_password_check() passes (a
 *        generated password may happen to contain a short login).
 *        Gives up after 64 tries, for a policy nothing generated meets
 *        (min_length over 16); the password is then refused with its
 *        reason when it is set.
 */
void sr_password_for(const struct sr_auth_policy *p, const char *login,
                     char out[17]);

/* --------------------------------------------------------------------
 * Users and grants
 * ------------------------------------------------------------------ */

/** One role grant.  Strings are owned by the struct that holds it. */
struct sr_grant {
    int64_t id;
    int role;             /**< enum sr_role */
    char *district;       /**< district code, or NULL */
    char *district_name;  /**< its name (历下区), or NULL */
    char *school;         /**< school code, or NULL */
    char *school_name;    /**< its name, or NULL */
    char *granted_at;     /**< "YYYY-MM-DDTHH:MM:SSZ" */
    char *granted_by;
};

/** A user, with the grants not revoked.  Strings are owned. */
struct sr_user {
    int64_t id;
    char *login;
    char *name;              /**< 姓名 */
    char *unit;              /**< 工作单位, or NULL */
    char *phone;             /**< or NULL */
    bool disabled;
    bool must_change;        /**< reset by an administrator: change at
                                  the next sign-in */
    bool totp;               /**< a second factor is enrolled */
    bool locked;             /**< locked now (locked_until in the future) */
    int64_t locked_until;    /**< seconds since the epoch, 0 */
    int failed_logins;       /**< consecutive failures */
    char *password_set_at;   /**< "YYYY-MM-DDTHH:MM:SSZ" */
    char *created_at;
    char *created_by;
    struct sr_grant *grants; /**< active grants, by id */
    size_t n_grants;
};

/** @brief Free the strings and grants and zero @p u; NULL is a no-op. */
void sr_user_release(struct sr_user *u);

/** A user to create. */
struct sr_user_new {
    const char *login;    /**< 2..64 of [A-Za-z0-9._@-], unique in any
                               case; required */
    const char *name;     /**< 1..64 characters; required */
    const char *unit;     /**< or NULL */
    const char *phone;    /**< or NULL */
    const char *password; /**< must pass sr_password_check(); required
                               unless no_password */
    bool must_change;     /**< change it at the first sign-in */
    bool no_password;     /**< no password at all (password NULL): the
                               account cannot sign in until an
                               administrator sets one with
                               sr_user_set_password(); for accounts made in
                               bulk, without Argon2id for each */
};

/**
 * @brief Create a user (one transaction; security event "user_added").
 * @return SR_OK; SR_ERR_INPUT (a field: the message names it, or the
 *         password's reason); SR_ERR_CONFLICT (the login is taken);
 *         SR_ERR_DB; SR_ERR_NOMEM.
 */
sr_error sr_user_add(struct sr_store *st, const struct sr_auth_policy *p,
                     const struct sr_user_new *u, int64_t *id);

/** @brief Read user @p id with its grants.  SR_ERR_NOT_FOUND ("no user
 *         N"). @p out is released by the caller also after an error. */
sr_error sr_user_get(struct sr_store *st, int64_t id, struct sr_user *out);

/** @brief Read the user with login @p login (any case). */
sr_error sr_user_find(struct sr_store *st, const char *login,
                      struct sr_user *out);

/** Called once per user (valid during the call); non-zero stops. */
typedef int (*sr_user_fn)(const struct sr_user *u, void *ctx);

/** @brief Every user, by login, with their grants. */
sr_error sr_user_list(struct sr_store *st, sr_user_fn fn, void *ctx);

/**
 * @brief Change the name, unit and phone of a user (NULL keeps one;
 *        "" clears unit or phone).  Security event "user_updated".
 */
sr_error sr_user_update(struct sr_store *st, int64_t id, const char *name,
                        const char *unit, const char *phone);

/**
 * @brief Set a user's password.
 * @param old the current password when users change their own (checked:
 *            SR_ERR_AUTH when wrong, counted as a failed sign-in); NULL
 *            when an administrator resets it
 * @param must_change the user must change it at the next sign-in (an
 *            administrator's reset)
 * Ends every session of the user.  A new password equal to the current
 * one is refused.  Security event "password_changed" or
 * "password_reset".
 */
sr_error sr_user_set_password(struct sr_store *st,
                              const struct sr_auth_policy *p, int64_t id,
                              const char *old, const char *password,
                              bool must_change);

/**
 * @brief Disable (true) or enable a user.  Disabling ends every session
 *        of the user.  An administrator cannot disable themself, nor
 *        the last enabled administrator (SR_ERR_STATE).  Security event
 *        "user_disabled" / "user_enabled".
 */
sr_error sr_user_set_disabled(struct sr_store *st, int64_t id,
                              bool disabled);

/** @brief Lift a lockout now and clear the failure count.  Security
 *         event "user_unlocked". */
sr_error sr_user_unlock(struct sr_store *st, int64_t id);

/**
 * @brief Grant a role.  @p district (a code or a name) is required for
 *        district and refused otherwise, except an inspector takes a
 *        district or a school; @p school (a code) is required for
 *        school.  The district or school must exist.  An identical
 *        active grant is SR_ERR_CONFLICT.  Security event
 *        "grant_added".
 */
sr_error sr_grant_add(struct sr_store *st, int64_t user, int role,
                      const char *district, const char *school,
                      int64_t *grant);

/**
 * @brief Revoke grant @p grant (it stays, marked revoked).  Revoking the
 *        last active admin grant is refused (SR_ERR_STATE).  Security
 *        event "grant_revoked".
 */
sr_error sr_grant_revoke(struct sr_store *st, int64_t grant);

/* --------------------------------------------------------------------
 * Second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps)
 * ------------------------------------------------------------------ */

/**
 * @brief Start enrolling a second factor for @p user: a new random
 *        secret (160 bits) kept as pending until confirmed.
 * @param secret receives it in base32 (32 characters)
 * @param uri    receives "otpauth://totp/schoolrisk:LOGIN?secret=...&
 *               issuer=schoolrisk" (caller frees), for a QR code
 */
sr_error sr_totp_begin(struct sr_store *st, int64_t user, char secret[33],
                       char **uri);

/**
 * @brief Confirm enrolment with a code from the authenticator: the
 *        pending secret becomes the user's.  SR_ERR_AUTH for a wrong
 *        code, SR_ERR_STATE when nothing is pending.  Security event
 *        "totp_enrolled".
 */
sr_error sr_totp_confirm(struct sr_store *st, int64_t user,
                         const char *code);

/** @brief Remove a user's second factor (lost phone): they enrol again
 *         at the next sign-in.  Security event "totp_reset". */
sr_error sr_totp_reset(struct sr_store *st, int64_t user);

/**
 * @brief The TOTP code of @p secret_b32 at @p when (seconds since the
 *        epoch), for tests and the demo.
 * @param code receives 6 digits
 * @return SR_OK or SR_ERR_INPUT (not base32).
 */
sr_error sr_totp_code(const char *secret_b32, int64_t when, char code[7]);

/* --------------------------------------------------------------------
 * Sessions
 * ------------------------------------------------------------------ */

/** What a session allows. */
enum sr_session_stage {
    SR_SESSION_FULL,     /**< everything the grants allow */
    SR_SESSION_TOTP,     /**< only entering the TOTP code */
    SR_SESSION_ENROLL,   /**< only enrolling a second factor */
    SR_SESSION_PASSWORD  /**< only changing the password */
};

/** @brief "full", "totp", "enroll", "password"; NULL. */
const char *sr_session_stage_name(int stage);

/** A sign-in attempt. */
struct sr_login {
    const char *login;
    const char *password;
    const char *source; /**< client address, for the log; or NULL */
    const char *agent;  /**< User-Agent, for the log; or NULL */
};

/** A new session: hand token to the client, never store it. */
struct sr_session_new {
    char token[48];      /**< 32 random bytes, base64url, no padding */
    char csrf[48];       /**< likewise; echoed in a header on writes */
    int stage;           /**< enum sr_session_stage */
    int64_t user;
    int64_t expires_at;  /**< seconds since the epoch (absolute) */
};

/**
 * @brief Sign in.  Runs Argon2id (about 100 ms, 64 MiB): callers bound
 *        how many run at once.
 *
 * The new session's stage: TOTP when the user has a second factor;
 * ENROLL when a role of policy.totp_roles requires one and none is
 * enrolled; else PASSWORD when must_change is set or the password is
 * older than max_age_days; else FULL.  A user without any active grant
 * can sign in (and sees nothing).
 * @return SR_OK; SR_ERR_AUTH for every kind of failure (message "wrong
 *         login or password, or the account is locked"); SR_ERR_INPUT
 *         when login or password is missing; SR_ERR_DB.
 */
sr_error sr_auth_login(struct sr_store *st, const struct sr_auth_policy *p,
                       const struct sr_login *in,
                       struct sr_session_new *out);

/** The user behind a session, with what the session allows. */
struct sr_principal {
    struct sr_user user;  /**< with active grants */
    int stage;            /**< enum sr_session_stage */
    char csrf[48];
    unsigned roles;       /**< SR_ROLES() of the active grants */
    int64_t expires_at;   /**< absolute expiry, seconds */
    int64_t idle_expires_at; /**< expiry if no further request */
};

/** @brief Free a principal; a zeroed one is fine. */
void sr_principal_release(struct sr_principal *p);

/**
 * @brief Look a session token up: the session must exist, not be idle
 *        longer than session_idle nor older than session_max, and its
 *        user not disabled.  Refreshes the idle time (writes at most
 *        once a minute per session).
 * @return SR_OK; SR_ERR_AUTH ("the session has expired; sign in
 *         again"); SR_ERR_DB.
 */
sr_error sr_auth_session(struct sr_store *st, const struct sr_auth_policy *p,
                         const char *token, struct sr_principal *out);

/**
 * @brief Enter the TOTP code on a session in stage TOTP; it moves on to
 *        PASSWORD or FULL.  A code is accepted once (no replay) within
 *        one step of clock drift.  A wrong code counts as a failed
 *        sign-in (lockout) and is SR_ERR_AUTH.
 */
sr_error sr_auth_totp(struct sr_store *st, const struct sr_auth_policy *p,
                      const char *token, const char *code,
                      const char *source);

/**
 * @brief On a session in stage ENROLL: sr_totp_begin() for its user.
 */
sr_error sr_auth_enroll_begin(struct sr_store *st, const char *token,
                              char secret[33], char **uri);

/**
 * @brief On a session in stage ENROLL: sr_totp_confirm() for its user,
 *        and the session moves on to PASSWORD or FULL.
 */
sr_error sr_auth_enroll_confirm(struct sr_store *st,
                                const struct sr_auth_policy *p,
                                const char *token, const char *code);

/**
 * @brief Users change their own password (any stage but TOTP/ENROLL):
 *        sr_user_set_password() with the old one; every session of the
 *        user ends, this one too.
 */
sr_error sr_auth_change_password(struct sr_store *st,
                                 const struct sr_auth_policy *p,
                                 const char *token, const char *old,
                                 const char *password, const char *source);

/** @brief End the session (logout); an unknown token is SR_OK. */
sr_error sr_auth_logout(struct sr_store *st, const char *token,
                        const char *source);

/** @brief Delete sessions past their absolute expiry or idle for longer
 *         than session_idle; @p n receives how many. */
sr_error sr_auth_sweep(struct sr_store *st, const struct sr_auth_policy *p,
                       size_t *n);

/* --------------------------------------------------------------------
 * Scope: what a principal may see
 * ------------------------------------------------------------------ */

/** @brief True when the principal holds one of the roles in @p roles. */
bool sr_principal_has(const struct sr_principal *p, unsigned roles);

/**
 * @brief True when one of the principal's grants with a role in @p roles
 *        covers a school (@p school, in @p district) or, with @p school
 *        NULL, a whole district: city covers everything; district its
 *        district and the schools in it; school its school only;
 *        inspector its school, or its district and the schools in it.
 *        Admin grants never cover school data.
 */
bool sr_principal_covers(const struct sr_principal *p, unsigned roles,
                         const char *district, const char *school);

/** The schools a principal may see through the roles asked for, for
 *  list queries: everything, or the union of some districts and some
 *  schools.  The strings point into the principal. */
struct sr_scope {
    bool all;
    const char **districts; /**< district codes */
    size_t n_districts;
    const char **schools;   /**< school codes */
    size_t n_schools;
};

/**
 * @brief The scope of the principal's grants with a role in @p roles
 *        (empty when none: nothing is visible).
 * @param out release with sr_scope_release(); valid while @p p is.
 */
sr_error sr_principal_scope(const struct sr_principal *p, unsigned roles,
                            struct sr_scope *out);

/** @brief Free what sr_principal_scope() allocated. */
void sr_scope_release(struct sr_scope *s);

/* --------------------------------------------------------------------
 * The security log
 * ------------------------------------------------------------------ */

/** One entry.  Strings are owned by the struct. */
struct sr_security_event {
    int64_t id;
    char *at;          /**< "YYYY-MM-DDTHH:MM:SSZ" */
    int64_t actor;     /**< user id, or 0 (the server's CLI, anonymous) */
    char *actor_name;
    char *action;      /**< login, login_failed, logout, user_locked,
                            user_added, user_updated, user_disabled,
                            user_enabled, user_unlocked, password_changed,
                            password_reset, grant_added, grant_revoked,
                            totp_enrolled, totp_reset */
    int64_t target;    /**< the user concerned, or 0 */
    char *target_login;/**< or NULL */
    int64_t grant;     /**< the grant concerned, or 0 */
    char *login;       /**< a failed sign-in: the login as typed */
    char *source;      /**< client address, or NULL */
    char *detail;      /**< in words, or NULL; never a secret */
};

/** Which entries; zero/NULL fields mean any. */
struct sr_security_filter {
    int64_t user;         /**< as actor or target */
    const char *action;
    const char *since;    /**< "YYYY-MM-DD" (China time) */
    const char *until;    /**< "YYYY-MM-DD", inclusive */
    size_t offset, limit; /**< paging; limit 0: all */
};

typedef int (*sr_security_fn)(const struct sr_security_event *e, void *ctx);

/** @brief Entries matching @p f, newest first; @p total receives how
 *         many match in all (for paging), when not NULL. */
sr_error sr_security_list(struct sr_store *st,
                          const struct sr_security_filter *f,
                          sr_security_fn fn, void *ctx, size_t *total);

#ifdef __cplusplus
}
#endif
#endif /* SR_AUTH_H */
