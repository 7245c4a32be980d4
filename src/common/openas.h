/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * openas.h - open a file a user named with that user's file-system identity, so that the
 * kernel applies every rule it would apply to the user (directory search bits, ACLs, LSMs,
 * root squash), and keep the descriptor: what is checked, parsed and attached afterwards is
 * that very inode, whatever happens to the path meanwhile.
 */
#ifndef DC_OPENAS_H
#define DC_OPENAS_H

#include <stddef.h>
#include <sys/types.h>

/* The calling thread's own groups that dc_open_as saves and restores (root's: a few). */
#define DC_FSIDENT_GROUPS_MAX 256

struct dc_fsident {
    uid_t uid;
    gid_t gid;
    size_t ngroups;
    const gid_t *groups; /* supplementary groups */
};

enum dc_openas {
    DC_OPENAS_OK = 0,
    DC_OPENAS_DENIED,      /* missing or not readable by the user: *err is the errno */
    DC_OPENAS_NOT_REGULAR, /* a directory, device, FIFO or socket: never opened */
    DC_OPENAS_NO_IDENTITY, /* this thread could not take the identity: *err */
};

/*
 * Open path read-only (O_NONBLOCK, O_NOCTTY, O_CLOEXEC) with id as the calling thread's
 * fsuid, fsgid and groups -- on this thread only, never broadcast to other threads -- then
 * require a regular file on the descriptor. A stat as the user first keeps device nodes and
 * FIFOs from being opened at all. id NULL: the same with the thread's own identity. Returns
 * DC_OPENAS_OK with *fd set, or the reason. Aborts if the thread cannot return to its own
 * identity (it would act as the user from then on).
 */
enum dc_openas dc_open_as(const struct dc_fsident *id, const char *path, int *fd, int *err);

/*
 * The supplementary groups of user (with primary group gid), in *groups (malloc'ed, the
 * caller frees it). Returns the number, or -1 when the user database cannot say.
 */
long dc_user_groups(const char *user, gid_t gid, gid_t **groups);

#endif
