/*
 * csv.c - RFC 4180 reader with line tracking (see csv.h).
 *
 * Fields are unescaped into one buffer per row; the field pointer array
 * indexes into it.  Both grow as needed and are reused across rows.
 */
#include "schoolrisk/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct sr_csv {
    const char *p;   /* next byte */
    const char *end;
    long line;       /* line of *p */
    struct sr_buf text;
    size_t *offs;    /* field start offsets into text */
    char **fields;
    size_t n, alloc;
};

struct sr_csv *
sr_csv_new(const char *buf, size_t len)
{
    struct sr_csv *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->p = buf;
    c->end = buf + len;
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        c->p += 3;
    c->line = 1;
    sr_buf_init(&c->text);
    return c;
}

void
sr_csv_free(struct sr_csv *c)
{
    if (!c)
        return;
    sr_buf_release(&c->text);
    free(c->offs);
    free(c->fields);
    free(c);
}

static int
new_field(struct sr_csv *c)
{
    if (c->n == c->alloc) {
        size_t na = c->alloc ? c->alloc * 2 : 16;
        size_t *no = realloc(c->offs, na * sizeof(*no));

        if (!no)
            return -1;
        c->offs = no;
        c->alloc = na;
    }
    c->offs[c->n++] = c->text.len;
    return 0;
}

int
sr_csv_next(struct sr_csv *c, struct sr_csv_row *row, char *err,
            size_t errsize)
{
    const char *p;
    size_t i;
    char nul = '\0';

    /* Skip blank lines. */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n' || c->p + 1 == c->end || c->p[1] != '\n')
            c->line++;
        c->p++;
    }
    if (c->p >= c->end)
        return 0;
    row->line = c->line;
    c->text.len = 0;
    c->n = 0;
    p = c->p;
    for (;;) {
        /* One field. */
        if (new_field(c))
            goto nomem;
        if (p < c->end && *p == '"') {
            long qline = c->line;

            p++;
            for (;;) {
                const char *q;

                if (p >= c->end) {
                    snprintf(err, errsize,
                             _("quoted field starting on line %ld is not "
                               "closed"),
                             qline);
                    row->line = qline;
                    return -1;
                }
                q = memchr(p, '"', (size_t)(c->end - p));
                if (!q)
                    q = c->end;
                for (i = 0; p + i < q; i++)
                    if (p[i] == '\n')
                        c->line++;
                if (sr_buf_add(&c->text, p, (size_t)(q - p)))
                    goto nomem;
                p = q;
                if (p >= c->end)
                    continue;
                if (p + 1 < c->end && p[1] == '"') {
                    if (sr_buf_add(&c->text, "\"", 1))
                        goto nomem;
                    p += 2;
                    continue;
                }
                p++; /* closing quote */
                break;
            }
            if (p < c->end && *p != ',' && *p != '\n' && *p != '\r') {
                snprintf(err, errsize, "%s",
                         _("unexpected text after a closing quote"));
                row->line = c->line;
                return -1;
            }
        } else {
            const char *s = p;

            while (p < c->end && *p != ',' && *p != '\n' && *p != '\r')
                p++;
            if (sr_buf_add(&c->text, s, (size_t)(p - s)))
                goto nomem;
        }
        if (sr_buf_add(&c->text, &nul, 1))
            goto nomem;
        if (p < c->end && *p == ',') {
            p++;
            continue;
        }
        /* End of row: CRLF, LF, lone CR or end of input. */
        if (p < c->end && *p == '\r') {
            p++;
            if (p >= c->end || *p != '\n')
                c->line++;
        }
        if (p < c->end && *p == '\n') {
            p++;
            c->line++;
        }
        break;
    }
    c->p = p;
    {
        char **nf = realloc(c->fields, c->n * sizeof(*nf));

        if (!nf)
            goto nomem;
        c->fields = nf;
    }
    for (i = 0; i < c->n; i++) {
        size_t flen = (i + 1 < c->n ? c->offs[i + 1] : c->text.len) -
                      c->offs[i] - 1;

        c->fields[i] = c->text.p + c->offs[i];
        if (strlen(c->fields[i]) != flen) {
            snprintf(err, errsize, _("field %zu contains a NUL byte"),
                     i + 1);
            return -1;
        }
    }
    row->fields = c->fields;
    row->n = c->n;
    return 1;

nomem:
    snprintf(err, errsize, "%s", _("out of memory"));
    return -1;
}
