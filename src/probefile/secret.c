/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * secret.c - load the probe signing secret, refusing every way it can be unsafe or malformed,
 * each with its own reason. Nothing here ever creates or repairs the file (datacrumbs_secret
 * create is the only writer): a missing shared mount must not silently fork the key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "path.h"
#include "probefile.h"

/* Enough to tell "64 hex and a newline" and "a bit too long" from "something else". */
#define READ_MAX 256

static const char *const reasons[] = {
    [DC_SECRET_OK] = "ok",
    [DC_SECRET_MISSING] = "does not exist",
    [DC_SECRET_SYMLINK] = "is a symbolic link",
    [DC_SECRET_NOT_REGULAR] = "is not a regular file",
    [DC_SECRET_BAD_OWNER] = "is not owned by root",
    [DC_SECRET_GROUP_WRITABLE] = "is group-writable",
    [DC_SECRET_WORLD_WRITABLE] = "is world-writable",
    [DC_SECRET_GROUP_READABLE] = "is group-readable",
    [DC_SECRET_WORLD_READABLE] = "is world-readable",
    [DC_SECRET_PARENT_INSECURE] = "is in an insecure directory",
    [DC_SECRET_UNREADABLE] = "cannot be read",
    [DC_SECRET_EMPTY] = "is empty",
    [DC_SECRET_WRONG_LENGTH] = "does not hold exactly 64 characters",
    [DC_SECRET_NOT_HEX] = "holds a character that is not hexadecimal",
    [DC_SECRET_UPPERCASE] = "holds uppercase hexadecimal (A-F); the key is lowercase",
    [DC_SECRET_NEWLINE] = "ends with a newline; the key is the 64 characters alone",
};

const char *dc_pf_secret_reason_str(enum dc_pf_secret_reason r)
{
    if ((unsigned)r >= sizeof(reasons) / sizeof(reasons[0]) || !reasons[r])
        return "unknown";
    return reasons[r];
}

