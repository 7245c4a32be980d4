/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * server.h - the event loop: accept, read each request to the client's half-close under a
 * size cap and a deadline, hand it to a worker, write the answer, close.
 *
 * One epoll loop with non-blocking sockets, so an idle or slow client costs a descriptor and
 * nothing else; the work itself runs on the worker threads (workers.h).
 */
#ifndef DC_SIGN_SERVER_H
#define DC_SIGN_SERVER_H

#include <stddef.h>

#include "handler.h"

struct dc_server_opts {
    int listen_fd;                /* a listening AF_UNIX stream socket */
    size_t max_request;           /* bytes per request */
    size_t max_buffered;          /* bytes of requests held at once, over all connections */
    size_t max_buffered_per_user; /* of one uid; 0: a quarter (see dc_budget_init) */
    int timeout_ms;               /* from accept to the half-close, and again for the answer */
    int max_clients;              /* open connections; more wait in the listen backlog */
    int max_per_user;             /* open connections of one uid; more are refused as busy */
    int threads;
    void (*on_reload)(void *arg); /* SIGHUP */
    void *reload_arg;
    void (*on_ready)(void *arg); /* called once, when the loop is about to start */
    void *ready_arg;
};

/*
 * Serve until SIGTERM or SIGINT, then finish the connections already accepted and return 0.
 * Returns -1 on a fatal error (message logged). Blocks SIGHUP, SIGTERM and SIGINT in the
 * calling thread (they are read through a signalfd).
 */
int dc_server_run(const struct dc_server_opts *o, struct dc_handler *h);

#endif
