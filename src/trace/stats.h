/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.h - what summary and report compute from the events, streaming: per category and
 * function, per process, per file path (descriptors followed per process from the open-like
 * calls to close, through dup and fork), access sizes, and, for the report, activity over
 * time on a fixed number of bins. Memory grows with the number of distinct functions,
 * processes and paths, never with the number of events.
 */
#ifndef TR_STATS_H
#define TR_STATS_H

#include <stdint.h>

#include "hist.h"
#include "map.h"
#include "reader.h"

#define TR_SIZE_BUCKETS 10 /* access sizes, Darshan's ranges: 0-100, 100-1K, ..., 1G+ */
#define TR_BINS         240

enum tr_class {
    FC_OTHER = 0,
    FC_OPEN,
    FC_OPENAT,
    FC_FOPEN,
    FC_FDOPEN,
    FC_CLOSE,
    FC_FCLOSE,
    FC_DUP,
    FC_FCNTL,
    FC_FORK,
    FC_READ,
    FC_WRITE,
    FC_FREAD,
    FC_FWRITE,
    FC_PATHOP,
};

struct tr_func {
    uint32_t cat; /* index in stats.cats */
    char *name;   /* raw (JSON-escaped) */
    enum tr_class cls;
    uint64_t calls, dur, errors, rbytes, wbytes;
    struct tr_hist hist;
};

struct tr_counts {
    uint64_t calls, dur, errors, rbytes, wbytes, reads, writes, opens;
};

struct tr_proc {
    uint32_t file;    /* input file index */
    int64_t pid;      /* as in the file */
    int64_t orig_pid; /* the node's pid (differs in merged traces) */
    uint32_t host;    /* index in stats.hosts */
    uint64_t first_ts, last_end;
    struct tr_u64map fds; /* fd, or stream pointer | TR_STREAM_BIT -> path index */
    unsigned nstreams;
    struct tr_counts *by_cat; /* indexed by category */
    uint32_t ncat;
    float *busy; /* report: busy microseconds per time bin */
};

#define TR_STREAM_BIT (1ull << 63)

struct tr_fstat {
    uint32_t path, cat;
    struct tr_counts c;
};

#define TR_NONE UINT32_MAX /* no user, run or host known */

struct tr_input {
    const char *path;
    uint32_t user, run, host;
    enum tr_status status;
    uint64_t events;
};

struct tr_stats {
    int timeline; /* keep the time bins (report) */
    struct tr_strtab cats, funckeys, paths, hosts, users, runs;
    struct tr_func **funcs;
    size_t nfuncs;
    struct tr_proc **procs;
    size_t nprocs, capprocs;
    struct tr_u64map procmap;
    struct tr_fstat *files;
    size_t nfiles, capfiles;
    struct tr_u64map filemap;
    struct tr_input *inputs;
    size_t ninputs;
    uint64_t events, other_events, meta_events;
    uint64_t min_ts, max_end;
    uint64_t unresolved; /* calls on descriptors whose open was not seen */
    uint64_t size_read[TR_SIZE_BUCKETS], size_write[TR_SIZE_BUCKETS];
    /* Time bins: [origin + i * width, origin + (i + 1) * width) for i < TR_BINS. */
    int grid_set;
    uint64_t origin, width;
    double bin_rbytes[TR_BINS], bin_wbytes[TR_BINS], bin_calls[TR_BINS];
};

int tr_stats_init(struct tr_stats *s, size_t ninputs, int timeline);
void tr_stats_free(struct tr_stats *s);
/* Note input file i (name parsed for user, run and host). 0 or -1 (out of memory). */
int tr_stats_input(struct tr_stats *s, size_t i, const char *path);
/* Account one event of input i. 0 or -1 (out of memory). */
int tr_stats_add(struct tr_stats *s, size_t i, const struct tr_event *ev);

/* The class of a function by its name (open, read, fork, ...). */
enum tr_class tr_classify(const char *name, size_t len);
/* The access-size bucket of n bytes. */
unsigned tr_size_bucket(uint64_t n);
extern const char *const tr_size_labels[TR_SIZE_BUCKETS];

/* Parse "trace-USER-RUN-HOST[.N].pfw[.gz]" (directories ignored): 0, or -1 when the name has
 * another form. User and run id are taken up to the first and the second dash, the host is
 * the rest (host names often hold dashes). Writes NUL-terminated copies into the buffers. */
int tr_parse_trace_name(const char *path, char *user, char *run, char *host, size_t len);

#endif
