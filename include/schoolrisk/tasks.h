/*
 * schoolrisk/tasks.h - an inspector's work list (检查任务): the schools
 * the inspector's grants cover, each with its latest valid inspection
 * and when that expires, due ones first.
 *
 * An inspection stays valid for its system's valid-months (as for the
 * four-100% baseline, baseline.h): from assessed_on up to the day
 * before assessed_on + valid-months.  A school is
 *   none      without a valid inspection: due now (待检查);
 *   expiring  its inspection expires within SR_TASK_EXPIRING_DAYS days
 *             (即将到期);
 *   valid     otherwise (有效).
 * The list is ordered by urgency: none first (never inspected, then the
 * longest expired), then expiring and valid ones by expiry date, ties in
 * the registry's order (district, code).  Only inspections count, never
 * a school's self-inspection.
 *
 * The classification and the order are pure functions (src/tasks.c);
 * sr_tasks_list() reads the schools (src/store/tasks.c).
 */
#ifndef SR_TASKS_H
#define SR_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schoolrisk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sr_store;
struct sr_scope;

/** A task's status.  Order is the urgency order: append only. */
enum sr_task_status {
    SR_TASK_NONE,     /**< no valid inspection: due now */
    SR_TASK_EXPIRING, /**< valid, expires within SR_TASK_EXPIRING_DAYS */
    SR_TASK_VALID,    /**< valid for longer */
    SR_TASK_STATUS_COUNT
};

/** Days before expiry from which an inspection is "expiring". */
#define SR_TASK_EXPIRING_DAYS 30

/** @brief "none", "expiring", "valid"; NULL when unknown. */
const char *sr_task_status_name(int status);
/** @brief "待检查", "即将到期", "有效"; NULL when unknown. */
const char *sr_task_status_label(int status);
/** @brief The status named @p name, by its English name or its
 *         Chinese label; -1 when unknown or NULL. */
int sr_task_status_lookup(const char *name);

/** One school of the list.  Strings are owned. */
struct sr_task {
    char school[11];
    char *school_name;
    char *district;         /**< code */
    char *district_name;
    int stage;              /**< enum sr_stage */
    int status;             /**< enum sr_task_status */
    /* The latest submitted inspection, valid or not (id 0: none). */
    int64_t assessment;
    char assessed_on[11];   /**< "" without one */
    char expires_on[11];    /**< its last valid day + 1: it is valid
                                 before this day; "" without one */
    int64_t total;          /**< hundredths */
    char *band;             /**< band id, or NULL */
    char *band_label;       /**< 低风险..., or NULL */
    bool compliant;         /**< 达标 */
    bool vetoed;
    int64_t draft;          /**< the user's open inspection draft of the
                                 school, or 0 */
    size_t order;           /**< place in the registry's order */
};

/** A page of tasks, owned by the caller. */
struct sr_task_list {
    struct sr_task *v;
    size_t n;
    size_t total;                         /**< matches before paging */
    size_t counts[SR_TASK_STATUS_COUNT];  /**< every school by status */
    char today[11];                       /**< the day it was made for */
};

/** Which tasks sr_tasks_list() returns. */
struct sr_task_filter {
    const struct sr_scope *scope; /**< the inspector's schools (auth.h:
                                       sr_principal_scope() for the
                                       inspector role); NULL: every open
                                       school */
    int64_t user;          /**< whose open drafts to show, or 0 */
    const char *as_of;     /**< "YYYY-MM-DD", NULL for today */
    int status;            /**< enum sr_task_status, or -1 for all */
    size_t offset, limit;  /**< one page: limit 0 means all */
};

/**
 * @brief The status of a school whose latest inspection is of
 *        @p assessed_on (NULL or "": none) under a system valid for
 *        @p months, on @p today.
 * @param expires_on receives assessed_on + months ("" without one)
 * @return enum sr_task_status.
 */
int sr_task_classify(const char *assessed_on, int months, const char *today,
                     char expires_on[11]);

/**
 * @brief Order tasks by urgency (see the file comment).
 */
void sr_tasks_sort(struct sr_task *v, size_t n);

/**
 * @brief The open schools of @p f's scope as tasks, ordered by urgency,
 *        one page of them.
 *
 * @code
 * struct sr_task_filter f = {.scope = &scope, .user = me, .status = -1,
 *                            .limit = 20};
 * struct sr_task_list l;
 * if (sr_tasks_list(st, &f, &l) == SR_OK)
 *     for (size_t i = 0; i < l.n; i++)
 *         printf("%s %s\n", l.v[i].school,
 *                sr_task_status_name(l.v[i].status));
 * sr_task_list_release(&l);
 * @endcode
 *
 * @param out initialised by the call; release it with
 *            sr_task_list_release(), also after an error
 * @return SR_OK, SR_ERR_INPUT (bad date), SR_ERR_DB, SR_ERR_NOMEM;
 *         message in the store.
 */
sr_error sr_tasks_list(struct sr_store *st, const struct sr_task_filter *f,
                       struct sr_task_list *out);

/** @brief Free a list; a zeroed one is fine. */
void sr_task_list_release(struct sr_task_list *l);

#ifdef __cplusplus
}
#endif
#endif /* SR_TASKS_H */
