/* SPDX-License-Identifier: BSD-3-Clause */
/* plan.c - probe file categories to functions with ids, settings and names (see plan.h). */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "elfsym.h"
#include "format.h"
#include "log.h"
#include "probefile.h"
#include "safety.h"
#include "sitepolicy.h"
#include "systab.h"

void rt_plan_fail(struct rt_func *f, const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    if (f->error)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    f->error = strdup(buf);
    if (!f->error)
        f->error = strdup("out of memory");
}

static void note(struct rt_func *f, const char *what)
{
    if (!f->note)
        f->note = strdup(what);
}

/* c_type with qualifiers and spaces removed, for the string test: "const char *" -> "char*". */
static void bare_type(const char *c_type, char *out, size_t outlen)
{
    static const char *const drop[] = {"const",   "volatile", "restrict", "__restrict", "__user",
                                       "__force", "__iomem",  "signed",   "unsigned"};
    size_t o = 0;
    const char *p = c_type;

    while (*p && o + 1 < outlen) {
        size_t w = 0, i;

        if (*p == ' ' || *p == '\t') {
            p++;
            continue;
        }
        while (p[w] && (p[w] == '_' || (p[w] >= 'a' && p[w] <= 'z') ||
                        (p[w] >= 'A' && p[w] <= 'Z') || (p[w] >= '0' && p[w] <= '9')))
            w++;
        if (w == 0) {
            out[o++] = *p++;
            continue;
        }
        for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
            if (strlen(drop[i]) == w && strncmp(p, drop[i], w) == 0)
                break;
        if (i == sizeof(drop) / sizeof(drop[0]))
            for (size_t k = 0; k < w && o + 1 < outlen; k++)
                out[o++] = p[k];
        p += w;
    }
    out[o] = '\0';
}

static int has_word(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
        int before = p == s || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                                 (p[-1] >= '0' && p[-1] <= '9'));
        char c = p[n];
        int after = !(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));

        if (before && after)
            return 1;
    }
    return 0;
}

int rt_arg_classify(const char *c_type, int is_pointer, long num_bytes)
{
    static const char *const unsigned_types[] = {
        "unsigned", "size_t",   "uid_t",     "gid_t", "mode_t",  "umode_t",
        "dev_t",    "ino_t",    "bool",      "_Bool", "uint8_t", "uint16_t",
        "uint32_t", "uint64_t", "uintptr_t", "u8",    "u16",     "u32",
        "u64",      "__u8",     "__u16",     "__u32", "__u64",   "socklen_t",
        "nfds_t",   "rlim_t",   "fmode_t",   "gfp_t", "ulong",   "uint"};
    char bare[256];

    if (!c_type)
        c_type = "";
    if (is_pointer || strchr(c_type, '*')) {
        bare_type(c_type, bare, sizeof(bare));
        /* Exactly one level of char: "char **" is an array of pointers, not text. */
        if (strcmp(bare, "char*") == 0)
            return RT_ARG_STR;
        return RT_ARG_PTR;
    }
    /* Floating point travels in vector registers; aggregates by value do not fit in one. */
    if (has_word(c_type, "float") || has_word(c_type, "double") || has_word(c_type, "struct") ||
        has_word(c_type, "union") || num_bytes > 8)
        return -1;
    for (size_t i = 0; i < sizeof(unsigned_types) / sizeof(unsigned_types[0]); i++)
        if (has_word(c_type, unsigned_types[i]))
            return RT_ARG_UINT;
    return RT_ARG_INT;
}

static unsigned width(long num_bytes)
{
    return num_bytes == 1 || num_bytes == 2 || num_bytes == 4 ? (unsigned)num_bytes : 8;
}

/* Calls whose return value is the number of bytes placed in their output buffer. */
static int returns_count(const char *fn)
{
    static const char *const names[] = {
        "read",     "pread",     "pread64",    "__read_chk", "__pread_chk", "__pread64_chk",
        "recv",     "recvfrom",  "__recv_chk", "readlink",   "readlinkat",  "__readlink_chk",
        "getxattr", "lgetxattr", "fgetxattr",  "pread64v2"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(fn, names[i]) == 0)
            return 1;
    return 0;
}

/*
 * When string slot s of f is read: a "char *" that is not const is the call's output (read
 * when it returns, never the stale bytes it held before); a read-like call's output is bounded
 * by its return value.
 */
