/*
 * registry.c - reading the school registry CSV: encoding detection,
 * the header, and the check of every row (see registry.h).  Storing
 * and reading back are in store/schools.c, which holds all the SQL.
 *
 * DESIGN
 * The file is checked completely before anything is written, and every
 * bad cell is reported, so that the district office fixes its file in
 * one pass rather than one error per attempt.  Encoding: a file that is
 * valid UTF-8 is UTF-8 (a GB18030 text of any length is almost never
 * valid UTF-8, since its lead bytes 0x81-0xFE are followed by bytes
 * that UTF-8 does not allow there); anything else is converted from
 * GB18030, the superset of GBK and GB2312 that Excel on a Chinese
 * Windows writes.  GB18030 never uses the byte 0x0A inside a
 * character, so line numbers counted on the raw bytes and on the
 * converted text agree.
 */
#include "schoolrisk/registry.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/auth.h"
#include "schoolrisk/csv.h"
#include "schoolrisk/store.h"
#include "store/registry_int.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Districts                                                            */
/* ------------------------------------------------------------------ */

void
sr_districts_init(struct sr_districts *d)
{
    d->v = NULL;
    d->n = 0;
    d->alloc = 0;
}

void
sr_districts_release(struct sr_districts *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        free(d->v[i].code);
        free(d->v[i].name);
    }
    free(d->v);
    sr_districts_init(d);
}

sr_error
sr_districts_add(struct sr_districts *d, const char *code, const char *name)
{
    char *c = NULL, *n = NULL;

    if (d->n == d->alloc) {
        size_t na = d->alloc ? d->alloc * 2 : 16;
        struct sr_district *nv = realloc(d->v, na * sizeof(*nv));

        if (!nv)
            return SR_ERR_NOMEM;
        d->v = nv;
        d->alloc = na;
    }
    c = sr_strdup(code);
    n = sr_strdup(name);
    if (!c || !n) {
        free(c);
        free(n);
        return SR_ERR_NOMEM;
    }
    d->v[d->n].code = c;
    d->v[d->n].name = n;
    d->n++;
    return SR_OK;
}

