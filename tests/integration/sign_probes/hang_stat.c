/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hang_stat.so - LD_PRELOADed into the signer by sign_fair.sh: stat() of a path containing
 * "/hung/" blocks, as on a hung NFS or FUSE mount, until the file named by
 * DC_TEST_HANG_RELEASE exists (20 s at most). Every other call goes to the real stat().
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*stat_fn)(const char *, struct stat *);

static void hang_if_asked(const char *path)
{
    const char *release = getenv("DC_TEST_HANG_RELEASE");

    if (!path || !release || !strstr(path, "/hung/"))
        return;
    for (int i = 0; i < 400 && access(release, F_OK) != 0; i++)
        usleep(50000);
}

int stat(const char *path, struct stat *st)
{
    static stat_fn real;

    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "stat");
    hang_if_asked(path);
    return real(path, st);
}

int stat64(const char *path, struct stat64 *st)
{
    static int (*real)(const char *, struct stat64 *);

    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "stat64");
    hang_if_asked(path);
    return real(path, st);
}
