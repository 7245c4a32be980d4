/* SPDX-License-Identifier: BSD-3-Clause */
/* options.h - the daemon's command line: datacrumbs [OPTIONS] PROBE_FILE [RUN_ID [USER]]. */
#ifndef DC_RT_OPTIONS_H
#define DC_RT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct rt_opts {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *probe_file;
    const char *run_id; /* NULL: made from the time */
    const char *user;   /* NULL: the user the probe file was issued for */
    int check;          /* --check: verify and plan, attach nothing */
    int verbose, quiet;
    /* Tunables: the command line wins over datacrumbs.conf (rt_opts_apply_conf). */
    uint64_t min_duration_ns; /* --min-duration: shorter calls are counted, not recorded */
    int min_duration_set;
    unsigned ring_mb; /* --ring-buffer: MiB, a power of two; 0 until set */
    int gzip_level;   /* --gzip-level 1..9; 0 until set */
    int no_multi;     /* --no-uprobe-multi: one uprobe at a time (comparison, old kernels) */
    uint64_t max_trace_bytes; /* --max-trace-bytes: compressed trace cap; 0: none */
    int max_trace_bytes_set;
    uint64_t min_free_space; /* runtime_min_free_space (no option) */
};

enum rt_cmd { RT_CMD_RUN = 0, RT_CMD_HELP, RT_CMD_VERSION, RT_CMD_ERROR };

/* Parse argv into o (defaults first). On RT_CMD_ERROR err says what is wrong. */
enum rt_cmd rt_parse_cmdline(struct rt_opts *o, int argc, char **argv, char *err, size_t errlen);

/* Fill the tunables the command line left unset from the configuration. */
void rt_opts_apply_conf(struct rt_opts *o, const struct dc_sysconf *sys);

#endif
