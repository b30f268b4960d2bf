/*
 * users.c - user accounts, their role grants and the security log:
 * /api/v1/users and /api/v1/security-log, the administrator's pages.
 *
 * The routes admit the administrator only (routes.c); the rules (who
 * may be disabled, which grant a role takes, the last administrator)
 * are the library's (auth.h).  A new account and a reset get a random
 * one-time password that the answer carries once and that must be
 * changed at the first sign-in; no answer ever carries a password hash
 * or a TOTP secret (web_user_json() has neither).  Creating an account
 * and resetting a password run Argon2id, so they do their work on the
 * slow pool (slow.h): the handler runs three times, to check the
 * request, to do the work (WEB_SLOW_QUEUED, on a pool thread) and to
 * answer (WEB_SLOW_DONE).
 */
#include "web.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "schoolrisk/date.h"
#include "schoolrisk/json.h"
#include "schoolrisk/store.h"
#include "slow.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

/* The role named by the body's "role" (required or not); -1 when it is
 * absent; false after answering 400 for an unknown one. */
static bool
role_field(struct web_req *r, bool required, int *role)
{
    const char *name;

    *role = -1;
    if (!web_str(r, "role", required, &name))
        return false;
    if (!name || !*name)
        return true;
    *role = sr_role_lookup(name);
    if (*role >= 0)
        return true;
    web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "role", 0,
              _("unknown role '%s' (admin 系统管理员, city 市局, district "
                "区县, school 学校 or inspector 检查员)"),
              name);
    return false;
}

/* An optional string field as the library takes it: NULL when absent
 * or empty. */
static const char *
opt(const char *s)
{
    return s && *s ? s : NULL;
}

/* The last sign-in of a user, from the security log. */
struct last_login {
    cJSON *v;
    int ok;
};

static int
last_login_fn(const struct sr_security_event *e, void *ctx)
{
    struct last_login *ll = ctx;

    ll->v = cJSON_CreateObject();
    ll->ok = ll->v != NULL;
    if (!ll->ok)
        return 1;
    sr_json_add(ll->v, "at", sr_json_str(e->at), &ll->ok);
    sr_json_add(ll->v, "source", sr_json_str(e->source), &ll->ok);
    return 1;
}

/* Answer with user @p id at @p status: the user with "last_login", or
 * inside {"user": ...} with @p extra's members when extra is given
 * (taken over). */
static enum MHD_Result
user_answer(struct web_req *r, int64_t id, unsigned status, cJSON *extra)
{
    struct sr_security_filter f;
    struct last_login ll = {NULL, 1};
    struct sr_user u;
    cJSON *o, *root;
    int ok;
    sr_error rc;

    memset(&u, 0, sizeof(u));
    memset(&f, 0, sizeof(f));
    f.user = id;
    f.action = "login";
    f.limit = 1;
    rc = sr_user_get(r->st, id, &u);
    if (rc == SR_OK)
        rc = sr_security_list(r->st, &f, last_login_fn, &ll, NULL);
    if (rc != SR_OK) {
        sr_user_release(&u);
        cJSON_Delete(ll.v);
        cJSON_Delete(extra);
        return web_fail(r, rc, NULL);
    }
    o = web_user_json(&u);
    sr_user_release(&u);
    ok = o != NULL && ll.ok;
    if (o)
        sr_json_add(o, "last_login", ll.v ? ll.v : cJSON_CreateNull(), &ok);
    else
        cJSON_Delete(ll.v);
    if (extra) {
        /* The user goes inside extra, which then owns it. */
        root = extra;
        if (o)
            sr_json_add(root, "user", o, &ok);
    } else {
        root = o;
    }
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, status, root);
}

