/*
 * error.c - error strings and the diagnostics list.
 */
#include "schoolrisk/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A switch rather than a table so that -Wswitch flags a new code that
 * has no message (curl's strerror.c does the same).  In the calling
 * thread's language (schoolrisk/i18n.h). */
const char *
sr_strerror(sr_error err)
{
    switch (err) {
    case SR_OK:
        return _("no error");
    case SR_ERR_NOMEM:
        return _("out of memory");
    case SR_ERR_IO:
        return _("input/output error");
    case SR_ERR_INPUT:
        return _("invalid input");
    case SR_ERR_NOT_FOUND:
        return _("not found");
    case SR_ERR_TOO_LARGE:
        return _("input too large");
    case SR_ERR_INTERNAL:
        return _("internal error");
    case SR_ERR_DB:
        return _("database error");
    case SR_ERR_STATE:
        return _("not allowed in the current state");
    case SR_ERR_CONFLICT:
        return _("conflicts with stored data");
    case SR_ERR_VERSION:
        return _("database version mismatch");
    case SR_ERR_AUTH:
        return _("authentication failed");
    case SR_ERR_MAX:
        break;
    }
    return _("unknown error");
}

void
sr_diags_init(struct sr_diags *d)
{
    d->v = NULL;
    d->n = 0;
    d->alloc = 0;
}

void
sr_diags_release(struct sr_diags *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].message);
    }
    free(d->v);
    sr_diags_init(d);
}

sr_error
sr_diags_add(struct sr_diags *d, const char *file, long line,
             const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    char *fcopy = NULL;

    if (d->n == d->alloc) {
        size_t na = d->alloc ? d->alloc * 2 : 8;
        struct sr_diag *nv = realloc(d->v, na * sizeof(*nv));
        if (!nv)
            return SR_ERR_NOMEM;
        d->v = nv;
        d->alloc = na;
    }
    va_start(ap, fmt);
    msg = sr_vasprintf(fmt, ap);
    va_end(ap);
    if (!msg)
        return SR_ERR_NOMEM;
    if (file) {
        fcopy = sr_strdup(file);
        if (!fcopy) {
            free(msg);
            return SR_ERR_NOMEM;
        }
    }
    d->v[d->n].file = fcopy;
    d->v[d->n].line = line;
    d->v[d->n].message = msg;
    d->n++;
    return SR_OK;
}

void
sr_diag_format(const struct sr_diag *dg, char *buf, size_t size)
{
    if (!size)
        return;
    if (dg->file && dg->line > 0)
        snprintf(buf, size, "%s:%ld: %s", dg->file, dg->line, dg->message);
    else if (dg->file)
        snprintf(buf, size, "%s: %s", dg->file, dg->message);
    else
        snprintf(buf, size, "%s", dg->message);
}
