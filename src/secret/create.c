/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * create.c - "create": a new secret, only when there is none.
 *
 * The key is written to a fresh temporary file (O_CREAT|O_EXCL|O_NOFOLLOW, 0400, root:root)
 * in the destination directory, synced, then hard-linked to its name: link(2) never replaces
 * an existing file or follows a symlink there, so an existing secret is never touched and
 * nobody ever sees a half-written one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "path.h"
#include "secret.h"
#include "writeall.h"

/* 32 bytes from the CSPRNG as 64 lowercase hex characters. */
static int new_key(char hex[DC_PF_HEX_LEN])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[DC_PF_HEX_LEN / 2];

    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return -1;
    for (size_t i = 0; i < sizeof(raw); i++) {
        hex[2 * i] = digits[raw[i] >> 4];
        hex[2 * i + 1] = digits[raw[i] & 0xf];
    }
    explicit_bzero(raw, sizeof(raw));
    return 0;
}

/* The directory must exist and be safe to keep a key in (root's, not writable by others). */
static int check_dir(const char *dir)
{
    struct dc_path_verdict v;
    char probe[PATH_MAX];
    int rc;

    /* "dir/." makes path.h check dir itself as the file and its parents as parents. */
    if (snprintf(probe, sizeof(probe), "%s/.", dir) >= (int)sizeof(probe)) {
        dc_err("%s: path too long", dir);
        return EXIT_FAILED;
    }
    rc = dc_path_is_secure(probe, 0, &v);
    if (rc == 1)
        return 0;
    if (v.reason == DC_PATH_MISSING) {
        dc_err("directory %s does not exist (create it first: install -d -m 0700 -o root %s)", dir,
               dir);
        return EXIT_FAILED;
    }
    dc_err("refusing to create a secret in %s: %s", dir, v.message);
    return rc < 0 ? EXIT_FAILED : EXIT_PARENT_INSECURE;
}

/* A new file ".NAME.<random>" in dir, created 0400 and never through a symlink. */
static int open_temp(const char *dir, const char *name, char *tmp, size_t tmplen)
{
    for (int tries = 0; tries < 16; tries++) {
        unsigned char r[6];
        int fd;

        if (RAND_bytes(r, sizeof(r)) != 1) {
            errno = EIO;
            return -1;
        }
        snprintf(tmp, tmplen, "%s/.%s.%02x%02x%02x%02x%02x%02x", dir, name, r[0], r[1], r[2], r[3],
                 r[4], r[5]);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

int secret_create(const char *path, int if_missing)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 16], hex[DC_PF_HEX_LEN], fpr[DC_PF_FPR_LEN + 1];
    const char *slash = strrchr(path, '/');
    int fd = -1, rc = EXIT_FAILED;

    if (geteuid() != 0) {
        dc_err("only root can create the secret (it must be owned by root)");
        return EXIT_NOT_ROOT;
    }
    if (!slash || !slash[1] || (size_t)(slash - path) >= sizeof(dir)) {
        dc_err("%s: not a file path", path);
        return EXIT_FAILED;
    }
    if (slash == path) {
        strcpy(dir, "/");
    } else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if ((rc = check_dir(dir)) != 0)
        return rc;
    rc = EXIT_FAILED;
    if (new_key(hex) < 0) {
        dc_err("the random number generator failed");
        return EXIT_FAILED;
    }
    fd = open_temp(slash == path ? "" : dir, slash + 1, tmp, sizeof(tmp));
    if (fd < 0) {
        dc_err("cannot create a file in %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0400) < 0 || dc_write_all(fd, hex, sizeof(hex)) < 0 ||
        fsync(fd) < 0) {
        dc_err("cannot write %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (link(tmp, path) < 0) {
        if (errno == EEXIST) {
            if (if_missing) {
                /* Left as it is, but a broken secret must not pass for a good one. */
                rc = secret_check(path);
            } else {
                dc_err("%s already exists; it was left untouched (every node must share one "
                       "secret: remove it first only to replace the key everywhere)",
                       path);
                rc = EXIT_EXISTS;
            }
        } else {
            dc_err("cannot create %s: %s", path, strerror(errno));
        }
        goto cleanup;
    }
    unlink(tmp);
    tmp[0] = '\0';
    {
        /* The new name must survive a crash too. */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    if (dc_pf_secret_fingerprint(hex, sizeof(hex), fpr) == 0)
        dc_info("created %s (fingerprint %s); copy it to every node", path, fpr);
    rc = 0;
cleanup:
    if (fd >= 0) {
        if (tmp[0])
            unlink(tmp);
        close(fd);
    }
    explicit_bzero(hex, sizeof(hex));
    return rc;
}
