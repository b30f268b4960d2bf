/*
 * schoolrisk/json.h - the library's records as JSON.
 *
 * One shape per record, shared by the CLI's --json output and the
 * service's API (docs/api.md), so that the same nouns carry the same
 * keys from the database to the page.  Values are cJSON trees (Debian's
 * libcjson); the caller owns what a builder returns and frees it with
 * cJSON_Delete().  Every builder returns NULL when out of memory.
 *
 * Exact decimals (points, totals, rates) are raw JSON numbers written
 * from the scaled integers, never through a double: a total of 72.50 is
 * the text 72.50.
 */
#ifndef SR_JSON_H
#define SR_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/indicators.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/**
 * @brief Add @p val to object @p obj under @p key (or append it when
 *        @p obj is an array).  A NULL @p val (an allocation failed)
 *        clears *ok instead; check *ok once at the end.
 */
void sr_json_add(struct cJSON *obj, const char *key, struct cJSON *val,
                 int *ok);

/** @brief A string, or null for NULL. */
struct cJSON *sr_json_str(const char *s);

/** @brief A scaled decimal (v / 10^scale) as an exact raw number with at
 *         least @p min_decimals decimals. */
struct cJSON *sr_json_num(int64_t v, int scale, int min_decimals);

/** @brief A 64-bit integer as an exact raw number. */
struct cJSON *sr_json_int(int64_t v);

/**
 * @brief Why an item was not scored, in words: the failing condition
 *        ("enrollment>=1000"), "na", "unanswered", or NULL when it was
 *        scored.  *owned is set when the text was allocated (free it).
 */
const char *sr_result_reason(const struct sr_system *sys,
                             const struct sr_item *it,
                             const struct sr_item_result *ir,
                             const struct sr_school *school, char **owned);

/**
 * @brief A score with its derivation: total, band, 达标, veto items,
 *        missing items, dimensions, indicators, lost points, hazards,
 *        the four-100% elements, and every item with its value,
 *        fraction, earned and max (docs/cli.md, "score --json").
 */
struct cJSON *sr_json_result(const struct sr_system *sys,
                             const struct sr_school *school,
                             const struct sr_responses *resp,
                             const struct sr_result *res);

struct sr_school_record;
struct sr_hazard_record;
struct sr_hazard_event;
struct sr_assessment;

/** @brief A registry school: code, name, district, every attribute by
 *         its name (stage, ownership, locale with Chinese labels), contact,
 *         closed, last change. */
struct cJSON *sr_json_school(const struct sr_school_record *r);

/** @brief A hazard with its derived fields (overdue, supervised,
 *         awaiting_signoff) and Chinese labels of level and status. */
struct cJSON *sr_json_hazard(const struct sr_hazard_record *h);

/** @brief A hazard's history, oldest first; each event's evidence text
 *         and the SHA-256 of the files it refers to ("files"). */
struct cJSON *sr_json_hazard_events(const struct sr_hazard_event *v,
                                    size_t n);

/** @brief An assessment row: kind, school, system, dates, who, status;
 *         total, band, 达标 and veto once submitted. */
struct cJSON *sr_json_assessment(const struct sr_assessment *a);

#ifdef __cplusplus
}
#endif
#endif /* SR_JSON_H */
