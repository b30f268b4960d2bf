/*
 * hazards.c - `schoolrisk hazards list` and `schoolrisk hazard
 * show|add|assign|submit|verify|signoff|reject`: the hazard closed loop
 * (docs/hazards.md).  The rules are the library's (schoolrisk/hazards.h);
 * this file parses, calls and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/store.h"

static const char hazards_usage[] =
    N_("usage: schoolrisk hazards list [--district D] [--school CODE]\n"
    "                               [--status S] [--level L] [--overdue]\n"
    "                               [--awaiting-signoff] [--today DATE]\n"
    "                               [--json] [--db PATH] [--by NAME]\n"
    "\n"
    "List hazards (隐患台账) by id: school, district, item, level, status,\n"
    "found on, responsible person, deadline, days overdue, and the flags\n"
    "挂牌督办 (a major hazard, under city supervision), 待市级销号 (it\n"
    "passed the district's review and waits for the city's sign-off) and\n"
    "复发 (recurs a hazard closed within 12 months).\n"
    "\n"
    "  --district D   a district's code (370102) or name (历下区)\n"
    "  --school CODE  one school (10-digit 学校标识码)\n"
    "  --status S     open, rectifying, submitted or closed (or 登记, 整改中,\n"
    "                 已整改待复查, 已销号)\n"
    "  --level L      general or major (or 一般, 重大)\n"
    "  --overdue      only hazards past their deadline and not closed\n"
    "  --awaiting-signoff\n"
    "                 only major hazards the district has reviewed, waiting\n"
    "                 for the city's sign-off ('hazard signoff')\n"
    "  --today DATE   the day overdue is counted against (2026-12-31,\n"
    "                 2026/12/31 or 2026年12月31日; default: today, China\n"
    "                 time)\n"
    "  --json         one JSON object: {\"today\", \"count\", \"hazards\"}\n");

static const char hazard_usage[] =
    N_("usage: schoolrisk hazard <command> [options] [--db PATH] [--by NAME]\n"
    "\n"
    "  show ID [--today DATE] [--json]   the hazard and its whole history\n"
    "  add --school CODE [--item ITEM] --level general|major|一般|重大\n"
    "      --description TEXT [--found-on DATE]\n"
    "                                    record a hazard found outside an\n"
    "                                    assessment (登记)\n"
    "  assign ID --responsible NAME --deadline DATE [--measures TEXT]\n"
    "                                    open/rectifying -> rectifying (整改中)\n"
    "  submit ID --note TEXT [--evidence FILE-or-TEXT]\n"
    "                                    rectifying -> submitted (已整改待复查)\n"
    "  verify ID [--note TEXT]           the district's review (复查), not by\n"
    "                                    who submitted (four eyes): a general\n"
    "                                    hazard is closed (销号); a major one\n"
    "                                    waits for the city's sign-off\n"
    "  signoff ID [--note TEXT]          the city's sign-off of a reviewed\n"
    "                                    major hazard: submitted -> closed\n"
    "                                    (市级挂牌督办销号), by neither who\n"
    "                                    submitted nor who reviewed it\n"
    "  reject ID --reason TEXT           submitted -> rectifying; voids a\n"
    "                                    review\n"
    "  list ...                          as 'schoolrisk hazards list'\n"
    "\n"
    "Every step is recorded with who (--by, $SCHOOLRISK_USER or the login\n"
    "name) and when.  Run 'schoolrisk hazard <command> --help' for one\n"
    "command.\n");

static const char show_usage[] =
    N_("usage: schoolrisk hazard show ID [--today DATE] [--json] [--db PATH]\n"
    "\n"
    "Show a hazard and its whole history: every step with who, when,\n"
    "from -> to, note and evidence; for a major hazard, who passed the\n"
    "district's review and whether it waits for the city's sign-off.\n"
    "--today DATE sets the day overdue is counted against (default: today,\n"
    "China time).\n");

static const char add_usage[] =
    N_("usage: schoolrisk hazard add --school CODE [--item ITEM]\n"
    "                             --level general|major|一般|重大\n"
    "                             --description TEXT\n"
    "                             [--found-on DATE] [--db PATH] [--by NAME]\n"
    "\n"
    "Record (登记) a hazard found outside an assessment.  The school must be\n"
    "in the registry and not closed; ITEM, when given, must be an item of\n"
    "the current indicator system for the school's stage.  --found-on\n"
    "defaults to today and cannot be in the future.  When the school and\n"
    "item already have a hazard that is not closed, the finding is added to\n"
    "that hazard's history instead of opening a second one.  A DATE is\n"
    "2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日.\n");

static const char assign_usage[] =
    N_("usage: schoolrisk hazard assign ID --responsible NAME --deadline DATE\n"
    "                                [--measures TEXT] [--db PATH] "
    "[--by NAME]\n"
    "\n"
    "Assign the rectification (整改): open -> rectifying, or re-assign a\n"
    "hazard that is rectifying (a new person or deadline).  The deadline\n"
    "cannot be before today.  Without --measures a re-assignment keeps the\n"
    "measures given before.\n");

static const char submit_usage[] =
    N_("usage: schoolrisk hazard submit ID --note TEXT [--evidence FILE-or-TEXT]\n"
    "                                [--db PATH] [--by NAME]\n"
    "\n"
    "Report the rectification done: rectifying -> submitted (已整改待复查).\n"
    "--evidence names a file (a photo, a signed form): its absolute path,\n"
    "SHA-256 and size are recorded; anything that is not an existing file\n"
    "is recorded as text.  Whoever submits cannot verify (four eyes).\n");

static const char verify_usage[] =
    N_("usage: schoolrisk hazard verify ID [--note TEXT] [--db PATH] "
    "[--by NAME]\n"
    "\n"
    "The district's review passed (复查通过).  A general hazard is closed\n"
    "(销号): submitted -> closed, dated today.  A major hazard is under city\n"
    "supervision (挂牌督办): it stays submitted, the review recorded (who,\n"
    "when), until the city signs it off ('hazard signoff'); a second review\n"
    "is refused.  Refused when --by is the person who submitted the\n"
    "rectification (four eyes).\n");

static const char signoff_usage[] =
    N_("usage: schoolrisk hazard signoff ID [--note TEXT] [--db PATH] "
    "[--by NAME]\n"
    "\n"
    "The city's sign-off (市级挂牌督办销号) of a major hazard the district\n"
    "has reviewed ('hazard verify'): submitted -> closed, dated today.\n"
    "Refused for a general hazard (its review closes it), before the\n"
    "review, and when --by is the person who submitted the rectification\n"
    "or the one who reviewed it (four eyes).\n");

static const char reject_usage[] =
    N_("usage: schoolrisk hazard reject ID --reason TEXT [--db PATH] "
    "[--by NAME]\n"
    "\n"
    "Review failed: submitted -> rectifying, with the reason.  By the\n"
    "district or, for a major hazard waiting for its sign-off, the city:\n"
    "the district's review is void and the resubmitted rectification is\n"
    "reviewed again.\n");

/* The hazard commands' own options (long-only; values from 256); --db
 * and --by are cli.h's. */
