/*
 * date.c - calendar dates as people type them (date.h).
 *
 * One parser for every place a person types a date: the CLI's options
 * and the API's fields turn 2026/12/31, 2026.12.31 or 2026年12月31日
 * into the stored form 2026-12-31 here, so that every front end
 * accepts the same forms and refuses the same mistakes.
 */
#include "schoolrisk/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schoolrisk/store.h"
#include "util.h"

sr_error
sr_date_parse(const char *text, char out[11])
{
    const char *p = text;
    char sep[2] = {0, 0}, buf[40];
    bool zh;
    int y, m, d;

    if (!text || strlen(text) > 32)
        return SR_ERR_INPUT;
    /* The year has four digits: "26/12/31" is not guessed at. */
    if (strspn(p, "0123456789") != 4)
        return SR_ERR_INPUT;
    y = sr_read_digits(&p, 4);
    zh = sr_skip_lit(&p, "年");
    if (!zh) {
        if (*p != '-' && *p != '/' && *p != '.')
            return SR_ERR_INPUT;
        sep[0] = *p++;
    }
    m = sr_read_digits(&p, 2);
    if (m < 0 || !sr_skip_lit(&p, zh ? "月" : sep))
        return SR_ERR_INPUT;
    d = sr_read_digits(&p, 2);
    if (d < 0 || (zh && !sr_skip_lit(&p, "日") && !sr_skip_lit(&p, "号")) || *p)
        return SR_ERR_INPUT;
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
    if (!sr_date_valid(buf))
        return SR_ERR_INPUT;
    memcpy(out, buf, 11);
    return SR_OK;
}

void
sr_date_add_days(const char *date, int days, char out[11])
{
    struct tm tm;
    time_t t;
    char tmp[40];

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = (int)strtol(date, NULL, 10) - 1900;
    tm.tm_mon = (int)strtol(date + 5, NULL, 10) - 1;
    tm.tm_mday = (int)strtol(date + 8, NULL, 10);
    tm.tm_hour = 12;
    t = timegm(&tm) + (time_t)days * 86400;
    gmtime_r(&t, &tm);
    /* Through a roomy buffer: gcc cannot see that the year has 4
     * digits. */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}
