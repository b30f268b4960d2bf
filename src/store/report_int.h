/*
 * report_int.h - what report.c shares with report_city.c: the KPIs
 * alone for the trend, and freeing the strings of one report row.  Not
 * part of the public API.
 */
#ifndef SR_REPORT_INT_H
#define SR_REPORT_INT_H

#include <stdbool.h>

#include "schoolrisk/report.h"

/* sr_report_district() without what only the district workbook shows
 * (dimension scores, veto items, lost points): for the KPIs of the
 * city's earlier trend periods. */
sr_error sr_report_district_kpis(struct sr_store *st, const char *code,
                                 const struct sr_period *period,
                                 struct sr_report_district *out);

/* Whether any assessment was submitted dated on or before @p end: when
 * none was, every school of every district is unassessed then. */
sr_error sr_report_any_assessment(struct sr_store *st, const char *end,
                                  bool *any);

/* Free the strings a row owns (the row itself is in an array). */
void sr_report_school_release(struct sr_report_school *s);
void sr_report_hazard_release(struct sr_report_hazard *h);

#endif /* SR_REPORT_INT_H */
