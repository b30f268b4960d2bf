/*
 * period.h - the reporting period of a request (?period=), shared by
 * the figures (districts.c) and the workbooks (reports.c).
 */
#ifndef SR_WEB_PERIOD_H
#define SR_WEB_PERIOD_H

#include "web.h"

#include "schoolrisk/report.h"

/* ?period= as a quarter (2026Q3), a month (2026-09) or a year (2026);
 * without it, the quarter of today, China time.  false after answering
 * 400 naming the field period. */
bool web_period(struct web_req *r, struct sr_period *out);

/* A bulletin's period: ?month= (kind SR_PERIOD_MONTH) or ?quarter=
 * (SR_PERIOD_QUARTER); without it, the last one that has ended
 * (sr_bulletin_last_period()).  false after answering 400 naming the
 * field. */
bool web_bulletin_period(struct web_req *r, int kind, struct sr_period *out);

#endif /* SR_WEB_PERIOD_H */
