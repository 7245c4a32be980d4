/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * strmap.h - an open-addressing hash map from byte strings to 64-bit values, for the large
 * name sets of a run (kernel symbols, BTF functions, deduplication keys). Keys are borrowed:
 * the caller keeps them alive (usually in an arena) for as long as the map.
 *
 * Slots are 16 bytes; the values live in a parallel array that is only allocated once a
 * non-zero value is stored, so a set (every value 0) costs two thirds of a map.
 */
#ifndef DC_STRMAP_H
#define DC_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct dc_strmap_slot {
    const char *key; /* NULL: empty */
    uint32_t len;
    uint32_t hash;
};

struct dc_strmap {
    struct dc_strmap_slot *slots;
    uint64_t *vals; /* parallel to slots; NULL while every value is 0 */
    size_t cap;     /* a power of two, or 0 */
    size_t n;
};

#define DC_STRMAP_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/*
 * Insert key[0..len) -> val unless present. Returns 1 when inserted, 0 when the key was
 * already there (its value is left alone and returned in *old when old is not NULL), -1 when
 * out of memory.
 */
int dc_strmap_put(struct dc_strmap *m, const char *key, size_t len, uint64_t val, uint64_t *old);
/* 1 with *val (when not NULL) set when key is present, else 0. */
int dc_strmap_get(const struct dc_strmap *m, const char *key, size_t len, uint64_t *val);
/* The value of slot i (for walking the slots). */
uint64_t dc_strmap_val(const struct dc_strmap *m, size_t i);
/* Make room for n keys at once (fewer rehashes for big sets). Returns 0 or -1. */
int dc_strmap_reserve(struct dc_strmap *m, size_t n);
void dc_strmap_free(struct dc_strmap *m);

#endif
