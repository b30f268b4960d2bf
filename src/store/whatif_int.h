/*
 * whatif_int.h - the seam through which the what-if (整改预测,
 * store/whatif.c) runs the real computations in memory: the baseline
 * (store/baseline.c) and a district's KPIs (store/report.c) judged as
 * if some open hazards had been closed on the day judged.  Nothing is
 * written: the overlay changes the rows read, never the database.  Not
 * part of the public API.
 */
#ifndef SR_WHATIF_INT_H
#define SR_WHATIF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/baseline.h"
#include "schoolrisk/report.h"

/* Hazards taken as closed (复查通过、销号) on the day judged. */
struct sr_overlay {
    const int64_t *closed; /* ascending */
    size_t n;
};

/* Whether @p ov (NULL: none) closes hazard @p id. */
bool sr_overlay_closes(const struct sr_overlay *ov, int64_t id);

/* sr_baseline_compute() with the hazards of @p ov closed on @p as_of. */
sr_error sr_baseline_compute_overlay(struct sr_store *st, const char *district,
                                     const char *as_of,
                                     const struct sr_overlay *ov,
                                     struct sr_baseline_report *out);

/* sr_report_district_kpis() with the hazards of @p ov closed on the
 * period's end: counted closed, and the baseline judged so. */
sr_error sr_report_district_overlay(struct sr_store *st, const char *code,
                                    const struct sr_period *period,
                                    const struct sr_overlay *ov,
                                    struct sr_report_district *out);

#endif /* SR_WHATIF_INT_H */
