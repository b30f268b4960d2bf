/*
 * schoolrisk/baseline.h - the four-100% campus-security baseline
 * (四个100%), per school and per district, as of a day.
 *
 * The baseline is dynamic (docs/design.md, "The four-100% baseline").  A school meets an
 * element on day D when
 *   - it has a valid assessment on D: its latest submitted assessment
 *     dated on or before D, and D is within the system's validity
 *     (valid-months) from that date;
 *   - that assessment scored at least one item tagged for the element;
 *   - every such item was at full points, or the hazard raised on it
 *     has since been closed (复查通过、销号) on or before D;
 *   - and no hazard on an item tagged for the element is open for the
 *     school (one added after the assessment turns the element off
 *     until it is closed).
 * A school without a valid assessment meets no element: unknown counts
 * as not met.
 *
 * An element has a third state, unassessed (未评估): the school's valid
 * assessment is under a system that declares it does not evidence the
 * element (format 2, baseline-unassessed on <system>), and no hazard
 * on the element is open (an open one is a known failure: not met).
 * A school then neither meets nor fails the element: each element's
 * rate is met / the schools evaluated on it (not unassessed), and a
 * school is counted under four 100% as met (all four met), not met
 * (some element not met) or unassessed (the rest: some element
 * unassessed, none not met).  A district "reaches four 100%" when it
 * has schools and every open school of its registry meets all four: a
 * school unassessed on an element cannot show it, so the district does
 * not reach it.
 */
#ifndef SR_BASELINE_H
#define SR_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;
struct sr_scope;

/** Why a school does not meet an element (the first cause found). */
enum sr_baseline_cause {
    SR_CAUSE_NONE,          /**< the element is met */
    SR_CAUSE_NO_ASSESSMENT, /**< no submitted assessment on or before the day */
    SR_CAUSE_EXPIRED,       /**< the latest one expired on `until` */
    SR_CAUSE_NO_EVIDENCE,   /**< it scored no item tagged for the element */
    SR_CAUSE_ITEM_LOST,     /**< `item` below full points, and no hazard on
                                 it closed since */
    SR_CAUSE_HAZARD_OPEN,   /**< `hazard` (on `item`, if any) not closed */
    SR_CAUSE_UNASSESSED     /**< not not met: unassessed (未评估), the
                                 system of `assessment` (`system_title`,
                                 `system_version`) has no item for it */
};

/** The cause of an element not met, with what names it. */
struct sr_baseline_reason {
    int cause;            /**< enum sr_baseline_cause */
    int64_t assessment;   /**< the assessment concerned, or 0 */
    char assessed_on[11]; /**< its date, or "" */
    char until[11];       /**< SR_CAUSE_EXPIRED: the day it expired */
    int64_t hazard;       /**< SR_CAUSE_HAZARD_OPEN: its id */
    char *item;           /**< the item's id, or NULL */
    char *item_title;     /**< its title in the assessment's system, or
                               NULL when the system does not have it */
    char *system_title;   /**< SR_CAUSE_UNASSESSED: the system's title */
    char *system_version; /**< SR_CAUSE_UNASSESSED: its version */
};

/**
 * @brief A reason as a reader reads it on a report: a Chinese sentence
 *        naming the item by id and title, whatever the locale, e.g.
 *        检查项“D02.01.01 专职保安员配备”在2026年10月12日的评估中未得满分，
 *        且此后未整改销号; for an element unassessed,
 *        指标体系<title>（<version>）未设置该要素的检查项.
 * @return a new string the caller frees; NULL for SR_CAUSE_NONE or when
 *         out of memory.
 */
char *sr_baseline_reason_text(const struct sr_baseline_reason *r);

/** One school's four elements. */
struct sr_baseline_school {
    char code[11];
    char *name;
    char *district;       /**< code */
    char *district_name;
    int stage;            /**< enum sr_stage */
    int64_t assessment;   /**< the valid assessment, or 0 */
    char assessed_on[11]; /**< its date, or "" */
    bool met[SR_BASELINE_COUNT];
    bool unassessed[SR_BASELINE_COUNT]; /**< 未评估 (then met is false):
                                       its system has no item for it */
    char *why[SR_BASELINE_COUNT]; /**< for an element not met or
                                       unassessed: why, in the locale's
                                       language */
    struct sr_baseline_reason reason[SR_BASELINE_COUNT]; /**< the same,
                                       structured */
};

