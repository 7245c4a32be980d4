/* SPDX-License-Identifier: BSD-3-Clause */
/* category.c - categories and their JSON (see category.h). */
#include "category.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probefile.h"

int dc_category_add(struct dc_category *c, const char *name, uint64_t offset, int has_offset,
                    const struct dc_sig *sig)
{
    if (c->nfns == c->capfns) {
        size_t cap = c->capfns ? c->capfns * 2 : 64;
        struct dc_fn *v = realloc(c->fns, cap * sizeof(*v));

        if (!v)
            return -1;
        c->fns = v;
        c->capfns = cap;
    }
    c->fns[c->nfns++] = (struct dc_fn){name, offset, sig, (unsigned)(has_offset != 0)};
    return 0;
}

void dc_category_free(struct dc_category *c)
{
    free(c->fns);
    free(c->binary_path);
    free(c->bpf_path);
    free(c->process_header);
    json_decref(c->kept_args);
    memset(c, 0, sizeof(*c));
}

void dc_json_cache_free(struct dc_json_cache *jc)
{
    for (size_t i = 0; i < jc->specs.cap; i++)
        if (jc->specs.slots[i].key)
            json_decref((json_t *)(uintptr_t)dc_strmap_val(&jc->specs, i));
    for (size_t i = 0; i < jc->sigs.cap; i++)
        if (jc->sigs.slots[i].key)
            json_decref((json_t *)(uintptr_t)dc_strmap_val(&jc->sigs, i));
    dc_strmap_free(&jc->specs);
    dc_strmap_free(&jc->sigs);
    dc_arena_free(&jc->keys);
}

static json_t *spec_json(const struct dc_arg *a, unsigned index, struct dc_json_cache *jc)
{
    char key[2 * DC_ARG_TEXT_MAX + 64];
    int n = snprintf(key, sizeof(key), "%u\x1f%u\x1f%d\x1f%s\x1f%s", index, a->num_bytes,
                     a->is_pointer ? 1 : 0, a->label, a->c_type);
    uint64_t v;
    json_t *spec;
    char *k;

    if (n < 0 || (size_t)n >= sizeof(key))
        return NULL;
    if (dc_strmap_get(&jc->specs, key, (size_t)n, &v))
        return json_incref((json_t *)(uintptr_t)v);
    spec = json_object();
    if (!spec || json_object_set_new(spec, "index", json_integer(index)) < 0 ||
        json_object_set_new(spec, "num_bytes", json_integer(a->num_bytes)) < 0 ||
        json_object_set_new(spec, "is_pointer", json_boolean(a->is_pointer)) < 0 ||
        json_object_set_new(spec, "label", json_string(a->label)) < 0 ||
        json_object_set_new(spec, "c_type", json_string(a->c_type)) < 0) {
        json_decref(spec);
        return NULL;
    }
    k = dc_arena_strndup(&jc->keys, key, (size_t)n);
    if (k && dc_strmap_put(&jc->specs, k, (size_t)n, (uint64_t)(uintptr_t)spec, NULL) == 1)
        json_incref(spec); /* the cache's reference */
    return spec;
}

static json_t *sig_json(const struct dc_sig *sig, struct dc_json_cache *jc)
{
    /* Signatures are shared (one per prototype): the address is the key, as 8 bytes. */
    uintptr_t addr = (uintptr_t)sig;
    uint64_t v;
    json_t *arr;
    char *k;

    if (dc_strmap_get(&jc->sigs, (const char *)&addr, sizeof(addr), &v))
        return json_incref((json_t *)(uintptr_t)v);
    arr = json_array();
    for (uint16_t i = 0; arr && i < sig->nargs; i++) {
        json_t *spec = spec_json(&sig->args[i], i, jc);

        if (!spec || json_array_append_new(arr, spec) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    if (!arr)
        return NULL;
    k = dc_arena_alloc(&jc->keys, sizeof(addr));
    if (k) {
        memcpy(k, &addr, sizeof(addr));
        if (dc_strmap_put(&jc->sigs, k, sizeof(addr), (uint64_t)(uintptr_t)arr, NULL) == 1)
            json_incref(arr);
    }
    return arr;
}

/* The specs of function fn with the capture's string_bytes applied (not shared). */
static json_t *sized_sig_json(const struct dc_category *c, const char *fn, const struct dc_sig *sig,
                              struct dc_json_cache *jc)
{
    json_t *arr = json_array();

    for (uint16_t i = 0; arr && i < sig->nargs; i++) {
        struct dc_arg a = sig->args[i];
        json_t *spec;

        if (dc_arg_is_string(a.c_type, a.is_pointer))
            a.num_bytes = dc_strbytes_for(c->strbytes, c->nstrbytes, fn, i, a.label);
        spec = spec_json(&a, i, jc);
        if (!spec || json_array_append_new(arr, spec) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *dc_category_json(const struct dc_category *c, struct dc_json_cache *jc)
{
    json_t *obj = json_object(), *fns = json_array(), *args = json_object();
    char buf[4096 + 32];

    if (!obj || !fns || !args)
        goto fail;
    for (size_t i = 0; i < c->nfns; i++) {
        const struct dc_fn *f = &c->fns[i];
        const char *name = f->name;

        if (f->has_offset) {
            snprintf(buf, sizeof(buf), "%s:0x%llx", f->name, (unsigned long long)f->offset);
            name = buf;
        }
        if (json_array_append_new(fns, json_string(name)) < 0)
            goto fail;
        if (f->sig && f->sig->nargs > 0) {
            json_t *a =
                c->nstrbytes ? sized_sig_json(c, f->name, f->sig, jc) : sig_json(f->sig, jc);

            if (!a || json_object_set_new(args, name, a) < 0)
                goto fail;
        } else if (c->kept_args && json_object_get(c->kept_args, name)) {
            if (json_object_set(args, name, json_object_get(c->kept_args, name)) < 0)
                goto fail;
        }
    }
    if (json_object_set_new(obj, "type", json_integer(c->type)) < 0 ||
        json_object_set_new(obj, "name", json_string(c->name)) < 0)
        goto fail;
    if (json_object_set_new(obj, "functions", fns) < 0) {
        fns = NULL; /* stolen, even on failure */
        goto fail;
    }
    fns = NULL;
    if (json_object_size(args) > 0 && json_object_set(obj, "function_arguments", args) < 0)
        goto fail;
    json_decref(args);
    args = NULL;
    switch (c->type) {
    case DC_PF_UPROBE:
        if (json_object_set_new(obj, "binary_path", json_string(c->binary_path)) < 0 ||
            json_object_set_new(obj, "include_offsets", json_true()) < 0)
            goto fail;
        break;
    case DC_PF_USDT:
        if (json_object_set_new(obj, "binary_path", json_string(c->binary_path)) < 0 ||
            json_object_set_new(obj, "provider", json_string(c->provider)) < 0)
            goto fail;
        break;
    case DC_PF_CUSTOM:
        if (json_object_set_new(obj, "bpf_path", json_string(c->bpf_path)) < 0 ||
            json_object_set_new(obj, "start_event_id", json_integer(c->start_event_id)) < 0 ||
            json_object_set_new(obj, "process_header", json_string(c->process_header)) < 0 ||
            json_object_set_new(obj, "event_type", json_integer(c->event_type)) < 0)
            goto fail;
        break;
    default: break;
    }
    return obj;
fail:
    json_decref(fns);
    json_decref(args);
    json_decref(obj);
    return NULL;
}
