/*
 * audit.c - `schoolrisk audit verify|head`: walk the tamper-evidence
 * chain, and print its head so that it can be kept elsewhere.
 *
 * A chain cut back at its end (its last records deleted, with the rows
 * they cover) still verifies on its own; only a head written down
 * earlier shows it.  `audit head` prints that head, `audit verify
 * --head HASH` requires the chain to still hold it.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/audit.h"
#include "schoolrisk/store.h"

static const char usage[] =
    N_("usage: schoolrisk audit <verify|head> [--db PATH]\n"
    "\n"
    "  verify [--head HASH]  check the whole chain (exit 0 intact, 1 not)\n"
    "  head                  print the chain's head and its number of\n"
    "                        records, to keep elsewhere\n"
    "\n"
    "Run 'schoolrisk audit <command> --help' for one command.\n");

static const char verify_usage[] =
    N_("usage: schoolrisk audit verify [--head HASH] [--db PATH]\n"
    "\n"
    "Check the hash chain over everything a report depends on: submitted\n"
    "assessments (answers, scores, baseline evidence), hazard events,\n"
    "registry changes, stored indicator systems, the security log and the\n"
    "checkpoint of the upgrade to schema 2.  Every record's content is\n"
    "checked against the SHA-256 recorded when it was written, each\n"
    "record's link to the one before, and every hazard, school, user and\n"
    "role grant against the state its latest event recorded.  Names the\n"
    "first record altered or removed outside schoolrisk, or a row added or\n"
    "changed without being chained.\n"
    "\n"
    "  --head HASH  a head printed earlier by 'schoolrisk audit head' (or on\n"
    "               the 说明 sheet of a workbook): the chain must still hold\n"
    "               that record, so that records removed from its end are\n"
    "               found too\n"
    "\n"
    "Exit 0 when intact, 1 when not.\n");

static const char head_usage[] =
    N_("usage: schoolrisk audit head [--db PATH]\n"
    "\n"
    "Print the head of the audit chain (the SHA-256 of its last record) and\n"
    "the number of records, as 'HASH N records'.  Keep it outside the\n"
    "database (a register, an e-mail to the city): 'schoolrisk audit verify\n"
    "--head HASH' later shows whether records were removed from the end of\n"
    "the chain since.  It does not check the chain: 'audit verify' does.\n");

enum { OPT_HEAD = 256 };

/* Parse the options of verify (want_head) or head; returns EXIT_OK, an
 * exit code after printing, or -1 after printing the help. */
static int
parse(int argc, char **argv, bool want_head, const char *help,
      struct cli_db *dbo, const char **head)
{
    static const struct option verify_opts[] = {
        CLI_OPTION_DB,
        {"head", required_argument, NULL, OPT_HEAD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const struct option head_opts[] = {
        CLI_OPTION_DB,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h",
                            want_head ? verify_opts : head_opts, NULL)) !=
           -1) {
        switch (c) {
        case 'h':
            fputs(_(help), stdout);
            return -1;
        case OPT_HEAD:
            *head = optarg;
            break;
        default:
            if (cli_db_option(c, dbo))
                break;
            return cli_option_error(c, argv, help);
        }
    }
    if (optind != argc) {
        cli_error(_("unexpected argument '%s'"), argv[optind]);
        fputs(_(help), stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int
run_verify(int argc, char **argv)
{
    struct sr_audit_report rep;
    struct sr_store *st = NULL;
    struct cli_db dbo = {NULL, NULL};
    const char *head = NULL;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, true, verify_usage, &dbo, &head);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_audit_verify_head(st, head, &rep);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else if (!rep.ok) {
        cli_error(_("audit chain broken: %s"), rep.problem);
        ex = EXIT_INVALID;
    } else {
        printf(rep.records == 1 ?
                   _("audit chain intact: %lld record, head %s\n") :
                   _("audit chain intact: %lld records, head %s\n"),
               (long long)rep.records,
               rep.records ? rep.head : _("(empty)"));
        if (head)
            printf(_("it still holds the record with hash %s\n"), head);
    }
    sr_store_close(st);
    return ex;
}

static int
run_head(int argc, char **argv)
{
    struct sr_store *st = NULL;
    struct cli_db dbo = {NULL, NULL};
    const char *unused = NULL;
    char head[65];
    int64_t records = 0;
    sr_error rc;
    int ex;

    ex = parse(argc, argv, false, head_usage, &dbo, &unused);
    if (ex)
        return ex < 0 ? EXIT_OK : ex;
    ex = cli_store_open(dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    rc = sr_audit_head_records(st, head, &records);
    if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else if (!records) {
        cli_error(_("the audit chain is empty: nothing has been recorded yet"));
        ex = EXIT_INVALID;
    } else {
        printf(records == 1 ? _("%s %lld record\n") :
                              _("%s %lld records\n"),
               head, (long long)records);
    }
    sr_store_close(st);
    return ex;
}

int
cmd_audit(int argc, char **argv)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        fputs(_(usage), argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "verify"))
        return run_verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "head"))
        return run_head(argc - 1, argv + 1);
    cli_error(_("unknown audit command '%s' (verify or head)"), argv[1]);
    fputs(_(usage), stderr);
    return EXIT_USAGE;
}