static void string_timing(struct rt_func *f, unsigned s, const char *c_type)
{
    if (has_word(c_type ? c_type : "", "const"))
        return;
    f->cfg.str_when |= (__u8)(1u << s);
    if (returns_count(f->symbol))
        f->cfg.str_when |= (__u8)(1u << (s + 4));
}

/* A key "label<suffix>": JSON-escaped, quoted, followed by ':' and tail (a value, or ""). */
static char *suffixed_key(const char *label, size_t llen, const char *suffix, const char *tail,
                          size_t *len)
{
    size_t slen = strlen(suffix), tlen = strlen(tail);
    char *k = malloc(RT_ESC_MAX(llen) + slen + tlen + 4), *o = k;

    if (!k)
        return NULL;
    *o++ = '"';
    o += rt_json_escape(o, label, llen);
    memcpy(o, suffix, slen);
    o += slen;
    *o++ = '"';
    *o++ = ':';
    memcpy(o, tail, tlen);
    o += tlen;
    *o = '\0';
    *len = (size_t)(o - k);
    return k;
}

/* The marks of a string argument: "label.cut":true and "label.hex": (datacrumbs(8)). */
static int string_keys(struct rt_arg *a, const char *label, size_t llen)
{
    a->cut_key = suffixed_key(label, llen, ".cut", "true", &a->cut_len);
    a->hex_key = suffixed_key(label, llen, ".hex", "", &a->hex_len);
    if (a->cut_key && a->hex_key)
        return 0;
    free(a->cut_key);
    free(a->hex_key);
    a->cut_key = a->hex_key = NULL;
    return -1;
}

/*
 * The open family's mode is read by the kernel only with O_CREAT or O_TMPFILE in the flags;
 * without them the C library's variadic open never passed one, and the register holds
 * whatever it held. Find the mode (and the flags' register) so that it is left out then.
 */
static void open_mode(struct rt_func *f)
{
    static const struct {
        const char *name;
        unsigned flags, mode;
    } fam[] = {{"open", 1, 2},   {"open64", 1, 2},   {"__open", 1, 2},   {"__open64", 1, 2},
               {"openat", 2, 3}, {"openat64", 2, 3}, {"__openat", 2, 3}, {"__openat64", 2, 3}};
    const char *name = f->kind == DC_KIND_SYSCALL ? dc_sp_syscall_base(f->symbol) : f->symbol;
    size_t n = strcspn(name, "@");

    f->mode_arg = -1;
    for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
        if (strlen(fam[i].name) != n || strncmp(fam[i].name, name, n) != 0)
            continue;
        for (unsigned a = 0; a < f->nargs; a++)
            if (f->args[a].reg == fam[i].mode && f->args[a].type != RT_ARG_STR)
                f->mode_arg = (int)a;
        f->flags_reg = fam[i].flags;
        return;
    }
}

