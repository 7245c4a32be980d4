/* SPDX-License-Identifier: BSD-3-Clause */
/* replace.c - copy, edit elsewhere, rename over (see replace.h). */
#include "replace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define XATTR_BUF_MAX 65536 /* the kernel's own limit for a list and for a value */

/* The replacement a signal handler must clean up after (one per process at a time). */
static struct replace *volatile active;

static int fail(struct replace *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record what failed with the current errno; returns -1 for "return fail(...)". */
static int fail(struct replace *r, const char *fmt, ...)
{
    int e = errno;
    size_t n;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->err, sizeof(r->err), fmt, ap);
    va_end(ap);
    n = strlen(r->err);
    if (e && n < sizeof(r->err))
        snprintf(r->err + n, sizeof(r->err) - n, ": %s", strerror(e));
    r->err_no = e;
    errno = e;
    return -1;
}

/* ".<name>.dctrack-" with name cut so that a pid and a random part still fit in NAME_MAX. */
static void tmp_prefix(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, ".%.*s%s", NAME_MAX - 48, name, REPLACE_TAG);
}

static int make_tmpname(const char *name, char *buf, size_t len)
{
    char prefix[NAME_MAX + 1];
    unsigned int rnd;

    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
        rnd = (unsigned int)time(NULL) ^ (unsigned int)clock() ^ ((unsigned int)getpid() << 16);
    tmp_prefix(name, prefix, sizeof(prefix));
    return snprintf(buf, len, "%s%ld-%08x", prefix, (long)getpid(), rnd) < (int)len ? 0 : -1;
}

