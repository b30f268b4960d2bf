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
 * Every workbook at once (`report all`) is one zip of them, written the
 * same way from a temporary directory emptied before it is served.
 *
 * With `serve --read-db DB` (a PostgreSQL standby) every download here
 * reads its figures, and the 说明 sheet's chain head, from DB: the
 * handler's r->st is the thread's connection to DB from begin_figures()
 * to end_figures(), so that the library calls, the meta and the error
 * answers all use it.  While DB cannot be reached (or its connection
 * fails) a download is answered 503 naming it, and the connection is
 * dropped, to be made again by the next download; the rest of the
 * service, on --db, goes on.
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
#include "schoolrisk/report_all.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/signoff.h"
#include "schoolrisk/store.h"
#include "schoolrisk/zip.h"
#include "period.h"

#define XLSX_TYPE                                                           \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define ZIP_TYPE "application/zip"

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

/* ---- Where the figures are read ---------------------------------- */

/* 503 naming --read-db, with why: the store's message, which may name
 * the URI as given, password and all (cannot connect to '...'), shown
 * with the name instead. */
static enum MHD_Result
read_db_unavailable(struct web_req *r, const char *why)
{
    const char *full = r->cfg->read_db, *hit = strstr(why, full);
    char name[512], shown[1536];

    web_read_db_name(name, sizeof(name));
    if (hit) {
        snprintf(shown, sizeof(shown), "%.*s%s%s", (int)(hit - why), why,
                 name, hit + strlen(full));
        why = shown;
    }
    return web_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "read_db", NULL, 0,
                     _("the report database '%s' cannot be read: %s"), name,
                     why);
}

/* Make r->st the connection the figures are read from (--read-db's,
 * acting as the signed-in user; or the request's own), keeping the
 * request's in *own for end_figures().  false after answering 503. */
static bool
begin_figures(struct web_req *r, struct sr_store **own)
{
    char err[1024];
    struct sr_store *st;

    *own = r->st;
    if (!r->cfg->read_db)
        return true;
    st = web_read_store(err, sizeof(err));
    if (!st) {
        read_db_unavailable(r, err);
        return false;
    }
    sr_store_set_user(st, r->who.user.id, r->who.user.name);
    r->st = st;
    return true;
}

static void
end_figures(struct web_req *r, struct sr_store *own)
{
    r->st = own;
}

/* The answer to the library's error rc on the figures: when they come
 * from --read-db and its database failed, 503 naming it (the
 * connection is dropped: the next download connects again); otherwise
 * as any handler's. */
static enum MHD_Result
figures_failed(struct web_req *r, struct sr_store *own, sr_error rc)
{
    enum MHD_Result ret;

    if (r->st == own || rc != SR_ERR_DB)
        return web_fail(r, rc, NULL);
    ret = read_db_unavailable(r, sr_store_errmsg(r->st));
    r->st = own;
    web_read_store_drop();
    return ret;
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
prepare(struct web_req *r, struct sr_store *own, struct job *j,
        const char *name, bool *ready)
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
        return figures_failed(r, own, rc);
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

/* After the writer: open the file for reading, unlink it and serve it
 * as @p name of @p type. */
static enum MHD_Result
serve_as(struct web_req *r, struct job *j, sr_error rc, const char *name,
         const char *type)
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
    return web_file(r, fd, (int64_t)sb.st_size, type, name, NULL);
}

static enum MHD_Result
serve(struct web_req *r, struct job *j, sr_error rc, const char *name)
{
    return serve_as(r, j, rc, name, XLSX_TYPE);
}

