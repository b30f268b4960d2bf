/*
 * baseline.c - the four-100% baseline's reasons in words (baseline.h).
 *
 * The computation lives in the store (store/baseline.c), which finds the
 * first cause of each element not met; this is how a report says it.
 * A workbook is an official document in Chinese whatever the locale of
 * the program that wrote it, so the sentences are written here in
 * Chinese, not translated; the locale's wording (why[]) goes through
 * gettext in the store, and po/zh_CN.po gives it the same sentences.
 */
#include <stdio.h>
#include <stdlib.h>

#include "schoolrisk/baseline.h"
#include "util.h"

/* "2026-10-12" as 2026年10月12日 (as it was when not a date). */
static void
date_zh(const char *d, char out[32])
{
    int y, m, day;

    if (d && sscanf(d, "%4d-%2d-%2d", &y, &m, &day) == 3)
        snprintf(out, 32, "%d年%d月%d日", y, m, day);
    else
        snprintf(out, 32, "%s", d ? d : "");
}

/* 检查项“D02.01.01 专职保安员配备” (the id alone without a title). */
static char *
item_zh(const struct sr_baseline_reason *r)
{
    if (r->item_title)
        return sr_asprintf("检查项“%s %s”", r->item, r->item_title);
    return sr_asprintf("检查项“%s”", r->item ? r->item : "-");
}

char *
sr_baseline_reason_text(const struct sr_baseline_reason *r)
{
    char on[32], until[32], *item, *text;

    date_zh(r->assessed_on, on);
    date_zh(r->until, until);
    switch (r->cause) {
    case SR_CAUSE_NO_ASSESSMENT:
        return sr_strdup("尚无已提交的安全风险评估");
    case SR_CAUSE_EXPIRED:
        return sr_asprintf("最近一次评估（%s）已于%s过期", on, until);
    case SR_CAUSE_NO_EVIDENCE:
        return sr_asprintf("%s的评估中没有该要素适用的检查项", on);
    case SR_CAUSE_UNASSESSED:
        return sr_asprintf("指标体系%s（%s）未设置该要素的检查项",
                           r->system_title ? r->system_title : "",
                           r->system_version ? r->system_version : "");
    case SR_CAUSE_ITEM_LOST:
    case SR_CAUSE_HAZARD_OPEN:
        break;
    default:
        return NULL;
    }
    if (r->cause == SR_CAUSE_HAZARD_OPEN && !r->item)
        return sr_asprintf("隐患（编号%lld）尚未销号", (long long)r->hazard);
    item = item_zh(r);
    if (!item)
        return NULL;
    if (r->cause == SR_CAUSE_ITEM_LOST)
        text = sr_asprintf("%s在%s的评估中未得满分，且此后未整改销号", item,
                           on);
    else
        text = sr_asprintf("隐患（编号%lld，%s）尚未销号",
                           (long long)r->hazard, item);
    free(item);
    return text;
}
