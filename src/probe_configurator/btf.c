/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * btf.c - BTF functions and signatures (see btf.h).
 *
 * Type text follows upstream's bpftool-based rendering (reference 4.3) where it was right:
 * integers and typedefs by name, "struct X", "union X", pointers and arrays as "T *". Where it
 * was wrong we write C: a const pointer is "char *const", not "const char *", and whether a
 * parameter is a pointer is decided by the resolved type, so a typedef of a pointer counts.
 * Hostile BTF (a file given on the command line) can only make a type text "unsigned long long":
 * rendering is bounded in depth and length.
 */
#include "btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strmap.h"

#define DEPTH_MAX 16
#define UNKNOWN   "unsigned long long"

struct dc_btf {
    struct btf *btf;
    uint32_t first_id, end_id; /* this BTF's own type ids: [first_id, end_id) */
    uint32_t *funcs;           /* FUNC type ids, first of each name, in id order */
    size_t nfuncs;
    struct dc_strmap names; /* name -> position in funcs */
    struct dc_sig **sigs;   /* by position; NULL until rendered */
    unsigned char *sig_done;
    struct dc_sig **proto_sigs; /* by FUNC_PROTO type id, shared by its functions */
    struct dc_strmap types;     /* interned type texts */
    struct dc_arena *arena;
    char prefix[32];
    char path[512];
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    if (level == LIBBPF_DEBUG)
        return 0;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    dc_debug("libbpf: %s", msg);
    return 0;
}

static void detect_prefix(struct dc_btf *b)
{
    static const char *const prefixes[] = {"__x64_sys_",   "__arm64_sys_",   "__s390x_sys_",
                                           "__riscv_sys_", "__powerpc_sys_", "__ia32_sys_"};
    size_t best = 0, bestn = 0;

    for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
        size_t plen = strlen(prefixes[p]), n = 0;

        for (size_t i = 0; i < b->nfuncs; i++)
            if (!strncmp(dc_btf_func_name(b, i), prefixes[p], plen))
                n++;
        if (n > bestn) {
            bestn = n;
            best = p;
        }
    }
    snprintf(b->prefix, sizeof(b->prefix), "%s", bestn > 0 ? prefixes[best] : "sys_");
}

struct dc_btf *dc_btf_open(const char *path, const struct dc_btf *base, struct dc_arena *a,
                           char *err, size_t errlen)
{
    struct dc_btf *b = calloc(1, sizeof(*b));
    size_t cap = 0;

    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    libbpf_set_print(libbpf_print);
    snprintf(b->path, sizeof(b->path), "%s", path);
    b->arena = a;
    errno = 0;
    b->btf = base ? btf__parse_split(path, base->btf) : btf__parse(path, NULL);
    if (!b->btf) {
        int e = errno ? errno : EINVAL;

        snprintf(err, errlen, "cannot read BTF from %s: %s", path,
                 e == EINVAL || e == EPROTO ? "not valid BTF" : strerror(e));
        free(b);
        return NULL;
    }
    b->first_id = base ? btf__type_cnt(base->btf) : 1;
    b->end_id = btf__type_cnt(b->btf);
    /* Size the tables once: vmlinux has some 60000 functions. */
    for (uint32_t id = b->first_id; id < b->end_id; id++) {
        const struct btf_type *t = btf__type_by_id(b->btf, id);

        if (t && btf_is_func(t))
            cap++;
    }
    b->funcs = malloc((cap ? cap : 1) * sizeof(*b->funcs));
    if (!b->funcs || dc_strmap_reserve(&b->names, cap) < 0)
        goto nomem;
    for (uint32_t id = b->first_id; id < b->end_id; id++) {
        const struct btf_type *t = btf__type_by_id(b->btf, id);
        const char *name;
        int rc;

        if (!t || !btf_is_func(t))
            continue;
        name = btf__name_by_offset(b->btf, t->name_off);
        if (!name || !name[0])
            continue;
        rc = dc_strmap_put(&b->names, name, strlen(name), b->nfuncs, NULL);
        if (rc < 0)
            goto nomem;
        if (rc == 1)
            b->funcs[b->nfuncs++] = id;
    }
    b->sigs = calloc(b->nfuncs ? b->nfuncs : 1, sizeof(*b->sigs));
    b->sig_done = calloc(b->nfuncs ? b->nfuncs : 1, 1);
    if (!b->sigs || !b->sig_done)
        goto nomem;
    return b;
nomem:
    snprintf(err, errlen, "out of memory");
    dc_btf_close(b);
    return NULL;
}

