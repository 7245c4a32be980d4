/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * path.h - munge-style path security checks.
 *
 * dc_path_is_secure() returns 1 when every check passes, 0 when one fails (the reason is in the
 * verdict), or -1 when the path could not be checked at all (errno set, message in the verdict).
 */
#ifndef DC_PATH_H
#define DC_PATH_H

#include <stddef.h>
#include <sys/types.h>

enum dc_path_reason {
    DC_PATH_OK = 0,
    DC_PATH_MISSING,         /* the file does not exist */
    DC_PATH_SYMLINK,         /* the file itself is a symbolic link */
    DC_PATH_NOT_REGULAR,     /* not a regular file (DC_PATH_REGULAR) */
    DC_PATH_BAD_OWNER,       /* owned by someone other than root (or the trusted uid) */
    DC_PATH_GROUP_WRITABLE,  /* the file is group-writable */
    DC_PATH_WORLD_WRITABLE,  /* the file is world-writable */
    DC_PATH_GROUP_READABLE,  /* the file is group-readable (DC_PATH_SECRET) */
    DC_PATH_WORLD_READABLE,  /* the file is world-readable (DC_PATH_SECRET) */
    DC_PATH_PARENT_INSECURE, /* a parent directory is writable by others or wrongly owned */
    DC_PATH_CHECK_FAILED,    /* could not be checked (return -1) */
};

enum dc_path_flags {
    DC_PATH_REGULAR = 1u << 0,    /* the file must be a regular file */
    DC_PATH_SECRET = 1u << 1,     /* nobody but the owner may read it */
    DC_PATH_TRUST_EUID = 1u << 2, /* the effective uid may own the file and its parents too */
};

struct dc_path_verdict {
    enum dc_path_reason reason;
    char message[512];
};

int dc_path_is_secure(const char *path, unsigned flags, struct dc_path_verdict *v);

/* One-line description of a reason, for messages and man pages. */
const char *dc_path_reason_str(enum dc_path_reason r);

#endif
