/*
 * web.h - what the files of the HTTP front end (src/web/) share: the
 * server's configuration, a request, the route table and the helpers
 * that answer with JSON, errors or files.
 *
 * The front end is thin: a handler parses its request, calls the
 * library's public API and formats the answer.  Who may call a route
 * is declared in the route table (routes.c) and checked in one place
 * (server.c, authorize()) before any handler runs: the roles a route
 * admits and how the school or district it touches is found.  A
 * handler never checks roles itself; a list handler asks web_scope()
 * for the schools the caller may see.
 */
#ifndef SR_WEB_H
#define SR_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <microhttpd.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/error.h"
#include "schoolrisk/i18n.h"

/* A message of the front end, in the request's language (the thread's:
 * server.c sets it per request). */
#define _(s) sr_gettext(s)
#define N_(s) s

struct cJSON;
struct sr_store;

/* --------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------ */

struct web_config {
    const char *db;            /* the database file */
    const char *read_db;       /* where downloads read their figures (a
                                  standby), or NULL: db */
    const char *listen;        /* "ADDR:PORT" ("[::1]:8080"); port 0 picks
                                  a free one */
    const char *web_dir;       /* the built front end, or NULL */
    const char *evidence_dir;  /* where evidence files are stored */
    const char *template_dir;  /* report layouts */
    unsigned threads;          /* request threads */
    unsigned max_connections;
    unsigned idle_timeout;     /* seconds */
    bool behind_proxy;         /* TLS at a reverse proxy on this host:
                                  Secure cookies, client address from
                                  X-Real-IP */
    const char *origin;        /* the public origin for the CSRF check,
                                  or NULL to take it from Host */
    time_t clock;              /* a pinned clock for tests, or 0 */
    unsigned cache_seconds;    /* how long the city's figures may be
                                  served after a write (cache.h) */
    struct sr_auth_policy policy;
    FILE *log;                 /* the access log (one line a request) */
};

/* Run the server until SIGINT or SIGTERM; prints the URL it serves on
 * stdout once listening.  Returns 0, or non-zero after printing why it
 * could not start (2 usage, 3 internal, 4 database). */
int web_serve(const struct web_config *cfg);

/* The same without the signals, for a program that embeds the server
 * (the fuzz target, benchmarks): start listening (*port receives the
 * port) and stop after the requests in flight.  cfg must outlive the
 * server. */
struct web_server;
int web_start(const struct web_config *cfg, struct web_server **out,
              unsigned *port);
void web_stop(struct web_server *ws);

/* The thread's connection to cfg->read_db (opened read-only on first
 * use, closed with the thread), or NULL with err set when it cannot be
 * opened; the thread's own connection (slow.h) when there is no
 * read_db.  web_read_store_drop() closes the thread's connection to
 * read_db after it failed, so that the next use connects again. */
struct sr_store *web_read_store(char *err, size_t err_size);
void web_read_store_drop(void);
/* cfg->read_db as it may be shown: without a password or parameters. */
void web_read_db_name(char *out, size_t size);

/* --------------------------------------------------------------------
 * Routes
 * ------------------------------------------------------------------ */

struct web_req;
typedef enum MHD_Result (*web_handler)(struct web_req *r);

/* How the school or district a route touches is found, for the scope
 * check. */
enum web_target {
    WEB_T_NONE,        /* no single target: lists filter by web_scope() */
    WEB_T_SCHOOL,      /* {code}: a school code */
    WEB_T_DISTRICT,    /* {district}: a district code or name */
    WEB_T_HAZARD,      /* {id}: a hazard */
    WEB_T_ASSESSMENT,  /* {id}: an assessment (a draft: its maker only) */
    WEB_T_DRAFT,       /* {id}: a draft its caller made */
    WEB_T_EVIDENCE,    /* {sha}: an evidence file (any of its schools) */
    WEB_T_BODY_SCHOOL, /* the JSON body's "school" */
    WEB_T_QUERY_SCHOOL, /* the query's school= */
    WEB_T_BODY_SCOPE,  /* the JSON body's "school" or "district"; neither:
                          the city */
    WEB_T_QUERY_DISTRICT, /* the query's district=; none: the city */
    WEB_T_EXPERT,      /* {login}: an expert's profile (experts.c:
                          web_expert_visible()) */
    WEB_T_PLAN         /* {id}: an inspection plan (plans.c:
                          web_plan_visible(), and web_plan_writable() for
                          a change) */
};

