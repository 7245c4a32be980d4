/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * peer.h - who is on the other end of a connection, as the kernel says.
 *
 * uid, gid and pid come from SO_PEERCRED and the supplementary groups from SO_PEERGROUPS: both
 * are the credentials of the process that called connect(), recorded by the kernel at that
 * moment. Nothing the client sends can change them.
 */
#ifndef DC_SIGN_PEER_H
#define DC_SIGN_PEER_H

#include <stddef.h>
#include <sys/types.h>

struct dc_peer {
    uid_t uid;
    gid_t gid;
    pid_t pid;
    gid_t *groups; /* supplementary groups (malloc'ed), ngroups of them */
    int ngroups;
    char user[256]; /* login name of uid, "" until dc_peer_lookup_user() found one */
};

/* Fill p from a connected AF_UNIX socket. Returns 0, or -1 with errno set. */
int dc_peer_from_socket(struct dc_peer *p, int fd);
/* Name the uid from the account database (may be slow: NSS). Returns 0, or -1 if unknown. */
int dc_peer_lookup_user(struct dc_peer *p);
/* 1 when gid is the peer's primary or a supplementary group. */
int dc_peer_in_group(const struct dc_peer *p, gid_t gid);
void dc_peer_clear(struct dc_peer *p);

#endif
