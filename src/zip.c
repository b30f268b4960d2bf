/*
 * zip.c - a zip archive of existing files, stored (zip.h).
 *
 * The layout is APPNOTE.TXT's (PKWARE, 6.3): for each member a local
 * header, then its bytes; then the central directory, one header per
 * member pointing back at its local header; then the end record.  A
 * member's CRC-32 is known only once its bytes are copied, so its local
 * header is written with a zero CRC and patched afterwards (the sizes
 * are known from fstat() and checked against what was copied).
 */
#include "schoolrisk/zip.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <zlib.h>

#include "util.h"

#define LOCAL_SIG 0x04034b50u
#define CENTRAL_SIG 0x02014b50u
#define END_SIG 0x06054b50u
#define VERSION 20u            /* 2.0: what a stored member needs */
#define MADE_BY (3u << 8 | 20u) /* Unix, 2.0: the external attributes
                                   are a mode */
#define FLAG_UTF8 (1u << 11)    /* the names are UTF-8 */
#define LOCAL_SIZE 30u
#define CENTRAL_SIZE 46u
#define CRC_OFFSET 14u          /* of the CRC in a local header */

/* What the central directory repeats of a member. */
struct entry {
    const char *name;
    uint32_t crc, size, offset;
    uint16_t time, date;
};

/* Little-endian fields into @p p; returns the byte after. */
static unsigned char *
le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8 & 0xff);
    return p + 2;
}

static unsigned char *
le32(unsigned char *p, uint32_t v)
{
    p = le16(p, v & 0xffff);
    return le16(p, v >> 16);
}

/* The MS-DOS time and date of @p t (local time; 1980 at the earliest,
 * the format's epoch). */
static void
dos_time(time_t t, uint16_t *time_out, uint16_t *date_out)
{
    struct tm tm;

    if (!localtime_r(&t, &tm) || tm.tm_year < 80) {
        *time_out = 0;
        *date_out = (uint16_t)(1 << 5 | 1); /* 1980-01-01 */
        return;
    }
    *time_out = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 |
                           tm.tm_sec / 2);
    *date_out = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 |
                           tm.tm_mday);
}

/* The fields a local and a central header share, from "version needed"
 * to the extra field's length. */
static unsigned char *
common(unsigned char *p, const struct entry *e, size_t name_len)
{
    p = le16(p, VERSION);
    p = le16(p, FLAG_UTF8);
    p = le16(p, 0); /* stored */
    p = le16(p, e->time);
    p = le16(p, e->date);
    p = le32(p, e->crc);
    p = le32(p, e->size); /* compressed: stored, the same */
    p = le32(p, e->size);
    p = le16(p, (unsigned)name_len);
    return le16(p, 0); /* no extra field */
}

static sr_error
put(FILE *out, const void *p, size_t n, const char *path,
    struct sr_diags *d)
{
    if (n && fwrite(p, 1, n, out) != n) {
        sr_diags_add(d, NULL, 0, _("cannot write '%s': %s"), path,
                     strerror(errno));
        return SR_ERR_IO;
    }
    return SR_OK;
}

/* Member @p m at the archive's current end: local header, bytes, then
 * its CRC patched in.  Fills @p e. */
static sr_error
add_member(FILE *out, const char *path, const struct sr_zip_member *m,
           struct entry *e, struct sr_diags *d)
{
    unsigned char head[LOCAL_SIZE], crc[4], *p;
    char chunk[65536];
    size_t name_len = strlen(m->name), got;
    uint64_t copied = 0;
    struct stat sb;
    long at, end;
    FILE *in;
    sr_error rc = SR_OK;

