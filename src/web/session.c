/*
 * session.c - signing in and out: /api/v1/session and its steps (the
 * second factor, enrolling one, changing one's password).
 *
 * The session token travels only in a cookie (HttpOnly, SameSite=Strict,
 * Secure behind TLS) and is never in a body or a URL; the CSRF token the
 * pages echo on every write comes in the body of the sign-in and of
 * GET /api/v1/session.  Failed sign-ins get one message whatever the
 * reason, and an address with too many of them is turned away for a
 * while (throttle.c) before Argon2id even runs.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "schoolrisk/json.h"
#include "schoolrisk/store.h"
#include "server_int.h"
#include "slow.h"
#include "throttle.h"

#define COOKIE "sr_session"

/* Set (token) or clear (NULL) the session cookie on rs. */
static void
cookie(const struct web_req *r, struct MHD_Response *rs, const char *token)
{
    char c[256];

    snprintf(c, sizeof(c),
             COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s",
             token ? token : "", token ? r->cfg->policy.session_max : 0,
             r->cfg->behind_proxy ? "; Secure" : "");
    MHD_add_response_header(rs, MHD_HTTP_HEADER_SET_COOKIE, c);
}

/* web_json() with a cookie. */
static enum MHD_Result
json_cookie(struct web_req *r, unsigned status, cJSON *v, const char *token)
{
    struct MHD_Response *rs;
    enum MHD_Result ret;
    char *text;

    if (!v)
        return web_json(r, status, NULL);
    text = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!text)
        return web_json(r, status, NULL);
    rs = MHD_create_response_from_buffer(strlen(text), text,
                                         MHD_RESPMEM_MUST_FREE);
    if (!rs) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json; charset=utf-8");
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    cookie(r, rs, token);
    ret = web_answer(r, status, rs);
    MHD_destroy_response(rs);
    return ret;
}

