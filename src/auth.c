/*
 * auth.c - users, role grants, sign-in, the second factor, sessions,
 * scope and the security log (schoolrisk/auth.h).
 *
 * DESIGN
 * The rules live here and the SQL in store/users.c.  Every public
 * function that writes holds one write transaction (BEGIN IMMEDIATE)
 * around its change, the change's security event and the event's audit
 * record, and reads the state it decides on inside that transaction,
 * so that two administrators acting at once are serialised.  The one
 * exception is the slow part of a password: Argon2id (about 100 ms)
 * runs before the transaction, and the write then only succeeds while
 * the stored hash is still the one that was checked (compare and set),
 * so that no sign-in holds the database's write lock for 100 ms.
 *
 * A failure to sign in gives one message whatever the reason, runs
 * Argon2id also for an unknown login (against a dummy hash made once),
 * and is logged with its real reason for the administrator.  A wrong
 * TOTP code or a wrong current password counts like a wrong password.
 *
 * Events by the person a session belongs to (a sign-in, a TOTP code,
 * enrolment, a password change, logout) name that person as the actor;
 * every other change names the store's actor (sr_store_set_user(), or
 * the CLI's OS user).
 *
 * Times: sessions and locks are in seconds from sr_store_time(), so
 * that tests pin them; text timestamps come from sr_store_now().
 */
#include "schoolrisk/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <oath.h>
#include <sodium.h>

#include "schoolrisk/plans.h"
#include "store/users_int.h"
#include "util.h"

#define PW_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PASSWORD_MAX_BYTES 128

#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define TOTP_SECRET_BYTES 20 /* 160 bits: 32 base32 characters */

/* A session's seen_at is written at most this often. */
#define TOUCH_SECONDS 60

static const char *const auth_failed =
    N_("wrong login or password, or the account is locked");
static const char *const session_expired =
    N_("the session has expired; sign in again");

/* ------------------------------------------------------------------ */
/* Library state                                                        */
/* ------------------------------------------------------------------ */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_ok;

static void
lib_init(void)
{
    lib_ok = sodium_init() >= 0 && oath_init() == OATH_OK;
}

static sr_error
lib_ready(struct sr_store *st)
{
    pthread_once(&lib_once, lib_init);
    if (!lib_ok)
        return sr_store_fail_code(st, SR_ERR_INTERNAL,
                                  _("cannot initialise libsodium or liboath"));
    return SR_OK;
}

/* The hash an unknown login is checked against, so that it takes as
 * long as a known one.  Made once, of a random password nobody knows;
 * empty (a fast failure) only when memory ran out. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void
dummy_init(void)
{
    unsigned char pw[16];

    randombytes_buf(pw, sizeof(pw));
    if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw), PW_OPS,
                          PW_MEM) != 0)
        dummy_hash[0] = '\0';
    sodium_memzero(pw, sizeof(pw));
}

/* ------------------------------------------------------------------ */
/* Roles and stages                                                     */
/* ------------------------------------------------------------------ */

static const char *const role_names[SR_ROLE_COUNT] = {
    "admin", "city", "district", "school", "inspector"};
static const char *const role_labels[SR_ROLE_COUNT] = {
    "系统管理员", "市局", "区县", "学校", "检查员"};
static const char *const stage_names[] = {"full", "totp", "enroll",
                                          "password"};

const char *
sr_role_name(int role)
{
    return role >= 0 && role < SR_ROLE_COUNT ? role_names[role] : NULL;
}

const char *
sr_role_label(int role)
{
    return role >= 0 && role < SR_ROLE_COUNT ? role_labels[role] : NULL;
}

int
sr_role_lookup(const char *name)
{
    int r;

    for (r = 0; name && r < SR_ROLE_COUNT; r++)
        if (!strcmp(name, role_names[r]) || !strcmp(name, role_labels[r]))
            return r;
    return -1;
}

const char *
sr_session_stage_name(int stage)
{
    return stage >= 0 && stage <= SR_SESSION_PASSWORD ? stage_names[stage]
                                                      : NULL;
}

/* ------------------------------------------------------------------ */
/* Policy and passwords                                                 */
/* ------------------------------------------------------------------ */

void
sr_auth_policy_init(struct sr_auth_policy *p)
{
    p->min_length = 10;
    p->max_age_days = 90;
    p->lock_after = 5;
    p->lock_minutes = 30;
    p->session_idle = 1800;
    p->session_max = 43200;
    p->totp_roles = SR_ROLES(SR_ROLE_ADMIN) | SR_ROLES(SR_ROLE_CITY);
}

static bool
is_lower(int c)
{
    return c >= 'a' && c <= 'z';
}

static bool
is_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}

static bool
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
fold(int c)
{
    return is_upper(c) ? c - 'A' + 'a' : c;
}

/* True when s contains sub, ASCII letters in any case. */
static bool
contains_nocase(const char *s, const char *sub)
{
    size_t n = strlen(sub), i;

    for (; *s; s++) {
        for (i = 0; i < n && s[i] && fold((unsigned char)s[i]) ==
                                         fold((unsigned char)sub[i]);
             i++)
            ;
        if (i == n)
            return true;
    }
    return false;
}

/* Characters (code points) of valid UTF-8. */
static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool
has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return true;
    return false;
}

static void
why_set(char *why, size_t size, const char *text)
{
    if (why && size)
        snprintf(why, size, "%s", text);
}

sr_error
sr_password_check(const struct sr_auth_policy *p, const char *login,
                  const char *password, char *why, size_t why_size)
{
    bool lower = false, upper = false, digit = false, other = false;
    size_t len, bad;
    const char *c;
    char buf[96];

    if (!password || !*password) {
        why_set(why, why_size, _("the password is required"));
        return SR_ERR_INPUT;
    }
    len = strlen(password);
    if (len > PASSWORD_MAX_BYTES) {
        snprintf(buf, sizeof(buf), _("the password is longer than %d bytes"),
                 PASSWORD_MAX_BYTES);
        why_set(why, why_size, buf);
        return SR_ERR_INPUT;
    }
    if (!sr_utf8_valid(password, len, &bad)) {
        why_set(why, why_size, _("the password is not valid UTF-8"));
        return SR_ERR_INPUT;
    }
    if (has_control(password)) {
        why_set(why, why_size,
                _("the password contains a control character"));
        return SR_ERR_INPUT;
    }
    if (utf8_chars(password) < p->min_length) {
        snprintf(buf, sizeof(buf),
                 _("the password is shorter than %u characters"),
                 p->min_length);
        why_set(why, why_size, buf);
        return SR_ERR_INPUT;
    }
    for (c = password; *c; c++) {
        if (is_lower(*c))
            lower = true;
        else if (is_upper(*c))
            upper = true;
        else if (is_digit(*c))
            digit = true;
        else
            other = true;
    }
    if (lower + upper + digit + other < 3) {
        why_set(why, why_size,
                _("the password needs three of: lower case, upper case, "
                  "digits, other characters"));
        return SR_ERR_INPUT;
    }
    if (login && *login && contains_nocase(password, login)) {
        why_set(why, why_size, _("the password contains the login"));
        return SR_ERR_INPUT;
    }
    return SR_OK;
}

void
sr_password_for(const struct sr_auth_policy *p, const char *login,
                char out[17])
{
    int tries;

    for (tries = 0; tries < 64; tries++) {
        sr_password_generate(out);
        if (sr_password_check(p, login, out, NULL, 0) == SR_OK)
            return;
    }
}

