/* SPDX-License-Identifier: BSD-3-Clause */
/* cat.c - the cat verb: events as readable lines or JSON lines, filtered. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "trace.h"

struct filter {
    const struct tr_opts *o;
    int64_t *pids, *tids;
    int since_rel, until_rel; /* relative to the first event */
    uint64_t since, until;    /* microseconds */
    int has_since, has_until;
    int based;
    uint64_t base;
};

static int64_t *num_list(const struct tr_list *l, int *bad)
{
    int64_t *v = malloc((l->n + 1) * sizeof(*v));

    for (size_t i = 0; v && i < l->n; i++) {
        char *end;

        v[i] = strtoll(l->items[i], &end, 10);
        if (!*l->items[i] || *end)
            *bad = 1;
    }
    return v;
}

/* "@N" (absolute microseconds) or a time with an optional unit s, ms, us. 0 or -1. */
static int parse_time(const char *s, uint64_t *us, int *rel)
{
    char *end;
    double v;

    if (*s == '@') {
        unsigned long long a = strtoull(s + 1, &end, 10);

        if (!s[1] || *end)
            return -1;
        *us = a;
        *rel = 0;
        return 0;
    }
    v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        v *= 1e3;
    else if (strcmp(end, "us") == 0)
        ;
    else if (*end == '\0' || strcmp(end, "s") == 0)
        v *= 1e6;
    else
        return -1;
    *us = (uint64_t)(v + 0.5);
    *rel = 1;
    return 0;
}

static int in_list(const struct tr_list *l, const char *raw, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->items[i]) == n && memcmp(l->items[i], raw, n) == 0)
            return 1;
    return 0;
}

static int in_nums(const int64_t *v, size_t n, int64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

static int keep(struct filter *f, const struct tr_event *ev)
{
    const struct tr_opts *o = f->o;

    if (ev->ph == 'X' && !f->based) {
        f->based = 1;
        f->base = ev->ts;
        if (f->since_rel)
            f->since += f->base;
        if (f->until_rel)
            f->until += f->base;
    }
    if (o->pids.n && !in_nums(f->pids, o->pids.n, ev->pid))
        return 0;
    if (o->tids.n && !in_nums(f->tids, o->tids.n, ev->tid))
        return 0;
    if (ev->ph != 'X')
        return !o->cats.n && !o->names.n && !f->has_since && !f->has_until && o->json;
    if (o->cats.n && !in_list(&o->cats, ev->cat, ev->cat_len))
        return 0;
    if (o->names.n && !in_list(&o->names, ev->name, ev->name_len))
        return 0;
    if (f->has_since && ev->ts < f->since)
        return 0;
    if (f->has_until && ev->ts > f->until)
        return 0;
    return 1;
}

static void put_readable(FILE *out, const struct filter *f, const struct tr_event *ev,
                         const char *host)
{
    uint64_t rel = ev->ts >= f->base ? ev->ts - f->base : 0;

    fprintf(out, "%s%s%llu.%06llu %lld/%lld ", host ? host : "", host ? " " : "",
            (unsigned long long)(rel / 1000000), (unsigned long long)(rel % 1000000),
            (long long)ev->pid, (long long)ev->tid);
    tr_put_raw(out, ev->cat, ev->cat_len);
    putc(' ', out);
    tr_put_raw(out, ev->name, ev->name_len);
    putc('(', out);
    for (unsigned i = 0; i < ev->nargs; i++) {
        const struct tr_arg *a = &ev->args[i];

        if (i)
            fputs(", ", out);
        tr_put_raw(out, a->key, a->klen);
        putc('=', out);
        if (a->type == TR_V_STR) {
            putc('"', out);
            tr_put_raw(out, a->val, a->vlen);
            putc('"', out);
        } else {
            fwrite(a->val, 1, a->vlen, out);
        }
    }
    putc(')', out);
    if (ev->has_ret)
        fprintf(out, " = %lld", (long long)ev->ret);
    fprintf(out, " <%lluus>\n", (unsigned long long)ev->dur);
}

int do_cat(const struct tr_opts *o)
{
    struct filter f = {.o = o};
    int rc = TR_EXIT_OK, bad = 0;

    f.pids = num_list(&o->pids, &bad);
    f.tids = num_list(&o->tids, &bad);
    if (!f.pids || !f.tids) {
        dc_err("out of memory");
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    if (bad) {
        dc_err("--pid and --tid take comma-separated numbers");
        rc = TR_EXIT_USAGE;
        goto cleanup;
    }
    if (o->since) {
        f.has_since = 1;
        if (parse_time(o->since, &f.since, &f.since_rel) < 0) {
            dc_err("bad --since '%s' (a time like 1.5s, 200ms, 300us or @MICROSECONDS)", o->since);
            rc = TR_EXIT_USAGE;
            goto cleanup;
        }
    }
    if (o->until) {
        f.has_until = 1;
        if (parse_time(o->until, &f.until, &f.until_rel) < 0) {
            dc_err("bad --until '%s' (a time like 1.5s, 200ms, 300us or @MICROSECONDS)", o->until);
            rc = TR_EXIT_USAGE;
            goto cleanup;
        }
    }
    for (size_t i = 0; i < o->nfiles; i++) {
        char user[256], run[256], host[256];
        const char *hp = NULL;
        struct tr_reader r;
        struct tr_event ev;

        if (o->nfiles > 1 && tr_parse_trace_name(o->files[i], user, run, host, sizeof(host)) == 0)
            hp = host;
        if (tr_reader_open(&r, o->files[i]) < 0) {
            rc = tr_exit_worst(rc, tr_report_end(&r));
            continue;
        }
        while (tr_reader_next(&r, &ev) == 1) {
            if (!keep(&f, &ev))
                continue;
            if (o->json) {
                fwrite(ev.line, 1, ev.len, stdout);
                putchar('\n');
            } else if (ev.ph == 'X') {
                put_readable(stdout, &f, &ev, hp);
            }
            if (ferror(stdout))
                break;
        }
        rc = tr_exit_worst(rc, tr_report_end(&r));
        tr_reader_close(&r);
        if (ferror(stdout))
            break;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        dc_err("writing the events failed");
        rc = TR_EXIT_FAIL;
    }
cleanup:
    free(f.pids);
    free(f.tids);
    return rc;
}
