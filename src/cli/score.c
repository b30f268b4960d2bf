/*
 * score.c - `schoolrisk score`: score one school's responses against an
 * indicator system and print the result as text, a derivation trace
 * (--explain) or JSON (--json).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/json.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

static const char usage[] =
    N_("usage: schoolrisk score --school-code CODE --db PATH "
    "[--system ID|FILE]\n"
    "                        --responses FILE [--json | --explain] "
    "[--partial]\n"
    "       schoolrisk score --system ID|FILE\n"
    "                        (--school FILE | --attr KEY=VALUE...)\n"
    "                        --responses FILE [--json | --explain] "
    "[--partial]\n"
    "                        [--dir DIR]\n"
    "\n"
    "Score an assessment: total (0..100, 2 decimals), risk band, 达标,\n"
    "veto items, points per dimension, items below full points, the hazards\n"
    "a submission would raise, and the four-100% baseline elements.\n"
    "\n"
    "  --system ID|FILE  the indicator system; for a registry school, by\n"
    "                    default the current system of its stage in the\n"
    "                    database\n"
    "  --school-code CODE\n"
    "                    a registry school: its stage and attributes come\n"
    "                    from the database --db (else $SCHOOLRISK_DB)\n"
    "  --school FILE     a school file; --attr KEY=VALUE: one attribute\n"
    "                    each, without a database\n"
    "  --responses FILE  CSV with the header item,value,note\n"
    "  --json            print one JSON object, with the per-item trace\n"
    "  --explain         print the per-item derivation trace as text\n"
    "  --partial         score a draft: unanswered items are left out\n"
    "                    (without it, every applicable item must be answered)\n");

/* ------------------------------------------------------------------ */

