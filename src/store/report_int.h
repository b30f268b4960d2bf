/*
 * report_int.h - what report.c shares with report_city.c and
 * report_all.c: the KPIs alone for the trend, freeing the strings of one
 * report row, and building the city report from district reports
 * computed elsewhere (report all computes each district once, for its
 * own workbook and the city's).  Not part of the public API.
 */
#ifndef SR_REPORT_INT_H
#define SR_REPORT_INT_H

#include <stdbool.h>

#include "schoolrisk/baseline.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/report.h"

/* sr_report_district() without what only the district workbook shows
 * (dimension scores, veto items, lost points): for the KPIs of the
 * city's earlier trend periods. */
sr_error sr_report_district_kpis(struct sr_store *st, const char *code,
                                 const struct sr_period *period,
                                 struct sr_report_district *out);

/* sr_report_district() without the lost points (失分明细), which only
 * the district workbook shows, and with dimension scores and veto items
 * only for the schools the city lists (not compliant, or off the
 * four-100% baseline): for the city report alone. */
sr_error sr_report_district_for_city(struct sr_store *st, const char *code,
                                     const struct sr_period *period,
                                     struct sr_report_district *out);

/* The KPIs of district @p code as of each of the @p n periods @p ps,
 * equal to sr_report_district_kpis()' for each, from one read of its
 * schools, assessments and hazards (the city's trend).  @p out has
 * @p n entries. */
sr_error sr_report_district_trend(struct sr_store *st, const char *code,
                                  const struct sr_period *ps, size_t n,
                                  struct sr_report_kpis *out);

/* A hazard as the trend counts it: its row's values and the China date
 * of its last event ("" when none). */
struct sr_trend_hazard {
    int64_t id;
    char school[11];
    int level;
    char found_on[11];
    char deadline[11];  /* the row's, or "" */
    char closed_on[11]; /* or "" */
    char last_day[11];
};

/* What a district's report read (sr_report_district_and_trend()), so
 * the trend need not read it again: the hazards of its open schools
 * found on or before @p end, by id, and the report itself (its code,
 * name and schools). */
struct sr_trend_given {
    struct sr_trend_hazard *v;
    size_t n, alloc;
    const char *end;
    const struct sr_report_district *district;
};

/* sr_report_district_trend() with the baselines of its periods given
 * (@p bl: n reports, as of each period's end) and, unless @p hz is
 * NULL, the district's hazards (used when no period ends after
 * hz->end; otherwise read). */
sr_error sr_report_trend_kpis(struct sr_store *st, const char *code,
                              const struct sr_period *ps, size_t n,
                              const struct sr_baseline_report *bl,
                              const struct sr_trend_given *hz,
                              struct sr_report_kpis *out);

/* District @p code's report for @p period (sr_report_district(), or
 * sr_report_district_for_city() when @p for_city) and its KPIs in the
 * @p n earlier periods @p ps (sr_report_district_trend(); @p kpis has
 * n entries), the four-100% baselines of all the days from one read.
 * What report all computes for each district. */
sr_error sr_report_district_and_trend(struct sr_store *st, const char *code,
                                      const struct sr_period *period,
                                      bool for_city,
                                      const struct sr_period *ps, size_t n,
                                      struct sr_report_district *out,
                                      struct sr_report_kpis *kpis);

/* What report.c and report_trend.c share: the rules that count a
 * district's figures, whichever way its rows were read. */

/* The school of @p r with @p code (schools in code order), or NULL. */
struct sr_report_school *sr_report_find_school(struct sr_report_district *r,
                                               const char *code);
/* The colour of band @p id in @p sys, or -1. */
int sr_report_band_colour(const struct sr_system *sys, const char *id);
/* Hazard @p h as of @p end, its deadline as of the end set: closed then
 * (@p closed_on on or before the end: copied into h->closed_on), days
 * late at closure, overdue then and by how many days.  SR_ERR_INTERNAL
 * for a deadline that is no date. */
sr_error sr_report_hazard_judge(struct sr_store *st,
                                struct sr_report_hazard *h,
                                const char *closed_on, const char *end,
                                bool *closed, bool *overdue);
/* Count hazard @p h into r's KPIs and its school's counts. */
void sr_report_count_hazard(struct sr_report_district *r,
                            const struct sr_report_hazard *h, bool closed,
                            bool overdue);
/* r's four-100% KPIs from the baseline computed as of its end. */
void sr_report_baseline_kpis(struct sr_report_district *r,
                             const struct sr_baseline_report *bl);
/* r's school KPIs (counts, bands, stages, rates) from its schools. */
void sr_report_school_kpis(struct sr_report_district *r);

/* Whether any assessment was submitted dated on or before @p end: when
 * none was, every school of every district is unassessed then. */
sr_error sr_report_any_assessment(struct sr_store *st, const char *end,
                                  bool *any);

/* Free the strings a row owns (the row itself is in an array). */
void sr_report_school_release(struct sr_report_school *s);
void sr_report_hazard_release(struct sr_report_hazard *h);

/* A city total: start (four_100 assumed until a district misses it),
 * add each district's KPIs, finish (the rates of the sums). */
void sr_report_kpis_start(struct sr_report_kpis *t);
void sr_report_kpis_add(struct sr_report_kpis *t,
                        const struct sr_report_kpis *k);
void sr_report_kpis_finish(struct sr_report_kpis *t);

/* The periods of the trend of @p period's city report (趋势), oldest
 * first, at most 12: the year's periods of its kind up to it (a year's:
 * its four quarters).  The report's own period, when among them, has
 * the report's total.  Returns how many. */
size_t sr_report_trend_periods(const struct sr_period *period,
                               struct sr_period ps[12]);

/* A city report being built from its districts' reports, added in
 * bureau order (sr_registry_districts()).  A prior total whose
 * `assessed` is 0 is left out of the trend (sr_report_kpis_start()
 * alone for a period before any assessment). */
struct sr_city_build;

/* A builder for @p n_districts districts; NULL on SR_ERR_NOMEM. */
sr_error sr_city_build_new(const struct sr_period *period,
                           size_t n_districts, struct sr_city_build **out);
/* Merge the next district.  With @p keep @p d is left whole (what the
 * city shows is copied); otherwise rows may be moved out of it, and it
 * is only fit for sr_report_district_release() after. */
sr_error sr_city_build_add(struct sr_city_build *b,
                           struct sr_report_district *d, bool keep);
/* Rank, sort, add the trend (@p trend_k: the city totals of the
 * @p n_trend periods of sr_report_trend_periods(), in that order; the
 * entry of the report's own period is not read) and move the result
 * into @p out.  Frees @p b whatever it returns; @p out is untouched on
 * failure. */
sr_error sr_city_build_finish(struct sr_city_build *b,
                              const struct sr_report_kpis *trend_k,
                              size_t n_trend, struct sr_report_city *out);
/* Free a builder not finished; NULL is a no-op. */
void sr_city_build_free(struct sr_city_build *b);

#endif /* SR_REPORT_INT_H */
