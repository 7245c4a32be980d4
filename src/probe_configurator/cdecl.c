/* SPDX-License-Identifier: BSD-3-Clause */
/* cdecl.c - function declarations of a C header (see cdecl.h). */
#include "cdecl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "params.h"

static int is_ident_start(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Blank comments, string and character literals, and preprocessor lines (with continuations). */
static void clean(char *t, size_t len)
{
    enum { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, CHAR, PREPROC } st = CODE;
    int line_start = 1;
    char prevc = '\0'; /* the previous character as it was before blanking */

    for (size_t i = 0; i < len; i++) {
        char c = t[i], next = i + 1 < len ? t[i + 1] : '\0';

        switch (st) {
        case CODE:
            if (c == '/' && next == '/') {
                st = LINE_COMMENT;
                t[i] = ' ';
            } else if (c == '/' && next == '*') {
                st = BLOCK_COMMENT;
                t[i] = ' ';
                t[++i] = ' ';
                c = '*';
            } else if (c == '"') {
                st = STRING;
            } else if (c == '\'') {
                st = CHAR;
            } else if (c == '#' && line_start) {
                st = PREPROC;
                t[i] = ' ';
            }
            if (c == '\n')
                line_start = 1;
            else if (c != ' ' && c != '\t')
                line_start = 0;
            break;
        case LINE_COMMENT:
        case PREPROC:
            if (c == '\n' && prevc != '\\') {
                st = CODE;
                line_start = 1;
            } else if (c != '\n') {
                t[i] = ' ';
            }
            break;
        case BLOCK_COMMENT:
            if (c == '*' && next == '/') {
                t[i] = ' ';
                t[++i] = ' ';
                st = CODE;
                c = '/';
            } else if (c != '\n') {
                t[i] = ' ';
            }
            break;
        case STRING:
        case CHAR:
            if (c == '\\' && i + 1 < len) {
                t[i] = ' ';
                t[++i] = ' ';
                c = ' ';
            } else if ((st == STRING && c == '"') || (st == CHAR && c == '\'')) {
                st = CODE;
            } else if (c == '\n') {
                st = CODE; /* unterminated: give up on it at the line's end */
                line_start = 1;
            } else {
                t[i] = ' ';
            }
            break;
        }
        prevc = c;
    }
}

static int add(struct dc_cdecls *d, const char *name, size_t nlen, const char *params, size_t plen)
{
    struct dc_cdecl *c;
    const char *copy;
    int rc;

    if (dc_strmap_get(&d->index, name, nlen, NULL))
        return 0;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        struct dc_cdecl *v = realloc(d->v, cap * sizeof(*v));

        if (!v)
            return -1;
        d->v = v;
        d->cap = cap;
    }
    copy = dc_arena_strndup(d->arena, name, nlen);
    if (!copy)
        return -1;
    c = &d->v[d->n];
    c->name = copy;
    c->sig = NULL;
    {
        struct dc_sig *sig = dc_arena_alloc(d->arena, sizeof(*sig));

        if (!sig)
            return -1;
        if (dc_params_parse(params, plen, d->arena, sig) == 0)
            c->sig = sig;
    }
    rc = dc_strmap_put(&d->index, copy, nlen, d->n, NULL);
    if (rc < 0)
        return -1;
    d->n++;
    return 0;
}

int dc_cdecls_scan(struct dc_cdecls *d, const char *text, size_t len)
{
    enum { NONE, IDENT, STAR, OTHER } prev = NONE;
    int braces = 0, parens = 0;
    char *t = malloc(len + 1);
    size_t i = 0;
    int rc = 0;

    if (!t)
        return -1;
    memcpy(t, text, len);
    t[len] = '\0';
    clean(t, len);
    while (i < len && rc == 0) {
        char c = t[i];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
            c == '\\') {
            i++;
            continue;
        }
        if (is_ident_start(c)) {
            size_t s = i, j;

            while (i < len && is_ident(t[i]))
                i++;
            if (braces == 0 && parens == 0 && (prev == IDENT || prev == STAR)) {
                for (j = i; j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n'); j++)
                    ;
                if (j < len && t[j] == '(') {
                    size_t open = j, close;
                    int depth = 0;

                    for (close = open; close < len; close++) {
                        if (t[close] == '(')
                            depth++;
                        else if (t[close] == ')' && --depth == 0)
                            break;
                    }
                    if (close < len) {
                        size_t k;

                        for (k = close + 1;
                             k < len && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n'); k++)
                            ;
                        if (k == len || t[k] == ';' || t[k] == '{' || t[k] == ',' ||
                            is_ident_start(t[k]))
                            rc = add(d, t + s, i - s, t + open + 1, close - open - 1);
                        i = close + 1;
                        prev = OTHER;
                        continue;
                    }
                }
            }
            prev = IDENT;
            continue;
        }
        switch (c) {
        case '*': prev = STAR; break;
        case '{':
            braces++;
            prev = NONE;
            break;
        case '}':
            if (braces > 0)
                braces--;
            prev = NONE;
            break;
        case '(':
            parens++;
            prev = OTHER;
            break;
        case ')':
            if (parens > 0)
                parens--;
            prev = OTHER;
            break;
        case ';': prev = NONE; break;
        default: prev = OTHER; break;
        }
        i++;
    }
    free(t);
    return rc;
}

int dc_cdecls_scan_file(struct dc_cdecls *d, const char *path)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    int fd, rc = -1, e;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0)
        goto cleanup;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto cleanup;
    }
    if ((unsigned long long)st.st_size > DC_CDECL_TEXT_MAX) {
        errno = EFBIG;
        goto cleanup;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        goto cleanup;
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto cleanup;
        if (n == 0)
            break;
        len += (size_t)n;
    }
    rc = dc_cdecls_scan(d, buf, len);
    if (rc < 0)
        errno = ENOMEM;
cleanup:
    e = errno;
    free(buf);
    close(fd);
    errno = e;
    return rc;
}

const struct dc_cdecl *dc_cdecls_find(const struct dc_cdecls *d, const char *name)
{
    uint64_t pos;

    if (!dc_strmap_get(&d->index, name, strlen(name), &pos))
        return NULL;
    return &d->v[pos];
}

void dc_cdecls_free(struct dc_cdecls *d)
{
    free(d->v);
    dc_strmap_free(&d->index);
    d->v = NULL;
    d->n = d->cap = 0;
}
