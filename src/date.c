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
#include <string.h>

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
