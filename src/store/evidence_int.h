/*
 * evidence_int.h - between the evidence rules and files (src/evidence.c)
 * and their SQL (src/store/evidence.c).  Not part of the public API.
 */
#ifndef SR_EVIDENCE_INT_H
#define SR_EVIDENCE_INT_H

#include <stdbool.h>

#include "schoolrisk/evidence.h"

/* store_int.h's message setter, repeated so that src/evidence.c needs
 * no sqlite3.h (as in hazards_int.h). */
sr_error sr_store_fail_code(struct sr_store *st, sr_error code,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
sr_error sr_store_fail_field(struct sr_store *st, sr_error code,
                             const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record e (sha256, school, type, size, name) as uploaded now by the
 * store's actor; a second upload of the same file for the same school
 * keeps the first record.  Fills e's district, uploaded_at and
 * uploaded_by from the stored row.  SR_ERR_NOT_FOUND: no such school. */
sr_error sr_evdb_put(struct sr_store *st, struct sr_evidence *e);

/* SR_OK when school code is in the registry, else SR_ERR_NOT_FOUND
 * ("no school with code '...' in the registry"). */
sr_error sr_evdb_school(struct sr_store *st, const char *code);

/* Every record of sha256. */
sr_error sr_evdb_lookup(struct sr_store *st, const char *sha256,
                        struct sr_evidence **out, size_t *n);

/* True when sha256 was uploaded for school code. */
sr_error sr_evdb_has(struct sr_store *st, const char *code,
                     const char *sha256, bool *has);

#endif /* SR_EVIDENCE_INT_H */