    in = fopen(m->path, "rb");
    if (!in || fstat(fileno(in), &sb) != 0) {
        sr_diags_add(d, NULL, 0, _("cannot read '%s': %s"), m->path,
                     strerror(errno));
        if (in)
            fclose(in);
        return SR_ERR_IO;
    }
    at = ftell(out);
    if (at < 0 || (uint64_t)sb.st_size > UINT32_MAX ||
        (uint64_t)at > UINT32_MAX || name_len > UINT16_MAX) {
        fclose(in);
        sr_diags_add(d, NULL, 0,
                     _("'%s' is too large for a zip archive (4 GiB)"),
                     m->name);
        return SR_ERR_TOO_LARGE;
    }
    e->name = m->name;
    e->crc = 0;
    e->size = (uint32_t)sb.st_size;
    e->offset = (uint32_t)at;
    dos_time(sb.st_mtime, &e->time, &e->date);
    p = le32(head, LOCAL_SIG);
    common(p, e, name_len);
    rc = put(out, head, sizeof(head), path, d);
    if (rc == SR_OK)
        rc = put(out, m->name, name_len, path, d);
    while (rc == SR_OK && (got = fread(chunk, 1, sizeof(chunk), in)) > 0) {
        e->crc = (uint32_t)crc32(e->crc, (const Bytef *)chunk, (uInt)got);
        copied += got;
        rc = put(out, chunk, got, path, d);
    }
    if (rc == SR_OK && (ferror(in) || copied != e->size)) {
        /* Read short, or the file changed under us: its header would
         * lie about it. */
        if (ferror(in))
            sr_diags_add(d, NULL, 0, _("cannot read '%s': %s"), m->path,
                         strerror(errno));
        else
            sr_diags_add(d, NULL, 0, _("'%s' changed while it was copied"),
                         m->path);
        rc = SR_ERR_IO;
    }
    fclose(in);
    if (rc != SR_OK)
        return rc;
    end = ftell(out);
    le32(crc, e->crc);
    if (end < 0 || fseek(out, at + (long)CRC_OFFSET, SEEK_SET) != 0 ||
        put(out, crc, sizeof(crc), path, d) != SR_OK ||
        fseek(out, end, SEEK_SET) != 0) {
        sr_diags_add(d, NULL, 0, _("cannot write '%s': %s"), path,
                     strerror(errno));
        return SR_ERR_IO;
    }
    return SR_OK;
}

/* The central directory and the end record, after the members. */
static sr_error
finish(FILE *out, const char *path, const struct entry *e, size_t n,
       struct sr_diags *d)
{
    unsigned char head[CENTRAL_SIZE], end[22], *p;
    long start = ftell(out), stop;
    sr_error rc = SR_OK;
    size_t i, len;

    for (i = 0; rc == SR_OK && i < n; i++) {
        len = strlen(e[i].name);
        p = le32(head, CENTRAL_SIG);
        p = le16(p, MADE_BY);
        p = common(p, &e[i], len);
        p = le16(p, 0);                      /* no comment */
        p = le16(p, 0);                      /* disk 0 */
        p = le16(p, 0);                      /* internal attributes */
        p = le32(p, (uint32_t)0100644 << 16); /* -rw-r--r-- */
        le32(p, e[i].offset);
        rc = put(out, head, sizeof(head), path, d);
        if (rc == SR_OK)
            rc = put(out, e[i].name, len, path, d);
    }
    stop = ftell(out);
    if (rc != SR_OK)
        return rc;
    if (start < 0 || stop < 0 || (uint64_t)stop > UINT32_MAX) {
        sr_diags_add(d, NULL, 0,
                     _("'%s' is too large for a zip archive (4 GiB)"), path);
        return SR_ERR_TOO_LARGE;
    }
    p = le32(end, END_SIG);
    p = le16(p, 0); /* this disk */
    p = le16(p, 0); /* the directory's disk */
    p = le16(p, (unsigned)n);
    p = le16(p, (unsigned)n);
    p = le32(p, (uint32_t)(stop - start));
    p = le32(p, (uint32_t)start);
    le16(p, 0); /* no comment */
    return put(out, end, sizeof(end), path, d);
}

sr_error
sr_zip_write(const char *path, const struct sr_zip_member *m, size_t n,
             struct sr_diags *d)
{
    struct entry *e;
    FILE *out;
    sr_error rc = SR_OK;
    size_t i;

    if (n > UINT16_MAX) {
        sr_diags_add(d, NULL, 0,
                     _("a zip archive holds at most 65535 files, not %zu"),
                     n);
        return SR_ERR_TOO_LARGE;
    }
    e = calloc(n ? n : 1, sizeof(*e));
    if (!e)
        return SR_ERR_NOMEM;
    out = fopen(path, "wb");
    if (!out) {
        sr_diags_add(d, NULL, 0, _("cannot write '%s': %s"), path,
                     strerror(errno));
        free(e);
        return SR_ERR_IO;
    }
    for (i = 0; rc == SR_OK && i < n; i++)
        rc = add_member(out, path, &m[i], &e[i], d);
    if (rc == SR_OK)
        rc = finish(out, path, e, n, d);
    if (fclose(out) != 0 && rc == SR_OK) {
        sr_diags_add(d, NULL, 0, _("cannot write '%s': %s"), path,
                     strerror(errno));
        rc = SR_ERR_IO;
    }
    free(e);
    return rc;
}
