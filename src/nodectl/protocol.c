/* SPDX-License-Identifier: BSD-3-Clause */
/* protocol.c - request and reply lines between the fan-out tools and node control. */
#include "protocol.h"
#include "utf8.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const verb_names[] = {
    [DC_VERB_NONE] = "none", [DC_VERB_CHECK] = "check",   [DC_VERB_START] = "start",
    [DC_VERB_STOP] = "stop", [DC_VERB_STATUS] = "status",
};

static const char *const result_names[] = {
    [DC_RESULT_OK] = "ok",
    [DC_RESULT_FAILED] = "failed",
    [DC_RESULT_INVALID] = "invalid",
    [DC_RESULT_DENIED] = "denied",
};

const char *dc_verb_name(enum dc_verb v)
{
    return (unsigned)v < sizeof(verb_names) / sizeof(verb_names[0]) ? verb_names[v] : "none";
}

enum dc_verb dc_verb_from_name(const char *s)
{
    for (unsigned v = DC_VERB_CHECK; v <= DC_VERB_STATUS; v++)
        if (s && strcmp(s, verb_names[v]) == 0)
            return (enum dc_verb)v;
    return DC_VERB_NONE;
}

const char *dc_result_name(enum dc_result r)
{
    return (unsigned)r < sizeof(result_names) / sizeof(result_names[0]) ? result_names[r]
                                                                        : "failed";
}

