/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proc.h - is a pid still our runtime, and waiting for a process that is not our child.
 *
 * The direct service manager double-forks the runtime, so it is nobody's child we can wait
 * for: it is watched through a pidfd (poll becomes readable when it exits) or, on kernels
 * without pidfd_open, by polling /proc, where a zombie counts as exited.
 */
#ifndef DC_NODECTL_PROC_H
#define DC_NODECTL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* The state letter of /proc/PID/stat ('R', 'S', 'Z', ...), or 0 when there is no such pid. */
char dc_proc_state(pid_t pid);

/* The process group of pid, or -1 when there is no such pid. */
pid_t dc_proc_pgrp(pid_t pid);

/* Exists and is not a zombie. */
bool dc_proc_alive(pid_t pid);

enum dc_proc_match {
    DC_PROC_GONE = -1,    /* no such process (or a zombie) */
    DC_PROC_OTHER = 0,    /* another command line: the pid was reused */
    DC_PROC_OURS = 1,     /* our command line, running exe */
    DC_PROC_WRONG_EXE = 2 /* our command line, another executable: do not touch it */
};

/*
 * Is pid ours: running as root (real and effective uid 0: anyone may start the runtime's
 * executable with the same arguments), the last nargs arguments of its command line equal
 * args (a NULL matches anything), and it runs exe (a resolved path; " (deleted)" after an
 * upgrade is accepted)? The reason for anything but DC_PROC_OURS is in detail.
 */
enum dc_proc_match dc_proc_is(pid_t pid, const char *exe, const char *const args[], size_t nargs,
                              char *detail, size_t detlen);

/* A pidfd for pid, or -1 (no such process, or the kernel has no pidfd_open). */
int dc_pidfd_open(pid_t pid);

/* Send sig through pidfd when >= 0, else with kill(2). Returns 0 or -1 with errno set. */
int dc_proc_signal(pid_t pid, int pidfd, int sig);

/*
 * Wait until pid has exited (a zombie counts) or timeout_ms passed. Returns 0 when it is gone,
 * -1 on timeout. With pidfd >= 0 this sleeps in poll; otherwise it polls /proc.
 */
int dc_proc_wait_gone(pid_t pid, int pidfd, long timeout_ms);

/*
 * Is pid the run whose pid file was written at written, whatever its executable (a script, a
 * wrapper that exec'ed another binary): alive, root's, the leader of its own process group,
 * and started before the pid file was written (a pid reused later started after it)?
 */
bool dc_proc_leads_run(pid_t pid, const struct timespec *written);

/* kill(2) to the process group pgid (never 0 or 1). 0 or -1 with errno set. */
int dc_proc_signal_group(pid_t pgid, int sig);

/* Whether a process of group pgid still runs (zombies do not count). */
bool dc_proc_group_alive(pid_t pgid);

/* Read a pid file: one decimal pid, a newline, nothing else; root-owned, no symlink.
 * Returns the pid (and when it was written, if written is not NULL), 0 when the file does not
 * exist, or -1 when it is malformed or unsafe. */
pid_t dc_pidfile_read(const char *path, struct timespec *written);

#endif
