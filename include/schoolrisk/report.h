/*
 * schoolrisk/report.h - reporting periods and the figures of the
 * compliance reports, computed from the database as of a period's end.
 *
 * This is the data layer of the reports (docs/design.md, "Reports"): every
 * figure a workbook shows comes from one of these structs, and every one
 * of them is reproducible from the database by one SQL query (the tests
 * recompute them so).  The workbook writer (report_xlsx) only lays them
 * out.
 *
 * "As of the period's end" (the day `end`, China time):
 *  - a school's assessment is its latest submitted assessment dated on
 *    or before `end` and still valid on `end` (its system's valid-months);
 *    otherwise the school counts as not assessed (未评估);
 *  - a hazard is counted when found on or before `end`; it is closed as
 *    of `end` when closed on or before `end`; overdue when not closed as
 *    of `end` and its deadline is before `end`; its status as of `end` is
 *    the to-status of its last event on or before `end` (China date of
 *    the event time);
 *  - the four-100% elements are the baseline as of `end`
 *    (sr_baseline_compute(..., end, ...)).
 * Rates are kept as (numerator, denominator) pairs; a rate with a zero
 * denominator is shown as "-".
 */
#ifndef SR_REPORT_H
#define SR_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/school.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;

/* --------------------------------------------------------------------
 * Periods
 * ------------------------------------------------------------------ */

/** Kinds of period. */
enum sr_period_kind {
    SR_PERIOD_MONTH,   /**< "2026-09" */
    SR_PERIOD_QUARTER, /**< "2026Q3" */
    SR_PERIOD_YEAR     /**< "2026" */
};

/** A reporting period: [start, end], both inclusive, China dates. */
struct sr_period {
    int kind;          /**< enum sr_period_kind */
    char label[16];    /**< canonical text: "2026Q3", "2026-09", "2026" */
    char name[32];     /**< Chinese: "2026年第三季度", "2026年9月", "2026年" */
    char start[11];    /**< "YYYY-MM-DD" */
    char end[11];      /**< "YYYY-MM-DD" */
};

/**
 * @brief Parse a period as people type it (years 1900..2999):
 *        a quarter "2026Q3" (also 2026q3, 2026-Q3, 2026年Q3,
 *        2026年第三季度, 2026年三季度, 2026年第3季度), a month "2026-09"
 *        (also 2026-9, 2026/09, 2026.09, 2026年9月) or a year "2026"
 *        (also 2026年, 2026年度).
 * @return SR_OK or SR_ERR_INPUT (@p out untouched).
 */
sr_error sr_period_parse(const char *text, struct sr_period *out);

/** @brief The period of the same kind just before @p p. */
void sr_period_prev(const struct sr_period *p, struct sr_period *out);

/**
 * @brief The period of @p kind (enum sr_period_kind) that holds @p date
 *        ("YYYY-MM-DD"): the quarter of today for a default.
 * @return SR_OK or SR_ERR_INPUT (not a valid date or kind; @p out
 *         untouched).
 */
sr_error sr_period_of(int kind, const char *date, struct sr_period *out);

/* --------------------------------------------------------------------
 * Figures
 * ------------------------------------------------------------------ */

/** A rate as a fraction; den == 0 means "no data". */
struct sr_rate {
    size_t num;
    size_t den;
};