enum {
    OPT_TODAY = 256, OPT_JSON, OPT_DISTRICT, OPT_SCHOOL, OPT_STATUS,
    OPT_LEVEL, OPT_OVERDUE, OPT_ITEM, OPT_DESCRIPTION, OPT_FOUND_ON,
    OPT_RESPONSIBLE, OPT_DEADLINE, OPT_MEASURES, OPT_NOTE, OPT_EVIDENCE,
    OPT_REASON, OPT_AWAITING
};

struct args {
    struct cli_db dbo;
    const char *today, *district, *school, *status, *level;
    const char *item, *description, *found_on, *responsible, *deadline;
    const char *measures, *note, *evidence, *reason;
    bool json, overdue, awaiting;
    const char *id_arg;  /* the one positional argument, if any */
    /* the dates as typed, in the stored form (today etc. point here) */
    char today_buf[11], found_on_buf[11], deadline_buf[11];
};

/* Parse argv (argv[0] is the subcommand) with the options of opts.
 * Returns EXIT_OK, or an exit code after printing (help: -1). */
static int
parse(int argc, char **argv, const struct option *opts, const char *usage,
      int npos, struct args *a)
{
    int c;

    memset(a, 0, sizeof(*a));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case OPT_TODAY: a->today = optarg; break;
        case OPT_JSON: a->json = true; break;
        case OPT_DISTRICT: a->district = optarg; break;
        case OPT_SCHOOL: a->school = optarg; break;
        case OPT_STATUS: a->status = optarg; break;
        case OPT_LEVEL: a->level = optarg; break;
        case OPT_OVERDUE: a->overdue = true; break;
        case OPT_AWAITING: a->awaiting = true; break;
        case OPT_ITEM: a->item = optarg; break;
        case OPT_DESCRIPTION: a->description = optarg; break;
        case OPT_FOUND_ON: a->found_on = optarg; break;
        case OPT_RESPONSIBLE: a->responsible = optarg; break;
        case OPT_DEADLINE: a->deadline = optarg; break;
        case OPT_MEASURES: a->measures = optarg; break;
        case OPT_NOTE: a->note = optarg; break;
        case OPT_EVIDENCE: a->evidence = optarg; break;
        case OPT_REASON: a->reason = optarg; break;
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
        cli_error(_("the hazard id is required"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (npos)
        a->id_arg = argv[optind];
    if (a->today) {
        if (cli_date_arg("--today", a->today, a->today_buf) != EXIT_OK)
            return EXIT_USAGE;
        a->today = a->today_buf;
    }
    if (a->found_on) {
        if (cli_date_arg("--found-on", a->found_on, a->found_on_buf) !=
            EXIT_OK)
            return EXIT_USAGE;
        a->found_on = a->found_on_buf;
    }
    if (a->deadline) {
        if (cli_date_arg("--deadline", a->deadline, a->deadline_buf) !=
            EXIT_OK)
            return EXIT_USAGE;
        a->deadline = a->deadline_buf;
    }
    return EXIT_OK;
}

/* An unknown --level: prints and returns the exit code. */
static int
level_error(const char *level)
{
    cli_error(_("--level takes general 一般 or major 重大, not '%s'"), level);
    return EXIT_USAGE;
}

/* A required option; prints the usage error when missing. */
static int
need(const char *value, const char *option, const char *usage)
{
    if (value)
        return EXIT_OK;
    /* TRANSLATORS: after an option's name: "--deadline is required"
       (the library's "%s is required" takes words, not options). */
    cli_error("%s %s", option, _("is required"));
    fputs(_(usage), stderr);
    return EXIT_USAGE;
}

static int
parse_id(const char *s, int64_t *id)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0 || s[0] == '+' || s[0] == ' ') {
        cli_error(_("a hazard id is a positive whole number, not '%s'"), s);
        return EXIT_USAGE;
    }
    *id = v;
    return EXIT_OK;
}

