/*
 * db.c - `schoolrisk db copy FROM TO`: a whole database from SQLite to
 * PostgreSQL or back (issue 13; the library's sr_db_copy()); `schoolrisk
 * db grant ROLE`: the service's role's privileges on PostgreSQL
 * (sr_store_grant_service()).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/dbcopy.h"
#include "schoolrisk/dbrole.h"
#include "schoolrisk/store.h"

static const char usage[] =
    N_("usage: schoolrisk db copy FROM TO\n"
    "       schoolrisk db grant ROLE [--db URI]\n"
    "\n"
    "The database as a whole:\n"
    "  copy   copy it between SQLite and PostgreSQL, either way, with the\n"
    "         audit chain verified on both sides ('schoolrisk db copy\n"
    "         --help')\n"
    "  grant  give a PostgreSQL role the service's privileges, and no\n"
    "         more ('schoolrisk db grant --help')\n");

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

static const char grant_usage[] =
    N_("usage: schoolrisk db grant ROLE [--db URI]\n"
    "\n"
    "Give the PostgreSQL role ROLE exactly the privileges the service\n"
    "(serve, and the everyday commands) needs on the schoolrisk schema of\n"
    "the database --db (or $SCHOOLRISK_DB), run as the database's owner:\n"
    "SELECT and INSERT on every table; UPDATE only on answers,\n"
    "assessments, experts, grants, hazards, plans, schools, sessions and\n"
    "users; DELETE only on answers and sessions; USAGE and SELECT on the\n"
    "sequences; EXECUTE on the schema's functions.  Nothing else: no\n"
    "UPDATE, DELETE or TRUNCATE on the append-only tables (the audit\n"
    "chain, the histories, scores, snapshots), no DDL.  What ROLE had on\n"
    "the schema before is revoked first.  ROLE must exist, must not be a\n"
    "superuser, and must not own the schema.  Run it again after every\n"
    "upgrade.\n"
    "\n"
    "Exit 0 when granted; 1 when the database is SQLite, ROLE cannot be\n"
    "the service's, or the command is not run as the schema's owner; 4\n"
    "when the database fails.\n");

static int
run_grant(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_grant_report rep;
    struct sr_store *st = NULL;
    struct cli_db dbo = {NULL, NULL};
    sr_error rc;
    int c, ex;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(_(grant_usage), stdout);
            return EXIT_OK;
        }
        if (cli_db_option(c, &dbo))
            continue;
        return cli_option_error(c, argv, grant_usage);
    }
    if (optind != argc - 1) {
        fputs(_(grant_usage), stderr);
        return EXIT_USAGE;
    }
    ex = cli_store_open(dbo.db, dbo.by, 0, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_store_grant_service(st, argv[optind], &rep);
    if (rc != SR_OK)
        ex = cli_store_error(st, rc);
    else
        printf(_("granted %s: SELECT and INSERT on %d tables, UPDATE on %d "
                 "of them, DELETE on %d, USAGE on %d sequences; nothing "
                 "more\n"),
               argv[optind], rep.tables, rep.updatable, rep.deletable,
               rep.sequences);
    sr_store_close(st);
    return ex;
}

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
        {"grant", run_grant},
    };

    return cli_dispatch(argc, argv, subs, sizeof(subs) / sizeof(subs[0]),
                        usage, "db");
}
