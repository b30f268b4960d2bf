/*
 * report_xlsx.c - the district and city workbooks
 * (schoolrisk/report_xlsx.h).
 *
 * Design: every input string is checked first to be UTF-8, so that
 * libxlsxwriter, which checks neither encoding nor much else, is only
 * ever handed good text.  Content never stops a workbook: a text longer
 * than a cell holds (32,767 characters) is cut, with a marker, where it
 * is written (put()).  Every libxlsxwriter call's status is kept (the
 * first failure wins) and turned into SR_ERR_INTERNAL at the end; the
 * workbook is then freed unwritten.
 *
 * The file (section "The file"): libxlsxwriter prints its own
 * "[ERROR]" lines on stderr when it cannot write, and the library must
 * not print, so it never writes the target: it assembles the workbook
 * in memory (a memfd, which a full disk cannot fail), and this file
 * copies it to a temporary file next to the target, flushes it and
 * renames it over the target.  A full disk, a kill or a crash leaves
 * the target as it was (the old workbook or none), never a truncated
 * one.
 *
 * Formats are cached by (number format, row fill) so a sheet with a
 * thousand rows still has a handful of styles.
 *
 * Every row that holds wrapped text gets a height from its text
 * (fit_row(), sr_layout_text_lines()): LibreOffice does not grow rows,
 * and text left in a default row prints over the rows below.  A table
 * row's height is set before its cells are written, as constant_memory
 * mode writes a row out once the next one starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/hazards.h"
#include "schoolrisk/indicators.h"
#include "schoolrisk/layout.h"
#include "schoolrisk/report.h"
#include "schoolrisk/report_xlsx.h"
#include "schoolrisk/school.h"
#include "store/report_int.h"
#include "util.h"

/* Excel's limit on the characters (UTF-16 units) of one cell, and what
 * ends a text cut to fit it (report_xlsx.h). */
#define CELL_MAX 32767
#define CUT_MARK "…（已截断，全文见系统）"

/* Row fills: none, the four risk bands, not assessed, overdue. */
enum fill { FILL_NONE, FILL_BLUE, FILL_YELLOW, FILL_ORANGE, FILL_RED,
            FILL_UNASSESSED, FILL_OVERDUE, FILL_TOTAL, FILL_COUNT };

/* Light tones, so that the text stays readable on paper. */
static const lxw_color_t fill_colour[FILL_COUNT] = {
    0, 0xDDEBF7, 0xFFF2CC, 0xFCE4D6, 0xFFC7CE, 0xEDEDED, 0xFFC7CE,
    0xF2F2F2};

/* Above this many table rows in all, the city workbook is written in
 * libxlsxwriter's constant_memory mode (rows flushed as written). */
#define CONSTANT_MEMORY_ROWS 20000

#define CACHE_MAX 256

/* The size of every cell's text, in points, and the height of one line
 * of it: a Chinese font's line is about 1.45 em (Noto Sans CJK, what
 * LibreOffice sets 宋体 in without SimSun), so 1.5 em with a little
 * room.  ROW_MAX is Excel's tallest row. */
#define TEXT_PT 10.0
#define LINE_PT (TEXT_PT * 1.5)
#define ROW_MAX 409.0

struct cached_format {
    const char *num; /* borrowed from the layout or a literal */
    int fill;
    lxw_format *f;
};

/* Where libxlsxwriter writes the workbook (see "The file"). */
struct scratch {
    int fd;         /* the memfd, or the temporary file; -1: none */
    char *tmp;      /* the temporary file next to the target (made by
                       deliver(), or here when there is no memfd) */
    char *target;   /* the file to replace: the path, or the file its
                       symbolic link points to */
    char lxw[32];   /* what libxlsxwriter opens: /proc/self/fd/N, or
                       "" for tmp */
};

struct wctx {
    lxw_workbook *wb;
    const struct sr_report_district *r; /* the district workbook's */
    const struct sr_report_city *c;     /* the city workbook's */
    const char *org;                    /* district name, or 全市 */
    const struct sr_period *period;
    const struct sr_report_meta *meta;
    const struct sr_layout *layout;
    const char *locked; /* 说明's sign-off line (signoff.h), or NULL */
    char *title_text; /* the layout's title, expanded (words()) */
    char *unit_text;  /* the layout's 填报单位, expanded, or NULL */
    char footer[256]; /* the page footer, as a footer string */
    lxw_error lerr; /* first libxlsxwriter failure */
    struct scratch out;
    lxw_format *title, *label, *hdr, *text, *wrap, *pct, *num0, *bold;
    lxw_format *sign; /* the signature line and the 填报单位 line */
    struct cached_format cache[CACHE_MAX];
    size_t ncache;
};

/* A cell's value. */
struct val {
    enum { V_BLANK, V_STR, V_NUM } type;
    const char *s;
    double d;
};

static void
keep(struct wctx *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->lerr == LXW_NO_ERROR)
        w->lerr = e;
}

static sr_error
fail(const struct sr_report_meta *meta, sr_error rc, const char *msg)
{
    if (meta && meta->diags && sr_diags_add(meta->diags, NULL, 0, "%s", msg))
        return SR_ERR_NOMEM;
    return rc;
}

/* --------------------------------------------------------------------
 * Input checks
 * ------------------------------------------------------------------ */

/* SR_OK, or SR_ERR_INPUT with a message naming the field. */
static sr_error
check_str(const struct sr_report_meta *meta, const char *s,
          const char *what, long idx, const char *field)
{
    size_t bad = 0;
    char name[160], msg[256];

    if (!s)
        return SR_OK;
    if (idx >= 0)
        snprintf(name, sizeof(name), "%s[%ld].%s", what, idx, field);
    else
        snprintf(name, sizeof(name), "%s", what);
    if (!sr_utf8_valid(s, strlen(s), &bad)) {
        /* TRANSLATORS: the report's field (schools[3].name). */
        snprintf(msg, sizeof(msg), _("%s: invalid UTF-8 at byte %zu"), name,
                 bad);
        return fail(meta, SR_ERR_INPUT, msg);
    }
    return SR_OK;
}

#define CHECK(s, what, idx, field)                                     \
    do {                                                               \
        rc = check_str(meta, (s), (what), (long)(idx), (field));       \
        if (rc != SR_OK)                                               \
            return rc;                                                 \
    } while (0)

static sr_error
check_common(const struct sr_period *p, char *const *systems,
             size_t n_systems, const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    CHECK(p->label, "period.label", -1, NULL);
    CHECK(p->name, "period.name", -1, NULL);
    CHECK(p->start, "period.start", -1, NULL);
    CHECK(p->end, "period.end", -1, NULL);
    CHECK(meta->generated_at, "meta.generated_at", -1, NULL);
    CHECK(meta->generated_by, "meta.generated_by", -1, NULL);
    CHECK(meta->audit_head, "meta.audit_head", -1, NULL);
    for (i = 0; i < n_systems; i++)
        CHECK(systems[i], "systems", i, "");
    return SR_OK;
}

static sr_error
check_schools(const struct sr_report_school *v, size_t n, const char *what,
              const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    for (i = 0; i < n; i++) {
        const struct sr_report_school *x = &v[i];

        CHECK(x->code, what, i, "code");
        CHECK(x->name, what, i, "name");
        CHECK(x->district, what, i, "district");
        CHECK(x->district_name, what, i, "district_name");
        CHECK(x->assessed_on, what, i, "assessed_on");
        CHECK(x->inspector, what, i, "inspector");
        CHECK(x->system, what, i, "system");
        CHECK(x->band, what, i, "band");
        CHECK(x->band_label, what, i, "band_label");
        CHECK(x->veto_items, what, i, "veto_items");
        CHECK(x->dimensions, what, i, "dimensions");
        CHECK(x->baseline_why, what, i, "baseline_why");
    }
    return SR_OK;
}

static sr_error
check_hazards(const struct sr_report_hazard *v, size_t n, const char *what,
              const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    for (i = 0; i < n; i++) {
        const struct sr_report_hazard *x = &v[i];

        CHECK(x->code, what, i, "code");
        CHECK(x->school_name, what, i, "school_name");
        CHECK(x->district, what, i, "district");
        CHECK(x->district_name, what, i, "district_name");
        CHECK(x->item, what, i, "item");
        CHECK(x->item_title, what, i, "item_title");
        CHECK(x->description, what, i, "description");
        CHECK(x->found_on, what, i, "found_on");
        CHECK(x->found_by, what, i, "found_by");
        CHECK(x->responsible, what, i, "responsible");
        CHECK(x->measures, what, i, "measures");
        CHECK(x->deadline, what, i, "deadline");
        CHECK(x->closed_on, what, i, "closed_on");
    }
    return SR_OK;
}

/* The layout must have columns for each of the @p n sheets. */
static sr_error
check_layout(const struct sr_layout *layout, const int *want, size_t n,
             const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i, j;
    char msg[160];

    for (i = 0; i < n; i++) {
        int s = want[i];
        const struct sr_layout_columns *c = &layout->sheets[s];

        if (c->n == 0) {
            snprintf(msg, sizeof(msg),
                     _("layout has no columns for sheet '%s'"),
                     sr_layout_sheet_name(s));
            return fail(meta, SR_ERR_INPUT, msg);
        }
        for (j = 0; j < c->n; j++) {
            if (sr_layout_field_kind(s, c->v[j].field) < 0) {
                snprintf(msg, sizeof(msg),
                         _("layout column %zu of sheet '%s' has an unknown "
                           "field"),
                         j + 1, sr_layout_sheet_name(s));
                return fail(meta, SR_ERR_INPUT, msg);
            }
            CHECK(c->v[j].heading, _("layout heading"), -1, NULL);
            CHECK(c->v[j].format, _("layout format"), -1, NULL);
        }
    }
    return SR_OK;
}

static const int district_sheets[] = {SR_SHEET_SCHOOLS, SR_SHEET_LOST,
                                      SR_SHEET_HAZARDS, SR_SHEET_BASELINE};
static const int city_sheets[] = {
    SR_SHEET_CITY_DISTRICTS, SR_SHEET_CITY_NONCOMPLIANT,
    SR_SHEET_CITY_MAJOR, SR_SHEET_CITY_BASELINE, SR_SHEET_CITY_PEERS,
    SR_SHEET_CITY_TREND};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static sr_error
check_inputs(const struct sr_report_district *r,
             const struct sr_layout *layout,
             const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    CHECK(r->code, "code", -1, NULL);
    CHECK(r->name, "name", -1, NULL);
    rc = check_common(&r->period, r->systems, r->n_systems, meta);
    if (rc == SR_OK)
        rc = check_schools(r->schools, r->n_schools, "schools", meta);
    if (rc != SR_OK)
        return rc;
    for (i = 0; i < r->n_lost; i++) {
        const struct sr_report_lost *x = &r->lost[i];

        CHECK(x->code, "lost", i, "code");
        CHECK(x->school_name, "lost", i, "school_name");
        CHECK(x->dimension, "lost", i, "dimension");
        CHECK(x->item, "lost", i, "item");
        CHECK(x->item_title, "lost", i, "item_title");
        CHECK(x->value, "lost", i, "value");
        CHECK(x->note, "lost", i, "note");
    }
    rc = check_hazards(r->hazards, r->n_hazards, "hazards", meta);
    if (rc != SR_OK)
        return rc;
    return check_layout(layout, district_sheets, NELEM(district_sheets),
                        meta);
}

static sr_error
check_city(const struct sr_report_city *r, const struct sr_layout *layout,
           const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    rc = check_common(&r->period, r->systems, r->n_systems, meta);
    if (rc != SR_OK)
        return rc;
    for (i = 0; i < r->n_districts; i++) {
        CHECK(r->districts[i].code, "districts", i, "code");
        CHECK(r->districts[i].name, "districts", i, "name");
    }
    rc = check_schools(r->noncompliant, r->n_noncompliant, "noncompliant",
                       meta);
    if (rc == SR_OK)
        rc = check_hazards(r->major, r->n_major, "major", meta);
    if (rc == SR_OK)
        rc = check_schools(r->off_baseline, r->n_off_baseline,
                           "off_baseline", meta);
    if (rc != SR_OK)
        return rc;
    if (r->n_trend > NELEM(r->trend))
        return fail(meta, SR_ERR_INPUT, _("n_trend: more than 12 periods"));
    for (i = 0; i < r->n_trend; i++) {
        CHECK(r->trend[i].period.label, "trend", i, "period.label");
        CHECK(r->trend[i].period.name, "trend", i, "period.name");
        CHECK(r->trend[i].period.start, "trend", i, "period.start");
        CHECK(r->trend[i].period.end, "trend", i, "period.end");
    }
    for (i = 0; i < r->n_peers; i++) {
        CHECK(r->peers[i].code, "peers", i, "code");
        CHECK(r->peers[i].name, "peers", i, "name");
        CHECK(r->peers[i].district_name, "peers", i, "district_name");
        CHECK(r->peers[i].band_label, "peers", i, "band_label");
    }
    return check_layout(layout, city_sheets, NELEM(city_sheets), meta);
}

#undef CHECK

/* The directory of @p path must exist and be writable (a new file is
 * made there), and @p path must not be a directory; a pipe or a device
 * (/dev/stdout) must itself be writable.  0, or an errno value. */
static int
path_writable(const char *path)
{
    char *dir = NULL;
    const char *slash = strrchr(path, '/');
    struct stat st;
    int err = 0;

    if (!path[0])
        return ENOENT;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return EISDIR;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return access(path, W_OK) == 0 ? 0 : errno;
    if (!slash)
        dir = sr_strdup(".");
    else if (slash == path)
        dir = sr_strdup("/");
    else
        dir = sr_strndup(path, (size_t)(slash - path));
    if (!dir)
        return ENOMEM;
    if (stat(dir, &st) != 0)
        err = errno;
    else if (!S_ISDIR(st.st_mode))
        err = ENOTDIR;
    else if (access(dir, W_OK | X_OK) != 0)
        err = errno;
    free(dir);
    return err;
}

/* --------------------------------------------------------------------
 * Formats and cells
 * ------------------------------------------------------------------ */

static lxw_format *
new_format(struct wctx *w, int border)
{
    lxw_format *f = workbook_add_format(w->wb);

    if (!f) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    format_set_font_name(f, "宋体");
    format_set_font_size(f, TEXT_PT);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    return f;
}

static void
make_formats(struct wctx *w)
{
    w->title = new_format(w, 0);
    w->label = new_format(w, 1);
    w->hdr = new_format(w, 1);
    w->text = new_format(w, 1);
    w->wrap = new_format(w, 1);
    w->pct = new_format(w, 1);
    w->num0 = new_format(w, 1);
    w->bold = new_format(w, 0);
    w->sign = new_format(w, 0);
    if (w->lerr)
        return;
    format_set_text_wrap(w->sign);
    format_set_bold(w->title);
    format_set_font_size(w->title, 16);
    format_set_align(w->title, LXW_ALIGN_CENTER);
    format_set_bold(w->label);
    format_set_bg_color(w->label, 0xF2F2F2);
    format_set_bold(w->hdr);
    format_set_bg_color(w->hdr, 0xD9D9D9);
    format_set_text_wrap(w->hdr);
    format_set_align(w->hdr, LXW_ALIGN_CENTER);
    format_set_text_wrap(w->wrap);
    format_set_num_format(w->pct, "0.0%");
    format_set_num_format(w->num0, "0");
    format_set_bold(w->bold);
    format_set_font_size(w->bold, 12);
}

/* The format of a table cell with number format @p num on a row with
 * fill @p fill. */
static lxw_format *
cell_format(struct wctx *w, const char *num, int fill)
{
    size_t i;
    lxw_format *f;

    for (i = 0; i < w->ncache; i++)
        if (w->cache[i].fill == fill && !strcmp(w->cache[i].num, num))
            return w->cache[i].f;
    f = new_format(w, 1);
    if (!f)
        return NULL;
    format_set_num_format(f, num);
    if (!strcmp(num, "@"))
        format_set_text_wrap(f);
    if (fill != FILL_NONE)
        format_set_bg_color(f, fill_colour[fill]);
    if (fill == FILL_OVERDUE)
        format_set_font_color(f, 0x9C0006);
    if (fill == FILL_UNASSESSED)
        format_set_italic(f);
    if (fill == FILL_TOTAL)
        format_set_bold(f);
    /* A full cache only costs duplicate styles, never a wrong one. */
    if (w->ncache < CACHE_MAX) {
        w->cache[w->ncache].num = num;
        w->cache[w->ncache].fill = fill;
        w->cache[w->ncache].f = f;
        w->ncache++;
    }
    return f;
}

/* @p s as a cell holds it: @p s itself when it fits, else a new string
 * in *copy (the caller frees it) cut between two characters and ended
 * with CUT_MARK, CELL_MAX units in all at most.  NULL when out of
 * memory (kept in w). */
static const char *
cell_text(struct wctx *w, const char *s, char **copy)
{
    size_t n, mark = sizeof(CUT_MARK) - 1;
    bool cut;

    *copy = NULL;
    sr_utf8_prefix(s, CELL_MAX, &cut);
    if (!cut)
        return s;
    /* The marker is 12 characters of the Basic Multilingual Plane. */
    n = sr_utf8_prefix(s, CELL_MAX - 12, NULL);
    *copy = malloc(n + mark + 1);
    if (!*copy) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    memcpy(*copy, s, n);
    memcpy(*copy + n, CUT_MARK, mark + 1);
    return *copy;
}