void dc_btf_close(struct dc_btf *b)
{
    if (!b)
        return;
    btf__free(b->btf);
    free(b->funcs);
    free(b->sigs);
    free(b->sig_done);
    dc_strmap_free(&b->names);
    free(b->proto_sigs);
    dc_strmap_free(&b->types);
    free(b);
}

size_t dc_btf_nfuncs(const struct dc_btf *b)
{
    return b->nfuncs;
}

const char *dc_btf_func_name(const struct dc_btf *b, size_t i)
{
    const struct btf_type *t = btf__type_by_id(b->btf, b->funcs[i]);

    return btf__name_by_offset(b->btf, t->name_off);
}

long dc_btf_find_len(const struct dc_btf *b, const char *name, size_t len)
{
    uint64_t pos;

    return dc_strmap_get(&b->names, name, len, &pos) ? (long)pos : -1;
}

long dc_btf_find(const struct dc_btf *b, const char *name)
{
    uint64_t pos;

    return dc_strmap_get(&b->names, name, strlen(name), &pos) ? (long)pos : -1;
}

const char *dc_btf_syscall_prefix(struct dc_btf *b)
{
    if (!b->prefix[0])
        detect_prefix(b);
    return b->prefix;
}

const char *dc_btf_path(const struct dc_btf *b)
{
    return b->path;
}

/* Append strings to a bounded buffer; 0, or -1 when they do not fit. */
static int app(char *buf, size_t len, size_t *pos, const char *a, const char *b)
{
    size_t na = strlen(a), nb = b ? strlen(b) : 0;

    if (na + nb >= len - *pos)
        return -1;
    memcpy(buf + *pos, a, na);
    memcpy(buf + *pos + na, b ? b : "", nb + 1);
    *pos += na + nb;
    return 0;
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
    const char *n = btf__name_by_offset(btf, t->name_off);

    return n ? n : "";
}

/* The C text of type id, appended at *pos. */
static int render(const struct btf *btf, uint32_t id, char *buf, size_t len, size_t *pos, int depth)
{
    const struct btf_type *t, *u;
    const char *n;

    if (id == 0)
        return app(buf, len, pos, "void", NULL);
    t = btf__type_by_id(btf, id);
    if (!t || depth > DEPTH_MAX)
        return -1;
    n = name_of(btf, t);
    switch (btf_kind(t)) {
    case BTF_KIND_INT:
    case BTF_KIND_FLOAT:
    case BTF_KIND_TYPEDEF: return n[0] ? app(buf, len, pos, n, NULL) : -1;
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
        return n[0] ? app(buf, len, pos, "enum ", n) : app(buf, len, pos, "int", NULL);
    case BTF_KIND_STRUCT: return app(buf, len, pos, n[0] ? "struct " : "struct", n);
    case BTF_KIND_UNION: return app(buf, len, pos, n[0] ? "union " : "union", n);
    case BTF_KIND_FWD: return app(buf, len, pos, btf_kflag(t) ? "union " : "struct ", n);
    case BTF_KIND_CONST:
        u = t->type ? btf__type_by_id(btf, t->type) : NULL;
        if (u && btf_kind(u) == BTF_KIND_PTR) /* the pointer is const: "char *const" */
            return render(btf, t->type, buf, len, pos, depth + 1) < 0
                       ? -1
                       : app(buf, len, pos, "const", NULL);
        if (app(buf, len, pos, "const ", NULL) < 0)
            return -1;
        return render(btf, t->type, buf, len, pos, depth + 1);
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
    case BTF_KIND_DECL_TAG: return render(btf, t->type, buf, len, pos, depth + 1);
    case BTF_KIND_PTR:
        u = t->type ? btf__type_by_id(btf, t->type) : NULL;
        if (u && btf_kind(u) == BTF_KIND_FUNC_PROTO)
            return app(buf, len, pos, "void *", NULL);
        if (render(btf, t->type, buf, len, pos, depth + 1) < 0)
            return -1;
        return app(buf, len, pos, buf[*pos - 1] == '*' ? "*" : " *", NULL);
    case BTF_KIND_ARRAY:
        if (render(btf, btf_array(t)->type, buf, len, pos, depth + 1) < 0)
            return -1;
        return app(buf, len, pos, buf[*pos - 1] == '*' ? "*" : " *", NULL);
    case BTF_KIND_FUNC_PROTO: return app(buf, len, pos, "void *", NULL);
    default: return -1;
    }
}

