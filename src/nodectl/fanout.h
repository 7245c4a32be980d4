/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fanout.h - run many commands at once, at most N at a time, each with its own deadline: feed
 * each its input on stdin, collect (bounded) stdout and stderr, never a shell.
 */
#ifndef DC_NODECTL_FANOUT_H
#define DC_NODECTL_FANOUT_H

#include <stdbool.h>
#include <stddef.h>

struct dc_job {
    /* in */
    const char *const *argv; /* argv[0] is an absolute path */
    const char *input;       /* written to stdin, which is then closed */
    size_t input_len;
    /* out */
    int status;        /* wait(2) status */
    bool timed_out;    /* killed at the deadline */
    bool spawn_failed; /* never ran; spawn_errno says why */
    int spawn_errno;
    char *out, *err; /* NUL-terminated; stdout keeps its head, stderr its tail */
    size_t out_len, err_len;
    long elapsed_ms;
};

/*
 * Run every job, at most parallel at a time; a job still running timeout_ms after it started
 * is killed (SIGTERM, then SIGKILL a second later). capture_max bounds each of out and err.
 * Returns 0, or -1 when memory or pipes ran out (jobs not run are marked spawn_failed).
 */
int dc_fanout_run(struct dc_job *jobs, size_t n, size_t parallel, long timeout_ms,
                  size_t capture_max);

/* Free the captured output of every job. */
void dc_fanout_free(struct dc_job *jobs, size_t n);

#endif