/* Read one function's argument specs (reference 5.1) into f; anything unusable is noted. */
static void plan_args(struct rt_func *f, const json_t *specs)
{
    size_t i;
    const json_t *spec;
    unsigned nstr = 0, nregs = 0;

    if (!json_is_array(specs)) {
        if (specs)
            note(f, "function_arguments entry is not an array");
        return;
    }
    json_array_foreach(specs, i, spec)
    {
        json_t *jidx = json_object_get(spec, "index"), *jbytes = json_object_get(spec, "num_bytes");
        json_t *jptr = json_object_get(spec, "is_pointer"),
               *jlabel = json_object_get(spec, "label");
        json_t *jtype = json_object_get(spec, "c_type");
        struct rt_arg *a;
        const char *label;
        json_int_t idx;
        int type;
        size_t llen;

        if (!json_is_integer(jidx) || !json_is_string(jlabel) || !*json_string_value(jlabel)) {
            note(f, "an argument spec without index or label was left out");
            continue;
        }
        idx = json_integer_value(jidx);
        label = json_string_value(jlabel);
        llen = strlen(label);
        if (llen >= 4 && (!strcmp(label + llen - 4, ".cut") || !strcmp(label + llen - 4, ".hex"))) {
            note(f, "a label ending in .cut or .hex (the marks of strings) was left out");
            continue;
        }
        if (idx < 0 || idx >= DC_MAX_ARGS) {
            note(f, "arguments past the sixth are not captured");
            continue;
        }
        type = rt_arg_classify(json_is_string(jtype) ? json_string_value(jtype) : "",
                               json_is_true(jptr),
                               json_is_integer(jbytes) ? (long)json_integer_value(jbytes) : 8);
        if (type < 0) {
            note(f, "floating point and structure arguments are not captured");
            continue;
        }
        if (f->nargs >= DC_MAX_ARGS)
            break;
        a = &f->args[f->nargs];
        a->key = malloc(RT_ESC_MAX(llen) + 4);
        if (!a->key)
            continue;
        a->key[0] = '"';
        a->key_len = 1 + rt_json_escape(a->key + 1, label, llen);
        a->key[a->key_len++] = '"';
        a->key[a->key_len++] = ':';
        a->key[a->key_len] = '\0';
        for (unsigned k = 0; k < f->nargs; k++)
            if (strcmp(f->args[k].key, a->key) == 0)
                type = -2;
        if (type == -2) {
            note(f, "a duplicate argument label was left out");
            free(a->key);
            a->key = NULL;
            continue;
        }
        if (type == RT_ARG_STR && nstr >= DC_MAX_STR) {
            note(f, "only two string arguments are read; others are shown as pointers");
            type = RT_ARG_PTR;
        }
        a->reg = (unsigned)idx;
        a->type = (enum rt_arg_type)type;
        a->bytes = width(json_is_integer(jbytes) ? (long)json_integer_value(jbytes) : 8);
        if (type == RT_ARG_STR) {
            /* num_bytes: the most bytes the event shows (DC_STR_MAX at most); a longer
             * string is cut there, and marked. */
            json_int_t n = json_is_integer(jbytes) ? json_integer_value(jbytes) : DC_STR_MAX;

            if (n < 1 || n > DC_STR_MAX)
                n = DC_STR_MAX;
            if (string_keys(a, label, llen) < 0) {
                free(a->key);
                a->key = NULL;
                continue;
            }
            a->slot = nstr;
            f->cfg.str_reg[nstr] = (__u8)idx;
            f->cfg.str_len[nstr] = (__u16)(n + 1);
            string_timing(f, nstr, json_is_string(jtype) ? json_string_value(jtype) : "");
            a->counted = (f->cfg.str_when >> (nstr + 4)) & 1;
            nstr++;
        }
        if (strcmp(label, "ret") == 0)
            f->no_ret = 1;
        if ((unsigned)idx + 1 > nregs)
            nregs = (unsigned)idx + 1;
        f->nargs++;
    }
    f->cfg.nstr = (__u8)nstr;
    f->cfg.nregs = (__u8)nregs;
    open_mode(f);
}

static int make_head(struct rt_func *f, const char *display)
{
    char *name = rt_json_quote(display), *cat = rt_json_quote(f->category);
    size_t len;
    int rc = -1;

    if (!name || !cat)
        goto cleanup;
    len = strlen(",\"name\":") + strlen(name) + strlen(",\"cat\":") + strlen(cat) +
          strlen(",\"ph\":\"X\",\"ts\":") + 1;
    f->head = malloc(len);
    if (!f->head)
        goto cleanup;
    f->head_len =
        (size_t)snprintf(f->head, len, ",\"name\":%s,\"cat\":%s,\"ph\":\"X\",\"ts\":", name, cat);
    rc = 0;
cleanup:
    free(name);
    free(cat);
    return rc;
}

/* "name:0x1a2b" -> symbol "name", offset 0x1a2b (a C integer after the last ':'). */
static void split_offset(struct rt_func *f)
{
    const char *colon = strrchr(f->name, ':');
    char *end;
    unsigned long long off;

    f->symbol = colon ? strndup(f->name, (size_t)(colon - f->name)) : strdup(f->name);
    if (!colon || f->kind != DC_KIND_USER)
        return;
    errno = 0;
    off = strtoull(colon + 1, &end, 0);
    if (errno || end == colon + 1 || *end || colon[1] == '-' || off == 0)
        rt_plan_fail(f, "bad file offset '%s'", colon + 1);
    else {
        f->offset = off;
        f->has_offset = 1;
        f->given_offset = 1;
    }
}

