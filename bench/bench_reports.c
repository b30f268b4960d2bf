/*
 * bench_reports.c - how long the compliance workbooks take, and how far
 * that is from the floor.
 *
 * Builds a demo city of N schools (sr_demo_build, the same library calls
 * as `schoolrisk demo`), then, for the year 2026:
 *  - runs `schoolrisk report all` (every district's workbook and the
 *    city's) as a child process once, then --runs times more, each run
 *    next to a run of the floor and of the writing alone (below), and
 *    prints the medians of its CPU time (user + sys, its threads
 *    included), wall time and peak resident memory, and the medians of
 *    each run's ratios (the machine's speed drifts; ratios of medians
 *    taken minutes apart moved with it);
 *  - measures the floor: reading the rows the reports need with plain
 *    SQLite, plus writing the same cells (every value of every sheet of
 *    the workbooks just written, read back by xlsx_cells.py) with
 *    libxlsxwriter alone (no formats, charts or checks), in this
 *    process; and prints CPU / floor and wall / CPU;
 *  - measures report all's writing alone: the same 17 workbooks written
 *    by the library (sr_report_write_district(), sr_report_write_city())
 *    from figures already in memory, on one thread, against the floor's
 *    writing;
 *  - runs `schoolrisk report city` alone, --runs times.
 *
 * usage: bench_reports [--schools N] [--seed S] [--dir INDICATORS]
 *                      [--db FILE] [--runs R] [--jobs J] [--city-only 1]
 *        (city scale: 3000, the default; province scale: 40000;
 *         --jobs is passed to `report all` and `report city`;
 *         --city-only 1 times the city workbook alone: at province scale
 *         reading the cells back for the floor takes minutes)
 *
 * Without --db the city is built in a temporary directory and removed.
 * With --db it is built into FILE when FILE does not exist, and kept:
 * a province of 40,000 schools takes minutes to build, the reports on
 * it can then be timed again and again.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "schoolrisk/demo.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif
#ifndef SR_DEFAULT_TEMPLATE_DIR
#define SR_DEFAULT_TEMPLATE_DIR "templates"
#endif
#ifndef SR_CLI_PATH
#define SR_CLI_PATH "schoolrisk"
#endif

#define MAX_RUNS 15

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv(const struct timeval *t)
{
    return (double)t->tv_sec + (double)t->tv_usec / 1e6;
}

static double
peak_mb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static void
die(struct sr_store *st, struct sr_diags *d, const char *what)
{
    fprintf(stderr, "bench_reports: %s: %s%s%s\n", what,
            st ? sr_store_errmsg(st) : "", d && d->n ? " " : "",
            d && d->n ? d->v[0].message : "");
    exit(1);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Build the city into db in a child process; returns 0 on success. */
static int
build(const char *db, const char *ind, const char *work, long schools,
      uint64_t seed)
{
    pid_t pid;
    int status;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        struct sr_demo_options o;
        struct sr_demo_stats stats;
        struct sr_store *st = NULL;
        struct sr_diags d;
        double t0 = now();

        sr_diags_init(&d);
        if (sr_store_open(db, SR_STORE_CREATE | SR_STORE_BULK, &st) !=
            SR_OK)
            die(st, &d, "open");
        sr_store_set_actor(st, "bench");
        memset(&o, 0, sizeof(o));
        o.indicator_dir = ind;
        o.work_dir = work;
        o.schools = schools;
        o.seed = seed;
        o.year = 2026;
        if (sr_demo_build(st, &o, &stats, &d) != SR_OK)
            die(st, &d, "demo build");
        printf("city built in %.1f s: %zu assessments, %zu hazards "
               "(building process: peak RSS %.1f MB)\n",
               now() - t0, stats.assessments, stats.hazards, peak_mb());
        sr_store_close(st);
        sr_diags_release(&d);
        fflush(stdout);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    return 0;
}

