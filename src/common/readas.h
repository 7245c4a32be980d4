/* SPDX-License-Identifier: BSD-3-Clause */
/* readas.h - read a user-named file with that user's rights, never root's. */
#ifndef DC_READAS_H
#define DC_READAS_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read the regular file at path (1 to max bytes) in a child that has dropped to uid, gid and
 * user's supplementary groups (no switch when uid is already ours), within timeout_ms, into
 * *buf (malloc'ed, *len bytes). A FIFO, a directory, an empty or oversized file, a file that
 * changes while read, and a hung file system are errors. Returns 0, or -1 with the reason in
 * err (naming the path).
 */
int dc_read_as_user(const char *path, const char *user, uid_t uid, gid_t gid, size_t max,
                    int timeout_ms, char **buf, size_t *len, char *err, size_t errlen);

#endif
