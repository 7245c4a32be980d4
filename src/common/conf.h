/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conf.h - the system configuration, /etc/datacrumbs/datacrumbs.conf (datacrumbs.conf(5)).
 *
 * "key = value" lines and "#" comment lines. Unknown keys give a warning naming file:line; a bad
 * value is an error naming file, line and key. Every field has its documented default, so a
 * program with no config file at all still runs.
 */
#ifndef DC_CONF_H
#define DC_CONF_H

#include <stddef.h>

#define DC_CONF_PATH_MAX 4096
#define DC_CONF_LINE_MAX 4096          /* longer lines are an error */
#define DC_CONF_SIZE_MAX (1024 * 1024) /* larger files are an error */

struct dc_sysconf {
    char secret_file[DC_CONF_PATH_MAX];   /* HMAC key of the probe files */
    char signer_socket[DC_CONF_PATH_MAX]; /* datacrumbs_sign_probes AF_UNIX socket */
    char probe_policy[DC_CONF_PATH_MAX];  /* what users may capture (sitepolicy.h) */
    char run_dir[DC_CONF_PATH_MAX];       /* env, ready and summary files of runs */
    char trace_dir[DC_CONF_PATH_MAX];     /* may hold strftime(3) conversions */
    char log_dir[DC_CONF_PATH_MAX];
    char client_lib[DC_CONF_PATH_MAX];     /* libdatacrumbs_client.so.0 that wrap/track use */
    char runtime_daemon[DC_CONF_PATH_MAX]; /* the daemon node control runs (direct mode) */
    char scheduler[32];                    /* slurm | flux | none */
    char service_manager[32];              /* systemd | direct */
    char admin_group[64];                  /* may sign custom probes; empty: nobody */
    long max_runtime_functions;            /* probe file function limit */
    long probe_validity;                   /* seconds a signed probe file stays valid */
    long ready_timeout;                    /* seconds to wait for the runtime to be ready */
    long stop_timeout;                     /* seconds to wait for the runtime to stop */
    long runtime_min_duration;             /* ns: shorter calls are counted, not recorded */
    long runtime_ring_buffer;              /* MiB, a power of two */
    long runtime_gzip_level;               /* 1..9 */
    long runtime_max_trace_bytes;          /* compressed trace size cap of a run; 0: none */
    long runtime_min_free_space;           /* bytes the trace fs keeps free for its users */
    long max_runs;                         /* runs at once on a node; 0: no limit */
    long max_runs_per_user;                /* runs at once of one user on a node; 0: no limit */
    long prolog_timeout;                   /* seconds the SLURM prolog may take; 0: no own limit */
    char source[DC_CONF_PATH_MAX];         /* file the values came from, "" for built-in */
};

/* Fill every field with its built-in default. */
void dc_sysconf_defaults(struct dc_sysconf *c);

/*
 * Load the system configuration. path == NULL reads the compiled-in default file, where a
 * missing file is not an error (the defaults stand); an explicit path must exist.
 * Returns 0, or -1 with the error (naming file and line) in err.
 */
int dc_sysconf_load(struct dc_sysconf *c, const char *path, char *err, size_t errlen);

/*
 * Read a whole configuration file of at most max bytes (NUL-terminated; *len bytes), refusing
 * anything but a regular file (a FIFO would block us forever). NULL with the reason in err.
 */
char *dc_conf_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Parse a duration: "90", "90s", "15m", "12h", "7d". Returns 0 or -1. */
int dc_parse_duration(const char *s, long *out);

/* Parse a size in bytes: "4096", "64K", "16M", "1G", "2T" (also "MiB" etc.; powers of 1024).
 * Returns 0 or -1. */
int dc_parse_bytes(const char *s, long *out);

/* Parse a short duration as nanoseconds: "250", "250ns", "3us", "2ms", "1s". Returns 0 or -1. */
int dc_parse_ns(const char *s, long *out);

#endif
