/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * category.h - a discovered category: what becomes one entry of the probe file's
 * "categories" array (upstream reference 5.1), and its JSON.
 */
#ifndef DC_CATEGORY_H
#define DC_CATEGORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "argspec.h"
#include "strmap.h"

struct dc_fn {
    const char *name; /* the symbol (probe) name, without an offset */
    uint64_t offset;  /* file offset, for uprobes */
    const struct dc_sig *sig;
    unsigned has_offset;
};

struct dc_category {
    size_t capture; /* index of the capture it came from */
    unsigned line;  /* of that capture in the host file */
    const char *name;
    int type; /* enum dc_pf_type */
    struct dc_fn *fns;
    size_t nfns, capfns;
    char *binary_path; /* uprobe, usdt */
    const char *provider;
    char *bpf_path, *process_header;
    long long start_event_id, event_type;
    json_t *kept_args;                  /* function_arguments of a reused category (owned) */
    const struct dc_strbytes *strbytes; /* the capture's string_bytes rules (not owned) */
    size_t nstrbytes;
    char source[640];  /* where the functions came from, for the report */
    size_t candidates; /* names the source offered, before filtering */
};

/* Append a function. Returns 0 or -1 (memory). */
int dc_category_add(struct dc_category *c, const char *name, uint64_t offset, int has_offset,
                    const struct dc_sig *sig);
void dc_category_free(struct dc_category *c);

/*
 * Shares identical argument specs between functions while the JSON is built: kernels have
 * tens of thousands of functions but far fewer distinct (index, label, type) triples.
 */
struct dc_json_cache {
    struct dc_strmap specs; /* key text -> json_t * */
    struct dc_strmap sigs;  /* signature address -> json_t * array */
    struct dc_arena keys;
};

void dc_json_cache_free(struct dc_json_cache *jc);

/*
 * The category as the probe file writes it: type, name, functions ("name:0xOFF" for uprobes),
 * function_arguments (when any, in the order of functions), then the type's own keys.
 * Returns a new reference, or NULL when out of memory.
 */
json_t *dc_category_json(const struct dc_category *c, struct dc_json_cache *jc);

#endif