void
sr_password_generate(char out[17])
{
    /* No 0/O, 1/l/I: read aloud or copied from paper without doubt. */
    static const char set[] = "abcdefghijkmnopqrstuvwxyz"
                              "ABCDEFGHJKLMNPQRSTUVWXYZ"
                              "23456789";
    bool lower, upper, digit;
    int i;

    pthread_once(&lib_once, lib_init);
    do {
        lower = upper = digit = false;
        for (i = 0; i < 16; i++) {
            out[i] = set[randombytes_uniform(sizeof(set) - 1)];
            lower |= is_lower(out[i]);
            upper |= is_upper(out[i]);
            digit |= is_digit(out[i]);
        }
    } while (!lower || !upper || !digit);
    out[16] = '\0';
}

/* The stored hash of an account made without a password (never a hash
 * crypto_pwhash_str() writes: those begin with "$argon2"). */
#define NO_PASSWORD "!"

static bool
password_ok(const char *hash, const char *password)
{
    if (hash && !strcmp(hash, NO_PASSWORD)) {
        /* Refused, but as slowly as a wrong password, so that timing
         * does not tell which accounts have none. */
        pthread_once(&dummy_once, dummy_init);
        if (dummy_hash[0] &&
            crypto_pwhash_str_verify(dummy_hash, password,
                                     strlen(password)) == 0)
            return false; /* nobody knows the dummy's password */
        return false;
    }
    return hash && *hash &&
           crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static sr_error
password_hash(struct sr_store *st, const char *password,
              char out[crypto_pwhash_STRBYTES])
{
    if (crypto_pwhash_str(out, password, strlen(password), PW_OPS,
                          PW_MEM) != 0)
        return sr_store_fail_code(st, SR_ERR_NOMEM,
                                  _("cannot hash the password (out of "
                                    "memory)"));
    return SR_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ" in seconds; -1 when malformed. */
static int64_t
parse_utc(const char *s)
{
    struct tm tm;
    const char *end;

    if (!s)
        return -1;
    memset(&tm, 0, sizeof(tm));
    end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return -1;
    return (int64_t)timegm(&tm);
}

static bool
password_expired(const struct sr_auth_policy *p, const struct sr_audb_auth *a,
                 int64_t now)
{
    int64_t set;

    if (!p->max_age_days)
        return false;
    set = parse_utc(a->password_set_at);
    /* An unreadable date is treated as expired: change it to be safe. */
    return set < 0 || now - set >= (int64_t)p->max_age_days * 86400;
}

/* The stage after the second factor (or without one). */
static int
stage_after_factor(const struct sr_auth_policy *p,
                   const struct sr_audb_auth *a, int64_t now)
{
    if (a->must_change || password_expired(p, a, now))
        return SR_SESSION_PASSWORD;
    return SR_SESSION_FULL;
}

static int
stage_first(const struct sr_auth_policy *p, const struct sr_audb_auth *a,
            int64_t now)
{
    if (a->totp_secret)
        return SR_SESSION_TOTP;
    if (a->roles & p->totp_roles)
        return SR_SESSION_ENROLL;
    return stage_after_factor(p, a, now);
}

/* ------------------------------------------------------------------ */
/* Checking input                                                       */
/* ------------------------------------------------------------------ */

static bool
login_valid(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 2 || n > 64)
        return false;
    for (i = 0; i < n; i++)
        if (!is_lower(s[i]) && !is_upper(s[i]) && !is_digit(s[i]) &&
            !strchr("._@-", s[i]))
            return false;
    return true;
}

static bool
blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

/* A text field: required (NULL, "" and blanks refused) or optional
 * ("" is none), valid UTF-8, no control characters, at most max
 * characters. */
static sr_error
check_text(struct sr_store *st, const char *field, const char *what,
           const char *s, unsigned max, bool required)
{
    size_t bad;

    if (!s || !*s) {
        if (!required)
            return SR_OK;
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s is required"), what);
    }
    if (blank(s))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   required ? _("%s is required") :
                                              _("%s is blank"),
                                   what);
    if (!sr_utf8_valid(s, strlen(s), &bad))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s is not valid UTF-8"), what);
    if (has_control(s))
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s contains a control character"), what);
    if (utf8_chars(s) > max)
        return sr_store_fail_field(st, SR_ERR_INPUT, field,
                                   _("%s is longer than %u characters"), what,
                                   max);
    return SR_OK;
}

static sr_error
check_phone(struct sr_store *st, const char *s)
{
    sr_error rc = check_text(st, "phone", _("the phone number"), s, 32,
                             false);
    const char *c;

    if (rc != SR_OK || !s)
        return rc;
    for (c = s; *c; c++)
        if (!is_digit(*c) && !strchr(" +-()", *c))
            return sr_store_fail_field(st, SR_ERR_INPUT, "phone",
                                       _("the phone number '%s' may contain "
                                         "only digits, spaces and + - ( )"),
                                       s);
    return SR_OK;
}

/* Text from the client (a login as typed, an address, a User-Agent)
 * made fit for the log: printable ASCII, others as '?', cut to fit. */
static const char *
log_text(const char *in, char *out, size_t size)
{
    size_t i;

    if (!in)
        return NULL;
    for (i = 0; in[i] && i + 1 < size; i++)
        out[i] = (unsigned char)in[i] >= 0x20 &&
                         (unsigned char)in[i] < 0x7F
                     ? in[i]
                     : '?';
    out[i] = '\0';
    return out;
}

/* ------------------------------------------------------------------ */
/* Security events                                                      */
/* ------------------------------------------------------------------ */

/* Who acts when it is not the store's actor: the user of a session. */
struct who {
    int64_t id;
    const char *name;
};

static struct sr_audb_event
event(const char *action, const struct who *w, int64_t target, int state)
{
    struct sr_audb_event e;

    memset(&e, 0, sizeof(e));
    e.action = action;
    if (w) {
        e.actor = w->id;
        e.actor_name = w->name;
    }
    e.target = target;
    e.state = state;
    return e;
}

/* A failed sign-in (a wrong password, TOTP code or current password) of
 * user a, or of an unknown login (a NULL): counted towards the lock
 * unless the account is disabled or locked already, logged, and the
 * lock logged when it starts.  One transaction of its own. */
static sr_error
record_failure(struct sr_store *st, const struct sr_auth_policy *p,
               const struct sr_audb_auth *a, const char *typed,
               const char *source, const char *why)
{
    struct sr_audb_event e = event("login_failed", NULL, 0, 0);
    int64_t now = sr_store_time(st), until = 0;
    bool lock = false;
    char detail[96];
    int failed = 0;
    sr_error rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    if (a) {
        rc = sr_audb_failures(st, a->id, &failed, &until);
        if (rc != SR_OK)
            goto cleanup;
        if (!a->disabled && until <= now) {
            /* After a lock that has run out, counting starts again. */
            failed = (until ? 0 : failed) + 1;
            lock = p->lock_after && failed >= (int)p->lock_after;
            until = lock ? now + (int64_t)p->lock_minutes * 60 : 0;
            rc = sr_audb_set_failures(st, a->id, failed, until);
            if (rc != SR_OK)
                goto cleanup;
        }
    }
    e.actor = a ? a->id : 0;
    e.actor_name = typed;
    e.target = a ? a->id : 0;
    e.login = typed;
    e.source = source;
    e.detail = why;
    rc = sr_audb_event(st, &e);
    if (rc == SR_OK && lock) {
        snprintf(detail, sizeof(detail),
                 "locked for %u minutes after %d failed sign-ins",
                 p->lock_minutes, failed);
        e.action = "user_locked";
        e.login = NULL;
        e.detail = detail;
        e.state = SR_AUDB_USER_STATE;
        rc = sr_audb_event(st, &e);
    }

cleanup:
    if (rc == SR_OK)
        return sr_store_commit(st);
    sr_store_rollback(st);
    return rc;
}

