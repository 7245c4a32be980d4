/* SPDX-License-Identifier: BSD-3-Clause */
/* map.c - string interning and 64-bit hash tables (see map.h). */
#include "map.h"

#include <stdlib.h>
#include <string.h>

uint64_t tr_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len;

    while (len >= 8) {
        uint64_t w;

        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;

        memcpy(&w, p, len);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

void tr_strtab_init(struct tr_strtab *t)
{
    memset(t, 0, sizeof(*t));
}

void tr_strtab_free(struct tr_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->strs[i]);
    free(t->strs);
    free(t->lens);
    free(t->hashes);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

static long probe(const struct tr_strtab *t, const char *s, size_t len, uint64_t h, size_t *slot)
{
    size_t mask = t->nslots - 1, i = (size_t)h & mask;

    for (;;) {
        uint32_t v = t->slots[i];

        if (!v) {
            *slot = i;
            return -1;
        }
        v--;
        if (t->hashes[v] == h && t->lens[v] == len && memcmp(t->strs[v], s, len) == 0)
            return v;
        i = (i + 1) & mask;
    }
}

static int grow_slots(struct tr_strtab *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof(*slots));

    if (!slots)
        return -1;
    for (size_t v = 0; v < t->n; v++) {
        size_t i = (size_t)t->hashes[v] & (n - 1);

        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = (uint32_t)v + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    return 0;
}

long tr_strtab_find(const struct tr_strtab *t, const char *s, size_t len)
{
    size_t slot;

    if (!t->nslots)
        return -1;
    return probe(t, s, len, tr_hash(s, len), &slot);
}

long tr_strtab_intern(struct tr_strtab *t, const char *s, size_t len)
{
    uint64_t h = tr_hash(s, len);
    size_t slot;
    long v;
    char *copy;

    if ((t->n + 1) * 2 > t->nslots && grow_slots(t) < 0)
        return -1;
    v = probe(t, s, len, h, &slot);
    if (v >= 0)
        return v;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        char **strs = realloc(t->strs, cap * sizeof(*strs));

        if (!strs)
            return -1;
        t->strs = strs;
        size_t *lens = realloc(t->lens, cap * sizeof(*lens));
        if (!lens)
            return -1;
        t->lens = lens;
        uint64_t *hashes = realloc(t->hashes, cap * sizeof(*hashes));
        if (!hashes)
            return -1;
        t->hashes = hashes;
        t->cap = cap;
    }
    copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->strs[t->n] = copy;
    t->lens[t->n] = len;
    t->hashes[t->n] = h;
    t->slots[slot] = (uint32_t)t->n + 1;
    return (long)t->n++;
}

void tr_u64map_init(struct tr_u64map *m)
{
    memset(m, 0, sizeof(*m));
}

void tr_u64map_free(struct tr_u64map *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    memset(m, 0, sizeof(*m));
}

static size_t u64_slot(uint64_t key, size_t nslots)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;

    return (size_t)(h ^ (h >> 31)) & (nslots - 1);
}

static int u64_grow(struct tr_u64map *m)
{
    struct tr_u64map g;
    size_t live = 0;

    for (size_t i = 0; i < m->nslots; i++)
        live += m->used[i] == 1;
    /* Rehash in place when deletions (tombstones) filled the table: bounded by live keys. */
    g.nslots = m->nslots ? m->nslots : 16;
    while ((live + 1) * 4 > g.nslots)
        g.nslots *= 2;
    g.n = 0;
    g.keys = malloc(g.nslots * sizeof(*g.keys));
    g.vals = malloc(g.nslots * sizeof(*g.vals));
    g.used = calloc(g.nslots, 1);
    if (!g.keys || !g.vals || !g.used) {
        tr_u64map_free(&g);
        return -1;
    }
    for (size_t i = 0; i < m->nslots; i++) {
        if (m->used[i] == 1) {
            size_t j = u64_slot(m->keys[i], g.nslots);

            while (g.used[j])
                j = (j + 1) & (g.nslots - 1);
            g.used[j] = 1;
            g.keys[j] = m->keys[i];
            g.vals[j] = m->vals[i];
            g.n++;
        }
    }
    tr_u64map_free(m);
    *m = g;
    return 0;
}

int tr_u64map_put(struct tr_u64map *m, uint64_t key, uint32_t val)
{
    size_t i, tomb = (size_t)-1;

    if ((m->n + 1) * 2 > m->nslots && u64_grow(m) < 0)
        return -1;
    for (i = u64_slot(key, m->nslots);; i = (i + 1) & (m->nslots - 1)) {
        if (m->used[i] == 0)
            break;
        if (m->used[i] == 2) {
            if (tomb == (size_t)-1)
                tomb = i;
            continue;
        }
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return 0;
        }
    }
    if (tomb != (size_t)-1)
        i = tomb;
    else
        m->n++; /* tombstones count as used until the next growth */
    m->used[i] = 1;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

static size_t u64_find(const struct tr_u64map *m, uint64_t key)
{
    if (!m->nslots)
        return (size_t)-1;
    for (size_t i = u64_slot(key, m->nslots);; i = (i + 1) & (m->nslots - 1)) {
        if (m->used[i] == 0)
            return (size_t)-1;
        if (m->used[i] == 1 && m->keys[i] == key)
            return i;
    }
}

int tr_u64map_get(const struct tr_u64map *m, uint64_t key, uint32_t *val)
{
    size_t i = u64_find(m, key);

    if (i == (size_t)-1)
        return 0;
    *val = m->vals[i];
    return 1;
}

void tr_u64map_del(struct tr_u64map *m, uint64_t key)
{
    size_t i = u64_find(m, key);

    if (i != (size_t)-1)
        m->used[i] = 2;
}

int tr_u64map_merge(struct tr_u64map *to, const struct tr_u64map *from)
{
    for (size_t i = 0; i < from->nslots; i++) {
        uint32_t v;

        if (from->used[i] != 1 || tr_u64map_get(to, from->keys[i], &v))
            continue;
        if (tr_u64map_put(to, from->keys[i], from->vals[i]) < 0)
            return -1;
    }
    return 0;
}
