/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace.h - the verbs of datacrumbs_trace and what they share: options, exit codes, reading
 * every input in turn, and output helpers.
 */
#ifndef TR_TRACE_H
#define TR_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "reader.h"
#include "stats.h"

/* Exit codes (datacrumbs_trace(1)): when several apply, the first in this order. */
enum {
    TR_EXIT_OK = 0,
    TR_EXIT_FAIL = 1,       /* the output could not be written, out of memory */
    TR_EXIT_USAGE = 2,      /* bad command line */
    TR_EXIT_IO = 3,         /* a trace could not be opened or read */
    TR_EXIT_INVALID = 4,    /* a trace is not valid: not a trace, bad JSON, missing keys */
    TR_EXIT_INCOMPLETE = 5, /* a trace is incomplete (truncated): read up to the damage */
};

struct tr_list {
    char **items;
    size_t n;
};

struct tr_opts {
    char **files;
    size_t nfiles;
    const char *output; /* -o */
    int json;
    int top;
    int level;     /* merge: gzip level */
    size_t window; /* merge: events held per input to put them in order */
    struct tr_list pids, tids, cats, names;
    const char *since, *until;
};

/* The exit code for a reader status. */
int tr_exit_for(enum tr_status st);
/* Combine two exit codes: the one that comes first in the order above. */
int tr_exit_worst(int a, int b);
/* Report how input r ended (error or warning); the exit code it calls for. */
int tr_report_end(const struct tr_reader *r);

/* Output: a raw (JSON-escaped) string, decoded; a plain string, JSON-escaped in quotes. */
void tr_put_raw(FILE *out, const char *raw, size_t n);
void tr_put_json_str(FILE *out, const char *s, size_t n);
/* Microseconds as "812us", "12.3ms", "4.56s". */
const char *tr_fmt_us(char *buf, size_t len, uint64_t us);
/* Bytes as "512 B", "12.0 KiB", ... */
const char *tr_fmt_bytes(char *buf, size_t len, uint64_t b);

/* The output of report and merge: a temp file next to path, renamed over it by tr_out_commit
 * once complete (a device or pipe such as /dev/null is written directly, *tmp NULL). The fd, or
 * -1 (error printed). tr_out_abort removes the temp file. */
int tr_out_open(const char *path, char **tmp);
int tr_out_commit(const char *path, char **tmp);
void tr_out_abort(char **tmp);

/* Read every input into stats (summary and report). The exit code. */
int tr_collect(const struct tr_opts *o, struct tr_stats *s);

int do_summary(const struct tr_opts *o);
int do_report(const struct tr_opts *o);
int do_merge(const struct tr_opts *o);
int do_cat(const struct tr_opts *o);

/* summary's text and JSON (shared with report for the run lines). */
int tr_summary_text(FILE *out, const struct tr_stats *s, int top);
int tr_summary_json(FILE *out, const struct tr_stats *s, int top);
/* Index arrays sorted for output (caller frees). */
size_t *tr_sorted_funcs(const struct tr_stats *s);
size_t *tr_sorted_files(const struct tr_stats *s, int by_time);

#endif
