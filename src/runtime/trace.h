/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace.h - the ring buffer reader: each record becomes a trace line in the current chunk,
 * full chunks go to the writer thread. The file starts with "[" and ends with "]" (DFTracer).
 */
#ifndef DC_RT_TRACE_H
#define DC_RT_TRACE_H

#include <stdint.h>

#include "event.h"
#include "format.h"
#include "writer.h"

struct ring_buffer;

struct rt_trace {
    struct rt_fmt fmt;
    struct rt_writer *w;
    struct rt_chunk *cur;
    struct ring_buffer *rb;
    uint64_t lines;     /* events written */
    uint64_t malformed; /* records that could not be formatted (counted as drops) */
    int failed;
    /* Process-selection records (DC_EV_CONTROL) go here, not to the trace. */
    void (*on_control)(void *ctx, const struct dc_ctl *c);
    void *control_ctx;
};

/* Start the writer on fd and the reader on the ring buffer map ring_fd. */
int rt_trace_start(struct rt_trace *t, const struct rt_plan *p, int ring_fd, int fd, int level,
                   char *err, size_t errlen);

/* Read what the ring buffer holds, waiting up to timeout_ms for more. Returns the number of
 * records, or -1 on a fatal error (writer failed); an interrupted wait returns 0. */
int rt_trace_poll(struct rt_trace *t, int timeout_ms);

/*
 * After the probes are gone: write every call still in flight, from the per-thread frames of
 * the map threads_fd, as an event with what its entry knew (arguments, input strings), "dur"
 * up to now_ns (CLOCK_MONOTONIC), no return value, marked "unfinished": true. Returns how many.
 */
uint64_t rt_trace_in_flight(struct rt_trace *t, int threads_fd, uint64_t now_ns);

/* Read everything left (after the probes are gone), close the JSON array, finish the gzip
 * stream. Returns 0 or -1 with err set; *bytes is the compressed size. */
int rt_trace_finish(struct rt_trace *t, uint64_t *bytes, char *err, size_t errlen);

#endif
