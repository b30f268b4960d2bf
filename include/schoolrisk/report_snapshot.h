/*
 * schoolrisk/report_snapshot.h - a district's report figures as one
 * canonical JSON text, and back (the snapshot a period sign-off locks,
 * signoff.h).
 *
 * The snapshot holds every field of struct sr_report_district, so that
 * a workbook written from the figures read back is the workbook written
 * from the figures the snapshot was made of.  The text is canonical:
 * keys in a fixed order, no spaces, numbers as integers (every figure
 * of report.h is a count or a fixed-point integer), so the same figures
 * always give the same bytes and the same SHA-256.
 *
 * Format 1:
 *   {"format":1,"code":…,"name":…,"period":{kind,label,name,start,end},
 *    "kpis":{…},"schools":[…],"lost":[…],"hazards":[…],"systems":[…]}
 * with the field names of report.h; a rate is [num,den], a school's
 * attributes are {"attr":[…],"set":N}; NULL strings are null.
 */
#ifndef SR_REPORT_SNAPSHOT_H
#define SR_REPORT_SNAPSHOT_H

#include "schoolrisk/error.h"
#include "schoolrisk/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The format written by sr_report_to_snapshot(). */
#define SR_SNAPSHOT_FORMAT 1

/**
 * @brief The canonical JSON text of @p r.
 * @param out receives a new string; the caller frees it with free()
 * @return SR_OK or SR_ERR_NOMEM (@p out NULL).
 * @code
 * char *json = NULL;
 * rc = sr_report_to_snapshot(&rep, &json);
 * @endcode
 */
sr_error sr_report_to_snapshot(const struct sr_report_district *r,
                               char **out);

/**
 * @brief Read a snapshot back into @p out (zeroed first).
 * @param out release with sr_report_district_release()
 * @return SR_OK; SR_ERR_INPUT (not JSON, another format, or a field
 *         missing or of the wrong type: @p out is then zeroed);
 *         SR_ERR_NOMEM.
 */
sr_error sr_report_from_snapshot(const char *text,
                                 struct sr_report_district *out);

/** How many characters of a snapshot's head hold its KPIs: the writer
 *  puts format, code, name and period first, then the KPIs (about 1,000
 *  characters), then the rows. */
#define SR_SNAPSHOT_HEAD 4096

/**
 * @brief The KPIs of a snapshot from its first characters only (a
 *        prefix of the text, such as its first SR_SNAPSHOT_HEAD), for
 *        a reader that wants the figures and not the rows (the trend of
 *        a city workbook): the rows are most of a snapshot's length.
 * @param head a prefix of a snapshot's text, or all of it
 * @param out  zeroed first
 * @return SR_OK; SR_ERR_NOT_FOUND when @p head does not hold the KPIs
 *         whole as a member of the top-level object of format
 *         SR_SNAPSHOT_FORMAT (cut too short, or not a snapshot: read it
 *         whole with sr_report_from_snapshot() to know which);
 *         SR_ERR_INPUT when it does but they are not well formed (a
 *         field missing or of the wrong type); SR_ERR_NOMEM.
 */
sr_error sr_report_kpis_from_snapshot_head(const char *head,
                                           struct sr_report_kpis *out);

#ifdef __cplusplus
}
#endif
#endif /* SR_REPORT_SNAPSHOT_H */
