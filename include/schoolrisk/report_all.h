/*
 * schoolrisk/report_all.h - every workbook of a period at once: each
 * district's and the city's (`schoolrisk report all`), and the city's
 * figures computed on several cores (`schoolrisk report city`).
 *
 * Each district's figures are computed once (report.h) and serve both
 * its own workbook and the city's: the city report is merged from the
 * district reports already computed, in bureau order, so that it is the
 * same as sr_report_city() gives.  The districts are computed and their
 * workbooks written by up to one thread per online CPU, each thread
 * reading through a read-only connection of its own
 * (sr_store_open_reader()); the city workbook is written last, once
 * every district is merged.
 *
 * A workbook that fails does not stop the others: every one that can be
 * written is written, and each one that was not is named in the result
 * with why.  The city workbook needs every district's figures: when one
 * district's figures cannot be computed, neither can the city's.
 */
#ifndef SR_REPORT_ALL_H
#define SR_REPORT_ALL_H

#include <stdbool.h>
#include <stddef.h>

#include "schoolrisk/error.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;

/** How sr_report_all() works. */
struct sr_report_all_options {
    const struct sr_layout *district_layout; /**< templates/reports/
                                                  district.csv */
    const struct sr_layout *city_layout;     /**< .../city.csv */
    const struct sr_report_meta *meta; /**< generated at / by and audit
                                            head of every workbook (its
                                            diags are not used: each
                                            workbook has its own) */
    int jobs; /**< threads at most; 0 (or more than the online CPUs):
                   one per online CPU; 1: all in the calling thread */
};

/** What became of one workbook. */
struct sr_report_all_item {
    char *name;     /**< the district's name; NULL for the city */
    char *path;     /**< OUT_DIR/历下区-2026Q3.xlsx, OUT_DIR/全市-... */
    sr_error rc;    /**< SR_OK: written */
    bool figures;   /**< rc is from computing the figures (why in
                         @p msg), not from writing the workbook */
    char *msg;      /**< why the figures failed, or NULL */
    struct sr_diags diags; /**< why the writing failed (the writer's
                                message, report_xlsx.h) */
};

/** Everything sr_report_all() did; release with
 *  sr_report_all_result_release(). */
struct sr_report_all_result {
    struct sr_report_all_item *v; /**< the districts in bureau order,
                                       then the city */
    size_t n;
    size_t written;                /**< items with rc SR_OK */
    int jobs;                      /**< threads that worked */
};

/**
 * @brief Write every district's workbook and the city's for @p period
 *        into the existing directory @p out_dir, named by
 *        sr_report_file_name().
 *
 * @p st is read in the calling thread; the other threads open their own
 * read-only connections to its file (an in-memory database is worked
 * by the calling thread alone).  Nothing is printed.
 * @code
 * struct sr_report_all_options o = {&dlay, &clay, &meta, 0};
 * struct sr_report_all_result res;
 * rc = sr_report_all(st, &period, "out", &o, &res);
 * for (i = 0; rc == SR_OK && i < res.n; i++)
 *     if (res.v[i].rc != SR_OK)
 *         ...name res.v[i].path...
 * sr_report_all_result_release(&res);
 * @endcode
 * @param out release it also after an error (harmless then)
 * @return SR_OK when every workbook was attempted (each one's fate in
 *         @p out); SR_ERR_INPUT (bad period), SR_ERR_DB (the districts
 *         cannot be read), SR_ERR_NOMEM: nothing was written, message in
 *         the store.
 */
sr_error sr_report_all(struct sr_store *st, const struct sr_period *period,
                       const char *out_dir,
                       const struct sr_report_all_options *o,
                       struct sr_report_all_result *out);

/** @brief Free a result; a zeroed one is fine. */
void sr_report_all_result_release(struct sr_report_all_result *r);

/**
 * @brief sr_report_city() on up to @p jobs threads (0: one per online
 *        CPU): the same figures, each district computed by a thread
 *        with its own read-only connection.
 * @return as sr_report_city(); a district's failure is the city's, with
 *         its message in @p st.
 */
sr_error sr_report_city_jobs(struct sr_store *st,
                             const struct sr_period *period, int jobs,
                             struct sr_report_city *out);

#ifdef __cplusplus
}
#endif
#endif /* SR_REPORT_ALL_H */