WEB_HANDLER(web_reports_district)
{
    struct sr_report_district rep;
    struct sr_period p;
    struct job j;
    char name[160], note[512];
    struct sr_store *own;
    enum MHD_Result ret;
    bool ready, locked = false;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    if (!begin_figures(r, &own))
        return web_done(r);
    memset(&rep, 0, sizeof(rep));
    job_init(&j);
    /* A signed-off period is written from its snapshot (signoff.h). */
    rc = sr_signoff_report_district(r->st, web_param(r, 0), &p, &rep,
                                    &locked, note, sizeof(note));
    if (rc != SR_OK) {
        ret = figures_failed(r, own, rc);
        goto cleanup;
    }
    ret = prepare(r, own, &j, "district", &ready);
    if (!ready)
        goto cleanup;
    rc = sr_report_write_district_locked(&rep, &j.layout, j.path, &j.meta,
                                         locked ? note : NULL);
    sr_report_file_name(rep.name, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    end_figures(r, own);
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
    struct sr_store *own;
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    if (!begin_figures(r, &own))
        return web_done(r);
    memset(&city, 0, sizeof(city));
    job_init(&j);
    rc = sr_report_city(r->st, &p, &city);
    if (rc != SR_OK) {
        ret = figures_failed(r, own, rc);
        goto cleanup;
    }
    ret = prepare(r, own, &j, "city", &ready);
    if (!ready)
        goto cleanup;
    rc = sr_report_write_city(&city, &j.layout, j.path, &j.meta);
    sr_report_file_name(NULL, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    end_figures(r, own);
    job_release(&j);
    sr_report_city_release(&city);
    return ret;
}

/* ---- Every workbook of a period, zipped (report_all.h) ------------ */

/* The temporary directory `report all` writes into, and its files. */
struct all_dir {
    char path[512];
    struct sr_report_all_result res;
};

/* Remove the workbooks and the directory, whatever was written. */
static void
all_dir_release(struct all_dir *a)
{
    size_t i;

    for (i = 0; i < a->res.n; i++)
        if (a->res.v[i].path)
            unlink(a->res.v[i].path);
    if (a->path[0])
        rmdir(a->path);
    sr_report_all_result_release(&a->res);
}

/* Every workbook `report all` writes for @p p into a new temporary
 * directory, with the district layout and the meta of @p j; answers
 * and returns false when one could not be written. */
static bool
write_all(struct web_req *r, struct sr_store *own, struct job *j,
          const struct sr_period *p, struct all_dir *a, enum MHD_Result *ret)
{
    const char *tmp = getenv("TMPDIR");
    struct sr_report_all_options o;
    struct sr_layout city;
    char path[1024], msg[1024];
    sr_error rc;
    size_t i;

    memset(&city, 0, sizeof(city));
    sr_report_layout_path(r->cfg->template_dir, "city", path, sizeof(path));
    rc = sr_layout_load(path, &city, &j->diags);
    if (rc != SR_OK) {
        sr_layout_release(&city);
        *ret = web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("the report layout '%s' is not valid: %s"),
                         path, first_diag(j, rc, msg, sizeof(msg)));
        return false;
    }
    snprintf(a->path, sizeof(a->path), "%s/schoolrisk-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(a->path)) {
        int err = errno;

        a->path[0] = '\0';
        sr_layout_release(&city);
        *ret = web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("cannot make a temporary file: %s"),
                         strerror(err));
        return false;
    }
    o.district_layout = &j->layout;
    o.city_layout = &city;
    o.meta = &j->meta;
    o.jobs = 0;
    rc = sr_report_all(r->st, p, a->path, &o, &a->res);
    sr_layout_release(&city);
    if (rc != SR_OK) {
        *ret = figures_failed(r, own, rc);
        return false;
    }
    /* All or nothing: a zip short of one workbook would pass for the
     * whole set. */
    for (i = 0; i < a->res.n; i++) {
        const struct sr_report_all_item *it = &a->res.v[i];
        const char *why = sr_strerror(it->rc);

        if (it->rc == SR_OK)
            continue;
        /* Why: the figures' message, or the writer's first diagnostic. */
        if (it->figures && it->msg)
            why = it->msg;
        else if (!it->figures && it->diags.n) {
            sr_diag_format(&it->diags.v[0], msg, sizeof(msg));
            why = msg;
        }
        *ret = web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("the workbook of %s was not written: %s"),
                         it->name ? it->name : "全市", why);
        return false;
    }
    return true;
}

