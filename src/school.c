/*
 * school.c - the stage list, the school attribute vocabulary, and the
 * "key = value" school file.
 */
#include "schoolrisk/school.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/decimal.h"
#include "util.h"

static const struct {
    const char *name;
    const char *label;
} stages[SR_STAGE_COUNT] = {
    {"kindergarten", "幼儿园"},
    {"primary", "小学"},
    {"junior", "初中"},
    {"senior", "普通高中"},
    {"nine-year", "九年一贯制"},
    {"complete-secondary", "完全中学"},
    {"twelve-year", "十二年一贯制"},
    {"vocational", "中等职业学校"},
    {"special", "特殊教育学校"},
};

static const char *const ownership_names[] = {"public", "private", NULL};
static const char *const locale_names[] = {"urban", "town", "rural", NULL};
/* The same values as the registry writes them (an attribute may be
 * given either way). */
static const char *const ownership_labels[] = {"公办", "民办", NULL};
static const char *const locale_labels[] = {"城区", "镇区", "乡村", NULL};

static const struct {
    const char *name;
    enum sr_attr_kind kind;
    const char *expect;
} attrs[SR_ATTR_COUNT] = {
    {"stage", SR_KIND_ENUM,
     "kindergarten|primary|junior|senior|nine-year|complete-secondary|"
     "twelve-year|vocational|special or 幼儿园|小学|初中|普通高中|"
     "九年一贯制|完全中学|十二年一贯制|中等职业学校|特殊教育学校"},
    {"ownership", SR_KIND_ENUM, "public|private or 公办|民办"},
    {"locale", SR_KIND_ENUM, "urban|town|rural or 城区|镇区|乡村"},
    {"boarding", SR_KIND_FLAG, "true|false or 是|否"},
    {"school_bus", SR_KIND_FLAG, "true|false or 是|否"},
    {"canteen", SR_KIND_FLAG, "true|false or 是|否"},
    {"laboratory", SR_KIND_FLAG, "true|false or 是|否"},
    {"swimming_pool", SR_KIND_FLAG, "true|false or 是|否"},
    {"enrollment", SR_KIND_COUNT, N_("a whole number 0..10000000")},
    {"boarders", SR_KIND_COUNT, N_("a whole number 0..10000000")},
    {"special_needs", SR_KIND_COUNT, N_("a whole number 0..10000000")},
    {"staff", SR_KIND_COUNT, N_("a whole number 0..10000000")},
    {"population", SR_KIND_COUNT, N_("a whole number 0..10000000")},
    {"meal_delivery", SR_KIND_FLAG, "true|false or 是|否"},
    {"village_school", SR_KIND_FLAG, "true|false or 是|否"},
};

/* Every name of attrs[], in order, for the messages that list them
 * (kept out of the translated text, so that a new attribute changes no
 * translation; test_vocab checks it against the table). */
static const char known_names[] =
    "stage, ownership, locale, boarding, school_bus, canteen, laboratory, "
    "swimming_pool, enrollment, boarders, special_needs, staff, population, "
    "meal_delivery, village_school";

const char *
sr_stage_name(int stage)
{
    if (stage < 0 || stage >= SR_STAGE_COUNT)
        return NULL;
    return stages[stage].name;
}

const char *
sr_stage_label(int stage)
{
    if (stage < 0 || stage >= SR_STAGE_COUNT)
        return NULL;
    return stages[stage].label;
}

int
sr_stage_lookup(const char *name)
{
    int i;

    for (i = 0; i < SR_STAGE_COUNT; i++)
        if (strcmp(stages[i].name, name) == 0)
            return i;
    return -1;
}

const char *
sr_attr_name(int attr)
{
    if (attr < 0 || attr >= SR_ATTR_COUNT)
        return NULL;
    return attrs[attr].name;
}

int
sr_attr_lookup(const char *name)
{
    int i;

    for (i = 0; i < SR_ATTR_COUNT; i++)
        if (strcmp(attrs[i].name, name) == 0)
            return i;
    return -1;
}

const char *
sr_attr_known(void)
{
    return known_names;
}

