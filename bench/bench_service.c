/*
 * bench_service.c - the service under the load of a working day.
 *
 * On a demo city (3,000 schools and a year of assessments and hazards,
 * built in a temporary directory unless --db names one: a SQLite file
 * or a postgresql:// URI, written into), the real
 * server runs as its own process (`schoolrisk serve`), and this program
 * plays its users over HTTP on loopback, each a thread with a
 * keep-alive connection:
 *   - N inspectors (--inspectors, default 200), each granted one school,
 *     starting over the first 5 x --think ms (exponential): open the
 *     school's checklist, start an inspection, save every applicable
 *     answer one by one with --think ms (mean, exponential) between
 *     answers, submit, and start again;
 *   - district users reading their hazard ledger (a page of 20, then a
 *     page of overdue ones) and city users reading the dashboard, each
 *     every --read-every ms;
 *   - one user signing in again and again all along, so that the cost of
 *     Argon2id shows (or does not) in everybody else's latency.
 * Every user signs in first (the city users with their second factor).
 * Prints requests per second, p50, p99 and max per route, errors, and
 * the server's peak resident memory.
 *
 * usage: bench_service [--db DB] [--schools N] [--inspectors N]
 *                      [--districts N] [--city N] [--seconds S]
 *                      [--think MS] [--read-every MS] [--threads N]
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "http_client.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/demo.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/school.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif
#ifndef SR_CLI_PATH
#define SR_CLI_PATH "schoolrisk"
#endif

#define PASSWORD "Bench#Password2026"

/* ------------------------------------------------------------------ */
/* Measurements                                                         */
/* ------------------------------------------------------------------ */

enum route {
    R_LOGIN_BURST, R_LOGIN, R_CHECKLIST, R_CREATE, R_ANSWER, R_SUBMIT, R_LEDGER,
    R_DASHBOARD, R_COUNT
};

static const char *const route_names[R_COUNT] = {
    "sign-in, all at 8:00", "sign-in (POST /session)", "checklist (GET)", "new draft (POST)",
    "save answer (PUT)", "submit (POST)", "hazard ledger (GET)",
    "dashboard (GET)"};

struct samples {
    double *v;     /* milliseconds */
    size_t n, alloc;
    size_t errors;
};

static struct samples stats[R_COUNT];
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stop;
static atomic_bool go;         /* everyone signed in: the day starts */
static atomic_int ready;
static unsigned short port;
static int think_ms = 1000, read_every_ms = 1000;

static void
record(enum route r, double ms, bool ok)
{
    struct samples *s = &stats[r];

    pthread_mutex_lock(&stats_lock);
    if (!ok) {
        s->errors++;
    } else {
        if (s->n == s->alloc) {
            s->alloc = s->alloc ? s->alloc * 2 : 4096;
            s->v = realloc(s->v, s->alloc * sizeof(*s->v));
            if (!s->v)
                abort();
        }
        s->v[s->n++] = ms;
    }
    pthread_mutex_unlock(&stats_lock);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double
pct(const struct samples *s, double p)
{
    size_t i;

    if (!s->n)
        return 0;
    i = (size_t)ceil(p / 100.0 * (double)s->n);
    return s->v[i ? i - 1 : 0];
}

/* One keep-alive connection a user (http_client.h). */

static int
timed(struct conn *c, enum route r, const char *method, const char *path,
      const char *json, char **body)
{
    double t0 = now_ms();
    int status = request(c, method, path, json, body);

    record(r, now_ms() - t0, status >= 200 && status < 300);
    return status;
}

/* Sign in (and take the second factor when asked), the password's
 * request timed as route; false on failure. */
static bool
sign_in_timed(struct conn *c, const char *login, const char *secret,
              enum route route)
{
    double ms;
    int status;
    bool ok = sign_in(c, login, PASSWORD, secret, &ms, &status);

