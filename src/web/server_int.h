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

/* web_file() with a Content-Encoding (a precompressed file) or a
 * download name; web_file() is web_file_as(..., NULL, cache). */
enum MHD_Result web_file_encoded(struct web_req *r, int fd, int64_t size,
                                 const char *type, const char *encoding,
                                 const char *cache);
enum MHD_Result web_file_as(struct web_req *r, int fd, int64_t size,
                            const char *type, const char *name,
                            const char *encoding, const char *cache);

/* Serve a file of the front end (static.c) for a GET or HEAD outside
 * /api/. */
enum MHD_Result web_static(struct web_req *r);

#endif /* SR_WEB_SERVER_INT_H */
