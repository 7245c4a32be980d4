/* SPDX-License-Identifier: BSD-3-Clause */
/* hist.c - log-linear duration histogram (see hist.h). */
#include "hist.h"

#include <math.h>
#include <string.h>

void tr_hist_init(struct tr_hist *h)
{
    memset(h, 0, sizeof(*h));
}

static unsigned bucket_of(uint64_t v)
{
    unsigned e;

    if (v < TR_HIST_EXACT)
        return (unsigned)v;
    e = 63u - (unsigned)__builtin_clzll(v); /* >= 7 */
    return TR_HIST_EXACT + (e - 7) * TR_HIST_SUB + (unsigned)((v >> (e - 6)) - TR_HIST_SUB);
}

/* The midpoint of bucket b. */
static uint64_t bucket_mid(unsigned b)
{
    unsigned e, m;
    uint64_t lo, width;

    if (b < TR_HIST_EXACT)
        return b;
    e = 7 + (b - TR_HIST_EXACT) / TR_HIST_SUB;
    m = TR_HIST_SUB + (b - TR_HIST_EXACT) % TR_HIST_SUB;
    width = (uint64_t)1 << (e - 6);
    lo = (uint64_t)m << (e - 6);
    return lo + (width - 1) / 2;
}

void tr_hist_add(struct tr_hist *h, uint64_t v)
{
    if (!h->count || v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    h->count++;
    h->buckets[bucket_of(v)]++;
}

void tr_hist_merge(struct tr_hist *to, const struct tr_hist *from)
{
    if (!from->count)
        return;
    if (!to->count || from->min < to->min)
        to->min = from->min;
    if (from->max > to->max)
        to->max = from->max;
    to->count += from->count;
    for (unsigned i = 0; i < TR_HIST_BUCKETS; i++)
        to->buckets[i] += from->buckets[i];
}

uint64_t tr_hist_quantile(const struct tr_hist *h, double p)
{
    uint64_t rank, seen = 0;

    if (!h->count)
        return 0;
    rank = (uint64_t)ceil(p * (double)h->count);
    if (rank < 1)
        rank = 1;
    if (rank >= h->count)
        return h->max;
    if (rank == 1)
        return h->min;
    for (unsigned b = 0; b < TR_HIST_BUCKETS; b++) {
        seen += h->buckets[b];
        if (seen >= rank) {
            uint64_t v = bucket_mid(b);

            if (v < h->min)
                v = h->min;
            if (v > h->max)
                v = h->max;
            return v;
        }
    }
    return h->max;
}
