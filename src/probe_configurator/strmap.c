/* SPDX-License-Identifier: BSD-3-Clause */
/* strmap.c - open-addressing string hash map (see strmap.h). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/* 8 bytes at a time, multiply and fold: symbol names are long and share prefixes. */
static uint32_t hash_bytes(const char *s, size_t len)
{
    const uint64_t m = 0x9e3779b97f4a7c15ULL;
    uint64_t h = len * m;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        uint64_t w;

        memcpy(&w, s + i, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    if (i < len) {
        uint64_t w = 0;

        memcpy(&w, s + i, len - i);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    h *= m;
    return (uint32_t)(h ^ (h >> 32));
}

static int grow(struct dc_strmap *m, size_t cap)
{
    struct dc_strmap_slot *slots = calloc(cap, sizeof(*slots));
    uint64_t *vals = NULL;

    if (!slots)
        return -1;
    if (m->vals && !(vals = calloc(cap, sizeof(*vals)))) {
        free(slots);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        const struct dc_strmap_slot *s = &m->slots[i];
        size_t j;

        if (!s->key)
            continue;
        for (j = s->hash & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
            ;
        slots[j] = *s;
        if (vals)
            vals[j] = m->vals[i];
    }
    free(m->slots);
    free(m->vals);
    m->slots = slots;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int dc_strmap_reserve(struct dc_strmap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 16;

    while (cap / 4 * 3 < n) {
        if (cap > SIZE_MAX / 2 / sizeof(uint64_t))
            return -1;
        cap *= 2;
    }
    return cap == m->cap ? 0 : grow(m, cap);
}

int dc_strmap_put(struct dc_strmap *m, const char *key, size_t len, uint64_t val, uint64_t *old)
{
    uint32_t h;
    size_t j;

    if (len > UINT32_MAX)
        return -1;
    if ((m->n + 1) > m->cap / 4 * 3 && dc_strmap_reserve(m, m->n + 1) < 0)
        return -1;
    h = hash_bytes(key, len);
    for (j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        const struct dc_strmap_slot *s = &m->slots[j];

        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
            if (old)
                *old = m->vals ? m->vals[j] : 0;
            return 0;
        }
    }
    if (val && !m->vals && !(m->vals = calloc(m->cap, sizeof(*m->vals))))
        return -1;
    m->slots[j] = (struct dc_strmap_slot){key, (uint32_t)len, h};
    if (m->vals)
        m->vals[j] = val;
    m->n++;
    return 1;
}

int dc_strmap_get(const struct dc_strmap *m, const char *key, size_t len, uint64_t *val)
{
    uint32_t h;

    if (m->n == 0 || len > UINT32_MAX)
        return 0;
    h = hash_bytes(key, len);
    for (size_t j = h & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        const struct dc_strmap_slot *s = &m->slots[j];

        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
            if (val)
                *val = m->vals ? m->vals[j] : 0;
            return 1;
        }
    }
    return 0;
}

uint64_t dc_strmap_val(const struct dc_strmap *m, size_t i)
{
    return m->vals && i < m->cap ? m->vals[i] : 0;
}

void dc_strmap_free(struct dc_strmap *m)
{
    free(m->slots);
    free(m->vals);
    m->slots = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}
