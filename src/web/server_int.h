/*
 * server_int.h - what server.c offers the other files of src/web/
 * beyond web.h: queueing a response with the headers every response
 * carries.
 */
#ifndef SR_WEB_SERVER_INT_H
#define SR_WEB_SERVER_INT_H

#include "web.h"

/* Queue rs with status, adding the security headers, and note the
 * status for the access log. */
enum MHD_Result web_answer(struct web_req *r, unsigned status,
                           struct MHD_Response *rs);

/* Serve a file of the front end (static.c) for a GET or HEAD outside
 * /api/. */
enum MHD_Result web_static(struct web_req *r);

#endif /* SR_WEB_SERVER_INT_H */
