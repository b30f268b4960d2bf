/*
 * layout.c - report layout files (schoolrisk/layout.h).
 *
 * The registry of sheets and fields lives here, indexed by the enums of
 * layout.h, so that the names a bureau writes in a layout file and the
 * values the workbook writer knows how to fill cannot drift apart.  The
 * parser reports every bad row, not only the first, with its line.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/csv.h"
#include "schoolrisk/layout.h"
#include "util.h"

/* Layout files are a few dozen lines; anything near this is a mistake. */
#define LAYOUT_MAX_BYTES (1024 * 1024)
/* Longest heading and number format accepted, in bytes. */
#define HEADING_MAX 200
#define FORMAT_MAX 64

struct field_def {
    const char *name;
    int kind; /* enum sr_field_kind */
};

static const struct field_def school_fields[SR_FS_COUNT] = {
    [SR_FS_CODE] = {"code", SR_FIELD_TEXT},
    [SR_FS_NAME] = {"name", SR_FIELD_TEXT},
    [SR_FS_DISTRICT] = {"district", SR_FIELD_TEXT},
    [SR_FS_DISTRICT_NAME] = {"district_name", SR_FIELD_TEXT},
    [SR_FS_STAGE] = {"stage", SR_FIELD_TEXT},
    [SR_FS_OWNERSHIP] = {"ownership", SR_FIELD_TEXT},
    [SR_FS_LOCALE] = {"locale", SR_FIELD_TEXT},
    [SR_FS_BOARDING] = {"boarding", SR_FIELD_BOOL},
    [SR_FS_SCHOOL_BUS] = {"school_bus", SR_FIELD_BOOL},
    [SR_FS_CANTEEN] = {"canteen", SR_FIELD_BOOL},
    [SR_FS_LABORATORY] = {"laboratory", SR_FIELD_BOOL},
    [SR_FS_SWIMMING_POOL] = {"swimming_pool", SR_FIELD_BOOL},
    [SR_FS_ENROLLMENT] = {"enrollment", SR_FIELD_INT},
    [SR_FS_BOARDERS] = {"boarders", SR_FIELD_INT},
    [SR_FS_SPECIAL_NEEDS] = {"special_needs", SR_FIELD_INT},
    [SR_FS_STATUS] = {"status", SR_FIELD_TEXT},
    [SR_FS_ASSESSMENT] = {"assessment", SR_FIELD_INT},
    [SR_FS_SYSTEM] = {"system", SR_FIELD_TEXT},
    [SR_FS_TOTAL] = {"total", SR_FIELD_SCORE},
    [SR_FS_BAND] = {"band", SR_FIELD_TEXT},
    [SR_FS_COMPLIANT] = {"compliant", SR_FIELD_BOOL},
    [SR_FS_VETOED] = {"vetoed", SR_FIELD_BOOL},
    [SR_FS_VETO_ITEMS] = {"veto_items", SR_FIELD_TEXT},
    [SR_FS_DIMENSIONS] = {"dimensions", SR_FIELD_TEXT},
    [SR_FS_ASSESSED_ON] = {"assessed_on", SR_FIELD_DATE},
    [SR_FS_INSPECTOR] = {"inspector", SR_FIELD_TEXT},
    [SR_FS_OPEN_HAZARDS] = {"open_hazards", SR_FIELD_INT},
    [SR_FS_OVERDUE_HAZARDS] = {"overdue_hazards", SR_FIELD_INT},
    [SR_FS_GUARDS] = {"guards", SR_FIELD_BOOL},
    [SR_FS_CLOSED_CAMPUS] = {"closed_campus", SR_FIELD_BOOL},
    [SR_FS_ALARM_VIDEO] = {"alarm_video", SR_FIELD_BOOL},
    [SR_FS_PROTECTION_POSTS] = {"protection_posts", SR_FIELD_BOOL},
    [SR_FS_BASELINE_ALL] = {"baseline_all", SR_FIELD_BOOL},
    [SR_FS_BASELINE_WHY] = {"baseline_why", SR_FIELD_TEXT},
    [SR_FS_STAFF] = {"staff", SR_FIELD_INT},
    [SR_FS_POPULATION] = {"population", SR_FIELD_INT},
    [SR_FS_MEAL_DELIVERY] = {"meal_delivery", SR_FIELD_BOOL},
    [SR_FS_VILLAGE_SCHOOL] = {"village_school", SR_FIELD_BOOL},
};

