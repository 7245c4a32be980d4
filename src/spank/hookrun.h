/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hookrun.h - run datacrumbs_slurm_hook from the SPANK plugin and pass its messages on.
 *
 * The plugin lives inside slurmd's job prolog/epilog process, so the work (JSON, node control,
 * waiting for the runtime) happens in the hook program: one fork and exec, a fixed argv and
 * environment, stdin from /dev/null, no other descriptor inherited, every line the hook prints
 * handed to a logger (Slurm's log), and its exit status returned.
 */
#ifndef DC_HOOKRUN_H
#define DC_HOOKRUN_H

#include <stddef.h>

#define DC_HOOKRUN_LINE_MAX 1024 /* longer lines are cut */
#define DC_HOOKRUN_LINES    64   /* lines passed on; the rest are counted */

typedef void (*dc_hookrun_log_fn)(const char *line, void *ctx);

/*
 * Run path (absolute) with argv and envp (NULL-terminated). Returns the wait status, or -1
 * with the reason in err when it could not be run at all.
 */
int dc_hookrun(const char *path, char *const argv[], char *const envp[], dc_hookrun_log_fn log,
               void *ctx, char *err, size_t errlen);

#endif