bool
sr_attr_derived(int attr)
{
    return attr == SR_ATTR_POPULATION;
}

enum sr_attr_kind
sr_attr_kind(int attr)
{
    return attrs[attr].kind;
}

const char *
sr_attr_expect(int attr)
{
    if (attr < 0 || attr >= SR_ATTR_COUNT)
        return "";
    /* The names of an enumerated attribute stay as they are; a count's
     * description is English, marked with N_(). */
    return attrs[attr].kind == SR_KIND_COUNT ? _(attrs[attr].expect) :
                                               attrs[attr].expect;
}

static int
lookup_name(const char *const *names, const char *text)
{
    int i;

    for (i = 0; names[i]; i++)
        if (strcmp(names[i], text) == 0)
            return i;
    return -1;
}

sr_error
sr_attr_parse(int attr, const char *text, int64_t *out)
{
    int64_t v;
    int i, st;

    switch (sr_attr_kind(attr)) {
    case SR_KIND_ENUM:
        if (attr == SR_ATTR_STAGE) {
            i = sr_stage_lookup(text);
            for (st = 0; i < 0 && st < SR_STAGE_COUNT; st++)
                if (!strcmp(text, stages[st].label))
                    i = st;
        } else if (attr == SR_ATTR_OWNERSHIP) {
            i = lookup_name(ownership_names, text);
            if (i < 0)
                i = lookup_name(ownership_labels, text);
        } else {
            i = lookup_name(locale_names, text);
            if (i < 0)
                i = lookup_name(locale_labels, text);
        }
        if (i < 0)
            return SR_ERR_INPUT;
        *out = i;
        return SR_OK;
    case SR_KIND_FLAG:
        if (!strcmp(text, "true") || !strcmp(text, "1") ||
            !strcmp(text, "yes") || !strcmp(text, "是")) {
            *out = 1;
            return SR_OK;
        }
        if (!strcmp(text, "false") || !strcmp(text, "0") ||
            !strcmp(text, "no") || !strcmp(text, "否")) {
            *out = 0;
            return SR_OK;
        }
        return SR_ERR_INPUT;
    case SR_KIND_COUNT:
        if (*text == '-' || sr_decimal_parse(text, 0, &v) != SR_OK ||
            v > SR_COUNT_MAX)
            return SR_ERR_INPUT;
        *out = v;
        return SR_OK;
    }
    return SR_ERR_INPUT;
}

void
sr_attr_format(int attr, int64_t value, char *buf, size_t size)
{
    const char *s = NULL;

    switch (sr_attr_kind(attr)) {
    case SR_KIND_ENUM:
        if (attr == SR_ATTR_STAGE)
            s = sr_stage_name((int)value);
        else if (attr == SR_ATTR_OWNERSHIP && value >= 0 && value < 2)
            s = ownership_names[value];
        else if (attr == SR_ATTR_LOCALE && value >= 0 && value < 3)
            s = locale_names[value];
        snprintf(buf, size, "%s", s ? s : "?");
        return;
    case SR_KIND_FLAG:
        snprintf(buf, size, "%s", value ? "true" : "false");
        return;
    case SR_KIND_COUNT:
        snprintf(buf, size, "%lld", (long long)value);
        return;
    }
}

void
sr_school_derive(struct sr_school *s)
{
    /* Both are at most SR_COUNT_MAX, so the sum cannot overflow; it may
     * exceed SR_COUNT_MAX, which only a condition compares against. */
    s->attr[SR_ATTR_POPULATION] =
        s->attr[SR_ATTR_ENROLLMENT] + s->attr[SR_ATTR_STAFF];
}

void
sr_school_init(struct sr_school *s)
{
    memset(s, 0, sizeof(*s));
    s->attr[SR_ATTR_STAGE] = -1;
}

bool
sr_school_has_stage(const struct sr_school *s)
{
    return (s->set & (1u << SR_ATTR_STAGE)) != 0;
}

sr_error
sr_school_set(struct sr_school *s, const char *key, const char *value,
              struct sr_diags *diags, const char *file, long line)
{
    int a;
    int64_t v;

