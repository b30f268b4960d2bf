/*
 * server.c - `schoolrisk serve`: the HTTP server (libmicrohttpd), the
 * life of a request, and the one place where every request is
 * authorized.
 *
 * DESIGN
 * A pool of request threads (MHD's thread pool), each with its own
 * SQLite connection opened on first use (a thread-specific key whose
 * destructor closes it when MHD joins the thread at shutdown).  SQLite
 * serialises writers; each connection waits for the write lock (the
 * store's busy timeout) rather than failing, so "database is locked"
 * never reaches a user.
 *
 * A request is answered only after its whole body was read (answering
 * earlier breaks keep-alive and MHD cannot queue a response mid-body,
 * see ../shared/web-stack.md): the body is collected up to the route's
 * cap, then dispatch() runs the checks in this order, each with its own
 * status: the route (404, 405), the body (413, 400 for malformed JSON),
 * the session (401), the session's stage (403), the CSRF token and the
 * Origin (403), the route's roles (403), and its target's scope (404
 * for a record addressed by id, so that one cannot probe what exists
 * elsewhere; 403 for a district).  Only then does the handler run, as
 * the signed-in user (sr_store_set_user()).
 *
 * Routes that run Argon2id (sign-in, password changes) do their work on
 * a small pool of threads of their own (slow.c) while the connection is
 * suspended, so that a burst of sign-ins never holds the request
 * threads the other users need.
 *
 * Shutdown: SIGINT or SIGTERM stops accepting connections, waits (up to
 * 15 s) for the requests in flight to be answered, then stops.  Every
 * write is committed before its response is queued, so an acknowledged
 * write is never lost, also when the process is killed.
 */
#include "web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/evidence.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
#include "cache.h"
#include "server_int.h"
#include "slow.h"

#define COOKIE "sr_session"

/* What every response carries.  The CSP allows what the front end
 * needs (Element Plus sets inline styles; ECharts draws on canvas and
 * photos are shown from blob: URLs) and nothing else. */
static const struct {
    const char *name, *value;
} security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self' "
     "'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
     "connect-src 'self'; object-src 'none'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Permissions-Policy", "geolocation=(), microphone=(), payment=()"},
};

/* The server, for the callbacks. */
struct server {
    const struct web_config *cfg;
    struct MHD_Daemon *d;
    atomic_int in_flight;
};

static pthread_key_t store_key, read_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;
static const struct web_config *store_cfg;

/* ------------------------------------------------------------------ */
/* Per-thread database connections                                      */
/* ------------------------------------------------------------------ */

static void
close_store(void *p)
{
    sr_store_close(p);
}

static void
make_key(void)
{
    pthread_key_create(&store_key, close_store);
    pthread_key_create(&read_key, close_store);
}

struct sr_store *
web_thread_store(char *err, size_t err_size)
{
    struct sr_store *st;
    sr_error rc;

    pthread_once(&store_once, make_key);
    st = pthread_getspecific(store_key);
    if (st)
        return st;
    rc = sr_store_open(store_cfg->db, 0, &st);
    if (rc != SR_OK) {
        snprintf(err, err_size, "%s", sr_store_errmsg(st));
        sr_store_close(st);
        return NULL;
    }
    if (store_cfg->clock)
        sr_store_set_clock(st, store_cfg->clock);
    /* Checkpoints are the checkpoint thread's (below), not a request's. */
    sr_store_defer_checkpoints(st);
    pthread_setspecific(store_key, st);
    return st;
}

/* The downloads' connection (--read-db, a standby): opened read-only on
 * a thread's first download, not at start, so that the service starts
 * and serves everything else while the standby is away; a failed
 * connection is dropped (web_read_store_drop()) and the next download
 * connects again. */
struct sr_store *
web_read_store(char *err, size_t err_size)
{
    struct sr_store *st;
    sr_error rc;

    if (!store_cfg->read_db)
        return web_thread_store(err, err_size);
    pthread_once(&store_once, make_key);
    st = pthread_getspecific(read_key);
    if (st)
        return st;
    rc = sr_store_open(store_cfg->read_db, SR_STORE_READONLY, &st);
    if (rc != SR_OK) {
        snprintf(err, err_size, "%s", sr_store_errmsg(st));
        sr_store_close(st);
        return NULL;
    }
    if (store_cfg->clock)
        sr_store_set_clock(st, store_cfg->clock);
    pthread_setspecific(read_key, st);
    return st;
}

void
web_read_store_drop(void)
{
    struct sr_store *st;

    pthread_once(&store_once, make_key);
    st = pthread_getspecific(read_key);
    pthread_setspecific(read_key, NULL);
    sr_store_close(st);
}

