/* SPDX-License-Identifier: BSD-3-Clause */
/* hostlist.c - SLURM hostlist expansion (see hostlist.h). */
#include "hostlist.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

#define MAX_GROUPS 8  /* bracket groups in one host expression */
#define MAX_DIGITS 18 /* fits in unsigned long long with room to add one */

struct range {
    unsigned long long lo, hi;
    int width; /* zero-padding width: the length of the lower bound as written */
};

/* One host expression: literal pieces between bracket groups. */
struct expr {
    const char *lit[MAX_GROUPS + 1]; /* literal before group i; lit[ngroups] is the suffix */
    size_t litlen[MAX_GROUPS + 1];
    struct range *ranges[MAX_GROUPS];
    size_t nranges[MAX_GROUPS];
    int ngroups;
};

struct parser {
    const char *s; /* the whole input, for positions */
    char *err;
    size_t errlen;
    struct dc_hostlist *out;
};

static int fail(struct parser *p, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, const char *at, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "position %zu: %s", (size_t)(at - p->s) + 1, what);
    return -1;
}

/* A character for a message: 'c' when printable ASCII, else its byte value, so that half of a
 * UTF-8 sequence or a control byte never reaches a terminal or a log raw. */
static const char *show(char c, char out[16])
{
    unsigned char u = (unsigned char)c;

    if (u >= 0x20 && u < 0x7f)
        snprintf(out, 16, "'%c'", c);
    else
        snprintf(out, 16, "byte 0x%02x", u);
    return out;
}

bool dc_hostname_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > DC_HOSTNAME_MAX || !isalnum((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
            return false;
    return true;
}

static int is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\n';
}

static int literal_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* Parse "lo[-hi]" at *pp; returns 0 and advances, or -1. */
static int parse_range(struct parser *p, const char **pp, struct range *r)
{
    const char *q = *pp, *start = q;
    char *end;
    size_t digits = 0;

    while (isdigit((unsigned char)q[digits]))
        digits++;
    if (digits == 0)
        return fail(p, q, "expected a number");
    if (digits > MAX_DIGITS)
        return fail(p, q, "number too large");
    r->lo = strtoull(q, &end, 10);
    r->width = (int)digits;
    q += digits;
    r->hi = r->lo;
    if (*q == '-') {
        q++;
        digits = 0;
        while (isdigit((unsigned char)q[digits]))
            digits++;
        if (digits == 0)
            return fail(p, q, "expected the upper bound of the range");
        if (digits > MAX_DIGITS)
            return fail(p, q, "number too large");
        r->hi = strtoull(q, &end, 10);
        q += digits;
        if (r->hi < r->lo)
            return fail(p, start, "range %llu-%llu goes backwards", r->lo, r->hi);
    }
    *pp = q;
    return 0;
}

/* Parse "[r,r,...]" at *pp (pointing at '['). */
static int parse_group(struct parser *p, const char **pp, struct range **out, size_t *nout)
{
    const char *q = *pp + 1;
    struct range *rs = NULL, *tmp;
    size_t n = 0;
    char ch[16];

    for (;;) {
        tmp = realloc(rs, (n + 1) * sizeof(*rs));
        if (!tmp) {
            free(rs);
            return fail(p, q, "out of memory");
        }
        rs = tmp;
        if (parse_range(p, &q, &rs[n]) < 0) {
            free(rs);
            return -1;
        }
        n++;
        if (*q == ',') {
            q++;
            continue;
        }
        if (*q == ']')
            break;
        free(rs);
        if (*q == '\0')
            return fail(p, q, "missing ']'");
        return fail(p, q, "unexpected %s in brackets", show(*q, ch));
    }
    *pp = q + 1;
    *out = rs;
    *nout = n;
    return 0;
}

static int add_host(struct parser *p, const char *at, const char *name)
{
    struct dc_hostlist *hl = p->out;

    if (!dc_hostname_valid(name))
        return fail(p, at, "'%s' is not a valid host name", name);
    if (hl->n >= DC_HOSTLIST_MAX_HOSTS)
        return fail(p, at, "more than %d hosts", DC_HOSTLIST_MAX_HOSTS);
    if (dc_grow(&hl->hosts, &hl->cap, hl->n, sizeof(*hl->hosts), 16) < 0)
        return fail(p, at, "out of memory");
    hl->hosts[hl->n] = strdup(name);
    if (!hl->hosts[hl->n])
        return fail(p, at, "out of memory");
    hl->n++;
    return 0;
}

