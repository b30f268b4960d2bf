/*
 * hazards_int.h - between the hazard rules (src/hazards.c) and their SQL
 * (src/store/hazards.c).  Not part of the public API.  No sqlite3 type
 * appears here: the rules decide, the store reads and writes.
 */
#ifndef SR_HAZARDS_INT_H
#define SR_HAZARDS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "schoolrisk/hazards.h"

/* store_int.h's transactions and messages, repeated here so that
 * src/hazards.c needs no sqlite3.h.  src/store/hazards.c includes both
 * headers, so the compiler checks that the declarations agree. */
sr_error sr_store_begin(struct sr_store *st);
sr_error sr_store_commit(struct sr_store *st);
void sr_store_rollback(struct sr_store *st);
sr_error sr_store_fail_code(struct sr_store *st, sr_error code,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
sr_error sr_store_fail_field(struct sr_store *st, sr_error code,
                             const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A school as the hazard rules see it. */
struct sr_hzdb_school {
    bool exists;
    bool closed;
    int stage;  /* enum sr_stage, -1 when the stored name is unknown */
};

sr_error sr_hzdb_school(struct sr_store *st, const char *code,
                        struct sr_hzdb_school *out);

/* True when code_or_name is a district's code or name. */
sr_error sr_hzdb_district_known(struct sr_store *st, const char *code_or_name,
                                bool *known);

/* Lock, until the transaction ends, what a new finding for the school
 * depends on: the school's row and every hazard of it not closed, so
 * that two writers never both see "no open hazard" for an item (two
 * hazards for one finding), nor link a finding to a hazard another
 * writer is moving.  Taken before the chain's lock (sr_audit_append):
 * a transition locks its hazard first and the chain second, and this
 * keeps that order (no deadlock).  See sr_hzdb_lock(). */
sr_error sr_hzdb_lock_school(struct sr_store *st, const char *school);

/* The hazard on (school, item) that is not closed: *id 0 when none. */
sr_error sr_hzdb_unclosed(struct sr_store *st, const char *school,
                          const char *item, int64_t *id, int *status);

/* The most recently closed hazard on (school, item) with closed_on >=
 * since: *id 0 when none. */
sr_error sr_hzdb_closed_since(struct sr_store *st, const char *school,
                              const char *item, const char *since,
                              int64_t *id);

/* Insert a new open hazard (h's strings already checked; found_on and
 * found_by final; recurrent_of 0 for none). */
sr_error sr_hzdb_insert(struct sr_store *st, const struct sr_hazard_new *h,
                        const char *found_on, const char *found_by,
                        int64_t recurrent_of, int64_t *id);

/* What the rules need to know of a hazard before a step.  Strings are
 * owned (sr_hzdb_state_release). */
struct sr_hzdb_state {
    int status;               /* enum sr_hazard_status */
    int level;                /* enum sr_hazard */
    char *submitted_by;       /* who submitted the rectification, or NULL */
    int64_t submitted_by_user;/* and their user id, 0 when none */
    char *reviewed_by;        /* who passed the district review, or NULL */
    int64_t reviewed_by_user;
};

/* Lock hazard id's row until the transaction ends, before its state is
 * read: on PostgreSQL (READ COMMITTED) two transactions may otherwise
 * both read the same state and decide on it; after this the second
 * waits for the first's COMMIT and reads what it wrote, the order
 * SQLite's BEGIN IMMEDIATE gives.  SQLite has no SELECT ... FOR UPDATE,
 * so the lock is a no-op UPDATE, one text both engines read.  No row
 * (no such hazard) is no error: sr_hzdb_state() says so. */
sr_error sr_hzdb_lock(struct sr_store *st, int64_t id);

/* Read the state of hazard id.  SR_ERR_NOT_FOUND: "no hazard N". */
sr_error sr_hzdb_state(struct sr_store *st, int64_t id,
                       struct sr_hzdb_state *out);
void sr_hzdb_state_release(struct sr_hzdb_state *hs);

/* Columns a transition sets; NULL (0) leaves a column as it is. */
struct sr_hzdb_set {
    const char *responsible;
    const char *measures;
    const char *deadline;
    const char *submitted_by;  /* with the actor's user id */
    const char *reviewed_on;   /* the district review passed: with the
                                  actor's name and user id */
    bool clear_review;         /* a rejection: the review is void */
    const char *closed_on;
};

/* Move hazard id from `from` to `to`, setting the columns of set.  The
 * row must still be in `from` (SR_ERR_STATE otherwise: the caller locks
 * the row with sr_hzdb_lock() before reading it, so this does not
 * happen). */
sr_error sr_hzdb_update(struct sr_store *st, int64_t id, int from, int to,
                        const struct sr_hzdb_set *set);

/* Append an event (from -1: the first) by the store's actor, now, with
 * the hazard's state after it and the assessment whose finding it
 * records (0: none), and chain it into the audit trail. */
sr_error sr_hzdb_event(struct sr_store *st, int64_t hazard,
                       int64_t assessment, int from, int to,
                       const char *note, const char *evidence,
                       int64_t *event_id);

/* Read one hazard (without the derived fields); SR_ERR_NOT_FOUND. */
sr_error sr_hzdb_get(struct sr_store *st, int64_t id,
                     struct sr_hazard_record *out);

sr_error sr_hzdb_events(struct sr_store *st, int64_t id,
                        struct sr_hazard_event **out, size_t *n);

/* The hazards matching f (today is used by f->overdue), by id. */
sr_error sr_hzdb_list(struct sr_store *st, const struct sr_hazard_filter *f,
                      const char *today, struct sr_hazard_record **out,
                      size_t *n);

/* How many match f, its page ignored. */
sr_error sr_hzdb_count(struct sr_store *st, const struct sr_hazard_filter *f,
                       const char *today, size_t *n);

#endif /* SR_HAZARDS_INT_H */
