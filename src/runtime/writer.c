/* SPDX-License-Identifier: BSD-3-Clause */
/* writer.c - deflate and write chunks on a thread of its own (see writer.h). */
#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "writeall.h"

#define OUT_SIZE (256u << 10)

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

static void *writer_main(void *arg)
{
    struct rt_writer *w = arg;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        struct rt_chunk *c;
        int rc = 0;

        while (!w->head && !w->done)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->head)
            break;
        c = w->head;
        w->head = c->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->lock);
        if (!w->failed)
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
