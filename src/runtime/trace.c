/* SPDX-License-Identifier: BSD-3-Clause */
/* trace.c - ring buffer records to trace lines to the writer (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* Hand the current chunk over when it is full (or flushing), and take an empty one. */
static int next_chunk(struct rt_trace *t)
{
    rt_writer_submit(t->w, t->cur);
    t->cur = rt_writer_chunk(t->w);
    if (!t->cur) {
        t->failed = 1;
        return -1;
    }
    return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
    struct rt_trace *t = ctx;
    size_t n;

    if (size == sizeof(struct dc_ctl) && (((const struct dc_ctl *)data)->flags & DC_EV_CONTROL)) {
        if (t->on_control)
            t->on_control(t->control_ctx, data);
        return 0;
    }
    if (RT_CHUNK_SIZE - t->cur->len < t->fmt.plan->max_line && next_chunk(t) < 0)
        return -ENOMEM; /* stops ring_buffer__poll */
    n = rt_format_event(&t->fmt, data, size, t->cur->data + t->cur->len);
    if (!n) {
        t->malformed++;
        return 0;
    }
    t->cur->len += n;
    t->lines++;
    return 0;
}

static int64_t clock_offset_ns(void)
{
    struct timespec mono, real;

    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    return ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
}

int rt_trace_start(struct rt_trace *t, const struct rt_plan *p, int ring_fd, int fd, int level,
                   char *err, size_t errlen)
{
    memset(t, 0, sizeof(*t));
    t->fmt.plan = p;
    t->fmt.clock_offset_ns = clock_offset_ns();
    if (p->max_line > RT_CHUNK_SIZE / 2) {
        snprintf(err, errlen, "trace lines could exceed the chunk size");
        return -1;
    }
    if (rt_writer_start(&t->w, fd, level, err, errlen) < 0)
        return -1;
    t->cur = rt_writer_chunk(t->w);
    if (!t->cur) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    memcpy(t->cur->data, "[\n", 2);
    t->cur->len = 2;
    t->rb = ring_buffer__new(ring_fd, on_record, t, NULL);
    if (!t->rb) {
        snprintf(err, errlen, "cannot read the ring buffer: %s", strerror(errno));
        goto fail;
    }
    return 0;
fail:
    if (t->cur)
        rt_writer_submit(t->w, t->cur);
    rt_writer_finish(t->w, NULL, err + strlen(err), 0);
    t->w = NULL;
    return -1;
}

int rt_trace_poll(struct rt_trace *t, int timeout_ms)
{
    int n = ring_buffer__poll(t->rb, timeout_ms);

    if (t->failed || rt_writer_failed(t->w))
        return -1;
    if (n == -EINTR)
        return 0;
    return n < 0 ? -1 : n;
}

/* One frame of a call still in flight as a record for on_record. */
static int write_frame(struct rt_trace *t, const struct dc_frame *f, const struct dc_thread *th,
                       __u32 tid, uint64_t now_ns)
{
    struct dc_event_str es;

    memset(&es, 0, sizeof(es));
    es.ev.ts = f->ts;
    es.ev.dur = now_ns > f->ts ? now_ns - f->ts : 0;
    es.ev.pid = th->tgid;
    es.ev.tid = tid;
    es.ev.id = f->id;
    es.ev.flags = DC_EV_STRINGS | DC_EV_UNFINISHED;
    memcpy(es.ev.args, f->args, sizeof(es.ev.args));
    memcpy(es.slen, f->slen, sizeof(es.slen));
    es.cut = f->cut;
    memcpy(es.str, f->str, sizeof(es.str));
    for (int s = 0; s < DC_MAX_STR; s++) /* output buffers were never read */
        if (f->id <= t->fmt.plan->nfuncs &&
            (t->fmt.plan->funcs[f->id - 1].cfg.str_when & (1u << s)))
            es.slen[s] = -1;
    return on_record(t, &es, sizeof(es));
}

uint64_t rt_trace_in_flight(struct rt_trace *t, int threads_fd, uint64_t now_ns)
{
    struct dc_thread *th = malloc(sizeof(*th));
    __u32 key, next, *prev = NULL;
    uint64_t n = 0;

    if (!th || t->failed)
        goto done;
    while (bpf_map_get_next_key(threads_fd, prev, &next) == 0) {
        key = next;
        prev = &key;
        if (bpf_map_lookup_elem(threads_fd, &key, th) < 0)
            continue;
        if (th->sys.id && write_frame(t, &th->sys, th, key, now_ns) == 0)
            n++;
        for (__u32 d = 0; d < th->depth && d < DC_MAX_DEPTH; d++)
            if (th->frames[d].id && write_frame(t, &th->frames[d], th, key, now_ns) == 0)
                n++;
        if (t->failed)
            break;
    }
done:
    free(th);
    return n;
}

int rt_trace_finish(struct rt_trace *t, uint64_t *bytes, char *err, size_t errlen)
{
    int rc = 0;

    if (!t->w)
        return -1;
    if (t->rb && !t->failed)
        ring_buffer__consume(t->rb);
    ring_buffer__free(t->rb);
    t->rb = NULL;
    if (t->cur) {
        if (RT_CHUNK_SIZE - t->cur->len < 2 && next_chunk(t) < 0)
            rc = -1;
        if (t->cur) {
            memcpy(t->cur->data + t->cur->len, "]\n", 2);
            t->cur->len += 2;
            rt_writer_submit(t->w, t->cur);
            t->cur = NULL;
        }
    }
    if (rt_writer_finish(t->w, bytes, err, errlen) < 0)
        rc = -1;
    else if (rc < 0 || t->failed) {
        snprintf(err, errlen, "out of memory while writing the trace");
        rc = -1;
    }
    t->w = NULL;
    return rc;
}