/* {"password": pw} to go beside the user: the one time it is shown. */
static cJSON *
password_json(const char *pw)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    sr_json_add(o, "password", sr_json_str(pw), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------ */
/* Listing and reading                                                  */
/* ------------------------------------------------------------------ */

struct list_ctx {
    cJSON *arr;
    size_t offset, limit, total;
    int ok;
};

static int
list_fn(const struct sr_user *u, void *ctx)
{
    struct list_ctx *lc = ctx;

    if (lc->total >= lc->offset && lc->total < lc->offset + lc->limit)
        sr_json_add(lc->arr, NULL, web_user_json(u), &lc->ok);
    lc->total++;
    return !lc->ok;
}

WEB_HANDLER(web_users_list)
{
    struct list_ctx lc;
    cJSON *root;
    sr_error rc;

    memset(&lc, 0, sizeof(lc));
    if (!web_paging(r, 50, 500, &lc.offset, &lc.limit))
        return web_done(r);
    root = cJSON_CreateObject();
    lc.arr = cJSON_CreateArray();
    lc.ok = root && lc.arr;
    if (!lc.ok) {
        cJSON_Delete(root);
        cJSON_Delete(lc.arr);
        return web_json(r, MHD_HTTP_OK, NULL);
    }
    rc = sr_user_list(r->st, list_fn, &lc);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        cJSON_Delete(lc.arr);
        return web_fail(r, rc, NULL);
    }
    sr_json_add(root, "total", sr_json_int((int64_t)lc.total), &lc.ok);
    sr_json_add(root, "page",
                sr_json_int((int64_t)(lc.offset / lc.limit + 1)), &lc.ok);
    sr_json_add(root, "size", sr_json_int((int64_t)lc.limit), &lc.ok);
    sr_json_add(root, "items", lc.arr, &lc.ok);
    if (!lc.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

WEB_HANDLER(web_users_get)
{
    int64_t id;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    return user_answer(r, id, MHD_HTTP_OK, NULL);
}

/* ------------------------------------------------------------------ */
/* Creating an account (slow)                                           */
/* ------------------------------------------------------------------ */

/* The request as checked, and what the work left for the answer. */
struct add_job {
    const char *login, *name, *unit, *phone, *district, *school;
    int role;
    char password[17];
    int64_t id;
    sr_error grant_rc;       /* SR_OK, or why the grant failed */
    char grant_msg[1024];
    char grant_field[48];
};

static void
free_job(void *p)
{
    sodium_memzero(p, sizeof(struct add_job));
    free(p);
}

static void
add_work(struct web_req *r, struct add_job *job)
{
    struct sr_user_new n;
    const char *f;
    int64_t grant = 0;
    sr_error rc;

    sr_password_for(&r->cfg->policy, job->login, job->password);
    memset(&n, 0, sizeof(n));
    n.login = job->login;
    n.name = job->name;
    n.unit = job->unit;
    n.phone = job->phone;
    n.password = job->password;
    n.must_change = true;
    rc = sr_user_add(r->st, &r->cfg->policy, &n, &job->id);
    web_slow_keep(r, rc);
    if (rc != SR_OK || job->role < 0)
        return;
    /* The account exists whatever happens to the grant: the answer
     * says so beside the user. */
    job->grant_rc = sr_grant_add(r->st, job->id, job->role, job->district,
                                 job->school, &grant);
    if (job->grant_rc == SR_OK)
        return;
    snprintf(job->grant_msg, sizeof(job->grant_msg), "%s",
             sr_store_errmsg(r->st));
    f = sr_store_errfield(r->st);
    snprintf(job->grant_field, sizeof(job->grant_field), "%s", f ? f : "");
}

/* The grant's failure as an error object (the shape of web_error's). */
static cJSON *
grant_error_json(const struct add_job *job)
{
    cJSON *e = cJSON_CreateObject();
    const char *code;
    int ok = e != NULL;

    switch (job->grant_rc) {
    case SR_ERR_NOT_FOUND:
        code = "not_found";
        break;
    case SR_ERR_CONFLICT:
        code = "conflict";
        break;
    case SR_ERR_STATE:
        code = "state";
        break;
    case SR_ERR_INPUT:
        code = "invalid";
        break;
    default:
        code = "internal";
        break;
    }
    sr_json_add(e, "code", sr_json_str(code), &ok);
    sr_json_add(e, "message",
                sr_json_str(job->grant_msg[0] ? job->grant_msg
                                              : sr_strerror(job->grant_rc)),
                &ok);
    if (job->grant_field[0])
        sr_json_add(e, "field", sr_json_str(job->grant_field), &ok);
    if (!ok) {
        cJSON_Delete(e);
        return NULL;
    }
    return e;
}

WEB_HANDLER(web_users_add)
{
    struct add_job *job;
    cJSON *extra;
    int ok;

    if (r->slow_state == WEB_SLOW_QUEUED) {
        add_work(r, r->slow_result);
        return MHD_YES;
    }
    if (r->slow_state == WEB_SLOW_DONE) {
        job = r->slow_result;
        if (r->slow_rc != SR_OK)
            return web_fail(r, r->slow_rc, NULL);
        extra = password_json(job->password);
        ok = extra != NULL;
        if (ok && job->role >= 0 && job->grant_rc != SR_OK) {
            sr_json_add(extra, "grant_error", grant_error_json(job), &ok);
            sr_json_add(extra, "warning",
                        sr_json_str(_("the user was added without the "
                                      "role: grant it again")),
                        &ok);
        }
        if (!ok) {
            cJSON_Delete(extra);
            return web_json(r, MHD_HTTP_CREATED, NULL);
        }
        return user_answer(r, job->id, MHD_HTTP_CREATED, extra);
    }
    job = calloc(1, sizeof(*job));
    if (!job)
        return web_json(r, MHD_HTTP_CREATED, NULL);
    r->slow_result = job;
    r->slow_free = free_job;
    if (!web_str(r, "login", true, &job->login) ||
        !web_str(r, "name", true, &job->name) ||
        !web_str(r, "unit", false, &job->unit) ||
        !web_str(r, "phone", false, &job->phone) ||
        !role_field(r, false, &job->role) ||
        !web_str(r, "district", false, &job->district) ||
        !web_str(r, "school", false, &job->school))
        return web_done(r);
    job->unit = opt(job->unit);
    job->phone = opt(job->phone);
    job->district = opt(job->district);
    job->school = opt(job->school);
    if (job->role < 0 && (job->district || job->school))
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "role", 0,
                         "%s", _("a district or a school goes with a role"));
    return MHD_YES;
}

/* ------------------------------------------------------------------ */
/* Resetting a password (slow)                                          */
/* ------------------------------------------------------------------ */

struct reset_job {
    int64_t id;
    char login[72];
    char password[17];
};

static void
free_reset(void *p)
{
    sodium_memzero(p, sizeof(struct reset_job));
    free(p);
}

WEB_HANDLER(web_users_password)
{
    struct reset_job *job;
    struct sr_user u;
    sr_error rc;

    if (r->slow_state == WEB_SLOW_QUEUED) {
        job = r->slow_result;
        sr_password_for(&r->cfg->policy, job->login, job->password);
        web_slow_keep(r, sr_user_set_password(r->st, &r->cfg->policy,
                                              job->id, NULL, job->password,
                                              true));
        return MHD_YES;
    }
    if (r->slow_state == WEB_SLOW_DONE) {
        job = r->slow_result;
        if (r->slow_rc != SR_OK)
            return web_fail(r, r->slow_rc, NULL);
        return user_answer(r, job->id, MHD_HTTP_OK,
                           password_json(job->password));
    }
    job = calloc(1, sizeof(*job));
    if (!job)
        return web_json(r, MHD_HTTP_OK, NULL);
    r->slow_result = job;
    r->slow_free = free_reset;
    if (!web_param_id(r, 0, &job->id))
        return web_done(r);
    /* The user must exist before any Argon2id runs; the login keeps
     * the new password from containing it. */
    memset(&u, 0, sizeof(u));
    rc = sr_user_get(r->st, job->id, &u);
    if (rc == SR_OK)
        snprintf(job->login, sizeof(job->login), "%s", u.login);
    sr_user_release(&u);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return MHD_YES;
}

/* ------------------------------------------------------------------ */
/* Changing an account                                                  */
/* ------------------------------------------------------------------ */

WEB_HANDLER(web_users_update)
{
    const char *name, *unit, *phone;
    int64_t id;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_str(r, "name", false, &name) ||
        !web_str(r, "unit", false, &unit) ||
        !web_str(r, "phone", false, &phone))
        return web_done(r);
    rc = sr_user_update(r->st, id, name, unit, phone);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return user_answer(r, id, MHD_HTTP_OK, NULL);
}

