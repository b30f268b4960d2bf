/*
 * plan.c - `schoolrisk plan create|show|list|publish|progress`:
 * inspection plans with 双随机 spot checks (检查计划, docs/cli.md).  The
 * rules are the library's (schoolrisk/plans.h); this file parses, calls
 * and prints.  The tables show Chinese labels; the CSV and the JSON give
 * the stored names and every factor, for a reader who re-draws the plan
 * (tests/cli/plan_redraw.py).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/experts.h"
#include "schoolrisk/json.h"
#include "schoolrisk/plans.h"
#include "schoolrisk/store.h"

static const char plan_usage[] =
    N_("usage: schoolrisk plan <command> [options] [--db PATH]\n"
    "\n"
    "  create --district D|--city --period PERIOD [--schools-share S]\n"
    "      [--experts-share S] [--seed N] [--avoid-district] [--cap N]\n"
    "      [--by NAME]           make a draft plan; prints its id and seed\n"
    "  show ID [--format csv|json] [--json]\n"
    "                            the schools in risk order with every\n"
    "                            factor, the pairs with why, the experts\n"
    "  list                      the plans, newest first\n"
    "  publish ID [--by NAME]    publish a draft: immutable and audited\n"
    "  progress ID               each school done, due or overdue\n"
    "\n"
    "Mandatory schools (必查) have no inspection valid through the period's\n"
    "end; of the others a share is drawn at random (抽查), and a share of\n"
    "the certified experts, with SplitMix64 seeded by the plan's seed.\n"
    "Run 'schoolrisk plan <command> --help' for one command.\n");

static const char create_usage[] =
    N_("usage: schoolrisk plan create --district D|--city --period PERIOD\n"
    "                          [--schools-share S] [--experts-share S]\n"
    "                          [--seed N] [--avoid-district] [--cap N]\n"
    "                          [--by NAME] [--db PATH]\n"
    "\n"
    "Make a draft plan for a district (code or name) or the whole city for\n"
    "a period (2026Q4, 2026-10, 2026) that is not over.  Shares are\n"
    "percentages (10%, 12.5%; default 10% of the schools, 50% of the\n"
    "experts).  The seed is a number from 0 to 18446744073709551615, drawn\n"
    "at random when not given.  --avoid-district: no expert inspects a\n"
    "school of their own district.  --cap N: at most N schools per expert\n"
    "in the period.  An expert's load, which the assignment balances and\n"
    "the cap limits, counts the schools the published plans of the period\n"
    "gave the expert.\n");

static const char show_usage[] =
    N_("usage: schoolrisk plan show ID [--format csv|json] [--json]\n"
    "                        [--db PATH]\n"
    "\n"
    "The plan: its seed and shares, its schools in risk order with every\n"
    "factor and the expert of each with why, and the drawn experts.\n");

static const char list_usage[] =
    N_("usage: schoolrisk plan list [--db PATH]\n"
    "\n"
    "The plans, newest first.\n");

static const char publish_usage[] =
    N_("usage: schoolrisk plan publish ID [--by NAME] [--db PATH]\n"
    "\n"
    "Publish a draft plan: it never changes again and joins the audit\n"
    "chain; inspections can then be made for it (assess new --plan ID).\n");

static const char progress_usage[] =
    N_("usage: schoolrisk plan progress ID [--db PATH]\n"
    "\n"
    "Each school of the plan: done (a submitted inspection made for the\n"
    "plan or in the period), due, or overdue after the period's end.\n");

/* The plan commands' own options (long-only; values from 256). */
enum {
    OPT_DISTRICT = 256, OPT_CITY, OPT_PERIOD, OPT_SCHOOLS_SHARE,
    OPT_EXPERTS_SHARE, OPT_SEED, OPT_AVOID, OPT_CAP, OPT_FORMAT, OPT_JSON
};

struct args {
    struct cli_db dbo;
    const char *district, *period, *schools_share, *experts_share, *seed;
    const char *cap, *format;
    bool city, avoid, json;
    int64_t id; /* the positional ID of show, publish, progress */
};

/* A positive plan id. */
static int
parse_id(const char *s, int64_t *id)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0) {
        cli_error(_("'%s' is not a plan id (a positive number)"), s);
        return EXIT_USAGE;
    }
    *id = v;
    return EXIT_OK;
}

