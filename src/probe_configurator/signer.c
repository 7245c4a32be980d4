/* SPDX-License-Identifier: BSD-3-Clause */
/* signer.c - the signing client (see signer.h). */
#include "signer.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"

#define RPC_BUSY -32012 /* the signer's "too many clients, retry later" */

static enum dc_signer_status fail(struct dc_signer_reply *r, enum dc_signer_status st,
                                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum dc_signer_status fail(struct dc_signer_reply *r, enum dc_signer_status st,
                                  const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
    return st;
}

/* Wait until fd is ready for events, or the deadline. 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        long long left = deadline - dc_now_ms();
        int n;

        if (left <= 0)
            return 0;
        n = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
        if (n > 0)
            return 1;
        if (n == 0)
            continue;
        if (errno != EINTR)
            return -1;
    }
}

enum dc_signer_status dc_signer_parse_reply(const char *buf, size_t len, struct dc_signer_reply *r)
{
    json_error_t jerr;
    json_t *root, *err, *res;
    const char *ver, *sum;
    enum dc_signer_status st;

    memset(r->checksum, 0, sizeof(r->checksum));
    r->code = 0;
    r->message[0] = '\0';
    if (len == 0)
        return fail(r, DC_SIGNER_PROTOCOL, "the signer closed the connection without answering");
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return fail(r, DC_SIGNER_PROTOCOL, "the signer's answer is not JSON: %s", jerr.text);
    ver = json_string_value(json_object_get(root, "jsonrpc"));
    err = json_object_get(root, "error");
    res = json_object_get(root, "result");
    if (!json_is_object(root) || !ver || strcmp(ver, "2.0") != 0) {
        st = fail(r, DC_SIGNER_PROTOCOL, "the signer's answer is not a JSON-RPC 2.0 response");
    } else if (json_is_object(err)) {
        const char *msg = json_string_value(json_object_get(err, "message"));

        r->code = (int)json_integer_value(json_object_get(err, "code"));
        st = fail(r, DC_SIGNER_REFUSED, "%s", msg && msg[0] ? msg : "the signer refused");
    } else if (json_is_object(res) && (sum = json_string_value(json_object_get(res, "checksum"))) &&
               dc_pf_is_hex64(sum)) {
        memcpy(r->checksum, sum, DC_PF_HEX_LEN + 1);
        st = DC_SIGNER_OK;
    } else {
        st = fail(r, DC_SIGNER_PROTOCOL, "the signer's answer has no valid checksum");
    }
    json_decref(root);
    return st;
}

static char *build_request(const char *payload, size_t len, size_t *outlen)
{
    json_t *req = json_object(), *params = json_object();
    char *text = NULL;

    if (req && params && json_object_set_new(req, "jsonrpc", json_string("2.0")) == 0 &&
        json_object_set_new(req, "id", json_integer(1)) == 0 &&
        json_object_set_new(req, "method", json_string("sign_probe_payload")) == 0 &&
        json_object_set_new(params, "signing_payload", json_stringn(payload, len)) == 0 &&
        json_object_set(req, "params", params) == 0)
        text = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(params);
    json_decref(req);
    if (text)
        *outlen = strlen(text);
    return text;
}

/* One exchange. */
static enum dc_signer_status exchange(const char *path, const char *req, size_t reqlen,
                                      long long deadline, struct dc_signer_reply *r)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char *buf = NULL;
    size_t len = 0, off = 0;
    enum dc_signer_status st;
    int fd, w;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(r, DC_SIGNER_UNREACHABLE, "socket: %s", strerror(errno));
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        st = fail(r, DC_SIGNER_UNREACHABLE, "cannot connect to the signer at %s: %s", path,
                  strerror(errno));
        goto cleanup;
    }
    while (off < reqlen) {
        ssize_t n;

        if ((w = wait_fd(fd, POLLOUT, deadline)) <= 0) {
            st = fail(r, DC_SIGNER_UNREACHABLE, "the signer at %s did not take the request%s", path,
                      w == 0 ? " in time" : "");
            goto cleanup;
        }
        n = send(fd, req + off, reqlen - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            /* The signer may have refused before reading everything: read its answer. */
            if (errno == EPIPE || errno == ECONNRESET)
                break;
            st = fail(r, DC_SIGNER_UNREACHABLE, "sending to the signer at %s: %s", path,
                      strerror(errno));
            goto cleanup;
        }
        off += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    buf = malloc(DC_SIGNER_REPLY_MAX);
    if (!buf) {
        st = fail(r, DC_SIGNER_UNREACHABLE, "out of memory");
        goto cleanup;
    }
    for (;;) {
        ssize_t n;

        if ((w = wait_fd(fd, POLLIN, deadline)) <= 0) {
            st = fail(r, DC_SIGNER_UNREACHABLE, "no answer from the signer at %s%s", path,
                      w == 0 ? " in time" : "");
            goto cleanup;
        }
        n = recv(fd, buf + len, DC_SIGNER_REPLY_MAX - len, MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            st = fail(r, DC_SIGNER_UNREACHABLE, "reading from the signer at %s: %s", path,
                      strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == DC_SIGNER_REPLY_MAX) {
            st = fail(r, DC_SIGNER_PROTOCOL, "the signer's answer is larger than %u bytes",
                      DC_SIGNER_REPLY_MAX);
            goto cleanup;
        }
    }
    st = dc_signer_parse_reply(buf, len, r);
cleanup:
    free(buf);
    close(fd);
    return st;
}

enum dc_signer_status dc_signer_sign(const char *socket_path, const char *payload, size_t len,
                                     int timeout_ms, struct dc_signer_reply *r)
{
    long long deadline = dc_now_ms() + (timeout_ms > 0 ? timeout_ms : DC_SIGNER_TIMEOUT_MS);
    struct sockaddr_un sa;
    enum dc_signer_status st;
    size_t reqlen = 0;
    char *req;

    memset(r, 0, sizeof(*r));
    if (strlen(socket_path) >= sizeof(sa.sun_path))
        return fail(r, DC_SIGNER_UNREACHABLE, "socket path %s is longer than %zu bytes",
                    socket_path, sizeof(sa.sun_path) - 1);
    req = build_request(payload, len, &reqlen);
    if (!req)
        return fail(r, DC_SIGNER_UNREACHABLE, "out of memory");
    for (int attempt = 0;; attempt++) {
        st = exchange(socket_path, req, reqlen, deadline, r);
        if (st != DC_SIGNER_REFUSED || r->code != RPC_BUSY || attempt >= DC_SIGNER_BUSY_RETRIES ||
            dc_now_ms() + (200LL << attempt) >= deadline)
            break;
        usleep((useconds_t)(200000u << attempt)); /* the signer asked us to come back */
    }
    free(req);
    return st;
}
