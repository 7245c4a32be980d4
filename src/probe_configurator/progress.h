/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * progress.h - a one-line progress display on stderr, for runs that take a while.
 *
 * Nothing is shown for the first DC_PROGRESS_DELAY_MS (a quick run prints nothing extra), and
 * only when enabled (stderr is a terminal and --quiet was not given, or --progress). The line is
 * rewritten in place and erased before any other message and at the end.
 */
#ifndef DC_CFG_PROGRESS_H
#define DC_CFG_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

#define DC_PROGRESS_DELAY_MS 500

struct dc_progress {
    int enabled;
    FILE *out;
    long long start_ms;
    int shown; /* a line is on the screen */
};

void dc_progress_init(struct dc_progress *p, FILE *out, int enabled);
/* A discovery step (dc_progress_fn): "[done+1/total] name". */
void dc_progress_step(void *ctx, size_t done, size_t total, const char *name);
/* Another phase ("asking the signer at ..."). */
void dc_progress_note(struct dc_progress *p, const char *what);
/* Erase the line (diag's before_print hook, and the end). */
void dc_progress_clear(void *ctx);

#endif