void
web_read_db_name(char *out, size_t size)
{
    const char *uri = store_cfg->read_db ? store_cfg->read_db : "";
    const char *auth = strstr(uri, "://");
    const char *at, *colon, *end;

    /* scheme://user:password@host:port/db?params: the password and the
     * parameters (which may hold one) are left out. */
    end = uri + strcspn(uri, "?");
    if (!auth) {
        snprintf(out, size, "%.*s", (int)(end - uri), uri);
        return;
    }
    auth += 3;
    at = memchr(auth, '@', (size_t)(end - auth));
    colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon)
        snprintf(out, size, "%.*s%.*s", (int)(colon - uri), uri,
                 (int)(end - at), at);
    else
        snprintf(out, size, "%.*s", (int)(end - uri), uri);
}

/* ------------------------------------------------------------------ */
/* The checkpoint thread                                                */
/* ------------------------------------------------------------------ */

static pthread_t checkpointer;
static pthread_mutex_t cp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cp_wake = PTHREAD_COND_INITIALIZER;
static bool cp_stop;

static void
stop_checkpointer(void)
{
    pthread_mutex_lock(&cp_lock);
    cp_stop = true;
    pthread_cond_signal(&cp_wake);
    pthread_mutex_unlock(&cp_lock);
    pthread_join(checkpointer, NULL);
}

/* Every second, copy the write-ahead log into the database (a passive
 * checkpoint waits for no reader and no writer): the requests commit
 * to the log only, and the log stays small. */
static void *
checkpoint_loop(void *arg)
{
    struct sr_store *st = NULL;
    char err[1024];

    (void)arg;
    pthread_mutex_lock(&cp_lock);
    while (!cp_stop) {
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&cp_wake, &cp_lock, &until);
        if (cp_stop)
            break;
        pthread_mutex_unlock(&cp_lock);
        if (!st)
            st = web_thread_store(err, sizeof(err));
        if (st)
            sr_store_checkpoint(st, NULL, NULL);
        pthread_mutex_lock(&cp_lock);
    }
    pthread_mutex_unlock(&cp_lock);
    /* The last one, with every request done. */
    if (st)
        sr_store_checkpoint(st, NULL, NULL);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Answering                                                            */
/* ------------------------------------------------------------------ */

enum MHD_Result
web_answer(struct web_req *r, unsigned status, struct MHD_Response *rs)
{
    size_t i;

    for (i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]);
         i++)
        MHD_add_response_header(rs, security_headers[i].name,
                                security_headers[i].value);
    r->status = status;
    r->queued = true;
    return MHD_queue_response(r->conn, status, rs);
}

/* ------------------------------------------------------------------ */
/* Routing                                                              */
/* ------------------------------------------------------------------ */

/* Match url against a pattern; on a match the {..} parts go to
 * r->params.  MHD has already decoded the URL once. */
static bool
match(const char *pattern, const char *url, struct web_req *r)
{
    const char *p = pattern, *u = url;
    size_t n = 0, i;
    char *tmp[WEB_MAX_PARAMS];

    while (*p && *u) {
        if (*p == '{') {
            const char *e = strchr(u, '/');
            size_t len = e ? (size_t)(e - u) : strlen(u);

            if (!len || n == WEB_MAX_PARAMS)
                goto fail;
            tmp[n] = strndup(u, len);
            if (!tmp[n])
                goto fail;
            n++;
            u += len;
            p = strchr(p, '}');
            if (!p)
                goto fail;
            p++;
        } else if (*p++ != *u++) {
            goto fail;
        }
    }
    if (*p || *u)
        goto fail;
    for (i = 0; i < r->n_params; i++)
        free(r->params[i]);
    for (i = 0; i < n; i++)
        r->params[i] = tmp[i];
    r->n_params = n;
    return true;

fail:
    for (i = 0; i < n; i++)
        free(tmp[i]);
    return false;
}

/* The route for the request; *path_known tells 405 from 404. */
static const struct web_route *
find_route(struct web_req *r, bool *path_known)
{
    size_t i;

    *path_known = false;
    for (i = 0; i < web_n_routes; i++) {
        if (!match(web_routes[i].pattern, r->url, r))
            continue;
        *path_known = true;
        if (!strcmp(web_routes[i].method, r->method))
            return &web_routes[i];
    }
    return NULL;
}

