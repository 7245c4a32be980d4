/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replace.h - change an executable without ever writing to it: copy it to a temporary file in
 * the same directory, let the caller edit the copy, give the copy the original's owner, group,
 * extended attributes (ACLs, file capabilities, SELinux label), mode and timestamps, fsync it,
 * and rename(2) it over the original. A crash at any point leaves the original as it was (and
 * at worst a stale ".NAME.dctrack-PID-XXXXXX" file, which the next run removes). Hard links to
 * the original and processes running it keep the old file.
 *
 * Every operation is relative to a directory descriptor, so a directory renamed or swapped
 * for a symlink midway cannot redirect the writes.
 */
#ifndef DC_TRACK_REPLACE_H
#define DC_TRACK_REPLACE_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

#define REPLACE_TAG ".dctrack-" /* temporary names are ".<name>" REPLACE_TAG "<pid>-<random>" */

struct replace {
    int dirfd;                     /* directory of the target (the caller's) */
    const char *name;              /* the target's name in dirfd (the caller's) */
    struct stat orig;              /* the target as it was inspected */
    int tmpfd;                     /* the new file, -1 when there is none */
    char tmpname[NAME_MAX + 1];    /* its name in dirfd, "" once renamed or removed */
    char baktmpname[NAME_MAX + 1]; /* a backup link being made, "" otherwise */
    char err[512];                 /* what failed, for the message */
    int err_no;                    /* errno of that failure */
};

#define REPLACE_INIT                                                                               \
    {                                                                                              \
        .dirfd = -1, .tmpfd = -1                                                                   \
    }

/*
 * Create the temporary file beside name (mode 0600, inheritable by the editor we spawn) and copy
 * the original into it from srcfd. orig is the original's fstat. Returns 0 or -1 (r->err set).
 */
int replace_begin(struct replace *r, int dirfd, const char *name, int srcfd,
                  const struct stat *orig);

/*
 * A path an external program can open to reach the temporary file: "/proc/self/fd/N" (the
 * descriptor is inherited, so no directory lookup happens) or, without /proc, dirpath/tmpname.
 */
void replace_tmp_path(const struct replace *r, const char *dirpath, char *buf, size_t len);

/* Give the temporary file the original's metadata (see above) and check that it stuck. */
int replace_copy_metadata(struct replace *r, int srcfd);

/*
 * fsync, make sure the original is still the file we copied (same inode, size and mtime),
 * hard-link it to backup_name when that is not NULL, then rename the new file over it and
 * fsync the directory. Returns 0 or -1 (r->err set, original untouched).
 */
int replace_commit(struct replace *r, const char *backup_name);

/* Remove the temporary file (if any) and close it. Safe to call more than once. */
void replace_abort(struct replace *r);

/* Async-signal-safe: unlink the temporary files of the replacement in progress, if any. */
void replace_on_signal(void);

/*
 * Remove temporary files that runs killed before they could clean up left beside name: ours by
 * name pattern, owned by the effective uid, and whose process no longer exists.
 * Returns how many were removed.
 */
int replace_clean_stale(int dirfd, const char *name);

#endif