/* Commit when all went well, else roll back; returns rc (or the
 * commit's error). */
static sr_error
finish(struct sr_store *st, sr_error rc)
{
    if (rc == SR_OK)
        return sr_store_commit(st);
    sr_store_rollback(st);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Users                                                                */
/* ------------------------------------------------------------------ */

static void
grant_release(struct sr_grant *g)
{
    free(g->district);
    free(g->district_name);
    free(g->school);
    free(g->school_name);
    free(g->granted_at);
    free(g->granted_by);
}

void
sr_user_release(struct sr_user *u)
{
    size_t i;

    if (!u)
        return;
    free(u->login);
    free(u->name);
    free(u->unit);
    free(u->phone);
    free(u->password_set_at);
    free(u->created_at);
    free(u->created_by);
    for (i = 0; i < u->n_grants; i++)
        grant_release(&u->grants[i]);
    free(u->grants);
    memset(u, 0, sizeof(*u));
}

sr_error
sr_user_add(struct sr_store *st, const struct sr_auth_policy *p,
            const struct sr_user_new *u, int64_t *id)
{
    char hash[crypto_pwhash_STRBYTES], why[160];
    struct sr_audb_event e;
    int64_t taken = 0, new_id = 0;
    sr_error rc;

    if (!u->login || !*u->login)
        return sr_store_fail_field(st, SR_ERR_INPUT, "login",
                                   _("the login is required"));
    if (!login_valid(u->login))
        return sr_store_fail_field(st, SR_ERR_INPUT, "login",
                                   _("login '%s' must be 2 to 64 characters "
                                     "of A-Z, a-z, 0-9 and . _ @ -"),
                                   u->login);
    rc = check_text(st, "name", _("the name"), u->name, 64, true);
    if (rc == SR_OK)
        rc = check_text(st, "unit", _("the unit"), u->unit, 128, false);
    if (rc == SR_OK)
        rc = check_phone(st, u->phone);
    if (rc != SR_OK)
        return rc;
    if (u->no_password && u->password)
        return sr_store_fail_field(st, SR_ERR_INPUT, "password", "%s",
                                   _("a password was given for an account "
                                     "without one"));
    if (!u->no_password &&
        sr_password_check(p, u->login, u->password, why, sizeof(why)) !=
            SR_OK)
        return sr_store_fail_field(st, SR_ERR_INPUT, "password", "%s", why);
    rc = lib_ready(st);
    if (rc == SR_OK && u->no_password)
        snprintf(hash, sizeof(hash), "%s", NO_PASSWORD);
    else if (rc == SR_OK)
        rc = password_hash(st, u->password, hash);
    if (rc != SR_OK)
        return rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_audb_login_id(st, u->login, &taken);
    if (rc == SR_OK && taken)
        rc = sr_store_fail_field(st, SR_ERR_CONFLICT, "login",
                                 _("login '%s' is taken (user %lld)"), u->login,
                                 (long long)taken);
    if (rc == SR_OK)
        rc = sr_audb_user_insert(st, u, hash, &new_id);
    if (rc == SR_OK) {
        e = event("user_added", NULL, new_id, SR_AUDB_USER_STATE);
        e.detail = u->no_password   ? "no password: an administrator sets "
                                      "one"
                   : u->must_change ? "must change the password at the "
                                      "first sign-in"
                                    : NULL;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);
    if (rc == SR_OK)
        *id = new_id;

cleanup:
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

sr_error
sr_user_get(struct sr_store *st, int64_t id, struct sr_user *out)
{
    return sr_audb_user_get(st, id, NULL, out);
}

sr_error
sr_user_find(struct sr_store *st, const char *login, struct sr_user *out)
{
    memset(out, 0, sizeof(*out));
    if (!login || !*login)
        return sr_store_fail_field(st, SR_ERR_INPUT, "login",
                                   _("the login is required"));
    return sr_audb_user_get(st, 0, login, out);
}

sr_error
sr_user_list(struct sr_store *st, sr_user_fn fn, void *ctx)
{
    return sr_audb_user_list(st, fn, ctx);
}

sr_error
sr_user_update(struct sr_store *st, int64_t id, const char *name,
               const char *unit, const char *phone)
{
    struct sr_audb_auth a;
    struct sr_audb_event e;
    char detail[64];
    sr_error rc;

    memset(&a, 0, sizeof(a));
    if (!name && !unit && !phone)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("nothing to change (give a name, a unit "
                                    "or a phone number)"));
    rc = name ? check_text(st, "name", _("the name"), name, 64, true) : SR_OK;
    if (rc == SR_OK)
        rc = check_text(st, "unit", _("the unit"), unit, 128, false);
    if (rc == SR_OK)
        rc = check_phone(st, phone);
    if (rc != SR_OK)
        return rc;
    snprintf(detail, sizeof(detail), "%s%s%s%s%s", name ? "name" : "",
             name && (unit || phone) ? ", " : "", unit ? "unit" : "",
             unit && phone ? ", " : "", phone ? "phone" : "");

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, id, NULL, &a);
    if (rc == SR_OK)
        rc = sr_audb_user_update(st, id, name, unit, phone);
    if (rc == SR_OK) {
        e = event("user_updated", NULL, id, SR_AUDB_USER_STATE);
        e.detail = detail;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);
    sr_audb_auth_release(&a);
    return rc;
}

/* Set user id's password; old (the current one) when users change their
 * own, NULL for an administrator's reset; w the actor when it is the
 * user of a session (NULL: the store's). */
static sr_error
set_password(struct sr_store *st, const struct sr_auth_policy *p,
             int64_t id, const char *old, const char *password,
             bool must_change, const struct who *w, const char *source)
{
    char hash[crypto_pwhash_STRBYTES], why[160], detail[96];
    struct sr_audb_auth a;
    struct sr_audb_event e;
    bool changed = false;
    size_t ended = 0;
    int64_t now;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    rc = lib_ready(st);
    if (rc == SR_OK)
        rc = sr_audb_auth_get(st, id, NULL, &a);
    if (rc != SR_OK)
        goto cleanup;
    now = sr_store_time(st);
    if (old) {
        bool good = password_ok(a.hash, old);

        if (a.disabled || a.locked_until > now || !good) {
            rc = record_failure(st, p, &a, w ? w->name : a.login, source,
                                a.disabled ? "account disabled" :
                                a.locked_until > now ? "account locked" :
                                "wrong current password");
            if (rc == SR_OK)
                rc = sr_store_fail_field(st, SR_ERR_AUTH, "old",
                                         _("the current password is wrong, or "
                                           "the account is locked"));
            goto cleanup;
        }
    }
    if (sr_password_check(p, a.login, password, why, sizeof(why)) !=
        SR_OK) {
        rc = sr_store_fail_field(st, SR_ERR_INPUT, "password", "%s", why);
        goto cleanup;
    }
    if (password_ok(a.hash, password)) {
        rc = sr_store_fail_field(st, SR_ERR_INPUT, "password",
                                 _("the new password is the same as the "
                                   "current one"));
        goto cleanup;
    }
    rc = password_hash(st, password, hash);
    if (rc != SR_OK)
        goto cleanup;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_audb_set_password(st, id, a.hash, hash, must_change, old != NULL,
                              &changed);
    if (rc == SR_OK && !changed)
        rc = sr_store_fail_code(st, SR_ERR_CONFLICT,
                                _("the password of user '%s' was changed at "
                                  "the same time; try again"),
                                a.login);
    if (rc == SR_OK)
        rc = sr_audb_sessions_end(st, id, &ended);
    if (rc == SR_OK) {
        e = event(old ? "password_changed" : "password_reset", w, id,
                  SR_AUDB_USER_STATE);
        snprintf(detail, sizeof(detail), "%zu session%s ended%s", ended,
                 ended == 1 ? "" : "s",
                 must_change ? "; must change it at the next sign-in" : "");
        e.detail = detail;
        e.source = source;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);

cleanup:
    sodium_memzero(hash, sizeof(hash));
    sr_audb_auth_release(&a);
    return rc;
}