static const struct field_def lost_fields[SR_FL_COUNT] = {
    [SR_FL_CODE] = {"code", SR_FIELD_TEXT},
    [SR_FL_SCHOOL_NAME] = {"school_name", SR_FIELD_TEXT},
    [SR_FL_DIMENSION] = {"dimension", SR_FIELD_TEXT},
    [SR_FL_ITEM] = {"item", SR_FIELD_TEXT},
    [SR_FL_ITEM_TITLE] = {"item_title", SR_FIELD_TEXT},
    [SR_FL_EARNED] = {"earned", SR_FIELD_POINTS},
    [SR_FL_MAX] = {"max", SR_FIELD_POINTS},
    [SR_FL_LOST] = {"lost", SR_FIELD_POINTS},
    [SR_FL_VALUE] = {"value", SR_FIELD_TEXT},
    [SR_FL_NOTE] = {"note", SR_FIELD_TEXT},
    [SR_FL_HAZARD] = {"hazard", SR_FIELD_TEXT},
    [SR_FL_VETO] = {"veto", SR_FIELD_BOOL},
};

static const struct field_def hazard_fields[SR_FH_COUNT] = {
    [SR_FH_ID] = {"id", SR_FIELD_INT},
    [SR_FH_CODE] = {"code", SR_FIELD_TEXT},
    [SR_FH_SCHOOL_NAME] = {"school_name", SR_FIELD_TEXT},
    [SR_FH_DISTRICT] = {"district", SR_FIELD_TEXT},
    [SR_FH_DISTRICT_NAME] = {"district_name", SR_FIELD_TEXT},
    [SR_FH_ITEM] = {"item", SR_FIELD_TEXT},
    [SR_FH_ITEM_TITLE] = {"item_title", SR_FIELD_TEXT},
    [SR_FH_DESCRIPTION] = {"description", SR_FIELD_TEXT},
    [SR_FH_LEVEL] = {"level", SR_FIELD_TEXT},
    [SR_FH_FOUND_ON] = {"found_on", SR_FIELD_DATE},
    [SR_FH_FOUND_BY] = {"found_by", SR_FIELD_TEXT},
    [SR_FH_RESPONSIBLE] = {"responsible", SR_FIELD_TEXT},
    [SR_FH_MEASURES] = {"measures", SR_FIELD_TEXT},
    [SR_FH_DEADLINE] = {"deadline", SR_FIELD_DATE},
    [SR_FH_STATUS] = {"status", SR_FIELD_TEXT},
    [SR_FH_CLOSED_ON] = {"closed_on", SR_FIELD_DATE},
    [SR_FH_DAYS_OVERDUE] = {"days_overdue", SR_FIELD_INT},
    [SR_FH_OVERDUE] = {"overdue", SR_FIELD_BOOL},
    [SR_FH_SUPERVISED] = {"supervised", SR_FIELD_BOOL},
    [SR_FH_RECURRENT_OF] = {"recurrent_of", SR_FIELD_INT},
    [SR_FH_DAYS_LATE] = {"days_late", SR_FIELD_INT},
};

/* 区县汇总 and 趋势 share the KPI fields (struct sr_report_kpis). */
#define KPI_FIELDS                                                     \
    [SR_FK_SCHOOLS] = {"schools", SR_FIELD_INT},                       \
    [SR_FK_ASSESSED] = {"assessed", SR_FIELD_INT},                     \
    [SR_FK_COVERAGE] = {"coverage", SR_FIELD_RATE},                    \
    [SR_FK_COMPLIANT] = {"compliant", SR_FIELD_INT},                   \
    [SR_FK_COMPLIANCE] = {"compliance", SR_FIELD_RATE},                \
    [SR_FK_BLUE] = {"blue", SR_FIELD_INT},                             \
    [SR_FK_YELLOW] = {"yellow", SR_FIELD_INT},                         \
    [SR_FK_ORANGE] = {"orange", SR_FIELD_INT},                         \
    [SR_FK_RED] = {"red", SR_FIELD_INT},                               \
    [SR_FK_VETOED] = {"vetoed", SR_FIELD_INT},                         \
    [SR_FK_GUARDS_RATE] = {"guards_rate", SR_FIELD_RATE},              \
    [SR_FK_CLOSED_CAMPUS_RATE] = {"closed_campus_rate", SR_FIELD_RATE},\
    [SR_FK_ALARM_VIDEO_RATE] = {"alarm_video_rate", SR_FIELD_RATE},    \
    [SR_FK_PROTECTION_POSTS_RATE] = {"protection_posts_rate",          \
                                     SR_FIELD_RATE},                   \
    [SR_FK_FOUR_100] = {"four_100", SR_FIELD_BOOL},                    \
    [SR_FK_HAZARDS_FOUND] = {"hazards_found", SR_FIELD_INT},           \
    [SR_FK_HAZARDS_CLOSED] = {"hazards_closed", SR_FIELD_INT},         \
    [SR_FK_HAZARDS_OPEN] = {"hazards_open", SR_FIELD_INT},             \
    [SR_FK_HAZARDS_OVERDUE] = {"hazards_overdue", SR_FIELD_INT},       \
    [SR_FK_RECTIFICATION] = {"rectification", SR_FIELD_RATE},          \
    [SR_FK_OPEN_MAJOR] = {"open_major", SR_FIELD_INT},                 \
    [SR_FK_HAZARDS_CLOSED_LATE] = {"hazards_closed_late", SR_FIELD_INT},\
    [SR_FK_FOUR_UNASSESSED] = {"four_unassessed", SR_FIELD_INT}

