/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conn.h - one client connection, shared by the event loop (server.c) and the workers.
 *
 * Ownership moves with the state: the event loop owns a connection while it is READING,
 * QUEUED or WRITING, a worker while it is WORKING. The request is kept in fixed-size chunks so that
 * a growing request never needs a realloc (and its peak memory stays at what was received).
 */
#ifndef DC_SIGN_CONN_H
#define DC_SIGN_CONN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "peer.h"

#define DC_CHUNK_SIZE (64u * 1024)

struct dc_chunk {
    struct dc_chunk *next;
    size_t len;
    char data[DC_CHUNK_SIZE];
};

/* QUEUED: complete, waiting because its user already has its share of the workers busy. */
enum dc_conn_state { DC_CONN_READING, DC_CONN_QUEUED, DC_CONN_WORKING, DC_CONN_WRITING };

struct dc_conn {
    int fd;
    enum dc_conn_state state;
    struct dc_peer peer;
    uint64_t deadline;                   /* CLOCK_MONOTONIC ms */
    struct dc_conn *prev, *next;         /* deadline list: all but WORKING, in deadline order */
    struct dc_conn *all_prev, *all_next; /* every open connection */
    struct dc_conn *qnext;               /* work queue / done queue */
    struct dc_chunk *head, *tail;        /* the request, as received */
    size_t bytes;
    char *flat; /* the request in one piece, once complete (if copied) */
    char *resp; /* the response, then written from resp_off */
    size_t resp_len, resp_off;
    _Atomic size_t *buffered; /* the server's count of request bytes held */
};

/*
 * The tail chunk with room for more bytes, adding one if the server's budget allows.
 * Returns NULL with *busy set (over max_buffered) or clear (out of memory).
 */
struct dc_chunk *dc_conn_tail(struct dc_conn *c, size_t max_buffered, int *busy);
/* The whole request in one buffer: the only chunk, or a copy made while freeing the chunks.
 * NULL when out of memory. */
const char *dc_conn_flatten(struct dc_conn *c);
/* Free the request's memory (any thread that owns c; safe to call twice). */
void dc_conn_release(void *c);

#endif
