/* SPDX-License-Identifier: BSD-3-Clause */
/* summary.c - the summary verb: text and JSON (the schema is in datacrumbs_trace(1)). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "trace.h"

static const struct tr_stats *sort_stats;
static int sort_by_time;

static int cmp_funcs(const void *a, const void *b)
{
    const struct tr_func *x = sort_stats->funcs[*(const size_t *)a];
    const struct tr_func *y = sort_stats->funcs[*(const size_t *)b];

    if (x->dur != y->dur)
        return x->dur < y->dur ? 1 : -1;
    if (x->calls != y->calls)
        return x->calls < y->calls ? 1 : -1;
    return strcmp(x->name, y->name);
}

static int cmp_files(const void *a, const void *b)
{
    const struct tr_fstat *x = &sort_stats->files[*(const size_t *)a];
    const struct tr_fstat *y = &sort_stats->files[*(const size_t *)b];
    uint64_t kx = sort_by_time ? x->c.dur : x->c.rbytes + x->c.wbytes;
    uint64_t ky = sort_by_time ? y->c.dur : y->c.rbytes + y->c.wbytes;

    if (kx != ky)
        return kx < ky ? 1 : -1;
    if (x->c.calls != y->c.calls)
        return x->c.calls < y->c.calls ? 1 : -1;
    return strcmp(sort_stats->paths.strs[x->path], sort_stats->paths.strs[y->path]);
}

static size_t *iota(size_t n)
{
    size_t *v = malloc((n ? n : 1) * sizeof(*v));

    for (size_t i = 0; v && i < n; i++)
        v[i] = i;
    return v;
}

size_t *tr_sorted_funcs(const struct tr_stats *s)
{
    size_t *v = iota(s->nfuncs);

    if (v) {
        sort_stats = s;
        qsort(v, s->nfuncs, sizeof(*v), cmp_funcs);
    }
    return v;
}

size_t *tr_sorted_files(const struct tr_stats *s, int by_time)
{
    size_t *v = iota(s->nfiles);

    if (v) {
        sort_stats = s;
        sort_by_time = by_time;
        qsort(v, s->nfiles, sizeof(*v), cmp_files);
    }
    return v;
}

static const char *status_name(enum tr_status st)
{
    switch (st) {
    case TR_ST_OK: return "complete";
    case TR_ST_INCOMPLETE: return "incomplete";
    case TR_ST_INVALID: return "invalid";
    case TR_ST_IO: return "unreadable";
    }
    return "?";
}

static void put_time(FILE *out, uint64_t us)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm;
    char buf[64];

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    fprintf(out, "%s.%06llu UTC", buf, (unsigned long long)(us % 1000000));
}

static void put_list(FILE *out, const struct tr_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        fprintf(out, "%s%s", i ? ", " : "", t->strs[i]);
    if (!t->n)
        fputs("-", out);
}

static void put_cat(FILE *out, const struct tr_stats *s, uint32_t cat, const char *name, int w)
{
    char buf[256];

    snprintf(buf, sizeof(buf), "%s %s", s->cats.strs[cat], name);
    fprintf(out, "  %-*s", w, buf);
}

/* Category totals, in the order categories were met. */
static void cat_totals(const struct tr_stats *s, uint32_t cat, struct tr_counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < s->nfuncs; i++) {
        const struct tr_func *f = s->funcs[i];

        if (f->cat != cat)
            continue;
        c->calls += f->calls;
        c->dur += f->dur;
        c->errors += f->errors;
        c->rbytes += f->rbytes;
        c->wbytes += f->wbytes;
    }
}

