/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * report.c - the report verb: one self-contained HTML file. The charts are inline SVG drawn
 * here; a few lines of inline JavaScript sort the files table and check the page drew. No
 * network, no external scripts, styles or fonts (a Content-Security-Policy forbids them), so it
 * opens from a shared file system in any browser.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "trace.h"

#define W        960 /* chart width */
#define LABEL_W  230 /* left column for labels */
#define MAX_ROWS 40  /* processes on the timeline, functions on the bar charts */

static void html_str(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: putc(s[i], out);
        }
    }
}

/* A raw (JSON-escaped) string, decoded then HTML-escaped. */
static void html_raw(FILE *out, const char *raw, size_t n)
{
    char buf[1024];
    char *p = n <= sizeof(buf) ? buf : malloc(n);

    if (!p)
        return;
    html_str(out, p, tr_unescape(raw, n, p));
    if (p != buf)
        free(p);
}

static const char style[] =
    "body{font-family:sans-serif;margin:24px;color:#222;max-width:1000px}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;text-align:right}"
    "td.l,th.l{text-align:left}th{cursor:pointer;background:#eee}tr:nth-child(even){background:#"
    "f7f7f7}"
    "svg{display:block;margin:8px 0}svg text{font-size:11px;fill:#333}"
    ".read{fill:#1f77b4}.write{fill:#ff7f0e}.busy{fill:#2ca02c}.bar{fill:#6a51a3}"
    ".axis{stroke:#999;stroke-width:1}.note{color:#666;font-size:12px}";

/* The page's own check (the browser test reads it) and the table sort. */
static const char script[] =
    "(function(){var "
    "errs=[];window.addEventListener('error',function(e){errs.push(String(e.message));"
    "document.body.setAttribute('data-errors',errs.join('|'));});"
    "var charts=document.querySelectorAll('svg.chart'),drawn=0;"
    "charts.forEach(function(c){var n=0;c.querySelectorAll('.mark').forEach(function(m){"
    "var "
    "b=m.getBBox();if(b.width>0&&b.height>0)n++;});c.setAttribute('data-drawn',n);if(n>0)drawn++;})"
    ";"
    "document.body.setAttribute('data-charts',charts.length);"
    "document.body.setAttribute('data-charts-drawn',drawn);"
    "document.querySelectorAll('table.sortable "
    "th').forEach(function(th,i){th.addEventListener('click',"
    "function(){var tb=th.closest('table').tBodies[0],rows=Array.prototype.slice.call(tb.rows),"
    "num=th.getAttribute('data-num')==='1',dir=th.getAttribute('data-dir')==='1'?-1:1;"
    "th.setAttribute('data-dir',dir===1?'1':'0');rows.sort(function(a,b){var "
    "x=a.cells[i].getAttribute('data-v')"
    "||a.cells[i].textContent,y=b.cells[i].getAttribute('data-v')||b.cells[i].textContent;"
    "return "
    "num?dir*(Number(x)-Number(y)):dir*x.localeCompare(y);});rows.forEach(function(r){tb."
    "appendChild(r);});});});"
    "document.body.setAttribute('data-ready','1');})();";

static void svg_open(FILE *out, const char *id, int h, const char *label)
{
    fprintf(out,
            "<svg class=\"chart\" id=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "role=\"img\" aria-label=\"%s\" xmlns=\"http://www.w3.org/2000/svg\">\n",
            id, W, h, W, h, label);
}

/* The bins that hold events: [*b0, *b0 + *nb). */
static void used_bins(const struct tr_stats *s, int *b0, int *nb)
{
    uint64_t lo, hi;

    *b0 = 0;
    *nb = TR_BINS;
    if (!s->grid_set || !s->events)
        return;
    lo = (s->min_ts - s->origin) / s->width;
    hi = (s->max_end - s->origin) / s->width;
    if (hi >= TR_BINS)
        hi = TR_BINS - 1;
    if (lo > hi)
        lo = hi;
    *b0 = (int)lo;
    *nb = (int)(hi - lo + 1);
}

