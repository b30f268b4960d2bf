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
#include "schoolrisk/audit.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_TEMPLATE_DIR
#define SR_DEFAULT_TEMPLATE_DIR "templates"
#endif

static const char usage[] =
    "usage: schoolrisk report district CODE --period P -o FILE.xlsx\n"
    "                         [--layout FILE] [--db PATH] [--by NAME]\n"
    "       schoolrisk report city --period P -o FILE.xlsx [--layout FILE]\n"
    "       schoolrisk report all --period P --out-dir DIR\n"
    "\n"
    "report city writes the city workbook (区县汇总 with ranks, 未达标学校,\n"
    "重大隐患, 四个100%未达标, 同类排名, 趋势, 说明); report all writes every\n"
    "district's workbook and the city's into DIR.\n"
    "\n"
    "Write a district's compliance workbook (概况, 学校评估, 失分明细,\n"
    "隐患台账, 四个100%, 说明) for a period: a quarter (2026Q3), a month\n"
    "(2026-09) or a year (2026).  Every figure is as of the period's end:\n"
    "each school's latest submitted assessment dated on or before it and\n"
    "still valid then, hazards as they stood that day.  CODE is the\n"
    "district's code or name.  The columns of the tabular sheets come from\n"
    "the layout (default templates/reports/district.csv, or\n"
    "$SCHOOLRISK_TEMPLATES/reports/district.csv).\n";

static int
do_district(int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, NULL, 'b'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {"layout", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},
        {"period", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *by = NULL, *layout_path = NULL, *out = NULL,
               *period_text = NULL;
    struct sr_report_district rep;
    struct sr_report_meta meta;
    struct sr_store *st = NULL;
    struct sr_layout layout;
    struct sr_period period;
    struct sr_diags d;
    char head[65], now[32], path[1024];
    int c, ex;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            by = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case 'l':
            layout_path = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'p':
            period_text = optarg;
            break;
        default:
            return cli_option_error(c, argv, usage);
        }
    }
    if (argc - optind != 1 || !period_text || !out) {
        if (!period_text)
            cli_error("report district needs --period (2026Q3, 2026-09 or "
                      "2026)");
        else if (!out)
            cli_error("report district needs -o FILE.xlsx");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (sr_period_parse(period_text, &period) != SR_OK) {
        cli_error("bad period '%s' (expected a quarter like 2026Q3, a month "
                  "like 2026-09 or a year like 2026)",
                  period_text);
        return EXIT_USAGE;
    }
    if (!layout_path) {
        const char *env = getenv("SCHOOLRISK_TEMPLATES");

        snprintf(path, sizeof(path), "%s/reports/district.csv",
                 env && *env ? env : SR_DEFAULT_TEMPLATE_DIR);
        layout_path = path;
    }
    sr_diags_init(&d);
    memset(&rep, 0, sizeof(rep));
    memset(&layout, 0, sizeof(layout));
    rc = sr_layout_load(layout_path, &layout, &d);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error("the report layout '%s' is not valid", layout_path);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    ex = cli_store_open(db, by, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_report_district(st, argv[optind], &period, &rep);
    if (rc == SR_OK)
        rc = sr_audit_head(st, head);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    sr_store_now(st, now);
    meta.generated_at = now;
    meta.generated_by = sr_store_actor(st);
    meta.audit_head = *head ? head : NULL;
    meta.diags = &d;
    rc = sr_report_write_district(&rep, &layout, out, &meta);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error("the workbook '%s' was not written", out);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    printf("wrote %s: %s %s, %zu schools, %zu assessed, %zu hazards\n", out,
           rep.name, period.label, rep.n_schools, rep.kpis.assessed,
           rep.n_hazards);

cleanup:
    sr_report_district_release(&rep);
    sr_layout_release(&layout);
    sr_store_close(st);
    sr_diags_release(&d);
    return ex;
}

/* ------------------------------------------------------------------ */
/* The city and all workbooks                                           */
/* ------------------------------------------------------------------ */

/* Load templates/reports/NAME.csv (or the given file) into *lay. */
static int
load_layout(const char *given, const char *name, struct sr_layout *lay,
            struct sr_diags *d)
{
    char path[1024];
    sr_error rc;

    if (!given) {
        const char *env = getenv("SCHOOLRISK_TEMPLATES");

        snprintf(path, sizeof(path), "%s/reports/%s.csv",
                 env && *env ? env : SR_DEFAULT_TEMPLATE_DIR, name);
        given = path;
    }
    rc = sr_layout_load(given, lay, d);
    if (rc != SR_OK) {
        cli_print_diags(d);
        cli_error("the report layout '%s' is not valid", given);
        return cli_exit_for(rc);
    }
    return EXIT_OK;
}

int
cli_report_all(struct sr_store *st, const struct sr_period *period,
               const char *out_dir, size_t *written)
{
    struct sr_layout dlay, clay;
    struct sr_report_meta meta;
    struct sr_report_city city;
    struct sr_diags d;
    char head[65], now[32], path[1200];
    sr_error rc;
    size_t i;
    int ex;

    *written = 0;
    memset(&dlay, 0, sizeof(dlay));
    memset(&clay, 0, sizeof(clay));
    memset(&city, 0, sizeof(city));
    sr_diags_init(&d);
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        cli_error("cannot create directory '%s': %s", out_dir,
                  strerror(errno));
        ex = EXIT_INVALID;
        goto cleanup;
    }
    ex = load_layout(NULL, "district", &dlay, &d);
    if (ex == EXIT_OK)
        ex = load_layout(NULL, "city", &clay, &d);
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_audit_head(st, head);
    if (rc == SR_OK)
        rc = sr_report_city(st, period, &city);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    sr_store_now(st, now);
    meta.generated_at = now;
    meta.generated_by = sr_store_actor(st);
    meta.audit_head = *head ? head : NULL;
    meta.diags = &d;
    for (i = 0; i < city.n_districts; i++) {
        struct sr_report_district rep;

        memset(&rep, 0, sizeof(rep));
        rc = sr_report_district(st, city.districts[i].code, period, &rep);
        if (rc != SR_OK) {
            ex = cli_store_error(st, rc);
            sr_report_district_release(&rep);
            goto cleanup;
        }
        snprintf(path, sizeof(path), "%s/%s-%s.xlsx", out_dir, rep.name,
                 period->label);
        rc = sr_report_write_district(&rep, &dlay, path, &meta);
        sr_report_district_release(&rep);
        if (rc != SR_OK) {
            cli_print_diags(&d);
            cli_error("the workbook '%s' was not written", path);
            ex = cli_exit_for(rc);
            goto cleanup;
        }
        (*written)++;
    }
    snprintf(path, sizeof(path), "%s/全市-%s.xlsx", out_dir, period->label);
    rc = sr_report_write_city(&city, &clay, path, &meta);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error("the workbook '%s' was not written", path);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    (*written)++;

cleanup:
    sr_report_city_release(&city);
    sr_layout_release(&dlay);
    sr_layout_release(&clay);
    sr_diags_release(&d);
    return ex;
}

