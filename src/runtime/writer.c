/* SPDX-License-Identifier: BSD-3-Clause */
/* writer.c - deflate and write chunks on a thread of its own (see writer.h). */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <zlib.h>

#include "log.h"
#include "writeall.h"

#define OUT_SIZE (256u << 10)

/* What a Z_SYNC_FLUSH may add beyond deflateBound(), generously. */
#define FLUSH_SLACK 64

struct rt_writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;          /* queue changed, chunk freed, or done */
    struct rt_chunk *head, *tail; /* queued for writing */
    struct rt_chunk *free_list;
    unsigned allocated;
    int done, failed;
    char error[256];
    int fd;
    z_stream z;
    unsigned char *out;
    uint64_t bytes;
    /* Budget (rt_writer_limit): set under the lock, read by the thread when it takes a chunk. */
    int limited;
    struct rt_writer_limits lim;
    struct rt_writer_report *report;
    uint64_t reserve;            /* kept back for the closing "]" and the end of the stream */
    enum rt_writer_stop stopped; /* why the thread stopped writing events (its own field) */
    uint64_t dropped, free_at_stop;
};

/* Feed len bytes (flush: Z_NO_FLUSH or Z_FINISH) and write what deflate gives back. */
static int deflate_write(struct rt_writer *w, const char *data, size_t len, int flush)
{
    int zr;

    w->z.next_in = (unsigned char *)(uintptr_t)data;
    w->z.avail_in = (uInt)len;
    do {
        size_t have;

        w->z.next_out = w->out;
        w->z.avail_out = OUT_SIZE;
        zr = deflate(&w->z, flush);
        if (zr == Z_STREAM_ERROR) {
            snprintf(w->error, sizeof(w->error), "deflate failed");
            return -1;
        }
        have = OUT_SIZE - w->z.avail_out;
        if (have && dc_write_all(w->fd, w->out, have) < 0) {
            snprintf(w->error, sizeof(w->error), "writing the trace: %s", strerror(errno));
            return -1;
        }
        w->bytes += have;
    } while (w->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
    return 0;
}

/* Bytes the next write may take: the cap's rest, and what the file system has beyond what its
 * unprivileged users must keep (f_bavail: the root reserve is not counted). *why says which
 * limit is the tighter one. UINT64_MAX without limits. */
static uint64_t room_left(struct rt_writer *w, const struct rt_writer_limits *lim,
                          enum rt_writer_stop *why, uint64_t *avail_out)
{
    uint64_t room = UINT64_MAX, used = w->bytes + w->reserve;
    struct statvfs vfs;

    *why = RT_WRITER_OPEN;
    *avail_out = 0;
    if (lim->max_bytes) {
        room = lim->max_bytes > used ? lim->max_bytes - used : 0;
        *why = RT_WRITER_CAP;
    }
    if (fstatvfs(w->fd, &vfs) == 0 && vfs.f_frsize > 0) {
        uint64_t bsize = vfs.f_frsize, avail = (uint64_t)vfs.f_bavail * bsize;
        /* A few blocks more for the file's own metadata (extent tree, indirect blocks). */
        uint64_t keep = lim->min_free + w->reserve + 8 * bsize, fs_room;

        fs_room = avail > keep ? avail - keep : 0;
        *avail_out = avail;
        if (fs_room < room) {
            room = fs_room;
            *why = RT_WRITER_FULL;
        }
    }
    return room;
}

/* Worst-case output of len more input bytes ending in a sync flush. */
static uint64_t worst_case(struct rt_writer *w, size_t len)
{
    return (uint64_t)deflateBound(&w->z, (uLong)len) + FLUSH_SLACK;
}

/* Is data[0..len) the line "[" or "]" (the array around the events, never an event)? */
static int bracket_line(const char *data, size_t len)
{
    return len == 2 && (data[0] == '[' || data[0] == ']') && data[1] == '\n';
}

/* After the stop: count the event lines instead of writing them; the brackets still go out, so
 * the trace stays one valid JSON array. */
static int drop_lines(struct rt_writer *w, const char *data, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl ? (size_t)(nl - data) + 1 : len;

        if (bracket_line(data, n)) {
            if (deflate_write(w, data, n, Z_NO_FLUSH) < 0)
                return -1;
        } else {
            w->dropped++;
        }
        data += n;
        len -= n;
    }
    return 0;
}

/* The longest prefix of data[0..len) made of whole lines whose worst-case output fits room. */
static size_t fitting_lines(struct rt_writer *w, const char *data, size_t len, uint64_t room)
{
    size_t lo = 0, hi = len;

    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;

        if (worst_case(w, mid) <= room)
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && data[lo - 1] != '\n')
        lo--;
    return lo;
}

/*
 * Write one chunk within the limits. When it might not fit whole, the lines that surely fit
 * go out, and again with what is left (compressed, they take far less than the worst case),
 * until not one more line surely fits: then writing stops, at a line boundary.
 */
