/*
 * schoolrisk/date.h - calendar dates as people type them.
 *
 * Dates are stored and exchanged as "YYYY-MM-DD" (sr_date_valid(),
 * store.h).  Where a person types one (a CLI option, a field of the
 * API) the bureau's other ways of writing it are accepted too and
 * turned into that form here, in one place: 2026/12/31, 2026.12.31 and
 * 2026年12月31日, with or without leading zeros.  Reporting periods
 * (2026Q4, 2026年第四季度...) are parsed by sr_period_parse()
 * (report.h).
 */
#ifndef SR_DATE_H
#define SR_DATE_H

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Read a date typed by a person as "YYYY-MM-DD".
 *
 * Accepted: the year in four digits, then month and day in one or two
 * digits, separated by '-', '/' or '.' (the same one twice), or written
 * 2026年12月31日 (日 or 号 at the end).  The day must exist (2026-02-29
 * does not) and the year be in 1900..2999, as sr_date_valid() wants.
 *
 * @code
 *     char d[11];
 *     if (sr_date_parse("2026/9/1", d) == SR_OK)   // d is "2026-09-01"
 * @endcode
 *
 * @param text the text (NULL is refused)
 * @param out  receives the date, NUL-terminated; untouched on error
 * @return SR_OK or SR_ERR_INPUT.
 */
sr_error sr_date_parse(const char *text, char out[11]);

/**
 * @brief The date @p days days after @p date (before it when negative).
 *
 * @param date a valid "YYYY-MM-DD" (sr_date_valid())
 * @param days how many days to add
 * @param out  receives the date, NUL-terminated
 */
void sr_date_add_days(const char *date, int days, char out[11]);

#ifdef __cplusplus
}
#endif
#endif /* SR_DATE_H */
