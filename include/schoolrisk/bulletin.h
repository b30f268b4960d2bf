/*
 * schoolrisk/bulletin.h - the bulletins of supervision: the monthly
 * dispatch of a district (月调度) and the city's quarterly bulletin
 * (季通报), as figures, JSON and printable workbooks.
 *
 * A bulletin says what changed.  Both are built from the figures of the
 * compliance reports (report.h), computed as of the end of the period
 * and as of the end of the period before it, so that a bulletin never
 * disagrees with the workbooks of the same periods:
 *
 *  - 月调度 (sr_bulletin_monthly()): one district, one month against the
 *    month before.  Hazards found in the month, closed in the month,
 *    overdue at the month's end and among them those newly overdue (not
 *    overdue at the previous month's end), newly supervised (挂牌督办:
 *    every major hazard is, so the major hazards found in the month);
 *    the inspections dated in the month; the schools due (no valid
 *    inspection) at the end against the previous end, and those newly
 *    due; the schools that fell off the four-100% baseline (all four
 *    met at the previous end, not at this end) with the elements lost
 *    and the reasons, and those that came back on; the district's KPIs
 *    against the previous month; the progress of the inspection plans
 *    (sr_plan_progress_as_of() at the month's end, omitted while there
 *    is none); the corrections of locked periods recorded in the month
 *    (更正说明, from the options' callback).
 *  - 季通报 (sr_bulletin_quarterly()): the city, one quarter against the
 *    quarter before.  Every district placed by the key of
 *    sr_bulletin_place() with its change of place; the schools not
 *    compliant (未达标: vetoed or below the pass mark) and the schools
 *    not assessed (未评估), named per district; the overdue major
 *    hazards, named; every KPI of the city against the previous
 *    quarter; each district's inspection plans' progress at the
 *    quarter's end; corrections to locked periods recorded in the
 *    quarter (更正说明), which a callback supplies
 *    (sr_signoff_bulletin_corrections(); omitted while it gives none).
 *
 * Lists refer to the rows of the reports they come from (struct
 * sr_bulletin_ref) instead of copying them: a bulletin owns its
 * reports and frees them with itself.
 */
#ifndef SR_BULLETIN_H
#define SR_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;
struct cJSON;

/* --------------------------------------------------------------------
 * KPIs against the previous period
 * ------------------------------------------------------------------ */

/** The KPIs a bulletin compares.  Append only. */
enum sr_bulletin_kpi_id {
    SR_BK_SCHOOLS,        /**< 学校数 */
    SR_BK_ASSESSED,       /**< 已评估 (valid at the end) */
    SR_BK_COVERAGE,       /**< 评估覆盖率 (rate) */
    SR_BK_COMPLIANT,      /**< 达标学校数 */
    SR_BK_COMPLIANCE,     /**< 达标率 (rate) */
    SR_BK_VETOED,         /**< 一票否决 */
    SR_BK_FOUR,           /**< 四个100%达标率: all four met / schools
                               evaluated on all four (rate) */
    SR_BK_GUARDS,         /**< 专职保安员配备达标率 (rate) */
    SR_BK_CLOSED_CAMPUS,  /**< 封闭化管理达标率 (rate) */
    SR_BK_ALARM_VIDEO,    /**< 一键式紧急报警和视频监控联网达标率 (rate) */
    SR_BK_PROTECTION,     /**< 护学岗设置达标率 (rate) */
    SR_BK_FOUND,          /**< 隐患发现数 (within the period) */
    SR_BK_CLOSED,         /**< 隐患销号数 (within the period) */
    SR_BK_RECTIFICATION,  /**< 整改率 (rate) */
    SR_BK_OPEN,           /**< 未整改隐患 (at the end) */
    SR_BK_OVERDUE,        /**< 逾期隐患 (at the end) */
    SR_BK_OPEN_MAJOR,     /**< 未整改重大隐患 (at the end) */
    SR_BK_OVERDUE_MAJOR,  /**< 逾期重大隐患 (at the end) */
    SR_BK_COUNT
};

