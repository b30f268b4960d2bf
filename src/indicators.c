/*
 * indicators.c - loading and checking indicator systems.
 *
 * DESIGN
 * A file goes through four gates, each reporting every problem it
 * finds rather than the first:
 *
 *   1. bytes:   size limit (checked before reading), strict UTF-8, and
 *               no DOCTYPE or ENTITY declaration anywhere.  Refusing
 *               declarations outright closes XXE and entity expansion
 *               attacks before libxml2 sees the file.
 *   2. parse:   libxml2 with XML_PARSE_NONET | XML_PARSE_BIG_LINES and
 *               nothing else: no NOENT, DTDLOAD or HUGE (deps.md s.2).
 *   3. schema:  indicators/schema/indicators.xsd, compiled into the
 *               library (xsd_data.c), never read from the input.
 *   4. meaning: the checks a schema cannot express, made while the
 *               model is built (unique ids, ranges, ordering, the
 *               attribute vocabulary, baseline coverage).
 *
 * The model is a handful of flat arrays in document order; strings
 * live in an arena owned by the system.
 *
 * FORMATS
 * A file declares format 2 with format="2" on <system>; without it, it
 * is format 1.  One schema admits both (format 2 only adds), so a
 * format-1 file reads and scores exactly as before, and each format-2
 * construct is refused in a format-1 file by the check that parses it
 * (need_format2), with its line.
 */
#include "schoolrisk/indicators.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "arena.h"
#include "schoolrisk/decimal.h"
#include "util.h"

#define SR_NS "urn:schoolrisk:indicators:1"

/* Limits that keep every sum inside int64_t (see scoring.c). */
#define MAX_POINTS 1000000   /* 10000.00 points per item, hundredths */
#define MAX_ITEMS 5000
#define MAX_XML_ERRORS 50

/* The schema text, generated from indicators/schema/indicators.xsd. */
extern const char sr_xsd_data[];
extern const size_t sr_xsd_data_size;

struct sr_system {
    char *id, *version, *title, *description, *basis, *source;
    int format;      /* 1 or 2 */
    int64_t total;   /* the paper table's declared total, or 0 */
    int64_t bonus_cap; /* bonus points counted at most, or 0 */
    unsigned unassessed; /* bit e: element e of the baseline declared
                            not evidenced (baseline-unassessed) */
    uint32_t stages;
    int64_t pass;
    int valid_months;
    struct sr_band *bands;
    size_t n_bands;
    struct sr_dimension *dims;
    size_t n_dims, a_dims;
    struct sr_indicator *inds;
    size_t n_inds, a_inds;
    struct sr_item *items;
    size_t n_items, a_items;
    struct sr_cond *conds;
    size_t n_conds, a_conds;
    struct sr_level *levels;
    size_t n_levels, a_levels;
    struct sr_step *steps;
    size_t n_steps, a_steps;
    struct sr_req_step *req;
    size_t n_req, a_req;
    struct sr_reason *reasons;
    size_t n_reasons, a_reasons;
    struct sr_group_step *gsteps;
    size_t n_gsteps, a_gsteps;
    uint32_t *by_id; /* item indices sorted by id */
    struct sr_arena arena;
    int refs;        /* owners: sr_system_ref() adds one */
};

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static const char *const method_names[SR_METHOD_COUNT] = {
    "check", "levels", "threshold", "deduct", "ratio", "group",
};
static const char *const method_elements[SR_METHOD_COUNT] = {
    NULL, "levels", "thresholds", "deduct", "ratio", NULL,
};
static const char *const baseline_names[SR_BASELINE_COUNT] = {
    "guards", "closed-campus", "alarm-video", "protection-posts",
};
static const char *const baseline_labels[SR_BASELINE_COUNT] = {
    "专职保安员配备", "封闭化管理", "一键式紧急报警和视频监控联网",
    "护学岗",
};
static const char *const colour_names[] = {"blue", "yellow", "orange",
                                           "red"};
static const char *const op_names[] = {"eq", "ne", "in", "ge",
                                       "gt", "le", "lt", "any",
                                       "all", "not"};
static const char *const op_symbols[] = {"=", "!=", " in ", ">=",
                                         ">", "<=", "<"};

const char *
sr_method_name(int m)
{
    return m >= 0 && m < SR_METHOD_COUNT ? method_names[m] : NULL;
}

const char *
sr_hazard_name(int h)
{
    return h == SR_HAZARD_GENERAL ? "general" :
           h == SR_HAZARD_MAJOR   ? "major" :
           h == SR_HAZARD_NONE    ? "none" :
                                    NULL;
}

const char *
sr_hazard_label(int h)
{
    return h == SR_HAZARD_GENERAL ? "一般隐患" :
           h == SR_HAZARD_MAJOR   ? "重大隐患" :
           h == SR_HAZARD_NONE    ? "无隐患" :
                                    NULL;
}

const char *
sr_baseline_name(int e)
{
    return e >= 0 && e < SR_BASELINE_COUNT ? baseline_names[e] : NULL;
}

const char *
sr_baseline_label(int e)
{
    return e >= 0 && e < SR_BASELINE_COUNT ? baseline_labels[e] : NULL;
}

int
sr_baseline_lookup(const char *name)
{
    int e;

    for (e = 0; name && e < SR_BASELINE_COUNT; e++)
        if (!strcmp(name, baseline_names[e]))
            return e;
    return -1;
}

const char *
sr_colour_name(int c)
{
    return c >= 0 && c <= SR_RED ? colour_names[c] : NULL;
}

const char *
sr_colour_label(int c)
{
    static const char *const labels[] = {"蓝色", "黄色", "橙色", "红色"};

    return c >= 0 && c <= SR_RED ? labels[c] : NULL;
}

