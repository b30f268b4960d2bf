/*
 * store_int.h - what the files of src/store/ share: the connection
 * struct and small helpers around the seam to the engine (db.h).  Not
 * part of the public API; the engine's types never leave src/store/.
 */
#ifndef SR_STORE_INT_H
#define SR_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
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

/* head, then rows groups of cols parameters numbered from ?1, then
 * tail: ("INSERT INTO t(a, b) VALUES ", 2, 2, "") gives "INSERT INTO
 * t(a, b) VALUES (?1, ?2), (?3, ?4)"; ("... WHERE code IN ", 1, n, "")
 * an IN list of n.  A statement of many rows saves a round trip a row
 * on PostgreSQL.  Allocated (the caller frees it); NULL when out of
 * memory. */
char *sr_sql_groups(const char *head, int rows, int cols, const char *tail);

/* Rows per statement of sr_store_insert_rows(): at 22 columns 2,816
 * parameters, far below both engines' limits (SQLite 32766,
 * PostgreSQL 65535). */
#define SR_ROWS_PER_STMT 128

/* Rows to insert by statements of many (sr_store_insert_rows()). */
struct sr_rows {
    const char *head; /* "INSERT INTO t(a, b) VALUES " */
    int cols;         /* parameters a row */
    size_t n;         /* rows 0 .. n-1 */
    /* Bind row's parameters base + 1 .. base + cols of s. */
    void (*bind)(struct sr_stmt *s, int base, size_t row, const void *ctx);
    const void *ctx;
    /* What failed, for the message before the engine's: what_text
     * ("cannot store the scores"), or, when what is not NULL, what it
     * writes of a statement of count rows from first ("cannot add
     * school '...'"). */
    const char *what_text;
    void (*what)(char *buf, size_t size, size_t first, size_t count,
                 const void *ctx);
};

/* Insert r's rows by statements of SR_ROWS_PER_STMT rows, then of 64,
 * 32, ... 1 for the rest (at most eight statements of a kind, which the
 * cache keeps): a round trip a row cost PostgreSQL most of an import's
 * or a submission's time. */
sr_error sr_store_insert_rows(struct sr_store *st, const struct sr_rows *r);

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

/* Hold the audit chain for this transaction, up to its COMMIT or
 * ROLLBACK: SQLite's BEGIN IMMEDIATE holds the whole database already;
 * PostgreSQL takes a transaction-scoped advisory lock, so that two
 * writers append to the chain one after the other instead of both
 * reading the same head. */
sr_error sr_db_lock_chain(struct sr_store *st);

/* Hold district's sign-off state for this transaction: shared by the
 * submissions that check it (sr_signoff_guard_check()), exclusive by
 * the sign-off steps that change it, so that a submission never reads
 * "not locked" while a sign-off locks the period without it.  SQLite:
 * a no-op (BEGIN IMMEDIATE); PostgreSQL: a transaction-scoped advisory
 * lock on (a class of our own, hashtext(district)). */
sr_error sr_db_lock_district(struct sr_store *st, const char *district,
                             bool shared);

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

/* The China date (UTC+8) of time @p at into @p out, "YYYY-MM-DD", as
 * SQLite's date(at, '+8 hours') gives it, or "" when that is NULL (@p at
 * NULL or not a time).  A time the store wrote, "YYYY-MM-DDTHH:MM:SSZ",
 * is converted here; any other text is left to the engine's date().
 * The reports take the events' times this way rather than date() in
 * their SQL: PostgreSQL's date() (schema_pg.sql) is an SQL expression
 * costing some microseconds a row, tens of thousands of rows a city. */
sr_error sr_store_china_day(struct sr_store *st, const char *at,
                            char out[11]);

/* An SQL condition true for every time @p at (a column) whose China
 * date, as sr_store_china_day() gives it, is on or before the day
 * before @p next (a parameter: bind that day's next day), and false for
 * most later ones: a time's China date is on or after its own date (at
 * UTC or behind China) or at most a day before it (an offset up to
 * +14:59, SQLite's largest), so a time dated after @p next is later;
 * a time not written date first is kept. */
#define SR_SQL_DATED_BY(at, next) \
    "(substr(" at ", 1, 10) <= " next " OR " at " NOT LIKE '____-__-__%')"

