/*
 * backup.c - `schoolrisk backup`: an online copy of the database.
 *
 * The database is opened read-only: the backup API only reads its
 * source, a read-only connection reads a WAL database like any other
 * (it shares the -shm index with the service, so run the backup as the
 * service's user), and a read-only open can never change the database
 * (no migration, no change of journal mode) while the service runs.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "schoolrisk/backup.h"
#include "schoolrisk/store.h"

static const char usage[] =
    N_("usage: schoolrisk backup [--db PATH] [--force] DEST\n"
    "\n"
    "Copy the database (default ./schoolrisk.db, or $SCHOOLRISK_DB) to the\n"
    "new file DEST while the service and other commands go on reading and\n"
    "writing it.  The copy is one consistent snapshot, checked with\n"
    "PRAGMA integrity_check, flushed to disk and only then renamed to\n"
    "DEST; on any failure nothing is left behind.  The copy is a single\n"
    "file (no -wal or -shm) and can be used as a database as it is.\n"
    "\n"
    "  --force   replace DEST when it exists (else: exit 1)\n"
    "\n"
    "Exit 0 when DEST is a complete, checked copy; 1 when DEST exists or\n"
    "cannot be written (a missing directory, no permission, a full disk);\n"
    "4 when the database cannot be read or its copy fails the check.\n");

/* Bytes as "5.0 MB" (decimal units, as disk sizes are sold) in buf. */
static const char *
format_size(char *buf, size_t size, int64_t bytes)
{
    if (bytes >= 1000000000)
        snprintf(buf, size, "%.1f GB", (double)bytes / 1e9);
    else if (bytes >= 1000000)
        snprintf(buf, size, "%.1f MB", (double)bytes / 1e6);
    else
        snprintf(buf, size, "%.1f kB", (double)bytes / 1e3);
    return buf;
}

int
cmd_backup(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPTION_DB,
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_db dbo = {NULL, NULL};
    struct sr_backup_report rep;
    struct sr_store *st = NULL;
    const char *src, *dest;
    int c, ex, flags = 0;
    sr_error rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(_(usage), stdout);
            return EXIT_OK;
        case 'f':
            flags |= SR_BACKUP_REPLACE;
            break;
        default:
            if (cli_db_option(c, &dbo))
                break;
            return cli_option_error(c, argv, usage);
        }
    }
    if (optind != argc - 1) {
        fputs(_(usage), stderr);
        return EXIT_USAGE;
    }
    dest = argv[optind];
    ex = cli_store_open(dbo.db, NULL, SR_STORE_READONLY, &st);
    if (ex != EXIT_OK)
        return ex;
    /* The name the user knows, as cli_store_open() chose it. */
    src = dbo.db;
    if (!src || !*src)
        src = getenv("SCHOOLRISK_DB");
    if (!src || !*src)
        src = "schoolrisk.db";
    rc = sr_store_backup(st, dest, flags, &rep);
    if (rc == SR_ERR_CONFLICT) {
        cli_error(_("%s (--force replaces it)"), sr_store_errmsg(st));
        ex = EXIT_INVALID;
    } else if (rc != SR_OK) {
        ex = cli_store_error(st, rc);
    } else {
        char size[32];

        printf(rep.pages == 1 ?
                   _("backed up '%s' to '%s': %lld page (%s) in %.2f s, "
                     "integrity ok\n") :
                   _("backed up '%s' to '%s': %lld pages (%s) in %.2f s, "
                     "integrity ok\n"),
               src, dest, (long long)rep.pages,
               format_size(size, sizeof(size), rep.bytes), rep.seconds);
    }
    sr_store_close(st);
    return ex;
}
