/*
 * reports.c - the Excel workbooks: a district's and the city's for a
 * period, as `schoolrisk report` writes them.
 *
 * The figures, the layouts (the server's template directory,
 * templates/reports/NAME.csv), the 说明 sheet's meta (now, who, the audit
 * chain's head) and the download's name ("历下区-2026Q3.xlsx",
 * "全市-2026Q3.xlsx") all come from the library, as for the CLI's
 * `report all`, so a downloaded workbook and a written one match.  The
 * workbook is written to a temporary file that is unlinked as soon as
 * it is open again for reading: nothing is left behind whatever happens
 * to the connection, and the descriptor is served and closed by MHD.
 */
#include "web.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"
#include "period.h"

#define XLSX_TYPE                                                           \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* What one download needs, released by release(). */
struct job {
    struct sr_layout layout;
    struct sr_diags diags;
    struct sr_report_meta meta;
    char head[65], now[32];
    char path[512];
    int fd;
};

static void
job_init(struct job *j)
{
    memset(j, 0, sizeof(*j));
    sr_diags_init(&j->diags);
    j->fd = -1;
}

static void
job_release(struct job *j)
{
    if (j->fd >= 0)
        close(j->fd);
    if (j->path[0])
        unlink(j->path);
    sr_layout_release(&j->layout);
    sr_diags_release(&j->diags);
}

/* The first diagnostic (a layout's or the writer's) or the code. */
static const char *
first_diag(const struct job *j, sr_error rc, char *buf, size_t size)
{
    if (!j->diags.n)
        return sr_strerror(rc);
    sr_diag_format(&j->diags.v[0], buf, size);
    return buf;
}

/* Load layout @p name and the meta, and make the temporary file. */
static enum MHD_Result
prepare(struct web_req *r, struct job *j, const char *name, bool *ready)
{
    const char *tmp = getenv("TMPDIR");
    char path[1024], msg[1024];
    sr_error rc;

    *ready = false;
    sr_report_layout_path(r->cfg->template_dir, name, path, sizeof(path));
    rc = sr_layout_load(path, &j->layout, &j->diags);
    if (rc != SR_OK)
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("the report layout '%s' is not valid: %s"),
                         path, first_diag(j, rc, msg, sizeof(msg)));
    rc = sr_report_meta_fill(r->st, &j->meta, j->head, j->now, &j->diags);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    snprintf(j->path, sizeof(j->path), "%s/schoolrisk-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    j->fd = mkstemp(j->path);
    if (j->fd < 0) {
        int err = errno;

        j->path[0] = '\0';
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("cannot make a temporary file: %s"),
                         strerror(err));
    }
    *ready = true;
    return MHD_YES;
}

/* After the writer: open the workbook for reading, unlink it and serve
 * it as @p name. */
static enum MHD_Result
serve(struct web_req *r, struct job *j, sr_error rc, const char *name)
{
    char msg[1024];
    struct stat sb;
    int fd;

    if (rc != SR_OK)
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("the workbook was not written: %s"),
                         first_diag(j, rc, msg, sizeof(msg)));
    /* The writer renamed a new file over the path: read it through a
     * descriptor opened after that. */
    fd = open(j->path, O_RDONLY | O_CLOEXEC);
    unlink(j->path);
    j->path[0] = '\0';
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int err = errno;

        if (fd >= 0)
            close(fd);
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("cannot read the workbook back: %s"),
                         strerror(err));
    }
    return web_file(r, fd, (int64_t)sb.st_size, XLSX_TYPE, name, NULL);
}

WEB_HANDLER(web_reports_district)
{
    struct sr_report_district rep;
    struct sr_period p;
    struct job j;
    char name[160], note[512];
    enum MHD_Result ret;
    bool ready, locked = false;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    memset(&rep, 0, sizeof(rep));
    job_init(&j);
    /* A signed-off period is written from its snapshot (signoff.h). */
    rc = sr_signoff_report_district(r->st, web_param(r, 0), &p, &rep,
                                    &locked, note, sizeof(note));
    if (rc != SR_OK) {
        ret = web_fail(r, rc, NULL);
        goto cleanup;
    }
    ret = prepare(r, &j, "district", &ready);
    if (!ready)
        goto cleanup;
    rc = sr_report_write_district_locked(&rep, &j.layout, j.path, &j.meta,
                                         locked ? note : NULL);
    sr_report_file_name(rep.name, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    job_release(&j);
    sr_report_district_release(&rep);
    return ret;
}

WEB_HANDLER(web_reports_city)
{
    struct sr_report_city city;
    struct sr_period p;
    struct job j;
    char name[160];
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    memset(&city, 0, sizeof(city));
    job_init(&j);
    rc = sr_report_city(r->st, &p, &city);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, NULL);
        goto cleanup;
    }
    ret = prepare(r, &j, "city", &ready);
    if (!ready)
        goto cleanup;
    rc = sr_report_write_city(&city, &j.layout, j.path, &j.meta);
    sr_report_file_name(NULL, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    job_release(&j);
    sr_report_city_release(&city);
    return ret;
}

/* ---- The bulletins' workbooks (bulletin.h) ----------------------- */

static void
bulletin_issue(struct web_req *r, struct sr_bulletin_issue *issue,
               char today[16])
{
    sr_store_today(r->st, today);
    issue->date = today;
    issue->number = NULL;
}

WEB_HANDLER(web_bulletins_monthly_xlsx)
{
    struct sr_bulletin_monthly b;
    struct sr_bulletin_issue issue;
    struct sr_period p;
    struct job j;
    char name[200], today[16];
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_bulletin_period(r, SR_PERIOD_MONTH, &p))
        return web_done(r);
    job_init(&j);
    rc = sr_bulletin_monthly(r->st, web_param(r, 0), &p, &web_bulletin_opt,
                             &b);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, NULL);
        goto cleanup;
    }
    ret = prepare(r, &j, "bulletin-monthly", &ready);
    if (!ready)
        goto cleanup;
    bulletin_issue(r, &issue, today);
    rc = sr_bulletin_write_monthly(&b, &j.layout, &issue, j.path, &j.meta);
    sr_bulletin_file_name(b.now.name, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    job_release(&j);
    sr_bulletin_monthly_release(&b);
    return ret;
}

WEB_HANDLER(web_bulletins_quarterly_xlsx)
{
    struct sr_bulletin_quarterly b;
    struct sr_bulletin_issue issue;
    struct sr_period p;
    struct job j;
    char name[200], today[16];
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_bulletin_period(r, SR_PERIOD_QUARTER, &p))
        return web_done(r);
    job_init(&j);
    rc = sr_bulletin_quarterly(r->st, &p, &web_bulletin_opt, &b);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, NULL);
        goto cleanup;
    }
    ret = prepare(r, &j, "bulletin-quarterly", &ready);
    if (!ready)
        goto cleanup;
    bulletin_issue(r, &issue, today);
    rc = sr_bulletin_write_quarterly(&b, &j.layout, &issue, j.path,
                                     &j.meta);
    sr_bulletin_file_name(NULL, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    job_release(&j);
    sr_bulletin_quarterly_release(&b);
    return ret;
}