/* A strdup of column i (NULL stays NULL); sets *nomem on failure. */
char *sr_column_dup(struct sr_stmt *s, int i, int *nomem);

/* Append the record (kind, ref) to the audit hash chain: kind is
 * "assessment" (a submitted assessment, its answers and scores) or
 * "hazard_event".  The record's content is read back from its rows, so
 * call it inside the transaction that wrote them, after writing. */
sr_error sr_audit_append(struct sr_store *st, const char *kind, int64_t ref);

/* The checkpoint record of a database created at the current schema
 * (PostgreSQL): what schema 2's upgrade chains on SQLite, so that a new
 * database's chain starts alike on both engines. */
sr_error sr_audit_first_checkpoint(struct sr_store *st);

/* A scope (auth.h) in SQL: the row's district column d and school column
 * c must fall in the districts bound to ?D or the schools bound to ?S
 * (JSON arrays); both NULL when there is no scope.  sr_bind_scope()
 * binds ?D = i and ?S = i + 1.  The casts type them for PostgreSQL,
 * which cannot infer a type from "?D IS NULL" (without them each
 * PREPARE was refused and tried again). */
#define SR_SCOPE_SQL(d, c, D, S)                                            \
    "(CAST(?" D " AS TEXT) IS NULL OR " d " IN (SELECT value FROM "         \
    "json_each(CAST(?" D " AS TEXT))) OR " c " IN (SELECT value FROM "      \
    "json_each(CAST(?" S " AS TEXT))))"

struct sr_scope;
sr_error sr_bind_scope(struct sr_store *st, struct sr_stmt *s, int i,
                       const struct sr_scope *scope);

/* Bind the acting user's id, or NULL when no user is signed in. */
int sr_bind_user(struct sr_store *st, struct sr_stmt *s, int i);

/* The chained state of a row as canonical JSON: the audit chain keeps
 * a snapshot of it with each event that changes the row, and `audit
 * verify` compares the row with its latest snapshot (audit.c).  The
 * text is SQLite's json_object() text, made in C for every engine
 * (rowjson.c).  SR_*_COLS list each state's columns in the order of its
 * keys: both are part of the hashed text and never change, or old
 * chains stop verifying.  The users' password and totp columns are
 * chained by their SHA-256, never as text. */
#define SR_HAZARD_COLS(h)                                                   \
    h ".id, " h ".school, " h ".item, " h ".item_title, " h ".assessment, " \
    h ".level, " h ".description, " h ".status, " h ".found_on, " h         \
    ".found_by, " h ".found_by_user, " h ".responsible, " h ".measures, "   \
    h ".deadline, " h ".submitted_by, " h ".submitted_by_user, " h          \
    ".reviewed_by, " h ".reviewed_by_user, " h ".reviewed_on, " h           \
    ".closed_on, " h ".recurrent_of, " h ".baseline"

/* The fields of a school's state every schema since 2 records: HEAD up
 * to special_needs, TAIL from contact; schema 5 puts its three fields
 * between them. */
#define SR_SCHOOL_COLS_HEAD(s)                                              \
    s ".code, " s ".name, " s ".district, " s ".stage, " s ".ownership, "   \
    s ".locale, " s ".boarding, " s ".school_bus, " s ".canteen, " s        \
    ".laboratory, " s ".swimming_pool, " s ".enrollment, " s ".boarders, "  \
    s ".special_needs, "
#define SR_SCHOOL_COLS_TAIL(s)                                              \
    s ".contact, " s ".phone, " s ".closed, " s ".updated_at, " s           \
    ".updated_by"

/* A school's state as schemas 2 to 4 recorded it, for the upgrade to
 * schema 2 (the columns of schema 5 do not exist yet when it runs). */
#define SR_SCHOOL_COLS_2(s) SR_SCHOOL_COLS_HEAD(s) SR_SCHOOL_COLS_TAIL(s)

/* Since schema 5, with staff, meal_delivery and village_school (the
 * upgrade recorded a version of every school in this form). */
#define SR_SCHOOL_COLS(s)                                                   \
    SR_SCHOOL_COLS_HEAD(s) s ".staff, " s ".meal_delivery, " s              \
    ".village_school, " SR_SCHOOL_COLS_TAIL(s)

