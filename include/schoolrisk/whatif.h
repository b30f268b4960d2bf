/*
 * schoolrisk/whatif.h - what-if (整改预测): which figures would change
 * if chosen open hazards were closed, for a school, a district or the
 * city, and which rectifications bring a district to 100% 达标 and four
 * 100% soonest (docs/design.md, "What-if").
 *
 * Nothing here writes to the database: every figure is computed in
 * memory by the same judges as the real one, with the chosen hazards
 * taken as closed (复查通过、销号) on the day asked:
 *  - a school's total, band, 达标 and veto: the scoring engine
 *    (sr_score()) on the answers of its valid assessment with the item
 *    of each closed hazard answered at full points
 *    (sr_whatif_full_answer()): what a new assessment re-answering those
 *    items, the real process after a rectification, would score.  A
 *    hazard without an item, or whose item the valid assessment did not
 *    score below full points (found on a later visit), changes no score;
 *  - the four-100% elements: the baseline judge (baseline.h) with those
 *    hazards closed on the day;
 *  - a district's rates and counts (达标率, each element's rate,
 *    four_100, open, overdue, open major): the KPI computation of the
 *    district workbook (report.h) over those schools and hazards;
 *  - the city: the districts' KPIs summed as the city workbook sums them.
 */
#ifndef SR_WHATIF_H
#define SR_WHATIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/report.h"
#include "schoolrisk/responses.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;

/** What a what-if is about. */
enum sr_whatif_scope {
    SR_WHATIF_SCHOOL,   /**< one school (and its district's rates) */
    SR_WHATIF_DISTRICT, /**< one district */
    SR_WHATIF_CITY      /**< every district and the city */
};

/** A what-if asked. */
struct sr_whatif_query {
    int scope;            /**< enum sr_whatif_scope */
    const char *code;     /**< the school's code, or the district's code
                               or name; NULL for the city */
    const int64_t *close; /**< the hazards to take as closed */
    size_t n_close;
    bool all_major;       /**< also every open major hazard of the scope */
    const char *as_of;    /**< "YYYY-MM-DD", NULL for today */
};

/** One school's figures, before or after. */
struct sr_whatif_figures {
    bool assessed;        /**< a valid assessment on the day */
    int64_t total;        /**< hundredths */
    char *band_label;     /**< 低风险…, or NULL when not assessed */
    int colour;           /**< enum sr_colour, or -1 */
    bool compliant;       /**< 达标 */
    bool vetoed;
    bool met[SR_BASELINE_COUNT];
    bool unassessed[SR_BASELINE_COUNT];
    bool four;            /**< all four met */
    size_t open_hazards;  /**< not closed on the day */
    size_t overdue_hazards;
};

/** A school with a hazard closed in the what-if. */
struct sr_whatif_school {
    char code[11];
    char *name;
    char *district;       /**< code */
    char *district_name;
    size_t closing;       /**< hazards of it taken as closed */
    size_t rescored;      /**< of those, items counted at full points */
    struct sr_whatif_figures before, after;
};

/** A district's or the city's KPIs, before and after. */
struct sr_whatif_area {
    char *code;           /**< NULL for the city */
    char *name;           /**< 全市 for the city */
    struct sr_report_kpis before, after;
};

/** The answer; release with sr_whatif_release(). */
struct sr_whatif {
    char as_of[11];
    int64_t *closed;      /**< the hazards taken as closed, ascending */
    size_t n_closed;
    struct sr_whatif_school *schools; /**< by code */
    size_t n_schools;
    struct sr_whatif_area *districts; /**< bureau order */
    size_t n_districts;
    struct sr_whatif_area city;       /**< SR_WHATIF_CITY only */
    bool has_city;
};

/**
 * @brief What closing the hazards of @p q would change.
 *
 * Every hazard named must be one of the scope's (the school's, or the
 * district's schools'), found on or before the day and not closed then.
 *
 * @code
 * int64_t ids[] = {12, 15};
 * struct sr_whatif_query q = {.scope = SR_WHATIF_DISTRICT, .code = "历下区",
 *                             .close = ids, .n_close = 2};
 * struct sr_whatif w;
 * if (sr_whatif_run(st, &q, &w) == SR_OK)
 *     printf("%zu -> %zu 达标\n", w.districts[0].before.compliant,
 *            w.districts[0].after.compliant);
 * sr_whatif_release(&w);
 * @endcode
 * @param out release with sr_whatif_release(), also after an error
 * @return SR_OK; SR_ERR_NOT_FOUND (no such school or district; a hazard
 *         not of the scope, the store's field "close"); SR_ERR_STATE (a
 *         hazard already closed, field "close"); SR_ERR_INPUT (bad date,
 *         bad scope, nothing to close); SR_ERR_DB; SR_ERR_NOMEM.
 */
sr_error sr_whatif_run(struct sr_store *st, const struct sr_whatif_query *q,
                       struct sr_whatif *out);

/** @brief Free a what-if; a zeroed one is fine. */
void sr_whatif_release(struct sr_whatif *w);