static const struct field_def district_fields[SR_FD_COUNT] = {
    KPI_FIELDS,
    [SR_FD_RANK] = {"rank", SR_FIELD_INT},
    [SR_FD_CODE] = {"code", SR_FIELD_TEXT},
    [SR_FD_DISTRICT] = {"district", SR_FIELD_TEXT},
};

static const struct field_def trend_fields[SR_FT_COUNT] = {
    KPI_FIELDS,
    [SR_FT_PERIOD] = {"period", SR_FIELD_TEXT},
    [SR_FT_PERIOD_NAME] = {"period_name", SR_FIELD_TEXT},
    [SR_FT_START] = {"start", SR_FIELD_DATE},
    [SR_FT_END] = {"end", SR_FIELD_DATE},
};

#undef KPI_FIELDS

static const struct field_def peer_fields[SR_FP_COUNT] = {
    [SR_FP_STAGE] = {"stage", SR_FIELD_TEXT},
    [SR_FP_RANK] = {"rank", SR_FIELD_INT},
    [SR_FP_OF] = {"of", SR_FIELD_INT},
    [SR_FP_DISTRICT_NAME] = {"district_name", SR_FIELD_TEXT},
    [SR_FP_CODE] = {"code", SR_FIELD_TEXT},
    [SR_FP_NAME] = {"name", SR_FIELD_TEXT},
    [SR_FP_TOTAL] = {"total", SR_FIELD_SCORE},
    [SR_FP_BAND] = {"band", SR_FIELD_TEXT},
    [SR_FP_COMPLIANT] = {"compliant", SR_FIELD_BOOL},
    [SR_FP_VETOED] = {"vetoed", SR_FIELD_BOOL},
    [SR_FP_OVERDUE_HAZARDS] = {"overdue_hazards", SR_FIELD_INT},
    [SR_FP_OPEN_HAZARDS] = {"open_hazards", SR_FIELD_INT},
};

struct sheet_def {
    const char *name;
    const struct field_def *fields;
    int n;
    int city; /* a sheet of the city workbook */
};

/* 四个100%, 未达标学校 and 四个100%未达标 show the same struct as
 * 学校评估, and 重大隐患 that of 隐患台账, so they know the same fields. */
static const struct sheet_def sheets[SR_SHEET_COUNT] = {
    [SR_SHEET_SCHOOLS] = {"学校评估", school_fields, SR_FS_COUNT, 0},
    [SR_SHEET_LOST] = {"失分明细", lost_fields, SR_FL_COUNT, 0},
    [SR_SHEET_HAZARDS] = {"隐患台账", hazard_fields, SR_FH_COUNT, 0},
    [SR_SHEET_BASELINE] = {"四个100%", school_fields, SR_FS_COUNT, 0},
    [SR_SHEET_CITY_DISTRICTS] = {"区县汇总", district_fields, SR_FD_COUNT,
                                 1},
    [SR_SHEET_CITY_NONCOMPLIANT] = {"未达标学校", school_fields,
                                    SR_FS_COUNT, 1},
    [SR_SHEET_CITY_MAJOR] = {"重大隐患", hazard_fields, SR_FH_COUNT, 1},
    [SR_SHEET_CITY_BASELINE] = {"四个100%未达标", school_fields,
                                SR_FS_COUNT, 1},
    [SR_SHEET_CITY_PEERS] = {"同类排名", peer_fields, SR_FP_COUNT, 1},
    [SR_SHEET_CITY_TREND] = {"趋势", trend_fields, SR_FT_COUNT, 1},
};

