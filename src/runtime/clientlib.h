/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clientlib.h - the client library a run probes for announcements, followed across upgrades.
 *
 * Uprobes live in an inode. A package upgrade or reinstall replaces the library with a new
 * file (dpkg and rpm write a temporary and rename it over the old name), so processes started
 * afterwards map an inode the run never probed and would go untraced, silently. The run checks
 * the configured path on every tick of its main loop and probes each new file it finds there,
 * keeping the old probes for processes that still map the old file.
 */
#ifndef DC_RT_CLIENTLIB_H
#define DC_RT_CLIENTLIB_H

#include <sys/types.h>

#include "attach.h"

/* Replacements followed in one run; more means something is rewriting the file in a loop. */
#define RT_CLIENT_MAX_FILES 16

struct rt_client {
    const char *path; /* as configured (client_lib): a root-owned system path */
    dev_t dev;        /* the file probed last */
    ino_t ino;
    unsigned files;   /* how many files are probed */
    ino_t failed_ino; /* a replacement that could not be probed: warned once */
};

/* Probe the file at c->path now. Returns 0, or -1 with err (the run cannot select anything). */
int rt_client_probe(struct rt_client *c, struct rt_bpf *b, char *err, size_t errlen);

/* When c->path names another file than the one probed last, probe that one too (warns on
 * failure, once per file). Returns 1 when a new file was probed, else 0. */
int rt_client_follow(struct rt_client *c, struct rt_bpf *b);

#endif
