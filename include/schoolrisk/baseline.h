/*
 * schoolrisk/baseline.h - the four-100% campus-security baseline
 * (四个100%), per school and per district, as of a day.
 *
 * The baseline is dynamic (DESIGN.md section 6).  A school meets an
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
 * as not met.  A district "reaches four 100%" when it has schools and
 * every open school of its registry meets all four.
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
    char *why[SR_BASELINE_COUNT]; /**< for an element not met: why */
};

/** One district's rates. */
struct sr_baseline_district {
    char *code;
    char *name;
    size_t schools;                 /**< open schools in the registry */
    size_t met[SR_BASELINE_COUNT];  /**< schools meeting each element */
    size_t all_four;                /**< schools meeting all four */
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

/** @brief Free a report; a zeroed report is fine. */
void sr_baseline_report_release(struct sr_baseline_report *r);

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