/* --------------------------------------------------------------------
 * Registry
 * ------------------------------------------------------------------ */

const char *
sr_layout_sheet_name(int sheet)
{
    return sheet >= 0 && sheet < SR_SHEET_COUNT ? sheets[sheet].name : NULL;
}

int
sr_layout_sheet_is_city(int sheet)
{
    return sheet >= 0 && sheet < SR_SHEET_COUNT && sheets[sheet].city;
}

int
sr_layout_sheet_lookup(const char *name)
{
    int i;

    for (i = 0; i < SR_SHEET_COUNT; i++)
        if (!strcmp(sheets[i].name, name))
            return i;
    return -1;
}

int
sr_layout_field_count(int sheet)
{
    return sheet >= 0 && sheet < SR_SHEET_COUNT ? sheets[sheet].n : 0;
}

const char *
sr_layout_field_name(int sheet, int field)
{
    if (field < 0 || field >= sr_layout_field_count(sheet))
        return NULL;
    return sheets[sheet].fields[field].name;
}

int
sr_layout_field_kind(int sheet, int field)
{
    if (field < 0 || field >= sr_layout_field_count(sheet))
        return -1;
    return sheets[sheet].fields[field].kind;
}

int
sr_layout_field_lookup(int sheet, const char *name)
{
    int i, n = sr_layout_field_count(sheet);

    for (i = 0; i < n; i++)
        if (!strcmp(sheets[sheet].fields[i].name, name))
            return i;
    return -1;
}

static int
kind_is_number(int kind)
{
    return kind == SR_FIELD_INT || kind == SR_FIELD_SCORE ||
           kind == SR_FIELD_POINTS || kind == SR_FIELD_RATE;
}

const char *
sr_layout_column_format(int sheet, const struct sr_layout_column *c)
{
    int kind = sr_layout_field_kind(sheet, c->field);

    if (c->format && c->format[0])
        return c->format;
    if (kind == SR_FIELD_INT)
        return "0";
    if (kind == SR_FIELD_SCORE || kind == SR_FIELD_POINTS)
        return "0.00";
    if (kind == SR_FIELD_RATE)
        return "0.0%";
    return "@";
}

/* --------------------------------------------------------------------
 * Text in a column
 * ------------------------------------------------------------------ */

/* The code point at *p (advanced past it); a stray byte is itself. */
static unsigned
next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned cp = *s;
    int n = 1, k;

    if (*s >= 0xF0) {
        cp = *s & 0x07;
        n = 4;
    } else if (*s >= 0xE0) {
        cp = *s & 0x0F;
        n = 3;
    } else if (*s >= 0xC0) {
        cp = *s & 0x1F;
        n = 2;
    }
    for (k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            break;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (k < n) { /* cut short: count the lead byte alone */
        cp = *s;
        k = 1;
    }
    *p = s + k;
    return cp;
}

/* Width units of a character: 2 for Hangul Jamo and everything from
 * U+2000 up (general punctuation, CJK, fullwidth forms, emoji) except
 * the halfwidth forms; 1 otherwise.  A superset of East Asian Wide and
 * Fullwidth, so that a row is never too short. */
static int
cp_units(unsigned cp)
{
    if (cp >= 0x1100 && cp <= 0x115F)
        return 2;
    if (cp < 0x2000 || (cp >= 0xFF61 && cp <= 0xFFDC))
        return 1;
    return 2;
}

int
sr_layout_text_lines(const char *text, double width)
{
    const unsigned char *p = (const unsigned char *)text, *q;
    /* The text has the whole width: libxlsxwriter adds the cell's
     * padding (5 pixels) to every column it sets. */
    double room = width > 1 ? width : 1, used = 0, word;
    int lines = 1;
    unsigned cp;

    if (!p)
        return 1;
    while (*p) {
        if (*p == '\n' || *p == ' ' || *p == '\r') {
            if (*p == '\n') {
                lines++;
                used = 0;
            } else if (*p == ' ' && used + 1 <= room)
                used += 1;
            p++;
            continue;
        }
        q = p;
        cp = next_cp(&q);
        if (cp_units(cp) == 2) {
            if (used > 0 && used + 2 > room) {
                lines++;
                used = 0;
            }
            used += 2;
            p = q;
            continue;
        }
        /* A word: narrow characters up to a space, newline or wide one. */
        word = 0;
        for (q = p; *q && *q != ' ' && *q != '\n' && *q != '\r';) {
            const unsigned char *r = q;

            if (cp_units(next_cp(&r)) == 2)
                break;
            word += 1;
            q = r;
        }
        if (used > 0 && used + word > room && word <= room) {
            lines++;
            used = 0;
        }
        while (p < q) {
            next_cp(&p);
            if (used > 0 && used + 1 > room) {
                lines++;
                used = 0;
            }
            used += 1;
        }
    }
    return lines;
}

