/*
 * schoolrisk/store.h - the database: opening, the schema and its
 * migrations, who and when, and the indicator systems stored in it.
 *
 * One SQLite file holds everything (default `schoolrisk.db`).  It runs
 * in WAL mode with foreign keys on, synchronous=FULL and a busy timeout,
 * so that concurrent writers wait instead of failing and a crash or a
 * power cut loses nothing that was committed.  The schema is versioned
 * with PRAGMA user_version and upgraded by ordered migrations, each
 * upgrade one transaction; a database written by a newer schoolrisk is
 * refused.  All SQL lives in src/store/ and every statement is prepared
 * with bound parameters.
 *
 * Every write records who made it (sr_store_set_actor()) and when
 * (the clock, which tests can pin with sr_store_set_clock()).
 *
 * Errors: functions return an sr_error; the store keeps the last
 * message (sr_store_errmsg()), naming what failed and SQLite's reason
 * ("database or disk is full", "attempt to write a readonly database").
 */
#ifndef SR_STORE_H
#define SR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The schema version this build writes. */
#define SR_SCHEMA_VERSION 13

/** A database connection (opaque). */
struct sr_store;

/** Flags for sr_store_open(). */
enum sr_store_open_flags {
    SR_STORE_CREATE = (1 << 0),   /**< create the file and migrate */
    /** open read-only, for a command that only reads: nothing is
     *  created, upgraded or set that writes.  Works where nothing can
     *  be written (a read-only medium or directory, a full disk): when
     *  SQLite cannot create the WAL index there, the file is read as it
     *  is (immutable), unless a "-wal" beside it holds changes, which
     *  is refused (SR_ERR_DB) rather than read without them.  Takes
     *  precedence over SR_STORE_CREATE. */
    SR_STORE_READONLY = (1 << 1),
    /** synchronous=NORMAL instead of FULL: commits are not flushed to
     *  disk one by one, so a power cut (not a crash of the program) may
     *  lose the last transactions, never corrupt the file.  Only for
     *  building databases that can be built again: the demo city, the
     *  benchmarks. */
    SR_STORE_BULK = (1 << 2)
};

/**
 * @brief Open the database at @p path.
 *
 * Without SR_STORE_CREATE (or with SR_STORE_READONLY) the file must
 * exist and be at SR_SCHEMA_VERSION (else SR_ERR_VERSION: "run
 * 'schoolrisk init'").  With it, a missing file is created and an older
 * schema upgraded.  A newer schema is always refused with
 * SR_ERR_VERSION.
 *
 * @param out receives the store (free with sr_store_close()); on error
 *            it is still set when non-NULL was possible, so that the
 *            message can be read: always call sr_store_close().
 * @return SR_OK, SR_ERR_VERSION, SR_ERR_DB or SR_ERR_NOMEM.
 */
sr_error sr_store_open(const char *path, int flags, struct sr_store **out);

/** @brief Close; NULL is a no-op. */
void sr_store_close(struct sr_store *st);

/**
 * @brief Another connection to the database file of @p st, read-only
 *        (SR_STORE_READONLY), with the same actor and clock: for a
 *        thread of its own, since a connection is used by one thread at
 *        a time.  It sees the file as committed, not a transaction that
 *        @p st holds open.
 * @param out receives the store, as sr_store_open(): always
 *            sr_store_close() it
 * @return SR_OK; SR_ERR_INPUT when @p st has no file (an in-memory
 *         database); the errors of sr_store_open().
 */
sr_error sr_store_open_reader(const struct sr_store *st,
                              struct sr_store **out);

/** @brief The last error message; "" when there is none. */
const char *sr_store_errmsg(const struct sr_store *st);

/** @brief The input field the last error concerns ("deadline",
 *         "value"...), or NULL when it concerns none in particular. */
const char *sr_store_errfield(const struct sr_store *st);

/** @brief Who is acting (recorded with every write): a name, for the
 *         CLI the OS user or --by.  Clears the user id. */
sr_error sr_store_set_actor(struct sr_store *st, const char *name);
const char *sr_store_actor(const struct sr_store *st);

/**
 * @brief An authenticated user is acting: every write records the
 *        user's id beside @p name, and the four-eyes rules compare ids.
 * @param user a user id (auth.h), or 0 to go back to a plain name
 */
sr_error sr_store_set_user(struct sr_store *st, int64_t user,
                           const char *name);

/** @brief The acting user's id; 0 when the actor is only a name. */
int64_t sr_store_user(const struct sr_store *st);

/**
 * @brief Pin the clock (seconds since the epoch, UTC) for reproducible
 *        runs; 0 returns to the system clock.
 */
void sr_store_set_clock(struct sr_store *st, time_t now);

