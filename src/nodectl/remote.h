/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * remote.h - the ssh command line that reaches node control on another node.
 *
 *   ssh -T -x -a -o BatchMode=yes -o ConnectTimeout=N [-o OPTION]... -- HOST \
 *       sudo -n <libexecdir>/datacrumbs/datacrumbs_nodectl --stdin
 *
 * The words after HOST never change: ssh joins them into the remote shell command, so nothing
 * a user typed may ever be among them (the request goes on stdin). HOST follows "--" and has
 * passed dc_hostname_valid, so it can neither start an option nor carry shell syntax. User
 * -o options come after ours, and ssh keeps the first value of an option, so they cannot turn
 * BatchMode off.
 */
#ifndef DC_NODECTL_REMOTE_H
#define DC_NODECTL_REMOTE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "dc_config.h"

#define DC_NODECTL_REMOTE_PATH DC_LIBEXECDIR "/datacrumbs_nodectl"
#define DC_SSH_OPTIONS_MAX     32
#define DC_SSH_ARGV_MAX        (24 + 2 * DC_SSH_OPTIONS_MAX)

struct dc_ssh {
    char program[PATH_MAX]; /* the ssh client, resolved through PATH */
    int connect_timeout;    /* seconds */
    const char *options[DC_SSH_OPTIONS_MAX];
    size_t n_options;
    char timeout_opt[32]; /* "ConnectTimeout=N", filled by dc_ssh_argv */
    /* Connection sharing (dc_ssh_share_begin): "" when off. */
    char control_dir[PATH_MAX];
    char control_opt[PATH_MAX + 16]; /* "ControlPath=<control_dir>/%C" */
};

/* The fixed words of the remote command, NULL-terminated. */
extern const char *const dc_remote_command[];

/*
 * An --ssh-option value: "Key=Value" or "Key Value", Key made of letters, no control
 * characters, at most 1024 bytes. Returns true, or false with the reason in err.
 */
bool dc_ssh_option_valid(const char *opt, char *err, size_t errlen);

/*
 * The argv for host into out (DC_SSH_ARGV_MAX entries); the strings belong to s, host and the
 * fixed text. Returns the argc, or -1 when host is not a valid node name.
 */
int dc_ssh_argv(struct dc_ssh *s, const char *host, const char *out[DC_SSH_ARGV_MAX]);

/*
 * Share one ssh connection per node between the rounds of one command (datacrumbs_run: check,
 * then start): a private directory (mkdtemp, 0700) for the control sockets, and from now on
 * dc_ssh_argv adds ControlMaster=auto, ControlPath=<dir>/%C and ControlPersist. Returns 0, or
 * -1 when no short enough private directory could be made (the rounds then connect anew).
 */
int dc_ssh_share_begin(struct dc_ssh *s);

/*
 * The argv asking host's shared connection to end ("ssh -O exit"), into out. Returns the argc,
 * or -1 when sharing is off or host is not a valid node name.
 */
int dc_ssh_exit_argv(struct dc_ssh *s, const char *host, const char *out[DC_SSH_ARGV_MAX]);

/* Remove the control directory (after the masters exited) and turn sharing off. */
void dc_ssh_share_end(struct dc_ssh *s);

/*
 * argv as one line a POSIX shell would split back into the same words ('...' quoting where
 * needed), for --dry-run and --verbose. Returns 0, or -1 when it does not fit.
 */
int dc_shell_quote_argv(const char *const argv[], char *out, size_t outlen);

/* A fresh run id: "dc-YYYYmmdd-HHMMSS-xxxxxxxx" (UTC, random hex). Returns 0 or -1. */
int dc_runid_generate(char *out, size_t outlen);

/*
 * The probe file path to send: absolute (a relative one is taken from the current directory),
 * with "." and ".." components and repeated slashes removed lexically (symlinks are left for
 * the node to resolve as the user). Then dc_probe_path_valid. Returns 0 or -1 (err).
 */
int dc_probe_path_absolute(const char *in, char *out, size_t outlen, char *err, size_t errlen);

#endif