/** One KPI now and at the end of the previous period.  A count is a
 *  rate with den 1. */
struct sr_bulletin_kpi {
    bool is_rate;
    struct sr_rate now;
    struct sr_rate prev;
};

/** @brief The KPI's key in JSON ("compliance"), or NULL. */
const char *sr_bulletin_kpi_name(int id);

/** @brief The KPI's Chinese label ("达标率"), or NULL. */
const char *sr_bulletin_kpi_label(int id);

/**
 * @brief Fill the KPIs of a district or the city: @p now and @p prev
 *        are the reports' KPIs of the period and the one before,
 *        @p overdue_major_* the overdue major hazards at each end.
 */
void sr_bulletin_kpis_fill(struct sr_bulletin_kpi out[SR_BK_COUNT],
                           const struct sr_report_kpis *now,
                           size_t overdue_major_now,
                           const struct sr_report_kpis *prev,
                           size_t overdue_major_prev);

/**
 * @brief The change of a KPI: for a count, now - prev; for a rate, the
 *        difference of the two percentages as shown (each rounded to
 *        tenths of a per cent), in tenths of a percentage point.
 * @return false when a rate has no denominator now or then (no change
 *         to show; *out is 0).
 */
bool sr_bulletin_change(const struct sr_bulletin_kpi *k, int64_t *out);

/* --------------------------------------------------------------------
 * The ranking of the quarterly bulletin
 * ------------------------------------------------------------------ */

/** What places a district. */
struct sr_bulletin_key {
    const char *code;          /**< district code: the order of ties */
    size_t schools;            /**< a district without schools is last */
    struct sr_rate compliance; /**< 达标率 */
    struct sr_rate four;       /**< 四个100%达标率 */
    struct sr_rate rectification; /**< 整改率 */
    size_t overdue_major;      /**< 逾期重大隐患 */
};

/**
 * @brief Place districts: by 达标率 (higher first), then 四个100%达标率,
 *        then 整改率 (a rate without a denominator counts as 0, except
 *        整改率: no hazard found in the period counts as 100%), then
 *        fewer overdue major hazards; districts without schools last.
 *        Districts equal on all four share a place (1, 2, 2, 4).
 * @param keys  @p n districts
 * @param place out: each district's place (1 = first)
 * @param order out (may be NULL): the indices of @p keys in the order
 *              of the ranking, ties by district code
 * @return SR_OK or SR_ERR_NOMEM.
 */
sr_error sr_bulletin_place(const struct sr_bulletin_key *keys, size_t n,
                           size_t *place, size_t *order);

/**
 * @brief The period a bulletin is about by default: the last one of
 *        @p kind (SR_PERIOD_MONTH or SR_PERIOD_QUARTER) that ended
 *        before @p today ("YYYY-MM-DD"): on 2026-12-06 the month
 *        2026-11 and the quarter 2026Q3.
 * @return SR_OK or SR_ERR_INPUT (bad date or kind; @p out untouched).
 */
sr_error sr_bulletin_last_period(int kind, const char *today,
                                 struct sr_period *out);

/**
 * @brief A bulletin workbook's file name: "历下区-2026-11-月调度.xlsx"
 *        (@p district its name), "全市-2026Q4-季通报.xlsx" (@p district
 *        NULL).  Truncated to fit, always NUL-terminated.
 */
void sr_bulletin_file_name(const char *district, const struct sr_period *p,
                           char *buf, size_t size);

/* --------------------------------------------------------------------
 * The monthly dispatch (月调度)
 * ------------------------------------------------------------------ */

/** One inspection dated in the month. */
struct sr_bulletin_inspection {
    int64_t id;
    char code[11];
    char *school_name;
    char assessed_on[11];
    char *inspector;      /**< or NULL */
    int64_t total;        /**< hundredths */
    char *band_label;     /**< or NULL */
    bool compliant;
    bool vetoed;
};

