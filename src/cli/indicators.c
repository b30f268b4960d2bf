/*
 * indicators.c - `schoolrisk indicators validate|list|show`.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "schoolrisk/decimal.h"
#include "schoolrisk/store.h"

static const char validate_usage[] =
    N_("usage: schoolrisk indicators validate FILE|DIR...\n"
    "\n"
    "Check indicator files: well-formed UTF-8 XML, the schema, and every\n"
    "semantic rule (docs/indicator-format.md).  A directory is checked as\n"
    "a set: its *.xml files, unique system ids, and every stage covered by\n"
    "exactly one system.  Every error is printed as FILE:LINE: message.\n"
    "Exits 0 only when everything is valid.\n");

static const char list_usage[] =
    N_("usage: schoolrisk indicators list [DIR | --dir DIR] [--format table|csv]\n"
    "\n"
    "List the indicator systems of DIR (default: the indicator directory,\n"
    "$SCHOOLRISK_INDICATORS or the built-in one).  CSV columns:\n"
    "id,version,title,stages,dimensions,items,veto_items\n");

static const char show_usage[] =
    N_("usage: schoolrisk indicators show ID|FILE [--dir DIR] "
    "[--format tree|csv]\n"
    "\n"
    "Show a system's tree of dimensions, indicators and items.  CSV "
    "columns:\n"
    "dimension_id,indicator_id,item_id,title,points,method,choices,"
    "allow_na,veto,\nhazard,baseline,applies_when\n");

static size_t
count_veto(const struct sr_system *sys)
{
    const struct sr_item *it;
    size_t n, i, v = 0;

    it = sr_system_items(sys, &n);
    for (i = 0; i < n; i++)
        v += it[i].veto;
    return v;
}

static void
stages_text(const struct sr_system *sys, char *buf, size_t size,
            const char *sep)
{
    size_t used = 0;
    int st;

    buf[0] = '\0';
    for (st = 0; st < SR_STAGE_COUNT; st++) {
        if (!(sr_system_stages(sys) & (1u << st)))
            continue;
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
                                 "%s%s", used ? sep : "", sr_stage_name(st));
        if (used >= size)
            break;
    }
}

static int
validate_one(const char *path)
{
    struct sr_diags d;
    struct stat st;
    sr_error rc;
    int ex;

    sr_diags_init(&d);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        struct sr_catalog *cat = NULL;

        rc = sr_catalog_load_dir(path, &cat, &d);
        if (rc == SR_OK)
            printf(_("ok: %s: %zu systems, every stage covered by exactly "
                     "one\n"),
                   path, sr_catalog_count(cat));
        sr_catalog_free(cat);
    } else {
        struct sr_system *sys = NULL;
        size_t nd, ni, nt;

        rc = sr_system_load_file(path, &sys, &d);
        if (rc == SR_OK) {
            sr_system_dimensions(sys, &nd);
            sr_system_indicators(sys, &ni);
            sr_system_items(sys, &nt);
            printf(_("ok: %s: %s %s, %zu dimensions, %zu indicators, %zu "
                     "items, %zu veto items\n"),
                   path, sr_system_id(sys), sr_system_version(sys), nd, ni,
                   nt, count_veto(sys));
        }
        sr_system_free(sys);
    }
    cli_print_diags(&d);
    ex = cli_exit_for(rc);
    if (rc != SR_OK)
        cli_error(d.n == 1 ? _("%s: not valid (%zu problem)") :
                             _("%s: not valid (%zu problems)"),
                  path, d.n);
    sr_diags_release(&d);
    return ex;
}

static int
cmd_validate(int argc, char **argv)
{
    int i, ex = EXIT_OK;

    if (argc < 2) {
        fputs(_(validate_usage), stderr);
        return EXIT_USAGE;
    }
    for (i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(_(validate_usage), stdout);
            return EXIT_OK;
        }
    }
    for (i = 1; i < argc; i++) {
        int r = validate_one(argv[i]);

        if (r > ex)
            ex = r;
    }
    return ex;
}

/* Parse --format; returns 0, or EXIT_USAGE after a message. */
static int
parse_format(const char *arg, const char *a, const char *b, int *out)
{
    if (!strcmp(arg, a)) {
        *out = 0;
        return 0;
    }
    if (!strcmp(arg, b)) {
        *out = 1;
        return 0;
    }
    cli_error(_("--format takes %s or %s, not '%s'"), a, b, arg);
    return EXIT_USAGE;
}