/* --------------------------------------------------------------------
 * The wording (sheet 文字)
 * ------------------------------------------------------------------ */

/* The pseudo-sheet whose rows are words, not columns. */
#define TEXT_SHEET "文字"

/* Placeholders; the last three only in a footer. */
static const char *const placeholders[] = {"{区县}", "{统计期}", "{单位}",
                                           "{页码}", "{总页数}"};
#define PH_COMMON 2

/* The placeholder at @p s: its index, or -1. */
static int
placeholder_at(const char *s)
{
    size_t i;

    for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
        if (!strncmp(s, placeholders[i], strlen(placeholders[i])))
            return (int)i;
    return -1;
}

const char *
sr_layout_unit_for(const struct sr_layout *l, const char *code,
                   const char *name)
{
    size_t i;

    for (i = 0; i < l->text.n_units; i++) {
        const char *d = l->text.units[i].district;

        if ((code && !strcmp(d, code)) || (name && !strcmp(d, name)))
            return l->text.units[i].text;
    }
    return l->text.unit;
}

char *
sr_layout_expand(const char *tmpl, const struct sr_layout_vars *vars,
                 int footer)
{
    struct sr_buf b;
    const char *p, *v;
    int ph, bad = 0;

    sr_buf_init(&b);
    for (p = tmpl ? tmpl : ""; *p && !bad;) {
        ph = *p == '{' ? placeholder_at(p) : -1;
        if (ph < 0) {
            /* '&' starts a control code in a header or footer. */
            if (footer && *p == '&')
                bad = sr_buf_add(&b, "&", 1) != SR_OK;
            bad = bad || sr_buf_add(&b, p, 1) != SR_OK;
            p++;
            continue;
        }
        p += strlen(placeholders[ph]);
        v = ph == 0 ? vars->district : ph == 1 ? vars->period
            : ph == 2 ? vars->unit : NULL;
        if (ph >= 3) {
            v = !footer ? placeholders[ph] : ph == 3 ? "&P" : "&N";
            bad = sr_buf_add(&b, v, strlen(v)) != SR_OK;
            continue;
        }
        /* A value is text as it is: never expanded again, its '&'
         * doubled in a footer. */
        for (; v && *v && !bad; v++)
            bad = (footer && *v == '&' && sr_buf_add(&b, "&", 1)) ||
                  sr_buf_add(&b, v, 1) != SR_OK;
    }
    if (bad) {
        sr_buf_release(&b);
        return NULL;
    }
    return sr_buf_detach(&b);
}

/* A template's placeholders must be known (only @p n of the list): a
 * typo such as {区} would otherwise print as it is. */
static sr_error
check_placeholders(const char *s, size_t n, const char *field,
                   const char *file, long line, struct sr_diags *diags)
{
    const char *p, *end;
    int ph;

    for (p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
        end = strchr(p, '}');
        if (!end)
            break;
        ph = placeholder_at(p);
        if (ph >= 0 && (size_t)ph < n)
            continue;
        return sr_diags_add(diags, file, line,
                            _("unknown placeholder '%.*s' in field '%s' "
                              "(known: %s)"),
                            (int)(end - p + 1), p, field,
                            n == PH_COMMON ? "{区县}, {统计期}"
                                           : "{区县}, {统计期}, {单位}, "
                                             "{页码}, {总页数}") ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    }
    return SR_OK;
}

/* Set *slot to a copy of @p text unless the field was given before. */
static sr_error
text_once(char **slot, long *at, const char *field, const char *text,
          const char *file, long line, struct sr_diags *diags)
{
    if (*slot)
        return sr_diags_add(diags, file, line,
                            _("duplicate field '%s' on sheet '%s' (first "
                              "on line %ld)"), field, TEXT_SHEET, *at) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    *slot = sr_strdup(text);
    *at = line;
    return *slot ? SR_OK : SR_ERR_NOMEM;
}

