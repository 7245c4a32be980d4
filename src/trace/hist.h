/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hist.h - a bounded log-linear histogram of durations (microseconds) for percentiles.
 *
 * Values below 128 have a bucket each (exact). Above, every power of two is cut in 64 equal
 * buckets, so a bucket is at most 1/64 of its lower bound wide; a percentile is reported as its
 * bucket's midpoint, within 1/128 (0.79 %) of the exact nearest-rank value. 3776 buckets
 * cover all of uint64_t: memory is fixed, whatever the number of values.
 */
#ifndef TR_HIST_H
#define TR_HIST_H

#include <stdint.h>

#define TR_HIST_EXACT   128
#define TR_HIST_SUB     64
#define TR_HIST_BUCKETS (TR_HIST_EXACT + (64 - 7) * TR_HIST_SUB)

struct tr_hist {
    uint64_t count;
    uint64_t min, max;
    uint64_t buckets[TR_HIST_BUCKETS];
};

void tr_hist_init(struct tr_hist *h);
void tr_hist_add(struct tr_hist *h, uint64_t v);
void tr_hist_merge(struct tr_hist *to, const struct tr_hist *from);
/* The nearest-rank p-quantile (0 < p <= 1): the smallest value with at least ceil(p * count)
 * values at or below it, within the accuracy above (exact below 128, and never outside
 * [min, max]); 0 when empty. */
uint64_t tr_hist_quantile(const struct tr_hist *h, double p);

#endif
