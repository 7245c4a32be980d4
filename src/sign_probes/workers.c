/* SPDX-License-Identifier: BSD-3-Clause */
/* workers.c - thread pool for request handling (see workers.h). */
#include "workers.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void handle(struct dc_workers *w, struct dc_conn *c)
{
    struct dc_request_input in = {
        .buf = dc_conn_flatten(c),
        .len = c->bytes,
        .release = w->release,
        .arg = c,
    };

    if (in.buf)
        c->resp = dc_handle_request(w->handler, &c->peer, &in, &c->resp_len);
    else
        c->resp = dc_handle_refusal(w->handler, &c->peer, DC_RPC_INTERNAL_ERROR, "out of memory",
                                    &c->resp_len);
    c->resp_off = 0;
    w->release(c); /* again, in case the handler returned before parsing */
}

static void *worker_main(void *arg)
{
    struct dc_workers *w = arg;
    uint64_t one = 1;

    for (;;) {
        struct dc_conn *c;

        pthread_mutex_lock(&w->mu);
        while (!w->stop && !w->qhead)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->stop) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        c = w->qhead;
        w->qhead = c->qnext;
        if (!w->qhead)
            w->qtail = NULL;
        pthread_mutex_unlock(&w->mu);

        handle(w, c);

        pthread_mutex_lock(&w->mu);
        c->qnext = w->done;
        w->done = c;
        pthread_mutex_unlock(&w->mu);
        while (write(w->efd, &one, sizeof(one)) < 0 && errno == EINTR)
            ;
    }
}

int dc_workers_start(struct dc_workers *w, int n, struct dc_handler *h, void (*release)(void *conn))
{
    memset(w, 0, sizeof(*w));
    w->handler = h;
    w->release = release;
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->efd < 0)
        return -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->threads = calloc((size_t)n, sizeof(*w->threads));
    if (!w->threads)
        goto fail;
    for (; w->nthreads < n; w->nthreads++) {
        int rc = pthread_create(&w->threads[w->nthreads], NULL, worker_main, w);

        if (rc != 0) {
            errno = rc;
            goto fail;
        }
    }
    return 0;
fail:
    dc_workers_stop(w);
    return -1;
}

void dc_workers_submit(struct dc_workers *w, struct dc_conn *c)
{
    c->qnext = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->qtail)
        w->qtail->qnext = c;
    else
        w->qhead = c;
    w->qtail = c;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

struct dc_conn *dc_workers_take_done(struct dc_workers *w)
{
    struct dc_conn *list;
    uint64_t n;

    while (read(w->efd, &n, sizeof(n)) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&w->mu);
    list = w->done;
    w->done = NULL;
    pthread_mutex_unlock(&w->mu);
    return list;
}

void dc_workers_stop(struct dc_workers *w)
{
    int saved = errno;

    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < w->nthreads; i++)
        pthread_join(w->threads[i], NULL);
    free(w->threads);
    w->threads = NULL;
    w->nthreads = 0;
    if (w->efd >= 0)
        close(w->efd);
    w->efd = -1;
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    errno = saved;
}
