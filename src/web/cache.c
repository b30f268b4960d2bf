/*
 * cache.c - answers that are costly to compute and may be a little old
 * (cache.h).
 *
 * DESIGN
 * An entry holds the JSON text of an answer, the audit chain's head
 * when it was computed and when.  It is served as long as the head has
 * not moved (nothing a report depends on was written since: every such
 * write appends to the chain), or, when it has, for max_age seconds
 * more: a dashboard a minute old is fine, and a city full of inspectors
 * writing would otherwise have every dashboard request recompute the
 * whole city.  After that a background thread recomputes it, at low
 * priority (nice 10), while the old text is still served: only the
 * first request for a key, and one asking for fresh figures
 * (max_age 0), waits for a computation.  Entries keep what their
 * computation needs (the function and a copy of its context).  A
 * handful of keys (one per period asked for); the oldest goes when the
 * table is full.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "schoolrisk/audit.h"
#include "server_int.h"
#include "slow.h"

#define SLOTS 32

static struct entry {
    char key[96];
    char head[65];
    char *text;        /* NULL while first computed */
    time_t at;         /* when text was computed (monotonic seconds) */
    bool computing;
    bool queued;       /* waiting for the background thread */
    web_cache_fn fn;
    unsigned char ctx[WEB_CACHE_CTX];
} entries[SLOTS];

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_t refresher;
static bool refresher_started, stopping;

static time_t
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static struct entry *
slot(const char *key)
{
    struct entry *oldest = NULL;
    size_t i;

    for (i = 0; i < SLOTS; i++) {
        if (!strcmp(entries[i].key, key))
            return &entries[i];
        if (!entries[i].computing && !entries[i].queued &&
            (!oldest || entries[i].at < oldest->at))
            oldest = &entries[i];
    }
    if (!oldest)
        return NULL;
    free(oldest->text);
    memset(oldest, 0, sizeof(*oldest));
    snprintf(oldest->key, sizeof(oldest->key), "%s", key);
    return oldest;
}

/* Compute e's answer (outside the lock) and store it. */
static char *
compute(struct sr_store *st, struct entry *e, const char *head,
        sr_error *rc)
{
    unsigned char ctx[WEB_CACHE_CTX];
    web_cache_fn fn;
    char *text = NULL, *copy;
    cJSON *v;

    pthread_mutex_lock(&lock);
    e->computing = true;
    e->queued = false;
    fn = e->fn;
    memcpy(ctx, e->ctx, sizeof(ctx));
    pthread_mutex_unlock(&lock);

    v = fn(st, ctx, rc);
    if (v) {
        text = cJSON_PrintUnformatted(v);
        cJSON_Delete(v);
        if (!text && *rc == SR_OK)
            *rc = SR_ERR_NOMEM;
    }
    pthread_mutex_lock(&lock);
    e->computing = false;
    if (text) {
        copy = strdup(text);
        if (copy) {
            free(e->text);
            e->text = copy;
            e->at = now_s();
            snprintf(e->head, sizeof(e->head), "%s", head);
        }
    } else if (!e->text) {
        e->key[0] = '\0'; /* failed: let the next one try */
    }
    pthread_cond_broadcast(&done);
    pthread_mutex_unlock(&lock);
    return text;
}

/* The background thread: recompute the entries queued, at low
 * priority. */
static void *
refresh(void *arg)
{
    char err[1024];

    (void)arg;
    /* Linux: nice applies to the calling thread. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    pthread_mutex_lock(&lock);
    while (!stopping) {
        struct entry *e = NULL;
        size_t i;

        for (i = 0; i < SLOTS && !e; i++)
            if (entries[i].queued && !entries[i].computing)
                e = &entries[i];
        if (!e) {
            pthread_cond_wait(&work, &lock);
            continue;
        }
        pthread_mutex_unlock(&lock);
        {
            struct sr_store *st = web_thread_store(err, sizeof(err));
            char head[65];
            sr_error rc = SR_OK;
            char *text = NULL;

            if (st && sr_audit_head(st, head) == SR_OK)
                text = compute(st, e, head, &rc);
            else {
                pthread_mutex_lock(&lock);
                e->queued = false;
                pthread_mutex_unlock(&lock);
            }
            free(text);
        }
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

char *
web_cache_get(struct sr_store *st, const char *key, unsigned max_age,
              web_cache_fn fn, const void *ctx, size_t ctx_size,
              sr_error *rc)
{
    char head[65], *copy;
    struct entry *e;
    bool fresh;

    if (ctx_size > WEB_CACHE_CTX) {
        *rc = SR_ERR_INTERNAL;
        return NULL;
    }
    *rc = sr_audit_head(st, head);
    if (*rc != SR_OK)
        return NULL;
    pthread_mutex_lock(&lock);
    for (;;) {
        e = slot(key);
        if (!e)
            break; /* every slot busy: compute without caching */
        if (!e->computing && !e->queued) {
            e->fn = fn;
            memcpy(e->ctx, ctx, ctx_size);
        }
        if (!e->text) {
            if (!e->computing)
                break;             /* the first computation: ours */
            pthread_cond_wait(&done, &lock);
            continue;
        }
        fresh = !strcmp(e->head, head);
        if (!fresh && !max_age && !e->computing)
            break;                 /* asked for fresh figures: wait */
        if (!fresh && !max_age) {
            pthread_cond_wait(&done, &lock);
            continue;
        }
        if (!fresh && now_s() - e->at >= (time_t)max_age && !e->computing &&
            !e->queued) {
            /* Old: served as it is while the background recomputes. */
            if (!refresher_started && !stopping &&
                pthread_create(&refresher, NULL, refresh, NULL) == 0)
                refresher_started = true;
            if (refresher_started) {
                e->queued = true;
                pthread_cond_signal(&work);
            }
        }
        copy = strdup(e->text);
        pthread_mutex_unlock(&lock);
        if (!copy)
            *rc = SR_ERR_NOMEM;
        return copy;
    }
    pthread_mutex_unlock(&lock);
    if (!e) {
        cJSON *v = fn(st, ctx, rc);
        char *text = v ? cJSON_PrintUnformatted(v) : NULL;

        cJSON_Delete(v);
        if (v && !text)
            *rc = SR_ERR_NOMEM;
        return text;
    }
    return compute(st, e, head, rc);
}

void
web_cache_stop(void)
{
    size_t i;

    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_broadcast(&work);
    pthread_mutex_unlock(&lock);
    if (refresher_started)
        pthread_join(refresher, NULL);
    pthread_mutex_lock(&lock);
    refresher_started = false;
    for (i = 0; i < SLOTS; i++) {
        free(entries[i].text);
        memset(&entries[i], 0, sizeof(entries[i]));
    }
    stopping = false;
    pthread_mutex_unlock(&lock);
}

enum MHD_Result
web_json_text(struct web_req *r, unsigned status, char *text)
{
    struct MHD_Response *rs;
    enum MHD_Result ret;

    rs = MHD_create_response_from_buffer(strlen(text), text,
                                         MHD_RESPMEM_MUST_FREE);
    if (!rs) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json; charset=utf-8");
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    ret = web_answer(r, status, rs);
    MHD_destroy_response(rs);
    return ret;
}