int tr_summary_text(FILE *out, const struct tr_stats *s, int top)
{
    size_t *fo = tr_sorted_funcs(s), *by_bytes = tr_sorted_files(s, 0);
    size_t *by_time = tr_sorted_files(s, 1);
    char b1[32], b2[32], b3[32], b4[32];
    int rc = 0;

    if (!fo || !by_bytes || !by_time) {
        rc = -1;
        goto out;
    }
    fputs("run:      ", out);
    put_list(out, &s->runs);
    fputs("\nusers:    ", out);
    put_list(out, &s->users);
    fputs("\nhosts:    ", out);
    put_list(out, &s->hosts);
    fprintf(out, "\ntraces:   %zu file%s\n", s->ninputs, s->ninputs == 1 ? "" : "s");
    if (s->events) {
        fputs("span:     ", out);
        put_time(out, s->min_ts);
        fputs(" to ", out);
        put_time(out, s->max_end);
        fprintf(out, " (%s)\n", tr_fmt_us(b1, sizeof(b1), s->max_end - s->min_ts));
    }
    fprintf(out, "events:   %llu\n", (unsigned long long)s->events);
    for (size_t i = 0; i < s->ninputs; i++)
        if (s->inputs[i].status != TR_ST_OK)
            fprintf(out, "warning:  %s is %s: counted up to where it stops\n", s->inputs[i].path,
                    status_name(s->inputs[i].status));

    fputs("\nby category:\n", out);
    fprintf(out, "  %-24s %10s %10s %14s %14s %8s\n", "category", "calls", "time", "read",
            "written", "errors");
    for (uint32_t c = 0; c < s->cats.n; c++) {
        struct tr_counts t;

        cat_totals(s, c, &t);
        fprintf(out, "  %-24s %10llu %10s %14llu %14llu %8llu\n", s->cats.strs[c],
                (unsigned long long)t.calls, tr_fmt_us(b1, sizeof(b1), t.dur),
                (unsigned long long)t.rbytes, (unsigned long long)t.wbytes,
                (unsigned long long)t.errors);
    }

    fputs("\nby function (time in the call; bytes from the return values):\n", out);
    fprintf(out, "  %-24s %10s %10s %9s %9s %9s %14s %14s %8s\n", "function", "calls", "total",
            "mean", "p50", "p99", "read", "written", "errors");
    for (size_t k = 0; k < s->nfuncs; k++) {
        const struct tr_func *f = s->funcs[fo[k]];

        put_cat(out, s, f->cat, f->name, 24);
        fprintf(out, " %10llu %10s %9s %9s %9s %14llu %14llu %8llu\n", (unsigned long long)f->calls,
                tr_fmt_us(b1, sizeof(b1), f->dur),
                tr_fmt_us(b2, sizeof(b2), f->calls ? f->dur / f->calls : 0),
                tr_fmt_us(b3, sizeof(b3), tr_hist_quantile(&f->hist, 0.5)),
                tr_fmt_us(b4, sizeof(b4), tr_hist_quantile(&f->hist, 0.99)),
                (unsigned long long)f->rbytes, (unsigned long long)f->wbytes,
                (unsigned long long)f->errors);
    }

    fputs("\nby process:\n", out);
    fprintf(out, "  %-20s %10s %-8s %10s %10s %14s %14s %8s\n", "host", "pid", "category", "calls",
            "time", "read", "written", "errors");
    for (size_t i = 0; i < s->nprocs; i++) {
        const struct tr_proc *p = s->procs[i];

        for (uint32_t c = 0; c < p->ncat; c++) {
            const struct tr_counts *t = &p->by_cat[c];

            if (!t->calls)
                continue;
            fprintf(out, "  %-20s %10lld %-8s %10llu %10s %14llu %14llu %8llu\n",
                    s->hosts.strs[p->host], (long long)p->orig_pid, s->cats.strs[c],
                    (unsigned long long)t->calls, tr_fmt_us(b1, sizeof(b1), t->dur),
                    (unsigned long long)t->rbytes, (unsigned long long)t->wbytes,
                    (unsigned long long)t->errors);
        }
    }

    fprintf(out, "\nby file (%zu path%s, top %d by bytes):\n", s->paths.n,
            s->paths.n == 1 ? "" : "s", top);
    fprintf(out, "  %-8s %6s %8s %8s %14s %14s %10s  %s\n", "category", "opens", "reads", "writes",
            "read", "written", "time", "path");
    for (size_t k = 0; k < s->nfiles && (int)k < top; k++) {
        const struct tr_fstat *f = &s->files[by_bytes[k]];

        fprintf(out, "  %-8s %6llu %8llu %8llu %14llu %14llu %10s  ", s->cats.strs[f->cat],
                (unsigned long long)f->c.opens, (unsigned long long)f->c.reads,
                (unsigned long long)f->c.writes, (unsigned long long)f->c.rbytes,
                (unsigned long long)f->c.wbytes, tr_fmt_us(b1, sizeof(b1), f->c.dur));
        tr_put_raw(out, s->paths.strs[f->path], s->paths.lens[f->path]);
        putc('\n', out);
    }
    fprintf(out, "\ntop files by time:\n");
    for (size_t k = 0; k < s->nfiles && (int)k < top; k++) {
        const struct tr_fstat *f = &s->files[by_time[k]];

        fprintf(out, "  %-8s %10s  %10llu calls  ", s->cats.strs[f->cat],
                tr_fmt_us(b1, sizeof(b1), f->c.dur), (unsigned long long)f->c.calls);
        tr_put_raw(out, s->paths.strs[f->path], s->paths.lens[f->path]);
        putc('\n', out);
    }
    if (s->unresolved)
        fprintf(out, "\n%llu calls on descriptors opened before tracing started (no path known)\n",
                (unsigned long long)s->unresolved);
out:
    free(fo);
    free(by_bytes);
    free(by_time);
    return rc;
}

