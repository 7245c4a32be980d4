/* SPDX-License-Identifier: BSD-3-Clause */
/* checks.c - the refusals, each with its exit code and advice (see checks.h). */
#include "checks.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "track.h"

int check_elf_status(const struct target *t, enum elfinfo_status st, const char *why, char *msg,
                     size_t len)
{
    char head[2] = {0, 0};

    switch (st) {
    case ELFINFO_OK: return TRACK_EXIT_OK;
    case ELFINFO_NOT_ELF:
        if (pread(t->fd, head, sizeof(head), 0) == 2 && head[0] == '#' && head[1] == '!') {
            snprintf(msg, len,
                     "%s: is a script, not an ELF executable: track the interpreter or use "
                     "datacrumbs_wrap",
                     t->path);
        } else {
            snprintf(msg, len,
                     "%s: is not an ELF executable (%s); only ELF programs can be tracked, "
                     "use datacrumbs_wrap to run other commands traced",
                     t->path, why);
        }
        return TRACK_EXIT_NOT_ELF;
    case ELFINFO_MALFORMED:
        snprintf(msg, len, "%s: is a damaged ELF file (%s); rebuild or reinstall it", t->path, why);
        return TRACK_EXIT_NOT_ELF;
    case ELFINFO_IOERR: break;
    }
    snprintf(msg, len, "%s: %s", t->path, why);
    return TRACK_EXIT_FAILED;
}

int check_dynamic(const struct target *t, const struct elfinfo *e, char *msg, size_t len)
{
    const char *advice;

    if (elfinfo_is_dynamic_exec(e))
        return TRACK_EXIT_OK;
    switch (e->kind) {
    case ELFINFO_STATIC:
    case ELFINFO_STATIC_PIE:
    case ELFINFO_NO_DYNAMIC:
        advice = "no dynamic loader runs for it, so it can load no library; relink it "
                 "dynamically (without -static or -static-pie) to trace it";
        break;
    case ELFINFO_SHARED_LIB: advice = "track the program that loads it instead"; break;
    default: advice = "only executables can be tracked"; break;
    }
    snprintf(msg, len, "%s: is a %s: %s", t->path, elfinfo_kind_str(e->kind), advice);
    return TRACK_EXIT_NOT_DYNAMIC;
}

static void describe(const struct elfinfo *e, char *buf, size_t len)
{
    char m[32];

    snprintf(buf, len, "%s %s%s", elfinfo_class_str(e->elf_class),
             elfinfo_machine_str(e->machine, m, sizeof(m)),
             e->data == ELFDATA2MSB ? " big-endian" : "");
}

int check_arch(const struct target *t, const struct elfinfo *e, const char *lib_path,
               const struct elfinfo *lib, char *msg, size_t len)
{
    char have[64], want[64];

    if (e->elf_class == lib->elf_class && e->data == lib->data && e->machine == lib->machine)
        return TRACK_EXIT_OK;
    describe(e, have, sizeof(have));
    describe(lib, want, sizeof(want));
    snprintf(msg, len,
             "%s: is %s but the client library %s is %s; the loader would refuse it and the "
             "program would not start. Point client_lib (or --config) at a %s build of the "
             "library",
             t->path, have, lib_path, want, have);
    return TRACK_EXIT_WRONG_ARCH;
}

static int in_group(gid_t gid)
{
    gid_t groups[NGROUPS_MAX + 1];
    int n;

    if (gid == getegid())
        return 1;
    n = getgroups(NGROUPS_MAX + 1, groups);
    for (int i = 0; i < n; i++)
        if (groups[i] == gid)
            return 1;
    return 0;
}

int check_writable(const struct target *t, char *msg, size_t len)
{
    const char *copy = "copy it to a directory of yours and track the copy";
    struct statvfs vfs;
    struct stat dst;
    uid_t euid = geteuid();
    int flags = 0;

    if (fstatvfs(t->dirfd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
        snprintf(msg, len, "%s: is on a read-only filesystem; %s", t->path, copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    if (ioctl(t->fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL))) {
        snprintf(msg, len, "%s: is immutable or append-only (see lsattr); %s", t->path, copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    if (faccessat(t->dirfd, t->name, W_OK, AT_EACCESS) < 0) {
        snprintf(msg, len, "%s: you may not write it (%s); %s, or ask its owner", t->path,
                 strerror(errno), copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    /* The new file is created beside the old one and renamed over it. */
    if (faccessat(t->dirfd, ".", W_OK | X_OK, AT_EACCESS) < 0) {
        snprintf(msg, len,
                 "%s: its directory %s is not writable by you (%s), and the patched file is "
                 "created there; %s",
                 t->path, t->dirpath, strerror(errno), copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    if (euid == 0)
        return TRACK_EXIT_OK;
    if (fstat(t->dirfd, &dst) == 0 && (dst.st_mode & S_ISVTX) && t->st.st_uid != euid &&
        dst.st_uid != euid) {
        snprintf(msg, len,
                 "%s: belongs to another user in a sticky directory, so it cannot be replaced; %s",
                 t->path, copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    if (t->st.st_uid != euid) {
        snprintf(msg, len,
                 "%s: belongs to uid %ld; the patched file would belong to you. Run as its "
                 "owner or root, or %s",
                 t->path, (long)t->st.st_uid, copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    if (!in_group(t->st.st_gid)) {
        snprintf(msg, len,
                 "%s: has group %ld, which you are not in, so the patched file could not keep "
                 "it. Run as root, or %s",
                 t->path, (long)t->st.st_gid, copy);
        return TRACK_EXIT_NOT_WRITABLE;
    }
    return TRACK_EXIT_OK;
}

int check_privileged(const struct target *t, char *msg, size_t len)
{
    const mode_t m = t->st.st_mode;
    ssize_t caps = fgetxattr(t->fd, "security.capability", NULL, 0);

    if (!(m & (S_ISUID | S_ISGID)) && caps <= 0)
        return 0;
    snprintf(msg, len, "%s: is %s", t->path,
             (m & S_ISUID) && (m & S_ISGID) ? "set-user-ID and set-group-ID"
             : (m & S_ISUID)                ? "set-user-ID"
             : (m & S_ISGID)                ? "set-group-ID"
                                            : "given file capabilities (see getcap)");
    return 1;
}

int check_system_path(const char *path)
{
    static const char *const dirs[] = {"/usr/",   "/bin/",   "/sbin/",  "/lib/",
                                       "/lib32/", "/lib64/", "/libx32/"};

    /* /usr/local belongs to the site, not to packages. */
    if (strncmp(path, "/usr/local/", 11) == 0)
        return 0;
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (strncmp(path, dirs[i], strlen(dirs[i])) == 0)
            return 1;
    return 0;
}
