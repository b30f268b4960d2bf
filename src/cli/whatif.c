/*
 * whatif.c - `schoolrisk whatif`: which figures would change if chosen
 * open hazards were closed (整改预测), and which rectifications bring a
 * district to 100% 达标 and four 100% soonest (--suggest).  Read-only:
 * the database is opened so and never written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/store.h"
#include "schoolrisk/whatif.h"

static const char usage[] =
    N_("usage: schoolrisk whatif (--school CODE | --district D | --city)\n"
    "                         (--close ID,ID... | --close-all-major |\n"
    "                          --suggest) [--as-of DATE]\n"
    "                         [--format text|csv | --json] [--db PATH]\n"
    "\n"
    "What-if (整改预测): the figures of a school, a district or the city\n"
    "as of a day if the open hazards given were closed, before -> after\n"
    "(不变 where nothing changes): each school's total, band, 达标, veto,\n"
    "four-100% elements and open hazards; each district's 达标率, element\n"
    "rates, four 100%, open, overdue and open major hazards.  A closed\n"
    "hazard's item counts at full points when the valid assessment lost\n"
    "it, as a new assessment would score it.  Nothing is written.\n"
    "--suggest ranks a district's (or the city's) open hazards by what\n"
    "closing each gains, and each school's smallest set of hazards for\n"
    "达标 and for four 100%, in the order that reaches them soonest.\n");

/* ---- Values as the bureau reads them -------------------------------- */

static const char *
yes_no(bool b)
{
    return b ? "是" : "否";
}

static void
rate_text(char *buf, size_t size, struct sr_rate r)
{
    if (!r.den)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%zu/%zu (%zu.%zu%%)", r.num, r.den,
                 (r.num * 1000 + r.den / 2) / r.den / 10,
                 (r.num * 1000 + r.den / 2) / r.den % 10);
}

static void
total_text(char *buf, size_t size, const struct sr_whatif_figures *f)
{
    if (!f->assessed)
        snprintf(buf, size, "未评估");
    else
        snprintf(buf, size, "%" PRId64 ".%02" PRId64, f->total / 100,
                 f->total % 100);
}

static const char *
element_text(const struct sr_whatif_figures *f, int e)
{
    return f->met[e] ? "是" : f->unassessed[e] ? "未评估" : "否";
}

/* ---- Output: one line per figure ------------------------------------ */

struct out {
    int format; /* 0 text, 1 csv */
    const char *scope, *code, *name;
};

static void
figure(const struct out *o, const char *label, const char *before,
       const char *after)
{
    bool same = !strcmp(before, after);

    if (o->format) {
        cli_csv_field(stdout, o->scope, false);
        cli_csv_field(stdout, o->code, false);
        cli_csv_field(stdout, o->name, false);
        cli_csv_field(stdout, label, false);
        cli_csv_field(stdout, before, false);
        cli_csv_field(stdout, after, false);
        cli_csv_field(stdout, same ? "不变" : "变化", true);
        return;
    }
    printf("  ");
    cli_pad(stdout, label, 30);
    if (same)
        printf("%s（不变）\n", before);
    else
        printf("%s → %s\n", before, after);
}

static void
figure_n(const struct out *o, const char *label, size_t b, size_t a)
{
    char x[32], y[32];

    snprintf(x, sizeof(x), "%zu", b);
    snprintf(y, sizeof(y), "%zu", a);
    figure(o, label, x, y);
}

static void
school_figures(const struct out *o, const struct sr_whatif_school *s)
{
    char b[64], a[64];
    int e;

    total_text(b, sizeof(b), &s->before);
    total_text(a, sizeof(a), &s->after);
    figure(o, _("total"), b, a);
    figure(o, _("band"), s->before.band_label ? s->before.band_label : "-",
           s->after.band_label ? s->after.band_label : "-");
    figure(o, _("compliant (达标)"), yes_no(s->before.compliant),
           yes_no(s->after.compliant));
    figure(o, _("vetoed"), yes_no(s->before.vetoed), yes_no(s->after.vetoed));
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        figure(o, sr_baseline_label(e), element_text(&s->before, e),
               element_text(&s->after, e));
    figure(o, _("all four 100%"), yes_no(s->before.four),
           yes_no(s->after.four));
    figure_n(o, _("open hazards"), s->before.open_hazards,
             s->after.open_hazards);
    figure_n(o, _("overdue hazards"), s->before.overdue_hazards,
             s->after.overdue_hazards);
}

