/*
 * demo.c - `schoolrisk demo`: build the demo city in a fresh database
 * and print a short summary of its year (schoolrisk/demo.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "schoolrisk/auth.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/demo.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/store.h"
#include "schoolrisk/whatif.h"

static const char usage[] =
    N_("usage: schoolrisk demo [--dir DIR] [--schools N] [--seed S]\n"
    "                       [--year YYYY] [--indicators DIR] [--force]\n"
    "\n"
    "Build a synthetic city in a fresh database DIR/schoolrisk.db (DIR\n"
    "default ./demo-city): Jinan's districts, N schools (default 3000), a\n"
    "year of assessments (default 2026) and hazards driven through every\n"
    "state, the same for the same seed (default 1).  An existing database\n"
    "is kept unless --force is given.\n");

static void
on_progress(const char *line, void *ctx)
{
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

static double
seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool
parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* "97.5%" of num/den, "-" when den is 0. */
static const char *
pct(char *buf, size_t size, size_t num, size_t den)
{
    if (!den)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", 100.0 * (double)num / (double)den);
    return buf;
}

static void
row(const struct sr_demo_district *d)
{
    char a[16], b[16], c[16], n[32];
    int j;

    cli_pad(stdout, d->name, 10);
    printf("%6zu %6zu %7s %6zu %7s", d->schools, d->assessed,
           pct(a, sizeof(a), d->assessed, d->schools), d->compliant,
           pct(b, sizeof(b), d->compliant, d->schools));
    for (j = 0; j < SR_HAZARD_STATUS_COUNT; j++)
        printf(" %6zu", d->hazards[j]);
    printf(" %6zu", d->overdue);
    for (j = 0; j < SR_BASELINE_COUNT; j++)
        printf(" %7s", pct(c, sizeof(c), d->baseline_met[j], d->schools));
    snprintf(n, sizeof(n), "%s", d->reaches ? "是" : "否");
    printf(" %7s  %s\n", pct(c, sizeof(c), d->all_four, d->schools), n);
}

static void
print_summary(const struct sr_demo_summary *s)
{
    static const char *const heads[] = {
        "学校", "已评估", "覆盖率", "达标", "达标率", "登记", "整改中",
        "待复查", "已销号", "逾期", "保安", "封闭", "报警联网", "护学岗",
        "四个100%"};
    static const int widths[] = {6, 6, 7, 6, 7, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7};
    size_t i;

    printf(_("\ncity summary as of %s (达标率 and 覆盖率 of the registry's "
             "schools, as in the workbooks; hazards by status; four-100%%: "
             "share of schools meeting each element, all four, district "
             "reaches)\n"),
           s->as_of);
    cli_pad(stdout, "区县", 10);
    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        putchar(' ');
        cli_pad(stdout, "", widths[i] - cli_width(heads[i]));
        fputs(heads[i], stdout);
    }
    fputs("  达到\n", stdout);
    for (i = 0; i < s->n; i++)
        row(&s->d[i]);
    row(&s->total);
}

/* The corps against the target, as of the year's end. */
static int
print_corps(struct sr_store *st)
{
    struct sr_expert_summary x;
    sr_error rc = sr_expert_summary(st, NULL, &x);

    if (rc != SR_OK)
        return cli_store_error(st, rc);
    printf(_("experts: %zu (certified %zu / target %zu)\n"), x.experts,
           x.certified, x.target);
    sr_expert_summary_release(&x);
    return EXIT_OK;
}

/* Remove a database and its WAL files; 0 or -1 with errno. */
static int
remove_db(const char *db)
{
    char p[1100];

    snprintf(p, sizeof(p), "%s-wal", db);
    if (unlink(p) != 0 && errno != ENOENT)
        return -1;
    snprintf(p, sizeof(p), "%s-shm", db);
    if (unlink(p) != 0 && errno != ENOENT)
        return -1;
    if (unlink(db) != 0 && errno != ENOENT)
        return -1;
    return 0;
}