enum action { DISABLE, ENABLE, UNLOCK, TOTP_RESET };

static enum MHD_Result
act(struct web_req *r, enum action a)
{
    int64_t id;
    sr_error rc = SR_OK;

    if (!web_param_id(r, 0, &id))
        return web_done(r);
    switch (a) {
    case DISABLE:
    case ENABLE:
        rc = sr_user_set_disabled(r->st, id, a == DISABLE);
        break;
    case UNLOCK:
        rc = sr_user_unlock(r->st, id);
        break;
    case TOTP_RESET:
        rc = sr_totp_reset(r->st, id);
        break;
    }
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return user_answer(r, id, MHD_HTTP_OK, NULL);
}

WEB_HANDLER(web_users_disable)
{
    return act(r, DISABLE);
}

WEB_HANDLER(web_users_enable)
{
    return act(r, ENABLE);
}

WEB_HANDLER(web_users_unlock)
{
    return act(r, UNLOCK);
}

WEB_HANDLER(web_users_totp_reset)
{
    return act(r, TOTP_RESET);
}

/* ------------------------------------------------------------------ */
/* Grants                                                               */
/* ------------------------------------------------------------------ */

WEB_HANDLER(web_users_grant)
{
    const char *district, *school;
    int64_t id, grant = 0;
    cJSON *extra;
    int role, ok;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !role_field(r, true, &role) ||
        !web_str(r, "district", false, &district) ||
        !web_str(r, "school", false, &school))
        return web_done(r);
    rc = sr_grant_add(r->st, id, role, opt(district), opt(school), &grant);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    extra = cJSON_CreateObject();
    ok = extra != NULL;
    sr_json_add(extra, "grant", sr_json_int(grant), &ok);
    if (!ok) {
        cJSON_Delete(extra);
        return web_json(r, MHD_HTTP_CREATED, NULL);
    }
    return user_answer(r, id, MHD_HTTP_CREATED, extra);
}

