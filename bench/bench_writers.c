/*
 * bench_writers.c - submissions per second under concurrent writers, on
 * either store (issue 13's curve).
 *
 * On an existing database (--db: a SQLite file or a postgresql:// URI;
 * bench/bench_writers.sh makes a small demo city and its PostgreSQL
 * copy), the real server runs as its own process (`schoolrisk serve`,
 * --threads request threads, each with its own connection to the
 * database), and this program plays W inspectors at once over HTTP on
 * loopback, for W in --writers (default 1,2,4,8,16), each W for
 * --seconds.  Each inspector is a thread with a keep-alive connection,
 * granted a school of its own (so that no two of them wait for the same
 * school's lock), and does nothing but submit, without think time:
 * start an inspection (POST /api/v1/assessments), send every applicable
 * answer in one request (POST .../answers), submit (POST .../submit).
 * A submission is acknowledged when all three succeed; any other answer
 * is a failed one.  Afterwards the database must hold exactly the
 * acknowledged submissions more than before (none lost).
 *
 * Printed per W: submissions, submissions per second, the median and
 * 99th percentile of a submission's three requests, failures, and the
 * CPU used while it ran, in cores: the server process's, the database
 * server's (PostgreSQL: the postmaster --pg-pid and its backends; 0
 * for SQLite, which runs inside the server) and the whole machine's
 * (/proc/stat, which counts anything else running too).
 *
 * usage: bench_writers --db DB [--writers 1,2,4,8,16] [--seconds S]
 *                      [--threads N] [--pg-pid PID]
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "http_client.h"
#include "schoolrisk/assess.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/school.h"
#include "schoolrisk/store.h"

#ifndef SR_CLI_PATH
#define SR_CLI_PATH "schoolrisk"
#endif

#define PASSWORD "Bench#Password2026"
#define MAX_WRITERS 64

static atomic_bool stop;
static unsigned short port;

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ */
/* The writers                                                          */
/* ------------------------------------------------------------------ */

struct answer {
    char item[32];
    char value[48];
};

struct writer {
    char login[32];
    char school[11];
    struct answer *a;
    size_t n;
    char *body;              /* the answers, as one request's JSON */
    struct conn c;
    /* this round's */
    size_t ok, failed;
    double *lat;             /* ms per acknowledged submission */
    size_t nlat, alat;
    char last_error[160];
};

/* One submission: its three requests; true when all succeeded. */
static bool
submit_one(struct writer *w)
{
    char path[128], json[64], *body;
    int64_t id;
    int status;
    cJSON *v;

    snprintf(json, sizeof(json), "{\"school\":\"%s\"}", w->school);
    status = request(&w->c, "POST", "/api/v1/assessments", json, &body);
    if (status != 201)
        goto fail;
    v = cJSON_Parse(body);
    id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(
        cJSON_GetObjectItem(v, "assessment"), "id"));
    cJSON_Delete(v);
    snprintf(path, sizeof(path), "/api/v1/assessments/%lld/answers",
             (long long)id);
    status = request(&w->c, "POST", path, w->body, &body);
    if (status != 200)
        goto fail;
    snprintf(path, sizeof(path), "/api/v1/assessments/%lld/submit",
             (long long)id);
    status = request(&w->c, "POST", path, NULL, &body);
    if (status != 200)
        goto fail;
    return true;

fail:
    snprintf(w->last_error, sizeof(w->last_error), "%d %.150s", status,
             status > 0 ? body : "(no answer)");
    return false;
}

static void *
writer_run(void *arg)
{
    struct writer *w = arg;

    while (!atomic_load(&stop)) {
        double t0 = now_ms();

        if (!submit_one(w)) {
            w->failed++;
            continue;
        }
        w->ok++;
        if (w->nlat == w->alat) {
            w->alat = w->alat ? w->alat * 2 : 256;
            w->lat = realloc(w->lat, w->alat * sizeof(*w->lat));
            if (!w->lat)
                abort();
        }
        w->lat[w->nlat++] = now_ms() - t0;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* CPU                                                                  */
/* ------------------------------------------------------------------ */

/* utime + stime (+ the waited-for children's with children) of pid, in
 * clock ticks; 0 when it is gone. */
static double
proc_ticks(long pid, bool children)
{
    char path[64], buf[1024], *p;
    unsigned long long ut, st, cut, cst;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the name may hold spaces */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                            "%llu %llu %llu %llu",
                     &ut, &st, &cut, &cst) != 4)
        return 0;
    return (double)(ut + st) + (children ? (double)(cut + cst) : 0);
}

/* The parent's pid of pid, or -1. */
static long
parent_of(long pid)
{
    char path[64], buf[512], *p;
    long ppid = -1;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    if (p && sscanf(p + 2, "%*c %ld", &ppid) != 1)
        ppid = -1;
    return ppid;
}

/* The PostgreSQL server's CPU: the postmaster, its live children, and
 * the children it has reaped. */
