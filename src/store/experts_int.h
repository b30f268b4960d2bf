/*
 * experts_int.h - between the rules of the expert corps (src/experts.c)
 * and their SQL (src/store/experts.c).  Not part of the public API; no
 * sqlite3 type appears here.
 *
 * Nothing in store/experts.c begins or commits a transaction: experts.c
 * holds one around every write (the profile, its expert event and the
 * event's audit record).
 */
#ifndef SR_EXPERTS_INT_H
#define SR_EXPERTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/experts.h"

/* The stored form of a speciality mask: the English names in vocabulary
 * order, joined by ',' (experts.c). */
#define SR_SPEC_TEXT_MAX 160
void sr_speciality_join(unsigned mask, char buf[SR_SPEC_TEXT_MAX]);

/* The profile of user, with the user's login and name; *found false
 * when the user has none (out untouched). */
sr_error sr_exdb_get(struct sr_store *st, int64_t user,
                     struct sr_expert *out, bool *found);

/* Insert or replace the profile e (e->district a code), with updated_at
 * now and updated_by the store's actor. */
sr_error sr_exdb_insert(struct sr_store *st, const struct sr_expert *e);
sr_error sr_exdb_update(struct sr_store *st, const struct sr_expert *e);

/* Append the expert event action ("expert_added", "expert_updated")
 * with the profile's state now, and chain it (audit record "expert"). */
sr_error sr_exdb_event(struct sr_store *st, int64_t user, const char *action);

/* The profiles matching f; district is f's district as a code (NULL:
 * any), as_of a valid date. */
sr_error sr_exdb_list(struct sr_store *st, const struct sr_expert_filter *f,
                      const char *district, const char *as_of,
                      sr_expert_fn fn, void *ctx);

/* Fill everything of out but as_of (set by the caller) and target. */
sr_error sr_exdb_summary(struct sr_store *st, struct sr_expert_summary *out);

/* The work of every expert who submitted an inspection dated on or
 * before to: per expert user, the figures of experts.h's struct
 * sr_expert_work for the period from .. to (valid dates, from <= to).
 * *out (free()) is sorted by user; *n rows. */
struct sr_exdb_work {
    int64_t user;
    struct sr_expert_work w;
};
sr_error sr_exdb_work(struct sr_store *st, const char *from, const char *to,
                      struct sr_exdb_work **out, size_t *n);

#endif /* SR_EXPERTS_INT_H */
