/*
 * store_int.h - what the files of src/store/ share: the connection
 * struct and small helpers around the seam to the engine (db.h).  Not
 * part of the public API; the engine's types never leave src/store/.
 */
#ifndef SR_STORE_INT_H
#define SR_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "schoolrisk/store.h"
#include "db.h"

/* Stored systems already parsed, by (id, version): a stored version
 * never changes, so a parsed one stays right for the connection's life. */
#define SR_SYSTEM_CACHE 16

/* Prepared statements kept for reuse, by their SQL text: preparing is
 * most of the cost of a one-row statement, and the same few dozen
 * statements run thousands of times in an import or a submission. */
#define SR_STMT_CACHE 96

struct sr_stmt_slot {
    struct sr_stmt *s;
    uint64_t hash;  /* of the SQL text */
    int busy;       /* handed out and not yet finished */
};

struct pg_conn;

struct sr_store {
    sqlite3 *db;           /* SQLite's connection, or NULL */
    struct pg_conn *pg;    /* PostgreSQL's (libpq's PGconn), or NULL */
    char *pg_uri;          /* the URI it was opened with */
    char pg_error[512];    /* PostgreSQL: the last error's message */
    char pg_state[6];      /* and its SQLSTATE */
    uint64_t pg_names;     /* statements prepared on the server so far */
    int pg_changes;        /* rows the last statement changed */
    char *actor;
    int64_t user;      /* the authenticated user acting, 0: none (CLI) */
    time_t clock;      /* 0: the system clock */
    char *correction;  /* why a locked period is amended, or NULL
                          (sr_store_set_correction_reason, signoff.h) */
    char msg[1024];    /* last error */
    char field[48];    /* the input field it concerns, or "" */
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
/* As sr_store_fail_code, naming the input field at fault ("deadline"),
 * for a caller that shows the message beside the field. */
sr_error sr_store_fail_field(struct sr_store *st, sr_error code,
                             const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

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
                          struct sr_stmt **out);
void sr_store_finish(struct sr_store *st, struct sr_stmt *s);

/* SQL without a statement to keep (BEGIN, SAVEPOINT, DDL): SR_DB_OK or
 * the engine's error (sr_store_dberr() says it). */
int sr_db_exec(struct sr_store *st, const char *sql);
/* The id the last INSERT made, the rows the last statement changed, and
 * whether a transaction is open. */
int64_t sr_db_last_id(struct sr_store *st);
int sr_db_changes(struct sr_store *st);
bool sr_db_in_transaction(struct sr_store *st);

/* PostgreSQL (db_pg.c): whether a --db names it, connecting, the
 * statements (the cache in store.c keeps them as it keeps SQLite's) and
 * the connection's calls behind sr_db_*(). */
bool sr_pg_uri(const char *path);
sr_error sr_pg_connect(struct sr_store *st, const char *uri);
void sr_pg_close(struct sr_store *st);
sr_error sr_pg_prepare(struct sr_store *st, const char *sql,
                       struct sr_pg_stmt **out);
const char *sr_pg_sql(const struct sr_pg_stmt *s);
void sr_pg_clear(struct sr_pg_stmt *s);
void sr_pg_finalize(struct sr_pg_stmt *s);
int sr_pg_exec(struct sr_store *st, const char *sql);
bool sr_pg_in_transaction(const struct sr_store *st);
int64_t sr_pg_last_id(struct sr_store *st);
const char *sr_pg_errmsg(const struct sr_store *st);
char *sr_pg_rewrite(const char *sql, int *n);

/* BEGIN IMMEDIATE (take the write lock now, so that a busy database
 * waits for the busy timeout here rather than failing at COMMIT),
 * COMMIT, ROLLBACK. */
sr_error sr_store_begin(struct sr_store *st);
sr_error sr_store_commit(struct sr_store *st);
void sr_store_rollback(struct sr_store *st);

/* A read transaction for a consistent snapshot of several reads: BEGIN,
 * unless the connection is inside a transaction already (a sign-off
 * computes the figures it locks inside its write transaction), which
 * then is the snapshot; *own says whether sr_store_read_end() ends it. */
sr_error sr_store_read_begin(struct sr_store *st, bool *own);
void sr_store_read_end(struct sr_store *st, bool own);

/* A strdup of column i (NULL stays NULL); sets *nomem on failure. */
char *sr_column_dup(struct sr_stmt *s, int i, int *nomem);

/* Append the record (kind, ref) to the audit hash chain: kind is
 * "assessment" (a submitted assessment, its answers and scores) or
 * "hazard_event".  The record's content is read back from its rows, so
 * call it inside the transaction that wrote them, after writing. */
sr_error sr_audit_append(struct sr_store *st, const char *kind, int64_t ref);

/* A scope (auth.h) in SQL: the row's district column d and school column
 * c must fall in the districts bound to ?D or the schools bound to ?S
 * (JSON arrays); both NULL when there is no scope.  sr_bind_scope()
 * binds ?D = i and ?S = i + 1. */
#define SR_SCOPE_SQL(d, c, D, S)                                            \
    "(?" D " IS NULL OR " d " IN (SELECT value FROM json_each(?" D "))"     \
    " OR " c " IN (SELECT value FROM json_each(?" S ")))"

struct sr_scope;
sr_error sr_bind_scope(struct sr_store *st, struct sr_stmt *s, int i,
                       const struct sr_scope *scope);

/* Bind the acting user's id, or NULL when no user is signed in. */
int sr_bind_user(struct sr_store *st, struct sr_stmt *s, int i);

/* The chained state of a row as canonical JSON (SQLite's json_object:
 * the same text for the same values, whenever it is computed).  The
 * audit chain keeps a snapshot of it with each event that changes the
 * row, and `audit verify` compares the row with its latest snapshot
 * (audit.c).  sr_sha256() is an SQL function registered on every
 * connection (secrets are chained by their hash, never as text). */
#define SR_HAZARD_STATE(h)                                                  \
    "json_object('id'," h ".id,'school'," h ".school,'item'," h ".item,"    \
    "'item_title'," h ".item_title,'assessment'," h ".assessment,"          \
    "'level'," h ".level,'description'," h ".description,"                  \
    "'status'," h ".status,'found_on'," h ".found_on,"                      \
    "'found_by'," h ".found_by,'found_by_user'," h ".found_by_user,"        \
    "'responsible'," h ".responsible,'measures'," h ".measures,"            \
    "'deadline'," h ".deadline,'submitted_by'," h ".submitted_by,"          \
    "'submitted_by_user'," h ".submitted_by_user,"                          \
    "'reviewed_by'," h ".reviewed_by,'reviewed_by_user'," h                 \
    ".reviewed_by_user,'reviewed_on'," h ".reviewed_on,"                    \
    "'closed_on'," h ".closed_on,'recurrent_of'," h ".recurrent_of,"        \
    "'baseline'," h ".baseline)"

/* The fields of a school's state every schema since 2 records, in the
 * order of the JSON the audit chain hashes: HEAD up to special_needs,
 * TAIL from contact; schema 5 puts its three fields between them. */
#define SR_SCHOOL_STATE_HEAD(s)                                             \
    "json_object('code'," s ".code,'name'," s ".name,'district'," s          \
    ".district,'stage'," s ".stage,'ownership'," s ".ownership,"            \
    "'locale'," s ".locale,'boarding'," s ".boarding,'school_bus'," s       \
    ".school_bus,'canteen'," s ".canteen,'laboratory'," s ".laboratory,"    \
    "'swimming_pool'," s ".swimming_pool,'enrollment'," s ".enrollment,"    \
    "'boarders'," s ".boarders,'special_needs'," s ".special_needs,"
#define SR_SCHOOL_STATE_TAIL(s)                                             \
    "'contact'," s ".contact,'phone'," s ".phone,'closed'," s ".closed,"    \
    "'updated_at'," s ".updated_at,'updated_by'," s ".updated_by)"

/* A school's state as schemas 2 to 4 recorded it, for the upgrade to
 * schema 2 (the columns of schema 5 do not exist yet when it runs). */
#define SR_SCHOOL_STATE_2(s) SR_SCHOOL_STATE_HEAD(s) SR_SCHOOL_STATE_TAIL(s)

/* Since schema 5, with staff, meal_delivery and village_school (the
 * upgrade recorded a version of every school in this form). */
#define SR_SCHOOL_STATE(s)                                                  \
    SR_SCHOOL_STATE_HEAD(s)                                                 \
    "'staff'," s ".staff,'meal_delivery'," s ".meal_delivery,"              \
    "'village_school'," s ".village_school," SR_SCHOOL_STATE_TAIL(s)

#define SR_GRANT_STATE(g)                                                   \
    "json_object('id'," g ".id,'user'," g ".user,'role'," g ".role,"        \
    "'district'," g ".district,'school'," g ".school,'granted_at'," g       \
    ".granted_at,'granted_by'," g ".granted_by,'revoked_at'," g             \
    ".revoked_at,'revoked_by'," g ".revoked_by)"

#define SR_USER_STATE(u)                                                    \
    "json_object('id'," u ".id,'login'," u ".login,'name'," u ".name,"      \
    "'unit'," u ".unit,'phone'," u ".phone,'password',sr_sha256(" u         \
    ".password_hash),'password_set_at'," u ".password_set_at,"              \
    "'must_change'," u ".must_change,'totp',sr_sha256(" u ".totp_secret),"  \
    "'disabled'," u ".disabled,'created_at'," u ".created_at,"              \
    "'created_by'," u ".created_by)"

/* An expert profile (experts.h), kept by each of its expert events. */
#define SR_EXPERT_STATE(x)                                                  \
    "json_object('user'," x ".user,'unit'," x ".unit,'district'," x         \
    ".district,'specialities'," x ".specialities,'trained_on'," x           \
    ".trained_on,'certified_on'," x ".certified_on,'expires_on'," x         \
    ".expires_on,'status'," x ".status,'updated_at'," x ".updated_at,"      \
    "'updated_by'," x ".updated_by)"

/* Record the registry change that the caller's transaction made to the
 * schools in codes (n of them): a registry_changes row, a version of
 * each school, and the change's audit record. */
sr_error sr_store_registry_change(struct sr_store *st, const char *source,
                                  const char *const *codes, size_t n,
                                  size_t added, size_t updated,
                                  size_t closed);

/* The C step of the upgrade to schema 2 (audit.c): chain what schema 1
 * left outside the chain.  Runs inside the upgrade's transaction. */
sr_error sr_store_migrate_2(struct sr_store *st);

/* The C step of the upgrade to schema 5 (schools.c): every school got
 * the new columns' defaults, a registry change recorded as such, with a
 * version of each school in the new form, so that the audit chain
 * still matches every row. */
sr_error sr_store_migrate_5(struct sr_store *st);

#endif /* SR_STORE_INT_H */
