/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snapshot.h - copy the user's probe file into a root-owned file, read AS THE USER with
 * dc_read_as_user (common/readas.h, at most DC_SNAPSHOT_MAX bytes). So the path is resolved with
 * the user's rights only (no "readable by user" check followed by a root open: nothing to race),
 * and the runtime, the unit and the stop path only ever see the snapshot, which the user cannot
 * change or delete.
 */
#ifndef DC_NODECTL_SNAPSHOT_H
#define DC_NODECTL_SNAPSHOT_H

#include <stddef.h>
#include <sys/types.h>

#define DC_SNAPSHOT_MAX     (16u << 20) /* the probe file library's decompressed cap */
#define DC_SNAPSHOT_READ_MS 30000       /* a hung file system must not hang node control */

/*
 * Store buf at dest, atomically, root:root mode 0600 -- plus, when reader is not root, one
 * POSIX ACL entry "user:<reader>:r--", because the runtime opens the file it is given with
 * the user's credentials (docs/design.md §4.5). The user may read the copy, nobody but root may
 * change, rename or delete it. A file system without ACLs falls back to the group of the
 * user's private group (mode 0640, only when that group is the user's alone); otherwise the
 * store fails. Returns 0 or -1 (err).
 */
int dc_snapshot_store(const char *dest, const void *buf, size_t len, uid_t reader, gid_t gid,
                      char *err, size_t errlen);

/* The ACL xattr value giving uid read access on top of mode 0600, into out (at least
 * DC_SNAPSHOT_ACL_LEN bytes). Exposed for the tests. Returns its length. */
#define DC_SNAPSHOT_ACL_LEN (4 + 5 * 8)
size_t dc_snapshot_acl(uid_t uid, unsigned char *out);

#endif