static const char *
dash(const char *s)
{
    return s && *s ? s : "-";
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */



static cJSON *
jid(int64_t v)
{
    return v ? cJSON_CreateNumber((double)v) : cJSON_CreateNull();
}

static cJSON *
hazard_json(const struct sr_hazard_record *h, int *ok)
{
    cJSON *o = cJSON_CreateObject();

    if (!o) {
        *ok = 0;
        return NULL;
    }
    cj_add(o, "id", cJSON_CreateNumber((double)h->id), ok);
    cj_add(o, "school", cj_str(h->school), ok);
    cj_add(o, "school_name", cj_str(h->school_name), ok);
    cj_add(o, "district", cj_str(h->district), ok);
    cj_add(o, "district_name", cj_str(h->district_name), ok);
    cj_add(o, "item", cj_str(h->item), ok);
    cj_add(o, "item_title", cj_str(h->item_title), ok);
    cj_add(o, "assessment", jid(h->assessment), ok);
    cj_add(o, "level", cj_str(sr_hazard_name(h->level)), ok);
    cj_add(o, "level_label", cj_str(sr_hazard_label(h->level)), ok);
    cj_add(o, "description", cj_str(h->description), ok);
    cj_add(o, "status", cj_str(sr_hazard_status_name(h->status)), ok);
    cj_add(o, "status_label", cj_str(sr_hazard_status_label(h->status)), ok);
    cj_add(o, "found_on", cj_str(h->found_on), ok);
    cj_add(o, "found_by", cj_str(h->found_by), ok);
    cj_add(o, "responsible", cj_str(h->responsible), ok);
    cj_add(o, "measures", cj_str(h->measures), ok);
    cj_add(o, "deadline", cj_str(h->deadline), ok);
    cj_add(o, "overdue", cJSON_CreateBool(h->overdue), ok);
    cj_add(o, "days_overdue", cJSON_CreateNumber((double)h->days_overdue), ok);
    cj_add(o, "submitted_by", cj_str(h->submitted_by), ok);
    cj_add(o, "reviewed_by", cj_str(h->reviewed_by), ok);
    cj_add(o, "reviewed_on", cj_str(h->reviewed_on), ok);
    cj_add(o, "closed_on", cj_str(h->closed_on), ok);
    cj_add(o, "supervised", cJSON_CreateBool(h->supervised), ok);
    cj_add(o, "awaiting_signoff", cJSON_CreateBool(h->awaiting_signoff), ok);
    cj_add(o, "recurrent", cJSON_CreateBool(h->recurrent_of != 0), ok);
    cj_add(o, "recurrent_of", jid(h->recurrent_of), ok);
    cj_add(o, "recurrent_of_closed_on", cj_str(h->recurrent_closed_on), ok);
    cj_add(o, "baseline", cj_str(h->baseline), ok);
    return o;
}

static int
print_json(cJSON *root, int ok)
{
    char *text = ok ? cJSON_Print(root) : NULL;

    cJSON_Delete(root);
    if (!text) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    puts(text);
    free(text);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* hazards list                                                         */
/* ------------------------------------------------------------------ */

enum { COL_ID, COL_SCHOOL, COL_NAME, COL_DISTRICT, COL_ITEM, COL_LEVEL,
       COL_STATUS, COL_FOUND, COL_RESPONSIBLE, COL_DEADLINE, COL_OVERDUE,
       COL_FLAGS, NCOL };

/* Translated where printed (the widths are the translations'). */
static const char *const headings[NCOL] = {
    N_("ID"), N_("SCHOOL"), N_("NAME"), N_("DISTRICT"), N_("ITEM"),
    N_("LEVEL"), N_("STATUS"), N_("FOUND"), N_("RESPONSIBLE"),
    N_("DEADLINE"), N_("OVERDUE"), N_("FLAGS")};

/* The text of one cell (in buf, or a string of h): values as the bureau
 * reads them, the Chinese labels (--json has the names). */
static const char *
cell(const struct sr_hazard_record *h, int col, char *buf, size_t size)
{
    switch (col) {
    case COL_ID:
        snprintf(buf, size, "%lld", (long long)h->id);
        return buf;
    case COL_SCHOOL:
        return h->school;
    case COL_NAME:
        return h->school_name;
    case COL_DISTRICT:
        return h->district_name;
    case COL_ITEM:
        return dash(h->item);
    case COL_LEVEL:
        return sr_hazard_label(h->level);
    case COL_STATUS:
        return sr_hazard_status_label(h->status);
    case COL_FOUND:
        return h->found_on;
    case COL_RESPONSIBLE:
        return dash(h->responsible);
    case COL_DEADLINE:
        return dash(h->deadline);
    case COL_OVERDUE:
        if (!h->overdue)
            return "-";
        snprintf(buf, size, "%lld天", (long long)h->days_overdue);
        return buf;
    case COL_FLAGS:
        buf[0] = '\0';
        if (h->supervised)
            snprintf(buf, size, "%s", h->awaiting_signoff ?
                                          "挂牌督办 待市级销号" :
                                          "挂牌督办");
        if (h->recurrent_of) {
            size_t used = strlen(buf);

            snprintf(buf + used, size - used, "%s复发(#%lld)",
                     used ? " " : "", (long long)h->recurrent_of);
        }
        return dash(buf);
    default:
        return "";
    }
}

static void
print_table(const struct sr_hazard_record *v, size_t n)
{
    int w[NCOL], col;
    char buf[256];
    size_t i;

    for (col = 0; col < NCOL; col++)
        w[col] = cli_width(_(headings[col]));
    for (i = 0; i < n; i++)
        for (col = 0; col < NCOL; col++) {
            int cw = cli_width(cell(&v[i], col, buf, sizeof(buf)));

            if (cw > w[col])
                w[col] = cw;
        }
    for (col = 0; col < NCOL; col++) {
        if (col == NCOL - 1)
            printf("%s\n", _(headings[col]));
        else
            cli_pad(stdout, _(headings[col]), w[col] + 2);
    }
    for (i = 0; i < n; i++)
        for (col = 0; col < NCOL; col++) {
            const char *t = cell(&v[i], col, buf, sizeof(buf));

            if (col == NCOL - 1)
                printf("%s\n", t);
            else
                cli_pad(stdout, t, w[col] + 2);
        }
}

static int
run_list(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"awaiting-signoff", no_argument, NULL, OPT_AWAITING},
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"overdue", no_argument, NULL, OPT_OVERDUE},
        {"school", required_argument, NULL, OPT_SCHOOL},
        {"status", required_argument, NULL, OPT_STATUS},
        {"today", required_argument, NULL, OPT_TODAY},
        {NULL, 0, NULL, 0},
    };
    struct sr_hazard_filter f = {.status = -1, .level = -1};
    struct sr_store *st = NULL;
    struct sr_hazard_record *v = NULL;
    struct args a;
    char today[16];
    size_t n = 0, i, overdue = 0;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, opts, hazards_usage, 0, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    f.district = a.district;
    f.school = a.school;
    f.overdue = a.overdue;
    f.awaiting_signoff = a.awaiting;
    if (a.status && (f.status = sr_hazard_status_lookup(a.status)) < 0) {
        cli_error(_("--status takes open 登记, rectifying 整改中, submitted "
                    "已整改待复查 or closed 已销号, not '%s'"),
                  a.status);
        return EXIT_USAGE;
    }
    if (a.level && (f.level = sr_hazard_level_lookup(a.level)) < 0)
        return level_error(a.level);
    ex = cli_store_open(a.dbo.db, a.dbo.by, SR_STORE_READONLY,
                        &st);
    if (ex != EXIT_OK)
        return ex;
    if (a.today)
        snprintf(today, sizeof(today), "%s", a.today);
    else
        sr_store_today(st, today);
    rc = sr_hazard_list(st, &f, today, &v, &n);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    for (i = 0; i < n; i++)
        overdue += v[i].overdue;
    if (a.json) {
        cJSON *root = cJSON_CreateObject(), *arr = NULL;
        int ok = root != NULL;

        if (ok) {
            cj_add(root, "today", cj_str(today), &ok);
            cj_add(root, "count", cJSON_CreateNumber((double)n), &ok);
            cj_add(root, "overdue", cJSON_CreateNumber((double)overdue), &ok);
            arr = cJSON_CreateArray();
            cj_add(root, "hazards", arr, &ok);
        }
        for (i = 0; ok && i < n; i++)
            cj_add(arr, NULL, hazard_json(&v[i], &ok), &ok);
        ex = print_json(root, ok);
        goto cleanup;
    }
    if (n)
        print_table(v, n);
    printf(n == 1 ? _("%zu hazard, %zu overdue as of %s\n") :
                    _("%zu hazards, %zu overdue as of %s\n"),
           n, overdue, today);

