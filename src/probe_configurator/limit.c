/* SPDX-License-Identifier: BSD-3-Clause */
/* limit.c - the runtime function limit (see limit.h). */
#include "limit.h"

#include <stdio.h>
#include <stdlib.h>

#include "probefile.h"

/* The n biggest counted categories, biggest first; ties keep config order. */
static size_t biggest(const struct dc_discovery *r, size_t *idx, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < r->ncats; i++) {
        size_t j = 0;

        if (r->cats[i].type == DC_PF_CUSTOM || r->cats[i].nfns == 0)
            continue;
        while (j < k && r->cats[idx[j]].nfns >= r->cats[i].nfns)
            j++;
        if (j >= n)
            continue;
        for (size_t m = k < n ? k : n - 1; m > j; m--)
            idx[m] = idx[m - 1];
        idx[j] = i;
        if (k < n)
            k++;
    }
    return k;
}

enum dc_limit_verdict dc_limit_check(const struct dc_discovery *r, long max, char *msg,
                                     size_t msglen)
{
    size_t idx[DC_LIMIT_LISTED], k, len;
    size_t total = r->total;
    /* max * 9 / 10 without overflow */
    size_t near = max > 0 ? (size_t)max / 10 * 9 + (size_t)max % 10 * 9 / 10 : 0;

    msg[0] = '\0';
    if (max <= 0 || total <= near)
        return DC_LIMIT_OK;
    if (total <= (size_t)max) {
        snprintf(msg, msglen,
                 "%zu runtime functions selected, close to max_runtime_functions (%ld)", total,
                 max);
        return DC_LIMIT_NEAR;
    }
    len = (size_t)snprintf(msg, msglen,
                           "%zu runtime functions selected; max_runtime_functions allows %ld. "
                           "The biggest categories:",
                           total, max);
    k = biggest(r, idx, DC_LIMIT_LISTED);
    for (size_t i = 0; i < k && len < msglen; i++)
        len += (size_t)snprintf(msg + len, msglen - len, "%s %s (%zu functions, line %u)",
                                i ? "," : "", r->cats[idx[i]].name, r->cats[idx[i]].nfns,
                                r->cats[idx[i]].line);
    if (len < msglen)
        snprintf(msg + len, msglen - len,
                 ". Narrow their regex, add exclusions, or ask the administrator to raise the "
                 "limit.");
    return DC_LIMIT_OVER;
}
