/*
 * evidence.c - evidence files: what a file is (by its content), where it
 * is stored (by its SHA-256) and how answers and hazard steps refer to
 * it (evidence.h).
 *
 * DESIGN
 * A file is written to a temporary name in its final directory,
 * flushed, and renamed into place, then the directory is flushed: a
 * crash leaves either no file or the whole file, never a torn one under
 * a hash name.  Because the name is the content's hash, a second upload
 * of the same content finds the file there and writes nothing.  The
 * database row is written after the file, so a row never points at a
 * missing file; a crash between the two leaves only a file nobody
 * refers to.
 */
#include "schoolrisk/evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schoolrisk/store.h"
#include "store/evidence_int.h"
#include "util.h"

void
sr_evidence_release(struct sr_evidence *e)
{
    if (!e)
        return;
    free(e->district);
    free(e->name);
    free(e->uploaded_at);
    free(e->uploaded_by);
    memset(e, 0, sizeof(*e));
}

void
sr_evidence_list_free(struct sr_evidence *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        sr_evidence_release(&v[i]);
    free(v);
}

const char *
sr_evidence_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;

    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "image/jpeg";
    if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
        return "image/png";
    if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
        return "image/webp";
    if (len >= 5 && !memcmp(p, "%PDF-", 5))
        return "application/pdf";
    return NULL;
}

static bool
is_sha256(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[64] == '\0';
}

/* A few words on what unaccepted content looks like, for the message. */
static const char *
looks_like(const unsigned char *p, size_t len)
{
    if (len >= 4 && !memcmp(p, "GIF8", 4))
        return _("a GIF image");
    if (len >= 12 && !memcmp(p + 4, "ftyp", 4))
        return _("an HEIC/MP4 file");
    if (len >= 2 && p[0] == 'P' && p[1] == 'K')
        return _("a ZIP or Office file");
    if (len >= 2 && p[0] == 'M' && p[1] == 'Z')
        return _("a Windows program");
    if (len >= 4 && !memcmp(p, "\x7f" "ELF", 4))
        return _("a program");
    if (len >= 1 && (p[0] == '<' || p[0] == '{'))
        return _("text (HTML, XML or JSON)");
    return _("an unknown type");
}

/* Write data to dir/ab/HEX unless it is there; *path is the final path
 * (caller frees).  Messages go to the store. */
static sr_error
write_file(struct sr_store *st, const char *dir, const char *hex,
           const void *data, size_t len)
{
    char *sub = NULL, *path = NULL, *tmp = NULL;
    sr_error rc = SR_OK;
    struct stat sb;
    int fd = -1, dfd = -1;
    size_t done = 0;

    sub = sr_asprintf("%s/%.2s", dir, hex);
    path = sr_asprintf("%s/%s", sub ? sub : "", hex);
    tmp = sr_asprintf("%s/.upload-XXXXXX", sub ? sub : "");
    if (!sub || !path || !tmp) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
        (size_t)sb.st_size == len)
        goto cleanup; /* stored already: same hash, same content */
    if ((mkdir(dir, 0700) != 0 && errno != EEXIST) ||
        (mkdir(sub, 0700) != 0 && errno != EEXIST)) {
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot create the evidence directory "
                                  "'%s': %s"),
                                sub, strerror(errno));
        goto cleanup;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = sr_store_fail_code(st, SR_ERR_IO, _("cannot write to '%s': %s"),
                                sub, strerror(errno));
        goto cleanup;
    }
    while (done < len) {
        ssize_t w = write(fd, (const char *)data + done, len - done);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = sr_store_fail_code(st, SR_ERR_IO,
                                    _("cannot write evidence file '%s': %s"),
                                    path, strerror(w < 0 ? errno : ENOSPC));
            goto cleanup;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot write evidence file '%s': %s"), path,
                                strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot store evidence file '%s': %s"), path,
                                strerror(errno));
        goto cleanup;
    }
    tmp[0] = '\0';
    /* The rename is durable once the directory is flushed. */
    dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0)
        rc = sr_store_fail_code(st, SR_ERR_IO,
                                _("cannot flush the evidence directory '%s': "
                                  "%s"),
                                sub, strerror(errno));

cleanup:
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    if (tmp && tmp[0] && rc != SR_OK)
        unlink(tmp);
    free(sub);
    free(path);
    free(tmp);
    return rc;
}

sr_error
sr_evidence_put(struct sr_store *st, const char *dir, const char *code,
                const char *name, const void *data, size_t len,
                struct sr_evidence *out)
{
    const char *type;
    size_t bad;
    sr_error rc;