sr_error
sr_user_set_password(struct sr_store *st, const struct sr_auth_policy *p,
                     int64_t id, const char *old, const char *password,
                     bool must_change)
{
    return set_password(st, p, id, old, password, must_change, NULL, NULL);
}

sr_error
sr_user_set_disabled(struct sr_store *st, int64_t id, bool disabled)
{
    struct sr_audb_auth a;
    struct sr_audb_event e;
    char detail[64] = "";
    int64_t others = 0;
    size_t ended = 0;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, id, NULL, &a);
    if (rc != SR_OK)
        goto cleanup;
    if (a.disabled == disabled) {
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                disabled ? _("user '%s' is already disabled") :
                                           _("user '%s' is already enabled"),
                                a.login);
        goto cleanup;
    }
    if (disabled && id == sr_store_user(st)) {
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("you cannot disable your own account"));
        goto cleanup;
    }
    if (disabled && (a.roles & SR_ROLES(SR_ROLE_ADMIN))) {
        rc = sr_audb_admins(st, id, 0, &others);
        if (rc == SR_OK && !others)
            rc = sr_store_fail_code(st, SR_ERR_STATE,
                                    _("user '%s' is the last enabled "
                                      "administrator: grant admin to another "
                                      "user first"),
                                    a.login);
        if (rc != SR_OK)
            goto cleanup;
    }
    rc = sr_audb_set_disabled(st, id, disabled);
    if (rc == SR_OK && disabled) {
        rc = sr_audb_sessions_end(st, id, &ended);
        snprintf(detail, sizeof(detail), "%zu session%s ended", ended,
                 ended == 1 ? "" : "s");
    }
    if (rc == SR_OK) {
        e = event(disabled ? "user_disabled" : "user_enabled", NULL, id,
                  SR_AUDB_USER_STATE);
        e.detail = disabled ? detail : NULL;
        rc = sr_audb_event(st, &e);
    }

cleanup:
    rc = finish(st, rc);
    sr_audb_auth_release(&a);
    return rc;
}

sr_error
sr_user_unlock(struct sr_store *st, int64_t id)
{
    struct sr_audb_auth a;
    struct sr_audb_event e;
    char detail[64];
    sr_error rc;

    memset(&a, 0, sizeof(a));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, id, NULL, &a);
    if (rc != SR_OK)
        goto cleanup;
    if (!a.failed_logins && a.locked_until <= (int64_t)sr_store_time(st)) {
        rc = sr_store_fail_code(st, SR_ERR_STATE, _("user '%s' is not locked"),
                                a.login);
        goto cleanup;
    }
    rc = sr_audb_set_failures(st, id, 0, 0);
    if (rc == SR_OK) {
        e = event("user_unlocked", NULL, id, SR_AUDB_USER_STATE);
        snprintf(detail, sizeof(detail), "%d failed sign-in%s cleared",
                 a.failed_logins, a.failed_logins == 1 ? "" : "s");
        e.detail = detail;
        rc = sr_audb_event(st, &e);
    }

cleanup:
    rc = finish(st, rc);
    sr_audb_auth_release(&a);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Role grants                                                          */
/* ------------------------------------------------------------------ */

static const char *
article(int role)
{
    return role == SR_ROLE_ADMIN || role == SR_ROLE_INSPECTOR ? "an" : "a";
}

/* Which of district and school a role takes. */
static sr_error
check_grant_shape(struct sr_store *st, int role, const char *district,
                  const char *school)
{
    const char *r = sr_role_name(role), *a = article(role);

    switch (role) {
    case SR_ROLE_DISTRICT:
        if (!district)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("a district grant needs a district"));
        if (school)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("a district grant takes no school"));
        return SR_OK;
    case SR_ROLE_SCHOOL:
        if (!school)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("a school grant needs a school"));
        if (district)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("a school grant takes no district (the "
                                        "school's district is known)"));
        return SR_OK;
    case SR_ROLE_INSPECTOR:
        if (district && school)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("an inspector grant takes a district "
                                        "or a school, not both"));
        if (!district && !school)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      _("an inspector grant needs a district "
                                        "or a school"));
        return SR_OK;
    default:
        if (district || school)
            return sr_store_fail_code(st, SR_ERR_INPUT,
                                      /* TRANSLATORS: "a" or "an", then the
                                         role's name (city, admin); the
                                         article may be left out with
                                         %.0s. */
                                      _("%s %s grant takes no district or "
                                        "school"),
                                      a, r);
        return SR_OK;
    }
}

sr_error
sr_grant_add(struct sr_store *st, int64_t user, int role,
             const char *district, const char *school, int64_t *grant)
{
    struct sr_audb_auth a;
    struct sr_audb_event e;
    char code[32] = "", detail[96];
    bool exists = false, closed = false;
    int64_t same = 0, id = 0;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    if (!sr_role_name(role))
        return sr_store_fail_code(st, SR_ERR_INPUT, _("unknown role %d"), role);
    if (district && !*district)
        district = NULL;
    if (school && !*school)
        school = NULL;
    rc = check_grant_shape(st, role, district, school);
    if (rc != SR_OK)
        return rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, user, NULL, &a);
    if (rc != SR_OK)
        goto cleanup;
    if (district) {
        rc = sr_audb_district(st, district, code);
        if (rc == SR_OK && !code[0])
            rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                    _("no district '%s' (give its code, "
                                      "such as 370102, or its name, such "
                                      "as 历下区)"),
                                    district);
        if (rc != SR_OK)
            goto cleanup;
    }
    if (school) {
        rc = sr_audb_school(st, school, &exists, &closed);
        if (rc == SR_OK && !exists)
            rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                    _("no school with code '%s' in the "
                                      "registry"),
                                    school);
        if (rc == SR_OK && closed)
            rc = sr_store_fail_code(st, SR_ERR_STATE,
                                    _("school '%s' is closed in the registry"),
                                    school);
        if (rc != SR_OK)
            goto cleanup;
    }
    rc = sr_audb_grant_same(st, user, role, district ? code : NULL, school,
                            &same);
    if (rc == SR_OK && same)
        rc = sr_store_fail_code(st, SR_ERR_CONFLICT,
                                _("user '%s' already holds this grant (grant "
                                  "%lld)"),
                                a.login, (long long)same);
    if (rc == SR_OK)
        rc = sr_audb_grant_insert(st, user, role, district ? code : NULL,
                                  school, &id);
    if (rc == SR_OK) {
        e = event("grant_added", NULL, user, SR_AUDB_GRANT_STATE);
        e.grant = id;
        snprintf(detail, sizeof(detail), "role %s%s%s%s%s",
                 sr_role_name(role), district ? ", district " : "",
                 district ? code : "", school ? ", school " : "",
                 school ? school : "");
        e.detail = detail;
        rc = sr_audb_event(st, &e);
    }

