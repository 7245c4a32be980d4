/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * discover.c - the discovery pipeline (see discover.h): the steps every capture shares, the
 * shared sources, and the loop over captures in config order.
 */
#include "discover_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "libpath.h"
#include "probefile.h"
#include "sigtable.h"

void dc_sources_init(struct dc_sources *s)
{
    memset(s, 0, sizeof(*s));
    s->kallsyms_path = DC_KALLSYMS_PATH;
    s->btf_path = DC_BTF_VMLINUX;
    s->btf_dir = DC_BTF_DIR;
    s->sys_table.arena = &s->arena;
    s->libc_table.arena = &s->arena;
}

static void *load_kallsyms(void *arg)
{
    struct dc_sources *s = arg;

    s->ksyms_result =
        dc_kallsyms_load(s->kallsyms_path, &s->ksyms, s->ksyms_err, sizeof(s->ksyms_err));
    return NULL;
}

/* Captures that look kernel functions up in kallsyms. */
static int needs_kallsyms(const struct dc_capture *c)
{
    switch (c->type) {
    case DC_CAP_KSYM:
    case DC_CAP_HEADER: return 1;
    case DC_CAP_BTF: return c->probe == DC_PF_KPROBE;
    case DC_CAP_BINARY: return c->probe == DC_PF_KPROBE;
    default: return 0;
    }
}

void dc_sources_prefetch(struct dc_sources *s, const struct dc_hostconf *hc)
{
    int need = 0;

    for (size_t i = 0; i < hc->ncaps && !need; i++)
        need = needs_kallsyms(&hc->caps[i]);
    if (!need || s->ksyms_state != 0 || s->ksyms_loading)
        return;
    /* Without a thread the load simply happens on first use. */
    if (pthread_create(&s->ksyms_thread, NULL, load_kallsyms, s) == 0)
        s->ksyms_loading = 1;
}

static void join_kallsyms(struct dc_sources *s)
{
    if (!s->ksyms_loading)
        return;
    pthread_join(s->ksyms_thread, NULL);
    s->ksyms_loading = 0;
    s->ksyms_state = s->ksyms_result == 0 ? 1 : -1;
}

void dc_sources_free(struct dc_sources *s)
{
    join_kallsyms(s);
    dc_kallsyms_free(&s->ksyms);
    dc_btf_close(s->btf);
    dc_cdecls_free(&s->sys_table);
    dc_cdecls_free(&s->libc_table);
    dc_arena_free(&s->arena);
    s->btf = NULL;
}

int src_kallsyms(struct dc_sources *s)
{
    join_kallsyms(s);
    if (s->ksyms_state == 0)
        s->ksyms_state =
            dc_kallsyms_load(s->kallsyms_path, &s->ksyms, s->ksyms_err, sizeof(s->ksyms_err)) == 0
                ? 1
                : -1;
    if (s->ksyms_state > 0 && s->ksyms.n == 0) {
        snprintf(s->ksyms_err, sizeof(s->ksyms_err), "%s lists no kernel functions",
                 s->kallsyms_path);
        s->ksyms_state = -1;
    }
    return s->ksyms_state > 0 ? 0 : -1;
}

int src_btf(struct dc_sources *s)
{
    if (s->btf_state == 0) {
        s->btf = dc_btf_open(s->btf_path, NULL, &s->arena, s->btf_err, sizeof(s->btf_err));
        s->btf_state = s->btf ? 1 : -1;
    }
    return s->btf_state > 0 ? 0 : -1;
}

int src_tables(struct dc_sources *s)
{
    if (s->tables_state == 0)
        s->tables_state =
            dc_sigtable_syscalls(&s->sys_table) == 0 && dc_sigtable_libc(&s->libc_table) == 0 ? 1
                                                                                              : -1;
    return s->tables_state > 0 ? 0 : -1;
}

int cap_fail(struct capture_ctx *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return -1;
}

int cap_keep(struct capture_ctx *c, const char *name, const char *alt)
{
    if (c->search) {
        int s = dc_regex_match(c->search, name, strlen(name));

        if (s < 0)
            c->regex_gave_up = 1;
        if (s <= 0) {
            c->n_regex++;
            return 0;
        }
    }
    if (c->full) {
        int m = dc_regex_match(c->full, name, strlen(name));

        if (m == 0 && alt)
            m = dc_regex_match(c->full, alt, strlen(alt));
        if (m < 0)
            c->regex_gave_up = 1;
        if (m <= 0) {
            c->n_regex++;
            return 0;
        }
    }
    if (dc_exclusions_match(c->ex, c->cap->name, c->cap->exclude, c->cap->nexclude, name)) {
        c->n_excluded++;
        return 0;
    }
    return 1;
}

