/*
 * baseline.c - `schoolrisk baseline`: the four-100% baseline per school
 * and per district.
 */
#include <getopt.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/baseline.h"
#include "schoolrisk/store.h"

static const char usage[] =
    N_("usage: schoolrisk baseline [--district D] [--today DATE] [--json]\n"
    "                           [--db PATH]\n"
    "\n"
    "The four-100% baseline (四个100%) as of today: per school, whether it\n"
    "meets each element (guards 专职保安员, closed-campus 封闭化管理,\n"
    "alarm-video 一键报警和视频监控联网, protection-posts 护学岗) in its\n"
    "latest valid assessment, restored when the hazard on a failed item is\n"
    "closed; per district, the rate of each element and whether it reaches\n"
    "four 100%.  A school without a valid assessment meets no element.\n"
    "A school assessed under a system that declares an element unassessed\n"
    "(baseline-unassessed) shows 未评估 for it: the element's rate counts\n"
    "the schools evaluated on it, and the district's line says how many\n"
    "were unassessed.\n"
    "--today DATE computes it as of another day (2026-12-31, 2026/12/31,\n"
    "2026.12.31 or 2026年12月31日).\n");

static void
rate(char *buf, size_t size, size_t met, size_t n)
{
    if (!n)
        snprintf(buf, size, "-");
    else
        /* Exact to one decimal, rounded half up, without floating point. */
        snprintf(buf, size, "%zu.%zu%%", (met * 1000 + n / 2) / n / 10,
                 (met * 1000 + n / 2) / n % 10);
}

static int
print_json(const struct sr_baseline_report *r)
{
    cJSON *root = cJSON_CreateObject(), *ds, *ss;
    size_t i;
    int e;

    if (!root)
        return cli_print_json(NULL);
    cJSON_AddStringToObject(root, "as_of", r->as_of);
    ds = cJSON_AddArrayToObject(root, "districts");
    ss = cJSON_AddArrayToObject(root, "schools");
    for (i = 0; ds && i < r->nd; i++) {
        const struct sr_baseline_district *d = &r->d[i];
        cJSON *o = cJSON_CreateObject(), *m;

        cJSON_AddItemToArray(ds, o);
        cJSON_AddStringToObject(o, "code", d->code);
        cJSON_AddStringToObject(o, "name", d->name);
        cJSON_AddNumberToObject(o, "schools", (double)d->schools);
        m = cJSON_AddObjectToObject(o, "met");
        for (e = 0; m && e < SR_BASELINE_COUNT; e++)
            cJSON_AddNumberToObject(m, sr_baseline_name(e),
                                    (double)d->met[e]);
        m = cJSON_AddObjectToObject(o, "unassessed");
        for (e = 0; m && e < SR_BASELINE_COUNT; e++)
            cJSON_AddNumberToObject(m, sr_baseline_name(e),
                                    (double)d->unassessed[e]);
        cJSON_AddNumberToObject(o, "all_four", (double)d->all_four);
        cJSON_AddNumberToObject(o, "all_four_unassessed",
                                (double)d->four_unassessed);
        cJSON_AddBoolToObject(o, "reaches_four_100", d->reaches);
    }
    for (i = 0; ss && i < r->n; i++) {
        const struct sr_baseline_school *b = &r->s[i];
        cJSON *o = cJSON_CreateObject(), *m, *u, *w;

        cJSON_AddItemToArray(ss, o);
        cJSON_AddStringToObject(o, "code", b->code);
        cJSON_AddStringToObject(o, "name", b->name);
        cJSON_AddStringToObject(o, "district", b->district);
        if (b->assessment)
            cJSON_AddNumberToObject(o, "assessment", (double)b->assessment);
        else
            cJSON_AddNullToObject(o, "assessment");
        m = cJSON_AddObjectToObject(o, "met");
        u = cJSON_AddObjectToObject(o, "unassessed");
        w = cJSON_AddObjectToObject(o, "why_not");
        for (e = 0; m && u && w && e < SR_BASELINE_COUNT; e++) {
            cJSON_AddBoolToObject(m, sr_baseline_name(e), b->met[e]);
            cJSON_AddBoolToObject(u, sr_baseline_name(e), b->unassessed[e]);
            if (!b->met[e])
                cJSON_AddStringToObject(w, sr_baseline_name(e), b->why[e]);
        }
    }
    return cli_print_json(root);
}

