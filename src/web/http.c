/*
 * http.c - answering a request: JSON bodies, the one error shape, files
 * for download, and reading the request's parameters and JSON fields.
 *
 * Every response carries the security headers (server.c adds them when
 * it queues the response through answer()), and API responses are never
 * cached.  An error is always
 *   {"error": {"code": "...", "message": "...", "field": "...",
 *              "line": N, "details": [...]}}
 * with the HTTP status that fits; the message is for people, in the
 * language the request asked for (Chinese by default).
 */
#include "web.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "schoolrisk/date.h"
#include "schoolrisk/json.h"
#include "schoolrisk/store.h"
#include "server_int.h"

/* ------------------------------------------------------------------ */
/* Request parts                                                        */
/* ------------------------------------------------------------------ */

const char *
web_param(const struct web_req *r, size_t n)
{
    return n < r->n_params ? r->params[n] : NULL;
}

const char *
web_query(const struct web_req *r, const char *key)
{
    const char *v = MHD_lookup_connection_value(r->conn,
                                                MHD_GET_ARGUMENT_KIND, key);

    return v && *v ? v : NULL;
}

const char *
web_date(const char *text, char buf[11])
{
    return text && sr_date_parse(text, buf) == SR_OK ? buf : text;
}

const char *
web_header(const struct web_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

/* A decimal integer in 1..INT64_MAX, the whole text. */
static bool
parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

bool
web_param_id(struct web_req *r, size_t n, int64_t *id)
{
    if (parse_id(web_param(r, n), id))
        return true;
    web_error(r, MHD_HTTP_NOT_FOUND, "not_found", NULL, 0,
              _("no such record: '%s'"), web_param(r, n));
    return false;
}

/* ------------------------------------------------------------------ */
/* JSON fields                                                          */
/* ------------------------------------------------------------------ */

static const cJSON *
member(const struct web_req *r, const char *key)
{
    return r->json ? cJSON_GetObjectItemCaseSensitive(r->json, key) : NULL;
}

bool
web_str(struct web_req *r, const char *key, bool required, const char **out)
{
    const cJSON *v = member(r, key);

    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return true;
        web_error(r, MHD_HTTP_BAD_REQUEST, "missing_field", key, 0,
                  _("the field '%s' is required"), key);
        return false;
    }
    if (!cJSON_IsString(v)) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", key, 0,
                  _("the field '%s' must be a string"), key);
        return false;
    }
    *out = v->valuestring;
    if (required && !**out) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "missing_field", key, 0,
                  _("the field '%s' is required"), key);
        return false;
    }
    return true;
}

bool
web_bool(struct web_req *r, const char *key, bool *out)
{
    const cJSON *v = member(r, key);

    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsBool(v)) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", key, 0,
                  _("the field '%s' must be true or false"), key);
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

bool
web_int(struct web_req *r, const char *key, bool required, int64_t *out)
{
    const cJSON *v = member(r, key);

    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return true;
        web_error(r, MHD_HTTP_BAD_REQUEST, "missing_field", key, 0,
                  _("the field '%s' is required"), key);
        return false;
    }
    /* cJSON holds numbers as doubles: accept only exact integers that
     * a double represents exactly. */
    if (!cJSON_IsNumber(v) ||
        v->valuedouble != (double)(int64_t)v->valuedouble ||
        v->valuedouble > 9007199254740992.0 ||
        v->valuedouble < -9007199254740992.0) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", key, 0,
                  _("the field '%s' must be a whole number"), key);
        return false;
    }
    *out = (int64_t)v->valuedouble;
    return true;
}

bool
web_strs(struct web_req *r, const char *key, const char **out, size_t max,
         size_t *n)
{
    const cJSON *v = member(r, key), *e;

    *n = 0;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsArray(v)) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", key, 0,
                  _("the field '%s' must be a list of strings"), key);
        return false;
    }
    cJSON_ArrayForEach(e, v) {
        if (!cJSON_IsString(e)) {
            web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", key, 0,
                      _("the field '%s' must be a list of strings"),
                      key);
            return false;
        }
        if (*n == max) {
            web_error(r, MHD_HTTP_BAD_REQUEST, "bad_field", key, 0,
                      _("the field '%s' lists more than %zu entries"),
                      key, max);
            return false;
        }
        out[(*n)++] = e->valuestring;
    }
    return true;
}