static enum MHD_Result
method_not_allowed(struct web_req *r)
{
    char allow[128] = "";
    size_t i, used = 0;
    struct web_req probe;
    struct MHD_Response *rs;
    cJSON *v;
    char *text;
    enum MHD_Result ret;

    memset(&probe, 0, sizeof(probe));
    for (i = 0; i < web_n_routes; i++)
        if (match(web_routes[i].pattern, r->url, &probe) &&
            used + strlen(web_routes[i].method) + 3 < sizeof(allow))
            used += (size_t)snprintf(allow + used, sizeof(allow) - used,
                                     "%s%s", used ? ", " : "",
                                     web_routes[i].method);
    for (i = 0; i < probe.n_params; i++)
        free(probe.params[i]);
    v = cJSON_CreateObject();
    if (v) {
        cJSON *e = cJSON_AddObjectToObject(v, "error");

        if (e) {
            cJSON_AddStringToObject(e, "code", "method_not_allowed");
            cJSON_AddStringToObject(e, "message",
                                    _("this method is not allowed here"));
        }
    }
    text = v ? cJSON_PrintUnformatted(v) : NULL;
    cJSON_Delete(v);
    if (!text)
        return MHD_NO;
    rs = MHD_create_response_from_buffer(strlen(text), text,
                                         MHD_RESPMEM_MUST_FREE);
    if (!rs) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json; charset=utf-8");
    MHD_add_response_header(rs, MHD_HTTP_HEADER_ALLOW, allow);
    ret = web_answer(r, MHD_HTTP_METHOD_NOT_ALLOWED, rs);
    MHD_destroy_response(rs);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Who is asking                                                        */
/* ------------------------------------------------------------------ */

static void
client_address(struct web_req *r)
{
    const union MHD_ConnectionInfo *ci;
    const char *real;

    snprintf(r->source, sizeof(r->source), "-");
    if (r->cfg->behind_proxy) {
        real = web_header(r, "X-Real-IP");
        if (real && *real && strlen(real) < sizeof(r->source)) {
            snprintf(r->source, sizeof(r->source), "%s", real);
            return;
        }
    }
    ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)ci->client_addr;

        inet_ntop(AF_INET, &in->sin_addr, r->source, sizeof(r->source));
    } else if (ci->client_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)ci->client_addr;

        inet_ntop(AF_INET6, &in6->sin6_addr, r->source, sizeof(r->source));
    }
}

/* English when Accept-Language puts English before Chinese; Chinese
 * otherwise (the default for a Chinese bureau). */
static bool
wants_english(const struct web_req *r)
{
    const char *al = web_header(r, "Accept-Language");
    const char *en, *zh;

    if (!al)
        return false;
    en = strstr(al, "en");
    zh = strstr(al, "zh");
    return en && (!zh || en < zh);
}

static void
read_cookie(struct web_req *r)
{
    const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
                                                COOKIE);

    r->token[0] = '\0';
    if (c && strlen(c) < sizeof(r->token))
        snprintf(r->token, sizeof(r->token), "%s", c);
}

/* The origin a browser on our pages sends. */
static void
expected_origin(const struct web_req *r, char *out, size_t size)
{
    const char *host = web_header(r, MHD_HTTP_HEADER_HOST);

    if (r->cfg->origin)
        snprintf(out, size, "%s", r->cfg->origin);
    else
        snprintf(out, size, "%s://%s",
                 r->cfg->behind_proxy ? "https" : "http", host ? host : "");
}

/* A state-changing request must come from our own pages: Origin (or,
 * without it, Referer) is ours when a browser sent one, and a signed-in
 * session echoes its CSRF token in X-CSRF-Token. */
static bool
csrf_ok(struct web_req *r, bool check_token)
{
    const char *origin = web_header(r, "Origin");
    const char *referer = web_header(r, "Referer");
    const char *token;
    char want[512];
    size_t n;

    expected_origin(r, want, sizeof(want));
    n = strlen(want);
    if (origin && strcmp(origin, want))
        return false;
    if (!origin && referer &&
        (strncmp(referer, want, n) || (referer[n] && referer[n] != '/')))
        return false;
    if (!check_token)
        return true;
    token = web_header(r, "X-CSRF-Token");
    return token && strlen(token) == strlen(r->who.csrf) &&
           sodium_memcmp(token, r->who.csrf, strlen(token)) == 0;
}

bool
web_covers(const struct web_req *r, unsigned roles, const char *district,
           const char *school)
{
    return r->signed_in &&
           sr_principal_covers(&r->who, roles, district, school);
}

bool
web_scope(struct web_req *r, struct sr_scope *out)
{
    if (sr_principal_scope(&r->who, r->route->roles, out) != SR_OK) {
        web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, 0,
                  "%s", _("out of memory"));
        return false;
    }
    return true;
}

/* The code of district @p name (a code or a name) into @p district;
 * SR_ERR_NOT_FOUND when there is none. */
static sr_error
district_of(struct web_req *r, const char *name, char district[32])
{
    struct sr_districts d;
    const struct sr_district *hit;
    sr_error rc;

    rc = sr_registry_districts(r->st, &d);
    if (rc != SR_OK)
        return rc;
    hit = sr_districts_find(&d, name);
    if (hit)
        snprintf(district, 32, "%s", hit->code);
    sr_districts_release(&d);
    return hit ? SR_OK : SR_ERR_NOT_FOUND;
}

/* The target's place: school code and district code.  Returns SR_OK,
 * SR_ERR_NOT_FOUND (no such record: answered as 404 like a record out
 * of scope), or another error. */