cleanup:
    sr_hazard_list_free(v, n);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* hazard show                                                          */
/* ------------------------------------------------------------------ */

/* The fields of `hazard show`, one line each.  Every line is one
 * message with its label in it, so that a translation aligns its own
 * labels. */
static void
print_hazard(const struct sr_hazard_record *h)
{
    if (h->supervised)
        printf(_("hazard %lld  %s  挂牌督办: under city supervision\n"),
               (long long)h->id, sr_hazard_label(h->level));
    else
        printf(_("hazard %lld  %s\n"), (long long)h->id,
               sr_hazard_label(h->level));
    printf(_("school       %s  %s  (%s %s)\n"), h->school, h->school_name,
           h->district_name, h->district);
    if (h->item)
        printf(_("item         %s  %s\n"), h->item,
               h->item_title ? h->item_title : "");
    if (h->assessment)
        printf(_("found        %s by %s, assessment %lld\n"), h->found_on,
               h->found_by, (long long)h->assessment);
    else
        printf(_("found        %s by %s, outside an assessment\n"),
               h->found_on, h->found_by);
    printf(_("description  %s\n"), h->description);
    printf(_("status       %s\n"), sr_hazard_status_label(h->status));
    if (h->responsible)
        printf(_("responsible  %s\n"), h->responsible);
    if (h->measures)
        printf(_("measures     %s\n"), h->measures);
    if (h->deadline && h->overdue)
        printf(h->days_overdue == 1 ?
                   _("deadline     %s  overdue by %lld day\n") :
                   _("deadline     %s  overdue by %lld days\n"),
               h->deadline, (long long)h->days_overdue);
    else if (h->deadline)
        printf(_("deadline     %s\n"), h->deadline);
    if (h->submitted_by)
        printf(_("submitted by %s\n"), h->submitted_by);
    if (h->reviewed_by)
        printf(_("reviewed by  %s on %s (the district's review, 复查)\n"),
               h->reviewed_by, h->reviewed_on ? h->reviewed_on : "?");
    if (h->awaiting_signoff)
        printf("%s\n", _("sign-off     waiting for the city's sign-off "
                         "(待市级销号: 'hazard signoff')"));
    if (h->closed_on)
        printf(_("closed on    %s\n"), h->closed_on);
    if (h->recurrent_of)
        printf(_("recurrent    复发: hazard %lld on the same item was closed "
                 "on %s\n"),
               (long long)h->recurrent_of,
               h->recurrent_closed_on ? h->recurrent_closed_on : "?");
    if (h->baseline) {
        const char *b = sr_baseline_label(sr_baseline_lookup(h->baseline));

        printf(_("baseline     %s\n"), b ? b : h->baseline);
    }
}