/** @brief Now, in seconds since the epoch (the pinned clock if set). */
time_t sr_store_time(const struct sr_store *st);

/** @brief Now as "YYYY-MM-DDTHH:MM:SSZ" and today as "YYYY-MM-DD". */
void sr_store_now(const struct sr_store *st, char buf[32]);
void sr_store_today(const struct sr_store *st, char buf[16]);

/**
 * @brief Leave the WAL checkpoints to sr_store_checkpoint() (a server's
 *        background thread) instead of the connection that commits the
 *        1000th page: a checkpoint copies the log into the database and
 *        flushes it, which a user's request should not wait for.
 */
sr_error sr_store_defer_checkpoints(struct sr_store *st);

/**
 * @brief Copy what the write-ahead log holds into the database, as far
 *        as readers allow (a passive checkpoint: it waits for no one).
 * @param log_pages  receives the pages in the log, or NULL
 * @param done_pages receives the pages copied, or NULL
 */
sr_error sr_store_checkpoint(struct sr_store *st, int *log_pages,
                             int *done_pages);

/** @brief The schema version of the open database. */
int sr_store_schema_version(struct sr_store *st);

/**
 * @brief Check a calendar date "YYYY-MM-DD" (a real day of a real
 *        month, years 1900..2999).
 */
bool sr_date_valid(const char *s);

/* --------------------------------------------------------------------
 * Indicator systems stored in the database.
 * ------------------------------------------------------------------ */

/** What sr_store_load_system() did. */
enum sr_load_outcome {
    SR_LOAD_ADDED,     /**< a new (id, version) was stored */
    SR_LOAD_UNCHANGED  /**< the same file was already stored */
};

/**
 * @brief Store an indicator system's XML under (id, version).
 *
 * The text must load cleanly (diagnostics go to @p diags).  Loading a
 * different text under an (id, version) already stored is refused with
 * SR_ERR_CONFLICT: a stored version never changes, since assessments
 * point at it.  The SHA-256 of the text is stored with it.
 */
sr_error sr_store_load_system(struct sr_store *st, const char *name,
                              const char *xml, size_t len,
                              enum sr_load_outcome *outcome,
                              struct sr_diags *diags);

/** @brief As sr_store_load_system(), reading the file at @p path. */
sr_error sr_store_load_system_file(struct sr_store *st, const char *path,
                                   enum sr_load_outcome *outcome,
                                   struct sr_diags *diags);

/**
 * @brief Load a stored system by (id, version) from its stored text.
 * @param out caller frees with sr_system_free().
 * @return SR_OK, SR_ERR_NOT_FOUND, SR_ERR_DB, SR_ERR_NOMEM.
 */
sr_error sr_store_system(struct sr_store *st, const char *id,
                         const char *version, struct sr_system **out);

/**
 * @brief The current system for @p stage: of the stored systems that
 *        cover it, the one loaded last.
 * @return SR_OK, SR_ERR_NOT_FOUND ("no indicator system covers stage"),
 *         SR_ERR_DB, SR_ERR_NOMEM.
 */
sr_error sr_store_current_system(struct sr_store *st, int stage,
                                 struct sr_system **out);

/** @brief The stored SHA-256 (64 hex digits) of (id, version). */
sr_error sr_store_system_hash(struct sr_store *st, const char *id,
                              const char *version, char hash[65]);

/** A stored indicator system as listed (sr_store_systems()).  Strings
 *  are owned by the list. */
struct sr_stored_system {
    char *id;
    char *version;
    char *title;
    uint32_t stages;    /**< bit (1 << stage) per stage it covers */
    uint32_t current;   /**< the stages it is the current system of
                             (sr_store_current_system()) */
    char sha256[65];
    char *loaded_at;    /**< "YYYY-MM-DDTHH:MM:SSZ" */
    char *loaded_by;
    int64_t seq;        /**< load order, 1 for the first */
};

/**
 * @brief Every stored system, in load order (store/systems.c).
 * @param out receives an array the caller frees with
 *            sr_stored_systems_free() (NULL when none)
 * @return SR_OK, SR_ERR_DB, SR_ERR_NOMEM (@p out and @p n untouched).
 */
sr_error sr_store_systems(struct sr_store *st, struct sr_stored_system **out,
                          size_t *n);

/** @brief Free a list from sr_store_systems(); NULL is a no-op. */
void sr_stored_systems_free(struct sr_stored_system *v, size_t n);

/**
 * @brief SHA-256 of @p len bytes as 64 lowercase hex digits.
 */
void sr_sha256_hex(const void *data, size_t len, char hex[65]);

#ifdef __cplusplus
}
#endif
#endif /* SR_STORE_H */
