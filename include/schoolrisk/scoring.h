/*
 * schoolrisk/scoring.h - the scoring engine.
 *
 * sr_score() is a pure function: (system, school, responses) -> result,
 * with no I/O and no allocation, implementing docs/design.md's
 * scoring rules exactly:
 *
 *  1. items whose conditions fail, or marked na, leave both earned and
 *     maximum points at every level of the tree;
 *  2. earned = points x fraction in millionths of a point, exactly
 *     (ratio fractions rounded half away from zero to 4 decimals first;
 *     deduct earns max(0, points - count x per), summed over its
 *     reasons in format 2; a level given in points earns those points);
 *  3. total = 100 x earned / max rounded half away from zero to 2
 *     decimals; bands and the pass line compare that rounded total.
 *     Format 2: bonus items (附加分) add their earned points, at most
 *     the system's bonus cap, to earned and nothing to max, and the
 *     total is then at most 100;
 *  4. any applicable veto item not met vetoes: worst band, not
 *     compliant.  An item is met at full points; a format-2
 *     prerequisite worth 0 points, when answered pass (fraction 1): it
 *     never changes earned or maximum points;
 *  5. compliant = not vetoed and total >= pass line (and, for a draft
 *     scored so far, nothing left unanswered).
 *
 * Format 2 groups: a group item earns its points from its sub-items
 * (checks worth 0 points, scored first): rule "failed" by how many
 * failed, rule "deduct" per off each one failed, floored at 0; a failed
 * sub-item with zeroes takes it to 0.  It is scored when every
 * applicable sub-item is answered and one of them scored (pending
 * until then; na when none is scored); it raises no
 * hazard itself (SR_HAZARD_NONE), its failed sub-items do.  A deduct
 * item by shortfall earns points - (required - actual) x per, floored.
 *
 * Unanswered applicable items are left out like na items and counted
 * in `missing`: a draft can be scored "so far"; a submission requires
 * missing == 0 (rule 6 is the caller's to enforce).
 *
 * The result's arrays are allocated once by sr_result_init() for a
 * system and reused by every sr_score() call on that system, so
 * scoring many assessments allocates nothing.
 */
#ifndef SR_SCORING_H
#define SR_SCORING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What happened to an item. */
enum sr_item_status {
    SR_ITEM_SCORED,         /**< applicable and answered */
    SR_ITEM_NOT_APPLICABLE, /**< a condition does not hold */
    SR_ITEM_NA,             /**< the inspector marked it na */
    SR_ITEM_UNANSWERED,     /**< applicable, no answer yet */
    SR_ITEM_PENDING         /**< format 2: a group waiting for an answer
                                 to one of its sub-items (those are
                                 SR_ITEM_UNANSWERED and in `missing`) */
};

/** Per-item outcome. */
struct sr_item_result {
    int status;        /**< enum sr_item_status */
    int32_t fraction;  /**< ten-thousandths (deduct: earned/max rounded) */
    int64_t earned;    /**< millionths of a point */
    int64_t max;       /**< millionths; 0 unless scored */
    int64_t required;  /**< ratio, deduct by shortfall: the requirement
                            used, ten-thousandths */
    bool met;          /**< scored and at full points (a 0-point
                            prerequisite or sub-item: answered pass; a
                            bonus item: always) */
    int hazard;        /**< enum sr_hazard the answer implies: the item's
                            level, or in format 2 the answered level's;
                            SR_HAZARD_NONE when met or not scored, and
                            for a group (its sub-items raise them): an
                            item raises a hazard when scored, not met
                            and this is not SR_HAZARD_NONE */
};

/** Earned and maximum points of a node, millionths of a point. */
struct sr_node_result {
    int64_t earned;
    int64_t max;
};

/** A scored assessment. */
struct sr_result {
    const struct sr_system *sys;
    int64_t earned;     /**< millionths, bonus items not included */
    int64_t max;        /**< millionths */
    int64_t bonus;      /**< format 2: bonus points counted, millionths
                             (the bonus items' earned, capped) */
    int64_t total;      /**< hundredths of the 0..100 total */
    size_t band;        /**< index into sr_system_bands() */
    bool vetoed;
    bool compliant;
    size_t missing;     /**< applicable items without an answer */
    size_t scored;      /**< items scored */
    size_t lost;        /**< scored items not met (below full points,
                             or a failed 0-point prerequisite) */
    size_t veto_hits;   /**< veto items not met */
    bool baseline[SR_BASELINE_COUNT]; /**< element met */
    struct sr_node_result *dims;      /**< per dimension */
    struct sr_node_result *inds;      /**< per indicator */
    struct sr_item_result *items;     /**< per item */
};

/**
 * @brief Allocate a result's arrays for @p sys.
 * @return SR_OK or SR_ERR_NOMEM (then nothing needs releasing).
 */
sr_error sr_result_init(struct sr_result *res, const struct sr_system *sys);

/** @brief Free the result's arrays. */
void sr_result_release(struct sr_result *res);

/**
 * @brief True when @p sys is written for @p school's stage.
 */
bool sr_system_covers(const struct sr_system *sys,
                      const struct sr_school *school);

/**
 * @brief Score @p resp for @p school against @p sys into @p res.
 *
 * @p res must have been initialised for the same system, and @p resp
 * prepared for it.
 * @return SR_OK; SR_ERR_INPUT when no applicable item is scored (a
 *         system with nothing applicable to the school, or nothing
 *         answered yet): the per-item statuses are filled, the totals
 *         are zero.
 *
 * @code
 * struct sr_result res;
 * sr_result_init(&res, sys);
 * if (sr_score(sys, &school, &resp, &res) == SR_OK)
 *     printf("%lld.%02lld\n", res.total / 100, res.total % 100);
 * sr_result_release(&res);
 * @endcode
 */
sr_error sr_score(const struct sr_system *sys, const struct sr_school *school,
                  const struct sr_responses *resp, struct sr_result *res);

/**
 * @brief How far a draft is: the applicable items (every item but those
 *        whose applies_when does not hold for the school, and format-2
 *        groups, which are answered through their sub-items) and how many
 *        of them are answered (scored or marked na), from a result
 *        sr_score() filled, also one that returned SR_ERR_INPUT.
 *
 * "4/74 answered" is what a draft's score so far needs beside its band:
 * without it a partial total reads like a final one.
 */
void sr_result_progress(const struct sr_result *res, size_t *answered,
                        size_t *applicable);

/**
 * @brief The applicable items still unanswered, in the system's order:
 *        stores the index (into sr_system_items()) of the first @p max
 *        of them in @p idx (which may be NULL when @p max is 0).
 * @return how many there are in all (res->missing), which may be more
 *         than @p max.
 *
 * @code
 * size_t first[10], n = sr_result_unanswered(&res, first, 10);
 * for (i = 0; i < n && i < 10; i++)
 *     printf("%s\n", items[first[i]].id);
 * @endcode
 */
size_t sr_result_unanswered(const struct sr_result *res, size_t *idx,
                            size_t max);

#ifdef __cplusplus
}
#endif
#endif /* SR_SCORING_H */
