/* SPDX-License-Identifier: BSD-3-Clause */
/* needed.c - matching DT_NEEDED entries against the client library (see needed.h). */
#include "needed.h"

#include <string.h>

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

int needed_is_client(const char *entry, const char *client_lib, int exact)
{
    const char *base = base_of(entry);
    size_t stem = strlen(NEEDED_CLIENT_STEM);

    if (exact)
        return strcmp(entry, client_lib) == 0;
    if (strncmp(base, NEEDED_CLIENT_STEM, stem) == 0 && (base[stem] == '\0' || base[stem] == '.'))
        return 1;
    return *base_of(client_lib) && strcmp(base, base_of(client_lib)) == 0;
}

size_t needed_count_client(const struct elfinfo *info, const char *client_lib, int exact)
{
    size_t n = 0;

    for (size_t i = 0; i < info->n_needed; i++)
        n += (size_t)needed_is_client(info->needed[i], client_lib, exact);
    return n;
}

const char *needed_first_client(const struct elfinfo *info, const char *client_lib, int exact)
{
    for (size_t i = 0; i < info->n_needed; i++)
        if (needed_is_client(info->needed[i], client_lib, exact))
            return info->needed[i];
    return NULL;
}

/* 1 when before and after are equal once every client entry is left out of both. */
static int same_rest(const struct elfinfo *before, const struct elfinfo *after,
                     const char *client_lib, int exact)
{
    size_t i = 0, j = 0;

    for (;;) {
        while (i < before->n_needed && needed_is_client(before->needed[i], client_lib, exact))
            i++;
        while (j < after->n_needed && needed_is_client(after->needed[j], client_lib, exact))
            j++;
        if (i == before->n_needed || j == after->n_needed)
            return i == before->n_needed && j == after->n_needed;
        if (strcmp(before->needed[i], after->needed[j]) != 0)
            return 0;
        i++;
        j++;
    }
}

int needed_verify_added(const struct elfinfo *before, const struct elfinfo *after,
                        const char *client_lib)
{
    /* Exactly one new entry, it is client_lib, and nothing else moved or changed. */
    if (after->n_needed != before->n_needed + 1)
        return -1;
    if (needed_count_client(after, client_lib, 1) != needed_count_client(before, client_lib, 1) + 1)
        return -1;
    return same_rest(before, after, client_lib, 1) ? 0 : -1;
}

int needed_verify_removed(const struct elfinfo *before, const struct elfinfo *after,
                          const char *client_lib, int exact)
{
    /* Nothing of ours is left, and every other entry is still there in its place. */
    if (needed_count_client(after, client_lib, exact) != 0)
        return -1;
    return same_rest(before, after, client_lib, exact) ? 0 : -1;
}