static void
print_events(const struct sr_hazard_event *ev, size_t n)
{
    size_t i;

    printf(n == 1 ? _("\nhistory (%zu event)\n") :
                    _("\nhistory (%zu events)\n"), n);
    for (i = 0; i < n; i++) {
        const struct sr_hazard_event *e = &ev[i];

        /* The first event records the hazard: no state before it. */
        if (e->from < 0)
            printf("  %s  %s  %s\n", e->at, e->by,
                   sr_hazard_status_label(e->to));
        else
            printf("  %s  %s  %s -> %s\n", e->at, e->by,
                   sr_hazard_status_label(e->from),
                   sr_hazard_status_label(e->to));
        if (e->note)
            printf(_("      note: %s\n"), e->note);
        if (e->evidence)
            printf(_("      evidence: %s\n"), e->evidence);
    }
}

static cJSON *
events_json(const struct sr_hazard_event *ev, size_t n, int *ok)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    if (!arr) {
        *ok = 0;
        return NULL;
    }
    for (i = 0; *ok && i < n; i++) {
        const struct sr_hazard_event *e = &ev[i];
        cJSON *o = cJSON_CreateObject();

        cj_add(arr, NULL, o, ok);
        if (!*ok)
            break;
        cj_add(o, "id", cJSON_CreateNumber((double)e->id), ok);
        cj_add(o, "at", cj_str(e->at), ok);
        cj_add(o, "by", cj_str(e->by), ok);
        cj_add(o, "from", cj_str(sr_hazard_status_name(e->from)), ok);
        cj_add(o, "to", cj_str(sr_hazard_status_name(e->to)), ok);
        cj_add(o, "to_label", cj_str(sr_hazard_status_label(e->to)), ok);
        cj_add(o, "note", cj_str(e->note), ok);
        cj_add(o, "evidence", cj_str(e->evidence), ok);
    }
    return arr;
}