static double
pg_ticks(long postmaster)
{
    double t;
    DIR *d;
    struct dirent *e;

    if (postmaster <= 0)
        return 0;
    t = proc_ticks(postmaster, true);
    d = opendir("/proc");
    if (!d)
        return t;
    while ((e = readdir(d))) {
        long pid = strtol(e->d_name, NULL, 10);

        if (pid > 0 && parent_of(pid) == postmaster)
            t += proc_ticks(pid, false);
    }
    closedir(d);
    return t;
}

/* The machine's busy and total ticks (every core) from /proc/stat. */
static void
machine_ticks(double *busy, double *total)
{
    unsigned long long v[8] = {0};
    FILE *f = fopen("/proc/stat", "r");

    *busy = *total = 0;
    if (!f)
        return;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
               &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
        *total = (double)(v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] +
                          v[7]);
        *busy = *total - (double)(v[3] + v[4]);
    }
    fclose(f);
}

/* ------------------------------------------------------------------ */
/* Setting up                                                           */
/* ------------------------------------------------------------------ */

static void
die(struct sr_store *st, const char *what)
{
    fprintf(stderr, "bench_writers: %s: %s\n", what,
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
            struct writer *in)
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


struct pick {
    struct writer *v;
    size_t n, want, seen, every;
};

static int
pick_school(const struct sr_school_record *r, void *ctx)
{
    struct pick *p = ctx;

    if (!r->closed && p->seen++ % p->every == 0 && p->n < p->want) {
        snprintf(p->v[p->n].school, sizeof(p->v[p->n].school), "%s",
                 r->code);
        snprintf(p->v[p->n].login, sizeof(p->v[p->n].login), "writer%02zu",
                 p->n);
        p->n++;
    }
    return p->n == p->want;
}

/* The answers of w as the JSON of one bulk request. */
static void
answers_body(struct writer *w)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o,
                                                                  "answers");
    size_t i;

    for (i = 0; i < w->n; i++) {
        cJSON *a = cJSON_CreateObject();

        cJSON_AddStringToObject(a, "item", w->a[i].item);
        cJSON_AddStringToObject(a, "value", w->a[i].value);
        cJSON_AddItemToArray(arr, a);
    }
    w->body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!w->body)
        die(NULL, "out of memory");
}

static size_t
submitted_count(const char *db)
{
    struct sr_assess_filter f;
    struct sr_store *st = NULL;
    size_t n = 0;

    memset(&f, 0, sizeof(f));
    f.status = 1;
    if (sr_store_open(db, 0, &st) != SR_OK ||
        sr_assess_count(st, &f, &n) != SR_OK)
        die(st, "count the submitted assessments");
    sr_store_close(st);
    return n;
}

