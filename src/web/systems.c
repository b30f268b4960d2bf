/*
 * systems.c - the indicator systems stored in the database: the list
 * with the current system of each stage, one system's tree, and
 * publishing a new one (its XML as the raw body).
 *
 * A stored (id, version) never changes (store.h): the same file again
 * is "unchanged", other content under a stored version is a conflict
 * (409), and a file that does not validate is 422 with every problem
 * the loader found, each with its line, in "details".
 */
#include "web.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/indicators.h"
#include "schoolrisk/json.h"
#include "schoolrisk/school.h"
#include "schoolrisk/store.h"

/* One stored system as listed. */
static cJSON *
stored_json(const struct sr_stored_system *s)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    int ok = o != NULL, stage;

    if (!ok)
        return NULL;
    sr_json_add(o, "id", sr_json_str(s->id), &ok);
    sr_json_add(o, "version", sr_json_str(s->version), &ok);
    sr_json_add(o, "title", sr_json_str(s->title), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(o, "stages", arr, &ok);
    for (stage = 0; ok && stage < SR_STAGE_COUNT; stage++) {
        cJSON *e;

        if (!(s->stages & (1u << stage)))
            continue;
        e = cJSON_CreateObject();
        sr_json_add(arr, NULL, e, &ok);
        if (!ok)
            break;
        sr_json_add(e, "stage", sr_json_str(sr_stage_name(stage)), &ok);
        sr_json_add(e, "label", sr_json_str(sr_stage_label(stage)), &ok);
        sr_json_add(e, "current",
                    cJSON_CreateBool((s->current & (1u << stage)) != 0),
                    &ok);
    }
    sr_json_add(o, "current", cJSON_CreateBool(s->current != 0), &ok);
    sr_json_add(o, "sha256", sr_json_str(s->sha256), &ok);
    sr_json_add(o, "loaded_at", sr_json_str(s->loaded_at), &ok);
    sr_json_add(o, "loaded_by", sr_json_str(s->loaded_by), &ok);
    sr_json_add(o, "seq", sr_json_int(s->seq), &ok);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

WEB_HANDLER(web_systems_list)
{
    struct sr_stored_system *v = NULL;
    cJSON *root, *arr, *cur;
    size_t n = 0, i;
    int ok, stage;
    sr_error rc;

    rc = sr_store_systems(r->st, &v, &n);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = cJSON_CreateObject();
    ok = root != NULL;
    sr_json_add(root, "total", sr_json_int((int64_t)n), &ok);
    arr = cJSON_CreateArray();
    sr_json_add(root, "items", arr, &ok);
    for (i = 0; ok && i < n; i++)
        sr_json_add(arr, NULL, stored_json(&v[i]), &ok);
    /* The current system of each stage, by the stage's name. */
    cur = cJSON_CreateObject();
    sr_json_add(root, "current", cur, &ok);
    for (stage = 0; ok && stage < SR_STAGE_COUNT; stage++)
        for (i = 0; ok && i < n; i++) {
            cJSON *e;

            if (!(v[i].current & (1u << stage)))
                continue;
            e = cJSON_CreateObject();
            sr_json_add(cur, sr_stage_name(stage), e, &ok);
            if (!ok)
                break;
            sr_json_add(e, "id", sr_json_str(v[i].id), &ok);
            sr_json_add(e, "version", sr_json_str(v[i].version), &ok);
        }
    sr_stored_systems_free(v, n);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, MHD_HTTP_OK, root);
}

WEB_HANDLER(web_systems_get)
{
    struct sr_system *sys = NULL;
    char hash[65];
    cJSON *o;
    int ok;
    sr_error rc;

    rc = sr_store_system(r->st, web_param(r, 0), web_param(r, 1), &sys);
    if (rc == SR_OK)
        rc = sr_store_system_hash(r->st, web_param(r, 0), web_param(r, 1),
                                  hash);
    if (rc != SR_OK) {
        sr_system_free(sys);
        return web_fail(r, rc, NULL);
    }
    o = sr_json_system(sys);
    sr_system_free(sys);
    ok = o != NULL;
    if (ok)
        sr_json_add(o, "sha256", sr_json_str(hash), &ok);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return web_json(r, MHD_HTTP_OK, o);
}

/* The outcome of an upload with the stored system it names: the one
 * whose SHA-256 is the body's. */
static enum MHD_Result
upload_answer(struct web_req *r, const char *hash, bool added)
{
    struct sr_stored_system *v = NULL;
    size_t n = 0, i;
    cJSON *o;
    int ok;
    sr_error rc;

    rc = sr_store_systems(r->st, &v, &n);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    o = cJSON_CreateObject();
    ok = o != NULL;
    sr_json_add(o, "outcome", sr_json_str(added ? "added" : "unchanged"),
                &ok);
    for (i = 0; ok && i < n; i++)
        if (!strcmp(v[i].sha256, hash)) {
            sr_json_add(o, "system", stored_json(&v[i]), &ok);
            break;
        }
    sr_stored_systems_free(v, n);
    if (!ok) {
        cJSON_Delete(o);
        o = NULL;
    }
    return web_json(r, added ? MHD_HTTP_CREATED : MHD_HTTP_OK, o);
}

WEB_HANDLER(web_systems_upload)
{
    const char *name = web_query(r, "name");
    const char *xml = r->body ? r->body : "";
    enum sr_load_outcome outcome = SR_LOAD_UNCHANGED;
    struct sr_diags d;
    enum MHD_Result ret;
    char hash[65];
    sr_error rc;

    if (!name)
        name = "upload.xml";
    if (strlen(name) > 255)
        return web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "name", 0,
                         "%s", _("the file name is longer than 255 bytes"));
    sr_diags_init(&d);
    rc = sr_store_load_system(r->st, name, xml, r->body_len, &outcome, &d);
    if (rc != SR_OK) {
        ret = web_fail(r, rc, &d);
        sr_diags_release(&d);
        return ret;
    }
    sr_diags_release(&d);
    sr_sha256_hex(xml, r->body_len, hash);
    return upload_answer(r, hash, outcome == SR_LOAD_ADDED);
}
