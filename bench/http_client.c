/*
 * http_client.c - the benchmarks' minimal HTTP/1.1 client
 * (http_client.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "http_client.h"
#include "schoolrisk/auth.h"

double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool
sign_in(struct conn *c, const char *login, const char *password,
        const char *secret, double *ms, int *status)
{
    char json[256], *body;
    double t0 = now_ms();
    const char *stage;
    cJSON *v;
    int st;

    c->cookie[0] = c->csrf[0] = '\0';
    snprintf(json, sizeof(json), "{\"login\":\"%s\",\"password\":\"%s\"}",
             login, password);
    st = request(c, "POST", "/api/v1/session", json, &body);
    if (ms)
        *ms = now_ms() - t0;
    if (status)
        *status = st;
    if (st != 200)
        return false;
    v = cJSON_Parse(body);
    snprintf(c->csrf, sizeof(c->csrf), "%s",
             cJSON_GetStringValue(cJSON_GetObjectItem(v, "csrf")));
    stage = cJSON_GetStringValue(cJSON_GetObjectItem(v, "stage"));
    if (secret && stage && !strcmp(stage, "totp")) {
        char code[7];

        /* The next step's code: the enrolment used this step's, and a
         * code is accepted once (one step of drift is allowed). */
        sr_totp_code(secret, time(NULL) + 30, code);
        snprintf(json, sizeof(json), "{\"code\":\"%s\"}", code);
        st = request(c, "POST", "/api/v1/session/totp", json, &body);
    }
    cJSON_Delete(v);
    return st == 200;
}

bool
conn_open(struct conn *c)
{
    struct sockaddr_in a;
    int one = 1;

    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return false;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(c->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(c->fd);
        c->fd = -1;
        return false;
    }
    return true;
}

/* Send a request and read the answer: its status, *body (in c->buf). */
int
request(struct conn *c, const char *method, const char *path,
        const char *json, char **body)
{
    char head[2048];
    size_t hl, bl = json ? strlen(json) : 0, got = 0, need = 0;
    const char *eoh = NULL, *p;
    int status = -1, tries;

    for (tries = 0; tries < 2; tries++) {
        if (c->fd < 0 && !conn_open(c))
            return -1;
        hl = (size_t)snprintf(
            head, sizeof(head),
            "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
            "Origin: http://127.0.0.1:%u\r\n%s%s%s%s%s%s"
            "Content-Length: %zu\r\n\r\n",
            method, path, c->port, c->port, c->cookie[0] ? "Cookie: sr_session="
                                                   : "",
            c->cookie, c->cookie[0] ? "\r\n" : "",
            c->csrf[0] ? "X-CSRF-Token: " : "", c->csrf,
            c->csrf[0] ? "\r\n" : "", bl);
        if (send(c->fd, head, hl, MSG_NOSIGNAL) != (ssize_t)hl ||
            (bl && send(c->fd, json, bl, MSG_NOSIGNAL) != (ssize_t)bl)) {
            close(c->fd);
            c->fd = -1;
            continue; /* the server closed an idle connection */
        }
        got = 0;
        eoh = NULL;
        for (;;) {
            ssize_t n;

            if (got + 65536 > c->cap) {
                c->cap = c->cap ? c->cap * 2 : 1 << 20;
                c->buf = realloc(c->buf, c->cap);
                if (!c->buf)
                    abort();
            }
            n = recv(c->fd, c->buf + got, c->cap - got - 1, 0);
            if (n <= 0)
                break;
            got += (size_t)n;
            c->buf[got] = '\0';
            if (!eoh && (eoh = strstr(c->buf, "\r\n\r\n"))) {
                p = strcasestr(c->buf, "\r\nContent-Length:");
                need = (size_t)(eoh - c->buf) + 4 +
                       (p && p < eoh ? strtoul(p + 17, NULL, 10) : 0);
            }
            if (eoh && got >= need)
                break;
        }
        if (!eoh || got < need) {
            close(c->fd);
            c->fd = -1;
            if (got == 0)
                continue;
            return -1;
        }
        sscanf(c->buf, "HTTP/1.1 %d", &status);
        if ((p = strcasestr(c->buf, "\r\nSet-Cookie: sr_session=")) &&
            p < eoh) {
            const char *v = p + strlen("\r\nSet-Cookie: sr_session=");
            size_t n = strcspn(v, ";\r");

            snprintf(c->cookie, sizeof(c->cookie), "%.*s", (int)n, v);
        }
        *body = (char *)eoh + 4;
        return status;
    }
    return -1;
}