cleanup:
    rc = finish(st, rc);
    if (rc == SR_OK)
        *grant = id;
    sr_audb_auth_release(&a);
    return rc;
}

sr_error
sr_grant_revoke(struct sr_store *st, int64_t grant)
{
    struct sr_audb_event e;
    int64_t user = 0, others = 0;
    bool revoked = false;
    char detail[48];
    int role = -1;
    sr_error rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_grant_get(st, grant, &user, &role, &revoked);
    if (rc != SR_OK)
        goto cleanup;
    if (revoked) {
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("role grant %lld is already revoked"),
                                (long long)grant);
        goto cleanup;
    }
    if (role == SR_ROLE_ADMIN) {
        rc = sr_audb_admins(st, 0, grant, &others);
        if (rc == SR_OK && !others)
            rc = sr_store_fail_code(st, SR_ERR_STATE,
                                    _("role grant %lld is the last admin grant "
                                      "of an enabled user: grant admin to "
                                      "another user first"),
                                    (long long)grant);
        if (rc != SR_OK)
            goto cleanup;
    }
    rc = sr_audb_grant_revoke(st, grant);
    if (rc == SR_OK) {
        e = event("grant_revoked", NULL, user, SR_AUDB_GRANT_STATE);
        e.grant = grant;
        snprintf(detail, sizeof(detail), "role %s",
                 role >= 0 ? sr_role_name(role) : "?");
        e.detail = detail;
        rc = sr_audb_event(st, &e);
    }

cleanup:
    return finish(st, rc);
}

/* ------------------------------------------------------------------ */
/* Second factor (TOTP)                                                 */
/* ------------------------------------------------------------------ */

/* The key of a base32 secret (caller wipes and frees); SR_ERR_INPUT
 * when it is not base32. */
static sr_error
totp_key(const char *b32, char **key, size_t *len)
{
    int r;

    *key = NULL;
    *len = 0;
    if (!b32 || !*b32)
        return SR_ERR_INPUT;
    r = oath_base32_decode(b32, strlen(b32), key, len);
    if (r == OATH_MALLOC_ERROR)
        return SR_ERR_NOMEM;
    if (r != OATH_OK || !*len) {
        free(*key);
        *key = NULL;
        return SR_ERR_INPUT;
    }
    return SR_OK;
}

static void
key_free(char *key, size_t len)
{
    if (key)
        sodium_memzero(key, len);
    free(key);
}

sr_error
sr_totp_code(const char *secret_b32, int64_t when, char code[7])
{
    char *key = NULL;
    size_t len = 0;
    sr_error rc;

    pthread_once(&lib_once, lib_init);
    if (!lib_ok)
        return SR_ERR_INTERNAL;
    rc = totp_key(secret_b32, &key, &len);
    if (rc == SR_OK && (when < 0 ||
                        oath_totp_generate(key, len, (time_t)when, TOTP_STEP,
                                           0, TOTP_DIGITS, code) != OATH_OK))
        rc = SR_ERR_INTERNAL;
    key_free(key, len);
    return rc;
}

/* The time step, within one of now and after last, whose code is code
 * (six digits; spaces are ignored); 0 when none. */
static int64_t
totp_match(const char *key, size_t len, const char *code, int64_t now,
           int64_t last)
{
    char want[TOTP_DIGITS], got[TOTP_DIGITS + 1];
    int64_t d, step, match = 0;
    size_t n = 0;

    for (; code && *code; code++) {
        if (*code == ' ')
            continue;
        if (!is_digit(*code) || n == TOTP_DIGITS)
            return 0;
        want[n++] = *code;
    }
    if (n != TOTP_DIGITS)
        return 0;
    for (d = -1; d <= 1; d++) {
        step = now / TOTP_STEP + d;
        if (step <= last || step < 1)
            continue;
        if (oath_totp_generate(key, len, (time_t)(step * TOTP_STEP),
                               TOTP_STEP, 0, TOTP_DIGITS,
                               got) != OATH_OK)
            continue;
        if (!match && sodium_memcmp(got, want, TOTP_DIGITS) == 0)
            match = step;
    }
    sodium_memzero(got, sizeof(got));
    return match;
}

/* The step at which code is valid for base32 secret b32 (0: none). */
static sr_error
totp_check(struct sr_store *st, const char *login, const char *b32,
           const char *code, int64_t last, int64_t *step)
{
    char *key = NULL;
    size_t len = 0;
    sr_error rc;

    *step = 0;
    rc = totp_key(b32, &key, &len);
    if (rc == SR_ERR_INPUT)
        rc = sr_store_fail_code(st, SR_ERR_INTERNAL,
                                _("the stored second factor of user '%s' is "
                                  "not base32"),
                                login);
    if (rc == SR_OK)
        *step = totp_match(key, len, code, sr_store_time(st), last);
    key_free(key, len);
    return rc;
}

sr_error
sr_totp_begin(struct sr_store *st, int64_t user, char secret[33],
              char **uri)
{
    unsigned char raw[TOTP_SECRET_BYTES];
    struct sr_audb_auth a;
    char *b32 = NULL, *u = NULL;
    size_t len = 0;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    *uri = NULL;
    rc = lib_ready(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, user, NULL, &a);
    if (rc == SR_OK && a.totp_secret)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("user '%s' already has a second factor: "
                                  "reset it first"),
                                a.login);
    if (rc != SR_OK)
        goto cleanup;
    randombytes_buf(raw, sizeof(raw));
    if (oath_base32_encode((const char *)raw, sizeof(raw), &b32, &len) !=
            OATH_OK ||
        len != 32) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    u = sr_asprintf("otpauth://totp/schoolrisk:%s?secret=%s&"
                    "issuer=schoolrisk",
                    a.login, b32);
    if (!u) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    rc = sr_audb_totp_pending(st, user, b32);

cleanup:
    rc = finish(st, rc);
    if (rc == SR_OK) {
        memcpy(secret, b32, 33);
        *uri = u;
        u = NULL;
    }
    sodium_memzero(raw, sizeof(raw));
    if (b32)
        sodium_memzero(b32, len);
    free(b32);
    free(u);
    sr_audb_auth_release(&a);
    return rc;
}

/* Confirm user's pending secret with code, in one transaction; with sha
 * also move that session on (w: its user). */
static sr_error
totp_confirm(struct sr_store *st, const struct sr_auth_policy *p,
             int64_t user, const char *code, const char *sha,
             const struct who *w)
{
    struct sr_audb_auth a;
    struct sr_audb_event e;
    int64_t step = 0;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    rc = lib_ready(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, user, NULL, &a);
    if (rc == SR_OK && !a.totp_pending)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("no second factor is being enrolled for "
                                  "user '%s'"),
                                a.login);
    if (rc == SR_OK)
        rc = totp_check(st, a.login, a.totp_pending, code, a.totp_last,
                        &step);
    if (rc == SR_OK && !step)
        rc = sr_store_fail_code(st, SR_ERR_AUTH,
                                _("the code is wrong or was already used"));
    if (rc == SR_OK)
        rc = sr_audb_totp_set(st, user, a.totp_pending, step);
    if (rc == SR_OK && sha)
        rc = sr_audb_session_stage(st, sha,
                                   stage_after_factor(p, &a,
                                                      sr_store_time(st)));
    if (rc == SR_OK) {
        e = event("totp_enrolled", w, user, SR_AUDB_USER_STATE);
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);
    sr_audb_auth_release(&a);
    return rc;
}