    record(route, ms, status == 200);
    return ok;
}

static void
pause_ms(double mean)
{
    double u = (double)(rand() % 10000 + 1) / 10001.0;
    double ms = mean > 0 ? -log(u) * mean : 0;
    struct timespec ts = {(time_t)(ms / 1000), (long)fmod(ms, 1000) * 1000000};

    if (ms > 0)
        nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ */
/* The users                                                            */
/* ------------------------------------------------------------------ */

struct answer {
    char item[32];
    char value[48];
};

struct inspector {
    char login[32];
    char school[11];
    struct answer *a;
    size_t n;
    size_t submitted;
};

static void *
inspector_run(void *arg)
{
    struct inspector *in = arg;
    struct conn c = CONN_INIT(port);
    char path[256], json[256], *body;
    size_t i;

    bool in_ok = sign_in_timed(&c, in->login, NULL, R_LOGIN_BURST);

    atomic_fetch_add(&ready, 1);
    while (!atomic_load(&go))
        usleep(10000);
    if (!in_ok)
        goto done;
    /* The inspectors reach their schools over the first minutes, not
     * in the same millisecond. */
    pause_ms(think_ms * 5.0);
    while (!atomic_load(&stop)) {
        int64_t id = 0;
        cJSON *v;

        snprintf(path, sizeof(path), "/api/v1/schools/%s/checklist",
                 in->school);
        timed(&c, R_CHECKLIST, "GET", path, NULL, &body);
        snprintf(json, sizeof(json), "{\"school\":\"%s\"}", in->school);
        if (timed(&c, R_CREATE, "POST", "/api/v1/assessments", json,
                  &body) != 201) {
            pause_ms(think_ms);
            continue;
        }
        v = cJSON_Parse(body);
        id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(v, "assessment"), "id"));
        cJSON_Delete(v);
        for (i = 0; i < in->n && !atomic_load(&stop); i++) {
            pause_ms(think_ms);
            snprintf(path, sizeof(path),
                     "/api/v1/assessments/%lld/answers/%s", (long long)id,
                     in->a[i].item);
            snprintf(json, sizeof(json), "{\"value\":\"%s\"}",
                     in->a[i].value);
            timed(&c, R_ANSWER, "PUT", path, json, &body);
        }
        if (atomic_load(&stop))
            break;
        snprintf(path, sizeof(path), "/api/v1/assessments/%lld/submit",
                 (long long)id);
        if (timed(&c, R_SUBMIT, "POST", path, NULL, &body) == 200)
            in->submitted++;
    }
done:
    if (c.fd >= 0)
        close(c.fd);
    free(c.buf);
    return NULL;
}

struct reader {
    char login[32];
    char secret[40]; /* TOTP, for the city */
    bool city;
};

static void *
reader_run(void *arg)
{
    struct reader *rd = arg;
    struct conn c = CONN_INIT(port);
    char *body;

    bool in_ok = sign_in_timed(&c, rd->login, rd->city ? rd->secret : NULL,
                         R_LOGIN_BURST);

    atomic_fetch_add(&ready, 1);
    while (!atomic_load(&go))
        usleep(10000);
    if (!in_ok)
        goto done;
    while (!atomic_load(&stop)) {
        pause_ms(read_every_ms);
        if (rd->city) {
            timed(&c, R_DASHBOARD, "GET", "/api/v1/dashboard?period=2026Q4",
                  NULL, &body);
        } else {
            timed(&c, R_LEDGER, "GET", "/api/v1/hazards?page=1&size=20",
                  NULL, &body);
            timed(&c, R_LEDGER, "GET",
                  "/api/v1/hazards?overdue=1&page=1&size=20", NULL, &body);
        }
    }
done:
    if (c.fd >= 0)
        close(c.fd);
    free(c.buf);
    return NULL;
}

