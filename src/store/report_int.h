/*
 * report_int.h - what report.c shares with report_city.c: freeing the
 * strings of one report row.  Not part of the public API.
 */
#ifndef SR_REPORT_INT_H
#define SR_REPORT_INT_H

#include "schoolrisk/report.h"

/* Free the strings a row owns (the row itself is in an array). */
void sr_report_school_release(struct sr_report_school *s);
void sr_report_hazard_release(struct sr_report_hazard *h);

#endif /* SR_REPORT_INT_H */