/* Time axis under a chart from x0 to x1 at y: seconds since the first event. */
static void time_axis(FILE *out, const struct tr_stats *s, int x0, int x1, int y)
{
    int b0, nb;
    double t0, span;

    used_bins(s, &b0, &nb);
    t0 = s->grid_set && s->events
             ? ((double)s->origin + (double)b0 * (double)s->width - (double)s->min_ts) / 1e6
             : 0;
    span = (double)nb * (double)s->width / 1e6;
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", x0, y, x1, y);
    for (int k = 0; k <= 4; k++) {
        int x = x0 + (x1 - x0) * k / 4;

        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.3gs</text>\n", x, y + 14,
                t0 + span * k / 4 < 0 ? 0 : t0 + span * k / 4);
    }
}

static const struct tr_stats *busy_stats;

static uint64_t proc_time(const struct tr_proc *p)
{
    uint64_t t = 0;

    for (uint32_t c = 0; c < p->ncat; c++)
        t += p->by_cat[c].dur;
    return t;
}

static int cmp_procs(const void *a, const void *b)
{
    uint64_t x = proc_time(busy_stats->procs[*(const size_t *)a]);
    uint64_t y = proc_time(busy_stats->procs[*(const size_t *)b]);

    if (x != y)
        return x < y ? 1 : -1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int timeline(FILE *out, const struct tr_stats *s)
{
    size_t n = s->nprocs < MAX_ROWS ? s->nprocs : MAX_ROWS, *order;
    int row = 18, top = 10, x0 = LABEL_W, x1 = W - 10, b0, nb;
    int h = top + (int)(n ? n : 1) * row + 30;
    double cw;

    used_bins(s, &b0, &nb);
    cw = (double)(x1 - x0) / nb;

    order = malloc((s->nprocs ? s->nprocs : 1) * sizeof(*order));
    if (!order)
        return -1;
    for (size_t i = 0; i < s->nprocs; i++)
        order[i] = i;
    busy_stats = s;
    qsort(order, s->nprocs, sizeof(*order), cmp_procs);
    fputs("<h2>I/O activity over time, per process</h2>\n<p class=\"note\">Each row is a process "
          "(host, pid); the darker a cell, the larger the share of that time the process spent "
          "in traced calls.</p>\n",
          out);
    svg_open(out, "timeline", h, "I/O activity over time per process");
    for (size_t r = 0; r < n; r++) {
        const struct tr_proc *p = s->procs[order[r]];
        int y = top + (int)r * row;

        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", x0 - 6, y + row - 5);
        html_str(out, s->hosts.strs[p->host], s->hosts.lens[p->host]);
        fprintf(out, " pid %lld</text>\n", (long long)p->orig_pid);
        for (int b = b0; p->busy && b < b0 + nb; b++) {
            double frac = p->busy[b] / (double)s->width;

            if (p->busy[b] <= 0)
                continue;
            if (frac > 1)
                frac = 1;
            fprintf(out,
                    "<rect class=\"mark busy\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
                    "opacity=\"%.2f\"><title>%.0f us busy</title></rect>\n",
                    x0 + (b - b0) * cw, y + 2, cw < 1 ? 1 : cw, row - 4, 0.2 + 0.8 * frac,
                    (double)p->busy[b]);
        }
    }
    time_axis(out, s, x0, x1, top + (int)n * row + 4);
    fputs("</svg>\n", out);
    if (s->nprocs > n)
        fprintf(out, "<p class=\"note\">The %zu busiest of %zu processes.</p>\n", n, s->nprocs);
    free(order);
    return 0;
}

static void bandwidth(FILE *out, const struct tr_stats *s)
{
    int x0 = LABEL_W, x1 = W - 10, top = 10, h = 200, base = top + h, b0, nb;
    double cw, max = 0, sec = (double)s->width / 1e6;

    used_bins(s, &b0, &nb);
    cw = (double)(x1 - x0) / nb;

    for (int b = 0; b < TR_BINS; b++) {
        if (s->bin_rbytes[b] > max)
            max = s->bin_rbytes[b];
        if (s->bin_wbytes[b] > max)
            max = s->bin_wbytes[b];
    }
    fputs("<h2>Bandwidth over time</h2>\n<p class=\"note\">Bytes read (blue) and written "
          "(orange) by the traced calls, per time slice, in MB/s (all categories: a write "
          "through the C library that is also traced as a system call counts twice).</p>\n",
          out);
    svg_open(out, "bandwidth", h + 40, "Bandwidth over time");
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3g MB/s</text>\n", x0 - 6, top + 10,
            max / sec / 1e6);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", x0 - 6, base);
    for (int b = b0; b < b0 + nb; b++) {
        double x = x0 + (b - b0) * cw;
        double r = max > 0 ? s->bin_rbytes[b] / max * h : 0;
        double w = max > 0 ? s->bin_wbytes[b] / max * h : 0;
        double half = cw / 2 < 0.5 ? 0.5 : cw / 2;

        if (r > 0)
            fprintf(out,
                    "<rect class=\"mark read\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                    "height=\"%.2f\"><title>read %.3g MB/s</title></rect>\n",
                    x, base - (r < 1 ? 1 : r), half, r < 1 ? 1 : r, s->bin_rbytes[b] / sec / 1e6);
        if (w > 0)
            fprintf(out,
                    "<rect class=\"mark write\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                    "height=\"%.2f\"><title>write %.3g MB/s</title></rect>\n",
                    x + half, base - (w < 1 ? 1 : w), half, w < 1 ? 1 : w,
                    s->bin_wbytes[b] / sec / 1e6);
    }
    if (max == 0)
        fprintf(out, "<text x=\"%d\" y=\"%d\">no bytes were read or written</text>\n", x0 + 10,
                top + h / 2);
    time_axis(out, s, x0, x1, base + 4);
    fputs("</svg>\n", out);
}

