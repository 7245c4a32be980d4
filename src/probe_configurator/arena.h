/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arena.h - a bump allocator for the many small strings of one run (symbol names, argument
 * types): one free for all of them, and no per-string malloc header.
 */
#ifndef DC_ARENA_H
#define DC_ARENA_H

#include <stddef.h>

struct dc_arena_chunk;

struct dc_arena {
    struct dc_arena_chunk *head;
    size_t bytes; /* allocated from the system, for the benchmark */
};

#define DC_ARENA_INIT                                                                              \
    {                                                                                              \
        NULL, 0                                                                                    \
    }

/* n bytes aligned to 8, or NULL when out of memory. */
void *dc_arena_alloc(struct dc_arena *a, size_t n);
char *dc_arena_strndup(struct dc_arena *a, const char *s, size_t n);
char *dc_arena_strdup(struct dc_arena *a, const char *s);
char *dc_arena_printf(struct dc_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dc_arena_free(struct dc_arena *a);

#endif
