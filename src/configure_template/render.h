/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * render.h - replace the @KEY@ placeholders of a template, in one pass.
 *
 * Each placeholder is replaced by its value exactly once, left to right; a value is never
 * scanned again, so a value holding "@OTHER@" stays as it is (upstream expanded in a loop, and
 * the result depended on the order of its keys). Placeholders without a value are all
 * collected, with the line of their first use, so the error can list every one at once.
 */
#ifndef DC_TPL_RENDER_H
#define DC_TPL_RENDER_H

#include <stddef.h>

#include "keys.h"

struct dc_unresolved {
    char *name;
    unsigned line;  /* first use */
    unsigned count; /* uses */
};

struct dc_render {
    char *text; /* the rendered text, NUL-terminated (malloc'ed) */
    size_t len;
    size_t replaced;               /* placeholders replaced */
    struct dc_unresolved *missing; /* sorted by name */
    size_t nmissing;
};

/* Render template[0..len) with keys. Returns 0 (check nmissing), or -1 when out of memory. */
int dc_render(const char *tpl, size_t len, const struct dc_keys *keys, struct dc_render *out);
void dc_render_free(struct dc_render *r);

#endif
