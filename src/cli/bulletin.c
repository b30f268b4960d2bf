/*
 * bulletin.c - `schoolrisk bulletin monthly|quarterly`: the monthly
 * dispatch of a district (月调度) and the city's quarterly bulletin
 * (季通报), as text, JSON or a printable workbook (bulletin.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/bulletin.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"

#ifndef SR_DEFAULT_TEMPLATE_DIR
#define SR_DEFAULT_TEMPLATE_DIR "templates"
#endif

static const char usage[] =
    N_("usage: schoolrisk bulletin monthly (--district D | --all)\n"
    "                          [--month M] [-o FILE.xlsx | --out-dir DIR]\n"
    "                          [--json] [--date DATE] [--number N]\n"
    "                          [--layout FILE] [--db PATH] [--by NAME]\n"
    "       schoolrisk bulletin quarterly [--quarter Q] [-o FILE.xlsx]\n"
    "                          [--json] [--date DATE] [--number N]\n"
    "                          [--layout FILE] [--db PATH] [--by NAME]\n"
    "\n"
    "monthly: a district's monthly dispatch (月调度): what changed since\n"
    "the end of the previous month (hazards found, closed, newly overdue,\n"
    "newly supervised; inspections; schools due; schools off and back on\n"
    "the four-100% baseline; the KPIs against the month before).  --all:\n"
    "every district (text, or one workbook each into --out-dir).\n"
    "quarterly: the city's quarterly bulletin (季通报): the districts\n"
    "ranked with their change of place, the schools not compliant or not\n"
    "assessed, the overdue major hazards, every KPI against the quarter\n"
    "before.\n"
    "\n"
    "Without --month / --quarter, the last month or quarter that has\n"
    "ended.  Text by default; --json the figures as the API gives them;\n"
    "-o a workbook (A4, the bureau's head: title, 文号, issuing unit,\n"
    "date).  --date is the date of issue (default today), --number the\n"
    "number of 文号 (default blank, for the bureau to fill in).  The words\n"
    "come from templates/reports/bulletin-monthly.csv or\n"
    "bulletin-quarterly.csv (or --layout).\n");

/* The corrections of locked periods recorded in the bulletin's period
 * (更正说明), from sign-off. */
static const struct sr_bulletin_options corrections = {
    sr_signoff_bulletin_corrections, NULL};

struct bopts {
    struct cli_db dbo;
    const char *district, *period, *out, *out_dir, *layout, *number;
    char date[11];
    bool all, json, has_date;
};

/* Parse the options of `bulletin monthly|quarterly`.  Returns EXIT_OK,
 * -1 after --help, or an exit code after a message. */
