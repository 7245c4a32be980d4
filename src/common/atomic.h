/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * atomic.h - write a file completely or not at all.
 *
 * The data goes to a temporary file in the destination's directory, is fsync'ed, then renamed
 * over the destination, and the directory is fsync'ed. A failure at any step removes the
 * temporary file and leaves the destination as it was.
 */
#ifndef DC_ATOMIC_H
#define DC_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

struct dc_atomic {
    int fd;          /* the temporary file, -1 when closed */
    char *tmp_path;  /* its name */
    char *dest_path; /* the file it becomes */
};

#define DC_ATOMIC_INIT                                                                             \
    {                                                                                              \
        .fd = -1, .tmp_path = NULL, .dest_path = NULL                                              \
    }

/*
 * Start an atomic write of path with the given mode. uid/gid other than -1 chown the new file
 * (root writing a file on behalf of a user). Returns 0 or -1 with errno set.
 */
int dc_atomic_open(struct dc_atomic *a, const char *path, mode_t mode, uid_t uid, gid_t gid);
/* Write all of buf (retrying short writes). Returns 0 or -1 with errno set. */
int dc_atomic_write(struct dc_atomic *a, const void *buf, size_t len);
/* fsync, rename over the destination, fsync the directory. Returns 0 or -1; frees a either way. */
int dc_atomic_commit(struct dc_atomic *a);
/* Give up: remove the temporary file, keep the destination. Safe on DC_ATOMIC_INIT and after
 * commit. */
void dc_atomic_abort(struct dc_atomic *a);

/* The whole thing for a buffer in memory. Returns 0 or -1 with errno set. */
int dc_atomic_write_file(const char *path, const void *buf, size_t len, mode_t mode);

#endif
