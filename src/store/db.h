/*
 * db.h - the store's one seam between its SQL and the database engine.
 *
 * Every file of src/store/ prepares its statements with
 * sr_store_prepare(), binds, steps and reads them with the calls below,
 * and runs statement-less SQL with sr_db_exec(); none calls the
 * engine's API itself (scripts/check-source.sh holds this).  Only
 * store.c (opening, migrating), backup.c (SQLite's online backup) and
 * this file know the engine.  The calls keep SQLite's shape (1-based
 * parameters, 0-based columns, a step that says ROW or DONE), so the
 * SQL of the store reads as before; a second engine (PostgreSQL, issue
 * 13) gives struct sr_stmt its own statement and each call its branch
 * here, and nowhere else.
 *
 * Errors: a bind or step that fails returns neither SR_DB_OK nor
 * SR_ROW/SR_DONE; the caller then calls sr_store_dberr(), which reads
 * the connection's message.
 */
#ifndef SR_STORE_DB_H
#define SR_STORE_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* A prepared statement, as sr_store_prepare() hands it out and
 * sr_store_finish() takes it back. */
struct sr_stmt {
    sqlite3_stmt *lite;   /* SQLite's statement */
};

/* sr_step(): a row is ready, or the statement has run to its end. */
#define SR_ROW SQLITE_ROW
#define SR_DONE SQLITE_DONE
/* A bind that worked. */
#define SR_DB_OK SQLITE_OK

/* A column's type in the current row (sr_col_type()). */
enum sr_coltype {
    SR_COL_INTEGER = SQLITE_INTEGER,
    SR_COL_FLOAT = SQLITE_FLOAT,
    SR_COL_TEXT = SQLITE_TEXT,
    SR_COL_BLOB = SQLITE_BLOB,
    SR_COL_NULL = SQLITE_NULL
};

/* Run the statement to its next row: SR_ROW, SR_DONE or an error. */
static inline int
sr_step(struct sr_stmt *s)
{
    return sqlite3_step(s->lite);
}

/* Back to before its first step, keeping the bindings. */
static inline void
sr_reset(struct sr_stmt *s)
{
    sqlite3_reset(s->lite);
}

static inline int
sr_bind_int64(struct sr_stmt *s, int i, int64_t v)
{
    return sqlite3_bind_int64(s->lite, i, (sqlite3_int64)v);
}

static inline int
sr_bind_int(struct sr_stmt *s, int i, int v)
{
    return sqlite3_bind_int(s->lite, i, v);
}

static inline int
sr_bind_null(struct sr_stmt *s, int i)
{
    return sqlite3_bind_null(s->lite, i);
}

/* Text, copied (the caller's buffer may go); NULL binds NULL. */
static inline int
sr_bind_text(struct sr_stmt *s, int i, const char *v)
{
    if (!v)
        return sqlite3_bind_null(s->lite, i);
    return sqlite3_bind_text(s->lite, i, v, -1, SQLITE_TRANSIENT);
}

/* The first len bytes of v, copied. */
static inline int
sr_bind_textn(struct sr_stmt *s, int i, const char *v, size_t len)
{
    return sqlite3_bind_text64(s->lite, i, v, (sqlite3_uint64)len,
                               SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* The number of parameters the SQL names. */
static inline int
sr_bind_count(struct sr_stmt *s)
{
    return sqlite3_bind_parameter_count(s->lite);
}

static inline int64_t
sr_col_int64(struct sr_stmt *s, int i)
{
    return (int64_t)sqlite3_column_int64(s->lite, i);
}

static inline int
sr_col_int(struct sr_stmt *s, int i)
{
    return sqlite3_column_int(s->lite, i);
}

/* The column as text (a number as its decimal digits), NULL for NULL;
 * valid until the next step, reset or finish. */
static inline const char *
sr_col_text(struct sr_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s->lite, i);
}

/* The length in bytes of the column's text (call after sr_col_text()). */
static inline size_t
sr_col_bytes(struct sr_stmt *s, int i)
{
    return (size_t)sqlite3_column_bytes(s->lite, i);
}

static inline int
sr_col_type(struct sr_stmt *s, int i)
{
    return sqlite3_column_type(s->lite, i);
}

static inline int
sr_col_count(struct sr_stmt *s)
{
    return sqlite3_column_count(s->lite);
}

static inline const char *
sr_col_name(struct sr_stmt *s, int i)
{
    return sqlite3_column_name(s->lite, i);
}

#endif /* SR_STORE_DB_H */
