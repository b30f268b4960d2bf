/*
 * backup.c - an online copy of the database (SQLite's backup API).
 *
 * DESIGN
 * The copy goes to DEST.tmp-XXXXXX beside DEST (mkstemp: mode 0600, a
 * name no one else holds), so that the final rename stays within one
 * file system and is atomic.  Pages are copied CHUNK_PAGES at a time
 * with CHUNK_SLEEP_MS between chunks, which yields the disk to the
 * service on a large database.
 *
 * Consistency.  On a WAL source the whole copy runs inside one read
 * transaction of the source connection: the copy is the snapshot that
 * transaction sees, writers on other connections go on committing to
 * the WAL (WAL readers never block writers), and SQLite never has to
 * restart the copy, however busy the service is.  The price is that a
 * checkpoint cannot pass the snapshot while the copy runs, so the WAL
 * grows by what is written meanwhile.  On a rollback-journal source a
 * read transaction held that long would keep writers from committing,
 * so each chunk is its own read and SQLite restarts the copy when a
 * writer commits in between; MAX_RESTARTS bounds that.
 *
 * The destination connection writes with journal_mode=OFF and
 * synchronous=OFF: the temporary file is thrown away on any failure
 * and flushed with fsync() before it is renamed, so journaling it
 * would only double the writes.  The copy of a WAL database carries
 * the WAL flag in its header; it is switched to rollback-journal mode
 * so that the backup is one self-contained file.  Then PRAGMA
 * integrity_check runs on it, the file is fsync()ed, renamed to DEST
 * (renameat2(RENAME_NOREPLACE) unless DEST may be replaced, so that a
 * file appearing meanwhile is not overwritten either), and the
 * directory is fsync()ed so that the rename survives a power cut.
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schoolrisk/backup.h"

#include "../util.h"

/* 512 pages is 2 MiB with SQLite's default 4 KiB pages: a city's
 * database of a few hundred MB is copied in a few hundred steps, with
 * well under a second of sleeping in all. */
#define CHUNK_PAGES 512
#define CHUNK_SLEEP_MS 5

/* How long a busy or locked source may hold the copy up, in all (the
 * connections' busy timeout is also 10 s). */
#define BUSY_LIMIT_MS 10000

/* A rollback-journal source written to this often during one copy is
 * too busy to be copied page by page. */
#define MAX_RESTARTS 100

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

/* Remove the temporary file and whatever SQLite may have put beside
 * it.  Errors are ignored: the names may well not exist. */
static void
remove_temp(const char *tmp)
{
    static const char *const suffixes[] = {"-journal", "-wal", "-shm"};
    char path[4096];
    size_t i;

    unlink(tmp);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if ((size_t)snprintf(path, sizeof(path), "%s%s", tmp, suffixes[i]) <
            sizeof(path))
            unlink(path);
    }
}