sr_error
sr_totp_confirm(struct sr_store *st, int64_t user, const char *code)
{
    return totp_confirm(st, NULL, user, code, NULL, NULL);
}

sr_error
sr_totp_reset(struct sr_store *st, int64_t user)
{
    struct sr_audb_auth a;
    struct sr_audb_event e;
    char detail[48];
    size_t ended = 0;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_auth_get(st, user, NULL, &a);
    if (rc == SR_OK && !a.totp_secret && !a.totp_pending)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("user '%s' has no second factor"), a.login);
    if (rc == SR_OK)
        rc = sr_audb_totp_set(st, user, NULL, -1);
    /* A lost phone may be in other hands: its sessions end too. */
    if (rc == SR_OK)
        rc = sr_audb_sessions_end(st, user, &ended);
    if (rc == SR_OK) {
        e = event("totp_reset", NULL, user, SR_AUDB_USER_STATE);
        snprintf(detail, sizeof(detail), "%zu session%s ended", ended,
                 ended == 1 ? "" : "s");
        e.detail = detail;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);
    sr_audb_auth_release(&a);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Sign-in and sessions                                                 */
/* ------------------------------------------------------------------ */

/* 32 random bytes in base64url without padding (43 characters). */
static void
new_token(char out[48])
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, 48, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

static const char *
login_detail(int stage)
{
    switch (stage) {
    case SR_SESSION_TOTP:
        return "password accepted; the TOTP code is next";
    case SR_SESSION_ENROLL:
        return "password accepted; a second factor must be enrolled";
    case SR_SESSION_PASSWORD:
        return "password accepted; the password must be changed";
    default:
        return "signed in";
    }
}

sr_error
sr_auth_login(struct sr_store *st, const struct sr_auth_policy *p,
              const struct sr_login *in, struct sr_session_new *out)
{
    char rehash[crypto_pwhash_STRBYTES], sha[65], detail[96];
    char typed[72], src[72], agent[264];
    const char *source, *why;
    struct sr_audb_session se;
    struct sr_audb_auth a;
    struct sr_audb_event e;
    bool found, good, ok = false;
    int64_t now;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    memset(&se, 0, sizeof(se));
    memset(out, 0, sizeof(*out));
    rehash[0] = '\0';
    if (!in->login || !*in->login)
        return sr_store_fail_field(st, SR_ERR_INPUT, "login",
                                   _("the login is required"));
    if (!in->password || !*in->password)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("the password is required"));
    rc = lib_ready(st);
    if (rc != SR_OK)
        return rc;
    log_text(in->login, typed, 65);
    source = log_text(in->source, src, sizeof(src));

    rc = sr_audb_auth_get(st, 0, in->login, &a);
    found = rc == SR_OK;
    if (rc != SR_OK && rc != SR_ERR_NOT_FOUND)
        goto cleanup;
    rc = SR_OK;
    if (!found)
        pthread_once(&dummy_once, dummy_init);
    /* Argon2id always runs, whatever fails below. */
    good = password_ok(found ? a.hash : dummy_hash, in->password) && found;
    now = sr_store_time(st);
    if (!good || a.disabled || a.locked_until > now) {
        why = !found        ? "unknown login"
              : a.disabled  ? "account disabled"
              : a.locked_until > now ? "account locked"
                                     : "wrong password";
        rc = record_failure(st, p, found ? &a : NULL, typed, source, why);
        if (rc == SR_OK)
            rc = SR_ERR_AUTH;
        goto cleanup;
    }
    if (crypto_pwhash_str_needs_rehash(a.hash, PW_OPS, PW_MEM) != 0 &&
        crypto_pwhash_str(rehash, in->password, strlen(in->password),
                          PW_OPS, PW_MEM) != 0)
        rehash[0] = '\0';  /* out of memory: keep the old hash */
    se.user = a.id;
    se.stage = stage_first(p, &a, now);
    se.created_at = se.seen_at = now;
    se.expires_at = now + (int64_t)p->session_max;
    new_token(out->token);
    new_token(se.csrf);
    sr_sha256_hex(out->token, strlen(out->token), sha);

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_audb_login_ok(st, a.id, a.hash, rehash[0] ? rehash : NULL, now,
                          &ok);
    if (rc == SR_OK && !ok)
        rc = SR_ERR_AUTH;  /* disabled, locked or changed meanwhile */
    if (rc == SR_OK)
        rc = sr_audb_session_insert(st, sha, &se, source,
                                    log_text(in->agent, agent,
                                             sizeof(agent)));
    if (rc == SR_OK) {
        struct who w = {a.id, typed};

        e = event("login", &w, a.id,
                  rehash[0] ? SR_AUDB_USER_STATE : SR_AUDB_NO_STATE);
        snprintf(detail, sizeof(detail), "%s%s", login_detail(se.stage),
                 rehash[0] ? "; password rehashed" : "");
        e.detail = detail;
        e.source = source;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);
    if (rc == SR_OK) {
        memcpy(out->csrf, se.csrf, sizeof(out->csrf));
        out->stage = se.stage;
        out->user = a.id;
        out->expires_at = se.expires_at;
    }

cleanup:
    if (rc == SR_ERR_AUTH)
        sr_store_fail_code(st, SR_ERR_AUTH, "%s", _(auth_failed));
    if (rc != SR_OK)
        sodium_memzero(out, sizeof(*out));
    sodium_memzero(rehash, sizeof(rehash));
    sodium_memzero(&se, sizeof(se));
    sr_audb_auth_release(&a);
    return rc;
}

/* The live session of token (under policy p; NULL: only its absolute
 * expiry), its token's SHA-256 and its user with the active grants (u,
 * released by the caller).  SR_ERR_AUTH "the session has expired" when
 * there is none. */
static sr_error
session_find(struct sr_store *st, const struct sr_auth_policy *p,
             const char *token, char sha[65], struct sr_audb_session *se,
             struct sr_user *u)
{
    int64_t now = sr_store_time(st);
    bool found = false;
    sr_error rc;

    memset(se, 0, sizeof(*se));
    memset(u, 0, sizeof(*u));
    sha[0] = '\0';
    if (!token || !*token)
        return sr_store_fail_code(st, SR_ERR_AUTH, "%s", _(session_expired));
    sr_sha256_hex(token, strlen(token), sha);
    rc = sr_audb_session_get(st, sha, se, u, &found);
    if (rc != SR_OK)
        return rc;
    if (!found || u->disabled || now > se->expires_at ||
        (p && (now - se->created_at > (int64_t)p->session_max ||
               now - se->seen_at > (int64_t)p->session_idle)))
        return sr_store_fail_code(st, SR_ERR_AUTH, "%s", _(session_expired));
    return SR_OK;
}

static int64_t
min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

void
sr_principal_release(struct sr_principal *p)
{
    if (!p)
        return;
    sr_user_release(&p->user);
    sodium_memzero(p->csrf, sizeof(p->csrf));
    memset(p, 0, sizeof(*p));
}

