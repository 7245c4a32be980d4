/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * options.h - the command line of datacrumbs_probe_configurator and its exit codes
 * (datacrumbs_probe_configurator(1), EXIT STATUS).
 */
#ifndef DC_CFG_OPTIONS_H
#define DC_CFG_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

/* Exit codes: upstream's recommended set (reference 3.2). Only 0 and 1 leave a signed file. */
enum dc_cfg_exit {
    DC_CFG_EXIT_OK = 0,
    DC_CFG_EXIT_INVALID = 1,   /* some captures were left out; the file holds the others */
    DC_CFG_EXIT_USAGE = 2,     /* command line, system config or host file error */
    DC_CFG_EXIT_DISCOVERY = 3, /* nothing could be discovered (or out of memory) */
    DC_CFG_EXIT_LIMIT = 4,     /* more functions than max_runtime_functions */
    DC_CFG_EXIT_SIGNER = 5,    /* the signer is unreachable or refused */
    DC_CFG_EXIT_OUTPUT = 6,    /* the output file cannot be written */
};

struct dc_cfg_opts {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *host_path;   /* HOST.yaml */
    const char *output_path; /* OUTPUT.json.gz; may be NULL with --dry-run */
    const char *kallsyms;    /* --kallsyms FILE (default /proc/kallsyms) */
    const char *kernel_btf;  /* --kernel-btf FILE (default /sys/kernel/btf/vmlinux) */
    int dry_run;
    int json;
    int quiet;
    int verbose;
    int progress; /* -1 auto (stderr is a terminal), 0 never, 1 always */
};

enum dc_cfg_parse {
    DC_CFG_PARSE_OK = 0,
    DC_CFG_PARSE_EXIT,  /* --help or --version was printed: exit 0 */
    DC_CFG_PARSE_USAGE, /* the reason is in err */
};

/* Parse argv (options may come anywhere; "--" ends them). */
enum dc_cfg_parse dc_cfg_parse_options(struct dc_cfg_opts *o, int argc, char **argv, char *err,
                                       size_t errlen);
void dc_cfg_usage(FILE *out);

#endif
