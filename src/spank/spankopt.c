/* SPDX-License-Identifier: BSD-3-Clause */
/* spankopt.c - the SPANK option's probe file, checked at submission (see spankopt.h). */
#include "spankopt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probepath.h"

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Does the file start like a probe file: gzip magic, or '{' after blanks? 0, or -1 (err). */
static int check_content(int fd, const char *value, char *err, size_t errlen)
{
    unsigned char buf[64];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0) {
        snprintf(err, errlen, "--datacrumbs-probe-file %s: %s", value, strerror(errno));
        return -1;
    }
    if (n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        return 0;
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '{')
            return 0;
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
            break;
    }
    snprintf(err, errlen,
             "--datacrumbs-probe-file %s is not a probe file (neither gzip nor JSON); make one "
             "with datacrumbs_probe_configurator",
             value);
    return -1;
}

int dc_spank_probe_check(const char *value, int *node_local, char *err, size_t errlen)
{
    char canon[PATH_MAX], why[512];
    struct stat st;
    int fd, rc;

    *node_local = 0;
    if (!value || !value[0]) {
        snprintf(err, errlen, "--datacrumbs-probe-file needs a path");
        return -1;
    }
    if (!realpath(value, canon)) {
        snprintf(err, errlen, "--datacrumbs-probe-file %s: %s", value, strerror(errno));
        return -1;
    }
    if (strcmp(canon, value) != 0) {
        snprintf(err, errlen,
                 "--datacrumbs-probe-file must be an absolute path without symbolic links, "
                 "'.' or '..' (the nodes read it as given): use %s",
                 canon);
        return -1;
    }
    if (dc_probepath_check(value, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "--datacrumbs-probe-file %s: %s; move or rename the file", canon,
                 why);
        return -1;
    }
    /* Opened as the user (the plugin runs in the user's sbatch): the "readable by you" check. */
    fd = open(value, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "--datacrumbs-probe-file %s: %s", value, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "--datacrumbs-probe-file %s is not a regular file", value);
        close(fd);
        return -1;
    }
    rc = check_content(fd, value, err, errlen);
    close(fd);
    if (rc == 0)
        *node_local = under(value, "/tmp") || under(value, "/var/tmp") ||
                      under(value, "/dev/shm") || under(value, "/run");
    return rc;
}
