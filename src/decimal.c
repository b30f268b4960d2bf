/*
 * decimal.c - parsing and formatting of scaled decimal integers.
 */
#include "schoolrisk/decimal.h"

#include <stdio.h>
#include <string.h>

static const int64_t pow10_tab[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
    1000000000,
};

sr_error
sr_decimal_parse(const char *s, int scale, int64_t *out)
{
    int neg = 0;
    int64_t v = 0;
    int frac_digits = 0;
    int int_digits = 0;
    const char *p = s;

    if (scale < 0 || scale > 9 || !s)
        return SR_ERR_INPUT;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        /* 18 digits keep v * 10 + 9 inside int64_t. */
        if (++int_digits > 18 - scale)
            return SR_ERR_INPUT;
        v = v * 10 + (*p - '0');
    }
    if (int_digits == 0)
        return SR_ERR_INPUT;
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (++frac_digits > scale)
                return SR_ERR_INPUT;
            v = v * 10 + (*p - '0');
        }
        if (frac_digits == 0)
            return SR_ERR_INPUT;
    }
    if (*p != '\0')
        return SR_ERR_INPUT;
    v *= pow10_tab[scale - frac_digits];
    *out = neg ? -v : v;
    return SR_OK;
}

void
sr_decimal_format(int64_t v, int scale, int min_decimals, char *buf,
                  size_t size)
{
    char frac[24];
    uint64_t mag;
    uint64_t ip, fp;
    int nd;

    if (!size)
        return;
    if (scale <= 0 || scale > 9) {
        snprintf(buf, size, "%lld", (long long)v);
        return;
    }
    /* Magnitude as unsigned so that INT64_MIN does not overflow. */
    mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    ip = mag / (uint64_t)pow10_tab[scale];
    fp = mag % (uint64_t)pow10_tab[scale];
    snprintf(frac, sizeof(frac), "%0*llu", scale, (unsigned long long)fp);
    nd = scale;
    while (nd > min_decimals && frac[nd - 1] == '0')
        nd--;
    if (nd > 0)
        snprintf(buf, size, "%s%llu.%.*s", v < 0 ? "-" : "",
                 (unsigned long long)ip, nd, frac);
    else
        snprintf(buf, size, "%s%llu", v < 0 ? "-" : "",
                 (unsigned long long)ip);
}

int64_t
sr_div_round(int64_t n, int64_t d)
{
    /* (n + d/2) / d rounds halves up also for odd d: a remainder r
     * reaches a half exactly when r + (d-1)/2 >= d. */
    if (n >= 0)
        return (n + d / 2) / d;
    return -((-n + d / 2) / d);
}