#define SR_GRANT_COLS(g)                                                    \
    g ".id, " g ".user, " g ".role, " g ".district, " g ".school, " g       \
    ".granted_at, " g ".granted_by, " g ".revoked_at, " g ".revoked_by"

/* password_hash and totp_secret are chained as "password" and "totp",
 * by their SHA-256 (sr_user_state's hashed columns). */
#define SR_USER_COLS(u)                                                     \
    u ".id, " u ".login, " u ".name, " u ".unit, " u ".phone, " u           \
    ".password_hash, " u ".password_set_at, " u ".must_change, " u          \
    ".totp_secret, " u ".disabled, " u ".created_at, " u ".created_by"

/* An expert profile (experts.h), kept by each of its expert events. */
#define SR_EXPERT_COLS(x)                                                   \
    x ".user, " x ".unit, " x ".district, " x ".specialities, " x           \
    ".trained_on, " x ".certified_on, " x ".expires_on, " x ".status, " x   \
    ".updated_at, " x ".updated_by"

struct sr_buf;

/* One kind of chained state: the SQL that selects a row's SR_*_COLS by
 * its key (?1), the JSON key of each column, and which columns are
 * chained by their SHA-256 (bit i: column i). */
struct sr_state {
    const char *sql;
    const char *const *keys;
    size_t n;
    unsigned hashed;
};

extern const struct sr_state sr_hazard_state;   /* by hazard id */
extern const struct sr_state sr_school_state_2; /* by code, schemas 2-4 */
extern const struct sr_state sr_school_state;   /* by code */
extern const struct sr_state sr_user_state;     /* by user id */
extern const struct sr_state sr_grant_state;    /* by grant id */
extern const struct sr_state sr_expert_state;   /* by user id */

/* Append to b the JSON object of columns first .. first + n - 1 of the
 * current row of s, with keys[i] for column first + i, as SQLite's
 * json_object() writes it (rowjson.c says how); bit i of hashed: column
 * i is written as the SHA-256 of its text.  A REAL or BLOB column is
 * refused (SR_ERR_INTERNAL: STRICT tables hold none in a state).  On
 * failure b may hold part of the object; the message is on st. */
sr_error sr_rowjson_append(struct sr_store *st, struct sr_buf *b,
                           struct sr_stmt *s, int first,
                           const char *const *keys, size_t n,
                           unsigned hashed);

/* sr_rowjson_append() with the state's keys: the row's SR_*_COLS start
 * at column first. */
sr_error sr_state_append(struct sr_store *st, const struct sr_state *state,
                         struct sr_buf *b, struct sr_stmt *s, int first);

/* The state of the row with key id (or code) now, as a new string the
 * caller frees; *out NULL when there is no such row. */
sr_error sr_state_by_id(struct sr_store *st, const struct sr_state *state,
                        int64_t id, char **out);
sr_error sr_state_by_code(struct sr_store *st,
                          const struct sr_state *state, const char *code,
                          char **out);

/* Record the registry change that the caller's transaction made to the
 * schools in codes (n of them): a registry_changes row, a version of
 * each school, and the change's audit record. */
sr_error sr_store_registry_change(struct sr_store *st, const char *source,
                                  const char *const *codes, size_t n,
                                  size_t added, size_t updated,
                                  size_t closed);

/* A version of the school with code in the registry change change, in
 * the given state (sr_school_state, or sr_school_state_2 before schema
 * 5's columns exist); none when there is no such school. */
sr_error sr_store_school_version(struct sr_store *st, int64_t change,
                                 const struct sr_state *state,
                                 const char *code);

/* The C step of the upgrade to schema 2 (audit.c): chain what schema 1
 * left outside the chain.  Runs inside the upgrade's transaction. */
sr_error sr_store_migrate_2(struct sr_store *st);

/* The C step of the upgrade to schema 5 (schools.c): every school got
 * the new columns' defaults, a registry change recorded as such, with a
 * version of each school in the new form, so that the audit chain
 * still matches every row. */
sr_error sr_store_migrate_5(struct sr_store *st);

#endif /* SR_STORE_INT_H */