int
cli_print_json(cJSON *root)
{
    char *text = root ? cJSON_Print(root) : NULL;

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

/* A group's line of the trace: how many sub-items failed, and what
 * that is worth by its rule. */
static void
explain_group(const struct sr_system *sys, const struct sr_item *g,
              const struct sr_result *res, size_t gi)
{
    const struct sr_item_result *ir = &res->items[gi];
    const struct sr_item *zero = NULL;
    size_t failed = 0, scored = 0;
    char a[40], b[40];
    uint32_t k;

    for (k = 1; k <= g->members; k++) {
        const struct sr_item_result *m = &res->items[gi + k];

        if (m->status != SR_ITEM_SCORED)
            continue;
        scored++;
        if (!m->met) {
            failed++;
            if (g[k].zeroes && !zero)
                zero = &g[k];
        }
    }
    (void)sys;
    printf(_("%zu of %zu sub-items failed -> fraction %s"), failed, scored,
           cli_num(a, sizeof(a), ir->fraction, 4, 0));
    if (zero)
        printf(_(" (%s failed: the group earns 0)"), zero->id);
    else if (failed && g->rule == SR_GROUP_DEDUCT)
        printf(_(" (%zu x %s off)"), failed,
               cli_num(b, sizeof(b), g->per, 2, 0));
    else if (failed)
        printf(_(" (%zu failed: %s points)"), failed,
               cli_num(b, sizeof(b), ir->earned, 6, 0));
    printf(" -> %s / %s\n", cli_num(a, sizeof(a), ir->earned, 6, 2),
           cli_num(b, sizeof(b), ir->max, 6, 2));
}

/* What a format-2 construct adds to an item's line of the trace. */
static void
explain_detail(const struct sr_system *sys, const struct sr_item *it,
               const struct sr_item_result *ir, const char *value)
{
    const struct sr_item *items;
    const struct sr_level *lv;
    char c[40], e[40];
    char *d;
    size_t n;
    uint32_t k;

    items = sr_system_items(sys, &n);
    if (it->group >= 0)
        printf(it->zeroes ? _(" (sub-item of %s; failed, it zeroes the "
                              "group)") :
                            _(" (sub-item of %s)"),
               items[it->group].id);
    else if (it->points == 0)
        printf("%s", _(" (prerequisite worth 0 points: it only vetoes)"));
    if (it->evaluator)
        printf("%s", _(" (scored by the evaluator)"));
    if (sr_item_by_shortfall(it)) {
        int64_t need = ir->required / 10000;
        int64_t have = strtoll(value, NULL, 10);

        printf(_(" (required %s, %lld short x %s)"),
               cli_num(e, sizeof(e), ir->required, 4, 0),
               (long long)(need > have ? need - have : 0),
               cli_num(c, sizeof(c), it->per, 2, 0));
    } else if (it->method == SR_METHOD_DEDUCT && !it->opt_n) {
        printf(_(" (%s per finding)"), cli_num(c, sizeof(c), it->per, 2, 0));
    }
    if (sr_item_has_reasons(it)) {
        d = sr_answer_deductions(sys, it, value);
        printf(_(" (deducted %s)"), d ? d : "?");
        free(d);
    }
    if (it->method != SR_METHOD_LEVELS)
        return;
    lv = &sr_system_levels(sys)[it->opt_off];
    for (k = 0; k < it->opt_n; k++)
        if (!strcmp(lv[k].value, value) && lv[k].points >= 0)
            printf(_(" (level worth %s points)"),
                   cli_num(c, sizeof(c), lv[k].points, 2, 0));
}

static int
print_explain(const struct sr_system *sys, const struct sr_school *school,
              const struct sr_responses *resp, const struct sr_result *res)
{
    const struct sr_item *items;
    size_t n, i;
    char a[40], b[40], c[40];

    items = sr_system_items(sys, &n);
    printf("%s\n",
           _("derivation, item by item (earned = points x fraction):"));
    for (i = 0; i < n; i++) {
        const struct sr_item *it = &items[i];
        const struct sr_item_result *ir = &res->items[i];
        char *owned;
        const char *why = sr_result_reason(sys, it, ir, school, &owned);

        printf("  %-12s ", it->id);
        switch (ir->status) {
        case SR_ITEM_NOT_APPLICABLE:
            printf(_("not applicable: %s does not hold\n"), why);
            break;
        case SR_ITEM_NA:
            printf("%s\n", _("marked na by the inspector: left out"));
            break;
        case SR_ITEM_UNANSWERED:
            printf("%s\n", _("not answered: left out (draft)"));
            break;
        case SR_ITEM_PENDING:
            printf("%s\n", _("a sub-item is not answered: left out (draft)"));
            break;
        default:
            if (it->method == SR_METHOD_GROUP) {
                printf("%-9s ", sr_method_name(it->method));
                explain_group(sys, it, res, i);
                break;
            }
            /* The method name stays as the indicator files spell it. */
            printf("%-9s ", sr_method_name(it->method));
            printf(_("value %s -> fraction %s"), resp->value[i],
                   cli_num(a, sizeof(a), ir->fraction, 4, 0));
            if (it->method == SR_METHOD_RATIO)
                printf(_(" (required %s)"),
                       cli_num(c, sizeof(c), ir->required, 4, 0));
            explain_detail(sys, it, ir, resp->value[i]);
            printf(" -> %s / %s%s%s\n", cli_num(a, sizeof(a), ir->earned, 6, 2),
                   cli_num(b, sizeof(b), ir->max, 6, 2),
                   it->veto && !ir->met ? _("  VETO") : "",
                   it->bonus ? _("  BONUS") : "");
            break;
        }
        free(owned);
    }
    printf("\n");
    return EXIT_OK;
}

/* A label of the text report, padded to the column of the values. */
static void
label(const char *s)
{
    cli_pad(stdout, s, 11);
}

/* Format 2: the paper table's total and the bonus points, before the
 * points line ("points" then reads as the paper's figures). */
static void
bonus_text(const struct sr_system *sys, const struct sr_result *res)
{
    const struct sr_item *items;
    int64_t raw = 0;
    size_t n, i;
    char a[40], b[40], c[40];

    if (sr_system_total(sys)) {
        label(_("table"));
        printf(_("%s points, normalised to 100\n"),
               cli_num(a, sizeof(a), sr_system_total(sys), 2, 0));
    }
    if (!sr_system_bonus_cap(sys))
        return;
    items = sr_system_items(sys, &n);
    for (i = 0; i < n; i++)
        if (items[i].bonus && res->items[i].status == SR_ITEM_SCORED)
            raw += res->items[i].earned;
    label(_("bonus"));
    printf(_("%s earned, %s counted (at most %s)\n"),
           cli_num(a, sizeof(a), raw, 6, 2),
           cli_num(b, sizeof(b), res->bonus, 6, 2),
           cli_num(c, sizeof(c), sr_system_bonus_cap(sys), 2, 0));
}

int
cli_result_text(const struct sr_system *sys, const struct sr_responses *resp,
                const struct sr_result *res)
{
    const struct sr_item *items;
    const struct sr_dimension *dims;
    const struct sr_band *bands;
    size_t n, nd, nb, i;
    size_t na = 0, notapp = 0;
    char a[40], b[40];
    int e, width = 7;

    items = sr_system_items(sys, &n);
    dims = sr_system_dimensions(sys, &nd);
    bands = sr_system_bands(sys, &nb);
    for (i = 0; i < n; i++) {
        na += res->items[i].status == SR_ITEM_NA;
        notapp += res->items[i].status == SR_ITEM_NOT_APPLICABLE;
    }
    label(_("system"));
    printf("%s %s  %s\n", sr_system_id(sys),
           sr_system_version(sys), sr_system_title(sys));
    label(_("total"));
    printf("%s  %s (%s)", cli_num(a, sizeof(a), res->total, 2, 2),
           bands[res->band].label, sr_colour_label(bands[res->band].colour));
    if (res->missing) {
        size_t answered, applicable;

        /* A draft's band is not its result yet: say how much of it the
         * total covers. */
        sr_result_progress(res, &answered, &applicable);
        printf(_("  [partial: %zu/%zu answered]"), answered, applicable);
    }
    putchar('\n');
    label("达标");
    printf(_("%s (pass line %s)%s\n"), res->compliant ? "是" : "否",
           cli_num(a, sizeof(a), sr_system_pass_line(sys), 2, 0),
           res->vetoed ? "  一票否决" : "");
    bonus_text(sys, res);
    label(_("points"));
    printf(res->scored == 1 ?
               _("%s of %s; %zu item scored, %zu not applicable, "
                 "%zu marked na, %zu unanswered\n") :
               _("%s of %s; %zu items scored, %zu not applicable, "
                 "%zu marked na, %zu unanswered\n"),
           cli_num(a, sizeof(a), res->earned, 6, 2),
           cli_num(b, sizeof(b), res->max, 6, 2), res->scored, notapp, na,
           res->missing);
    printf("\n%s\n", _("dimensions"));
    for (i = 0; i < nd; i++) {
        if (!res->dims[i].max)
            continue;
        printf("  %-6s ", dims[i].id);
        cli_pad(stdout, dims[i].title, 36);
        printf(" %8s / %s\n", cli_num(a, sizeof(a), res->dims[i].earned, 6, 2),
               cli_num(b, sizeof(b), res->dims[i].max, 6, 2));
    }
    printf(res->lost == 1 ? _("\nlost points (%zu item)\n") :
                            _("\nlost points (%zu items)\n"),
           res->lost);
    for (i = 0; i < n; i++) {
        const struct sr_item_result *ir = &res->items[i];

        if (ir->status != SR_ITEM_SCORED || ir->met)
            continue;
        printf("  %-12s %8s / %-6s %s%s %s\n", items[i].id,
               cli_num(a, sizeof(a), ir->earned, 6, 2),
               cli_num(b, sizeof(b), ir->max, 6, 2),
               items[i].veto ? "[一票否决] " : "",
               sr_hazard_label(ir->hazard), items[i].title);
        if (resp->note[i])
            printf(_("  %-12s answer '%s': %s\n"), "", resp->value[i],
                   resp->note[i]);
    }
    /* Wider for "unassessed" when the system declares an element so
     * (baseline-unassessed); as before otherwise. */
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        width = sr_system_baseline_unassessed(sys, e) ? 10 : width;
    printf("\n%s\n", _("baseline (四个100%)"));
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        printf("  %-17s ", sr_baseline_name(e));
        cli_pad(stdout,
                res->baseline[e]                        ? _("met")
                : sr_system_baseline_unassessed(sys, e) ? _("unassessed")
                                                        : _("not met"),
                width);
        printf("  %s\n", sr_baseline_label(e));
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------ */

int
cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"attr", required_argument, NULL, 'a'},
        CLI_OPTION_DB,
        {"dir", required_argument, NULL, 'd'},
        {"explain", no_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},
        {"partial", no_argument, NULL, 'p'},
        {"responses", required_argument, NULL, 'r'},
        {"school", required_argument, NULL, 's'},
        {"school-code", required_argument, NULL, 'c'},
        {"system", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    struct cli_school_opts so;
    struct cli_system cs;
    struct sr_school school;
    struct sr_responses resp;
    struct sr_result res;
    struct sr_diags d;
    const char *system = NULL, *dir = NULL, *rfile = NULL;
    int c, json = 0, explain = 0, partial = 0, ex;
    sr_error rc;
    bool have_resp = false, have_res = false;

    memset(&so, 0, sizeof(so));
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (cli_school_add_attr(&so, optarg))
                return EXIT_USAGE;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'e':
            explain = 1;
            break;
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
        case 'j':
            json = 1;
            break;
        case 'p':
            partial = 1;
            break;
        case 'r':
            rfile = optarg;
            break;
        case 's':
            so.file = optarg;
            break;
        case 'c':
            so.code = optarg;
            break;
        case CLI_OPT_DB:
            so.db = optarg;
            break;
        case 'S':
            system = optarg;
            break;
        default:
            return cli_option_error(c, argv, usage);
        }
    }
    if ((!system && !so.code) || !rfile || optind != argc ||
        (json && explain)) {
        if (!system && !so.code)
            cli_error(_("--system is required"));
        else if (!rfile)
            cli_error(_("--responses is required"));
        else if (json && explain)
            cli_error(_("--json and --explain do not go together (the JSON "
                        "already has the trace in 'items')"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    ex = system ? cli_system_load(&cs, system, dir)
                : cli_system_of_school(&so, &cs);
    if (ex != EXIT_OK)
        return ex;
    sr_diags_init(&d);
    ex = cli_school_build(&so, cs.use, &school);
    if (ex != EXIT_OK)
        goto cleanup;
    rc = sr_responses_init(&resp, cs.use);
    if (rc == SR_OK) {
        have_resp = true;
        rc = sr_result_init(&res, cs.use);
        have_res = rc == SR_OK;
    }
    if (rc != SR_OK) {
        cli_error(_("out of memory"));
        ex = EXIT_INTERNAL;
        goto cleanup;
    }
    rc = sr_responses_load_file(&resp, &school, rfile, &d);
    if (rc != SR_OK) {
        cli_print_diags(&d);
        cli_error(d.n == 1 ?
                      _("the responses in '%s' are not valid (%zu "
                        "problem)") :
                      _("the responses in '%s' are not valid (%zu "
                        "problems)"),
                  rfile, d.n);
        ex = cli_exit_for(rc);
        goto cleanup;
    }
    rc = sr_score(cs.use, &school, &resp, &res);
    if (res.missing && !partial) {
        const struct sr_item *items;
        size_t n, i;

        items = sr_system_items(cs.use, &n);
        cli_error(res.missing == 1 ?
                      _("%s: %zu applicable item is not answered (use "
                        "--partial to score a draft):") :
                      _("%s: %zu applicable items are not answered (use "
                        "--partial to score a draft):"),
                  rfile, res.missing);
        for (i = 0; i < n; i++)
            if (res.items[i].status == SR_ITEM_UNANSWERED)
                fprintf(stderr, "  %s  %s\n", items[i].id, items[i].title);
        ex = EXIT_INVALID;
        goto cleanup;
    }
    if (rc != SR_OK) {
        cli_error(_("%s: nothing to score: no applicable item is answered"),
                  rfile);
        ex = EXIT_INVALID;
        goto cleanup;
    }
    if (json) {
        ex = cli_print_json(sr_json_result(cs.use, &school, &resp, &res));
    } else {
        if (explain)
            print_explain(cs.use, &school, &resp, &res);
        ex = cli_result_text(cs.use, &resp, &res);
    }

cleanup:
    if (have_res)
        sr_result_release(&res);
    if (have_resp)
        sr_responses_release(&resp);
    sr_diags_release(&d);
    cli_system_release(&cs);
    return ex;
}