/* fsync() the file or directory at path; 0 or an errno value. */
static int
sync_path(const char *path, int dir)
{
    int fd, err = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
    if (fd < 0)
        return errno;
    if (fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

/* fsync() the directory that holds path. */
static sr_error
sync_parent(struct sr_store *st, const char *path)
{
    char *copy = sr_strdup(path);
    int err;

    if (!copy)
        return SR_ERR_NOMEM;
    /* dirname() may modify its argument, hence the copy. */
    err = sync_path(dirname(copy), 1);
    free(copy);
    if (err)
        return sr_store_fail_code(st, SR_ERR_IO,
                                  _("cannot write backup '%s': %s"), path,
                                  strerror(err));
    return SR_OK;
}

/* Move tmp to dest; without replace, an existing dest stays and the
 * result is SR_ERR_CONFLICT. */
static sr_error
move_into_place(struct sr_store *st, const char *tmp, const char *dest,
                int replace)
{
    int r;

    if (replace)
        r = rename(tmp, dest);
    else {
        r = renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE);
        /* A file system without RENAME_NOREPLACE: link() fails with
         * EEXIST as atomically. */
        if (r != 0 && (errno == EINVAL || errno == ENOSYS)) {
            r = link(tmp, dest);
            if (r == 0)
                unlink(tmp);
        }
    }
    if (r == 0)
        return SR_OK;
    if (errno == EEXIST)
        return sr_store_fail_code(st, SR_ERR_CONFLICT,
                                  _("cannot write backup '%s': the file "
                                    "exists"),
                                  dest);
    return sr_store_fail_code(st, SR_ERR_IO, _("cannot write backup '%s': %s"),
                              dest, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* The copy                                                             */
/* ------------------------------------------------------------------ */

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when the source is in WAL mode, 0 when not, -1 on error. */
static int
source_is_wal(struct sr_store *st)
{
    struct sr_stmt *s = NULL;
    int wal = -1;

    if (sr_store_prepare(st, "PRAGMA journal_mode", &s) != SR_OK)
        return -1;
    if (sr_step(s) == SR_ROW)
        wal = !sqlite3_stricmp(sr_col_text(s, 0), "wal");
    sr_store_finish(st, s);
    return wal;
}

/* Turn a failed sqlite3_backup_step() into an error with a message. */
static sr_error
step_error(struct sr_store *st, const char *dest, int code)
{
    switch (code & 0xff) {
    case SQLITE_NOMEM:
        return SR_ERR_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return sr_store_fail(st, _("cannot back up the database: %s for "
                                   "more than %d s"),
                             sqlite3_errstr(code), BUSY_LIMIT_MS / 1000);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return sr_store_fail(st, _("cannot back up the database: %s"),
                             sqlite3_errstr(code));
    default:
        /* Full disk, I/O errors, permissions: the side being written. */
        return sr_store_fail_code(st, SR_ERR_IO,
                                  _("cannot write backup '%s': %s"), dest,
                                  sqlite3_errstr(code));
    }
}

/* Copy every page of st's main database into ddb. */
static sr_error
copy_pages(struct sr_store *st, sqlite3 *ddb, const char *dest,
           struct sr_backup_report *rep)
{
    sqlite3_backup *b;
    int code, done, prev_done = -1, busy_ms = 0;

    b = sqlite3_backup_init(ddb, "main", st->db, "main");
    if (!b) {
        if ((sqlite3_errcode(ddb) & 0xff) == SQLITE_NOMEM)
            return SR_ERR_NOMEM;
        return sr_store_fail_code(st, SR_ERR_IO,
                                  _("cannot write backup '%s': %s"), dest,
                                  sqlite3_errmsg(ddb));
    }
    for (;;) {
        code = sqlite3_backup_step(b, CHUNK_PAGES);
        if (code == SQLITE_DONE)
            break;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
            if (busy_ms >= BUSY_LIMIT_MS)
                break;
            sqlite3_sleep(50);
            busy_ms += 50;
            continue;
        }
        if (code != SQLITE_OK)
            break;
        /* Each step that did not finish copied CHUNK_PAGES more, unless
         * SQLite started again from the first page. */
        done = sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b);
        if (done <= prev_done && ++rep->restarts > MAX_RESTARTS) {
            sqlite3_backup_finish(b);
            return sr_store_fail(st, _("cannot back up the database: it "
                                       "changed more than %d times during "
                                       "the copy"),
                                 MAX_RESTARTS);
        }
        prev_done = done;
        sqlite3_sleep(CHUNK_SLEEP_MS);
    }
    rep->pages = sqlite3_backup_pagecount(b);
    /* finish() releases the backup whatever happened; the step's code
     * says why it stopped. */
    sqlite3_backup_finish(b);
    if (code != SQLITE_DONE)
        return step_error(st, dest, code);
    return SR_OK;
}

/* Run one statement on ddb, failing with its message. */
static sr_error
dest_exec(struct sr_store *st, sqlite3 *ddb, const char *dest,
          const char *sql)
{
    int code = sqlite3_exec(ddb, sql, NULL, NULL, NULL);

    if (code == SQLITE_OK)
        return SR_OK;
    if ((code & 0xff) == SQLITE_NOMEM)
        return SR_ERR_NOMEM;
    return sr_store_fail_code(st, SR_ERR_IO, _("cannot write backup '%s': %s"),
                              dest, sqlite3_errmsg(ddb));
}

/* Make the copy a rollback-journal file, check it, and read its size. */
static sr_error
check_copy(struct sr_store *st, sqlite3 *ddb, const char *dest,
           struct sr_backup_report *rep)
{
    sqlite3_stmt *s = NULL;
    sr_error rc;
    int code;

    /* The first read sees the WAL flag copied with page 1 and opens the
     * file in WAL mode; only then does journal_mode=DELETE rewrite the
     * flag (it is a no-op on a connection that does not know yet). */
    rc = dest_exec(st, ddb, dest, "SELECT count(*) FROM sqlite_schema");
    if (rc == SR_OK)
        rc = dest_exec(st, ddb, dest, "PRAGMA journal_mode = DELETE");
    if (rc != SR_OK)
        return rc;

    code = sqlite3_prepare_v2(ddb, "PRAGMA integrity_check", -1, &s, NULL);
    if (code == SQLITE_OK)
        code = sqlite3_step(s);
    if (code == SQLITE_ROW) {
        const char *first = (const char *)sqlite3_column_text(s, 0);

        if (!first || strcmp(first, "ok") != 0 ||
            sqlite3_step(s) != SQLITE_DONE)
            rc = sr_store_fail(st, _("the copy of the database fails its "
                                     "integrity check: %s"),
                               first ? first : "?");
    } else if ((code & 0xff) == SQLITE_NOMEM) {
        rc = SR_ERR_NOMEM;
    } else {
        rc = sr_store_fail(st, _("cannot check the copy of the database: %s"),
                           sqlite3_errmsg(ddb));
    }
    sqlite3_finalize(s);
    if (rc != SR_OK)
        return rc;

    code = sqlite3_prepare_v2(ddb, "PRAGMA page_size", -1, &s, NULL);
    if (code == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        rep->bytes = rep->pages * sqlite3_column_int64(s, 0);
    else
        rc = sr_store_fail(st, _("cannot read the page size of the copy: %s"),
                           sqlite3_errmsg(ddb));
    sqlite3_finalize(s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The backup                                                           */
/* ------------------------------------------------------------------ */

sr_error
sr_store_backup(struct sr_store *st, const char *dest, int flags,
                struct sr_backup_report *rep)
{
    struct sr_backup_report r = {0, 0, 0.0, 0};
    double start = now_seconds();
    sqlite3 *ddb = NULL;
    char *tmp = NULL;
    int fd, wal, snapshot = 0, err;
    struct stat sb;
    sr_error rc = SR_OK;

    /* SQLite's online backup copies pages; a PostgreSQL database is
     * copied with `schoolrisk db copy` (or the cluster's own tools). */
    if (!st->db)
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  _("cannot back up a PostgreSQL database: "
                                    "copy it with 'schoolrisk db copy'"));
    if (!sqlite3_get_autocommit(st->db))
        return sr_store_fail_code(st, SR_ERR_STATE,
                                  _("cannot back up the database inside a "
                                    "transaction"));
    /* Refuse early rather than after a long copy; the rename checks
     * again. */
    if (!(flags & SR_BACKUP_REPLACE) && lstat(dest, &sb) == 0)
        return sr_store_fail_code(st, SR_ERR_CONFLICT,
                                  _("cannot write backup '%s': the file "
                                    "exists"),
                                  dest);
    tmp = sr_asprintf("%s.tmp-XXXXXX", dest);
    if (!tmp)
        return SR_ERR_NOMEM;
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot write backup '%s': %s"), dest,
                                strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);

    /* From here on every failure removes the temporary file. */
    if (sqlite3_open_v2(tmp, &ddb, SQLITE_OPEN_READWRITE |
                                       SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = ddb ? sr_store_fail_code(st, SR_ERR_IO,
                                      _("cannot write backup '%s': %s"), dest,
                                      sqlite3_errmsg(ddb))
                 : SR_ERR_NOMEM;
        goto cleanup;
    }
    rc = dest_exec(st, ddb, dest,
                   "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
    if (rc != SR_OK)
        goto cleanup;

    wal = source_is_wal(st);
    if (wal < 0) {
        rc = sr_store_dberr(st, _("cannot read the journal mode"));
        goto cleanup;
    }
    if (wal) {
        /* BEGIN is deferred: the read of the schema starts the read
         * transaction that fixes the snapshot. */
        if (sqlite3_exec(st->db,
                         "BEGIN; SELECT count(*) FROM sqlite_schema", NULL,
                         NULL, NULL) != SQLITE_OK) {
            rc = sr_store_dberr(st, _("cannot start reading the database"));
            goto cleanup;
        }
        snapshot = 1;
    }
    rc = copy_pages(st, ddb, dest, &r);
    if (snapshot) {
        sr_store_rollback(st);
        snapshot = 0;
    }
    if (rc != SR_OK)
        goto cleanup;
    rc = check_copy(st, ddb, dest, &r);
    if (rc != SR_OK)
        goto cleanup;
    if (sqlite3_close(ddb) != SQLITE_OK) {
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot write backup '%s': %s"), dest,
                                sqlite3_errmsg(ddb));
        goto cleanup;
    }
    ddb = NULL;

    err = sync_path(tmp, 0);
    if (err) {
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot write backup '%s': %s"), dest,
                                strerror(err));
        goto cleanup;
    }
    rc = move_into_place(st, tmp, dest, flags & SR_BACKUP_REPLACE);
    if (rc != SR_OK)
        goto cleanup;
    /* DEST is in place; a failure to flush its directory is still an
     * error (the rename may not survive a power cut), but the file
     * stays. */
    rc = sync_parent(st, dest);
    if (rc == SR_OK) {
        r.seconds = now_seconds() - start;
        *rep = r;
    }

cleanup:
    if (snapshot)
        sr_store_rollback(st);
    if (ddb)
        sqlite3_close(ddb);
    if (rc != SR_OK)
        remove_temp(tmp);
    free(tmp);
    return rc;
}
