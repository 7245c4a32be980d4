/* SPDX-License-Identifier: BSD-3-Clause */
/* probepath.c - the probe file path rule of job metadata (see probepath.h). */
#include "probepath.h"

#include <stdio.h>
#include <string.h>

static int allowed(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr(DC_PROBEPATH_EXTRA, c) != NULL);
}

/* c as something safe to print: 'x' for printable ASCII, \xNN otherwise. */
static void show_char(unsigned char c, char out[8])
{
    if (c > 0x20 && c < 0x7f && c != '\'')
        snprintf(out, 8, "'%c'", c);
    else if (c == ' ')
        snprintf(out, 8, "space");
    else
        snprintf(out, 8, "\\x%02x", c);
}

int dc_probepath_check(const char *path, char *err, size_t errlen)
{
    size_t n, comp = 1;
    char shown[8];

    if (!path || !path[0]) {
        snprintf(err, errlen, "the probe file path is empty");
        return -1;
    }
    if (path[0] != '/') {
        snprintf(err, errlen, "the probe file path must be absolute (start with '/')");
        return -1;
    }
    n = strnlen(path, DC_PROBEPATH_MAX + 1);
    if (n > DC_PROBEPATH_MAX) {
        snprintf(err, errlen, "the probe file path is longer than %d bytes", DC_PROBEPATH_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!allowed((unsigned char)path[i])) {
            show_char((unsigned char)path[i], shown);
            snprintf(err, errlen,
                     "the probe file path has %s at byte %zu; only letters, digits and "
                     "%s are accepted",
                     shown, i + 1, DC_PROBEPATH_EXTRA);
            return -1;
        }
    }
    /* Components between slashes: none empty, none "." or "..". */
    for (size_t i = 1; i <= n; i++) {
        if (i == n || path[i] == '/') {
            size_t len = i - comp;

            if (len == 0 || (len == 1 && path[comp] == '.') ||
                (len == 2 && path[comp] == '.' && path[comp + 1] == '.')) {
                snprintf(err, errlen,
                         "the probe file path must be canonical (no empty, '.' or '..' "
                         "component, no trailing '/')");
                return -1;
            }
            comp = i + 1;
        }
    }
    return 0;
}
