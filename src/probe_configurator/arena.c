/* SPDX-License-Identifier: BSD-3-Clause */
/* arena.c - a bump allocator (see arena.h). */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64 * 1024)

struct dc_arena_chunk {
    struct dc_arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void *dc_arena_alloc(struct dc_arena *a, size_t n)
{
    struct dc_arena_chunk *c = a->head;
    size_t need = (n + 7) & ~(size_t)7;

    if (n == 0)
        need = 8;
    if (need < n)
        return NULL;
    if (!c || c->size - c->used < need) {
        /* Big requests get a chunk of their own, behind the current one. */
        size_t size = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;

        if (size > SIZE_MAX - sizeof(*c))
            return NULL;
        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        a->bytes += sizeof(*c) + size;
        if (size != CHUNK_SIZE && a->head) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    c->used += need;
    return c->data + c->used - need;
}

char *dc_arena_strndup(struct dc_arena *a, const char *s, size_t n)
{
    char *p;

    if (n == SIZE_MAX)
        return NULL;
    p = dc_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *dc_arena_strdup(struct dc_arena *a, const char *s)
{
    return dc_arena_strndup(a, s, strlen(s));
}

char *dc_arena_printf(struct dc_arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = dc_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void dc_arena_free(struct dc_arena *a)
{
    struct dc_arena_chunk *c = a->head;

    while (c) {
        struct dc_arena_chunk *next = c->next;

        free(c);
        c = next;
    }
    a->head = NULL;
    a->bytes = 0;
}
