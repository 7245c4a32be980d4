/* SPDX-License-Identifier: BSD-3-Clause */
/* exclusions.c - the exclusion list (see exclusions.h). */
#include "exclusions.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct dc_exclusion_set *find(const struct dc_exclusions *ex, const char *category)
{
    for (size_t i = 0; i < ex->n; i++)
        if (!strcmp(ex->v[i].category, category))
            return &ex->v[i];
    return NULL;
}

int dc_exclusions_load(const char *path, struct dc_exclusions *ex, struct dc_diag *d)
{
    json_error_t jerr;
    json_t *root, *entry;
    struct stat st;
    size_t i;

    memset(ex, 0, sizeof(*ex));
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
        dc_diag_error(d, "exclusion file %s cannot be read", path);
        return -1;
    }
    if (st.st_size > DC_EXCLUSIONS_SIZE_MAX) {
        dc_diag_error(d, "exclusion file %s is larger than %u bytes", path, DC_EXCLUSIONS_SIZE_MAX);
        return -1;
    }
    root = json_load_file(path, 0, &jerr);
    if (!root) {
        dc_diag_error(d, "%s:%d: %s", path, jerr.line, jerr.text);
        return -1;
    }
    if (!json_is_array(root)) {
        dc_diag_error(d, "exclusion file %s must hold a JSON array of {\"name\", \"functions\"}",
                      path);
        json_decref(root);
        return -1;
    }
    ex->v = calloc(json_array_size(root) + 1, sizeof(*ex->v));
    if (!ex->v)
        goto nomem;
    json_array_foreach(root, i, entry)
    {
        const char *cat = json_string_value(json_object_get(entry, "name"));
        json_t *fns = json_object_get(entry, "functions"), *fn;
        struct dc_exclusion_set *set;
        size_t j;

        if (!cat || !json_is_array(fns)) {
            dc_diag_warn(d,
                         "%s: entry %zu has no \"name\" string or \"functions\" array; "
                         "skipped",
                         path, i);
            continue;
        }
        set = find(ex, cat);
        if (set) {
            dc_strmap_free(&set->names); /* a later entry replaces an earlier one */
        } else {
            set = &ex->v[ex->n++];
            set->category = dc_arena_strdup(&ex->arena, cat);
            if (!set->category)
                goto nomem;
        }
        json_array_foreach(fns, j, fn)
        {
            const char *s = json_string_value(fn);
            char *copy;

            if (!s || !s[0])
                continue;
            if (strpbrk(s, "/\\ ")) {
                dc_diag_warn(d,
                             "%s: category %s: exclusion \"%.128s\" is not a function name; "
                             "skipped",
                             path, cat, s);
                continue;
            }
            copy = dc_arena_strdup(&ex->arena, s);
            if (!copy || dc_strmap_put(&set->names, copy, strlen(copy), 0, NULL) < 0)
                goto nomem;
        }
    }
    json_decref(root);
    return 0;
nomem:
    dc_diag_error(d, "out of memory");
    json_decref(root);
    dc_exclusions_free(ex);
    return -1;
}

int dc_exclusions_match(const struct dc_exclusions *ex, const char *category, char *const *extra,
                        size_t n_extra, const char *name)
{
    size_t full = strlen(name), base = strcspn(name, "@:");
    const struct dc_exclusion_set *set = ex ? find(ex, category) : NULL;

    for (size_t i = 0; i < n_extra; i++)
        if (!strcmp(extra[i], name) || (strlen(extra[i]) == base && !strncmp(extra[i], name, base)))
            return 1;
    if (!set)
        return 0;
    return dc_strmap_get(&set->names, name, full, NULL) ||
           (base < full && dc_strmap_get(&set->names, name, base, NULL));
}

void dc_exclusions_free(struct dc_exclusions *ex)
{
    for (size_t i = 0; i < ex->n; i++)
        dc_strmap_free(&ex->v[i].names);
    free(ex->v);
    dc_arena_free(&ex->arena);
    memset(ex, 0, sizeof(*ex));
}