WEB_HANDLER(web_users_revoke)
{
    struct sr_user u;
    int64_t id, grant;
    bool held = false;
    size_t i;
    sr_error rc;

    if (!web_param_id(r, 0, &id) || !web_param_id(r, 1, &grant))
        return web_done(r);
    memset(&u, 0, sizeof(u));
    rc = sr_user_get(r->st, id, &u);
    for (i = 0; rc == SR_OK && i < u.n_grants; i++)
        held = held || u.grants[i].id == grant;
    if (rc == SR_OK && !held) {
        enum MHD_Result ret = web_error(
            r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0,
            _("user '%s' holds no active grant %lld"), u.login,
            (long long)grant);

        sr_user_release(&u);
        return ret;
    }
    sr_user_release(&u);
    if (rc == SR_OK)
        rc = sr_grant_revoke(r->st, grant);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return user_answer(r, id, MHD_HTTP_OK, NULL);
}

/* ------------------------------------------------------------------ */
/* The security log                                                     */
/* ------------------------------------------------------------------ */

static cJSON *
id_or_null(int64_t id)
{
    return id ? sr_json_int(id) : cJSON_CreateNull();
}

static int
event_fn(const struct sr_security_event *e, void *ctx)
{
    struct list_ctx *lc = ctx;
    cJSON *o = cJSON_CreateObject();

    sr_json_add(lc->arr, NULL, o, &lc->ok);
    if (!lc->ok)
        return 1;
    sr_json_add(o, "id", sr_json_int(e->id), &lc->ok);
    sr_json_add(o, "at", sr_json_str(e->at), &lc->ok);
    sr_json_add(o, "action", sr_json_str(e->action), &lc->ok);
    sr_json_add(o, "actor", id_or_null(e->actor), &lc->ok);
    sr_json_add(o, "actor_name", sr_json_str(e->actor_name), &lc->ok);
    sr_json_add(o, "target", id_or_null(e->target), &lc->ok);
    sr_json_add(o, "target_login", sr_json_str(e->target_login), &lc->ok);
    sr_json_add(o, "grant", id_or_null(e->grant), &lc->ok);
    sr_json_add(o, "login", sr_json_str(e->login), &lc->ok);
    sr_json_add(o, "source", sr_json_str(e->source), &lc->ok);
    sr_json_add(o, "detail", sr_json_str(e->detail), &lc->ok);
    return !lc->ok;
}

