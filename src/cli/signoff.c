/*
 * signoff.c - `schoolrisk signoff`: period sign-off (逐级审核、锁定,
 * docs/cli.md).  The rules are the library's (schoolrisk/signoff.h);
 * this file parses, calls and prints.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/report.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"

static const char signoff_usage[] =
    N_("usage: schoolrisk signoff <command> [options] [--db PATH] [--by NAME]\n"
    "\n"
    "  confirm --school CODE --period P     a school confirms its\n"
    "                                       self-inspection for P\n"
    "  district --district D --period P     the district signs off P\n"
    "  accept --district D --period P       the city accepts it\n"
    "  return --district D --period P --reason TEXT\n"
    "                                       the city returns it\n"
    "  correct --district D --period P --reason TEXT\n"
    "                                       record a correction of a\n"
    "                                       locked period (a new version)\n"
    "  diff --district D --period P         live figures against the\n"
    "                                       locked ones\n"
    "  status --period P [--district D]     every district's state; with\n"
    "                                       D, its unconfirmed schools\n"
    "  show --district D --period P         the history\n"
    "\n"
    "A period is a quarter (2026Q3), a month (2026-09) or a year (2026);\n"
    "D is a district's code or name.  A district signs off from the\n"
    "period's last day on, whether or not every school has confirmed (the\n"
    "unconfirmed ones are listed).  A signed-off or accepted period is\n"
    "locked: its district workbook is written from the figures locked.\n"
    "Every event is audited.\n");

enum { OPT_SCHOOL = 256, OPT_DISTRICT, OPT_PERIOD, OPT_REASON };

struct args {
    struct cli_db dbo;
    const char *school, *district, *reason;
    const char *period_text;
    struct sr_period period;
};

/* Parse argv (argv[0] is the subcommand); @p need lists the required
 * options as letters: s school, d district, p period, r reason. */
