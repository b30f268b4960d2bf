/*
 * schoolrisk/dbcopy.h - copy a whole database between SQLite and
 * PostgreSQL, either way (`schoolrisk db copy FROM TO`, issue 13).
 *
 * FROM is opened read-only and its audit chain verified first; TO is
 * created (a new SQLite file, or a PostgreSQL database without the
 * schoolrisk schema or with a fresh one) and must hold nothing yet.
 * Every table is copied row by row, column by column, in ONE
 * transaction on TO with the append-only triggers in force; then TO's
 * chain is verified and its head compared with FROM's.
 */
#ifndef SR_DBCOPY_H
#define SR_DBCOPY_H

#include <stdint.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What sr_db_copy() did. */
struct sr_db_copy_report {
    int tables;           /**< tables copied */
    int64_t rows;         /**< rows copied, in all tables */
    int64_t records;      /**< audit records, verified on both sides */
    char head[65];        /**< the chain's head, the same on both */
    double seconds;       /**< wall-clock time of the copy */
};

/**
 * @brief Copy the database @p from to the new database @p to (a path
 *        or a postgresql:// URI each).
 * @param err receives the message on failure (never printed here).
 * @return SR_OK; SR_ERR_CONFLICT when TO holds data already (it is then
 *         left as it was); SR_ERR_VERSION when the schema versions
 *         differ; SR_ERR_STATE when FROM's chain is broken (the message names the record) or TO's does not match
 *         after the copy; SR_ERR_INPUT when a text cannot go to
 *         PostgreSQL (a NUL byte, invalid UTF-8: the message names the
 *         table, the row's key and the column); the errors of
 *         sr_store_open().  On failure a SQLite file this call created
 *         is removed and nothing is committed on TO.
 */
sr_error sr_db_copy(const char *from, const char *to,
                    struct sr_db_copy_report *rep, char *err,
                    size_t errsize);

#ifdef __cplusplus
}
#endif

#endif /* SR_DBCOPY_H */