/** One district's rates. */
struct sr_baseline_district {
    char *code;
    char *name;
    size_t schools;                 /**< open schools in the registry */
    size_t met[SR_BASELINE_COUNT];  /**< schools meeting each element */
    size_t unassessed[SR_BASELINE_COUNT]; /**< schools unassessed on each
                                       element: the rate of element e is
                                       met[e] / (schools - unassessed[e]) */
    size_t all_four;                /**< schools meeting all four */
    size_t four_unassessed;         /**< schools unassessed on some element
                                         and not met on none; the rest
                                         (schools - all_four -
                                         four_unassessed) do not meet all
                                         four.  The rate of all four is
                                         all_four / (schools -
                                         four_unassessed). */
    bool reaches;                   /**< schools > 0 and all meet all */
};

/** The whole answer; owned by the caller. */
struct sr_baseline_report {
    char as_of[11];
    struct sr_baseline_school *s;
    size_t n;
    struct sr_baseline_district *d;
    size_t nd;
};

/**
 * @brief Compute the baseline of every open school (of @p district when
 *        not NULL: a name or a code) as of @p as_of ("YYYY-MM-DD", NULL
 *        for today).
 * @return SR_OK, SR_ERR_NOT_FOUND (unknown district), SR_ERR_INPUT (bad
 *         date), SR_ERR_DB, SR_ERR_NOMEM; message in the store.
 */
sr_error sr_baseline_compute(struct sr_store *st, const char *district,
                             const char *as_of,
                             struct sr_baseline_report *out);

/**
 * @brief sr_baseline_compute() for a viewer who may see only @p scope
 *        (auth.h; NULL: everything): the open schools in it, and the
 *        rates of only those districts the scope covers whole (a rate
 *        is always over every school of its district).
 * @return as sr_baseline_compute().
 */
sr_error sr_baseline_compute_scoped(struct sr_store *st, const char *district,
                                    const char *as_of,
                                    const struct sr_scope *scope,
                                    struct sr_baseline_report *out);

/**
 * @brief sr_baseline_compute() as of each of @p days (NULL entries for
 *        today) from one read of the rows: the same reports as @p n
 *        calls, for the periods of a trend.
 * @param out @p n reports, each released with
 *        sr_baseline_report_release() (also after an error).
 * @return as sr_baseline_compute().
 */
sr_error sr_baseline_compute_days(struct sr_store *st, const char *district,
                                  const char *const *days, size_t n,
                                  struct sr_baseline_report *out);

/** @brief Free a report; a zeroed report is fine. */
void sr_baseline_report_release(struct sr_baseline_report *r);

/**
 * @brief The four elements of one school (open or closed) as of
 *        @p as_of ("YYYY-MM-DD", NULL for today), with the reason for
 *        each element not met: what sr_baseline_compute() gives for it.
 *
 * @code
 * struct sr_baseline_school b;
 * if (sr_baseline_school(st, "2137010231", NULL, &b) == SR_OK &&
 *     !b.met[SR_BASELINE_GUARDS])
 *     printf("%s\n", b.why[SR_BASELINE_GUARDS]);
 * sr_baseline_school_release(&b);
 * @endcode
 *
 * @param out release with sr_baseline_school_release(), also after an
 *            error (harmless then)
 * @return SR_OK, SR_ERR_NOT_FOUND (no such school), SR_ERR_INPUT (bad
 *         date), SR_ERR_DB, SR_ERR_NOMEM; message in the store.
 */
sr_error sr_baseline_school(struct sr_store *st, const char *code,
                            const char *as_of,
                            struct sr_baseline_school *out);

/** @brief Free the strings of @p b and zero it; NULL is a no-op. */
void sr_baseline_school_release(struct sr_baseline_school *b);

/**
 * @brief The day @p months calendar months after @p date (the day of
 *        the month clamped to the month's length: 2026-01-31 + 1 month is
 *        2026-02-28).  @p out receives "YYYY-MM-DD".
 */
void sr_date_add_months(const char *date, int months, char out[11]);

#ifdef __cplusplus
}
#endif
#endif /* SR_BASELINE_H */
