/* SPDX-License-Identifier: BSD-3-Clause */
/* which.h - find a command the way execvp(3) and the shell do. */
#ifndef DC_WHICH_H
#define DC_WHICH_H

#include <stddef.h>

/*
 * Resolve name to a file: a name with a '/' is taken as it is; otherwise each PATH entry is tried
 * (the system default path when PATH is unset; an empty entry means the current directory).
 * Returns 0 with the path in out when an executable regular file was found, or -1 with errno
 * ENOENT (nowhere), EACCES (found, but not executable), EISDIR (a directory), ENAMETOOLONG.
 */
int dc_which(const char *name, char *out, size_t outlen);

#endif