const struct sr_district *
sr_districts_find(const struct sr_districts *d, const char *name_or_code)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (!strcmp(d->v[i].name, name_or_code) ||
            !strcmp(d->v[i].code, name_or_code))
            return &d->v[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Records                                                              */
/* ------------------------------------------------------------------ */

void
sr_school_record_init(struct sr_school_record *r)
{
    memset(r, 0, sizeof(*r));
    sr_school_init(&r->school);
}

void
sr_school_record_release(struct sr_school_record *r)
{
    free(r->name);
    free(r->district);
    free(r->district_name);
    free(r->contact);
    free(r->phone);
    free(r->updated_at);
    free(r->updated_by);
    sr_school_record_init(r);
}


const char *
sr_registry_encoding_name(int encoding)
{
    switch (encoding) {
    case SR_ENC_UTF8:
        return "UTF-8";
    case SR_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case SR_ENC_GB18030:
        return "GB18030";
    default:
        return "?";
    }
}

void
sr_registry_init(struct sr_registry *reg)
{
    memset(reg, 0, sizeof(*reg));
}

void
sr_registry_release(struct sr_registry *reg)
{
    size_t i;

    for (i = 0; i < reg->n; i++)
        sr_school_record_release(&reg->v[i]);
    free(reg->v);
    free(reg->source);
    sr_registry_init(reg);
}

/* ------------------------------------------------------------------ */
/* The columns                                                          */
/* ------------------------------------------------------------------ */

enum col {
    COL_CODE,
    COL_NAME,
    COL_DISTRICT,
    COL_STAGE,
    COL_OWNERSHIP,
    COL_LOCALE,
    COL_BOARDING,
    COL_SCHOOL_BUS,
    COL_CANTEEN,
    COL_LABORATORY,
    COL_SWIMMING_POOL,
    COL_ENROLLMENT,
    COL_BOARDERS,
    COL_SPECIAL_NEEDS,
    COL_STAFF,
    COL_MEAL_DELIVERY,
    COL_VILLAGE_SCHOOL,
    COL_CONTACT,
    COL_PHONE,
    COL_N
};

/* Whether a column must be in the file. */
enum need {
    OPTIONAL,  /* text that may be left out (contact, phone) */
    REQUIRED,  /* a file without it is refused */
    ASSUMED    /* an attribute added after the first registry format
                  (schema 5): a file without it still imports, with the
                  default (0, 否) for a new school and the stored value
                  for a registered one, and the import says so */
};

static const struct {
    const char *zh;
    const char *en;
    int attr;      /* enum sr_attr of a flag or count column, else -1 */
    enum need need;
    const char *alias; /* another Chinese header for it, or NULL */
} cols[COL_N] = {
    {"学校标识码", "code", -1, REQUIRED, NULL},
    {"学校名称", "name", -1, REQUIRED, NULL},
    {"区县", "district", -1, REQUIRED, NULL},
    {"学段", "stage", -1, REQUIRED, NULL},
    {"办学性质", "ownership", -1, REQUIRED, NULL},
    {"城乡", "locale", -1, REQUIRED, NULL},
    {"寄宿", "boarding", SR_ATTR_BOARDING, REQUIRED, NULL},
    {"校车", "school_bus", SR_ATTR_SCHOOL_BUS, REQUIRED, NULL},
    {"食堂", "canteen", SR_ATTR_CANTEEN, REQUIRED, NULL},
    {"实验室", "laboratory", SR_ATTR_LABORATORY, REQUIRED, NULL},
    {"游泳池", "swimming_pool", SR_ATTR_SWIMMING_POOL, REQUIRED, NULL},
    {"在校生数", "enrollment", SR_ATTR_ENROLLMENT, REQUIRED, NULL},
    {"住宿生数", "boarders", SR_ATTR_BOARDERS, REQUIRED, NULL},
    {"特殊需要学生数", "special_needs", SR_ATTR_SPECIAL_NEEDS, REQUIRED,
     NULL},
    /* 教职工数 is the word of the 教育事业统计 base tables; 教职工总数
     * is how some school rosters head it. */
    {"教职工数", "staff", SR_ATTR_STAFF, ASSUMED, "教职工总数"},
    {"校外供餐", "meal_delivery", SR_ATTR_MEAL_DELIVERY, ASSUMED,
     "午餐配送"},
    {"村小教学点", "village_school", SR_ATTR_VILLAGE_SCHOOL, ASSUMED,
     "村小/教学点"},
    {"安全负责人", "contact", -1, OPTIONAL, NULL},
    {"联系电话", "phone", -1, OPTIONAL, NULL},
};

#define KNOWN_COLUMNS                                                       \
    "学校标识码, 学校名称, 区县, 学段, 办学性质, 城乡, 寄宿, 校车, 食堂, "  \
    "实验室, 游泳池, 在校生数, 住宿生数, 特殊需要学生数, 教职工数, "        \
    "校外供餐, 村小教学点, 安全负责人, 联系电话"

static int
ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;

        if (ca != cb || !ca)
            return ca - cb;
    }
}

int
sr_registry_stage_lookup(const char *text)
{
    int i;

    for (i = 0; i < SR_STAGE_COUNT; i++)
        if (!strcmp(text, sr_stage_label(i)) ||
            !ascii_casecmp(text, sr_stage_name(i)))
            return i;
    return -1;
}

static int
col_lookup(const char *text)
{
    int c;

    for (c = 0; c < COL_N; c++)
        if (!strcmp(text, cols[c].zh) || !ascii_casecmp(text, cols[c].en) ||
            (cols[c].alias && !strcmp(text, cols[c].alias)))
            return c;
    return -1;
}

/* A header naming a derived attribute (师生员工数, population): never
 * imported, it is computed from the counts it sums. */
static bool
derived_header(const char *text)
{
    return !strcmp(text, "师生员工数") || !ascii_casecmp(text, "population");
}

const char *
sr_registry_column_zh(int attr)
{
    int c;

    for (c = 0; c < COL_N; c++)
        if (cols[c].attr >= 0 && cols[c].attr == attr)
            return cols[c].zh;
    return NULL;
}

/* Trim blanks (space, tab, and the ideographic space U+3000 that a
 * Chinese input method types) at both ends, in place. */
