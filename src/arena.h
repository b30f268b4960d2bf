/*
 * arena.h - a bump allocator for the strings of a loaded indicator
 * system.  Everything allocated from an arena is freed at once with it,
 * which gives the immutable model one owner and one free.
 */
#ifndef SR_ARENA_H
#define SR_ARENA_H

#include <stddef.h>

struct sr_arena_chunk;

struct sr_arena {
    struct sr_arena_chunk *head;
};

void sr_arena_init(struct sr_arena *a);
void sr_arena_release(struct sr_arena *a);
/* NULL when out of memory.  Memory is aligned for any scalar. */
void *sr_arena_alloc(struct sr_arena *a, size_t n);
char *sr_arena_strndup(struct sr_arena *a, const char *s, size_t n);
char *sr_arena_strdup(struct sr_arena *a, const char *s);

#endif /* SR_ARENA_H */
