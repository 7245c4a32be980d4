/* SPDX-License-Identifier: BSD-3-Clause */
/* snapshot.c - read a probe file with the user's credentials, keep a root-owned copy. */
#include "snapshot.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"

size_t dc_snapshot_acl(uid_t uid, unsigned char *out)
{
    /* The kernel's posix_acl_xattr format: a little-endian version, then (tag, perm, id)
     * entries sorted by tag: owner rw, the user r, owning group none, mask r, others none. */
    static const struct {
        uint16_t tag, perm;
        int named;
    } e[] = {{0x01, 6, 0}, {0x02, 4, 1}, {0x04, 0, 0}, {0x10, 4, 0}, {0x20, 0, 0}};
    uint32_t v = htole32(2);
    size_t n = 0;

    memcpy(out + n, &v, 4);
    n += 4;
    for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
        uint16_t tag = htole16(e[i].tag), perm = htole16(e[i].perm);
        uint32_t id = htole32(e[i].named ? (uint32_t)uid : UINT32_MAX);

        memcpy(out + n, &tag, 2);
        memcpy(out + n + 2, &perm, 2);
        memcpy(out + n + 4, &id, 4);
        n += 8;
    }
    return n;
}

/* The user's own group (named like the user, no other members), or -1. */
static int private_group(uid_t uid, gid_t gid)
{
    struct passwd *pw = getpwuid(uid);
    struct group *gr = getgrgid(gid);

    if (!pw || !gr || strcmp(pw->pw_name, gr->gr_name) != 0)
        return -1;
    for (char **m = gr->gr_mem; m && *m; m++)
        if (strcmp(*m, pw->pw_name) != 0)
            return -1;
    return 0;
}

/* Let reader (not root) read the temporary file fd. */
static int grant_read(int fd, uid_t reader, gid_t gid, char *err, size_t errlen)
{
    unsigned char acl[DC_SNAPSHOT_ACL_LEN];
    size_t n = dc_snapshot_acl(reader, acl);

    if (fsetxattr(fd, "system.posix_acl_access", acl, n, 0) == 0)
        return 0;
    if (errno != EOPNOTSUPP) {
        snprintf(err, errlen, "cannot let uid %u read the probe file copy: %s", (unsigned)reader,
                 strerror(errno));
        return -1;
    }
    if (private_group(reader, gid) == 0 && fchown(fd, (uid_t)-1, gid) == 0 && fchmod(fd, 0640) == 0)
        return 0;
    snprintf(err, errlen,
             "run_dir has no POSIX ACLs and uid %u has no private group: the runtime could not "
             "read the probe file copy as the user (mount run_dir with ACL support)",
             (unsigned)reader);
    return -1;
}

int dc_snapshot_store(const char *dest, const void *buf, size_t len, uid_t reader, gid_t gid,
                      char *err, size_t errlen)
{
    struct dc_atomic a = DC_ATOMIC_INIT;

    if (dc_atomic_open(&a, dest, 0600, (uid_t)-1, (gid_t)-1) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", dest, strerror(errno));
        return -1;
    }
    if (reader != 0 && grant_read(a.fd, reader, gid, err, errlen) < 0) {
        dc_atomic_abort(&a);
        return -1;
    }
    if (dc_atomic_write(&a, buf, len) < 0 || dc_atomic_commit(&a) < 0) {
        int e = errno;

        dc_atomic_abort(&a);
        snprintf(err, errlen, "cannot write %s: %s", dest, strerror(e));
        return -1;
    }
    return 0;
}
