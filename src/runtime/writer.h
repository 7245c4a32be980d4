/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * writer.h - the trace writer thread: chunks of formatted lines in, one gzip stream out.
 *
 * The ring buffer reader formats lines into chunks and hands them over; this thread
 * compresses and writes, so a slow disk or deflate slows the reader only once the queue is
 * full (and then the kernel counts ring buffer drops rather than blocking anything).
 */
#ifndef DC_RT_WRITER_H
#define DC_RT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#define RT_CHUNK_SIZE   (1u << 20)
#define RT_CHUNKS_QUEUE 16

struct rt_chunk {
    struct rt_chunk *next;
    size_t len;
    char data[RT_CHUNK_SIZE];
};

struct rt_writer;

/* Start the thread writing a gzip stream (level 1..9) to fd (not closed by the writer). */
int rt_writer_start(struct rt_writer **w, int fd, int level, char *err, size_t errlen);

/* An empty chunk: a recycled one, or a new one while fewer than RT_CHUNKS_QUEUE are in use;
 * otherwise wait for the thread to return one. NULL when out of memory. */
struct rt_chunk *rt_writer_chunk(struct rt_writer *w);

/* Queue a chunk for writing (an empty one is just recycled). */
void rt_writer_submit(struct rt_writer *w, struct rt_chunk *c);

/* A run's budget. The compressed trace never grows past max_bytes (0: no cap), and the file
 * system keeps min_free bytes free beyond what the next write could need, counted as an
 * unprivileged user sees it (statvfs f_bavail): the root reserve is never written into. */
struct rt_writer_limits {
    uint64_t max_bytes;
    uint64_t min_free;
};

enum rt_writer_stop { RT_WRITER_OPEN = 0, RT_WRITER_CAP, RT_WRITER_FULL };

/* Filled in by rt_writer_finish. */
struct rt_writer_report {
    enum rt_writer_stop
        stopped;           /* why events stopped being written; RT_WRITER_OPEN: they did not */
    uint64_t dropped;      /* event lines counted instead of written after that */
    uint64_t free_at_stop; /* bytes free for users then (statvfs f_bavail) */
};

/*
 * Apply limits from the next chunk on (call before the first one is submitted) and have
 * rt_writer_finish fill *report (may be NULL). With limits, every chunk ends in a sync flush,
 * so the size is known exactly; a chunk that might not fit is written up to its last line that
 * surely does, and from then on event lines are only counted. The lines "[" and "]" are still
 * written, so the file stays a complete gzip stream holding one JSON array.
 */
void rt_writer_limit(struct rt_writer *w, const struct rt_writer_limits *lim,
                     struct rt_writer_report *report);

/* "trace byte cap reached", "file system nearly full", or NULL for RT_WRITER_OPEN. */
const char *rt_writer_stop_reason(enum rt_writer_stop s);

/* 1 when writing failed (the daemon then stops); the message is kept for rt_writer_finish. */
int rt_writer_failed(struct rt_writer *w);

/* Write everything queued, end the gzip stream, fsync, join the thread and free w. Returns 0,
 * or -1 with err set if anything failed along the way. *bytes gets the compressed size. */
int rt_writer_finish(struct rt_writer *w, uint64_t *bytes, char *err, size_t errlen);

#endif