/** One registry school as of the period's end (学校评估, 四个100%). */
struct sr_report_school {
    char code[11];
    char *name;
    char *district;          /**< code */
    char *district_name;
    struct sr_school school; /**< stage and attributes */
    bool assessed;           /**< has a valid assessment at the end */
    int64_t assessment;      /**< its id, or 0 */
    char assessed_on[11];    /**< or "" */
    char *inspector;         /**< or NULL */
    char *system;            /**< "primary 2026.1", or NULL */
    int64_t total;           /**< hundredths */
    char *band;              /**< band id, or NULL */
    char *band_label;        /**< 低风险…, or NULL */
    int colour;              /**< enum sr_colour of the band, or -1 */
    bool compliant;
    bool vetoed;
    char *veto_items;        /**< "D03.02.05 title; …", or NULL */
    char *dimensions;        /**< "D01 安全管理与责任落实 8.4/10.5; …" */
    size_t open_hazards;     /**< not closed at the end */
    size_t overdue_hazards;  /**< overdue at the end */
    bool baseline[SR_BASELINE_COUNT];
    bool baseline_unassessed[SR_BASELINE_COUNT]; /**< 未评估 (baseline
                                  false): the system of its assessment
                                  has no item for the element */
    char *baseline_why;      /**< each element not met or unassessed
                                  with its reason in Chinese,
                                  "专职保安员配备：…；护学岗：…"
                                  (sr_baseline_reason_text), or NULL */
};

/** One item below full points in an assessment counted (失分明细). */
struct sr_report_lost {
    char code[11];
    char *school_name;
    char *dimension;         /**< "D01 安全管理与责任落实" */
    char *item;              /**< item id */
    char *item_title;
    int64_t earned, max;     /**< millionths */
    char *value;             /**< the answer */
    char *note;              /**< the inspector's note, or NULL */
    int hazard;              /**< enum sr_hazard */
    bool veto;
};

/** One hazard of the ledger as of the period's end (隐患台账). */
struct sr_report_hazard {
    int64_t id;
    char code[11];
    char *school_name;
    char *district;          /**< code */
    char *district_name;
    char *item;              /**< or NULL */
    char *item_title;        /**< location / item, or NULL */
    char *description;
    int level;               /**< enum sr_hazard */
    char found_on[11];
    char *found_by;
    char *responsible;       /**< as of the end, or NULL */
    char *measures;          /**< or NULL */
    char deadline[11];       /**< or "" */
    int status;              /**< enum sr_hazard_status as of the end */
    char closed_on[11];      /**< "" unless closed by the end */
    int64_t days_overdue;    /**< as of the end; 0 when not overdue */
    int64_t days_late;       /**< closed by the end after its deadline:
                                  closed_on - deadline; else 0 */
    bool supervised;         /**< major: 挂牌督办 */
    int64_t recurrent_of;    /**< or 0 */
};

/** Per-stage line of the overview. */
struct sr_report_stage {
    int stage;               /**< enum sr_stage */
    size_t schools, assessed, compliant;
};

/** A district's KPIs for a period (概况, and a row of 区县汇总). */
struct sr_report_kpis {
    size_t schools;          /**< open schools in the registry */
    size_t assessed;         /**< with a valid assessment at the end */
    struct sr_rate coverage; /**< assessed / schools (评估覆盖率) */
    size_t compliant;
    struct sr_rate compliance; /**< compliant / schools (达标率) */
    size_t bands[4];         /**< assessed schools by enum sr_colour */
    size_t vetoed;
    size_t baseline_met[SR_BASELINE_COUNT];
    size_t baseline_unassessed[SR_BASELINE_COUNT]; /**< schools 未评估 on
                                  the element (their system has no item
                                  for it) */
    struct sr_rate baseline_rate[SR_BASELINE_COUNT]; /**< met / schools
                                  evaluated on it (schools - unassessed) */
    size_t four_met;         /**< schools meeting all four */
    size_t four_unassessed;  /**< schools 未评估 on some element and not
                                  met on none: neither met nor not met;
                                  schools - four_met - four_unassessed do
                                  not meet all four */
    bool four_100;           /**< schools > 0 and all meet all four */
    size_t hazards_found;    /**< found within the period */
    size_t hazards_closed;   /**< closed within the period */
    size_t hazards_open;     /**< not closed at the end (any found date) */
    size_t hazards_overdue;  /**< overdue at the end */
    size_t hazards_closed_late; /**< of hazards_closed: closed after their
                                     deadline (逾期销号) */
    struct sr_rate rectification; /**< closed / found, of the hazards
                                       found within the period (整改率) */
    size_t open_major;       /**< major and not closed at the end */
    struct sr_report_stage stages[SR_STAGE_COUNT];
};