/* Parse argv (argv[0] is the subcommand); takes_id: one positional ID.
 * Returns EXIT_OK, or an exit code after printing (help: -1). */
static int
parse(int argc, char **argv, const struct option *opts, const char *usage,
      bool takes_id, struct args *a)
{
    int c, npos = takes_id ? 1 : 0;

    memset(a, 0, sizeof(*a));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case OPT_DISTRICT: a->district = optarg; break;
        case OPT_CITY: a->city = true; break;
        case OPT_PERIOD: a->period = optarg; break;
        case OPT_SCHOOLS_SHARE: a->schools_share = optarg; break;
        case OPT_EXPERTS_SHARE: a->experts_share = optarg; break;
        case OPT_SEED: a->seed = optarg; break;
        case OPT_AVOID: a->avoid = true; break;
        case OPT_CAP: a->cap = optarg; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_JSON: a->json = true; break;
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
        cli_error(_("the plan id is required"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    return npos ? parse_id(argv[optind], &a->id) : EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* create                                                               */
/* ------------------------------------------------------------------ */

/* A share typed as a percentage ("10%", "12.5", "100%") in permille. */
static int
share_arg(const char *option, const char *text, int *permille)
{
    const char *p = text;
    long whole = 0, tenth = 0;
    int digits = 0;

    while (*p >= '0' && *p <= '9' && digits < 4) {
        whole = whole * 10 + (*p++ - '0');
        digits++;
    }
    if (digits && *p == '.' && p[1] >= '0' && p[1] <= '9') {
        tenth = p[1] - '0';
        p += 2;
    }
    if (*p == '%')
        p++;
    if (!digits || *p || whole * 10 + tenth > 1000) {
        cli_error(_("%s expects a percentage from 0%% to 100%% with at most "
                    "one decimal (10%%, 12.5%%), not '%s'"),
                  option, text);
        return EXIT_USAGE;
    }
    *permille = (int)(whole * 10 + tenth);
    return EXIT_OK;
}

static int
seed_arg(const char *text, uint64_t *seed)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno || end == text || *end || *text == '-' || *text == '+') {
        cli_error(_("--seed expects a whole number from 0 to "
                    "18446744073709551615, not '%s'"),
                  text);
        return EXIT_USAGE;
    }
    *seed = (uint64_t)v;
    return EXIT_OK;
}

static int
cap_arg(const char *text, int *cap)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 1 || v > 10000) {
        cli_error(_("--cap expects a number of schools from 1 to 10000, not "
                    "'%s'"),
                  text);
        return EXIT_USAGE;
    }
    *cap = (int)v;
    return EXIT_OK;
}

/* The plan to make from a; prints and returns EXIT_USAGE when bad. */
static int
plan_in(const struct args *a, struct sr_plan_in *in)
{
    memset(in, 0, sizeof(*in));
    in->school_share = 100;
    in->expert_share = 500;
    if (!a->city == !a->district) {
        cli_error(_("give either --district D or --city"));
        fputs(_(create_usage), stderr);
        return EXIT_USAGE;
    }
    if (!a->period) {
        cli_error("%s %s", "--period", _("is required"));
        fputs(_(create_usage), stderr);
        return EXIT_USAGE;
    }
    in->district = a->district;
    in->period = a->period;
    in->avoid_district = a->avoid;
    if (a->schools_share &&
        share_arg("--schools-share", a->schools_share, &in->school_share))
        return EXIT_USAGE;
    if (a->experts_share &&
        share_arg("--experts-share", a->experts_share, &in->expert_share))
        return EXIT_USAGE;
    if (a->seed && seed_arg(a->seed, &in->seed))
        return EXIT_USAGE;
    in->has_seed = a->seed != NULL;
    if (a->cap && cap_arg(a->cap, &in->cap))
        return EXIT_USAGE;
    return EXIT_OK;
}

/* "12.5%" for a permille. */
static const char *
percent(int permille, char buf[16])
{
    if (permille % 10)
        snprintf(buf, 16, "%d.%d%%", permille / 10, permille % 10);
    else
        snprintf(buf, 16, "%d%%", permille / 10);
    return buf;
}

static const char *
scope_name(const struct sr_plan *p)
{
    return p->district ? p->district_name : _("the whole city");
}

