/*
 * assess.c - `schoolrisk assess new|set|import|show|list|submit`: an
 * inspector's assessment from draft to submission.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/json.h"
#include "schoolrisk/assess.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"

static const char usage[] =
    N_("usage: schoolrisk assess <command> [--db PATH] [--by NAME] ...\n"
    "\n"
    "  new --school CODE [--date DATE] [--self] [--plan ID]\n"
    "                                  create a draft against the current\n"
    "                                  system for the school's stage; prints\n"
    "                                  its id (the inspector is --by)\n"
    "                                  --plan: made for a published\n"
    "                                  inspection plan listing the school\n"
    "                                  --self: the school's self-inspection\n"
    "                                  (自查), which raises hazards but counts\n"
    "                                  for no report, compliance or baseline\n"
    "  set ID ITEM VALUE [--note TEXT] answer one item of a draft; prints\n"
    "                                  the answer as saved and the score\n"
    "                                  so far\n"
    "  import ID FILE.csv              answer items from a responses CSV\n"
    "                                  (item,value,note), all or nothing\n"
    "  show ID [--json]                answers, what is missing, the score\n"
    "  list [--school CODE] [--district D] [--status draft|submitted]\n"
    "       [--kind inspection|self] [--json]     (also 草稿|已提交,\n"
    "                                  督导检查|学校自查)\n"
    "                                  assessments, newest first\n"
    "  submit ID [--all] [--correction REASON]\n"
    "                                  check, score, store, raise hazards;\n"
    "                                  a draft with unanswered items is\n"
    "                                  refused with the first 10 of them\n"
    "                                  (--all: every one); an\n"
    "                                  inspection dated in a signed-off\n"
    "                                  period needs --correction REASON\n"
    "                                  (recorded as an amendment)\n"
    "\n"
    "A DATE is 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日.  The\n"
    "database is --db, else $SCHOOLRISK_DB, else ./schoolrisk.db; who\n"
    "acts is --by, else $SCHOOLRISK_USER, else the login name.\n");

struct opts {
    struct cli_db dbo;
    const char *school, *date, *note, *district, *status, *kind, *plan;
    const char *correction; /* submit: why a locked period is amended */
    int json, self, all;
    char date_buf[11]; /* --date as typed, in the stored form */
};

/* Parse the options every assess command shares; positional arguments
 * are left in argv[optind..]. */
