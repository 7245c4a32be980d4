/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * envfile.h - <run_dir>/datacrumbs-ID.env, the EnvironmentFile of datacrumbs@ID.service.
 *
 *   DATACRUMBS_PROBE_FILE="<run_dir>/datacrumbs-ID.probes"
 *   DATACRUMBS_USER="alice"
 *   DATACRUMBS_RUN_ID="ID"
 *   DATACRUMBS_SERVICE_RUN_ID="ID"      (the name upstream's unit uses)
 *   DATACRUMBS_LOG_DIR="/var/log/datacrumbs"
 *
 * Written root:root 0600, atomically. No user-chosen text reaches it: the probe file is our
 * snapshot, the user and run id follow runid.h, the directories come from the configuration.
 * Values are still checked (printable ASCII without " \ $ `), so the file reads the same to
 * systemd, to a shell and to dc_envfile_read.
 */
#ifndef DC_NODECTL_ENVFILE_H
#define DC_NODECTL_ENVFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

#define DC_ENVFILE_MAX 8192

struct dc_envfile {
    char probe_file[PATH_MAX];
    char user[DC_USER_MAX + 1];
    char run_id[DC_RUNID_MAX + 1];
    char log_dir[PATH_MAX];
};

/* A value the env file may hold (see above). */
bool dc_env_value_ok(const char *v);

/* The file's text in buf. Returns its length, or -1 with the reason in err. */
int dc_envfile_format(const struct dc_envfile *e, char *buf, size_t buflen, char *err,
                      size_t errlen);

/* Write path atomically, root:root 0600. Returns 0, or -1 with the reason in err. */
int dc_envfile_write(const char *path, const struct dc_envfile *e, char *err, size_t errlen);

/*
 * Read path back (never through a symlink; it must be a root-owned regular file writable by
 * nobody else, at most DC_ENVFILE_MAX bytes). Returns 0, 1 when it does not exist, or -1 with
 * the reason in err (also when a required key is missing or a value breaks its rule).
 */
int dc_envfile_read(const char *path, struct dc_envfile *e, char *err, size_t errlen);

/* The same for text in memory. Returns 0 or -1. */
int dc_envfile_parse(const char *text, size_t len, struct dc_envfile *e, char *err, size_t errlen);

#endif
