/*
 * fuzz_api.c - libFuzzer target for the service's request handling:
 * the real server (src/web/, in this process, on a loopback port) on a
 * real database, signed-in users of three roles, and every route that
 * takes a JSON body.  An input picks a route and a user with its first
 * two bytes; the rest is the body, sent as one HTTP request with the
 * session cookie and the CSRF token.  Whatever the body, the answer
 * must be a status the API documents with a JSON body (an error object
 * for any status >= 400), and nothing may crash, leak or read out of
 * bounds in any of the server's threads.
 *
 * Routes that run Argon2id (sign-in, password changes) are left out:
 * their JSON handling is the same code, at 100 ms an input.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/store.h"
#include "web.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define USERS 3

static struct web_config cfg;
static struct web_server *server;
static unsigned port;
static char dir[512];
static struct sr_session_new sessions[USERS];
static const struct web_route *routes[128];
static size_t n_routes;

static const char registry[] =
    "学校标识码,学校名称,区县,学段,办学性质,城乡,寄宿,校车,食堂,实验室,"
    "游泳池,在校生数,住宿生数,特殊需要学生数\n"
    "2137010231,济南市历下区燕翔小学,历下区,小学,公办,城区,否,否,是,是,"
    "否,1860,0,6\n"
    "2137010301,济南市市中区舜耕中学,市中区,初中,公办,城区,否,否,是,是,"
    "否,1320,0,4\n";

static void
die(const char *what, struct sr_store *st)
{
    fprintf(stderr, "fuzz_api: %s: %s\n", what,
            st ? sr_store_errmsg(st) : "");
    abort();
}

/* A database with two schools, a hazard, an inspector's draft, and
 * three users signed in: district, school, inspector. */
static void
build(void)
{
    static const struct {
        const char *login;
        int role;
        const char *district, *school;
    } who[USERS] = {
        {"lixia", SR_ROLE_DISTRICT, "历下区", NULL},
        {"yanxiang", SR_ROLE_SCHOOL, NULL, "2137010231"},
        {"insp", SR_ROLE_INSPECTOR, NULL, "2137010231"},
    };
    struct sr_auth_policy p;
    struct sr_store *st = NULL;
    struct sr_import_report rep;
    struct sr_diags d;
    struct sr_hazard_new h;
    enum sr_load_outcome out;
    char path[600];
    int64_t id, grant, draft;
    bool linked;
    const char *tmp = getenv("TMPDIR");
    int i;

    snprintf(dir, sizeof(dir), "%s/sr-fuzz-api.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        die("mkdtemp", NULL);
    snprintf(path, sizeof(path), "%s/t.db", dir);
    if (sr_store_open(path, SR_STORE_CREATE, &st) != SR_OK)
        die("open", st);
    sr_store_set_actor(st, "fuzz");
    sr_diags_init(&d);
    if (sr_store_load_system_file(st, SR_INDICATORS "/primary.xml", &out,
                                  &d) != SR_OK ||
        sr_store_load_system_file(st, SR_INDICATORS "/junior.xml", &out,
                                  &d) != SR_OK ||
        sr_registry_import_memory(st, "fuzz.csv", registry,
                                  sizeof(registry) - 1, 0, &rep,
                                  &d) != SR_OK)
        die("fixture", st);
    sr_diags_release(&d);
    sr_auth_policy_init(&p);
    for (i = 0; i < USERS; i++) {
        struct sr_user_new u = {who[i].login, who[i].login, NULL, NULL,
                                "Fuzz#Password2026", false, false};
        struct sr_login in = {who[i].login, "Fuzz#Password2026", "fuzz",
                              NULL};

        if (sr_user_add(st, &p, &u, &id) != SR_OK ||
            sr_grant_add(st, id, who[i].role, who[i].district,
                         who[i].school, &grant) != SR_OK ||
            sr_auth_login(st, &p, &in, &sessions[i]) != SR_OK ||
            sessions[i].stage != SR_SESSION_FULL)
            die("user", st);
        if (who[i].role == SR_ROLE_INSPECTOR) {
            sr_store_set_user(st, id, who[i].login);
            if (sr_assess_new(st, "2137010231", NULL, NULL, &draft) !=
                SR_OK)
                die("draft", st);
            sr_store_set_actor(st, "fuzz");
        }
    }
    memset(&h, 0, sizeof(h));
    h.school = "2137010231";
    h.level = SR_HAZARD_GENERAL;
    h.description = "东侧围墙有裂缝";
    if (sr_hazard_add(st, &h, &id, &linked) != SR_OK)
        die("hazard", st);
    sr_store_close(st);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char db[600], evidence[600];
    size_t i;

    (void)argc;
    (void)argv;
    build();
    snprintf(db, sizeof(db), "%s/t.db", dir);
    snprintf(evidence, sizeof(evidence), "%s/evidence", dir);
    memset(&cfg, 0, sizeof(cfg));
    cfg.db = db;
    cfg.listen = "127.0.0.1:0";
    cfg.evidence_dir = evidence;
    cfg.template_dir = SR_TEMPLATES;
    cfg.threads = 2;
    cfg.max_connections = 1024;
    cfg.idle_timeout = 10;
    cfg.cache_seconds = 60;
    sr_auth_policy_init(&cfg.policy);
    if (web_start(&cfg, &server, &port) != 0)
        abort();
    for (i = 0; i < web_n_routes && n_routes < 128; i++)
        if ((web_routes[i].flags & WEB_JSON) &&
            !(web_routes[i].flags & WEB_SLOW))
            routes[n_routes++] = &web_routes[i];
    return 0;
}

/* The path of rt with its parameters filled with records that exist. */
static void
fill(const struct web_route *rt, char *out, size_t size)
{
    const char *p = rt->pattern;
    size_t o = 0;

    while (*p && o + 1 < size) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            const char *v = "1";

            if (!strncmp(p, "{code}", 6))
                v = "2137010231";
            else if (!strncmp(p, "{district}", 10))
                v = "370102";
            else if (!strncmp(p, "{item}", 6))
                v = "D01.01.01";
            o += (size_t)snprintf(out + o, size - o, "%s", v);
            p = e ? e + 1 : p + strlen(p);
        } else {
            out[o++] = *p++;
        }
    }
    out[o < size ? o : size - 1] = '\0';
}