/* ?user= as an id or a login; false after answering 400. */
static bool
user_query(struct web_req *r, int64_t *id)
{
    const char *v = web_query(r, "user");
    struct sr_user u;
    sr_error rc;
    char *end;
    long long n;

    *id = 0;
    if (!v)
        return true;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (*v >= '0' && *v <= '9' && !errno && !*end && n > 0) {
        *id = n;
        return true;
    }
    memset(&u, 0, sizeof(u));
    rc = sr_user_find(r->st, v, &u);
    *id = u.id;
    sr_user_release(&u);
    if (rc == SR_OK)
        return true;
    if (rc == SR_ERR_NOT_FOUND)
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "user", 0,
                  _("no user '%s'"), v);
    else
        web_fail(r, rc, NULL);
    return false;
}

/* ?since= and ?until= as dates, in buf; false after answering 400. */
static bool
date_query(struct web_req *r, const char *key, char buf[11],
           const char **out)
{
    const char *v = web_query(r, key);

    *out = NULL;
    if (!v)
        return true;
    if (sr_date_parse(v, buf) == SR_OK) {
        *out = buf;
        return true;
    }
    web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", key, 0,
              _("%s must be a date (2026-12-31, 2026/12/31, 2026.12.31 or "
                "2026年12月31日), not '%s'"),
              key, v);
    return false;
}

WEB_HANDLER(web_security_log)
{
    struct sr_security_filter f;
    struct list_ctx lc;
    char since[11], until[11];
    size_t total = 0;
    cJSON *root;
    sr_error rc;

    memset(&f, 0, sizeof(f));
    memset(&lc, 0, sizeof(lc));
    if (!web_paging(r, 50, 500, &f.offset, &f.limit) ||
        !user_query(r, &f.user) ||
        !date_query(r, "since", since, &f.since) ||
        !date_query(r, "until", until, &f.until))
        return web_done(r);
    f.action = web_query(r, "action");
    root = cJSON_CreateObject();
    lc.arr = cJSON_CreateArray();
    lc.ok = root && lc.arr;
    if (!lc.ok) {
        cJSON_Delete(root);
        cJSON_Delete(lc.arr);
        return web_json(r, MHD_HTTP_OK, NULL);
    }
    rc = sr_security_list(r->st, &f, event_fn, &lc, &total);
    if (rc != SR_OK) {
        cJSON_Delete(root);
        cJSON_Delete(lc.arr);
        return web_fail(r, rc, NULL);
    }
    sr_json_add(root, "total", sr_json_int((int64_t)total), &lc.ok);
    sr_json_add(root, "page", sr_json_int((int64_t)(f.offset / f.limit + 1)),
                &lc.ok);
    sr_json_add(root, "size", sr_json_int((int64_t)f.limit), &lc.ok);
    sr_json_add(root, "items", lc.arr, &lc.ok);
    if (!lc.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}
