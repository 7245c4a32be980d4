/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * target.h - find the file to track: PATH lookup for a bare name, realpath (the file a symlink
 * points to is the one patched; the link stays; root follows only links it was told to), then its
 * directory and the file itself opened once, without following links, so that what is inspected is
 * what gets copied.
 */
#ifndef DC_TRACK_TARGET_H
#define DC_TRACK_TARGET_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

struct target {
    char path[PATH_MAX];    /* the real path, printed to the user */
    char dirpath[PATH_MAX]; /* its directory */
    char name[NAME_MAX + 1];
    int dirfd; /* the directory, O_DIRECTORY */
    int fd;    /* the file, read-only */
    struct stat st;
};

#define TARGET_INIT                                                                                \
    {                                                                                              \
        .dirfd = -1, .fd = -1                                                                      \
    }

/* How symbolic links on the way to the file are treated. */
enum target_links {
    TARGET_LINKS_FOLLOW, /* an ordinary user, or --follow: every link is followed */
    TARGET_LINKS_STRICT, /* root without --follow: no final link, no link root does not own */
};

/*
 * Resolve and open arg. Returns 0 (TRACK_EXIT_OK), or a track_exit code with the message
 * (what is wrong and what to do instead) in msg.
 */
int target_open(struct target *t, const char *arg, enum target_links links, char *msg, size_t len);
void target_close(struct target *t);

#endif
