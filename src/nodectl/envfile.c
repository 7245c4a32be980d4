/* SPDX-License-Identifier: BSD-3-Clause */
/* envfile.c - write and read back a run's environment file (see envfile.h). */
#include "envfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "runid.h"

bool dc_env_value_ok(const char *v)
{
    if (!v || !*v)
        return false;
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;

        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '$' || c == '`')
            return false;
    }
    return true;
}

static int check_fields(const struct dc_envfile *e, char *err, size_t errlen)
{
    if (!dc_runid_valid(e->run_id)) {
        snprintf(err, errlen, "env file: invalid run id");
        return -1;
    }
    if (!dc_username_valid(e->user)) {
        snprintf(err, errlen, "env file: invalid user name");
        return -1;
    }
    if (e->probe_file[0] != '/' || !dc_env_value_ok(e->probe_file)) {
        snprintf(err, errlen, "env file: the probe file path %s cannot be written safely",
                 e->probe_file[0] == '/' ? "(a character of run_dir)" : "(not absolute)");
        return -1;
    }
    if (e->log_dir[0] != '/' || !dc_env_value_ok(e->log_dir)) {
        snprintf(err, errlen,
                 "env file: log_dir holds a character that cannot be written "
                 "(\" \\ $ ` or non-ASCII)");
        return -1;
    }
    return 0;
}

int dc_envfile_format(const struct dc_envfile *e, char *buf, size_t buflen, char *err,
                      size_t errlen)
{
    int n;

    if (check_fields(e, err, errlen) < 0)
        return -1;
    n = snprintf(buf, buflen,
                 "# datacrumbs run %s, written by datacrumbs_nodectl; removed when it stops.\n"
                 "DATACRUMBS_PROBE_FILE=\"%s\"\n"
                 "DATACRUMBS_USER=\"%s\"\n"
                 "DATACRUMBS_RUN_ID=\"%s\"\n"
                 "DATACRUMBS_SERVICE_RUN_ID=\"%s\"\n"
                 "DATACRUMBS_LOG_DIR=\"%s\"\n",
                 e->run_id, e->probe_file, e->user, e->run_id, e->run_id, e->log_dir);
    if (n < 0 || (size_t)n >= buflen || n > DC_ENVFILE_MAX) {
        snprintf(err, errlen, "env file: too long");
        return -1;
    }
    return n;
}

int dc_envfile_write(const char *path, const struct dc_envfile *e, char *err, size_t errlen)
{
    char buf[DC_ENVFILE_MAX + 1];
    struct dc_atomic a = DC_ATOMIC_INIT;
    int n = dc_envfile_format(e, buf, sizeof(buf), err, errlen);

    if (n < 0)
        return -1;
    if (dc_atomic_open(&a, path, 0600, (uid_t)-1, (gid_t)-1) < 0 ||
        dc_atomic_write(&a, buf, (size_t)n) < 0 || dc_atomic_commit(&a) < 0) {
        int e2 = errno;

        dc_atomic_abort(&a);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e2));
        return -1;
    }
    return 0;
}

static int copy_value(char *dst, size_t size, const char *v, size_t len)
{
    if (len >= size)
        return -1;
    memcpy(dst, v, len);
    dst[len] = '\0';
    return dc_env_value_ok(dst) ? 0 : -1;
}

int dc_envfile_parse(const char *text, size_t len, struct dc_envfile *e, char *err, size_t errlen)
{
    const char *p = text, *end = text + len;

    memset(e, 0, sizeof(*e));
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *eq = memchr(p, '=', (size_t)(eol - p));
        const char *v;
        size_t klen, vlen;
        int rc = 0;

        if (*p != '#' && eol > p) {
            if (!eq || eol - eq < 3 || eq[1] != '"' || eol[-1] != '"') {
                snprintf(err, errlen, "env file: malformed line");
                return -1;
            }
            klen = (size_t)(eq - p);
            v = eq + 2;
            vlen = (size_t)(eol - 1 - v);
#define KEY(name) (klen == strlen(name) && memcmp(p, name, klen) == 0)
            if (KEY("DATACRUMBS_PROBE_FILE"))
                rc = copy_value(e->probe_file, sizeof(e->probe_file), v, vlen);
            else if (KEY("DATACRUMBS_USER"))
                rc = copy_value(e->user, sizeof(e->user), v, vlen);
            else if (KEY("DATACRUMBS_RUN_ID"))
                rc = copy_value(e->run_id, sizeof(e->run_id), v, vlen);
            else if (KEY("DATACRUMBS_LOG_DIR"))
                rc = copy_value(e->log_dir, sizeof(e->log_dir), v, vlen);
#undef KEY
            if (rc < 0) {
                snprintf(err, errlen, "env file: a value breaks its rule");
                return -1;
            }
        }
        p = eol + 1;
    }
    return check_fields(e, err, errlen);
}

int dc_envfile_read(const char *path, struct dc_envfile *e, char *err, size_t errlen)
{
    char buf[DC_ENVFILE_MAX + 1];
    struct stat st;
    size_t len = 0;
    int fd, rc = -1;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
        (st.st_mode & (S_IWGRP | S_IWOTH))) {
        snprintf(err, errlen, "%s is not a root-owned regular file writable only by root", path);
        goto out;
    }
    while (len < sizeof(buf)) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > DC_ENVFILE_MAX) {
        snprintf(err, errlen, "%s is larger than %d bytes", path, DC_ENVFILE_MAX);
        goto out;
    }
    rc = dc_envfile_parse(buf, len, e, err, errlen);
out:
    close(fd);
    return rc;
}