static int
run_show(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"today", required_argument, NULL, OPT_TODAY},
        {NULL, 0, NULL, 0},
    };
    struct sr_store *st = NULL;
    struct sr_hazard_record h;
    struct sr_hazard_event *ev = NULL;
    struct args a;
    char today[16];
    size_t n = 0;
    int64_t id;
    sr_error rc;
    int ex;

    memset(&h, 0, sizeof(h));
    ex = parse(argc, argv, opts, show_usage, 1, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = parse_id(a.id_arg, &id);
    if (ex != EXIT_OK)
        return ex;
    ex = cli_store_open(a.dbo.db, a.dbo.by, SR_STORE_READONLY,
                        &st);
    if (ex != EXIT_OK)
        return ex;
    if (a.today)
        snprintf(today, sizeof(today), "%s", a.today);
    else
        sr_store_today(st, today);
    rc = sr_hazard_get(st, id, today, &h);
    if (rc == SR_OK)
        rc = sr_hazard_events(st, id, &ev, &n);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (a.json) {
        int ok = 1;
        cJSON *root = hazard_json(&h, &ok);

        if (root) {
            cj_add(root, "today", cj_str(today), &ok);
            cj_add(root, "events", events_json(ev, n, &ok), &ok);
        }
        ex = print_json(root, ok);
    } else {
        print_hazard(&h);
        print_events(ev, n);
    }

cleanup:
    sr_hazard_events_free(ev, n);
    sr_hazard_release(&h);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* hazard add                                                           */
/* ------------------------------------------------------------------ */

static int
run_add(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"description", required_argument, NULL, OPT_DESCRIPTION},
        {"found-on", required_argument, NULL, OPT_FOUND_ON},
        {"help", no_argument, NULL, 'h'},
        {"item", required_argument, NULL, OPT_ITEM},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"school", required_argument, NULL, OPT_SCHOOL},
        {NULL, 0, NULL, 0},
    };
    struct sr_hazard_new hn;
    struct sr_store *st = NULL;
    struct sr_hazard_record h;
    struct args a;
    bool linked = false;
    int64_t id = 0;
    sr_error rc;
    int ex, level;

    memset(&h, 0, sizeof(h));
    ex = parse(argc, argv, opts, add_usage, 0, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if ((ex = need(a.school, "--school", add_usage)) ||
        (ex = need(a.level, "--level", add_usage)) ||
        (ex = need(a.description, "--description", add_usage)))
        return ex;
    level = sr_hazard_level_lookup(a.level);
    if (level < 0)
        return level_error(a.level);
    ex = cli_store_open(a.dbo.db, a.dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    memset(&hn, 0, sizeof(hn));
    hn.school = a.school;
    hn.item = a.item;
    hn.level = level;
    hn.description = a.description;
    hn.found_on = a.found_on;
    rc = sr_hazard_add(st, &hn, &id, &linked);
    if (rc == SR_OK)
        rc = sr_hazard_get(st, id, NULL, &h);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (linked) {
        printf(_("hazard %lld on school %s item %s is already %s (%s): the "
                 "finding was added to its history, no new hazard "
                 "opened\n"),
               (long long)id, h.school, h.item,
               sr_hazard_status_name(h.status),
               sr_hazard_status_label(h.status));
        goto cleanup;
    }
    printf(_("hazard %lld opened (登记): %s at %s %s\n"), (long long)id,
           sr_hazard_label(h.level), h.school, h.school_name);
    if (h.supervised)
        printf("%s\n",
               _("major hazard: flagged for city supervision (挂牌督办)"));
    if (h.recurrent_of)
        printf(_("recurrent (复发): hazard %lld on the same item was closed "
                 "on %s\n"),
               (long long)h.recurrent_of, h.recurrent_closed_on);

cleanup:
    sr_hazard_release(&h);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* The transitions                                                      */
/* ------------------------------------------------------------------ */

enum step { ASSIGN, SUBMIT, VERIFY, REJECT, SIGNOFF };

/* The --evidence argument: an existing file is described by path, hash
 * and size; anything else is text.  *owned is what to free. */
static int
evidence_of(const char *arg, const char **out, char **owned)
{
    struct stat sb;
    sr_error rc;

    *owned = NULL;
    *out = arg;
    if (!arg || stat(arg, &sb) != 0)
        return EXIT_OK;
    if (S_ISDIR(sb.st_mode)) {
        cli_error(_("--evidence '%s' is a directory: name a file, or give a "
                    "text"),
                  arg);
        return EXIT_INVALID;
    }
    rc = sr_hazard_evidence_file(arg, owned);
    if (rc == SR_ERR_NOMEM) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    if (rc != SR_OK) {
        cli_error(_("cannot read evidence file '%s': %s"), arg,
                  strerror(errno));
        return EXIT_INVALID;
    }
    *out = *owned;
    return EXIT_OK;
}

/* What a step did, one sentence each (a sentence is one message). */
static void
print_step(enum step step, long long id, const struct sr_hazard_record *h,
           const char *evidence)
{
    const char *name = sr_hazard_status_name(h->status);
    const char *label = sr_hazard_status_label(h->status);

    switch (step) {
    case ASSIGN:
        printf(_("hazard %lld is now %s (%s): responsible %s, deadline %s\n"),
               id, name, label, h->responsible, h->deadline);
        break;
    case SUBMIT:
        printf(_("hazard %lld is now %s (%s): waiting for review by someone "
                 "other than %s\n"),
               id, name, label, h->submitted_by);
        if (evidence)
            printf(_("evidence: %s\n"), evidence);
        break;
    case VERIFY:
        printf(_("hazard %lld is now %s (%s) on %s\n"), id, name, label,
               h->closed_on);
        break;
    case REJECT:
        printf(_("hazard %lld is now %s (%s) again: the rectification was "
                 "rejected\n"),
               id, name, label);
        break;
    case SIGNOFF:
        printf(_("hazard %lld is now %s (%s) on %s: signed off by the city "
                 "(市级挂牌督办销号) after the district's review by %s on "
                 "%s\n"),
               id, name, label, h->closed_on, h->reviewed_by,
               h->reviewed_on);
        break;
    }
}

static int
run_step(int argc, char **argv, enum step step)
{
    static const struct option assign_opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"deadline", required_argument, NULL, OPT_DEADLINE},
        {"help", no_argument, NULL, 'h'},
        {"measures", required_argument, NULL, OPT_MEASURES},
        {"responsible", required_argument, NULL, OPT_RESPONSIBLE},
        {NULL, 0, NULL, 0},
    };
    static const struct option submit_opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"evidence", required_argument, NULL, OPT_EVIDENCE},
        {"help", no_argument, NULL, 'h'},
        {"note", required_argument, NULL, OPT_NOTE},
        {NULL, 0, NULL, 0},
    };
    static const struct option verify_opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"note", required_argument, NULL, OPT_NOTE},
        {NULL, 0, NULL, 0},
    };
    static const struct option reject_opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"reason", required_argument, NULL, OPT_REASON},
        {NULL, 0, NULL, 0},
    };
    /* by enum step; signoff takes verify's options */
    static const struct option *const opts[] = {
        assign_opts, submit_opts, verify_opts, reject_opts, verify_opts};
    static const char *const usages[] = {assign_usage, submit_usage,
                                         verify_usage, reject_usage,
                                         signoff_usage};
    struct sr_store *st = NULL;
    struct sr_hazard_record h;
    struct args a;
    const char *evidence = NULL;
    char *owned = NULL;
    int64_t id;
    sr_error rc = SR_OK;
    int ex;

    memset(&h, 0, sizeof(h));
    ex = parse(argc, argv, opts[step], usages[step], 1, &a);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    if (step == ASSIGN &&
        ((ex = need(a.responsible, "--responsible", assign_usage)) ||
         (ex = need(a.deadline, "--deadline", assign_usage))))
        return ex;
    if (step == SUBMIT && (ex = need(a.note, "--note", submit_usage)))
        return ex;
    if (step == REJECT && (ex = need(a.reason, "--reason", reject_usage)))
        return ex;
    ex = parse_id(a.id_arg, &id);
    if (ex != EXIT_OK)
        return ex;
    if (step == SUBMIT) {
        ex = evidence_of(a.evidence, &evidence, &owned);
        if (ex != EXIT_OK)
            return ex;
    }
    ex = cli_store_open(a.dbo.db, a.dbo.by, 0, &st);
    if (ex != EXIT_OK)
        goto cleanup;
    switch (step) {
    case ASSIGN:
        rc = sr_hazard_assign(st, id, a.responsible, a.deadline, a.measures);
        break;
    case SUBMIT:
        rc = sr_hazard_submit(st, id, a.note, evidence);
        break;
    case VERIFY:
        rc = sr_hazard_verify(st, id, a.note);
        break;
    case REJECT:
        rc = sr_hazard_reject(st, id, a.reason);
        break;
    case SIGNOFF:
        rc = sr_hazard_signoff(st, id, a.note);
        break;
    }
    /* Read the hazard back: what a step did depends on the hazard (a
     * major hazard's verify is a review that leaves it submitted). */
    if (rc == SR_OK)
        rc = sr_hazard_get(st, id, NULL, &h);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    if (step == VERIFY && h.status != SR_HAZARD_CLOSED) {
        printf(_("hazard %lld passed the district's review (复查通过) on %s; "
                 "under city supervision (挂牌督办) it stays %s (%s) and "
                 "waits for the city's sign-off ('hazard signoff', by "
                 "someone other than %s and %s)\n"),
               (long long)id, h.reviewed_on, sr_hazard_status_name(h.status),
               sr_hazard_status_label(h.status), h.submitted_by,
               h.reviewed_by);
        goto cleanup;
    }
    print_step(step, (long long)id, &h, owned);