/* The four elements' column headings, in the order of enum
 * sr_baseline_element. */
static const char *const element_heads[SR_BASELINE_COUNT] = {
    N_("GUARDS"), N_("CLOSED"), N_("ALARM"), N_("POSTS")};

/* The headings of the schools' table, in the reader's language, over the
 * columns print_text() fills. */
static void
school_heading(void)
{
    int e;

    cli_pad(stdout, _("SCHOOL"), 10);
    putchar(' ');
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        putchar(' ');
        cli_pad(stdout, _(element_heads[e]), 6);
    }
    printf("  %s\n", _("NAME / WHY NOT"));
}

/* The headings of the districts' table (the rates right-aligned). */
static void
district_heading(void)
{
    int e;

    putchar('\n');
    cli_pad(stdout, _("DISTRICT"), 8);
    printf("  %-10s ", "");
    cli_pad_left(stdout, _("SCHOOLS"), 7);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        putchar(' ');
        cli_pad_left(stdout, _(element_heads[e]), 8);
    }
    printf("  %s\n", _("FOUR 100%"));
}

/* Under a district with schools unassessed on some element: how many on
 * each (its rate above counts the others) and how its schools stand on
 * all four. */
static void
print_unassessed(const struct sr_baseline_district *d)
{
    char list[256];
    size_t len = 0;
    int e;

    list[0] = '\0';
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (d->unassessed[e] && len < sizeof(list))
            len += (size_t)snprintf(list + len, sizeof(list) - len,
                                    "%s%s %zu", len ? ", " : "",
                                    sr_baseline_label(e), d->unassessed[e]);
    if (!len)
        return;
    printf("%-10s", "");
    printf(_("unassessed (no item in the system): %s; four 100%%: %zu met, "
             "%zu not met, %zu unassessed\n"),
           list, d->all_four, d->schools - d->all_four - d->four_unassessed,
           d->four_unassessed);
}

static void
print_text(const struct sr_baseline_report *r)
{
    size_t i;
    int e;

    printf(_("四个100%% baseline as of %s\n\n"), r->as_of);
    school_heading();
    for (i = 0; i < r->n; i++) {
        const struct sr_baseline_school *b = &r->s[i];

        /* Values as the bureau reads them; --json has the names. */
        printf("%-10s ", b->code);
        for (e = 0; e < SR_BASELINE_COUNT; e++) {
            putchar(' ');
            cli_pad(stdout,
                    b->met[e] ? "是" : b->unassessed[e] ? "未评估" : "否", 6);
        }
        printf("  %s\n", b->name);
        for (e = 0; e < SR_BASELINE_COUNT; e++)
            if (!b->met[e])
                printf("%-41s %s: %s\n", "", sr_baseline_label(e),
                       b->why[e]);
    }
    district_heading();
    for (i = 0; i < r->nd; i++) {
        const struct sr_baseline_district *d = &r->d[i];
        char buf[48];

        printf("%-8s  ", d->code);
        cli_pad(stdout, d->name, 10);
        printf(" %7zu", d->schools);
        for (e = 0; e < SR_BASELINE_COUNT; e++) {
            rate(buf, sizeof(buf), d->met[e], d->schools - d->unassessed[e]);
            printf(" %8s", buf);
        }
        printf("  %s\n", d->reaches ? "达到" : "未达到");
        print_unassessed(d);
    }
}

int
cmd_baseline(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"district", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {"today", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    struct cli_db dbo = {NULL, NULL};
    const char *district = NULL, *today = NULL;
    char today_buf[11];
    struct sr_baseline_report r;
    struct sr_store *st = NULL;
    int c, json = 0, ex;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'D':
            district = optarg;
            break;
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
        case 'j':
            json = 1;
            break;
        case 't':
            today = optarg;
            break;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (today) {
        if (cli_date_arg("--today", today, today_buf) != EXIT_OK)
            return EXIT_USAGE;
        today = today_buf;
    }
    ex = cli_store_open(dbo.db, dbo.by, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_baseline_compute(st, district, today, &r);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else {
        if (json)
            ex = print_json(&r);
        else
            print_text(&r);
        sr_baseline_report_release(&r);
    }
    sr_store_close(st);
    return ex;
}
