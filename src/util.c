/*
 * util.c - internal string, file and buffer helpers.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *
sr_strdup(const char *s)
{
    return sr_strndup(s, strlen(s));
}

char *
sr_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
sr_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *p;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    p = malloc((size_t)n + 1);
    if (!p)
        return NULL;
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
sr_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = sr_vasprintf(fmt, ap);
    va_end(ap);
    return p;
}

sr_error
sr_read_file(const char *path, size_t max, char **out, size_t *len)
{
    sr_error rc = SR_OK;
    FILE *f = NULL;
    struct stat st;
    char *buf = NULL;
    size_t got = 0;

    f = fopen(path, "rb");
    if (!f) {
        rc = SR_ERR_IO;
        goto cleanup;
    }
    if (fstat(fileno(f), &st) != 0) {
        rc = SR_ERR_IO;
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        rc = SR_ERR_IO;
        goto cleanup;
    }
    /* Refuse by size before reading, so a huge file costs nothing. */
    if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
        rc = SR_ERR_TOO_LARGE;
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    got = fread(buf, 1, (size_t)st.st_size, f);
    if (ferror(f)) {
        rc = SR_ERR_IO;
        goto cleanup;
    }
    /* A file that grew while being read (a pipe, a log) is cut at the
     * size seen by fstat; one more byte tells us it was larger. */
    if (got == (size_t)st.st_size && fgetc(f) != EOF) {
        rc = SR_ERR_TOO_LARGE;
        goto cleanup;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;

cleanup:
    free(buf);
    if (f)
        fclose(f);
    return rc;
}

uint64_t
sr_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

void
sr_buf_init(struct sr_buf *b)
{
    b->p = NULL;
    b->len = 0;
    b->alloc = 0;
}

void
sr_buf_release(struct sr_buf *b)
{
    free(b->p);
    sr_buf_init(b);
}

sr_error
sr_buf_add(struct sr_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->alloc) {
        size_t na = b->alloc ? b->alloc : 64;
        char *np;

        while (na < b->len + n + 1)
            na *= 2;
        np = realloc(b->p, na);
        if (!np)
            return SR_ERR_NOMEM;
        b->p = np;
        b->alloc = na;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return SR_OK;
}

sr_error
sr_buf_addf(struct sr_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;
    sr_error rc;

    va_start(ap, fmt);
    s = sr_vasprintf(fmt, ap);
    va_end(ap);
    if (!s)
        return SR_ERR_NOMEM;
    rc = sr_buf_add(b, s, strlen(s));
    free(s);
    return rc;
}

char *
sr_buf_detach(struct sr_buf *b)
{
    char *p = b->p;

    if (!p)
        p = sr_strdup("");
    sr_buf_init(b);
    return p;
}

int
sr_utf8_valid(const char *str, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t n;
        unsigned cp, min;
        size_t k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            goto fail;
        }
        if (len - i <= n)
            goto fail;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto fail;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto fail;
        i += n + 1;
    }
    return 1;
fail:
    if (bad)
        *bad = i;
    return 0;
}

size_t
sr_utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

size_t
sr_utf8_prefix(const char *s, size_t max, bool *cut)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, units = 0;

    while (p[i]) {
        unsigned c = p[i];
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        size_t w = c >= 0xF0 ? 2 : 1, k = 1;

        /* Never past the NUL, whatever the lead byte promised. */
        while (k < len && (p[i + k] & 0xC0) == 0x80)
            k++;
        if (units + w > max) {
            if (cut)
                *cut = true;
            return i;
        }
        units += w;
        i += k;
    }
    if (cut)
        *cut = false;
    return i;
}

long
sr_line_of(const char *s, size_t off)
{
    long line = 1;
    size_t i;

    for (i = 0; i < off; i++)
        if (s[i] == '\n')
            line++;
    return line;
}

bool
sr_skip_lit(const char **p, const char *lit)
{
    size_t n = strlen(lit);

    if (strncmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

int
sr_read_digits(const char **p, int max)
{
    int v = 0, n = 0;

    while (**p >= '0' && **p <= '9') {
        if (++n > max)
            return -1;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return n ? v : -1;
}

sr_error
sr_grow(void **v, size_t *alloc, size_t n, size_t sz, size_t first)
{
    void *nv;
    size_t na;

    if (n < *alloc)
        return SR_OK;
    na = *alloc ? *alloc * 2 : first;
    nv = realloc(*v, na * sz);
    if (!nv)
        return SR_ERR_NOMEM;
    *v = nv;
    *alloc = na;
    return SR_OK;
}