/* Through typedefs and qualifiers to what the value is. */
static const struct btf_type *resolve(const struct btf *btf, uint32_t id)
{
    for (int i = 0; id && i < DEPTH_MAX; i++) {
        const struct btf_type *t = btf__type_by_id(btf, id);

        if (!t)
            return NULL;
        switch (btf_kind(t)) {
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_CONST:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG: id = t->type; break;
        default: return t;
        }
    }
    return NULL;
}

/* One copy of each type text: a kernel has far fewer distinct types than parameters. */
static const char *intern(struct dc_btf *b, const char *text)
{
    size_t n = strlen(text);
    uint64_t v;
    char *copy;

    if (dc_strmap_get(&b->types, text, n, &v))
        return (const char *)(uintptr_t)v;
    copy = dc_arena_strndup(b->arena, text, n);
    if (copy && dc_strmap_put(&b->types, copy, n, (uint64_t)(uintptr_t)copy, NULL) < 0)
        return NULL;
    return copy;
}

static struct dc_sig *render_sig(struct dc_btf *b, const struct btf_type *proto)
{
    const struct btf_param *p = btf_params(proto);
    uint16_t n = btf_vlen(proto);
    struct dc_sig *sig = dc_arena_alloc(b->arena, sizeof(*sig));
    char type[DC_ARG_TEXT_MAX];

    if (!sig)
        return NULL;
    if (n > DC_ARG_MAX)
        n = DC_ARG_MAX;
    sig->nargs = 0;
    sig->args = dc_arena_alloc(b->arena, sizeof(struct dc_arg) * (n ? n : 1));
    if (!sig->args)
        return NULL;
    for (uint16_t i = 0; i < n; i++) {
        const char *label = btf__name_by_offset(b->btf, p[i].name_off);
        const struct btf_type *r;
        struct dc_arg *arg = &sig->args[sig->nargs];
        size_t pos = 0;
        __s64 size;

        if (p[i].type == 0 && (!label || !label[0]))
            break; /* "..." */
        type[0] = '\0';
        if (render(b->btf, p[i].type, type, sizeof(type), &pos, 0) < 0)
            snprintf(type, sizeof(type), UNKNOWN);
        r = resolve(b->btf, p[i].type);
        arg->is_pointer = r && (btf_kind(r) == BTF_KIND_PTR || btf_kind(r) == BTF_KIND_ARRAY);
        size = arg->is_pointer ? 8 : btf__resolve_size(b->btf, p[i].type);
        arg->num_bytes = dc_arg_num_bytes(type, arg->is_pointer, size > 0 ? (uint64_t)size : 0);
        arg->c_type = intern(b, type);
        /* BTF's strings live as long as b: point at them. */
        if (label && label[0] && strlen(label) < DC_ARG_TEXT_MAX)
            arg->label = label;
        else
            arg->label = dc_arena_printf(b->arena, "arg%u", (unsigned)i + 1);
        if (!arg->c_type || !arg->label)
            return NULL;
        sig->nargs++;
    }
    return sig;
}

const struct dc_sig *dc_btf_func_sig(struct dc_btf *b, size_t i)
{
    const struct btf_type *f, *proto;
    struct dc_sig *sig;

    if (i >= b->nfuncs)
        return NULL;
    if (b->sig_done[i])
        return b->sigs[i];
    b->sig_done[i] = 1;
    f = btf__type_by_id(b->btf, b->funcs[i]);
    proto = f && f->type < b->end_id ? btf__type_by_id(b->btf, f->type) : NULL;
    if (!proto || !btf_is_func_proto(proto))
        return NULL;
    /* Functions of one prototype share its signature (and, later, its JSON). */
    if (!b->proto_sigs) {
        b->proto_sigs = calloc(b->end_id, sizeof(*b->proto_sigs));
        if (!b->proto_sigs)
            return NULL;
    }
    if (b->proto_sigs[f->type])
        return b->sigs[i] = b->proto_sigs[f->type];
    sig = render_sig(b, proto);
    b->sigs[i] = b->proto_sigs[f->type] = sig;
    return sig;
}
