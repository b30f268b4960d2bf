/*
 * experts.c - `schoolrisk experts add|update|list|summary`: the
 * school-safety expert corps (安全专家库, docs/cli.md).  The rules are
 * the library's (schoolrisk/experts.h); this file parses, calls and
 * prints.  The text tables show the Chinese labels of specialities and
 * statuses; the CSV gives their English names, for other programs.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/json.h"
#include "schoolrisk/report.h"
#include "schoolrisk/store.h"

static const char experts_usage[] =
    N_("usage: schoolrisk experts <command> [options] [--db PATH]\n"
    "\n"
    "  add LOGIN --unit UNIT --district D --speciality S[,S...]\n"
    "      --trained DATE --certified DATE --expires DATE\n"
    "                            give an inspector an expert profile\n"
    "  update LOGIN [the options of add] [--status STATUS]\n"
    "                            change a profile\n"
    "  list [--district D] [--speciality S] [--status STATUS]\n"
    "      [--due DAYS] [--as-of DATE] [--format csv] [--json]\n"
    "                            the experts, by district\n"
    "  summary [--as-of DATE] [--json]\n"
    "                            certified experts against the target of\n"
    "                            200, by district and by speciality\n"
    "  workload [--period P] [--district D] [--speciality S]\n"
    "      [--status STATUS] [--format csv] [--json]\n"
    "                            each expert's inspections and findings\n"
    "                            in a period\n"
    "\n"
    "Specialities: fire 消防, food 食品, building 建筑, traffic 交通,\n"
    "lab_chemicals 实验室危化品, psychology 心理, special_education 特教,\n"
    "school_bus 校车, swimming 游泳, general 综合.  Statuses: active 在库,\n"
    "suspended 暂停, retired 退出.  An expert is certified on a date when\n"
    "active, certified by then and the certificate not expired (valid\n"
    "through its expiry date).  Every change is audited.  Run 'schoolrisk\n"
    "experts <command> --help' for one command.\n");

static const char add_usage[] =
    N_("usage: schoolrisk experts add LOGIN --unit UNIT --district D\n"
    "                          --speciality S[,S...] --trained DATE\n"
    "                          --certified DATE --expires DATE\n"
    "                          [--status STATUS] [--db PATH]\n"
    "\n"
    "Give the user LOGIN, who must hold an inspector grant, an expert\n"
    "profile: work unit (工作单位), district (code or name), specialities\n"
    "(English names or Chinese labels, separated by commas), the dates of\n"
    "training and certification (not in the future) and the certificate's\n"
    "expiry (after certification).  The status is active unless given.\n");

static const char update_usage[] =
    N_("usage: schoolrisk experts update LOGIN [--unit UNIT] [--district D]\n"
    "                          [--speciality S[,S...]] [--trained DATE]\n"
    "                          [--certified DATE] [--expires DATE]\n"
    "                          [--status STATUS] [--db PATH]\n"
    "\n"
    "Change the fields given of an expert's profile (a renewed\n"
    "certificate, a new unit, --status suspended or retired); the others\n"
    "are kept.  The result is checked as 'add' checks a new profile.\n");

static const char list_usage[] =
    N_("usage: schoolrisk experts list [--district D] [--speciality S]\n"
    "                          [--status STATUS] [--due DAYS]\n"
    "                          [--as-of DATE] [--format csv] [--json]\n"
    "                          [--db PATH]\n"
    "\n"
    "List the experts by district, then login.  --due DAYS keeps those\n"
    "due for re-training: the certificate expires within DAYS days of\n"
    "--as-of (default today), or has expired.  --json prints an array of\n"
    "profiles, each saying whether it is certified and due (within 90\n"
    "days) on --as-of.\n");

static const char summary_usage[] =
    N_("usage: schoolrisk experts summary [--as-of DATE] [--json]\n"
    "                          [--db PATH]\n"
    "\n"
    "The corps as of a date (default today): certified experts against\n"
    "the target of 200, the experts and certified experts of every\n"
    "district, and the certified experts covering each speciality.\n"
    "--json prints one object, with the experts due for re-training\n"
    "within 90 days (due_experts).\n");

static const char workload_usage[] =
    N_("usage: schoolrisk experts workload [--period P] [--district D]\n"
    "                          [--speciality S] [--status STATUS]\n"
    "                          [--format csv] [--json] [--db PATH]\n"
    "\n"
    "Each expert's work in a period (a quarter 2026Q4, a month 2026-11 or\n"
    "a year 2026; default the current quarter): the inspections the\n"
    "expert submitted dated in it, the schools inspected, the general\n"
    "and major hazards those inspections raised, the findings rate\n"
    "(hazards per inspection, 2 decimals; - without inspections), the\n"
    "schools assigned to the expert by published inspection plans\n"
    "overlapping the period (ASSIGNED) and of those the ones the expert\n"
    "inspected for the plan (DONE), and the latest inspection up to the\n"
    "period's end.\n");

/* The experts commands' own options (long-only; values from 256). */
enum {
    OPT_UNIT = 256, OPT_DISTRICT, OPT_SPECIALITY, OPT_TRAINED, OPT_CERTIFIED,
    OPT_EXPIRES, OPT_STATUS, OPT_DUE, OPT_AS_OF, OPT_FORMAT, OPT_JSON,
    OPT_PERIOD
};