static sr_error
locate(struct web_req *r, char school[16], char district[32], bool *draft,
       int64_t *maker)
{
    struct sr_school_record sc;
    struct sr_hazard_record h;
    struct sr_assessment a;
    struct sr_evidence *ev = NULL;
    const char *code = NULL;
    size_t n = 0, i;
    int64_t id;
    sr_error rc = SR_OK;

    school[0] = district[0] = '\0';
    *draft = false;
    *maker = 0;
    switch (r->route->target) {
    case WEB_T_NONE:
        return SR_OK;
    case WEB_T_DISTRICT:
        return district_of(r, web_param(r, 0), district);
    case WEB_T_QUERY_DISTRICT:
        /* No district: the city, which only the city's grants cover. */
        if (!web_query(r, "district"))
            return SR_OK;
        return district_of(r, web_query(r, "district"), district);
    case WEB_T_BODY_SCOPE: {
        const cJSON *s = r->json ? cJSON_GetObjectItemCaseSensitive(
                                       r->json, "school")
                                 : NULL;
        const cJSON *d = r->json ? cJSON_GetObjectItemCaseSensitive(
                                       r->json, "district")
                                 : NULL;

        if (cJSON_IsString(s)) {
            code = s->valuestring;
            break;
        }
        if (cJSON_IsString(d))
            return district_of(r, d->valuestring, district);
        return SR_OK; /* the city, as above */
    }
    case WEB_T_SCHOOL:
        code = web_param(r, 0);
        break;
    case WEB_T_BODY_SCHOOL: {
        const cJSON *v = r->json ? cJSON_GetObjectItemCaseSensitive(
                                       r->json, "school")
                                 : NULL;

        code = cJSON_IsString(v) ? v->valuestring : NULL;
        if (!code)
            return SR_ERR_INPUT;
        break;
    }
    case WEB_T_QUERY_SCHOOL:
        code = web_query(r, "school");
        if (!code)
            return SR_ERR_INPUT;
        break;
    case WEB_T_HAZARD:
        if (!web_param_id(r, 0, &id))
            return SR_ERR_MAX; /* answered */
        rc = sr_hazard_get(r->st, id, NULL, &h);
        if (rc == SR_OK) {
            snprintf(school, 16, "%s", h.school);
            snprintf(district, 32, "%s", h.district);
        }
        sr_hazard_release(&h);
        return rc;
    case WEB_T_ASSESSMENT:
    case WEB_T_DRAFT:
        if (!web_param_id(r, 0, &id))
            return SR_ERR_MAX;
        rc = sr_assess_get(r->st, id, &a);
        if (rc == SR_OK) {
            snprintf(school, 16, "%s", a.school);
            snprintf(district, 32, "%s", a.district);
            *draft = !a.submitted;
            *maker = a.created_by_user;
        }
        sr_assessment_release(&a);
        return rc;
    case WEB_T_EXPERT: {
        struct sr_expert e;

        memset(&e, 0, sizeof(e));
        rc = sr_expert_get(r->st, web_param(r, 0), &e);
        if (rc == SR_ERR_INPUT)
            rc = SR_ERR_NOT_FOUND;
        if (rc == SR_OK) {
            snprintf(district, 32, "%s", e.district);
            *maker = e.user; /* the expert's own user */
        }
        sr_expert_release(&e);
        return rc;
    }
    case WEB_T_PLAN: {
        struct sr_plan p;

        if (!web_param_id(r, 0, &id))
            return SR_ERR_MAX;
        rc = sr_plan_head(r->st, id, NULL, &p);
        if (rc == SR_OK && p.district)
            snprintf(district, 32, "%s", p.district);
        sr_plan_release(&p);
        return rc;
    }
    case WEB_T_EVIDENCE:
        rc = sr_evidence_lookup(r->st, web_param(r, 0), &ev, &n);
        if (rc == SR_ERR_INPUT)
            rc = SR_ERR_NOT_FOUND;
        if (rc != SR_OK)
            return rc;
        /* Any school of the file that the caller may see. */
        for (i = 0; i < n; i++)
            if (web_covers(r, r->route->roles, ev[i].district,
                           ev[i].school)) {
                snprintf(school, 16, "%s", ev[i].school);
                snprintf(district, 32, "%s", ev[i].district);
                break;
            }
        if (i == n && n) {
            snprintf(school, 16, "%s", ev[0].school);
            snprintf(district, 32, "%s", ev[0].district);
        }
        sr_evidence_list_free(ev, n);
        return n ? SR_OK : SR_ERR_NOT_FOUND;
    }
    if (!code || strlen(code) != 10)
        return SR_ERR_NOT_FOUND;
    sr_school_record_init(&sc);
    rc = sr_registry_get(r->st, code, &sc);
    if (rc == SR_OK) {
        snprintf(school, 16, "%s", sc.code);
        snprintf(district, 32, "%s", sc.district);
    }
    sr_school_record_release(&sc);
    return rc;
}

/* The checks of the file comment, in order; true when the handler may
 * run (else the answer is queued). */