/* The headings of `indicators list`, in the reader's language, over the
 * columns the rows fill (the counts right-aligned). */
static void
list_heading(void)
{
    cli_pad(stdout, _("ID"), 12);
    putchar(' ');
    cli_pad(stdout, _("VERSION"), 8);
    putchar(' ');
    cli_pad_left(stdout, _("DIMS"), 5);
    putchar(' ');
    cli_pad_left(stdout, _("ITEMS"), 5);
    putchar(' ');
    cli_pad_left(stdout, _("VETO"), 5);
    printf("  ");
    cli_pad(stdout, _("STAGES"), 40);
    printf(" %s\n", _("TITLE"));
}

static int
cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_catalog *cat = NULL;
    struct sr_diags d;
    const char *dir = NULL;
    int c, csv = 0, ex = EXIT_OK;
    size_t i;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'f':
            if (parse_format(optarg, "table", "csv", &csv))
                return EXIT_USAGE;
            break;
        case 'h':
            fputs(_(list_usage), stdout);
            return EXIT_OK;
        default:
            return cli_option_error(c, argv, list_usage);
        }
    }
    if (argc - optind > 1 || (dir && optind < argc)) {
        cli_error(dir ? _("give the directory either as DIR or with --dir, "
                          "not both") :
                        _("only one directory may be listed"));
        fputs(_(list_usage), stderr);
        return EXIT_USAGE;
    }
    dir = cli_indicator_dir(optind < argc ? argv[optind] : dir);
    sr_diags_init(&d);
    if (sr_catalog_load_dir(dir, &cat, &d) != SR_OK) {
        cli_print_diags(&d);
        cli_error(_("the indicator directory '%s' is not valid"), dir);
        sr_diags_release(&d);
        return EXIT_INVALID;
    }
    if (csv)
        printf("id,version,title,stages,dimensions,items,veto_items\n");
    else
        list_heading();
    for (i = 0; i < sr_catalog_count(cat); i++) {
        const struct sr_system *s = sr_catalog_get(cat, i);
        size_t nd, nt;
        char stages[256], num[32];

        sr_system_dimensions(s, &nd);
        sr_system_items(s, &nt);
        if (csv) {
            stages_text(s, stages, sizeof(stages), ";");
            cli_csv_field(stdout, sr_system_id(s), false);
            cli_csv_field(stdout, sr_system_version(s), false);
            cli_csv_field(stdout, sr_system_title(s), false);
            cli_csv_field(stdout, stages, false);
            snprintf(num, sizeof(num), "%zu", nd);
            cli_csv_field(stdout, num, false);
            snprintf(num, sizeof(num), "%zu", nt);
            cli_csv_field(stdout, num, false);
            snprintf(num, sizeof(num), "%zu", count_veto(s));
            cli_csv_field(stdout, num, true);
        } else {
            stages_text(s, stages, sizeof(stages), ",");
            printf("%-12s %-8s %5zu %5zu %5zu  %-40s %s\n", sr_system_id(s),
                   sr_system_version(s), nd, nt, count_veto(s), stages,
                   sr_system_title(s));
        }
    }
    sr_catalog_free(cat);
    sr_diags_release(&d);
    return ex;
}

/* Shared with `checklist`: the item CSV of show/checklist, for the
 * items that apply to school (all items when school is NULL). */