static void bars(FILE *out, const struct tr_stats *s, const size_t *order, int by_calls)
{
    size_t n = s->nfuncs < MAX_ROWS ? s->nfuncs : MAX_ROWS;
    int row = 18, top = 6, x0 = LABEL_W, x1 = W - 90;
    double max = 0;
    char b1[32];

    for (size_t k = 0; k < s->nfuncs; k++) {
        const struct tr_func *f = s->funcs[order[k]];
        double v = by_calls ? (double)f->calls : (double)f->dur;

        if (v > max)
            max = v;
    }
    fprintf(out, "<h2>%s per function</h2>\n", by_calls ? "Calls" : "Time");
    svg_open(out, by_calls ? "calls" : "functime", top + (int)(n ? n : 1) * row + 8,
             by_calls ? "Calls per function" : "Time per function");
    for (size_t k = 0; k < n; k++) {
        const struct tr_func *f = s->funcs[order[k]];
        double v = by_calls ? (double)f->calls : (double)f->dur;
        double len = max > 0 ? v / max * (x1 - x0) : 0;
        int y = top + (int)k * row;

        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", x0 - 6, y + row - 5);
        html_str(out, s->cats.strs[f->cat], s->cats.lens[f->cat]);
        putc(' ', out);
        html_raw(out, f->name, strlen(f->name));
        fputs("</text>\n", out);
        fprintf(out,
                "<rect class=\"mark bar\" x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>\n"
                "<text x=\"%.2f\" y=\"%d\">%s</text>\n",
                x0, y + 2, len < 1 ? 1 : len, row - 4, x0 + (len < 1 ? 1 : len) + 4, y + row - 5,
                by_calls ? (snprintf(b1, sizeof(b1), "%llu", (unsigned long long)f->calls), b1)
                         : tr_fmt_us(b1, sizeof(b1), f->dur));
    }
    fputs("</svg>\n", out);
}

