/*
 * slow.h - a small pool of threads for the requests that run Argon2id
 * (sign-in, password changes): about 100 ms of CPU and 64 MiB each.
 *
 * The request thread suspends the connection and hands the request to
 * the pool; a pool thread runs the route's handler once with
 * r->slow_state == WEB_SLOW_QUEUED (the work, on the pool thread's own
 * database connection, answering nothing), then resumes the
 * connection; MHD calls back on a request thread, which runs the
 * handler again with WEB_SLOW_DONE to answer from what the work left in
 * r->slow_*.  At most as many run at once as the pool has threads (two,
 * one a core), and a full queue is answered 503, so a burst of sign-ins
 * neither starves the other requests nor exhausts memory.
 */
#ifndef SR_WEB_SLOW_H
#define SR_WEB_SLOW_H

#include "web.h"

enum { WEB_SLOW_QUEUED = 1, WEB_SLOW_DONE = 2 };

/* Most requests waiting for a pool thread. */
#define WEB_SLOW_QUEUE 256

int web_slow_start(unsigned threads);
void web_slow_stop(void);

/* Queue r (false when the queue is full). */
bool web_slow_submit(struct web_req *r);

/* During the work: keep the outcome for the answer (the error message
 * and field of the pool thread's store when rc is not SR_OK). */
void web_slow_keep(struct web_req *r, sr_error rc);

/* Free what the work left in r. */
void web_slow_release(struct web_req *r);

/* This thread's database connection (server.c). */
struct sr_store *web_thread_store(char *err, size_t err_size);

#endif /* SR_WEB_SLOW_H */