static enum dc_pf_secret_reason why_set(char *why, size_t whylen, enum dc_pf_secret_reason r,
                                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum dc_pf_secret_reason why_set(char *why, size_t whylen, enum dc_pf_secret_reason r,
                                        const char *fmt, ...)
{
    va_list ap;

    if (why && whylen) {
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return r;
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

enum dc_pf_secret_reason dc_pf_secret_classify(const void *buf, size_t len, char *why,
                                               size_t whylen)
{
    const unsigned char *b = buf;
    size_t body = len, bad = SIZE_MAX;
    int upper = 0;

    if (len == 0)
        return why_set(why, whylen, DC_SECRET_EMPTY, "%s", reasons[DC_SECRET_EMPTY]);
    /* "\n" and "\r\n" after an otherwise good key: the usual editor or echo accident. */
    if (b[body - 1] == '\n') {
        body--;
        if (body && b[body - 1] == '\r')
            body--;
    }
    for (size_t i = 0; i < body; i++) {
        if (!is_hex(b[i]) && bad == SIZE_MAX)
            bad = i;
        if (b[i] >= 'A' && b[i] <= 'F')
            upper = 1;
    }
    /* With the right length, the content is what is wrong; otherwise the length is. */
    if (bad != SIZE_MAX && (body == DC_PF_HEX_LEN || len == DC_PF_HEX_LEN))
        return why_set(why, whylen, DC_SECRET_NOT_HEX, "%s (byte %zu is 0x%02x)",
                       reasons[DC_SECRET_NOT_HEX], bad + 1, b[bad]);
    if (body != DC_PF_HEX_LEN)
        return why_set(why, whylen, DC_SECRET_WRONG_LENGTH, "%s (it holds %zu%s bytes)",
                       reasons[DC_SECRET_WRONG_LENGTH], len, len >= READ_MAX ? " or more" : "");
    if (body != len)
        return why_set(why, whylen, DC_SECRET_NEWLINE, "%s", reasons[DC_SECRET_NEWLINE]);
    if (upper)
        return why_set(why, whylen, DC_SECRET_UPPERCASE, "%s", reasons[DC_SECRET_UPPERCASE]);
    return why_set(why, whylen, DC_SECRET_OK, "%s", reasons[DC_SECRET_OK]);
}

static enum dc_pf_secret_reason from_path_reason(enum dc_path_reason r)
{
    switch (r) {
    case DC_PATH_OK: return DC_SECRET_OK;
    case DC_PATH_MISSING: return DC_SECRET_MISSING;
    case DC_PATH_SYMLINK: return DC_SECRET_SYMLINK;
    case DC_PATH_NOT_REGULAR: return DC_SECRET_NOT_REGULAR;
    case DC_PATH_BAD_OWNER: return DC_SECRET_BAD_OWNER;
    case DC_PATH_GROUP_WRITABLE: return DC_SECRET_GROUP_WRITABLE;
    case DC_PATH_WORLD_WRITABLE: return DC_SECRET_WORLD_WRITABLE;
    case DC_PATH_GROUP_READABLE: return DC_SECRET_GROUP_READABLE;
    case DC_PATH_WORLD_READABLE: return DC_SECRET_WORLD_READABLE;
    case DC_PATH_PARENT_INSECURE: return DC_SECRET_PARENT_INSECURE;
    case DC_PATH_CHECK_FAILED:
    default: return DC_SECRET_UNREADABLE;
    }
}

/* The opened file must still be what the path check saw: nobody swapped it in between. */
static enum dc_pf_secret_reason check_fd(int fd, const char *path, char *why, size_t whylen)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return why_set(why, whylen, DC_SECRET_UNREADABLE, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return why_set(why, whylen, DC_SECRET_NOT_REGULAR, "%s %s", path,
                       reasons[DC_SECRET_NOT_REGULAR]);
    if (st.st_uid != 0)
        return why_set(why, whylen, DC_SECRET_BAD_OWNER, "%s is owned by uid %u, not root", path,
                       (unsigned)st.st_uid);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return why_set(
            why, whylen,
            (st.st_mode & S_IWOTH) ? DC_SECRET_WORLD_WRITABLE : DC_SECRET_GROUP_WRITABLE,
            "%s %s (mode %04o)", path,
            reasons[(st.st_mode & S_IWOTH) ? DC_SECRET_WORLD_WRITABLE : DC_SECRET_GROUP_WRITABLE],
            (unsigned)(st.st_mode & 07777));
    if (st.st_mode & (S_IRGRP | S_IROTH))
        return why_set(
            why, whylen,
            (st.st_mode & S_IROTH) ? DC_SECRET_WORLD_READABLE : DC_SECRET_GROUP_READABLE,
            "%s %s (mode %04o)", path,
            reasons[(st.st_mode & S_IROTH) ? DC_SECRET_WORLD_READABLE : DC_SECRET_GROUP_READABLE],
            (unsigned)(st.st_mode & 07777));
    return DC_SECRET_OK;
}

enum dc_pf_secret_reason dc_pf_secret_read(const char *path, unsigned char key[DC_PF_HEX_LEN],
                                           char *why, size_t whylen)
{
    struct dc_path_verdict v;
    unsigned char buf[READ_MAX];
    size_t len = 0;
    enum dc_pf_secret_reason r;
    char msg[256];
    int fd, rc;

    memset(key, 0, DC_PF_HEX_LEN);
    rc = dc_path_is_secure(path, DC_PATH_REGULAR | DC_PATH_SECRET, &v);
    if (rc != 1) {
        r = from_path_reason(rc < 0 && v.reason != DC_PATH_MISSING ? DC_PATH_CHECK_FAILED
                                                                   : v.reason);
        if (v.reason == DC_PATH_PARENT_INSECURE)
            return why_set(why, whylen, r, "%s %s: %s", path, reasons[r], v.message);
        return why_set(why, whylen, r, "%s", v.message);
    }
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;

        if (e == ELOOP)
            return why_set(why, whylen, DC_SECRET_SYMLINK, "%s is a symbolic link", path);
        if (e == ENOENT)
            return why_set(why, whylen, DC_SECRET_MISSING, "%s: %s", path, strerror(e));
        return why_set(why, whylen, DC_SECRET_UNREADABLE, "%s: %s%s", path, strerror(e),
                       e == EACCES && geteuid() != 0 ? " (only root can read the secret)" : "");
    }
    r = check_fd(fd, path, why, whylen);
    if (r != DC_SECRET_OK)
        goto cleanup;
    while (len < sizeof(buf)) {
        ssize_t n = read(fd, buf + len, sizeof(buf) - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = why_set(why, whylen, DC_SECRET_UNREADABLE, "%s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    r = dc_pf_secret_classify(buf, len, msg, sizeof(msg));
    if (r != DC_SECRET_OK) {
        why_set(why, whylen, r, "%s %s", path, msg);
        goto cleanup;
    }
    memcpy(key, buf, DC_PF_HEX_LEN);
    why_set(why, whylen, r, "%s is secure and well-formed", path);
cleanup:
    explicit_bzero(buf, sizeof(buf));
    close(fd);
    return r;
}

enum dc_pf_status dc_pf_secret_load(const char *path, unsigned char key[DC_PF_HEX_LEN], char *why,
                                    size_t whylen)
{
    return dc_pf_secret_read(path, key, why, whylen) == DC_SECRET_OK ? DC_PF_OK : DC_PF_ERR_SECRET;
}