static int add_binary(struct rt_plan *p, const char *path)
{
    for (size_t i = 0; i < p->nbins; i++)
        if (strcmp(p->bins[i].path, path) == 0)
            return (int)i;
    p->bins[p->nbins].path = strdup(path);
    p->bins[p->nbins].fd = -1;
    if (!p->bins[p->nbins].path)
        return -1;
    return (int)p->nbins++;
}

/* What every function of a category shares. */
struct plan_cat {
    const char *name;
    json_int_t type;
    enum dc_fn_kind kind;
    int bin; /* index into p->bins, or -1 */
    const json_t *fargs;
};

/* One function of category c (entry_listed: from entry_functions). -1: out of memory. */
static int add_func(struct rt_plan *p, const struct plan_cat *c, const char *fname,
                    int entry_listed)
{
    struct rt_func *f = &p->funcs[p->nfuncs];
    const char *why = NULL;
    enum rt_probe_how how;

    f->id = (unsigned)(p->nfuncs + 1);
    p->nfuncs++;
    f->kind = c->kind;
    f->binary = c->bin;
    f->nr = -1;
    f->mode_arg = -1;
    f->name = strdup(fname);
    f->category = strdup(c->name);
    if (!f->name || !f->category)
        return -1;
    split_offset(f);
    if (!f->symbol || make_head(f, f->symbol) < 0)
        return -1;
    f->cfg.kind = (__u8)c->kind;
    if (json_is_object(c->fargs)) {
        const json_t *specs = json_object_get(c->fargs, fname);

        if (!specs)
            specs = json_object_get(c->fargs, f->symbol);
        plan_args(f, specs);
    }
    if (c->type == DC_PF_USDT)
        rt_plan_fail(f, "USDT probes are not supported by this runtime");
    else if (c->type == DC_PF_CUSTOM)
        rt_plan_fail(f, "custom BPF probes are not supported by this runtime");
    else if (!c->kind)
        rt_plan_fail(f, "unknown probe type %lld", (long long)c->type);
    else if (entry_listed && c->kind != DC_KIND_USER)
        rt_plan_fail(f, "entry_functions are for user-space functions only");
    else if (c->kind == DC_KIND_USER && c->bin < 0)
        rt_plan_fail(f, "the category has no absolute binary_path");
    else if (!*f->symbol)
        rt_plan_fail(f, "empty function name");
    else if (c->kind == DC_KIND_USER &&
             (how = rt_probe_how(f->symbol, entry_listed, &why)) != RT_PROBE_BOTH) {
        if (how == RT_PROBE_REFUSED)
            rt_plan_fail(f, "%s", why);
        f->cfg.flags |= DC_FN_ENTRY_ONLY;
        f->no_ret = 1;
    }
    return 0;
}

int rt_plan_build(struct rt_plan *p, const json_t *categories, char *err, size_t errlen)
{
    size_t ci, total = 0;
    const json_t *cat;

    memset(p, 0, sizeof(*p));
    if (!json_is_array(categories)) {
        snprintf(err, errlen, "categories is not an array");
        return -1;
    }
    json_array_foreach(categories, ci, cat) total +=
        json_array_size(json_object_get(cat, "functions")) +
        json_array_size(json_object_get(cat, "entry_functions"));
    p->funcs = calloc(total ? total : 1, sizeof(*p->funcs));
    p->bins = calloc(json_array_size(categories) + 1, sizeof(*p->bins));
    if (!p->funcs || !p->bins) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    json_array_foreach(categories, ci, cat)
    {
        const json_t *fns = json_object_get(cat, "functions");
        const json_t *jbin = json_object_get(cat, "binary_path");
        struct plan_cat c = {.name = json_string_value(json_object_get(cat, "name")),
                             .type = json_integer_value(json_object_get(cat, "type")),
                             .fargs = json_object_get(cat, "function_arguments"),
                             .bin = -1};
        const json_t *jfn;
        size_t fi;

        if (!c.name || !json_is_array(fns)) {
            snprintf(err, errlen, "categories[%zu] has no name or functions", ci);
            return -1;
        }
        if (c.type == DC_PF_SYSCALLS)
            c.kind = DC_KIND_SYSCALL;
        else if (c.type == DC_PF_KPROBE)
            c.kind = DC_KIND_KERNEL;
        else if (c.type == DC_PF_UPROBE)
            c.kind = DC_KIND_USER;
        if (c.kind == DC_KIND_USER && json_is_string(jbin) && json_string_value(jbin)[0] == '/')
            c.bin = add_binary(p, json_string_value(jbin));
        for (int entry = 0; entry < 2; entry++) {
            const json_t *list = entry ? json_object_get(cat, "entry_functions") : fns;

            if (entry && !list)
                break;
            if (!json_is_array(list)) {
                snprintf(err, errlen, "categories[%zu].entry_functions is not an array", ci);
                return -1;
            }
            json_array_foreach(list, fi, jfn)
            {
                if (!json_is_string(jfn)) {
                    snprintf(err, errlen, "categories[%zu].%s[%zu] is not a string", ci,
                             entry ? "entry_functions" : "functions", fi);
                    return -1;
                }
                if (add_func(p, &c, json_string_value(jfn), entry) < 0) {
                    snprintf(err, errlen, "out of memory");
                    return -1;
                }
            }
        }
    }
    p->max_line = rt_format_max_line(p);
    return 0;
}

