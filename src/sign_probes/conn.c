/* SPDX-License-Identifier: BSD-3-Clause */
/* conn.c - the memory of a connection's request, within the server's budget (see conn.h). */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

void dc_budget_init(struct dc_budget *b, size_t total, size_t user_max, size_t max_request)
{
    size_t least = max_request + 2 * sizeof(struct dc_chunk);
    size_t share = total / 4 < least ? least : total / 4;

    if (share > total)
        share = total;
    b->total = total;
    b->user_max = user_max ? (user_max > total ? total : user_max) : share;
    b->reserve = share < total - b->user_max ? share : total - b->user_max;
}

/* Both counts go up together, or neither; NULL-safe for the account (unit tests). */
static void charge(struct dc_conn *c, size_t n)
{
    atomic_fetch_add(c->buffered, n);
    if (c->acct)
        atomic_fetch_add(&c->acct->bytes, n);
    c->held += n;
}

static void uncharge(struct dc_conn *c, size_t n)
{
    atomic_fetch_sub(c->buffered, n);
    if (c->acct)
        atomic_fetch_sub(&c->acct->bytes, n);
    c->held -= n;
}

/* Which limit one more chunk would break, after charging it (so that concurrent readers can
 * never overshoot together). */
static enum dc_busy over_budget(const struct dc_conn *c, const struct dc_budget *b)
{
    size_t total = atomic_load(c->buffered);
    size_t mine = c->acct ? atomic_load(&c->acct->bytes) : c->held;

    if (total > b->total)
        return DC_BUSY_TOTAL;
    if (mine > b->user_max)
        return DC_BUSY_USER;
    /* The reserve is for a uid's first request: one that holds memory elsewhere stops short. */
    if (mine > c->held && total > b->total - b->reserve)
        return DC_BUSY_RESERVE;
    return DC_BUSY_NO;
}

struct dc_chunk *dc_conn_tail(struct dc_conn *c, const struct dc_budget *b, enum dc_busy *busy)
{
    struct dc_chunk *t = c->tail;

    *busy = DC_BUSY_NO;
    if (t && t->len < DC_CHUNK_SIZE)
        return t;
    charge(c, sizeof(*t));
    if ((*busy = over_budget(c, b)) != DC_BUSY_NO) {
        uncharge(c, sizeof(*t));
        return NULL;
    }
    t = malloc(sizeof(*t));
    if (!t) {
        uncharge(c, sizeof(*t));
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
    charge(c, c->bytes);
    /* Free each chunk once copied: the peak stays near one copy of the request. */
    while (c->head) {
        struct dc_chunk *next = c->head->next;

        memcpy(c->flat + off, c->head->data, c->head->len);
        off += c->head->len;
        free(c->head);
        uncharge(c, sizeof(struct dc_chunk));
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
        uncharge(c, sizeof(struct dc_chunk));
        c->head = next;
    }
    c->tail = NULL;
    if (c->flat) {
        free(c->flat);
        uncharge(c, c->bytes);
        c->flat = NULL;
    }
}
