/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tracefile.h - where the trace goes, created safely by root for the traced user:
 * <trace_dir>/trace-<user>-<run_id>-<host>.pfw.gz, trace_dir strftime-expanded.
 */
#ifndef DC_RT_TRACEFILE_H
#define DC_RT_TRACEFILE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* strftime(3) the pattern at t (local time). Returns 0, or -1 when the result is empty, too long
 * or not absolute. */
int rt_trace_dir_expand(const char *pattern, time_t t, char *out, size_t outlen);

/*
 * Open directory path component by component from "/", creating missing ones (root:root 0755)
 * when create is set. A symbolic link is followed only when it belongs to root and sits in a
 * directory nobody else can change it in (root's, not writable by others, or sticky); any other
 * link, and any "..", is refused. So is a directory that is not root's, or that others may
 * write to without the sticky bit: its owner or writers could delete or replace the traces
 * of other users. Returns an O_DIRECTORY descriptor or -1 with err set.
 */
int rt_open_dir_secure(const char *path, int create, char *err, size_t errlen);

/* A host or other name made safe as part of a file name: [A-Za-z0-9_.-], others become '_'. */
void rt_file_token(const char *in, char *out, size_t outlen);

/*
 * Create "<stem>.pfw.gz" in dirfd for uid:gid, mode 0600, with O_EXCL|O_NOFOLLOW (an existing
 * file or link is never opened: hard links and symlinks planted there do not matter). When the
 * name is taken, "<stem>.1.pfw.gz" ... ".99." are tried. Returns the descriptor with the name in
 * name_out, or -1 with err set.
 */
int rt_create_trace_file(int dirfd, const char *stem, uid_t uid, gid_t gid, char *name_out,
                         size_t outlen, char *err, size_t errlen);

/* 1 when others than root may create names in the directory open at dirfd (it is then sticky:
 * rt_open_dir_secure refuses any other writable one). */
int rt_dir_shared(int dirfd);

/*
 * A directory of the user's own inside a shared trace directory, so that nobody else can take
 * the names of the user's traces in advance (a sticky directory lets anyone create any name
 * that is free): "datacrumbs-<user_token>-<uid>", created by root when missing and given to the
 * user (mode 0700). An existing one is used when it is a real directory, the user's or root's,
 * and not writable by others. When anything else has the name (another user's directory or
 * file, a symbolic link), a new "datacrumbs-<user_token>-<uid>.<random>" is made instead and
 * *taken is set. Returns its descriptor with its name in name_out, or -1 with err set.
 */
int rt_open_user_dir(int dirfd, const char *user_token, uid_t uid, gid_t gid, char *name_out,
                     size_t outlen, int *taken, char *err, size_t errlen);

#endif
