/*
 * init.c - `schoolrisk init`: create or upgrade the database and load
 * the indicator systems.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/store.h"

static const char usage[] =
    N_("usage: schoolrisk init [--db PATH] [--by NAME] [--indicators DIR]\n"
    "                       [--no-indicators]\n"
    "\n"
    "Create the database (default ./schoolrisk.db, or $SCHOOLRISK_DB), or\n"
    "upgrade an older one in one transaction, then store the indicator\n"
    "systems of DIR (default: the indicator directory).  Safe to run\n"
    "again: stored systems that did not change are left as they are.\n");

int
cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_BY,
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {"indicators", required_argument, NULL, 'i'},
        {"no-indicators", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    struct cli_db dbo = {NULL, NULL};
    const char *dir = NULL;
    struct sr_store *st = NULL;
    int c, ex, none = 0;
    char *paths[1];

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
        case 'i':
            dir = optarg;
            break;
        case 'n':
            none = 1;
            break;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc || (none && dir)) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    ex = cli_store_open(dbo.db, dbo.by, SR_STORE_CREATE, &st);
    if (ex != EXIT_OK)
        return ex;
    printf(_("database ready (schema version %d)\n"),
           sr_store_schema_version(st));
    if (!none) {
        paths[0] = (char *)cli_indicator_dir(dir);
        ex = cli_load_indicators(st, paths, 1);
    }
    sr_store_close(st);
    return ex;
}
