/*
 * audit.c - verifying the audit chain (tamper evidence, audit.h):
 * GET /api/v1/audit[?head=HASH].
 *
 * The walk reads every record of the chain against its rows; the
 * answer says whether it found anything wrong and what first.  With a
 * head exported earlier (a workbook's 说明 sheet, `schoolrisk audit
 * head`) it also finds records cut from the chain's end.
 */
#include "web.h"

#include <cjson/cJSON.h>

#include "schoolrisk/audit.h"
#include "schoolrisk/json.h"
#include "schoolrisk/store.h"

WEB_HANDLER(web_audit_verify)
{
    struct sr_audit_report rep;
    cJSON *o;
    int ok;
    sr_error rc;

    rc = sr_audit_verify_head(r->st, web_query(r, "head"), &rep);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "ok", cJSON_CreateBool(rep.ok), &ok);
    sr_json_add(o, "records", sr_json_int(rep.records), &ok);
    sr_json_add(o, "head", sr_json_str(rep.head), &ok);
    sr_json_add(o, "problem", sr_json_str(rep.problem[0] ? rep.problem
                                                         : NULL),
                &ok);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return web_json(r, MHD_HTTP_OK, o);
}
