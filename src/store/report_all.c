/*
 * store/report_all.c - every workbook of a period on all cores
 * (report_all.h).
 *
 * DESIGN
 * The work is a list of tasks taken in turn by up to one thread per
 * online CPU, the calling thread being one of them:
 *  - task i: compute district i's figures and its KPIs in the earlier
 *    periods of the city's trend (sr_report_district_and_trend(): the
 *    baselines of all the days from one read, the earlier periods from
 *    another; a period before the first assessment is skipped outright,
 *    as sr_report_city() does), write its workbook, and leave the report
 *    in its slot.  A period or earlier period the district has signed
 *    off takes its snapshot's figures and is not computed live
 *    (sr_report_district_trend() for the earlier periods left when the
 *    period itself is signed off).
 * A thread reads through its own read-only connection (SQLite
 * connections are not shared between threads); the calling thread uses
 * the caller's store.  Whoever finishes a district merges, under the
 * lock, every slot that is ready in bureau order from the first not yet
 * merged, so that the city report is built in the order
 * sr_report_city() builds it (the same peers' order, the same lists)
 * and each district's rows are freed as soon as both its workbook and
 * the city have them.  The city workbook is written by the calling
 * thread once all threads are done.
 *
 * What the threads share is the task counter, the slots, the builder
 * and the first failure of the city, all under one mutex; the layouts
 * and the meta are only read.  Each workbook has its own diagnostics.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schoolrisk/i18n.h"
#include "schoolrisk/registry.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_all.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/signoff.h"
#include "report_int.h"
#include "store_int.h"
#include "../util.h"

enum slot_state { SLOT_PENDING, SLOT_READY, SLOT_FAILED, SLOT_MERGED };

struct slot {
    struct sr_report_district rep;
    int state; /* enum slot_state */
};

struct job {
    pthread_mutex_t mu;
    const struct sr_period *period;
    const struct sr_districts *all;  /* bureau order */
    const char *out_dir;             /* NULL: figures only */
    const struct sr_report_all_options *o;
    int lang;                        /* the caller's, for the threads */
    size_t nd, n_tasks, next_task;
    struct slot *slots;              /* nd */
    struct sr_report_all_item *items; /* nd + 1, or NULL */
    size_t next_merge;
    struct sr_city_build *b;
    struct sr_period prior[12];      /* the trend's periods */
    size_t n_prior;
    bool prior_any[12];              /* computed: assessed by then, and
                                        not the report's own period */
    struct sr_report_kpis *prior_k;  /* n_prior * nd */
    sr_error city_rc;                /* the city's first failure */
    char *city_msg;                  /* its message, or NULL */
};

/* A worker thread and its connection. */
struct worker {
    struct job *j;
    struct sr_store *st;
    pthread_t t;
};

/* ------------------------------------------------------------------ */
/* Tasks                                                                */
/* ------------------------------------------------------------------ */

/* Record the city's first failure (under the lock). */
static void
city_fail(struct job *j, sr_error rc, const char *msg)
{
    if (j->city_rc != SR_OK)
        return;
    j->city_rc = rc;
    j->city_msg = sr_strdup(msg && *msg ? msg : sr_strerror(rc));
}

/* Merge the ready slots in bureau order (under the lock). */
static void
merge_ready(struct job *j)
{
    while (j->next_merge < j->nd) {
        struct slot *s = &j->slots[j->next_merge];
        sr_error rc;

        if (s->state == SLOT_PENDING)
            return;
        if (s->state == SLOT_READY && j->city_rc == SR_OK) {
            rc = sr_city_build_add(j->b, &s->rep, false);
            if (rc != SR_OK)
                city_fail(j, rc, NULL);
        }
        sr_report_district_release(&s->rep);
        s->state = SLOT_MERGED;
        j->next_merge++;
    }
}

/* District @p rep's workbook: @p note, the 说明 line of its sign-off,
 * when rep is its sign-off snapshot (the period is locked, signoff.h;
 * see do_district()), else NULL. */
static sr_error
write_district(struct job *j, const struct sr_report_district *rep,
               const char *note, const char *path,
               const struct sr_report_meta *meta)
{
    if (!note)
        return sr_report_write_district(rep, j->o->district_layout, path,
                                        meta);
    return sr_report_write_district_locked(rep, j->o->district_layout, path,
                                           meta, note);
}