static void
print_created(const struct sr_plan *p, bool given)
{
    char s1[16], s2[16];

    printf(_("created plan %lld (draft): %s %s (%s to %s)\n"),
           (long long)p->id, scope_name(p), p->period, p->start, p->end);
    printf(given ? _("seed: %" PRIu64 " (given)\n")
                 : _("seed: %" PRIu64 " (drawn at random; keep it with "
                     "the plan)\n"),
           p->seed);
    printf(_("schools: %zu mandatory, %zu drawn (%s of %zu), %zu "
             "unassigned\n"),
           p->n_mandatory, p->n_drawn, percent(p->school_share, s1),
           p->pool_schools, p->n_unassigned);
    printf(_("experts: %zu drawn (%s of %zu certified)\n"), p->n_experts,
           percent(p->expert_share, s2), p->pool_experts);
    printf(_("publish it with: schoolrisk plan publish %lld\n"),
           (long long)p->id);
}

static int
run_create(int argc, char **argv)
{
    static const struct option opts[] = {
        {"avoid-district", no_argument, NULL, OPT_AVOID},
        CLI_OPTION_BY,
        {"cap", required_argument, NULL, OPT_CAP},
        {"city", no_argument, NULL, OPT_CITY},
        CLI_OPTION_DB,
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"experts-share", required_argument, NULL, OPT_EXPERTS_SHARE},
        {"help", no_argument, NULL, 'h'},
        {"period", required_argument, NULL, OPT_PERIOD},
        {"schools-share", required_argument, NULL, OPT_SCHOOLS_SHARE},
        {"seed", required_argument, NULL, OPT_SEED},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct sr_plan_in in;
    struct sr_plan p;
    struct args a;
    int64_t id = 0;
    sr_error rc;
    int ex;

    memset(&p, 0, sizeof(p));
    ex = parse(argc, argv, opts, create_usage, false, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if (plan_in(&a, &in))
        return EXIT_USAGE;
    ex = cli_store_open(a.dbo.db, a.dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_plan_create(st, &in, NULL, &id);
    if (rc == SR_OK)
        rc = sr_plan_get(st, id, NULL, &p);
    if (rc != SR_OK)
        ex = cli_store_error(st, rc);
    else
        print_created(&p, in.has_seed);
    sr_plan_release(&p);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* show                                                                 */
/* ------------------------------------------------------------------ */

/* The specialities of mask by their labels (、) or names (,). */
static const char *
specs(unsigned mask, bool labels, char *buf, size_t size)
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
yes_no(bool v)
{
    return v ? _("yes") : _("no");
}

static void
print_header(const struct sr_plan *p)
{
    char s1[16], s2[16], cap[32];

    printf(_("plan %lld (%s): %s %s (%s to %s)\n"), (long long)p->id,
           sr_plan_state_label(p->state), scope_name(p), p->period, p->start,
           p->end);
    printf(_("seed %" PRIu64 "; schools drawn: %s of %zu not mandatory; "
             "experts drawn: %s of %zu certified on %s\n"),
           p->seed, percent(p->school_share, s1), p->pool_schools,
           percent(p->expert_share, s2), p->pool_experts, p->start);
    if (p->cap)
        snprintf(cap, sizeof(cap), "%d", p->cap);
    printf(_("avoid own district: %s; cap per expert: %s\n"),
           yes_no(p->avoid_district), p->cap ? cap : _("none"));
    printf(_("made on %s by %s, factors as of %s"), p->created_at,
           p->author, p->as_of);
    if (p->published_at)
        printf(_("; published on %s"), p->published_at);
    printf(_("\nschools: %zu mandatory, %zu drawn, %zu unassigned\n"),
           p->n_mandatory, p->n_drawn, p->n_unassigned);
}

/* The band of a school: its label, or 从未检查. */
static const char *
band_text(const struct sr_plan_school *c)
{
    return c->band_label ? c->band_label : _("never inspected");
}

static void
print_school(const struct sr_plan_school *c)
{
    char need[160], days[24];

    if (c->f.days_since < 0)
        snprintf(days, sizeof(days), "%s",
                 C_("days since an inspection", "never"));
    else
        snprintf(days, sizeof(days), "%" PRId64, c->f.days_since);
    printf("%zu. %s %s [%s]\n", c->rank, c->code, c->name,
           sr_plan_reason_label(c->reason));
    printf(_("   veto %s, band %s, overdue major hazards %" PRId64 ", open "
             "major hazards %" PRId64 ", boarders %" PRId64 ", special needs "
             "%" PRId64 ", kindergarten %s, enrollment %" PRId64 ", days "
             "since the last inspection %s\n"),
           yes_no(c->f.vetoed), band_text(c), c->f.overdue_major,
           c->f.open_major, c->f.boarders, c->f.special_needs,
           yes_no(c->f.kindergarten), c->f.enrollment, days);
    printf(_("   needs: %s\n"),
           c->needs ? specs(c->needs, true, need, sizeof(need)) : _("none"));
    if (c->expert)
        printf(_("   expert: %s (%s)\n"), c->expert_login, c->why);
    else
        printf("   %s\n", c->why); /* 未分配：... says it */
}

static void
print_text(const struct sr_plan *p)
{
    char buf[160];
    size_t i;

    print_header(p);
    for (i = 0; i < p->n_schools; i++)
        print_school(&p->schools[i]);
    printf(_("\ndrawn experts (%zu):\n"), p->n_experts);
    for (i = 0; i < p->n_experts; i++) {
        const struct sr_plan_expert *e = &p->experts[i];

        printf(_("%zu. %s %s, %s, %s: load %d, other plans %d\n"),
               e->position, e->login, e->name, e->unit,
               specs(e->specialities, true, buf, sizeof(buf)), e->load,
               e->prior);
    }
}

static void
csv_num(int64_t v, bool last)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRId64, v);
    cli_csv_field(stdout, buf, last);
}

/* The prior of drawn expert user: the schools other plans of the
 * period had given it, part of each of its pairs' load_before. */
static int
expert_prior(const struct sr_plan *p, int64_t user)
{
    size_t i;

    for (i = 0; i < p->n_experts; i++)
        if (p->experts[i].user == user)
            return p->experts[i].prior;
    return 0;
}

static void
print_csv(const struct sr_plan *p)
{
    char buf[160];
    size_t i;

    fputs("rank,school,name,district,reason,needs,vetoed,band,band_label,"
          "overdue_major,open_major,boarders,special_needs,kindergarten,"
          "enrollment,days_since,last_assessment,last_on,expires_on,expert,"
          "covered,missing,load_before,prior,why\n",
          stdout);
    for (i = 0; i < p->n_schools; i++) {
        const struct sr_plan_school *c = &p->schools[i];

        csv_num((int64_t)c->rank, false);
        cli_csv_field(stdout, c->code, false);
        cli_csv_field(stdout, c->name, false);
        cli_csv_field(stdout, c->district, false);
        cli_csv_field(stdout, sr_plan_reason_name(c->reason), false);
        cli_csv_field(stdout, specs(c->needs, false, buf, sizeof(buf)),
                      false);
        csv_num(c->f.vetoed, false);
        csv_num(c->f.band, false);
        cli_csv_field(stdout, c->band_label ? c->band_label : "", false);
        csv_num(c->f.overdue_major, false);
        csv_num(c->f.open_major, false);
        csv_num(c->f.boarders, false);
        csv_num(c->f.special_needs, false);
        csv_num(c->f.kindergarten, false);
        csv_num(c->f.enrollment, false);
        if (c->f.days_since < 0)
            cli_csv_field(stdout, "", false);
        else
            csv_num(c->f.days_since, false);
        if (c->last)
            csv_num(c->last, false);
        else
            cli_csv_field(stdout, "", false);
        cli_csv_field(stdout, c->last_on, false);
        cli_csv_field(stdout, c->expires_on, false);
        cli_csv_field(stdout, c->expert_login ? c->expert_login : "", false);
        cli_csv_field(stdout, specs(c->covered, false, buf, sizeof(buf)),
                      false);
        cli_csv_field(stdout, specs(c->missing, false, buf, sizeof(buf)),
                      false);
        if (c->expert) {
            csv_num(c->load_before, false);
            csv_num(expert_prior(p, c->expert), false);
        } else {
            cli_csv_field(stdout, "", false);
            cli_csv_field(stdout, "", false);
        }
        cli_csv_field(stdout, c->why, true);
    }
}

/* The JSON is the library's (json.h), the same as the API's. */
static int
print_json(const struct sr_plan *p)
{
    cJSON *root = sr_json_plan(p, true);

    if (!root) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    return cli_print_json(root);
}

static int
run_show(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct sr_plan p;
    struct args a;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, show_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if (a.format && strcmp(a.format, "csv") && strcmp(a.format, "json")) {
        cli_error(_("--format takes csv or json, not '%s'"), a.format);
        return EXIT_USAGE;
    }
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_plan_get(st, a.id, NULL, &p);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else {
        if (a.json || (a.format && !strcmp(a.format, "json")))
            ex = print_json(&p);
        else if (a.format)
            print_csv(&p);
        else
            print_text(&p);
        sr_plan_release(&p);
    }
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* list, publish, progress                                              */
/* ------------------------------------------------------------------ */

/* The columns of `plan list`: heading and width. */
static void
list_heading(void)
{
    cli_pad(stdout, _("ID"), 6);
    cli_pad(stdout, _("STATE"), 8);
    cli_pad(stdout, _("SCOPE"), 10);
    cli_pad(stdout, _("PERIOD"), 9);
    cli_pad(stdout, _("SEED"), 22);
    cli_pad(stdout, _("SCHOOLS"), 10);
    cli_pad(stdout, _("EXPERTS"), 9);
    printf("%s\n", _("UNASSIGNED"));
}

static int
list_row(const struct sr_plan *p, void *ctx)
{
    size_t *n = ctx;
    char buf[48];

    if (!(*n)++)
        list_heading();
    snprintf(buf, sizeof(buf), "%lld", (long long)p->id);
    cli_pad(stdout, buf, 6);
    cli_pad(stdout, sr_plan_state_label(p->state), 8);
    cli_pad(stdout, scope_name(p), 10);
    cli_pad(stdout, p->period, 9);
    snprintf(buf, sizeof(buf), "%" PRIu64, p->seed);
    cli_pad(stdout, buf, 22);
    snprintf(buf, sizeof(buf), "%zu+%zu", p->n_mandatory, p->n_drawn);
    cli_pad(stdout, buf, 10);
    snprintf(buf, sizeof(buf), "%zu", p->n_experts);
    cli_pad(stdout, buf, 9);
    printf("%zu\n", p->n_unassigned);
    return 0;
}

static int
run_list(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct args a;
    size_t n = 0;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, list_usage, false, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_plan_list(st, NULL, list_row, &n);
    if (rc != SR_OK)
        ex = cli_store_error(st, rc);
    else
        printf(n == 1 ? _("%zu plan\n") : _("%zu plans\n"), n);
    sr_store_close(st);
    return ex;
}

static int
run_publish(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, publish_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(a.dbo.db, a.dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_plan_publish(st, a.id, NULL);
    if (rc != SR_OK)
        ex = cli_store_error(st, rc);
    else
        printf(_("published plan %lld: it no longer changes and is in the "
                 "audit chain\n"),
               (long long)a.id);
    sr_store_close(st);
    return ex;
}

static int
run_progress(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_plan_progress pr;
    struct sr_store *st = NULL;
    struct args a;
    sr_error rc;
    size_t i;
    int ex;

    ex = parse(argc, argv, opts, progress_usage, true, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(a.dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_plan_progress(st, a.id, NULL, &pr);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    for (i = 0; i < pr.n; i++) {
        const struct sr_plan_progress_row *r = &pr.v[i];

        printf("%s  ", r->code);
        cli_pad(stdout, sr_plan_progress_label(r->status), 8);
        cli_pad(stdout, r->expert_login ? r->expert_login : "-", 10);
        fputs(r->name, stdout);
        if (r->assessment)
            printf(r->linked ? _("  (inspection %lld of %s, made for the "
                                 "plan)")
                             : _("  (inspection %lld of %s, in the period)"),
                   (long long)r->assessment, r->assessed_on);
        putchar('\n');
    }
    printf(_("plan %lld on %s: %zu done, %zu due, %zu overdue\n"),
           (long long)a.id, pr.today, pr.counts[SR_PLAN_DONE],
           pr.counts[SR_PLAN_DUE], pr.counts[SR_PLAN_OVERDUE]);

cleanup:
    sr_plan_progress_release(&pr);
    sr_store_close(st);
    return ex;
}

int
cmd_plan(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"create", run_create},
        {"list", run_list},
        {"progress", run_progress},
        {"publish", run_publish},
        {"show", run_show},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        plan_usage, "plan");
}
