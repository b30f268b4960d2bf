/*
 * throttle.c - failed sign-ins per client address (throttle.h): a
 * fixed table of addresses, each with a count and the start of its
 * window; a busy table forgets the oldest window first.
 */
#include "throttle.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SLOTS 4096

static struct slot {
    char addr[64];
    unsigned count;
    time_t start;
} slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of addr, or the one to take for it (8 tries, then the one
 * whose window is oldest). */
static struct slot *
find(const char *addr, time_t now, bool take)
{
    uint64_t h = hash(addr);
    struct slot *oldest = NULL;
    int i;

    for (i = 0; i < 8; i++) {
        struct slot *s = &slots[(h + (uint64_t)i) % SLOTS];

        if (!strcmp(s->addr, addr))
            return s;
        if (!oldest || s->start < oldest->start)
            oldest = s;
    }
    if (!take)
        return NULL;
    snprintf(oldest->addr, sizeof(oldest->addr), "%s", addr);
    oldest->count = 0;
    oldest->start = now;
    return oldest;
}

bool
throttle_allow(const char *addr)
{
    time_t now = time(NULL);
    struct slot *s;
    bool ok = true;

    pthread_mutex_lock(&lock);
    s = find(addr, now, false);
    if (s && now - s->start < THROTTLE_WINDOW &&
        s->count >= THROTTLE_FAILURES)
        ok = false;
    pthread_mutex_unlock(&lock);
    return ok;
}

void
throttle_failed(const char *addr)
{
    time_t now = time(NULL);
    struct slot *s;

    pthread_mutex_lock(&lock);
    s = find(addr, now, true);
    if (now - s->start >= THROTTLE_WINDOW) {
        s->count = 0;
        s->start = now;
    }
    s->count++;
    pthread_mutex_unlock(&lock);
}

void
throttle_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(slots, 0, sizeof(slots));
    pthread_mutex_unlock(&lock);
}