cJSON *
web_user_json(const struct sr_user *u)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL;
    size_t i;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_int(u->id), &ok);
    sr_json_add(o, "login", sr_json_str(u->login), &ok);
    sr_json_add(o, "name", sr_json_str(u->name), &ok);
    sr_json_add(o, "unit", sr_json_str(u->unit), &ok);
    sr_json_add(o, "phone", sr_json_str(u->phone), &ok);
    sr_json_add(o, "disabled", cJSON_CreateBool(u->disabled), &ok);
    sr_json_add(o, "locked", cJSON_CreateBool(u->locked), &ok);
    sr_json_add(o, "failed_logins", sr_json_int(u->failed_logins), &ok);
    sr_json_add(o, "must_change", cJSON_CreateBool(u->must_change), &ok);
    sr_json_add(o, "totp", cJSON_CreateBool(u->totp), &ok);
    sr_json_add(o, "password_set_at", sr_json_str(u->password_set_at), &ok);
    sr_json_add(o, "created_at", sr_json_str(u->created_at), &ok);
    sr_json_add(o, "created_by", sr_json_str(u->created_by), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "grants", arr, &ok);
    for (i = 0; ok && i < u->n_grants; i++) {
        const struct sr_grant *g = &u->grants[i];
        cJSON *e = cJSON_CreateObject();

        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "id", sr_json_int(g->id), &ok);
        sr_json_add(e, "role", sr_json_str(sr_role_name(g->role)), &ok);
        sr_json_add(e, "role_label", sr_json_str(sr_role_label(g->role)),
                    &ok);
        sr_json_add(e, "district", sr_json_str(g->district), &ok);
        sr_json_add(e, "district_name", sr_json_str(g->district_name), &ok);
        sr_json_add(e, "school", sr_json_str(g->school), &ok);
        sr_json_add(e, "school_name", sr_json_str(g->school_name), &ok);
        sr_json_add(e, "granted_at", sr_json_str(g->granted_at), &ok);
        sr_json_add(e, "granted_by", sr_json_str(g->granted_by), &ok);
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The session as the pages see it. */
static cJSON *
session_json(const struct sr_principal *p)
{
    cJSON *o = cJSON_CreateObject(), *roles;
    int ok = o != NULL, role;

    if (!ok)
        return NULL;
    sr_json_add(o, "stage", sr_json_str(sr_session_stage_name(p->stage)),
                &ok);
    sr_json_add(o, "csrf", sr_json_str(p->csrf), &ok);
    sr_json_add(o, "expires_at", sr_json_int(p->expires_at), &ok);
    sr_json_add(o, "idle_expires_at", sr_json_int(p->idle_expires_at), &ok);
    sr_json_add(o, "user", web_user_json(&p->user), &ok);
    roles = cJSON_CreateArray();
    sr_json_add(o, "roles", roles, &ok);
    for (role = 0; ok && role < SR_ROLE_COUNT; role++)
        if (p->roles & SR_ROLES(role))
            sr_json_add(roles, NULL, sr_json_str(sr_role_name(role)), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------ */

static void
free_session(void *p)
{
    sodium_memzero(p, sizeof(struct sr_session_new));
    free(p);
}

WEB_HANDLER(web_session_login)
{
    const char *login = NULL, *password = NULL;
    struct sr_session_new *out;
    cJSON *o;
    int ok;

    if (r->slow_state == WEB_SLOW_QUEUED) {
        /* The work, on a pool thread: answer nothing here. */
        struct sr_login in;

        if (!throttle_allow(r->source)) {
            r->slow_rc = SR_ERR_MAX; /* throttled: no Argon2id at all */
            return MHD_YES;
        }
        out = calloc(1, sizeof(*out));
        if (!out) {
            web_slow_keep(r, SR_ERR_NOMEM);
            return MHD_YES;
        }
        r->slow_result = out;
        r->slow_free = free_session;
        memset(&in, 0, sizeof(in));
        in.login = cJSON_GetStringValue(cJSON_GetObjectItem(r->json,
                                                            "login"));
        in.password = cJSON_GetStringValue(cJSON_GetObjectItem(r->json,
                                                               "password"));
        in.source = r->source;
        in.agent = web_header(r, MHD_HTTP_HEADER_USER_AGENT);
        web_slow_keep(r, sr_auth_login(r->st, &r->cfg->policy, &in, out));
        return MHD_YES;
    }
    if (r->slow_state != WEB_SLOW_DONE) {
        /* Check the fields before queueing any work. */
        if (!web_str(r, "login", true, &login) ||
            !web_str(r, "password", true, &password))
            return web_done(r);
        return MHD_YES;
    }
    if (r->slow_rc == SR_ERR_MAX)
        return web_error(r, MHD_HTTP_TOO_MANY_REQUESTS, "throttled", NULL, 0,
                         "%s", _("too many failed sign-ins from this "
                                 "address; try again in 15 minutes"));
    if (r->slow_rc == SR_ERR_AUTH)
        throttle_failed(r->source);
    if (r->slow_rc != SR_OK)
        return web_fail(r, r->slow_rc, NULL);
    out = r->slow_result;
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "stage", sr_json_str(sr_session_stage_name(out->stage)),
                &ok);
    sr_json_add(o, "csrf", sr_json_str(out->csrf), &ok);
    sr_json_add(o, "expires_at", sr_json_int(out->expires_at), &ok);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return json_cookie(r, MHD_HTTP_OK, o, out->token);
}

WEB_HANDLER(web_session_get)
{
    return web_json(r, MHD_HTTP_OK, session_json(&r->who));
}

WEB_HANDLER(web_session_logout)
{
    sr_error rc = sr_auth_logout(r->st, r->token, r->source);
    cJSON *o;

    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    o = cJSON_CreateObject();
    if (o)
        cJSON_AddBoolToObject(o, "signed_out", 1);
    return json_cookie(r, MHD_HTTP_OK, o, NULL);
}

/* Answer with the session as it is now. */
static enum MHD_Result
session_now(struct web_req *r)
{
    struct sr_principal p;
    sr_error rc;
    enum MHD_Result ret;

    memset(&p, 0, sizeof(p));
    rc = sr_auth_session(r->st, &r->cfg->policy, r->token, &p);
    if (rc != SR_OK)
        ret = web_fail(r, rc, NULL);
    else
        ret = web_json(r, MHD_HTTP_OK, session_json(&p));
    sr_principal_release(&p);
    return ret;
}

WEB_HANDLER(web_session_totp)
{
    const char *code;
    sr_error rc;

    if (!web_str(r, "code", true, &code))
        return web_done(r);
    if (r->who.stage != SR_SESSION_TOTP)
        return web_error(r, MHD_HTTP_CONFLICT, "state", NULL, 0, "%s",
                         _("this session does not wait for a code"));
    rc = sr_auth_totp(r->st, &r->cfg->policy, r->token, code, r->source);
    if (rc == SR_ERR_AUTH)
        throttle_failed(r->source);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return session_now(r);
}

WEB_HANDLER(web_session_enroll)
{
    char secret[33], *uri = NULL;
    cJSON *o;
    int ok;
    sr_error rc;

    if (r->who.stage != SR_SESSION_ENROLL && r->who.stage != SR_SESSION_FULL)
        return web_error(r, MHD_HTTP_CONFLICT, "state", NULL, 0, "%s",
                         _("complete the second sign-in step first"));
    if (r->who.stage == SR_SESSION_FULL)
        rc = sr_totp_begin(r->st, r->who.user.id, secret, &uri);
    else
        rc = sr_auth_enroll_begin(r->st, r->token, secret, &uri);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "secret", sr_json_str(secret), &ok);
    sr_json_add(o, "uri", sr_json_str(uri), &ok);
    sodium_memzero(secret, sizeof(secret));
    free(uri);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return web_json(r, MHD_HTTP_OK, o);
}