/* Send one request and read the whole answer into buf; the status, or
 * -1 when the connection was refused or closed before an answer. */
static int
try_exchange(const char *head, size_t hlen, const uint8_t *body, size_t blen,
             char *buf, size_t size, size_t *got)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), status = -1;
    ssize_t n;

    *got = 0;
    buf[0] = '\0';
    if (fd < 0)
        abort();
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        send(fd, head, hlen, MSG_NOSIGNAL) != (ssize_t)hlen ||
        (blen && send(fd, body, blen, MSG_NOSIGNAL) != (ssize_t)blen)) {
        close(fd);
        return -1;
    }
    while (*got + 1 < size &&
           (n = recv(fd, buf + *got, size - 1 - *got, 0)) > 0)
        *got += (size_t)n;
    buf[*got] = '\0';
    close(fd);
    if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
        return -1;
    return status;
}

/* try_exchange(), again a few times when the server had no room for a
 * new connection yet: one connection per input, closed by the server,
 * can outrun a loaded machine's clean-up of the closed ones.  Never an
 * answer at all is a bug. */
static int
exchange(const char *head, size_t hlen, const uint8_t *body, size_t blen,
         char *buf, size_t size, size_t *got)
{
    int tries, status = -1;

    for (tries = 0; tries < 50 && status < 0; tries++) {
        if (tries)
            usleep(20000);
        status = try_exchange(head, hlen, body, blen, buf, size, got);
    }
    if (status < 0) {
        fprintf(stderr, "fuzz_api: no answer after %d tries\n", tries);
        abort();
    }
    return status;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[1 << 20];
    const struct web_route *rt;
    const struct sr_session_new *s;
    char path[256], head[1024];
    const char *json;
    size_t hlen, got;
    cJSON *v;
    int status;

    if (size < 2 || !n_routes)
        return 0;
    rt = routes[data[0] % n_routes];
    s = &sessions[data[1] % USERS];
    data += 2;
    size -= 2;
    fill(rt, path, sizeof(path));
    hlen = (size_t)snprintf(head, sizeof(head),
                            "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                            "Origin: http://127.0.0.1:%u\r\n"
                            "Cookie: sr_session=%s\r\nX-CSRF-Token: %s\r\n"
                            "Content-Type: application/json\r\n"
                            "Accept-Language: en\r\n"
                            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                            rt->method, path, port, port, s->token, s->csrf,
                            size);
    status = exchange(head, hlen, data, size, buf, sizeof(buf), &got);
    switch (status) {
    case 200: case 201: case 400: case 403: case 404: case 409: case 413:
    case 422:
        break;
    default:
        /* 401 (the sessions are valid), 500 or 503 would be a bug. */
        fprintf(stderr, "fuzz_api: %s %s answered %d\n", rt->method, path,
                status);
        abort();
    }
    json = strstr(buf, "\r\n\r\n");
    if (!json)
        abort();
    v = cJSON_Parse(json + 4);
    if (!v || (status >= 400 &&
               !cJSON_IsString(cJSON_GetObjectItem(
                   cJSON_GetObjectItem(v, "error"), "message"))))
        abort();
    cJSON_Delete(v);
    return 0;
}
