/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * publish.h - the last step of a run: the summary, the categories' JSON, the canonical
 * payload, the signer's checksum, and the file written atomically with mode 0600. Nothing is
 * written unless the signer signed.
 */
#ifndef DC_CFG_PUBLISH_H
#define DC_CFG_PUBLISH_H

#include <stddef.h>

#include "discover.h"
#include "probefile.h"
#include "progress.h"

struct dc_publish {
    const char *host_path;     /* as given on the command line */
    const char *output;        /* absolute (summary.h: dc_output_path) */
    const char *signer_socket; /* from the system configuration */
    const char *config_source; /* where that came from, for the hint when it is not there */
    const char *probe_policy;  /* the site's probe policy (sitepolicy.h) */
    long validity;             /* probe_validity, seconds */
    const struct dc_discovery *disc;
    struct dc_progress *progress; /* may be NULL */
    /* Filled in when written. */
    char checksum[DC_PF_HEX_LEN + 1];
    char expires_at[32];
};

/* Returns an exit status of options.h: 0 when written, else the failure with its reason in err. */
int dc_publish(struct dc_publish *p, char *err, size_t errlen);

#endif