    memset(out, 0, sizeof(*out));
    if (len == 0)
        return sr_store_fail_code(st, SR_ERR_INPUT, _("the file is empty"));
    if (len > SR_EVIDENCE_MAX_BYTES)
        return sr_store_fail_code(st, SR_ERR_TOO_LARGE,
                                  _("the file is larger than the limit of "
                                    "%u MiB"),
                                  SR_EVIDENCE_MAX_BYTES >> 20);
    type = sr_evidence_sniff(data, len);
    if (!type)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("the file is not a JPEG, PNG or WebP "
                                    "photo nor a PDF (its content looks like "
                                    "%s)"),
                                  looks_like(data, len));
    if (name && (strlen(name) > 200 ||
                 !sr_utf8_valid(name, strlen(name), &bad)))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("the file name is not UTF-8 text of at "
                                    "most 200 bytes"));
    if (!code || strlen(code) != 10)
        return sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                  _("no school with code '%s' in the registry"),
                                  code ? code : "");
    sr_sha256_hex(data, len, out->sha256);
    snprintf(out->school, sizeof(out->school), "%s", code);
    snprintf(out->type, sizeof(out->type), "%s", type);
    out->size = (int64_t)len;
    if (name && *name) {
        out->name = sr_strdup(name);
        if (!out->name)
            return SR_ERR_NOMEM;
    }
    /* The school first: no file is written for a school that is not
     * in the registry (it would be a file nobody can ever refer to). */
    rc = sr_evdb_school(st, code);
    if (rc == SR_OK)
        rc = write_file(st, dir, out->sha256, data, len);
    if (rc == SR_OK)
        rc = sr_evdb_put(st, out);
    if (rc != SR_OK)
        sr_evidence_release(out);
    return rc;
}

sr_error
sr_evidence_lookup(struct sr_store *st, const char *sha256,
                   struct sr_evidence **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!sha256 || !is_sha256(sha256))
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("'%s' is not a SHA-256 (64 lowercase hex "
                                    "digits)"),
                                  sha256 ? sha256 : "");
    return sr_evdb_lookup(st, sha256, out, n);
}

sr_error
sr_evidence_open(const char *dir, const char *sha256, int *fd, int64_t *size)
{
    struct stat sb;
    char *path;
    int f;

    *fd = -1;
    *size = 0;
    if (!sha256 || !is_sha256(sha256))
        return SR_ERR_INPUT;
    path = sr_asprintf("%s/%.2s/%s", dir, sha256, sha256);
    if (!path)
        return SR_ERR_NOMEM;
    f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    if (f < 0)
        return errno == ENOENT ? SR_ERR_NOT_FOUND : SR_ERR_IO;
    if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(f);
        return SR_ERR_IO;
    }
    *fd = f;
    *size = (int64_t)sb.st_size;
    return SR_OK;
}

sr_error
sr_evidence_refs(struct sr_store *st, const char *code,
                 const char *const *files, size_t n, char **out)
{
    struct sr_buf b;
    sr_error rc = SR_OK;
    size_t i, j;

    *out = NULL;
    if (n > SR_EVIDENCE_MAX_FILES)
        return sr_store_fail_code(st, SR_ERR_INPUT,
                                  _("at most %d evidence files, not %zu"),
                                  SR_EVIDENCE_MAX_FILES, n);
    sr_buf_init(&b);
    for (i = 0; rc == SR_OK && i < n; i++) {
        bool has = false;

        if (!files[i] || !is_sha256(files[i])) {
            rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                    _("evidence file '%s' is not a SHA-256 "
                                      "(64 lowercase hex digits)"),
                                    files[i] ? files[i] : "");
            break;
        }
        for (j = 0; j < i; j++)
            if (!strcmp(files[i], files[j])) {
                rc = sr_store_fail_code(st, SR_ERR_INPUT,
                                        _("evidence file %s is listed twice"),
                                        files[i]);
                break;
            }
        if (rc == SR_OK)
            rc = sr_evdb_has(st, code, files[i], &has);
        if (rc == SR_OK && !has)
            rc = sr_store_fail_code(st, SR_ERR_NOT_FOUND,
                                    _("evidence file %s was not uploaded for "
                                      "school %s"),
                                    files[i], code);
        if (rc == SR_OK)
            rc = sr_buf_addf(&b, "%ssha256:%s", i ? " " : "", files[i]);
    }
    if (rc == SR_OK && n) {
        *out = sr_buf_detach(&b);
        if (!*out)
            rc = SR_ERR_NOMEM;
    }
    sr_buf_release(&b);
    return rc;
}

size_t
sr_evidence_parse_refs(const char *text, char (*out)[65], size_t max)
{
    const char *p = text;
    size_t n = 0;

    while (p && n < max && (p = strstr(p, "sha256:")) != NULL) {
        char hex[65];

        p += 7;
        if (strlen(p) >= 64) {
            memcpy(hex, p, 64);
            hex[64] = '\0';
            if (is_sha256(hex) && !((p[64] >= '0' && p[64] <= '9') ||
                                    (p[64] >= 'a' && p[64] <= 'f'))) {
                memcpy(out[n++], hex, 65);
                p += 64;
            }
        }
    }
    return n;
}
