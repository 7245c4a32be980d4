/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probecheck.h - the submitting user's probe file, checked before the job is queued.
 *
 * What can be checked without the secret (which only root on the nodes holds): the file
 * exists, is a regular file this user can read, has a path the nodes accept (probepath.h),
 * is a well-formed probe file (probefile.h, structure only), is issued for this user and is
 * not expired or not yet valid. The MAC itself is checked on every node.
 */
#ifndef DC_PROBECHECK_H
#define DC_PROBECHECK_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define DC_PROBECHECK_SOON 3600 /* warn when the file expires within this many seconds */

struct dc_probecheck {
    char path[4096]; /* the canonical absolute path that goes into the job comment */
    int node_local;  /* under /tmp, /var/tmp, /dev/shm or /run: likely not on the nodes */
    long expires_in; /* seconds until expires_at, -1 when the file has none */
};

/*
 * Check typed (as given on the command line) for uid at time now. Returns 0 with the result in
 * out, or -1 with a message for the user in err.
 */
int dc_probecheck(const char *typed, uid_t uid, time_t now, struct dc_probecheck *out, char *err,
                  size_t errlen);

#endif