/* Plan grants: an expert assigned to a school by a published inspection
 * plan may inspect it from the first day of the plan's period, as if an
 * inspector grant named the school, for as long as the plan lists the
 * pair among the expert's assignments (sr_plan_assignments(): until it
 * is done, and while the period lasts when done).  The grant is made
 * per session, never stored: it goes with the plan.  Its id is 0 and
 * granted_by names the plan ("检查计划 #3"). */
struct plan_grants {
    struct sr_user *u;
    const char *today;
    size_t cap;
    sr_error rc;
};

static bool grant_covers(const struct sr_grant *g, const char *district,
                         const char *school);

/* True when an inspector grant of @p u covers the school already. */
static bool
inspects(const struct sr_user *u, const char *district, const char *school)
{
    size_t i;

    for (i = 0; i < u->n_grants; i++)
        if (u->grants[i].role == SR_ROLE_INSPECTOR &&
            grant_covers(&u->grants[i], district, school))
            return true;
    return false;
}

static int
plan_grant_add(const struct sr_plan_assignment *a, void *ctx)
{
    struct plan_grants *pg = ctx;
    struct sr_user *u = pg->u;
    struct sr_grant *g;
    char by[48];

    if (strcmp(a->start, pg->today) > 0 ||
        inspects(u, a->district, a->school))
        return 0;
    if (u->n_grants == pg->cap) {
        size_t cap = pg->cap ? 2 * pg->cap : 8;
        struct sr_grant *v = realloc(u->grants, cap * sizeof(*v));

        if (!v) {
            pg->rc = SR_ERR_NOMEM;
            return 1;
        }
        u->grants = v;
        pg->cap = cap;
    }
    g = &u->grants[u->n_grants];
    memset(g, 0, sizeof(*g));
    snprintf(by, sizeof(by), "检查计划 #%lld", (long long)a->plan);
    g->role = SR_ROLE_INSPECTOR;
    g->district = sr_strdup(a->district);
    g->district_name = sr_strdup(a->district_name);
    g->school = sr_strdup(a->school);
    g->school_name = sr_strdup(a->school_name);
    g->granted_at = sr_strdup(a->start);
    g->granted_by = sr_strdup(by);
    u->n_grants++;
    if (!g->district || !g->district_name || !g->school || !g->school_name ||
        !g->granted_at || !g->granted_by) {
        pg->rc = SR_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* Add the plan grants of an inspector @p u (see above). */
static sr_error
add_plan_grants(struct sr_store *st, struct sr_user *u)
{
    struct plan_grants pg = {u, NULL, u->n_grants, SR_OK};
    char today[16];
    sr_error rc;

    sr_store_today(st, today);
    pg.today = today;
    rc = sr_plan_assignments(st, u->id, plan_grant_add, &pg);
    return rc != SR_OK ? rc : pg.rc;
}

sr_error
sr_auth_session(struct sr_store *st, const struct sr_auth_policy *p,
                const char *token, struct sr_principal *out)
{
    int64_t now = sr_store_time(st), seen;
    struct sr_audb_session se;
    char sha[65];
    sr_error rc;
    size_t i;

    memset(out, 0, sizeof(*out));
    rc = session_find(st, p, token, sha, &se, &out->user);
    if (rc != SR_OK)
        goto cleanup;
    seen = se.seen_at;
    if (now - seen >= TOUCH_SECONDS) {
        rc = sr_audb_session_touch(st, sha, now);
        if (rc != SR_OK)
            goto cleanup;
        seen = now;
    }
    out->stage = se.stage;
    memcpy(out->csrf, se.csrf, sizeof(out->csrf));
    for (i = 0; i < out->user.n_grants; i++)
        out->roles |= SR_ROLES(out->user.grants[i].role);
    if (out->roles & SR_ROLES(SR_ROLE_INSPECTOR)) {
        rc = add_plan_grants(st, &out->user);
        if (rc != SR_OK)
            goto cleanup;
    }
    out->expires_at = min64(se.expires_at,
                            se.created_at + (int64_t)p->session_max);
    out->idle_expires_at =
        min64(seen + (int64_t)p->session_idle, out->expires_at);

cleanup:
    if (rc != SR_OK)
        sr_principal_release(out);
    sodium_memzero(&se, sizeof(se));
    return rc;
}

/* The session of token at stage want (else SR_ERR_STATE, naming what
 * the stage allows). */
static sr_error
session_at(struct sr_store *st, const struct sr_auth_policy *p,
           const char *token, int want, const char *what, char sha[65],
           struct sr_audb_session *se, struct sr_user *u)
{
    sr_error rc = session_find(st, p, token, sha, se, u);

    if (rc == SR_OK && se->stage != want)
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                /* TRANSLATORS: what the session should be
                                   doing ("waiting for a TOTP code"), then
                                   the name of the stage it is at. */
                                _("the session is not %s (its stage is "
                                  "'%s')"),
                                what, sr_session_stage_name(se->stage));
    return rc;
}

sr_error
sr_auth_totp(struct sr_store *st, const struct sr_auth_policy *p,
             const char *token, const char *code, const char *source)
{
    struct sr_audb_session se;
    struct sr_audb_auth a;
    struct sr_audb_event e;
    struct sr_user u;
    char sha[65], src[72], detail[96];
    bool ok = false;
    int64_t step = 0, now = sr_store_time(st);
    int next;
    sr_error rc;

    memset(&a, 0, sizeof(a));
    memset(&u, 0, sizeof(u));
    source = log_text(source, src, sizeof(src));
    rc = lib_ready(st);
    if (rc == SR_OK)
        rc = session_at(st, p, token, SR_SESSION_TOTP,
                        _("waiting for a TOTP code"), sha, &se, &u);
    if (rc == SR_OK)
        rc = sr_audb_auth_get(st, se.user, NULL, &a);
    if (rc != SR_OK)
        goto cleanup;
    if (a.totp_secret && a.locked_until <= now)
        rc = totp_check(st, a.login, a.totp_secret, code, a.totp_last,
                        &step);
    if (rc != SR_OK)
        goto cleanup;
    if (!step) {
        rc = record_failure(st, p, &a, a.login, source,
                            a.locked_until > now ? "account locked"
                                                 : "wrong TOTP code");
        if (rc == SR_OK)
            rc = sr_store_fail_code(st, SR_ERR_AUTH,
                                    _("the code is wrong or was already used, "
                                      "or the account is locked"));
        goto cleanup;
    }
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_audb_totp_used(st, a.id, step, &ok);
    if (rc == SR_OK && !ok)
        /* Another request took the same code first. */
        rc = sr_store_fail_code(st, SR_ERR_AUTH,
                                _("the code is wrong or was already used, or "
                                  "the account is locked"));
    next = stage_after_factor(p, &a, now);
    if (rc == SR_OK)
        rc = sr_audb_session_stage(st, sha, next);
    if (rc == SR_OK) {
        struct who w = {a.id, a.login};

        e = event("login", &w, a.id, SR_AUDB_NO_STATE);
        snprintf(detail, sizeof(detail), "TOTP code accepted%s",
                 next == SR_SESSION_PASSWORD
                     ? "; the password must be changed"
                     : "");
        e.detail = detail;
        e.source = source;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);

cleanup:
    sr_user_release(&u);
    sr_audb_auth_release(&a);
    return rc;
}

sr_error
sr_auth_enroll_begin(struct sr_store *st, const char *token, char secret[33],
                     char **uri)
{
    struct sr_audb_session se;
    struct sr_user u;
    char sha[65];
    sr_error rc;

    *uri = NULL;
    /* No policy here: the session's absolute expiry is checked, its idle
     * time is left to the sr_auth_session() that precedes this call. */
    rc = session_at(st, NULL, token, SR_SESSION_ENROLL,
                    _("enrolling a second factor"), sha, &se, &u);
    if (rc == SR_OK)
        rc = sr_totp_begin(st, se.user, secret, uri);
    sr_user_release(&u);
    return rc;
}

sr_error
sr_auth_enroll_confirm(struct sr_store *st, const struct sr_auth_policy *p,
                       const char *token, const char *code)
{
    struct sr_audb_session se;
    struct sr_user u;
    char sha[65];
    sr_error rc;

    rc = session_at(st, p, token, SR_SESSION_ENROLL,
                    _("enrolling a second factor"), sha, &se, &u);
    if (rc == SR_OK) {
        struct who w = {u.id, u.login};

        rc = totp_confirm(st, p, se.user, code, sha, &w);
    }
    sr_user_release(&u);
    return rc;
}

sr_error
sr_auth_change_password(struct sr_store *st, const struct sr_auth_policy *p,
                        const char *token, const char *old,
                        const char *password, const char *source)
{
    struct sr_audb_session se;
    struct sr_user u;
    char sha[65], src[72];
    sr_error rc;

    source = log_text(source, src, sizeof(src));
    rc = session_find(st, p, token, sha, &se, &u);
    if (rc == SR_OK && (se.stage == SR_SESSION_TOTP ||
                        se.stage == SR_SESSION_ENROLL))
        rc = sr_store_fail_code(st, SR_ERR_STATE,
                                _("the session must pass its second factor "
                                  "first (its stage is '%s')"),
                                sr_session_stage_name(se.stage));
    if (rc == SR_OK && !old)
        rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                _("the current password is required"));
    if (rc == SR_OK) {
        struct who w = {u.id, u.login};

        rc = set_password(st, p, se.user, old, password, false, &w, source);
    }
    sr_user_release(&u);
    return rc;
}

