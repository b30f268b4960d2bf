/*
 * audit.c - `schoolrisk audit verify`: walk the tamper-evidence chain.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/store.h"

static const char usage[] =
    "usage: schoolrisk audit verify [--db PATH]\n"
    "\n"
    "Check the hash chain over submitted assessments and hazard events:\n"
    "every record's content against the SHA-256 recorded when it was\n"
    "written, and each record's link to the one before.  Names the first\n"
    "record altered or removed outside schoolrisk, or added without being\n"
    "chained.  Exit 0 when intact, 1 when not.\n";

int
cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sr_audit_report rep;
    struct sr_store *st = NULL;
    struct cli_db dbo = {NULL, NULL};
    int c, ex;
    sr_error rc;

    if (argc < 2 || cli_is_help(argv[1])) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "verify")) {
        cli_error("unknown audit command '%s'", argv[1]);
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    ex = cli_store_open(dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_audit_verify(st, &rep);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else if (!rep.ok) {
        cli_error("audit chain broken: %s", rep.problem);
        ex = EXIT_INVALID;
    } else {
        printf("audit chain intact: %lld records, head %s\n",
               (long long)rep.records, rep.records ? rep.head : "(empty)");
    }
    sr_store_close(st);
    return ex;
}
