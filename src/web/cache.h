/*
 * cache.h - answers that are costly to compute (the city's dashboard:
 * every district's figures for a period) and may be a little old.
 *
 * An answer is computed once and served again while nothing it depends
 * on has changed (the audit chain's head is the same), and for max_age
 * seconds after something has.  Only ever for answers that are the
 * same for every caller allowed to ask (the city's whole-city figures):
 * never for anything filtered by the caller's scope.
 */
#ifndef SR_WEB_CACHE_H
#define SR_WEB_CACHE_H

#include "web.h"

/* Compute the answer; NULL with *rc set on failure. */
typedef struct cJSON *(*web_cache_fn)(struct sr_store *st, void *ctx,
                                      sr_error *rc);

/* The JSON text of the answer for key (a new string, caller frees), from
 * the cache or computed by fn; NULL with *rc on failure. */
char *web_cache_get(struct sr_store *st, const char *key, unsigned max_age,
                    web_cache_fn fn, void *ctx, sr_error *rc);

/* Forget every answer (tests). */
void web_cache_clear(void);

/* Answer with JSON text already made (takes it over). */
enum MHD_Result web_json_text(struct web_req *r, unsigned status,
                              char *text);

#endif /* SR_WEB_CACHE_H */
