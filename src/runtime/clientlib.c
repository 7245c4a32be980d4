/* SPDX-License-Identifier: BSD-3-Clause */
/* clientlib.c - probe the client library and follow its replacements (see clientlib.h). */
#include "clientlib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "openas.h"

int rt_client_probe(struct rt_client *c, struct rt_bpf *b, char *err, size_t errlen)
{
    struct stat st;
    int fd = -1, e = 0, rc = -1;

    switch (dc_open_as(NULL, c->path, &fd, &e)) {
    case DC_OPENAS_OK: break;
    case DC_OPENAS_NOT_REGULAR:
        snprintf(err, errlen, "client library %s: not a regular file", c->path);
        return -1;
    default: snprintf(err, errlen, "client library %s: %s", c->path, strerror(e)); return -1;
    }
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "client library %s: %s", c->path, strerror(errno));
        goto cleanup;
    }
    if (c->files && st.st_dev == c->dev && st.st_ino == c->ino) {
        rc = 0; /* replaced back and forth in between: this inode is probed already */
        goto cleanup;
    }
    if (c->files >= RT_CLIENT_MAX_FILES) {
        snprintf(err, errlen, "client library %s: replaced more than %d times during the run",
                 c->path, RT_CLIENT_MAX_FILES - 1);
        goto cleanup;
    }
    if (rt_bpf_probe_client(b, fd, c->path, err, errlen) < 0)
        goto cleanup;
    c->dev = st.st_dev;
    c->ino = st.st_ino;
    c->files++;
    rc = 0;
cleanup:
    close(fd);
    return rc;
}

int rt_client_follow(struct rt_client *c, struct rt_bpf *b)
{
    struct stat st;
    char err[768];

    /* Missing for a moment during an upgrade, or the same file: nothing to do (yet). */
    if (stat(c->path, &st) < 0 || (st.st_dev == c->dev && st.st_ino == c->ino) ||
        st.st_ino == c->failed_ino)
        return 0;
    if (rt_client_probe(c, b, err, sizeof(err)) < 0) {
        dc_warn("%s; processes that load the new file are not traced", err);
        c->failed_ino = st.st_ino;
        return 0;
    }
    dc_info("client library %s was replaced: its new file is probed too", c->path);
    return 1;
}
