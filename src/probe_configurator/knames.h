/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * knames.h - what the kernel captures (ksym, btf, header) share: a list of candidate names
 * that is sorted, deduplicated and added in one step; syscall names and their signatures.
 *
 * Syscalls are named as the kernel names them without its entry prefix ("read", "newstat").
 * The regex may match that name or the "sys_" form upstream's header captures matched
 * ("^sys_(read|write)$"). Their signatures come, in this order, from the capture's header,
 * the BTF of __do_sys_NAME (exact, when not inlined), the built-in table of the syscall ABI,
 * and BTF's ksys_NAME.
 */
#ifndef DC_KNAMES_H
#define DC_KNAMES_H

#include <stddef.h>

#include "discover_int.h"

/* A candidate function; its signature is known already (sig_done) or found when it is added. */
struct name {
    const char *name;
    const struct dc_sig *sig;
    int sig_done;
    size_t idx; /* the caller's (a BTF function's position) */
};

struct names {
    struct name *v;
    size_t n, cap;
};

int names_push(struct names *l, const char *s);
int names_push_sig(struct names *l, const char *s, const struct dc_sig *sig);

typedef const struct dc_sig *(*sig_fn)(struct capture_ctx *c, const char *name, void *arg);

/*
 * Sort, drop repeats, deduplicate against earlier captures (keys "k:NAME" for kernel
 * functions, "s:NAME" for syscalls) and add to the category, with the signature from sig
 * (may be NULL) for names that have none yet. Returns 0 or -1 (cap_fail).
 */
int names_add_sorted(struct capture_ctx *c, struct names *l, const char *kind, sig_fn sig,
                     void *arg);

/* The signature of a kernel function: BTF, else the header's declaration (arg, may be NULL). */
const struct dc_sig *sig_kernel(struct capture_ctx *c, const char *name, void *header);
/* syscall_sig() for a capture (arg: the header's declarations, may be NULL). */
const struct dc_sig *sig_syscall(struct capture_ctx *c, const char *name, void *header);

/* "__x64_sys_read" -> "read"; NULL when the name is not a syscall entry point. */
const char *strip_syscall(const char *name);

/*
 * The kernel's syscalls from BTF into the capture's category; with only_header, only those
 * header declares (as sys_NAME).
 */
int btf_syscalls(struct capture_ctx *c, const struct dc_cdecls *header, int only_header);

#endif