static void sizes(FILE *out, const struct tr_stats *s)
{
    int x0 = 60, x1 = W - 10, top = 10, h = 180, base = top + h;
    double gw = (double)(x1 - x0) / TR_SIZE_BUCKETS, max = 0;

    for (unsigned b = 0; b < TR_SIZE_BUCKETS; b++) {
        if ((double)s->size_read[b] > max)
            max = (double)s->size_read[b];
        if ((double)s->size_write[b] > max)
            max = (double)s->size_write[b];
    }
    fputs("<h2>Access sizes</h2>\n<p class=\"note\">Read (blue) and write (orange) calls by the "
          "bytes they moved (Darshan's ranges).</p>\n",
          out);
    svg_open(out, "sizes", h + 40, "Access size histogram");
    for (unsigned b = 0; b < TR_SIZE_BUCKETS; b++) {
        double r = max > 0 ? (double)s->size_read[b] / max * h : 0;
        double w = max > 0 ? (double)s->size_write[b] / max * h : 0;
        double x = x0 + b * gw;

        if (s->size_read[b])
            fprintf(out,
                    "<rect class=\"mark read\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                    "height=\"%.2f\"><title>%llu reads</title></rect>\n",
                    x + 4, base - (r < 1 ? 1 : r), gw / 2 - 4, r < 1 ? 1 : r,
                    (unsigned long long)s->size_read[b]);
        if (s->size_write[b])
            fprintf(out,
                    "<rect class=\"mark write\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                    "height=\"%.2f\"><title>%llu writes</title></rect>\n",
                    x + gw / 2, base - (w < 1 ? 1 : w), gw / 2 - 4, w < 1 ? 1 : w,
                    (unsigned long long)s->size_write[b]);
        fprintf(out, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x + gw / 2,
                base + 16, tr_size_labels[b]);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", x0, base, x1,
            base);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n", x0 - 6, top + 10,
            max);
    if (max == 0)
        fprintf(out, "<text x=\"%d\" y=\"%d\">no read or write calls</text>\n", x0 + 10,
                top + h / 2);
    fputs("</svg>\n", out);
}

static void files_table(FILE *out, const struct tr_stats *s, const size_t *order, int top)
{
    char b1[32];

    fprintf(out,
            "<h2>Top files</h2>\n<p class=\"note\">The %d files that moved the most bytes "
            "(of %zu paths); click a column to sort.</p>\n",
            top, s->paths.n);
    fputs("<table class=\"sortable\" id=\"files\"><thead><tr><th class=\"l\">path</th>"
          "<th class=\"l\">category</th><th data-num=\"1\">opens</th><th data-num=\"1\">reads"
          "</th><th data-num=\"1\">writes</th><th data-num=\"1\">bytes read</th>"
          "<th data-num=\"1\">bytes written</th><th data-num=\"1\">time</th></tr></thead><tbody>\n",
          out);
    for (size_t k = 0; k < s->nfiles && (int)k < top; k++) {
        const struct tr_fstat *f = &s->files[order[k]];

        fputs("<tr><td class=\"l\">", out);
        html_raw(out, s->paths.strs[f->path], s->paths.lens[f->path]);
        fputs("</td><td class=\"l\">", out);
        html_str(out, s->cats.strs[f->cat], s->cats.lens[f->cat]);
        fprintf(out,
                "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td>"
                "<td data-v=\"%llu\">%s</td></tr>\n",
                (unsigned long long)f->c.opens, (unsigned long long)f->c.reads,
                (unsigned long long)f->c.writes, (unsigned long long)f->c.rbytes,
                (unsigned long long)f->c.wbytes, (unsigned long long)f->c.dur,
                tr_fmt_us(b1, sizeof(b1), f->c.dur));
    }
    fputs("</tbody></table>\n", out);
}

static void put_list(FILE *out, const struct tr_strtab *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            fputs(", ", out);
        html_str(out, t->strs[i], t->lens[i]);
    }
}