static void
area_figures(const struct out *o, const struct sr_whatif_area *a)
{
    const struct sr_report_kpis *k0 = &a->before, *k1 = &a->after;
    char b[64], x[64];
    int e;

    rate_text(b, sizeof(b), k0->coverage);
    rate_text(x, sizeof(x), k1->coverage);
    figure(o, _("coverage"), b, x);
    rate_text(b, sizeof(b), k0->compliance);
    rate_text(x, sizeof(x), k1->compliance);
    figure(o, _("compliance rate (达标率)"), b, x);
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        rate_text(b, sizeof(b), k0->baseline_rate[e]);
        rate_text(x, sizeof(x), k1->baseline_rate[e]);
        figure(o, sr_baseline_label(e), b, x);
    }
    figure_n(o, _("schools meeting all four"), k0->four_met, k1->four_met);
    figure(o, _("four 100%"), k0->four_100 ? "达到" : "未达到",
           k1->four_100 ? "达到" : "未达到");
    figure_n(o, _("open hazards"), k0->hazards_open, k1->hazards_open);
    figure_n(o, _("overdue hazards"), k0->hazards_overdue,
             k1->hazards_overdue);
    figure_n(o, _("open major hazards (挂牌督办)"), k0->open_major,
             k1->open_major);
}

static void
print_whatif(const struct sr_whatif *w, int format)
{
    struct out o = {format, "", "", ""};
    size_t i;

    if (format)
        printf("scope,code,name,figure,before,after,change\n");
    else {
        printf(_("What-if as of %s: closing %zu hazard(s)"), w->as_of,
               w->n_closed);
        for (i = 0; i < w->n_closed; i++)
            printf("%s%" PRId64, i ? ", " : ": ", w->closed[i]);
        printf("\n");
    }
    for (i = 0; i < w->n_schools; i++) {
        const struct sr_whatif_school *s = &w->schools[i];

        o.scope = "school";
        o.code = s->code;
        o.name = s->name;
        if (!format)
            printf(_("\nschool %s %s (%s): %zu hazard(s) closed, %zu item(s) "
                     "at full points\n"),
                   s->code, s->name, s->district_name, s->closing,
                   s->rescored);
        school_figures(&o, s);
    }
    for (i = 0; i < w->n_districts; i++) {
        o.scope = "district";
        o.code = w->districts[i].code;
        o.name = w->districts[i].name;
        if (!format)
            printf(_("\ndistrict %s %s\n"), o.code, o.name);
        area_figures(&o, &w->districts[i]);
    }
    if (w->has_city) {
        o.scope = "city";
        o.code = "";
        o.name = w->city.name;
        if (!format)
            printf("\n%s\n", w->city.name);
        area_figures(&o, &w->city);
    }
}

/* ---- Suggest as text -------------------------------------------------- */

static void
ids_text(FILE *f, const int64_t *v, size_t n)
{
    size_t i;

    if (!n)
        fputs("-", f);
    for (i = 0; i < n; i++)
        fprintf(f, "%s%" PRId64, i ? "," : "", v[i]);
}

static void
print_suggest(const struct sr_whatif_suggest *s)
{
    size_t i;

    printf(_("Rectification order (推荐整改顺序) for %s as of %s: %zu "
             "schools, %zu 达标, %zu meeting all four\n"),
           s->name, s->as_of, s->schools, s->compliant, s->four_met);
    printf(_("\nplans, ranked by targets reached, hazards needed (fewer "
             "first), points gained:\n"));
    for (i = 0; i < s->n_plans; i++) {
        const struct sr_whatif_plan *p = &s->plans[i];

        printf("%3zu. %s %s  ", i + 1, p->code, p->name);
        printf(_("close "));
        ids_text(stdout, p->both, p->n_both);
        printf(_("  total %" PRId64 ".%02" PRId64 " -> %" PRId64 ".%02"
                 PRId64 "  达标 %s -> %s  四个100%% %s -> %s  then %zu/%zu "
                 "达标, %zu/%zu all four\n"),
               p->total_before / 100, p->total_before % 100,
               p->total_after / 100, p->total_after % 100,
               yes_no(p->compliant_before),
               yes_no(p->compliant_before || p->can_comply),
               yes_no(p->four_before), yes_no(p->four_before || p->can_four),
               p->compliant_then, s->schools, p->four_then, s->schools);
    }
    printf(_("\nopen hazards, ranked by what closing each alone gains:\n"));
    for (i = 0; i < s->n_gains; i++) {
        const struct sr_whatif_gain *g = &s->gains[i];

        printf("%3zu. %" PRId64 " %s %s %s %s  ", i + 1, g->id, g->code,
               g->level == SR_HAZARD_MAJOR ? "重大" : "一般",
               g->item ? g->item : "-", g->item_title ? g->item_title : "");
        printf(_("+%" PRId64 ".%02" PRId64 " points%s%s\n"), g->points / 100,
               g->points % 100, g->compliant ? _(", becomes 达标") : "",
               g->four ? _(", reaches all four") : "");
    }
}

