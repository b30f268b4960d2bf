/*
 * pending.c - TEMPORARY: routes whose handlers are being written.
 * Each answers 501 until its file exists; this file is deleted then.
 */
#include "web.h"

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

WEB_HANDLER(web_evidence_upload)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}

WEB_HANDLER(web_evidence_get)
{
    return web_error(r, 501, "pending", NULL, 0, "%s", "not yet");
}