sr_error
sr_auth_logout(struct sr_store *st, const char *token, const char *source)
{
    struct sr_audb_session se;
    struct sr_audb_event e;
    struct sr_user u;
    char sha[65], src[72];
    bool found = false;
    sr_error rc;

    memset(&u, 0, sizeof(u));
    if (!token || !*token)
        return SR_OK;
    source = log_text(source, src, sizeof(src));
    sr_sha256_hex(token, strlen(token), sha);
    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_session_get(st, sha, &se, &u, &found);
    if (rc == SR_OK && found)
        rc = sr_audb_session_end(st, sha);
    if (rc == SR_OK && found) {
        struct who w = {u.id, u.login};

        e = event("logout", &w, u.id, SR_AUDB_NO_STATE);
        e.source = source;
        rc = sr_audb_event(st, &e);
    }
    rc = finish(st, rc);
    sr_user_release(&u);
    return rc;
}

sr_error
sr_auth_sweep(struct sr_store *st, const struct sr_auth_policy *p, size_t *n)
{
    size_t deleted = 0;
    sr_error rc;

    rc = sr_store_begin(st);
    if (rc != SR_OK)
        return rc;
    rc = sr_audb_sessions_sweep(st, sr_store_time(st),
                                (int64_t)p->session_idle,
                                (int64_t)p->session_max, &deleted);
    rc = finish(st, rc);
    if (rc == SR_OK && n)
        *n = deleted;
    return rc;
}

/* ------------------------------------------------------------------ */
/* Scope                                                                */
/* ------------------------------------------------------------------ */

bool
sr_principal_has(const struct sr_principal *p, unsigned roles)
{
    return (p->roles & roles) != 0;
}

static bool
same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* A grant covers (district, school); the caller names a school's
 * district along with the school. */
static bool
grant_covers(const struct sr_grant *g, const char *district,
             const char *school)
{
    switch (g->role) {
    case SR_ROLE_CITY:
        return true;
    case SR_ROLE_DISTRICT:
        return same(g->district, district);
    case SR_ROLE_SCHOOL:
        return same(g->school, school);
    case SR_ROLE_INSPECTOR:
        return g->school ? same(g->school, school)
                         : same(g->district, district);
    default:
        /* Admin: users and grants only, never school data. */
        return false;
    }
}

bool
sr_principal_covers(const struct sr_principal *p, unsigned roles,
                    const char *district, const char *school)
{
    size_t i;

    for (i = 0; i < p->user.n_grants; i++) {
        const struct sr_grant *g = &p->user.grants[i];

        if ((roles & SR_ROLES(g->role)) && grant_covers(g, district, school))
            return true;
    }
    return false;
}

static void
add_unique(const char **v, size_t *n, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (!strcmp(v[i], s))
            return;
    v[(*n)++] = s;
}

sr_error
sr_principal_scope(const struct sr_principal *p, unsigned roles,
                   struct sr_scope *out)
{
    size_t n = p->user.n_grants, i;

    memset(out, 0, sizeof(*out));
    if (!n)
        return SR_OK;
    out->districts = calloc(n, sizeof(*out->districts));
    out->schools = calloc(n, sizeof(*out->schools));
    if (!out->districts || !out->schools) {
        sr_scope_release(out);
        return SR_ERR_NOMEM;
    }
    for (i = 0; i < n; i++) {
        const struct sr_grant *g = &p->user.grants[i];

        if (!(roles & SR_ROLES(g->role)) || g->role == SR_ROLE_ADMIN)
            continue;
        if (g->role == SR_ROLE_CITY)
            out->all = true;
        else if (g->school)
            add_unique(out->schools, &out->n_schools, g->school);
        else if (g->district)
            add_unique(out->districts, &out->n_districts, g->district);
    }
    if (out->all) {
        /* Everything: the lists would only restate it. */
        out->n_districts = out->n_schools = 0;
    }
    return SR_OK;
}

void
sr_scope_release(struct sr_scope *s)
{
    if (!s)
        return;
    free(s->districts);
    free(s->schools);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ */
/* The security log                                                     */
/* ------------------------------------------------------------------ */

/* The UTC instant at which China day `date` plus `days` begins. */
static void
china_day_start(const char *date, int days, char out[32])
{
    struct tm tm;
    time_t t;

    memset(&tm, 0, sizeof(tm));
    strptime(date, "%Y-%m-%d", &tm);
    t = timegm(&tm) + (time_t)days * 86400 - 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

sr_error
sr_security_list(struct sr_store *st, const struct sr_security_filter *f,
                 sr_security_fn fn, void *ctx, size_t *total)
{
    struct sr_security_filter any;
    char since[32], until[32];

    if (!f) {
        memset(&any, 0, sizeof(any));
        f = &any;
    }
    if (f->since && !sr_date_valid(f->since))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("since '%s' is not a valid date "
                                    "(YYYY-MM-DD)"),
                                  f->since);
    if (f->until && !sr_date_valid(f->until))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("until '%s' is not a valid date "
                                    "(YYYY-MM-DD)"),
                                  f->until);
    if (f->since)
        china_day_start(f->since, 0, since);
    if (f->until)
        china_day_start(f->until, 1, until);
    return sr_audb_security_list(st, f, f->since ? since : NULL,
                                 f->until ? until : NULL, fn, ctx, total);
}