static void
remove_db(const char *db)
{
    char path[600];

    snprintf(path, sizeof(path), "%s-wal", db);
    unlink(path);
    snprintf(path, sizeof(path), "%s-shm", db);
    unlink(path);
    unlink(db);
}

/* ------------------------------------------------------------------ */
/* The CLI, timed as a whole process                                    */
/* ------------------------------------------------------------------ */

struct timing {
    double cpu, wall, mb;
};

/* Run argv (stdout to /dev/null) and time it; exits on failure. */
static void
run_cli(char *const argv[], struct timing *t)
{
    struct rusage ru;
    double t0 = now();
    pid_t pid;
    int status;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die(NULL, NULL, "fork");
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_reports: %s %s %s failed\n", argv[0],
                argv[1], argv[2]);
        exit(1);
    }
    t->wall = now() - t0;
    t->cpu = tv(&ru.ru_utime) + tv(&ru.ru_stime);
    t->mb = (double)ru.ru_maxrss / 1024.0;
}

/* Medians of @p runs runs of argv. */
static void
time_cli(char *const argv[], int runs, struct timing *m)
{
    double cpu[MAX_RUNS], wall[MAX_RUNS], mb[MAX_RUNS];
    struct timing t;
    int i;

    for (i = 0; i < runs; i++) {
        run_cli(argv, &t);
        cpu[i] = t.cpu;
        wall[i] = t.wall;
        mb[i] = t.mb;
    }
    m->cpu = median(cpu, runs);
    m->wall = median(wall, runs);
    m->mb = median(mb, runs);
}

/* ------------------------------------------------------------------ */
/* The floor                                                            */
/* ------------------------------------------------------------------ */

/* One cell of the dump: a number, or a string (str != NULL). */
struct cell {
    uint32_t row;
    uint16_t col;
    double num;
    char *str;
};

struct sheet {
    char *name;
    struct cell *cells;
    size_t n, alloc;
};

struct book {
    char *name;
    struct sheet *sheets;
    size_t n;
};

struct dump {
    struct book *books;
    size_t n;
    size_t cells;
};

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        die(NULL, NULL, "out of memory");
    return p;
}

/* Undo xlsx_cells.py's escapes in place. */
static char *
unescape(char *s)
{
    char *r = s, *w = s;

    for (; *r; r++) {
        if (*r != '\\' || !r[1]) {
            *w++ = *r;
            continue;
        }
        r++;
        *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
    }
    *w = '\0';
    return strdup(s);
}

static void
dump_load(const char *path, struct dump *d)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    memset(d, 0, sizeof(*d));
    if (!f)
        die(NULL, NULL, path);
    while ((len = getline(&line, &cap, f)) > 0) {
        struct book *b = d->n ? &d->books[d->n - 1] : NULL;
        struct sheet *s = b && b->n ? &b->sheets[b->n - 1] : NULL;
        char *p, *q;

        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (line[0] == 'W') {
            d->books = xrealloc(d->books, (d->n + 1) * sizeof(*d->books));
            b = &d->books[d->n++];
            memset(b, 0, sizeof(*b));
            b->name = unescape(line + 2);
        } else if (line[0] == 'S' && b) {
            b->sheets = xrealloc(b->sheets, (b->n + 1) * sizeof(*b->sheets));
            s = &b->sheets[b->n++];
            memset(s, 0, sizeof(*s));
            s->name = unescape(line + 2);
        } else if ((line[0] == 'n' || line[0] == 's') && s) {
            struct cell *c;

            if (s->n == s->alloc) {
                s->alloc = s->alloc ? 2 * s->alloc : 256;
                s->cells = xrealloc(s->cells, s->alloc * sizeof(*s->cells));
            }
            c = &s->cells[s->n++];
            c->row = (uint32_t)strtoul(line + 2, &p, 10);
            c->col = (uint16_t)strtoul(p + 1, &q, 10);
            c->str = line[0] == 's' ? unescape(q + 1) : NULL;
            c->num = line[0] == 'n' ? strtod(q + 1, NULL) : 0;
            d->cells++;
        }
    }
    free(line);
    fclose(f);
}