bool
web_paging(struct web_req *r, size_t def, size_t max, size_t *offset,
           size_t *limit)
{
    const char *p = web_query(r, "page"), *z = web_query(r, "size");
    int64_t page = 1, size = (int64_t)def;

    if ((p && !parse_id(p, &page)) || (z && !parse_id(z, &size)) ||
        (uint64_t)size > max || page > 1000000) {
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", p && !parse_id(p, &page)
                                                        ? "page" : "size",
                  0, _("page must be 1 or more and size 1 to %zu"),
                  max);
        return false;
    }
    *offset = (size_t)(page - 1) * (size_t)size;
    *limit = (size_t)size;
    return true;
}

/* ------------------------------------------------------------------ */
/* Answers                                                              */
/* ------------------------------------------------------------------ */

enum MHD_Result
web_done(struct web_req *r)
{
    return r->queued ? MHD_YES : MHD_NO;
}

enum MHD_Result
web_json(struct web_req *r, unsigned status, cJSON *v)
{
    struct MHD_Response *rs;
    char *text;
    enum MHD_Result ret;

    if (!v)
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, "%s", _("out of memory"));
    text = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!text)
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, "%s", _("out of memory"));
    rs = MHD_create_response_from_buffer(strlen(text), text,
                                         MHD_RESPMEM_MUST_FREE);
    if (!rs) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json; charset=utf-8");
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    ret = web_answer(r, status, rs);
    MHD_destroy_response(rs);
    return ret;
}

