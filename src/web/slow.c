/*
 * slow.c - the pool of threads for Argon2id requests (slow.h).
 */
#include "slow.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/store.h"

static struct {
    pthread_mutex_t lock;
    pthread_cond_t more;
    struct web_req *q[WEB_SLOW_QUEUE];
    size_t head, n;
    bool stop;
    pthread_t *threads;
    unsigned n_threads;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .more = PTHREAD_COND_INITIALIZER};

static void
run(struct web_req *r)
{
    char err[1024];

    sr_i18n_use(r->english ? SR_LANG_EN : SR_LANG_ZH);
    r->st = web_thread_store(err, sizeof(err));
    if (!r->st) {
        r->slow_rc = SR_ERR_DB;
        snprintf(r->slow_msg, sizeof(r->slow_msg), "%s", err);
    } else {
        if (r->signed_in)
            sr_store_set_user(r->st, r->who.user.id, r->who.user.name);
        else
            sr_store_set_actor(r->st, "anonymous");
        r->route->handler(r);
        sr_store_set_actor(r->st, "anonymous");
    }
    r->st = NULL;
    r->slow_state = WEB_SLOW_DONE;
    MHD_resume_connection(r->conn);
}

static void *
worker(void *arg)
{
    (void)arg;
    for (;;) {
        struct web_req *r;

        pthread_mutex_lock(&pool.lock);
        while (!pool.n && !pool.stop)
            pthread_cond_wait(&pool.more, &pool.lock);
        if (!pool.n && pool.stop) {
            pthread_mutex_unlock(&pool.lock);
            return NULL;
        }
        r = pool.q[pool.head];
        pool.head = (pool.head + 1) % WEB_SLOW_QUEUE;
        pool.n--;
        pthread_mutex_unlock(&pool.lock);
        run(r);
    }
}

int
web_slow_start(unsigned threads)
{
    unsigned i;

    pool.stop = false;
    pool.head = pool.n = 0;
    pool.threads = calloc(threads, sizeof(*pool.threads));
    if (!pool.threads)
        return -1;
    for (i = 0; i < threads; i++) {
        if (pthread_create(&pool.threads[i], NULL, worker, NULL) != 0)
            break;
        pool.n_threads++;
    }
    return pool.n_threads ? 0 : -1;
}

void
web_slow_stop(void)
{
    unsigned i;

    pthread_mutex_lock(&pool.lock);
    pool.stop = true;
    pthread_cond_broadcast(&pool.more);
    pthread_mutex_unlock(&pool.lock);
    for (i = 0; i < pool.n_threads; i++)
        pthread_join(pool.threads[i], NULL);
    free(pool.threads);
    pool.threads = NULL;
    pool.n_threads = 0;
}

bool
web_slow_submit(struct web_req *r)
{
    bool ok;

    pthread_mutex_lock(&pool.lock);
    ok = pool.n < WEB_SLOW_QUEUE && !pool.stop;
    if (ok) {
        pool.q[(pool.head + pool.n) % WEB_SLOW_QUEUE] = r;
        pool.n++;
        pthread_cond_signal(&pool.more);
    }
    pthread_mutex_unlock(&pool.lock);
    return ok;
}

void
web_slow_keep(struct web_req *r, sr_error rc)
{
    const char *f;

    r->slow_rc = rc;
    if (rc == SR_OK || !r->st)
        return;
    snprintf(r->slow_msg, sizeof(r->slow_msg), "%s",
             sr_store_errmsg(r->st));
    f = sr_store_errfield(r->st);
    snprintf(r->slow_field, sizeof(r->slow_field), "%s", f ? f : "");
}

void
web_slow_release(struct web_req *r)
{
    if (r->slow_free && r->slow_result)
        r->slow_free(r->slow_result);
    r->slow_result = NULL;
}