/** One inspection plan's progress at the end of the bulletin's period
 *  (检查计划进度): the published plans of the district, and the city's
 *  plans that list schools of it, whose period overlaps the bulletin's;
 *  counted over the district's schools of the plan, as
 *  sr_plan_progress_as_of() the period's last day says. */
struct sr_bulletin_plan {
    int64_t id;
    char *name;      /**< "历下区2026Q4检查计划（#3）"; "全市…" for the
                          city's */
    size_t schools;  /**< schools planned */
    size_t done;     /**< assessed for the plan */
    size_t due;      /**< not yet, not late */
    size_t overdue;  /**< not assessed by the plan's deadline */
};

/** A school off (or back on) the four-100% baseline. */
struct sr_bulletin_fell {
    size_t school;                 /**< index into now.schools */
    bool lost[SR_BASELINE_COUNT];  /**< the elements met at the previous
                                        end and not at this end (fell
                                        off); met now and not then (came
                                        back on) */
};

struct sr_bulletin_correction; /* below, with the quarterly bulletin */

/** The month's dispatch of one district. */
struct sr_bulletin_monthly {
    struct sr_report_district now;  /**< the month (as of its end) */
    struct sr_report_district prev; /**< the month before */
    struct sr_bulletin_kpi kpis[SR_BK_COUNT];
    /* Indices into now.hazards, by id. */
    size_t *found;          /**< found in the month */
    size_t n_found;
    size_t *closed;         /**< closed (销号) in the month */
    size_t n_closed;
    size_t *overdue;        /**< overdue at the month's end */
    size_t n_overdue;
    size_t *newly_overdue;  /**< of those, not overdue at the previous
                                 end (or found since) */
    size_t n_newly_overdue;
    size_t *supervised;     /**< newly supervised: major, found in the
                                 month */
    size_t n_supervised;
    struct sr_bulletin_inspection *inspections; /**< dated in the month,
                                                     by date then id */
    size_t n_inspections;
    size_t due_now;         /**< schools without a valid inspection at
                                 the end */
    size_t due_prev;        /**< the same at the previous end */
    size_t *newly_due;      /**< indices into now.schools: due now, not
                                 due then */
    size_t n_newly_due;
    struct sr_bulletin_fell *fell_off; /**< registry order */
    size_t n_fell_off;
    struct sr_bulletin_fell *back_on;  /**< registry order */
    size_t n_back_on;
    struct sr_bulletin_plan *plans;    /**< by period start, then id */
    size_t n_plans;
    struct sr_bulletin_correction *corrections; /**< recorded in the
                                                     month, the district's */
    size_t n_corrections;
};

struct sr_bulletin_options;

/**
 * @brief The monthly dispatch of @p district (code or name) for the
 *        month @p month.
 * @param opt may be NULL (no corrections)
 * @return SR_OK; SR_ERR_INPUT (@p month is not a month); SR_ERR_NOT_FOUND
 *         (no such district); SR_ERR_DB; SR_ERR_NOMEM.  Message in the
 *         store.  @p out is released on failure.
 * @code
 * struct sr_period m;
 * struct sr_bulletin_monthly b;
 * sr_period_parse("2026-11", &m);
 * if (sr_bulletin_monthly(st, "历下区", &m, NULL, &b) == SR_OK)
 *     printf("%zu found\n", b.n_found);
 * sr_bulletin_monthly_release(&b);
 * @endcode
 */
sr_error sr_bulletin_monthly(struct sr_store *st, const char *district,
                             const struct sr_period *month,
                             const struct sr_bulletin_options *opt,
                             struct sr_bulletin_monthly *out);

/** @brief Free a monthly dispatch; a zeroed one is fine. */
void sr_bulletin_monthly_release(struct sr_bulletin_monthly *b);