/* A target naming a school, a district or the city (the what-if). */
static bool
scope_target(int target)
{
    return target == WEB_T_BODY_SCOPE || target == WEB_T_QUERY_DISTRICT;
}

/* The field that named it, for the error. */
static const char *
scope_field(const struct web_req *r)
{
    const cJSON *s = r->json ? cJSON_GetObjectItemCaseSensitive(r->json,
                                                                "school")
                             : NULL;

    if (r->route->target == WEB_T_BODY_SCOPE && cJSON_IsString(s))
        return "school";
    return "district";
}

static bool
authorize(struct web_req *r)
{
    const struct web_route *rt = r->route;
    char school[16], district[32];
    bool draft;
    int64_t maker;
    sr_error rc;

    if (rt->flags & WEB_PUBLIC) {
        if (strcmp(r->method, "GET") && !csrf_ok(r, false)) {
            web_error(r, MHD_HTTP_FORBIDDEN, "csrf", NULL, 0, "%s",
                      _("the request does not come from this site's pages"));
            return false;
        }
        return true;
    }
    if (!r->token[0]) {
        web_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", NULL, 0, "%s",
                  _("sign in first"));
        return false;
    }
    rc = sr_auth_session(r->st, &r->cfg->policy, r->token, &r->who);
    if (rc != SR_OK) {
        sr_principal_release(&r->who);
        if (rc == SR_ERR_AUTH)
            web_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", NULL, 0,
                      "%s", _("the session has expired; sign in again"));
        else
            web_fail(r, rc, NULL);
        return false;
    }
    r->signed_in = true;
    if (r->who.stage != SR_SESSION_FULL && !(rt->flags & WEB_ANY_STAGE)) {
        web_error(r, MHD_HTTP_FORBIDDEN, "stage", NULL, 0, "%s",
                  r->who.stage == SR_SESSION_PASSWORD
                      ? _("change your password first")
                      : _("complete the second sign-in step first"));
        return false;
    }
    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") &&
        !csrf_ok(r, true)) {
        web_error(r, MHD_HTTP_FORBIDDEN, "csrf", NULL, 0, "%s",
                  _("the request does not come from this site's pages "
                    "(missing or wrong CSRF token)"));
        return false;
    }
    if (!(rt->roles & WEB_SIGNED_IN) && !(r->who.roles & rt->roles)) {
        web_error(r, MHD_HTTP_FORBIDDEN, "forbidden", NULL, 0, "%s",
                  _("your role does not allow this"));
        return false;
    }
    rc = locate(r, school, district, &draft, &maker);
    if (rc == SR_ERR_MAX)
        return false; /* answered */
    if (rc == SR_ERR_INPUT) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "missing_field", "school", 0,
                  "%s", _("the school is required"));
        return false;
    }
    if (rc == SR_ERR_NOT_FOUND && scope_target(rt->target)) {
        web_error(r, MHD_HTTP_NOT_FOUND, "not_found", scope_field(r), 0,
                  "%s", _("no such school or district"));
        return false;
    }
    if (rc == SR_ERR_NOT_FOUND) {
        if (rt->target == WEB_T_DISTRICT)
            web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0,
                      _("no district '%s'"), web_param(r, 0));
        else
            web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                      _("not found"));
        return false;
    }
    if (rc != SR_OK) {
        web_fail(r, rc, NULL);
        return false;
    }
    if (rt->target == WEB_T_NONE)
        return true;
    if (scope_target(rt->target)) {
        if (!web_covers(r, rt->roles, district, school)) {
            web_error(r, MHD_HTTP_FORBIDDEN, "forbidden", scope_field(r), 0,
                      "%s", school[0] ? _("the school is outside your scope")
                            : district[0]
                                ? _("the district is outside your scope")
                                : _("the whole city is the city's alone"));
            return false;
        }
        return true;
    }
    if (rt->target == WEB_T_EXPERT) {
        if (web_expert_visible(r, district, maker))
            return true;
        web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                  _("not found"));
        return false;
    }
    if (rt->target == WEB_T_PLAN) {
        const char *d = district[0] ? district : NULL;

        if (!web_plan_visible(r, d)) {
            web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                      _("not found"));
            return false;
        }
        if (strcmp(r->method, "GET") && !web_plan_writable(r, d)) {
            web_error(r, MHD_HTTP_FORBIDDEN, "forbidden", NULL, 0, "%s",
                      _("a city-wide plan is the city's to change"));
            return false;
        }
        return true;
    }
    if (rt->target == WEB_T_DISTRICT) {
        if (!web_covers(r, rt->roles, district, NULL)) {
            web_error(r, MHD_HTTP_FORBIDDEN, "forbidden", NULL, 0,
                      _("district '%s' is outside your scope"),
                      web_param(r, 0));
            return false;
        }
        return true;
    }
    /* A record addressed by id or code that the caller may not see is
     * answered like one that does not exist. */
    if (!web_covers(r, rt->roles, district, school) ||
        (rt->target == WEB_T_DRAFT && (!draft || maker != r->who.user.id)) ||
        (rt->target == WEB_T_ASSESSMENT && draft &&
         maker != r->who.user.id)) {
        if (rt->target == WEB_T_DRAFT && web_covers(r, rt->roles, district,
                                                    school) &&
            maker == r->who.user.id && !draft)
            web_error(r, MHD_HTTP_CONFLICT, "state", NULL, 0, "%s",
                      _("the assessment was submitted and can no longer "
                        "change; a correction is a new assessment"));
        else if (rt->target == WEB_T_BODY_SCHOOL ||
                 rt->target == WEB_T_QUERY_SCHOOL)
            web_error(r, MHD_HTTP_FORBIDDEN, "forbidden", "school", 0,
                      _("school %s is outside your scope"), school);
        else
            web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                      _("not found"));
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The request                                                          */
/* ------------------------------------------------------------------ */

