/*
 * schoolrisk/audit.h - tamper evidence.
 *
 * Every submitted assessment (with its answers, scores and baseline
 * evidence), every hazard event, every registry change, every stored
 * indicator system and every security event (logins, password and
 * permission changes) is a record in a hash chain: each record carries
 * the SHA-256 of its content and of the previous record.  The content
 * is a canonical text built from the rows, so it can be rebuilt at any
 * time.  Rows that change (hazards, schools, users, role grants) are
 * covered by the state snapshot their latest event recorded.
 *
 * sr_audit_verify() walks the chain and names the first record that was
 * altered or removed outside the program, a row added without being
 * chained, or a row that no longer matches its history.  A chain cut
 * short at its end is found by sr_audit_verify_head() given a head
 * exported earlier (sr_audit_head(), `schoolrisk audit head`, the 说明
 * sheet of every workbook).
 */
#ifndef SR_AUDIT_H
#define SR_AUDIT_H

#include <stdbool.h>
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

/**
 * @brief As sr_audit_verify(), and the chain must still hold the record
 *        whose hash is @p head (NULL: no such check), so that records
 *        removed from its end are found.
 * @return also SR_ERR_INPUT when @p head is not 64 lowercase hex digits.
 */
sr_error sr_audit_verify_head(struct sr_store *st, const char *head,
                              struct sr_audit_report *rep);

/** @brief The head of the chain now ("" when empty). */
sr_error sr_audit_head(struct sr_store *st, char head[65]);

/**
 * @brief The head of the chain now and the number of records up to it
 *        (its sequence number), what `schoolrisk audit head` prints to be
 *        kept elsewhere; "" and 0 when the chain is empty.  Reads the
 *        last record only: it does not verify the chain.
 */
sr_error sr_audit_head_records(struct sr_store *st, char head[65],
                               int64_t *records);

/** @brief True when @p s is 64 lowercase hex digits. */
bool sr_audit_hash_valid(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* SR_AUDIT_H */