int
main(int argc, char **argv)
{
    const char *db = NULL, *list = "1,2,4,8,16";
    long seconds = 10, threads = 16, postmaster = 0;
    long rounds[16];
    size_t nrounds = 0, maxw = 0, i, before, after, acked = 0, failed = 0;
    char listen_arg[32], threads_arg[24], line[512], buf[64];
    struct sr_store *st = NULL;
    struct sr_auth_policy pol;
    struct writer *w;
    struct pick pk;
    pthread_t tid[MAX_WRITERS];
    double hz = (double)sysconf(_SC_CLK_TCK);
    int pipefd[2], r;
    pid_t pid;
    FILE *out;
    const char *tok;
    char *end;

    for (r = 1; r < argc; r++) {
        if (!strcmp(argv[r], "--db") && r + 1 < argc)
            db = argv[++r];
        else if (!strcmp(argv[r], "--writers") && r + 1 < argc)
            list = argv[++r];
        else if (!strcmp(argv[r], "--seconds") && r + 1 < argc)
            seconds = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--threads") && r + 1 < argc)
            threads = strtol(argv[++r], NULL, 10);
        else if (!strcmp(argv[r], "--pg-pid") && r + 1 < argc)
            postmaster = strtol(argv[++r], NULL, 10);
        else {
            fprintf(stderr, "usage: bench_writers --db DB [--writers "
                            "1,2,4,8,16] [--seconds S] [--threads N] "
                            "[--pg-pid PID]\n");
            return 2;
        }
    }
    for (tok = list; *tok && nrounds < 16; tok = *end ? end + 1 : end) {
        rounds[nrounds] = strtol(tok, &end, 10);
        if (end == tok || (*end && *end != ',') || rounds[nrounds] < 1 ||
            rounds[nrounds] > MAX_WRITERS) {
            fprintf(stderr, "bench_writers: --writers: a list of 1 to %d\n",
                    MAX_WRITERS);
            return 2;
        }
        if ((size_t)rounds[nrounds] > maxw)
            maxw = (size_t)rounds[nrounds];
        nrounds++;
    }
    if (!db || !nrounds || seconds < 1 || threads < 1) {
        fprintf(stderr, "bench_writers: --db, writers and seconds\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    /* The writers: inspectors of schools spread over the registry. */
    if (sr_store_open(db, 0, &st) != SR_OK)
        die(st, "open");
    sr_store_set_actor(st, "bench");
    sr_auth_policy_init(&pol);
    w = calloc(maxw, sizeof(*w));
    if (!w)
        die(NULL, "out of memory");
    memset(&pk, 0, sizeof(pk));
    pk.v = w;
    pk.want = maxw;
    pk.every = 7;
    if (sr_registry_list(st, NULL, pick_school, &pk) != SR_OK)
        die(st, "schools");
    if (pk.n < maxw)
        die(NULL, "too few schools for the writers");
    for (i = 0; i < maxw; i++) {
        struct sr_school_record s;
        struct sr_system *sys = NULL;

        w[i].c = (struct conn)CONN_INIT(0); /* its port below */
        sr_school_record_init(&s);
        if (sr_registry_get(st, w[i].school, &s) != SR_OK ||
            sr_store_current_system(st, (int)s.school.attr[SR_ATTR_STAGE],
                                    &sys) != SR_OK)
            die(st, w[i].school);
        answers_for(sys, &s.school, &w[i]);
        answers_body(&w[i]);
        ensure_user(st, &pol, w[i].login, SR_ROLE_INSPECTOR, NULL,
                    w[i].school, NULL);
        sr_system_free(sys);
        sr_school_record_release(&s);
    }
    sr_store_close(st);
    before = submitted_count(db);

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
    for (i = 0; i < maxw; i++) {
        w[i].c.port = port;
        if (!sign_in(&w[i].c, w[i].login, PASSWORD, NULL, NULL, NULL))
            die(NULL, w[i].login);
    }

    printf("writers benchmark: %s, %s; server %ld threads; %ld s a "
           "point; one submission = new draft + %zu answers in one "
           "request + submit, over HTTP\n\n",
           strncmp(db, "postgres", 8) ? "SQLite" : "PostgreSQL",
           strncmp(db, "postgres", 8) ? db : "(URI)", threads, seconds,
           w[0].n);
    printf("%7s %11s %8s %8s %8s %7s %10s %10s %10s\n", "writers",
           "submissions", "per s", "p50 ms", "p99 ms", "failed",
           "serve cpu", "db cpu", "machine");
    for (i = 0; i < nrounds; i++) {
        size_t k, n = (size_t)rounds[i], ok = 0, bad = 0, nl = 0;
        double t0, el, s0, s1, p0, p1, b0, b1, tt0, tt1, *lat = NULL;

        for (k = 0; k < n; k++) {
            w[k].ok = w[k].failed = w[k].nlat = 0;
            w[k].last_error[0] = '\0';
        }
        atomic_store(&stop, false);
        s0 = proc_ticks(pid, true);
        p0 = pg_ticks(postmaster);
        machine_ticks(&b0, &tt0);
        t0 = now_ms();
        for (k = 0; k < n; k++)
            pthread_create(&tid[k], NULL, writer_run, &w[k]);
        sleep((unsigned)seconds);
        atomic_store(&stop, true);
        for (k = 0; k < n; k++)
            pthread_join(tid[k], NULL);
        el = (now_ms() - t0) / 1000.0;
        s1 = proc_ticks(pid, true);
        p1 = pg_ticks(postmaster);
        machine_ticks(&b1, &tt1);
        for (k = 0; k < n; k++) {
            ok += w[k].ok;
            bad += w[k].failed;
            nl += w[k].nlat;
            if (w[k].last_error[0])
                fprintf(stderr, "writer %zu: %s\n", k, w[k].last_error);
        }
        lat = malloc((nl ? nl : 1) * sizeof(*lat));
        if (!lat)
            die(NULL, "out of memory");
        for (k = 0, nl = 0; k < n; k++) {
            memcpy(lat + nl, w[k].lat, w[k].nlat * sizeof(*lat));
            nl += w[k].nlat;
        }
        qsort(lat, nl, sizeof(*lat), cmp_double);
        snprintf(buf, sizeof(buf), "%.2f",
                 tt1 > tt0 ? (b1 - b0) / (tt1 - tt0) *
                                 (double)sysconf(_SC_NPROCESSORS_ONLN)
                           : 0.0);
        printf("%7zu %11zu %8.1f %8.1f %8.1f %7zu %10.2f %10.2f %10s\n", n,
               ok, (double)ok / el, nl ? lat[(nl - 1) / 2] : 0.0,
               nl ? lat[(size_t)ceil(0.99 * (double)nl) - 1] : 0.0, bad,
               (s1 - s0) / hz / el, (p1 - p0) / hz / el, buf);
        fflush(stdout);
        free(lat);
        acked += ok;
        failed += bad;
    }
    kill(pid, SIGTERM);
    waitpid(pid, &r, 0);
    fclose(out);
    after = submitted_count(db);
    printf("\nacknowledged %zu, failed %zu; the database holds %zu more "
           "submitted assessments: %zu lost\n"
           "(cpu in cores, %ld online; 'machine' counts everything "
           "running on it)\n",
           acked, failed, after - before,
           acked > after - before ? acked - (after - before) : 0,
           sysconf(_SC_NPROCESSORS_ONLN));
    for (i = 0; i < maxw; i++) {
        if (w[i].c.fd >= 0)
            close(w[i].c.fd);
        free(w[i].c.buf);
        free(w[i].a);
        free(w[i].body);
        free(w[i].lat);
    }
    free(w);
    return failed || after - before != acked ? 1 : 0;
}
