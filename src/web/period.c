/*
 * period.c - the reporting period of a request (period.h).
 */
#include "period.h"

#include "schoolrisk/bulletin.h"
#include "schoolrisk/store.h"

bool
web_period(struct web_req *r, struct sr_period *out)
{
    const char *p = web_query(r, "period");
    char today[16];

    if (!p) {
        sr_store_today(r->st, today);
        if (sr_period_of(SR_PERIOD_QUARTER, today, out) == SR_OK)
            return true;
        web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, 0,
                  _("today's date '%s' is out of range"), today);
        return false;
    }
    if (sr_period_parse(p, out) == SR_OK)
        return true;
    web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", "period", 0,
              _("bad period '%s' (expected a quarter like 2026Q3 or "
                "2026年第三季度, a month like 2026-09 or 2026年9月, or a year "
                "like 2026 or 2026年)"),
              p);
    return false;
}

bool
web_bulletin_period(struct web_req *r, int kind, struct sr_period *out)
{
    const char *key = kind == SR_PERIOD_MONTH ? "month" : "quarter";
    const char *p = web_query(r, key);
    char today[16];

    if (!p) {
        sr_store_today(r->st, today);
        if (sr_bulletin_last_period(kind, today, out) == SR_OK)
            return true;
        web_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, 0,
                  _("today's date '%s' is out of range"), today);
        return false;
    }
    if (sr_period_parse(p, out) == SR_OK && out->kind == kind)
        return true;
    if (kind == SR_PERIOD_MONTH)
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", key, 0,
                  _("bad month '%s' (expected 2026-11 or 2026年11月)"), p);
    else
        web_error(r, MHD_HTTP_BAD_REQUEST, "bad_query", key, 0,
                  _("bad quarter '%s' (expected 2026Q4 or 2026年第四季度)"),
                  p);
    return false;
}