static int
parse_opts(int argc, char **argv, bool monthly, struct bopts *o)
{
    static const struct option opts[] = {
        {"all", no_argument, NULL, 'a'},
        CLI_OPTION_BY,
        {"date", required_argument, NULL, 'D'},
        CLI_OPTION_DB,
        {"district", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {"layout", required_argument, NULL, 'l'},
        {"month", required_argument, NULL, 'm'},
        {"number", required_argument, NULL, 'n'},
        {"out-dir", required_argument, NULL, 'O'},
        {"output", required_argument, NULL, 'o'},
        {"quarter", required_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    int c, ex;

    memset(o, 0, sizeof(*o));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'a': o->all = true; break;
        case 'D':
            ex = cli_date_arg("--date", optarg, o->date);
            if (ex)
                return ex;
            o->has_date = true;
            break;
        case 'd': o->district = optarg; break;
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case 'j': o->json = true; break;
        case 'l': o->layout = optarg; break;
        case 'm':
        case 'q':
            if ((c == 'm') != monthly) {
                cli_error(_("bulletin %s takes %s, not %s"),
                          monthly ? "monthly" : "quarterly",
                          monthly ? "--month" : "--quarter",
                          monthly ? "--quarter" : "--month");
                fputs(_(usage), stderr);
                return EXIT_USAGE;
            }
            o->period = optarg;
            break;
        case 'n': o->number = optarg; break;
        case 'O': o->out_dir = optarg; break;
        case 'o': o->out = optarg; break;
        default:
            if (cli_db_option(c, &o->dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (monthly && !o->all == !o->district) {
        cli_error(_("bulletin monthly needs --district D or --all"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if ((o->out && (o->out_dir || o->json)) || (o->out_dir && o->json) ||
        (o->out_dir && !o->all) || (o->all && o->out) ||
        (!monthly && (o->all || o->district || o->out_dir))) {
        cli_error(_("conflicting options: -o writes one workbook, "
                    "--out-dir one per district (with --all), --json "
                    "prints the figures"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The period asked for, or the last one ended before today. */
static int
resolve_period(struct sr_store *st, const struct bopts *o, int kind,
               struct sr_period *p)
{
    char today[16];

    if (!o->period) {
        sr_store_today(st, today);
        if (sr_bulletin_last_period(kind, today, p) != SR_OK) {
            cli_error(_("cannot tell the period of today '%s'"), today);
            return EXIT_INTERNAL;
        }
        return EXIT_OK;
    }
    if (sr_period_parse(o->period, p) != SR_OK || p->kind != kind) {
        cli_error(kind == SR_PERIOD_MONTH
                      ? _("bad month '%s' (expected 2026-11 or 2026年11月)")
                      : _("bad quarter '%s' (expected 2026Q4 or "
                          "2026年第四季度)"),
                  o->period);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Load templates/reports/NAME.csv (or --layout) into *lay. */
static int
load_layout(const char *given, const char *name, struct sr_layout *lay)
{
    const char *env = getenv("SCHOOLRISK_TEMPLATES");
    struct sr_diags d;
    char path[1024];
    sr_error rc;

    if (!given) {
        sr_report_layout_path(env && *env ? env : SR_DEFAULT_TEMPLATE_DIR,
                              name, path, sizeof(path));
        given = path;
    }
    sr_diags_init(&d);
    rc = sr_layout_load(given, lay, &d);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error(_("the bulletin layout '%s' is not valid"), given);
    }
    sr_diags_release(&d);
    return rc == SR_OK ? EXIT_OK : cli_exit_for(rc);
}

/* After a writer failed: its message, and the exit code (a file that
 * cannot be written is an output failure, exit 3).  The diagnostics are
 * emptied for the next workbook (--all). */
static int
write_failed(struct sr_diags *d, const char *path, sr_error rc)
{
    char why[2048];

    if (d->n) {
        sr_diag_format(&d->v[0], why, sizeof(why));
        /* The writer's "cannot write 'PATH': REASON" says it all. */
        if (rc == SR_ERR_IO)
            cli_error("%s", why);
        else
            cli_error(_("the workbook '%s' was not written: %s"), path, why);
    } else {
        cli_error(_("the workbook '%s' was not written: %s"), path,
                  sr_strerror(rc));
    }
    sr_diags_release(d);
    return rc == SR_ERR_IO ? EXIT_INTERNAL : cli_exit_for(rc);
}

/* Make --out-dir (an existing directory is fine; anything else that
 * exists there is not). */
static int
make_dir(const char *dir)
{
    struct stat sb;
    int err = 0;

    if (mkdir(dir, 0777) != 0) {
        err = errno;
        if (err == EEXIST)
            err = stat(dir, &sb) != 0 ? errno
                  : S_ISDIR(sb.st_mode) ? 0 : ENOTDIR;
    }
    if (!err)
        return EXIT_OK;
    cli_error(_("cannot create directory '%s': %s"), dir, strerror(err));
    return EXIT_INVALID;
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */
/* ------------------------------------------------------------------ */

/* A rate as shown ("75.0%", "-"). */
static const char *
rate_text(struct sr_rate r, char *buf, size_t size)
{
    char n[32];

    if (!r.den)
        return "-";
    snprintf(buf, size, "%s%%",
             cli_num(n, sizeof(n),
                     sr_div_round((int64_t)r.num * 1000, (int64_t)r.den), 1,
                     1));
    return buf;
}

static void
print_kpis(const struct sr_bulletin_kpi *k, const char *now,
           const char *prev)
{
    char a[32], b[32], c[32];
    int id;
    int64_t ch;

    cli_pad(stdout, _("KPI"), 36);
    cli_pad_left(stdout, now, 10);
    cli_pad_left(stdout, prev, 10);
    cli_pad_left(stdout, _("CHANGE"), 10);
    putchar('\n');
    for (id = 0; id < SR_BK_COUNT; id++) {
        const struct sr_bulletin_kpi *x = &k[id];
        bool known = sr_bulletin_change(x, &ch);

        cli_pad(stdout, sr_bulletin_kpi_label(id), 36);
        if (x->is_rate) {
            cli_pad_left(stdout, rate_text(x->now, a, sizeof(a)), 10);
            cli_pad_left(stdout, rate_text(x->prev, b, sizeof(b)), 10);
            if (known)
                snprintf(c, sizeof(c), "%s%s", ch > 0 ? "+" : "",
                         cli_num(a, sizeof(a), ch, 1, 1));
            else
                snprintf(c, sizeof(c), "-");
        } else {
            snprintf(a, sizeof(a), "%zu", x->now.num);
            snprintf(b, sizeof(b), "%zu", x->prev.num);
            cli_pad_left(stdout, a, 10);
            cli_pad_left(stdout, b, 10);
            snprintf(c, sizeof(c), ch ? "%+lld" : "0", (long long)ch);
        }
        cli_pad_left(stdout, c, 10);
        putchar('\n');
    }
}

static void
print_hazard(const struct sr_report_hazard *h)
{
    printf("  #%lld %s %s %s", (long long)h->id, h->school_name,
           sr_hazard_label(h->level), h->description);
    printf(_(" (found %s"), h->found_on);
    if (h->deadline[0])
        printf(_(", deadline %s"), h->deadline);
    if (h->days_overdue > 0)
        printf(_(", %lld days overdue"), (long long)h->days_overdue);
    printf(", %s)\n", sr_hazard_status_label(h->status));
}

static void
print_hazards(const char *title, const struct sr_report_district *r,
              const size_t *idx, size_t n)
{
    size_t i;

    printf("%s: %zu\n", title, n);
    for (i = 0; i < n; i++)
        print_hazard(&r->hazards[idx[i]]);
}

static void
print_fell(const char *title, const struct sr_report_district *r,
           const struct sr_bulletin_fell *v, size_t n, bool why)
{
    char els[400];
    size_t i, len;
    int e;

    printf("%s: %zu\n", title, n);
    for (i = 0; i < n; i++) {
        const struct sr_report_school *s = &r->schools[v[i].school];

        els[0] = '\0';
        for (e = 0, len = 0; e < SR_BASELINE_COUNT; e++)
            if (v[i].lost[e] && len < sizeof(els))
                len += (size_t)snprintf(els + len, sizeof(els) - len,
                                        "%s%s", len ? "、" : "",
                                        sr_baseline_label(e));
        printf("  %s %s: %s\n", s->code, s->name, els);
        if (why && s->baseline_why)
            printf("    %s\n", s->baseline_why);
    }
}

static void
print_corrections(const struct sr_bulletin_correction *v, size_t n)
{
    size_t i;

    if (n)
        printf(_("corrections (更正说明): %zu\n"), n);
    for (i = 0; i < n; i++)
        printf("  %s %s: %s (%s, %s, %s)\n", v[i].period,
               v[i].district ? v[i].district : "", v[i].what, v[i].at,
               v[i].by, v[i].why);
}

static void
print_monthly(const struct sr_bulletin_monthly *b)
{
    const struct sr_report_district *r = &b->now;
    size_t i;

    printf(_("%s %s monthly dispatch (月调度), against %s\n\n"), r->name,
           r->period.name, b->prev.period.name);
    print_kpis(b->kpis, _("MONTH END"), _("PREVIOUS"));
    putchar('\n');
    print_hazards(_("hazards found in the month"), r, b->found, b->n_found);
    print_hazards(_("hazards closed in the month"), r, b->closed,
                  b->n_closed);
    printf(_("hazards overdue at the month's end: %zu\n"), b->n_overdue);
    print_hazards(_("newly overdue"), r, b->newly_overdue,
                  b->n_newly_overdue);
    print_hazards(_("newly supervised (挂牌督办)"), r, b->supervised,
                  b->n_supervised);
    printf(_("inspections in the month: %zu\n"), b->n_inspections);
    for (i = 0; i < b->n_inspections; i++)
        printf("  %s %s %s %s\n", b->inspections[i].assessed_on,
               b->inspections[i].code, b->inspections[i].school_name,
               b->inspections[i].band_label ? b->inspections[i].band_label
                                            : "");
    printf(_("schools due (no valid inspection): %zu at the month's end, "
             "%zu a month before\n"),
           b->due_now, b->due_prev);
    printf(_("newly due: %zu\n"), b->n_newly_due);
    for (i = 0; i < b->n_newly_due; i++)
        printf("  %s %s\n", r->schools[b->newly_due[i]].code,
               r->schools[b->newly_due[i]].name);
    print_fell(_("fell off the four-100% baseline"), r, b->fell_off,
               b->n_fell_off, true);
    print_fell(_("back on the four-100% baseline"), r, b->back_on,
               b->n_back_on, false);
    /* Plan progress: only when the district has plans. */
    if (b->n_plans)
        printf(_("inspection plans: %zu\n"), b->n_plans);
    for (i = 0; i < b->n_plans; i++)
        printf(_("  %s: %zu schools, %zu done, %zu due, %zu overdue\n"),
               b->plans[i].name, b->plans[i].schools, b->plans[i].done,
               b->plans[i].due, b->plans[i].overdue);
    print_corrections(b->corrections, b->n_corrections);
}

/* The districts' inspection plans at the quarter's end, when any. */
static void
print_quarter_plans(const struct sr_bulletin_quarterly *b)
{
    size_t i;
    bool head = false;

    for (i = 0; i < b->n_districts; i++) {
        const struct sr_bulletin_district *d = &b->districts[i];

        if (!d->plans)
            continue;
        if (!head)
            printf(_("inspection plans at the quarter's end:\n"));
        head = true;
        printf(_("  %s: %zu plans, %zu schools, %zu done, %zu due, %zu "
                 "overdue\n"),
               b->reports[d->report].name, d->plans, d->plan_schools,
               d->plan_done, d->plan_due, d->plan_overdue);
    }
}

static void
print_quarterly(const struct sr_bulletin_quarterly *b)
{
    char a[32], moved[32];
    size_t i;

    printf(_("city quarterly bulletin (季通报) %s, against %s\n\n"),
           b->period.name, b->prev.name);
    cli_pad_left(stdout, _("PLACE"), 6);
    printf("  ");
    cli_pad(stdout, _("DISTRICT"), 14);
    cli_pad_left(stdout, _("BEFORE"), 7);
    cli_pad_left(stdout, _("MOVED"), 7);
    cli_pad_left(stdout, _("COMPLIANCE"), 12);
    cli_pad_left(stdout, _("FOUR-100%"), 12);
    cli_pad_left(stdout, _("RECTIFIED"), 12);
    cli_pad_left(stdout, _("OVERDUE MAJOR"), 15);
    putchar('\n');
    for (i = 0; i < b->n_districts; i++) {
        const struct sr_bulletin_district *d = &b->districts[i];

        printf("%6zu  ", d->place);
        cli_pad(stdout, b->reports[d->report].name, 14);
        printf("%7zu", d->prev_place);
        snprintf(moved, sizeof(moved), "%+lld",
                 (long long)d->prev_place - (long long)d->place);
        cli_pad_left(stdout, moved, 7);
        cli_pad_left(stdout, rate_text(d->kpis[SR_BK_COMPLIANCE].now, a,
                                       sizeof(a)), 12);
        cli_pad_left(stdout, rate_text(d->kpis[SR_BK_FOUR].now, a,
                                       sizeof(a)), 12);
        cli_pad_left(stdout, rate_text(d->kpis[SR_BK_RECTIFICATION].now, a,
                                       sizeof(a)), 12);
        printf("%15zu\n", d->kpis[SR_BK_OVERDUE_MAJOR].now.num);
    }
    putchar('\n');
    print_kpis(b->city, _("QUARTER END"), _("PREVIOUS"));
    printf(_("\nschools not compliant or not assessed: %zu\n"),
           b->n_schools);
    for (i = 0; i < b->n_schools; i++) {
        const struct sr_report_school *s =
            sr_bulletin_school_at(b, &b->schools[i]);

        printf("  %s %s %s %s\n", s->district_name, s->code, s->name,
               sr_bulletin_school_status(s));
    }
    printf(_("overdue major hazards: %zu\n"), b->n_overdue_major);
    for (i = 0; i < b->n_overdue_major; i++)
        print_hazard(sr_bulletin_hazard_at(b, &b->overdue_major[i]));
    print_quarter_plans(b);
    print_corrections(b->corrections, b->n_corrections);
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */
/* ------------------------------------------------------------------ */

/* What a workbook needs beside the figures. */
struct wjob {
    struct sr_layout layout;
    struct sr_bulletin_issue issue;
    struct sr_report_meta meta;
    struct sr_diags diags;
    char head[65], now[32], today[16];
};

static int
wjob_init(struct sr_store *st, const struct bopts *o, const char *name,
          struct wjob *j)
{
    sr_error rc;
    int ex;

    memset(j, 0, sizeof(*j));
    sr_diags_init(&j->diags);
    ex = load_layout(o->layout, name, &j->layout);
    if (ex != EXIT_OK)
        return ex;
    sr_store_today(st, j->today);
    j->issue.date = o->has_date ? o->date : j->today;
    j->issue.number = o->number;
    rc = sr_report_meta_fill(st, &j->meta, j->head, j->now, &j->diags);
    return rc == SR_OK ? EXIT_OK : cli_store_error(st, rc);
}

static void
wjob_release(struct wjob *j)
{
    sr_layout_release(&j->layout);
    sr_diags_release(&j->diags);
}

/* One district's dispatch: printed, or written to @p path. */
static int
one_monthly(struct sr_store *st, const struct bopts *o, const char *district,
            const struct sr_period *p, struct wjob *j, const char *path)
{
    struct sr_bulletin_monthly b;
    sr_error rc;
    int ex = EXIT_OK;

    rc = sr_bulletin_monthly(st, district, p, &corrections, &b);
    if (rc != SR_OK)
        return cli_store_error(st, rc);
    if (path) {
        rc = sr_bulletin_write_monthly(&b, &j->layout, &j->issue, path,
                                       &j->meta);
        if (rc != SR_OK)
            ex = write_failed(&j->diags, path, rc);
        else
            printf(_("wrote %s: %s %s, %zu found, %zu closed, %zu newly "
                     "overdue, %zu fell off the four-100%% baseline\n"),
                   path, b.now.name, p->label, b.n_found, b.n_closed,
                   b.n_newly_overdue, b.n_fell_off);
    } else if (o->json) {
        ex = cli_print_json(sr_json_bulletin_monthly(&b));
    } else {
        print_monthly(&b);
    }
    sr_bulletin_monthly_release(&b);
    return ex;
}

static int
do_monthly(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct sr_districts all;
    struct sr_period p;
    struct bopts o;
    struct wjob j;
    char path[1024], name[256];
    size_t i;
    int ex, e;
    sr_error rc;

    memset(&j, 0, sizeof(j));
    sr_diags_init(&j.diags);
    sr_districts_init(&all);
    ex = parse_opts(argc, argv, true, &o);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(o.dbo.db, o.dbo.by, SR_STORE_READONLY, &st);
    if (ex == EXIT_OK)
        ex = resolve_period(st, &o, SR_PERIOD_MONTH, &p);
    if (ex == EXIT_OK && (o.out || o.out_dir)) {
        sr_diags_release(&j.diags);
        ex = wjob_init(st, &o, "bulletin-monthly", &j);
    }
    if (ex == EXIT_OK && o.out_dir)
        ex = make_dir(o.out_dir);
    if (ex != EXIT_OK)
        goto cleanup;
    if (!o.all) {
        ex = one_monthly(st, &o, o.district, &p, &j, o.out);
        goto cleanup;
    }
    rc = sr_registry_districts(st, &all);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    /* Every district; one that fails is named and the others done. */
    for (i = 0; i < all.n; i++) {
        if (o.out_dir) {
            sr_bulletin_file_name(all.v[i].name, &p, name, sizeof(name));
            snprintf(path, sizeof(path), "%s/%s", o.out_dir, name);
        } else if (i && !o.json) {
            printf("\n");
        }
        e = one_monthly(st, &o, all.v[i].code, &p, &j,
                        o.out_dir ? path : NULL);
        ex = e > ex ? e : ex;
    }

cleanup:
    sr_districts_release(&all);
    wjob_release(&j);
    sr_store_close(st);
    return ex;
}

static int
do_quarterly(int argc, char **argv)
{
    struct sr_bulletin_quarterly b;
    struct sr_store *st = NULL;
    struct sr_period p;
    struct bopts o;
    struct wjob j;
    int ex;
    sr_error rc;

    memset(&j, 0, sizeof(j));
    memset(&b, 0, sizeof(b));
    sr_diags_init(&j.diags);
    ex = parse_opts(argc, argv, false, &o);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(o.dbo.db, o.dbo.by, SR_STORE_READONLY, &st);
    if (ex == EXIT_OK)
        ex = resolve_period(st, &o, SR_PERIOD_QUARTER, &p);
    if (ex == EXIT_OK && o.out) {
        sr_diags_release(&j.diags);
        ex = wjob_init(st, &o, "bulletin-quarterly", &j);
    }
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_bulletin_quarterly(st, &p, &corrections, &b);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (o.out) {
        rc = sr_bulletin_write_quarterly(&b, &j.layout, &j.issue, o.out,
                                         &j.meta);
        if (rc != SR_OK)
            ex = write_failed(&j.diags, o.out, rc);
        else
            printf(_("wrote %s: 全市 %s, %zu districts, %zu schools not "
                     "compliant or not assessed, %zu overdue major "
                     "hazards\n"),
                   o.out, p.label, b.n_districts, b.n_schools,
                   b.n_overdue_major);
    } else if (o.json) {
        ex = cli_print_json(sr_json_bulletin_quarterly(&b));
    } else {
        print_quarterly(&b);
    }

cleanup:
    sr_bulletin_quarterly_release(&b);
    wjob_release(&j);
    sr_store_close(st);
    return ex;
}

/* One district's dispatch of month written to dir (for demo). */
static int
write_one_monthly(struct sr_store *st, const struct sr_district *d,
                  const struct sr_period *month, const char *dir,
                  struct wjob *j)
{
    struct sr_bulletin_monthly b;
    char path[1024], name[256];
    sr_error rc;
    int ex = EXIT_OK;

    sr_bulletin_file_name(d->name, month, name, sizeof(name));
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    rc = sr_bulletin_monthly(st, d->code, month, &corrections, &b);
    if (rc != SR_OK)
        return cli_store_error(st, rc);
    rc = sr_bulletin_write_monthly(&b, &j->layout, &j->issue, path,
                                   &j->meta);
    if (rc != SR_OK)
        ex = write_failed(&j->diags, path, rc);
    sr_bulletin_monthly_release(&b);
    return ex;
}

static int
write_quarterly(struct sr_store *st, const struct sr_period *quarter,
                const char *dir, struct wjob *j)
{
    struct sr_bulletin_quarterly b;
    char path[1024], name[256];
    sr_error rc;
    int ex = EXIT_OK;

    sr_bulletin_file_name(NULL, quarter, name, sizeof(name));
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    rc = sr_bulletin_quarterly(st, quarter, &corrections, &b);
    if (rc != SR_OK)
        return cli_store_error(st, rc);
    rc = sr_bulletin_write_quarterly(&b, &j->layout, &j->issue, path,
                                     &j->meta);
    if (rc != SR_OK)
        ex = write_failed(&j->diags, path, rc);
    sr_bulletin_quarterly_release(&b);
    return ex;
}

int
cli_bulletins_write(struct sr_store *st, const struct sr_period *month,
                    const struct sr_period *quarter, const char *dir,
                    size_t *written)
{
    struct sr_districts all;
    struct bopts o;
    struct wjob j;
    size_t i;
    int ex;
    sr_error rc;

    *written = 0;
    memset(&o, 0, sizeof(o));
    sr_districts_init(&all);
    ex = wjob_init(st, &o, "bulletin-monthly", &j);
    if (ex == EXIT_OK && (rc = sr_registry_districts(st, &all)) != SR_OK)
        ex = cli_store_error(st, rc);
    for (i = 0; ex == EXIT_OK && i < all.n; i++) {
        ex = write_one_monthly(st, &all.v[i], month, dir, &j);
        *written += ex == EXIT_OK;
    }
    wjob_release(&j);
    memset(&j, 0, sizeof(j)); /* released: zeroed for the second */
    if (ex == EXIT_OK)
        ex = wjob_init(st, &o, "bulletin-quarterly", &j);
    if (ex == EXIT_OK) {
        ex = write_quarterly(st, quarter, dir, &j);
        *written += ex == EXIT_OK;
    }
    wjob_release(&j);
    sr_districts_release(&all);
    return ex;
}

int
cmd_bulletin(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"monthly", do_monthly},
        {"quarterly", do_quarterly},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        usage, "bulletin");
}