/* The demo's accounts, one per role, with passwords shown only here. */
static int
make_users(struct sr_store *st)
{
    struct sr_demo_user u[SR_DEMO_USERS];
    struct sr_auth_policy p;
    sr_error rc;
    int i;

    sr_auth_policy_init(&p);
    sr_store_set_clock(st, 0); /* accounts are made now, not in the
                                  simulated year */
    rc = sr_demo_users(st, &p, u);
    if (rc != SR_OK)
        return cli_store_error(st, rc);
    printf("%s", _("\ndemo accounts (passwords are random and shown only "
                   "now; admin and shiju\nenrol a second factor, an "
                   "authenticator app, at the first sign-in):\n"));
    for (i = 0; i < SR_DEMO_USERS; i++) {
        printf("  %-8s ", u[i].login);
        cli_pad(stdout, sr_role_label(u[i].role), 11);
        printf(" %s  ", u[i].password);
        cli_pad(stdout, u[i].name, 26);
        printf(" %s\n", u[i].scope);
    }
    return EXIT_OK;
}

/* The year's last bulletins beside the workbooks: every district's
 * 月调度 of December, the city's 季通报 of the fourth quarter. */
static int
write_bulletins(struct sr_store *st, long year, const char *dir)
{
    struct sr_period m, q;
    char text[16];
    size_t written = 0;
    int ex;

    snprintf(text, sizeof(text), "%ld-12", year);
    if (sr_period_parse(text, &m) != SR_OK)
        return EXIT_INTERNAL;
    snprintf(text, sizeof(text), "%ldQ4", year);
    if (sr_period_parse(text, &q) != SR_OK)
        return EXIT_INTERNAL;
    ex = cli_bulletins_write(st, &m, &q, dir, &written);
    if (ex == EXIT_OK)
        printf(_("bulletins: %zu written to %s (月调度 %s of every "
                 "district, 季通报 %s)\n"),
               written, dir, m.name, q.name);
    return ex;
}

/* One figure of the what-if line: "达标 from 224 to 226", or, when the
 * rectifications leave it where it is, "达标 unchanged (224)" rather
 * than a "from 224 to 224" that reads like a change. */
static void
whatif_change(char *buf, size_t size, bool compliance, size_t from,
              size_t to)
{
    if (from == to)
        snprintf(buf, size, compliance ? _("达标 unchanged (%zu)")
                                       : _("four 100%% unchanged (%zu)"),
                 from);
    else
        snprintf(buf, size, compliance ? _("达标 from %zu to %zu")
                                       : _("four 100%% from %zu to %zu"),
                 from, to);
}

/* The what-if's suggestion for one district, in one line: what the
 * first three schools' rectifications would bring. */
static int
print_whatif(struct sr_store *st)
{
    struct sr_whatif_suggest sg;
    struct sr_districts dl;
    size_t k, hazards = 0, i;
    char met[96], four[96];
    sr_error rc;

    memset(&sg, 0, sizeof(sg));
    sr_districts_init(&dl);
    /* The first district, in the bureau's order, where closing hazards
     * would change a school's 达标 or four 100% (else the last). */
    rc = sr_registry_districts(st, &dl);
    for (i = 0; rc == SR_OK && i < dl.n; i++) {
        sr_whatif_suggest_release(&sg);
        rc = sr_whatif_suggest(st, dl.v[i].code, NULL, &sg);
        if (rc == SR_OK && sg.n_plans)
            break;
    }
    if (rc != SR_OK) {
        sr_districts_release(&dl);
        sr_whatif_suggest_release(&sg);
        return cli_store_error(st, rc);
    }
    k = sg.n_plans < 3 ? sg.n_plans : 3;
    for (i = 0; i < k; i++)
        hazards += sg.plans[i].n_both;
    if (k) {
        whatif_change(met, sizeof(met), true, sg.compliant,
                      sg.plans[k - 1].compliant_then);
        whatif_change(four, sizeof(four), false, sg.four_met,
                      sg.plans[k - 1].four_then);
        printf(_("whatif: %s has %zu open hazards; closing %zu of them at "
                 "%zu school(s) ranked first would bring %s and %s of %zu "
                 "schools\n"),
               sg.name, sg.n_gains, hazards, k, met, four, sg.schools);
    } else if (sg.name)
        printf(_("whatif: %s has %zu open hazards; closing them changes no "
                 "school's 达标 or four 100%%\n"),
               sg.name, sg.n_gains);
    sr_districts_release(&dl);
    sr_whatif_suggest_release(&sg);
    return EXIT_OK;
}

