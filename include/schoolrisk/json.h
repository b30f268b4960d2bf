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

#include <stdbool.h>
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

/**
 * @brief The end of a builder: @p o when *ok stayed set, otherwise
 *        NULL after freeing @p o (a member failed to allocate).
 */
struct cJSON *sr_json_done(struct cJSON *o, int ok);

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

/** @brief An assessment row: kind, school, system, dates, who, status,
 *         the plan it was made for (an id, or null); total, band, 达标
 *         and veto once submitted. */
struct cJSON *sr_json_assessment(const struct sr_assessment *a);

/* --------------------------------------------------------------------
 * Reports and indicator systems (json_report.c, json_system.c): the
 * figures of report.h and a stored system's tree.
 * ------------------------------------------------------------------ */

struct sr_rate;
struct sr_period;
struct sr_report_kpis;
struct sr_report_district;
struct sr_report_city;

/**
 * @brief A rate as {"num": N, "den": D, "percent": P}: P is num / den
 *        in per cent with one decimal, rounded half away from zero in
 *        integers (1/8 is 12.5, 1/16 is 6.3), or null when den is 0.
 */
struct cJSON *sr_json_rate(const struct sr_rate *r);

/** @brief A period: label, kind ("month", "quarter", "year"), Chinese
 *         name, start and end. */
struct cJSON *sr_json_period(const struct sr_period *p);

/**
 * @brief A district's or the city's KPIs under the field names of the
 *        layouts (docs/report-layouts.md): schools, assessed, coverage,
 *        compliant, compliance, bands {blue, yellow, orange, red},
 *        vetoed, baseline {guards, closed-campus, alarm-video,
 *        protection-posts: {met, unassessed, rate}}, four_100,
 *        hazards {found,
 *        closed, open, overdue}, rectification, open_major, and stages
 *        [{stage, label, schools, assessed, compliant}] (those with
 *        schools).
 * @param all_four schools meeting all four elements (k->four_met),
 *        added to baseline as "all": {met, unassessed, rate}; NULL
 *        leaves it out (the trend's periods).  A rate's denominator
 *        leaves out the schools unassessed (未评估) on it.
 */
struct cJSON *sr_json_kpis(const struct sr_report_kpis *k,
                           const size_t *all_four);

/**
 * @brief A district's figures without its rows: code, name, period,
 *        kpis (with all four) and counts {schools, lost, hazards,
 *        systems} of the workbook's tables.
 */
struct cJSON *sr_json_report_district(const struct sr_report_district *r);

/**
 * @brief The city's figures: period, districts (each: rank, code, name,
 *        kpis with all four) in the bureau's order, total (the city
 *        total row), trend [{period, kpis}] oldest first, and counts
 *        {noncompliant, major, off_baseline, peers} of the other sheets.
 */
struct cJSON *sr_json_report_city(const struct sr_report_city *r);

/**
 * @brief A system's tree: id, version, title, description, basis, stages
 *        [{stage, label}], pass_line, valid_months, points, item_count,
 *        bands, and dimensions -> indicators -> items (dimensions and
 *        indicators with the sum of their points), each item with
 *        points (exact), method, choices (sr_item_choices()), unit,
 *        guidance, basis, veto, hazard level, baseline element (with
 *        Chinese labels), allow_na and its conditions
 *        (sr_conds_format(), "" when none).
 */
struct cJSON *sr_json_system(const struct sr_system *sys);

/* --------------------------------------------------------------------
 * The work on a school (json_checklist.c, json_assess.c,
 * json_baseline.c): its checklist, an assessment in progress, the
 * four-100% rows.
 * ------------------------------------------------------------------ */

struct sr_assess_ctx;
struct sr_baseline_school;
struct sr_baseline_district;

/**
 * @brief The items of @p sys that apply to @p school, grouped dimension
 *        → indicator → item, each with id, title, guidance, basis,
 *        points, method, allow_na, veto, hazard level, baseline element
 *        (with Chinese labels), unit, and "control": what its answer
 *        takes — the choices of a check (符合/不符合) or levels item with
 *        their fractions, a threshold's unit, direction and steps, a
 *        deduct item's points per finding, a ratio item's required
 *        amount derived from the school (or "entered": the answer is
 *        actual/required).  Every value shown is one the responses
 *        parser accepts.
 */