static void
put(struct wctx *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
    const struct val *v, lxw_format *f)
{
    char *copy;
    const char *s;

    if (v->type == V_STR && v->s && v->s[0]) {
        s = cell_text(w, v->s, &copy);
        if (s)
            keep(w, worksheet_write_string(ws, row, col, s, f));
        free(copy);
    } else if (v->type == V_NUM)
        keep(w, worksheet_write_number(ws, row, col, v->d, f));
    else
        keep(w, worksheet_write_blank(ws, row, col, f));
}

/* Merge rows r1..r2 of columns c1..c2 showing @p s, cut as a cell. */
static void
merge(struct wctx *w, lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1,
      lxw_row_t r2, lxw_col_t c2, const char *s, lxw_format *f)
{
    char *copy;
    const char *t = cell_text(w, s, &copy);

    if (t)
        keep(w, worksheet_merge_range(ws, r1, c1, r2, c2, t, f));
    free(copy);
}

static void
put_str(struct wctx *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
        const char *s, lxw_format *f)
{
    struct val v = {V_STR, s, 0};

    put(w, ws, row, col, &v, f);
}

static void
put_num(struct wctx *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
        double d, lxw_format *f)
{
    struct val v = {V_NUM, NULL, d};

    put(w, ws, row, col, &v, f);
}

/* A rate: num/den as a percent, or "-" when there is no denominator. */
static void
put_rate(struct wctx *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
         struct sr_rate rt)
{
    if (rt.den == 0)
        put_str(w, ws, row, col, "-", w->text);
    else
        put_num(w, ws, row, col, (double)rt.num / (double)rt.den, w->pct);
}

/* Set row @p row as tall as @p lines lines of text (at most Excel's
 * tallest row): spreadsheets do not always grow a row to its wrapped
 * text (LibreOffice does not), and text then prints over the rows
 * below.  One line keeps the default height. */
static void
fit_row(struct wctx *w, lxw_worksheet *ws, lxw_row_t row, int lines)
{
    double h = LINE_PT * lines;

    if (lines > 1)
        keep(w, worksheet_set_row(ws, row, h < ROW_MAX ? h : ROW_MAX,
                                  NULL));
}

static void
str_val(struct val *v, const char *s)
{
    v->type = s && s[0] ? V_STR : V_BLANK;
    v->s = s;
}

static void
num_val(struct val *v, double d)
{
    v->type = V_NUM;
    v->d = d;
}

static void
bool_val(struct val *v, bool b)
{
    str_val(v, b ? "是" : "否");
}

/* --------------------------------------------------------------------
 * Field values
 * ------------------------------------------------------------------ */

/* A four-100% element (or all four): 是, 否, or 未评估 when not met
 * and not shown to fail (its system has no item for it). */
static void
element_val(struct val *v, bool met, bool unassessed)
{
    str_val(v, met ? "是" : unassessed ? "未评估" : "否");
}

static const char *const ownership_label[] = {"公办", "民办"};
static const char *const locale_label[] = {"城区", "镇区", "乡村"};

static void
school_value(const void *rec, int field, struct val *v)
{
    const struct sr_report_school *s = rec;
    const int64_t *a = s->school.attr;
    int e, all = 1, failed = 0;

    v->type = V_BLANK;
    switch ((enum sr_field_school)field) {
    case SR_FS_CODE: str_val(v, s->code); break;
    case SR_FS_NAME: str_val(v, s->name); break;
    case SR_FS_DISTRICT: str_val(v, s->district); break;
    case SR_FS_DISTRICT_NAME: str_val(v, s->district_name); break;
    case SR_FS_STAGE:
        if (sr_school_has_stage(&s->school))
            str_val(v, sr_stage_label((int)a[SR_ATTR_STAGE]));
        break;
    case SR_FS_OWNERSHIP:
        if (a[SR_ATTR_OWNERSHIP] >= 0 && a[SR_ATTR_OWNERSHIP] < 2)
            str_val(v, ownership_label[a[SR_ATTR_OWNERSHIP]]);
        break;
    case SR_FS_LOCALE:
        if (a[SR_ATTR_LOCALE] >= 0 && a[SR_ATTR_LOCALE] < 3)
            str_val(v, locale_label[a[SR_ATTR_LOCALE]]);
        break;
    case SR_FS_BOARDING: bool_val(v, a[SR_ATTR_BOARDING]); break;
    case SR_FS_SCHOOL_BUS: bool_val(v, a[SR_ATTR_SCHOOL_BUS]); break;
    case SR_FS_CANTEEN: bool_val(v, a[SR_ATTR_CANTEEN]); break;
    case SR_FS_LABORATORY: bool_val(v, a[SR_ATTR_LABORATORY]); break;
    case SR_FS_SWIMMING_POOL: bool_val(v, a[SR_ATTR_SWIMMING_POOL]); break;
    case SR_FS_ENROLLMENT: num_val(v, (double)a[SR_ATTR_ENROLLMENT]); break;
    case SR_FS_BOARDERS: num_val(v, (double)a[SR_ATTR_BOARDERS]); break;
    case SR_FS_SPECIAL_NEEDS:
        num_val(v, (double)a[SR_ATTR_SPECIAL_NEEDS]);
        break;
    case SR_FS_STAFF: num_val(v, (double)a[SR_ATTR_STAFF]); break;
    case SR_FS_POPULATION: num_val(v, (double)a[SR_ATTR_POPULATION]); break;
    case SR_FS_MEAL_DELIVERY: bool_val(v, a[SR_ATTR_MEAL_DELIVERY]); break;
    case SR_FS_VILLAGE_SCHOOL:
        bool_val(v, a[SR_ATTR_VILLAGE_SCHOOL]);
        break;
    case SR_FS_STATUS: str_val(v, s->assessed ? "已评估" : "未评估"); break;
    case SR_FS_ASSESSMENT:
        if (s->assessed)
            num_val(v, (double)s->assessment);
        break;
    case SR_FS_SYSTEM: str_val(v, s->system); break;
    case SR_FS_TOTAL:
        if (s->assessed)
            num_val(v, (double)s->total / 100.0);
        break;
    case SR_FS_BAND:
        if (!s->assessed)
            str_val(v, "未评估");
        else
            str_val(v, s->band_label ? s->band_label : s->band);
        break;
    case SR_FS_COMPLIANT:
        if (s->assessed)
            bool_val(v, s->compliant);
        break;
    case SR_FS_VETOED:
        if (s->assessed)
            bool_val(v, s->vetoed);
        break;
    case SR_FS_VETO_ITEMS: str_val(v, s->veto_items); break;
    case SR_FS_DIMENSIONS: str_val(v, s->dimensions); break;
    case SR_FS_ASSESSED_ON: str_val(v, s->assessed_on); break;
    case SR_FS_INSPECTOR: str_val(v, s->inspector); break;
    case SR_FS_OPEN_HAZARDS: num_val(v, (double)s->open_hazards); break;
    case SR_FS_OVERDUE_HAZARDS:
        num_val(v, (double)s->overdue_hazards);
        break;
    case SR_FS_GUARDS:
    case SR_FS_CLOSED_CAMPUS:
    case SR_FS_ALARM_VIDEO:
    case SR_FS_PROTECTION_POSTS:
        e = SR_BASELINE_GUARDS + (field - SR_FS_GUARDS);
        element_val(v, s->baseline[e], s->baseline_unassessed[e]);
        break;
    case SR_FS_BASELINE_ALL:
        for (e = 0; e < SR_BASELINE_COUNT; e++) {
            all = all && s->baseline[e];
            failed |= !s->baseline[e] && !s->baseline_unassessed[e];
        }
        element_val(v, all, !failed);
        break;
    case SR_FS_BASELINE_WHY: str_val(v, s->baseline_why); break;
    case SR_FS_COUNT: break;
    }
}

static int
school_fill(const void *rec)
{
    const struct sr_report_school *s = rec;

    if (!s->assessed)
        return FILL_UNASSESSED;
    if (s->colour >= SR_BLUE && s->colour <= SR_RED)
        return FILL_BLUE + s->colour;
    return FILL_NONE;
}

static void
lost_value(const void *rec, int field, struct val *v)
{
    const struct sr_report_lost *l = rec;

    v->type = V_BLANK;
    switch ((enum sr_field_lost)field) {
    case SR_FL_CODE: str_val(v, l->code); break;
    case SR_FL_SCHOOL_NAME: str_val(v, l->school_name); break;
    case SR_FL_DIMENSION: str_val(v, l->dimension); break;
    case SR_FL_ITEM: str_val(v, l->item); break;
    case SR_FL_ITEM_TITLE: str_val(v, l->item_title); break;
    case SR_FL_EARNED: num_val(v, (double)l->earned / 1e6); break;
    case SR_FL_MAX: num_val(v, (double)l->max / 1e6); break;
    case SR_FL_LOST: num_val(v, (double)(l->max - l->earned) / 1e6); break;
    case SR_FL_VALUE: str_val(v, l->value); break;
    case SR_FL_NOTE: str_val(v, l->note); break;
    case SR_FL_HAZARD: str_val(v, sr_hazard_label(l->hazard)); break;
    case SR_FL_VETO: bool_val(v, l->veto); break;
    case SR_FL_COUNT: break;
    }
}

static int
no_fill(const void *rec)
{
    (void)rec;
    return FILL_NONE;
}

static void
hazard_value(const void *rec, int field, struct val *v)
{
    const struct sr_report_hazard *h = rec;

    v->type = V_BLANK;
    switch ((enum sr_field_hazard)field) {
    case SR_FH_ID: num_val(v, (double)h->id); break;
    case SR_FH_CODE: str_val(v, h->code); break;
    case SR_FH_SCHOOL_NAME: str_val(v, h->school_name); break;
    case SR_FH_DISTRICT: str_val(v, h->district); break;
    case SR_FH_DISTRICT_NAME: str_val(v, h->district_name); break;
    case SR_FH_ITEM: str_val(v, h->item); break;
    case SR_FH_ITEM_TITLE: str_val(v, h->item_title); break;
    case SR_FH_DESCRIPTION: str_val(v, h->description); break;
    case SR_FH_LEVEL: str_val(v, sr_hazard_label(h->level)); break;
    case SR_FH_FOUND_ON: str_val(v, h->found_on); break;
    case SR_FH_FOUND_BY: str_val(v, h->found_by); break;
    case SR_FH_RESPONSIBLE: str_val(v, h->responsible); break;
    case SR_FH_MEASURES: str_val(v, h->measures); break;
    case SR_FH_DEADLINE: str_val(v, h->deadline); break;
    case SR_FH_STATUS: str_val(v, sr_hazard_status_label(h->status)); break;
    case SR_FH_CLOSED_ON: str_val(v, h->closed_on); break;
    case SR_FH_DAYS_OVERDUE: num_val(v, (double)h->days_overdue); break;
    case SR_FH_DAYS_LATE: num_val(v, (double)h->days_late); break;
    case SR_FH_OVERDUE: bool_val(v, h->days_overdue > 0); break;
    case SR_FH_SUPERVISED: bool_val(v, h->supervised); break;
    case SR_FH_RECURRENT_OF:
        if (h->recurrent_of > 0)
            num_val(v, (double)h->recurrent_of);
        break;
    case SR_FH_COUNT: break;
    }
}

static int
hazard_fill(const void *rec)
{
    const struct sr_report_hazard *h = rec;

    return h->days_overdue > 0 ? FILL_OVERDUE : FILL_NONE;
}

/* --------------------------------------------------------------------
 * Sheets
 * ------------------------------------------------------------------ */

/* Header and footer text: '&' starts a control code there, so a name
 * with '&' is doubled.  Returns 0 when it does not fit. */
static int
hf_escape(char *buf, size_t size, const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        if (n + 3 > size)
            return 0;
        if (*s == '&')
            buf[n++] = '&';
        buf[n++] = *s;
    }
    buf[n] = '\0';
    return 1;
}

/* A4 landscape, one page wide, rows r1..r2 repeated (none when
 * @p repeat is false), page numbers. */
static void
page_setup_opt(struct wctx *w, lxw_worksheet *ws, const char *title,
               bool repeat, lxw_row_t r1, lxw_row_t r2)
{
    char name[120], t[120], period[80], hdr[400];
    lxw_header_footer_options opt;

    memset(&opt, 0, sizeof(opt));
    opt.margin = 0.3;
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    if (repeat)
        keep(w, worksheet_repeat_rows(ws, r1, r2));
    /* Excel allows 255 characters: fall back to the title alone. */
    if (hf_escape(name, sizeof(name), w->org ? w->org : "") &&
        hf_escape(t, sizeof(t), title) &&
        hf_escape(period, sizeof(period), w->period->name) &&
        strlen(name) + strlen(t) + strlen(period) < 200)
        snprintf(hdr, sizeof(hdr), "&L%s&C%s&R%s", name, t, period);
    else
        snprintf(hdr, sizeof(hdr), "&C%s", title);
    keep(w, worksheet_set_header_opt(ws, hdr, &opt));
    keep(w, worksheet_set_footer_opt(ws, w->footer, &opt));
}

static void
page_setup(struct wctx *w, lxw_worksheet *ws, const char *title,
           lxw_row_t r1, lxw_row_t r2)
{
    page_setup_opt(w, ws, title, true, r1, r2);
}

/* Footer when the layout gives none. */
#define DEFAULT_FOOTER "第 {页码} 页，共 {总页数} 页"

/* The front matter's words from the layout's sheet 文字, expanded for
 * this workbook: its title (or @p title_default), its 填报单位 and its
 * footer.  The bureau owns them; the code only has neutral defaults. */
static void
words(struct wctx *w, const char *code, const char *title_default)
{
    const struct sr_layout *l = w->layout;
    struct sr_layout_vars v = {w->org, w->period->name, NULL};
    const char *unit = sr_layout_unit_for(l, code, w->org);
    char *footer, *body;

    if (unit) {
        w->unit_text = sr_layout_expand(unit, &v, 0);
        if (!w->unit_text)
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    v.unit = w->unit_text;
    w->title_text = sr_layout_expand(l->text.title ? l->text.title
                                                   : title_default, &v, 0);
    footer = sr_layout_expand(l->text.footer ? l->text.footer
                                             : DEFAULT_FOOTER, &v, 1);
    body = sr_layout_expand(DEFAULT_FOOTER, &v, 1);
    if (!w->title_text || !footer || !body)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    /* Excel allows 255 characters in a footer: a longer one (a long
     * unit's name) falls back to the page numbers alone. */
    snprintf(w->footer, sizeof(w->footer), "&C%s",
             footer && strlen(footer) < 240 ? footer : body ? body : "");
    free(footer);
    free(body);
}

/* The signature line at @p row over columns 0..@p last: each of the
 * layout's labels with a blank to sign on ("审核人：__________"), or
 * 填报人 / 审核人 / 日期 when the layout names none. */
static void
write_signatures(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
                 lxw_col_t last, double width)
{
    static const char *const fallback[] = {"填报人", "审核人", "日期"};
    const struct sr_layout_text *t = &w->layout->text;
    const char *const *labels = t->n_signatures
                                    ? (const char *const *)t->signatures
                                    : fallback;
    size_t n = t->n_signatures ? t->n_signatures : 3, i;
    struct sr_buf b;
    int bad = 0;

    sr_buf_init(&b);
    for (i = 0; i < n && !bad; i++)
        bad = sr_buf_addf(&b, "%s%s：__________", i ? "　　" : "",
                          labels[i]) != SR_OK;
    if (bad) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        sr_buf_release(&b);
        return;
    }
    fit_row(w, ws, row, sr_layout_text_lines(b.p, width));
    if (last > 0)
        merge(w, ws, row, 0, row, last, b.p, w->sign);
    else
        put_str(w, ws, row, 0, b.p, w->sign);
    sr_buf_release(&b);
}

struct table_src {
    const void *rows;
    size_t n, size;
    void (*value)(const void *rec, int field, struct val *v);
    int (*fill)(const void *rec);
    const void *total; /* a total row after the data (outside the
                          filter), or NULL */
};

/* How many lines a wrapped heading takes in a column @p width wide:
 * at most 6, whatever a layout file says. */
static int
heading_lines(const char *heading, double width)
{
    int lines = sr_layout_text_lines(heading, width);

    return lines < 6 ? lines : 6;
}

/* A tabular sheet: header at row @p hdr, data below, columns from the
 * layout; frozen header, autofilter, header repeated in print. */
static void
write_table(struct wctx *w, lxw_worksheet *ws, int sheet,
            const struct sr_layout_columns *cols, lxw_row_t hdr,
            const struct table_src *src)
{
    size_t i, c;
    struct val v;
    lxw_row_t row;

    int lines = 2;

    for (c = 0; c < cols->n; c++) {
        int l = heading_lines(cols->v[c].heading, cols->v[c].width);

        keep(w, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                                     cols->v[c].width, NULL));
        put_str(w, ws, hdr, (lxw_col_t)c, cols->v[c].heading, w->hdr);
        if (l > lines)
            lines = l;
    }
    keep(w, worksheet_set_row(ws, hdr, LINE_PT * lines, NULL));
    /* Before the rows: constant_memory mode has flushed them after. */
    keep(w, worksheet_autofilter(ws, hdr, 0, hdr + (lxw_row_t)src->n,
                                 (lxw_col_t)(cols->n - 1)));
    for (i = 0; i <= src->n; i++) {
        const void *rec = i < src->n ?
                              (const char *)src->rows + i * src->size :
                              src->total;
        int fill;

        if (!rec)
            break;
        fill = i < src->n ? src->fill(rec) : FILL_TOTAL;
        row = hdr + 1 + (lxw_row_t)i;
        /* The height first: constant_memory mode writes a row out once
         * the next one starts. */
        lines = 1;
        for (c = 0; c < cols->n; c++) {
            int l;

            if (strcmp(sr_layout_column_format(sheet, &cols->v[c]), "@"))
                continue;
            src->value(rec, cols->v[c].field, &v);
            if (v.type != V_STR)
                continue;
            l = sr_layout_text_lines(v.s, cols->v[c].width);
            if (l > lines)
                lines = l;
        }
        fit_row(w, ws, row, lines);
        for (c = 0; c < cols->n; c++) {
            const char *num =
                sr_layout_column_format(sheet, &cols->v[c]);

            src->value(rec, cols->v[c].field, &v);
            put(w, ws, row, (lxw_col_t)c, &v, cell_format(w, num, fill));
        }
    }
    worksheet_freeze_panes(ws, hdr + 1, 0);
    page_setup(w, ws, sr_layout_sheet_name(sheet), hdr, hdr);
}

