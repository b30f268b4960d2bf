/*
 * schoolrisk/backup.h - an online copy of the database.
 *
 * sr_store_backup() copies the open database to a new file with
 * SQLite's online backup API while other connections (the service,
 * inspectors' imports) go on reading and writing.  The copy is one
 * consistent snapshot: on a WAL database (every database that
 * schoolrisk has opened for writing) the copy is made inside one read
 * transaction of the source connection, and since readers never block
 * writers in WAL mode the writers are not held up; what they commit
 * after the snapshot is simply not in the copy.  On a database in
 * rollback-journal mode each chunk of pages is its own read, writers
 * commit between chunks, and SQLite restarts the copy when they do.
 *
 * The destination is written to a temporary file beside it
 * ("DEST.tmp-XXXXXX", mode 0600), checked with PRAGMA integrity_check,
 * flushed to disk and only then renamed to DEST, and the directory is
 * flushed too: DEST is either absent or a complete, checked copy, even
 * after a crash or a power cut.  The copy is a single self-contained
 * file in rollback-journal mode (no -wal or -shm beside it): it can be
 * copied anywhere, and `schoolrisk` puts it back in WAL mode the first
 * time it opens it for writing.
 */
#ifndef SR_BACKUP_H
#define SR_BACKUP_H

#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flags for sr_store_backup(). */
enum sr_backup_flags {
    /** Replace DEST when it exists (by an atomic rename: DEST is the
     *  old file or the new copy at every moment).  Without it an
     *  existing DEST is refused with SR_ERR_CONFLICT and left as it
     *  is, also when it appears while the copy is being made. */
    SR_BACKUP_REPLACE = (1 << 0)
};

/** What sr_store_backup() did. */
struct sr_backup_report {
    int64_t pages;   /**< pages copied (the database's page count) */
    int64_t bytes;   /**< size of the copy: pages times the page size */
    double seconds;  /**< wall-clock time of the whole backup */
    int restarts;    /**< times SQLite started the copy again because a
                          writer changed a rollback-journal database;
                          always 0 on a WAL database */
};

/**
 * @brief Copy the database open in @p st to the file @p dest.
 *
 * The source may be opened read-only (SR_STORE_READONLY): the backup
 * only reads it.  @p st must not be inside a transaction of its own
 * (SR_ERR_STATE).  Pages are copied in chunks with a short sleep
 * between chunks, which yields the disk to the service.
 *
 * On any failure nothing is left behind: no temporary file, and DEST
 * as it was.  Messages name DEST and the reason, e.g. "cannot write
 * backup 'x.db': No such file or directory".
 *
 * @code
 * struct sr_backup_report rep;
 *
 * if (sr_store_backup(st, "/var/backups/schoolrisk/x.db", 0, &rep) !=
 *     SR_OK)
 *     fprintf(stderr, "%s\n", sr_store_errmsg(st));
 * @endcode
 *
 * @param flags sr_backup_flags
 * @param rep   filled on success; left unchanged on failure
 * @return SR_OK; SR_ERR_CONFLICT when DEST exists without
 *         SR_BACKUP_REPLACE; SR_ERR_IO when DEST or its temporary file
 *         cannot be written (a missing directory, no permission, a
 *         full disk); SR_ERR_DB when the database cannot be read, is
 *         busy too long, or the copy fails its integrity check;
 *         SR_ERR_STATE; SR_ERR_NOMEM.
 */
sr_error sr_store_backup(struct sr_store *st, const char *dest, int flags,
                         struct sr_backup_report *rep);

#ifdef __cplusplus
}
#endif
#endif /* SR_BACKUP_H */
