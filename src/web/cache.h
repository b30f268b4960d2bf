/*
 * cache.h - answers that are costly to compute (the city's dashboard:
 * every district's figures for a period) and may be a little old.
 *
 * An answer is computed once and served again while nothing it depends
 * on has changed (the audit chain's head is the same); once something
 * has, it is served for max_age seconds more, then computed again by a
 * background thread of low priority while the old answer is still
 * served, so that no request waits for it and the other requests keep
 * the CPU.  Only ever for answers that are the
 * same for every caller allowed to ask (the city's whole-city figures):
 * never for anything filtered by the caller's scope.
 */
#ifndef SR_WEB_CACHE_H
#define SR_WEB_CACHE_H

#include "web.h"

/* Compute the answer on st from ctx (what the request asked, copied:
 * it must not point into the request); NULL with *rc on failure. */
typedef struct cJSON *(*web_cache_fn)(struct sr_store *st, const void *ctx,
                                      sr_error *rc);

#define WEB_CACHE_CTX 256 /* largest ctx */

/* The JSON text of the answer for key (a new string, caller frees).
 * The first request for a key computes it; after that, an answer that
 * is out of date is still served while it is computed again in the
 * background, unless max_age is 0 (then the request waits for it).
 * NULL with *rc on failure. */
char *web_cache_get(struct sr_store *st, const char *key, unsigned max_age,
                    web_cache_fn fn, const void *ctx, size_t ctx_size,
                    sr_error *rc);

/* Stop the background thread (web_stop()); forget every answer. */
void web_cache_stop(void);

/* Answer with JSON text already made (takes it over). */
enum MHD_Result web_json_text(struct web_req *r, unsigned status,
                              char *text);

#endif /* SR_WEB_CACHE_H */