struct args {
    struct cli_db dbo;
    const char *unit, *district, *speciality, *status, *due, *format;
    const char *trained, *certified, *expires, *as_of, *period;
    bool json;
    char trained_buf[11], certified_buf[11], expires_buf[11], as_of_buf[11];
    const char *login; /* the one positional argument */
};

/* A date option typed in any of the accepted forms, as YYYY-MM-DD. */
static int
date_opt(const char *option, const char **v, char buf[11])
{
    if (!*v)
        return EXIT_OK;
    if (cli_date_arg(option, *v, buf) != EXIT_OK)
        return EXIT_USAGE;
    *v = buf;
    return EXIT_OK;
}

static int
dates(struct args *a)
{
    if (date_opt("--trained", &a->trained, a->trained_buf) ||
        date_opt("--certified", &a->certified, a->certified_buf) ||
        date_opt("--expires", &a->expires, a->expires_buf) ||
        date_opt("--as-of", &a->as_of, a->as_of_buf))
        return EXIT_USAGE;
    return EXIT_OK;
}

/* Parse argv (argv[0] is the subcommand); add and update take LOGIN.
 * Returns EXIT_OK, or an exit code after printing (help: -1). */
static int
parse(int argc, char **argv, const struct option *opts, const char *usage,
      bool takes_login, struct args *a)
{
    int c, npos = takes_login ? 1 : 0;

    memset(a, 0, sizeof(*a));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case OPT_UNIT: a->unit = optarg; break;
        case OPT_DISTRICT: a->district = optarg; break;
        case OPT_SPECIALITY: a->speciality = optarg; break;
        case OPT_TRAINED: a->trained = optarg; break;
        case OPT_CERTIFIED: a->certified = optarg; break;
        case OPT_EXPIRES: a->expires = optarg; break;
        case OPT_STATUS: a->status = optarg; break;
        case OPT_DUE: a->due = optarg; break;
        case OPT_AS_OF: a->as_of = optarg; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_JSON: a->json = true; break;
        case OPT_PERIOD: a->period = optarg; break;
        default:
            if (cli_db_option(c, &a->dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (argc - optind > npos) {
        cli_error(_("unexpected argument '%s'"), argv[optind + npos]);
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (npos && optind == argc) {
        cli_error(_("the login is required"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (npos)
        a->login = argv[optind];
    return dates(a);
}

/* A required option; prints the usage error when missing. */
static int
need(const char *value, const char *option, const char *usage)
{
    if (value)
        return EXIT_OK;
    cli_error("%s %s", option, _("is required"));
    fputs(_(usage), stderr);
    return EXIT_USAGE;
}

static int
speciality_arg(const char *text, unsigned *mask)
{
    char bad[64];

    if (sr_speciality_parse(text, mask, bad, sizeof(bad)) == SR_OK)
        return EXIT_OK;
    if (bad[0])
        cli_error(_("--speciality: unknown speciality '%s' (see 'schoolrisk "
                    "experts --help')"),
                  bad);
    else
        cli_error(_("--speciality: at least one speciality is required"));
    return EXIT_USAGE;
}

static int
status_arg(const char *text, int *status)
{
    *status = sr_expert_status_lookup(text);
    if (*status >= 0)
        return EXIT_OK;
    cli_error(_("--status takes active 在库, suspended 暂停 or retired "
                "退出, not '%s'"),
              text);
    return EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* add, update                                                          */
/* ------------------------------------------------------------------ */

#define PROFILE_OPTIONS                                                     \
    {"certified", required_argument, NULL, OPT_CERTIFIED},                  \
    {"district", required_argument, NULL, OPT_DISTRICT},                    \
    {"expires", required_argument, NULL, OPT_EXPIRES},                      \
    {"help", no_argument, NULL, 'h'},                                       \
    {"speciality", required_argument, NULL, OPT_SPECIALITY},                \
    {"status", required_argument, NULL, OPT_STATUS},                        \
    {"trained", required_argument, NULL, OPT_TRAINED},                      \
    {"unit", required_argument, NULL, OPT_UNIT}

/* The profile fields of a; -1 status when not given. */
static int
profile_in(const struct args *a, struct sr_expert_in *in)
{
    memset(in, 0, sizeof(*in));
    in->status = -1;
    in->unit = a->unit;
    in->district = a->district;
    in->trained_on = a->trained;
    in->certified_on = a->certified;
    in->expires_on = a->expires;
    if (a->speciality && speciality_arg(a->speciality, &in->specialities))
        return EXIT_USAGE;
    if (a->status && status_arg(a->status, &in->status))
        return EXIT_USAGE;
    return EXIT_OK;
}

static int
run_write(int argc, char **argv, bool add)
{
    static const struct option opts[] = {
        CLI_OPTION_DB, PROFILE_OPTIONS, {NULL, 0, NULL, 0},
    };
    const char *usage = add ? add_usage : update_usage;
    struct sr_store *st = NULL;
    struct sr_expert_in in;
    struct args a;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if (add && (need(a.unit, "--unit", usage) ||
                need(a.district, "--district", usage) ||
                need(a.speciality, "--speciality", usage) ||
                need(a.trained, "--trained", usage) ||
                need(a.certified, "--certified", usage) ||
                need(a.expires, "--expires", usage)))
        return EXIT_USAGE;
    if (profile_in(&a, &in))
        return EXIT_USAGE;
    ex = cli_store_open(a.dbo.db, a.dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = add ? sr_expert_add(st, a.login, &in)
             : sr_expert_update(st, a.login, &in);
    if (rc != SR_OK)
        ex = cli_store_error(st, rc);
    else if (add)
        printf(_("added the expert profile of '%s'\n"), a.login);
    else
        printf(_("updated the expert profile of '%s'\n"), a.login);
    sr_store_close(st);
    return ex == EXIT_OK ? cli_finish_output() : ex;
}

static int
run_add(int argc, char **argv)
{
    return run_write(argc, argv, true);
}

static int
run_update(int argc, char **argv)
{
    return run_write(argc, argv, false);
}

/* ------------------------------------------------------------------ */
/* list                                                                 */
/* ------------------------------------------------------------------ */

enum {
    COL_LOGIN, COL_NAME, COL_UNIT, COL_DISTRICT, COL_SPECS, COL_TRAINED,
    COL_CERTIFIED, COL_EXPIRES, COL_STATUS, NCOL
};

static const char *
heading(int col)
{
    switch (col) {
    case COL_LOGIN:
        return _("LOGIN");
    case COL_NAME:
        return C_("a person's", "NAME");
    case COL_UNIT:
        return _("UNIT");
    case COL_DISTRICT:
        return _("DISTRICT");
    case COL_SPECS:
        return _("SPECIALITIES");
    case COL_TRAINED:
        return _("TRAINED");
    case COL_CERTIFIED:
        return _("CERTIFIED");
    case COL_EXPIRES:
        return _("EXPIRES");
    default:
        return _("STATUS");
    }
}

/* The specialities of mask, by their labels (sep between them) or
 * their names, in buf. */
static const char *
specialities(unsigned mask, bool labels, char *buf, size_t size)
{
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < SR_SPEC_COUNT && len < size; i++)
        if (mask & SR_SPECS(i))
            len += (size_t)snprintf(
                buf + len, size - len, "%s%s", len ? (labels ? "、" : ",") : "",
                labels ? sr_speciality_label(i) : sr_speciality_name(i));
    return buf;
}

static const char *
cell(const struct sr_expert *e, int col, char *buf, size_t size)
{
    switch (col) {
    case COL_LOGIN: return e->login;
    case COL_NAME: return e->name;
    case COL_UNIT: return e->unit;
    case COL_DISTRICT: return e->district_name;
    case COL_SPECS: return specialities(e->specialities, true, buf, size);
    case COL_TRAINED: return e->trained_on;
    case COL_CERTIFIED: return e->certified_on;
    case COL_EXPIRES: return e->expires_on;
    default: return sr_expert_status_label(e->status);
    }
}

struct list_ctx {
    int w[NCOL];
    bool print; /* the second pass */
    bool csv;
    size_t n;
};

static void
csv_row(const struct sr_expert *e)
{
    char buf[256];

    cli_csv_field(stdout, e->login, false);
    cli_csv_field(stdout, e->name, false);
    cli_csv_field(stdout, e->unit, false);
    cli_csv_field(stdout, e->district, false);
    cli_csv_field(stdout, e->district_name, false);
    cli_csv_field(stdout, specialities(e->specialities, false, buf,
                                       sizeof(buf)),
                  false);
    cli_csv_field(stdout, e->trained_on, false);
    cli_csv_field(stdout, e->certified_on, false);
    cli_csv_field(stdout, e->expires_on, false);
    cli_csv_field(stdout, sr_expert_status_name(e->status), true);
}

static int
list_row(const struct sr_expert *e, void *ctx)
{
    struct list_ctx *lc = ctx;
    char buf[256];
    int col;

    lc->n++;
    if (lc->csv) {
        csv_row(e);
        return 0;
    }
    for (col = 0; col < NCOL; col++) {
        const char *t = cell(e, col, buf, sizeof(buf));

        if (!lc->print) {
            if (cli_width(t) > lc->w[col])
                lc->w[col] = cli_width(t);
        } else if (col == NCOL - 1) {
            printf("%s\n", t);
        } else {
            cli_pad(stdout, t, lc->w[col] + 2);
        }
    }
    return 0;
}

/* The list's filter from a; prints and returns EXIT_USAGE when bad. */
static int
filter_of(const struct args *a, struct sr_expert_filter *f)
{
    sr_expert_filter_init(f);
    f->district = a->district;
    f->as_of = a->as_of;
    if (a->speciality) {
        f->speciality = sr_speciality_lookup(a->speciality);
        if (f->speciality < 0) {
            cli_error(_("--speciality: unknown speciality '%s' (see "
                        "'schoolrisk experts --help')"),
                      a->speciality);
            return EXIT_USAGE;
        }
    }
    if (a->status && status_arg(a->status, &f->status))
        return EXIT_USAGE;
    if (a->due) {
        char *end;
        long v;

        errno = 0;
        v = strtol(a->due, &end, 10);
        if (errno || end == a->due || *end || v < 0 || v > 36500) {
            cli_error(_("--due expects a number of days from 0 to 36500, "
                        "not '%s'"),
                      a->due);
            return EXIT_USAGE;
        }
        f->due_days = (int)v;
    }
    if (a->format && strcmp(a->format, "csv") != 0) {
        cli_error(_("--format takes csv, not '%s'"), a->format);
        return EXIT_USAGE;
    }
    if (a->format && a->json) {
        cli_error(_("--format csv and --json exclude each other"));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The profiles as one JSON array, with certified and due as of the
 * filter's date. */
struct json_ctx {
    cJSON *arr;
    const char *as_of;
    int ok;
};

static int
json_row(const struct sr_expert *e, void *ctx)
{
    struct json_ctx *jc = ctx;

    sr_json_add(jc->arr, NULL, sr_json_expert(e, jc->as_of, NULL), &jc->ok);
    return !jc->ok;
}

static int
list_json(struct sr_store *st, struct sr_expert_filter *f)
{
    struct json_ctx jc = {cJSON_CreateArray(), NULL, 1};
    char today[16];
    sr_error rc;

    if (!f->as_of) {
        sr_store_today(st, today);
        f->as_of = today;
    }
    jc.as_of = f->as_of;
    jc.ok = jc.arr != NULL;
    rc = jc.ok ? sr_expert_list(st, f, json_row, &jc) : SR_OK;
    if (rc != SR_OK) {
        cJSON_Delete(jc.arr);
        return cli_store_error(st, rc);
    }
    if (!jc.ok) {
        cJSON_Delete(jc.arr);
        jc.arr = NULL;
    }
    return cli_print_json(jc.arr);
}

static int
run_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"as-of", required_argument, NULL, OPT_AS_OF},
        CLI_OPTION_DB,
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"due", required_argument, NULL, OPT_DUE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"speciality", required_argument, NULL, OPT_SPECIALITY},
        {"status", required_argument, NULL, OPT_STATUS},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct sr_expert_filter f;
    struct list_ctx lc;
    struct args a;
    sr_error rc;
    int ex, col;

    ex = parse(argc, argv, opts, list_usage, false, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if (filter_of(&a, &f))
        return EXIT_USAGE;
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    if (a.json) {
        ex = list_json(st, &f);
        goto cleanup;
    }
    memset(&lc, 0, sizeof(lc));
    if (a.format) {
        lc.csv = true;
        fputs("login,name,unit,district,district_name,specialities,"
              "trained_on,certified_on,expires_on,status\n",
              stdout);
        rc = sr_expert_list(st, &f, list_row, &lc);
        ex = rc == SR_OK ? EXIT_OK : cli_store_error(st, rc);
        goto cleanup;
    }
    for (col = 0; col < NCOL; col++)
        lc.w[col] = cli_width(heading(col));
    rc = sr_expert_list(st, &f, list_row, &lc);
    if (rc == SR_OK && lc.n) {
        for (col = 0; col < NCOL; col++) {
            if (col == NCOL - 1)
                printf("%s\n", heading(col));
            else
                cli_pad(stdout, heading(col), lc.w[col] + 2);
        }
        lc.print = true;
        lc.n = 0;
        rc = sr_expert_list(st, &f, list_row, &lc);
    }
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    printf(lc.n == 1 ? _("%zu expert\n") : _("%zu experts\n"), lc.n);

cleanup:
    sr_store_close(st);
    return ex == EXIT_OK ? cli_finish_output() : ex;
}

/* ------------------------------------------------------------------ */
/* summary                                                              */
/* ------------------------------------------------------------------ */

static void
print_summary(const struct sr_expert_summary *s)
{
    int wd = cli_width(_("DISTRICT")), ws = cli_width(_("SPECIALITY"));
    int we = cli_width(_("EXPERTS")), wc = cli_width(_("CERTIFIED"));
    size_t i;
    int k;

    printf(_("certified experts as of %s: %zu of the target %zu\n"),
           s->as_of, s->certified, s->target);
    printf(_("experts: %zu, active: %zu, certified: %zu, due for "
             "re-training within %d days: %zu\n"),
           s->experts, s->active, s->certified, SR_EXPERT_DUE_DAYS, s->due);
    for (i = 0; i < s->n_districts; i++)
        if (cli_width(s->districts[i].name) > wd)
            wd = cli_width(s->districts[i].name);
    putchar('\n');
    cli_pad(stdout, _("DISTRICT"), wd + 2);
    cli_pad_left(stdout, _("EXPERTS"), we);
    fputs("  ", stdout);
    cli_pad_left(stdout, _("CERTIFIED"), wc);
    putchar('\n');
    for (i = 0; i < s->n_districts; i++) {
        cli_pad(stdout, s->districts[i].name, wd + 2);
        printf("%*zu  %*zu\n", we, s->districts[i].experts, wc,
               s->districts[i].certified);
    }
    for (k = 0; k < SR_SPEC_COUNT; k++)
        if (cli_width(sr_speciality_label(k)) > ws)
            ws = cli_width(sr_speciality_label(k));
    putchar('\n');
    cli_pad(stdout, _("SPECIALITY"), ws + 2);
    cli_pad_left(stdout, _("CERTIFIED"), wc);
    putchar('\n');
    for (k = 0; k < SR_SPEC_COUNT; k++) {
        cli_pad(stdout, sr_speciality_label(k), ws + 2);
        printf("%*zu\n", wc, s->by_speciality[k]);
    }
}

/* Keep the experts the summary counts as due. */
static int
due_row(const struct sr_expert *e, void *ctx)
{
    struct json_ctx *jc = ctx;

    if (sr_expert_due(e, jc->as_of, SR_EXPERT_DUE_DAYS))
        sr_json_add(jc->arr, NULL, sr_json_expert(e, jc->as_of, NULL),
                    &jc->ok);
    return !jc->ok;
}

static int
summary_json(struct sr_store *st, const struct sr_expert_summary *s)
{
    struct json_ctx jc = {cJSON_CreateArray(), s->as_of, 1};
    struct sr_expert_filter f;
    cJSON *root = sr_json_expert_summary(s);
    sr_error rc = SR_OK;

    sr_expert_filter_init(&f);
    f.as_of = s->as_of;
    f.status = SR_EXPERT_ACTIVE;
    f.due_days = SR_EXPERT_DUE_DAYS;
    jc.ok = jc.arr && root;
    if (jc.ok)
        rc = sr_expert_list(st, &f, due_row, &jc);
    if (rc != SR_OK) {
        cJSON_Delete(jc.arr);
        cJSON_Delete(root);
        return cli_store_error(st, rc);
    }
    if (jc.ok)
        sr_json_add(root, "due_experts", jc.arr, &jc.ok);
    else
        cJSON_Delete(jc.arr);
    if (!jc.ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return cli_print_json(root);
}

static int
run_summary(int argc, char **argv)
{
    static const struct option opts[] = {
        {"as-of", required_argument, NULL, OPT_AS_OF},
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {NULL, 0, NULL, 0},
    };
    struct sr_expert_summary s;
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, summary_usage, false, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_expert_summary(st, a.as_of, &s);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else if (a.json) {
        ex = summary_json(st, &s);
        sr_expert_summary_release(&s);
    } else {
        print_summary(&s);
        sr_expert_summary_release(&s);
    }
    sr_store_close(st);
    return ex == EXIT_OK ? cli_finish_output() : ex;
}

/* ------------------------------------------------------------------ */
/* workload                                                             */
/* ------------------------------------------------------------------ */

enum {
    WL_LOGIN, WL_NAME, WL_DISTRICT, WL_INSPECTIONS, WL_SCHOOLS, WL_GENERAL,
    WL_MAJOR, WL_RATE, WL_ASSIGNED, WL_DONE, WL_LAST, NWL
};

static const char *
wl_heading(int col)
{
    switch (col) {
    case WL_LOGIN:
        return _("LOGIN");
    case WL_NAME:
        return C_("a person's", "NAME");
    case WL_DISTRICT:
        return _("DISTRICT");
    case WL_INSPECTIONS:
        return _("INSPECTIONS");
    case WL_SCHOOLS:
        return _("SCHOOLS");
    case WL_GENERAL:
        return _("GENERAL");
    case WL_MAJOR:
        return _("MAJOR");
    case WL_RATE:
        return _("RATE");
    case WL_ASSIGNED:
        return _("ASSIGNED");
    case WL_DONE:
        return C_("plan pairs", "DONE");
    default:
        return _("LAST");
    }
}

struct wl_ctx {
    int w[NWL];
    bool print;   /* the second pass of the text table */
    bool csv;
    cJSON *arr;   /* --json */
    const char *as_of;
    int ok;
    size_t n;
};

/* Column col of an expert's row, in buf. */
static const char *
wl_cell(const struct sr_expert *e, const struct sr_expert_work *w, int col,
        char *buf, size_t size)
{
    size_t v;

    switch (col) {
    case WL_LOGIN: return e->login;
    case WL_NAME: return e->name;
    case WL_DISTRICT: return e->district_name;
    case WL_RATE:
        sr_expert_rate(w, buf, NULL);
        return buf;
    case WL_LAST: return w->last_on[0] ? w->last_on : "-";
    case WL_INSPECTIONS: v = w->inspections; break;
    case WL_SCHOOLS: v = w->schools; break;
    case WL_GENERAL: v = w->general; break;
    case WL_ASSIGNED: v = w->assigned; break;
    case WL_DONE: v = w->assigned_done; break;
    default: v = w->major; break;
    }
    snprintf(buf, size, "%zu", v);
    return buf;
}

/* Column col for CSV, where the table shows t: the district's code,
 * and empty for no rate or no inspection (the table's "-"). */
static const char *
csv_cell(const struct sr_expert *e, const struct sr_expert_work *w, int col,
         const char *t)
{
    if (col == WL_DISTRICT)
        return e->district;
    if ((col == WL_RATE && !w->inspections) ||
        (col == WL_LAST && !w->last_on[0]))
        return "";
    return t;
}

/* Print t in column col of the text table: the numbers to the right. */
static void
wl_put(const struct wl_ctx *wc, int col, const char *t)
{
    if (col == NWL - 1) {
        printf("%s\n", t);
    } else if (col >= WL_INSPECTIONS) {
        cli_pad_left(stdout, t, wc->w[col]);
        fputs("  ", stdout);
    } else {
        cli_pad(stdout, t, wc->w[col] + 2);
    }
}

static int
wl_row(const struct sr_expert *e, const struct sr_expert_work *w, void *ctx)
{
    struct wl_ctx *wc = ctx;
    char buf[SR_EXPERT_RATE_MAX + 8];
    int col;

    wc->n++;
    if (wc->arr) {
        sr_json_add(wc->arr, NULL, sr_json_expert(e, wc->as_of, w), &wc->ok);
        return !wc->ok;
    }
    for (col = 0; col < NWL; col++) {
        const char *t = wl_cell(e, w, col, buf, sizeof(buf));

        if (wc->csv)
            cli_csv_field(stdout, csv_cell(e, w, col, t), col == NWL - 1);
        else if (wc->print)
            wl_put(wc, col, t);
        else if (cli_width(t) > wc->w[col])
            wc->w[col] = cli_width(t);
    }
    return 0;
}

/* The period of --period, or the current quarter. */
static int
period_arg(struct sr_store *st, const char *text, struct sr_period *p)
{
    char today[16];

    if (!text) {
        sr_store_today(st, today);
        if (sr_period_of(SR_PERIOD_QUARTER, today, p) == SR_OK)
            return EXIT_OK;
        cli_error(_("today's date '%s' is out of range"), today);
        return EXIT_INTERNAL;
    }
    if (sr_period_parse(text, p) == SR_OK)
        return EXIT_OK;
    cli_error(_("bad period '%s' (expected a quarter like 2026Q3 or "
                "2026年第三季度, a month like 2026-09 or 2026年9月, or a "
                "year like 2026 or 2026年)"),
              text);
    return EXIT_USAGE;
}

static void
wl_headings(struct wl_ctx *wc)
{
    int col;

    for (col = 0; col < NWL; col++)
        wl_put(wc, col, wl_heading(col));
}

/* The rows in the form asked for; the store is open. */
static int
print_workload(struct sr_store *st, const struct sr_expert_filter *f,
               const struct sr_period *p, struct wl_ctx *wc)
{
    sr_error rc;
    int col;

    if (wc->arr || wc->csv) {
        if (wc->csv)
            fputs("login,name,district,inspections,schools,hazards_general,"
                  "hazards_major,findings_rate,plan_assigned,plan_done,"
                  "last_inspection\n",
                  stdout);
        rc = sr_expert_workload(st, f, p->start, p->end, wl_row, wc);
        if (rc != SR_OK) {
            cJSON_Delete(wc->arr);
            return cli_store_error(st, rc);
        }
        if (!wc->arr)
            return EXIT_OK;
        if (!wc->ok) {
            cJSON_Delete(wc->arr);
            wc->arr = NULL;
        }
        return cli_print_json(wc->arr);
    }
    for (col = 0; col < NWL; col++)
        wc->w[col] = cli_width(wl_heading(col));
    rc = sr_expert_workload(st, f, p->start, p->end, wl_row, wc);
    printf(_("experts' work in %s (%s to %s)\n"), p->label, p->start, p->end);
    if (rc == SR_OK && wc->n) {
        wl_headings(wc);
        wc->print = true;
        wc->n = 0;
        rc = sr_expert_workload(st, f, p->start, p->end, wl_row, wc);
    }
    if (rc != SR_OK)
        return cli_store_error(st, rc);
    printf(wc->n == 1 ? _("%zu expert\n") : _("%zu experts\n"), wc->n);
    return EXIT_OK;
}

static int
run_workload(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"speciality", required_argument, NULL, OPT_SPECIALITY},
        {"status", required_argument, NULL, OPT_STATUS},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct sr_expert_filter f;
    struct sr_period p;
    struct wl_ctx wc;
    struct args a;
    char today[16];
    int ex;

    ex = parse(argc, argv, opts, workload_usage, false, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if (filter_of(&a, &f))
        return EXIT_USAGE;
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    ex = period_arg(st, a.period, &p);
    if (ex != EXIT_OK)
        goto cleanup;
    memset(&wc, 0, sizeof(wc));
    wc.csv = a.format != NULL;
    wc.ok = 1;
    sr_store_today(st, today);
    wc.as_of = today;
    if (a.json) {
        wc.arr = cJSON_CreateArray();
        wc.ok = wc.arr != NULL;
        if (!wc.ok) {
            cli_error(_("out of memory"));
            ex = EXIT_INTERNAL;
            goto cleanup;
        }
    }
    ex = print_workload(st, &f, &p, &wc);

cleanup:
    sr_store_close(st);
    return ex == EXIT_OK ? cli_finish_output() : ex;
}

int
cmd_experts(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", run_add},
        {"list", run_list},
        {"summary", run_summary},
        {"update", run_update},
        {"workload", run_workload},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        experts_usage, "experts");
}
