/*
 * db_pg.c - the PostgreSQL engine behind the store's seam (db.h).
 *
 * DESIGN
 * A statement is prepared on the server once per connection under a
 * name of its own (PQprepare), its parameters rewritten from SQLite's
 * ?N to $N; binding keeps each parameter as text (a number as its
 * decimal digits) until the first sr_step(), which executes it
 * (PQexecPrepared) and keeps the whole result; each step then moves to
 * the next row.  Columns are read from the result as text and converted
 * as SQLite would (an integer column read as text gives its digits).
 * Reset drops the result and keeps the bindings, as in SQLite.
 *
 * A failed statement puts its message, PostgreSQL's primary message
 * (for a trigger's RAISE, exactly its text, as SQLite gives a RAISE's),
 * where sr_store_dberr() reads it.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "../util.h"

/* Type OIDs of pg_type.h (server headers are not installed with
 * libpq-dev; these never change). */
#define BOOLOID 16
#define BYTEAOID 17
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define OIDOID 26
#define TEXTOID 25
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700

struct sr_pg_stmt {
    struct sr_store *st;
    char name[24];        /* the server's name for it */
    char *sql;            /* as the store wrote it (the cache's key) */
    int n_params;
    char **values;        /* n_params bound values, owned; NULL: NULL */
    PGresult *res;        /* the executed statement's result, or NULL */
    int row, n_rows;      /* the current row, -1 before the first */
};

/* ------------------------------------------------------------------ */
/* SQL                                                                  */
/* ------------------------------------------------------------------ */

/* SQLite's ?N and ? parameters as $N, outside quotes and comments, into
 * a new string (NULL when out of memory); *n receives the largest
 * number used. */
