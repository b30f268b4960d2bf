/*
 * period.c - reporting periods (report.h): a month "2026-09", a
 * quarter "2026Q3" or a year "2026", each a closed range of China dates
 * with a canonical label and its Chinese name.  A period is read in the
 * forms people type, the bureau's Chinese ones (2026年第四季度,
 * 2026年12月, 2026年) as well as the canonical labels.
 *
 * A period is built from (kind, year, n) alone, so that parsing and
 * stepping back share one place that knows month lengths and names.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "schoolrisk/report.h"
#include "schoolrisk/store.h"
#include "util.h"

#define YEAR_MIN 1900
#define YEAR_MAX 2999

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* "YYYY-MM-DD" into a 11-byte field.  Through a roomy buffer: gcc
 * cannot see that the year has 4 digits. */
static void
put_date(char out[11], int y, int m, int d)
{
    char tmp[40];

    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

/* Copy @p src into a field of @p size bytes (the texts built here always
 * fit; gcc cannot see it through snprintf). */
static void
copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The period of @p kind in year @p y: @p n is the month (1..12) or the
 * quarter (1..4); ignored for a year. */
static void
build(int kind, int y, int n, struct sr_period *out)
{
    static const char *const qname[] = {"一", "二", "三", "四"};
    char label[40], name[64];
    int first, last;

    memset(out, 0, sizeof(*out));
    out->kind = kind;
    switch (kind) {
    case SR_PERIOD_MONTH:
        first = last = n;
        snprintf(label, sizeof(label), "%04d-%02d", y, n);
        snprintf(name, sizeof(name), "%d年%d月", y, n);
        break;
    case SR_PERIOD_QUARTER:
        first = (n - 1) * 3 + 1;
        last = first + 2;
        snprintf(label, sizeof(label), "%04dQ%d", y, n);
        snprintf(name, sizeof(name), "%d年第%s季度", y, qname[n - 1]);
        break;
    default:
        first = 1;
        last = 12;
        snprintf(label, sizeof(label), "%04d", y);
        snprintf(name, sizeof(name), "%d年", y);
        break;
    }
    copy(out->label, sizeof(out->label), label);
    copy(out->name, sizeof(out->name), name);
    put_date(out->start, y, first, 1);
    put_date(out->end, y, last, month_days(y, last));
}

/* n ASCII digits at s as a number, or -1. */
static int
digits(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* A quarter written after the year and 年: 第四季度, 四季度, 第4季度,
 * 4季度 or Q4; -1 when there is none. */
static int
quarter_zh(const char **p)
{
    static const char *const zh[] = {"一", "二", "三", "四"};
    int q = -1, i;

    if (**p == 'Q' || **p == 'q') {
        (*p)++;
        if (**p < '1' || **p > '4')
            return -1;
        return *(*p)++ - '0';
    }
    sr_skip_lit(p, "第");
    if (**p >= '1' && **p <= '4') {
        q = *(*p)++ - '0';
    } else {
        for (i = 0; i < 4 && q < 0; i++)
            if (sr_skip_lit(p, zh[i]))
                q = i + 1;
    }
    return q > 0 && sr_skip_lit(p, "季度") ? q : -1;
}

/*
 * The forms, after a four-digit year Y:
 *   Y  Y年  Y年度                                     the year
 *   YQ4  Yq4  Y-Q4  Y年Q4  Y年第四季度  Y年四季度  Y年第4季度  the quarter
 *   Y-09  Y-9  Y/09  Y.09  Y年9月  Y年09月            the month
 */
sr_error
sr_period_parse(const char *text, struct sr_period *out)
{
    const char *p;
    int y, n;

    if (!text || strlen(text) > 40)
        return SR_ERR_INPUT;
    y = digits(text, 4);
    if (y < YEAR_MIN || y > YEAR_MAX)
        return SR_ERR_INPUT;
    p = text + 4;
    if (sr_skip_lit(&p, "年")) {
        const char *q = p;

        if (!*p || (sr_skip_lit(&p, "度") && !*p)) {
            build(SR_PERIOD_YEAR, y, 0, out);
            return SR_OK;
        }
        p = q;
        n = quarter_zh(&p);
        if (n > 0 && !*p) {
            build(SR_PERIOD_QUARTER, y, n, out);
            return SR_OK;
        }
        p = q;
        n = sr_read_digits(&p, 2);
        if (n >= 1 && n <= 12 && sr_skip_lit(&p, "月") && !*p) {
            build(SR_PERIOD_MONTH, y, n, out);
            return SR_OK;
        }
        return SR_ERR_INPUT;
    }
    if (!*p) {
        build(SR_PERIOD_YEAR, y, 0, out);
        return SR_OK;
    }
    if (*p == '-' && (p[1] == 'Q' || p[1] == 'q'))
        p++;
    if (*p == 'Q' || *p == 'q') {
        if (p[1] < '1' || p[1] > '4' || p[2])
            return SR_ERR_INPUT;
        build(SR_PERIOD_QUARTER, y, p[1] - '0', out);
        return SR_OK;
    }
    if (*p == '-' || *p == '/' || *p == '.') {
        p++;
        n = sr_read_digits(&p, 2);
        if (n >= 1 && n <= 12 && !*p) {
            build(SR_PERIOD_MONTH, y, n, out);
            return SR_OK;
        }
    }
    return SR_ERR_INPUT;
}

void
sr_period_prev(const struct sr_period *p, struct sr_period *out)
{
    int y = digits(p->start, 4), m = digits(p->start + 5, 2);

    switch (p->kind) {
    case SR_PERIOD_MONTH:
        if (m == 1)
            build(SR_PERIOD_MONTH, y - 1, 12, out);
        else
            build(SR_PERIOD_MONTH, y, m - 1, out);
        break;
    case SR_PERIOD_QUARTER:
        if (m <= 3)
            build(SR_PERIOD_QUARTER, y - 1, 4, out);
        else
            build(SR_PERIOD_QUARTER, y, (m - 1) / 3, out);
        break;
    default:
        build(SR_PERIOD_YEAR, y - 1, 0, out);
        break;
    }
}

sr_error
sr_period_of(int kind, const char *date, struct sr_period *out)
{
    int y, m;

    if (!date || !sr_date_valid(date) ||
        (kind != SR_PERIOD_MONTH && kind != SR_PERIOD_QUARTER &&
         kind != SR_PERIOD_YEAR))
        return SR_ERR_INPUT;
    y = digits(date, 4);
    m = digits(date + 5, 2);
    build(kind, y, kind == SR_PERIOD_QUARTER ? (m - 1) / 3 + 1 : m, out);
    return SR_OK;
}
