/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * policy.h - what the signer agrees to sign (datacrumbs_sign_probes(8), POLICY).
 *
 * The payload must be the canonical bytes of {summary, categories, checksum_algorithm} with
 * exactly the keys of the probe file v1 schema, issued to the caller (summary.user/uid from
 * SO_PEERCRED), now, for at most probe_validity, naming only files the caller can read, at
 * most max_runtime_functions functions, kernel functions that exist, and custom probes only
 * for members of admin_group. Return probes only where a call leaves by returning, and string
 * or buffer captures only where the site's probe policy allows them (sitepolicy.h). Every
 * violation is reported, not only the first.
 */
#ifndef DC_SIGN_POLICY_H
#define DC_SIGN_POLICY_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "access.h"
#include "ksyms.h"
#include "peer.h"
#include "sitepolicy.h"

struct dc_policy {
    long max_functions;      /* max_runtime_functions */
    long validity;           /* probe_validity, seconds */
    const char *admin_group; /* name, for messages; "" when none */
    int have_admin_gid;      /* admin_group names an existing group */
    gid_t admin_gid;         /* its gid */
    const struct dc_ksyms *ksyms;
    const struct dc_site_policy *site; /* the probe policy; NULL allows no capture */
    time_t now;
    /* Readability as the caller: dc_access_readable, or a stand-in in tests. */
    enum dc_access (*readable)(const struct dc_peer *p, const char *path, char *why, size_t whylen);
};

#define DC_POLICY_MAX_LISTED 20 /* errors spelled out in a refusal; the rest are counted */

struct dc_refusal {
    int code;         /* JSON-RPC code of the first error (internal errors win), 0 if none */
    unsigned count;   /* number of errors found */
    char first[512];  /* the first error, for the log line */
    char text[16384]; /* "- error\n- error..." (the first DC_POLICY_MAX_LISTED) */
    size_t len;
};

/*
 * Check the payload for the peer (whose user name must have been looked up). Returns 0 when
 * it may be signed, else the refusal's code with the errors in r.
 */
int dc_policy_check(const struct dc_policy *pol, const struct dc_peer *peer, const char *payload,
                    size_t len, struct dc_refusal *r);

/* "payload validation failed (N error(s)):\n- ..." as upstream words it (malloc'ed). */
char *dc_refusal_message(const struct dc_refusal *r);

/* The JSON value limit of a payload for a function limit (see jsonscan.h). */
size_t dc_policy_max_values(long max_functions);

#endif
