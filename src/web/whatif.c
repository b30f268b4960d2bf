/*
 * whatif.c - what-if (整改预测): POST /api/v1/whatif and GET
 * /api/v1/whatif/suggest.
 *
 * The route table has already checked the scope the body or the query
 * names (a school, a district, or nothing: the city); the library then
 * refuses any hazard to close that is not of that scope (404, field
 * "close"), so a caller can only ask about its own hazards.  Nothing is
 * written (whatif.h).
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/json.h"
#include "schoolrisk/store.h"
#include "schoolrisk/whatif.h"

/* At most this many hazards in one what-if. */
#define MAX_CLOSE 1000

/* The body's "close": an array of hazard ids; false after answering. */
static bool
close_ids(struct web_req *r, int64_t *ids, size_t *n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, "close");
    const cJSON *e;

    *n = 0;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > MAX_CLOSE) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "close", 0, "%s",
                  _("close must be an array of hazard ids (at most 1000)"));
        return false;
    }
    cJSON_ArrayForEach(e, v) {
        if (!cJSON_IsNumber(e) || e->valuedouble < 1 ||
            e->valuedouble > 9007199254740991.0 ||
            e->valuedouble != (double)(int64_t)e->valuedouble) {
            web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", "close", 0,
                      "%s", _("close must be an array of hazard ids "
                              "(at most 1000)"));
            return false;
        }
        ids[(*n)++] = (int64_t)e->valuedouble;
    }
    return true;
}

WEB_HANDLER(web_whatif)
{
    struct sr_whatif_query q;
    struct sr_whatif w;
    const char *school = NULL, *district = NULL, *as_of = NULL;
    int64_t *ids;
    char date[11];
    bool major = false;
    sr_error rc;

    memset(&q, 0, sizeof(q));
    if (!web_str(r, "school", false, &school) ||
        !web_str(r, "district", false, &district) ||
        !web_str(r, "as_of", false, &as_of) ||
        !web_bool(r, "close_all_major", &major))
        return web_done(r);
    ids = calloc(MAX_CLOSE, sizeof(*ids));
    if (!ids)
        return web_json(r, MHD_HTTP_OK, NULL);
    if (!close_ids(r, ids, &q.n_close)) {
        free(ids);
        return web_done(r);
    }
    q.scope = school ? SR_WHATIF_SCHOOL
                     : district ? SR_WHATIF_DISTRICT : SR_WHATIF_CITY;
    q.code = school ? school : district;
    q.close = ids;
    q.all_major = major;
    q.as_of = web_date(as_of, date);
    rc = sr_whatif_run(r->st, &q, &w);
    free(ids);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    {
        cJSON *root = sr_json_whatif(&w);

        sr_whatif_release(&w);
        return web_json(r, MHD_HTTP_OK, root);
    }
}

WEB_HANDLER(web_whatif_suggest)
{
    struct sr_whatif_suggest s;
    cJSON *root;
    char date[11];
    sr_error rc;

    rc = sr_whatif_suggest(r->st, web_query(r, "district"),
                           web_date(web_query(r, "date"), date), &s);
    if (rc == SR_ERR_INPUT)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "date", 0,
                         "%s", sr_store_errmsg(r->st));
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = sr_json_whatif_suggest(&s);
    sr_whatif_suggest_release(&s);
    return web_json(r, MHD_HTTP_OK, root);
}