int cap_dedup(struct capture_ctx *c, const char *key, size_t len)
{
    /* Copy first and insert once: a repeat (rare) only wastes its copy in the arena. */
    char *copy = dc_arena_strndup(c->arena, key, len);
    int rc;

    if (!copy)
        return -1;
    rc = dc_strmap_put(c->dedup, copy, len, 0, NULL);
    if (rc == 0)
        c->n_duplicate++;
    return rc;
}

char *cap_realpath(struct capture_ctx *c, const char *path, const char *what)
{
    char *r = realpath(path, NULL);

    if (!r)
        cap_fail(c, "%s %s: %s", what, path, strerror(errno));
    return r;
}

char *cap_binary_path(struct capture_ctx *c, const char *path, const char *what)
{
    char found[PATH_MAX];

    if (strchr(path, '/'))
        return cap_realpath(c, path, what);
    /* A bare library name ("libc.so.6"): the copy this system loads, wherever it lives. */
    if (dc_libpath_resolve(path, found, sizeof(found)) < 0) {
        cap_fail(c, "%s %s: no such library in the loader's directories (give its path)", what,
                 path);
        return NULL;
    }
    dc_diag_info(c->d, "capture %s: %s is %s", c->cap->name, path, found);
    return cap_realpath(c, found, what);
}

/* Why a capture kept nothing, from the counters of the steps. */
static void explain_empty(struct capture_ctx *c)
{
    const struct dc_category *cat = c->cat;
    char parts[512] = "";
    size_t len = 0;

    if (c->n_regex)
        len += (size_t)snprintf(parts + len, sizeof(parts) - len, "%s%zu rejected by the regex",
                                len ? ", " : "", c->n_regex);
    if (c->n_excluded && len < sizeof(parts))
        len += (size_t)snprintf(parts + len, sizeof(parts) - len, "%s%zu excluded", len ? ", " : "",
                                c->n_excluded);
    if (c->n_duplicate && len < sizeof(parts))
        len += (size_t)snprintf(parts + len, sizeof(parts) - len,
                                "%s%zu already taken by earlier captures", len ? ", " : "",
                                c->n_duplicate);
    if (c->n_other && len < sizeof(parts))
        snprintf(parts + len, sizeof(parts) - len, "%s%zu not attachable", len ? ", " : "",
                 c->n_other);
    if (cat->candidates == 0)
        cap_fail(c, "no functions found in %s", cat->source);
    else
        cap_fail(c, "no functions left of the %zu in %s (%s)", cat->candidates, cat->source,
                 parts[0] ? parts : "none matched");
}

static int run_capture(struct capture_ctx *c)
{
    int rc;

    if (!c->cap->enable_explorer && c->src->reuse_path) {
        rc = capture_reuse(c);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        dc_diag_info(c->d, "capture %s: nothing to reuse in %s; discovering it", c->cap->name,
                     c->src->reuse_path);
    }
    switch (c->cap->type) {
    case DC_CAP_BINARY: return capture_binary(c);
    case DC_CAP_USDT: return capture_usdt(c);
    case DC_CAP_CUSTOM: return capture_custom(c);
    case DC_CAP_KSYM: return capture_ksym(c);
    case DC_CAP_BTF: return capture_btf(c);
    case DC_CAP_HEADER: return capture_header(c);
    }
    return cap_fail(c, "unknown capture type");
}

static int add_invalid(struct dc_discovery *out, const struct dc_capture *cap, const char *why)
{
    struct dc_invalid *v = realloc(out->invalid, (out->ninvalid + 1) * sizeof(*v));

    if (!v)
        return -1;
    out->invalid = v;
    v[out->ninvalid].capture = cap->index;
    v[out->ninvalid].line = cap->line;
    v[out->ninvalid].name = cap->name;
    v[out->ninvalid].why = strdup(why);
    if (!v[out->ninvalid].why)
        return -1;
    out->ninvalid++;
    return 0;
}

/* Compile every regex first: a bad pattern is a configuration error, found before any work. */
static int compile_all(const struct dc_hostconf *hc, struct dc_regex **full,
                       struct dc_regex **search, struct dc_diag *d)
{
    char err[512];
    int bad = 0;