/* The width of column @p c of a sheet laid out by @p cols: Excel's
 * default past its last column. */
static double
col_width(const struct sr_layout_columns *cols, size_t c)
{
    return c < cols->n ? cols->v[c].width : LXW_DEF_COL_WIDTH;
}

/* A row of @p n headings from column @p first on, outside a table's
 * header (above it or below it), as tall as they need. */
static void
put_heads(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
          const struct sr_layout_columns *cols, size_t first,
          const char *const *names, size_t n)
{
    size_t i;
    int lines = 1, l;

    for (i = 0; i < n; i++) {
        l = sr_layout_text_lines(names[i], col_width(cols, first + i));
        if (l > lines)
            lines = l;
    }
    fit_row(w, ws, row, lines);
    for (i = 0; i < n; i++)
        put_str(w, ws, row, (lxw_col_t)(first + i), names[i], w->hdr);
}

static lxw_worksheet *
add_sheet(struct wctx *w, const char *name)
{
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);

    if (!ws)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return ws;
}

static const char *const band_kpi_label[4] = {
    "低风险（蓝色）学校数", "一般风险（黄色）学校数",
    "较大风险（橙色）学校数", "重大风险（红色）学校数"};

/* "num/den", or "-" */
static void
fraction(char *buf, size_t size, struct sr_rate rt)
{
    if (rt.den == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%zu/%zu", rt.num, rt.den);
}

static void
kpi_count(struct wctx *w, lxw_worksheet *ws, lxw_row_t *row,
          const char *label, size_t n, const char *note)
{
    put_str(w, ws, *row, 0, label, w->label);
    put_num(w, ws, *row, 1, (double)n, w->num0);
    put_str(w, ws, *row, 2, note, w->text);
    (*row)++;
}

/* The rule of 未评估, on 说明 when a school is unassessed on some
 * element. */
static const char unassessed_rule[] =
    "四个100%中的未评估指学校所用指标体系未设置该要素的检查项：该要素的"
    "达标率 = 达到学校数 / （名录学校数 − 未评估学校数）；四项中有未评估、"
    "其余均达到的学校计为未评估，不计为达到，也不计为未达到；有未评估学校"
    "的区县不计为实现四个100%。";

/* The district workbook's own rules on 说明: 未评估 alone, when a
 * school is unassessed on some element. */
static const char *const district_rules[] = {unassessed_rule};

/* Whether a district (or the city) has schools unassessed (未评估) on
 * some element: the workbook then says how many and how they count. */
static bool
any_unassessed(const struct sr_report_kpis *k)
{
    int e;

    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (k->baseline_unassessed[e])
            return true;
    return false;
}

/* The 计算 cell of a rate that leaves out schools unassessed on it. */
static void
unassessed_note(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
                struct sr_rate rt, size_t unassessed)
{
    char note[64], text[128];

    fraction(note, sizeof(note), rt);
    snprintf(text, sizeof(text), "%s；未评估%zu所", note, unassessed);
    put_str(w, ws, row, 2, text, w->text);
}

static void
kpi_rate(struct wctx *w, lxw_worksheet *ws, lxw_row_t *row,
         const char *label, struct sr_rate rt)
{
    char note[64];

    fraction(note, sizeof(note), rt);
    put_str(w, ws, *row, 0, label, w->label);
    put_rate(w, ws, *row, 1, rt);
    put_str(w, ws, *row, 2, note, w->text);
    (*row)++;
}

/* Two digits at @p s, or -1. */
static int
two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* A UTC time "2026-12-31T09:00:00Z" (seconds and fractions optional)
 * as a Chinese reader reads it, in China time (UTC+8, no daylight
 * saving): "2026年12月31日 17:00".  0 when @p utc is not such a time
 * (then it is shown as it is). */
static int
china_time(const char *utc, char *buf, size_t size)
{
    struct tm tm;
    time_t t;
    size_t n;
    int year, v[4], i;
    static const size_t at[4] = {5, 8, 11, 14};

    if (!utc)
        return 0;
    n = strlen(utc);
    if (n < 17 || utc[n - 1] != 'Z' || utc[4] != '-' || utc[7] != '-' ||
        utc[10] != 'T' || utc[13] != ':')
        return 0;
    if (two_digits(utc) < 0 || two_digits(utc + 2) < 0)
        return 0;
    year = two_digits(utc) * 100 + two_digits(utc + 2);
    for (i = 0; i < 4; i++) {
        v[i] = two_digits(utc + at[i]);
        if (v[i] < 0)
            return 0;
    }
    if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 31 || v[2] > 23 ||
        v[3] > 59)
        return 0;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = v[0] - 1;
    tm.tm_mday = v[1];
    tm.tm_hour = v[2];
    tm.tm_min = v[3];
    t = timegm(&tm) + 8 * 3600;
    if (!gmtime_r(&t, &tm))
        return 0;
    snprintf(buf, size, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return 1;
}

/* The indicator systems as 概况 names them: "junior 2026.1、primary
 * 2026.1", each without its hash (说明 lists the hashes).  A new string
 * (free it), or NULL when out of memory. */
static char *
systems_short(char *const *systems, size_t n)
{
    struct sr_buf sb;
    const char *hash;
    size_t i;
    int bad = 0;

    sr_buf_init(&sb);
    for (i = 0; i < n && !bad; i++) {
        hash = strstr(systems[i], " sha256 ");
        bad = (i && sr_buf_add(&sb, "、", strlen("、"))) ||
              sr_buf_add(&sb, systems[i],
                         hash ? (size_t)(hash - systems[i])
                              : strlen(systems[i]));
    }
    if (bad) {
        sr_buf_release(&sb);
        return NULL;
    }
    return sr_buf_detach(&sb);
}

/* 概况's columns: the labels, then five value columns. */
#define OVERVIEW_LABEL_W 46
#define OVERVIEW_VALUE_W 13

static void
write_overview(struct wctx *w, lxw_worksheet *ws)
{
    const struct sr_report_district *r = w->r;
    const struct sr_report_kpis *k = &r->kpis;
    char buf[512], when[64];
    char *systems = NULL, *text;
    lxw_row_t row, band_row, stage_first, stage_last, chart_row;
    size_t i;
    int e, st;
    struct sr_rate rt;
    lxw_chart *bands = NULL, *col = NULL;
    lxw_chart_series *ser;
    lxw_chart_fill fills[4];
    lxw_chart_point pts[4];
    lxw_chart_point *ptv[5];
    lxw_chart_options copt;

    /* Wide enough for the longest KPI label (四个100%：一键式…达标率). */
    keep(w, worksheet_set_column(ws, 0, 0, OVERVIEW_LABEL_W, NULL));
    keep(w, worksheet_set_column(ws, 1, 5, OVERVIEW_VALUE_W, NULL));
    /* The title from the layout (words()). */
    if (w->title_text)
        merge(w, ws, 0, 0, 0, 5, w->title_text, w->title);
    keep(w, worksheet_set_row(ws, 0, 28, NULL));

    put_str(w, ws, 1, 0, "区县", w->label);
    put_str(w, ws, 2, 0, "统计期", w->label);
    put_str(w, ws, 3, 0, "生成日期", w->label);
    put_str(w, ws, 4, 0, "指标体系版本", w->label);
    systems = systems_short(r->systems, r->n_systems);
    if (!systems)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else if (!systems[0]) {
        free(systems);
        systems = NULL;
    }
    /* Spreadsheets do not grow merged rows to their text either. */
    fit_row(w, ws, 4,
            sr_layout_text_lines(systems, 5 * OVERVIEW_VALUE_W));
    merge(w, ws, 4, 1, 4, 5, systems ? systems : "-", w->wrap);
    free(systems);
    for (row = 1; row < 4; row++)
        keep(w, worksheet_merge_range(ws, row, 1, row, 5, "", w->text));
    /* merge_range writes its own (empty) text: the values come after. */
    text = sr_asprintf("%s（%s）", r->name ? r->name : "",
                       r->code ? r->code : "");
    if (!text)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        put_str(w, ws, 1, 1, text, w->text);
    free(text);
    snprintf(buf, sizeof(buf), "%s（%s 至 %s）", r->period.name,
             r->period.start, r->period.end);
    put_str(w, ws, 2, 1, buf, w->text);
    put_str(w, ws, 3, 1,
            china_time(w->meta->generated_at, when, sizeof(when)) ? when
            : w->meta->generated_at ? w->meta->generated_at : "-",
            w->text);
    if (w->unit_text) {
        put_str(w, ws, 5, 0, "填报单位", w->label);
        merge(w, ws, 5, 1, 5, 5, w->unit_text, w->text);
    }

    row = 6;
    put_str(w, ws, row, 0, "指标", w->hdr);
    put_str(w, ws, row, 1, "数值", w->hdr);
    put_str(w, ws, row, 2, "计算", w->hdr);
    row++;
    kpi_count(w, ws, &row, "学校数", k->schools, "名录内学校");
    kpi_count(w, ws, &row, "已评估", k->assessed, "期末有效评估");
    kpi_rate(w, ws, &row, "评估覆盖率", k->coverage);
    kpi_count(w, ws, &row, "达标数", k->compliant, "");
    kpi_rate(w, ws, &row, "达标率", k->compliance);
    band_row = row;
    for (i = 0; i < 4; i++)
        kpi_count(w, ws, &row, band_kpi_label[i], k->bands[i], "");
    kpi_count(w, ws, &row, "一票否决", k->vetoed, "");
    for (e = 0; e < SR_BASELINE_COUNT; e++) {
        snprintf(buf, sizeof(buf), "四个100%%：%s达标率",
                 sr_baseline_label(e));
        kpi_rate(w, ws, &row, buf, k->baseline_rate[e]);
        if (k->baseline_unassessed[e])
            unassessed_note(w, ws, row - 1, k->baseline_rate[e],
                            k->baseline_unassessed[e]);
    }
    put_str(w, ws, row, 0, "是否实现四个100%", w->label);
    put_str(w, ws, row, 1, k->four_100 ? "是" : "否", w->text);
    put_str(w, ws, row, 2, "", w->text);
    row++;
    if (any_unassessed(k)) {
        snprintf(buf, sizeof(buf), "达到%zu所，未达到%zu所，未评估%zu所",
                 k->four_met, k->schools - k->four_met - k->four_unassessed,
                 k->four_unassessed);
        put_str(w, ws, row, 0, "四个100%学校数", w->label);
        merge(w, ws, row, 1, row, 2, buf, w->text);
        row++;
    }
    kpi_count(w, ws, &row, "隐患发现数", k->hazards_found, "统计期内发现");
    kpi_count(w, ws, &row, "隐患销号数", k->hazards_closed,
              "统计期内销号");
    kpi_count(w, ws, &row, "逾期销号数", k->hazards_closed_late,
              "销号晚于整改期限");
    kpi_count(w, ws, &row, "未整改隐患", k->hazards_open, "期末未销号");
    kpi_count(w, ws, &row, "逾期隐患", k->hazards_overdue,
              "期末未销号且超期");
    kpi_rate(w, ws, &row, "整改率", k->rectification);
    kpi_count(w, ws, &row, "未整改重大隐患", k->open_major, "期末未销号");

    /* By stage: the table, the two charts and the signatures on the
     * second page, so that the table's heading is never cut from its
     * rows (the figures above fill the first page). */
    row++;
    {
        lxw_row_t breaks[2] = {row, 0};

        keep(w, worksheet_set_h_pagebreaks(ws, breaks));
    }
    put_str(w, ws, row++, 0, "分学段情况", w->bold);
    put_str(w, ws, row, 0, "学段", w->hdr);
    put_str(w, ws, row, 1, "学校数", w->hdr);
    put_str(w, ws, row, 2, "已评估", w->hdr);
    put_str(w, ws, row, 3, "评估覆盖率", w->hdr);
    put_str(w, ws, row, 4, "达标数", w->hdr);
    put_str(w, ws, row, 5, "达标率", w->hdr);
    row++;
    stage_first = row;
    for (st = 0; st < SR_STAGE_COUNT; st++) {
        const struct sr_report_stage *s = &k->stages[st];

        if (s->schools == 0)
            continue;
        put_str(w, ws, row, 0, sr_stage_label(s->stage), w->label);
        put_num(w, ws, row, 1, (double)s->schools, w->num0);
        put_num(w, ws, row, 2, (double)s->assessed, w->num0);
        rt.num = s->assessed;
        rt.den = s->schools;
        put_rate(w, ws, row, 3, rt);
        put_num(w, ws, row, 4, (double)s->compliant, w->num0);
        rt.num = s->compliant;
        put_rate(w, ws, row, 5, rt);
        row++;
    }
    put_str(w, ws, row, 0, "合计", w->label);
    put_num(w, ws, row, 1, (double)k->schools, w->num0);
    put_num(w, ws, row, 2, (double)k->assessed, w->num0);
    put_rate(w, ws, row, 3, k->coverage);
    put_num(w, ws, row, 4, (double)k->compliant, w->num0);
    put_rate(w, ws, row, 5, k->compliance);
    /* With no stage rows, the chart shows the total line. */
    stage_last = row > stage_first ? row - 1 : row;
    row += 2;

    /* Charts: Excel computes them from the cells on opening. */
    chart_row = row;
    /* A bar per band, not a pie: 218 schools against 1 and 1 leave
     * slices too thin for their labels, which then print on top of
     * each other; bars keep every count readable. */
    bands = workbook_add_chart(w->wb, LXW_CHART_BAR);
    col = workbook_add_chart(w->wb, LXW_CHART_COLUMN);
    if (!bands || !col) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_title_set_name(bands, "风险等级分布");
    ser = chart_add_series(bands, NULL, NULL);
    if (!ser) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_series_set_categories(ser, "概况", band_row, 0, band_row + 3, 0);
    chart_series_set_values(ser, "概况", band_row, 1, band_row + 3, 1);
    chart_series_set_name(ser, "学校数");
    chart_series_set_labels(ser);
    {
        static const lxw_color_t c[4] = {0x5B9BD5, 0xFFD966, 0xF4B183,
                                         0xFF6F6F};
        for (i = 0; i < 4; i++) {
            memset(&fills[i], 0, sizeof(fills[i]));
            fills[i].color = c[i];
            memset(&pts[i], 0, sizeof(pts[i]));
            pts[i].fill = &fills[i];
            ptv[i] = &pts[i];
        }
        ptv[4] = NULL;
    }
    keep(w, chart_series_set_points(ser, ptv));
    chart_series_set_labels_position(ser,
                                     LXW_CHART_LABEL_POSITION_OUTSIDE_END);
    /* 低风险 on top, as in the table. */
    chart_axis_set_reverse(bands->y_axis);
    chart_axis_set_crossing_max(bands->y_axis);
    chart_axis_set_min(bands->x_axis, 0);
    chart_axis_set_num_format(bands->x_axis, "0");
    chart_set_series_gap(bands, 50);
    chart_legend_set_position(bands, LXW_CHART_LEGEND_NONE);

    chart_title_set_name(col, "分学段达标情况");
    ser = chart_add_series(col, NULL, NULL);
    if (!ser) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_series_set_categories(ser, "概况", stage_first, 0, stage_last, 0);
    chart_series_set_values(ser, "概况", stage_first, 1, stage_last, 1);
    chart_series_set_name(ser, "学校数");
    ser = chart_add_series(col, NULL, NULL);
    if (!ser) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_series_set_categories(ser, "概况", stage_first, 0, stage_last, 0);
    chart_series_set_values(ser, "概况", stage_first, 4, stage_last, 4);
    chart_series_set_name(ser, "达标数");
    chart_legend_set_position(col, LXW_CHART_LEGEND_BOTTOM);
    /* Side by side under the table: the bands over the label column
     * and the first value column, the stages over the other four (a
     * column of width W characters is about 7 W + 5 pixels; a chart is
     * 480 pixels wide at scale 1). */
    memset(&copt, 0, sizeof(copt));
    copt.x_scale = (7.0 * (OVERVIEW_LABEL_W + OVERVIEW_VALUE_W) + 10) / 480;
    copt.y_scale = 1.0;
    keep(w, worksheet_insert_chart_opt(ws, chart_row, 0, bands, &copt));
    copt.x_scale = (7.0 * 4 * OVERVIEW_VALUE_W + 20) / 480;
    copt.x_offset = 4;
    keep(w, worksheet_insert_chart_opt(ws, chart_row, 2, col, &copt));

    write_signatures(w, ws, chart_row + 16, 5,
                     OVERVIEW_LABEL_W + 5 * OVERVIEW_VALUE_W);
    page_setup(w, ws, "概况", 0, 0);
}

/* The width of 说明's columns. */
#define NOTE_LABEL_W 16
#define NOTE_TEXT_W 100

static void
note_row(struct wctx *w, lxw_worksheet *ws, lxw_row_t *row,
         const char *label, const char *text)
{
    fit_row(w, ws, *row, sr_layout_text_lines(text, NOTE_TEXT_W));
    put_str(w, ws, *row, 0, label, w->label);
    put_str(w, ws, *row, 1, text && text[0] ? text : "-", w->wrap);
    (*row)++;
}

/* 说明: the scope, the period and its rules (the common ones, then
 * @p extra), the indicator systems, who generated it when, the audit
 * chain head. */
static void
write_notes(struct wctx *w, lxw_worksheet *ws, const char *scope_label,
            const char *scope, const char *const *extra, size_t n_extra,
            char *const *systems, size_t n_systems)
{
    const struct sr_period *p = w->period;
    char buf[512], when[64];
    char *text;
    lxw_row_t row = 0;
    size_t i;

    keep(w, worksheet_set_column(ws, 0, 0, NOTE_LABEL_W, NULL));
    keep(w, worksheet_set_column(ws, 1, 1, NOTE_TEXT_W, NULL));
    put_str(w, ws, row++, 0, "说明", w->bold);
    put_str(w, ws, row, 0, "项目", w->hdr);
    put_str(w, ws, row, 1, "内容", w->hdr);
    row++;
    note_row(w, ws, &row, scope_label, scope);
    snprintf(buf, sizeof(buf), "%s（%s 至 %s）", p->name, p->start,
             p->end);
    note_row(w, ws, &row, "统计期", buf);
    if (w->locked)
        note_row(w, ws, &row, "签批锁定", w->locked);
    snprintf(buf, sizeof(buf), "学校的评估结果取统计期末（%s）或之前最近"
             "一次已提交、且在期末仍在指标体系有效期内的评估；没有的计为"
             "未评估。", p->end);
    note_row(w, ws, &row, "统计规则", buf);
    note_row(w, ws, &row, "统计规则",
             "评估覆盖率 = 已评估学校数 / 名录学校数；达标率 = 达标学校数 "
             "/ 名录学校数；风险等级与一票否决按已评估学校统计；分母为 0 "
             "时显示“-”。");
    note_row(w, ws, &row, "统计规则",
             "隐患按统计期末的状态统计：期末或之前销号的为已销号，期末未"
             "销号且已过整改期限的为逾期；发现数、销号数与整改率按统计期内"
             "发现的隐患计算（整改率 = 其中已销号数 / 发现数）。");
    _Static_assert(SR_BASELINE_COUNT == 4, "the sentence names four");
    snprintf(buf, sizeof(buf),
             "四个100%%指%s、%s、%s、%s四项要素（表格列标题可能用简称）；"
             "按统计期末的情况统计，名录内全部学校四项均达到即为实现四个"
             "100%%。",
             sr_baseline_label(0), sr_baseline_label(1),
             sr_baseline_label(2), sr_baseline_label(3));
    note_row(w, ws, &row, "统计规则", buf);
    for (i = 0; i < n_extra; i++)
        note_row(w, ws, &row, "统计规则", extra[i]);
    if (n_systems == 0)
        note_row(w, ws, &row, "指标体系", "-");
    for (i = 0; i < n_systems; i++)
        note_row(w, ws, &row, "指标体系", systems[i]);
    /* China time, and the stored UTC time the audit log shows. */
    text = NULL;
    if (china_time(w->meta->generated_at, when, sizeof(when))) {
        text = sr_asprintf("%s（北京时间；%s）", when,
                           w->meta->generated_at);
        if (!text)
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    note_row(w, ws, &row, "生成时间", text ? text : w->meta->generated_at);
    free(text);
    note_row(w, ws, &row, "生成人", w->meta->generated_by);
    note_row(w, ws, &row, "审计链头", w->meta->audit_head);
    note_row(w, ws, &row, "核验",
             "本工作簿的每项数字均可按上述规则由数据库复算；审计链头用于"
             "核验数据库在生成之后未被篡改（schoolrisk audit verify）。");
    page_setup(w, ws, "说明", 1, 1);
}

/* --------------------------------------------------------------------
 * The file
 *
 * libxlsxwriter opens the memfd by its name in /proc/self/fd and writes
 * the zip there; deliver() then copies it to ".NAME.XXXXXX" next to the
 * target, flushes it, renames it over the target and flushes the
 * directory, so the target is the old file or the whole new one at
 * every instant.  Without memfd or /proc (a bare chroot) libxlsxwriter
 * writes that temporary file itself, and a full disk then also shows
 * its "[ERROR]" lines.  A temporary file is removed on every error; only
 * a kill during the copy leaves one (hidden, its name starting with a
 * dot).
 * ------------------------------------------------------------------ */

/* Open a new file ".BASE.XXXXXX" next to @p path (with the mode of a
 * new file: 0666 less the umask, unlike mkstemp's 0600).  Returns its
 * path (free it) with *fd open for reading and writing, or NULL with
 * errno set. */
static char *
open_temp(const char *path, int *fd)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    size_t blen = strlen(base), size, end;
    uint64_t x;
    char *tmp;
    int i, k, err = EEXIST;

    /* A name holds 255 bytes: keep 200 of the base, whole characters. */
    if (blen > 200) {
        blen = 200;
        while (blen > 0 && ((unsigned char)base[blen] & 0xC0) == 0x80)
            blen--;
    }
    size = dir + 1 + blen + 8 + 1;
    tmp = malloc(size);
    if (!tmp) {
        errno = ENOMEM;
        return NULL;
    }
    snprintf(tmp, size, "%.*s.%.*s.", (int)dir, path, (int)blen, base);
    end = strlen(tmp);
    for (i = 0; i < 100; i++) {
        if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t)sizeof(x))
            x = (uint64_t)getpid() * 0x9E3779B97F4A7C15u ^
                (uint64_t)(uintptr_t)tmp ^ (uint64_t)i << 48;
        for (k = 0; k < 6; k++) {
            tmp[end + (size_t)k] = set[x % (sizeof(set) - 1)];
            x /= sizeof(set) - 1;
        }
        tmp[end + 6] = '\0';
        *fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0)
            return tmp;
        err = errno;
        if (err != EEXIST)
            break;
    }
    free(tmp);
    errno = err;
    return NULL;
}

