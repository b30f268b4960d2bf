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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sr_pg_stmt;

/* A prepared statement, as sr_store_prepare() hands it out and
 * sr_store_finish() takes it back: one engine's. */
struct sr_stmt {
    sqlite3_stmt *lite;      /* SQLite's statement, or NULL */
    struct sr_pg_stmt *pg;   /* PostgreSQL's (db_pg.c), or NULL */
};

/* PostgreSQL's side of each call below (db_pg.c). */
int sr_pg_step(struct sr_pg_stmt *s);
void sr_pg_reset(struct sr_pg_stmt *s);
int sr_pg_bind(struct sr_pg_stmt *s, int i, const char *v);
int sr_pg_bind_n(struct sr_pg_stmt *s, int i, const char *v, size_t len);
int sr_pg_bind_int64(struct sr_pg_stmt *s, int i, int64_t v);
int sr_pg_bind_count(const struct sr_pg_stmt *s);
const char *sr_pg_col_text(const struct sr_pg_stmt *s, int i);
int64_t sr_pg_col_int64(const struct sr_pg_stmt *s, int i);
size_t sr_pg_col_bytes(const struct sr_pg_stmt *s, int i);
int sr_pg_col_type(const struct sr_pg_stmt *s, int i);
int sr_pg_col_count(const struct sr_pg_stmt *s);
const char *sr_pg_col_name(const struct sr_pg_stmt *s, int i);

/* sr_step(): a row is ready, or the statement has run to its end. */
#define SR_ROW SQLITE_ROW
#define SR_DONE SQLITE_DONE
/* A bind that worked; the errors PostgreSQL's side returns as SQLite
 * would: a parameter out of range, no memory, any other failure. */
#define SR_DB_OK SQLITE_OK
#define SR_DB_RANGE SQLITE_RANGE
#define SR_DB_NOMEM SQLITE_NOMEM
#define SR_DB_ERROR SQLITE_ERROR

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
    return s->pg ? sr_pg_step(s->pg) : sqlite3_step(s->lite);
}

/* Back to before its first step, keeping the bindings. */
static inline void
sr_reset(struct sr_stmt *s)
{
    if (s->pg)
        sr_pg_reset(s->pg);
    else
        sqlite3_reset(s->lite);
}

static inline int
sr_bind_int64(struct sr_stmt *s, int i, int64_t v)
{
    if (s->pg)
        return sr_pg_bind_int64(s->pg, i, v);
    return sqlite3_bind_int64(s->lite, i, (sqlite3_int64)v);
}

static inline int
sr_bind_int(struct sr_stmt *s, int i, int v)
{
    if (s->pg)
        return sr_pg_bind_int64(s->pg, i, v);
    return sqlite3_bind_int(s->lite, i, v);
}

static inline int
sr_bind_null(struct sr_stmt *s, int i)
{
    if (s->pg)
        return sr_pg_bind(s->pg, i, NULL);
    return sqlite3_bind_null(s->lite, i);
}

/* Text, copied (the caller's buffer may go); NULL binds NULL. */
static inline int
sr_bind_text(struct sr_stmt *s, int i, const char *v)
{
    if (s->pg)
        return sr_pg_bind(s->pg, i, v);
    if (!v)
        return sqlite3_bind_null(s->lite, i);
    return sqlite3_bind_text(s->lite, i, v, -1, SQLITE_TRANSIENT);
}

/* The first len bytes of v, copied. */
static inline int
sr_bind_textn(struct sr_stmt *s, int i, const char *v, size_t len)
{
    if (s->pg)
        return sr_pg_bind_n(s->pg, i, v, len);
    return sqlite3_bind_text64(s->lite, i, v, (sqlite3_uint64)len,
                               SQLITE_TRANSIENT, SQLITE_UTF8);
}

/* The number of parameters the SQL names. */
static inline int
sr_bind_count(struct sr_stmt *s)
{
    return s->pg ? sr_pg_bind_count(s->pg)
                 : sqlite3_bind_parameter_count(s->lite);
}

static inline int64_t
sr_col_int64(struct sr_stmt *s, int i)
{
    return s->pg ? sr_pg_col_int64(s->pg, i)
                 : (int64_t)sqlite3_column_int64(s->lite, i);
}

static inline int
sr_col_int(struct sr_stmt *s, int i)
{
    return s->pg ? (int)sr_pg_col_int64(s->pg, i)
                 : sqlite3_column_int(s->lite, i);
}

/* The column as text (a number as its decimal digits), NULL for NULL;
 * valid until the next step, reset or finish. */
static inline const char *
sr_col_text(struct sr_stmt *s, int i)
{
    return s->pg ? sr_pg_col_text(s->pg, i)
                 : (const char *)sqlite3_column_text(s->lite, i);
}

/* The length in bytes of the column's text (call after sr_col_text()). */
static inline size_t
sr_col_bytes(struct sr_stmt *s, int i)
{
    return s->pg ? sr_pg_col_bytes(s->pg, i)
                 : (size_t)sqlite3_column_bytes(s->lite, i);
}

static inline int
sr_col_type(struct sr_stmt *s, int i)
{
    return s->pg ? sr_pg_col_type(s->pg, i)
                 : sqlite3_column_type(s->lite, i);
}

static inline int
sr_col_count(struct sr_stmt *s)
{
    return s->pg ? sr_pg_col_count(s->pg) : sqlite3_column_count(s->lite);
}

static inline const char *
sr_col_name(struct sr_stmt *s, int i)
{
    return s->pg ? sr_pg_col_name(s->pg, i)
                 : sqlite3_column_name(s->lite, i);
}

#endif /* SR_STORE_DB_H */
