/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hostconf.h - the host YAML file (datacrumbs-host.yaml(5)): which probes to discover.
 *
 * Upstream's keys and capture entries, read with libyaml. Every error names the file, the
 * line and the key; unknown keys are warnings (with a suggestion when one is close); a file
 * that still holds an @NAME@ template placeholder is refused before it is parsed. Loading only
 * checks the file itself: whether the named files exist is discovery's business.
 */
#ifndef DC_HOSTCONF_H
#define DC_HOSTCONF_H

#include <stddef.h>

#include "argspec.h"
#include "diag.h"

#define DC_HOSTCONF_SIZE_MAX     (1024 * 1024) /* bytes of YAML */
#define DC_HOSTCONF_CAPTURES_MAX 1024
#define DC_HOSTCONF_NAME_MAX     256 /* a category name (the signer's limit) */

/* How functions are found (upstream's CaptureType, plus btf). */
enum dc_capture_type {
    DC_CAP_HEADER = 0, /* names declared in a C header, confirmed by the kernel */
    DC_CAP_BINARY,     /* ELF function symbols of a file */
    DC_CAP_KSYM,       /* /proc/kallsyms by regex */
    DC_CAP_USDT,       /* .note.stapsdt probes of a binary */
    DC_CAP_CUSTOM,     /* a custom BPF program and its list of functions */
    DC_CAP_BTF,        /* the running kernel's BTF: its functions, or its syscalls */
};

struct dc_capture {
    size_t index; /* position in capture_probes */
    unsigned line;
    enum dc_capture_type type;
    int probe; /* enum dc_pf_type */
    char *name;
    char *regex; /* NULL: no filter */
    unsigned regex_line;
    int enable_explorer; /* 0: reuse the category of the existing output file */
    char *file;          /* header, binary and custom */
    int include_offsets; /* -1 when not given */
    char *binary_path;   /* usdt */
    char *provider;      /* usdt */
    char *probes;        /* custom: JSON list of functions */
    char *process_header;
    long long start_event_id;
    long long event_type;
    char **exclude; /* names never to probe in this category */
    size_t nexclude;
    struct dc_strbytes *strbytes; /* string_bytes: bytes shown of string arguments */
    size_t nstrbytes;
};

struct dc_hostconf {
    char *path; /* as given */
    struct dc_capture *caps;
    size_t ncaps;
    char *user;           /* upstream's summary.user; the signer uses the caller's identity */
    char *data_dir;       /* accepted, not used */
    char *trace_log_dir;  /* accepted, not used */
    char *inclusion_path; /* accepted, not used */
    char *exclusion_file; /* upstream-format exclusion list to apply */
};

/* Read and parse path. Returns 0, or -1 after reporting every error found into d. */
int dc_hostconf_load(const char *path, struct dc_hostconf *hc, struct dc_diag *d);
/* The same from memory; name is used in messages (tests and the fuzzer). */
int dc_hostconf_parse(const char *buf, size_t len, const char *name, struct dc_hostconf *hc,
                      struct dc_diag *d);
void dc_hostconf_free(struct dc_hostconf *hc);

/* "header", "binary", "ksym", "usdt", "custom", "btf". */
const char *dc_capture_type_name(enum dc_capture_type t);
/* "syscalls", "kprobe", "uprobe", "usdt", "custom". */
const char *dc_probe_type_name(int probe);

#endif