static void
dump_release(struct dump *d)
{
    size_t i, j, k;

    for (i = 0; i < d->n; i++) {
        for (j = 0; j < d->books[i].n; j++) {
            struct sheet *s = &d->books[i].sheets[j];

            for (k = 0; k < s->n; k++)
                free(s->cells[k].str);
            free(s->cells);
            free(s->name);
        }
        free(d->books[i].sheets);
        free(d->books[i].name);
    }
    free(d->books);
}

/* Step every row of @p sql (bound to ?1 = @p end), touching each
 * column; returns the rows. */
static size_t
read_rows(sqlite3 *db, const char *sql, const char *end, uint64_t *sum)
{
    sqlite3_stmt *s;
    size_t n = 0;
    int c;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        die(NULL, NULL, sqlite3_errmsg(db));
    if (end)
        sqlite3_bind_text(s, 1, end, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (c = 0; c < sqlite3_column_count(s); c++)
            *sum += (uint64_t)sqlite3_column_bytes(s, c) +
                    (uint64_t)sqlite3_column_type(s, c);
        n++;
    }
    sqlite3_finalize(s);
    return n;
}

/* The rows the reports need, with plain SQLite: the open schools and
 * their districts, each school's latest submitted assessment as of the
 * end, that assessment's dimension scores and items below full points
 * with their answers, its baseline items, and the hazards found by the
 * end with their status then and their latest recorded state. */
static size_t
floor_read(const char *path, const char *end, uint64_t *sum)
{
    static const char *const sql[] = {
        "SELECT s.*, d.name FROM schools s JOIN districts d ON "
        "d.code = s.district WHERE s.closed = 0",
        "WITH latest AS (SELECT (SELECT a.id FROM assessments a WHERE "
        "a.school = s.code AND a.status = 'submitted' AND a.kind = "
        "'inspection' AND a.assessed_on <= ?1 ORDER BY a.assessed_on DESC,"
        " a.id DESC LIMIT 1) AS id FROM schools s WHERE s.closed = 0) "
        "SELECT a.id, a.school, a.assessed_on, a.system_id, "
        "a.system_version, a.inspector, a.total, a.band, a.band_label, "
        "a.compliant, a.vetoed, sc.node, sc.kind, sc.earned, sc.max, "
        "an.value, an.note FROM latest l JOIN assessments a ON a.id = l.id"
        " JOIN scores sc ON sc.assessment = a.id AND (sc.kind = 'dimension' "
        "OR (sc.kind = 'item' AND sc.earned < sc.max)) LEFT JOIN answers an ON "
        "an.assessment = a.id AND an.item = sc.node",
        "WITH latest AS (SELECT (SELECT a.id FROM assessments a WHERE "
        "a.school = s.code AND a.status = 'submitted' AND a.kind = "
        "'inspection' AND a.assessed_on <= ?1 ORDER BY a.assessed_on DESC,"
        " a.id DESC LIMIT 1) AS id FROM schools s WHERE s.closed = 0) "
        "SELECT b.* FROM latest l JOIN baseline_items b ON "
        "b.assessment = l.id",
        "SELECT h.*, (SELECT e.to_status FROM hazard_events e WHERE "
        "e.hazard = h.id AND date(e.at, '+8 hours') <= ?1 ORDER BY e.id "
        "DESC LIMIT 1), (SELECT e.state FROM hazard_events e WHERE "
        "e.hazard = h.id AND e.state IS NOT NULL ORDER BY e.id DESC LIMIT "
        "1) FROM hazards h JOIN schools s ON s.code = h.school WHERE "
        "s.closed = 0 AND h.found_on <= ?1",
    };
    sqlite3 *db;
    size_t i, n = 0;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(NULL, NULL, path);
    for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
        n += read_rows(db, sql[i], i ? end : NULL, sum);
    sqlite3_close(db);
    return n;
}