/* The file to replace for @p path: a symbolic link is followed, so
 * that the file it points to is replaced and the link kept (as when
 * the file was written in place).  0 or ENOMEM. */
static int
scratch_target(struct scratch *o, const char *path)
{
    struct stat sb;

    o->fd = -1;
    o->tmp = NULL;
    o->lxw[0] = '\0';
    o->target = NULL;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
        o->target = realpath(path, NULL);
    if (!o->target)
        o->target = sr_strdup(path);
    return o->target ? 0 : ENOMEM;
}

/* Set up where libxlsxwriter writes, for o->target.  0, or an errno
 * value. */
static int
scratch_open(struct scratch *o)
{
    int probe;

    o->fd = memfd_create("schoolrisk-xlsx", MFD_CLOEXEC);
    if (o->fd >= 0) {
        snprintf(o->lxw, sizeof(o->lxw), "/proc/self/fd/%d", o->fd);
        probe = open(o->lxw, O_WRONLY | O_CLOEXEC);
        if (probe >= 0) {
            close(probe);
            return 0;
        }
        close(o->fd);
        o->fd = -1;
        o->lxw[0] = '\0';
    }
    o->tmp = open_temp(o->target, &o->fd);
    return o->tmp ? 0 : errno;
}

/* Close and remove what is left; @p o can be set up again. */
static void
scratch_release(struct scratch *o)
{
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->target);
    o->fd = -1;
    o->tmp = NULL;
    o->target = NULL;
}

