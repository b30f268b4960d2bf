/*
 * http_client.h - the minimal HTTP/1.1 client of the service's
 * benchmarks (bench_service.c, bench_writers.c): one keep-alive
 * connection to the server on 127.0.0.1, its session cookie and CSRF
 * token.
 */
#ifndef SR_BENCH_HTTP_CLIENT_H
#define SR_BENCH_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct conn {
    int fd;              /* -1: not connected (request() connects) */
    unsigned short port; /* the server's, on 127.0.0.1 */
    char cookie[80];
    char csrf[64];
    char *buf;           /* the last answer; free() it when done */
    size_t cap;
};

/* A connection to the server on port, not yet connected. */
#define CONN_INIT(port) {-1, (port), "", "", NULL, 0}

/* Connect c; false on failure. */
bool conn_open(struct conn *c);

/* Send a request (json: its body, or NULL) and read the answer: its
 * status, or -1 when there was none; *body points into c->buf.  The
 * session cookie the server sets is kept in c. */
int request(struct conn *c, const char *method, const char *path,
            const char *json, char **body);

/* Sign in as login with password, and with the second factor when the
 * server asks for it and secret (its TOTP secret) is given: true when
 * signed in, c then holding the session.  *ms and *status, when not
 * NULL, get the password request's time and status. */
bool sign_in(struct conn *c, const char *login, const char *password,
             const char *secret, double *ms, int *status);

/* Milliseconds on the monotonic clock. */
double now_ms(void);

#endif
