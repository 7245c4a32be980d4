/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reader.h - stream the events of one trace: a .pfw.gz (gzip, members concatenated or not) or
 * a plain .pfw file, "-" for stdin. A trace is "[" on the first line, one JSON object per line
 * (an optional trailing comma is accepted), and "]" on the last line, as the runtime writes it.
 *
 * The reader keeps one buffer (at most TR_LINE_MAX per line): memory does not depend on the
 * size of the trace. Events point into that buffer and are valid until the next call.
 */
#ifndef TR_READER_H
#define TR_READER_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#define TR_LINE_MAX (1u << 20)
#define TR_MAX_ARGS 32

/* How a trace ended; the exit codes of datacrumbs_trace(1) follow from them. */
enum tr_status {
    TR_ST_OK = 0,
    TR_ST_INCOMPLETE, /* truncated gzip stream or no closing "]": read up to the damage */
    TR_ST_INVALID,    /* not a trace, a line that is not JSON, an event lacking keys */
    TR_ST_IO,         /* cannot open or read the file */
};

enum tr_vtype { TR_V_STR, TR_V_NUM, TR_V_OTHER };

struct tr_arg {
    const char *key; /* raw (JSON-escaped) bytes, without quotes */
    size_t klen;
    const char *val; /* raw bytes: a string without its quotes, or the literal */
    size_t vlen;
    enum tr_vtype type;
    int64_t num; /* TR_V_NUM: the value (integers; fractions truncated) */
};

struct tr_event {
    const char *line; /* the whole line, without newline or trailing comma */
    size_t len;
    const char *name, *cat; /* raw (JSON-escaped), without quotes */
    size_t name_len, cat_len;
    char ph;
    int has_id;
    uint64_t id, ts, dur;
    int64_t pid, tid;
    /* Offsets in line of the values of "id", "pid" and "tid" (merge rewrites them). */
    size_t id_off, id_len, pid_off, pid_len, tid_off, tid_len;
    int has_ret;
    int64_t ret;
    unsigned nargs;
    struct tr_arg args[TR_MAX_ARGS];
};

struct tr_reader {
    const char *path;
    gzFile gz;
    char *buf;
    size_t cap, start, end;
    long lineno;
    int state; /* 0 before "[", 1 in the events, 2 after "]" */
    int eof;
    enum tr_status status;
    enum tr_status pending; /* damage met by the decompressor, reported after the lines before */
    char perr[300];
    uint64_t events; /* lines read as events */
    char err[768];   /* "path:line: what" when status is not OK */
};

/* Open path ("-": stdin). 0, or -1 with r->status TR_ST_IO and r->err set. */
int tr_reader_open(struct tr_reader *r, const char *path);
/* The next event: 1, 0 at the end of the trace (status says how it ended), -1 on an error
 * (status and err say which and where; the trace cannot be read further). */
int tr_reader_next(struct tr_reader *r, struct tr_event *ev);
void tr_reader_close(struct tr_reader *r);

/* Parse one line (no newline) into ev. 0, or -1 with *why set to a static message. */
int tr_parse_event(const char *s, size_t n, struct tr_event *ev, const char **why);

/* Decode the JSON string escapes of s[0..n) into out (room for n bytes); the length. */
size_t tr_unescape(const char *s, size_t n, char *out);
/* A "0x..." pointer string argument as a number: 1, or 0 when the value is not one. */
int tr_arg_hex(const struct tr_arg *a, uint64_t *v);

#endif