static char *
trim(char *p)
{
    char *e;

    for (;;) {
        if (*p == ' ' || *p == '\t')
            p++;
        else if (!strncmp(p, "\xE3\x80\x80", 3))
            p += 3;
        else
            break;
    }
    e = p + strlen(p);
    for (;;) {
        if (e > p && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        else if (e - p >= 3 && !strncmp(e - 3, "\xE3\x80\x80", 3))
            e -= 3;
        else
            break;
    }
    *e = '\0';
    return p;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

static int
parse_flag(const char *t, int64_t *out)
{
    static const char *const yes[] = {"是", "有", "true", "yes", "1"};
    static const char *const no[] = {"否", "无", "false", "no", "0"};
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!ascii_casecmp(t, yes[i])) {
            *out = 1;
            return 0;
        }
        if (!ascii_casecmp(t, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* A whole number 0..SR_COUNT_MAX, digits only. */
static int
parse_count(const char *t, int64_t *out)
{
    int64_t v = 0;
    size_t i;

    if (!*t)
        return -1;
    for (i = 0; t[i]; i++) {
        if (t[i] < '0' || t[i] > '9' || i >= 9)
            return -1;
        v = v * 10 + (t[i] - '0');
    }
    if (v > SR_COUNT_MAX)
        return -1;
    *out = v;
    return 0;
}

static int
code_valid(const char *t)
{
    size_t i;

    for (i = 0; t[i]; i++)
        if (t[i] < '0' || t[i] > '9')
            return 0;
    return i == 10;
}

/* "2.13701E+09": what Excel makes of a long number in a General cell. */
static int
looks_scientific(const char *t)
{
    const char *e = strchr(t, 'E');

    if (!e)
        e = strchr(t, 'e');
    return e && e > t && t[0] >= '0' && t[0] <= '9' &&
           (e[1] == '+' || e[1] == '-');
}

/* ------------------------------------------------------------------ */
/* Codes seen so far (for duplicates): open addressing on the code.    */
/* ------------------------------------------------------------------ */

struct seen {
    struct seen_slot {
        char code[11];
        long line;
    } *v;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

static size_t
code_hash(const char *code)
{
    size_t h = 2166136261u;

    for (; *code; code++)
        h = (h ^ (unsigned char)*code) * 16777619u;
    return h;
}

/* The line of an earlier row with this code, or 0 after recording it.
 * -1 when out of memory. */
static long
seen_check(struct seen *s, const char *code, long line)
{
    size_t i;

    if (2 * (s->n + 1) > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 1024, k;
        struct seen_slot *nv = calloc(nc, sizeof(*nv));

        if (!nv)
            return -1;
        for (k = 0; k < s->cap; k++) {
            if (!s->v[k].line)
                continue;
            i = code_hash(s->v[k].code) & (nc - 1);
            while (nv[i].line)
                i = (i + 1) & (nc - 1);
            nv[i] = s->v[k];
        }
        free(s->v);
        s->v = nv;
        s->cap = nc;
    }
    i = code_hash(code) & (s->cap - 1);
    while (s->v[i].line) {
        if (!strcmp(s->v[i].code, code))
            return s->v[i].line;
        i = (i + 1) & (s->cap - 1);
    }
    memcpy(s->v[i].code, code, 11);
    s->v[i].line = line;
    s->n++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                             */
/* ------------------------------------------------------------------ */

/* Count the well-formed multi-byte UTF-8 sequences of buf and the bytes
 * that are not part of one. */
static void
utf8_stats(const char *buf, size_t len, size_t *good, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, n, skip;

    *good = *bad = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        n = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
        if (i + n <= len && sr_utf8_valid(buf + i, n, &skip)) {
            (*good)++;
            i += n;
        } else {
            (*bad)++;
            i++;
        }
    }
}

/* Make *text point at UTF-8: buf itself, or a GB18030 conversion that
 * *owned holds (free it). */
static sr_error
decode(const char *file, const char *buf, size_t len, const char **text,
       size_t *text_len, char **owned, int *encoding, struct sr_diags *diags)
{
    sr_error rc = SR_OK;
    iconv_t cd = (iconv_t)-1;
    char *out = NULL, *in, *o;
    size_t cap, inleft, oleft, bad, good, nbad;

    *owned = NULL;
    if (len >= 2 && ((!memcmp(buf, "\xFF\xFE", 2) ||
                      !memcmp(buf, "\xFE\xFF", 2))))
        return sr_diags_add(diags, file, 0,
                            _("the file is UTF-16 (Excel's \"Unicode text\"); "
                              "save it as \"CSV UTF-8\" or \"CSV\"")) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    if (len >= 4 && (!memcmp(buf, "PK\x03\x04", 4) ||
                     !memcmp(buf, "\xD0\xCF\x11\xE0", 4)))
        return sr_diags_add(diags, file, 0,
                            _("the file is an Excel workbook, not CSV; save "
                              "it as \"CSV UTF-8\" or \"CSV\"")) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    if (sr_utf8_valid(buf, len, &bad)) {
        *text = buf;
        *text_len = len;
        *encoding = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ?
                        SR_ENC_UTF8_BOM : SR_ENC_UTF8;
        return SR_OK;
    }
    /* Mostly UTF-8 with a few bad bytes (one character pasted from
     * elsewhere) is a broken UTF-8 file, not GB18030: converting it
     * would garble every Chinese character of it. */
    utf8_stats(buf, len, &good, &nbad);
    if (good >= 4 * nbad)
        return sr_diags_add(diags, file, sr_line_of(buf, bad),
                            _("invalid UTF-8 (byte %zu, 0x%02X) in a file that "
                              "is otherwise UTF-8; correct that character or "
                              "save the file again as \"CSV UTF-8\""),
                            bad + 1, (unsigned char)buf[bad]) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        rc = sr_diags_add(diags, file, 0,
                          _("the file is not UTF-8 and this system cannot "
                            "convert from GB18030 (iconv: %s)"),
                          strerror(errno)) ?
                 SR_ERR_NOMEM : SR_ERR_INTERNAL;
        goto cleanup;
    }
    /* A two-byte GB18030 character becomes three UTF-8 bytes, a
     * four-byte one at most four: 1.5 times the input is enough. */
    cap = len + len / 2 + 16;
    out = malloc(cap);
    if (!out) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    /* iconv() takes char ** for its input but does not write through
     * it. */
    in = (char *)buf;
    inleft = len;
    o = out;
    oleft = cap - 1;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(o - out);
            char *no = realloc(out, cap * 2);

            if (!no) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            out = no;
            o = out + used;
            oleft += cap;
            cap *= 2;
            continue;
        }
        {
            size_t off = (size_t)(in - buf);

            rc = sr_diags_add(diags, file, sr_line_of(buf, off),
                              _("the file is neither UTF-8 nor GB18030 (byte "
                                "%zu, 0x%02X, cannot be read); save it as "
                                "\"CSV UTF-8\""),
                              off + 1, (unsigned char)in[0]) ?
                     SR_ERR_NOMEM : SR_ERR_INPUT;
        }
        goto cleanup;
    }
    *o = '\0';
    *owned = out;
    out = NULL;
    *text = *owned;
    *text_len = (size_t)(o - *owned);
    *encoding = SR_ENC_GB18030;

cleanup:
    free(out);
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

struct parse {
    const char *file;
    struct sr_diags *diags;
    const struct sr_districts *districts;
    char **hdr;      /* header text of each field, trimmed */
    size_t nhdr;
    int map[COL_N];  /* field index of each column, or -1 */
    struct seen seen;
    /* An importer's limits (sr_registry_parse_scoped), or NULL. */
    const struct sr_scope *scope;
    bool full;
    const struct sr_registry_elsewhere *elsewhere;
};

/* Whether a school of district (a code) may be written by an importer
 * with scope p->scope: its district is in it, or (not for a full
 * import, which closes the district's other schools) the school is. */
static bool
in_scope(const struct parse *p, const char *district, const char *code)
{
    const struct sr_scope *sc = p->scope;
    size_t i;

    if (!sc || sc->all)
        return true;
    for (i = 0; i < sc->n_districts; i++)
        if (!strcmp(sc->districts[i], district))
            return true;
    for (i = 0; !p->full && i < sc->n_schools; i++)
        if (!strcmp(sc->schools[i], code))
            return true;
    return false;
}

static int
stored_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct sr_registry_stored *)elem)->code);
}