/* The trend's earlier periods @p ps that district @p code has signed
 * off: @p l[q] says whether ps[q] is, and k[q] then has its snapshot's
 * KPIs (signoff.h), read from the snapshot's head. */
static sr_error
lock_prior(struct sr_store *st, const char *code, const struct sr_period *ps,
           size_t n, struct sr_report_kpis *k, bool *l)
{
    sr_error rc = SR_OK;
    size_t q;

    for (q = 0; rc == SR_OK && q < n; q++)
        rc = sr_signoff_locked_kpis(st, code, &ps[q], &k[q], &l[q]);
    return rc;
}

/* District @p i: its figures and its KPIs in the trend's earlier
 * periods that have an assessment by their end (the others stay zero),
 * its workbook, its slot. */
static void
do_district(struct job *j, struct sr_store *st, size_t i)
{
    struct sr_report_all_item *it = j->items ? &j->items[i] : NULL;
    struct sr_report_district rep;
    struct sr_report_kpis k[12], live_k[12];
    struct sr_period ps[12], live[12];
    struct sr_report_meta meta;
    char note[512];
    size_t p, q, n = 0, n_live = 0;
    bool locked = false, l[12] = {false};
    sr_error rc;

    for (p = 0; p < j->n_prior; p++)
        if (j->prior_any[p])
            ps[n++] = j->prior[p];
    /* A period the district has signed off shows its snapshot, in its
     * workbook and in the city's (signoff.h): the snapshots are read
     * first, and only what they do not give is computed live.  Computing
     * a signed-off period's own figures too (its hazards, every school's
     * lost points) only to throw them away took most of the time of a
     * signed-off quarter's reports.  The city alone shows no lost
     * points: not read then. */
    rc = sr_signoff_locked_report(st, j->all->v[i].code, j->period, &rep,
                                  &locked, note, sizeof(note));
    if (rc == SR_OK)
        rc = lock_prior(st, j->all->v[i].code, ps, n, k, l);
    for (q = 0; q < n; q++)
        if (!l[q])
            live[n_live++] = ps[q];
    if (rc == SR_OK && locked)
        rc = sr_report_district_trend(st, j->all->v[i].code, live, n_live,
                                      live_k);
    else if (rc == SR_OK)
        rc = sr_report_district_and_trend(st, j->all->v[i].code, j->period,
                                          !it, live, n_live, &rep, live_k);
    for (q = 0, p = 0; rc == SR_OK && q < n; q++)
        if (!l[q])
            k[q] = live_k[p++];
    if (rc != SR_OK) {
        sr_report_district_release(&rep);
        const char *m = sr_store_errmsg(st);

        if (it) {
            it->rc = rc;
            it->figures = true;
            it->msg = sr_strdup(*m ? m : sr_strerror(rc));
        }
        pthread_mutex_lock(&j->mu);
        city_fail(j, rc, m);
        j->slots[i].state = SLOT_FAILED;
        merge_ready(j);
        pthread_mutex_unlock(&j->mu);
        return;
    }
    for (p = 0, n = 0; p < j->n_prior; p++)
        if (j->prior_any[p])
            j->prior_k[p * j->nd + i] = k[n++];
    if (it) {
        meta = *j->o->meta;
        meta.diags = &it->diags;
        it->rc = write_district(j, &rep, locked ? note : NULL, it->path,
                                &meta);
    }
    pthread_mutex_lock(&j->mu);
    j->slots[i].rep = rep;
    j->slots[i].state = SLOT_READY;
    merge_ready(j);
    pthread_mutex_unlock(&j->mu);
}

static void
run_tasks(struct job *j, struct sr_store *st)
{
    size_t t;

    for (;;) {
        pthread_mutex_lock(&j->mu);
        t = j->next_task < j->n_tasks ? j->next_task++ : j->n_tasks;
        pthread_mutex_unlock(&j->mu);
        if (t >= j->n_tasks)
            return;
        do_district(j, st, t);
    }
}