static void resolve_syscalls(struct rt_plan *p)
{
    unsigned first[DC_MAX_SYSCALL] = {0}; /* id of the first function per syscall number */

    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        if (f->kind != DC_KIND_SYSCALL || f->error)
            continue;
        f->nr = rt_syscall_nr(f->symbol);
        if (f->nr < 0 || f->nr >= DC_MAX_SYSCALL) {
            rt_plan_fail(f, "no such syscall on this architecture");
            continue;
        }
        if (first[f->nr])
            f->alias_of = first[f->nr];
        else
            first[f->nr] = f->id;
    }
}

/*
 * One function the kernel cannot probe makes a whole uprobe_multi link fail, and finding it
 * by bisection registers thousands of probes in vain: read each entry instruction first.
 */
static void check_instructions(struct rt_plan *p, size_t b)
{
    int fd = p->bins[b].fd;
    struct stat st;

    if (fstat(fd, &st) < 0 || st.st_size <= 0)
        return; /* attaching will say why */
    /*
     * pread, not mmap: the kernel installs every active uprobe's int3 into any mapping of the
     * file that may execute (a PROT_READ private mapping qualifies), so a mapping would show
     * another daemon's breakpoints instead of the file's instructions.
     */
    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];
        unsigned char code[16];
        const char *why;
        ssize_t n;

        if (f->binary != (int)b || f->error || !f->has_offset)
            continue;
        if (f->offset >= (uint64_t)st.st_size) {
            rt_plan_fail(f, "offset 0x%llx is past the end of %s", (unsigned long long)f->offset,
                         p->bins[b].path);
            continue;
        }
        n = pread(fd, code, sizeof(code), (off_t)f->offset);
        if (n > 0 && (why = rt_unprobeable_insn(code, (size_t)n)))
            rt_plan_fail(f, "%s", why);
    }
}

/* The file itself, once: as the user when there is one. Sets bin->fd or bin->error. */
static void open_binary(struct rt_binary *bin, const struct dc_fsident *as)
{
    char err[512];
    int fd = -1, e = 0;

    switch (dc_open_as(as, bin->path, &fd, &e)) {
    case DC_OPENAS_OK:
        bin->fd = fd;
        snprintf(bin->attach_path, sizeof(bin->attach_path), "/proc/self/fd/%d", fd);
        return;
    case DC_OPENAS_NOT_REGULAR:
        snprintf(err, sizeof(err), "%s: not a regular file", bin->path);
        break;
    case DC_OPENAS_DENIED:
        snprintf(err, sizeof(err), "%s: %s%s", bin->path, strerror(e), as ? " (as the user)" : "");
        break;
    case DC_OPENAS_NO_IDENTITY:
        snprintf(err, sizeof(err), "%s: cannot take the user's identity: %s", bin->path,
                 strerror(e));
        break;
    }
    bin->error = strdup(err);
}

/* Offsets the probe file gives ("name:0x...") must be where function name starts. */
static void verify_given_offsets(struct rt_plan *p, size_t b)
{
    struct rt_binary *bin = &p->bins[b];
    struct rt_elf_query *q = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*q));
    size_t *who = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*who)), n = 0;
    char err[512];

    if (!q || !who) {
        bin->error = strdup("out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        if (f->binary == (int)b && !f->error && f->given_offset) {
            q[n].name = f->symbol;
            q[n].offset = f->offset;
            who[n++] = i;
        }
    }
    if (n && rt_elf_verify_fd(bin->fd, bin->path, q, n, err, sizeof(err)) < 0) {
        bin->error = strdup(err);
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++)
        if (!q[k].found)
            rt_plan_fail(&p->funcs[who[k]], "0x%llx is not where function '%s' starts in %s",
                         (unsigned long long)q[k].offset, q[k].name, bin->path);
