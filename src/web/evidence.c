/*
 * evidence.c - evidence files (photos and PDFs): /api/v1/evidence.
 *
 * An upload is the raw body, for the school in ?school= (server.c has
 * checked that the caller may see it), with the original name in
 * ?name=; its type is decided by its content (evidence.h), so an HTML
 * page or a program named photo.jpg is refused.  A file is addressed by
 * its SHA-256: its content can never change under that name, so it is
 * served as immutable; who may fetch it is server.c's business (any
 * school it was uploaded for that the caller may see, else 404).
 */
#include "web.h"

#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "schoolrisk/evidence.h"
#include "schoolrisk/json.h"
#include "schoolrisk/store.h"
#include "server_int.h"

/* Whether the file of sha256 is already stored for school code. */
static sr_error
stored_for(struct web_req *r, const char *sha256, const char *code,
           bool *yes)
{
    struct sr_evidence *v = NULL;
    size_t n = 0, i;
    sr_error rc;

    *yes = false;
    rc = sr_evidence_lookup(r->st, sha256, &v, &n);
    for (i = 0; rc == SR_OK && i < n; i++)
        if (!strcmp(v[i].school, code))
            *yes = true;
    sr_evidence_list_free(v, n);
    return rc;
}

WEB_HANDLER(web_evidence_upload)
{
    const char *school = web_query(r, "school");
    const char *name = web_query(r, "name");
    struct sr_evidence ev;
    char sha[65];
    bool had = false;
    cJSON *root;
    int ok;
    sr_error rc = SR_OK;

    if (r->body_len) {
        sr_sha256_hex(r->body, r->body_len, sha);
        rc = stored_for(r, sha, school, &had);
    }
    if (rc == SR_OK)
        rc = sr_evidence_put(r->st, r->cfg->evidence_dir, school, name,
                             r->body, r->body_len, &ev);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    root = cJSON_CreateObject();
    ok = root != NULL;
    if (ok) {
        sr_json_add(root, "sha256", sr_json_str(ev.sha256), &ok);
        sr_json_add(root, "type", sr_json_str(ev.type), &ok);
        sr_json_add(root, "size", sr_json_int(ev.size), &ok);
        sr_json_add(root, "name", sr_json_str(ev.name), &ok);
        sr_json_add(root, "school", sr_json_str(ev.school), &ok);
        sr_json_add(root, "uploaded_at", sr_json_str(ev.uploaded_at), &ok);
        sr_json_add(root, "uploaded_by", sr_json_str(ev.uploaded_by), &ok);
    }
    sr_evidence_release(&ev);
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    return web_json(r, had ? MHD_HTTP_OK : MHD_HTTP_CREATED, root);
}

WEB_HANDLER(web_evidence_get)
{
    const char *sha = web_param(r, 0);
    struct sr_evidence *v = NULL;
    struct MHD_Response *rs;
    enum MHD_Result ret;
    char type[32];
    size_t n = 0;
    int64_t size;
    int fd;
    sr_error rc;

    rc = sr_evidence_lookup(r->st, sha, &v, &n);
    if (rc == SR_OK && !n)
        rc = SR_ERR_NOT_FOUND;
    if (rc == SR_OK)
        snprintf(type, sizeof(type), "%s", v[0].type);
    sr_evidence_list_free(v, n);
    if (rc == SR_OK)
        rc = sr_evidence_open(r->cfg->evidence_dir, sha, &fd, &size);
    if (rc == SR_ERR_NOT_FOUND || rc == SR_ERR_INPUT)
        return web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0, "%s",
                         _("not found"));
    if (rc != SR_OK)
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, _("evidence file %s cannot be read"), sha);
    rs = MHD_create_response_from_fd64((uint64_t)size, fd);
    if (!rs) {
        close(fd);
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, "%s", _("out of memory"));
    }
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    /* Content-addressed: the bytes under this name never change. */
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
                            "private, max-age=31536000, immutable");
    MHD_add_response_header(rs, "Content-Disposition", "inline");
    r->sent = (size_t)size;
    ret = web_answer(r, MHD_HTTP_OK, rs);
    MHD_destroy_response(rs);
    return ret;
}
