/*
 * bulletins.c - the bulletins as JSON: a district's monthly dispatch
 * (月调度) and the city's quarterly bulletin (季通报), for the 通报
 * page.  Their workbooks are served by reports.c with the reports'.
 *
 * The figures and their JSON are the library's (bulletin.h), the same
 * as `schoolrisk bulletin ... --json`.  Who may read what is the route
 * table's: a district its own dispatch, and the quarterly bulletin,
 * which the city publishes to every district.
 */
#include "web.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "schoolrisk/bulletin.h"
#include "schoolrisk/signoff.h"
#include "period.h"

/* Both list the corrections of locked periods recorded in their period
 * (sign-off's 更正说明), as the CLI's do. */
const struct sr_bulletin_options web_bulletin_opt = {
    sr_signoff_bulletin_corrections, NULL};

WEB_HANDLER(web_bulletins_monthly)
{
    struct sr_bulletin_monthly b;
    struct sr_period p;
    sr_error rc;
    cJSON *v;

    if (!web_bulletin_period(r, SR_PERIOD_MONTH, &p))
        return web_done(r);
    rc = sr_bulletin_monthly(r->st, web_param(r, 0), &p, &web_bulletin_opt,
                             &b);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    v = sr_json_bulletin_monthly(&b);
    sr_bulletin_monthly_release(&b);
    return web_json(r, MHD_HTTP_OK, v);
}

WEB_HANDLER(web_bulletins_quarterly)
{
    struct sr_bulletin_quarterly b;
    struct sr_period p;
    sr_error rc;
    cJSON *v;

    if (!web_bulletin_period(r, SR_PERIOD_QUARTER, &p))
        return web_done(r);
    rc = sr_bulletin_quarterly(r->st, &p, &web_bulletin_opt, &b);
    if (rc != SR_OK)
        return web_fail(r, rc, NULL);
    v = sr_json_bulletin_quarterly(&b);
    sr_bulletin_quarterly_release(&b);
    return web_json(r, MHD_HTTP_OK, v);
}