static sr_error
add_unit(struct sr_layout_text *t, const char *district, const char *text,
         const char *file, long line, struct sr_diags *diags)
{
    struct sr_layout_unit *nv, u;
    size_t i;

    for (i = 0; i < t->n_units; i++)
        if (!strcmp(t->units[i].district, district))
            return sr_diags_add(diags, file, line,
                                _("duplicate field 'unit:%s' on sheet '%s'"),
                                district, TEXT_SHEET) ?
                       SR_ERR_NOMEM : SR_ERR_INPUT;
    nv = realloc(t->units, (t->n_units + 1) * sizeof(*nv));
    if (!nv)
        return SR_ERR_NOMEM;
    t->units = nv;
    u.district = sr_strdup(district);
    u.text = sr_strdup(text);
    if (!u.district || !u.text) {
        free(u.district);
        free(u.text);
        return SR_ERR_NOMEM;
    }
    t->units[t->n_units++] = u;
    return SR_OK;
}

/* A row of 文字: "文字,FIELD,TEXT,," with FIELD one of title, unit,
 * unit:DISTRICT, signature (repeated, in order), footer and docno (a
 * bulletin's 文号 prefix). */
static sr_error
parse_text_row(struct sr_layout *out, const struct sr_csv_row *row,
               const char *file, struct sr_diags *diags)
{
    struct sr_layout_text *t = &out->text;
    const char *field = row->fields[1], *text = row->fields[2];
    long line = row->line;
    sr_error rc;

    if (row->fields[3][0] || row->fields[4][0])
        return sr_diags_add(diags, file, line,
                            _("width and format of a '%s' row stay empty"),
                            TEXT_SHEET) ? SR_ERR_NOMEM : SR_ERR_INPUT;
    if (!text[0] || strlen(text) > HEADING_MAX)
        return sr_diags_add(diags, file, line,
                            _("text of field '%s' must be 1..%d bytes"),
                            field, HEADING_MAX) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    if (!strcmp(field, "signature")) {
        if (t->n_signatures == SR_LAYOUT_SIGNATURES_MAX)
            return sr_diags_add(diags, file, line,
                                _("more than %d signatures"),
                                SR_LAYOUT_SIGNATURES_MAX) ?
                       SR_ERR_NOMEM : SR_ERR_INPUT;
        t->signatures[t->n_signatures] = sr_strdup(text);
        if (!t->signatures[t->n_signatures])
            return SR_ERR_NOMEM;
        t->n_signatures++;
        return SR_OK;
    }
    if (strcmp(field, "title") && strcmp(field, "unit") &&
        strcmp(field, "footer") && strcmp(field, "docno") &&
        !(!strncmp(field, "unit:", 5) && field[5]))
        return sr_diags_add(diags, file, line,
                            _("unknown field '%s' on sheet '%s' (known: "
                              "title, unit, unit:区县, signature, footer, "
                              "docno)"),
                            field, TEXT_SHEET) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    rc = check_placeholders(text, strcmp(field, "footer") ? PH_COMMON
                            : sizeof(placeholders) / sizeof(placeholders[0]),
                            field, file, line, diags);
    if (rc != SR_OK)
        return rc;
    if (!strcmp(field, "title"))
        return text_once(&t->title, &t->title_line, field, text, file, line,
                         diags);
    if (!strcmp(field, "unit"))
        return text_once(&t->unit, &t->unit_line, field, text, file, line,
                         diags);
    if (!strcmp(field, "footer"))
        return text_once(&t->footer, &t->footer_line, field, text, file,
                         line, diags);
    if (!strcmp(field, "docno"))
        return text_once(&t->docno, &t->docno_line, field, text, file,
                         line, diags);
    return add_unit(t, field + 5, text, file, line, diags);
}

/* --------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------ */

static const char *const header[] = {"sheet", "field", "heading", "width",
                                     "format"};
#define NCOLS (sizeof(header) / sizeof(header[0]))

static void
text_release(struct sr_layout_text *t)
{
    size_t i;

    free(t->title);
    free(t->unit);
    for (i = 0; i < t->n_units; i++) {
        free(t->units[i].district);
        free(t->units[i].text);
    }
    free(t->units);
    for (i = 0; i < t->n_signatures; i++)
        free(t->signatures[i]);
    free(t->footer);
    free(t->docno);
}