static int
do_city(int argc, char **argv)
{
    static const struct option opts[] = {
        {"by", required_argument, NULL, 'b'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {"layout", required_argument, NULL, 'l'},
        {"output", required_argument, NULL, 'o'},
        {"period", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *by = NULL, *layout_path = NULL, *out = NULL,
               *period_text = NULL;
    struct sr_report_city city;
    struct sr_report_meta meta;
    struct sr_store *st = NULL;
    struct sr_layout layout;
    struct sr_period period;
    struct sr_diags d;
    char head[65], now[32];
    int c, ex;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            by = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case 'l':
            layout_path = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'p':
            period_text = optarg;
            break;
        default:
            return cli_option_error(c, argv, usage);
        }
    }
    if (argc != optind || !period_text || !out) {
        cli_error("report city needs --period P and -o FILE.xlsx");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (sr_period_parse(period_text, &period) != SR_OK) {
        cli_error("bad period '%s' (expected a quarter like 2026Q3, a month "
                  "like 2026-09 or a year like 2026)",
                  period_text);
        return EXIT_USAGE;
    }
    sr_diags_init(&d);
    memset(&city, 0, sizeof(city));
    memset(&layout, 0, sizeof(layout));
    ex = load_layout(layout_path, "city", &layout, &d);
    if (ex != EXIT_OK)
        goto cleanup;
    ex = cli_store_open(db, by, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_report_city(st, &period, &city);
    if (rc == SR_OK)
        rc = sr_audit_head(st, head);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    sr_store_now(st, now);
    meta.generated_at = now;
    meta.generated_by = sr_store_actor(st);
    meta.audit_head = *head ? head : NULL;
    meta.diags = &d;
    rc = sr_report_write_city(&city, &layout, out, &meta);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error("the workbook '%s' was not written", out);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    printf("wrote %s: 全市 %s, %zu districts, %zu schools, %zu assessed\n",
           out, period.label, city.n_districts, city.total.schools,
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
    static const struct option opts[] = {
        {"by", required_argument, NULL, 'b'},
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {"out-dir", required_argument, NULL, 'o'},
        {"period", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *by = NULL, *out = NULL, *period_text = NULL;
    struct sr_store *st = NULL;
    struct sr_period period;
    size_t written = 0;
    int c, ex;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            by = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        case 'o':
            out = optarg;
            break;
        case 'p':
            period_text = optarg;
            break;
        default:
            return cli_option_error(c, argv, usage);
        }
    }
    if (argc != optind || !period_text || !out) {
        cli_error("report all needs --period P and --out-dir DIR");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (sr_period_parse(period_text, &period) != SR_OK) {
        cli_error("bad period '%s' (expected a quarter like 2026Q3, a month "
                  "like 2026-09 or a year like 2026)",
                  period_text);
        return EXIT_USAGE;
    }
    ex = cli_store_open(db, by, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    ex = cli_report_all(st, &period, out, &written);
    if (ex == EXIT_OK)
        printf("wrote %zu workbooks to %s (every district and the city, "
               "%s)\n",
               written, out, period.label);
    sr_store_close(st);
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