/* Write the dumped cells with libxlsxwriter alone. */
static void
floor_write(const struct dump *d, const char *dir)
{
    char path[1200];
    size_t i, j, k;

    for (i = 0; i < d->n; i++) {
        const struct book *b = &d->books[i];
        lxw_workbook *wb;

        snprintf(path, sizeof(path), "%s/%s", dir, b->name);
        wb = workbook_new(path);
        if (!wb)
            die(NULL, NULL, path);
        for (j = 0; j < b->n; j++) {
            const struct sheet *s = &b->sheets[j];
            lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);

            if (!ws)
                die(NULL, NULL, s->name);
            for (k = 0; k < s->n; k++) {
                const struct cell *c = &s->cells[k];

                if (c->str)
                    worksheet_write_string(ws, c->row, c->col, c->str,
                                           NULL);
                else
                    worksheet_write_number(ws, c->row, c->col, c->num,
                                           NULL);
            }
        }
        if (workbook_close(wb) != LXW_NO_ERROR)
            die(NULL, NULL, path);
        unlink(path);
    }
}

static double
cpu_self(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return tv(&ru.ru_utime) + tv(&ru.ru_stime);
}

/* Medians of the floor: reading, writing, both. */
static void
time_floor(const char *db, const struct dump *d, const char *dir, int runs,
           double *read_s, double *write_s, size_t *rows)
{
    double r[MAX_RUNS], w[MAX_RUNS], t0, t1;
    uint64_t sum = 0;
    int i;

    for (i = 0; i < runs; i++) {
        t0 = cpu_self();
        *rows = floor_read(db, "2026-12-31", &sum);
        t1 = cpu_self();
        floor_write(d, dir);
        r[i] = t1 - t0;
        w[i] = cpu_self() - t1;
    }
    *read_s = median(r, runs);
    *write_s = median(w, runs);
    if (!sum)
        die(NULL, NULL, "the floor read nothing");
}

/* ------------------------------------------------------------------ */
/* Writing alone                                                        */
/* ------------------------------------------------------------------ */

static double
cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
load_layout(const char *name, struct sr_layout *l)
{
    struct sr_diags d;
    char path[1024];

    sr_diags_init(&d);
    sr_report_layout_path(SR_DEFAULT_TEMPLATE_DIR, name, path, sizeof(path));
    if (sr_layout_load(path, l, &d) != SR_OK)
        die(NULL, &d, path);
    sr_diags_release(&d);
}

/* Every workbook of 2026 as figures in memory, for writing them again
 * and again. */
struct writing {
    struct sr_report_district *reps;
    struct sr_report_city city;
    struct sr_layout dl, cl;
    struct sr_districts all;
    struct sr_store *st;
};

static void
writing_open(const char *db, struct writing *x)
{
    struct sr_period p;
    size_t i;

    memset(x, 0, sizeof(*x));
    load_layout("district", &x->dl);
    load_layout("city", &x->cl);
    if (sr_store_open(db, SR_STORE_READONLY, &x->st) != SR_OK ||
        sr_period_parse("2026", &p) != SR_OK ||
        sr_registry_districts(x->st, &x->all) != SR_OK)
        die(x->st, NULL, "the figures");
    x->reps = calloc(x->all.n ? x->all.n : 1, sizeof(*x->reps));
    if (!x->reps)
        die(NULL, NULL, "out of memory");
    for (i = 0; i < x->all.n; i++)
        if (sr_report_district(x->st, x->all.v[i].code, &p, &x->reps[i]) !=
            SR_OK)
            die(x->st, NULL, x->all.v[i].code);
    if (sr_report_city(x->st, &p, &x->city) != SR_OK)
        die(x->st, NULL, "the city");
}

