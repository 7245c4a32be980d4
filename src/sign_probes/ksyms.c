/* SPDX-License-Identifier: BSD-3-Clause */
/* ksyms.c - kernel function names as a hash set (see ksyms.h). */
#include "ksyms.h"

#include <bpf/btf.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KSYM_NAME_MAX 512 /* KSYM_NAME_LEN is 512 since Linux 6.1 */

/* Names are stored back to back in one arena; the table holds arena offsets + 1 (0 = empty). */
struct dc_ksyms {
    char *arena;
    size_t arena_len, arena_cap;
    uint32_t *table;
    size_t mask; /* table size - 1 (a power of two) */
    size_t count;
    char source[256];
};

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static size_t find_slot(const struct dc_ksyms *k, const char *name, size_t len, int *found)
{
    size_t i = hash(name, len) & k->mask;

    for (;; i = (i + 1) & k->mask) {
        uint32_t off = k->table[i];
        const char *s;

        if (off == 0) {
            *found = 0;
            return i;
        }
        s = k->arena + off - 1;
        if (strncmp(s, name, len) == 0 && s[len] == '\0') {
            *found = 1;
            return i;
        }
    }
}

static int grow_table(struct dc_ksyms *k)
{
    size_t size = (k->mask + 1) * 2;
    uint32_t *old = k->table;
    size_t old_size = k->mask + 1;

    k->table = calloc(size, sizeof(*k->table));
    if (!k->table) {
        k->table = old;
        return -1;
    }
    k->mask = size - 1;
    for (size_t i = 0; i < old_size; i++) {
        const char *s;
        size_t slot;
        int found;

        if (!old[i])
            continue;
        s = k->arena + old[i] - 1;
        slot = find_slot(k, s, strlen(s), &found);
        k->table[slot] = old[i];
    }
    free(old);
    return 0;
}

static int add(struct dc_ksyms *k, const char *name, size_t len)
{
    size_t slot;
    int found;

    if (len == 0 || len >= KSYM_NAME_MAX)
        return 0;
    if ((k->count + 1) * 2 > k->mask + 1 && grow_table(k) < 0)
        return -1;
    slot = find_slot(k, name, len, &found);
    if (found)
        return 0;
    if (k->arena_len + len + 1 > k->arena_cap) {
        size_t cap = k->arena_cap ? k->arena_cap * 2 : 1u << 20;
        char *a;

        while (cap < k->arena_len + len + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            return -1;
        a = realloc(k->arena, cap);
        if (!a)
            return -1;
        k->arena = a;
        k->arena_cap = cap;
    }
    memcpy(k->arena + k->arena_len, name, len);
    k->arena[k->arena_len + len] = '\0';
    k->table[slot] = (uint32_t)(k->arena_len + 1);
    k->arena_len += len + 1;
    k->count++;
    return 0;
}

static struct dc_ksyms *new_set(const char *source)
{
    struct dc_ksyms *k = calloc(1, sizeof(*k));

    if (!k)
        return NULL;
    k->mask = 1023;
    k->table = calloc(k->mask + 1, sizeof(*k->table));
    if (!k->table) {
        free(k);
        return NULL;
    }
    snprintf(k->source, sizeof(k->source), "%s", source);
    return k;
}

void dc_ksyms_free(struct dc_ksyms *k)
{
    if (!k)
        return;
    free(k->arena);
    free(k->table);
    free(k);
}

/* Lines are "address type name [module]"; only text symbols (T, t) can be probed. */
static int load_kallsyms(struct dc_ksyms *k, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    char line[1024];
    int rc = -1;

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *type = strchr(line, ' '), *name, *end;

        if (!type || (type[1] != 'T' && type[1] != 't') || type[2] != ' ')
            continue;
        name = type + 3;
        end = name + strcspn(name, " \t\n");
        if (add(k, name, (size_t)(end - name)) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto out;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto out;
    }
    if (k->count == 0) {
        snprintf(err, errlen, "%s: no text symbols", path);
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    return rc;
}

/* The FUNC names of btf's own types (a module's split BTF starts after its base's types). */
static int add_btf_funcs(struct dc_ksyms *k, const struct btf *btf, __u32 first)
{
    __u32 n = btf__type_cnt(btf);

    for (__u32 id = first; id < n; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        const char *name;

        if (!t || !btf_is_func(t))
            continue;
        name = btf__name_by_offset(btf, t->name_off);
        if (name && add(k, name, strlen(name)) < 0)
            return -1;
    }
    return 0;
}

/*
 * vmlinux and every loaded module that has BTF (/sys/kernel/btf/<module>), so that kprobes on
 * module functions (file systems such as Lustre or NFS) can be checked too. A module whose BTF
 * cannot be read is skipped: its functions are then refused, never wrongly accepted.
 */
static int load_btf(struct dc_ksyms *k, char *err, size_t errlen)
{
    struct btf *vmlinux = btf__load_vmlinux_btf();
    DIR *dir;
    struct dirent *de;
    int rc = -1;

    if (!vmlinux) {
        snprintf(err, errlen, "vmlinux BTF: %s", strerror(errno));
        return -1;
    }
    if (add_btf_funcs(k, vmlinux, 1) < 0)
        goto nomem;
    dir = opendir("/sys/kernel/btf");
    while (dir && (de = readdir(dir)) != NULL) {
        char path[300];
        struct btf *mod;
        int bad;

        if (de->d_name[0] == '.' || strcmp(de->d_name, "vmlinux") == 0)
            continue;
        snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
        mod = btf__parse_split(path, vmlinux);
        if (!mod)
            continue;
        bad = add_btf_funcs(k, mod, btf__type_cnt(vmlinux)) < 0;
        btf__free(mod);
        if (bad) {
            closedir(dir);
            goto nomem;
        }
    }
    if (dir)
        closedir(dir);
    if (k->count == 0) {
        snprintf(err, errlen, "vmlinux BTF: no functions");
        goto out;
    }
    rc = 0;
    goto out;
nomem:
    snprintf(err, errlen, "kernel BTF: out of memory");
out:
    btf__free(vmlinux);
    return rc;
}

struct dc_ksyms *dc_ksyms_load(const char *path, char *err, size_t errlen)
{
    struct dc_ksyms *k = new_set(path ? path : "/proc/kallsyms");
    char err2[256];

    if (!k) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (load_kallsyms(k, path ? path : "/proc/kallsyms", err, errlen) == 0)
        return k;
    if (path) {
        dc_ksyms_free(k);
        return NULL;
    }
    dc_ksyms_free(k);
    k = new_set("kernel BTF");
    if (k && load_btf(k, err2, sizeof(err2)) == 0)
        return k;
    snprintf(err + strlen(err), errlen - strlen(err), "; %s", k ? err2 : "out of memory");
    dc_ksyms_free(k);
    return NULL;
}

struct dc_ksyms *dc_ksyms_from_names(const char *const *names, size_t n)
{
    struct dc_ksyms *k = new_set("list");

    for (size_t i = 0; k && i < n; i++) {
        if (add(k, names[i], strlen(names[i])) < 0) {
            dc_ksyms_free(k);
            return NULL;
        }
    }
    return k;
}

int dc_ksyms_has(const struct dc_ksyms *k, const char *name, size_t len)
{
    int found;

    if (!k || len == 0 || len >= KSYM_NAME_MAX || memchr(name, '\0', len))
        return 0;
    find_slot(k, name, len, &found);
    return found;
}

size_t dc_ksyms_count(const struct dc_ksyms *k)
{
    return k ? k->count : 0;
}

const char *dc_ksyms_source(const struct dc_ksyms *k)
{
    return k ? k->source : "";
}
