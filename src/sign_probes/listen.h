/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * listen.h - the signer's listening socket: inherited from systemd (datacrumbs_sign_probes.socket)
 * or created at a path.
 */
#ifndef DC_SIGN_LISTEN_H
#define DC_SIGN_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

struct dc_listener {
    int fd;
    int activated; /* 1: passed by systemd (never unlinked by us) */
    char path[108];
    dev_t dev; /* the socket file we created, so that only it is unlinked on exit */
    ino_t ino;
};

/* The socket passed by systemd: 1 found, 0 none passed, -1 unusable (err says why). */
int dc_listen_systemd(struct dc_listener *l, char *err, size_t errlen);

/*
 * Create the socket at path, mode 0666, in a directory that must be secure (owned by root,
 * not writable by others; created with mode 0755 if missing). A leftover socket file is
 * replaced unless a server still answers on it; anything else at path is an error.
 * Returns 0 or -1 (err says why).
 */
int dc_listen_path(struct dc_listener *l, const char *path, char *err, size_t errlen);

/* Close, and unlink the socket file if we created it and it is still ours. */
void dc_listen_close(struct dc_listener *l);

#endif
