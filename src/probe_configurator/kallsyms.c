/* SPDX-License-Identifier: BSD-3-Clause */
/* kallsyms.c - kernel text symbols (see kallsyms.h). */
#include "kallsyms.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Parse buf (owned, NUL-terminated at len) in place, one pass: this runs over some 120000
 * lines on every kernel, so no line is looked at twice.
 */
static int parse(struct dc_kallsyms *k, size_t len, char *err, size_t errlen)
{
    char *p = k->buf, *end = k->buf + len;
    size_t cap = len / 40 + 16; /* lines are ~45 bytes: one allocation, no rehash */

    k->v = malloc(cap * sizeof(*k->v));
    if (!k->v)
        goto nomem;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p)), *q, *type, *name, *mod = NULL;
        size_t nlen;
        int bad = 0;

        if (!nl)
            nl = end;
        *nl = '\0';
        q = p;
        p = nl + 1;
        /* address */
        while (is_space(*q))
            q++;
        if (!*q)
            continue; /* an empty line */
        while (*q && !is_space(*q))
            q++;
        while (is_space(*q))
            q++;
        /* type: one character */
        type = q;
        if (!*q || !is_space(q[1])) {
            k->skipped++;
            continue;
        }
        q += 2;
        while (is_space(*q))
            q++;
        /* name */
        name = q;
        while (*q && !is_space(*q)) {
            if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
                bad = 1;
            q++;
        }
        nlen = (size_t)(q - name);
        if (nlen == 0 || bad) {
            k->skipped++;
            continue;
        }
        if (*type != 'T' && *type != 't')
            continue;
        if (*q) {
            *q++ = '\0';
            while (is_space(*q))
                q++;
            /* [module] */
            if (*q == '[') {
                char *close = strchr(q, ']');

                if (close && close > q + 1) {
                    *close = '\0';
                    mod = q + 1;
                }
            }
        }
        if (k->n == cap) {
            size_t ncap = cap * 2;
            struct dc_ksym *v = realloc(k->v, ncap * sizeof(*v));

            if (!v)
                goto nomem;
            k->v = v;
            cap = ncap;
        }
        k->v[k->n].name = name;
        k->v[k->n].module = mod;
        k->v[k->n].len = nlen;
        k->n++;
    }
    return 0;
nomem:
    snprintf(err, errlen, "out of memory");
    return -1;
}

int dc_kallsyms_parse(const char *text, size_t len, struct dc_kallsyms *k, char *err, size_t errlen)
{
    memset(k, 0, sizeof(*k));
    k->buf = malloc(len + 1);
    if (!k->buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(k->buf, text, len);
    k->buf[len] = '\0';
    if (parse(k, len, err, errlen) == 0)
        return 0;
    dc_kallsyms_free(k);
    return -1;
}

int dc_kallsyms_load(const char *path, struct dc_kallsyms *k, char *err, size_t errlen)
{
    size_t len = 0, cap = 8u << 20; /* today's kernels: 5 to 8 MiB, read without copies */
    int fd;

    memset(k, 0, sizeof(*k));
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    /* /proc files have no size: read until EOF, growing the buffer. */
    k->buf = malloc(cap + 1);
    while (k->buf) {
        ssize_t n;

        if (len == cap) {
            char *b;

            if (cap >= DC_KALLSYMS_SIZE_MAX) {
                snprintf(err, errlen, "%s is larger than %u bytes", path, DC_KALLSYMS_SIZE_MAX);
                goto fail;
            }
            cap *= 2;
            b = realloc(k->buf, cap + 1);
            if (!b) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            k->buf = b;
        }
        n = read(fd, k->buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (!k->buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    k->buf[len] = '\0';
    if (parse(k, len, err, errlen) == 0)
        return 0;
    dc_kallsyms_free(k);
    return -1;
fail:
    close(fd);
    dc_kallsyms_free(k);
    return -1;
}

int dc_kallsyms_has(struct dc_kallsyms *k, const char *name, size_t len)
{
    if (!k->indexed) {
        k->indexed = 1;
        if (dc_strmap_reserve(&k->set, k->n) < 0)
            k->indexed = -1;
        for (size_t i = 0; k->indexed > 0 && i < k->n; i++)
            if (dc_strmap_put(&k->set, k->v[i].name, k->v[i].len, 0, NULL) < 0)
                k->indexed = -1;
    }
    if (k->indexed < 0)
        return 1;
    return dc_strmap_get(&k->set, name, len, NULL);
}

void dc_kallsyms_free(struct dc_kallsyms *k)
{
    free(k->buf);
    free(k->v);
    dc_strmap_free(&k->set);
    memset(k, 0, sizeof(*k));
}