void dc_text_sanitize(char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

bool dc_probe_path_valid(const char *path, char *err, size_t errlen)
{
    const unsigned char *p = (const unsigned char *)path;

    if (!path || !*path) {
        snprintf(err, errlen, "the probe file path is empty");
        return false;
    }
    if (path[0] != '/') {
        snprintf(err, errlen, "the probe file path must be absolute");
        return false;
    }
    if (strlen(path) >= PATH_MAX) {
        snprintf(err, errlen, "the probe file path is longer than %d bytes", PATH_MAX - 1);
        return false;
    }
    for (size_t left = strlen(path); *p;) {
        size_t n;

        if (*p < 0x20 || *p == 0x7f) {
            snprintf(err, errlen, "the probe file path contains a control character (byte %zu)",
                     (size_t)((const char *)p - path) + 1);
            return false;
        }
        if ((n = dc_utf8_seq(p, left)) == 0) {
            snprintf(err, errlen, "the probe file path is not valid UTF-8 (byte %zu)",
                     (size_t)((const char *)p - path) + 1);
            return false;
        }
        p += n;
        left -= n;
    }
    return true;
}

int dc_request_validate(const struct dc_request *r, char *err, size_t errlen)
{
    bool need_probe = r->verb == DC_VERB_START || r->verb == DC_VERB_CHECK;

    if (r->verb == DC_VERB_NONE) {
        snprintf(err, errlen, "no verb (check, start, stop or status)");
        return -1;
    }
    if (r->run_id[0] || r->verb != DC_VERB_STATUS) {
        if (!dc_runid_valid(r->run_id)) {
            snprintf(err, errlen,
                     "invalid run id (1-64 characters from A-Z a-z 0-9 _ . -, starting with a "
                     "letter or digit)");
            return -1;
        }
    }
    if (need_probe) {
        if (!dc_username_valid(r->user)) {
            snprintf(err, errlen, "invalid user name");
            return -1;
        }
        if (!dc_probe_path_valid(r->probe_file, err, errlen))
            return -1;
    } else if (r->user[0] || r->probe_file[0]) {
        snprintf(err, errlen, "%s takes no %s", dc_verb_name(r->verb),
                 r->user[0] ? "user" : "probe file");
        return -1;
    }
    return 0;
}

/* Copy text into a fixed field, cut to fit. */
static void set_text(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Copy a value into a fixed field; -1 when it does not fit. */
static int set_field(char *field, size_t size, const char *val, size_t len)
{
    if (len >= size)
        return -1;
    memcpy(field, val, len);
    field[len] = '\0';
    return 0;
}

int dc_request_parse(const char *buf, size_t len, struct dc_request *r, char *err, size_t errlen)
{
    const size_t magic_len = strlen(DC_PROTO_MAGIC);
    unsigned seen = 0;
    size_t pos, lineno = 1;

    memset(r, 0, sizeof(*r));
    if (len > DC_PROTO_REQUEST_MAX) {
        snprintf(err, errlen, "request larger than %d bytes", DC_PROTO_REQUEST_MAX);
        return -1;
    }
    if (memchr(buf, '\0', len) || memchr(buf, '\r', len)) {
        snprintf(err, errlen, "request contains a NUL or CR byte");
        return -1;
    }
    if (len == 0 || buf[len - 1] != '\n') {
        snprintf(err, errlen, "request is empty or truncated (no final newline)");
        return -1;
    }
    if (len < magic_len + 1 || memcmp(buf, DC_PROTO_MAGIC "\n", magic_len + 1) != 0) {
        snprintf(err, errlen, "request does not start with \"%s\" (version mismatch?)",
                 DC_PROTO_MAGIC);
        return -1;
    }
    for (pos = magic_len + 1; pos < len; lineno++) {
        const char *line = buf + pos;
        const char *nl = memchr(line, '\n', len - pos);
        const char *eq = memchr(line, '=', (size_t)(nl - line));
        size_t klen, vlen;
        unsigned bit;
        int rc = 0;

        pos = (size_t)(nl - buf) + 1;
        if (!eq) {
            snprintf(err, errlen, "request line %zu is not key=value", lineno + 1);
            return -1;
        }
        klen = (size_t)(eq - line);
        vlen = (size_t)(nl - eq - 1);
#define KEY(name) (klen == strlen(name) && memcmp(line, name, klen) == 0)
        if (KEY("verb")) {
            char v[16];

            bit = 1;
            if (vlen >= sizeof(v) || set_field(v, sizeof(v), eq + 1, vlen) < 0 ||
                (r->verb = dc_verb_from_name(v)) == DC_VERB_NONE) {
                snprintf(err, errlen, "unknown verb on request line %zu", lineno + 1);
                return -1;
            }
        } else if (KEY("run_id")) {
            bit = 2;
            rc = set_field(r->run_id, sizeof(r->run_id), eq + 1, vlen);
        } else if (KEY("user")) {
            bit = 4;
            rc = set_field(r->user, sizeof(r->user), eq + 1, vlen);
        } else if (KEY("probe_file")) {
            bit = 8;
            rc = set_field(r->probe_file, sizeof(r->probe_file), eq + 1, vlen);
        } else {
            snprintf(err, errlen, "unknown key on request line %zu", lineno + 1);
            return -1;
        }
#undef KEY
        if (rc < 0) {
            snprintf(err, errlen, "value too long on request line %zu", lineno + 1);
            return -1;
        }
        if (seen & bit) {
            snprintf(err, errlen, "repeated key on request line %zu", lineno + 1);
            return -1;
        }
        seen |= bit;
    }
    return dc_request_validate(r, err, errlen);
}

int dc_request_format(const struct dc_request *r, char *buf, size_t buflen, char *err,
                      size_t errlen)
{
    int n;

    if (dc_request_validate(r, err, errlen) < 0)
        return -1;
    n = snprintf(buf, buflen, "%s\nverb=%s\n", DC_PROTO_MAGIC, dc_verb_name(r->verb));
    if (n >= 0 && (size_t)n < buflen && r->run_id[0])
        n += snprintf(buf + n, buflen - (size_t)n, "run_id=%s\n", r->run_id);
    if (n >= 0 && (size_t)n < buflen && r->user[0])
        n += snprintf(buf + n, buflen - (size_t)n, "user=%s\n", r->user);
    if (n >= 0 && (size_t)n < buflen && r->probe_file[0])
        n += snprintf(buf + n, buflen - (size_t)n, "probe_file=%s\n", r->probe_file);
    if (n < 0 || (size_t)n >= buflen || n > DC_PROTO_REQUEST_MAX) {
        snprintf(err, errlen, "request too large");
        return -1;
    }
    return n;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

long dc_request_read(int fd, char *buf, int timeout_ms, char *err, size_t errlen)
{
    struct timespec t0;
    size_t len = 0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long left = timeout_ms - ms_since(&t0);
        ssize_t n;
        int rc;

        if (left <= 0) {
            snprintf(err, errlen, "no complete request within %d s", timeout_ms / 1000);
            return -1;
        }
        rc = poll(&pfd, 1, (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            snprintf(err, errlen, "reading the request: %s", strerror(errno));
            return -1;
        }
        if (rc == 0)
            continue;
        /* One byte more than allowed tells "too large" from "exactly at the bound". */
        n = read(fd, buf + len, DC_PROTO_REQUEST_MAX + 1 - len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            snprintf(err, errlen, "reading the request: %s", strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > DC_PROTO_REQUEST_MAX) {
            snprintf(err, errlen, "request larger than %d bytes", DC_PROTO_REQUEST_MAX);
            return -1;
        }
    }
    buf[len] = '\0';
    return (long)len;
}

int dc_reply_write(const struct dc_reply *r, FILE *out)
{
    char detail[DC_DETAIL_MAX], state[sizeof(r->state)], fpr[sizeof(r->fingerprint)];

    snprintf(detail, sizeof(detail), "%s", r->detail);
    snprintf(state, sizeof(state), "%s", r->state);
    snprintf(fpr, sizeof(fpr), "%s", r->fingerprint);
    dc_text_sanitize(detail);
    dc_text_sanitize(state);
    dc_text_sanitize(fpr);
    fprintf(out, "%s\nresult=%s\n", DC_PROTO_MAGIC, dc_result_name(r->result));
    if (state[0])
        fprintf(out, "state=%s\n", state);
    if (r->pid > 0)
        fprintf(out, "pid=%ld\n", r->pid);
    if (fpr[0])
        fprintf(out, "fingerprint=%s\n", fpr);
    if (detail[0])
        fprintf(out, "detail=%s\n", detail);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int dc_reply_parse(const char *buf, size_t len, struct dc_reply *r)
{
    const size_t magic_len = strlen(DC_PROTO_MAGIC);
    const char *p = NULL, *end = buf + len;
    bool have_result = false;

    memset(r, 0, sizeof(*r));
    r->result = DC_RESULT_FAILED;
    /* The magic must start a line; whatever a login banner printed before it is skipped. */
    for (const char *s = buf; s && s + magic_len <= end;) {
        if (memcmp(s, DC_PROTO_MAGIC, magic_len) == 0 &&
            (s + magic_len == end || s[magic_len] == '\n')) {
            p = s + magic_len;
            break;
        }
        s = memchr(s, '\n', (size_t)(end - s));
        s = s ? s + 1 : NULL;
    }
    if (!p)
        return -1;
    while (p < end) {
        const char *line = *p == '\n' ? p + 1 : p;
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        const char *eq = memchr(line, '=', (size_t)(eol - line));
        size_t klen, vlen;
        char val[DC_DETAIL_MAX];

        p = eol;
        if (line >= end)
            break;
        if (!eq)
            continue;
        klen = (size_t)(eq - line);
        vlen = (size_t)(eol - eq - 1);
        if (vlen >= sizeof(val))
            vlen = sizeof(val) - 1;
        memcpy(val, eq + 1, vlen);
        val[vlen] = '\0';
        dc_text_sanitize(val);
#define KEY(name) (klen == strlen(name) && memcmp(line, name, klen) == 0)
        if (KEY("result")) {
            have_result = true;
            r->result = DC_RESULT_FAILED;
            for (unsigned i = 0; i < sizeof(result_names) / sizeof(result_names[0]); i++)
                if (strcmp(val, result_names[i]) == 0)
                    r->result = (enum dc_result)i;
        } else if (KEY("state")) {
            set_text(r->state, sizeof(r->state), val);
        } else if (KEY("pid")) {
            r->pid = strtol(val, NULL, 10);
        } else if (KEY("fingerprint")) {
            set_text(r->fingerprint, sizeof(r->fingerprint), val);
        } else if (KEY("detail")) {
            set_text(r->detail, sizeof(r->detail), val);
        }
#undef KEY
        if (!nl)
            break;
    }
    return have_result ? 0 : -1;
}