static void json_strtab(FILE *out, const struct tr_strtab *t)
{
    putc('[', out);
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            putc(',', out);
        tr_put_json_str(out, t->strs[i], t->lens[i]);
    }
    putc(']', out);
}

/* An interned name as a JSON string, null when unknown. */
static void put_name(FILE *out, const struct tr_strtab *t, uint32_t i)
{
    if (i == TR_NONE)
        fputs("null", out);
    else
        tr_put_json_str(out, t->strs[i], t->lens[i]);
}

static void json_counts(FILE *out, const struct tr_counts *c)
{
    fprintf(out,
            "\"calls\":%llu,\"total_us\":%llu,\"bytes_read\":%llu,\"bytes_written\":%llu,"
            "\"errors\":%llu",
            (unsigned long long)c->calls, (unsigned long long)c->dur, (unsigned long long)c->rbytes,
            (unsigned long long)c->wbytes, (unsigned long long)c->errors);
}

static void json_file(FILE *out, const struct tr_stats *s, const struct tr_fstat *f)
{
    fputs("{\"path\":\"", out);
    fwrite(s->paths.strs[f->path], 1, s->paths.lens[f->path], out);
    fputs("\",\"cat\":\"", out);
    fputs(s->cats.strs[f->cat], out);
    fprintf(out, "\",\"opens\":%llu,\"reads\":%llu,\"writes\":%llu,",
            (unsigned long long)f->c.opens, (unsigned long long)f->c.reads,
            (unsigned long long)f->c.writes);
    json_counts(out, &f->c);
    putc('}', out);
}