/* The zip of the workbooks in @p a into @p j's temporary file: each
 * under its file's name, in `report all`'s order (the districts in the
 * bureau's order, then the city). */
static sr_error
zip_all(struct job *j, const struct all_dir *a)
{
    struct sr_zip_member *m;
    sr_error rc;
    size_t i;

    m = calloc(a->res.n ? a->res.n : 1, sizeof(*m));
    if (!m)
        return SR_ERR_NOMEM;
    for (i = 0; i < a->res.n; i++) {
        const char *slash = strrchr(a->res.v[i].path, '/');

        m[i].path = a->res.v[i].path;
        m[i].name = slash ? slash + 1 : a->res.v[i].path;
    }
    rc = sr_zip_write(j->path, m, a->res.n, &j->diags);
    free(m);
    return rc;
}

WEB_HANDLER(web_reports_all)
{
    struct all_dir a;
    struct sr_period p;
    struct job j;
    char name[160], msg[1024];
    struct sr_store *own;
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_period(r, &p))
        return web_done(r);
    if (!begin_figures(r, &own))
        return web_done(r);
    memset(&a, 0, sizeof(a));
    job_init(&j);
    ret = prepare(r, own, &j, "district", &ready);
    if (!ready || !write_all(r, own, &j, &p, &a, &ret))
        goto cleanup;
    rc = zip_all(&j, &a);
    if (rc != SR_OK) {
        ret = web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                        0, _("the zip of the workbooks was not written: %s"),
                        first_diag(&j, rc, msg, sizeof(msg)));
        goto cleanup;
    }
    snprintf(name, sizeof(name), "全部报表-%s.zip", p.label);
    ret = serve_as(r, &j, SR_OK, name, ZIP_TYPE);

cleanup:
    end_figures(r, own);
    all_dir_release(&a);
    job_release(&j);
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
    struct sr_store *own;
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_bulletin_period(r, SR_PERIOD_MONTH, &p))
        return web_done(r);
    if (!begin_figures(r, &own))
        return web_done(r);
    job_init(&j);
    rc = sr_bulletin_monthly(r->st, web_param(r, 0), &p, &web_bulletin_opt,
                             &b);
    if (rc != SR_OK) {
        ret = figures_failed(r, own, rc);
        goto cleanup;
    }
    ret = prepare(r, own, &j, "bulletin-monthly", &ready);
    if (!ready)
        goto cleanup;
    bulletin_issue(r, &issue, today);
    rc = sr_bulletin_write_monthly(&b, &j.layout, &issue, j.path, &j.meta);
    sr_bulletin_file_name(b.now.name, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    end_figures(r, own);
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
    struct sr_store *own;
    enum MHD_Result ret;
    bool ready;
    sr_error rc;

    if (!web_bulletin_period(r, SR_PERIOD_QUARTER, &p))
        return web_done(r);
    if (!begin_figures(r, &own))
        return web_done(r);
    job_init(&j);
    rc = sr_bulletin_quarterly(r->st, &p, &web_bulletin_opt, &b);
    if (rc != SR_OK) {
        ret = figures_failed(r, own, rc);
        goto cleanup;
    }
    ret = prepare(r, own, &j, "bulletin-quarterly", &ready);
    if (!ready)
        goto cleanup;
    bulletin_issue(r, &issue, today);
    rc = sr_bulletin_write_quarterly(&b, &j.layout, &issue, j.path,
                                     &j.meta);
    sr_bulletin_file_name(NULL, &p, name, sizeof(name));
    ret = serve(r, &j, rc, name);

cleanup:
    end_figures(r, own);
    job_release(&j);
    sr_bulletin_quarterly_release(&b);
    return ret;
}
