/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gzout.h - write a gzip file with deflate on a thread of its own, so that merging reads,
 * orders and compresses at the same time. Fixed memory: a few 1 MiB buffers.
 */
#ifndef TR_GZOUT_H
#define TR_GZOUT_H

#include <stddef.h>

struct tr_gzout;

/* Start writing to fd at gzip level (0: plain, no compression). NULL when out of memory. */
struct tr_gzout *tr_gzout_start(int fd, int level);
/* Append n bytes; -1 once writing failed. */
int tr_gzout_write(struct tr_gzout *g, const void *data, size_t n);
/* Flush, finish the stream, stop the thread and free; 0, or -1 with errno-style text in err. */
int tr_gzout_finish(struct tr_gzout *g, char *err, size_t errlen);

#endif