/* The error object; NULL when out of memory. */
static cJSON *
error_json(const char *code, const char *message, const char *field,
           long line, const struct sr_diags *diags)
{
    cJSON *root = cJSON_CreateObject(), *e = cJSON_CreateObject();
    int ok = root && e;
    size_t i;

    if (!ok) {
        cJSON_Delete(root);
        cJSON_Delete(e);
        return NULL;
    }
    cJSON_AddItemToObject(root, "error", e);
    sr_json_add(e, "code", sr_json_str(code), &ok);
    sr_json_add(e, "message", sr_json_str(message), &ok);
    if (field)
        sr_json_add(e, "field", sr_json_str(field), &ok);
    if (line > 0)
        sr_json_add(e, "line", sr_json_int(line), &ok);
    if (diags && diags->n) {
        cJSON *arr = cJSON_CreateArray();

        sr_json_add(e, "details", arr, &ok);
        for (i = 0; ok && i < diags->n && i < 500; i++) {
            cJSON *d = cJSON_CreateObject();

            sr_json_add(arr, NULL, d, &ok);
            if (!ok)
                break;
            sr_json_add(d, "file", sr_json_str(diags->v[i].file), &ok);
            if (diags->v[i].line > 0)
                sr_json_add(d, "line", sr_json_int(diags->v[i].line), &ok);
            sr_json_add(d, "message", sr_json_str(diags->v[i].message), &ok);
        }
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

static enum MHD_Result
send_error(struct web_req *r, unsigned status, const char *code,
           const char *message, const char *field, long line,
           const struct sr_diags *diags)
{
    static const char nomem[] =
        "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
    cJSON *v = error_json(code, message, field, line, diags);
    struct MHD_Response *rs;
    enum MHD_Result ret;

    if (v)
        return web_json(r, status, v);
    rs = MHD_create_response_from_buffer(sizeof(nomem) - 1, (void *)nomem,
                                         MHD_RESPMEM_PERSISTENT);
    if (!rs)
        return MHD_NO;
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json; charset=utf-8");
    ret = web_answer(r, MHD_HTTP_INTERNAL_SERVER_ERROR, rs);
    MHD_destroy_response(rs);
    return ret;
}

enum MHD_Result
web_error(struct web_req *r, unsigned status, const char *code,
          const char *field, long line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return send_error(r, status, code, msg, field, line, NULL);
}

enum MHD_Result
web_fail(struct web_req *r, sr_error rc, const struct sr_diags *diags)
{
    const char *msg = r->st ? sr_store_errmsg(r->st) : "";
    const char *field = r->st ? sr_store_errfield(r->st) : NULL;
    unsigned status;
    const char *code;
    long line = 0;

    if (r->slow_msg[0]) {
        /* The work ran on a pool thread (slow.h). */
        msg = r->slow_msg;
        field = r->slow_field;
    }

    switch (rc) {
    case SR_ERR_INPUT:
        status = MHD_HTTP_UNPROCESSABLE_CONTENT;
        code = "invalid";
        break;
    case SR_ERR_NOT_FOUND:
        status = MHD_HTTP_NOT_FOUND;
        code = "not_found";
        break;
    case SR_ERR_STATE:
        status = MHD_HTTP_CONFLICT;
        code = "state";
        break;
    case SR_ERR_CONFLICT:
        status = MHD_HTTP_CONFLICT;
        code = "conflict";
        break;
    case SR_ERR_TOO_LARGE:
        status = MHD_HTTP_CONTENT_TOO_LARGE;
        code = "too_large";
        break;
    case SR_ERR_AUTH:
        status = MHD_HTTP_UNAUTHORIZED;
        code = "unauthorized";
        break;
    case SR_ERR_DB:
        /* A full disk, a read-only file, a lock held too long: the
         * request did nothing and may be tried again. */
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        code = "database";
        break;
    case SR_ERR_NOMEM:
    case SR_ERR_IO:
    case SR_ERR_INTERNAL:
    case SR_ERR_VERSION:
    case SR_OK:
    case SR_ERR_MAX:
    default:
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        code = "internal";
        break;
    }
    if (!*msg)
        msg = sr_strerror(rc);
    if (diags && diags->n == 1 && diags->v[0].line > 0)
        line = diags->v[0].line;
    if (field && !*field)
        field = NULL;
    return send_error(r, status, code, msg, field, line, diags);
}

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

/* name as RFC 5987 ext-value: UTF-8 percent-encoded. */
static void
pct_encode(const char *name, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p;
    size_t o = 0;

    for (p = (const unsigned char *)name; *p && o + 4 < size; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_') {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

/* An ASCII stand-in for the plain filename= parameter: non-ASCII
 * characters become '_'. */
static void
ascii_name(const char *name, char *out, size_t size)
{
    const unsigned char *p;
    size_t o = 0;

    for (p = (const unsigned char *)name; *p && o + 1 < size; p++) {
        if (*p >= 0x80) {
            while ((p[1] & 0xc0) == 0x80)
                p++;
            out[o++] = '_';
        } else if (*p < 0x20 || *p == '"' || *p == '\\') {
            out[o++] = '_';
        } else {
            out[o++] = (char)*p;
        }
    }
    out[o] = '\0';
}

enum MHD_Result
web_file(struct web_req *r, int fd, int64_t size, const char *type,
         const char *name, const char *cache)
{
    return web_file_as(r, fd, size, type, name, NULL, cache);
}

enum MHD_Result
web_file_encoded(struct web_req *r, int fd, int64_t size, const char *type,
                 const char *encoding, const char *cache)
{
    return web_file_as(r, fd, size, type, NULL, encoding, cache);
}

enum MHD_Result
web_file_as(struct web_req *r, int fd, int64_t size, const char *type,
            const char *name, const char *encoding, const char *cache)
{
    struct MHD_Response *rs;
    enum MHD_Result ret;

    rs = MHD_create_response_from_fd64((uint64_t)size, fd);
    if (!rs) {
        close(fd);
        return web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL,
                         0, "%s", _("out of memory"));
    }
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CACHE_CONTROL,
                            cache ? cache : "no-store");
    if (encoding)
        MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_ENCODING,
                                encoding);
    if (r->route == NULL)
        /* A file of the front end: the answer depends on whether the
         * browser accepts gzip. */
        MHD_add_response_header(rs, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (name) {
        char plain[256], enc[768], cd[1100];

        ascii_name(name, plain, sizeof(plain));
        pct_encode(name, enc, sizeof(enc));
        snprintf(cd, sizeof(cd),
                 "attachment; filename=\"%s\"; filename*=UTF-8''%s", plain,
                 enc);
        MHD_add_response_header(rs, "Content-Disposition", cd);
    }
    r->sent = (size_t)size;
    ret = web_answer(r, MHD_HTTP_OK, rs);
    MHD_destroy_response(rs);
    return ret;
}
