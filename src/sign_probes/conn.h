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
#include <sys/types.h>

#include "peer.h"

#define DC_CHUNK_SIZE (64u * 1024)

struct dc_chunk {
    struct dc_chunk *next;
    size_t len;
    char data[DC_CHUNK_SIZE];
};

/*
 * The request memory one uid holds, over its open connections. Created and freed by the event
 * loop (refs); bytes is changed by whichever thread owns one of the connections.
 */
struct dc_account {
    uid_t uid;
    int refs;             /* open connections of the uid */
    _Atomic size_t bytes; /* request bytes they hold */
    struct dc_account *next;
};

/*
 * The budget of request memory (datacrumbs_sign_probes(8), LIMITS): total over everybody; per
 * uid at most user_max; and the last reserve bytes of the total only for a connection whose
 * uid holds nothing else, so that a caller who is new keeps getting in while others hold
 * their full shares.
 */
struct dc_budget {
    size_t total;    /* --max-buffered */
    size_t user_max; /* --max-buffered-per-user */
    size_t reserve;  /* kept for uids that hold nothing yet */
};

/* The default share and reserve of a total (a quarter each, at least one largest request
 * plus two chunks, never more than the total). */
void dc_budget_init(struct dc_budget *b, size_t total, size_t user_max, size_t max_request);

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
    struct dc_account *acct;  /* the uid's count */
    size_t held;              /* bytes this connection holds (charged to both) */
};

enum dc_busy { DC_BUSY_NO, DC_BUSY_TOTAL, DC_BUSY_USER, DC_BUSY_RESERVE };

/*
 * The tail chunk with room for more bytes, adding one if the budget allows. Returns NULL with
 * *busy saying which limit was reached, or DC_BUSY_NO when memory ran out.
 */
struct dc_chunk *dc_conn_tail(struct dc_conn *c, const struct dc_budget *b, enum dc_busy *busy);
/* The whole request in one buffer: the only chunk, or a copy made while freeing the chunks.
 * NULL when out of memory. */
const char *dc_conn_flatten(struct dc_conn *c);
/* Free the request's memory (any thread that owns c; safe to call twice). */
void dc_conn_release(void *c);

#endif