cleanup:
    free(q);
    free(who);
}

static void resolve_binary(struct rt_plan *p, size_t b, const struct dc_fsident *as)
{
    struct rt_binary *bin = &p->bins[b];
    struct rt_elf_query *q = NULL;
    size_t *who = NULL, n = 0;
    char err[512];
    struct stat st;

    open_binary(bin, as);
    if (bin->error)
        return;
    if (fstat(bin->fd, &st) < 0) {
        snprintf(err, sizeof(err), "%s: %s", bin->path, strerror(errno));
        bin->error = strdup(err);
        return;
    }
    bin->dev = st.st_dev;
    bin->ino = st.st_ino;
    verify_given_offsets(p, b);
    if (bin->error)
        return;
    q = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*q));
    who = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*who));
    if (!q || !who) {
        bin->error = strdup("out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        if (f->binary == (int)b && !f->error && !f->has_offset) {
            q[n].name = f->symbol;
            who[n++] = i;
        }
    }
    if (n && rt_elf_resolve_fd(bin->fd, bin->path, q, n, err, sizeof(err)) < 0) {
        bin->error = strdup(err);
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++) {
        struct rt_func *f = &p->funcs[who[k]];

        if (!q[k].found)
            rt_plan_fail(f, "no function symbol '%s' in %s", f->symbol, bin->path);
        else {
            f->offset = q[k].offset;
            f->has_offset = 1;
        }
    }
    check_instructions(p, b);
cleanup:
    free(q);
    free(who);
}

static const struct rt_plan *sort_plan; /* qsort has no context argument in C11 */

static int cmp_address(const void *a, const void *b)
{
    const struct rt_func *f = &sort_plan->funcs[*(const size_t *)a];
    const struct rt_func *g = &sort_plan->funcs[*(const size_t *)b];
    const struct rt_binary *fb = &sort_plan->bins[f->binary], *gb = &sort_plan->bins[g->binary];

    if (fb->dev != gb->dev)
        return fb->dev < gb->dev ? -1 : 1;
    if (fb->ino != gb->ino)
        return fb->ino < gb->ino ? -1 : 1;
    if (f->offset != g->offset)
        return f->offset < g->offset ? -1 : 1;
    return f->id < g->id ? -1 : f->id > g->id;
}

/* Two names for one address (open and open64) would trace every call twice: the first name in
 * the file keeps it. Files are compared by inode, so /lib and /usr/lib paths are one file. */
static void find_aliases(struct rt_plan *p)
{
    size_t *idx = calloc(p->nfuncs ? p->nfuncs : 1, sizeof(*idx)), n = 0;

    if (!idx)
        return;
    for (size_t i = 0; i < p->nfuncs; i++)
        if (p->funcs[i].kind == DC_KIND_USER && !p->funcs[i].error)
            idx[n++] = i;
    sort_plan = p;
    qsort(idx, n, sizeof(*idx), cmp_address);
    sort_plan = NULL;
    for (size_t k = 1; k < n; k++) {
        struct rt_func *f = &p->funcs[idx[k]], *prev = &p->funcs[idx[k - 1]];

        if (f->offset == prev->offset && p->bins[f->binary].dev == p->bins[prev->binary].dev &&
            p->bins[f->binary].ino == p->bins[prev->binary].ino)
            f->alias_of = prev->alias_of ? prev->alias_of : prev->id;
    }
    free(idx);
}

/* Whether this kernel can place kprobes at all: the kprobe PMU, or tracefs' kprobe_events
 * (libbpf's fallback). Without either, --check must not promise them. */
static int kprobes_available(void)
{
    static const char *const where[] = {"/sys/bus/event_source/devices/kprobe",
                                        "/sys/kernel/tracing/kprobe_events",
                                        "/sys/kernel/debug/tracing/kprobe_events"};

    for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
        if (access(where[i], F_OK) == 0)
            return 1;
    return 0;
}

