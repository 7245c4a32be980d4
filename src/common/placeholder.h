/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * placeholder.h - find @NAME@ template placeholders (NAME is [A-Za-z0-9_]+).
 *
 * Shared by datacrumbs_configure_template, which replaces them, and the probe configurator,
 * which refuses a host file that still holds one. Matches are found left to right and never
 * overlap, so "@@A@" holds the one placeholder "@A@".
 */
#ifndef DC_PLACEHOLDER_H
#define DC_PLACEHOLDER_H

#include <stddef.h>

struct dc_placeholder {
    size_t start;     /* offset of the opening '@' */
    size_t len;       /* bytes from the opening to the closing '@', both included */
    const char *name; /* points into the text, not NUL-terminated */
    size_t name_len;
    unsigned line; /* 1-based line of the placeholder */
};

struct dc_ph_iter {
    const char *text;
    size_t len;
    size_t pos;
    unsigned line;
};

void dc_ph_iter_init(struct dc_ph_iter *it, const char *text, size_t len);
/* The next placeholder: 1 with *ph filled, 0 when there are no more. */
int dc_ph_next(struct dc_ph_iter *it, struct dc_placeholder *ph);

#endif
