/*
 * bench_reports.c - how long the compliance workbooks take.
 *
 * Builds a demo city of N schools (sr_demo_build, the same library calls
 * as `schoolrisk demo`), then times, for the year: computing and writing
 * every district's workbook and the city's (what `schoolrisk report all`
 * does), and the city workbook alone.  Prints wall times and the peak
 * resident memory of the reports: the city is built in a child process,
 * so that the figures are those of a `schoolrisk report` run.
 *
 * usage: bench_reports [--schools N] [--seed S] [--dir INDICATORS]
 *                      [--db FILE]
 *        (city scale: 3000, the default; province scale: 40000)
 *
 * Without --db the city is built in a temporary directory and removed.
 * With --db it is built into FILE when FILE does not exist, and kept:
 * a province of 40,000 schools takes minutes to build, the reports on
 * it can then be timed again and again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/demo.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_INDICATOR_DIR
#define SR_DEFAULT_INDICATOR_DIR "indicators"
#endif

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int
main(int argc, char **argv)
{
    const char *ind = SR_DEFAULT_INDICATOR_DIR, *keep = NULL;
    long schools = 3000;
    uint64_t seed = 1;
    char dir[] = "/tmp/sr-bench-reports-XXXXXX", db[512], path[600],
         tmpl[1024];
    struct sr_layout dlay, clay;
    struct sr_report_city city;
    struct sr_report_meta meta;
    struct sr_period period;
    struct sr_store *st = NULL;
    struct sr_diags d;
    double t0, t1, t_all, t_city;
    size_t i, files = 0, rows = 0;
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
    }
    if (!mkdtemp(dir))
        return 2;
    snprintf(db, sizeof(db), "%s", keep ? keep : "");
    if (!keep)
        snprintf(db, sizeof(db), "%s/b.db", dir);
    sr_diags_init(&d);
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
    if (sr_store_open(db, SR_STORE_READONLY, &st) != SR_OK)
        die(st, &d, "open");

    /* The layouts ship in the source tree, beside the indicators. */
    snprintf(tmpl, sizeof(tmpl), "%s/../templates/reports/district.csv",
             ind);
    if (sr_layout_load(tmpl, &dlay, &d) != SR_OK)
        die(NULL, &d, tmpl);
    snprintf(tmpl, sizeof(tmpl), "%s/../templates/reports/city.csv", ind);
    if (sr_layout_load(tmpl, &clay, &d) != SR_OK)
        die(NULL, &d, tmpl);
    sr_period_parse("2026", &period);
    meta.generated_at = "bench";
    meta.generated_by = "bench";
    meta.audit_head = NULL;
    meta.diags = &d;

    /* report all: every district, then the city. */
    printf("\n");
    t0 = now();
    if (sr_report_city(st, &period, &city) != SR_OK)
        die(st, &d, "city figures");
    for (i = 0; i < city.n_districts; i++) {
        struct sr_report_district r;

        memset(&r, 0, sizeof(r));
        if (sr_report_district(st, city.districts[i].code, &period, &r) !=
            SR_OK)
            die(st, &d, "district figures");
        snprintf(path, sizeof(path), "%s/d%zu.xlsx", dir, i);
        if (sr_report_write_district(&r, &dlay, path, &meta) != SR_OK)
            die(NULL, &d, path);
        unlink(path);
        rows += r.n_schools;
        sr_report_district_release(&r);
        files++;
    }
    snprintf(path, sizeof(path), "%s/city.xlsx", dir);
    if (sr_report_write_city(&city, &clay, path, &meta) != SR_OK)
        die(NULL, &d, path);
    unlink(path);
    files++;
    t_all = now() - t0;
    printf("report all      %3zu workbooks  %7.2f s   peak RSS %7.1f MB   "
           "(%zu school rows)\n",
           files, t_all, peak_mb(), rows);
    sr_report_city_release(&city);

    /* The city workbook alone (province scale: constant-memory mode
     * once it holds more than 20,000 rows). */
    t0 = now();
    if (sr_report_city(st, &period, &city) != SR_OK)
        die(st, &d, "city figures");
    t1 = now();
    if (sr_report_write_city(&city, &clay, path, &meta) != SR_OK)
        die(NULL, &d, path);
    t_city = now() - t0;
    printf("city workbook     1 workbook   %7.2f s   peak RSS %7.1f MB   "
           "(figures %.2f s, writing %.2f s; %zu peer rows, %zu "
           "off-baseline rows)\n",
           t_city, peak_mb(), t1 - t0, now() - t1, city.n_peers,
           city.n_off_baseline);
    unlink(path);
    sr_report_city_release(&city);
    sr_layout_release(&dlay);
    sr_layout_release(&clay);
    sr_store_close(st);
    sr_diags_release(&d);
    if (!keep)
        remove_db(db);
    rmdir(dir);
    return 0;
}