static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Parse a WEB_JSON body; false after answering 400 with the position. */
static bool
parse_json(struct web_req *r)
{
    const char *end = NULL;
    long line = 1, col = 1;
    const char *p;

    if (!r->body_len) {
        r->json = cJSON_CreateObject();
        return r->json || (web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                                     "internal", NULL, 0, "%s",
                                     _("out of memory")),
                           false);
    }
    r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    if (r->json && end && (size_t)(end - r->body) < r->body_len) {
        /* Trailing bytes after the value. */
        for (p = end; (size_t)(p - r->body) < r->body_len; p++)
            if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
                break;
        if ((size_t)(p - r->body) < r->body_len) {
            cJSON_Delete(r->json);
            r->json = NULL;
            end = p;
        }
    }
    if (r->json && !cJSON_IsObject(r->json)) {
        cJSON_Delete(r->json);
        r->json = NULL;
        web_error(r, MHD_HTTP_BAD_REQUEST, "invalid_json", NULL, 0, "%s",
                  _("the request body must be a JSON object"));
        return false;
    }
    if (r->json)
        return true;
    if (!end || end < r->body || end > r->body + r->body_len)
        end = r->body + r->body_len;
    for (p = r->body; p < end; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*p & 0xc0) != 0x80) {
            col++;
        }
    }
    web_error(r, MHD_HTTP_BAD_REQUEST, "invalid_json", NULL, line,
              _("the request body is not valid JSON (line %ld, column %ld, "
                "byte %ld)"),
              line, col, (long)(end - r->body) + 1);
    return false;
}

static enum MHD_Result
dispatch(struct web_req *r)
{
    const struct web_route *rt;
    char err[1024];
    enum MHD_Result ret;

    sr_i18n_use(r->english ? SR_LANG_EN : SR_LANG_ZH);
    if (strncmp(r->url, "/api/", 5)) {
        if (r->body_len)
            return web_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                             NULL, 0, "%s",
                             _("this request takes no body"));
        return web_static(r);
    }
    rt = r->route;
    if (!rt) {
        if (r->path_known)
            return method_not_allowed(r);
        return web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                         _("no such API route"));
    }
    if (r->too_big || r->body_len > rt->body_cap)
        return web_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", NULL, 0,
                         rt->body_cap ? _("the request body is larger than "
                                          "the limit of %zu bytes")
                                      : _("this request takes no body "
                                          "(limit %zu bytes)"),
                         rt->body_cap);
    if ((rt->flags & WEB_JSON) && !parse_json(r))
        return web_done(r);
    r->st = web_thread_store(err, sizeof(err));
    if (!r->st)
        return web_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "database", NULL, 0,
                         _("the database cannot be opened: %s"), err);
    if (!authorize(r))
        return web_done(r);
    if (r->signed_in)
        sr_store_set_user(r->st, r->who.user.id, r->who.user.name);
    else
        sr_store_set_actor(r->st, "anonymous");
    if (rt->flags & WEB_SLOW) {
        /* The handler checks the request first (answering when it is
         * bad), then does the work on the pool. */
        ret = rt->handler(r);
        if (r->queued || ret != MHD_YES) {
            sr_store_set_actor(r->st, "anonymous");
            return ret;
        }
        /* Suspend before handing over: the pool may finish (and resume
         * the connection) before this callback returns. */
        r->slow_state = WEB_SLOW_QUEUED;
        MHD_suspend_connection(r->conn);
        if (!web_slow_submit(r)) {
            r->slow_busy = true;
            r->slow_state = WEB_SLOW_DONE;
            MHD_resume_connection(r->conn);
        }
        return MHD_YES;
    }
    ret = rt->handler(r);
    sr_store_set_actor(r->st, "anonymous");
    return ret;
}