static int
name_index(const char *const *names, int n, const char *s)
{
    int i;

    for (i = 0; i < n; i++)
        if (names[i] && !strcmp(names[i], s))
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Loader state and error reporting                                     */
/* ------------------------------------------------------------------ */

struct id_use {
    const char *id;
    long line;
};

struct loader {
    const char *name;        /* file name for diagnostics */
    struct sr_diags *diags;
    struct sr_system *sys;
    bool failed;             /* an input error was reported */
    bool nomem;              /* an allocation failed: give up */
    bool schema_ok;          /* the document matched the schema */
    int xml_errors;          /* parse/schema errors reported so far */
    bool truncated;          /* errors past MAX_XML_ERRORS were dropped */
    int format;              /* the file's format version, 1 or 2 */
    struct id_use *ids;
    size_t n_ids, a_ids;
};

static void report(struct loader *L, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct loader *L, long line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    L->failed = true;
    va_start(ap, fmt);
    msg = sr_vasprintf(fmt, ap);
    va_end(ap);
    if (!msg || sr_diags_add(L->diags, L->name, line, "%s", msg) != SR_OK)
        L->nomem = true;
    free(msg);
}

/* A format-2 construct: refused, with its line, in a format-1 file.
 * what names the construct ("level points").  True when allowed. */
static bool
need_format2(struct loader *L, long line, const char *owner, const char *what)
{
    if (L->format >= 2)
        return true;
    report(L, line, _("%s: %s need format=\"2\" on <system>"), owner, what);
    return false;
}

/* Grow *arr (of elsize-byte elements) so that it holds need elements. */
static bool
grow(struct loader *L, void **arr, size_t *alloc, size_t need,
     size_t elsize)
{
    size_t na;
    void *np;

    if (need <= *alloc)
        return true;
    na = *alloc ? *alloc * 2 : 16;
    while (na < need)
        na *= 2;
    np = realloc(*arr, na * elsize);
    if (!np) {
        L->nomem = true;
        return false;
    }
    *arr = np;
    *alloc = na;
    return true;
}

#define GROW(L, arr, n, a) \
    grow((L), (void **)&(arr), &(a), (n) + 1, sizeof(*(arr)))

/* Copy an xmlChar string into the system's arena, trimming blanks at
 * both ends (indentation around element text is not content). */
static const char *
keep(struct loader *L, const xmlChar *s)
{
    const char *b = (const char *)s;
    const char *e;
    char *p;

    if (!s)
        return NULL;
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
        b++;
    e = b + strlen(b);
    while (e > b &&
           (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    p = sr_arena_strndup(&L->sys->arena, b, (size_t)(e - b));
    if (!p)
        L->nomem = true;
    return p;
}

/* An attribute's value, kept in the arena; NULL when absent. */
static const char *
attr(struct loader *L, xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    const char *k;

    if (!v)
        return NULL;
    k = keep(L, v);
    xmlFree(v);
    return k;
}

static const char *
text_of(struct loader *L, xmlNode *n)
{
    xmlChar *v = xmlNodeGetContent(n);
    const char *k;

    if (!v)
        return NULL;
    k = keep(L, v);
    xmlFree(v);
    return k;
}

static long
line_of(xmlNode *n)
{
    return (long)xmlGetLineNo(n);
}

static bool
is_elem(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrEqual(n->ns->href, (const xmlChar *)SR_NS) &&
           (!name || xmlStrEqual(n->name, (const xmlChar *)name));
}

static void
use_id(struct loader *L, const char *id, long line)
{
    if (!id || !GROW(L, L->ids, L->n_ids, L->a_ids))
        return;
    L->ids[L->n_ids].id = id;
    L->ids[L->n_ids].line = line;
    L->n_ids++;
}

static int
cmp_id_use(const void *a, const void *b)
{
    const struct id_use *x = a, *y = b;
    int c = strcmp(x->id, y->id);

    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

static void
check_ids(struct loader *L)
{
    size_t i, first = 0;

    if (L->n_ids < 2)
        return; /* and qsort() must not see the NULL of an empty list */
    qsort(L->ids, L->n_ids, sizeof(*L->ids), cmp_id_use);
    for (i = 1; i < L->n_ids; i++) {
        if (strcmp(L->ids[i].id, L->ids[first].id)) {
            first = i;
            continue;
        }
        report(L, L->ids[i].line,
               _("duplicate id '%s' (first used on line %ld)"),
               L->ids[i].id, L->ids[first].line);
    }
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */
/* ------------------------------------------------------------------ */

/* Parse a required number attribute.  Lexical errors are the schema's
 * to report; when the schema passed, too many decimals land here. */
static bool
number(struct loader *L, const char *what, const char *owner,
       const char *text, int scale, long line, int64_t *out)
{
    if (!text)
        return false;
    if (sr_decimal_parse(text, scale, out) == SR_OK)
        return true;
    if (L->schema_ok && scale == 0)
        report(L, line, _("%s: %s must be a whole number (got '%s')"), owner,
               what, text);
    else if (L->schema_ok)
        report(L, line,
               _("%s: %s must be a number with at most %d decimals (got '%s')"),
               owner, what, scale, text);
    return false;
}

static bool
fraction(struct loader *L, const char *what, const char *owner,
         const char *text, long line, int32_t *out)
{
    int64_t v;

    if (!text)
        return false;
    if (sr_decimal_parse(text, SR_FRACTION_SCALE, &v) != SR_OK || v < 0 ||
        v > 10000) {
        report(L, line,
               _("%s: %s '%s' is not a fraction from 0 to 1 with at most 4 "
                 "decimals"),
               owner, what, text);
        return false;
    }
    *out = (int32_t)v;
    return true;
}

/* ------------------------------------------------------------------ */
/* Conditions                                                           */
/* ------------------------------------------------------------------ */

/* Parse one <when> and append it.  owner is "item 'X'" or similar. */
static void
parse_leaf(struct loader *L, xmlNode *n, const char *owner)
{
    long line = line_of(n);
    const char *aname = attr(L, n, "attr");
    const char *opval = NULL;
    int op = -1, nops = 0, a, i;
    struct sr_cond c;

    for (i = 0; i <= SR_OP_LT; i++) {
        const char *v = attr(L, n, op_names[i]);
        if (v) {
            nops++;
            op = i;
            opval = v;
        }
    }
    if (!aname)
        return; /* the schema reports it */
    a = sr_attr_lookup(aname);
    if (a < 0) {
        report(L, line,
               _("%s: unknown school attribute '%s' in condition (known: "
                 "%s)"),
               owner, aname, sr_attr_known());
        return;
    }
    if (nops != 1) {
        report(L, line,
               _("%s: condition on '%s' needs exactly one of eq, ne, in, ge, "
                 "gt, le, lt (found %d)"),
               owner, aname, nops);
        return;
    }
    c.attr = a;
    c.op = op;
    c.value = 0;
    if (op >= SR_OP_GE && sr_attr_kind(a) != SR_KIND_COUNT) {
        report(L, line,
               _("%s: operator '%s' compares numbers, but '%s' is not a count "
                 "attribute"),
               owner, op_names[op], aname);
        return;
    }
    if (op == SR_OP_IN) {
        const char *p = opval;

        if (sr_attr_kind(a) != SR_KIND_ENUM) {
            report(L, line,
                   _("%s: operator 'in' takes a list of names, but '%s' is "
                     "not an enumerated attribute"),
                   owner, aname);
            return;
        }
        while (*p) {
            char word[40];
            size_t wl = strcspn(p, " \t\r\n");
            int64_t v;

            if (wl == 0) {
                p++;
                continue;
            }
            if (wl >= sizeof(word) ||
                (memcpy(word, p, wl), word[wl] = '\0',
                 sr_attr_parse(a, word, &v) != SR_OK)) {
                report(L, line,
                       _("%s: bad value '%.*s' for '%s' in condition "
                         "(expected %s)"),
                       owner, (int)wl, p, aname, sr_attr_expect(a));
                return;
            }
            c.value |= (int64_t)1 << v;
            p += wl;
        }
    } else if (sr_attr_parse(a, opval, &c.value) != SR_OK) {
        report(L, line,
               _("%s: bad value '%s' for '%s' in condition (expected %s)"),
               owner, opval, aname, sr_attr_expect(a));
        return;
    }
    if (!GROW(L, L->sys->conds, L->sys->n_conds, L->sys->a_conds))
        return;
    L->sys->conds[L->sys->n_conds++] = c;
}

static bool
is_cond(xmlNode *n)
{
    return is_elem(n, "when") || is_elem(n, "any") || is_elem(n, "all") ||
           is_elem(n, "not");
}

/* Parse one condition term (<when>, or format 2's <any>, <all>, <not>
 * and what they join) and append it in prefix order: the head first,
 * its span filled in once the joined terms are appended. */
static void
parse_cond(struct loader *L, xmlNode *n, const char *owner)
{
    struct sr_system *s = L->sys;
    struct sr_cond head = {-1, SR_OP_ANY, 0};
    size_t at;
    xmlNode *c;

    if (is_elem(n, "when")) {
        parse_leaf(L, n, owner);
        return;
    }
    if (is_elem(n, "all"))
        head.op = SR_OP_ALL;
    else if (is_elem(n, "not"))
        head.op = SR_OP_NOT;
    if (L->format < 2) {
        char what[48];

        snprintf(what, sizeof(what), _("conditions in <%s>"),
                 op_names[head.op]);
        need_format2(L, line_of(n), owner, what);
    }
    if (!GROW(L, s->conds, s->n_conds, s->a_conds))
        return;
    at = s->n_conds++;
    for (c = n->children; c && !L->nomem; c = c->next)
        if (is_cond(c))
            parse_cond(L, c, owner);
    head.value = (int64_t)(s->n_conds - at - 1);
    s->conds[at] = head;
}

/* Append copies of conditions [off, off+n) (inherited ones). */
static void
copy_conds(struct loader *L, uint32_t off, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        if (!GROW(L, L->sys->conds, L->sys->n_conds, L->sys->a_conds))
            return;
        L->sys->conds[L->sys->n_conds++] = L->sys->conds[off + i];
    }
}

/* ------------------------------------------------------------------ */
/* Method details                                                       */
/* ------------------------------------------------------------------ */

/* A level's worth in points (format 2): at most 2 decimals, from 0 to
 * the item's points.  Its fraction is kept rounded for display. */
static bool
level_points(struct loader *L, const struct sr_item *it, const char *owner,
             const char *val, const char *text, long line,
             struct sr_level *lv)
{
    char mx[32];

    /* parse_levels() refused them once for the item in format 1. */
    if (L->format < 2 ||
        !number(L, _("level points"), owner, text, SR_POINTS_SCALE, line,
                &lv->points))
        return false;
    if (lv->points < 0 || lv->points > it->points) {
        sr_decimal_format(it->points, SR_POINTS_SCALE, 0, mx, sizeof(mx));
        report(L, line,
               _("%s: level '%s' must be worth from 0 to the item's %s "
                 "points (got '%s')"),
               owner, val, mx, text);
        return false;
    }
    lv->fraction = it->points > 0 ?
        (int32_t)sr_div_round(lv->points * 10000, it->points) : 0;
    return true;
}

/* A level's hazard (format 2): what answering it implies when the item
 * is not met.  Full points raise no hazard, and a veto item's levels
 * all raise its major hazard, so neither may declare one.  A four-100%
 * item's element comes back only when its hazard is closed, so none of
 * its levels may imply none (as outcome_item() for the item). */
static void
level_hazard(struct loader *L, const struct sr_item *it, const char *owner,
             xmlNode *c, const char *val, bool full, struct sr_level *lv)
{
    const char *h = attr(L, c, "hazard");

    lv->hazard = -1;
    if (!h || L->format < 2)
        return; /* parse_levels() refused it once for the item */
    if (it->veto)
        report(L, line_of(c),
               _("%s: level '%s': the levels of a veto item raise its major "
                 "hazard; remove hazard"),
               owner, val);
    else if (full)
        report(L, line_of(c),
               _("%s: level '%s' is worth full points and raises no hazard; "
                 "remove hazard"),
               owner, val);
    else if (it->baseline >= 0 && !strcmp(h, "none"))
        report(L, line_of(c),
               _("%s: level '%s': a four-100%% item (baseline=\"%s\") must "
                 "raise a hazard when not met; remove hazard=\"none\""),
               owner, val, sr_baseline_name(it->baseline));
    lv->hazard = !strcmp(h, "none")  ? SR_HAZARD_NONE :
                 !strcmp(h, "major") ? SR_HAZARD_MAJOR :
                                       SR_HAZARD_GENERAL;
}

/* One level's worth: a fraction, or (format 2) points; exactly one. */
static bool
level_worth(struct loader *L, const struct sr_item *it, const char *owner,
            xmlNode *c, const char *val, struct sr_level *lv)
{
    const char *fr = attr(L, c, "fraction");
    const char *pts = attr(L, c, "points");

    lv->points = -1;
    if (!fr == !pts) {
        report(L, line_of(c),
               _("%s: level '%s' needs either fraction or points (one of "
                 "them)"),
               owner, val);
        return false;
    }
    if (pts)
        return level_points(L, it, owner, val, pts, line_of(c), lv);
    return fraction(L, _("level fraction"), owner, fr, line_of(c),
                    &lv->fraction);
}

static void
parse_levels(struct loader *L, xmlNode *n, struct sr_item *it,
             const char *owner)
{
    struct sr_system *s = L->sys;
    xmlNode *c;
    bool full = false;
    int kinds = 0; /* bit 0: a fraction level, bit 1: a points level,
                      bits 2, 3: points, hazards refused in format 1 */
    size_t i;

    it->opt_off = (uint32_t)s->n_levels;
    for (c = n->children; c; c = c->next) {
        struct sr_level lv;
        const char *val;
        bool is_full;

        if (!is_elem(c, "level"))
            continue;
        val = attr(L, c, "value");
        /* Format-2 attributes in format 1: once for the item each, at
         * the first level that has one. */
        if (L->format < 2 && !(kinds & 4) && xmlHasProp(c, BAD_CAST "points")) {
            need_format2(L, line_of(c), owner, _("level points"));
            kinds |= 4;
        }
        if (L->format < 2 && !(kinds & 8) && xmlHasProp(c, BAD_CAST "hazard")) {
            need_format2(L, line_of(c), owner, _("level hazards"));
            kinds |= 8;
        }
        if (!val || !level_worth(L, it, owner, c, val, &lv))
            continue;
        kinds |= lv.points >= 0 ? 2 : 1;
        for (i = it->opt_off; i < s->n_levels; i++) {
            if (!strcmp(s->levels[i].value, val)) {
                report(L, line_of(c), _("%s: duplicate level value '%s'"),
                       owner, val);
                break;
            }
        }
        if (!strcmp(val, "na") || !strcmp(val, "NA") ||
            !strcmp(val, "不适用")) {
            report(L, line_of(c),
                   _("%s: '%s' is reserved for not applicable; use allow-na"),
                   owner, val);
            continue;
        }
        is_full = lv.points >= 0 ? lv.points == it->points :
                                   lv.fraction == 10000;
        full = full || is_full;
        level_hazard(L, it, owner, c, val, is_full, &lv);
        lv.value = val;
        if (!GROW(L, s->levels, s->n_levels, s->a_levels))
            return;
        s->levels[s->n_levels++] = lv;
    }
    it->opt_n = (uint32_t)(s->n_levels - it->opt_off);
    if ((kinds & 3) == 3) {
        /* A mix would make a reader convert one kind into the other. */
        report(L, line_of(n),
               _("%s: give every level a fraction or every level points, "
                 "not a mix"),
               owner);
    } else if ((kinds & 3) == 2 && !full) {
        char mx[32];

        sr_decimal_format(it->points, SR_POINTS_SCALE, 0, mx, sizeof(mx));
        report(L, line_of(n),
               _("%s: no level is worth the item's %s points, so the item "
                 "can never be met"),
               owner, mx);
    } else if (it->opt_n && !full && !(kinds & 4)) {
        report(L, line_of(n),
               _("%s: no level is worth full points (fraction 1), so the item "
                 "can never be met"),
               owner);
    }
}

static void
parse_thresholds(struct loader *L, xmlNode *n, struct sr_item *it,
                 const char *owner)
{
    struct sr_system *s = L->sys;
    const char *better = attr(L, n, "better");
    xmlNode *c;
    int k = 0;
    bool ok = true;

    it->lower_better = better && !strcmp(better, "lower");
    it->unit = attr(L, n, "unit");
    it->opt_off = (uint32_t)s->n_steps;
    for (c = n->children; c; c = c->next) {
        struct sr_step st;

        if (!is_elem(c, "step"))
            continue;
        k++;
        if (!number(L, _("step 'at'"), owner, attr(L, c, "at"),
                    SR_FRACTION_SCALE, line_of(c), &st.at) ||
            !fraction(L, _("step fraction"), owner, attr(L, c, "fraction"),
                      line_of(c), &st.fraction)) {
            ok = false;
            continue;
        }
        if (s->n_steps > it->opt_off) {
            const struct sr_step *pv = &s->steps[s->n_steps - 1];
            char a[32], b[32];

            if (st.at <= pv->at) {
                sr_decimal_format(st.at, 4, 0, a, sizeof(a));
                sr_decimal_format(pv->at, 4, 0, b, sizeof(b));
                report(L, line_of(c),
                       _("%s: threshold steps must be in strictly ascending "
                         "order of 'at' (step %d has at=%s after at=%s)"),
                       owner, k, a, b);
                ok = false;
            } else if (!it->lower_better && st.fraction < pv->fraction) {
                report(L, line_of(c),
                       _("%s: with better=\"higher\" the fractions must not "
                         "decrease as 'at' rises (step %d)"),
                       owner, k);
                ok = false;
            } else if (it->lower_better && st.fraction > pv->fraction) {
                report(L, line_of(c),
                       _("%s: with better=\"lower\" the fractions must not "
                         "increase as 'at' rises (step %d)"),
                       owner, k);
                ok = false;
            }
        }
        if (!GROW(L, s->steps, s->n_steps, s->a_steps))
            return;
        s->steps[s->n_steps++] = st;
    }
    it->opt_n = (uint32_t)(s->n_steps - it->opt_off);
    if (!ok || !it->opt_n)
        return;
    if (!it->lower_better && s->steps[s->n_steps - 1].fraction != 10000)
        report(L, line_of(n),
               _("%s: with better=\"higher\" the last step must be worth 1"),
               owner);
    if (it->lower_better && s->steps[it->opt_off].fraction != 10000)
        report(L, line_of(n),
               _("%s: with better=\"lower\" the first step must be worth 1"),
               owner);
}

/* The steps of a derived requirement (<required>) of item it.  A
 * ratio's requirement may have 4 decimals; a shortfall's (format 2)
 * counts people or things, so its values are whole (scale 0): the
 * amounts are kept in ten-thousandths either way. */
static void
parse_required(struct loader *L, xmlNode *r, struct sr_item *it,
               const char *owner, int scale)
{
    struct sr_system *s = L->sys;
    const char *aname = attr(L, r, "attr");
    int a = aname ? sr_attr_lookup(aname) : -1;
    int64_t unit = scale ? 1 : 10000;
    xmlNode *c;
    int k = 0;

    if (!aname)
        return;
    if (a < 0 || sr_attr_kind(a) != SR_KIND_COUNT) {
        report(L, line_of(r),
               _("%s: a requirement must be derived from a count attribute "
                 "(enrollment, boarders, special_needs, staff, population), "
                 "not '%s'"),
               owner, aname);
        return;
    }
    it->req_attr = a;
    it->opt_off = (uint32_t)s->n_req;
    for (c = r->children; c; c = c->next) {
        struct sr_req_step st = {0, 0, 0, 0};
        const char *every, *add;
        long line;

        if (!is_elem(c, "step"))
            continue;
        k++;
        line = line_of(c);
        every = attr(L, c, "every");
        add = attr(L, c, "add");
        if (!number(L, _("step 'from'"), owner, attr(L, c, "from"), 0, line,
                    &st.from) ||
            !number(L, _("step 'value'"), owner, attr(L, c, "value"), scale,
                    line, &st.value))
            continue;
        st.value *= unit;
        if (st.value <= 0)
            report(L, line,
                   _("%s: a required value must be greater than 0 "
                     "(step %d)"),
                   owner, k);
        if (st.from < 0 || st.from > SR_COUNT_MAX)
            report(L, line,
                   _("%s: step 'from' must be a count 0..%d (step %d)"),
                   owner, SR_COUNT_MAX, k);
        if (s->n_req == it->opt_off && st.from != 0)
            report(L, line,
                   _("%s: the first requirement step must start at from=\"0\""),
                   owner);
        if (s->n_req > it->opt_off && st.from <= s->req[s->n_req - 1].from)
            report(L, line,
                   _("%s: requirement steps must be in strictly ascending "
                     "order of 'from' (step %d)"),
                   owner, k);
        if (!every != !add) {
            report(L, line,
                   _("%s: 'every' and 'add' go together (step %d)"), owner, k);
        } else if (every) {
            if (number(L, _("step 'every'"), owner, every, 0, line,
                       &st.every) &&
                number(L, _("step 'add'"), owner, add, scale, line,
                       &st.add) &&
                (st.every <= 0 || st.add <= 0))
                report(L, line,
                       _("%s: 'every' and 'add' must be greater than 0 "
                         "(step %d)"),
                       owner, k);
            st.add *= unit;
        }
        if (s->n_req > it->opt_off && s->req[s->n_req - 1].every)
            report(L, line_of(c),
                   _("%s: only the last requirement step may have 'every' and "
                     "'add' (step %d follows one)"),
                   owner, k);
        if (!GROW(L, s->req, s->n_req, s->a_req))
            return;
        s->req[s->n_req++] = st;
    }
    it->opt_n = (uint32_t)(s->n_req - it->opt_off);
}

static void
parse_ratio(struct loader *L, xmlNode *n, struct sr_item *it,
            const char *owner)
{
    xmlNode *r;

    it->unit = attr(L, n, "unit");
    it->req_attr = -1;
    for (r = n->children; r && !is_elem(r, "required"); r = r->next)
        ;
    if (r)
        parse_required(L, r, it, owner, SR_FRACTION_SCALE);
}

/* One <reason> of a deduct item (format 2). */
static void
parse_reason(struct loader *L, xmlNode *c, struct sr_item *it,
             const char *owner)
{
    struct sr_system *s = L->sys;
    struct sr_reason r;
    const char *per = attr(L, c, "per");
    long line = line_of(c);
    size_t i;

    r.value = attr(L, c, "value");
    r.unit = attr(L, c, "unit");
    if (!r.value ||
        !number(L, _("reason per"), owner, per, SR_POINTS_SCALE, line, &r.per))
        return;
    if (r.per <= 0 || r.per > MAX_POINTS)
        report(L, line,
               _("%s: reason '%s': per must be greater than 0 and at most "
                 "10000 (got '%s')"),
               owner, r.value, per);
    /* Answers read "reason=count;reason=count". */
    if (strpbrk(r.value, "=;"))
        report(L, line, _("%s: reason '%s' may not contain '=' or ';'"),
               owner, r.value);
    for (i = it->opt_off; i < s->n_reasons; i++)
        if (!strcmp(s->reasons[i].value, r.value))
            report(L, line, _("%s: duplicate reason '%s'"), owner, r.value);
    if (!GROW(L, s->reasons, s->n_reasons, s->a_reasons))
        return;
    s->reasons[s->n_reasons++] = r;
}

static void
parse_deduct(struct loader *L, xmlNode *n, struct sr_item *it,
             const char *owner)
{
    const char *per = attr(L, n, "per");
    xmlNode *c, *req = NULL;

    it->unit = attr(L, n, "unit");
    it->opt_off = (uint32_t)L->sys->n_reasons;
    for (c = n->children; c; c = c->next)
        if (is_elem(c, "required"))
            req = c;
    for (c = n->children; c; c = c->next)
        if (is_elem(c, "reason"))
            break;
    if (req && c) {
        report(L, line_of(req),
               _("%s: a deduction by shortfall (<required>) takes per, not "
                 "<reason> elements"),
               owner);
        return;
    }
    if (req && need_format2(L, line_of(req), owner,
                            _("deductions by shortfall"))) {
        /* A whole number short, times per: exact in hundredths. */
        parse_required(L, req, it, owner, 0);
    }
    if (c && per) {
        report(L, line_of(n),
               _("%s: <deduct> takes per or <reason> elements, not both"),
               owner);
        return;
    }
    if (c) {
        if (!need_format2(L, line_of(c), owner, _("deduction reasons")))
            return;
        for (; c && !L->nomem; c = c->next)
            if (is_elem(c, "reason"))
                parse_reason(L, c, it, owner);
        it->opt_n = (uint32_t)(L->sys->n_reasons - it->opt_off);
        return;
    }
    if (!per) {
        report(L, line_of(n),
               _("%s: <deduct> needs per (points per finding) or <reason> "
                 "elements"),
               owner);
        return;
    }
    if (!number(L, _("deduct per"), owner, per, SR_POINTS_SCALE, line_of(n),
                &it->per))
        return;
    if (it->per <= 0 || it->per > MAX_POINTS)
        report(L, line_of(n),
               _("%s: deduct per must be greater than 0 and at most 10000 "
                 "(got '%s')"),
               owner, per);
}

/* A veto item worth 0 points (format 2): a prerequisite (前置条件) that
 * scores nothing and only vetoes.  It is met or not, so it is a check:
 * a level or a deduction worth a share of nothing means nothing. */
static void
check_prerequisite(struct loader *L, const struct sr_item *it,
                   const char *owner)
{
    if (!need_format2(L, it->line, owner, _("veto items worth 0 points")))
        return;
    if (it->method >= 0 && it->method != SR_METHOD_CHECK)
        report(L, it->line,
               _("%s: a veto item worth 0 points must use method=\"check\" "
                 "(got '%s')"),
               owner, method_names[it->method]);
}

/* An outcome row (format 2, hazard="none" on the item): what happened
 * in the year (全年未发生……案件) scores or vetoes, but a past case is
 * nothing to rectify, so no answer raises a hazard (a level may still
 * declare one).  A four-100% item may not be one: its element comes
 * back when its hazard is closed, and without one it could not. */
static void
outcome_item(struct loader *L, struct sr_item *it, const char *owner,
             const char *baseline)
{
    it->hazard = SR_HAZARD_NONE;
    if (!need_format2(L, it->line, owner,
                      _("outcome items (hazard=\"none\")")))
        return;
    if (baseline)
        report(L, it->line,
               _("%s: a four-100%% item (baseline=\"%s\") must raise a "
                 "hazard when not met; remove hazard=\"none\""),
               owner, baseline);
}

/* ------------------------------------------------------------------ */
/* Tree                                                                 */
/* ------------------------------------------------------------------ */

/* An item's format-2 flags: bonus points (附加分) and who scores it.
 * A bonus can only add, so it can neither veto nor evidence a baseline
 * element (a school must not meet one by an extra). */
static void
item_flags(struct loader *L, xmlNode *n, struct sr_item *it,
           const char *owner)
{
    const char *b = attr(L, n, "bonus");
    const char *by = attr(L, n, "scored-by");

    it->bonus = b && (!strcmp(b, "true") || !strcmp(b, "1"));
    it->evaluator = by && !strcmp(by, "evaluator");
    if (it->bonus && need_format2(L, it->line, owner, _("bonus points"))) {
        if (it->veto)
            report(L, it->line, _("%s: a bonus item may not be a veto item"),
                   owner);
        if (it->baseline >= 0)
            report(L, it->line,
                   _("%s: a bonus item may not evidence a baseline element"),
                   owner);
    }
    if (it->evaluator)
        need_format2(L, it->line, owner, _("items scored by the evaluator"));
}

/* Append a parsed item; false when it could not be (the limit, or no
 * memory). */
static bool
add_item(struct loader *L, const struct sr_item *it)
{
    struct sr_system *s = L->sys;

    if (s->n_items >= MAX_ITEMS) {
        if (s->n_items == MAX_ITEMS)
            report(L, it->line, _("too many items (the limit is %d)"),
                   MAX_ITEMS);
        s->n_items++; /* counted so the message is given once */
        return false;
    }
    if (!GROW(L, s->items, s->n_items, s->a_items))
        return false;
    s->items[s->n_items++] = *it;
    return true;
}

static void
parse_item(struct loader *L, xmlNode *n, uint32_t dim, uint32_t ind,
           uint32_t inh_off, uint32_t inh_n)
{
    struct sr_system *s = L->sys;
    struct sr_item it;
    char owner[96];
    const char *id, *points, *method, *v;
    const char *want_elem;
    xmlNode *c, *detail = NULL;
    long line = line_of(n);

    memset(&it, 0, sizeof(it));
    it.baseline = -1;
    it.req_attr = -1;
    it.group = -1;
    it.line = line;
    it.dim = dim;
    it.ind = ind;
    id = attr(L, n, "id");
    it.id = id ? id : "?";
    snprintf(owner, sizeof(owner), _("item '%s'"), it.id);
    use_id(L, id, line);

    method = attr(L, n, "method");
    /* "group" is an element, not a method an item may name. */
    it.method = method ? name_index(method_names, SR_METHOD_GROUP, method)
                       : -1;
    v = attr(L, n, "veto");
    it.veto = v && (!strcmp(v, "true") || !strcmp(v, "1"));
    points = attr(L, n, "points");
    if (number(L, _("points"), owner, points, SR_POINTS_SCALE, line,
               &it.points)) {
        if (it.points == 0 && it.veto)
            check_prerequisite(L, &it, owner);
        else if (it.points == 0 && L->format >= 2)
            report(L, line,
                   _("%s: points must be greater than 0 (got '%s'); only a "
                     "veto item (前置条件) may be worth 0"),
                   owner, points);
        else if (it.points <= 0)
            report(L, line, _("%s: points must be greater than 0 (got '%s')"),
                   owner, points);
        else if (it.points > MAX_POINTS)
            report(L, line, _("%s: points must be at most 10000 (got '%s')"),
                   owner, points);
    }
    v = attr(L, n, "allow-na");
    it.allow_na = v && (!strcmp(v, "true") || !strcmp(v, "1"));
    v = attr(L, n, "hazard");
    if (v && !strcmp(v, "general")) {
        it.hazard = SR_HAZARD_GENERAL;
        if (it.veto)
            report(L, line,
                   _("%s: a veto item must have hazard=\"major\" "
                     "(got \"general\")"),
                   owner);
    } else if (v && !strcmp(v, "major")) {
        it.hazard = SR_HAZARD_MAJOR;
    } else if (v && !strcmp(v, "none")) {
        outcome_item(L, &it, owner, attr(L, n, "baseline"));
    } else {
        it.hazard = it.veto ? SR_HAZARD_MAJOR : SR_HAZARD_GENERAL;
    }
    v = attr(L, n, "baseline");
    if (v)
        it.baseline = name_index(baseline_names, SR_BASELINE_COUNT, v);
    item_flags(L, n, &it, owner);

    it.cond_off = (uint32_t)s->n_conds;
    copy_conds(L, inh_off, inh_n);
    for (c = n->children; c; c = c->next) {
        if (!is_elem(c, NULL))
            continue;
        if (is_elem(c, "title"))
            it.title = text_of(L, c);
        else if (is_elem(c, "guidance"))
            it.guidance = text_of(L, c);
        else if (is_elem(c, "basis"))
            it.basis = text_of(L, c);
        else if (is_cond(c))
            parse_cond(L, c, owner);
        else
            detail = c;
    }
    it.cond_n = (uint32_t)(s->n_conds - it.cond_off);
    if (!it.title)
        it.title = "";

    if (it.method < 0)
        goto add; /* unknown method: the schema has said so */
    want_elem = method_elements[it.method];
    if (detail && (!want_elem || !is_elem(detail, want_elem))) {
        if (want_elem)
            report(L, line_of(detail),
                   _("%s: method '%s' takes a <%s>, not <%s>"), owner,
                   method_names[it.method], want_elem,
                   (const char *)detail->name);
        else
            report(L, line_of(detail),
                   _("%s: method '%s' takes no detail element, not <%s>"),
                   owner, method_names[it.method],
                   (const char *)detail->name);
        goto add;
    }
    if (!detail && want_elem && it.method != SR_METHOD_RATIO) {
        report(L, line, _("%s: method '%s' needs a <%s> element"), owner,
               method_names[it.method], want_elem);
        goto add;
    }
    switch (it.method) {
    case SR_METHOD_LEVELS:
        parse_levels(L, detail, &it, owner);
        break;
    case SR_METHOD_THRESHOLD:
        parse_thresholds(L, detail, &it, owner);
        break;
    case SR_METHOD_DEDUCT:
        parse_deduct(L, detail, &it, owner);
        break;
    case SR_METHOD_RATIO:
        if (detail)
            parse_ratio(L, detail, &it, owner);
        break;
    default:
        break;
    }

add:
    add_item(L, &it);
}

/* ------------------------------------------------------------------ */
/* Groups (format 2)                                                    */
/* ------------------------------------------------------------------ */

/* Title, guidance, basis and the conditions of a group or a sub-item;
 * the conditions (inherited ones first) are appended from cond_off. */
static void
parse_head(struct loader *L, xmlNode *n, struct sr_item *it,
           const char *owner, uint32_t inh_off, uint32_t inh_n)
{
    xmlNode *c;

    it->cond_off = (uint32_t)L->sys->n_conds;
    copy_conds(L, inh_off, inh_n);
    for (c = n->children; c; c = c->next) {
        if (is_elem(c, "title"))
            it->title = text_of(L, c);
        else if (is_elem(c, "guidance"))
            it->guidance = text_of(L, c);
        else if (is_elem(c, "basis"))
            it->basis = text_of(L, c);
        else if (is_cond(c))
            parse_cond(L, c, owner);
    }
    it->cond_n = (uint32_t)(L->sys->n_conds - it->cond_off);
    if (!it->title)
        it->title = "";
}

/* A sub-item of group g: a check worth 0 points whose answer the group
 * counts; failed, it raises its own hazard (it names one fixable
 * thing), and with zeroes="true" it takes the group's points to 0. */
static void
parse_member(struct loader *L, xmlNode *n, const struct sr_item *g,
             uint32_t gi)
{
    struct sr_item it;
    char owner[96];
    const char *id, *v;

    memset(&it, 0, sizeof(it));
    it.line = line_of(n);
    it.method = SR_METHOD_CHECK;
    it.baseline = -1;
    it.req_attr = -1;
    it.group = (int32_t)gi;
    it.dim = g->dim;
    it.ind = g->ind;
    it.evaluator = g->evaluator;
    id = attr(L, n, "id");
    it.id = id ? id : "?";
    snprintf(owner, sizeof(owner), _("item '%s'"), it.id);
    use_id(L, id, it.line);
    v = attr(L, n, "zeroes");
    it.zeroes = v && (!strcmp(v, "true") || !strcmp(v, "1"));
    v = attr(L, n, "allow-na");
    it.allow_na = v && (!strcmp(v, "true") || !strcmp(v, "1"));
    v = attr(L, n, "hazard");
    it.hazard = v && !strcmp(v, "major") ? SR_HAZARD_MAJOR
                                         : SR_HAZARD_GENERAL;
    v = attr(L, n, "baseline");
    if (v)
        it.baseline = name_index(baseline_names, SR_BASELINE_COUNT, v);
    /* The group's conditions hold for each of its sub-items. */
    parse_head(L, n, &it, owner, g->cond_off, g->cond_n);
    add_item(L, &it);
}

/* The <failed> steps of a group with rule="failed": from count 1 up,
 * strictly ascending, worth 0..the group's points and never more for
 * more failed, each count reachable with the group's sub-items. */
static void
parse_failed_steps(struct loader *L, xmlNode *n, struct sr_item *g,
                   const char *owner, uint32_t members)
{
    struct sr_system *s = L->sys;
    xmlNode *c;
    int k = 0;
    char mx[32];

    sr_decimal_format(g->points, SR_POINTS_SCALE, 0, mx, sizeof(mx));
    g->opt_off = (uint32_t)s->n_gsteps;
    for (c = n->children; c; c = c->next) {
        struct sr_group_step st;
        const char *cnt, *pts;
        long line;

        if (!is_elem(c, "failed"))
            continue;
        k++;
        line = line_of(c);
        cnt = attr(L, c, "count");
        pts = attr(L, c, "points");
        if (!number(L, _("failed count"), owner, cnt, 0, line, &st.failed) ||
            !number(L, _("failed points"), owner, pts, SR_POINTS_SCALE, line,
                    &st.points))
            continue;
        if (s->n_gsteps == g->opt_off && st.failed != 1)
            report(L, line,
                   _("%s: the first <failed> step must have count=\"1\" "
                     "(got '%s')"),
                   owner, cnt);
        else if (s->n_gsteps > g->opt_off &&
                 st.failed <= s->gsteps[s->n_gsteps - 1].failed)
            report(L, line,
                   _("%s: <failed> steps must be in strictly ascending order "
                     "of count (step %d)"),
                   owner, k);
        if (st.failed > (int64_t)members)
            report(L, line,
                   _("%s: <failed count=\"%s\"> can never happen: the group "
                     "has %u sub-items"),
                   owner, cnt, members);
        if (st.points < 0 || st.points > g->points)
            report(L, line,
                   _("%s: <failed count=\"%s\"> must be worth from 0 to the "
                     "group's %s points (got '%s')"),
                   owner, cnt, mx, pts);
        else if (s->n_gsteps > g->opt_off &&
                 st.points > s->gsteps[s->n_gsteps - 1].points)
            report(L, line,
                   _("%s: more failed sub-items may not earn more points "
                     "(step %d)"),
                   owner, k);
        if (!GROW(L, s->gsteps, s->n_gsteps, s->a_gsteps))
            return;
        s->gsteps[s->n_gsteps++] = st;
    }
    g->opt_n = (uint32_t)(s->n_gsteps - g->opt_off);
}

/* A group's rule and what it needs: rule="failed" its <failed> steps,
 * rule="deduct" its per; neither takes the other's. */
static void
parse_group_rule(struct loader *L, xmlNode *n, struct sr_item *g,
                 const char *owner, uint32_t members)
{
    const char *rule = attr(L, n, "rule");
    const char *per = attr(L, n, "per");
    xmlNode *c;

    for (c = n->children; c && !is_elem(c, "failed"); c = c->next)
        ;
    if (!rule)
        return; /* the schema reports it */
    if (!strcmp(rule, "failed")) {
        g->rule = SR_GROUP_FAILED;
        if (per)
            report(L, line_of(n),
                   _("%s: per belongs to rule=\"deduct\", not rule=\"failed\""),
                   owner);
        if (!c)
            report(L, line_of(n),
                   _("%s: rule=\"failed\" needs <failed count=… points=…> "
                     "steps"),
                   owner);
        else
            parse_failed_steps(L, n, g, owner, members);
        return;
    }
    g->rule = SR_GROUP_DEDUCT;
    if (c)
        report(L, line_of(c),
               _("%s: <failed> steps belong to rule=\"failed\", not "
                 "rule=\"deduct\""),
               owner);
    if (!per) {
        report(L, line_of(n),
               _("%s: rule=\"deduct\" needs per (points off per failed "
                 "sub-item)"),
               owner);
        return;
    }
    if (number(L, _("group per"), owner, per, SR_POINTS_SCALE, line_of(n),
               &g->per) &&
        (g->per <= 0 || g->per > MAX_POINTS))
        report(L, line_of(n),
               _("%s: per must be greater than 0 and at most 10000 "
                 "(got '%s')"),
               owner, per);
}

/* A <group> (format 2): one item holding the points, scored from the
 * answers to its sub-items, which follow it in the item array. */
static void
parse_group(struct loader *L, xmlNode *n, uint32_t dim, uint32_t ind,
            uint32_t inh_off, uint32_t inh_n)
{
    struct sr_system *s = L->sys;
    struct sr_item g;
    char owner[96];
    const char *id, *points;
    uint32_t gi, members = 0;
    xmlNode *c;

    memset(&g, 0, sizeof(g));
    g.line = line_of(n);
    g.method = SR_METHOD_GROUP;
    g.hazard = SR_HAZARD_NONE; /* its failed sub-items raise hazards */
    g.baseline = -1;
    g.req_attr = -1;
    g.group = -1;
    g.dim = dim;
    g.ind = ind;
    id = attr(L, n, "id");
    g.id = id ? id : "?";
    snprintf(owner, sizeof(owner), _("group '%s'"), g.id);
    use_id(L, id, g.line);
    if (!need_format2(L, g.line, owner, _("item groups")))
        return;
    points = attr(L, n, "points");
    if (number(L, _("points"), owner, points, SR_POINTS_SCALE, g.line,
               &g.points) &&
        (g.points <= 0 || g.points > MAX_POINTS))
        report(L, g.line,
               _("%s: points must be greater than 0 and at most 10000 "
                 "(got '%s')"),
               owner, points);
    item_flags(L, n, &g, owner);
    parse_head(L, n, &g, owner, inh_off, inh_n);
    for (c = n->children; c; c = c->next)
        members += is_elem(c, "item");
    parse_group_rule(L, n, &g, owner, members);
    gi = (uint32_t)s->n_items;
    if (!add_item(L, &g))
        return;
    for (c = n->children; c && !L->nomem; c = c->next)
        if (is_elem(c, "item"))
            parse_member(L, c, &g, gi);
    if (s->n_items <= MAX_ITEMS)
        s->items[gi].members = (uint32_t)(s->n_items - gi - 1);
}

static void
parse_indicator(struct loader *L, xmlNode *n, uint32_t dim, uint32_t inh_off,
                uint32_t inh_n)
{
    struct sr_system *s = L->sys;
    struct sr_indicator ind;
    char owner[96];
    uint32_t off, cnt, idx;
    xmlNode *c;

    ind.id = attr(L, n, "id");
    ind.title = attr(L, n, "title");
    ind.line = line_of(n);
    ind.dim = dim;
    use_id(L, ind.id, ind.line);
    if (!ind.id)
        ind.id = "?";
    if (!ind.title)
        ind.title = "";
    snprintf(owner, sizeof(owner), _("indicator '%s'"), ind.id);
    if (!GROW(L, s->inds, s->n_inds, s->a_inds))
        return;
    idx = (uint32_t)s->n_inds++;

    /* Inherited conditions first, then this indicator's own: the
     * item copies the whole run. */
    off = (uint32_t)s->n_conds;
    copy_conds(L, inh_off, inh_n);
    for (c = n->children; c; c = c->next)
        if (is_cond(c))
            parse_cond(L, c, owner);
    cnt = (uint32_t)(s->n_conds - off);

    ind.item_first = (uint32_t)s->n_items;
    for (c = n->children; c && !L->nomem; c = c->next) {
        if (is_elem(c, "item"))
            parse_item(L, c, dim, idx, off, cnt);
        else if (is_elem(c, "group"))
            parse_group(L, c, dim, idx, off, cnt);
    }
    ind.item_n = (uint32_t)(s->n_items - ind.item_first);
    s->inds[idx] = ind;
}

static void
parse_dimension(struct loader *L, xmlNode *n)
{
    struct sr_system *s = L->sys;
    struct sr_dimension d;
    char owner[96];
    uint32_t off, cnt, idx;
    xmlNode *c;

    d.id = attr(L, n, "id");
    d.title = attr(L, n, "title");
    d.line = line_of(n);
    use_id(L, d.id, d.line);
    if (!d.id)
        d.id = "?";
    if (!d.title)
        d.title = "";
    snprintf(owner, sizeof(owner), _("dimension '%s'"), d.id);
    if (!GROW(L, s->dims, s->n_dims, s->a_dims))
        return;
    idx = (uint32_t)s->n_dims++;

    off = (uint32_t)s->n_conds;
    for (c = n->children; c; c = c->next)
        if (is_cond(c))
            parse_cond(L, c, owner);
    cnt = (uint32_t)(s->n_conds - off);

    d.ind_first = (uint32_t)s->n_inds;
    d.item_first = (uint32_t)s->n_items;
    for (c = n->children; c && !L->nomem; c = c->next)
        if (is_elem(c, "indicator"))
            parse_indicator(L, c, idx, off, cnt);
    d.ind_n = (uint32_t)(s->n_inds - d.ind_first);
    d.item_n = (uint32_t)(s->n_items - d.item_first);
    s->dims[idx] = d;
}

static void
parse_stages(struct loader *L, xmlNode *n)
{
    xmlNode *c;

    for (c = n->children; c; c = c->next) {
        const char *name;
        int st;

        if (!is_elem(c, "stage"))
            continue;
        name = text_of(L, c);
        if (!name)
            continue;
        st = sr_stage_lookup(name);
        if (st < 0)
            continue; /* the schema reports unknown stages */
        if (L->sys->stages & (1u << st))
            report(L, line_of(c), _("stage '%s' is listed twice"), name);
        L->sys->stages |= 1u << st;
    }
}

static void
parse_grading(struct loader *L, xmlNode *n)
{
    struct sr_system *s = L->sys;
    const char *pass = attr(L, n, "pass");
    const char *months = attr(L, n, "valid-months");
    xmlNode *c;
    size_t cap = 0, i;
    long line = line_of(n);

    if (number(L, _("pass line"), _("grading"), pass, SR_POINTS_SCALE, line,
               &s->pass) &&
        (s->pass < 0 || s->pass > 10000))
        report(L, line, _("grading: pass line %s is outside 0..100"), pass);
    if (months) {
        int64_t m;

        if (sr_decimal_parse(months, 0, &m) == SR_OK && m >= 1 && m <= 120)
            s->valid_months = (int)m;
        else if (L->schema_ok)
            report(L, line,
                   _("grading: valid-months must be a whole number of months "
                     "1..120 (got '%s')"),
                   months);
    }
    for (c = n->children; c; c = c->next)
        if (is_elem(c, "band"))
            cap++;
    if (!cap)
        return;
    s->bands = calloc(cap, sizeof(*s->bands));
    if (!s->bands) {
        L->nomem = true;
        return;
    }
    for (c = n->children; c; c = c->next) {
        struct sr_band b;
        const char *minv, *colour;
        char owner[96];

        if (!is_elem(c, "band"))
            continue;
        b.id = attr(L, c, "id");
        b.label = attr(L, c, "label");
        colour = attr(L, c, "colour");
        minv = attr(L, c, "min");
        if (!b.id || !b.label || !colour || !minv)
            continue;
        snprintf(owner, sizeof(owner), _("band '%s'"), b.id);
        b.colour = name_index(colour_names, 4, colour);
        if (!number(L, _("min"), owner, minv, SR_POINTS_SCALE, line_of(c),
                    &b.min))
            continue;
        for (i = 0; i < s->n_bands; i++)
            if (!strcmp(s->bands[i].id, b.id))
                report(L, line_of(c), _("duplicate band id '%s'"), b.id);
        if (b.min < 0 || b.min > 10000)
            report(L, line_of(c), _("%s: min %s is outside 0..100"), owner,
                   minv);
        else if (s->n_bands && b.min >= s->bands[s->n_bands - 1].min)
            report(L, line_of(c),
                   _("%s: bands must be listed best first with strictly "
                     "descending min (%s is not below the previous band's)"),
                   owner, minv);
        s->bands[s->n_bands++] = b;
    }
    if (s->n_bands && s->bands[s->n_bands - 1].min != 0)
        report(L, line,
               _("grading: the last band ('%s') must have min=\"0\" so that "
                 "the bands cover 0..100"),
               s->bands[s->n_bands - 1].id);
}

/* baseline-unassessed (format 2): the four-100% elements the system
 * declares it does not evidence, a space-separated list of their names.
 * Each name is known and given once; an empty list is refused (the
 * attribute would declare nothing).  All four may be declared: a table
 * with no security rows still scores, and its schools show 未评估 on
 * every element rather than a failure the table cannot show. */
static void
parse_unassessed(struct loader *L, xmlNode *root, const char *owner)
{
    const char *v = attr(L, root, "baseline-unassessed");
    char name[64];
    size_t n;
    int e, named = 0;

    if (!v || !need_format2(L, line_of(root), owner,
                            _("unassessed baseline elements")))
        return;
    while (*v) {
        v += strspn(v, " \t\r\n");
        n = strcspn(v, " \t\r\n");
        if (!n)
            break;
        snprintf(name, sizeof(name), "%.*s", (int)n, v);
        v += n;
        named++;
        e = name_index(baseline_names, SR_BASELINE_COUNT, name);
        if (e < 0)
            report(L, line_of(root),
                   _("%s: baseline-unassessed: unknown element '%s' "
                     "(expected guards, closed-campus, alarm-video or "
                     "protection-posts)"),
                   owner, name);
        else if (L->sys->unassessed & (1u << e))
            report(L, line_of(root),
                   _("%s: baseline-unassessed names '%s' twice"), owner,
                   name);
        else
            L->sys->unassessed |= 1u << e;
    }
    if (!named)
        report(L, line_of(root), _("%s: baseline-unassessed names no element"),
               owner);
}

/* Every element is evidenced by a tagged item, or declared unassessed;
 * never both (a tagged item contradicts the declaration). */
static void
check_baseline(struct loader *L, long line)
{
    bool tagged[SR_BASELINE_COUNT] = {false};
    const struct sr_item *it;
    size_t i;
    int e;

    for (i = 0; i < L->sys->n_items && i < MAX_ITEMS; i++) {
        it = &L->sys->items[i];
        if (it->baseline < 0)
            continue;
        tagged[it->baseline] = true;
        if (L->sys->unassessed & (1u << it->baseline))
            report(L, it->line,
                   _("item '%s': tagged baseline=\"%s\", an element the "
                     "system declares unassessed (baseline-unassessed)"),
                   it->id, baseline_names[it->baseline]);
    }
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (!tagged[e] && !(L->sys->unassessed & (1u << e)))
            report(L, line,
                   _("system '%s': no item is tagged baseline=\"%s\" (%s); "
                     "every system must evidence all four baseline elements"),
                   L->sys->id ? L->sys->id : "?", baseline_names[e],
                   baseline_labels[e]);
}

/* A system attribute worth points (total, bonus-cap: format 2): at
 * most 2 decimals, greater than 0; 0 when absent or refused. */
static int64_t
system_points(struct loader *L, xmlNode *root, const char *name,
              const char *owner, const char *what)
{
    const char *v = attr(L, root, name);
    int64_t p = 0;

    if (!v)
        return 0;
    if (!need_format2(L, line_of(root), owner, what) ||
        !number(L, name, owner, v, SR_POINTS_SCALE, line_of(root), &p))
        return 0;
    if (p <= 0 || p > (int64_t)MAX_POINTS * 100) {
        report(L, line_of(root),
               _("%s: %s must be greater than 0 and at most 1000000 "
                 "(got '%s')"),
               owner, name, v);
        return 0;
    }
    return p;
}

/* The declared paper total and the bonus cap against the items: the
 * points that are not bonus add up to total (a typing check: the total
 * is normalised to 100 from the applicable points all the same), and a
 * cap goes with bonus items. */
static void
check_totals(struct loader *L, xmlNode *root, const char *owner)
{
    struct sr_system *s = L->sys;
    int64_t sum = 0;
    size_t i, bonus = 0;
    char a[32], b[32];

    for (i = 0; i < s->n_items && i < MAX_ITEMS; i++) {
        if (s->items[i].bonus)
            bonus++;
        else
            sum += s->items[i].points;
    }
    if (s->total && sum != s->total) {
        sr_decimal_format(sum, SR_POINTS_SCALE, 0, a, sizeof(a));
        sr_decimal_format(s->total, SR_POINTS_SCALE, 0, b, sizeof(b));
        report(L, line_of(root),
               _("%s: the items that are not bonus add up to %s points, not "
                 "total=\"%s\""),
               owner, a, b);
    }
    if (bonus && !s->bonus_cap && L->format >= 2)
        report(L, line_of(root),
               _("%s: bonus items (附加分) need bonus-cap, the most bonus "
                 "points counted"),
               owner);
    if (!bonus && s->bonus_cap)
        report(L, line_of(root),
               _("%s: bonus-cap is given but no item is a bonus item"), owner);
}

static void
parse_system(struct loader *L, xmlNode *root)
{
    struct sr_system *s = L->sys;
    const char *fmt;
    char owner[96];
    xmlNode *c;

    s->id = (char *)attr(L, root, "id");
    s->version = (char *)attr(L, root, "version");
    s->title = (char *)attr(L, root, "title");
    /* Read first: every construct below checks it.  The schema has
     * reported any other value. */
    fmt = attr(L, root, "format");
    if (fmt && strcmp(fmt, "1") && strcmp(fmt, "2"))
        return; /* a format we do not know: its rules are not ours */
    L->format = s->format = fmt && !strcmp(fmt, "2") ? 2 : 1;
    snprintf(owner, sizeof(owner), _("system '%s'"), s->id ? s->id : "?");
    s->total = system_points(L, root, "total", owner, _("declared totals"));
    s->bonus_cap = system_points(L, root, "bonus-cap", owner,
                                 _("bonus caps"));
    parse_unassessed(L, root, owner);
    for (c = root->children; c && !L->nomem; c = c->next) {
        if (is_elem(c, "stages"))
            parse_stages(L, c);
        else if (is_elem(c, "description"))
            s->description = (char *)text_of(L, c);
        else if (is_elem(c, "basis"))
            s->basis = (char *)text_of(L, c);
        else if (is_elem(c, "grading") && !s->bands)
            parse_grading(L, c); /* a second one: the schema reports it */
        else if (is_elem(c, "dimension"))
            parse_dimension(L, c);
    }
    if (L->nomem)
        return;
    check_ids(L);
    check_baseline(L, line_of(root));
    check_totals(L, root, owner);
}

/* ------------------------------------------------------------------ */
/* libxml2 plumbing                                                     */
/* ------------------------------------------------------------------ */

/* Remove every "{urn:schoolrisk:indicators:1}" from a schema message:
 * the namespace is noise to the people who maintain indicator files. */
static void
strip_ns(char *m)
{
    static const char pat[] = "{" SR_NS "}";
    char *p;

    while ((p = strstr(m, pat)))
        memmove(p, p + sizeof(pat) - 1, strlen(p + sizeof(pat) - 1) + 1);
}

/* The nearest element at or above n that has an id attribute. */
static const xmlNode *
owner_with_id(const xmlNode *n, const char **id)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        const xmlAttr *a;

        for (a = n->properties; a; a = a->next)
            if (xmlStrEqual(a->name, (const xmlChar *)"id") && a->children &&
                a->children->content) {
                *id = (const char *)a->children->content;
                return n;
            }
    }
    return NULL;
}

static void
on_xml_error(void *ctx, xmlErrorPtr e)
{
    struct loader *L = ctx;
    const xmlNode *owner = NULL;
    const char *owner_id = NULL;
    const char *kind;
    char *msg;
    size_t n;
    long line;

    if (!e || e->level == XML_ERR_WARNING || e->level == XML_ERR_NONE)
        return;
    if (L->xml_errors++ >= MAX_XML_ERRORS) {
        L->truncated = true;
        return;
    }
    msg = sr_strdup(e->message ? e->message : "unknown error");
    if (!msg) {
        L->nomem = true;
        return;
    }
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    strip_ns(msg);
    /* Do not suggest the option that disables the depth limit. */
    {
        char *h = strstr(msg, " use XML_PARSE_HUGE option");

        if (h)
            *h = '\0';
    }
    line = e->line;
    if (e->domain == XML_FROM_SCHEMASV) {
        kind = _("does not match the schema");
        if (e->node) {
            line = (long)xmlGetLineNo(e->node);
            owner = owner_with_id(e->node, &owner_id);
        }
    } else {
        kind = _("not well-formed XML");
    }
    if (owner)
        /* TRANSLATORS: "does not match the schema", libxml2's message
           (English), the element's name (item) and its id. */
        report(L, line, _("%s: %s (in %s '%s')"), kind, msg,
               (const char *)owner->name, owner_id);
    else
        report(L, line, _("%s: %s"), kind, msg);
    free(msg);
}

static void
ignore_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* The first occurrence of pat in buf[0, len), or NULL.  The buffer is
 * not NUL-terminated (it comes from a caller or a fuzzer). */
static const char *
find_bytes(const char *buf, size_t len, const char *pat)
{
    size_t m = strlen(pat), i;

    for (i = 0; i + m <= len; i++)
        if (buf[i] == pat[0] && !memcmp(buf + i, pat, m))
            return buf + i;
    return NULL;
}

/* Bytes gate: what must be refused before libxml2 sees the file. */
static void
check_bytes(struct loader *L, const char *buf, size_t len)
{
    size_t bad;
    const char *p;

    if (memchr(buf, '\0', len)) {
        report(L, sr_line_of(buf, (size_t)((const char *)memchr(buf, '\0',
                                                                len) - buf)),
               _("file contains a NUL byte"));
        return;
    }
    if (!sr_utf8_valid(buf, len, &bad)) {
        report(L, sr_line_of(buf, bad),
               _("invalid UTF-8 at byte %zu; indicator files must be UTF-8"),
               bad + 1);
        return;
    }
    p = find_bytes(buf, len, "<!DOCTYPE");
    if (!p)
        p = find_bytes(buf, len, "<!ENTITY");
    if (p)
        report(L, sr_line_of(buf, (size_t)(p - buf)),
               _("DOCTYPE and ENTITY declarations are not allowed in indicator "
                 "files"));
}

/* The compiled schema, built once per process: compiling it costs more
 * than loading a whole indicator file.  A compiled schema is read-only
 * while validating, so threads may share it (each has its own
 * validation context).  It lives until the process ends. */
static xmlSchemaPtr compiled_schema;
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static void
compile_schema(void)
{
    xmlSchemaParserCtxtPtr pctx;

    pctx = xmlSchemaNewMemParserCtxt(sr_xsd_data, (int)sr_xsd_data_size);
    if (!pctx)
        return;
    compiled_schema = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
}

static void
validate_schema(struct loader *L, xmlDoc *doc)
{
    xmlSchemaValidCtxtPtr vctx = NULL;
    int rc;

    pthread_once(&schema_once, compile_schema);
    /* The schema is compiled in: failing to build it is our bug or an
     * allocation failure, not the user's input. */
    if (!compiled_schema) {
        L->nomem = true;
        return;
    }
    vctx = xmlSchemaNewValidCtxt(compiled_schema);
    if (!vctx) {
        L->nomem = true;
        return;
    }
    xmlSchemaSetValidStructuredErrors(vctx, on_xml_error, L);
    rc = xmlSchemaValidateDoc(vctx, doc);
    if (rc == 0)
        L->schema_ok = true;
    else if (!L->failed)
        report(L, 0, _("does not match the schema"));
    xmlSchemaFreeValidCtxt(vctx);
}

struct id_index {
    const char *id;
    uint32_t idx;
};

static int
cmp_id_index(const void *a, const void *b)
{
    return strcmp(((const struct id_index *)a)->id,
                  ((const struct id_index *)b)->id);
}

/* Fill sys->by_id: item indices in id order, for binary search. */
static sr_error
build_id_index(struct sr_system *sys)
{
    struct id_index *tmp;
    size_t n = sys->n_items, i;

    sys->by_id = malloc((n ? n : 1) * sizeof(*sys->by_id));
    tmp = malloc((n ? n : 1) * sizeof(*tmp));
    if (!sys->by_id || !tmp) {
        free(tmp);
        return SR_ERR_NOMEM;
    }
    for (i = 0; i < n; i++) {
        tmp[i].id = sys->items[i].id;
        tmp[i].idx = (uint32_t)i;
    }
    if (n > 1)
        qsort(tmp, n, sizeof(*tmp), cmp_id_index);
    for (i = 0; i < n; i++)
        sys->by_id[i] = tmp[i].idx;
    free(tmp);
    return SR_OK;
}

/* Put this file's diagnostics (from index n0 on) in line order; the
 * whole-document checks (duplicate ids, baseline coverage) run last but
 * read best where they occur.  Insertion sort: stable, and short lists. */
static void
sort_diags(struct sr_diags *d, size_t n0)
{
    size_t i, j;

    for (i = n0 + 1; i < d->n; i++) {
        struct sr_diag v = d->v[i];

        for (j = i; j > n0 && d->v[j - 1].line > v.line; j--)
            d->v[j] = d->v[j - 1];
        d->v[j] = v;
    }
}

sr_error
sr_system_load_memory(const char *name, const char *buf, size_t len,
                      struct sr_system **out, struct sr_diags *diags)
{
    struct loader L;
    xmlParserCtxtPtr ctxt = NULL;
    xmlDoc *doc = NULL;
    xmlNode *root;
    xmlStructuredErrorFunc old_s = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_g = xmlGenericError;
    void *old_gctx = xmlGenericErrorContext;
    sr_error rc = SR_OK;
    size_t n0;

    memset(&L, 0, sizeof(L));
    n0 = diags->n;
    L.name = name;
    L.diags = diags;
    L.sys = calloc(1, sizeof(*L.sys));
    if (!L.sys)
        return SR_ERR_NOMEM;
    L.sys->refs = 1;
    sr_arena_init(&L.sys->arena);
    L.sys->source = sr_arena_strdup(&L.sys->arena, name);
    if (!L.sys->source) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (len > SR_SYSTEM_MAX_BYTES) {
        report(&L, 0, _("file is larger than the limit of %u MiB"),
               SR_SYSTEM_MAX_BYTES >> 20);
        rc = L.nomem ? SR_ERR_NOMEM : SR_ERR_TOO_LARGE;
        goto cleanup;
    }
    check_bytes(&L, buf, len);
    if (L.failed || L.nomem)
        goto done;

    xmlSetStructuredErrorFunc(&L, on_xml_error);
    xmlSetGenericErrorFunc(NULL, ignore_generic);
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        L.nomem = true;
        goto done;
    }
    doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    if (!doc) {
        if (!L.failed)
            report(&L, 0, _("not well-formed XML"));
        goto done;
    }
    if (doc->intSubset || doc->extSubset) {
        report(&L, 0, _("DOCTYPE declarations are not allowed"));
        goto done;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !is_elem(root, "system")) {
        report(&L, root ? line_of(root) : 0,
               _("root element must be <system xmlns=\"%s\">"), SR_NS);
        goto done;
    }
    validate_schema(&L, doc);
    if (L.nomem)
        goto done;
    parse_system(&L, root);

done:
    xmlSetStructuredErrorFunc(old_sctx, old_s);
    xmlSetGenericErrorFunc(old_gctx, old_g);
    if (L.nomem) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (L.failed) {
        rc = SR_ERR_INPUT;
        goto cleanup;
    }
    rc = build_id_index(L.sys);
    if (rc != SR_OK)
        goto cleanup;
    *out = L.sys;
    L.sys = NULL;

cleanup:
    sort_diags(diags, n0);
    /* After sorting: the note belongs after the errors it refers to. */
    if (L.truncated && sr_diags_add(diags, name, 0,
                                    _("too many errors, the rest are not "
                                      "shown")) != SR_OK)
        rc = SR_ERR_NOMEM;
    free(L.ids);
    sr_system_free(L.sys);
    if (doc)
        xmlFreeDoc(doc);
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    return rc;
}

sr_error
sr_system_load_file(const char *path, struct sr_system **out,
                    struct sr_diags *diags)
{
    char *buf = NULL;
    size_t len = 0;
    sr_error rc;

    rc = sr_read_file(path, SR_SYSTEM_MAX_BYTES, &buf, &len);
    if (rc == SR_ERR_TOO_LARGE) {
        if (sr_diags_add(diags, path, 0,
                         _("file is larger than the limit of %u MiB"),
                         SR_SYSTEM_MAX_BYTES >> 20) != SR_OK)
            rc = SR_ERR_NOMEM;
        return rc;
    }
    if (rc == SR_ERR_IO) {
        int e = errno;

        if (sr_diags_add(diags, path, 0, _("cannot read file: %s"),
                         strerror(e)) != SR_OK)
            rc = SR_ERR_NOMEM;
        return rc;
    }
    if (rc != SR_OK)
        return rc;
    rc = sr_system_load_memory(path, buf, len, out, diags);
    free(buf);
    return rc;
}

struct sr_system *
sr_system_ref(const struct sr_system *sys)
{
    /* The model is immutable; only the count changes. */
    struct sr_system *s = (struct sr_system *)sys;

    s->refs++;
    return s;
}

void
sr_system_free(struct sr_system *sys)
{
    if (!sys || --sys->refs > 0)
        return;
    free(sys->bands);
    free(sys->dims);
    free(sys->inds);
    free(sys->items);
    free(sys->conds);
    free(sys->levels);
    free(sys->steps);
    free(sys->req);
    free(sys->reasons);
    free(sys->gsteps);
    free(sys->by_id);
    sr_arena_release(&sys->arena);
    free(sys);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                            */
/* ------------------------------------------------------------------ */

const char *sr_system_id(const struct sr_system *s) { return s->id; }
const char *sr_system_version(const struct sr_system *s)
{
    return s->version;
}
const char *sr_system_title(const struct sr_system *s) { return s->title; }
int sr_system_format(const struct sr_system *s) { return s->format; }

bool
sr_system_baseline_unassessed(const struct sr_system *s, int element)
{
    return s && element >= 0 && element < SR_BASELINE_COUNT &&
           (s->unassessed & (1u << element));
}
const char *sr_system_description(const struct sr_system *s)
{
    return s->description;
}
const char *sr_system_basis(const struct sr_system *s) { return s->basis; }
const char *sr_system_source(const struct sr_system *s) { return s->source; }
uint32_t sr_system_stages(const struct sr_system *s) { return s->stages; }
int64_t sr_system_pass_line(const struct sr_system *s) { return s->pass; }
int64_t sr_system_total(const struct sr_system *s) { return s->total; }
int64_t sr_system_bonus_cap(const struct sr_system *s)
{
    return s->bonus_cap;
}
int sr_system_valid_months(const struct sr_system *s)
{
    return s->valid_months;
}

const struct sr_band *
sr_system_bands(const struct sr_system *s, size_t *n)
{
    *n = s->n_bands;
    return s->bands;
}

const struct sr_dimension *
sr_system_dimensions(const struct sr_system *s, size_t *n)
{
    *n = s->n_dims;
    return s->dims;
}

const struct sr_indicator *
sr_system_indicators(const struct sr_system *s, size_t *n)
{
    *n = s->n_inds;
    return s->inds;
}

const struct sr_item *
sr_system_items(const struct sr_system *s, size_t *n)
{
    *n = s->n_items;
    return s->items;
}

const struct sr_cond *sr_system_conds(const struct sr_system *s)
{
    return s->conds;
}
const struct sr_level *sr_system_levels(const struct sr_system *s)
{
    return s->levels;
}
const struct sr_step *sr_system_steps(const struct sr_system *s)
{
    return s->steps;
}
const struct sr_req_step *sr_system_req_steps(const struct sr_system *s)
{
    return s->req;
}
const struct sr_reason *sr_system_reasons(const struct sr_system *s)
{
    return s->reasons;
}
const struct sr_group_step *sr_system_group_steps(const struct sr_system *s)
{
    return s->gsteps;
}

long
sr_system_find_item(const struct sr_system *s, const char *id)
{
    size_t lo = 0, hi = s->n_items;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->items[s->by_id[mid]].id, id);

        if (c == 0)
            return (long)s->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* Conditions and derived requirements                                  */
/* ------------------------------------------------------------------ */

/* Entries a term spans after its head: 0 for a comparison. */
static uint32_t
cond_span(const struct sr_cond *c)
{
    return c->op >= SR_OP_ANY ? (uint32_t)c->value : 0;
}

static bool
cond_holds(const struct sr_cond *c, const struct sr_school *school)
{
    const struct sr_cond *k, *end;
    int64_t v;

    if (c->op >= SR_OP_ANY) {
        end = c + 1 + cond_span(c);
        for (k = c + 1; k < end; k += 1 + cond_span(k)) {
            bool h = cond_holds(k, school);

            if (c->op == SR_OP_NOT)
                return !h;
            if (h == (c->op == SR_OP_ANY))
                return h;
        }
        /* any: none held; all: every one held. */
        return c->op == SR_OP_ALL;
    }
    v = school->attr[c->attr];
    switch (c->op) {
    case SR_OP_EQ:
        return v == c->value;
    case SR_OP_NE:
        return v != c->value;
    case SR_OP_IN:
        return v >= 0 && v < 63 && ((c->value >> v) & 1);
    case SR_OP_GE:
        return v >= c->value;
    case SR_OP_GT:
        return v > c->value;
    case SR_OP_LE:
        return v <= c->value;
    case SR_OP_LT:
        return v < c->value;
    default:
        break;
    }
    return false;
}

long
sr_item_failing_cond(const struct sr_system *sys, const struct sr_item *it,
                     const struct sr_school *school)
{
    const struct sr_cond *c;
    uint32_t i;

    if (!it->cond_n)
        return -1; /* and conds may be NULL in a system without any */
    c = &sys->conds[it->cond_off];
    for (i = 0; i < it->cond_n; i += 1 + cond_span(&c[i]))
        if (!cond_holds(&c[i], school))
            return (long)(it->cond_off + i);
    return -1;
}

bool
sr_item_applies(const struct sr_system *sys, const struct sr_item *it,
                const struct sr_school *school)
{
    return sr_item_failing_cond(sys, it, school) < 0;
}

int64_t
sr_item_required(const struct sr_system *sys, const struct sr_item *it,
                 const struct sr_school *school)
{
    const struct sr_req_step *st, *best = NULL;
    int64_t x;
    uint32_t i;

    if ((it->method != SR_METHOD_RATIO && it->method != SR_METHOD_DEDUCT) ||
        it->req_attr < 0 || !it->opt_n)
        return 0;
    x = school->attr[it->req_attr];
    st = &sys->req[it->opt_off];
    for (i = 0; i < it->opt_n; i++)
        if (st[i].from <= x)
            best = &st[i];
    if (!best)
        return 0; /* unreachable: the first step starts at 0 */
    if (best->every > 0)
        return best->value + (x - best->from) / best->every * best->add;
    return best->value;
}

/* ------------------------------------------------------------------ */
/* Descriptions for people                                              */
/* ------------------------------------------------------------------ */

static void
fmt4(int64_t v, char *buf, size_t size)
{
    sr_decimal_format(v, SR_FRACTION_SCALE, 0, buf, size);
}

/* "actual (required by enrollment: >=0:2|>=1000:3+1/500)". */
static sr_error
required_choices(struct sr_buf *b, const struct sr_system *sys,
                 const struct sr_item *it, const char *what)
{
    char x[32], y[32];
    uint32_t i;
    sr_error rc;

    rc = sr_buf_addf(b, "%s (required by %s: ", what,
                     sr_attr_name(it->req_attr));
    for (i = 0; i < it->opt_n && rc == SR_OK; i++) {
        const struct sr_req_step *st = &sys->req[it->opt_off + i];

        fmt4(st->value, x, sizeof(x));
        rc = sr_buf_addf(b, "%s>=%lld:%s", i ? "|" : "",
                         (long long)st->from, x);
        if (rc == SR_OK && st->every) {
            fmt4(st->add, y, sizeof(y));
            rc = sr_buf_addf(b, "+%s/%lld", y, (long long)st->every);
        }
    }
    return rc == SR_OK ? sr_buf_addf(b, ")") : rc;
}

/* A group's points by its failed sub-items: "failed 0:15分|1:10分|
 * 2:5分|3+:0分", or "failed 0:15分|each:-2分"; "; zeroed by X" for each
 * sub-item that zeroes it. */
static sr_error
group_choices(struct sr_buf *b, const struct sr_system *sys,
              const struct sr_item *it)
{
    /* No steps at all (NULL) when every group deducts: NULL + 0 is
     * undefined, so the pointer is made only for a group with steps. */
    const struct sr_group_step *st =
        it->rule == SR_GROUP_FAILED ? sys->gsteps + it->opt_off : NULL;
    char x[32];
    uint32_t i;
    sr_error rc;

    sr_decimal_format(it->points, SR_POINTS_SCALE, 0, x, sizeof(x));
    rc = sr_buf_addf(b, "failed 0:%s分", x);
    if (it->rule == SR_GROUP_DEDUCT) {
        sr_decimal_format(it->per, SR_POINTS_SCALE, 0, x, sizeof(x));
        rc = rc == SR_OK ? sr_buf_addf(b, "|each:-%s分", x) : rc;
    }
    for (i = 0; it->rule == SR_GROUP_FAILED && i < it->opt_n && rc == SR_OK;
         i++) {
        sr_decimal_format(st[i].points, SR_POINTS_SCALE, 0, x, sizeof(x));
        rc = sr_buf_addf(b, "|%lld%s:%s分", (long long)st[i].failed,
                         i + 1 == it->opt_n ? "+" : "", x);
    }
    for (i = 1; i <= it->members && rc == SR_OK; i++) {
        const struct sr_item *m = it + i;

        if (m->zeroes)
            rc = sr_buf_addf(b, "; zeroed by %s", m->id);
    }
    return rc;
}

char *
sr_item_choices(const struct sr_system *sys, const struct sr_item *it)
{
    struct sr_buf b;
    char x[32], y[32];
    uint32_t i;
    sr_error rc = SR_OK;

    sr_buf_init(&b);
    switch (it->method) {
    case SR_METHOD_CHECK:
        rc = sr_buf_addf(&b, "pass:1|fail:0");
        /* A sub-item's failure counts in its group, or zeroes it. */
        if (rc == SR_OK && it->group >= 0)
            rc = sr_buf_addf(&b, it->zeroes ? " (fail: %s earns 0)" :
                                              " (fail counts in %s)",
                             sys->items[it->group].id);
        break;
    case SR_METHOD_LEVELS:
        /* Levels given in points show their points (15分), as the
         * paper table does, not a rounded fraction. */
        for (i = 0; i < it->opt_n && rc == SR_OK; i++) {
            const struct sr_level *lv = &sys->levels[it->opt_off + i];

            if (lv->points >= 0)
                sr_decimal_format(lv->points, SR_POINTS_SCALE, 0, x,
                                  sizeof(x));
            else
                fmt4(lv->fraction, x, sizeof(x));
            rc = sr_buf_addf(&b, "%s%s:%s%s", i ? "|" : "", lv->value, x,
                             lv->points >= 0 ? "分" : "");
            /* A declared hazard: what this answer raises, if anything. */
            if (rc == SR_OK && lv->hazard >= 0)
                rc = sr_buf_addf(&b, "(%s)", sr_hazard_label(lv->hazard));
        }
        break;
    case SR_METHOD_THRESHOLD:
        if (!it->lower_better) {
            for (i = it->opt_n; i-- > 0 && rc == SR_OK;) {
                const struct sr_step *st = &sys->steps[it->opt_off + i];

                fmt4(st->at, x, sizeof(x));
                fmt4(st->fraction, y, sizeof(y));
                rc = sr_buf_addf(&b, ">=%s:%s|", x, y);
            }
        } else {
            for (i = 0; i < it->opt_n && rc == SR_OK; i++) {
                const struct sr_step *st = &sys->steps[it->opt_off + i];

                fmt4(st->at, x, sizeof(x));
                fmt4(st->fraction, y, sizeof(y));
                rc = sr_buf_addf(&b, "<=%s:%s|", x, y);
            }
        }
        if (rc == SR_OK)
            rc = sr_buf_addf(&b, "else:0");
        break;
    case SR_METHOD_DEDUCT:
        if (sr_item_by_shortfall(it)) {
            rc = required_choices(&b, sys, it, "actual");
            sr_decimal_format(it->per, SR_POINTS_SCALE, 0, x, sizeof(x));
            if (rc == SR_OK)
                rc = sr_buf_addf(&b, ":-%s each one short", x);
            break;
        }
        for (i = 0; i < it->opt_n && rc == SR_OK; i++) {
            const struct sr_reason *r = &sys->reasons[it->opt_off + i];

            sr_decimal_format(r->per, SR_POINTS_SCALE, 0, x, sizeof(x));
            rc = sr_buf_addf(&b, "%s%s=count:-%s each", i ? "|" : "",
                             r->value, x);
        }
        if (it->opt_n)
            break;
        sr_decimal_format(it->per, SR_POINTS_SCALE, 0, x, sizeof(x));
        rc = sr_buf_addf(&b, "count:-%s each", x);
        break;
    case SR_METHOD_RATIO:
        if (it->req_attr < 0) {
            rc = sr_buf_addf(&b, "actual/required");
            break;
        }
        rc = required_choices(&b, sys, it, "actual");
        break;
    case SR_METHOD_GROUP:
        rc = group_choices(&b, sys, it);
        break;
    default:
        break;
    }
    if (rc == SR_OK && it->allow_na)
        rc = sr_buf_addf(&b, "|na");
    if (rc != SR_OK) {
        sr_buf_release(&b);
        return NULL;
    }
    return sr_buf_detach(&b);
}

/* Append one comparison: "enrollment>=1000", "locale in town|rural". */
static sr_error
format_leaf(struct sr_buf *b, const struct sr_cond *c)
{
    const char *an = sr_attr_name(c->attr);
    char v[32];
    sr_error rc;
    int k, first = 1;

    if (c->op != SR_OP_IN) {
        sr_attr_format(c->attr, c->value, v, sizeof(v));
        return sr_buf_addf(b, "%s%s%s", an, op_symbols[c->op], v);
    }
    rc = sr_buf_addf(b, "%s in ", an);
    for (k = 0; k < 63 && rc == SR_OK; k++) {
        if (!((c->value >> k) & 1))
            continue;
        sr_attr_format(c->attr, k, v, sizeof(v));
        rc = sr_buf_addf(b, "%s%s", first ? "" : "|", v);
        first = 0;
    }
    return rc;
}

/* Append one term; joined terms in words, "(a or b)", "(a and b)",
 * "not (a)", so that a reader needs no notation for them. */
static sr_error
format_term(struct sr_buf *b, const struct sr_cond *c)
{
    const struct sr_cond *k, *end;
    sr_error rc;

    if (c->op < SR_OP_ANY)
        return format_leaf(b, c);
    if (c->op == SR_OP_NOT) {
        /* "not (locale=urban)": the parentheses say how far not reaches
         * ("not (a or b)" gets them from its term). */
        bool leaf = c->value && c[1].op < SR_OP_ANY;

        rc = sr_buf_addf(b, leaf ? "not (" : "not ");
        if (rc == SR_OK && c->value)
            rc = format_term(b, c + 1);
        return rc == SR_OK && leaf ? sr_buf_add(b, ")", 1) : rc;
    }
    rc = sr_buf_add(b, "(", 1);
    end = c + 1 + cond_span(c);
    for (k = c + 1; k < end && rc == SR_OK; k += 1 + cond_span(k)) {
        if (k > c + 1)
            rc = sr_buf_addf(b, c->op == SR_OP_ANY ? " or " : " and ");
        if (rc == SR_OK)
            rc = format_term(b, k);
    }
    return rc == SR_OK ? sr_buf_add(b, ")", 1) : rc;
}

char *
sr_conds_format(const struct sr_system *sys, uint32_t off, uint32_t n)
{
    struct sr_buf b;
    sr_error rc = SR_OK;
    uint32_t i;

    sr_buf_init(&b);
    for (i = 0; i < n && rc == SR_OK;
         i += 1 + cond_span(&sys->conds[off + i])) {
        if (i)
            rc = sr_buf_add(&b, ";", 1);
        if (rc == SR_OK)
            rc = format_term(&b, &sys->conds[off + i]);
    }
    if (rc != SR_OK) {
        sr_buf_release(&b);
        return NULL;
    }
    return sr_buf_detach(&b);
}

/* ------------------------------------------------------------------ */
/* Catalogs                                                             */
/* ------------------------------------------------------------------ */

struct sr_catalog {
    struct sr_system **v;
    size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n > m && !strcmp(s + n - m, suffix);
}

/* The sorted names of the "*.xml" entries of dir. */
static sr_error
list_xml(const char *dir, char ***out, size_t *n_out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = NULL;
    size_t n = 0, a = 0, dirlen = strlen(dir);
    sr_error rc = SR_OK;

    if (!d)
        return SR_ERR_IO;
    while (dirlen > 1 && dir[dirlen - 1] == '/')
        dirlen--;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".xml"))
            continue;
        if (n == a) {
            size_t na = a ? a * 2 : 16;
            char **nv = realloc(v, na * sizeof(*nv));

            if (!nv) {
                rc = SR_ERR_NOMEM;
                break;
            }
            v = nv;
            a = na;
        }
        /* "dir/" and "dir" name the same files: no double slash. */
        v[n] = sr_asprintf("%.*s/%s", (int)dirlen, dir, de->d_name);
        if (!v[n]) {
            rc = SR_ERR_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc != SR_OK) {
        while (n)
            free(v[--n]);
        free(v);
        return rc;
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    *out = v;
    *n_out = n;
    return SR_OK;
}

sr_error
sr_catalog_load_dir(const char *dir, struct sr_catalog **out,
                    struct sr_diags *diags)
{
    struct sr_catalog *cat = NULL;
    char **files = NULL;
    size_t n_files = 0, i, j;
    sr_error rc;
    bool bad = false;
    int st;

    rc = list_xml(dir, &files, &n_files);
    if (rc == SR_ERR_IO) {
        int e = errno;

        if (sr_diags_add(diags, dir, 0, _("cannot read directory: %s"),
                         strerror(e)) != SR_OK)
            rc = SR_ERR_NOMEM;
        return rc;
    }
    if (rc != SR_OK)
        return rc;
    cat = calloc(1, sizeof(*cat));
    if (!cat || (n_files && !(cat->v = calloc(n_files, sizeof(*cat->v))))) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    for (i = 0; i < n_files; i++) {
        struct sr_system *s = NULL;
        sr_error r = sr_system_load_file(files[i], &s, diags);

        if (r == SR_ERR_NOMEM) {
            rc = r;
            goto cleanup;
        }
        if (r != SR_OK) {
            bad = true;
            continue;
        }
        for (j = 0; j < cat->n; j++) {
            if (!strcmp(cat->v[j]->id, s->id)) {
                if (sr_diags_add(diags, files[i], 0,
                                 _("system id '%s' is also used by '%s'"),
                                 s->id, cat->v[j]->source) != SR_OK) {
                    sr_system_free(s);
                    rc = SR_ERR_NOMEM;
                    goto cleanup;
                }
                bad = true;
            }
        }
        cat->v[cat->n++] = s;
    }
    if (n_files == 0) {
        if (sr_diags_add(diags, dir, 0,
                         _("no indicator files (*.xml) found")) != SR_OK) {
            rc = SR_ERR_NOMEM;
            goto cleanup;
        }
        bad = true;
    }
    /* Coverage is only meaningful when every file loaded. */
    for (st = 0; !bad && st < SR_STAGE_COUNT; st++) {
        const struct sr_system *first = NULL;

        for (j = 0; j < cat->n; j++) {
            if (!(cat->v[j]->stages & (1u << st)))
                continue;
            if (!first) {
                first = cat->v[j];
                continue;
            }
            if (sr_diags_add(diags, dir, 0,
                             _("stage '%s' is covered by two systems: '%s' "
                               "(%s) and '%s' (%s)"),
                             sr_stage_name(st), first->id, first->source,
                             cat->v[j]->id, cat->v[j]->source) != SR_OK) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            rc = SR_ERR_INPUT;
        }
        if (!first) {
            if (sr_diags_add(diags, dir, 0,
                             _("stage '%s' (%s) is not covered by any system"),
                             sr_stage_name(st), sr_stage_label(st)) != SR_OK) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            rc = SR_ERR_INPUT;
        }
    }
    if (bad)
        rc = SR_ERR_INPUT;
    if (rc == SR_OK) {
        *out = cat;
        cat = NULL;
    }

cleanup:
    sr_catalog_free(cat);
    for (i = 0; i < n_files; i++)
        free(files[i]);
    free(files);
    return rc;
}

void
sr_catalog_free(struct sr_catalog *cat)
{
    size_t i;

    if (!cat)
        return;
    for (i = 0; i < cat->n; i++)
        sr_system_free(cat->v[i]);
    free(cat->v);
    free(cat);
}

size_t
sr_catalog_count(const struct sr_catalog *cat)
{
    return cat->n;
}

const struct sr_system *
sr_catalog_get(const struct sr_catalog *cat, size_t i)
{
    return i < cat->n ? cat->v[i] : NULL;
}

const struct sr_system *
sr_catalog_find(const struct sr_catalog *cat, const char *id)
{
    size_t i;

    for (i = 0; i < cat->n; i++)
        if (!strcmp(cat->v[i]->id, id))
            return cat->v[i];
    return NULL;
}

const struct sr_system *
sr_catalog_for_stage(const struct sr_catalog *cat, int stage)
{
    size_t i;

    if (stage < 0 || stage >= SR_STAGE_COUNT)
        return NULL;
    for (i = 0; i < cat->n; i++)
        if (cat->v[i]->stages & (1u << stage))
            return cat->v[i];
    return NULL;
}