    for (size_t i = 0; i < hc->ncaps; i++) {
        const struct dc_capture *cap = &hc->caps[i];

        if (!cap->regex)
            continue;
        full[i] = dc_regex_compile(cap->regex, DC_REGEX_FULL, err, sizeof(err));
        if (full[i] && cap->type == DC_CAP_KSYM)
            search[i] = dc_regex_compile(cap->regex, DC_REGEX_SEARCH, err, sizeof(err));
        if (!full[i] || (cap->type == DC_CAP_KSYM && !search[i])) {
            dc_diag_error(d, "%s:%u: capture_probes[%zu] (%s): key 'regex': invalid pattern: %s",
                          hc->path, cap->regex_line, i, cap->name, err);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

enum dc_discover_status dc_discover(const struct dc_hostconf *hc, struct dc_sources *src,
                                    struct dc_discovery *out, struct dc_diag *d,
                                    dc_progress_fn progress, void *progress_ctx)
{
    struct dc_regex **full = calloc(hc->ncaps + 1, sizeof(*full));
    struct dc_regex **search = calloc(hc->ncaps + 1, sizeof(*search));
    struct dc_exclusions ex = {0};
    struct dc_strmap dedup = DC_STRMAP_INIT;
    struct dc_arena keys = DC_ARENA_INIT;
    enum dc_discover_status st = DC_DISCOVER_FAILED;
    int have_ex = 0;

    memset(out, 0, sizeof(*out));
    out->cats = calloc(hc->ncaps + 1, sizeof(*out->cats));
    if (!full || !search || !out->cats) {
        dc_diag_error(d, "out of memory");
        goto cleanup;
    }
    if (compile_all(hc, full, search, d) < 0) {
        st = DC_DISCOVER_CONFIG;
        goto cleanup;
    }
    if (hc->exclusion_file) {
        if (dc_exclusions_load(hc->exclusion_file, &ex, d) < 0) {
            st = DC_DISCOVER_CONFIG;
            goto cleanup;
        }
        have_ex = 1;
    }
    dc_sources_prefetch(src, hc);
    for (size_t i = 0; i < hc->ncaps; i++) {
        const struct dc_capture *cap = &hc->caps[i];
        struct dc_category *cat = &out->cats[out->ncats];
        struct capture_ctx c = {
            .cap = cap,
            .src = src,
            .d = d,
            .full = full[i],
            .search = search[i],
            .ex = have_ex ? &ex : NULL,
            .dedup = &dedup,
            .arena = &keys,
            .cat = cat,
        };
        int rc;

        if (progress)
            progress(progress_ctx, i, hc->ncaps, cap->name);
        memset(cat, 0, sizeof(*cat));
        cat->capture = i;
        cat->line = cap->line;
        cat->name = cap->name;
        cat->type = cap->probe;
        cat->strbytes = cap->strbytes;
        cat->nstrbytes = cap->nstrbytes;
        rc = run_capture(&c);
        if (rc == 0 && cat->nfns == 0)
            explain_empty(&c), rc = -1;
        if (c.regex_gave_up)
            dc_diag_warn(d,
                         "%s:%u: capture %s: the regex gave up on some names (too much "
                         "backtracking); they were left out",
                         hc->path, cap->regex_line, cap->name);
        if (rc < 0) {
            dc_diag_error(d, "%s:%u: capture %s left out: %s", hc->path, cap->line, cap->name,
                          c.why[0] ? c.why : "failed");
            if (add_invalid(out, cap, c.why[0] ? c.why : "failed") < 0) {
                dc_category_free(cat);
                goto cleanup;
            }
            dc_category_free(cat);
            continue;
        }
        if (cat->type != DC_PF_CUSTOM)
            out->total += cat->nfns;
        out->ncats++;
    }
    if (progress)
        progress(progress_ctx, hc->ncaps, hc->ncaps, NULL);
    st = DC_DISCOVER_OK;
cleanup:
    for (size_t i = 0; full && search && i < hc->ncaps; i++) {
        dc_regex_free(full[i]);
        dc_regex_free(search[i]);
    }
    free(full);
    free(search);
    if (have_ex)
        dc_exclusions_free(&ex);
    dc_strmap_free(&dedup);
    dc_arena_free(&keys);
    return st;
}

void dc_discovery_free(struct dc_discovery *r)
{
    for (size_t i = 0; i < r->ncats; i++)
        dc_category_free(&r->cats[i]);
    free(r->cats);
    for (size_t i = 0; i < r->ninvalid; i++)
        free(r->invalid[i].why);
    free(r->invalid);
    memset(r, 0, sizeof(*r));
}