/* A Content-Length above the route's cap. */
static bool
announced_too_big(const struct web_req *r)
{
    const char *cl = web_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long n;
    char *end;

    if (!cl)
        return false;
    errno = 0;
    n = strtoull(cl, &end, 10);
    return !errno && !*end && n > r->cap;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
           const char *method, const char *version, const char *upload,
           size_t *upload_size, void **req_cls)
{
    struct server *sv = cls;
    struct web_req *r = *req_cls;
    enum MHD_Result ret;

    (void)version;
    if (!r) {
        /* The headers only: set up, answer nothing yet (answering now
         * would turn keep-alive off). */
        r = calloc(1, sizeof(*r));
        if (!r)
            return MHD_NO;
        r->conn = conn;
        r->cfg = sv->cfg;
        r->method = method;
        r->url = url;
        r->t0_us = now_us();
        r->english = wants_english(r);
        client_address(r);
        read_cookie(r);
        atomic_fetch_add(&sv->in_flight, 1);
        *req_cls = r;
        if (!strncmp(url, "/api/", 5))
            r->route = find_route(r, &r->path_known);
        r->cap = r->route ? r->route->body_cap : 0;
        if (announced_too_big(r)) {
            /* Refuse a body announced too large before reading it; MHD
             * closes the connection after this answer. */
            sr_i18n_use(r->english ? SR_LANG_EN : SR_LANG_ZH);
            return web_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", NULL,
                             0, _("the request body is larger than the "
                                  "limit of %zu bytes"),
                             r->cap);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        /* A chunk of the body, for any method: keep it up to the
         * largest cap of any route, then only count it. */
        size_t n = *upload_size;

        *upload_size = 0;
        if (r->too_big)
            return MHD_YES;
        if (r->body_len + n > r->cap) {
            r->too_big = true;
            free(r->body);
            r->body = NULL;
            r->body_len = r->body_alloc = 0;
            return MHD_YES;
        }
        if (r->body_len + n + 1 > r->body_alloc) {
            size_t na = r->body_alloc ? r->body_alloc : 4096;
            char *nb;

            while (na < r->body_len + n + 1)
                na *= 2;
            nb = realloc(r->body, na);
            if (!nb) {
                r->too_big = true;
                return MHD_YES;
            }
            r->body = nb;
            r->body_alloc = na;
        }
        memcpy(r->body + r->body_len, upload, n);
        r->body_len += n;
        r->body[r->body_len] = '\0';
        return MHD_YES;
    }
    if (r->queued)
        return MHD_YES;
    if (r->slow_state == WEB_SLOW_DONE) {
        /* Back from the slow pool: answer on this thread. */
        char err[1024];

        sr_i18n_use(r->english ? SR_LANG_EN : SR_LANG_ZH);
        r->st = web_thread_store(err, sizeof(err));
        if (r->slow_busy)
            ret = web_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", NULL, 0,
                            "%s", _("too many sign-ins at once; try again "
                                    "in a moment"));
        else
            ret = r->route->handler(r);
        r->slow_state = 0;
        return ret;
    }
    if (r->slow_state)
        return MHD_YES;
    return dispatch(r);
}

static void
log_request(const struct web_req *r)
{
    char when[32];
    time_t t = time(NULL);
    struct tm tm;

    if (!r->cfg->log)
        return;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* The path without its query: no secrets ever travel in a URL, and
     * the log stays free of personal data. */
    if (r->signed_in)
        fprintf(r->cfg->log, "%s %s u%lld %s %s %u %.1fms\n", when,
                r->source, (long long)r->who.user.id, r->method, r->url,
                r->status, (double)(now_us() - r->t0_us) / 1000.0);
    else
        fprintf(r->cfg->log, "%s %s - %s %s %u %.1fms\n", when, r->source,
                r->method, r->url, r->status,
                (double)(now_us() - r->t0_us) / 1000.0);
    fflush(r->cfg->log);
}

/* Wipe every string of a parsed body (it may hold a password) before
 * it is freed. */
static void
wipe_json(cJSON *v)
{
    for (; v; v = v->next) {
        if (v->valuestring)
            sodium_memzero(v->valuestring, strlen(v->valuestring));
        wipe_json(v->child);
    }
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct server *sv = cls;
    struct web_req *r = *req_cls;
    size_t i;

    (void)conn;
    (void)toe;
    if (!r)
        return;
    log_request(r);
    for (i = 0; i < r->n_params; i++)
        free(r->params[i]);
    wipe_json(r->json);
    cJSON_Delete(r->json);
    web_slow_release(r);
    sr_principal_release(&r->who);
    if (r->body)
        sodium_memzero(r->body, r->body_len);
    free(r->body);
    free(r);
    *req_cls = NULL;
    atomic_fetch_sub(&sv->in_flight, 1);
}

