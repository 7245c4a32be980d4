/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * limit.h - the runtime function limit (max_runtime_functions, upstream reference 4.5).
 *
 * The runtime attaches every function of the syscalls, kprobe, uprobe and usdt categories and
 * sizes its maps for max_runtime_functions; custom categories are the site's own BPF and do not
 * count. More than the limit is an error that names the count, the limit and the biggest
 * categories (what to narrow); more than 90% of it (integer division, as upstream: 14745 of
 * 16384) is a warning.
 */
#ifndef DC_CFG_LIMIT_H
#define DC_CFG_LIMIT_H

#include <stddef.h>

#include "discover.h"

enum dc_limit_verdict {
    DC_LIMIT_OK = 0,
    DC_LIMIT_NEAR, /* above 90%: warn */
    DC_LIMIT_OVER, /* above the limit: refuse */
};

#define DC_LIMIT_LISTED 3 /* categories named in the message */

/* The verdict for r under max, with the message for NEAR and OVER in msg. */
enum dc_limit_verdict dc_limit_check(const struct dc_discovery *r, long max, char *msg,
                                     size_t msglen);

#endif