static int
parse(int argc, char **argv, struct opts *o)
{
    static const struct option lo[] = {
        {"all", no_argument, NULL, 'A'},
        CLI_OPTION_BY,
        {"correction", required_argument, NULL, 'C'},
        {"date", required_argument, NULL, 't'},
        CLI_OPTION_DB,
        {"district", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {"kind", required_argument, NULL, 'k'},
        {"note", required_argument, NULL, 'n'},
        {"plan", required_argument, NULL, 'P'},
        {"school", required_argument, NULL, 's'},
        {"self", no_argument, NULL, 'F'},
        {"status", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        switch (c) {
        case 'A':
            o->all = 1;
            break;
        case 'C':
            o->correction = optarg;
            break;
        case 't':
            o->date = optarg;
            break;
        case 'D':
            o->district = optarg;
            break;
        case 'h':
            fputs(_(usage), stdout);
            return -1;
        case 'j':
            o->json = 1;
            break;
        case 'k':
            o->kind = optarg;
            break;
        case 'F':
            o->self = 1;
            break;
        case 'n':
            o->note = optarg;
            break;
        case 'P':
            o->plan = optarg;
            break;
        case 's':
            o->school = optarg;
            break;
        case 'S':
            o->status = optarg;
            break;
        default:
            if (cli_db_option(c, &o->dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (o->date) {
        if (cli_date_arg("--date", o->date, o->date_buf) != EXIT_OK)
            return EXIT_USAGE;
        o->date = o->date_buf;
    }
    return EXIT_OK;
}

/* A positive assessment id. */
static int
parse_id(const char *s, int64_t *id)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0 || end == s) {
        cli_error(_("'%s' is not an assessment id (a positive number)"), s);
        return EXIT_USAGE;
    }
    *id = v;
    return EXIT_OK;
}

static int
want_args(int argc, int n)
{
    if (argc - optind != n) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Print diagnostics, then the store's summary message. */
static int
fail(struct sr_store *st, sr_error rc, const struct sr_diags *d)
{
    cli_print_diags(d);
    return cli_store_error(st, rc);
}

static int
do_new(struct sr_store *st, const struct opts *o)
{
    struct sr_assess_new n = {.school = o->school,
                              .kind = o->self ? SR_ASSESS_SELF
                                              : SR_ASSESS_INSPECTION,
                              .assessed_on = o->date};
    int64_t id;
    sr_error rc;

    if (!o->school) {
        cli_error(_("assess new needs --school CODE"));
        return EXIT_USAGE;
    }
    if (o->plan) {
        char *end;

        errno = 0;
        n.plan = strtoll(o->plan, &end, 10);
        if (errno || end == o->plan || *end || n.plan <= 0) {
            cli_error(_("'%s' is not a plan id (a positive number)"),
                      o->plan);
            return EXIT_USAGE;
        }
    }
    rc = sr_assess_create(st, &n, &id);
    if (rc != SR_OK)
        return cli_store_error(st, rc);
    printf("%lld\n", (long long)id);
    return EXIT_OK;
}

/* The score of a draft so far, marked partial while items are missing:
 * a bare band would read like the final one. */
static void
print_so_far(const struct sr_assess_ctx *ctx)
{
    const struct sr_band *bands;
    size_t nb, answered, applicable;
    char total[32];

    sr_result_progress(&ctx->res, &answered, &applicable);
    if (!ctx->scored) {
        printf(_("score so far: none (nothing scored yet; %zu/%zu "
                 "answered)\n"),
               answered, applicable);
        return;
    }
    bands = sr_system_bands(ctx->sys, &nb);
    sr_decimal_format(ctx->res.total, 2, 2, total, sizeof(total));
    if (ctx->res.missing)
        printf(_("score so far: %s %s, partial: %zu/%zu answered\n"), total,
               bands[ctx->res.band].label, answered, applicable);
    else
        printf(_("score so far: %s %s, every applicable item answered "
                 "(%zu/%zu)\n"),
               total, bands[ctx->res.band].label, answered, applicable);
}

/* After `assess set`: the answer as it was saved, in the words of the
 * workbooks (sr_answer_text(): 符合, 15天, 14人/应配16人), then the
 * score so far, so that a typing slip shows at once. */
static int
print_saved(struct sr_store *st, int64_t id, const char *item)
{
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    const struct sr_item *items;
    char *text = NULL;
    size_t n;
    long i;
    sr_error rc;
    int ex = EXIT_OK;

    sr_diags_init(&d);
    /* SR_ERR_INPUT: another answer no longer fits; this one was saved
     * and the draft is still worth showing. */
    rc = sr_assess_open(st, id, &ctx, &d);
    if (rc != SR_OK && rc != SR_ERR_INPUT) {
        ex = cli_store_error(st, rc);
        goto cleanup;
    }
    items = sr_system_items(ctx.sys, &n);
    /* sr_assess_set() found the item, so this finds it too. */
    i = sr_system_find_item(ctx.sys, item);
    text = i < 0 ? NULL : sr_answer_text(ctx.sys, &items[i],
                                         &ctx.school.school,
                                         ctx.resp.value[i]);
    if (!text) {
        cli_error(_("out of memory"));
        ex = EXIT_INTERNAL;
        goto cleanup;
    }
    printf(_("saved %s %s: %s\n"), items[i].id, items[i].title, text);
    print_so_far(&ctx);

cleanup:
    sr_assess_ctx_release(&ctx);
    free(text);
    sr_diags_release(&d);
    return ex;
}

static int
do_set(struct sr_store *st, char **argv, const struct opts *o)
{
    struct sr_diags d;
    int64_t id;
    sr_error rc;
    int ex = parse_id(argv[optind], &id);

    if (ex != EXIT_OK)
        return ex;
    sr_diags_init(&d);
    rc = sr_assess_set(st, id, argv[optind + 1], argv[optind + 2], o->note,
                       &d);
    ex = rc == SR_OK ? print_saved(st, id, argv[optind + 1]) :
                       fail(st, rc, &d);
    sr_diags_release(&d);
    return ex;
}

static int
do_import(struct sr_store *st, char **argv)
{
    struct sr_diags d;
    int64_t id;
    sr_error rc;
    int ex = parse_id(argv[optind], &id);

    if (ex != EXIT_OK)
        return ex;
    sr_diags_init(&d);
    rc = sr_assess_import(st, id, argv[optind + 1], &d);
    if (rc == SR_OK)
        printf(_("imported '%s' into assessment %lld\n"), argv[optind + 1],
               (long long)id);
    ex = rc == SR_OK ? EXIT_OK : fail(st, rc, &d);
    sr_diags_release(&d);
    return ex;
}

/* A label of `assess show`, padded to the column of the values (the
 * labels of the score below it are as wide). */
static void
label(const char *s)
{
    cli_pad(stdout, s, 11);
}

static void
print_header(const struct sr_assessment *a)
{
    printf(_("assessment %lld  %s\n"), (long long)a->id,
           sr_assess_status_label(a->submitted ? SR_ASSESS_SUBMITTED
                                               : SR_ASSESS_DRAFT));
    label(_("kind"));
    printf("%s%s\n", sr_assess_kind_label(a->kind),
           a->kind == SR_ASSESS_SELF ? _(" (raises hazards; counts for no "
                                         "report, compliance or baseline)")
                                     : "");
    label(_("school"));
    printf("%s %s (%s)\n", a->school, a->school_name, a->district);
    label(_("system"));
    printf("%s %s\n", a->system_id, a->system_version);
    label(_("assessed"));
    printf(_("%s by %s\n"), a->assessed_on, a->inspector);
    label(_("created"));
    printf(_("%s by %s\n"), a->created_at, a->created_by);
    if (a->submitted) {
        label(_("submitted"));
        printf(_("%s by %s\n"), a->submitted_at, a->submitted_by);
    }
}

static int
do_show(struct sr_store *st, char **argv, const struct opts *o)
{
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    int64_t id;
    sr_error rc;
    int ex = parse_id(argv[optind], &id);

    if (ex != EXIT_OK)
        return ex;
    sr_diags_init(&d);
    rc = sr_assess_open(st, id, &ctx, &d);
    if (rc != SR_OK && rc != SR_ERR_INPUT) {
        ex = fail(st, rc, &d);
        goto cleanup;
    }
    /* Answers that no longer fit are shown as warnings: the draft is
     * still worth seeing so that they can be corrected. */
    cli_print_diags(&d);
    if (o->json) {
        cJSON *root = ctx.scored ? sr_json_result(ctx.sys,
                                                   &ctx.school.school,
                                                   &ctx.resp, &ctx.res) :
                                   cJSON_CreateObject();
        cJSON *a = cJSON_CreateObject();

        if (!root || !a) {
            cJSON_Delete(root);
            cJSON_Delete(a);
            cli_error(_("out of memory"));
            ex = EXIT_INTERNAL;
            goto cleanup;
        }
        cJSON_AddNumberToObject(a, "id", (double)ctx.a.id);
        cJSON_AddStringToObject(a, "kind", sr_assess_kind_name(ctx.a.kind));
        cJSON_AddStringToObject(a, "school", ctx.a.school);
        cJSON_AddStringToObject(a, "school_name", ctx.a.school_name);
        cJSON_AddStringToObject(a, "district", ctx.a.district);
        cJSON_AddStringToObject(a, "assessed_on", ctx.a.assessed_on);
        cJSON_AddStringToObject(a, "inspector", ctx.a.inspector);
        cJSON_AddStringToObject(a, "status",
                                ctx.a.submitted ? "submitted" : "draft");
        cJSON_AddBoolToObject(a, "scored", ctx.scored);
        cJSON_AddItemToObject(root, "assessment", a);
        ex = cli_print_json(root);
        goto cleanup;
    }
    print_header(&ctx.a);
    if (!ctx.scored) {
        printf(_("\nnothing scored yet: %zu applicable items to answer "
                 "('schoolrisk checklist' lists them)\n"),
               ctx.res.missing);
        goto cleanup;
    }
    putchar('\n');
    ex = cli_result_text(ctx.sys, &ctx.resp, &ctx.res);
    if (ctx.res.missing) {
        const struct sr_item *items;
        size_t n, i;

        items = sr_system_items(ctx.sys, &n);
        printf(_("\nnot answered yet (%zu)\n"), ctx.res.missing);
        for (i = 0; i < n; i++)
            if (ctx.res.items[i].status == SR_ITEM_UNANSWERED)
                printf("  %-12s %s\n", items[i].id, items[i].title);
    }

cleanup:
    sr_assess_ctx_release(&ctx);
    sr_diags_release(&d);
    return ex;
}

struct list_state {
    int json;
    cJSON *arr;
    size_t n;
};

static int
list_one(const struct sr_assessment *a, void *p)
{
    struct list_state *ls = p;
    char total[32];

    ls->n++;
    if (a->submitted)
        sr_decimal_format(a->total, 2, 2, total, sizeof(total));
    else
        snprintf(total, sizeof(total), "-");
    if (ls->json) {
        cJSON *o = cJSON_CreateObject();

        if (!o)
            return 1;
        cJSON_AddItemToArray(ls->arr, o);
        cJSON_AddNumberToObject(o, "id", (double)a->id);
        cJSON_AddStringToObject(o, "kind", sr_assess_kind_name(a->kind));
        cJSON_AddStringToObject(o, "school", a->school);
        cJSON_AddStringToObject(o, "school_name", a->school_name);
        cJSON_AddStringToObject(o, "district", a->district);
        cJSON_AddStringToObject(o, "system", a->system_id);
        cJSON_AddStringToObject(o, "version", a->system_version);
        cJSON_AddStringToObject(o, "assessed_on", a->assessed_on);
        cJSON_AddStringToObject(o, "inspector", a->inspector);
        cJSON_AddStringToObject(o, "status",
                                sr_assess_status_name(a->submitted));
        if (a->submitted) {
            cJSON_AddRawToObject(o, "total", total);
            cJSON_AddStringToObject(o, "band", a->band);
            cJSON_AddStringToObject(o, "band_label", a->band_label);
            cJSON_AddBoolToObject(o, "compliant", a->compliant);
            cJSON_AddBoolToObject(o, "vetoed", a->vetoed);
        }
        return 0;
    }
    /* Values as the bureau reads them; --json has the names. */
    printf("%6lld  %s  ", (long long)a->id, a->assessed_on);
    cli_pad(stdout, sr_assess_status_label(a->submitted), 8);
    cli_pad(stdout, sr_assess_kind_label(a->kind), 10);
    printf("%s  %7s  ", a->school, total);
    cli_pad(stdout, a->submitted ? a->band_label : "", 10);
    printf(" %s\n", a->school_name);
    return 0;
}

/* The headings of `assess list`, in the reader's language, over the
 * columns list_one() fills (the id and the total right-aligned). */
static void
list_heading(void)
{
    cli_pad_left(stdout, _("ID"), 6);
    printf("  ");
    cli_pad(stdout, _("DATE"), 10);
    printf("  ");
    cli_pad(stdout, _("STATUS"), 6);
    printf("  ");
    cli_pad(stdout, _("KIND"), 8);
    printf("  ");
    cli_pad(stdout, _("SCHOOL"), 10);
    printf("  ");
    cli_pad_left(stdout, _("TOTAL"), 7);
    printf("  ");
    cli_pad(stdout, _("BAND"), 10);
    printf(" %s\n", _("NAME"));
}

static int
do_list(struct sr_store *st, const struct opts *o)
{
    struct sr_assess_filter f = {.school = o->school,
                                 .district = o->district, .status = -1};
    struct list_state ls = {o->json, NULL, 0};
    sr_error rc;

    if (o->kind) {
        f.kind = sr_assess_kind_name(sr_assess_kind_lookup(o->kind));
        if (!f.kind) {
            cli_error(_("--kind takes inspection 督导检查 or self 学校自查, "
                        "not '%s'"),
                      o->kind);
            return EXIT_USAGE;
        }
    }
    if (o->status) {
        f.status = sr_assess_status_lookup(o->status);
        if (f.status < 0) {
            cli_error(_("--status takes draft 草稿 or submitted 已提交, not "
                        "'%s'"),
                      o->status);
            return EXIT_USAGE;
        }
    }
    if (o->json && !(ls.arr = cJSON_CreateArray())) {
        cli_error(_("out of memory"));
        return EXIT_INTERNAL;
    }
    if (!o->json)
        list_heading();
    rc = sr_assess_list(st, &f, list_one, &ls);
    if (rc != SR_OK) {
        cJSON_Delete(ls.arr);
        return cli_store_error(st, rc);
    }
    if (o->json)
        return cli_print_json(ls.arr);
    return EXIT_OK;
}

/* How many unanswered items a refused submission names unless --all:
 * enough to start on, few enough to read (a fresh draft has ~70). */
enum { FIRST_MISSING = 10 };

/* Refuse to submit a draft with unanswered items before
 * sr_assess_submit() does: it would report every one of them, where the
 * inspector needs the count and where to start.  Returns EXIT_OK when
 * there is nothing to refuse here (sr_assess_submit() still checks
 * everything, and reports a submitted assessment or an answer that no
 * longer fits). */
static int
refuse_unanswered(struct sr_store *st, int64_t id, int all)
{
    struct sr_assess_ctx ctx;
    struct sr_diags d;
    const struct sr_item *items;
    size_t first[FIRST_MISSING], n, missing, answered, applicable, i;
    int ex = EXIT_OK;

    sr_diags_init(&d);
    if (sr_assess_open(st, id, &ctx, &d) != SR_OK || ctx.a.submitted ||
        !ctx.res.missing)
        goto cleanup;
    items = sr_system_items(ctx.sys, &n);
    missing = sr_result_unanswered(&ctx.res, first, FIRST_MISSING);
    sr_result_progress(&ctx.res, &answered, &applicable);
    cli_error(_("assessment %lld cannot be submitted: %zu of %zu applicable "
                "items are not answered"),
              (long long)id, missing, applicable);
    if (all) {
        for (i = 0; i < n; i++)
            if (ctx.res.items[i].status == SR_ITEM_UNANSWERED)
                fprintf(stderr, "  %-12s %s\n", items[i].id, items[i].title);
    } else {
        for (i = 0; i < missing && i < FIRST_MISSING; i++)
            fprintf(stderr, "  %-12s %s\n", items[first[i]].id,
                    items[first[i]].title);
        if (missing > FIRST_MISSING)
            fprintf(stderr, _("  ... and %zu more ('assess submit %lld "
                              "--all' lists every one)\n"),
                    missing - FIRST_MISSING, (long long)id);
    }
    ex = EXIT_INVALID;

cleanup:
    sr_assess_ctx_release(&ctx);
    sr_diags_release(&d);
    return ex;
}

static int
do_submit(struct sr_store *st, char **argv, int all, const char *correction)
{
    struct sr_submit_report rep;
    struct sr_diags d;
    char total[32];
    int64_t id;
    sr_error rc;
    int ex = parse_id(argv[optind], &id);

    if (ex != EXIT_OK)
        return ex;
    ex = refuse_unanswered(st, id, all);
    if (ex != EXIT_OK)
        return ex;
    if (correction) {
        rc = sr_store_set_correction_reason(st, correction);
        if (rc != SR_OK)
            return cli_store_error(st, rc);
    }
    sr_diags_init(&d);
    rc = sr_assess_submit(st, id, &d, &rep);
    if (rc != SR_OK) {
        ex = fail(st, rc, &d);
        sr_diags_release(&d);
        return ex;
    }
    sr_decimal_format(rep.total, 2, 2, total, sizeof(total));
    printf(_("submitted assessment %lld: %s %s, 达标 %s%s; hazards: %zu new, "
             "%zu linked to open ones\n"),
           (long long)id, total, rep.band_label, rep.compliant ? "是" : "否",
           rep.vetoed ? ", 一票否决" : "", rep.hazards_new,
           rep.hazards_linked);
    sr_diags_release(&d);
    return EXIT_OK;
}

int
cmd_assess(int argc, char **argv)
{
    static const struct {
        const char *name;
        int args;  /* positional arguments after the command */
        int flags; /* sr_store_open()'s: read-only when it only reads */
    } sub[] = {
        {"import", 2, 0}, {"list", 0, SR_STORE_READONLY}, {"new", 0, 0},
        {"set", 3, 0},    {"show", 1, SR_STORE_READONLY}, {"submit", 1, 0},
    };
    struct sr_store *st = NULL;
    struct opts o;
    size_t i;
    int ex;

    if (argc < 2) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    if (cli_is_help(argv[1])) {
        fputs(_(usage), stdout);
        return EXIT_OK;
    }
    for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
        if (!strcmp(argv[1], sub[i].name))
            break;
    if (i == sizeof(sub) / sizeof(sub[0])) {
        cli_error(_("unknown assess command '%s'"), argv[1]);
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    ex = parse(argc - 1, argv + 1, &o);
    if (ex < 0)
        return EXIT_OK;
    if (ex != EXIT_OK)
        return ex;
    argv++;
    argc--;
    ex = want_args(argc, sub[i].args);
    if (ex != EXIT_OK)
        return ex;
    ex = cli_store_open(o.dbo.db, o.dbo.by, sub[i].flags, &st);
    if (ex != EXIT_OK)
        return ex;
    if (!strcmp(sub[i].name, "new"))
        ex = do_new(st, &o);
    else if (!strcmp(sub[i].name, "set"))
        ex = do_set(st, argv, &o);
    else if (!strcmp(sub[i].name, "import"))
        ex = do_import(st, argv);
    else if (!strcmp(sub[i].name, "show"))
        ex = do_show(st, argv, &o);
    else if (!strcmp(sub[i].name, "list"))
        ex = do_list(st, &o);
    else
        ex = do_submit(st, argv, o.all, o.correction);
    sr_store_close(st);
    return ex;
}
