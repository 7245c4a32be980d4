/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runhelper.h - run a helper (systemctl, the runtime's --check) from an argv array: no shell, a
 * fixed environment, stdin from /dev/null, stdout and stderr captured (bounded), a deadline
 * after which it is killed, with everything in its process group (also when the request is
 * cancelled: preempt.h).
 */
#ifndef DC_NODECTL_SPAWN_H
#define DC_NODECTL_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

#define DC_SPAWN_CAPTURE 16384 /* the last this many bytes of output are kept */

struct dc_spawn_result {
    int status;                        /* wait(2) status; valid unless failed */
    bool timed_out;                    /* killed at the deadline */
    bool cancelled;                    /* killed as the request was cancelled (preempt.h) */
    bool failed;                       /* could not be started at all; err holds the reason */
    char output[DC_SPAWN_CAPTURE + 1]; /* NUL-terminated tail of stdout+stderr */
    size_t len;
};

/* The environment every helper gets: a fixed PATH and nothing else. */
extern const char *const dc_spawn_clean_env[];

/* A flag of dc_spawn_run: a cancelled request (preempt.h) kills the helper at once. */
#define DC_SPAWN_CANCELLABLE 1u

/*
 * Run argv[0] (an absolute path) with envp. Returns 0 when it exited with status 0, 1 when it
 * ran but failed (exit code, signal, timeout or cancellation: see res), -1 when it could not
 * be run.
 */
int dc_spawn_run(const char *const argv[], const char *const envp[], int timeout_ms, unsigned flags,
                 struct dc_spawn_result *res);

/* The last non-empty line of the captured output, sanitized, in out ("" if none). */
void dc_spawn_last_line(const struct dc_spawn_result *res, char *out, size_t outlen);

/* "exit code 3", "killed by signal 9", "timed out after N s" for res. */
void dc_spawn_describe(const struct dc_spawn_result *res, int timeout_ms, char *out, size_t outlen);

#endif
