/*
 * report_out.c - what every writer of workbooks shares (report_xlsx.h):
 * where the layouts live, what a workbook file is called and what its
 * 说明 sheet records about who wrote it, when, and the audit chain's
 * head at that moment.  The CLI's `report` and the service's downloads
 * both call these, so that a workbook downloaded from the service and
 * one written by `report all` are named and signed alike.
 */
#include <stdio.h>

#include "schoolrisk/audit.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/store.h"

void
sr_report_layout_path(const char *template_dir, const char *name, char *buf,
                      size_t size)
{
    snprintf(buf, size, "%s/reports/%s.csv", template_dir, name);
}

void
sr_report_file_name(const char *district, const struct sr_period *p,
                    char *buf, size_t size)
{
    snprintf(buf, size, "%s-%s.xlsx", district ? district : "全市",
             p->label);
}

sr_error
sr_report_meta_fill(struct sr_store *st, struct sr_report_meta *meta,
                    char head[65], char now[32], struct sr_diags *diags)
{
    sr_error rc;

    head[0] = '\0';
    rc = sr_audit_head(st, head);
    sr_store_now(st, now);
    meta->generated_at = now;
    meta->generated_by = sr_store_actor(st);
    meta->audit_head = rc == SR_OK && *head ? head : NULL;
    meta->diags = diags;
    return rc;
}
