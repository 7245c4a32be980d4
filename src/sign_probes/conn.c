/* SPDX-License-Identifier: BSD-3-Clause */
/* conn.c - the memory of a connection's request, within the server's budget (see conn.h). */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

struct dc_chunk *dc_conn_tail(struct dc_conn *c, size_t max_buffered, int *busy)
{
    struct dc_chunk *t = c->tail;

    *busy = 0;
    if (t && t->len < DC_CHUNK_SIZE)
        return t;
    /* Reserve first, so that concurrent readers can never overshoot the budget together. */
    if (atomic_fetch_add(c->buffered, sizeof(*t)) + sizeof(*t) > max_buffered) {
        atomic_fetch_sub(c->buffered, sizeof(*t));
        *busy = 1;
        return NULL;
    }
    t = malloc(sizeof(*t));
    if (!t) {
        atomic_fetch_sub(c->buffered, sizeof(*t));
        return NULL;
    }
    t->next = NULL;
    t->len = 0;
    if (c->tail)
        c->tail->next = t;
    else
        c->head = t;
    c->tail = t;
    return t;
}

const char *dc_conn_flatten(struct dc_conn *c)
{
    size_t off = 0;

    if (c->flat)
        return c->flat;
    if (!c->head)
        return "";
    if (!c->head->next)
        return c->head->data;
    c->flat = malloc(c->bytes);
    if (!c->flat)
        return NULL;
    atomic_fetch_add(c->buffered, c->bytes);
    /* Free each chunk once copied: the peak stays near one copy of the request. */
    while (c->head) {
        struct dc_chunk *next = c->head->next;

        memcpy(c->flat + off, c->head->data, c->head->len);
        off += c->head->len;
        free(c->head);
        atomic_fetch_sub(c->buffered, sizeof(struct dc_chunk));
        c->head = next;
    }
    c->tail = NULL;
    return c->flat;
}

void dc_conn_release(void *arg)
{
    struct dc_conn *c = arg;

    while (c->head) {
        struct dc_chunk *next = c->head->next;

        free(c->head);
        atomic_fetch_sub(c->buffered, sizeof(struct dc_chunk));
        c->head = next;
    }
    c->tail = NULL;
    if (c->flat) {
        free(c->flat);
        atomic_fetch_sub(c->buffered, c->bytes);
        c->flat = NULL;
    }
}
