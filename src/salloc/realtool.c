/* SPDX-License-Identifier: BSD-3-Clause */
/* realtool.c - Slurm's salloc/sbatch, skipping the wrapper itself (see realtool.h). */
#include "realtool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

int dc_realtool_search(const char *name, const char *path_env, dev_t self_dev, ino_t self_ino,
                       char *out, size_t outlen, int *skipped_self)
{
    const char *p = path_env ? path_env : DEFAULT_PATH;

    *skipped_self = 0;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
        struct stat st;
        int n;

        if (dlen == 0)
            n = snprintf(out, outlen, "%s", name);
        else
            n = snprintf(out, outlen, "%.*s/%s", (int)dlen, p, name);
        if (n > 0 && (size_t)n < outlen && stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
            access(out, X_OK) == 0) {
            if (st.st_dev == self_dev && st.st_ino == self_ino)
                *skipped_self = 1;
            else
                return 0;
        }
        if (!colon)
            break;
        p = colon + 1;
    }
    out[0] = '\0';
    return -1;
}

int dc_realtool_find(const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
    struct stat self;
    int skipped;

    if (stat("/proc/self/exe", &self) < 0) {
        snprintf(err, errlen, "cannot identify this program (/proc/self/exe): %s", strerror(errno));
        return -1;
    }
    if (dc_realtool_search(name, getenv("PATH"), self.st_dev, self.st_ino, out, outlen, &skipped) ==
        0)
        return 0;
    if (skipped)
        snprintf(err, errlen,
                 "no %s found in PATH other than this wrapper itself; put Slurm's %s in PATH", name,
                 name);
    else
        snprintf(err, errlen, "%s not found in PATH; is Slurm installed?", name);
    return -1;
}
