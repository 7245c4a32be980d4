/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map.h - the hash tables of datacrumbs_trace: byte-string keys to dense indexes (interning),
 * and 64-bit keys to 32-bit values (descriptor tables). Both grow by doubling; memory is
 * proportional to the number of distinct keys.
 */
#ifndef TR_MAP_H
#define TR_MAP_H

#include <stddef.h>
#include <stdint.h>

uint64_t tr_hash(const void *data, size_t len);

/* Interned strings: each distinct byte string gets the next index 0, 1, 2, ... */
struct tr_strtab {
    uint32_t *slots; /* index + 1, 0 for empty */
    size_t nslots;
    char **strs; /* NUL-terminated copies */
    size_t *lens;
    uint64_t *hashes;
    size_t n, cap;
};

void tr_strtab_init(struct tr_strtab *t);
void tr_strtab_free(struct tr_strtab *t);
/* The index of s[0..len), added when new; -1 when out of memory. */
long tr_strtab_intern(struct tr_strtab *t, const char *s, size_t len);
/* The index of s[0..len), or -1 when absent. */
long tr_strtab_find(const struct tr_strtab *t, const char *s, size_t len);

/* 64-bit key -> 32-bit value. */
struct tr_u64map {
    uint64_t *keys;
    uint32_t *vals;
    unsigned char *used;
    size_t nslots, n;
};

void tr_u64map_init(struct tr_u64map *m);
void tr_u64map_free(struct tr_u64map *m);
/* Set key to val (replacing); 0, or -1 when out of memory. */
int tr_u64map_put(struct tr_u64map *m, uint64_t key, uint32_t val);
/* 1 and *val when present, else 0. */
int tr_u64map_get(const struct tr_u64map *m, uint64_t key, uint32_t *val);
void tr_u64map_del(struct tr_u64map *m, uint64_t key);
/* Copy every entry of from into to (entries to already has are kept); 0 or -1. */
int tr_u64map_merge(struct tr_u64map *to, const struct tr_u64map *from);

#endif