/* CPU seconds of writing them all once into @p dir, on this thread. */
static double
writing_run(struct writing *x, const char *dir)
{
    struct sr_report_meta meta = {"2026-12-31T09:00:00Z", "bench", NULL,
                                  NULL};
    double t0 = cpu_now();
    char path[1200];
    size_t i;

    for (i = 0; i < x->all.n; i++) {
        snprintf(path, sizeof(path), "%s/w%zu.xlsx", dir, i);
        if (sr_report_write_district(&x->reps[i], &x->dl, path, &meta) !=
            SR_OK)
            die(NULL, NULL, "writing a district");
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/city.xlsx", dir);
    if (sr_report_write_city(&x->city, &x->cl, path, &meta) != SR_OK)
        die(NULL, NULL, "writing the city");
    unlink(path);
    return cpu_now() - t0;
}

static void
writing_close(struct writing *x)
{
    size_t i;

    for (i = 0; i < x->all.n; i++)
        sr_report_district_release(&x->reps[i]);
    free(x->reps);
    sr_report_city_release(&x->city);
    sr_districts_release(&x->all);
    sr_layout_release(&x->dl);
    sr_layout_release(&x->cl);
    sr_store_close(x->st);
}

/* ------------------------------------------------------------------ */
/* Main                                                                 */
/* ------------------------------------------------------------------ */

/* Run xlsx_cells.py on @p dir into @p out. */
static void
dump_cells(const char *ind, const char *dir, const char *out)
{
    char cmd[4096];

    snprintf(cmd, sizeof(cmd),
             "/usr/bin/python3 '%s/../bench/xlsx_cells.py' '%s' >'%s'", ind,
             dir, out);
    if (system(cmd) != 0)
        die(NULL, NULL, "xlsx_cells.py (python3-openpyxl installed?)");
}

/* Remove every file of @p dir, then @p dir. */
static void
remove_dir(const char *dir)
{
    char cmd[1200];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_reports: cannot remove %s\n", dir);
}

int
main(int argc, char **argv)
{
    const char *ind = SR_DEFAULT_INDICATOR_DIR, *keep = NULL, *jobs = NULL;
    long schools = 3000;
    uint64_t seed = 1;
    int runs = 3, city_only = 0;
    char dir[] = "/tmp/sr-bench-reports-XXXXXX", db[512], all[600],
         fl[600], cells[600], city[600];
    double fr, fw, fwr, floor_s;
    struct timing ta, tc;
    struct dump d;
    size_t rows = 0;
    int a;

    for (a = 1; a + 1 < argc; a += 2) {
        if (!strcmp(argv[a], "--schools"))
            schools = strtol(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--seed"))
            seed = strtoull(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--dir"))
            ind = argv[a + 1];
        else if (!strcmp(argv[a], "--db"))
            keep = argv[a + 1];
        else if (!strcmp(argv[a], "--runs"))
            runs = (int)strtol(argv[a + 1], NULL, 10);
        else if (!strcmp(argv[a], "--jobs"))
            jobs = argv[a + 1];
        else if (!strcmp(argv[a], "--city-only"))
            city_only = (int)strtol(argv[a + 1], NULL, 10);
    }
    if (runs < 1 || runs > MAX_RUNS)
        runs = 3;
    if (!mkdtemp(dir))
        return 2;
    snprintf(db, sizeof(db), "%s", keep ? keep : "");
    if (!keep)
        snprintf(db, sizeof(db), "%s/b.db", dir);
    if (keep && access(keep, F_OK) == 0) {
        printf("report benchmark: the city in %s\n", keep);
    } else {
        printf("report benchmark: a demo city of %ld schools (seed %llu)\n",
               schools, (unsigned long long)seed);
        if (build(db, ind, dir, schools, seed) != 0) {
            fprintf(stderr, "bench_reports: building the city failed\n");
            remove_db(db);
            rmdir(dir);
            return 1;
        }
    }
    snprintf(all, sizeof(all), "%s/all", dir);
    snprintf(fl, sizeof(fl), "%s/floor", dir);
    snprintf(cells, sizeof(cells), "%s/cells.txt", dir);
    snprintf(city, sizeof(city), "%s/city.xlsx", dir);
    mkdir(fl, 0777);
    /* The workbooks' 说明 shows the time of writing: pinned, so that
     * every run writes the same cells. */
    setenv("SCHOOLRISK_CLOCK", "2026-12-31T09:00:00Z", 1);
    printf("\n%ld online CPUs; medians of %d runs; CPU is user + sys of "
           "every thread\n",
           sysconf(_SC_NPROCESSORS_ONLN), runs);

    if (!city_only) {
        char *av[] = {SR_CLI_PATH, "report", "all", "--db", db,
                      "--period", "2026", "--out-dir", all,
                      jobs ? "--jobs" : NULL, (char *)jobs, NULL};
        double cpu[MAX_RUNS], wall[MAX_RUNS], mb[MAX_RUNS], r[MAX_RUNS],
            w[MAX_RUNS], wr[MAX_RUNS], q[MAX_RUNS], qw[MAX_RUNS],
            qwall[MAX_RUNS];
        struct writing x;
        struct timing t;
        int i;

        /* The workbooks whose cells the floor writes again. */
        run_cli(av, &t);
        dump_cells(ind, all, cells);
        dump_load(cells, &d);
        writing_open(db, &x);
        /* Each run of report all next to a run of the floor and of the
         * writing alone, the ratios taken run by run: the machine's
         * speed drifts, and a ratio of medians taken minutes apart
         * moves with it. */
        for (i = 0; i < runs; i++) {
            run_cli(av, &t);
            cpu[i] = t.cpu;
            wall[i] = t.wall;
            mb[i] = t.mb;
            time_floor(db, &d, fl, 1, &r[i], &w[i], &rows);
            wr[i] = writing_run(&x, fl);
            q[i] = cpu[i] / (r[i] + w[i]);
            qw[i] = wr[i] / w[i];
            qwall[i] = wall[i] / cpu[i];
        }
        writing_close(&x);
        ta.cpu = median(cpu, runs);
        ta.wall = median(wall, runs);
        ta.mb = median(mb, runs);
        fr = median(r, runs);
        fw = median(w, runs);
        fwr = median(wr, runs);
        floor_s = fr + fw;
        printf("report all      cpu %6.2f s   wall %6.2f s   peak RSS %7.1f "
               "MB%s%s\n",
               ta.cpu, ta.wall, ta.mb, jobs ? "   --jobs " : "",
               jobs ? jobs : "");
        printf("floor           cpu %6.2f s   (SQLite reading %zu rows %.2f "
               "s, libxlsxwriter writing %zu workbooks of %zu cells %.2f "
               "s)\n",
               floor_s, rows, fr, d.n, d.cells, fw);
        printf("writing alone   cpu %6.2f s   (report all's workbooks from "
               "figures in memory, one thread)\n",
               fwr);
        printf("ratios          cpu / floor %.2f   wall / cpu %.2f   writing "
               "alone / floor's writing %.2f   (medians of each run's)\n",
               median(q, runs), median(qwall, runs), median(qw, runs));
        dump_release(&d);
    }

    {
        char *av[] = {SR_CLI_PATH, "report", "city", "--db", db,
                      "--period", "2026", "-o", city,
                      jobs ? "--jobs" : NULL, (char *)jobs, NULL};

        time_cli(av, runs, &tc);
    }
    printf("city workbook   cpu %6.2f s   wall %6.2f s   peak RSS %7.1f MB"
           "\n",
           tc.cpu, tc.wall, tc.mb);

    remove_dir(all);
    remove_dir(fl);
    unlink(cells);
    unlink(city);
    if (!keep)
        remove_db(db);
    rmdir(dir);
    return 0;
}
