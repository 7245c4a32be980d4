/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * summary.h - the "summary" of a probe file and the paths it names.
 *
 * Keys in the order the signer requires (datacrumbs_sign_probes(8)): upstream's five
 * (config_file_path, probe_file_path, hostname, user, install_user), then uid, issued_at and
 * expires_at. The user is the caller, never a name from the host file or the environment: the
 * signer takes the identity from the socket and refuses anything else.
 */
#ifndef DC_CFG_SUMMARY_H
#define DC_CFG_SUMMARY_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#define DC_INSTALL_USER "root" /* the packages install as root */

struct dc_summary_in {
    const char *config_file_path; /* absolute */
    const char *probe_file_path;  /* absolute */
    const char *hostname;
    const char *user;
    unsigned uid;
    time_t issued_at;
    long validity; /* seconds: expires_at = issued_at + validity */
};

/* A new object, or NULL when out of memory or a time cannot be written. */
json_t *dc_summary_json(const struct dc_summary_in *in);

/*
 * The absolute path the output will have: the real path of its directory (which must exist)
 * and its own name, which must not be empty, "." or "..". Returns 0, or -1 with the reason in
 * err.
 */
int dc_output_path(const char *path, char *out, size_t outlen, char *err, size_t errlen);

/* The caller's user name (from the uid, never $USER) into out. Returns 0 or -1. */
int dc_caller_name(unsigned uid, char *out, size_t outlen);

#endif