/* Emit the cartesian product of the groups, first group major (as SLURM does). */
static int emit(struct parser *p, const char *at, const struct expr *e, int g, char *buf,
                size_t len)
{
    if (len + e->litlen[g] >= DC_HOSTNAME_MAX + 1)
        return fail(p, at, "host name longer than %d characters", DC_HOSTNAME_MAX);
    memcpy(buf + len, e->lit[g], e->litlen[g]);
    len += e->litlen[g];
    if (g == e->ngroups) {
        buf[len] = '\0';
        return add_host(p, at, buf);
    }
    for (size_t i = 0; i < e->nranges[g]; i++) {
        const struct range *r = &e->ranges[g][i];

        for (unsigned long long v = r->lo;; v++) {
            int n = snprintf(buf + len, DC_HOSTNAME_MAX + 1 - len, "%0*llu", r->width, v);

            if (n < 0 || len + (size_t)n > DC_HOSTNAME_MAX)
                return fail(p, at, "host name longer than %d characters", DC_HOSTNAME_MAX);
            if (emit(p, at, e, g + 1, buf, len + (size_t)n) < 0)
                return -1;
            if (v == r->hi)
                break;
        }
    }
    return 0;
}

/* Parse one host expression starting at *pp and append its hosts. */
static int parse_expr(struct parser *p, const char **pp)
{
    const char *q = *pp, *start = q;
    struct expr e = {0};
    char buf[DC_HOSTNAME_MAX + 2], ch[16];
    int rc = -1;

    e.lit[0] = q;
    for (;;) {
        while (literal_char(*q))
            q++;
        e.litlen[e.ngroups] = (size_t)(q - e.lit[e.ngroups]);
        if (*q != '[')
            break;
        if (e.ngroups == MAX_GROUPS) {
            fail(p, q, "more than %d bracket groups", MAX_GROUPS);
            goto cleanup;
        }
        if (parse_group(p, &q, &e.ranges[e.ngroups], &e.nranges[e.ngroups]) < 0)
            goto cleanup;
        e.ngroups++;
        e.lit[e.ngroups] = q;
    }
    if (*q && !is_sep(*q)) {
        if (*q == ']')
            fail(p, q, "']' without '['");
        else
            fail(p, q, "unexpected character %s", show(*q, ch));
        goto cleanup;
    }
    if (q == start) {
        fail(p, q, "unexpected character %s", show(*q, ch));
        goto cleanup;
    }
    if (*start == '-') {
        fail(p, start, "a host name cannot start with '-'");
        goto cleanup;
    }
    rc = emit(p, start, &e, 0, buf, 0);
    *pp = q;
cleanup:
    for (int i = 0; i < e.ngroups; i++)
        free(e.ranges[i]);
    return rc;
}

int dc_hostlist_expand(const char *expr, struct dc_hostlist *out, char *err, size_t errlen)
{
    struct parser p = {.s = expr, .err = err, .errlen = errlen, .out = out};
    const char *q = expr;

    out->hosts = NULL;
    out->n = out->cap = 0;
    while (*q) {
        if (is_sep(*q)) {
            q++;
            continue;
        }
        if (parse_expr(&p, &q) < 0) {
            dc_hostlist_free(out);
            return -1;
        }
    }
    if (out->n == 0) {
        snprintf(err, errlen, "position 1: the node list is empty");
        return -1;
    }
    return 0;
}

#define DUP_BIT ((size_t)1 << (sizeof(size_t) * 8 - 1))

static int by_name_then_index(const void *a, const void *b, void *hosts)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(((char **)hosts)[i], ((char **)hosts)[j]);

    return c ? c : (i > j) - (i < j);
}

size_t dc_hostlist_uniq(struct dc_hostlist *hl)
{
    size_t *order, kept = 0, dropped = 0;

    if (hl->n < 2)
        return 0;
    order = malloc(hl->n * sizeof(*order));
    if (!order)
        return 0; /* duplicates are harmless, only wasteful */
    for (size_t i = 0; i < hl->n; i++)
        order[i] = i;
    qsort_r(order, hl->n, sizeof(*order), by_name_then_index, hl->hosts);
    /* In each run of equal names the first index is the first seen; the others go. */
    for (size_t k = 0, first = 0; k < hl->n; k++) {
        if (k > 0 && strcmp(hl->hosts[order[k]], hl->hosts[order[first]]) == 0) {
            order[k] |= DUP_BIT;
            dropped++;
        } else {
            first = k;
        }
    }
    for (size_t k = 0; k < hl->n; k++)
        if (order[k] & DUP_BIT) {
            free(hl->hosts[order[k] & ~DUP_BIT]);
            hl->hosts[order[k] & ~DUP_BIT] = NULL;
        }
    for (size_t i = 0; i < hl->n; i++)
        if (hl->hosts[i])
            hl->hosts[kept++] = hl->hosts[i];
    hl->n = kept;
    free(order);
    return dropped;
}

void dc_hostlist_free(struct dc_hostlist *hl)
{
    for (size_t i = 0; i < hl->n; i++)
        free(hl->hosts[i]);
    free(hl->hosts);
    hl->hosts = NULL;
    hl->n = hl->cap = 0;
}