char *
sr_pg_rewrite(const char *sql, int *n)
{
    size_t len = strlen(sql), o = 0, marks = 0;
    char *out;
    int next = 0;
    const char *p;

    /* Each ? grows by at most "$" and 11 digits. */
    for (p = sql; *p; p++)
        marks += *p == '?';
    *n = 0;
    out = malloc(len + marks * 12 + 1);
    if (!out)
        return NULL;
    p = sql;
    while (*p) {
        if (*p == '\'' || *p == '"') {
            char q = *p;

            out[o++] = *p++;
            while (*p && *p != q)
                out[o++] = *p++;
            if (*p)
                out[o++] = *p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                out[o++] = *p++;
        } else if (*p == '?') {
            long v;
            char *end;

            p++;
            if (*p >= '0' && *p <= '9') {
                v = strtol(p, &end, 10);
                p = end;
            } else {
                v = next + 1;
            }
            if (v > *n)
                *n = (int)v;
            next = (int)v;
            o += (size_t)snprintf(out + o, 13, "$%ld", v);
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return out;
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

/* Keep res's error as the connection's last error (NULL: libpq's). */
static void
keep_error(struct sr_store *st, const PGresult *res)
{
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                        : NULL;
    size_t n;

    if (!m)
        m = PQerrorMessage(st->pg);
    snprintf(st->pg_error, sizeof(st->pg_error), "%s", m ? m : "");
    n = strlen(st->pg_error);
    while (n && (st->pg_error[n - 1] == '\n' || st->pg_error[n - 1] == ' '))
        st->pg_error[--n] = '\0';
    if (res) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

        snprintf(st->pg_state, sizeof(st->pg_state), "%s",
                 state ? state : "");
    }
}

const char *
sr_pg_errmsg(const struct sr_store *st)
{
    return st->pg_error;
}

/* ------------------------------------------------------------------ */
/* Statements                                                           */
/* ------------------------------------------------------------------ */

/* Whether rewritten SQL names $k (as $k, not as the start of $k0). */
static bool
named(const char *text, int k)
{
    char mark[16];
    size_t len = (size_t)snprintf(mark, sizeof(mark), "$%d", k);
    const char *p = text;

    while ((p = strstr(p, mark))) {
        p += len;
        if (*p < '0' || *p > '9')
            return true;
    }
    return false;
}

/* The parameter of "could not determine data type of parameter $k",
 * 0 for another message. */
static int
untyped(const PGresult *res)
{
    const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *d = m ? strrchr(m, '$') : NULL;

    return d ? (int)strtol(d + 1, NULL, 10) : 0;
}

sr_error
sr_pg_prepare(struct sr_store *st, const char *sql, struct sr_pg_stmt **out)
{
    struct sr_pg_stmt *s;
    PGresult *res;
    Oid *types = NULL;
    char *text;
    int n, i, guard;

    *out = NULL;
    text = sr_pg_rewrite(sql, &n);
    s = calloc(1, sizeof(*s));
    if (!text || !s || !(s->sql = sr_strdup(sql)) ||
        (n && !(s->values = calloc((size_t)n, sizeof(*s->values))))) {
        free(text);
        if (s)
            free(s->sql);
        free(s);
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    }
    s->st = st;
    s->n_params = n;
    s->row = -1;
    snprintf(s->name, sizeof(s->name), "sr%llu",
             (unsigned long long)++st->pg_names);
    /* A parameter the SQL never names (SQLite lets ?2 go unused when
     * ?1 and ?3 are) has no type to infer: say it is text.  So is one
     * whose first use says nothing of its type ("?1 IS NULL OR
     * s.district = ?1"): the server names it, and it is prepared again
     * with that one as text. */
    if (n) {
        types = calloc((size_t)n, sizeof(*types));
        if (!types) {
            free(text);
            free(s->values);
            free(s->sql);
            free(s);
            return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
        }
        for (i = 0; i < n; i++)
            if (!named(text, i + 1))
                types[i] = TEXTOID;
    }
    /* Inside a transaction a refused PREPARE aborts it: try under a
     * savepoint, so that the next try and the transaction go on. */
    guard = PQtransactionStatus(st->pg) == PQTRANS_INTRANS;
    for (;;) {
        const char *state;
        int k;

        if (guard)
            PQclear(PQexec(st->pg, "SAVEPOINT sr_prepare"));
        res = PQprepare(st->pg, s->name, text, n, types);
        if (guard)
            PQclear(PQexec(st->pg,
                           PQresultStatus(res) == PGRES_COMMAND_OK
                               ? "RELEASE SAVEPOINT sr_prepare"
                               : "ROLLBACK TO SAVEPOINT sr_prepare"));
        if (PQresultStatus(res) == PGRES_COMMAND_OK || !types)
            break;
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        k = untyped(res);
        if (!state || (strcmp(state, "42P08") && strcmp(state, "42P18")) ||
            k < 1 || k > n ||
            types[k - 1] == TEXTOID)
            break;
        types[k - 1] = TEXTOID;
        PQclear(res);
    }
    free(types);
    free(text);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        keep_error(st, res);
        PQclear(res);
        free(s->values);
        free(s->sql);
        free(s);
        return sr_store_dberr(st, _("cannot prepare a statement"));
    }
    PQclear(res);
    *out = s;
    return SR_OK;
}

const char *
sr_pg_sql(const struct sr_pg_stmt *s)
{
    return s->sql;
}

void
sr_pg_clear(struct sr_pg_stmt *s)
{
    int i;

    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->n_rows = 0;
    for (i = 0; i < s->n_params; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
    }
}

void
sr_pg_finalize(struct sr_pg_stmt *s)
{
    char sql[48];

    if (!s)
        return;
    sr_pg_clear(s);
    /* The server keeps a prepared statement for the session: drop it,
     * unless the connection is gone or its transaction failed (then
     * the deallocation fails too and the session's end drops it). */
    if (s->st->pg && PQstatus(s->st->pg) == CONNECTION_OK &&
        PQtransactionStatus(s->st->pg) != PQTRANS_INERROR) {
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
        PQclear(PQexec(s->st->pg, sql));
    }
    free(s->values);
    free(s->sql);
    free(s);
}

void
sr_pg_reset(struct sr_pg_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->n_rows = 0;
}

int
sr_pg_bind(struct sr_pg_stmt *s, int i, const char *v)
{
    char *copy = NULL;

    if (i < 1 || i > s->n_params)
        return SR_DB_RANGE;
    if (v && !(copy = sr_strdup(v)))
        return SR_DB_NOMEM;
    free(s->values[i - 1]);
    s->values[i - 1] = copy;
    return SR_DB_OK;
}

int
sr_pg_bind_n(struct sr_pg_stmt *s, int i, const char *v, size_t len)
{
    char *copy;

    if (i < 1 || i > s->n_params)
        return SR_DB_RANGE;
    if (!(copy = malloc(len + 1)))
        return SR_DB_NOMEM;
    memcpy(copy, v, len);
    copy[len] = '\0';
    free(s->values[i - 1]);
    s->values[i - 1] = copy;
    return SR_DB_OK;
}

int
sr_pg_bind_int64(struct sr_pg_stmt *s, int i, int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return sr_pg_bind(s, i, buf);
}

int
sr_pg_bind_count(const struct sr_pg_stmt *s)
{
    return s->n_params;
}

int
sr_pg_step(struct sr_pg_stmt *s)
{
    struct sr_store *st = s->st;

    if (!s->res) {
        ExecStatusType status;

        s->res = PQexecPrepared(st->pg, s->name, s->n_params,
                                (const char *const *)s->values, NULL, NULL,
                                0);
        status = PQresultStatus(s->res);
        if (status == PGRES_COMMAND_OK) {
            st->pg_changes = (int)strtol(PQcmdTuples(s->res), NULL, 10);
            s->n_rows = 0;
        } else if (status == PGRES_TUPLES_OK) {
            const char *t = PQcmdTuples(s->res);

            /* INSERT … RETURNING counts its rows as changed. */
            st->pg_changes = t && *t ? (int)strtol(t, NULL, 10) : 0;
            s->n_rows = PQntuples(s->res);
        } else {
            keep_error(st, s->res);
            PQclear(s->res);
            s->res = NULL;
            return SR_DB_ERROR;
        }
        s->row = -1;
    }
    if (s->row + 1 < s->n_rows) {
        s->row++;
        return SR_ROW;
    }
    s->row = s->n_rows;
    return SR_DONE;
}

/* The current row's value of column i, NULL for NULL or no row. */
static const char *
value(const struct sr_pg_stmt *s, int i)
{
    if (!s->res || s->row < 0 || s->row >= s->n_rows || i < 0 ||
        i >= PQnfields(s->res) || PQgetisnull(s->res, s->row, i))
        return NULL;
    return PQgetvalue(s->res, s->row, i);
}

const char *
sr_pg_col_text(const struct sr_pg_stmt *s, int i)
{
    const char *v = value(s, i);

    /* SQLite reads a boolean as an integer; text of one reads 1/0. */
    if (v && PQftype(s->res, i) == BOOLOID)
        return *v == 't' ? "1" : "0";
    return v;
}

int64_t
sr_pg_col_int64(const struct sr_pg_stmt *s, int i)
{
    const char *v = sr_pg_col_text(s, i);

    /* As SQLite: NULL is 0, text its leading integer. */
    return v ? (int64_t)strtoll(v, NULL, 10) : 0;
}

size_t
sr_pg_col_bytes(const struct sr_pg_stmt *s, int i)
{
    const char *v = sr_pg_col_text(s, i);

    return v ? strlen(v) : 0;
}

int
sr_pg_col_type(const struct sr_pg_stmt *s, int i)
{
    const char *v = value(s, i);

    if (!v)
        return SR_COL_NULL;
    switch (PQftype(s->res, i)) {
    case BOOLOID:
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case OIDOID:
        return SR_COL_INTEGER;
    case NUMERICOID:
        /* sum() of bigints is numeric: whole when it has no point. */
        return strchr(v, '.') ? SR_COL_FLOAT : SR_COL_INTEGER;
    case FLOAT4OID:
    case FLOAT8OID:
        return SR_COL_FLOAT;
    case BYTEAOID:
        return SR_COL_BLOB;
    default:
        return SR_COL_TEXT;
    }
}

int
sr_pg_col_count(const struct sr_pg_stmt *s)
{
    /* Known once executed; SQLite knows it from the SQL.  The callers
     * (audit.c) read it after the first step. */
    return s->res ? PQnfields(s->res) : 0;
}

const char *
sr_pg_col_name(const struct sr_pg_stmt *s, int i)
{
    return s->res ? PQfname(s->res, i) : NULL;
}

/* ------------------------------------------------------------------ */
/* The connection                                                       */
/* ------------------------------------------------------------------ */

bool
sr_pg_uri(const char *path)
{
    return path && (!strncmp(path, "postgresql://", 13) ||
                    !strncmp(path, "postgres://", 11));
}

int
sr_pg_exec(struct sr_store *st, const char *sql)
{
    PGresult *res = PQexec(st->pg, sql);
    ExecStatusType status = PQresultStatus(res);
    int rc = SR_DB_OK;

    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        const char *t = PQcmdTuples(res);

        st->pg_changes = t && *t ? (int)strtol(t, NULL, 10) : 0;
    } else {
        keep_error(st, res);
        rc = SR_DB_ERROR;
    }
    PQclear(res);
    return rc;
}

