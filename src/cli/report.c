/*
 * report.c - `schoolrisk report district`: a district's Excel compliance
 * workbook for a period.
 */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_all.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_TEMPLATE_DIR
#define SR_DEFAULT_TEMPLATE_DIR "templates"
#endif

static const char usage[] =
    N_("usage: schoolrisk report district CODE --period P -o FILE.xlsx\n"
    "                         [--layout FILE] [--db PATH] [--by NAME]\n"
    "       schoolrisk report city --period P -o FILE.xlsx [--layout FILE]\n"
    "                         [--jobs N]\n"
    "       schoolrisk report all --period P --out-dir DIR [--jobs N]\n"
    "       (each also takes --read-db DB)\n"
    "\n"
    "--read-db DB reads every figure from DB instead of --db: a\n"
    "PostgreSQL standby kept by streaming replication (postgresql://...),\n"
    "so that reports do not load the primary.  A standby a little behind\n"
    "gives the figures as of its last replayed transaction.\n"
    "\n"
    "report city writes the city workbook (区县汇总 with ranks, 未达标学校,\n"
    "重大隐患, 四个100%未达标, 同类排名, 趋势, 说明); report all writes every\n"
    "district's workbook and the city's into DIR (one that cannot be written\n"
    "is named and the others are written all the same).  Both work on one\n"
    "thread per online CPU, or N (--jobs 1: one thread).  A workbook is\n"
    "replaced whole or not at all; text longer than a cell holds is cut.\n"
    "\n"
    "Write a district's compliance workbook (概况, 学校评估, 失分明细,\n"
    "隐患台账, 四个100%, 说明) for a period: a quarter (2026Q3), a month\n"
    "(2026-09) or a year (2026).  Every figure is as of the period's end:\n"
    "each school's latest submitted assessment dated on or before it and\n"
    "still valid then, hazards as they stood that day.  CODE is the\n"
    "district's code or name.  The columns of the tabular sheets come from\n"
    "the layout (default templates/reports/district.csv, or\n"
    "$SCHOOLRISK_TEMPLATES/reports/district.csv).\n");

/* The options of every report command; positional arguments are left
 * in argv[optind..]. */
struct ropts {
    struct cli_db dbo;
    const char *read_db; /* --read-db, or NULL */
    const char *layout, *out, *out_dir;
    struct sr_period period;
    int jobs; /* 0: one thread per online CPU */
};

/* --jobs N: a whole number 1..1024. */
static bool
parse_jobs(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 1024)
        return false;
    *out = (int)v;
    return true;
}

/* Parse them for `report NAME` with `args` positional arguments; a
 * workbook command needs -o, `all` needs --out-dir.  Returns EXIT_OK,
 * -1 after --help, or an exit code after a message. */
