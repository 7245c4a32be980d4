/* SPDX-License-Identifier: BSD-3-Clause */
/* which.c - command lookup in PATH (see which.h). */
#include "which.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 when path is an executable regular file; else -1 with errno. */
static int check_file(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

int dc_which(const char *name, char *out, size_t outlen)
{
    char defpath[256];
    const char *path = getenv("PATH"), *p;
    int seen_error = 0;

    if (!name || !*name) {
        errno = ENOENT;
        return -1;
    }
    if (strchr(name, '/')) {
        if (strlen(name) >= outlen) {
            errno = ENAMETOOLONG;
            return -1;
        }
        snprintf(out, outlen, "%s", name);
        return check_file(out);
    }
    if (!path) {
        size_t n = confstr(_CS_PATH, defpath, sizeof(defpath));

        path = (n > 0 && n <= sizeof(defpath)) ? defpath : "/usr/bin:/bin";
    }
    /* Like execvp: the first executable wins; a non-executable hit is remembered for 126. */
    for (p = path;; p++) {
        const char *end = strchrnul(p, ':');
        size_t dlen = (size_t)(end - p);
        int n = dlen ? snprintf(out, outlen, "%.*s/%s", (int)dlen, p, name)
                     : snprintf(out, outlen, "%s", name);

        if (n >= 0 && (size_t)n < outlen) {
            if (check_file(out) == 0)
                return 0;
            if (errno == EACCES || errno == EISDIR)
                seen_error = errno;
        }
        if (!*end)
            break;
        p = end;
    }
    errno = seen_error ? seen_error : ENOENT;
    return -1;
}
