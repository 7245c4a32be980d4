/* SPDX-License-Identifier: BSD-3-Clause */
/* summary.c - the probe file's summary and its paths (see summary.h). */
#include "summary.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probefile.h"

json_t *dc_summary_json(const struct dc_summary_in *in)
{
    char issued[32], expires[32];
    json_t *s;

    if (dc_pf_time_format(in->issued_at, issued) < 0 ||
        dc_pf_time_format(in->issued_at + in->validity, expires) < 0)
        return NULL;
    s = json_object();
    if (!s || json_object_set_new(s, "config_file_path", json_string(in->config_file_path)) < 0 ||
        json_object_set_new(s, "probe_file_path", json_string(in->probe_file_path)) < 0 ||
        json_object_set_new(s, "hostname", json_string(in->hostname)) < 0 ||
        json_object_set_new(s, "user", json_string(in->user)) < 0 ||
        json_object_set_new(s, "install_user", json_string(DC_INSTALL_USER)) < 0 ||
        json_object_set_new(s, "uid", json_integer(in->uid)) < 0 ||
        json_object_set_new(s, "issued_at", json_string(issued)) < 0 ||
        json_object_set_new(s, "expires_at", json_string(expires)) < 0) {
        json_decref(s);
        return NULL;
    }
    return s;
}

int dc_output_path(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    char dir[PATH_MAX], real[PATH_MAX];
    struct stat st;
    size_t dlen;
    int n;

    if (!base[0] || !strcmp(base, ".") || !strcmp(base, "..")) {
        snprintf(err, errlen, "%s names a directory, not a file", path);
        return -1;
    }
    if (!slash) {
        snprintf(dir, sizeof(dir), ".");
    } else {
        dlen = slash == path ? 1 : (size_t)(slash - path);
        if (dlen >= sizeof(dir)) {
            snprintf(err, errlen, "%s: name too long", path);
            return -1;
        }
        memcpy(dir, path, dlen);
        dir[dlen] = '\0';
    }
    if (!realpath(dir, real)) {
        snprintf(err, errlen, "directory %s of %s: %s", dir, path, strerror(errno));
        return -1;
    }
    if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a directory", dir);
        return -1;
    }
    n = snprintf(out, outlen, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "%s: name too long", path);
        return -1;
    }
    return 0;
}

int dc_caller_name(unsigned uid, char *out, size_t outlen)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) != 0 || !res ||
        strlen(res->pw_name) >= outlen)
        return -1;
    strcpy(out, res->pw_name);
    return 0;
}