static int write_chunk(struct rt_writer *w, const char *data, size_t len,
                       const struct rt_writer_limits *lim)
{
    enum rt_writer_stop why = RT_WRITER_OPEN;
    uint64_t room, avail = 0;

    while (!w->stopped && len > 0) {
        size_t n;

        room = room_left(w, lim, &why, &avail);
        n = worst_case(w, len) <= room ? len : fitting_lines(w, data, len, room);
        if (n == 0)
            break;
        if (deflate_write(w, data, n, Z_SYNC_FLUSH) < 0)
            return -1;
        data += n;
        len -= n;
    }
    if (w->stopped || len == 0)
        return drop_lines(w, data, len);
    w->stopped = why;
    w->free_at_stop = avail;
    if (why == RT_WRITER_CAP)
        dc_warn("trace reached %llu bytes of runtime_max_trace_bytes (%llu): later events are "
                "counted, not written",
                (unsigned long long)w->bytes, (unsigned long long)lim->max_bytes);
    else
        dc_warn("the trace's file system has %llu bytes left for unprivileged users (keeping "
                "runtime_min_free_space = %llu): later events are counted, not written",
                (unsigned long long)avail, (unsigned long long)lim->min_free);
    return drop_lines(w, data, len);
}

static void *writer_main(void *arg)
{
    struct rt_writer *w = arg;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct rt_writer_limits lim;
        struct rt_chunk *c;
        int rc = 0, limited;

        while (!w->head && !w->done)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->head)
            break;
        c = w->head;
        w->head = c->next;
        if (!w->head)
            w->tail = NULL;
        limited = w->limited;
        lim = w->lim;
        pthread_mutex_unlock(&w->lock);
        if (!w->failed && limited)
            rc = write_chunk(w, c->data, c->len, &lim);
        else if (!w->failed)
            rc = deflate_write(w, c->data, c->len, Z_NO_FLUSH);
        pthread_mutex_lock(&w->lock);
        if (rc < 0)
            w->failed = 1;
        c->len = 0;
        c->next = w->free_list;
        w->free_list = c;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int rt_writer_start(struct rt_writer **wp, int fd, int level, char *err, size_t errlen)
{
    struct rt_writer *w = calloc(1, sizeof(*w));
    sigset_t all, old;
    int rc;

    *wp = NULL;
    if (!w || !(w->out = malloc(OUT_SIZE))) {
        free(w);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->fd = fd;
    /* windowBits 15 + 16: a gzip wrapper around the deflate stream. */
    if (deflateInit2(&w->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(w->out);
        free(w);
        snprintf(err, errlen, "cannot start zlib");
        return -1;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    /* Signals belong to the main thread. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&w->thread, NULL, writer_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        deflateEnd(&w->z);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        free(w->out);
        free(w);
        snprintf(err, errlen, "cannot start the writer thread: %s", strerror(rc));
        return -1;
    }
    *wp = w;
    return 0;
}

struct rt_chunk *rt_writer_chunk(struct rt_writer *w)
{
    struct rt_chunk *c = NULL;

    pthread_mutex_lock(&w->lock);
    while (!w->free_list && w->allocated >= RT_CHUNKS_QUEUE && !w->failed)
        pthread_cond_wait(&w->cond, &w->lock);
    if (w->free_list) {
        c = w->free_list;
        w->free_list = c->next;
    } else {
        c = malloc(sizeof(*c));
        if (c)
            w->allocated++;
    }
    pthread_mutex_unlock(&w->lock);
    if (c) {
        c->next = NULL;
        c->len = 0;
    }
    return c;
}

void rt_writer_submit(struct rt_writer *w, struct rt_chunk *c)
{
    pthread_mutex_lock(&w->lock);
    c->next = NULL;
    if (c->len == 0) {
        c->next = w->free_list;
        w->free_list = c;
    } else if (w->tail) {
        w->tail->next = c;
        w->tail = c;
    } else {
        w->head = w->tail = c;
    }
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void rt_writer_limit(struct rt_writer *w, const struct rt_writer_limits *lim,
                     struct rt_writer_report *report)
{
    pthread_mutex_lock(&w->lock);
    w->lim = *lim;
    w->limited = 1;
    w->report = report;
    /* The closing "]" line and the end of the stream (an empty last block, the gzip trailer). */
    w->reserve = worst_case(w, 2) + 32;
    pthread_mutex_unlock(&w->lock);
    if (report)
        memset(report, 0, sizeof(*report));
}

const char *rt_writer_stop_reason(enum rt_writer_stop s)
{
    switch (s) {
    case RT_WRITER_CAP: return "trace byte cap reached";
    case RT_WRITER_FULL: return "file system nearly full";
    case RT_WRITER_OPEN: break;
    }
    return NULL;
}

int rt_writer_failed(struct rt_writer *w)
{
    int f;

    pthread_mutex_lock(&w->lock);
    f = w->failed;
    pthread_mutex_unlock(&w->lock);
    return f;
}

int rt_writer_finish(struct rt_writer *w, uint64_t *bytes, char *err, size_t errlen)
{
    int rc = 0;

    pthread_mutex_lock(&w->lock);
    w->done = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    if (!w->failed && deflate_write(w, "", 0, Z_FINISH) < 0)
        w->failed = 1;
    if (!w->failed && fdatasync(w->fd) < 0 && errno != EINVAL && errno != EROFS) {
        snprintf(w->error, sizeof(w->error), "syncing the trace: %s", strerror(errno));
        w->failed = 1;
    }
    if (w->failed) {
        snprintf(err, errlen, "%s", w->error);
        rc = -1;
    }
    if (bytes)
        *bytes = w->bytes;
    if (w->report) {
        w->report->stopped = w->stopped;
        w->report->dropped = w->dropped;
        w->report->free_at_stop = w->free_at_stop;
    }
    deflateEnd(&w->z);
    while (w->free_list) {
        struct rt_chunk *c = w->free_list;

        w->free_list = c->next;
        free(c);
    }
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w->out);
    free(w);
    return rc;
}
