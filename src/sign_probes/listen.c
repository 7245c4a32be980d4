/* SPDX-License-Identifier: BSD-3-Clause */
/* listen.c - socket activation or a socket at a path (see listen.h). */
#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "path.h"

#define BACKLOG 1024 /* clamped by net.core.somaxconn */

int dc_listen_systemd(struct dc_listener *l, char *err, size_t errlen)
{
    int n = sd_listen_fds(1), fd = SD_LISTEN_FDS_START, flags;

    memset(l, 0, sizeof(*l));
    l->fd = -1;
    if (n == 0)
        return 0;
    if (n < 0) {
        snprintf(err, errlen, "socket activation: %s", strerror(-n));
        return -1;
    }
    if (n > 1) {
        snprintf(err, errlen, "socket activation passed %d sockets; expected one", n);
        return -1;
    }
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) <= 0) {
        snprintf(err, errlen,
                 "socket activation: the socket is not a listening AF_UNIX "
                 "stream socket");
        return -1;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        snprintf(err, errlen, "socket activation: %s", strerror(errno));
        return -1;
    }
    l->fd = fd;
    l->activated = 1;
    return 1;
}

/* 1 when something accepts connections at addr. */
static int someone_listens(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc;

    if (fd < 0)
        return 0;
    rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
    close(fd);
    return rc;
}

static int secure_dir(const char *path, char *err, size_t errlen)
{
    char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
    const char *dir;
    struct dc_path_verdict v;

    snprintf(buf, sizeof(buf), "%s", path);
    dir = dirname(buf);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    /* Whoever can write the directory could replace our socket with theirs. */
    if (dc_path_is_secure(dir, DC_PATH_TRUST_EUID, &v) != 1) {
        snprintf(err, errlen, "socket directory is not secure: %s", v.message);
        return -1;
    }
    return 0;
}

int dc_listen_path(struct dc_listener *l, const char *path, char *err, size_t errlen)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct stat st;
    mode_t old;
    int fd = -1, rc;

    memset(l, 0, sizeof(*l));
    l->fd = -1;
    if (path[0] != '/' || strlen(path) >= sizeof(addr.sun_path)) {
        snprintf(err, errlen, "%s: the socket path must be absolute and shorter than %zu bytes",
                 path, sizeof(addr.sun_path));
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if (secure_dir(path, err, errlen) < 0)
        return -1;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "%s exists and is not a socket; not touching it", path);
            return -1;
        }
        if (someone_listens(&addr)) {
            snprintf(err, errlen, "%s: another server is listening there", path);
            return -1;
        }
        if (unlink(path) < 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove the stale socket %s: %s", path, strerror(errno));
            return -1;
        }
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    /* Everyone may connect: who they are is taken from SO_PEERCRED, not from the path. */
    old = umask(0111);
    rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    umask(old);
    if (rc < 0 || lstat(path, &st) < 0 || listen(fd, BACKLOG) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    l->fd = fd;
    l->dev = st.st_dev;
    l->ino = st.st_ino;
    snprintf(l->path, sizeof(l->path), "%s", path);
    return 0;
}

void dc_listen_close(struct dc_listener *l)
{
    struct stat st;

    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    if (!l->activated && l->path[0] && lstat(l->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
        st.st_dev == l->dev && st.st_ino == l->ino)
        unlink(l->path);
}
