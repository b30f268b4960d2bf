/*
 * db.c - `schoolrisk db copy FROM TO`: a whole database from SQLite to
 * PostgreSQL or back (issue 13; the library's sr_db_copy()).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/dbcopy.h"

static const char usage[] =
    N_("usage: schoolrisk db copy FROM TO\n"
    "\n"
    "The database as a whole:\n"
    "  copy   copy it between SQLite and PostgreSQL, either way, with the\n"
    "         audit chain verified on both sides ('schoolrisk db copy\n"
    "         --help')\n");

static const char copy_usage[] =
    N_("usage: schoolrisk db copy FROM TO\n"
    "\n"
    "Copy the whole database FROM to the new database TO, between SQLite\n"
    "and PostgreSQL either way (a file path, or a postgresql:// URI).\n"
    "FROM is only read, and its audit chain must be intact.  TO must be\n"
    "new: a SQLite file that does not exist yet, or a PostgreSQL database\n"
    "without the schoolrisk schema (or with a fresh one, nothing in it).\n"
    "Every table is copied in one transaction; then TO's audit chain is\n"
    "verified and must end at FROM's head.  On any failure nothing is\n"
    "committed on TO (a SQLite file it created is removed).\n"
    "\n"
    "Exit 0 when TO is a verified copy; 1 when TO is not empty, FROM's\n"
    "chain is broken, the schema versions differ or a text cannot be\n"
    "stored in PostgreSQL; 4 when a database fails.\n");

static int
run_copy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_db_copy_report rep;
    char err[1024];
    sr_error rc;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(_(copy_usage), stdout);
            return EXIT_OK;
        }
        return cli_option_error(c, argv, copy_usage);
    }
    if (optind != argc - 2) {
        fputs(_(copy_usage), stderr);
        return EXIT_USAGE;
    }
    rc = sr_db_copy(argv[optind], argv[optind + 1], &rep, err, sizeof(err));
    if (rc != SR_OK) {
        cli_error("%s", err);
        return cli_exit_for(rc);
    }
    printf(_("copied %d tables (%lld rows), %lld audit records, head %s: "
             "verified on both, in %.2f s\n"),
           rep.tables, (long long)rep.rows, (long long)rep.records, rep.head,
           rep.seconds);
    return EXIT_OK;
}

int
cmd_db(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"copy", run_copy},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        usage, "db");
}