int tr_summary_json(FILE *out, const struct tr_stats *s, int top)
{
    size_t *fo = tr_sorted_funcs(s), *by_bytes = tr_sorted_files(s, 0);
    size_t *by_time = tr_sorted_files(s, 1);
    int rc = 0;

    if (!fo || !by_bytes || !by_time) {
        rc = -1;
        goto out;
    }
    fputs("{\"schema\":\"datacrumbs_trace.summary/1\",\"run\":{\"ids\":", out);
    json_strtab(out, &s->runs);
    fputs(",\"users\":", out);
    json_strtab(out, &s->users);
    fputs(",\"hosts\":", out);
    json_strtab(out, &s->hosts);
    fprintf(out, ",\"start_us\":%llu,\"end_us\":%llu,\"span_us\":%llu},\n",
            (unsigned long long)(s->events ? s->min_ts : 0), (unsigned long long)s->max_end,
            (unsigned long long)(s->events ? s->max_end - s->min_ts : 0));
    fputs("\"inputs\":[", out);
    for (size_t i = 0; i < s->ninputs; i++) {
        const struct tr_input *in = &s->inputs[i];

        fprintf(out, "%s{\"file\":", i ? "," : "");
        tr_put_json_str(out, in->path, strlen(in->path));
        fputs(",\"user\":", out);
        put_name(out, &s->users, in->user);
        fputs(",\"run\":", out);
        put_name(out, &s->runs, in->run);
        fputs(",\"host\":", out);
        put_name(out, &s->hosts, in->host);
        fprintf(out, ",\"events\":%llu,\"status\":\"%s\"}", (unsigned long long)in->events,
                status_name(in->status));
    }
    fprintf(out, "],\n\"events\":%llu,\"other_events\":%llu,\"unresolved_calls\":%llu,\n",
            (unsigned long long)s->events, (unsigned long long)(s->other_events + s->meta_events),
            (unsigned long long)s->unresolved);
    fputs("\"categories\":[", out);
    for (uint32_t c = 0; c < s->cats.n; c++) {
        struct tr_counts t;

        cat_totals(s, c, &t);
        fprintf(out, "%s\n {\"cat\":\"%s\",", c ? "," : "", s->cats.strs[c]);
        json_counts(out, &t);
        putc('}', out);
    }
    fputs("],\n\"functions\":[", out);
    for (size_t k = 0; k < s->nfuncs; k++) {
        const struct tr_func *f = s->funcs[fo[k]];

        fprintf(out,
                "%s\n {\"cat\":\"%s\",\"name\":\"%s\",\"calls\":%llu,\"total_us\":%llu,"
                "\"mean_us\":%.3f,\"p50_us\":%llu,\"p99_us\":%llu,\"max_us\":%llu,"
                "\"bytes_read\":%llu,\"bytes_written\":%llu,\"errors\":%llu}",
                k ? "," : "", s->cats.strs[f->cat], f->name, (unsigned long long)f->calls,
                (unsigned long long)f->dur, f->calls ? (double)f->dur / (double)f->calls : 0.0,
                (unsigned long long)tr_hist_quantile(&f->hist, 0.5),
                (unsigned long long)tr_hist_quantile(&f->hist, 0.99),
                (unsigned long long)f->hist.max, (unsigned long long)f->rbytes,
                (unsigned long long)f->wbytes, (unsigned long long)f->errors);
    }
    fputs("],\n\"processes\":[", out);
    {
        int first = 1;

        for (size_t i = 0; i < s->nprocs; i++) {
            const struct tr_proc *p = s->procs[i];

            for (uint32_t c = 0; c < p->ncat; c++) {
                if (!p->by_cat[c].calls)
                    continue;
                fprintf(out, "%s\n {\"host\":", first ? "" : ",");
                tr_put_json_str(out, s->hosts.strs[p->host], s->hosts.lens[p->host]);
                fprintf(out, ",\"pid\":%lld,\"cat\":\"%s\",\"start_us\":%llu,\"end_us\":%llu,",
                        (long long)p->orig_pid, s->cats.strs[c], (unsigned long long)p->first_ts,
                        (unsigned long long)p->last_end);
                json_counts(out, &p->by_cat[c]);
                putc('}', out);
                first = 0;
            }
        }
    }
    fputs("],\n\"files\":[", out);
    for (size_t k = 0; k < s->nfiles; k++) {
        fputs(k ? ",\n " : "\n ", out);
        json_file(out, s, &s->files[by_bytes[k]]);
    }
    fputs("],\n\"top_files_by_bytes\":[", out);
    for (size_t k = 0; k < s->nfiles && (int)k < top; k++) {
        fputs(k ? ",\n " : "\n ", out);
        json_file(out, s, &s->files[by_bytes[k]]);
    }
    fputs("],\n\"top_files_by_time\":[", out);
    for (size_t k = 0; k < s->nfiles && (int)k < top; k++) {
        fputs(k ? ",\n " : "\n ", out);
        json_file(out, s, &s->files[by_time[k]]);
    }
    fputs("],\n\"access_sizes\":{\"buckets\":[", out);
    for (unsigned b = 0; b < TR_SIZE_BUCKETS; b++)
        fprintf(out, "%s\"%s\"", b ? "," : "", tr_size_labels[b]);
    fputs("],\"read\":[", out);
    for (unsigned b = 0; b < TR_SIZE_BUCKETS; b++)
        fprintf(out, "%s%llu", b ? "," : "", (unsigned long long)s->size_read[b]);
    fputs("],\"write\":[", out);
    for (unsigned b = 0; b < TR_SIZE_BUCKETS; b++)
        fprintf(out, "%s%llu", b ? "," : "", (unsigned long long)s->size_write[b]);
    fputs("]}}\n", out);
out:
    free(fo);
    free(by_bytes);
    free(by_time);
    return rc;
}

int do_summary(const struct tr_opts *o)
{
    struct tr_stats s;
    int rc;

    if (tr_stats_init(&s, o->nfiles, 0) < 0) {
        dc_err("out of memory");
        return TR_EXIT_FAIL;
    }
    rc = tr_collect(o, &s);
    if (rc != TR_EXIT_FAIL) {
        int w = o->json ? tr_summary_json(stdout, &s, o->top) : tr_summary_text(stdout, &s, o->top);

        if (w < 0 || fflush(stdout) != 0 || ferror(stdout)) {
            dc_err("writing the summary failed");
            rc = TR_EXIT_FAIL;
        }
    }
    tr_stats_free(&s);
    return rc;
}