/* The district name of school code when it is stored outside the
 * importer's scope, else NULL. */
static const char *
stored_elsewhere(const struct parse *p, const char *code)
{
    const struct sr_registry_stored *hit;

    if (!p->elsewhere || !p->elsewhere->n)
        return NULL;
    hit = bsearch(code, p->elsewhere->v, p->elsewhere->n,
                  sizeof(*p->elsewhere->v), stored_cmp);
    return hit ? hit->district_name : NULL;
}

void
sr_registry_elsewhere_release(struct sr_registry_elsewhere *e)
{
    size_t i;

    for (i = 0; i < e->n; i++)
        free(e->v[i].district_name);
    free(e->v);
    memset(e, 0, sizeof(*e));
}

/* Report a bad cell: "column 'HEADER': reason". */
static sr_error
bad_cell(struct parse *p, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static sr_error
bad_cell(struct parse *p, long line, int col, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    sr_error rc;

    va_start(ap, fmt);
    msg = sr_vasprintf(fmt, ap);
    va_end(ap);
    if (!msg)
        return SR_ERR_NOMEM;
    rc = sr_diags_add(p->diags, p->file, line, _("column '%s': %s"),
                      p->hdr[p->map[col]], msg);
    free(msg);
    return rc ? SR_ERR_NOMEM : SR_ERR_INPUT;
}

static sr_error
read_header(struct parse *p, struct sr_csv_row *row, int encoding)
{
    sr_error rc = SR_OK;
    size_t i;
    int c, known = 0;

    p->hdr = calloc(row->n, sizeof(*p->hdr));
    if (!p->hdr)
        return SR_ERR_NOMEM;
    p->nhdr = row->n;
    for (c = 0; c < COL_N; c++)
        p->map[c] = -1;
    for (i = 0; i < row->n; i++) {
        p->hdr[i] = sr_strdup(trim(row->fields[i]));
        if (!p->hdr[i])
            return SR_ERR_NOMEM;
    }
    for (i = 0; i < row->n; i++) {
        /* An empty header: a column Excel kept because a cell was once
         * touched.  Its values must be empty too (checked per row). */
        if (!*p->hdr[i])
            continue;
        if (derived_header(p->hdr[i])) {
            if (sr_diags_add(p->diags, p->file, row->line,
                             _("column '%s': 师生员工数 (population) is not "
                               "imported, it is derived as 在校生数 + "
                               "教职工数 (enrollment + staff); remove the "
                               "column and give 教职工数"),
                             p->hdr[i]))
                return SR_ERR_NOMEM;
            rc = SR_ERR_INPUT;
            continue;
        }
        c = col_lookup(p->hdr[i]);
        if (c < 0) {
            if (sr_diags_add(p->diags, p->file, row->line,
                             /* TRANSLATORS: the header as written, then
                                the list of the Chinese column names. */
                             _("column '%s': unknown column (known: %s, "
                               "or their English names)"),
                             p->hdr[i], KNOWN_COLUMNS))
                return SR_ERR_NOMEM;
            rc = SR_ERR_INPUT;
            continue;
        }
        known++;
        if (p->map[c] >= 0) {
            if (sr_diags_add(p->diags, p->file, row->line,
                             _("column '%s': repeats column '%s'"), p->hdr[i],
                             p->hdr[p->map[c]]))
                return SR_ERR_NOMEM;
            rc = SR_ERR_INPUT;
            continue;
        }
        p->map[c] = (int)i;
    }
    for (c = 0; c < COL_N; c++) {
        if (cols[c].need != REQUIRED || p->map[c] >= 0)
            continue;
        if (sr_diags_add(p->diags, p->file, row->line,
                         _("required column '%s' (%s) is missing"), cols[c].zh,
                         cols[c].en))
            return SR_ERR_NOMEM;
        rc = SR_ERR_INPUT;
    }
    if (rc != SR_OK && !known && encoding == SR_ENC_GB18030 &&
        sr_diags_add(p->diags, p->file, 0,
                     _("the file was read as GB18030 because it is not "
                       "UTF-8; if it is in another encoding, save it again "
                       "as \"CSV UTF-8\"")))
        return SR_ERR_NOMEM;
    return rc;
}

/* Check one row; on success append the school to reg. */
static sr_error
read_row(struct parse *p, struct sr_csv_row *row, struct sr_registry *reg)
{
    struct sr_school_record r;
    const struct sr_district *dist = NULL;
    const char *v[COL_N];
    sr_error rc = SR_OK, e;
    size_t i;
    int c, bad = 0;
    char ok[COL_N] = {0};
    long prev;

#define BAD(col, ...)                                                       \
    do {                                                                    \
        e = bad_cell(p, row->line, (col), __VA_ARGS__);                     \
        if (e == SR_ERR_NOMEM) {                                            \
            rc = e;                                                         \
            goto cleanup;                                                   \
        }                                                                   \
        bad = 1;                                                            \
    } while (0)

    sr_school_record_init(&r);
    for (c = 0; c < COL_N; c++)
        v[c] = p->map[c] >= 0 ? trim(row->fields[p->map[c]]) : "";
    for (i = 0; i < row->n; i++) {
        const char *t;

        if (*p->hdr[i])
            continue;
        t = trim(row->fields[i]);
        if (!*t)
            continue;
        if (sr_diags_add(p->diags, p->file, row->line,
                         _("column %zu: a value ('%s') under an empty header"),
                         i + 1, t)) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        bad = 1;
    }
    /* A column that is there must be filled, even one that may be left
     * out: an empty cell is a value forgotten, not a default. */
    for (c = 0; c < COL_N; c++)
        if (cols[c].need != OPTIONAL && p->map[c] >= 0 && !*v[c])
            BAD(c, _("the value is empty"));
    /* Typed text is held to the limits of error.h (SR_NAME_MAX); a
     * phone number to that of a user's (auth.h). */
    if (sr_utf8_chars(v[COL_NAME]) > SR_NAME_MAX)
        BAD(COL_NAME, _("the value is longer than %u characters"),
            SR_NAME_MAX);
    if (sr_utf8_chars(v[COL_CONTACT]) > SR_NAME_MAX)
        BAD(COL_CONTACT, _("the value is longer than %u characters"),
            SR_NAME_MAX);
    if (sr_utf8_chars(v[COL_PHONE]) > 32)
        BAD(COL_PHONE, _("the value is longer than %u characters"), 32u);

    /* Identity. */
    if (*v[COL_CODE] && !code_valid(v[COL_CODE])) {
        if (looks_scientific(v[COL_CODE]))
            BAD(COL_CODE,
                _("'%s' is not a school code (10 digits): Excel turned it "
                  "into a number; format the column as text and save again"),
                v[COL_CODE]);
        else
            BAD(COL_CODE, _("'%s' is not a school code (10 digits)"),
                v[COL_CODE]);
    } else if (*v[COL_CODE]) {
        prev = seen_check(&p->seen, v[COL_CODE], row->line);
        if (prev < 0) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        if (prev > 0)
            BAD(COL_CODE, _("school code '%s' is already on line %ld"),
                v[COL_CODE], prev);
    }
    if (*v[COL_DISTRICT]) {
        dist = sr_districts_find(p->districts, v[COL_DISTRICT]);
        if (!dist)
            BAD(COL_DISTRICT, _("unknown district '%s'"), v[COL_DISTRICT]);
        else if (!in_scope(p, dist->code, v[COL_CODE]))
            BAD(COL_DISTRICT, _("district '%s' is outside your scope"),
                v[COL_DISTRICT]);
    }
    if (*v[COL_CODE] && code_valid(v[COL_CODE])) {
        const char *there = stored_elsewhere(p, v[COL_CODE]);

        if (there)
            BAD(COL_CODE,
                _("school '%s' is registered in %s, outside your scope"),
                v[COL_CODE], there);
    }

    /* Attributes. */
    if (*v[COL_STAGE]) {
        int s = sr_registry_stage_lookup(v[COL_STAGE]);

        if (s < 0)
            BAD(COL_STAGE,
                _("unknown stage '%s' (expected 幼儿园, 小学, 初中, 普通高中, "
                  "九年一贯制, 完全中学, 十二年一贯制, 中等职业学校 or "
                  "特殊教育学校)"),
                v[COL_STAGE]);
        else
            r.school.attr[SR_ATTR_STAGE] = s;
    }
    if (*v[COL_OWNERSHIP]) {
        if (!strcmp(v[COL_OWNERSHIP], "公办") ||
            !ascii_casecmp(v[COL_OWNERSHIP], "public"))
            r.school.attr[SR_ATTR_OWNERSHIP] = 0;
        else if (!strcmp(v[COL_OWNERSHIP], "民办") ||
                 !ascii_casecmp(v[COL_OWNERSHIP], "private"))
            r.school.attr[SR_ATTR_OWNERSHIP] = 1;
        else
            BAD(COL_OWNERSHIP,
                _("'%s' is not 公办 or 民办 (public or private)"),
                v[COL_OWNERSHIP]);
    }
    if (*v[COL_LOCALE]) {
        static const char *const zh[] = {"城区", "镇区", "乡村"};
        static const char *const en[] = {"urban", "town", "rural"};
        int k;

        for (k = 0; k < 3; k++)
            if (!strcmp(v[COL_LOCALE], zh[k]) ||
                !ascii_casecmp(v[COL_LOCALE], en[k]))
                break;
        if (k == 3)
            BAD(COL_LOCALE,
                _("'%s' is not 城区, 镇区 or 乡村 (urban, town or rural)"),
                v[COL_LOCALE]);
        else
            r.school.attr[SR_ATTR_LOCALE] = k;
    }
    /* Flags and counts; a column the file lacks leaves the default of
     * sr_school_init() (0, 否), which the store replaces with a
     * registered school's own value (reg->absent). */
    for (c = COL_BOARDING; c < COL_CONTACT; c++) {
        if (!*v[c])
            continue;
        if (sr_attr_kind(cols[c].attr) == SR_KIND_FLAG) {
            if (parse_flag(v[c], &r.school.attr[cols[c].attr]))
                BAD(c, _("'%s' is not 是 or 否 (true or false)"), v[c]);
            else
                ok[c] = 1;
        } else if (parse_count(v[c], &r.school.attr[cols[c].attr])) {
            BAD(c, _("'%s' is not a whole number from 0 to %d"), v[c],
                SR_COUNT_MAX);
        } else {
            ok[c] = 1;
        }
    }

    /* Consistency, between values that are good on their own. */
    if (ok[COL_ENROLLMENT] && ok[COL_BOARDERS] &&
        r.school.attr[SR_ATTR_BOARDERS] > r.school.attr[SR_ATTR_ENROLLMENT])
        BAD(COL_BOARDERS,
            _("%lld boarders is more than the %lld students enrolled "
              "(column '%s')"),
            (long long)r.school.attr[SR_ATTR_BOARDERS],
            (long long)r.school.attr[SR_ATTR_ENROLLMENT],
            p->hdr[p->map[COL_ENROLLMENT]]);
    if (ok[COL_BOARDING] && ok[COL_BOARDERS] &&
        !r.school.attr[SR_ATTR_BOARDING] &&
        r.school.attr[SR_ATTR_BOARDERS] > 0)
        BAD(COL_BOARDERS,
            _("%lld boarders, but column '%s' says the school does not board"),
            (long long)r.school.attr[SR_ATTR_BOARDERS],
            p->hdr[p->map[COL_BOARDING]]);

    if (bad) {
        reg->bad_rows++;
        rc = SR_ERR_INPUT;
        goto cleanup;
    }

    /* A good row: keep it. */
    r.school.set = (1u << SR_ATTR_COUNT) - 1;
    sr_school_derive(&r.school);
    memcpy(r.code, v[COL_CODE], 11);
    r.line = row->line;
    r.name = sr_strdup(v[COL_NAME]);
    r.district = sr_strdup(dist->code);
    r.district_name = sr_strdup(dist->name);
    if (*v[COL_CONTACT])
        r.contact = sr_strdup(v[COL_CONTACT]);
    if (*v[COL_PHONE])
        r.phone = sr_strdup(v[COL_PHONE]);
    if (!r.name || !r.district || !r.district_name ||
        (*v[COL_CONTACT] && !r.contact) || (*v[COL_PHONE] && !r.phone)) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (reg->n == reg->alloc) {
        size_t na = reg->alloc ? reg->alloc * 2 : 64;
        struct sr_school_record *nv = realloc(reg->v, na * sizeof(*nv));

        if (!nv) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        reg->v = nv;
        reg->alloc = na;
    }
    reg->v[reg->n++] = r;
    sr_school_record_init(&r);

cleanup:
    sr_school_record_release(&r);
    return rc;
#undef BAD
}

static int
row_blank(struct sr_csv_row *row)
{
    size_t i;

    for (i = 0; i < row->n; i++)
        if (*trim(row->fields[i]))
            return 0;
    return 1;
}

sr_error
sr_registry_parse(struct sr_registry *reg, const char *file, const char *buf,
                  size_t len, const struct sr_districts *districts,
                  struct sr_diags *diags)
{
    return sr_registry_parse_scoped(reg, file, buf, len, districts, NULL,
                                    false, NULL, diags);
}

sr_error
sr_registry_parse_scoped(struct sr_registry *reg, const char *file,
                         const char *buf, size_t len,
                         const struct sr_districts *districts,
                         const struct sr_scope *scope, bool full,
                         const struct sr_registry_elsewhere *elsewhere,
                         struct sr_diags *diags)
{
    struct parse p;
    struct sr_csv *csv = NULL;
    struct sr_csv_row row;
    const char *text = NULL;
    char *owned = NULL, err[256];
    size_t text_len = 0, i;
    sr_error rc, r;
    int got;

    memset(&p, 0, sizeof(p));
    p.file = file;
    p.diags = diags;
    p.districts = districts;
    p.scope = scope;
    p.full = full;
    p.elsewhere = elsewhere;
    reg->bad_rows = 0;
    if (!reg->source) {
        reg->source = sr_strdup(file);
        if (!reg->source)
            return SR_ERR_NOMEM;
    }
    rc = decode(file, buf, len, &text, &text_len, &owned, &reg->encoding,
                diags);
    if (rc != SR_OK)
        goto cleanup;
    csv = sr_csv_new(text, text_len);
    if (!csv) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    got = sr_csv_next(csv, &row, err, sizeof(err));
    if (got <= 0) {
        if (got == 0)
            rc = sr_diags_add(diags, file, 0,
                              _("the file is empty: the first row must name "
                                "the columns (学校标识码,学校名称,区县,...)")) ?
                     SR_ERR_NOMEM : SR_ERR_INPUT;
        else
            rc = sr_diags_add(diags, file, row.line, "%s", err) ?
                     SR_ERR_NOMEM : SR_ERR_INPUT;
        goto cleanup;
    }
    rc = read_header(&p, &row, reg->encoding);
    if (rc != SR_OK)
        goto cleanup;
    reg->absent = 0;
    for (i = 0; i < COL_N; i++)
        if (cols[i].need == ASSUMED && p.map[i] < 0)
            reg->absent |= 1u << cols[i].attr;
    while ((got = sr_csv_next(csv, &row, err, sizeof(err))) > 0) {
        if (row_blank(&row))
            continue;
        if (row.n != p.nhdr) {
            if (sr_diags_add(diags, file, row.line,
                             row.n == 1 ?
                                 _("the row has %zu field, the header has "
                                   "%zu") :
                                 _("the row has %zu fields, the header has "
                                   "%zu"),
                             row.n, p.nhdr)) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            reg->bad_rows++;
            rc = SR_ERR_INPUT;
            continue;
        }
        r = read_row(&p, &row, reg);
        if (r == SR_ERR_NOMEM) {
            rc = r;
            goto cleanup;
        }
        if (r != SR_OK)
            rc = r;
    }
    if (got < 0) {
        /* A syntax error: the rows after it cannot be told apart. */
        reg->bad_rows++;
        rc = sr_diags_add(diags, file, row.line, "%s", err) ? SR_ERR_NOMEM
                                                            : SR_ERR_INPUT;
    }

cleanup:
    if (p.hdr)
        for (i = 0; i < p.nhdr; i++)
            free(p.hdr[i]);
    free(p.hdr);
    free(p.seen.v);
    sr_csv_free(csv);
    free(owned);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Import                                                               */
/* ------------------------------------------------------------------ */

void
sr_import_absent_describe(uint32_t absent, char *buf, size_t size)
{
    char list[256];
    size_t used = 0;
    int c;

    list[0] = '\0';
    if (size)
        buf[0] = '\0';
    if (!absent || !size)
        return;
    for (c = 0; c < COL_N; c++)
        if (cols[c].need == ASSUMED && (absent & (1u << cols[c].attr)) &&
            used < sizeof(list))
            used += (size_t)snprintf(list + used, sizeof(list) - used,
                                     "%s%s (%s)", used ? ", " : "",
                                     cols[c].zh, cols[c].en);
    snprintf(buf, size,
             /* TRANSLATORS: the list is of the Chinese column names, each
                with its English name in brackets. */
             _("columns not in the file: %s; new schools were given 0 or "
               "否 (false), registered schools kept their stored values"),
             list);
}

sr_error
sr_registry_import_memory(struct sr_store *st, const char *file,
                          const char *buf, size_t len, int flags,
                          struct sr_import_report *report,
                          struct sr_diags *diags)
{
    struct sr_districts dist;
    struct sr_registry reg;
    sr_error rc;

    memset(report, 0, sizeof(*report));
    sr_registry_init(&reg);
    rc = sr_registry_districts(st, &dist);
    if (rc != SR_OK)
        goto cleanup;
    rc = sr_registry_parse(&reg, file, buf, len, &dist, diags);
    report->encoding = reg.encoding;
    if (rc != SR_OK) {
        report->bad_rows = reg.bad_rows;
        goto cleanup;
    }
    if ((flags & SR_IMPORT_FULL) && reg.n == 0) {
        rc = sr_diags_add(diags, file, 0,
                          _("the file lists no school; a full import of it "
                            "would close every school")) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
        goto cleanup;
    }
    rc = sr_registry_store(st, &reg, flags, report);
    report->encoding = reg.encoding;

cleanup:
    sr_registry_release(&reg);
    sr_districts_release(&dist);
    return rc;
}

sr_error
sr_registry_import_file(struct sr_store *st, const char *path, int flags,
                        struct sr_import_report *report,
                        struct sr_diags *diags)
{
    char *buf = NULL;
    size_t len = 0;
    sr_error rc;

    memset(report, 0, sizeof(*report));
    rc = sr_read_file(path, SR_REGISTRY_MAX_BYTES, &buf, &len);
    if (rc == SR_ERR_IO)
        return sr_diags_add(diags, path, 0, _("cannot read the file: %s"),
                            strerror(errno)) ?
                   SR_ERR_NOMEM : SR_ERR_IO;
    if (rc == SR_ERR_TOO_LARGE)
        return sr_diags_add(diags, path, 0,
                            _("the file is larger than the limit of %u MiB"),
                            SR_REGISTRY_MAX_BYTES >> 20) ?
                   SR_ERR_NOMEM : SR_ERR_TOO_LARGE;
    if (rc != SR_OK)
        return rc;
    rc = sr_registry_import_memory(st, path, buf, len, flags, report, diags);
    free(buf);
    return rc;
}