/** Everything one district workbook shows. */
struct sr_report_district {
    char *code;
    char *name;
    struct sr_period period;
    struct sr_report_kpis kpis;
    struct sr_report_school *schools;  /**< registry order */
    size_t n_schools;
    struct sr_report_lost *lost;       /**< by school code, then item */
    size_t n_lost;
    struct sr_report_hazard *hazards;  /**< by id */
    size_t n_hazards;
    char **systems;   /**< "primary 2026.1 sha256 …", the systems used */
    size_t n_systems;
};

/**
 * @brief Compute a district's report for a period (district by code or
 *        name).
 * @return SR_OK; SR_ERR_NOT_FOUND (no such district); SR_ERR_DB;
 *         SR_ERR_NOMEM.  Message in the store.
 */
sr_error sr_report_district(struct sr_store *st, const char *district,
                            const struct sr_period *period,
                            struct sr_report_district *out);

/** @brief Free a district report; a zeroed one is fine. */
void sr_report_district_release(struct sr_report_district *r);

/* --------------------------------------------------------------------
 * The city workbook
 * ------------------------------------------------------------------ */

/** One district's line of 区县汇总. */
struct sr_report_city_district {
    char *code;
    char *name;
    struct sr_report_kpis kpis;
    size_t rank;  /**< by compliance rate (达标率), 1 = best; equal rates
                       share a rank (1, 2, 2, 4); districts without
                       schools are ranked last */
};

/** An assessed school ranked within its stage (peer group). */
struct sr_report_peer {
    int stage;             /**< enum sr_stage */
    size_t rank;           /**< within the stage, 1 = best: not vetoed
                                before vetoed, then by total (higher
                                first), then fewer overdue hazards, then
                                fewer open hazards; schools equal on all
                                four share a rank (listed by code) */
    size_t of;             /**< assessed schools of the stage */
    char code[11];
    char *name;
    char *district_name;
    int64_t total;         /**< hundredths */
    char *band_label;
    bool compliant;
    bool vetoed;
    size_t overdue_hazards; /**< overdue at the end */
    size_t open_hazards;    /**< not closed at the end */
};

/** The city's KPIs for one period of the trend. */
struct sr_report_trend {
    struct sr_period period;
    struct sr_report_kpis kpis;
};

/** Everything the city workbook shows. */
struct sr_report_city {
    struct sr_period period;
    struct sr_report_city_district *districts; /**< bureau order */
    size_t n_districts;
    struct sr_report_kpis total;          /**< the whole city */
    struct sr_report_school *noncompliant;  /**< assessed, not 达标
                                                 (vetoed included), by
                                                 district then code */
    size_t n_noncompliant;
    struct sr_report_hazard *major;       /**< open major hazards at the
                                               end, longest overdue first,
                                               then oldest found */
    size_t n_major;
    struct sr_report_school *off_baseline;  /**< schools not meeting some
                                                 element (未达到; a school
                                                 only 未评估 on some is not
                                                 listed), by district then
                                                 code */
    size_t n_off_baseline;
    struct sr_report_trend trend[12];     /**< the periods of the year
                                               so far, oldest first, this
                                               one last: a month's report
                                               its months, a quarter's its
                                               quarters, a year's its four
                                               quarters; only those with an
                                               assessed school */
    size_t n_trend;
    struct sr_report_peer *peers;         /**< by stage, then rank */
    size_t n_peers;
    char **systems;                       /**< as in a district report */
    size_t n_systems;
};

/**
 * @brief Compute the city report for a period.
 * @return SR_OK, SR_ERR_DB, SR_ERR_NOMEM (message in the store).
 */
sr_error sr_report_city(struct sr_store *st, const struct sr_period *period,
                        struct sr_report_city *out);

/** @brief Free a city report; a zeroed one is fine. */
void sr_report_city_release(struct sr_report_city *r);

#ifdef __cplusplus
}
#endif
#endif /* SR_REPORT_H */
