/* SPDX-License-Identifier: BSD-3-Clause */
/* render.c - one-pass placeholder substitution (see render.h). */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "placeholder.h"

struct buf {
    char *p;
    size_t len, cap;
};

static int append(struct buf *b, const char *s, size_t n)
{
    if (n > (size_t)-1 / 2 - b->len)
        return -1;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;

        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int note_missing(struct dc_render *r, const struct dc_placeholder *ph)
{
    struct dc_unresolved *v;

    for (size_t i = 0; i < r->nmissing; i++) {
        if (strlen(r->missing[i].name) == ph->name_len &&
            !memcmp(r->missing[i].name, ph->name, ph->name_len)) {
            r->missing[i].count++;
            return 0;
        }
    }
    v = realloc(r->missing, (r->nmissing + 1) * sizeof(*v));
    if (!v)
        return -1;
    r->missing = v;
    v[r->nmissing].name = strndup(ph->name, ph->name_len);
    if (!v[r->nmissing].name)
        return -1;
    v[r->nmissing].line = ph->line;
    v[r->nmissing].count = 1;
    r->nmissing++;
    return 0;
}

static int cmp_missing(const void *a, const void *b)
{
    return strcmp(((const struct dc_unresolved *)a)->name, ((const struct dc_unresolved *)b)->name);
}

int dc_render(const char *tpl, size_t len, const struct dc_keys *keys, struct dc_render *out)
{
    struct buf b = {0};
    struct dc_ph_iter it;
    struct dc_placeholder ph;
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    dc_ph_iter_init(&it, tpl, len);
    if (append(&b, "", 0) < 0)
        goto nomem;
    while (dc_ph_next(&it, &ph)) {
        const char *v = dc_keys_get(keys, ph.name, ph.name_len);

        if (append(&b, tpl + pos, ph.start - pos) < 0)
            goto nomem;
        if (v) {
            if (append(&b, v, strlen(v)) < 0)
                goto nomem;
            out->replaced++;
        } else if (append(&b, tpl + ph.start, ph.len) < 0 || note_missing(out, &ph) < 0) {
            goto nomem;
        }
        pos = ph.start + ph.len;
    }
    if (append(&b, tpl + pos, len - pos) < 0)
        goto nomem;
    if (out->nmissing)
        qsort(out->missing, out->nmissing, sizeof(*out->missing), cmp_missing);
    out->text = b.p;
    out->len = b.len;
    return 0;
nomem:
    free(b.p);
    dc_render_free(out);
    return -1;
}

void dc_render_free(struct dc_render *r)
{
    for (size_t i = 0; i < r->nmissing; i++)
        free(r->missing[i].name);
    free(r->missing);
    free(r->text);
    memset(r, 0, sizeof(*r));
}