/**
 * @brief The derived lists of @p b from its two reports (what
 *        sr_bulletin_monthly() does once it has read them): every
 *        field but now, prev, inspections and plans.  Pure.
 * @return SR_OK or SR_ERR_NOMEM.
 */
sr_error sr_bulletin_monthly_derive(struct sr_bulletin_monthly *b);

/* --------------------------------------------------------------------
 * The quarterly bulletin (季通报)
 * ------------------------------------------------------------------ */

/** A row of a district's report in a quarterly bulletin. */
struct sr_bulletin_ref {
    size_t district; /**< index into reports */
    size_t row;      /**< index into its schools or hazards */
};

/** One district's line of the ranking. */
struct sr_bulletin_district {
    size_t report;       /**< index into reports */
    size_t place;        /**< 1 = first (sr_bulletin_place()) */
    size_t prev_place;   /**< the same for the previous quarter */
    struct sr_bulletin_kpi kpis[SR_BK_COUNT];
    size_t noncompliant; /**< assessed, not 达标 */
    size_t unassessed;   /**< without a valid assessment */
    /* Its inspection plans at the quarter's end (struct sr_bulletin_plan
     * summed; all 0 without a plan). */
    size_t plans;        /**< plans overlapping the quarter */
    size_t plan_schools, plan_done, plan_due, plan_overdue;
};

/** A correction of a locked period (更正说明): supplied by the
 *  sign-off module through sr_bulletin_options.  Strings are owned by
 *  the bulletin once returned (malloc'd; freed with it). */
struct sr_bulletin_correction {
    char *period;   /**< the locked period's label, "2026Q3" */
    char *district; /**< its name, or NULL for the city */
    char *what;     /**< what changed, in Chinese */
    char *by;       /**< who recorded it */
    char *at;       /**< when, "YYYY-MM-DD" */
    char *why;      /**< the reason given */
};

/**
 * Where corrections come from: fill *v (malloc'd array, each string
 * malloc'd) and *n with those to show on the bulletin of @p period (a
 * quarter, or a month) for @p district (its code; NULL: the whole
 * city).  Return SR_OK (nothing to show: *v NULL, *n 0) or an error
 * with the message in the store.  sr_signoff_bulletin_corrections()
 * (signoff.h) is the one the CLI and the service use.
 */
typedef sr_error (*sr_bulletin_corrections_fn)(
    void *ctx, struct sr_store *st, const char *district,
    const struct sr_period *period, struct sr_bulletin_correction **v,
    size_t *n);

/** Options of sr_bulletin_quarterly() and sr_bulletin_monthly(); NULL
 *  for none. */
struct sr_bulletin_options {
    sr_bulletin_corrections_fn corrections; /**< or NULL: none */
    void *ctx;
};

/** The city's quarterly bulletin. */
struct sr_bulletin_quarterly {
    struct sr_period period;
    struct sr_period prev;
    struct sr_report_district *reports; /**< every district for the
                                             quarter, bureau order */
    size_t n_reports;
    struct sr_bulletin_district *districts; /**< by place, ties by code */
    size_t n_districts;
    struct sr_bulletin_kpi city[SR_BK_COUNT]; /**< the whole city */
    struct sr_bulletin_ref *schools; /**< 未达标 and 未评估, by place of
                                          the district, then code */
    size_t n_schools;
    struct sr_bulletin_ref *overdue_major; /**< rows of hazards: major
                                          and overdue at the end, most
                                          days overdue first, then id */
    size_t n_overdue_major;
    struct sr_bulletin_correction *corrections;
    size_t n_corrections;
};

/**
 * @brief The quarterly bulletin for @p quarter.
 * @param opt may be NULL
 * @return SR_OK; SR_ERR_INPUT (not a quarter); SR_ERR_DB; SR_ERR_NOMEM;
 *         a callback's error.  Message in the store; @p out is released
 *         on failure.
 */
