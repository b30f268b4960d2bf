/*
 * store_int.h - what the files of src/store/ share: the connection
 * struct and small helpers around sqlite3.  Not part of the public API;
 * sqlite3 types never leave src/store/.
 */
#ifndef SR_STORE_INT_H
#define SR_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "schoolrisk/store.h"

/* Stored systems already parsed, by (id, version): a stored version
 * never changes, so a parsed one stays right for the connection's life. */
#define SR_SYSTEM_CACHE 16

/* Prepared statements kept for reuse, by their SQL text: preparing is
 * most of the cost of a one-row statement, and the same few dozen
 * statements run thousands of times in an import or a submission. */
#define SR_STMT_CACHE 96

struct sr_stmt_slot {
    sqlite3_stmt *s;
    uint64_t hash;  /* of the SQL text */
    int busy;       /* handed out and not yet finished */
};

struct sr_store {
    sqlite3 *db;
    char *actor;
    time_t clock;      /* 0: the system clock */
    char msg[1024];    /* last error */
    struct sr_system *systems[SR_SYSTEM_CACHE]; /* one reference each */
    size_t n_systems;
    struct sr_stmt_slot stmts[SR_STMT_CACHE];
    size_t n_stmts;
};

/* Set the message from a printf format; returns SR_ERR_DB (or the code
 * given by sr_store_fail_code). */
sr_error sr_store_fail(struct sr_store *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
sr_error sr_store_fail_code(struct sr_store *st, sr_error code,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "what: sqlite's message" for the current error of the connection;
 * returns SR_ERR_DB. */
sr_error sr_store_dberr(struct sr_store *st, const char *what);

/* A prepared statement for SQL, taken from the connection's cache when
 * an idle one with the same text is there; give it back with
 * sr_store_finish, which resets it (ending any read it holds) and clears
 * its bindings.  A statement already handed out is never handed out
 * twice: a nested use of the same SQL gets its own, finalized when
 * finished. */
sr_error sr_store_prepare(struct sr_store *st, const char *sql,
                          sqlite3_stmt **out);
void sr_store_finish(struct sr_store *st, sqlite3_stmt *s);

/* BEGIN IMMEDIATE (take the write lock now, so that a busy database
 * waits for the busy timeout here rather than failing at COMMIT),
 * COMMIT, ROLLBACK. */
sr_error sr_store_begin(struct sr_store *st);
sr_error sr_store_commit(struct sr_store *st);
void sr_store_rollback(struct sr_store *st);

/* Bind text or NULL. */
int sr_bind_text(sqlite3_stmt *s, int i, const char *v);

/* A strdup of column i (NULL stays NULL); sets *nomem on failure. */
char *sr_column_dup(sqlite3_stmt *s, int i, int *nomem);

/* Append the record (kind, ref) to the audit hash chain: kind is
 * "assessment" (a submitted assessment, its answers and scores) or
 * "hazard_event".  The record's content is read back from its rows, so
 * call it inside the transaction that wrote them, after writing. */
sr_error sr_audit_append(struct sr_store *st, const char *kind, int64_t ref);

#endif /* SR_STORE_INT_H */
