/* SPDX-License-Identifier: BSD-3-Clause */
/* options.h - the command line of datacrumbs_sign_probes. */
#ifndef DC_SIGN_OPTIONS_H
#define DC_SIGN_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

struct dc_sign_opts {
    const char *config_path;   /* --config FILE, NULL for the system file */
    const char *socket_path;   /* --socket PATH, NULL for signer_socket */
    const char *kallsyms_path; /* --kallsyms FILE, NULL for /proc/kallsyms or vmlinux BTF */
    int foreground;            /* --foreground: no daemon(3), log to stderr */
    int use_syslog;            /* --syslog: log to syslog too */
    int verbose;
    int threads;                  /* --threads N, default: online CPUs (at most 16) */
    size_t max_request;           /* --max-request SIZE */
    size_t max_buffered;          /* --max-buffered SIZE */
    size_t max_buffered_per_user; /* --max-buffered-per-user SIZE, 0: a quarter */
    int timeout_ms;               /* --timeout SECONDS */
    int max_clients;              /* --max-clients N */
    int max_per_user;             /* --max-clients-per-user N */
};

/* Defaults, then the command line. Returns 0, or -1 after a message (usage error).
 * --help and --version print and exit. */
int dc_sign_parse_options(struct dc_sign_opts *o, int argc, char **argv);
void dc_sign_usage(FILE *out);

#endif