int
cli_items_csv(const struct sr_system *sys, const struct sr_school *school)
{
    const struct sr_item *items;
    const struct sr_dimension *dims;
    const struct sr_indicator *inds;
    size_t n, nd, ni, i;

    items = sr_system_items(sys, &n);
    dims = sr_system_dimensions(sys, &nd);
    inds = sr_system_indicators(sys, &ni);
    printf("dimension_id,indicator_id,item_id,title,points,method,choices,"
           "allow_na,veto,hazard,baseline,applies_when\n");
    for (i = 0; i < n; i++) {
        const struct sr_item *it = &items[i];
        char pts[32];
        char *choices, *when;

        if (school && !sr_item_applies(sys, it, school))
            continue;
        choices = sr_item_choices(sys, it);
        when = sr_conds_format(sys, it->cond_off, it->cond_n);
        if (!choices || !when) {
            free(choices);
            free(when);
            cli_error(_("out of memory"));
            return EXIT_INTERNAL;
        }
        cli_csv_field(stdout, dims[it->dim].id, false);
        cli_csv_field(stdout, inds[it->ind].id, false);
        cli_csv_field(stdout, it->id, false);
        cli_csv_field(stdout, it->title, false);
        cli_csv_field(stdout, cli_num(pts, sizeof(pts), it->points, 2, 0),
                      false);
        cli_csv_field(stdout, sr_method_name(it->method), false);
        cli_csv_field(stdout, choices, false);
        cli_csv_field(stdout, it->allow_na ? "true" : "false", false);
        cli_csv_field(stdout, it->veto ? "true" : "false", false);
        cli_csv_field(stdout, sr_hazard_name(it->hazard), false);
        cli_csv_field(stdout,
                      it->baseline >= 0 ? sr_baseline_name(it->baseline) : "",
                      false);
        cli_csv_field(stdout, when, true);
        free(choices);
        free(when);
    }
    return EXIT_OK;
}

/* Number of items that apply to school (all items when NULL). */
static size_t
count_applicable(const struct sr_system *sys, const struct sr_school *school)
{
    const struct sr_item *items;
    size_t n, i, k = 0;

    items = sr_system_items(sys, &n);
    for (i = 0; i < n; i++)
        k += !school || sr_item_applies(sys, &items[i], school);
    return k;
}

/* True when one of items [first, first+n) applies to school. */
static bool
applies_in(const struct sr_system *sys, uint32_t first, uint32_t n,
           const struct sr_school *school)
{
    const struct sr_item *items;
    size_t cnt;
    uint32_t i;

    items = sr_system_items(sys, &cnt);
    for (i = first; i < first + n; i++)
        if (sr_item_applies(sys, &items[i], school))
            return true;
    return false;
}

/* Sum of the points of items [first, first+n), applicable to school
 * (all when school is NULL). */
static int64_t
points_of(const struct sr_system *sys, uint32_t first, uint32_t n,
          const struct sr_school *school)
{
    const struct sr_item *items;
    size_t cnt;
    int64_t sum = 0;
    uint32_t i;

    items = sr_system_items(sys, &cnt);
    /* Bonus points are no share of the table (section 16.12). */
    for (i = first; i < first + n; i++)
        if ((!school || sr_item_applies(sys, &items[i], school)) &&
            !items[i].bonus)
            sum += items[i].points;
    return sum;
}

/* The requirement a deduction by shortfall holds this school to, as
 * the bureau writes it: "应配3人". */
static void
print_required(const struct sr_system *sys, const struct sr_item *it,
               const struct sr_school *school)
{
    char a[32], b[32];

    printf("    %-12s %6s ", "", "");
    printf(_("required: 应配%s%s (-%s each one short)\n"),
           cli_num(a, sizeof(a), sr_item_required(sys, it, school), 4, 0),
           it->unit ? it->unit : "", cli_num(b, sizeof(b), it->per, 2, 0));
}

