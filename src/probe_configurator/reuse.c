/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reuse.c - enable_explorer: false: take the category of the same name and type from the
 * previous output file instead of discovering it again (upstream reference 4.6).
 *
 * Upstream could only reuse a file it could verify, which needs the root-only secret. The
 * reused functions are signed again here, so the previous file is only read, not verified, and
 * it is the caller's own. Unlike upstream, the argument signatures are kept, and exclusions
 * and deduplication apply to reused functions like to any other.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "discover_int.h"
#include "probefile.h"

static json_t *find_category(json_t *cats, const char *name, int type)
{
    size_t i;
    json_t *cat;

    json_array_foreach(cats, i, cat)
    {
        const char *n = json_string_value(json_object_get(cat, "name"));
        json_t *t = json_object_get(cat, "type");

        if (n && !strcmp(n, name) && json_is_integer(t) && json_integer_value(t) == type)
            return cat;
    }
    return NULL;
}

static char *copy_string(struct capture_ctx *c, json_t *cat, const char *key)
{
    const char *s = json_string_value(json_object_get(cat, key));

    return s && s[0] ? dc_arena_strdup(&c->src->arena, s) : NULL;
}

int capture_reuse(struct capture_ctx *c)
{
    struct dc_category *cat = c->cat;
    struct dc_probefile pf = {0};
    char *detail = NULL, key[8400];
    json_t *prev, *fns, *fn;
    struct stat st = {0};
    size_t i;
    int rc = -1;

    if (dc_pf_read(c->src->reuse_path, 0, &pf, &detail) != DC_PF_OK) {
        dc_diag_info(c->d, "capture %s: %s cannot be reused: %s", c->cap->name, c->src->reuse_path,
                     detail ? detail : "unreadable");
        free(detail);
        return 0;
    }
    prev = find_category(pf.categories, c->cap->name, c->cap->probe);
    fns = json_object_get(prev, "functions");
    if (!prev || !json_is_array(fns) || json_array_size(fns) == 0) {
        dc_pf_free(&pf);
        return 0;
    }
    snprintf(cat->source, sizeof(cat->source), "reused from %s", c->src->reuse_path);
    if (cat->type == DC_PF_UPROBE || cat->type == DC_PF_USDT) {
        const char *bin = json_string_value(json_object_get(prev, "binary_path"));

        if (!bin || stat(bin, &st) < 0) {
            rc = cap_fail(c, "the reused category names binary %s, which cannot be read",
                          bin ? bin : "(none)");
            goto cleanup;
        }
        cat->binary_path = strdup(bin);
        cat->provider = copy_string(c, prev, "provider");
        if (!cat->binary_path || (cat->type == DC_PF_USDT && !cat->provider)) {
            rc = cap_fail(c, "the reused category is incomplete");
            goto cleanup;
        }
    } else if (cat->type == DC_PF_CUSTOM) {
        const char *bpf = json_string_value(json_object_get(prev, "bpf_path"));
        const char *hdr = json_string_value(json_object_get(prev, "process_header"));

        cat->bpf_path = bpf ? strdup(bpf) : NULL;
        cat->process_header = hdr ? strdup(hdr) : NULL;
        cat->start_event_id = json_integer_value(json_object_get(prev, "start_event_id"));
        cat->event_type = json_integer_value(json_object_get(prev, "event_type"));
        if (!cat->bpf_path || !cat->process_header || cat->start_event_id <= 0 ||
            cat->event_type <= 0) {
            rc = cap_fail(c, "the reused category is incomplete");
            goto cleanup;
        }
    }
    cat->candidates = json_array_size(fns);
    json_array_foreach(fns, i, fn)
    {
        const char *s = json_string_value(fn), *colon;
        unsigned long long off = 0;
        char *name;
        int has_off = 0, n, d;

        if (!s || !s[0])
            continue;
        colon = cat->type == DC_PF_UPROBE ? strrchr(s, ':') : NULL;
        if (colon) {
            char *end;

            off = strtoull(colon + 1, &end, 0);
            has_off = *end == '\0' && colon[1];
        }
        name = dc_arena_strndup(&c->src->arena, s, has_off ? (size_t)(colon - s) : strlen(s));
        if (!name) {
            rc = cap_fail(c, "out of memory");
            goto cleanup;
        }
        if (dc_exclusions_match(c->ex, c->cap->name, c->cap->exclude, c->cap->nexclude, name)) {
            c->n_excluded++;
            continue;
        }
        switch (cat->type) {
        case DC_PF_UPROBE:
            n = snprintf(key, sizeof(key), "u:%llx:%llx:%llx", (unsigned long long)st.st_dev,
                         (unsigned long long)st.st_ino, off);
            break;
        case DC_PF_USDT:
            n = snprintf(key, sizeof(key), "usdt:%llx:%llx:%s:%s", (unsigned long long)st.st_dev,
                         (unsigned long long)st.st_ino, cat->provider, name);
            break;
        case DC_PF_CUSTOM: n = snprintf(key, sizeof(key), "c:%s:%s", cat->bpf_path, name); break;
        default:
            n = snprintf(key, sizeof(key), "%s:%s", cat->type == DC_PF_SYSCALLS ? "s" : "k", name);
        }
        if (n < 0 || (size_t)n >= sizeof(key))
            continue;
        d = cap_dedup(c, key, (size_t)n);
        if (d < 0 || (d && dc_category_add(cat, name, off, has_off, NULL) < 0)) {
            rc = cap_fail(c, "out of memory");
            goto cleanup;
        }
    }
    if (json_is_object(json_object_get(prev, "function_arguments")))
        cat->kept_args = json_deep_copy(json_object_get(prev, "function_arguments"));
    rc = 1;
cleanup:
    dc_pf_free(&pf);
    return rc;
}