static void resolve_kernel(struct rt_plan *p)
{
    int have = -1;

    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        if (f->kind != DC_KIND_KERNEL || f->error)
            continue;
        if (have < 0)
            have = kprobes_available();
        if (!have)
            rt_plan_fail(f, "this kernel has no kprobes (no kprobe event source)");
    }
}

/* Aliases of kernel functions are not detected (the kernel resolves names). */
void rt_plan_resolve(struct rt_plan *p, const struct dc_fsident *as)
{
    resolve_syscalls(p);
    resolve_kernel(p);
    /* The binaries are the user's choice: together they get a bounded time (elfsym.h). */
    rt_elf_set_deadline(dc_now_ms() + RT_ELF_MAX_SECONDS * 1000LL, RT_ELF_MAX_SECONDS);
    for (size_t b = 0; b < p->nbins; b++)
        resolve_binary(p, b, as);
    rt_elf_set_deadline(0, 0);
    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        if (f->kind == DC_KIND_USER && f->binary >= 0 && p->bins[f->binary].error)
            rt_plan_fail(f, "%s", p->bins[f->binary].error);
    }
    find_aliases(p);
}

size_t rt_plan_count_traceable(const struct rt_plan *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->nfuncs; i++)
        if (!p->funcs[i].error && !p->funcs[i].alias_of)
            n++;
    return n;
}

static const char *kind_name(enum dc_fn_kind k)
{
    switch (k) {
    case DC_KIND_USER: return "uprobe";
    case DC_KIND_KERNEL: return "kprobe";
    case DC_KIND_SYSCALL: return "syscall";
    }
    return "-";
}

void rt_plan_warn_failures(const struct rt_plan *p, size_t max)
{
    size_t failed = 0;

    for (size_t i = 0; i < p->nfuncs; i++) {
        const struct rt_func *f = &p->funcs[i];

        if (!f->error)
            continue;
        if (failed++ < max)
            dc_warn("not tracing %s/%s: %s", f->category, f->name, f->error);
    }
    if (failed > max)
        dc_warn("... and %zu more functions not traced (listed in the summary)", failed - max);
}

void rt_plan_print(const struct rt_plan *p, FILE *out)
{
    size_t ok = 0, alias = 0, bad = 0;

    for (size_t i = 0; i < p->nfuncs; i++) {
        const struct rt_func *f = &p->funcs[i];

        fprintf(out, "%-7s %s/%s", kind_name(f->kind), f->category, f->name);
        if (f->error) {
            fprintf(out, ": not traced: %s\n", f->error);
            bad++;
            continue;
        }
        if (f->kind == DC_KIND_USER)
            fprintf(out, " at %s+0x%llx", p->bins[f->binary].path, (unsigned long long)f->offset);
        else if (f->kind == DC_KIND_SYSCALL)
            fprintf(out, " (syscall %d)", f->nr);
        if (f->alias_of) {
            fprintf(out, ": same as %s, traced under that name", p->funcs[f->alias_of - 1].name);
            alias++;
        } else {
            fprintf(out, " args:");
            for (unsigned a = 0; a < f->nargs; a++)
                fprintf(out, " %.*s", (int)(f->args[a].key_len - 3), f->args[a].key + 1);
            if (!f->nargs)
                fprintf(out, " -");
            ok++;
        }
        if (f->note)
            fprintf(out, " (%s)", f->note);
        fputc('\n', out);
    }
    fprintf(out, "%zu functions: %zu to attach, %zu aliases, %zu not traceable\n", p->nfuncs, ok,
            alias, bad);
}

void rt_plan_free(struct rt_plan *p)
{
    for (size_t i = 0; i < p->nfuncs; i++) {
        struct rt_func *f = &p->funcs[i];

        free(f->name);
        free(f->symbol);
        free(f->category);
        free(f->head);
        free(f->note);
        free(f->error);
        for (unsigned a = 0; a < f->nargs; a++) {
            free(f->args[a].key);
            free(f->args[a].cut_key);
            free(f->args[a].hex_key);
        }
    }
    for (size_t b = 0; b < p->nbins; b++) {
        free(p->bins[b].path);
        free(p->bins[b].error);
        if (p->bins[b].fd >= 0)
            close(p->bins[b].fd);
    }
    free(p->funcs);
    free(p->bins);
    memset(p, 0, sizeof(*p));
}