int
cli_items_tree(const struct sr_system *sys, const struct sr_school *school)
{
    const struct sr_item *items;
    const struct sr_dimension *dims;
    const struct sr_indicator *inds;
    const struct sr_band *bands;
    size_t n, nd, ni, nb, i, n_app;
    uint32_t j, k;
    char stages[256], a[32];

    items = sr_system_items(sys, &n);
    dims = sr_system_dimensions(sys, &nd);
    inds = sr_system_indicators(sys, &ni);
    bands = sr_system_bands(sys, &nb);
    stages_text(sys, stages, sizeof(stages), ", ");
    printf("%s %s  %s\n", sr_system_id(sys), sr_system_version(sys),
           sr_system_title(sys));
    printf(_("stages: %s\n"), stages);
    if (!school && sr_system_description(sys))
        printf("说明: %s\n", sr_system_description(sys));
    if (!school && sr_system_basis(sys))
        printf("依据: %s\n", sr_system_basis(sys));
    printf(_("pass line %s, valid %d months; bands:"),
           cli_num(a, sizeof(a), sr_system_pass_line(sys), 2, 0),
           sr_system_valid_months(sys));
    for (i = 0; i < nb; i++)
        printf("%s %s >= %s (%s)", i ? "," : "", bands[i].label,
               cli_num(a, sizeof(a), bands[i].min, 2, 0),
               sr_colour_label(bands[i].colour));
    n_app = count_applicable(sys, school);
    printf(!school ? (n_app == 1 ? _("\n%s points in %zu item\n") :
                                   _("\n%s points in %zu items\n")) :
           n_app == 1 ? _("\n%s points in %zu item that applies to this "
                          "school\n") :
                        _("\n%s points in %zu items that apply to this "
                          "school\n"),
           cli_num(a, sizeof(a), points_of(sys, 0, (uint32_t)n, school), 2,
                   0),
           n_app);
    if (sr_system_bonus_cap(sys))
        printf(_("bonus points (附加分) count up to %s more\n"),
               cli_num(a, sizeof(a), sr_system_bonus_cap(sys), 2, 0));
    for (i = 0; i < nd; i++) {
        const struct sr_dimension *d = &dims[i];

        /* Skipped when nothing in it applies; not when what applies is
         * worth 0 (a format-2 prerequisite still has to be checked). */
        if (school && !applies_in(sys, d->item_first, d->item_n, school))
            continue;
        printf("\n%s %s  [%s]\n", d->id, d->title,
               cli_num(a, sizeof(a),
                       points_of(sys, d->item_first, d->item_n, school), 2,
                       0));
        for (j = d->ind_first; j < d->ind_first + d->ind_n; j++) {
            const struct sr_indicator *in = &inds[j];

            if (school && !applies_in(sys, in->item_first, in->item_n, school))
                continue;
            printf("  %s %s  [%s]\n", in->id, in->title,
                   cli_num(a, sizeof(a),
                           points_of(sys, in->item_first, in->item_n, school),
                           2, 0));
            for (k = in->item_first; k < in->item_first + in->item_n; k++) {
                const struct sr_item *it = &items[k];
                char *when;

                if (school && !sr_item_applies(sys, it, school))
                    continue;
                when = sr_conds_format(sys, it->cond_off, it->cond_n);
                if (!when) {
                    cli_error(_("out of memory"));
                    return EXIT_INTERNAL;
                }
                /* A group's sub-items are indented under it. */
                printf(it->group >= 0 ? "      %-10s %6s %-9s %s" :
                                        "    %-12s %6s %-9s %s",
                       it->id, cli_num(a, sizeof(a), it->points, 2, 0),
                       sr_method_name(it->method), it->title);
                if (it->bonus)
                    printf("  [附加分]");
                if (it->evaluator)
                    printf("  [评估组评分]");
                if (it->veto)
                    printf("  [一票否决]");
                else if (it->hazard == SR_HAZARD_MAJOR)
                    printf("  [重大隐患]");
                if (it->baseline >= 0)
                    printf("  [四个100%%: %s]",
                           sr_baseline_label(it->baseline));
                if (it->allow_na)
                    printf("  [可不适用]");
                if (*when && !school)
                    printf(_("  [when %s]"), when);
                putchar('\n');
                free(when);
                if (school) {
                    char *ch = sr_item_choices(sys, it);

                    if (!ch) {
                        cli_error(_("out of memory"));
                        return EXIT_INTERNAL;
                    }
                    printf("    %-12s %6s ", "", "");
                    if (it->method == SR_METHOD_GROUP)
                        printf(_("scored from its sub-items: %s\n"), ch);
                    else
                        printf(_("answer: %s\n"), ch);
                    free(ch);
                    if (sr_item_by_shortfall(it))
                        print_required(sys, it, school);
                }
            }
        }
    }
    return EXIT_OK;
}