/* Route flags. */
enum web_route_flags {
    WEB_PUBLIC = (1 << 0),     /* no session needed (login, health) */
    WEB_ANY_STAGE = (1 << 1),  /* allowed before the session is full
                                  (sign-in steps, who am I, logout) */
    WEB_JSON = (1 << 2),       /* the body is JSON, parsed before the
                                  scope check */
    WEB_RAW = (1 << 3),        /* the body is raw bytes (CSV, XML, a
                                  photo) */
    WEB_SLOW = (1 << 4)        /* runs Argon2id: off the request threads,
                                  a few at a time */
};

/* roles of a route that admits every signed-in user, with or without a
 * grant (the session's own routes). */
#define WEB_SIGNED_IN (1u << 31)

struct web_route {
    const char *method;
    const char *pattern;   /* "/api/v1/hazards/{id}/assign" */
    web_handler handler;
    unsigned roles;        /* SR_ROLES() admitted, or WEB_SIGNED_IN; 0
                              with WEB_PUBLIC */
    enum web_target target;
    size_t body_cap;       /* largest body in bytes; 0: none allowed */
    unsigned flags;        /* enum web_route_flags */
    const char *summary;   /* one line, for docs and the route test */
};

extern const struct web_route web_routes[];
extern const size_t web_n_routes;

/* --------------------------------------------------------------------
 * A request
 * ------------------------------------------------------------------ */

#define WEB_MAX_PARAMS 4

/* The largest body of any route (an evidence file). */
#define WEB_BODY_MAX (20u << 20)

struct web_req {
    struct MHD_Connection *conn;
    const struct web_config *cfg;
    const struct web_route *route;
    const char *method;
    const char *url;
    char *params[WEB_MAX_PARAMS];  /* {..} parts of the path, decoded */
    size_t n_params;
    /* the body */
    char *body;
    size_t body_len, body_alloc;
    bool too_big;
    size_t cap;                    /* the route's body cap */
    bool path_known;               /* a route has this path (405 vs 404) */
    struct cJSON *json;            /* WEB_JSON routes: the parsed body */
    /* who */
    struct sr_store *st;           /* this thread's connection */
    struct sr_principal who;
    bool signed_in;
    char token[64];                /* the session cookie, "" when none */
    char source[64];               /* the client's address */
    bool english;                  /* Accept-Language prefers English */
    /* the answer */
    unsigned status;
    size_t sent;                   /* bytes of the response body */
    bool queued;
    /* a WEB_SLOW route's work (slow.h) */
    int slow_state;                /* 0 none, WEB_SLOW_QUEUED, _DONE */
    sr_error slow_rc;
    char slow_msg[1024];           /* the work's error message */
    char slow_field[48];
    void *slow_result;
    void (*slow_free)(void *);
    bool slow_busy;                /* the pool's queue was full */
    /* timing, for the access log */
    int64_t t0_us;
};

/* The request's {n}th path parameter ("{id}", "{code}"...). */
const char *web_param(const struct web_req *r, size_t n);

/* A query parameter, or NULL. */
const char *web_query(const struct web_req *r, const char *key);

/* A date as people type it (2026/12/31, 2026年12月31日: date.h) in the
 * stored form "YYYY-MM-DD", written to buf; text itself when it is not
 * a date (NULL stays NULL), for the library to refuse with its message
 * naming the field. */
const char *web_date(const char *text, char buf[11]);

/* A request header, or NULL. */
const char *web_header(const struct web_req *r, const char *key);

/* Parse {id} etc. as a positive id; false (after answering 404) when
 * it is not one. */
bool web_param_id(struct web_req *r, size_t n, int64_t *id);