/* Signs in again and again (each sign-in runs Argon2id). */
static void *
churn_run(void *arg)
{
    struct conn c = CONN_INIT(port);

    while (!atomic_load(&stop)) {
        sign_in_timed(&c, arg, NULL, R_LOGIN);
        pause_ms(250);
    }
    if (c.fd >= 0)
        close(c.fd);
    free(c.buf);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Setting up                                                           */
/* ------------------------------------------------------------------ */

static void
die(struct sr_store *st, const char *what)
{
    fprintf(stderr, "bench_service: %s: %s\n", what,
            st ? sr_store_errmsg(st) : strerror(errno));
    exit(1);
}

/* A value of ten-thousandths as a decimal text. */
static void
decimal(int64_t v, char *buf, size_t size)
{
    if (v % 10000)
        snprintf(buf, size, "%lld.%04lld", (long long)(v / 10000),
                 (long long)(v % 10000));
    else
        snprintf(buf, size, "%lld", (long long)(v / 10000));
}

/* Full-points answers for every item of sys that applies to school. */
static void
answers_for(const struct sr_system *sys, const struct sr_school *school,
            struct inspector *in)
{
    const struct sr_item *items;
    size_t n, i;

    items = sr_system_items(sys, &n);
    in->a = calloc(n, sizeof(*in->a));
    if (!in->a)
        die(NULL, "out of memory");
    for (i = 0; i < n; i++) {
        const struct sr_item *it = &items[i];
        struct answer *a = &in->a[in->n];
        char num[32];

        if (!sr_item_applies(sys, it, school))
            continue;
        snprintf(a->item, sizeof(a->item), "%s", it->id);
        switch (it->method) {
        case SR_METHOD_CHECK:
            snprintf(a->value, sizeof(a->value), "pass");
            break;
        case SR_METHOD_LEVELS:
            snprintf(a->value, sizeof(a->value), "%s",
                     sr_system_levels(sys)[it->opt_off].value);
            break;
        case SR_METHOD_THRESHOLD:
            decimal(it->lower_better ? 0 : sr_system_steps(sys)[
                                               it->opt_off].at,
                    num, sizeof(num));
            snprintf(a->value, sizeof(a->value), "%s", num);
            break;
        case SR_METHOD_DEDUCT:
            snprintf(a->value, sizeof(a->value), "0");
            break;
        case SR_METHOD_RATIO:
            if (it->req_attr >= 0) {
                decimal(sr_item_required(sys, it, school), num,
                        sizeof(num));
                snprintf(a->value, sizeof(a->value), "%s", num);
            } else {
                snprintf(a->value, sizeof(a->value), "1/1");
            }
            break;
        default:
            continue;
        }
        in->n++;
    }
}

struct pick {
    struct inspector *v;
    size_t n, want, seen, every;
};

static int
pick_school(const struct sr_school_record *r, void *ctx)
{
    struct pick *p = ctx;

    if (p->seen++ % p->every == 0 && p->n < p->want) {
        snprintf(p->v[p->n].school, sizeof(p->v[p->n].school), "%s",
                 r->code);
        snprintf(p->v[p->n].login, sizeof(p->v[p->n].login),
                 "bench%04zu", p->n);
        p->n++;
    }
    return p->n == p->want;
}

/* A user with a role, unless it exists; *secret receives a TOTP secret
 * enrolled for it when not NULL. */
static void
ensure_user(struct sr_store *st, const struct sr_auth_policy *pol,
            const char *login, int role, const char *district,
            const char *school, char *secret)
{
    struct sr_user u;
    struct sr_user_new nu = {login, login, NULL, NULL, PASSWORD, false,
                             false};
    int64_t id, grant;
    char *uri = NULL, code[7];

    memset(&u, 0, sizeof(u));
    if (sr_user_find(st, login, &u) == SR_OK) {
        id = u.id;
        sr_user_release(&u);
        if (!secret)
            return;
        sr_totp_reset(st, id);
    } else {
        sr_user_release(&u);
        if (sr_user_add(st, pol, &nu, &id) != SR_OK ||
            sr_grant_add(st, id, role, district, school, &grant) != SR_OK)
            die(st, login);
    }
    if (secret) {
        if (sr_totp_begin(st, id, secret, &uri) != SR_OK ||
            sr_totp_code(secret, sr_store_time(st), code) != SR_OK ||
            sr_totp_confirm(st, id, code) != SR_OK)
            die(st, "totp");
        free(uri);
    }
}

static double
peak_rss_mb(pid_t pid)
{
    char path[64], line[256];
    double kb = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtod(line + 6, NULL);
    fclose(f);
    return kb / 1024.0;
}

int
main(int argc, char **argv)
{
    const char *db = NULL;
    long schools = 3000, inspectors = 200, districts = 4, cities = 2;
    long seconds = 60, threads = 8;
    char tmp[] = "/tmp/sr-bench-service.XXXXXX", dbpath[256];
    char listen_arg[32], threads_arg[16], line[512];
    struct sr_store *st = NULL;
    struct sr_auth_policy pol;
    struct inspector *ins;
    struct reader *rd;
    struct pick pk;
    pthread_t *tid, churn;
    size_t i, total = 0, errors = 0, submitted = 0, answers = 0;
    int pipefd[2], r;
    pid_t pid;
    FILE *out;
    double t0, elapsed;

    for (r = 1; r < argc; r++) {
        if (!strcmp(argv[r], "--db") && r + 1 < argc)
            db = argv[++r];
        else if (!strcmp(argv[r], "--schools") && r + 1 < argc)
            schools = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--inspectors") && r + 1 < argc)
            inspectors = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--districts") && r + 1 < argc)
            districts = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--city") && r + 1 < argc)
            cities = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--seconds") && r + 1 < argc)
            seconds = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--think") && r + 1 < argc)
            think_ms = (int)strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--read-every") && r + 1 < argc)
            read_every_ms = (int)strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--threads") && r + 1 < argc)
            threads = strtol(argv[++r], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_service [--db DB] [--schools N]"
                            " [--inspectors N] [--districts N] [--city N]"
                            " [--seconds S] [--think MS] [--read-every MS]"
                            " [--threads N]\n");
            return 2;
        }
    }
    if (inspectors < 1 || inspectors > 2000 || districts < 0 ||
        districts > 16 || cities < 0 || seconds < 1) {
        fprintf(stderr, "bench_service: bad option value\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    /* The city. */
    if (!db) {
        struct sr_demo_options o;
        struct sr_demo_stats ds;
        struct sr_diags d;

        if (!mkdtemp(tmp))
            die(NULL, "mkdtemp");
        snprintf(dbpath, sizeof(dbpath), "%s/city.db", tmp);
        db = dbpath;
        if (sr_store_open(db, SR_STORE_CREATE | SR_STORE_BULK, &st) != SR_OK)
            die(st, "open");
        memset(&o, 0, sizeof(o));
        o.indicator_dir = SR_DEFAULT_INDICATOR_DIR;
        o.work_dir = tmp;
        o.schools = schools;
        o.seed = 1;
        o.year = 2026;
        sr_diags_init(&d);
        t0 = now_ms();
        if (sr_demo_build(st, &o, &ds, &d) != SR_OK)
            die(st, "demo");
        sr_diags_release(&d);
        printf("demo city of %ld schools built in %.1f s\n", schools,
               (now_ms() - t0) / 1000.0);
        sr_store_close(st);
        st = NULL;
    }
    if (sr_store_open(db, 0, &st) != SR_OK)
        die(st, "open");
    sr_store_set_actor(st, "bench");
    sr_store_set_clock(st, 0);
    sr_auth_policy_init(&pol);

    /* The users: inspectors on schools spread over the city. */
    ins = calloc((size_t)inspectors, sizeof(*ins));
    rd = calloc((size_t)(districts + cities) + 1, sizeof(*rd));
    tid = calloc((size_t)(inspectors + districts + cities), sizeof(*tid));
    if (!ins || !rd || !tid)
        die(NULL, "out of memory");
    memset(&pk, 0, sizeof(pk));
    pk.v = ins;
    pk.want = (size_t)inspectors;
    pk.every = (size_t)(schools / inspectors > 0 ? schools / inspectors : 1);
    if (sr_registry_list(st, NULL, pick_school, &pk) != SR_OK)
        die(st, "schools");
    t0 = now_ms();
    for (i = 0; i < pk.n; i++) {
        struct sr_school_record s;
        struct sr_system *sys = NULL;

        sr_school_record_init(&s);
        if (sr_registry_get(st, ins[i].school, &s) != SR_OK ||
            sr_store_current_system(st, (int)s.school.attr[SR_ATTR_STAGE],
                                    &sys) != SR_OK)
            die(st, ins[i].school);
        answers_for(sys, &s.school, &ins[i]);
        answers += ins[i].n;
        ensure_user(st, &pol, ins[i].login, SR_ROLE_INSPECTOR, NULL,
                    ins[i].school, NULL);
        sr_system_free(sys);
        sr_school_record_release(&s);
    }
    {
        static const char *const d[] = {"历下区", "市中区", "槐荫区",
                                        "天桥区", "历城区", "长清区",
                                        "章丘区", "济阳区", "莱芜区",
                                        "钢城区", "平阴县", "商河县",
                                        "高新区", "南部山区", "起步区",
                                        "市属学校"};
        for (i = 0; i < (size_t)districts; i++) {
            snprintf(rd[i].login, sizeof(rd[i].login), "benchd%02zu", i);
            ensure_user(st, &pol, rd[i].login, SR_ROLE_DISTRICT, d[i], NULL,
                        NULL);
        }
        for (; i < (size_t)(districts + cities); i++) {
            snprintf(rd[i].login, sizeof(rd[i].login), "benchc%02zu", i);
            rd[i].city = true;
            ensure_user(st, &pol, rd[i].login, SR_ROLE_CITY, NULL, NULL,
                        rd[i].secret);
        }
        ensure_user(st, &pol, "benchchurn", SR_ROLE_DISTRICT, "历下区", NULL,
                    NULL);
    }
    sr_store_close(st);
    printf("%zu inspectors (%zu answers in all), %ld district and %ld "
           "city users ready in %.1f s\n",
           pk.n, answers, districts, cities, (now_ms() - t0) / 1000.0);

    /* The server, as its own process. */
    if (pipe(pipefd) != 0)
        die(NULL, "pipe");
    snprintf(listen_arg, sizeof(listen_arg), "127.0.0.1:0");
    snprintf(threads_arg, sizeof(threads_arg), "%ld", threads);
    pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        execl(SR_CLI_PATH, "schoolrisk", "serve", "--db", db, "--listen",
              listen_arg, "--threads", threads_arg, "--quiet",
              (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    out = fdopen(pipefd[0], "r");
    if (!out || !fgets(line, sizeof(line), out) ||
        !strstr(line, "http://127.0.0.1:"))
        die(NULL, "the server did not start");
    port = (unsigned short)strtoul(strstr(line, "http://127.0.0.1:") + 17,
                                   NULL, 10);
    printf("server: %s", line);
    fflush(stdout);

    /* Everyone signs in at once, then the day starts. */
    t0 = now_ms();
    for (i = 0; i < pk.n; i++)
        pthread_create(&tid[i], NULL, inspector_run, &ins[i]);
    for (i = 0; i < (size_t)(districts + cities); i++)
        pthread_create(&tid[pk.n + i], NULL, reader_run, &rd[i]);
    while ((size_t)atomic_load(&ready) < pk.n + (size_t)(districts + cities))
        usleep(20000);
    printf("%zu users signed in at once in %.1f s\n",
           pk.n + (size_t)(districts + cities), (now_ms() - t0) / 1000.0);
    fflush(stdout);
    /* The dashboard is computed once a day before anyone waits for it
     * (its first computation, about a second, is not the day's). */
    if (cities) {
        struct conn c = CONN_INIT(port);
        char *body;

        if (sign_in_timed(&c, rd[districts].login, rd[districts].secret,
                    R_LOGIN_BURST))
            request(&c, "GET", "/api/v1/dashboard?period=2026Q4", NULL,
                    &body);
        if (c.fd >= 0)
            close(c.fd);
        free(c.buf);
    }
    t0 = now_ms();
    atomic_store(&go, true);
    pthread_create(&churn, NULL, churn_run, "benchchurn");
    sleep((unsigned)seconds);
    atomic_store(&stop, true);
    for (i = 0; i < pk.n + (size_t)(districts + cities); i++)
        pthread_join(tid[i], NULL);
    pthread_join(churn, NULL);
    elapsed = (now_ms() - t0) / 1000.0;

    printf("\nservice benchmark: %zu inspectors (think %d ms), %ld district "
           "and %ld city readers (every %d ms), one user signing in every "
           "250 ms; %.0f s; server %ld threads\n\n",
           pk.n, think_ms, districts, cities, read_every_ms, elapsed,
           threads);
    printf("%-26s %9s %8s %8s %8s %8s %7s\n", "route", "requests", "req/s",
           "p50 ms", "p99 ms", "max ms", "errors");
    for (r = 0; r < R_COUNT; r++) {
        struct samples *s = &stats[r];

        qsort(s->v, s->n, sizeof(*s->v), cmp_double);
        printf("%-26s %9zu %8.1f %8.1f %8.1f %8.1f %7zu\n", route_names[r],
               s->n, r == R_LOGIN_BURST ? 0.0 : (double)s->n / elapsed,
               pct(s, 50), pct(s, 99), s->n ? s->v[s->n - 1] : 0.0,
               s->errors);
        total += s->n;
        errors += s->errors;
    }
    for (i = 0; i < pk.n; i++)
        submitted += ins[i].submitted;
    printf("%-26s %9zu %8.1f %26s %7zu\n", "all", total,
           (double)total / elapsed, "", errors);
    printf("\nsubmitted assessments: %zu; server peak RSS %.1f MB\n",
           submitted, peak_rss_mb(pid));
    kill(pid, SIGTERM);
    waitpid(pid, &r, 0);
    fclose(out);
    for (i = 0; i < pk.n; i++)
        free(ins[i].a);
    for (r = 0; r < R_COUNT; r++)
        free(stats[r].v);
    free(ins);
    free(rd);
    free(tid);
    return errors ? 1 : 0;
}
