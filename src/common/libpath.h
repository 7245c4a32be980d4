/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpath.h - find a shared library by name, as a host config or a template names it
 * ("libc.so.6" rather than a distribution's path to it).
 *
 * Nothing is loaded: a library this program already runs with (libc, for one) is found in the
 * list of loaded objects; any other is looked up in the directories those came from (Debian's
 * multiarch directory, for example), then in /lib64, /usr/lib64, /lib, /usr/lib,
 * /usr/local/lib64 and /usr/local/lib.
 */
#ifndef DC_LIBPATH_H
#define DC_LIBPATH_H

#include <stddef.h>

/*
 * Resolve name (no '/') to the path of a regular file. Returns 0 with the path in out, or -1
 * with errno ENOENT (not found), EINVAL (name has a '/' or is empty), ENAMETOOLONG.
 */
int dc_libpath_resolve(const char *name, char *out, size_t outlen);

/* The C library this program runs with (libc.so.6 on glibc systems). Returns 0 or -1. */
int dc_libpath_libc(char *out, size_t outlen);

/*
 * The highest version (strverscmp) of the files matching the glob(7) pattern (a file name
 * pattern without '/', e.g. "libpython3.*.so.1.0") in the search directories; the first
 * directory with a match wins. Returns 0 or -1 with errno ENOENT.
 */
int dc_libpath_find_glob(const char *pattern, char *out, size_t outlen);

#endif
