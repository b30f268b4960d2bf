/*
 * report.c - `schoolrisk report district`: a district's Excel compliance
 * workbook for a period.
 */
#include <getopt.h>
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

int
cmd_report(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"district", do_district},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        usage, "report");
}