/* --------------------------------------------------------------------
 * Body fields (WEB_JSON routes).  Each getter answers 400 naming the
 * field and returns false when the field has the wrong type or a
 * required one is missing; the handler then returns the result of
 * web_done(r).
 * ------------------------------------------------------------------ */

bool web_str(struct web_req *r, const char *key, bool required,
             const char **out);
bool web_bool(struct web_req *r, const char *key, bool *out);
bool web_int(struct web_req *r, const char *key, bool required,
             int64_t *out);
/* An array of strings (at most max); *out points into the body. */
bool web_strs(struct web_req *r, const char *key, const char **out,
              size_t max, size_t *n);

/* Paging from ?page= and ?size= (1-based page, size 1..max, default
 * def); false after answering 400. */
bool web_paging(struct web_req *r, size_t def, size_t max, size_t *offset,
                size_t *limit);

/* --------------------------------------------------------------------
 * Answers.  Each queues the response and returns MHD_YES (or MHD_NO
 * when the connection is beyond help).
 * ------------------------------------------------------------------ */

/* 200 (or status) with a JSON body; takes ownership of v (NULL: 500
 * out of memory). */
enum MHD_Result web_json(struct web_req *r, unsigned status,
                         struct cJSON *v);

/* An error: {"error": {"code", "message", "field", "line"}}.  field
 * NULL and line 0 leave them out. */
