/* SPDX-License-Identifier: BSD-3-Clause */
/* probecheck.c - the wrappers' probe file checks (see probecheck.h). */
#include "probecheck.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probefile.h"
#include "probepath.h"

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Time checks and the owner, on a structurally valid file. 0 or -1 with err. */
static int check_summary(const struct dc_probefile *pf, const char *path, uid_t uid, time_t now,
                         struct dc_probecheck *out, char *err, size_t errlen)
{
    json_t *juid = json_object_get(pf->summary, "uid");
    char when[32];
    time_t t;
    int r;

    if (json_is_integer(juid) && json_integer_value(juid) != (json_int_t)uid) {
        snprintf(err, errlen,
                 "probe file %s was issued for uid %lld, not for you (uid %u); build your own "
                 "with datacrumbs_probe_configurator",
                 path, (long long)json_integer_value(juid), (unsigned)uid);
        return -1;
    }
    r = dc_pf_summary_time(pf, "expires_at", &t);
    if (r < 0) {
        snprintf(err, errlen, "probe file %s has a malformed expires_at", path);
        return -1;
    }
    out->expires_in = -1;
    if (r > 0) {
        if (t <= now) {
            dc_pf_time_format(t, when);
            snprintf(err, errlen,
                     "probe file %s expired at %s; build a new one with "
                     "datacrumbs_probe_configurator",
                     path, when);
            return -1;
        }
        out->expires_in = (long)(t - now);
    }
    r = dc_pf_summary_time(pf, "issued_at", &t);
    if (r < 0) {
        snprintf(err, errlen, "probe file %s has a malformed issued_at", path);
        return -1;
    }
    if (r > 0 && t > now + DC_PF_CLOCK_SKEW) {
        dc_pf_time_format(t, when);
        snprintf(err, errlen, "probe file %s is not valid before %s (check this host's clock)",
                 path, when);
        return -1;
    }
    return 0;
}

int dc_probecheck(const char *typed, uid_t uid, time_t now, struct dc_probecheck *out, char *err,
                  size_t errlen)
{
    struct dc_probefile pf = {0};
    enum dc_pf_status st;
    char why[512], *detail = NULL;
    struct stat sb;
    int fd, rc = -1;

    memset(out, 0, sizeof(*out));
    if (!typed || !typed[0]) {
        snprintf(err, errlen, "the probe file path is empty");
        return -1;
    }
    if (!realpath(typed, out->path)) {
        snprintf(err, errlen, "probe file %s: %s", typed, strerror(errno));
        return -1;
    }
    if (dc_probepath_check(out->path, why, sizeof(why)) < 0) {
        snprintf(err, errlen,
                 "probe file %s cannot be handed to the compute nodes: %s; move or "
                 "rename it",
                 out->path, why);
        return -1;
    }
    /* Opened as the user (we are the user): this is the "readable by you" check. */
    fd = open(out->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "probe file %s: %s", out->path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        snprintf(err, errlen, "probe file %s is not a regular file", out->path);
        return -1;
    }
    close(fd);
    st = dc_pf_read(out->path, 0, &pf, &detail);
    if (st != DC_PF_OK) {
        snprintf(err, errlen, "probe file %s is not usable: %s%s%s", out->path,
                 dc_pf_status_str(st), detail ? ": " : "", detail ? detail : "");
        goto cleanup;
    }
    if (check_summary(&pf, out->path, uid, now, out, err, errlen) < 0)
        goto cleanup;
    out->node_local = under(out->path, "/tmp") || under(out->path, "/var/tmp") ||
                      under(out->path, "/dev/shm") || under(out->path, "/run");
    rc = 0;
cleanup:
    free(detail);
    dc_pf_free(&pf);
    return rc;
}