static int
parse_opts(int argc, char **argv, const char *name, int args,
           struct ropts *o)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'j'},
        {"layout", required_argument, NULL, 'l'},
        {"out-dir", required_argument, NULL, 'O'},
        {"output", required_argument, NULL, 'o'},
        {"period", required_argument, NULL, 'p'},
        {"read-db", required_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    const char *period = NULL, *jobs = NULL;
    bool all = !strcmp(name, "all");
    int c;

    memset(o, 0, sizeof(*o));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case 'j':
            jobs = optarg;
            break;
        case 'l':
            o->layout = optarg;
            break;
        case 'O':
            o->out_dir = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'p':
            period = optarg;
            break;
        case 'R':
            o->read_db = optarg;
            break;
        default:
            if (cli_db_option(c, &o->dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (argc - optind != args || !period ||
        (all ? !o->out_dir || o->out || o->layout : !o->out || o->out_dir) ||
        (jobs && args)) {
        if (!period)
            cli_error(_("report %s needs --period (2026Q3 or 2026年第三季度, "
                        "2026-09 or 2026年9月, 2026 or 2026年)"),
                      name);
        else if (all && !o->out_dir)
            cli_error(_("report all needs --out-dir DIR"));
        else if (!all && !o->out)
            cli_error(_("report %s needs -o FILE.xlsx"), name);
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (jobs && !parse_jobs(jobs, &o->jobs)) {
        cli_error(_("--jobs must be a whole number 1..1024, not '%s'"),
                  jobs);
        return EXIT_USAGE;
    }
    if (sr_period_parse(period, &o->period) != SR_OK) {
        cli_error(_("bad period '%s' (expected a quarter like 2026Q3 or "
                    "2026年第三季度, a month like 2026-09 or 2026年9月, or a "
                    "year like 2026 or 2026年)"),
                  period);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Load templates/reports/NAME.csv (or the given file) into *lay. */
static int
load_layout(const char *given, const char *name, struct sr_layout *lay,
            struct sr_diags *d)
{
    char path[1024];
    sr_error rc;

    if (!given) {
        const char *env = getenv("SCHOOLRISK_TEMPLATES");

        sr_report_layout_path(env && *env ? env : SR_DEFAULT_TEMPLATE_DIR,
                              name, path, sizeof(path));
        given = path;
    }
    rc = sr_layout_load(given, lay, d);
    if (rc != SR_OK) {
        cli_print_diags(d);
        cli_error(_("the report layout '%s' is not valid"), given);
        return cli_exit_for(rc);
    }
    return EXIT_OK;
}

/* After a writer failed: one line saying why, and the exit code.  A
 * file that cannot be written is an output failure, exit 3 (docs/cli.md
 * §3), whatever the library's SR_ERR_IO means for an input file.  The
 * diagnostics are emptied for the next workbook. */
static int
write_failed(struct sr_diags *d, const char *path, sr_error rc)
{
    char why[2048];

    if (d->n == 1 && !d->v[0].file) {
        sr_diag_format(&d->v[0], why, sizeof(why));
        /* The writer's "cannot write 'PATH': REASON" says it all. */
        if (rc == SR_ERR_IO)
            cli_error("%s", why);
        else
            cli_error(_("the workbook '%s' was not written: %s"), path,
                      why);
    } else if (d->n == 0) {
        cli_error(_("the workbook '%s' was not written: %s"), path,
                  sr_strerror(rc));
    } else {
        cli_print_diags(d);
        cli_error(_("the workbook '%s' was not written"), path);
    }
    sr_diags_release(d);
    return rc == SR_ERR_IO ? EXIT_INTERNAL : cli_exit_for(rc);
}

static int
do_district(int argc, char **argv)
{
    struct sr_report_district rep;
    struct sr_report_meta meta;
    struct sr_store *st = NULL;
    struct sr_layout layout;
    struct sr_diags d;
    struct ropts o;
    char head[65], now[32], locked_note[512];
    bool locked = false;
    int ex;
    sr_error rc;

    ex = parse_opts(argc, argv, "district", 1, &o);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    sr_diags_init(&d);
    memset(&rep, 0, sizeof(rep));
    memset(&layout, 0, sizeof(layout));
    ex = load_layout(o.layout, "district", &layout, &d);
    if (ex == EXIT_OK)
        ex = cli_store_open(o.read_db ? o.read_db : o.dbo.db, o.dbo.by,
                            SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        goto cleanup;
    /* A signed-off period is written from its snapshot (signoff.h). */
    rc = sr_signoff_report_district(st, argv[optind], &o.period, &rep,
                                    &locked, locked_note,
                                    sizeof(locked_note));
    if (rc == SR_OK)
        rc = sr_report_meta_fill(st, &meta, head, now, &d);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    rc = sr_report_write_district_locked(&rep, &layout, o.out, &meta,
                                         locked ? locked_note : NULL);
    if (rc != SR_OK) {
        ex = write_failed(&d, o.out, rc);
        goto cleanup;
    }
    printf(_("wrote %s: %s %s, %zu schools, %zu assessed, %zu hazards\n"),
           o.out, rep.name, o.period.label, rep.n_schools, rep.kpis.assessed,
           rep.n_hazards);
    if (locked)
        printf(_("%s %s is signed off: the workbook shows the figures "
                 "locked by the sign-off\n"),
               rep.name, o.period.label);

cleanup:
    sr_report_district_release(&rep);
    sr_layout_release(&layout);
    sr_store_close(st);
    sr_diags_release(&d);
    return ex;
}

static int
do_city(int argc, char **argv)
{
    struct sr_report_city city;
    struct sr_report_meta meta;
    struct sr_store *st = NULL;
    struct sr_layout layout;
    struct sr_diags d;
    struct ropts o;
    char head[65], now[32];
    int ex;
    sr_error rc;

    ex = parse_opts(argc, argv, "city", 0, &o);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    sr_diags_init(&d);
    memset(&city, 0, sizeof(city));
    memset(&layout, 0, sizeof(layout));
    ex = load_layout(o.layout, "city", &layout, &d);
    if (ex == EXIT_OK)
        ex = cli_store_open(o.read_db ? o.read_db : o.dbo.db, o.dbo.by,
                            SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_report_city_jobs(st, &o.period, o.jobs, &city);
    if (rc == SR_OK)
        rc = sr_report_meta_fill(st, &meta, head, now, &d);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    rc = sr_report_write_city(&city, &layout, o.out, &meta);
    if (rc != SR_OK) {
        ex = write_failed(&d, o.out, rc);
        goto cleanup;
    }
    printf(_("wrote %s: 全市 %s, %zu districts, %zu schools, %zu assessed\n"),
           o.out, o.period.label, city.n_districts, city.total.schools,
           city.total.assessed);

cleanup:
    sr_report_city_release(&city);
    sr_layout_release(&layout);
    sr_store_close(st);
    sr_diags_release(&d);
    return ex;
}

static int
do_all(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct ropts o;
    size_t written = 0;
    int ex;

    ex = parse_opts(argc, argv, "all", 0, &o);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(o.read_db ? o.read_db : o.dbo.db, o.dbo.by,
                        SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    ex = cli_report_all(st, &o.period, o.out_dir, o.jobs, &written);
    if (ex == EXIT_OK)
        printf(_("wrote %zu workbooks to %s (every district and the city, "
                 "%s)\n"),
               written, o.out_dir, o.period.label);
    sr_store_close(st);
    return ex;
}

/* What became of one workbook of `report all`: nothing when written,
 * else one line naming it (and the writer's diagnostics).  Returns its
 * exit code. */
static int
item_failed(struct sr_report_all_item *it)
{
    if (it->rc == SR_OK)
        return EXIT_OK;
    if (it->figures) {
        cli_error(_("the workbook of %s was not written: %s"),
                  it->name ? it->name : "全市",
                  it->msg ? it->msg : sr_strerror(it->rc));
        return cli_exit_for(it->rc);
    }
    return write_failed(&it->diags, it->path, it->rc);
}

int
cli_report_all(struct sr_store *st, const struct sr_period *period,
               const char *out_dir, int jobs, size_t *written)
{
    struct sr_report_all_options opt;
    struct sr_report_all_result res;
    struct sr_layout dlay, clay;
    struct sr_report_meta meta;
    struct sr_diags d;
    char head[65], now[32];
    sr_error rc;
    size_t i;
    int ex, e;

    *written = 0;
    memset(&dlay, 0, sizeof(dlay));
    memset(&clay, 0, sizeof(clay));
    memset(&res, 0, sizeof(res));
    sr_diags_init(&d);
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        cli_error(_("cannot create directory '%s': %s"), out_dir,
                  strerror(errno));
        ex = EXIT_INVALID;
        goto cleanup;
    }
    ex = load_layout(NULL, "district", &dlay, &d);
    if (ex == EXIT_OK)
        ex = load_layout(NULL, "city", &clay, &d);
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_report_meta_fill(st, &meta, head, now, &d);
    opt.district_layout = &dlay;
    opt.city_layout = &clay;
    opt.meta = &meta;
    opt.jobs = jobs;
    if (rc == SR_OK)
        rc = sr_report_all(st, period, out_dir, &opt, &res);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    /* Named in bureau order, the city last, whichever thread failed
     * first: the others were written all the same. */
    for (i = 0; i < res.n; i++) {
        e = item_failed(&res.v[i]);
        ex = e > ex ? e : ex;
    }
    *written = res.written;
    if (res.written < res.n)
        cli_error(_("%zu of %zu workbooks were not written"),
                  res.n - res.written, res.n);

cleanup:
    sr_report_all_result_release(&res);
    sr_layout_release(&dlay);
    sr_layout_release(&clay);
    sr_diags_release(&d);
    return ex;
}

int
cmd_report(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"all", do_all},
        {"city", do_city},
        {"district", do_district},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        usage, "report");
}
