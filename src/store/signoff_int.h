/*
 * signoff_int.h - between the rules of period sign-off (src/signoff.c)
 * and their SQL (src/store/signoff.c).  Not part of the public API; no
 * sqlite3 type appears here.
 *
 * Nothing in store/signoff.c begins or commits a transaction: signoff.c
 * holds one around every write (the event and its audit record) and
 * reads the state it decides on inside it.
 */
#ifndef SR_SIGNOFF_INT_H
#define SR_SIGNOFF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/signoff.h"

/* An event to append; NULL strings and zero numbers are stored NULL
 * (version 0 as 0). */
struct sr_sodb_row {
    const char *district;
    const struct sr_period *period;
    int action;           /* enum sr_signoff_action */
    int state;            /* after; -1: unchanged (NULL) */
    int version;
    const char *school;
    int64_t assessment;
    const char *reason;
    bool counts;          /* schools and confirmed are stored */
    size_t schools, confirmed;
    const char *unconfirmed;
    const char *snapshot;
    const char *sha256;
    const char *diff;
};

/* Append the event, with at now and by the store's actor, and chain it
 * (audit record "signoff"). */
sr_error sr_sodb_insert(struct sr_store *st, const struct sr_sodb_row *r);

/* Fill the state part of out (state, version, signed_*, sha256,
 * decided_*, reason, pending, schools, confirmed) for (district code,
 * period); out->district and period are set by the caller. */
sr_error sr_sodb_status(struct sr_store *st, struct sr_signoff_status *out);

/* Lock district (a code)'s row until the transaction ends, before its
 * sign-off state is read by a write: on PostgreSQL (READ COMMITTED)
 * two sign-off steps of one district at once would otherwise both pass
 * the state check and both be recorded.  A no-op UPDATE, the one text
 * both engines read (SQLite has no SELECT ... FOR UPDATE). */
sr_error sr_sodb_lock(struct sr_store *st, const char *district);

/* The open schools of district not confirmed for period, in code order
 * (a new array of new strings in *codes, *n of them). */
sr_error sr_sodb_unconfirmed(struct sr_store *st, const char *district,
                             const char *period, char ***codes, size_t *n);

/* The same schools, with their names and the self-inspection each could
 * confirm (latest submitted, dated on or before end), one call of fn
 * each. */
sr_error sr_sodb_unconfirmed_each(struct sr_store *st, const char *district,
                                  const char *period, const char *end,
                                  sr_signoff_unconfirmed_fn fn, void *ctx);

/* School code: whether it exists, whether closed, its district (code),
 * and its latest submitted self-inspection dated on or before end (0:
 * none). */
sr_error sr_sodb_school(struct sr_store *st, const char *code,
                        const char *end, bool *exists, bool *closed,
                        char district[32], int64_t *self);

/* The snapshot of version (its text, a new string the caller frees, and
 * when it was made); *text NULL when there is none.  With head, its
 * first SR_SNAPSHOT_HEAD characters only (report_snapshot.h). */
sr_error sr_sodb_snapshot(struct sr_store *st, const char *district,
                          const char *period, int version, bool head,
                          char **text, char at[32]);

/* The events of (district, period) (both non-NULL), or those of
 * actions correct and amend from China date from to to in district
 * (NULL: all), oldest first. */
sr_error sr_sodb_history(struct sr_store *st, const char *district,
                         const char *period, sr_signoff_event_fn fn,
                         void *ctx);
sr_error sr_sodb_corrections(struct sr_store *st, const char *district,
                             const char *from, const char *to,
                             sr_signoff_event_fn fn, void *ctx);

/* The first locked (district, period) of district whose period holds
 * date: its label in label ("" when none). */
sr_error sr_sodb_locked_on(struct sr_store *st, const char *district,
                           const char *date, char label[16]);

/* For sr_assess_submit(), inside its transaction: an inspection of a
 * school in district dated on date.  check refuses it when date falls
 * in a locked period and no correction reason is set (*label receives
 * the period's label, "" when none is locked); record appends the
 * amendment once the assessment is submitted. */
sr_error sr_signoff_guard_check(struct sr_store *st, int64_t assessment,
                                const char *district, const char *date,
                                char label[16]);
sr_error sr_signoff_guard_record(struct sr_store *st, int64_t assessment,
                                 const char *school, const char *district,
                                 const char *label);

#endif /* SR_SIGNOFF_INT_H */
