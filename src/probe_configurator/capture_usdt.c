/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture_usdt.c - type usdt: the SDT probes of one provider in a binary, read from its
 * .note.stapsdt notes (upstream knew only python's function__entry, from a table). A probe
 * compiled in several places is one name: the runtime attaches every site of a name.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover_int.h"
#include "usdt.h"

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int capture_usdt(struct capture_ctx *c)
{
    struct dc_category *cat = c->cat;
    struct dc_usdt u;
    const char **names = NULL;
    char err[512], others[256] = "";
    size_t n = 0;
    struct stat st;
    char *path;
    int rc = -1;

    path = cap_binary_path(c, c->cap->binary_path, "binary_path");
    if (!path)
        return -1;
    cat->binary_path = path;
    cat->provider = c->cap->provider;
    if (dc_usdt_read_file(path, &c->src->arena, &u, err, sizeof(err)) < 0)
        return cap_fail(c, "cannot read %s: %s", path, err);
    if (stat(path, &st) < 0) {
        dc_usdt_free(&u);
        return cap_fail(c, "cannot read %s", path);
    }
    snprintf(cat->source, sizeof(cat->source), "%s (.note.stapsdt, provider %s)", path,
             c->cap->provider);
    names = calloc(u.n + 1, sizeof(*names));
    if (!names) {
        rc = cap_fail(c, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < u.n; i++) {
        if (!strcmp(u.v[i].provider, c->cap->provider)) {
            names[n++] = u.v[i].name;
        } else if (!strstr(others, u.v[i].provider) &&
                   strlen(others) + strlen(u.v[i].provider) + 3 < sizeof(others)) {
            strcat(others, others[0] ? ", " : "");
            strcat(others, u.v[i].provider);
        }
    }
    if (u.n == 0) {
        rc = cap_fail(c, "%s has no USDT probes (no .note.stapsdt notes)", path);
        goto cleanup;
    }
    if (n == 0) {
        rc = cap_fail(c, "%s has no USDT probes of provider %s (it has: %s)", path,
                      c->cap->provider, others);
        goto cleanup;
    }
    qsort(names, n, sizeof(*names), cmp_name);
    for (size_t i = 0; i < n; i++) {
        char key[1024];
        int k, d;

        if (i > 0 && !strcmp(names[i], names[i - 1]))
            continue;
        cat->candidates++;
        if (!cap_keep(c, names[i], NULL))
            continue;
        k = snprintf(key, sizeof(key), "usdt:%llx:%llx:%s:%s", (unsigned long long)st.st_dev,
                     (unsigned long long)st.st_ino, c->cap->provider, names[i]);
        if (k < 0 || (size_t)k >= sizeof(key))
            continue;
        d = cap_dedup(c, key, (size_t)k);
        if (d < 0) {
            rc = cap_fail(c, "out of memory");
            goto cleanup;
        }
        if (d && dc_category_add(cat, names[i], 0, 0, NULL) < 0) {
            rc = cap_fail(c, "out of memory");
            goto cleanup;
        }
    }
    rc = 0;
cleanup:
    free(names);
    dc_usdt_free(&u);
    return rc;
}
