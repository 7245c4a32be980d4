/* SPDX-License-Identifier: BSD-3-Clause */
/* preload.c - LD_PRELOAD composition (see preload.h). */
#include "preload.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static bool already_listed(const char *existing, const char *lib)
{
    const char *p = existing;

    while (*p) {
        size_t n = strcspn(p, ": ");

        if (n > 0) {
            char *entry = strndup(p, n);
            bool hit = entry && (strcmp(entry, lib) == 0 || same_file(entry, lib));

            free(entry);
            if (hit)
                return true;
        }
        p += n;
        if (*p)
            p++;
    }
    return false;
}

char *dc_preload_compose(const char *existing, const char *lib)
{
    size_t n;
    char *out;

    if (!existing || !*existing)
        return strdup(lib);
    if (already_listed(existing, lib))
        return strdup(existing);
    n = strlen(lib) + 1 + strlen(existing) + 1;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s:%s", lib, existing);
    return out;
}
