/* SPDX-License-Identifier: BSD-3-Clause */
/* common.c - what the verbs share: exit codes, reading the inputs, output helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "trace.h"

int tr_exit_for(enum tr_status st)
{
    switch (st) {
    case TR_ST_OK: return TR_EXIT_OK;
    case TR_ST_INCOMPLETE: return TR_EXIT_INCOMPLETE;
    case TR_ST_INVALID: return TR_EXIT_INVALID;
    case TR_ST_IO: return TR_EXIT_IO;
    }
    return TR_EXIT_FAIL;
}

static int rank(int code)
{
    switch (code) {
    case TR_EXIT_FAIL: return 5;
    case TR_EXIT_USAGE: return 4;
    case TR_EXIT_IO: return 3;
    case TR_EXIT_INVALID: return 2;
    case TR_EXIT_INCOMPLETE: return 1;
    default: return 0;
    }
}

int tr_exit_worst(int a, int b)
{
    return rank(a) >= rank(b) ? a : b;
}

int tr_report_end(const struct tr_reader *r)
{
    switch (r->status) {
    case TR_ST_OK: break;
    case TR_ST_INCOMPLETE:
        dc_warn("incomplete trace: %s (%llu events read)", r->err, (unsigned long long)r->events);
        break;
    case TR_ST_INVALID:
    case TR_ST_IO: dc_err("%s", r->err); break;
    }
    return tr_exit_for(r->status);
}

void tr_put_raw(FILE *out, const char *raw, size_t n)
{
    char buf[512];
    char *p = n <= sizeof(buf) ? buf : malloc(n);

    if (!p) {
        fwrite(raw, 1, n, out);
        return;
    }
    fwrite(p, 1, tr_unescape(raw, n, p), out);
    if (p != buf)
        free(p);
}

void tr_put_json_str(FILE *out, const char *s, size_t n)
{
    putc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            putc(c, out);
    }
    putc('"', out);
}

const char *tr_fmt_us(char *buf, size_t len, uint64_t us)
{
    if (us < 1000)
        snprintf(buf, len, "%lluus", (unsigned long long)us);
    else if (us < 1000000)
        snprintf(buf, len, "%.3gms", (double)us / 1e3);
    else
        snprintf(buf, len, "%.3fs", (double)us / 1e6);
    return buf;
}

const char *tr_fmt_bytes(char *buf, size_t len, uint64_t b)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)b;
    unsigned u = 0;

    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%llu B", (unsigned long long)b);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

int tr_collect(const struct tr_opts *o, struct tr_stats *s)
{
    int rc = TR_EXIT_OK;

    for (size_t i = 0; i < o->nfiles; i++) {
        struct tr_reader r;
        struct tr_event ev;
        int n;

        if (tr_stats_input(s, i, o->files[i]) < 0) {
            dc_err("out of memory");
            return TR_EXIT_FAIL;
        }
        if (tr_reader_open(&r, o->files[i]) < 0) {
            s->inputs[i].status = r.status;
            rc = tr_exit_worst(rc, tr_report_end(&r));
            continue;
        }
        while ((n = tr_reader_next(&r, &ev)) == 1) {
            if (tr_stats_add(s, i, &ev) < 0) {
                dc_err("out of memory");
                tr_reader_close(&r);
                return TR_EXIT_FAIL;
            }
        }
        s->inputs[i].status = r.status;
        rc = tr_exit_worst(rc, tr_report_end(&r));
        tr_reader_close(&r);
    }
    return rc;
}

int tr_out_open(const char *path, char **tmp)
{
    struct stat st;
    int fd;

    *tmp = NULL;
    /* A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written as it is: never replaced. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            dc_err("%s is a directory", path);
            return -1;
        }
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            dc_err("cannot open %s: %s", path, strerror(errno));
        return fd;
    }
    if (asprintf(tmp, "%s.tmpXXXXXX", path) < 0) {
        *tmp = NULL;
        dc_err("out of memory");
        return -1;
    }
    fd = mkstemp(*tmp);
    if (fd < 0) {
        dc_err("cannot create %s: %s", *tmp, strerror(errno));
        free(*tmp);
        *tmp = NULL;
    }
    return fd;
}

int tr_out_commit(const char *path, char **tmp)
{
    if (!*tmp)
        return 0;
    if (rename(*tmp, path) < 0) {
        dc_err("cannot rename %s to %s: %s", *tmp, path, strerror(errno));
        return -1;
    }
    free(*tmp);
    *tmp = NULL;
    return 0;
}

void tr_out_abort(char **tmp)
{
    if (*tmp) {
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
}