static int
parse(int argc, char **argv, const char *name, const char *need,
      struct args *a)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"help", no_argument, NULL, 'h'},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"reason", required_argument, NULL, OPT_REASON},
        {"school", required_argument, NULL, OPT_SCHOOL},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(a, 0, sizeof(*a));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(signoff_usage), stdout);
            return -1;
        case OPT_SCHOOL: a->school = optarg; break;
        case OPT_DISTRICT: a->district = optarg; break;
        case OPT_PERIOD: a->period_text = optarg; break;
        case OPT_REASON: a->reason = optarg; break;
        default:
            if (cli_db_option(c, &a->dbo))
                break;
            return cli_option_error(c, argv, signoff_usage);
        }
    }
    if (optind < argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        fputs(_(signoff_usage), stderr);
        return EXIT_USAGE;
    }
    if ((strchr(need, 's') && !a->school) ||
        (strchr(need, 'd') && !a->district) ||
        (strchr(need, 'p') && !a->period_text) ||
        (strchr(need, 'r') && !a->reason)) {
        cli_error(_("signoff %s needs %s"), name,
                  strchr(need, 's') && !a->school ? "--school"
                  : strchr(need, 'd') && !a->district ? "--district"
                  : strchr(need, 'p') && !a->period_text ? "--period"
                  : "--reason");
        fputs(_(signoff_usage), stderr);
        return EXIT_USAGE;
    }
    if (sr_period_parse(a->period_text, &a->period) != SR_OK) {
        cli_error(_("bad period '%s' (expected a quarter like 2026Q3 or "
                    "2026年第三季度, a month like 2026-09 or 2026年9月, or a "
                    "year like 2026 or 2026年)"),
                  a->period_text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Parse, then open the store (read-only for @p readonly). */
static int
start(int argc, char **argv, const char *name, const char *need,
      bool readonly, struct args *a, struct sr_store **st)
{
    int ex = parse(argc, argv, name, need, a);

    if (ex)
        return ex;
    return cli_store_open(a->dbo.db, a->dbo.by,
                          readonly ? SR_STORE_READONLY : 0, st);
}

static int
finish(struct sr_store *st, sr_error rc)
{
    int ex = rc == SR_OK ? EXIT_OK : cli_store_error(st, rc);

    sr_store_close(st);
    return ex == EXIT_OK ? cli_finish_output() : ex;
}

static int
run_confirm(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct args a;
    int64_t id = 0;
    sr_error rc;
    int ex = start(argc, argv, "confirm", "sp", false, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    rc = sr_signoff_confirm(st, a.school, &a.period, &id);
    if (rc == SR_OK)
        printf(_("school %s confirmed its self-inspection for %s "
                 "(assessment %lld)\n"),
               a.school, a.period.label, (long long)id);
    return finish(st, rc);
}

static void
print_result(const char *what, const struct sr_signoff_result *r,
             const struct sr_period *p, const char *district)
{
    size_t i;

    printf(_("%s %s %s: version %d, sha256 %s\n"), district, p->label, what,
           r->version, r->sha256);
    printf(_("schools confirmed: %zu of %zu\n"), r->confirmed, r->schools);
    if (r->n_unconfirmed) {
        /* Not an error: the district signs off all the same. */
        cli_warn(_("%zu schools have not confirmed their self-inspection:"),
                 r->n_unconfirmed);
        for (i = 0; i < r->n_unconfirmed; i++)
            fprintf(stderr, "  %s\n", r->unconfirmed[i]);
    }
    if (r->diff)
        printf(_("changes: %s\n"), r->diff);
}

static int
run_district(int argc, char **argv)
{
    struct sr_signoff_result res;
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex = start(argc, argv, "district", "dp", false, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    memset(&res, 0, sizeof(res));
    rc = sr_signoff_district(st, a.district, &a.period, &res);
    if (rc == SR_OK)
        print_result(_("signed off and locked"), &res, &a.period,
                     a.district);
    sr_signoff_result_release(&res);
    return finish(st, rc);
}

static int
run_correct(int argc, char **argv)
{
    struct sr_signoff_result res;
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex = start(argc, argv, "correct", "dpr", false, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    memset(&res, 0, sizeof(res));
    rc = sr_signoff_correct(st, a.district, &a.period, a.reason, &res);
    if (rc == SR_OK)
        print_result(_("corrected"), &res, &a.period, a.district);
    sr_signoff_result_release(&res);
    return finish(st, rc);
}

static int
run_accept(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex = start(argc, argv, "accept", "dp", false, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    rc = sr_signoff_accept(st, a.district, &a.period);
    if (rc == SR_OK)
        printf(_("%s %s accepted\n"), a.district, a.period.label);
    return finish(st, rc);
}

static int
run_return(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex = start(argc, argv, "return", "dpr", false, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    rc = sr_signoff_return(st, a.district, &a.period, a.reason);
    if (rc == SR_OK)
        printf(_("%s %s returned to the district\n"), a.district,
               a.period.label);
    return finish(st, rc);
}

static int
run_diff(int argc, char **argv)
{
    struct sr_signoff_diff d;
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    size_t i;
    int ex = start(argc, argv, "diff", "dp", true, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    rc = sr_signoff_diff(st, a.district, &a.period, &d);
    if (rc == SR_OK) {
        if (!d.n)
            printf(_("no change since version %d\n"), d.version);
        else
            printf(_("%zu changes since version %d:\n"), d.n, d.version);
        for (i = 0; i < d.n; i++)
            printf("  %s%s%s%s%s: %s → %s\n", d.v[i].school,
                   d.v[i].school[0] ? " " : "",
                   d.v[i].school_name ? d.v[i].school_name : "",
                   d.v[i].school[0] ? " " : "", d.v[i].what, d.v[i].before,
                   d.v[i].after);
        sr_signoff_diff_release(&d);
    }
    return finish(st, rc);
}

/* One line of `signoff status`. */
static int
print_status(const struct sr_signoff_status *s, void *ctx)
{
    (void)ctx;
    printf("%-8s ", s->district);
    cli_pad(stdout, s->district_name ? s->district_name : "", 10);
    cli_pad(stdout, sr_signoff_state_label(s->state), 8);
    printf("%3d  ", s->version);
    cli_pad(stdout, s->signed_by ? s->signed_by : "-", 14);
    printf("%-20s %zu/%zu", s->signed_at[0] ? s->signed_at : "-",
           s->confirmed, s->schools);
    if (s->pending)
        printf(_("  (amendments waiting for a correction: %zu)"),
               s->pending);
    if (s->state == SR_SIGNOFF_RETURNED && s->reason)
        printf(_("  (returned: %s)"), s->reason);
    putchar('\n');
    return 0;
}

/* One unconfirmed school under `signoff status --district`. */
static int
print_unconfirmed(const struct sr_signoff_unconfirmed *u, void *ctx)
{
    const struct sr_period *p = ctx;

    printf("  %-10s ", u->code);
    cli_pad(stdout, u->name ? u->name : "", 28);
    putchar(' ');
    if (u->self)
        printf(_("self-inspection #%lld of %s to confirm\n"),
               (long long)u->self, u->self_on ? u->self_on : "");
    else
        printf(_("no self-inspection by %s\n"), p->end);
    return 0;
}

static int
run_status(int argc, char **argv)
{
    struct sr_signoff_status s;
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex = start(argc, argv, "status", "p", true, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    printf("%-8s ", _("CODE"));
    cli_pad(stdout, _("DISTRICT"), 10);
    cli_pad(stdout, _("STATE"), 8);
    printf("%3s  ", _("VER"));
    cli_pad(stdout, _("SIGNED BY"), 14);
    printf("%-20s %s\n", _("SIGNED AT"), _("CONFIRMED"));
    if (a.district) {
        rc = sr_signoff_status(st, a.district, &a.period, &s);
        if (rc == SR_OK) {
            print_status(&s, NULL);
            if (s.confirmed < s.schools)
                printf(_("not confirmed (%zu):\n"), s.schools - s.confirmed);
            sr_signoff_status_release(&s);
            rc = sr_signoff_unconfirmed(st, a.district, &a.period,
                                        print_unconfirmed, &a.period);
        }
    } else {
        rc = sr_signoff_status_all(st, &a.period, print_status, NULL);
    }
    return finish(st, rc);
}

/* One line of `signoff show`. */
static int
print_event(const struct sr_signoff_event *e, void *ctx)
{
    (void)ctx;
    printf("%s  ", e->at);
    cli_pad(stdout, sr_signoff_action_label(e->action), 12);
    cli_pad(stdout, e->by ? e->by : "-", 14);
    if (e->version)
        printf(_("v%d "), e->version);
    if (e->state >= 0)
        printf("→ %s ", sr_signoff_state_label(e->state));
    if (e->school[0])
        printf(_("school %s (assessment %lld) "), e->school,
               (long long)e->assessment);
    if (e->action == SR_SIGNOFF_SIGN || e->action == SR_SIGNOFF_CORRECT)
        printf(_("confirmed %zu/%zu sha256 %.12s "), e->confirmed,
               e->schools, e->sha256);
    if (e->reason)
        printf(_("reason: %s "), e->reason);
    if (e->diff)
        printf(_("changes: %s"), e->diff);
    putchar('\n');
    return 0;
}

static int
run_show(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex = start(argc, argv, "show", "dp", true, &a, &st);

    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    rc = sr_signoff_history(st, a.district, &a.period, print_event, NULL);
    return finish(st, rc);
}

int
cmd_signoff(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"accept", run_accept},
        {"confirm", run_confirm},
        {"correct", run_correct},
        {"diff", run_diff},
        {"district", run_district},
        {"return", run_return},
        {"show", run_show},
        {"status", run_status},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        signoff_usage, "signoff");
}
