/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * checks.h - the refusals of datacrumbs_track/untrack. Each returns TRACK_EXIT_OK or its own
 * exit code, with a message that says what is wrong and what to do instead.
 */
#ifndef DC_TRACK_CHECKS_H
#define DC_TRACK_CHECKS_H

#include <stddef.h>
#include <sys/stat.h>

#include "elfinfo.h"
#include "target.h"

/* The elfinfo_read_fd() status of the target, turned into an exit code (a "#!" gets a hint). */
int check_elf_status(const struct target *t, enum elfinfo_status st, const char *why, char *msg,
                     size_t len);

/* The loader must read DT_NEEDED of this file at exec time: not static, static-pie, a library. */
int check_dynamic(const struct target *t, const struct elfinfo *e, char *msg, size_t len);

/* Same ELF class, byte order and machine as the client library (lib), or the loader skips it. */
int check_arch(const struct target *t, const struct elfinfo *e, const char *lib_path,
               const struct elfinfo *lib, char *msg, size_t len);

/*
 * The caller may replace the file: a writable filesystem, write permission on the file and its
 * directory, not immutable, and (unless root) an owner and group the new file can keep.
 */
int check_writable(const struct target *t, char *msg, size_t len);

/* 1 when the file is set-user-ID, set-group-ID or has file capabilities (what in msg). */
int check_privileged(const struct target *t, char *msg, size_t len);

/* 1 when path is in a directory that packages own (/usr but not /usr/local, /bin, /sbin, /lib*). */
int check_system_path(const char *path);

#endif
