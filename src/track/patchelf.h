/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * patchelf.h - run patchelf(1): found once in PATH, started with posix_spawn and an argv array
 * (never a shell), bounded in time, its exit status and its messages checked.
 */
#ifndef DC_TRACK_PATCHELF_H
#define DC_TRACK_PATCHELF_H

#include <stddef.h>

#define PATCHELF_TIMEOUT_S 300 /* a huge binary takes seconds; a hung patchelf is killed */

/* Absolute path of patchelf from PATH into out. Returns 0, or -1 with errno (ENOENT). */
int patchelf_find(char *out, size_t outlen);

/*
 * Run argv (argv[0] an absolute path) with stdin from /dev/null and its output captured;
 * descriptors without FD_CLOEXEC are inherited. Returns 0 when it exited with status 0, or -1
 * with the reason (status or signal, and its first line of output) in err.
 */
int patchelf_run(char *const argv[], int timeout_s, char *err, size_t errlen);

/* argv as one shell-quoted line, for --dry-run and --verbose ("..." when it does not fit). */
void patchelf_format_argv(char *const argv[], char *buf, size_t len);

#endif