cleanup:
    free(owned);
    sr_hazard_release(&h);
    sr_store_close(st);
    return ex;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                             */
/* ------------------------------------------------------------------ */

int
cmd_hazards(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "list"))
        return run_list(argc - 1, argv + 1);
    if (argc >= 2 && cli_is_help(argv[1])) {
        fputs(_(hazards_usage), stdout);
        return EXIT_OK;
    }
    if (argc < 2)
        cli_error(_("missing command: use 'schoolrisk hazards list'"));
    else
        cli_error(_("unknown hazards command '%s' (use 'list')"), argv[1]);
    fputs(_(hazards_usage), stderr);
    return EXIT_USAGE;
}

int
cmd_hazard(int argc, char **argv)
{
    static const struct {
        const char *name;
        int step;  /* -1: not a transition */
    } sub[] = {
        {"add", -1},         {"assign", ASSIGN}, {"list", -1},
        {"reject", REJECT},  {"show", -1},       {"signoff", SIGNOFF},
        {"submit", SUBMIT},  {"verify", VERIFY},
    };
    size_t i;

    if (argc >= 2 && cli_is_help(argv[1])) {
        fputs(_(hazard_usage), stdout);
        return EXIT_OK;
    }
    for (i = 0; argc >= 2 && i < sizeof(sub) / sizeof(sub[0]); i++) {
        if (strcmp(argv[1], sub[i].name))
            continue;
        if (sub[i].step >= 0)
            return run_step(argc - 1, argv + 1, (enum step)sub[i].step);
        if (!strcmp(sub[i].name, "add"))
            return run_add(argc - 1, argv + 1);
        if (!strcmp(sub[i].name, "show"))
            return run_show(argc - 1, argv + 1);
        return run_list(argc - 1, argv + 1);
    }
    if (argc < 2)
        cli_error(_("missing command: show, add, assign, submit, verify, "
                    "signoff, reject or list"));
    else
        cli_error(_("unknown hazard command '%s'"), argv[1]);
    fputs(_(hazard_usage), stderr);
    return EXIT_USAGE;
}
