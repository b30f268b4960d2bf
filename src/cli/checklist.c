/*
 * checklist.c - `schoolrisk checklist`: the items of a system that
 * apply to one school, and what each answer is worth; what an inspector
 * takes on a visit, and the rows a responses file must answer.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    N_("usage: schoolrisk checklist --school-code CODE --db PATH\n"
    "                            [--system ID|FILE]\n"
    "                            [--format table|csv] [--dir DIR]\n"
    "       schoolrisk checklist --system ID|FILE\n"
    "                            (--school FILE | --attr KEY=VALUE...)\n"
    "                            [--format table|csv] [--dir DIR]\n"
    "\n"
    "List the items of the system that apply to the school.  The CSV has\n"
    "the columns of 'schoolrisk indicators show --format csv'; its 'choices'\n"
    "column says what an answer may be and what it is worth.\n"
    "\n"
    "  --system ID|FILE    the indicator system; for a registry school, by\n"
    "                      default the current system of its stage in the\n"
    "                      database\n"
    "  --school-code CODE  a registry school: its stage and attributes\n"
    "                      come from the database --db (else\n"
    "                      $SCHOOLRISK_DB)\n"
    "  --school FILE       a school file; --attr KEY=VALUE: one attribute\n"
    "                      each, without a database\n"
    "School attributes: stage, ownership, locale, boarding, school_bus,\n"
    "canteen, laboratory, swimming_pool, enrollment, boarders, special_needs,\n"
    "staff, meal_delivery, village_school; population (enrollment + staff)\n"
    "is derived, never given.\n");

int
cmd_checklist(int argc, char **argv)
{
    static const struct option opts[] = {
        {"attr", required_argument, NULL, 'a'},
        CLI_OPTION_DB,
        {"dir", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"school", required_argument, NULL, 's'},
        {"school-code", required_argument, NULL, 'c'},
        {"system", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    struct cli_school_opts so;
    struct cli_system cs;
    struct sr_school school;
    const char *system = NULL, *dir = NULL;
    int c, csv = 0, ex;

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
        case 'f':
            if (!strcmp(optarg, "csv")) {
                csv = 1;
            } else if (strcmp(optarg, "table")) {
                cli_error(_("--format takes table or csv, not '%s'"), optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
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
    if ((!system && !so.code) || optind != argc) {
        if (!system)
            cli_error(_("--system is required"));
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    ex = system ? cli_system_load(&cs, system, dir)
                : cli_system_of_school(&so, &cs);
    if (ex != EXIT_OK)
        return ex;
    ex = cli_school_build(&so, cs.use, &school);
    if (ex == EXIT_OK)
        ex = csv ? cli_items_csv(cs.use, &school) :
                   cli_items_tree(cs.use, &school);
    cli_system_release(&cs);
    return ex;
}
