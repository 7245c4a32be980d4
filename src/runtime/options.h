/* SPDX-License-Identifier: BSD-3-Clause */
/* options.h - the daemon's command line: datacrumbs [OPTIONS] PROBE_FILE [RUN_ID [USER]]. */
#ifndef DC_RT_OPTIONS_H
#define DC_RT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define RT_RING_MB_DEFAULT 64
#define RT_GZIP_DEFAULT    1

struct rt_opts {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *probe_file;
    const char *run_id; /* NULL: made from the time */
    const char *user;   /* NULL: the user the probe file was issued for */
    int check;          /* --check: verify and plan, attach nothing */
    int verbose, quiet;
    uint64_t min_duration_ns; /* --min-duration: shorter calls are counted, not recorded */
    unsigned ring_mb;         /* --ring-buffer: MiB, a power of two */
    int gzip_level;           /* --gzip-level 1..9 */
    int no_multi; /* --no-uprobe-multi: one uprobe at a time (comparison, old kernels) */
};

enum rt_cmd { RT_CMD_RUN = 0, RT_CMD_HELP, RT_CMD_VERSION, RT_CMD_ERROR };

/* Parse argv into o (defaults first). On RT_CMD_ERROR err says what is wrong. */
enum rt_cmd rt_parse_cmdline(struct rt_opts *o, int argc, char **argv, char *err, size_t errlen);

/* Parse "250", "250ns", "3us", "2ms", "1s" as nanoseconds. Returns 0 or -1. */
int rt_parse_ns(const char *s, uint64_t *out);

#endif
