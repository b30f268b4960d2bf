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
 * whole city.  One request recomputes an entry at a time; the others
 * meanwhile get the old text, or wait for the first computation of a
 * key.  A handful of keys (one per period asked for); the oldest goes
 * when the table is full.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "schoolrisk/audit.h"
#include "server_int.h"

#define SLOTS 32

static struct entry {
    char key[96];
    char head[65];
    char *text;        /* NULL while first computed */
    time_t at;         /* when text was computed (monotonic seconds) */
    bool computing;
} entries[SLOTS];

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;

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
        if (!entries[i].computing &&
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

char *
web_cache_get(struct sr_store *st, const char *key, unsigned max_age,
              web_cache_fn fn, void *ctx, sr_error *rc)
{
    char head[65], *text = NULL, *copy;
    struct entry *e;
    cJSON *v;

    *rc = sr_audit_head(st, head);
    if (*rc != SR_OK)
        return NULL;
    pthread_mutex_lock(&lock);
    for (;;) {
        e = slot(key);
        if (!e)
            break; /* every slot busy: compute without caching */
        if (e->text && (!strcmp(e->head, head) || e->computing ||
                        (max_age && now_s() - e->at < (time_t)max_age))) {
            copy = strdup(e->text);
            pthread_mutex_unlock(&lock);
            if (!copy)
                *rc = SR_ERR_NOMEM;
            return copy;
        }
        if (!e->computing)
            break;
        pthread_cond_wait(&done, &lock); /* the first computation */
    }
    if (e)
        e->computing = true;
    pthread_mutex_unlock(&lock);

    v = fn(st, ctx, rc);
    if (v) {
        text = cJSON_PrintUnformatted(v);
        cJSON_Delete(v);
        if (!text && *rc == SR_OK)
            *rc = SR_ERR_NOMEM;
    }
    pthread_mutex_lock(&lock);
    if (e) {
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
    }
    pthread_mutex_unlock(&lock);
    return text;
}

void
web_cache_clear(void)
{
    size_t i;

    pthread_mutex_lock(&lock);
    for (i = 0; i < SLOTS; i++) {
        if (entries[i].computing)
            continue;
        free(entries[i].text);
        memset(&entries[i], 0, sizeof(entries[i]));
    }
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