/* Create a fresh file in dirfd under a new temporary name; O_EXCL so nothing is reused. */
static int create_tmp(int dirfd, const char *name, char *tmpname, size_t len, int flags)
{
    for (int tries = 0; tries < 100; tries++) {
        int fd;

        if (make_tmpname(name, tmpname, len) < 0) {
            errno = ENAMETOOLONG;
            return -1;
        }
        fd = openat(dirfd, tmpname, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | flags, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

static int copy_data(int srcfd, int dstfd, off_t size)
{
    off_t in = 0, out = 0;
    char buf[65536];

    while (in < size) {
        ssize_t n = copy_file_range(srcfd, &in, dstfd, &out, (size_t)(size - in), 0);

        if (n > 0)
            continue;
        if (n == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
            return -1;
        /* A filesystem without copy_file_range: plain reads and writes from where it stopped. */
        while (in < size) {
            ssize_t got = pread(srcfd, buf, sizeof(buf), in), put;

            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                return got < 0 ? -1 : 0;
            for (ssize_t done = 0; done < got; done += put) {
                put = pwrite(dstfd, buf + done, (size_t)(got - done), out + done);
                if (put < 0 && errno == EINTR)
                    put = 0;
                else if (put <= 0)
                    return -1;
            }
            in += got;
            out += got;
        }
    }
    /* The file shrank under us: what we copied is not what was inspected. */
    if (in != size) {
        errno = ESTALE;
        return -1;
    }
    return 0;
}

int replace_begin(struct replace *r, int dirfd, const char *name, int srcfd,
                  const struct stat *orig)
{
    r->dirfd = dirfd;
    r->name = name;
    r->orig = *orig;
    r->tmpfd = -1;
    r->tmpname[0] = r->baktmpname[0] = '\0';
    r->err[0] = '\0';
    r->err_no = 0;
    active = r;
    /* No O_CLOEXEC: the editor reaches this file through its inherited descriptor. */
    r->tmpfd = create_tmp(dirfd, name, r->tmpname, sizeof(r->tmpname), 0);
    if (r->tmpfd < 0) {
        r->tmpname[0] = '\0';
        active = NULL;
        return fail(r, "cannot create a temporary file beside %s", name);
    }
    if (copy_data(srcfd, r->tmpfd, orig->st_size) < 0) {
        fail(r, "cannot copy %s to %s", name, r->tmpname);
        replace_abort(r);
        return -1;
    }
    return 0;
}

void replace_tmp_path(const struct replace *r, const char *dirpath, char *buf, size_t len)
{
    struct stat a, b;

    snprintf(buf, len, "/proc/self/fd/%d", r->tmpfd);
    if (stat(buf, &a) == 0 && fstat(r->tmpfd, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return;
    snprintf(buf, len, "%s/%s", strcmp(dirpath, "/") ? dirpath : "", r->tmpname);
}

/* Copy every extended attribute of src to dst and drop those dst has that src has not. */
static int copy_xattrs(struct replace *r, int srcfd)
{
    char *names = NULL, *have = NULL, *val = NULL, *cur = NULL;
    ssize_t nlen, hlen;
    int ret = -1;

    names = malloc(XATTR_BUF_MAX);
    have = malloc(XATTR_BUF_MAX);
    val = malloc(XATTR_BUF_MAX);
    cur = malloc(XATTR_BUF_MAX);
    if (!names || !have || !val || !cur) {
        fail(r, "out of memory");
        goto out;
    }
    nlen = flistxattr(srcfd, names, XATTR_BUF_MAX);
    if (nlen < 0 && errno != ENOTSUP) {
        fail(r, "cannot list the extended attributes of %s", r->name);
        goto out;
    }
    for (ssize_t off = 0; nlen > 0 && off < nlen; off += (ssize_t)strlen(names + off) + 1) {
        const char *n = names + off;
        ssize_t vlen = fgetxattr(srcfd, n, val, XATTR_BUF_MAX), clen;

        if (vlen < 0) {
            if (errno == ENODATA) /* removed meanwhile */
                continue;
            fail(r, "cannot read extended attribute %s of %s", n, r->name);
            goto out;
        }
        /* Skip what is already right (a label inherited from the directory, say): setting it
         * could need privileges the caller does not have. */
        clen = fgetxattr(r->tmpfd, n, cur, XATTR_BUF_MAX);
        if (clen == vlen && memcmp(cur, val, (size_t)vlen) == 0)
            continue;
        if (fsetxattr(r->tmpfd, n, val, (size_t)vlen, 0) < 0) {
            fail(r, "cannot give the new file extended attribute %s", n);
            goto out;
        }
    }
    /* A default ACL of the directory, say, lands on the new file but was not on the old one. */
    hlen = flistxattr(r->tmpfd, have, XATTR_BUF_MAX);
    for (ssize_t off = 0; hlen > 0 && off < hlen; off += (ssize_t)strlen(have + off) + 1) {
        const char *n = have + off;
        int found = 0;

        for (ssize_t o = 0; nlen > 0 && o < nlen && !found; o += (ssize_t)strlen(names + o) + 1)
            found = strcmp(names + o, n) == 0;
        if (!found && fremovexattr(r->tmpfd, n) < 0 && errno != ENODATA) {
            fail(r, "cannot remove extended attribute %s from the new file", n);
            goto out;
        }
    }
    ret = 0;
out:
    free(names);
    free(have);
    free(val);
    free(cur);
    return ret;
}

int replace_copy_metadata(struct replace *r, int srcfd)
{
    const struct stat *o = &r->orig;
    struct timespec times[2] = {o->st_atim, o->st_mtim};
    struct stat now;

    /* Order matters: chown clears set-id bits and file capabilities, so it comes first, the
     * attributes (capabilities, ACLs) next, the mode after them, the timestamps last. */
    if (fstat(r->tmpfd, &now) < 0)
        return fail(r, "cannot stat the new file");
    if ((now.st_uid != o->st_uid || now.st_gid != o->st_gid) &&
        fchown(r->tmpfd, o->st_uid, o->st_gid) < 0)
        return fail(r, "cannot give the new file owner %ld and group %ld", (long)o->st_uid,
                    (long)o->st_gid);
    if (copy_xattrs(r, srcfd) < 0)
        return -1;
    if (fchmod(r->tmpfd, o->st_mode & 07777) < 0)
        return fail(r, "cannot give the new file mode %04o", (unsigned)(o->st_mode & 07777));
    if (futimens(r->tmpfd, times) < 0)
        return fail(r, "cannot give the new file the original timestamps");
    if (fstat(r->tmpfd, &now) < 0)
        return fail(r, "cannot stat the new file");
    /* chmod drops set-group-id silently for a group the caller is not in. */
    if (now.st_uid != o->st_uid || now.st_gid != o->st_gid ||
        (now.st_mode & 07777) != (o->st_mode & 07777)) {
        errno = EPERM;
        return fail(r, "the new file did not keep owner, group and mode %04o",
                    (unsigned)(o->st_mode & 07777));
    }
    return 0;
}

/* Keep the original under backup_name: a hard link, or a copy where links are not possible. */
static int make_backup(struct replace *r, const char *backup_name)
{
    int fd = -1, src = -1;

    if (make_tmpname(r->name, r->baktmpname, sizeof(r->baktmpname)) < 0) {
        errno = ENAMETOOLONG;
        return fail(r, "backup name too long");
    }
    if (linkat(r->dirfd, r->name, r->dirfd, r->baktmpname, 0) < 0) {
        if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != ENOTSUP) {
            r->baktmpname[0] = '\0';
            return fail(r, "cannot link %s for the backup", r->name);
        }
        /* The filesystem refuses hard links: copy, without set-id bits. */
        fd = create_tmp(r->dirfd, r->name, r->baktmpname, sizeof(r->baktmpname), O_CLOEXEC);
        src = openat(r->dirfd, r->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || src < 0 || copy_data(src, fd, r->orig.st_size) < 0 ||
            fchmod(fd, r->orig.st_mode & 0777) < 0 || fsync(fd) < 0) {
            fail(r, "cannot copy %s for the backup", r->name);
            if (fd >= 0)
                unlinkat(r->dirfd, r->baktmpname, 0);
            r->baktmpname[0] = '\0';
            goto fail_close;
        }
        close(fd);
        close(src);
    }
    if (renameat(r->dirfd, r->baktmpname, r->dirfd, backup_name) < 0) {
        fail(r, "cannot create the backup %s", backup_name);
        unlinkat(r->dirfd, r->baktmpname, 0);
        r->baktmpname[0] = '\0';
        return -1;
    }
    r->baktmpname[0] = '\0';
    return 0;
fail_close:
    if (fd >= 0)
        close(fd);
    if (src >= 0)
        close(src);
    return -1;
}

int replace_commit(struct replace *r, const char *backup_name)
{
    sigset_t block, old;
    struct stat now;
    int rc;

    if (fsync(r->tmpfd) < 0)
        return fail(r, "cannot write the new file to disk");
    /* Someone else changed or replaced the original since we copied it: their change wins. */
    if (fstatat(r->dirfd, r->name, &now, AT_SYMLINK_NOFOLLOW) < 0)
        return fail(r, "%s disappeared while it was being patched", r->name);
    if (now.st_dev != r->orig.st_dev || now.st_ino != r->orig.st_ino ||
        now.st_size != r->orig.st_size || now.st_mtim.tv_sec != r->orig.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != r->orig.st_mtim.tv_nsec) {
        errno = ESTALE;
        return fail(r, "%s changed while it was being patched", r->name);
    }
    if (backup_name && make_backup(r, backup_name) < 0)
        return -1;
    /* The rename and forgetting the temporary name go together, or a signal in between would
     * unlink a name that is now the real file's. */
    sigfillset(&block);
    sigprocmask(SIG_BLOCK, &block, &old);
    rc = renameat(r->dirfd, r->tmpname, r->dirfd, r->name);
    if (rc == 0)
        r->tmpname[0] = '\0';
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (rc < 0)
        return fail(r, "cannot rename the new file over %s", r->name);
    close(r->tmpfd);
    r->tmpfd = -1;
    active = NULL;
    if (fsync(r->dirfd) < 0 && errno != EINVAL)
        return fail(r, "the directory of %s could not be written to disk", r->name);
    return 0;
}

void replace_abort(struct replace *r)
{
    if (r->tmpname[0])
        unlinkat(r->dirfd, r->tmpname, 0);
    if (r->baktmpname[0])
        unlinkat(r->dirfd, r->baktmpname, 0);
    r->tmpname[0] = r->baktmpname[0] = '\0';
    if (r->tmpfd >= 0)
        close(r->tmpfd);
    r->tmpfd = -1;
    if (active == r)
        active = NULL;
}

void replace_on_signal(void)
{
    struct replace *r = active;

    if (!r)
        return;
    if (r->tmpname[0])
        unlinkat(r->dirfd, r->tmpname, 0);
    if (r->baktmpname[0])
        unlinkat(r->dirfd, r->baktmpname, 0);
}

int replace_clean_stale(int dirfd, const char *name)
{
    char prefix[NAME_MAX + 1];
    struct dirent *de;
    size_t plen;
    int fd, removed = 0;
    DIR *d;

    tmp_prefix(name, prefix, sizeof(prefix));
    plen = strlen(prefix);
    fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    d = fdopendir(fd);
    if (!d) {
        close(fd);
        return 0;
    }
    while ((de = readdir(d)) != NULL) {
        char *end;
        long pid;
        struct stat st;

        if (strncmp(de->d_name, prefix, plen) != 0)
            continue;
        errno = 0;
        pid = strtol(de->d_name + plen, &end, 10);
        if (errno || pid <= 0 || *end != '-' || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid())
            continue;
        if (unlinkat(dirfd, de->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}
