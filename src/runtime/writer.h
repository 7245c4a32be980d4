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

/* 1 when writing failed (the daemon then stops); the message is kept for rt_writer_finish. */
int rt_writer_failed(struct rt_writer *w);

/* Write everything queued, end the gzip stream, fsync, join the thread and free w. Returns 0,
 * or -1 with err set if anything failed along the way. *bytes gets the compressed size. */
int rt_writer_finish(struct rt_writer *w, uint64_t *bytes, char *err, size_t errlen);

#endif
