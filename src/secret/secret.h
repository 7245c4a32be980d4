/* SPDX-License-Identifier: BSD-3-Clause */
/* secret.h - the verbs of datacrumbs_secret(8) and its exit codes (documented there). */
#ifndef DC_SECRET_TOOL_H
#define DC_SECRET_TOOL_H

#include "probefile.h"

enum {
    EXIT_FAILED = 1,       /* configuration, I/O or random generator failure */
    EXIT_USAGE = 2,        /* bad command line */
    EXIT_EXISTS = 3,       /* create: the file exists; it was left untouched */
    EXIT_NOT_ROOT = 4,     /* create: only root may create the secret */
    EXIT_MISSING = 10,     /* the secret file does not exist */
    EXIT_SYMLINK = 11,     /* it is a symbolic link */
    EXIT_NOT_REGULAR = 12, /* it is not a regular file */
    EXIT_BAD_OWNER = 13,   /* it is not owned by root */
    EXIT_GROUP_WRITABLE = 14,
    EXIT_WORLD_WRITABLE = 15,
    EXIT_GROUP_READABLE = 16,
    EXIT_WORLD_READABLE = 17,
    EXIT_PARENT_INSECURE = 18, /* a parent directory is not root's or writable by others */
    EXIT_UNREADABLE = 19,      /* cannot be read (not root, I/O error) */
    EXIT_EMPTY = 20,
    EXIT_WRONG_LENGTH = 21,
    EXIT_NOT_HEX = 22,
    EXIT_UPPERCASE = 23,
    EXIT_NEWLINE = 24,
};

/* The exit code for a reason the secret cannot be used. */
int secret_exit_code(enum dc_pf_secret_reason r);

/* Each returns the process exit code. */
int secret_create(const char *path, int if_missing);
int secret_check(const char *path);
int secret_fingerprint(const char *path);

#endif