/* --------------------------------------------------------------------
 * Suggest (推荐整改顺序)
 * ------------------------------------------------------------------ */

/** An open hazard and what closing it alone gains. */
struct sr_whatif_gain {
    int64_t id;
    char code[11];        /**< its school */
    char *school_name;
    char *item;           /**< or NULL */
    char *item_title;     /**< or NULL */
    int level;            /**< enum sr_hazard */
    int64_t days_overdue; /**< on the day, 0 when not overdue */
    int64_t points;       /**< total gained, hundredths */
    bool compliant;       /**< the school becomes 达标 */
    bool four;            /**< the school reaches all four 100% */
};

/** A school's smallest sets of hazards, and its place in the order. */
struct sr_whatif_plan {
    char code[11];
    char *name;
    char *district_name;
    int64_t total_before, total_after; /**< hundredths; after: closing
                                            `both` */
    bool compliant_before, four_before;
    bool can_comply;      /**< closing hazards can make it 达标 */
    bool can_four;        /**< closing hazards can make it meet all four */
    int64_t *to_comply;   /**< the smallest set found for 达标 */
    size_t n_to_comply;
    int64_t *to_four;     /**< the set for all four (every open hazard on
                               an element: each alone keeps it off) */
    size_t n_to_four;
    int64_t *both;        /**< their union, ascending: the plan */
    size_t n_both;
    size_t compliant_then; /**< 达标 schools of the area once this plan
                                and every one before it are done */
    size_t four_then;      /**< schools meeting all four, likewise */
};

/** The suggestion for a district or the city. */
struct sr_whatif_suggest {
    char as_of[11];
    char *code;           /**< the district's code; NULL for the city */
    char *name;           /**< its name, or 全市 */
    size_t schools, compliant, four_met; /**< now */
    struct sr_whatif_gain *gains; /**< every open hazard, ranked */
    size_t n_gains;
    struct sr_whatif_plan *plans; /**< schools with something to gain,
                                       ranked */
    size_t n_plans;
};

/**
 * @brief Rank the open hazards of @p district (code or name; NULL: the
 *        city) as of @p as_of (NULL: today) by what closing each gains,
 *        and each school's smallest sets of hazards for 达标 and for
 *        four 100%, ranked (docs/design.md, "What-if": the keys).
 *
 * Hazards by: the school becomes 达标 (first), the school reaches four
 * 100%, points gained (more first), major before general, days overdue
 * (more first), id.  Plans by: targets the plan reaches (达标 and four
 * 100%, each counted when the school does not have it yet and the plan
 * gets it; more first), hazards it needs (fewer first), points gained
 * (more first), school code.  The set for 达标 is every open hazard on
 * a veto item the assessment failed, then greedily the hazard whose
 * closing raises the total most (the engine scores each step) until the
 * school is 达标: the smallest set when items gain independently
 * (always, but for a format-2 group item, whose points step with how
 * many sub-items failed).
 * @param out release with sr_whatif_suggest_release(), also after an
 *            error
 * @return SR_OK, SR_ERR_NOT_FOUND (no such district), SR_ERR_INPUT (bad
 *         date), SR_ERR_DB, SR_ERR_NOMEM.
 */
sr_error sr_whatif_suggest(struct sr_store *st, const char *district,
                           const char *as_of, struct sr_whatif_suggest *out);

/** @brief Free a suggestion; a zeroed one is fine. */
void sr_whatif_suggest_release(struct sr_whatif_suggest *s);

/* --------------------------------------------------------------------
 * As JSON (json.h: the caller frees with cJSON_Delete(); NULL when out
 * of memory)
 * ------------------------------------------------------------------ */

struct cJSON;

/** @brief A what-if: as_of, closed, schools (before/after figures),
 *         districts and city (before/after KPIs). */
struct cJSON *sr_json_whatif(const struct sr_whatif *w);

/** @brief A suggestion: the area's counts, plans ranked, hazards
 *         ranked. */
struct cJSON *sr_json_whatif_suggest(const struct sr_whatif_suggest *s);

/* --------------------------------------------------------------------
 * The rules (pure)
 * ------------------------------------------------------------------ */

/**
 * @brief The answer that counts item @p i of @p sys at full points for
 *        @p school: pass for a check, the level worth the item's points,
 *        a value reaching the step worth all (a threshold), no findings
 *        (deduct; by shortfall: the requirement), actual equal to the
 *        requirement (ratio: @p given_required, the one entered, or the
 *        derived one when 0).
 * @param a     receives the answer as numbers
 * @param text  receives it as an inspector types it (a new string the
 *              caller frees), or NULL when not wanted
 * @return SR_OK; SR_ERR_INPUT when the item has no such answer (a group:
 *         its sub-items are answered; a threshold without a full step);
 *         SR_ERR_NOMEM.
 */
sr_error sr_whatif_full_answer(const struct sr_system *sys,
                               const struct sr_school *school, size_t i,
                               int64_t given_required, struct sr_answer *a,
                               char **text);

#ifdef __cplusplus
}
#endif
#endif /* SR_WHATIF_H */
