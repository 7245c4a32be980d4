/* SPDX-License-Identifier: BSD-3-Clause */
/* gzout.c - threaded gzip writer (see gzout.h). */
#include "gzout.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "writeall.h"

#define BUF_SIZE (1u << 20)
#define NBUF     4

struct tr_gzout {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    char *buf[NBUF];
    size_t len[NBUF];
    unsigned head, count; /* queued buffers: head .. head + count - 1 (mod NBUF) */
    unsigned cur;         /* the buffer the main thread fills */
    int done, failed, level, fd;
    char error[128];
    z_stream z;
    unsigned char *out;
};

static int emit(struct tr_gzout *g, const char *data, size_t n, int flush)
{
    int zr;

    if (g->level == 0)
        return dc_write_all(g->fd, data, n) < 0 ? -1 : 0;
    g->z.next_in = (unsigned char *)(uintptr_t)data;
    g->z.avail_in = (uInt)n;
    do {
        size_t have;

        g->z.next_out = g->out;
        g->z.avail_out = BUF_SIZE;
        zr = deflate(&g->z, flush);
        if (zr == Z_STREAM_ERROR)
            return -1;
        have = BUF_SIZE - g->z.avail_out;
        if (have && dc_write_all(g->fd, g->out, have) < 0)
            return -1;
    } while (g->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
    return 0;
}

static void *writer(void *arg)
{
    struct tr_gzout *g = arg;

    pthread_mutex_lock(&g->lock);
    for (;;) {
        unsigned b;
        int rc = 0;

        while (!g->count && !g->done)
            pthread_cond_wait(&g->cond, &g->lock);
        if (!g->count)
            break;
        b = g->head;
        pthread_mutex_unlock(&g->lock);
        if (!g->failed)
            rc = emit(g, g->buf[b], g->len[b], Z_NO_FLUSH);
        pthread_mutex_lock(&g->lock);
        if (rc < 0 && !g->failed) {
            g->failed = 1;
            snprintf(g->error, sizeof(g->error), "%s", strerror(errno ? errno : EIO));
        }
        g->len[b] = 0;
        g->head = (g->head + 1) % NBUF;
        g->count--;
        pthread_cond_broadcast(&g->cond);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

struct tr_gzout *tr_gzout_start(int fd, int level)
{
    struct tr_gzout *g = calloc(1, sizeof(*g));

    if (!g)
        return NULL;
    g->fd = fd;
    g->level = level;
    for (unsigned i = 0; i < NBUF; i++)
        if (!(g->buf[i] = malloc(BUF_SIZE)))
            goto fail;
    if (level && (!(g->out = malloc(BUF_SIZE)) ||
                  deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK))
        goto fail;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    if (pthread_create(&g->thread, NULL, writer, g) != 0) {
        if (level)
            deflateEnd(&g->z);
        pthread_mutex_destroy(&g->lock);
        pthread_cond_destroy(&g->cond);
        goto fail;
    }
    return g;
fail:
    for (unsigned i = 0; i < NBUF; i++)
        free(g->buf[i]);
    free(g->out);
    free(g);
    return NULL;
}

/* Queue the current buffer and wait for a free one. */
static int submit(struct tr_gzout *g)
{
    int failed;

    pthread_mutex_lock(&g->lock);
    g->count++;
    pthread_cond_broadcast(&g->cond);
    while (g->count == NBUF && !g->failed)
        pthread_cond_wait(&g->cond, &g->lock);
    g->cur = (g->head + g->count) % NBUF;
    failed = g->failed;
    pthread_mutex_unlock(&g->lock);
    return failed ? -1 : 0;
}

int tr_gzout_write(struct tr_gzout *g, const void *data, size_t n)
{
    const char *p = data;

    while (n) {
        size_t room = BUF_SIZE - g->len[g->cur], k = n < room ? n : room;

        memcpy(g->buf[g->cur] + g->len[g->cur], p, k);
        g->len[g->cur] += k;
        p += k;
        n -= k;
        if (g->len[g->cur] == BUF_SIZE && submit(g) < 0)
            return -1;
    }
    return 0;
}

int tr_gzout_finish(struct tr_gzout *g, char *err, size_t errlen)
{
    int rc = 0;

    if (g->len[g->cur])
        submit(g);
    pthread_mutex_lock(&g->lock);
    g->done = 1;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->thread, NULL);
    if (!g->failed && g->level && emit(g, "", 0, Z_FINISH) < 0) {
        g->failed = 1;
        snprintf(g->error, sizeof(g->error), "%s", strerror(errno ? errno : EIO));
    }
    if (g->failed) {
        snprintf(err, errlen, "%s", g->error);
        rc = -1;
    }
    if (g->level)
        deflateEnd(&g->z);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->cond);
    for (unsigned i = 0; i < NBUF; i++)
        free(g->buf[i]);
    free(g->out);
    free(g);
    return rc;
}
