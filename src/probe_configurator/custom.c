/* SPDX-License-Identifier: BSD-3-Clause */
/* custom.c - the functions list of a custom capture (see custom.h). */
#include "custom.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static int printable(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

int dc_custom_functions(const char *path, struct dc_arena *a, const char ***names, size_t *n,
                        char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = NULL, *obj;
    struct dc_strmap seen = DC_STRMAP_INIT;
    const char **v = NULL;
    size_t cap = 0, i;
    FILE *f;
    int rc = -1;

    *names = NULL;
    *n = 0;
    f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)DC_CUSTOM_SIZE_MAX) {
        snprintf(err, errlen, "%s is larger than %u bytes", path, DC_CUSTOM_SIZE_MAX);
        fclose(f);
        return -1;
    }
    rewind(f);
    root = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
        return -1;
    }
    if (!json_is_array(root)) {
        snprintf(err, errlen, "%s must hold a JSON array of {\"functions\": [...]} objects", path);
        goto cleanup;
    }
    json_array_foreach(root, i, obj)
    {
        json_t *fns = json_object_get(obj, "functions"), *fn;
        size_t j;

        if (!json_is_array(fns))
            continue;
        json_array_foreach(fns, j, fn)
        {
            const char *s = json_string_value(fn);
            char *copy;

            if (!s || !printable(s) || strlen(s) > 4000) {
                snprintf(err, errlen, "%s: entry %zu, function %zu is not a function name", path, i,
                         j);
                goto cleanup;
            }
            if (dc_strmap_get(&seen, s, strlen(s), NULL))
                continue;
            if (*n == cap) {
                size_t ncap = cap ? cap * 2 : 32;
                const char **nv = realloc(v, ncap * sizeof(*nv));

                if (!nv)
                    goto nomem;
                v = nv;
                cap = ncap;
            }
            copy = dc_arena_strdup(a, s);
            if (!copy || dc_strmap_put(&seen, copy, strlen(copy), 0, NULL) < 0)
                goto nomem;
            v[(*n)++] = copy;
        }
    }
    *names = v;
    v = NULL;
    rc = 0;
    goto cleanup;
nomem:
    snprintf(err, errlen, "out of memory");
cleanup:
    if (rc < 0)
        *n = 0;
    free(v);
    dc_strmap_free(&seen);
    json_decref(root);
    return rc;
}
