/* SPDX-License-Identifier: BSD-3-Clause */
/* libpath.c - find a shared library by name without loading anything (see libpath.h). */
#include "libpath.h"

#include <errno.h>
#include <glob.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIRS 32
#define DIR_LEN  1024

struct dirs {
    char v[MAX_DIRS][DIR_LEN];
    size_t n;
};

struct loaded_query {
    const char *name; /* base name wanted */
    char *out;
    size_t outlen;
    int found;
    struct dirs *dirs; /* collect the directories of loaded objects when not NULL */
};

static const char *const std_dirs[] = {
    "/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib64", "/usr/local/lib",
};

static void add_dir(struct dirs *d, const char *dir, size_t len)
{
    if (len == 0 || len >= DIR_LEN || d->n >= MAX_DIRS)
        return;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->v[i]) == len && memcmp(d->v[i], dir, len) == 0)
            return;
    memcpy(d->v[d->n], dir, len);
    d->v[d->n++][len] = '\0';
}

static int is_regular(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int visit(struct dl_phdr_info *info, size_t size, void *arg)
{
    struct loaded_query *q = arg;
    const char *path = info->dlpi_name, *slash;

    (void)size;
    if (!path || path[0] != '/')
        return 0; /* the main program and the vDSO have no usable name */
    slash = strrchr(path, '/');
    if (q->dirs)
        add_dir(q->dirs, path, (size_t)(slash - path));
    if (q->name && !q->found && strcmp(slash + 1, q->name) == 0 && is_regular(path) &&
        strlen(path) < q->outlen) {
        strcpy(q->out, path);
        q->found = 1;
    }
    return 0;
}

static void search_dirs(struct dirs *d)
{
    struct loaded_query q = {.dirs = d};

    d->n = 0;
    dl_iterate_phdr(visit, &q);
    for (size_t i = 0; i < sizeof(std_dirs) / sizeof(std_dirs[0]); i++)
        add_dir(d, std_dirs[i], strlen(std_dirs[i]));
}

int dc_libpath_resolve(const char *name, char *out, size_t outlen)
{
    struct loaded_query q = {.name = name, .out = out, .outlen = outlen};
    struct dirs *d;
    int rc = -1;

    if (!name || !name[0] || strchr(name, '/')) {
        errno = EINVAL;
        return -1;
    }
    dl_iterate_phdr(visit, &q);
    if (q.found)
        return 0;
    d = malloc(sizeof(*d));
    if (!d)
        return -1;
    search_dirs(d);
    errno = ENOENT;
    for (size_t i = 0; i < d->n; i++) {
        int n = snprintf(out, outlen, "%s/%s", d->v[i], name);

        if (n < 0 || (size_t)n >= outlen) {
            errno = ENAMETOOLONG;
            continue;
        }
        if (is_regular(out)) {
            rc = 0;
            break;
        }
    }
    if (rc < 0 && errno != ENAMETOOLONG)
        errno = ENOENT;
    free(d);
    return rc;
}

int dc_libpath_libc(char *out, size_t outlen)
{
    return dc_libpath_resolve("libc.so.6", out, outlen);
}

static int cmp_version(const void *a, const void *b)
{
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

int dc_libpath_find_glob(const char *pattern, char *out, size_t outlen)
{
    struct dirs *d;
    char pat[DIR_LEN + 256];
    int rc = -1;

    if (!pattern || !pattern[0] || strchr(pattern, '/') || strlen(pattern) > 255) {
        errno = EINVAL;
        return -1;
    }
    d = malloc(sizeof(*d));
    if (!d)
        return -1;
    search_dirs(d);
    for (size_t i = 0; i < d->n && rc < 0; i++) {
        glob_t g;
        char **keep;
        size_t nkeep = 0;

        snprintf(pat, sizeof(pat), "%s/%s", d->v[i], pattern);
        if (glob(pat, GLOB_NOSORT, NULL, &g) != 0)
            continue;
        keep = calloc(g.gl_pathc, sizeof(char *));
        for (size_t j = 0; keep && j < g.gl_pathc; j++)
            if (is_regular(g.gl_pathv[j]))
                keep[nkeep++] = g.gl_pathv[j];
        if (nkeep > 0) {
            qsort(keep, nkeep, sizeof(char *), cmp_version);
            if (strlen(keep[nkeep - 1]) < outlen) {
                strcpy(out, keep[nkeep - 1]);
                rc = 0;
            }
        }
        free(keep);
        globfree(&g);
    }
    free(d);
    if (rc < 0)
        errno = ENOENT;
    return rc;
}