sr_error sr_bulletin_quarterly(struct sr_store *st,
                               const struct sr_period *quarter,
                               const struct sr_bulletin_options *opt,
                               struct sr_bulletin_quarterly *out);

/** @brief Free a quarterly bulletin; a zeroed one is fine. */
void sr_bulletin_quarterly_release(struct sr_bulletin_quarterly *b);

/** @brief The school row @p ref of @p b. */
const struct sr_report_school *
sr_bulletin_school_at(const struct sr_bulletin_quarterly *b,
                      const struct sr_bulletin_ref *ref);

/** @brief The hazard row @p ref of @p b. */
const struct sr_report_hazard *
sr_bulletin_hazard_at(const struct sr_bulletin_quarterly *b,
                      const struct sr_bulletin_ref *ref);

/** @brief 一票否决, 未达标 or 未评估: why a school is listed. */
const char *sr_bulletin_school_status(const struct sr_report_school *s);

/* --------------------------------------------------------------------
 * JSON (json_bulletin.c)
 * ------------------------------------------------------------------ */

/** @brief The monthly dispatch as JSON (docs/api.md); NULL when out of
 *         memory.  The caller frees it with cJSON_Delete(). */
struct cJSON *sr_json_bulletin_monthly(const struct sr_bulletin_monthly *b);

/** @brief The quarterly bulletin as JSON; as above. */
struct cJSON *
sr_json_bulletin_quarterly(const struct sr_bulletin_quarterly *b);

/* --------------------------------------------------------------------
 * Workbooks (report_xlsx.c)
 * ------------------------------------------------------------------ */

/** How a bulletin is issued: its date and number. */
struct sr_bulletin_issue {
    const char *date;   /**< 印发日期 "YYYY-MM-DD" */
    const char *number; /**< the number of 文号, or NULL for a blank the
                             bureau fills in ("济教安〔2026〕  号") */
};

/**
 * @brief Write the monthly dispatch workbook to @p path.
 *
 * Sheets: 月调度 (the bureau's head: title, 文号, issuing unit, date;
 * the KPIs against the previous month; the counts of the changes; the
 * plans' progress when there are plans), 隐患变化 (found, closed,
 * newly overdue, newly supervised), 检查与到期 (the month's inspections,
 * the schools newly due), 四个100%变化 (fell off, back on), 说明.  The
 * words (title, unit, 文号 prefix, signature, footer) come from the
 * layout's sheet 文字 (templates/reports/bulletin-monthly.csv).  A4,
 * printable as the report workbooks are.
 * @return as sr_report_write_district().
 */
sr_error sr_bulletin_write_monthly(const struct sr_bulletin_monthly *b,
                                   const struct sr_layout *layout,
                                   const struct sr_bulletin_issue *issue,
                                   const char *path,
                                   const struct sr_report_meta *meta);

/**
 * @brief Write the quarterly bulletin workbook to @p path.
 *
 * Sheets: 季通报 (the bureau's head; the ranking with places and
 * changes; the city's KPIs against the previous quarter; 更正说明 when
 * there are corrections), 未达标学校, 逾期重大隐患, 说明
 * (templates/reports/bulletin-quarterly.csv).
 * @return as sr_report_write_district().
 */
sr_error sr_bulletin_write_quarterly(const struct sr_bulletin_quarterly *b,
                                     const struct sr_layout *layout,
                                     const struct sr_bulletin_issue *issue,
                                     const char *path,
                                     const struct sr_report_meta *meta);

/**
 * @brief 文号 as printed: the layout's prefix (or 济教安), the year of
 *        @p issue's date in 〔〕 and the number or two blanks, then 号:
 *        "济教安〔2026〕  号".  Truncated to fit, NUL-terminated.
 */
void sr_bulletin_docno(const struct sr_layout *layout,
                       const struct sr_bulletin_issue *issue, char *buf,
                       size_t size);

#ifdef __cplusplus
}
#endif
#endif /* SR_BULLETIN_H */
