/* SPDX-License-Identifier: BSD-3-Clause */
/* testutil.h - temp dirs and file helpers shared by the unit tests. */
#ifndef DC_TESTUTIL_H
#define DC_TESTUTIL_H

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh private directory under $TMPDIR (or /tmp), mode 0700. */
static inline char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *dir = malloc(PATH_MAX);

    snprintf(dir, PATH_MAX, "%s/dc-unit-XXXXXX", base);
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

static inline void tu_write(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
    chmod(path, mode);
}

static inline int tu_rm_one(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    /* Read-only test dirs must still go; but chmod(2) follows symbolic links, and tests leave
     * links to /etc and the like here, so only a directory itself (FTW_PHYS) is opened up. */
    if (type == FTW_DP)
        chmod(p, 0700);
    remove(p);
    return 0;
}

/* rm -rf of a test directory (depth first, never following links). */
static inline void tu_rmtree(const char *path)
{
    if (path)
        nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The end of a test's private directory: removed, freed, forgotten. Returns 0 (a teardown's
 * value). */
static inline int tu_dir_done(char **dir)
{
    tu_rmtree(*dir);
    free(*dir);
    *dir = NULL;
    return 0;
}

#endif
