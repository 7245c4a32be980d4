/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan.h - what a verified probe file asks the daemon to attach, function by function.
 *
 * Every function of the probe file gets an id (1..n, in file order), which is the BPF cookie of
 * its probes and the index of its settings in the kernel and of its name and argument labels
 * here. A function that cannot be traced (unknown syscall, symbol not found, unsupported probe
 * type, attach failure) keeps its id and carries the reason in error; it is reported, never
 * fatal for the others.
 */
#ifndef DC_RT_PLAN_H
#define DC_RT_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "event.h"
#include "openas.h"

enum rt_arg_type {
    RT_ARG_INT,  /* signed integer of `bytes` bytes */
    RT_ARG_UINT, /* unsigned integer */
    RT_ARG_PTR,  /* printed as "0x..." */
    RT_ARG_STR,  /* char *: the string it points to (bounded), or the pointer if unreadable */
};

struct rt_arg {
    char *key; /* "label": already JSON-escaped, quoted and followed by ':' */
    size_t key_len;
    unsigned reg;   /* parameter index 0..DC_MAX_ARGS-1 */
    unsigned bytes; /* 1, 2, 4 or 8 */
    enum rt_arg_type type;
    unsigned slot; /* string slot (RT_ARG_STR) */
    /* RT_ARG_STR: the keys that follow the value when the string is cut ("label.cut":true)
     * and when it holds bytes that are not UTF-8 ("label.hex":), and whether it is a buffer
     * of as many bytes as the call returned (NUL bytes included) rather than a C string. */
    char *cut_key, *hex_key;
    size_t cut_len, hex_len;
    int counted;
};

struct rt_func {
    unsigned id;
    enum dc_fn_kind kind; /* 0 when the category type is not traceable here */
    char *name;           /* as in the probe file */
    char *symbol;         /* name without a ":0x..." suffix: kernel symbol, ELF symbol */
    char *category;       /* category name */
    char *head;           /* ,"name":"..","cat":"..","ph":"X","ts": (JSON-escaped) */
    size_t head_len;
    int no_ret;      /* an argument is labelled "ret": no return value key */
    int binary;      /* index in plan.bins (uprobes), else -1 */
    uint64_t offset; /* file offset (uprobes) once known */
    int has_offset;
    int given_offset;  /* "name:0x...": the offset must be where function name starts */
    int nr;            /* syscall number, else -1 */
    unsigned alias_of; /* another function at the same address: traced under its name */
    unsigned nargs;
    struct rt_arg args[DC_MAX_ARGS];
    int mode_arg;       /* open and openat: the index in args of the mode, else -1 */
    unsigned flags_reg; /* and the parameter that holds the flags */
    struct dc_fn_cfg cfg;
    char *note;   /* something left out (an argument we cannot read), for --check */
    char *error;  /* why it is not traced; NULL while it can be */
    int attached; /* 1 when its probes are in place */
};

struct rt_binary {
    char *path;
    int fd;               /* the file, opened once as the user; every later step uses this inode */
    char attach_path[32]; /* "/proc/self/fd/N": the kernel attaches to the same inode */
    dev_t dev;
    ino_t ino;
    char *error; /* the whole file cannot be used */
};

struct rt_plan {
    struct rt_func *funcs; /* funcs[i].id == i + 1 */
    size_t nfuncs;
    struct rt_binary *bins;
    size_t nbins;
    size_t max_line; /* upper bound of one formatted trace line */
};

/* Build the plan from the categories of a verified probe file. Returns 0, or -1 with err set
 * when the categories cannot be read at all (the file is then refused). */
int rt_plan_build(struct rt_plan *p, const json_t *categories, char *err, size_t errlen);

/*
 * Syscall numbers, ELF symbols and file identities; afterwards every function either has what
 * attaching needs or an error. Each binary is opened once, as `as` (the traced user; NULL:
 * with the daemon's own identity), and stays open until rt_plan_free: the probe file names
 * paths in the user's reach, so root must neither open them with its own rights nor look the
 * path up again later.
 */
void rt_plan_resolve(struct rt_plan *p, const struct dc_fsident *as);

/* Functions in the file (what max_runtime_functions limits) and those still traceable. */
size_t rt_plan_count_traceable(const struct rt_plan *p);

/* Record why a function is not traced (the first reason is kept). */
void rt_plan_fail(struct rt_func *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The trace type of an argument spec (reference 4.3: c_type, is_pointer, num_bytes), or -1 when
 * it cannot be read from a parameter register (floating point, structures). */
int rt_arg_classify(const char *c_type, int is_pointer, long num_bytes);

/* Warn about the functions not traced (at most max of them by name, then how many more). */
void rt_plan_warn_failures(const struct rt_plan *p, size_t max);

/* Print the plan for --check: one line per function, then totals. */
void rt_plan_print(const struct rt_plan *p, FILE *out);

void rt_plan_free(struct rt_plan *p);

#endif