int
cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"indicators", required_argument, NULL, 'i'},
        {"schools", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"year", required_argument, NULL, 'y'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = "demo-city", *ind = NULL;
    long schools = 3000, year = 2026;
    unsigned long long seed = 1;
    struct sr_demo_options o;
    struct sr_demo_stats stats;
    struct sr_demo_summary sum;
    struct sr_store *st = NULL;
    struct sr_diags d;
    struct stat sb;
    char db[1024];
    bool force = false;
    double t0;
    sr_error rc;
    int c, ex;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'f':
            force = true;
            break;
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
        case 'i':
            ind = optarg;
            break;
        case 'n':
            if (!parse_long(optarg, 16, SR_DEMO_MAX_SCHOOLS, &schools)) {
                cli_error(_("--schools must be a whole number 16..%d, not "
                            "'%s'"),
                          SR_DEMO_MAX_SCHOOLS, optarg);
                return EXIT_USAGE;
            }
            break;
        case 's': {
            char *end;

            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || *optarg == '-') {
                cli_error(_("--seed must be a whole number, not '%s'"), optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'y':
            if (!parse_long(optarg, 2000, 2999, &year)) {
                cli_error(_("--year must be a year 2000..2999, not '%s'"),
                          optarg);
                return EXIT_USAGE;
            }
            break;
        default:
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (!*dir || strlen(dir) > 900) {
        cli_error(_("--dir must be a directory name of at most 900 bytes"));
        return EXIT_USAGE;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_error(_("cannot create directory '%s': %s"), dir, strerror(errno));
        return EXIT_INVALID;
    }
    snprintf(db, sizeof(db), "%s/schoolrisk.db", dir);
    if (stat(db, &sb) == 0) {
        if (!force) {
            cli_error(_("'%s' already exists; use --force to replace it"), db);
            return EXIT_INVALID;
        }
        if (remove_db(db) != 0) {
            cli_error(_("cannot remove '%s': %s"), db, strerror(errno));
            return EXIT_INVALID;
        }
    }
    ex = cli_store_open(db, "demo", SR_STORE_CREATE | SR_STORE_BULK, &st);
    if (ex != EXIT_OK)
        return ex;
    printf(_("demo city: %ld schools, seed %llu, year %ld, database %s\n"),
           schools, seed, year, db);
    fflush(stdout);
    memset(&o, 0, sizeof(o));
    o.indicator_dir = cli_indicator_dir(ind);
    o.work_dir = dir;
    o.schools = schools;
    o.seed = (uint64_t)seed;
    o.year = (int)year;
    o.progress = on_progress;
    sr_diags_init(&d);
    t0 = seconds();
    rc = sr_demo_build(st, &o, &stats, &d);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        if (!d.n || *sr_store_errmsg(st))
            cli_error("%s", *sr_store_errmsg(st) ? sr_store_errmsg(st)
                                                 : sr_strerror(rc));
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    printf(_("built in %.1f s: %zu indicator systems, %zu schools, "
             "%zu assessments, %zu hazards, %zu hazard steps\n"),
           seconds() - t0, stats.systems, stats.schools, stats.assessments,
           stats.hazards, stats.steps);
    ex = print_corps(st);
    rc = sr_demo_summarize(st, NULL, &sum);
    if (rc == SR_OK)
        print_summary(&sum);
    else
        ex = cli_store_error(st, rc);
    sr_demo_summary_release(&sum);
    if (ex == EXIT_OK) {
        /* The year's workbooks, through the same path as `report all`. */
        struct sr_period period;
        char text[8], reports[1100];
        size_t written;

        snprintf(text, sizeof(text), "%ld", year);
        snprintf(reports, sizeof(reports), "%s/reports", dir);
        t0 = seconds();
        if (sr_period_parse(text, &period) != SR_OK) {
            cli_error(_("bad year %ld"), year);
            ex = EXIT_INTERNAL;
        } else {
            ex = cli_report_all(st, &period, reports, 0, &written);
        }
        if (ex == EXIT_OK)
            printf(_("\nwrote %zu workbooks (every district and the city, "
                     "%s) to %s in %.1f s\n"),
                   written, period.name, reports, seconds() - t0);
        if (ex == EXIT_OK)
            ex = write_bulletins(st, year, reports);
        if (ex == EXIT_OK)
            ex = print_whatif(st);
    }
    if (ex == EXIT_OK)
        ex = make_users(st);
cleanup:
    sr_diags_release(&d);
    sr_store_close(st);
    return ex;
}
