/*
 * pending.c - TEMPORARY: routes whose handlers are being written.
 * Each answers 501 until its file exists; this file is deleted then.
 */
#include "web.h"

WEB_HANDLER(web_users_list)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_add)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_get)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_update)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_password)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_disable)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_enable)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_unlock)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_totp_reset)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_grant)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_users_revoke)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_security_log)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_districts_list)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_district_overview)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_dashboard)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_schools_list)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_schools_get)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_schools_import)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_schools_checklist)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_schools_baseline)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_tasks)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_create)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_self)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_list)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_get)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_answer)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_unanswer)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_answers)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_assessments_submit)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_baseline)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_reports_district)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_reports_city)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_systems_list)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_systems_get)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_systems_upload)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_evidence_upload)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_evidence_get)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_audit_verify)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}
