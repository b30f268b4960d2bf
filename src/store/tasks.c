/*
 * store/tasks.c - the SQL of an inspector's work list (tasks.h): the
 * open schools of a scope with their latest inspection and the user's
 * open draft, in one read transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/tasks.h"
#include "store_int.h"
#include "../util.h"

void
sr_task_list_release(struct sr_task_list *l)
{
    size_t i;

    if (!l)
        return;
    for (i = 0; l->v && i < l->n; i++) {
        free(l->v[i].school_name);
        free(l->v[i].district);
        free(l->v[i].district_name);
        free(l->v[i].band);
        free(l->v[i].band_label);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* The valid-months of a stored system (the store caches parsed
 * systems, so this is cheap after the first). */
static sr_error
valid_months(struct sr_store *st, const char *id, const char *version,
             int *months)
{
    struct sr_system *sys = NULL;
    sr_error rc;

    rc = sr_store_system(st, id, version, &sys);
    if (rc == SR_OK)
        *months = sr_system_valid_months(sys);
    sr_system_free(sys);
    return rc;
}

/* Read one row of the query below into t. */
static sr_error
read_task(struct sr_store *st, struct sr_stmt *s, const char *today,
          struct sr_task *t)
{
    const char *on = sr_col_text(s, 6);
    int nomem = 0, months = 0;
    sr_error rc;

    memset(t, 0, sizeof(*t));
    snprintf(t->school, sizeof(t->school), "%s",
             sr_col_text(s, 0));
    t->school_name = sr_column_dup(s, 1, &nomem);
    t->district = sr_column_dup(s, 2, &nomem);
    t->district_name = sr_column_dup(s, 3, &nomem);
    t->stage = sr_stage_lookup(sr_col_text(s, 4));
    t->draft = sr_col_int64(s, 14);
    if (sr_col_type(s, 5) != SR_COL_NULL && on) {
        t->assessment = sr_col_int64(s, 5);
        snprintf(t->assessed_on, sizeof(t->assessed_on), "%s", on);
        t->total = sr_col_int64(s, 9);
        t->band = sr_column_dup(s, 10, &nomem);
        t->band_label = sr_column_dup(s, 11, &nomem);
        t->compliant = sr_col_int(s, 12) != 0;
        t->vetoed = sr_col_int(s, 13) != 0;
        rc = valid_months(st, sr_col_text(s, 7),
                          sr_col_text(s, 8), &months);
        if (rc != SR_OK)
            return rc;
    }
    if (nomem)
        return sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
    t->status = sr_task_classify(t->assessment ? t->assessed_on : NULL,
                                 months, today, t->expires_on);
    return SR_OK;
}

static void
task_release(struct sr_task *t)
{
    free(t->school_name);
    free(t->district);
    free(t->district_name);
    free(t->band);
    free(t->band_label);
    memset(t, 0, sizeof(*t));
}

sr_error
sr_tasks_list(struct sr_store *st, const struct sr_task_filter *f,
              struct sr_task_list *out)
{
    struct sr_task *all = NULL;
    size_t n = 0, alloc = 0, i, keep = 0, first, last;
    struct sr_stmt *s = NULL;
    char today[16];
    const char *day;
    sr_error rc;
    int step = SR_DONE;

    memset(out, 0, sizeof(*out));
    sr_store_today(st, today);
    day = f && f->as_of ? f->as_of : today;
    if (!sr_date_valid(day))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("bad date '%s' (expected YYYY-MM-DD)"),
                                  day);
    memcpy(out->today, day, 10); /* sr_date_valid: exactly 10 */
    out->today[10] = '\0';
    rc = sr_store_prepare(
        st,
        "SELECT s.code, s.name, s.district, d.name, s.stage, a.id, "
        "a.assessed_on, a.system_id, a.system_version, a.total, a.band, "
        "a.band_label, a.compliant, a.vetoed, "
        "(SELECT max(x.id) FROM assessments x WHERE x.school = s.code AND "
        "x.status = 'draft' AND x.kind = 'inspection' AND "
        "x.created_by_user = ?3) "
        "FROM schools s JOIN districts d ON d.code = s.district "
        "LEFT JOIN assessments a ON a.id = (SELECT y.id FROM assessments y "
        "WHERE y.school = s.code AND y.status = 'submitted' AND "
        "y.kind = 'inspection' AND y.assessed_on <= ?4 "
        "ORDER BY y.assessed_on DESC, y.id DESC LIMIT 1) "
        "WHERE s.closed = 0 AND "
        SR_SCOPE_SQL("s.district", "s.code", "1", "2")
        " ORDER BY d.sort, s.code",
        &s);
    if (rc != SR_OK)
        return rc;
    rc = sr_bind_scope(st, s, 1, f ? f->scope : NULL);
    if (rc != SR_OK)
        goto cleanup;
    if (f && f->user)
        sr_bind_int64(s, 3, f->user);
    sr_bind_text(s, 4, day);
    while ((step = sr_step(s)) == SR_ROW) {
        if (n == alloc) {
            size_t na = alloc ? alloc * 2 : 64;
            struct sr_task *nv = realloc(all, na * sizeof(*nv));

            if (!nv) {
                rc = sr_store_fail_code(st, SR_ERR_NOMEM, _("out of memory"));
                goto cleanup;
            }
            all = nv;
            alloc = na;
        }
        rc = read_task(st, s, day, &all[n]);
        all[n].order = n;
        n++;
        if (rc != SR_OK)
            goto cleanup;
    }
    if (step != SR_DONE) {
        rc = sr_store_dberr(st, _("cannot read the schools"));
        goto cleanup;
    }
    sr_tasks_sort(all, n);
    /* Keep the matches in order, then the page of them. */
    for (i = 0; i < n; i++) {
        out->counts[all[i].status]++;
        if (f && f->status >= 0 && all[i].status != f->status) {
            task_release(&all[i]);
            continue;
        }
        if (keep != i) {
            all[keep] = all[i];
            memset(&all[i], 0, sizeof(all[i]));
        }
        keep++;
    }
    out->total = keep;
    first = f && f->offset < keep ? f->offset : (f ? keep : 0);
    last = f && f->limit && f->limit < keep - first ? first + f->limit
                                                    : keep;
    for (i = 0; i < keep; i++)
        if (i < first || i >= last)
            task_release(&all[i]);
    if (first)
        memmove(all, all + first, (last - first) * sizeof(*all));
    out->v = all;
    out->n = last - first;
    all = NULL;
    n = 0;

cleanup:
    sr_store_finish(st, s);
    for (i = 0; all && i < n; i++)
        task_release(&all[i]);
    free(all);
    if (rc != SR_OK)
        sr_task_list_release(out);
    return rc;
}