void
sr_layout_release(struct sr_layout *l)
{
    size_t i;
    int s;

    if (!l)
        return;
    for (s = 0; s < SR_SHEET_COUNT; s++) {
        for (i = 0; i < l->sheets[s].n; i++) {
            free(l->sheets[s].v[i].heading);
            free(l->sheets[s].v[i].format);
        }
        free(l->sheets[s].v);
    }
    text_release(&l->text);
    free(l->file);
    memset(l, 0, sizeof(*l));
}

/* Width: a plain decimal number 1..255 ("12", "8.5"); -1 when bad. */
static double
parse_width(const char *s)
{
    char *end = NULL;
    double w;

    if (!(s[0] >= '0' && s[0] <= '9'))
        return -1;
    errno = 0;
    w = strtod(s, &end);
    if (errno || *end || !isfinite(w) || w < 1 || w > 255)
        return -1;
    return w;
}

/* A number format may not hold control characters (they would reach
 * the styles XML). */
static int
format_ok(const char *s)
{
    const unsigned char *p;

    if (strlen(s) > FORMAT_MAX)
        return 0;
    for (p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

static sr_error
add_column(struct sr_layout_columns *cols, int field, const char *heading,
           double width, const char *format, long line)
{
    struct sr_layout_column c = {field, NULL, width, NULL, line};

    if (cols->n == cols->alloc) {
        size_t na = cols->alloc ? cols->alloc * 2 : 16;
        struct sr_layout_column *nv = realloc(cols->v, na * sizeof(*nv));

        if (!nv)
            return SR_ERR_NOMEM;
        cols->v = nv;
        cols->alloc = na;
    }
    c.heading = sr_strdup(heading);
    c.format = sr_strdup(format);
    if (!c.heading || !c.format) {
        free(c.heading);
        free(c.format);
        return SR_ERR_NOMEM;
    }
    cols->v[cols->n++] = c;
    return SR_OK;
}

/* The sheets to name after an unknown one: those of the workbook the
 * layout has described so far (the district workbook's when it has a
 * district sheet, the city's when it has only city sheets), or all of
 * them in an empty layout. */
static void
known_sheets(const struct sr_layout *l, char *buf, size_t size)
{
    int s, district = 0, city = 0, want;
    size_t n = 0;

    buf[0] = '\0';
    for (s = 0; s < SR_SHEET_COUNT; s++)
        if (l->sheets[s].n) {
            if (sheets[s].city)
                city = 1;
            else
                district = 1;
        }
    want = district ? 0 : city ? 1 : -1;
    for (s = 0; s < SR_SHEET_COUNT; s++) {
        size_t len = strlen(sheets[s].name);

        if (want >= 0 && sheets[s].city != want)
            continue;
        if (n + len + 3 > size)
            break;
        if (n) {
            memcpy(buf + n, ", ", 2);
            n += 2;
        }
        memcpy(buf + n, sheets[s].name, len + 1);
        n += len;
    }
}

/* Check one column row; SR_ERR_INPUT after adding its diagnostics. */
static sr_error
parse_row(struct sr_layout *out, const struct sr_csv_row *row,
          const char *file, struct sr_diags *diags)
{
    sr_error rc = SR_OK;
    int sheet, field, kind;
    double width;
    const char *name, *fname, *heading, *format;
    struct sr_layout_columns *cols;
    size_t i;

    if (row->n != NCOLS)
        return sr_diags_add(diags, file, row->line,
                            _("expected 5 fields (sheet,field,heading,width,"
                              "format), got %zu"), row->n) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    name = row->fields[0];
    fname = row->fields[1];
    heading = row->fields[2];
    format = row->fields[4];
    if (!strcmp(name, TEXT_SHEET))
        return parse_text_row(out, row, file, diags);
    sheet = sr_layout_sheet_lookup(name);
    if (sheet < 0) {
        char known[400];

        known_sheets(out, known, sizeof(known));
        return sr_diags_add(diags, file, row->line,
                            _("unknown sheet '%s' (known: %s)"), name,
                            known) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    }
    field = sr_layout_field_lookup(sheet, fname);
    if (field < 0)
        return sr_diags_add(diags, file, row->line,
                            _("unknown field '%s' on sheet '%s'"), fname,
                            name) ?
                   SR_ERR_NOMEM : SR_ERR_INPUT;
    kind = sr_layout_field_kind(sheet, field);
    cols = &out->sheets[sheet];
    for (i = 0; i < cols->n; i++)
        if (cols->v[i].field == field)
            return sr_diags_add(diags, file, row->line,
                                _("duplicate field '%s' on sheet '%s' "
                                  "(first on line %ld)"), fname, name,
                                cols->v[i].line) ?
                       SR_ERR_NOMEM : SR_ERR_INPUT;
    if (!heading[0] || strlen(heading) > HEADING_MAX)
        rc = sr_diags_add(diags, file, row->line,
                          _("heading of field '%s' must be 1..%d bytes"),
                          fname, HEADING_MAX) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
    width = parse_width(row->fields[3]);
    if (rc == SR_OK && width < 0)
        rc = sr_diags_add(diags, file, row->line,
                          _("bad width '%s' for field '%s': want a number "
                            "1..255"), row->fields[3], fname) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
    if (rc == SR_OK && !format_ok(format))
        rc = sr_diags_add(diags, file, row->line,
                          _("bad format for field '%s': at most %d "
                            "characters, no control characters"), fname,
                          FORMAT_MAX) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
    if (rc == SR_OK && !kind_is_number(kind) && format[0] &&
        strcmp(format, "@"))
        rc = sr_diags_add(diags, file, row->line,
                          _("format '%s' on text field '%s': leave it "
                            "empty or write '@'"), format, fname) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
    if (rc != SR_OK)
        return rc;
    return add_column(cols, field, heading, width, format, row->line);
}

static int
is_header(const struct sr_csv_row *row)
{
    size_t i;

    if (row->n != NCOLS)
        return 0;
    for (i = 0; i < NCOLS; i++)
        if (strcmp(row->fields[i], header[i]))
            return 0;
    return 1;
}

sr_error
sr_layout_parse(const char *buf, size_t len, const char *file,
                struct sr_layout *out, struct sr_diags *diags)
{
    sr_error rc = SR_OK, r;
    struct sr_csv *csv = NULL;
    struct sr_csv_row row;
    char err[256];
    size_t bad = 0;
    int got, seen_header = 0;

    memset(out, 0, sizeof(*out));
    out->file = sr_strdup(file ? file : "");
    if (!out->file) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    if (!sr_utf8_valid(buf, len, &bad)) {
        rc = sr_diags_add(diags, file, sr_line_of(buf, bad),
                          _("invalid UTF-8 at byte %zu; layout files must "
                            "be UTF-8"), bad) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
        goto cleanup;
    }
    csv = sr_csv_new(buf, len);
    if (!csv) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    while ((got = sr_csv_next(csv, &row, err, sizeof(err))) == 1) {
        if (row.n >= 1 && row.fields[0][0] == '#')
            continue;
        if (!seen_header) {
            seen_header = 1;
            if (!is_header(&row)) {
                rc = sr_diags_add(diags, file, row.line,
                                  _("the first row must be the header "
                                    "'sheet,field,heading,width,format'")) ?
                         SR_ERR_NOMEM : SR_ERR_INPUT;
                goto cleanup;
            }
            continue;
        }
        r = parse_row(out, &row, file, diags);
        if (r == SR_ERR_NOMEM) {
            rc = r;
            goto cleanup;
        }
        if (r != SR_OK)
            rc = r;
    }
    if (got < 0) {
        rc = sr_diags_add(diags, file, row.line, "%s", err) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;
        goto cleanup;
    }
    if (!seen_header)
        rc = sr_diags_add(diags, file, 0, _("empty layout: no header row")) ?
                 SR_ERR_NOMEM : SR_ERR_INPUT;

cleanup:
    sr_csv_free(csv);
    if (rc != SR_OK)
        sr_layout_release(out);
    return rc;
}

sr_error
sr_layout_load(const char *path, struct sr_layout *out,
               struct sr_diags *diags)
{
    sr_error rc;
    char *buf = NULL;
    size_t len = 0;

    memset(out, 0, sizeof(*out));
    errno = 0;
    rc = sr_read_file(path, LAYOUT_MAX_BYTES, &buf, &len);
    if (rc == SR_ERR_IO) {
        if (sr_diags_add(diags, path, 0, _("cannot read layout: %s"),
                         strerror(errno ? errno : EIO)))
            rc = SR_ERR_NOMEM;
        return rc;
    }
    if (rc == SR_ERR_TOO_LARGE) {
        if (sr_diags_add(diags, path, 0,
                         _("layout file larger than %d bytes"),
                         LAYOUT_MAX_BYTES))
            rc = SR_ERR_NOMEM;
        return rc;
    }
    if (rc != SR_OK)
        return rc;
    rc = sr_layout_parse(buf, len, path, out, diags);
    free(buf);
    return rc;
}
