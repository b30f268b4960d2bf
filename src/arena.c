/*
 * arena.c - bump allocator (see arena.h).
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 16384

struct sr_arena_chunk {
    struct sr_arena_chunk *next;
    size_t used;
    size_t size;
    /* Data follows, aligned by the union. */
    union {
        long double ld;
        void *p;
        long long ll;
    } data[];
};

void
sr_arena_init(struct sr_arena *a)
{
    a->head = NULL;
}

void
sr_arena_release(struct sr_arena *a)
{
    struct sr_arena_chunk *c = a->head;

    while (c) {
        struct sr_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
}

void *
sr_arena_alloc(struct sr_arena *a, size_t n)
{
    const size_t align = sizeof(((struct sr_arena_chunk *)0)->data[0]);
    struct sr_arena_chunk *c = a->head;
    size_t need = (n + align - 1) / align * align;
    void *p;

    if (need < n)
        return NULL;
    if (!c || c->size - c->used < need) {
        size_t size = need > CHUNK_SIZE ? need : CHUNK_SIZE;

        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->used = 0;
        c->size = size;
        /* A big allocation gets its own chunk behind the current one so
         * the current chunk's free space is not wasted. */
        if (a->head && need > CHUNK_SIZE) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    p = (char *)c->data + c->used;
    c->used += need;
    return p;
}

char *
sr_arena_strndup(struct sr_arena *a, const char *s, size_t n)
{
    char *p = sr_arena_alloc(a, n + 1);

    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
sr_arena_strdup(struct sr_arena *a, const char *s)
{
    return sr_arena_strndup(a, s, strlen(s));
}