static int write_report(FILE *out, const struct tr_stats *s, int top)
{
    size_t *fo = tr_sorted_funcs(s), *files = tr_sorted_files(s, 0);
    char b1[32], when[64];
    int rc = 0;

    if (!fo || !files) {
        rc = -1;
        goto out;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
          "<title>datacrumbs trace report: ",
          out);
    put_list(out, &s->runs);
    fprintf(out, "</title>\n<style>%s</style></head><body>\n<h1>I/O of run ", style);
    put_list(out, &s->runs);
    fputs("</h1>\n<table id=\"run\"><tbody>\n<tr><td class=\"l\">users</td><td class=\"l\">", out);
    put_list(out, &s->users);
    fputs("</td></tr>\n<tr><td class=\"l\">hosts</td><td class=\"l\">", out);
    put_list(out, &s->hosts);
    when[0] = '\0';
    if (s->events) {
        time_t t = (time_t)(s->min_ts / 1000000);
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
    }
    fprintf(out,
            "</td></tr>\n<tr><td class=\"l\">started</td><td class=\"l\">%s</td></tr>\n"
            "<tr><td class=\"l\">span</td><td class=\"l\">%s</td></tr>\n"
            "<tr><td class=\"l\">events</td><td class=\"l\">%llu in %zu trace file%s</td></tr>\n"
            "<tr><td class=\"l\">processes</td><td class=\"l\">%zu</td></tr>\n",
            when, tr_fmt_us(b1, sizeof(b1), s->events ? s->max_end - s->min_ts : 0),
            (unsigned long long)s->events, s->ninputs, s->ninputs == 1 ? "" : "s", s->nprocs);
    for (size_t i = 0; i < s->ninputs; i++) {
        if (s->inputs[i].status == TR_ST_OK)
            continue;
        fputs("<tr><td class=\"l\">warning</td><td class=\"l\">", out);
        html_str(out, s->inputs[i].path, strlen(s->inputs[i].path));
        fputs(" is incomplete or invalid: counted up to where it stops</td></tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    if (timeline(out, s) < 0) {
        rc = -1;
        goto out;
    }
    bandwidth(out, s);
    bars(out, s, fo, 0);
    {
        /* The same functions, by calls. */
        size_t *byc = malloc((s->nfuncs ? s->nfuncs : 1) * sizeof(*byc));

        if (!byc) {
            rc = -1;
            goto out;
        }
        memcpy(byc, fo, s->nfuncs * sizeof(*byc));
        for (size_t i = 1; i < s->nfuncs; i++)
            for (size_t j = i; j > 0 && s->funcs[byc[j]]->calls > s->funcs[byc[j - 1]]->calls;
                 j--) {
                size_t t = byc[j];

                byc[j] = byc[j - 1];
                byc[j - 1] = t;
            }
        bars(out, s, byc, 1);
        free(byc);
    }
    sizes(out, s);
    files_table(out, s, files, top);
    fprintf(out, "<p class=\"note\">Made by datacrumbs_trace report from %zu trace file%s.</p>\n",
            s->ninputs, s->ninputs == 1 ? "" : "s");
    fprintf(out, "<script>%s</script>\n</body></html>\n", script);
out:
    free(fo);
    free(files);
    return rc;
}

int do_report(const struct tr_opts *o)
{
    struct tr_stats s;
    char *tmp = NULL;
    FILE *out = NULL;
    int rc, fd;

    if (tr_stats_init(&s, o->nfiles, 1) < 0) {
        dc_err("out of memory");
        return TR_EXIT_FAIL;
    }
    rc = tr_collect(o, &s);
    if (rc == TR_EXIT_FAIL)
        goto cleanup;
    fd = tr_out_open(o->output, &tmp);
    if (fd < 0 || !(out = fdopen(fd, "w"))) {
        if (fd >= 0)
            close(fd);
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    if (write_report(out, &s, o->top) < 0 || fflush(out) != 0 || ferror(out) || fclose(out) != 0) {
        out = NULL;
        dc_err("writing %s failed", o->output);
        rc = TR_EXIT_FAIL;
        goto cleanup;
    }
    out = NULL;
    if (tr_out_commit(o->output, &tmp) < 0)
        rc = TR_EXIT_FAIL;
cleanup:
    if (out)
        fclose(out);
    tr_out_abort(&tmp);
    tr_stats_free(&s);
    return rc;
}
