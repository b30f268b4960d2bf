/*
 * tasks.c - an inspector's work list: how a school's latest inspection
 * classifies it and the order of urgency (tasks.h).  Pure functions;
 * the SQL is in src/store/tasks.c.
 */
#include "schoolrisk/tasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schoolrisk/baseline.h"
#include "schoolrisk/date.h"
#include "schoolrisk/store.h"

static const char *const names[SR_TASK_STATUS_COUNT] = {"none", "expiring",
                                                        "valid"};
static const char *const labels[SR_TASK_STATUS_COUNT] = {"待检查", "即将到期",
                                                         "有效"};

const char *
sr_task_status_name(int status)
{
    return status >= 0 && status < SR_TASK_STATUS_COUNT ? names[status]
                                                        : NULL;
}

const char *
sr_task_status_label(int status)
{
    return status >= 0 && status < SR_TASK_STATUS_COUNT ? labels[status]
                                                        : NULL;
}

int
sr_task_status_lookup(const char *name)
{
    int i;

    for (i = 0; name && i < SR_TASK_STATUS_COUNT; i++)
        if (!strcmp(name, names[i]) || !strcmp(name, labels[i]))
            return i;
    return -1;
}

int
sr_task_classify(const char *assessed_on, int months, const char *today,
                 char expires_on[11])
{
    char soon[11];

    expires_on[0] = '\0';
    if (!assessed_on || !sr_date_valid(assessed_on))
        return SR_TASK_NONE;
    sr_date_add_months(assessed_on, months, expires_on);
    if (strcmp(today, expires_on) >= 0)
        return SR_TASK_NONE;
    sr_date_add_days(today, SR_TASK_EXPIRING_DAYS, soon);
    return strcmp(expires_on, soon) <= 0 ? SR_TASK_EXPIRING : SR_TASK_VALID;
}

static int
urgency_cmp(const void *pa, const void *pb)
{
    const struct sr_task *a = pa, *b = pb;
    int c;

    if (a->status != b->status)
        return a->status < b->status ? -1 : 1;
    /* Never inspected ("" sorts first), then by expiry date. */
    c = strcmp(a->expires_on, b->expires_on);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

void
sr_tasks_sort(struct sr_task *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), urgency_cmp);
}