/* ------------------------------------------------------------------ */
/* Starting and stopping                                                */
/* ------------------------------------------------------------------ */

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static bool
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon;
    char *end;
    long port;

    memset(ss, 0, sizeof(*ss));
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (!close || close[1] != ':' || (size_t)(close - s - 1) >=
                                             sizeof(host))
            return false;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof(host))
            return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
    }
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
        return false;
    if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) ==
        1) {
        ((struct sockaddr_in *)ss)->sin_family = AF_INET;
        ((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
        *len = sizeof(struct sockaddr_in);
        return true;
    }
    if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) ==
        1) {
        ((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
        *len = sizeof(struct sockaddr_in6);
        return true;
    }
    return false;
}

struct web_server {
    struct server sv;
};

int
web_start(const struct web_config *cfg, struct web_server **out,
          unsigned *port)
{
    struct web_server *ws;
    struct sockaddr_storage ss;
    socklen_t sslen;
    const union MHD_DaemonInfo *info;
    struct sr_store *probe = NULL;
    unsigned flags;
    size_t n;

    *out = NULL;
    store_cfg = cfg;
    if (!parse_listen(cfg->listen, &ss, &sslen)) {
        /* In the CLI's language: the process is not yet set up for the
         * service's Chinese (below). */
        fprintf(stderr, "schoolrisk: %s", _("error: "));
        fprintf(stderr, _("bad --listen '%s' (expected ADDR:PORT, such as "
                          "127.0.0.1:8080 or [::1]:8080)"),
                cfg->listen);
        fputc('\n', stderr);
        return 2;
    }
    /* Refuse to start on a database that cannot be opened, before
     * listening. */
    if (sr_store_open(cfg->db, 0, &probe) != SR_OK) {
        fprintf(stderr, "schoolrisk: %s%s\n", _("error: "),
                sr_store_errmsg(probe));
        sr_store_close(probe);
        return 4;
    }
    /* Sessions that ended while the server was down go now (by the
     * server's clock: a pinned one too). */
    if (cfg->clock)
        sr_store_set_clock(probe, cfg->clock);
    sr_auth_sweep(probe, &cfg->policy, &n);
    sr_store_close(probe);
    ws = calloc(1, sizeof(*ws));
    if (!ws)
        return 3;
    ws->sv.cfg = cfg;
    /* Set the process up for Chinese messages before any thread reads
     * the environment (i18n.c). */
    sr_i18n_use(SR_LANG_ZH);
    if (web_slow_start(2) != 0) {
        fprintf(stderr, "schoolrisk: error: cannot start the sign-in "
                        "threads\n");
        free(ws);
        return 3;
    }
    cp_stop = false;
    if (pthread_create(&checkpointer, NULL, checkpoint_loop, NULL) != 0) {
        fprintf(stderr, "schoolrisk: error: cannot start the checkpoint "
                        "thread\n");
        web_slow_stop();
        free(ws);
        return 3;
    }
    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
            MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    ws->sv.d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &ws->sv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64u << 10),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 512u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->behind_proxy ? 0u : (cfg->max_connections / 2 + 1),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &ws->sv, MHD_OPTION_END);
    if (!ws->sv.d) {
        fprintf(stderr, "schoolrisk: error: cannot listen on %s: %s\n",
                cfg->listen, strerror(errno));
        stop_checkpointer();
        web_slow_stop();
        free(ws);
        return 3;
    }
    info = MHD_get_daemon_info(ws->sv.d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? (unsigned)info->port : 0u;
    *out = ws;
    return 0;
}

void
web_stop(struct web_server *ws)
{
    int waited;

    if (!ws)
        return;
    /* Stop accepting, let the requests in flight finish (15 s at most),
     * then stop. */
    MHD_quiesce_daemon(ws->sv.d);
    for (waited = 0; atomic_load(&ws->sv.in_flight) > 0 && waited < 1500;
         waited++)
        usleep(10000);
    MHD_stop_daemon(ws->sv.d);
    web_slow_stop();
    web_cache_stop();
    stop_checkpointer();
    free(ws);
}

int
web_serve(const struct web_config *cfg)
{
    struct web_server *ws = NULL;
    sigset_t set;
    unsigned port = 0;
    int sig = 0, rc;
    const char *host = cfg->listen;
    size_t hl = strrchr(host, ':') ? (size_t)(strrchr(host, ':') - host)
                                   : strlen(host);

    /* Every thread started from here on (MHD's, the slow pool's)
     * inherits this mask: the signals reach only sigwait() below. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    rc = web_start(cfg, &ws, &port);
    if (rc != 0)
        return rc;
    printf("schoolrisk: serving %s on http://%.*s:%u/ (Ctrl-C stops)\n",
           cfg->db, (int)hl, host, port);
    fflush(stdout);
    while (sigwait(&set, &sig) == 0 && sig == SIGPIPE)
        ;
    fprintf(stderr, "schoolrisk: %s: finishing the requests in flight\n",
            sig == SIGINT ? "interrupted" : "terminated");
    web_stop(ws);
    fprintf(stderr, "schoolrisk: stopped\n");
    return 0;
}