/* ---- The command ------------------------------------------------------ */

/* "12,15,20" into ids (at most max). */
static int
parse_ids(const char *text, int64_t *v, size_t max, size_t *n)
{
    const char *p = text;

    *n = 0;
    while (*p) {
        char *end;
        long long x;

        errno = 0;
        x = strtoll(p, &end, 10);
        if (end == p || errno || x <= 0 || (*end && *end != ',') ||
            *n == max) {
            cli_error(_("bad hazard id list '%s' (expected 12,15,20)"), text);
            return EXIT_USAGE;
        }
        v[(*n)++] = x;
        p = *end ? end + 1 : end;
    }
    if (!*n) {
        cli_error(_("bad hazard id list '%s' (expected 12,15,20)"), text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

struct args {
    struct cli_db dbo;
    struct sr_whatif_query q;
    int64_t ids[1024];
    bool suggest, json, scoped;
    int format;
    char day[11];
};

static int
parse(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"as-of", required_argument, NULL, 'a'},
        {"city", no_argument, NULL, 'C'},
        {"close", required_argument, NULL, 'c'},
        {"close-all-major", no_argument, NULL, 'M'},
        {"district", required_argument, NULL, 'D'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {"school", required_argument, NULL, 'S'},
        {"suggest", no_argument, NULL, 'g'},
        {NULL, 0, NULL, 0},
    };
    int c, scopes = 0, ex;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (cli_date_arg("--as-of", optarg, a->day) != EXIT_OK)
                return EXIT_USAGE;
            a->q.as_of = a->day;
            break;
        case 'C':
            a->q.scope = SR_WHATIF_CITY;
            scopes++;
            break;
        case 'c':
            ex = parse_ids(optarg, a->ids, sizeof(a->ids) / sizeof(*a->ids),
                           &a->q.n_close);
            if (ex != EXIT_OK)
                return ex;
            a->q.close = a->ids;
            break;
        case 'M':
            a->q.all_major = true;
            break;
        case 'D':
            a->q.scope = SR_WHATIF_DISTRICT;
            a->q.code = optarg;
            scopes++;
            break;
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "csv")) {
                cli_error(_("bad --format '%s' (text or csv)"), optarg);
                return EXIT_USAGE;
            }
            a->format = !strcmp(optarg, "csv");
            break;
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case 'j':
            a->json = true;
            break;
        case 'S':
            a->q.scope = SR_WHATIF_SCHOOL;
            a->q.code = optarg;
            scopes++;
            break;
        case 'g':
            a->suggest = true;
            break;
        default:
            if (cli_db_option(c, &a->dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc || scopes != 1 ||
        a->suggest == (a->q.n_close || a->q.all_major) ||
        (a->suggest && a->q.scope == SR_WHATIF_SCHOOL) ||
        (a->suggest && a->format)) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int
cmd_whatif(int argc, char **argv)
{
    struct args *a = calloc(1, sizeof(*a));
    struct sr_store *st = NULL;
    int ex;
    sr_error rc;

    if (!a) {
        cli_error("%s", _("out of memory"));
        return EXIT_INTERNAL;
    }
    ex = parse(argc, argv, a);
    if (ex == EXIT_OK)
        ex = cli_store_open(a->dbo.db, a->dbo.by, SR_STORE_READONLY, &st);
    if (ex == EXIT_OK && a->suggest) {
        struct sr_whatif_suggest s;

        rc = sr_whatif_suggest(st, a->q.scope == SR_WHATIF_CITY ? NULL
                                                                : a->q.code,
                               a->q.as_of, &s);
        if (rc != SR_OK)
            ex = cli_store_error(st, rc);
        else if (a->json)
            ex = cli_print_json(sr_json_whatif_suggest(&s));
        else
            print_suggest(&s);
        sr_whatif_suggest_release(&s);
    } else if (ex == EXIT_OK) {
        struct sr_whatif w;

        rc = sr_whatif_run(st, &a->q, &w);
        if (rc != SR_OK)
            ex = cli_store_error(st, rc);
        else if (a->json)
            ex = cli_print_json(sr_json_whatif(&w));
        else
            print_whatif(&w, a->format);
        sr_whatif_release(&w);
    }
    sr_store_close(st);
    free(a);
    if (ex == -1)
        ex = EXIT_OK;
    if (ex == EXIT_OK)
        ex = cli_finish_output();
    return ex;
}