    if (!strcmp(key, "code") || !strcmp(key, "name") ||
        !strcmp(key, "district"))
        return SR_OK;
    a = sr_attr_lookup(key);
    if (a < 0) {
        if (sr_diags_add(diags, file, line,
                         _("unknown school attribute '%s' (known: %s)"), key,
                         known_names) != SR_OK)
            return SR_ERR_NOMEM;
        return SR_ERR_INPUT;
    }
    if (sr_attr_derived(a)) {
        if (sr_diags_add(diags, file, line,
                         _("school attribute '%s' cannot be given: it is "
                           "derived as 在校生数 + 教职工数 (enrollment + "
                           "staff); give those instead"),
                         key) != SR_OK)
            return SR_ERR_NOMEM;
        return SR_ERR_INPUT;
    }
    if (sr_attr_parse(a, value, &v) != SR_OK) {
        if (sr_diags_add(diags, file, line,
                         _("bad value '%s' for school attribute '%s' "
                           "(expected %s)"),
                         value, key, sr_attr_expect(a)) != SR_OK)
            return SR_ERR_NOMEM;
        return SR_ERR_INPUT;
    }
    s->attr[a] = v;
    s->set |= 1u << a;
    sr_school_derive(s);
    return SR_OK;
}

/* Trim ASCII blanks (and CR) at both ends, in place. */
static char *
trim(char *p)
{
    char *e;

    while (*p == ' ' || *p == '\t')
        p++;
    e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return p;
}

sr_error
sr_school_load_file(const char *path, struct sr_school *s,
                    struct sr_diags *diags)
{
    sr_error rc = SR_OK;
    char *buf = NULL;
    size_t len = 0, bad;
    char *line, *next;
    long lineno = 0;
    uint32_t seen = 0;

    sr_school_init(s);
    rc = sr_read_file(path, 1 << 20, &buf, &len);
    if (rc != SR_OK) {
        if (rc == SR_ERR_TOO_LARGE)
            rc = sr_diags_add(diags, path, 0,
                              _("school file is larger than 1 MiB")) ?
                     SR_ERR_NOMEM : SR_ERR_TOO_LARGE;
        goto cleanup;
    }
    if (strlen(buf) != len) {
        rc = sr_diags_add(diags, path, 0,
                          _("school file contains a NUL byte")) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
        goto cleanup;
    }
    if (!sr_utf8_valid(buf, len, &bad)) {
        rc = sr_diags_add(diags, path, sr_line_of(buf, bad),
                          _("invalid UTF-8 at byte %zu; save the file as "
                            "UTF-8"),
                          bad + 1) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
        goto cleanup;
    }
    line = buf;
    /* A UTF-8 byte order mark, as Windows editors write it. */
    if (!strncmp(line, "\xEF\xBB\xBF", 3))
        line += 3;
    for (; line; line = next) {
        char *eq, *key, *val;
        int a;
        sr_error r;

        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line = trim(line);
        if (*line == '\0' || *line == '#')
            continue;
        eq = strchr(line, '=');
        if (!eq) {
            if (sr_diags_add(diags, path, lineno,
                             _("expected 'key = value', got '%s'"), line)) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            rc = SR_ERR_INPUT;
            continue;
        }
        *eq = '\0';
        key = trim(line);
        val = trim(eq + 1);
        a = sr_attr_lookup(key);
        if (a >= 0 && (seen & (1u << a))) {
            if (sr_diags_add(diags, path, lineno,
                             _("school attribute '%s' is given twice"), key)) {
                rc = SR_ERR_NOMEM;
                goto cleanup;
            }
            rc = SR_ERR_INPUT;
            continue;
        }
        if (a >= 0)
            seen |= 1u << a;
        r = sr_school_set(s, key, val, diags, path, lineno);
        if (r == SR_ERR_NOMEM) {
            rc = r;
            goto cleanup;
        }
        if (r != SR_OK)
            rc = r;
    }
    if (!(seen & (1u << SR_ATTR_STAGE))) {
        rc = sr_diags_add(diags, path, 0,
                          _("school file does not give the stage "
                            "(add a line 'stage = primary', for example)")) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
    }

cleanup:
    free(buf);
    return rc;
}