bool
sr_pg_in_transaction(const struct sr_store *st)
{
    return PQtransactionStatus(st->pg) != PQTRANS_IDLE;
}

int64_t
sr_pg_last_id(struct sr_store *st)
{
    /* The identity an INSERT drew last in this session: the store reads
     * it right after the INSERT it wants the id of. */
    PGresult *res = PQexec(st->pg, "SELECT lastval()");
    int64_t id = 0;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        id = (int64_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else
        keep_error(st, res);
    PQclear(res);
    return id;
}

/* libpq reports a notice (a trigger's RAISE NOTICE, "transaction
 * already in progress") on stderr by default: the library never
 * prints. */
static void
quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

sr_error
sr_pg_connect(struct sr_store *st, const char *uri)
{
    st->pg = PQconnectdb(uri);
    if (!st->pg)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    if (PQstatus(st->pg) != CONNECTION_OK) {
        keep_error(st, NULL);
        return sr_store_fail(st, _("cannot connect to '%s': %s"), uri,
                             st->pg_error);
    }
    PQsetNoticeProcessor(st->pg, quiet, NULL);
    if (PQclientEncoding(st->pg) != pg_char_to_encoding("UTF8") &&
        PQsetClientEncoding(st->pg, "UTF8") != 0) {
        keep_error(st, NULL);
        return sr_store_fail(st, _("cannot use UTF-8 with '%s': %s"), uri,
                             st->pg_error);
    }
    return SR_OK;
}

void
sr_pg_close(struct sr_store *st)
{
    if (st->pg)
        PQfinish(st->pg);
    st->pg = NULL;
}