/* Copy all of @p from to @p to.  0, or an errno value. */
static int
copy_all(int from, int to)
{
    char buf[65536];
    ssize_t n, w;
    size_t done;

    if (lseek(from, 0, SEEK_SET) != 0)
        return errno;
    for (;;) {
        n = read(from, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return 0;
        for (done = 0; done < (size_t)n; done += (size_t)w) {
            w = write(to, buf + done, (size_t)n - done);
            if (w < 0 && errno == EINTR) {
                w = 0;
                continue;
            }
            if (w < 0)
                return errno;
        }
    }
}

/* Put the workbook libxlsxwriter wrote at the target (see above).  A
 * target that exists and is not a regular file (a pipe, /dev/stdout)
 * cannot be replaced: it is written in place.  0, or an errno value;
 * *dir_only is set when only flushing the directory failed (the new
 * workbook is in place, its rename maybe not yet on disk). */
static int
deliver(struct scratch *o, bool *dir_only)
{
    struct stat sb;
    char *dir;
    int fd, err = 0;

    *dir_only = false;
    if (stat(o->target, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        fd = open(o->target, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0)
            return errno;
        err = copy_all(o->fd, fd);
        if (close(fd) != 0 && !err)
            err = errno;
        return err;
    }
    if (!o->tmp) {
        fd = -1;
        o->tmp = open_temp(o->target, &fd);
        if (!o->tmp)
            return errno;
        err = copy_all(o->fd, fd);
        close(o->fd);
        o->fd = fd;
        if (err)
            return err;
    }
    if (fsync(o->fd) != 0)
        return errno;
    fd = o->fd;
    o->fd = -1;
    if (close(fd) != 0)
        return errno;
    if (rename(o->tmp, o->target) != 0)
        return errno;
    free(o->tmp);
    o->tmp = NULL;
    /* The rename is durable once the directory is flushed. */
    dir = strrchr(o->target, '/') ?
              sr_strndup(o->target, (size_t)(strrchr(o->target, '/') -
                                             o->target) + 1) :
              sr_strdup(".");
    if (!dir)
        return ENOMEM;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        err = errno;
        *dir_only = true;
    }
    if (fd >= 0)
        close(fd);
    free(dir);
    return err;
}

/* --------------------------------------------------------------------
 * The workbook
 * ------------------------------------------------------------------ */

/* Check the path and start a workbook (*out owns it); on failure *out
 * is NULL and the message is in meta->diags.  The path is checked
 * before anything is made, with a clear message, because libxlsxwriter
 * would print its own. */
static sr_error
begin(struct wctx **out, const char *path, const struct sr_report_meta *meta,
      int constant_memory)
{
    lxw_workbook_options opt;
    struct wctx *w;
    char msg[600];
    int err;

    *out = NULL;
    w = calloc(1, sizeof(*w));
    if (!w)
        return SR_ERR_NOMEM;
    w->meta = meta;
    err = scratch_target(&w->out, path);
    if (!err)
        err = path_writable(w->out.target);
    if (!err)
        err = scratch_open(&w->out);
    if (err) {
        scratch_release(&w->out);
        free(w);
        if (err == ENOMEM)
            return SR_ERR_NOMEM;
        snprintf(msg, sizeof(msg), _("cannot write '%s': %s"), path,
                 strerror(err));
        return fail(meta, SR_ERR_IO, msg);
    }
    memset(&opt, 0, sizeof(opt));
    opt.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    w->wb = workbook_new_opt(w->out.lxw[0] ? w->out.lxw : w->out.tmp, &opt);
    if (!w->wb) {
        scratch_release(&w->out);
        free(w);
        return SR_ERR_NOMEM;
    }
    make_formats(w);
    *out = w;
    return SR_OK;
}

/* The time of @p at ("2026-10-08T01:30:00Z"), or 0 (libxlsxwriter then
 * takes the time of writing) for any other text. */
static time_t
generated_time(const char *at)
{
    struct tm tm;
    char z = 0;

    memset(&tm, 0, sizeof(tm));
    if (!at || sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year,
                      &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                      &tm.tm_sec, &z) != 7 || z != 'Z')
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* Set the document properties, write the file and free @p w, whatever
 * happened. */
static sr_error
finish(struct wctx *w, const char *path, const char *title,
       const char *keywords, const char *company)
{
    const struct sr_report_meta *meta = w->meta;
    sr_error rc = SR_OK;
    lxw_doc_properties props;
    char *comments;
    char msg[600];
    lxw_error lerr;
    bool dir_only = false;
    int err;

    comments = sr_asprintf("audit chain head: %s",
                           meta->audit_head ? meta->audit_head : "-");
    if (!title || !keywords || !comments) {
        rc = SR_ERR_NOMEM;
        goto cleanup;
    }
    memset(&props, 0, sizeof(props));
    /* libxlsxwriter copies the strings; the casts only drop const. */
    props.title = (char *)title;
    props.subject = (char *)"中小学校园安全风险评估";
    props.author = (char *)(meta->generated_by ? meta->generated_by
                                               : "schoolrisk");
    props.company = (char *)company;
    props.category = (char *)"校园安全";
    props.keywords = (char *)keywords;
    props.comments = comments;
    /* Created when generated: the same time for every workbook of a
     * `report all`, whose threads write workbooks at once, so that
     * libxlsxwriter's gmtime() (one static result for the process)
     * formats the same value whichever thread calls it. */
    props.created = generated_time(meta->generated_at);
    keep(w, workbook_set_properties(w->wb, &props));

    if (w->lerr) {
        snprintf(msg, sizeof(msg), _("cannot build workbook '%s': %s"),
                 path, lxw_strerror(w->lerr));
        rc = fail(meta, w->lerr == LXW_ERROR_MEMORY_MALLOC_FAILED ?
                            SR_ERR_NOMEM : SR_ERR_INTERNAL, msg);
        goto cleanup;
    }
    lerr = workbook_close(w->wb);
    w->wb = NULL; /* closed and freed, whatever the result */
    if (lerr != LXW_NO_ERROR) {
        snprintf(msg, sizeof(msg), _("cannot write '%s': %s"), path,
                 lxw_strerror(lerr));
        rc = fail(meta, SR_ERR_IO, msg);
        goto cleanup;
    }
    err = deliver(&w->out, &dir_only);
    if (err == ENOMEM) {
        rc = SR_ERR_NOMEM;
    } else if (dir_only) {
        snprintf(msg, sizeof(msg),
                 _("'%s' was written but its directory cannot be flushed: "
                   "%s"),
                 path, strerror(err));
        rc = fail(meta, SR_ERR_IO, msg);
    } else if (err) {
        snprintf(msg, sizeof(msg), _("cannot write '%s': %s"), path,
                 strerror(err));
        rc = fail(meta, SR_ERR_IO, msg);
    }

cleanup:
    if (w->wb)
        lxw_workbook_free(w->wb);
    scratch_release(&w->out);
    free(w->title_text);
    free(w->unit_text);
    free(w);
    free(comments);
    return rc;
}

sr_error
sr_report_write_district(const struct sr_report_district *r,
                         const struct sr_layout *layout, const char *path,
                         const struct sr_report_meta *meta)
{
    return sr_report_write_district_locked(r, layout, path, meta, NULL);
}

sr_error
sr_report_write_district_locked(const struct sr_report_district *r,
                                const struct sr_layout *layout,
                                const char *path,
                                const struct sr_report_meta *meta,
                                const char *locked)
{
    static const struct sr_report_meta no_meta;
    sr_error rc;
    struct wctx *w = NULL;
    lxw_worksheet *ws[NELEM(district_sheets) + 2];
    char *title, *keywords, *scope;
    struct table_src src;
    size_t s;

    if (!meta)
        meta = &no_meta;
    rc = check_inputs(r, layout, meta);
    if (rc != SR_OK)
        return rc;
    rc = begin(&w, path, meta, 0);
    if (rc != SR_OK)
        return rc;
    w->r = r;
    w->org = r->name;
    w->period = &r->period;
    w->layout = layout;
    w->locked = locked && *locked ? locked : NULL;
    words(w, r->code, "{区县}中小学校园安全风险评估报告");

    ws[0] = add_sheet(w, "概况");
    for (s = 0; s < NELEM(district_sheets); s++)
        ws[1 + s] = add_sheet(w, sr_layout_sheet_name(district_sheets[s]));
    ws[NELEM(district_sheets) + 1] = add_sheet(w, "说明");
    if (w->lerr)
        return finish(w, path, "", "", "");

    write_overview(w, ws[0]);

    src = (struct table_src){r->schools, r->n_schools, sizeof(*r->schools),
                             school_value, school_fill, NULL};
    write_table(w, ws[1 + SR_SHEET_SCHOOLS], SR_SHEET_SCHOOLS,
                &layout->sheets[SR_SHEET_SCHOOLS], 0, &src);
    src = (struct table_src){r->lost, r->n_lost, sizeof(*r->lost),
                             lost_value, no_fill, NULL};
    write_table(w, ws[1 + SR_SHEET_LOST], SR_SHEET_LOST,
                &layout->sheets[SR_SHEET_LOST], 0, &src);
    src = (struct table_src){r->hazards, r->n_hazards, sizeof(*r->hazards),
                             hazard_value, hazard_fill, NULL};
    write_table(w, ws[1 + SR_SHEET_HAZARDS], SR_SHEET_HAZARDS,
                &layout->sheets[SR_SHEET_HAZARDS], 0, &src);

    /* 四个100%: the district's rate per element on top, then the table. */
    {
        lxw_worksheet *b = ws[1 + SR_SHEET_BASELINE];
        const char *heads[SR_BASELINE_COUNT + 2];
        int e;

        heads[0] = "要素";
        for (e = 0; e < SR_BASELINE_COUNT; e++)
            heads[1 + e] = sr_baseline_label(e);
        heads[1 + SR_BASELINE_COUNT] = "实现四个100%";
        put_heads(w, b, 0, &layout->sheets[SR_SHEET_BASELINE], 0, heads,
                  NELEM(heads));
        put_str(w, b, 1, 0, "达标率", w->label);
        for (e = 0; e < SR_BASELINE_COUNT; e++)
            put_rate(w, b, 1, (lxw_col_t)(1 + e), r->kpis.baseline_rate[e]);
        put_str(w, b, 1, 1 + SR_BASELINE_COUNT,
                r->kpis.four_100 ? "是" : "否", w->text);
        if (any_unassessed(&r->kpis)) {
            put_str(w, b, 2, 0, "未评估学校数", w->label);
            for (e = 0; e < SR_BASELINE_COUNT; e++)
                put_num(w, b, 2, (lxw_col_t)(1 + e),
                        (double)r->kpis.baseline_unassessed[e], w->num0);
            put_num(w, b, 2, 1 + SR_BASELINE_COUNT,
                    (double)r->kpis.four_unassessed, w->num0);
        }
        src = (struct table_src){r->schools, r->n_schools,
                                 sizeof(*r->schools), school_value,
                                 no_fill, NULL};
        /* A blank row above the table, below the counts when shown. */
        write_table(w, b, SR_SHEET_BASELINE,
                    &layout->sheets[SR_SHEET_BASELINE],
                    any_unassessed(&r->kpis) ? 4 : 3, &src);
    }
    scope = sr_asprintf("%s（%s）", r->name ? r->name : "",
                        r->code ? r->code : "");
    if (!scope)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    write_notes(w, ws[NELEM(district_sheets) + 1], "区县", scope,
                district_rules, any_unassessed(&r->kpis) ? 1 : 0,
                r->systems, r->n_systems);
    free(scope);

    title = sr_asprintf("%s中小学校园安全风险评估报告（%s）",
                        r->name ? r->name : "", r->period.name);
    keywords = sr_asprintf("校园安全, 风险评估, %s, %s",
                           r->name ? r->name : "", r->period.label);
    rc = finish(w, path, title, keywords, r->name ? r->name : "");
    free(title);
    free(keywords);
    return rc;
}

/* --------------------------------------------------------------------
 * The city workbook
 * ------------------------------------------------------------------ */

static void
rate_val(struct val *v, struct sr_rate rt)
{
    if (rt.den == 0)
        str_val(v, "-");
    else
        num_val(v, (double)rt.num / (double)rt.den);
}

static void
kpi_value(const struct sr_report_kpis *k, int field, struct val *v)
{
    v->type = V_BLANK;
    switch ((enum sr_field_kpi)field) {
    case SR_FK_SCHOOLS: num_val(v, (double)k->schools); break;
    case SR_FK_ASSESSED: num_val(v, (double)k->assessed); break;
    case SR_FK_COVERAGE: rate_val(v, k->coverage); break;
    case SR_FK_COMPLIANT: num_val(v, (double)k->compliant); break;
    case SR_FK_COMPLIANCE: rate_val(v, k->compliance); break;
    case SR_FK_BLUE: num_val(v, (double)k->bands[SR_BLUE]); break;
    case SR_FK_YELLOW: num_val(v, (double)k->bands[SR_YELLOW]); break;
    case SR_FK_ORANGE: num_val(v, (double)k->bands[SR_ORANGE]); break;
    case SR_FK_RED: num_val(v, (double)k->bands[SR_RED]); break;
    case SR_FK_VETOED: num_val(v, (double)k->vetoed); break;
    case SR_FK_GUARDS_RATE:
        rate_val(v, k->baseline_rate[SR_BASELINE_GUARDS]);
        break;
    case SR_FK_CLOSED_CAMPUS_RATE:
        rate_val(v, k->baseline_rate[SR_BASELINE_CLOSED_CAMPUS]);
        break;
    case SR_FK_ALARM_VIDEO_RATE:
        rate_val(v, k->baseline_rate[SR_BASELINE_ALARM_VIDEO]);
        break;
    case SR_FK_PROTECTION_POSTS_RATE:
        rate_val(v, k->baseline_rate[SR_BASELINE_PROTECTION_POSTS]);
        break;
    case SR_FK_FOUR_100: bool_val(v, k->four_100); break;
    case SR_FK_FOUR_UNASSESSED:
        num_val(v, (double)k->four_unassessed);
        break;
    case SR_FK_HAZARDS_FOUND: num_val(v, (double)k->hazards_found); break;
    case SR_FK_HAZARDS_CLOSED: num_val(v, (double)k->hazards_closed); break;
    case SR_FK_HAZARDS_OPEN: num_val(v, (double)k->hazards_open); break;
    case SR_FK_HAZARDS_OVERDUE:
        num_val(v, (double)k->hazards_overdue);
        break;
    case SR_FK_RECTIFICATION: rate_val(v, k->rectification); break;
    case SR_FK_OPEN_MAJOR: num_val(v, (double)k->open_major); break;
    case SR_FK_HAZARDS_CLOSED_LATE:
        num_val(v, (double)k->hazards_closed_late);
        break;
    case SR_FK_COUNT: break;
    }
}

/* A row of 区县汇总; the total row has rank 0 (blank). */
static void
district_value(const void *rec, int field, struct val *v)
{
    const struct sr_report_city_district *d = rec;

    v->type = V_BLANK;
    if (field < SR_FK_COUNT) {
        kpi_value(&d->kpis, field, v);
        return;
    }
    switch ((enum sr_field_district)field) {
    case SR_FD_RANK:
        if (d->rank > 0)
            num_val(v, (double)d->rank);
        break;
    case SR_FD_CODE: str_val(v, d->code); break;
    case SR_FD_DISTRICT: str_val(v, d->name); break;
    case SR_FD_COUNT: break;
    }
}

static void
trend_value(const void *rec, int field, struct val *v)
{
    const struct sr_report_trend *t = rec;

    v->type = V_BLANK;
    if (field < SR_FK_COUNT) {
        kpi_value(&t->kpis, field, v);
        return;
    }
    switch ((enum sr_field_trend)field) {
    case SR_FT_PERIOD: str_val(v, t->period.label); break;
    case SR_FT_PERIOD_NAME: str_val(v, t->period.name); break;
    case SR_FT_START: str_val(v, t->period.start); break;
    case SR_FT_END: str_val(v, t->period.end); break;
    case SR_FT_COUNT: break;
    }
}

static void
peer_value(const void *rec, int field, struct val *v)
{
    const struct sr_report_peer *p = rec;

    v->type = V_BLANK;
    switch ((enum sr_field_peer)field) {
    case SR_FP_STAGE: str_val(v, sr_stage_label(p->stage)); break;
    case SR_FP_RANK: num_val(v, (double)p->rank); break;
    case SR_FP_OF: num_val(v, (double)p->of); break;
    case SR_FP_DISTRICT_NAME: str_val(v, p->district_name); break;
    case SR_FP_CODE: str_val(v, p->code); break;
    case SR_FP_NAME: str_val(v, p->name); break;
    case SR_FP_TOTAL: num_val(v, (double)p->total / 100.0); break;
    case SR_FP_BAND: str_val(v, p->band_label); break;
    case SR_FP_COMPLIANT: bool_val(v, p->compliant); break;
    case SR_FP_VETOED: bool_val(v, p->vetoed); break;
    case SR_FP_OVERDUE_HAZARDS: num_val(v, (double)p->overdue_hazards); break;
    case SR_FP_OPEN_HAZARDS: num_val(v, (double)p->open_hazards); break;
    case SR_FP_COUNT: break;
    }
}

/* A rate as a number, or -1 without a denominator. */
static double
rate_of(struct sr_rate rt)
{
    return rt.den ? (double)rt.num / (double)rt.den : -1;
}

/* The value axis of a rate chart runs from the lowest rate @p lo (-1:
 * none) rounded down to 10% — one step lower when it is round already,
 * so that the lowest bar still shows — up to 100%: districts between
 * 85% and 95% then differ by half the chart, not by a tenth of it. */
static void
rate_axis(lxw_chart_axis *ax, double lo)
{
    /* (long) rounds down: lo is not negative there. */
    double min = lo < 0 ? 0 : (double)(long)(lo * 10 + 1e-9) / 10, span;

    if (lo >= 0 && min > 0 && min >= lo - 1e-9)
        min -= 0.1;
    if (min < 0)
        min = 0;
    /* Steps of 20% from a multiple of 20%, so that 100% is a tick. */
    if (1 - min > 0.61 && ((long)(min * 10 + 1e-9)) % 2)
        min -= 0.1;
    span = 1 - min;
    chart_axis_set_min(ax, min);
    chart_axis_set_max(ax, 1);
    chart_axis_set_major_unit(ax, span <= 0.31 ? 0.05 : span <= 0.61 ? 0.1
                                                                      : 0.2);
    chart_axis_set_num_format(ax, "0%");
}

/* A chart of rates: one series per value column vcols[i] (named
 * names[i]) over rows first..last of @p sheet, categories in column
 * @p ccol, the value axis from @p lo (rate_axis()).  A bar chart lists
 * the categories top down in the rows' order, each bar labelled with
 * its rate; a line chart marks every point. */
static lxw_chart *
rate_chart(struct wctx *w, uint8_t type, const char *sheet,
           const char *title, lxw_row_t first, lxw_row_t last,
           lxw_col_t ccol, const lxw_col_t *vcols,
           const char *const *names, size_t n, double lo)
{
    lxw_chart *ch = workbook_add_chart(w->wb, type);
    lxw_chart_series *ser;
    lxw_chart_fill fill;
    size_t i;

    if (!ch) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_title_set_name(ch, title);
    for (i = 0; i < n; i++) {
        ser = chart_add_series(ch, NULL, NULL);
        if (!ser) {
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return NULL;
        }
        chart_series_set_categories(ser, sheet, first, ccol, last, ccol);
        chart_series_set_values(ser, sheet, first, vcols[i], last,
                                vcols[i]);
        chart_series_set_name(ser, names[i]);
        if (type == LXW_CHART_LINE) {
            chart_series_set_marker_type(ser, LXW_CHART_MARKER_CIRCLE);
            continue;
        }
        memset(&fill, 0, sizeof(fill));
        fill.color = 0x4472C4;
        chart_series_set_fill(ser, &fill);
        chart_series_set_labels(ser);
        chart_series_set_labels_num_format(ser, "0.0%");
        chart_series_set_labels_position(ser,
                                         LXW_CHART_LABEL_POSITION_OUTSIDE_END);
    }
    if (type == LXW_CHART_BAR) {
        chart_set_series_gap(ch, 60);
        /* In a bar chart x is the value axis; the categories run bottom
         * up unless reversed, and the values then cross at the bottom
         * only when told to. */
        rate_axis(ch->x_axis, lo);
        chart_axis_set_reverse(ch->y_axis);
        chart_axis_set_crossing_max(ch->y_axis);
        /* Every district named, not every other one. */
        chart_axis_set_interval_unit(ch->y_axis, 1);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    } else {
        rate_axis(ch->y_axis, lo);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    }
    return ch;
}

/* Insert @p ch at (@p row, @p col), @p x_scale times the default width
 * (480 pixels) and @p rows default rows (20 pixels) tall. */
static void
insert_chart(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
             lxw_col_t col, lxw_chart *ch, double x_scale, int rows)
{
    lxw_chart_options copt;

    if (!ch)
        return;
    memset(&copt, 0, sizeof(copt));
    copt.x_scale = x_scale;
    copt.y_scale = rows * 20.0 / 288.0;
    keep(w, worksheet_insert_chart_opt(ws, row, col, ch, &copt));
}

/* The fewest rows a chart takes (a block with few districts). */
#define CHART_ROWS_MIN 14

static int
by_rank(const void *a, const void *b, void *ctx)
{
    const struct sr_report_city_district *d = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;

    if (d[i].rank != d[j].rank)
        return d[i].rank < d[j].rank ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* The districts of r in rank order, equal ranks in the registry's order:
 * a new array of shallow copies (the strings stay r's), or NULL. */
static struct sr_report_city_district *
ranked_districts(const struct sr_report_city *r)
{
    struct sr_report_city_district *out;
    size_t *order, i;

    out = calloc(r->n_districts ? r->n_districts : 1, sizeof(*out));
    order = calloc(r->n_districts ? r->n_districts : 1, sizeof(*order));
    if (!out || !order) {
        free(out);
        free(order);
        return NULL;
    }
    for (i = 0; i < r->n_districts; i++)
        order[i] = i;
    qsort_r(order, r->n_districts, sizeof(*order), by_rank,
            r->districts);
    for (i = 0; i < r->n_districts; i++)
        out[i] = r->districts[order[i]];
    free(order);
    return out;
}

/* The rates the district charts compare, in the order of the blocks. */
enum { CH_COMPLIANCE, CH_COVERAGE, CH_RECTIFICATION, CH_COUNT };

static struct sr_rate
chart_rate(const struct sr_report_kpis *k, int which)
{
    return which == CH_COMPLIANCE ? k->compliance
           : which == CH_COVERAGE ? k->coverage : k->rectification;
}

/* a before b: the higher rate first (exactly, num/den cross-multiplied),
 * a rate without a denominator last. */
static int
rate_before(struct sr_rate a, struct sr_rate b)
{
    if (!a.den || !b.den)
        return a.den && !b.den;
    return (unsigned long long)a.num * b.den >
           (unsigned long long)b.num * a.den;
}

/* One block of the district charts: the districts by rate @p which,
 * highest first (ties in rank order), in columns @p col (区县) and
 * @p col + 1 (the rate) from @p row, and its bar chart to the right.
 * Returns the row after the block. */
static lxw_row_t
district_chart(struct wctx *w, lxw_worksheet *ws,
               const struct sr_layout_columns *cols, lxw_row_t row,
               const struct sr_report_city_district *ranked, size_t n,
               int which, size_t *order)
{
    static const char *const rate_name[CH_COUNT] = {"达标率", "评估覆盖率",
                                                    "整改率"};
    static const char *const title[CH_COUNT] = {
        "各区县达标率（由高到低）", "各区县评估覆盖率（由高到低）",
        "各区县隐患整改率（由高到低）"};
    const char *heads[2] = {"区县", rate_name[which]};
    lxw_col_t col = cols->n > 2 ? 1 : 0, vcol = col + 1;
    lxw_row_t first;
    double lo = -1, v;
    size_t i, j, k;
    int rows;

    /* Insertion sort: stable, and a city has a few dozen districts. */
    for (i = 0; i < n; i++) {
        k = i;
        for (j = i; j > 0 && rate_before(chart_rate(&ranked[k].kpis, which),
                                         chart_rate(&ranked[order[j - 1]]
                                                         .kpis, which));
             j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    put_heads(w, ws, row, cols, col, heads, 2);
    first = ++row;
    for (i = 0; i < n; i++, row++) {
        struct sr_rate rt = chart_rate(&ranked[order[i]].kpis, which);

        put_str(w, ws, row, col, ranked[order[i]].name, w->label);
        put_rate(w, ws, row, vcol, rt);
        v = rate_of(rt);
        if (v >= 0 && (lo < 0 || v < lo))
            lo = v;
    }
    /* About 1.4 rows a district: room for every name on the axis. */
    rows = (int)(n * 1.4) + 4;
    if (rows < CHART_ROWS_MIN)
        rows = CHART_ROWS_MIN;
    insert_chart(w, ws, first - 1, vcol + 2,
                 rate_chart(w, LXW_CHART_BAR, "区县汇总", title[which],
                            first, row - 1, col, &vcol, &heads[1], 1, lo),
                 1.6, rows);
    return first - 1 + (lxw_row_t)rows + 1;
}

/* 区县汇总: the title block (the layout's title, 填报单位 and period),
 * the table in rank order with the city total row, the signature line,
 * then three blocks of chart data (达标率, 评估覆盖率, 整改率, each
 * sorted highest first) each with its bar chart beside it. */
static void
write_city_summary(struct wctx *w, lxw_worksheet *ws,
                   const struct sr_layout_columns *cols)
{
    const struct sr_report_city *r = w->c;
    struct sr_report_city_district total, *ranked;
    struct table_src src;
    lxw_col_t last = cols->n ? (lxw_col_t)(cols->n - 1) : 0;
    lxw_row_t row;
    size_t *order, c;
    double width = 0;
    char *line;
    int which;
    lxw_row_t breaks[CH_COUNT] = {0}; /* ends with 0 */

    for (c = 0; c < cols->n; c++)
        width += cols->v[c].width;
    ranked = ranked_districts(r);
    order = calloc(r->n_districts ? r->n_districts : 1, sizeof(*order));
    if (!ranked || !order) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        goto cleanup;
    }
    /* The title block: constant_memory mode wants the rows in order. */
    keep(w, worksheet_set_row(ws, 0, 30, NULL));
    if (w->title_text)
        merge(w, ws, 0, 0, 0, last, w->title_text, w->title);
    line = sr_asprintf("%s%s%s统计期：%s（%s 至 %s）",
                       w->unit_text ? "填报单位：" : "",
                       w->unit_text ? w->unit_text : "",
                       w->unit_text ? "　　　　" : "", r->period.name,
                       r->period.start, r->period.end);
    if (!line) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        goto cleanup;
    }
    fit_row(w, ws, 1, sr_layout_text_lines(line, width));
    merge(w, ws, 1, 0, 1, last, line, w->sign);
    free(line);

    memset(&total, 0, sizeof(total));
    total.name = (char *)"全市合计";
    total.kpis = r->total;
    src = (struct table_src){ranked, r->n_districts, sizeof(*ranked),
                             district_value, no_fill, &total};
    write_table(w, ws, SR_SHEET_CITY_DISTRICTS, cols, 2, &src);
    row = 2 + (lxw_row_t)r->n_districts + 3;
    write_signatures(w, ws, row, last, width);
    if (r->n_districts == 0)
        goto cleanup;
    row += 2;
    put_str(w, ws, row++, 0, "区县对比（图表数据，各按比率由高到低）",
            w->bold);
    /* A page break before the second and third block: a chart cut
     * between two pages cannot be read. */
    for (which = 0; which < CH_COUNT; which++) {
        if (which > 0)
            breaks[which - 1] = row;
        row = district_chart(w, ws, cols, row, ranked, r->n_districts,
                             which, order);
    }
    keep(w, worksheet_set_h_pagebreaks(ws, breaks));

cleanup:
    free(order);
    free(ranked);
}

/* A period's name within its year ("第三季度", "9月"): every period of
 * 趋势 is of the same year, and the short name fits the column and the
 * chart's axis.  A year's name ("2026年") stays whole. */
static const char *
within_year(const char *name)
{
    const char *nian = strstr(name, "年");

    return nian && nian[strlen("年")] ? nian + strlen("年") : name;
}

/* 趋势: the table, then with two periods or more the chart's data and
 * a line chart of coverage, compliance and rectification; with one
 * period a note says why there is no chart. */
static void
write_trend(struct wctx *w, lxw_worksheet *ws,
            const struct sr_layout_columns *cols)
{
    static const char *const heads[] = {"统计期", "评估覆盖率", "达标率",
                                        "整改率"};
    static const char *const *const names = heads + 1;
    static const lxw_col_t vcols[] = {1, 2, 3};
    const struct sr_report_city *r = w->c;
    struct table_src src;
    lxw_row_t row, first;
    double lo = -1, v;
    size_t i;
    int k;

    src = (struct table_src){r->trend, r->n_trend, sizeof(*r->trend),
                             trend_value, no_fill, NULL};
    write_table(w, ws, SR_SHEET_CITY_TREND, cols, 0, &src);
    row = (lxw_row_t)r->n_trend + 2;
    if (r->n_trend < 2) {
        char *note = sr_asprintf(
            "本年度截至%s只有本期有评估数据，暂无趋势图；有两个及以上统计"
            "期的数据后，这里显示各期评估覆盖率、达标率和整改率的折线图。",
            r->period.name);

        if (!note) {
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        fit_row(w, ws, row, sr_layout_text_lines(note, 100));
        merge(w, ws, row, 0, row, cols->n > 1 ? (lxw_col_t)(cols->n - 1)
                                               : 5, note, w->sign);
        free(note);
        return;
    }
    put_str(w, ws, row++, 0, "趋势（图表数据）", w->bold);
    put_heads(w, ws, row, cols, 0, heads, NELEM(heads));
    row++;
    first = row;
    for (i = 0; i < r->n_trend; i++, row++) {
        const struct sr_report_kpis *kp = &r->trend[i].kpis;

        put_str(w, ws, row, 0, within_year(r->trend[i].period.name),
                w->label);
        for (k = 0; k < 3; k++) {
            struct sr_rate rt = k == 0 ? kp->coverage
                                : k == 1 ? kp->compliance
                                         : kp->rectification;

            put_rate(w, ws, row, vcols[k], rt);
            v = rate_of(rt);
            if (v >= 0 && (lo < 0 || v < lo))
                lo = v;
        }
    }
    insert_chart(w, ws, row + 1, 0,
                 rate_chart(w, LXW_CHART_LINE, "趋势", "全市主要指标趋势",
                            first, row - 1, 0, vcols, names,
                            NELEM(heads) - 1, lo),
                 1.6, 16);
}

/* At least this many schools of a stage are listed on 同类排名. */
#define PEERS_MIN 10

/* The schools 同类排名 lists: of each stage the bottom tenth by rank,
 * at least PEERS_MIN (all of a stage with fewer), widened to the whole
 * tie at the cut, in rank order: the weakest schools of each kind, the
 * list a city bureau prints (the whole ranking is in r->peers).  A new
 * array of shallow copies in *out (free it); the count in *n. */
static int
bottom_peers(const struct sr_report_city *r, struct sr_report_peer **out,
             size_t *n)
{
    size_t first, j, cut, want, of;

    *n = 0;
    *out = malloc((r->n_peers ? r->n_peers : 1) * sizeof(**out));
    if (!*out)
        return -1;
    for (first = 0; first < r->n_peers; first = j) {
        for (j = first; j < r->n_peers &&
                        r->peers[j].stage == r->peers[first].stage;
             j++)
            ;
        of = j - first;
        want = (of + 9) / 10;
        if (want < PEERS_MIN)
            want = PEERS_MIN;
        cut = want >= of ? first : j - want;
        while (cut > first && r->peers[cut].rank == r->peers[cut - 1].rank)
            cut--;
        memcpy(*out + *n, r->peers + cut, (j - cut) * sizeof(**out));
        *n += j - cut;
    }
    return 0;
}

/* 同类排名: a line saying what the list is, then the table. */
static void
write_peers(struct wctx *w, lxw_worksheet *ws,
            const struct sr_layout_columns *cols)
{
    struct sr_report_peer *v = NULL;
    struct table_src src;
    size_t n = 0;
    double width = 0;
    size_t c;
    static const char note[] =
        "各学段总分排名后10%的学校（每个学段至少10所，不足10所的全部列出；"
        "与最后入选学校名次相同的一并列出），按名次排列；完整排名见系统。"
        "名次依次按有无一票否决（无者在前）、总分（高者在前）、期末逾期隐患"
        "数（少者在前）、期末未整改隐患数（少者在前）确定，以上全部相同的名"
        "次相同，按学校代码排列。";

    if (bottom_peers(w->c, &v, &n)) {
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    for (c = 0; c < cols->n; c++)
        width += cols->v[c].width;
    fit_row(w, ws, 0, sr_layout_text_lines(note, width));
    if (cols->n > 1)
        merge(w, ws, 0, 0, 0, (lxw_col_t)(cols->n - 1), note, w->sign);
    else
        put_str(w, ws, 0, 0, note, w->sign);
    src = (struct table_src){v, n, sizeof(*v), peer_value, no_fill, NULL};
    write_table(w, ws, SR_SHEET_CITY_PEERS, cols, 1, &src);
    free(v);
}

static const char *const city_rules[] = {
    ("区县排名按达标率由高到低，达标率相同的名次相同（如 1、2、2、4）；"
     "没有学校的区县排在最后。全市合计为全市名录学校的统计，不是各区县"
     "比率的平均。"),
    ("未达标学校为已评估但未达标（含一票否决）的学校；重大隐患为统计期末"
     "未销号的重大隐患，逾期最久的在前；四个100%未达标为有要素未达到的"
     "学校（只有未评估的要素的学校不列入）。"),
    ("同类排名：已评估学校在本学段内排名，依次按有无一票否决（无者在前，"
     "一票否决的学校无论总分都排在后面）、总分（高者在前）、期末逾期隐患数"
     "（少者在前）、期末未整改隐患数（少者"
     "在前），以上全部相同的名次相同；本表只列各学段排名后10%的学校（至少"
     "10所，与最后入选学校名次相同的一并列出），供找出各类学校中最薄弱的，"
     "完整排名见系统。"),
    ("趋势：本年度截至本期的各期（月报为各月，季报为各季度，年报为四个季度）"
     "中有评估数据的各期，早的在前；只有一期时不画趋势图。"),
    unassessed_rule /* last: shown only when a school is unassessed */
};

sr_error
sr_report_write_city(const struct sr_report_city *r,
                     const struct sr_layout *layout, const char *path,
                     const struct sr_report_meta *meta)
{
    static const struct sr_report_meta no_meta;
    sr_error rc;
    struct wctx *w = NULL;
    lxw_worksheet *ws[NELEM(city_sheets) + 1];
    char *title, *keywords, *scope;
    struct table_src src;
    size_t s, rows;

    if (!meta)
        meta = &no_meta;
    rc = check_city(r, layout, meta);
    if (rc != SR_OK)
        return rc;
    rows = r->n_districts + r->n_noncompliant + r->n_major +
           r->n_off_baseline + r->n_peers + r->n_trend;
    rc = begin(&w, path, meta, rows > CONSTANT_MEMORY_ROWS);
    if (rc != SR_OK)
        return rc;
    w->c = r;
    w->org = "全市";
    w->period = &r->period;
    w->layout = layout;
    words(w, NULL, "全市中小学校园安全风险评估汇总表（{统计期}）");

    for (s = 0; s < NELEM(city_sheets); s++)
        ws[s] = add_sheet(w, sr_layout_sheet_name(city_sheets[s]));
    ws[NELEM(city_sheets)] = add_sheet(w, "说明");
    if (w->lerr)
        return finish(w, path, "", "", "");

    write_city_summary(w, ws[0], &layout->sheets[SR_SHEET_CITY_DISTRICTS]);
    src = (struct table_src){r->noncompliant, r->n_noncompliant,
                             sizeof(*r->noncompliant), school_value,
                             school_fill, NULL};
    write_table(w, ws[1], SR_SHEET_CITY_NONCOMPLIANT,
                &layout->sheets[SR_SHEET_CITY_NONCOMPLIANT], 0, &src);
    src = (struct table_src){r->major, r->n_major, sizeof(*r->major),
                             hazard_value, hazard_fill, NULL};
    write_table(w, ws[2], SR_SHEET_CITY_MAJOR,
                &layout->sheets[SR_SHEET_CITY_MAJOR], 0, &src);
    src = (struct table_src){r->off_baseline, r->n_off_baseline,
                             sizeof(*r->off_baseline), school_value,
                             no_fill, NULL};
    write_table(w, ws[3], SR_SHEET_CITY_BASELINE,
                &layout->sheets[SR_SHEET_CITY_BASELINE], 0, &src);
    write_peers(w, ws[4], &layout->sheets[SR_SHEET_CITY_PEERS]);
    write_trend(w, ws[5], &layout->sheets[SR_SHEET_CITY_TREND]);

    scope = sr_asprintf("全市（%zu 个区县）", r->n_districts);
    if (!scope)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    write_notes(w, ws[NELEM(city_sheets)], "范围", scope, city_rules,
                NELEM(city_rules) - !any_unassessed(&r->total), r->systems,
                r->n_systems);
    free(scope);

    title = sr_asprintf("全市中小学校园安全风险评估汇总（%s）",
                        r->period.name);
    keywords = sr_asprintf("校园安全, 风险评估, 全市, %s",
                           r->period.label);
    rc = finish(w, path, title, keywords, "全市");
    free(title);
    free(keywords);
    return rc;
}

/* --------------------------------------------------------------------
 * The bulletins (bulletin.h): 月调度 and 季通报
 *
 * A bulletin is a document the bureau issues, so its first sheet opens
 * as one: the issuing unit, the 文号 with its number left blank for
 * the bureau (or given), the title, the period compared and the date
 * of issue; then the tables of what changed, and the signature line.
 * Its words come from the layout's sheet 文字, like the reports'; its
 * columns are fixed (a bulletin's tables are few and narrow).  Each
 * list sheet is one table with its header repeated on every printed
 * page; every sheet has a print area, A4 landscape one page wide.
 * ------------------------------------------------------------------ */

/* A fixed column: heading, width, number format ("@" text). */
struct bcol {
    const char *head;
    double width;
    const char *num;
};

/* Signed changes: "+1.5", "-2", "0". */
#define FMT_CHANGE_PP "+0.0;-0.0;0.0"
#define FMT_CHANGE_N "+0;-0;0"

static void
bcols_width(struct wctx *w, lxw_worksheet *ws, const struct bcol *c,
            size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        keep(w, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i,
                                     c[i].width, NULL));
}

/* The header row of a fixed table at @p row, as tall as it needs. */
static void
bcols_head(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
           const struct bcol *c, size_t n)
{
    size_t i;
    int lines = 1, l;

    for (i = 0; i < n; i++) {
        l = heading_lines(c[i].head, c[i].width);
        if (l > lines)
            lines = l;
        put_str(w, ws, row, (lxw_col_t)i, c[i].head, w->hdr);
    }
    keep(w, worksheet_set_row(ws, row, LINE_PT * (lines > 1 ? lines : 1.4),
                              NULL));
}

/* One table row: its values @p v (n of them) in columns @p c, the row
 * as tall as its longest text. */
static void
bcols_row(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
          const struct bcol *c, const struct val *v, size_t n, int fill)
{
    size_t i;
    int lines = 1, l;

    for (i = 0; i < n; i++) {
        if (v[i].type != V_STR)
            continue;
        l = sr_layout_text_lines(v[i].s, c[i].width);
        if (l > lines)
            lines = l;
    }
    fit_row(w, ws, row, lines);
    for (i = 0; i < n; i++)
        put(w, ws, row, (lxw_col_t)i, &v[i], cell_format(w, c[i].num, fill));
}

/* A list sheet's table from row @p hdr: filter, frozen header, header
 * repeated, print area. */
static void
blist_finish(struct wctx *w, lxw_worksheet *ws, const char *title,
             lxw_row_t hdr, lxw_row_t last, size_t ncols)
{
    if (last > hdr)
        keep(w, worksheet_autofilter(ws, hdr, 0, last,
                                     (lxw_col_t)(ncols - 1)));
    else {
        /* An empty list says so: a bare header reads as a page lost. */
        last = hdr + 1;
        merge(w, ws, last, 0, last, (lxw_col_t)(ncols - 1), "（无）",
              w->text);
    }
    worksheet_freeze_panes(ws, hdr + 1, 0);
    page_setup(w, ws, title, hdr, hdr);
    keep(w, worksheet_print_area(ws, 0, 0, last, (lxw_col_t)(ncols - 1)));
}

/* "2026-12-06" as "2026年12月6日"; as it is when not a date. */
static void
date_cn(const char *d, char *buf, size_t size)
{
    int y, m, day;

    if (d && sscanf(d, "%4d-%2d-%2d", &y, &m, &day) == 3)
        snprintf(buf, size, "%d年%d月%d日", y, m, day);
    else
        snprintf(buf, size, "%s", d ? d : "");
}

/* The bureau's head of a bulletin over columns 0..@p last: issuing
 * unit, 文号, title, the periods compared, the date of issue.  Returns
 * the next free row. */
static lxw_row_t
bulletin_head(struct wctx *w, lxw_worksheet *ws, lxw_col_t last,
              const struct sr_bulletin_issue *issue,
              const struct sr_period *prev, double width)
{
    char docno[160], buf[400], day[40];
    lxw_format *unit = new_format(w, 0), *no = new_format(w, 0);
    lxw_row_t row = 0;

    if (unit) {
        format_set_bold(unit);
        format_set_font_size(unit, 20);
        format_set_font_color(unit, 0xC00000);
        format_set_align(unit, LXW_ALIGN_CENTER);
        format_set_align(unit, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bottom(unit, LXW_BORDER_MEDIUM);
        format_set_bottom_color(unit, 0xC00000);
    }
    if (no)
        format_set_align(no, LXW_ALIGN_CENTER);
    merge(w, ws, row, 0, row, last, w->unit_text ? w->unit_text : "",
          unit);
    keep(w, worksheet_set_row(ws, row++, 36, NULL));
    sr_bulletin_docno(w->layout, issue, docno, sizeof(docno));
    merge(w, ws, row, 0, row, last, docno, no);
    keep(w, worksheet_set_row(ws, row++, 24, NULL));
    fit_row(w, ws, row, sr_layout_text_lines(w->title_text, width / 1.6));
    merge(w, ws, row, 0, row, last, w->title_text ? w->title_text : "",
          w->title);
    if (sr_layout_text_lines(w->title_text, width / 1.6) < 2)
        keep(w, worksheet_set_row(ws, row, 28, NULL));
    row++;
    snprintf(buf, sizeof(buf), "统计期：%s（%s 至 %s）；对比：%s（截至 %s）",
             w->period->name, w->period->start, w->period->end, prev->name,
             prev->end);
    fit_row(w, ws, row, sr_layout_text_lines(buf, width));
    merge(w, ws, row, 0, row, last, buf, w->sign);
    row++;
    date_cn(issue ? issue->date : NULL, day, sizeof(day));
    snprintf(buf, sizeof(buf), "印发单位：%s　　印发日期：%s",
             w->unit_text ? w->unit_text : "-", day);
    merge(w, ws, row, 0, row, last, buf, w->sign);
    row++;
    return row + 1;
}

/* A numbered section heading ("一、主要指标变化"). */
static void
section(struct wctx *w, lxw_worksheet *ws, lxw_row_t row, lxw_col_t last,
        const char *text)
{
    merge(w, ws, row, 0, row, last, text, w->bold);
    keep(w, worksheet_set_row(ws, row, 22, NULL));
}

/* The KPI table: 指标 (merged over columns 0..@p lab), 本期, 上期, 变化,
 * from @p row; returns the next free row. */
static lxw_row_t
bulletin_kpis(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
              lxw_col_t lab, const struct sr_bulletin_kpi *k,
              const char *now, const char *prev)
{
    const char *change_head = "变化";
    int id;
    int64_t ch;

    if (lab)
        merge(w, ws, row, 0, row, lab, "指标", w->hdr);
    else
        put_str(w, ws, row, 0, "指标", w->hdr);
    put_str(w, ws, row, lab + 1, now, w->hdr);
    put_str(w, ws, row, lab + 2, prev, w->hdr);
    put_str(w, ws, row, lab + 3, change_head, w->hdr);
    keep(w, worksheet_set_row(ws, row, LINE_PT * 2, NULL));
    row++;
    for (id = 0; id < SR_BK_COUNT; id++, row++) {
        const struct sr_bulletin_kpi *x = &k[id];
        bool known = sr_bulletin_change(x, &ch);

        if (lab)
            merge(w, ws, row, 0, row, lab, sr_bulletin_kpi_label(id),
                  w->label);
        else
            put_str(w, ws, row, 0, sr_bulletin_kpi_label(id), w->label);
        if (x->is_rate) {
            put_rate(w, ws, row, lab + 1, x->now);
            put_rate(w, ws, row, lab + 2, x->prev);
        } else {
            put_num(w, ws, row, lab + 1, (double)x->now.num, w->num0);
            put_num(w, ws, row, lab + 2, (double)x->prev.num, w->num0);
        }
        if (!known)
            put_str(w, ws, row, lab + 3, "-", w->text);
        else
            put_num(w, ws, row, lab + 3,
                    x->is_rate ? (double)ch / 10.0 : (double)ch,
                    cell_format(w, x->is_rate ? FMT_CHANGE_PP : FMT_CHANGE_N,
                                FILL_NONE));
    }
    merge(w, ws, row, 0, row, lab + 3,
          "注：率的变化为两期百分比之差，单位为百分点；其余为数量之差。",
          w->sign);
    return row + 1;
}

/* A hazard's row values for the bulletins' hazard tables (first value
 * @p first, e.g. the kind of change). */
static size_t
hazard_vals(struct val *v, const char *first,
            const struct sr_report_hazard *h, bool with_district)
{
    size_t n = 0;

    if (first)
        str_val(&v[n++], first);
    num_val(&v[n++], (double)h->id);
    if (with_district)
        str_val(&v[n++], h->district_name);
    str_val(&v[n++], h->school_name);
    str_val(&v[n++], h->item_title);
    str_val(&v[n++], h->description);
    str_val(&v[n++], sr_hazard_label(h->level));
    str_val(&v[n++], h->found_on);
    str_val(&v[n++], h->responsible);
    str_val(&v[n++], h->deadline);
    str_val(&v[n++], sr_hazard_status_label(h->status));
    str_val(&v[n++], h->closed_on);
    num_val(&v[n++], (double)h->days_overdue);
    bool_val(&v[n++], h->supervised);
    return n;
}

static const struct bcol month_hazard_cols[] = {
    {"变化", 10, "@"},         {"隐患编号", 8, "0"},
    {"学校名称", 22, "@"},     {"隐患部位/项目", 20, "@"},
    {"隐患描述", 30, "@"},     {"隐患等级", 9, "@"},
    {"发现日期", 11, "@"},     {"整改责任人", 10, "@"},
    {"整改期限", 11, "@"},     {"月末状态", 11, "@"},
    {"销号日期", 11, "@"},     {"逾期天数", 8, "0"},
    {"挂牌督办", 8, "@"}};

static void
write_month_hazards(struct wctx *w, lxw_worksheet *ws,
                    const struct sr_bulletin_monthly *b)
{
    static const char *const kinds[] = {"本月发现", "本月销号", "新增逾期",
                                        "新增督办"};
    const size_t *lists[] = {b->found, b->closed, b->newly_overdue,
                             b->supervised};
    const size_t counts[] = {b->n_found, b->n_closed, b->n_newly_overdue,
                             b->n_supervised};
    const size_t nc = NELEM(month_hazard_cols);
    struct val v[NELEM(month_hazard_cols)];
    lxw_row_t row = 0;
    size_t k, i;

    bcols_width(w, ws, month_hazard_cols, nc);
    bcols_head(w, ws, row, month_hazard_cols, nc);
    for (k = 0; k < NELEM(kinds); k++)
        for (i = 0; i < counts[k]; i++) {
            const struct sr_report_hazard *h = &b->now.hazards[lists[k][i]];

            hazard_vals(v, kinds[k], h, false);
            bcols_row(w, ws, ++row, month_hazard_cols, v, nc,
                      h->days_overdue > 0 ? FILL_OVERDUE : FILL_NONE);
        }
    blist_finish(w, ws, "隐患变化", 0, row, nc);
}

static const struct bcol month_inspection_cols[] = {
    {"评估编号", 8, "0"},  {"学校代码", 12, "@"}, {"学校名称", 28, "@"},
    {"评估日期", 11, "@"}, {"评估人", 10, "@"},   {"总分", 8, "0.00"},
    {"风险等级", 10, "@"}, {"是否达标", 8, "@"},  {"一票否决", 8, "@"}};

static void
write_month_inspections(struct wctx *w, lxw_worksheet *ws,
                        const struct sr_bulletin_monthly *b)
{
    const size_t nc = NELEM(month_inspection_cols);
    struct val v[NELEM(month_inspection_cols)];
    lxw_row_t row = 0;
    size_t i;

    bcols_width(w, ws, month_inspection_cols, nc);
    bcols_head(w, ws, row, month_inspection_cols, nc);
    for (i = 0; i < b->n_inspections; i++) {
        const struct sr_bulletin_inspection *in = &b->inspections[i];

        num_val(&v[0], (double)in->id);
        str_val(&v[1], in->code);
        str_val(&v[2], in->school_name);
        str_val(&v[3], in->assessed_on);
        str_val(&v[4], in->inspector);
        num_val(&v[5], (double)in->total / 100.0);
        str_val(&v[6], in->band_label);
        bool_val(&v[7], in->compliant);
        bool_val(&v[8], in->vetoed);
        bcols_row(w, ws, ++row, month_inspection_cols, v, nc, FILL_NONE);
    }
    blist_finish(w, ws, "本月检查", 0, row, nc);
}

static const struct bcol month_due_cols[] = {
    {"学校代码", 12, "@"}, {"学校名称", 28, "@"},
    {"学段", 10, "@"},     {"上月末有效评估日期", 14, "@"},
    {"评估人", 10, "@"},   {"说明", 40, "@"}};

static void
write_month_due(struct wctx *w, lxw_worksheet *ws,
                const struct sr_bulletin_monthly *b)
{
    const size_t nc = NELEM(month_due_cols);
    struct val v[NELEM(month_due_cols)];
    struct sr_report_district *prev = (struct sr_report_district *)&b->prev;
    lxw_row_t row = 0;
    size_t i;

    bcols_width(w, ws, month_due_cols, nc);
    bcols_head(w, ws, row, month_due_cols, nc);
    for (i = 0; i < b->n_newly_due; i++) {
        const struct sr_report_school *s = &b->now.schools[b->newly_due[i]];
        const struct sr_report_school *then =
            sr_report_find_school(prev, s->code);

        school_value(s, SR_FS_CODE, &v[0]);
        school_value(s, SR_FS_NAME, &v[1]);
        school_value(s, SR_FS_STAGE, &v[2]);
        str_val(&v[3], then ? then->assessed_on : NULL);
        str_val(&v[4], then ? then->inspector : NULL);
        str_val(&v[5], then && then->assessed
                           ? "评估已过有效期，月末无有效评估"
                           : "新列入名录，尚无评估");
        bcols_row(w, ws, ++row, month_due_cols, v, nc, FILL_UNASSESSED);
    }
    blist_finish(w, ws, "新增应检", 0, row, nc);
}

/* The labels of the elements marked in @p lost, joined with "、". */
static void
elements_text(const bool *lost, char *buf, size_t size)
{
    size_t n = 0;
    int e;

    buf[0] = '\0';
    for (e = 0; e < SR_BASELINE_COUNT; e++)
        if (lost[e] && n < size)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "、" : "",
                                  sr_baseline_label(e));
}

static const struct bcol month_baseline_cols[] = {
    {"变化", 12, "@"},     {"学校代码", 12, "@"}, {"学校名称", 26, "@"},
    {"学段", 10, "@"},     {"涉及要素", 24, "@"}, {"月末未达标原因", 50, "@"}};

static void
write_month_baseline(struct wctx *w, lxw_worksheet *ws,
                     const struct sr_bulletin_monthly *b)
{
    const size_t nc = NELEM(month_baseline_cols);
    struct val v[NELEM(month_baseline_cols)];
    char els[400];
    lxw_row_t row = 0;
    size_t i, k;

    bcols_width(w, ws, month_baseline_cols, nc);
    bcols_head(w, ws, row, month_baseline_cols, nc);
    for (k = 0; k < 2; k++) {
        const struct sr_bulletin_fell *list = k ? b->back_on : b->fell_off;
        size_t n = k ? b->n_back_on : b->n_fell_off;

        for (i = 0; i < n; i++) {
            const struct sr_report_school *s =
                &b->now.schools[list[i].school];

            elements_text(list[i].lost, els, sizeof(els));
            str_val(&v[0], k ? "恢复四项达标" : "跌出四个100%");
            school_value(s, SR_FS_CODE, &v[1]);
            school_value(s, SR_FS_NAME, &v[2]);
            school_value(s, SR_FS_STAGE, &v[3]);
            str_val(&v[4], els);
            str_val(&v[5], k ? NULL : s->baseline_why);
            bcols_row(w, ws, ++row, month_baseline_cols, v, nc,
                      k ? FILL_BLUE : FILL_OVERDUE);
        }
    }
    blist_finish(w, ws, "四个100%变化", 0, row, nc);
}

/* One line of 变化概览: label, count, what it counts. */
static void
count_line(struct wctx *w, lxw_worksheet *ws, lxw_row_t *row,
           const char *label, size_t n, const char *note)
{
    merge(w, ws, *row, 0, *row, 1, label, w->label);
    put_num(w, ws, *row, 2, (double)n, w->num0);
    fit_row(w, ws, *row, sr_layout_text_lines(note, 3 * 12.0));
    merge(w, ws, *row, 3, *row, 5, note, w->wrap);
    (*row)++;
}

/* 月调度's front sheet: six columns. */
#define MONTH_W 12.0

/* 更正说明: one numbered line per correction of a locked period. */
static lxw_row_t
write_corrections(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
                  const struct sr_bulletin_correction *v, size_t n,
                  lxw_col_t last)
{
    size_t i;
    char *text;

    for (i = 0; i < n; i++, row++) {
        const struct sr_bulletin_correction *c = &v[i];

        text = sr_asprintf("%zu. %s%s%s：%s（%s 由 %s 更正，原因：%s）",
                           i + 1, c->period ? c->period : "",
                           c->district ? " " : "",
                           c->district ? c->district : "",
                           c->what ? c->what : "", c->at ? c->at : "",
                           c->by ? c->by : "", c->why ? c->why : "");
        if (!text) {
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
            break;
        }
        fit_row(w, ws, row, sr_layout_text_lines(text, 100));
        merge(w, ws, row, 0, row, last, text, w->sign);
        free(text);
    }
    return row;
}

static void
write_month_front(struct wctx *w, lxw_worksheet *ws,
                  const struct sr_bulletin_monthly *b,
                  const struct sr_bulletin_issue *issue)
{
    lxw_row_t row;
    char buf[200];
    size_t i;

    keep(w, worksheet_set_column(ws, 0, 1, 16, NULL));
    keep(w, worksheet_set_column(ws, 2, 5, MONTH_W, NULL));
    row = bulletin_head(w, ws, 5, issue, &b->prev.period,
                        32 + 4 * MONTH_W);
    section(w, ws, row++, 5, "一、主要指标变化（月末对比上月末）");
    row = bulletin_kpis(w, ws, row, 1, b->kpis, "本月末", "上月末");
    row++;
    section(w, ws, row++, 5, "二、本月变化");
    merge(w, ws, row, 0, row, 1, "项目", w->hdr);
    put_str(w, ws, row, 2, "数量", w->hdr);
    merge(w, ws, row, 3, row, 5, "说明", w->hdr);
    row++;
    count_line(w, ws, &row, "本月发现隐患", b->n_found,
               "发现日期在本月内（明细见“隐患变化”）");
    count_line(w, ws, &row, "本月销号隐患", b->n_closed, "销号日期在本月内");
    snprintf(buf, sizeof(buf), "月末未销号且已过整改期限；其中新增逾期%zu项"
             "（上月末未逾期）", b->n_newly_overdue);
    count_line(w, ws, &row, "月末逾期隐患", b->n_overdue, buf);
    count_line(w, ws, &row, "新增挂牌督办", b->n_supervised,
               "本月发现的重大隐患（重大隐患一律挂牌督办）");
    count_line(w, ws, &row, "本月检查", b->n_inspections,
               "评估日期在本月内的已提交检查（不含学校自查）");
    snprintf(buf, sizeof(buf), "月末无有效评估的学校；上月末%zu所，本月新增"
             "%zu所（明细见“新增应检”）", b->due_prev, b->n_newly_due);
    count_line(w, ws, &row, "月末应检未检学校", b->due_now, buf);
    count_line(w, ws, &row, "跌出四个100%学校", b->n_fell_off,
               "上月末四项均达到、本月末未全部达到");
    count_line(w, ws, &row, "恢复四个100%学校", b->n_back_on,
               "上月末未全部达到、本月末四项均达到");
    /* 三、检查计划进度: only when the district has plans. */
    if (b->n_plans) {
        row++;
        section(w, ws, row++, 5, "三、检查计划进度");
        merge(w, ws, row, 0, row, 1, "计划", w->hdr);
        put_str(w, ws, row, 2, "计划学校数", w->hdr);
        put_str(w, ws, row, 3, "已完成", w->hdr);
        put_str(w, ws, row, 4, "未到期", w->hdr);
        put_str(w, ws, row, 5, "已逾期", w->hdr);
        row++;
        for (i = 0; i < b->n_plans; i++, row++) {
            merge(w, ws, row, 0, row, 1, b->plans[i].name, w->label);
            put_num(w, ws, row, 2, (double)b->plans[i].schools, w->num0);
            put_num(w, ws, row, 3, (double)b->plans[i].done, w->num0);
            put_num(w, ws, row, 4, (double)b->plans[i].due, w->num0);
            put_num(w, ws, row, 5, (double)b->plans[i].overdue, w->num0);
        }
    }
    /* 更正说明: corrections of locked periods recorded in the month. */
    if (b->n_corrections) {
        row++;
        section(w, ws, row++, 5,
                b->n_plans ? "四、更正说明" : "三、更正说明");
        row = write_corrections(w, ws, row, b->corrections,
                                b->n_corrections, 5);
    }
    row++;
    write_signatures(w, ws, row, 5, 32 + 4 * MONTH_W);
    /* A document, not a table: no row repeats on the next page. */
    page_setup_opt(w, ws, "月调度", false, 0, 0);
    worksheet_set_portrait(ws);
    keep(w, worksheet_print_area(ws, 0, 0, row, 5));
}

/* 说明 of a bulletin: what it compares and how, who wrote it when. */
static void
write_bulletin_notes(struct wctx *w, lxw_worksheet *ws, const char *scope,
                     const struct sr_period *prev,
                     const char *const *rules, size_t n_rules)
{
    char buf[512], when[64];
    char *text = NULL;
    lxw_row_t row = 0;
    size_t i;

    keep(w, worksheet_set_column(ws, 0, 0, NOTE_LABEL_W, NULL));
    keep(w, worksheet_set_column(ws, 1, 1, NOTE_TEXT_W, NULL));
    put_str(w, ws, row++, 0, "说明", w->bold);
    put_str(w, ws, row, 0, "项目", w->hdr);
    put_str(w, ws, row, 1, "内容", w->hdr);
    row++;
    note_row(w, ws, &row, "范围", scope);
    snprintf(buf, sizeof(buf), "%s（%s 至 %s），对比%s（截至 %s）",
             w->period->name, w->period->start, w->period->end, prev->name,
             prev->end);
    note_row(w, ws, &row, "统计期", buf);
    note_row(w, ws, &row, "统计规则",
             "各项数字与同期的校园安全风险评估报告工作簿一致：学校按统计期"
             "末（或对比期末）最近一次已提交且仍在有效期内的检查计为已评估；"
             "隐患按当日的状态统计，未销号且已过整改期限的为逾期；重大隐患"
             "一律挂牌督办。");
    for (i = 0; i < n_rules; i++)
        note_row(w, ws, &row, "统计规则", rules[i]);
    if (china_time(w->meta->generated_at, when, sizeof(when))) {
        text = sr_asprintf("%s（北京时间；%s）", when,
                           w->meta->generated_at);
        if (!text)
            keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    note_row(w, ws, &row, "生成时间", text ? text : w->meta->generated_at);
    free(text);
    note_row(w, ws, &row, "生成人", w->meta->generated_by);
    note_row(w, ws, &row, "审计链头", w->meta->audit_head);
    page_setup(w, ws, "说明", 1, 1);
    keep(w, worksheet_print_area(ws, 0, 0, row, 1));
}

static const char *const month_rules[] = {
    "变化率为两期显示百分比（保留一位小数）之差，单位为百分点；分母为 0 时"
    "显示“-”。",
    "新增逾期：本月末逾期、上月末未逾期（或本月发现）的隐患；跌出四个100%："
    "上月末四项要素均达到、本月末未全部达到的学校（新列入名录的学校不计）；"
    "新增应检：本月末无有效评估、上月末有的学校（含新列入名录的学校）。"};

/* As the reports' input checks (check_str()). */
#define CHECK(s, what, idx, field)                                     \
    do {                                                               \
        rc = check_str(meta, (s), (what), (long)(idx), (field));       \
        if (rc != SR_OK)                                               \
            return rc;                                                 \
    } while (0)

static sr_error
check_bulletin_issue(const struct sr_bulletin_issue *issue,
                     const struct sr_report_meta *meta)
{
    sr_error rc;

    if (!issue)
        return SR_OK;
    CHECK(issue->date, "issue.date", -1, NULL);
    CHECK(issue->number, "issue.number", -1, NULL);
    return SR_OK;
}

static sr_error
check_corrections(const struct sr_bulletin_correction *v, size_t n,
                  const struct sr_report_meta *meta)
{
    sr_error rc = SR_OK;
    size_t i;

    for (i = 0; rc == SR_OK && i < n; i++) {
        CHECK(v[i].period, "corrections", i, "period");
        CHECK(v[i].district, "corrections", i, "district");
        CHECK(v[i].what, "corrections", i, "what");
        CHECK(v[i].by, "corrections", i, "by");
        CHECK(v[i].at, "corrections", i, "at");
        CHECK(v[i].why, "corrections", i, "why");
    }
    return rc;
}

static sr_error
check_monthly(const struct sr_bulletin_monthly *b,
              const struct sr_bulletin_issue *issue,
              const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    CHECK(b->now.code, "code", -1, NULL);
    CHECK(b->now.name, "name", -1, NULL);
    rc = check_common(&b->now.period, NULL, 0, meta);
    if (rc == SR_OK)
        rc = check_common(&b->prev.period, NULL, 0, meta);
    if (rc == SR_OK)
        rc = check_schools(b->now.schools, b->now.n_schools, "schools",
                           meta);
    if (rc == SR_OK)
        rc = check_schools(b->prev.schools, b->prev.n_schools,
                           "prev.schools", meta);
    if (rc == SR_OK)
        rc = check_hazards(b->now.hazards, b->now.n_hazards, "hazards",
                           meta);
    if (rc == SR_OK)
        rc = check_bulletin_issue(issue, meta);
    for (i = 0; rc == SR_OK && i < b->n_inspections; i++) {
        CHECK(b->inspections[i].school_name, "inspections", i,
              "school_name");
        CHECK(b->inspections[i].inspector, "inspections", i, "inspector");
        CHECK(b->inspections[i].band_label, "inspections", i,
              "band_label");
    }
    for (i = 0; rc == SR_OK && i < b->n_plans; i++)
        CHECK(b->plans[i].name, "plans", i, "name");
    if (rc == SR_OK)
        rc = check_corrections(b->corrections, b->n_corrections, meta);
    return rc;
}

sr_error
sr_bulletin_write_monthly(const struct sr_bulletin_monthly *b,
                          const struct sr_layout *layout,
                          const struct sr_bulletin_issue *issue,
                          const char *path,
                          const struct sr_report_meta *meta)
{
    static const struct sr_report_meta no_meta;
    struct wctx *w = NULL;
    lxw_worksheet *ws[6];
    char *title, *keywords, *scope;
    sr_error rc;
    size_t s;
    static const char *const names[] = {"月调度", "隐患变化", "本月检查",
                                        "新增应检", "四个100%变化", "说明"};

    if (!meta)
        meta = &no_meta;
    rc = check_monthly(b, issue, meta);
    if (rc != SR_OK)
        return rc;
    rc = begin(&w, path, meta, 0);
    if (rc != SR_OK)
        return rc;
    w->org = b->now.name;
    w->period = &b->now.period;
    w->layout = layout;
    words(w, b->now.code, "{区县}{统计期}校园安全月调度");
    for (s = 0; s < NELEM(names); s++)
        ws[s] = add_sheet(w, names[s]);
    if (w->lerr)
        return finish(w, path, "", "", "");
    write_month_front(w, ws[0], b, issue);
    write_month_hazards(w, ws[1], b);
    write_month_inspections(w, ws[2], b);
    write_month_due(w, ws[3], b);
    write_month_baseline(w, ws[4], b);
    scope = sr_asprintf("%s（%s）", b->now.name ? b->now.name : "",
                        b->now.code ? b->now.code : "");
    if (!scope)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    write_bulletin_notes(w, ws[5], scope, &b->prev.period, month_rules,
                         NELEM(month_rules));
    free(scope);
    title = sr_asprintf("%s校园安全月调度（%s）",
                        b->now.name ? b->now.name : "", b->now.period.name);
    keywords = sr_asprintf("校园安全, 月调度, %s, %s",
                           b->now.name ? b->now.name : "",
                           b->now.period.label);
    rc = finish(w, path, title, keywords, b->now.name ? b->now.name : "");
    free(title);
    free(keywords);
    return rc;
}

/* ---- 季通报 ---- */

/* "上升2位", "下降1位", "持平". */
static void
place_change(size_t prev, size_t now, char *buf, size_t size)
{
    if (prev > now)
        snprintf(buf, size, "上升%zu位", prev - now);
    else if (prev < now)
        snprintf(buf, size, "下降%zu位", now - prev);
    else
        snprintf(buf, size, "持平");
}

static const struct bcol rank_cols[] = {
    {"名次", 6, "0"},           {"区县", 11, "@"},
    {"上季度名次", 7, "0"},     {"名次变化", 8, "@"},
    {"学校数", 7, "0"},         {"达标率", 8, "0.0%"},
    {"达标率变化（百分点）", 9, FMT_CHANGE_PP},
    {"四个100%达标率", 9, "0.0%"},
    {"四个100%变化（百分点）", 9, FMT_CHANGE_PP},
    {"整改率", 8, "0.0%"},      {"整改率变化（百分点）", 9, FMT_CHANGE_PP},
    {"逾期重大隐患", 8, "0"},   {"未达标学校", 8, "0"},
    {"未评估学校", 8, "0"}};

/* A rate's cell value and its change's (blank "-" when unknown). */
static void
rate_and_change(const struct sr_bulletin_kpi *k, struct val *rate,
                struct val *change)
{
    int64_t ch;

    if (k->now.den)
        num_val(rate, (double)k->now.num / (double)k->now.den);
    else
        str_val(rate, "-");
    if (sr_bulletin_change(k, &ch))
        num_val(change, (double)ch / 10.0);
    else
        str_val(change, "-");
}

static lxw_row_t
write_ranking(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
              const struct sr_bulletin_quarterly *b)
{
    const size_t nc = NELEM(rank_cols);
    struct val v[NELEM(rank_cols)];
    char moved[32];
    size_t i;

    bcols_head(w, ws, row, rank_cols, nc);
    for (i = 0; i < b->n_districts; i++) {
        const struct sr_bulletin_district *d = &b->districts[i];
        const struct sr_report_district *r = &b->reports[d->report];

        place_change(d->prev_place, d->place, moved, sizeof(moved));
        num_val(&v[0], (double)d->place);
        str_val(&v[1], r->name);
        num_val(&v[2], (double)d->prev_place);
        str_val(&v[3], moved);
        num_val(&v[4], (double)r->kpis.schools);
        rate_and_change(&d->kpis[SR_BK_COMPLIANCE], &v[5], &v[6]);
        rate_and_change(&d->kpis[SR_BK_FOUR], &v[7], &v[8]);
        rate_and_change(&d->kpis[SR_BK_RECTIFICATION], &v[9], &v[10]);
        num_val(&v[11], (double)d->kpis[SR_BK_OVERDUE_MAJOR].now.num);
        num_val(&v[12], (double)d->noncompliant);
        num_val(&v[13], (double)d->unassessed);
        bcols_row(w, ws, ++row, rank_cols, v, nc, FILL_NONE);
    }
    return row + 1;
}

static bool
quarter_has_plans(const struct sr_bulletin_quarterly *b)
{
    size_t i;

    for (i = 0; i < b->n_districts; i++)
        if (b->districts[i].plans)
            return true;
    return false;
}

/* Each district's inspection plans at the quarter's end, by place:
 * 区县, 计划数, 计划学校数, 已完成, 未到期, 已逾期 over the first six
 * columns of the ranking. */
static lxw_row_t
write_quarter_plans(struct wctx *w, lxw_worksheet *ws, lxw_row_t row,
                    const struct sr_bulletin_quarterly *b, lxw_col_t last)
{
    static const char *const head[] = {"区县", "计划数", "计划学校数",
                                       "已完成", "未到期", "已逾期"};
    size_t i, c;

    (void)last;
    for (c = 0; c < NELEM(head); c++)
        put_str(w, ws, row, (lxw_col_t)c, head[c], w->hdr);
    row++;
    for (i = 0; i < b->n_districts; i++) {
        const struct sr_bulletin_district *d = &b->districts[i];

        if (!d->plans)
            continue;
        put_str(w, ws, row, 0, b->reports[d->report].name, w->label);
        put_num(w, ws, row, 1, (double)d->plans, w->num0);
        put_num(w, ws, row, 2, (double)d->plan_schools, w->num0);
        put_num(w, ws, row, 3, (double)d->plan_done, w->num0);
        put_num(w, ws, row, 4, (double)d->plan_due, w->num0);
        put_num(w, ws, row, 5, (double)d->plan_overdue, w->num0);
        row++;
    }
    return row;
}

static void
write_quarter_front(struct wctx *w, lxw_worksheet *ws,
                    const struct sr_bulletin_quarterly *b,
                    const struct sr_bulletin_issue *issue)
{
    const lxw_col_t last = NELEM(rank_cols) - 1;
    lxw_row_t row, breaks[2] = {0, 0};
    double width = 0;
    size_t i;

    for (i = 0; i < NELEM(rank_cols); i++)
        width += rank_cols[i].width;
    bcols_width(w, ws, rank_cols, NELEM(rank_cols));
    row = bulletin_head(w, ws, last, issue, &b->prev, width);
    section(w, ws, row++, last, "一、区县排名");
    row = write_ranking(w, ws, row, b);
    fit_row(w, ws, row, 2);
    merge(w, ws, row, 0, row, last,
          "排名规则：依次按达标率、四个100%达标率、整改率（本季度无新发现隐患"
          "的计为100%）由高到低，逾期重大隐患由少到多；四项均相同的并列同一"
          "名次（按区县代码列出），无学校的区县列最后。名次变化与上季度按同一"
          "规则的名次相比。",
          w->sign);
    row += 2;
    /* The city's KPIs start a page: a table split after its first rows
     * would print under the ranking's columns. */
    breaks[0] = row;
    keep(w, worksheet_set_h_pagebreaks(ws, breaks));
    section(w, ws, row++, last, "二、全市指标变化");
    row = bulletin_kpis(w, ws, row, 3, b->city, "本季度末", "上季度末");
    row++;
    if (quarter_has_plans(b)) {
        section(w, ws, row++, last, "三、检查计划进度（季末）");
        row = write_quarter_plans(w, ws, row, b, last);
        row++;
    }
    if (b->n_corrections) {
        section(w, ws, row++, last,
                quarter_has_plans(b) ? "四、更正说明" : "三、更正说明");
        row = write_corrections(w, ws, row, b->corrections,
                                b->n_corrections, last);
        row++;
    }
    write_signatures(w, ws, row, last, width);
    /* A document, not a table: no row repeats on the next page. */
    page_setup_opt(w, ws, "季通报", false, 0, 0);
    keep(w, worksheet_print_area(ws, 0, 0, row, last));
}

static const struct bcol quarter_school_cols[] = {
    {"区县", 11, "@"},       {"区县名次", 7, "0"},
    {"学校代码", 12, "@"},   {"学校名称", 26, "@"},
    {"学段", 9, "@"},        {"情况", 9, "@"},
    {"总分", 8, "0.00"},     {"风险等级", 9, "@"},
    {"否决项", 34, "@"},     {"评估日期", 11, "@"}};

static void
write_quarter_schools(struct wctx *w, lxw_worksheet *ws,
                      const struct sr_bulletin_quarterly *b)
{
    const size_t nc = NELEM(quarter_school_cols);
    struct val v[NELEM(quarter_school_cols)];
    lxw_row_t row = 0;
    size_t i, k;

    bcols_width(w, ws, quarter_school_cols, nc);
    bcols_head(w, ws, row, quarter_school_cols, nc);
    for (i = 0; i < b->n_schools; i++) {
        const struct sr_report_school *s =
            sr_bulletin_school_at(b, &b->schools[i]);
        size_t place = 0;

        for (k = 0; k < b->n_districts; k++)
            if (b->districts[k].report == b->schools[i].district)
                place = b->districts[k].place;
        school_value(s, SR_FS_DISTRICT_NAME, &v[0]);
        num_val(&v[1], (double)place);
        school_value(s, SR_FS_CODE, &v[2]);
        school_value(s, SR_FS_NAME, &v[3]);
        school_value(s, SR_FS_STAGE, &v[4]);
        str_val(&v[5], sr_bulletin_school_status(s));
        school_value(s, SR_FS_TOTAL, &v[6]);
        school_value(s, SR_FS_BAND, &v[7]);
        school_value(s, SR_FS_VETO_ITEMS, &v[8]);
        school_value(s, SR_FS_ASSESSED_ON, &v[9]);
        bcols_row(w, ws, ++row, quarter_school_cols, v, nc, school_fill(s));
    }
    blist_finish(w, ws, "未达标学校", 0, row, nc);
}

static const struct bcol quarter_major_cols[] = {
    {"隐患编号", 8, "0"},      {"区县", 10, "@"},
    {"学校名称", 22, "@"},     {"隐患部位/项目", 18, "@"},
    {"隐患描述", 28, "@"},     {"隐患等级", 9, "@"},
    {"发现日期", 11, "@"},     {"整改责任人", 10, "@"},
    {"整改期限", 11, "@"},     {"季末状态", 11, "@"},
    {"销号日期", 11, "@"},     {"逾期天数", 8, "0"},
    {"挂牌督办", 8, "@"}};

static void
write_quarter_major(struct wctx *w, lxw_worksheet *ws,
                    const struct sr_bulletin_quarterly *b)
{
    const size_t nc = NELEM(quarter_major_cols);
    struct val v[NELEM(quarter_major_cols)];
    lxw_row_t row = 0;
    size_t i;

    bcols_width(w, ws, quarter_major_cols, nc);
    bcols_head(w, ws, row, quarter_major_cols, nc);
    for (i = 0; i < b->n_overdue_major; i++) {
        hazard_vals(v, NULL, sr_bulletin_hazard_at(b, &b->overdue_major[i]),
                    true);
        bcols_row(w, ws, ++row, quarter_major_cols, v, nc, FILL_OVERDUE);
    }
    blist_finish(w, ws, "逾期重大隐患", 0, row, nc);
}

static const char *const quarter_rules[] = {
    "排名：依次按达标率、四个100%达标率、整改率（本季度无新发现隐患的计为"
    "100%）由高到低，逾期重大隐患由少到多；四项均相同的并列同一名次，按区县"
    "代码列出；无学校的区县列最后。上季度名次按同一规则由上季度末的数字排出。",
    "未达标学校：季末已评估但未达标（含一票否决）的学校，以及季末无有效评估"
    "（未评估）的学校，按区县名次、学校代码排列。逾期重大隐患：季末未销号且"
    "已过整改期限的重大隐患，逾期天数多的在前。",
    /* Parenthesised: one element, as clang's -Wstring-concatenation
     * wants it said. */
    ("变化率为两期显示百分比（保留一位小数）之差，单位为百分点；分母为 0 时"
     "显示“-”。")};

static sr_error
check_quarterly(const struct sr_bulletin_quarterly *b,
                const struct sr_bulletin_issue *issue,
                const struct sr_report_meta *meta)
{
    sr_error rc;
    size_t i;

    rc = check_common(&b->period, NULL, 0, meta);
    if (rc == SR_OK)
        rc = check_common(&b->prev, NULL, 0, meta);
    if (rc == SR_OK)
        rc = check_bulletin_issue(issue, meta);
    for (i = 0; rc == SR_OK && i < b->n_reports; i++) {
        CHECK(b->reports[i].name, "reports", i, "name");
        rc = check_schools(b->reports[i].schools, b->reports[i].n_schools,
                           "schools", meta);
        if (rc == SR_OK)
            rc = check_hazards(b->reports[i].hazards,
                               b->reports[i].n_hazards, "hazards", meta);
    }
    if (rc == SR_OK)
        rc = check_corrections(b->corrections, b->n_corrections, meta);
    return rc;
}

sr_error
sr_bulletin_write_quarterly(const struct sr_bulletin_quarterly *b,
                            const struct sr_layout *layout,
                            const struct sr_bulletin_issue *issue,
                            const char *path,
                            const struct sr_report_meta *meta)
{
    static const struct sr_report_meta no_meta;
    static const char *const names[] = {"季通报", "未达标学校",
                                        "逾期重大隐患", "说明"};
    struct wctx *w = NULL;
    lxw_worksheet *ws[4];
    char *title, *keywords, *scope;
    sr_error rc;
    size_t s;

    if (!meta)
        meta = &no_meta;
    rc = check_quarterly(b, issue, meta);
    if (rc != SR_OK)
        return rc;
    rc = begin(&w, path, meta, 0);
    if (rc != SR_OK)
        return rc;
    w->org = "全市";
    w->period = &b->period;
    w->layout = layout;
    words(w, NULL, "{统计期}中小学校园安全工作通报");
    for (s = 0; s < NELEM(names); s++)
        ws[s] = add_sheet(w, names[s]);
    if (w->lerr)
        return finish(w, path, "", "", "");
    write_quarter_front(w, ws[0], b, issue);
    write_quarter_schools(w, ws[1], b);
    write_quarter_major(w, ws[2], b);
    scope = sr_asprintf("全市（%zu 个区县）", b->n_reports);
    if (!scope)
        keep(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    write_bulletin_notes(w, ws[3], scope, &b->prev, quarter_rules,
                         NELEM(quarter_rules));
    free(scope);
    title = sr_asprintf("中小学校园安全季度通报（%s）", b->period.name);
    keywords = sr_asprintf("校园安全, 季通报, 全市, %s", b->period.label);
    rc = finish(w, path, title, keywords, "全市");
    free(title);
    free(keywords);
    return rc;
}

#undef CHECK
