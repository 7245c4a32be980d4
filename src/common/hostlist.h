/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hostlist.h - SLURM hostlist expressions: "node[01-10,12]", "r[1-2]-n[1-4]", "a,b c".
 *
 * Expansion agrees with "scontrol show hostnames" on every list scontrol accepts, in order and
 * with duplicates; where scontrol silently mangles a malformed list ("n[1-" becomes "n]") this
 * parser refuses it and names the position. A suffix after the last bracket ("n[1-2].ib") is
 * accepted here although SLURM 22.05 refuses it. Every host name that comes out is checked:
 * nothing starting with '-' or holding shell or control characters can reach ssh.
 */
#ifndef DC_HOSTLIST_H
#define DC_HOSTLIST_H

#include <stdbool.h>
#include <stddef.h>

#define DC_HOSTLIST_MAX_HOSTS 65536 /* expansions beyond this are an error */
#define DC_HOSTNAME_MAX       253

struct dc_hostlist {
    char **hosts;
    size_t n;
    size_t cap; /* allocated slots in hosts */
};

/*
 * Expand expr into out (which must be zeroed or freed). Returns 0, or -1 with err holding
 * "position N: what is wrong" (N counts from 1).
 */
int dc_hostlist_expand(const char *expr, struct dc_hostlist *out, char *err, size_t errlen);

/* Drop later duplicates, keeping first-seen order. Returns how many were dropped. */
size_t dc_hostlist_uniq(struct dc_hostlist *hl);

void dc_hostlist_free(struct dc_hostlist *hl);

/* A node name we will pass to ssh: [A-Za-z0-9] first, then [A-Za-z0-9._-], at most 253. */
bool dc_hostname_valid(const char *s);

#endif
