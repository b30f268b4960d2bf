/*
 * baseline.c - the four-100% table (四个100%): /api/v1/baseline.
 *
 * Each school the caller may see with its four elements and the reason
 * for each one not met, and the rates of the districts the caller sees
 * whole (a school user sees only its school, and no district's rates).
 * The computation is the library's (baseline.h); the schools are paged
 * here, the rates are over every school of a district.
 */
#include "web.h"

#include <cjson/cJSON.h>

#include "schoolrisk/baseline.h"
#include "schoolrisk/json.h"
#include "schoolrisk/store.h"

WEB_HANDLER(web_baseline)
{
    const char *district = web_query(r, "district");
    struct sr_baseline_report rep;
    struct sr_scope scope;
    size_t offset, limit, i;
    cJSON *root, *arr;
    char date[11];
    int ok;
    sr_error rc;

    if (!web_paging(r, 50, 500, &offset, &limit))
        return web_done(r);
    if (!web_scope(r, &scope))
        return web_done(r);
    rc = sr_baseline_compute_scoped(r->st, district,
                                    web_date(web_query(r, "date"), date),
                                    &scope, &rep);
    sr_scope_release(&scope);
    if (rc == SR_ERR_NOT_FOUND || rc == SR_ERR_INPUT)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query",
                         rc == SR_ERR_INPUT ? "date" : "district", 0, "%s",
                         sr_store_errmsg(r->st));
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok) {
        sr_json_add(root, "as_of", sr_json_str(rep.as_of), &ok);
        arr = cJSON_CreateArray();
        sr_json_add(root, "districts", arr, &ok);
        for (i = 0; ok && i < rep.nd; i++)
            sr_json_add(arr, NULL, sr_json_baseline_district(&rep.d[i]),
                        &ok);
        sr_json_add(root, "total", sr_json_int((int64_t)rep.n), &ok);
        sr_json_add(root, "page", sr_json_int((int64_t)(offset / limit + 1)),
                    &ok);
        sr_json_add(root, "size", sr_json_int((int64_t)limit), &ok);
        arr = cJSON_CreateArray();
        sr_json_add(root, "schools", arr, &ok);
        for (i = offset; ok && i < rep.n && i < offset + limit; i++)
            sr_json_add(arr, NULL, sr_json_baseline_school(&rep.s[i]), &ok);
    }
    sr_baseline_report_release(&rep);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}
