/*
 * schoolrisk/responses.h - an inspector's answers to the items of one
 * indicator system for one school.
 *
 * Answers are parsed once into compact numbers, indexed like the
 * system's items, so that scoring does no text work.  The responses
 * file is CSV with the header `item,value,note` (docs/cli.md):
 *
 *   check      pass | fail (also 符合/不符合, 是/否)
 *   levels     one of the declared level values
 *   threshold  a number, at most 4 decimals
 *   deduct     a whole number of findings, >= 0; with reasons
 *              (format 2) reason=count;reason=count, or 0
 *   ratio      actual/required, or just actual when the requirement
 *              is derived from a school attribute
 *   any item   na, where the item allows it
 */
#ifndef SR_RESPONSES_H
#define SR_RESPONSES_H

#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest responses file accepted, in bytes. */
#define SR_RESPONSES_MAX_BYTES (4u << 20)

/** Whether and how an item was answered. */
enum sr_answer_state {
    SR_ANS_NONE,  /**< not answered */
    SR_ANS_VALUE, /**< answered with a value */
    SR_ANS_NA     /**< marked not applicable by the inspector */
};

/** One answer, as numbers.  Meaning of v and v2 by method:
 *  check: v 1 pass, 0 fail; levels: v index of the level among the
 *  item's levels; threshold: v the value in ten-thousandths; deduct: v
 *  the count (with reasons: v the points deducted in hundredths, v2
 *  the number of findings); ratio: v actual and v2 required, both
 *  ten-thousandths
 *  (v2 0 when the requirement is derived). */
struct sr_answer {
    int state; /**< enum sr_answer_state */
    int64_t v;
    int64_t v2;
};

/** The answers for one system (one entry per item, in item order). */
struct sr_responses {
    const struct sr_system *sys;
    size_t n;                 /**< number of items of the system */
    struct sr_answer *a;      /**< a[i] answers item i */
    char **value;             /**< raw answer text per item, or NULL */
    char **note;              /**< inspector's note per item, or NULL */
    long *line;               /**< line the answer came from, or 0 */
};

/**
 * @brief Prepare an empty set of answers for @p sys.
 * @return SR_OK or SR_ERR_NOMEM (then @p r needs no release).
 */
sr_error sr_responses_init(struct sr_responses *r,
                           const struct sr_system *sys);

/** @brief Free everything @p r holds; it must be initialised again. */
void sr_responses_release(struct sr_responses *r);

/**
 * @brief Answer one item, given as text.
 *
 * The item must exist in the system and apply to @p school; the value
 * must have the item's form; an item already answered is refused.  On
 * error a diagnostic naming @p file, @p line and the item is appended
 * and @p r is unchanged.
 * @return SR_OK, SR_ERR_INPUT or SR_ERR_NOMEM.
 */
sr_error sr_responses_set(struct sr_responses *r,
                          const struct sr_school *school, const char *item,
                          const char *value, const char *note,
                          struct sr_diags *diags, const char *file,
                          long line);

/**
 * @brief Parse a responses CSV held in memory (@p name for messages).
 *
 * Every bad row is reported; on error the answers of the good rows
 * remain set, and the caller should not score them.
 * @return SR_OK, SR_ERR_INPUT, SR_ERR_TOO_LARGE or SR_ERR_NOMEM.
 */
sr_error sr_responses_parse(struct sr_responses *r,
                            const struct sr_school *school,
                            const char *name, const char *buf, size_t len,
                            struct sr_diags *diags);

/** @brief As sr_responses_parse(), reading the file at @p path. */
sr_error sr_responses_load_file(struct sr_responses *r,
                                const struct sr_school *school,
                                const char *path, struct sr_diags *diags);

/**
 * @brief An answer as a reader reads it on a report, in Chinese.
 *
 * 符合 or 不符合 for a check, the level for levels, the number with the
 * item's unit for a threshold (15天), the count of findings with its
 * unit for deduct (3处; 处 when the item names none), actual and
 * required for a ratio (14人/应配16人, the requirement derived from
 * @p school when the item derives it), 不适用 for na, 检查组，按子项计分
 * for a format-2 group (it has no answer: its sub-items do).  A value
 * the item cannot read is given back as it was stored.
 * @return a new string the caller frees, or NULL when out of memory.
 */
char *sr_answer_text(const struct sr_system *sys, const struct sr_item *it,
                     const struct sr_school *school, const char *value);

/**
 * @brief The deductions of an answer to a deduct item with reasons
 *        (format 2), for a trace: "灭火器过期 2x1 + 通道堵塞 1x2" (each
 *        reason found, its count x its points per finding), "0" when
 *        nothing was found; @p value as it was stored when the item
 *        cannot read it.
 * @return a new string the caller frees; NULL for an item without
 *         reasons, or when out of memory.
 */
char *sr_answer_deductions(const struct sr_system *sys,
                           const struct sr_item *it, const char *value);

#ifdef __cplusplus
}
#endif
#endif /* SR_RESPONSES_H */
