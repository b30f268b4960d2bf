/*
 * schoolrisk/audit.h - tamper evidence.
 *
 * Every submitted assessment (with its answers and scores) and every
 * hazard event is a record in a hash chain: each record carries the
 * SHA-256 of its content and of the previous record.  The content is a
 * canonical text built from the rows, so it can be rebuilt at any time.
 * sr_audit_verify() walks the chain and names the first record that was
 * altered or removed outside the program, or a record that was added
 * without being chained.
 */
#ifndef SR_AUDIT_H
#define SR_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Result of a verification. */
struct sr_audit_report {
    int64_t records;      /**< chain records checked */
    int ok;               /**< 1 when nothing was found wrong */
    char head[65];        /**< sha256 of the last record ("" if none) */
    char problem[512];    /**< the first problem found, or "" */
};

/**
 * @brief Walk the chain and check every record against the rows.
 * @return SR_OK when the walk completed (see report->ok for the
 *         verdict), or SR_ERR_DB / SR_ERR_NOMEM.
 */
sr_error sr_audit_verify(struct sr_store *st, struct sr_audit_report *rep);

/** @brief The head of the chain now ("" when empty). */
sr_error sr_audit_head(struct sr_store *st, char head[65]);

#ifdef __cplusplus
}
#endif
#endif /* SR_AUDIT_H */
