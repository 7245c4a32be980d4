/* SPDX-License-Identifier: BSD-3-Clause */
/* readas.h - read a user-named file with that user's rights, never root's. */
#ifndef DC_RT_READAS_H
#define DC_RT_READAS_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read the regular file at path (at most max bytes; more is an error) in a child process that
 * has dropped to uid, gid and the user's supplementary groups, so the daemon gets exactly what
 * the user may read: no symlink or permission trick reaches root's view of the filesystem, and
 * the bytes verified are the bytes used. Returns 0 with a malloc'ed *buf, or -1 with err set.
 */
int rt_read_as_user(const char *path, const char *user, uid_t uid, gid_t gid, size_t max,
                    unsigned char **buf, size_t *len, char *err, size_t errlen);

#endif