static void *
worker_main(void *p)
{
    struct worker *w = p;

    /* Messages in the language of the thread that asked. */
    if (w->j->lang >= 0)
        sr_i18n_use(w->j->lang);
    run_tasks(w->j, w->st);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Threads                                                              */
/* ------------------------------------------------------------------ */

/* How many threads: @p jobs (0: all), no more than the online CPUs nor
 * the tasks, at least one. */
static size_t
threads_for(int jobs, size_t tasks)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 0 ? (size_t)cpus : 1;

    if (jobs > 0 && (size_t)jobs < n)
        n = (size_t)jobs;
    if (n > tasks)
        n = tasks ? tasks : 1;
    return n;
}

/* Run every task on up to @p jobs threads, the calling one with @p st.
 * A connection or thread that cannot be had leaves fewer threads: the
 * tasks are done all the same.  Returns the number of threads. */
static int
run(struct job *j, struct sr_store *st, int jobs)
{
    struct worker *w = NULL;
    size_t n = threads_for(jobs, j->n_tasks), started = 0, i;

    if (n > 1)
        w = calloc(n - 1, sizeof(*w));
    for (i = 0; w && i < n - 1; i++) {
        struct worker *x = &w[started];

        x->j = j;
        if (sr_store_open_reader(st, &x->st) != SR_OK) {
            sr_store_close(x->st);
            break;
        }
        if (pthread_create(&x->t, NULL, worker_main, x) != 0) {
            sr_store_close(x->st);
            break;
        }
        started++;
    }
    run_tasks(j, st);
    for (i = 0; i < started; i++) {
        pthread_join(w[i].t, NULL);
        sr_store_close(w[i].st);
    }
    free(w);
    return (int)started + 1;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

static void
job_release(struct job *j)
{
    size_t i;

    for (i = 0; j->slots && i < j->nd; i++)
        sr_report_district_release(&j->slots[i].rep);
    free(j->slots);
    free(j->prior_k);
    free(j->city_msg);
    sr_city_build_free(j->b);
    pthread_mutex_destroy(&j->mu);
}

/* Set up @p j for the districts @p all; SR_ERR_NOMEM or a store error
 * (the trend's check for assessments).  @p j is fit for job_release()
 * whatever it returns. */
static sr_error
job_init(struct job *j, struct sr_store *st, const struct sr_period *period,
         const struct sr_districts *all)
{
    sr_error rc = SR_OK;
    size_t p;

    memset(j, 0, sizeof(*j));
    pthread_mutex_init(&j->mu, NULL);
    j->period = period;
    j->all = all;
    j->nd = all->n;
    j->lang = sr_i18n_lang();
    j->n_prior = sr_report_trend_periods(period, j->prior);
    for (p = 0; rc == SR_OK && p < j->n_prior; p++)
        if (strcmp(j->prior[p].label, period->label))
            rc = sr_report_any_assessment(st, j->prior[p].end,
                                          &j->prior_any[p]);
    if (rc != SR_OK)
        return rc;
    j->n_tasks = all->n;
    if (all->n) {
        j->slots = calloc(all->n, sizeof(*j->slots));
        j->prior_k = calloc((j->n_prior ? j->n_prior : 1) * all->n,
                            sizeof(*j->prior_k));
        if (!j->slots || !j->prior_k)
            return SR_ERR_NOMEM;
    }
    return sr_city_build_new(period, all->n, &j->b);
}

/* The city report from a finished job, or the city's failure. */
static sr_error
job_city(struct job *j, struct sr_report_city *out)
{
    struct sr_report_kpis prior[12];
    size_t i, p;

    if (j->city_rc != SR_OK)
        return j->city_rc;
    for (p = 0; p < j->n_prior; p++) {
        sr_report_kpis_start(&prior[p]);
        if (!j->prior_any[p])
            continue; /* nothing assessed: not a point of the trend */
        for (i = 0; i < j->nd; i++)
            sr_report_kpis_add(&prior[p], &j->prior_k[p * j->nd + i]);
        sr_report_kpis_finish(&prior[p]);
    }
    j->city_rc = sr_city_build_finish(j->b, prior, j->n_prior, out);
    j->b = NULL;
    return j->city_rc;
}

static sr_error
check_period(struct sr_store *st, const struct sr_period *period)
{
    if (!sr_date_valid(period->start) || !sr_date_valid(period->end))
        return sr_store_fail_code(st, SR_ERR_INPUT, _("bad period '%s'"),
                                  period->label);
    return SR_OK;
}

sr_error
sr_report_city_jobs(struct sr_store *st, const struct sr_period *period,
                    int jobs, struct sr_report_city *out)
{
    struct sr_districts all;
    struct job j;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    out->period = *period;
    rc = check_period(st, period);
    if (rc != SR_OK)
        return rc;
    rc = sr_registry_districts(st, &all);
    if (rc != SR_OK)
        return rc;
    rc = job_init(&j, st, period, &all);
    if (rc == SR_OK) {
        run(&j, st, jobs);
        rc = job_city(&j, out);
        if (rc != SR_OK)
            sr_store_fail_code(st, rc, "%s",
                               j.city_msg ? j.city_msg : sr_strerror(rc));
    } else if (rc == SR_ERR_NOMEM) {
        sr_store_fail_code(st, rc, _("out of memory"));
    }
    job_release(&j);
    sr_districts_release(&all);
    if (rc != SR_OK) {
        sr_report_city_release(out);
        out->period = *period;
    }
    return rc;
}

/* The items: one per district, then the city, with their paths. */
static sr_error
items_init(struct sr_report_all_result *r, const struct sr_districts *all,
           const struct sr_period *period, const char *out_dir)
{
    char name[256];
    size_t i;

    r->v = calloc(all->n + 1, sizeof(*r->v));
    if (!r->v)
        return SR_ERR_NOMEM;
    r->n = all->n + 1;
    for (i = 0; i < r->n; i++) {
        struct sr_report_all_item *it = &r->v[i];
        const char *dn = i < all->n ? all->v[i].name : NULL;

        sr_diags_init(&it->diags);
        sr_report_file_name(dn, period, name, sizeof(name));
        it->path = sr_asprintf("%s/%s", out_dir, name);
        if (dn)
            it->name = sr_strdup(dn);
        if (!it->path || (dn && !it->name))
            return SR_ERR_NOMEM;
    }
    return SR_OK;
}

sr_error
sr_report_all(struct sr_store *st, const struct sr_period *period,
              const char *out_dir, const struct sr_report_all_options *o,
              struct sr_report_all_result *out)
{
    struct sr_report_city city;
    struct sr_report_all_item *ci;
    struct sr_report_meta meta;
    struct sr_districts all;
    struct job j;
    sr_error rc;
    size_t i;

    memset(out, 0, sizeof(*out));
    memset(&city, 0, sizeof(city));
    rc = check_period(st, period);
    if (rc != SR_OK)
        return rc;
    rc = sr_registry_districts(st, &all);
    if (rc != SR_OK)
        return rc;
    /* job_init() leaves @p j fit for job_release() whatever it returns. */
    rc = job_init(&j, st, period, &all);
    if (rc == SR_OK)
        rc = items_init(out, &all, period, out_dir);
    if (rc != SR_OK) {
        if (rc == SR_ERR_NOMEM)
            sr_store_fail_code(st, rc, _("out of memory"));
        goto cleanup;
    }
    j.out_dir = out_dir;
    j.o = o;
    j.items = out->v;
    out->jobs = run(&j, st, o->jobs);
    ci = &out->v[all.n];
    ci->rc = job_city(&j, &city);
    if (ci->rc != SR_OK) {
        ci->figures = true;
        ci->msg = sr_strdup(j.city_msg ? j.city_msg : sr_strerror(ci->rc));
    } else {
        meta = *o->meta;
        meta.diags = &ci->diags;
        ci->rc = sr_report_write_city(&city, o->city_layout, ci->path,
                                      &meta);
    }
    for (i = 0; i < out->n; i++)
        if (out->v[i].rc == SR_OK)
            out->written++;

cleanup:
    job_release(&j);
    sr_report_city_release(&city);
    sr_districts_release(&all);
    return rc;
}

void
sr_report_all_result_release(struct sr_report_all_result *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->n; i++) {
        free(r->v[i].name);
        free(r->v[i].path);
        free(r->v[i].msg);
        sr_diags_release(&r->v[i].diags);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}