static int
cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_system cs;
    const char *dir = NULL;
    int c, csv = 0, ex;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'f':
            if (parse_format(optarg, "tree", "csv", &csv))
                return EXIT_USAGE;
            break;
        case 'h':
            fputs(_(show_usage), stdout);
            return EXIT_OK;
        default:
            return cli_option_error(c, argv, show_usage);
        }
    }
    if (argc - optind != 1) {
        fputs(_(show_usage), stderr);
        return EXIT_USAGE;
    }
    ex = cli_system_load(&cs, argv[optind], dir);
    if (ex != EXIT_OK)
        return ex;
    ex = csv ? cli_items_csv(cs.use, NULL) : cli_items_tree(cs.use, NULL);
    cli_system_release(&cs);
    return ex;
}

static const char load_usage[] =
    N_("usage: schoolrisk indicators load FILE|DIR... [--db PATH] [--by NAME]\n"
    "\n"
    "Store indicator systems in the database under (id, version) with\n"
    "their text and SHA-256.  A directory is checked as a set first.  A\n"
    "stored version never changes: loading different content under the\n"
    "same id and version is refused.  Assessments use the system loaded\n"
    "last for their stage.\n");

/* Load one file or every *.xml of a directory (checked as a set). */
static int
load_path(struct sr_store *st, const char *path)
{
    struct sr_diags d;
    struct stat sb;
    int ex = EXIT_OK;

    sr_diags_init(&d);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        struct sr_catalog *cat = NULL;
        sr_error rc = sr_catalog_load_dir(path, &cat, &d);
        size_t i;

        if (rc != SR_OK) {
            cli_print_diags(&d);
            cli_error(_("%s: not valid; nothing was loaded from it"), path);
            sr_diags_release(&d);
            return cli_exit_for(rc);
        }
        for (i = 0; i < sr_catalog_count(cat) && ex == EXIT_OK; i++)
            ex = load_path(st, sr_system_source(sr_catalog_get(cat, i)));
        sr_catalog_free(cat);
    } else {
        enum sr_load_outcome out;
        sr_error rc = sr_store_load_system_file(st, path, &out, &d);

        if (rc != SR_OK) {
            cli_print_diags(&d);
            ex = cli_store_error(st, rc);
        } else {
            printf("%s: %s\n", path,
                   out == SR_LOAD_ADDED ? _("stored") :
                                          _("already stored, unchanged"));
        }
    }
    sr_diags_release(&d);
    return ex;
}

int
cli_load_indicators(struct sr_store *st, char **paths, int n)
{
    int i, ex = EXIT_OK;

    for (i = 0; i < n && ex == EXIT_OK; i++)
        ex = load_path(st, paths[i]);
    return ex;
}

static int
cmd_load(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_db dbo = {NULL, NULL};
    struct sr_store *st = NULL;
    int c, ex;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(load_usage), stdout);
            return EXIT_OK;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, load_usage);
        }
    }
    if (optind >= argc) {
        fputs(_(load_usage), stderr);
        return EXIT_USAGE;
    }
    ex = cli_store_open(dbo.db, dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    ex = cli_load_indicators(st, argv + optind, argc - optind);
    sr_store_close(st);
    return ex;
}

static const char indicators_usage[] =
    N_("usage: schoolrisk indicators <validate|load|list|show> ...\n"
    "\n"
    "  validate FILE|DIR...              check indicator files\n"
    "  load FILE|DIR... [--db PATH]     store systems in the database\n"
    "  list [DIR | --dir DIR] [--format table|csv]\n"
    "                                    list the systems of a directory\n"
    "  show ID|FILE [--format tree|csv]  show a system's items\n");

int
cmd_indicators(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", cmd_list},
        {"load", cmd_load},
        {"show", cmd_show},
        {"validate", cmd_validate},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        indicators_usage, "indicators");
}
