/*
 * plans_int.h - what the rest of the library asks of inspection plans
 * (src/store/plans.c).  Not part of the public API.
 */
#ifndef SR_PLANS_INT_H
#define SR_PLANS_INT_H

#include <stdint.h>

#include "schoolrisk/error.h"

struct sr_store;

/* May an assessment of kind (enum sr_assess_kind) of school be made for
 * plan?  The plan must exist (SR_ERR_NOT_FOUND), be published and list
 * the school, and the assessment be an inspection (SR_ERR_STATE); the
 * message is in the store.  Call inside the caller's transaction. */
sr_error sr_plan_lists(struct sr_store *st, int64_t plan, int kind,
                       const char *school);

#endif /* SR_PLANS_INT_H */