WEB_HANDLER(web_session_enroll_confirm)
{
    const char *code;
    sr_error rc;

    if (!web_str(r, "code", true, &code))
        return web_done(r);
    if (r->who.stage == SR_SESSION_FULL)
        rc = sr_totp_confirm(r->st, r->who.user.id, code);
    else if (r->who.stage == SR_SESSION_ENROLL)
        rc = sr_auth_enroll_confirm(r->st, &r->cfg->policy, r->token, code);
    else
        return web_error(r, MHD_HTTP_CONFLICT, "state", NULL, 0, "%s",
                         _("complete the second sign-in step first"));
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    return session_now(r);
}

WEB_HANDLER(web_session_password)
{
    const char *old = NULL, *pw = NULL;
    cJSON *o;

    if (r->slow_state == WEB_SLOW_QUEUED) {
        old = cJSON_GetStringValue(cJSON_GetObjectItem(r->json, "old"));
        pw = cJSON_GetStringValue(cJSON_GetObjectItem(r->json, "password"));
        web_slow_keep(r, sr_auth_change_password(r->st, &r->cfg->policy,
                                                 r->token, old, pw,
                                                 r->source));
        return MHD_YES;
    }
    if (r->slow_state != WEB_SLOW_DONE) {
        if (r->who.stage == SR_SESSION_TOTP ||
            r->who.stage == SR_SESSION_ENROLL)
            return web_error(r, MHD_HTTP_FORBIDDEN, "stage", NULL, 0, "%s",
                             _("complete the second sign-in step first"));
        if (!web_str(r, "old", true, &old) ||
            !web_str(r, "password", true, &pw))
            return web_done(r);
        return MHD_YES;
    }
    if (r->slow_rc != SR_OK)
        return web_fail(r, r->slow_rc, NULL);
    o = cJSON_CreateObject();
    if (o)
        cJSON_AddBoolToObject(o, "signed_out", 1);
    return json_cookie(r, MHD_HTTP_OK, o, NULL);
}
