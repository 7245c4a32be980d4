/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * workers.h - the thread pool that handles complete requests.
 *
 * Signing is CPU-bound (JSON, HMAC, a few open() calls), so a few threads, one per core, do
 * it; the event loop never blocks on them. Finished connections come back on a done list and
 * the loop is woken through an eventfd.
 */
#ifndef DC_SIGN_WORKERS_H
#define DC_SIGN_WORKERS_H

#include <pthread.h>

#include "conn.h"
#include "handler.h"

struct dc_workers {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct dc_conn *qhead, *qtail; /* waiting for a worker */
    struct dc_conn *done;          /* answered, waiting for the event loop (any order) */
    int stop;
    int efd; /* eventfd: readable when done is not empty */
    pthread_t *threads;
    int nthreads;
    struct dc_handler *handler;
    void (*release)(void *conn); /* frees a connection's request chunks */
};

/* Start n threads. Returns 0 or -1 (errno set). */
int dc_workers_start(struct dc_workers *w, int n, struct dc_handler *h,
                     void (*release)(void *conn));
void dc_workers_submit(struct dc_workers *w, struct dc_conn *c);
/* Take every answered connection (a list linked by qnext). */
struct dc_conn *dc_workers_take_done(struct dc_workers *w);
/* Stop and join the threads; connections still queued are left on the queue. */
void dc_workers_stop(struct dc_workers *w);

#endif