enum MHD_Result web_error(struct web_req *r, unsigned status,
                          const char *code, const char *field, long line,
                          const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The library's error rc with the store's message and field, at the
 * HTTP status that fits (404, 409, 422...), with the diagnostics, when
 * given, as "details": [{"file", "line", "message"}]. */
enum MHD_Result web_fail(struct web_req *r, sr_error rc,
                         const struct sr_diags *diags);

/* The answer of a handler that already queued its response (after a
 * getter failed). */
enum MHD_Result web_done(struct web_req *r);

/* A file from an open descriptor (taken over: closed by the server),
 * with its type and, when name is not NULL, a download name in
 * Content-Disposition (RFC 6266/5987, UTF-8). */
enum MHD_Result web_file(struct web_req *r, int fd, int64_t size,
                         const char *type, const char *name,
                         const char *cache);

/* --------------------------------------------------------------------
 * Scope
 * ------------------------------------------------------------------ */

/* The schools the caller may see through the route's roles; release
 * with sr_scope_release().  false (after answering 500) when out of
 * memory. */
bool web_scope(struct web_req *r, struct sr_scope *out);

/* Whether the caller's grants with a role in roles cover a school (or
 * a district when school is NULL).  For a handler whose answer depends
 * on which of the route's roles the caller holds; never to admit or
 * refuse a request (the table does that). */
bool web_covers(const struct web_req *r, unsigned roles,
                const char *district, const char *school);

/* Whether the caller may see the expert profile of user in district:
 * the city every one, a district those of its district, an inspector
 * its own (experts.c). */
bool web_expert_visible(const struct web_req *r, const char *district,
                        int64_t user);

/* Whether the caller may read a plan of district (NULL: city-wide: the
 * city, and every district for its own schools), and change it (a
 * city-wide plan: the city alone) (plans.c). */
bool web_plan_visible(const struct web_req *r, const char *district);
bool web_plan_writable(const struct web_req *r, const char *district);

/* --------------------------------------------------------------------
 * JSON of the principal (session.c, users.c)
 * ------------------------------------------------------------------ */

struct cJSON *web_user_json(const struct sr_user *u);

/* --------------------------------------------------------------------
 * Handlers, one file per resource
 * ------------------------------------------------------------------ */

#define WEB_HANDLER(name) enum MHD_Result name(struct web_req *r)

/* health.c */
WEB_HANDLER(web_health);
/* session.c */
WEB_HANDLER(web_session_login);
WEB_HANDLER(web_session_get);
WEB_HANDLER(web_session_logout);
WEB_HANDLER(web_session_totp);
WEB_HANDLER(web_session_enroll);
WEB_HANDLER(web_session_enroll_confirm);
WEB_HANDLER(web_session_password);
/* users.c */
WEB_HANDLER(web_users_list);
WEB_HANDLER(web_users_add);
WEB_HANDLER(web_users_get);
WEB_HANDLER(web_users_update);
WEB_HANDLER(web_users_password);
WEB_HANDLER(web_users_disable);
WEB_HANDLER(web_users_enable);
WEB_HANDLER(web_users_unlock);
WEB_HANDLER(web_users_totp_reset);
WEB_HANDLER(web_users_grant);
WEB_HANDLER(web_users_revoke);
WEB_HANDLER(web_security_log);
/* districts.c */
WEB_HANDLER(web_districts_list);
WEB_HANDLER(web_district_overview);
WEB_HANDLER(web_dashboard);
/* schools.c */
WEB_HANDLER(web_schools_list);
WEB_HANDLER(web_schools_get);
WEB_HANDLER(web_schools_import);
WEB_HANDLER(web_schools_checklist);
WEB_HANDLER(web_schools_baseline);
/* tasks.c */
WEB_HANDLER(web_tasks);
/* assessments.c */
WEB_HANDLER(web_assessments_create);
WEB_HANDLER(web_assessments_self);
WEB_HANDLER(web_assessments_list);
WEB_HANDLER(web_assessments_get);
WEB_HANDLER(web_assessments_answer);
WEB_HANDLER(web_assessments_unanswer);
WEB_HANDLER(web_assessments_answers);
WEB_HANDLER(web_assessments_submit);
/* hazards.c */
WEB_HANDLER(web_signoff_list);
WEB_HANDLER(web_signoff_get);
WEB_HANDLER(web_signoff_district);
WEB_HANDLER(web_signoff_accept);
WEB_HANDLER(web_signoff_return);
WEB_HANDLER(web_signoff_correct);
WEB_HANDLER(web_signoff_diff);
WEB_HANDLER(web_signoff_confirmation);
WEB_HANDLER(web_signoff_confirm);

WEB_HANDLER(web_hazards_list);
WEB_HANDLER(web_hazards_get);
WEB_HANDLER(web_hazards_add);
WEB_HANDLER(web_hazards_assign);
WEB_HANDLER(web_hazards_submit);
WEB_HANDLER(web_hazards_verify);
WEB_HANDLER(web_hazards_reject);
WEB_HANDLER(web_hazards_signoff);
/* baseline.c */
WEB_HANDLER(web_baseline);
WEB_HANDLER(web_whatif);
WEB_HANDLER(web_whatif_suggest);
/* reports.c */
WEB_HANDLER(web_bulletins_monthly);
WEB_HANDLER(web_bulletins_monthly_xlsx);
WEB_HANDLER(web_bulletins_quarterly);
WEB_HANDLER(web_bulletins_quarterly_xlsx);
/* The bulletins' options (bulletins.c): sign-off's corrections. */
struct sr_bulletin_options;
extern const struct sr_bulletin_options web_bulletin_opt;

WEB_HANDLER(web_reports_district);
WEB_HANDLER(web_reports_city);
WEB_HANDLER(web_reports_all);
/* systems.c */
WEB_HANDLER(web_systems_list);
WEB_HANDLER(web_systems_get);
WEB_HANDLER(web_systems_upload);
/* evidence.c */
WEB_HANDLER(web_evidence_upload);
WEB_HANDLER(web_evidence_get);
/* audit.c */
WEB_HANDLER(web_audit_verify);
/* experts.c */
WEB_HANDLER(web_experts_list);
WEB_HANDLER(web_experts_summary);
WEB_HANDLER(web_experts_get);
WEB_HANDLER(web_experts_add);
WEB_HANDLER(web_experts_update);
/* plans.c */
WEB_HANDLER(web_plans_list);
WEB_HANDLER(web_plans_create);
WEB_HANDLER(web_plans_summary);
WEB_HANDLER(web_plans_get);
WEB_HANDLER(web_plans_publish);
WEB_HANDLER(web_plans_progress);

#endif /* SR_WEB_H */