struct cJSON *sr_json_checklist(const struct sr_system *sys,
                                const struct sr_school *school);

/** @brief Stored answer @p i (an item index) of an opened assessment:
 *         item, title, value, na, note, files (SHA-256); null when the
 *         item is not answered. */
struct cJSON *sr_json_answer(const struct sr_assess_ctx *ctx, size_t i);

/** @brief Every stored answer of an opened assessment, in item order. */
struct cJSON *sr_json_answers(const struct sr_assess_ctx *ctx);

/** @brief How far an opened assessment has got: answered and applicable
 *         items, complete, the score so far (total, band, earned, max,
 *         vetoed; null total before any answer) and the missing items. */
struct cJSON *sr_json_progress(const struct sr_assess_ctx *ctx);

/** @brief A school's four-100% elements, each met or not with the
 *         reason and its status (met, not_met, unassessed: 未评估, the
 *         system has no item for it), all four (all_four, and
 *         all_four_status the same way), and its valid assessment. */
struct cJSON *sr_json_baseline_school(const struct sr_baseline_school *b);

/** @brief A district's four-100% figures: schools, per element the
 *         schools meeting it, those unassessed on it and the rate of the
 *         others (per cent, one decimal, rounded half up), all four met,
 *         unassessed and not met with the rate of those evaluated,
 *         reaches. */
struct cJSON *sr_json_baseline_district(const struct sr_baseline_district *d);

struct sr_expert;
struct sr_expert_work;
struct sr_expert_summary;

/** @brief An expert's profile (experts.h): login, name, unit, district
 *         and district_name, specialities (English names) and
 *         speciality_labels, the three dates, status and status_label,
 *         updated_at and updated_by; with @p as_of ("YYYY-MM-DD") also
 *         certified and due (re-training within SR_EXPERT_DUE_DAYS) on
 *         that day; with @p w also "workload": inspections, schools,
 *         hazards_general, hazards_major, findings_rate (hazards per
 *         inspection, exact, 2 decimals; null without inspections),
 *         findings_rate_text ("1.50" or "-") and last_inspection (or
 *         null). */
struct cJSON *sr_json_expert(const struct sr_expert *e, const char *as_of,
                             const struct sr_expert_work *w);

/** @brief The corps against the target: as_of, target, experts, active,
 *         certified, completion (certified per cent of the target, one
 *         decimal, rounded half up), due, due_days, districts [{code,
 *         name, experts, certified}] and specialities [{speciality,
 *         label, certified}]. */
struct cJSON *sr_json_expert_summary(const struct sr_expert_summary *s);

struct sr_plan;
struct sr_plan_progress;
struct sr_plan_assignment;

/** @brief A plan (plans.h, json_plan.c): id, state (and state_label),
 *         district (null: city-wide) and district_name, period, start,
 *         end, as_of, seed (a string: 64 bits), school_share and
 *         expert_share (permille), avoid_district, cap, pool_schools,
 *         pool_experts, the counts mandatory, drawn, unassigned and
 *         expert_count, created_by, created_at, published_at; with
 *         @p rows also "schools" in risk order (rank, school, name,
 *         district, reason, needs, every factor, expert, covered,
 *         missing, load_before, why; Chinese *_label/_labels beside the
 *         names) and "experts" in draw order (position, login, name,
 *         unit, district, specialities, prior: other plans' schools in
 *         the period, load: this plan's). */
struct cJSON *sr_json_plan(const struct sr_plan *p, bool rows);

/** @brief A plan's progress: plan, today, counts {done, due, overdue,
 *         total} and schools [{school, name, expert, status,
 *         status_label, assessment, assessed_on, linked}] in risk
 *         order. */
struct cJSON *sr_json_plan_progress(const struct sr_plan_progress *pr);

/** @brief An expert's assignment: plan, plan_district(_name), period,
 *         start, end, school, school_name, district(_name), rank,
 *         reason(_label), why, status(_label), assessment, assessed_on,
 *         linked, draft. */
struct cJSON *sr_json_plan_assignment(const struct sr_plan_assignment *a);

#ifdef __cplusplus
}
#endif
#endif /* SR_JSON_H */
