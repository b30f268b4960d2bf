/*
 * health.c - GET /api/v1/health: for monitoring (a load balancer, a
 * systemd watchdog script): the service answers and its database opens
 * and reads.
 */
#include "web.h"

#include <cjson/cJSON.h>

#include "schoolrisk/json.h"
#include "schoolrisk/store.h"

WEB_HANDLER(web_health)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o != NULL;

    sr_json_add(o, "status", sr_json_str("ok"), &ok);
    sr_json_add(o, "schema", sr_json_int(sr_store_schema_version(r->st)),
                &ok);
    return web_json(r, MHD_HTTP_OK, ok ? o : (cJSON_Delete(o), NULL));
}
